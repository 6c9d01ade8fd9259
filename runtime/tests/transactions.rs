//! Sessions and transactions: commit, rollback, drop, panic, savepoints, isolation,
//! read-only, the in-memory SQLite database shared by sessions.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use ormgen::{Error, IsolationLevel, TxOptions};

fn setup(db: &common::Db) {
    db.engine
        .transaction(|s| {
            s.execute(
                "create table items (id integer primary key, name text not null)",
                (),
            )?;
            Ok(())
        })
        .unwrap();
}

fn count(db: &common::Db) -> i64 {
    db.engine
        .session()
        .unwrap()
        .query_one("select count(*) from items", ())
        .unwrap()
}

#[test]
fn transaction_commits_on_ok() {
    for db in common::all() {
        setup(&db);
        let id: i64 = db
            .engine
            .transaction(|s| {
                s.execute("insert into items (id, name) values (1, 'a')", ())?;
                s.query_one(
                    "select id from items where name = :n",
                    ormgen::named_params! { "n" => "a" },
                )
            })
            .unwrap();
        assert_eq!(id, 1);
        assert_eq!(count(&db), 1, "{}", db.name());
    }
}

#[test]
fn error_in_closure_commits_nothing() {
    for db in common::all() {
        setup(&db);
        let r: ormgen::Result<()> = db.engine.transaction(|s| {
            s.execute("insert into items (id, name) values (1, 'a')", ())?;
            Err(Error::NotFound)
        });
        assert!(matches!(r, Err(Error::NotFound)));
        assert_eq!(count(&db), 0, "{}", db.name());
    }
}

#[test]
fn panic_in_closure_commits_nothing() {
    for db in common::all() {
        setup(&db);
        let r = catch_unwind(AssertUnwindSafe(|| {
            db.engine.transaction(|s| {
                s.execute("insert into items (id, name) values (1, 'a')", ())?;
                if s.in_transaction() {
                    panic!("boom");
                }
                Ok(())
            })
        }));
        assert!(r.is_err());
        assert_eq!(count(&db), 0, "{}", db.name());
        // The connection went back to the pool in a clean state.
        assert_eq!(db.engine.pool_status().open, db.engine.pool_status().idle);
        db.engine
            .transaction(|s| s.execute("insert into items (id, name) values (2, 'b')", ()))
            .unwrap();
        assert_eq!(count(&db), 1);
    }
}

#[test]
fn drop_without_commit_rolls_back_and_explicit_commit_persists() {
    for db in common::all() {
        setup(&db);
        {
            let mut s = db.engine.session().unwrap();
            s.execute("insert into items (id, name) values (1, 'a')", ())
                .unwrap();
            assert!(s.in_transaction());
        }
        assert_eq!(count(&db), 0, "{}", db.name());
        let mut s = db.engine.session().unwrap();
        s.execute("insert into items (id, name) values (1, 'a')", ())
            .unwrap();
        s.commit().unwrap();
        assert!(!s.in_transaction());
        // The session goes on with a new transaction.
        s.execute("insert into items (id, name) values (2, 'b')", ())
            .unwrap();
        s.rollback().unwrap();
        drop(s);
        assert_eq!(count(&db), 1, "{}", db.name());
    }
}

#[test]
fn savepoint_rollback_keeps_outer_work() {
    for db in common::all() {
        setup(&db);
        db.engine
            .transaction(|s| {
                s.execute("insert into items (id, name) values (1, 'outer')", ())?;
                let inner: ormgen::Result<()> = s.savepoint(|s| {
                    s.execute("insert into items (id, name) values (2, 'inner')", ())?;
                    Err(Error::NotFound)
                });
                assert!(inner.is_err());
                // A failing statement inside a savepoint does not poison the transaction.
                let dup = s
                    .savepoint(|s| s.execute("insert into items (id, name) values (1, 'dup')", ()));
                assert!(matches!(dup, Err(Error::UniqueViolation { .. })), "{dup:?}");
                s.savepoint(|s| {
                    s.execute("insert into items (id, name) values (3, 'kept')", ())?;
                    // Nested: the inner one is rolled back, the middle one kept.
                    let _ = s.savepoint(|s| {
                        s.execute("insert into items (id, name) values (4, 'nested')", ())?;
                        Err::<(), _>(Error::NotFound)
                    });
                    Ok(())
                })?;
                Ok(())
            })
            .unwrap();
        let names: Vec<String> = db
            .engine
            .session()
            .unwrap()
            .query_as("select name from items order by id", ())
            .unwrap();
        assert_eq!(names, vec!["outer", "kept"], "{}", db.name());
    }
}

#[test]
fn statements_prepared_after_a_rolled_back_ddl_are_prepared_again() {
    for db in common::all() {
        setup(&db);
        let mut s = db.engine.session().unwrap();
        s.execute("insert into items (id, name) values (1, 'a')", ())
            .unwrap();
        s.commit().unwrap();
        let star = "select * from items where id = ?";
        let width = |s: &mut ormgen::Session| -> usize {
            let rows = s
                .query(star, (1,))
                .unwrap_or_else(|e| panic!("{}: {e}", db.name()));
            rows[0].len()
        };
        assert_eq!(width(&mut s), 2);
        // The column the transaction added is gone after its rollback, and
        // the statement prepared while it existed is not used again
        // (PostgreSQL: "cached plan must not change result type").
        s.execute("alter table items add column extra text", ())
            .unwrap();
        assert_eq!(width(&mut s), 3);
        s.rollback().unwrap();
        assert_eq!(width(&mut s), 2, "{}", db.name());
        // The same through a savepoint rolled back.
        let undone: ormgen::Result<()> = s.savepoint(|s| {
            s.execute("alter table items add column extra text", ())?;
            assert_eq!(width(s), 3);
            Err(Error::NotFound)
        });
        assert!(matches!(undone, Err(Error::NotFound)));
        assert_eq!(width(&mut s), 2, "{}", db.name());
        s.rollback().unwrap();
        assert_eq!(width(&mut s), 2, "{}", db.name());
        // DDL before a savepoint outlives the savepoint's rollback, and a
        // statement prepared after it goes stale at the transaction's.
        s.execute("alter table items add column extra text", ())
            .unwrap();
        let inner: ormgen::Result<()> = s.savepoint(|_| Err(Error::NotFound));
        assert!(inner.is_err());
        assert_eq!(width(&mut s), 3, "{}", db.name());
        s.rollback().unwrap();
        assert_eq!(width(&mut s), 2, "{}", db.name());
    }
}

#[test]
fn read_only_transactions_refuse_writes() {
    for db in common::all() {
        setup(&db);
        let r = db.engine.transaction_with(TxOptions::read_only(), |s| {
            let n: i64 = s.query_one("select count(*) from items", ())?;
            assert_eq!(n, 0);
            s.execute("insert into items (id, name) values (1, 'a')", ())
        });
        assert!(r.is_err(), "{}", db.name());
        // The next transaction on the same pooled connection may write again.
        db.engine
            .transaction(|s| s.execute("insert into items (id, name) values (1, 'a')", ()))
            .unwrap();
        assert_eq!(count(&db), 1);
    }
}

#[test]
fn isolation_levels_are_applied() {
    for db in common::all() {
        setup(&db);
        for level in [
            IsolationLevel::ReadCommitted,
            IsolationLevel::RepeatableRead,
            IsolationLevel::Serializable,
            IsolationLevel::ReadUncommitted,
        ] {
            let mut s = db.engine.session().unwrap();
            s.begin_with(TxOptions::isolation(level)).unwrap();
            if db.is_pg() {
                let got: String = s.query_one("show transaction_isolation", ()).unwrap();
                let want = match level {
                    IsolationLevel::ReadCommitted => "read committed",
                    IsolationLevel::RepeatableRead => "repeatable read",
                    IsolationLevel::Serializable => "serializable",
                    IsolationLevel::ReadUncommitted => "read uncommitted",
                };
                assert_eq!(got, want);
            } else {
                s.execute("insert into items (name) values ('x')", ())
                    .unwrap();
            }
            s.commit().unwrap();
        }
        // begin_with inside an open transaction is refused.
        let mut s = db.engine.session().unwrap();
        s.execute("select 1", ()).unwrap();
        assert!(s.begin_with(TxOptions::default()).is_err());
    }
}

#[cfg(feature = "postgres")]
#[test]
fn engine_default_isolation() {
    if let Some(db) = common::postgres(|b| b.isolation_level(IsolationLevel::RepeatableRead)) {
        let mut s = db.engine.session().unwrap();
        let got: String = s.query_one("show transaction_isolation", ()).unwrap();
        assert_eq!(got, "repeatable read");
    }
}

#[cfg(feature = "rusqlite")]
#[test]
fn memory_sqlite_is_one_database_for_all_sessions() {
    let db = common::sqlite_memory(|b| b);
    let mut a = db.engine.session().unwrap();
    a.execute("create table m (v integer)", ()).unwrap();
    a.execute("insert into m values (41)", ()).unwrap();
    a.commit().unwrap();
    // Another session, on another pooled connection, sees it.
    let mut b = db.engine.session().unwrap();
    let v: i64 = b.query_one("select v from m", ()).unwrap();
    assert_eq!(v, 41);
    b.execute("update m set v = 42", ()).unwrap();
    b.commit().unwrap();
    let v: i64 = a.query_one("select v from m", ()).unwrap();
    assert_eq!(v, 42);
    assert_eq!(db.engine.pool_status().open, 2);
    drop((a, b));
    // Even with every pooled connection closed the data survives (the engine keeps it).
    db.engine.dispose();
    assert_eq!(db.engine.pool_status().open, 0);
    let v: i64 = db
        .engine
        .session()
        .unwrap()
        .query_one("select v from m", ())
        .unwrap();
    assert_eq!(v, 42);
    // Two engines are two databases.
    let other = common::sqlite_memory(|b| b);
    assert!(
        other
            .engine
            .session()
            .unwrap()
            .query_one::<i64>("select v from m", ())
            .is_err()
    );
}

#[cfg(feature = "rusqlite")]
#[test]
fn sqlite_file_connections_use_wal_and_foreign_keys() {
    let db = common::sqlite_file(|b| b);
    let mut s = db.engine.session().unwrap();
    let mode: String = s.query_one("pragma journal_mode", ()).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = s.query_one("pragma foreign_keys", ()).unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = s.query_one("pragma busy_timeout", ()).unwrap();
    assert_eq!(busy, 5000);
}

/// The journal mode, `synchronous`, foreign keys and busy timeout a SQLite
/// session's connection reports.
#[cfg(feature = "rusqlite")]
fn sqlite_pragmas(engine: &ormgen::Engine) -> (String, i64, i64, i64) {
    let mut s = engine.session().unwrap();
    (
        s.query_one("pragma journal_mode", ()).unwrap(),
        s.query_one("pragma synchronous", ()).unwrap(),
        s.query_one("pragma foreign_keys", ()).unwrap(),
        s.query_one("pragma busy_timeout", ()).unwrap(),
    )
}

#[cfg(feature = "rusqlite")]
#[test]
fn sqlite_storage_settings_come_from_the_url_and_the_builder() {
    use ormgen::engine::{JournalMode, Synchronous};
    let dir = std::env::temp_dir().join(format!("ormgen-pragmas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str| format!("sqlite://{}", dir.join(name).display());
    // Defaults for a file: WAL, NORMAL, foreign keys on, 5 s.
    let e = ormgen::Engine::connect(&file("default.db")).unwrap();
    assert_eq!(sqlite_pragmas(&e), ("wal".into(), 1, 1, 5000));
    // From the URL.
    let url =
        file("url.db") + "?journal_mode=delete&synchronous=full&foreign_keys=off&busy_timeout=1234";
    let e = ormgen::Engine::connect(&url).unwrap();
    assert_eq!(sqlite_pragmas(&e), ("delete".into(), 2, 0, 1234));
    // A journal mode other than WAL keeps SQLite's own synchronous (FULL).
    let e = ormgen::Engine::connect(&(file("truncate.db") + "?journal_mode=truncate")).unwrap();
    assert_eq!(sqlite_pragmas(&e), ("truncate".into(), 2, 1, 5000));
    // The builder wins over the URL.
    let e = ormgen::Engine::builder(url)
        .sqlite_journal_mode(JournalMode::Persist)
        .sqlite_synchronous(Synchronous::Extra)
        .sqlite_foreign_keys(true)
        .busy_timeout(std::time::Duration::from_millis(50))
        .build()
        .unwrap();
    assert_eq!(sqlite_pragmas(&e), ("persist".into(), 3, 1, 50));
    // Mistakes are configuration errors naming the parameter.
    for bad in [
        "?journal_mode=fast",
        "?synchronous=sometimes",
        "?cache=private",
        "?mode=ro",
    ] {
        let e = ormgen::Engine::connect(&(file("bad.db") + bad)).unwrap_err();
        let key = bad[1..].split('=').next().unwrap();
        assert!(
            matches!(&e, Error::Config(m) if m.contains(key)),
            "{bad}: {e}"
        );
    }
    // An in-memory database cannot use WAL: said when connecting.
    let e = ormgen::Engine::connect("sqlite::memory:?journal_mode=wal").unwrap_err();
    assert!(e.to_string().contains("journal_mode"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "rusqlite")]
#[test]
fn a_private_memory_database_is_one_connection_that_sessions_take_turns_on() {
    let engine = ormgen::Engine::builder("sqlite::memory:?cache=private")
        .pool_size(4)
        .checkout_timeout(std::time::Duration::from_millis(100))
        .build()
        .unwrap();
    let mut a = engine.session().unwrap();
    a.execute("create table m (v integer)", ()).unwrap();
    a.execute("insert into m values (7)", ()).unwrap();
    a.commit().unwrap();
    // A second session at the same time waits for the one connection.
    assert!(
        matches!(engine.session(), Err(Error::PoolTimeout { .. })),
        "a second connection to a private database"
    );
    drop(a);
    // The next session gets the same connection, hence the same database.
    let v: i64 = engine
        .session()
        .unwrap()
        .query_one("select v from m", ())
        .unwrap();
    assert_eq!(v, 7);
    assert_eq!(engine.pool_status().open, 1);
    // Another private engine is another database; so is a shared one.
    for url in ["sqlite::memory:?cache=private", "sqlite::memory:"] {
        let other = ormgen::Engine::connect(url).unwrap();
        let r = other
            .session()
            .unwrap()
            .query_one::<i64>("select v from m", ());
        assert!(r.is_err(), "{url}");
    }
    // Once its connection is closed the database is gone, and says so.
    engine.dispose();
    let e = engine.session().unwrap_err();
    assert!(e.to_string().contains("private in-memory database"), "{e}");
}

#[test]
fn urls() {
    assert!(ormgen::Engine::connect("mysql://x").is_err());
    assert!(matches!(
        ormgen::Engine::connect("sqlite://"),
        Err(Error::Config(_))
    ));
}

#[cfg(feature = "rusqlite")]
#[test]
fn sqlite_urls() {
    let dir = std::env::temp_dir().join(format!("ormgen-url-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let abs = format!("sqlite://{}/abs.db", dir.display()); // sqlite:///tmp/... (absolute)
    assert!(abs.starts_with("sqlite:///"));
    let e = ormgen::Engine::connect(&abs).unwrap();
    e.session()
        .unwrap()
        .execute("create table t (x)", ())
        .unwrap();
    assert!(dir.join("abs.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
    // Relative paths are relative to the working directory.
    let rel = format!("sqlite://target-ormgen-rel-{}.db", std::process::id());
    let e = ormgen::Engine::connect(&rel).unwrap();
    e.session().unwrap().execute("select 1", ()).unwrap();
    let file = rel.trim_start_matches("sqlite://").to_owned();
    assert!(std::path::Path::new(&file).exists());
    drop(e);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{file}{suffix}"));
    }
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_urls() {
    let pg = ormgen::Engine::connect("postgresql://u:secret@localhost/db").unwrap();
    assert_eq!(pg.dialect(), ormgen::Dialect::Postgres);
    assert!(!pg.url().contains("secret"));
    let kv = ormgen::Engine::connect("host=localhost user=u password=secret dbname=db").unwrap();
    assert_eq!(kv.dialect(), ormgen::Dialect::Postgres);
    assert_eq!(kv.url(), "host=localhost user=u password=*** dbname=db");
}

/// Both forms of a PostgreSQL connection string reach the server with
/// libpq's parameters, and the password appears in no `Debug`, URL or error.
#[cfg(feature = "postgres")]
#[test]
fn postgres_connection_strings_in_both_forms_and_passwords_never_shown() {
    let base: postgres::Config = common::pg_url().parse().expect("test URL");
    if common::postgres(|b| b).is_none() {
        return; // unreachable outside CI: announced by the fixture
    }
    let host = match &base.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        #[allow(unreachable_patterns)]
        other => panic!("a TCP host is needed, not {other:?}"),
    };
    let port = base.get_ports().first().copied().unwrap_or(5432);
    let user = base.get_user().unwrap_or("postgres");
    let dbname = base.get_dbname().unwrap_or("test");
    let secret = "pw-f7c2d9";
    let key_value = format!(
        "host={host} port={port} user={user} dbname={dbname} password='{secret}' \
         application_name=kv_app options='-c search_path=pg_catalog' connect_timeout=5 \
         sslmode=disable"
    );
    let url = format!(
        "postgres://{user}:{secret}@{host}:{port}/{dbname}?application_name=url_app\
         &options=-c%20search_path%3Dpg_catalog&connect_timeout=5&sslmode=disable"
    );
    for (form, app) in [(&key_value, "kv_app"), (&url, "url_app")] {
        let engine = ormgen::Engine::connect(form).expect("connect");
        let mut s = engine.session().expect("session");
        let (name, path): (String, String) = s
            .query_one(
                "select current_setting('application_name'), current_setting('search_path')",
                (),
            )
            .expect("settings");
        assert_eq!(
            (name.as_str(), path.as_str()),
            (app, "pg_catalog"),
            "{form}"
        );
        drop(s);
        for shown in [engine.url().to_owned(), format!("{engine:?}")] {
            assert!(!shown.contains(secret), "password shown: {shown}");
        }
        engine.dispose();
    }
    // Errors: a server that is not there, TLS required of a build without
    // it, a malformed string — none shows the password.
    let errors = [
        ormgen::Engine::connect(&format!(
            "host=127.0.0.1 port=1 user=u password={secret} connect_timeout=2"
        ))
        .and_then(|e| e.session().map(drop)),
        ormgen::Engine::connect(&url.replace("sslmode=disable", "sslmode=require"))
            .and_then(|e| e.session().map(drop)),
        ormgen::Engine::connect(&format!("host=h port=notaport password={secret}")).map(drop),
    ];
    for r in errors {
        let e = r.expect_err("must fail");
        assert!(
            matches!(e, Error::Connect { .. } | Error::Config(_)),
            "a typed error: {e:?}"
        );
        for shown in [e.to_string(), format!("{e:?}")] {
            assert!(!shown.contains(secret), "password shown: {shown}");
        }
    }
}

/// Counts the `Begin` events `engine` emits from now on.
fn begins(engine: &ormgen::Engine) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = n.clone();
    engine.add_listener(move |e| {
        if let ormgen::Event::Begin { .. } = e {
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    n
}

#[test]
fn autocommit_commits_each_statement_and_begin_opens_a_transaction() {
    use std::sync::atomic::Ordering::SeqCst;
    for db in common::all() {
        setup(&db);
        let begun = begins(&db.engine);
        let mut s = db.engine.session().unwrap();
        assert!(!s.autocommit());
        s.set_autocommit(true).unwrap();
        s.execute("insert into items (id, name) values (1, 'a')", ())
            .unwrap();
        let n: i64 = s.query_one("select count(*) from items", ()).unwrap();
        assert_eq!(n, 1);
        assert!(!s.in_transaction(), "{}", db.name());
        assert_eq!(
            begun.load(SeqCst),
            0,
            "{}: no BEGIN in autocommit",
            db.name()
        );
        // Committed without `commit`: another session sees the row.
        assert_eq!(count(&db), 1, "{}", db.name());

        // An explicit transaction lasts until rollback.
        s.begin().unwrap();
        assert!(s.in_transaction());
        assert!(matches!(s.set_autocommit(false), Err(Error::Config(_))));
        s.execute("insert into items (id, name) values (2, 'b')", ())
            .unwrap();
        s.execute("insert into items (id, name) values (3, 'c')", ())
            .unwrap();
        assert_eq!(
            count(&db),
            1,
            "{}: uncommitted rows are not visible",
            db.name()
        );
        s.rollback().unwrap();
        assert_eq!(count(&db), 1, "{}", db.name());

        // begin_with applies its options to the next statement's transaction.
        let before = begun.load(SeqCst);
        s.begin_with(TxOptions::isolation(IsolationLevel::Serializable))
            .unwrap();
        assert!(!s.in_transaction());
        s.execute("insert into items (id, name) values (4, 'd')", ())
            .unwrap();
        assert!(s.in_transaction());
        s.commit().unwrap();
        assert_eq!(begun.load(SeqCst), before + 1, "{}", db.name());
        assert_eq!(count(&db), 2, "{}", db.name());

        // And back: without autocommit the first statement begins a transaction.
        s.set_autocommit(false).unwrap();
        s.execute("insert into items (id, name) values (5, 'e')", ())
            .unwrap();
        assert!(s.in_transaction());
        drop(s);
        assert_eq!(count(&db), 2, "{}: dropped without commit", db.name());
    }
}

#[test]
fn autocommit_savepoints_are_transactions_of_their_own() {
    for db in common::all() {
        setup(&db);
        let mut s = db.engine.session().unwrap();
        s.set_autocommit(true).unwrap();
        let r: ormgen::Result<()> = s.savepoint(|s| {
            s.execute("insert into items (id, name) values (1, 'a')", ())?;
            assert!(s.in_transaction());
            s.execute("insert into items (id, name) values (1, 'again')", ())?;
            Ok(())
        });
        assert!(
            matches!(r, Err(Error::UniqueViolation { .. })),
            "{}: {r:?}",
            db.name()
        );
        assert!(!s.in_transaction());
        assert_eq!(
            count(&db),
            0,
            "{}: the failed block wrote nothing",
            db.name()
        );
        s.savepoint(|s| {
            s.execute("insert into items (id, name) values (1, 'a')", ())?;
            s.execute("insert into items (id, name) values (2, 'b')", ())
        })
        .unwrap();
        assert!(!s.in_transaction());
        assert_eq!(count(&db), 2, "{}: committed by the block", db.name());
    }
}

#[test]
fn session_transaction_commits_rolls_back_and_nests_as_savepoints() {
    for db in common::all() {
        setup(&db);
        let name = db.name();
        let mut s = db.engine.session().unwrap();
        // Committed on Ok, on the session's own connection: nothing stays open.
        let n = s
            .transaction(|s| s.execute("insert into items (id, name) values (1, 'a')", ()))
            .unwrap();
        assert_eq!(n, 1);
        assert!(!s.in_transaction(), "{name}");
        assert_eq!(count(&db), 1, "{name}");
        // Rolled back on Err.
        let r: ormgen::Result<()> = s.transaction(|s| {
            s.execute("insert into items (id, name) values (2, 'b')", ())?;
            Err(Error::NotFound)
        });
        assert!(matches!(r, Err(Error::NotFound)));
        assert!(!s.in_transaction() && !s.transaction_failed(), "{name}");
        assert_eq!(count(&db), 1, "{name}");
        // Rolled back on panic; the session stays usable.
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            let _ = s.transaction(|s| -> ormgen::Result<()> {
                s.execute("insert into items (id, name) values (3, 'c')", ())?;
                panic!("boom")
            });
        }));
        assert!(panicked.is_err());
        assert!(!s.in_transaction(), "{name}");
        assert_eq!(count(&db), 1, "{name}");
        // Nested: a savepoint; the inner failure is undone alone, the outer
        // work commits with the outer transaction.
        s.transaction(|s| {
            s.execute("insert into items (id, name) values (4, 'd')", ())?;
            let inner: ormgen::Result<u64> = s.transaction(|s| {
                s.execute("insert into items (id, name) values (5, 'e')", ())?;
                s.execute("insert into items (id, name) values (4, 'dup')", ())
            });
            assert!(
                matches!(inner, Err(Error::UniqueViolation { .. })),
                "{inner:?}"
            );
            assert!(s.in_transaction() && !s.transaction_failed());
            s.transaction(|s| s.execute("insert into items (id, name) values (6, 'f')", ()))?;
            // Still the outer transaction's: not visible elsewhere yet.
            assert_eq!(count(&db), 1);
            Ok(())
        })
        .unwrap();
        let ids: Vec<i64> = s.query_as("select id from items order by id", ()).unwrap();
        assert_eq!(ids, [1, 4, 6], "{name}");
        s.commit().unwrap();
        // Inside the transaction a session began by itself (autobegin), a
        // transaction is a savepoint, and options are refused.
        s.execute("insert into items (id, name) values (7, 'g')", ())
            .unwrap();
        s.transaction(|s| s.execute("insert into items (id, name) values (8, 'h')", ()))
            .unwrap();
        assert!(s.in_transaction(), "{name}");
        let r = s.transaction_with(TxOptions::read_only(), |_| Ok(()));
        assert!(matches!(r, Err(Error::Config(_))), "{r:?}");
        s.rollback().unwrap();
        assert_eq!(count(&db), 3, "{name}");
        // Options on an outermost transaction apply.
        let r = s.transaction_with(TxOptions::read_only(), |s| {
            s.execute("insert into items (id, name) values (9, 'i')", ())
        });
        assert!(r.is_err(), "{name}: a read-only transaction wrote");
        assert_eq!(count(&db), 3, "{name}");
    }
}

/// A connection lost while COMMIT is in flight is reported as an outcome in
/// doubt (never as a plain lost connection, whose transaction is known to be
/// rolled back), and `transaction_retry` does not run it again; a connection
/// lost before COMMIT is retried.
#[cfg(feature = "postgres")]
#[test]
fn a_commit_in_doubt_has_its_own_error_and_lost_connections_before_commit_are_retried() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let Some(db) = common::postgres(|b| b) else {
        return;
    };
    setup(&db);
    let mut admin = db.admin();
    // In doubt: the backend is terminated between the insert and COMMIT.
    let mut s = db.engine.session().unwrap();
    s.execute("insert into items (id, name) values (1, 'a')", ())
        .unwrap();
    let pid: i32 = s.query_one("select pg_backend_pid()", ()).unwrap();
    admin
        .execute("select pg_terminate_backend($1)", &[&pid])
        .unwrap();
    // Wait until the server has ended it.
    for _ in 0..200 {
        let alive: i64 = admin
            .query_one(
                "select count(*) from pg_stat_activity where pid = $1",
                &[&pid],
            )
            .unwrap()
            .get(0);
        if alive == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let e = s.commit().unwrap_err();
    assert!(matches!(e, Error::CommitOutcomeUnknown { .. }), "{e:?}");
    assert!(!e.is_retryable() && !e.is_unreached() && e.is_connection_lost());
    drop(s);
    assert_eq!(count(&db), 0, "here the server had rolled it back");

    // Lost before COMMIT: retried, and applied exactly once.
    let attempts = Arc::new(AtomicUsize::new(0));
    let a = attempts.clone();
    db.engine
        .transaction_retry(TxOptions::default(), 3, move |s| {
            s.execute("insert into items (id, name) values (2, 'b')", ())?;
            if a.fetch_add(1, Ordering::SeqCst) == 0 {
                // The first attempt's connection dies under it.
                s.execute("select pg_terminate_backend(pg_backend_pid())", ())?;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(count(&db), 1);

    // In doubt inside transaction_retry: returned after one attempt.
    let attempts = Arc::new(AtomicUsize::new(0));
    let a = attempts.clone();
    let r = db
        .engine
        .transaction_retry(TxOptions::default(), 3, move |s| {
            a.fetch_add(1, Ordering::SeqCst);
            s.execute("insert into items (id, name) values (3, 'c')", ())?;
            let pid: i32 = s.query_one("select pg_backend_pid()", ())?;
            // Terminated from outside, so that the next thing sent is COMMIT.
            let mut other = postgres::Client::connect(&common::pg_url(), postgres::NoTls).unwrap();
            other
                .execute("select pg_terminate_backend($1)", &[&pid])
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(100));
            Ok(())
        });
    assert!(
        matches!(r, Err(Error::CommitOutcomeUnknown { .. })),
        "{r:?}"
    );
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
}
