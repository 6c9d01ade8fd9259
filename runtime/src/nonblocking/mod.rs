//! The async API (feature `async`): [`AsyncEngine`] and [`AsyncSession`].
//!
//! **Design.** Each async session's [`Session`](crate::Session) lives in
//! the slot of a connection thread of its own; work that runs sync code
//! (the unit of work, eager loads, `Tracked`, migrations, generated
//! `update`, [`AsyncSession::run_sync`]) is sent there and awaited —
//! the design of Python's aiosqlite, which SQLAlchemy's async SQLite engine
//! uses. So:
//!
//! - no executor thread ever blocks on the database (a checkout wait, a
//!   SQLite lock wait, a connect);
//! - the generated code exists once: a query value built with the generated
//!   API runs in either world (`q.all(&mut session)` or
//!   `async_session.all(q).await`);
//! - the engine's pool, options, listeners and error kinds are the sync
//!   engine's ([`AsyncEngine`] wraps an [`Engine`](crate::Engine)).
//!
//! **PostgreSQL statements from the task** (`native.rs`, features
//! `postgres` + `async`). An engine made through [`AsyncEngine`] inside a
//! tokio runtime opens its PostgreSQL connections as `tokio-postgres`
//! clients whose sockets live on that runtime (`backend/pg_native.rs`). The
//! query builder's terminals, [`AsyncSession::get`],
//! [`AsyncSession::insert`], raw `execute`/`query_as`/`query`/`query_one`/
//! `query_opt` (their values encoded for the prepared statement while `Params` lends
//! them), `begin`, `commit` and `rollback` then send their statement from
//! the awaiting task and poll
//! the connection there — a round trip costs what it costs with bare
//! `tokio-postgres`, and a transaction's `BEGIN` is pipelined with its first
//! statement when that is a read (no round trip of its own) — whenever nothing needs the thread (no job queued, no
//! listener, no hook, nothing queued in the unit of work); the sync code on
//! the thread uses the same connection by polling it there. A new session
//! takes an idle pooled connection from the task when one is there without
//! waiting and the pool does not pre-ping; a dead one is found by its
//! `BEGIN`, and replaced on the thread.
//!
//! Sync work on such a connection (the thread's, or a sync
//! [`Session`](crate::Session) of the same engine) progresses while the
//! runtime runs its I/O driver: always on a multi-thread runtime; on a
//! current-thread runtime only inside its `block_on` (so do not block that
//! runtime's thread on the engine's sync API — which the `postgres` crate
//! never allowed either).
//!
//! The price of the thread is a hand-over per call, measured in
//! `BENCHMARKS.md`: to keep it short a connection thread polls for its next
//! job for 50 µs before sleeping, and a call on a SQLite session waits up to
//! 20 µs for its answer before yielding (a sleeping thread takes tens of
//! microseconds to wake). Connection threads are pooled with the engine (at
//! most its pool size plus overflow stay idle).
//!
//! On SQLite the futures work on any executor (they only use `tokio::sync`
//! channels); timeouts are the caller's (`tokio::time::timeout`). See
//! [`AsyncSession`] for what dropping a future does.

mod engine;
#[cfg(feature = "postgres")]
mod native;
mod session;
mod stream;
mod worker;

pub use engine::AsyncEngine;
pub use session::{AsyncSession, BoxFuture};
pub use stream::AsyncRows;

/// Locks `m`, ignoring poisoning (the data is a queue or a handle, valid
/// whatever a panicking holder did).
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
