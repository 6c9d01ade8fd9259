//! Database errors map to kinds users can match on, on both backends.

mod common;

use ormgen::Error;

fn schema(db: &common::Db) {
    let mut s = db.engine.session().unwrap();
    s.batch_execute(db.sql(
        r#"create table users (id integer primary key, email text not null, age integer check (age >= 0));
           create unique index users_email_key on users (email);
           create table posts (id integer primary key, author_id integer not null references users (id));"#,
        r#"create table users (id integer primary key, email text not null, age integer constraint users_age_check check (age >= 0),
               constraint users_email_key unique (email));
           create table posts (id integer primary key, author_id integer not null constraint posts_author_id_fkey references users (id));"#,
    ))
    .unwrap();
    s.execute(
        "insert into users (id, email, age) values (1, 'a@x', 30)",
        (),
    )
    .unwrap();
    s.commit().unwrap();
}

fn fails(db: &common::Db, sql: &str) -> Error {
    let mut s = db.engine.session().unwrap();
    s.execute(sql, ()).expect_err(sql)
}

#[test]
fn constraint_violations() {
    for db in common::all() {
        schema(&db);
        match fails(&db, "insert into users (id, email) values (2, 'a@x')") {
            Error::UniqueViolation { constraint, .. } => {
                assert_eq!(
                    constraint.as_deref(),
                    Some("users_email_key"),
                    "{}",
                    db.name()
                )
            }
            e => panic!("{}: {e:?}", db.name()),
        }
        match fails(&db, "insert into users (id, email) values (1, 'b@x')") {
            Error::UniqueViolation { constraint, .. } => {
                assert_eq!(constraint.as_deref(), Some("users_pkey"), "{}", db.name())
            }
            e => panic!("{}: {e:?}", db.name()),
        }
        match fails(&db, "insert into posts (id, author_id) values (1, 99)") {
            Error::ForeignKeyViolation { constraint, .. } => {
                if db.is_pg() {
                    assert_eq!(constraint.as_deref(), Some("posts_author_id_fkey"));
                }
            }
            e => panic!("{}: {e:?}", db.name()),
        }
        match fails(&db, "insert into users (id, email) values (3, null)") {
            Error::NotNullViolation { column, .. } => {
                assert!(
                    column.as_deref().unwrap_or("").contains("email"),
                    "{column:?}"
                )
            }
            e => panic!("{}: {e:?}", db.name()),
        }
        match fails(
            &db,
            "insert into users (id, email, age) values (4, 'c@x', -1)",
        ) {
            Error::CheckViolation { .. } => {}
            e => panic!("{}: {e:?}", db.name()),
        }
        match fails(&db, "select * from no_such_table") {
            Error::Sql { code, message } => {
                assert!(
                    !code.is_empty() && message.contains("no_such_table"),
                    "{code} {message}"
                );
                if db.is_pg() {
                    assert_eq!(code, "42P01");
                }
            }
            e => panic!("{}: {e:?}", db.name()),
        }
        for e in [Error::NotFound, Error::TooManyRows] {
            assert!(!e.is_retryable());
        }
    }
}

#[test]
fn query_one_and_opt_cardinality() {
    for db in common::all() {
        schema(&db);
        let mut s = db.engine.session().unwrap();
        assert!(matches!(
            s.query_one::<i64>("select id from users where id = 99", ()),
            Err(Error::NotFound)
        ));
        assert_eq!(
            s.query_opt::<i64>("select id from users where id = 99", ())
                .unwrap(),
            None
        );
        s.execute("insert into users (id, email) values (2, 'b@x')", ())
            .unwrap();
        // Too many rows fails the transaction like any error of a statement:
        // each check runs in a savepoint, which recovers from it.
        assert!(matches!(
            s.savepoint(|s| s.query_one::<i64>("select id from users", ())),
            Err(Error::TooManyRows)
        ));
        assert!(matches!(
            s.savepoint(|s| s.query_opt::<i64>("select id from users", ())),
            Err(Error::TooManyRows)
        ));
        s.commit().unwrap();
    }
}

#[cfg(feature = "postgres")]
#[test]
fn serialization_failure_is_retryable_on_postgres() {
    let Some(db) = common::postgres(|b| b) else {
        return;
    };
    let mut s = db.engine.session().unwrap();
    s.batch_execute(
        "create table c (id int primary key, n int not null); insert into c values (1, 0)",
    )
    .unwrap();
    s.commit().unwrap();
    let serializable = ormgen::TxOptions::isolation(ormgen::IsolationLevel::Serializable);
    let mut a = db.engine.session().unwrap();
    let mut b = db.engine.session().unwrap();
    a.begin_with(serializable).unwrap();
    b.begin_with(serializable).unwrap();
    let na: i32 = a.query_one("select n from c where id = 1", ()).unwrap();
    let nb: i32 = b.query_one("select n from c where id = 1", ()).unwrap();
    a.execute("update c set n = ? where id = 1", (na + 1,))
        .unwrap();
    a.commit().unwrap();
    let e = b
        .execute("update c set n = ? where id = 1", (nb + 1,))
        .unwrap_err();
    assert!(matches!(e, Error::SerializationFailure { .. }), "{e:?}");
    assert!(e.is_retryable());
}

#[cfg(feature = "postgres")]
#[test]
fn deadlock_is_retryable_on_postgres() {
    let Some(db) = common::postgres(|b| b) else {
        return;
    };
    let mut s = db.engine.session().unwrap();
    s.batch_execute(
        "create table d (id int primary key, n int); insert into d values (1, 0), (2, 0)",
    )
    .unwrap();
    s.commit().unwrap();
    drop(s);
    let engine = db.engine.clone();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = [(1, 2), (2, 1)]
        .into_iter()
        .map(|(first, second)| {
            let engine = engine.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut s = engine.session().unwrap();
                s.execute("update d set n = n + 1 where id = ?", (first,))
                    .unwrap();
                barrier.wait();
                let r = s.execute("update d set n = n + 1 where id = ?", (second,));
                if r.is_ok() {
                    s.commit().unwrap();
                }
                r.err()
            })
        })
        .collect();
    let errors: Vec<Error> = handles
        .into_iter()
        .filter_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(errors[0], Error::Deadlock { .. }),
        "{:?}",
        errors[0]
    );
    assert!(errors[0].is_retryable());
}

#[cfg(feature = "rusqlite")]
#[test]
fn sqlite_busy_is_retryable() {
    let db = common::sqlite_file(|b| b.busy_timeout(std::time::Duration::from_millis(50)));
    let mut a = db.engine.session().unwrap();
    a.execute("create table t (x integer)", ()).unwrap();
    a.commit().unwrap();
    a.execute("insert into t values (1)", ()).unwrap(); // holds the write lock
    let mut b = db.engine.session().unwrap();
    let e = b.execute("insert into t values (2)", ()).unwrap_err();
    assert!(matches!(e, Error::Busy { .. }), "{e:?}");
    assert!(e.is_retryable());
}
