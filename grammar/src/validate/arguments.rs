//! Attribute arguments: matching positional and named arguments, string
//! arguments, and the validator's diagnostic helpers.

use crate::diagnostics::{Diagnostic, Span};
use crate::names::hint;
use crate::syntax::{Argument, Attribute, Expr};

use super::{Args, Validator};

impl Validator<'_> {
    pub(super) fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub(super) fn line_of(&self, span: Span) -> usize {
        span.line_col(self.source).0
    }

    /// Matches an attribute's arguments against `positional` (names for
    /// unnamed arguments, in order) and `named`; reports unknown, duplicate
    /// and surplus arguments.
    pub(super) fn args<'x>(
        &mut self,
        attr: &'x Attribute,
        positional: &[&'static str],
        named: &[&'static str],
    ) -> Args<'x> {
        let at = if attr.block { "@@" } else { "@" };
        let mut items: Vec<(&'static str, &'x Argument)> = Vec::new();
        let mut pos = 0usize;
        for arg in attr.arguments() {
            let key = match &arg.name {
                None => {
                    let k = positional.get(pos).copied();
                    pos += 1;
                    match k {
                        Some(k) => k,
                        None => {
                            self.err(
                                Diagnostic::error(
                                    arg.span,
                                    format!(
                                        "`{at}{}` takes no further unnamed argument",
                                        attr.name
                                    ),
                                )
                                .with_label("unexpected argument"),
                            );
                            continue;
                        }
                    }
                }
                Some(n) => match positional.iter().chain(named).find(|k| **k == n.name) {
                    Some(k) => k,
                    None => {
                        let all: Vec<&str> = positional.iter().chain(named).copied().collect();
                        let help = hint(&n.name, &all, "");
                        let suffix = help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                        self.err(
                            Diagnostic::error(
                                n.span,
                                format!(
                                    "unknown argument `{}` for `{at}{}`{suffix}",
                                    n.name, attr.name
                                ),
                            )
                            .with_label("unknown argument")
                            .with_help_opt(help.or_else(|| {
                                (!all.is_empty())
                                    .then(|| format!("known arguments: {}", all.join(", ")))
                            })),
                        );
                        continue;
                    }
                },
            };
            if items.iter().any(|(k, _)| *k == key) {
                self.err(
                    Diagnostic::error(
                        arg.span,
                        format!("argument `{key}` given twice for `{at}{}`", attr.name),
                    )
                    .with_label("duplicate argument"),
                );
                continue;
            }
            items.push((key, arg));
        }
        Args { items }
    }

    pub(super) fn string_arg(
        &mut self,
        attr: &Attribute,
        expr: &Expr,
        what: &str,
    ) -> Option<String> {
        match expr {
            Expr::String(s) => Some(s.value.clone()),
            other => {
                let at = if attr.block { "@@" } else { "@" };
                self.err(
                    Diagnostic::error(
                        other.span(),
                        format!(
                            "`{at}{}` expects a string for {what}, got {}",
                            attr.name,
                            other.describe()
                        ),
                    )
                    .with_label("expected a string"),
                );
                None
            }
        }
    }
}
