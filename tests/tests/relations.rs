//! Relationship loading on the generated blog code, on SQLite and PostgreSQL:
//! lazy loading (`user.posts()` and friends), eager loading with statement
//! counts taken from the engine's events (no N+1), nested and tuple loads, the
//! joined strategy for to-one relations, and self-relations.
#![allow(clippy::type_complexity)]
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use common::{recorder, statements as count};
use ormgen::Session;
use ormgen::query::{ExprExt, NestExt};
use ormgen_tests::blog::*;

const USERS: usize = 12;
const POSTS: usize = 5;
const COMMENTS: usize = 3;

/// `USERS` users with `POSTS` posts each, `COMMENTS` comments per post (by the
/// next user), every post tagged `even` or `odd`, and a profile for even users.
fn seed(s: &mut Session) -> (Vec<User>, Vec<Tag>) {
    let users = User::insert_many(
        s,
        (0..USERS).map(|i| NewUser::new(format!("u{i}@x.org")).name(format!("U{i}"))),
    )
    .expect("users");
    let tags = Tag::insert_many(s, [NewTag::new("even"), NewTag::new("odd")]).expect("tags");
    for (i, u) in users.iter().enumerate() {
        if i % 2 == 0 {
            Profile::insert(s, NewProfile::new(u.id).bio(format!("bio {i}"))).expect("profile");
        }
        let posts = Post::insert_many(
            s,
            (0..POSTS).map(|p| NewPost::new(format!("p{i}.{p}"), u.id)),
        )
        .expect("posts");
        for p in &posts {
            PostToTag::insert(s, NewPostToTag::new(p.id, tags[p.id as usize % 2].id)).expect("tag");
            let by = users[(i + 1) % USERS].id;
            Comment::insert_many(
                s,
                (0..COMMENTS).map(|c| NewComment::new(format!("c{c}"), p.id).author_id(by)),
            )
            .expect("comments");
        }
    }
    (users, tags)
}

fn setup() -> Vec<(common::Db, Vec<User>, Vec<Tag>)> {
    common::all()
        .into_iter()
        .map(|db| {
            create_all(&db.engine).expect("create_all");
            let (users, tags) = db.engine.transaction(|s| Ok(seed(s))).expect("seed");
            (db, users, tags)
        })
        .collect()
}

#[test]
fn lazy_loading_returns_queries_that_compose() {
    for (db, users, tags) in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let u0 = &users[0];
        let posts = u0.load_posts(&mut s).expect("load posts");
        assert_eq!(posts.len(), POSTS, "{name}");
        assert!(posts.iter().all(|p| p.author_id == u0.id));
        // The lazy query filters, orders and pages further.
        let last_two = u0
            .posts()
            .filter(post::title.like("p0.%"))
            .order_by(post::id.desc())
            .limit(2)
            .all(&mut s)
            .expect("posts query");
        assert_eq!(
            last_two.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![posts[4].id, posts[3].id],
            "{name}"
        );
        // To-one, required and optional.
        assert_eq!(posts[0].load_author(&mut s).expect("author").id, u0.id);
        let profile = u0.load_profile(&mut s).expect("profile");
        assert_eq!(profile.and_then(|p| p.bio).as_deref(), Some("bio 0"));
        assert!(users[1].load_profile(&mut s).expect("no profile").is_none());
        // Many-to-many in both directions.
        let post_tags = posts[0].load_tags(&mut s).expect("tags");
        assert_eq!(post_tags.len(), 1, "{name}");
        let even_posts = tags[0].posts().count(&mut s).expect("count");
        assert_eq!(even_posts as usize, USERS * POSTS / 2, "{name}");
        // An unset optional foreign key loads nothing.
        let c = Comment::insert(&mut s, NewComment::new("orphan", posts[0].id)).expect("c");
        assert!(c.load_author(&mut s).expect("no author").is_none());
        assert!(c.load_parent(&mut s).expect("no parent").is_none());
        // Self-relations go through their alias tables.
        let dave = User::insert(&mut s, NewUser::new("m@x.org").mentor_id(u0.id)).expect("m");
        assert_eq!(
            dave.load_mentor(&mut s).expect("mentor").map(|m| m.id),
            Some(u0.id)
        );
        let mentees = u0
            .mentees()
            .filter(user::as_mentees::email.eq("m@x.org"))
            .all(&mut s)
            .expect("mentees");
        assert_eq!(mentees.len(), 1, "{name}");
    }
}

#[test]
fn eager_loading_uses_one_statement_per_relation_level() {
    for (db, users, _) in setup() {
        let name = db.name();
        let log = recorder(&db.engine);
        let mut s = db.engine.session().expect("session");
        s.execute("SELECT 1", ()).expect("warm up");

        // N users × M posts: exactly 2 statements.
        let (loaded, sql) = count(&log, || {
            User::query()
                .order_by(user::id.asc())
                .with(user::posts)
                .all(&mut s)
                .expect("with posts")
        });
        assert_eq!(sql.len(), 2, "{name}: {sql:#?}");
        assert_eq!(loaded.len(), USERS);
        assert!(
            loaded
                .iter()
                .all(|(u, ps)| ps.len() == POSTS && ps.iter().all(|p| p.author_id == u.id))
        );

        // Nested: users → posts → comments in 3 statements, typed nested rows.
        let (nested, sql): (Vec<(User, Vec<(Post, Vec<Comment>)>)>, _) = count(&log, || {
            User::query()
                .order_by(user::id.asc())
                .with(user::posts.with(post::comments))
                .all(&mut s)
                .expect("nested")
        });
        assert_eq!(sql.len(), 3, "{name}: {sql:#?}");
        assert_eq!(nested.len(), USERS);
        for (u, posts) in &nested {
            assert_eq!(posts.len(), POSTS);
            for (p, comments) in posts {
                assert_eq!(p.author_id, u.id);
                assert_eq!(comments.len(), COMMENTS);
                assert!(comments.iter().all(|c| c.post_id == p.id));
            }
        }

        // Three levels and a tuple: posts with (author, tags, comments → author).
        let (posts, sql): (
            Vec<(Post, (User, Vec<Tag>, Vec<(Comment, Option<User>)>))>,
            _,
        ) = count(&log, || {
            Post::query()
                .order_by(post::id.asc())
                .with((
                    post::author,
                    post::tags,
                    post::comments.with(comment::author),
                ))
                .all(&mut s)
                .expect("tuple")
        });
        assert_eq!(sql.len(), 5, "{name}: {sql:#?}");
        assert_eq!(posts.len(), USERS * POSTS);
        for (p, (author, tags, comments)) in &posts {
            assert_eq!(author.id, p.author_id);
            assert_eq!(tags.len(), 1);
            assert_eq!(comments.len(), COMMENTS);
            let i = users.iter().position(|u| u.id == p.author_id).unwrap();
            let commenter = users[(i + 1) % USERS].id;
            assert!(
                comments
                    .iter()
                    .all(|(_, a)| a.as_ref().map(|a| a.id) == Some(commenter))
            );
        }

        // Many-to-many and one-to-one.
        let (with_tags, sql) = count(&log, || {
            Post::query().with(post::tags).all(&mut s).expect("m2m")
        });
        assert_eq!(sql.len(), 2, "{name}");
        assert!(with_tags.iter().all(|(_, t)| t.len() == 1));
        let (profiles, sql) = count(&log, || {
            User::query().with(user::profile).all(&mut s).expect("1:1")
        });
        assert_eq!(sql.len(), 2, "{name}");
        assert_eq!(
            profiles.iter().filter(|(_, p)| p.is_some()).count(),
            USERS / 2
        );

        // Joined strategy for to-one relations: one statement.
        let (joined, sql) = count(&log, || {
            Post::query()
                .with_joined(post::author)
                .filter(user::name.eq("U3"))
                .all(&mut s)
                .expect("joined")
        });
        assert_eq!(sql.len(), 1, "{name}");
        assert!(sql[0].contains("INNER JOIN"), "{}", sql[0]);
        assert_eq!(joined.len(), POSTS);
        assert!(
            joined
                .iter()
                .all(|(p, u)| p.author_id == u.id && u.name.as_deref() == Some("U3"))
        );
        let (left, sql): (Vec<(User, Option<Profile>)>, _) = count(&log, || {
            User::query()
                .with_joined(user::profile)
                .order_by(user::id.asc())
                .all(&mut s)
                .expect("left joined")
        });
        assert!(sql[0].contains("LEFT JOIN"), "{}", sql[0]);
        assert_eq!(left.iter().filter(|(_, p)| p.is_some()).count(), USERS / 2);

        // Self-relations, and nested loads through an alias table.
        for (i, u) in users.iter().enumerate().skip(1) {
            User::update_by_key(
                &mut s,
                u.id,
                UserChanges {
                    mentor_id: Some(Some(users[i / 4].id)),
                    ..Default::default()
                },
            )
            .expect("mentor");
        }
        let (mentors, sql): (Vec<(User, Vec<(User, Vec<Post>)>)>, _) = count(&log, || {
            User::query()
                .order_by(user::id.asc())
                .with(user::mentees.with(user::posts))
                .all(&mut s)
                .expect("mentees with posts")
        });
        assert_eq!(sql.len(), 3, "{name}: {sql:#?}");
        let total: usize = mentors.iter().map(|(_, m)| m.len()).sum();
        assert_eq!(total, USERS - 1);
        assert!(mentors.iter().all(|(u, ms)| {
            ms.iter()
                .all(|(m, ps)| m.mentor_id == Some(u.id) && ps.len() == POSTS)
        }));
    }
}
