//! ormgen end to end: `build.rs` compiles `schemas/blog.prisma` into
//! `OUT_DIR/blog.rs`; this program includes it and exercises the generated
//! API on SQLite (a database file in a temporary directory), or on
//! PostgreSQL when given a URL as the first argument or in `DATABASE_URL`.
//!
//! ```text
//! cargo run -q -p blog-example                                   # SQLite
//! cargo run -q -p blog-example -- postgres://user@localhost/db   # PostgreSQL
//! ```

mod db {
    ormgen::include_schema!("blog");
}

use db::{
    Comment, NewComment, NewPost, NewPostToTag, NewTag, NewUser, Post, PostStatus, PostToTag, Role,
    Tag, User, UserChanges, comment, post, tag, user,
};
use ormgen::query::{ColumnExt, ExprExt, NestExt, RelationExt, Tracked};
use ormgen::{Engine, count};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> ormgen::Result<()> {
    let url = std::env::args().nth(1).or_else(|| {
        std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
    });
    let (engine, temp_dir) = match url {
        Some(url) => (Engine::connect(&url)?, None),
        None => {
            let dir =
                std::env::temp_dir().join(format!("ormgen-blog-example-{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| ormgen::Error::Config(e.to_string()))?;
            let url = format!("sqlite://{}", dir.join("blog.db").display());
            (Engine::connect(&url)?, Some(dir))
        }
    };
    println!("connected: {:?} ({})", engine.dialect(), engine.url());
    let result = demo(&engine);
    if let Some(dir) = temp_dir {
        engine.dispose();
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

fn demo(engine: &Engine) -> ormgen::Result<()> {
    db::drop_all(engine)?;
    db::create_all(engine)?;
    db::create_all(engine)?; // a no-op on an existing schema
    println!(
        "create_all: {} statements, twice (the second run is a no-op)",
        match engine.dialect() {
            ormgen::Dialect::Postgres => db::CREATE_ALL_POSTGRES.len(),
            ormgen::Dialect::Sqlite => db::CREATE_ALL_SQLITE.len(),
        }
    );

    // Inserts in one transaction: commit on Ok, roll back on Err.
    let (alice, bob) = engine.transaction(|s| {
        let alice = User::insert(
            s,
            NewUser::new("alice@x.org")
                .name("Alice")
                .age(34)
                .role(Role::Author),
        )?;
        let bob = User::insert(s, NewUser::new("bob@x.org").name("Bob").age(17))?;
        let carol = User::insert(s, NewUser::new("carol@y.org").role(Role::Admin))?;
        println!(
            "inserted users {} ({:?}), {} ({:?}), {} ({:?}, no name)",
            alice.email, alice.role, bob.email, bob.role, carol.email, carol.role
        );
        let hello = Post::insert(
            s,
            NewPost::new("Hello, world", alice.id)
                .published(true)
                .status(PostStatus::Published),
        )?;
        let draft = Post::insert(s, NewPost::new("Half-written", alice.id).body("…"))?;
        let tags = Tag::insert_many(s, [NewTag::new("rust"), NewTag::new("sql")])?;
        PostToTag::insert_many(
            s,
            [
                NewPostToTag::new(hello.id, tags[0].id),
                NewPostToTag::new(draft.id, tags[1].id),
            ],
        )?;
        println!(
            "inserted posts {:?} (status {:?}) and {:?} (default status {:?}); tags rust, sql",
            hello.title, hello.status, draft.title, draft.status
        );
        Ok((alice, bob))
    })?;

    let mut s = engine.session()?;

    // Filters, ordering, limit.
    let adults: Vec<User> = User::query()
        .filter(user::age.ge(18).or(user::age.is_null()))
        .order_by(user::email.asc())
        .limit(10)
        .all(&mut s)?;
    println!(
        "adults or unknown age: {:?}",
        adults.iter().map(|u| u.email.as_str()).collect::<Vec<_>>()
    );

    // A conditional filter keeps the query's type.
    let only_x = true;
    let mut q = User::query();
    if only_x {
        q = q.filter(user::email.like("%@x.org"));
    }
    println!("users at x.org: {}", q.count(&mut s)?);

    // A join along a declared relation.
    let by_author: Vec<(Post, User)> = Post::query()
        .join(post::author)
        .filter(user::name.eq("Alice"))
        .order_by(post::id.asc())
        .all(&mut s)?;
    for (p, u) in &by_author {
        println!("post {:?} by {}", p.title, u.name.as_deref().unwrap_or("?"));
    }
    let tagged: Vec<(Post, Tag)> = Post::query()
        .join(post::tags)
        .filter(tag::name.eq("rust"))
        .all(&mut s)?;
    println!(
        "posts tagged rust: {:?}",
        tagged
            .iter()
            .map(|(p, _)| p.title.as_str())
            .collect::<Vec<_>>()
    );

    // An aggregate with group_by.
    let per_role: Vec<(Role, i64)> = User::query()
        .select((user::role, count(user::id)))
        .group_by(user::role)
        .order_by(user::role.asc())
        .all(&mut s)?;
    println!("users per role: {per_role:?}");

    // Relation filter and eager loading.
    let writers = User::query()
        .filter(user::posts.some(post::published.eq(true)))
        .count(&mut s)?;
    println!("users with a published post: {writers}");
    let with_posts: Vec<(User, Vec<Post>)> = User::query()
        .order_by(user::id.asc())
        .with(user::posts)
        .all(&mut s)?;
    for (u, posts) in &with_posts {
        println!("  {} has {} post(s)", u.email, posts.len());
    }

    // Updates: a typed update, and a changeset by key.
    let n = Post::update()
        .set(post::published.to(true))
        .filter(post::author_id.eq(alice.id))
        .execute(&mut s)?;
    println!("published {n} post(s) of alice");
    User::update_by_key(
        &mut s,
        bob.id,
        UserChanges {
            age: Some(Some(18)),
            ..Default::default()
        },
    )?;
    let bob = User::get(&mut s, bob.id)?.ok_or(ormgen::Error::NotFound)?;
    println!("bob is now {:?} (updated_at {})", bob.age, bob.updated_at);
    // A session is a unit of work: its statements run in one transaction.
    s.commit()?;

    // The unit of work: a graph of new rows through handles, written at
    // commit in foreign-key order (the post's author_id comes from `erin`).
    let erin = s.add(NewUser::new("erin@x.org").name("Erin"));
    let draft = s.add(NewPost::with_author("Erin's first post", erin));
    let note = s.add(NewComment::with_post("Welcome!", draft));
    s.set(note, comment::author, &alice)?;
    let flushed = s.flush()?;
    s.commit()?;
    let draft = flushed.get(draft)?;
    println!(
        "unit of work: {} rows inserted; post {} by user {}",
        flushed.len(),
        draft.id,
        flushed.get(erin)?.id
    );
    // Eager loading, nested: users, their posts, the posts' comments (3 statements).
    type Thread = (Post, Vec<Comment>);
    let nested: Vec<(User, Vec<Thread>)> = User::query()
        .filter(user::id.eq(flushed.get(erin)?.id))
        .with(user::posts.with(post::comments))
        .all(&mut s)?;
    for (u, posts) in &nested {
        for (p, comments) in posts {
            println!(
                "  {} wrote {:?} ({} comment(s))",
                u.email,
                p.title,
                comments.len()
            );
        }
    }
    // Dirty tracking: saving writes only the changed column (and updated_at).
    let mut tracked = Tracked::new(draft.clone());
    tracked.body = Some("Hello, world.".into());
    println!("changed columns: {:?}", tracked.changed());
    tracked.save(&mut s)?;
    s.commit()?;

    // A transaction that fails is rolled back.
    let failed = engine.transaction(|s| {
        User::insert(s, NewUser::new("dave@x.org"))?;
        User::insert(s, NewUser::new("dave@x.org"))?; // unique violation
        Ok(())
    });
    println!(
        "failed transaction: {}; dave exists afterwards: {}",
        failed.map_or_else(|e| e.to_string(), |()| "ok".into()),
        User::query()
            .filter(user::email.eq("dave@x.org"))
            .exists(&mut s)?
    );

    // A delete.
    let n = User::delete()
        .filter(user::email.like("%@y.org"))
        .execute(&mut s)?;
    println!(
        "deleted {n} user(s) at y.org; {} left",
        User::query().count(&mut s)?
    );
    s.commit()?;
    drop(s);
    db::drop_all(engine)?;
    println!("drop_all: done");
    migrations()
}

/// The embedded migrations bring a fresh database to the same schema as
/// `create_all` (an in-memory SQLite database, whatever the main backend).
fn migrations() -> ormgen::Result<()> {
    let migrated = Engine::connect("sqlite::memory:")?;
    let applied = db::migrations::run_pending(&migrated)?;
    let created = Engine::connect("sqlite::memory:")?;
    db::create_all(&created)?;
    let same = ormgen::migrate::drift(
        &ormgen::migrate::introspect(&created)?,
        &ormgen::migrate::introspect(&migrated)?,
    )
    .is_empty();
    println!(
        "migrations: applied {applied:?}; the result matches create_all: {same}; pending now: {}",
        db::migrations::run_pending(&migrated)?.len()
    );
    if !same {
        return Err(ormgen::Error::Migration(
            "the embedded migrations do not reproduce create_all".into(),
        ));
    }
    Ok(())
}
