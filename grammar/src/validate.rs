//! Validation: turns the syntax tree into the checked IR, reporting every
//! problem it finds (it never stops at the first one).
//!
//! Passes: blocks and names → datasource → enums → model fields and
//! attributes → relations → whole-schema checks (keys, duplicate tables,
//! columns, Rust names, constraint names). Lookups go through hash maps so
//! the cost grows linearly with the schema.

use std::collections::BTreeMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::Span;
use crate::diagnostics::Diagnostic;
use crate::ir::*;
use crate::names::{self, hint};
use crate::native;
use crate::syntax::*;

/// The validator's lookup tables: std's `HashMap` with a fast,
/// deterministic hasher (the keys are short names from a local file, so
/// SipHash's flooding resistance buys nothing and costs a tenth of the run).
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash used by rustc (`FxHasher`).
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

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

impl<'a> Validator<'a> {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn line_of(&self, span: Span) -> usize {
        span.line_col(self.source).0
    }

    /// Matches an attribute's arguments against `positional` (names for
    /// unnamed arguments, in order) and `named`; reports unknown, duplicate
    /// and surplus arguments.
    fn args<'x>(
        &mut self,
        attr: &'x Attribute,
        positional: &[&'static str],
        named: &[&'static str],
    ) -> Args<'x> {
        let at = if attr.block { "@@" } else { "@" };
        let mut items: Vec<(&'static str, &'x Argument)> = Vec::new();
        let mut pos = 0usize;
        for arg in attr.arguments() {
            let key = match &arg.name {
                None => {
                    let k = positional.get(pos).copied();
                    pos += 1;
                    match k {
                        Some(k) => k,
                        None => {
                            self.err(
                                Diagnostic::error(
                                    arg.span,
                                    format!(
                                        "`{at}{}` takes no further unnamed argument",
                                        attr.name
                                    ),
                                )
                                .with_label("unexpected argument"),
                            );
                            continue;
                        }
                    }
                }
                Some(n) => match positional.iter().chain(named).find(|k| **k == n.name) {
                    Some(k) => k,
                    None => {
                        let all: Vec<&str> = positional.iter().chain(named).copied().collect();
                        let help = hint(&n.name, &all, "");
                        let suffix = help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                        self.err(
                            Diagnostic::error(
                                n.span,
                                format!(
                                    "unknown argument `{}` for `{at}{}`{suffix}",
                                    n.name, attr.name
                                ),
                            )
                            .with_label("unknown argument")
                            .with_help_opt(help.or_else(|| {
                                (!all.is_empty())
                                    .then(|| format!("known arguments: {}", all.join(", ")))
                            })),
                        );
                        continue;
                    }
                },
            };
            if items.iter().any(|(k, _)| *k == key) {
                self.err(
                    Diagnostic::error(
                        arg.span,
                        format!("argument `{key}` given twice for `{at}{}`", attr.name),
                    )
                    .with_label("duplicate argument"),
                );
                continue;
            }
            items.push((key, arg));
        }
        Args { items }
    }

    fn string_arg(&mut self, attr: &Attribute, expr: &Expr, what: &str) -> Option<String> {
        match expr {
            Expr::String(s) => Some(s.value.clone()),
            other => {
                let at = if attr.block { "@@" } else { "@" };
                self.err(
                    Diagnostic::error(
                        other.span(),
                        format!(
                            "`{at}{}` expects a string for {what}, got {}",
                            attr.name,
                            other.describe()
                        ),
                    )
                    .with_label("expected a string"),
                );
                None
            }
        }
    }

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

    fn report_invalid_lines(&mut self, b: &Block) {
        let what = match b.kind {
            BlockKind::Model => "model",
            BlockKind::Enum => "enum",
            BlockKind::Datasource => "datasource",
            BlockKind::Generator => "generator",
            _ => return,
        };
        let name = b.name.as_ref().map_or("", |n| n.name.as_str());
        for line in &b.lines {
            if let BodyLine::Invalid(inv) = line {
                // The lowering reported a generic syntax error; refine it.
                let t = inv.text.trim();
                let opens = t.matches('(').count() + t.matches('[').count();
                let closes = t.matches(')').count() + t.matches(']').count();
                let (message, label, help) = if t.contains("/*")
                    && !t.contains("*/")
                    && !t.contains('"')
                {
                    (
                        "syntax error: unclosed block comment".to_owned(),
                        "`/*` without `*/`",
                        "close the comment with `*/`".to_owned(),
                    )
                } else if t.starts_with("/*") {
                    (
                        "syntax error: only a field, enum value or attribute may follow a block comment on its line".to_owned(),
                        "not a comment line",
                        "put the item on its own line, or the comment at the end of the item's line".to_owned(),
                    )
                } else if t.matches('"').count() % 2 == 1 {
                    (
                        "syntax error: unterminated string literal".to_owned(),
                        "string not closed",
                        "add the missing `\"`; strings cannot span lines".to_owned(),
                    )
                } else if opens > closes {
                    (
                        "syntax error: unclosed `(` in attribute arguments".to_owned(),
                        "missing `)` or `]`",
                        "close every `(` and `[` on the same attribute".to_owned(),
                    )
                } else {
                    match b.kind {
                        BlockKind::Model if t.contains("[]?") => (
                            format!("syntax error: invalid line in model `{name}`: optional list type (`[]?`) is not allowed"),
                            "not a valid field",
                            "a list cannot also be optional: use `[]` or `?`, not both".to_owned(),
                        ),
                        BlockKind::Model => (
                            format!("syntax error: invalid line in model `{name}` (not a field or block attribute)"),
                            "not a valid field or block attribute",
                            "fields look like `name Type @attribute`, block attributes like `@@index([a, b])`".to_owned(),
                        ),
                        BlockKind::Enum => (
                            format!("syntax error: invalid line in enum `{name}` (not an enum value or block attribute)"),
                            "not an enum value",
                            "enum values are single names, one per line, optionally with `@map(\"db value\")`".to_owned(),
                        ),
                        _ => (
                            format!("syntax error: invalid line in {what} `{name}` (expected `=` in {what} property: `key = value`)"),
                            "expected `key = value`",
                            format!("{what} properties look like `provider = \"postgresql\"`"),
                        ),
                    }
                };
                if let Some(d) = self
                    .diags
                    .iter_mut()
                    .find(|d| d.span == inv.span && d.is_error())
                {
                    d.message = message;
                    d.label = Some(label.to_owned());
                    d.help = Some(help);
                }
            }
        }
    }

    fn datasource(&mut self, b: &Block) -> (Option<Datasource>, RelationMode) {
        let name = b.name.as_ref().map_or("db", |n| n.name.as_str()).to_owned();
        self.datasource_name = name.clone();
        let mut provider = None;
        let mut provider_given = false;
        let mut url = None;
        let mut other = Vec::new();
        let mut extensions_value = None;
        let mut relation_mode = RelationMode::ForeignKeys;
        let known = [
            "provider",
            "url",
            "directUrl",
            "shadowDatabaseUrl",
            "relationMode",
            "extensions",
            "schemas",
        ];
        let mut seen: HashMap<String, Span> = HashMap::default();
        for line in &b.lines {
            match line {
                BodyLine::KeyValue(kv) => {
                    if let Some(first) = seen.insert(kv.key.name.clone(), kv.key.span) {
                        self.err(
                            Diagnostic::error(
                                kv.key.span,
                                format!("datasource property `{}` is given twice", kv.key.name),
                            )
                            .with_related(first, "first given here"),
                        );
                        continue;
                    }
                    if kv.key.name == "provider" {
                        provider_given = true;
                    }
                    match kv.key.name.as_str() {
                        "provider" => match &kv.value {
                            Expr::String(s) => provider = Some((s.value.clone(), s.span)),
                            Expr::Call { name, .. } if name.name == "env" => self.err(
                                Diagnostic::error(kv.value.span(), "the datasource provider must be a string literal, not `env(...)`")
                                    .with_label("must be a literal")
                                    .with_help("write `provider = \"postgresql\"` or `provider = \"sqlite\"`"),
                            ),
                            other => self.err(
                                Diagnostic::error(other.span(), format!("the datasource provider must be a string, got {}", other.describe()))
                                    .with_help("write `provider = \"postgresql\"` or `provider = \"sqlite\"`"),
                            ),
                        },
                        "url" | "directUrl" | "shadowDatabaseUrl" => {
                            let v = self.url_value(&kv.value, &kv.key.name);
                            if kv.key.name == "url" {
                                url = v;
                            } else if let Some(v) = v {
                                other.push((kv.key.name.clone(), match v {
                                    UrlSource::Literal(s) => s,
                                    UrlSource::Env(e) => format!("env({e})"),
                                }));
                            }
                        }
                        "relationMode" => match &kv.value {
                            Expr::String(s) if s.value == "prisma" => relation_mode = RelationMode::Prisma,
                            Expr::String(s) if s.value == "foreignKeys" => relation_mode = RelationMode::ForeignKeys,
                            other => self.err(
                                Diagnostic::error(
                                    other.span(),
                                    format!("unknown `relationMode` `{}` (expected \"foreignKeys\" or \"prisma\")", &self.source[other.span().start..other.span().end]),
                                )
                                .with_label("unknown relation mode")
                                .with_help_opt(match other {
                                    Expr::String(s) => hint(&s.value, ["foreignKeys", "prisma"], ""),
                                    _ => None,
                                }),
                            ),
                        },
                        "extensions" => extensions_value = Some(&kv.value),
                        "schemas" => {
                            other.push((kv.key.name.clone(), self.source[kv.value.span().start..kv.value.span().end].to_owned()));
                        }
                        unknown => {
                            let help = hint(unknown, known, "");
                            let suffix = help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                            self.err(
                                Diagnostic::error(kv.key.span, format!("unknown datasource property `{unknown}`{suffix}"))
                                    .with_label("unknown property")
                                    .with_help_opt(help.or_else(|| Some(format!("known properties: {}", known.join(", "))))),
                            );
                        }
                    }
                }
                BodyLine::Field(f) => self.err(
                    Diagnostic::error(f.span, "syntax error: expected `=` in datasource property")
                        .with_help("write `key = value`"),
                ),
                BodyLine::EnumValue(v) => self.err(
                    Diagnostic::error(v.span, "syntax error: expected `=` in datasource property")
                        .with_help("write `key = value`"),
                ),
                BodyLine::BlockAttribute(a, _) => self.err(Diagnostic::error(
                    a.span,
                    "attributes are not allowed in a datasource block",
                )),
                _ => {}
            }
        }
        match &provider {
            None if provider_given => {}
            None => {
                let at = b.name.as_ref().map_or(b.keyword.span, |n| n.span);
                self.err(
                    Diagnostic::error(at, format!("datasource `{name}` has no `provider`"))
                        .with_label("provider missing")
                        .with_help("add `provider = \"postgresql\"` or `provider = \"sqlite\"`"),
                );
            }
            Some((p, span)) => match p.as_str() {
                "postgresql" | "postgres" => self.dialect = Dialect::Postgres,
                "sqlite" => self.dialect = Dialect::Sqlite,
                "mysql" | "sqlserver" | "cockroachdb" | "mongodb" => self.err(
                    Diagnostic::error(
                        *span,
                        format!("provider `{p}` is not supported (only `postgresql` and `sqlite`)"),
                    )
                    .with_label("not supported"),
                ),
                other => self.err(
                    Diagnostic::error(
                        *span,
                        format!("unknown provider `{other}` (expected `postgresql` or `sqlite`)"),
                    )
                    .with_label("unknown provider")
                    .with_help_opt(hint(other, ["postgresql", "sqlite"], "")),
                ),
            },
        }
        if let Some(d) = self.forced_dialect {
            self.dialect = d;
        }
        let extensions = extensions_value.map_or_else(Vec::new, |e| {
            crate::extensions::parse(e, self.dialect, self.diags)
        });
        (
            Some(Datasource {
                name,
                provider: provider.map(|p| p.0).unwrap_or_default(),
                url,
                other,
                extensions,
                span: b.span,
            }),
            relation_mode,
        )
    }

    fn url_value(&mut self, e: &Expr, key: &str) -> Option<UrlSource> {
        match e {
            Expr::String(s) => Some(UrlSource::Literal(s.value.clone())),
            Expr::Call { name, args, .. } if name.name == "env" => match args.as_slice() {
                [
                    Argument {
                        name: None,
                        value: Expr::String(s),
                        ..
                    },
                ] => Some(UrlSource::Env(s.value.clone())),
                _ => {
                    self.err(
                        Diagnostic::error(
                            e.span(),
                            "`env()` takes one string argument: the variable name",
                        )
                        .with_help("write `env(\"DATABASE_URL\")`"),
                    );
                    None
                }
            },
            other => {
                self.err(
                    Diagnostic::error(
                        other.span(),
                        format!(
                            "`{key}` must be a string or `env(\"NAME\")`, got {}",
                            other.describe()
                        ),
                    )
                    .with_help("write `env(\"DATABASE_URL\")`"),
                );
                None
            }
        }
    }

    fn generator(&mut self, b: &Block) -> Generator {
        let name = b.name.as_ref().map_or("", |n| n.name.as_str()).to_owned();
        let mut provider = None;
        let mut config = Vec::new();
        for line in &b.lines {
            match line {
                BodyLine::KeyValue(kv) => {
                    let value = match &kv.value {
                        Expr::String(s) => s.value.clone(),
                        other => self.source[other.span().start..other.span().end].to_owned(),
                    };
                    if kv.key.name == "provider" {
                        match &kv.value {
                            Expr::String(s) => {
                                // Other tools' generators (`prisma-client-js`, ERD
                                // generators, …) are ignored silently, as Prisma's
                                // tools ignore each other's; only a near-miss of
                                // `ormgen` (a typo) is worth a warning.
                                if s.value != "ormgen"
                                    && names::did_you_mean(&s.value, ["ormgen"]).is_some()
                                {
                                    self.err(
                                        Diagnostic::warning(s.span, format!("generator provider `{}` looks like a misspelling of `ormgen`: the generator is ignored", s.value))
                                            .with_label("not ormgen")
                                            .with_help("did you mean `ormgen`?"),
                                    );
                                }
                                provider = Some(s.value.clone());
                            }
                            other => self.err(Diagnostic::error(
                                other.span(),
                                "the generator provider must be a string",
                            )),
                        }
                    }
                    config.push((kv.key.name.clone(), value));
                }
                BodyLine::Field(f) => self.err(
                    Diagnostic::error(f.span, "syntax error: expected `=` in generator property")
                        .with_help("write `key = value`"),
                ),
                BodyLine::EnumValue(v) => self.err(
                    Diagnostic::error(v.span, "syntax error: expected `=` in generator property")
                        .with_help("write `key = value`"),
                ),
                BodyLine::BlockAttribute(a, _) => self.err(Diagnostic::error(
                    a.span,
                    "attributes are not allowed in a generator block",
                )),
                _ => {}
            }
        }
        if provider.is_none() {
            let at = b.name.as_ref().map_or(b.keyword.span, |n| n.span);
            self.err(
                Diagnostic::error(at, format!("generator `{name}` has no `provider`"))
                    .with_label("provider missing")
                    .with_help("add `provider = \"ormgen\"`"),
            );
        }
        Generator {
            name,
            provider,
            config,
            span: b.span,
        }
    }

    fn docs_before(lines: &[BodyLine], index: usize) -> Option<String> {
        let mut docs = Vec::new();
        let mut i = index;
        while i > 0 {
            i -= 1;
            match &lines[i] {
                BodyLine::Comment(c) if c.doc => docs.push(c.doc_text().to_owned()),
                BodyLine::Comment(_) => {}
                _ => break,
            }
        }
        docs.reverse();
        // A block comment at the end of the item's own line documents it too
        // (Prisma's rule; a trailing `//` comment does not).
        let trailing = match lines.get(index) {
            Some(BodyLine::Field(f)) => f.line.trailing_comment.as_ref(),
            Some(BodyLine::EnumValue(v)) => v.line.trailing_comment.as_ref(),
            _ => None,
        };
        if let Some(c) = trailing.filter(|c| c.is_block()) {
            docs.push(c.doc_text().to_owned());
        }
        if docs.is_empty() {
            return None;
        }
        Some(docs.join("\n"))
    }

    fn enum_block(&mut self, b: &Block, id: EnumId) -> Enum {
        let name = b.name.as_ref().map_or("", |n| n.name.as_str()).to_owned();
        let span = b.name.as_ref().map_or(b.span, |n| n.span);
        let mut values: Vec<EnumValue> = Vec::new();
        let mut db_name = name.clone();
        let mut seen: HashMap<String, Span> = HashMap::default();
        let mut seen_rust: HashMap<String, String> = HashMap::default();
        for (i, line) in b.lines.iter().enumerate() {
            match line {
                BodyLine::EnumValue(v) => {
                    if let Some(first) = seen.get(&v.name.name) {
                        let line_no = self.line_of(*first);
                        self.err(
                            Diagnostic::error(v.name.span, format!("duplicate value `{}` in enum `{name}` (first defined at line {line_no})", v.name.name))
                                .with_label("duplicate value")
                                .with_related(*first, "first definition"),
                        );
                        continue;
                    }
                    seen.insert(v.name.name.clone(), v.name.span);
                    let mut db_value = v.name.name.clone();
                    let mut attr_seen: Vec<&str> = Vec::new();
                    for a in &v.attributes {
                        if attr_seen.contains(&a.name.as_str()) {
                            self.err(Diagnostic::error(a.name_span, format!("attribute `@{}` given twice on enum value `{}`", a.name, v.name.name)));
                            continue;
                        }
                        attr_seen.push(&a.name);
                        match a.name.as_str() {
                            "map" => {
                                let args = self.args(a, &["name"], &[]);
                                if let Some(e) = args.expr("name") {
                                    if let Some(s) = self.string_arg(a, e, "the database value") {
                                        db_value = s;
                                    }
                                } else {
                                    self.err(Diagnostic::error(a.span, "`@map` needs the database value: `@map(\"value\")`"));
                                }
                            }
                            other => self.err(
                                Diagnostic::error(a.name_span, format!("unknown attribute `@{other}` on an enum value (only `@map` is allowed)"))
                                    .with_help_opt(hint(other, ["map"], "@")),
                            ),
                        }
                    }
                    let rust_name = names::rust_camel(&v.name.name);
                    if let Some(other) = seen_rust.get(&rust_name) {
                        self.err(
                            Diagnostic::error(v.name.span, format!("enum values `{other}` and `{}` both become the Rust variant `{rust_name}`", v.name.name))
                                .with_label("Rust name clash")
                                .with_help("rename one of the values (`@map` keeps the database value)"),
                        );
                    } else {
                        seen_rust.insert(rust_name.clone(), v.name.name.clone());
                    }
                    values.push(EnumValue {
                        name: v.name.name.clone(),
                        db_value,
                        rust_name,
                        docs: Self::docs_before(&b.lines, i),
                        span: v.name.span,
                    });
                }
                BodyLine::Field(f) => self.err(
                    Diagnostic::error(f.span, format!("syntax error: invalid line in enum `{name}` (not an enum value or block attribute)"))
                        .with_label("enum values have no type")
                        .with_help("enum values are single names, one per line"),
                ),
                BodyLine::KeyValue(kv) => self.err(
                    Diagnostic::error(kv.span, format!("syntax error: invalid line in enum `{name}` (not an enum value or block attribute)"))
                        .with_label("not an enum value")
                        .with_help("enum values are single names, one per line; `@map(\"db value\")` sets the database value"),
                ),
                BodyLine::BlockAttribute(a, _) => match a.name.as_str() {
                    "map" => {
                        let args = self.args(a, &["name"], &[]);
                        if let Some(e) = args.expr("name")
                            && let Some(s) = self.string_arg(a, e, "the type name") {
                                db_name = s;
                            }
                    }
                    "schema" => self.err(Diagnostic::error(a.name_span, "`@@schema` (multi-schema) is not supported").with_label("not supported")),
                    other => self.err(
                        Diagnostic::error(a.name_span, format!("unknown block attribute `@@{other}` on an enum (only `@@map` is allowed)"))
                            .with_help_opt(hint(other, ["map"], "@@")),
                    ),
                },
                _ => {}
            }
        }
        if values.is_empty() && seen.is_empty() {
            self.err(
                Diagnostic::error(span, format!("enum `{name}` has no values"))
                    .with_help("an enum needs at least one value"),
            );
        }
        Enum {
            id,
            rust_name: names::rust_camel(&name),
            name,
            db_name,
            docs: None,
            values,
            span,
        }
    }

    #[allow(clippy::too_many_lines)]
    fn model<'b>(
        &mut self,
        b: &'b Block,
        id: ModelId,
        models: &HashMap<&str, ModelId>,
        enums_by_name: &HashMap<&str, EnumId>,
        enums: &[Enum],
    ) -> (Model, ModelExtra<'b>) {
        let name = b.name.as_ref().map_or("", |n| n.name.as_str()).to_owned();
        let model_span = b.name.as_ref().map_or(b.span, |n| n.span);

        // Block attributes first: the table name is needed for constraint names.
        let mut table_name = name.clone();
        let mut map_span = None;
        let mut ignored = false;
        let mut renamed_from = None;
        let mut block_attr_seen: HashMap<&str, Span> = HashMap::default();
        for line in &b.lines {
            let BodyLine::BlockAttribute(a, _) = line else {
                continue;
            };
            if matches!(a.name.as_str(), "map" | "id" | "ignore" | "renamedFrom")
                && let Some(first) = block_attr_seen.insert(&a.name, a.name_span)
            {
                self.err(
                    Diagnostic::error(
                        a.name_span,
                        format!(
                            "block attribute `@@{}` given twice on model `{name}`",
                            a.name
                        ),
                    )
                    .with_related(first, "first given here"),
                );
                continue;
            }
            match a.name.as_str() {
                "map" => {
                    let args = self.args(a, &["name"], &[]);
                    match args.expr("name") {
                        Some(e) => {
                            if let Some(s) = self.string_arg(a, e, "the table name") {
                                table_name = s;
                                map_span = Some(a.span);
                            }
                        }
                        None => self.err(Diagnostic::error(
                            a.span,
                            "`@@map` needs the table name: `@@map(\"table\")`",
                        )),
                    }
                }
                "ignore" => {
                    self.args(a, &[], &[]);
                    ignored = true;
                }
                "renamedFrom" => {
                    let args = self.args(a, &["name"], &[]);
                    match args.expr("name") {
                        Some(e) => {
                            if let Some(s) = self.string_arg(a, e, "the previous model name") {
                                if s.trim().is_empty() {
                                    self.err(Diagnostic::error(e.span(), "`@@renamedFrom` needs the previous model name"));
                                } else {
                                    renamed_from = Some(s);
                                }
                            }
                        }
                        None => self.err(Diagnostic::error(a.span, "`@@renamedFrom` needs the previous model name: `@@renamedFrom(\"Old\")`")),
                    }
                }
                _ => {}
            }
        }

        // Fields.
        let mut fields: Vec<Field> = Vec::with_capacity(b.lines.len());
        let mut field_index: HashMap<&'b str, usize> =
            HashMap::with_capacity_and_hasher(b.lines.len(), Default::default());
        let mut field_spans: Vec<Span> = Vec::with_capacity(b.lines.len());
        let mut relation_args: HashMap<usize, RelationArgs> = HashMap::default();
        let mut id_fields: Vec<(usize, Span, Option<String>)> = Vec::new();
        let mut single_uniques: Vec<(usize, Span, Option<String>, Option<SortOrder>)> = Vec::new();
        let mut field_checks: Vec<FieldCheck> = Vec::new();
        for (i, line) in b.lines.iter().enumerate() {
            let f = match line {
                BodyLine::Field(f) => f,
                BodyLine::EnumValue(v) => {
                    self.err(
                        Diagnostic::error(
                            v.name.span,
                            format!("syntax error: field `{}` has no type", v.name.name),
                        )
                        .with_label("type missing")
                        .with_help("fields look like `name Type`, e.g. `name String`"),
                    );
                    continue;
                }
                BodyLine::KeyValue(kv) => {
                    self.err(Diagnostic::error(kv.span, format!("syntax error: invalid line in model `{name}` (not a field or block attribute)")).with_help("`key = value` lines belong in datasource and generator blocks"));
                    continue;
                }
                _ => continue,
            };
            if let Some(&first) = field_index.get(f.name.name.as_str()) {
                let line_no = self.line_of(field_spans[first]);
                self.err(
                    Diagnostic::error(f.name.span, format!("duplicate field `{}` in model `{name}` (first defined at line {line_no})", f.name.name))
                        .with_label("duplicate field")
                        .with_related(field_spans[first], "first definition"),
                );
                continue;
            }
            let index = fields.len();
            let fid = FieldId { model: id, index };
            let arity = match f.ty.arity {
                AstArity::Required => Arity::Required,
                AstArity::Optional => Arity::Optional,
                AstArity::List => Arity::List,
            };
            let tname = f.ty.name.name.as_str();
            let target = if f.ty.unsupported.is_some() || PslType::from_name(tname).is_some() {
                TypeTarget::Scalar
            } else if let Some(e) = enums_by_name.get(tname) {
                TypeTarget::Enum(*e)
            } else if let Some(m) = models.get(tname) {
                TypeTarget::Model(*m)
            } else {
                let candidates = PslType::SCALAR_NAMES
                    .iter()
                    .copied()
                    .chain(models.keys().copied())
                    .chain(enums_by_name.keys().copied());
                let help =
                    names::did_you_mean(tname, candidates).map(|s| format!("did you mean `{s}`?"));
                self.err(
                    Diagnostic::error(f.ty.name.span, format!("unknown type `{tname}`{}", help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))
                        .with_label("not a scalar type, model or enum")
                        .with_help_opt(help.or_else(|| Some("scalar types are String, Boolean, Int, BigInt, Float, Decimal, DateTime, Json, Bytes".to_owned()))),
                );
                TypeTarget::Unknown
            };

            // Attributes.
            let mut seen_attrs: Vec<&str> = Vec::new();
            let mut column_name = f.name.name.clone();
            let mut default_attr: Option<&Attribute> = None;
            let mut native: Option<&Attribute> = None;
            let mut updated_at: Option<Span> = None;
            let mut unique = false;
            let mut is_id = false;
            let mut f_ignored = false;
            let mut f_renamed = None;
            for a in &f.attributes {
                if a.name.starts_with('@') {
                    let inner = a.name.trim_start_matches('@');
                    self.err(
                        Diagnostic::error(a.name_span, format!("block attribute `@@{inner}` used on a field line (did you mean the field attribute `@{inner}`?)"))
                            .with_label("block attribute on a field")
                            .with_help(format!("write `@{inner}` on the field, or `@@{inner}([{}])` on its own line", f.name.name)),
                    );
                    continue;
                }
                let key = if a.name.contains('.') {
                    "db.*"
                } else {
                    a.name.as_str()
                };
                if seen_attrs.contains(&key) {
                    self.err(
                        Diagnostic::error(
                            a.name_span,
                            format!(
                                "attribute `@{}` given twice on field `{}`",
                                a.name, f.name.name
                            ),
                        )
                        .with_label("repeated attribute"),
                    );
                    continue;
                }
                seen_attrs.push(key);
                let on_relation = matches!(target, TypeTarget::Model(_));
                match a.name.as_str() {
                    "id" => {
                        let args = self.args(a, &[], &["map", "length", "sort", "clustered"]);
                        let map = args
                            .expr("map")
                            .and_then(|e| self.string_arg(a, e, "the constraint name"));
                        if on_relation {
                            self.err(
                                Diagnostic::error(
                                    a.name_span,
                                    "`@id` cannot be used on a relation field",
                                )
                                .with_help("put `@id` on the scalar field"),
                            );
                        } else if arity != Arity::Required {
                            self.err(Diagnostic::error(
                                a.name_span,
                                format!(
                                    "`@id` field `{}` must be required (not optional or a list)",
                                    f.name.name
                                ),
                            ));
                        }
                        is_id = true;
                        id_fields.push((index, a.span, map));
                    }
                    "unique" => {
                        let args = self.args(a, &[], &["map", "length", "sort", "clustered"]);
                        let map = args
                            .expr("map")
                            .and_then(|e| self.string_arg(a, e, "the constraint name"));
                        let sort = args.expr("sort").and_then(|e| self.sort_order(e));
                        if on_relation {
                            self.err(
                                Diagnostic::error(
                                    a.name_span,
                                    "`@unique` cannot be used on a relation field",
                                )
                                .with_help("put `@unique` on the foreign-key field"),
                            );
                        } else {
                            unique = true;
                            single_uniques.push((index, a.span, map, sort));
                        }
                    }
                    "default" => {
                        self.args(a, &["value"], &["map"]);
                        if on_relation {
                            self.err(Diagnostic::error(
                                a.name_span,
                                "`@default` cannot be used on a relation field",
                            ));
                        } else {
                            default_attr = Some(a);
                        }
                    }
                    "map" => {
                        let args = self.args(a, &["name"], &[]);
                        if on_relation {
                            self.err(
                                Diagnostic::error(
                                    a.name_span,
                                    "`@map` cannot be used on a relation field (it has no column)",
                                )
                                .with_help(
                                    "use `map:` inside `@relation(…)` to name the foreign key",
                                ),
                            );
                        } else if let Some(e) = args.expr("name") {
                            if let Some(s) = self.string_arg(a, e, "the column name") {
                                column_name = s;
                            }
                        } else {
                            self.err(Diagnostic::error(
                                a.span,
                                "`@map` needs the column name: `@map(\"column\")`",
                            ));
                        }
                    }
                    "updatedAt" => {
                        self.args(a, &[], &[]);
                        updated_at = Some(a.name_span);
                    }
                    "ignore" => {
                        self.args(a, &[], &[]);
                        f_ignored = true;
                    }
                    "renamedFrom" => {
                        let args = self.args(a, &["name"], &[]);
                        match args.expr("name").and_then(|e| self.string_arg(a, e, "the previous field name")) {
                            Some(s) if !s.trim().is_empty() => f_renamed = Some(s),
                            _ => self.err(Diagnostic::error(a.span, "`@renamedFrom` needs the previous field name: `@renamedFrom(\"old\")`")),
                        }
                    }
                    "check" => {
                        let args = self.args(a, &["expression"], &["name", "map"]);
                        match args.expr("expression") {
                            Some(e) => {
                                if let Some(sql) = self.string_arg(a, e, "the SQL expression") {
                                    let ok = self.sql_ok(&sql, "@check", e.span());
                                    let cname = args
                                        .expr("name")
                                        .and_then(|e| self.string_arg(a, e, "the check name"));
                                    let map = args
                                        .expr("map")
                                        .and_then(|e| self.string_arg(a, e, "the constraint name"));
                                    if ok {
                                        field_checks.push((index, sql, cname, map, a.span));
                                    }
                                }
                            }
                            None => self.err(
                                Diagnostic::error(
                                    a.span,
                                    "`@check` needs a non-empty SQL expression",
                                )
                                .with_help("write `@check(\"column >= 0\")`"),
                            ),
                        }
                    }
                    "relation" => {
                        if on_relation {
                            let ra = self.relation_attr(a);
                            relation_args.insert(index, ra);
                        } else if !matches!(target, TypeTarget::Unknown) {
                            self.err(Diagnostic::error(a.name_span, format!("`@relation` can only be used on relation fields; `{tname}` is not a model")));
                        }
                    }
                    n if n.contains('.') => {
                        let (prefix, _) = n.split_once('.').unwrap_or((n, ""));
                        if prefix == self.datasource_name {
                            native = Some(a);
                        } else {
                            let ds = self.datasource_name.clone();
                            let rest = n.split_once('.').map_or("", |(_, r)| r);
                            self.err(
                                Diagnostic::error(a.name_span, format!("unknown attribute `@{n}`: native types use the datasource name `{ds}` (`@{ds}.{rest}`)"))
                                    .with_label("unknown prefix")
                                    .with_help(format!("did you mean `@{ds}.{rest}`?")),
                            );
                        }
                    }
                    other => {
                        let help = if other == "index" {
                            Some("indexes are block attributes: write `@@index([field])` on its own line".to_owned())
                        } else {
                            hint(other, FIELD_ATTRIBUTES, "@")
                        };
                        let msg = if other == "index" {
                            "unknown field attribute `@index` (indexes are block attributes: `@@index`)".to_owned()
                        } else {
                            format!(
                                "unknown field attribute `@{other}`{}",
                                help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                            )
                        };
                        self.err(
                            Diagnostic::error(a.name_span, msg)
                                .with_label("unknown attribute")
                                .with_help_opt(help),
                        );
                    }
                }
            }

            let kind = match target {
                TypeTarget::Model(target_model) => {
                    for (label, present) in [
                        ("@updatedAt", updated_at.is_some()),
                        ("@db.*", native.is_some()),
                    ] {
                        if present {
                            self.err(Diagnostic::error(
                                f.name.span,
                                format!(
                                    "`{label}` cannot be used on relation field `{}`",
                                    f.name.name
                                ),
                            ));
                        }
                    }
                    relation_args.entry(index).or_default();
                    FieldKind::Relation(RelationField {
                        relation: RelationId(usize::MAX),
                        target: target_model,
                        back_field: fid,
                        holds_foreign_key: false,
                    })
                }
                _ => {
                    let psl_type = match (target, &f.ty.unsupported) {
                        (_, Some(s)) => PslType::Unsupported(s.value.clone()),
                        (TypeTarget::Enum(e), _) => PslType::Enum(e),
                        _ => PslType::from_name(tname).unwrap_or(PslType::String),
                    };
                    let known = !matches!(target, TypeTarget::Unknown);
                    if arity == Arity::List && self.dialect == Dialect::Sqlite && known {
                        self.err(
                            Diagnostic::error(
                                f.ty.span,
                                format!("scalar lists (`{tname}[]`) are not supported on `sqlite`"),
                            )
                            .with_label("list type")
                            .with_help("use PostgreSQL, a `Json` field, or a separate model"),
                        );
                    }
                    if let Some(span) = updated_at
                        && known
                        && psl_type != PslType::DateTime
                    {
                        self.err(
                                Diagnostic::error(span, format!("`@updatedAt` is only allowed on `DateTime` fields, not on `{tname}`"))
                                    .with_label("not a DateTime field"),
                            );
                    }
                    let native_type = match native {
                        Some(a) if known => self.native_type(a, &psl_type, tname),
                        _ => None,
                    };
                    let default = match default_attr {
                        Some(a) if known => self.default_value(a, &psl_type, tname, arity, enums),
                        _ => None,
                    };
                    let rust_type = native::rust_scalar(&psl_type, native_type.as_ref());
                    if let Some(n) = &native_type
                        && let Some(d) = native::unusable_native_type(n, &self.datasource_name)
                    {
                        self.err(d);
                    }
                    if let Some(span) = updated_at
                        && let Some(d) =
                            native::updated_at_misfit(span, rust_type, native_type.as_ref())
                    {
                        self.err(d);
                    }
                    if let Some(a) = default_attr
                        && let Some(d) =
                            native::default_out_of_range(a.span, rust_type, default.as_ref())
                    {
                        self.err(d);
                    }
                    let autoinc = matches!(default, Some(DefaultValue::Autoincrement));
                    let sql_type = PerDialect::from_fn(|d| {
                        let mut t = match (&native_type, d) {
                            (Some(n), Dialect::Postgres) => native_sql(n),
                            _ => default_sql_type(&psl_type, d, enums),
                        };
                        if autoinc && d == Dialect::Postgres {
                            t = match t.as_str() {
                                "BIGINT" => "BIGSERIAL".into(),
                                "SMALLINT" => "SMALLSERIAL".into(),
                                "INTEGER" => "SERIAL".into(),
                                _ => t,
                            };
                        }
                        if arity == Arity::List {
                            t.push_str("[]");
                        }
                        t
                    });
                    FieldKind::Scalar(ScalarField {
                        column_name,
                        psl_type,
                        rust_type,
                        native_type,
                        sql_type,
                        default,
                        updated_at: updated_at.is_some(),
                        unique,
                        id: is_id,
                    })
                }
            };
            field_index.insert(f.name.name.as_str(), index);
            field_spans.push(f.name.span);
            fields.push(Field {
                id: fid,
                name: f.name.name.clone(),
                rust_name: names::rust_snake(&f.name.name),
                docs: Self::docs_before(&b.lines, i),
                arity,
                kind,
                ignored: f_ignored,
                renamed_from: f_renamed,
                span: f.name.span,
            });
        }

        // Keys and indexes from field attributes.
        let mut primary_key = None;
        if id_fields.len() > 1 {
            for (_, span, _) in &id_fields[1..] {
                self.err(
                    Diagnostic::error(*span, format!("model `{name}` has more than one `@id` field (use `@@id([...])` for a composite key)"))
                        .with_label("second `@id`")
                        .with_related(id_fields[0].1, "first `@id`"),
                );
            }
        }
        if let Some((index, span, map)) = id_fields.first().cloned() {
            self.check_pk_map(&map, span);
            let col = fields[index]
                .scalar()
                .map_or(String::new(), |s| s.column_name.clone());
            primary_key = Some(PrimaryKey {
                fields: vec![FieldId { model: id, index }],
                columns: vec![col],
                constraint_name: map
                    .as_deref()
                    .map_or_else(|| names::primary_key_name(&table_name), names::explicit),
                client_name: None,
                compound: false,
                span,
            });
        }
        let mut uniques = Vec::new();
        for (index, span, map, sort) in single_uniques {
            let col = fields[index]
                .scalar()
                .map_or(String::new(), |s| s.column_name.clone());
            uniques.push(UniqueConstraint {
                constraint_name: map.as_deref().map_or_else(
                    || names::unique_name(&table_name, &[col.as_str()]),
                    names::explicit,
                ),
                columns: vec![IndexColumn {
                    field: FieldId { model: id, index },
                    column: col,
                    sort,
                    length: None,
                    ops: None,
                }],
                client_name: None,
                compound: false,
                span,
            });
        }
        let mut checks = Vec::new();
        for (index, sql, cname, map, span) in field_checks {
            let col = fields[index]
                .scalar()
                .map_or(String::new(), |s| s.column_name.clone());
            let base = cname.unwrap_or(col);
            checks.push(Check {
                expression: sql,
                constraint_name: map
                    .as_deref()
                    .map_or_else(|| names::check_name(&table_name, &base), names::explicit),
                field: Some(FieldId { model: id, index }),
                span,
            });
        }

        // Block attributes that refer to fields.
        let mut indexes = Vec::new();
        let mut unnamed_checks = 0usize;
        for line in &b.lines {
            let BodyLine::BlockAttribute(a, _) = line else {
                continue;
            };
            match a.name.as_str() {
                "id" => {
                    let args = self.args(a, &["fields"], &["name", "map", "clustered"]);
                    let Some(cols) = self.field_list(a, args.expr("fields"), &field_index, &fields, &name) else { continue };
                    let map = args.expr("map").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let client = args.expr("name").and_then(|e| self.string_arg(a, e, "the key name"));
                    if let Some(first) = &primary_key {
                        if !first.compound {
                            self.err(
                                Diagnostic::error(a.name_span, format!("model `{name}` has both `@id` and `@@id`"))
                                    .with_label("second primary key")
                                    .with_related(first.span, "`@id` here"),
                            );
                        }
                        continue;
                    }
                    self.check_pk_map(&map, a.span);
                    for c in &cols {
                        let f = &fields[c.field.index];
                        if f.arity != Arity::Required && f.scalar().is_some() {
                            self.err(Diagnostic::error(a.span, format!("`@@id` field `{}` must be required (not optional or a list)", f.name)));
                        }
                    }
                    let col_names: Vec<String> = cols.iter().map(|c| c.column.clone()).collect();
                    primary_key = Some(PrimaryKey {
                        fields: cols.iter().map(|c| c.field).collect(),
                        client_name: client.or_else(|| Some(cols.iter().map(|c| fields[c.field.index].name.as_str()).collect::<Vec<_>>().join("_"))),
                        columns: col_names,
                        constraint_name: map.as_deref().map_or_else(|| names::primary_key_name(&table_name), names::explicit),
                        compound: true,
                        span: a.span,
                    });
                }
                "unique" => {
                    let args = self.args(a, &["fields"], &["name", "map", "clustered"]);
                    let Some(cols) = self.field_list(a, args.expr("fields"), &field_index, &fields, &name) else { continue };
                    let map = args.expr("map").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let client = args.expr("name").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let col_refs: Vec<&str> = cols.iter().map(|c| c.column.as_str()).collect();
                    uniques.push(UniqueConstraint {
                        constraint_name: map.as_deref().map_or_else(|| names::unique_name(&table_name, &col_refs), names::explicit),
                        client_name: client,
                        columns: cols,
                        compound: true,
                        span: a.span,
                    });
                }
                "index" => {
                    let args = self.args(a, &["fields"], &["name", "map", "type", "where", "clustered"]);
                    let Some(cols) = self.field_list(a, args.expr("fields"), &field_index, &fields, &name) else { continue };
                    let map = args.expr("map").or(args.expr("name")).and_then(|e| self.string_arg(a, e, "the index name"));
                    let index_type = args.expr("type").and_then(|e| self.index_type(e));
                    let predicate = match args.expr("where") {
                        Some(e) => match self.string_arg(a, e, "the partial index predicate") {
                            Some(sql) if self.sql_ok(&sql, "@@index(where:)", e.span()) => Some(sql),
                            _ => None,
                        },
                        None => None,
                    };
                    let col_refs: Vec<&str> = cols.iter().map(|c| c.column.as_str()).collect();
                    indexes.push(Index {
                        name: map.as_deref().map_or_else(|| names::index_name(&table_name, &col_refs), names::explicit),
                        columns: cols,
                        index_type,
                        predicate,
                        span: a.span,
                    });
                }
                "check" => {
                    let args = self.args(a, &["expression"], &["name", "map"]);
                    let Some(e) = args.expr("expression") else {
                        self.err(Diagnostic::error(a.span, "`@@check` needs a non-empty SQL expression").with_help("write `@@check(\"a < b\")`"));
                        continue;
                    };
                    let Some(sql) = self.string_arg(a, e, "the SQL expression") else { continue };
                    let cname = args.expr("name").and_then(|e| self.string_arg(a, e, "the check name"));
                    let map = args.expr("map").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let base = match cname {
                        Some(n) => n,
                        None => {
                            unnamed_checks += 1;
                            unnamed_checks.to_string()
                        }
                    };
                    if self.sql_ok(&sql, "@@check", e.span()) {
                        checks.push(Check {
                            expression: sql,
                            constraint_name: map.as_deref().map_or_else(|| names::check_name(&table_name, &base), names::explicit),
                            field: None,
                            span: a.span,
                        });
                    }
                }
                "schema" => self.err(
                    Diagnostic::error(a.name_span, "`@@schema` (multi-schema) is not supported")
                        .with_label("not supported")
                        .with_help("all tables live in the connection's default schema"),
                ),
                "fulltext" => self.err(
                    Diagnostic::error(a.name_span, "`@@fulltext` is not supported")
                        .with_label("not supported")
                        .with_help("full-text indexes are a MySQL/MongoDB feature in Prisma; use `@@index(…, type: Gin)` on PostgreSQL"),
                ),
                "map" | "ignore" | "renamedFrom" => {}
                other => {
                    let help = hint(other, BLOCK_ATTRIBUTES, "@@");
                    self.err(
                        Diagnostic::error(a.name_span, format!("unknown block attribute `@@{other}`{}", help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))
                            .with_label("unknown attribute")
                            .with_help_opt(help),
                    );
                }
            }
        }

        let model = Model {
            id,
            rust_name: names::rust_camel(&name),
            module_name: names::rust_snake(&name),
            docs: None,
            name,
            table_name,
            ignored,
            renamed_from,
            fields,
            primary_key,
            uniques,
            indexes,
            checks,
            span: model_span,
        };
        let has_invalid_lines = b.lines.iter().any(|l| matches!(l, BodyLine::Invalid(_)));
        let has_block_id = b
            .lines
            .iter()
            .any(|l| matches!(l, BodyLine::BlockAttribute(a, _) if a.name == "id"));
        (
            model,
            ModelExtra {
                field_index,
                map_span,
                has_invalid_lines,
                has_block_id,
                relation_args,
            },
        )
    }

    fn check_pk_map(&mut self, map: &Option<String>, span: Span) {
        if map.is_some() && self.dialect == Dialect::Sqlite {
            self.err(
                Diagnostic::error(span, "`map:` on a primary key is not supported on `sqlite`")
                    .with_label("named primary key")
                    .with_help("SQLite does not name primary key constraints; remove `map:`"),
            );
        }
    }

    fn sql_ok(&mut self, sql: &str, what: &str, span: Span) -> bool {
        match names::sql_problem(sql) {
            None => true,
            Some(problem) => {
                self.err(
                    Diagnostic::error(span, format!("`{what}` {problem}"))
                        .with_label("invalid SQL")
                        .with_help("the expression is copied into the DDL as written; it must be a complete SQL expression"),
                );
                false
            }
        }
    }

    fn sort_order(&mut self, e: &Expr) -> Option<SortOrder> {
        match e {
            Expr::Constant { name, .. } if name == "Asc" => Some(SortOrder::Asc),
            Expr::Constant { name, .. } if name == "Desc" => Some(SortOrder::Desc),
            other => {
                self.err(
                    Diagnostic::error(other.span(), "`sort:` must be `Asc` or `Desc`")
                        .with_help_opt(match other {
                            Expr::Constant { name, .. } => hint(name, ["Asc", "Desc"], ""),
                            _ => None,
                        }),
                );
                None
            }
        }
    }

    fn index_type(&mut self, e: &Expr) -> Option<IndexType> {
        let Expr::Constant { name, span } = e else {
            self.err(Diagnostic::error(
                e.span(),
                format!("`type:` must be one of {}", INDEX_TYPES.join(", ")),
            ));
            return None;
        };
        let t = match name.as_str() {
            "BTree" => IndexType::BTree,
            "Hash" => IndexType::Hash,
            "Gist" => IndexType::Gist,
            "Gin" => IndexType::Gin,
            "SpGist" => IndexType::SpGist,
            "Brin" => IndexType::Brin,
            other => {
                let help = hint(other, INDEX_TYPES, "");
                self.err(
                    Diagnostic::error(
                        *span,
                        format!(
                            "unknown index type `{other}` for `@@index(type:)`{}",
                            help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                        ),
                    )
                    .with_label("unknown index type")
                    .with_help_opt(
                        help.or_else(|| Some(format!("index types: {}", INDEX_TYPES.join(", ")))),
                    ),
                );
                return None;
            }
        };
        if self.dialect == Dialect::Sqlite && t != IndexType::BTree {
            self.err(
                Diagnostic::error(
                    *span,
                    format!("index type `{name}` is not supported on `sqlite`"),
                )
                .with_help("remove `type:`"),
            );
        }
        Some(t)
    }

    /// Resolves `[a, b(sort: Desc)]` against the model's scalar fields.
    fn field_list(
        &mut self,
        a: &Attribute,
        e: Option<&Expr>,
        field_index: &HashMap<&str, usize>,
        fields: &[Field],
        model: &str,
    ) -> Option<Vec<IndexColumn>> {
        let Some(e) = e else {
            self.err(Diagnostic::error(
                a.span,
                format!(
                    "`@@{}` needs a list of fields: `@@{}([a, b])`",
                    a.name, a.name
                ),
            ));
            return None;
        };
        let Expr::Array { items, .. } = e else {
            self.err(Diagnostic::error(
                e.span(),
                format!("`@@{}` expects a list of fields such as `[a, b]`", a.name),
            ));
            return None;
        };
        if items.is_empty() {
            self.err(Diagnostic::error(
                e.span(),
                format!("`@@{}` needs at least one field", a.name),
            ));
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            let (fname, fspan, args) = match item {
                Expr::Constant { name, span } => (name.as_str(), *span, &[][..]),
                Expr::Call { name, args, .. } => (name.name.as_str(), name.span, args.as_slice()),
                other => {
                    self.err(Diagnostic::error(
                        other.span(),
                        format!(
                            "`@@{}` expects field names, got {}",
                            a.name,
                            other.describe()
                        ),
                    ));
                    ok = false;
                    continue;
                }
            };
            let Some(&index) = field_index.get(fname) else {
                let help = hint(fname, field_index.keys(), "");
                self.err(
                    Diagnostic::error(
                        fspan,
                        format!(
                            "`@@{}` refers to unknown field `{fname}`{}",
                            a.name,
                            help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                        ),
                    )
                    .with_label(format!("no such field in `{model}`"))
                    .with_help_opt(help),
                );
                ok = false;
                continue;
            };
            let f = &fields[index];
            let Some(sf) = f.scalar() else {
                self.err(
                    Diagnostic::error(
                        fspan,
                        format!(
                            "`@@{}` refers to relation field `{fname}`, which has no column",
                            a.name
                        ),
                    )
                    .with_help("use the foreign-key fields instead"),
                );
                ok = false;
                continue;
            };
            let mut sort = None;
            let mut length = None;
            let mut ops = None;
            for arg in args {
                match arg.name.as_ref().map(|n| n.name.as_str()) {
                    Some("sort") => sort = self.sort_order(&arg.value),
                    Some("length") => match &arg.value {
                        Expr::Number { text, .. } => length = text.parse().ok(),
                        other => self.err(Diagnostic::error(other.span(), "`length:` must be a number")),
                    },
                    Some("ops") if self.dialect == Dialect::Sqlite => self.err(
                        Diagnostic::error(arg.span, "operator classes (`ops:`) are not supported on `sqlite`")
                            .with_help("remove `ops:`"),
                    ),
                    Some("ops") => match names::operator_class(&arg.value) {
                        Some(o) => ops = Some(o),
                        None => self.err(
                            Diagnostic::error(arg.value.span(), "`ops:` must name an operator class")
                                .with_help("write e.g. `ops: JsonbPathOps` or `ops: raw(\"gin_trgm_ops\")`"),
                        ),
                    },
                    _ => self.err(
                        Diagnostic::error(arg.span, "unknown argument in a field of an index (expected `sort`, `length` or `ops`)")
                            .with_help_opt(arg.name.as_ref().and_then(|n| hint(&n.name, ["sort", "length", "ops"], ""))),
                    ),
                }
            }
            out.push(IndexColumn {
                field: f.id,
                column: sf.column_name.clone(),
                sort,
                length,
                ops,
            });
        }
        ok.then_some(out)
    }

    fn native_type(&mut self, a: &Attribute, psl: &PslType, tname: &str) -> Option<NativeType> {
        let (_, nname) = a.name.split_once('.').unwrap_or(("", &a.name));
        if self.dialect == Dialect::Sqlite {
            self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "native type `@{}` is not supported by provider `sqlite`",
                        a.name
                    ),
                )
                .with_label("not a SQLite type")
                .with_help("SQLite has no `@db.*` native types; remove the attribute"),
            );
            return None;
        }
        let Some(&(_, fits, argspec, _)) = PG_NATIVE.iter().find(|(n, ..)| *n == nname) else {
            let ds = &self.datasource_name;
            let help = hint(nname, PG_NATIVE.iter().map(|t| t.0), &format!("@{ds}."));
            self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "unknown native type `@{}` for provider `postgresql`",
                        a.name
                    ),
                )
                .with_label("unknown native type")
                .with_help_opt(help),
            );
            return None;
        };
        if matches!(psl, PslType::Unsupported(_)) || psl_type_name(psl) != fits {
            self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "native type `@{}` does not fit type `{tname}` (it is for `{fits}`)",
                        a.name
                    ),
                )
                .with_label("wrong scalar type"),
            );
            return None;
        }
        let mut args = Vec::new();
        for arg in a.arguments() {
            match &arg.value {
                Expr::Number { text, .. } if !text.contains(['.', '-', 'e', 'E']) => {
                    args.push(text.clone())
                }
                other => {
                    let what = match other {
                        Expr::String(_) => "a string".to_owned(),
                        o => o.describe().to_owned(),
                    };
                    self.err(
                        Diagnostic::error(
                            other.span(),
                            format!("`@{}` expects a number, got {what}", a.name),
                        )
                        .with_label("expected a non-negative integer"),
                    );
                    return None;
                }
            }
        }
        let n = args.len();
        let ok = match argspec {
            NativeArgs::None => n == 0,
            NativeArgs::OptionalOne => n <= 1,
            NativeArgs::ZeroOrTwo => n == 0 || n == 2,
        };
        if !ok {
            let count = ["none", "one", "two", "three"]
                .get(n)
                .copied()
                .unwrap_or("many");
            let msg = match argspec {
                NativeArgs::None => format!("`@{}` takes no arguments", a.name),
                NativeArgs::OptionalOne => {
                    format!("`@{}` takes at most one argument, got {n}", a.name)
                }
                NativeArgs::ZeroOrTwo => format!(
                    "`@{}` takes zero or two arguments (precision, scale), got {count}",
                    a.name
                ),
            };
            self.err(Diagnostic::error(a.span, msg).with_label("wrong number of arguments"));
            return None;
        }
        Some(NativeType {
            name: nname.to_owned(),
            args,
            span: a.span,
        })
    }

    fn default_value(
        &mut self,
        a: &Attribute,
        psl: &PslType,
        tname: &str,
        arity: Arity,
        enums: &[Enum],
    ) -> Option<DefaultValue> {
        let Some(arg) = a
            .arguments()
            .iter()
            .find(|x| x.name.as_ref().is_none_or(|n| n.name == "value"))
        else {
            self.err(Diagnostic::error(
                a.span,
                "`@default` needs a value: `@default(…)`",
            ));
            return None;
        };
        let e = &arg.value;
        if let Expr::Call { name, args, span } = e {
            return self.default_function(&name.name, args, *span, psl, tname, arity);
        }
        if arity == Arity::List {
            let Expr::Array { items, .. } = e else {
                let text = &self.source[e.span().start..e.span().end];
                self.err(
                    Diagnostic::error(e.span(), format!("default value `{text}` does not fit the list type `{tname}[]` (use `[{text}]`)"))
                        .with_label("not a list"),
                );
                return None;
            };
            let mut out = Vec::new();
            for item in items {
                out.push(self.default_literal(item, psl, tname, enums)?);
            }
            return Some(DefaultValue::List(out));
        }
        self.default_literal(e, psl, tname, enums)
    }

    fn default_function(
        &mut self,
        fname: &str,
        args: &[Argument],
        span: Span,
        psl: &PslType,
        tname: &str,
        arity: Arity,
    ) -> Option<DefaultValue> {
        let wrong = |only: &str| {
            Diagnostic::error(
                span,
                format!(
                    "`{fname}()` cannot be the default of {} `{tname}` field (only `{only}`)",
                    a_or_an(tname)
                ),
            )
            .with_label("wrong type for this default")
        };
        let int_arg = |args: &[Argument]| -> Result<Option<u8>, ()> {
            match args {
                [] => Ok(None),
                [
                    Argument {
                        name: None,
                        value: Expr::Number { text, .. },
                        ..
                    },
                ] => text.parse::<u8>().map(Some).map_err(|_| ()),
                _ => Err(()),
            }
        };
        if arity == Arity::List && fname != "dbgenerated" {
            self.err(Diagnostic::error(
                span,
                format!("`{fname}()` cannot be the default of a list field"),
            ));
            return None;
        }
        match fname {
            "autoincrement" => {
                if !matches!(psl, PslType::Int | PslType::BigInt) {
                    self.err(
                        Diagnostic::error(
                            span,
                            format!(
                                "`autoincrement()` cannot be the default of {} `{tname}` field",
                                a_or_an(tname)
                            ),
                        )
                        .with_label("only for Int and BigInt")
                        .with_help("use `uuid()` or `cuid()` for String keys"),
                    );
                    return None;
                }
                if !args.is_empty() {
                    self.err(Diagnostic::error(
                        span,
                        "`autoincrement()` takes no arguments",
                    ));
                }
                Some(DefaultValue::Autoincrement)
            }
            "now" => {
                if *psl != PslType::DateTime {
                    self.err(wrong("DateTime"));
                    return None;
                }
                Some(DefaultValue::Now)
            }
            "uuid" | "cuid" | "nanoid" | "ulid" => {
                if *psl != PslType::String {
                    self.err(wrong("String"));
                    return None;
                }
                let v = match int_arg(args) {
                    Ok(v) => v,
                    Err(()) => {
                        self.err(Diagnostic::error(
                            span,
                            format!("`{fname}()` takes an optional version number"),
                        ));
                        return None;
                    }
                };
                let allowed = |n: u8| match fname {
                    "uuid" => n == 4 || n == 7,
                    "cuid" => n == 1 || n == 2,
                    "nanoid" => n >= 2,
                    _ => false,
                };
                if let Some(n) = v
                    && !allowed(n)
                {
                    self.err(Diagnostic::error(
                        span,
                        format!("`{fname}({n})` is not a supported version"),
                    ));
                    return None;
                }
                Some(match fname {
                    "uuid" => DefaultValue::Uuid(v.unwrap_or(4)),
                    "cuid" => DefaultValue::Cuid(v.unwrap_or(1)),
                    // nanoid()/ulid(): runtime-generated strings; kept as raw
                    // defaults the runtime recognises by name.
                    "nanoid" => DefaultValue::Nanoid(v.unwrap_or(21)),
                    _ => DefaultValue::Ulid,
                })
            }
            "dbgenerated" => match args {
                [] => Some(DefaultValue::DbGenerated(String::new())),
                [
                    Argument {
                        name: None,
                        value: Expr::String(s),
                        ..
                    },
                ] => {
                    if s.value.trim().is_empty() {
                        self.err(Diagnostic::error(s.span, "`dbgenerated()` needs a non-empty SQL expression (or no argument at all)"));
                        return None;
                    }
                    Some(DefaultValue::DbGenerated(s.value.clone()))
                }
                _ => {
                    self.err(Diagnostic::error(
                        span,
                        "`dbgenerated()` takes one string: the SQL expression",
                    ));
                    None
                }
            },
            other => {
                let known = [
                    "autoincrement",
                    "now",
                    "uuid",
                    "cuid",
                    "nanoid",
                    "ulid",
                    "dbgenerated",
                ];
                self.err(
                    Diagnostic::error(span, format!("unknown function `{other}()` in `@default`"))
                        .with_label("unknown function")
                        .with_help_opt(
                            hint(other, known, "")
                                .map(|h| h.replace("`?", "()`?"))
                                .or_else(|| {
                                    Some(format!("known functions: {}", known.join("(), ") + "()"))
                                }),
                        ),
                );
                None
            }
        }
    }

    fn default_literal(
        &mut self,
        e: &Expr,
        psl: &PslType,
        tname: &str,
        enums: &[Enum],
    ) -> Option<DefaultValue> {
        let text = self
            .source
            .get(e.span().start..e.span().end)
            .unwrap_or("")
            .to_owned();
        let misfit = |extra: &str| {
            Diagnostic::error(
                e.span(),
                format!("default value `{text}` does not fit type `{tname}`{extra}"),
            )
            .with_label("wrong type")
        };
        let v = match (psl, e) {
            (PslType::String, Expr::String(s)) => DefaultValue::String(s.value.clone()),
            (PslType::Json, Expr::String(s)) => DefaultValue::String(s.value.clone()),
            (PslType::Bytes, Expr::String(s)) => DefaultValue::String(s.value.clone()),
            (PslType::DateTime, Expr::String(s)) => {
                if !names::is_rfc3339(&s.value) {
                    self.err(
                        Diagnostic::error(
                            e.span(),
                            format!("default value `{text}` is not a valid RFC 3339 date-time"),
                        )
                        .with_label("not a date-time")
                        .with_help("write e.g. `\"2024-01-31T12:00:00Z\"`, or use `now()`"),
                    );
                    return None;
                }
                DefaultValue::String(s.value.clone())
            }
            (PslType::Int | PslType::BigInt, Expr::Number { text: n, .. }) => {
                match n.parse::<i64>() {
                    Ok(i) if *psl == PslType::BigInt || i32::try_from(i).is_ok() => {
                        DefaultValue::Int(i)
                    }
                    _ => {
                        self.err(misfit(""));
                        return None;
                    }
                }
            }
            (PslType::Float, Expr::Number { text: n, .. }) => DefaultValue::Float(n.clone()),
            (PslType::Decimal, Expr::Number { text: n, .. }) => DefaultValue::Decimal(n.clone()),
            (PslType::Decimal, Expr::String(s)) if s.value.parse::<f64>().is_ok() => {
                DefaultValue::Decimal(s.value.clone())
            }
            (PslType::Boolean, Expr::Constant { name, .. })
                if name == "true" || name == "false" =>
            {
                DefaultValue::Bool(name == "true")
            }
            (PslType::Boolean, _) => {
                self.err(misfit(" (use `true` or `false`)"));
                return None;
            }
            (PslType::Enum(id), Expr::Constant { name, span }) => {
                let en = enums.get(id.0)?;
                match en.values.iter().find(|v| v.name == *name) {
                    Some(v) => DefaultValue::Enum {
                        name: v.name.clone(),
                        db_value: v.db_value.clone(),
                    },
                    None => {
                        let help = hint(name, en.values.iter().map(|v| v.name.as_str()), "");
                        self.err(
                            Diagnostic::error(
                                *span,
                                format!(
                                    "default value `{name}` is not a value of enum `{}`{}",
                                    en.name,
                                    help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                                ),
                            )
                            .with_label("unknown enum value")
                            .with_help_opt(help.or_else(|| {
                                Some(format!(
                                    "values: {}",
                                    en.values
                                        .iter()
                                        .map(|v| v.name.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ))
                            })),
                        );
                        return None;
                    }
                }
            }
            (PslType::Unsupported(_), _) => {
                self.err(Diagnostic::error(
                    e.span(),
                    "an `Unsupported` field can only have `dbgenerated(\"…\")` as default",
                ));
                return None;
            }
            _ => {
                self.err(misfit(""));
                return None;
            }
        };
        Some(v)
    }

    fn relation_attr(&mut self, a: &Attribute) -> RelationArgs {
        let args = self.args(
            a,
            &["name"],
            &["fields", "references", "onDelete", "onUpdate", "map"],
        );
        let mut r = RelationArgs {
            span: Some(a.span),
            ..RelationArgs::default()
        };
        r.name = args
            .expr("name")
            .and_then(|e| self.string_arg(a, e, "the relation name"));
        for key in ["fields", "references"] {
            if let Some(e) = args.expr(key) {
                match ident_list(e) {
                    Some(list) if matches!(e, Expr::Array { .. }) => {
                        if key == "fields" {
                            r.fields = Some((list, e.span()));
                        } else {
                            r.references = Some((list, e.span()));
                        }
                    }
                    _ => self.err(
                        Diagnostic::error(
                            e.span(),
                            format!("`{key}:` expects a list of field names such as `[authorId]`"),
                        )
                        .with_label("not a field list"),
                    ),
                }
            }
        }
        for key in ["onDelete", "onUpdate"] {
            let Some(e) = args.expr(key) else { continue };
            let action = match e {
                Expr::Constant { name, span } => match name.as_str() {
                    "Cascade" => Some(ReferentialAction::Cascade),
                    "Restrict" => Some(ReferentialAction::Restrict),
                    "NoAction" => Some(ReferentialAction::NoAction),
                    "SetNull" => Some(ReferentialAction::SetNull),
                    "SetDefault" => Some(ReferentialAction::SetDefault),
                    other => {
                        let help = hint(other, REFERENTIAL_ACTIONS, "");
                        let msg = match &help {
                            Some(h) => {
                                format!("unknown referential action `{other}` for `{key}` ({h})")
                            }
                            None => format!(
                                "unknown referential action `{other}` for `{key}` (expected {})",
                                REFERENTIAL_ACTIONS.join(", ")
                            ),
                        };
                        self.err(
                            Diagnostic::error(*span, msg)
                                .with_label("unknown action")
                                .with_help_opt(help),
                        );
                        None
                    }
                },
                Expr::String(s) => {
                    self.err(
                        Diagnostic::error(
                            s.span,
                            "referential action must be a constant such as `Cascade`, not a string",
                        )
                        .with_label("remove the quotes")
                        .with_help(format!("write `{key}: {}`", s.value)),
                    );
                    None
                }
                other => {
                    self.err(Diagnostic::error(
                        other.span(),
                        format!("`{key}:` expects one of {}", REFERENTIAL_ACTIONS.join(", ")),
                    ));
                    None
                }
            };
            if let Some(action) = action {
                if key == "onDelete" {
                    r.on_delete = Some((action, e.span()));
                } else {
                    r.on_update = Some((action, e.span()));
                }
            }
        }
        r.map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the foreign key name"));
        r
    }

    #[allow(clippy::too_many_lines)]
    fn relations(&mut self, schema: &mut Schema, extras: &[ModelExtra<'_>]) {
        // Group relation fields by (relation name, unordered model pair).
        type Key = (String, ModelId, ModelId);
        let mut groups: HashMap<Key, Vec<FieldId>> =
            HashMap::with_capacity_and_hasher(schema.models.len() * 2, Default::default());
        let mut order: Vec<Key> = Vec::new();
        for m in &schema.models {
            for f in &m.fields {
                let Some(rf) = f.relation() else { continue };
                let name = extras[m.id.0]
                    .relation_args
                    .get(&f.id.index)
                    .and_then(|r| r.name.clone())
                    .unwrap_or_default();
                let (x, y) = if m.id <= rf.target {
                    (m.id, rf.target)
                } else {
                    (rf.target, m.id)
                };
                let key = (name, x, y);
                let entry = groups.entry(key.clone()).or_default();
                if entry.is_empty() {
                    order.push(key);
                }
                entry.push(f.id);
            }
        }
        let mut relations = Vec::new();
        for key in order {
            let Some(group) = groups.get(&key) else {
                continue;
            };
            let (name, x, y) = &key;
            let mut pairs: Vec<(FieldId, FieldId)> = Vec::new();
            if x == y {
                let model = &schema.models[x.0];
                if name.is_empty() && group.len() >= 2 {
                    let f0 = &model.fields[group[0].index];
                    let f1 = &model.fields[group[1].index];
                    self.err(
                        Diagnostic::error(f0.span, format!("ambiguous self-relation: `{}.{}` and `{}.{}` both refer to `{}`; give the relation a name", model.name, f0.name, model.name, f1.name, model.name))
                            .with_label("unnamed self-relation")
                            .with_related(f1.span, "also refers to the same model")
                            .with_help(format!("add `@relation(\"Name\")` to both `{}` and `{}`", f0.name, f1.name)),
                    );
                    continue;
                }
                match group.len() {
                    2 => pairs.push((group[0], group[1])),
                    1 => {
                        let f = &model.fields[group[0].index];
                        let msg = if name.is_empty() {
                            format!(
                                "relation field `{}` on `{}` has no opposite relation field on model `{}`",
                                f.name, model.name, model.name
                            )
                        } else {
                            format!(
                                "relation field `{}` (relation \"{name}\") has no opposite field with the same relation name on model `{}`",
                                f.name, model.name
                            )
                        };
                        self.err(
                            Diagnostic::error(f.span, msg)
                                .with_label("missing back side")
                                .with_help(format!(
                                    "add the opposite field to `{}` with `@relation(\"{}\")`",
                                    model.name,
                                    if name.is_empty() { "Name" } else { name }
                                )),
                        );
                        continue;
                    }
                    _ => {
                        let f = &model.fields[group[2].index];
                        self.err(Diagnostic::error(f.span, format!("relation name \"{name}\" is used by more than two fields of `{}`", model.name)).with_help("each relation name connects exactly two fields"));
                        continue;
                    }
                }
            } else {
                let on_x: Vec<FieldId> = group.iter().copied().filter(|f| f.model == *x).collect();
                let on_y: Vec<FieldId> = group.iter().copied().filter(|f| f.model == *y).collect();
                if on_x.len() > 1 || on_y.len() > 1 {
                    // Report at the earliest field of a crowded side.
                    let side = if on_x.len() > 1 && on_y.len() > 1 {
                        let sx = schema.field(on_x[0]).span.start;
                        let sy = schema.field(on_y[0]).span.start;
                        if sx <= sy { &on_x } else { &on_y }
                    } else if on_x.len() > 1 {
                        &on_x
                    } else {
                        &on_y
                    };
                    let other_side = if std::ptr::eq(side, &on_x) {
                        &on_y
                    } else {
                        &on_x
                    };
                    let f0 = schema.field(side[0]);
                    let f1 = schema.field(side[1]);
                    let m = &schema.models[side[0].model.0];
                    let target =
                        &schema.models[f0.relation().map_or(side[0].model, |r| r.target).0];
                    let also = if other_side.len() > 1 {
                        let o0 = schema.field(other_side[0]);
                        let o1 = schema.field(other_side[1]);
                        format!(
                            " (and `{}.{}`/`{}.{}` to `{}`)",
                            target.name, o0.name, target.name, o1.name, m.name
                        )
                    } else {
                        String::new()
                    };
                    let msg = if name.is_empty() {
                        format!(
                            "ambiguous relation: `{}.{}` and `{}.{}` both refer to `{}`{also}; give each relation a name with `@relation(\"…\")`",
                            m.name, f0.name, m.name, f1.name, target.name
                        )
                    } else {
                        format!(
                            "relation name \"{name}\" is used by more than one field of `{}` towards `{}`",
                            m.name, target.name
                        )
                    };
                    self.err(Diagnostic::error(f0.span, msg).with_label("ambiguous").with_related(f1.span, "same target").with_help("name both sides of each relation alike, e.g. `@relation(\"Written\")`"));
                    continue;
                }
                match (on_x.first(), on_y.first()) {
                    (Some(a), Some(b)) => pairs.push((*a, *b)),
                    (Some(only), None) | (None, Some(only)) => {
                        let f = schema.field(*only);
                        let m = &schema.models[only.model.0];
                        let target =
                            &schema.models[f.relation().map_or(only.model, |r| r.target).0];
                        let msg = if name.is_empty() {
                            format!(
                                "relation field `{}` on `{}` has no opposite relation field on model `{}`",
                                f.name, m.name, target.name
                            )
                        } else {
                            format!(
                                "relation field `{}` (relation \"{name}\") has no opposite field with the same relation name on model `{}`",
                                f.name, target.name
                            )
                        };
                        let help = if name.is_empty() {
                            format!(
                                "add a field of type `{}` or `{}[]` to model `{}`",
                                m.name, m.name, target.name
                            )
                        } else {
                            format!(
                                "add `@relation(\"{name}\")` to the opposite field on `{}`",
                                target.name
                            )
                        };
                        self.err(
                            Diagnostic::error(f.span, msg)
                                .with_label("missing back side")
                                .with_help(help),
                        );
                        continue;
                    }
                    (None, None) => continue,
                }
            }
            for (f1, f2) in pairs {
                if let Some(rel) =
                    self.build_relation(schema, extras, f1, f2, name, RelationId(relations.len()))
                {
                    for (fid, back, holds) in [
                        (rel.field_a, rel.field_b, true),
                        (rel.field_b, rel.field_a, false),
                    ] {
                        if let FieldKind::Relation(rf) =
                            &mut schema.models[fid.model.0].fields[fid.index].kind
                        {
                            rf.relation = rel.id;
                            rf.back_field = back;
                            rf.holds_foreign_key =
                                holds && matches!(rel.storage, RelationStorage::ForeignKey(_));
                        }
                    }
                    relations.push(rel);
                }
            }
        }
        schema.relations = relations;
    }

    #[allow(clippy::too_many_lines)]
    fn build_relation(
        &mut self,
        schema: &Schema,
        extras: &[ModelExtra<'_>],
        f1: FieldId,
        f2: FieldId,
        name: &str,
        id: RelationId,
    ) -> Option<Relation> {
        let fa = schema.field(f1);
        let fb = schema.field(f2);
        let ra = extras[f1.model.0]
            .relation_args
            .get(&f1.index)
            .cloned()
            .unwrap_or_default();
        let rb = extras[f2.model.0]
            .relation_args
            .get(&f2.index)
            .cloned()
            .unwrap_or_default();
        let ma = schema.model(f1.model);
        let mb = schema.model(f2.model);
        let default_name = {
            let (p, q) = if ma.name <= mb.name {
                (&ma.name, &mb.name)
            } else {
                (&mb.name, &ma.name)
            };
            format!("{p}To{q}")
        };
        let rel_name = if name.is_empty() {
            default_name
        } else {
            name.to_owned()
        };

        // Implicit many-to-many.
        if fa.arity == Arity::List && fb.arity == Arity::List {
            for (f, r, m) in [(fa, &ra, ma), (fb, &rb, mb)] {
                if let Some((_, span)) = &r.fields {
                    self.err(
                        Diagnostic::error(*span, format!("`@relation(fields:)` is not allowed on `{}.{}`: implicit many-to-many relations have no foreign-key fields", m.name, f.name))
                            .with_help("remove `fields`/`references`, or model the join table explicitly"),
                    );
                    return None;
                }
            }
            // A references the model whose name sorts first. For a
            // self-relation Prisma stores the rows of the field whose name
            // sorts first in column B (its targets in A), so column A
            // belongs to the field whose name sorts last.
            let a_first = if ma.name == mb.name {
                fa.name > fb.name
            } else {
                ma.name < mb.name
            };
            let (a_field, b_field) = if a_first { (fa, fb) } else { (fb, fa) };
            let table = format!("_{rel_name}");
            let mut cols = Vec::new();
            for (col, f) in [("A", a_field), ("B", b_field)] {
                let m = schema.model(f.id.model);
                let pk = match &m.primary_key {
                    Some(pk) if pk.fields.len() == 1 => pk.fields[0],
                    _ => {
                        self.err(
                            Diagnostic::error(f.span, format!("the implicit many-to-many relation `{}` needs a single-field `@id` on model `{}`", rel_name, m.name))
                                .with_help("add an `@id` field, or model the join table explicitly"),
                        );
                        return None;
                    }
                };
                let idf = schema.field(pk);
                let sf = idf.scalar()?;
                cols.push(JoinColumn {
                    name: col.to_owned(),
                    model: m.id,
                    field: f.id,
                    references: pk,
                    referenced_table: m.table_name.clone(),
                    referenced_column: sf.column_name.clone(),
                    sql_type: PerDialect::from_fn(|d| match (&sf.native_type, d) {
                        (Some(n), Dialect::Postgres) => native_sql(n),
                        _ => default_sql_type(&sf.psl_type, d, &schema.enums),
                    }),
                    fk_name: format!("{table}_{col}_fkey"),
                });
            }
            let b_col = cols.pop()?;
            let a_col = cols.pop()?;
            return Some(Relation {
                id,
                name: rel_name,
                explicit_name: !name.is_empty(),
                kind: RelationKind::ManyToMany,
                field_a: a_col.field,
                field_b: b_col.field,
                storage: RelationStorage::JoinTable(Box::new(JoinTable {
                    primary_key_name: format!("{table}_AB_pkey"),
                    unique_index_name: format!("{table}_AB_unique"),
                    b_index_name: format!("{table}_B_index"),
                    table_name: table,
                    a: a_col,
                    b: b_col,
                })),
            });
        }

        // 1:1 or 1:n: find the side with `fields`.
        let a_has = ra.fields.is_some() || ra.references.is_some();
        let b_has = rb.fields.is_some() || rb.references.is_some();
        let (holder, back, hr, br) = match (a_has, b_has) {
            (true, true) => {
                if fa.arity == Arity::List || fb.arity == Arity::List {
                    let (lf, lr) = if fa.arity == Arity::List {
                        (fa, &ra)
                    } else {
                        (fb, &rb)
                    };
                    self.list_side_error(schema, lf, lr);
                    return None;
                }
                self.err(
                    Diagnostic::error(fb.span, format!("both sides of the relation between `{}.{}` and `{}.{}` define `fields`/`references`", ma.name, fa.name, mb.name, fb.name))
                        .with_related(fa.span, "first side")
                        .with_help("only the side that holds the foreign key has `fields` and `references`"),
                );
                return None;
            }
            (true, false) => (fa, fb, ra, rb),
            (false, true) => (fb, fa, rb, ra),
            (false, false) => {
                let (one, many) = if fa.arity == Arity::List {
                    (fb, fa)
                } else {
                    (fa, fb)
                };
                let m1 = schema.model(one.id.model);
                let msg = if many.arity == Arity::List {
                    let m2 = schema.model(many.id.model);
                    format!(
                        "one-to-many relation between `{}.{}` and `{}.{}` has no `fields`/`references` on the `{}` side",
                        m1.name, one.name, m2.name, many.name, m1.name
                    )
                } else {
                    format!(
                        "one-to-one relation between `{}.{}` and `{}.{}` has no `fields`/`references` on either side",
                        ma.name, fa.name, mb.name, fb.name
                    )
                };
                self.err(
                    Diagnostic::error(one.span, msg)
                        .with_label("foreign key missing")
                        .with_help(format!("add `@relation(fields: [{}Id], references: [id])` and the `{}Id` field", one.name, one.name)),
                );
                return None;
            }
        };
        if holder.arity == Arity::List {
            self.list_side_error(schema, holder, &hr);
            return None;
        }
        if br.on_delete.is_some() || br.on_update.is_some() || br.map.is_some() {
            let span = br.span.unwrap_or(back.span);
            self.err(
                Diagnostic::error(span, "`onDelete`, `onUpdate` and `map` belong on the side of the relation that has `fields`")
                    .with_help(format!("move them to `{}`", holder.name)),
            );
        }
        let hm = schema.model(holder.id.model);
        let bm = schema.model(back.id.model);
        let rel_span = hr.span.unwrap_or(holder.span);
        let (fields_list, fields_span) = match hr.fields.clone() {
            Some(x) => x,
            None => {
                self.err(
                    Diagnostic::error(rel_span, "`@relation` has `references` but no `fields`")
                        .with_help("add `fields: [theForeignKeyField]`"),
                );
                return None;
            }
        };
        let (refs_list, refs_span) = match hr.references.clone() {
            Some(x) => x,
            None => {
                self.err(
                    Diagnostic::error(rel_span, "`@relation` has `fields` but no `references`")
                        .with_help("add `references: [id]`"),
                );
                return None;
            }
        };
        if fields_list.len() != refs_list.len() {
            self.err(
                Diagnostic::error(
                    rel_span,
                    format!(
                        "`@relation` has {} `fields` but {} `references`",
                        fields_list.len(),
                        refs_list.len()
                    ),
                )
                .with_label("counts differ")
                .with_help("each foreign-key field references one field"),
            );
            return None;
        }
        if fields_list.is_empty() {
            self.err(Diagnostic::error(
                fields_span,
                "`@relation(fields:)` needs at least one field",
            ));
            return None;
        }
        let hx = &extras[hm.id.0];
        let bx = &extras[bm.id.0];
        let mut local = Vec::new();
        let mut ok = true;
        for f in &fields_list {
            match hx.field_index.get(f.name.as_str()).map(|i| &hm.fields[*i]) {
                Some(field) if field.scalar().is_some() => local.push(field),
                Some(_) => {
                    self.err(Diagnostic::error(f.span, format!("`@relation(fields:)` refers to relation field `{}`; use its scalar foreign-key field", f.name)));
                    ok = false;
                }
                None => {
                    let help = hint(
                        &f.name,
                        hm.scalar_fields().map(|(x, _)| x.name.as_str()),
                        "",
                    );
                    self.err(
                        Diagnostic::error(
                            f.span,
                            format!(
                                "`@relation(fields:)` refers to unknown field `{}` in model `{}`{}",
                                f.name,
                                hm.name,
                                help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                            ),
                        )
                        .with_label("no such field")
                        .with_help_opt(help.or_else(|| {
                            Some(format!(
                                "declare the foreign-key field, e.g. `{} Int`",
                                f.name
                            ))
                        })),
                    );
                    ok = false;
                }
            }
        }
        let mut remote = Vec::new();
        for r in &refs_list {
            match bx.field_index.get(r.name.as_str()).map(|i| &bm.fields[*i]) {
                Some(field) if field.scalar().is_some() => remote.push(field),
                Some(_) => {
                    self.err(Diagnostic::error(
                        r.span,
                        format!(
                            "`@relation(references:)` refers to relation field `{}`",
                            r.name
                        ),
                    ));
                    ok = false;
                }
                None => {
                    let help = hint(
                        &r.name,
                        bm.scalar_fields().map(|(x, _)| x.name.as_str()),
                        "",
                    );
                    self.err(
                        Diagnostic::error(r.span, format!("`@relation(references:)` refers to unknown field `{}` in model `{}`{}", r.name, bm.name, help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))
                            .with_label("no such field")
                            .with_help_opt(help),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        for (l, r) in local.iter().zip(&remote) {
            let (Some(ls), Some(rs)) = (l.scalar(), r.scalar()) else {
                continue;
            };
            if ls.psl_type != rs.psl_type {
                let lt = type_display(&ls.psl_type, &schema.enums);
                let rt = type_display(&rs.psl_type, &schema.enums);
                self.err(
                    Diagnostic::error(rel_span, format!("`@relation`: field `{}` is `{lt}` but referenced field `{}.{}` is `{rt}`", l.name, bm.name, r.name))
                        .with_label("types differ")
                        .with_help(format!("declare `{}` as `{rt}`", l.name)),
                );
                ok = false;
            }
        }
        // References must be exactly a primary key or a unique constraint.
        let mut ref_ids: Vec<FieldId> = remote.iter().map(|f| f.id).collect();
        ref_ids.sort();
        let is_unique_set = |ids: &[FieldId], m: &Model| {
            m.primary_key
                .iter()
                .map(|pk| pk.fields.clone())
                .chain(
                    m.uniques
                        .iter()
                        .map(|u| u.columns.iter().map(|c| c.field).collect()),
                )
                .any(|mut v: Vec<FieldId>| {
                    v.sort();
                    v == ids
                })
        };
        if ok && !is_unique_set(&ref_ids, bm) {
            let list = refs_list
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let what = if remote.len() == 1 {
                format!("`{}.{}` is not unique", bm.name, remote[0].name)
            } else {
                format!(
                    "fields ({list}) of `{}` are not a unique criterion",
                    bm.name
                )
            };
            self.err(
                Diagnostic::error(refs_span, format!("`@relation(references: [{list}])`: {what} (references must be a primary key or unique)"))
                    .with_label("not unique")
                    .with_help(format!("reference the primary key, or add `@unique` / `@@unique([{list}])` to `{}`", bm.name)),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        // Arity rules.
        let any_optional = local.iter().any(|f| f.arity == Arity::Optional);
        if any_optional && holder.arity == Arity::Required {
            self.err(
                Diagnostic::error(holder.span, format!("relation field `{}` is required but its foreign-key field(s) are optional; make it `{}?`", holder.name, bm.name))
                    .with_help("relation and foreign-key fields must agree on optionality"),
            );
        }
        let kind = if back.arity == Arity::List {
            RelationKind::OneToMany
        } else {
            RelationKind::OneToOne
        };
        if kind == RelationKind::OneToOne {
            if back.arity == Arity::Required {
                self.err(
                    Diagnostic::error(back.span, format!("the back side `{}.{}` of a one-to-one relation must be optional (`{}?`)", bm.name, back.name, hm.name))
                        .with_label("must be optional")
                        .with_help(format!("write `{} {}?`", back.name, hm.name)),
                );
            }
            let mut local_ids: Vec<FieldId> = local.iter().map(|f| f.id).collect();
            local_ids.sort();
            if !is_unique_set(&local_ids, hm) {
                let names_list = local
                    .iter()
                    .map(|f| format!("`{}`", f.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.err(
                    Diagnostic::error(fields_span, format!("one-to-one relation `{}.{}`: foreign-key field {names_list} must be unique (add `@unique`)", hm.name, holder.name))
                        .with_label("not unique")
                        .with_help("a one-to-one relation needs a unique foreign key; use a list on the other side for one-to-many"),
                );
            }
        }
        // Prisma's default follows the scalar foreign-key fields, not the
        // relation field: `SetNull` only when every one of them is optional.
        let any_required_fk = local.iter().any(|f| f.arity == Arity::Required);
        let on_delete = hr.on_delete.map_or(
            if any_required_fk {
                ReferentialAction::Restrict
            } else {
                ReferentialAction::SetNull
            },
            |x| x.0,
        );
        let on_update = hr.on_update.map_or(ReferentialAction::Cascade, |x| x.0);
        for (label, act) in [("onDelete", hr.on_delete), ("onUpdate", hr.on_update)] {
            if let Some((ReferentialAction::SetNull, span)) = act
                && local.iter().any(|f| f.arity == Arity::Required)
            {
                self.err(
                        Diagnostic::warning(span, format!("`{label}: SetNull` on a required foreign key: the database will refuse to set `{}` to NULL", local.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")))
                            .with_label("field is required")
                            .with_help("make the foreign-key field optional, or choose another action"),
                    );
            }
        }
        let columns: Vec<String> = local
            .iter()
            .filter_map(|f| f.scalar().map(|s| s.column_name.clone()))
            .collect();
        let col_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        let constraint_name = hr.map.as_deref().map_or_else(
            || names::foreign_key_name(&hm.table_name, &col_refs),
            names::explicit,
        );
        Some(Relation {
            id,
            name: rel_name,
            explicit_name: !name.is_empty(),
            kind,
            field_a: holder.id,
            field_b: back.id,
            storage: RelationStorage::ForeignKey(ForeignKey {
                model: hm.id,
                relation_field: holder.id,
                fields: local.iter().map(|f| f.id).collect(),
                columns,
                referenced_model: bm.id,
                referenced_table: bm.table_name.clone(),
                referenced_fields: remote.iter().map(|f| f.id).collect(),
                referenced_columns: remote
                    .iter()
                    .filter_map(|f| f.scalar().map(|s| s.column_name.clone()))
                    .collect(),
                on_delete,
                on_update,
                constraint_name,
                in_database: schema.relation_mode == RelationMode::ForeignKeys,
            }),
        })
    }

    fn list_side_error(&mut self, schema: &Schema, list_field: &Field, r: &RelationArgs) {
        let m = schema.model(list_field.id.model);
        let span = r
            .fields
            .as_ref()
            .map(|x| x.1)
            .or(r.span)
            .unwrap_or(list_field.span);
        self.err(
            Diagnostic::error(span, format!("`@relation(fields:)` is not allowed on the list side `{}.{}` of a one-to-many relation", m.name, list_field.name))
                .with_label("list side")
                .with_help("put `fields`/`references` on the single side, which holds the foreign key"),
        );
    }

    fn whole_schema_checks(&mut self, schema: &Schema, extras: &[ModelExtra<'_>]) {
        let mut tables: HashMap<&str, &Model> =
            HashMap::with_capacity_and_hasher(schema.models.len(), Default::default());
        let mut structs: HashMap<&str, &Model> =
            HashMap::with_capacity_and_hasher(schema.models.len(), Default::default());
        // Name → (kind, model, span) of its first use; the description for a
        // diagnostic is only formatted when there is one.
        let mut index_names: HashMap<&str, (&str, &str, Span)> =
            HashMap::with_capacity_and_hasher(schema.models.len() * 2, Default::default());
        let mut fks_by_model: HashMap<ModelId, Vec<&ForeignKey>> =
            HashMap::with_capacity_and_hasher(schema.models.len(), Default::default());
        for fk in schema.foreign_keys() {
            fks_by_model.entry(fk.model).or_default().push(fk);
        }
        for m in &schema.models {
            // Unique criterion.
            let has_criterion = m.primary_key.is_some()
                || m.uniques.iter().any(|u| {
                    u.columns
                        .iter()
                        .all(|c| schema.field(c.field).arity == Arity::Required)
                });
            if !has_criterion
                && !m.ignored
                && !extras[m.id.0].has_invalid_lines
                && !extras[m.id.0].has_block_id
            {
                let only_optional = !m.uniques.is_empty();
                let msg = if only_optional {
                    format!(
                        "model `{}` has no primary key or unique criterion (`@unique` on an optional field does not count)",
                        m.name
                    )
                } else {
                    format!(
                        "model `{}` has no primary key (`@id` / `@@id`) and no required unique field or `@@unique` to use instead",
                        m.name
                    )
                };
                self.err(
                    Diagnostic::error(m.span, msg)
                        .with_label("no unique criterion")
                        .with_help("add `id Int @id @default(autoincrement())`, an `@@id([…])`, or `@unique` on a required field"),
                );
            }
            if let Some(first) = tables.get(m.table_name.as_str()) {
                self.err(
                    Diagnostic::error(
                        extras[m.id.0].map_span.unwrap_or(m.span),
                        format!(
                            "model `{}` maps to table `{}`, which model `{}` already uses",
                            m.name, m.table_name, first.name
                        ),
                    )
                    .with_label("table name taken")
                    .with_related(first.span, "first model with this table"),
                );
            } else {
                tables.insert(&m.table_name, m);
            }
            if let Some(first) = structs.get(m.rust_name.as_str()) {
                self.err(
                    Diagnostic::error(
                        m.span,
                        format!(
                            "models `{}` and `{}` both become the Rust type `{}`",
                            first.name, m.name, m.rust_name
                        ),
                    )
                    .with_related(first.span, "first model"),
                );
            } else {
                structs.insert(&m.rust_name, m);
            }
            // Columns and Rust field names.
            let mut columns: HashMap<&str, &Field> =
                HashMap::with_capacity_and_hasher(m.fields.len(), Default::default());
            let mut rust_names: HashMap<&str, &Field> =
                HashMap::with_capacity_and_hasher(m.fields.len(), Default::default());
            for f in &m.fields {
                if let Some(s) = f.scalar() {
                    if let Some(first) = columns.get(s.column_name.as_str()) {
                        self.err(
                            Diagnostic::error(
                                f.span,
                                format!(
                                    "field `{}` maps to column `{}`, which field `{}` already uses",
                                    f.name, s.column_name, first.name
                                ),
                            )
                            .with_label("column name taken")
                            .with_related(first.span, "first field with this column"),
                        );
                    } else {
                        columns.insert(&s.column_name, f);
                    }
                }
                if let Some(first) = rust_names.get(f.rust_name.as_str()) {
                    self.err(
                        Diagnostic::error(f.span, format!("fields `{}` and `{}` both become the Rust field `{}` (ormgen rule)", first.name, f.name, f.rust_name))
                            .with_label("Rust name clash")
                            .with_related(first.span, "first field")
                            .with_help("rename one of them (`@map` keeps the column name)"),
                    );
                } else {
                    rust_names.insert(&f.rust_name, f);
                }
            }
            // PostgreSQL: primary keys, unique constraints and indexes share one namespace.
            let mut named: Vec<(&str, &str, Span)> = Vec::new();
            if let Some(pk) = &m.primary_key {
                named.push((
                    pk.constraint_name.get(self.dialect).as_str(),
                    "primary key",
                    pk.span,
                ));
            }
            for u in &m.uniques {
                named.push((
                    u.constraint_name.get(self.dialect).as_str(),
                    "unique constraint",
                    u.span,
                ));
            }
            for i in &m.indexes {
                named.push((i.name.get(self.dialect).as_str(), "index", i.span));
            }
            if self.dialect == Dialect::Postgres {
                let mut all: Vec<(&str, Span)> = named.iter().map(|(n, _, s)| (*n, *s)).collect();
                all.extend(
                    m.checks
                        .iter()
                        .map(|c| (c.constraint_name.postgres.as_str(), c.span)),
                );
                for fk in fks_by_model.get(&m.id).into_iter().flatten() {
                    let span = schema.field(fk.relation_field).span;
                    all.push((fk.constraint_name.postgres.as_str(), span));
                }
                for (n, span) in all {
                    if n.len() > 63 {
                        self.err(
                            Diagnostic::error(span, format!("constraint name given in `map:` is {} bytes long; PostgreSQL allows at most 63", n.len()))
                                .with_label("name too long")
                                .with_help("PostgreSQL would silently truncate it; choose a shorter name"),
                        );
                    }
                }
            }
            for (n, kind, span) in named {
                if self.dialect == Dialect::Sqlite && kind == "primary key" {
                    continue;
                }
                if let Some((first_kind, first_model, first_span)) = index_names.get(n) {
                    let first_kind = format!("{first_kind} on `{first_model}`");
                    let which = match kind {
                        "index" => "index name",
                        "unique constraint" => "unique constraint name",
                        _ => "primary key name",
                    };
                    self.err(
                        Diagnostic::error(span, format!("{which} `{n}` is already used by the {first_kind} (PostgreSQL: primary keys, indexes and unique constraints share one namespace)"))
                            .with_label("name taken")
                            .with_related(*first_span, "first use")
                            .with_help("choose another name with `map:`"),
                    );
                } else {
                    index_names.insert(n, (kind, m.name.as_str(), span));
                }
            }
        }
        // Join tables must not collide with model tables.
        for j in schema.join_tables() {
            if let Some(m) = tables.get(j.table_name.as_str()) {
                self.err(Diagnostic::error(m.span, format!("model `{}` uses table `{}`, the join table of an implicit many-to-many relation", m.name, j.table_name)));
            }
        }
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
