//! The checked schema IR: every name resolved, every relation paired, every
//! SQL and Rust name computed. This is what the code generator and the
//! migration differ consume.
//!
//! Models, fields and enums are addressed by typed ids ([`ModelId`],
//! [`FieldId`], [`EnumId`], [`RelationId`]); [`Schema`] has accessors for
//! each. Everything carries a [`Span`] for diagnostics; [`Schema::without_spans`]
//! gives a copy with all spans zeroed, for comparisons that ignore layout.

use std::collections::BTreeMap;
use std::fmt;

use crate::diagnostics::Span;

/// The SQL dialects ormgen targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    /// PostgreSQL (`provider = "postgresql"`).
    Postgres,
    /// SQLite (`provider = "sqlite"`).
    Sqlite,
}

impl Dialect {
    /// The longest identifier the dialect accepts, as Prisma counts it
    /// (bytes). Default constraint names are truncated to fit.
    pub fn max_identifier_length(self) -> usize {
        match self {
            Dialect::Postgres => 63,
            Dialect::Sqlite => 10_000,
        }
    }

    /// Both dialects.
    pub const ALL: [Dialect; 2] = [Dialect::Postgres, Dialect::Sqlite];
}

/// A value per dialect (SQL types and constraint names may differ).
#[derive(Clone, PartialEq, Eq)]
pub struct PerDialect<T> {
    /// The PostgreSQL value.
    pub postgres: T,
    /// The SQLite value.
    pub sqlite: T,
}

impl<T> PerDialect<T> {
    /// The value for `dialect`.
    pub fn get(&self, dialect: Dialect) -> &T {
        match dialect {
            Dialect::Postgres => &self.postgres,
            Dialect::Sqlite => &self.sqlite,
        }
    }

    /// Builds a value per dialect with `f`.
    pub fn from_fn(mut f: impl FnMut(Dialect) -> T) -> PerDialect<T> {
        PerDialect {
            postgres: f(Dialect::Postgres),
            sqlite: f(Dialect::Sqlite),
        }
    }
}

impl<T: fmt::Debug + PartialEq> fmt::Debug for PerDialect<T> {
    /// Prints a single value when both dialects agree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.postgres == self.sqlite {
            fmt::Debug::fmt(&self.postgres, f)
        } else {
            f.debug_struct("PerDialect")
                .field("postgres", &self.postgres)
                .field("sqlite", &self.sqlite)
                .finish()
        }
    }
}

/// Index of a model in [`Schema::models`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelId(pub usize);

impl fmt::Debug for ModelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M{}", self.0)
    }
}

/// Index of an enum in [`Schema::enums`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub usize);

impl fmt::Debug for EnumId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{}", self.0)
    }
}

/// Index of a relation in [`Schema::relations`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelationId(pub usize);

impl fmt::Debug for RelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// A field: its model and its index in [`Model::fields`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId {
    /// The model.
    pub model: ModelId,
    /// The index in the model's fields.
    pub index: usize,
}

impl fmt::Debug for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M{}.F{}", self.model.0, self.index)
    }
}

/// A checked schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The datasource, if declared.
    pub datasource: Option<Datasource>,
    /// Generator blocks.
    pub generators: Vec<Generator>,
    /// The dialect of the datasource provider (the default dialect).
    pub dialect: Dialect,
    /// Whether foreign keys exist in the database.
    pub relation_mode: RelationMode,
    /// Models in source order; index = [`ModelId`].
    pub models: Vec<Model>,
    /// Enums in source order; index = [`EnumId`].
    pub enums: Vec<Enum>,
    /// Relations; index = [`RelationId`].
    pub relations: Vec<Relation>,
    /// Model ids by model name.
    pub model_names: BTreeMap<String, ModelId>,
    /// Enum ids by enum name.
    pub enum_names: BTreeMap<String, EnumId>,
}

/// `relationMode` of the datasource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationMode {
    /// Foreign keys are created in the database (the default).
    ForeignKeys,
    /// `relationMode = "prisma"`: no foreign keys in the database;
    /// [`ForeignKey::in_database`] is `false` and referential actions are the
    /// runtime's business.
    Prisma,
}

/// The `datasource` block.
#[derive(Clone, PartialEq)]
pub struct Datasource {
    /// The block name (`db`); also the prefix of native type attributes.
    pub name: String,
    /// The provider string as written.
    pub provider: String,
    /// The URL, if given.
    pub url: Option<UrlSource>,
    /// Other keys as written (`directUrl`, `schemas`, …), value text only.
    pub other: Vec<(String, String)>,
    /// The PostgreSQL extensions of `extensions = [...]`, in the order written.
    pub extensions: Vec<Extension>,
    /// The block.
    pub span: Span,
}

// Written out so that a schema without extensions dumps as before (the IR
// snapshots of every schema would otherwise all gain `extensions: []`).
impl std::fmt::Debug for Datasource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Datasource");
        d.field("name", &self.name)
            .field("provider", &self.provider)
            .field("url", &self.url)
            .field("other", &self.other);
        if !self.extensions.is_empty() {
            d.field("extensions", &self.extensions);
        }
        d.field("span", &self.span).finish()
    }
}

/// A PostgreSQL extension the schema needs: an item of the datasource's
/// `extensions = [citext, pg_trgm(schema: "public", version: "1.6"), …]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The name as written in the schema (`uuid_ossp`).
    pub name: String,
    /// The name in the database: `map:` or the name (`uuid-ossp`).
    pub db_name: String,
    /// `schema:`, the schema to create it in.
    pub schema: Option<String>,
    /// `version:`, the version to install.
    pub version: Option<String>,
    /// Where it is written.
    pub span: Span,
}

/// Where the datasource URL comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// A literal URL.
    Literal(String),
    /// `env("NAME")`.
    Env(String),
}

/// A `generator` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Generator {
    /// The block name.
    pub name: String,
    /// The `provider` value.
    pub provider: Option<String>,
    /// Every key with its value (strings decoded, other values as written).
    pub config: Vec<(String, String)>,
    /// The block.
    pub span: Span,
}

/// A model: one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Its id.
    pub id: ModelId,
    /// The model name.
    pub name: String,
    /// The SQL table name (`@@map` or the model name).
    pub table_name: String,
    /// The Rust struct name (the model name in UpperCamelCase).
    pub rust_name: String,
    /// The Rust module of column handles (snake_case, keyword-escaped).
    pub module_name: String,
    /// `///` documentation.
    pub docs: Option<String>,
    /// `@@ignore`: the table exists; no Rust code is generated.
    pub ignored: bool,
    /// `@@renamedFrom("Old")`: the model's previous name.
    pub renamed_from: Option<String>,
    /// Fields in source order (relation fields included).
    pub fields: Vec<Field>,
    /// The primary key (`@id` or `@@id`).
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints (`@unique` and `@@unique`) in source order.
    pub uniques: Vec<UniqueConstraint>,
    /// Indexes (`@@index`).
    pub indexes: Vec<Index>,
    /// Check constraints (`@check`, `@@check`).
    pub checks: Vec<Check>,
    /// The model name's span.
    pub span: Span,
}

/// A field: a column or a relation.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its id.
    pub id: FieldId,
    /// The field name as written.
    pub name: String,
    /// The Rust field name (snake_case; keywords get a `r#` prefix, and
    /// `self`, `super`, `crate`, `Self` an `_` suffix).
    pub rust_name: String,
    /// `///` documentation.
    pub docs: Option<String>,
    /// Required, optional or list.
    pub arity: Arity,
    /// Column or relation.
    pub kind: FieldKind,
    /// `@ignore`: in the database, absent from generated code.
    pub ignored: bool,
    /// `@renamedFrom("old")`: the field's previous name.
    pub renamed_from: Option<String>,
    /// The field name's span.
    pub span: Span,
}

/// `?`, `[]` or required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// `T` (NOT NULL)
    Required,
    /// `T?` (NULL)
    Optional,
    /// `T[]` (array column, or to-many relation)
    List,
}

/// What a field is.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// A column.
    Scalar(ScalarField),
    /// A relation to another model (no column of its own).
    Relation(RelationField),
}

/// The PSL type of a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PslType {
    /// `String`
    String,
    /// `Boolean`
    Boolean,
    /// `Int`
    Int,
    /// `BigInt`
    BigInt,
    /// `Float`
    Float,
    /// `Decimal`
    Decimal,
    /// `DateTime`
    DateTime,
    /// `Json`
    Json,
    /// `Bytes`
    Bytes,
    /// An enum of the schema.
    Enum(EnumId),
    /// `Unsupported("…")` with its database type.
    Unsupported(String),
}

impl PslType {
    /// The scalar type for a PSL type name.
    pub fn from_name(name: &str) -> Option<PslType> {
        Some(match name {
            "String" => PslType::String,
            "Boolean" => PslType::Boolean,
            "Int" => PslType::Int,
            "BigInt" => PslType::BigInt,
            "Float" => PslType::Float,
            "Decimal" => PslType::Decimal,
            "DateTime" => PslType::DateTime,
            "Json" => PslType::Json,
            "Bytes" => PslType::Bytes,
            _ => return None,
        })
    }

    /// The names of the built-in scalar types.
    pub const SCALAR_NAMES: [&'static str; 9] = [
        "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
    ];
}

/// The Rust type of a column's values (before `Option`/`Vec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustScalar {
    /// `String`
    String,
    /// `bool`
    Bool,
    /// `i16` (`Int @db.SmallInt`)
    I16,
    /// `i32`
    I32,
    /// `u32` (`Int @db.Oid`)
    U32,
    /// `i64`
    I64,
    /// `f32` (`Float @db.Real`)
    F32,
    /// `f64`
    F64,
    /// a decimal type
    Decimal,
    /// a UTC timestamp type
    DateTime,
    /// a calendar date without time zone (`DateTime @db.Date`)
    Date,
    /// a time of day without time zone (`DateTime @db.Time`)
    Time,
    /// a time of day with a UTC offset (`DateTime @db.Timetz`)
    TimeTz,
    /// `serde_json::Value`
    Json,
    /// `Vec<u8>`
    Bytes,
    /// a UUID type (`String @db.Uuid`)
    Uuid,
    /// the generated Rust enum
    Enum(EnumId),
    /// `Unsupported("…")`: the field is left out of the Rust struct.
    Unsupported,
}

/// A column.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalarField {
    /// The SQL column name (`@map` or the field name).
    pub column_name: String,
    /// The PSL type.
    pub psl_type: PslType,
    /// The Rust value type.
    pub rust_type: RustScalar,
    /// `@db.X(args)`.
    pub native_type: Option<NativeType>,
    /// The SQL type per dialect, without `NOT NULL`; arrays end in `[]`.
    /// `@default(autoincrement())` makes it `SERIAL`/`BIGSERIAL`/`SMALLSERIAL`
    /// on PostgreSQL; on SQLite it stays `INTEGER` (the `AUTOINCREMENT`
    /// keyword belongs to the primary key clause).
    pub sql_type: PerDialect<String>,
    /// `@default(…)`.
    pub default: Option<DefaultValue>,
    /// `@updatedAt`.
    pub updated_at: bool,
    /// `@unique` on this field.
    pub unique: bool,
    /// `@id` on this field.
    pub id: bool,
}

/// A native type attribute: `@db.VarChar(255)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeType {
    /// The type name (`VarChar`).
    pub name: String,
    /// Its arguments as written (`["255"]`).
    pub args: Vec<String>,
    /// The attribute.
    pub span: Span,
}

/// A default value.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// A string literal (for String, Json, Decimal, DateTime, Bytes fields).
    String(String),
    /// An integer literal.
    Int(i64),
    /// A float literal, as written.
    Float(String),
    /// A decimal literal, as written.
    Decimal(String),
    /// `true` / `false`.
    Bool(bool),
    /// An enum value: the Prisma name and its database value.
    Enum {
        /// The value name.
        name: String,
        /// Its database value (`@map` or the name).
        db_value: String,
    },
    /// A list literal for a list field.
    List(Vec<DefaultValue>),
    /// `autoincrement()`: generated by the database.
    Autoincrement,
    /// `now()`: `CURRENT_TIMESTAMP`.
    Now,
    /// `uuid()` (optionally `uuid(4)` or `uuid(7)`): generated by the runtime.
    Uuid(u8),
    /// `cuid()` (optionally `cuid(2)`): generated by the runtime.
    Cuid(u8),
    /// `nanoid()` / `nanoid(n)`: generated by the runtime (length, default 21).
    Nanoid(u8),
    /// `ulid()`: generated by the runtime.
    Ulid,
    /// `dbgenerated("sql")`: a raw SQL default expression (empty: no
    /// default in the database, the database fills the column itself).
    DbGenerated(String),
}

/// A relation field.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationField {
    /// The relation this field is a side of.
    pub relation: RelationId,
    /// The model at the other end.
    pub target: ModelId,
    /// The field on the other side.
    pub back_field: FieldId,
    /// Whether this side holds the foreign key (`fields:`/`references:`).
    pub holds_foreign_key: bool,
}

/// A primary key.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryKey {
    /// The key's fields, in order.
    pub fields: Vec<FieldId>,
    /// Their column names.
    pub columns: Vec<String>,
    /// The constraint name per dialect (`{Table}_pkey`, or `map:`).
    pub constraint_name: PerDialect<String>,
    /// The Prisma-level name of a compound key (`@@id(name: …)`), or the
    /// field names joined by `_`.
    pub client_name: Option<String>,
    /// `@@id` (block attribute) rather than `@id`.
    pub compound: bool,
    /// The attribute.
    pub span: Span,
}

/// Sort order of an index column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// Ascending (the default).
    Asc,
    /// Descending.
    Desc,
}

/// One column of an index or unique constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexColumn {
    /// The field.
    pub field: FieldId,
    /// The column name.
    pub column: String,
    /// `sort: Desc`.
    pub sort: Option<SortOrder>,
    /// `length: n` (MySQL only in Prisma; kept as written).
    pub length: Option<u32>,
    /// `ops: JsonbPathOps` / `ops: raw("gin_trgm_ops")`: the PostgreSQL
    /// operator class, as its SQL name (`jsonb_path_ops`).
    pub ops: Option<String>,
}

/// A unique constraint (a unique index in SQL).
#[derive(Debug, Clone, PartialEq)]
pub struct UniqueConstraint {
    /// The columns.
    pub columns: Vec<IndexColumn>,
    /// The constraint name per dialect (`{Table}_{cols}_key`, or `map:`).
    pub constraint_name: PerDialect<String>,
    /// The Prisma-level name (`name:`) of a compound unique.
    pub client_name: Option<String>,
    /// `@@unique` rather than `@unique`.
    pub compound: bool,
    /// The attribute.
    pub span: Span,
}

/// The access method of an index (PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexType {
    /// BTree (the default)
    BTree,
    /// Hash
    Hash,
    /// Gist
    Gist,
    /// Gin
    Gin,
    /// SpGist
    SpGist,
    /// Brin
    Brin,
}

/// A non-unique index.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// The columns.
    pub columns: Vec<IndexColumn>,
    /// The index name per dialect (`{Table}_{cols}_idx`, or `map:`).
    pub name: PerDialect<String>,
    /// `type:`.
    pub index_type: Option<IndexType>,
    /// `where: "sql"` (extension): a partial index.
    pub predicate: Option<String>,
    /// The attribute.
    pub span: Span,
}

/// A check constraint (extension).
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The SQL expression.
    pub expression: String,
    /// The constraint name per dialect: `{Table}_{name}_check` where the
    /// name is `name:`, else the column (for `@check`), else `{n}` (the
    /// 1-based position among the model's unnamed `@@check`s); `map:`
    /// overrides the whole name.
    pub constraint_name: PerDialect<String>,
    /// The field for `@check`.
    pub field: Option<FieldId>,
    /// The attribute.
    pub span: Span,
}

/// An enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Its id.
    pub id: EnumId,
    /// The enum name.
    pub name: String,
    /// The database type name (`@@map` or the name); used by PostgreSQL's
    /// `CREATE TYPE`.
    pub db_name: String,
    /// The Rust enum name (UpperCamelCase).
    pub rust_name: String,
    /// `///` documentation.
    pub docs: Option<String>,
    /// The values in source order.
    pub values: Vec<EnumValue>,
    /// The enum name's span.
    pub span: Span,
}

/// An enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The value name.
    pub name: String,
    /// The database value (`@map` or the name).
    pub db_value: String,
    /// The Rust variant name (UpperCamelCase, keyword-escaped).
    pub rust_name: String,
    /// `///` documentation.
    pub docs: Option<String>,
    /// The value's span.
    pub span: Span,
}

/// The shape of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// 1:1 (the back side is optional).
    OneToOne,
    /// 1:n (the back side is a list).
    OneToMany,
    /// Implicit m:n through a join table.
    ManyToMany,
}

/// A resolved relation between two relation fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// Its id.
    pub id: RelationId,
    /// The relation name: the explicit `@relation("Name")`, else Prisma's
    /// default `{A}To{B}` with the model names sorted.
    pub name: String,
    /// Whether the name was written.
    pub explicit_name: bool,
    /// 1:1, 1:n or m:n.
    pub kind: RelationKind,
    /// For 1:1 and 1:n: the field holding `fields:`/`references:`. For m:n:
    /// the field whose rows are stored in column `A` (see [`JoinTable`]).
    pub field_a: FieldId,
    /// The other field (the back side; for m:n the field owning column `B`).
    pub field_b: FieldId,
    /// Foreign key (1:1, 1:n) or join table (m:n).
    pub storage: RelationStorage,
}

/// How a relation is stored.
#[derive(Debug, Clone, PartialEq)]
pub enum RelationStorage {
    /// A foreign key on the referencing model.
    ForeignKey(ForeignKey),
    /// An implicit many-to-many join table.
    JoinTable(Box<JoinTable>),
}

/// Referential actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferentialAction {
    /// `Cascade`
    Cascade,
    /// `Restrict`
    Restrict,
    /// `NoAction`
    NoAction,
    /// `SetNull`
    SetNull,
    /// `SetDefault`
    SetDefault,
}

impl ReferentialAction {
    /// The SQL spelling (`ON DELETE …`).
    pub fn sql(self) -> &'static str {
        match self {
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignKey {
    /// The model whose table holds the constraint.
    pub model: ModelId,
    /// The relation field with `@relation(fields: …)`.
    pub relation_field: FieldId,
    /// The constrained (local) scalar fields.
    pub fields: Vec<FieldId>,
    /// Their column names.
    pub columns: Vec<String>,
    /// The referenced model.
    pub referenced_model: ModelId,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced unique fields.
    pub referenced_fields: Vec<FieldId>,
    /// Their column names.
    pub referenced_columns: Vec<String>,
    /// `onDelete` (Prisma's default: `SetNull` for optional relations,
    /// `Restrict` for required ones).
    pub on_delete: ReferentialAction,
    /// `onUpdate` (default `Cascade`).
    pub on_update: ReferentialAction,
    /// The constraint name per dialect (`{Table}_{cols}_fkey`, or `map:`).
    pub constraint_name: PerDialect<String>,
    /// `false` under `relationMode = "prisma"`: no constraint in the database.
    pub in_database: bool,
}

/// An implicit many-to-many join table, exactly as Prisma creates it.
///
/// Column `A` references the id of the model whose name sorts first, `B` the
/// other. For a self-relation both reference the same model; as in Prisma,
/// the relation field whose name sorts first keeps its own rows in `B` (and
/// finds its targets in `A`), so [`JoinColumn::field`] of `A` is the field
/// whose name sorts last. Traversing a field `f`: own id in the column whose
/// `field == f`, related ids in the other column.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinTable {
    /// `_{A}To{B}` or `_{RelationName}`.
    pub table_name: String,
    /// Column `A`.
    pub a: JoinColumn,
    /// Column `B`.
    pub b: JoinColumn,
    /// PostgreSQL: the primary key `{table}_AB_pkey` on (A, B) (Prisma 6).
    pub primary_key_name: String,
    /// SQLite: the unique index `{table}_AB_unique` on (A, B).
    pub unique_index_name: String,
    /// The index `{table}_B_index` on (B).
    pub b_index_name: String,
}

impl JoinTable {
    /// Whether (A, B) is a primary key (PostgreSQL) or a unique index (SQLite).
    pub fn ab_is_primary_key(dialect: Dialect) -> bool {
        dialect == Dialect::Postgres
    }
}

/// A column of a join table.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinColumn {
    /// `A` or `B`.
    pub name: String,
    /// The model it references.
    pub model: ModelId,
    /// The relation field on that model (whose rows this column holds).
    pub field: FieldId,
    /// The referenced id field.
    pub references: FieldId,
    /// The referenced table and column.
    pub referenced_table: String,
    /// The referenced column.
    pub referenced_column: String,
    /// The column's SQL type (that of the referenced id, without serial).
    pub sql_type: PerDialect<String>,
    /// `{table}_{A|B}_fkey`; `ON DELETE CASCADE ON UPDATE CASCADE`.
    pub fk_name: String,
}

impl Schema {
    /// A model by id.
    pub fn model(&self, id: ModelId) -> &Model {
        &self.models[id.0]
    }

    /// An enum by id.
    pub fn enum_(&self, id: EnumId) -> &Enum {
        &self.enums[id.0]
    }

    /// A relation by id.
    pub fn relation(&self, id: RelationId) -> &Relation {
        &self.relations[id.0]
    }

    /// A field by id.
    pub fn field(&self, id: FieldId) -> &Field {
        &self.models[id.model.0].fields[id.index]
    }

    /// A model by name.
    pub fn model_by_name(&self, name: &str) -> Option<&Model> {
        self.model_names.get(name).map(|id| self.model(*id))
    }

    /// An enum by name.
    pub fn enum_by_name(&self, name: &str) -> Option<&Enum> {
        self.enum_names.get(name).map(|id| self.enum_(*id))
    }

    /// The column name of a scalar field (`None` for relation fields).
    pub fn column_name(&self, id: FieldId) -> Option<&str> {
        self.field(id).scalar().map(|s| s.column_name.as_str())
    }

    /// The implicit many-to-many join tables.
    pub fn join_tables(&self) -> impl Iterator<Item = &JoinTable> {
        self.relations.iter().filter_map(|r| match &r.storage {
            RelationStorage::JoinTable(j) => Some(&**j),
            RelationStorage::ForeignKey(_) => None,
        })
    }

    /// Every foreign key.
    pub fn foreign_keys(&self) -> impl Iterator<Item = &ForeignKey> {
        self.relations.iter().filter_map(|r| match &r.storage {
            RelationStorage::ForeignKey(f) => Some(f),
            RelationStorage::JoinTable(_) => None,
        })
    }

    /// A copy with every span set to `0..0`, for comparisons that must
    /// ignore layout (e.g. before and after formatting).
    pub fn without_spans(&self) -> Schema {
        let mut s = self.clone();
        let z = Span::default();
        if let Some(d) = &mut s.datasource {
            d.span = z;
            for e in &mut d.extensions {
                e.span = z;
            }
        }
        for g in &mut s.generators {
            g.span = z;
        }
        for m in &mut s.models {
            m.span = z;
            for f in &mut m.fields {
                f.span = z;
                if let FieldKind::Scalar(sf) = &mut f.kind
                    && let Some(n) = &mut sf.native_type
                {
                    n.span = z;
                }
            }
            if let Some(pk) = &mut m.primary_key {
                pk.span = z;
            }
            for u in &mut m.uniques {
                u.span = z;
            }
            for i in &mut m.indexes {
                i.span = z;
            }
            for c in &mut m.checks {
                c.span = z;
            }
        }
        for e in &mut s.enums {
            e.span = z;
            for v in &mut e.values {
                v.span = z;
            }
        }
        s
    }
}

impl Model {
    /// A field by name.
    pub fn field_by_name(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The scalar (column) fields, in order.
    pub fn scalar_fields(&self) -> impl Iterator<Item = (&Field, &ScalarField)> {
        self.fields
            .iter()
            .filter_map(|f| f.scalar().map(|s| (f, s)))
    }

    /// The relation fields, in order.
    pub fn relation_fields(&self) -> impl Iterator<Item = (&Field, &RelationField)> {
        self.fields
            .iter()
            .filter_map(|f| f.relation().map(|r| (f, r)))
    }
}

impl Field {
    /// The column, for scalar fields.
    pub fn scalar(&self) -> Option<&ScalarField> {
        match &self.kind {
            FieldKind::Scalar(s) => Some(s),
            FieldKind::Relation(_) => None,
        }
    }

    /// The relation, for relation fields.
    pub fn relation(&self) -> Option<&RelationField> {
        match &self.kind {
            FieldKind::Relation(r) => Some(r),
            FieldKind::Scalar(_) => None,
        }
    }

    /// Whether the column is nullable (`?`).
    pub fn is_optional(&self) -> bool {
        self.arity == Arity::Optional
    }
}
