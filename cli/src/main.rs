//! The `ormgen` command line (`check`, `fmt`, `generate`, `migrate`).

mod migrate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ormgen_build::{check, fmt, generate, stderr_color};

/// ormgen: a typed ORM for Rust, compiled from a Prisma-style schema.
#[derive(Parser)]
#[command(name = "ormgen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate schema files; exit 1 if any has errors.
    Check {
        /// Schema files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Format schema files in place in canonical style.
    Fmt {
        /// Schema files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write nothing; list files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Generate Rust code for a schema into a directory (for users who commit
    /// generated code; build scripts use `ormgen_build::compile` instead).
    Generate {
        /// The schema file.
        schema: PathBuf,
        /// The output directory; `<schema stem>.rs` is written there.
        #[arg(long)]
        out: PathBuf,
        /// Write nothing; exit 1 if the files on disk differ from the output.
        #[arg(long)]
        check: bool,
        /// The dialects to generate SQL for (default: the datasource
        /// provider's); `both` needs a schema that uses only what PostgreSQL
        /// and SQLite both have.
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        /// Models (by schema name, comma separated) whose generated code runs
        /// write hooks: the crate implements `ormgen::query::Hooks` for each.
        #[arg(long, value_delimiter = ',')]
        hooks: Vec<String>,
    },
    /// Versioned migrations: write them from the schema, apply and revert them.
    Migrate {
        #[command(subcommand)]
        command: migrate::MigrateCommand,
    },
}

/// `ormgen generate --dialect`.
#[derive(Clone, Copy, ValueEnum)]
enum DialectArg {
    /// PostgreSQL only.
    #[value(alias = "postgres")]
    Postgresql,
    /// SQLite only.
    Sqlite,
    /// PostgreSQL and SQLite.
    Both,
}

impl DialectArg {
    fn dialects(self) -> &'static [ormgen_schema::Dialect] {
        use ormgen_schema::Dialect;
        match self {
            DialectArg::Postgresql => &[Dialect::Postgres],
            DialectArg::Sqlite => &[Dialect::Sqlite],
            DialectArg::Both => &Dialect::ALL,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = stderr_color();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match cli.command {
        Command::Check { files } => check::check_files(&files, color, &mut out, &mut err),
        Command::Fmt { files, check } => fmt::fmt_files(&files, check, color, &mut out, &mut err),
        Command::Generate {
            schema,
            out: dir,
            check,
            dialect,
            hooks,
        } => generate::generate_command(
            &schema,
            &dir,
            check,
            dialect.map_or(&[], DialectArg::dialects),
            &hooks,
            &mut out,
            &mut err,
        ),
        Command::Migrate { command } => migrate::run(command, &mut out, &mut err),
    };
    ExitCode::from(code)
}
