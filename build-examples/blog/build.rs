//! Generates `OUT_DIR/blog.rs` from the blog schema, with the migrations of
//! `migrations/` (written by `ormgen migrate diff`) embedded.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ormgen_build::Config::new()
        .schema("../../schemas/blog.prisma")
        .migrations("migrations")
        .compile()?;
    Ok(())
}
