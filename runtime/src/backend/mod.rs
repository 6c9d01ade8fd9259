//! Database connections: one type over both drivers, with the per-connection
//! statement cache and placeholder-translation cache.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::collections::HashMap;
use std::time::Instant;

use crate::Dialect;
use crate::error::{Error, Result};
use crate::params::{Translated, translate};
use crate::row::Row;
use crate::value::ToParam;

/// The driver connection. (One per pooled connection, so the variants' size difference
/// costs nothing worth an extra indirection on every statement.)
#[allow(clippy::large_enum_variant)]
pub(crate) enum RawConn {
    Sqlite(sqlite::SqliteConn),
    Pg(postgres::PgConn),
}

/// A pooled connection with its caches.
pub(crate) struct Conn {
    pub(crate) raw: RawConn,
    /// Portable SQL text → the dialect's text, per connection (no locking).
    translations: HashMap<Box<str>, Translated>,
    pub(crate) created: Instant,
    /// Set when the connection was lost; it is then discarded on checkin.
    pub(crate) broken: bool,
}

impl Conn {
    pub(crate) fn new(raw: RawConn) -> Self {
        Conn {
            raw,
            translations: HashMap::new(),
            created: Instant::now(),
            broken: false,
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self.raw {
            RawConn::Sqlite(_) => Dialect::Sqlite,
            RawConn::Pg(_) => Dialect::Postgres,
        }
    }

    /// The translation of portable `sql` (cached per connection).
    pub(crate) fn translated(&mut self, sql: &str) -> Result<(&mut RawConn, &Translated)> {
        let dialect = self.dialect();
        if !self.translations.contains_key(sql) {
            let t = translate(sql, dialect)?;
            self.translations.insert(sql.into(), t);
        }
        let t = self
            .translations
            .get(sql)
            .ok_or_else(|| Error::Params("translation cache".into()))?;
        Ok((&mut self.raw, t))
    }

    /// Records a lost connection so the pool discards it.
    #[inline]
    pub(crate) fn note<T>(&mut self, r: Result<T>) -> Result<T> {
        if let Err(Error::ConnectionLost { .. }) = &r {
            self.broken = true;
        }
        r
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        let r = match &mut self.raw {
            RawConn::Sqlite(c) => c.batch(sql),
            RawConn::Pg(c) => c.batch(sql),
        };
        self.note(r)
    }

    /// Whether the connection still answers.
    pub(crate) fn ping(&mut self, timeout: std::time::Duration) -> bool {
        let ok = match &mut self.raw {
            RawConn::Sqlite(c) => c.batch("SELECT 1").is_ok(),
            RawConn::Pg(c) => c.client.is_valid(timeout).is_ok(),
        };
        if !ok {
            self.broken = true;
        }
        ok
    }

    /// Whether the driver already knows the connection is gone.
    pub(crate) fn is_closed(&self) -> bool {
        self.broken
            || match &self.raw {
                RawConn::Sqlite(_) => false,
                RawConn::Pg(c) => c.client.is_closed(),
            }
    }
}

impl RawConn {
    #[inline]
    pub(crate) fn execute(&mut self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        match self {
            RawConn::Sqlite(c) => c.execute(sql, params),
            RawConn::Pg(c) => c.execute(sql, params),
        }
    }

    /// Runs a query, calling `f` for each row until it returns `false`; returns the
    /// number of rows read.
    #[inline]
    pub(crate) fn query<F>(&mut self, sql: &str, params: &[&dyn ToParam], f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        match self {
            RawConn::Sqlite(c) => c.query(sql, params, f),
            RawConn::Pg(c) => c.query(sql, params, f),
        }
    }
}
