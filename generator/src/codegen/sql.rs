//! The fixed-shape statements of a table (get, insert, update and delete by
//! key) as SQL text per dialect.
//!
//! Identifiers are always quoted; every value is a positional placeholder
//! (`$n` on PostgreSQL, `?n` on SQLite). The only literals written into SQL
//! are the schema's own `@default` values, escaped as SQL string literals.
//!
//! Identifiers are quoted by the one helper the DDL uses too
//! ([`crate::ddl::quote_ident`]).

use ormgen_schema::{DefaultValue, Dialect, ScalarField};

use crate::ddl::quote_ident as ident;

/// `table.column`, both quoted.
pub fn qualified(table: &str, column: &str) -> String {
    format!("{}.{}", ident(table), ident(column))
}

/// The `n`th (1-based) positional placeholder.
pub fn placeholder(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Postgres => format!("${n}"),
        Dialect::Sqlite => format!("?{n}"),
    }
}

/// How a column takes part in the generated insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertMode {
    /// Filled by the database (`autoincrement()`, `dbgenerated(…)`, or a
    /// default the generated code cannot compute): not a field of the insert
    /// type, not in the statement.
    Omitted,
    /// NOT NULL without a default: a plain field that must be given.
    Required,
    /// Nullable without a default: an `Option` field, `None` stores NULL.
    Nullable,
    /// Has a default computed in Rust by `fill_defaults` when the field is
    /// `None`.
    Defaulted {
        /// The Rust expression of the default value (uses `now` for `now()`).
        fill: String,
        /// Whether the column is nullable (the field is `Option<Option<T>>`).
        nullable: bool,
    },
}

impl InsertMode {
    /// Whether the column is a field of the insert type.
    pub fn is_field(&self) -> bool {
        !matches!(self, InsertMode::Omitted)
    }
}

/// How `column` is inserted; `fill` gives the Rust expression of a default
/// (`None` when it cannot be computed in Rust, and the database fills it).
pub fn insert_mode(
    column: &ScalarField,
    nullable: bool,
    fill: impl Fn(&DefaultValue) -> Option<String>,
) -> InsertMode {
    let default = match &column.default {
        None if column.updated_at => &DefaultValue::Now,
        None if nullable => return InsertMode::Nullable,
        None => return InsertMode::Required,
        Some(d) => d,
    };
    match fill(default) {
        Some(fill) => InsertMode::Defaulted { fill, nullable },
        None => InsertMode::Omitted,
    }
}

/// A `Bytes` default (base64 text in the schema) as its bytes.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// One column of a fixed-shape statement.
#[derive(Debug, Clone)]
pub struct StatementColumn<'a> {
    /// The SQL column name.
    pub name: &'a str,
    /// How it is inserted.
    pub insert: InsertMode,
    /// `@updatedAt`: set to the current time by every update.
    pub updated_at: bool,
}

/// `SELECT <columns> FROM t WHERE <key> = …`.
pub fn get_by_key(dialect: Dialect, table: &str, columns: &[&str], key: &[&str]) -> String {
    let select: Vec<String> = columns.iter().map(|c| qualified(table, c)).collect();
    format!(
        "SELECT {} FROM {} WHERE {}",
        select.join(", "),
        ident(table),
        key_condition(dialect, Some(table), key, 1)
    )
}

fn key_condition(dialect: Dialect, table: Option<&str>, key: &[&str], first: usize) -> String {
    key.iter()
        .enumerate()
        .map(|(i, c)| {
            let col = match table {
                Some(t) => qualified(t, c),
                None => ident(c),
            };
            format!("{col} = {}", placeholder(dialect, first + i))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn returning(columns: &[&str]) -> String {
    let cols: Vec<String> = columns.iter().map(|c| ident(c)).collect();
    format!(" RETURNING {}", cols.join(", "))
}

/// `INSERT INTO t (…) VALUES (…) RETURNING <columns>`: parameters in the
/// order of the insert type's fields (`Insertable::COLUMNS`).
pub fn insert(
    dialect: Dialect,
    table: &str,
    insert: &[StatementColumn<'_>],
    columns: &[&str],
) -> String {
    let names: Vec<String> = insert
        .iter()
        .filter(|c| c.insert.is_field())
        .map(|c| ident(c.name))
        .collect();
    if names.is_empty() {
        return format!(
            "INSERT INTO {} DEFAULT VALUES{}",
            ident(table),
            returning(columns)
        );
    }
    let values: Vec<String> = (1..=names.len()).map(|i| placeholder(dialect, i)).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({}){}",
        ident(table),
        names.join(", "),
        values.join(", "),
        returning(columns)
    )
}

/// `UPDATE t SET <every non-key column> WHERE <key> RETURNING <columns>`:
/// parameters are the set columns in order, then the key. `None` when the
/// table has no column besides its key.
pub fn update_by_key(
    dialect: Dialect,
    table: &str,
    set: &[&str],
    key: &[&str],
    columns: &[&str],
) -> Option<String> {
    if set.is_empty() {
        return None;
    }
    let assignments: Vec<String> = set
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = {}", ident(c), placeholder(dialect, i + 1)))
        .collect();
    Some(format!(
        "UPDATE {} SET {} WHERE {}{}",
        ident(table),
        assignments.join(", "),
        key_condition(dialect, None, key, set.len() + 1),
        returning(columns)
    ))
}

/// `DELETE FROM t WHERE <key>`.
pub fn delete_by_key(dialect: Dialect, table: &str, key: &[&str]) -> String {
    format!(
        "DELETE FROM {} WHERE {}",
        ident(table),
        key_condition(dialect, None, key, 1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_quote_both_parts() {
        assert_eq!(qualified("t", "we\"ird"), "\"t\".\"we\"\"ird\"");
    }

    #[test]
    fn get_and_delete() {
        assert_eq!(
            get_by_key(Dialect::Postgres, "t", &["a", "b"], &["a"]),
            "SELECT \"t\".\"a\", \"t\".\"b\" FROM \"t\" WHERE \"t\".\"a\" = $1"
        );
        assert_eq!(
            delete_by_key(Dialect::Sqlite, "t", &["a", "b"]),
            "DELETE FROM \"t\" WHERE \"a\" = ?1 AND \"b\" = ?2"
        );
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("AQID"), Some(vec![1, 2, 3]));
        assert_eq!(decode_base64(""), Some(vec![]));
        assert_eq!(decode_base64("aGk="), Some(b"hi".to_vec()));
    }
}
