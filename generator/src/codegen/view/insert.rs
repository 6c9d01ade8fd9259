//! The view of a model's insert type: its fields, their defaults and docs.

use ormgen_schema::{
    Arity, DefaultValue, Field, Model, PerDialect, RustScalar, ScalarField, Schema,
};

use super::expr::{option_of, some, vec_lit};
use super::model::ColumnView;
use super::{doc, has_code, literal_list, per_dialect, rust_str};
use crate::codegen::sql::{self, InsertMode, StatementColumn};

/// The insert type.
#[derive(Debug)]
pub struct InsertView {
    /// `NewUser`.
    pub name: String,
    /// The type's doc sentence (Rust literal).
    pub doc: String,
    /// Its fields, in statement parameter order.
    pub fields: Vec<NewFieldView>,
    /// The required fields (constructor arguments).
    pub required: Vec<NewFieldView>,
    /// The optional fields (set to `None` by the constructor).
    pub optional: Vec<NewFieldView>,
    /// `INSERT` per dialect.
    pub sql: PerDialect<String>,
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
    /// The `with_<relation>` constructors: a required relation's parent given
    /// instead of its foreign key.
    pub parents: Vec<ParentCtorView>,
}

/// A `with_<relation>` constructor of the insert type.
#[derive(Debug)]
pub struct ParentCtorView {
    /// `with_author`.
    pub method: String,
    /// The relation handle (`author`), also the parent's parameter name.
    pub relation: String,
    /// The foreign-key field the parent's key goes to (`author_id`).
    pub fk_field: String,
    /// Doc sentence (Rust literal).
    pub doc: String,
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
    /// The setter's generic parameters (`<M>` for a nullable column's).
    pub setter_generics: String,
    /// The type of the setter's `value`.
    pub setter_param: String,
}

fn stmt_col<'a>(schema: &Schema, f: &Field, s: &'a ScalarField) -> StatementColumn<'a> {
    // A list without a default stores an empty list when none is given.
    if f.arity == Arity::List && s.default.is_none() {
        return StatementColumn {
            name: &s.column_name,
            insert: sql::InsertMode::Defaulted {
                fill: some("::std::vec::Vec::new()"),
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
                (false, false) => some(&expr),
                (false, true) => some(&some(&expr)),
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
            return Some((vec_lit(&exprs), false));
        }
        // Some items are parsed: the list is there only if every item parses.
        let exprs: Vec<String> = items
            .iter()
            .map(|(e, fallible)| {
                if *fallible {
                    format!("({e}).ok()")
                } else {
                    some(e)
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
            vec_lit(&bytes.iter().map(|b| format!("{b}u8")).collect::<Vec<_>>())
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

/// The insert type of `model`, whose columns with code are `coded`
/// (`columns`, SQL names `column_names`); `None` when a column without code
/// must be given (the insert is impossible).
pub(super) fn insert_view(
    schema: &Schema,
    model: &Model,
    coded: &[(&Field, &ScalarField)],
    columns: &[ColumnView],
    column_names: &[&str],
) -> Option<InsertView> {
    let blocked = model.scalar_fields().any(|(f, s)| {
        !has_code(f) && f.arity == Arity::Required && s.default.is_none() && !s.updated_at
    });
    if blocked {
        return None;
    }
    let all: Vec<StatementColumn<'_>> = coded.iter().map(|(f, s)| stmt_col(schema, f, s)).collect();
    let fields: Vec<NewFieldView> = coded
        .iter()
        .zip(&all)
        .zip(columns)
        .filter(|((_, sc), _)| sc.insert.is_field())
        .map(|(((f, s), sc), c)| new_field_view(f, s, &sc.insert, c))
        .collect();
    let required = fields.iter().filter(|f| f.required).cloned().collect();
    let optional = fields.iter().filter(|f| !f.required).cloned().collect();
    let uses_now = fields
        .iter()
        .any(|f| f.fill.as_deref().is_some_and(|e| e.contains("(now)")));
    let columns_list = literal_list(
        &all.iter()
            .filter(|c| c.insert.is_field())
            .map(|c| c.name)
            .collect::<Vec<_>>(),
    );
    // Some field is borrowed text: the type takes the lifetime `'v`.
    let borrows = coded
        .iter()
        .zip(&all)
        .any(|((f, s), sc)| sc.insert.is_field() && borrows_text(f, s));
    Some(InsertView {
        uses_now,
        has_defaults: fields.iter().any(|f| f.fill.is_some()),
        generics: if borrows {
            "<'v>".into()
        } else {
            String::new()
        },
        anon: if borrows {
            "<'_>".into()
        } else {
            String::new()
        },
        columns_list,
        name: format!("New{}", model.rust_name),
        doc: insert_doc(&model.rust_name, &format!("New{}", model.rust_name)),
        sql: per_dialect(|d| sql::insert(d, &model.table_name, &all, column_names)),
        fields,
        required,
        optional,
        parents: Vec::new(),
    })
}

/// The `with_<relation>` constructors of `insert` for the `relations` of
/// `model` that have a [`ParentKey`](super::relation::ParentKey) whose
/// foreign key is a required field of the insert type.
pub(super) fn parent_ctors(
    model: &Model,
    insert: &InsertView,
    relations: &[super::relation::RelationView],
) -> Vec<ParentCtorView> {
    relations
        .iter()
        .filter_map(|r| {
            let p = r.parent.as_ref()?;
            insert.required.iter().find(|f| f.rust_name == p.fk_field)?;
            let bare = r.rust_name.trim_start_matches("r#");
            let method = format!("with_{bare}");
            let taken = insert.fields.iter().any(|f| f.rust_name == method)
                || model.fields.iter().any(|f| f.rust_name == method);
            (!taken).then(|| ParentCtorView {
                doc: doc(&format!(
                    " Like `new`, with the required relation `{bare}` given by its parent instead of `{fk}`: the parent's key, a stored `&{target}`, or a pending `Handle<{target}>` from `Session::add` (then a `Linked` value for `Session::add`, which sets the relation; the flush writes `{fk}`).",
                    fk = p.fk_field.trim_start_matches("r#"),
                    target = r.target_rust,
                )),
                method,
                relation: r.rust_name.clone(),
                fk_field: p.fk_field.clone(),
            })
        })
        .collect()
}

/// The doc sentence of the insert type `name` of model `model`.
pub(super) fn insert_doc(model: &str, name: &str) -> String {
    doc(&format!(
        " Insert type for `{model}`: required columns are plain fields, so leaving one out does not compile; `Option` fields store NULL or the column's default when `None`. Build it with a struct literal or with `{name}::new(required…)` and the setters."
    ))
}

/// A setter's argument converted to the field's value type.
const INTO_VALUE: &str = "::std::convert::Into::into(value)";

/// A nullable column's setter argument (a value or an `Option`) converted to
/// `Option` of the field's value type.
const INTO_NULLABLE: &str = "::ormgen::query::IntoNullable::into_nullable(value)";

/// A field of the insert type: the column `f` (`s`, `c`), inserted as
/// `insert` says.
fn new_field_view(f: &Field, s: &ScalarField, insert: &InsertMode, c: &ColumnView) -> NewFieldView {
    let text = new_field_doc(f, s, insert);
    let base = insert_value_type(f, s, c);
    let (rust_type, fill, setter) = match insert {
        InsertMode::Required => (base.clone(), None, String::new()),
        InsertMode::Defaulted {
            fill,
            nullable: true,
        } => (
            option_of(&option_of(&base)),
            Some(fill.clone()),
            some(INTO_NULLABLE),
        ),
        InsertMode::Defaulted {
            fill,
            nullable: false,
        } => (option_of(&base), Some(fill.clone()), some(INTO_VALUE)),
        InsertMode::Nullable => (option_of(&base), None, INTO_NULLABLE.to_owned()),
        InsertMode::Omitted => (option_of(&base), None, some(INTO_VALUE)),
    };
    // A nullable column's setter takes a value or an `Option` of one.
    let nullable = matches!(
        insert,
        InsertMode::Nullable | InsertMode::Defaulted { nullable: true, .. }
    );
    let (setter_generics, setter_param) = if nullable {
        (
            "<M>".to_owned(),
            format!("impl ::ormgen::query::IntoNullable<{base}, M>"),
        )
    } else {
        (String::new(), format!("impl ::std::convert::Into<{base}>"))
    };
    NewFieldView {
        rust_name: f.rust_name.clone(),
        required: *insert == InsertMode::Required,
        rust_type,
        base_rust_type: base,
        doc: doc(&text),
        fill,
        setter,
        setter_generics,
        setter_param,
    }
}
