//! The async engine and session (feature `async`) on every backend of the
//! build: raw SQL, the query builder's terminals, `run_sync` with the
//! generated-shape API, transactions (commit, rollback, dropped futures),
//! panics, cancellation of running statements, and many tasks on a small
//! pool.
#![cfg(feature = "async")]
#![allow(clippy::type_complexity)]
mod blog;
mod common;

use std::time::{Duration, Instant};

use blog::fixture::seeded;
use blog::*;
use ormgen::query::ExprExt;
use ormgen::{AsyncEngine, AsyncSession, Error};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The async face of a fixture's engine, made inside the runtime so that
/// its PostgreSQL connections are `tokio-postgres` clients on it (the
/// idle ones the fixture opened are closed first, outside the runtime).
fn async_engine(rt: &tokio::runtime::Runtime, db: &common::Db) -> AsyncEngine {
    db.engine.dispose();
    rt.block_on(async { AsyncEngine::new(db.engine.clone()) })
}

async fn items(engine: &AsyncEngine) {
    let mut s = engine.session();
    s.execute(
        "create table items (id integer primary key, name text not null)",
        (),
    )
    .await
    .unwrap();
    s.commit().await.unwrap();
}

async fn count(engine: &AsyncEngine) -> i64 {
    engine
        .session()
        .query_one("select count(*) from items", ())
        .await
        .unwrap()
}

#[test]
fn raw_sql_and_transactions_keep_the_sync_semantics() {
    let rt = runtime();
    // Fixtures are built and dropped outside the runtime: the sync
    // `postgres` client refuses to run inside one.
    for db in common::all() {
        let engine = async_engine(&rt, &db);
        rt.block_on(async {
            items(&engine).await;
            let mut s = engine.session();
            assert!(!s.in_transaction().await.unwrap());
            s.execute("insert into items (id, name) values (1, 'a')", ())
                .await
                .unwrap();
            // The first statement began a transaction, as in a sync session.
            assert!(s.in_transaction().await.unwrap(), "{}", db.name());
            let names: Vec<(i64, String)> = s
                .query_as("select id, name from items order by id", ())
                .await
                .unwrap();
            assert_eq!(names, vec![(1, "a".to_owned())]);
            assert_eq!(count(&engine).await, 0, "uncommitted rows are not seen");
            s.commit().await.unwrap();
            assert_eq!(count(&engine).await, 1);

            // Dropping a session rolls back what it left open.
            s.execute("insert into items (id, name) values (2, 'b')", ())
                .await
                .unwrap();
            drop(s);
            assert_eq!(count(&engine).await, 1, "{}", db.name());

            // `transaction`: committed on Ok, rolled back on Err.
            let mut s = engine.session();
            let n = s
                .transaction(|s| {
                    Box::pin(async move {
                        s.execute("insert into items (id, name) values (3, 'c')", ())
                            .await?;
                        s.query_one::<i64, _, _>("select count(*) from items", ())
                            .await
                    })
                })
                .await
                .unwrap();
            assert_eq!(n, 2);
            let failed: Result<(), Error> = s
                .transaction(|s| {
                    Box::pin(async move {
                        s.execute("insert into items (id, name) values (4, 'd')", ())
                            .await?;
                        s.execute("insert into items (id, name) values (3, 'dup')", ())
                            .await?;
                        Ok(())
                    })
                })
                .await;
            assert!(
                matches!(failed, Err(Error::UniqueViolation { .. })),
                "{failed:?}"
            );
            assert!(!s.in_transaction().await.unwrap());
            assert_eq!(count(&engine).await, 2, "{}", db.name());

            // The engine's own transactions run on a session of their own.
            engine
                .transaction(|s| {
                    s.execute("insert into items (id, name) values (5, 'e')", ())
                        .map(|_| ())
                })
                .await
                .unwrap();
            assert_eq!(count(&engine).await, 3);
        });
    }
}

#[test]
fn query_builder_values_run_on_an_async_session() {
    let rt = runtime();
    for db in seeded() {
        let engine = async_engine(&rt, &db);
        let q = User::query()
            .filter(user::age.ge(30))
            .order_by(user::id.asc());
        // The same query value, sync and async.
        let sync_rows = q.clone().all(&mut db.engine.session().unwrap()).unwrap();
        rt.block_on(async {
            let mut s = engine.session();
            let rows = s.all(q.clone()).await.unwrap();
            assert_eq!(rows, sync_rows, "{}", db.name());
            assert!(!rows.is_empty());
            assert_eq!(s.count(q.clone()).await.unwrap(), rows.len() as i64);
            assert!(s.exists(q.clone()).await.unwrap());
            assert_eq!(s.first(q.clone()).await.unwrap(), rows.first().cloned());
            let none = User::query().filter(user::email.eq("nobody@x.org"));
            assert!(matches!(s.one(none).await, Err(Error::NotFound)));

            // Generated-shape calls through run_sync, inside the session's
            // transaction.
            let created = s
                .run_sync(|s| {
                    User::insert(
                        s,
                        NewUser {
                            email: "async@x.org".into(),
                            ..NewUser::default()
                        },
                    )
                })
                .await
                .unwrap();
            let found = s
                .one(User::query().filter(user::email.eq("async@x.org")))
                .await
                .unwrap();
            assert_eq!(found, created);
            // The async session's own insert and get: the same rows.
            let second = s
                .insert(NewUser {
                    email: "async2@x.org".into(),
                    age: Some(9),
                    ..NewUser::default()
                })
                .await
                .unwrap();
            assert_eq!(second.age, Some(9));
            assert_eq!(s.get(user::table, created.id).await.unwrap(), Some(created));
            assert_eq!(s.get(user::table, second.id).await.unwrap(), Some(second));
            assert_eq!(s.get(user::table, -1).await.unwrap(), None);
            s.rollback().await.unwrap();
            let gone = s
                .first(User::query().filter(user::email.eq("async@x.org")))
                .await
                .unwrap();
            assert_eq!(gone, None, "{}", db.name());
        });
    }
}

#[test]
fn a_panic_on_the_connection_thread_resumes_in_the_task_and_rolls_back() {
    let rt = runtime();
    for db in common::all() {
        let engine = async_engine(&rt, &db);
        rt.block_on(items(&engine));
        let e = engine.clone();
        let joined = rt.block_on(rt.spawn(async move {
            let mut s = e.session();
            s.run_sync(|s| {
                s.execute("insert into items (id, name) values (1, 'a')", ())?;
                if s.in_transaction() {
                    panic!("boom");
                }
                Ok(())
            })
            .await
        }));
        let err = joined.expect_err("the panic reaches the task");
        assert!(err.is_panic());
        assert_eq!(rt.block_on(count(&engine)), 0, "{}", db.name());
        // The connection went back to the pool; the engine keeps working.
        let mut s = engine.session();
        rt.block_on(s.execute("insert into items (id, name) values (1, 'a')", ()))
            .unwrap();
        rt.block_on(s.commit()).unwrap();
        assert_eq!(rt.block_on(count(&engine)), 1);
    }
}

/// A statement that runs for seconds on each backend.
fn slow_sql(db: &common::Db) -> &'static str {
    db.sql(
        "with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) \
         select count(*) from c",
        "select pg_sleep(10)::text",
    )
}

#[test]
fn a_dropped_future_interrupts_its_running_statement() {
    let rt = runtime();
    for db in common::all() {
        let engine = async_engine(&rt, &db);
        let slow = slow_sql(&db);
        let mut s = engine.session();
        let (r, stopped_after) = rt.block_on(async {
            let r = tokio::time::timeout(
                Duration::from_millis(200),
                s.query_one::<String, _, _>(slow, ()),
            )
            .await;
            let dropped = Instant::now();
            // The next call queues behind the interrupted statement: it
            // answers as soon as the interrupt took effect (with the
            // transaction's failure: the statement failed inside it).
            let next = s.query_one::<i64, _, _>("select 1", ()).await;
            assert!(
                matches!(next, Err(Error::TransactionFailed { .. })),
                "{next:?}"
            );
            (r.is_err(), dropped.elapsed())
        });
        assert!(r, "the statement outlived the timeout");
        assert!(
            stopped_after < Duration::from_secs(1),
            "{}: the statement kept running for {stopped_after:?}",
            db.name()
        );
        ormgen::__ormgen_if_postgres! {
            if let Some(schema) = &db.schema {
                // Nothing of ours is still sleeping on the server.
                let sleeping: i64 = db
                    .admin()
                    .query_one(
                        "select count(*) from pg_stat_activity \
                         where application_name = $1 and state = 'active' \
                         and query like '%pg_sleep%'",
                        &[schema],
                    )
                    .unwrap()
                    .get(0);
                assert_eq!(sleeping, 0);
            }
        }
        // The session is usable again once rolled back.
        rt.block_on(async {
            s.rollback().await.unwrap();
            let two: i64 = s.query_one("select 2", ()).await.unwrap();
            assert_eq!(two, 2);
        });
        drop(s);
    }
}

#[test]
fn a_dropped_transaction_future_leaves_nothing_open() {
    let rt = runtime();
    for db in common::all() {
        let engine = async_engine(&rt, &db);
        rt.block_on(async {
            items(&engine).await;
            let mut s = engine.session();
            let r = tokio::time::timeout(
                Duration::from_millis(200),
                s.transaction(|s| {
                    Box::pin(async move {
                        s.execute("insert into items (id, name) values (1, 'a')", ())
                            .await?;
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        Ok(())
                    })
                }),
            )
            .await;
            assert!(r.is_err());
            assert!(!s.in_transaction().await.unwrap(), "{}", db.name());
            assert_eq!(count(&engine).await, 0);
            drop(s);
        });
    }
}

#[test]
fn many_tasks_share_a_small_pool() {
    let rt = runtime();
    for db in common::backends(|b| b.pool_size(2).max_overflow(0)) {
        let engine = async_engine(&rt, &db);
        rt.block_on(items(&engine));
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let engine = engine.clone();
                rt.spawn(async move {
                    let mut s: AsyncSession = engine.session();
                    s.execute("insert into items (id, name) values (?, 'x')", (i as i64,))
                        .await?;
                    s.commit().await
                })
            })
            .collect();
        for t in tasks {
            rt.block_on(t).unwrap().unwrap();
        }
        assert_eq!(rt.block_on(count(&engine)), 40, "{}", db.name());
        let status = engine.pool_status();
        assert!(status.open <= 2, "{status:?}");
    }
}

#[test]
fn rows_stream_to_async_code_and_stop_when_dropped() {
    let rt = runtime();
    for db in seeded() {
        let engine = async_engine(&rt, &db);
        rt.block_on(async {
            let mut s = engine.session();
            // More rows than the stream buffers.
            s.run_sync(|s| {
                let many: Vec<NewUser> = (0..1000)
                    .map(|i| NewUser {
                        email: format!("many{i}@x.org"),
                        ..NewUser::default()
                    })
                    .collect();
                User::insert_many(s, many).map(|_| ())
            })
            .await
            .unwrap();
            let by_id = || User::query().order_by(user::id.asc());
            let all = s.all(by_id()).await.unwrap();
            assert!(all.len() > 1000);
            let streamed = s.stream(by_id()).collect().await.unwrap();
            assert_eq!(streamed, all, "{}", db.name());

            // Dropped after one row: the query stops, the session goes on.
            {
                let mut rows = s.stream(by_id());
                assert_eq!(rows.next().await.unwrap().unwrap(), all[0]);
            }
            assert_eq!(s.count(by_id()).await.unwrap(), all.len() as i64);

            // An error opening the query is the stream's last item.
            s.execute("drop table comments", ()).await.unwrap();
            let mut rows = s.stream(Comment::query());
            assert!(matches!(rows.next().await, Some(Err(_))), "{}", db.name());
            assert!(rows.next().await.is_none());
            drop(rows);
            s.rollback().await.unwrap();
            // Rolled back, the table is there again.
            assert!(s.count(Comment::query()).await.is_ok(), "{}", db.name());
        });
    }
}

#[test]
fn eager_loads_run_on_an_async_session() {
    let rt = runtime();
    for db in seeded() {
        let engine = async_engine(&rt, &db);
        let q = || User::query().order_by(user::id.asc()).with(user::posts);
        let sync_rows = q().all(&mut db.engine.session().unwrap()).unwrap();
        let rows = rt.block_on(async { engine.session().all(q()).await.unwrap() });
        assert_eq!(rows, sync_rows, "{}", db.name());
        assert!(rows.iter().any(|(_, posts)| !posts.is_empty()));
    }
}

async fn ids(engine: &AsyncEngine) -> Vec<i64> {
    engine
        .session()
        .query_as("select id from items order by id", ())
        .await
        .unwrap()
}

#[test]
fn savepoints_release_or_roll_back_and_a_dropped_one_rolls_back() {
    let rt = runtime();
    for db in common::all() {
        let engine = async_engine(&rt, &db);
        rt.block_on(async {
            items(&engine).await;
            let insert = "insert into items (id, name) values (?, 'x')";
            let mut s = engine.session();
            s.execute(insert, (1i64,)).await.unwrap();
            // An error inside: rolled back to the savepoint, the outer
            // transaction keeps its row and stays usable.
            let r: ormgen::Result<()> = s
                .savepoint(|s| {
                    Box::pin(async move {
                        s.execute(insert, (2i64,)).await?;
                        s.execute(insert, (1i64,)).await?; // duplicate key
                        Ok(())
                    })
                })
                .await;
            assert!(matches!(r, Err(Error::UniqueViolation { .. })), "{r:?}");
            // Nested savepoints, released.
            s.savepoint(|s| {
                Box::pin(async move {
                    s.execute(insert, (3i64,)).await?;
                    s.savepoint(|s| Box::pin(async move { s.execute(insert, (4i64,)).await }))
                        .await
                })
            })
            .await
            .unwrap();
            // Dropped mid-way (a timeout): rolled back to, nothing else lost.
            let dropped = tokio::time::timeout(
                Duration::from_millis(100),
                s.savepoint(|s| {
                    Box::pin(async move {
                        s.execute(insert, (5i64,)).await?;
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        Ok(())
                    })
                }),
            )
            .await;
            assert!(dropped.is_err());
            assert!(s.in_transaction().await.unwrap(), "{}", db.name());
            s.execute(insert, (6i64,)).await.unwrap();
            s.commit().await.unwrap();
            assert_eq!(ids(&engine).await, [1, 3, 4, 6], "{}", db.name());

            // Outside a transaction a savepoint begins the session's
            // transaction (as any statement does), which stays open.
            s.savepoint(|s| Box::pin(async move { s.execute(insert, (7i64,)).await }))
                .await
                .unwrap();
            assert!(s.in_transaction().await.unwrap());
            s.commit().await.unwrap();
            // In autocommit mode it is a transaction of its own.
            s.set_autocommit(true).await.unwrap();
            let r: ormgen::Result<()> = s
                .savepoint(|s| {
                    Box::pin(async move {
                        s.execute(insert, (8i64,)).await?;
                        s.execute(insert, (8i64,)).await?;
                        Ok(())
                    })
                })
                .await;
            assert!(matches!(r, Err(Error::UniqueViolation { .. })), "{r:?}");
            s.savepoint(|s| Box::pin(async move { s.execute(insert, (9i64,)).await }))
                .await
                .unwrap();
            assert!(!s.in_transaction().await.unwrap());
            assert_eq!(ids(&engine).await, [1, 3, 4, 6, 7, 9], "{}", db.name());
        });
    }
}

#[test]
fn transaction_retry_runs_the_body_again_after_a_retryable_error() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let rt = runtime();
    for db in common::all() {
        let engine = async_engine(&rt, &db);
        rt.block_on(async {
            items(&engine).await;
            let attempts = Arc::new(AtomicUsize::new(0));
            let mut s = engine.session();
            let a = attempts.clone();
            let n = s
                .transaction_retry(ormgen::TxOptions::default(), 3, move |s| {
                    let a = a.clone();
                    Box::pin(async move {
                        let attempt = a.fetch_add(1, Ordering::SeqCst) + 1;
                        s.execute("insert into items (id, name) values (1, 'x')", ())
                            .await?;
                        if attempt == 1 {
                            // What a serialization failure looks like: the
                            // first attempt's row must be rolled back.
                            return Err(Error::SerializationFailure {
                                message: "simulated".into(),
                            });
                        }
                        Ok(attempt)
                    })
                })
                .await
                .unwrap();
            assert_eq!(n, 2, "{}", db.name());
            assert_eq!(ids(&engine).await, [1], "{}", db.name());
            // A non-retryable error is returned at once.
            let a = attempts.clone();
            let r: ormgen::Result<()> = s
                .transaction_retry(ormgen::TxOptions::default(), 3, move |s| {
                    let a = a.clone();
                    Box::pin(async move {
                        a.fetch_add(1, Ordering::SeqCst);
                        s.execute("insert into items (id, name) values (1, 'x')", ())
                            .await?;
                        Ok(())
                    })
                })
                .await;
            assert!(matches!(r, Err(Error::UniqueViolation { .. })), "{r:?}");
            assert_eq!(attempts.load(Ordering::SeqCst), 3, "{}", db.name());
        });
    }
}

/// A small deterministic generator (xorshift64*), seeded per run.
#[test]
fn futures_dropped_at_random_points_under_load_leave_every_transaction_whole() {
    const TASKS: u64 = 16;
    const ROUNDS: u64 = 25;
    let seed = common::Rng::seed();
    let rt = runtime();
    for db in common::backends(|b| b.pool_size(4).max_overflow(0)) {
        let engine = async_engine(&rt, &db);
        rt.block_on(async {
            items(&engine).await;
            let mut s = engine.session();
            s.batch_execute(
                "create table counter (id integer primary key, n bigint not null);
                 insert into counter (id, n) values (1, 0)",
            )
            .await
            .unwrap();
            s.commit().await.unwrap();
        });
        let pg = db.is_pg();
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let engine = engine.clone();
                let mut rng =
                    common::Rng(seed.wrapping_add(t.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
                rt.spawn(async move {
                    let mut committed = Vec::new();
                    let mut kept = engine.session();
                    for round in 0..ROUNDS {
                        let id = (t * 1000 + round) as i64;
                        // Half the tasks reuse one session across requests.
                        let mut fresh = engine.session();
                        let s = if t % 2 == 0 { &mut kept } else { &mut fresh };
                        // Round trips make a PostgreSQL transaction longer.
                        let limit =
                            Duration::from_micros(rng.below(if pg { 20_000 } else { 4_000 }));
                        let work = s.transaction(move |s| {
                            Box::pin(async move {
                                s.execute("insert into items (id, name) values (?, 'x')", (id,))
                                    .await?;
                                s.execute("update counter set n = n + 1 where id = 1", ())
                                    .await?;
                                Ok(())
                            })
                        });
                        // An error (an interrupted statement, a lock wait
                        // cut short) or a timeout may or may not have
                        // committed: only the Ok ones are known to have.
                        if let Ok(Ok(())) = tokio::time::timeout(limit, work).await {
                            committed.push(id);
                        }
                    }
                    committed
                })
            })
            .collect();
        let committed: Vec<i64> = tasks
            .into_iter()
            .flat_map(|t| rt.block_on(t).unwrap())
            .collect();
        rt.block_on(async {
            // Detached rollbacks finish on the connection threads: wait for
            // every connection to be back in the pool.
            let deadline = Instant::now() + Duration::from_secs(10);
            while engine.pool_status().idle < engine.pool_status().open {
                assert!(Instant::now() < deadline, "{:?}", engine.pool_status());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let rows = ids(&engine).await;
            let n: i64 = engine
                .session()
                .query_one("select n from counter where id = 1", ())
                .await
                .unwrap();
            // Each transaction is whole: its row and its increment, or neither.
            assert_eq!(rows.len() as i64, n, "{} seed {seed}", db.name());
            for id in &committed {
                assert!(rows.binary_search(id).is_ok(), "{} lost {id}", db.name());
            }
            // Every pooled connection is clean and works: none in a transaction.
            let size = engine.pool_status().open.max(1);
            let mut sessions: Vec<AsyncSession> = (0..size).map(|_| engine.session()).collect();
            for s in &mut sessions {
                assert!(!s.in_transaction().await.unwrap());
                let one: i64 = s.query_one("select 1", ()).await.unwrap();
                assert_eq!(one, 1);
            }
            // Returned (their read transaction rolled back) before the
            // server is asked below; a drop would do it in the background.
            for s in &mut sessions {
                s.close().await.unwrap();
            }
            eprintln!(
                "{}: {} of {} transactions committed, {} rows",
                db.name(),
                committed.len(),
                TASKS * ROUNDS,
                rows.len()
            );
        });
        #[cfg(feature = "postgres")]
        if let Some(schema) = &db.schema {
            let mut admin = db.admin();
            let stuck: i64 = admin
                .query_one(
                    "select count(*) from pg_stat_activity where application_name = $1 \
                     and state like 'idle in transaction%'",
                    &[schema],
                )
                .unwrap()
                .get(0);
            assert_eq!(stuck, 0, "connections left in a transaction");
        }
    }
}

#[test]
fn an_async_transaction_inside_a_transaction_is_a_savepoint() {
    let rt = runtime();
    for db in common::all() {
        let engine = async_engine(&rt, &db);
        rt.block_on(async {
            items(&engine).await;
            let insert = "insert into items (id, name) values (?, 'x')";
            let mut s = engine.session();
            s.transaction(|s| {
                Box::pin(async move {
                    s.execute(insert, (1i64,)).await?;
                    let inner: ormgen::Result<()> = s
                        .transaction(|s| {
                            Box::pin(async move {
                                s.execute(insert, (2i64,)).await?;
                                Err(Error::NotFound)
                            })
                        })
                        .await;
                    assert!(matches!(inner, Err(Error::NotFound)));
                    assert!(s.in_transaction().await?);
                    s.transaction(|s| Box::pin(async move { s.execute(insert, (3i64,)).await }))
                        .await?;
                    Ok(())
                })
            })
            .await
            .unwrap();
            assert!(!s.in_transaction().await.unwrap());
            assert_eq!(ids(&engine).await, [1, 3], "{}", db.name());
        });
    }
}
