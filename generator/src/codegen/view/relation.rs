//! The view of a relation side: its path, key, loading methods and alias
//! table.

use ormgen_schema::{
    Arity, Field, Model, Relation, RelationField, RelationKind, RelationStorage, Schema,
};

use super::expr::{clone_of, option_of, some, tuple, vec_of};
use super::model::{ColumnView, value_expr};
use super::{QUERY_MOD, doc, docs_or, has_code, rust_str};

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
    /// The lazy-loading method's doc sentence (Rust literal).
    pub method_doc: String,
    /// The loading method's doc sentence (Rust literal).
    pub load_doc: String,
    /// `Relation::To`: the target's table, or the alias table (a path from
    /// the source model's module).
    pub to_table: String,
    /// `self.field` expressions of the near-side key columns, as `Value`s.
    pub near_values: Vec<String>,
    /// The relation's `Key` type (see `relation_key_type`).
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
    /// For a required to-one relation along a one-column foreign key: the
    /// fields a parent's key is read from and written to (then `Parent` impls
    /// and the insert type's `with_<relation>` constructor are generated).
    pub parent: Option<ParentKey>,
}

/// The foreign-key field of a required to-one relation and the target's
/// field it references.
#[derive(Debug, Clone)]
pub struct ParentKey {
    /// The near-side foreign-key field (`author_id`).
    pub fk_field: String,
    /// The referenced field of the target model (`id`).
    pub far_field: String,
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
    /// The alias module's doc sentence (Rust literal).
    pub module_doc: String,
    /// The alias table marker's doc sentence (Rust literal).
    pub table_doc: String,
    /// The target's table as a `Table` (a path from the alias module).
    pub target_table: String,
    /// The target model (a path from the alias module).
    pub target_model: String,
    /// The target's columns, SQL types as seen from the alias module.
    pub columns: Vec<ColumnView>,
    /// The target's relation handles, loadable (`with`) from the alias table
    /// (paths from the alias module).
    pub relations: Vec<String>,
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
        _ => format!("{QUERY_MOD}::KeyVals"),
    }
}

fn pairs_list(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(a, b)| format!("({}, {})", rust_str(a), rust_str(b)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Some(key)` from the fields of `row`, one per key column (a tuple for
/// several); a nullable field makes the key `None` when it is.
fn key_from_fields(fields: &[(&str, bool)]) -> String {
    if let [(name, true)] = fields {
        // The field is the key's `Option` already.
        return clone_of(&format!("row.{name}"));
    }
    let parts: Vec<String> = fields
        .iter()
        .map(|(name, nullable)| {
            let q = if *nullable { "?" } else { "" };
            format!("{}{q}", clone_of(&format!("row.{name}")))
        })
        .collect();
    some(&tuple(&parts))
}

/// The view of the relation side `f` (`r`) of `model`; `columns` are the
/// model's columns.
pub(super) fn relation_view(
    schema: &Schema,
    model: &Model,
    f: &Field,
    r: &RelationField,
    columns: &[ColumnView],
) -> RelationView {
    let relation = schema.relation(r.relation);
    let target = schema.model(r.target);
    let (cardinality, path) = relation_path(f, r, relation);
    let (key_side, many_to_many) = key_side(schema, r, relation);
    let near = near_key_columns(f, r, relation);
    let near_columns: Vec<&ColumnView> = near
        .iter()
        .filter_map(|col| columns.iter().find(|c| c.column_doc == *col))
        .collect();
    let near_values = near_columns
        .iter()
        .map(|c| value_expr(&c.rust_name))
        .collect();
    let key_type = relation_key_type(&near_columns);
    let field_keys = field_keys(r, relation, target, &near, &near_columns, &key_type);
    let parent = parent_key(schema, r, relation, &key_type);
    let bare = f.rust_name.trim_start_matches("r#");
    let (load_type, load_terminal) = load_type(cardinality, target);
    let alias = alias_view(schema, model, f, r, target);
    let to_table = match &alias {
        Some(a) => format!("{}::table", a.module),
        None => format!("super::{}::table", target.module_name),
    };
    RelationView {
        method_doc: doc(&format!(
            " Lazy loading along `{}`: a query of the related `{}` rows (no I/O until a terminal runs it; filter, order and page it further).",
            f.rust_name, target.rust_name
        )),
        load_doc: doc(&format!(
            " Loads the related `{}` rows along `{}` (one statement).",
            target.rust_name, f.rust_name
        )),
        to_table,
        rust_name: f.rust_name.clone(),
        docs: relation_docs(model, f, target),
        target_module: target.module_name.clone(),
        cardinality,
        path,
        method: relation_method(f),
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
        parent,
    }
}

/// The [`ParentKey`] of a relation side that holds a required one-column
/// foreign key referencing a required field, with an exact key type.
fn parent_key(
    schema: &Schema,
    r: &RelationField,
    relation: &Relation,
    key_type: &str,
) -> Option<ParentKey> {
    let RelationStorage::ForeignKey(fk) = &relation.storage else {
        return None;
    };
    if !r.holds_foreign_key || key_type.ends_with("KeyVals") {
        return None;
    }
    let ([near], [far]) = (fk.fields.as_slice(), fk.referenced_fields.as_slice()) else {
        return None;
    };
    let (near, far) = (schema.field(*near), schema.field(*far));
    let required = |f: &Field| f.arity == Arity::Required && has_code(f);
    (required(near) && required(far)).then(|| ParentKey {
        fk_field: near.rust_name.clone(),
        far_field: far.rust_name.clone(),
    })
}

/// The relation's cardinality (`Many`, `One`, `OptionalOne`) and its `Path`
/// expression.
fn relation_path(f: &Field, r: &RelationField, relation: &Relation) -> (&'static str, String) {
    match &relation.storage {
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
                format!("{QUERY_MOD}::Path::Direct(&[{}])", pairs_list(&pairs)),
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
                    "{QUERY_MOD}::Path::Through {{ table: {}, from: &[{}], to: &[{}] }}",
                    rust_str(&jt.table_name),
                    pairs_list(&from),
                    pairs_list(&to)
                ),
            )
        }
    }
}

/// The relation field's docs, or a sentence naming the relation.
fn relation_docs(model: &Model, f: &Field, target: &Model) -> Vec<String> {
    docs_or(
        f.docs.as_deref(),
        format!(
            " `{}.{}`: relation to `{}`.",
            model.name, f.name, target.name
        ),
    )
}

/// The side's alias table, where a query can reach the target twice along
/// this relation and another one (a self-relation, or one of several
/// relations between the same two models).
fn alias_view(
    schema: &Schema,
    model: &Model,
    f: &Field,
    r: &RelationField,
    target: &Model,
) -> Option<AliasView> {
    let ambiguous = r.target == model.id
        || model
            .relation_fields()
            .filter(|(g, s)| g.id != f.id && !g.ignored && s.target == r.target)
            .count()
            > 0;
    ambiguous.then(|| {
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
            module_doc: doc(&format!(
                " Table `{}` as reached along `{}` (SQL alias `{sql_alias}`): its column handles, for filters, selections and ordering next to the columns of `{}` itself.",
                target.module_name, f.rust_name, model.module_name
            )),
            table_doc: doc(&format!(" The alias table `{sql_alias}`.")),
            target_table: format!(
                "<super::super::{}::table as ::ormgen::query::Table>",
                target.module_name
            ),
            target_model: format!("super::super::{}", target.rust_name),
            module,
            sql_alias: rust_str(&sql_alias),
            alias_doc: sql_alias,
            target_module: target.module_name.clone(),
            // Filled from the target's view by `schema_view`.
            columns: Vec::new(),
            relations: Vec::new(),
        }
    })
}

/// The `KeySide` expression, and whether the relation goes through a join
/// table.
fn key_side(schema: &Schema, r: &RelationField, relation: &Relation) -> (String, bool) {
    match &relation.storage {
        RelationStorage::ForeignKey(fk) => {
            let nullable = fk
                .fields
                .iter()
                .any(|id| schema.field(*id).arity == Arity::Optional);
            let side = if r.holds_foreign_key { "Near" } else { "Far" };
            (
                format!("{QUERY_MOD}::KeySide::{side} {{ nullable: {nullable} }}"),
                false,
            )
        }
        RelationStorage::JoinTable(_) => (format!("{QUERY_MOD}::KeySide::JoinTable"), true),
    }
}

/// The SQL columns of the key on this model's side.
fn near_key_columns(f: &Field, r: &RelationField, relation: &Relation) -> Vec<String> {
    match &relation.storage {
        RelationStorage::ForeignKey(fk) if r.holds_foreign_key => fk.columns.clone(),
        RelationStorage::ForeignKey(fk) => fk.referenced_columns.clone(),
        RelationStorage::JoinTable(jt) => {
            let own = if jt.a.field == f.id { &jt.a } else { &jt.b };
            vec![own.referenced_column.clone()]
        }
    }
}

/// The `near_key` / `far_key` bodies, for a relation along a foreign key
/// whose key type is exact and whose key columns all have code on both sides.
fn field_keys(
    r: &RelationField,
    relation: &Relation,
    target: &Model,
    near: &[String],
    near_columns: &[&ColumnView],
    key_type: &str,
) -> Option<FieldKeys> {
    match &relation.storage {
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
            (near_fields.len() == near.len() && far_fields.len() == near.len()).then(|| FieldKeys {
                near: key_from_fields(&near_fields),
                far: key_from_fields(&far_fields),
            })
        }
        _ => None,
    }
}

/// The lazy-loading method's name: the field's, or `<field>_related` where a
/// generated method has that name.
fn relation_method(f: &Field) -> String {
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
    if TAKEN.contains(&bare) {
        format!("{bare}_related")
    } else {
        f.rust_name.clone()
    }
}

/// What `load_*` returns, and the terminal it calls.
fn load_type(cardinality: &str, target: &Model) -> (String, &'static str) {
    match cardinality {
        "Many" => (vec_of(&target.rust_name), "all"),
        "One" => (target.rust_name.clone(), "one"),
        _ => (option_of(&target.rust_name), "first"),
    }
}
