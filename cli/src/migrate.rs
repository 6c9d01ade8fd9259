//! `ormgen migrate …`: `diff` writes a migration from the schema (no database
//! needed); `up`, `down`, `redo`, `status` and `history` work on the
//! database at `--url` or `DATABASE_URL`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

/// Any error of a migrate command, printed as `error: …`.
type Error = Box<dyn std::error::Error>;
use ormgen::Engine;
use ormgen::migrate::{Migrator, Snapshot, drift, introspect};
use ormgen_build::migrate::{DiffOutcome, diff_to_folder};
use ormgen_schema::Schema;

/// The migrate subcommands.
#[derive(Subcommand)]
pub enum MigrateCommand {
    /// Compare the schema with the last migration's snapshot and write a new
    /// migration folder (up and down scripts for PostgreSQL and SQLite).
    Diff {
        /// The schema file.
        #[arg(long)]
        schema: PathBuf,
        /// The migration's name (becomes part of its folder name).
        #[arg(long)]
        name: String,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Apply pending migrations (up to and including `--to`).
    Up {
        #[command(flatten)]
        db: Db,
        /// The last version to apply.
        #[arg(long)]
        to: Option<String>,
    },
    /// Revert the last `--steps` applied migrations.
    Down {
        #[command(flatten)]
        db: Db,
        /// How many to revert.
        #[arg(long, default_value_t = 1)]
        steps: usize,
    },
    /// Revert the last applied migration and apply it again.
    Redo {
        #[command(flatten)]
        db: Db,
    },
    /// List the migrations and whether each is applied.
    Status {
        #[command(flatten)]
        db: Db,
    },
    /// List the applied migrations as the version table records them.
    History {
        #[command(flatten)]
        db: Db,
    },
    /// Compare the live database with the schema (tables, columns, keys,
    /// constraints, indexes, enums); print every difference and exit 1 if
    /// there is any.
    Check {
        #[command(flatten)]
        db: Db,
        /// The schema file.
        #[arg(long)]
        schema: PathBuf,
    },
}

/// Where the database and the migrations are.
#[derive(Args)]
pub struct Db {
    /// The database URL (default: `DATABASE_URL`).
    #[arg(long)]
    url: Option<String>,
    /// The migrations directory.
    #[arg(long, default_value = "migrations")]
    dir: PathBuf,
}

impl Db {
    fn url(&self) -> Result<String, Error> {
        self.url
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .ok_or_else(|| "no database: pass --url or set DATABASE_URL".into())
    }

    fn open(&self) -> Result<(Engine, Migrator), Error> {
        let engine = Engine::connect(&self.url()?)?;
        let migrator = Migrator::from_dir(&self.dir, engine.dialect())?;
        Ok((engine, migrator))
    }
}

/// Runs a migrate subcommand; returns the exit code.
pub fn run(cmd: MigrateCommand, out: &mut impl Write, err: &mut impl Write) -> u8 {
    match execute(cmd, out) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            1
        }
    }
}

fn execute(cmd: MigrateCommand, out: &mut impl Write) -> Result<u8, Error> {
    let w = |out: &mut dyn Write, line: String| {
        let _ = writeln!(out, "{line}");
    };
    match cmd {
        MigrateCommand::Diff { schema, name, dir } => diff(&schema, &name, &dir, out),
        MigrateCommand::Up { db, to } => {
            let (engine, m) = db.open()?;
            let done = m.up(&engine, to.as_deref())?;
            report(
                out,
                &m,
                &done,
                "applied",
                "nothing to apply: the database is up to date",
            );
            Ok(0)
        }
        MigrateCommand::Down { db, steps } => {
            let (engine, m) = db.open()?;
            let done = m.down(&engine, steps)?;
            report(out, &m, &done, "reverted", "nothing to revert");
            Ok(0)
        }
        MigrateCommand::Redo { db } => {
            let (engine, m) = db.open()?;
            let done: Vec<String> = m.redo(&engine)?.into_iter().collect();
            report(out, &m, &done, "redone", "nothing to redo");
            Ok(0)
        }
        MigrateCommand::Status { db } => {
            let (engine, m) = db.open()?;
            let status = m.status(&engine)?;
            let pending = status.iter().filter(|s| s.applied_at.is_none()).count();
            for s in &status {
                match &s.applied_at {
                    Some(at) => w(out, format!("applied  {}_{}  ({at})", s.version, s.name)),
                    None => w(out, format!("pending  {}_{}", s.version, s.name)),
                }
            }
            w(
                out,
                format!("{} applied, {pending} pending", status.len() - pending),
            );
            Ok(0)
        }
        MigrateCommand::Check { db, schema } => check(&db, &schema, out),
        MigrateCommand::History { db } => {
            let (engine, m) = db.open()?;
            for a in m.history(&engine)? {
                w(
                    out,
                    format!("{}_{}  {}  {}", a.version, a.name, a.applied_at, a.checksum),
                );
            }
            Ok(0)
        }
    }
}

/// One `<verb> <migration>` line per version, or `none` when there are none.
fn report(out: &mut impl Write, m: &Migrator, versions: &[String], verb: &str, none: &str) {
    if versions.is_empty() {
        let _ = writeln!(out, "{none}");
    }
    for v in versions {
        let _ = writeln!(out, "{verb} {}", label(m, v));
    }
}

fn label(m: &Migrator, version: &str) -> String {
    m.migrations()
        .iter()
        .find(|x| x.version == version)
        .map_or(version.to_owned(), |x| format!("{}_{}", x.version, x.name))
}

fn diff(schema: &Path, name: &str, dir: &Path, out: &mut impl Write) -> Result<u8, Error> {
    let src = std::fs::read_to_string(schema).map_err(|e| format!("{}: {e}", schema.display()))?;
    match diff_to_folder(schema, &src, name, dir)? {
        DiffOutcome::Unchanged => {
            let _ = writeln!(
                out,
                "no changes: the schema matches the last migration's snapshot; nothing written"
            );
        }
        DiffOutcome::Written { folder, warnings } => {
            let _ = writeln!(out, "wrote {}", folder.display());
            for w in warnings {
                let _ = writeln!(out, "warning: destructive step: {w}");
            }
        }
    }
    Ok(0)
}

/// `migrate check`: the schema is created in a scratch database of the same
/// kind (SQLite in memory; a scratch schema of the same PostgreSQL database,
/// dropped afterwards), both are introspected the same way, and the
/// snapshots compared.
fn check(db: &Db, schema_path: &Path, out: &mut impl Write) -> Result<u8, Error> {
    let schema = ormgen_build::migrate::read_schema(schema_path)?;
    let url = db.url()?;
    let engine = Engine::connect(&url)?;
    let expected = expected_snapshot(&engine, &url, &schema)?;
    let lines = drift(&expected, &introspect(&engine)?);
    let shown = schema_path.display();
    if lines.is_empty() {
        let _ = writeln!(out, "no drift: the database matches {shown}");
        return Ok(0);
    }
    for l in &lines {
        let _ = writeln!(out, "drift: {l}");
    }
    let _ = writeln!(out, "{} difference(s) from {shown}", lines.len());
    Ok(1)
}

/// The snapshot `schema` has when created fresh on `engine`'s kind of
/// database: in an in-memory SQLite database, or in a scratch schema of the
/// same PostgreSQL database (dropped afterwards).
fn expected_snapshot(engine: &Engine, url: &str, schema: &Schema) -> Result<Snapshot, Error> {
    use ormgen_build::ddl;
    let dialect = match engine.dialect() {
        ormgen::Dialect::Sqlite => ddl::Dialect::Sqlite,
        ormgen::Dialect::Postgres => ddl::Dialect::Postgres,
    };
    let script = ddl::script(&ddl::create_all(schema, dialect, ddl::RenderMode::Plain)?);
    let created = |scratch: Engine| {
        let snapshot = create_and_introspect(&scratch, &script);
        scratch.dispose();
        snapshot
    };
    match engine.dialect() {
        ormgen::Dialect::Sqlite => Ok(created(Engine::connect("sqlite::memory:")?)?),
        ormgen::Dialect::Postgres => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let name = format!("_ormgen_check_{}_{nanos}", std::process::id());
            let mut s = engine.session()?;
            // The scratch schema comes first; the database's own search path
            // follows, so that types of extensions already installed there
            // (`citext`) resolve, since `CREATE EXTENSION IF NOT EXISTS` then
            // does nothing.
            let path: String = s.query_one("SELECT current_setting('search_path')", ())?;
            s.batch_execute(&format!("CREATE SCHEMA \"{name}\""))?;
            s.commit()?;
            let snapshot = Engine::builder(url)
                .search_path(format!("\"{name}\", {path}"))
                .build()
                .and_then(created);
            s.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))?;
            s.commit()?;
            Ok(snapshot?)
        }
    }
}

fn create_and_introspect(scratch: &Engine, script: &str) -> ormgen::Result<Snapshot> {
    let mut s = scratch.session()?;
    s.batch_execute(script)?;
    s.commit()?;
    drop(s);
    introspect(scratch)
}
