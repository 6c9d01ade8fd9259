//! Generates `OUT_DIR/blog.rs` from the blog schema, with the migrations of
//! `migrations/` (written by `ormgen migrate diff`) embedded. The example runs
//! on SQLite by default and on PostgreSQL when given a URL, so the code is
//! generated for both dialects.

use ormgen_build::{Config, Dialect};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Config::new()
        .schema("../../schemas/blog.prisma")
        .dialects(&[Dialect::Postgres, Dialect::Sqlite])
        .migrations("migrations")
        .compile()?;
    Ok(())
}
