//! The view of a model's table (and of an implicit join table): its columns,
//! key, fixed-shape statements and the model's relation sides.

use ormgen_schema::{
    Arity, Dialect, Field, JoinTable, Model, PerDialect, RelationStorage, RustScalar, ScalarField,
    Schema,
};

use super::expr::{clone_of, option_of, tuple, vec_of};
use super::insert::{InsertView, NewFieldView, insert_doc, insert_view, parent_ctors};
use super::relation::{RelationView, relation_view};
use super::types::{rust_type, sql_type_marker};
use super::{QUERY_MOD, doc, docs_or, has_code, in_module, literal_list, per_dialect, rust_str};
use crate::codegen::sql::{self, InsertMode, StatementColumn};

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
    pub get_sql: PerDialect<String>,
    /// `DELETE` per dialect.
    pub delete_sql: PerDialect<String>,
    /// `UPDATE … WHERE key … RETURNING` per dialect (none when every column is
    /// part of the key).
    pub update_sql: Option<PerDialect<String>>,
    /// Parameters of the update statement, in order: `self.field` expressions.
    pub update_params: Vec<String>,
    /// The `@updatedAt` column (Rust literal).
    pub updated_at: Option<String>,
    /// The insert type, unless a column without code must be given.
    pub insert: Option<InsertView>,
    /// Whether the model has write hooks ([`Options::hooks`](crate::codegen::Options)).
    pub hooks: bool,
    /// The changeset type name (`UserChanges`).
    pub changes_name: String,
    /// Columns the changeset can set (not the key).
    pub changes: Vec<ChangeView>,
    /// The doc sentences of the generated items.
    pub doc: ModelDocs,
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

/// The doc sentences of a model's generated items (Rust literals).
#[derive(Debug)]
pub struct ModelDocs {
    /// The changeset type.
    pub changes: String,
    /// `update_by_key`.
    pub update_by_key: String,
    /// `save`.
    pub save: String,
    /// The column module.
    pub module: String,
    /// The table marker type.
    pub table: String,
}

/// A field of the changeset type.
#[derive(Debug)]
pub struct ChangeView {
    /// Rust field name.
    pub rust_name: String,
    /// The column handle.
    pub handle: String,
    /// The column's Rust type (the field is `Option` of it).
    pub rust_type: String,
    /// Doc line.
    pub doc: String,
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
    /// A numeric scalar: the handle gets the arithmetic operators
    /// (`column_operators!`; only these, to keep the generated code's
    /// build time down).
    pub numeric: bool,
    /// Position in the row.
    pub index: usize,
}

fn column_view(schema: &Schema, field: &Field, scalar: &ScalarField, index: usize) -> ColumnView {
    let nullable = field.arity == Arity::Optional;
    let list = field.arity == Arity::List;
    let mut base = rust_type(schema, scalar.rust_type).unwrap_or_default();
    let mut marker = sql_type_marker(schema, scalar.rust_type).unwrap_or_default();
    let mut module_marker = in_module(marker.clone());
    if list {
        base = vec_of(&base);
        marker = format!("{QUERY_MOD}::Array<{marker}>");
        module_marker = format!("{QUERY_MOD}::Array<{module_marker}>");
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
        docs: docs_or(
            field.docs.as_deref(),
            format!(" Column `{}`.", scalar.column_name),
        ),
        rust_type: if nullable {
            option_of(&base)
        } else {
            base.clone()
        },
        base_rust_type: base,
        sql_type: marker,
        module_sql_type: module_marker,
        nullable,
        numeric: !list
            && matches!(
                scalar.rust_type,
                RustScalar::I16
                    | RustScalar::I32
                    | RustScalar::I64
                    | RustScalar::F32
                    | RustScalar::F64
                    | RustScalar::Decimal
            ),
        index,
    }
}

pub(super) fn model_view(schema: &Schema, model: &Model) -> ModelView {
    let coded: Vec<(&Field, &ScalarField)> =
        model.scalar_fields().filter(|(f, _)| has_code(f)).collect();
    let columns: Vec<ColumnView> = coded
        .iter()
        .enumerate()
        .map(|(i, (f, s))| column_view(schema, f, s, i))
        .collect();
    let column_names: Vec<&str> = coded.iter().map(|(_, s)| s.column_name.as_str()).collect();

    let key_fields = key_fields(schema, model);
    let key_columns: Vec<&str> = key_fields
        .iter()
        .filter_map(|f| f.scalar().map(|s| s.column_name.as_str()))
        .collect();
    let key_cols: Vec<&ColumnView> = key_fields
        .iter()
        .filter_map(|f| columns.iter().find(|c| c.rust_name == f.rust_name))
        .collect();
    let key = key_view(&key_cols, &key_columns);

    let get_sql =
        per_dialect(|d| sql::get_by_key(d, &model.table_name, &column_names, &key_columns));
    let delete_sql = per_dialect(|d| sql::delete_by_key(d, &model.table_name, &key_columns));

    let non_key: Vec<(&Field, &ScalarField)> = coded
        .iter()
        .copied()
        .filter(|(f, _)| !key_fields.iter().any(|k| k.id == f.id))
        .collect();
    let (update_sql, update_params) =
        update_view(model, &non_key, &key_columns, &key_cols, &column_names);
    let changes: Vec<ChangeView> = columns
        .iter()
        .filter(|c| !key.fields.contains(&c.rust_name))
        .map(change_view)
        .collect();

    let mut insert = insert_view(schema, model, &coded, &columns, &column_names);

    let relations: Vec<RelationView> = model
        .relation_fields()
        .filter(|(f, _)| !f.ignored)
        .filter(|(_, r)| !schema.model(r.target).ignored)
        .map(|(f, r)| relation_view(schema, model, f, r, &columns))
        .collect();
    if let Some(i) = &mut insert {
        i.parents = parent_ctors(model, i, &relations);
    }

    let updated_at = coded
        .iter()
        .find(|(_, s)| s.updated_at)
        .map(|(_, s)| rust_str(&s.column_name));
    let doc = model_item_docs(&model.rust_name, &model.table_name, updated_at.is_some());
    ModelView {
        doc,
        rust_name: model.rust_name.clone(),
        module_name: model.module_name.clone(),
        table_name: rust_str(&model.table_name),
        table_doc: model.table_name.clone(),
        docs: model_docs(model),
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
        hooks: false,
        changes_name: format!("{}Changes", model.rust_name),
        foreign_keys: model_foreign_keys(schema, model),
        changes,
        relations,
        join_table: false,
    }
}

/// The changeset field of column `c`.
fn change_view(c: &ColumnView) -> ChangeView {
    ChangeView {
        rust_name: c.rust_name.clone(),
        handle: c.handle.clone(),
        rust_type: c.rust_type.clone(),
        doc: doc(&format!(" New value of column `{}`.", c.column_doc)),
    }
}

/// The doc sentences of the items generated for the model `rust_name` of
/// table `table` (`updated_at`: it has an `@updatedAt` column).
fn model_item_docs(rust_name: &str, table: &str, updated_at: bool) -> ModelDocs {
    let (on_update, on_save) = if updated_at {
        (
            " (the `@updatedAt` column gets the current time unless it is set)",
            " (the `@updatedAt` column gets the current time)",
        )
    } else {
        ("", "")
    };
    ModelDocs {
        changes: doc(&format!(
            " Changeset for `{rust_name}`: the columns to set in an update by key; `None` leaves a column unchanged (`Some(None)` stores NULL in a nullable column)."
        )),
        update_by_key: doc(&format!(
            " Sets the given columns of the row with this key{on_update}; returns the number of rows updated (0 or 1)."
        )),
        save: doc(&format!(
            " Writes every column of this row to the row with the same key{on_save}; returns the row as stored, or `None` when no row has this key."
        )),
        module: doc(&format!(" Column and relation handles of table `{table}`.")),
        table: doc(&format!(" The table `{table}`.")),
    }
}

/// The model's docs, or a sentence naming its table.
fn model_docs(model: &Model) -> Vec<String> {
    docs_or(
        model.docs.as_deref(),
        format!(" A row of table `{}`.", model.table_name),
    )
}

/// The key's fields: the primary key, else the first unique constraint.
fn key_fields<'s>(schema: &'s Schema, model: &Model) -> Vec<&'s Field> {
    match (&model.primary_key, model.uniques.first()) {
        (Some(pk), _) => pk.fields.iter().map(|id| schema.field(*id)).collect(),
        (None, Some(u)) => u.columns.iter().map(|c| schema.field(c.field)).collect(),
        (None, None) => Vec::new(),
    }
}

/// The key of the columns `key_cols` (SQL names `key_columns`).
fn key_view(key_cols: &[&ColumnView], key_columns: &[&str]) -> KeyView {
    let tuple_of = |part: &dyn Fn(&ColumnView) -> String| {
        tuple(&key_cols.iter().map(|c| part(c)).collect::<Vec<_>>())
    };
    KeyView {
        module_sql_type: tuple_of(&|c| c.module_sql_type.clone()),
        sql_type: tuple_of(&|c| c.sql_type.clone()),
        rust_type: tuple_of(&|c| c.base_rust_type.clone()),
        column_list: literal_list(key_columns),
        fields: key_cols.iter().map(|c| c.rust_name.clone()).collect(),
        value_of_self: tuple_of(&|c| clone_of(&format!("self.{}", c.rust_name))),
        composite: key_cols.len() > 1,
    }
}

/// The update-by-key statement per dialect (none when every column is part
/// of the key) and its parameters in order: the set columns' `self.field`
/// (`__now` for the `@updatedAt` column), then the key's.
fn update_view(
    model: &Model,
    non_key: &[(&Field, &ScalarField)],
    key_columns: &[&str],
    key_cols: &[&ColumnView],
    column_names: &[&str],
) -> (Option<PerDialect<String>>, Vec<String>) {
    let set_names: Vec<&str> = non_key
        .iter()
        .map(|(_, s)| s.column_name.as_str())
        .collect();
    let update =
        |d| sql::update_by_key(d, &model.table_name, &set_names, key_columns, column_names);
    let update_sql = update(Dialect::Postgres)
        .zip(update(Dialect::Sqlite))
        .map(|(p, s)| PerDialect {
            postgres: rust_str(&p),
            sqlite: rust_str(&s),
        });
    let mut params: Vec<String> = non_key
        .iter()
        .map(|(f, s)| {
            if s.updated_at {
                "__now".to_owned()
            } else {
                format!("self.{}", f.rust_name)
            }
        })
        .collect();
    params.extend(key_cols.iter().map(|c| format!("self.{}", c.rust_name)));
    (update_sql, params)
}

/// `ToValue::to_value(Clone::clone(&self.field))`.
pub(super) fn value_expr(field: &str) -> String {
    format!(
        "{QUERY_MOD}::ToValue::to_value({})",
        clone_of(&format!("self.{field}"))
    )
}

/// The foreign keys this model's table holds, as `ForeignKey` expressions.
fn model_foreign_keys(schema: &Schema, model: &Model) -> String {
    model
        .relation_fields()
        .filter(|(_, r)| r.holds_foreign_key)
        .filter_map(|(_, r)| match &schema.relation(r.relation).storage {
            RelationStorage::ForeignKey(fk) => Some(format!(
                "{QUERY_MOD}::ForeignKey {{ columns: &[{}], table: {}, referenced: &[{}] }}",
                literal_list(&fk.columns),
                rust_str(&fk.referenced_table),
                literal_list(&fk.referenced_columns)
            )),
            RelationStorage::JoinTable(_) => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The implicit join table `_AToB` as a model with columns `a`, `b`.
pub(super) fn join_table_view(schema: &Schema, jt: &JoinTable) -> ModelView {
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
            docs: vec![doc(&format!(
                " References `{}`.`{}`.",
                c.referenced_table, c.referenced_column
            ))],
            rust_type: base.clone(),
            base_rust_type: base,
            sql_type: sql_type_marker(schema, t).unwrap_or_default(),
            module_sql_type: in_module(sql_type_marker(schema, t).unwrap_or_default()),
            nullable: false,
            // Join-table keys are not computed with.
            numeric: false,
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
        value_of_self: tuple(&[clone_of("self.a"), clone_of("self.b")]),
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
            doc: doc(&format!(" Column `{}` (required).", c.column_doc)),
            required: true,
            fill: None,
            setter: String::new(),
            setter_generics: String::new(),
            setter_param: String::new(),
        })
        .collect();
    let presence = presence_column(&columns, &key);
    ModelView {
        presence,
        rust_name: rust_name.clone(),
        module_name,
        table_name: rust_str(table),
        table_doc: table.to_owned(),
        docs: vec![doc(&format!(
            " A row of the implicit many-to-many join table `{table}`."
        ))],
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
            doc: insert_doc(&rust_name, &format!("New{rust_name}")),
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
            parents: Vec::new(),
        }),
        changes_name: format!("{rust_name}Changes"),
        changes: Vec::new(),
        doc: model_item_docs(&rust_name, table, false),
        values: columns.iter().map(|c| value_expr(&c.rust_name)).collect(),
        foreign_keys: String::new(),
        columns,
        relations: Vec::new(),
        join_table: true,
        hooks: false,
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
