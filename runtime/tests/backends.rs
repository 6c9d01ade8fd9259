//! The backends of this build: a URL of a backend that was compiled out is a
//! typed error naming the Cargo feature to enable, never a panic; a compiled-in
//! one connects.

use ormgen::{Dialect, Engine, Error};

/// The `(backend, feature)` of a `BackendNotCompiled` error, or a panic with
/// what came instead.
#[allow(dead_code)] // unused when every backend is compiled in
fn not_compiled(url: &str) -> (&'static str, &'static str, String) {
    match Engine::connect(url) {
        Err(e @ Error::BackendNotCompiled { backend, feature }) => {
            (backend, feature, e.to_string())
        }
        Err(other) => panic!("{url}: expected BackendNotCompiled, got {other:?}"),
        Ok(engine) => panic!(
            "{url}: connected to {:?} without its backend",
            engine.dialect()
        ),
    }
}

#[cfg(not(feature = "postgres"))]
#[test]
fn postgres_url_without_the_postgres_feature_is_a_typed_error() {
    for url in [
        "postgres://u:secret@localhost/db",
        "postgresql://localhost/db",
    ] {
        let (backend, feature, message) = not_compiled(url);
        assert_eq!((backend, feature), ("PostgreSQL", "postgres"));
        assert!(
            message.contains("PostgreSQL") && message.contains("`postgres` Cargo feature"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
    }
}

#[cfg(not(feature = "rusqlite"))]
#[test]
fn sqlite_url_without_a_sqlite_feature_is_a_typed_error() {
    for url in [
        "sqlite::memory:",
        "sqlite://:memory:",
        "sqlite://some/file.db",
    ] {
        let (backend, feature, message) = not_compiled(url);
        assert_eq!((backend, feature), ("SQLite", "sqlite"));
        assert!(message.contains("`sqlite` Cargo feature"), "{message}");
    }
}

#[cfg(feature = "rusqlite")]
#[test]
fn sqlite_is_compiled_in() {
    let engine = Engine::connect("sqlite::memory:").unwrap();
    assert_eq!(engine.dialect(), Dialect::Sqlite);
    let one: i64 = engine.session().unwrap().query_one("select 1", ()).unwrap();
    assert_eq!(one, 1);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_is_compiled_in() {
    // Parsing the URL needs the driver; no connection is opened yet.
    let engine = Engine::connect("postgres://u@localhost/db").unwrap();
    assert_eq!(engine.dialect(), Dialect::Postgres);
}
