//! The typed query builder that generated code links against.
//!
//! Two layers (see `GENERATOR_CONTRACT.md` next to this file for what the
//! generator emits):
//!
//! * a **dynamic layer** ([`QueryState`], [`Node`]): FROM table, joins, select
//!   list, filters, grouping, ordering, paging and locking as an erased tree that
//!   renders SQL for a [`Dialect`](crate::Dialect) — identifiers always quoted,
//!   every value (LIMIT and OFFSET too) a bound parameter;
//! * a **typed layer** ([`Query<S, R, G>`](Query), [`Expr<ST, Src, K>`](Expr),
//!   column and relation handles): phantom types carrying only what the compiler
//!   must check — the tables in scope, the row type and the grouping state — so
//!   filters, column orderings and limits never change a query's type and
//!   conditional queries are ordinary code (ordering by an aggregate marks the
//!   grouping state, which the terminals check):
//!
//! ```text
//! let mut q = User::query();
//! if let Some(a) = min_age { q = q.filter(user::age.gt(a)); }
//! let users = q.order_by(user::name.asc()).limit(10).all(&mut s)?;
//! ```
//!
//! Terminals run on a [`Session`](crate::Session) through its transaction and
//! prepared-statement cache and decode rows straight from the driver ([`Decode`]).
//!
//! # Dialect differences
//!
//! | feature | PostgreSQL | SQLite |
//! |---|---|---|
//! | placeholders | `$1` | `?1` |
//! | `ilike` | `ILIKE` | `LOWER(e) LIKE LOWER(p)` (ASCII case folding) |
//! | `OFFSET` without `LIMIT` | `OFFSET $n` | `LIMIT -1 OFFSET ?n` |
//! | `for_update`, `for_share`, `nowait`, `skip_locked` | `FOR UPDATE [NOWAIT \| SKIP LOCKED]`, `FOR SHARE` | no-op: SQLite locks the whole database for a write transaction (open it with `IsolationLevel::Serializable` = `BEGIN IMMEDIATE` to take the lock up front) |
//! | `sum` of `BigInt`, `avg` | cast to `BIGINT` / `DOUBLE PRECISION` (PostgreSQL returns `numeric`) | as is |
//! | `in_list([])` | `1 = 0` | `1 = 0` |
//! | parameters per statement ([`max_params`]) | 65,535 | 32,766 |
// Phantom type-state tuples and projection types are the point of this module.
#![allow(clippy::type_complexity)]

mod builder;
mod decode;
mod defaults;
mod eager;
mod exec;
mod expr;
mod node;
mod operand;
mod schema;
mod scope;
mod select;
mod shape;
mod sql_types;
mod tracked;
mod unit_of_work;
mod write;

pub use builder::*;
pub use decode::{Decode, ReadAs, Scalar};
pub use defaults::{cuid, now, uuid, uuid_string};
pub use eager::{
    Cardinality, Eager, EagerKey, EagerLoad, Grouped, KeyVals, Load, Loaded, NestExt, Nested,
    RelKey, related,
};
pub use exec::{RowStream, fetch_all, fetch_first, fetch_one, get};
pub use expr::*;
pub use node::{Node, Param, PgCast, Statement, Writer, push_ident, render_list, render_node};
pub use operand::{AsExprOf, AssignableTo, Null, PrimaryKey, ToValue, ValueOf};
pub use schema::{
    Column, ForeignKey, KeySide, Many, ManyToMany, One, OptionalOne, Path, Record, Relation,
    RelationOf, RowOf, Sql2, Table, TableInfo, TableRef,
};
pub use scope::*;
pub use select::{JoinClause, LockMode, LockWait, QueryState};
pub use shape::fingerprint_static;
pub use sql_types::*;
pub use tracked::Tracked;
pub use unit_of_work::{Flushed, Handle, Target, UnitOfWork};
pub use write::{
    ColumnList, Delete, Insertable, ModelOf, SameTable, SameTableAs, Update, Upsert, insert,
    insert_all, insert_many, max_params, session_max_params,
};

pub use crate::{column, impl_query_enum, impl_sql_type, impl_value_type};
