//! The async API (feature `async`): [`AsyncEngine`] and [`AsyncSession`].
//!
//! **Design.** Each async session's [`Session`](crate::Session) lives on a
//! connection thread of its own and every async method sends its work there
//! and awaits the answer — the design of Python's aiosqlite, which
//! SQLAlchemy's async SQLite engine uses, applied to both backends. So:
//!
//! - no executor thread ever blocks on the database (the checkout wait, a
//!   SQLite lock wait, a PostgreSQL round trip all happen on the connection
//!   thread);
//! - the generated code exists once: a query value built with the generated
//!   API runs in either world (`q.all(&mut session)` or
//!   `async_session.all(q).await`), and everything else — the unit of work,
//!   eager loading, `Tracked`, migrations, generated `get`/`insert` — runs
//!   through [`AsyncSession::run_sync`] with exactly the sync semantics;
//! - the engine's pool, options, listeners and error kinds are the sync
//!   engine's ([`AsyncEngine`] wraps an [`Engine`](crate::Engine)).
//!
//! The price is a hand-over per call between threads, measured against the
//! sync path in `BENCHMARKS.md`: to keep it short a connection thread polls
//! for its next job for 50 µs before sleeping, and a call on a SQLite session
//! waits up to 20 µs for its answer before yielding (a sleeping thread takes
//! tens of microseconds to wake). Connection threads are pooled with the
//! engine (at most its pool size plus overflow stay idle).
//!
//! The futures work on any executor (they only use `tokio::sync` channels);
//! timeouts are the caller's (`tokio::time::timeout`). See
//! [`AsyncSession`] for what dropping a future does.

mod engine;
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
