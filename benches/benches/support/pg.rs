//! A benchmark's own PostgreSQL schema on the server `ORMGEN_BENCH_PG_URL`
//! names (default `postgres://postgres@127.0.0.1:5432/test`).
#![allow(dead_code)]

/// The server's URL.
pub fn pg_url() -> String {
    std::env::var("ORMGEN_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// An administrator connection and a fresh, empty schema `{prefix}_{pid}`;
/// `None` (saying so) when the server is unreachable.
pub fn scratch_schema(prefix: &str) -> Option<(postgres::Client, String)> {
    let mut admin = match postgres::Client::connect(&pg_url(), postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("!!! PostgreSQL unreachable ({e}): PostgreSQL benchmarks skipped");
            return None;
        }
    };
    let schema = format!("{prefix}_{}", std::process::id());
    admin
        .batch_execute(&format!(
            "drop schema if exists {schema} cascade; create schema {schema}"
        ))
        .expect("create the benchmark's schema");
    Some((admin, schema))
}

/// Drops a schema made by [`scratch_schema`].
pub fn drop_schema(admin: &mut postgres::Client, schema: &str) {
    let _ = admin.batch_execute(&format!("drop schema if exists {schema} cascade"));
}
