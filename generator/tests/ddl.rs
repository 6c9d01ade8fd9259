//! DDL: snapshots of the rendered SQL for every example schema and valid
//! fixture, and execution on real SQLite (in memory) and PostgreSQL
//! databases: `create_all` works, is idempotent, creates the IR's constraint
//! names, constraints are enforced, and `drop_all` leaves nothing behind.
//!
//! PostgreSQL: `ORMGEN_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test works in its own
//! schema `ormgen_ddl_<random>`. An unreachable server fails the tests when
//! `CI` is set and skips them with a loud message otherwise.

use std::path::{Path, PathBuf};

use ormgen_build::ddl::{self, Dialect, Op, RenderMode};
use ormgen_schema::{Arity, FieldKind, Schema};

// ---------------------------------------------------------------------------
// Inputs

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Every schema under test that the front end accepts: `(snapshot name,
/// path, schema)`, sorted. A file the front end rejects is the front end's
/// bug (its own fixture tests fail); here it is reported and left out.
fn inputs() -> Vec<(String, PathBuf, Schema)> {
    all_inputs()
        .into_iter()
        .filter_map(|(name, path)| {
            let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            match ormgen_schema::parse_and_validate(&path.display().to_string(), &src) {
                Ok((schema, _)) => Some((name, path, schema)),
                Err(d) => {
                    eprintln!("!!!!!!!!!! {} is rejected by the front end; left out of the DDL tests:\n{}", path.display(), d.render(false));
                    None
                }
            }
        })
        .collect()
}

/// Every example schema and valid fixture: `(snapshot name, path)`, sorted.
fn all_inputs() -> Vec<(String, PathBuf)> {
    let root = repo_root();
    let mut out = Vec::new();
    for (prefix, dir) in [
        ("schemas", root.join("schemas")),
        ("valid", root.join("grammar/tests/fixtures/valid")),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "prisma"))
            .collect();
        files.sort();
        for f in files {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((format!("{prefix}__{stem}"), f));
        }
    }
    assert!(
        out.len() >= 20,
        "expected the example schemas and fixtures, found {}",
        out.len()
    );
    out
}

fn load(path: &Path) -> Schema {
    let src =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    parse(&path.display().to_string(), &src)
}

fn parse(name: &str, src: &str) -> Schema {
    match ormgen_schema::parse_and_validate(name, src) {
        Ok((schema, _warnings)) => schema,
        Err(d) => panic!("{}", d.render(false)),
    }
}

/// The dialects a schema renders for: its provider's, and the other one as
/// well when the schema is provider-neutral (no `@db.*` native types, no
/// scalar lists).
fn dialects(schema: &Schema) -> Vec<Dialect> {
    let neutral = schema
        .models
        .iter()
        .flat_map(|m| &m.fields)
        .all(|f| match &f.kind {
            FieldKind::Scalar(s) => s.native_type.is_none() && f.arity != Arity::List,
            FieldKind::Relation(_) => true,
        });
    let mut out = vec![schema.dialect];
    if neutral {
        out.extend(Dialect::ALL.into_iter().filter(|d| *d != schema.dialect));
    }
    out
}

fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "postgres",
        Dialect::Sqlite => "sqlite",
    }
}

fn create(schema: &Schema, d: Dialect, mode: RenderMode) -> Vec<String> {
    ddl::create_all(schema, d, mode).unwrap_or_else(|e| panic!("create_all: {e}"))
}

fn drop(schema: &Schema, d: Dialect, mode: RenderMode) -> Vec<String> {
    ddl::drop_all(schema, d, mode).unwrap_or_else(|e| panic!("drop_all: {e}"))
}

// ---------------------------------------------------------------------------
// Snapshots

#[test]
fn snapshots() {
    for (name, path, schema) in inputs() {
        for d in dialects(&schema) {
            let rel = path
                .strip_prefix(repo_root())
                .unwrap_or(&path)
                .display()
                .to_string();
            let mut text = format!(
                "-- {rel}, {}\n\n-- create (plain, as in a migration)\n\n",
                dialect_name(d)
            );
            text.push_str(&ddl::script(&create(&schema, d, RenderMode::Plain)));
            let idempotent = create(&schema, d, RenderMode::IfNotExists);
            text.push_str("\n-- create_all\n\n");
            text.push_str(&ddl::script(&idempotent));
            text.push_str("\n-- drop_all\n\n");
            text.push_str(&ddl::script(&drop(&schema, d, RenderMode::IfNotExists)));
            // Control characters other than newline and tab (string
            // defaults may hold them) are shown as `<U+XXXX>` so the
            // snapshot file stays plain text.
            let text: String = text
                .chars()
                .map(|c| {
                    if c.is_control() && c != '\n' && c != '\t' {
                        format!("<U+{:04X}>", c as u32)
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            let mut settings = insta::Settings::clone_current();
            settings.set_input_file(&path);
            settings.set_prepend_module_to_snapshot(false);
            settings.set_snapshot_path("snapshots/ddl");
            settings.bind(|| {
                insta::assert_snapshot!(format!("{name}__{}", dialect_name(d)), text);
            });
        }
    }
}

#[test]
fn plain_mode_has_no_guards_and_if_not_exists_mode_guards_everything() {
    for (_, _, schema) in inputs() {
        for d in dialects(&schema) {
            // Extensions are shared by the database: `IF NOT EXISTS` in both
            // modes, as Prisma Migrate writes them.
            for s in create(&schema, d, RenderMode::Plain) {
                if d == Dialect::Postgres && s.starts_with("CREATE EXTENSION IF NOT EXISTS ") {
                    continue;
                }
                assert!(!s.contains("IF NOT EXISTS") && !s.starts_with("DO "), "{s}");
            }
            for s in create(&schema, d, RenderMode::IfNotExists) {
                assert!(
                    s.starts_with("CREATE TABLE IF NOT EXISTS ")
                        || (d == Dialect::Postgres
                            && s.starts_with("CREATE EXTENSION IF NOT EXISTS "))
                        || s.starts_with("CREATE INDEX IF NOT EXISTS ")
                        || s.starts_with("CREATE UNIQUE INDEX IF NOT EXISTS ")
                        || (d == Dialect::Postgres
                            && s.starts_with("DO $ormgen$ BEGIN")
                            && s.contains("WHEN duplicate_object")),
                    "{s}"
                );
            }
            for s in drop(&schema, d, RenderMode::IfNotExists) {
                assert!(s.contains("IF EXISTS"), "{s}");
                assert!(
                    !s.to_uppercase().contains("CASCADE"),
                    "drop_all must not rely on CASCADE: {s}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Ordering

const CYCLE: &str = r#"
datasource db {
  provider = "postgresql"
}

/// A and B reference each other through nullable foreign keys.
model A {
  id      Int  @id
  bId     Int? @map("b_id")
  b       B?   @relation("AtoB", fields: [bId], references: [id])
  pointed B[]  @relation("BtoA")
}

model B {
  id      Int  @id
  aId     Int? @map("a_id")
  a       A?   @relation("BtoA", fields: [aId], references: [id], onDelete: SetNull)
  pointed A[]  @relation("AtoB")
  cs      C[]
}

model C {
  id  Int @id
  bId Int
  b   B   @relation(fields: [bId], references: [id], onDelete: Cascade)
}
"#;

/// The position of the `CreateTable` of `table` in `ops`.
fn table_pos(ops: &[Op], table: &str) -> usize {
    ops.iter()
        .position(|op| matches!(op, Op::CreateTable(t) if t.name == table))
        .unwrap_or_else(|| panic!("no CreateTable {table}"))
}

#[test]
fn tables_come_after_the_tables_they_reference() {
    for (_, path, schema) in inputs() {
        for d in dialects(&schema) {
            let ops = ddl::create_ops(&schema, d);
            for (i, op) in ops.iter().enumerate() {
                if let Op::CreateTable(t) = op {
                    for fk in &t.foreign_keys {
                        if d == Dialect::Postgres && fk.referenced_table != t.name {
                            assert!(
                                table_pos(&ops, &fk.referenced_table) < i,
                                "{}: {} before {}",
                                path.display(),
                                fk.referenced_table,
                                t.name
                            );
                        }
                    }
                }
                if let Op::CreateIndex(ix) = op {
                    assert!(table_pos(&ops, &ix.table) < i);
                }
            }
            assert_eq!(ops, ddl::create_ops(&schema, d), "deterministic");
        }
    }
}

#[test]
fn a_cycle_is_broken_with_alter_table_on_postgres_only() {
    let schema = parse("cycle.prisma", CYCLE);
    let pg = ddl::create_ops(&schema, Dialect::Postgres);
    let added: Vec<&str> = pg
        .iter()
        .filter_map(|op| match op {
            Op::AddForeignKey(fk) => Some(fk.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(added, ["A_b_id_fkey"]);
    assert!(matches!(pg.last(), Some(Op::AddForeignKey(_))));
    assert!(table_pos(&pg, "A") < table_pos(&pg, "B") && table_pos(&pg, "B") < table_pos(&pg, "C"));
    let drops = ddl::drop_ops(&schema, Dialect::Postgres);
    assert!(
        matches!(&drops[0], Op::DropForeignKey { name, .. } if name == "A_b_id_fkey"),
        "{drops:?}"
    );

    let lite = ddl::create_ops(&schema, Dialect::Sqlite);
    assert!(lite.iter().all(|op| !matches!(op, Op::AddForeignKey(_))));
    let inline: usize = lite
        .iter()
        .map(|op| match op {
            Op::CreateTable(t) => t.foreign_keys.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(inline, 3);
    assert!(ddl::render(&pg[pg.len() - 1], Dialect::Sqlite, RenderMode::Plain).is_err());
}

#[test]
fn a_self_reference_through_a_unique_column_waits_for_its_index_on_postgres() {
    let schema = parse(
        "self.prisma",
        r#"
datasource db {
  provider = "postgresql"
}
model Node {
  id         Int    @id
  code       String @unique
  parentCode String?
  parent     Node?  @relation("Tree", fields: [parentCode], references: [code])
  children   Node[] @relation("Tree")
  nextId     Int?   @unique
  next       Node?  @relation("Chain", fields: [nextId], references: [id])
  prev       Node?  @relation("Chain")
}
"#,
    );
    let ops = ddl::create_ops(&schema, Dialect::Postgres);
    let Some(Op::CreateTable(t)) = ops.first() else {
        panic!("{ops:?}")
    };
    assert_eq!(
        t.foreign_keys
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["Node_nextId_fkey"]
    );
    assert!(matches!(ops.last(), Some(Op::AddForeignKey(fk)) if fk.name == "Node_parentCode_fkey"));
    if let Some(mut pg) = Pg::connect("self_unique") {
        pg.roundtrip(&schema);
    }
}

#[test]
fn identifiers_and_literals_are_escaped() {
    assert_eq!(ddl::quote_ident(r#"a"b"#), r#""a""b""#);
    assert_eq!(ddl::quote_literal("it's"), "'it''s'");
    let schema = load(&repo_root().join("grammar/tests/fixtures/valid/string_escapes.prisma"));
    let sql = create(&schema, Dialect::Postgres, RenderMode::Plain).join("\n");
    assert!(
        sql.contains(r#"CREATE TYPE "Quote" AS ENUM ('it''s', 'say "hi"', 'a\b/c/d')"#),
        "{sql}"
    );
    assert!(
        sql.contains(r#"CREATE TABLE "escapes ""table""" ("#),
        "{sql}"
    );
    assert!(
        sql.contains(r#""quoted ""col""" TEXT NOT NULL DEFAULT 'She said "hello"'"#),
        "{sql}"
    );
}

// ---------------------------------------------------------------------------
// Execution: SQLite

/// Schemas whose SQL is PostgreSQL-specific (checks, defaults) and cannot
/// run on SQLite even though they have no native types.
const SQLITE_SKIP: &[&str] = &["valid__extensions", "valid__x_unsupported_ignore_renamed"];

fn sqlite_catalog(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?
            ))
        })
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

fn sqlite_exec(conn: &rusqlite::Connection, statements: &[String]) {
    for s in statements {
        conn.execute_batch(s).unwrap_or_else(|e| panic!("{e}\n{s}"));
    }
}

fn sqlite_pragma_clean(conn: &rusqlite::Connection) {
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok, "ok");
    let mut stmt = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap_or_else(|e| panic!("{e}"));
    let problems = stmt
        .query_map([], |_| Ok(()))
        .unwrap_or_else(|e| panic!("{e}"))
        .count();
    assert_eq!(problems, 0, "PRAGMA foreign_key_check");
}

fn sqlite_open() -> rusqlite::Connection {
    let conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch("PRAGMA foreign_keys = ON")
        .unwrap_or_else(|e| panic!("{e}"));
    conn
}

/// create_all twice (no change), names as in the IR, pragmas clean,
/// drop_all leaves nothing.
fn sqlite_roundtrip(conn: &rusqlite::Connection, schema: &Schema) {
    let d = Dialect::Sqlite;
    sqlite_exec(conn, &create(schema, d, RenderMode::IfNotExists));
    let first = sqlite_catalog(conn);
    sqlite_exec(conn, &create(schema, d, RenderMode::IfNotExists));
    assert_eq!(
        first,
        sqlite_catalog(conn),
        "create_all twice must change nothing"
    );
    sqlite_pragma_clean(conn);
    let all = first.join("\n");
    for name in expected_names(schema, d) {
        match name {
            Expected::Index(n) => assert!(
                all.contains(&format!("index {n} ")),
                "index {n} missing:\n{all}"
            ),
            Expected::Constraint(n) => assert!(
                all.contains(&format!("CONSTRAINT {}", ddl::quote_ident(&n))),
                "constraint {n} missing:\n{all}"
            ),
            Expected::Table(n) => assert!(
                all.contains(&format!("table {n} {n} ")),
                "table {n} missing:\n{all}"
            ),
            Expected::PrimaryKey(_) | Expected::Type(_) => {}
        }
    }
    sqlite_exec(conn, &drop(schema, d, RenderMode::IfNotExists));
    assert_eq!(
        sqlite_catalog(conn),
        Vec::<String>::new(),
        "drop_all must leave nothing"
    );
    // Dropping a dropped schema is a no-op too.
    sqlite_exec(conn, &drop(schema, d, RenderMode::IfNotExists));
}

#[test]
fn sqlite_create_all_is_idempotent_and_drop_all_empties() {
    let mut ran = 0;
    for (name, _, schema) in inputs() {
        if SQLITE_SKIP.contains(&name.as_str()) {
            continue;
        }
        if !dialects(&schema).contains(&Dialect::Sqlite) {
            continue;
        }
        let conn = sqlite_open();
        sqlite_roundtrip(&conn, &schema);
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} schemas ran on SQLite");
}

#[test]
fn sqlite_constraints_are_enforced() {
    let conn = sqlite_open();
    let blog = load(&repo_root().join("schemas/blog.prisma"));
    sqlite_exec(
        &conn,
        &create(&blog, Dialect::Sqlite, RenderMode::IfNotExists),
    );
    let ok = |sql: &str| {
        conn.execute_batch(sql)
            .unwrap_or_else(|e| panic!("{e}: {sql}"))
    };
    let fails = |sql: &str| assert!(conn.execute_batch(sql).is_err(), "should fail: {sql}");
    ok("INSERT INTO users (email, updated_at) VALUES ('a@x.org', CURRENT_TIMESTAMP)");
    let (role, id): (String, i64) = conn
        .query_row("SELECT role, id FROM users", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (role.as_str(), id),
        ("MEMBER", 1),
        "enum default and autoincrement"
    );
    fails("INSERT INTO users (email, updated_at) VALUES ('a@x.org', CURRENT_TIMESTAMP)"); // unique
    fails("INSERT INTO users (updated_at) VALUES (CURRENT_TIMESTAMP)"); // NOT NULL
    fails("INSERT INTO posts (title, author_id, updated_at) VALUES ('t', 42, CURRENT_TIMESTAMP)"); // FK
    ok("INSERT INTO posts (title, author_id, updated_at) VALUES ('t', 1, CURRENT_TIMESTAMP)");
    ok("INSERT INTO tags (name) VALUES ('rust')");
    ok(r#"INSERT INTO "_PostToTag" ("A", "B") SELECT p.id, t.id FROM posts p, tags t"#);
    fails(r#"INSERT INTO "_PostToTag" ("A", "B") SELECT p.id, t.id FROM posts p, tags t"#); // AB unique
    fails(r#"INSERT INTO "_PostToTag" ("A", "B") SELECT id, 9 FROM posts"#); // B fkey
    // Cascades: deleting the user deletes the post and the join row.
    ok("DELETE FROM users WHERE id = 1");
    let left: i64 = conn
        .query_row(
            r#"SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM "_PostToTag")"#,
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(left, 0);
    sqlite_pragma_clean(&conn);

    let all = load(&repo_root().join("schemas/all_types_sqlite.prisma"));
    sqlite_exec(
        &conn,
        &create(&all, Dialect::Sqlite, RenderMode::IfNotExists),
    );
    fails("INSERT INTO events (name, capacity, starts_at, ends_at) VALUES ('x', 0, 1, 2)"); // column check
    fails("INSERT INTO events (name, capacity, starts_at, ends_at) VALUES ('x', 5, 2, 1)"); // model check
    ok("INSERT INTO events (name, capacity, starts_at, ends_at) VALUES ('x', 5, 1, 2)");
    ok("INSERT INTO Defaults (id, uuid, updatedAt) VALUES ('c1', 'u1', CURRENT_TIMESTAMP)");
    let (s, b, color, bytes): (String, bool, String, Vec<u8>) = conn
        .query_row(
            "SELECT string, boolean, color, bytes FROM Defaults",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.as_str(), b, color.as_str(), bytes),
        ("it's \"quoted\"\\n", false, "RED", vec![])
    );
    ok("INSERT INTO Counter (label) VALUES ('a')");
    fails("INSERT INTO Counter (label) VALUES ('a')");
    sqlite_pragma_clean(&conn);
}

#[test]
fn sqlite_cycle() {
    let schema = parse("cycle.prisma", CYCLE);
    let conn = sqlite_open();
    sqlite_exec(
        &conn,
        &create(&schema, Dialect::Sqlite, RenderMode::IfNotExists),
    );
    let ok = |sql: &str| {
        conn.execute_batch(sql)
            .unwrap_or_else(|e| panic!("{e}: {sql}"))
    };
    ok(
        r#"INSERT INTO "A" (id) VALUES (1); INSERT INTO "B" (id, a_id) VALUES (1, 1); UPDATE "A" SET b_id = 1"#,
    );
    assert!(conn.execute_batch(r#"UPDATE "A" SET b_id = 7"#).is_err());
    sqlite_pragma_clean(&conn);
    ok(r#"UPDATE "A" SET b_id = NULL; DELETE FROM "B"; DELETE FROM "A""#);
    sqlite_roundtrip(&conn, &schema);
}

// ---------------------------------------------------------------------------
// Execution: PostgreSQL

/// Schemas that cannot run on a plain PostgreSQL server: `all_types` needs
/// the `citext` extension and index operator classes the IR does not keep
/// (`ops: InetOps` on a GiST index); `x_unsupported_ignore_renamed` needs
/// PostGIS (`geography`).
/// `all_types_sqlite` has SQLite-only SQL (`randomblob()`).
/// `postgres_extensions` creates extensions, which `drop_all` leaves in place
/// (they belong to the database): `create_all_creates_listed_extensions`
/// runs it instead.
const PG_SKIP: &[&str] = &[
    "schemas__all_types",
    "schemas__all_types_sqlite",
    "valid__postgres_extensions",
    // `CITEXT` needs the extension; tests/tests/native_types.rs creates it.
    "schemas__native_types",
    "valid__x_unsupported_ignore_renamed",
];

/// The `CREATE EXTENSION` statements equal Prisma Migrate's for the same
/// schema (recorded in `grammar/tests/fixtures/prisma/extensions.sql`), in
/// the same order; SQLite gets none.
#[test]
fn extensions_are_created_as_prisma_migrate_creates_them() {
    let dir = repo_root().join("grammar/tests/fixtures/prisma");
    let schema = load(&dir.join("extensions.prisma"));
    let prisma: Vec<String> = std::fs::read_to_string(dir.join("extensions.sql"))
        .expect("recorded DDL")
        .lines()
        .filter(|l| l.starts_with("CREATE EXTENSION"))
        .map(|l| l.trim_end_matches(';').to_owned())
        .collect();
    assert_eq!(prisma.len(), 4);
    for mode in [RenderMode::Plain, RenderMode::IfNotExists] {
        let ours: Vec<String> = create(&schema, Dialect::Postgres, mode)
            .into_iter()
            .filter(|s| s.starts_with("CREATE EXTENSION"))
            .collect();
        assert_eq!(ours, prisma);
        // Extensions come before the tables whose types they provide, and
        // `drop_all` leaves them alone.
        assert!(create(&schema, Dialect::Postgres, mode)[0].starts_with("CREATE EXTENSION"));
        assert!(
            !drop(&schema, Dialect::Postgres, mode)
                .iter()
                .any(|s| s.contains("EXTENSION"))
        );
    }
}

/// On a fresh schema of the test database, `create_all` of a schema listing
/// `citext` creates the extension and a `CITEXT` column that compares
/// case-insensitively; running it again changes nothing.
#[test]
fn create_all_creates_listed_extensions() {
    // Extensions belong to a database, not a schema: a database of its own
    // keeps this test apart from any `citext` installed elsewhere.
    let url = std::env::var("ORMGEN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut admin = match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL at {url} is unreachable ({e}) and CI is set"
            );
            eprintln!(
                "\n!!!!!!!!!! SKIPPING PostgreSQL test `extensions`: {url} unreachable ({e}) !!!!!!!!!!\n"
            );
            return;
        }
    };
    let db = format!("ormgen_ddl_ext_{}", random_suffix());
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .expect("create database");
    let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let at = base.rfind('/').expect("a database in the URL");
    let sep = if query.is_empty() { "" } else { "?" };
    let client = postgres::Client::connect(
        &format!("{}/{db}{sep}{query}", &base[..at]),
        postgres::NoTls,
    )
    .expect("connect to the new database");
    let mut pg = Pg {
        client,
        schema: "public".to_owned(),
    };
    let schema = parse(
        "extensions",
        "datasource db {\n  provider   = \"postgresql\"\n  extensions = [citext]\n}\n\nmodel Account {\n  id    Int    @id\n  email String @unique @db.Citext\n}\n",
    );
    for _ in 0..2 {
        pg.exec(&create(&schema, Dialect::Postgres, RenderMode::IfNotExists));
    }
    pg.exec(&[r#"INSERT INTO "Account" (id, email) VALUES (1, 'Ann@Example.org')"#.to_owned()]);
    assert!(
        !pg.try_exec(r#"INSERT INTO "Account" (id, email) VALUES (2, 'ann@example.ORG')"#),
        "citext: unique regardless of case"
    );
    assert_eq!(
        pg.strings("SELECT udt_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'email'"),
        ["citext"]
    );
    assert_eq!(
        pg.strings("SELECT extname::text FROM pg_extension WHERE extname = 'citext'"),
        ["citext"]
    );
    drop_database(pg, &mut admin, &db);
}

fn drop_database(pg: Pg, admin: &mut postgres::Client, db: &str) {
    // Closes the connection (dropping `public` of the scratch database first).
    std::mem::drop(pg);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .expect("drop database");
}

/// A connection working in its own schema, dropped at the end.
struct Pg {
    client: postgres::Client,
    schema: String,
}

impl Pg {
    fn connect(test: &str) -> Option<Pg> {
        let url = std::env::var("ORMGEN_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let mut client = match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!("PostgreSQL at {url} is unreachable ({e}) and CI is set");
                }
                eprintln!(
                    "\n!!!!!!!!!! SKIPPING PostgreSQL test `{test}`: {url} unreachable ({e}); set ORMGEN_TEST_PG_URL !!!!!!!!!!\n"
                );
                return None;
            }
        };
        let schema = format!("ormgen_ddl_{}", random_suffix());
        client
            .batch_execute(&format!(
                "CREATE SCHEMA {schema}; SET search_path TO {schema}"
            ))
            .unwrap_or_else(|e| panic!("{e}"));
        Some(Pg { client, schema })
    }

    fn exec(&mut self, statements: &[String]) {
        for s in statements {
            self.client
                .batch_execute(s)
                .unwrap_or_else(|e| panic!("{e:?}\n{s}"));
        }
    }

    fn try_exec(&mut self, sql: &str) -> bool {
        self.client.batch_execute(sql).is_ok()
    }

    fn strings(&mut self, sql: &str) -> Vec<String> {
        self.client
            .query(sql, &[])
            .unwrap_or_else(|e| panic!("{e:?}\n{sql}"))
            .iter()
            .map(|r| r.get::<_, Option<String>>(0).unwrap_or_default())
            .collect()
    }

    /// Columns, indexes, constraints, enum types, sequences of the schema.
    fn catalog(&mut self) -> Vec<String> {
        self.strings(
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name || ' ' || is_nullable || ' ' \
                 || coalesce(character_maximum_length::text, '') || ' ' || coalesce(column_default, '') \
               FROM information_schema.columns WHERE table_schema = current_schema() \
             UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() \
             UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid) \
               FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
             UNION ALL SELECT 'type ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) \
               FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname \
             UNION ALL SELECT 'relation ' || relkind::text || ' ' || relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace \
             ORDER BY 1",
        )
    }

    fn is_empty(&mut self) -> bool {
        let left = self.strings(
            "SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace \
             UNION ALL SELECT typname::text FROM pg_type WHERE typnamespace = current_schema()::regnamespace",
        );
        assert_eq!(left, Vec::<String>::new(), "left behind");
        left.is_empty()
    }

    /// create_all twice (no change), names as in the IR, drop_all empties.
    fn roundtrip(&mut self, schema: &Schema) {
        let d = Dialect::Postgres;
        self.exec(&create(schema, d, RenderMode::IfNotExists));
        let first = self.catalog();
        assert!(!first.is_empty());
        self.exec(&create(schema, d, RenderMode::IfNotExists));
        assert_eq!(
            first,
            self.catalog(),
            "create_all twice must change nothing"
        );
        self.check_names(schema);
        self.exec(&drop(schema, d, RenderMode::IfNotExists));
        assert!(self.is_empty());
        self.exec(&drop(schema, d, RenderMode::IfNotExists));
    }

    fn check_names(&mut self, schema: &Schema) {
        // PostgreSQL cuts identifiers to 63 bytes.
        let cut = |n: &str| {
            let mut end = n.len().min(63);
            while !n.is_char_boundary(end) {
                end -= 1;
            }
            n[..end].to_owned()
        };
        let tables = self.strings("SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'");
        let indexes = self
            .strings("SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()");
        let constraints = self.strings("SELECT conname::text FROM pg_constraint WHERE connamespace = current_schema()::regnamespace");
        let types = self.strings("SELECT typname::text FROM pg_type WHERE typnamespace = current_schema()::regnamespace AND typtype = 'e'");
        for e in expected_names(schema, Dialect::Postgres) {
            let (kind, name, found) = match e {
                Expected::Index(n) => ("index", cut(&n), &indexes),
                Expected::Constraint(n) | Expected::PrimaryKey(n) => {
                    ("constraint", cut(&n), &constraints)
                }
                Expected::Table(n) => ("table", cut(&n), &tables),
                Expected::Type(n) => ("type", cut(&n), &types),
            };
            assert!(found.contains(&name), "{kind} {name} missing: {found:#?}");
        }
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        // Cleanup only (the tests check drop_all itself without CASCADE).
        let _ = self
            .client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

fn random_suffix() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    format!("{:016x}", h.finish())
}

/// A name the database must show after `create_all`.
enum Expected {
    Table(String),
    Type(String),
    PrimaryKey(String),
    /// A unique constraint or index (both are indexes, as Prisma creates them).
    Index(String),
    /// A foreign key or check constraint.
    Constraint(String),
}

/// Every name the IR promises for `dialect`.
fn expected_names(schema: &Schema, d: Dialect) -> Vec<Expected> {
    let mut out = Vec::new();
    if d == Dialect::Postgres {
        out.extend(
            schema
                .enums
                .iter()
                .map(|e| Expected::Type(e.db_name.clone())),
        );
    }
    for m in &schema.models {
        out.push(Expected::Table(m.table_name.clone()));
        if let Some(pk) = &m.primary_key
            && d == Dialect::Postgres
        {
            out.push(Expected::PrimaryKey(pk.constraint_name.get(d).clone()));
        }
        out.extend(
            m.uniques
                .iter()
                .map(|u| Expected::Index(u.constraint_name.get(d).clone())),
        );
        out.extend(
            m.indexes
                .iter()
                .map(|i| Expected::Index(i.name.get(d).clone())),
        );
        out.extend(
            m.checks
                .iter()
                .map(|c| Expected::Constraint(c.constraint_name.get(d).clone())),
        );
    }
    out.extend(
        schema
            .foreign_keys()
            .filter(|f| f.in_database)
            .map(|f| Expected::Constraint(f.constraint_name.get(d).clone())),
    );
    for j in schema.join_tables() {
        // Over-long join-table names follow Prisma's truncation rule on
        // PostgreSQL (the IR keeps them whole).
        let fit = |suffix: &str| {
            let mut end = (63 - suffix.len()).min(j.table_name.len());
            while !j.table_name.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{suffix}", &j.table_name[..end])
        };
        let pg = d == Dialect::Postgres;
        out.push(Expected::Table(j.table_name.clone()));
        out.push(if pg {
            Expected::PrimaryKey(fit("_AB_pkey"))
        } else {
            Expected::Index(j.unique_index_name.clone())
        });
        out.push(Expected::Index(if pg {
            fit("_B_index")
        } else {
            j.b_index_name.clone()
        }));
        if schema.relation_mode == ormgen_schema::RelationMode::ForeignKeys {
            out.push(Expected::Constraint(if pg {
                fit("_A_fkey")
            } else {
                j.a.fk_name.clone()
            }));
            out.push(Expected::Constraint(if pg {
                fit("_B_fkey")
            } else {
                j.b.fk_name.clone()
            }));
        }
    }
    out
}

#[test]
fn postgres_create_all_is_idempotent_and_drop_all_empties() {
    let Some(mut pg) = Pg::connect("roundtrip") else {
        return;
    };
    let mut ran = 0;
    for (name, _, schema) in inputs() {
        if PG_SKIP.contains(&name.as_str()) {
            continue;
        }
        if !dialects(&schema).contains(&Dialect::Postgres) {
            continue;
        }
        pg.roundtrip(&schema);
        ran += 1;
    }
    assert!(ran >= 15, "only {ran} schemas ran on PostgreSQL");
}

#[test]
fn postgres_constraints_are_enforced() {
    let Some(mut pg) = Pg::connect("constraints") else {
        return;
    };
    let blog = load(&repo_root().join("schemas/blog.prisma"));
    pg.exec(&create(&blog, Dialect::Postgres, RenderMode::IfNotExists));
    pg.exec(&["INSERT INTO users (email, updated_at) VALUES ('a@x.org', now())".to_owned()]);
    assert_eq!(
        pg.strings("SELECT role::text || ' ' || id FROM users"),
        ["MEMBER 1"]
    );
    assert!(
        !pg.try_exec("INSERT INTO users (email, updated_at) VALUES ('a@x.org', now())"),
        "unique"
    );
    assert!(
        !pg.try_exec(
            "INSERT INTO users (email, role, updated_at) VALUES ('b@x.org', 'OWNER', now())"
        ),
        "enum"
    );
    assert!(
        !pg.try_exec("INSERT INTO posts (title, author_id, updated_at) VALUES ('t', 42, now())"),
        "fk"
    );
    pg.exec(&[
        "INSERT INTO posts (title, author_id, updated_at) VALUES ('t', 1, now())".to_owned(),
        "INSERT INTO tags (name) VALUES ('rust')".to_owned(),
        r#"INSERT INTO "_PostToTag" ("A", "B") SELECT p.id, t.id FROM posts p, tags t"#.to_owned(),
    ]);
    assert!(
        !pg.try_exec(
            r#"INSERT INTO "_PostToTag" ("A", "B") SELECT p.id, t.id FROM posts p, tags t"#
        ),
        "AB pkey"
    );
    assert!(
        !pg.try_exec(r#"INSERT INTO "_PostToTag" ("A", "B") SELECT id, 9 FROM posts"#),
        "B fkey"
    );
    pg.exec(&["DELETE FROM users".to_owned()]);
    assert_eq!(
        pg.strings(
            r#"SELECT ((SELECT count(*) FROM posts) + (SELECT count(*) FROM "_PostToTag"))::text"#
        ),
        ["0"]
    );
    pg.exec(&drop(&blog, Dialect::Postgres, RenderMode::IfNotExists));

    let shop = load(&repo_root().join("schemas/shop.prisma"));
    pg.exec(&create(&shop, Dialect::Postgres, RenderMode::IfNotExists));
    let customer = "INSERT INTO customers (id, email, name) VALUES ('00000000-0000-0000-0000-000000000001', 'c@x.org', 'C')";
    pg.exec(&[customer.to_owned()]);
    assert_eq!(pg.strings("SELECT settings::text FROM customers"), ["{}"]);
    let product = |price: &str, stock: &str| {
        format!(
            "INSERT INTO products (sku, vendor, name, price, stock, updated_at) VALUES ('s{stock}', 'v', 'n', {price}, {stock}, now())"
        )
    };
    assert!(!pg.try_exec(&product("-1", "1")), "field check price >= 0");
    assert!(!pg.try_exec(&product("1", "-1")), "field check stock >= 0");
    pg.exec(&[product("1", "1")]);
    assert_eq!(
        pg.strings(
            "SELECT coalesce(array_length(tags, 1), 0)::text || ' ' || active::text FROM products"
        ),
        ["0 true"]
    );
    let order = |total: &str| {
        format!(
            "INSERT INTO orders (customer_id, total) VALUES ('00000000-0000-0000-0000-000000000001', {total})"
        )
    };
    assert!(!pg.try_exec(&order("-5")), "model check total >= 0");
    pg.exec(&[order("5")]);
    assert_eq!(
        pg.strings("SELECT status::text || ' ' || left(number, 2) FROM orders"),
        ["PENDING O-"]
    );
    pg.exec(&drop(&shop, Dialect::Postgres, RenderMode::IfNotExists));
    assert!(pg.is_empty());
}

#[test]
fn postgres_cycle() {
    let Some(mut pg) = Pg::connect("cycle") else {
        return;
    };
    let schema = parse("cycle.prisma", CYCLE);
    pg.exec(&create(&schema, Dialect::Postgres, RenderMode::IfNotExists));
    pg.exec(&[r#"INSERT INTO "A" (id) VALUES (1); INSERT INTO "B" (id, a_id) VALUES (1, 1); UPDATE "A" SET b_id = 1"#.to_owned()]);
    assert!(
        !pg.try_exec(r#"UPDATE "A" SET b_id = 7"#),
        "deferred fk exists"
    );
    // drop_all works with rows in place: the deferred key goes first.
    pg.exec(&drop(&schema, Dialect::Postgres, RenderMode::IfNotExists));
    assert!(pg.is_empty());
    pg.roundtrip(&schema);
}

#[test]
fn postgres_plain_mode_runs_once() {
    let Some(mut pg) = Pg::connect("plain") else {
        return;
    };
    let schema = parse("cycle.prisma", CYCLE);
    pg.exec(&create(&schema, Dialect::Postgres, RenderMode::Plain));
    let again = create(&schema, Dialect::Postgres, RenderMode::Plain);
    assert!(
        !pg.try_exec(&again[0]),
        "plain CREATE TABLE fails on an existing table"
    );
    pg.exec(&drop(&schema, Dialect::Postgres, RenderMode::Plain));
    assert!(pg.is_empty());
}
