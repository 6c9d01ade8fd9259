//! The build script's format cache: regenerating after a change to one model
//! reformats only what changed, and the output is byte for byte what a run
//! without the cache writes.

use std::path::{Path, PathBuf};

use ormgen_build::Config;
use ormgen_build::codegen::{FormatCache, Options, generate_cached};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ormgen-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn schema(count_type: &str) -> String {
    format!(
        "datasource db {{\n  provider = \"sqlite\"\n}}\n\n\
         enum Level {{\n  LOW\n  HIGH\n}}\n\n\
         model User {{\n  id    Int    @id @default(autoincrement())\n  email String @unique\n  \
         level Level @default(LOW)\n  posts Post[]\n}}\n\n\
         model Post {{\n  id       Int    @id @default(autoincrement())\n  title    String\n  \
         count    {count_type} @default(0)\n  \
         author   User   @relation(fields: [authorId], references: [id])\n  authorId Int\n}}\n\n\
         model Tag {{\n  id   Int    @id @default(autoincrement())\n  name String\n}}\n"
    )
}

fn compile(dir: &Path, source: &str) -> String {
    let path = dir.join("app.prisma");
    std::fs::write(&path, source).expect("write schema");
    let written = Config::new()
        .schema(&path)
        .out_dir(dir.join("out"))
        .cargo_output(false)
        .compile()
        .expect("compiles");
    std::fs::read_to_string(&written[0]).expect("read output")
}

fn chunks(source: &str, cache: &mut FormatCache) -> String {
    let (schema, diags) = ormgen_schema::check(source);
    assert!(diags.is_empty(), "{diags:?}");
    let files = generate_cached(&schema, &Options::new("app"), cache).expect("generates");
    files.into_values().next().expect("one file")
}

#[test]
fn a_change_to_one_model_reformats_that_model_and_the_schema_wide_items() {
    let mut cache = FormatCache::new();
    let first = chunks(&schema("Int"), &mut cache);
    // One enum, three models, the schema-wide chunk.
    assert_eq!((cache.reused(), cache.formatted()), (0, 5));

    let dir = temp("unit");
    let path = dir.join("cache");
    cache.save(&path).expect("save");
    let mut cache = FormatCache::load(&path);
    let same = chunks(&schema("Int"), &mut cache);
    assert_eq!(same, first);
    assert_eq!((cache.reused(), cache.formatted()), (5, 0));

    cache.save(&path).expect("save");
    let mut cache = FormatCache::load(&path);
    let changed = chunks(&schema("BigInt"), &mut cache);
    // `Post` and the DDL in the schema-wide chunk changed.
    assert_eq!((cache.reused(), cache.formatted()), (3, 2));
    assert_eq!(changed, chunks(&schema("BigInt"), &mut FormatCache::new()));
    assert!(changed.contains("pub count: i64,"), "{changed}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_build_api_output_is_the_same_with_and_without_its_cache() {
    let warm = temp("warm");
    let cold = temp("cold");
    for count_type in ["Int", "BigInt", "Int"] {
        let source = schema(count_type);
        let with_cache = compile(&warm, &source);
        let _ = std::fs::remove_dir_all(cold.join("out"));
        assert_eq!(with_cache, compile(&cold, &source), "{count_type}");
    }
    assert!(warm.join("out/.app.ormgen-format-cache").is_file());

    // A damaged cache is ignored, not trusted.
    std::fs::write(
        warm.join("out/.app.ormgen-format-cache"),
        "ormgen format cache 1 garbage",
    )
    .unwrap();
    assert_eq!(
        compile(&warm, &schema("Int")),
        compile(&cold, &schema("Int"))
    );
    for dir in [warm, cold] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}
