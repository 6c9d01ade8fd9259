//! Fixture-driven tests: every valid schema (`tests/fixtures/valid/*.prisma`
//! and the example `schemas/*.prisma`) must validate and gets an IR snapshot;
//! every invalid fixture (`tests/fixtures/invalid/<rule family>/*.prisma`) must be rejected
//! with a diagnostic on each line its `// expect: … at line N` comments name,
//! and gets a snapshot of its rendered, colourless diagnostics.

use std::path::{Path, PathBuf};

use ormgen_schema::{Diagnostic, check, parse_and_validate, render};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn prisma_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "prisma"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Valid inputs: the valid fixtures and the example schemas.
pub fn valid_files() -> Vec<PathBuf> {
    let root = manifest_dir();
    let mut v = prisma_files(&root.join("tests/fixtures/valid"));
    v.extend(prisma_files(&root.join("../schemas")));
    v
}

/// The invalid fixtures: in `invalid/` and its rule-family subfolders
/// (`invalid/relations/…`).
fn invalid_files() -> Vec<PathBuf> {
    let dir = manifest_dir().join("tests/fixtures/invalid");
    let mut files = prisma_files(&dir);
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    subdirs.sort();
    for sub in subdirs {
        files.extend(prisma_files(&sub));
    }
    files
}

/// `valid/blog.prisma`, `schemas/blog.prisma`, `invalid/two_datasources.prisma`
/// (also for `invalid/blocks/two_datasources.prisma`: the rule-family
/// subfolder is not part of the name, so reports and snapshot names stay
/// put when a fixture moves between families).
fn display_name(path: &Path) -> String {
    let in_invalid = path
        .ancestors()
        .skip(1)
        .take(2)
        .any(|p| p.file_name().is_some_and(|n| n == "invalid"));
    let parent = if in_invalid {
        "invalid".to_owned()
    } else {
        path.parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let file = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{parent}/{file}")
}

fn snapshot_name(prefix: &str, path: &Path) -> String {
    let name = display_name(path);
    format!(
        "{prefix}__{}",
        name.trim_end_matches(".prisma").replace(['/', '.'], "__")
    )
}

#[test]
fn there_are_fixtures() {
    assert!(valid_files().len() >= 3, "no valid fixtures found");
    assert!(!invalid_files().is_empty(), "no invalid fixtures found");
}

#[test]
fn valid_schemas_validate_and_match_ir_snapshots() {
    let mut failures = Vec::new();
    for path in valid_files() {
        let src = std::fs::read_to_string(&path).expect("readable fixture");
        let name = display_name(&path);
        match parse_and_validate(&name, &src) {
            Ok((schema, warnings)) => {
                let mut dump = String::new();
                if !warnings.is_empty() {
                    dump.push_str("// warnings\n");
                    dump.push_str(&render(&name, &src, &warnings, false));
                }
                dump.push_str(&format!("{:#?}\n", schema.without_spans()));
                insta::with_settings!({
                    input_file => &path,
                    prepend_module_to_snapshot => false,
                    omit_expression => true,
                }, {
                    insta::assert_snapshot!(snapshot_name("ir", &path), dump);
                });
            }
            Err(diags) => failures.push(format!("{name} was rejected:\n{}", diags.render(false))),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `(message, line)` pairs of a fixture's `// expect: … at line N` comments.
fn expectations(src: &str) -> Vec<(String, usize)> {
    src.lines()
        .filter_map(|l| l.trim().strip_prefix("// expect:"))
        .filter_map(|rest| {
            let (msg, line) = rest.rsplit_once(" at line ")?;
            Some((msg.trim().to_owned(), line.trim().parse().ok()?))
        })
        .collect()
}

#[test]
fn invalid_fixtures_report_each_expected_line() {
    let mut failures = Vec::new();
    let mut count = 0;
    for path in invalid_files() {
        let src = std::fs::read_to_string(&path).expect("readable fixture");
        let name = display_name(&path);
        let expected = expectations(&src);
        if expected.is_empty() {
            failures.push(format!("{name}: no `// expect: … at line N` comment"));
        }
        let (_, diags) = check(&src);
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        if errors.is_empty() {
            failures.push(format!("{name}: accepted, but it is an invalid fixture"));
        }
        for (msg, line) in expected {
            count += 1;
            if !diags.iter().any(|d| d.line(&src) == line) {
                failures.push(format!(
                    "{name}: expected `{msg}` at line {line}, got:\n{}",
                    render(&name, &src, &diags, false)
                ));
            }
        }
        insta::with_settings!({
            input_file => &path,
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(snapshot_name("diagnostics", &path), render(&name, &src, &diags, false));
        });
    }
    assert!(
        failures.is_empty(),
        "{} of {count} expectations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn parse_and_validate_returns_every_error() {
    let src = "datasource db {\n  provider = \"sqlite\"\n}\nmodel A {\n  id Int @id\n  x Strng\n  y Foo\n}\n";
    let err = parse_and_validate("a.prisma", src).expect_err("two unknown types");
    assert_eq!(err.error_count(), 2);
    let text = err.render(false);
    assert!(text.contains("a.prisma:6:"), "{text}");
    assert!(text.contains("did you mean `String`?"), "{text}");
}
