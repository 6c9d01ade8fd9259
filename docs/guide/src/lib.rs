//! The ormgen user guide. Each chapter is a Markdown file in `docs/guide/`
//! and the documentation of a module here, so `cargo test -p ormgen-guide`
//! compiles and runs every Rust example in it (on SQLite, against the code
//! generated from `schemas/blog.prisma`, which examples reach through hidden
//! `# use ormgen_guide::blog as db;` lines).
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

/// The code generated from `schemas/blog.prisma`, as an application's
/// `mod db { ormgen::include_schema!("blog"); }` would hold it.
pub mod blog {
    ormgen::include_schema!("blog");
}

/// A fresh in-memory database with the blog's tables and a few rows, for the
/// examples: users Ann (author, 36) and Bob (member, 17); Ann's posts
/// "Hello" (published, tagged `rust`) and "Draft"; Bob's comment "Nice" on
/// "Hello".
pub fn sample() -> ormgen::Result<ormgen::Engine> {
    use blog::{
        NewComment, NewPost, NewPostToTag, NewTag, NewUser, Post, PostStatus, PostToTag, Role, Tag,
        User,
    };
    let engine = ormgen::Engine::connect("sqlite::memory:")?;
    blog::create_all(&engine)?;
    engine.transaction(|s| {
        let ann = User::insert(
            s,
            NewUser::new("ann@example.org")
                .name("Ann")
                .age(36)
                .role(Role::Author),
        )?;
        let bob = User::insert(s, NewUser::new("bob@example.org").name("Bob").age(17))?;
        let hello = Post::insert(
            s,
            NewPost::new("Hello", ann.id)
                .published(true)
                .status(PostStatus::Published),
        )?;
        Post::insert(s, NewPost::new("Draft", ann.id))?;
        let rust = Tag::insert(s, NewTag::new("rust"))?;
        PostToTag::insert(s, NewPostToTag::new(hello.id, rust.id))?;
        blog::Comment::insert(s, NewComment::new("Nice", hello.id).author_id(bob.id))?;
        Ok(())
    })?;
    Ok(engine)
}

#[doc = include_str!("../getting-started.md")]
pub mod getting_started {}

#[doc = include_str!("../schema-language.md")]
pub mod schema_language {}

#[doc = include_str!("../models-and-inserts.md")]
pub mod models_and_inserts {}

#[doc = include_str!("../querying.md")]
pub mod querying {}

#[doc = include_str!("../expressions.md")]
pub mod expressions {}

#[doc = include_str!("../relationships.md")]
pub mod relationships {}

#[doc = include_str!("../unit-of-work.md")]
pub mod unit_of_work {}

#[doc = include_str!("../raw-sql.md")]
pub mod raw_sql {}

#[doc = include_str!("../events-and-logging.md")]
pub mod events_and_logging {}

#[doc = include_str!("../migrations.md")]
pub mod migrations {}

#[doc = include_str!("../testing.md")]
pub mod testing {}

#[doc = include_str!("../engine-pool-sessions.md")]
pub mod engine_pool_sessions {}

#[doc = include_str!("../transactions.md")]
pub mod transactions {}

#[doc = include_str!("../async.md")]
pub mod async_api {}

#[doc = include_str!("../errors.md")]
pub mod errors {}

#[doc = include_str!("../performance.md")]
pub mod performance {}

#[doc = include_str!("../moving-from.md")]
pub mod moving_from {}
