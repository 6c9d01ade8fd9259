//! The `ormgen` binary: exit codes and output of `check`, `fmt`, `generate` and `migrate`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ormgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ormgen"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the ormgen binary runs")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ormgen-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("schema.prisma");
    std::fs::write(&path, content).expect("write temp file");
    path
}

const VALID: &str = "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n";
const INVALID: &str = "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\n  id    Int    @id\n  email Strng\n}\n";

#[test]
fn check_accepts_the_example_schemas() {
    let blog = repo().join("schemas/blog.prisma");
    let out = ormgen(&["check", blog.to_str().expect("utf-8 path")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(": ok ("));
}

#[test]
fn check_valid_file_exits_0() {
    let path = temp_file("valid", VALID);
    let out = ormgen(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_invalid_file_exits_1_with_a_located_diagnostic() {
    let path = temp_file("invalid", INVALID);
    let p = path.to_str().expect("utf-8 path");
    let out = ormgen(&["check", p]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown type `Strng`"), "{err}");
    assert!(err.contains(&format!("{p}:7:9")), "{err}");
    assert!(err.contains("did you mean `String`?"), "{err}");
    assert!(err.contains("1 error(s)"), "{err}");
}

#[test]
fn check_warnings_do_not_fail() {
    let path = temp_file(
        "warn",
        &VALID.replace(
            "model User",
            "generator x {\n  provider = \"ormgn\"\n}\n\nmodel User",
        ),
    );
    let out = ormgen(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("looks like a misspelling of `ormgen`"));
}

#[test]
fn other_tools_generators_are_ignored_silently() {
    let path = temp_file(
        "other_generators",
        &VALID.replace(
            "model User",
            "generator client {\n  provider = \"prisma-client-js\"\n}\n\ngenerator erd {\n  provider = \"prisma-erd-generator\"\n}\n\nmodel User",
        ),
    );
    let out = ormgen(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("generator"), "{err}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(ormgen(&["check"]).status.code(), Some(2));
    assert_eq!(
        ormgen(&["check", "/nonexistent/x.prisma"]).status.code(),
        Some(2)
    );
    assert_eq!(ormgen(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn fmt_check_lists_files_that_would_change_and_fmt_fixes_them() {
    let path = temp_file(
        "fmt",
        "datasource db {\nprovider=\"sqlite\"\n}\nmodel User {\nid Int @id\n}\n",
    );
    let p = path.to_str().expect("utf-8 path");
    let out = ormgen(&["fmt", "--check", p]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains(p));
    let before = std::fs::read_to_string(&path).expect("read");
    assert!(
        before.contains("provider=\"sqlite\""),
        "--check must not write"
    );

    let out = ormgen(&["fmt", p]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        after,
        "datasource db {\n  provider = \"sqlite\"\n}\n\nmodel User {\n  id Int @id\n}\n"
    );

    let out = ormgen(&["fmt", "--check", p]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fmt_refuses_files_with_syntax_errors() {
    let path = temp_file("fmt-bad", "model User {\n  !!!\n}\n");
    let before = std::fs::read_to_string(&path).expect("read");
    let out = ormgen(&["fmt", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
}

#[test]
fn generate_writes_then_check_detects_drift_and_bad_schemas_leave_no_output() {
    let schema = temp_file("generate", VALID);
    let out_dir = schema.parent().expect("temp dir").join("out");
    let _ = std::fs::remove_dir_all(&out_dir);
    let (s, o) = (
        schema.to_str().expect("utf-8"),
        out_dir.to_str().expect("utf-8"),
    );

    let first = ormgen(&["generate", s, "--out", o]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let generated = out_dir.join("schema.rs");
    let code = std::fs::read_to_string(&generated).expect("schema.rs written");
    assert!(code.contains("@generated"), "header missing");
    assert!(code.contains("pub struct User"), "model struct missing");

    let check = ormgen(&["generate", s, "--out", o, "--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    std::fs::write(&generated, format!("{code}// edited by hand\n")).expect("edit");
    let drift = ormgen(&["generate", s, "--out", o, "--check"]);
    assert_eq!(drift.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&drift.stderr).contains("out of date"));

    // A schema with errors reports diagnostics and leaves the output alone.
    let bad = temp_file("generate-bad", INVALID);
    let bad_out = bad.parent().expect("temp dir").join("out");
    let _ = std::fs::remove_dir_all(&bad_out);
    let failed = ormgen(&[
        "generate",
        bad.to_str().expect("utf-8"),
        "--out",
        bad_out.to_str().expect("utf-8"),
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("Strng"));
    assert!(
        !bad_out.join("schema.rs").exists(),
        "no half output on failure"
    );
}

const MIGRATE_V1: &str = "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n";

/// A migrations directory of three migrations written by `migrate diff`.
fn three_migrations(name: &str) -> (PathBuf, PathBuf) {
    let schema = temp_file(name, MIGRATE_V1);
    let dir = schema.parent().expect("temp dir").join("migrations");
    let _ = std::fs::remove_dir_all(&dir);
    let (s, d) = (
        schema.to_str().expect("utf-8"),
        dir.to_str().expect("utf-8"),
    );
    let steps = [
        MIGRATE_V1.to_owned(),
        MIGRATE_V1.replace(
            "  email String @unique\n",
            "  email String @unique\n  name  String?\n",
        ),
        MIGRATE_V1.replace(
            "  email String @unique\n",
            "  email String @unique\n  name  String?\n  age   Int    @default(0)\n",
        ),
    ];
    for (i, src) in steps.iter().enumerate() {
        std::fs::write(&schema, src).expect("write schema");
        let out = ormgen(&[
            "migrate",
            "diff",
            "--schema",
            s,
            "--name",
            &format!("step{i}"),
            "--dir",
            d,
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("wrote "));
    }
    let again = ormgen(&[
        "migrate", "diff", "--schema", s, "--name", "again", "--dir", d,
    ]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("no changes"));
    (schema, dir)
}

#[test]
fn migrate_up_status_check_and_down_on_sqlite() {
    let (schema, dir) = three_migrations("migrate-sqlite");
    let db = dir.parent().expect("dir").join("app.db");
    let _ = std::fs::remove_file(&db);
    let url = format!("sqlite://{}", db.display());
    let args = |cmd: &[&str]| {
        let mut v: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        v.extend([
            "--url".into(),
            url.clone(),
            "--dir".into(),
            dir.display().to_string(),
        ]);
        v
    };
    let run = |cmd: &[&str]| {
        let a = args(cmd);
        ormgen(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let up = run(&["migrate", "up"]);
    assert_eq!(
        up.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&up.stdout)
            .matches("applied ")
            .count(),
        3
    );
    let status = String::from_utf8_lossy(&run(&["migrate", "status"]).stdout).into_owned();
    assert!(status.contains("3 applied, 0 pending"), "{status}");
    let s = schema.to_str().expect("utf-8");
    let check = run(&["migrate", "check", "--schema", s]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let down = run(&["migrate", "down", "--steps", "2"]);
    assert_eq!(
        String::from_utf8_lossy(&down.stdout)
            .matches("reverted ")
            .count(),
        2
    );
    let drift = run(&["migrate", "check", "--schema", s]);
    assert_eq!(drift.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&drift.stdout).contains("drift: User: missing column"));
}

#[test]
fn two_processes_migrating_postgres_at_once_apply_each_migration_once() {
    let base = std::env::var("ORMGEN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = match ormgen::Engine::connect(&base).and_then(|e| e.session().map(|s| (e, s))) {
        Ok(a) => a,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL at {base} unreachable and CI set: {e}"
            );
            eprintln!("!!!!!!!! SKIPPING: PostgreSQL at {base} unreachable: {e}");
            return;
        }
    };
    let (_engine, mut s) = admin;
    let schema = format!("ormgen_cli_{}", std::process::id());
    s.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ))
    .expect("schema");
    s.commit().expect("commit");
    let (_, dir) = three_migrations("migrate-pg");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_ormgen"))
            .args([
                "migrate",
                "up",
                "--url",
                &url,
                "--dir",
                dir.to_str().expect("utf-8"),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(), spawn());
    let outs = [
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    ];
    for o in &outs {
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let applied: usize = outs
        .iter()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .matches("applied ")
                .count()
        })
        .sum();
    assert_eq!(applied, 3, "each migration applied by exactly one process");
    let rows: i64 = s
        .query_one(
            format!("SELECT count(*) FROM {schema}._ormgen_migrations").as_str(),
            (),
        )
        .expect("version rows");
    assert_eq!(rows, 3);
    s.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("drop");
    s.commit().expect("commit");
}

/// `migrate check` on PostgreSQL with an extension the migrations installed
/// in the database's schema: the scratch schema the expected state is built
/// in sees the extension's types, so there is no drift (and no error).
#[test]
fn migrate_check_on_postgres_sees_installed_extensions() {
    let base = std::env::var("ORMGEN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let (_engine, mut s) =
        match ormgen::Engine::connect(&base).and_then(|e| e.session().map(|s| (e, s))) {
            Ok(a) => a,
            Err(e) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "PostgreSQL at {base} unreachable and CI set: {e}"
                );
                eprintln!("!!!!!!!! SKIPPING: PostgreSQL at {base} unreachable: {e}");
                return;
            }
        };
    // Extensions belong to a database: `citext` goes into the `public` schema
    // of a database of its own, and the check runs with `search_path` set to
    // another schema of it, as an application with its own schema would.
    let db = format!("ormgen_cli_ext_{}", std::process::id());
    s.set_autocommit(true).expect("autocommit");
    s.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .expect("drop database");
    s.batch_execute(&format!("CREATE DATABASE {db}"))
        .expect("create database");
    let (b, query) = base.split_once('?').unwrap_or((base.as_str(), ""));
    let db_url = format!(
        "{}/{db}?{query}",
        &b[..b.rfind('/').expect("database in URL")]
    );
    let sep = if query.is_empty() { "" } else { "&" };
    {
        let (_e, mut s) = ormgen::Engine::connect(&db_url)
            .and_then(|e| e.session().map(|s| (e, s)))
            .expect("new database");
        s.batch_execute("CREATE SCHEMA app; CREATE EXTENSION citext SCHEMA public")
            .expect("schema and extension");
        s.commit().expect("commit");
    }
    let path = temp_file(
        "migrate-ext",
        "datasource db {\n  provider   = \"postgresql\"\n  extensions = [citext]\n}\n\nmodel User {\n  id    Int    @id\n  email String @db.Citext\n}\n",
    );
    let dir = path.parent().expect("temp dir").join("migrations");
    let _ = std::fs::remove_dir_all(&dir);
    let (p, d) = (path.to_str().expect("utf-8"), dir.to_str().expect("utf-8"));
    let diff = ormgen(&[
        "migrate", "diff", "--schema", p, "--name", "init", "--dir", d,
    ]);
    assert_eq!(
        diff.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    let url = format!("{db_url}{sep}options=-csearch_path%3Dapp,public");
    let up = ormgen(&["migrate", "up", "--url", &url, "--dir", d]);
    assert_eq!(
        up.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let check = ormgen(&["migrate", "check", "--schema", p, "--url", &url, "--dir", d]);
    let out = String::from_utf8_lossy(&check.stdout).into_owned();
    let err = String::from_utf8_lossy(&check.stderr).into_owned();
    s.batch_execute(&format!("DROP DATABASE {db} WITH (FORCE)"))
        .expect("drop");
    assert_eq!(check.status.code(), Some(0), "{out}\n{err}");
    assert!(out.contains("no drift"), "{out}");
}

#[test]
fn generate_follows_the_provider_unless_dialect_asks_for_both() {
    let schema = temp_file("generate-dialect", VALID);
    let dir = schema.parent().expect("temp dir");
    let s = schema.to_str().expect("utf-8");
    let run = |out: &str, extra: &[&str]| {
        let out_dir = dir.join(out);
        let _ = std::fs::remove_dir_all(&out_dir);
        let mut args = vec!["generate", s, "--out", out_dir.to_str().expect("utf-8")];
        args.extend_from_slice(extra);
        let o = ormgen(&args);
        let code = std::fs::read_to_string(out_dir.join("schema.rs")).unwrap_or_default();
        (o, code)
    };
    let (o, sqlite_only) = run("default", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(sqlite_only.contains("?1") && !sqlite_only.contains("$1"));
    let (o, both) = run("both", &["--dialect", "both"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(both.contains("?1") && both.contains("$1"));
    let (o, pg) = run("pg", &["--dialect", "postgresql"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(pg.contains("$1") && !pg.contains("?1"));

    // A PostgreSQL-only construct with `--dialect both`: a located diagnostic, exit 1.
    let lists = temp_file(
        "generate-dialect-lists",
        "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel Doc {\n  id   Int      @id\n  tags String[]\n}\n",
    );
    let out_dir = lists.parent().expect("temp dir").join("out");
    let o = ormgen(&[
        "generate",
        lists.to_str().expect("utf-8"),
        "--out",
        out_dir.to_str().expect("utf-8"),
        "--dialect",
        "both",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("PostgreSQL-only construct"), "{err}");
    assert!(err.contains("`String[]`"), "{err}");
    assert!(err.contains("schema.prisma:7:"), "{err}");
    assert!(err.contains("generate PostgreSQL only"), "{err}");
    assert!(!out_dir.exists());
}

#[test]
fn generate_hooks_names_the_models_with_write_hooks() {
    let schema = temp_file("generate-hooks", VALID);
    let dir = schema.parent().expect("temp dir");
    let s = schema.to_str().expect("utf-8");
    let out_dir = dir.join("hooks-out");
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = out_dir.to_str().expect("utf-8");
    let o = ormgen(&["generate", s, "--out", out, "--hooks", "User"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let code = std::fs::read_to_string(out_dir.join("schema.rs")).expect("generated");
    assert!(code.contains("<Self as ::ormgen::query::Hooks>::before_update"));
    assert!(code.contains("impl ::ormgen::query::InsertType for User"));

    // A model the schema does not have: an error naming the ones it has.
    let o = ormgen(&["generate", s, "--out", out, "--hooks", "User,Usr"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`Usr`") && err.contains("its models: User"),
        "{err}"
    );
}
