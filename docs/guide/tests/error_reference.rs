//! The error reference (`docs/guide/errors.md`) lists every kind of
//! `ormgen::Error`: the variants are read from the runtime's source, so a
//! new one fails this test until the guide says when it happens and what to
//! do.

#[test]
fn the_error_chapter_lists_every_error_kind() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("../../runtime/src/error.rs")).unwrap();
    let chapter = std::fs::read_to_string(root.join("errors.md")).unwrap();
    let body = source
        .split("pub enum Error {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .expect("the Error enum");
    let variants: Vec<&str> = body
        .lines()
        .filter_map(|line| {
            let name = line.strip_prefix("    ")?;
            let first = name.chars().next()?;
            if !first.is_ascii_uppercase() {
                return None;
            }
            Some(name.split([' ', '(', '{', ',']).next().unwrap_or(name))
        })
        .collect();
    assert!(variants.len() >= 20, "parsed {variants:?}");
    let missing: Vec<&&str> = variants
        .iter()
        .filter(|v| !chapter.contains(&format!("| `{v}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the error reference: {missing:?}"
    );
}
