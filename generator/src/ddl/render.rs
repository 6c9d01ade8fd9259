//! Rendering operations as SQL statements for one dialect.

use ormgen_schema::{Dialect, IndexType, SortOrder};

use super::{DdlError, ForeignKeyDef, IndexDef, Op, TableDef};

/// How statements are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RenderMode {
    /// Plain statements, as in a migration file (`CREATE TABLE "x"`).
    Plain,
    /// Statements that are no-ops when their object already exists (or, for
    /// drops, is already gone): `CREATE TABLE IF NOT EXISTS`, `CREATE INDEX
    /// IF NOT EXISTS`, `DROP … IF EXISTS`; PostgreSQL enum types and added
    /// foreign keys go through a `DO` block that ignores `duplicate_object`.
    /// Used by `create_all` / `drop_all`.
    IfNotExists,
}

/// A double-quoted SQL identifier; embedded `"` are doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A single-quoted SQL string literal; embedded `'` are doubled. (Both
/// dialects read backslashes literally: PostgreSQL with
/// `standard_conforming_strings`, on by default since 9.1.)
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Joins statements into a script: each ends with `;`, blank lines between.
pub fn script(statements: &[String]) -> String {
    let mut out = String::new();
    for s in statements {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(s);
        out.push_str(";\n");
    }
    out
}

/// Renders one operation as zero or more SQL statements (without trailing
/// `;`). Enum operations render to nothing on SQLite; adding or dropping a
/// foreign key on SQLite is an error (it needs a table rebuild).
pub fn render(op: &Op, dialect: Dialect, mode: RenderMode) -> Result<Vec<String>, DdlError> {
    let if_not_exists = if mode == RenderMode::IfNotExists {
        "IF NOT EXISTS "
    } else {
        ""
    };
    let if_exists = if mode == RenderMode::IfNotExists {
        "IF EXISTS "
    } else {
        ""
    };
    Ok(match op {
        Op::CreateExtension(e) => match dialect {
            Dialect::Sqlite => Vec::new(),
            // Always `IF NOT EXISTS`, as Prisma Migrate writes it: an
            // extension is shared by the whole database.
            Dialect::Postgres => {
                let mut sql = format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(&e.name));
                if e.schema.is_some() || e.version.is_some() {
                    sql.push_str(" WITH");
                }
                if let Some(s) = &e.schema {
                    sql.push_str(&format!(" SCHEMA {}", quote_ident(s)));
                }
                if let Some(v) = &e.version {
                    sql.push_str(&format!(" VERSION {}", quote_ident(v)));
                }
                vec![sql]
            }
        },
        Op::DropExtension { name } => match dialect {
            Dialect::Sqlite => Vec::new(),
            Dialect::Postgres => vec![format!("DROP EXTENSION {if_exists}{}", quote_ident(name))],
        },
        Op::CreateEnum(e) => match dialect {
            Dialect::Sqlite => Vec::new(),
            Dialect::Postgres => {
                let values: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
                let sql = format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    quote_ident(&e.name),
                    values.join(", ")
                );
                vec![ignore_duplicate(sql, mode)]
            }
        },
        Op::DropEnum { name } => match dialect {
            Dialect::Sqlite => Vec::new(),
            Dialect::Postgres => vec![format!("DROP TYPE {if_exists}{}", quote_ident(name))],
        },
        Op::CreateTable(t) => vec![create_table(t, dialect, if_not_exists)],
        Op::DropTable { name } => vec![format!("DROP TABLE {if_exists}{}", quote_ident(name))],
        Op::CreateIndex(i) => vec![create_index(i, dialect, if_not_exists)],
        Op::DropIndex { name, .. } => vec![format!("DROP INDEX {if_exists}{}", quote_ident(name))],
        Op::AddForeignKey(fk) => match dialect {
            Dialect::Sqlite => {
                return Err(DdlError::Unsupported {
                    dialect,
                    what: "add a foreign key",
                    table: fk.table.clone(),
                });
            }
            Dialect::Postgres => {
                let sql = format!(
                    "ALTER TABLE {} ADD {}",
                    quote_ident(&fk.table),
                    foreign_key(fk, dialect)
                );
                vec![ignore_duplicate(sql, mode)]
            }
        },
        Op::DropForeignKey { table, name } => match dialect {
            Dialect::Sqlite => {
                return Err(DdlError::Unsupported {
                    dialect,
                    what: "drop a foreign key",
                    table: table.clone(),
                });
            }
            Dialect::Postgres => vec![format!(
                "ALTER TABLE {if_exists}{} DROP CONSTRAINT {if_exists}{}",
                quote_ident(table),
                quote_ident(name)
            )],
        },
    })
}

/// PostgreSQL has no `IF NOT EXISTS` for types and constraints: wrap the
/// statement in a `DO` block that swallows `duplicate_object`.
fn ignore_duplicate(sql: String, mode: RenderMode) -> String {
    if mode == RenderMode::Plain {
        return sql;
    }
    let mut tag = "$ormgen$".to_owned();
    let mut n = 0;
    while sql.contains(&tag) {
        n += 1;
        tag = format!("$ormgen{n}$");
    }
    format!(
        "DO {tag} BEGIN\n    {sql};\nEXCEPTION\n    WHEN duplicate_object THEN NULL;\nEND {tag}"
    )
}

/// `CREATE TABLE` in Prisma Migrate's layout.
fn create_table(t: &TableDef, dialect: Dialect, if_not_exists: &str) -> String {
    let mut lines = Vec::new();
    // SQLite: a single-column key is declared on its column (required for
    // AUTOINCREMENT, and what Prisma does).
    let inline_pk = match (&t.primary_key, dialect) {
        (Some(pk), Dialect::Sqlite) if pk.columns.len() == 1 => pk.columns.first(),
        _ => None,
    };
    for c in &t.columns {
        let mut line = format!("{} {}", quote_ident(&c.name), c.sql_type);
        if !c.nullable {
            line.push_str(" NOT NULL");
        }
        if inline_pk == Some(&c.name) {
            line.push_str(" PRIMARY KEY");
            // Prisma Migrate declares every single-column `INTEGER` key on SQLite
            // `AUTOINCREMENT` (with or without `@default(autoincrement())`): rowids
            // are never reused, and both tools build the same catalog.
            if c.autoincrement || c.sql_type == "INTEGER" {
                line.push_str(" AUTOINCREMENT");
            }
        }
        if let Some(d) = &c.default {
            line.push_str(" DEFAULT ");
            line.push_str(d);
        }
        lines.push(line);
    }
    let mut constraints = Vec::new();
    if let Some(pk) = &t.primary_key
        && inline_pk.is_none()
    {
        let sep = match dialect {
            Dialect::Postgres => ",",
            Dialect::Sqlite => ", ",
        };
        let cols = pk
            .columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(sep);
        constraints.push(match &pk.name {
            Some(name) => format!("CONSTRAINT {} PRIMARY KEY ({cols})", quote_ident(name)),
            None => format!("PRIMARY KEY ({cols})"),
        });
    }
    for c in &t.checks {
        constraints.push(format!(
            "CONSTRAINT {} CHECK ({})",
            quote_ident(&c.name),
            c.expression
        ));
    }
    for fk in &t.foreign_keys {
        constraints.push(foreign_key(fk, dialect));
    }
    let mut body = lines.join(",\n    ");
    if !constraints.is_empty() {
        // PostgreSQL: a blank line before the constraints, as Prisma prints.
        body.push_str(match dialect {
            Dialect::Postgres => ",\n\n    ",
            Dialect::Sqlite => ",\n    ",
        });
        body.push_str(&constraints.join(",\n    "));
    }
    format!(
        "CREATE TABLE {if_not_exists}{} (\n    {body}\n)",
        quote_ident(&t.name)
    )
}

/// `CONSTRAINT "x" FOREIGN KEY (…) REFERENCES "t"(…) ON DELETE … ON UPDATE …`.
fn foreign_key(fk: &ForeignKeyDef, dialect: Dialect) -> String {
    let list = |cols: &[String]| {
        cols.iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Prisma writes `REFERENCES "t"("id")` on PostgreSQL, `"t" ("id")` on SQLite.
    let space = match dialect {
        Dialect::Postgres => "",
        Dialect::Sqlite => " ",
    };
    format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}{space}({}) ON DELETE {} ON UPDATE {}",
        quote_ident(&fk.name),
        list(&fk.columns),
        quote_ident(&fk.referenced_table),
        list(&fk.referenced_columns),
        fk.on_delete.sql(),
        fk.on_update.sql()
    )
}

/// An operator class name as written in DDL: plain when it is a plain
/// lower-case identifier (`jsonb_path_ops`, as Prisma writes it), quoted
/// otherwise (schema-qualified names keep their dots).
fn quote_ops(name: &str) -> String {
    name.split('.')
        .map(|part| {
            if !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !part.starts_with(|c: char| c.is_ascii_digit())
            {
                part.to_owned()
            } else {
                quote_ident(part)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// `CREATE [UNIQUE] INDEX "x" ON "t" [USING m] ("a" ops, "b" DESC) [WHERE …]`.
fn create_index(i: &IndexDef, dialect: Dialect, if_not_exists: &str) -> String {
    let cols = i
        .columns
        .iter()
        .map(|c| {
            // `"col" ops_class DESC`; operator classes exist on PostgreSQL only.
            let ops = match (&c.ops, dialect) {
                (Some(o), Dialect::Postgres) => format!(" {}", quote_ops(o)),
                _ => String::new(),
            };
            match c.sort {
                Some(SortOrder::Desc) => format!("{}{ops} DESC", quote_ident(&c.name)),
                // Ascending is the default; Prisma does not spell it out.
                Some(SortOrder::Asc) | None => format!("{}{ops}", quote_ident(&c.name)),
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let method = match (dialect, i.method) {
        (Dialect::Postgres, Some(m)) => match m {
            IndexType::BTree => " USING BTREE ",
            IndexType::Hash => " USING HASH ",
            IndexType::Gist => " USING GIST ",
            IndexType::Gin => " USING GIN ",
            IndexType::SpGist => " USING SPGIST ",
            IndexType::Brin => " USING BRIN ",
        },
        _ => "",
    };
    let mut sql = format!(
        "CREATE {}INDEX {if_not_exists}{} ON {}{method}({cols})",
        if i.unique { "UNIQUE " } else { "" },
        quote_ident(&i.name),
        quote_ident(&i.table),
    );
    if let Some(p) = &i.predicate {
        sql.push_str(" WHERE ");
        sql.push_str(p);
    }
    sql
}
