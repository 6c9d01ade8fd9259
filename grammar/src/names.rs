//! Naming rules: Prisma's default constraint names (with its truncation for
//! identifier limits), Rust names (heck + keyword escaping), "did you mean"
//! suggestions and the light checks on SQL strings of the extensions.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::{Dialect, PerDialect};
use crate::syntax::{Expr, StringLit};

/// The largest index `<= index` that is a char boundary of `s`.
fn floor_char_boundary(s: &str, index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    let mut i = index;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Truncates `base` as Prisma does when `base + suffix` would not stay under
/// the dialect's identifier limit: if `base.len() >= limit - suffix.len()`,
/// `base` is cut to `limit - suffix.len()` bytes (at a char boundary).
fn truncated(base: String, suffix: &str, dialect: Dialect) -> String {
    let limit = dialect.max_identifier_length();
    let keep = limit.saturating_sub(suffix.len());
    let mut base = base;
    if base.len() >= keep {
        let at = floor_char_boundary(&base, keep);
        base.truncate(at);
    }
    base.push_str(suffix);
    base
}

/// `{table}_{col}_{col}` with room for a suffix: the base of a default
/// constraint name.
fn joined(table: &str, columns: &[&str]) -> String {
    let len = table.len() + columns.iter().map(|c| c.len() + 1).sum::<usize>() + 6;
    let mut base = String::with_capacity(len);
    base.push_str(table);
    base.push('_');
    for (k, c) in columns.iter().enumerate() {
        if k > 0 {
            base.push('_');
        }
        base.push_str(c);
    }
    base
}

/// `base + suffix` for both dialects (each truncated to its limit), from
/// one base string.
fn per_dialect(base: String, suffix: &str) -> PerDialect<String> {
    let mut copy = String::with_capacity(base.len() + suffix.len());
    copy.push_str(&base);
    PerDialect {
        postgres: truncated(copy, suffix, Dialect::Postgres),
        sqlite: truncated(base, suffix, Dialect::Sqlite),
    }
}

/// `{table}_pkey`.
pub fn primary_key_name(table: &str) -> PerDialect<String> {
    per_dialect(table.to_owned(), "_pkey")
}

/// `{table}_{col}_{col}_key`.
pub fn unique_name(table: &str, columns: &[&str]) -> PerDialect<String> {
    per_dialect(joined(table, columns), "_key")
}

/// `{table}_{col}_{col}_idx`.
pub fn index_name(table: &str, columns: &[&str]) -> PerDialect<String> {
    per_dialect(joined(table, columns), "_idx")
}

/// `{table}_{col}_{col}_fkey`.
pub fn foreign_key_name(table: &str, columns: &[&str]) -> PerDialect<String> {
    per_dialect(joined(table, columns), "_fkey")
}

/// `{table}_{name}_check` (extension; truncated like the others).
pub fn check_name(table: &str, name: &str) -> PerDialect<String> {
    per_dialect(joined(table, &[name]), "_check")
}

/// A name given with `map:` is used as written for every dialect.
pub fn explicit(name: &str) -> PerDialect<String> {
    PerDialect::from_fn(|_| name.to_owned())
}

/// Words that cannot be used as plain Rust identifiers (strict and reserved
/// keywords of editions 2015–2024).
/// (A `match` rather than a list: it is asked for every generated name.)
fn is_rust_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
    )
}

/// Escapes a Rust identifier: keywords become raw identifiers (`r#type`),
/// except `self`, `Self`, `super` and `crate`, which cannot be raw and get an
/// `_` suffix (`self_`). Names that do not start with a letter or `_` get a
/// leading `_`.
pub fn escape_rust(name: String) -> String {
    if matches!(name.as_str(), "self" | "Self" | "super" | "crate" | "_") {
        return format!("{name}_");
    }
    if is_rust_keyword(&name) {
        return format!("r#{name}");
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{name}");
    }
    name
}

/// A field or module name: snake_case, escaped. `-` in PSL names becomes `_`.
pub fn rust_snake(name: &str) -> String {
    escape_rust(simple_snake(name).unwrap_or_else(|| name.replace('-', "_").to_snake_case()))
}

/// Whether `name` is a plain camelCase or UpperCamelCase ASCII name (`id`,
/// `createdAt`, `prev2Id`, `Model0`: ASCII letters and digits, starting with
/// a letter, where the letter before each uppercase letter after the first
/// character, digits skipped, is lowercase). For these names heck's word
/// split is exactly "before each uppercase letter", so the names can be
/// converted without heck's general machinery. Returns the number of
/// uppercase letters.
fn simple_shape(name: &str) -> Option<usize> {
    let bytes = name.as_bytes();
    let first = *bytes.first()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let mut prev_upper = first.is_ascii_uppercase();
    let mut uppers = usize::from(prev_upper);
    for &b in bytes.get(1..).unwrap_or(&[]) {
        if b.is_ascii_uppercase() {
            if prev_upper {
                return None;
            }
            prev_upper = true;
            uppers += 1;
        } else if b.is_ascii_lowercase() {
            prev_upper = false;
        } else if !b.is_ascii_digit() {
            return None;
        }
    }
    Some(uppers)
}

/// heck's snake_case for a [`simple_shape`] name; `None` for other names.
fn simple_snake(name: &str) -> Option<String> {
    let uppers = simple_shape(name)?;
    let mut out = String::with_capacity(name.len() + uppers);
    for (i, b) in name.bytes().enumerate() {
        if b.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            out.push(char::from(b));
        }
    }
    Some(out)
}

/// heck's UpperCamelCase for a [`simple_shape`] name (the first letter
/// uppercased); `None` for other names.
fn simple_upper_camel(name: &str) -> Option<String> {
    simple_shape(name)?;
    let mut out = name.to_owned();
    out.get_mut(..1)?.make_ascii_uppercase();
    Some(out)
}

/// A type or variant name: UpperCamelCase, escaped.
pub fn rust_camel(name: &str) -> String {
    escape_rust(
        simple_upper_camel(name).unwrap_or_else(|| name.replace('-', "_").to_upper_camel_case()),
    )
}

/// The edit distance between two strings (case-insensitive).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `name`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    if name.len() > 64 {
        return None;
    }
    let max = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| c.len() <= 64 && *c != name)
        .map(|c| {
            let d = distance(name, c);
            // A prefix of a longer name (`uniq` → `unique`) counts as close.
            let prefix = name.len() >= 3 && c.to_lowercase().starts_with(&name.to_lowercase());
            (if prefix { d.min(1) } else { d }, c)
        })
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_owned())
}

/// "did you mean `x`?" for a hint.
pub fn hint(
    name: &str,
    candidates: impl IntoIterator<Item = impl AsRef<str>>,
    prefix: &str,
) -> Option<String> {
    let owned: Vec<String> = candidates
        .into_iter()
        .map(|c| c.as_ref().to_owned())
        .collect();
    did_you_mean(name, owned.iter().map(String::as_str))
        .map(|s| format!("did you mean `{prefix}{s}`?"))
}

/// The SQL name of the operator class in `ops: <expr>`: Prisma's names
/// (`JsonbPathOps` → `jsonb_path_ops`, `Int4MinMaxOps` → `int4_minmax_ops`,
/// `TimestampTzBloomOps` → `timestamptz_bloom_ops`), or `raw("…")` as
/// written. `None` when the expression is neither.
pub fn operator_class(e: &Expr) -> Option<String> {
    match e {
        Expr::Constant { name, .. } if name.chars().all(|c| c.is_ascii_alphanumeric()) => {
            // Words Prisma keeps whole in the SQL name.
            let mut n = name.clone();
            for (word, joined) in [
                ("MinMax", "Minmax"),
                ("TimestampTz", "Timestamptz"),
                ("TimeTz", "Timetz"),
                ("MacAddr", "Macaddr"),
                ("VarBit", "Varbit"),
            ] {
                n = n.replace(word, joined);
            }
            let mut out = String::new();
            let mut prev_lower_or_digit = false;
            for c in n.chars() {
                if c.is_ascii_uppercase() && prev_lower_or_digit {
                    out.push('_');
                }
                prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
                out.push(c.to_ascii_lowercase());
            }
            Some(out)
        }
        Expr::Call { name, args, .. } if name.name == "raw" => match args.as_slice() {
            [a] if a.name.is_none() => match &a.value {
                Expr::String(StringLit { value, .. }) if !value.is_empty() => Some(value.clone()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// What is wrong with an SQL fragment of `@check`, `@@check` or `where:`.
/// Only the obvious is checked: emptiness, quotes and parentheses.
pub fn sql_problem(sql: &str) -> Option<&'static str> {
    if sql.is_empty() {
        return Some("needs a non-empty SQL expression");
    }
    if sql.trim().is_empty() {
        return Some("needs a non-empty SQL expression (only whitespace given)");
    }
    let mut depth: i64 = 0;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let mut closed = false;
                while let Some(d) = chars.next() {
                    if d == c {
                        if chars.peek() == Some(&c) {
                            chars.next();
                            continue;
                        }
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Some(if c == '\'' {
                        "SQL has an unterminated quoted string"
                    } else {
                        "SQL has an unterminated quoted identifier"
                    });
                }
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Some("SQL has unbalanced parentheses");
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Some("SQL has unbalanced parentheses");
    }
    None
}

/// Whether `s` is an RFC 3339 date-time (`2024-01-31T12:00:00Z`,
/// `2024-01-31T12:00:00.123+02:00`).
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ') || !digits(11..13) || b[13] != b':' || !digits(14..16) {
        return false;
    }
    if b[16] != b':' || !digits(17..19) {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(99);
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_classes_get_prisma_sql_names() {
        let span = crate::diagnostics::Span { start: 0, end: 0 };
        let c = |name: &str| Expr::Constant {
            name: name.to_owned(),
            span,
        };
        for (psl, sql) in [
            ("JsonbPathOps", "jsonb_path_ops"),
            ("InetOps", "inet_ops"),
            ("Int4MinMaxOps", "int4_minmax_ops"),
            ("Int8MinMaxMultiOps", "int8_minmax_multi_ops"),
            ("TimestampTzBloomOps", "timestamptz_bloom_ops"),
            ("VarBitMinMaxOps", "varbit_minmax_ops"),
            ("ArrayOps", "array_ops"),
        ] {
            assert_eq!(operator_class(&c(psl)).as_deref(), Some(sql), "{psl}");
        }
        let raw = Expr::Call {
            name: crate::syntax::Ident {
                name: "raw".to_owned(),
                span,
            },
            args: vec![crate::syntax::Argument {
                name: None,
                value: Expr::String(StringLit {
                    value: "gin_trgm_ops".to_owned(),
                    raw: "gin_trgm_ops".to_owned(),
                    span,
                }),
                span,
            }],
            span,
        };
        assert_eq!(operator_class(&raw).as_deref(), Some("gin_trgm_ops"));
        assert_eq!(operator_class(&c("not-a-name")), None);
    }

    #[test]
    fn truncation_follows_prisma() {
        let long = "a".repeat(70);
        let pk = primary_key_name(&long);
        assert_eq!(pk.postgres.len(), 63);
        assert!(pk.postgres.ends_with("_pkey"));
        assert_eq!(pk.sqlite, format!("{long}_pkey"));
        // Exactly at the boundary: 58 bytes + "_pkey" is truncated to 58 too.
        let t58 = "b".repeat(58);
        assert_eq!(primary_key_name(&t58).postgres, format!("{t58}_pkey"));
        let idx = index_name("Table", &["x".repeat(60).as_str()]);
        assert_eq!(idx.postgres.len(), 63);
        assert!(idx.postgres.ends_with("_idx"));
        // Multi-byte characters are never split.
        let uni = "é".repeat(40);
        let fk = foreign_key_name(&uni, &["c"]);
        assert!(fk.postgres.len() <= 63);
    }

    #[test]
    fn rust_names() {
        assert_eq!(rust_snake("createdAt"), "created_at");
        assert_eq!(rust_snake("type"), "r#type");
        assert_eq!(rust_snake("self"), "self_");
        assert_eq!(rust_camel("blog_post"), "BlogPost");
        assert_eq!(rust_camel("Self"), "Self_");
    }

    #[test]
    fn simple_snake_matches_heck() {
        // Every name of up to 5 characters over a small alphabet, plus a few
        // longer ones: the fast path agrees with heck wherever it applies.
        let alphabet = ['a', 'z', 'A', 'Z', '0', '9', '_', '-', 'é'];
        let mut names: Vec<String> = vec![String::new()];
        let mut frontier = names.clone();
        for _ in 0..5 {
            let mut next = Vec::new();
            for n in &frontier {
                for c in alphabet {
                    next.push(format!("{n}{c}"));
                }
            }
            names.extend(next.iter().cloned());
            frontier = next;
        }
        names.extend(
            [
                "createdAt",
                "prevId",
                "prev2Id",
                "aB1c",
                "userIDs",
                "isHTTPs",
                "x9Y8z7",
            ]
            .map(str::to_owned),
        );
        let mut fast = 0;
        for n in &names {
            if let Some(s) = simple_snake(n) {
                fast += 1;
                assert_eq!(s, n.replace('-', "_").to_snake_case(), "{n}");
            }
            if let Some(s) = simple_upper_camel(n) {
                assert_eq!(s, n.replace('-', "_").to_upper_camel_case(), "{n}");
            }
        }
        assert!(fast > 1000);
    }

    #[test]
    fn sql_checks() {
        assert_eq!(
            sql_problem("a > (b"),
            Some("SQL has unbalanced parentheses")
        );
        assert_eq!(sql_problem("note <> 'it''s'"), None);
        assert!(sql_problem("x = 'a").is_some());
        assert!(is_rfc3339("2024-01-31T12:00:00Z"));
        assert!(is_rfc3339("2024-01-31T12:00:00.123+02:00"));
        assert!(!is_rfc3339("yesterday"));
    }
}
