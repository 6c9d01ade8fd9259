//! The connection pool, with SQLAlchemy's `QueuePool` semantics.
//!
//! It keeps up to `size` idle connections; under load it opens up to `max_overflow`
//! more, and those extra connections are closed when they are returned while `size`
//! connections are already idle. A checkout that finds every connection (`size +
//! max_overflow`) in use waits up to `timeout`, then fails with
//! [`Error::PoolTimeout`]. Waiting checkouts are served first come, first served:
//! each takes a ticket, only the oldest may take a connection, and a checkout that
//! arrives while others wait queues behind them (no barging), so no request starves
//! behind a busy one that keeps checking out again.
//!
//! r2d2 was not used: it has `max_size` and `min_idle` but closes surplus idle
//! connections only from a reaper thread after an idle timeout, so "overflow
//! connections are closed when returned" cannot be expressed, and its timeout error
//! carries none of the pool's sizes. This pool is a mutex, a condition variable and a
//! stack of idle connections (most recently used first, so warm connections are
//! reused and surplus ones go cold).
//!
//! Broken connections are never reused: a connection whose driver reports it closed,
//! or that saw a connection-lost error, is discarded on checkin; with `pre_ping` an
//! idle connection is also pinged at checkout, and connections older than `recycle`
//! are replaced at checkout.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::backend::Conn;
use crate::error::{Error, Result};

/// Pool limits and checks.
#[derive(Debug, Clone)]
pub(crate) struct PoolConfig {
    pub(crate) size: usize,
    pub(crate) overflow: usize,
    pub(crate) timeout: Duration,
    pub(crate) pre_ping: bool,
    pub(crate) recycle: Option<Duration>,
}

/// Opens a new connection.
pub(crate) type Connector = Box<dyn Fn() -> Result<Conn> + Send + Sync>;

struct State {
    idle: Vec<Conn>,
    /// Idle connections opened before this instant are discarded at checkout: set when
    /// a connection is found lost, since its siblings are likely dead too (a server
    /// restart, an administrator terminating backends).
    invalidated_at: Option<Instant>,
    /// Connections that exist: idle plus checked out plus being opened.
    open: usize,
    /// Tickets of the checkouts waiting for a connection, oldest first: only
    /// the oldest may take one (first come, first served), and a new checkout
    /// queues behind them instead of taking a connection just returned.
    waiting: VecDeque<u64>,
    /// The next ticket.
    next_ticket: u64,
}

pub(crate) struct Pool {
    state: Mutex<State>,
    available: Condvar,
    pub(crate) config: PoolConfig,
    connector: Connector,
}

/// Counters of a pool, for monitoring and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections that exist (idle or in use).
    pub open: usize,
    /// Connections waiting in the pool.
    pub idle: usize,
    /// Connections the pool keeps.
    pub size: usize,
    /// Extra connections it may open under load.
    pub max_overflow: usize,
    /// Checkouts waiting for a connection (served first come, first served).
    pub waiting: usize,
}

impl Pool {
    pub(crate) fn new(config: PoolConfig, connector: Connector) -> Self {
        Pool {
            state: Mutex::new(State {
                idle: Vec::new(),
                invalidated_at: None,
                open: 0,
                waiting: VecDeque::new(),
                next_ticket: 0,
            }),
            available: Condvar::new(),
            config,
            connector,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn status(&self) -> PoolStatus {
        let st = self.lock();
        PoolStatus {
            open: st.open,
            idle: st.idle.len(),
            size: self.config.size,
            max_overflow: self.config.overflow,
            waiting: st.waiting.len(),
        }
    }

    /// Takes a connection: an idle one if it passes the checks, else a new one while
    /// under the limit, else waits for one to be returned. Waiting checkouts are
    /// served in arrival order (a ticket queue), and a checkout that arrives while
    /// others wait queues behind them.
    pub(crate) fn checkout(&self) -> Result<(Conn, bool)> {
        let deadline = Instant::now() + self.config.timeout;
        let limit = self.config.size + self.config.overflow;
        let mut ticket: Option<u64> = None;
        let mut st = self.lock();
        loop {
            let my_turn = match ticket {
                None => st.waiting.is_empty(),
                Some(t) => st.waiting.front() == Some(&t),
            };
            if my_turn {
                if let Some(mut conn) = st.idle.pop() {
                    let too_old = self.expired(&st, &conn);
                    drop(st);
                    let usable = !too_old
                        && !conn.is_closed()
                        && (!self.config.pre_ping
                            || conn.ping(self.config.timeout.min(Duration::from_secs(5))));
                    if usable {
                        if let Some(t) = ticket {
                            self.leave_queue(&mut self.lock(), t);
                        }
                        return Ok((conn, false));
                    }
                    drop(conn);
                    st = self.lock();
                    st.open -= 1;
                    continue;
                }
                if st.open < limit {
                    st.open += 1;
                    if let Some(t) = ticket {
                        self.leave_queue(&mut st, t);
                    }
                    drop(st);
                    return match (self.connector)() {
                        Ok(conn) => Ok((conn, true)),
                        Err(e) => {
                            self.lock().open -= 1;
                            self.available.notify_all();
                            Err(e)
                        }
                    };
                }
            }
            let now = Instant::now();
            if now >= deadline {
                if let Some(t) = ticket {
                    self.leave_queue(&mut st, t);
                }
                return Err(Error::PoolTimeout {
                    size: self.config.size,
                    overflow: self.config.overflow,
                    timeout: self.config.timeout,
                });
            }
            if ticket.is_none() {
                let t = st.next_ticket;
                st.next_ticket += 1;
                st.waiting.push_back(t);
                ticket = Some(t);
            }
            st = self
                .available
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// An idle connection, without waiting, opening one or any I/O (a
    /// caller that begins a transaction first finds a dead connection at
    /// its `BEGIN` and replaces it then): `None` when the pool pre-pings
    /// (the ping bounds how long a half-open connection can hold a
    /// checkout), none is idle, others wait in line before this caller, or
    /// the one on top is too old, invalidated or closed (a checkout deals
    /// with those).
    #[cfg(all(feature = "postgres", feature = "async"))]
    pub(crate) fn try_idle(&self) -> Option<Conn> {
        if self.config.pre_ping {
            return None;
        }
        let mut st = self.lock();
        if !st.waiting.is_empty() {
            return None;
        }
        let conn = st.idle.pop()?;
        let stale = self.expired(&st, &conn) || conn.is_closed();
        if stale {
            st.idle.push(conn);
            return None;
        }
        Some(conn)
    }

    /// Whether an idle connection must be replaced rather than handed out:
    /// opened before the pool last saw a lost connection, or older than the
    /// recycle age.
    fn expired(&self, st: &State, conn: &Conn) -> bool {
        st.invalidated_at.is_some_and(|t| conn.created <= t)
            || self
                .config
                .recycle
                .is_some_and(|r| conn.created.elapsed() >= r)
    }

    /// Removes a ticket from the queue and wakes the waiters: the next one in
    /// line may now take a connection.
    fn leave_queue(&self, st: &mut State, ticket: u64) {
        if let Some(i) = st.waiting.iter().position(|&t| t == ticket) {
            st.waiting.remove(i);
        }
        self.available.notify_all();
    }

    /// Returns a connection: kept if healthy and fewer than `size` are idle, closed
    /// otherwise.
    pub(crate) fn checkin(&self, conn: Conn) {
        let mut st = self.lock();
        if conn.broken {
            st.invalidated_at = Some(Instant::now());
        }
        if conn.is_closed() || conn.retired || st.idle.len() >= self.config.size {
            st.open -= 1;
            drop(st);
            // Every waiter checks whether it is first in line.
            self.available.notify_all();
            drop(conn);
        } else {
            st.idle.push(conn);
            drop(st);
            self.available.notify_all();
        }
    }

    /// Closes every idle connection (checked-out ones close when returned).
    pub(crate) fn dispose(&self) {
        let mut st = self.lock();
        let idle = std::mem::take(&mut st.idle);
        st.open -= idle.len();
        drop(st);
        drop(idle);
    }
}

/// A checked-out connection; returns itself to the pool when dropped.
pub(crate) struct Pooled {
    conn: Option<Conn>,
    pool: Arc<Pool>,
}

impl Pooled {
    pub(crate) fn new(conn: Conn, pool: Arc<Pool>) -> Self {
        Pooled {
            conn: Some(conn),
            pool,
        }
    }

    /// The connection; an error only after a failed [`replace`](Self::replace).
    #[inline]
    pub(crate) fn get(&mut self) -> Result<&mut Conn> {
        match self.conn.as_mut() {
            Some(c) => Ok(c),
            None => Err(Error::ConnectionLost {
                message: "the session has no connection: replacing a lost one failed".into(),
            }),
        }
    }

    /// Returns the current connection to the pool (which discards it if broken) and
    /// checks out another.
    pub(crate) fn replace(&mut self) -> Result<()> {
        if let Some(old) = self.conn.take() {
            self.pool.checkin(old);
        }
        let (conn, _) = self.pool.checkout()?;
        self.conn = Some(conn);
        Ok(())
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.checkin(conn);
        }
    }
}
