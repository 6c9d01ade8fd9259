//! Validation: turns the syntax tree into the checked IR, reporting every
//! problem it finds (it never stops at the first one).
//!
//! Passes: blocks and names → datasource → enums → model fields and
//! attributes → relations → whole-schema checks (keys, duplicate tables,
//! columns, Rust names, constraint names). Lookups go through hash maps so
//! the cost grows linearly with the schema.

mod arguments;
mod blocks;
mod datasource;
mod defaults;
mod enums;
mod fields;
mod model_attributes;
mod models;
mod native_types;
mod relation_build;
mod relations;
mod schema_checks;

use std::collections::BTreeMap;

use crate::Span;
use crate::diagnostics::Diagnostic;
use crate::ir::*;
use crate::names::{self, hint};
use crate::native;
use crate::syntax::*;

/// The validator's lookup tables: std's `HashMap` with rustc's fast,
/// deterministic `FxHasher` (the keys are short names from a local file, so
/// SipHash's flooding resistance buys nothing and costs a tenth of the run).
/// Nothing iterates these maps, so the hash never decides an output order.
type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// Validates a parsed schema, returning the IR (best effort when there are
/// errors) and appending diagnostics to `diags`.
pub fn validate(ast: &SchemaAst, source: &str, diags: &mut Vec<Diagnostic>) -> Schema {
    validate_as(ast, source, diags, None)
}

/// [`validate`], judging the schema as if its provider were `dialect` when
/// one is given (the portability check of `portable.rs` uses it).
pub(crate) fn validate_as(
    ast: &SchemaAst,
    source: &str,
    diags: &mut Vec<Diagnostic>,
    dialect: Option<Dialect>,
) -> Schema {
    let mut v = Validator {
        source,
        diags,
        dialect: dialect.unwrap_or(Dialect::Sqlite),
        forced_dialect: dialect,
        datasource_name: "db".to_owned(),
    };
    v.run(ast)
}

struct Validator<'a> {
    source: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    dialect: Dialect,
    /// Judge the schema for this dialect whatever its provider says.
    forced_dialect: Option<Dialect>,
    datasource_name: String,
}

/// What a type name resolved to.
#[derive(Clone, Copy)]
enum TypeTarget {
    Scalar,
    Enum(EnumId),
    Model(ModelId),
    Unknown,
}

/// A parsed `@relation(…)`.
#[derive(Default, Clone)]
struct RelationArgs {
    name: Option<String>,
    fields: Option<(Vec<Ident>, Span)>,
    references: Option<(Vec<Ident>, Span)>,
    on_delete: Option<(ReferentialAction, Span)>,
    on_update: Option<(ReferentialAction, Span)>,
    map: Option<String>,
    span: Option<Span>,
}

/// Per-model facts kept while relations are resolved.
struct ModelExtra<'a> {
    field_index: HashMap<&'a str, usize>,
    map_span: Option<Span>,
    has_invalid_lines: bool,
    /// An `@@id` is present (even if it could not be resolved).
    has_block_id: bool,
    relation_args: HashMap<usize, RelationArgs>,
}

/// A `@check` found on a field: field index, SQL, `name:`, `map:`, span.
type FieldCheck = (usize, String, Option<String>, Option<String>, Span);

/// Named arguments of an attribute after matching positional ones.
struct Args<'a> {
    items: Vec<(&'static str, &'a Argument)>,
}

impl<'a> Args<'a> {
    fn get(&self, name: &str) -> Option<&'a Argument> {
        self.items.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
    }
    fn expr(&self, name: &str) -> Option<&'a Expr> {
        self.get(name).map(|a| &a.value)
    }
}

const FIELD_ATTRIBUTES: &[&str] = &[
    "id",
    "default",
    "unique",
    "map",
    "updatedAt",
    "relation",
    "ignore",
    "renamedFrom",
    "check",
];
const BLOCK_ATTRIBUTES: &[&str] = &[
    "id",
    "unique",
    "index",
    "map",
    "ignore",
    "renamedFrom",
    "check",
    "schema",
    "fulltext",
];
const REFERENTIAL_ACTIONS: &[&str] = &["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];
const INDEX_TYPES: &[&str] = &["BTree", "Hash", "Gist", "Gin", "SpGist", "Brin"];

/// How a native type takes arguments.
#[derive(Clone, Copy, PartialEq)]
enum NativeArgs {
    None,
    OptionalOne,
    ZeroOrTwo,
}

/// PostgreSQL native types: name, PSL type it fits, arguments, SQL keyword.
const PG_NATIVE: &[(&str, &str, NativeArgs, &str)] = &[
    ("Text", "String", NativeArgs::None, "TEXT"),
    ("Char", "String", NativeArgs::OptionalOne, "CHAR"),
    ("VarChar", "String", NativeArgs::OptionalOne, "VARCHAR"),
    ("Bit", "String", NativeArgs::OptionalOne, "BIT"),
    ("VarBit", "String", NativeArgs::OptionalOne, "VARBIT"),
    ("Uuid", "String", NativeArgs::None, "UUID"),
    ("Xml", "String", NativeArgs::None, "XML"),
    ("Inet", "String", NativeArgs::None, "INET"),
    ("Citext", "String", NativeArgs::None, "CITEXT"),
    ("Boolean", "Boolean", NativeArgs::None, "BOOLEAN"),
    ("Integer", "Int", NativeArgs::None, "INTEGER"),
    ("SmallInt", "Int", NativeArgs::None, "SMALLINT"),
    ("Oid", "Int", NativeArgs::None, "OID"),
    ("BigInt", "BigInt", NativeArgs::None, "BIGINT"),
    (
        "DoublePrecision",
        "Float",
        NativeArgs::None,
        "DOUBLE PRECISION",
    ),
    ("Real", "Float", NativeArgs::None, "REAL"),
    ("Decimal", "Decimal", NativeArgs::ZeroOrTwo, "DECIMAL"),
    ("Money", "Decimal", NativeArgs::None, "MONEY"),
    (
        "Timestamp",
        "DateTime",
        NativeArgs::OptionalOne,
        "TIMESTAMP",
    ),
    (
        "Timestamptz",
        "DateTime",
        NativeArgs::OptionalOne,
        "TIMESTAMPTZ",
    ),
    ("Date", "DateTime", NativeArgs::None, "DATE"),
    ("Time", "DateTime", NativeArgs::OptionalOne, "TIME"),
    ("Timetz", "DateTime", NativeArgs::OptionalOne, "TIMETZ"),
    ("Json", "Json", NativeArgs::None, "JSON"),
    ("JsonB", "Json", NativeArgs::None, "JSONB"),
    ("ByteA", "Bytes", NativeArgs::None, "BYTEA"),
];

fn psl_type_name(t: &PslType) -> &'static str {
    match t {
        PslType::String => "String",
        PslType::Boolean => "Boolean",
        PslType::Int => "Int",
        PslType::BigInt => "BigInt",
        PslType::Float => "Float",
        PslType::Decimal => "Decimal",
        PslType::DateTime => "DateTime",
        PslType::Json => "Json",
        PslType::Bytes => "Bytes",
        PslType::Enum(_) => "enum",
        PslType::Unsupported(_) => "Unsupported",
    }
}

fn a_or_an(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn default_sql_type(t: &PslType, dialect: Dialect, enums: &[Enum]) -> String {
    match (t, dialect) {
        (PslType::String, _) => "TEXT".into(),
        (PslType::Boolean, _) => "BOOLEAN".into(),
        (PslType::Int, _) => "INTEGER".into(),
        (PslType::BigInt, _) => "BIGINT".into(),
        (PslType::Float, Dialect::Postgres) => "DOUBLE PRECISION".into(),
        (PslType::Float, Dialect::Sqlite) => "REAL".into(),
        (PslType::Decimal, Dialect::Postgres) => "DECIMAL(65,30)".into(),
        (PslType::Decimal, Dialect::Sqlite) => "DECIMAL".into(),
        (PslType::DateTime, Dialect::Postgres) => "TIMESTAMP(3)".into(),
        (PslType::DateTime, Dialect::Sqlite) => "DATETIME".into(),
        (PslType::Json, _) => "JSONB".into(),
        (PslType::Bytes, Dialect::Postgres) => "BYTEA".into(),
        (PslType::Bytes, Dialect::Sqlite) => "BLOB".into(),
        (PslType::Enum(id), Dialect::Postgres) => {
            format!("\"{}\"", enums.get(id.0).map_or("", |e| e.db_name.as_str()))
        }
        (PslType::Enum(_), Dialect::Sqlite) => "TEXT".into(),
        (PslType::Unsupported(s), _) => s.clone(),
    }
}

fn ident_list(expr: &Expr) -> Option<Vec<Ident>> {
    match expr {
        Expr::Array { items, .. } => items
            .iter()
            .map(|e| match e {
                Expr::Constant { name, span } => Some(Ident {
                    name: name.clone(),
                    span: *span,
                }),
                Expr::Call { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect(),
        Expr::Constant { name, span } => Some(vec![Ident {
            name: name.clone(),
            span: *span,
        }]),
        _ => None,
    }
}

impl Validator<'_> {
    fn run(&mut self, ast: &SchemaAst) -> Schema {
        // ---- blocks and names
        let mut datasource_block: Option<&Block> = None;
        let mut generator_blocks: Vec<&Block> = Vec::new();
        let mut model_blocks: Vec<&Block> = Vec::new();
        let mut enum_blocks: Vec<&Block> = Vec::new();
        let mut top_names: HashMap<&str, (Span, &'static str)> =
            HashMap::with_capacity_and_hasher(ast.items.len(), Default::default());
        let mut block_docs: HashMap<usize, String> =
            HashMap::with_capacity_and_hasher(ast.items.len(), Default::default());
        let mut pending_docs: Vec<&str> = Vec::new();
        for item in &ast.items {
            let b = match item {
                TopItem::Block(b) => b,
                TopItem::Comment(c) if c.doc => {
                    pending_docs.push(c.doc_text());
                    continue;
                }
                TopItem::Comment(_) => continue,
                TopItem::Invalid(_) => {
                    pending_docs.clear();
                    continue;
                }
            };
            if !pending_docs.is_empty() {
                block_docs.insert(b.span.start, pending_docs.join("\n"));
                pending_docs.clear();
            }
            match b.kind {
                BlockKind::Datasource => {
                    if let Some(first) = datasource_block {
                        let first_name = first.name.as_ref().map_or("", |n| n.name.as_str());
                        let line = self.line_of(first.span);
                        self.err(
                            Diagnostic::error(b.keyword.span, format!("a schema may have only one datasource block (`{first_name}` is already defined at line {line})"))
                                .with_label("second datasource")
                                .with_related(first.keyword.span, "first datasource"),
                        );
                    } else {
                        datasource_block = Some(b);
                    }
                }
                BlockKind::Generator => generator_blocks.push(b),
                BlockKind::Model | BlockKind::Enum => {
                    let Some(name) = &b.name else { continue };
                    let kind = if b.kind == BlockKind::Model { "model" } else { "enum" };
                    if let Some((first, first_kind)) = top_names.get(name.name.as_str()).copied() {
                        let line = self.line_of(first);
                        let msg = if first_kind == kind {
                            format!("duplicate {kind} name `{}` (first defined at line {line})", name.name)
                        } else {
                            format!("name `{}` is defined both as {} {first_kind} (line {line}) and as {} {kind}", name.name, a_or_an(first_kind), a_or_an(kind))
                        };
                        self.err(Diagnostic::error(name.span, msg).with_label("already defined").with_related(first, "first definition"));
                        continue;
                    }
                    if b.kind == BlockKind::Model && (PslType::from_name(&name.name).is_some() || name.name == "Unsupported") {
                        self.err(
                            Diagnostic::error(name.span, format!("model name `{}` is reserved (a built-in scalar type)", name.name))
                                .with_label("reserved name")
                                .with_help("choose another name; `@@map` can keep the table name"),
                        );
                        continue;
                    }
                    if b.kind == BlockKind::Enum && PslType::from_name(&name.name).is_some() {
                        self.err(
                            Diagnostic::error(name.span, format!("enum name `{}` is reserved (a built-in scalar type)", name.name))
                                .with_label("reserved name"),
                        );
                        continue;
                    }
                    top_names.insert(&name.name, (name.span, kind));
                    if b.kind == BlockKind::Model {
                        model_blocks.push(b);
                    } else {
                        enum_blocks.push(b);
                    }
                }
                BlockKind::Type => self.err(
                    Diagnostic::error(b.keyword.span, "composite `type` blocks are not supported")
                        .with_label("not supported")
                        .with_help("composite types exist only for MongoDB in Prisma; use a model with a relation or a `Json` field"),
                ),
                BlockKind::View => self.err(
                    Diagnostic::error(b.keyword.span, "`view` blocks are not supported")
                        .with_label("not supported")
                        .with_help("declare the view in a migration and map it with a model if needed"),
                ),
                BlockKind::Unknown => self.err(
                    Diagnostic::error(
                        b.keyword.span,
                        format!("syntax error: `{}` is not a known top-level keyword (model, enum, datasource, generator)", b.keyword.name),
                    )
                    .with_label("unknown block kind")
                    .with_help_opt(hint(&b.keyword.name, ["model", "enum", "datasource", "generator"], "")),
                ),
            }
            self.report_invalid_lines(b);
        }

        // ---- datasource and generators
        let (datasource, relation_mode) = match datasource_block {
            Some(b) => self.datasource(b),
            None => (None, RelationMode::ForeignKeys),
        };
        let generators = generator_blocks.iter().map(|b| self.generator(b)).collect();
        if self.dialect == Dialect::Postgres {
            let extensions = datasource
                .as_ref()
                .map_or(&[][..], |d| d.extensions.as_slice());
            crate::extensions::check_types(ast, &self.datasource_name, extensions, self.diags);
        }

        // ---- enums
        let mut enums = Vec::new();
        let mut enum_names = BTreeMap::new();
        for (i, b) in enum_blocks.iter().enumerate() {
            let mut e = self.enum_block(b, EnumId(i));
            e.docs = block_docs.get(&b.span.start).cloned();
            enum_names.insert(e.name.clone(), EnumId(i));
            enums.push(e);
        }
        let mut model_names = BTreeMap::new();
        let mut model_lookup: HashMap<&str, ModelId> =
            HashMap::with_capacity_and_hasher(model_blocks.len(), Default::default());
        for (i, b) in model_blocks.iter().enumerate() {
            if let Some(n) = &b.name {
                model_names.insert(n.name.clone(), ModelId(i));
                model_lookup.insert(n.name.as_str(), ModelId(i));
            }
        }
        let enum_lookup: HashMap<&str, EnumId> =
            enums.iter().map(|e| (e.name.as_str(), e.id)).collect();

        // ---- models
        let mut models = Vec::with_capacity(model_blocks.len());
        let mut extras = Vec::with_capacity(model_blocks.len());
        for (i, b) in model_blocks.iter().enumerate() {
            let (mut m, x) = self.model(b, ModelId(i), &model_lookup, &enum_lookup, &enums);
            m.docs = block_docs.get(&b.span.start).cloned();
            models.push(m);
            extras.push(x);
        }

        let mut schema = Schema {
            datasource,
            generators,
            dialect: self.dialect,
            relation_mode,
            models,
            enums,
            relations: Vec::new(),
            model_names,
            enum_names,
        };
        self.relations(&mut schema, &extras);
        self.whole_schema_checks(&schema, &extras);
        schema
    }
}

fn type_display(t: &PslType, enums: &[Enum]) -> String {
    match t {
        PslType::Enum(id) => enums
            .get(id.0)
            .map_or("enum".to_owned(), |e| e.name.clone()),
        PslType::Unsupported(s) => format!("Unsupported(\"{s}\")"),
        other => psl_type_name(other).to_owned(),
    }
}

/// The SQL of a PostgreSQL native type.
fn native_sql(n: &NativeType) -> String {
    let kw = PG_NATIVE
        .iter()
        .find(|t| t.0 == n.name)
        .map_or(n.name.to_uppercase(), |t| t.3.to_owned());
    if n.args.is_empty() {
        kw
    } else {
        format!("{kw}({})", n.args.join(","))
    }
}
