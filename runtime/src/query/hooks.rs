//! Per-model write hooks: [`Hooks`], what SQLAlchemy's mapper events
//! (`before_insert`, `after_update`, …) and SeaORM's `ActiveModelBehavior`
//! give, checked by the compiler.
//!
//! A model has hooks when its code was generated with them
//! (`ormgen_build::Config::hooks(["User"])`, `ormgen generate --hooks User`)
//! and the crate implements [`Hooks`] for it; the generated code then calls
//! them on every per-row write path. Other models pay nothing: the calls are
//! empty default methods, compiled away.
//!
//! | write | hooks run |
//! |---|---|
//! | `User::insert`, `insert_without_returning`, `insert_many`, `insert_all` | `before_insert` on each row, then `after_insert` on each stored row |
//! | the unit of work: a row added with `s.add`, flushed | `before_insert`, `after_insert` |
//! | `Tracked::save`, `user.save(s)` | `before_update` (it may change the row), `after_update` |
//! | the unit of work: `s.delete(&user)`, flushed | `before_delete`, `after_delete` |
//! | statements: `User::update()`, `update_by_key`, `User::delete()`, `delete_by_key`, `User::upsert`, `insert_select`, raw SQL | none (they write rows they never load; SQLAlchemy's bulk statements behave the same) |
//! | the unit of work: `s.set(&stored, rel, parent)` on a stored row | none (an update of its foreign-key columns only) |
//!
//! A hook and the write it surrounds run in one savepoint (the flush's, or
//! one of their own): an `Err` from a hook — [`Error::Rejected`](crate::Error::Rejected)
//! for an application's refusal — rolls back the write and everything the
//! hooks wrote, and the call returns it. Hooks get the session, so they can
//! read and write other rows in the same transaction.

use super::table::Record;
use crate::{Result, Session};

/// Names a model's insert type (`NewUser<'v>`): emitted by the generator for
/// models with hooks, so that [`Hooks::before_insert`] takes it. A model with
/// no insert type names [`std::convert::Infallible`].
pub trait InsertType {
    /// The generated insert type.
    type New<'v>;
}

/// Write hooks of one model. Generate the model with hooks
/// (`Config::hooks(["User"])`), then implement the methods wanted; the
/// others do nothing.
///
/// ```text
/// impl ormgen::query::Hooks for User {
///     fn before_insert(new: &mut NewUser<'_>, _s: &mut Session) -> ormgen::Result<()> {
///         new.email = new.email.trim().to_lowercase().into();
///         Ok(())
///     }
///     fn before_delete(user: &User, _s: &mut Session) -> ormgen::Result<()> {
///         if user.role == Role::Admin {
///             return Err(ormgen::Error::rejected("admins are not deleted"));
///         }
///         Ok(())
///     }
/// }
/// ```
///
/// See the [module documentation](self) for which writes run them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` was generated with write hooks but does not implement `ormgen::query::Hooks`",
    label = "its generated code calls the model's hooks",
    note = "add `impl ormgen::query::Hooks for {Self} {{}}` and override the hooks you want (each defaults to doing nothing), or leave the model out of `Config::hooks` / `--hooks`"
)]
pub trait Hooks: Record + Clone + InsertType {
    /// Before a row is inserted: `new` may be changed (defaulted fields still
    /// `None` are filled after this). In a flush, a foreign key linked to a
    /// pending parent is filled after this too.
    fn before_insert(_new: &mut Self::New<'_>, _s: &mut Session) -> Result<()> {
        Ok(())
    }
    /// After a row was inserted, with the row as stored. (In a flush that
    /// breaks a cycle of pending rows at a nullable foreign key, the row
    /// that is inserted first has that key NULL here: it is set by an
    /// update after its parent is written.)
    fn after_insert(_row: &Self, _s: &mut Session) -> Result<()> {
        Ok(())
    }
    /// Before a row is updated: `row` may be changed, and the update writes
    /// its changes too.
    fn before_update(_row: &mut Self, _s: &mut Session) -> Result<()> {
        Ok(())
    }
    /// After a row was updated, with the row as stored.
    fn after_update(_row: &Self, _s: &mut Session) -> Result<()> {
        Ok(())
    }
    /// Before a row is deleted.
    fn before_delete(_row: &Self, _s: &mut Session) -> Result<()> {
        Ok(())
    }
    /// After a row was deleted (the value is what was loaded).
    fn after_delete(_row: &Self, _s: &mut Session) -> Result<()> {
        Ok(())
    }
}

/// The generated `save(&self)` of a model with hooks: `before_update` on a
/// copy of the row, `write` (the generated full-row update), then
/// `after_update` on the stored row, in a savepoint.
pub fn save_with_hooks<M: Record>(
    s: &mut Session,
    row: &M,
    write: impl FnOnce(&M, &mut Session) -> Result<Option<M>>,
) -> Result<Option<M>> {
    let Some(mut row) = row.hooked_copy() else {
        return write(row, s);
    };
    s.with_write_hooks(|s| {
        row.before_update(s)?;
        let stored = write(&row, s)?;
        if let Some(stored) = &stored {
            stored.after_update(s)?;
        }
        Ok(stored)
    })
}
