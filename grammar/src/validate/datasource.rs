//! The `datasource` and `generator` blocks.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{Datasource, Dialect, Generator, RelationMode, UrlSource};
use crate::names::{self, hint};
use crate::syntax::{Argument, Block, BodyLine, Expr, KeyValue};

use super::{HashMap, Validator};

/// The properties a datasource block may have.
const DATASOURCE_PROPERTIES: &[&str] = &[
    "provider",
    "url",
    "directUrl",
    "shadowDatabaseUrl",
    "relationMode",
    "extensions",
    "schemas",
];

impl Validator<'_> {
    /// The datasource block: each property checked by the rule for its
    /// key; the provider decides the dialect (unless one is forced).
    pub(super) fn datasource(&mut self, b: &Block) -> (Option<Datasource>, RelationMode) {
        let name = b.name.as_ref().map_or("db", |n| n.name.as_str()).to_owned();
        self.datasource_name = name.clone();
        let mut provider = None;
        let mut provider_given = false;
        let mut url = None;
        let mut other = Vec::new();
        let mut extensions_value = None;
        let mut relation_mode = RelationMode::ForeignKeys;
        let mut seen: HashMap<String, Span> = HashMap::default();
        for line in &b.lines {
            let BodyLine::KeyValue(kv) = line else {
                self.check_datasource_line_is_property(line);
                continue;
            };
            if !self.check_datasource_property_once(kv, &mut seen) {
                continue;
            }
            if kv.key.name == "provider" {
                provider_given = true;
            }
            match kv.key.name.as_str() {
                "provider" => {
                    if let Some(p) = self.check_provider_is_string(&kv.value) {
                        provider = Some(p);
                    }
                }
                "url" | "directUrl" | "shadowDatabaseUrl" => {
                    let v = self.url_value(&kv.value, &kv.key.name);
                    if kv.key.name == "url" {
                        url = v;
                    } else if let Some(v) = v {
                        other.push((
                            kv.key.name.clone(),
                            match v {
                                UrlSource::Literal(s) => s,
                                UrlSource::Env(e) => format!("env({e})"),
                            },
                        ));
                    }
                }
                "relationMode" => {
                    if let Some(mode) = self.check_relation_mode(&kv.value) {
                        relation_mode = mode;
                    }
                }
                "extensions" => extensions_value = Some(&kv.value),
                "schemas" => {
                    other.push((
                        kv.key.name.clone(),
                        self.source[kv.value.span().start..kv.value.span().end].to_owned(),
                    ));
                }
                unknown => self.report_unknown_datasource_property(kv, unknown),
            }
        }
        match &provider {
            None if provider_given => {}
            None => {
                let at = b.name.as_ref().map_or(b.keyword.span, |n| n.span);
                self.err(
                    Diagnostic::error(at, format!("datasource `{name}` has no `provider`"))
                        .with_label("provider missing")
                        .with_help("add `provider = \"postgresql\"` or `provider = \"sqlite\"`"),
                );
            }
            Some((p, span)) => self.check_provider_supported(p, *span),
        }
        if let Some(d) = self.forced_dialect {
            self.dialect = d;
        }
        let extensions = extensions_value.map_or_else(Vec::new, |e| {
            crate::extensions::parse(e, self.dialect, self.diags)
        });
        (
            Some(Datasource {
                name,
                provider: provider.map(|p| p.0).unwrap_or_default(),
                url,
                other,
                extensions,
                span: b.span,
            }),
            relation_mode,
        )
    }

    /// A datasource holds `key = value` properties only.
    fn check_datasource_line_is_property(&mut self, line: &BodyLine) {
        match line {
            BodyLine::Field(f) => self.err(
                Diagnostic::error(f.span, "syntax error: expected `=` in datasource property")
                    .with_help("write `key = value`"),
            ),
            BodyLine::EnumValue(v) => self.err(
                Diagnostic::error(v.span, "syntax error: expected `=` in datasource property")
                    .with_help("write `key = value`"),
            ),
            BodyLine::BlockAttribute(a, _) => self.err(Diagnostic::error(
                a.span,
                "attributes are not allowed in a datasource block",
            )),
            _ => {}
        }
    }

    /// A datasource property is given once; false (reported) for a repeat.
    fn check_datasource_property_once(
        &mut self,
        kv: &KeyValue,
        seen: &mut HashMap<String, Span>,
    ) -> bool {
        let Some(first) = seen.insert(kv.key.name.clone(), kv.key.span) else {
            return true;
        };
        self.err(
            Diagnostic::error(
                kv.key.span,
                format!("datasource property `{}` is given twice", kv.key.name),
            )
            .with_related(first, "first given here"),
        );
        false
    }

    /// `provider` is a string literal (not `env(…)`).
    fn check_provider_is_string(&mut self, value: &Expr) -> Option<(String, Span)> {
        match value {
            Expr::String(s) => return Some((s.value.clone(), s.span)),
            Expr::Call { name, .. } if name.name == "env" => self.err(
                Diagnostic::error(
                    value.span(),
                    "the datasource provider must be a string literal, not `env(...)`",
                )
                .with_label("must be a literal")
                .with_help("write `provider = \"postgresql\"` or `provider = \"sqlite\"`"),
            ),
            other => self.err(
                Diagnostic::error(
                    other.span(),
                    format!(
                        "the datasource provider must be a string, got {}",
                        other.describe()
                    ),
                )
                .with_help("write `provider = \"postgresql\"` or `provider = \"sqlite\"`"),
            ),
        }
        None
    }

    /// The provider is `postgresql` or `sqlite`; it sets the dialect.
    fn check_provider_supported(&mut self, p: &str, span: Span) {
        match p {
            "postgresql" | "postgres" => self.dialect = Dialect::Postgres,
            "sqlite" => self.dialect = Dialect::Sqlite,
            "mysql" | "sqlserver" | "cockroachdb" | "mongodb" => self.err(
                Diagnostic::error(
                    span,
                    format!("provider `{p}` is not supported (only `postgresql` and `sqlite`)"),
                )
                .with_label("not supported"),
            ),
            other => self.err(
                Diagnostic::error(
                    span,
                    format!("unknown provider `{other}` (expected `postgresql` or `sqlite`)"),
                )
                .with_label("unknown provider")
                .with_help_opt(hint(other, ["postgresql", "sqlite"], "")),
            ),
        }
    }

    /// `relationMode` is `"foreignKeys"` or `"prisma"`.
    fn check_relation_mode(&mut self, value: &Expr) -> Option<RelationMode> {
        match value {
            Expr::String(s) if s.value == "prisma" => return Some(RelationMode::Prisma),
            Expr::String(s) if s.value == "foreignKeys" => return Some(RelationMode::ForeignKeys),
            other => self.err(
                Diagnostic::error(
                    other.span(),
                    format!(
                        "unknown `relationMode` `{}` (expected \"foreignKeys\" or \"prisma\")",
                        &self.source[other.span().start..other.span().end]
                    ),
                )
                .with_label("unknown relation mode")
                .with_help_opt(match other {
                    Expr::String(s) => hint(&s.value, ["foreignKeys", "prisma"], ""),
                    _ => None,
                }),
            ),
        }
        None
    }

    /// Any other datasource property is unknown.
    fn report_unknown_datasource_property(&mut self, kv: &KeyValue, unknown: &str) {
        let help = hint(unknown, DATASOURCE_PROPERTIES, "");
        let suffix = help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
        self.err(
            Diagnostic::error(
                kv.key.span,
                format!("unknown datasource property `{unknown}`{suffix}"),
            )
            .with_label("unknown property")
            .with_help_opt(help.or_else(|| {
                Some(format!(
                    "known properties: {}",
                    DATASOURCE_PROPERTIES.join(", ")
                ))
            })),
        );
    }

    pub(super) fn url_value(&mut self, e: &Expr, key: &str) -> Option<UrlSource> {
        match e {
            Expr::String(s) => Some(UrlSource::Literal(s.value.clone())),
            Expr::Call { name, args, .. } if name.name == "env" => match args.as_slice() {
                [
                    Argument {
                        name: None,
                        value: Expr::String(s),
                        ..
                    },
                ] => Some(UrlSource::Env(s.value.clone())),
                _ => {
                    self.err(
                        Diagnostic::error(
                            e.span(),
                            "`env()` takes one string argument: the variable name",
                        )
                        .with_help("write `env(\"DATABASE_URL\")`"),
                    );
                    None
                }
            },
            other => {
                self.err(
                    Diagnostic::error(
                        other.span(),
                        format!(
                            "`{key}` must be a string or `env(\"NAME\")`, got {}",
                            other.describe()
                        ),
                    )
                    .with_help("write `env(\"DATABASE_URL\")`"),
                );
                None
            }
        }
    }

    pub(super) fn generator(&mut self, b: &Block) -> Generator {
        let name = b.name.as_ref().map_or("", |n| n.name.as_str()).to_owned();
        let mut provider = None;
        let mut config = Vec::new();
        for line in &b.lines {
            match line {
                BodyLine::KeyValue(kv) => {
                    let value = match &kv.value {
                        Expr::String(s) => s.value.clone(),
                        other => self.source[other.span().start..other.span().end].to_owned(),
                    };
                    if kv.key.name == "provider" {
                        match &kv.value {
                            Expr::String(s) => {
                                // Other tools' generators (`prisma-client-js`, ERD
                                // generators, …) are ignored silently, as Prisma's
                                // tools ignore each other's; only a near-miss of
                                // `ormgen` (a typo) is worth a warning.
                                if s.value != "ormgen"
                                    && names::did_you_mean(&s.value, ["ormgen"]).is_some()
                                {
                                    self.err(
                                        Diagnostic::warning(s.span, format!("generator provider `{}` looks like a misspelling of `ormgen`: the generator is ignored", s.value))
                                            .with_label("not ormgen")
                                            .with_help("did you mean `ormgen`?"),
                                    );
                                }
                                provider = Some(s.value.clone());
                            }
                            other => self.err(Diagnostic::error(
                                other.span(),
                                "the generator provider must be a string",
                            )),
                        }
                    }
                    config.push((kv.key.name.clone(), value));
                }
                BodyLine::Field(f) => self.err(
                    Diagnostic::error(f.span, "syntax error: expected `=` in generator property")
                        .with_help("write `key = value`"),
                ),
                BodyLine::EnumValue(v) => self.err(
                    Diagnostic::error(v.span, "syntax error: expected `=` in generator property")
                        .with_help("write `key = value`"),
                ),
                BodyLine::BlockAttribute(a, _) => self.err(Diagnostic::error(
                    a.span,
                    "attributes are not allowed in a generator block",
                )),
                _ => {}
            }
        }
        if provider.is_none() {
            let at = b.name.as_ref().map_or(b.keyword.span, |n| n.span);
            self.err(
                Diagnostic::error(at, format!("generator `{name}` has no `provider`"))
                    .with_label("provider missing")
                    .with_help("add `provider = \"ormgen\"`"),
            );
        }
        Generator {
            name,
            provider,
            config,
            span: b.span,
        }
    }
}
