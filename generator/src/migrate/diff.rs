//! The steps that take a database from one catalog to another, per dialect.
//!
//! Order of the steps (each group in catalog order):
//! 0. new extensions are created, changed ones moved or updated (PostgreSQL);
//! 1. new enums and added enum values (PostgreSQL);
//! 2. foreign keys and indexes that go away or change are dropped;
//! 3. renamed tables and (PostgreSQL) renamed columns are renamed;
//! 4. enums that lose values are recreated and their columns converted;
//! 5. new tables are created (PostgreSQL: their foreign keys come in step 8);
//! 6. columns are added, altered and dropped, primary keys and checks
//!    changed (PostgreSQL with `ALTER TABLE`; SQLite adds nullable or
//!    defaulted columns and renames columns in place and rebuilds the table
//!    for everything else);
//! 7. tables that go away are dropped;
//! 8. new and changed indexes and foreign keys are created;
//! 9. enums that go away are dropped;
//! 10. extensions that go away are dropped (PostgreSQL).

use std::collections::BTreeSet;

use ormgen_schema::Dialect;

use super::catalog::{Catalog, TableState};
use crate::ddl::{
    ColumnDef, EnumDef, ForeignKeyDef, Op, RenderMode, TableDef, quote_ident, quote_literal, render,
};

/// Renames declared with `@renamedFrom` / `@@renamedFrom`, as database names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// `(from table, to table)`.
    pub tables: Vec<(String, String)>,
    /// `(to table, from column, to column)`.
    pub columns: Vec<(String, String, String)>,
}

impl Renames {
    /// The same renames, the other way round (for the down migration).
    pub fn inverse(&self) -> Renames {
        let back = |to_table: &str| {
            self.tables
                .iter()
                .find(|(_, to)| to == to_table)
                .map_or(to_table.to_owned(), |(from, _)| from.clone())
        };
        Renames {
            tables: self
                .tables
                .iter()
                .map(|(a, b)| (b.clone(), a.clone()))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|(t, a, b)| (back(t), b.clone(), a.clone()))
                .collect(),
        }
    }
}

/// One step of a migration: its statements and, when it can lose data or
/// fail on existing rows, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The statements, without trailing `;`.
    pub sql: Vec<String>,
    /// Set for destructive steps (dropping a table or column, narrowing a
    /// type, adding `NOT NULL` without a default, removing enum values).
    pub warning: Option<String>,
}

impl Step {
    fn plain(sql: Vec<String>) -> Step {
        Step { sql, warning: None }
    }
    fn one(sql: String) -> Step {
        Step::plain(vec![sql])
    }
    fn warn(sql: Vec<String>, warning: String) -> Step {
        Step {
            sql,
            warning: Some(warning),
        }
    }
}

fn r(op: &Op, d: Dialect) -> Vec<String> {
    // Rendering only fails for foreign-key changes on SQLite, which this
    // module never asks for (they rebuild the table).
    render(op, d, RenderMode::Plain).unwrap_or_default()
}

/// A table of `to` and the table of `from` it comes from, if any.
struct Pair<'a> {
    from: Option<&'a TableState>,
    to: &'a TableState,
}

fn source_table<'a>(
    from: &'a Catalog,
    to: &Catalog,
    name: &str,
    ren: &Renames,
) -> Option<&'a TableState> {
    if let Some((old, _)) = ren.tables.iter().find(|(_, new)| new == name)
        && to.table(old).is_none()
        && let Some(t) = from.table(old)
    {
        return Some(t);
    }
    from.table(name)
}

/// The old column a column of table `to_table` comes from.
fn source_column<'a>(
    from: &'a TableDef,
    to: &TableDef,
    col: &str,
    ren: &Renames,
) -> Option<&'a ColumnDef> {
    if let Some((_, old, _)) = ren
        .columns
        .iter()
        .find(|(t, _, new)| *t == to.name && new == col)
        && !to.columns.iter().any(|c| c.name == *old)
        && let Some(c) = from.columns.iter().find(|c| c.name == *old)
    {
        return Some(c);
    }
    from.columns.iter().find(|c| c.name == col)
}

/// PostgreSQL's `SERIAL` family as the integer types `ALTER COLUMN TYPE` takes.
fn base_type(t: &str) -> &str {
    match t {
        "SERIAL" => "INTEGER",
        "BIGSERIAL" => "BIGINT",
        "SMALLSERIAL" => "SMALLINT",
        other => other,
    }
}

/// Type changes that cannot lose data.
fn widens(from: &str, to: &str) -> bool {
    let (from, to) = (base_type(from), base_type(to));
    matches!(
        (from, to),
        ("SMALLINT", "INTEGER" | "BIGINT")
            | ("INTEGER", "BIGINT")
            | ("REAL", "DOUBLE PRECISION")
            | (_, "TEXT")
    ) || (from.starts_with("VARCHAR") && to == "TEXT")
}

/// The steps from `from` to `to` on dialect `d`.
pub fn diff(from: &Catalog, to: &Catalog, ren: &Renames, d: Dialect) -> Vec<Step> {
    let mut steps = Vec::new();
    let pairs: Vec<Pair<'_>> = to
        .tables
        .iter()
        .map(|t| Pair {
            from: source_table(from, to, &t.def.name, ren),
            to: t,
        })
        .collect();
    let kept: BTreeSet<&str> = pairs
        .iter()
        .filter_map(|p| p.from.map(|f| f.def.name.as_str()))
        .collect();
    let dropped: Vec<&TableState> = from
        .tables
        .iter()
        .filter(|t| !kept.contains(t.def.name.as_str()))
        .collect();
    // SQLite tables rebuilt in step 6 (their indexes and keys are recreated).
    let rebuilt: Vec<&str> = match d {
        Dialect::Postgres => Vec::new(),
        Dialect::Sqlite => pairs
            .iter()
            .filter(|p| {
                p.from
                    .is_some_and(|f| needs_rebuild(&f.def, &p.to.def, ren))
            })
            .map(|p| p.to.def.name.as_str())
            .collect(),
    };

    // 0. Extensions (the types of new columns may come from them).
    if d == Dialect::Postgres {
        for e in &to.extensions {
            let name = quote_ident(&e.name);
            match from.extensions.iter().find(|x| x.name == e.name) {
                None => steps.push(Step::plain(r(&Op::CreateExtension(e.clone()), d))),
                Some(old) => {
                    if let Some(s) = e
                        .schema
                        .as_ref()
                        .filter(|s| old.schema.as_ref() != Some(*s))
                    {
                        steps.push(Step::one(format!(
                            "ALTER EXTENSION {name} SET SCHEMA {}",
                            quote_ident(s)
                        )));
                    }
                    if let Some(v) = e
                        .version
                        .as_ref()
                        .filter(|v| old.version.as_ref() != Some(*v))
                    {
                        steps.push(Step::one(format!(
                            "ALTER EXTENSION {name} UPDATE TO {}",
                            quote_ident(v)
                        )));
                    }
                }
            }
        }
    }

    // 1. Enums.
    let mut recreated: Vec<(&EnumDef, Vec<String>)> = Vec::new();
    if d == Dialect::Postgres {
        for e in &to.enums {
            match from.enum_(&e.name) {
                None => steps.push(Step::plain(r(&Op::CreateEnum(e.clone()), d))),
                Some(old) => {
                    let removed: Vec<String> = old
                        .values
                        .iter()
                        .filter(|v| !e.values.contains(v))
                        .cloned()
                        .collect();
                    if removed.is_empty() {
                        // Each new value goes right after its predecessor in the
                        // new order (or before the first old value), so the type
                        // ends up ordered as declared.
                        for (i, v) in e.values.iter().enumerate() {
                            if old.values.contains(v) {
                                continue;
                            }
                            let place = match (i.checked_sub(1), old.values.first()) {
                                (Some(p), _) => format!(" AFTER {}", quote_literal(&e.values[p])),
                                (None, Some(first)) => format!(" BEFORE {}", quote_literal(first)),
                                (None, None) => String::new(),
                            };
                            steps.push(Step::one(format!(
                                "ALTER TYPE {} ADD VALUE {}{place}",
                                quote_ident(&e.name),
                                quote_literal(v)
                            )));
                        }
                    } else {
                        recreated.push((e, removed));
                    }
                }
            }
        }
    }

    // 2. Foreign keys and indexes that go away or change.
    for p in &pairs {
        let Some(f) = p.from else { continue };
        let rebuild = rebuilt.contains(&p.to.def.name.as_str());
        if d == Dialect::Postgres {
            for fk in &f.def.foreign_keys {
                if !p.to.def.foreign_keys.contains(fk) {
                    steps.push(Step::plain(r(
                        &Op::DropForeignKey {
                            table: fk.table.clone(),
                            name: fk.name.clone(),
                        },
                        d,
                    )));
                }
            }
        }
        for i in &f.indexes {
            if rebuild || !p.to.indexes.contains(i) {
                steps.push(Step::plain(r(
                    &Op::DropIndex {
                        table: i.table.clone(),
                        name: i.name.clone(),
                    },
                    d,
                )));
            }
        }
    }
    if d == Dialect::Postgres {
        for t in &dropped {
            for fk in &t.def.foreign_keys {
                steps.push(Step::plain(r(
                    &Op::DropForeignKey {
                        table: fk.table.clone(),
                        name: fk.name.clone(),
                    },
                    d,
                )));
            }
        }
    }

    // 3. Renames.
    for p in &pairs {
        let Some(f) = p.from else { continue };
        if f.def.name != p.to.def.name {
            steps.push(Step::one(format!(
                "ALTER TABLE {} RENAME TO {}",
                quote_ident(&f.def.name),
                quote_ident(&p.to.def.name)
            )));
        }
        // Same key under a new name (the table's, or a `map:`): rename the
        // constraint; a changed key is dropped and added in step 6.
        if d == Dialect::Postgres
            && !key_changed(&f.def, &p.to.def, ren)
            && let (Some(a), Some(b)) = (&f.def.primary_key, &p.to.def.primary_key)
            && let (Some(an), Some(bn)) = (&a.name, &b.name)
            && an != bn
        {
            steps.push(Step::one(format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                quote_ident(&p.to.def.name),
                quote_ident(an),
                quote_ident(bn)
            )));
        }
        if rebuilt.contains(&p.to.def.name.as_str()) {
            continue;
        }
        for c in &p.to.def.columns {
            if let Some(old) = source_column(&f.def, &p.to.def, &c.name, ren)
                && old.name != c.name
            {
                steps.push(Step::one(format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    quote_ident(&p.to.def.name),
                    quote_ident(&old.name),
                    quote_ident(&c.name)
                )));
            }
        }
    }

    // 4. Enums that lose values: a new type, columns converted through text.
    for (e, removed) in &recreated {
        let old = format!("{}_old", e.name);
        let ty = quote_ident(&e.name);
        let mut sql = vec![
            format!("ALTER TYPE {ty} RENAME TO {}", quote_ident(&old)),
            r(&Op::CreateEnum((*e).clone()), d).concat(),
        ];
        for p in &pairs {
            let Some(f) = p.from else { continue };
            for c in &p.to.def.columns {
                let was = source_column(&f.def, &p.to.def, &c.name, ren);
                let array = format!("{ty}[]");
                if was.is_none_or(|w| w.sql_type != c.sql_type)
                    || (c.sql_type != ty && c.sql_type != array)
                {
                    continue;
                }
                let (t, col) = (quote_ident(&p.to.def.name), quote_ident(&c.name));
                if c.default.is_some() {
                    sql.push(format!("ALTER TABLE {t} ALTER COLUMN {col} DROP DEFAULT"));
                }
                sql.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {col} TYPE {} USING ({col}::text{}::{})",
                    c.sql_type,
                    if c.sql_type == array { "[]" } else { "" },
                    c.sql_type
                ));
                if let Some(def) = &c.default {
                    sql.push(format!(
                        "ALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {def}"
                    ));
                }
            }
        }
        sql.push(format!("DROP TYPE {}", quote_ident(&old)));
        steps.push(Step::warn(
            sql,
            format!(
                "enum `{}` loses value(s) {}: rows holding them make this step fail",
                e.name,
                removed.join(", ")
            ),
        ));
    }

    // 5. New tables.
    for p in pairs.iter().filter(|p| p.from.is_none()) {
        let mut def = p.to.def.clone();
        if d == Dialect::Postgres {
            def.foreign_keys.clear();
        }
        steps.push(Step::plain(r(&Op::CreateTable(def), d)));
    }

    // 6. Changed tables.
    for p in &pairs {
        let Some(f) = p.from else { continue };
        match d {
            Dialect::Postgres => alter_postgres(&mut steps, &f.def, &p.to.def, ren),
            Dialect::Sqlite if rebuilt.contains(&p.to.def.name.as_str()) => {
                steps.push(rebuild_sqlite(&f.def, &p.to.def, ren));
            }
            Dialect::Sqlite => add_columns_sqlite(&mut steps, &f.def, &p.to.def, ren),
        }
    }

    // 7. Tables that go away (dependents first).
    for t in dropped.iter().rev() {
        steps.push(Step::warn(
            r(
                &Op::DropTable {
                    name: t.def.name.clone(),
                },
                d,
            ),
            format!("drops table `{}` and its rows", t.def.name),
        ));
    }

    // 8. New and changed indexes and foreign keys.
    for p in &pairs {
        let rebuild = rebuilt.contains(&p.to.def.name.as_str());
        for i in &p.to.indexes {
            if rebuild || !p.from.is_some_and(|f| f.indexes.contains(i)) {
                steps.push(Step::plain(r(&Op::CreateIndex(i.clone()), d)));
            }
        }
    }
    if d == Dialect::Postgres {
        for p in &pairs {
            for fk in &p.to.def.foreign_keys {
                if !p.from.is_some_and(|f| f.def.foreign_keys.contains(fk)) {
                    steps.push(Step::plain(r(&Op::AddForeignKey(fk.clone()), d)));
                }
            }
        }
    }

    // 9. Enums that go away.
    for e in &from.enums {
        if to.enum_(&e.name).is_none() {
            steps.push(Step::plain(r(
                &Op::DropEnum {
                    name: e.name.clone(),
                },
                d,
            )));
        }
    }
    // 10. Extensions that go away (after the columns that used their types).
    for e in &from.extensions {
        if !to.extensions.iter().any(|x| x.name == e.name) {
            steps.push(Step::plain(r(
                &Op::DropExtension {
                    name: e.name.clone(),
                },
                d,
            )));
        }
    }
    steps.retain(|s| !s.sql.is_empty());
    steps
}

/// `ALTER TABLE` steps for a table in both catalogs (PostgreSQL).
fn alter_postgres(steps: &mut Vec<Step>, from: &TableDef, to: &TableDef, ren: &Renames) {
    let t = quote_ident(&to.name);
    // Checks and the primary key that change go first.
    for c in &from.checks {
        if !to.checks.contains(c) {
            steps.push(Step::one(format!(
                "ALTER TABLE {t} DROP CONSTRAINT {}",
                quote_ident(&c.name)
            )));
        }
    }
    let pk_changed = key_changed(from, to, ren);
    // A changed key still has its old name (step 3 renames unchanged keys only).
    if pk_changed && let Some(pk) = &from.primary_key {
        let name = pk
            .name
            .clone()
            .unwrap_or_else(|| format!("{}_pkey", from.name));
        steps.push(Step::one(format!(
            "ALTER TABLE {t} DROP CONSTRAINT {}",
            quote_ident(&name)
        )));
    }
    for c in &to.columns {
        let col = quote_ident(&c.name);
        match source_column(from, to, &c.name, ren) {
            None => {
                let mut sql = format!("ALTER TABLE {t} ADD COLUMN {col} {}", c.sql_type);
                if !c.nullable {
                    sql.push_str(" NOT NULL");
                }
                if let Some(def) = &c.default {
                    sql.push_str(" DEFAULT ");
                    sql.push_str(def);
                }
                if !c.nullable && c.default.is_none() && !c.autoincrement {
                    steps.push(Step::warn(
                        vec![sql],
                        format!(
                            "adds required column `{}`.`{}` without a default: fails if the table has rows",
                            to.name, c.name
                        ),
                    ));
                } else {
                    steps.push(Step::one(sql));
                }
            }
            Some(old) => {
                if base_type(&old.sql_type) != base_type(&c.sql_type) {
                    let ty = base_type(&c.sql_type);
                    let sql =
                        format!("ALTER TABLE {t} ALTER COLUMN {col} TYPE {ty} USING ({col}::{ty})");
                    if widens(&old.sql_type, &c.sql_type) {
                        steps.push(Step::one(sql));
                    } else {
                        steps.push(Step::warn(
                            vec![sql],
                            format!(
                                "changes the type of `{}`.`{}` from {} to {}: values that do not fit make this step fail",
                                to.name, c.name, old.sql_type, c.sql_type
                            ),
                        ));
                    }
                }
                if old.default != c.default && !c.autoincrement && !old.autoincrement {
                    steps.push(Step::one(match &c.default {
                        Some(def) => {
                            format!("ALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {def}")
                        }
                        None => format!("ALTER TABLE {t} ALTER COLUMN {col} DROP DEFAULT"),
                    }));
                }
                if old.nullable && !c.nullable {
                    steps.push(Step::warn(
                        vec![format!("ALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL")],
                        format!(
                            "makes `{}`.`{}` required: fails if a row holds NULL",
                            to.name, c.name
                        ),
                    ));
                } else if !old.nullable && c.nullable {
                    steps.push(Step::one(format!(
                        "ALTER TABLE {t} ALTER COLUMN {col} DROP NOT NULL"
                    )));
                }
            }
        }
    }
    for old in dropped_columns(from, to, ren) {
        steps.push(Step::warn(
            vec![format!(
                "ALTER TABLE {t} DROP COLUMN {}",
                quote_ident(&old.name)
            )],
            format!("drops column `{}`.`{}` and its values", to.name, old.name),
        ));
    }
    if pk_changed && let Some(pk) = &to.primary_key {
        let cols: Vec<String> = pk.columns.iter().map(|c| quote_ident(c)).collect();
        steps.push(Step::one(match &pk.name {
            Some(n) => format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} PRIMARY KEY ({})",
                quote_ident(n),
                cols.join(", ")
            ),
            None => format!("ALTER TABLE {t} ADD PRIMARY KEY ({})", cols.join(", ")),
        }));
    }
    for c in &to.checks {
        if !from.checks.contains(c) {
            steps.push(Step::one(format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} CHECK ({})",
                quote_ident(&c.name),
                c.expression
            )));
        }
    }
}

/// Whether SQLite needs the table rebuilt to get from `from` to `to`: any
/// change but renamed columns and added columns `ALTER TABLE ADD COLUMN`
/// can take (nullable or with a default, not in the key).
fn needs_rebuild(from: &TableDef, to: &TableDef, ren: &Renames) -> bool {
    let fks = |t: &TableDef| -> Vec<ForeignKeyDef> {
        let mut v = t.foreign_keys.clone();
        for fk in &mut v {
            fk.table.clear();
        }
        v
    };
    if fks(from) != fks(to) || from.checks != to.checks {
        return true;
    }
    let mut kept = 0;
    for c in &to.columns {
        match source_column(from, to, &c.name, ren) {
            Some(old) => {
                kept += 1;
                let same = ColumnDef {
                    name: c.name.clone(),
                    ..old.clone()
                };
                if same != *c {
                    return true;
                }
            }
            None => {
                let in_key = to
                    .primary_key
                    .as_ref()
                    .is_some_and(|k| k.columns.contains(&c.name));
                if in_key || (!c.nullable && c.default.is_none()) || c.autoincrement {
                    return true;
                }
            }
        }
    }
    if kept != from.columns.len() {
        return true;
    }
    key_changed(from, to, ren)
}

/// Whether the primary key's columns change (renamed columns count as the same).
fn key_changed(from: &TableDef, to: &TableDef, ren: &Renames) -> bool {
    let key_of = |t: &TableDef| t.primary_key.as_ref().map(|k| k.columns.clone());
    let mapped: Option<Vec<String>> = key_of(from).map(|cols| {
        cols.iter()
            .map(|c| {
                to.columns
                    .iter()
                    .find(|n| source_column(from, to, &n.name, ren).is_some_and(|o| o.name == *c))
                    .map_or(c.clone(), |n| n.name.clone())
            })
            .collect()
    });
    mapped != key_of(to)
}

/// The columns of `from` that no column of `to` comes from.
fn dropped_columns<'a>(from: &'a TableDef, to: &TableDef, ren: &Renames) -> Vec<&'a ColumnDef> {
    from.columns
        .iter()
        .filter(|old| {
            !to.columns
                .iter()
                .any(|c| source_column(from, to, &c.name, ren).is_some_and(|o| o.name == old.name))
        })
        .collect()
}

/// `ALTER TABLE ADD COLUMN` steps for a SQLite table that needs no rebuild.
fn add_columns_sqlite(steps: &mut Vec<Step>, from: &TableDef, to: &TableDef, ren: &Renames) {
    for c in &to.columns {
        if source_column(from, to, &c.name, ren).is_some() {
            continue;
        }
        let mut sql = format!(
            "ALTER TABLE {} ADD COLUMN {} {}",
            quote_ident(&to.name),
            quote_ident(&c.name),
            c.sql_type
        );
        if !c.nullable {
            sql.push_str(" NOT NULL");
        }
        if let Some(def) = &c.default {
            sql.push_str(" DEFAULT ");
            sql.push_str(def);
        }
        steps.push(Step::one(sql));
    }
}

/// SQLite's table rebuild: a new table under a temporary name, the rows
/// copied (renamed columns from their old names), the old table dropped and
/// the new one renamed. Indexes are recreated in step 8; the runner checks
/// foreign keys afterwards (`PRAGMA foreign_key_check`).
fn rebuild_sqlite(from: &TableDef, to: &TableDef, ren: &Renames) -> Step {
    let temp = format!("_ormgen_new_{}", to.name);
    let mut def = to.clone();
    def.name = temp.clone();
    let mut sql = r(&Op::CreateTable(def), Dialect::Sqlite);
    let mut into = Vec::new();
    let mut select = Vec::new();
    let mut warnings = Vec::new();
    for c in &to.columns {
        match source_column(from, to, &c.name, ren) {
            Some(old) => {
                into.push(quote_ident(&c.name));
                select.push(quote_ident(&old.name));
                if old.nullable && !c.nullable {
                    warnings.push(format!(
                        "makes `{}`.`{}` required: fails if a row holds NULL",
                        to.name, c.name
                    ));
                }
                if old.sql_type != c.sql_type && !widens(&old.sql_type, &c.sql_type) {
                    warnings.push(format!(
                        "changes the type of `{}`.`{}` from {} to {}",
                        to.name, c.name, old.sql_type, c.sql_type
                    ));
                }
            }
            None if !c.nullable && c.default.is_none() && !c.autoincrement => {
                warnings.push(format!(
                    "adds required column `{}`.`{}` without a default: fails if the table has rows",
                    to.name, c.name
                ));
            }
            None => {}
        }
    }
    for old in dropped_columns(from, to, ren) {
        warnings.push(format!(
            "drops column `{}`.`{}` and its values",
            to.name, old.name
        ));
    }
    // The table was renamed (if at all) in step 3, so rows come from `to.name`.
    if !into.is_empty() {
        sql.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            quote_ident(&temp),
            into.join(", "),
            select.join(", "),
            quote_ident(&to.name)
        ));
    }
    sql.push(format!("DROP TABLE {}", quote_ident(&to.name)));
    sql.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote_ident(&temp),
        quote_ident(&to.name)
    ));
    Step {
        sql,
        warning: (!warnings.is_empty()).then(|| warnings.join("; ")),
    }
}
