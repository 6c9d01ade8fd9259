//! The ormgen user guide. Each chapter is a Markdown file in `docs/guide/`
//! and the documentation of a module here, so `cargo test -p ormgen-guide`
//! compiles and runs every Rust example in it (on SQLite, against the code
//! generated from `schemas/blog.prisma`, which examples reach through hidden
//! `# use ormgen_guide::blog as db;` lines).
#![doc = include_str!("../README.md")]

/// The code generated from `schemas/blog.prisma`, as an application's
/// `mod db { ormgen::include_schema!("blog"); }` would hold it.
#[allow(missing_docs)]
pub mod blog {
    ormgen::include_schema!("blog");
}

#[doc = include_str!("../engine-pool-sessions.md")]
pub mod engine_pool_sessions {}

#[doc = include_str!("../transactions.md")]
pub mod transactions {}

#[doc = include_str!("../async.md")]
pub mod async_api {}

#[doc = include_str!("../errors.md")]
pub mod errors {}
