//! The typed traits the generator implements per table, column and relation
//! side: [`Table`], [`Column`], [`Relation`], [`RelationOf`], [`RowOf`],
//! [`Record`] and [`ManyToMany`] (their static data is in
//! [`catalog`](super::catalog)).

use super::catalog::{DialectSql, ForeignKey, KeySide, Path, TableInfo};
use super::decode::Decode;
use super::key::EagerKey;
use super::sql_types::SqlType;
use crate::Dialect;
use crate::error::{Error, Result};

/// `Ok` when table `T`'s code was generated for dialect `d` (every table of
/// a generated module has the same dialects; `T::GET` tells them).
#[inline]
pub(crate) fn generated_for<T: Table>(d: Dialect) -> Result<()> {
    match T::GET.missing() {
        Some(m) if m == d => Err(Error::DialectNotGenerated { dialect: d }),
        _ => Ok(()),
    }
}

/// One zero-sized `table` struct per table implements this.
pub trait Table: Copy + 'static {
    /// Name, columns and key.
    const INFO: TableInfo;
    /// The model struct (a full row).
    type Model: Decode;
    /// SQL type of the primary key: `Int`, or a tuple `(Int, Int)` for composite keys.
    type PrimaryKey;
    /// `SELECT <all columns> FROM t WHERE <pk> = ..` (one placeholder per key column).
    const GET: DialectSql;
    /// `DELETE FROM t WHERE <pk> = ..` (one placeholder per key column).
    const DELETE: DialectSql;
    /// The `@updatedAt` column, set to the current time by every update, if any.
    const UPDATED_AT: Option<&'static str> = None;
    /// The table's foreign keys (the unit of work orders queued deletes by them).
    const FOREIGN_KEYS: &'static [ForeignKey] = &[];
}

/// A model struct as a row of values: what the unit of work and [`Tracked`]
/// read foreign keys, keys and changed columns from. Emitted for every model.
///
/// [`Tracked`]: super::Tracked
pub trait Record: Decode + Send + 'static {
    /// The model's own table.
    type Table: Table<Model = Self>;
    /// Every column's value, in [`TableInfo::columns`] order.
    fn values(&self) -> Vec<crate::Value>;

    /// Whether the model has write hooks (it was generated with
    /// `Config::hooks` and implements [`Hooks`](super::Hooks)): the per-row
    /// write paths then run the methods below, which forward to its
    /// [`Hooks`](super::Hooks). Without hooks they do nothing and cost nothing.
    const HOOKS: bool = false;
    /// Forwards to [`Hooks::before_update`](super::Hooks::before_update).
    fn before_update(&mut self, _s: &mut crate::Session) -> crate::Result<()> {
        Ok(())
    }
    /// Forwards to [`Hooks::after_update`](super::Hooks::after_update).
    fn after_update(&self, _s: &mut crate::Session) -> crate::Result<()> {
        Ok(())
    }
    /// Forwards to [`Hooks::before_delete`](super::Hooks::before_delete).
    fn before_delete(&self, _s: &mut crate::Session) -> crate::Result<()> {
        Ok(())
    }
    /// Forwards to [`Hooks::after_delete`](super::Hooks::after_delete).
    fn after_delete(&self, _s: &mut crate::Session) -> crate::Result<()> {
        Ok(())
    }
    /// A copy of the row for hooks that run later (a queued delete's), when
    /// the model has hooks; `None` otherwise.
    fn hooked_copy(&self) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }
}

/// One zero-sized struct per column implements this.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column or SQL expression",
    label = "expected a column handle such as `user::email`, or a condition or aggregate built from columns"
)]
pub trait Column: Copy + 'static {
    /// The table the column belongs to.
    type Table: Table;
    /// Its SQL type (`Nullable<_>` for optional columns).
    type SqlType: SqlType;
    /// The SQL column name.
    const NAME: &'static str;
}

/// Cardinality of a relation side: to-many.
pub struct Many;
/// Cardinality of a relation side: to-one through a required foreign key.
pub struct One;
/// Cardinality of a relation side: to-one through an optional foreign key (or the
/// back side of a one-to-one).
pub struct OptionalOne;

/// One zero-sized struct per relation side (e.g. `user::posts`, `post::author`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation",
    label = "joins, `with` and relation filters take a relation handle",
    note = "relation handles live in the model's module, e.g. `post::author`, `user::posts`, `post::tags`"
)]
pub trait Relation: Copy + 'static {
    /// The table the relation starts from.
    type From: Table;
    /// The related table.
    type To: Table;
    /// [`Many`], [`One`] or [`OptionalOne`].
    type Cardinality;
    /// The Rust type of the near-side key column(s) (`i32`; a tuple for a
    /// composite key; [`KeyVals`](super::KeyVals) for key types without exact
    /// equality), which eager loading reads, hashes and binds.
    type Key: EagerKey;
    /// How the tables are linked.
    const PATH: Path;
    /// Which side holds the foreign key.
    const KEY: KeySide;
    /// Whether eager loading takes the keys from the models' fields
    /// ([`near_key`](Self::near_key), [`far_key`](Self::far_key)) instead of
    /// reading the key columns from the result rows a second time. The
    /// generator sets it for relations along a foreign key whose [`Key`](Self::Key)
    /// is an exact type; join-table relations read the far key from the row.
    const KEYS_IN_FIELDS: bool = false;
    /// The near-side key of a row of `From`, from its fields (`None` when a
    /// key column is NULL); used when [`KEYS_IN_FIELDS`](Self::KEYS_IN_FIELDS).
    #[inline]
    fn near_key(_row: &<Self::From as Table>::Model) -> Option<Self::Key> {
        None
    }
    /// The far-side key of a row of `To`, from its fields (`None` when a key
    /// column is NULL); used when [`KEYS_IN_FIELDS`](Self::KEYS_IN_FIELDS).
    #[inline]
    fn far_key(_row: &<Self::To as Table>::Model) -> Option<Self::Key> {
        None
    }
}

/// Emitted per model and table it can be a row of (its own table, and the
/// alias tables that lead to it): `impl RowOf<user::table> for User {}`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a row of `{T}`",
    label = "expected a row of the relation's table (`&Model`), or a `Handle<Model>` of a pending one",
    note = "`s.set(row, rel, target)` takes a row of the relation's model first and a row of its target last"
)]
pub trait RowOf<T: Table> {}

/// Many-to-many relation sides (through a join table), which
/// [`Session::connect`](crate::Session::connect) and
/// [`Session::disconnect`](crate::Session::disconnect) take.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a many-to-many relation",
    label = "`connect` and `disconnect` add and remove pairs of a many-to-many relation",
    note = "set a to-one relation with `s.set(child, rel, parent)`"
)]
pub trait ManyToMany: Relation {}

/// Emitted once per relation side: `impl RelationOf<table> for posts {}`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation of `{T}`",
    label = "`with` loads a relation declared on the query's root model",
    note = "use a relation handle from the root model's module, e.g. `user::posts` on `User::query()`"
)]
pub trait RelationOf<T>: Relation {}
