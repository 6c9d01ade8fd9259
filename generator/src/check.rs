//! `ormgen check FILE…`: parse and validate schema files and print every
//! diagnostic.

use std::io::Write;
use std::path::Path;

use crate::exit;

/// Checks each file, writing reports to `err` and a one-line summary per
/// file to `out`. Returns the process exit code: [`exit::OK`] when every file
/// is valid (warnings do not fail), [`exit::DIAGNOSTICS`] when any file has
/// errors, [`exit::USAGE`] when a file cannot be read.
pub fn check_files(
    paths: &[impl AsRef<Path>],
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let mut code = exit::OK;
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let Some(source) = crate::read_schema_source(path, err) else {
            code = exit::USAGE;
            continue;
        };
        match ormgen_schema::parse_and_validate(&name, &source) {
            Ok((schema, warnings)) => {
                if !warnings.is_empty() {
                    let _ = write!(
                        err,
                        "{}",
                        ormgen_schema::render(&name, &source, &warnings, color)
                    );
                }
                let _ = writeln!(
                    out,
                    "{name}: ok ({} models, {} enums, {} relations{})",
                    schema.models.len(),
                    schema.enums.len(),
                    schema.relations.len(),
                    if warnings.is_empty() {
                        String::new()
                    } else {
                        format!(", {} warning(s)", warnings.len())
                    }
                );
            }
            Err(diags) => {
                let _ = write!(err, "{}", diags.render(color));
                let warnings = diags.items.len() - diags.error_count();
                let _ = writeln!(
                    err,
                    "{name}: {} error(s){}",
                    diags.error_count(),
                    if warnings == 0 {
                        String::new()
                    } else {
                        format!(", {warnings} warning(s)")
                    }
                );
                if code == exit::OK {
                    code = exit::DIAGNOSTICS;
                }
            }
        }
    }
    code
}
