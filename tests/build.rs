//! Generates the code of every schema in `../schemas/` into `OUT_DIR`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ormgen_build::Config::new()
        .schema("../schemas/blog.prisma")
        .schema("../schemas/shop.prisma")
        .schema("../schemas/all_types.prisma")
        .schema("../schemas/all_types_sqlite.prisma")
        .schema("../schemas/upserts.prisma")
        .schema("../schemas/native_types.prisma")
        .schema("../schemas/native_types_sqlite.prisma")
        .compile()?;
    Ok(())
}
