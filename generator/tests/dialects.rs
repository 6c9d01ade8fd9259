//! Which dialects the generated code carries SQL for: the datasource
//! provider's by default (`Config::new()`, `ormgen generate`), both only when
//! asked (`Config::dialects`), and then a construct only PostgreSQL has is a
//! schema error naming it.

use std::path::{Path, PathBuf};

use ormgen_build::{Config, Dialect, Error};

/// A fresh directory under the system temp dir.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ormgen-dialects-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `source` as `<dir>/<name>.prisma` and compiles it with `config`;
/// the generated code or the error.
fn compile(name: &str, source: &str, config: Config) -> Result<String, Error> {
    let dir = temp(name);
    let schema = dir.join(format!("{name}.prisma"));
    std::fs::write(&schema, source).expect("write schema");
    let written = config
        .schema(&schema)
        .out_dir(dir.join("out"))
        .cargo_output(false)
        .compile()?;
    Ok(std::fs::read_to_string(&written[0]).expect("read generated code"))
}

fn schema(provider: &str) -> String {
    format!(
        "datasource db {{\n  provider = \"{provider}\"\n}}\n\n\
         model User {{\n  id    Int    @id @default(autoincrement())\n  email String @unique\n  \
         posts Post[]\n}}\n\n\
         model Post {{\n  id       Int    @id @default(autoincrement())\n  title    String\n  \
         author   User   @relation(fields: [authorId], references: [id])\n  authorId Int\n}}\n"
    )
}

/// The statements of the generated `pub const <name>: &[&str] = &[ … ];`.
fn ddl_const<'a>(code: &'a str, name: &str) -> &'a str {
    let start = code
        .find(&format!("pub const {name}: &[&str] = &["))
        .unwrap_or_else(|| panic!("no {name} in the generated code"));
    let rest = &code[start..];
    let body = &rest[rest.find("= &[").expect("start of the list") + 4..];
    &body[..body.find("];").expect("end of the constant")]
}

#[test]
fn config_new_on_a_sqlite_schema_emits_no_postgresql_sql() {
    let code = compile("sqlite_only", &schema("sqlite"), Config::new()).expect("compile");
    assert!(ddl_const(&code, "CREATE_ALL_SQLITE").contains("CREATE TABLE"));
    assert!(!ddl_const(&code, "CREATE_ALL_POSTGRES").contains("CREATE TABLE"));
    assert!(!ddl_const(&code, "DROP_ALL_POSTGRES").contains("DROP TABLE"));
    assert!(
        code.contains("postgres: \"\""),
        "fixed statements blank on PostgreSQL"
    );
    assert!(code.contains("?1"), "SQLite placeholders");
    assert!(!code.contains("$1"), "no PostgreSQL placeholder anywhere");
    assert!(!code.contains("SERIAL"), "no PostgreSQL type anywhere");
}

#[test]
fn config_new_on_a_postgresql_schema_emits_no_sqlite_sql() {
    for provider in ["postgresql", "postgres"] {
        let code = compile("pg_only", &schema(provider), Config::new()).expect("compile");
        assert!(ddl_const(&code, "CREATE_ALL_POSTGRES").contains("SERIAL"));
        assert!(!ddl_const(&code, "CREATE_ALL_SQLITE").contains("CREATE TABLE"));
        assert!(!ddl_const(&code, "DROP_ALL_SQLITE").contains("DROP TABLE"));
        assert!(
            code.contains("sqlite: \"\""),
            "fixed statements blank on SQLite"
        );
        assert!(code.contains("$1"), "PostgreSQL placeholders");
        assert!(!code.contains("?1"), "no SQLite placeholder anywhere");
    }
}

#[test]
fn both_dialects_when_asked() {
    for provider in ["postgresql", "sqlite"] {
        let code = compile(
            "both",
            &schema(provider),
            Config::new().dialects(&[Dialect::Sqlite, Dialect::Postgres]),
        )
        .expect("compile");
        assert!(ddl_const(&code, "CREATE_ALL_POSTGRES").contains("SERIAL"));
        assert!(ddl_const(&code, "CREATE_ALL_SQLITE").contains("AUTOINCREMENT"));
        assert!(code.contains("$1") && code.contains("?1"));
        assert!(
            !code.contains("postgres: \"\"") && !code.contains("sqlite: \"\""),
            "no blanked statement: {provider}"
        );
    }
}

#[test]
fn one_dialect_only_when_asked_against_the_provider() {
    let code = compile(
        "asked_sqlite",
        &schema("postgresql"),
        Config::new().dialects(&[Dialect::Sqlite]),
    )
    .expect("compile");
    assert!(!ddl_const(&code, "CREATE_ALL_POSTGRES").contains("CREATE TABLE"));
    assert!(!code.contains("$1"));
}

/// A PostgreSQL schema with one of each construct SQLite lacks, each on its
/// own line (1-based line numbers in the comment).
const PG_ONLY: &str = r#"datasource db {
  provider   = "postgresql"
  extensions = [citext]
}

model Doc {
  id    Int      @id(map: "doc_pk")
  tags  String[]
  title String   @db.VarChar(200)
  body  String

  @@index([body(ops: raw("gin_trgm_ops"))], type: Gin)
  @@index([title], type: Hash)
}
"#;

fn both_error(name: &str, source: &str) -> String {
    match compile(
        name,
        source,
        Config::new().dialects(&[Dialect::Postgres, Dialect::Sqlite]),
    ) {
        Err(Error::Schema { rendered, .. }) => rendered,
        other => panic!("expected a schema error, got {other:?}"),
    }
}

/// The line (1-based) of byte offset `at` in `source`.
fn line_of(source: &str, at: usize) -> usize {
    source[..at].matches('\n').count() + 1
}

#[test]
fn postgresql_only_constructs_are_diagnostics_when_both_dialects_are_asked() {
    let diags = ormgen_schema::check_portable("pg_only.prisma", PG_ONLY).expect_err("not portable");
    let constructs = [
        ("`extensions` are only supported", 3),
        ("`map:` on a primary key", 7),
        ("scalar lists (`String[]`)", 8),
        ("native type `@db.VarChar`", 9),
        ("operator classes (`ops:`)", 12),
        ("index type `Gin`", 12),
        ("index type `Hash`", 13),
    ];
    assert_eq!(
        diags.error_count(),
        constructs.len(),
        "{}",
        diags.render(false)
    );
    for (construct, line) in constructs {
        let d = diags
            .items
            .iter()
            .find(|d| d.message.contains(construct))
            .unwrap_or_else(|| panic!("no diagnostic names {construct}:\n{}", diags.render(false)));
        assert!(
            d.message.starts_with(
                "PostgreSQL-only construct in a schema generated for both PostgreSQL and SQLite: "
            ),
            "{}",
            d.message
        );
        assert_eq!(line_of(PG_ONLY, d.span.start), line, "{construct}");
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.starts_with("generate PostgreSQL only"), "{help}");
    }

    // Through the build.rs API: the same diagnostics, rendered with file and line.
    let report = both_error("pg_constructs", PG_ONLY);
    assert!(report.contains("pg_constructs.prisma:8:"), "{report}");
    assert!(report.contains("7 error(s)"), "{report}");
    // The same schema for its own dialect is fine.
    compile("pg_only_alone", PG_ONLY, Config::new()).expect("valid on PostgreSQL");
}

#[test]
fn a_portable_schema_has_no_diagnostic() {
    for provider in ["postgresql", "sqlite"] {
        ormgen_schema::check_portable("s.prisma", &schema(provider))
            .unwrap_or_else(|d| panic!("{}", d.render(false)));
    }
}

#[test]
fn the_example_schemas_are_portable_or_not_as_the_tests_use_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let source = |name: &str| {
        std::fs::read_to_string(root.join(format!("{name}.prisma"))).expect("read schema")
    };
    // blog runs on both backends (tests crate, build-examples/blog).
    compile(
        "blog",
        &source("blog"),
        Config::new().dialects(&[Dialect::Postgres, Dialect::Sqlite]),
    )
    .unwrap_or_else(|e| panic!("blog: {e}"));
    for (name, construct) in [("shop", "scalar lists"), ("all_types", "scalar lists")] {
        let report = both_error(name, &source(name));
        assert!(report.contains(construct), "{name}: {report}");
    }
}
