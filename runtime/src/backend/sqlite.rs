//! SQLite through rusqlite: opening connections, binding, running statements.

use std::time::Duration;

use rusqlite::types::ToSqlOutput;

use crate::error::{Error, Result, from_sqlite};
use crate::row::Row;
use crate::value::ToParam;

/// How many prepared statements each SQLite connection keeps.
pub(crate) const STATEMENT_CACHE_CAPACITY: usize = 256;

/// A rusqlite connection.
pub(crate) struct SqliteConn {
    pub(crate) conn: rusqlite::Connection,
}

/// Where a SQLite engine's database lives.
#[derive(Debug, Clone)]
pub(crate) enum SqliteTarget {
    /// A file, opened in WAL mode.
    File(String),
    /// A shared-cache in-memory database, by its URI.
    Memory(String),
}

/// Binds through [`ToParam::to_sqlite`].
struct Bind<'a>(&'a dyn ToParam);

impl rusqlite::ToSql for Bind<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sqlite()
    }
}

/// Opens and configures a connection: foreign keys on, busy timeout, WAL for files.
pub(crate) fn open(target: &SqliteTarget, busy_timeout: Duration) -> Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let path = match target {
        SqliteTarget::File(p) | SqliteTarget::Memory(p) => p,
    };
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| Error::Connect {
        message: format!("{path}: {e}"),
    })?;
    conn.busy_timeout(busy_timeout).map_err(from_sqlite)?;
    conn.execute_batch("PRAGMA foreign_keys = ON")
        .map_err(from_sqlite)?;
    if let SqliteTarget::File(_) = target {
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(from_sqlite)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Connect {
                message: format!("{path}: could not enable WAL (journal_mode = {mode})"),
            });
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(from_sqlite)?;
    }
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
    Ok(conn)
}

#[cold]
#[inline(never)]
fn count_mismatch(expected: usize, given: usize) -> Error {
    Error::Params(format!(
        "the statement has {expected} placeholder(s) but {given} value(s) were given"
    ))
}

impl SqliteConn {
    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(from_sqlite)
    }

    #[inline(always)]
    fn prepare_bound(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<rusqlite::CachedStatement<'_>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(from_sqlite)?;
        let expected = stmt.parameter_count();
        if expected != params.len() {
            return Err(count_mismatch(expected, params.len()));
        }
        for (i, p) in params.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, Bind(*p))
                .map_err(from_sqlite)?;
        }
        Ok(stmt)
    }

    #[inline(always)]
    pub(crate) fn execute(&mut self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        let mut stmt = self.prepare_bound(sql, params)?;
        if stmt.column_count() == 0 {
            let n = stmt.raw_execute().map_err(from_sqlite)?;
            Ok(n as u64)
        } else {
            // A statement with results (RETURNING, PRAGMA, …): run it to the end.
            let mut rows = stmt.raw_query();
            while rows.next().map_err(from_sqlite)?.is_some() {}
            drop(rows);
            drop(stmt);
            Ok(self.conn.changes())
        }
    }

    #[inline(always)]
    pub(crate) fn query<F>(&mut self, sql: &str, params: &[&dyn ToParam], mut f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        let mut stmt = self.prepare_bound(sql, params)?;
        let mut rows = stmt.raw_query();
        let mut n = 0u64;
        while let Some(r) = rows.next().map_err(from_sqlite)? {
            n += 1;
            if !f(&Row::sqlite(r))? {
                break;
            }
        }
        Ok(n)
    }
}
