//! Validation: turns the syntax tree into the checked IR, reporting every
//! problem it finds (it never stops at the first one).
//!
//! Organised as Prisma's psl-core validations: one file per rule family,
//! each rule a method named for what it checks. [`Validator::run`] lists
//! the passes: top-level blocks and names (`blocks.rs`) → datasource and
//! generators (`datasource.rs`) → extension types → enums (`enums.rs`) →
//! models (`models.rs`, `fields.rs`, `model_attributes.rs`,
//! `native_types.rs`, `defaults.rs`) → relations (`relations.rs`,
//! `inline_relations.rs`, `many_to_many.rs`) → schema-wide checks (keys,
//! duplicate tables, columns, Rust names, constraint names:
//! `schema_checks.rs`). Lookups go through hash maps so the cost grows
//! linearly with the schema.

mod arguments;
mod blocks;
mod datasource;
mod defaults;
mod enums;
mod fields;
mod inline_relations;
mod many_to_many;
mod model_attributes;
mod models;
mod native_types;
mod relations;
mod schema_checks;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{
    Datasource, Dialect, Enum, EnumId, Model, ModelId, NativeType, PslType, ReferentialAction,
    RelationMode, Schema,
};
use crate::syntax::{Argument, Expr, Ident, SchemaAst};

use blocks::TopBlocks;

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

/// What the model pass learned about a model's source that later passes
/// (relations, schema-wide checks) need and the IR does not keep.
struct ModelFacts<'a> {
    /// Field name → index into the model's fields.
    field_index: HashMap<&'a str, usize>,
    /// Span of the `@@map` attribute, if any.
    map_span: Option<Span>,
    /// The block has lines that could not be parsed.
    has_invalid_lines: bool,
    /// An `@@id` is present (even if it could not be resolved).
    has_block_id: bool,
    /// The parsed `@relation(…)` of each relation field, by field index.
    relation_args: HashMap<usize, RelationArgs>,
}

/// A `@check` found on a field, turned into a check constraint once the
/// model's table name is known.
struct FieldCheck {
    /// Index of the field in its model.
    field: usize,
    /// The SQL expression.
    sql: String,
    /// The `name:` argument: replaces the column in the default constraint
    /// name `{Table}_{name}_check`.
    name: Option<String>,
    /// The `map:` argument: an explicit constraint name.
    map: Option<String>,
    /// Span of the `@check` attribute.
    span: Span,
}

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
        // The type's name as a quoted identifier: a `"` in a mapped name is
        // doubled, so every user of the IR's SQL type (the DDL, the join
        // tables of implicit many-to-many relations, migrations) gets SQL.
        (PslType::Enum(id), Dialect::Postgres) => {
            let name = enums.get(id.0).map_or("", |e| e.db_name.as_str());
            format!("\"{}\"", name.replace('"', "\"\""))
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
    /// The validation passes, in order; each reports what it finds and the
    /// later ones work on whatever the earlier ones could build.
    fn run(&mut self, ast: &SchemaAst) -> Schema {
        let blocks = self.top_level_blocks(ast);
        let (datasource, relation_mode) = match blocks.datasource {
            Some(b) => self.datasource(b),
            None => (None, RelationMode::ForeignKeys),
        };
        let generators = blocks
            .generators
            .iter()
            .map(|b| self.generator(b))
            .collect();
        self.check_extension_types(ast, datasource.as_ref());
        let enums = self.enums(&blocks);
        let (models, model_names, extras) = self.models(&blocks, &enums);
        let enum_names = enums.iter().map(|e| (e.name.clone(), e.id)).collect();
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

    /// Types from PostgreSQL extensions need the extension declared.
    fn check_extension_types(&mut self, ast: &SchemaAst, datasource: Option<&Datasource>) {
        if self.dialect == Dialect::Postgres {
            let extensions = datasource.map_or(&[][..], |d| d.extensions.as_slice());
            crate::extensions::check_types(ast, &self.datasource_name, extensions, self.diags);
        }
    }

    /// The enum blocks, in order.
    fn enums(&mut self, blocks: &TopBlocks<'_>) -> Vec<Enum> {
        let mut enums = Vec::with_capacity(blocks.enums.len());
        for (i, b) in blocks.enums.iter().enumerate() {
            let mut e = self.enum_block(b, EnumId(i));
            e.docs = blocks.docs.get(&b.span.start).cloned();
            enums.push(e);
        }
        enums
    }

    /// The model blocks, in order, with the model name map and the facts the
    /// later passes need of each model.
    fn models<'b>(
        &mut self,
        blocks: &TopBlocks<'b>,
        enums: &[Enum],
    ) -> (Vec<Model>, BTreeMap<String, ModelId>, Vec<ModelFacts<'b>>) {
        let mut model_names = BTreeMap::new();
        let mut model_lookup: HashMap<&str, ModelId> =
            HashMap::with_capacity_and_hasher(blocks.models.len(), Default::default());
        for (i, b) in blocks.models.iter().enumerate() {
            if let Some(n) = &b.name {
                model_names.insert(n.name.clone(), ModelId(i));
                model_lookup.insert(n.name.as_str(), ModelId(i));
            }
        }
        let enum_lookup: HashMap<&str, EnumId> =
            enums.iter().map(|e| (e.name.as_str(), e.id)).collect();
        let mut models = Vec::with_capacity(blocks.models.len());
        let mut extras = Vec::with_capacity(blocks.models.len());
        for (i, b) in blocks.models.iter().enumerate() {
            let (mut m, facts) = self.model(b, ModelId(i), &model_lookup, &enum_lookup, enums);
            m.docs = blocks.docs.get(&b.span.start).cloned();
            models.push(m);
            extras.push(facts);
        }
        (models, model_names, extras)
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
