//! `ormgen fmt FILE… [--check]`: rewrite schema files in canonical form, or
//! with `--check` list the files that would change.

use std::io::Write;
use std::path::Path;

use crate::exit;

/// Formats each file in place (only files whose text changes are written).
/// With `check`, nothing is written: files that would change are listed on
/// `out` and the result is [`exit::DIAGNOSTICS`]. Files with syntax errors
/// are reported on `err` and left alone ([`exit::DIAGNOSTICS`]); unreadable
/// or unwritable files give [`exit::USAGE`].
pub fn fmt_files(
    paths: &[impl AsRef<Path>],
    check: bool,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let mut code = exit::OK;
    let worst = |c: u8, code: &mut u8| *code = (*code).max(c);
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let Some(source) = crate::read_schema_source(path, err) else {
            worst(exit::USAGE, &mut code);
            continue;
        };
        let formatted = match ormgen_schema::format::format_schema(&source) {
            Ok(f) => f,
            Err(diags) => {
                let _ = write!(
                    err,
                    "{}",
                    ormgen_schema::render(&name, &source, &diags, color)
                );
                let _ = writeln!(err, "{name}: not formatted (syntax errors)");
                worst(exit::DIAGNOSTICS, &mut code);
                continue;
            }
        };
        if formatted == source {
            continue;
        }
        if check {
            let _ = writeln!(out, "{name}");
            worst(exit::DIAGNOSTICS, &mut code);
        } else if let Err(e) = std::fs::write(path, formatted) {
            let _ = writeln!(err, "error: cannot write {name}: {e}");
            worst(exit::USAGE, &mut code);
        } else {
            let _ = writeln!(out, "formatted {name}");
        }
    }
    code
}
