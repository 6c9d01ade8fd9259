//! What a schema creates on one dialect, as a catalog to diff: extensions,
//! enums, and
//! tables with all their foreign keys (inline or added later) and indexes.

use ormgen_schema::{Dialect, Schema};

use crate::ddl::{EnumDef, ExtensionDef, IndexDef, Op, TableDef, create_ops};

/// A table and its indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableState {
    /// The table, every foreign key included.
    pub def: TableDef,
    /// Its unique constraints and indexes.
    pub indexes: Vec<IndexDef>,
}

/// Everything a schema creates on one dialect, in creation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// PostgreSQL extensions by name (none on SQLite).
    pub extensions: Vec<ExtensionDef>,
    /// PostgreSQL enum types (none on SQLite).
    pub enums: Vec<EnumDef>,
    /// Tables in dependency order.
    pub tables: Vec<TableState>,
}

impl Catalog {
    /// The catalog of `schema` on `dialect` (what `create_all` creates).
    pub fn of(schema: &Schema, dialect: Dialect) -> Catalog {
        let mut c = Catalog::default();
        for op in create_ops(schema, dialect) {
            match op {
                Op::CreateExtension(e) => c.extensions.push(e),
                Op::CreateEnum(e) => c.enums.push(e),
                Op::CreateTable(def) => c.tables.push(TableState {
                    def,
                    indexes: Vec::new(),
                }),
                Op::CreateIndex(i) => {
                    if let Some(t) = c.tables.iter_mut().find(|t| t.def.name == i.table) {
                        t.indexes.push(i);
                    }
                }
                Op::AddForeignKey(fk) => {
                    if let Some(t) = c.tables.iter_mut().find(|t| t.def.name == fk.table) {
                        t.def.foreign_keys.push(fk);
                    }
                }
                Op::DropExtension { .. }
                | Op::DropEnum { .. }
                | Op::DropTable { .. }
                | Op::DropIndex { .. }
                | Op::DropForeignKey { .. } => {}
            }
        }
        c
    }

    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&TableState> {
        self.tables.iter().find(|t| t.def.name == name)
    }

    /// The enum named `name`.
    pub fn enum_(&self, name: &str) -> Option<&EnumDef> {
        self.enums.iter().find(|e| e.name == name)
    }
}
