//! The one traversal of the erased AST, generic over what it produces.
//!
//! A [`Pass`] receives everything a statement is made of, in statement order:
//! structure words ([`Pass::tag`]: a node's kind and flags, list lengths),
//! fixed keywords ([`Pass::sql`]), the `'static` texts and identifiers the
//! tree holds, and the bound values. Two passes exist: the text pass
//! ([`Writer`](super::render::Writer)) writes SQL and ignores the structure
//! words; the fingerprint pass ([`Shape`](super::fingerprint::Shape)) folds
//! the structure words and texts into a 128-bit key, ignores the keywords, and
//! collects the values. Both are monomorphised, so each compiles to a walk
//! that does only its own work.
//!
//! # The invariant that makes a fingerprint a cache key
//!
//! The SQL text must be a function of what the fingerprint pass folds in
//! (plus the dialect and the statement kind, which seed it). So in this file
//! every choice of keyword, every branch and every loop depends only on
//! structure already given to [`Pass::tag`], on texts given to
//! [`Pass::text`], [`Pass::ident`] or [`Pass::col`], on the dialect, or on the
//! statement kind; never on a bound value. Placeholder numbers follow from the
//! number of binds before them, which the structure fixes.

use super::ast::{
    FrameBound, JoinClause, LockMode, LockWait, Node, OrderNode, PgCast, Piece, QueryState, SetOp,
};
use super::catalog::{TableInfo, TableRef};
use crate::{Dialect, ToParam, Value};

/// A bound value as a pass records it: borrowed from the tree being walked (no
/// copy of texts or blobs), owned, or a row count (`LIMIT`/`OFFSET`, bound as
/// a 64-bit integer).
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    /// A value of the walked tree.
    Ref(&'a Value),
    /// A value made while rendering (rare: boxed, to keep `Param` two words).
    Own(Box<Value>),
    /// A `LIMIT`/`OFFSET` count (saturating at `i64::MAX`).
    Count(u64),
}

impl Param<'_> {
    /// The value, owned.
    pub fn to_value(&self) -> Value {
        match self {
            Param::Ref(v) => (*v).clone(),
            Param::Own(v) => (**v).clone(),
            Param::Count(n) => count_value(*n),
        }
    }
}

fn count_value(n: u64) -> Value {
    Value::I64(i64::try_from(n).unwrap_or(i64::MAX))
}

impl ToParam for Param<'_> {
    #[inline]
    #[cfg(feature = "rusqlite")]
    fn to_sqlite(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Ref(v) => v.to_sqlite(),
            Param::Own(v) => v.to_sqlite(),
            Param::Count(n) => Ok(rusqlite::types::ToSqlOutput::from(
                i64::try_from(*n).unwrap_or(i64::MAX),
            )),
        }
    }
    #[cfg(feature = "postgres")]
    fn pg_accepts(&self, ty: &postgres::types::Type) -> bool {
        match self {
            Param::Ref(v) => v.pg_accepts(ty),
            Param::Own(v) => v.pg_accepts(ty),
            Param::Count(n) => count_value(*n).pg_accepts(ty),
        }
    }
    #[inline]
    #[cfg(feature = "postgres")]
    fn to_pg(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, crate::value::PgError> {
        match self {
            Param::Ref(v) => v.to_pg(ty, out),
            Param::Own(v) => v.to_pg(ty, out),
            Param::Count(n) => count_value(*n).to_pg(ty, out),
        }
    }
}

/// Which statement a query is walked as (it seeds the fingerprint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementKind {
    /// `SELECT ..` (the rows).
    Select = 1,
    /// `SELECT COUNT(*) ..`, wrapping the query as a subquery when DISTINCT,
    /// GROUP BY, LIMIT or OFFSET are present.
    Count = 2,
    /// `SELECT EXISTS (SELECT 1 ..)`.
    Exists = 3,
}

/// What receives a walk. See the module documentation for the contract.
pub(crate) trait Pass<'a> {
    /// The dialect being walked for.
    fn dialect(&self) -> Dialect;
    /// A structure word (node kind and flags, list lengths): the text written
    /// after it may depend on it. The text pass ignores it.
    fn tag(&mut self, word: u64);
    /// Fixed SQL (a keyword, punctuation) chosen by structure already tagged.
    /// The fingerprint pass ignores it.
    fn sql(&mut self, s: &'static str);
    /// SQL text the tree holds (an operator, a function name).
    fn text(&mut self, s: &'static str);
    /// An identifier, always quoted.
    fn ident(&mut self, name: &'static str);
    /// `"table"."column"`.
    fn col(&mut self, table: &'static str, column: &'static str);
    /// A placeholder for a value of the tree.
    fn bind(&mut self, v: &'a Value);
    /// A placeholder for a `LIMIT`/`OFFSET` count.
    fn bind_count(&mut self, n: u64);
    /// A small number that is part of the statement's structure (a result
    /// column's position in `ORDER BY 2`), never a value.
    fn number(&mut self, n: u32);
    /// All columns of a model table in a select list, comma-separated;
    /// `first` when nothing of the list precedes them.
    fn model_columns(&mut self, t: &'static TableInfo, first: bool);
    /// A relation's join condition ([`Node::Link`]).
    fn link(
        &mut self,
        pairs: &'static [(&'static str, &'static str)],
        near: &'static str,
        far: &'static str,
    );
}

/// Query `q` as statement `kind`.
#[inline(always)]
pub(crate) fn statement<'a, P: Pass<'a>>(q: &'a QueryState, kind: StatementKind, p: &mut P) {
    match kind {
        StatementKind::Select => select(q, Clip::NONE, p),
        StatementKind::Count => {
            header(q, p);
            let simple = !q.distinct
                && q.group_by.is_empty()
                && q.limit.is_none()
                && q.offset.is_none()
                && q.set_ops.is_empty()
                && q.ctes.is_empty();
            if simple {
                p.sql("SELECT COUNT(*)");
                from_where(q, p);
            } else {
                p.sql("SELECT COUNT(*) FROM (");
                select_body(q, Clip::NO_LOCK, p);
                p.sql(") AS \"q\"");
            }
        }
        StatementKind::Exists => {
            p.sql("SELECT EXISTS (");
            let clip = Clip {
                lock: false,
                order: false,
                select_one: q.group_by.is_empty() && !q.distinct && q.set_ops.is_empty(),
            };
            select(q, clip, p);
            p.sql(")");
        }
    }
}

/// The parts of a SELECT a statement leaves out or replaces (a function of
/// the statement kind and the query's header).
#[derive(Debug, Clone, Copy)]
struct Clip {
    /// Render the row lock.
    lock: bool,
    /// Render ORDER BY.
    order: bool,
    /// Select `1` instead of the query's list.
    select_one: bool,
}

impl Clip {
    const NONE: Clip = Clip {
        lock: true,
        order: true,
        select_one: false,
    };
    const NO_LOCK: Clip = Clip {
        lock: false,
        ..Clip::NONE
    };
}

/// One structure word for a query: its flags and the lengths of its lists
/// (8 bits each; a list of 255 or more also gives its exact length after the
/// header), so the fingerprint mixes one word per identifier, value slot and
/// operator rather than one more per empty clause.
#[inline(always)]
fn header<'a, P: Pass<'a>>(q: &QueryState, p: &mut P) {
    let lock = match q.lock {
        None => 0,
        Some((mode, wait)) => {
            let m = match mode {
                LockMode::Update => 1,
                LockMode::Share => 2,
            };
            let w = match wait {
                LockWait::Wait => 0,
                LockWait::NoWait => 1,
                LockWait::SkipLocked => 2,
            };
            m << 2 | w
        }
    };
    let listed = match &q.select {
        Some(list) => list.len(),
        None => q.models.len(),
    };
    let lens = [
        listed,
        q.joins.len(),
        q.filters.len(),
        q.group_by.len(),
        q.having.len(),
        q.order.len(),
    ];
    let mut word = u64::from(q.select.is_some())
        | u64::from(q.distinct) << 1
        | u64::from(q.from.alias.is_some()) << 2
        | u64::from(q.limit.is_some()) << 3
        | u64::from(q.offset.is_some()) << 4
        | lock << 5
        | u64::from(!q.set_ops.is_empty()) << 57
        | u64::from(!q.ctes.is_empty()) << 58;
    for (i, n) in lens.iter().enumerate() {
        word |= ((*n).min(255) as u64) << (9 + 8 * i);
    }
    p.tag(word);
    for n in lens {
        if n >= 255 {
            p.tag(n as u64);
        }
    }
    if !q.set_ops.is_empty() {
        p.tag(q.set_ops.len() as u64);
    }
    if !q.ctes.is_empty() {
        p.tag(q.ctes.len() as u64);
    }
}

/// A full SELECT of `q` (its header, then its clauses).
#[inline(always)]
fn select<'a, P: Pass<'a>>(q: &'a QueryState, clip: Clip, p: &mut P) {
    header(q, p);
    select_body(q, clip, p);
}

/// The clauses of a SELECT whose header was given.
#[inline(always)]
fn select_body<'a, P: Pass<'a>>(q: &'a QueryState, clip: Clip, p: &mut P) {
    if !q.ctes.is_empty() {
        with_clause(q, p);
    }
    // Set operations apply left to right, as SQLite reads them; PostgreSQL
    // binds INTERSECT tighter, so there the left part is parenthesised.
    let grouped_left = p.dialect() == Dialect::Postgres && q.set_ops.len() > 1;
    if grouped_left {
        for _ in 1..q.set_ops.len() {
            p.sql("(");
        }
    }
    p.sql("SELECT ");
    if q.distinct {
        p.sql("DISTINCT ");
    }
    if clip.select_one {
        p.sql("1");
    } else {
        match &q.select {
            Some(list) => nodes(list, ", ", p),
            // A model's columns and qualifier are its `'static` table
            // description's.
            None => {
                for (i, t) in q.models.iter().enumerate() {
                    p.model_columns(t, i == 0);
                }
            }
        }
    }
    from_where(q, p);
    if !q.group_by.is_empty() {
        p.sql(" GROUP BY ");
        nodes(&q.group_by, ", ", p);
    }
    if !q.having.is_empty() {
        p.sql(" HAVING ");
        nodes(&q.having, " AND ", p);
    }
    for (i, (op, m)) in q.set_ops.iter().enumerate() {
        if grouped_left && i > 0 {
            p.sql(")");
        }
        set_member(*op, m, p);
    }
    if clip.order && !q.order.is_empty() {
        p.sql(" ORDER BY ");
        for (i, o) in q.order.iter().enumerate() {
            if i > 0 {
                p.sql(", ");
            }
            order_term(o, p);
        }
    }
    match (q.limit, q.offset, p.dialect()) {
        (Some(l), _, _) => {
            p.sql(" LIMIT ");
            p.bind_count(l);
        }
        // SQLite accepts OFFSET only after a LIMIT; -1 means "no limit".
        (None, Some(_), Dialect::Sqlite) => p.sql(" LIMIT -1"),
        _ => {}
    }
    if let Some(o) = q.offset {
        p.sql(" OFFSET ");
        p.bind_count(o);
    }
    // Row locks: PostgreSQL only. SQLite locks the whole database for a write
    // transaction (`IsolationLevel::Serializable` begins one with BEGIN
    // IMMEDIATE), so the clause is a documented no-op there.
    if let (true, Some((mode, wait)), Dialect::Postgres) = (clip.lock, q.lock, p.dialect()) {
        p.sql(match mode {
            LockMode::Update => " FOR UPDATE",
            LockMode::Share => " FOR SHARE",
        });
        p.sql(match wait {
            LockWait::Wait => "",
            LockWait::NoWait => " NOWAIT",
            LockWait::SkipLocked => " SKIP LOCKED",
        });
    }
}

/// ` FROM .. JOIN .. WHERE ..` of a query whose header was given.
#[inline(always)]
fn from_where<'a, P: Pass<'a>>(q: &'a QueryState, p: &mut P) {
    p.sql(" FROM ");
    table_ref(q.from, p);
    for JoinClause { left, table, on } in &q.joins {
        p.tag(u64::from(*left) | u64::from(table.alias.is_some()) << 1);
        p.sql(if *left { " LEFT JOIN " } else { " INNER JOIN " });
        table_ref(*table, p);
        p.sql(" ON ");
        node(on, p);
    }
    if !q.filters.is_empty() {
        p.sql(" WHERE ");
        nodes(&q.filters, " AND ", p);
    }
}

/// `"table" [AS "alias"]` (whether there is an alias is in the structure).
#[inline(always)]
fn table_ref<'a, P: Pass<'a>>(t: TableRef, p: &mut P) {
    p.ident(t.name);
    if let Some(a) = t.alias {
        p.sql(" AS ");
        p.ident(a);
    }
}

/// `e ASC|DESC [NULLS FIRST|LAST]`.
#[inline(always)]
fn order_term<'a, P: Pass<'a>>(o: &'a OrderNode, p: &mut P) {
    node(&o.expr, p);
    p.tag(u64::from(o.desc) | (o.nulls_first.map_or(0, |f| 2 + u64::from(f)) << 1));
    p.sql(if o.desc { " DESC" } else { " ASC" });
    match o.nulls_first {
        Some(true) => p.sql(" NULLS FIRST"),
        Some(false) => p.sql(" NULLS LAST"),
        None => {}
    }
}

/// Nodes separated by `sep` (a list whose length is already in the structure).
#[inline(always)]
pub(crate) fn nodes<'a, P: Pass<'a>>(ns: &'a [Node], sep: &'static str, p: &mut P) {
    for (i, n) in ns.iter().enumerate() {
        if i > 0 {
            p.sql(sep);
        }
        node(n, p);
    }
}

/// A list inside a node: its length, then its nodes separated by `, `.
#[inline(always)]
fn counted<'a, P: Pass<'a>>(ns: &'a [Node], p: &mut P) {
    p.tag(ns.len() as u64);
    nodes(ns, ", ", p);
}

/// One node. The leaves (a column, a value, a join condition) are handled
/// here; the rest goes through [`inner`], kept out of line so that the
/// common leaves stay a few instructions.
#[inline(always)]
pub(crate) fn node<'a, P: Pass<'a>>(n: &'a Node, p: &mut P) {
    match n {
        Node::Col(t, c) => {
            p.tag(1);
            p.col(t, c);
        }
        Node::Bind(v) => {
            p.tag(2);
            p.bind(v);
        }
        Node::Link { pairs, near, far } => {
            p.tag(20 | (pairs.len() as u64) << 8);
            p.link(pairs, near, far);
        }
        _ => inner(n, p),
    }
}

/// `WITH [RECURSIVE] "t" ("a", "b") AS (body), ..` (PostgreSQL needs
/// RECURSIVE once any CTE refers to itself; SQLite accepts it).
fn with_clause<'a, P: Pass<'a>>(q: &'a QueryState, p: &mut P) {
    let recursive = q.ctes.iter().any(|c| c.recursive);
    p.tag(u64::from(recursive));
    p.sql(if recursive {
        "WITH RECURSIVE "
    } else {
        "WITH "
    });
    for (i, c) in q.ctes.iter().enumerate() {
        if i > 0 {
            p.sql(", ");
        }
        p.tag(c.info.columns.len() as u64);
        p.ident(c.info.name);
        p.sql(" (");
        for (j, col) in c.info.columns.iter().enumerate() {
            if j > 0 {
                p.sql(", ");
            }
            p.ident(col);
        }
        p.sql(") AS (");
        select(&c.body, Clip::NO_LOCK, p);
        p.sql(")");
    }
    p.sql(" ");
}

/// ` UNION <member>` etc.: a member with its own ordering, paging or set
/// operations is parenthesised (PostgreSQL) or read from a subquery (SQLite,
/// which allows neither parentheses nor ORDER BY in a compound's members).
fn set_member<'a, P: Pass<'a>>(op: SetOp, m: &'a QueryState, p: &mut P) {
    let wrap =
        m.limit.is_some() || m.offset.is_some() || !m.order.is_empty() || !m.set_ops.is_empty();
    p.tag(op as u64 | u64::from(wrap) << 8);
    p.sql(match op {
        SetOp::Union => " UNION ",
        SetOp::UnionAll => " UNION ALL ",
        SetOp::Intersect => " INTERSECT ",
        SetOp::Except => " EXCEPT ",
    });
    match (wrap, p.dialect()) {
        (false, _) => select(m, Clip::NO_LOCK, p),
        (true, Dialect::Postgres) => {
            p.sql("(");
            select(m, Clip::NO_LOCK, p);
            p.sql(")");
        }
        (true, Dialect::Sqlite) => {
            p.sql("SELECT * FROM (");
            select(m, Clip::NO_LOCK, p);
            p.sql(")");
        }
    }
}

/// A frame bound's kind, for the structure word (its row count is bound).
fn bound_code(b: FrameBound) -> u64 {
    match b {
        FrameBound::UnboundedPreceding => 0,
        FrameBound::Preceding(_) => 1,
        FrameBound::CurrentRow => 2,
        FrameBound::Following(_) => 3,
        FrameBound::UnboundedFollowing => 4,
    }
}

fn frame_bound<'a, P: Pass<'a>>(b: FrameBound, p: &mut P) {
    match b {
        FrameBound::UnboundedPreceding => p.sql("UNBOUNDED PRECEDING"),
        FrameBound::Preceding(n) => {
            p.bind_count(u64::from(n));
            p.sql(" PRECEDING");
        }
        FrameBound::CurrentRow => p.sql("CURRENT ROW"),
        FrameBound::Following(n) => {
            p.bind_count(u64::from(n));
            p.sql(" FOLLOWING");
        }
        FrameBound::UnboundedFollowing => p.sql("UNBOUNDED FOLLOWING"),
    }
}

/// [`node`] for the nodes with children (and the rarer leaves).
#[inline(never)]
fn inner<'a, P: Pass<'a>>(n: &'a Node, p: &mut P) {
    match n {
        Node::Col(..) | Node::Bind(_) | Node::Link { .. } => node(n, p),
        Node::Cmp(op, sides) => {
            p.tag(3);
            node(&sides.0, p);
            p.sql(" ");
            p.text(op);
            p.sql(" ");
            node(&sides.1, p);
        }
        Node::And(l, r) => {
            p.tag(4);
            p.sql("(");
            node(l, p);
            p.sql(" AND ");
            node(r, p);
            p.sql(")");
        }
        Node::Or(l, r) => {
            p.tag(5);
            p.sql("(");
            node(l, p);
            p.sql(" OR ");
            node(r, p);
            p.sql(")");
        }
        Node::Not(e) => {
            p.tag(6);
            p.sql("NOT (");
            node(e, p);
            p.sql(")");
        }
        Node::IsNull(e, negated) => {
            p.tag(7 | u64::from(*negated) << 8);
            node(e, p);
            p.sql(if *negated { " IS NOT NULL" } else { " IS NULL" });
        }
        Node::Like {
            e,
            pat,
            ci,
            negated,
        } => {
            p.tag(8 | u64::from(*ci) << 8 | u64::from(*negated) << 9);
            let not = if *negated { " NOT" } else { "" };
            match (ci, p.dialect()) {
                (true, Dialect::Postgres) => {
                    node(e, p);
                    p.sql(not);
                    p.sql(" ILIKE ");
                    node(pat, p);
                }
                (true, Dialect::Sqlite) => {
                    // SQLite has no ILIKE: emulate (ASCII-only case folding,
                    // like SQLite's own LIKE).
                    p.sql("LOWER(");
                    node(e, p);
                    p.sql(")");
                    p.sql(not);
                    p.sql(" LIKE LOWER(");
                    node(pat, p);
                    p.sql(")");
                }
                (false, _) => {
                    node(e, p);
                    p.sql(not);
                    p.sql(" LIKE ");
                    node(pat, p);
                }
            }
        }
        Node::InList(e, items) => {
            p.tag(9);
            p.tag(items.len() as u64);
            if items.is_empty() {
                // `x IN ()` is invalid SQL; an empty list matches nothing.
                p.sql("1 = 0");
                return;
            }
            node(e, p);
            p.sql(" IN (");
            nodes(items, ", ", p);
            p.sql(")");
        }
        Node::Between(e, lo, hi) => {
            p.tag(10);
            node(e, p);
            p.sql(" BETWEEN ");
            node(lo, p);
            p.sql(" AND ");
            node(hi, p);
        }
        Node::Func {
            name,
            distinct,
            args,
        } => {
            p.tag(11 | u64::from(*distinct) << 8);
            p.text(name);
            p.sql("(");
            if *distinct {
                p.sql("DISTINCT ");
            }
            counted(args, p);
            p.sql(")");
        }
        Node::CountStar => {
            p.tag(12);
            p.sql("COUNT(*)");
        }
        Node::PgCast(e, to) => {
            p.tag(
                13 | match to {
                    PgCast::BigInt => 0,
                    PgCast::Double => 1 << 8,
                },
            );
            match p.dialect() {
                Dialect::Postgres => {
                    p.sql("CAST(");
                    node(e, p);
                    p.sql(match to {
                        PgCast::BigInt => " AS BIGINT)",
                        PgCast::Double => " AS DOUBLE PRECISION)",
                    });
                }
                Dialect::Sqlite => node(e, p),
            }
        }
        Node::Exists { negated, sub } => {
            p.tag(14 | u64::from(*negated) << 8);
            p.sql(if *negated { "NOT EXISTS (" } else { "EXISTS (" });
            select(sub, Clip::NONE, p);
            p.sql(")");
        }
        Node::InQuery(e, sub) => {
            p.tag(15);
            node(e, p);
            p.sql(" IN (");
            select(sub, Clip::NONE, p);
            p.sql(")");
        }
        Node::IsNotTrue(e) => {
            p.tag(16);
            p.sql("(");
            node(e, p);
            p.sql(") IS NOT TRUE");
        }
        Node::One => {
            p.tag(17);
            p.sql("1");
        }
        Node::Excluded(c) => {
            p.tag(18);
            p.sql("EXCLUDED.");
            p.ident(c);
        }
        Node::Arith(op, sides) => {
            p.tag(21);
            p.sql("(");
            node(&sides.0, p);
            p.sql(" ");
            p.text(op);
            p.sql(" ");
            node(&sides.1, p);
            p.sql(")");
        }
        Node::Neg(e) => {
            p.tag(22);
            p.sql("(- ");
            node(e, p);
            p.sql(")");
        }
        Node::Cast(e, to) => {
            p.tag(23);
            let name = match p.dialect() {
                Dialect::Postgres => Some(to.postgres),
                Dialect::Sqlite => to.sqlite,
            };
            match name {
                Some(name) => {
                    p.sql("CAST(");
                    node(e, p);
                    p.sql(" AS ");
                    p.text(name);
                    p.sql(")");
                }
                None => node(e, p),
            }
        }
        Node::Case { whens, otherwise } => {
            p.tag(24 | u64::from(otherwise.is_some()) << 8 | (whens.len() as u64) << 9);
            p.sql("CASE");
            for (c, v) in whens {
                p.sql(" WHEN ");
                node(c, p);
                p.sql(" THEN ");
                node(v, p);
            }
            if let Some(e) = otherwise {
                p.sql(" ELSE ");
                node(e, p);
            }
            p.sql(" END");
        }
        Node::Keyword(k) => {
            p.tag(25);
            p.text(k);
        }
        Node::DialectFunc(f, args) => {
            p.tag(26 | (args.len() as u64) << 8);
            let pieces = match p.dialect() {
                Dialect::Postgres => f.postgres,
                Dialect::Sqlite => f.sqlite,
            };
            for piece in pieces {
                match piece {
                    Piece::Sql(s) => p.text(s),
                    // A template names only slots its function fills.
                    Piece::Arg(i) => {
                        if let Some(a) = args.get(*i) {
                            node(a, p);
                        }
                    }
                }
            }
        }
        Node::Over(o) => {
            p.tag(
                28 | (o.partition.len() as u64) << 8
                    | (o.order.len() as u64) << 24
                    | o.frame.map_or(0, |f| {
                        1 | u64::from(f.rows) << 1
                            | bound_code(f.start) << 2
                            | bound_code(f.end) << 5
                    }) << 40,
            );
            node(&o.f, p);
            p.sql(" OVER (");
            let mut space = "";
            if !o.partition.is_empty() {
                p.sql("PARTITION BY ");
                nodes(&o.partition, ", ", p);
                space = " ";
            }
            if !o.order.is_empty() {
                p.sql(space);
                p.sql("ORDER BY ");
                for (i, t) in o.order.iter().enumerate() {
                    if i > 0 {
                        p.sql(", ");
                    }
                    order_term(t, p);
                }
                space = " ";
            }
            if let Some(f) = &o.frame {
                p.sql(space);
                p.sql(if f.rows {
                    "ROWS BETWEEN "
                } else {
                    "RANGE BETWEEN "
                });
                frame_bound(f.start, p);
                p.sql(" AND ");
                frame_bound(f.end, p);
            }
            p.sql(")");
        }
        Node::Position(n) => {
            p.tag(29);
            p.number(*n);
        }
        Node::Scalar(sub) => {
            p.tag(27);
            p.sql("(");
            select(sub, Clip::NONE, p);
            p.sql(")");
        }
        Node::Tuple(items) => {
            p.tag(19);
            p.sql("(");
            counted(items, p);
            p.sql(")");
        }
    }
}
