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
//!
//! # Cargo features
//!
//! Each database driver is optional; only the drivers are gated. [`Dialect`], SQL
//! rendering, the query builder, migrations' SQL and generated code compile with any
//! set of features.
//!
//! - `sqlite` (default): SQLite through rusqlite with its `bundled` feature, which
//!   compiles SQLite's C sources into the program.
//! - `sqlite-system`: the same SQLite backend, with rusqlite linking the system's
//!   libsqlite3 instead (no C compiled; needs the library and its headers, e.g.
//!   `libsqlite3-dev`). When `sqlite` is on too, Cargo unifies the two and SQLite is
//!   bundled. The system SQLite must be at least as new as rusqlite's bindings
//!   (3.44 for rusqlite 0.41); on an older one keep rusqlite at 0.40
//!   (`cargo update -p rusqlite --precise 0.40.2`).
//! - `postgres`: PostgreSQL through the `postgres` crate.
//!
//! A PostgreSQL-only program depends on
//! `ormgen = { version = "0.1", default-features = false, features = ["postgres"] }`.
//! Connecting to a backend that was not compiled in returns
//! [`Error::BackendNotCompiled`], which names the feature to enable. The driver
//! crates' re-exports (`ormgen::rusqlite`; `ormgen::postgres` and `ormgen::bytes`),
//! [`engine::Connection`]'s driver accessors and the driver methods of [`ToParam`]
//! and [`FromColumn`] exist only with their backend's feature.

#![warn(missing_docs)]

#[cfg(not(any(feature = "rusqlite", feature = "postgres")))]
compile_error!(
    "ormgen needs a database backend: enable its `sqlite` (the default), `sqlite-system` or `postgres` feature"
);

mod backend;
pub mod cancel;
mod conn_string;
pub mod engine;
pub mod error;
pub mod events;
pub mod migrate;
#[cfg(feature = "async")]
pub mod nonblocking;
pub mod params;
pub mod pool;
pub mod query;
pub mod row;
pub mod session;
pub mod session_hooks;
pub mod sqlite_options;
pub mod value;

pub use cancel::CancelHandle;
pub use engine::{Connection, Engine, EngineBuilder};
pub use error::{Error, Result};
pub use events::{Event, SQL_TARGET};
#[cfg(feature = "async")]
pub use nonblocking::{AsyncEngine, AsyncSession};
pub use params::{AsSql, Keyed, Native, Params};
pub use pool::PoolStatus;
pub use query::{avg, count, count_distinct, count_star, max, min, sum};
pub use row::{ColumnIndex, FromRow, OwnedRow, Row};
pub use session::{IsolationLevel, Session, TxOptions};
pub use value::{ArrayElement, DbEnum, FromColumn, TimeTz, ToParam, Value};

pub use bigdecimal;
pub use bigdecimal::BigDecimal;
#[cfg(feature = "postgres")]
pub use bytes;
pub use chrono;
#[cfg(feature = "postgres")]
pub use postgres;
#[cfg(feature = "rusqlite")]
pub use rusqlite;
pub use serde_json;
pub use uuid;

/// The SQL dialect of an engine or session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite (rusqlite; features `sqlite` or `sqlite-system`).
    Sqlite,
    /// PostgreSQL (`postgres`; feature `postgres`).
    Postgres,
}

// The `__ormgen_if_*` macros below keep their input when the runtime was built with
// the backend and drop it otherwise. Exported macros (`impl_db_enum!`) expand in the
// user's crate, where `#[cfg(feature = ..)]` would test the user's features: they wrap
// their driver methods in these instead, which answer for ormgen's own features.

/// Expands to its input when ormgen was built with a SQLite feature; to nothing
/// otherwise.
#[cfg(feature = "rusqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __ormgen_if_sqlite {
    ($($t:tt)*) => { $($t)* };
}

/// Expands to its input when ormgen was built with a SQLite feature; to nothing
/// otherwise.
#[cfg(not(feature = "rusqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __ormgen_if_sqlite {
    ($($t:tt)*) => {};
}

/// Expands to its input when ormgen was built with the `postgres` feature; to
/// nothing otherwise.
#[cfg(feature = "postgres")]
#[doc(hidden)]
#[macro_export]
macro_rules! __ormgen_if_postgres {
    ($($t:tt)*) => { $($t)* };
}

/// Expands to its input when ormgen was built with the `postgres` feature; to
/// nothing otherwise.
#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __ormgen_if_postgres {
    ($($t:tt)*) => {};
}

/// Includes the code `ormgen-build` generated for a schema into the current module:
/// `mod db { ormgen::include_schema!("blog"); }` includes `$OUT_DIR/blog.rs`.
#[macro_export]
macro_rules! include_schema {
    ($name:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
    };
}
