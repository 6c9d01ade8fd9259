//! The `ormgen` binary: exit codes and output of `check`, `fmt` and `generate`.

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
            "generator x {\n  provider = \"other\"\n}\n\nmodel User",
        ),
    );
    let out = ormgen(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown generator provider"));
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
