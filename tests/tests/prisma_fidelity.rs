//! Fidelity to Prisma Migrate: for every schema under `schemas/` and every
//! valid fixture under `grammar/tests/fixtures/valid/`, a database built from
//! ormgen's DDL (the generator's `create_all` for the schema's dialect) has
//! the same catalog as one built from the DDL Prisma Migrate writes for it
//! (`tests/prisma_ddl/<name>.<dialect>.sql`, recorded with the prisma-oracle
//! by `tests/prisma_ddl/record.sh`; Prisma never runs here): tables,
//! columns with types, nullability and defaults, keys, unique constraints
//! and indexes with their names, foreign keys with names and actions, enums
//! (`ormgen::migrate::introspect`).
//!
//! The differences that are expected are listed per schema in [`EXPECTED`]
//! (ormgen's extensions, which the oracle strips before Prisma reads the
//! schema, and known bugs tracked elsewhere). The test fails on a difference
//! not listed, and on a listed one that is no longer there.
//!
//! On PostgreSQL each side is built in a fresh schema of the test database
//! (with `public` after it on the search path, where the extensions the
//! schemas need are created); Prisma's `CREATE SCHEMA IF NOT EXISTS
//! "public"` is dropped and `"public".` qualifiers are removed, so its
//! objects land in that schema. On SQLite each side is a fresh in-memory
//! database. Fails when `CI` is set and PostgreSQL is unreachable.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ormgen::migrate::{Snapshot, drift, introspect};
use ormgen::{Engine, Native};
use ormgen_build::ddl::{self, RenderMode};
use ormgen_schema::Dialect;

/// Differences expected between the catalog of Prisma's DDL and ormgen's,
/// per recorded file (`<name>.<dialect>`), exactly as
/// `ormgen::migrate::drift` prints them with Prisma's catalog as the expected
/// side: "missing …" is in Prisma's database only, "not in the schema …" in
/// ormgen's only. A schema not listed must match exactly.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "all_types.postgres",
        &[
            // ormgen extensions (stripped before Prisma reads the schema): CHECK
            // constraints, and partial indexes (`where:`), which Prisma creates
            // without their condition.
            "events: missing index events_live_starts_idx CREATE INDEX events_live_starts_idx ON events USING btree (starts_at)",
            "events: not in the schema: constraint events_1_check CHECK ((capacity <= 10000))",
            "events: not in the schema: constraint events_capacity_check CHECK ((capacity > 0))",
            "events: not in the schema: constraint events_starts_before_ends_check CHECK ((starts_at < ends_at))",
            "events: not in the schema: index events_live_starts_idx CREATE INDEX events_live_starts_idx ON events USING btree (starts_at) WHERE (deleted_at IS NULL)",
        ],
    ),
    (
        "all_types_sqlite.sqlite",
        &[
            // A `BigInt` key with `@default(autoincrement())`: Prisma writes
            // `BIGINT PRIMARY KEY`, which in SQLite is not the rowid and never
            // increments; ormgen writes `INTEGER PRIMARY KEY AUTOINCREMENT` (the
            // same 64-bit integer) so that the key is generated.
            "Counter: missing column (\"id\", \"BIGINT\", 1, None, 1)",
            "Counter: missing index sqlite_autoindex_Counter_1 unique=1 origin=pk [(Some(\"id\"), 0, \"BINARY\")] where None",
            "Counter: not in the schema: autoincrement",
            "Counter: not in the schema: column (\"id\", \"INTEGER\", 1, None, 1)",
            // Default literals: Prisma writes `''` (a text value) for an empty
            // `Bytes` default where ormgen writes the blob `X''`, `[]` unquoted (a
            // bracket-quoted identifier to SQLite) for a `Json` default where
            // ormgen writes the text `'[]'`, and a `DateTime` literal as
            // `'1970-01-01 00:00:00 +00:00'` where ormgen writes RFC 3339
            // (`'1970-01-01T00:00:00Z'`), the text its runtime writes and
            // reads. Deliberate: ormgen's literal has the column's storage class
            // (a blob for `Bytes`; Prisma's `[]` is not even a value, SQLite reads
            // it as an identifier and an insert that uses the default fails) and
            // is what the runtime decodes.
            "Defaults: missing column (\"bytes\", \"BLOB\", 1, Some(\"''\"), 0)",
            "Defaults: missing column (\"fixedDate\", \"DATETIME\", 1, Some(\"'1970-01-01 00:00:00 +00:00'\"), 0)",
            "Defaults: missing column (\"json\", \"JSONB\", 1, Some(\"[]\"), 0)",
            "Defaults: not in the schema: column (\"bytes\", \"BLOB\", 1, Some(\"X''\"), 0)",
            "Defaults: not in the schema: column (\"fixedDate\", \"DATETIME\", 1, Some(\"'1970-01-01T00:00:00Z'\"), 0)",
            "Defaults: not in the schema: column (\"json\", \"JSONB\", 1, Some(\"'[]'\"), 0)",
            // ormgen extensions (stripped before Prisma reads the schema): CHECK
            // constraints, and partial indexes (`where:`), which Prisma creates
            // without their condition.
            "events: missing index events_starts_at_idx unique=0 origin=c [(Some(\"starts_at\"), 0, \"BINARY\")] where None",
            "events: not in the schema: check \"events_capacity_check\" CHECK (capacity > 0 AND capacity < 1e6",
            "events: not in the schema: check \"events_starts_before_ends_check\" CHECK (starts_at < ends_at",
            "events: not in the schema: index events_starts_at_idx unique=0 origin=c [(Some(\"starts_at\"), 0, \"BINARY\")] where Some(\"deleted_at IS NULL\")",
        ],
    ),
    (
        "blog.sqlite",
        &[
            // An ormgen extension (stripped before Prisma reads the schema):
            // the CHECK on `User.age`.
            "users: not in the schema: check \"users_age_check\" CHECK (age >= 0",
        ],
    ),
    (
        "extensions.postgres",
        &[
            // ormgen extensions (stripped before Prisma reads the schema): CHECK
            // constraints, and partial indexes (`where:`), which Prisma creates
            // without their condition.
            "bookings: missing index bookings_big_idx CREATE INDEX bookings_big_idx ON bookings USING btree (starts_at DESC)",
            "bookings: missing index bookings_guest_idx CREATE INDEX bookings_guest_idx ON bookings USING btree (guest)",
            "bookings: not in the schema: constraint bookings_1_check CHECK ((starts_at < ends_at))",
            "bookings: not in the schema: constraint bookings_code_check CHECK ((code ~ '^[A-Z]{3}-[0-9]+$'::text))",
            "bookings: not in the schema: constraint bookings_max_30_days_check CHECK (((ends_at - starts_at) <= '30 days'::interval))",
            "bookings: not in the schema: constraint bookings_no_silly_note_check CHECK ((note <> 'it''s \"quoted\"'::text))",
            "bookings: not in the schema: constraint bookings_note_check CHECK (((note IS NULL) OR (length(note) <= 500)))",
            "bookings: not in the schema: constraint bookings_price_eur_check CHECK (((price_eur >= (0)::numeric) AND (price_eur < (100000)::numeric)))",
            "bookings: not in the schema: constraint bookings_seats_check CHECK ((seats > 0))",
            "bookings: not in the schema: index bookings_big_idx CREATE INDEX bookings_big_idx ON bookings USING btree (starts_at DESC) WHERE ((seats > 2) AND (note IS NULL))",
            "bookings: not in the schema: index bookings_guest_idx CREATE INDEX bookings_guest_idx ON bookings USING btree (guest) WHERE (deleted_at IS NULL)",
        ],
    ),
    (
        "hostile_identifiers.sqlite",
        &[
            // The same Prisma bug for identifiers: a `"` in a mapped name is not
            // doubled, so the first table's name ends early and its DDL does not
            // run (an injection, had the statement been run as a script); this
            // schema is not compared (tests/tests/hostile_identifiers/ checks
            // ormgen's DDL on both dialects).
            r#"Prisma's DDL fails: database error 1: near ";": syntax error (at offset 16 in "CREATE TABLE \"x\"; DROP TABLE y; --\" (\n    \"select\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    \"名前 \"name\"\" TEXT NOT NULL,\n    \"e-mail\\addr\" TEXT NOT NULL,\n    \"größe\" INTEGER NOT NULL,\n    \"order\" TEXT NOT NULL DEFAULT 'glücklich 😀',\n    \"group\" TEXT\n)") in CREATE TABLE "x"; DROP TABLE y; --" ("#,
        ],
    ),
    (
        "shop.postgres",
        &[
            // ormgen extensions (stripped before Prisma reads the schema): CHECK
            // constraints, and partial indexes (`where:`), which Prisma creates
            // without their condition.
            "addresses: not in the schema: constraint addresses_country_check CHECK (((country)::text = upper((country)::text)))",
            "customers: missing index customers_live_email_idx CREATE INDEX customers_live_email_idx ON customers USING btree (email)",
            "customers: not in the schema: index customers_live_email_idx CREATE INDEX customers_live_email_idx ON customers USING btree (email) WHERE (deleted_at IS NULL)",
            "order_lines: not in the schema: constraint order_lines_quantity_check CHECK ((quantity > 0))",
            "orders: missing index orders_open_idx CREATE INDEX orders_open_idx ON orders USING btree (status)",
            "orders: not in the schema: constraint orders_1_check CHECK ((total >= (0)::numeric))",
            "orders: not in the schema: constraint orders_delivered_after_shipped_check CHECK (((delivered_at IS NULL) OR ((shipped_at IS NOT NULL) AND (delivered_at >= shipped_at))))",
            "orders: not in the schema: constraint orders_shipped_after_placed_check CHECK (((shipped_at IS NULL) OR (shipped_at >= placed_at)))",
            "orders: not in the schema: index orders_open_idx CREATE INDEX orders_open_idx ON orders USING btree (status) WHERE (status = ANY (ARRAY['PENDING'::\"OrderStatus\", 'PAID'::\"OrderStatus\"]))",
            "products: missing index products_price_idx CREATE INDEX products_price_idx ON products USING btree (price)",
            "products: not in the schema: constraint products_price_check CHECK ((price >= (0)::numeric))",
            "products: not in the schema: constraint products_stock_check CHECK ((stock >= 0))",
            "products: not in the schema: index products_price_idx CREATE INDEX products_price_idx ON products USING btree (price) WHERE active",
            "reviews: not in the schema: constraint reviews_rating_check CHECK (((rating >= 1) AND (rating <= 5)))",
        ],
    ),
    (
        "string_escapes.postgres",
        &[
            // A Prisma bug: enum values are not escaped (`'it's'`), so its DDL
            // does not run and this schema is not compared.
            "Prisma's DDL fails: database error 42601: syntax error at or near \"s\" in CREATE TYPE \"Quote\" AS ENUM ('it's', 'say \"hi\"', 'a\\b/c/d')",
        ],
    ),
    (
        "x_unsupported_ignore_renamed.postgres",
        &[
            // `Unsupported("geography(…)")` needs PostGIS, which the test server
            // lacks: neither side builds, so this schema is not compared.
            "Prisma's DDL fails: database error 42704: type \"geography\" does not exist in CREATE TABLE \"Place\" (",
            "ormgen's DDL fails: database error 42704: type \"geography\" does not exist in CREATE TABLE IF NOT EXISTS \"Place\" (",
        ],
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The recorded files: (`<name>.<dialect>`, schema source path, dialect, SQL).
fn cases() -> Vec<(String, PathBuf, Dialect, String)> {
    let dir = root().join("tests/prisma_ddl");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/prisma_ddl") {
        let path = entry.expect("entry").path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let (name, dialect) = stem.rsplit_once('.').expect("<name>.<dialect>.sql");
        let dialect = match dialect {
            "postgres" => Dialect::Postgres,
            "sqlite" => Dialect::Sqlite,
            other => panic!("{file}: unknown dialect {other}"),
        };
        let source = [
            root().join(format!("schemas/{name}.prisma")),
            root().join(format!("grammar/tests/fixtures/valid/{name}.prisma")),
        ]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{file}: no schema {name}.prisma"));
        let sql = std::fs::read_to_string(&path).expect("read recorded DDL");
        out.push((stem.to_owned(), source, dialect, sql));
    }
    out.sort();
    out
}

#[test]
fn every_schema_and_valid_fixture_is_recorded() {
    let recorded: BTreeSet<String> = cases()
        .into_iter()
        .map(|(stem, ..)| stem.rsplit_once('.').expect("stem").0.to_owned())
        .collect();
    for dir in ["schemas", "grammar/tests/fixtures/valid"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "prisma") {
                let name = path
                    .file_stem()
                    .expect("stem")
                    .to_string_lossy()
                    .into_owned();
                assert!(
                    recorded.contains(&name),
                    "{}: no Prisma DDL recorded; run tests/prisma_ddl/record.sh",
                    path.display()
                );
            }
        }
    }
    for (stem, _) in EXPECTED {
        assert!(
            recorded.contains(stem.rsplit_once('.').expect("stem").0),
            "EXPECTED lists {stem}, which is not recorded"
        );
    }
}

/// The statements of a Prisma migration script (each ends with `;` at the
/// end of a line; `--` comment lines dropped), adapted to land in the
/// connection's schema.
fn prisma_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        if line.trim_start().starts_with("--") {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            let st = current.trim().trim_end_matches(';').to_owned();
            current.clear();
            if st == "CREATE SCHEMA IF NOT EXISTS \"public\"" {
                continue;
            }
            out.push(st.replace("\"public\".", ""));
        }
    }
    assert!(
        current.trim().is_empty(),
        "unterminated statement: {current}"
    );
    out
}

/// Runs `statements` in one transaction and reads the catalog; a statement
/// the database rejects is the error (the statement's first line with it).
fn build(engine: &Engine, statements: &[String]) -> Result<Snapshot, String> {
    let mut s = engine.session().expect("session");
    for st in statements {
        if let Err(e) = s.execute(Native(st), ()) {
            return Err(format!("{e} in {}", st.lines().next().unwrap_or_default()));
        }
    }
    s.commit().expect("commit");
    drop(s);
    Ok(introspect(engine).expect("introspect"))
}

/// The differences between the two builds: `drift` lines, or the failure
/// of either side's DDL.
fn compare(prisma: Result<Snapshot, String>, ormgen: Result<Snapshot, String>) -> Vec<String> {
    match (prisma, ormgen) {
        (Ok(p), Ok(o)) => drift(&p, &o),
        (p, o) => {
            let mut out = Vec::new();
            if let Err(e) = p {
                out.push(format!("Prisma's DDL fails: {e}"));
            }
            if let Err(e) = o {
                out.push(format!("ormgen's DDL fails: {e}"));
            }
            out
        }
    }
}

/// A fresh PostgreSQL schema (dropped at the end) with `public` after it
/// on the search path.
struct PgSchema {
    engine: Engine,
    name: String,
}

impl PgSchema {
    fn new(admin: &mut postgres::Client) -> PgSchema {
        static N: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "ormgen_fid_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        admin
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .expect("create schema");
        let engine = Engine::builder(common::pg_url())
            .search_path(format!("{name}, public"))
            .application_name(name.clone())
            .build()
            .expect("postgres engine");
        PgSchema { engine, name }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        self.engine.dispose();
        if let Ok(mut c) = postgres::Client::connect(&common::pg_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// The PostgreSQL admin connection, or `None` (loudly) outside CI when the
/// server is unreachable.
fn pg_admin() -> Option<postgres::Client> {
    let url = common::pg_url();
    match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(mut c) => {
            // Extensions the schemas' native types need, shared by every
            // test schema through `public` on the search path.
            c.batch_execute("CREATE EXTENSION IF NOT EXISTS citext SCHEMA public")
                .expect("create extension citext");
            Some(c)
        }
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("PostgreSQL at {url} is unreachable and CI is set: {e}");
            }
            eprintln!(
                "\n!!!!!!!! SKIPPING the PostgreSQL schemas: {url} unreachable: {e} !!!!!!!!\n"
            );
            None
        }
    }
}

#[test]
fn ormgen_ddl_builds_the_catalog_prisma_migrate_builds() {
    let mut admin = pg_admin();
    let mut failures = Vec::new();
    let mut compared = 0;
    for (stem, source_path, dialect, prisma_sql) in cases() {
        let source = std::fs::read_to_string(&source_path).expect("read schema");
        let (schema, _) = ormgen_schema::parse_and_validate(&stem, &source)
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        assert_eq!(
            schema.dialect, dialect,
            "{stem}: recorded for another dialect"
        );
        let ours = ddl::create_all(&schema, dialect, RenderMode::IfNotExists)
            .unwrap_or_else(|e| panic!("{stem}: ormgen DDL: {e}"));
        let theirs = prisma_statements(&prisma_sql);
        let differences = match dialect {
            Dialect::Sqlite => {
                let a = common::sqlite_memory(|b| b);
                let b = common::sqlite_memory(|b| b);
                compare(build(&a.engine, &theirs), build(&b.engine, &ours))
            }
            Dialect::Postgres => {
                let Some(admin) = admin.as_mut() else {
                    continue;
                };
                let a = PgSchema::new(admin);
                let b = PgSchema::new(admin);
                compare(build(&a.engine, &theirs), build(&b.engine, &ours))
            }
        };
        compared += 1;
        let actual: BTreeSet<String> = differences.into_iter().collect();
        let expected: BTreeSet<String> = EXPECTED
            .iter()
            .filter(|(s, _)| *s == stem)
            .flat_map(|(_, lines)| lines.iter().map(|l| (*l).to_owned()))
            .collect();
        for d in actual.difference(&expected) {
            failures.push(format!("{stem}: unexpected difference: {d}"));
        }
        for d in expected.difference(&actual) {
            failures.push(format!(
                "{stem}: expected difference no longer present: {d}"
            ));
        }
    }
    assert!(compared > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
