//! Snapshot tests (insta) of the generated code for every schema in
//! `schemas/`. The schema text is recorded as the snapshot's input; review
//! changes with `cargo insta review`.

use std::path::{Path, PathBuf};

use ormgen_build::codegen::{Options, generate};

fn schemas() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("schemas/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "prisma"))
        .collect();
    files.sort();
    files
}

#[test]
fn generated_code_of_every_schema() {
    let files = schemas();
    assert!(
        files.len() >= 4,
        "expected the example schemas, found {files:?}"
    );
    for path in files {
        let stem = path
            .file_stem()
            .expect("file stem")
            .to_string_lossy()
            .into_owned();
        let source = std::fs::read_to_string(&path).expect("read schema");
        let (schema, _) = ormgen_schema::parse_and_validate(&stem, &source)
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        let mut options = Options::new(stem.clone());
        options.source_name = format!("{stem}.prisma");
        // As `build.rs` generates them: blog, upserts and hostile_identifiers for
        // both dialects, the others for their providers'.
        if matches!(stem.as_str(), "blog" | "upserts" | "hostile_identifiers") {
            options.dialects = ormgen_schema::Dialect::ALL.to_vec();
        }
        let out = generate(&schema, &options).expect("generate");
        let code = &out[Path::new(&format!("{stem}.rs"))];
        insta::with_settings!({
            snapshot_suffix => stem.clone(),
            input_file => &path,
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("generated", code);
        });
    }
}

#[test]
fn generation_is_deterministic() {
    for path in schemas() {
        let source = std::fs::read_to_string(&path).expect("read schema");
        let (schema, _) = ormgen_schema::parse_and_validate("s", &source).expect("valid");
        let a = generate(&schema, &Options::new("s")).expect("generate");
        let b = generate(&schema, &Options::new("s")).expect("generate");
        assert_eq!(a, b, "{}", path.display());
    }
}

#[test]
fn serde_option_adds_derives() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/blog.prisma"),
    )
    .expect("read schema");
    let (schema, _) = ormgen_schema::parse_and_validate("blog", &source).expect("valid");
    let mut options = Options::new("blog");
    options.serde = true;
    let code = generate(&schema, &options)
        .expect("generate")
        .into_values()
        .next()
        .expect("a file");
    assert!(code.contains("::serde::Serialize"));
    assert!(code.contains("::serde::Deserialize"));
}

#[test]
fn column_operators_are_emitted_for_numeric_columns_unless_turned_off() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/blog.prisma"),
    )
    .expect("read schema");
    let (schema, _) = ormgen_schema::parse_and_validate("blog", &source).expect("valid");
    let code = |on: bool| {
        let mut options = Options::new("blog");
        options.column_operators = on;
        generate(&schema, &options)
            .expect("generate")
            .into_values()
            .next()
            .expect("a file")
    };
    let with = code(true);
    assert!(with.contains("::ormgen::column_operators!(view_count);"));
    assert!(
        !with.contains("::ormgen::column_operators!(email);"),
        "text has none"
    );
    assert!(!code(false).contains("column_operators!"));
}

#[test]
fn dialect_selection_blanks_the_other_dialect() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/blog.prisma"),
    )
    .expect("read schema");
    let (schema, _) = ormgen_schema::parse_and_validate("blog", &source).expect("valid");
    let mut options = Options::new("blog");
    options.dialects = vec![ormgen_schema::Dialect::Sqlite];
    let code = generate(&schema, &options)
        .expect("generate")
        .into_values()
        .next()
        .expect("a file");
    assert!(code.contains("postgres: \"\""));
    assert!(!code.contains("$1"));
    assert!(code.contains("?1"));
}
