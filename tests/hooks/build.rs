//! Generates `schemas/blog.prisma` with write hooks on `User` and `Post`
//! (implemented in `src/fixtures.rs`), for both dialects.

use ormgen_build::{Config, Dialect};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Config::new()
        .schema("../../schemas/blog.prisma")
        .out_name("blog_hooks")
        .hooks(["User", "Post"])
        .dialects(&[Dialect::Postgres, Dialect::Sqlite])
        .compile()?;
    Ok(())
}
