//! The engine: a database URL, a connection pool, options and listeners.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
#[cfg(feature = "rusqlite")]
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::Dialect;
#[cfg(feature = "postgres")]
use crate::backend::postgres::{PgClient, PgConn};
#[cfg(feature = "rusqlite")]
use crate::backend::sqlite::{self, SqliteConn, SqliteTarget};
use crate::backend::{Conn, RawConn};
use crate::conn_string::{is_key_value, redact};
#[cfg(feature = "postgres")]
use crate::error::from_pg;
use crate::error::{Error, Result};
use crate::events::{Event, Events, Listener};
use crate::pool::{Pool, PoolConfig, PoolStatus};
use crate::session::{IsolationLevel, Session, TxOptions};
use crate::session_hooks::SessionHooks;
#[cfg(feature = "rusqlite")]
use crate::sqlite_options::MemoryKind;
use crate::sqlite_options::SqliteSettings;
pub use crate::sqlite_options::{JournalMode, Synchronous};

/// A hook run on every new connection (after the runtime's own setup).
pub type AfterConnect = Arc<dyn Fn(&mut Connection<'_>) -> Result<()> + Send + Sync>;

/// A new connection, as seen by an [`EngineBuilder::after_connect`] hook.
pub struct Connection<'a> {
    raw: &'a mut RawConn,
}

impl<'a> Connection<'a> {
    pub(crate) fn new(raw: &'a mut RawConn) -> Self {
        Connection { raw }
    }

    /// The connection's dialect.
    pub fn dialect(&self) -> Dialect {
        match self.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            RawConn::Pg(_) => Dialect::Postgres,
        }
    }

    /// Runs one or more statements without parameters.
    pub fn batch_execute(&mut self, sql: &str) -> Result<()> {
        match self.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c.batch(sql),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => c.batch(sql),
        }
    }

    /// The rusqlite connection, on SQLite. It is lent shared (`&`): the runtime
    /// keeps prepared statements on it. (Its methods take `&self`, apart from
    /// `transaction`; `unchecked_transaction` is the shared form.) Needs a SQLite
    /// feature (`sqlite` or `sqlite-system`).
    #[cfg(feature = "rusqlite")]
    pub fn sqlite(&mut self) -> Option<&rusqlite::Connection> {
        match self.raw {
            RawConn::Sqlite(c) => Some(c.conn()),
            #[cfg(feature = "postgres")]
            RawConn::Pg(_) => None,
        }
    }

    /// The `postgres` client, on PostgreSQL. Needs the `postgres` feature.
    /// `None` for the connections of an async engine built inside a tokio
    /// runtime (they are `tokio-postgres` clients on that runtime; run SQL
    /// with [`batch_execute`](Self::batch_execute)).
    #[cfg(feature = "postgres")]
    pub fn postgres(&mut self) -> Option<&mut postgres::Client> {
        match self.raw {
            RawConn::Pg(c) => match &mut c.client {
                PgClient::Blocking(client) => Some(client),
                #[cfg(feature = "async")]
                PgClient::Native(_) => None,
            },
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(_) => None,
        }
    }
}

enum Target {
    #[cfg(feature = "rusqlite")]
    Sqlite(SqliteTarget, SqliteSettings),
    #[cfg(feature = "postgres")]
    Postgres(Box<tokio_postgres::Config>),
}

/// Options for an [`Engine`]; start with [`Engine::builder`].
#[must_use]
pub struct EngineBuilder {
    url: String,
    pool_size: usize,
    max_overflow: usize,
    timeout: Duration,
    pre_ping: bool,
    recycle: Option<Duration>,
    echo: bool,
    isolation: Option<IsolationLevel>,
    sqlite: SqliteSettings,
    search_path: Option<String>,
    application_name: Option<String>,
    statement_timeout: Option<Duration>,
    after_connect: Vec<AfterConnect>,
    listeners: Vec<Listener>,
}

impl EngineBuilder {
    /// Connections kept in the pool (default 5). At least 1.
    pub fn pool_size(mut self, n: usize) -> Self {
        self.pool_size = n.max(1);
        self
    }
    /// Extra connections opened under load and closed when returned (default 10).
    pub fn max_overflow(mut self, n: usize) -> Self {
        self.max_overflow = n;
        self
    }
    /// How long a checkout waits for a connection before
    /// [`Error::PoolTimeout`] (default 30 s).
    pub fn checkout_timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    /// Ping idle connections at checkout and replace dead ones (default off; a lost
    /// connection is detected anyway on first use and at checkin).
    pub fn pre_ping(mut self, on: bool) -> Self {
        self.pre_ping = on;
        self
    }
    /// Replace connections older than this at checkout (default never).
    pub fn recycle(mut self, age: Duration) -> Self {
        self.recycle = Some(age);
        self
    }
    /// Log every statement with its parameters through `tracing` (target
    /// [`SQL_TARGET`](crate::events::SQL_TARGET), level INFO). Default off.
    pub fn echo(mut self, on: bool) -> Self {
        self.echo = on;
        self
    }
    /// The isolation level of transactions that do not ask for one (default: the
    /// database's own, READ COMMITTED on PostgreSQL, DEFERRED transactions on SQLite).
    pub fn isolation_level(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }
    /// SQLite's busy timeout: how long a statement waits for another writer's lock
    /// (default 5 s; the URL's `busy_timeout=<ms>`).
    pub fn busy_timeout(mut self, t: Duration) -> Self {
        self.sqlite.busy_timeout = Some(t);
        self
    }
    /// SQLite's journal mode (default WAL for files; the URL's
    /// `journal_mode=`). See [`sqlite_options`](crate::sqlite_options) for
    /// what each costs.
    pub fn sqlite_journal_mode(mut self, mode: JournalMode) -> Self {
        self.sqlite.journal_mode = Some(mode);
        self
    }
    /// SQLite's `PRAGMA synchronous` (default NORMAL for files in WAL mode,
    /// SQLite's FULL otherwise; the URL's `synchronous=`).
    pub fn sqlite_synchronous(mut self, level: Synchronous) -> Self {
        self.sqlite.synchronous = Some(level);
        self
    }
    /// Whether SQLite enforces foreign keys (default on; the URL's
    /// `foreign_keys=`).
    pub fn sqlite_foreign_keys(mut self, on: bool) -> Self {
        self.sqlite.foreign_keys = Some(on);
        self
    }
    /// PostgreSQL's `statement_timeout` on every connection: a statement
    /// running longer is stopped by the server and fails with
    /// [`Error::Timeout`] (default none; a session can change it with
    /// [`Session::set_statement_timeout`]). SQLite has no statement timeout
    /// and ignores this (stop a statement with [`Session::cancel_handle`]).
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }
    /// PostgreSQL: `SET search_path` on every new connection.
    pub fn search_path(mut self, path: impl Into<String>) -> Self {
        self.search_path = Some(path.into());
        self
    }
    /// PostgreSQL: the `application_name` of the connections (default `ormgen`, unless
    /// the URL sets one).
    pub fn application_name(mut self, name: impl Into<String>) -> Self {
        self.application_name = Some(name.into());
        self
    }
    /// A hook run on every new connection, after the runtime's setup (foreign keys,
    /// WAL, search path). Hooks run in the order added.
    pub fn after_connect(
        mut self,
        f: impl Fn(&mut Connection<'_>) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.after_connect.push(Arc::new(f));
        self
    }
    /// Registers a listener from the start (see [`Engine::add_listener`]).
    pub fn listener(mut self, f: impl Fn(&Event<'_>) + Send + Sync + 'static) -> Self {
        self.listeners.push(Arc::new(f));
        self
    }

    /// Builds the engine. No connection is opened yet, except for an in-memory SQLite
    /// database, whose keeper connection is opened here.
    pub fn build(self) -> Result<Engine> {
        #[cfg_attr(not(feature = "postgres"), allow(unused_mut))]
        let (mut target, dialect) = parse_url(&self.url)?;
        #[cfg_attr(not(feature = "rusqlite"), allow(unused_mut))]
        let mut pool_config = PoolConfig {
            size: self.pool_size,
            overflow: self.max_overflow,
            timeout: self.timeout,
            pre_ping: self.pre_ping,
            recycle: self.recycle,
        };
        #[cfg(feature = "rusqlite")]
        #[allow(irrefutable_let_patterns)] // without the PostgreSQL feature
        if let Target::Sqlite(t, settings) = &mut target {
            // The builder's settings win over the URL's.
            *settings = std::mem::take(settings).overlay(&self.sqlite);
            if let SqliteTarget::Private = t {
                // The database is its one connection: never more, never
                // replaced.
                pool_config.size = 1;
                pool_config.overflow = 0;
                pool_config.recycle = None;
            }
        }
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // without a SQLite feature
        if let Target::Postgres(cfg) = &mut target {
            if let Some(name) = &self.application_name {
                cfg.application_name(name);
            } else if cfg.get_application_name().is_none() {
                cfg.application_name("ormgen");
            }
            if cfg.get_connect_timeout().is_none() {
                cfg.connect_timeout(self.timeout.max(Duration::from_secs(1)));
            }
        }
        // An in-memory database lives as long as one connection to it is open: the
        // engine holds this one for its whole life.
        #[cfg(feature = "rusqlite")]
        let keeper = match &target {
            Target::Sqlite(t @ SqliteTarget::Memory(_), settings) => {
                Some(std::sync::Mutex::new(sqlite::open(t, settings)?))
            }
            _ => None,
        };
        let events = Arc::new(Events::new(self.echo));
        for l in self.listeners {
            events.add(l);
        }
        let setup = Arc::new(Setup {
            target,
            #[cfg(feature = "rusqlite")]
            opened: std::sync::atomic::AtomicBool::new(false),
            search_path: self.search_path,
            statement_timeout: self.statement_timeout,
            hooks: self.after_connect,
            events: events.clone(),
            #[cfg(feature = "postgres")]
            ddl: Arc::new(AtomicU64::new(0)),
            #[cfg(all(feature = "postgres", feature = "async"))]
            runtime: std::sync::OnceLock::new(),
        });
        let connector_setup = setup.clone();
        let pool = Pool::new(pool_config, Box::new(move || connector_setup.connect()));
        Ok(Engine {
            inner: Arc::new(EngineInner {
                url: redact(&self.url),
                dialect,
                pool: Arc::new(pool),
                events,
                isolation: self.isolation,
                statement_timeout: self.statement_timeout,
                session_hooks: SessionHooks::default(),
                #[cfg(feature = "rusqlite")]
                _keeper: keeper,
                setup,
            }),
        })
    }
}

struct Setup {
    target: Target,
    /// Whether a connection was opened (a private in-memory database has
    /// only its first).
    #[cfg(feature = "rusqlite")]
    opened: std::sync::atomic::AtomicBool,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    search_path: Option<String>,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    statement_timeout: Option<Duration>,
    hooks: Vec<AfterConnect>,
    events: Arc<Events>,
    /// Bumped on DDL; PostgreSQL connections drop their prepared statements when it moves.
    #[cfg(feature = "postgres")]
    ddl: Arc<AtomicU64>,
    /// The tokio runtime new PostgreSQL connections live on (set by
    /// [`AsyncEngine`](crate::AsyncEngine) when made inside one); without
    /// one they are the `postgres` crate's blocking clients.
    #[cfg(all(feature = "postgres", feature = "async"))]
    runtime: std::sync::OnceLock<tokio::runtime::Handle>,
}

impl Setup {
    fn connect(&self) -> Result<Conn> {
        let mut raw = match &self.target {
            #[cfg(feature = "rusqlite")]
            Target::Sqlite(t, settings) => {
                let again = self.opened.swap(true, Ordering::Relaxed);
                if again && matches!(t, SqliteTarget::Private) {
                    return Err(Error::Connect {
                        message: "the private in-memory database ended with its connection \
                                  (`sqlite::memory:?cache=private` has one connection; use \
                                  `sqlite::memory:` for one shared by sessions)"
                            .into(),
                    });
                }
                RawConn::Sqlite(SqliteConn::new(sqlite::open(t, settings)?))
            }
            #[cfg(feature = "postgres")]
            Target::Postgres(cfg) => {
                let as_connect_error = |err| match err {
                    Error::ConnectionLost { message } | Error::Sql { message, .. } => {
                        Error::Connect { message }
                    }
                    other => other,
                };
                let blocking = || -> Result<PgClient> {
                    let client = postgres::Config::from((**cfg).clone())
                        .connect(postgres::NoTls)
                        .map_err(|e| as_connect_error(from_pg(e)))?;
                    Ok(PgClient::Blocking(client))
                };
                #[cfg(feature = "async")]
                let client = match self.runtime.get() {
                    Some(handle) => PgClient::Native(
                        crate::backend::pg_native::NativePg::connect(cfg, handle)
                            .map_err(as_connect_error)?,
                    ),
                    None => blocking()?,
                };
                #[cfg(not(feature = "async"))]
                let client = blocking()?;
                let mut c = PgConn::new(client, self.ddl.clone());
                if self.statement_timeout.is_some() {
                    c.batch(&crate::session::statement_timeout_sql(
                        self.statement_timeout,
                    ))?;
                }
                if let Some(path) = &self.search_path {
                    c.batch(&format!("SET search_path TO {path}"))?;
                }
                RawConn::Pg(c)
            }
        };
        for hook in &self.hooks {
            hook(&mut Connection { raw: &mut raw })?;
        }
        if self.events.observed() {
            self.events.emit(&Event::Connect);
        }
        Ok(Conn::new(raw))
    }
}

fn parse_url(url: &str) -> Result<(Target, Dialect)> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        // sqlite://rel/path.db, sqlite:///abs/path.db, sqlite:path.db,
        // sqlite::memory: — each with an optional `?query` of settings.
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.is_empty() {
            return Err(Error::Config(format!("no database path in {url:?}")));
        }
        #[cfg(feature = "rusqlite")]
        {
            let (settings, cache) = SqliteSettings::from_query(query)?;
            let target = if path == ":memory:" {
                match cache {
                    Some(MemoryKind::Private) => SqliteTarget::Private,
                    _ => {
                        static MEMORY_DBS: AtomicU64 = AtomicU64::new(0);
                        let n = MEMORY_DBS.fetch_add(1, Ordering::Relaxed);
                        let uri = format!("file:/ormgen-mem-{}-{n}?vfs=memdb", std::process::id());
                        SqliteTarget::Memory(uri)
                    }
                }
            } else if cache.is_some() {
                return Err(Error::Config(format!(
                    "the cache parameter is for in-memory databases (sqlite::memory:?cache=…), \
                     not {url:?}"
                )));
            } else {
                SqliteTarget::File(path.to_owned())
            };
            return Ok((Target::Sqlite(target, settings), Dialect::Sqlite));
        }
        #[cfg(not(feature = "rusqlite"))]
        {
            let _ = query;
            return Err(not_compiled(Dialect::Sqlite));
        }
    }
    let key_value = is_key_value(url);
    if url.starts_with("postgres://") || url.starts_with("postgresql://") || key_value {
        #[cfg(feature = "postgres")]
        {
            // Both forms, with libpq's parameters (`sslmode`,
            // `application_name`, `options`, `connect_timeout`, …).
            let form = if key_value {
                "connection string"
            } else {
                "URL"
            };
            let cfg: tokio_postgres::Config = url
                .parse()
                .map_err(|e| Error::Config(format!("invalid PostgreSQL {form}: {e}")))?;
            return Ok((Target::Postgres(Box::new(cfg)), Dialect::Postgres));
        }
        #[cfg(not(feature = "postgres"))]
        return Err(not_compiled(Dialect::Postgres));
    }
    Err(Error::Config(format!(
        "unsupported database URL {:?}: expected sqlite://path, sqlite::memory:, \
         postgres://… or a PostgreSQL key=value connection string",
        redact(url)
    )))
}

/// The error for a URL of a backend this build of ormgen does not include.
#[cfg(not(all(feature = "rusqlite", feature = "postgres")))]
fn not_compiled(dialect: Dialect) -> Error {
    match dialect {
        Dialect::Sqlite => Error::BackendNotCompiled {
            backend: "SQLite",
            feature: "sqlite",
        },
        Dialect::Postgres => Error::BackendNotCompiled {
            backend: "PostgreSQL",
            feature: "postgres",
        },
    }
}

pub(crate) struct EngineInner {
    url: String,
    pub(crate) dialect: Dialect,
    pub(crate) pool: Arc<Pool>,
    pub(crate) events: Arc<Events>,
    pub(crate) isolation: Option<IsolationLevel>,
    /// PostgreSQL's statement timeout on every connection.
    pub(crate) statement_timeout: Option<Duration>,
    /// Hooks every session runs around its flushes and commits.
    pub(crate) session_hooks: SessionHooks,
    #[cfg(feature = "rusqlite")]
    _keeper: Option<std::sync::Mutex<rusqlite::Connection>>,
    #[cfg_attr(not(all(feature = "postgres", feature = "async")), allow(dead_code))]
    setup: Arc<Setup>,
}

/// A database: its URL, a connection pool and options. Cheap to clone (all clones
/// share the pool); `Send + Sync`.
///
/// ```
/// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
/// # fn main() -> ormgen::Result<()> {
/// let engine = ormgen::Engine::connect("sqlite::memory:")?;
/// engine.transaction(|s| {
///     s.execute("create table t (id integer primary key, name text not null)", ())?;
///     s.execute("insert into t (name) values (:name)", ormgen::named_params! { "name" => "Alice" })?;
///     Ok(())
/// })?;
/// let mut s = engine.session()?;
/// let name: String = s.query_one("select name from t where id = ?", (1,))?;
/// assert_eq!(name, "Alice");
/// # Ok(()) }
/// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
/// # fn main() {}
/// ```
///
/// **In-memory SQLite** (`sqlite::memory:`): every session of one engine sees the
/// same database. It is a named database of SQLite's `memdb` VFS
/// (`file:/ormgen-mem-<pid>-<n>?vfs=memdb`), which every connection of the process
/// opening that name shares, kept alive by a connection the engine holds; pooled
/// connections open the same name. Unlike a shared-cache memory database it uses
/// ordinary database-level locking (one writer at a time, others wait up to the busy
/// timeout) and adds no per-statement mutex traffic. It has no WAL: a writer's COMMIT
/// waits for readers to finish.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("url", &self.inner.url)
            .field("pool", &self.inner.pool.status())
            .finish()
    }
}

impl Engine {
    /// An engine with default options for `url`: `sqlite://relative/path.db`,
    /// `sqlite:///absolute/path.db`, `sqlite::memory:`, `postgres://…` or
    /// `postgresql://…`.
    pub fn connect(url: &str) -> Result<Engine> {
        Self::builder(url).build()
    }

    /// A builder for an engine with options.
    pub fn builder(url: impl Into<String>) -> EngineBuilder {
        EngineBuilder {
            url: url.into(),
            pool_size: 5,
            max_overflow: 10,
            timeout: Duration::from_secs(30),
            pre_ping: false,
            recycle: None,
            echo: false,
            isolation: None,
            sqlite: SqliteSettings::default(),
            search_path: None,
            application_name: None,
            statement_timeout: None,
            after_connect: Vec::new(),
            listeners: Vec::new(),
        }
    }

    /// Makes the PostgreSQL connections opened from now on live on the tokio
    /// runtime of `handle` (see [`AsyncEngine`](crate::AsyncEngine)); the
    /// first runtime set stays.
    #[cfg(all(feature = "postgres", feature = "async"))]
    pub(crate) fn use_runtime(&self, handle: tokio::runtime::Handle) {
        if self.inner.dialect == Dialect::Postgres {
            let _ = self.inner.setup.runtime.set(handle);
        }
    }

    /// The engine's dialect.
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    /// The URL (password hidden).
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// A session holding a pooled connection.
    pub fn session(&self) -> Result<Session> {
        Session::new(self.clone())
    }

    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it
    /// returns `Err` or panics (the panic then continues).
    pub fn transaction<T>(&self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        self.transaction_with(TxOptions::default(), f)
    }

    /// [`transaction`](Self::transaction) with an isolation level or read-only mode.
    pub fn transaction_with<T>(
        &self,
        options: TxOptions,
        f: impl FnOnce(&mut Session) -> Result<T>,
    ) -> Result<T> {
        // On panic, dropping the session rolls back.
        in_transaction(&mut self.session()?, options, f)
    }

    /// Runs `f` in a transaction like [`transaction_with`](Self::transaction_with),
    /// retrying the whole transaction up to `max_attempts` times while it fails with a
    /// retryable error ([`Error::is_retryable`]: after a short wait) or could not
    /// reach the server ([`Error::is_unreached`]: a failed checkout or a connection
    /// lost before `COMMIT`, after a wait from 10 ms doubling to 1 s). A commit whose
    /// outcome is unknown ([`Error::CommitOutcomeUnknown`]) is returned, never retried.
    pub fn transaction_retry<T>(
        &self,
        options: TxOptions,
        max_attempts: usize,
        mut f: impl FnMut(&mut Session) -> Result<T>,
    ) -> Result<T> {
        let mut attempt = 0usize;
        loop {
            attempt += 1;
            match self.transaction_with(options, &mut f) {
                Err(e) if attempt < max_attempts && should_retry(&e, attempt) => {}
                r => return r,
            }
        }
    }

    /// Registers a listener for every [`Event`] on this engine's connections.
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    /// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
    /// # fn main() -> ormgen::Result<()> {
    /// let engine = ormgen::Engine::connect("sqlite::memory:")?;
    /// let statements = Arc::new(AtomicUsize::new(0));
    /// let counter = statements.clone();
    /// engine.add_listener(move |e| {
    ///     if let ormgen::Event::AfterExecute { .. } = e { counter.fetch_add(1, Ordering::Relaxed); }
    /// });
    /// engine.session()?.execute("select 1", ())?;
    /// assert_eq!(statements.load(Ordering::Relaxed), 1);
    /// # Ok(()) }
    /// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
    /// # fn main() {}
    /// ```
    pub fn add_listener(&self, f: impl Fn(&Event<'_>) + Send + Sync + 'static) {
        self.inner.events.add(Arc::new(f));
    }

    /// Removes every listener.
    pub fn clear_listeners(&self) {
        self.inner.events.clear();
    }

    /// Runs `f` at the start of every flush of this engine's sessions that
    /// has something to write, before anything is written (rows it adds with
    /// `s.add` are written by the same flush). An `Err` fails the flush:
    /// nothing of it is written and the queue is kept. See
    /// [`session_hooks`](crate::session_hooks) for the order of all hooks.
    pub fn before_flush(&self, f: impl Fn(&mut Session) -> Result<()> + Send + Sync + 'static) {
        self.inner
            .session_hooks
            .update(|h| h.before_flush.push(Arc::new(f)));
    }

    /// Runs `f` at the end of every flush of this engine's sessions, after
    /// its last statement and inside its savepoint (queries see the written
    /// rows). An `Err` fails the flush: its writes are rolled back and the
    /// queue is kept.
    pub fn after_flush(&self, f: impl Fn(&mut Session) -> Result<()> + Send + Sync + 'static) {
        self.inner
            .session_hooks
            .update(|h| h.after_flush.push(Arc::new(f)));
    }

    /// Runs `f` when a session of this engine commits an open transaction
    /// (`Session::commit`, `Session::transaction`, `Engine::transaction`),
    /// after the final flush and before `COMMIT`. Work it queues is flushed
    /// before the commit. An `Err` rolls the transaction back (nothing of it
    /// is persisted) and `commit` returns the error.
    ///
    /// ```
    /// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
    /// # fn main() -> ormgen::Result<()> {
    /// use std::sync::{Arc, Mutex};
    /// let engine = ormgen::Engine::connect("sqlite::memory:")?;
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = seen.clone();
    /// engine.before_commit(move |s| {
    ///     // Runs inside the transaction: it can check invariants with queries.
    ///     let n: i64 = s.query_one("select count(*) from t", ())?;
    ///     log.lock().unwrap().push(n);
    ///     Ok(())
    /// });
    /// let mut s = engine.session()?;
    /// s.execute("create table t (x integer)", ())?;
    /// s.execute("insert into t values (1)", ())?;
    /// s.commit()?;
    /// assert_eq!(*seen.lock().unwrap(), [1]);
    /// # Ok(()) }
    /// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
    /// # fn main() {}
    /// ```
    pub fn before_commit(&self, f: impl Fn(&mut Session) -> Result<()> + Send + Sync + 'static) {
        self.inner
            .session_hooks
            .update(|h| h.before_commit.push(Arc::new(f)));
    }

    /// Runs `f` after a session of this engine committed (`COMMIT`
    /// succeeded). It cannot fail the commit, which has happened; a
    /// statement it runs begins a new transaction, which it cannot commit
    /// itself (`commit()` from a hook is an error): the session's next
    /// commit does.
    pub fn after_commit(&self, f: impl Fn(&mut Session) + Send + Sync + 'static) {
        self.inner
            .session_hooks
            .update(|h| h.after_commit.push(Arc::new(f)));
    }

    /// Removes every session hook (flush and commit).
    pub fn clear_session_hooks(&self) {
        self.inner
            .session_hooks
            .update(|h| *h = crate::session_hooks::HookSet::default());
    }

    /// Turns statement logging on or off at run time.
    pub fn set_echo(&self, on: bool) {
        self.inner.events.set_echo(on);
    }

    /// The pool's counters.
    pub fn pool_status(&self) -> PoolStatus {
        self.inner.pool.status()
    }

    /// Closes the idle connections (checked-out ones close when returned).
    pub fn dispose(&self) {
        self.inner.pool.dispose();
    }
}

/// `f` in a transaction of `s` with `options`: committed when it returns
/// `Ok`, rolled back when it returns `Err`.
pub(crate) fn in_transaction<T>(
    s: &mut Session,
    options: TxOptions,
    f: impl FnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    s.begin_with(options)?;
    match f(s) {
        Ok(v) => {
            s.commit()?;
            Ok(v)
        }
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _ = s.rollback();
            Err(e)
        }
    }
}

/// Sleeps before retry `attempt + 1` of a transaction: a little, more with
/// each attempt, to let the winner finish.
pub(crate) fn retry_backoff(attempt: usize) {
    let spin = (attempt as u64).min(20) * 50;
    std::thread::sleep(Duration::from_micros(spin + (nanos_jitter() % 200)));
}

/// Whether `transaction_retry` runs a transaction that failed with `e` again,
/// after waiting here: a conflict ([`Error::is_retryable`]) after a short
/// wait; an unreachable or lost server ([`Error::is_unreached`]: nothing was
/// committed) after an exponential wait (10 ms doubling up to 1 s) while it
/// restarts. An outcome in doubt is never retried.
pub(crate) fn should_retry(e: &Error, attempt: usize) -> bool {
    if e.is_retryable() {
        retry_backoff(attempt);
        true
    } else if e.is_unreached() {
        let wait = 10u64 << attempt.min(7);
        std::thread::sleep(Duration::from_millis(wait.min(1000) + nanos_jitter() % 5));
        true
    } else {
        false
    }
}

fn nanos_jitter() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()))
}
