//! Test fixtures: one engine per backend, isolated.
//!
//! - SQLite: a fresh database file in a fresh temporary directory (WAL mode).
//! - PostgreSQL: `ORMGEN_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//!   each fixture creates a schema `ormgen_t_<unique>`, sets it as `search_path` (and as
//!   `application_name`) on every pooled connection, and drops it at the end. When the
//!   server is unreachable the PostgreSQL half of a test fails if `CI` is set and is
//!   skipped with a loud message otherwise.
//!
//! Each fixture exists only when ormgen is built with its backend (`sqlite` or
//! `sqlite-system`; `postgres`), and [`backends`] returns the compiled ones: a test
//! over `common::all()` runs on every backend of the build. ormgen's own
//! `__ormgen_if_*` macros decide (not `#[cfg]`, which would test the features of
//! the crate including this file: `tests/` includes it too).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use ormgen::{Dialect, Engine, EngineBuilder};

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn pg_url() -> String {
    std::env::var("ORMGEN_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

fn unique() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// One backend under test.
pub struct Db {
    pub engine: Engine,
    pub dialect: Dialect,
    /// PostgreSQL: the test's schema (also its connections' application_name).
    pub schema: Option<String>,
    dir: Option<PathBuf>,
}

impl Db {
    pub fn name(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }
    pub fn is_pg(&self) -> bool {
        self.dialect == Dialect::Postgres
    }
    /// Picks the statement for this backend.
    pub fn sql<'a>(&self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        if self.is_pg() { postgres } else { sqlite }
    }
    ormgen::__ormgen_if_postgres! {
        /// A plain `postgres` client outside the pool (PostgreSQL only).
        pub fn admin(&self) -> postgres::Client {
            postgres::Client::connect(&pg_url(), postgres::NoTls).expect("admin connection")
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        self.engine.dispose();
        ormgen::__ormgen_if_postgres! {
            if let Some(schema) = &self.schema
                && let Ok(mut c) = postgres::Client::connect(&pg_url(), postgres::NoTls)
            {
                {
                    let _ = c.execute(
                        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()",
                        &[schema],
                    );
                    let _ = c.batch_execute(&format!("drop schema if exists {schema} cascade"));
                }
            }
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

ormgen::__ormgen_if_sqlite! {
    pub fn sqlite_file(configure: impl FnOnce(EngineBuilder) -> EngineBuilder) -> Db {
        let dir = std::env::temp_dir().join(format!("ormgen-test-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let engine = configure(Engine::builder(url))
            .build()
            .expect("sqlite engine");
        Db {
            engine,
            dialect: Dialect::Sqlite,
            schema: None,
            dir: Some(dir),
        }
    }
}

ormgen::__ormgen_if_sqlite! {
    pub fn sqlite_memory(configure: impl FnOnce(EngineBuilder) -> EngineBuilder) -> Db {
        let engine = configure(Engine::builder("sqlite::memory:"))
            .build()
            .expect("sqlite memory engine");
        Db {
            engine,
            dialect: Dialect::Sqlite,
            schema: None,
            dir: None,
        }
    }
}

ormgen::__ormgen_if_postgres! {
    /// A PostgreSQL fixture, or `None` (with a loud message) when the server is
    /// unreachable outside CI.
    pub fn postgres(configure: impl FnOnce(EngineBuilder) -> EngineBuilder) -> Option<Db> {
        let url = pg_url();
        let mut admin = match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!("PostgreSQL at {url} is unreachable and CI is set: {e}");
                }
                eprintln!(
                    "\n!!!!!!!! SKIPPING PostgreSQL half of this test: {url} unreachable: {e} !!!!!!!!\n"
                );
                return None;
            }
        };
        let schema = format!("ormgen_t_{}", unique());
        admin
            .batch_execute(&format!("create schema {schema}"))
            .expect("create schema");
        let engine = configure(
            Engine::builder(url)
                .search_path(schema.clone())
                .application_name(schema.clone()),
        )
        .build()
        .expect("postgres engine");
        Some(Db {
            engine,
            dialect: Dialect::Postgres,
            schema: Some(schema),
            dir: None,
        })
    }
}

/// The backends of this build (SQLite file first), each configured by
/// `configure`.
#[allow(clippy::vec_init_then_push)]
pub fn backends(configure: impl Fn(EngineBuilder) -> EngineBuilder) -> Vec<Db> {
    #[allow(unused_mut)]
    let mut v = Vec::new();
    ormgen::__ormgen_if_sqlite! {
        v.push(sqlite_file(&configure));
    }
    ormgen::__ormgen_if_postgres! {
        v.extend(postgres(&configure));
    }
    let _ = &configure;
    v
}

/// The backends of this build with default options.
pub fn all() -> Vec<Db> {
    backends(|b| b)
}

/// Every statement `engine` sends from now on (from its `BeforeExecute` events).
pub fn recorder(engine: &Engine) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let l = log.clone();
    engine.add_listener(move |e| {
        if let ormgen::Event::BeforeExecute { sql, .. } = e {
            l.lock().unwrap().push(sql.to_string());
        }
    });
    log
}

/// `f`'s result and the statements sent while it ran.
pub fn statements<T>(
    log: &std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    f: impl FnOnce() -> T,
) -> (T, Vec<String>) {
    let start = log.lock().unwrap().len();
    let out = f();
    let sql = log.lock().unwrap()[start..].to_vec();
    (out, sql)
}

/// A xorshift generator for tests that pick at random (seeded per run; the
/// test prints its seed).
pub struct Rng(pub u64);

impl Rng {
    /// A seed from the clock (odd, as xorshift needs a nonzero state),
    /// printed so that a failing run can be repeated.
    pub fn seed() -> u64 {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        eprintln!("seed {seed}");
        seed
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}
