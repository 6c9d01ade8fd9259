//! The view of a relation side: its path, key, loading methods and alias
//! table.

use super::Q;
use super::model::ColumnView;
use super::{rust_str, tuple};

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

/// A relation's `Key` (what eager loading hashes per row): the Rust type of its
/// near-side key column, or a tuple of them, when every one has exact equality;
/// otherwise the runtime's dynamic `KeyVals` (floats, decimals, enums, JSON).
pub(super) fn relation_key_type(near: &[&ColumnView]) -> String {
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

pub(super) fn pairs_list(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(a, b)| format!("({}, {})", rust_str(a), rust_str(b)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Some(key)` from the fields of `row`, one per key column (a tuple for
/// several); a nullable field makes the key `None` when it is.
pub(super) fn key_from_fields(fields: &[(&str, bool)]) -> String {
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
