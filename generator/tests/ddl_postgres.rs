//! DDL on PostgreSQL: `create_all` works, is idempotent, creates the IR's
//! constraint names, constraints are enforced, `drop_all` leaves nothing
//! behind, and extensions are created as Prisma Migrate creates them.
//!
//! `ORMGEN_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each test works in its own schema `ormgen_ddl_<random>`. An unreachable
//! server fails the tests when `CI` is set and skips them with a loud message
//! otherwise.

mod ddl_support;

use ddl_support::*;
use ormgen_build::ddl::{Dialect, RenderMode};

// ---------------------------------------------------------------------------
// Execution: PostgreSQL

/// Schemas that cannot run in a plain schema of the test database:
/// `all_types` and `native_types` list the `citext` extension (extensions
/// belong to a database: `create_all_creates_listed_extensions` and
/// `tests/tests/native_types.rs` cover them); `x_unsupported_ignore_renamed`
/// needs PostGIS (`geography`).
/// `all_types_sqlite` has SQLite-only SQL (`randomblob()`).
/// `postgres_extensions` creates extensions, which `drop_all` leaves in place
/// (they belong to the database): `create_all_creates_listed_extensions`
/// runs it instead.
const PG_SKIP: &[&str] = &[
    "schemas__all_types",
    "schemas__all_types_sqlite",
    "valid__postgres_extensions",
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

/// An enum whose mapped name holds `"` as the key of an implicit
/// many-to-many relation: the join table's column has the enum's type, which
/// must be quoted with the `"` doubled like the key column's (issue 21,
/// item 7; the join table took the type unescaped from the IR).
#[test]
fn postgres_enum_key_with_a_quote_in_its_name() {
    let Some(mut pg) = Pg::connect("enum_key") else {
        return;
    };
    let schema = parse(
        "enum_key.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n\
         enum Kind {\n  A\n  @@map(\"k\\\"; DROP TYPE t; --\")\n}\n\
         model T {\n  id Kind @id\n  us U[]\n}\nmodel U {\n  id Int @id\n  ts T[]\n}\n",
    );
    let ddl = create(&schema, Dialect::Postgres, RenderMode::Plain).join(";\n");
    assert!(
        ddl.contains("\"A\" \"k\"\"; DROP TYPE t; --\" NOT NULL"),
        "{ddl}"
    );
    pg.roundtrip(&schema);
}
