//! Generates `OUT_DIR/blog.rs` from the blog schema for both dialects, with
//! serde derives on the models so that handlers can return them as JSON.

use ormgen_build::{Config, Dialect};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Config::new()
        .schema("../../schemas/blog.prisma")
        .dialects(&[Dialect::Postgres, Dialect::Sqlite])
        .serde(true)
        .compile()?;
    Ok(())
}
