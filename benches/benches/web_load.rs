//! A bounded load test of `build-examples/web` (issue 19): the axum API over
//! ormgen's async session, served in this process on a runtime of its own
//! (2 worker threads, a pool of `LOAD_POOL` connections), and a Rust client
//! on another runtime sending `LOAD_REQUESTS` requests over `LOAD_CONNS`
//! keep-alive HTTP/1.1 connections.
//!
//! The mix, per request number `i` (`i % 8`): 0–1 create a post (`POST
//! /posts`), 2 comment on a post (`POST /posts/{id}/comments`), 3–5 read a
//! post with its author and comments (`GET /posts/{id}`), 6–7 read a page of
//! posts with their authors (`GET /posts?page=..`). Before the run 20 users
//! and 200 posts are created (not measured).
//!
//! Checks: every answer has the expected status (a different one counts as
//! an error, by status), and no write is lost: the posts and comments in
//! the database afterwards are exactly the seeded ones plus the 201 answers.
//! Reported: throughput, p50/p99/max latency, errors.
//!
//! Scenarios: `sqlite` (a database file), `postgres` (a schema of its own in
//! `ORMGEN_BENCH_PG_URL`'s database), `postgres-kill` (the same, and when a
//! third of the requests are done every server connection of the pool is
//! killed with `pg_terminate_backend`: the errors seen, by status, and the
//! time from the kill to the last error are reported).
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench web_load
//! [-- SCENARIO...]` (all three by default; `ORMGEN_BENCH_OUT=file.md`
//! also writes the table there).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pg_url() -> String {
    std::env::var("ORMGEN_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

const USERS: u64 = 20;
const POSTS: u64 = 200;

/// A keep-alive HTTP/1.1 connection.
struct Client {
    addr: std::net::SocketAddr,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    /// Sends a request and returns the status, or an I/O error (the
    /// connection is then dropped and the next request reconnects).
    async fn call(&mut self, method: &str, path: &str, body: &str) -> std::io::Result<u16> {
        let r = self.try_call(method, path, body).await;
        if r.is_err() {
            self.conn = None;
        }
        r
    }

    async fn try_call(&mut self, method: &str, path: &str, body: &str) -> std::io::Result<u16> {
        if self.conn.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.conn = Some(BufReader::new(stream));
        }
        let conn = self.conn.as_mut().expect("connected");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: load\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        conn.get_mut().write_all(request.as_bytes()).await?;
        let mut line = String::new();
        conn.read_line(&mut line).await?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = None;
        loop {
            line.clear();
            conn.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let length = length.ok_or_else(|| std::io::Error::other("no content-length"))?;
        let mut payload = vec![0; length];
        conn.read_exact(&mut payload).await?;
        Ok(status)
    }
}

/// What one run measured.
#[derive(Default)]
struct Report {
    scenario: String,
    requests: u64,
    elapsed: Duration,
    latencies_us: Vec<u32>,
    /// Unexpected answers by status and route (`io` for a failed
    /// connection).
    errors: BTreeMap<String, u64>,
    created_posts: u64,
    created_comments: u64,
    posts_in_db: i64,
    comments_in_db: i64,
    killed: Option<(i64, Duration)>,
    last_error_after_kill: Option<Duration>,
}

/// A cheap per-task generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// The database of a scenario: its URL for the server, and how to clean up.
struct Database {
    url: String,
    schema: Option<String>,
    dir: Option<std::path::PathBuf>,
}

impl Database {
    fn new(scenario: &str) -> Database {
        let tag = format!(
            "web_load_{}_{}",
            std::process::id(),
            scenario.replace('-', "_")
        );
        if scenario == "sqlite" {
            let dir = std::env::temp_dir().join(&tag);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}", dir.join("blog.db").display());
            return Database {
                url,
                schema: None,
                dir: Some(dir),
            };
        }
        let mut admin = postgres::Client::connect(&pg_url(), postgres::NoTls)
            .unwrap_or_else(|e| panic!("PostgreSQL at {} is unreachable: {e}", pg_url()));
        admin
            .batch_execute(&format!(
                "drop schema if exists {tag} cascade; create schema {tag}"
            ))
            .expect("create schema");
        Database {
            url: format!(
                "{}?options=-c%20search_path%3D{tag}&application_name={tag}",
                pg_url()
            ),
            schema: Some(tag),
            dir: None,
        }
    }

    /// Rows in `table`, read with ormgen's sync API outside any runtime.
    fn count(&self, table: &str) -> i64 {
        let engine = ormgen::Engine::connect(&self.url).expect("connect");
        let n = engine
            .session()
            .and_then(|mut s| s.query_one(format!("select count(*) from {table}").as_str(), ()))
            .expect("count");
        engine.dispose();
        n
    }
}

/// Terminates every server connection whose application_name is `schema`
/// (the scenario's pool); returns how many.
fn kill_connections(schema: &str) -> i64 {
    let mut admin = postgres::Client::connect(&pg_url(), postgres::NoTls).expect("admin");
    let rows = admin
        .query(
            "select pg_terminate_backend(pid) from pg_stat_activity \
             where application_name = $1 and pid <> pg_backend_pid()",
            &[&schema],
        )
        .expect("terminate");
    rows.len() as i64
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(schema) = &self.schema
            && let Ok(mut admin) = postgres::Client::connect(&pg_url(), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("drop schema if exists {schema} cascade"));
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn run(scenario: &str) -> Report {
    let requests = env_or("LOAD_REQUESTS", 20_000);
    let conns = env_or("LOAD_CONNS", 64);
    let pool = env_or("LOAD_POOL", 10) as usize;
    let db = Database::new(scenario);

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let (engine, listener) = server_rt.block_on(async {
        let engine = web_example::open(&db.url, pool).await.expect("open");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        (engine, listener)
    });
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = server_rt.spawn(web_example::serve(listener, engine.clone(), async {
        let _ = stopped.await;
    }));

    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    // Seed users and posts (not measured).
    client_rt.block_on(async {
        let mut c = Client { addr, conn: None };
        for u in 0..USERS {
            let body = format!(r#"{{"email":"user{u}@load.test","name":"User {u}","age":30}}"#);
            assert_eq!(c.call("POST", "/users", &body).await.unwrap(), 201);
        }
        for p in 0..POSTS {
            let body = format!(
                r#"{{"title":"Seed {p}","body":"text","author_id":{}}}"#,
                p % USERS + 1
            );
            assert_eq!(c.call("POST", "/posts", &body).await.unwrap(), 201);
        }
    });

    let next = Arc::new(AtomicU64::new(0));
    let kill_at = Arc::new(Mutex::new(None::<Instant>));
    let killer = (scenario == "postgres-kill").then(|| {
        let next = next.clone();
        let kill_at = kill_at.clone();
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let schema = db.schema.clone().expect("a PostgreSQL scenario");
        let handle = std::thread::spawn(move || {
            while next.load(Ordering::Relaxed) < requests / 3 && !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
            }
            let at = Instant::now();
            let n = kill_connections(&schema);
            *kill_at.lock().unwrap() = Some(at);
            n
        });
        (handle, done)
    });

    let started = Instant::now();
    let results = client_rt.block_on(async {
        let tasks: Vec<_> = (0..conns)
            .map(|t| {
                let next = next.clone();
                tokio::spawn(async move {
                    let mut c = Client { addr, conn: None };
                    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t + 1));
                    let mut latencies = Vec::new();
                    let mut errors: Vec<(String, Instant)> = Vec::new();
                    let (mut posts, mut comments) = (0u64, 0u64);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= requests {
                            break;
                        }
                        let post = rng.below(POSTS) + 1;
                        let (route, method, path, body, expected) = match i % 8 {
                            0 | 1 => (
                                "POST /posts",
                                "POST",
                                "/posts".to_owned(),
                                format!(
                                    r#"{{"title":"Load {i}","author_id":{}}}"#,
                                    rng.below(USERS) + 1
                                ),
                                201,
                            ),
                            2 => (
                                "POST /posts/{id}/comments",
                                "POST",
                                format!("/posts/{post}/comments"),
                                format!(
                                    r#"{{"body":"Comment {i}","author_id":{}}}"#,
                                    rng.below(USERS) + 1
                                ),
                                201,
                            ),
                            3..=5 => (
                                "GET /posts/{id}",
                                "GET",
                                format!("/posts/{post}"),
                                String::new(),
                                200,
                            ),
                            _ => (
                                "GET /posts",
                                "GET",
                                format!("/posts?per_page=20&page={}", rng.below(5) + 1),
                                String::new(),
                                200,
                            ),
                        };
                        let t0 = Instant::now();
                        let answer = c.call(method, &path, &body).await;
                        latencies.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        match answer {
                            Ok(s) if s == expected => {
                                if s == 201 && path == "/posts" {
                                    posts += 1;
                                } else if s == 201 {
                                    comments += 1;
                                }
                            }
                            Ok(s) => errors.push((format!("{s} {route}"), Instant::now())),
                            Err(_) => errors.push((format!("io {route}"), Instant::now())),
                        }
                    }
                    (latencies, errors, posts, comments)
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.push(t.await.expect("client task"));
        }
        all
    });
    let elapsed = started.elapsed();
    let killed = killer.map(|(handle, done)| {
        done.store(true, Ordering::Relaxed);
        handle.join().expect("killer")
    });

    let _ = stop.send(());
    server_rt
        .block_on(server)
        .expect("server task")
        .expect("serve");
    drop(server_rt);
    engine.dispose();

    let mut report = Report {
        scenario: scenario.to_owned(),
        requests,
        elapsed,
        ..Report::default()
    };
    let kill_at = *kill_at.lock().unwrap();
    for (latencies, errors, posts, comments) in results {
        report.latencies_us.extend(latencies);
        report.created_posts += posts;
        report.created_comments += comments;
        for (status, at) in errors {
            *report.errors.entry(status).or_default() += 1;
            if let Some(k) = kill_at
                && at > k
            {
                let after = at - k;
                report.last_error_after_kill = report.last_error_after_kill.max(Some(after));
            }
        }
    }
    report.killed = killed.zip(kill_at.map(|k| k - started));
    report.latencies_us.sort_unstable();
    report.posts_in_db = db.count("posts") - POSTS as i64;
    report.comments_in_db = db.count("comments");
    report
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let scenarios: Vec<&str> = if args.is_empty() {
        vec!["sqlite", "postgres", "postgres-kill"]
    } else {
        args.iter().map(String::as_str).collect()
    };
    let mut out = String::new();
    writeln!(
        out,
        "| scenario | requests | conns | pool | req/s | p50 ms | p99 ms | max ms | errors | posts 201 / in db | comments 201 / in db |"
    )
    .unwrap();
    writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|").unwrap();
    let mut failed = false;
    let mut notes = String::new();
    for scenario in scenarios {
        let r = run(scenario);
        let errors = if r.errors.is_empty() {
            "0".to_owned()
        } else {
            r.errors
                .iter()
                .map(|(s, n)| format!("{n}× {s}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} / {} | {} / {} |",
            r.scenario,
            r.requests,
            env_or("LOAD_CONNS", 64),
            env_or("LOAD_POOL", 10),
            r.requests as f64 / r.elapsed.as_secs_f64(),
            percentile(&r.latencies_us, 0.50),
            percentile(&r.latencies_us, 0.99),
            percentile(&r.latencies_us, 1.0),
            errors,
            r.created_posts,
            r.posts_in_db,
            r.created_comments,
            r.comments_in_db,
        )
        .unwrap();
        if let Some((n, at)) = r.killed {
            writeln!(
                notes,
                "- {}: {n} server connections killed {:.0} ms into the run; last error {} after the kill",
                r.scenario,
                at.as_secs_f64() * 1000.0,
                r.last_error_after_kill
                    .map_or("none".to_owned(), |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0)),
            )
            .unwrap();
        }
        // Every 201 is in the database; a row without a 201 is allowed only
        // for a request that failed (a commit in doubt may have applied it).
        let failed_writes = |route: &str| -> i64 {
            r.errors
                .iter()
                .filter(|(k, _)| k.ends_with(route))
                .map(|(_, n)| *n as i64)
                .sum()
        };
        let off = |in_db: i64, created: u64, route: &str| {
            in_db < created as i64 || in_db > created as i64 + failed_writes(route)
        };
        let lost = off(r.posts_in_db, r.created_posts, " POST /posts")
            || off(
                r.comments_in_db,
                r.created_comments,
                " POST /posts/{id}/comments",
            );
        if lost {
            writeln!(
                notes,
                "- {}: rows in the database differ from the 201 answers",
                r.scenario
            )
            .unwrap();
        }
        failed |= lost || (r.killed.is_none() && !r.errors.is_empty());
    }
    out.push_str(&notes);
    print!("{out}");
    if let Ok(path) = std::env::var("ORMGEN_BENCH_OUT") {
        std::fs::write(path, &out).expect("write the report");
    }
    if failed {
        eprintln!("web_load: errors or lost writes (see above)");
        std::process::exit(1);
    }
}
