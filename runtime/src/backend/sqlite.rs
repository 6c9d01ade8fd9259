//! SQLite through rusqlite: opening connections, binding, running statements.

use std::collections::hash_map::Entry;
use std::ptr::NonNull;

use rusqlite::types::ToSqlOutput;
use rustc_hash::FxHashMap;

use crate::error::{Error, Result, from_sqlite};
use crate::row::Row;
use crate::sqlite_options::{DEFAULT_BUSY_TIMEOUT, JournalMode, SqliteSettings, Synchronous};
use crate::value::ToParam;

/// How many prepared statements each SQLite connection keeps.
pub(crate) const STATEMENT_CACHE_CAPACITY: usize = 256;

/// How many statements each SQLite connection keeps prepared by key (the
/// runtime's own cache, besides rusqlite's cache by text).
pub(crate) const KEYED_CAPACITY: usize = 512;

/// A rusqlite connection, with the statements the runtime keeps prepared on it
/// by key.
///
/// The runtime's SQL (built queries, by the fingerprint of their structure; the
/// generator's constants, by address) is looked up by a 128-bit key instead of
/// rusqlite's cache by text, which hashes and compares the whole text twice per
/// statement. The connection lives in its own heap allocation so that the
/// statements, which refer to it, stay valid when this struct moves; they are
/// finalized before the connection is closed.
pub(crate) struct SqliteConn {
    /// Declared (and dropped) first: every statement refers to `*conn`.
    keyed: FxHashMap<u128, rusqlite::Statement<'static>>,
    /// From `Box::into_raw`; freed in `Drop`, after `keyed` is emptied. Only ever
    /// lent out as `&Connection`, never as `&mut`.
    conn: NonNull<rusqlite::Connection>,
}

// SAFETY: `rusqlite::Connection` is `Send`. The statements in `keyed` hold
// shared references to that connection only; they are reachable only through
// this struct, so they always move to another thread together with the
// connection they refer to, and nothing else can use them meanwhile.
unsafe impl Send for SqliteConn {}

impl Drop for SqliteConn {
    fn drop(&mut self) {
        // Finalize every statement while the connection is alive, then close it.
        self.keyed.clear();
        // SAFETY: `conn` came from `Box::into_raw` in `new` and is freed only here;
        // no statement refers to it any more.
        drop(unsafe { Box::from_raw(self.conn.as_ptr()) });
    }
}

/// Where a SQLite engine's database lives.
#[derive(Debug, Clone)]
pub(crate) enum SqliteTarget {
    /// A file, opened in WAL mode unless the settings say otherwise.
    File(String),
    /// A shared-cache in-memory database, by its URI.
    Memory(String),
    /// SQLite's plain `:memory:`: a database of one connection.
    Private,
}

/// Binds through [`ToParam::to_sqlite`].
struct Bind<'a>(&'a dyn ToParam);

impl rusqlite::ToSql for Bind<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sqlite()
    }
}

/// Opens and configures a connection: busy timeout, foreign keys (on unless
/// turned off), the journal mode (WAL for files unless set) and
/// `synchronous` (NORMAL for files in WAL mode unless set).
/// Lookaside slots per connection: SQLite's per-connection pool of small
/// allocations (1,200 bytes each; SQLite's default is 100 slots, about
/// 120 KB). The statements a connection keeps prepared (the runtime's cache
/// holds up to [`STATEMENT_CACHE_CAPACITY`]) each hold slots; once they are
/// gone, every sort, window or temporary b-tree of a query falls back to
/// `malloc`. BENCHMARKS.md ("The expression language") measured 4–6% on a
/// window query on a connection that had prepared its seeding statements.
const LOOKASIDE_SLOTS: i32 = 500;
const LOOKASIDE_SLOT_SIZE: i32 = 1200;

/// Gives a new connection [`LOOKASIDE_SLOTS`] lookaside slots. Best effort:
/// SQLite refuses the change (`SQLITE_BUSY`) while slots are in use, and
/// the connection then keeps its default.
fn enlarge_lookaside(conn: &rusqlite::Connection) {
    // SAFETY: the handle is the open connection's, used on this thread before
    // anything else runs on it; SQLITE_DBCONFIG_LOOKASIDE takes a buffer
    // pointer (null: SQLite allocates) and two ints, as passed.
    unsafe {
        rusqlite::ffi::sqlite3_db_config(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBCONFIG_LOOKASIDE,
            std::ptr::null_mut::<std::ffi::c_void>(),
            LOOKASIDE_SLOT_SIZE,
            LOOKASIDE_SLOTS,
        );
    }
}

pub(crate) fn open(
    target: &SqliteTarget,
    settings: &SqliteSettings,
) -> Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let path = match target {
        SqliteTarget::File(p) | SqliteTarget::Memory(p) => p.as_str(),
        SqliteTarget::Private => ":memory:",
    };
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| Error::Connect {
        message: format!("{path}: {e}"),
    })?;
    enlarge_lookaside(&conn);
    conn.busy_timeout(settings.busy_timeout.unwrap_or(DEFAULT_BUSY_TIMEOUT))
        .map_err(from_sqlite)?;
    let foreign_keys = if settings.foreign_keys.unwrap_or(true) {
        "ON"
    } else {
        "OFF"
    };
    conn.execute_batch(&format!("PRAGMA foreign_keys = {foreign_keys}"))
        .map_err(from_sqlite)?;
    let file = matches!(target, SqliteTarget::File(_));
    let journal = settings.journal_mode.or(file.then_some(JournalMode::Wal));
    if let Some(wanted) = journal {
        let mode: String = conn
            .query_row(
                &format!("PRAGMA journal_mode = {}", wanted.keyword()),
                [],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                // SQLite opens the `-wal` and `-shm` files (or the journal) here.
                rusqlite::Error::SqliteFailure(f, msg)
                    if f.code == rusqlite::ErrorCode::CannotOpen =>
                {
                    Error::Connect {
                        message: format!(
                            "{path}: {} (cannot open the database's {} files: is its \
                             directory read-only? A WAL database on a read-only file system \
                             cannot be opened)",
                            msg.unwrap_or_else(|| f.to_string()),
                            wanted.keyword()
                        ),
                    }
                }
                other => from_sqlite(other),
            })?;
        if !mode.eq_ignore_ascii_case(wanted.keyword()) {
            return Err(Error::Connect {
                message: format!(
                    "{path}: could not set journal_mode = {} (it is {mode}; an in-memory \
                     database keeps memory or off)",
                    wanted.keyword()
                ),
            });
        }
    }
    let synchronous = settings
        .synchronous
        .or((file && journal == Some(JournalMode::Wal)).then_some(Synchronous::Normal));
    if let Some(level) = synchronous {
        conn.execute_batch(&format!("PRAGMA synchronous = {}", level.keyword()))
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

/// Checks the number of `params` against the statement's placeholders and
/// binds them.
#[inline(always)]
fn bind_all(stmt: &mut rusqlite::Statement<'_>, params: &[&dyn ToParam]) -> Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(count_mismatch(expected, params.len()));
    }
    for (i, p) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, Bind(*p))
            .map_err(from_sqlite)?;
    }
    Ok(())
}

/// Runs a bound statement to its end; `Some(n)` rows changed, or `None` for a
/// statement with results (RETURNING, PRAGMA, …), whose count the caller
/// reads from the connection.
#[inline(always)]
fn execute_bound(stmt: &mut rusqlite::Statement<'_>) -> Result<Option<u64>> {
    if stmt.column_count() == 0 {
        // `raw_execute` resets the statement.
        Ok(Some(stmt.raw_execute().map_err(from_sqlite)? as u64))
    } else {
        let mut rows = stmt.raw_query();
        while rows.next().map_err(from_sqlite)?.is_some() {}
        Ok(None)
    }
}

/// Steps a bound statement, calling `f` per row until it returns `false`;
/// dropping the cursor resets the statement, also after an error or an early
/// stop.
#[inline(always)]
fn query_bound<F>(stmt: &mut rusqlite::Statement<'_>, mut f: F) -> Result<u64>
where
    F: FnMut(&Row<'_>) -> Result<bool>,
{
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

impl SqliteConn {
    pub(crate) fn new(conn: rusqlite::Connection) -> Self {
        SqliteConn {
            keyed: FxHashMap::default(),
            conn: NonNull::from(Box::leak(Box::new(conn))),
        }
    }

    /// The connection.
    #[inline]
    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        // SAFETY: the allocation lives as long as `self` (freed in `Drop`) and is
        // never borrowed mutably.
        unsafe { self.conn.as_ref() }
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        self.conn().execute_batch(sql).map_err(from_sqlite)
    }

    /// The statement prepared for `key` (whose text is `sql`), with `params`
    /// bound.
    #[inline]
    fn keyed_bound(
        &mut self,
        key: u128,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<&mut rusqlite::Statement<'static>> {
        if self.keyed.len() >= KEYED_CAPACITY && !self.keyed.contains_key(&key) {
            self.keyed.clear();
        }
        let conn = self.conn;
        let stmt = match self.keyed.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => {
                // SAFETY: as in `conn()`.
                let st = unsafe { conn.as_ref() }.prepare(sql).map_err(from_sqlite)?;
                // SAFETY: the statement refers to the boxed connection, which
                // outlives it: `Drop` empties `keyed` before freeing the connection,
                // and evictions (`clear`) finalize statements while it is alive.
                let st: rusqlite::Statement<'static> = unsafe { std::mem::transmute(st) };
                v.insert(st)
            }
        };
        bind_all(stmt, params)?;
        Ok(stmt)
    }

    /// [`execute`](Self::execute) through the statement kept for `key`.
    #[inline(always)]
    pub(crate) fn execute_keyed(
        &mut self,
        key: u128,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<u64> {
        let stmt = self.keyed_bound(key, sql, params)?;
        match execute_bound(stmt)? {
            Some(n) => Ok(n),
            None => Ok(self.conn().changes()),
        }
    }

    /// [`query`](Self::query) through the statement kept for `key`.
    #[inline(always)]
    pub(crate) fn query_keyed<F>(
        &mut self,
        key: u128,
        sql: &str,
        params: &[&dyn ToParam],
        f: F,
    ) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        let stmt = self.keyed_bound(key, sql, params)?;
        query_bound(stmt, f)
    }

    #[inline(always)]
    fn prepare_bound(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<rusqlite::CachedStatement<'_>> {
        let mut stmt = self.conn().prepare_cached(sql).map_err(from_sqlite)?;
        bind_all(&mut stmt, params)?;
        Ok(stmt)
    }

    #[inline(always)]
    pub(crate) fn execute(&mut self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        let mut stmt = self.prepare_bound(sql, params)?;
        let n = execute_bound(&mut stmt)?;
        drop(stmt);
        match n {
            Some(n) => Ok(n),
            None => Ok(self.conn().changes()),
        }
    }

    #[inline(always)]
    pub(crate) fn query<F>(&mut self, sql: &str, params: &[&dyn ToParam], f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        let mut stmt = self.prepare_bound(sql, params)?;
        query_bound(&mut stmt, f)
    }
}
