//! Generates the blog schema's code that the guide's examples use, with
//! the blog example's migrations embedded, and the blog again with hooks
//! on `User` (`blog_hooks.rs`).

use ormgen_build::{Config, Dialect};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Config::new()
        .schema("../../schemas/blog.prisma")
        .dialects(&[Dialect::Sqlite])
        .migrations("../../build-examples/blog/migrations")
        .compile()?;
    // The blog with write hooks on `User`: the events chapter's example
    // includes it and implements the hooks.
    Config::new()
        .schema("../../schemas/blog.prisma")
        .out_name("blog_hooks")
        .hooks(["User"])
        .dialects(&[Dialect::Sqlite])
        .compile()?;
    Ok(())
}
