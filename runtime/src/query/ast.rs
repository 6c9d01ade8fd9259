//! The erased query AST: what every typed builder call ends up as once the
//! compiler has checked it. [`Node`] (expressions), [`OrderNode`], [`PgCast`]
//! and [`QueryState`] (FROM table, joins, select list, filters, grouping,
//! ordering, paging and locking) are plain data; [`walk`](super::walk) is the
//! one traversal that renders them to SQL text and fingerprints them.
//!
//! This layer knows tables only through their static descriptions
//! ([`catalog`](super::catalog)); nothing here names a typed builder,
//! a session or a dialect's text.

use smallvec::SmallVec;

use super::catalog::{Path, TableInfo, TableRef};
use crate::{Dialect, Value};

/// A SQL type a value is cast to on PostgreSQL, where aggregates of integer and
/// decimal columns return wider types than the Rust row type expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgCast {
    /// `CAST(e AS BIGINT)` (`SUM` of a `BIGINT` column is `numeric` on PostgreSQL).
    BigInt,
    /// `CAST(e AS DOUBLE PRECISION)` (`AVG` of integers is `numeric` on PostgreSQL).
    Double,
}

/// The target of a `CAST`, named per dialect (`None`: the value is left as
/// it is on that dialect).
#[derive(Debug, PartialEq, Eq)]
pub struct CastTo {
    /// The type's name on PostgreSQL.
    pub postgres: &'static str,
    /// The type's name on SQLite, if a cast is wanted there.
    pub sqlite: Option<&'static str>,
}

/// One piece of a [`DialectFunc`] template.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// Fixed SQL text.
    Sql(&'static str),
    /// The argument at this index (it may appear more than once).
    Arg(usize),
}

/// A SQL function written differently per dialect (`EXTRACT(YEAR FROM e)` on
/// PostgreSQL, `strftime('%Y', e)` on SQLite): a template of fixed text and
/// argument slots for each.
#[derive(Debug, PartialEq, Eq)]
pub struct DialectFunc {
    /// The template on PostgreSQL.
    pub postgres: &'static [Piece],
    /// The template on SQLite.
    pub sqlite: &'static [Piece],
}

/// The erased expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `"table"."column"`
    Col(&'static str, &'static str),
    /// A bound parameter.
    Bind(Value),
    /// `l op r` for `= <> < <= > >=` (both sides in one allocation; build it
    /// with [`Node::cmp`]).
    Cmp(&'static str, Box<(Node, Node)>),
    /// `(l AND r)`
    And(Box<Node>, Box<Node>),
    /// `(l OR r)`
    Or(Box<Node>, Box<Node>),
    /// `NOT (e)`
    Not(Box<Node>),
    /// `e IS [NOT] NULL` (`true` = `IS NOT NULL`)
    IsNull(Box<Node>, bool),
    /// `e [NOT] LIKE p`; `ci` = ILIKE (emulated on SQLite with `LOWER()`).
    Like {
        /// The text expression.
        e: Box<Node>,
        /// The pattern.
        pat: Box<Node>,
        /// Case-insensitive.
        ci: bool,
        /// `NOT LIKE`.
        negated: bool,
    },
    /// `e IN (a, b, ..)`; an empty list renders as `1 = 0`.
    InList(Box<Node>, Vec<Node>),
    /// `e BETWEEN lo AND hi`
    Between(Box<Node>, Box<Node>, Box<Node>),
    /// `NAME([DISTINCT] args)`
    Func {
        /// Function name, e.g. `COUNT`.
        name: &'static str,
        /// `DISTINCT` inside the call.
        distinct: bool,
        /// Arguments.
        args: Vec<Node>,
    },
    /// `COUNT(*)`
    CountStar,
    /// `CAST(e AS ..)` on PostgreSQL, `e` unchanged on SQLite.
    PgCast(Box<Node>, PgCast),
    /// `[NOT] EXISTS (subquery)`
    Exists {
        /// `NOT EXISTS`.
        negated: bool,
        /// The subquery.
        sub: Box<QueryState>,
    },
    /// `e IN (subquery)`
    InQuery(Box<Node>, Box<QueryState>),
    /// `(e) IS NOT TRUE` (used by `every`)
    IsNotTrue(Box<Node>),
    /// The literal `1` (select list of EXISTS subqueries).
    One,
    /// `EXCLUDED."column"` in an upsert's `DO UPDATE SET`.
    Excluded(&'static str),
    /// A row value `(a, b, ..)` (composite keys in `IN` lists).
    Tuple(Vec<Node>),
    /// `(l op r)` for the arithmetic operators `+ - * / %` and text
    /// concatenation `||` (both sides in one allocation).
    Arith(&'static str, Box<(Node, Node)>),
    /// `(- e)`
    Neg(Box<Node>),
    /// `CAST(e AS <type>)`, the type named per dialect ([`CastTo`]).
    Cast(Box<Node>, &'static CastTo),
    /// `CASE WHEN c THEN v .. [ELSE e] END`.
    Case {
        /// `(condition, value)` pairs, in order (at least one).
        whens: Vec<(Node, Node)>,
        /// The `ELSE` value.
        otherwise: Option<Box<Node>>,
    },
    /// A keyword with no parentheses, such as `CURRENT_TIMESTAMP` (the same
    /// text in every dialect).
    Keyword(&'static str),
    /// A function written per dialect from a [`DialectFunc`] template.
    DialectFunc(&'static DialectFunc, Vec<Node>),
    /// `f OVER (PARTITION BY .. ORDER BY .. frame)`: a window function.
    Over(Box<Over>),
    /// A result column's position (`ORDER BY 2` of a set operation), from 1.
    Position(u32),
    /// A scalar subquery `(SELECT ..)` (one column, at most one row).
    Scalar(Box<QueryState>),
    /// The join condition of a relation: `"far"."f" = "near"."n"` for each
    /// `(n, f)` pair, ANDed (as nested [`Node::And`]s would render).
    Link {
        /// `(near column, far column)` pairs (at least one).
        pairs: &'static [(&'static str, &'static str)],
        /// The near table's qualifier.
        near: &'static str,
        /// The far table's qualifier.
        far: &'static str,
    },
}

impl Node {
    /// `l op r`.
    #[inline]
    pub fn cmp(op: &'static str, l: Node, r: Node) -> Node {
        Node::Cmp(op, Box::new((l, r)))
    }
}

/// A window function call with its window.
#[derive(Debug, Clone, PartialEq)]
pub struct Over {
    /// The function call (a [`Node::Func`] or an aggregate).
    pub f: Node,
    /// `PARTITION BY` terms.
    pub partition: Vec<Node>,
    /// `ORDER BY` terms inside the window.
    pub order: Vec<OrderNode>,
    /// The frame, if one is given.
    pub frame: Option<Frame>,
}

/// A window frame: `ROWS|RANGE BETWEEN start AND end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// `ROWS` (counted in rows) rather than `RANGE` (peers).
    pub rows: bool,
    /// The frame's start.
    pub start: FrameBound,
    /// The frame's end.
    pub end: FrameBound,
}

/// One end of a window frame. Row counts are bound as parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameBound {
    /// `UNBOUNDED PRECEDING`: the partition's first row.
    UnboundedPreceding,
    /// `n PRECEDING`
    Preceding(u32),
    /// `CURRENT ROW`
    CurrentRow,
    /// `n FOLLOWING`
    Following(u32),
    /// `UNBOUNDED FOLLOWING`: the partition's last row.
    UnboundedFollowing,
}

/// One erased ORDER BY term.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderNode {
    /// The expression.
    pub expr: Node,
    /// `DESC`.
    pub desc: bool,
    /// `Some(true)` = NULLS FIRST, `Some(false)` = NULLS LAST.
    pub nulls_first: Option<bool>,
}

/// One `[LEFT|INNER] JOIN table ON ..`.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinClause {
    /// `LEFT JOIN` rather than `INNER JOIN`.
    pub left: bool,
    /// The joined table (with its alias, if any).
    pub table: TableRef,
    /// The join condition.
    pub on: Node,
}

/// A common table expression attached to a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Cte {
    /// Its name and columns (declared with `cte!`).
    pub info: &'static TableInfo,
    /// Declared with `WITH RECURSIVE`.
    pub recursive: bool,
    /// The query defining it.
    pub body: QueryState,
}

/// A set operation joining two queries' rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// `UNION` (duplicates removed)
    Union = 1,
    /// `UNION ALL`
    UnionAll = 2,
    /// `INTERSECT`
    Intersect = 3,
    /// `EXCEPT`
    Except = 4,
}

/// Row-lock strength (PostgreSQL; a documented no-op on SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// `FOR UPDATE`
    Update,
    /// `FOR SHARE`
    Share,
}
/// What a row lock does when a row is already locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockWait {
    /// Wait for the lock.
    Wait,
    /// `NOWAIT`: fail at once.
    NoWait,
    /// `SKIP LOCKED`: leave locked rows out.
    SkipLocked,
}

/// Everything a query holds at run time: already-erased nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryState {
    /// The FROM table (with its alias, if any).
    pub from: TableRef,
    /// Tables whose models make up a `Models` row, in scope order (inline for a
    /// table and one join: building a query allocates as little as possible).
    pub models: SmallVec<[&'static TableInfo; 2]>,
    /// Joins, in order.
    pub joins: SmallVec<[JoinClause; 1]>,
    /// `None`: all columns of `models`.
    pub select: Option<Vec<Node>>,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// WHERE conditions (ANDed).
    pub filters: SmallVec<[Node; 2]>,
    /// GROUP BY terms.
    pub group_by: Vec<Node>,
    /// HAVING conditions (ANDed).
    pub having: Vec<Node>,
    /// ORDER BY terms.
    pub order: Vec<OrderNode>,
    /// LIMIT (bound).
    pub limit: Option<u64>,
    /// OFFSET (bound).
    pub offset: Option<u64>,
    /// Row locking.
    pub lock: Option<(LockMode, LockWait)>,
    /// Common table expressions (`WITH`) the query defines.
    pub ctes: Vec<Cte>,
    /// Set operations with further queries, applied left to right; when
    /// present, `order`, `limit` and `offset` apply to the combined rows.
    pub set_ops: Vec<(SetOp, QueryState)>,
    /// Deferred builder error, returned by terminals (builders stay infallible).
    pub error: Option<&'static str>,
    /// The dialect the root table's code was generated without, if any:
    /// terminals return `Error::DialectNotGenerated` on it.
    pub generated_without: Option<Dialect>,
}

impl QueryState {
    /// `SELECT <all columns of t> FROM t`.
    #[inline]
    pub fn new(t: &'static TableInfo) -> Self {
        QueryState {
            from: t.table_ref(),
            models: smallvec::smallvec![t],
            joins: SmallVec::new(),
            select: None,
            distinct: false,
            filters: SmallVec::new(),
            group_by: Vec::new(),
            having: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: None,
            lock: None,
            set_ops: Vec::new(),
            ctes: Vec::new(),
            error: None,
            generated_without: None,
        }
    }

    #[inline]
    pub(crate) fn add_join(
        &mut self,
        path: Path,
        from: &'static str,
        to: &'static TableInfo,
        left: bool,
    ) {
        // A table appears once per query under each name: the generator gives
        // the relations that can reach a table twice (self-relations, several
        // relations between two models) alias tables of their own. Reaching a
        // table twice by two different paths (see DESIGN.md, open issues) makes
        // the type level report "type annotations needed" as soon as a column of
        // the repeated table is used; this catches the rest.
        let through = match path {
            Path::Through { table, .. } => Some(table),
            Path::Direct(_) => None,
        };
        let seen = |t: &str| {
            t == self.from.qualifier() || self.joins.iter().any(|j| j.table.qualifier() == t)
        };
        if seen(to.qualifier()) || through.is_some_and(seen) {
            self.error = Some(
                "a table can appear only once per query under the same name: this query reaches it along two different relation paths",
            );
        }
        let far = to.qualifier();
        match path {
            Path::Direct(pairs) => {
                self.joins.push(JoinClause {
                    left,
                    table: to.table_ref(),
                    on: link(pairs, from, far),
                });
            }
            Path::Through {
                table,
                from: fp,
                to: tp,
            } => {
                self.joins.push(JoinClause {
                    left,
                    table: TableRef::plain(table),
                    on: link(fp, from, table),
                });
                self.joins.push(JoinClause {
                    left,
                    table: to.table_ref(),
                    on: link(tp, table, far),
                });
            }
        }
        self.models.push(to);
    }
}
/// `"far_table"."far" = "near_table"."near" AND ...`
pub(crate) fn link(
    pairs: &'static [(&'static str, &'static str)],
    near: &'static str,
    far: &'static str,
) -> Node {
    if pairs.is_empty() {
        // A relation always links at least one column pair; never match otherwise.
        return Node::cmp("=", Node::Bind(Value::I32(1)), Node::Bind(Value::I32(0)));
    }
    Node::Link { pairs, near, far }
}
