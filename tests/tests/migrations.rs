//! Versioned migrations on SQLite and PostgreSQL: a sequence of schema
//! evolutions written with `ormgen_build::migrate::diff_to_folder` and
//! applied with `ormgen::migrate::Migrator`; after every step up and down,
//! the migrated database introspects the same as a fresh database created
//! from that step's schema. Data survives renames and SQLite rebuilds; a
//! failing migration changes nothing; edited migrations are refused; two
//! concurrent runs on PostgreSQL apply each migration once.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ormgen::migrate::{Migrator, drift};
use ormgen::{Dialect, Engine, Error};
use ormgen_build::ddl::{self, RenderMode};
use ormgen_build::migrate::{DiffOutcome, diff_to_folder};

const HEAD: &str = "datasource db {\n  provider = \"postgresql\"\n}\n";

/// The evolutions, each a whole schema, with what it changes.
fn evolutions() -> Vec<(&'static str, String)> {
    let user = |body: &str| format!("model User {{\n{body}\n}}\n");
    let base_user = "  id    Int    @id @default(autoincrement())\n  email String @unique\n  name  String?\n  posts Post[]";
    let post = |extra: &str, name: &str, rename: &str| {
        format!(
            "model {name} {{\n  id       Int    @id @default(autoincrement())\n  title    String\n  author   User   @relation(fields: [authorId], references: [id]{extra})\n  authorId Int\n{rename}}}\n"
        )
    };
    let mut v = Vec::new();
    let s0 = format!("{HEAD}{}{}", user(base_user), post("", "Post", ""));
    v.push(("init", s0));
    let u1 = format!("{base_user}\n  age   Int?");
    v.push((
        "add_nullable_column",
        format!("{HEAD}{}{}", user(&u1), post("", "Post", "")),
    ));
    let p2 = |name: &str, extra: &str, more: &str| {
        format!(
            "model {name} {{\n  id        Int     @id @default(autoincrement())\n  title     String\n  published Boolean @default(false)\n  author    User    @relation(fields: [authorId], references: [id]{extra})\n  authorId  Int\n{more}}}\n"
        )
    };
    v.push((
        "add_defaulted_column",
        format!("{HEAD}{}{}", user(&u1), p2("Post", "", "")),
    ));
    v.push((
        "add_index",
        format!(
            "{HEAD}{}{}",
            user(&u1),
            p2("Post", "", "  @@index([title])\n")
        ),
    ));
    let enum2 = "enum Role {\n  MEMBER\n  ADMIN\n}\n";
    let u4 = format!("{u1}\n  role  Role   @default(MEMBER)");
    v.push((
        "add_enum",
        format!(
            "{HEAD}{enum2}{}{}",
            user(&u4),
            p2("Post", "", "  @@index([title])\n")
        ),
    ));
    let enum3 = "enum Role {\n  MEMBER\n  EDITOR\n  ADMIN\n}\n";
    v.push((
        "add_enum_value",
        format!(
            "{HEAD}{enum3}{}{}",
            user(&u4),
            p2("Post", "", "  @@index([title])\n")
        ),
    ));
    let u6 = "  id          Int     @id @default(autoincrement())\n  email       String  @unique\n  displayName String? @renamedFrom(\"name\")\n  posts       Post[]\n  age         Int?\n  role        Role    @default(MEMBER)";
    v.push((
        "rename_column",
        format!(
            "{HEAD}{enum3}{}{}",
            user(u6),
            p2("Post", "", "  @@index([title])\n")
        ),
    ));
    let u7 = u6.replace("Post[]", "Article[]");
    v.push((
        "rename_table",
        format!(
            "{HEAD}{enum3}{}{}",
            user(&u7),
            p2(
                "Article",
                "",
                "  @@index([title])\n  @@renamedFrom(\"Post\")\n"
            )
        ),
    ));
    let u8 = u7.replace("age         Int?", "age         Int     @default(0)");
    v.push((
        "make_required",
        format!(
            "{HEAD}{enum3}{}{}",
            user(&u8),
            p2("Article", "", "  @@index([title])\n")
        ),
    ));
    let u9 = u8.replace(
        "age         Int     @default(0)",
        "age         BigInt  @default(0)",
    );
    v.push((
        "widen_type",
        format!(
            "{HEAD}{enum3}{}{}",
            user(&u9),
            p2("Article", "", "  @@index([title])\n")
        ),
    ));
    let u10 = u9.replace("@default(0)", "@default(0) @check(\"age >= 0\")");
    v.push((
        "add_check",
        format!(
            "{HEAD}{enum3}{}{}",
            user(&u10),
            p2("Article", "", "  @@index([title])\n")
        ),
    ));
    let art = |more: &str| {
        p2(
            "Article",
            ", onDelete: Cascade",
            &format!("  @@index([title])\n{more}"),
        )
    };
    v.push((
        "change_foreign_key_action",
        format!("{HEAD}{enum3}{}{}", user(&u10), art("")),
    ));
    let comment = "model Comment {\n  id        Int     @id @default(autoincrement())\n  body      String\n  article   Article @relation(fields: [articleId], references: [id], onDelete: Cascade)\n  articleId Int\n\n  @@unique([articleId, body])\n}\n";
    let art12 = |more: &str| {
        art(more).replace(
            "  authorId  Int\n",
            "  authorId  Int\n  comments  Comment[]\n",
        )
    };
    v.push((
        "add_table_with_unique",
        format!("{HEAD}{enum3}{}{}{comment}", user(&u10), art12("")),
    ));
    let tag = "model Tag {\n  id       Int       @id @default(autoincrement())\n  name     String    @unique\n  articles Article[]\n}\n";
    let art13 = |more: &str| {
        art12(more).replace(
            "  comments  Comment[]\n",
            "  comments  Comment[]\n  tags      Tag[]\n",
        )
    };
    v.push((
        "add_many_to_many",
        format!("{HEAD}{enum3}{}{}{comment}{tag}", user(&u10), art13("")),
    ));
    let u14 = format!("{u10}\n\n  @@index([email], map: \"adult_email_idx\", where: \"age > 17\")");
    v.push((
        "add_partial_index",
        format!("{HEAD}{enum3}{}{}{comment}{tag}", user(&u14), art13("")),
    ));
    let u15 = u14.replace("  displayName String? @renamedFrom(\"name\")\n", "");
    v.push((
        "drop_column_and_enum_value",
        format!("{HEAD}{enum2}{}{}{comment}{tag}", user(&u15), art13("")),
    ));
    let art16 = art13("").replace("  comments  Comment[]\n", "");
    v.push((
        "drop_table",
        format!("{HEAD}{enum2}{}{art16}{tag}", user(&u15)),
    ));
    let u17 = u15.replace(
        "  role        Role    @default(MEMBER)\n",
        "  role        Role    @default(ADMIN)\n",
    );
    v.push((
        "change_default",
        format!("{HEAD}{enum2}{}{art16}{tag}", user(&u17)),
    ));
    let setting = |key: &str| {
        format!(
            "model Setting {{\n  scope String @default(\"global\")\n  key   String\n  value String\n\n  @@id({key})\n}}\n"
        )
    };
    v.push((
        "add_table_with_key",
        format!(
            "{HEAD}{enum2}{}{art16}{tag}{}",
            user(&u17),
            setting("[key]")
        ),
    ));
    v.push((
        "change_primary_key",
        format!(
            "{HEAD}{enum2}{}{art16}{tag}{}",
            user(&u17),
            setting("[scope, key]")
        ),
    ));
    v
}

fn introspect(engine: &Engine) -> BTreeMap<String, Vec<String>> {
    ormgen::migrate::introspect(engine).expect("introspect")
}

/// A fresh database of `db`'s kind with `schema` created by `create_all`.
fn fresh(dialect: Dialect, schema_src: &str) -> common::Db {
    let db = match dialect {
        Dialect::Sqlite => common::sqlite_file(|b| b),
        Dialect::Postgres => common::postgres(|b| b).expect("postgres"),
    };
    let (schema, _) =
        ormgen_schema::parse_and_validate("s.prisma", schema_src).expect("valid schema");
    let d = match dialect {
        Dialect::Sqlite => ddl::Dialect::Sqlite,
        Dialect::Postgres => ddl::Dialect::Postgres,
    };
    let sql = ddl::create_all(&schema, d, RenderMode::Plain).expect("ddl");
    let mut s = db.engine.session().expect("session");
    s.batch_execute(&ddl::script(&sql)).expect("create_all");
    s.commit().expect("commit");
    db
}

fn empty(dialect: Dialect) -> common::Db {
    match dialect {
        Dialect::Sqlite => common::sqlite_file(|b| b),
        Dialect::Postgres => common::postgres(|b| b).expect("postgres"),
    }
}

/// Writes every evolution's migration into a fresh directory.
fn write_migrations() -> (tempdir::Dir, Vec<String>) {
    let dir = tempdir::Dir::new();
    let schema_path = dir.path().join("schema.prisma");
    let mut versions = Vec::new();
    for (name, src) in evolutions() {
        std::fs::write(&schema_path, &src).expect("write schema");
        match diff_to_folder(&schema_path, &src, name, &dir.path().join("migrations"))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
        {
            DiffOutcome::Written { folder, .. } => {
                let f = folder.file_name().unwrap().to_str().unwrap().to_owned();
                versions.push(f.split('_').next().unwrap().to_owned());
            }
            DiffOutcome::Unchanged => panic!("{name}: no change detected"),
        }
    }
    (dir, versions)
}

mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A directory removed on drop.
    pub struct Dir(PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            static N: AtomicU64 = AtomicU64::new(0);
            let p = std::env::temp_dir().join(format!(
                "ormgen-migrations-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&p).expect("temp dir");
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn migrations(dir: &Path, d: Dialect) -> Migrator {
    Migrator::from_dir(&dir.join("migrations"), d).expect("migrations")
}

#[test]
fn every_evolution_up_and_down_matches_a_fresh_database() {
    let (dir, versions) = write_migrations();
    let steps = evolutions();
    assert!(steps.len() >= 15);
    for d in [Dialect::Sqlite, Dialect::Postgres] {
        let db = empty(d);
        let m = migrations(dir.path(), d);
        assert_eq!(m.migrations().len(), steps.len());
        for (i, (name, src)) in steps.iter().enumerate() {
            let applied = m.up(&db.engine, Some(&versions[i])).expect(name);
            assert_eq!(applied, [versions[i].clone()], "{d:?} {name}");
            if *name == "init" {
                seed(&db.engine);
            }
            if *name == "add_nullable_column" {
                // Values for the column a later step makes required.
                let mut s = db.engine.session().expect("session");
                s.execute("UPDATE \"User\" SET \"age\" = 30", ())
                    .expect("ages");
                s.commit().expect("commit");
            }
            assert_eq!(
                introspect(&db.engine),
                introspect(&fresh(d, src).engine),
                "{d:?}: after up {name}"
            );
            check_data(&db.engine, name);
        }
        assert!(m.up(&db.engine, None).expect("up to date").is_empty());
        let before = introspect(&db.engine);
        assert_eq!(
            m.redo(&db.engine).expect("redo"),
            versions.last().cloned(),
            "{d:?}"
        );
        assert_eq!(introspect(&db.engine), before, "{d:?}: redo");
        // Drift: none against the last schema; an extra column is reported.
        let last = &steps[steps.len() - 1].1;
        let expected = introspect(&fresh(d, last).engine);
        assert!(drift(&expected, &introspect(&db.engine)).is_empty());
        let changed = fresh(d, last);
        let mut s = changed.engine.session().expect("session");
        s.batch_execute("ALTER TABLE \"User\" ADD COLUMN \"extra\" INTEGER")
            .expect("alter");
        s.commit().expect("commit");
        let lines = drift(&expected, &introspect(&changed.engine));
        assert_eq!(lines.len(), 1, "{d:?}: {lines:?}");
        assert!(lines[0].contains("not in the schema") && lines[0].contains("extra"));
        let status = m.status(&db.engine).expect("status");
        assert!(status.iter().all(|s| s.applied_at.is_some()));
        for i in (0..steps.len()).rev() {
            let reverted = m.down(&db.engine, 1).expect("down");
            assert_eq!(reverted, [versions[i].clone()], "{d:?}");
            let expected = match i {
                0 => introspect(&empty(d).engine),
                _ => introspect(&fresh(d, &steps[i - 1].1).engine),
            };
            assert_eq!(
                introspect(&db.engine),
                expected,
                "{d:?}: after down {}",
                steps[i].0
            );
        }
        assert!(introspect(&db.engine).is_empty(), "{d:?}: empty again");
        assert!(m.history(&db.engine).expect("history").is_empty());
    }
}

fn seed(engine: &Engine) {
    let mut s = engine.session().expect("session");
    s.execute(
        "INSERT INTO \"User\" (\"email\", \"name\") VALUES ('ada@x.org', 'Ada'), ('bob@x.org', NULL)",
        (),
    )
    .expect("users");
    s.execute(
        "INSERT INTO \"Post\" (\"title\", \"authorId\") SELECT 'Hello', \"id\" FROM \"User\"",
        (),
    )
    .expect("posts");
    s.commit().expect("commit");
}

/// The seeded rows are still there, under their current names.
fn check_data(engine: &Engine, step: &str) {
    let mut s = engine.session().expect("session");
    let table = if s
        .query_as::<i64>(
            match engine.dialect() {
                Dialect::Sqlite => "SELECT count(*) FROM sqlite_master WHERE name = 'Article'",
                Dialect::Postgres => {
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'Article'"
                }
            },
            (),
        )
        .expect("table")[0]
        == 1
    {
        "Article"
    } else {
        "Post"
    };
    let posts: i64 = s
        .query_one(
            format!("SELECT count(*) FROM \"{table}\" WHERE \"title\" = 'Hello'").as_str(),
            (),
        )
        .expect("posts");
    assert_eq!(posts, 2, "{step}: posts survive");
    let names: Vec<String> = s
        .query_as("SELECT \"email\" FROM \"User\" ORDER BY \"email\"", ())
        .expect("users");
    assert_eq!(names, ["ada@x.org", "bob@x.org"], "{step}: users survive");
    let renamed = [
        "rename_column",
        "rename_table",
        "make_required",
        "widen_type",
        "add_check",
        "change_foreign_key_action",
        "add_table_with_unique",
        "add_many_to_many",
        "add_partial_index",
    ];
    if renamed.contains(&step) {
        let ada: Option<String> = s
            .query_one(
                "SELECT \"displayName\" FROM \"User\" WHERE \"email\" = 'ada@x.org'",
                (),
            )
            .expect("renamed column");
        assert_eq!(
            ada.as_deref(),
            Some("Ada"),
            "{step}: renamed column keeps values"
        );
    }
    s.commit().expect("commit");
}

#[test]
fn an_unchanged_schema_writes_no_migration_and_warnings_flag_destructive_steps() {
    let dir = tempdir::Dir::new();
    let path = dir.path().join("schema.prisma");
    let steps = evolutions();
    let mig = dir.path().join("migrations");
    let first = &steps[0].1;
    assert!(matches!(
        diff_to_folder(&path, first, "init", &mig).expect("init"),
        DiffOutcome::Written { .. }
    ));
    assert_eq!(
        diff_to_folder(&path, first, "again", &mig).expect("again"),
        DiffOutcome::Unchanged
    );
    let (_, dropped) = steps
        .iter()
        .find(|(n, _)| *n == "drop_column_and_enum_value")
        .expect("step");
    let without_name = first.replace("  name  String?\n", "");
    let DiffOutcome::Written { folder, warnings } =
        diff_to_folder(&path, &without_name, "drop", &mig).expect("drop")
    else {
        panic!("no migration")
    };
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("drops column `User`.`name`")),
        "{warnings:?}"
    );
    let up = std::fs::read_to_string(folder.join("up.sqlite.sql")).expect("up");
    assert!(
        up.contains("-- WARNING: drops column `User`.`name`"),
        "{up}"
    );
    assert!(!dropped.is_empty());
}

/// A migrations directory with one good migration and one that fails half-way.
fn failing_dir(d: Dialect) -> tempdir::Dir {
    let dir = tempdir::Dir::new();
    let suffix = match d {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
    };
    let write = |folder: &str, up: &str, down: &str| {
        let f = dir.path().join("migrations").join(folder);
        std::fs::create_dir_all(&f).expect("dir");
        std::fs::write(f.join(format!("up.{suffix}.sql")), up).expect("up");
        std::fs::write(f.join(format!("down.{suffix}.sql")), down).expect("down");
    };
    write(
        "20260101000000_one",
        "CREATE TABLE \"a\" (\"id\" INTEGER PRIMARY KEY);\n",
        "DROP TABLE \"a\";\n",
    );
    write(
        "20260101000001_two",
        "CREATE TABLE \"b\" (\"id\" INTEGER PRIMARY KEY);\nINSERT INTO \"a\" (\"id\") VALUES (1);\nINSERT INTO \"missing\" VALUES (1);\n",
        "DROP TABLE \"b\";\n",
    );
    dir
}

#[test]
fn a_failing_migration_changes_nothing_and_an_edited_one_is_refused() {
    for d in [Dialect::Sqlite, Dialect::Postgres] {
        let db = empty(d);
        let dir = failing_dir(d);
        let m = migrations(dir.path(), d);
        let err = m.up(&db.engine, None).expect_err("second fails");
        assert!(
            matches!(&err, Error::Migration(msg) if msg.contains("20260101000001_two")),
            "{err}"
        );
        let history = m.history(&db.engine).expect("history");
        assert_eq!(
            history
                .iter()
                .map(|a| a.version.as_str())
                .collect::<Vec<_>>(),
            ["20260101000000_one".split('_').next().unwrap()],
            "{d:?}: the first applied, the second not recorded"
        );
        let tables = introspect(&db.engine);
        assert!(
            tables.contains_key("a") && !tables.contains_key("b"),
            "{d:?}: {tables:?}"
        );
        let mut s = db.engine.session().expect("session");
        let rows: i64 = s
            .query_one("SELECT count(*) FROM \"a\"", ())
            .expect("count");
        assert_eq!(rows, 0, "{d:?}: the failed migration's insert is gone");
        s.commit().expect("commit");

        // Editing an applied migration is detected by every command.
        let up = dir
            .path()
            .join("migrations/20260101000000_one")
            .join(format!(
                "up.{}.sql",
                if d == Dialect::Sqlite {
                    "sqlite"
                } else {
                    "postgres"
                }
            ));
        std::fs::write(&up, "CREATE TABLE \"a\" (\"id\" BIGINT PRIMARY KEY);\n").expect("edit");
        let edited = migrations(dir.path(), d);
        for err in [
            edited.status(&db.engine).expect_err("status"),
            edited.up(&db.engine, None).expect_err("up"),
            edited.down(&db.engine, 1).expect_err("down"),
        ] {
            assert!(
                matches!(&err, Error::Migration(msg) if msg.contains("was edited")),
                "{err}"
            );
        }
    }
}

#[test]
fn concurrent_runs_on_postgres_apply_each_migration_once() {
    let Some(db) = common::postgres(|b| b) else {
        return;
    };
    let (dir, versions) = write_migrations();
    let schema = db.schema.clone().expect("schema");
    let engines: Vec<Engine> = (0..2)
        .map(|_| {
            Engine::builder(common::pg_url())
                .search_path(schema.clone())
                .application_name(schema.clone())
                .build()
                .expect("engine")
        })
        .collect();
    let dir_path: PathBuf = dir.path().to_path_buf();
    let applied: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = engines
            .iter()
            .map(|e| {
                let p = dir_path.clone();
                scope.spawn(move || migrations(&p, Dialect::Postgres).up(e, None).expect("up"))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let mut all: Vec<String> = applied.concat();
    all.sort();
    assert_eq!(
        all, versions,
        "each migration applied exactly once: {applied:?}"
    );
    let history = migrations(dir.path(), Dialect::Postgres)
        .history(&db.engine)
        .expect("history");
    assert_eq!(history.len(), versions.len());
    for e in engines {
        e.dispose();
    }
}

#[test]
fn the_blog_example_migrations_are_up_to_date_with_its_schema() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("build-examples/blog/migrations");
    let last = ormgen_build::migrate::folders(&dir)
        .expect("folders")
        .pop()
        .expect("the example has migrations");
    let parse = |p: &Path| {
        let src = std::fs::read_to_string(p).expect("read");
        ormgen_schema::parse_and_validate("s.prisma", &src)
            .expect("valid")
            .0
    };
    let snapshot = parse(&last.join(ormgen_build::migrate::SNAPSHOT));
    let schema = parse(&root.join("schemas/blog.prisma"));
    let plan = ormgen_build::migrate::plan(Some(&snapshot), &schema);
    assert!(
        plan.is_empty(),
        "schemas/blog.prisma changed since the example's last migration: run \
         `cargo run -q --bin ormgen -- migrate diff --schema schemas/blog.prisma --name <name> --dir build-examples/blog/migrations`"
    );
}

/// PostgreSQL extensions: `migrate diff` creates a listed extension before
/// the columns that use its types (`CREATE EXTENSION IF NOT EXISTS`) and
/// drops it after them when it leaves the list, with the reverse in the down
/// scripts; applied on PostgreSQL, each step matches a fresh `create_all`.
#[test]
fn extensions_are_added_and_removed_by_migrations() {
    let plain =
        "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel User {\n  id Int @id\n}\n";
    let citext = "datasource db {\n  provider   = \"postgresql\"\n  extensions = [citext]\n}\n\nmodel User {\n  id    Int    @id\n  email String @db.Citext\n}\n";
    let dir = tempdir::Dir::new();
    let path = dir.path().join("schema.prisma");
    let mig = dir.path().join("migrations");
    let mut folders = Vec::new();
    for (name, src) in [("init", plain), ("citext", citext), ("no_citext", plain)] {
        std::fs::write(&path, src).expect("write schema");
        match diff_to_folder(&path, src, name, &mig).unwrap_or_else(|e| panic!("{name}: {e}")) {
            DiffOutcome::Written { folder, .. } => folders.push(folder),
            DiffOutcome::Unchanged => panic!("{name}: no change detected"),
        }
    }
    let read = |i: usize, f: &str| std::fs::read_to_string(folders[i].join(f)).expect(f);
    let (up, down) = (read(1, "up.postgres.sql"), read(1, "down.postgres.sql"));
    let create = up
        .find("CREATE EXTENSION IF NOT EXISTS \"citext\"")
        .expect(&up);
    assert!(create < up.find("ALTER TABLE").expect(&up), "{up}");
    let drop = down.find("DROP EXTENSION \"citext\"").expect(&down);
    assert!(drop > down.find("DROP COLUMN").expect(&down), "{down}");
    assert!(read(2, "up.postgres.sql").contains("DROP EXTENSION \"citext\""));
    assert!(read(2, "down.postgres.sql").contains("CREATE EXTENSION IF NOT EXISTS \"citext\""));
    assert!(!read(1, "up.sqlite.sql").contains("EXTENSION"));

    // Extensions belong to a database, not a schema: a database of its own
    // keeps this test apart from any `citext` installed elsewhere.
    let Some(db) = ScratchDatabase::create("ormgen_ext_migrations") else {
        return;
    };
    let extensions = |e: &Engine| -> Vec<String> {
        let mut s = e.session().expect("session");
        let v = s
            .query_as::<(String,)>(
                "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1",
                (),
            )
            .expect("extensions")
            .into_iter()
            .map(|(n,)| n)
            .collect();
        s.commit().expect("commit");
        v
    };
    let m = migrations(dir.path(), Dialect::Postgres);
    let versions: Vec<String> = m.migrations().iter().map(|x| x.version.clone()).collect();
    m.up(&db.engine, Some(&versions[1])).expect("up to citext");
    assert_eq!(extensions(&db.engine), ["citext"]);
    {
        let mut s = db.engine.session().expect("session");
        s.execute(
            "INSERT INTO \"User\" (id, email) VALUES (1, 'Ann@Example.org')",
            (),
        )
        .expect("insert");
        let n: i64 = s
            .query_one(
                "SELECT count(*) FROM \"User\" WHERE email = 'ann@example.ORG'",
                (),
            )
            .expect("citext compares case-insensitively");
        assert_eq!(n, 1);
        s.rollback().expect("rollback");
    }
    m.up(&db.engine, None).expect("up to no_citext");
    assert!(extensions(&db.engine).is_empty());
    m.down(&db.engine, 1).expect("down to citext");
    assert_eq!(extensions(&db.engine), ["citext"]);
    m.down(&db.engine, 1).expect("down to init");
    assert!(extensions(&db.engine).is_empty());
}

/// A PostgreSQL database created for one test and dropped afterwards.
struct ScratchDatabase {
    engine: Engine,
    name: String,
}

impl ScratchDatabase {
    fn create(prefix: &str) -> Option<ScratchDatabase> {
        let url = common::pg_url();
        let mut admin = match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "PostgreSQL at {url} unreachable and CI set: {e}"
                );
                eprintln!("!!!!!!!! SKIPPING PostgreSQL half of this test: {url} unreachable: {e}");
                return None;
            }
        };
        let name = format!("{prefix}_{}", std::process::id());
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .expect("drop database");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let (base, query) = url
            .split_once('?')
            .map_or((url.as_str(), ""), |(b, q)| (b, q));
        let at = base.rfind('/').expect("a database in the URL");
        let sep = if query.is_empty() { "" } else { "?" };
        let engine =
            Engine::connect(&format!("{}/{name}{sep}{query}", &base[..at])).expect("engine");
        Some(ScratchDatabase { engine, name })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        self.engine.dispose();
        if let Ok(mut admin) = postgres::Client::connect(&common::pg_url(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
