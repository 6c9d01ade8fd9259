//! Generates the code of every schema in `../schemas/` into `OUT_DIR`.
//!
//! `blog`, `upserts` and `hostile_identifiers` are tested on both SQLite and
//! PostgreSQL, so they are generated for both dialects; the others (no test
//! runs them on the other backend, and they use constructs only their
//! provider has) for their providers'.

use ormgen_build::{Config, Dialect};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Config::new()
        .schema("../schemas/blog.prisma")
        .schema("../schemas/upserts.prisma")
        .schema("../schemas/hostile_identifiers.prisma")
        .dialects(&[Dialect::Postgres, Dialect::Sqlite])
        .compile()?;
    Config::new()
        .schema("../schemas/shop.prisma")
        .schema("../schemas/all_types.prisma")
        .schema("../schemas/all_types_sqlite.prisma")
        .schema("../schemas/native_types.prisma")
        .schema("../schemas/native_types_sqlite.prisma")
        .compile()?;
    Ok(())
}
