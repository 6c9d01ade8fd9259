//! PostgreSQL connections of an async engine (features `postgres` + `async`):
//! a `tokio-postgres` client whose socket is registered with the
//! application's tokio runtime, and whose connection half is polled by
//! whoever waits on it — the task awaiting an
//! [`AsyncSession`](crate::AsyncSession) statement (no thread hand-over), or a
//! connection thread blocking on it while it runs sync session code
//! (`run_sync`, the unit of work, migrations).
//!
//! This is the design of the `postgres` crate (a client and its connection
//! polled together by the caller) with the socket on the application's
//! runtime instead of a private one, so the same connection serves both
//! worlds and no task is spawned per connection.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio_postgres::tls::NoTlsStream;
use tokio_postgres::{AsyncMessage, Client, Socket};

use crate::error::{Error, Result, from_pg};

/// The connection half: the socket, read and written while polled.
pub(crate) type Connection = tokio_postgres::Connection<Socket, NoTlsStream>;

/// A client with its connection half. The connection is lent out
/// ([`take_connection`](Self::take_connection)) while a task awaits a
/// statement, and given back afterwards, also when the task's future is
/// dropped half way (the server's answer to the abandoned statement is then
/// read and discarded by whoever polls next).
pub(crate) struct NativePg {
    pub(crate) client: Arc<Client>,
    connection: Option<Box<Connection>>,
    handle: Handle,
    /// Set once the connection half ended (the server closed it, an I/O error).
    closed: bool,
}

impl NativePg {
    /// Opens a connection registered with the runtime of `handle`. Runs on a
    /// thread that is not one of the runtime's workers (the pool's checkout
    /// runs on a connection thread). The connect timeout is kept here, so
    /// the runtime needs no timer.
    pub(crate) fn connect(cfg: &tokio_postgres::Config, handle: &Handle) -> Result<NativePg> {
        let timeout = cfg.get_connect_timeout().copied();
        let mut cfg = cfg.clone();
        // The timeout is applied by `block_on_until`: with an unbounded one
        // the driver sets no tokio timer (which would need the runtime's).
        cfg.connect_timeout(Duration::MAX);
        let connect = {
            // TCP and Unix sockets register with the runtime entered here.
            let _entered = handle.enter();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let deadline = timeout.map(|t| Instant::now() + t);
                block_on_until(cfg.connect(tokio_postgres::NoTls), deadline)
            }))
        };
        let (client, connection) = match connect {
            Err(panic) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                return Err(Error::Config(format!(
                    "cannot open a connection on the async engine's tokio runtime ({why}): \
                     it needs its I/O driver, built with `enable_io()` or `enable_all()` \
                     (as `#[tokio::main]` does)"
                )));
            }
            Ok(None) => {
                return Err(Error::Connect {
                    message: format!(
                        "timed out connecting to PostgreSQL after {:?}",
                        timeout.unwrap_or_default()
                    ),
                });
            }
            Ok(Some(r)) => r.map_err(from_pg)?,
        };
        Ok(NativePg {
            client: Arc::new(client),
            connection: Some(Box::new(connection)),
            handle: handle.clone(),
            closed: false,
        })
    }

    /// The runtime the connection lives on.
    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Whether the connection half ended.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed || self.client.is_closed()
    }

    /// Lends the connection half to a task that will poll it while awaiting
    /// a statement; `None` when it is lent already (never, as a session runs
    /// one statement at a time) or gone.
    pub(crate) fn take_connection(&mut self) -> Option<Box<Connection>> {
        self.connection.take()
    }

    /// Gives the connection half back; `closed` when it ended while lent.
    pub(crate) fn put_connection(&mut self, connection: Box<Connection>, closed: bool) {
        self.connection = Some(connection);
        self.closed |= closed;
    }

    /// Runs `f`'s future (a call on this connection's client) to completion
    /// on this thread, polling the connection with it (sync code: a
    /// connection thread, never an executor thread).
    pub(crate) fn block<T, F>(&mut self, f: impl FnOnce(Arc<Client>) -> F) -> Result<T>
    where
        F: Future<Output = std::result::Result<T, tokio_postgres::Error>>,
    {
        self.block_until(f, None).unwrap_or_else(|| Err(lent()))
    }

    /// [`block`](Self::block) with a deadline: `None` when it passed first.
    pub(crate) fn block_until<T, F>(
        &mut self,
        f: impl FnOnce(Arc<Client>) -> F,
        deadline: Option<Instant>,
    ) -> Option<Result<T>>
    where
        F: Future<Output = std::result::Result<T, tokio_postgres::Error>>,
    {
        let fut = f(self.client.clone());
        self.poll_until(fut, deadline)
            .map(|r| r.and_then(|r| r.map_err(from_pg)))
    }

    /// Runs `fut` (a call on this connection's client) to completion on this
    /// thread, polling the connection with it.
    pub(crate) fn block_on<F: Future>(&mut self, fut: F) -> Result<F::Output> {
        self.poll_until(fut, None).unwrap_or_else(|| Err(lent()))
    }

    /// The core of the three above: `fut` polled with the connection on this
    /// thread until it is ready or `deadline` passes (`None`).
    fn poll_until<F: Future>(
        &mut self,
        fut: F,
        deadline: Option<Instant>,
    ) -> Option<Result<F::Output>> {
        let Some(mut connection) = self.connection.take() else {
            return Some(Err(lent()));
        };
        // An ended connection is not polled again (its driver forbids it).
        let mut closed = self.closed;
        let r = block_on_until(drive(&mut connection, &mut closed, fut), deadline);
        self.put_connection(connection, closed);
        r
    }
}

fn lent() -> Error {
    Error::ConnectionLost {
        message: "the connection is in use by an abandoned statement".into(),
    }
}

/// Awaits `fut` while polling `connection`, which carries its messages: the
/// future of every client call needs its connection polled to progress.
/// The call is polled first (it queues its request), then the connection
/// (which writes the request, or reads and dispatches an answer), then the
/// call again (which may now have its answer) — one pass per wake, where
/// polling the connection first would leave a queued request for the next
/// pass. Notices are logged (target `ormgen::postgres`); `closed` is set
/// when the connection half ends, and a call still waiting then fails with
/// [`Error::ConnectionLost`] (its request may sit in the ended connection's
/// queue, never to be answered).
pub(crate) async fn drive<F: Future>(
    connection: &mut Connection,
    closed: &mut bool,
    fut: F,
) -> Result<F::Output> {
    let mut fut = pin!(fut);
    poll_fn(|cx: &mut Context<'_>| {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return Poll::Ready(Ok(v));
        }
        while !*closed {
            match connection.poll_message(cx) {
                Poll::Ready(Some(Ok(AsyncMessage::Notice(notice)))) => {
                    tracing::info!(target: "ormgen::postgres", "{}: {}", notice.severity(), notice.message());
                }
                Poll::Ready(Some(Ok(_))) => {}
                Poll::Ready(Some(Err(e))) => {
                    tracing::debug!(target: "ormgen::postgres", "connection ended: {e}");
                    *closed = true;
                }
                Poll::Ready(None) => *closed = true,
                Poll::Pending => break,
            }
        }
        match fut.as_mut().poll(cx) {
            Poll::Ready(v) => Poll::Ready(Ok(v)),
            Poll::Pending if *closed => Poll::Ready(Err(Error::ConnectionLost {
                message: "the connection to the server ended".into(),
            })),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// Wakes a thread parked in [`block_on_until`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

thread_local! {
    static WAKER: Waker = Waker::from(Arc::new(Unpark(thread::current())));
}

/// Polls `fut` on this thread, parking between polls, until it is ready
/// (`Some`) or `deadline` passes (`None`).
pub(crate) fn block_on_until<F: Future>(fut: F, deadline: Option<Instant>) -> Option<F::Output> {
    let mut fut = pin!(fut);
    WAKER.with(|waker| {
        let mut cx = Context::from_waker(waker);
        loop {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return Some(v);
            }
            match deadline {
                None => thread::park(),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return None;
                    }
                    thread::park_timeout(d - now);
                }
            }
        }
    })
}
