//! The doc comments of generated insert-type fields say what `None` stores,
//! and say it only for the fields it is true of.

use std::path::Path;

use ormgen_build::codegen::{Options, generate};

const SCHEMA: &str = r#"
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Note {
  id        Int      @id @default(autoincrement())
  title     String
  subtitle  String?
  tags      String[]
  scores    Int[]    @default([1, 2])
  status    String   @default("draft")
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
}
"#;

/// The generated code of `SCHEMA`.
fn code() -> String {
    let (schema, _) = ormgen_schema::parse_and_validate("notes", SCHEMA)
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let out = generate(&schema, &Options::new("notes")).expect("generate");
    out[Path::new("notes.rs")].clone()
}

/// The doc line right above field `name` of `pub struct <strukt>`.
fn field_doc(code: &str, strukt: &str, name: &str) -> String {
    let start = code
        .find(&format!("pub struct {strukt}"))
        .unwrap_or_else(|| panic!("no struct {strukt}"));
    let body = &code[start..];
    let body = &body[..body.find("\n}").expect("struct end")];
    let lines: Vec<&str> = body.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&format!("pub {name}:")))
        .unwrap_or_else(|| panic!("no field {name} in {strukt}"));
    lines[at - 1].to_owned()
}

#[test]
fn a_scalar_list_without_default_stores_an_empty_list() {
    let code = code();
    assert_eq!(
        field_doc(&code, "NewNote", "tags"),
        "/// Column `tags`; `None` stores an empty list."
    );
}

#[test]
fn only_the_updated_at_field_stores_the_current_time() {
    let code = code();
    assert_eq!(
        field_doc(&code, "NewNote", "updated_at"),
        "/// Column `updatedAt`; `None` stores the current time (`@updatedAt`)."
    );
    // The field and its setter carry the sentence; nothing else does.
    let now_lines: Vec<&str> = code
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("stores the current time"))
        .collect();
    assert_eq!(
        now_lines,
        vec!["/// Column `updatedAt`; `None` stores the current time (`@updatedAt`)."; 2],
        "the `@updatedAt` sentence appears on another field"
    );
    assert_eq!(
        field_doc(&code, "NewNote", "scores"),
        "/// Column `scores`; `None` stores the default (`a list`)."
    );
    assert_eq!(
        field_doc(&code, "NewNote", "subtitle"),
        "/// Column `subtitle`; `None` stores NULL."
    );
    assert_eq!(
        field_doc(&code, "NewNote", "title"),
        "/// Column `title` (required)."
    );
}
