//! The view of a model's table (and of an implicit join table): its columns,
//! key, fixed-shape statements and the model's relation sides.

use ormgen_schema::{
    Arity, Dialect, Field, JoinTable, Model, RelationKind, RelationStorage, RustScalar,
    ScalarField, Schema,
};

use super::insert::{
    InsertView, NewFieldView, borrows_text, insert_value_type, new_field_doc, stmt_col,
};
use super::relation::{
    AliasView, FieldKeys, RelationView, key_from_fields, pairs_list, relation_key_type,
};
use super::types::{rust_type, sql_type_marker};
use super::{Q, doc_lines, has_code, in_module, literal_list, per_dialect, rust_str, tuple};
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

pub(super) fn column_view(
    schema: &Schema,
    field: &Field,
    scalar: &ScalarField,
    index: usize,
) -> ColumnView {
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

pub(super) fn model_view(schema: &Schema, model: &Model) -> ModelView {
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
pub(super) fn value_expr(field: &str) -> String {
    format!("{Q}::ToValue::to_value(::std::clone::Clone::clone(&self.{field}))")
}

/// The foreign keys this model's table holds, as `ForeignKey` expressions.
pub(super) fn model_foreign_keys(schema: &Schema, model: &Model) -> String {
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
pub(super) fn presence_column(columns: &[ColumnView], key: &KeyView) -> Option<ColumnView> {
    let required = |c: &&ColumnView| !c.nullable;
    key.fields
        .iter()
        .filter_map(|f| columns.iter().find(|c| &c.rust_name == f))
        .find(required)
        .or_else(|| columns.iter().find(required))
        .cloned()
}
