//! Common table expressions: `WITH` and `WITH RECURSIVE`, and joins on a
//! condition (`join_on`), which is how a CTE is joined.
//!
//! A CTE is declared once with [`cte!`](crate::cte): a module with a `table`
//! type and typed column handles, like a generated model's, whose rows read
//! as a tuple. `query.with(t, body)` attaches it to a query; the body must
//! select one expression per column, each of the column's SQL type (checked
//! at compile time). `t::query()` queries it; `join_on(t, condition)` joins it.

use super::ast::{Cte, JoinClause, QueryState};
use super::builder::{Query, Selected};
use super::expr::Expression;
use super::insert_select::InsertColumns;
use super::scope::{AllInFilterScope, Append, Cat, Cons, Entry, Nil};
use super::setops::SetQuery;
use super::sql_types::{BoolType, MaybeNull, NotNull};
use super::table::Table;

/// A table declared with [`cte!`](crate::cte): `Columns` is the tuple of its
/// column handles, in order.
pub trait CteTable: Table {
    /// The column handles, as a tuple (one handle: a 1-tuple).
    type Columns;
}

/// What may define a CTE `T`: a query or a set operation whose selection
/// fits `T`'s columns.
#[diagnostic::on_unimplemented(
    message = "this query cannot define the CTE `{T}`: its selection does not match the CTE's columns",
    label = "select one expression per CTE column, in order, each of the column's SQL type",
    note = "the columns are the ones declared in `cte!`"
)]
pub trait CteBody<T> {
    /// The erased body.
    fn into_body(self) -> QueryState;
}
impl<T, S, Row, ST, G> CteBody<T> for Query<S, Selected<Row, ST>, G>
where
    T: CteTable,
    T::Columns: InsertColumns<T, ST>,
{
    fn into_body(self) -> QueryState {
        self.into_state()
    }
}
impl<T, S, Row, ST, G> CteBody<T> for SetQuery<S, Selected<Row, ST>, G>
where
    T: CteTable,
    T::Columns: InsertColumns<T, ST>,
{
    fn into_body(self) -> QueryState {
        self.into_state()
    }
}

impl<S, R, G> Query<S, R, G> {
    fn push_cte<T: CteTable>(mut self, recursive: bool, body: QueryState) -> Self {
        self.st.ctes.push(Cte {
            info: &T::INFO,
            recursive,
            body,
        });
        self
    }
    /// `WITH t (columns) AS (body)`: attaches the CTE `t` to this query.
    pub fn with_cte<T: CteTable, B: CteBody<T>>(self, _t: T, body: B) -> Self {
        self.push_cte::<T>(false, body.into_body())
    }
    /// `WITH RECURSIVE t (columns) AS (body)`: the body is usually
    /// `anchor.union_all(step)`, where `step` joins `t` itself.
    pub fn with_recursive<T: CteTable, B: CteBody<T>>(self, _t: T, body: B) -> Self {
        self.push_cte::<T>(true, body.into_body())
    }

    fn push_join<T: Table>(&mut self, left: bool, on: super::Node) {
        self.st.joins.push(JoinClause {
            left,
            table: T::INFO.table_ref(),
            on,
        });
        self.st.models.push(&T::INFO);
    }

    /// `INNER JOIN t ON condition`: a join on any condition (a CTE, or a
    /// table reached without a relation). The condition may use `t`'s columns
    /// and the tables already in the query.
    #[allow(clippy::type_complexity)]
    pub fn join_on<T, E, I>(
        mut self,
        _t: T,
        on: E,
    ) -> Query<Cat<S, Cons<Entry<T, NotNull>, Nil>>, R, G>
    where
        T: Table,
        S: Append<Cons<Entry<T, NotNull>, Nil>>,
        E: Expression,
        E::SqlType: BoolType,
        E::Src: AllInFilterScope<Cat<S, Cons<Entry<T, NotNull>, Nil>>, I>,
    {
        self.push_join::<T>(false, on.into_node());
        self.retype()
    }
    /// `LEFT JOIN t ON condition` (`t`'s columns read as `Option<_>`).
    #[allow(clippy::type_complexity)]
    pub fn left_join_on<T, E, I>(
        mut self,
        _t: T,
        on: E,
    ) -> Query<Cat<S, Cons<Entry<T, MaybeNull>, Nil>>, R, G>
    where
        T: Table,
        S: Append<Cons<Entry<T, MaybeNull>, Nil>>,
        E: Expression,
        E::SqlType: BoolType,
        E::Src: AllInFilterScope<Cat<S, Cons<Entry<T, MaybeNull>, Nil>>, I>,
    {
        self.push_join::<T>(true, on.into_node());
        self.retype()
    }
}

/// Declares a common table expression's table: a module with `table`, one
/// column handle per column (`Int`, `Text`, …; `Int?` for a nullable one,
/// SQL types in scope at the call), `query()`, and rows read as a tuple.
///
/// ```
/// use ormgen::query::{Int, Text};
/// ormgen::cte! {
///     /// A comment thread, flattened: each comment with its depth.
///     pub mod thread("thread") { id: Int, parent_id: Int?, depth: Int }
/// }
/// # fn main() {}
/// ```
///
/// Declare it at module level: the column types are looked up in the
/// enclosing module (`use super::*`), which a function's local `use` is not.
#[macro_export]
macro_rules! cte {
    ($(#[$m:meta])* $vis:vis mod $name:ident($sql:literal) { $($cols:tt)+ }) => {
        $crate::cte!(@munch [$(#[$m])* $vis $name $sql] [] $($cols)+);
    };
    // Columns normalised one by one into `(name SqlType required|nullable)`.
    (@munch $head:tt [$($acc:tt)*] $col:ident : $st:ident ? $(, $($rest:tt)*)?) => {
        $crate::cte!(@munch $head [$($acc)* ($col $st nullable)] $($($rest)*)?);
    };
    (@munch $head:tt [$($acc:tt)*] $col:ident : $st:ident $(, $($rest:tt)*)?) => {
        $crate::cte!(@munch $head [$($acc)* ($col $st required)] $($($rest)*)?);
    };
    (@munch [$(#[$m:meta])* $vis:vis $name:ident $sql:literal] [$(($col:ident $st:ident $kind:ident))+]) => {
        $(#[$m])*
        #[allow(non_camel_case_types)]
        $vis mod $name {
            #[allow(unused_imports)]
            use super::*;
            /// The CTE as a table.
            #[derive(Clone, Copy, Debug)]
            pub struct table;
            impl $crate::query::Table for table {
                const INFO: $crate::query::TableInfo = $crate::query::TableInfo {
                    name: $sql,
                    columns: &[$(stringify!($col)),+],
                    primary_key: &[],
                    alias: None,
                };
                type Model = ($($crate::cte!(@rust $st $kind),)+);
                type PrimaryKey = ();
                // Never run: a CTE has no key (`()` is no key value).
                const GET: $crate::query::DialectSql =
                    $crate::query::DialectSql { postgres: "-", sqlite: "-" };
                const DELETE: $crate::query::DialectSql =
                    $crate::query::DialectSql { postgres: "-", sqlite: "-" };
            }
            impl $crate::query::CteTable for table {
                type Columns = ($($col,)+);
            }
            $( $crate::cte!(@col $col, $sql, $st $kind); )+
            /// `SELECT .. FROM` the CTE (attach it with `with_cte` / `with_recursive`).
            pub fn query() -> $crate::query::Query<$crate::query::Root<table>> {
                $crate::query::Query::new()
            }
        }
    };
    (@rust $st:ident nullable) => { ::std::option::Option<<$st as $crate::query::SqlType>::Rust> };
    (@rust $st:ident required) => { <$st as $crate::query::SqlType>::Rust };
    (@col $col:ident, $sql:literal, $st:ident nullable) => {
        $crate::column!(
            #[doc = concat!("Column `", stringify!($col), "` of `", $sql, "`.")]
            #[allow(non_camel_case_types)]
            $col: table, stringify!($col), nullable $st
        );
        $crate::column_operators!($col);
    };
    (@col $col:ident, $sql:literal, $st:ident required) => {
        $crate::column!(
            #[doc = concat!("Column `", stringify!($col), "` of `", $sql, "`.")]
            #[allow(non_camel_case_types)]
            $col: table, stringify!($col), $st
        );
        // A CTE has few columns: the operators on every one (they are
        // checked where used, so text columns simply have none that apply).
        $crate::column_operators!($col);
    };
}
