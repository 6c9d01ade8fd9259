//! Subqueries as expressions: `exists(query)`, scalar subqueries
//! (`query.scalar()`), and correlation (`query.correlate(outer_table)`):
//! a subquery whose conditions mention a table of the query around it.
//!
//! A correlated query's scope holds the outer table as an entry of kind
//! [`Outer`] (its columns read as they are; it is never rendered in the
//! subquery's FROM), and its grouping state becomes [`Correlated<C>`], which
//! records the outer tables `C`: the expression built from the subquery
//! mentions them, so the outer query's scope check requires them, and no
//! terminal runs a correlated query on its own.

use std::marker::PhantomData;

use super::ast::Node;
use super::builder::{
    Aggregated, Executable, GroupAfter, Grouped, NeedsGroupBy, OrderAfter, Query, Selected,
    Ungrouped,
};
use super::expr::Expr;
use super::scope::{Append, Cat, Cons, Entry, Nil};
use super::sql_types::{Bool, Nullable, Nullness, Plain, SqlType};
use super::table::Table;

/// Scope entry of a table of the outer query, in a correlated subquery.
pub struct Outer;
impl Nullness for Outer {
    type Apply<ST: SqlType> = ST;
    type Wrap<M> = M;
}

/// Grouping state of a correlated subquery that mentions outer tables `C`.
pub struct Correlated<C>(PhantomData<C>);
impl<C, K> GroupAfter<K> for Correlated<C> {
    type Out = Correlated<C>;
}
impl<C, K> OrderAfter<K> for Correlated<C> {
    type Out = Correlated<C>;
}

/// Never implemented: a correlated subquery runs only inside another query.
#[diagnostic::on_unimplemented(
    message = "this query refers to a table of an outer query (`correlate`), so it runs only as a subquery",
    label = "use it in `exists(..)`, `.scalar()` or `in_query(..)` inside the outer query",
    note = "the outer table is not in this query's FROM; running it alone would be invalid SQL"
)]
pub trait Standalone {}
impl<C: Standalone> Executable for Correlated<C> {}

impl<S, R, G> Query<S, R, G> {
    /// Lets this query's conditions mention columns of `outer`, a table of
    /// the query it will be a subquery of (a correlated subquery): `Post::query()
    /// .correlate(user::table).filter(post::author_id.eq(user::id))`. Call it
    /// before `select`; the query then runs only as a subquery.
    pub fn correlate<T: Table>(
        self,
        _outer: T,
    ) -> Query<Cat<S, Cons<Entry<T, Outer>, Nil>>, R, Correlated<Cons<T, Nil>>>
    where
        S: Append<Cons<Entry<T, Outer>, Nil>>,
    {
        self.retype()
    }
}

/// The outer tables a query mentions, by grouping state: none, or those
/// `correlate` recorded.
pub trait Correlation {
    /// Outer tables mentioned (a type-level list).
    type Src;
}
impl<O> Correlation for Aggregated<O> {
    type Src = Nil;
}
impl<O> Correlation for Ungrouped<O> {
    type Src = Nil;
}
impl<O> Correlation for NeedsGroupBy<O> {
    type Src = Nil;
}
impl Correlation for Grouped {
    type Src = Nil;
}
impl<C> Correlation for Correlated<C> {
    type Src = C;
}

/// The SQL type of a one-column query's value as a scalar, by grouping
/// state: exactly one row for an aggregate-only selection (`ST` itself);
/// otherwise no row is possible, hence NULL.
pub trait SubqueryOf<ST>: Correlation {
    /// The scalar's SQL type.
    type Scalar: SqlType;
}
impl<ST: SqlType, O> SubqueryOf<ST> for Aggregated<O> {
    type Scalar = ST;
}
macro_rules! nullable_scalar {
    ($($g:ty $(, $p:ident)?;)*) => {$(
        impl<ST: SqlType $(, $p)?> SubqueryOf<ST> for $g {
            type Scalar = Nullable<ST::Base>;
        }
    )*};
}
nullable_scalar! {
    Ungrouped<O>, O;
    NeedsGroupBy<O>, O;
    Grouped;
    Correlated<C>, C;
}

impl<S, Row, ST: SqlType, G: SubqueryOf<ST>> Query<S, Selected<Row, ST>, G> {
    /// `(SELECT ..)` as a value: the query selects one column and returns at
    /// most one row (the database reports more as an error). Nullable unless
    /// the query selects only aggregates (which always gives one row):
    /// `Post::query().select(count_star()).scalar()` is a `BigInt`.
    pub fn scalar(self) -> Expr<G::Scalar, G::Src, Plain> {
        Expr::from_node(Node::Scalar(Box::new(self.into_state())))
    }
}

/// Queries `exists` accepts: any query, correlated or not.
pub trait ExistsQuery {
    /// Outer tables mentioned.
    type Src;
    /// The erased query.
    fn into_exists_state(self) -> super::QueryState;
}
impl<S, R, G: Correlation> ExistsQuery for Query<S, R, G> {
    type Src = G::Src;
    fn into_exists_state(self) -> super::QueryState {
        let mut st = self.into_state();
        if st.select.is_none() {
            // Whole models would be read for nothing: `EXISTS (SELECT 1 ..)`.
            st.select = Some(vec![Node::One]);
        }
        st
    }
}

/// `EXISTS (query)`: true when the query returns a row.
pub fn exists<Q: ExistsQuery>(q: Q) -> Expr<Bool, Q::Src, Plain> {
    Expr::from_node(Node::Exists {
        negated: false,
        sub: Box::new(q.into_exists_state()),
    })
}
/// `NOT EXISTS (query)`.
pub fn not_exists<Q: ExistsQuery>(q: Q) -> Expr<Bool, Q::Src, Plain> {
    Expr::from_node(Node::Exists {
        negated: true,
        sub: Box::new(q.into_exists_state()),
    })
}
