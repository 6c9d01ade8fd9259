//! An error leaves nothing behind, on the generated blog code, on SQLite and
//! PostgreSQL: a write call that returns `Err` inside a transaction leaves it
//! failed, so `commit` refuses (and nothing of the transaction reaches the
//! database) until `rollback`; a savepoint recovers; multi-statement calls
//! in autocommit mode are atomic.
//!
//! Failures are injected after the database ran the statement: the tags'
//! sequence is moved past `i32::MAX`, so the `RETURNING` row of a new tag (or
//! the stored tag `zz-big`) cannot decode into `Tag::id: i32`.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::query::{ExprExt, Tracked};
use ormgen::{Error, Result, Session};
use ormgen_tests::blog::*;

/// Creates the blog tables, a tag `small` that decodes and a tag `zz-big`
/// whose id (2,999,999,999) does not; the next tag gets 3,000,000,000.
fn setup() -> Vec<common::Db> {
    common::all()
        .into_iter()
        .inspect(|db| {
            create_all(&db.engine).expect("create_all");
            let mut s = db.engine.session().expect("session");
            Tag::insert(&mut s, NewTag::new("small")).expect("small");
            if db.is_pg() {
                s.batch_execute(
                    "ALTER TABLE tags ALTER COLUMN id TYPE bigint; \
                     ALTER SEQUENCE tags_id_seq AS bigint RESTART WITH 2999999999",
                )
                .expect("widen tags.id");
                s.execute("insert into tags (name) values ('zz-big')", ())
                    .expect("big");
            } else {
                s.execute(
                    "insert into tags (id, name) values (2999999999, 'zz-big')",
                    (),
                )
                .expect("big");
            }
            s.commit().expect("commit");
        })
        .collect()
}

/// What is committed, read through another connection: marker users, tags
/// named `tx-…`, and whether `zz-big` is still there under its name.
fn committed(db: &common::Db) -> (i64, i64, i64) {
    let mut o = db.engine.session().expect("other session");
    let users = o
        .query_one("select count(*) from users where email like 'marker%'", ())
        .expect("users");
    let tags = o
        .query_one("select count(*) from tags where name like 'tx-%'", ())
        .expect("tags");
    let big = o
        .query_one("select count(*) from tags where name = 'zz-big'", ())
        .expect("zz-big");
    (users, tags, big)
}

/// Runs `fail` after a successful write in the same transaction: it must
/// return `err`; then the transaction is failed (every statement and
/// `commit` refuse), nothing of it is committed, and after `rollback` the
/// session works again.
fn assert_fails_the_transaction(
    db: &common::Db,
    path: &str,
    err: impl Fn(&Error) -> bool,
    fail: impl FnOnce(&mut Session) -> Result<()>,
) {
    let name = format!("{}: {path}", db.name());
    let mut s = db.engine.session().expect("session");
    User::insert(&mut s, NewUser::new("marker1@x.org")).expect("marker");
    let e = fail(&mut s).expect_err(&name);
    assert!(err(&e), "{name}: unexpected error {e:?}");
    assert!(s.transaction_failed(), "{name}: not marked failed");

    let refused = s.commit().expect_err(&format!("{name}: commit succeeded"));
    assert!(
        matches!(&refused, Error::TransactionFailed { cause } if cause == &e.to_string()),
        "{name}: {refused:?}"
    );
    assert!(
        refused.to_string().contains("rollback()"),
        "{name}: {refused}"
    );
    let later = User::query().count(&mut s).expect_err(&name);
    assert!(
        matches!(later, Error::TransactionFailed { .. }),
        "{name}: {later:?}"
    );
    assert_eq!(committed(db), (0, 0, 1), "{name}: something was committed");

    s.rollback().expect("rollback");
    assert!(!s.transaction_failed(), "{name}");
    User::insert(&mut s, NewUser::new("marker2@x.org")).expect("after rollback");
    s.commit().expect("commit after rollback");
    assert_eq!(committed(db), (1, 0, 1), "{name}");
    s.execute("delete from users where email like 'marker%'", ())
        .expect("clean up");
    s.commit().expect("commit");
}

fn is_decode(e: &Error) -> bool {
    matches!(e, Error::Decode { .. })
}

fn is_unique(e: &Error) -> bool {
    matches!(e, Error::UniqueViolation { .. })
}

#[test]
fn a_failed_write_fails_the_transaction_and_commit_refuses() {
    for db in setup() {
        assert_fails_the_transaction(&db, "insert", is_decode, |s| {
            Tag::insert(s, NewTag::new("tx-insert")).map(drop)
        });
        assert_fails_the_transaction(&db, "insert_many", is_decode, |s| {
            Tag::insert_many(s, [NewTag::new("tx-many-1"), NewTag::new("tx-many-2")]).map(drop)
        });
        assert_fails_the_transaction(&db, "upsert", is_decode, |s| {
            Tag::upsert(NewTag::new("tx-upsert"))
                .on_conflict(tag::name)
                .do_update_all()
                .execute(s)
                .map(drop)
        });
        assert_fails_the_transaction(&db, "update returning", is_decode, |s| {
            Tag::update()
                .set(tag::name.to("tx-renamed"))
                .filter(tag::name.eq("zz-big"))
                .execute_returning(s)
                .map(drop)
        });
        assert_fails_the_transaction(&db, "update", is_unique, |s| {
            Tag::update()
                .set(tag::name.to("zz-big"))
                .filter(tag::name.eq("small"))
                .execute(s)
                .map(drop)
        });
        assert_fails_the_transaction(&db, "delete returning", is_decode, |s| {
            Tag::delete()
                .filter(tag::name.eq("zz-big"))
                .execute_returning(s)
                .map(drop)
        });
        assert_fails_the_transaction(&db, "Tracked save", is_unique, |s| {
            let other = User::insert(s, NewUser::new("marker3@x.org")).expect("other");
            let mut t = Tracked::new(other);
            t.email = "marker1@x.org".into();
            t.save(s).map(drop)
        });
        assert_fails_the_transaction(&db, "raw query", is_decode, |s| {
            s.query_as::<(i32, String)>(
                "insert into tags (name) values ('tx-raw') returning id, name",
                (),
            )
            .map(drop)
        });
        assert_fails_the_transaction(&db, "raw execute", is_unique, |s| {
            s.execute("insert into tags (name) values ('small')", ())
                .map(drop)
        });
        assert_fails_the_transaction(&db, "streamed read", is_decode, |s| {
            Tag::query()
                .iter(s)?
                .collect::<Result<Vec<Tag>>>()
                .map(drop)
        });
    }
}

#[test]
fn insert_all_in_several_batches_fails_the_transaction() {
    for db in setup() {
        // More rows than one statement takes (SQLite: 32,766 parameters,
        // PostgreSQL 65,535; one per tag): the duplicate is in a later batch.
        let rows = || {
            (0..70_000)
                .map(|i| format!("tx-all-{i}"))
                .chain(["tx-all-0".to_owned()])
                .map(NewTag::new)
        };
        assert_fails_the_transaction(&db, "insert_all", is_unique, |s| {
            Tag::insert_all(s, rows()).map(drop)
        });
        // In autocommit mode the batches run in a transaction of their own:
        // none of them stays.
        let mut s = db.engine.session().expect("session");
        s.set_autocommit(true).expect("autocommit");
        let e = Tag::insert_all(&mut s, rows()).expect_err("duplicate");
        assert!(is_unique(&e), "{}: {e:?}", db.name());
        assert!(!s.in_transaction() && !s.transaction_failed());
        assert_eq!(committed(&db), (0, 0, 1), "{}", db.name());
        let n = Tag::insert_all(&mut s, rows().take(70_000)).expect("insert_all");
        assert_eq!(n, 70_000);
        assert_eq!(committed(&db), (0, 70_000, 1), "{}", db.name());
    }
}

#[test]
fn a_failed_flush_is_undone_and_leaves_the_transaction_usable() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        User::insert(&mut s, NewUser::new("marker1@x.org")).expect("marker");
        s.add(NewUser::new("marker2@x.org"));
        s.add(NewTag::new("tx-flushed"));
        let e = s.flush().expect_err("flush");
        assert!(is_decode(&e), "{name}: {e:?}");
        // The flush ran in a savepoint: its statements are undone, the
        // transaction goes on.
        assert!(!s.transaction_failed(), "{name}");
        s.discard_pending();
        s.commit().expect("commit");
        assert_eq!(committed(&db), (1, 0, 1), "{name}");
    }
}

#[test]
fn a_savepoint_recovers_from_an_expected_error() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        User::insert(&mut s, NewUser::new("marker1@x.org")).expect("marker");
        let e = s
            .savepoint(|s| User::insert(s, NewUser::new("marker1@x.org")))
            .expect_err("duplicate");
        assert!(is_unique(&e), "{name}: {e:?}");
        assert!(!s.transaction_failed(), "{name}");
        User::insert(&mut s, NewUser::new("marker2@x.org")).expect("goes on");

        // A savepoint whose body swallowed an error is rolled back too.
        let swallowed = s.savepoint(|s| {
            Tag::insert(s, NewTag::new("tx-swallowed")).ok();
            Ok(())
        });
        assert!(
            matches!(swallowed, Err(Error::TransactionFailed { .. })),
            "{name}: {swallowed:?}"
        );
        assert!(!s.transaction_failed(), "{name}");
        s.commit().expect("commit");
        assert_eq!(committed(&db), (2, 0, 1), "{name}");
    }
}

#[test]
fn engine_transaction_does_not_commit_a_failed_transaction() {
    for db in setup() {
        let name = db.name();
        let r = db.engine.transaction(|s| {
            User::insert(s, NewUser::new("marker1@x.org"))?;
            // The error is swallowed: the transaction is failed all the same.
            let _ = Tag::insert(s, NewTag::new("tx-engine"));
            Ok(())
        });
        assert!(
            matches!(r, Err(Error::TransactionFailed { .. })),
            "{name}: {r:?}"
        );
        assert_eq!(committed(&db), (0, 0, 1), "{name}");
        // And one that returns the error rolls back as before.
        let r = db.engine.transaction(|s| {
            User::insert(s, NewUser::new("marker1@x.org"))?;
            Tag::insert(s, NewTag::new("tx-engine"))
        });
        assert!(matches!(r, Err(Error::Decode { .. })), "{name}: {r:?}");
        assert_eq!(committed(&db), (0, 0, 1), "{name}");
    }
}
