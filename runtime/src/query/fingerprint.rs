//! The fingerprint pass: statement-cache keys. The 128-bit fingerprint of a
//! built query's structure ([`Shape`], a [`Pass`] of the one
//! [`walk`](super::walk)), of a generated SQL constant
//! ([`fingerprint_static`]) or of a multi-row INSERT (`fingerprint_insert`).
//!
//! A query's SQL text is a function of its structure (node kinds, the
//! identifiers, operators and keywords they hold, how many values are bound
//! where), the statement kind and the dialect; the bound values never enter
//! it. [`Shape`] receives the same walk as the text pass, folds in everything
//! but the keywords (which the structure words determine) and the values, and
//! collects the values in placeholder order. Equal structures render equal
//! texts; different texts come from different structures, whose fingerprints
//! differ but with negligible probability (two independent 64-bit lanes). So
//! a fingerprint can key both the rendered text and the prepared statement,
//! and a query whose shape was seen before is run without rendering its text
//! again.
//!
//! All identifiers and operators in the tree are `'static` (the generator's
//! names and the runtime's operators), so they are folded in by address and
//! length: a `'static` string is never freed, so equal addresses and lengths
//! always hold equal texts.

use smallvec::SmallVec;

use super::ast::QueryState;
use super::catalog::TableInfo;
use super::walk::{self, Param, Pass, StatementKind};
use crate::{Dialect, Value};

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
    dialect: Dialect,
    params: SmallVec<[Param<'a>; 8]>,
}

impl<'a> Shape<'a> {
    /// An empty walk for a statement of `kind` in dialect `d`.
    #[inline]
    pub(crate) fn new(kind: StatementKind, d: Dialect) -> Self {
        let dialect = match d {
            Dialect::Sqlite => 1,
            Dialect::Postgres => 2,
        };
        Shape {
            f: Fingerprint::new((kind as u64) << 8 | dialect),
            dialect: d,
            params: SmallVec::new(),
        }
    }

    /// Walks `q` as statement `kind` (the kind given to [`Shape::new`]).
    /// Out of line and not generic: the runtime holds one copy of the walk,
    /// however many query types an application instantiates; the caller
    /// keeps the shape in place (no move of its inline buffer).
    #[inline(never)]
    pub(crate) fn walk(&mut self, q: &'a QueryState, kind: StatementKind) {
        walk::statement(q, kind, self);
    }

    /// [`Shape::new`] and [`Shape::walk`].
    #[cfg(test)]
    fn of(q: &'a QueryState, kind: StatementKind, d: Dialect) -> Self {
        let mut shape = Shape::new(kind, d);
        shape.walk(q, kind);
        shape
    }

    /// The fingerprint.
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
}

impl<'a> Pass<'a> for Shape<'a> {
    #[inline(always)]
    fn dialect(&self) -> Dialect {
        self.dialect
    }
    #[inline(always)]
    fn tag(&mut self, word: u64) {
        self.f.mix(word);
    }
    #[inline(always)]
    fn sql(&mut self, _s: &'static str) {}
    #[inline(always)]
    fn text(&mut self, s: &'static str) {
        self.f.text_static(s);
    }
    #[inline(always)]
    fn ident(&mut self, name: &'static str) {
        self.f.text_static(name);
    }
    #[inline(always)]
    fn col(&mut self, table: &'static str, column: &'static str) {
        self.f.text_static(table);
        self.f.text_static(column);
    }
    #[inline(always)]
    fn bind(&mut self, v: &'a Value) {
        self.params.push(Param::Ref(v));
    }
    #[inline(always)]
    fn bind_count(&mut self, n: u64) {
        self.params.push(Param::Count(n));
    }
    #[inline(always)]
    fn number(&mut self, n: u32) {
        self.f.mix(u64::from(n));
    }
    /// A model's columns and qualifier are its `'static` table description's:
    /// its address stands for them.
    #[inline(always)]
    fn model_columns(&mut self, t: &'static TableInfo, _first: bool) {
        self.f.mix(std::ptr::from_ref::<TableInfo>(t) as u64);
    }
    /// The pairs are a `'static` slice (its length is in the structure word).
    #[inline(always)]
    fn link(
        &mut self,
        pairs: &'static [(&'static str, &'static str)],
        near: &'static str,
        far: &'static str,
    ) {
        self.f.mix(pairs.as_ptr() as u64);
        self.f.text_static(near);
        self.f.text_static(far);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::ast::{JoinClause, LockMode, LockWait, Node, OrderNode, PgCast, link};
    use crate::query::catalog::Path;

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
        j.add_join(Path::Direct(&[("id", "user_id")]), "users", &POSTS, true);
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
        out.extend(expression_language());
        out
    }

    /// The expression language's nodes, each beside a near-twin that must
    /// render differently (or, for bound values, identically).
    fn expression_language() -> Vec<QueryState> {
        use crate::query::ast::{CastTo, Cte, DialectFunc, Frame, FrameBound, Over, Piece, SetOp};
        static INT: CastTo = CastTo {
            postgres: "INTEGER",
            sqlite: None,
        };
        static TEXT: CastTo = CastTo {
            postgres: "TEXT",
            sqlite: Some("TEXT"),
        };
        static YEAR: DialectFunc = DialectFunc {
            postgres: &[
                Piece::Sql("EXTRACT(YEAR FROM "),
                Piece::Arg(0),
                Piece::Sql(")"),
            ],
            sqlite: &[
                Piece::Sql("strftime('%Y', "),
                Piece::Arg(0),
                Piece::Sql(")"),
            ],
        };
        static MONTH: DialectFunc = DialectFunc {
            postgres: &[
                Piece::Sql("EXTRACT(MONTH FROM "),
                Piece::Arg(0),
                Piece::Sql(")"),
            ],
            sqlite: &[
                Piece::Sql("strftime('%m', "),
                Piece::Arg(0),
                Piece::Sql(")"),
            ],
        };
        let with = |n: Node| {
            let mut q = QueryState::new(&USERS);
            q.select = Some(vec![n]);
            q
        };
        let arith = |op| Node::Arith(op, Box::new((*col("users", "id"), *bind(1))));
        let over = |rows, start| {
            Node::Over(Box::new(Over {
                f: Node::CountStar,
                partition: vec![Node::Col("users", "name")],
                order: vec![OrderNode {
                    expr: Node::Col("users", "id"),
                    desc: false,
                    nulls_first: None,
                }],
                frame: Some(Frame {
                    rows,
                    start,
                    end: FrameBound::CurrentRow,
                }),
            }))
        };
        let case = |otherwise: bool| Node::Case {
            whens: vec![(cmp("<", *col("users", "id"), *bind(3)), *bind("low"))],
            otherwise: otherwise.then(|| bind("high")),
        };
        let mut out = vec![
            with(arith("+")),
            with(arith("-")),
            with(Node::Neg(col("users", "id"))),
            with(Node::Cast(col("users", "id"), &INT)),
            with(Node::Cast(col("users", "id"), &TEXT)),
            with(case(true)),
            with(case(false)),
            with(Node::Keyword("CURRENT_DATE")),
            with(Node::Keyword("CURRENT_TIMESTAMP")),
            with(Node::DialectFunc(&YEAR, vec![Node::Col("users", "name")])),
            with(Node::DialectFunc(&MONTH, vec![Node::Col("users", "name")])),
            with(over(true, FrameBound::Preceding(1))),
            with(over(true, FrameBound::Preceding(2))),
            with(over(false, FrameBound::UnboundedPreceding)),
            with(Node::Scalar(Box::new(QueryState::new(&POSTS)))),
        ];
        for op in [SetOp::Union, SetOp::UnionAll, SetOp::Except] {
            let mut q = QueryState::new(&USERS);
            q.set_ops.push((op, QueryState::new(&USERS)));
            q.order.push(OrderNode {
                expr: Node::Position(1),
                desc: false,
                nulls_first: None,
            });
            out.push(q.clone());
            q.order[0].expr = Node::Position(2);
            out.push(q.clone());
            let mut member = QueryState::new(&USERS);
            member.limit = Some(1);
            q.set_ops[0].1 = member;
            out.push(q);
        }
        let mut c = QueryState::new(&USERS);
        c.ctes.push(Cte {
            info: &POSTS,
            recursive: false,
            body: QueryState::new(&POSTS),
        });
        out.push(c.clone());
        c.ctes[0].recursive = true;
        out.push(c);
        out
    }

    const KINDS: [StatementKind; 3] = [
        StatementKind::Select,
        StatementKind::Count,
        StatementKind::Exists,
    ];

    #[test]
    fn values_come_in_placeholder_order_and_texts_have_their_own_keys() {
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let mut keys: Vec<(u128, String)> = Vec::new();
            for q in queries() {
                for kind in KINDS {
                    let st = q.statement(kind, d);
                    let shape = Shape::of(&q, kind, d);
                    let key = shape.key();
                    let values: Vec<Value> = shape.params().iter().map(Param::to_value).collect();
                    assert_eq!(values, st.params, "{}", st.sql);
                    // The same structure, built again, has the same key.
                    let copy = q.clone();
                    assert_eq!(Shape::of(&copy, kind, d).key(), key, "{}", st.sql);
                    // Different texts, different keys. (Equal texts may have
                    // two keys: a lock on SQLite renders nothing, for one.)
                    for (k, sql) in &keys {
                        if *sql != st.sql {
                            assert_ne!(*k, key, "{sql} / {}", st.sql);
                        }
                    }
                    keys.push((key, st.sql));
                }
            }
        }
        let q = QueryState::new(&USERS);
        let sqlite = Shape::of(&q, StatementKind::Select, Dialect::Sqlite).key();
        let pg = Shape::of(&q, StatementKind::Select, Dialect::Postgres).key();
        assert_ne!(sqlite, pg, "the dialect is part of the key");
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
