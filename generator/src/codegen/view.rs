//! View models: everything the templates print, computed in Rust from the
//! schema IR (names, Rust and SQL types, SQL constants per dialect). The
//! templates only loop over these and interpolate.

use ormgen_schema::{
    Arity, DefaultValue, Dialect, Field, JoinTable, Model, RelationKind, RelationStorage,
    RustScalar, ScalarField, Schema,
};

use super::Options;
use super::sql::{self, InsertMode, StatementColumn};

/// Doc comment lines (without the `///`), ready for `#[doc = …]`.
fn doc_lines(docs: Option<&str>) -> Vec<String> {
    docs.map(|d| {
        d.lines()
            .map(|l| format!("{:?}", format!(" {}", l.trim_end())))
            .collect()
    })
    .unwrap_or_default()
}

/// A Rust string literal for `s` (raw when it helps readability).
pub fn rust_str(s: &str) -> String {
    if s.contains('"') && !s.contains("\"#") {
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
    /// `create_all` statements, PostgreSQL.
    pub create_postgres: Vec<String>,
    /// `create_all` statements, SQLite.
    pub create_sqlite: Vec<String>,
    /// `drop_all` statements, PostgreSQL.
    pub drop_postgres: Vec<String>,
    /// `drop_all` statements, SQLite.
    pub drop_sqlite: Vec<String>,
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

/// A model (or an implicit join table).
#[derive(Debug)]
pub struct ModelView {
    /// The struct name.
    pub rust_name: String,
    /// The column module name.
    pub module_name: String,
    /// The SQL table name, as a Rust literal.
    pub table_name: String,
    /// The table name for docs.
    pub table_doc: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Columns with code, in field order.
    pub columns: Vec<ColumnView>,
    /// Column names as Rust literals, comma separated (`TableInfo::columns`).
    pub column_list: String,
    /// The key (primary key, else the first unique constraint).
    pub key: KeyView,
    /// `GET` per dialect (Rust literals).
    pub get_sql: (String, String),
    /// `DELETE` per dialect.
    pub delete_sql: (String, String),
    /// `UPDATE … WHERE key … RETURNING` per dialect (none when every column is
    /// part of the key).
    pub update_sql: Option<(String, String)>,
    /// Parameters of the update statement, in order: `self.field` expressions.
    pub update_params: Vec<String>,
    /// The `@updatedAt` column (Rust literal).
    pub updated_at: Option<String>,
    /// The insert type, unless a column without code must be given.
    pub insert: Option<InsertView>,
    /// The changeset type name (`UserChanges`).
    pub changes_name: String,
    /// Columns the changeset can set (not the key).
    pub changes: Vec<ColumnView>,
    /// Relation sides starting at this model.
    pub relations: Vec<RelationView>,
    /// Whether this is an implicit many-to-many join table.
    pub join_table: bool,
    /// The `Table::FOREIGN_KEYS` list: `ForeignKey { .. }` expressions, comma separated.
    pub foreign_keys: String,
    /// `Record::values` entries: one `ToValue` expression of `self.field` per column.
    pub values: Vec<String>,
    /// The number of columns.
    pub width: usize,
    /// The column whose NULL means "no row" when the model is left-joined:
    /// the first required column, key columns first (none when every column
    /// is optional).
    pub presence: Option<ColumnView>,
}

/// The key `get`, `update` and `delete` use.
#[derive(Debug)]
pub struct KeyView {
    /// The key's SQL type as seen from the column module.
    pub module_sql_type: String,
    /// SQL type of the key: `Int` or `(Int, Text)` (query-module paths).
    pub sql_type: String,
    /// Rust type of the key: `i32` or `(i32, String)`.
    pub rust_type: String,
    /// Key columns as Rust literals, comma separated.
    pub column_list: String,
    /// The key's fields' Rust names.
    pub fields: Vec<String>,
    /// `(self.a.clone(), self.b.clone())` / `self.id` (a key value from a row).
    pub value_of_self: String,
    /// Whether the key is composite.
    pub composite: bool,
}

/// A column with code.
#[derive(Debug, Clone)]
pub struct ColumnView {
    /// Rust field name.
    pub rust_name: String,
    /// Column handle name (the field name; `table` is reserved for the
    /// table marker and becomes `table_`).
    pub handle: String,
    /// SQL column name, as a Rust literal.
    pub column_name: String,
    /// The column name for docs.
    pub column_doc: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Rust type of the field (`Option<_>` for nullable).
    pub rust_type: String,
    /// Rust type without `Option`.
    pub base_rust_type: String,
    /// Query-module SQL type marker without `Nullable` (`::ormgen::query::Text`).
    pub sql_type: String,
    /// The SQL type marker as seen from the column module (enums as `super::E`).
    pub module_sql_type: String,
    /// Whether the column is nullable.
    pub nullable: bool,
    /// Position in the row.
    pub index: usize,
}

/// The insert type.
#[derive(Debug)]
pub struct InsertView {
    /// `NewUser`.
    pub name: String,
    /// Its fields, in statement parameter order.
    pub fields: Vec<NewFieldView>,
    /// The required fields (constructor arguments).
    pub required: Vec<NewFieldView>,
    /// The optional fields (set to `None` by the constructor).
    pub optional: Vec<NewFieldView>,
    /// `INSERT` per dialect.
    pub sql: (String, String),
    /// `Insertable::COLUMNS` (Rust literals).
    pub columns_list: String,
    /// Whether `fill_defaults` needs the current time.
    pub uses_now: bool,
    /// Whether some field has a default (then `Insertable::is_defaulted` is
    /// generated).
    pub has_defaults: bool,
    /// `<'v>` when a field borrows (text is `Cow<'v, str>`), else empty.
    pub generics: String,
    /// `<'_>` when a field borrows, else empty.
    pub anon: String,
}

/// A field of the insert type.
#[derive(Debug, Clone)]
pub struct NewFieldView {
    /// Rust name.
    pub rust_name: String,
    /// Field type (`T` or `Option<T>`).
    pub rust_type: String,
    /// The value type (`T`).
    pub base_rust_type: String,
    /// Doc line.
    pub doc: String,
    /// Whether the field must be given (a plain `T`).
    pub required: bool,
    /// For defaulted fields: the value `fill_defaults` stores when `None`.
    pub fill: Option<String>,
    /// The setter's stored expression of `value`.
    pub setter: String,
}

/// A relation side.
#[derive(Debug)]
pub struct RelationView {
    /// Handle name (the relation field's Rust name).
    pub rust_name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// The target model's module.
    pub target_module: String,
    /// `Many`, `One` or `OptionalOne`.
    pub cardinality: &'static str,
    /// The `Path` expression (query-module paths).
    pub path: String,
    /// The lazy-loading method (`posts`, or `posts_related` where the name is
    /// taken by a generated method).
    pub method: String,
    /// The loading method (`load_posts`).
    pub load_method: String,
    /// `self.field` expressions of the near-side key columns, as `Value`s.
    pub near_values: Vec<String>,
    /// The relation's `Key` type (see [`relation_key_type`]).
    pub key_type: String,
    /// The bodies of `near_key` and `far_key` (a key from a model's fields),
    /// for relations along a foreign key whose key type is exact.
    pub field_keys: Option<FieldKeys>,
    /// The target model's Rust name.
    pub target_rust: String,
    /// What `load_*` returns and the terminal it calls.
    pub load_type: String,
    /// `all`, `one` or `first`.
    pub load_terminal: &'static str,
    /// The `KeySide` expression (query-module path).
    pub key_side: String,
    /// Whether the relation goes through a join table (`ManyToMany`).
    pub many_to_many: bool,
    /// The alias table the relation leads to, where one query can reach the
    /// target twice (a self-relation, or one of several relations between the
    /// same two models); `None`: the relation leads to the target's own table.
    pub alias: Option<AliasView>,
}

/// The generated `Relation::near_key` / `far_key` bodies: the key built from
/// the fields of a row (`row`) of either side.
#[derive(Debug)]
pub struct FieldKeys {
    /// From a row of the relation's model.
    pub near: String,
    /// From a row of the target model.
    pub far: String,
}

/// An alias table: the target of a relation under its own SQL alias, with
/// column handles of its own, so `User::query().join(user::mentor)` can filter
/// on `user::as_mentor::name` next to `user::name`.
#[derive(Debug)]
pub struct AliasView {
    /// Module name inside the source model's module (`as_mentor`).
    pub module: String,
    /// The SQL alias (Rust literal): `"{table}_{field}"`.
    pub sql_alias: String,
    /// The SQL alias for docs.
    pub alias_doc: String,
    /// The target model's module (`user`).
    pub target_module: String,
    /// The target's columns, SQL types as seen from the alias module.
    pub columns: Vec<ColumnView>,
    /// The target's relation handles, loadable (`with`) from the alias table.
    pub relations: Vec<String>,
}

/// The query-module path prefix used in generated code.
pub const Q: &str = "::ormgen::query";

/// Rust type of a column value.
fn rust_type(schema: &Schema, t: RustScalar) -> Option<String> {
    Some(match t {
        RustScalar::String => "String".into(),
        RustScalar::Bool => "bool".into(),
        RustScalar::I16 => "i16".into(),
        RustScalar::I32 => "i32".into(),
        RustScalar::U32 => "u32".into(),
        RustScalar::I64 => "i64".into(),
        RustScalar::F32 => "f32".into(),
        RustScalar::F64 => "f64".into(),
        RustScalar::Decimal => "::ormgen::BigDecimal".into(),
        RustScalar::DateTime => "::ormgen::chrono::DateTime<::ormgen::chrono::Utc>".into(),
        RustScalar::Date => "::ormgen::chrono::NaiveDate".into(),
        RustScalar::Time => "::ormgen::chrono::NaiveTime".into(),
        RustScalar::TimeTz => "::ormgen::TimeTz".into(),
        RustScalar::Json => "::ormgen::serde_json::Value".into(),
        RustScalar::Bytes => "::std::vec::Vec<u8>".into(),
        RustScalar::Uuid => "::ormgen::uuid::Uuid".into(),
        RustScalar::Enum(e) => schema.enum_(e).rust_name.clone(),
        RustScalar::Unsupported => return None,
    })
}

/// Query-module SQL type marker of a column value.
fn sql_type_marker(schema: &Schema, t: RustScalar) -> Option<String> {
    Some(match t {
        RustScalar::String => format!("{Q}::Text"),
        RustScalar::Bool => format!("{Q}::Bool"),
        RustScalar::I16 => format!("{Q}::SmallInt"),
        RustScalar::I32 => format!("{Q}::Int"),
        RustScalar::U32 => format!("{Q}::Oid"),
        RustScalar::I64 => format!("{Q}::BigInt"),
        RustScalar::F32 => format!("{Q}::Real"),
        RustScalar::F64 => format!("{Q}::Double"),
        RustScalar::Decimal => format!("{Q}::Decimal"),
        RustScalar::DateTime => format!("{Q}::Timestamp"),
        RustScalar::Date => format!("{Q}::Date"),
        RustScalar::Time => format!("{Q}::Time"),
        RustScalar::TimeTz => format!("{Q}::TimeTz"),
        RustScalar::Json => format!("{Q}::Json"),
        RustScalar::Bytes => format!("{Q}::Bytes"),
        RustScalar::Uuid => format!("{Q}::Uuid"),
        RustScalar::Enum(e) => schema.enum_(e).rust_name.clone(),
        RustScalar::Unsupported => return None,
    })
}

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
            docs: doc_lines(e.docs.as_deref()),
            values: e
                .values
                .iter()
                .map(|v| EnumValueView {
                    rust_name: v.rust_name.clone(),
                    db_value: rust_str(&v.db_value),
                    docs: {
                        let mut d = doc_lines(v.docs.as_deref());
                        if d.is_empty() {
                            d.push(format!(
                                "{:?}",
                                format!(" Database label `{}`.", v.db_value)
                            ));
                        }
                        d
                    },
                })
                .collect(),
        })
        .collect();
    let mut models: Vec<ModelView> = schema
        .models
        .iter()
        .filter(|m| !m.ignored)
        .map(|m| model_view(schema, m))
        .collect();
    for jt in schema.join_tables() {
        models.push(join_table_view(schema, jt));
    }
    fill_alias_columns(&mut models);
    SchemaView {
        source_name: source_name.to_owned(),
        model_derives: format!("Debug, Clone, PartialEq{serde}"),
        enum_derives: format!("Debug, Clone, Copy, PartialEq, Eq, Hash{serde}"),
        new_derives: format!("Debug, Clone, PartialEq{serde}"),
        enums,
        models,
        create_postgres: ddl.create.0.iter().map(|s| rust_str(s)).collect(),
        create_sqlite: ddl.create.1.iter().map(|s| rust_str(s)).collect(),
        drop_postgres: ddl.drop.0.iter().map(|s| rust_str(s)).collect(),
        drop_sqlite: ddl.drop.1.iter().map(|s| rust_str(s)).collect(),
        has_postgres: options.dialects.contains(&Dialect::Postgres),
        has_sqlite: options.dialects.contains(&Dialect::Sqlite),
        default_dialect: match schema.dialect {
            Dialect::Postgres => "Postgres".into(),
            Dialect::Sqlite => "Sqlite".into(),
        },
    }
}

/// The DDL statements embedded in `create_all` / `drop_all`, per dialect
/// (PostgreSQL, SQLite).
#[derive(Debug, Default)]
pub struct Ddl {
    /// Create statements.
    pub create: (Vec<String>, Vec<String>),
    /// Drop statements.
    pub drop: (Vec<String>, Vec<String>),
}

/// A relation's `Key` (what eager loading hashes per row): the Rust type of its
/// near-side key column, or a tuple of them, when every one has exact equality;
/// otherwise the runtime's dynamic `KeyVals` (floats, decimals, enums, JSON).
fn relation_key_type(near: &[&ColumnView]) -> String {
    // The runtime implements `EagerKey` for exactly these (`scalar_key!` in
    // runtime/src/query/eager.rs) and for tuples of 2–4 of them.
    const EXACT: &[&str] = &[
        "i32",
        "i64",
        "bool",
        "String",
        "::std::vec::Vec<u8>",
        "::ormgen::uuid::Uuid",
        "::ormgen::chrono::DateTime<::ormgen::chrono::Utc>",
    ];
    let exact = |c: &&ColumnView| EXACT.contains(&c.base_rust_type.as_str());
    match near {
        [one] if exact(one) => one.base_rust_type.clone(),
        [_, _, ..] if near.len() <= 4 && near.iter().all(exact) => {
            let types: Vec<&str> = near.iter().map(|c| c.base_rust_type.as_str()).collect();
            format!("({})", types.join(", "))
        }
        _ => format!("{Q}::KeyVals"),
    }
}

fn column_view(schema: &Schema, field: &Field, scalar: &ScalarField, index: usize) -> ColumnView {
    let nullable = field.arity == Arity::Optional;
    let list = field.arity == Arity::List;
    let mut base = rust_type(schema, scalar.rust_type).unwrap_or_default();
    let mut marker = sql_type_marker(schema, scalar.rust_type).unwrap_or_default();
    let mut module_marker = in_module(marker.clone());
    if list {
        base = format!("::std::vec::Vec<{base}>");
        marker = format!("{Q}::Array<{marker}>");
        module_marker = format!("{Q}::Array<{module_marker}>");
    }
    ColumnView {
        handle: if field.rust_name == "table" {
            "table_".to_owned()
        } else {
            field.rust_name.clone()
        },
        rust_name: field.rust_name.clone(),
        column_name: rust_str(&scalar.column_name),
        column_doc: scalar.column_name.clone(),
        docs: {
            let mut d = doc_lines(field.docs.as_deref());
            if d.is_empty() {
                d.push(format!(
                    "{:?}",
                    format!(" Column `{}`.", scalar.column_name)
                ));
            }
            d
        },
        rust_type: if nullable {
            format!("::std::option::Option<{base}>")
        } else {
            base.clone()
        },
        base_rust_type: base,
        sql_type: marker,
        module_sql_type: module_marker,
        nullable,
        index,
    }
}

fn stmt_col<'a>(schema: &Schema, f: &Field, s: &'a ScalarField) -> StatementColumn<'a> {
    // A list without a default stores an empty list when none is given.
    if f.arity == Arity::List && s.default.is_none() {
        return StatementColumn {
            name: &s.column_name,
            insert: sql::InsertMode::Defaulted {
                fill: "::std::option::Option::Some(::std::vec::Vec::new())".into(),
                nullable: false,
            },
            updated_at: s.updated_at,
        };
    }
    StatementColumn {
        name: &s.column_name,
        insert: sql::insert_mode(s, f.arity == Arity::Optional, |d| {
            let (expr, fallible) = default_fill(schema, s, d)?;
            // Text fields of insert types are `Cow<'v, str>`.
            let expr = if borrows_text(f, s) {
                if fallible {
                    format!("({expr}).map(::std::borrow::Cow::Owned)")
                } else {
                    format!("::std::borrow::Cow::Owned({expr})")
                }
            } else {
                expr
            };
            let nullable = f.arity == Arity::Optional;
            Some(match (fallible, nullable) {
                (false, false) => format!("::std::option::Option::Some({expr})"),
                (false, true) => {
                    format!("::std::option::Option::Some(::std::option::Option::Some({expr}))")
                }
                (true, false) => format!("({expr}).ok()"),
                (true, true) => format!("({expr}).ok().map(::std::option::Option::Some)"),
            })
        }),
        updated_at: s.updated_at,
    }
}

/// The doc comment of an insert-type field: what `None` stores. It follows
/// the same facts, in the same order, as the fill chosen by `stmt_col`: a list
/// without a default stores an empty list (even on an `@updatedAt` column), a
/// default is named, and only an `@updatedAt` column stores the current time.
fn new_field_doc(f: &Field, s: &ScalarField, insert: &InsertMode) -> String {
    let col = &s.column_name;
    match (insert, &s.default) {
        (InsertMode::Required, _) => format!(" Column `{col}` (required)."),
        (InsertMode::Nullable, _) => format!(" Column `{col}`; `None` stores NULL."),
        (_, None) if f.arity == Arity::List => {
            format!(" Column `{col}`; `None` stores an empty list.")
        }
        (_, Some(d)) => format!(
            " Column `{col}`; `None` stores the default (`{}`){}.",
            default_doc(d),
            if f.arity == Arity::Optional {
                ", `Some(None)` NULL"
            } else {
                ""
            }
        ),
        _ if s.updated_at => {
            format!(" Column `{col}`; `None` stores the current time (`@updatedAt`).")
        }
        _ => format!(" Column `{col}`."),
    }
}

/// Whether the insert type holds this column as `Cow<'v, str>` (text, not a
/// list): a caller's `&str` is bound without a copy, a `String` moves in.
fn borrows_text(f: &Field, s: &ScalarField) -> bool {
    f.arity != Arity::List && s.rust_type == RustScalar::String
}

/// The insert type's value type of a column: `Cow<'v, str>` for text, else
/// the model's.
fn insert_value_type(f: &Field, s: &ScalarField, c: &ColumnView) -> String {
    if borrows_text(f, s) {
        "::std::borrow::Cow<'v, str>".to_owned()
    } else {
        c.base_rust_type.clone()
    }
}

/// The Rust expression of a default value for `fill_defaults` and whether
/// it is a `Result`; `None` when the database must compute it.
fn default_fill(
    schema: &Schema,
    column: &ScalarField,
    value: &DefaultValue,
) -> Option<(String, bool)> {
    let fallible = |e: String| Some((e, true));
    if let DefaultValue::List(items) = value {
        let items = items
            .iter()
            .map(|v| default_fill(schema, column, v))
            .collect::<Option<Vec<(String, bool)>>>()?;
        if !items.iter().any(|(_, fallible)| *fallible) {
            let exprs: Vec<&str> = items.iter().map(|(e, _)| e.as_str()).collect();
            return Some((format!("::std::vec![{}]", exprs.join(", ")), false));
        }
        // Some items are parsed: the list is there only if every item parses.
        let exprs: Vec<String> = items
            .iter()
            .map(|(e, fallible)| {
                if *fallible {
                    format!("({e}).ok()")
                } else {
                    format!("::std::option::Option::Some({e})")
                }
            })
            .collect();
        return fallible(format!(
            "[{}].into_iter().collect::<::std::option::Option<::std::vec::Vec<_>>>().ok_or(())",
            exprs.join(", ")
        ));
    }
    let plain = match (value, column.rust_type) {
        (DefaultValue::String(s), RustScalar::String) => {
            format!("::std::string::String::from({})", rust_str(s))
        }
        (DefaultValue::String(s), RustScalar::Json) => {
            return fallible(format!("::ormgen::serde_json::from_str({})", rust_str(s)));
        }
        (DefaultValue::String(s), RustScalar::DateTime) => {
            return fallible(format!(
                "::ormgen::chrono::DateTime::parse_from_rfc3339({}).map(|d| d.with_timezone(&::ormgen::chrono::Utc))",
                rust_str(s)
            ));
        }
        // The date or time of day as written, like PostgreSQL's cast of the
        // same literal (which ignores the offset for `date` and `time`).
        (DefaultValue::String(s), RustScalar::Date) => {
            return fallible(format!(
                "::ormgen::chrono::DateTime::parse_from_rfc3339({}).map(|d| d.date_naive())",
                rust_str(s)
            ));
        }
        (DefaultValue::String(s), RustScalar::Time) => {
            return fallible(format!(
                "::ormgen::chrono::DateTime::parse_from_rfc3339({}).map(|d| d.time())",
                rust_str(s)
            ));
        }
        (DefaultValue::String(s), RustScalar::TimeTz) => {
            return fallible(format!(
                "::ormgen::chrono::DateTime::parse_from_rfc3339({}).map(|d| ::ormgen::TimeTz::new(d.time(), *d.offset()))",
                rust_str(s)
            ));
        }
        (DefaultValue::String(s) | DefaultValue::Decimal(s), RustScalar::Decimal) => {
            return fallible(format!(
                "<::ormgen::BigDecimal as ::std::str::FromStr>::from_str({})",
                rust_str(s)
            ));
        }
        (DefaultValue::String(s), RustScalar::Bytes) => {
            let bytes = sql::decode_base64(s)?;
            format!(
                "::std::vec![{}]",
                bytes
                    .iter()
                    .map(|b| format!("{b}u8"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        (DefaultValue::Int(i), RustScalar::I16) => format!("{}i16", i16::try_from(*i).ok()?),
        (DefaultValue::Int(i), RustScalar::I32) => format!("{i}i32"),
        (DefaultValue::Int(i), RustScalar::U32) => format!("{}u32", u32::try_from(*i).ok()?),
        (DefaultValue::Int(i), RustScalar::F32) => format!("{i}f32"),
        (DefaultValue::Int(i), RustScalar::I64) => format!("{i}i64"),
        (DefaultValue::Int(i), RustScalar::F64) => format!("{i}f64"),
        (DefaultValue::Int(i), RustScalar::Decimal) => {
            format!("::ormgen::BigDecimal::from({i}i64)")
        }
        (DefaultValue::Float(f), RustScalar::F64) => {
            let v: f64 = f.parse().ok()?;
            format!("{v:?}f64")
        }
        (DefaultValue::Float(f), RustScalar::F32) => {
            let v: f32 = f.parse().ok()?;
            format!("{v:?}f32")
        }
        (DefaultValue::Float(f), RustScalar::Decimal) => {
            return fallible(format!(
                "<::ormgen::BigDecimal as ::std::str::FromStr>::from_str({})",
                rust_str(f)
            ));
        }
        (DefaultValue::Bool(b), RustScalar::Bool) => b.to_string(),
        (DefaultValue::Enum { name, .. }, RustScalar::Enum(e)) => {
            let en = schema.enum_(e);
            let v = en.values.iter().find(|v| &v.name == name)?;
            format!("{}::{}", en.rust_name, v.rust_name)
        }
        (DefaultValue::Now, RustScalar::DateTime) => "now".into(),
        // The UTC date / time of day at `now`, as PostgreSQL's `CURRENT_DATE` /
        // `CURRENT_TIME` in a session whose time zone is UTC.
        (DefaultValue::Now, RustScalar::Date) => "(now).date_naive()".into(),
        (DefaultValue::Now, RustScalar::Time) => "(now).time()".into(),
        (DefaultValue::Now, RustScalar::TimeTz) => "::ormgen::TimeTz::utc((now).time())".into(),
        (DefaultValue::Uuid(_), RustScalar::Uuid) => "::ormgen::query::uuid()".into(),
        (DefaultValue::Uuid(_), RustScalar::String) => "::ormgen::query::uuid_string()".into(),
        (
            DefaultValue::Cuid(_) | DefaultValue::Nanoid(_) | DefaultValue::Ulid,
            RustScalar::String,
        ) => "::ormgen::query::cuid()".into(),
        _ => return None,
    };
    Some((plain, false))
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
        alias.relations = target_relations;
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

fn tuple(items: &[String]) -> String {
    if items.len() == 1 {
        items[0].clone()
    } else {
        format!("({})", items.join(", "))
    }
}

fn literal_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|c| rust_str(c.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn per_dialect(f: impl Fn(Dialect) -> String) -> (String, String) {
    (
        rust_str(&f(Dialect::Postgres)),
        rust_str(&f(Dialect::Sqlite)),
    )
}

fn model_view(schema: &Schema, model: &Model) -> ModelView {
    let coded: Vec<(&Field, &ScalarField)> =
        model.scalar_fields().filter(|(f, _)| has_code(f)).collect();
    let columns: Vec<ColumnView> = coded
        .iter()
        .enumerate()
        .map(|(i, (f, s))| column_view(schema, f, s, i))
        .collect();
    let column_names: Vec<&str> = coded.iter().map(|(_, s)| s.column_name.as_str()).collect();

    // The key: the primary key, else the first unique constraint.
    let key_fields: Vec<&Field> = match (&model.primary_key, model.uniques.first()) {
        (Some(pk), _) => pk.fields.iter().map(|id| schema.field(*id)).collect(),
        (None, Some(u)) => u.columns.iter().map(|c| schema.field(c.field)).collect(),
        (None, None) => Vec::new(),
    };
    let key_columns: Vec<&str> = key_fields
        .iter()
        .filter_map(|f| f.scalar().map(|s| s.column_name.as_str()))
        .collect();
    let key_cols: Vec<&ColumnView> = key_fields
        .iter()
        .filter_map(|f| columns.iter().find(|c| c.rust_name == f.rust_name))
        .collect();
    let key = KeyView {
        module_sql_type: tuple(
            &key_cols
                .iter()
                .map(|c| c.module_sql_type.clone())
                .collect::<Vec<_>>(),
        ),
        sql_type: tuple(
            &key_cols
                .iter()
                .map(|c| c.sql_type.clone())
                .collect::<Vec<_>>(),
        ),
        rust_type: tuple(
            &key_cols
                .iter()
                .map(|c| c.base_rust_type.clone())
                .collect::<Vec<_>>(),
        ),
        column_list: literal_list(&key_columns),
        fields: key_cols.iter().map(|c| c.rust_name.clone()).collect(),
        value_of_self: tuple(
            &key_cols
                .iter()
                .map(|c| format!("::std::clone::Clone::clone(&self.{})", c.rust_name))
                .collect::<Vec<_>>(),
        ),
        composite: key_cols.len() > 1,
    };

    let get_sql =
        per_dialect(|d| sql::get_by_key(d, &model.table_name, &column_names, &key_columns));
    let delete_sql = per_dialect(|d| sql::delete_by_key(d, &model.table_name, &key_columns));

    let non_key: Vec<(&Field, &ScalarField)> = coded
        .iter()
        .copied()
        .filter(|(f, _)| !key_fields.iter().any(|k| k.id == f.id))
        .collect();
    let set_names: Vec<&str> = non_key
        .iter()
        .map(|(_, s)| s.column_name.as_str())
        .collect();
    let update_sql = sql::update_by_key(
        Dialect::Postgres,
        &model.table_name,
        &set_names,
        &key_columns,
        &column_names,
    )
    .zip(sql::update_by_key(
        Dialect::Sqlite,
        &model.table_name,
        &set_names,
        &key_columns,
        &column_names,
    ))
    .map(|(p, s)| (rust_str(&p), rust_str(&s)));
    let mut update_params: Vec<String> = non_key
        .iter()
        .map(|(f, s)| {
            if s.updated_at {
                "__now".to_owned()
            } else {
                format!("self.{}", f.rust_name)
            }
        })
        .collect();
    update_params.extend(key_cols.iter().map(|c| format!("self.{}", c.rust_name)));
    let changes: Vec<ColumnView> = columns
        .iter()
        .filter(|c| !key.fields.contains(&c.rust_name))
        .cloned()
        .collect();

    // Inserts are impossible when a column without code must be given.
    let blocked = model.scalar_fields().any(|(f, s)| {
        !has_code(f) && f.arity == Arity::Required && s.default.is_none() && !s.updated_at
    });
    let insert = (!blocked).then(|| {
        let all: Vec<StatementColumn<'_>> =
            coded.iter().map(|(f, s)| stmt_col(schema, f, s)).collect();
        let fields: Vec<NewFieldView> = coded
            .iter()
            .zip(&all)
            .zip(&columns)
            .filter(|((_, sc), _)| sc.insert.is_field())
            .map(|(((f, s), sc), c)| {
                let doc = new_field_doc(f, s, &sc.insert);
                let base = insert_value_type(f, s, c);
                let (rust_type, fill, setter) = match &sc.insert {
                    InsertMode::Required => (base.clone(), None, String::new()),
                    InsertMode::Defaulted { fill, nullable: true } => (
                        format!("::std::option::Option<::std::option::Option<{base}>>"),
                        Some(fill.clone()),
                        "::std::option::Option::Some(::std::option::Option::Some(::std::convert::Into::into(value)))".to_owned(),
                    ),
                    InsertMode::Defaulted { fill, nullable: false } => (
                        format!("::std::option::Option<{base}>"),
                        Some(fill.clone()),
                        "::std::option::Option::Some(::std::convert::Into::into(value))".to_owned(),
                    ),
                    _ => (
                        format!("::std::option::Option<{base}>"),
                        None,
                        "::std::option::Option::Some(::std::convert::Into::into(value))".to_owned(),
                    ),
                };
                NewFieldView {
                    rust_name: f.rust_name.clone(),
                    required: sc.insert == InsertMode::Required,
                    rust_type,
                    base_rust_type: base,
                    doc: format!("{doc:?}"),
                    fill,
                    setter,
                }
            })
            .collect();
        let required = fields.iter().filter(|f| f.required).cloned().collect();
        let optional = fields.iter().filter(|f| !f.required).cloned().collect();
        let uses_now = fields.iter().any(|f| f.fill.as_deref().is_some_and(|e| e.contains("(now)")));
        let columns_list = literal_list(
            &all.iter().filter(|c| c.insert.is_field()).map(|c| c.name).collect::<Vec<_>>(),
        );
        // Some field is borrowed text: the type takes the lifetime `'v`.
        let borrows = coded
            .iter()
            .zip(&all)
            .any(|((f, s), sc)| sc.insert.is_field() && borrows_text(f, s));
        InsertView {
            uses_now,
            has_defaults: fields.iter().any(|f| f.fill.is_some()),
            generics: if borrows { "<'v>".into() } else { String::new() },
            anon: if borrows { "<'_>".into() } else { String::new() },
            columns_list,
            name: format!("New{}", model.rust_name),
            sql: per_dialect(|d| sql::insert(d, &model.table_name, &all, &column_names)),
            fields,
            required,
            optional,
        }
    });

    let relations = model
        .relation_fields()
        .filter(|(f, _)| !f.ignored)
        .filter(|(_, r)| !schema.model(r.target).ignored)
        .map(|(f, r)| {
            let relation = schema.relation(r.relation);
            let target = schema.model(r.target);
            let (cardinality, path) = match &relation.storage {
                RelationStorage::ForeignKey(fk) => {
                    let pairs: Vec<(String, String)> = if r.holds_foreign_key {
                        fk.columns
                            .iter()
                            .cloned()
                            .zip(fk.referenced_columns.iter().cloned())
                            .collect()
                    } else {
                        fk.referenced_columns
                            .iter()
                            .cloned()
                            .zip(fk.columns.iter().cloned())
                            .collect()
                    };
                    let card = match (relation.kind, f.arity) {
                        (_, Arity::List) => "Many",
                        (_, Arity::Required) => "One",
                        (RelationKind::OneToOne | RelationKind::OneToMany, _) => "OptionalOne",
                        (RelationKind::ManyToMany, _) => "Many",
                    };
                    (
                        card,
                        format!("{Q}::Path::Direct(&[{}])", pairs_list(&pairs)),
                    )
                }
                RelationStorage::JoinTable(jt) => {
                    // Own id in the column whose `field` is this field.
                    let (own, other) = if jt.a.field == f.id {
                        (&jt.a, &jt.b)
                    } else {
                        (&jt.b, &jt.a)
                    };
                    let from = vec![(own.referenced_column.clone(), own.name.clone())];
                    let to = vec![(other.name.clone(), other.referenced_column.clone())];
                    (
                        "Many",
                        format!(
                            "{Q}::Path::Through {{ table: {}, from: &[{}], to: &[{}] }}",
                            rust_str(&jt.table_name),
                            pairs_list(&from),
                            pairs_list(&to)
                        ),
                    )
                }
            };
            let mut docs = doc_lines(f.docs.as_deref());
            if docs.is_empty() {
                docs.push(format!(
                    "{:?}",
                    format!(
                        " `{}.{}`: relation to `{}`.",
                        model.name, f.name, target.name
                    )
                ));
            }
            // A query can reach the target twice along this relation and
            // another one: give this side an alias table of its own.
            let ambiguous = r.target == model.id
                || model
                    .relation_fields()
                    .filter(|(g, s)| g.id != f.id && !g.ignored && s.target == r.target)
                    .count()
                    > 0;
            let alias = ambiguous.then(|| {
                let bare = f.rust_name.trim_start_matches("r#");
                let mut module = format!("as_{bare}");
                while model.fields.iter().any(|g| g.rust_name == module) {
                    module.push('_');
                }
                let mut sql_alias = format!("{}_{}", model.table_name, f.name);
                while schema.models.iter().any(|m| m.table_name == sql_alias) {
                    sql_alias.push_str("_alias");
                }
                AliasView {
                    module,
                    sql_alias: rust_str(&sql_alias),
                    alias_doc: sql_alias,
                    target_module: target.module_name.clone(),
                    // Filled from the target's view by `schema_view`.
                    columns: Vec::new(),
                    relations: Vec::new(),
                }
            });
            let (key_side, many_to_many) = match &relation.storage {
                RelationStorage::ForeignKey(fk) => {
                    let nullable = fk
                        .fields
                        .iter()
                        .any(|id| schema.field(*id).arity == Arity::Optional);
                    let side = if r.holds_foreign_key { "Near" } else { "Far" };
                    (
                        format!("{Q}::KeySide::{side} {{ nullable: {nullable} }}"),
                        false,
                    )
                }
                RelationStorage::JoinTable(_) => (format!("{Q}::KeySide::JoinTable"), true),
            };
            let near: Vec<String> = match &relation.storage {
                RelationStorage::ForeignKey(fk) if r.holds_foreign_key => fk.columns.clone(),
                RelationStorage::ForeignKey(fk) => fk.referenced_columns.clone(),
                RelationStorage::JoinTable(jt) => {
                    let own = if jt.a.field == f.id { &jt.a } else { &jt.b };
                    vec![own.referenced_column.clone()]
                }
            };
            let near_columns: Vec<&ColumnView> = near
                .iter()
                .filter_map(|col| columns.iter().find(|c| c.column_doc == *col))
                .collect();
            let near_values = near_columns
                .iter()
                .map(|c| value_expr(&c.rust_name))
                .collect();
            let key_type = relation_key_type(&near_columns);
            let field_keys = match &relation.storage {
                RelationStorage::ForeignKey(fk) if !key_type.ends_with("KeyVals") => {
                    let far = if r.holds_foreign_key {
                        &fk.referenced_columns
                    } else {
                        &fk.columns
                    };
                    let near_fields: Vec<(&str, bool)> = near_columns
                        .iter()
                        .map(|c| (c.rust_name.as_str(), c.nullable))
                        .collect();
                    let far_fields: Vec<(&str, bool)> = far
                        .iter()
                        .filter_map(|col| {
                            target
                                .scalar_fields()
                                .find(|(g, s)| has_code(g) && s.column_name == *col)
                                .map(|(g, _)| (g.rust_name.as_str(), g.arity == Arity::Optional))
                        })
                        .collect();
                    (near_fields.len() == near.len() && far_fields.len() == near.len()).then(|| {
                        FieldKeys {
                            near: key_from_fields(&near_fields),
                            far: key_from_fields(&far_fields),
                        }
                    })
                }
                _ => None,
            };
            const TAKEN: &[&str] = &[
                "query",
                "get",
                "insert",
                "insert_many",
                "insert_all",
                "upsert",
                "update",
                "delete",
                "delete_by_key",
                "update_by_key",
                "save",
                "key",
            ];
            let bare = f.rust_name.trim_start_matches("r#");
            let method = if TAKEN.contains(&bare) {
                format!("{bare}_related")
            } else {
                f.rust_name.clone()
            };
            let (load_type, load_terminal) = match cardinality {
                "Many" => (format!("::std::vec::Vec<{}>", target.rust_name), "all"),
                "One" => (target.rust_name.clone(), "one"),
                _ => (
                    format!("::std::option::Option<{}>", target.rust_name),
                    "first",
                ),
            };
            RelationView {
                rust_name: f.rust_name.clone(),
                docs,
                target_module: target.module_name.clone(),
                cardinality,
                path,
                method,
                load_method: format!("load_{bare}"),
                near_values,
                key_type,
                field_keys,
                target_rust: target.rust_name.clone(),
                load_type,
                load_terminal,
                key_side,
                many_to_many,
                alias,
            }
        })
        .collect();

    let updated_at = coded
        .iter()
        .find(|(_, s)| s.updated_at)
        .map(|(_, s)| rust_str(&s.column_name));
    let mut docs = doc_lines(model.docs.as_deref());
    if docs.is_empty() {
        docs.push(format!(
            "{:?}",
            format!(" A row of table `{}`.", model.table_name)
        ));
    }
    ModelView {
        rust_name: model.rust_name.clone(),
        module_name: model.module_name.clone(),
        table_name: rust_str(&model.table_name),
        table_doc: model.table_name.clone(),
        docs,
        column_list: literal_list(&column_names),
        width: columns.len(),
        values: columns.iter().map(|c| value_expr(&c.rust_name)).collect(),
        presence: presence_column(&columns, &key),
        columns,
        key,
        get_sql,
        delete_sql,
        update_sql,
        update_params,
        updated_at,
        insert,
        changes_name: format!("{}Changes", model.rust_name),
        foreign_keys: model_foreign_keys(schema, model),
        changes,
        relations,
        join_table: false,
    }
}

/// `ToValue::to_value(Clone::clone(&self.field))`.
fn value_expr(field: &str) -> String {
    format!("{Q}::ToValue::to_value(::std::clone::Clone::clone(&self.{field}))")
}

/// The foreign keys this model's table holds, as `ForeignKey` expressions.
fn model_foreign_keys(schema: &Schema, model: &Model) -> String {
    model
        .relation_fields()
        .filter(|(_, r)| r.holds_foreign_key)
        .filter_map(|(_, r)| match &schema.relation(r.relation).storage {
            RelationStorage::ForeignKey(fk) => Some(format!(
                "{Q}::ForeignKey {{ columns: &[{}], table: {}, referenced: &[{}] }}",
                literal_list(&fk.columns),
                rust_str(&fk.referenced_table),
                literal_list(&fk.referenced_columns)
            )),
            RelationStorage::JoinTable(_) => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn default_doc(d: &DefaultValue) -> String {
    match d {
        DefaultValue::String(s) => format!("{s:?}"),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Float(f) | DefaultValue::Decimal(f) => f.clone(),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Enum { name, .. } => name.clone(),
        DefaultValue::List(_) => "a list".into(),
        DefaultValue::Autoincrement => "autoincrement()".into(),
        DefaultValue::Now => "now()".into(),
        DefaultValue::Uuid(_) => "uuid()".into(),
        DefaultValue::Cuid(_) => "cuid()".into(),
        DefaultValue::Nanoid(_) => "nanoid()".into(),
        DefaultValue::Ulid => "ulid()".into(),
        DefaultValue::DbGenerated(_) => "dbgenerated()".into(),
    }
    .replace('`', "'")
}

fn pairs_list(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(a, b)| format!("({}, {})", rust_str(a), rust_str(b)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The implicit join table `_AToB` as a model with columns `a`, `b`.
fn join_table_view(schema: &Schema, jt: &JoinTable) -> ModelView {
    let name = jt.table_name.trim_start_matches('_');
    let rust_name = heck::AsUpperCamelCase(name).to_string();
    let module_name = heck::AsSnakeCase(name).to_string();
    let col = |c: &ormgen_schema::JoinColumn, index: usize| {
        let id = schema.field(c.references);
        let s = id.scalar();
        let t = s.map(|s| s.rust_type).unwrap_or(RustScalar::I32);
        let base = rust_type(schema, t).unwrap_or_default();
        ColumnView {
            handle: c.name.to_lowercase(),
            rust_name: c.name.to_lowercase(),
            column_name: rust_str(&c.name),
            column_doc: c.name.clone(),
            docs: vec![format!(
                "{:?}",
                format!(
                    " References `{}`.`{}`.",
                    c.referenced_table, c.referenced_column
                )
            )],
            rust_type: base.clone(),
            base_rust_type: base,
            sql_type: sql_type_marker(schema, t).unwrap_or_default(),
            module_sql_type: in_module(sql_type_marker(schema, t).unwrap_or_default()),
            nullable: false,
            index,
        }
    };
    let columns = vec![col(&jt.a, 0), col(&jt.b, 1)];
    let names = [jt.a.name.as_str(), jt.b.name.as_str()];
    let table = jt.table_name.as_str();
    let key = KeyView {
        module_sql_type: format!(
            "({}, {})",
            columns[0].module_sql_type, columns[1].module_sql_type
        ),
        sql_type: format!("({}, {})", columns[0].sql_type, columns[1].sql_type),
        rust_type: format!(
            "({}, {})",
            columns[0].base_rust_type, columns[1].base_rust_type
        ),
        column_list: literal_list(&names),
        fields: vec!["a".into(), "b".into()],
        value_of_self: "(::std::clone::Clone::clone(&self.a), ::std::clone::Clone::clone(&self.b))"
            .into(),
        composite: true,
    };
    let all: Vec<StatementColumn<'_>> = names
        .iter()
        .map(|n| StatementColumn {
            name: n,
            insert: InsertMode::Required,
            updated_at: false,
        })
        .collect();
    let fields: Vec<NewFieldView> = columns
        .iter()
        .map(|c| NewFieldView {
            rust_name: c.rust_name.clone(),
            rust_type: c.base_rust_type.clone(),
            base_rust_type: c.base_rust_type.clone(),
            doc: format!("{:?}", format!(" Column `{}` (required).", c.column_doc)),
            required: true,
            fill: None,
            setter: String::new(),
        })
        .collect();
    let presence = presence_column(&columns, &key);
    ModelView {
        presence,
        rust_name: rust_name.clone(),
        module_name,
        table_name: rust_str(table),
        table_doc: table.to_owned(),
        docs: vec![format!(
            "{:?}",
            format!(" A row of the implicit many-to-many join table `{table}`.")
        )],
        column_list: literal_list(&names),
        width: 2,
        key,
        get_sql: per_dialect(|d| sql::get_by_key(d, table, &names, &names)),
        delete_sql: per_dialect(|d| sql::delete_by_key(d, table, &names)),
        update_sql: None,
        update_params: Vec::new(),
        updated_at: None,
        insert: Some(InsertView {
            name: format!("New{rust_name}"),
            sql: per_dialect(|d| sql::insert(d, table, &all, &names)),
            columns_list: literal_list(&names),
            uses_now: false,
            has_defaults: false,
            // The join table's keys stay owned (no borrowed text).
            generics: String::new(),
            anon: String::new(),
            required: fields.clone(),
            optional: Vec::new(),
            fields,
        }),
        changes_name: format!("{rust_name}Changes"),
        changes: Vec::new(),
        values: columns.iter().map(|c| value_expr(&c.rust_name)).collect(),
        foreign_keys: String::new(),
        columns,
        relations: Vec::new(),
        join_table: true,
    }
}

/// The first required column, trying the key's columns first: NULL in it
/// means a left join found no row (see `Decode::decode_opt`).
fn presence_column(columns: &[ColumnView], key: &KeyView) -> Option<ColumnView> {
    let required = |c: &&ColumnView| !c.nullable;
    key.fields
        .iter()
        .filter_map(|f| columns.iter().find(|c| &c.rust_name == f))
        .find(required)
        .or_else(|| columns.iter().find(required))
        .cloned()
}

/// `Some(key)` from the fields of `row`, one per key column (a tuple for
/// several); a nullable field makes the key `None` when it is.
fn key_from_fields(fields: &[(&str, bool)]) -> String {
    if let [(name, true)] = fields {
        // The field is the key's `Option` already.
        return format!("::std::clone::Clone::clone(&row.{name})");
    }
    let parts: Vec<String> = fields
        .iter()
        .map(|(name, nullable)| {
            let q = if *nullable { "?" } else { "" };
            format!("::std::clone::Clone::clone(&row.{name}){q}")
        })
        .collect();
    format!("::std::option::Option::Some({})", tuple(&parts))
}
