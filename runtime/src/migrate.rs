//! Applying versioned migrations: the folders `ormgen migrate diff` writes
//! (`<version>_<name>/up.<dialect>.sql`, `down.<dialect>.sql`), or
//! migrations embedded in the binary ([`Migration::new`]).
//!
//! - A version table, `_ormgen_migrations`, records each applied migration's
//!   version, name, checksum (SHA-256 of its up and down scripts for the
//!   dialect) and the time it was applied. A migration whose scripts changed
//!   after it was applied is refused ([`Error::Migration`]) by every command.
//! - Each migration runs in one transaction together with its version row,
//!   so a failure leaves the database at the previous version.
//! - On PostgreSQL the whole run holds an advisory lock, so concurrent runs
//!   are serialized and each migration is applied exactly once; each
//!   migration also re-reads the version table inside its transaction.
//! - On SQLite, foreign keys are switched off around each migration (table
//!   rebuilds drop and recreate referenced tables) and `PRAGMA
//!   foreign_key_check` must come back empty before it commits.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::{Dialect, Engine, Error, Result, Session};

mod sqlite_sql;

/// The version table's name.
pub const VERSION_TABLE: &str = "_ormgen_migrations";

/// The advisory-lock key that serializes migration runs on PostgreSQL.
const LOCK_KEY: i64 = 0x6f72_6d67_656e_6d67; // "ormgenmg"

/// A database's schema as normalized facts per table (and per enum), from
/// [`introspect`]: two databases with equal snapshots have the same tables,
/// columns, keys, constraints, indexes and enums.
pub type Snapshot = BTreeMap<String, Vec<String>>;

/// One migration for one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// Its version (the folder's timestamp prefix); versions sort in apply order.
    pub version: String,
    /// Its name (the rest of the folder name).
    pub name: String,
    /// The script that applies it.
    pub up: String,
    /// The script that reverts it.
    pub down: String,
}

impl Migration {
    /// A migration from its parts (for migrations embedded with `include_str!`).
    pub fn new(version: &str, name: &str, up: &str, down: &str) -> Migration {
        Migration {
            version: version.to_owned(),
            name: name.to_owned(),
            up: up.to_owned(),
            down: down.to_owned(),
        }
    }

    /// SHA-256 of the up and down scripts, as hex.
    pub fn checksum(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.up.as_bytes());
        h.update([0u8]);
        h.update(self.down.as_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A row of the version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// The checksum recorded when it was applied.
    pub checksum: String,
    /// When it was applied (RFC 3339, UTC).
    pub applied_at: String,
}

/// A migration and whether it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// When it was applied, if it was.
    pub applied_at: Option<String>,
}

/// The migrations of one dialect, in version order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrator {
    migrations: Vec<Migration>,
}

fn migration_error(message: impl Into<String>) -> Error {
    Error::Migration(message.into())
}

impl Migrator {
    /// Migrations given in any order (sorted by version here).
    pub fn new(mut migrations: Vec<Migration>) -> Result<Migrator> {
        migrations.sort_by(|a, b| a.version.cmp(&b.version));
        if let Some(w) = migrations.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(migration_error(format!(
                "two migrations have version {}",
                w[0].version
            )));
        }
        Ok(Migrator { migrations })
    }

    /// The migrations of a directory `ormgen migrate diff` writes to, for
    /// `dialect` (a missing directory has none).
    pub fn from_dir(dir: &Path, dialect: Dialect) -> Result<Migrator> {
        let suffix = match dialect {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
        };
        let read = |p: &Path| {
            std::fs::read_to_string(p)
                .map_err(|e| migration_error(format!("cannot read {}: {e}", p.display())))
        };
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Migrator::new(out),
            Err(e) => {
                return Err(migration_error(format!(
                    "cannot read {}: {e}",
                    dir.display()
                )));
            }
        };
        for entry in entries {
            let path = entry
                .map_err(|e| migration_error(format!("cannot read {}: {e}", dir.display())))?
                .path();
            let Some(folder) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some((version, name)) = folder.split_once('_') else {
                continue;
            };
            if !path.is_dir() || version.len() != 14 || !version.bytes().all(|b| b.is_ascii_digit())
            {
                continue;
            }
            out.push(Migration {
                version: version.to_owned(),
                name: name.to_owned(),
                up: read(&path.join(format!("up.{suffix}.sql")))?,
                down: read(&path.join(format!("down.{suffix}.sql")))?,
            });
        }
        Migrator::new(out)
    }

    /// The migrations, in version order.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The version table's rows, oldest first (creating the table if needed).
    pub fn history(&self, engine: &Engine) -> Result<Vec<Applied>> {
        let mut s = engine.session()?;
        let rows = applied(&mut s)?;
        s.commit()?;
        Ok(rows)
    }

    /// Every migration known here or recorded in the database, and whether it
    /// is applied. Fails when an applied migration's scripts changed.
    pub fn status(&self, engine: &Engine) -> Result<Vec<Status>> {
        let history = self.history(engine)?;
        self.verify(&history)?;
        Ok(self
            .migrations
            .iter()
            .map(|m| Status {
                version: m.version.clone(),
                name: m.name.clone(),
                applied_at: history
                    .iter()
                    .find(|a| a.version == m.version)
                    .map(|a| a.applied_at.clone()),
            })
            .collect())
    }

    fn verify(&self, history: &[Applied]) -> Result<()> {
        for a in history {
            match self.migrations.iter().find(|m| m.version == a.version) {
                Some(m) if m.checksum() != a.checksum => {
                    return Err(migration_error(format!(
                        "migration {}_{} was edited after it was applied (checksum {} in the database, {} on disk); \
                         revert the edit, or write a new migration",
                        m.version,
                        m.name,
                        short(&a.checksum),
                        short(&m.checksum())
                    )));
                }
                Some(_) => {}
                None => {
                    return Err(migration_error(format!(
                        "migration {}_{} is applied but missing here",
                        a.version, a.name
                    )));
                }
            }
        }
        Ok(())
    }

    /// Applies pending migrations in order, up to and including `to` (all
    /// when `None`). Returns the versions applied.
    pub fn up(&self, engine: &Engine, to: Option<&str>) -> Result<Vec<String>> {
        if let Some(v) = to
            && !self.migrations.iter().any(|m| m.version == v)
        {
            return Err(migration_error(format!("no migration has version {v}")));
        }
        locked(engine, |s| {
            let history = applied(s)?;
            self.verify(&history)?;
            s.commit()?;
            let mut done = Vec::new();
            for m in &self.migrations {
                if to.is_some_and(|v| m.version.as_str() > v) {
                    break;
                }
                if history.iter().any(|a| a.version == m.version) {
                    continue;
                }
                if run(s, m, Direction::Up)? {
                    done.push(m.version.clone());
                }
            }
            Ok(done)
        })
    }

    /// Reverts the last `steps` applied migrations, newest first. Returns the
    /// versions reverted.
    pub fn down(&self, engine: &Engine, steps: usize) -> Result<Vec<String>> {
        locked(engine, |s| {
            let history = applied(s)?;
            self.verify(&history)?;
            s.commit()?;
            let mut done = Vec::new();
            for a in history.iter().rev().take(steps) {
                let m = self
                    .migrations
                    .iter()
                    .find(|m| m.version == a.version)
                    .ok_or_else(|| {
                        migration_error(format!("migration {} is missing", a.version))
                    })?;
                if run(s, m, Direction::Down)? {
                    done.push(m.version.clone());
                }
            }
            Ok(done)
        })
    }

    /// Reverts the last applied migration and applies it again.
    pub fn redo(&self, engine: &Engine) -> Result<Option<String>> {
        let reverted = self.down(engine, 1)?;
        let Some(v) = reverted.first() else {
            return Ok(None);
        };
        self.up(engine, Some(v))?;
        Ok(Some(v.clone()))
    }
}

fn short(checksum: &str) -> &str {
    &checksum[..checksum.len().min(12)]
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

fn ensure_table(s: &mut Session) -> Result<()> {
    s.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS \"{VERSION_TABLE}\" (\
         \"version\" TEXT NOT NULL PRIMARY KEY, \"name\" TEXT NOT NULL, \
         \"checksum\" TEXT NOT NULL, \"applied_at\" TEXT NOT NULL)"
    ))
}

fn applied(s: &mut Session) -> Result<Vec<Applied>> {
    ensure_table(s)?;
    s.query_map(
        format!(
            "SELECT \"version\", \"name\", \"checksum\", \"applied_at\" FROM \"{VERSION_TABLE}\" ORDER BY \"version\""
        )
        .as_str(),
        (),
        |r| {
            Ok(Applied {
                version: r.get(0)?,
                name: r.get(1)?,
                checksum: r.get(2)?,
                applied_at: r.get(3)?,
            })
        },
    )
}

/// Runs `f` holding the migration lock (PostgreSQL: a session advisory lock).
fn locked<T>(engine: &Engine, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
    let mut s = engine.session()?;
    let lock = format!("SELECT pg_advisory_lock({LOCK_KEY})");
    let unlock = format!("SELECT pg_advisory_unlock({LOCK_KEY})");
    let pg = s.dialect() == Dialect::Postgres;
    guarded(&mut s, pg.then_some((lock.as_str(), unlock.as_str())), f)
}

/// Runs one migration in its own transaction; `false` when another run did
/// it first (seen in the version table inside the transaction).
fn run(s: &mut Session, m: &Migration, dir: Direction) -> Result<bool> {
    let sqlite = s.dialect() == Dialect::Sqlite;
    let fks_off = ("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON");
    guarded(s, sqlite.then_some(fks_off), |s| {
        run_in_transaction(s, m, dir, sqlite)
    })
}

/// Runs `f`, rolling its transaction back on error. With `(before, after)`,
/// `before` runs on the connection first (outside any transaction) and
/// `after` once `f` is done, whatever it returned; an error of `after` counts
/// only when `f` succeeded.
fn guarded<T>(
    s: &mut Session,
    around: Option<(&str, &str)>,
    f: impl FnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    if let Some((before, _)) = around {
        s.connection()?.batch_execute(before)?;
    }
    let r = f(s);
    if r.is_err() {
        let _ = s.rollback();
    }
    let undone = match around {
        Some((_, after)) => s.connection().and_then(|mut c| c.batch_execute(after)),
        None => Ok(()),
    };
    let v = r?;
    undone?;
    Ok(v)
}

fn run_in_transaction(
    s: &mut Session,
    m: &Migration,
    dir: Direction,
    sqlite: bool,
) -> Result<bool> {
    let id = format!("{}_{}", m.version, m.name);
    let recorded: Option<String> = s.query_first(
        format!("SELECT \"version\" FROM \"{VERSION_TABLE}\" WHERE \"version\" = $1").as_str(),
        (m.version.as_str(),),
    )?;
    if recorded.is_some() != (dir == Direction::Down) {
        s.rollback()?;
        return Ok(false);
    }
    let script = match dir {
        Direction::Up => &m.up,
        Direction::Down => &m.down,
    };
    s.batch_execute(script).map_err(|e| {
        migration_error(format!(
            "migration {id} failed {}: {e}; the database is still at the previous version",
            match dir {
                Direction::Up => "to apply",
                Direction::Down => "to revert",
            }
        ))
    })?;
    if sqlite {
        let broken: Vec<(String, String)> = s.query_map(
            "SELECT \"table\", \"parent\" FROM pragma_foreign_key_check",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if let Some((table, parent)) = broken.first() {
            return Err(migration_error(format!(
                "migration {id} leaves rows of `{table}` referencing missing rows of `{parent}`; \
                 the database is still at the previous version"
            )));
        }
    }
    match dir {
        Direction::Up => s.execute(
            format!(
                "INSERT INTO \"{VERSION_TABLE}\" (\"version\", \"name\", \"checksum\", \"applied_at\") VALUES ($1, $2, $3, $4)"
            )
            .as_str(),
            (
                m.version.as_str(),
                m.name.as_str(),
                m.checksum(),
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
        )?,
        Direction::Down => s.execute(
            format!("DELETE FROM \"{VERSION_TABLE}\" WHERE \"version\" = $1").as_str(),
            (m.version.as_str(),),
        )?,
    };
    s.commit()?;
    Ok(true)
}

/// What a database holds, normalized for comparing two databases: per table
/// its columns (name, type with its modifiers, nullability, default),
/// foreign keys (named; columns, referenced table and columns, actions),
/// checks, constraints and indexes (on SQLite read from the catalog, not
/// from their SQL text: name, uniqueness, key columns with order and
/// collation, a partial index's condition; and whether the table is
/// `AUTOINCREMENT`), and (PostgreSQL) per enum its values. The version table
/// is left out; on PostgreSQL only the current schema is read.
pub fn introspect(engine: &Engine) -> Result<Snapshot> {
    let mut s = engine.session()?;
    let mut out = Snapshot::new();
    match engine.dialect() {
        Dialect::Sqlite => {
            let tables: Vec<String> = s
                .query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> $1 ORDER BY name",
                    (VERSION_TABLE,),
                )
                ?;
            for t in tables {
                let mut facts = Vec::new();
                let cols: Vec<(String, String, i64, Option<String>, i64)> = s
                    .query_as(
                        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY name",
                        (t.as_str(),),
                    )
                    ?;
                for c in cols {
                    facts.push(format!("column {c:?}"));
                }
                let sql: String = s.query_one(
                    "SELECT sql FROM sqlite_master WHERE name = $1",
                    (t.as_str(),),
                )?;
                if sqlite_sql::is_autoincrement(&sql) {
                    facts.push("autoincrement".to_owned());
                }
                let constraints = sqlite_sql::constraints(&sql);
                // Foreign keys, one fact each (columns in order), named as
                // in the table's SQL (SQLite keeps names nowhere else).
                let fks: Vec<(i64, String, String, Option<String>, String, String)> = s
                    .query_as(
                        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq",
                        (t.as_str(),),
                    )
                    ?;
                let names = &constraints.foreign_keys;
                let mut i = 0;
                while i < fks.len() {
                    let id = fks[i].0;
                    let group: Vec<_> = fks[i..].iter().take_while(|f| f.0 == id).collect();
                    i += group.len();
                    let from: Vec<&str> = group.iter().map(|f| f.2.as_str()).collect();
                    let to: Vec<&str> =
                        group.iter().map(|f| f.3.as_deref().unwrap_or("")).collect();
                    let name = names
                        .iter()
                        .find(|(_, cols)| *cols == from)
                        .map(|(n, _)| n.as_str());
                    let (_, table, _, _, on_update, on_delete) = group[0];
                    facts.push(format!(
                        "fk {name:?} {from:?} -> {table} {to:?} on delete {on_delete} on update {on_update}"
                    ));
                }
                // Indexes (those of UNIQUE / PRIMARY KEY constraints too),
                // from the catalog rather than their SQL text: name,
                // uniqueness, origin, key columns with order and collation,
                // and a partial index's condition.
                let idx: Vec<(String, i64, String, i64, Option<String>)> = s
                    .query_as(
                        "SELECT il.name, il.\"unique\", il.origin, il.partial, m.sql FROM pragma_index_list($1) il \
                         LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = il.name ORDER BY il.name",
                        (t.as_str(),),
                    )
                    ?;
                for (name, unique, origin, partial, isql) in idx {
                    let cols: Vec<(Option<String>, i64, String)> = s.query_as(
                        "SELECT name, \"desc\", coll FROM pragma_index_xinfo($1) WHERE key = 1 ORDER BY seqno",
                        (name.as_str(),),
                    )?;
                    let condition = (partial == 1)
                        .then(|| isql.as_deref().and_then(sqlite_sql::index_condition))
                        .flatten();
                    facts.push(format!(
                        "index {name} unique={unique} origin={origin} {cols:?} where {condition:?}"
                    ));
                }
                // Checks, as written in the table's SQL.
                for check in constraints.checks {
                    facts.push(format!("check {check}"));
                }
                out.insert(t, facts);
            }
        }
        Dialect::Postgres => {
            // Types with their modifiers (`character varying(320)`,
            // `timestamp(3) without time zone`, `numeric(65,30)`, `text[]`).
            let cols: Vec<(String, String, String, String, Option<String>)> = s
                .query_as(
                    "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
                     CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END, pg_get_expr(d.adbin, d.adrelid) \
                     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') \
                     AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> $1 \
                     ORDER BY 1, 2",
                    (VERSION_TABLE,),
                )
                ?;
            for (t, c, ty, null, default) in cols {
                // Sequences keep the name of the table they were made for.
                let default = default.map(|d| {
                    if d.starts_with("nextval(") {
                        "nextval".to_owned()
                    } else {
                        d
                    }
                });
                out.entry(t)
                    .or_default()
                    .push(format!("column {c} {ty} {null} {default:?}"));
            }
            let cons: Vec<(String, String, String)> = s
                .query_as(
                    "SELECT cl.relname::text, co.conname::text, pg_get_constraintdef(co.oid) \
                     FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid \
                     WHERE cl.relnamespace = current_schema()::regnamespace AND cl.relname <> $1 ORDER BY 1, 2",
                    (VERSION_TABLE,),
                )
                ?;
            for (t, name, def) in cons {
                out.entry(t)
                    .or_default()
                    .push(format!("constraint {name} {def}"));
            }
            let idx: Vec<(String, String, String)> = s.query_as(
                "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes \
                     WHERE schemaname = current_schema() AND tablename <> $1 ORDER BY 1, 2",
                (VERSION_TABLE,),
            )?;
            let schema: String = s.query_one("SELECT current_schema()::text", ())?;
            for (t, name, def) in idx {
                let def = def.replace(&format!(" {schema}."), " ");
                out.entry(t)
                    .or_default()
                    .push(format!("index {name} {def}"));
            }
            let enums: Vec<(String, String)> = s.query_as(
                "SELECT t.typname::text, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) \
                     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid \
                     WHERE t.typnamespace = current_schema()::regnamespace GROUP BY 1 ORDER BY 1",
                (),
            )?;
            for (t, values) in enums {
                out.insert(format!("enum {t}"), vec![values]);
            }
        }
    }
    s.commit()?;
    Ok(out)
}

/// The differences between the snapshot a schema should have (`expected`)
/// and a database's (`actual`), one line each; empty when they agree.
pub fn drift(expected: &Snapshot, actual: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for (name, facts) in expected {
        match actual.get(name) {
            None => out.push(format!("missing: {}", object(name))),
            Some(have) => {
                for f in facts.iter().filter(|f| !have.contains(f)) {
                    out.push(format!("{name}: missing {f}"));
                }
                for f in have.iter().filter(|f| !facts.contains(f)) {
                    out.push(format!("{name}: not in the schema: {f}"));
                }
            }
        }
    }
    for name in actual.keys().filter(|n| !expected.contains_key(*n)) {
        out.push(format!("not in the schema: {}", object(name)));
    }
    out
}

fn object(name: &str) -> String {
    match name.strip_prefix("enum ") {
        Some(e) => format!("enum `{e}`"),
        None => format!("table `{name}`"),
    }
}
