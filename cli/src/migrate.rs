//! `ormgen migrate …`: `diff` writes a migration from the schema (no database
//! needed); `up`, `down`, `redo`, `status` and `history` work on the
//! database at `--url` or `DATABASE_URL`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ormgen::Engine;
use ormgen::migrate::Migrator;
use ormgen_build::migrate::{DiffOutcome, diff_to_folder};

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
    fn url(&self) -> Result<String, String> {
        self.url
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .ok_or_else(|| "no database: pass --url or set DATABASE_URL".to_owned())
    }

    fn open(&self) -> Result<(Engine, Migrator), String> {
        let engine = Engine::connect(&self.url()?).map_err(|e| e.to_string())?;
        let migrator =
            Migrator::from_dir(&self.dir, engine.dialect()).map_err(|e| e.to_string())?;
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

fn execute(cmd: MigrateCommand, out: &mut impl Write) -> Result<u8, String> {
    let w = |out: &mut dyn Write, line: String| {
        let _ = writeln!(out, "{line}");
    };
    match cmd {
        MigrateCommand::Diff { schema, name, dir } => diff(&schema, &name, &dir, out),
        MigrateCommand::Up { db, to } => {
            let (engine, m) = db.open()?;
            let done = m.up(&engine, to.as_deref()).map_err(|e| e.to_string())?;
            if done.is_empty() {
                w(out, "nothing to apply: the database is up to date".into());
            }
            for v in done {
                w(out, format!("applied {}", label(&m, &v)));
            }
            Ok(0)
        }
        MigrateCommand::Down { db, steps } => {
            let (engine, m) = db.open()?;
            let done = m.down(&engine, steps).map_err(|e| e.to_string())?;
            if done.is_empty() {
                w(out, "nothing to revert".into());
            }
            for v in done {
                w(out, format!("reverted {}", label(&m, &v)));
            }
            Ok(0)
        }
        MigrateCommand::Redo { db } => {
            let (engine, m) = db.open()?;
            match m.redo(&engine).map_err(|e| e.to_string())? {
                Some(v) => w(out, format!("redone {}", label(&m, &v))),
                None => w(out, "nothing to redo".into()),
            }
            Ok(0)
        }
        MigrateCommand::Status { db } => {
            let (engine, m) = db.open()?;
            let status = m.status(&engine).map_err(|e| e.to_string())?;
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
            for a in m.history(&engine).map_err(|e| e.to_string())? {
                w(
                    out,
                    format!("{}_{}  {}  {}", a.version, a.name, a.applied_at, a.checksum),
                );
            }
            Ok(0)
        }
    }
}

fn label(m: &Migrator, version: &str) -> String {
    m.migrations()
        .iter()
        .find(|x| x.version == version)
        .map_or(version.to_owned(), |x| format!("{}_{}", x.version, x.name))
}

fn diff(schema: &Path, name: &str, dir: &Path, out: &mut impl Write) -> Result<u8, String> {
    let src = std::fs::read_to_string(schema).map_err(|e| format!("{}: {e}", schema.display()))?;
    match diff_to_folder(schema, &src, name, dir).map_err(|e| e.to_string())? {
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
fn check(db: &Db, schema_path: &Path, out: &mut impl Write) -> Result<u8, String> {
    let src = std::fs::read_to_string(schema_path)
        .map_err(|e| format!("{}: {e}", schema_path.display()))?;
    let name = schema_path.display().to_string();
    let (schema, _) = ormgen_schema::parse_and_validate(&name, &src)
        .map_err(|d| format!("{}{name}: {} error(s)", d.render(false), d.error_count()))?;
    let url = db.url()?;
    let engine = Engine::connect(&url).map_err(|e| e.to_string())?;
    let dialect = match engine.dialect() {
        ormgen::Dialect::Sqlite => ormgen_build::ddl::Dialect::Sqlite,
        ormgen::Dialect::Postgres => ormgen_build::ddl::Dialect::Postgres,
    };
    let statements =
        ormgen_build::ddl::create_all(&schema, dialect, ormgen_build::ddl::RenderMode::Plain)
            .map_err(|e| e.to_string())?;
    let script = ormgen_build::ddl::script(&statements);
    let scratch_schema = format!(
        "_ormgen_check_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let scratch = match engine.dialect() {
        ormgen::Dialect::Sqlite => Engine::connect("sqlite::memory:"),
        ormgen::Dialect::Postgres => {
            let mut s = engine.session().map_err(|e| e.to_string())?;
            s.batch_execute(&format!("CREATE SCHEMA \"{scratch_schema}\""))
                .and_then(|()| s.commit())
                .map_err(|e| e.to_string())?;
            Engine::builder(url.as_str())
                .search_path(scratch_schema.clone())
                .build()
        }
    }
    .map_err(|e| e.to_string());
    let result = scratch.and_then(|scratch| {
        let r = (|| {
            let mut s = scratch.session()?;
            s.batch_execute(&script)?;
            s.commit()?;
            drop(s);
            let expected = ormgen::migrate::introspect(&scratch)?;
            let actual = ormgen::migrate::introspect(&engine)?;
            Ok::<_, ormgen::Error>(ormgen::migrate::drift(&expected, &actual))
        })();
        scratch.dispose();
        r.map_err(|e| e.to_string())
    });
    if engine.dialect() == ormgen::Dialect::Postgres
        && let Ok(mut s) = engine.session()
    {
        let _ = s.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{scratch_schema}\" CASCADE"
        ));
        let _ = s.commit();
    }
    let lines = result?;
    if lines.is_empty() {
        let _ = writeln!(
            out,
            "no drift: the database matches {}",
            schema_path.display()
        );
        return Ok(0);
    }
    for l in &lines {
        let _ = writeln!(out, "drift: {l}");
    }
    let _ = writeln!(
        out,
        "{} difference(s) from {}",
        lines.len(),
        schema_path.display()
    );
    Ok(1)
}
