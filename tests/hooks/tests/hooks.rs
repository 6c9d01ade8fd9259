//! Model hooks (`Config::hooks`, `ormgen::query::Hooks`) and session
//! lifecycle hooks (`Engine::before_flush` and its siblings) on SQLite and
//! PostgreSQL, through the blog generated with hooks on `User` and `Post`
//! (`ormgen_hooks_tests::blog_hooks`, hooks in `src/fixtures.rs`):
//! which write paths run per-row hooks, their order within a flush and a
//! commit, hooks that change the row, and refusals that leave nothing
//! written — neither the row nor what the hooks wrote.
#[path = "../../../runtime/tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};

use ormgen::query::{ExprExt, Tracked};
use ormgen::{Error, Session};
use ormgen_hooks_tests::blog_hooks::*;
use ormgen_hooks_tests::fixtures::{log, take_log};

fn setup() -> Vec<common::Db> {
    common::all()
        .into_iter()
        .inspect(|db| create_all(&db.engine).expect("create_all"))
        .collect()
}

/// `[users, profiles, posts]`.
fn counts(s: &mut Session) -> [i64; 3] {
    [
        User::query().count(s).expect("users"),
        Profile::query().count(s).expect("profiles"),
        Post::query().count(s).expect("posts"),
    ]
}

/// Every user's email, by key.
fn emails(s: &mut Session) -> Vec<String> {
    User::query()
        .order_by(user::id.asc())
        .all(s)
        .expect("users")
        .into_iter()
        .map(|u| u.email)
        .collect()
}

fn assert_rejected<T: std::fmt::Debug>(r: ormgen::Result<T>, why: &str, name: &str) {
    match r {
        Err(Error::Rejected(e)) => assert!(
            e.to_string().contains(why),
            "{name}: rejected for another reason: {e}"
        ),
        other => panic!("{name}: expected Error::Rejected ({why}), got {other:?}"),
    }
}

/// Registers session hooks that log like the model hooks do.
fn log_session_events(engine: &ormgen::Engine) {
    engine.before_flush(|_| {
        log("before_flush");
        Ok(())
    });
    engine.after_flush(|_| {
        log("after_flush");
        Ok(())
    });
    engine.before_commit(|_| {
        log("before_commit");
        Ok(())
    });
    engine.after_commit(|_| log("after_commit"));
}

#[test]
fn single_and_many_row_inserts_run_insert_hooks_and_keep_their_changes() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        take_log();

        // One row: the hook's change is what is stored, and its own write
        // (the profile) happened in the same transaction.
        let ada = User::insert(&mut s, NewUser::new("  Ada@Example.COM ")).expect("insert");
        assert_eq!(ada.email, "ada@example.com", "{name}");
        assert_eq!(
            take_log(),
            [
                "before_insert user   Ada@Example.COM ",
                "after_insert user ada@example.com"
            ],
            "{name}"
        );
        let profile = Profile::query()
            .filter(profile::user_id.eq(ada.id))
            .one(&mut s)
            .expect("the hook's profile");
        assert_eq!(profile.bio.as_deref(), Some("created by a hook"), "{name}");

        // Many rows: every `before_insert`, the batch, then every `after_insert`.
        let rows = User::insert_many(&mut s, [NewUser::new("B@x.io"), NewUser::new("C@x.io")])
            .expect("insert_many");
        assert_eq!(
            rows.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(),
            ["b@x.io", "c@x.io"],
            "{name}"
        );
        assert_eq!(
            take_log(),
            [
                "before_insert user B@x.io",
                "before_insert user C@x.io",
                "after_insert user b@x.io",
                "after_insert user c@x.io"
            ],
            "{name}"
        );

        // Without RETURNING for the caller, the hooks still see stored rows.
        let n = User::insert_all(&mut s, [NewUser::new("D@x.io")]).expect("insert_all");
        assert_eq!(n, 1, "{name}");
        User::insert_without_returning(&mut s, NewUser::new("E@x.io")).expect("no returning");
        assert_eq!(
            take_log(),
            [
                "before_insert user D@x.io",
                "after_insert user d@x.io",
                "before_insert user E@x.io",
                "after_insert user e@x.io"
            ],
            "{name}"
        );

        // `before_insert` fills a field before the defaults are: a post
        // without a body gets the hook's.
        let post = Post::insert(&mut s, NewPost::new("Hi", ada.id)).expect("post");
        assert_eq!(post.body.as_deref(), Some("(empty)"), "{name}");
        take_log();
        s.commit().expect("commit");
        assert_eq!(counts(&mut s), [5, 5, 1], "{name}");
    }
}

#[test]
fn a_refused_insert_leaves_neither_the_row_nor_the_hooks_writes() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        User::insert(&mut s, NewUser::new("kept@x.io")).expect("first");
        take_log();

        assert_rejected(
            User::insert(&mut s, NewUser::new("refuse-before@x.io")),
            "before insert",
            name,
        );
        assert_eq!(
            take_log(),
            ["before_insert user refuse-before@x.io"],
            "{name}"
        );

        // Refused after the INSERT and after the hook's own profile insert:
        // both are rolled back (the savepoint around the hooks).
        assert_rejected(
            User::insert(&mut s, NewUser::new("refuse-after@x.io")),
            "after insert",
            name,
        );
        // A batch is all or nothing: the second row's refusal undoes the first.
        assert_rejected(
            User::insert_many(
                &mut s,
                [
                    NewUser::new("fine@x.io"),
                    NewUser::new("refuse-after2@x.io"),
                ],
            ),
            "after insert",
            name,
        );
        assert_rejected(
            User::insert_all(&mut s, [NewUser::new("refuse-after3@x.io")]),
            "after insert",
            name,
        );
        // The session's transaction is not failed: it goes on and commits
        // what was not refused.
        assert!(s.in_transaction(), "{name}");
        s.commit().expect("commit");
        assert_eq!(counts(&mut s), [1, 1, 0], "{name}");
        let emails = emails(&mut s);
        assert_eq!(emails, ["kept@x.io"], "{name}");
    }
}

#[test]
fn saves_run_update_hooks_and_a_refusal_restores_the_row() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let grace = User::insert(&mut s, NewUser::new("grace@x.io")).expect("insert");
        take_log();

        // Tracked: the hook trims the name, and the trimmed value is saved.
        let mut t = Tracked::new(grace.clone());
        t.name = Some("  Grace  ".into());
        assert!(t.save(&mut s).expect("save"), "{name}");
        assert_eq!(t.name.as_deref(), Some("Grace"), "{name}");
        assert_eq!(
            take_log(),
            [
                "before_update user grace@x.io",
                "after_update user grace@x.io"
            ],
            "{name}"
        );

        // A refusal: the database and the tracked row are as before the call.
        t.name = Some("refuse".into());
        assert_rejected(t.save(&mut s), "name is refused", name);
        assert_eq!(
            t.name.as_deref(),
            Some("refuse"),
            "{name}: the caller's edit stays"
        );
        assert_eq!(t.changed(), ["name"], "{name}: still unsaved");
        let stored = User::get(&mut s, grace.id).expect("get").expect("row");
        assert_eq!(stored.name.as_deref(), Some("Grace"), "{name}");
        take_log();

        // The generated full-row save runs the same hooks.
        let mut row = stored.clone();
        row.name = Some(" Hopper ".into());
        let saved = row.save(&mut s).expect("save").expect("row");
        assert_eq!(saved.name.as_deref(), Some("Hopper"), "{name}");
        assert_eq!(
            take_log(),
            [
                "before_update user grace@x.io",
                "after_update user grace@x.io"
            ],
            "{name}"
        );
        row.name = Some("refuse".into());
        assert_rejected(row.save(&mut s), "name is refused", name);
        // ... and the escape hatch does not.
        take_log();
        row.save_without_hooks(&mut s).expect("save").expect("row");
        assert!(take_log().is_empty(), "{name}");
        s.commit().expect("commit");
    }
}

#[test]
fn a_commit_runs_session_and_model_hooks_in_flush_order() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let author = User::insert(&mut s, NewUser::new("author@x.io")).expect("author");
        let old = Post::insert(&mut s, NewPost::new("old", author.id)).expect("old post");
        s.commit().expect("commit");
        log_session_events(&db.engine);
        take_log();

        // Added child first: the flush inserts the parent first, then the
        // child with its foreign key, then the delete.
        let reader = s.add(NewUser::new("Reader@x.io"));
        let post = s.add(NewPost::new("new", 0));
        s.set(post, post::author, reader).expect("link");
        s.delete(&old);
        s.commit().expect("commit");
        assert_eq!(
            take_log(),
            [
                "before_flush",
                "before_insert user Reader@x.io",
                "after_insert user reader@x.io",
                "before_insert post new",
                "after_insert post new",
                "before_delete post old",
                "after_delete post old",
                "after_flush",
                "before_commit",
                "after_commit",
            ],
            "{name}"
        );
        assert_eq!(counts(&mut s), [2, 2, 1], "{name}");

        // A commit with nothing queued runs the commit hooks only; one with
        // no transaction open runs none.
        User::query()
            .count(&mut s)
            .expect("a read opens a transaction");
        s.commit().expect("commit");
        assert_eq!(take_log(), ["before_commit", "after_commit"], "{name}");
        s.commit().expect("nothing to commit");
        assert!(take_log().is_empty(), "{name}");

        // `Session::transaction` commits through the same path.
        s.transaction(|s| User::insert(s, NewUser::new("t@x.io")))
            .expect("transaction");
        assert_eq!(
            take_log(),
            [
                "before_insert user t@x.io",
                "after_insert user t@x.io",
                "before_commit",
                "after_commit"
            ],
            "{name}"
        );
    }
}

#[test]
fn a_refusal_in_a_flush_rolls_back_the_whole_flush_and_keeps_the_queue() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let admin = User::insert(&mut s, NewUser::new("root@x.io").role(Role::Admin)).expect("a");
        let keep = Post::insert(&mut s, NewPost::new("keep", admin.id)).expect("post");
        s.commit().expect("commit");
        take_log();

        // A refused insert in the middle: the rows before it are undone too.
        s.add(NewUser::new("one@x.io"));
        s.add(NewUser::new("refuse-after@x.io"));
        assert_rejected(s.flush(), "after insert", name);
        assert_eq!(s.pending().inserts(), 2, "{name}: the queue is kept");
        s.discard_pending();
        s.commit().expect("commit");
        assert_eq!(counts(&mut s), [1, 1, 1], "{name}");

        // A refused delete: an admin is not deleted, nor the kept post.
        s.delete(&keep);
        assert_rejected(s.commit(), "post is kept", name);
        s.discard_pending();
        s.delete(&admin);
        assert_rejected(s.commit(), "admins are not deleted", name);
        s.discard_pending();
        assert_eq!(counts(&mut s), [1, 1, 1], "{name}");
        assert_eq!(
            take_log(),
            [
                "before_insert user one@x.io",
                "after_insert user one@x.io",
                "before_insert user refuse-after@x.io",
                "after_insert user refuse-after@x.io",
                "before_delete post keep",
                "before_delete user root@x.io",
            ],
            "{name}"
        );
    }
}

#[test]
fn session_hook_errors_abort_the_flush_or_the_commit() {
    for db in setup() {
        let name = db.name();
        let refuse = Arc::new(Mutex::new(""));
        let r = refuse.clone();
        db.engine.before_flush(move |_| match *r.lock().unwrap() {
            "before_flush" => Err(Error::rejected("before_flush says no")),
            _ => Ok(()),
        });
        let r = refuse.clone();
        db.engine.after_flush(move |s| {
            // Inside the flush: the written rows are visible.
            let n = User::query().count(s)?;
            log(format!("after_flush sees {n} users"));
            match *r.lock().unwrap() {
                "after_flush" => Err(Error::rejected("after_flush says no")),
                _ => Ok(()),
            }
        });
        let r = refuse.clone();
        db.engine.before_commit(move |_| match *r.lock().unwrap() {
            "before_commit" => Err(Error::rejected("before_commit says no")),
            _ => Ok(()),
        });
        let committed = Arc::new(Mutex::new(Vec::new()));
        let c = committed.clone();
        db.engine.after_commit(move |_| c.lock().unwrap().push(()));

        let mut s = db.engine.session().expect("session");
        for hook in ["before_flush", "after_flush"] {
            *refuse.lock().unwrap() = hook;
            s.add(NewUser::new("x@x.io"));
            assert_rejected(s.flush(), &format!("{hook} says no"), name);
            assert_eq!(s.pending().inserts(), 1, "{name}: {hook} keeps the queue");
            *refuse.lock().unwrap() = "";
            s.discard_pending();
            assert_eq!(counts(&mut s), [0, 0, 0], "{name}: {hook}");
        }
        take_log();

        // before_commit: the whole transaction is rolled back, the raw
        // statement's row included.
        *refuse.lock().unwrap() = "before_commit";
        s.execute("insert into users (email, role, created_at, updated_at) values ('raw@x.io', 'MEMBER', '2026-01-01', '2026-01-01')", ())
            .expect("raw insert");
        s.add(NewUser::new("queued@x.io"));
        assert_rejected(s.commit(), "before_commit says no", name);
        assert!(!s.in_transaction(), "{name}: rolled back");
        assert!(committed.lock().unwrap().is_empty(), "{name}");
        *refuse.lock().unwrap() = "";
        assert_eq!(counts(&mut s), [0, 0, 0], "{name}");
        s.commit().expect("the reads' transaction");
        committed.lock().unwrap().clear();

        // With no refusal the same commit goes through and after_commit runs.
        s.add(NewUser::new("queued@x.io"));
        s.commit().expect("commit");
        assert_eq!(committed.lock().unwrap().len(), 1, "{name}");
        assert_eq!(counts(&mut s), [1, 1, 0], "{name}");
        assert!(
            take_log().contains(&"after_flush sees 1 users".to_owned()),
            "{name}"
        );
    }
}

#[test]
fn before_commit_work_is_flushed_and_hooks_cannot_reenter() {
    for db in setup() {
        let name = db.name();
        db.engine.before_commit(|s| {
            // Queued by the hook: written before the COMMIT.
            if User::query()
                .filter(user::email.eq("audit@x.io"))
                .count(s)?
                == 0
            {
                s.add(NewUser::new("audit@x.io"));
            }
            Ok(())
        });
        let mut s = db.engine.session().expect("session");
        User::insert(&mut s, NewUser::new("a@x.io")).expect("insert");
        s.commit().expect("commit");
        assert_eq!(counts(&mut s)[0], 2, "{name}: the hook's row is committed");

        // A flush from a flush hook, a commit from a commit hook: errors.
        db.engine.clear_session_hooks();
        db.engine.before_flush(|s| s.flush().map(|_| ()));
        s.add(NewUser::new("b@x.io"));
        let err = s.flush().expect_err("reentrant flush");
        assert!(
            matches!(err, Error::UnitOfWork(ref m) if m.contains("flushing")),
            "{name}: {err:?}"
        );
        s.discard_pending();
        db.engine.clear_session_hooks();
        db.engine.before_commit(|s| s.commit());
        User::insert(&mut s, NewUser::new("c@x.io")).expect("insert");
        let err = s.commit().expect_err("reentrant commit");
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("from a hook")),
            "{name}: {err:?}"
        );
        db.engine.clear_session_hooks();
        assert_eq!(
            counts(&mut s)[0],
            2,
            "{name}: the refused commit was rolled back"
        );
    }
}

#[test]
fn statement_writes_run_no_row_hooks() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let admin = User::insert(&mut s, NewUser::new("root@x.io").role(Role::Admin)).expect("a");
        take_log();

        // Statements write rows they never load: no per-row hooks (as with
        // SQLAlchemy's bulk UPDATE/DELETE). Their effects are plain.
        User::update()
            .set(user::name.to("refuse"))
            .by_key(admin.id)
            .execute(&mut s)
            .expect("update");
        User::update_by_key(
            &mut s,
            admin.id,
            UserChanges {
                age: Some(Some(40)),
                ..Default::default()
            },
        )
        .expect("update_by_key");
        User::upsert(NewUser::new("ROOT@x.io"))
            .on_conflict(user::email)
            .do_nothing()
            .execute(&mut s)
            .expect("upsert");
        User::delete_by_key(&mut s, admin.id).expect("delete admin");
        assert!(take_log().is_empty(), "{name}");
        s.commit().expect("commit");
        // The upsert stored its email as given (no `before_insert`).
        let emails = emails(&mut s);
        assert_eq!(emails, ["ROOT@x.io"], "{name}");
    }
}

#[test]
fn an_async_session_runs_the_same_hooks() {
    for db in setup() {
        let name = db.name();
        let commits = Arc::new(Mutex::new(0));
        let c = commits.clone();
        db.engine.before_commit(move |_| {
            *c.lock().unwrap() += 1;
            Ok(())
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        // Made inside the runtime: on PostgreSQL its connections are
        // tokio-postgres clients there (the fixture's idle ones go first).
        db.engine.dispose();
        let engine = rt.block_on(async { ormgen::AsyncEngine::new(db.engine.clone()) });
        let emails = rt.block_on(async {
            let mut s = engine.session();
            // The async session's own insert runs the model's hooks too.
            let stored = s.insert(NewUser::new("ASYNC@x.io")).await.expect("insert");
            assert_eq!(stored.email, "async@x.io", "{name}");
            assert_rejected(
                s.run_sync(|s| User::insert(s, NewUser::new("refuse-after@x.io")))
                    .await,
                "after insert",
                name,
            );
            s.commit().await.expect("commit");
            s.all(User::query()).await.expect("users")
        });
        assert_eq!(
            emails.into_iter().map(|u| u.email).collect::<Vec<_>>(),
            ["async@x.io"],
            "{name}"
        );
        assert_eq!(*commits.lock().unwrap(), 1, "{name}");
    }
}

#[test]
fn work_hooks_queue_in_a_flush_is_committed_with_it_or_dropped_with_it() {
    for db in setup() {
        let name = db.name();
        let fail_after_flush = Arc::new(Mutex::new(false));
        // Every flush queues an audit row (as an application's audit trail
        // would), unless the flush writes nothing but audit rows.
        db.engine.before_flush(|s| {
            if s.pending().inserts() > 0 {
                s.add(NewUser::new(format!(
                    "audit-{}@x.io",
                    s.pending().inserts()
                )));
            }
            Ok(())
        });
        let f = fail_after_flush.clone();
        db.engine.after_flush(move |_| {
            if *f.lock().unwrap() {
                return Err(Error::rejected("after_flush says no"));
            }
            Ok(())
        });
        let mut s = db.engine.session().expect("session");

        // A failed flush drops the hook's row and keeps the caller's.
        *fail_after_flush.lock().unwrap() = true;
        s.add(NewUser::new("mine@x.io"));
        assert_rejected(s.flush(), "after_flush says no", name);
        assert_eq!(s.pending().inserts(), 1, "{name}: only the caller's row");
        *fail_after_flush.lock().unwrap() = false;

        // Run again, the hook queues its row again: both are written.
        s.commit().expect("commit");
        assert_eq!(emails(&mut s), ["mine@x.io", "audit-1@x.io"], "{name}");

        // Rows a model hook queues during the flush (here, a second user
        // from the `after_flush` of the first flush) are flushed by the same
        // commit, before COMMIT.
        db.engine.clear_session_hooks();
        let once = Arc::new(Mutex::new(true));
        db.engine.after_flush(move |s| {
            if std::mem::take(&mut *once.lock().unwrap()) {
                s.add(NewUser::new("late@x.io"));
            }
            Ok(())
        });
        s.add(NewUser::new("first@x.io"));
        s.commit().expect("commit");
        assert!(s.pending().is_empty(), "{name}");
        assert_eq!(counts(&mut s)[0], 4, "{name}");
        s.commit().expect("the read's transaction");
    }
}

#[test]
fn hooks_cannot_end_the_transaction_and_a_panicking_hook_leaves_the_session_usable() {
    for db in setup() {
        let name = db.name();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s1 = seen.clone();
        db.engine.after_flush(move |s| {
            s1.lock()
                .unwrap()
                .push(format!("{:?}", s.commit().map_err(|e| e.to_string())));
            Ok(())
        });
        let s2 = seen.clone();
        db.engine.after_commit(move |s| {
            s2.lock()
                .unwrap()
                .push(format!("{:?}", s.commit().map_err(|e| e.to_string())));
        });
        let mut s = db.engine.session().expect("session");
        s.add(NewUser::new("a@x.io"));
        s.commit().expect("commit");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "{name}: {seen:?}");
        for r in &seen {
            assert!(r.contains("commit() called from a hook"), "{name}: {r}");
        }
        assert_eq!(counts(&mut s)[0], 1, "{name}");
        s.commit().expect("the read's transaction");

        // A panic in a hook unwinds out of `flush`; the session can flush
        // again afterwards (its in-a-flush state was reset).
        db.engine.clear_session_hooks();
        let panic_once = Arc::new(Mutex::new(true));
        let p = panic_once.clone();
        db.engine.before_flush(move |_| {
            if std::mem::take(&mut *p.lock().unwrap()) {
                panic!("a hook panics");
            }
            Ok(())
        });
        s.add(NewUser::new("b@x.io"));
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.flush()));
        assert!(unwound.is_err(), "{name}: the panic reaches the caller");
        s.rollback().expect("rollback");
        s.add(NewUser::new("b@x.io"));
        s.commit().expect("commit after the panic");
        assert_eq!(counts(&mut s)[0], 2, "{name}");
    }
}
