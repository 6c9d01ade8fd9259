//! Pool limits, timeouts, overflow, and recovery from connections killed server-side.

mod common;

use std::time::{Duration, Instant};

use ormgen::Error;

#[test]
fn exhaustion_times_out_and_pool_recovers() {
    for db in common::backends(|b| {
        b.pool_size(2)
            .max_overflow(1)
            .checkout_timeout(Duration::from_millis(200))
    }) {
        let held: Vec<_> = (0..3).map(|_| db.engine.session().unwrap()).collect();
        assert_eq!(db.engine.pool_status().open, 3);
        let start = Instant::now();
        let err = db.engine.session().unwrap_err();
        let elapsed = start.elapsed();
        match &err {
            Error::PoolTimeout {
                size,
                overflow,
                timeout,
            } => {
                assert_eq!(
                    (*size, *overflow, *timeout),
                    (2, 1, Duration::from_millis(200))
                );
            }
            e => panic!("{e:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains("pool size 2") && msg.contains("max overflow 1") && msg.contains("200ms"),
            "{msg}"
        );
        assert!(elapsed >= Duration::from_millis(190), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
        drop(held);
        // Overflow connections are closed on return: size kept.
        assert_eq!(db.engine.pool_status().open, 2, "{}", db.name());
        assert_eq!(db.engine.pool_status().idle, 2);
        let mut s = db.engine.session().unwrap();
        let one: i64 = s
            .query_one(db.sql("select 1", "select 1::int8"), ())
            .unwrap();
        assert_eq!(one, 1);
    }
}

#[test]
fn a_waiting_checkout_gets_a_returned_connection() {
    for db in common::backends(|b| {
        b.pool_size(1)
            .max_overflow(0)
            .checkout_timeout(Duration::from_secs(5))
    }) {
        let s = db.engine.session().unwrap();
        let engine = db.engine.clone();
        let waiter = std::thread::spawn(move || {
            let start = Instant::now();
            let s = engine.session();
            (s.is_ok(), start.elapsed())
        });
        std::thread::sleep(Duration::from_millis(150));
        drop(s);
        let (ok, waited) = waiter.join().unwrap();
        assert!(ok);
        assert!(
            waited >= Duration::from_millis(100) && waited < Duration::from_secs(4),
            "{waited:?}"
        );
    }
}

#[cfg(feature = "postgres")]
fn terminate(db: &common::Db) -> u64 {
    let mut admin = db.admin();
    let schema = db.schema.clone().unwrap();
    let rows = admin
        .query(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()",
            &[&schema],
        )
        .unwrap();
    // Wait until the server has really closed them.
    for _ in 0..100 {
        let n: i64 = admin
            .query_one(
                "select count(*) from pg_stat_activity where application_name = $1",
                &[&schema],
            )
            .unwrap()
            .get(0);
        if n == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    rows.len() as u64
}

#[cfg(feature = "postgres")]
#[test]
fn terminated_backends_are_replaced() {
    for pre_ping in [false, true] {
        let Some(db) = common::postgres(|b| b.pool_size(3).pre_ping(pre_ping)) else {
            return;
        };
        db.engine
            .transaction(|s| s.execute("create table k (id int primary key)", ()))
            .unwrap();
        // Warm three pooled connections.
        let warm: Vec<_> = (0..3).map(|_| db.engine.session().unwrap()).collect();
        drop(warm);
        assert_eq!(db.engine.pool_status().idle, 3);

        // A session in the middle of a transaction loses its connection.
        let mut s = db.engine.session().unwrap();
        s.execute("insert into k values (1)", ()).unwrap();
        assert_eq!(terminate(&db), 3);
        let err = s.execute("insert into k values (2)", ()).unwrap_err();
        assert!(matches!(err, Error::ConnectionLost { .. }), "{err:?}");
        assert!(err.is_connection_lost());
        assert!(s.commit().is_err());
        // The transaction failed: it ends with a rollback (which cannot reach
        // the lost connection), and the session recovers at its next one.
        let _ = s.rollback();
        s.execute("insert into k values (3)", ()).unwrap();
        s.commit().unwrap();
        drop(s);

        // Every later checkout works, whether or not it got one of the dead idle ones.
        for i in 10..20 {
            db.engine
                .transaction(|s| s.execute("insert into k values (?)", (i,)))
                .unwrap();
        }
        let ids: Vec<i32> = db
            .engine
            .session()
            .unwrap()
            .query_as("select id from k order by id", ())
            .unwrap();
        assert_eq!(
            ids,
            [3].into_iter().chain(10..20).collect::<Vec<_>>(),
            "pre_ping={pre_ping}"
        );
        // Dead connections were discarded, not kept.
        assert!(db.engine.pool_status().open <= 3);
    }
}

#[cfg(feature = "postgres")]
#[test]
fn terminated_backends_mid_run_under_load() {
    let Some(db) = common::postgres(|b| b.pool_size(4).max_overflow(2)) else {
        return;
    };
    db.engine
        .transaction(|s| s.execute("create table load (id serial primary key, t int)", ()))
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let engine = db.engine.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let (mut ok, mut lost, mut doubt) = (0u32, 0u32, 0u32);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match engine.transaction(|s| s.execute("insert into load (t) values (?)", (t,)))
                    {
                        Ok(_) => ok += 1,
                        Err(Error::ConnectionLost { .. }) => lost += 1,
                        Err(Error::CommitOutcomeUnknown { .. }) => doubt += 1,
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                }
                (ok, lost, doubt)
            })
        })
        .collect();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(150));
        terminate(&db);
    }
    std::thread::sleep(Duration::from_millis(150));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut ok_total, mut lost_total, mut doubt_total) = (0, 0, 0);
    for w in workers {
        let (ok, lost, doubt) = w.join().expect("no panic in workers");
        ok_total += ok;
        lost_total += lost;
        doubt_total += doubt;
    }
    assert!(ok_total > 0);
    let n: i64 = db
        .engine
        .session()
        .unwrap()
        .query_one("select count(*) from load", ())
        .unwrap();
    // Every transaction reported committed is there, none reported lost (before its
    // COMMIT) is; one whose COMMIT lost its answer (the server may have made it
    // durable first) may be there: its outcome is unknown.
    assert!(
        n >= i64::from(ok_total) && n <= i64::from(ok_total + doubt_total),
        "{n} rows, {ok_total} ok, {lost_total} lost, {doubt_total} in doubt"
    );
}

#[test]
fn recycle_replaces_old_connections() {
    for db in common::backends(|b| b.pool_size(1).recycle(Duration::from_millis(50))) {
        let connects = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = connects.clone();
        db.engine.add_listener(move |e| {
            if let ormgen::Event::Connect = e {
                c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        drop(db.engine.session().unwrap());
        drop(db.engine.session().unwrap());
        std::thread::sleep(Duration::from_millis(80));
        drop(db.engine.session().unwrap());
        assert_eq!(
            connects.load(std::sync::atomic::Ordering::Relaxed),
            2,
            "{}",
            db.name()
        );
    }
}

#[test]
fn after_connect_hooks_run_on_every_connection() {
    for db in common::backends(|b| {
        b.pool_size(2).after_connect(|c| {
            c.batch_execute("create temporary table hooked (x integer)")?;
            Ok(())
        })
    }) {
        let mut a = db.engine.session().unwrap();
        let mut b = db.engine.session().unwrap();
        for s in [&mut a, &mut b] {
            let n: i64 = s.query_one("select count(*) from hooked", ()).unwrap();
            assert_eq!(n, 0);
        }
    }
}

/// Waiting checkouts are served in arrival order, and a checkout that arrives
/// while others wait (here: the holder checking out again right after
/// returning its connection) queues behind them instead of barging ahead.
#[test]
fn waiting_checkouts_are_served_first_come_first_served() {
    use std::sync::{Arc, Mutex};
    for db in common::backends(|b| {
        b.pool_size(1)
            .max_overflow(0)
            .checkout_timeout(Duration::from_secs(20))
    }) {
        let name = db.name();
        let engine = db.engine.clone();
        let held = engine.session().expect("session");
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for i in 0..5usize {
            let (waiter, order) = (engine.clone(), order.clone());
            waiters.push(std::thread::spawn(move || {
                let mut s = waiter.session().expect("a waiting checkout");
                order.lock().unwrap().push(i);
                s.execute("SELECT 1", ()).expect("select");
                std::thread::sleep(Duration::from_millis(5));
            }));
            // The next one arrives only once this one waits in the queue.
            let deadline = Instant::now() + Duration::from_secs(10);
            while engine.pool_status().waiting < i + 1 {
                assert!(Instant::now() < deadline, "{name}: waiter {i} never queued");
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        // Return the connection and ask for one again at once: five are
        // waiting, so this checkout is sixth.
        drop(held);
        let again = engine.session().expect("the holder's second checkout");
        order.lock().unwrap().push(99);
        drop(again);
        for w in waiters {
            w.join().expect("waiter");
        }
        assert_eq!(
            *order.lock().unwrap(),
            vec![0, 1, 2, 3, 4, 99],
            "{name}: served out of arrival order"
        );
        assert_eq!(engine.pool_status().waiting, 0, "{name}");
    }
}
