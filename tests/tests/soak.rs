//! Soak (issue 21, item 10): mixed load on SQLite and PostgreSQL at once —
//! inserts, reads by key and by filter, eager loads, updates, deletes,
//! multi-statement transactions (some rolled back), and pool churn: a small
//! pool with overflow, connections recycled every two seconds, sessions held
//! for varying times. Once a second the test samples the process's resident
//! set size, its open file descriptors, each engine's open connections and
//! PostgreSQL's own count of the test's backends.
//!
//! From the end of the warm-up (the first fifth of the run, "minute 2" of
//! the full ten-minute run) to the end, each must stay flat: RSS within
//! 16 MiB, file descriptors and connections within the pool's bounds, with
//! no upward trend between the first and last thirds of the measured part.
//!
//! Default 20 seconds; `ORMGEN_SOAK_SECS=600` for the full run. The curves
//! are printed (`--nocapture`).
#[path = "../../runtime/tests/common/mod.rs"]
mod common;
#[path = "support/proc_status.rs"]
mod proc_status;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ormgen::query::{ColumnExt, ExprExt};
use ormgen::{Dialect, Engine, IsolationLevel, TxOptions};
use ormgen_tests::blog::{NewPost, NewUser, Post, User, create_all, post, user};
use proc_status::{open_fds, rss_kib};

const POOL: usize = 3;
const OVERFLOW: usize = 2;
const WORKERS: usize = 4;

/// A small deterministic generator per worker.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A write transaction as an application would run it: `BEGIN IMMEDIATE` on
/// SQLite (these read, then write), PostgreSQL's default isolation; retried
/// while busy or deadlocked.
fn write<T>(
    engine: &Engine,
    f: impl FnMut(&mut ormgen::Session) -> ormgen::Result<T>,
) -> ormgen::Result<T> {
    let options = match engine.dialect() {
        Dialect::Sqlite => TxOptions::isolation(IsolationLevel::Serializable),
        Dialect::Postgres => TxOptions::default(),
    };
    engine.transaction_retry(options, 20, f)
}

/// One step of the mix; `Ok(false)` for a deliberate rollback.
fn step(engine: &Engine, rng: &mut Rng, worker: usize, serial: &AtomicU64) -> ormgen::Result<bool> {
    let n = serial.fetch_add(1, Ordering::Relaxed);
    match rng.below(10) {
        // Write: a user with a few posts, in one transaction.
        0..=2 => write(engine, |s| {
            let u = User::insert(s, NewUser::new(format!("w{worker}-{n}@soak.org")).age(30))?;
            for p in 0..1 + rng.below(4) {
                Post::insert(
                    s,
                    NewPost::new(format!("post {p} of {n}"), u.id).view_count(p as i32),
                )?;
            }
            Ok(true)
        }),
        // Reads: by filter, then by key.
        3..=4 => {
            let mut s = engine.session()?;
            let recent = User::query()
                .filter(user::email.like(format!("w{worker}-%")))
                .order_by(user::id.desc())
                .limit(20)
                .all(&mut s)?;
            if let Some(u) = recent.first() {
                User::get(&mut s, u.id)?;
            }
            // Hold the session a little: checkouts overlap, the pool overflows.
            std::thread::sleep(Duration::from_micros(rng.below(3_000)));
            Ok(true)
        }
        // Eager load.
        5..=6 => {
            let mut s = engine.session()?;
            let loaded: Vec<(User, Vec<Post>)> = User::query()
                .order_by(user::id.desc())
                .limit(25)
                .with(user::posts)
                .all(&mut s)?;
            std::hint::black_box(loaded);
            Ok(true)
        }
        // Update, and a transaction rolled back on purpose.
        7 => write(engine, |s| {
            Post::update()
                .set(post::view_count.to(post::view_count + 1))
                .filter(post::view_count.lt(3))
                .filter(post::id.gt(i32::try_from(n % 1000).unwrap_or(0)))
                .execute(s)?;
            Ok(true)
        }),
        8 => {
            let mut s = engine.session()?;
            s.begin()?;
            User::insert(
                &mut s,
                NewUser::new(format!("rolled-{worker}-{n}@soak.org")),
            )?;
            s.rollback()?;
            Ok(false)
        }
        // Delete this worker's oldest users (posts cascade): the tables stay
        // about the same size.
        _ => write(engine, |s| {
            let oldest = User::query()
                .filter(user::email.like(format!("w{worker}-%")))
                .order_by(user::id.asc())
                .limit(3)
                .all(s)?;
            let over = User::query()
                .filter(user::email.like(format!("w{worker}-%")))
                .count(s)?;
            if over > 50 {
                for u in oldest {
                    User::delete_by_key(s, u.id)?;
                }
            }
            Ok(true)
        }),
    }
}

struct Sample {
    at: f64,
    rss_kib: u64,
    fds: usize,
    open: Vec<usize>,
    server_backends: Option<i64>,
    steps: u64,
}

#[test]
fn mixed_load_keeps_memory_descriptors_and_connections_flat() {
    let secs: u64 = std::env::var("ORMGEN_SOAK_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dbs = common::backends(|b| {
        b.pool_size(POOL)
            .max_overflow(OVERFLOW)
            .recycle(Duration::from_secs(2))
            .checkout_timeout(Duration::from_secs(30))
    });
    // New connections: the pool's churn (recycling, overflow) is real.
    let connects: Vec<Arc<AtomicU64>> = dbs
        .iter()
        .map(|db| {
            create_all(&db.engine).expect("create_all");
            let n = Arc::new(AtomicU64::new(0));
            let c = n.clone();
            db.engine.add_listener(move |e| {
                if matches!(e, ormgen::Event::Connect) {
                    c.fetch_add(1, Ordering::Relaxed);
                }
            });
            n
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let steps = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for db in &dbs {
        for w in 0..WORKERS {
            let (engine, stop, steps) = (db.engine.clone(), stop.clone(), steps.clone());
            workers.push(std::thread::spawn(move || {
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (w as u64 + 1));
                let serial = AtomicU64::new(0);
                while !stop.load(Ordering::Relaxed) {
                    if let Err(e) = step(&engine, &mut rng, w, &serial) {
                        panic!("soak step failed: {e:?}");
                    }
                    steps.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
    }

    let pg = dbs.iter().find(|d| d.is_pg());
    let mut admin = pg.map(|d| (d.admin(), d.schema.clone().expect("schema")));
    let start = Instant::now();
    let mut samples = Vec::new();
    while start.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(1));
        let server_backends = admin.as_mut().map(|(c, schema)| {
            c.query_one(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1",
                &[schema],
            )
            .expect("pg_stat_activity")
            .get::<_, i64>(0)
        });
        samples.push(Sample {
            at: start.elapsed().as_secs_f64(),
            rss_kib: rss_kib(),
            fds: open_fds(),
            open: dbs.iter().map(|d| d.engine.pool_status().open).collect(),
            server_backends,
            steps: steps.load(Ordering::Relaxed),
        });
        assert!(
            !workers.iter().any(|w| w.is_finished()),
            "a worker stopped (panicked)"
        );
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("worker");
    }

    eprintln!("  t(s)   RSS(KiB)  fds  open(per engine)  pg backends  steps");
    for s in &samples {
        eprintln!(
            "{:6.1} {:10} {:4}  {:16?}  {:11}  {}",
            s.at,
            s.rss_kib,
            s.fds,
            s.open,
            s.server_backends.map_or("-".into(), |n| n.to_string()),
            s.steps
        );
    }
    let measured = &samples[samples.len() / 5..];
    assert!(measured.len() >= 3, "too short a run");
    let rss: Vec<u64> = measured.iter().map(|s| s.rss_kib).collect();
    let (lo, hi) = (*rss.iter().min().unwrap(), *rss.iter().max().unwrap());
    let third = measured.len() / 3;
    let avg = |v: &[u64]| v.iter().sum::<u64>() / v.len().max(1) as u64;
    let (first, last) = (
        avg(&rss[..third.max(1)]),
        avg(&rss[rss.len() - third.max(1)..]),
    );
    let fds: Vec<usize> = measured.iter().map(|s| s.fds).collect();
    let bound = dbs.len() * (POOL + OVERFLOW);
    eprintln!(
        "after warm-up: RSS {lo}..{hi} KiB (first third avg {first}, last third avg {last}); \
         fds {}..{}; {} steps in {secs} s",
        fds.iter().min().unwrap(),
        fds.iter().max().unwrap(),
        samples.last().map_or(0, |s| s.steps)
    );
    let connects: Vec<u64> = connects.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    eprintln!("connections opened per engine: {connects:?}");
    assert!(
        connects.iter().all(|&c| c as f64 >= secs as f64 / 2.0),
        "the pools did not churn: {connects:?} connections opened in {secs} s"
    );
    assert!(
        hi - lo < 16 * 1024,
        "RSS moved by {} KiB after warm-up",
        hi - lo
    );
    assert!(
        last < first + 4 * 1024,
        "RSS trends upward: {first} KiB -> {last} KiB"
    );
    // Each connection is one descriptor (PostgreSQL: a socket) or a few
    // (SQLite: the database, its -wal and -shm): the spread stays within
    // what the pools may hold.
    let spread = fds.iter().max().unwrap() - fds.iter().min().unwrap();
    assert!(spread <= 3 * bound, "file descriptors spread by {spread}");
    for s in measured {
        assert!(
            s.open.iter().all(|&o| o <= POOL + OVERFLOW),
            "more connections than the pool allows: {:?}",
            s.open
        );
        if let Some(n) = s.server_backends {
            assert!(
                n as usize <= POOL + OVERFLOW,
                "PostgreSQL counts {n} backends of this test"
            );
        }
    }
}
