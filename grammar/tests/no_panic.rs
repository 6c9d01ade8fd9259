//! Property test: mutated valid schemas and random strings never make
//! parsing, validation, rendering or formatting panic; formatting stays
//! idempotent on whatever it accepts.
//!
//! CI runs a short pass. The long run (>= 100,000 inputs per property):
//! `ORMGEN_FUZZ_CASES=100000 cargo test -p ormgen-schema --release --test no_panic`

use std::path::PathBuf;
use std::sync::OnceLock;

use ormgen_schema::{check, format::format_schema, render};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("ORMGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn corpus() -> &'static Vec<String> {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut dirs = vec![
            root.join("tests/fixtures/valid"),
            root.join("tests/fixtures/invalid"),
            root.join("../schemas"),
        ];
        while let Some(dir) = dirs.pop() {
            if let Ok(rd) = std::fs::read_dir(dir) {
                for e in rd.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        // the invalid fixtures' rule-family subfolders
                        dirs.push(p);
                    } else if let Ok(s) = std::fs::read_to_string(p) {
                        out.push(s);
                    }
                }
            }
        }
        out.sort();
        if out.is_empty() {
            out.push("model A {\n  id Int @id\n}\n".to_owned());
        }
        out
    })
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "\\",
    "@",
    "@@",
    "?",
    "[]",
    ",",
    ":",
    "=",
    ".",
    "\n",
    "\r\n",
    " ",
    "\t",
    "//",
    "///",
    "model ",
    "enum ",
    "datasource ",
    "generator ",
    "type ",
    "view ",
    "@id",
    "@unique",
    "@default(",
    "@relation(",
    "fields: [",
    "references: [",
    "@@id([",
    "@@index(",
    "@db.VarChar(",
    "autoincrement()",
    "now()",
    "uuid()",
    "Int",
    "String",
    "DateTime",
    "Unsupported(",
    "@map(\"",
    "onDelete: ",
    "SetNull",
    "-1",
    "1e9",
    "99999999999999999999",
    "é",
    "\u{0}",
    "\u{feff}",
    "\\u12",
    "\\ud83d",
    "@check(\"",
    "where: \"",
    "@@map(\"x\")",
    "Role",
    "User",
    "Post[]",
    "User?",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteBytes(usize, usize),
    Insert(usize, usize),
    DuplicateLine(usize),
    DeleteLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(p, n)| Mutation::DeleteBytes(p, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DeleteLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn boundary(s: &str, p: usize) -> usize {
    let mut p = p % (s.len() + 1);
    while !s.is_char_boundary(p) {
        p -= 1;
    }
    p
}

fn apply(src: &str, m: &Mutation) -> String {
    let mut s = src.to_owned();
    match m {
        Mutation::DeleteBytes(p, n) => {
            let a = boundary(&s, *p);
            let b = boundary(&s, a.saturating_add(*n).min(s.len()));
            if b > a {
                s.replace_range(a..b, "");
            }
        }
        Mutation::Insert(p, t) => {
            let a = boundary(&s, *p);
            s.insert_str(a, TOKENS[*t]);
        }
        Mutation::DuplicateLine(i) | Mutation::DeleteLine(i) => {
            let mut lines: Vec<&str> = s.split('\n').collect();
            let i = i % lines.len();
            if matches!(m, Mutation::DuplicateLine(_)) {
                let l = lines[i];
                lines.insert(i, l);
            } else {
                lines.remove(i);
            }
            s = lines.join("\n");
        }
        Mutation::SwapLines(a, b) => {
            let mut lines: Vec<&str> = s.split('\n').collect();
            let n = lines.len();
            lines.swap(a % n, b % n);
            s = lines.join("\n");
        }
    }
    s
}

fn exercise(src: &str) {
    let (schema, diags) = check(src);
    let _ = render("fuzz.prisma", src, &diags, false);
    let _ = schema.without_spans();
    if let Ok(once) = format_schema(src) {
        let twice = format_schema(&once).expect("formatted output parses");
        assert_eq!(once, twice, "formatting is not idempotent for {src:?}");
        // Formatting never changes meaning.
        let (after, after_diags) = check(&once);
        let errors = |d: &[ormgen_schema::Diagnostic]| d.iter().filter(|d| d.is_error()).count();
        assert_eq!(
            errors(&diags),
            errors(&after_diags),
            "formatting changed validity of {src:?}"
        );
        if errors(&diags) == 0 {
            assert!(
                schema.without_spans() == after.without_spans(),
                "formatting changed the IR of {src:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_schemas_never_panic(index in any::<usize>(), mutations in prop::collection::vec(mutation(), 1..8)) {
        let corpus = corpus();
        let mut src = corpus[index % corpus.len()].clone();
        for m in &mutations {
            src = apply(&src, m);
        }
        exercise(&src);
    }

    #[test]
    fn random_schema_like_text_never_panics(src in "[a-zA-Z0-9_@(){}\\[\\]\"\\\\/ \t\n=:,.?!-]{0,300}") {
        exercise(&src);
    }

    #[test]
    fn random_unicode_never_panics(src in any::<String>()) {
        exercise(&src);
    }
}
