//! DDL: snapshots of the rendered SQL for every example schema and valid
//! fixture, and execution on real SQLite (in memory) and PostgreSQL
//! databases: `create_all` works, is idempotent, creates the IR's constraint
//! names, constraints are enforced, and `drop_all` leaves nothing behind.
//!
//! PostgreSQL: `ORMGEN_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test works in its own
//! schema `ormgen_ddl_<random>`. An unreachable server fails the tests when
//! `CI` is set and skips them with a loud message otherwise.

mod ddl_support;

use ddl_support::*;
use ormgen_build::ddl::{self, Dialect, Op, RenderMode};
use ormgen_schema::Schema;

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
                            && is_guarded_block(&s)
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

/// `DO $ormgen$ BEGIN …`, or with a numbered tag (`$ormgen1$`) when the
/// statement holds `$ormgen$` (a mapped name may).
fn is_guarded_block(s: &str) -> bool {
    s.strip_prefix("DO $ormgen")
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .is_some_and(|r| r.starts_with("$ BEGIN"))
}

// ---------------------------------------------------------------------------
// Ordering

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
