//! The expression language (issue 18, items 1–3): arithmetic, text
//! concatenation, functions, `cast`, `CASE`, declared functions, dates. Every
//! result is checked against a value computed in Rust from the rows the test
//! wrote, on SQLite and PostgreSQL (blog schema on both; the numeric types
//! through `all_types_sqlite` on SQLite and `all_types` on PostgreSQL, the
//! same `Scalars` model generated for each).
#![allow(clippy::type_complexity)]
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::Session;
use ormgen::chrono::{Datelike, Timelike, Utc};
use ormgen::query::{
    ColumnExt, ExprExt, Field, Unit, abs, case_when, cast, ceil, coalesce, concat, current_date,
    current_timestamp, date_trunc, extract, floor, length, lower, nullif, replace, round,
    substring, trim, upper, val,
};
use ormgen::{count, sum};
use ormgen_tests::blog::*;

mod sqlf {
    use ormgen::query::Text;
    ormgen::sql_function! {
        /// `ltrim(s, chars)`: both dialects have it.
        pub fn ltrim(s: Text, chars: Text) -> Text;
    }
    ormgen::sql_function! {
        /// `lower(s)`, declared by hand.
        pub fn lower(s: Text) -> Text;
    }
}

fn blog_seeded() -> Vec<(common::Db, Vec<User>, Vec<Post>)> {
    common::all()
        .into_iter()
        .map(|db| {
            create_all(&db.engine).expect("create_all");
            let mut s = db.engine.session().expect("session");
            let users = vec![
                User::insert(&mut s, NewUser::new("Ann@X.org").name("  Ann ").age(17)).unwrap(),
                User::insert(&mut s, NewUser::new("bob@x.org").age(40)).unwrap(),
                User::insert(&mut s, NewUser::new("cy@y.org").name("Cy")).unwrap(),
                User::insert(&mut s, NewUser::new("dee@y.org").name("Dee").age(70)).unwrap(),
            ];
            let mut posts = Vec::new();
            for (i, views) in [7, 0, 13, 22, 5].into_iter().enumerate() {
                let author = users[i % 3].id;
                let p = Post::insert(
                    &mut s,
                    NewPost::new(format!("Post {i}"), author).view_count(views),
                )
                .unwrap();
                posts.push(p);
            }
            s.commit().unwrap();
            (db, users, posts)
        })
        .collect()
}

#[test]
fn arithmetic_in_select_filter_order_and_group() {
    for (db, _users, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let rows = Post::query()
            .select((
                post::id,
                post::view_count + 1,
                post::view_count * 3 - post::id,
                post::view_count / 4,
                post::view_count % 4,
                -post::view_count,
            ))
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        let expected: Vec<_> = posts
            .iter()
            .map(|p| {
                let v = p.view_count;
                (p.id, v + 1, v * 3 - p.id, v / 4, v % 4, -v)
            })
            .collect();
        assert_eq!(rows, expected, "{}", db.name());

        // In a filter and an ordering: views doubled above 12, by views * -1.
        let ids = Post::query()
            .filter((post::view_count * 2).gt(12))
            .order_by((post::view_count * -1).asc())
            .select(post::id)
            .all(&mut s)
            .unwrap();
        let mut want: Vec<&Post> = posts.iter().filter(|p| p.view_count * 2 > 12).collect();
        want.sort_by_key(|p| -p.view_count);
        assert_eq!(ids, want.iter().map(|p| p.id).collect::<Vec<_>>());

        // Grouped: the sum of doubled views per author.
        let sums = Post::query()
            .select((post::author_id, sum(post::view_count * 2), count(post::id)))
            .group_by(post::author_id)
            .order_by(post::author_id.asc())
            .all(&mut s)
            .unwrap();
        let mut authors: Vec<i32> = posts.iter().map(|p| p.author_id).collect();
        authors.sort();
        authors.dedup();
        let want: Vec<_> = authors
            .iter()
            .map(|a| {
                let mine = posts.iter().filter(|p| p.author_id == *a);
                (
                    *a,
                    Some(mine.clone().map(|p| i64::from(p.view_count) * 2).sum()),
                    mine.count() as i64,
                )
            })
            .collect();
        assert_eq!(sums, want, "{}", db.name());
    }
}

#[test]
fn arithmetic_on_nullable_columns_is_nullable() {
    for (db, users, _) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let rows: Vec<(i32, Option<i32>, Option<i32>)> = User::query()
            .select((user::id, user::age + 1, user::age * user::id))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<_> = users
            .iter()
            .map(|u| (u.id, u.age.map(|a| a + 1), u.age.map(|a| a * u.id)))
            .collect();
        assert_eq!(rows, want, "{}", db.name());
    }
}

#[test]
fn update_with_column_arithmetic() {
    for (db, _, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let changed = Post::update()
            .set(post::view_count.to(post::view_count + 1))
            .filter(post::view_count.ge(5))
            .execute(&mut s)
            .unwrap();
        assert_eq!(
            changed,
            posts.iter().filter(|p| p.view_count >= 5).count() as u64
        );
        let one = &posts[0];
        Post::update()
            .set(post::view_count.to(post::view_count * 10 - post::id))
            .by_key(one.id)
            .execute(&mut s)
            .unwrap();
        s.commit().unwrap();
        let now: Vec<(i32, i32)> = Post::query()
            .select((post::id, post::view_count))
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<(i32, i32)> = posts
            .iter()
            .map(|p| {
                let mut v = p.view_count;
                if v >= 5 {
                    v += 1;
                }
                if p.id == one.id {
                    v = v * 10 - p.id;
                }
                (p.id, v)
            })
            .collect();
        assert_eq!(now, want, "{}", db.name());
    }
}

#[test]
fn text_functions_and_concatenation() {
    for (db, users, _) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let rows = User::query()
            .select((
                lower(user::email),
                upper(user::email),
                length(user::email),
                trim(user::name),
                substring(user::email, 2, 3),
                replace(user::email, ".org", ".net"),
                concat(concat(user::email, " / "), user::name),
            ))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<_> = users
            .iter()
            .map(|u| {
                let e = &u.email;
                (
                    e.to_lowercase(),
                    e.to_uppercase(),
                    e.chars().count() as i32,
                    u.name.as_ref().map(|n| n.trim().to_owned()),
                    e.chars().skip(1).take(3).collect::<String>(),
                    e.replace(".org", ".net"),
                    u.name.as_ref().map(|n| format!("{e} / {n}")),
                )
            })
            .collect();
        assert_eq!(rows, want, "{}", db.name());

        // In a filter: case-insensitive match through lower().
        let ann = User::query()
            .filter(lower(user::email).eq("ann@x.org"))
            .select(user::id)
            .all(&mut s)
            .unwrap();
        assert_eq!(ann, vec![users[0].id]);

        // Declared functions.
        let rows: Vec<(String, String)> = User::query()
            .select((sqlf::ltrim(user::email, "abc"), sqlf::lower(user::email)))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<_> = users
            .iter()
            .map(|u| {
                (
                    u.email.trim_start_matches(['a', 'b', 'c']).to_owned(),
                    u.email.to_lowercase(),
                )
            })
            .collect();
        assert_eq!(rows, want, "{}", db.name());
    }
}

#[test]
fn coalesce_nullif_and_case() {
    for (db, users, _) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        // coalesce(name, email) is non-null: email is required.
        let rows: Vec<(String, Option<i32>, String, Option<String>, i32)> = User::query()
            .select((
                coalesce(user::name, user::email),
                nullif(user::age, 40),
                case_when(user::age.lt(18), "minor")
                    .when(user::age.lt(65), "adult")
                    .otherwise("senior or unknown"),
                case_when(user::age.ge(65), "senior").end(),
                coalesce(user::age, 0) + 1,
            ))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<_> = users
            .iter()
            .map(|u| {
                (
                    u.name.clone().unwrap_or_else(|| u.email.clone()),
                    u.age.filter(|a| *a != 40),
                    match u.age {
                        Some(a) if a < 18 => "minor",
                        Some(a) if a < 65 => "adult",
                        _ => "senior or unknown",
                    }
                    .to_owned(),
                    u.age.filter(|a| *a >= 65).map(|_| "senior".to_owned()),
                    u.age.unwrap_or(0) + 1,
                )
            })
            .collect();
        assert_eq!(rows, want, "{}", db.name());

        // CASE in an ordering and a filter: adults first, then by id.
        let order = User::query()
            .filter(case_when(user::age.is_null(), 0).otherwise(1).eq(1))
            .order_by(case_when(user::age.between(18, 64), 0).otherwise(1).asc())
            .order_by(user::id.asc())
            .select(user::id)
            .all(&mut s)
            .unwrap();
        let mut want: Vec<&User> = users.iter().filter(|u| u.age.is_some()).collect();
        want.sort_by_key(|u| (!(18..=64).contains(&u.age.unwrap()), u.id));
        assert_eq!(order, want.iter().map(|u| u.id).collect::<Vec<_>>());
    }
}

#[test]
fn dates_extract_trunc_and_now() {
    for (db, _, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let rows = Post::query()
            .select((
                extract(Field::Year, post::created_at),
                extract(Field::Month, post::created_at),
                extract(Field::Day, post::created_at),
                extract(Field::Hour, post::created_at),
                extract(Field::Minute, post::created_at),
                date_trunc(Unit::Day, post::created_at),
            ))
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<_> = posts
            .iter()
            .map(|p| {
                let c = p.created_at;
                (
                    c.year(),
                    c.month() as i32,
                    c.day() as i32,
                    c.hour() as i32,
                    c.minute() as i32,
                    c.date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc(),
                )
            })
            .collect();
        assert_eq!(rows, want, "{}", db.name());

        let (now, today) = User::query()
            .select((current_timestamp(), current_date()))
            .limit(1)
            .one(&mut s)
            .unwrap();
        let drift = (Utc::now() - now).num_seconds().abs();
        assert!(
            drift < 120,
            "{}: CURRENT_TIMESTAMP {now} is {drift} s off",
            db.name()
        );
        let days = (Utc::now().date_naive() - today).num_days().abs();
        assert!(days <= 1, "{}: CURRENT_DATE {today}", db.name());
    }
}

/// The numeric types mixed: the same test body over each backend's
/// generated `Scalars`.
macro_rules! numeric_mixing {
    ($s:expr, $name:expr, $m:ident) => {{
        use ormgen::BigDecimal;
        use ormgen::chrono::TimeZone;
        use ormgen::query::{BigInt, Double, Int, Text};
        use ormgen_tests::$m::*;
        let s: &mut Session = $s;
        let data = [
            (3_000_000_000i64, 7, 2.75f64, "12.5", Some(9i64)),
            (-5, -3, -1.25, "-0.75", None),
            (40, 6, 3.5, "3", Some(-2)),
        ];
        let mut ids = Vec::new();
        for (big, int, float, dec, big_opt) in data {
            let row = NewScalars::new(
                "n",
                true,
                int,
                big,
                float,
                dec.parse::<BigDecimal>().unwrap(),
                Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
                ormgen::serde_json::json!({}),
                vec![1u8],
                Color::Red,
            )
            .big_int_opt(big_opt);
            ids.push(Scalars::insert(s, row).unwrap().id);
        }
        let rows = Scalars::query()
            .select((
                scalars::big_int + scalars::int,
                scalars::int * 1_000_000_000i64,
                scalars::float * scalars::int,
                scalars::decimal * scalars::int,
                scalars::big_int_opt - scalars::int,
                abs(scalars::int),
            ))
            .order_by(scalars::id.asc())
            .all(s)
            .unwrap();
        let want: Vec<_> = data
            .iter()
            .map(|(big, int, float, dec, big_opt)| {
                (
                    big + i64::from(*int),
                    i64::from(*int) * 1_000_000_000,
                    float * f64::from(*int),
                    dec.parse::<BigDecimal>().unwrap() * BigDecimal::from(*int),
                    big_opt.map(|b| b - i64::from(*int)),
                    (*int as i32).abs(),
                )
            })
            .collect();
        assert_eq!(rows.len(), want.len(), "{}", $name);
        for (got, w) in rows.iter().zip(&want) {
            assert_eq!(
                (got.0, got.1, got.2, got.4, got.5),
                (w.0, w.1, w.2, w.4, w.5),
                "{}",
                $name
            );
            // Decimal arithmetic is exact on PostgreSQL, floating point on SQLite.
            assert_eq!(got.3.normalized(), w.3.normalized(), "{}", $name);
        }

        let rows = Scalars::query()
            .select((
                round(scalars::float),
                ceil(scalars::float),
                floor(scalars::float),
                cast::<Int, _>(scalars::float),
                cast::<Text, _>(scalars::int),
                cast::<Double, _>(scalars::int) / 2,
                cast::<BigInt, _>(scalars::int) + 1,
                ceil(scalars::decimal),
            ))
            .order_by(scalars::id.asc())
            .all(s)
            .unwrap();
        let want: Vec<_> = data
            .iter()
            .map(|(_, int, float, dec, _)| {
                let d: f64 = dec.parse().unwrap();
                (
                    float.round(),
                    float.ceil(),
                    float.floor(),
                    float.round() as i32,
                    int.to_string(),
                    f64::from(*int) / 2.0,
                    i64::from(*int) + 1,
                    d.ceil(),
                )
            })
            .collect();
        for (got, w) in rows.iter().zip(&want) {
            assert_eq!(
                (got.0, got.1, got.2, got.3, got.4.clone(), got.5, got.6),
                (w.0, w.1, w.2, w.3, w.4.clone(), w.5, w.6),
                "{}",
                $name
            );
            assert_eq!(
                got.7,
                BigDecimal::try_from(w.7).unwrap().normalized(),
                "{}",
                $name
            );
        }
        let _ = ids;
    }};
}

#[test]
fn numeric_types_mix_with_sql_result_types() {
    ormgen::__ormgen_if_sqlite! {{
        let db = common::sqlite_memory(|b| b);
        ormgen_tests::all_types_sqlite::create_all(&db.engine).expect("create_all");
        let mut s = db.engine.session().unwrap();
        numeric_mixing!(&mut s, "sqlite", all_types_sqlite);
    }}
    ormgen::__ormgen_if_postgres! {{
        if let Some(db) = common::postgres(|b| b) {
            let mut s = db.engine.session().expect("session");
            for st in ormgen_tests::all_types::CREATE_ALL_POSTGRES.iter().filter(|st| {
                st.contains("CREATE TYPE") || st.contains("\"Scalars\"")
            }) {
                s.execute(ormgen::Native(st), ()).expect(st);
            }
            numeric_mixing!(&mut s, "postgres", all_types);
        }
    }}
}

#[test]
fn a_constant_expression_and_the_statement_cache() {
    for (db, _, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let log = common::recorder(&db.engine);
        for bump in [1, 2, 3] {
            let got = Post::query()
                .select((post::id, post::view_count + bump, val(bump) * 2))
                .order_by(post::id.asc())
                .all(&mut s)
                .unwrap();
            let want: Vec<_> = posts
                .iter()
                .map(|p| (p.id, p.view_count + bump, bump * 2))
                .collect();
            assert_eq!(got, want, "{}", db.name());
        }
        let sent: Vec<String> = log
            .lock()
            .unwrap()
            .iter()
            .filter(|q| q.starts_with("SELECT"))
            .cloned()
            .collect();
        assert_eq!(sent.len(), 3);
        assert!(
            sent.windows(2).all(|w| w[0] == w[1]),
            "one SQL text for all three: {sent:?}"
        );
        assert!(
            !sent[0].contains("view_count\" + 1"),
            "values are bound: {}",
            sent[0]
        );
    }
}

#[test]
fn window_functions_rank_number_and_running_totals() {
    use ormgen::query::{Bound, dense_rank, first_value, lag, lead, rank, row_number, window};
    for (db, _, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let by_author = || {
            window()
                .partition_by(post::author_id)
                .order_by(post::id.asc())
        };
        let rows = Post::query()
            .select((
                post::id,
                row_number().over(by_author()),
                sum(post::view_count).over(by_author()),
                lag(post::view_count).over(by_author()),
                lead(post::id).over(by_author()),
                first_value(post::title).over(by_author()),
                sum(post::view_count).over(
                    window()
                        .order_by(post::id.asc())
                        .rows(Bound::Preceding(1), Bound::CurrentRow),
                ),
                count(post::id).over(window()),
            ))
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        let mut sorted: Vec<&Post> = posts.iter().collect();
        sorted.sort_by_key(|p| p.id);
        let want: Vec<_> = sorted
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mine: Vec<&&Post> = sorted
                    .iter()
                    .filter(|q| q.author_id == p.author_id)
                    .collect();
                let at = mine.iter().position(|q| q.id == p.id).unwrap();
                (
                    p.id,
                    at as i64 + 1,
                    Some(
                        mine[..=at]
                            .iter()
                            .map(|q| i64::from(q.view_count))
                            .sum::<i64>(),
                    ),
                    at.checked_sub(1).map(|j| mine[j].view_count),
                    mine.get(at + 1).map(|q| q.id),
                    mine[0].title.clone(),
                    Some(
                        sorted[i.saturating_sub(1)..=i]
                            .iter()
                            .map(|q| i64::from(q.view_count))
                            .sum::<i64>(),
                    ),
                    sorted.len() as i64,
                )
            })
            .collect();
        assert_eq!(rows, want, "{}", db.name());

        // rank and dense_rank over view counts with a tie.
        Post::update()
            .set(post::view_count.to(7))
            .by_key(sorted[2].id)
            .execute(&mut s)
            .unwrap();
        let ranks: Vec<(i32, i32, i64, i64)> = Post::query()
            .select((
                post::id,
                post::view_count,
                rank().over(window().order_by(post::view_count.desc())),
                dense_rank().over(window().order_by(post::view_count.desc())),
            ))
            .order_by(post::view_count.desc())
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        let counts: Vec<i32> = ranks.iter().map(|r| r.1).collect();
        for (id, v, r, d) in &ranks {
            let above = counts.iter().filter(|c| *c > v).count() as i64;
            let mut distinct_above: Vec<i32> = counts.iter().copied().filter(|c| c > v).collect();
            distinct_above.dedup();
            assert_eq!(
                (*r, *d),
                (above + 1, distinct_above.len() as i64 + 1),
                "{} post {id}",
                db.name()
            );
        }
        assert!(
            ranks
                .windows(2)
                .any(|w| w[0].1 == w[1].1 && w[0].2 == w[1].2),
            "a tie shares a rank"
        );
    }
}

#[test]
fn scalar_and_exists_subqueries_plain_and_correlated() {
    use ormgen::query::{Double, exists, not_exists};
    use ormgen::{avg, count_star, max};
    for (db, users, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        // Uncorrelated: the number of posts on every row (an aggregate-only
        // subquery is one row, so the scalar is not nullable).
        let rows: Vec<(i32, i64)> = User::query()
            .select((user::id, Post::query().select(count_star()).scalar()))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        assert!(rows.iter().all(|r| r.1 == posts.len() as i64));
        assert_eq!(rows.len(), users.len());

        // In a filter: posts viewed more than the average.
        let above: Vec<i32> = Post::query()
            .filter(
                cast::<Double, _>(post::view_count)
                    .gt(Post::query().select(avg(post::view_count)).scalar()),
            )
            .order_by(post::id.asc())
            .select(post::id)
            .all(&mut s)
            .unwrap();
        let mean = posts.iter().map(|p| f64::from(p.view_count)).sum::<f64>() / posts.len() as f64;
        let want: Vec<i32> = posts
            .iter()
            .filter(|p| f64::from(p.view_count) > mean)
            .map(|p| p.id)
            .collect();
        assert_eq!(above, want, "{}", db.name());

        // Correlated, in select: each user's number of posts and best views.
        let of_user = || {
            Post::query()
                .correlate(user::table)
                .filter(post::author_id.eq(user::id))
        };
        let rows: Vec<(i32, Option<i64>, Option<i32>)> = User::query()
            .select((
                user::id,
                of_user().select(count_star()).scalar(),
                of_user().select(max(post::view_count)).scalar(),
            ))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<_> = users
            .iter()
            .map(|u| {
                let mine = posts.iter().filter(|p| p.author_id == u.id);
                (
                    u.id,
                    Some(mine.clone().count() as i64),
                    mine.map(|p| p.view_count).max(),
                )
            })
            .collect();
        assert_eq!(rows, want, "{}", db.name());

        // Correlated, in filters: users with a post over 10 views; users
        // without posts; users whose best post has more than 10 views.
        let busy: Vec<i32> = User::query()
            .filter(exists(of_user().filter(post::view_count.gt(10))))
            .order_by(user::id.asc())
            .select(user::id)
            .all(&mut s)
            .unwrap();
        let idle: Vec<i32> = User::query()
            .filter(not_exists(of_user()))
            .order_by(user::id.asc())
            .select(user::id)
            .all(&mut s)
            .unwrap();
        let best: Vec<i32> = User::query()
            .filter(of_user().select(max(post::view_count)).scalar().gt(10))
            .order_by(user::id.asc())
            .select(user::id)
            .all(&mut s)
            .unwrap();
        let has =
            |u: &User, f: &dyn Fn(&Post) -> bool| posts.iter().any(|p| p.author_id == u.id && f(p));
        let want_busy: Vec<i32> = users
            .iter()
            .filter(|u| has(u, &|p| p.view_count > 10))
            .map(|u| u.id)
            .collect();
        let want_idle: Vec<i32> = users
            .iter()
            .filter(|u| !has(u, &|_| true))
            .map(|u| u.id)
            .collect();
        assert_eq!(busy, want_busy, "{}", db.name());
        assert_eq!(best, want_busy, "{}", db.name());
        assert_eq!(idle, want_idle, "{}", db.name());
        assert!(!want_idle.is_empty() && !want_busy.is_empty());
    }
}

#[test]
fn set_operations_over_equal_rows() {
    use ormgen::query::nth;
    use std::collections::BTreeSet;
    for (db, users, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        let young = || User::query().filter(user::age.lt(20)).select(user::email);
        let named = || {
            User::query()
                .filter(user::name.is_not_null())
                .select(user::email)
        };
        let old = || User::query().filter(user::age.gt(30)).select(user::email);
        let emails = |f: &dyn Fn(&User) -> bool| -> BTreeSet<String> {
            users
                .iter()
                .filter(|u| f(u))
                .map(|u| u.email.clone())
                .collect()
        };
        let is_young = |u: &User| u.age.is_some_and(|a| a < 20);
        let is_named = |u: &User| u.name.is_some();
        let is_old = |u: &User| u.age.is_some_and(|a| a > 30);

        let union: Vec<String> = young().union(named()).order_by(nth(1)).all(&mut s).unwrap();
        let want: Vec<String> = emails(&|u| is_young(u) || is_named(u))
            .into_iter()
            .collect();
        assert_eq!(union, want, "{}", db.name());

        let all = young().union_all(named()).count(&mut s).unwrap();
        let want_all = users.iter().filter(|u| is_young(u)).count()
            + users.iter().filter(|u| is_named(u)).count();
        assert_eq!(all, want_all as i64, "{}", db.name());

        let both: Vec<String> = named()
            .intersect(young())
            .order_by(nth(1))
            .all(&mut s)
            .unwrap();
        let want: Vec<String> = emails(&|u| is_young(u) && is_named(u))
            .into_iter()
            .collect();
        assert_eq!(both, want, "{}", db.name());

        let only: Vec<String> = named()
            .except(young())
            .order_by(nth(1).desc())
            .all(&mut s)
            .unwrap();
        let mut want: Vec<String> = emails(&|u| is_named(u) && !is_young(u))
            .into_iter()
            .collect();
        want.reverse();
        assert_eq!(only, want, "{}", db.name());

        // Left to right on both databases: (young ∪ old) ∩ named.
        let chained: Vec<String> = young()
            .union(old())
            .intersect(named())
            .order_by(nth(1))
            .all(&mut s)
            .unwrap();
        let want: Vec<String> = emails(&|u| (is_young(u) || is_old(u)) && is_named(u))
            .into_iter()
            .collect();
        assert_eq!(chained, want, "{}", db.name());

        // Paging the combined rows; a member with its own order and limit.
        let page: Vec<String> = young()
            .union(named())
            .order_by(nth(1))
            .limit(1)
            .offset(1)
            .all(&mut s)
            .unwrap();
        let all_sorted: Vec<String> = emails(&|u| is_young(u) || is_named(u))
            .into_iter()
            .collect();
        assert_eq!(page, all_sorted[1..2].to_vec(), "{}", db.name());
        let top: Vec<(i32, String)> = Post::query()
            .filter(post::view_count.eq(0))
            .select((post::id, post::title))
            .union_all(
                Post::query()
                    .select((post::id, post::title))
                    .order_by(post::view_count.desc())
                    .limit(1),
            )
            .order_by(nth(1))
            .all(&mut s)
            .unwrap();
        let best = posts.iter().max_by_key(|p| p.view_count).unwrap();
        let mut want: Vec<(i32, String)> = posts
            .iter()
            .filter(|p| p.view_count == 0)
            .chain(std::iter::once(best))
            .map(|p| (p.id, p.title.clone()))
            .collect();
        want.sort();
        assert_eq!(top, want, "{}", db.name());

        // Whole models: users under 20 or over 60, by id.
        let models: Vec<User> = User::query()
            .filter(user::age.lt(20))
            .union(User::query().filter(user::age.gt(60)))
            .order_by(nth(1))
            .all(&mut s)
            .unwrap();
        let want: Vec<i32> = users
            .iter()
            .filter(|u| u.age.is_some_and(|a| !(20..=60).contains(&a)))
            .map(|u| u.id)
            .collect();
        assert_eq!(models.iter().map(|u| u.id).collect::<Vec<_>>(), want);

        // An ordering given before the set operation is refused, not dropped.
        let err = young()
            .order_by(user::email.asc())
            .union(named())
            .all(&mut s)
            .unwrap_err();
        assert!(matches!(err, ormgen::Error::Unsupported(_)), "{err:?}");
    }
}

#[test]
fn insert_select_and_writes_filtered_by_subqueries() {
    use ormgen::query::{exists, insert_select};
    for (db, users, posts) in blog_seeded() {
        let mut s = db.engine.session().unwrap();
        // One tag per user with a name, named from the e-mail, in one statement.
        let n = insert_select(
            (tag::name,),
            User::query()
                .filter(user::name.is_not_null())
                .select(concat(val("from "), lower(user::email))),
        )
        .execute(&mut s)
        .unwrap();
        let mut want: Vec<String> = users
            .iter()
            .filter(|u| u.name.is_some())
            .map(|u| format!("from {}", u.email.to_lowercase()))
            .collect();
        want.sort();
        assert_eq!(n, want.len() as u64);
        let tags: Vec<String> = Tag::query()
            .select(tag::name)
            .order_by(tag::name.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(tags, want, "{}", db.name());

        // Three columns, computed ones into required columns (`@updatedAt`
        // is filled by ormgen in Rust, so an insert-select selects it).
        let n = insert_select(
            (post::title, post::author_id, post::updated_at),
            Post::query().filter(post::view_count.gt(10)).select((
                concat(post::title, " (copy)"),
                post::author_id,
                current_timestamp(),
            )),
        )
        .execute(&mut s)
        .unwrap();
        assert_eq!(n, posts.iter().filter(|p| p.view_count > 10).count() as u64);

        // Update filtered by a correlated subquery: bump posts whose author is
        // named; delete filtered by an IN subquery.
        let bumped = Post::update()
            .set(post::view_count.to(post::view_count + 100))
            .filter(exists(User::query().correlate(post::table).filter(
                user::id.eq(post::author_id).and(user::name.is_not_null()),
            )))
            .execute(&mut s)
            .unwrap();
        let named: Vec<i32> = users
            .iter()
            .filter(|u| u.name.is_some())
            .map(|u| u.id)
            .collect();
        let all_posts: Vec<Post> = Post::query().order_by(post::id.asc()).all(&mut s).unwrap();
        let original = |id: i32| posts.iter().find(|p| p.id == id).map(|p| p.view_count);
        assert_eq!(
            bumped,
            all_posts
                .iter()
                .filter(|p| named.contains(&p.author_id))
                .count() as u64
        );
        for p in &all_posts {
            if let Some(v) = original(p.id) {
                let want = if named.contains(&p.author_id) {
                    v + 100
                } else {
                    v
                };
                assert_eq!(p.view_count, want, "{} post {}", db.name(), p.id);
            }
        }
        let gone = Post::delete()
            .filter(
                post::author_id.in_query(User::query().filter(user::age.gt(60)).select(user::id)),
            )
            .execute(&mut s)
            .unwrap();
        let old: Vec<i32> = users
            .iter()
            .filter(|u| u.age.is_some_and(|a| a > 60))
            .map(|u| u.id)
            .collect();
        assert_eq!(
            gone,
            all_posts
                .iter()
                .filter(|p| old.contains(&p.author_id))
                .count() as u64
        );
        assert_eq!(
            Post::query().count(&mut s).unwrap(),
            all_posts.len() as i64 - gone as i64
        );
    }
}
