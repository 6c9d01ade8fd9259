//! The generated blog code (`schemas/blog.prisma`) against real databases:
//! a SQLite file and PostgreSQL (own schema per test; fails when `CI` is set
//! and the server is unreachable). Every test asserts the rows that come back.
#![allow(clippy::type_complexity)]
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::query::{ColumnExt, ExprExt, Null, RelationExt};
use ormgen::{Error, Session, avg, count, count_distinct, max, min, sum};
use ormgen_tests::blog::*;

/// Ids of the seeded rows.
struct Seed {
    alice: User,
    bob: User,
    carol: User,
    dave: User,
    hello: Post,
    draft: Post,
    tips: Post,
    rust: Tag,
    sql: Tag,
}

fn seed(s: &mut Session) -> Seed {
    let alice = User::insert(
        s,
        NewUser::new("alice@x.org")
            .name("Alice")
            .age(30)
            .role(Role::Admin),
    )
    .expect("alice");
    let bob = User::insert(s, NewUser::new("bob@x.org").name("Bob").age(17)).expect("bob");
    let carol = User::insert(s, NewUser::new("carol@y.org").role(Role::Author)).expect("carol");
    let dave = User::insert(
        s,
        NewUser::new("dave@x.org")
            .name("Dave")
            .age(45)
            .role(Role::Author)
            .mentor_id(alice.id),
    )
    .expect("dave");
    let hello = Post::insert(
        s,
        NewPost::new("Hello", alice.id)
            .published(true)
            .status(PostStatus::Published)
            .view_count(10),
    )
    .expect("hello");
    let draft = Post::insert(s, NewPost::new("Draft", alice.id).body("wip")).expect("draft");
    let tips = Post::insert(
        s,
        NewPost::new("SQL tips", dave.id)
            .published(true)
            .status(PostStatus::Published)
            .view_count(5),
    )
    .expect("tips");
    let tags = Tag::insert_many(s, [NewTag::new("rust"), NewTag::new("sql")]).expect("tags");
    let (rust, sql) = (tags[0].clone(), tags[1].clone());
    PostToTag::insert_many(
        s,
        [
            NewPostToTag::new(hello.id, rust.id),
            NewPostToTag::new(tips.id, sql.id),
            NewPostToTag::new(tips.id, rust.id),
        ],
    )
    .expect("post tags");
    let c1 = Comment::insert(s, NewComment::new("Nice", hello.id).author_id(bob.id)).expect("c1");
    Comment::insert(
        s,
        NewComment::new("Thanks", hello.id)
            .author_id(alice.id)
            .parent_id(c1.id),
    )
    .expect("c2");
    Profile::insert(s, NewProfile::new(alice.id).bio("Writes things")).expect("profile");
    Seed {
        alice,
        bob,
        carol,
        dave,
        hello,
        draft,
        tips,
        rust,
        sql,
    }
}

/// Each backend with the blog schema created and seeded.
fn seeded() -> Vec<(common::Db, Seed)> {
    common::all()
        .into_iter()
        .map(|db| {
            create_all(&db.engine).expect("create_all");
            let seed = db.engine.transaction(|s| Ok(seed(s))).expect("seed");
            (db, seed)
        })
        .collect()
}

fn user_ids(users: &[User]) -> Vec<i32> {
    users.iter().map(|u| u.id).collect()
}

#[test]
fn create_all_is_idempotent_and_drop_all_removes_everything() {
    for db in common::all() {
        create_all(&db.engine).expect("create");
        create_all(&db.engine).expect("create again is a no-op");
        let mut s = db.engine.session().expect("session");
        User::insert(&mut s, NewUser::new("x@x.org")).expect("insert");
        s.commit().expect("commit");
        create_all(&db.engine).expect("create on a populated schema");
        assert_eq!(
            User::query().count(&mut s).expect("count"),
            1,
            "{}",
            db.name()
        );
        drop(s);
        drop_all(&db.engine).expect("drop");
        drop_all(&db.engine).expect("drop again is a no-op");
        let mut s = db.engine.session().expect("session");
        assert!(
            User::query().count(&mut s).is_err(),
            "table gone on {}",
            db.name()
        );
        drop(s);
        create_all(&db.engine).expect("create after drop");
    }
}

#[test]
fn insert_fills_defaults_and_returns_the_stored_row() {
    for (db, seed) in seeded() {
        let name = db.name();
        let bob = &seed.bob;
        assert!(bob.id > 0);
        assert_eq!(bob.role, Role::Member, "{name}: @default(MEMBER)");
        assert_eq!(bob.name.as_deref(), Some("Bob"));
        assert_eq!(seed.carol.name, None);
        assert_eq!(bob.created_at, bob.updated_at, "{name}: one now() for both");
        assert_eq!(seed.draft.status, PostStatus::Draft);
        assert!(!seed.draft.published);
        assert_eq!(seed.draft.view_count, 0);
        let mut s = db.engine.session().expect("session");
        // The mapped enum label is stored.
        let label: String = s
            .query_one("SELECT role FROM users WHERE id = ?", (seed.alice.id,))
            .expect("label");
        assert_eq!(label, "admin", "{name}");
        // Read back exactly what insert returned (timestamps at ms precision).
        assert_eq!(
            User::get(&mut s, bob.id).expect("get").as_ref(),
            Some(bob),
            "{name}"
        );
        assert_eq!(User::get(&mut s, 9999).expect("get"), None);
        // Explicit values override defaults.
        let when = ormgen::query::now() - ormgen::chrono::Duration::days(3);
        let mut new = NewPost::new("Old", seed.bob.id);
        new.created_at = Some(when);
        let old = Post::insert(&mut s, new).expect("insert");
        assert_eq!(old.created_at, when, "{name}");
        // A unique violation is a typed error.
        // (in a savepoint, so that PostgreSQL's transaction stays usable).
        let dup = s.savepoint(|s| User::insert(s, NewUser::new("bob@x.org")));
        assert!(
            matches!(dup, Err(Error::UniqueViolation { .. })),
            "{name}: {dup:?}"
        );
        // Composite-key get on the implicit join table.
        assert_eq!(
            PostToTag::get(&mut s, (seed.tips.id, seed.sql.id)).expect("get"),
            Some(PostToTag {
                a: seed.tips.id,
                b: seed.sql.id
            })
        );
    }
}

#[test]
fn nullable_setters_take_a_value_or_an_option_and_inserts_need_not_read_back() {
    for (db, _) in seeded() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        // A value, an `Option` that is `Some`, and one that is `None`.
        let given: Option<String> = Some("Gina".into());
        let missing: Option<i32> = None;
        let gina = User::insert(&mut s, NewUser::new("gina@x.org").name(given).age(missing))
            .expect("insert");
        assert_eq!(
            (gina.name.as_deref(), gina.age),
            (Some("Gina"), None),
            "{name}"
        );
        let hal = User::insert(&mut s, NewUser::new("hal@x.org").name("Hal").age(Some(41)))
            .expect("insert");
        assert_eq!((hal.name.as_deref(), hal.age), (Some("Hal"), Some(41)));
        // `None` after a value clears it again: NULL is stored.
        let ivy = User::insert(
            &mut s,
            NewUser::new("ivy@x.org").name("Ivy").name(None::<&str>),
        )
        .expect("insert");
        assert_eq!(ivy.name, None, "{name}");
        // The insert that does not read the row back writes the same row.
        User::insert_without_returning(&mut s, NewUser::new("jo@x.org").name("Jo").age(Some(7)))
            .expect("insert");
        let jo = User::query()
            .filter(user::email.eq("jo@x.org"))
            .one(&mut s)
            .expect("read back");
        assert_eq!(
            (jo.name.as_deref(), jo.age, jo.role),
            (Some("Jo"), Some(7), Role::Member)
        );
        // Its errors are the typed ones.
        let dup = s.savepoint(|s| User::insert_without_returning(s, NewUser::new("jo@x.org")));
        assert!(
            matches!(dup, Err(Error::UniqueViolation { .. })),
            "{name}: {dup:?}"
        );
        let negative =
            s.savepoint(|s| User::insert_without_returning(s, NewUser::new("kid@x.org").age(-1)));
        assert!(
            matches!(negative, Err(Error::CheckViolation { .. })),
            "{name}: {negative:?}"
        );
    }
}

#[test]
fn insert_many_upsert_update_save_and_delete() {
    for (db, seed) in seeded() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let many = User::insert_many(
            &mut s,
            (0..300).map(|i| NewUser::new(format!("u{i}@bulk.org")).age(i)),
        )
        .expect("insert_many");
        assert_eq!(many.len(), 300);
        assert_eq!(many[299].age, Some(299));
        assert_eq!(
            User::query()
                .filter(user::email.like("%@bulk.org"))
                .count(&mut s)
                .expect("count"),
            300
        );
        // Without reading back: a count; defaults filled as by insert_many.
        let n = User::insert_all(
            &mut s,
            (0..70_000).map(|i| NewUser::new(format!("a{i}@all.org"))),
        )
        .expect("insert_all");
        assert_eq!(n, 70_000, "{name}: several batches on both backends");
        let sample = User::query()
            .filter(user::email.eq("a69999@all.org"))
            .one(&mut s)
            .expect("stored");
        assert_eq!(sample.role, Role::Member, "{name}: defaults filled");
        assert_eq!(
            User::insert_all(&mut s, std::iter::empty::<NewUser>()).expect("none"),
            0
        );

        // Upsert on a unique key.
        let none = User::upsert(NewUser::new("bob@x.org").name("Robert"))
            .on_conflict(user::email)
            .do_nothing()
            .execute(&mut s)
            .expect("do nothing");
        assert_eq!(none, None, "{name}");
        let updated = User::upsert(NewUser::new("bob@x.org").name("Robert").age(18))
            .on_conflict(user::email)
            .do_update((user::name, user::age))
            .execute(&mut s)
            .expect("do update")
            .expect("row");
        assert_eq!(
            (updated.id, updated.name.as_deref(), updated.age),
            (seed.bob.id, Some("Robert"), Some(18))
        );

        // Changeset by key: only the given columns; `Some(None)` stores NULL.
        let n = User::update_by_key(
            &mut s,
            seed.alice.id,
            UserChanges {
                name: Some(None),
                age: Some(Some(31)),
                ..Default::default()
            },
        )
        .expect("update_by_key");
        assert_eq!(n, 1);
        let alice = User::get(&mut s, seed.alice.id)
            .expect("get")
            .expect("alice");
        assert_eq!(
            (alice.name, alice.age, alice.email.as_str()),
            (None, Some(31), "alice@x.org")
        );
        assert!(
            alice.updated_at >= seed.alice.updated_at,
            "{name}: @updatedAt maintained"
        );
        assert_eq!(
            User::update_by_key(&mut s, 9999, UserChanges::default()).expect("noop"),
            0
        );

        // save(): the whole row by key.
        let mut carol = seed.carol.clone();
        carol.name = Some("Carol".into());
        carol.role = Role::Admin;
        let saved = carol.save(&mut s).expect("save").expect("row");
        assert_eq!(
            (saved.name.as_deref(), saved.role),
            (Some("Carol"), Role::Admin)
        );
        assert!(saved.updated_at >= seed.carol.updated_at);

        // Typed update and delete by filter.
        let n = Post::update()
            .set(post::view_count.to(100))
            .set(post::body.to(Null))
            .filter(post::author_id.eq(seed.alice.id))
            .execute(&mut s)
            .expect("update");
        assert_eq!(n, 2, "{name}");
        let draft = Post::get(&mut s, seed.draft.id)
            .expect("get")
            .expect("draft");
        assert_eq!((draft.view_count, draft.body), (100, None));

        assert_eq!(
            Post::delete_by_key(&mut s, seed.draft.id).expect("delete"),
            1
        );
        assert_eq!(
            Post::delete_by_key(&mut s, seed.draft.id).expect("delete"),
            0
        );
        let n = User::delete()
            .filter(user::email.like("%@bulk.org"))
            .execute(&mut s)
            .expect("delete");
        assert_eq!(n, 300);
        // Cascade: deleting a post deletes its comments and tag links.
        Post::delete()
            .by_key(seed.hello.id)
            .execute(&mut s)
            .expect("delete hello");
        assert_eq!(Comment::query().count(&mut s).expect("count"), 0, "{name}");
        assert_eq!(PostToTag::query().count(&mut s).expect("count"), 2);
        assert_eq!(
            PostToTag::delete_by_key(&mut s, (seed.tips.id, seed.sql.id)).expect("unlink"),
            1
        );
    }
}

#[test]
fn filters_ordering_paging() {
    for (db, seed) in seeded() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let ids = |s: &mut Session, q: ormgen::query::Query<ormgen::query::Root<user::table>>| {
            user_ids(&q.order_by(user::id.asc()).all(s).expect("all"))
        };
        let (a, b, c, d) = (seed.alice.id, seed.bob.id, seed.carol.id, seed.dave.id);
        assert_eq!(
            ids(&mut s, User::query().filter(user::age.ge(18))),
            vec![a, d],
            "{name}"
        );
        assert_eq!(ids(&mut s, User::query().filter(user::age.lt(18))), vec![b]);
        assert_eq!(
            ids(&mut s, User::query().filter(user::id.ne(a))),
            vec![b, c, d]
        );
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::age.ge(18).and(user::email.like("%@x.org")))
            ),
            vec![a, d]
        );
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::role.eq(Role::Author).or(user::age.lt(18)))
            ),
            vec![b, c, d]
        );
        assert_eq!(
            ids(&mut s, User::query().filter(user::age.ge(18).not())),
            vec![b]
        );
        assert_eq!(
            ids(&mut s, User::query().filter(user::name.is_null())),
            vec![c]
        );
        assert_eq!(
            ids(&mut s, User::query().filter(user::age.is_not_null())),
            vec![a, b, d]
        );
        assert_eq!(
            ids(&mut s, User::query().filter(user::id.in_list([b, d, 9999]))),
            vec![b, d]
        );
        assert_eq!(
            ids(&mut s, User::query().filter(user::age.between(17, 30))),
            vec![a, b]
        );
        assert_eq!(
            ids(&mut s, User::query().filter(user::name.ilike("AL%"))),
            vec![a]
        );
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::role.in_list([Role::Admin, Role::Member]))
            ),
            vec![a, b]
        );
        assert_eq!(
            ids(
                &mut s,
                User::query().filter(user::created_at.le(ormgen::query::now()))
            ),
            vec![a, b, c, d]
        );

        // Conditional filters keep the query's type.
        for (min_age, expect) in [(None, vec![a, b, c, d]), (Some(18), vec![a, d])] {
            let mut q = User::query();
            if let Some(m) = min_age {
                q = q.filter(user::age.ge(m));
            }
            assert_eq!(ids(&mut s, q), expect);
        }

        let by_age: Vec<Option<i32>> = User::query()
            .order_by(user::age.desc().nulls_last())
            .all(&mut s)
            .expect("all")
            .iter()
            .map(|u| u.age)
            .collect();
        assert_eq!(by_age, vec![Some(45), Some(30), Some(17), None], "{name}");
        let first_null: Vec<Option<i32>> = User::query()
            .order_by(user::age.asc().nulls_first())
            .all(&mut s)
            .expect("all")
            .iter()
            .map(|u| u.age)
            .collect();
        assert_eq!(first_null, vec![None, Some(17), Some(30), Some(45)]);
        let page = User::query()
            .order_by(user::email.asc())
            .limit(2)
            .offset(1)
            .all(&mut s)
            .expect("page");
        assert_eq!(user_ids(&page), vec![b, c]);
        let roles: Vec<Role> = User::query()
            .select(user::role)
            .distinct()
            .order_by(user::role.asc())
            .all(&mut s)
            .expect("distinct");
        assert_eq!(roles.len(), 3, "{name}: {roles:?}");
    }
}

#[test]
fn projections_aggregates_and_group_by() {
    for (db, seed) in seeded() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let pairs: Vec<(String, Option<i32>)> = User::query()
            .select((user::email, user::age))
            .order_by(user::email.asc())
            .all(&mut s)
            .expect("select");
        assert_eq!(pairs[0], ("alice@x.org".to_owned(), Some(30)), "{name}");
        assert_eq!(pairs[2], ("carol@y.org".to_owned(), None));

        let (n, distinct_roles, total_views, avg_views, oldest, youngest): (
            i64,
            i64,
            Option<i64>,
            Option<f64>,
            Option<i32>,
            Option<i32>,
        ) = User::query()
            .select((
                count(user::id),
                count_distinct(user::role),
                sum(user::age),
                avg(user::age),
                max(user::age),
                min(user::age),
            ))
            .one(&mut s)
            .expect("aggregates");
        assert_eq!(
            (n, distinct_roles, total_views, oldest, youngest),
            (4, 3, Some(92), Some(45), Some(17))
        );
        assert!(
            (avg_views.expect("avg") - 92.0 / 3.0).abs() < 1e-9,
            "{name}"
        );

        let mut per_role: Vec<(Role, i64)> = User::query()
            .select((user::role, count(user::id)))
            .group_by(user::role)
            .all(&mut s)
            .expect("group by");
        per_role.sort_by_key(|(r, _)| r.as_str());
        assert_eq!(
            per_role,
            vec![(Role::Author, 2), (Role::Member, 1), (Role::Admin, 1)],
            "{name}"
        );

        let busy: Vec<(i32, i64)> = Post::query()
            .select((post::author_id, count(post::id)))
            .group_by(post::author_id)
            .having(count(post::id).gt(1))
            .all(&mut s)
            .expect("having");
        assert_eq!(busy, vec![(seed.alice.id, 2)]);

        let views: Option<i64> = Post::query()
            .select(sum(post::view_count))
            .filter(post::published.eq(true))
            .one(&mut s)
            .expect("sum");
        assert_eq!(views, Some(15));
    }
}

#[test]
fn joins_relation_filters_subqueries_and_eager_loading() {
    for (db, seed) in seeded() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let by_alice: Vec<(Post, User)> = Post::query()
            .join(post::author)
            .filter(user::name.eq("Alice"))
            .order_by(post::id.asc())
            .all(&mut s)
            .expect("join");
        assert_eq!(
            by_alice
                .iter()
                .map(|(p, u)| (p.id, u.id))
                .collect::<Vec<_>>(),
            vec![
                (seed.hello.id, seed.alice.id),
                (seed.draft.id, seed.alice.id)
            ],
            "{name}"
        );

        let with_posts: Vec<(User, Option<Post>)> = User::query()
            .left_join(user::posts)
            .order_by(user::id.asc())
            .order_by(post::id.asc())
            .all(&mut s)
            .expect("left join");
        assert_eq!(with_posts.len(), 5, "{name}");
        let lonely: Vec<i32> = with_posts
            .iter()
            .filter(|(_, p)| p.is_none())
            .map(|(u, _)| u.id)
            .collect();
        assert_eq!(lonely, vec![seed.bob.id, seed.carol.id]);

        // Anti-join: users without posts.
        let no_posts = User::query()
            .left_join(user::posts)
            .filter(post::id.is_null())
            .order_by(user::id.asc())
            .all(&mut s)
            .expect("anti join");
        assert_eq!(
            no_posts.iter().map(|(u, _)| u.id).collect::<Vec<_>>(),
            vec![seed.bob.id, seed.carol.id]
        );

        // Many-to-many through `_PostToTag`.
        let tagged: Vec<(Post, Tag)> = Post::query()
            .join(post::tags)
            .filter(tag::name.eq("rust"))
            .order_by(post::id.asc())
            .all(&mut s)
            .expect("m2m");
        assert_eq!(
            tagged.iter().map(|(p, t)| (p.id, t.id)).collect::<Vec<_>>(),
            vec![(seed.hello.id, seed.rust.id), (seed.tips.id, seed.rust.id)]
        );
        let three: Vec<(Comment, Post, User)> = Comment::query()
            .join(comment::post)
            .join(post::author)
            .all(&mut s)
            .expect("two joins");
        assert!(
            three
                .iter()
                .all(|(c, p, u)| c.post_id == p.id && p.author_id == u.id)
        );
        assert_eq!(three.len(), 2);

        // Relation filters (EXISTS).
        let writers = User::query()
            .filter(user::posts.some(post::published.eq(true)))
            .order_by(user::id.asc())
            .all(&mut s)
            .expect("some");
        assert_eq!(
            user_ids(&writers),
            vec![seed.alice.id, seed.dave.id],
            "{name}"
        );
        let all_published = User::query()
            .filter(user::posts.every(post::published.eq(true)))
            .order_by(user::id.asc())
            .all(&mut s)
            .expect("every");
        assert_eq!(
            user_ids(&all_published),
            vec![seed.bob.id, seed.carol.id, seed.dave.id]
        );
        let silent = User::query()
            .filter(user::comments.none(comment::body.like("%")))
            .count(&mut s)
            .expect("none");
        assert_eq!(silent, 2);
        let sql_posts = Post::query()
            .filter(post::tags.some(tag::name.eq("sql")))
            .all(&mut s)
            .expect("m2m some");
        assert_eq!(
            sql_posts.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![seed.tips.id]
        );

        // `in` over a subquery.
        let authors = User::query()
            .filter(
                user::id.in_query(
                    Post::query()
                        .select(post::author_id)
                        .filter(post::published.eq(true)),
                ),
            )
            .order_by(user::id.asc())
            .all(&mut s)
            .expect("in_query");
        assert_eq!(user_ids(&authors), vec![seed.alice.id, seed.dave.id]);

        // Eager loading: two statements, children packed per parent.
        let loaded: Vec<(User, Vec<Post>)> = User::query()
            .order_by(user::id.asc())
            .with(user::posts)
            .all(&mut s)
            .expect("with");
        let shape: Vec<(i32, usize)> = loaded.iter().map(|(u, ps)| (u.id, ps.len())).collect();
        assert_eq!(
            shape,
            vec![
                (seed.alice.id, 2),
                (seed.bob.id, 0),
                (seed.carol.id, 0),
                (seed.dave.id, 1)
            ],
            "{name}"
        );
        let profiles: Vec<(User, Option<Profile>)> = User::query()
            .filter(user::id.eq(seed.alice.id))
            .with(user::profile)
            .all(&mut s)
            .expect("with 1:1");
        assert_eq!(
            profiles[0].1.as_ref().and_then(|p| p.bio.as_deref()),
            Some("Writes things")
        );
    }
}

#[test]
fn terminals_streaming_locking_and_transactions() {
    for (db, seed) in seeded() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        assert_eq!(
            User::query()
                .filter(user::email.eq("bob@x.org"))
                .one(&mut s)
                .expect("one")
                .id,
            seed.bob.id
        );
        assert!(matches!(
            User::query().filter(user::id.eq(9999)).one(&mut s),
            Err(Error::NotFound)
        ));
        assert!(
            matches!(User::query().one(&mut s), Err(Error::TooManyRows)),
            "{name}"
        );
        assert_eq!(
            User::query()
                .order_by(user::id.desc())
                .first(&mut s)
                .expect("first")
                .map(|u| u.id),
            Some(seed.dave.id)
        );
        assert_eq!(
            User::query()
                .filter(user::id.eq(9999))
                .first(&mut s)
                .expect("first"),
            None
        );
        assert!(
            User::query()
                .filter(user::role.eq(Role::Admin))
                .exists(&mut s)
                .expect("exists")
        );
        assert!(
            !User::query()
                .filter(user::age.gt(100))
                .exists(&mut s)
                .expect("exists")
        );
        assert_eq!(
            Post::query()
                .filter(post::published.eq(true))
                .count(&mut s)
                .expect("count"),
            2
        );

        let mut streamed = Vec::new();
        for row in User::query()
            .order_by(user::id.asc())
            .iter(&mut s)
            .expect("iter")
        {
            streamed.push(row.expect("row").id);
        }
        assert_eq!(
            streamed,
            vec![seed.alice.id, seed.bob.id, seed.carol.id, seed.dave.id]
        );
        drop(s);

        // Row locking inside a transaction (a documented no-op on SQLite).
        db.engine
            .transaction(|s| {
                let bob = User::query()
                    .filter(user::id.eq(seed.bob.id))
                    .for_update()
                    .one(s)?;
                User::update()
                    .set(user::age.to(bob.age.map(|a| a + 1)))
                    .by_key(bob.id)
                    .execute(s)?;
                Ok(())
            })
            .expect("locked update");

        // A failed transaction rolls back.
        let failed: ormgen::Result<()> = db.engine.transaction(|s| {
            User::insert(s, NewUser::new("eve@x.org"))?;
            User::insert(s, NewUser::new("eve@x.org"))?; // unique violation
            Ok(())
        });
        assert!(failed.is_err());
        let mut s = db.engine.session().expect("session");
        assert!(
            !User::query()
                .filter(user::email.eq("eve@x.org"))
                .exists(&mut s)
                .expect("exists"),
            "{name}"
        );
        assert_eq!(
            User::get(&mut s, seed.bob.id)
                .expect("get")
                .and_then(|u| u.age),
            Some(18)
        );
    }
}

#[test]
fn self_relations_join_filter_and_load_through_alias_tables() {
    for (db, seed) in seeded() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        // Bob and Carol follow Alice; Alice follows Dave.
        Follows::insert_many(
            &mut s,
            [
                NewFollows::new(seed.bob.id, seed.alice.id),
                NewFollows::new(seed.carol.id, seed.alice.id),
                NewFollows::new(seed.alice.id, seed.dave.id),
            ],
        )
        .expect("follows");

        // The mentor is `users` again, under the alias `users_mentor`.
        let q = User::query()
            .join(user::mentor)
            .filter(user::as_mentor::name.eq("Alice"));
        assert!(
            q.to_sql(ormgen::Dialect::Postgres)
                .sql
                .contains(r#"INNER JOIN "users" AS "users_mentor" ON "users_mentor"."id" = "users"."mentor_id""#),
            "{name}"
        );
        let mentored: Vec<(User, User)> = q.all(&mut s).expect("self join");
        assert_eq!(
            mentored
                .iter()
                .map(|(u, m)| (u.id, m.id))
                .collect::<Vec<_>>(),
            vec![(seed.dave.id, seed.alice.id)],
            "{name}"
        );

        // Left join: every user, with the mentor where there is one; the
        // mentee's own columns and the mentor's are told apart.
        let all: Vec<(String, Option<String>)> = User::query()
            .left_join(user::mentor)
            .select((user::email, user::as_mentor::email))
            .order_by(user::id.asc())
            .all(&mut s)
            .expect("self left join");
        assert_eq!(
            all,
            vec![
                ("alice@x.org".to_owned(), None),
                ("bob@x.org".to_owned(), None),
                ("carol@y.org".to_owned(), None),
                ("dave@x.org".to_owned(), Some("alice@x.org".to_owned())),
            ],
            "{name}"
        );

        // Relation filter on a self-relation: the subquery has its own alias,
        // so "mentors someone older than 40" means what it says.
        let mentors = User::query()
            .filter(user::mentees.some(user::as_mentees::age.gt(40)))
            .all(&mut s)
            .expect("self some");
        assert_eq!(user_ids(&mentors), vec![seed.alice.id], "{name}");
        let not_mentors = User::query()
            .filter(user::mentees.none(user::as_mentees::id.gt(0)))
            .order_by(user::id.asc())
            .all(&mut s)
            .expect("self none");
        assert_eq!(
            user_ids(&not_mentors),
            vec![seed.bob.id, seed.carol.id, seed.dave.id],
            "{name}"
        );

        // Self many-to-many through `_Follows`, both directions.
        let followers_of_alice: Vec<(User, User)> = User::query()
            .join(user::followers)
            .filter(user::id.eq(seed.alice.id))
            .order_by(user::as_followers::id.asc())
            .all(&mut s)
            .expect("followers");
        assert_eq!(
            followers_of_alice
                .iter()
                .map(|(_, f)| f.id)
                .collect::<Vec<_>>(),
            vec![seed.bob.id, seed.carol.id],
            "{name}"
        );
        let followed_by_alice: Vec<(User, User)> = User::query()
            .join(user::following)
            .filter(user::id.eq(seed.alice.id))
            .all(&mut s)
            .expect("following");
        assert_eq!(followed_by_alice.len(), 1, "{name}");
        assert_eq!(followed_by_alice[0].1.id, seed.dave.id, "{name}");
        let followed_by_bob = User::query()
            .filter(user::followers.some(user::as_followers::email.eq("bob@x.org")))
            .all(&mut s)
            .expect("followers some");
        assert_eq!(user_ids(&followed_by_bob), vec![seed.alice.id], "{name}");

        // Eager loading along self-relations.
        let with_mentees: Vec<(User, Vec<User>)> = User::query()
            .order_by(user::id.asc())
            .with(user::mentees)
            .all(&mut s)
            .expect("with mentees");
        let shape: Vec<(i32, Vec<i32>)> = with_mentees
            .iter()
            .map(|(u, ms)| (u.id, user_ids(ms)))
            .collect();
        assert_eq!(
            shape,
            vec![
                (seed.alice.id, vec![seed.dave.id]),
                (seed.bob.id, vec![]),
                (seed.carol.id, vec![]),
                (seed.dave.id, vec![]),
            ],
            "{name}"
        );
        let with_followers: Vec<(User, Vec<User>)> = User::query()
            .filter(user::id.eq(seed.alice.id))
            .with(user::followers)
            .all(&mut s)
            .expect("with followers");
        let mut ids = user_ids(&with_followers[0].1);
        ids.sort();
        assert_eq!(ids, vec![seed.bob.id, seed.carol.id], "{name}");

        // Comment threads: a reply joined with the comment it answers.
        let threads: Vec<(Comment, Comment)> = Comment::query()
            .join(comment::parent)
            .filter(comment::as_parent::body.eq("Nice"))
            .all(&mut s)
            .expect("thread");
        assert_eq!(threads.len(), 1, "{name}");
        assert_eq!(threads[0].0.body, "Thanks", "{name}");
        assert_eq!(threads[0].1.body, "Nice", "{name}");

        // Two different paths to one table in one query are still refused,
        // with a typed error rather than wrong SQL.
        let err = Comment::query()
            .join(comment::author)
            .join(comment::post)
            .join(post::author)
            .count(&mut s)
            .expect_err("users reached twice");
        assert!(matches!(err, Error::Unsupported(_)), "{name}: {err:?}");
    }
}
