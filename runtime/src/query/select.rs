//! The dynamic (type-erased) query: [`QueryState`] holds the FROM table, joins,
//! select list, filters, grouping, ordering, paging and locking as [`Node`]s and
//! renders SELECT, COUNT and EXISTS statements for a [`Dialect`].

use smallvec::SmallVec;

use super::expr::OrderNode;
use super::node::{Node, Param, Statement, Writer, render_list, render_node};
use super::schema::{Path, Relation, Table, TableInfo, TableRef};
use super::shape::Shape;
use crate::{Dialect, Keyed, Result, Session, Value};

/// The fingerprint kind of a query's SELECT statement.
const KIND_SELECT: u8 = 1;

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
            error: None,
            generated_without: None,
        }
    }

    /// FROM .. JOIN .. WHERE ..
    fn render_from_where<'a>(&'a self, w: &mut Writer<'a>) {
        w.push(" FROM ");
        table_ref(w, self.from);
        for j in &self.joins {
            w.push(if j.left {
                " LEFT JOIN "
            } else {
                " INNER JOIN "
            });
            table_ref(w, j.table);
            w.push(" ON ");
            render_node(&j.on, w);
        }
        if !self.filters.is_empty() {
            w.push(" WHERE ");
            render_list(w, &self.filters, " AND ");
        }
    }

    /// Full SELECT statement.
    pub fn render<'a>(&'a self, w: &mut Writer<'a>) {
        w.push("SELECT ");
        if self.distinct {
            w.push("DISTINCT ");
        }
        match &self.select {
            Some(list) => render_list(w, list, ", "),
            None => {
                let mut first = true;
                for t in &self.models {
                    for c in t.columns {
                        if !first {
                            w.push(", ");
                        }
                        first = false;
                        w.col(t.qualifier(), c);
                    }
                }
            }
        }
        self.render_from_where(w);
        if !self.group_by.is_empty() {
            w.push(" GROUP BY ");
            render_list(w, &self.group_by, ", ");
        }
        if !self.having.is_empty() {
            w.push(" HAVING ");
            render_list(w, &self.having, " AND ");
        }
        if !self.order.is_empty() {
            w.push(" ORDER BY ");
            for (i, o) in self.order.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                render_node(&o.expr, w);
                w.push(if o.desc { " DESC" } else { " ASC" });
                match o.nulls_first {
                    Some(true) => w.push(" NULLS FIRST"),
                    Some(false) => w.push(" NULLS LAST"),
                    None => {}
                }
            }
        }
        match (self.limit, self.offset, w.dialect) {
            (Some(l), _, _) => {
                w.push(" LIMIT ");
                w.bind_count(l);
            }
            // SQLite accepts OFFSET only after a LIMIT; -1 means "no limit".
            (None, Some(_), Dialect::Sqlite) => w.push(" LIMIT -1"),
            _ => {}
        }
        if let Some(o) = self.offset {
            w.push(" OFFSET ");
            w.bind_count(o);
        }
        // Row locks: PostgreSQL only. SQLite locks the whole database for a
        // write transaction (`IsolationLevel::Serializable` begins one with
        // BEGIN IMMEDIATE), so the clause is a documented no-op there.
        if let (Some((mode, wait)), Dialect::Postgres) = (self.lock, w.dialect) {
            w.push(match mode {
                LockMode::Update => " FOR UPDATE",
                LockMode::Share => " FOR SHARE",
            });
            w.push(match wait {
                LockWait::Wait => "",
                LockWait::NoWait => " NOWAIT",
                LockWait::SkipLocked => " SKIP LOCKED",
            });
        }
    }

    /// Renders the SELECT statement.
    pub fn to_statement(&self, d: Dialect) -> Statement {
        let mut w = Writer::new(d);
        self.render(&mut w);
        w.finish()
    }

    /// Runs `run` with this query's SELECT text, from the connection's cache of
    /// rendered statements (keyed by the query's [`Shape`]: a walk that writes no
    /// text), and its parameters, borrowed from the query.
    pub(crate) fn with_select<R>(
        &self,
        s: &mut Session,
        run: impl FnOnce(&mut Session, Keyed<'_>, &[Param<'_>]) -> Result<R>,
    ) -> Result<R> {
        let d = s.dialect();
        let mut shape = Shape::new(d, KIND_SELECT);
        shape.query(self);
        let key = shape.key();
        let sql = s.rendered_sql(key, || self.to_statement(d).sql)?;
        run(s, Keyed::rendered(key, &sql), shape.params())
    }

    /// `SELECT COUNT(*) ...` for the `count` terminal.
    pub fn count_statement(&self, d: Dialect) -> Statement {
        let simple = !self.distinct
            && self.group_by.is_empty()
            && self.limit.is_none()
            && self.offset.is_none();
        let inner = (!simple).then(|| {
            let mut inner = self.clone();
            inner.lock = None;
            inner
        });
        let mut w = Writer::new(d);
        if let Some(inner) = &inner {
            w.push("SELECT COUNT(*) FROM (");
            inner.render(&mut w);
            w.push(") AS \"q\"");
        } else {
            w.push("SELECT COUNT(*)");
            self.render_from_where(&mut w);
        }
        w.finish()
    }

    /// `SELECT EXISTS (SELECT 1 ...)` for the `exists` terminal.
    pub fn exists_statement(&self, d: Dialect) -> Statement {
        let mut inner = self.clone();
        inner.lock = None;
        inner.order.clear();
        if inner.group_by.is_empty() && !inner.distinct {
            inner.select = Some(vec![Node::One]);
        }
        let mut w = Writer::new(d);
        w.push("SELECT EXISTS (");
        inner.render(&mut w);
        w.push(")");
        w.finish()
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

/// `"table" [AS "alias"]`.
fn table_ref(w: &mut Writer<'_>, t: TableRef) {
    w.ident(t.name);
    if let Some(a) = t.alias {
        w.push(" AS ");
        w.ident(a);
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

/// The EXISTS subquery behind `some` / `every` / `none` / `exists`.
pub(crate) fn relation_exists<R: Relation>(pred: Option<Node>, negated: bool) -> Node {
    let from = <R::From as Table>::INFO.qualifier();
    let to = &<R::To as Table>::INFO;
    let far = to.qualifier();
    let mut sub = QueryState::new(to);
    sub.select = Some(vec![Node::One]);
    match R::PATH {
        Path::Direct(pairs) => sub.filters.push(link(pairs, from, far)),
        Path::Through {
            table,
            from: fp,
            to: tp,
        } => {
            sub.from = TableRef::plain(table);
            sub.joins.push(JoinClause {
                left: false,
                table: to.table_ref(),
                on: link(tp, table, far),
            });
            sub.filters.push(link(fp, from, table));
        }
    }
    if let Some(p) = pred {
        sub.filters.push(p);
    }
    Node::Exists {
        negated,
        sub: Box::new(sub),
    }
}
