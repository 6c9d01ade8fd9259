//! The session's side of a statement an [`AsyncSession`](crate::AsyncSession)
//! runs on its own task (features `postgres` + `async`, a connection of an
//! async engine): the checks and state changes [`Session::execute`] and
//! `rows` make around a statement, split in two — before the statement is
//! sent ([`Session::native_start`]) and after its answer
//! ([`Session::native_finish`]) — because the task awaits the answer
//! without holding the session.

use std::sync::Arc;

use super::transaction::{commit_outcome, pg_begin};
use super::*;
use crate::backend::pg_native::Connection;
use crate::backend::postgres::{Control, PgClient, PgConn};

/// The session's connection, lent to a task.
pub(crate) struct NativeIo {
    /// The client, shared with the session's connection.
    pub(crate) client: Arc<tokio_postgres::Client>,
    /// The connection half, lent until [`Session::native_return`].
    pub(crate) connection: Box<Connection>,
    /// The runtime to send a cancel request from if the task is dropped
    /// half way (see [`NativeIo::cancel`]).
    pub(crate) runtime: tokio::runtime::Handle,
}

impl NativeIo {
    /// Asks the server to stop the statement running on this connection.
    pub(crate) fn cancel(&self) {
        CancelHandle::postgres_native(&self.client, self.runtime.clone()).cancel();
    }
}

/// What a task needs to run one statement itself.
pub(crate) struct NativeStart {
    pub(crate) io: NativeIo,
    /// The statement, when the connection has it prepared already.
    pub(crate) statement: Option<postgres::Statement>,
    /// The `BEGIN` to send first (autobegin), if any.
    pub(crate) begin: Option<&'static str>,
}

impl Session {
    /// A session on an idle connection of `engine`'s pool, taken without
    /// waiting or I/O (see `Pool::try_idle`); `None` when there is none.
    pub(crate) fn from_idle(engine: &Engine) -> Option<Session> {
        if engine.inner.events.observed() {
            // Listeners (of the checkout too) run on the thread.
            return None;
        }
        let conn = engine.inner.pool.try_idle()?;
        Some(Session::with_conn(engine.clone(), conn))
    }

    /// Prepares to run `sql` from a task: `None` when the statement must
    /// take the connection thread's way (no connection checked out yet, a
    /// blocking connection, listeners to call, a hook running, a lost
    /// connection to replace before a `BEGIN`); `Some(Err)` when the
    /// transaction is failed (see the [session states](Self#states)).
    pub(crate) fn native_start(&mut self, sql: &str) -> Option<Result<NativeStart>> {
        if self.busy != 0 || self.engine.inner.events.observed() {
            return None;
        }
        let begin = if self.active {
            if self.failed.is_some() {
                return Some(Err(self.failed_error()));
            }
            None
        } else if self.autocommit && self.next.is_none() {
            None
        } else {
            Some(self.next_begin())
        };
        let (io, c) = self.native_io()?;
        let statement = c.cached_statement(sql);
        Some(Ok(NativeStart {
            io,
            statement,
            begin,
        }))
    }

    /// The `BEGIN` of the next transaction, with its options.
    fn next_begin(&self) -> &'static str {
        let (isolation, read_only) = self.next_options();
        pg_begin(isolation, read_only)
    }

    /// Lends the connection to a task, with the connection itself: `None`
    /// when it cannot (no connection checked out, a blocking one, one that
    /// is lent already) or when it is known closed or retired between
    /// transactions (the thread's way replaces it before a `BEGIN`, and
    /// otherwise reports the loss).
    fn native_io(&mut self) -> Option<(NativeIo, &mut PgConn)> {
        let between = !self.active;
        let conn = self.conn.get().ok()?;
        if conn.is_closed() || (conn.retired && between) {
            return None;
        }
        // Irrefutable without SQLite compiled in.
        #[allow(irrefutable_let_patterns)]
        let RawConn::Pg(c) = &mut conn.raw else {
            return None;
        };
        let PgClient::Native(native) = &mut c.client else {
            return None;
        };
        let io = NativeIo {
            connection: native.take_connection()?,
            client: native.client.clone(),
            runtime: native.handle().clone(),
        };
        Some((io, c))
    }

    /// [`begin`](Self::begin) from a task: `Some(Ok(Some((io, sql))))` when
    /// the task is to send `sql` (then [`native_begun`](Self::native_begun)),
    /// `Some(Ok(None))` when a transaction is open already; `None`: the
    /// thread's way.
    pub(crate) fn native_begin(&mut self) -> Option<Result<Option<(NativeIo, &'static str)>>> {
        if self.engine.inner.events.observed() {
            return None;
        }
        if self.active {
            return Some(Ok(None));
        }
        let sql = self.next_begin();
        let (io, _) = self.native_io()?;
        Some(Ok(Some((io, sql))))
    }

    /// [`commit`](Self::commit) from a task, when it has nothing to run but
    /// the `COMMIT` (no unit of work queued, no commit hook, not inside a
    /// hook): the transaction is marked ended and the task is to send
    /// `COMMIT` (`Some(Ok(Some(io)))`); with no transaction open, it is
    /// done (`Some(Ok(None))`).
    pub(crate) fn native_commit(&mut self) -> Option<Result<Option<NativeIo>>> {
        if self.busy != 0
            || !self.uow.is_empty()
            || self.engine.inner.session_hooks.get().is_some()
            || self.engine.inner.events.observed()
        {
            return None;
        }
        if self.failed.is_some() {
            return Some(Err(self.failed_error()));
        }
        if !self.active {
            self.next = None;
            return Some(Ok(None));
        }
        let (io, _) = self.native_io()?;
        self.end_transaction();
        Some(Ok(Some(io)))
    }

    /// After the `COMMIT` a task sent (and, when it failed on a live
    /// connection, its `ROLLBACK`), as `commit_transaction`.
    pub(crate) fn native_committed(
        &mut self,
        commit: Result<()>,
        rollback: Option<Result<()>>,
    ) -> Result<()> {
        if let Some(Err(_)) = rollback
            && let Ok(conn) = self.conn.get()
        {
            conn.broken = true;
        }
        let r = match self.conn.get() {
            Ok(conn) => conn.note(commit),
            Err(_) => commit,
        }
        .map_err(commit_outcome);
        if let Some(c) = self.native_conn_any() {
            c.after(Control::Commit, r.is_ok());
        }
        r?;
        self.emit(Event::Commit);
        Ok(())
    }

    /// [`rollback`](Self::rollback) from a task: the unit of work is
    /// dropped and the transaction marked ended; `Some(Some(io))` when the
    /// task is to send `ROLLBACK`, `Some(None)` when none was open.
    pub(crate) fn native_rollback(&mut self) -> Option<Option<NativeIo>> {
        if self.busy != 0 || self.engine.inner.events.observed() {
            return None;
        }
        if !self.active {
            self.rollback().ok()?;
            return Some(None);
        }
        let (io, _) = self.native_io()?;
        self.uow = crate::query::UnitOfWork::default();
        self.failed = None;
        self.end_transaction();
        Some(Some(io))
    }

    /// After the `ROLLBACK` a task sent, as `rollback_keeping_pending`.
    pub(crate) fn native_rolled_back(&mut self, r: Result<()>) -> Result<()> {
        if r.is_err()
            && let Ok(conn) = self.conn.get()
        {
            conn.broken = true;
        }
        if let Some(c) = self.native_conn_any() {
            c.after(Control::Rollback { partial: false }, true);
        }
        self.emit(Event::Rollback);
        r
    }

    /// Gives the connection half back after a task's statement (or its
    /// abandonment); `closed` when it ended meanwhile.
    pub(crate) fn native_return(&mut self, connection: Box<Connection>, closed: bool) {
        if let Some(c) = self.native_conn_any()
            && let PgClient::Native(native) = &mut c.client
        {
            native.put_connection(connection, closed);
        }
    }

    fn native_conn_any(&mut self) -> Option<&mut PgConn> {
        match &mut self.conn.get().ok()?.raw {
            RawConn::Pg(c) => Some(c),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Marks the connection lost (its `BEGIN` from a task failed so): the
    /// next statement replaces it, as `begin_now` does.
    pub(crate) fn native_lost(&mut self) {
        if let Ok(c) = self.conn.get() {
            c.broken = true;
        }
    }

    /// Raw SQL's text in the dialect (portable placeholders translated, with
    /// the connection's cache) and its placeholders, for a task.
    pub(crate) fn native_sql(
        &mut self,
        sql: crate::params::SqlRef<'_>,
    ) -> Result<(Box<str>, Option<crate::params::Placeholders>)> {
        use crate::params::SqlRef;
        Ok(match sql {
            SqlRef::Native(s) => (s.into(), None),
            SqlRef::Keyed(k) => (k.sql.into(), None),
            SqlRef::Portable(s) => {
                let (_, t) = self.conn.get()?.translated(s)?;
                (t.sql.clone(), Some(t.placeholders.clone()))
            }
        })
    }

    /// Records the `BEGIN` a task sent, as `begin_now` does.
    pub(crate) fn native_begun(&mut self, sql: &'static str) {
        if let Some(c) = self.native_conn_any() {
            c.after(Control::Begin, true);
        }
        self.next = None;
        self.active = true;
        self.emit(Event::Begin { sql });
    }

    /// Keeps a statement a task prepared in the connection's cache.
    pub(crate) fn native_prepared(&mut self, sql: &str, statement: postgres::Statement) {
        if let Some(c) = self.native_conn_any() {
            c.keep_statement(sql, statement);
        }
    }

    /// What follows a task's statement `sql` with result `r`, as after a
    /// statement the session runs: a write is noted, DDL clears the
    /// connections' statement caches, a stale plan is evicted, a lost
    /// connection is marked for the pool, an error fails the transaction.
    pub(crate) fn native_finish<T>(&mut self, sql: &str, r: Result<T>) -> Result<T> {
        self.note(sql);
        if let Some(c) = self.native_conn_any() {
            c.after_statement(sql, r.as_ref().err());
        }
        let r = match self.conn.get() {
            Ok(conn) => conn.note(r),
            Err(_) => r,
        };
        self.settle(r)
    }

    /// A task's `COMMIT` or `ROLLBACK` was abandoned (its future dropped):
    /// the request, once queued, reaches the server when the connection is
    /// next polled, but the caller cannot know whether it did — the
    /// connection is retired (replaced before the session's next
    /// transaction, closed when returned).
    pub(crate) fn native_end_abandoned(&mut self) {
        if let Ok(conn) = self.conn.get() {
            conn.retired = true;
        }
    }

    /// A task's statement was abandoned (its future dropped) after it may
    /// have reached the server: a cancel request is on its way, and inside
    /// a transaction (or with its `BEGIN` sent) the transaction is failed,
    /// as when a statement the session runs is interrupted. The connection
    /// goes on serving this session but is closed when returned, not
    /// pooled: a cancel request that arrives late stops whatever statement
    /// its connection runs then (SQLAlchemy's async engines invalidate such
    /// connections too).
    pub(crate) fn native_abandoned(&mut self, began: bool) {
        if let Ok(conn) = self.conn.get() {
            conn.retired = true;
        }
        if began || self.active {
            self.active = true;
            mark_failed(
                &mut self.failed,
                &Error::Cancelled {
                    message: "the statement's future was dropped before it finished".into(),
                },
            );
        }
    }
}
