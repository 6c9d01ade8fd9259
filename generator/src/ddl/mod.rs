//! DDL as a list of operations, rendered per dialect.
//!
//! ```text
//! Schema ──create_ops(dialect)──▶ Vec<Op> ──render(op, dialect, mode)──▶ SQL statements
//!        ──drop_ops(dialect)────▶ Vec<Op> ──┘
//! ```
//!
//! [`create_ops`] lists what Prisma Migrate would create for a schema —
//! enums, tables (columns, primary key, checks, foreign keys), unique
//! constraints and indexes, implicit many-to-many join tables — in
//! foreign-key dependency order; [`drop_ops`] undoes it in reverse order.
//! The operations are also the vocabulary of the migration generator, which
//! diffs two schemas into a list of them and renders them with
//! [`RenderMode::Plain`]. `create_all` / `drop_all` in generated code use
//! [`RenderMode::IfNotExists`], which makes creating an existing schema (and
//! dropping a missing one) a no-op.
//!
//! ```
//! use ormgen_build::ddl::{self, Dialect, RenderMode};
//!
//! let src = r#"
//! datasource db {
//!   provider = "postgresql"
//! }
//! model User {
//!   id    Int    @id @default(autoincrement())
//!   email String @unique
//!   posts Post[]
//! }
//! model Post {
//!   id       Int  @id @default(autoincrement())
//!   author   User @relation(fields: [authorId], references: [id])
//!   authorId Int
//! }
//! "#;
//! let (schema, _) = ormgen_schema::parse_and_validate("s.prisma", src).unwrap();
//! let sql = ddl::create_all(&schema, Dialect::Postgres, RenderMode::Plain).unwrap();
//! assert_eq!(sql[1], r#"CREATE UNIQUE INDEX "User_email_key" ON "User"("email")"#);
//! assert!(sql[2].contains(
//!     r#"CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE"#
//! ));
//! let drop = ddl::drop_all(&schema, Dialect::Postgres, RenderMode::IfNotExists).unwrap();
//! assert_eq!(drop, [r#"DROP TABLE IF EXISTS "Post""#, r#"DROP TABLE IF EXISTS "User""#]);
//! ```
//!
//! Choices worth knowing:
//! - Tables are created in dependency order with their foreign keys inline
//!   and each table's unique constraints and indexes right after it (a
//!   foreign key may reference a unique column). On PostgreSQL a foreign
//!   key that cannot be created inline — its target belongs to the same
//!   dependency cycle and does not exist yet, or it references its own table
//!   through a unique index that is created after the table — becomes an
//!   [`Op::AddForeignKey`] after all tables. SQLite keeps every foreign key
//!   inline (it cannot add one later and checks targets only when rows
//!   change).
//! - Enums are PostgreSQL types (`CREATE TYPE … AS ENUM`); on SQLite they are
//!   `TEXT` columns without a `CHECK`, as Prisma creates them, and enum
//!   operations render to nothing.
//! - `relationMode = "prisma"` creates no foreign keys, join tables included.

mod order;
mod render;

pub use ormgen_schema::{Dialect, IndexType, ReferentialAction, SortOrder};
pub use render::{RenderMode, quote_ident, quote_literal, render, script};

use ormgen_schema::{
    Arity, DefaultValue, Field, JoinTable, Model, PslType, RelationMode, ScalarField, Schema,
};

/// One DDL operation. Names are database names (after `@map`/`@@map`), for
/// the dialect the operation was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `CREATE EXTENSION IF NOT EXISTS` (PostgreSQL; nothing on SQLite).
    CreateExtension(ExtensionDef),
    /// `DROP EXTENSION` (PostgreSQL; nothing on SQLite).
    DropExtension {
        /// The extension's name in the database.
        name: String,
    },
    /// `CREATE TYPE … AS ENUM` (PostgreSQL; nothing on SQLite).
    CreateEnum(EnumDef),
    /// `DROP TYPE` (PostgreSQL; nothing on SQLite).
    DropEnum {
        /// The type name.
        name: String,
    },
    /// `CREATE TABLE` with columns, primary key, checks and inline foreign keys.
    CreateTable(TableDef),
    /// `DROP TABLE` (its indexes and constraints go with it).
    DropTable {
        /// The table name.
        name: String,
    },
    /// `CREATE [UNIQUE] INDEX`.
    CreateIndex(IndexDef),
    /// `DROP INDEX`.
    DropIndex {
        /// The table the index belongs to.
        table: String,
        /// The index name.
        name: String,
    },
    /// `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` (PostgreSQL only).
    AddForeignKey(ForeignKeyDef),
    /// `ALTER TABLE … DROP CONSTRAINT` (PostgreSQL only).
    DropForeignKey {
        /// The table holding the constraint.
        table: String,
        /// The constraint name.
        name: String,
    },
}

/// A PostgreSQL extension (`extensions = [...]` of the datasource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionDef {
    /// The name in the database (`map:` or the name).
    pub name: String,
    /// `WITH SCHEMA`.
    pub schema: Option<String>,
    /// `VERSION`.
    pub version: Option<String>,
}

/// A PostgreSQL enum type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    /// The type name (`@@map` or the enum name).
    pub name: String,
    /// The database values in declaration order.
    pub values: Vec<String>,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    /// The table name.
    pub name: String,
    /// The columns in declaration order.
    pub columns: Vec<ColumnDef>,
    /// The primary key.
    pub primary_key: Option<PrimaryKeyDef>,
    /// `CHECK` constraints.
    pub checks: Vec<CheckDef>,
    /// Foreign keys created with the table.
    pub foreign_keys: Vec<ForeignKeyDef>,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// The column name.
    pub name: String,
    /// The SQL type (`SERIAL` for `autoincrement()` on PostgreSQL, `INTEGER`
    /// on SQLite).
    pub sql_type: String,
    /// Whether the column accepts NULL (optional fields and, as in Prisma,
    /// PostgreSQL array columns).
    pub nullable: bool,
    /// The default as an SQL expression for the dialect; `None` for no
    /// database default (also for runtime-generated values such as `uuid()`).
    pub default: Option<String>,
    /// `@default(autoincrement())`: SQLite renders the primary key as
    /// `INTEGER PRIMARY KEY AUTOINCREMENT`.
    pub autoincrement: bool,
}

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimaryKeyDef {
    /// The constraint name (`None` on SQLite, where Prisma names none).
    pub name: Option<String>,
    /// The key columns in order.
    pub columns: Vec<String>,
}

/// A `CHECK` constraint (ormgen extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckDef {
    /// The constraint name.
    pub name: String,
    /// The SQL boolean expression, as written in the schema.
    pub expression: String,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyDef {
    /// The constraint name.
    pub name: String,
    /// The referencing table.
    pub table: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced columns.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: ReferentialAction,
    /// `ON UPDATE`.
    pub on_update: ReferentialAction,
}

/// An index; unique constraints are unique indexes, as Prisma creates them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    /// The index name.
    pub name: String,
    /// The table.
    pub table: String,
    /// The indexed columns.
    pub columns: Vec<IndexColumnDef>,
    /// `CREATE UNIQUE INDEX`.
    pub unique: bool,
    /// The access method (`USING`, PostgreSQL only; `None` = default B-tree).
    pub method: Option<IndexType>,
    /// `WHERE` predicate of a partial index.
    pub predicate: Option<String>,
}

/// A column of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexColumnDef {
    /// The column name.
    pub name: String,
    /// `ASC`/`DESC` when given in the schema.
    pub sort: Option<SortOrder>,
    /// The operator class (PostgreSQL), e.g. `jsonb_path_ops`.
    pub ops: Option<String>,
}

/// An error rendering an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DdlError {
    /// The dialect cannot express the operation directly (SQLite cannot add
    /// or drop a foreign key on an existing table; that takes a rebuild).
    #[error("{dialect:?} cannot {what} on an existing table `{table}` (the table must be rebuilt)")]
    Unsupported {
        /// The dialect.
        dialect: Dialect,
        /// What was asked.
        what: &'static str,
        /// The table.
        table: String,
    },
}

/// The operations that create `schema` on `dialect`, in dependency order:
/// (PostgreSQL) extensions by name, as Prisma Migrate orders them, and enums
/// first, then each table followed by its unique constraints and indexes,
/// then (PostgreSQL) the foreign keys that had to wait for a cycle.
pub fn create_ops(schema: &Schema, dialect: Dialect) -> Vec<Op> {
    let plan = order::plan(schema, dialect);
    let mut ops = Vec::new();
    if dialect == Dialect::Postgres {
        ops.extend(extension_defs(schema).into_iter().map(Op::CreateExtension));
        for e in &schema.enums {
            ops.push(Op::CreateEnum(EnumDef {
                name: e.db_name.clone(),
                values: e.values.iter().map(|v| v.db_value.clone()).collect(),
            }));
        }
    }
    for table in &plan.tables {
        ops.push(Op::CreateTable(table.def.clone()));
        ops.extend(table.indexes.iter().cloned().map(Op::CreateIndex));
    }
    ops.extend(plan.deferred.iter().cloned().map(Op::AddForeignKey));
    ops
}

/// The extensions `schema`'s datasource lists, by database name.
pub fn extension_defs(schema: &Schema) -> Vec<ExtensionDef> {
    let mut defs: Vec<ExtensionDef> = schema
        .datasource
        .iter()
        .flat_map(|d| &d.extensions)
        .map(|e| ExtensionDef {
            name: e.db_name.clone(),
            schema: e.schema.clone(),
            version: e.version.clone(),
        })
        .collect();
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    defs
}

/// The operations that drop everything [`create_ops`] creates, in reverse
/// dependency order: deferred foreign keys, tables (with their indexes and
/// remaining constraints), then enums. Never relies on `CASCADE`. Extensions
/// stay: they belong to the database, and other schemas may use them.
pub fn drop_ops(schema: &Schema, dialect: Dialect) -> Vec<Op> {
    let mut ops = Vec::new();
    for op in create_ops(schema, dialect).iter().rev() {
        match op {
            Op::AddForeignKey(fk) => ops.push(Op::DropForeignKey {
                table: fk.table.clone(),
                name: fk.name.clone(),
            }),
            Op::CreateTable(t) => ops.push(Op::DropTable {
                name: t.name.clone(),
            }),
            Op::CreateEnum(e) => ops.push(Op::DropEnum {
                name: e.name.clone(),
            }),
            // Dropped with their table.
            Op::CreateIndex(_) => {}
            Op::CreateExtension(_) | Op::DropExtension { .. } => {}
            Op::DropEnum { .. }
            | Op::DropTable { .. }
            | Op::DropIndex { .. }
            | Op::DropForeignKey { .. } => {}
        }
    }
    ops
}

/// Renders every operation of `ops` for `dialect`, in order.
pub fn render_all(ops: &[Op], dialect: Dialect, mode: RenderMode) -> Result<Vec<String>, DdlError> {
    let mut out = Vec::new();
    for op in ops {
        out.extend(render(op, dialect, mode)?);
    }
    Ok(out)
}

/// The statements that create `schema` on `dialect` (see [`create_ops`]).
pub fn create_all(
    schema: &Schema,
    dialect: Dialect,
    mode: RenderMode,
) -> Result<Vec<String>, DdlError> {
    render_all(&create_ops(schema, dialect), dialect, mode)
}

/// The statements that drop `schema` from `dialect` (see [`drop_ops`]).
pub fn drop_all(
    schema: &Schema,
    dialect: Dialect,
    mode: RenderMode,
) -> Result<Vec<String>, DdlError> {
    render_all(&drop_ops(schema, dialect), dialect, mode)
}

/// The table definition of a model (foreign keys not included; the planner
/// adds them) and its unique constraints and indexes.
fn model_table(model: &Model, dialect: Dialect) -> (TableDef, Vec<IndexDef>) {
    let columns = model
        .scalar_fields()
        .map(|(field, scalar)| column(field, scalar, dialect))
        .collect();
    let primary_key = model.primary_key.as_ref().map(|pk| PrimaryKeyDef {
        name: match dialect {
            Dialect::Postgres => Some(pk.constraint_name.get(dialect).clone()),
            Dialect::Sqlite => None,
        },
        columns: pk.columns.clone(),
    });
    let checks = model
        .checks
        .iter()
        .map(|c| CheckDef {
            name: c.constraint_name.get(dialect).clone(),
            expression: c.expression.clone(),
        })
        .collect();
    let mut indexes = Vec::new();
    for u in &model.uniques {
        indexes.push(IndexDef {
            name: u.constraint_name.get(dialect).clone(),
            table: model.table_name.clone(),
            columns: index_columns(&u.columns),
            unique: true,
            method: None,
            predicate: None,
        });
    }
    for i in &model.indexes {
        indexes.push(IndexDef {
            name: i.name.get(dialect).clone(),
            table: model.table_name.clone(),
            columns: index_columns(&i.columns),
            unique: false,
            method: match (dialect, i.index_type) {
                (Dialect::Postgres, Some(t)) if t != IndexType::BTree => Some(t),
                _ => None,
            },
            predicate: i.predicate.clone(),
        });
    }
    let table = TableDef {
        name: model.table_name.clone(),
        columns,
        primary_key,
        checks,
        foreign_keys: Vec::new(),
    };
    (table, indexes)
}

fn index_columns(columns: &[ormgen_schema::IndexColumn]) -> Vec<IndexColumnDef> {
    columns
        .iter()
        .map(|c| IndexColumnDef {
            name: c.column.clone(),
            sort: c.sort,
            ops: c.ops.clone(),
        })
        .collect()
}

/// The join table of an implicit many-to-many relation, as Prisma 6 creates
/// it: columns `A` and `B`, (A, B) the primary key on PostgreSQL or a unique
/// index on SQLite, an index on `B`, cascading foreign keys.
fn join_table(schema: &Schema, join: &JoinTable, dialect: Dialect) -> (TableDef, Vec<IndexDef>) {
    let name = |ir_name: &str, suffix: &str| {
        join_constraint_name(&join.table_name, ir_name, suffix, dialect)
    };
    let columns = [&join.a, &join.b]
        .into_iter()
        .map(|c| ColumnDef {
            name: c.name.clone(),
            sql_type: c.sql_type.get(dialect).clone(),
            nullable: false,
            default: None,
            autoincrement: false,
        })
        .collect();
    let ab = vec![join.a.name.clone(), join.b.name.clone()];
    let mut indexes = Vec::new();
    let primary_key = if JoinTable::ab_is_primary_key(dialect) {
        Some(PrimaryKeyDef {
            name: Some(name(&join.primary_key_name, "_AB_pkey")),
            columns: ab,
        })
    } else {
        indexes.push(IndexDef {
            name: name(&join.unique_index_name, "_AB_unique"),
            table: join.table_name.clone(),
            columns: ab
                .into_iter()
                .map(|name| IndexColumnDef {
                    name,
                    sort: None,
                    ops: None,
                })
                .collect(),
            unique: true,
            method: None,
            predicate: None,
        });
        None
    };
    indexes.push(IndexDef {
        name: name(&join.b_index_name, "_B_index"),
        table: join.table_name.clone(),
        columns: vec![IndexColumnDef {
            name: join.b.name.clone(),
            sort: None,
            ops: None,
        }],
        unique: false,
        method: None,
        predicate: None,
    });
    let foreign_keys = if schema.relation_mode == RelationMode::ForeignKeys {
        [&join.a, &join.b]
            .into_iter()
            .map(|c| ForeignKeyDef {
                name: name(&c.fk_name, &format!("_{}_fkey", c.name)),
                table: join.table_name.clone(),
                columns: vec![c.name.clone()],
                referenced_table: c.referenced_table.clone(),
                referenced_columns: vec![c.referenced_column.clone()],
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::Cascade,
            })
            .collect()
    } else {
        Vec::new()
    };
    let table = TableDef {
        name: join.table_name.clone(),
        columns,
        primary_key,
        checks: Vec::new(),
        foreign_keys,
    };
    (table, indexes)
}

/// A join table's constraint name as the dialect can hold it. The IR gives
/// `{table}{suffix}` untruncated; on PostgreSQL a name over 63 bytes would
/// be cut by the server, making `_X_A_fkey` and `_X_B_fkey` (and the primary
/// key and the table) collide. Such names get Prisma's default-name rule
/// instead: the table part cut to `63 − len(suffix)` bytes on a character
/// boundary, then the suffix.
fn join_constraint_name(table: &str, ir_name: &str, suffix: &str, dialect: Dialect) -> String {
    let max = dialect.max_identifier_length();
    if ir_name.len() <= max || ir_name != format!("{table}{suffix}") {
        return ir_name.to_owned();
    }
    let mut end = max.saturating_sub(suffix.len()).min(table.len());
    while !table.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &table[..end])
}

fn column(field: &Field, scalar: &ScalarField, dialect: Dialect) -> ColumnDef {
    let autoincrement = matches!(scalar.default, Some(DefaultValue::Autoincrement));
    let list = field.arity == Arity::List;
    let sql_type = match (&scalar.psl_type, dialect) {
        // SQLite's AUTOINCREMENT needs an INTEGER PRIMARY KEY (BigInt too).
        (_, Dialect::Sqlite) if autoincrement => "INTEGER".to_owned(),
        _ => scalar.sql_type.get(dialect).clone(),
    };
    let default = scalar
        .default
        .as_ref()
        .and_then(|d| default_sql(d, &scalar.psl_type, &sql_type, dialect));
    ColumnDef {
        name: scalar.column_name.clone(),
        nullable: field.arity == Arity::Optional || (list && dialect == Dialect::Postgres),
        sql_type,
        default,
        autoincrement,
    }
}

/// A default as SQL for the dialect; `None` when the database has no
/// default (runtime-generated values, `autoincrement()`, empty
/// `dbgenerated()`).
/// The part of an RFC 3339 default (validated) that a `DATE`, `TIME` or `TIMETZ`
/// column takes: PostgreSQL rejects a full timestamp literal for `TIME`/`TIMETZ`.
/// The date and time are taken as written (the offset is kept only for `TIMETZ`),
/// as the generated code's default does.
fn time_part_literal<'s>(s: &'s str, sql_type: &str) -> Option<&'s str> {
    let base = sql_type.split('(').next().unwrap_or(sql_type);
    let zone = s.get(19..)?.find(['Z', 'z', '+', '-']).map(|i| i + 19)?;
    match base {
        "DATE" => s.get(..10),
        "TIME" => s.get(11..zone),
        "TIMETZ" => s.get(11..),
        _ => None,
    }
}

fn default_sql(
    value: &DefaultValue,
    ty: &PslType,
    sql_type: &str,
    dialect: Dialect,
) -> Option<String> {
    match value {
        DefaultValue::Autoincrement
        | DefaultValue::Uuid(_)
        | DefaultValue::Cuid(_)
        | DefaultValue::Nanoid(_)
        | DefaultValue::Ulid => None,
        DefaultValue::DbGenerated(sql) if sql.trim().is_empty() => None,
        DefaultValue::DbGenerated(sql) => Some(sql.clone()),
        DefaultValue::Now => Some("CURRENT_TIMESTAMP".to_owned()),
        DefaultValue::List(items) => match dialect {
            Dialect::Postgres => {
                let items: Vec<String> = items
                    .iter()
                    .filter_map(|i| default_sql(i, ty, sql_type, dialect))
                    .collect();
                Some(format!("ARRAY[{}]::{sql_type}", items.join(", ")))
            }
            // SQLite has no arrays (the validator rejects list fields there).
            Dialect::Sqlite => None,
        },
        DefaultValue::String(s) if *ty == PslType::Bytes => Some(bytes_literal(s, dialect)),
        DefaultValue::String(s) if *ty == PslType::DateTime => {
            Some(quote_literal(time_part_literal(s, sql_type).unwrap_or(s)))
        }
        DefaultValue::String(s) => Some(quote_literal(s)),
        DefaultValue::Int(i) => Some(i.to_string()),
        DefaultValue::Float(s) | DefaultValue::Decimal(s) => Some(s.clone()),
        DefaultValue::Bool(b) => Some(b.to_string()),
        DefaultValue::Enum { db_value, .. } => Some(quote_literal(db_value)),
    }
}

/// A `Bytes` default: PSL writes base64; PostgreSQL gets a hex `bytea`
/// literal (`'\x0102'`), SQLite a blob literal (`X'0102'`). Text that is not
/// base64 is stored as its UTF-8 bytes.
fn bytes_literal(base64: &str, dialect: Dialect) -> String {
    let bytes = decode_base64(base64).unwrap_or_else(|| base64.as_bytes().to_vec());
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    match dialect {
        Dialect::Postgres => format!("'\\x{hex}'"),
        Dialect::Sqlite => format!("X'{hex}'"),
    }
}

/// Standard base64 (with or without padding); `None` if not base64.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(decode_base64("AQID"), Some(vec![1, 2, 3]));
        assert_eq!(decode_base64(""), Some(vec![]));
        assert_eq!(decode_base64("aGk="), Some(b"hi".to_vec()));
        assert_eq!(decode_base64("aGk"), Some(b"hi".to_vec()));
        assert_eq!(decode_base64("a"), None);
        assert_eq!(decode_base64("a b"), None);
        assert_eq!(bytes_literal("AQID", Dialect::Postgres), "'\\x010203'");
        assert_eq!(bytes_literal("AQID", Dialect::Sqlite), "X'010203'");
    }
}
