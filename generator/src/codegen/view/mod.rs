//! View models: everything the templates print, computed in Rust from the
//! schema IR (names, Rust and SQL types, SQL constants per dialect). The
//! templates only loop over these and interpolate.
//!
//! Submodules: `model` (a table's columns, key and statements), `relation`
//! (relation sides and alias tables), `insert` (insert types and defaults),
//! `types` (Rust types and SQL type markers).

mod expr;
mod insert;
mod model;
mod relation;
mod types;

use ormgen_schema::{Dialect, Field, PerDialect, RustScalar, Schema};

use super::Options;

pub use insert::{InsertView, NewFieldView};
pub use model::{ChangeView, ColumnView, KeyView, ModelDocs, ModelView};
pub use relation::{AliasView, FieldKeys, RelationView};

use model::{join_table_view, model_view};

/// A doc sentence as the literal of a `#[doc = …]` attribute (`text` starts
/// with the space a `///` comment would have).
fn doc(text: &str) -> String {
    format!("{text:?}")
}

/// The doc comment's lines, or `fallback` (a sentence) when there is none.
fn docs_or(docs: Option<&str>, fallback: String) -> Vec<String> {
    let lines = doc_lines(docs);
    if lines.is_empty() {
        vec![doc(&fallback)]
    } else {
        lines
    }
}

/// Doc comment lines (without the `///`), ready for `#[doc = …]`.
fn doc_lines(docs: Option<&str>) -> Vec<String> {
    docs.map(|d| {
        d.lines()
            .map(|l| doc(&format!(" {}", l.trim_end())))
            .collect()
    })
    .unwrap_or_default()
}

/// A Rust string literal for `s` (raw when it helps readability). A raw
/// string holds its text as written, except that rustc reads a `\r\n` in
/// source as `\n` (and refuses a lone `\r`): text with a control character
/// other than `\n` and `\t` (a mapped name may hold one) is escaped instead.
pub fn rust_str(s: &str) -> String {
    let plain = |c: char| !c.is_control() || c == '\n' || c == '\t';
    if s.contains('"') && !s.contains("\"#") && s.chars().all(plain) {
        format!("r#\"{s}\"#")
    } else {
        format!("{s:?}")
    }
}

/// One generated schema module.
#[derive(Debug)]
pub struct SchemaView {
    /// The schema file name (for the header).
    pub source_name: String,
    /// `#[derive(...)]` list for models (`Debug, Clone, PartialEq`, serde).
    pub model_derives: String,
    /// `#[derive(...)]` list for enums.
    pub enum_derives: String,
    /// `#[derive(...)]` list for insert and changeset types.
    pub new_derives: String,
    /// Enums.
    pub enums: Vec<EnumView>,
    /// Models with code (not `@@ignore`d), then implicit join tables.
    pub models: Vec<ModelView>,
    /// `create_all` statements per dialect (Rust literals).
    pub create: PerDialect<Vec<String>>,
    /// `drop_all` statements per dialect (Rust literals).
    pub drop: PerDialect<Vec<String>>,
    /// The schema's default dialect (`"Postgres"` / `"Sqlite"`).
    pub default_dialect: String,
    /// Whether PostgreSQL SQL is generated.
    pub has_postgres: bool,
    /// Whether SQLite SQL is generated.
    pub has_sqlite: bool,
}

/// A schema enum.
#[derive(Debug)]
pub struct EnumView {
    /// Rust name.
    pub rust_name: String,
    /// The PostgreSQL type name, as a Rust literal.
    pub db_name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Values.
    pub values: Vec<EnumValueView>,
}

/// An enum value.
#[derive(Debug)]
pub struct EnumValueView {
    /// Rust variant name.
    pub rust_name: String,
    /// The database label, as a Rust literal.
    pub db_value: String,
    /// Doc lines.
    pub docs: Vec<String>,
}

/// The query-module path prefix used in generated code.
pub const QUERY_MOD: &str = "::ormgen::query";

/// Whether a field gets code: a scalar column, not `@ignore`d, of a type the
/// generated code can hold (not `Unsupported`). Scalar lists are `Vec<T>` of
/// SQL type `Array<T>`.
pub fn has_code(field: &Field) -> bool {
    match field.scalar() {
        Some(s) => !field.ignored && s.rust_type != RustScalar::Unsupported,
        None => false,
    }
}

/// Builds the view of a schema.
pub fn schema_view(schema: &Schema, source_name: &str, options: &Options, ddl: Ddl) -> SchemaView {
    let serde = if options.serde {
        ", ::serde::Serialize, ::serde::Deserialize"
    } else {
        ""
    };
    let enums = schema
        .enums
        .iter()
        .map(|e| EnumView {
            rust_name: e.rust_name.clone(),
            db_name: rust_str(&e.db_name),
            docs: docs_or(
                e.docs.as_deref(),
                format!(
                    " The schema's enum `{}`: its values, stored as their labels.",
                    e.name
                ),
            ),
            values: e
                .values
                .iter()
                .map(|v| EnumValueView {
                    rust_name: v.rust_name.clone(),
                    db_value: rust_str(&v.db_value),
                    docs: docs_or(
                        v.docs.as_deref(),
                        format!(" Database label `{}`.", v.db_value),
                    ),
                })
                .collect(),
        })
        .collect();
    let mut models: Vec<ModelView> = schema
        .models
        .iter()
        .filter(|m| !m.ignored)
        .map(|m| ModelView {
            hooks: options.hooks.contains(&m.name),
            ..model_view(schema, m)
        })
        .collect();
    for jt in schema.join_tables() {
        models.push(join_table_view(schema, jt));
    }
    if !options.column_operators {
        // Before the alias tables copy the columns.
        for c in models.iter_mut().flat_map(|m| m.columns.iter_mut()) {
            c.numeric = false;
        }
    }
    fill_alias_columns(&mut models);
    SchemaView {
        source_name: source_name.to_owned(),
        model_derives: format!("Debug, Clone, PartialEq{serde}"),
        enum_derives: format!("Debug, Clone, Copy, PartialEq, Eq, Hash{serde}"),
        new_derives: format!("Debug, Clone, PartialEq{serde}"),
        enums,
        models,
        create: literals(&ddl.create),
        drop: literals(&ddl.drop),
        has_postgres: options.dialects.contains(&Dialect::Postgres),
        has_sqlite: options.dialects.contains(&Dialect::Sqlite),
        default_dialect: match schema.dialect {
            Dialect::Postgres => "Postgres".into(),
            Dialect::Sqlite => "Sqlite".into(),
        },
    }
}

/// The DDL statements embedded in `create_all` / `drop_all`, per dialect.
#[derive(Debug)]
pub struct Ddl {
    /// Create statements.
    pub create: PerDialect<Vec<String>>,
    /// Drop statements.
    pub drop: PerDialect<Vec<String>>,
}

impl Default for Ddl {
    fn default() -> Ddl {
        Ddl {
            create: PerDialect::from_fn(|_| Vec::new()),
            drop: PerDialect::from_fn(|_| Vec::new()),
        }
    }
}

/// Statements as Rust literals, per dialect.
fn literals(statements: &PerDialect<Vec<String>>) -> PerDialect<Vec<String>> {
    PerDialect::from_fn(|d| statements.get(d).iter().map(|s| rust_str(s)).collect())
}

/// Gives every alias table the columns of its target, with SQL types as seen
/// from the alias module (one level deeper than the model's module).
fn fill_alias_columns(models: &mut [ModelView]) {
    let columns: std::collections::HashMap<String, (Vec<ColumnView>, Vec<String>)> = models
        .iter()
        .map(|m| {
            let rels = m.relations.iter().map(|r| r.rust_name.clone()).collect();
            (m.module_name.clone(), (m.columns.clone(), rels))
        })
        .collect();
    for alias in models
        .iter_mut()
        .flat_map(|m| m.relations.iter_mut())
        .filter_map(|r| r.alias.as_mut())
    {
        let (target_columns, target_relations) = columns
            .get(&alias.target_module)
            .cloned()
            .unwrap_or_default();
        alias.relations = target_relations
            .into_iter()
            .map(|r| format!("super::super::{}::{r}", alias.target_module))
            .collect();
        alias.columns = target_columns
            .into_iter()
            .map(|mut c| {
                c.module_sql_type = c.module_sql_type.replace("super::", "super::super::");
                c
            })
            .collect();
    }
}

/// A type path as seen from a model's column module: schema enums are in
/// the parent module.
fn in_module(path: String) -> String {
    if path.starts_with("::") {
        path
    } else {
        format!("super::{path}")
    }
}

fn literal_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|c| rust_str(c.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn per_dialect(f: impl Fn(Dialect) -> String) -> PerDialect<String> {
    PerDialect::from_fn(|d| rust_str(&f(d)))
}

#[cfg(test)]
mod tests {
    use super::rust_str;

    /// Every string comes back from its literal unchanged, and no literal
    /// holds a `\r`, which rustc would drop from a `\r\n` in a raw string
    /// (a mapped column `"a\r\nb"` became `a\nb` in the DDL; issue 21, item 7).
    #[test]
    fn rust_string_literals_keep_their_text() {
        for s in [
            "plain",
            "say \"hi\"",
            "x\"; DROP TABLE y; --",
            "ends with \"#",
            "back\\slash \"q\"",
            "line\r\nbreak \"q\"",
            "lone\rcr \"q\"",
            "line\nfeed\ttab \"q\"",
            "nul\0 \u{1b}[0m \"q\"",
            "größe 名前 `x` \"q\"",
        ] {
            let lit = rust_str(s);
            assert!(!lit.contains('\r'), "{lit}");
            let parsed: syn::LitStr = syn::parse_str(&lit).expect("a string literal");
            assert_eq!(parsed.value(), s, "{lit}");
        }
    }
}
