//! Engine events: listeners for statements, transactions and pool checkouts, and the
//! `echo` log.
//!
//! Listeners are registered on the [`Engine`](crate::Engine) with
//! [`Engine::add_listener`](crate::Engine::add_listener). When none is registered and
//! echo is off, the statement path pays one relaxed atomic load.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::error::Error;
use crate::value::ToParam;

/// The `tracing` target under which echoed statements are logged (at `INFO`).
pub const SQL_TARGET: &str = "ormgen::sql";

/// Something that happened on an engine's connections.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A statement is about to run.
    BeforeExecute {
        /// The SQL text as sent to the database.
        sql: &'a str,
        /// The bound parameters.
        params: &'a [&'a dyn ToParam],
    },
    /// A statement ran.
    AfterExecute {
        /// The SQL text as sent to the database.
        sql: &'a str,
        /// The bound parameters.
        params: &'a [&'a dyn ToParam],
        /// How long it took (including fetching and decoding its rows).
        duration: Duration,
        /// Rows affected (execute) or returned (query); `None` on error.
        rows: Option<u64>,
        /// The error, if it failed.
        error: Option<&'a Error>,
    },
    /// A transaction began (`BEGIN …`).
    Begin {
        /// The statement used.
        sql: &'a str,
    },
    /// A transaction was committed.
    Commit,
    /// A transaction was rolled back.
    Rollback,
    /// A savepoint was created.
    Savepoint {
        /// Its name.
        name: &'a str,
    },
    /// A savepoint was rolled back to (and released).
    RollbackToSavepoint {
        /// Its name.
        name: &'a str,
    },
    /// A savepoint was released.
    ReleaseSavepoint {
        /// Its name.
        name: &'a str,
    },
    /// A new database connection was opened.
    Connect,
    /// A session checked a connection out of the pool.
    Checkout,
    /// A session returned its connection to the pool.
    Checkin,
}

/// A registered listener.
pub type Listener = Arc<dyn Fn(&Event<'_>) + Send + Sync>;

/// The engine's listeners and echo flag.
pub(crate) struct Events {
    /// True when echo is on or any listener is registered.
    observed: AtomicBool,
    echo: AtomicBool,
    listeners: RwLock<Arc<[Listener]>>,
}

impl Events {
    pub(crate) fn new(echo: bool) -> Self {
        Events {
            observed: AtomicBool::new(echo),
            echo: AtomicBool::new(echo),
            listeners: RwLock::new(Arc::from(Vec::new())),
        }
    }

    #[inline]
    pub(crate) fn observed(&self) -> bool {
        self.observed.load(Ordering::Relaxed)
    }

    pub(crate) fn echo(&self) -> bool {
        self.echo.load(Ordering::Relaxed)
    }

    pub(crate) fn set_echo(&self, on: bool) {
        self.echo.store(on, Ordering::Relaxed);
        self.refresh();
    }

    pub(crate) fn add(&self, l: Listener) {
        let mut guard = self.listeners.write().unwrap_or_else(|p| p.into_inner());
        let mut v: Vec<Listener> = guard.iter().cloned().collect();
        v.push(l);
        *guard = Arc::from(v);
        drop(guard);
        self.refresh();
    }

    pub(crate) fn clear(&self) {
        *self.listeners.write().unwrap_or_else(|p| p.into_inner()) = Arc::from(Vec::new());
        self.refresh();
    }

    fn refresh(&self) {
        let any = !self.snapshot().is_empty();
        self.observed.store(any || self.echo(), Ordering::Relaxed);
    }

    fn snapshot(&self) -> Arc<[Listener]> {
        self.listeners
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Delivers `e` to the listeners and echoes it if asked. Call only when
    /// [`observed`](Self::observed) is true (it is cheap either way).
    pub(crate) fn emit(&self, e: &Event<'_>) {
        if self.echo() {
            echo(e);
        }
        for l in self.snapshot().iter() {
            l(e);
        }
    }
}

fn echo(e: &Event<'_>) {
    match e {
        Event::BeforeExecute { sql, params } => {
            tracing::info!(target: SQL_TARGET, params = %RenderParams(params), "{sql}");
        }
        Event::AfterExecute {
            error: Some(err),
            duration,
            ..
        } => {
            tracing::info!(target: SQL_TARGET, elapsed = ?duration, "failed: {err}");
        }
        Event::AfterExecute { .. } => {}
        Event::Begin { sql } => tracing::info!(target: SQL_TARGET, "{sql}"),
        Event::Commit => tracing::info!(target: SQL_TARGET, "COMMIT"),
        Event::Rollback => tracing::info!(target: SQL_TARGET, "ROLLBACK"),
        Event::Savepoint { name } => tracing::info!(target: SQL_TARGET, "SAVEPOINT {name}"),
        Event::RollbackToSavepoint { name } => {
            tracing::info!(target: SQL_TARGET, "ROLLBACK TO SAVEPOINT {name}")
        }
        Event::ReleaseSavepoint { name } => {
            tracing::info!(target: SQL_TARGET, "RELEASE SAVEPOINT {name}")
        }
        Event::Connect | Event::Checkout | Event::Checkin => {
            tracing::debug!(target: SQL_TARGET, "{e:?}")
        }
    }
}

/// Renders parameters for logs: `[1, "a", None]`, each cut to 100 characters.
pub struct RenderParams<'a>(pub &'a [&'a dyn ToParam]);

impl fmt::Display for RenderParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&short_debug(*p, 100))?;
        }
        f.write_str("]")
    }
}

/// `Debug` of `v`, cut to at most `max` characters (stops formatting early, so a
/// 10 MB blob costs nothing).
pub(crate) fn short_debug(v: &dyn fmt::Debug, max: usize) -> String {
    struct Limited {
        out: String,
        max: usize,
        cut: bool,
    }
    impl fmt::Write for Limited {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for c in s.chars() {
                if self.out.len() >= self.max {
                    self.cut = true;
                    return Err(fmt::Error);
                }
                self.out.push(c);
            }
            Ok(())
        }
    }
    let mut w = Limited {
        out: String::new(),
        max,
        cut: false,
    };
    let _ = fmt::write(&mut w, format_args!("{v:?}"));
    if w.cut {
        w.out.push('…');
    }
    w.out
}
