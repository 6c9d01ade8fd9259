//! `Query<S, R, G>`: the query builder.
//!
//! * `S` — scope: type-level list of `Entry<Table, NotNull|MaybeNull>`, in FROM/JOIN order.
//! * `R` — row: `Models` (one model per scope entry, `Option<_>` when left-joined)
//!   or `Selected<Row, SqlType>` after `.select(..)`.
//! * `G` — grouping state: `Ungrouped` (no aggregate selected),
//!   `Aggregated` (only aggregates selected: one row), `NeedsGroupBy`
//!   (aggregates mixed with plain columns, no `group_by` yet) or `Grouped`;
//!   the first three carry whether ORDER BY holds an aggregate
//!   (`NoAggregateOrder` / `AggregateOrder`).
//!
//! Filters, column orderings, limits etc. do not change the type, so
//! conditional queries are ordinary `if` statements.

use super::ast::{LockMode, LockWait, Node, QueryState};
use super::decode::Decode;
use super::expr::{Expression, Ordering, Selectable};
use super::render::Statement;
use super::scope::{
    AllInFilterScope, AllInGroupScope, AllInOrderScope, Append, Cat, Cons, Entry, JoinFrom, Nil,
    Root,
};
use super::sql_types::{
    Agg, BoolType, Const, MaybeNull, Mixed, NotAggregate, NotNull, NotWindow, Nullness, Plain, Win,
};
use super::table::{One, OptionalOne, Relation, Table};
use crate::Dialect;
use std::marker::PhantomData;

// ------------------------------------------------------------- type states

/// Row marker: one model per table in scope.
pub struct Models;
/// Row marker after `.select(..)`: Rust row type and SQL type(s) of the selection.
pub struct Selected<Row, ST>(PhantomData<(Row, ST)>);

/// Ordering marker of a grouping state: no aggregate in ORDER BY.
pub struct NoAggregateOrder;
/// Ordering marker of a grouping state: an aggregate (or an expression
/// mixing one with columns) in ORDER BY.
pub struct AggregateOrder;

/// Grouping state: no `group_by`, and the selection (if any) holds no
/// aggregate. `O` records whether ORDER BY holds an aggregate, which makes the
/// query invalid SQL until it is grouped or selects only aggregates.
pub struct Ungrouped<O = NoAggregateOrder>(PhantomData<O>);
/// Grouping state: no `group_by`, the selection is aggregates only (one row
/// over the whole table), so ORDER BY may hold aggregates.
pub struct Aggregated<O = NoAggregateOrder>(PhantomData<O>);
/// Grouping state: aggregates mixed with plain columns, no `group_by` yet.
pub struct NeedsGroupBy<O = NoAggregateOrder>(PhantomData<O>);
/// Grouping state: `group_by` given.
pub struct Grouped;

/// Grouping state after selecting something of kind `K` (a new selection
/// replaces the previous one; the ordering marker is kept).
pub trait GroupAfter<K> {
    /// The new state.
    type Out;
}
macro_rules! group_after {
    ($($g:ident),*) => {$(
        impl<O> GroupAfter<Const> for $g<O> { type Out = Ungrouped<O>; }
        impl<O> GroupAfter<Plain> for $g<O> { type Out = Ungrouped<O>; }
        impl<O> GroupAfter<Agg> for $g<O> { type Out = Aggregated<O>; }
        impl<O> GroupAfter<Mixed> for $g<O> { type Out = NeedsGroupBy<O>; }
        impl<O> GroupAfter<Win> for $g<O> { type Out = Ungrouped<O>; }
    )*};
}
group_after!(Ungrouped, Aggregated, NeedsGroupBy);
impl<K> GroupAfter<K> for Grouped {
    type Out = Grouped;
}

/// Grouping state after ordering by a term of kind `K`: column and constant
/// terms leave it unchanged; aggregate terms set the ordering marker.
pub trait OrderAfter<K> {
    /// The new state.
    type Out;
}
macro_rules! order_after {
    ($($g:ident),*) => {$(
        impl<O> OrderAfter<Const> for $g<O> { type Out = $g<O>; }
        impl<O> OrderAfter<Plain> for $g<O> { type Out = $g<O>; }
        impl<O> OrderAfter<Agg> for $g<O> { type Out = $g<AggregateOrder>; }
        impl<O> OrderAfter<Mixed> for $g<O> { type Out = $g<AggregateOrder>; }
        impl<O> OrderAfter<Win> for $g<O> { type Out = $g<O>; }
    )*};
}
order_after!(Ungrouped, Aggregated, NeedsGroupBy);
impl<K> OrderAfter<K> for Grouped {
    type Out = Grouped;
}

#[diagnostic::on_unimplemented(
    message = "this query orders by an aggregate but has no `group_by` and does not select only aggregates",
    label = "an aggregate such as `count` in `order_by` needs groups to order",
    note = "group the rows first, e.g. `.select((user::role, count(user::id))).group_by(user::role).order_by(count(user::id).desc())`, or order by a column"
)]
/// Orderings an ungrouped query that selects columns (or whole models) can run
/// with: no aggregate.
pub trait OrderWithoutGroups {}
impl OrderWithoutGroups for NoAggregateOrder {}

#[diagnostic::on_unimplemented(
    message = "this query selects aggregates together with plain columns but has no `group_by`",
    label = "add `.group_by(..)` with the plain columns",
    note = "e.g. `.select((user::role, count(user::id))).group_by(user::role)`"
)]
/// Grouping states a query can run in.
pub trait Executable {}
impl<O: OrderWithoutGroups> Executable for Ungrouped<O> {}
impl<O> Executable for Aggregated<O> {}
impl Executable for Grouped {}

/// The Rust row type of a query with scope `S`.
pub trait RowType<S> {
    /// The row type.
    type Row: Decode;
}
impl<S: ScopeRow> RowType<S> for Models {
    type Row = S::Row;
}
impl<S, Row: Decode, ST> RowType<S> for Selected<Row, ST> {
    type Row = Row;
}

/// Models row of a scope: `Post`, `(Post, User)`, `(Post, Option<User>)`, ...
pub trait ScopeRow {
    /// The row type.
    type Row: Decode;
}
type W<T, N> = <N as Nullness>::Wrap<<T as Table>::Model>;
impl<A: Table, NA: Nullness> ScopeRow for Cons<Entry<A, NA>, Nil>
where
    W<A, NA>: Decode,
{
    type Row = W<A, NA>;
}
macro_rules! scope_row {
    ($($T:ident $N:ident),+) => {
        impl<$($T: Table, $N: Nullness),+> ScopeRow for scope_row!(@list $($T $N)+)
        where $(W<$T, $N>: Decode,)+
        {
            type Row = ($(W<$T, $N>,)+);
        }
    };
    (@list) => { Nil };
    (@list $T:ident $N:ident $($rest:ident)*) => { Cons<Entry<$T, $N>, scope_row!(@list $($rest)*)> };
}
scope_row!(A NA, B NB);
scope_row!(A NA, B NB, C NC);
scope_row!(A NA, B NB, C NC, D ND);

/// `group_by` terms: one expression or a tuple of them.
pub trait GroupTerm {
    /// Tables mentioned.
    type Src;
    /// Appends the terms.
    fn push_nodes(self, out: &mut Vec<Node>);
}
impl<E: Expression> GroupTerm for E
where
    E::Kind: NotWindow,
{
    type Src = E::Src;
    fn push_nodes(self, out: &mut Vec<Node>) {
        out.push(self.into_node());
    }
}
impl<A: GroupTerm, B: GroupTerm> GroupTerm for (A, B)
where
    A::Src: Append<B::Src>,
{
    type Src = Cat<A::Src, B::Src>;
    fn push_nodes(self, out: &mut Vec<Node>) {
        self.0.push_nodes(out);
        self.1.push_nodes(out);
    }
}
impl<A: GroupTerm, B: GroupTerm, C: GroupTerm> GroupTerm for (A, B, C)
where
    B::Src: Append<C::Src>,
    A::Src: Append<Cat<B::Src, C::Src>>,
{
    type Src = Cat<A::Src, Cat<B::Src, C::Src>>;
    fn push_nodes(self, out: &mut Vec<Node>) {
        self.0.push_nodes(out);
        self.1.push_nodes(out);
        self.2.push_nodes(out);
    }
}

// ------------------------------------------------------------------ Query

/// A typed SELECT query over scope `S` with row `R` and grouping state `G`.
pub struct Query<S, R = Models, G = Ungrouped> {
    pub(crate) st: QueryState,
    _p: PhantomData<fn() -> (S, R, G)>,
}

impl<S, R, G> Clone for Query<S, R, G> {
    fn clone(&self) -> Self {
        Query {
            st: self.st.clone(),
            _p: PhantomData,
        }
    }
}

impl<T: Table> Query<Root<T>> {
    /// What the generated `Model::query()` calls.
    #[inline(always)]
    pub fn new() -> Self {
        let mut st = QueryState::new(&T::INFO);
        st.generated_without = T::GET.missing();
        Query {
            st,
            _p: PhantomData,
        }
    }
}
impl<T: Table> Default for Query<Root<T>> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S, R, G> Query<S, R, G> {
    #[inline(always)]
    pub(crate) fn retype<S2, R2, G2>(self) -> Query<S2, R2, G2> {
        Query {
            st: self.st,
            _p: PhantomData,
        }
    }

    /// The erased state (for tests and for the runtime).
    pub fn state(&self) -> &QueryState {
        &self.st
    }

    /// Renders the SELECT.
    pub fn to_sql(&self, d: Dialect) -> Statement {
        self.st.to_statement(d)
    }

    /// `WHERE cond` (several calls are ANDed). `cond` must be boolean, mention
    /// only tables in scope, and contain no aggregate.
    #[inline(always)]
    pub fn filter<E, I>(mut self, cond: E) -> Self
    where
        E: Expression,
        E::SqlType: BoolType,
        E::Kind: NotAggregate,
        E::Src: AllInFilterScope<S, I>,
    {
        self.st.filters.push(cond.into_node());
        self
    }

    /// `HAVING cond` (several calls are ANDed).
    #[inline(always)]
    pub fn having<E, I>(mut self, cond: E) -> Self
    where
        E: Expression,
        E::SqlType: BoolType,
        E::Kind: NotWindow,
        E::Src: AllInFilterScope<S, I>,
    {
        self.st.having.push(cond.into_node());
        self
    }

    /// `ORDER BY` (several calls append). Ordering by a column keeps the
    /// query's type; ordering by an aggregate marks the grouping state, and the
    /// terminals then require a `group_by` or an aggregate-only selection.
    #[inline(always)]
    pub fn order_by<Src, K, I>(mut self, o: Ordering<Src, K>) -> Query<S, R, G::Out>
    where
        Src: AllInOrderScope<S, I>,
        G: OrderAfter<K>,
    {
        self.st.order.push(o.node);
        self.retype()
    }

    /// `LIMIT n` (bound).
    #[inline(always)]
    pub fn limit(mut self, n: u64) -> Self {
        self.st.limit = Some(n);
        self
    }
    /// `OFFSET n` (bound; `LIMIT -1 OFFSET n` on SQLite).
    #[inline(always)]
    pub fn offset(mut self, n: u64) -> Self {
        self.st.offset = Some(n);
        self
    }
    /// `SELECT DISTINCT`.
    #[inline(always)]
    pub fn distinct(mut self) -> Self {
        self.st.distinct = true;
        self
    }
    /// `FOR UPDATE` (PostgreSQL; no-op on SQLite, see `QueryState::render`).
    #[inline(always)]
    pub fn for_update(mut self) -> Self {
        self.st.lock = Some((LockMode::Update, LockWait::Wait));
        self
    }
    /// `FOR SHARE` (PostgreSQL; no-op on SQLite).
    #[inline(always)]
    pub fn for_share(mut self) -> Self {
        self.st.lock = Some((LockMode::Share, LockWait::Wait));
        self
    }
    /// `NOWAIT`; implies `FOR UPDATE` when no lock mode was chosen.
    #[inline(always)]
    pub fn nowait(mut self) -> Self {
        let mode = self.st.lock.map(|l| l.0).unwrap_or(LockMode::Update);
        self.st.lock = Some((mode, LockWait::NoWait));
        self
    }
    /// `SKIP LOCKED`; implies `FOR UPDATE` when no lock mode was chosen.
    #[inline(always)]
    pub fn skip_locked(mut self) -> Self {
        let mode = self.st.lock.map(|l| l.0).unwrap_or(LockMode::Update);
        self.st.lock = Some((mode, LockWait::SkipLocked));
        self
    }

    /// `INNER JOIN` along a relation whose source table is in scope.
    /// Many-to-many relations join through their join table.
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    pub fn join<Rel, I>(
        mut self,
        _rel: Rel,
    ) -> Query<Cat<S, Cons<Entry<Rel::To, NotNull>, Nil>>, R, G>
    where
        Rel: Relation + JoinFrom<S, I>,
        S: Append<Cons<Entry<Rel::To, NotNull>, Nil>>,
    {
        self.st.add_join(
            Rel::PATH,
            <Rel::From as Table>::INFO.qualifier(),
            &<Rel::To as Table>::INFO,
            false,
        );
        self.retype()
    }

    /// `LEFT JOIN`: the joined table's model reads as `Option<_>` and its
    /// columns select as `Option<_>`.
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    pub fn left_join<Rel, I>(
        mut self,
        _rel: Rel,
    ) -> Query<Cat<S, Cons<Entry<Rel::To, MaybeNull>, Nil>>, R, G>
    where
        Rel: Relation + JoinFrom<S, I>,
        S: Append<Cons<Entry<Rel::To, MaybeNull>, Nil>>,
    {
        self.st.add_join(
            Rel::PATH,
            <Rel::From as Table>::INFO.qualifier(),
            &<Rel::To as Table>::INFO,
            true,
        );
        self.retype()
    }

    /// Eager loading of a to-one relation in the same statement (the joined
    /// strategy): an inner join along a required foreign key (`(Post, User)`
    /// rows), a left join along an optional one or the back side of a
    /// one-to-one (`(User, Option<Profile>)` rows). To-many relations load with
    /// [`with`](Query::with) instead, which does not repeat the parent per child.
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    pub fn with_joined<Rel, I>(
        mut self,
        _rel: Rel,
    ) -> Query<Cat<S, Cons<Entry<Rel::To, <Rel::Cardinality as ToOne>::Null>, Nil>>, R, G>
    where
        Rel: Relation + JoinFrom<S, I>,
        Rel::Cardinality: ToOne,
        S: Append<Cons<Entry<Rel::To, <Rel::Cardinality as ToOne>::Null>, Nil>>,
    {
        self.st.add_join(
            Rel::PATH,
            <Rel::From as Table>::INFO.qualifier(),
            &<Rel::To as Table>::INFO,
            <Rel::Cardinality as ToOne>::LEFT,
        );
        self.retype()
    }

    /// Projection into a typed row: a column, aggregate or tuple of them.
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    pub fn select<Sel, I>(
        mut self,
        sel: Sel,
    ) -> Query<S, Selected<Sel::Row, Sel::SqlType>, <G as GroupAfter<Sel::Kind>>::Out>
    where
        Sel: Selectable<S, I>,
        G: GroupAfter<Sel::Kind>,
    {
        let mut nodes = Vec::new();
        sel.push_nodes(&mut nodes);
        self.st.select = Some(nodes);
        self.retype()
    }

    /// `GROUP BY` one expression or a tuple of them.
    #[inline(always)]
    pub fn group_by<Gt, I>(mut self, g: Gt) -> Query<S, R, Grouped>
    where
        Gt: GroupTerm,
        Gt::Src: AllInGroupScope<S, I>,
    {
        g.push_nodes(&mut self.st.group_by);
        self.retype()
    }
}

impl<S, R, G> Query<S, R, G> {
    /// The erased state, for subqueries.
    #[inline(always)]
    pub fn into_state(self) -> QueryState {
        self.st
    }
}

/// To-one cardinalities, for [`Query::with_joined`] and [`Session::set`](crate::Session::set).
#[diagnostic::on_unimplemented(
    message = "this relation is to-many where a to-one relation is expected",
    label = "`with_joined` and `Session::set` take to-one relations",
    note = "load to-many relations with `.with(rel)`; add many-to-many pairs with `s.connect(a, rel, b)`"
)]
pub trait ToOne {
    /// `NotNull` for a required foreign key, `MaybeNull` otherwise.
    type Null: Nullness;
    /// Whether the join is a LEFT JOIN.
    const LEFT: bool;
}
impl ToOne for One {
    type Null = NotNull;
    const LEFT: bool = false;
}
impl ToOne for OptionalOne {
    type Null = MaybeNull;
    const LEFT: bool = true;
}
