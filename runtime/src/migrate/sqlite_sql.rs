//! What SQLite keeps only as the SQL text of a `CREATE TABLE` or `CREATE
//! INDEX` statement in `sqlite_master`: the names of a table's foreign keys,
//! its CHECK constraints, whether it is `AUTOINCREMENT`, and a partial
//! index's condition. Read with a small lexer of SQLite's tokens (identifiers
//! quoted with `"…"`, `` `…` `` or `[…]`, string literals, comments), so a
//! name that holds `,`, `(`, `"`, `CONSTRAINT`, `WHERE` or `AUTOINCREMENT`
//! is read as the one name it is, never as syntax.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A bare word: keyword, unquoted name or number.
    Word,
    /// A quoted identifier (`"a""b"`, `` `a` ``, `[a]`).
    Quoted,
    /// A string literal (`'it''s'`).
    Str,
    /// Any other character (`(`, `)`, `,`, operators).
    Punct,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    /// The token as written.
    text: &'a str,
    /// Byte offsets of the token in the statement.
    start: usize,
    end: usize,
}

impl<'a> Token<'a> {
    fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }

    /// The name a word or quoted identifier stands for.
    fn name(&self) -> Cow<'a, str> {
        match self.kind {
            Kind::Quoted => {
                // An unterminated identifier runs to the end of the text.
                let inner = self.text.get(1..self.text.len() - 1).unwrap_or("");
                match self.text.as_bytes()[0] {
                    b'"' => Cow::Owned(inner.replace("\"\"", "\"")),
                    b'`' => Cow::Owned(inner.replace("``", "`")),
                    _ => Cow::Borrowed(inner),
                }
            }
            _ => Cow::Borrowed(self.text),
        }
    }
}

/// The end (exclusive) of a quoted run starting at `start` with `open`,
/// closed by `close`; a doubled `close` is an escape unless `open` is `[`.
/// An unterminated run ends with the text.
fn quoted_end(b: &[u8], start: usize, close: u8, doubled: bool) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == close {
            if doubled && b.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

/// SQLite's tokens of `sql`, comments and whitespace left out.
fn tokens(sql: &str) -> Vec<Token<'_>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let (kind, end) = match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p + 1);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                continue;
            }
            b'"' | b'`' => (Kind::Quoted, quoted_end(b, i, c, true)),
            b'[' => (Kind::Quoted, quoted_end(b, i, b']', false)),
            b'\'' => (Kind::Str, quoted_end(b, i, b'\'', true)),
            _ if c == b'_' || c == b'$' || c.is_ascii_alphanumeric() || c >= 0x80 => {
                let len = b[i..]
                    .iter()
                    .position(|&x| {
                        !(x == b'_' || x == b'$' || x.is_ascii_alphanumeric() || x >= 0x80)
                    })
                    .unwrap_or(b.len() - i);
                (Kind::Word, i + len)
            }
            // One character (UTF-8 sequences are words above, so this is ASCII).
            _ => (Kind::Punct, i + 1),
        };
        out.push(Token {
            kind,
            text: &sql[i..end],
            start: i,
            end,
        });
        i = end;
    }
    out
}

/// Whether a `CREATE TABLE` statement declares its key `AUTOINCREMENT` (the
/// keyword, not a name or literal that spells it).
pub(super) fn is_autoincrement(create_table: &str) -> bool {
    tokens(create_table)
        .iter()
        .any(|t| t.is_word("AUTOINCREMENT"))
}

/// The named constraints of a `CREATE TABLE` statement.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Constraints {
    /// `CONSTRAINT "name" FOREIGN KEY ("a", "b")` as (name, columns).
    pub foreign_keys: Vec<(String, Vec<String>)>,
    /// `CONSTRAINT "name" CHECK (…)` as written from the name on, without
    /// the closing parentheses.
    pub checks: Vec<String>,
}

/// The named foreign keys and checks of a `CREATE TABLE` statement: the
/// `CONSTRAINT` clauses among the items of its column list.
pub(super) fn constraints(create_table: &str) -> Constraints {
    let toks = tokens(create_table);
    let mut out = Constraints::default();
    // The items of the outermost parentheses, split at their commas.
    let mut depth = 0usize;
    let mut items: Vec<Vec<Token<'_>>> = Vec::new();
    for t in toks {
        if t.is_punct('(') {
            depth += 1;
            if depth == 1 {
                items.push(Vec::new());
                continue;
            }
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                break;
            }
        } else if depth == 1 && t.is_punct(',') {
            items.push(Vec::new());
            continue;
        }
        if depth >= 1
            && let Some(item) = items.last_mut()
        {
            item.push(t);
        }
    }
    for item in &items {
        // `CONSTRAINT` clauses at the item's own level (a column may carry
        // some after its type), each running to the next one.
        let mut level = 0usize;
        let mut starts = Vec::new();
        for (k, t) in item.iter().enumerate() {
            if t.is_punct('(') {
                level += 1;
            } else if t.is_punct(')') {
                level = level.saturating_sub(1);
            } else if level == 0 && t.is_word("CONSTRAINT") {
                starts.push(k);
            }
        }
        for (n, &k) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(item.len());
            let clause = &item[k + 1..end];
            let (Some(name), Some(kind)) = (clause.first(), clause.get(1)) else {
                continue;
            };
            if kind.is_word("FOREIGN") && clause.get(2).is_some_and(|t| t.is_word("KEY")) {
                let columns = clause[3..]
                    .iter()
                    .skip_while(|t| t.is_punct('('))
                    .take_while(|t| !t.is_punct(')'))
                    .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
                    .map(|t| t.name().into_owned())
                    .collect();
                out.foreign_keys.push((name.name().into_owned(), columns));
            } else if kind.is_word("CHECK") {
                let last = clause[clause.len() - 1];
                let text = &create_table[name.start..last.end];
                out.checks
                    .push(text.trim_end_matches([',', ')', '\n']).to_owned());
            }
        }
    }
    out
}

/// The condition of a partial `CREATE INDEX` statement: the text after its
/// `WHERE` keyword.
pub(super) fn index_condition(create_index: &str) -> Option<&str> {
    let toks = tokens(create_index);
    let at = toks.iter().position(|t| t.is_word("WHERE"))?;
    let next = toks.get(at + 1)?;
    Some(create_index[next.start..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_key_names_and_checks_are_read_from_table_sql() {
        let sql = "CREATE TABLE \"posts\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY,\n    \"a\" INTEGER, \"b\" INTEGER,\n    \
                   CONSTRAINT \"posts_pkey2\" UNIQUE (\"id\"),\n    \
                   CONSTRAINT \"posts_a_b_fkey\" FOREIGN KEY (\"a\", \"b\") REFERENCES \"t\" (\"x\", \"y\") ON DELETE CASCADE,\n    \
                   CONSTRAINT \"we\"\"ird\" FOREIGN KEY (\"b\") REFERENCES \"u\" (\"id\"),\n    \
                   CONSTRAINT \"posts_a_check\" CHECK (a > 0)\n)";
        let c = constraints(sql);
        assert_eq!(
            c.foreign_keys,
            vec![
                (
                    "posts_a_b_fkey".to_owned(),
                    vec!["a".to_owned(), "b".to_owned()]
                ),
                ("we\"ird".to_owned(), vec!["b".to_owned()]),
            ]
        );
        assert_eq!(c.checks, vec!["\"posts_a_check\" CHECK (a > 0".to_owned()]);
        assert!(!is_autoincrement(sql));
    }

    /// Names holding the syntax the clauses are recognized by (issue 21,
    /// item 7): each is still one name, and nothing else is taken for a
    /// clause.
    #[test]
    fn hostile_names_are_read_as_names() {
        let sql = "CREATE TABLE \"user\" (\n    \"table\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    \
                   \"user\" INTEGER NOT NULL DEFAULT 0,\n    \
                   \"author (id), \"\"ref\"\"\" INTEGER NOT NULL,\n    \
                   \"autoincrement CONSTRAINT x WHERE\" TEXT DEFAULT 'CONSTRAINT \"y\" CHECK (',\n    \
                   CONSTRAINT \"pages CONSTRAINT \"\"c\"\" CHECK (\" CHECK (\"user\" >= 0),\n    \
                   CONSTRAINT \"user_author (id), \"\"ref\"\"_fkey\" FOREIGN KEY (\"author (id), \"\"ref\"\"\", [b,c]) \
                   REFERENCES \"x\"\"; DROP TABLE y; --\" (\"select\") ON DELETE CASCADE -- CONSTRAINT \"z\" CHECK (\n\
                   /* CONSTRAINT \"w\" FOREIGN KEY (\"v\") */)";
        let c = constraints(sql);
        assert_eq!(
            c.foreign_keys,
            vec![(
                "user_author (id), \"ref\"_fkey".to_owned(),
                vec!["author (id), \"ref\"".to_owned(), "b,c".to_owned()]
            )]
        );
        assert_eq!(
            c.checks,
            vec!["\"pages CONSTRAINT \"\"c\"\" CHECK (\" CHECK (\"user\" >= 0".to_owned()]
        );
        assert!(is_autoincrement(sql));
        assert!(!is_autoincrement(
            "CREATE TABLE \"t\" (\"autoincrement\" INTEGER PRIMARY KEY, `AUTOINCREMENT` TEXT DEFAULT 'AUTOINCREMENT')"
        ));
    }

    #[test]
    fn a_partial_index_condition_follows_the_where_keyword() {
        assert_eq!(
            index_condition(
                "CREATE INDEX \"a WHERE b\" ON \"t WHERE\"(\"WHERE\") WHERE \"x\" > 'WHERE'"
            ),
            Some("\"x\" > 'WHERE'")
        );
        assert_eq!(
            index_condition("CREATE INDEX \"a WHERE b\" ON \"t\"(\"c\")"),
            None
        );
    }
}
