//! The ormgen schema language front end.
//!
//! ```text
//! source ──pest (lower.rs)──▶ syntax tree (syntax.rs) ──validate.rs──▶ Schema (ir.rs)
//!                                   └──format.rs──▶ canonical text (`ormgen fmt`)
//! ```
//!
//! The pest grammar defines the language. Plain files (the common case) are
//! parsed by a hand-written fast path (`fast.rs`) that builds the identical
//! syntax tree; anything unusual, and every syntax error, goes through pest.
//!
//! The entry point is [`parse_and_validate`]: it returns the checked
//! [`Schema`] with its warnings, or every diagnostic when there are errors.
//! [`render`] (or [`Diagnostics::render`]) prints them as miette reports.
//!
//! ```
//! use ormgen_schema::{Dialect, FieldKind, RelationStorage};
//!
//! let src = r#"
//! datasource db {
//!   provider = "postgresql"
//! }
//! model User {
//!   id    Int    @id @default(autoincrement())
//!   email String @unique @db.VarChar(320)
//!   posts Post[]
//! }
//! model Post {
//!   id       Int  @id @default(autoincrement())
//!   author   User @relation(fields: [authorId], references: [id])
//!   authorId Int  @map("author_id")
//! }
//! "#;
//! let (schema, warnings) = ormgen_schema::parse_and_validate("schema.prisma", src).unwrap();
//! assert!(warnings.is_empty());
//! for model in &schema.models {
//!     // struct `User`, module `user`, table `User`
//!     let _ = (&model.rust_name, &model.module_name, &model.table_name);
//!     for (field, column) in model.scalar_fields() {
//!         let _ = (&field.rust_name, field.arity, column.rust_type);
//!         let _ = (&column.column_name, column.sql_type.get(Dialect::Postgres));
//!     }
//!     for (field, rel) in model.relation_fields() {
//!         let target = schema.model(rel.target);
//!         let relation = schema.relation(rel.relation);
//!         let _ = (&field.name, &target.name, relation.kind);
//!     }
//! }
//! let user = schema.model_by_name("User").unwrap();
//! assert_eq!(user.primary_key.as_ref().unwrap().constraint_name.postgres, "User_pkey");
//! assert_eq!(user.fields[1].scalar().unwrap().sql_type.postgres, "VARCHAR(320)");
//! let fk = schema.foreign_keys().next().unwrap();
//! assert_eq!(fk.constraint_name.get(Dialect::Postgres), "Post_author_id_fkey");
//! assert_eq!(fk.on_delete.sql(), "RESTRICT");
//! assert!(matches!(schema.relations[0].storage, RelationStorage::ForeignKey(_)));
//! assert!(matches!(schema.field(fk.relation_field).kind, FieldKind::Relation(_)));
//! ```
//!
//! Errors come back as [`Diagnostics`]; `render(false)` gives plain text:
//!
//! ```
//! let err = ormgen_schema::parse_and_validate("s.prisma", "model A {\n  id Strng @id\n}\n").unwrap_err();
//! assert!(err.render(false).contains("did you mean `String`?"));
//! ```
//!
//! Design decisions the spec leaves open:
//! - Rust names: snake_case fields and modules, UpperCamelCase types and
//!   variants (heck); keywords become raw identifiers (`r#type`) except
//!   `self`, `Self`, `super`, `crate`, which cannot be raw and get an `_`
//!   suffix (`self_`). Two fields, models or enum values with the same Rust
//!   name are an error.
//! - `relationMode = "prisma"` is honoured: relations are resolved as usual
//!   and [`ForeignKey::in_database`] is `false`.
//! - Without a datasource block the dialect defaults to SQLite.
//! - SQL types are computed for both dialects; `@db.*` applies to PostgreSQL,
//!   the other dialect gets the PSL type's default.
//! - Implicit many-to-many tables follow Prisma 6: `(A, B)` is the primary
//!   key `_X_AB_pkey` on PostgreSQL and the unique index `_X_AB_unique` on
//!   SQLite; both get the index `_X_B_index`.

mod diagnostics;
mod extensions;
mod fast;
pub mod format;
pub mod ir;
mod lower;
pub mod names;
mod native;
mod portable;
pub mod syntax;
mod validate;

pub use diagnostics::{Diagnostic, Diagnostics, Severity, Span, render};
pub use ir::*;
pub use lower::MAX_NESTING;
pub use portable::check_portable;

/// Parses a schema into its syntax tree. Syntax errors are returned as
/// diagnostics next to the (partial) tree; parsing never panics.
pub fn parse(source: &str) -> (syntax::SchemaAst, Vec<Diagnostic>) {
    lower::parse(source)
}

/// Parses and validates a schema, returning every diagnostic (errors and
/// warnings) in source order, and the IR (best effort when there are errors).
pub fn check(source: &str) -> (Schema, Vec<Diagnostic>) {
    let (ast, mut diags) = lower::parse(source);
    let schema = validate::validate(&ast, source, &mut diags);
    diags.sort_by_key(|d| (d.span.start, d.severity));
    diags.dedup();
    (schema, diags)
}

/// Parses and validates a schema file.
///
/// On success returns the checked [`Schema`] and its warnings; when there is
/// at least one error returns [`Diagnostics`] holding every error and
/// warning, ready to [`Diagnostics::render`].
pub fn parse_and_validate(
    file_name: &str,
    source: &str,
) -> Result<(Schema, Vec<Diagnostic>), Diagnostics> {
    let (schema, diags) = check(source);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics {
            file_name: file_name.to_owned(),
            source_text: source.to_owned(),
            items: diags,
        });
    }
    Ok((schema, diags))
}
