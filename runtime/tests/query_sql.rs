//! Rendered SQL + parameters for every capability of the query builder, on both
//! dialects (no database needed; `query_read.rs` and `query_write.rs` run the same
//! shapes against SQLite and PostgreSQL).
#![allow(clippy::type_complexity)]
mod blog;
mod common;

use blog::*;
use ormgen::query::{self as qb, ColumnExt, ExprExt, Query, RelationExt, Statement};
use ormgen::{Dialect, Value, avg, count, count_distinct, count_star, max, min, sum};

/// The SQLite rendering of a statement whose only difference is `$n` → `?n`.
fn sq(pg: &str) -> String {
    pg.replace('$', "?")
}
fn t(s: &str) -> Value {
    Value::Text(s.into())
}
/// An `i32` parameter.
fn i(n: i32) -> Value {
    Value::I32(n)
}
/// An `i64` parameter (LIMIT, OFFSET, BigInt values).
fn l(n: i64) -> Value {
    Value::I64(n)
}

fn check<S, R, G>(q: &Query<S, R, G>, pg: &str, sqlite: &str, params: Vec<Value>) {
    assert_eq!(
        q.to_sql(Dialect::Postgres),
        Statement {
            sql: pg.into(),
            params: params.clone()
        },
        "postgres"
    );
    assert_eq!(
        q.to_sql(Dialect::Sqlite),
        Statement {
            sql: sqlite.into(),
            params
        },
        "sqlite"
    );
}
fn check_same<S, R, G>(q: &Query<S, R, G>, pg: &str, params: Vec<Value>) {
    check(q, pg, &sq(pg), params)
}

const USER_COLS: &str =
    r#""users"."id", "users"."email", "users"."name", "users"."age", "users"."role""#;
const POST_COLS: &str = r#""posts"."id", "posts"."title", "posts"."body", "posts"."author_id", "posts"."published", "posts"."views", "posts"."rating", "posts"."status""#;

#[test]
fn design_doc_query() {
    let q = User::query()
        .filter(user::age.ge(18).and(user::email.like("%@x.org")))
        .order_by(user::name.asc())
        .limit(10);
    check_same(
        &q,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE ("users"."age" >= $1 AND "users"."email" LIKE $2) ORDER BY "users"."name" ASC LIMIT $3"#
        ),
        vec![i(18), t("%@x.org"), l(10)],
    );
}

#[test]
fn comparison_operators() {
    let q = Post::query()
        .filter(post::id.eq(1))
        .filter(post::id.ne(2))
        .filter(post::id.lt(3))
        .filter(post::id.le(4))
        .filter(post::id.gt(5))
        .filter(post::id.ge(6));
    check_same(
        &q,
        &format!(
            r#"SELECT {POST_COLS} FROM "posts" WHERE "posts"."id" = $1 AND "posts"."id" <> $2 AND "posts"."id" < $3 AND "posts"."id" <= $4 AND "posts"."id" > $5 AND "posts"."id" >= $6"#
        ),
        (1..=6).map(i).collect(),
    );
}

#[test]
fn column_to_column_and_nullable_comparisons() {
    // Nullable and non-null columns of the same base type compare freely.
    let q = Post::query()
        .join(post::author)
        .filter(post::author_id.eq(user::id))
        .filter(user::name.eq(user::email));
    check_same(
        &q,
        &format!(
            r#"SELECT {POST_COLS}, {USER_COLS} FROM "posts" INNER JOIN "users" ON "users"."id" = "posts"."author_id" WHERE "posts"."author_id" = "users"."id" AND "users"."name" = "users"."email""#
        ),
        vec![],
    );
}

#[test]
fn like_ilike_not_like() {
    let q = User::query()
        .filter(user::email.like("a%"))
        .filter(user::name.ilike("AL%"))
        .filter(user::email.not_like("%spam%"));
    check(
        &q,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE "users"."email" LIKE $1 AND "users"."name" ILIKE $2 AND "users"."email" NOT LIKE $3"#
        ),
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE "users"."email" LIKE ?1 AND LOWER("users"."name") LIKE LOWER(?2) AND "users"."email" NOT LIKE ?3"#
        ),
        vec![t("a%"), t("AL%"), t("%spam%")],
    );
}

#[test]
fn in_list_between_null_tests() {
    let q = User::query()
        .filter(user::id.in_list([1, 2, 3]))
        .filter(user::age.between(18, 65))
        .filter(user::name.is_null())
        .filter(user::age.is_not_null());
    check_same(
        &q,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE "users"."id" IN ($1, $2, $3) AND "users"."age" BETWEEN $4 AND $5 AND "users"."name" IS NULL AND "users"."age" IS NOT NULL"#
        ),
        vec![i(1), i(2), i(3), i(18), i(65)],
    );
    let empty: Vec<i32> = vec![];
    check_same(
        &User::query().filter(user::id.in_list(empty)),
        &format!(r#"SELECT {USER_COLS} FROM "users" WHERE 1 = 0"#),
        vec![],
    );
}

#[test]
fn and_or_not() {
    let q = User::query().filter(
        user::age
            .lt(18)
            .or(user::age.gt(65))
            .and(user::email.like("%@x.org").not()),
    );
    check_same(
        &q,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE (("users"."age" < $1 OR "users"."age" > $2) AND NOT ("users"."email" LIKE $3))"#
        ),
        vec![i(18), i(65), t("%@x.org")],
    );
}

#[test]
fn enum_values_bind_as_text() {
    let q = User::query()
        .filter(user::role.eq(Role::Admin))
        .filter(user::role.in_list([Role::User, Role::Admin]));
    check_same(
        &q,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE "users"."role" = $1 AND "users"."role" IN ($2, $3)"#
        ),
        vec![t("ADMIN"), t("USER"), t("ADMIN")],
    );
}

#[test]
fn conditional_and_dynamic_filters_keep_the_type() {
    for (min_age, name) in [(None, None), (Some(3), None), (Some(3), Some("Al%"))] {
        let mut q = User::query();
        if let Some(a) = min_age {
            q = q.filter(user::age.gt(a));
        }
        if let Some(n) = name {
            q = q
                .filter(user::name.like(n))
                .order_by(user::id.desc())
                .limit(5);
        }
        let where_ = match (min_age, name) {
            (None, None) => String::new(),
            (Some(_), None) => r#" WHERE "users"."age" > $1"#.into(),
            _ => r#" WHERE "users"."age" > $1 AND "users"."name" LIKE $2 ORDER BY "users"."id" DESC LIMIT $3"#.into(),
        };
        assert_eq!(
            q.to_sql(Dialect::Postgres).sql,
            format!(r#"SELECT {USER_COLS} FROM "users"{where_}"#)
        );
    }
    // A list of conditions built at run time: all have the same query type.
    let wanted = ["a@x.org", "b@x.org"];
    let q = wanted
        .iter()
        .fold(User::query(), |q, e| q.filter(user::email.ne(*e)));
    assert_eq!(
        q.to_sql(Dialect::Postgres).params,
        vec![t("a@x.org"), t("b@x.org")]
    );
}

// ------------------------------------------------------------------ ordering, paging

#[test]
fn ordering_nulls_limit_offset_distinct() {
    let q = User::query()
        .distinct()
        .order_by(user::name.asc().nulls_first())
        .order_by(user::age.desc().nulls_last())
        .limit(20)
        .offset(40);
    check_same(
        &q,
        &format!(
            r#"SELECT DISTINCT {USER_COLS} FROM "users" ORDER BY "users"."name" ASC NULLS FIRST, "users"."age" DESC NULLS LAST LIMIT $1 OFFSET $2"#
        ),
        vec![l(20), l(40)],
    );
    // OFFSET alone: SQLite needs a LIMIT first.
    check(
        &User::query().offset(5),
        &format!(r#"SELECT {USER_COLS} FROM "users" OFFSET $1"#),
        &format!(r#"SELECT {USER_COLS} FROM "users" LIMIT -1 OFFSET ?1"#),
        vec![l(5)],
    );
}

// ------------------------------------------------------------------ joins

#[test]
fn inner_join_rows_are_pairs() {
    let q = Post::query()
        .join(post::author)
        .filter(user::name.eq("Alice"));
    check_same(
        &q,
        &format!(
            r#"SELECT {POST_COLS}, {USER_COLS} FROM "posts" INNER JOIN "users" ON "users"."id" = "posts"."author_id" WHERE "users"."name" = $1"#
        ),
        vec![t("Alice")],
    );
}

#[test]
fn left_join_rows_have_option_and_nullable_columns() {
    let q = Post::query()
        .left_join(post::author)
        .filter(user::email.like("%@x.org").or(user::id.eq(0)));
    check_same(
        &q,
        &format!(
            r#"SELECT {POST_COLS}, {USER_COLS} FROM "posts" LEFT JOIN "users" ON "users"."id" = "posts"."author_id" WHERE ("users"."email" LIKE $1 OR "users"."id" = $2)"#
        ),
        vec![t("%@x.org"), i(0)],
    );
}

#[test]
fn left_joined_columns_are_nullable_in_filters() {
    // Anti-join: users without posts. `post::id` is NOT NULL, but `posts` is left-joined.
    let q = User::query()
        .left_join(user::posts)
        .filter(post::id.is_null());
    check_same(
        &q,
        &format!(
            r#"SELECT {USER_COLS}, {POST_COLS} FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE "posts"."id" IS NULL"#
        ),
        vec![],
    );
}

#[test]
fn many_to_many_join_goes_through_the_join_table() {
    let q = Post::query().join(post::tags).filter(tag::name.eq("rust"));
    check_same(
        &q,
        &format!(
            r#"SELECT {POST_COLS}, "tags"."id", "tags"."name" FROM "posts" INNER JOIN "_PostToTag" ON "_PostToTag"."A" = "posts"."id" INNER JOIN "tags" ON "tags"."id" = "_PostToTag"."B" WHERE "tags"."name" = $1"#
        ),
        vec![t("rust")],
    );
    let q = Tag::query().left_join(tag::posts);
    check_same(
        &q,
        &format!(
            r#"SELECT "tags"."id", "tags"."name", {POST_COLS} FROM "tags" LEFT JOIN "_PostToTag" ON "_PostToTag"."B" = "tags"."id" LEFT JOIN "posts" ON "posts"."id" = "_PostToTag"."A""#
        ),
        vec![],
    );
}

#[test]
fn chained_joins_three_tables() {
    let q = User::query()
        .join(user::posts)
        .join(post::tags)
        .filter(tag::name.eq("rust"))
        .order_by(post::id.asc());
    check_same(
        &q,
        &format!(
            r#"SELECT {USER_COLS}, {POST_COLS}, "tags"."id", "tags"."name" FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" INNER JOIN "_PostToTag" ON "_PostToTag"."A" = "posts"."id" INNER JOIN "tags" ON "tags"."id" = "_PostToTag"."B" WHERE "tags"."name" = $1 ORDER BY "posts"."id" ASC"#
        ),
        vec![t("rust")],
    );
}

#[test]
fn group_by_role_count() {
    let q = User::query()
        .select((user::role, count(user::id)))
        .group_by(user::role);
    check_same(
        &q,
        r#"SELECT "users"."role", COUNT("users"."id") FROM "users" GROUP BY "users"."role""#,
        vec![],
    );
}

#[test]
fn aggregate_result_types() {
    let q = User::query().select((
        count_distinct(user::name),
        sum(user::age),
        avg(user::age),
        min(user::email),
        max(user::age),
    ));
    // PostgreSQL's AVG of integers is numeric: cast so it decodes as f64.
    check(
        &q,
        r#"SELECT COUNT(DISTINCT "users"."name"), SUM("users"."age"), CAST(AVG("users"."age") AS DOUBLE PRECISION), MIN("users"."email"), MAX("users"."age") FROM "users""#,
        r#"SELECT COUNT(DISTINCT "users"."name"), SUM("users"."age"), AVG("users"."age"), MIN("users"."email"), MAX("users"."age") FROM "users""#,
        vec![],
    );
    // SUM of a BIGINT column is numeric on PostgreSQL: cast back to BIGINT.
    let q = Post::query().select((sum(post::views), sum(post::rating), count_star()));
    check(
        &q,
        r#"SELECT CAST(SUM("posts"."views") AS BIGINT), SUM("posts"."rating"), COUNT(*) FROM "posts""#,
        r#"SELECT SUM("posts"."views"), SUM("posts"."rating"), COUNT(*) FROM "posts""#,
        vec![],
    );
}

#[test]
fn having_and_group_by_tuple() {
    let q = Post::query()
        .join(post::author)
        .select((user::role, post::published, count(post::id)))
        .group_by((user::role, post::published))
        .having(count(post::id).gt(5))
        .order_by(count(post::id).desc());
    check_same(
        &q,
        r#"SELECT "users"."role", "posts"."published", COUNT("posts"."id") FROM "posts" INNER JOIN "users" ON "users"."id" = "posts"."author_id" GROUP BY "users"."role", "posts"."published" HAVING COUNT("posts"."id") > $1 ORDER BY COUNT("posts"."id") DESC"#,
        vec![l(5)],
    );
}

#[test]
fn select_single_column_and_left_joined_aggregate() {
    let q = User::query().select(user::email).distinct();
    check_same(
        &q,
        r#"SELECT DISTINCT "users"."email" FROM "users""#,
        vec![],
    );
}

#[test]
fn relation_filters_some_every_none() {
    let some = User::query().filter(user::posts.some(post::published.eq(true)));
    check_same(
        &some,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE EXISTS (SELECT 1 FROM "posts" WHERE "posts"."author_id" = "users"."id" AND "posts"."published" = $1)"#
        ),
        vec![Value::Bool(true)],
    );
    let every = User::query().filter(user::posts.every(post::published.eq(true)));
    check_same(
        &every,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE NOT EXISTS (SELECT 1 FROM "posts" WHERE "posts"."author_id" = "users"."id" AND ("posts"."published" = $1) IS NOT TRUE)"#
        ),
        vec![Value::Bool(true)],
    );
    let none = User::query().filter(user::posts.none(post::title.like("%spam%")));
    check_same(
        &none,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE NOT EXISTS (SELECT 1 FROM "posts" WHERE "posts"."author_id" = "users"."id" AND "posts"."title" LIKE $1)"#
        ),
        vec![t("%spam%")],
    );
    let any = Post::query()
        .filter(post::tags.exists())
        .filter(post::author.some(user::role.eq(Role::Admin)));
    check_same(
        &any,
        &format!(
            r#"SELECT {POST_COLS} FROM "posts" WHERE EXISTS (SELECT 1 FROM "_PostToTag" INNER JOIN "tags" ON "tags"."id" = "_PostToTag"."B" WHERE "_PostToTag"."A" = "posts"."id") AND EXISTS (SELECT 1 FROM "users" WHERE "users"."id" = "posts"."author_id" AND "users"."role" = $1)"#
        ),
        vec![t("ADMIN")],
    );
}

#[test]
fn in_subquery() {
    let q = User::query()
        .filter(
            user::id.in_query(
                Post::query()
                    .select(post::author_id)
                    .filter(post::published.eq(true)),
            ),
        )
        .filter(user::age.gt(3));
    check_same(
        &q,
        &format!(
            r#"SELECT {USER_COLS} FROM "users" WHERE "users"."id" IN (SELECT "posts"."author_id" FROM "posts" WHERE "posts"."published" = $1) AND "users"."age" > $2"#
        ),
        vec![Value::Bool(true), i(3)],
    );
    // A nullable column's subquery works for a non-null column of the same base type.
    let q = Post::query().filter(post::title.in_query(User::query().select(user::name)));
    check_same(
        &q,
        &format!(
            r#"SELECT {POST_COLS} FROM "posts" WHERE "posts"."title" IN (SELECT "users"."name" FROM "users")"#
        ),
        vec![],
    );
}

// ------------------------------------------------------------------ locking

#[test]
fn row_locking_postgres_only() {
    let base = || User::query().filter(user::id.eq(1));
    let cases = [
        (base().for_update(), " FOR UPDATE"),
        (base().for_update().nowait(), " FOR UPDATE NOWAIT"),
        (base().for_update().skip_locked(), " FOR UPDATE SKIP LOCKED"),
        (base().for_share(), " FOR SHARE"),
        (base().skip_locked(), " FOR UPDATE SKIP LOCKED"),
    ];
    for (q, suffix) in cases {
        let head = format!(r#"SELECT {USER_COLS} FROM "users" WHERE "users"."id" = $1"#);
        // SQLite: documented no-op (the database is locked per write transaction).
        check(&q, &format!("{head}{suffix}"), &sq(&head), vec![i(1)]);
    }
}

// ------------------------------------------------------------------ terminals

#[test]
fn count_wraps_limited_or_grouped_queries() {
    let q = User::query()
        .select((user::role, count(user::id)))
        .group_by(user::role)
        .limit(3);
    assert_eq!(
        q.state().count_statement(Dialect::Sqlite).sql,
        r#"SELECT COUNT(*) FROM (SELECT "users"."role", COUNT("users"."id") FROM "users" GROUP BY "users"."role" LIMIT ?1) AS "q""#
    );
}

#[test]
fn update_changesets() {
    let u = User::update()
        .set(user::email.to("new@x.org"))
        .set(user::name.to(qb::Null))
        .set(user::age.to(Some(41)))
        .by_key(3);
    assert_eq!(u.to_sql(Dialect::Postgres), Statement {
        sql: r#"UPDATE "users" SET "email" = $1, "name" = $2, "age" = $3 WHERE "users"."id" = $4"#.into(),
        params: vec![t("new@x.org"), Value::Null, i(41), i(3)],
    });
    let u = User::update()
        .set(user::role.to(Role::Admin))
        .set(user::name.to(user::email))
        .filter(user::email.like("%@corp.com"));
    assert_eq!(u.to_sql(Dialect::Sqlite), Statement {
        sql: r#"UPDATE "users" SET "role" = ?1, "name" = "users"."email" WHERE "users"."email" LIKE ?2"#.into(),
        params: vec![t("ADMIN"), t("%@corp.com")],
    });
}

#[test]
fn delete_by_key_and_filter() {
    assert_eq!(
        PostToTag::query().to_sql(Dialect::Sqlite).sql,
        r#"SELECT "_PostToTag"."A", "_PostToTag"."B" FROM "_PostToTag""#
    );
    // By key alone: the generated constant.
    let d = qb::Delete::<post_to_tag::table>::new().by_key((1, 2));
    assert_eq!(
        d.to_sql(Dialect::Postgres),
        Statement {
            sql: r#"DELETE FROM "_PostToTag" WHERE "A" = $1 AND "B" = $2"#.into(),
            params: vec![i(1), i(2)]
        }
    );
    // By key and filter: rendered.
    let d = qb::Delete::<post_to_tag::table>::new()
        .by_key((1, 2))
        .filter(post_to_tag::a.gt(0));
    assert_eq!(
        d.to_sql(Dialect::Sqlite).sql,
        r#"DELETE FROM "_PostToTag" WHERE "_PostToTag"."A" = ?1 AND "_PostToTag"."B" = ?2 AND "_PostToTag"."A" > ?3"#
    );
    let d = Post::delete().filter(post::published.eq(false).and(post::title.like("draft%")));
    assert_eq!(
        d.to_sql(Dialect::Sqlite).sql,
        r#"DELETE FROM "posts" WHERE ("posts"."published" = ?1 AND "posts"."title" LIKE ?2)"#
    );
}
// ------------------------------------------------------------------ misc

#[test]
fn identifiers_are_always_quoted_and_escaped() {
    let mut w = qb::Writer::new(Dialect::Postgres);
    w.ident(r#"we"ird"#);
    assert_eq!(w.finish().sql, r#""we""ird""#);
}

// ------------------------------------------------------------------ terminals' statements

#[test]
fn count_and_exists_statements() {
    let q = User::query()
        .filter(user::age.gt(18))
        .order_by(user::id.asc());
    let w = r#" FROM "users" WHERE "users"."age" > $1"#;
    assert_eq!(
        q.state().count_statement(Dialect::Postgres).sql,
        format!("SELECT COUNT(*){w}")
    );
    assert_eq!(
        q.state().exists_statement(Dialect::Postgres).sql,
        format!("SELECT EXISTS (SELECT 1{w})")
    );
    let q = User::query().distinct().for_update();
    assert_eq!(
        q.state().count_statement(Dialect::Postgres).sql,
        format!(r#"SELECT COUNT(*) FROM (SELECT DISTINCT {USER_COLS} FROM "users") AS "q""#)
    );
}

// ------------------------------------------------------------------ writes

#[test]
fn upsert_statements() {
    let new = || NewUser {
        email: "a@x.org".into(),
        ..Default::default()
    };
    let head = r#"INSERT INTO "users" ("email", "name", "age", "role") VALUES ($1, $2, $3, $4)"#;
    let ret = r#" RETURNING "id", "email", "name", "age", "role""#;
    let st = User::upsert(new())
        .on_conflict(user::email)
        .do_update_all()
        .to_sql(Dialect::Postgres)
        .unwrap();
    assert_eq!(
        st.sql,
        format!(
            r#"{head} ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "age" = EXCLUDED."age"{ret}"#
        )
    );
    assert!(
        st.params.is_empty(),
        "inserted values are bound by the caller"
    );
    // A role given by the caller is updated; left to its default it was not
    // (above), and the key and the conflict target never are.
    let st = User::upsert(NewUser {
        role: Some(Role::Admin),
        ..new()
    })
    .on_conflict(user::email)
    .do_update_all()
    .to_sql(Dialect::Postgres)
    .unwrap();
    assert_eq!(
        st.sql,
        format!(
            r#"{head} ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "age" = EXCLUDED."age", "role" = EXCLUDED."role"{ret}"#
        )
    );
    let st = User::upsert(new())
        .on_conflict(user::email)
        .do_nothing()
        .to_sql(Dialect::Sqlite)
        .unwrap();
    assert_eq!(
        st.sql,
        sq(&format!(r#"{head} ON CONFLICT ("email") DO NOTHING{ret}"#))
    );
    let st = User::upsert(new())
        .on_conflict(user::email)
        .do_update(user::name)
        .set(user::age.to(Some(7)))
        .to_sql(Dialect::Postgres)
        .unwrap();
    assert_eq!(
        st.sql,
        format!(
            r#"{head} ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "age" = $5{ret}"#
        )
    );
    assert_eq!(st.params, vec![i(7)]);
    // Composite conflict target.
    let st = PostToTagUpsert::new(NewPostToTag { a: 1, b: 2 })
        .on_conflict((post_to_tag::a, post_to_tag::b))
        .to_sql(Dialect::Sqlite)
        .unwrap();
    assert_eq!(
        st.sql,
        r#"INSERT INTO "_PostToTag" ("A", "B") VALUES (?1, ?2) ON CONFLICT ("A", "B") DO NOTHING RETURNING "A", "B""#
    );
    // Updating without a target is an error (both databases require one).
    assert!(
        User::upsert(new())
            .do_update_all()
            .to_sql(Dialect::Sqlite)
            .is_err()
    );
}
type PostToTagUpsert = qb::Upsert<NewPostToTag>;

#[test]
fn update_maintains_updated_at() {
    let u = Comment::update()
        .set(comment::body.to("edited"))
        .by_key("c1");
    let st = u.to_sql(Dialect::Postgres);
    assert_eq!(
        st.sql,
        r#"UPDATE "comments" SET "body" = $1, "updated_at" = $2 WHERE "comments"."id" = $3"#
    );
    assert!(matches!(st.params[1], Value::DateTime(_)));
    // Set explicitly: not overridden.
    let at = qb::now();
    let st = Comment::update()
        .set(comment::updated_at.to(at))
        .by_key("c1")
        .to_sql(Dialect::Sqlite);
    assert_eq!(
        st.sql,
        r#"UPDATE "comments" SET "updated_at" = ?1 WHERE "comments"."id" = ?2"#
    );
    assert_eq!(st.params[0], Value::DateTime(at));
    // Tables without @updatedAt are untouched.
    let st = User::update()
        .set(user::age.to(Some(3)))
        .to_sql(Dialect::Sqlite);
    assert_eq!(st.sql, r#"UPDATE "users" SET "age" = ?1"#);
}
