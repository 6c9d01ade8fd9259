//! The erased expression tree ([`Node`]) and the SQL [`Writer`].
//!
//! Everything the typed layer builds ends up here: once `.filter(e)` has checked
//! `e` against the query's scope, only a `Node` is stored. Identifiers are always
//! quoted (`"users"."email"`, `"` doubled inside) and every value, LIMIT and OFFSET
//! included, is a bound parameter (`$n` on PostgreSQL, `?n` on SQLite).

use smallvec::SmallVec;

use super::select::QueryState;
use crate::{Dialect, ToParam, Value};

/// A rendered statement: SQL text in the dialect's placeholder syntax plus its
/// parameters, in placeholder order.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL text (`$n` placeholders on PostgreSQL, `?n` on SQLite).
    pub sql: String,
    /// The bound values.
    pub params: Vec<Value>,
}

/// A SQL type a value is cast to on PostgreSQL, where aggregates of integer and
/// decimal columns return wider types than the Rust row type expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgCast {
    /// `CAST(e AS BIGINT)` (`SUM` of a `BIGINT` column is `numeric` on PostgreSQL).
    BigInt,
    /// `CAST(e AS DOUBLE PRECISION)` (`AVG` of integers is `numeric` on PostgreSQL).
    Double,
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

/// A bound value as the [`Writer`] records it: borrowed from the expression tree
/// being rendered (no copy of texts or blobs), owned, or a row count
/// (`LIMIT`/`OFFSET`, bound as a 64-bit integer).
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    /// A value of the rendered tree.
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
    fn to_sqlite(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Ref(v) => v.to_sqlite(),
            Param::Own(v) => v.to_sqlite(),
            Param::Count(n) => Ok(rusqlite::types::ToSqlOutput::from(
                i64::try_from(*n).unwrap_or(i64::MAX),
            )),
        }
    }
    fn pg_accepts(&self, ty: &postgres::types::Type) -> bool {
        match self {
            Param::Ref(v) => v.pg_accepts(ty),
            Param::Own(v) => v.pg_accepts(ty),
            Param::Count(n) => count_value(*n).pg_accepts(ty),
        }
    }
    #[inline]
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

/// Accumulates SQL text and parameters.
#[derive(Debug)]
pub struct Writer<'a> {
    /// The dialect being written.
    pub dialect: Dialect,
    /// The SQL so far.
    pub sql: String,
    /// The parameters so far (inline up to 8).
    pub params: SmallVec<[Param<'a>; 8]>,
    /// Placeholders bound elsewhere that come before `params` (their numbers are
    /// taken): the first bound value gets number `base + 1`.
    pub base: usize,
}

impl<'a> Writer<'a> {
    /// An empty writer.
    pub fn new(dialect: Dialect) -> Self {
        Writer {
            dialect,
            sql: String::with_capacity(128),
            params: SmallVec::new(),
            base: 0,
        }
    }
    /// Appends SQL text.
    #[inline]
    pub fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }
    /// Appends an always-quoted identifier (double quotes doubled inside).
    #[inline]
    pub fn ident(&mut self, name: &str) {
        push_ident(&mut self.sql, name);
    }
    /// Appends `"table"."column"`.
    #[inline]
    pub fn col(&mut self, table: &str, col: &str) {
        push_ident(&mut self.sql, table);
        self.sql.push('.');
        push_ident(&mut self.sql, col);
    }
    /// Appends a placeholder for `v` and records it.
    pub fn bind(&mut self, v: Value) {
        self.bind_param(Param::Own(Box::new(v)));
    }
    /// Appends a placeholder for a value of the tree being rendered, and records
    /// it by reference.
    #[inline]
    pub fn bind_ref(&mut self, v: &'a Value) {
        self.bind_param(Param::Ref(v));
    }
    /// Appends a placeholder for a `LIMIT`/`OFFSET` count.
    pub fn bind_count(&mut self, n: u64) {
        self.bind_param(Param::Count(n));
    }
    #[inline]
    fn bind_param(&mut self, p: Param<'a>) {
        self.params.push(p);
        let n = self.base + self.params.len();
        self.placeholder(n);
    }
    /// Appends placeholder number `n` (1-based) without recording a value.
    #[inline]
    pub fn placeholder(&mut self, n: usize) {
        self.sql.push(match self.dialect {
            Dialect::Postgres => '$',
            Dialect::Sqlite => '?',
        });
        push_decimal(&mut self.sql, n);
    }
    /// The statement written (parameters copied out).
    pub fn finish(self) -> Statement {
        Statement {
            sql: self.sql,
            params: self.params.iter().map(Param::to_value).collect(),
        }
    }
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut String, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// Appends an always-quoted identifier to `out`.
pub fn push_ident(out: &mut String, name: &str) {
    out.push('"');
    if name.contains('"') {
        out.push_str(&name.replace('"', "\"\""));
    } else {
        out.push_str(name);
    }
    out.push('"');
}

/// Renders one node.
pub fn render_node<'a>(n: &'a Node, w: &mut Writer<'a>) {
    match n {
        Node::Col(t, c) => w.col(t, c),
        Node::Bind(v) => w.bind_ref(v),
        Node::Cmp(op, sides) => {
            let (l, r) = &**sides;
            render_node(l, w);
            w.push(" ");
            w.push(op);
            w.push(" ");
            render_node(r, w);
        }
        Node::And(l, r) | Node::Or(l, r) => {
            let op = if matches!(n, Node::And(..)) {
                " AND "
            } else {
                " OR "
            };
            w.push("(");
            render_node(l, w);
            w.push(op);
            render_node(r, w);
            w.push(")");
        }
        Node::Not(e) => {
            w.push("NOT (");
            render_node(e, w);
            w.push(")");
        }
        Node::IsNull(e, negated) => {
            render_node(e, w);
            w.push(if *negated { " IS NOT NULL" } else { " IS NULL" });
        }
        Node::Like {
            e,
            pat,
            ci,
            negated,
        } => {
            let not = if *negated { " NOT" } else { "" };
            match (ci, w.dialect) {
                (true, Dialect::Postgres) => {
                    render_node(e, w);
                    w.push(not);
                    w.push(" ILIKE ");
                    render_node(pat, w);
                }
                (true, Dialect::Sqlite) => {
                    // SQLite has no ILIKE: emulate (ASCII-only case folding, like
                    // SQLite's own LIKE).
                    w.push("LOWER(");
                    render_node(e, w);
                    w.push(")");
                    w.push(not);
                    w.push(" LIKE LOWER(");
                    render_node(pat, w);
                    w.push(")");
                }
                (false, _) => {
                    render_node(e, w);
                    w.push(not);
                    w.push(" LIKE ");
                    render_node(pat, w);
                }
            }
        }
        Node::InList(e, items) => {
            if items.is_empty() {
                // `x IN ()` is invalid SQL; an empty list matches nothing.
                w.push("1 = 0");
                return;
            }
            render_node(e, w);
            w.push(" IN (");
            render_list(w, items, ", ");
            w.push(")");
        }
        Node::Between(e, lo, hi) => {
            render_node(e, w);
            w.push(" BETWEEN ");
            render_node(lo, w);
            w.push(" AND ");
            render_node(hi, w);
        }
        Node::Func {
            name,
            distinct,
            args,
        } => {
            w.push(name);
            w.push("(");
            if *distinct {
                w.push("DISTINCT ");
            }
            render_list(w, args, ", ");
            w.push(")");
        }
        Node::CountStar => w.push("COUNT(*)"),
        Node::PgCast(e, to) => match w.dialect {
            Dialect::Postgres => {
                w.push("CAST(");
                render_node(e, w);
                w.push(match to {
                    PgCast::BigInt => " AS BIGINT)",
                    PgCast::Double => " AS DOUBLE PRECISION)",
                });
            }
            Dialect::Sqlite => render_node(e, w),
        },
        Node::Exists { negated, sub } => {
            w.push(if *negated { "NOT EXISTS (" } else { "EXISTS (" });
            sub.render(w);
            w.push(")");
        }
        Node::InQuery(e, sub) => {
            render_node(e, w);
            w.push(" IN (");
            sub.render(w);
            w.push(")");
        }
        Node::IsNotTrue(e) => {
            w.push("(");
            render_node(e, w);
            w.push(") IS NOT TRUE");
        }
        Node::One => w.push("1"),
        Node::Excluded(c) => {
            w.push("EXCLUDED.");
            w.ident(c);
        }
        Node::Tuple(items) => {
            w.push("(");
            render_list(w, items, ", ");
            w.push(")");
        }
        Node::Link { pairs, near, far } => {
            for _ in 1..pairs.len() {
                w.push("(");
            }
            for (i, (n, f)) in pairs.iter().enumerate() {
                if i > 0 {
                    w.push(" AND ");
                }
                w.col(far, f);
                w.push(" = ");
                w.col(near, n);
                if i > 0 {
                    w.push(")");
                }
            }
        }
    }
}

/// Renders nodes separated by `sep`.
pub fn render_list<'a>(w: &mut Writer<'a>, nodes: &'a [Node], sep: &str) {
    for (i, n) in nodes.iter().enumerate() {
        if i > 0 {
            w.push(sep);
        }
        render_node(n, w);
    }
}
