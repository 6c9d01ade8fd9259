//! The compile-fail suite against the generated blog module: each file in
//! `tests/compile_fail/` is named for what must not compile; its `.stderr`
//! is the reviewed diagnostic, whose first line names the problem in plain
//! words. After an intended change: `TRYBUILD=overwrite cargo test -p
//! ormgen-tests --test compile_fail`, then review the diff.

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
