//! [`AsyncSession`]: a [`Session`] for async code.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use super::engine::AsyncEngine;
use super::lock;
#[cfg(feature = "postgres")]
use super::native;
use super::stream::{self, AsyncRows};
use super::worker::{Slot, Worker};
use crate::engine::should_retry;
use crate::error::{Error, Result};
use crate::params::{AsSql, Params};
#[cfg(feature = "postgres")]
use crate::query::{Decode, StatementKind as Kind};
use crate::query::{Executable, FetchAll, Insertable, ModelOf, PrimaryKey, Query, RowType, Table};
#[cfg(feature = "postgres")]
use crate::row::Row;
use crate::row::{FromRow, OwnedRow};
use crate::session::{Opened, Session, TxOptions};

/// A boxed, sendable future: what the closure of
/// [`AsyncSession::transaction`] returns (`|s| Box::pin(async move { .. })`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A session for async code: a [`Session`] (its transaction, savepoints,
/// unit of work and caches) kept by a connection thread of its own. Sync
/// work is sent there and awaited, so the executor never waits for the
/// database, and the semantics are the sync session's: a transaction begins
/// with the first statement and stays open until [`commit`](Self::commit)
/// or [`rollback`](Self::rollback); dropping the session rolls back what is
/// open and returns the connection to the pool.
///
/// Queries built with the generated API run unchanged:
/// `s.all(User::query().filter(user::name.eq("Ann"))).await`, rows built
/// with it are inserted with [`insert`](Self::insert), and any sync code
/// runs on the session's thread with [`run_sync`](Self::run_sync)
/// (SQLAlchemy's `AsyncSession.run_sync`): the unit of work, eager loading,
/// `Tracked` saves, migrations, generated `update` calls; [`get`](Self::get)
/// reads a row by primary key.
///
/// On PostgreSQL (an engine made inside a tokio runtime) the terminals,
/// `get`, `insert`, raw `execute` and `query*`, `begin`, `commit` and
/// `rollback` send their statement from the
/// awaiting task itself when nothing needs the thread (see the
/// [module docs](crate::nonblocking)), at bare `tokio-postgres` speed.
///
/// **Cancellation.** Dropping one of its futures (a request timed out) never
/// leaves the session inconsistent: work not started is skipped; a
/// statement running is interrupted (SQLite `sqlite3_interrupt`, a
/// PostgreSQL cancel request), and fails like any statement — inside a
/// transaction that fails the transaction until `rollback`. A dropped
/// [`transaction`](Self::transaction) future rolls its transaction back. A
/// PostgreSQL connection whose statement was dropped from the task serves
/// its session on, but is closed rather than pooled when returned (a late
/// cancel request must not reach another session's statement); a dropped
/// `commit` or `rollback` leaves its outcome unknown, and its connection is
/// replaced before the session's next transaction.
pub struct AsyncSession {
    engine: AsyncEngine,
    worker: Option<Worker>,
}

impl fmt::Debug for AsyncSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncSession")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl AsyncSession {
    pub(crate) fn new(engine: AsyncEngine) -> AsyncSession {
        AsyncSession {
            engine,
            worker: None,
        }
    }

    /// The engine this session belongs to.
    pub fn engine(&self) -> &AsyncEngine {
        &self.engine
    }

    fn worker(&mut self) -> Result<&mut Worker> {
        let worker = match &mut self.worker {
            Some(w) => w,
            none => none.insert(self.engine.worker()?),
        };
        Ok(worker)
    }

    /// The connection thread's handle when the session is on PostgreSQL, so
    /// a statement may be sent from the task ([`native`]). A session without
    /// a connection takes an idle one of the pool here when it can without
    /// waiting (otherwise its thread checks one out).
    #[cfg(feature = "postgres")]
    fn native(&mut self) -> Option<&Worker> {
        if self.engine.dialect() != crate::Dialect::Postgres {
            return None;
        }
        // The fields apart: the engine is read while the worker is borrowed.
        let worker = match &mut self.worker {
            Some(w) => w,
            none => none.insert(self.engine.worker().ok()?),
        };
        if let Some(slot) = worker.idle_slot()
            && let Some(mut slot) = native::try_lock(slot)
            && slot.session_if_open().is_none()
            && let Some(s) = Session::from_idle(self.engine.engine())
        {
            slot.adopt(s);
        }
        Some(worker)
    }

    /// Sends a job to the connection thread with its slot (the job checks
    /// the session out itself).
    pub(crate) async fn call_slot<T, F>(&mut self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Slot) -> Result<T> + Send + 'static,
    {
        self.worker()?.call(f).await
    }

    /// Sends a job needing the session to the connection thread.
    async fn call<T, F>(&mut self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Session) -> Result<T> + Send + 'static,
    {
        let call = self
            .worker()?
            .call(move |slot: &mut Slot| f(slot.session()?));
        call.await
    }

    /// Runs sync code on the session's thread with the session itself, e.g.
    /// `s.run_sync(move |s| User::insert(s, NewUser::new(&email))).await`.
    /// `f` owns what it uses (`move`); its result comes back.
    pub async fn run_sync<T, F>(&mut self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Session) -> Result<T> + Send + 'static,
    {
        self.call(f).await
    }

    // ---- the query builder's terminals --------------------------------

    /// All rows of a query built with the generated API ([`Query::all`]),
    /// or of an eager load (`User::query().with(user::posts)`, [`FetchAll`]).
    pub async fn all<Q>(&mut self, q: Q) -> Result<Vec<Q::Row>>
    where
        Q: FetchAll + Send + 'static,
        Q::Row: Send + 'static,
    {
        #[cfg(feature = "postgres")]
        if let Some((st, decode)) = q.plain()
            && let Some(r) =
                native::select(self.native(), st, Kind::Select, decode, usize::MAX).await
        {
            return r.map(|(rows, _)| rows);
        }
        self.call(move |s| q.fetch_all(s)).await
    }

    /// The first row of a query, if any ([`Query::first`]).
    pub async fn first<S, R, G>(&mut self, q: Query<S, R, G>) -> Result<Option<R::Row>>
    where
        S: 'static,
        R: RowType<S> + 'static,
        G: Executable + 'static,
        R::Row: Send + 'static,
    {
        #[cfg(feature = "postgres")]
        let q = {
            let mut q = q;
            q.st.limit = Some(1);
            let decode = <R::Row as Decode>::decode;
            if let Some(r) = native::select(self.native(), &q.st, Kind::Select, decode, 1).await {
                return r.map(|(rows, _)| rows.into_iter().next());
            }
            q
        };
        self.call(move |s| q.first(s)).await
    }

    /// Exactly one row ([`Query::one`]): `NotFound` for none, `TooManyRows`
    /// for more.
    pub async fn one<S, R, G>(&mut self, q: Query<S, R, G>) -> Result<R::Row>
    where
        S: 'static,
        R: RowType<S> + 'static,
        G: Executable + 'static,
        R::Row: Send + 'static,
    {
        #[cfg(feature = "postgres")]
        let q = {
            let mut q = q;
            q.st.limit = Some(q.st.limit.map_or(2, |l| l.min(2)));
            let decode = <R::Row as Decode>::decode;
            if let Some(r) = native::select(self.native(), &q.st, Kind::Select, decode, 1).await {
                return r.and_then(native::exactly_one);
            }
            q
        };
        self.call(move |s| q.one(s)).await
    }

    /// The number of rows of a query ([`Query::count`]).
    pub async fn count<S, R, G>(&mut self, q: Query<S, R, G>) -> Result<i64>
    where
        S: 'static,
        R: RowType<S> + 'static,
        G: Executable + 'static,
    {
        #[cfg(feature = "postgres")]
        if let Some(r) = native::scalar(self.native(), &q.st, Kind::Count).await {
            return r;
        }
        self.call(move |s| q.count(s)).await
    }

    /// Whether a query returns any row ([`Query::exists`]).
    pub async fn exists<S, R, G>(&mut self, q: Query<S, R, G>) -> Result<bool>
    where
        S: 'static,
        R: RowType<S> + 'static,
        G: Executable + 'static,
    {
        #[cfg(feature = "postgres")]
        if let Some(r) = native::scalar(self.native(), &q.st, Kind::Exists).await {
            return r;
        }
        self.call(move |s| q.exists(s)).await
    }

    /// The row of table `T` with primary key `key`, if any:
    /// [`get`](crate::query::get), the generated `User::get`, as
    /// `s.get(user::table, 7).await`.
    pub async fn get<T, K>(&mut self, table: T, key: K) -> Result<Option<T::Model>>
    where
        T: Table,
        K: PrimaryKey<T::PrimaryKey> + Send + 'static,
        T::Model: Send + 'static,
    {
        let _ = table;
        let key = key.key_values();
        #[cfg(feature = "postgres")]
        if let Some(worker) = self.native() {
            let sql = T::GET.get(crate::Dialect::Postgres)?;
            let params: Vec<&dyn crate::ToParam> =
                key.iter().map(|v| v as &dyn crate::ToParam).collect();
            if let Some(r) = native::first_row(worker, sql, &params, true).await {
                return r.map(|(rows, _)| rows.into_iter().next());
            }
        }
        self.call(move |s| {
            let sql = T::GET.get(s.dialect())?;
            crate::query::fetch_first::<T::Model, _>(s, sql, &key)
        })
        .await
    }

    /// Inserts one row built with the generated API (`NewUser::new(..)`) and
    /// returns it as stored: [`insert`](crate::query::insert), the
    /// generated `User::insert`, with the model's hooks if it has any.
    pub async fn insert<N>(&mut self, new: N) -> Result<ModelOf<N>>
    where
        N: Insertable + Send + 'static,
        ModelOf<N>: Send + 'static,
    {
        #[cfg(feature = "postgres")]
        let new = {
            let mut new = new;
            if !N::HOOKS
                && let Some(worker) = self.native()
            {
                new.fill_defaults();
                let sql = N::INSERT.get(crate::Dialect::Postgres)?;
                let mut params: Vec<&dyn crate::ToParam> = Vec::with_capacity(N::COLUMNS.len());
                new.params(&mut params);
                let sent = native::first_row(worker, sql, &params, false).await;
                if let Some(r) = sent {
                    return r.and_then(native::exactly_one);
                }
            }
            new
        };
        self.call(move |s| crate::query::insert(s, new)).await
    }

    /// Streams a query's rows ([`Query::iter`] on the connection thread):
    /// each row is decoded there and handed over as it comes, at most 256
    /// waiting. Errors (also opening the query's) arrive as the last item.
    pub fn stream<S, R, G>(&mut self, q: Query<S, R, G>) -> AsyncRows<'_, R::Row>
    where
        S: 'static,
        R: RowType<S> + 'static,
        G: Executable + 'static,
        R::Row: Send + 'static,
    {
        let (tx, rx) = stream::channel();
        let job = match self.worker() {
            Ok(w) => w.call(move |slot| {
                let rows = slot.session().and_then(|s| {
                    for row in q.iter(s)? {
                        // The reader is gone: stop reading.
                        if tx.blocking_send(row).is_err() {
                            break;
                        }
                    }
                    Ok(())
                });
                if let Err(e) = rows {
                    let _ = tx.blocking_send(Err(e));
                }
                Ok(())
            }),
            Err(e) => {
                let _ = tx.try_send(Err(e));
                return AsyncRows::new(rx, None);
            }
        };
        AsyncRows::new(rx, Some(job))
    }

    // ---- raw SQL -------------------------------------------------------

    /// [`Session::execute`]: runs a statement, returns the rows affected.
    pub async fn execute<Q, P>(&mut self, sql: Q, params: P) -> Result<u64>
    where
        Q: AsSql + Send + 'static,
        P: Params + Send + 'static,
    {
        #[cfg(feature = "postgres")]
        let (sql, params) =
            match native::raw(self.native(), sql, params, native::Want::Count, |a| {
                Ok(a.count)
            })
            .await
            {
                Ok(r) => return r,
                Err(back) => back,
            };
        self.call(move |s| s.execute(sql, params)).await
    }

    /// [`Session::batch_execute`]: statements without parameters.
    pub async fn batch_execute(&mut self, sql: impl Into<String>) -> Result<()> {
        let sql = sql.into();
        self.call(move |s| s.batch_execute(&sql)).await
    }

    /// [`Session::query_as`]: every row decoded as `T`.
    pub async fn query_as<T, Q, P>(&mut self, sql: Q, params: P) -> Result<Vec<T>>
    where
        T: FromRow + Send + 'static,
        Q: AsSql + Send + 'static,
        P: Params + Send + 'static,
    {
        #[cfg(feature = "postgres")]
        let (sql, params) = match native::raw(self.native(), sql, params, native::Want::Rows, |a| {
            let n = a.rows.len();
            a.rows
                .iter()
                .map(|r| T::from_row(&Row::pg_of(r, n)))
                .collect()
        })
        .await
        {
            Ok(r) => return r,
            Err(back) => back,
        };
        self.call(move |s| s.query_as(sql, params)).await
    }

    /// [`Session::query`]: every row, owned, for dynamic access.
    pub async fn query<Q, P>(&mut self, sql: Q, params: P) -> Result<Vec<OwnedRow>>
    where
        Q: AsSql + Send + 'static,
        P: Params + Send + 'static,
    {
        self.query_as(sql, params).await
    }

    /// [`Session::query_one`]: exactly one row.
    pub async fn query_one<T, Q, P>(&mut self, sql: Q, params: P) -> Result<T>
    where
        T: FromRow + Send + 'static,
        Q: AsSql + Send + 'static,
        P: Params + Send + 'static,
    {
        self.query_opt(sql, params).await?.ok_or(Error::NotFound)
    }

    /// [`Session::query_opt`]: at most one row.
    pub async fn query_opt<T, Q, P>(&mut self, sql: Q, params: P) -> Result<Option<T>>
    where
        T: FromRow + Send + 'static,
        Q: AsSql + Send + 'static,
        P: Params + Send + 'static,
    {
        // More than one row fails the transaction, as on the thread.
        #[cfg(feature = "postgres")]
        let (sql, params) =
            match native::raw(
                self.native(),
                sql,
                params,
                native::Want::Rows,
                |a| match &a.rows[..] {
                    [] => Ok(None),
                    [row] => T::from_row(&Row::pg_of(row, 1)).map(Some),
                    _ => Err(Error::TooManyRows),
                },
            )
            .await
            {
                Ok(r) => return r,
                Err(back) => back,
            };
        self.call(move |s| s.query_opt(sql, params)).await
    }

    // ---- transactions --------------------------------------------------

    /// Whether a transaction is open (without checking a connection out when
    /// the session has none yet).
    pub async fn in_transaction(&mut self) -> Result<bool> {
        self.worker()?
            .call(|slot| Ok(slot.session_if_open().is_some_and(|s| s.in_transaction())))
            .await
    }

    /// [`Session::begin`]: the next statement begins a transaction (also in
    /// autocommit mode).
    pub async fn begin(&mut self) -> Result<()> {
        #[cfg(feature = "postgres")]
        if let Some(r) = native::begin(self.native()).await {
            return r;
        }
        self.call(|s| s.begin()).await
    }

    /// [`Session::begin_with`]: the next transaction with an isolation level
    /// or read-only mode.
    pub async fn begin_with(&mut self, options: TxOptions) -> Result<()> {
        self.call(move |s| s.begin_with(options)).await
    }

    /// [`Session::set_autocommit`].
    pub async fn set_autocommit(&mut self, on: bool) -> Result<()> {
        self.call(move |s| s.set_autocommit(on)).await
    }

    /// [`Session::commit`]: commits the open transaction (if any).
    pub async fn commit(&mut self) -> Result<()> {
        #[cfg(feature = "postgres")]
        if let Some(r) = native::commit(self.native()).await {
            return r;
        }
        self.call(|s| s.commit()).await
    }

    /// [`Session::rollback`]: rolls back the open transaction (if any).
    pub async fn rollback(&mut self) -> Result<()> {
        #[cfg(feature = "postgres")]
        if let Some(r) = native::rollback(self.native()).await {
            return r;
        }
        self.call(|s| s.rollback()).await
    }

    /// Runs `f` in a transaction on this session: begun here, committed when
    /// `f`'s future returns `Ok`, rolled back when it returns `Err` — and
    /// when the future is dropped before it finishes (a timeout), so a
    /// cancelled request never leaves its transaction open. Inside `f`, use
    /// the session it receives: `s.transaction(|s| Box::pin(async move { ..
    /// s.execute(..).await?; .. Ok(x) })).await`. Transactions nest: when
    /// one is already open, `f` runs in a [`savepoint`](Self::savepoint) of
    /// it (as [`Session::transaction`]).
    pub async fn transaction<T, F>(&mut self, f: F) -> Result<T>
    where
        T: Send,
        F: for<'a> FnOnce(&'a mut AsyncSession) -> BoxFuture<'a, Result<T>> + Send,
    {
        self.transaction_with(TxOptions::default(), f).await
    }

    /// [`transaction`](Self::transaction) with an isolation level or
    /// read-only mode.
    pub async fn transaction_with<T, F>(&mut self, options: TxOptions, f: F) -> Result<T>
    where
        T: Send,
        F: for<'a> FnOnce(&'a mut AsyncSession) -> BoxFuture<'a, Result<T>> + Send,
    {
        self.opened(move |s| s.open_transaction(options), f).await
    }

    /// [`transaction_with`](Self::transaction_with) again, up to
    /// `max_attempts` times, while it fails with a retryable error (a
    /// serialization failure, a deadlock, SQLite's busy) — the async form of
    /// [`Engine::transaction_retry`](crate::Engine::transaction_retry). `f`
    /// is called once per attempt, so it must be `FnMut`; the waits between
    /// attempts happen on the connection thread.
    pub async fn transaction_retry<T, F>(
        &mut self,
        options: TxOptions,
        max_attempts: usize,
        mut f: F,
    ) -> Result<T>
    where
        T: Send,
        F: for<'a> FnMut(&'a mut AsyncSession) -> BoxFuture<'a, Result<T>> + Send,
    {
        let mut attempt = 0usize;
        loop {
            attempt += 1;
            match self.transaction_with(options, &mut f).await {
                Err(e) if attempt < max_attempts && (e.is_retryable() || e.is_unreached()) => {
                    // The wait happens on the connection thread.
                    self.call(move |_| {
                        should_retry(&e, attempt);
                        Ok(())
                    })
                    .await?;
                }
                r => return r,
            }
        }
    }

    /// Runs `f` inside a savepoint (SQLAlchemy's `begin_nested`, the sync
    /// [`Session::savepoint`]): released when `f`'s future returns `Ok`,
    /// rolled back to when it returns `Err` or is dropped before it finishes,
    /// keeping the outer transaction's work either way. Outside a
    /// transaction it begins the session's transaction first (as any
    /// statement does), or, in autocommit mode, runs `f` in a transaction of
    /// its own, committed or rolled back at the end. Savepoints nest:
    /// `s.savepoint(|s| Box::pin(async move { .. s.savepoint(..).await .. }))`.
    pub async fn savepoint<T, F>(&mut self, f: F) -> Result<T>
    where
        T: Send,
        F: for<'a> FnOnce(&'a mut AsyncSession) -> BoxFuture<'a, Result<T>> + Send,
    {
        self.opened(|s| s.open_savepoint().map(Opened::Savepoint), f)
            .await
    }

    /// Opens a transaction or a savepoint with `open` on the connection
    /// thread, runs `f` in it, and commits / releases it or rolls it back.
    ///
    /// Cancellation safe at every await: a guard lives from before the open
    /// job is sent until the body's future finished, and when dropped it
    /// sends a job that undoes what the open job recorded it opened (jobs run
    /// in order, so it runs after the open job, or finds nothing when that
    /// was skipped); the closing job, once sent, always runs.
    async fn opened<T, F>(
        &mut self,
        open: impl FnOnce(&mut Session) -> Result<Opened> + Send + 'static,
        f: F,
    ) -> Result<T>
    where
        T: Send,
        F: for<'a> FnOnce(&'a mut AsyncSession) -> BoxFuture<'a, Result<T>> + Send,
    {
        let record = Arc::new(Mutex::new(None::<Opened>));
        let mut guard = UndoOnDrop {
            session: self,
            record: record.clone(),
            armed: true,
        };
        let recorded = record.clone();
        let opened = guard
            .session
            .call(move |s| {
                let opened = open(s)?;
                *lock(&recorded) = Some(opened.clone());
                Ok(opened)
            })
            .await?;
        let r = f(&mut *guard.session).await;
        guard.armed = false;
        let s = &mut *guard.session;
        // The body's error travels to the connection thread and back (it is
        // what closing returns, unless closing fails first).
        let (r, value) = match r {
            Ok(v) => (Ok(()), Some(v)),
            Err(e) => (Err(e), None),
        };
        s.worker()?
            .call_always(move |slot| {
                lock(&record).take();
                slot.session()?.close_opened(&opened, r)
            })
            .await?;
        Ok(value.expect("an Ok result carries its value"))
    }

    /// Returns the connection to the pool now (rolling back an open
    /// transaction) and waits until that is done; the session stays usable
    /// and checks out a connection again when needed.
    pub async fn close(&mut self) -> Result<()> {
        if self.worker.is_none() {
            return Ok(());
        }
        self.worker()?
            .call(|slot| {
                slot.release();
                Ok(())
            })
            .await
    }
}

/// Undoes what a transaction's or savepoint's open job recorded when their
/// future is dropped before the body finished (see [`AsyncSession::opened`]).
struct UndoOnDrop<'a> {
    session: &'a mut AsyncSession,
    record: Arc<Mutex<Option<Opened>>>,
    armed: bool,
}

impl Drop for UndoOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed
            && let Some(w) = &mut self.session.worker
        {
            let record = self.record.clone();
            w.detach(move |slot| {
                if let Some(opened) = lock(&record).take()
                    && let Ok(s) = slot.session()
                {
                    let cancelled: Result<()> = Err(crate::Error::Config(
                        "the transaction's future was dropped".into(),
                    ));
                    let _ = s.close_opened(&opened, cancelled);
                }
            });
        }
    }
}

impl Drop for AsyncSession {
    fn drop(&mut self) {
        if let Some(mut w) = self.worker.take() {
            // Runs after the jobs already sent: rolls back what is open and
            // returns the connection, then the thread waits for a new session.
            w.detach(Slot::release);
            self.engine.give_back(w);
        }
    }
}
