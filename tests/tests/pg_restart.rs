//! PostgreSQL restarted under load (issue 21, item 2). The test starts its
//! own scratch cluster (`initdb` + `pg_ctl` from the PostgreSQL server
//! binaries, on a free port; never the shared server), runs 16 threads of
//! read-modify-write transactions against it through one engine, and
//! restarts the server twice while they run: once `-m fast` (a clean
//! shutdown) and once `-m immediate` (no shutdown checkpoint: crash recovery
//! from the WAL on start).
//!
//! - Twelve threads run each logical operation through `transaction_retry`;
//!   four through plain `transaction`, retrying by hand, so every error the
//!   restarts cause is seen and must be one of the typed, documented kinds
//!   (`ConnectionLost`, `Connect`, `CommitOutcomeUnknown`).
//! - A commit whose outcome is unknown is resolved the documented way: the
//!   operation's idempotency key (`ops.op_id`) says whether it committed.
//! - At the end the ledger must match exactly: every operation once in
//!   `ops`, and each account's balance equal to its operations.
//! - The same engine works after the restarts (no application restart).
//!
//! Without the server binaries the test fails when `CI` is set and is
//! skipped with a loud message otherwise.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ormgen::{Engine, Error, Session, TxOptions};

const THREADS: usize = 16;
const RETRYING: usize = 12;
const ACCOUNTS: i64 = 10;

/// A scratch PostgreSQL cluster, stopped and removed at drop.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|rd| {
                let mut v: Vec<PathBuf> = rd
                    .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                    .filter(|b| b.join("initdb").exists())
                    .collect();
                v.sort();
                v.pop()
            });
        let Some(bin) = bin else {
            assert!(
                std::env::var_os("CI").is_none(),
                "the PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are missing and CI is set"
            );
            eprintln!("\n!!!!!!!! SKIPPING PostgreSQL restart test: no server binaries !!!!!!!!\n");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let data = std::env::temp_dir().join(format!("ormgen-pgrestart-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).expect("data dir");
        // initdb refuses to run as root: the cluster then belongs to `postgres`.
        let as_postgres = is_root();
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&data)
                .status()
                .expect("chown")
                .success();
            assert!(ok, "chown the data directory");
        }
        let c = Cluster {
            bin,
            data,
            port,
            as_postgres,
        };
        c.run(
            "initdb",
            &[
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-D",
                c.data_str(),
            ],
        );
        c.pg_ctl(&["start", "-w", "-t", "60"]);
        Some(c)
    }

    fn data_str(&self) -> &str {
        self.data.to_str().expect("UTF-8 path")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().expect(tool);
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn pg_ctl(&self, args: &[&str]) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=60",
            self.port,
            self.data_str()
        );
        let log = self.data.join("server.log");
        let mut all = vec![
            "-D",
            self.data_str(),
            "-o",
            &opts,
            "-l",
            log.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data.clone();
        let args = ["-D", data.to_str().unwrap_or(""), "-m", "immediate", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            Command::new(&exe).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// Whether this process runs as root (uid 0), read from /proc.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|v| v.split_whitespace().next() == Some("0"))
        })
        .unwrap_or(false)
}

/// One logical operation: add 1 to an account and record the operation
/// under its idempotency key.
fn operation(s: &mut Session, op: i64) -> ormgen::Result<()> {
    let account = op % ACCOUNTS;
    let balance: Option<i64> = s.query_first(
        "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE",
        (account,),
    )?;
    let balance = balance.ok_or(Error::NotFound)?;
    s.execute(
        "UPDATE accounts SET balance = $1 WHERE id = $2",
        (balance + 1, account),
    )?;
    s.execute(
        "INSERT INTO ops (op_id, account) VALUES ($1, $2)",
        (op, account),
    )?;
    Ok(())
}

/// Whether the operation committed (its idempotency key is there).
fn committed(engine: &Engine, op: i64) -> bool {
    loop {
        let r: ormgen::Result<Option<i64>> = engine
            .session()
            .and_then(|mut s| s.query_first("SELECT op_id FROM ops WHERE op_id = $1", (op,)));
        match r {
            Ok(found) => return found.is_some(),
            Err(e) if e.is_unreached() => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("checking operation {op}: {e:?}"),
        }
    }
}

#[derive(Default)]
struct Seen {
    /// Errors the hand-retrying threads saw, by kind.
    kinds: Mutex<Vec<String>>,
    in_doubt: AtomicUsize,
    in_doubt_committed: AtomicUsize,
    retried_ops: AtomicUsize,
}

fn worker(engine: &Engine, thread: usize, ops: usize, done: &AtomicUsize, seen: &Seen) {
    for k in 0..ops {
        let op = (thread * ops + k) as i64;
        let mut attempts = 0usize;
        loop {
            let r = if thread < RETRYING {
                engine.transaction_retry(TxOptions::default(), 40, |s| {
                    attempts += 1;
                    operation(s, op)
                })
            } else {
                attempts += 1;
                engine.transaction(|s| operation(s, op))
            };
            match r {
                Ok(()) => break,
                Err(Error::CommitOutcomeUnknown { .. }) => {
                    seen.in_doubt.fetch_add(1, Ordering::Relaxed);
                    if committed(engine, op) {
                        seen.in_doubt_committed.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
                Err(e) if thread >= RETRYING && e.is_unreached() => {
                    let kind = match e {
                        Error::ConnectionLost { .. } => "ConnectionLost",
                        Error::Connect { .. } => "Connect",
                        _ => unreachable!(),
                    };
                    seen.kinds.lock().unwrap().push(kind.to_owned());
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => {
                    panic!("operation {op} (thread {thread}): untyped or unexpected error {e:?}")
                }
            }
        }
        if attempts > 1 {
            seen.retried_ops.fetch_add(1, Ordering::Relaxed);
        }
        done.fetch_add(1, Ordering::Relaxed);
    }
}

fn wait_for(done: &AtomicUsize, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while done.load(Ordering::Relaxed) < n {
        assert!(Instant::now() < deadline, "the workload stalled at {n}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn restart(cluster: &Cluster, mode: &str, done: &AtomicUsize) -> (Duration, Duration) {
    let start = Instant::now();
    cluster.pg_ctl(&["restart", "-w", "-t", "60", "-m", mode]);
    let restarted = start.elapsed();
    // Recovered: the workload makes progress again.
    let before = done.load(Ordering::Relaxed);
    let t = Instant::now();
    wait_for(done, before + THREADS);
    (restarted, t.elapsed())
}

#[test]
fn a_restarted_server_loses_nothing_and_the_engine_recovers() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let ops_per_thread: usize = std::env::var("ORMGEN_RESTART_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let engine = Engine::builder(cluster.url())
        .pool_size(THREADS)
        .checkout_timeout(Duration::from_secs(30))
        .build()
        .expect("engine");
    engine
        .transaction(|s| {
            s.batch_execute(
                "CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL);\
                 CREATE TABLE ops (op_id BIGINT PRIMARY KEY, account BIGINT NOT NULL);",
            )?;
            for id in 0..ACCOUNTS {
                s.execute("INSERT INTO accounts VALUES ($1, 0)", (id,))?;
            }
            Ok(())
        })
        .expect("setup");

    let total = THREADS * ops_per_thread;
    let done = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Seen::default());
    let started = Instant::now();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (engine, done, seen) = (engine.clone(), done.clone(), seen.clone());
            std::thread::spawn(move || worker(&engine, t, ops_per_thread, &done, &seen))
        })
        .collect();
    wait_for(&done, total / 4);
    let (fast, fast_recovery) = restart(&cluster, "fast", &done);
    wait_for(&done, total / 2);
    let (immediate, immediate_recovery) = restart(&cluster, "immediate", &done);
    for t in threads {
        t.join().expect("a worker panicked");
    }
    let elapsed = started.elapsed();

    // The ledger: every operation exactly once.
    let mut s = engine
        .session()
        .expect("the engine works after the restarts");
    let (ops, distinct, sum): (i64, i64, Option<i64>) = s
        .query_first(
            "SELECT COUNT(*), COUNT(DISTINCT op_id), (SELECT SUM(balance) FROM accounts)::BIGINT FROM ops",
            (),
        )
        .expect("ledger")
        .expect("a row");
    assert_eq!(ops, total as i64, "operations recorded");
    assert_eq!(distinct, ops);
    assert_eq!(sum, Some(total as i64), "balances");
    let mismatched: Option<i64> = s
        .query_first(
            "SELECT COUNT(*) FROM accounts a WHERE a.balance <> \
             (SELECT COUNT(*) FROM ops o WHERE o.account = a.id)",
            (),
        )
        .expect("per account");
    assert_eq!(
        mismatched,
        Some(0),
        "an account's balance differs from its operations"
    );
    let expected_ids: i64 = (0..total as i64).sum();
    let ids: Option<i64> = s
        .query_first("SELECT SUM(op_id)::BIGINT FROM ops", ())
        .expect("ids");
    assert_eq!(ids, Some(expected_ids), "operation ids");
    drop(s);

    let kinds = seen.kinds.lock().unwrap().clone();
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    let retried = seen.retried_ops.load(Ordering::Relaxed);
    eprintln!(
        "{total} operations by {THREADS} threads in {:.1} s; restart -m fast took {:.0} ms, \
         work resumed {:.0} ms later; -m immediate {:.0} ms, resumed {:.0} ms later; \
         {retried} operations needed more than one attempt; hand-retrying threads saw \
         {} ConnectionLost, {} Connect; {} commits in doubt ({} of them had committed)",
        elapsed.as_secs_f64(),
        fast.as_secs_f64() * 1e3,
        fast_recovery.as_secs_f64() * 1e3,
        immediate.as_secs_f64() * 1e3,
        immediate_recovery.as_secs_f64() * 1e3,
        count("ConnectionLost"),
        count("Connect"),
        seen.in_doubt.load(Ordering::Relaxed),
        seen.in_doubt_committed.load(Ordering::Relaxed),
    );
    assert!(
        retried > 0,
        "the restarts interrupted no operation: the test tested nothing"
    );
    let status = engine.pool_status();
    eprintln!("pool after the run: {status:?}");
    engine.dispose();
}
