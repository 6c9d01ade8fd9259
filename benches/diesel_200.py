#!/usr/bin/env python3
"""Writes the Diesel equivalent of the 200-model schema of
tests/tests/generate_perf.rs (`big_schema`): what a Diesel user keeps for the
same database — `diesel print-schema` output (`table!`, `joinable!`,
`allow_tables_to_appear_in_same_query!`, the `Level` SQL type) and, per model,
a row struct (Queryable, Selectable, Identifiable, Associations), an insert
struct (Insertable) and a changeset struct (AsChangeset), plus the `Level` enum
with its ToSql/FromSql impls.

    benches/diesel_200.py <models> [all|adjacent] > lib.rs

`all` (the default, what `diesel print-schema` writes) allows every pair of
tables in one query (one `allow_tables_to_appear_in_same_query!` over all of
them: N*(N-1) impls); `adjacent` allows only the pairs linked by a foreign key,
the workaround Diesel users with many tables reach for (diesel-rs/diesel#4333).
"""

import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
pairs = sys.argv[2] if len(sys.argv) > 2 else "all"
assert pairs in ("all", "adjacent"), pairs
out = []
w = out.append

w("//! Diesel equivalent of ormgen's 200-model benchmark schema.")
w("#![allow(dead_code, missing_docs)]")
# `allow_tables_to_appear_in_same_query!` over 200 tables recurses deeper than
# the default limit of 128; a Diesel user with this many tables raises it too.
w('#![recursion_limit = "1024"]')
w("use diesel::deserialize::{self, FromSql};")
w("use diesel::pg::{Pg, PgValue};")
w("use diesel::prelude::*;")
w("use diesel::serialize::{self, IsNull, Output, ToSql};")
w("use std::io::Write;")
w("")
w("pub mod sql_types {")
w("    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]")
w('    #[diesel(postgres_type(name = "Level"))]')
w("    pub struct Level;")
w("}")
w("")
w("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]")
w("#[diesel(sql_type = sql_types::Level)]")
w("pub enum Level {")
w("    Low,")
w("    High,")
w("}")
w("impl ToSql<sql_types::Level, Pg> for Level {")
w("    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {")
w("        out.write_all(match self {")
w('            Level::Low => b"LOW",')
w('            Level::High => b"HIGH",')
w("        })?;")
w("        Ok(IsNull::No)")
w("    }")
w("}")
w("impl FromSql<sql_types::Level, Pg> for Level {")
w("    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {")
w("        match bytes.as_bytes() {")
w('            b"LOW" => Ok(Level::Low),')
w('            b"HIGH" => Ok(Level::High),')
w('            _ => Err("unknown Level".into()),')
w("        }")
w("    }")
w("}")
w("")

for i in range(n):
    w("diesel::table! {")
    w("    use diesel::sql_types::*;")
    w("    use super::sql_types::Level;")
    w("")
    w(f"    /// Model number {i}.")
    w(f'    #[sql_name = "M{i}"]')
    w(f"    m{i} (id) {{")
    w("        id -> Int4,")
    w("        name -> Text,")
    w("        note -> Nullable<Text>,")
    w("        count -> Int4,")
    w("        big -> Nullable<Int8>,")
    w("        ratio -> Nullable<Float8>,")
    w("        active -> Bool,")
    w("        level -> Level,")
    w('        #[sql_name = "createdAt"]')
    w("        created_at -> Timestamptz,")
    if i > 0:
        w('        #[sql_name = "prevId"]')
        w("        prev_id -> Nullable<Int4>,")
    w("    }")
    w("}")
    w("")

for i in range(1, n):
    w(f"diesel::joinable!(m{i} -> m{i - 1} (prev_id));")
w("")
if pairs == "all":
    w("diesel::allow_tables_to_appear_in_same_query!(")
    w("    " + ", ".join(f"m{i}" for i in range(n)) + ",")
    w(");")
else:
    for i in range(1, n):
        w(f"diesel::allow_tables_to_appear_in_same_query!(m{i}, m{i - 1});")
w("")

for i in range(n):
    prev = i > 0
    w(f"/// Model number {i}.")
    w("#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable"
      + (", Associations" if prev else "") + ")]")
    w(f"#[diesel(table_name = m{i})]")
    if prev:
        w(f"#[diesel(belongs_to(M{i - 1}, foreign_key = prev_id))]")
    w("#[diesel(check_for_backend(Pg))]")
    w(f"pub struct M{i} {{")
    w("    pub id: i32,")
    w("    pub name: String,")
    w("    pub note: Option<String>,")
    w("    pub count: i32,")
    w("    pub big: Option<i64>,")
    w("    pub ratio: Option<f64>,")
    w("    pub active: bool,")
    w("    pub level: Level,")
    w("    pub created_at: chrono::DateTime<chrono::Utc>,")
    if prev:
        w("    pub prev_id: Option<i32>,")
    w("}")
    w("")
    for kind, derive in (("New", "Insertable"), ("Changes", "AsChangeset")):
        name = f"New{'M'}{i}" if kind == "New" else f"M{i}Changes"
        w(f"#[derive(Debug, Clone, Default, {derive})]")
        w(f"#[diesel(table_name = m{i})]")
        w(f"pub struct {name} {{")
        w("    pub name: " + ("String" if kind == "New" else "Option<String>") + ",")
        w("    pub note: Option<String>,")
        w("    pub count: Option<i32>,")
        w("    pub big: Option<i64>,")
        w("    pub ratio: Option<f64>,")
        w("    pub active: Option<bool>,")
        w("    pub level: Option<Level>,")
        w("    pub created_at: Option<chrono::DateTime<chrono::Utc>>,")
        if prev:
            w("    pub prev_id: Option<i32>,")
        w("}")
        w("")

print("\n".join(out))
