//! The compile-fail suite against the generated blog module: each file in
//! `tests/compile_fail/` is named for what must not compile; its `.stderr`
//! is the reviewed diagnostic, whose first line names the problem in plain
//! words. After an intended change: `TRYBUILD=overwrite cargo test -p
//! ormgen-tests --test compile_fail`, then review the diff.
//!
//! The expectations are pinned to the compiler they were reviewed with
//! (`tests/compile_fail/rustc-version.txt`, as Diesel pins its compile tests
//! to one toolchain): under another rustc the suite stops with that reason
//! first, instead of a wall of changed diagnostics.

use std::process::Command;

/// `1.95.0` from `rustc 1.95.0 (59807616e 2026-04-14)`.
fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let out = Command::new(&rustc)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{rustc} --version`: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("unexpected `{rustc} --version` output: {text}"))
        .to_owned()
}

#[test]
fn compile_fail() {
    let pinned_file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/compile_fail/rustc-version.txt"
    );
    let pinned =
        std::fs::read_to_string(pinned_file).expect("tests/compile_fail/rustc-version.txt");
    let pinned = pinned.trim();
    let running = rustc_version();
    assert_eq!(
        running, pinned,
        "the compile-fail expectations were reviewed with rustc {pinned}, this is rustc {running}: \
         run `TRYBUILD=overwrite cargo test -p ormgen-tests --test compile_fail`, review every \
         .stderr diff, then write {running} into tests/compile_fail/rustc-version.txt"
    );
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
