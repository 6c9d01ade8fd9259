//! The text pass: [`Writer`] accumulates SQL and parameters, and renders the
//! erased AST through the one [`walk`](super::walk). Identifiers are always
//! quoted (`"users"."email"`, `"` doubled inside) and every value, LIMIT and
//! OFFSET included, is a bound parameter (`$n` on PostgreSQL, `?n` on SQLite).
//! The write statements (INSERT, UPDATE, DELETE) use the same [`Writer`].

use smallvec::SmallVec;

use super::ast::{Node, QueryState};
use super::catalog::TableInfo;
use super::walk::{self, Param, Pass, StatementKind};
use crate::{Dialect, Value};

/// A rendered statement: SQL text in the dialect's placeholder syntax plus its
/// parameters, in placeholder order.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL text (`$n` placeholders on PostgreSQL, `?n` on SQLite).
    pub sql: String,
    /// The bound values.
    pub params: Vec<Value>,
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

impl<'a> Pass<'a> for Writer<'a> {
    #[inline(always)]
    fn dialect(&self) -> Dialect {
        self.dialect
    }
    #[inline(always)]
    fn tag(&mut self, _word: u64) {}
    #[inline(always)]
    fn sql(&mut self, s: &'static str) {
        self.push(s);
    }
    #[inline(always)]
    fn text(&mut self, s: &'static str) {
        self.push(s);
    }
    #[inline(always)]
    fn ident(&mut self, name: &'static str) {
        push_ident(&mut self.sql, name);
    }
    #[inline(always)]
    fn col(&mut self, table: &'static str, column: &'static str) {
        Writer::col(self, table, column);
    }
    #[inline(always)]
    fn bind(&mut self, v: &'a Value) {
        self.bind_ref(v);
    }
    #[inline(always)]
    fn bind_count(&mut self, n: u64) {
        Writer::bind_count(self, n);
    }
    fn number(&mut self, n: u32) {
        use std::fmt::Write as _;
        let _ = write!(self.sql, "{n}");
    }
    fn model_columns(&mut self, t: &'static TableInfo, first: bool) {
        for (i, c) in t.columns.iter().enumerate() {
            if i > 0 || !first {
                self.push(", ");
            }
            Writer::col(self, t.qualifier(), c);
        }
    }
    fn link(
        &mut self,
        pairs: &'static [(&'static str, &'static str)],
        near: &'static str,
        far: &'static str,
    ) {
        // `(("f"."a" = "n"."a" AND "f"."b" = "n"."b") AND ..)`, as nested ANDs
        // would render.
        for _ in 1..pairs.len() {
            self.push("(");
        }
        for (i, (n, f)) in pairs.iter().enumerate() {
            if i > 0 {
                self.push(" AND ");
            }
            Writer::col(self, far, f);
            self.push(" = ");
            Writer::col(self, near, n);
            if i > 0 {
                self.push(")");
            }
        }
    }
}

/// Renders one node.
pub fn render_node<'a>(n: &'a Node, w: &mut Writer<'a>) {
    walk::node(n, w);
}

/// Renders nodes separated by `sep`.
pub fn render_list<'a>(w: &mut Writer<'a>, nodes: &'a [Node], sep: &'static str) {
    walk::nodes(nodes, sep, w);
}

/// The text pass's entry points for whole queries.
impl QueryState {
    /// Writes the full SELECT statement.
    pub fn render<'a>(&'a self, w: &mut Writer<'a>) {
        walk::statement(self, StatementKind::Select, w);
    }

    /// Renders the SELECT statement.
    pub fn to_statement(&self, d: Dialect) -> Statement {
        self.statement(StatementKind::Select, d)
    }

    /// `SELECT COUNT(*) ...` for the `count` terminal (the query as a subquery
    /// when DISTINCT, GROUP BY, LIMIT or OFFSET are present).
    pub fn count_statement(&self, d: Dialect) -> Statement {
        self.statement(StatementKind::Count, d)
    }

    /// `SELECT EXISTS (SELECT 1 ...)` for the `exists` terminal.
    pub fn exists_statement(&self, d: Dialect) -> Statement {
        self.statement(StatementKind::Exists, d)
    }

    /// Renders statement `kind` of this query.
    pub(crate) fn statement(&self, kind: StatementKind, d: Dialect) -> Statement {
        let mut w = Writer::new(d);
        walk::statement(self, kind, &mut w);
        w.finish()
    }
}
