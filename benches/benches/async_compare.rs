//! ormgen's async API side by side with its sync API and, on PostgreSQL,
//! the bare `tokio-postgres` driver (issue 19), on the schema of
//! `benches/schema/bench.prisma`.
//!
//! Contenders: `ormgen` (a sync `Session`), `ormgen-async` (an
//! `AsyncSession`: a round of operations awaited one after the other in one
//! task on a current-thread tokio runtime, as a request handler awaits its
//! queries) and, on PostgreSQL, `tokio-postgres` (a prepared statement on
//! the async driver, awaited the same way). Workloads: `by_pk` (a user by primary key out of
//! 10,000), `list100` (100 users through the query builder),
//! `read_tx` (`by_pk` in a transaction of its own: begin, read, commit),
//! `single_insert` (one user per committed transaction, begun by hand, and
//! read back: every contender's INSERT returns the row, as ormgen's does) and
//! `insert_autobegin` (the same on ormgen sessions in their default mode,
//! where the insert begins the transaction; the drivers, which have no
//! such mode, run their `single_insert` again). `read_tx` runs on ormgen's
//! default-mode sessions too (the read begins the transaction), and on the
//! drivers with a transaction begun by hand.
//!
//! Measurement: the contenders run interleaved in rounds of `OPS` operations;
//! the median time per operation of each over the rounds and the ratios to
//! the sync API (and to `tokio-postgres`) are printed as a Markdown table
//! (and written to `$ORMGEN_BENCH_OUT` if set).
//!
//! Workload `hand_over` is the async session's alone: `run_sync` of a job
//! that does nothing, the cost of the connection thread's design by itself.
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench async_compare`
//! (`ORMGEN_BENCH_QUICK=1` for fewer rounds, `ORMGEN_BENCH_NO_SQLX=1`
//! without the sqlx contenders, `ORMGEN_BENCH_BUSY=1` with a core kept
//! awake during the PostgreSQL rows (`=all`: during every row),
//! `ORMGEN_BENCH_ONLY=postgres` or `=sqlite_memory` for one backend).

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use ormgen::query::ExprExt;

mod orm {
    ormgen::include_schema!("bench");
}

const SEED: i64 = 10_000;

fn pg_url() -> String {
    std::env::var("ORMGEN_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// One contender: runs one operation of a workload.
trait Contender {
    fn name(&self) -> &'static str;
    /// Runs `workload` once with the counter `i`; returns something to keep.
    fn op(&mut self, workload: &str, i: i64) -> usize;
    /// Whether it runs `workload` (`hand_over` is the async session's alone).
    fn runs(&self, workload: &str) -> bool {
        workload != "hand_over"
    }
    /// Runs `workload` `n` times with the counters `first..first + n` (async
    /// contenders: inside one `block_on`, as one task awaits its queries).
    fn round(&mut self, workload: &str, first: i64, n: i64) -> usize {
        (first..first + n).map(|i| self.op(workload, i)).sum()
    }
}

fn user_id(i: i64) -> i32 {
    (i % SEED) as i32 + 1
}

// --- ormgen, sync

struct Sync {
    s: ormgen::Session,
    /// A session in ormgen's default mode (autocommit off): a transaction
    /// begins at its first statement.
    tx: ormgen::Session,
}

impl Contender for Sync {
    fn name(&self) -> &'static str {
        "ormgen"
    }
    fn op(&mut self, workload: &str, i: i64) -> usize {
        let s = &mut self.s;
        match workload {
            "by_pk" => orm::User::get(s, user_id(i)).unwrap().unwrap().name.len(),
            "list100" => orm::User::query()
                .filter(orm::user::id.le(100))
                .all(s)
                .unwrap()
                .len(),
            "insert_autobegin" => {
                let row = orm::NewUser::new("User").hair_color("brown");
                let stored = orm::User::insert(&mut self.tx, row).unwrap();
                self.tx.commit().unwrap();
                stored.name.len()
            }
            "read_tx" => {
                let user = orm::User::get(&mut self.tx, user_id(i)).unwrap().unwrap();
                self.tx.commit().unwrap();
                user.name.len()
            }
            "single_insert" => {
                s.begin().unwrap();
                let row = orm::NewUser::new("User").hair_color("brown");
                // The statement the async contender runs (RETURNING the row).
                let stored = orm::User::insert(s, row).unwrap();
                s.commit().unwrap();
                stored.name.len()
            }
            _ => unreachable!(),
        }
    }
}

// --- ormgen, async

struct Async {
    rt: tokio::runtime::Runtime,
    s: ormgen::AsyncSession,
    /// A session in ormgen's default mode (autocommit off).
    tx: ormgen::AsyncSession,
}

impl Contender for Async {
    fn name(&self) -> &'static str {
        "ormgen-async"
    }
    fn op(&mut self, workload: &str, i: i64) -> usize {
        self.round(workload, i, 1)
    }
    fn runs(&self, _: &str) -> bool {
        true
    }
    fn round(&mut self, workload: &str, first: i64, n: i64) -> usize {
        let s = match workload {
            "insert_autobegin" | "read_tx" => &mut self.tx,
            _ => &mut self.s,
        };
        self.rt.block_on(async {
            let mut kept = 0;
            for i in first..first + n {
                kept += async_op(s, workload, i).await;
            }
            kept
        })
    }
}

async fn async_op(s: &mut ormgen::AsyncSession, workload: &str, i: i64) -> usize {
    match workload {
        "by_pk" => s
            .get(orm::user::table, user_id(i))
            .await
            .unwrap()
            .unwrap()
            .name
            .len(),
        "list100" => s
            .all(orm::User::query().filter(orm::user::id.le(100)))
            .await
            .unwrap()
            .len(),
        // The floor of the connection thread's design: a job that does
        // nothing, sent and answered.
        "hand_over" => s.run_sync(|_| Ok(1)).await.unwrap(),
        "single_insert" => {
            s.begin().await.unwrap();
            let row = orm::NewUser::new("User").hair_color("brown");
            let stored = s.insert(row).await.unwrap();
            s.commit().await.unwrap();
            stored.name.len()
        }
        // On the session in default mode: the insert begins the
        // transaction.
        "insert_autobegin" => {
            let row = orm::NewUser::new("User").hair_color("brown");
            let stored = s.insert(row).await.unwrap();
            s.commit().await.unwrap();
            stored.name.len()
        }
        "read_tx" => {
            let user = s.get(orm::user::table, user_id(i)).await.unwrap().unwrap();
            s.commit().await.unwrap();
            user.name.len()
        }
        _ => unreachable!(),
    }
}

// --- tokio-postgres, bare

struct TokioPg {
    rt: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
    by_pk: tokio_postgres::Statement,
    list: tokio_postgres::Statement,
    insert: tokio_postgres::Statement,
}

impl TokioPg {
    fn connect(url: &str, schema: &str) -> TokioPg {
        let rt = current_thread();
        let (client, by_pk, list, insert) = rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client
                .batch_execute(&format!("SET search_path TO {schema}"))
                .await
                .unwrap();
            let by_pk = client
                .prepare("SELECT id, name, hair_color FROM users WHERE id = $1")
                .await
                .unwrap();
            let list = client
                .prepare("SELECT id, name, hair_color FROM users WHERE id <= $1")
                .await
                .unwrap();
            let insert = client
                .prepare(
                    "INSERT INTO users (name, hair_color) VALUES ($1, $2) \
                     RETURNING id, name, hair_color",
                )
                .await
                .unwrap();
            (client, by_pk, list, insert)
        });
        TokioPg {
            rt,
            client,
            by_pk,
            list,
            insert,
        }
    }
}

impl Contender for TokioPg {
    fn name(&self) -> &'static str {
        "tokio-postgres"
    }
    fn op(&mut self, workload: &str, i: i64) -> usize {
        self.round(workload, i, 1)
    }
    fn round(&mut self, workload: &str, first: i64, n: i64) -> usize {
        let c = &mut self.client;
        let (by_pk, list, insert) = (&self.by_pk, &self.list, &self.insert);
        self.rt.block_on(async {
            let mut kept = 0;
            for i in first..first + n {
                kept += match workload {
                    "by_pk" => {
                        let row = c.query_one(by_pk, &[&user_id(i)]).await.unwrap();
                        let (_id, name, _hair): (i32, String, Option<String>) =
                            (row.get(0), row.get(1), row.get(2));
                        name.len()
                    }
                    "list100" => {
                        let rows = c.query(list, &[&100i32]).await.unwrap();
                        let users: Vec<(i32, String, Option<String>)> = rows
                            .iter()
                            .map(|r| (r.get(0), r.get(1), r.get(2)))
                            .collect();
                        users.len()
                    }
                    "read_tx" => {
                        let tx = c.transaction().await.unwrap();
                        let row = tx.query_one(by_pk, &[&user_id(i)]).await.unwrap();
                        let (_id, name, _hair): (i32, String, Option<String>) =
                            (row.get(0), row.get(1), row.get(2));
                        tx.commit().await.unwrap();
                        name.len()
                    }
                    // No autobegin: a transaction is begun by hand.
                    "single_insert" | "insert_autobegin" => {
                        let tx = c.transaction().await.unwrap();
                        let row = tx.query_one(insert, &[&"User", &"brown"]).await.unwrap();
                        let (_id, name, _hair): (i32, String, Option<String>) =
                            (row.get(0), row.get(1), row.get(2));
                        tx.commit().await.unwrap();
                        name.len()
                    }
                    _ => unreachable!(),
                };
            }
            kept
        })
    }
}

// --- sqlx

/// sqlx on one connection (SQLite: its own in-memory database, seeded like
/// the others; its driver runs each connection on a worker thread too).
struct Sqlx<C: 'static> {
    rt: tokio::runtime::Runtime,
    conn: C,
    pg: bool,
}

/// The workloads on a sqlx connection of database `DB`.
macro_rules! sqlx_round {
    ($self:ident, $workload:ident, $first:ident, $n:ident) => {{
        let conn = &mut $self.conn;
        let pg = $self.pg;
        let (by_pk, list, insert) = if pg {
            (
                "SELECT id, name, hair_color FROM users WHERE id = $1",
                "SELECT id, name, hair_color FROM users WHERE id <= $1",
                "INSERT INTO users (name, hair_color) VALUES ($1, $2) \
                 RETURNING id, name, hair_color",
            )
        } else {
            (
                "SELECT id, name, hair_color FROM users WHERE id = ?",
                "SELECT id, name, hair_color FROM users WHERE id <= ?",
                "INSERT INTO users (name, hair_color) VALUES (?, ?) \
                 RETURNING id, name, hair_color",
            )
        };
        $self.rt.block_on(async {
            use sqlx::Connection as _;
            let mut kept = 0;
            for i in $first..$first + $n {
                kept += match $workload {
                    "by_pk" => {
                        let (_id, name, _hair): (i32, String, Option<String>) =
                            sqlx::query_as(by_pk)
                                .bind(user_id(i))
                                .fetch_one(&mut *conn)
                                .await
                                .unwrap();
                        name.len()
                    }
                    "list100" => {
                        let users: Vec<(i32, String, Option<String>)> = sqlx::query_as(list)
                            .bind(100i32)
                            .fetch_all(&mut *conn)
                            .await
                            .unwrap();
                        users.len()
                    }
                    "read_tx" => {
                        let mut tx = conn.begin().await.unwrap();
                        let (_id, name, _hair): (i32, String, Option<String>) =
                            sqlx::query_as(by_pk)
                                .bind(user_id(i))
                                .fetch_one(&mut *tx)
                                .await
                                .unwrap();
                        tx.commit().await.unwrap();
                        name.len()
                    }
                    // No autobegin: a transaction is begun by hand.
                    "single_insert" | "insert_autobegin" => {
                        let mut tx = conn.begin().await.unwrap();
                        let (_id, name, _hair): (i32, String, Option<String>) =
                            sqlx::query_as(insert)
                                .bind("User")
                                .bind("brown")
                                .fetch_one(&mut *tx)
                                .await
                                .unwrap();
                        tx.commit().await.unwrap();
                        name.len()
                    }
                    _ => unreachable!(),
                };
            }
            kept
        })
    }};
}

impl Contender for Sqlx<sqlx::SqliteConnection> {
    fn name(&self) -> &'static str {
        "sqlx"
    }
    fn op(&mut self, workload: &str, i: i64) -> usize {
        self.round(workload, i, 1)
    }
    fn round(&mut self, workload: &str, first: i64, n: i64) -> usize {
        sqlx_round!(self, workload, first, n)
    }
}

impl Contender for Sqlx<sqlx::PgConnection> {
    fn name(&self) -> &'static str {
        "sqlx"
    }
    fn op(&mut self, workload: &str, i: i64) -> usize {
        self.round(workload, i, 1)
    }
    fn round(&mut self, workload: &str, first: i64, n: i64) -> usize {
        sqlx_round!(self, workload, first, n)
    }
}

impl Sqlx<sqlx::SqliteConnection> {
    /// A private in-memory database with the same tables and rows.
    fn sqlite_memory() -> Self {
        use sqlx::Connection as _;
        let rt = current_thread();
        let conn = rt.block_on(async {
            let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
                .await
                .unwrap();
            sqlx::raw_sql(
                "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, \
                 hair_color TEXT)",
            )
            .execute(&mut conn)
            .await
            .unwrap();
            let mut tx = conn.begin().await.unwrap();
            for i in 0..SEED {
                sqlx::query("INSERT INTO users (name, hair_color) VALUES (?, 'black')")
                    .bind(format!("User {i}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
            conn
        });
        Sqlx {
            rt,
            conn,
            pg: false,
        }
    }
}

impl Sqlx<sqlx::PgConnection> {
    fn postgres(url: &str, schema: &str) -> Self {
        use sqlx::Connection as _;
        let rt = current_thread();
        let conn = rt.block_on(async {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("SET search_path TO {schema}")))
                .execute(&mut conn)
                .await
                .unwrap();
            conn
        });
        Sqlx { rt, conn, pg: true }
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn seed(engine: &ormgen::Engine) {
    let pg = engine.dialect() == ormgen::Dialect::Postgres;
    let id = if pg {
        "SERIAL PRIMARY KEY"
    } else {
        "INTEGER PRIMARY KEY AUTOINCREMENT"
    };
    engine
        .transaction(|s| {
            s.batch_execute(&format!(
                "DROP TABLE IF EXISTS comments; DROP TABLE IF EXISTS posts; \
                 DROP TABLE IF EXISTS users; \
                 CREATE TABLE users (id {id}, name TEXT NOT NULL, hair_color TEXT); \
                 CREATE TABLE posts (id {id}, user_id INTEGER NOT NULL REFERENCES users(id), \
                 title TEXT NOT NULL, body TEXT); \
                 CREATE TABLE comments (id {id}, post_id INTEGER NOT NULL REFERENCES posts(id), \
                 text TEXT NOT NULL);"
            ))?;
            let rows =
                (0..SEED).map(|i| orm::NewUser::new(format!("User {i}")).hair_color("black"));
            orm::User::insert_all(s, rows)?;
            Ok(())
        })
        .unwrap();
}

/// `contenders` and sqlx's, unless `ORMGEN_BENCH_NO_SQLX` is set.
fn with_sqlx<C: Contender + 'static>(
    mut contenders: Vec<Box<dyn Contender>>,
    sqlx: impl FnOnce() -> C,
) -> Vec<Box<dyn Contender>> {
    if std::env::var_os("ORMGEN_BENCH_NO_SQLX").is_none() {
        contenders.push(Box::new(sqlx()));
    }
    contenders
}

/// The contenders on one backend: `(label, contenders)`.
/// A backend's name, its contenders, and the PostgreSQL schema to drop.
type Backend = (&'static str, Vec<Box<dyn Contender>>, Option<String>);

/// A thread spinning until dropped: keeps a core awake.
struct Spinner {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    fn start() -> Spinner {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        Spinner {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The backends to run (`only`: the one of that name).
fn backends(only: Option<&str>) -> Vec<Backend> {
    let mut out: Vec<Backend> = Vec::new();
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    if wanted("sqlite_memory") {
        let engine = ormgen::Engine::connect("sqlite::memory:").unwrap();
        seed(&engine);
        let mut s = engine.session().unwrap();
        s.set_autocommit(true).unwrap();
        let rt = current_thread();
        let async_engine = ormgen::AsyncEngine::new(engine.clone());
        let mut a = async_engine.session();
        rt.block_on(a.set_autocommit(true)).unwrap();
        let sync = Sync {
            s,
            tx: engine.session().unwrap(),
        };
        let tx = async_engine.session();
        out.push((
            "sqlite_memory",
            with_sqlx(
                vec![Box::new(sync), Box::new(Async { rt, s: a, tx })],
                Sqlx::sqlite_memory,
            ),
            None,
        ));
    }
    if !wanted("postgres") {
        return out;
    }
    let url = pg_url();
    match postgres::Client::connect(&url, postgres::NoTls) {
        Err(e) => eprintln!("!!! PostgreSQL unreachable ({e}): PostgreSQL skipped"),
        Ok(mut admin) => {
            let schema = format!("ormgen_async_cmp_{}", std::process::id());
            admin
                .batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))
                .unwrap();
            let engine = ormgen::Engine::builder(url.clone())
                .search_path(schema.clone())
                .build()
                .unwrap();
            seed(&engine);
            let mut s = engine.session().unwrap();
            s.set_autocommit(true).unwrap();
            let rt = current_thread();
            // An engine of its own, made inside the runtime: its connections
            // are tokio-postgres clients on it (the sync engine's are the
            // `postgres` crate's).
            let async_engine = rt
                .block_on(
                    ormgen::AsyncEngine::builder(url.clone())
                        .search_path(schema.clone())
                        .build_async(),
                )
                .unwrap();
            let mut a = async_engine.session();
            rt.block_on(a.set_autocommit(true)).unwrap();
            let tx = async_engine.session();
            let sync = Sync {
                s,
                tx: engine.session().unwrap(),
            };
            let bare = TokioPg::connect(&url, &schema);
            out.push((
                "postgres",
                with_sqlx(
                    vec![
                        Box::new(bare),
                        Box::new(sync),
                        Box::new(Async { rt, s: a, tx }),
                    ],
                    || Sqlx::postgres(&url, &schema),
                ),
                Some(schema),
            ));
        }
    }
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn fmt_time(secs: f64) -> String {
    if secs < 1e-3 {
        format!("{:.1} µs", secs * 1e6)
    } else {
        format!("{:.2} ms", secs * 1e3)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (cargo test's listing)
    // does nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let quick = std::env::var_os("ORMGEN_BENCH_QUICK").is_some();
    let (rounds, ops) = if quick { (5, 100) } else { (21, 300) };
    // `ORMGEN_BENCH_BUSY=1`: a thread spins during the PostgreSQL rows, so
    // one core never sleeps (on an idle 2-core machine a sleeping core takes
    // tens of microseconds to wake, as long as a PostgreSQL round trip).
    // SQLite's rows wait on no socket, and there the spinner would take a
    // core from the connection thread (a 2-core machine then runs three
    // threads on two cores); `ORMGEN_BENCH_BUSY=all` spins for them too.
    let busy = std::env::var("ORMGEN_BENCH_BUSY").ok();
    // `ORMGEN_BENCH_ONLY=postgres` (or `sqlite_memory`): one backend.
    let only = std::env::var("ORMGEN_BENCH_ONLY").ok();
    let mut table = String::new();
    writeln!(
        table,
        "| backend | workload | contender | time/op | ÷ ormgen sync | ÷ tokio-postgres | ÷ sqlx |\n\
         |---|---|---|---:|---:|---:|---:|"
    )
    .unwrap();
    let mut counter = 0i64;
    for (backend, mut contenders, schema) in backends(only.as_deref()) {
        let spin = match busy.as_deref() {
            Some("all") => true,
            Some(_) => backend == "postgres",
            None => false,
        };
        let spinner = spin.then(Spinner::start);
        for workload in [
            "hand_over",
            "by_pk",
            "list100",
            "read_tx",
            "single_insert",
            "insert_autobegin",
        ] {
            let mut running: Vec<&mut Box<dyn Contender>> =
                contenders.iter_mut().filter(|c| c.runs(workload)).collect();
            // Warm-up: caches, prepared statements, threads.
            for c in running.iter_mut() {
                for _ in 0..ops / 10 {
                    counter += 1;
                    black_box(c.op(workload, counter));
                }
            }
            let mut samples: Vec<Vec<f64>> = vec![Vec::new(); running.len()];
            for _ in 0..rounds {
                for (k, c) in running.iter_mut().enumerate() {
                    let start = Instant::now();
                    black_box(c.round(workload, counter + 1, ops));
                    samples[k].push(start.elapsed().as_secs_f64() / ops as f64);
                    counter += ops;
                }
            }
            let medians: Vec<f64> = samples.into_iter().map(median).collect();
            let of = |name: &str| {
                running
                    .iter()
                    .position(|c| c.name() == name)
                    .map(|k| medians[k])
            };
            let (sync, bare, sqlx) = (of("ormgen"), of("tokio-postgres"), of("sqlx"));
            for (k, c) in running.iter().enumerate() {
                let ratio = |base: Option<f64>| {
                    base.map_or("—".to_owned(), |b| format!("{:.2}", medians[k] / b))
                };
                writeln!(
                    table,
                    "| {backend} | {workload} | {} | {} | {} | {} | {} |",
                    c.name(),
                    fmt_time(medians[k]),
                    ratio(sync),
                    ratio(bare),
                    ratio(sqlx)
                )
                .unwrap();
            }
        }
        drop(spinner);
        drop(contenders);
        if let Some(schema) = schema
            && let Ok(mut admin) = postgres::Client::connect(&pg_url(), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
    println!("{table}");
    if let Ok(path) = std::env::var("ORMGEN_BENCH_OUT") {
        std::fs::write(path, &table).unwrap();
    }
}
