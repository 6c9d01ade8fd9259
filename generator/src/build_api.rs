//! The build.rs API: compile schema files into `OUT_DIR`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     ormgen_build::compile("schemas/blog.prisma")?; // writes OUT_DIR/blog.rs
//!     Ok(())
//! }
//! ```
//!
//! and in the crate: `mod db { ormgen::include_schema!("blog"); }`.
//! [`Config`] sets the output name, directory, dialects and serde derives.
//! Files are written only when their content changed (so cargo does not
//! rebuild needlessly), and `cargo:rerun-if-changed` is printed for every
//! schema. Schema errors come back as the same report `ormgen check` prints.

use std::io::Write;
use std::path::{Path, PathBuf};

use ormgen_schema::Dialect;

use crate::codegen::{self, Options};
use crate::error::{Error, Result};

/// Compiles one schema into `OUT_DIR/<file stem>.rs` with the default
/// [`Config`]; returns the written path.
pub fn compile(schema: impl AsRef<Path>) -> Result<PathBuf> {
    let mut written = Config::new().schema(schema).compile()?;
    written
        .pop()
        .ok_or_else(|| Error::Config("no schema was given".into()))
}

/// Options for [`Config::compile`], builder style.
#[derive(Debug, Clone)]
pub struct Config {
    schemas: Vec<PathBuf>,
    out_name: Option<String>,
    out_dir: Option<PathBuf>,
    serde: bool,
    column_operators: bool,
    /// Empty: the datasource provider's dialect.
    dialects: Vec<Dialect>,
    cargo_output: bool,
    migrations: Option<PathBuf>,
    hooks: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// No schemas yet; the dialect of each schema's datasource provider; no
    /// serde; output to `OUT_DIR`.
    pub fn new() -> Config {
        Config {
            schemas: Vec::new(),
            out_name: None,
            out_dir: None,
            serde: false,
            column_operators: true,
            dialects: Vec::new(),
            cargo_output: true,
            migrations: None,
            hooks: Vec::new(),
        }
    }

    /// Adds a schema file (relative paths are relative to the crate root,
    /// where cargo runs build scripts).
    pub fn schema(mut self, path: impl AsRef<Path>) -> Config {
        self.schemas.push(path.as_ref().to_path_buf());
        self
    }

    /// The output name (`<name>.rs`, `include_schema!("<name>")`); defaults
    /// to the schema's file stem. Only valid with a single schema.
    pub fn out_name(mut self, name: impl Into<String>) -> Config {
        self.out_name = Some(name.into());
        self
    }

    /// The output directory (default: `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Config {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Emit the arithmetic operators on numeric column handles
    /// (`post::views + 1`; on by default). See
    /// [`Options::column_operators`](crate::codegen::Options) for what they cost.
    pub fn column_operators(mut self, on: bool) -> Config {
        self.column_operators = on;
        self
    }

    /// Gives these models (by schema name) write hooks: their generated
    /// code runs `ormgen::query::Hooks` on every per-row insert, update and
    /// delete, and the crate implements that trait for each of them (a
    /// missing impl is a compile error). A name the schema does not have is
    /// an error.
    pub fn hooks<S: AsRef<str>>(mut self, models: impl IntoIterator<Item = S>) -> Config {
        self.hooks
            .extend(models.into_iter().map(|m| m.as_ref().to_owned()));
        self
    }

    /// Derive `serde::Serialize` / `Deserialize` on generated types (the
    /// crate must depend on `serde` with the `derive` feature).
    pub fn serde(mut self, on: bool) -> Config {
        self.serde = on;
        self
    }

    /// The dialects to generate SQL for. The default is the schema's
    /// datasource provider (`postgresql` → PostgreSQL, `sqlite` → SQLite);
    /// `&[Dialect::Postgres, Dialect::Sqlite]` asks for both, and then a
    /// construct only one of them has (scalar lists, `@db.*` native types,
    /// PostgreSQL index types, operator classes, …) is a schema error.
    /// Generated code run on an engine of a dialect it was not generated for
    /// returns `ormgen::Error::DialectNotGenerated`.
    pub fn dialects(mut self, dialects: &[Dialect]) -> Config {
        self.dialects = dialects.to_vec();
        self
    }

    /// Embeds the migrations directory `dir` (as written by `ormgen migrate
    /// diff`) in the generated code: a `migrations` module with `all(dialect)`,
    /// `migrator(dialect)` and `run_pending(&engine)`, the scripts included
    /// with `include_str!` (relative paths are relative to the crate root).
    pub fn migrations(mut self, dir: impl AsRef<Path>) -> Config {
        self.migrations = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Whether to print `cargo:` directives (default: on; off outside build
    /// scripts).
    pub fn cargo_output(mut self, on: bool) -> Config {
        self.cargo_output = on;
        self
    }

    /// Compiles every schema; returns the generated files' paths.
    pub fn compile(&self) -> Result<Vec<PathBuf>> {
        if self.schemas.is_empty() {
            return Err(Error::Config("no schema was given".into()));
        }
        if self.out_name.is_some() && self.schemas.len() > 1 {
            return Err(Error::Config(
                "`out_name` needs exactly one schema; several schemas are named by their file stems"
                    .into(),
            ));
        }
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Config(
                        "OUT_DIR is not set: call this from a build script or set `out_dir`".into(),
                    )
                })?,
        };
        let embedded = match &self.migrations {
            Some(dir) => {
                if self.cargo_output {
                    println!("cargo:rerun-if-changed={}", dir.display());
                }
                crate::migrate::embed_module(dir)?
            }
            None => String::new(),
        };
        let mut written = Vec::new();
        for path in &self.schemas {
            if self.cargo_output {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            let name = match &self.out_name {
                Some(n) => n.clone(),
                None => file_stem(path)?,
            };
            let schema = load_schema(path, self.cargo_output)?;
            let dialects = resolve_dialects(path, &schema, &self.dialects)?;
            let options = Options {
                source_name: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |f| f.to_string_lossy().into_owned(),
                ),
                serde: self.serde,
                column_operators: self.column_operators,
                dialects,
                hooks: self.hooks.clone(),
                name,
            };
            // Formatted chunks from the last run, in OUT_DIR beside the output:
            // after a change to one model only that model is reformatted. The
            // cache is an optimisation, so failing to save it is not an error.
            let cache_path = out_dir.join(format!(".{}.ormgen-format-cache", options.name));
            let mut cache = codegen::FormatCache::load(&cache_path);
            let files = codegen::generate_cached(&schema, &options, &mut cache)?;
            let _ = cache.save(&cache_path);
            for (rel, code) in files {
                let target = out_dir.join(rel);
                write_if_changed(&target, &format!("{code}{embedded}"))?;
                written.push(target);
            }
        }
        Ok(written)
    }
}

/// The dialects to generate `path`'s schema for: `asked` (deduplicated), or
/// the datasource provider's when none were asked for. Both dialects need a
/// portable schema: its constructs of one dialect only are reported as a
/// schema error (re-reading the file, which `load_schema` just validated).
pub(crate) fn resolve_dialects(
    path: &Path,
    schema: &ormgen_schema::Schema,
    asked: &[Dialect],
) -> Result<Vec<Dialect>> {
    if asked.is_empty() {
        return Ok(vec![schema.dialect]);
    }
    let dialects: Vec<Dialect> = Dialect::ALL
        .into_iter()
        .filter(|d| asked.contains(d))
        .collect();
    if dialects.len() > 1 {
        let source = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.display().to_string();
        ormgen_schema::check_portable(&name, &source).map_err(|diags| Error::Schema {
            path: path.to_path_buf(),
            rendered: format!(
                "{}{name}: {} error(s) (generating for both PostgreSQL and SQLite)",
                diags.render(false),
                diags.error_count()
            ),
        })?;
    }
    Ok(dialects)
}

/// The schema file's stem, the default output name.
pub(crate) fn file_stem(path: &Path) -> Result<String> {
    path.file_stem()
        .map(|s| s.to_string_lossy().replace(['-', '.', ' '], "_"))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::Config(format!("{}: not a schema file name", path.display())))
}

/// Reads, parses and validates a schema; warnings are printed to stderr
/// (and as `cargo:warning` lines when `cargo_output`), errors returned as the
/// rendered report.
pub(crate) fn load_schema(path: &Path, cargo_output: bool) -> Result<ormgen_schema::Schema> {
    let source = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (schema, warnings) = parse_schema(path, &source)?;
    if !warnings.is_empty() {
        let name = path.display().to_string();
        let report = ormgen_schema::render(&name, &source, &warnings, false);
        let _ = write!(std::io::stderr(), "{report}");
        if cargo_output {
            for w in &warnings {
                println!("cargo:warning={name}: {}", w.message.replace('\n', " "));
            }
        }
    }
    Ok(schema)
}

/// Parses and validates `source`, read from `path`: the schema and its
/// warnings, or [`Error::Schema`] with the report `ormgen check` prints.
pub(crate) fn parse_schema(
    path: &Path,
    source: &str,
) -> Result<(ormgen_schema::Schema, Vec<ormgen_schema::Diagnostic>)> {
    let name = path.display().to_string();
    ormgen_schema::parse_and_validate(&name, source).map_err(|diags| Error::Schema {
        path: path.to_path_buf(),
        rendered: format!(
            "{}{name}: {} error(s)",
            diags.render(false),
            diags.error_count()
        ),
    })
}

/// Writes `content` to `path` unless the file already holds exactly it.
/// Returns whether the file was written.
pub(crate) fn write_if_changed(path: &Path, content: &str) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, content).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(true)
}
