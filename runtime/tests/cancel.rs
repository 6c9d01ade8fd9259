//! Stopping statements: a `CancelHandle` from another thread (both backends)
//! and PostgreSQL's statement timeout per engine and per session, each a
//! typed error (`Cancelled`, `Timeout`) after which the connection works.

mod common;

use std::time::{Duration, Instant};

use ormgen::Error;

/// A statement that runs for seconds on this backend.
fn slow(db: &common::Db) -> &'static str {
    db.sql(
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 2000000000) \
         SELECT count(*) FROM c",
        "SELECT count(*) FROM (SELECT pg_sleep(10)) AS s",
    )
}

#[test]
fn a_statement_is_cancelled_from_another_thread_and_the_connection_stays_usable() {
    for db in common::all() {
        let name = db.name();
        let mut s = db.engine.session().unwrap();
        let handle = s.cancel_handle().unwrap();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            handle.cancel();
        });
        let start = Instant::now();
        let r: ormgen::Result<i64> = s.query_one(slow(&db), ());
        canceller.join().unwrap();
        assert!(matches!(r, Err(Error::Cancelled { .. })), "{name}: {r:?}");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{name}: {:?}",
            start.elapsed()
        );
        // Like any error it failed the transaction; after rollback all is well.
        assert!(s.transaction_failed(), "{name}");
        s.rollback().unwrap();
        let one: i64 = s.query_one("SELECT 1", ()).unwrap();
        assert_eq!(one, 1, "{name}");
        // With nothing running, cancelling does nothing.
        s.commit().unwrap();
        s.cancel_handle().unwrap().cancel();
        std::thread::sleep(Duration::from_millis(100));
        let two: i64 = s.query_one("SELECT 2", ()).unwrap();
        assert_eq!(two, 2, "{name}");
    }
}

#[test]
fn sqlite_has_no_statement_timeout_and_says_so() {
    for db in common::all().into_iter().filter(|db| !db.is_pg()) {
        let mut s = db.engine.session().unwrap();
        let r = s.set_statement_timeout(Some(Duration::from_millis(10)));
        assert!(matches!(r, Err(Error::Config(_))), "{r:?}");
    }
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_statement_timeouts_per_engine_and_per_session() {
    let Some(db) = common::postgres(|b| {
        b.pool_size(1)
            .max_overflow(0)
            .statement_timeout(Duration::from_millis(300))
    }) else {
        return;
    };
    let mut s = db.engine.session().unwrap();
    let shown: String = s.query_one("SHOW statement_timeout", ()).unwrap();
    assert_eq!(shown, "300ms");
    let r: ormgen::Result<i64> = s.query_one("SELECT count(*) FROM (SELECT pg_sleep(2)) AS s", ());
    assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
    s.rollback().unwrap();
    // The session's own: longer, then none; refused inside a transaction.
    s.set_statement_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let r: ormgen::Result<i64> = s.query_one("SELECT count(*) FROM (SELECT pg_sleep(1)) AS s", ());
    assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
    s.rollback().unwrap();
    s.set_statement_timeout(None).unwrap();
    let _: i64 = s
        .query_one("SELECT count(*) FROM (SELECT pg_sleep(0.5)) AS s", ())
        .unwrap();
    assert!(matches!(
        s.set_statement_timeout(None),
        Err(Error::Config(_))
    ));
    s.rollback().unwrap();
    drop(s);
    // The pool's one connection is back at the engine's timeout.
    let shown: String = db
        .engine
        .session()
        .unwrap()
        .query_one("SHOW statement_timeout", ())
        .unwrap();
    assert_eq!(shown, "300ms");
}
