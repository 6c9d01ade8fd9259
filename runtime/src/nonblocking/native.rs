//! Statements an [`AsyncSession`](super::AsyncSession) runs on the awaiting
//! task itself (PostgreSQL connections of an async engine): the query
//! builder's terminals, single-row inserts, raw SQL, `begin`, `commit` and
//! `rollback` send their statement from the task and poll the connection
//! there, so a round trip costs what it costs with bare `tokio-postgres` —
//! no hand-over to the connection thread and back.
//!
//! Only when nothing needs the thread: the session holds a connection of an
//! async engine, no job is queued on the thread, no statement listener or
//! hook is to be called. Otherwise (and for everything else: the unit of
//! work, `run_sync`, eager loads) the work takes the thread's way, with the
//! same results; the two ways share the session, its transaction state and
//! the connection's prepared statements.

use std::future::{Future, poll_fn};
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::Poll;

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};

use futures_core::Stream;

use super::lock;
use super::worker::{Slot, Worker};
use crate::Dialect;
use crate::backend::pg_native::drive;
use crate::backend::postgres::{PgConn, bind_mismatch};
use crate::error::{Error, Result, from_pg};
use crate::params::{AsSql, Params, Placeholders};
use crate::query::{Decode, Detached, QueryState, StatementKind};
use crate::row::Row;
use crate::session::{NativeIo, Session};
use crate::value::{PgError, ToParam};

/// What dropping a [`Flight`] half way means for the session.
#[derive(Clone, Copy)]
enum Abandon {
    /// A statement (and maybe its `BEGIN`): cancelled on the server, the
    /// transaction failed.
    Statement { began: bool },
    /// A `BEGIN`: the transaction failed (it may be open on the server).
    Begin,
    /// A `COMMIT` or `ROLLBACK`: its outcome unknown, the connection not reused.
    End,
}

/// The session's connection lent to this task. Dropped before it lands (the
/// task's future was dropped), it gives the connection back and leaves the
/// session as [`Abandon`] says.
struct Flight {
    slot: Arc<Mutex<Slot>>,
    io: Option<NativeIo>,
    abandon: Abandon,
}

impl Flight {
    /// Runs `f` with the client while polling the connection; `closed` when
    /// the connection ended meanwhile.
    /// (`None` once landed.)
    async fn run<F, T>(
        &mut self,
        f: impl FnOnce(Arc<tokio_postgres::Client>) -> F,
    ) -> Option<(Result<T>, bool)>
    where
        F: std::future::Future<Output = T>,
    {
        let mut closed = false;
        let io = self.io.as_mut()?;
        let fut = f(io.client.clone());
        let out = drive(&mut io.connection, &mut closed, fut).await;
        Some((out, closed))
    }

    /// Gives the connection back and lets `f` record the outcome, under one
    /// lock of the session.
    fn land<T>(mut self, closed: bool, f: impl FnOnce(&mut Session) -> T) -> Option<T> {
        let io = self.io.take()?;
        tracing::trace!(target: "ormgen::async", "a statement ran on the awaiting task");
        let mut slot = lock(&self.slot);
        let s = slot.session_if_open_mut()?;
        s.native_return(io.connection, closed);
        Some(f(s))
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        let Some(io) = self.io.take() else {
            return;
        };
        if let Abandon::Statement { .. } = self.abandon {
            io.cancel();
        }
        if let Some(s) = lock(&self.slot).session_if_open_mut() {
            s.native_return(io.connection, false);
            match self.abandon {
                Abandon::Statement { began } => s.native_abandoned(began),
                Abandon::Begin => s.native_abandoned(true),
                Abandon::End => s.native_end_abandoned(),
            }
        }
    }
}

/// Locks the session when no job is queued and it holds a connection, and
/// lets `start` decide what the task sends (`None`: the thread's way).
fn take_off<X>(
    worker: &Worker,
    start: impl FnOnce(&mut Session) -> Option<Result<X>>,
) -> Option<Result<(Arc<Mutex<Slot>>, X)>> {
    let slot = worker.idle_slot()?.clone();
    let x = {
        let mut guard = try_lock(&slot)?;
        start(guard.session_if_open_mut()?)?
    };
    Some(x.map(|x| (slot, x)))
}

/// Locks `slot` if no one holds it (a poisoned lock is taken: the slot is
/// valid whatever a panicking holder did).
pub(super) fn try_lock(slot: &Mutex<Slot>) -> Option<MutexGuard<'_, Slot>> {
    match slot.try_lock() {
        Ok(guard) => Some(guard),
        Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => None,
    }
}

/// What a statement sent from the task is run for.
#[derive(Clone, Copy)]
pub(super) enum Want {
    /// Its rows.
    Rows,
    /// The number of rows it affected (`execute`): no rows are read.
    Count,
}

/// What a statement sent from the task answered.
pub(super) struct Answer {
    /// Its rows (none when counting).
    pub(super) rows: Vec<tokio_postgres::Row>,
    /// The rows it returned or affected.
    pub(super) count: u64,
}

/// How a statement sent from the task went.
enum Sent {
    /// Its `BEGIN` failed: nothing happened (a statement pipelined behind
    /// it has no effects); a lost connection is left to the thread's way,
    /// which replaces it and begins again.
    BeginFailed(Error),
    /// It ran (or failed): its answer, and the statement if freshly prepared.
    Ran(Result<Answer>, Option<tokio_postgres::Statement>),
}

/// Runs a statement from this task when the session can (see the module
/// docs): `sql` gives the statement's text from the session (the query
/// builder's cache of rendered statements, raw SQL's translation), `bind`
/// encodes the parameters for the prepared statement, `want` says whether
/// its rows are read, `read` turns the answer into the result; `pure`: the
/// statement has no effects (a query builder's `SELECT`), so a `BEGIN`
/// may be pipelined with it. `None`: take the thread's way.
pub(super) async fn rows<T, S: Deref<Target = str>>(
    worker: &Worker,
    sql: impl FnOnce(&mut Session) -> Result<S>,
    bind: impl FnOnce(&tokio_postgres::Statement) -> Result<Vec<Encoded>>,
    want: Want,
    pure: bool,
    read: impl FnOnce(Answer) -> Result<T>,
) -> Option<Result<T>> {
    let taken = take_off(worker, |s| {
        let sql = match sql(s) {
            Ok(sql) => sql,
            Err(e) => return Some(Err(e)),
        };
        Some(s.native_start(&sql)?.map(|start| (sql, start)))
    })?;
    let (slot, (sql, start)) = match taken {
        Ok(t) => t,
        Err(e) => return Some(Err(e)),
    };
    let (begin, statement) = (start.begin, start.statement);
    let mut flight = Flight {
        slot,
        io: Some(start.io),
        abandon: Abandon::Statement {
            began: begin.is_some(),
        },
    };
    let text: &str = &sql;
    let (sent, closed) = flight
        .run(|client| async move {
            let statement = async {
                let (statement, fresh) = match statement {
                    Some(st) => (st, None),
                    None => match client.prepare(text).await {
                        Ok(st) => (st.clone(), Some(st)),
                        Err(e) => return Sent::Ran(Err(from_pg(e)), None),
                    },
                };
                let binds = match bind(&statement) {
                    Ok(binds) => binds,
                    Err(e) => return Sent::Ran(Err(e), fresh),
                };
                let answer = match want {
                    Want::Rows => match client.query_raw(&statement, binds.iter()).await {
                        Ok(stream) => collect(stream).await.map(|rows| Answer {
                            count: rows.len() as u64,
                            rows,
                        }),
                        Err(e) => Err(from_pg(e)),
                    },
                    Want::Count => match client.execute_raw(&statement, binds.iter()).await {
                        Ok(count) => Ok(Answer {
                            rows: Vec::new(),
                            count,
                        }),
                        Err(e) => Err(from_pg(e)),
                    },
                };
                Sent::Ran(answer, fresh)
            };
            let Some(b) = begin else {
                return statement.await;
            };
            // A `BEGIN` that fails on a live connection (a cancel request
            // landing while it runs, a `BEGIN` the server refuses) does not
            // stop a statement queued behind it, which then runs outside
            // any transaction: only a statement without effects goes with
            // it. The others wait for its answer.
            if !pure {
                if let Err(e) = client.batch_execute(b).await {
                    return Sent::BeginFailed(from_pg(e));
                }
                return statement.await;
            }
            // Pipelined: both requests go out before either answer is
            // awaited, so beginning costs no round trip of its own.
            match both(client.batch_execute(b), statement).await {
                (Err(e), _) => Sent::BeginFailed(from_pg(e)),
                (Ok(()), ran) => ran,
            }
        })
        .await?;
    // The connection ended under a waiting call: when this flight began the
    // transaction nothing is lost, and the thread's way begins again on
    // another connection; otherwise the statement failed.
    let sent = sent.unwrap_or_else(|lost| match begin {
        Some(_) => Sent::BeginFailed(lost),
        None => Sent::Ran(Err(lost), None),
    });
    flight
        .land(closed, |s| match sent {
            Sent::BeginFailed(Error::ConnectionLost { .. }) => {
                s.native_lost();
                None
            }
            Sent::BeginFailed(e) => Some(Err(e)),
            Sent::Ran(answer, fresh) => {
                if let Some(b) = begin {
                    s.native_begun(b);
                }
                if let Some(st) = fresh {
                    s.native_prepared(text, st);
                }
                let r = answer.and_then(read);
                Some(s.native_finish(text, r))
            }
        })
        .flatten()
}

/// Polls `first` and `second` together until both are done. `first` is
/// polled first, so a request it sends on its first poll (tokio-postgres
/// queues a request when its future is first polled) goes to the server
/// ahead of `second`'s.
async fn both<A: Future, B: Future>(first: A, second: B) -> (A::Output, B::Output) {
    let (mut first, mut second) = (std::pin::pin!(first), std::pin::pin!(second));
    let (mut a, mut b) = (None, None);
    poll_fn(|cx| {
        if a.is_none()
            && let Poll::Ready(out) = first.as_mut().poll(cx)
        {
            a = Some(out);
        }
        if b.is_none()
            && let Poll::Ready(out) = second.as_mut().poll(cx)
        {
            b = Some(out);
        }
        match (a.take(), b.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (a, b) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

/// Every row of a result.
async fn collect(stream: tokio_postgres::RowStream) -> Result<Vec<tokio_postgres::Row>> {
    let mut stream = std::pin::pin!(stream);
    let mut rows = Vec::new();
    loop {
        match poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            Some(Ok(row)) => rows.push(row),
            Some(Err(e)) => return Err(from_pg(e)),
            None => return Ok(rows),
        }
    }
}

/// [`rows`] for statement `kind` of a query built with the generated API:
/// the first `take` rows decoded by `decode` (a decoding error fails the
/// transaction, as on the thread), and the number of rows.
pub(super) async fn select<R>(
    worker: Option<&Worker>,
    st: &QueryState,
    kind: StatementKind,
    decode: fn(&Row<'_>) -> Result<R>,
    take: usize,
) -> Option<Result<(Vec<R>, usize)>> {
    let worker = worker?;
    let statement = match Detached::of(st, kind, Dialect::Postgres) {
        Ok(s) => s,
        Err(e) => return Some(Err(e)),
    };
    let params = statement.params();
    rows(
        worker,
        |s| statement.sql(s),
        |st| encode(&params, st),
        Want::Rows,
        true,
        |a| decoded(&a.rows, decode, take),
    )
    .await
}

/// [`select`] of a statement answering one value (`COUNT`, `EXISTS`): the
/// value, or `T`'s default when no row came.
pub(super) async fn scalar<T: Decode + Default>(
    worker: Option<&Worker>,
    st: &QueryState,
    kind: StatementKind,
) -> Option<Result<T>> {
    let r = select(worker, st, kind, T::decode, 1).await?;
    Some(r.map(|(values, _)| values.into_iter().next().unwrap_or_default()))
}

/// Raw SQL with its parameters ([`rows`] for `AsyncSession::execute`,
/// `query_as` and their kin): the text is translated with the session's
/// connection cache, the values encoded while `params` lends them. `Err`
/// gives them back for the thread's way.
pub(super) async fn raw<Q, P, T>(
    worker: Option<&Worker>,
    sql: Q,
    params: P,
    want: Want,
    read: impl FnOnce(Answer) -> Result<T>,
) -> std::result::Result<Result<T>, (Q, P)>
where
    Q: AsSql,
    P: Params,
{
    let Some(worker) = worker else {
        return Err((sql, params));
    };
    let placeholders: OnceLock<Option<Placeholders>> = OnceLock::new();
    let sent = rows(
        worker,
        |s| {
            let (text, ph) = s.native_sql(sql.as_sql())?;
            let _ = placeholders.set(ph);
            Ok(text)
        },
        |st| {
            let ph = placeholders.get().and_then(Option::as_ref);
            params.with_values(ph, |v| encode(v, st))
        },
        want,
        false,
        read,
    )
    .await;
    match sent {
        Some(r) => Ok(r),
        None => Err((sql, params)),
    }
}

/// A parameter encoded for its statement while its value was lent (raw
/// SQL's values exist only inside `Params::with_values`): its bytes, or
/// why it cannot be sent, reported by the driver as a bind error (the same
/// error the thread's way gets).
#[derive(Debug)]
pub(super) struct Encoded(std::result::Result<Option<bytes::Bytes>, String>);

impl ToSql for Encoded {
    fn to_sql(&self, _ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, PgError> {
        match &self.0 {
            Ok(Some(bytes)) => {
                out.extend_from_slice(bytes);
                Ok(IsNull::No)
            }
            Ok(None) => Ok(IsNull::Yes),
            Err(why) => Err(why.clone().into()),
        }
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, PgError> {
        self.to_sql(ty, out)
    }
}

/// `values` encoded for `statement`'s parameter types; a wrong number of
/// values is [`Error::Params`], as on the thread.
pub(super) fn encode(
    values: &[&dyn ToParam],
    statement: &tokio_postgres::Statement,
) -> Result<Vec<Encoded>> {
    PgConn::check(statement, values)?;
    Ok(values
        .iter()
        .zip(statement.params())
        .map(|(v, ty)| {
            if !v.pg_accepts(ty) {
                return Encoded(Err(bind_mismatch(*v, ty)));
            }
            let mut out = BytesMut::new();
            Encoded(match v.to_pg(ty, &mut out) {
                Ok(IsNull::Yes) => Ok(None),
                Ok(IsNull::No) => Ok(Some(out.freeze())),
                Err(e) => Err(e.to_string()),
            })
        })
        .collect())
}

/// [`rows`] for one of the generated constant statements (`GET`, `INSERT`;
/// `pure` for a `GET`): its first row decoded, and the number of rows.
pub(super) async fn first_row<R: Decode>(
    worker: &Worker,
    sql: &'static str,
    params: &[&dyn ToParam],
    pure: bool,
) -> Option<Result<(Vec<R>, usize)>> {
    rows(
        worker,
        |_| Ok(sql),
        |st| encode(params, st),
        Want::Rows,
        pure,
        |a| decoded(&a.rows, R::decode, 1),
    )
    .await
}

/// The first `take` of `rows` decoded, and the number of rows.
pub(super) fn decoded<R>(
    rows: &[tokio_postgres::Row],
    decode: fn(&Row<'_>) -> Result<R>,
    take: usize,
) -> Result<(Vec<R>, usize)> {
    let n = rows.len();
    let out = rows
        .iter()
        .take(take)
        .map(|r| decode(&Row::pg_of(r, n)))
        .collect::<Result<Vec<R>>>()?;
    Ok((out, n))
}

/// Exactly one row of what [`select`] read: [`Error::NotFound`] for none,
/// [`Error::TooManyRows`] for more (neither fails the transaction, as
/// `Query::one`'s).
pub(super) fn exactly_one<R>(read: (Vec<R>, usize)) -> Result<R> {
    match read {
        (_, n) if n > 1 => Err(Error::TooManyRows),
        (rows, _) => rows.into_iter().next().ok_or(Error::NotFound),
    }
}

/// Sends a transaction-control statement from this task: `start` decides
/// under the session's lock (`Some(Ok(None))`: nothing to send; `None`:
/// the thread's way), `send` sends it with the client, `land` records the
/// outcome in the session.
async fn control<X: Copy, T, F>(
    worker: Option<&Worker>,
    start: impl FnOnce(&mut Session) -> Option<Result<Option<(NativeIo, X)>>>,
    abandon: Abandon,
    send: impl FnOnce(Arc<tokio_postgres::Client>, X) -> F,
    land: impl FnOnce(&mut Session, Result<T>, X) -> Option<Result<()>>,
) -> Option<Result<()>>
where
    F: std::future::Future<Output = T>,
{
    let (slot, plan) = match take_off(worker?, start)? {
        Ok(t) => t,
        Err(e) => return Some(Err(e)),
    };
    let Some((io, x)) = plan else {
        return Some(Ok(()));
    };
    let mut flight = Flight {
        slot,
        io: Some(io),
        abandon,
    };
    let (sent, closed) = flight.run(|client| send(client, x)).await?;
    flight.land(closed, |s| land(s, sent, x)).flatten()
}

/// [`Session::begin`] from this task (`None`: the thread's way).
pub(super) async fn begin(worker: Option<&Worker>) -> Option<Result<()>> {
    control(
        worker,
        Session::native_begin,
        Abandon::Begin,
        |client, sql| async move { client.batch_execute(sql).await.map_err(from_pg) },
        |s, sent, sql| match sent.and_then(|r| r) {
            Ok(()) => {
                s.native_begun(sql);
                Some(Ok(()))
            }
            Err(Error::ConnectionLost { .. }) => {
                s.native_lost();
                None
            }
            Err(e) => Some(Err(e)),
        },
    )
    .await
}

/// [`Session::commit`] from this task (`None`: the thread's way).
pub(super) async fn commit(worker: Option<&Worker>) -> Option<Result<()>> {
    control(
        worker,
        |s| s.native_commit().map(|r| r.map(|io| io.map(|io| (io, ())))),
        Abandon::End,
        |client, ()| async move {
            let commit = client.batch_execute("COMMIT").await.map_err(from_pg);
            // A failed COMMIT on a live connection: make sure nothing stays open.
            let rollback = match &commit {
                Err(_) if !client.is_closed() => {
                    Some(client.batch_execute("ROLLBACK").await.map_err(from_pg))
                }
                _ => None,
            };
            (commit, rollback)
        },
        |s, sent, ()| {
            // A lost connection counts as the COMMIT's outcome.
            let (commit, rollback) = sent.unwrap_or_else(|lost| (Err(lost), None));
            Some(s.native_committed(commit, rollback))
        },
    )
    .await
}

/// [`Session::rollback`] from this task (`None`: the thread's way).
pub(super) async fn rollback(worker: Option<&Worker>) -> Option<Result<()>> {
    control(
        worker,
        |s| s.native_rollback().map(|io| Ok(io.map(|io| (io, ())))),
        Abandon::End,
        |client, ()| async move { client.batch_execute("ROLLBACK").await.map_err(from_pg) },
        |s, sent, ()| Some(s.native_rolled_back(sent.and_then(|r| r))),
    )
    .await
}
