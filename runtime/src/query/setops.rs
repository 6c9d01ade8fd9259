//! Set operations: `union`, `union_all`, `intersect`, `except` over queries
//! whose rows are the same. Two selections combine when their SQL types are
//! equal (nullability included); two model queries when they query the same
//! tables. The result ([`SetQuery`]) is ordered by result-column position
//! (`nth(2).desc()`: a table's column means nothing once rows of two
//! queries are mixed), paged, and run with the usual terminals.
//!
//! Operations apply left to right (`a.union(b).intersect(c)` is
//! `(a ∪ b) ∩ c` on both databases).

use super::ast::{Node, OrderNode, SetOp};
use super::builder::{Executable, Models, Query, RowType, Selected};
use super::exec::RowStream;
use crate::{Result, Session};

/// What identifies a query's rows for a set operation: the SQL types of a
/// selection, or the scope of a model query.
pub trait SetRow<S> {
    /// The identity two combined queries must share.
    type Key;
}
impl<S> SetRow<S> for Models {
    type Key = S;
}
impl<S, Row, ST> SetRow<S> for Selected<Row, ST> {
    type Key = ST;
}

/// The rows of two queries are the same (see [`SetRow`]).
#[diagnostic::on_unimplemented(
    message = "the queries of a set operation must return the same rows, but one returns `{Self}` and the other `{T}`",
    label = "different column types (or a different nullability, or different tables)",
    note = "select the same number of columns, of the same SQL types in the same order; `cast`, `coalesce` or `case_when` align them"
)]
pub trait SameRows<T> {}
impl<T> SameRows<T> for T {}

/// A result column's position, for ordering a [`SetQuery`]: `nth(1)` is the
/// first selected column.
#[derive(Debug, Clone, Copy)]
pub struct Nth {
    pos: u32,
    desc: bool,
    nulls_first: Option<bool>,
}
/// The `n`th result column (from 1), ascending; `.desc()` reverses it.
pub fn nth(n: u32) -> Nth {
    Nth {
        pos: n,
        desc: false,
        nulls_first: None,
    }
}
impl Nth {
    /// Ascending (the default).
    pub fn asc(mut self) -> Self {
        self.desc = false;
        self
    }
    /// Descending.
    pub fn desc(mut self) -> Self {
        self.desc = true;
        self
    }
    /// `NULLS FIRST`
    pub fn nulls_first(mut self) -> Self {
        self.nulls_first = Some(true);
        self
    }
    /// `NULLS LAST`
    pub fn nulls_last(mut self) -> Self {
        self.nulls_first = Some(false);
        self
    }
}

/// The combined rows of a set operation, with the first query's row type.
#[must_use = "a set operation runs only with a terminal such as `.all(&mut s)`"]
pub struct SetQuery<S, R, G> {
    q: Query<S, R, G>,
}

impl<S, R: SetRow<S>, G> Query<S, R, G> {
    fn combine<S2, R2, G2>(mut self, op: SetOp, other: Query<S2, R2, G2>) -> SetQuery<S, R, G> {
        if !self.st.order.is_empty() || self.st.limit.is_some() || self.st.offset.is_some() {
            self.st.error = Some(
                "order_by, limit and offset of the first query of a set operation would apply to the combined rows: call them on the result of union/intersect/except",
            );
        }
        self.st.set_ops.push((op, other.into_state()));
        SetQuery { q: self }
    }
    /// `UNION`: the rows of both queries, duplicates removed.
    pub fn union<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> SetQuery<S, R, G>
    where
        R2::Key: SameRows<R::Key>,
    {
        self.combine(SetOp::Union, other)
    }
    /// `UNION ALL`: the rows of both queries, duplicates kept.
    pub fn union_all<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> SetQuery<S, R, G>
    where
        R2::Key: SameRows<R::Key>,
    {
        self.combine(SetOp::UnionAll, other)
    }
    /// `INTERSECT`: the rows both queries return.
    pub fn intersect<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> SetQuery<S, R, G>
    where
        R2::Key: SameRows<R::Key>,
    {
        self.combine(SetOp::Intersect, other)
    }
    /// `EXCEPT`: this query's rows that the other does not return.
    pub fn except<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> SetQuery<S, R, G>
    where
        R2::Key: SameRows<R::Key>,
    {
        self.combine(SetOp::Except, other)
    }
}

impl<S, R: SetRow<S>, G> SetQuery<S, R, G> {
    fn then<S2, R2, G2>(mut self, op: SetOp, other: Query<S2, R2, G2>) -> Self {
        self.q.st.set_ops.push((op, other.into_state()));
        self
    }
    /// A further `UNION` with the rows so far.
    pub fn union<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> Self
    where
        R2::Key: SameRows<R::Key>,
    {
        self.then(SetOp::Union, other)
    }
    /// A further `UNION ALL`.
    pub fn union_all<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> Self
    where
        R2::Key: SameRows<R::Key>,
    {
        self.then(SetOp::UnionAll, other)
    }
    /// A further `INTERSECT` with the rows so far.
    pub fn intersect<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> Self
    where
        R2::Key: SameRows<R::Key>,
    {
        self.then(SetOp::Intersect, other)
    }
    /// A further `EXCEPT` from the rows so far.
    pub fn except<S2, R2: SetRow<S2>, G2>(self, other: Query<S2, R2, G2>) -> Self
    where
        R2::Key: SameRows<R::Key>,
    {
        self.then(SetOp::Except, other)
    }
}

impl<S, R, G> SetQuery<S, R, G> {
    /// `ORDER BY <position>` of the combined rows (several calls append).
    pub fn order_by(mut self, n: Nth) -> Self {
        self.q.st.order.push(OrderNode {
            expr: Node::Position(n.pos),
            desc: n.desc,
            nulls_first: n.nulls_first,
        });
        self
    }
    /// `LIMIT n` of the combined rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.q.st.limit = Some(n);
        self
    }
    /// `OFFSET n` of the combined rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.q.st.offset = Some(n);
        self
    }
    /// The erased state.
    pub fn into_state(self) -> super::QueryState {
        self.q.into_state()
    }
}

impl<S, R: RowType<S>, G: Executable> SetQuery<S, R, G> {
    /// Every combined row.
    pub fn all(self, s: &mut Session) -> Result<Vec<R::Row>> {
        self.q.all(s)
    }
    /// The first combined row, if any.
    pub fn first(self, s: &mut Session) -> Result<Option<R::Row>> {
        self.q.first(s)
    }
    /// Exactly one combined row ([`NotFound`](crate::Error::NotFound) /
    /// [`TooManyRows`](crate::Error::TooManyRows) otherwise).
    pub fn one(self, s: &mut Session) -> Result<R::Row> {
        self.q.one(s)
    }
    /// The number of combined rows.
    pub fn count(self, s: &mut Session) -> Result<i64> {
        self.q.count(s)
    }
    /// Whether there is a combined row.
    pub fn exists(self, s: &mut Session) -> Result<bool> {
        self.q.exists(s)
    }
    /// The combined rows, streamed.
    pub fn iter(self, s: &mut Session) -> Result<RowStream<'_, R::Row>> {
        self.q.iter(s)
    }
}
