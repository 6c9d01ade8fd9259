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

/// `schemas/blog.prisma`, validated.
fn blog() -> ormgen_schema::Schema {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/blog.prisma"),
    )
    .expect("read schema");
    ormgen_schema::parse_and_validate("blog", &source)
        .expect("valid")
        .0
}

#[test]
fn serde_option_adds_derives() {
    let schema = blog();
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
    let schema = blog();
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
    let schema = blog();
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

/// The lines of `b` that are not in `a`, when `b` is `a` with lines added
/// (greedy in-order matching); `None` when some line of `a` is missing from
/// `b`.
fn added_lines(a: &str, b: &str) -> Option<String> {
    let mut old = a.lines().peekable();
    let mut added = Vec::new();
    for line in b.lines() {
        if old.peek() == Some(&line) {
            old.next();
        } else {
            added.push(line);
        }
    }
    old.peek().is_none().then(|| added.join("\n"))
}

#[test]
fn hooks_add_forwarding_methods_to_the_chosen_models_only() {
    let schema = blog();
    let code = |hooks: &[&str]| {
        let mut options = Options::new("blog");
        options.hooks = hooks.iter().map(|h| h.to_string()).collect();
        generate(&schema, &options).map(|files| files.into_values().next().expect("a file"))
    };
    let plain = code(&[]).expect("generate");
    let hooked = code(&["User"]).expect("generate with hooks");
    let added = added_lines(&plain, &hooked).expect("hooks only add lines");
    assert!(added.contains("impl ::ormgen::query::InsertType for User"));
    assert!(!added.contains("for Post"), "only the chosen model");
    insta::assert_snapshot!("generated_hooks_user", added);

    let err = code(&["Usr"]).expect_err("an unknown model");
    let msg = err.to_string();
    assert!(
        msg.contains("`Usr`") && msg.contains("User, Profile, Post"),
        "{msg}"
    );
}
