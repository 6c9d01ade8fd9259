//! What a session is in the middle of ([`Busy`]): a flush, a commit's
//! hooks, a write's model hooks — so that a hook cannot flush or commit the
//! work it is part of — and the savepoint a write with hooks runs in.

use super::*;

/// The flags of [`Session::busy`](Session).
pub(crate) struct Busy;

impl Busy {
    /// A flush runs (with its hooks).
    pub(crate) const FLUSH: u8 = 1;
    /// A commit's `before_commit` or `after_commit` hooks run.
    pub(crate) const COMMIT_HOOKS: u8 = 2;
    /// A write's model hooks run.
    pub(crate) const WRITE_HOOKS: u8 = 4;
}

impl Session {
    /// Runs `f` with the [`Busy`] flag `flag` set, restoring the flags
    /// afterwards, also when `f` panics.
    pub(crate) fn busy_with<T>(&mut self, flag: u8, f: impl FnOnce(&mut Session) -> T) -> T {
        let before = self.busy;
        self.busy |= flag;
        let r = catch_unwind(AssertUnwindSafe(|| f(self)));
        self.busy = before;
        match r {
            Ok(v) => v,
            Err(panic) => resume_unwind(panic),
        }
    }

    /// Runs `f`, a write with its model's hooks, in a savepoint with the
    /// [`Busy::WRITE_HOOKS`] flag set: an `Err` rolls back the write and
    /// what the hooks wrote.
    pub(crate) fn with_write_hooks<T>(
        &mut self,
        f: impl FnOnce(&mut Session) -> Result<T>,
    ) -> Result<T> {
        self.busy_with(Busy::WRITE_HOOKS, |s| s.savepoint(f))
    }
}
