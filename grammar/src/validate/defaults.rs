//! `@default(…)`: functions and literal values against the field's type.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{Arity, DefaultValue, Enum, PslType};
use crate::names::{self, hint};
use crate::syntax::{Argument, Attribute, Expr};

use super::{Validator, a_or_an};

impl Validator<'_> {
    pub(super) fn default_value(
        &mut self,
        a: &Attribute,
        psl: &PslType,
        tname: &str,
        arity: Arity,
        enums: &[Enum],
    ) -> Option<DefaultValue> {
        let Some(arg) = a
            .arguments()
            .iter()
            .find(|x| x.name.as_ref().is_none_or(|n| n.name == "value"))
        else {
            self.err(Diagnostic::error(
                a.span,
                "`@default` needs a value: `@default(…)`",
            ));
            return None;
        };
        let e = &arg.value;
        if let Expr::Call { name, args, span } = e {
            return self.default_function(&name.name, args, *span, psl, tname, arity);
        }
        if arity == Arity::List {
            let Expr::Array { items, .. } = e else {
                let text = &self.source[e.span().start..e.span().end];
                self.err(
                    Diagnostic::error(e.span(), format!("default value `{text}` does not fit the list type `{tname}[]` (use `[{text}]`)"))
                        .with_label("not a list"),
                );
                return None;
            };
            let mut out = Vec::new();
            for item in items {
                out.push(self.default_literal(item, psl, tname, enums)?);
            }
            return Some(DefaultValue::List(out));
        }
        self.default_literal(e, psl, tname, enums)
    }

    /// A function default (`autoincrement()`, `now()`, `uuid()`, …) fits
    /// the field's type; list fields only take `dbgenerated()`.
    pub(super) fn default_function(
        &mut self,
        fname: &str,
        args: &[Argument],
        span: Span,
        psl: &PslType,
        tname: &str,
        arity: Arity,
    ) -> Option<DefaultValue> {
        let wrong = |only: &str| {
            Diagnostic::error(
                span,
                format!(
                    "`{fname}()` cannot be the default of {} `{tname}` field (only `{only}`)",
                    a_or_an(tname)
                ),
            )
            .with_label("wrong type for this default")
        };
        if arity == Arity::List && fname != "dbgenerated" {
            self.err(Diagnostic::error(
                span,
                format!("`{fname}()` cannot be the default of a list field"),
            ));
            return None;
        }
        match fname {
            "autoincrement" => self.check_autoincrement_default(args, span, psl, tname),
            "now" => {
                if *psl != PslType::DateTime {
                    self.err(wrong("DateTime"));
                    return None;
                }
                Some(DefaultValue::Now)
            }
            "uuid" | "cuid" | "nanoid" | "ulid" => {
                if *psl != PslType::String {
                    self.err(wrong("String"));
                    return None;
                }
                self.check_generated_id_version(fname, args, span)
            }
            "dbgenerated" => self.check_dbgenerated_default(args, span),
            other => {
                self.report_unknown_default_function(other, span);
                None
            }
        }
    }

    /// `autoincrement()` is for `Int` and `BigInt` and takes no arguments.
    fn check_autoincrement_default(
        &mut self,
        args: &[Argument],
        span: Span,
        psl: &PslType,
        tname: &str,
    ) -> Option<DefaultValue> {
        if !matches!(psl, PslType::Int | PslType::BigInt) {
            self.err(
                Diagnostic::error(
                    span,
                    format!(
                        "`autoincrement()` cannot be the default of {} `{tname}` field",
                        a_or_an(tname)
                    ),
                )
                .with_label("only for Int and BigInt")
                .with_help("use `uuid()` or `cuid()` for String keys"),
            );
            return None;
        }
        if !args.is_empty() {
            self.err(Diagnostic::error(
                span,
                "`autoincrement()` takes no arguments",
            ));
        }
        Some(DefaultValue::Autoincrement)
    }

    /// `uuid(4|7)`, `cuid(1|2)`, `nanoid(n ≥ 2)`, `ulid()`: an optional,
    /// supported version number.
    fn check_generated_id_version(
        &mut self,
        fname: &str,
        args: &[Argument],
        span: Span,
    ) -> Option<DefaultValue> {
        let int_arg = |args: &[Argument]| -> Result<Option<u8>, ()> {
            match args {
                [] => Ok(None),
                [
                    Argument {
                        name: None,
                        value: Expr::Number { text, .. },
                        ..
                    },
                ] => text.parse::<u8>().map(Some).map_err(|_| ()),
                _ => Err(()),
            }
        };
        let v = match int_arg(args) {
            Ok(v) => v,
            Err(()) => {
                self.err(Diagnostic::error(
                    span,
                    format!("`{fname}()` takes an optional version number"),
                ));
                return None;
            }
        };
        let allowed = |n: u8| match fname {
            "uuid" => n == 4 || n == 7,
            "cuid" => n == 1 || n == 2,
            "nanoid" => n >= 2,
            _ => false,
        };
        if let Some(n) = v
            && !allowed(n)
        {
            self.err(Diagnostic::error(
                span,
                format!("`{fname}({n})` is not a supported version"),
            ));
            return None;
        }
        Some(match fname {
            "uuid" => DefaultValue::Uuid(v.unwrap_or(4)),
            "cuid" => DefaultValue::Cuid(v.unwrap_or(1)),
            // nanoid()/ulid(): runtime-generated strings; kept as raw
            // defaults the runtime recognises by name.
            "nanoid" => DefaultValue::Nanoid(v.unwrap_or(21)),
            _ => DefaultValue::Ulid,
        })
    }

    /// `dbgenerated()` takes nothing or one non-empty SQL string.
    fn check_dbgenerated_default(&mut self, args: &[Argument], span: Span) -> Option<DefaultValue> {
        match args {
            [] => Some(DefaultValue::DbGenerated(String::new())),
            [
                Argument {
                    name: None,
                    value: Expr::String(s),
                    ..
                },
            ] => {
                if s.value.trim().is_empty() {
                    self.err(Diagnostic::error(
                        s.span,
                        "`dbgenerated()` needs a non-empty SQL expression (or no argument at all)",
                    ));
                    return None;
                }
                Some(DefaultValue::DbGenerated(s.value.clone()))
            }
            _ => {
                self.err(Diagnostic::error(
                    span,
                    "`dbgenerated()` takes one string: the SQL expression",
                ));
                None
            }
        }
    }

    /// Any other `@default` function is unknown.
    fn report_unknown_default_function(&mut self, other: &str, span: Span) {
        let known = [
            "autoincrement",
            "now",
            "uuid",
            "cuid",
            "nanoid",
            "ulid",
            "dbgenerated",
        ];
        self.err(
            Diagnostic::error(span, format!("unknown function `{other}()` in `@default`"))
                .with_label("unknown function")
                .with_help_opt(
                    hint(other, known, "")
                        .map(|h| h.replace("`?", "()`?"))
                        .or_else(|| {
                            Some(format!("known functions: {}", known.join("(), ") + "()"))
                        }),
                ),
        );
    }

    pub(super) fn default_literal(
        &mut self,
        e: &Expr,
        psl: &PslType,
        tname: &str,
        enums: &[Enum],
    ) -> Option<DefaultValue> {
        let text = self
            .source
            .get(e.span().start..e.span().end)
            .unwrap_or("")
            .to_owned();
        let misfit = |extra: &str| {
            Diagnostic::error(
                e.span(),
                format!("default value `{text}` does not fit type `{tname}`{extra}"),
            )
            .with_label("wrong type")
        };
        let v = match (psl, e) {
            (PslType::String, Expr::String(s)) => DefaultValue::String(s.value.clone()),
            (PslType::Json, Expr::String(s)) => DefaultValue::String(s.value.clone()),
            (PslType::Bytes, Expr::String(s)) => DefaultValue::String(s.value.clone()),
            (PslType::DateTime, Expr::String(s)) => {
                if !names::is_rfc3339(&s.value) {
                    self.err(
                        Diagnostic::error(
                            e.span(),
                            format!("default value `{text}` is not a valid RFC 3339 date-time"),
                        )
                        .with_label("not a date-time")
                        .with_help("write e.g. `\"2024-01-31T12:00:00Z\"`, or use `now()`"),
                    );
                    return None;
                }
                DefaultValue::String(s.value.clone())
            }
            (PslType::Int | PslType::BigInt, Expr::Number { text: n, .. }) => {
                match n.parse::<i64>() {
                    Ok(i) if *psl == PslType::BigInt || i32::try_from(i).is_ok() => {
                        DefaultValue::Int(i)
                    }
                    _ => {
                        self.err(misfit(""));
                        return None;
                    }
                }
            }
            (PslType::Float, Expr::Number { text: n, .. }) => DefaultValue::Float(n.clone()),
            (PslType::Decimal, Expr::Number { text: n, .. }) => DefaultValue::Decimal(n.clone()),
            (PslType::Decimal, Expr::String(s)) if s.value.parse::<f64>().is_ok() => {
                DefaultValue::Decimal(s.value.clone())
            }
            (PslType::Boolean, Expr::Constant { name, .. })
                if name == "true" || name == "false" =>
            {
                DefaultValue::Bool(name == "true")
            }
            (PslType::Boolean, _) => {
                self.err(misfit(" (use `true` or `false`)"));
                return None;
            }
            (PslType::Enum(id), Expr::Constant { name, span }) => {
                let en = enums.get(id.0)?;
                match en.values.iter().find(|v| v.name == *name) {
                    Some(v) => DefaultValue::Enum {
                        name: v.name.clone(),
                        db_value: v.db_value.clone(),
                    },
                    None => {
                        let help = hint(name, en.values.iter().map(|v| v.name.as_str()), "");
                        self.err(
                            Diagnostic::error(
                                *span,
                                format!(
                                    "default value `{name}` is not a value of enum `{}`{}",
                                    en.name,
                                    help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                                ),
                            )
                            .with_label("unknown enum value")
                            .with_help_opt(help.or_else(|| {
                                Some(format!(
                                    "values: {}",
                                    en.values
                                        .iter()
                                        .map(|v| v.name.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ))
                            })),
                        );
                        return None;
                    }
                }
            }
            (PslType::Unsupported(_), _) => {
                self.err(Diagnostic::error(
                    e.span(),
                    "an `Unsupported` field can only have `dbgenerated(\"…\")` as default",
                ));
                return None;
            }
            _ => {
                self.err(misfit(""));
                return None;
            }
        };
        Some(v)
    }
}
