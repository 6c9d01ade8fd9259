//! Generates the benchmark schema's code (`OUT_DIR/bench.rs`) as a user's
//! build script would, for both dialects: `orm_compare` runs it on SQLite
//! and PostgreSQL.

use ormgen_build::{Config, Dialect};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Config::new()
        .schema("schema/bench.prisma")
        .dialects(&[Dialect::Postgres, Dialect::Sqlite])
        .compile()?;
    Ok(())
}
