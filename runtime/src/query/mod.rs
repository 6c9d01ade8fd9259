//! The typed query builder that generated code links against.
//!
//! Layers, each using only those before it (`runtime/tests/layering.rs`
//! checks the imports):
//!
//! 1. **static data** — `catalog` (table, relation and fixed-statement
//!    descriptions the generator emits), `decode` (rows into Rust values),
//!    `key` (relation keys), `sql_types` (SQL type markers), `defaults`;
//! 2. **erased AST** — `ast`: [`Node`], [`OrderNode`], [`QueryState`] as plain
//!    data: FROM table, joins, select list, filters, grouping, ordering,
//!    paging and locking;
//! 3. **the walk** — `walk`: one traversal generic over a pass, with two
//!    passes: `render` (SQL text for a [`Dialect`](crate::Dialect);
//!    identifiers always quoted, every value, LIMIT and OFFSET too, a bound
//!    parameter) and `fingerprint` (the statement-cache key and the bound
//!    values, without writing text);
//! 4. **typed facade** — `table` (the traits generated code implements),
//!    `scope`, `operand`, `expr` and `builder` ([`Query<S, R, G>`](Query),
//!    [`Expr<ST, Src, K>`](Expr), column and relation handles): phantom types
//!    carrying only what the compiler must check — the tables in scope, the
//!    row type and the grouping state — so filters, column orderings and
//!    limits never change a query's type and conditional queries are ordinary
//!    code (ordering by an aggregate marks the grouping state, which the
//!    terminals check);
//! 5. **execution** — `exec` (terminals, fetching, streaming), `write`
//!    (INSERT, UPDATE, DELETE, upsert), `eager` (relation loading),
//!    `unit_of_work` and `tracked`.
//!
//! See `GENERATOR_CONTRACT.md` next to this file for what the generator emits.
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

// Layer 1: static data.
mod catalog;
mod decode;
mod defaults;
mod key;
mod sql_types;
// Layer 2: the erased AST.
mod ast;
// Layer 3: the walk and its passes.
mod fingerprint;
mod render;
mod walk;
// Layer 4: the typed facade.
mod arith;
mod builder;
mod case;
mod cte;
mod expr;
mod functions;
mod insert_select;
pub mod nullable;
mod operand;
mod projection;
mod scope;
mod setops;
mod subquery;
mod table;
mod window;
// Layer 5: execution.
mod eager;
mod exec;
mod fetch;
pub mod hooks;
mod tracked;
mod unit_of_work;
mod write;

pub use arith::{
    Arith, ArithWith, Both, Keep, KeepNull, Negate, OpBase, OpNull, Operand, concat, val,
};
pub use ast::{
    CastTo, Cte, DialectFunc, Frame, FrameBound, JoinClause, LockMode, LockWait, Node, OrderNode,
    Over, PgCast, Piece, QueryState, SetOp,
};
pub use builder::{
    AggregateOrder, Aggregated, Executable, GroupAfter, GroupTerm, Grouped, Models, NeedsGroupBy,
    NoAggregateOrder, OrderAfter, OrderWithoutGroups, Query, RowType, ScopeRow, Selected, ToOne,
    Ungrouped,
};
pub use case::{Case, case_when};
pub use catalog::{DialectSql, ForeignKey, KeySide, Path, TableInfo, TableRef};
pub use cte::{CteBody, CteTable};
pub use decode::{Decode, ReadAs, Scalar};
pub use defaults::{cuid, now, uuid, uuid_string};
pub use eager::{
    Cardinality, ChildrenByKey, Eager, EagerLoad, Load, Loaded, NestExt, Nested, related,
};
pub use exec::{RowStream, fetch_all, fetch_first, fetch_one, get};
pub use expr::{
    ArrayExprExt, Assign, BaseOf, ColumnExt, Expr, ExprExt, Expression, FoldKind, Ordering,
    RelationExt, Same, Selectable, Subquery, avg, count, count_distinct, count_star, max, min, sum,
};
#[cfg(all(feature = "postgres", feature = "async"))]
pub(crate) use fetch::Detached;
pub use fetch::FetchAll;
pub use fingerprint::fingerprint_static;
pub use functions::{
    Call1, Call2, CastSource, CastTarget, Field, Fractional, Temporal, Unit, abs, call1, call2,
    cast, ceil, coalesce, current_date, current_timestamp, date_trunc, extract, floor, length,
    lower, nullif, replace, round, substring, trim, upper,
};
pub use hooks::{Hooks, InsertType, save_with_hooks};
pub use insert_select::{InsertColumns, InsertSelect, StoresInto, insert_select};
pub use key::{EagerKey, KeyVals, RelKey};
pub use nullable::IntoNullable;
pub use operand::{AsExprOf, AssignableTo, Null, PrimaryKey, ToValue, ValueOf};
pub use projection::{Fields, Projection, fields, types};
pub use render::{Statement, Writer, push_ident, render_list, render_node};
pub use scope::{
    AllInFilterScope, AllInGroupScope, AllInJoinScope, AllInJoinedScope, AllInOrderScope,
    AllInRelationFilter, AllInSelectScope, Append, Cat, Cons, Entry, FilterScope, GroupScope, Here,
    InFilterScope, InRelationFilter, JoinFrom, JoinScope, Joined, JoinedElem, JoinedScope, Nil,
    OrderScope, RelatedTable, Root, SelectScope, SrcElem, TableElem, There,
};
pub use setops::{Nth, SameRows, SetQuery, SetRow, nth};
pub use sql_types::{
    Agg, Array, ArrayType, BigInt, Bool, BoolType, BothNull, Bytes, Combine, Const, Date, Decimal,
    Double, EitherNull, Int, Json, MaybeNull, Mixed, NotAggregate, NotNull, NullTest, Nullable,
    Nullity, Nullness, Numeric, Oid, Plain, Real, SameType, SmallInt, SqlType, Text, TextType,
    Time, TimeTz, Timestamp, Uuid,
};
pub use subquery::{Correlated, ExistsQuery, Outer, Standalone, SubqueryOf, exists, not_exists};
pub use table::{
    Column, Many, ManyToMany, One, OptionalOne, Record, Relation, RelationOf, RowOf, Table,
};
pub use tracked::Tracked;
pub use unit_of_work::{AddRow, Flushed, Handle, Linked, Parent, Target, UnitOfWork};
pub use walk::Param;
#[cfg(all(feature = "postgres", feature = "async"))]
pub(crate) use walk::StatementKind;
pub use window::{
    Bound, Window, WindowFn, dense_rank, first_value, lag, last_value, lead, rank, row_number,
    window,
};
pub use write::{
    ColumnList, Delete, Insertable, ModelOf, SameTable, SameTableAs, Update, Upsert, insert,
    insert_all, insert_many, max_params, session_max_params,
};

pub use crate::{column, impl_query_enum, impl_sql_type, impl_value_type};
