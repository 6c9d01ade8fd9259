//! Generates the blog schema's code that the guide's examples use, with
//! the blog example's migrations embedded.

use ormgen_build::{Config, Dialect};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Config::new()
        .schema("../../schemas/blog.prisma")
        .dialects(&[Dialect::Sqlite])
        .migrations("../../build-examples/blog/migrations")
        .compile()?;
    Ok(())
}
