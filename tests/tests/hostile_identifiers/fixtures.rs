//! Fixtures: databases holding the canary table `y`, the catalog check that
//! the canary keeps its row and the database holds exactly the expected
//! tables (and, on PostgreSQL, enum types), and a temporary directory.

use std::path::PathBuf;

use ormgen::{Dialect, Engine};

use super::names::{AUTHOR, BOOK, CANARY, MOOD, REVIEW};
use crate::common;

/// Creates the canary table `y` with its row in `db`.
pub fn add_canary(db: common::Db) -> common::Db {
    let mut s = db.engine.session().expect("session");
    s.batch_execute("CREATE TABLE y (id INTEGER NOT NULL); INSERT INTO y VALUES (42)")
        .expect("canary");
    s.commit().expect("commit");
    drop(s);
    db
}

/// A fresh database of `dialect` with the canary.
pub fn with_canary(dialect: Dialect) -> common::Db {
    add_canary(match dialect {
        Dialect::Sqlite => common::sqlite_file(|b| b),
        Dialect::Postgres => common::postgres(|b| b).expect("postgres"),
    })
}

/// The backends of this build, each with the canary.
pub fn canaried() -> Vec<common::Db> {
    common::all().into_iter().map(add_canary).collect()
}

/// The tables of the database (the test's schema on PostgreSQL) and, on
/// PostgreSQL, its enum types; the canary must still hold its row.
pub fn tables_and_types(engine: &Engine) -> (Vec<String>, Vec<String>) {
    let mut s = engine.session().expect("session");
    let (tables, types): (Vec<String>, Vec<String>) = match engine.dialect() {
        Dialect::Sqlite => (
            s.query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                (),
            )
            .expect("tables"),
            Vec::new(),
        ),
        Dialect::Postgres => (
            s.query_as(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
                (),
            )
            .expect("tables"),
            s.query_as(
                "SELECT typname::text FROM pg_type WHERE typnamespace = current_schema()::regnamespace AND typtype = 'e' ORDER BY 1",
                (),
            )
            .expect("types"),
        ),
    };
    let canary: Vec<i32> = s
        .query_as("SELECT id FROM y", ())
        .expect("the canary table is there");
    assert_eq!(canary, [42], "the canary lost its row");
    s.commit().expect("commit");
    (tables, types)
}

pub fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    v.sort();
    v
}

pub fn expect_schema(engine: &Engine, extra: &[&str]) {
    let mut want = vec![CANARY, AUTHOR, BOOK, REVIEW];
    want.extend_from_slice(extra);
    let (tables, types) = tables_and_types(engine);
    assert_eq!(tables, sorted(&want), "{:?}", engine.dialect());
    if engine.dialect() == Dialect::Postgres {
        assert_eq!(types, [MOOD]);
    }
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "ormgen-hostile-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
