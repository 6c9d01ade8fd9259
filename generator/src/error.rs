//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong while checking, generating or writing code.
///
/// `Debug` prints the same text as `Display`, so that a build script's
/// `main() -> Result<(), Box<dyn Error>>` shows the readable report.
#[derive(thiserror::Error)]
pub enum Error {
    /// The schema has errors; the rendered report is the same text
    /// `ormgen check` prints.
    #[error("{rendered}")]
    Schema {
        /// The schema file.
        path: PathBuf,
        /// The rendered diagnostics.
        rendered: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A template rendered text that is not valid Rust: a generator bug.
    #[error(
        "template `{template}` rendered invalid Rust at line {line}, column {column} of its output: {message}\n  | {snippet}"
    )]
    Template {
        /// The template file (under `generator/templates/`).
        template: &'static str,
        /// The line (1-based) of the rendered text.
        line: usize,
        /// The column (1-based).
        column: usize,
        /// The parser's message.
        message: String,
        /// The offending line of the rendered text.
        snippet: String,
    },
    /// A template failed to render.
    #[error("template `{template}` failed to render: {source}")]
    Render {
        /// The template file.
        template: &'static str,
        /// The cause.
        #[source]
        source: askama::Error,
    },
    /// DDL the dialect cannot express.
    #[error(transparent)]
    Ddl(#[from] crate::ddl::DdlError),
    /// `ormgen generate --check`: the files on disk differ from what would be
    /// generated.
    #[error("generated code is out of date: {}", .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    OutOfDate(Vec<PathBuf>),
    /// A configuration problem (no schema given, no `OUT_DIR`, …).
    #[error("{0}")]
    Config(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
