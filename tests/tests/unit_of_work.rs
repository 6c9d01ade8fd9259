//! The session's unit of work on the generated blog code, on SQLite and
//! PostgreSQL: graph inserts through handles in foreign-key order, all or
//! nothing; cycles through nullable foreign keys; to-one links and
//! many-to-many pairs; queued deletes ordered children first; restricted
//! deletes as typed errors; dirty tracking that updates only changed columns.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use common::{recorder, statements};
use ormgen::query::{ExprExt, Tracked};
use ormgen::{Error, Session};
use ormgen_tests::blog::*;

fn setup() -> Vec<common::Db> {
    common::all()
        .into_iter()
        .inspect(|db| create_all(&db.engine).expect("create_all"))
        .collect()
}

fn counts(s: &mut Session) -> [i64; 5] {
    [
        User::query().count(s).expect("users"),
        Post::query().count(s).expect("posts"),
        Comment::query().count(s).expect("comments"),
        Tag::query().count(s).expect("tags"),
        PostToTag::query().count(s).expect("post tags"),
    ]
}

/// `err` is `Error::NoSuchRow` for `action`.
fn assert_no_such_row(err: &Error, action: &str, name: &str) {
    assert!(
        matches!(err, Error::NoSuchRow { action: a, .. } if *a == action),
        "{name}: expected a {action} that hit no row, got {err:?}"
    );
}

/// The table an `INSERT`/`UPDATE`/`DELETE` statement writes.
fn target(sql: &str) -> String {
    let rest = sql
        .strip_prefix("INSERT INTO ")
        .or_else(|| sql.strip_prefix("DELETE FROM "))
        .or_else(|| sql.strip_prefix("UPDATE "))
        .unwrap_or(sql);
    rest.split_whitespace().next().unwrap_or("").to_owned()
}

#[test]
fn a_graph_added_through_handles_is_inserted_parents_first_at_commit() {
    for db in setup() {
        let name = db.name();
        let log = recorder(&db.engine);
        let mut s = db.engine.session().expect("session");

        // Children are added before their parents: the flush sorts them.
        let c1 = s.add(NewComment::new("first!", 0));
        let reply = s.add(NewComment::new("a reply", 0));
        let p1 = s.add(NewPost::new("Hello", 0));
        let p2 = s.add(NewPost::new("Again", 0));
        let ada = s.add(NewUser::new("ada@x.org").name("Ada"));
        let bob = s.add(NewUser::new("bob@x.org"));
        let rust = s.add(NewTag::new("rust"));
        let orm = s.add(NewTag::new("orm"));
        let profile = s.add(NewProfile::new(0).bio("analyst"));

        s.set(p1, post::author, ada).expect("p1 author");
        s.set(p2, post::author, ada).expect("p2 author");
        s.set(c1, comment::post, p1).expect("c1 post");
        s.set(c1, comment::author, bob).expect("c1 author");
        s.set(reply, comment::post, p1).expect("reply post");
        s.set(reply, comment::parent, c1).expect("reply parent");
        s.set(reply, comment::author, ada).expect("reply author");
        // From the other side of a one-to-one: the foreign key is the profile's.
        s.set(ada, user::profile, profile).expect("profile");
        s.connect(p1, post::tags, rust).expect("tag");
        s.connect(p1, post::tags, orm).expect("tag");
        s.connect(p2, post::tags, rust).expect("tag");
        // Bob follows Ada (a self-relation, many-to-many).
        s.connect(ada, user::followers, bob).expect("follow");
        assert!(!s.pending().is_empty());

        let (flushed, sql) = statements(&log, || s.flush());
        let flushed = flushed.expect("flush");
        let writes: Vec<String> = sql.iter().map(|q| target(q)).collect();
        let inserts: Vec<&String> = writes
            .iter()
            .filter(|t| !t.starts_with("SAVEPOINT"))
            .collect();
        // Parents before children, in the order they were added where free.
        let position = |t: &str| inserts.iter().position(|w| w.as_str() == t).unwrap();
        assert!(
            position("\"users\"") < position("\"posts\""),
            "{name}: {sql:?}"
        );
        assert!(
            position("\"posts\"") < position("\"comments\""),
            "{name}: {sql:?}"
        );
        assert!(
            position("\"users\"") < position("\"profiles\""),
            "{name}: {sql:?}"
        );
        assert_eq!(
            sql.iter().filter(|q| q.starts_with("INSERT")).count(),
            9 + 4,
            "{name}: nine rows and four join-table pairs: {sql:?}"
        );
        assert!(
            !sql.iter().any(|q| q.starts_with("UPDATE")),
            "{name}: no cycle, no follow-up update: {sql:?}"
        );
        s.commit().expect("commit");

        let ada = flushed.get(ada).expect("ada").clone();
        let bob = flushed.get(bob).expect("bob").clone();
        let p1 = flushed.get(p1).expect("p1").clone();
        let c1 = flushed.get(c1).expect("c1").clone();
        let reply = flushed.get(reply).expect("reply").clone();
        assert_eq!(p1.author_id, ada.id);
        assert_eq!(flushed.get(p2).expect("p2").author_id, ada.id);
        assert_eq!(
            (c1.post_id, c1.author_id, c1.parent_id),
            (p1.id, Some(bob.id), None)
        );
        assert_eq!(
            (reply.post_id, reply.author_id, reply.parent_id),
            (p1.id, Some(ada.id), Some(c1.id))
        );
        assert_eq!(flushed.get(profile).expect("profile").user_id, ada.id);

        // What the database holds agrees.
        assert_eq!(counts(&mut s), [2, 2, 2, 2, 3], "{name}");
        let mut p1_tags: Vec<String> = p1
            .load_tags(&mut s)
            .expect("tags")
            .into_iter()
            .map(|t| t.name)
            .collect();
        p1_tags.sort();
        assert_eq!(p1_tags, ["orm", "rust"], "{name}");
        let followers = ada.load_followers(&mut s).expect("followers");
        assert_eq!(followers.iter().map(|u| u.id).collect::<Vec<_>>(), [bob.id]);
        let stored = Comment::get(&mut s, reply.id)
            .expect("get")
            .expect("reply stored");
        assert_eq!(stored, reply, "{name}");
        assert!(s.pending().is_empty());
    }
}

#[test]
fn a_failed_flush_writes_nothing_and_keeps_the_work_queued() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        User::insert(&mut s, NewUser::new("taken@x.org")).expect("existing");
        s.commit().expect("commit");

        // Earlier work of the same transaction survives the failed flush.
        let tag = Tag::insert(&mut s, NewTag::new("kept")).expect("tag");
        let ada = s.add(NewUser::new("ada@x.org"));
        let post = s.add(NewPost::new("Hello", 0));
        s.set(post, post::author, ada).expect("author");
        s.connect(post, post::tags, &tag).expect("tag");
        let dup = s.add(NewUser::new("taken@x.org"));
        let c = s.add(NewComment::new("hi", 0));
        s.set(c, comment::post, post).expect("post");
        s.set(c, comment::author, dup).expect("author");

        let err = s.flush().expect_err("duplicate email");
        assert!(
            matches!(err, Error::UniqueViolation { .. }),
            "{name}: {err:?}"
        );
        assert!(!s.pending().is_empty(), "{name}: the work stays queued");
        assert_eq!(
            counts(&mut s),
            [1, 0, 0, 1, 0],
            "{name}: nothing of the flush"
        );

        // A failing commit rolls the whole transaction back.
        let err = s.commit().expect_err("still a duplicate");
        assert!(
            matches!(err, Error::UniqueViolation { .. }),
            "{name}: {err:?}"
        );
        assert_eq!(counts(&mut s), [1, 0, 0, 0, 0], "{name}: rolled back");

        // Rolling back drops the queue; a handle of it is no use any more.
        s.rollback().expect("rollback");
        assert!(s.pending().is_empty());
        let err = s.set(post, post::author, ada).expect_err("stale handle");
        assert!(matches!(err, Error::UnitOfWork(_)), "{name}: {err:?}");
    }
}

#[test]
fn an_autocommit_flush_is_one_transaction_of_its_own() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        s.set_autocommit(true).expect("autocommit");
        User::insert(&mut s, NewUser::new("taken@x.org")).expect("existing");
        let ada = s.add(NewUser::new("ada@x.org"));
        let post = s.add(NewPost::new("Hello", 0));
        s.set(post, post::author, ada).expect("author");
        let dup = s.add(NewUser::new("taken@x.org"));
        let c = s.add(NewComment::new("hi", 0));
        s.set(c, comment::post, post).expect("post");
        s.set(c, comment::author, dup).expect("author");
        let err = s.flush().expect_err("duplicate email");
        assert!(
            matches!(err, Error::UniqueViolation { .. }),
            "{name}: {err:?}"
        );
        assert!(!s.in_transaction(), "{name}");
        assert!(!s.pending().is_empty(), "{name}: the work stays queued");
        assert_eq!(
            counts(&mut s),
            [1, 0, 0, 0, 0],
            "{name}: nothing of the flush"
        );

        s.discard_pending();
        let bob = s.add(NewUser::new("bob@x.org"));
        let post = s.add(NewPost::new("Hi", 0));
        s.set(post, post::author, bob).expect("author");
        let flushed = s.flush().expect("flush");
        assert!(!s.in_transaction(), "{name}: committed by the flush");
        assert!(flushed.get(post).is_ok(), "{name}");
        let mut other = db.engine.session().expect("other session");
        assert_eq!(
            counts(&mut other),
            [2, 1, 0, 0, 0],
            "{name}: visible elsewhere"
        );
    }
}

#[test]
fn cycles_through_nullable_foreign_keys_are_broken_with_a_follow_up_update() {
    for db in setup() {
        let name = db.name();
        let log = recorder(&db.engine);
        let mut s = db.engine.session().expect("session");
        // Two users who mentor each other, and one who mentors herself.
        let ann = s.add(NewUser::new("ann@x.org"));
        let ben = s.add(NewUser::new("ben@x.org"));
        let cat = s.add(NewUser::new("cat@x.org"));
        s.set(ann, user::mentor, ben).expect("ann");
        s.set(ben, user::mentor, ann).expect("ben");
        s.set(cat, user::mentor, cat).expect("cat");
        let (flushed, sql) = statements(&log, || s.flush());
        let flushed = flushed.expect("flush");
        s.commit().expect("commit");
        let updates: Vec<&String> = sql.iter().filter(|q| q.starts_with("UPDATE")).collect();
        assert_eq!(updates.len(), 2, "{name}: one update per cycle: {sql:?}");
        let (ann, ben, cat) = (
            flushed.get(ann).expect("ann").clone(),
            flushed.get(ben).expect("ben").clone(),
            flushed.get(cat).expect("cat").clone(),
        );
        assert_eq!(ann.mentor_id, Some(ben.id), "{name}");
        assert_eq!(ben.mentor_id, Some(ann.id), "{name}");
        assert_eq!(cat.mentor_id, Some(cat.id), "{name}");
        let stored = User::query()
            .order_by(user::id.asc())
            .all(&mut s)
            .expect("users");
        assert_eq!(stored, vec![ann.clone(), ben.clone(), cat], "{name}");
        assert_eq!(
            ann.load_mentees(&mut s)
                .expect("mentees")
                .iter()
                .map(|u| u.id)
                .collect::<Vec<_>>(),
            [ben.id]
        );
    }
}

#[test]
fn to_one_links_and_pairs_of_stored_rows() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let ada = User::insert(&mut s, NewUser::new("ada@x.org")).expect("ada");
        let post = Post::insert(&mut s, NewPost::new("Hello", ada.id)).expect("post");
        let tag = Tag::insert(&mut s, NewTag::new("rust")).expect("tag");
        s.commit().expect("commit");

        // A stored post gets a pending author: an update after the insert.
        let bob = s.add(NewUser::new("bob@x.org"));
        s.set(&post, post::author, bob).expect("author");
        s.connect(&post, post::tags, &tag).expect("connect");
        s.connect(&post, post::tags, &tag)
            .expect("connecting twice is a no-op");
        let bob = s.flush().expect("flush").get(bob).expect("bob").clone();
        let stored = Post::get(&mut s, post.id).expect("get").expect("post");
        assert_eq!(stored.author_id, bob.id, "{name}");
        assert!(
            stored.updated_at >= post.updated_at,
            "{name}: @updatedAt maintained"
        );
        assert_eq!(stored.load_tags(&mut s).expect("tags").len(), 1, "{name}");

        s.disconnect(&stored, post::tags, &tag).expect("disconnect");
        s.disconnect(&stored, post::tags, &tag)
            .expect("disconnect again");
        s.flush().expect("flush");
        assert!(stored.load_tags(&mut s).expect("tags").is_empty(), "{name}");

        // Setting a stored row whose row is gone is an error, and undoes the flush.
        Post::delete_by_key(&mut s, post.id).expect("delete");
        let carl = s.add(NewUser::new("carl@x.org"));
        s.set(&post, post::author, carl).expect("author");
        let err = s.flush().expect_err("post gone");
        assert_no_such_row(&err, "update", name);
        assert_eq!(
            User::query().count(&mut s).expect("count"),
            2,
            "{name}: carl not kept"
        );
        s.rollback().expect("rollback");
    }
}

#[test]
fn queued_deletes_run_children_first_and_must_hit_their_rows() {
    for db in setup() {
        let name = db.name();
        let log = recorder(&db.engine);
        let mut s = db.engine.session().expect("session");
        let ada = User::insert(&mut s, NewUser::new("ada@x.org")).expect("ada");
        let post = Post::insert(&mut s, NewPost::new("Hello", ada.id)).expect("post");
        let root = Comment::insert(&mut s, NewComment::new("root", post.id)).expect("c");
        let reply =
            Comment::insert(&mut s, NewComment::new("re", post.id).parent_id(root.id)).expect("r");
        let other = User::insert(&mut s, NewUser::new("other@x.org")).expect("other");
        s.commit().expect("commit");

        // Queued parents first. Deleting a parent first would cascade to its
        // children, and their own deletes would then hit no row.
        s.delete(&ada);
        s.delete(&root);
        s.delete(&post);
        s.delete(&reply);
        s.delete(&ada); // queued once
        let (r, sql) = statements(&log, || s.flush());
        r.expect("flush");
        s.commit().expect("commit");
        let deletes: Vec<String> = sql
            .iter()
            .filter(|q| q.starts_with("DELETE"))
            .map(|q| target(q))
            .collect();
        assert_eq!(
            deletes,
            ["\"comments\"", "\"comments\"", "\"posts\"", "\"users\""],
            "{name}: {sql:?}"
        );
        assert_eq!(counts(&mut s), [1, 0, 0, 0, 0], "{name}");

        // A delete that hits no row fails the flush, and nothing is deleted.
        s.delete(&other);
        s.delete(&ada);
        let err = s.flush().expect_err("ada is gone");
        assert_no_such_row(&err, "delete", name);
        assert_eq!(
            User::query().count(&mut s).expect("count"),
            1,
            "{name}: other kept"
        );
        s.rollback().expect("rollback");
    }
}

#[test]
fn a_restricted_delete_is_a_typed_foreign_key_error() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let ada = User::insert(&mut s, NewUser::new("ada@x.org")).expect("ada");
        let post = Post::insert(&mut s, NewPost::new("Hello", ada.id)).expect("post");
        let file = Attachment::insert(&mut s, NewAttachment::new("a.png", post.id)).expect("f");
        s.commit().expect("commit");

        s.delete(&post);
        let err = s.commit().expect_err("restricted");
        assert!(
            matches!(err, Error::ForeignKeyViolation { .. }),
            "{name}: {err:?}"
        );
        assert!(Post::get(&mut s, post.id).expect("get").is_some(), "{name}");

        // Deleting the attachment in the same flush lets the post go; deleting
        // the user cascades to the post, as the schema says.
        s.rollback().expect("rollback");
        s.delete(&post);
        s.delete(&file);
        s.commit().expect("children first");
        assert_eq!(Attachment::query().count(&mut s).expect("count"), 0);
        let post = Post::insert(&mut s, NewPost::new("Again", ada.id)).expect("post");
        s.delete(&ada);
        s.commit().expect("cascade");
        assert!(Post::get(&mut s, post.id).expect("get").is_none(), "{name}");
    }
}

#[test]
fn tracked_rows_update_only_the_columns_that_changed() {
    for db in setup() {
        let name = db.name();
        let log = recorder(&db.engine);
        let mut s = db.engine.session().expect("session");
        let ada = User::insert(&mut s, NewUser::new("ada@x.org").age(36)).expect("ada");

        let mut user = Tracked::new(User::get(&mut s, ada.id).expect("get").expect("ada"));
        let (saved, sql) = statements(&log, || user.save(&mut s));
        assert!(!saved.expect("save"), "{name}: nothing changed");
        assert!(sql.is_empty(), "{name}: nothing written: {sql:?}");

        user.name = Some("Ada".into());
        assert_eq!(user.changed(), ["name"]);
        let (saved, sql) = statements(&log, || user.save(&mut s));
        assert!(saved.expect("save"), "{name}");
        assert_eq!(sql.len(), 1, "{name}: {sql:?}");
        let update = &sql[0];
        let set_list = &update[update.find(" SET ").unwrap()..update.find(" WHERE ").unwrap()];
        assert!(set_list.contains("\"name\""), "{name}: {update}");
        assert!(set_list.contains("\"updated_at\""), "{name}: {update}");
        for untouched in [
            "\"email\"",
            "\"age\"",
            "\"role\"",
            "\"created_at\"",
            "\"mentor_id\"",
        ] {
            assert!(
                !set_list.contains(untouched),
                "{name}: {untouched} in {update}"
            );
        }
        assert!(user.changed().is_empty(), "{name}: clean after saving");
        assert!(user.updated_at >= ada.updated_at);
        let stored = User::get(&mut s, ada.id).expect("get").expect("ada");
        assert_eq!(
            (stored.name.as_deref(), stored.age),
            (Some("Ada"), Some(36))
        );
        assert_eq!(&stored, &*user, "{name}: the tracked row is the stored row");

        // The same row loaded twice: two independent copies; each save writes
        // the columns that copy changed.
        let mut a = Tracked::new(stored.clone());
        let mut b = Tracked::new(stored);
        a.age = Some(37);
        b.email = "ada@y.org".into();
        a.save(&mut s).expect("a");
        b.save(&mut s).expect("b");
        let stored = User::get(&mut s, ada.id).expect("get").expect("ada");
        assert_eq!(
            (stored.age, stored.email.as_str()),
            (Some(37), "ada@y.org"),
            "{name}"
        );

        // Changing the key updates the row with the loaded key.
        let mut moved = Tracked::new(Tag::insert(&mut s, NewTag::new("x")).expect("tag"));
        moved.id += 100;
        moved.save(&mut s).expect("key change");
        assert!(Tag::get(&mut s, moved.id).expect("get").is_some(), "{name}");

        // A row deleted meanwhile: the update hits nothing.
        User::delete_by_key(&mut s, ada.id).expect("delete");
        a.name = None;
        let err = a.save(&mut s).expect_err("gone");
        assert_no_such_row(&err, "update", name);
        assert_eq!(a.changed(), ["name"], "{name}: still dirty");
    }
}

#[test]
fn self_relation_threads_of_pending_comments() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let ada = User::insert(&mut s, NewUser::new("ada@x.org")).expect("ada");
        let post = Post::insert(&mut s, NewPost::new("Hello", ada.id)).expect("post");
        // A thread four deep, added leaf first.
        let mut handles = Vec::new();
        for depth in 0..4 {
            handles.push(s.add(NewComment::new(format!("depth {}", 3 - depth), 0)));
        }
        for (i, h) in handles.iter().enumerate() {
            s.set(*h, comment::post, &post).expect("post");
            if i + 1 < handles.len() {
                s.set(*h, comment::parent, handles[i + 1]).expect("parent");
            }
        }
        let flushed = s.flush().expect("flush");
        let rows: Vec<Comment> = handles
            .iter()
            .map(|h| flushed.get(*h).expect("row").clone())
            .collect();
        for (i, c) in rows.iter().enumerate() {
            assert_eq!(c.post_id, post.id, "{name}");
            assert_eq!(c.parent_id, rows.get(i + 1).map(|p| p.id), "{name}");
        }
        // The root was inserted first.
        assert!(rows[3].id < rows[0].id, "{name}");
        let replies = rows[3].load_replies(&mut s).expect("replies");
        assert_eq!(replies, vec![rows[2].clone()], "{name}");
        let top = Comment::query()
            .filter(comment::parent_id.is_null())
            .all(&mut s)
            .expect("roots");
        assert_eq!(top.len(), 1, "{name}");
    }
}

/// Issue 20, item 1: a required relation given by its parent when the row
/// is built — a key, a stored row or a pending handle — with no placeholder
/// key; `Linked::link` sets a second relation the same way.
#[test]
fn required_parents_are_given_when_the_row_is_built() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let ada = User::insert(&mut s, NewUser::new("ada@x.org")).expect("ada");

        // A stored row and a key: plain insert values.
        let by_row = Post::insert(&mut s, NewPost::with_author("By row", &ada)).expect("by row");
        let by_key = Post::insert(
            &mut s,
            NewPost::with_author("By key", ada.id).published(true),
        )
        .expect("by key");
        assert_eq!(
            (by_row.author_id, by_key.author_id),
            (ada.id, ada.id),
            "{name}"
        );

        // Pending parents: the flush inserts them first and fills the keys in.
        let erin = s.add(NewUser::new("erin@x.org").name("Erin"));
        let mut draft = NewPost::with_author("Erin's first post", erin);
        draft.row_mut().view_count = Some(7);
        let draft = s.add(draft);
        let note = s.add(NewComment::with_post("First!", draft).link(comment::author, erin));
        let stored_parent = s.add(NewComment::with_post("On a stored post", &by_row));
        let flushed = s.flush().expect("flush");
        let erin = flushed.get(erin).expect("erin").clone();
        let draft = flushed.get(draft).expect("draft").clone();
        let note = flushed.get(note).expect("note").clone();
        assert_eq!((draft.author_id, draft.view_count), (erin.id, 7), "{name}");
        assert_eq!(
            (note.post_id, note.author_id),
            (draft.id, Some(erin.id)),
            "{name}"
        );
        assert_eq!(
            flushed.get(stored_parent).expect("comment").post_id,
            by_row.id,
            "{name}"
        );
        s.commit().expect("commit");

        // A handle of an earlier flush: the next flush fails, writes
        // nothing, and keeps failing until the queue is discarded.
        let mut s = db.engine.session().expect("session");
        let stale = s.add(NewUser::new("stale@x.org"));
        s.flush().expect("flush");
        let _orphan = s.add(NewPost::with_author("Orphan", stale));
        let err = s.flush().expect_err("a stale parent handle");
        assert!(matches!(err, Error::UnitOfWork(_)), "{name}: {err:?}");
        assert!(s.flush().is_err(), "{name}: still failing");
        s.discard_pending();
        s.commit().expect("commit");
        let orphans = Post::query()
            .filter(post::title.eq("Orphan"))
            .count(&mut s)
            .expect("count");
        assert_eq!(orphans, 0, "{name}");
    }
}
