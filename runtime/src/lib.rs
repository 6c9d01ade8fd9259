//! The ormgen runtime: engine, connection pool, session and transactions over SQLite
//! (rusqlite) and PostgreSQL (`postgres`).
//!
//! Generated code and users call the same public API:
//!
//! - [`Engine`] — a URL, a pool ([`EngineBuilder`] for options), listeners;
//! - [`Session`] — one pooled connection and its transaction; `execute`, `query_*`,
//!   `savepoint`, `commit`, `rollback`;
//! - [`ToParam`] / [`FromColumn`] — binding and decoding Rust values directly through
//!   the drivers; [`Value`] for dynamic code; [`DbEnum`] for enums;
//! - [`FromRow`] — mapping a row into a struct;
//! - [`Error`] — one error type whose kinds can be matched on.
//!
//! Each item documents its behaviour on both backends; the crates generated code needs
//! are re-exported ([`chrono`], [`bigdecimal`], [`serde_json`], [`uuid`], …).

#![warn(missing_docs)]

mod backend;
pub mod engine;
pub mod error;
pub mod events;
pub mod migrate;
pub mod params;
pub mod pool;
pub mod query;
pub mod row;
pub mod session;
pub mod value;

pub use engine::{Connection, Engine, EngineBuilder};
pub use error::{Error, Result};
pub use events::{Event, SQL_TARGET};
pub use params::{AsSql, Keyed, Native, Params};
pub use pool::PoolStatus;
pub use query::{avg, count, count_distinct, count_star, max, min, sum};
pub use row::{ColumnIndex, FromRow, OwnedRow, Row};
pub use session::{IsolationLevel, Session, TxOptions};
pub use value::{ArrayElement, DbEnum, FromColumn, TimeTz, ToParam, Value};

pub use bigdecimal;
pub use bigdecimal::BigDecimal;
pub use bytes;
pub use chrono;
pub use postgres;
pub use rusqlite;
pub use serde_json;
pub use uuid;

/// The SQL dialect of an engine or session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite (rusqlite, bundled).
    Sqlite,
    /// PostgreSQL (`postgres`).
    Postgres,
}

/// Includes the code `ormgen-build` generated for a schema into the current module:
/// `mod db { ormgen::include_schema!("blog"); }` includes `$OUT_DIR/blog.rs`.
#[macro_export]
macro_rules! include_schema {
    ($name:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
    };
}
