//! 32 threads × 500 read-modify-write transactions on shared counters, retrying on
//! retryable errors: every increment is there exactly once.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ormgen::{IsolationLevel, TxOptions};

const THREADS: i64 = 32;
const TXS: i64 = 500;
const COUNTERS: i64 = 8;

fn hammer(db: &common::Db, isolation: IsolationLevel) {
    db.engine
        .transaction(|s| {
            s.execute("create table counters (id integer primary key, n integer not null)", ())?;
            s.execute(
                "create table ledger (thread integer not null, seq integer not null, counter integer not null, primary key (thread, seq))",
                (),
            )?;
            for id in 0..COUNTERS {
                s.execute("insert into counters (id, n) values (?, 0)", (id,))?;
            }
            Ok(())
        })
        .unwrap();

    let retries = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let engine = db.engine.clone();
            let retries = retries.clone();
            std::thread::spawn(move || {
                for seq in 0..TXS {
                    let counter = (t * 7 + seq) % COUNTERS;
                    let mut attempt = 0;
                    engine
                        .transaction_retry(TxOptions::isolation(isolation), 10_000, |s| {
                            attempt += 1;
                            if attempt > 1 {
                                retries.fetch_add(1, Ordering::Relaxed);
                            }
                            let n: i64 =
                                s.query_one("select n from counters where id = ?", (counter,))?;
                            s.execute("update counters set n = ? where id = ?", (n + 1, counter))?;
                            s.execute(
                                "insert into ledger (thread, seq, counter) values (?, ?, ?)",
                                (t, seq, counter),
                            )?;
                            Ok(())
                        })
                        .unwrap_or_else(|e| panic!("thread {t} tx {seq}: {e}"));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let elapsed = start.elapsed();
    let mut s = db.engine.session().unwrap();
    let total: i64 = s.query_one("select sum(n) from counters", ()).unwrap();
    let ledger: i64 = s.query_one("select count(*) from ledger", ()).unwrap();
    assert_eq!(
        total,
        THREADS * TXS,
        "{}: lost or doubled increments",
        db.name()
    );
    assert_eq!(ledger, THREADS * TXS);
    let per_counter: Vec<(i64, i64, i64)> = s
        .query_as(
            "select c.id, c.n, (select count(*) from ledger l where l.counter = c.id) from counters c order by c.id",
            (),
        )
        .unwrap();
    for (id, n, logged) in per_counter {
        assert_eq!(n, logged, "{}: counter {id}", db.name());
    }
    eprintln!(
        "{}: {} transactions by {THREADS} threads in {elapsed:.2?} ({:.0}/s), {} retries, pool {:?}",
        db.name(),
        THREADS * TXS,
        (THREADS * TXS) as f64 / elapsed.as_secs_f64(),
        retries.load(Ordering::Relaxed),
        db.engine.pool_status(),
    );
    assert!(
        elapsed < Duration::from_secs(120),
        "{}: took {elapsed:?}",
        db.name()
    );
}

#[cfg(feature = "rusqlite")]
#[test]
fn counters_sqlite_file_wal_begin_immediate() {
    let db = common::sqlite_file(|b| {
        b.pool_size(8)
            .max_overflow(8)
            .busy_timeout(Duration::from_secs(30))
    });
    hammer(&db, IsolationLevel::Serializable);
}

#[cfg(feature = "postgres")]
/// REPEATABLE READ: a concurrent update of the same counter fails with 40001
/// (retried). SERIALIZABLE passes too, but its SSI bookkeeping (pg_serial) has produced
/// sporadic server-internal XX000 errors on the shared test server.
#[test]
fn counters_postgres_repeatable_read() {
    let Some(db) = common::postgres(|b| b.pool_size(8).max_overflow(4)) else {
        return;
    };
    hammer(&db, IsolationLevel::RepeatableRead);
}

#[cfg(feature = "rusqlite")]
/// Deferred transactions: a reader that later writes after another writer committed
/// gets SQLITE_BUSY(_SNAPSHOT) at once, which is retried.
#[test]
fn counters_sqlite_file_deferred_retries() {
    let db = common::sqlite_file(|b| {
        b.pool_size(8)
            .max_overflow(8)
            .busy_timeout(Duration::from_secs(30))
    });
    hammer(&db, IsolationLevel::ReadCommitted);
}
