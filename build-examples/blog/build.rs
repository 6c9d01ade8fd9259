//! Generates `OUT_DIR/blog.rs` from the blog schema.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ormgen_build::compile("../../schemas/blog.prisma")?;
    Ok(())
}
