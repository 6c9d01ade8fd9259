//! ormgen's generator and build.rs API, and the library side of the `ormgen`
//! command's `check`, `fmt` and `generate` subcommands (the binary is the
//! `ormgen-cli` crate).
//!
//! Code generation: [`codegen`] (pure: schema IR → files), [`build_api`]
//! ([`compile`] and [`Config`] for build scripts), [`generate`]
//! (`ormgen generate`, [`generate::run_generate`]).

pub mod build_api;
pub mod check;
pub mod codegen;
pub mod ddl;
pub mod error;
pub mod fmt;
pub mod generate;
pub mod migrate;

pub use build_api::{Config, compile};
pub use error::{Error, Result};
/// The SQL dialects (for [`Config::dialects`]).
pub use ormgen_schema::Dialect;

/// Process exit codes of the `ormgen` command.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The schema has errors, or `fmt --check` found files to reformat.
    pub const DIAGNOSTICS: u8 = 1;
    /// Usage or I/O error.
    pub const USAGE: u8 = 2;
}

/// Reads a schema file for a command, or reports why it cannot be read on
/// `err` (the caller then exits with [`exit::USAGE`]).
pub(crate) fn read_schema_source(
    path: &std::path::Path,
    err: &mut dyn std::io::Write,
) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(source) => Some(source),
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", path.display());
            None
        }
    }
}

/// Whether reports written to stderr should use colour.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}
