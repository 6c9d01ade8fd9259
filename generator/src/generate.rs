//! `ormgen generate SCHEMA --out DIR [--check] [--dialect D]`: generated code
//! for users who commit it. The code is generated for the datasource
//! provider's dialect unless `--dialect` asks otherwise (`both`: PostgreSQL
//! and SQLite, for a schema that uses only what both have).
//!
//! Files are first written to a temporary directory next to `DIR` and then
//! renamed into place, so a failure (a schema error, a full disk) leaves the
//! previous output untouched. `--check` writes nothing and fails when the
//! output would change.

use std::path::{Path, PathBuf};

use ormgen_schema::Dialect;

use crate::build_api::{file_stem, load_schema, resolve_dialects};
use crate::codegen::{self, Options};
use crate::error::{Error, Result};

/// What happened to one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// Written (new or changed).
    Written,
    /// Already up to date.
    Unchanged,
}

/// The outcome of [`run_generate`]: every output file with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateReport {
    /// Output files (absolute or relative to the current directory).
    pub files: Vec<(PathBuf, FileStatus)>,
}

/// Generates the code for `schema` into `out` (`<out>/<schema stem>.rs`),
/// for `dialects` (empty: the datasource provider's).
///
/// With `check`, nothing is written and [`Error::OutOfDate`] lists the files
/// whose content would change (or that are missing).
pub fn run_generate(
    schema: &Path,
    out: &Path,
    check: bool,
    dialects: &[Dialect],
    hooks: &[String],
) -> Result<GenerateReport> {
    let parsed = load_schema(schema, false)?;
    let mut options = Options::new(file_stem(schema)?);
    options.dialects = resolve_dialects(schema, &parsed, dialects)?;
    options.hooks = hooks.to_vec();
    options.source_name = schema.file_name().map_or_else(
        || schema.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let files = codegen::generate(&parsed, &options)?;

    let unchanged = |rel: &Path, code: &str| {
        std::fs::read(out.join(rel)).is_ok_and(|old| old == code.as_bytes())
    };
    if check {
        let stale: Vec<PathBuf> = files
            .iter()
            .filter(|(rel, code)| !unchanged(rel, code))
            .map(|(rel, _)| out.join(rel))
            .collect();
        if !stale.is_empty() {
            return Err(Error::OutOfDate(stale));
        }
        return Ok(GenerateReport {
            files: files
                .keys()
                .map(|rel| (out.join(rel), FileStatus::Unchanged))
                .collect(),
        });
    }

    // Stage everything in a sibling temporary directory (same file system,
    // so the renames below are atomic).
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let staging = parent.join(format!(
        ".{}.ormgen-tmp-{}",
        out.file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let result = stage_and_move(&files, out, &staging, &unchanged);
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn stage_and_move(
    files: &std::collections::BTreeMap<PathBuf, String>,
    out: &Path,
    staging: &Path,
    unchanged: &dyn Fn(&Path, &str) -> bool,
) -> Result<GenerateReport> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let _ = std::fs::remove_dir_all(staging);
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    for (rel, code) in files {
        let target = staging.join(rel);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&target, code).map_err(io(&target))?;
    }
    let mut report = GenerateReport { files: Vec::new() };
    if !out.exists() {
        // A new output directory appears at once, complete.
        std::fs::rename(staging, out).map_err(io(out))?;
        report.files = files
            .keys()
            .map(|rel| (out.join(rel), FileStatus::Written))
            .collect();
        return Ok(report);
    }
    for (rel, code) in files {
        let target = out.join(rel);
        if unchanged(rel, code) {
            report.files.push((target, FileStatus::Unchanged));
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::rename(staging.join(rel), &target).map_err(io(&target))?;
        report.files.push((target, FileStatus::Written));
    }
    Ok(report)
}

/// The `ormgen generate` command: runs [`run_generate`], prints what it did to
/// `out` and any problem to `err`, and returns the process exit code
/// ([`crate::exit`]): 0 on success, 1 when the schema has errors or `--check`
/// finds the output out of date, 2 for I/O and other errors.
pub fn generate_command(
    schema: &Path,
    out_dir: &Path,
    check: bool,
    dialects: &[Dialect],
    hooks: &[String],
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> u8 {
    match run_generate(schema, out_dir, check, dialects, hooks) {
        Ok(report) => {
            for (path, status) in &report.files {
                let what = match status {
                    FileStatus::Written => "written",
                    FileStatus::Unchanged if check => "up to date",
                    FileStatus::Unchanged => "unchanged",
                };
                let _ = writeln!(out, "{}: {what}", path.display());
            }
            crate::exit::OK
        }
        Err(e @ (Error::Schema { .. } | Error::OutOfDate(_))) => {
            let _ = writeln!(err, "{e}");
            crate::exit::DIAGNOSTICS
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            crate::exit::USAGE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ormgen-generate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    const SCHEMA: &str =
        "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n";

    #[test]
    fn writes_then_checks_then_detects_changes() {
        let dir = temp("roundtrip");
        let schema = dir.join("app.prisma");
        std::fs::write(&schema, SCHEMA).expect("write schema");
        let out = dir.join("gen");
        let report = run_generate(&schema, &out, false, &[], &[]).expect("generate");
        assert_eq!(
            report.files,
            vec![(out.join("app.rs"), FileStatus::Written)]
        );
        run_generate(&schema, &out, true, &[], &[]).expect("up to date");
        let again = run_generate(&schema, &out, false, &[], &[]).expect("generate again");
        assert_eq!(again.files[0].1, FileStatus::Unchanged);

        std::fs::write(&schema, SCHEMA.replace("email", "mail")).expect("edit schema");
        match run_generate(&schema, &out, true, &[], &[]) {
            Err(Error::OutOfDate(files)) => assert_eq!(files, vec![out.join("app.rs")]),
            other => panic!("expected OutOfDate, got {other:?}"),
        }
    }

    #[test]
    fn a_schema_error_leaves_the_output_untouched() {
        let dir = temp("error");
        let schema = dir.join("app.prisma");
        std::fs::write(&schema, SCHEMA).expect("write schema");
        let out = dir.join("gen");
        run_generate(&schema, &out, false, &[], &[]).expect("generate");
        let before = std::fs::read_to_string(out.join("app.rs")).expect("read");
        std::fs::write(&schema, "model User {\n  id Strng @id\n}\n").expect("break schema");
        let err = run_generate(&schema, &out, false, &[], &[]).expect_err("schema error");
        assert!(err.to_string().contains("did you mean `String`?"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("app.rs")).expect("read"),
            before
        );
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("ormgen-tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
