//! The portability check: is a schema valid for both dialects?
//!
//! Code generated for PostgreSQL and SQLite at once runs one schema on both
//! engines, so a construct only one of them has (scalar lists, `@db.*` native
//! types, PostgreSQL index types, operator classes, `map:` on a primary key,
//! datasource `extensions`/`schemas`, …) is an error there. The rule is
//! "valid as if the provider were the other dialect": the schema is
//! validated a second time for the other dialect and every error that run
//! finds beyond the first is reported, reworded to say why it applies. The
//! per-construct rules thus stay in one place (`validate.rs`, with
//! `extensions.rs` for datasource `extensions`); the datasource `schemas` key,
//! which validation keeps as text, is checked here.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::Dialect;
use crate::syntax::{BlockKind, BodyLine, TopItem};
use crate::{lower, validate};

/// Checks that the schema in `source` (named `file_name` in reports) can be
/// generated for both PostgreSQL and SQLite. `Ok` when it can; otherwise
/// every construct of the schema's own dialect that the other lacks, one
/// error each (with the errors of the schema itself, if any).
pub fn check_portable(file_name: &str, source: &str) -> Result<(), Diagnostics> {
    let (ast, mut own) = lower::parse(source);
    let schema = validate::validate(&ast, source, &mut own);
    let other = match schema.dialect {
        Dialect::Postgres => Dialect::Sqlite,
        Dialect::Sqlite => Dialect::Postgres,
    };
    let mut items: Vec<Diagnostic> = own.iter().filter(|d| d.is_error()).cloned().collect();
    let mut as_other = Vec::new();
    let _ = validate::validate_as(&ast, source, &mut as_other, Some(other));
    for d in as_other {
        if d.is_error()
            && !own
                .iter()
                .any(|o| o.span == d.span && o.message == d.message)
        {
            items.push(reword(d, schema.dialect));
        }
    }
    for item in &ast.items {
        let TopItem::Block(b) = item else { continue };
        if b.kind != BlockKind::Datasource {
            continue;
        }
        for line in &b.lines {
            if let BodyLine::KeyValue(kv) = line
                && kv.key.name == "schemas"
            {
                let construct = format!("datasource `{}`", kv.key.name);
                items.push(reword(
                    Diagnostic::error(
                        kv.key.span,
                        format!("{construct} is not supported on `sqlite`"),
                    )
                    .with_label(construct)
                    .with_help(format!("remove `{}`", kv.key.name)),
                    Dialect::Postgres,
                ));
            }
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    items.sort_by_key(|d| (d.span.start, d.severity));
    items.dedup();
    Err(Diagnostics {
        file_name: file_name.to_owned(),
        source_text: source.to_owned(),
        items,
    })
}

/// `d`, found when validating for the dialect other than `own`, as a
/// portability error: the message keeps the construct it names.
fn reword(d: Diagnostic, own: Dialect) -> Diagnostic {
    let (own_name, only) = match own {
        Dialect::Postgres => ("PostgreSQL", "postgresql"),
        Dialect::Sqlite => ("SQLite", "sqlite"),
    };
    let help = format!(
        "generate {own_name} only (the default for the datasource's provider: drop \
         `Config::dialects(..)` / `ormgen generate --dialect both`, or pass \
         `--dialect {only}`){}",
        d.help
            .as_ref()
            .map_or_else(String::new, |h| format!(", or {h}"))
    );
    Diagnostic {
        message: format!(
            "{own_name}-only construct in a schema generated for both PostgreSQL and SQLite: {}",
            d.message
        ),
        label: Some(d.label.unwrap_or_else(|| format!("{own_name} only"))),
        help: Some(help),
        ..d
    }
}
