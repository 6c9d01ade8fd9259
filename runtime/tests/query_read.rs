//! The query builder against real databases (SQLite file, PostgreSQL): every
//! operator, ordering and paging, projections and aggregates, grouping, joins,
//! relation filters, subqueries, locking, terminals, streaming and eager loading —
//! asserting the rows that come back.
#![allow(clippy::type_complexity)]
mod blog;
mod common;

use blog::fixture::{counter, read, seeded};
use blog::*;
use ormgen::query::{ExprExt, Query, RelationExt};
use ormgen::{Error, avg, count, count_distinct, count_star, max, min, sum};

fn ids_u(users: &[User]) -> Vec<i32> {
    users.iter().map(|u| u.id).collect()
}
fn ids_p(posts: &[Post]) -> Vec<i32> {
    posts.iter().map(|p| p.id).collect()
}

#[test]
fn comparison_operators() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let by = |s: &mut ormgen::Session, q: Query<ormgen::query::Root<user::table>>| {
            ids_u(&q.order_by(user::id.asc()).all(s).unwrap())
        };
        assert_eq!(
            by(&mut s, User::query().filter(user::id.eq(2))),
            vec![2],
            "{}",
            db.name()
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::id.ne(2))),
            vec![1, 3, 4]
        );
        assert_eq!(by(&mut s, User::query().filter(user::age.lt(30))), vec![2]);
        assert_eq!(
            by(&mut s, User::query().filter(user::age.le(30))),
            vec![1, 2]
        );
        assert_eq!(by(&mut s, User::query().filter(user::age.gt(30))), vec![4]);
        assert_eq!(
            by(&mut s, User::query().filter(user::age.ge(30))),
            vec![1, 4]
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::email.like("%@x.org"))),
            vec![1, 2, 4]
        );
        assert_eq!(
            by(
                &mut s,
                User::query().filter(user::email.not_like("%@x.org"))
            ),
            vec![3]
        );
        // ILIKE (PostgreSQL) / LOWER() LIKE LOWER() (SQLite)
        assert_eq!(
            by(&mut s, User::query().filter(user::name.ilike("d%"))),
            vec![4]
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::name.ilike("AL%"))),
            vec![1]
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::id.in_list([1, 3, 9]))),
            vec![1, 3]
        );
        assert_eq!(
            by(
                &mut s,
                User::query().filter(user::id.in_list(Vec::<i32>::new()))
            ),
            Vec::<i32>::new()
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::age.between(17, 30))),
            vec![1, 2]
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::name.is_null())),
            vec![3]
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::age.is_not_null())),
            vec![1, 2, 4]
        );
        assert_eq!(
            by(
                &mut s,
                User::query().filter(user::age.lt(18).or(user::age.gt(60)))
            ),
            vec![2, 4]
        );
        assert_eq!(
            by(
                &mut s,
                User::query().filter(user::email.like("%@x.org").and(user::age.ge(18)))
            ),
            vec![1, 4]
        );
        assert_eq!(
            by(
                &mut s,
                User::query().filter(user::email.like("%@x.org").not())
            ),
            vec![3]
        );
        assert_eq!(
            by(&mut s, User::query().filter(user::role.eq(Role::Admin))),
            vec![1]
        );
        assert_eq!(
            by(
                &mut s,
                User::query().filter(user::role.in_list([Role::User]))
            ),
            vec![2, 3, 4]
        );
        // column-to-column
        assert_eq!(
            by(
                &mut s,
                User::query().filter(user::id.eq(user::id).and(user::name.ne(user::email)))
            ),
            vec![1, 2, 4]
        );
        // booleans, bigint and double columns
        let p = Post::query()
            .filter(post::published.eq(true))
            .filter(post::views.gt(5))
            .filter(post::rating.ge(3.0));
        assert_eq!(
            ids_p(&p.order_by(post::id.asc()).all(&mut s).unwrap()),
            vec![1, 3]
        );
        assert_eq!(
            ids_p(
                &Post::query()
                    .filter(post::status.eq(PostStatus::Published))
                    .order_by(post::id.asc())
                    .all(&mut s)
                    .unwrap()
            ),
            vec![1, 3]
        );
    }
}

#[test]
fn like_is_case_sensitive_only_on_postgres() {
    // Documented difference: SQLite's LIKE folds ASCII case.
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let n = User::query()
            .filter(user::name.like("al%"))
            .count(&mut s)
            .unwrap();
        assert_eq!(n, if db.is_pg() { 0 } else { 1 }, "{}", db.name());
    }
}

#[test]
fn conditional_filters_keep_the_type() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        for (min_age, domain, want) in [
            (None, None, vec![1, 2, 3, 4]),
            (Some(18), None, vec![1, 4]),
            (Some(18), Some("%@x.org"), vec![1, 4]),
            (None, Some("%@y.org"), vec![3]),
        ] {
            let mut q = User::query();
            if let Some(a) = min_age {
                q = q.filter(user::age.ge(a));
            }
            if let Some(d) = domain {
                q = q.filter(user::email.like(d));
            }
            assert_eq!(
                ids_u(&q.order_by(user::id.asc()).all(&mut s).unwrap()),
                want
            );
        }
    }
}

#[test]
fn ordering_nulls_paging_distinct() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let q = User::query()
            .order_by(user::age.asc().nulls_first())
            .order_by(user::id.asc());
        assert_eq!(ids_u(&q.all(&mut s).unwrap()), vec![3, 2, 1, 4]);
        let q = User::query().order_by(user::age.desc().nulls_last());
        assert_eq!(ids_u(&q.all(&mut s).unwrap()), vec![4, 1, 2, 3]);
        let q = User::query().order_by(user::age.desc().nulls_first());
        assert_eq!(ids_u(&q.all(&mut s).unwrap()), vec![3, 4, 1, 2]);
        let q = User::query().order_by(user::id.desc()).limit(2).offset(1);
        assert_eq!(ids_u(&q.all(&mut s).unwrap()), vec![3, 2]);
        let q = User::query().order_by(user::id.asc()).offset(3);
        assert_eq!(ids_u(&q.all(&mut s).unwrap()), vec![4]);
        let roles: Vec<Role> = User::query()
            .select(user::role)
            .distinct()
            .order_by(user::role.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(roles.len(), 2);
        let authors: Vec<i32> = Post::query()
            .select(post::author_id)
            .distinct()
            .order_by(post::author_id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(authors, vec![1, 2, 4]);
        assert_eq!(
            Post::query()
                .select(post::author_id)
                .distinct()
                .count(&mut s)
                .unwrap(),
            3
        );
    }
}

#[test]
fn projections_and_aggregates_decode() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let rows: Vec<(String, Option<String>)> = User::query()
            .select((user::email, user::name))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(rows[2], ("c@y.org".into(), None));
        let agg: (
            i64,
            i64,
            Option<i64>,
            Option<f64>,
            Option<String>,
            Option<i32>,
        ) = User::query()
            .select((
                count(user::age),
                count_distinct(user::role),
                sum(user::age),
                avg(user::age),
                min(user::email),
                max(user::age),
            ))
            .one(&mut s)
            .unwrap();
        assert_eq!(agg.0, 3);
        assert_eq!(agg.1, 2);
        assert_eq!(agg.2, Some(112));
        assert!((agg.3.unwrap() - 112.0 / 3.0).abs() < 1e-9, "{:?}", agg.3);
        assert_eq!(agg.4.as_deref(), Some("a@x.org"));
        assert_eq!(agg.5, Some(65));
        // SUM(BIGINT) (numeric on PostgreSQL), SUM/AVG of doubles, COUNT(*)
        let (views, ratings, avg_rating, n): (Option<i64>, Option<f64>, Option<f64>, i64) =
            Post::query()
                .select((
                    sum(post::views),
                    sum(post::rating),
                    avg(post::rating),
                    count_star(),
                ))
                .one(&mut s)
                .unwrap();
        assert_eq!((views, ratings, n), (Some(115), Some(8.5), 4));
        assert!((avg_rating.unwrap() - 8.5 / 3.0).abs() < 1e-9);
        // Aggregates over no rows are NULL.
        let (none_sum, none_max): (Option<i64>, Option<i64>) = Post::query()
            .filter(post::id.gt(100))
            .select((sum(post::views), max(post::views)))
            .one(&mut s)
            .unwrap();
        assert_eq!((none_sum, none_max), (None, None));
        // load: read into a compatible, wider type.
        let rows: Vec<(Option<String>, Option<String>)> = User::query()
            .select((user::email, user::name))
            .filter(user::id.eq(1))
            .load(&mut s)
            .unwrap();
        assert_eq!(rows, vec![(Some("a@x.org".into()), Some("Alice".into()))]);
    }
}

#[test]
fn group_by_and_having() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let per_role: Vec<(Role, i64)> = User::query()
            .select((user::role, count(user::id)))
            .group_by(user::role)
            .order_by(count(user::id).desc())
            .all(&mut s)
            .unwrap();
        assert_eq!(per_role, vec![(Role::User, 3), (Role::Admin, 1)]);
        let per_author: Vec<(i32, i64, Option<i64>)> = Post::query()
            .select((post::author_id, count(post::id), sum(post::views)))
            .group_by(post::author_id)
            .having(count(post::id).ge(2).or(sum(post::views).gt(50i64)))
            .order_by(post::author_id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(per_author, vec![(1, 2, Some(10)), (2, 1, Some(100))]);
        // grouped over a join, by a tuple
        let rows: Vec<(Role, bool, i64)> = Post::query()
            .join(post::author)
            .select((user::role, post::published, count(post::id)))
            .group_by((user::role, post::published))
            .order_by(count(post::id).desc())
            .order_by(post::published.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(rows.iter().map(|r| r.2).sum::<i64>(), 4);
        assert!(
            rows.contains(&(Role::Admin, true, 1))
                && rows.contains(&(Role::User, true, 1))
                && rows.contains(&(Role::User, false, 1))
        );
        // count() of a grouped query counts groups
        assert_eq!(
            Post::query()
                .select((post::author_id, count(post::id)))
                .group_by(post::author_id)
                .count(&mut s)
                .unwrap(),
            3
        );
    }
}

#[test]
fn aggregate_orderings_with_groups_or_an_aggregate_only_selection() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        // Ordered by an aggregate before `select`/`group_by`: the grouping state
        // is checked by the terminal, so the order of the calls does not matter.
        let per_role: Vec<(Role, i64)> = User::query()
            .order_by(count(user::id).desc())
            .select((user::role, count(user::id)))
            .group_by(user::role)
            .all(&mut s)
            .unwrap();
        assert_eq!(
            per_role,
            vec![(Role::User, 3), (Role::Admin, 1)],
            "{}",
            db.name()
        );
        // Only aggregates selected: one row over the whole table, which an
        // aggregate may order (valid SQL on both databases).
        let counts: Vec<i64> = User::query()
            .select(count(user::id))
            .order_by(count(user::id).desc())
            .all(&mut s)
            .unwrap();
        assert_eq!(counts, vec![4], "{}", db.name());
        let (n, top): (i64, Option<i32>) = User::query()
            .order_by(max(user::id).asc())
            .select((count(user::id), max(user::id)))
            .one(&mut s)
            .unwrap();
        assert_eq!((n, top), (4, Some(4)), "{}", db.name());
    }
}

#[test]
fn joins_inner_left_many_to_many() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let rows: Vec<(Post, User)> = Post::query()
            .join(post::author)
            .filter(user::name.eq("Alice"))
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            rows.iter().map(|(p, u)| (p.id, u.id)).collect::<Vec<_>>(),
            vec![(1, 1), (2, 1)],
            "{}",
            db.name()
        );
        assert_eq!(rows[0].1.email, "a@x.org");
        // left join: users without posts get None
        let rows: Vec<(User, Option<Post>)> = User::query()
            .left_join(user::posts)
            .order_by(user::id.asc())
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        let pairs: Vec<(i32, Option<i32>)> = rows
            .iter()
            .map(|(u, p)| (u.id, p.as_ref().map(|p| p.id)))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (1, Some(1)),
                (1, Some(2)),
                (2, Some(3)),
                (3, None),
                (4, Some(4))
            ]
        );
        // anti-join
        let lonely = User::query()
            .left_join(user::posts)
            .filter(post::id.is_null())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            lonely.iter().map(|(u, _)| u.id).collect::<Vec<_>>(),
            vec![3]
        );
        // left-joined column selects as Option
        let rows: Vec<(String, Option<String>)> = User::query()
            .left_join(user::posts)
            .select((user::email, post::title))
            .filter(user::id.in_list([2, 3]))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            rows,
            vec![
                ("b@x.org".into(), Some("Bob's post".into())),
                ("c@y.org".into(), None)
            ]
        );
        // many-to-many through _PostToTag
        let rows: Vec<(Post, Tag)> = Post::query()
            .join(post::tags)
            .filter(tag::name.eq("sql"))
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            rows.iter().map(|(p, t)| (p.id, t.id)).collect::<Vec<_>>(),
            vec![(1, 2), (3, 2)]
        );
        let rows: Vec<(Tag, Option<Post>)> = Tag::query()
            .left_join(tag::posts)
            .order_by(tag::id.asc())
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        let pairs: Vec<(i32, Option<i32>)> = rows
            .iter()
            .map(|(t, p)| (t.id, p.as_ref().map(|p| p.id)))
            .collect();
        assert_eq!(
            pairs,
            vec![(1, Some(1)), (2, Some(1)), (2, Some(3)), (3, None)]
        );
        // three tables
        let rows: Vec<(User, Post, Tag)> = User::query()
            .join(user::posts)
            .join(post::tags)
            .filter(tag::name.eq("rust"))
            .all(&mut s)
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].0.id, rows[0].1.id, rows[0].2.name.as_str()),
            (1, 1, "rust")
        );
        // a table twice needs aliases: a clear error, no statement
        let err = Post::query()
            .join(post::author)
            .join(user::posts)
            .all(&mut s)
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err}");
    }
}

#[test]
fn relation_filters_some_every_none() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let ids = |s: &mut ormgen::Session, q: Query<ormgen::query::Root<user::table>>| {
            ids_u(&q.order_by(user::id.asc()).all(s).unwrap())
        };
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::posts.some(post::published.eq(true)))
            ),
            vec![1, 2]
        );
        // every: vacuously true for users without posts
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::posts.every(post::published.eq(true)))
            ),
            vec![2, 3]
        );
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::posts.none(post::title.like("%Spam%")))
            ),
            vec![1, 2, 3]
        );
        assert_eq!(
            ids(&mut s, User::query().filter(user::posts.exists().not())),
            vec![3]
        );
        // many-to-many and to-one relation filters, combined with and/or
        let posts = Post::query()
            .filter(
                post::tags
                    .some(tag::name.eq("sql"))
                    .and(post::author.some(user::role.eq(Role::User)))
                    .or(post::tags.exists().not().and(post::views.eq(0i64))),
            )
            .order_by(post::id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(ids_p(&posts), vec![2, 3]);
        // every with a NULL-producing predicate counts as failing (rating NULL on post 2)
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::posts.every(post::rating.gt(0.0)))
            ),
            vec![2, 3, 4]
        );
    }
}

#[test]
fn in_subquery() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let q = User::query()
            .filter(
                user::id.in_query(
                    Post::query()
                        .select(post::author_id)
                        .filter(post::published.eq(true)),
                ),
            )
            .order_by(user::id.asc());
        assert_eq!(ids_u(&q.all(&mut s).unwrap()), vec![1, 2]);
        let q = User::query()
            .filter(
                user::id
                    .in_query(Post::query().select(post::author_id))
                    .not(),
            )
            .order_by(user::id.asc());
        assert_eq!(ids_u(&q.all(&mut s).unwrap()), vec![3]);
    }
}

#[test]
fn row_locking_runs_on_both_backends() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let locked = User::query()
            .filter(user::id.eq(1))
            .for_update()
            .all(&mut s)
            .unwrap();
        assert_eq!(ids_u(&locked), vec![1]);
        let q = User::query()
            .filter(user::id.le(2))
            .for_update()
            .skip_locked();
        let expected = if db.is_pg() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        assert!(q.to_sql(db.dialect).sql.ends_with(&format!(
            "\"users\".\"id\" <= {}1{expected}",
            if db.is_pg() { "$" } else { "?" }
        )));
        assert_eq!(q.all(&mut s).unwrap().len(), 2);
        if db.is_pg() {
            // A second session: NOWAIT fails on the locked row, SKIP LOCKED skips it.
            let mut other = db.engine.session().unwrap();
            let err = User::query()
                .filter(user::id.eq(1))
                .for_update()
                .nowait()
                .all(&mut other)
                .unwrap_err();
            assert!(matches!(err, Error::Sql { .. }), "{err:?}");
            other.rollback().unwrap();
            let free = User::query()
                .order_by(user::id.asc())
                .for_update()
                .skip_locked()
                .all(&mut other)
                .unwrap();
            assert_eq!(ids_u(&free), vec![3, 4]);
            let shared = User::query()
                .filter(user::id.eq(3))
                .for_share()
                .all(&mut other)
                .unwrap();
            assert_eq!(ids_u(&shared), vec![3]);
        }
        s.commit().unwrap();
    }
}

#[test]
fn terminals_first_one_count_exists_get() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let q = User::query()
            .filter(user::email.like("%@x.org"))
            .order_by(user::id.desc());
        assert_eq!(q.clone().first(&mut s).unwrap().map(|u| u.id), Some(4));
        assert_eq!(q.clone().count(&mut s).unwrap(), 3);
        assert!(q.clone().exists(&mut s).unwrap());
        assert!(matches!(q.clone().one(&mut s), Err(Error::TooManyRows)));
        assert!(matches!(
            User::query().filter(user::id.eq(99)).one(&mut s),
            Err(Error::NotFound)
        ));
        assert!(
            !User::query()
                .filter(user::id.eq(99))
                .exists(&mut s)
                .unwrap()
        );
        assert_eq!(
            User::query().filter(user::id.eq(99)).first(&mut s).unwrap(),
            None
        );
        let carol = User::query()
            .filter(user::email.eq("c@y.org"))
            .one(&mut s)
            .unwrap();
        assert_eq!(
            carol,
            User {
                id: 3,
                email: "c@y.org".into(),
                name: None,
                age: None,
                role: Role::User
            }
        );
        // count of a limited query counts the limited rows
        assert_eq!(User::query().limit(2).count(&mut s).unwrap(), 2);
        // get by key, composite key, text key
        assert_eq!(User::get(&mut s, 3).unwrap(), Some(carol));
        assert_eq!(User::get(&mut s, 42).unwrap(), None);
        assert_eq!(
            PostToTag::get(&mut s, (1, 2)).unwrap(),
            Some(PostToTag { a: 1, b: 2 })
        );
        assert_eq!(PostToTag::get(&mut s, (2, 1)).unwrap(), None);
        assert_eq!(Comment::get(&mut s, "nope").unwrap(), None);
    }
}

#[test]
fn statements_are_prepared_once_and_cached() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        // The same shape with different values renders the same text.
        let a = User::query().filter(user::id.eq(1)).to_sql(db.dialect);
        let b = User::query().filter(user::id.eq(2)).to_sql(db.dialect);
        assert_eq!(a.sql, b.sql);
        assert_ne!(a.params, b.params);
        for id in 1..=4 {
            assert_eq!(
                User::query()
                    .filter(user::id.eq(id))
                    .one(&mut s)
                    .unwrap()
                    .id,
                id
            );
            assert_eq!(User::get(&mut s, id).unwrap().map(|u| u.id), Some(id));
        }
    }
}

#[test]
fn streaming_ten_thousand_rows() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let rows = (0..10_000).map(|i| NewPost {
            title: format!("bulk {i:05}"),
            author_id: 2,
            views: i,
            ..Default::default()
        });
        let inserted = Post::insert_many(&mut s, rows).unwrap();
        assert_eq!(inserted.len(), 10_000);
        // Uncommitted: the stream runs inside the session's transaction and sees them.
        let mut n = 0i64;
        let mut views_sum = 0i64;
        let mut last = String::new();
        for p in Post::query()
            .filter(post::title.like("bulk %"))
            .order_by(post::title.asc())
            .iter(&mut s)
            .unwrap()
        {
            let p = p.unwrap();
            assert!(p.title > last, "ordered");
            last = p.title;
            views_sum += p.views;
            n += 1;
        }
        assert_eq!(n, 10_000, "{}", db.name());
        assert_eq!(views_sum, (0..10_000).sum::<i64>());
        // Joined rows and projections stream too; stopping early is fine.
        let first3: Vec<(Post, User)> = Post::query()
            .join(post::author)
            .order_by(post::id.asc())
            .iter(&mut s)
            .unwrap()
            .take(3)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            first3.iter().map(|(p, _)| p.id).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        let titles: Vec<String> = Post::query()
            .select(post::title)
            .filter(post::id.le(2))
            .order_by(post::id.asc())
            .iter(&mut s)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(titles, vec!["Hello", "Draft"]);
        // The session is usable again once the stream is dropped.
        assert_eq!(Post::query().count(&mut s).unwrap(), 10_004);
        s.rollback().unwrap();
        assert_eq!(Post::query().count(&mut s).unwrap(), 4);
    }
}

#[test]
fn eager_loading_is_two_statements() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let n = counter(&db);
        let before = read(&n);
        let rows: Vec<(User, Vec<Post>)> = User::query()
            .order_by(user::id.asc())
            .with(user::posts)
            .all(&mut s)
            .unwrap();
        assert_eq!(read(&n) - before, 2, "{}", db.name());
        let shape: Vec<(i32, Vec<i32>)> = rows.iter().map(|(u, ps)| (u.id, ids_p(ps))).collect();
        assert_eq!(
            shape,
            vec![(1, vec![1, 2]), (2, vec![3]), (3, vec![]), (4, vec![4])]
        );
        // many-to-many
        let rows: Vec<(Post, Vec<Tag>)> = Post::query()
            .order_by(post::id.asc())
            .with(post::tags)
            .all(&mut s)
            .unwrap();
        let shape: Vec<(i32, Vec<&str>)> = rows
            .iter()
            .map(|(p, ts)| {
                (p.id, {
                    let mut v: Vec<&str> = ts.iter().map(|t| t.name.as_str()).collect();
                    v.sort();
                    v
                })
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (1, vec!["rust", "sql"]),
                (2, vec![]),
                (3, vec!["sql"]),
                (4, vec![])
            ]
        );
        // to-one, parents sharing a key
        let before = read(&n);
        let rows: Vec<(Post, User)> = Post::query()
            .order_by(post::id.asc())
            .with(post::author)
            .all(&mut s)
            .unwrap();
        assert_eq!(read(&n) - before, 2);
        assert_eq!(
            rows.iter().map(|(p, u)| (p.id, u.id)).collect::<Vec<_>>(),
            vec![(1, 1), (2, 1), (3, 2), (4, 4)]
        );
        // no parents: one statement
        let before = read(&n);
        let rows = User::query()
            .filter(user::id.gt(100))
            .with(user::posts)
            .all(&mut s)
            .unwrap();
        assert!(rows.is_empty());
        assert_eq!(read(&n) - before, 1);
    }
}

#[test]
fn eager_loading_batches_keys_under_the_parameter_limit() {
    for db in common::all() {
        blog::fixture::create(&db);
        let mut s = db.engine.session().unwrap();
        let limit = ormgen::query::session_max_params(&mut s);
        let parents = limit + 10;
        let users = User::insert_many(
            &mut s,
            (0..parents).map(|i| NewUser {
                email: format!("u{i}"),
                ..Default::default()
            }),
        )
        .unwrap();
        // A post for the first and the last user: they land in different batches.
        let first = users[0].id;
        let last = users[parents - 1].id;
        Post::insert_many(
            &mut s,
            [first, last, last].map(|author_id| NewPost {
                title: format!("by {author_id}"),
                author_id,
                ..Default::default()
            }),
        )
        .unwrap();
        let n = counter(&db);
        let before = read(&n);
        let rows = User::query()
            .order_by(user::id.asc())
            .with(user::posts)
            .all(&mut s)
            .unwrap();
        assert_eq!(
            read(&n) - before,
            3,
            "parents + 2 key batches on {}",
            db.name()
        );
        assert_eq!(rows.len(), parents);
        assert_eq!(rows[0].1.len(), 1);
        assert_eq!(rows[parents - 1].1.len(), 2);
        assert_eq!(rows.iter().map(|(_, ps)| ps.len()).sum::<usize>(), 3);
    }
}

#[test]
fn eager_loading_over_a_composite_key() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let n = counter(&db);
        let before = read(&n);
        let rows = PostToTag::query()
            .order_by(post_to_tag::a.asc())
            .order_by(post_to_tag::b.asc())
            .with(post_to_tag::itself)
            .all(&mut s)
            .unwrap();
        assert_eq!(read(&n) - before, 2, "{}", db.name());
        let pairs: Vec<((i32, i32), Option<(i32, i32)>)> = rows
            .iter()
            .map(|(p, c)| ((p.a, p.b), c.as_ref().map(|c| (c.a, c.b))))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ((1, 1), Some((1, 1))),
                ((1, 2), Some((1, 2))),
                ((3, 2), Some((3, 2)))
            ]
        );
    }
}
