//! [`AsyncEngine`]: an [`Engine`] for async code.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::lock;
use super::session::AsyncSession;
use super::worker::{Worker, off_thread};
use crate::Dialect;
use crate::engine::{Engine, EngineBuilder, in_transaction, should_retry};
use crate::error::Result;
use crate::pool::PoolStatus;
use crate::session::{Session, TxOptions};

/// A database for async code: the same URL, pool and options as an
/// [`Engine`] (it wraps one), whose sessions run sync work on connection
/// threads so that no executor thread waits for the database. Cheap to
/// clone; `Send + Sync`.
///
/// On PostgreSQL, an engine made inside a tokio runtime
/// ([`connect`](Self::connect), [`build_async`](EngineBuilder::build_async),
/// or [`new`](Self::new) called there) opens its connections as
/// `tokio-postgres` clients on that runtime, so its sessions send simple
/// statements from the awaiting task (see the
/// [module docs](crate::nonblocking)); the runtime needs its I/O driver
/// (`#[tokio::main]`, `enable_all()`) and must outlive the engine's
/// connections. Made outside a runtime, its connections are the `postgres`
/// crate's and every statement runs on the session's thread.
///
/// ```
/// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
/// # fn main() -> ormgen::Result<()> {
/// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let engine = ormgen::AsyncEngine::connect("sqlite::memory:").await?;
/// let mut s = engine.session();
/// s.execute("create table t (id integer primary key, name text not null)", ()).await?;
/// s.execute("insert into t (name) values (?)", ("Ann".to_owned(),)).await?;
/// let name: String = s.query_one("select name from t where id = 1", ()).await?;
/// assert_eq!(name, "Ann");
/// s.commit().await?;
/// # Ok(()) })
/// # }
/// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
/// # fn main() {}
/// ```
#[derive(Clone)]
pub struct AsyncEngine {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    /// Connection threads waiting for a session, most recently used last.
    idle: Mutex<Vec<Worker>>,
    /// How many idle threads are kept: as many as the pool can serve at once.
    max_idle: usize,
}

impl fmt::Debug for AsyncEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncEngine")
            .field("engine", &self.inner.engine)
            .finish_non_exhaustive()
    }
}

impl AsyncEngine {
    /// Opens an engine for `url` with the default options (see
    /// [`Engine::connect`]); setting it up (which can open a connection) runs
    /// off the executor.
    pub async fn connect(url: &str) -> Result<AsyncEngine> {
        let url = url.to_owned();
        Ok(AsyncEngine::new(
            off_thread(move || Engine::connect(&url)).await?,
        ))
    }

    /// Options, as for [`Engine::builder`]; finish with
    /// [`EngineBuilder::build_async`].
    pub fn builder(url: impl Into<String>) -> EngineBuilder {
        Engine::builder(url)
    }

    /// The async face of a sync engine: both share its pool, listeners and
    /// options.
    pub fn new(engine: Engine) -> AsyncEngine {
        #[cfg(feature = "postgres")]
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            engine.use_runtime(handle);
        }
        let pool = engine.pool_status();
        AsyncEngine {
            inner: Arc::new(Inner {
                engine,
                idle: Mutex::new(Vec::new()),
                max_idle: pool.size + pool.max_overflow,
            }),
        }
    }

    /// The sync engine underneath (same pool).
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The engine's dialect.
    pub fn dialect(&self) -> Dialect {
        self.inner.engine.dialect()
    }

    /// A session. No I/O happens here: the session checks a connection out
    /// of the pool (waiting up to the checkout timeout) when its first
    /// statement runs, and returns it when dropped, rolling back a
    /// transaction left open.
    pub fn session(&self) -> AsyncSession {
        AsyncSession::new(self.clone())
    }

    /// Runs `f` in a transaction of a session of its own, on its connection
    /// thread: committed when `f` returns `Ok`, rolled back when it returns
    /// `Err` or panics (the panic then resumes in the caller), as
    /// [`Engine::transaction`]. Dropping the future before the answer
    /// interrupts the statement running, so the transaction rolls back.
    pub async fn transaction<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Session) -> Result<T> + Send + 'static,
    {
        self.transaction_with(TxOptions::default(), f).await
    }

    /// [`transaction`](Self::transaction) with an isolation level or
    /// read-only mode.
    pub async fn transaction_with<T, F>(&self, options: TxOptions, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Session) -> Result<T> + Send + 'static,
    {
        self.session()
            .run_sync(move |s| in_transaction(s, options, f))
            .await
    }

    /// [`Engine::transaction_retry`]: the transaction again, up to
    /// `max_attempts` times, while it fails with a retryable error (a
    /// serialization failure, a deadlock, SQLite's busy) or could not reach
    /// the server ([`Error::is_unreached`](crate::Error::is_unreached)). The
    /// waits between attempts happen on the connection thread.
    pub async fn transaction_retry<T, F>(
        &self,
        options: TxOptions,
        max_attempts: usize,
        mut f: F,
    ) -> Result<T>
    where
        T: Send + 'static,
        F: FnMut(&mut Session) -> Result<T> + Send + 'static,
    {
        self.session()
            .call_slot(move |slot| {
                let mut attempt = 0usize;
                loop {
                    attempt += 1;
                    // A checkout that fails (the server restarting) is
                    // retried like the transaction itself.
                    let r = match slot.session() {
                        Ok(s) => in_transaction(s, options, &mut f),
                        Err(e) => Err(e),
                    };
                    match r {
                        Err(e) if attempt < max_attempts && should_retry(&e, attempt) => {}
                        r => return r,
                    }
                }
            })
            .await
    }

    /// The pool's counters.
    pub fn pool_status(&self) -> PoolStatus {
        self.inner.engine.pool_status()
    }

    /// Closes the idle connections and the idle connection threads.
    pub fn dispose(&self) {
        lock(&self.inner.idle).clear();
        self.inner.engine.dispose();
    }

    /// An idle connection thread, or a new one.
    pub(crate) fn worker(&self) -> Result<Worker> {
        if let Some(w) = lock(&self.inner.idle).pop() {
            return Ok(w);
        }
        Worker::spawn(self.inner.engine.clone())
    }

    /// Takes back a connection thread whose session was released. Threads
    /// beyond what the pool can serve at once end.
    pub(crate) fn give_back(&self, worker: Worker) {
        let mut idle = lock(&self.inner.idle);
        if idle.len() < self.inner.max_idle {
            idle.push(worker);
        }
    }
}

impl EngineBuilder {
    /// Builds an [`AsyncEngine`] with these options (setting it up runs off
    /// the executor).
    pub async fn build_async(self) -> Result<AsyncEngine> {
        Ok(AsyncEngine::new(off_thread(move || self.build()).await?))
    }
}
