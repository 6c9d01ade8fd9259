//! What the generator emits per table, column and relation side: the traits
//! [`Table`], [`Column`], [`Relation`], [`RelationOf`] and their static data.

use super::decode::Decode;
use crate::Dialect;
use crate::error::{Error, Result};

/// Fixed-shape SQL, one string per dialect (emitted by the generator). The
/// text of a dialect the code was not generated for is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sql2 {
    /// The PostgreSQL text (`$n` placeholders); empty when not generated.
    pub postgres: &'static str,
    /// The SQLite text (`?n` placeholders); empty when not generated.
    pub sqlite: &'static str,
}
impl Sql2 {
    /// The text for dialect `d`, or [`Error::DialectNotGenerated`] when the
    /// code was generated without it.
    #[inline]
    pub fn get(&self, d: Dialect) -> Result<&'static str> {
        match d {
            Dialect::Postgres if !self.postgres.is_empty() => Ok(self.postgres),
            Dialect::Sqlite if !self.sqlite.is_empty() => Ok(self.sqlite),
            _ => Err(Error::DialectNotGenerated { dialect: d }),
        }
    }

    /// The dialect whose text is absent, if any (generated code has at least
    /// one).
    #[inline]
    pub const fn missing(&self) -> Option<Dialect> {
        if self.postgres.is_empty() {
            Some(Dialect::Postgres)
        } else if self.sqlite.is_empty() {
            Some(Dialect::Sqlite)
        } else {
            None
        }
    }
}

/// `Ok` when table `T`'s code was generated for dialect `d` (every table of
/// a generated module has the same dialects; `T::GET` tells them).
#[inline]
pub(crate) fn generated_for<T: Table>(d: Dialect) -> Result<()> {
    match T::GET.missing() {
        Some(m) if m == d => Err(Error::DialectNotGenerated { dialect: d }),
        _ => Ok(()),
    }
}

/// Static description of a table, used by the dynamic layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableInfo {
    /// The SQL table name.
    pub name: &'static str,
    /// All columns, in model field order (the order [`Decode`] reads them in).
    pub columns: &'static [&'static str],
    /// The primary-key columns, in key order.
    pub primary_key: &'static [&'static str],
    /// The SQL alias under which this table appears in a query (`"users" AS
    /// "users_mentor"`), for the alias tables the generator emits where one
    /// query can reach a table twice (self-relations, several relations between
    /// the same two models). `None` for the table itself.
    pub alias: Option<&'static str>,
}

impl TableInfo {
    /// The name columns are qualified with: the alias if any, else the table name.
    #[inline]
    pub const fn qualifier(&self) -> &'static str {
        match self.alias {
            Some(a) => a,
            None => self.name,
        }
    }

    /// The table as it appears in FROM / JOIN.
    #[inline]
    pub const fn table_ref(&self) -> TableRef {
        TableRef {
            name: self.name,
            alias: self.alias,
        }
    }
}

/// A table in FROM or JOIN: its name and, for alias tables, the alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableRef {
    /// The SQL table name.
    pub name: &'static str,
    /// `AS "alias"`, if any.
    pub alias: Option<&'static str>,
}

impl TableRef {
    /// A table without alias (e.g. an implicit many-to-many join table).
    #[inline]
    pub const fn plain(name: &'static str) -> TableRef {
        TableRef { name, alias: None }
    }

    /// The name columns of this table are qualified with.
    #[inline]
    pub const fn qualifier(&self) -> &'static str {
        match self.alias {
            Some(a) => a,
            None => self.name,
        }
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
    const GET: Sql2;
    /// `DELETE FROM t WHERE <pk> = ..` (one placeholder per key column).
    const DELETE: Sql2;
    /// The `@updatedAt` column, set to the current time by every update, if any.
    const UPDATED_AT: Option<&'static str> = None;
    /// The table's foreign keys (the unit of work orders queued deletes by them).
    const FOREIGN_KEYS: &'static [ForeignKey] = &[];
}

/// A foreign key: `columns` of this table reference `referenced` of `table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referencing columns of this table, in order.
    pub columns: &'static [&'static str],
    /// The referenced table's SQL name.
    pub table: &'static str,
    /// The referenced columns, in the same order.
    pub referenced: &'static [&'static str],
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
    type SqlType: super::SqlType;
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

/// How two tables are linked. Pairs are `(column on the near side, column on the far side)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// `to.far = from.near` for each pair.
    Direct(&'static [(&'static str, &'static str)]),
    /// Many-to-many: `from.near = through.a` pairs, then `through.b = to.far` pairs.
    Through {
        /// The join table.
        table: &'static str,
        /// `(from column, join-table column)` pairs.
        from: &'static [(&'static str, &'static str)],
        /// `(join-table column, to column)` pairs.
        to: &'static [(&'static str, &'static str)],
    },
}

/// One zero-sized struct per relation side (e.g. `user::posts`, `post::author`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation",
    label = "joins, `with` and relation filters take a relation handle",
    note = "relation handles live in the model's module, e.g. `post::author`, `user::posts`, `post::tags`"
)]
pub trait Relation: Copy + 'static {
    /// The table the relation starts from.
    type From: super::Table;
    /// The related table.
    type To: super::Table;
    /// [`Many`], [`One`] or [`OptionalOne`].
    type Cardinality;
    /// The Rust type of the near-side key column(s) (`i32`; a tuple for a
    /// composite key; [`KeyVals`](super::KeyVals) for key types without exact
    /// equality), which eager loading reads, hashes and binds.
    type Key: super::EagerKey;
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
    fn near_key(_row: &<Self::From as super::Table>::Model) -> Option<Self::Key> {
        None
    }
    /// The far-side key of a row of `To`, from its fields (`None` when a key
    /// column is NULL); used when [`KEYS_IN_FIELDS`](Self::KEYS_IN_FIELDS).
    #[inline]
    fn far_key(_row: &<Self::To as super::Table>::Model) -> Option<Self::Key> {
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

/// Where the foreign key of a relation side lives, seen from [`Relation::From`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySide {
    /// `From` holds it (`post::author`: `posts.author_id`); the near columns of
    /// [`Path::Direct`] are the foreign key.
    Near {
        /// Whether the foreign key columns are nullable.
        nullable: bool,
    },
    /// `To` holds it (`user::posts`, `user::profile`); the far columns are the
    /// foreign key.
    Far {
        /// Whether the foreign key columns are nullable.
        nullable: bool,
    },
    /// A join table holds both (many-to-many, [`Path::Through`]).
    JoinTable,
}

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
