//! Beginning, committing and rolling back a session's transaction:
//! isolation and read-only options, autocommit, savepoints and nesting,
//! `transaction(|s| ..)`, and the commit hooks' place in `commit`.

use super::hooks::Busy;
use super::*;

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

/// A failed `COMMIT`'s error: a lost connection leaves the outcome unknown
/// (the `COMMIT` may have reached the server before the connection broke),
/// which must not read as "rolled back".
pub(super) fn commit_outcome(e: Error) -> Error {
    match e {
        Error::ConnectionLost { message } => Error::CommitOutcomeUnknown { message },
        other => other,
    }
}

pub(super) fn pg_begin(iso: Option<IsolationLevel>, ro: bool) -> &'static str {
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

impl Session {
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
    pub(super) fn finish_atomic<T>(&mut self, r: Result<T>) -> Result<T> {
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
    pub(super) fn replace_connection(&mut self) -> Result<()> {
        // The old connection is discarded by the pool (it is marked broken).
        self.query_only = false;
        self.conn.replace()
    }

    /// The next transaction's isolation level (the engine's default when
    /// unset) and read-only flag.
    pub(super) fn next_options(&self) -> (Option<IsolationLevel>, bool) {
        let options = self.next.unwrap_or_default();
        (
            options.isolation.or(self.engine.inner.isolation),
            options.read_only,
        )
    }

    #[cold]
    pub(super) fn begin_now(&mut self) -> Result<()> {
        let (isolation, read_only) = self.next_options();
        self.next = None;
        if self.conn.get().map_or(true, |c| c.is_closed() || c.retired) {
            self.replace_connection()?;
        }
        let mut attempts = 0;
        loop {
            match self.try_begin(isolation, read_only) {
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

    pub(super) fn try_begin(
        &mut self,
        isolation: Option<IsolationLevel>,
        read_only: bool,
    ) -> Result<()> {
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

    pub(super) fn end_query_only(&mut self) {
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
    pub(super) fn flush_for_commit(&mut self) -> Result<()> {
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

    /// Forgets the next transaction's options and, when a transaction is
    /// open, marks it ended (its `COMMIT` or `ROLLBACK` is the caller's);
    /// returns whether one was.
    pub(super) fn end_transaction(&mut self) -> bool {
        self.next = None;
        if !self.active {
            return false;
        }
        self.active = false;
        self.wrote = false;
        self.savepoints = 0;
        true
    }

    /// Commits the open transaction, without flushing.
    pub(super) fn commit_transaction(&mut self) -> Result<()> {
        if !self.end_transaction() {
            return Ok(());
        }
        let conn = self.conn.get()?;
        let r = conn.control("COMMIT").map_err(commit_outcome);
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

    pub(super) fn rollback_keeping_pending(&mut self) -> Result<()> {
        self.failed = None;
        if !self.end_transaction() {
            return Ok(());
        }
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
}
