//! Generated code run on an engine of a dialect it was not generated for
//! fails with `Error::DialectNotGenerated` before any SQL is sent: every
//! entry point (DDL, fixed statements, built queries and writes, eager
//! loading, the unit of work). `schemas/all_types.prisma` is generated for
//! PostgreSQL only (its provider) and run here on SQLite;
//! `all_types_sqlite.prisma` for SQLite only, run on PostgreSQL when a server
//! is reachable (fails when `CI` is set and it is not).
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};

use ormgen::{Dialect, Error, Result};

/// Asserts `r` is `DialectNotGenerated` for `dialect`.
#[track_caller]
fn not_generated<T: std::fmt::Debug>(what: &str, r: Result<T>, dialect: Dialect) {
    match r {
        Err(Error::DialectNotGenerated { dialect: d }) if d == dialect => {}
        other => panic!("{what}: expected DialectNotGenerated({dialect:?}), got {other:?}"),
    }
}

#[test]
fn postgresql_only_code_on_sqlite_is_a_typed_error_and_sends_no_sql() {
    use ormgen_tests::all_types::*;
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = sent.clone();
    let db = common::sqlite_memory(move |b| {
        b.listener(move |e: &ormgen::Event<'_>| {
            if let ormgen::Event::BeforeExecute { sql, .. } = e {
                log.lock().unwrap().push(sql.to_string());
            }
        })
    });
    let d = Dialect::Sqlite;
    not_generated("create_all", create_all(&db.engine), d);
    not_generated("drop_all", drop_all(&db.engine), d);
    let mut s = db.engine.session().expect("session");
    not_generated("get", Target::get(&mut s, 1), d);
    not_generated("insert", Target::insert(&mut s, NewTarget::new(1)), d);
    not_generated(
        "insert_many",
        Target::insert_many(&mut s, [NewTarget::new(1), NewTarget::new(2)]),
        d,
    );
    not_generated(
        "insert_all",
        Target::insert_all(&mut s, [NewTarget::new(1)]),
        d,
    );
    not_generated(
        "upsert",
        Target::upsert(NewTarget::new(1))
            .on_conflict(target::id)
            .do_nothing()
            .execute(&mut s),
        d,
    );
    not_generated("query().all", Target::query().all(&mut s), d);
    not_generated("query().count", Target::query().count(&mut s), d);
    not_generated(
        "query().filter().first",
        Target::query().filter(target::id.eq(1)).first(&mut s),
        d,
    );
    not_generated(
        "update",
        Target::update()
            .set(target::id.to(2))
            .filter(target::id.eq(1))
            .execute(&mut s),
        d,
    );
    not_generated("delete_by_key", Target::delete_by_key(&mut s, 1), d);
    not_generated(
        "delete().filter",
        Target::delete().filter(target::id.eq(1)).execute(&mut s),
        d,
    );
    not_generated("eager load", Target::query().with(target::d).all(&mut s), d);
    s.add(NewTarget::new(1));
    not_generated("unit of work flush", s.flush(), d);
    drop(s);
    assert_eq!(
        *sent.lock().unwrap(),
        Vec::<String>::new(),
        "no SQL was sent"
    );
}

#[test]
fn sqlite_only_code_on_postgresql_is_a_typed_error() {
    use ormgen_tests::all_types_sqlite::*;
    let Some(db) = common::postgres(|b| b) else {
        return;
    };
    let d = Dialect::Postgres;
    not_generated("create_all", create_all(&db.engine), d);
    let mut s = db.engine.session().expect("session");
    not_generated("query().all", Counter::query().all(&mut s), d);
    not_generated("get", Counter::get(&mut s, 1i64), d);
    not_generated("delete_by_key", Counter::delete_by_key(&mut s, 1i64), d);
}

#[test]
fn code_generated_for_both_dialects_runs_on_sqlite() {
    // blog is generated for both (tests/build.rs): the check lets it through.
    let db = common::sqlite_memory(|b| b);
    ormgen_tests::blog::create_all(&db.engine).expect("create_all");
    let mut s = db.engine.session().expect("session");
    assert!(
        ormgen_tests::blog::User::query()
            .all(&mut s)
            .expect("query")
            .is_empty()
    );
}
