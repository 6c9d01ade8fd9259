//! Statement-cache keys: the 128-bit fingerprint of a built query's structure
//! ([`Shape`]), of a generated SQL constant ([`fingerprint_static`]) or of a
//! multi-row INSERT (`fingerprint_insert`).
//!
//! A query's SQL text is a function of its structure (node kinds, the
//! identifiers, operators and keywords they hold, how many values are bound
//! where) and the dialect; the bound values never enter it. [`Shape`] walks the
//! structure, folding in everything but the values, and collects the values in
//! placeholder order, the order [`QueryState::render`] binds them. Equal
//! structures render equal texts; different texts come from different
//! structures, whose fingerprints differ but with negligible probability (two
//! independent 64-bit lanes). So a fingerprint can key both the rendered text
//! and the prepared statement, and a query whose shape was seen before is run
//! without rendering its text again.
//!
//! All identifiers and keywords in the tree are `'static` (the generator's
//! names and the runtime's operators), so they are folded in by address and
//! length: a `'static` string is never freed, so equal addresses and lengths
//! always hold equal texts.

use smallvec::SmallVec;

use super::expr::OrderNode;
use super::node::{Node, Param, PgCast};
use super::schema::{TableInfo, TableRef};
use super::select::{LockMode, LockWait, QueryState};
use crate::Dialect;

/// Two independent multiply-rotate lanes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fingerprint(u64, u64);

impl Fingerprint {
    fn new(seed: u64) -> Self {
        let mut f = Fingerprint(0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344);
        f.mix(seed);
        f
    }
    #[inline(always)]
    fn mix(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(26) ^ w).wrapping_mul(0xf135_7aea_2e62_a9c5);
        self.1 = (self.1.rotate_left(31) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    /// A `'static` text by address and length (one word when the length fits
    /// above the 48 address bits of user space, as it does for identifiers).
    #[inline(always)]
    fn text_static(&mut self, s: &'static str) {
        let (p, n) = (s.as_ptr() as u64, s.len() as u64);
        if (p >> 48 | n >> 15) == 0 {
            self.mix(p | n << 48);
        } else {
            self.mix(p);
            self.mix(n | 1 << 63);
        }
    }
    #[inline(always)]
    fn finish(self) -> u128 {
        let a = self.0 ^ (self.0 >> 29);
        let b = self.1 ^ (self.1 >> 32);
        (u128::from(a) << 64) | u128::from(b)
    }
}

// Seeds that keep the kinds of keys apart (a shape's seed is below 2^16).
const SEED_STATIC: u64 = 0x5354_4154_0000_0000;
const SEED_INSERT: u64 = 0x494e_5352_0000_0000;

/// The statement-cache key of a generated `'static` SQL constant.
pub fn fingerprint_static(sql: &'static str) -> u128 {
    let mut f = Fingerprint::new(SEED_STATIC);
    f.text_static(sql);
    f.finish()
}

/// The statement-cache key of a multi-row INSERT of `rows` rows into the table
/// and columns of the generated single-row INSERT constant `single`, with or
/// without RETURNING.
pub(crate) fn fingerprint_insert(single: &'static str, rows: usize, returning: bool) -> u128 {
    let mut f = Fingerprint::new(SEED_INSERT);
    f.text_static(single);
    f.mix(rows as u64);
    f.mix(u64::from(returning));
    f.finish()
}

/// The fingerprint of a query's structure, with its values in placeholder order.
pub(crate) struct Shape<'a> {
    f: Fingerprint,
    params: SmallVec<[Param<'a>; 8]>,
}

impl<'a> Shape<'a> {
    /// A walk for a statement of `kind` (which statement is rendered from the
    /// structure) in dialect `d`.
    pub(crate) fn new(d: Dialect, kind: u8) -> Self {
        let dialect = match d {
            Dialect::Sqlite => 1,
            Dialect::Postgres => 2,
        };
        Shape {
            f: Fingerprint::new(u64::from(kind) << 8 | dialect),
            params: SmallVec::new(),
        }
    }

    /// The fingerprint (of what was walked so far).
    #[inline]
    pub(crate) fn key(&self) -> u128 {
        self.f.finish()
    }

    /// The values, in placeholder order (borrowed: no move of the inline
    /// buffer).
    #[inline]
    pub(crate) fn params(&self) -> &[Param<'a>] {
        &self.params
    }

    #[inline(always)]
    fn tag(&mut self, t: u64) {
        self.f.mix(t);
    }

    /// A table of FROM or JOIN: its name, then its alias if the caller's flags
    /// say it has one.
    #[inline(always)]
    fn table(&mut self, t: TableRef) {
        self.f.text_static(t.name);
        if let Some(a) = t.alias {
            self.f.text_static(a);
        }
    }

    fn nodes(&mut self, ns: &'a [Node]) {
        self.tag(ns.len() as u64);
        self.each(ns);
    }

    /// The nodes of a list whose length is already folded in.
    #[inline(always)]
    fn each(&mut self, ns: &'a [Node]) {
        for n in ns {
            self.node(n);
        }
    }

    /// Everything [`QueryState::render`] writes, in its order.
    ///
    /// One header word holds the flags and the lengths of the query's lists
    /// (8 bits each; a list of 255 or more also folds in its exact length
    /// after the header), so the walk mixes one word per identifier, value
    /// slot and operator rather than one more per empty clause.
    pub(crate) fn query(&mut self, q: &'a QueryState) {
        let limit = u64::from(q.limit.is_some());
        let offset = u64::from(q.offset.is_some());
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
        let mut header = u64::from(q.select.is_some())
            | u64::from(q.distinct) << 1
            | u64::from(q.from.alias.is_some()) << 2
            | limit << 3
            | offset << 4
            | lock << 5;
        for (i, n) in lens.iter().enumerate() {
            header |= ((*n).min(255) as u64) << (9 + 8 * i);
        }
        self.tag(header);
        for n in lens {
            if n >= 255 {
                self.tag(n as u64);
            }
        }
        match &q.select {
            Some(list) => self.each(list),
            // A model's columns and qualifier are its `'static` table
            // description's: its address stands for them.
            None => {
                for t in &q.models {
                    self.f.mix(std::ptr::from_ref::<TableInfo>(t) as u64);
                }
            }
        }
        self.table(q.from);
        for j in &q.joins {
            self.tag(u64::from(j.left) | u64::from(j.table.alias.is_some()) << 1);
            self.table(j.table);
            self.node(&j.on);
        }
        self.each(&q.filters);
        self.each(&q.group_by);
        self.each(&q.having);
        for OrderNode {
            expr,
            desc,
            nulls_first,
        } in &q.order
        {
            self.node(expr);
            self.tag(u64::from(*desc) | (nulls_first.map_or(0, |f| 2 + u64::from(f)) << 1));
        }
        // LIMIT and OFFSET are bound: only their presence (in the header)
        // shapes the text.
        if let Some(l) = q.limit {
            self.params.push(Param::Count(l));
        }
        if let Some(o) = q.offset {
            self.params.push(Param::Count(o));
        }
    }

    /// Everything [`super::render_node`] writes, children in its order. The
    /// leaves (a column, a value, a join condition) are handled where the
    /// walk meets them; the rest recurses through [`Shape::inner`].
    #[inline(always)]
    fn node(&mut self, n: &'a Node) {
        match n {
            Node::Col(t, c) => {
                self.tag(1);
                self.f.text_static(t);
                self.f.text_static(c);
            }
            Node::Bind(v) => {
                self.tag(2);
                self.params.push(Param::Ref(v));
            }
            Node::Link { pairs, near, far } => {
                self.tag(20 | (pairs.len() as u64) << 8);
                self.f.mix(pairs.as_ptr() as u64);
                self.f.text_static(near);
                self.f.text_static(far);
            }
            _ => self.inner(n),
        }
    }

    /// [`Shape::node`] for the nodes with children (and the rarer leaves).
    #[inline(never)]
    fn inner(&mut self, n: &'a Node) {
        match n {
            Node::Col(..) | Node::Bind(_) | Node::Link { .. } => self.node(n),
            Node::Cmp(op, sides) => {
                self.tag(3);
                self.f.text_static(op);
                self.node(&sides.0);
                self.node(&sides.1);
            }
            Node::And(l, r) => {
                self.tag(4);
                self.node(l);
                self.node(r);
            }
            Node::Or(l, r) => {
                self.tag(5);
                self.node(l);
                self.node(r);
            }
            Node::Not(e) => {
                self.tag(6);
                self.node(e);
            }
            Node::IsNull(e, negated) => {
                self.tag(7 | u64::from(*negated) << 8);
                self.node(e);
            }
            Node::Like {
                e,
                pat,
                ci,
                negated,
            } => {
                self.tag(8 | u64::from(*ci) << 8 | u64::from(*negated) << 9);
                self.node(e);
                self.node(pat);
            }
            Node::InList(e, items) => {
                self.tag(9);
                // An empty list renders as `1 = 0`, without `e`.
                if !items.is_empty() {
                    self.node(e);
                }
                self.nodes(items);
            }
            Node::Between(e, lo, hi) => {
                self.tag(10);
                self.node(e);
                self.node(lo);
                self.node(hi);
            }
            Node::Func {
                name,
                distinct,
                args,
            } => {
                self.tag(11 | u64::from(*distinct) << 8);
                self.f.text_static(name);
                self.nodes(args);
            }
            Node::CountStar => self.tag(12),
            Node::PgCast(e, to) => {
                self.tag(
                    13 | match to {
                        PgCast::BigInt => 0,
                        PgCast::Double => 1 << 8,
                    },
                );
                self.node(e);
            }
            Node::Exists { negated, sub } => {
                self.tag(14 | u64::from(*negated) << 8);
                self.query(sub);
            }
            Node::InQuery(e, sub) => {
                self.tag(15);
                self.node(e);
                self.query(sub);
            }
            Node::IsNotTrue(e) => {
                self.tag(16);
                self.node(e);
            }
            Node::One => self.tag(17),
            Node::Excluded(c) => {
                self.tag(18);
                self.f.text_static(c);
            }
            Node::Tuple(items) => {
                self.tag(19);
                self.nodes(items);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;
    use crate::query::schema::TableInfo;
    use crate::query::select::{JoinClause, link};

    static USERS: TableInfo = TableInfo {
        name: "users",
        columns: &["id", "name"],
        primary_key: &["id"],
        alias: None,
    };
    static POSTS: TableInfo = TableInfo {
        name: "posts",
        columns: &["id", "user_id", "title"],
        primary_key: &["id"],
        alias: None,
    };
    static MENTORS: TableInfo = TableInfo {
        name: "users",
        columns: &["id", "name"],
        primary_key: &["id"],
        alias: Some("users_mentor"),
    };

    fn col(t: &'static str, c: &'static str) -> Box<Node> {
        Box::new(Node::Col(t, c))
    }
    fn bind(v: impl Into<Value>) -> Box<Node> {
        Box::new(Node::Bind(v.into()))
    }
    fn cmp(op: &'static str, l: Node, r: Node) -> Node {
        Node::cmp(op, l, r)
    }

    /// Queries whose binds sit in every clause, and near-twins of them.
    fn queries() -> Vec<QueryState> {
        let base = || QueryState::new(&USERS);
        let mut out = vec![base()];
        let mut q = base();
        q.filters.push(cmp("=", *col("users", "name"), *bind("a")));
        out.push(q.clone());
        q.filters[0] = cmp("<>", *col("users", "name"), *bind("a"));
        out.push(q.clone());
        q.limit = Some(5);
        out.push(q.clone());
        q.offset = Some(7);
        out.push(q.clone());
        q.limit = None;
        out.push(q.clone());
        q.lock = Some((LockMode::Update, LockWait::SkipLocked));
        out.push(q.clone());

        let mut j = base();
        j.add_join(
            crate::query::Path::Direct(&[("id", "user_id")]),
            "users",
            &POSTS,
            true,
        );
        out.push(j.clone());
        j.joins[0].left = false;
        out.push(j.clone());
        j.joins.push(JoinClause {
            left: true,
            table: MENTORS.table_ref(),
            on: link(&[("id", "id")], "users", "users_mentor"),
        });
        out.push(j.clone());

        let mut all = base();
        all.select = Some(vec![
            Node::Func {
                name: "COALESCE",
                distinct: false,
                args: vec![Node::Col("users", "name"), Node::Bind("s".into())],
            },
            Node::PgCast(Box::new(Node::CountStar), PgCast::BigInt),
        ]);
        all.filters.push(Node::Like {
            e: col("users", "name"),
            pat: bind("%x%"),
            ci: true,
            negated: false,
        });
        all.filters.push(Node::InList(
            col("users", "id"),
            vec![
                Node::Bind(1.into()),
                Node::Bind(2.into()),
                Node::Bind(3.into()),
            ],
        ));
        all.filters
            .push(Node::Between(col("users", "id"), bind(10), bind(20)));
        let mut sub = QueryState::new(&POSTS);
        sub.select = Some(vec![Node::One]);
        sub.filters
            .push(cmp("=", *col("posts", "title"), *bind("t")));
        sub.limit = Some(3);
        all.filters.push(Node::Exists {
            negated: true,
            sub: Box::new(sub.clone()),
        });
        all.filters
            .push(Node::InQuery(col("users", "id"), Box::new(sub)));
        all.group_by.push(Node::Col("users", "name"));
        all.having.push(cmp(">", Node::CountStar, *bind(2)));
        all.order.push(OrderNode {
            expr: cmp("+", *col("users", "id"), *bind(100)),
            desc: true,
            nulls_first: Some(false),
        });
        all.limit = Some(9);
        all.offset = Some(1);
        out.push(all.clone());
        all.filters.insert(
            0,
            Node::Or(
                Box::new(Node::IsNull(col("users", "name"), true)),
                Box::new(Node::Not(Box::new(Node::IsNotTrue(bind(true))))),
            ),
        );
        out.push(all.clone());
        all.order[0].nulls_first = Some(true);
        out.push(all.clone());
        // An empty IN list renders without its left side (and its values).
        let mut e = base();
        e.filters.push(Node::InList(
            Box::new(Node::Tuple(vec![Node::Bind(1.into())])),
            vec![],
        ));
        out.push(e);
        out
    }

    #[test]
    fn values_come_in_placeholder_order_and_texts_have_their_own_keys() {
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let mut keys: Vec<(u128, String)> = Vec::new();
            for q in queries() {
                let st = q.to_statement(d);
                let mut shape = Shape::new(d, 1);
                shape.query(&q);
                let key = shape.key();
                let values: Vec<Value> = shape.params().iter().map(Param::to_value).collect();
                assert_eq!(values, st.params, "{}", st.sql);
                // The same structure, built again, has the same key.
                let copy = q.clone();
                let mut again = Shape::new(d, 1);
                again.query(&copy);
                assert_eq!(again.key(), key, "{}", st.sql);
                // Different texts, different keys. (Equal texts may have two
                // keys: a lock on SQLite renders nothing, for one.)
                for (k, sql) in &keys {
                    if *sql != st.sql {
                        assert_ne!(*k, key, "{sql} / {}", st.sql);
                    }
                }
                keys.push((key, st.sql));
            }
        }
        let q = QueryState::new(&USERS);
        let mut s = Shape::new(Dialect::Sqlite, 1);
        s.query(&q);
        let sqlite = s.key();
        let mut p = Shape::new(Dialect::Postgres, 1);
        p.query(&q);
        assert_ne!(sqlite, p.key(), "the dialect is part of the key");
    }

    #[test]
    fn constants_and_inserts_are_keyed_apart() {
        static SQL: &str = "INSERT INTO \"users\" (\"name\") VALUES (?1)";
        static OTHER: &str = "INSERT INTO \"posts\" (\"title\") VALUES (?1)";
        assert_eq!(fingerprint_static(SQL), fingerprint_static(SQL));
        assert_ne!(fingerprint_static(SQL), fingerprint_static(OTHER));
        let keys = [
            fingerprint_static(SQL),
            fingerprint_insert(SQL, 1, false),
            fingerprint_insert(SQL, 2, false),
            fingerprint_insert(SQL, 1, true),
            fingerprint_insert(OTHER, 1, false),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
