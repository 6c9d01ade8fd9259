//! A lexer of SQL quoting (quoted identifiers, string literals, the code
//! outside them) and `assert_contained`, the check that every name in a
//! statement or migration script stays inside its quotes.

use std::collections::BTreeSet;

use super::names::{LABELS, LABELS_2};

/// A statement split by a lexer of its quoting: the identifiers it quotes
/// (decoded), its string literals (decoded) and the code outside both
/// (comments dropped when `comments` is set).
#[derive(Debug, Default)]
pub struct Lexed {
    idents: Vec<String>,
    literals: Vec<String>,
    code: String,
}

pub fn lex(sql: &str, comments: bool) -> Lexed {
    let mut out = Lexed::default();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some(x) if x == c && chars.peek() == Some(&c) => {
                            chars.next();
                            text.push(c);
                        }
                        Some(x) if x == c => break,
                        Some(x) => text.push(x),
                        None => panic!("unterminated {c} in {sql:?}"),
                    }
                }
                if c == '"' {
                    out.idents.push(text);
                } else {
                    out.literals.push(text);
                }
            }
            '-' if comments && chars.peek() == Some(&'-') => {
                for x in chars.by_ref() {
                    if x == '\n' {
                        out.code.push('\n');
                        break;
                    }
                }
            }
            c => out.code.push(c),
        }
    }
    out
}

/// What an escaped name would leak into the code outside the quotes.
pub const PAYLOADS: [&str; 3] = ["DROP TABLE Y", "DELETE FROM Y", "*/"];

/// Asserts that every name in `sql` (a statement, or a script when
/// `script` is set) stays inside its quotes: each quoted identifier is one
/// of `known`, each literal an enum label, and the code outside quotes holds
/// none of the payloads, no comment opener, no backtick or backslash, and no
/// `;` but the statement ends of a script or the `DO` block's own.
pub fn assert_contained(sql: &str, script: bool, known: &BTreeSet<String>) {
    let l = lex(sql, script);
    for i in &l.idents {
        assert!(known.contains(i), "unexpected identifier {i:?} in {sql:?}");
    }
    for v in &l.literals {
        assert!(
            LABELS.contains(&v.as_str()) || LABELS_2.contains(&v.as_str()),
            "unexpected literal {v:?} in {sql:?}"
        );
    }
    let upper = l.code.to_uppercase();
    for p in PAYLOADS {
        assert!(!upper.contains(p), "{p:?} outside quotes in {sql:?}");
    }
    for bad in ["--", "/*", "`", "\\"] {
        assert!(!l.code.contains(bad), "{bad:?} outside quotes in {sql:?}");
    }
    if script {
        for (k, part) in l.code.split(';').enumerate().skip(1) {
            assert!(
                part.is_empty() || part.starts_with('\n'),
                "statement {k} of a script goes on after its `;`: {sql:?}"
            );
        }
    } else if let Some(rest) = sql.strip_prefix("DO ") {
        // `DO $tag$ BEGIN …; EXCEPTION WHEN duplicate_object THEN NULL; END $tag$`:
        // the tag must not occur in the body (a name holds `$ormgen$`).
        let tag = rest.split_whitespace().next().expect("tag");
        let body = &rest[tag.len()..rest.len() - tag.len()];
        assert!(!body.contains(tag), "the tag {tag} occurs in {sql:?}");
        assert!(rest.ends_with(tag), "{sql:?}");
        assert_eq!(l.code.matches(';').count(), 2, "{sql:?}");
    } else {
        assert!(!l.code.contains(';'), "`;` outside quotes in {sql:?}");
    }
}
