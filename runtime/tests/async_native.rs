//! PostgreSQL statements an `AsyncSession` sends from the awaiting task
//! (an async engine's connections are `tokio-postgres` clients on the
//! application's runtime): the same results and session states as the
//! connection thread's way, the thread's way whenever a listener or hook
//! must run, cancellation of a dropped statement on the server, and a lost
//! connection replaced.
//!
//! Which way a statement took is read from the runtime's `ormgen::async`
//! trace event, counted on the test's thread (a current-thread runtime: the
//! task runs there, the connection thread does not).
#![cfg(all(feature = "async", feature = "postgres"))]
mod blog;
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use blog::fixture::seeded;
use blog::*;
use ormgen::query::ExprExt;
use ormgen::{AsyncEngine, Error};

/// Counts the `ormgen::async` events of the thread it is the default of.
struct OnTask(Arc<AtomicUsize>);

impl tracing::Subscriber for OnTask {
    fn enabled(&self, m: &tracing::Metadata<'_>) -> bool {
        m.target() == "ormgen::async"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event<'_>) {
        if e.metadata().target() == "ormgen::async" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Runs `f` on a current-thread runtime with an async engine made inside it
/// for `db` (so its connections live there), counting the statements sent
/// from the task.
fn on_task<T>(db: &common::Db, f: impl AsyncFnOnce(AsyncEngine, Arc<AtomicUsize>) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // The fixture's idle connections are blocking clients: closed first.
    db.engine.dispose();
    let count = Arc::new(AtomicUsize::new(0));
    let _default = tracing::subscriber::set_default(OnTask(count.clone()));
    rt.block_on(async {
        let engine = AsyncEngine::new(db.engine.clone());
        f(engine, count).await
    })
}

/// Has the server end connection `pid` (through `admin`, a session in
/// autocommit mode on another connection), and waits until it is gone.
async fn terminate(admin: &mut ormgen::AsyncSession, pid: i32) {
    let _: bool = admin
        .query_one("select pg_terminate_backend($1)", (pid,))
        .await
        .unwrap();
    within_a_second(
        admin,
        "select not exists (select 1 from pg_stat_activity where pid = $1)",
        pid,
    )
    .await;
}

/// Asks `watcher` the yes-or-no question `sql` about backend `pid` every
/// 20 ms until the answer is yes (`true`) or a second has passed (`false`);
/// each question in a transaction of its own, so it sees the server now.
async fn within_a_second(watcher: &mut ormgen::AsyncSession, sql: &'static str, pid: i32) -> bool {
    let start = Instant::now();
    loop {
        let yes: bool = watcher.query_one(sql, (pid,)).await.unwrap();
        watcher.rollback().await.unwrap();
        if yes {
            return true;
        }
        if start.elapsed() >= Duration::from_secs(1) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn pg(dbs: Vec<common::Db>) -> Option<common::Db> {
    dbs.into_iter().find(|db| db.is_pg())
}

#[test]
fn statements_from_the_task_read_and_write_as_the_thread_way() {
    let Some(db) = pg(seeded()) else { return };
    on_task(&db, async |engine, on_task| {
        let mut s = engine.session();
        // The first call checks a connection out on the thread.
        let n = s.count(User::query()).await.unwrap();
        assert_eq!(n, 4);
        let before = on_task.load(Ordering::SeqCst);
        let adults = || {
            User::query()
                .filter(user::age.ge(18))
                .order_by(user::id.asc())
        };
        let all = s.all(adults()).await.unwrap();
        let first = s.first(adults()).await.unwrap();
        let one = s.one(User::query().filter(user::email.eq("b@x.org"))).await;
        let none = s.one(User::query().filter(user::email.eq("z@x.org"))).await;
        let many = s.one(adults()).await;
        let count = s.count(adults()).await.unwrap();
        let exists = s.exists(User::query().filter(user::age.gt(100))).await;
        let got = s.get(user::table, 4).await.unwrap();
        assert_eq!(on_task.load(Ordering::SeqCst) - before, 8);
        // The same queries on the thread (sync code through run_sync).
        let expected = s
            .run_sync(move |s| {
                Ok((
                    adults().all(s)?,
                    adults().first(s)?,
                    User::query().filter(user::email.eq("b@x.org")).one(s)?,
                    adults().count(s)?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(all, expected.0);
        assert_eq!(
            all.iter().map(|u| u.id).collect::<Vec<_>>(),
            [1, 4],
            "Alice and dave"
        );
        assert_eq!(first, expected.1);
        assert_eq!(got.as_ref(), all.last(), "dave");
        assert_eq!(one.unwrap(), expected.2);
        assert!(matches!(none, Err(Error::NotFound)), "{none:?}");
        assert!(matches!(many, Err(Error::TooManyRows)), "{many:?}");
        assert_eq!(count, expected.3);
        assert!(!exists.unwrap());

        // The first statement began the session's transaction, as on the
        // thread: an insert from the task is visible to the session only
        // until rolled back.
        assert!(s.in_transaction().await.unwrap());
        let before = on_task.load(Ordering::SeqCst);
        let eve = s
            .insert(NewUser {
                email: "e@x.org".into(),
                name: Some("Eve".into()),
                age: Some(41),
                role: Some(Role::Admin),
            })
            .await
            .unwrap();
        assert_eq!(
            (eve.id, eve.email.as_str(), eve.age),
            (5, "e@x.org", Some(41))
        );
        assert_eq!(s.count(User::query()).await.unwrap(), 5);
        s.rollback().await.unwrap();
        assert!(!s.in_transaction().await.unwrap());
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        // begin, insert, commit: all from the task; another session sees it.
        s.commit().await.unwrap();
        s.begin().await.unwrap();
        assert!(s.in_transaction().await.unwrap());
        let fred = s
            .insert(NewUser {
                email: "f@x.org".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        s.commit().await.unwrap();
        assert!(!s.in_transaction().await.unwrap());
        // insert, rollback, count, count, commit, begin, insert, commit.
        assert_eq!(on_task.load(Ordering::SeqCst) - before, 8);
        let mut other = engine.session();
        let seen = other
            .one(User::query().filter(user::email.eq("f@x.org")))
            .await
            .unwrap();
        assert_eq!(seen, fred);
        assert_eq!(other.count(User::query()).await.unwrap(), 5);

        // A unique violation from the task fails the transaction as on the
        // thread: every statement and commit refuse until rollback.
        let dup = s
            .insert(NewUser {
                email: "f@x.org".into(),
                ..Default::default()
            })
            .await;
        assert!(matches!(dup, Err(Error::UniqueViolation { .. })), "{dup:?}");
        let refused = s.count(User::query()).await;
        assert!(
            matches!(refused, Err(Error::TransactionFailed { .. })),
            "{refused:?}"
        );
        let refused = s.commit().await;
        assert!(
            matches!(refused, Err(Error::TransactionFailed { .. })),
            "{refused:?}"
        );
        s.rollback().await.unwrap();
        assert_eq!(s.count(User::query()).await.unwrap(), 5);
    });
}

#[test]
fn listeners_and_session_hooks_take_the_thread_way() {
    let Some(db) = pg(seeded()) else { return };
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    db.engine.add_listener(move |e| {
        if let ormgen::Event::BeforeExecute { .. } = e {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    on_task(&db, async |engine, on_task| {
        let mut s = engine.session();
        let users = s.all(User::query()).await.unwrap();
        assert_eq!(users.len(), 4);
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        assert!(seen.load(Ordering::SeqCst) >= 2, "the listener saw both");
        assert_eq!(on_task.load(Ordering::SeqCst), 0, "none from the task");
        engine.engine().clear_listeners();

        // With a commit hook the commit takes the thread's way (the hook
        // runs with the session); the insert before it the task's.
        let hooked = Arc::new(AtomicUsize::new(0));
        let h = hooked.clone();
        engine.engine().before_commit(move |_| {
            h.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
        s.insert(NewUser {
            email: "q@x.org".into(),
            ..Default::default()
        })
        .await
        .unwrap();
        assert_eq!(on_task.load(Ordering::SeqCst), 1);
        s.commit().await.unwrap();
        assert_eq!(hooked.load(Ordering::SeqCst), 1);
        assert_eq!(
            on_task.load(Ordering::SeqCst),
            1,
            "the commit ran on the thread"
        );
        engine.engine().clear_session_hooks();
        let q = s
            .one(User::query().filter(user::email.eq("q@x.org")))
            .await
            .unwrap();
        assert_eq!(q.email, "q@x.org");
        assert_eq!(on_task.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn a_dropped_statement_is_cancelled_on_the_server_and_fails_the_transaction() {
    let Some(db) = pg(seeded()) else { return };
    on_task(&db, async |engine, on_task| {
        let mut s = engine.session();
        let pid: i32 = s.query_one("select pg_backend_pid()", ()).await.unwrap();
        // Another session holds the table: the session's next read waits.
        let mut locker = engine.session();
        locker
            .execute("lock table users in access exclusive mode", ())
            .await
            .unwrap();
        let before = on_task.load(Ordering::SeqCst);
        let r = tokio::time::timeout(Duration::from_millis(300), s.all(User::query())).await;
        assert!(r.is_err(), "the read waited for the lock");
        // The server stops the statement within a second.
        let mut watcher = engine.session();
        let stopped = within_a_second(
            &mut watcher,
            "select not exists (select 1 from pg_stat_activity where pid = $1 and state = 'active')",
            pid,
        )
        .await;
        assert!(stopped, "the dropped statement still runs on the server");
        locker.rollback().await.unwrap();
        // The transaction the dropped statement ran in is failed; after a
        // rollback the session works again, its next transaction on another
        // connection (a late cancel request must not reach it).
        let refused = s.count(User::query()).await;
        assert!(
            matches!(refused, Err(Error::TransactionFailed { .. })),
            "{refused:?}"
        );
        s.rollback().await.unwrap();
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        let again: i32 = s.query_one("select pg_backend_pid()", ()).await.unwrap();
        assert_ne!(again, pid);
        // The retired connection was closed, not pooled (the server sees
        // it go within a second).
        let closed = within_a_second(
            &mut watcher,
            "select not exists (select 1 from pg_stat_activity where pid = $1)",
            pid,
        )
        .await;
        assert!(closed, "the retired connection is still open");
        assert!(on_task.load(Ordering::SeqCst) > before);
    });
}

#[test]
fn a_connection_lost_between_transactions_is_replaced_before_begin() {
    let Some(db) = pg(seeded()) else { return };
    on_task(&db, async |engine, on_task| {
        let mut admin = engine.session();
        admin.set_autocommit(true).await.unwrap();
        let mut s = engine.session();
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        let pid: i32 = s.query_one("select pg_backend_pid()", ()).await.unwrap();
        s.commit().await.unwrap();
        terminate(&mut admin, pid).await;
        // The next statement's BEGIN finds the connection dead: nothing was
        // lost, so the session takes another one and goes on.
        let before = on_task.load(Ordering::SeqCst);
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        let now: i32 = s.query_one("select pg_backend_pid()", ()).await.unwrap();
        assert_ne!(now, pid);
        // Lost inside a transaction: an error, as on the thread.
        terminate(&mut admin, now).await;
        let lost = s.count(User::query()).await;
        assert!(
            matches!(lost, Err(Error::ConnectionLost { .. })),
            "{lost:?}"
        );
        // As a sync session's: the ROLLBACK cannot reach the server (which
        // rolled back when the connection ended); the session is idle again
        // and its next transaction takes another connection.
        let r = s.rollback().await;
        assert!(matches!(r, Err(Error::ConnectionLost { .. })), "{r:?}");
        assert!(!s.in_transaction().await.unwrap());
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        let last: i32 = s.query_one("select pg_backend_pid()", ()).await.unwrap();
        assert_ne!(last, now);
        assert!(on_task.load(Ordering::SeqCst) > before);
    });
}

#[test]
fn a_new_session_takes_an_idle_connection_from_the_task() {
    let Some(db) = pg(seeded()) else { return };
    on_task(&db, async |engine, on_task| {
        let idle = async |n: usize| {
            for _ in 0..200 {
                if engine.pool_status().idle == n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            panic!("the pool never had {n} idle connection(s)");
        };
        // A session of its own for killing connections, holding one.
        let mut admin = engine.session();
        admin.set_autocommit(true).await.unwrap();
        let mut first = engine.session();
        let pid: i32 = first
            .query_one("select pg_backend_pid()", ())
            .await
            .unwrap();
        first.commit().await.unwrap();
        drop(first);
        // Returned by its connection thread.
        idle(1).await;
        let before = on_task.load(Ordering::SeqCst);
        let mut s = engine.session();
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        assert_eq!(
            on_task.load(Ordering::SeqCst) - before,
            1,
            "checkout, BEGIN and read"
        );
        let same: i32 = s.query_one("select pg_backend_pid()", ()).await.unwrap();
        assert_eq!(same, pid);
        s.commit().await.unwrap();
        drop(s);
        idle(1).await;

        // The idle connection dies: the new session's BEGIN finds out, and
        // the session goes on with another connection (as a pre-ping would).
        terminate(&mut admin, pid).await;
        let mut s = engine.session();
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        let other: i32 = s.query_one("select pg_backend_pid()", ()).await.unwrap();
        assert_ne!(other, pid);
    });
}

#[test]
fn statements_from_tasks_dropped_at_random_points_leave_every_transaction_whole() {
    const TASKS: u64 = 16;
    const ROUNDS: u64 = 25;
    let seed = common::Rng::seed();
    let dbs = common::backends(|b| b.pool_size(4).max_overflow(0));
    let Some(db) = pg(dbs) else { return };
    blog::fixture::create(&db);
    let (committed, on_task) = on_task(&db, async |engine, on_task| {
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let engine = engine.clone();
                let mut rng =
                    common::Rng(seed.wrapping_add(t.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
                tokio::spawn(async move {
                    let mut committed = Vec::new();
                    let mut kept = engine.session();
                    for round in 0..ROUNDS {
                        let email = format!("{t}-{round}@load");
                        // Half the tasks reuse one session across requests.
                        let mut fresh = engine.session();
                        let s = if t % 2 == 0 { &mut kept } else { &mut fresh };
                        let limit = Duration::from_micros(rng.below(15_000));
                        let e = email.clone();
                        let work = async {
                            // Every other round the insert begins the
                            // transaction (its BEGIN pipelined with it).
                            if round % 2 == 0 {
                                s.begin().await?;
                            }
                            let u = s
                                .insert(NewUser {
                                    email: e,
                                    ..Default::default()
                                })
                                .await?;
                            s.insert(NewPost {
                                title: "t".into(),
                                author_id: u.id,
                                ..Default::default()
                            })
                            .await?;
                            let n = s
                                .count(Post::query().filter(post::author_id.eq(u.id)))
                                .await?;
                            assert_eq!(n, 1);
                            s.commit().await
                        };
                        match tokio::time::timeout(limit, work).await {
                            Ok(Ok(())) => committed.push(email),
                            // Dropped or failed: what an application does.
                            _ => {
                                let _ = s.rollback().await;
                            }
                        }
                    }
                    committed
                })
            })
            .collect();
        let mut committed = Vec::new();
        for t in tasks {
            committed.extend(t.await.unwrap());
        }
        // Every connection back in the pool, and clean.
        let deadline = Instant::now() + Duration::from_secs(10);
        while engine.pool_status().idle < engine.pool_status().open {
            assert!(Instant::now() < deadline, "{:?}", engine.pool_status());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let mut s = engine.session();
        let users = s
            .all(User::query().filter(user::email.like("%@load")))
            .await
            .unwrap();
        let posts = s.all(Post::query()).await.unwrap();
        s.commit().await.unwrap();
        // Each transaction is whole: a user has its post, or neither exists.
        for u in &users {
            let mine = posts.iter().filter(|p| p.author_id == u.id).count();
            assert_eq!(mine, 1, "user {} has {mine} posts, seed {seed}", u.email);
        }
        assert_eq!(posts.len(), users.len(), "seed {seed}");
        for email in &committed {
            assert!(
                users.iter().any(|u| &u.email == email),
                "lost {email}, seed {seed}"
            );
        }
        eprintln!(
            "{} of {} transactions committed",
            committed.len(),
            TASKS * ROUNDS
        );
        (committed.len(), on_task.load(Ordering::SeqCst))
    });
    assert!(committed > 0, "some transactions finish in 15 ms");
    assert!(on_task > 0, "statements ran on the tasks");
    let schema = db.schema.clone().unwrap_or_default();
    let stuck: i64 = db
        .admin()
        .query_one(
            "select count(*) from pg_stat_activity where application_name = $1 \
             and state like 'idle in transaction%'",
            &[&schema],
        )
        .unwrap()
        .get(0);
    assert_eq!(stuck, 0, "connections left in a transaction");
}

#[test]
fn raw_sql_from_the_task_binds_and_fails_as_the_thread_way() {
    let Some(db) = pg(seeded()) else { return };
    on_task(&db, async |engine, on_task| {
        let mut s = engine.session();
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        let before = on_task.load(Ordering::SeqCst);
        // Portable and named placeholders, translated with the session's
        // connection cache; the rows as the thread reads them.
        let adults: Vec<(i32, String)> = s
            .query_as(
                "select id, email from users where age >= ? order by id",
                (18,),
            )
            .await
            .unwrap();
        let named: Vec<(i32, String)> = s
            .query_as(
                "select id, email from users where age >= :min and email like :pat order by id",
                ormgen::named_params! { "pat" => "%@x.org", "min" => 18 },
            )
            .await
            .unwrap();
        let one: i64 = s
            .query_one("select count(*) from users where age >= $1", (18,))
            .await
            .unwrap();
        let none: Option<i64> = s
            .query_opt("select id::bigint from users where id = ?", (-1,))
            .await
            .unwrap();
        let rows = s
            .query("select email from users order by id", ())
            .await
            .unwrap();
        assert_eq!(on_task.load(Ordering::SeqCst) - before, 5);
        let on_thread: Vec<(i32, String)> = s
            .run_sync(|s| {
                s.query_as(
                    "select id, email from users where age >= ? order by id",
                    (18,),
                )
            })
            .await
            .unwrap();
        assert_eq!(adults, on_thread);
        assert_eq!(adults.iter().map(|u| u.0).collect::<Vec<_>>(), [1, 4]);
        assert_eq!(named, adults);
        assert_eq!(one, 2);
        assert_eq!(none, None);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].get::<String>("email").unwrap(), "a@x.org");

        // A wrong number of values reaches nothing: the transaction goes on.
        let wrong = s
            .query_as::<(i32,), _, _>("select id from users where id = ?", (1, 2))
            .await;
        assert!(matches!(wrong, Err(Error::Params(_))), "{wrong:?}");
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        // A value the column's type cannot take: the thread's error, and
        // the transaction failed as there.
        let bad = s
            .query_as::<(i32,), _, _>("select id from users where id = ?", ("one",))
            .await
            .unwrap_err();
        let refused = s.count(User::query()).await;
        assert!(
            matches!(refused, Err(Error::TransactionFailed { .. })),
            "{refused:?}"
        );
        s.rollback().await.unwrap();
        let thread_bad = s
            .run_sync(|s| s.query_as::<(i32,)>("select id from users where id = ?", ("one",)))
            .await
            .unwrap_err();
        assert_eq!(bad.to_string(), thread_bad.to_string());
        s.rollback().await.unwrap();
        // More than one row for query_opt fails the transaction (the rows
        // were read), query_one's none does not.
        let many = s.query_opt::<i32, _, _>("select id from users", ()).await;
        assert!(matches!(many, Err(Error::TooManyRows)), "{many:?}");
        let refused = s.count(User::query()).await;
        assert!(
            matches!(refused, Err(Error::TransactionFailed { .. })),
            "{refused:?}"
        );
        s.rollback().await.unwrap();
        let missing = s
            .query_one::<i32, _, _>("select id from users where id = -1", ())
            .await;
        assert!(matches!(missing, Err(Error::NotFound)), "{missing:?}");
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
    });
}

#[test]
fn execute_from_the_task_counts_fails_and_follows_ddl_as_the_thread_way() {
    let Some(db) = pg(seeded()) else { return };
    on_task(&db, async |engine, on_task| {
        let mut s = engine.session();
        let ages = "select coalesce(sum(age), 0)::bigint from users";
        let before_sum: i64 = s.run_sync(move |s| s.query_one(ages, ())).await.unwrap();
        let before = on_task.load(Ordering::SeqCst);
        // The rows affected, as the thread counts them.
        let raised = s
            .execute("update users set age = age + 1 where age >= ?", (18,))
            .await
            .unwrap();
        let deleted = s
            .execute("delete from users where id = $1", (-1,))
            .await
            .unwrap();
        assert_eq!(on_task.load(Ordering::SeqCst) - before, 2);
        assert_eq!((raised, deleted), (2, 0));
        let after_sum: i64 = s.run_sync(move |s| s.query_one(ages, ())).await.unwrap();
        assert_eq!(after_sum, before_sum + 2, "the update was not in effect");
        s.commit().await.unwrap();

        // A duplicate is the typed error and fails the transaction, with
        // the thread's words.
        let dup = "insert into users (email) values (?)";
        let on_task_err = s.execute(dup, ("a@x.org",)).await.unwrap_err();
        assert!(
            matches!(on_task_err, Error::UniqueViolation { .. }),
            "{on_task_err:?}"
        );
        let refused = s.execute("delete from users where id = -1", ()).await;
        assert!(
            matches!(refused, Err(Error::TransactionFailed { .. })),
            "{refused:?}"
        );
        s.rollback().await.unwrap();
        let thread_err = s
            .run_sync(move |s| s.execute(dup, ("a@x.org",)))
            .await
            .unwrap_err();
        assert_eq!(on_task_err.to_string(), thread_err.to_string());
        s.rollback().await.unwrap();

        // DDL from the task: statements prepared before it are prepared
        // again (PostgreSQL refuses a cached plan whose result changed).
        let star = "select * from users where id = ?";
        let row = s.query(star, (1,)).await.unwrap();
        let width = row[0].len();
        let before = on_task.load(Ordering::SeqCst);
        s.execute("alter table users add column nickname text", ())
            .await
            .unwrap();
        let row = s.query(star, (1,)).await.unwrap();
        assert_eq!(on_task.load(Ordering::SeqCst) - before, 2);
        assert_eq!(row[0].len(), width + 1);
        assert_eq!(row[0].get::<Option<String>>("nickname").unwrap(), None);
        s.rollback().await.unwrap();
        let row = s.query(star, (1,)).await.unwrap();
        assert_eq!(row[0].len(), width, "the rolled-back column is back");
    });
}

#[test]
fn a_begin_goes_out_with_a_first_read_and_ahead_of_anything_else() {
    let Some(db) = pg(seeded()) else { return };
    on_task(&db, async |engine, on_task| {
        // A session out of autocommit mode begins at its first statement:
        // the task sends BEGIN and the statement together.
        let mut s = engine.session();
        let mut other = engine.session();
        other.set_autocommit(true).await.unwrap();
        assert_eq!(s.count(User::query()).await.unwrap(), 4);
        // A read goes out with the BEGIN (prepared once before: the BEGIN
        // must precede a statement that needs no preparing too). Under
        // repeatable read the snapshot is the first read's, so a change
        // committed after it stays unseen — unless the read ran first.
        assert!(s.get(user::table, 1).await.unwrap().is_some());
        s.rollback().await.unwrap();
        s.begin_with(ormgen::TxOptions::isolation(
            ormgen::IsolationLevel::RepeatableRead,
        ))
        .await
        .unwrap();
        let before = on_task.load(Ordering::SeqCst);
        let seen = s.get(user::table, 1).await.unwrap().unwrap();
        let renamed = other
            .execute("update users set name = 'renamed' where id = 1", ())
            .await
            .unwrap();
        let again = s.get(user::table, 1).await.unwrap().unwrap();
        assert_eq!(on_task.load(Ordering::SeqCst) - before, 3);
        assert_eq!(renamed, 1);
        assert_ne!(seen.name.as_deref(), Some("renamed"));
        assert_eq!(again.name, seen.name, "one snapshot from the first read");
        s.rollback().await.unwrap();
        // Statements that may write wait for the BEGIN's answer.
        let txid = "select txid_current()::bigint";
        let _: i64 = s.query_one(txid, ()).await.unwrap();
        s.rollback().await.unwrap();
        let before = on_task.load(Ordering::SeqCst);
        let first: i64 = s.query_one(txid, ()).await.unwrap();
        let stored = s
            .insert(NewUser {
                email: "pipelined@x.org".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let again: i64 = s.query_one(txid, ()).await.unwrap();
        assert_eq!(on_task.load(Ordering::SeqCst) - before, 3);
        assert_eq!(first, again, "the statements ran in one transaction");
        assert!(s.in_transaction().await.unwrap());
        // Not visible elsewhere before the commit, gone after the rollback.
        assert_eq!(other.count(User::query()).await.unwrap(), 4);
        s.rollback().await.unwrap();
        assert!(s.get(user::table, stored.id).await.unwrap().is_none());
        s.rollback().await.unwrap();
        // A first statement the server refuses: the transaction began and
        // failed with it, as on the thread.
        let bad = s.query("selec 1", ()).await;
        assert!(matches!(bad, Err(Error::Sql { .. })), "{bad:?}");
        assert!(s.in_transaction().await.unwrap());
        let refused = s.count(User::query()).await;
        assert!(
            matches!(refused, Err(Error::TransactionFailed { .. })),
            "{refused:?}"
        );
        s.rollback().await.unwrap();
        // Options set for the next transaction go with its BEGIN.
        s.begin_with(ormgen::TxOptions::read_only()).await.unwrap();
        let write = s.execute("delete from users where id = -1", ()).await;
        assert!(write.is_err(), "a read-only transaction wrote: {write:?}");
        s.rollback().await.unwrap();
        let level: String = s
            .query_one("select current_setting('transaction_read_only')", ())
            .await
            .unwrap();
        assert_eq!(level, "off", "the options were for one transaction");
        s.commit().await.unwrap();
    });
}
