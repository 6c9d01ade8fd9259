//! Session lifecycle hooks: code the engine runs before and after every
//! session's flushes and commits (SQLAlchemy's `before_flush`,
//! `after_flush`, `before_commit` and `after_commit` session events).
//!
//! Registered on the [`Engine`](crate::Engine) with
//! [`Engine::before_flush`](crate::Engine::before_flush) and its siblings;
//! every session of the engine (and every [`AsyncSession`](crate::AsyncSession),
//! whose session runs them on its connection thread) runs them. When none is
//! registered, a flush or commit pays one relaxed atomic load.
//!
//! When they run, in the order of one `commit()` with queued work:
//!
//! 1. `before_flush` — the queue is not empty and nothing of it is written yet;
//!    rows the hook adds with `s.add` are written by this flush;
//! 2. the flush's statements (with the per-model [`Hooks`](crate::query::Hooks));
//! 3. `after_flush` — everything is written, still inside the flush's
//!    savepoint: queries see the rows;
//! 4. `before_commit` — the transaction is about to commit; work the hook
//!    queues is flushed first (running 1–3 again);
//! 5. `COMMIT`;
//! 6. `after_commit` — the transaction is over (a statement here begins a new one).
//!
//! An `Err` from a `before_flush` or `after_flush` hook fails the flush like a
//! failed statement: the savepoint is rolled back and the queue is kept. An
//! `Err` from a `before_commit` hook rolls the transaction back and `commit`
//! returns it: nothing is persisted. `after_commit` hooks cannot fail (the
//! commit has happened).
//!
//! Flush hooks run only when there is something to flush; commit hooks only
//! when a transaction is open. In autocommit mode (`Session::set_autocommit`)
//! statements commit on their own and run no commit hooks. `commit` flushes
//! until nothing is queued, so work that a flush's hooks queue is written
//! before the `COMMIT` (at most 100 flushes: a hook that queues work at
//! every flush is an error).
//!
//! What hooks queue while a flush fails is dropped with the failure (the
//! caller's queue is kept, and the hooks queue it again when the flush runs
//! again). A hook that calls `flush()` during a flush, or `commit()` at all
//! (from a flush, write or commit hook), gets an error instead of recursion
//! or a half-committed write: hooks work inside the transaction that is
//! being written.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use crate::{Result, Session};

/// A hook that may refuse: its `Err` aborts the flush or commit.
pub type SessionHook = Arc<dyn Fn(&mut Session) -> Result<()> + Send + Sync>;

/// A hook run after a commit; the commit has happened, so it cannot fail.
pub type AfterCommitHook = Arc<dyn Fn(&mut Session) + Send + Sync>;

/// The registered hooks, one list per event.
#[derive(Default, Clone)]
pub(crate) struct HookSet {
    pub(crate) before_flush: Vec<SessionHook>,
    pub(crate) after_flush: Vec<SessionHook>,
    pub(crate) before_commit: Vec<SessionHook>,
    pub(crate) after_commit: Vec<AfterCommitHook>,
}

impl HookSet {
    fn is_empty(&self) -> bool {
        self.before_flush.is_empty()
            && self.after_flush.is_empty()
            && self.before_commit.is_empty()
            && self.after_commit.is_empty()
    }
}

/// An engine's session hooks: a copy-on-write list read without locking
/// when none is registered.
#[derive(Default)]
pub(crate) struct SessionHooks {
    any: AtomicBool,
    set: RwLock<Arc<HookSet>>,
}

impl SessionHooks {
    /// The hooks, or `None` when none is registered (the fast path).
    #[inline]
    pub(crate) fn get(&self) -> Option<Arc<HookSet>> {
        if !self.any.load(Ordering::Relaxed) {
            return None;
        }
        Some(self.set.read().unwrap_or_else(|p| p.into_inner()).clone())
    }

    /// Changes the set with `f`.
    pub(crate) fn update(&self, f: impl FnOnce(&mut HookSet)) {
        let mut guard = self.set.write().unwrap_or_else(|p| p.into_inner());
        let mut next = HookSet::clone(&guard);
        f(&mut next);
        self.any.store(!next.is_empty(), Ordering::Relaxed);
        *guard = Arc::new(next);
    }
}

/// Runs `hooks` in registration order; the first `Err` stops them.
pub(crate) fn run_all(hooks: &[SessionHook], s: &mut Session) -> Result<()> {
    hooks.iter().try_for_each(|h| h(s))
}
