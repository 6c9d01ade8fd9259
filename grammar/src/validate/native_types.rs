//! Native type attributes (`@db.VarChar(…)` and friends): PostgreSQL only,
//! a known type, fitting the field's scalar type, with integer arguments
//! of the right count.

use crate::diagnostics::Diagnostic;
use crate::ir::{Dialect, NativeType, PslType};
use crate::names::hint;
use crate::syntax::{Attribute, Expr};

use super::{NativeArgs, PG_NATIVE, Validator, psl_type_name};

impl Validator<'_> {
    /// The native type of a `@db.*` attribute, or `None` (reported) when a
    /// rule fails.
    pub(super) fn native_type(
        &mut self,
        a: &Attribute,
        psl: &PslType,
        tname: &str,
    ) -> Option<NativeType> {
        let (_, nname) = a.name.split_once('.').unwrap_or(("", &a.name));
        if self.dialect == Dialect::Sqlite {
            self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "native type `@{}` is not supported by provider `sqlite`",
                        a.name
                    ),
                )
                .with_label("not a SQLite type")
                .with_help("SQLite has no `@db.*` native types; remove the attribute"),
            );
            return None;
        }
        let Some(&(_, fits, argspec, _)) = PG_NATIVE.iter().find(|(n, ..)| *n == nname) else {
            let ds = &self.datasource_name;
            let help = hint(nname, PG_NATIVE.iter().map(|t| t.0), &format!("@{ds}."));
            self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "unknown native type `@{}` for provider `postgresql`",
                        a.name
                    ),
                )
                .with_label("unknown native type")
                .with_help_opt(help),
            );
            return None;
        };
        if matches!(psl, PslType::Unsupported(_)) || psl_type_name(psl) != fits {
            self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "native type `@{}` does not fit type `{tname}` (it is for `{fits}`)",
                        a.name
                    ),
                )
                .with_label("wrong scalar type"),
            );
            return None;
        }
        let args = self.native_type_arguments(a)?;
        if !self.check_native_argument_count(a, argspec, args.len()) {
            return None;
        }
        Some(NativeType {
            name: nname.to_owned(),
            args,
            span: a.span,
        })
    }

    /// Native type arguments are non-negative integers.
    fn native_type_arguments(&mut self, a: &Attribute) -> Option<Vec<String>> {
        let mut args = Vec::new();
        for arg in a.arguments() {
            match &arg.value {
                Expr::Number { text, .. } if !text.contains(['.', '-', 'e', 'E']) => {
                    args.push(text.clone())
                }
                other => {
                    let what = match other {
                        Expr::String(_) => "a string".to_owned(),
                        o => o.describe().to_owned(),
                    };
                    self.err(
                        Diagnostic::error(
                            other.span(),
                            format!("`@{}` expects a number, got {what}", a.name),
                        )
                        .with_label("expected a non-negative integer"),
                    );
                    return None;
                }
            }
        }
        Some(args)
    }

    /// The number of arguments the native type takes.
    fn check_native_argument_count(
        &mut self,
        a: &Attribute,
        argspec: NativeArgs,
        n: usize,
    ) -> bool {
        let ok = match argspec {
            NativeArgs::None => n == 0,
            NativeArgs::OptionalOne => n <= 1,
            NativeArgs::ZeroOrTwo => n == 0 || n == 2,
        };
        if !ok {
            let count = ["none", "one", "two", "three"]
                .get(n)
                .copied()
                .unwrap_or("many");
            let msg = match argspec {
                NativeArgs::None => format!("`@{}` takes no arguments", a.name),
                NativeArgs::OptionalOne => {
                    format!("`@{}` takes at most one argument, got {n}", a.name)
                }
                NativeArgs::ZeroOrTwo => format!(
                    "`@{}` takes zero or two arguments (precision, scale), got {count}",
                    a.name
                ),
            };
            self.err(Diagnostic::error(a.span, msg).with_label("wrong number of arguments"));
            return false;
        }
        true
    }
}
