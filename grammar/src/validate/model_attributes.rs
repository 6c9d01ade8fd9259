//! Helpers of the model attributes (`@@id`, `@@unique`, `@@index`): key
//! names, SQL expressions, sort orders, index types and field lists.

use super::*;

impl Validator<'_> {
    pub(super) fn check_pk_map(&mut self, map: &Option<String>, span: Span) {
        if map.is_some() && self.dialect == Dialect::Sqlite {
            self.err(
                Diagnostic::error(span, "`map:` on a primary key is not supported on `sqlite`")
                    .with_label("named primary key")
                    .with_help("SQLite does not name primary key constraints; remove `map:`"),
            );
        }
    }

    pub(super) fn sql_ok(&mut self, sql: &str, what: &str, span: Span) -> bool {
        match names::sql_problem(sql) {
            None => true,
            Some(problem) => {
                self.err(
                    Diagnostic::error(span, format!("`{what}` {problem}"))
                        .with_label("invalid SQL")
                        .with_help("the expression is copied into the DDL as written; it must be a complete SQL expression"),
                );
                false
            }
        }
    }

    pub(super) fn sort_order(&mut self, e: &Expr) -> Option<SortOrder> {
        match e {
            Expr::Constant { name, .. } if name == "Asc" => Some(SortOrder::Asc),
            Expr::Constant { name, .. } if name == "Desc" => Some(SortOrder::Desc),
            other => {
                self.err(
                    Diagnostic::error(other.span(), "`sort:` must be `Asc` or `Desc`")
                        .with_help_opt(match other {
                            Expr::Constant { name, .. } => hint(name, ["Asc", "Desc"], ""),
                            _ => None,
                        }),
                );
                None
            }
        }
    }

    pub(super) fn index_type(&mut self, e: &Expr) -> Option<IndexType> {
        let Expr::Constant { name, span } = e else {
            self.err(Diagnostic::error(
                e.span(),
                format!("`type:` must be one of {}", INDEX_TYPES.join(", ")),
            ));
            return None;
        };
        let t = match name.as_str() {
            "BTree" => IndexType::BTree,
            "Hash" => IndexType::Hash,
            "Gist" => IndexType::Gist,
            "Gin" => IndexType::Gin,
            "SpGist" => IndexType::SpGist,
            "Brin" => IndexType::Brin,
            other => {
                let help = hint(other, INDEX_TYPES, "");
                self.err(
                    Diagnostic::error(
                        *span,
                        format!(
                            "unknown index type `{other}` for `@@index(type:)`{}",
                            help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                        ),
                    )
                    .with_label("unknown index type")
                    .with_help_opt(
                        help.or_else(|| Some(format!("index types: {}", INDEX_TYPES.join(", ")))),
                    ),
                );
                return None;
            }
        };
        if self.dialect == Dialect::Sqlite && t != IndexType::BTree {
            self.err(
                Diagnostic::error(
                    *span,
                    format!("index type `{name}` is not supported on `sqlite`"),
                )
                .with_help("remove `type:`"),
            );
        }
        Some(t)
    }

    /// Resolves `[a, b(sort: Desc)]` against the model's scalar fields.
    pub(super) fn field_list(
        &mut self,
        a: &Attribute,
        e: Option<&Expr>,
        field_index: &HashMap<&str, usize>,
        fields: &[Field],
        model: &str,
    ) -> Option<Vec<IndexColumn>> {
        let Some(e) = e else {
            self.err(Diagnostic::error(
                a.span,
                format!(
                    "`@@{}` needs a list of fields: `@@{}([a, b])`",
                    a.name, a.name
                ),
            ));
            return None;
        };
        let Expr::Array { items, .. } = e else {
            self.err(Diagnostic::error(
                e.span(),
                format!("`@@{}` expects a list of fields such as `[a, b]`", a.name),
            ));
            return None;
        };
        if items.is_empty() {
            self.err(Diagnostic::error(
                e.span(),
                format!("`@@{}` needs at least one field", a.name),
            ));
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            let (fname, fspan, args) = match item {
                Expr::Constant { name, span } => (name.as_str(), *span, &[][..]),
                Expr::Call { name, args, .. } => (name.name.as_str(), name.span, args.as_slice()),
                other => {
                    self.err(Diagnostic::error(
                        other.span(),
                        format!(
                            "`@@{}` expects field names, got {}",
                            a.name,
                            other.describe()
                        ),
                    ));
                    ok = false;
                    continue;
                }
            };
            let Some(&index) = field_index.get(fname) else {
                let help = hint(fname, field_index.keys(), "");
                self.err(
                    Diagnostic::error(
                        fspan,
                        format!(
                            "`@@{}` refers to unknown field `{fname}`{}",
                            a.name,
                            help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                        ),
                    )
                    .with_label(format!("no such field in `{model}`"))
                    .with_help_opt(help),
                );
                ok = false;
                continue;
            };
            let f = &fields[index];
            let Some(sf) = f.scalar() else {
                self.err(
                    Diagnostic::error(
                        fspan,
                        format!(
                            "`@@{}` refers to relation field `{fname}`, which has no column",
                            a.name
                        ),
                    )
                    .with_help("use the foreign-key fields instead"),
                );
                ok = false;
                continue;
            };
            let mut sort = None;
            let mut length = None;
            let mut ops = None;
            for arg in args {
                match arg.name.as_ref().map(|n| n.name.as_str()) {
                    Some("sort") => sort = self.sort_order(&arg.value),
                    Some("length") => match &arg.value {
                        Expr::Number { text, .. } => length = text.parse().ok(),
                        other => self.err(Diagnostic::error(other.span(), "`length:` must be a number")),
                    },
                    Some("ops") if self.dialect == Dialect::Sqlite => self.err(
                        Diagnostic::error(arg.span, "operator classes (`ops:`) are not supported on `sqlite`")
                            .with_help("remove `ops:`"),
                    ),
                    Some("ops") => match names::operator_class(&arg.value) {
                        Some(o) => ops = Some(o),
                        None => self.err(
                            Diagnostic::error(arg.value.span(), "`ops:` must name an operator class")
                                .with_help("write e.g. `ops: JsonbPathOps` or `ops: raw(\"gin_trgm_ops\")`"),
                        ),
                    },
                    _ => self.err(
                        Diagnostic::error(arg.span, "unknown argument in a field of an index (expected `sort`, `length` or `ops`)")
                            .with_help_opt(arg.name.as_ref().and_then(|n| hint(&n.name, ["sort", "length", "ops"], ""))),
                    ),
                }
            }
            out.push(IndexColumn {
                field: f.id,
                column: sf.column_name.clone(),
                sort,
                length,
                ops,
            });
        }
        ok.then_some(out)
    }
}
