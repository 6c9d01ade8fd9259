//! [`Tracked`]: a loaded row that remembers its stored values, so that
//! [`save`](Tracked::save) updates only the columns that changed (and
//! `@updatedAt` columns with them).

use std::ops::{Deref, DerefMut};

use super::exec::fetch_first;
use super::table::{Record, Table};
use super::unit_of_work::{update_head, value_of, where_key};
use super::write::returning;
use crate::{Error, Result, Session, Value};

/// A loaded row that remembers the values it was loaded with, so that
/// [`save`](Self::save) updates only the columns changed since. Derefs to
/// the row; change its fields in place.
///
/// ```text
/// let mut user = Tracked::new(User::get(&mut s, 1)?.unwrap());
/// user.name = Some("Ada".into());
/// user.save(&mut s)?; // UPDATE "users" SET "name" = $1, "updated_at" = $2 WHERE "id" = $3 RETURNING …
/// ```
#[derive(Debug, Clone)]
pub struct Tracked<M: Record> {
    row: M,
    loaded: Vec<Value>,
}

impl<M: Record> Tracked<M> {
    /// Starts tracking `row` (as loaded: nothing changed yet).
    pub fn new(row: M) -> Self {
        let loaded = row.values();
        Tracked { row, loaded }
    }

    /// The columns whose values differ from the loaded ones, with their values now.
    fn changes(&self) -> Vec<(&'static str, Value)> {
        let columns = <M::Table as Table>::INFO.columns;
        self.row
            .values()
            .into_iter()
            .zip(&self.loaded)
            .zip(columns)
            .filter(|((now, then), _)| now != *then)
            .map(|((now, _), c)| (*c, now))
            .collect()
    }

    /// The columns whose values differ from the loaded ones.
    pub fn changed(&self) -> Vec<&'static str> {
        self.changes().into_iter().map(|(c, _)| c).collect()
    }

    /// Writes the changed columns (and the `@updatedAt` column, if the model has
    /// one) to the row with the *loaded* key, and takes the row as stored.
    /// Returns whether a statement ran: nothing changed, nothing written. An
    /// update that hits no row is [`Error::NoSuchRow`].
    ///
    /// A model with [`Hooks`](super::Hooks) runs `before_update` first (its
    /// changes to the row are saved too) and `after_update` on the stored
    /// row, in a savepoint, when some column changed (a save with nothing
    /// changed runs no hooks, like SQLAlchemy's); on an `Err` the row and its
    /// loaded values are as they were before the call.
    pub fn save(&mut self, s: &mut Session) -> Result<bool> {
        if !M::HOOKS || self.changes().is_empty() {
            return self.write_changes(s);
        }
        let before = (self.row.hooked_copy(), self.loaded.clone());
        let r = s.with_write_hooks(|s| {
            self.row.before_update(s)?;
            let wrote = self.write_changes(s)?;
            if wrote {
                self.row.after_update(s)?;
            }
            Ok(wrote)
        });
        if r.is_err() {
            if let Some(row) = before.0 {
                self.row = row;
            }
            self.loaded = before.1;
        }
        r
    }

    /// [`save`](Self::save) without hooks.
    fn write_changes(&mut self, s: &mut Session) -> Result<bool> {
        let info = <M::Table as Table>::INFO;
        let sets = self.changes();
        if sets.is_empty() {
            return Ok(false);
        }
        let key: Vec<Value> = info
            .primary_key
            .iter()
            .map(|c| value_of(info.name, info.columns, &self.loaded, c))
            .collect::<Result<_>>()?;
        let mut w = update_head(
            s.dialect(),
            info.name,
            sets,
            <M::Table as Table>::UPDATED_AT,
        );
        where_key(&mut w, info.primary_key, key);
        returning(&mut w, info.columns);
        let stmt = w.finish();
        let stored: M =
            fetch_first(s, &stmt.sql, &stmt.params)?.ok_or_else(|| Error::NoSuchRow {
                table: info.name.to_owned(),
                action: "update",
            })?;
        self.loaded = stored.values();
        self.row = stored;
        Ok(true)
    }

    /// The row, no longer tracked.
    pub fn into_inner(self) -> M {
        self.row
    }
}

impl<M: Record> Deref for Tracked<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.row
    }
}

impl<M: Record> DerefMut for Tracked<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.row
    }
}
