//! Shared setup of the query tests: the blog schema and a small data set on each
//! backend, and a statement counter.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::common;

/// Creates the schema on `db`.
pub fn create(db: &common::Db) {
    let mut s = db.engine.session().unwrap();
    s.batch_execute(ddl(db.dialect)).unwrap();
    s.commit().unwrap();
}

/// Both backends with the schema and this data set (ids are 1.. in order):
///
/// users: 1 alice (a@x.org, "Alice", 30, ADMIN), 2 bob (b@x.org, "Bob", 17),
///        3 carol (c@y.org, no name, no age), 4 dave (d@x.org, "dave", 65)
/// posts: 1 "Hello" by 1 (published, 10 views, 4.5), 2 "Draft" by 1 (0 views),
///        3 "Bob's post" by 2 (published, 100 views, 3.0), 4 "Spam deal" by 4 (5 views, 1.0)
/// tags:  1 rust, 2 sql, 3 misc;  post 1: rust, sql;  post 3: sql
pub fn seeded() -> Vec<common::Db> {
    let dbs = common::all();
    for db in &dbs {
        create(db);
        let mut s = db.engine.session().unwrap();
        let users = User::insert_many(
            &mut s,
            [
                NewUser {
                    email: "a@x.org".into(),
                    name: Some("Alice".into()),
                    age: Some(30),
                    role: Some(Role::Admin),
                },
                NewUser {
                    email: "b@x.org".into(),
                    name: Some("Bob".into()),
                    age: Some(17),
                    role: None,
                },
                NewUser {
                    email: "c@y.org".into(),
                    ..Default::default()
                },
                NewUser {
                    email: "d@x.org".into(),
                    name: Some("dave".into()),
                    age: Some(65),
                    role: None,
                },
            ],
        )
        .unwrap();
        assert_eq!(
            users.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        let post = |title: &str, author_id, published, views, rating| NewPost {
            title: title.into(),
            body: None,
            author_id,
            published,
            views,
            rating,
            status: published.then_some(PostStatus::Published),
        };
        let posts = Post::insert_many(
            &mut s,
            [
                post("Hello", 1, true, 10, Some(4.5)),
                post("Draft", 1, false, 0, None),
                post("Bob's post", 2, true, 100, Some(3.0)),
                post("Spam deal", 4, false, 5, Some(1.0)),
            ],
        )
        .unwrap();
        assert_eq!(posts.len(), 4);
        for name in ["rust", "sql", "misc"] {
            Tag::insert(&mut s, NewTag { name: name.into() }).unwrap();
        }
        PostToTag::insert_many(
            &mut s,
            [
                NewPostToTag { a: 1, b: 1 },
                NewPostToTag { a: 1, b: 2 },
                NewPostToTag { a: 3, b: 2 },
            ],
        )
        .unwrap();
        s.commit().unwrap();
    }
    dbs
}

/// Counts the statements the engine runs (`AfterExecute` events).
pub fn counter(db: &common::Db) -> Arc<AtomicUsize> {
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    db.engine.add_listener(move |e| {
        if let ormgen::Event::AfterExecute { .. } = e {
            c.fetch_add(1, Ordering::SeqCst);
        }
    });
    n
}

/// Reads a counter.
pub fn read(n: &AtomicUsize) -> usize {
    n.load(Ordering::SeqCst)
}
