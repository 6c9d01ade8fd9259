//! Generates the benchmark schema's code (`OUT_DIR/bench.rs`) as a user's
//! build script would.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ormgen_build::compile("schema/bench.prisma")?;
    Ok(())
}
