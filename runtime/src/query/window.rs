//! Window functions: `row_number`, `rank`, `dense_rank`, `lag`, `lead`,
//! `first_value`, `last_value`, and every aggregate, each made an expression
//! by `.over(window)`. A window (`window().partition_by(..).order_by(..)`,
//! optionally with a `rows`/`range` frame) is typed by the tables it
//! mentions. The result is of kind [`Win`]: it may be selected and ordered
//! by, and `filter`, `group_by` and `having` reject it at compile time, as SQL
//! does (filter on a window function from an outer query instead).

use std::marker::PhantomData;

use super::arith::{OpBase, Operand};
use super::ast::{Frame, Node, OrderNode, Over};
use super::expr::{Expr, Expression, Ordering};
use super::scope::{Append, Cat, Nil};
use super::sql_types::{Agg, BigInt, NotAggregate, Nullable, SqlType, Win};

pub use super::ast::FrameBound as Bound;

/// A window specification mentioning tables `Src`.
#[must_use = "a window is used by `.over(window)`"]
pub struct Window<Src = Nil> {
    partition: Vec<Node>,
    order: Vec<OrderNode>,
    frame: Option<Frame>,
    _p: PhantomData<fn() -> Src>,
}

/// `OVER ()`: an empty window (the whole result), refined with
/// `partition_by`, `order_by` and a frame.
pub fn window() -> Window<Nil> {
    Window {
        partition: Vec::new(),
        order: Vec::new(),
        frame: None,
        _p: PhantomData,
    }
}

impl<Src> Window<Src> {
    fn retype<S2>(self) -> Window<S2> {
        Window {
            partition: self.partition,
            order: self.order,
            frame: self.frame,
            _p: PhantomData,
        }
    }
    /// `PARTITION BY e` (several calls add terms).
    pub fn partition_by<E>(mut self, e: E) -> Window<Cat<Src, E::Src>>
    where
        E: Operand,
        E::Kind: NotAggregate,
        Src: Append<E::Src>,
    {
        self.partition.push(e.into_operand());
        self.retype()
    }
    /// `ORDER BY` inside the window (several calls add terms).
    pub fn order_by<OSrc, K>(mut self, o: Ordering<OSrc, K>) -> Window<Cat<Src, OSrc>>
    where
        K: NotAggregate,
        Src: Append<OSrc>,
    {
        self.order.push(o.node);
        self.retype()
    }
    /// `ROWS BETWEEN start AND end`: a frame counted in rows.
    pub fn rows(mut self, start: Bound, end: Bound) -> Self {
        self.frame = Some(Frame {
            rows: true,
            start,
            end,
        });
        self
    }
    /// `RANGE BETWEEN start AND end`: a frame of peers (rows equal in the
    /// window's ordering); only `UnboundedPreceding`, `CurrentRow` and
    /// `UnboundedFollowing` are portable here.
    pub fn range(mut self, start: Bound, end: Bound) -> Self {
        self.frame = Some(Frame {
            rows: false,
            start,
            end,
        });
        self
    }
    fn over_node(self, f: Node) -> Node {
        Node::Over(Box::new(Over {
            f,
            partition: self.partition,
            order: self.order,
            frame: self.frame,
        }))
    }
}

/// A window function not yet given its window: call `.over(window)`.
#[must_use = "a window function is an expression only with `.over(window)`"]
pub struct WindowFn<ST, Src = Nil> {
    node: Node,
    _p: PhantomData<fn() -> (ST, Src)>,
}

impl<ST, Src> WindowFn<ST, Src> {
    /// `f OVER (window)`.
    pub fn over<WSrc>(self, w: Window<WSrc>) -> Expr<ST, Cat<Src, WSrc>, Win>
    where
        Src: Append<WSrc>,
    {
        Expr::from_node(w.over_node(self.node))
    }
}

/// Aggregates as window functions: `sum(e).over(window)` (a running total
/// with an ordered window), `count_star().over(window())`.
impl<ST: SqlType, Src> Expr<ST, Src, Agg> {
    /// `aggregate OVER (window)`.
    pub fn over<WSrc>(self, w: Window<WSrc>) -> Expr<ST, Cat<Src, WSrc>, Win>
    where
        Src: Append<WSrc>,
    {
        Expr::from_node(w.over_node(Expression::into_node(self)))
    }
}

fn call<ST, Src>(name: &'static str, args: Vec<Node>) -> WindowFn<ST, Src> {
    WindowFn {
        node: Node::Func {
            name,
            distinct: false,
            args,
        },
        _p: PhantomData,
    }
}

/// `ROW_NUMBER()`: 1, 2, 3, … within the partition, in the window's order.
pub fn row_number() -> WindowFn<BigInt> {
    call("ROW_NUMBER", Vec::new())
}
/// `RANK()`: the row's rank, with gaps after ties.
pub fn rank() -> WindowFn<BigInt> {
    call("RANK", Vec::new())
}
/// `DENSE_RANK()`: the row's rank, without gaps.
pub fn dense_rank() -> WindowFn<BigInt> {
    call("DENSE_RANK", Vec::new())
}
/// `LAG(e)`: `e` on the row before (NULL on the first).
pub fn lag<E>(e: E) -> WindowFn<Nullable<OpBase<E>>, E::Src>
where
    E: Operand,
    E::Kind: NotAggregate,
{
    call("LAG", vec![e.into_operand()])
}
/// `LEAD(e)`: `e` on the row after (NULL on the last).
pub fn lead<E>(e: E) -> WindowFn<Nullable<OpBase<E>>, E::Src>
where
    E: Operand,
    E::Kind: NotAggregate,
{
    call("LEAD", vec![e.into_operand()])
}
/// `FIRST_VALUE(e)`: `e` on the first row of the frame.
pub fn first_value<E>(e: E) -> WindowFn<E::SqlType, E::Src>
where
    E: Operand,
    E::Kind: NotAggregate,
{
    call("FIRST_VALUE", vec![e.into_operand()])
}
/// `LAST_VALUE(e)`: `e` on the last row of the frame (with an ordered window
/// the default frame ends at the current row's last peer).
pub fn last_value<E>(e: E) -> WindowFn<E::SqlType, E::Src>
where
    E: Operand,
    E::Kind: NotAggregate,
{
    call("LAST_VALUE", vec![e.into_operand()])
}
