//! PostgreSQL extensions: the datasource's `extensions = [...]` (Prisma's
//! `postgresqlExtensions`) and the native types that need an extension.
//!
//! An item is a name (`citext`) or a call with named arguments
//! (`pg_trgm(schema: "public", version: "1.6")`, `uuid_ossp(map:
//! "uuid-ossp")`), as in Prisma. Unlike Prisma 6, no `previewFeatures =
//! ["postgresqlExtensions"]` is needed: that flag gates Prisma's own client
//! generator, and ormgen is a generator of its own.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{Dialect, Extension};
use crate::names::hint;
use crate::syntax::{Block, BlockKind, BodyLine, Expr, SchemaAst, TopItem};

/// The arguments an extension item takes.
const ARGUMENTS: [&str; 3] = ["schema", "version", "map"];

/// Native types (`@db.X`) that exist only with an extension: type, extension.
const NEEDS_EXTENSION: &[(&str, &str)] = &[("Citext", "citext")];

/// Reads `extensions = [...]`; reports malformed items and extensions on a
/// provider other than PostgreSQL.
pub(crate) fn parse(value: &Expr, dialect: Dialect, diags: &mut Vec<Diagnostic>) -> Vec<Extension> {
    let Expr::Array { items, .. } = value else {
        diags.push(
            Diagnostic::error(
                value.span(),
                format!("`extensions` must be a list, got {}", value.describe()),
            )
            .with_label("not a list")
            .with_help("write `extensions = [citext, pg_trgm(schema: \"public\")]`"),
        );
        return Vec::new();
    };
    if dialect != Dialect::Postgres {
        diags.push(
            Diagnostic::error(
                value.span(),
                "`extensions` are only supported with `provider = \"postgresql\"`",
            )
            .with_label("PostgreSQL only")
            .with_help("remove `extensions`, or use PostgreSQL"),
        );
        return Vec::new();
    }
    let mut out: Vec<Extension> = Vec::with_capacity(items.len());
    let mut seen: HashMap<String, Span> = HashMap::new();
    for item in items {
        let Some(ext) = item_extension(item, diags) else {
            continue;
        };
        if let Some(first) = seen.insert(ext.db_name.clone(), ext.span) {
            diags.push(
                Diagnostic::error(
                    ext.span,
                    format!("extension `{}` is listed twice", ext.db_name),
                )
                .with_label("listed twice")
                .with_related(first, "first listed here"),
            );
            continue;
        }
        out.push(ext);
    }
    out
}

fn item_extension(item: &Expr, diags: &mut Vec<Diagnostic>) -> Option<Extension> {
    let (name, span, args) = match item {
        Expr::Constant { name, span } if !name.contains('.') => (name, *span, &[][..]),
        Expr::Call { name, args, span } => (&name.name, *span, args.as_slice()),
        other => {
            diags.push(
                Diagnostic::error(other.span(), format!("an extension is a name, got {}", other.describe()))
                    .with_label("not an extension name")
                    .with_help("write `citext`, or `uuid_ossp(map: \"uuid-ossp\")` for a name that is not an identifier"),
            );
            return None;
        }
    };
    let mut ext = Extension {
        name: name.clone(),
        db_name: name.clone(),
        schema: None,
        version: None,
        span,
    };
    let mut ok = true;
    for a in args {
        let Some(arg) = &a.name else {
            diags.push(
                Diagnostic::error(
                    a.span,
                    format!("the arguments of extension `{name}` are named"),
                )
                .with_label("unnamed argument")
                .with_help("write `schema: \"…\"`, `version: \"…\"` or `map: \"…\"`"),
            );
            ok = false;
            continue;
        };
        if !ARGUMENTS.contains(&arg.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    arg.span,
                    format!("unknown argument `{}` of extension `{name}`", arg.name),
                )
                .with_label("unknown argument")
                .with_help_opt(
                    hint(&arg.name, ARGUMENTS, "")
                        .or_else(|| Some("known arguments: schema, version, map".to_owned())),
                ),
            );
            ok = false;
            continue;
        }
        let Expr::String(s) = &a.value else {
            diags.push(
                Diagnostic::error(
                    a.value.span(),
                    format!(
                        "`{}` must be a string, got {}",
                        arg.name,
                        a.value.describe()
                    ),
                )
                .with_label("not a string"),
            );
            ok = false;
            continue;
        };
        if s.value.is_empty() {
            diags.push(
                Diagnostic::error(s.span, format!("`{}` must not be empty", arg.name))
                    .with_label("empty"),
            );
            ok = false;
            continue;
        }
        match arg.name.as_str() {
            "schema" => ext.schema = Some(s.value.clone()),
            "version" => ext.version = Some(s.value.clone()),
            _ => ext.db_name = s.value.clone(),
        }
    }
    ok.then_some(ext)
}

/// Reports a native type that needs an extension the datasource does not
/// list (`@db.Citext` without `citext`): PostgreSQL would refuse the table.
pub(crate) fn check_types(
    ast: &SchemaAst,
    datasource: &str,
    extensions: &[Extension],
    diags: &mut Vec<Diagnostic>,
) {
    for item in &ast.items {
        let TopItem::Block(b) = item else { continue };
        if b.kind != BlockKind::Model {
            continue;
        }
        check_block(b, datasource, extensions, diags);
    }
}

fn check_block(b: &Block, datasource: &str, extensions: &[Extension], diags: &mut Vec<Diagnostic>) {
    for line in &b.lines {
        let BodyLine::Field(f) = line else { continue };
        for a in &f.attributes {
            let Some(ty) = a
                .name
                .strip_prefix(datasource)
                .and_then(|n| n.strip_prefix('.'))
            else {
                continue;
            };
            let Some((_, ext)) = NEEDS_EXTENSION.iter().find(|(t, _)| *t == ty) else {
                continue;
            };
            if extensions.iter().any(|e| e.db_name == *ext) {
                continue;
            }
            diags.push(
                Diagnostic::error(a.span, format!("`@{datasource}.{ty}` needs the PostgreSQL extension `{ext}`, which the datasource does not list"))
                    .with_label(format!("needs `{ext}`"))
                    .with_help(format!("add `extensions = [{ext}]` to datasource `{datasource}`: `create_all` and migrations then run `CREATE EXTENSION IF NOT EXISTS \"{ext}\"`")),
            );
        }
    }
}
