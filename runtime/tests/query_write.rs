//! Writes through the query builder against real databases (SQLite file,
//! PostgreSQL): insert returning the stored row with runtime defaults, batched
//! insert_many across parameter-limit chunks, upserts on unique keys, updates and
//! deletes by key and by filter.
mod blog;
mod common;

use blog::fixture::{counter, create, read, seeded};
use blog::*;
use ormgen::query::{self as qb, ColumnExt, ExprExt, Null};
use ormgen::{Error, Value};

#[test]
fn insert_returns_the_stored_row_with_defaults() {
    for db in common::all() {
        create(&db);
        let mut s = db.engine.session().unwrap();
        let alice = User::insert(
            &mut s,
            NewUser {
                email: "a@x.org".into(),
                name: Some("Alice".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            alice,
            User {
                id: 1,
                email: "a@x.org".into(),
                name: Some("Alice".into()),
                age: None,
                role: Role::User
            },
            "{}",
            db.name()
        );
        let p = Post::insert(
            &mut s,
            NewPost {
                title: "Hi".into(),
                author_id: alice.id,
                views: 1 << 40,
                rating: Some(0.5),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (p.id, p.status, p.views, p.rating, p.published),
            (1, PostStatus::Draft, 1 << 40, Some(0.5), false)
        );
        // cuid(), now(), @updatedAt filled by the runtime
        let c = Comment::insert(
            &mut s,
            NewComment {
                post_id: p.id,
                body: "first".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(c.id.len(), 25);
        assert!(c.id.starts_with('c'));
        assert_eq!(c.created_at, c.updated_at);
        assert!(
            (ormgen::chrono::Utc::now() - c.created_at)
                .num_seconds()
                .abs()
                < 60
        );
        assert_eq!(
            Comment::get(&mut s, c.id.as_str()).unwrap(),
            Some(c.clone())
        );
        let c2 = Comment::insert(
            &mut s,
            NewComment {
                post_id: p.id,
                body: "second".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_ne!(c.id, c2.id);
        // constraint violations are typed errors
        let dup = User::insert(
            &mut s,
            NewUser {
                email: "a@x.org".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(matches!(dup, Error::UniqueViolation { .. }), "{dup:?}");
    }
}

#[test]
fn insert_many_batches_under_the_parameter_limit() {
    for db in common::all() {
        create(&db);
        let mut s = db.engine.session().unwrap();
        let users = User::insert_many(
            &mut s,
            (0..3).map(|i| NewUser {
                email: format!("u{i}@x.org"),
                ..Default::default()
            }),
        )
        .unwrap();
        let n = counter(&db);
        // 7 parameters per post: SQLite takes 4,680 rows per statement, PostgreSQL 9,362.
        let total = 10_000usize;
        assert_eq!(qb::session_max_params(&mut s), qb::max_params(db.dialect));
        let per = qb::max_params(db.dialect) / 7;
        let before = read(&n);
        let posts = Post::insert_many(
            &mut s,
            (0..total).map(|i| NewPost {
                title: format!("p{i}"),
                author_id: users[i % 3].id,
                views: i as i64,
                body: (i % 2 == 0).then(|| "even".to_owned()),
                ..Default::default()
            }),
        )
        .unwrap();
        assert_eq!(read(&n) - before, total.div_ceil(per), "{}", db.name());
        assert!(
            total.div_ceil(per) >= 2,
            "the batch spans more than one statement"
        );
        assert_eq!(posts.len(), total);
        for (i, p) in posts.iter().enumerate() {
            assert_eq!(
                (p.title.as_str(), p.views),
                (format!("p{i}").as_str(), i as i64)
            );
        }
        assert_eq!(posts.last().map(|p| p.id), Some(total as i32));
        assert_eq!(Post::query().count(&mut s).unwrap(), total as i64);
        assert_eq!(
            Post::query()
                .filter(post::body.eq("even"))
                .count(&mut s)
                .unwrap(),
            total as i64 / 2
        );
        assert!(
            Post::insert_many(&mut s, Vec::<NewPost>::new())
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn upsert_on_unique_keys() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        // DO UPDATE on a unique column: the existing row changes, its id stays.
        let u = User::upsert(NewUser {
            email: "a@x.org".into(),
            name: Some("Alicia".into()),
            age: Some(31),
            role: Some(Role::User),
        })
        .on_conflict(user::email)
        .do_update_all()
        .execute(&mut s)
        .unwrap()
        .unwrap();
        assert_eq!(
            u,
            User {
                id: 1,
                email: "a@x.org".into(),
                name: Some("Alicia".into()),
                age: Some(31),
                role: Role::User
            },
            "{}",
            db.name()
        );
        // No conflict: inserted.
        let e = User::upsert(NewUser {
            email: "e@x.org".into(),
            ..Default::default()
        })
        .on_conflict(user::email)
        .do_update_all()
        .execute(&mut s)
        .unwrap()
        .unwrap();
        // (PostgreSQL's sequence also advanced for the conflicting attempt above.)
        assert!(e.id >= 5 && e.email == "e@x.org", "{e:?}");
        // DO NOTHING: None, row unchanged.
        let none = User::upsert(NewUser {
            email: "b@x.org".into(),
            name: Some("X".into()),
            ..Default::default()
        })
        .on_conflict(user::email)
        .do_nothing()
        .execute(&mut s)
        .unwrap();
        assert_eq!(none, None);
        assert_eq!(
            User::get(&mut s, 2)
                .unwrap()
                .and_then(|u| u.name)
                .as_deref(),
            Some("Bob")
        );
        // Only some columns, plus an explicit assignment using the existing row.
        let u = User::upsert(NewUser {
            email: "d@x.org".into(),
            name: Some("Dave".into()),
            age: Some(1),
            ..Default::default()
        })
        .on_conflict(user::email)
        .do_update(user::name)
        .set(user::age.to(Some(66)))
        .execute(&mut s)
        .unwrap()
        .unwrap();
        assert_eq!(
            (u.id, u.name.as_deref(), u.age),
            (4, Some("Dave"), Some(66))
        );
        // Unique text key on another table, and a composite key.
        let t = Tag::upsert(NewTag {
            name: "rust".into(),
        })
        .on_conflict(tag::name)
        .do_update_all()
        .execute(&mut s)
        .unwrap()
        .unwrap();
        assert_eq!(t.id, 1);
        let pair = qb::Upsert::new(NewPostToTag { a: 1, b: 1 })
            .on_conflict((post_to_tag::a, post_to_tag::b))
            .do_nothing()
            .execute(&mut s)
            .unwrap();
        assert_eq!(pair, None);
        let pair = qb::Upsert::new(NewPostToTag { a: 2, b: 3 })
            .on_conflict((post_to_tag::a, post_to_tag::b))
            .do_nothing()
            .execute(&mut s)
            .unwrap();
        assert_eq!(pair, Some(PostToTag { a: 2, b: 3 }));
        assert_eq!(User::query().count(&mut s).unwrap(), 5);
    }
}

#[test]
fn upsert_maintains_updated_at() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let old = ormgen::chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&ormgen::chrono::Utc);
        let c = Comment::insert(
            &mut s,
            NewComment {
                id: Some("k1".into()),
                post_id: 1,
                body: "a".into(),
                created_at: Some(old),
                updated_at: Some(old),
            },
        )
        .unwrap();
        assert_eq!(c.updated_at, old);
        let again = qb::Upsert::new(NewComment {
            id: Some("k1".into()),
            post_id: 1,
            body: "b".into(),
            ..Default::default()
        })
        .on_conflict(comment::id)
        .do_update(comment::body)
        .execute(&mut s)
        .unwrap()
        .unwrap();
        assert_eq!((again.body.as_str(), again.created_at), ("b", old));
        assert!(again.updated_at > old, "{}", db.name());
    }
}

#[test]
fn update_by_key_and_by_filter() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let n = User::update()
            .set(user::name.to(Some("Al")))
            .set(user::age.to(Null))
            .by_key(1)
            .execute(&mut s)
            .unwrap();
        assert_eq!(n, 1, "{}", db.name());
        assert_eq!(
            User::get(&mut s, 1).unwrap().map(|u| (u.name, u.age)),
            Some((Some("Al".into()), None))
        );
        // Only the given columns change.
        assert_eq!(
            User::get(&mut s, 1).unwrap().map(|u| (u.email, u.role)),
            Some(("a@x.org".into(), Role::Admin))
        );
        // By key that does not exist: 0 rows.
        assert_eq!(
            User::update()
                .set(user::age.to(Some(1)))
                .by_key(99)
                .execute(&mut s)
                .unwrap(),
            0
        );
        // By filter, with expressions of other columns, returning rows affected.
        let n = User::update()
            .set(user::role.to(Role::Admin))
            .set(user::name.to(user::email))
            .filter(user::email.like("%@x.org").and(user::id.ne(1)))
            .execute(&mut s)
            .unwrap();
        assert_eq!(n, 2);
        let admins: Vec<(i32, Option<String>)> = User::query()
            .select((user::id, user::name))
            .filter(user::role.eq(Role::Admin))
            .order_by(user::id.asc())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            admins,
            vec![
                (1, Some("Al".into())),
                (2, Some("b@x.org".into())),
                (4, Some("d@x.org".into()))
            ]
        );
        // Returning the updated rows.
        let rows = Post::update()
            .set(post::published.to(true))
            .set(post::status.to(PostStatus::Published))
            .filter(post::published.eq(false))
            .execute_returning(&mut s)
            .unwrap();
        let mut ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
        ids.sort();
        assert_eq!(ids, vec![2, 4]);
        assert!(
            rows.iter()
                .all(|p| p.published && p.status == PostStatus::Published)
        );
        // An empty changeset runs nothing.
        let c = counter(&db);
        let before = read(&c);
        assert_eq!(User::update().by_key(1).execute(&mut s).unwrap(), 0);
        assert_eq!(read(&c), before);
        // A column set from itself (expression, no bound value).
        let n = User::update()
            .set(user::email.to(user::email))
            .filter(user::id.eq(1))
            .execute(&mut s);
        assert_eq!(n.unwrap(), 1);
    }
}

#[test]
fn update_sets_updated_at() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let old = ormgen::chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&ormgen::chrono::Utc);
        Comment::insert(
            &mut s,
            NewComment {
                id: Some("k1".into()),
                post_id: 1,
                body: "a".into(),
                created_at: Some(old),
                updated_at: Some(old),
            },
        )
        .unwrap();
        assert_eq!(
            Comment::update()
                .set(comment::body.to("b"))
                .by_key("k1")
                .execute(&mut s)
                .unwrap(),
            1
        );
        let c = Comment::get(&mut s, "k1").unwrap().unwrap();
        assert_eq!(c.body, "b");
        assert_eq!(c.created_at, old);
        assert!(c.updated_at > old, "{}", db.name());
        // explicit value wins
        Comment::update()
            .set(comment::updated_at.to(old))
            .by_key("k1")
            .execute(&mut s)
            .unwrap();
        assert_eq!(Comment::get(&mut s, "k1").unwrap().unwrap().updated_at, old);
    }
}

#[test]
fn delete_by_key_and_by_filter() {
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        assert_eq!(
            PostToTag::delete().by_key((1, 2)).execute(&mut s).unwrap(),
            1,
            "{}",
            db.name()
        );
        assert_eq!(PostToTag::get(&mut s, (1, 2)).unwrap(), None);
        assert_eq!(PostToTag::query().count(&mut s).unwrap(), 2);
        assert_eq!(Post::delete().by_key(99).execute(&mut s).unwrap(), 0);
        let n = Post::delete()
            .filter(post::published.eq(false).and(post::title.like("Spam%")))
            .execute(&mut s)
            .unwrap();
        assert_eq!(n, 1);
        let gone = Post::delete()
            .filter(post::author_id.eq(1))
            .execute_returning(&mut s)
            .unwrap();
        let mut ids: Vec<i32> = gone.iter().map(|p| p.id).collect();
        ids.sort();
        assert_eq!(ids, vec![1, 2]);
        assert_eq!(Post::query().select(post::id).all(&mut s).unwrap(), vec![3]);
        // cascades are the database's: deleting the user removes its posts
        assert_eq!(User::delete().by_key(2).execute(&mut s).unwrap(), 1);
        assert_eq!(Post::query().count(&mut s).unwrap(), 0);
        assert_eq!(User::delete().execute(&mut s).unwrap(), 3);
    }
}

#[test]
fn writes_bind_every_value() {
    // Hostile text stays a value.
    for db in seeded() {
        let mut s = db.engine.session().unwrap();
        let evil = "x'); DROP TABLE \"users\"; --";
        let u = User::insert(
            &mut s,
            NewUser {
                email: evil.into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            User::query()
                .filter(user::email.eq(evil))
                .one(&mut s)
                .unwrap(),
            u
        );
        assert_eq!(
            User::update()
                .set(user::name.to(Some(evil)))
                .by_key(u.id)
                .execute(&mut s)
                .unwrap(),
            1
        );
        assert_eq!(User::query().count(&mut s).unwrap(), 5);
        let _ = Value::Null;
    }
}
