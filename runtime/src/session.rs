//! Sessions: a pooled connection, its transaction, savepoints and the statement API.

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

/// Transaction isolation levels.
///
/// On SQLite every transaction is serializable; `Serializable` there means
/// `BEGIN IMMEDIATE` (take the write lock at once, so read-modify-write transactions
/// wait for each other under the busy timeout instead of failing at their first
/// write), every other level a plain deferred `BEGIN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    /// READ UNCOMMITTED (PostgreSQL treats it as READ COMMITTED).
    ReadUncommitted,
    /// READ COMMITTED, PostgreSQL's default.
    ReadCommitted,
    /// REPEATABLE READ (snapshot isolation on PostgreSQL).
    RepeatableRead,
    /// SERIALIZABLE.
    Serializable,
}

/// What [`Session::open_transaction`] or [`Session::open_savepoint`] opened,
/// for the matching close (the async session runs the body in between).
#[derive(Debug, Clone)]
pub(crate) enum Opened {
    /// A transaction, begun now.
    Transaction,
    /// A savepoint with this name, or (`None`) a transaction of its own in
    /// autocommit mode.
    Savepoint(Option<String>),
}

/// Options for one transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxOptions {
    /// The isolation level; `None` uses the engine's default.
    pub isolation: Option<IsolationLevel>,
    /// Read-only: `READ ONLY` on PostgreSQL, `PRAGMA query_only` on SQLite (writes then
    /// fail with an error).
    pub read_only: bool,
}

impl TxOptions {
    /// Options with this isolation level.
    pub fn isolation(level: IsolationLevel) -> Self {
        TxOptions {
            isolation: Some(level),
            read_only: false,
        }
    }
    /// Read-only options.
    pub fn read_only() -> Self {
        TxOptions {
            isolation: None,
            read_only: true,
        }
    }
}

fn pg_begin(iso: Option<IsolationLevel>, ro: bool) -> &'static str {
    use IsolationLevel::*;
    match (iso, ro) {
        (None, false) => "BEGIN",
        (None, true) => "BEGIN READ ONLY",
        (Some(ReadUncommitted), false) => "BEGIN ISOLATION LEVEL READ UNCOMMITTED",
        (Some(ReadUncommitted), true) => "BEGIN ISOLATION LEVEL READ UNCOMMITTED READ ONLY",
        (Some(ReadCommitted), false) => "BEGIN ISOLATION LEVEL READ COMMITTED",
        (Some(ReadCommitted), true) => "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY",
        (Some(RepeatableRead), false) => "BEGIN ISOLATION LEVEL REPEATABLE READ",
        (Some(RepeatableRead), true) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        (Some(Serializable), false) => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        (Some(Serializable), true) => "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY",
    }
}

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

/// The flags of [`Session::busy`](Session).
pub(crate) struct Busy;

impl Busy {
    /// A flush runs (with its hooks).
    pub(crate) const FLUSH: u8 = 1;
    /// A commit's `before_commit` or `after_commit` hooks run.
    pub(crate) const COMMIT_HOOKS: u8 = 2;
    /// A write's model hooks run.
    pub(crate) const WRITE_HOOKS: u8 = 4;
}

/// `SET statement_timeout` to `timeout` in milliseconds (0: none).
pub(crate) fn statement_timeout_sql(timeout: Option<Duration>) -> String {
    let ms = timeout.map_or(0, |t| t.as_millis().clamp(1, i32::MAX as u128));
    format!("SET statement_timeout = {ms}")
}

/// Whether `sql` starts with a keyword of a statement that only reads.
fn is_read(sql: &str) -> bool {
    let text = sql.trim_start().as_bytes();
    let len = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let word = &text[..len];
    const READS: [&[u8]; 7] = [
        b"SELECT", b"WITH", b"VALUES", b"SHOW", b"EXPLAIN", b"PRAGMA", b"TABLE",
    ];
    READS.iter().any(|k| word.eq_ignore_ascii_case(k))
}

#[inline(always)]
fn observe<T>(
    events: &Events,
    sql: &str,
    params: &[&dyn ToParam],
    count: impl FnOnce(&T) -> u64,
    run: impl FnOnce() -> Result<T>,
) -> Result<T> {
    if !events.observed() {
        return run();
    }
    observe_slow(events, sql, params, count, run)
}

#[inline(never)]
fn observe_slow<T>(
    events: &Events,
    sql: &str,
    params: &[&dyn ToParam],
    count: impl FnOnce(&T) -> u64,
    run: impl FnOnce() -> Result<T>,
) -> Result<T> {
    events.emit(&Event::BeforeExecute { sql, params });
    let start = Instant::now();
    let r = run();
    let duration = start.elapsed();
    let (rows, error) = match &r {
        Ok(v) => (Some(count(v)), None),
        Err(e) => (None, Some(e)),
    };
    events.emit(&Event::AfterExecute {
        sql,
        params,
        duration,
        rows,
        error,
    });
    r
}

impl Session {
    pub(crate) fn new(engine: Engine) -> Result<Session> {
        let (conn, _fresh) = engine.inner.pool.checkout()?;
        let events = &engine.inner.events;
        if events.observed() {
            events.emit(&Event::Checkout);
        }
        let conn = Pooled::new(conn, engine.inner.pool.clone());
        Ok(Session {
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
        })
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

    /// Sets the options of the next transaction (it still begins at the next
    /// statement, also in autocommit mode). Fails if a transaction is already
    /// open.
    pub fn begin_with(&mut self, options: TxOptions) -> Result<()> {
        if self.active {
            return Err(Error::Config(
                "a transaction is already open in this session".into(),
            ));
        }
        self.next = Some(options);
        Ok(())
    }

    /// Switches autocommit mode on or off (off by default). Fails while a
    /// transaction is open.
    ///
    /// In autocommit mode no transaction begins by itself: each statement run
    /// outside a transaction commits on its own, as with the bare drivers (one
    /// round trip for a single-statement write on PostgreSQL, instead of
    /// `BEGIN`, the statement and `COMMIT`). [`begin`](Self::begin) (or
    /// [`begin_with`](Self::begin_with)) opens a transaction that lasts until
    /// [`commit`](Self::commit) or [`rollback`](Self::rollback);
    /// [`savepoint`](Self::savepoint) and [`flush`](Self::flush) outside a
    /// transaction run in a transaction of their own, so they stay atomic.
    pub fn set_autocommit(&mut self, on: bool) -> Result<()> {
        if self.active {
            return Err(Error::Config(
                "autocommit cannot change while a transaction is open".into(),
            ));
        }
        self.autocommit = on;
        Ok(())
    }

    /// Whether the session is in autocommit mode.
    pub fn autocommit(&self) -> bool {
        self.autocommit
    }

    /// Begins a transaction now (a no-op when one is open), with the options
    /// [`begin_with`](Self::begin_with) set, if any. Without autocommit the
    /// first statement does this by itself.
    pub fn begin(&mut self) -> Result<()> {
        if self.active {
            return Ok(());
        }
        self.begin_now()
    }

    /// Whether the open transaction failed: a statement run in it returned an
    /// error, so every statement and [`commit`](Self::commit) return
    /// [`Error::TransactionFailed`] until [`rollback`](Self::rollback).
    pub fn transaction_failed(&self) -> bool {
        self.failed.is_some()
    }

    /// Records that the open transaction wrote when `sql` is not a read
    /// (`SELECT`, `WITH`, `VALUES`, `SHOW`, `EXPLAIN`, `PRAGMA`).
    #[inline]
    fn note(&mut self, sql: &str) {
        if self.active && !self.wrote && !is_read(sql) {
            self.wrote = true;
        }
    }

    #[inline]
    fn ready(&mut self) -> Result<()> {
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
    fn failed_error(&self) -> Error {
        Error::TransactionFailed {
            cause: self.failed.as_deref().unwrap_or_default().to_owned(),
        }
    }

    /// Marks the open transaction failed when `r` is an error (see the
    /// [session states](Self#states)).
    #[inline(always)]
    fn settle<T>(&mut self, r: Result<T>) -> Result<T> {
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

    /// Runs `f`, which may run several statements, atomically: inside the open
    /// transaction (an error fails it, see the [session states](Self#states)),
    /// or, in autocommit mode outside a transaction, in a transaction of its
    /// own that commits when `f` returns `Ok` and rolls back when it returns
    /// `Err`.
    pub(crate) fn atomic<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        if !self.autocommit || self.active {
            return f(self);
        }
        self.begin_now()?;
        let r = f(self);
        self.finish_atomic(r)
    }

    /// Ends the transaction [`atomic`](Self::atomic) began: commits it when
    /// the body succeeded without a failed statement, rolls it back otherwise.
    fn finish_atomic<T>(&mut self, r: Result<T>) -> Result<T> {
        match r {
            Ok(v) if self.failed.is_none() => self.commit_transaction().map(|()| v),
            Ok(_) => {
                let e = self.failed_error();
                let _ = self.rollback_keeping_pending();
                Err(e)
            }
            Err(e) => {
                let _ = self.rollback_keeping_pending();
                Err(e)
            }
        }
    }

    /// Replaces a lost connection (only between transactions: nothing is lost).
    fn replace_connection(&mut self) -> Result<()> {
        // The old connection is discarded by the pool (it is marked broken).
        self.query_only = false;
        self.conn.replace()
    }

    #[cold]
    fn begin_now(&mut self) -> Result<()> {
        let options = self.next.take().unwrap_or_default();
        let isolation = options.isolation.or(self.engine.inner.isolation);
        if self.conn.get().map_or(true, |c| c.is_closed()) {
            self.replace_connection()?;
        }
        let mut attempts = 0;
        loop {
            match self.try_begin(isolation, options.read_only) {
                Err(Error::ConnectionLost { .. }) if attempts < 3 => {
                    // The idle connection died (server restart, terminated backend): no
                    // work is lost yet, so take another one and begin again. Returning
                    // the dead one invalidates its idle siblings.
                    attempts += 1;
                    self.replace_connection()?;
                }
                r => return r,
            }
        }
    }

    fn try_begin(&mut self, isolation: Option<IsolationLevel>, read_only: bool) -> Result<()> {
        let conn = self.conn.get()?;
        let sql = match conn.dialect() {
            Dialect::Postgres => pg_begin(isolation, read_only),
            Dialect::Sqlite => {
                if read_only {
                    conn.batch("PRAGMA query_only = ON")?;
                    self.query_only = true;
                }
                if isolation == Some(IsolationLevel::Serializable) && !read_only {
                    "BEGIN IMMEDIATE"
                } else {
                    "BEGIN"
                }
            }
        };
        let r = self.conn.get()?.control(sql);
        if r.is_err() {
            self.end_query_only();
        }
        r?;
        self.active = true;
        self.emit(Event::Begin { sql });
        Ok(())
    }

    fn end_query_only(&mut self) {
        if self.query_only {
            self.query_only = false;
            if let Ok(conn) = self.conn.get()
                && conn.batch("PRAGMA query_only = OFF").is_err()
            {
                conn.broken = true;
            }
        }
    }

    /// Flushes the unit of work ([`flush`](Self::flush)), then commits the open
    /// transaction (a no-op when none is open). If the flush or the commit fails
    /// the transaction is rolled back and the error returned; the work a failed
    /// flush left queued stays queued.
    ///
    /// A failed transaction (a statement in it returned an error, see the
    /// [session states](Self#states)) is not committed: `commit` returns
    /// [`Error::TransactionFailed`] and the transaction stays open and failed
    /// until [`rollback`](Self::rollback).
    ///
    /// The engine's commit hooks run here
    /// ([`Engine::before_commit`](crate::Engine::before_commit),
    /// [`Engine::after_commit`](crate::Engine::after_commit)); an `Err` from a
    /// `before_commit` hook rolls the transaction back like a failed flush.
    pub fn commit(&mut self) -> Result<()> {
        if self.busy != 0 {
            return Err(Error::Config(
                "commit() called from a hook (a flush, write or commit hook): the flush or \
                 commit in progress commits the hook's work; a hook must not end the \
                 transaction"
                    .into(),
            ));
        }
        if self.failed.is_some() {
            return Err(self.failed_error());
        }
        self.flush_for_commit()?;
        let hooks = self.engine.inner.session_hooks.get();
        if let Some(h) = &hooks
            && self.active
            && !h.before_commit.is_empty()
        {
            let r = self.busy_with(Busy::COMMIT_HOOKS, |s| {
                crate::session_hooks::run_all(&h.before_commit, s)?;
                if !s.active {
                    return Err(Error::Config(
                        "a before_commit hook ended the transaction (commit or rollback): \
                         nothing was committed by this call"
                            .into(),
                    ));
                }
                Ok(())
            });
            if let Err(e) = r {
                // What the hook queued goes with the transaction.
                let _ = self.rollback();
                return Err(e);
            }
            if self.failed.is_some() {
                return Err(self.failed_error());
            }
            if let Err(e) = self.flush_for_commit() {
                let _ = self.rollback();
                return Err(e);
            }
        }
        let was_active = self.active;
        self.commit_transaction()?;
        if let Some(h) = hooks
            && was_active
        {
            self.busy_with(Busy::COMMIT_HOOKS, |s| {
                for f in &h.after_commit {
                    f(s);
                }
            });
        }
        Ok(())
    }

    /// The flushes `commit` starts with: until nothing is queued (a hook of
    /// a flush may queue more work), at most 100. On error the transaction
    /// is rolled back, the failed flush's work staying queued.
    fn flush_for_commit(&mut self) -> Result<()> {
        let mut flushes = 0;
        while !self.uow.is_empty() {
            if flushes == 100 {
                let _ = self.rollback();
                return Err(Error::UnitOfWork(
                    "100 flushes in one commit and work is still queued: a hook queues new \
                     work at every flush"
                        .into(),
                ));
            }
            if let Err(e) = self.flush() {
                let _ = self.rollback_keeping_pending();
                return Err(e);
            }
            flushes += 1;
        }
        Ok(())
    }

    /// Runs `f` with the [`Busy`] flag `flag` set, restoring the flags
    /// afterwards, also when `f` panics.
    pub(crate) fn busy_with<T>(&mut self, flag: u8, f: impl FnOnce(&mut Session) -> T) -> T {
        let before = self.busy;
        self.busy |= flag;
        let r = catch_unwind(AssertUnwindSafe(|| f(self)));
        self.busy = before;
        match r {
            Ok(v) => v,
            Err(panic) => resume_unwind(panic),
        }
    }

    /// Runs `f`, a write with its model's hooks, in a savepoint with the
    /// [`Busy::WRITE_HOOKS`] flag set: an `Err` rolls back the write and
    /// what the hooks wrote.
    pub(crate) fn with_write_hooks<T>(
        &mut self,
        f: impl FnOnce(&mut Session) -> Result<T>,
    ) -> Result<T> {
        self.busy_with(Busy::WRITE_HOOKS, |s| s.savepoint(f))
    }

    /// Commits the open transaction, without flushing.
    fn commit_transaction(&mut self) -> Result<()> {
        self.next = None;
        if !self.active {
            return Ok(());
        }
        self.active = false;
        self.wrote = false;
        self.savepoints = 0;
        let conn = self.conn.get()?;
        let r = conn.control("COMMIT").map_err(|e| match e {
            // The COMMIT may have reached the server before the connection
            // broke: the outcome is unknown, and must not read as "rolled back".
            Error::ConnectionLost { message } => Error::CommitOutcomeUnknown { message },
            other => other,
        });
        if r.is_err() && !conn.is_closed() {
            // SQLite keeps the transaction open after a failed COMMIT (e.g. busy).
            if conn.control("ROLLBACK").is_err() {
                conn.broken = true;
            }
        }
        self.end_query_only();
        r?;
        self.emit(Event::Commit);
        Ok(())
    }

    /// Rolls back the open transaction (a no-op when none is open) and drops
    /// the unit of work's queued writes.
    pub fn rollback(&mut self) -> Result<()> {
        self.uow = crate::query::UnitOfWork::default();
        self.rollback_keeping_pending()
    }

    fn rollback_keeping_pending(&mut self) -> Result<()> {
        self.next = None;
        self.failed = None;
        if !self.active {
            return Ok(());
        }
        self.active = false;
        self.wrote = false;
        self.savepoints = 0;
        let conn = self.conn.get()?;
        let r = conn.control("ROLLBACK");
        if r.is_err() {
            // The connection is in an unknown state: never reuse it.
            conn.broken = true;
        }
        self.end_query_only();
        self.emit(Event::Rollback);
        r
    }

    /// Runs `f` in a transaction on this session: committed when `f` returns
    /// `Ok`, rolled back when it returns `Err` or panics (the panic then
    /// continues). Unlike [`Engine::transaction`](crate::Engine::transaction),
    /// which takes a connection of its own, this uses the session's
    /// connection, its unit of work and its autocommit mode.
    ///
    /// Transactions nest: when one is already open (also the one a session
    /// begins by itself at its first statement), `f` runs in a
    /// [`savepoint`](Self::savepoint) of it instead, and its work becomes
    /// permanent with the outer transaction's commit.
    ///
    /// ```
    /// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
    /// # fn main() -> ormgen::Result<()> {
    /// let engine = ormgen::Engine::connect("sqlite::memory:")?;
    /// let mut s = engine.session()?;
    /// s.execute("create table t (x integer primary key)", ())?;
    /// s.commit()?;
    /// s.transaction(|s| {
    ///     s.execute("insert into t values (1)", ())?;
    ///     // Nested: a savepoint, rolled back alone.
    ///     let r = s.transaction(|s| s.execute("insert into t values (1)", ()));
    ///     assert!(matches!(r, Err(ormgen::Error::UniqueViolation { .. })));
    ///     Ok(())
    /// })?;
    /// assert_eq!(s.query_one::<i64>("select count(*) from t", ())?, 1);
    /// # Ok(()) }
    /// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
    /// # fn main() {}
    /// ```
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        self.transaction_with(TxOptions::default(), f)
    }

    /// [`transaction`](Self::transaction) with an isolation level or
    /// read-only mode. Options apply to a whole transaction, so nested in an
    /// open one they are an error ([`Error::Config`]).
    pub fn transaction_with<T>(
        &mut self,
        options: TxOptions,
        f: impl FnOnce(&mut Session) -> Result<T>,
    ) -> Result<T> {
        let opened = self.open_transaction(options)?;
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(r) => self.close_opened(&opened, r),
            Err(panic) => {
                let unwound: Result<()> =
                    Err(Error::Config("the transaction's code panicked".into()));
                let _ = self.close_opened(&opened, unwound);
                resume_unwind(panic)
            }
        }
    }

    /// The first half of [`transaction_with`](Self::transaction_with):
    /// begins a transaction now, or, when one is open, sets a savepoint in it.
    pub(crate) fn open_transaction(&mut self, options: TxOptions) -> Result<Opened> {
        if self.active {
            if options != TxOptions::default() {
                return Err(Error::Config(
                    "isolation and read-only options apply to a whole transaction, and one is \
                     already open in this session (nested transactions are savepoints): \
                     commit or roll it back first"
                        .into(),
                ));
            }
            return self.open_savepoint().map(Opened::Savepoint);
        }
        self.begin_with(options)?;
        self.begin()?;
        Ok(Opened::Transaction)
    }

    /// The second half of [`transaction_with`](Self::transaction_with) and
    /// [`savepoint`](Self::savepoint), given the body's result: commits or
    /// releases what `opened` is on `Ok`, rolls it back on `Err`.
    pub(crate) fn close_opened<T>(&mut self, opened: &Opened, r: Result<T>) -> Result<T> {
        match (opened, r) {
            (Opened::Savepoint(name), r) => self.close_savepoint(name.as_deref(), r),
            (Opened::Transaction, Ok(v)) => match self.commit() {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.rollback();
                    Err(e)
                }
            },
            (Opened::Transaction, Err(e)) => {
                // The original error matters more than a failed rollback.
                let _ = self.rollback();
                Err(e)
            }
        }
    }

    /// Runs `f` inside a savepoint of the current transaction (beginning one if
    /// needed): released when `f` returns `Ok`, rolled back to when it returns `Err`,
    /// keeping the outer transaction's work. Savepoints nest.
    ///
    /// This is how to recover from an expected error (a unique violation, say)
    /// and keep going: an error inside `f` fails the transaction (see the
    /// [session states](Self#states)), and rolling back to the savepoint clears
    /// that again. If `f` returns `Ok` although a statement in it failed (it
    /// swallowed the error), the savepoint is rolled back too and `savepoint`
    /// returns [`Error::TransactionFailed`].
    pub fn savepoint<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        let name = self.open_savepoint()?;
        let r = f(self);
        self.close_savepoint(name.as_deref(), r)
    }

    /// The first half of [`savepoint`](Self::savepoint): sets a savepoint
    /// and returns its name, or begins a transaction (`None`) when there is
    /// none to save a point of. The async session runs the body in between.
    pub(crate) fn open_savepoint(&mut self) -> Result<Option<String>> {
        if self.autocommit && !self.active {
            self.begin_now()?;
            return Ok(None);
        }
        self.ready()?;
        self.savepoints += 1;
        let name = format!("ormgen_sp_{}", self.savepoints);
        let r = self.conn.get()?.batch(&format!("SAVEPOINT {name}"));
        if let Err(e) = self.settle(r) {
            self.savepoints -= 1;
            return Err(e);
        }
        self.emit(Event::Savepoint { name: &name });
        Ok(Some(name))
    }

    /// The second half of [`savepoint`](Self::savepoint), given the body's
    /// result: releases the savepoint (or commits the transaction
    /// [`open_savepoint`](Self::open_savepoint) began) on `Ok`, rolls back to
    /// it (or rolls the transaction back) on `Err`.
    pub(crate) fn close_savepoint<T>(&mut self, name: Option<&str>, mut r: Result<T>) -> Result<T> {
        let Some(name) = name else {
            return self.finish_atomic(r);
        };
        if r.is_ok() && self.failed.is_some() {
            r = Err(self.failed_error());
        }
        if self.active {
            self.savepoints -= 1;
            match &r {
                Ok(_) => {
                    let done = self.conn.get()?.batch(&format!("RELEASE SAVEPOINT {name}"));
                    self.settle(done)?;
                    self.emit(Event::ReleaseSavepoint { name });
                }
                Err(_) => {
                    let done = self.conn.get()?.batch(&format!(
                        "ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}"
                    ));
                    match done {
                        // The work since the savepoint is undone: the
                        // transaction is healthy again.
                        Ok(()) => self.failed = None,
                        Err(e) => {
                            self.fail(&e);
                            return Err(e);
                        }
                    }
                    self.emit(Event::RollbackToSavepoint { name });
                }
            }
        }
        r
    }

    /// Runs a statement; returns the number of rows affected.
    ///
    /// `sql` is portable (placeholders `?`, `?N`, `$N` or `:name`, translated and
    /// cached per connection) or [`Native`](crate::Native). `params` is a tuple
    /// (`(a, b)`), [`params!`](macro@crate::params), [`named_params!`](crate::named_params),
    /// `()`, or a slice of [`Value`](crate::Value)s.
    #[inline]
    pub fn execute(&mut self, sql: impl AsSql, params: impl Params) -> Result<u64> {
        self.ready()?;
        self.note(sql.as_sql().text());
        let events = &self.engine.inner.events;
        let conn: &mut Conn = self.conn.get()?;
        let r = match sql.as_sql() {
            SqlRef::Native(s) => params.with_values(None, |v| {
                observe(events, s, v, |n| *n, || exec(&mut conn.raw, s, v))
            }),
            SqlRef::Keyed(k) => params.with_values(None, |v| {
                observe(events, k.sql, v, |n| *n, || conn.raw.execute_keyed(k, v))
            }),
            SqlRef::Portable(s) => conn.translated(s).and_then(|(raw, t)| {
                params.with_values(Some(&t.placeholders), |v| {
                    observe(events, &t.sql, v, |n| *n, || exec(&mut *raw, &t.sql, v))
                })
            }),
        };
        let r = conn.note(r);
        self.settle(r)
    }

    /// Runs a query, calling `f` on each row; returns the number of rows. An error
    /// from `f` stops the query. SQLite rows are read one by one as `f` asks for them;
    /// the `postgres` driver receives the whole result first.
    #[inline]
    pub fn for_each<F>(&mut self, sql: impl AsSql, params: impl Params, mut f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<()>,
    {
        self.try_for_each(sql, params, |r| f(r).map(|()| true))
    }

    /// Runs a query, calling `f` on each row until it returns `Ok(false)`; returns the
    /// number of rows read. The primitive under every query method (and a streaming
    /// API for generated code).
    #[inline]
    pub fn try_for_each<F>(&mut self, sql: impl AsSql, params: impl Params, mut f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        self.rows(sql, params, &mut f)
    }

    /// [`try_for_each`](Self::try_for_each) with the row callback behind a
    /// pointer: the statement path is compiled once per kind of SQL and
    /// parameters, not once per row type and callback — which keeps an
    /// application's per-model code small, so a change to one model
    /// recompiles little (an indirect call per row is the price).
    #[inline]
    fn rows(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
        f: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<u64> {
        self.ready()?;
        self.note(sql.as_sql().text());
        let events = &self.engine.inner.events;
        let conn: &mut Conn = self.conn.get()?;
        let r = match sql.as_sql() {
            SqlRef::Native(s) => params.with_values(None, |v| {
                observe(events, s, v, |n| *n, || conn.raw.query(s, v, f))
            }),
            SqlRef::Keyed(k) => params.with_values(None, |v| {
                observe(events, k.sql, v, |n| *n, || conn.raw.query_keyed(k, v, f))
            }),
            SqlRef::Portable(s) => conn.translated(s).and_then(|(raw, t)| {
                params.with_values(Some(&t.placeholders), |v| {
                    observe(events, &t.sql, v, |n| *n, || raw.query(&t.sql, v, f))
                })
            }),
        };
        let r = conn.note(r);
        self.settle(r)
    }

    /// Runs a query and maps every row with `f`.
    ///
    /// ```
    /// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
    /// # fn main() -> ormgen::Result<()> {
    /// # let engine = ormgen::Engine::connect("sqlite::memory:")?;
    /// # let mut s = engine.session()?;
    /// struct P { id: i64, name: String }
    /// let people = s.query_map("select 1 as id, 'Ann' as name", (), |r| {
    ///     Ok(P { id: r.get("id")?, name: r.get(1)? })
    /// })?;
    /// assert_eq!(people[0].name, "Ann");
    /// # Ok(()) }
    /// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
    /// # fn main() {}
    /// ```
    #[inline]
    pub fn query_map<T, F>(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
        mut f: F,
    ) -> Result<Vec<T>>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let mut out = Vec::new();
        self.for_each(sql, params, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Runs a query and decodes every row as `T` ([`FromRow`]: generated models,
    /// tuples of column types, a single column type, or [`OwnedRow`]).
    #[inline]
    pub fn query_as<T: FromRow>(&mut self, sql: impl AsSql, params: impl Params) -> Result<Vec<T>> {
        self.query_map(sql, params, T::from_row)
    }

    /// Runs a query and returns its rows, owned, for dynamic access
    /// (`row.get::<i64>("id")`).
    pub fn query(&mut self, sql: impl AsSql, params: impl Params) -> Result<Vec<OwnedRow>> {
        self.query_as(sql, params)
    }

    /// Runs a query that must return exactly one row: [`Error::NotFound`] for none,
    /// [`Error::TooManyRows`] for more.
    #[inline]
    pub fn query_one<T: FromRow>(&mut self, sql: impl AsSql, params: impl Params) -> Result<T> {
        self.query_opt(sql, params)?.ok_or(Error::NotFound)
    }

    /// Runs a query and decodes its first row, if any, without reading further — for
    /// lookups by a unique key, where the database guarantees at most one row.
    #[inline]
    pub fn query_first<T: FromRow>(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
    ) -> Result<Option<T>> {
        let mut out = None;
        self.try_for_each(sql, params, |r| {
            out = Some(T::from_row(r)?);
            Ok(false)
        })?;
        Ok(out)
    }

    /// Runs a query that returns at most one row: `None` for none,
    /// [`Error::TooManyRows`] for more.
    #[inline]
    pub fn query_opt<T: FromRow>(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
    ) -> Result<Option<T>> {
        let mut out = None;
        self.for_each(sql, params, |r| {
            if out.is_some() {
                return Err(Error::TooManyRows);
            }
            out = Some(T::from_row(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The query builder's SQL for fingerprint `key` (see
    /// the query module's `fingerprint`), from the connection's cache of rendered
    /// statements; `render` writes it on a miss.
    #[inline]
    pub(crate) fn rendered_sql(
        &mut self,
        key: u128,
        render: impl FnOnce() -> String,
    ) -> Result<std::sync::Arc<str>> {
        Ok(self.conn.get()?.rendered(key, render))
    }

    /// For the query builder's streaming iterator ([`crate::query`]): begins the
    /// transaction if needed and lends the connection, the engine's listeners
    /// and, inside a transaction, the slot an error of the stream fails it with
    /// (see [`mark_failed`]).
    #[allow(clippy::type_complexity)]
    pub(crate) fn conn_for_stream(
        &mut self,
    ) -> Result<(&mut Conn, &Events, Option<&mut Option<Box<str>>>)> {
        self.ready()?;
        let events = &self.engine.inner.events;
        let failed = if self.active {
            Some(&mut self.failed)
        } else {
            None
        };
        let conn = self.conn.get()?;
        Ok((conn, events, failed))
    }

    /// Runs one or more statements without parameters (DDL, scripts), in the
    /// session's transaction.
    pub fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.ready()?;
        self.note(sql);
        let events = &self.engine.inner.events;
        let conn = self.conn.get()?;
        let r = observe(
            events,
            sql,
            &[],
            |_| 0,
            || match &mut conn.raw {
                #[cfg(feature = "rusqlite")]
                RawConn::Sqlite(c) => c.batch(sql),
                #[cfg(feature = "postgres")]
                RawConn::Pg(c) => c.batch(sql),
            },
        );
        let r = conn.note(r);
        self.settle(r)
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

#[inline(always)]
fn exec(raw: &mut RawConn, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
    raw.execute(sql, params)
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
