#!/usr/bin/env python3
"""Writes two equivalent applications over an N-model schema, for the build-time
measurement (`benches/build_time.sh`):

- `ormgen/`: a crate whose build.rs compiles `schema.prisma` with
  `ormgen_build::Config` (as a user's would) and whose `main.rs` runs the
  queries below through the generated code;
- `diesel/`: the Diesel 2.3 equivalent a user would keep (`table!`,
  `joinable!`, pairwise `allow_tables_to_appear_in_same_query!` along the
  foreign keys, and per model Queryable + Selectable + Identifiable +
  Associations, Insertable and AsChangeset structs), running the same queries.

The schema is tests/tests/generate_perf.rs's: model `M{i}` has 10 scalar
fields and an optional relation to `M{i-1}`. The queries, per model: the
first 10 active rows by id, one insert returning the row, and (from the
second model on) the rows joined with their previous model.

    gen_apps.py <dir> <models> <postgres|sqlite> <ormgen runtime path>
                <ormgen build path> [--changed K] [--ormgen-features F,..|default]

`--changed K` writes model K's `count` column as a 64-bit integer instead of a
32-bit one: the one-field schema change whose rebuild is measured. Only the
files whose contents change are rewritten (as a user's editor would).
"""

import argparse
import os


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w") as f:
        f.write(text)


def prisma_schema(n, backend, changed):
    provider = "postgresql" if backend == "postgres" else "sqlite"
    s = [f'datasource db {{\n  provider = "{provider}"\n}}\n']
    s.append("enum Level {\n  LOW\n  HIGH\n}\n")
    for i in range(n):
        count = "BigInt" if i == changed else "Int"
        lines = [
            f"/// Model number {i}.",
            f"model M{i} {{",
            "  id Int @id @default(autoincrement())",
            "  name String",
            "  note String?",
            f"  count {count} @default(0)",
            "  big BigInt?",
            "  ratio Float?",
            "  active Boolean @default(true)",
            "  level Level @default(LOW)",
            "  createdAt DateTime @default(now())",
        ]
        if i > 0:
            lines.append("  prevId Int?")
            lines.append(f"  prev M{i - 1}? @relation(fields: [prevId], references: [id])")
        if i + 1 < n:
            lines.append(f"  next M{i + 1}[]")
        lines.append("}\n")
        s.append("\n".join(lines))
    return "\n".join(s)


def ormgen_app(d, n, backend, changed, runtime, build, features):
    if features == ["default"]:
        dep = f'{{ path = "{runtime}" }}'
    else:
        feats = ", ".join(f'"{f}"' for f in features)
        dep = f'{{ path = "{runtime}", default-features = false, features = [{feats}] }}'
    write(
        f"{d}/Cargo.toml",
        f"""[package]
name = "ormgen-app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
ormgen = {dep}

[build-dependencies]
ormgen-build = {{ path = "{build}" }}

[workspace]
""",
    )
    write(
        f"{d}/build.rs",
        """fn main() {
    ormgen_build::Config::new()
        .schema("schema.prisma")
        .compile()
        .expect("schema.prisma compiles");
}
""",
    )
    write(f"{d}/schema.prisma", prisma_schema(n, backend, changed))
    m = [
        "//! The same queries as the Diesel app, through ormgen's generated code.",
        "#![allow(dead_code)]",
        "mod db {",
        '    ormgen::include_schema!("schema");',
        "}",
        "use db::*;",
        "use ormgen::query::ExprExt;",
        "use ormgen::{Result, Session};",
        "",
    ]
    for i in range(n):
        m.append(f"fn q{i}(s: &mut Session) -> Result<usize> {{")
        m.append(
            f"    let rows = M{i}::query().filter(m{i}::active.eq(true))"
            f".order_by(m{i}::id.asc()).limit(10).all(s)?;"
        )
        m.append(f'    let new = M{i}::insert(s, NewM{i}::new("x"))?;')
        if i > 0:
            m.append(f"    let joined = M{i}::query().join(m{i}::prev).all(s)?;")
        else:
            m.append("    let joined: Vec<()> = Vec::new();")
        m.append("    Ok(rows.len() + joined.len() + new.id as usize)")
        m.append("}")
    m.append("")
    m.append("fn main() {")
    m.append('    let url = std::env::args().nth(1).unwrap_or_else(|| "sqlite::memory:".into());')
    m.append("    let engine = ormgen::Engine::connect(&url).expect(\"connect\");")
    m.append("    let mut s = engine.session().expect(\"session\");")
    m.append("    let mut total = 0;")
    for i in range(n):
        m.append(f"    total += q{i}(&mut s).expect(\"q{i}\");")
    m.append('    println!("{total}");')
    m.append("}")
    write(f"{d}/src/main.rs", "\n".join(m) + "\n")


def diesel_app(d, n, backend, changed):
    pg = backend == "postgres"
    conn = "PgConnection" if pg else "SqliteConnection"
    be = "Pg" if pg else "Sqlite"
    feats = '"postgres"' if pg else '"sqlite", "returning_clauses_for_sqlite_3_35"'
    write(
        f"{d}/Cargo.toml",
        f"""[package]
name = "diesel-app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
diesel = {{ version = "2.3", features = [{feats}, "chrono"] }}
chrono = {{ version = "0.4", default-features = false, features = ["clock"] }}

[workspace]
""",
    )
    o = [
        "//! Diesel equivalent of the ormgen app's schema and queries.",
        "#![allow(dead_code)]",
        "use diesel::deserialize::{self, FromSql};",
        f"use diesel::{'pg::{Pg, PgValue}' if pg else 'sqlite::{Sqlite, SqliteValue}'};",
        "use diesel::prelude::*;",
        "use diesel::serialize::{self, IsNull, Output, ToSql};",
        "",
    ]
    if pg:
        o += [
            "pub mod sql_types {",
            "    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]",
            '    #[diesel(postgres_type(name = "Level"))]',
            "    pub struct Level;",
            "}",
            "",
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]",
            "#[diesel(sql_type = sql_types::Level)]",
            "pub enum Level {",
            "    Low,",
            "    High,",
            "}",
            "impl ToSql<sql_types::Level, Pg> for Level {",
            "    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {",
            "        use std::io::Write;",
            "        out.write_all(match self {",
            '            Level::Low => b"LOW",',
            '            Level::High => b"HIGH",',
            "        })?;",
            "        Ok(IsNull::No)",
            "    }",
            "}",
            "impl FromSql<sql_types::Level, Pg> for Level {",
            "    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {",
            "        match bytes.as_bytes() {",
            '            b"LOW" => Ok(Level::Low),',
            '            b"HIGH" => Ok(Level::High),',
            '            _ => Err("unknown Level".into()),',
            "        }",
            "    }",
            "}",
            "",
        ]
        level_sql = "Level"
        level_use = "    use super::sql_types::Level;"
        ts = "Timestamptz"
    else:
        o += [
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]",
            "#[diesel(sql_type = diesel::sql_types::Text)]",
            "pub enum Level {",
            "    Low,",
            "    High,",
            "}",
            "impl ToSql<diesel::sql_types::Text, Sqlite> for Level {",
            "    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {",
            "        out.set_value(match self {",
            '            Level::Low => "LOW",',
            '            Level::High => "HIGH",',
            "        });",
            "        Ok(IsNull::No)",
            "    }",
            "}",
            "impl FromSql<diesel::sql_types::Text, Sqlite> for Level {",
            "    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {",
            "        let text = <String as FromSql<diesel::sql_types::Text, Sqlite>>::from_sql(value)?;",
            "        match text.as_str() {",
            '            "LOW" => Ok(Level::Low),',
            '            "HIGH" => Ok(Level::High),',
            '            _ => Err("unknown Level".into()),',
            "        }",
            "    }",
            "}",
            "",
        ]
        level_sql = "Text"
        level_use = ""
        ts = "TimestamptzSqlite"
    for i in range(n):
        wide = i == changed
        o += ["diesel::table! {", "    use diesel::sql_types::*;"]
        if level_use:
            o.append(level_use)
        o += [
            "",
            f"    /// Model number {i}.",
            f'    #[sql_name = "M{i}"]',
            f"    m{i} (id) {{",
            "        id -> Int4,",
            "        name -> Text,",
            "        note -> Nullable<Text>,",
            f"        count -> {'Int8' if wide else 'Int4'},",
            "        big -> Nullable<Int8>,",
            "        ratio -> Nullable<Float8>,",
            "        active -> Bool,",
            f"        level -> {level_sql},",
            '        #[sql_name = "createdAt"]',
            f"        created_at -> {ts},",
        ]
        if i > 0:
            o += ['        #[sql_name = "prevId"]', "        prev_id -> Nullable<Int4>,"]
        o += ["    }", "}", ""]
    for i in range(1, n):
        o.append(f"diesel::joinable!(m{i} -> m{i - 1} (prev_id));")
        o.append(f"diesel::allow_tables_to_appear_in_same_query!(m{i}, m{i - 1});")
    o.append("")
    for i in range(n):
        prev = i > 0
        count_t = "i64" if i == changed else "i32"
        o.append(f"/// Model number {i}.")
        o.append(
            "#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable"
            + (", Associations" if prev else "")
            + ")]"
        )
        o.append(f"#[diesel(table_name = m{i})]")
        if prev:
            o.append(f"#[diesel(belongs_to(M{i - 1}, foreign_key = prev_id))]")
        o.append(f"#[diesel(check_for_backend({be}))]")
        o += [
            f"pub struct M{i} {{",
            "    pub id: i32,",
            "    pub name: String,",
            "    pub note: Option<String>,",
            f"    pub count: {count_t},",
            "    pub big: Option<i64>,",
            "    pub ratio: Option<f64>,",
            "    pub active: bool,",
            "    pub level: Level,",
            "    pub created_at: chrono::DateTime<chrono::Utc>,",
        ]
        if prev:
            o.append("    pub prev_id: Option<i32>,")
        o += ["}", ""]
        for kind, derive in (("New", "Insertable"), ("Changes", "AsChangeset")):
            name = f"NewM{i}" if kind == "New" else f"M{i}Changes"
            o += [
                f"#[derive(Debug, Clone, Default, {derive})]",
                f"#[diesel(table_name = m{i})]",
                f"pub struct {name} {{",
                "    pub name: " + ("String" if kind == "New" else "Option<String>") + ",",
                "    pub note: Option<String>,",
                f"    pub count: Option<{count_t}>,",
                "    pub big: Option<i64>,",
                "    pub ratio: Option<f64>,",
                "    pub active: Option<bool>,",
                "    pub level: Option<Level>,",
                "    pub created_at: Option<chrono::DateTime<chrono::Utc>>,",
            ]
            if prev:
                o.append("    pub prev_id: Option<i32>,")
            o += ["}", ""]
    for i in range(n):
        o.append(f"fn q{i}(c: &mut {conn}) -> QueryResult<usize> {{")
        o.append(
            f"    let rows: Vec<M{i}> = m{i}::table.filter(m{i}::active.eq(true))"
            f".order(m{i}::id.asc()).limit(10).select(M{i}::as_select()).load(c)?;"
        )
        o.append(
            f"    let new: M{i} = diesel::insert_into(m{i}::table)"
            f'.values(&NewM{i} {{ name: "x".into(), ..Default::default() }})'
            f".returning(M{i}::as_returning()).get_result(c)?;"
        )
        if i > 0:
            o.append(
                f"    let joined: Vec<(M{i}, M{i - 1})> = m{i}::table.inner_join(m{i - 1}::table)"
                f".select((M{i}::as_select(), M{i - 1}::as_select())).load(c)?;"
            )
        else:
            o.append("    let joined: Vec<()> = Vec::new();")
        o.append("    Ok(rows.len() + joined.len() + new.id as usize)")
        o.append("}")
    o.append("")
    o.append("fn main() {")
    default_url = "postgres://postgres@127.0.0.1/test" if pg else ":memory:"
    o.append(f'    let url = std::env::args().nth(1).unwrap_or_else(|| "{default_url}".into());')
    o.append(f'    let mut c = {conn}::establish(&url).expect("connect");')
    o.append("    let mut total = 0;")
    for i in range(n):
        o.append(f'    total += q{i}(&mut c).expect("q{i}");')
    o.append('    println!("{total}");')
    o.append("}")
    write(f"{d}/src/main.rs", "\n".join(o) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("models", type=int)
    p.add_argument("backend", choices=["postgres", "sqlite"])
    p.add_argument("runtime")
    p.add_argument("build")
    p.add_argument("--changed", type=int, default=-1)
    p.add_argument("--ormgen-features", default=None)
    a = p.parse_args()
    features = (
        a.ormgen_features.split(",")
        if a.ormgen_features
        else ["postgres" if a.backend == "postgres" else "sqlite"]
    )
    ormgen_app(f"{a.dir}/ormgen", a.models, a.backend, a.changed, a.runtime, a.build, features)
    diesel_app(f"{a.dir}/diesel", a.models, a.backend, a.changed)


if __name__ == "__main__":
    main()
