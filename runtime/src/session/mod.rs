//! Sessions: a pooled connection, its transaction, savepoints and the
//! statement API. The type and its state are here; `transaction.rs` begins,
//! commits and rolls back (savepoints, nesting, isolation), `statements.rs`
//! runs statements and reads rows, `hooks.rs` keeps what a flush, a commit's
//! hooks or a write's hooks are in the middle of.

mod hooks;
#[cfg(all(feature = "postgres", feature = "async"))]
mod native;
mod statements;
mod transaction;

pub(crate) use hooks::Busy;
#[cfg(all(feature = "postgres", feature = "async"))]
pub(crate) use native::NativeIo;
#[cfg(feature = "async")]
pub(crate) use transaction::Opened;
pub use transaction::{IsolationLevel, TxOptions};

use statements::is_read;

use std::cell::Cell;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::{Duration, Instant};

use crate::Dialect;
use crate::backend::{Conn, RawConn};
use crate::cancel::CancelHandle;
use crate::engine::{Connection, Engine};
use crate::error::{Error, Result};
use crate::events::{Event, Events};
use crate::params::{AsSql, Params, SqlRef};
use crate::pool::Pooled;
use crate::row::{FromRow, OwnedRow, Row};
use crate::value::ToParam;

/// A unit of work on one pooled connection.
///
/// A transaction begins at the first statement (or at the first statement after
/// [`commit`](Self::commit)/[`rollback`](Self::rollback)); dropping the session
/// without committing rolls back, and the connection goes back to the pool.
///
/// # States
///
/// - **Idle**: no transaction is open. Without autocommit the next statement
///   begins one; in [autocommit](Self::set_autocommit) mode each statement
///   commits on its own until [`begin`](Self::begin).
/// - **In transaction** ([`in_transaction`](Self::in_transaction)): statements
///   run in it until [`commit`](Self::commit) or [`rollback`](Self::rollback).
/// - **Failed** ([`transaction_failed`](Self::transaction_failed)): a statement
///   run in the transaction returned an error — a database error (a constraint,
///   a lost connection, …), reads included as PostgreSQL aborts the
///   transaction on those too, or an error after the database ran it (its
///   rows failed to decode, `query_one` found too many). Every call that
///   returns `Err` inside a transaction leaves it so: `insert`,
///   `insert_many`, `insert_all`, upserts, updates, deletes, `Tracked::save`,
///   [`execute`](Self::execute) and the query methods. The failed call's
///   writes may already be in the transaction, so nothing of it may be
///   committed: every later statement and `commit` return
///   [`Error::TransactionFailed`] (where PostgreSQL's own `COMMIT` of an
///   aborted transaction would quietly roll back) until `rollback` returns
///   the session to idle. Errors raised before anything reached the database
///   ([`Error::Params`]: a wrong number of values, a named placeholder
///   without one) do not fail the transaction.
///
/// To recover from an expected error (a unique violation, say) and go on,
/// run the statement in a [`savepoint`](Self::savepoint): when its closure
/// returns `Err` the savepoint is rolled back and the transaction is healthy
/// again. [`flush`](Self::flush) runs in a savepoint, so a failed flush is
/// undone and leaves the transaction usable. [`Engine::transaction`] rolls
/// back on `Err`, and does not commit a failed transaction whose closure
/// swallowed the error (it returns [`Error::TransactionFailed`]).
///
/// Calls that may run several statements (`insert_many`/`insert_all` in more
/// than one batch, `flush`) are atomic: inside the transaction, or in
/// autocommit mode outside one in a transaction of their own that rolls back
/// on error. A single statement in autocommit mode outside a transaction is
/// committed by the database when it runs: an error after that (its
/// `RETURNING` row failed to decode) is returned but its write stays; use
/// [`begin`](Self::begin) or a savepoint where that matters.
///
/// A session is `Send` but not `Sync`: it can move to another thread, but not be
/// shared between threads.
///
/// ```compile_fail
/// fn needs_sync<T: Sync>() {}
/// needs_sync::<ormgen::Session>();
/// ```
/// ```
/// fn needs_send<T: Send>() {}
/// needs_send::<ormgen::Session>();
/// ```
pub struct Session {
    engine: Engine,
    conn: Pooled,
    active: bool,
    /// Autocommit mode: no transaction begins by itself (see
    /// [`Session::set_autocommit`]).
    autocommit: bool,
    next: Option<TxOptions>,
    query_only: bool,
    savepoints: u32,
    /// Set when a statement failed inside the open transaction (the error's
    /// text): the transaction is failed until [`Session::rollback`] (or the
    /// enclosing savepoint's rollback).
    failed: Option<Box<str>>,
    pub(crate) uow: crate::query::UnitOfWork,
    /// What the session is in the middle of ([`Busy`] flags): a flush, a
    /// commit's hooks, a write's hooks. Calls that would break it (a flush
    /// in a flush, a commit from a hook) are errors.
    pub(crate) busy: u8,
    /// Whether a statement that writes ran in the open transaction (for the
    /// warning when the session is dropped with it uncommitted).
    wrote: bool,
    /// Whether [`Session::set_statement_timeout`] changed the connection's
    /// timeout (restored when the session ends).
    timeout_changed: bool,
    _not_sync: PhantomData<Cell<()>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("engine", &self.engine)
            .field("in_transaction", &self.active)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

/// `SET statement_timeout` to `timeout` in milliseconds (0: none).
pub(crate) fn statement_timeout_sql(timeout: Option<Duration>) -> String {
    let ms = timeout.map_or(0, |t| t.as_millis().clamp(1, i32::MAX as u128));
    format!("SET statement_timeout = {ms}")
}

impl Session {
    pub(crate) fn new(engine: Engine) -> Result<Session> {
        let (conn, _fresh) = engine.inner.pool.checkout()?;
        Ok(Session::with_conn(engine, conn))
    }

    /// A session on `conn`, just checked out of `engine`'s pool.
    fn with_conn(engine: Engine, conn: Conn) -> Session {
        let events = &engine.inner.events;
        if events.observed() {
            events.emit(&Event::Checkout);
        }
        let conn = Pooled::new(conn, engine.inner.pool.clone());
        Session {
            engine,
            conn,
            active: false,
            autocommit: false,
            next: None,
            query_only: false,
            savepoints: 0,
            failed: None,
            uow: crate::query::UnitOfWork::default(),
            busy: 0,
            wrote: false,
            timeout_changed: false,
            _not_sync: PhantomData,
        }
    }

    /// The engine this session belongs to.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The dialect of the connection.
    pub fn dialect(&self) -> Dialect {
        self.engine.inner.dialect
    }

    /// Whether a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.active
    }

    /// A handle that stops the statement this session is running, from
    /// another thread ([`CancelHandle`]); checks a connection out if the
    /// session holds none.
    ///
    /// ```
    /// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
    /// # fn main() -> ormgen::Result<()> {
    /// let engine = ormgen::Engine::connect("sqlite::memory:")?;
    /// let mut s = engine.session()?;
    /// let handle = s.cancel_handle()?;
    /// let canceller = std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_millis(50));
    ///     handle.cancel();
    /// });
    /// // A query that would run for minutes.
    /// let r: ormgen::Result<i64> = s.query_one(
    ///     "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 2000000000) \
    ///      SELECT count(*) FROM c",
    ///     (),
    /// );
    /// canceller.join().unwrap();
    /// assert!(matches!(r, Err(ormgen::Error::Cancelled { .. })));
    /// s.rollback()?;
    /// assert_eq!(s.query_one::<i64>("SELECT 1", ())?, 1); // still usable
    /// # Ok(()) }
    /// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
    /// # fn main() {}
    /// ```
    pub fn cancel_handle(&mut self) -> Result<CancelHandle> {
        let conn = self.conn.get()?;
        Ok(match &conn.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => CancelHandle::sqlite(c.conn()),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => CancelHandle::postgres(&c.client),
        })
    }

    /// Sets PostgreSQL's `statement_timeout` for this session's statements
    /// (`None`: no limit), instead of the engine's
    /// ([`EngineBuilder::statement_timeout`](crate::EngineBuilder::statement_timeout));
    /// a statement running longer fails with [`Error::Timeout`]. Restored to
    /// the engine's when the session returns its connection. Outside a
    /// transaction only (a `SET` in one would be undone by its rollback);
    /// SQLite has no statement timeout ([`Error::Config`]; stop a statement
    /// with [`cancel_handle`](Self::cancel_handle)).
    pub fn set_statement_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        if self.active {
            return Err(Error::Config(
                "set_statement_timeout outside a transaction (commit or roll back first)".into(),
            ));
        }
        let conn = self.conn.get()?;
        if conn.dialect() != Dialect::Postgres {
            return Err(Error::Config(
                "statement timeouts are PostgreSQL's; on SQLite stop a statement with \
                 Session::cancel_handle"
                    .into(),
            ));
        }
        let r = conn.batch(&statement_timeout_sql(timeout));
        self.settle(r)?;
        self.timeout_changed = true;
        Ok(())
    }

    /// The underlying connection, for driver-specific work. Statements run through it
    /// bypass the session's transaction handling and events.
    pub fn connection(&mut self) -> Result<Connection<'_>> {
        Ok(Connection::new(&mut self.conn.get()?.raw))
    }

    fn emit(&self, e: Event<'_>) {
        let events = &self.engine.inner.events;
        if events.observed() {
            events.emit(&e);
        }
    }

    /// Records that the open transaction wrote when `sql` is not a read
    /// (`SELECT`, `WITH`, `VALUES`, `SHOW`, `EXPLAIN`, `PRAGMA`).
    #[inline]
    pub(super) fn note(&mut self, sql: &str) {
        if self.active && !self.wrote && !is_read(sql) {
            self.wrote = true;
        }
    }

    #[inline]
    pub(super) fn ready(&mut self) -> Result<()> {
        if self.active {
            match self.failed {
                None => Ok(()),
                Some(_) => Err(self.failed_error()),
            }
        } else if self.autocommit && self.next.is_none() {
            Ok(())
        } else {
            self.begin_now()
        }
    }

    #[cold]
    pub(super) fn failed_error(&self) -> Error {
        Error::TransactionFailed {
            cause: self.failed.as_deref().unwrap_or_default().to_owned(),
        }
    }

    /// Marks the open transaction failed when `r` is an error (see the
    /// [session states](Self#states)).
    #[inline(always)]
    pub(super) fn settle<T>(&mut self, r: Result<T>) -> Result<T> {
        if let Err(e) = &r {
            self.fail(e);
        }
        r
    }

    /// Marks the open transaction failed by `e`, unless `e` was raised before
    /// anything reached the database ([`Error::Params`]: a wrong number of
    /// values, a named placeholder without one).
    #[cold]
    #[inline(never)]
    pub(crate) fn fail(&mut self, e: &Error) {
        if self.active {
            mark_failed(&mut self.failed, e);
        }
    }
}

/// Records `e` as the error that failed a transaction (the first one counts),
/// unless it was raised before anything reached the database
/// ([`Error::Params`]).
#[cold]
#[inline(never)]
pub(crate) fn mark_failed(slot: &mut Option<Box<str>>, e: &Error) {
    if slot.is_none() && !matches!(e, Error::Params(_)) {
        *slot = Some(e.to_string().into_boxed_str());
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.active {
            if self.wrote && !std::thread::panicking() {
                tracing::warn!(
                    target: "ormgen::session",
                    "a session was dropped with uncommitted writes: they are rolled back \
                     (call commit(), or rollback() to discard them explicitly)"
                );
            }
            let _ = self.rollback();
        }
        if self.timeout_changed {
            // The next session gets the engine's timeout back.
            let sql = statement_timeout_sql(self.engine.inner.statement_timeout);
            if let Ok(conn) = self.conn.get()
                && conn.batch(&sql).is_err()
            {
                conn.broken = true;
            }
        }
        self.end_query_only();
        self.emit(Event::Checkin);
    }
}
