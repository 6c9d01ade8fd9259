//! The static descriptions the generator emits for tables, relations and
//! fixed statements: plain `'static` data, below every other layer of the
//! query module (the erased AST names tables through it; the typed traits of
//! [`table`](super::table) hand it out as associated constants).

use crate::Dialect;
use crate::error::{Error, Result};

/// Fixed-shape SQL, one string per dialect (emitted by the generator). The
/// text of a dialect the code was not generated for is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialectSql {
    /// The PostgreSQL text (`$n` placeholders); empty when not generated.
    pub postgres: &'static str,
    /// The SQLite text (`?n` placeholders); empty when not generated.
    pub sqlite: &'static str,
}
impl DialectSql {
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

/// Static description of a table, used by the dynamic layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableInfo {
    /// The SQL table name.
    pub name: &'static str,
    /// All columns, in model field order (the order [`Decode`](super::Decode) reads them in).
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

/// Where the foreign key of a relation side lives, seen from [`Relation::From`](super::Relation::From).
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
