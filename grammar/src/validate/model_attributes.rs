//! Model block attributes that refer to fields (`@@id`, `@@unique`,
//! `@@index`, `@@check`), the unsupported and unknown ones, and their
//! helpers: key names, SQL expressions, sort orders, index types and field
//! lists.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{
    Arity, Check, Dialect, Field, Index, IndexColumn, IndexType, PrimaryKey, SortOrder,
    UniqueConstraint,
};
use crate::names::{self, hint};
use crate::syntax::{Attribute, Block, BodyLine, Expr};

use super::fields::FieldLines;
use super::{BLOCK_ATTRIBUTES, HashMap, INDEX_TYPES, Validator};

/// A model's keys, indexes and check constraints.
pub(super) struct ModelConstraints {
    pub(super) primary_key: Option<PrimaryKey>,
    pub(super) uniques: Vec<UniqueConstraint>,
    pub(super) indexes: Vec<Index>,
    pub(super) checks: Vec<Check>,
}

impl Validator<'_> {
    /// The block attributes of a model that refer to its fields, each
    /// checked by the rule for its name.
    pub(super) fn model_block_attributes(
        &mut self,
        b: &Block,
        name: &str,
        table_name: &str,
        acc: &FieldLines<'_>,
        keys: &mut ModelConstraints,
    ) {
        let mut unnamed_checks = 0usize;
        for line in &b.lines {
            let BodyLine::BlockAttribute(a, _) = line else {
                continue;
            };
            match a.name.as_str() {
                "id" => self.compound_id(a, name, table_name, acc, keys),
                "unique" => self.compound_unique(a, name, table_name, acc, keys),
                "index" => self.block_index(a, name, table_name, acc, keys),
                "check" => self.block_check(a, table_name, &mut unnamed_checks, keys),
                "schema" | "fulltext" => self.report_unsupported_model_attribute(a),
                "map" | "ignore" | "renamedFrom" => {}
                other => self.report_unknown_model_attribute(a, other),
            }
        }
    }

    /// `@@id([…])`: a compound primary key of required fields, not beside an
    /// `@id` field.
    fn compound_id(
        &mut self,
        a: &Attribute,
        name: &str,
        table_name: &str,
        acc: &FieldLines<'_>,
        keys: &mut ModelConstraints,
    ) {
        let fields = &acc.fields;
        let args = self.args(a, &["fields"], &["name", "map", "clustered"]);
        let Some(cols) = self.field_list(a, args.expr("fields"), &acc.field_index, fields, name)
        else {
            return;
        };
        let map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the constraint name"));
        let client = args
            .expr("name")
            .and_then(|e| self.string_arg(a, e, "the key name"));
        if let Some(first) = &keys.primary_key {
            if !first.compound {
                self.err(
                    Diagnostic::error(
                        a.name_span,
                        format!("model `{name}` has both `@id` and `@@id`"),
                    )
                    .with_label("second primary key")
                    .with_related(first.span, "`@id` here"),
                );
            }
            return;
        }
        self.check_pk_map(&map, a.span);
        for c in &cols {
            let f = &fields[c.field.index];
            if f.arity != Arity::Required && f.scalar().is_some() {
                self.err(Diagnostic::error(
                    a.span,
                    format!(
                        "`@@id` field `{}` must be required (not optional or a list)",
                        f.name
                    ),
                ));
            }
        }
        let col_names: Vec<String> = cols.iter().map(|c| c.column.clone()).collect();
        keys.primary_key = Some(PrimaryKey {
            fields: cols.iter().map(|c| c.field).collect(),
            client_name: client.or_else(|| {
                Some(
                    cols.iter()
                        .map(|c| fields[c.field.index].name.as_str())
                        .collect::<Vec<_>>()
                        .join("_"),
                )
            }),
            columns: col_names,
            constraint_name: map
                .as_deref()
                .map_or_else(|| names::primary_key_name(table_name), names::explicit),
            compound: true,
            span: a.span,
        });
    }

    /// `@@unique([…])`: a compound unique constraint.
    fn compound_unique(
        &mut self,
        a: &Attribute,
        name: &str,
        table_name: &str,
        acc: &FieldLines<'_>,
        keys: &mut ModelConstraints,
    ) {
        let args = self.args(a, &["fields"], &["name", "map", "clustered"]);
        let Some(cols) =
            self.field_list(a, args.expr("fields"), &acc.field_index, &acc.fields, name)
        else {
            return;
        };
        let map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the constraint name"));
        let client = args
            .expr("name")
            .and_then(|e| self.string_arg(a, e, "the constraint name"));
        let col_refs: Vec<&str> = cols.iter().map(|c| c.column.as_str()).collect();
        keys.uniques.push(UniqueConstraint {
            constraint_name: map.as_deref().map_or_else(
                || names::unique_name(table_name, &col_refs),
                names::explicit,
            ),
            client_name: client,
            columns: cols,
            compound: true,
            span: a.span,
        });
    }

    /// `@@index([…])`: fields, name, type and partial index predicate.
    fn block_index(
        &mut self,
        a: &Attribute,
        name: &str,
        table_name: &str,
        acc: &FieldLines<'_>,
        keys: &mut ModelConstraints,
    ) {
        let args = self.args(
            a,
            &["fields"],
            &["name", "map", "type", "where", "clustered"],
        );
        let Some(cols) =
            self.field_list(a, args.expr("fields"), &acc.field_index, &acc.fields, name)
        else {
            return;
        };
        let map = args
            .expr("map")
            .or(args.expr("name"))
            .and_then(|e| self.string_arg(a, e, "the index name"));
        let index_type = args.expr("type").and_then(|e| self.index_type(e));
        let predicate = match args.expr("where") {
            Some(e) => match self.string_arg(a, e, "the partial index predicate") {
                Some(sql) if self.sql_ok(&sql, "@@index(where:)", e.span()) => Some(sql),
                _ => None,
            },
            None => None,
        };
        let col_refs: Vec<&str> = cols.iter().map(|c| c.column.as_str()).collect();
        keys.indexes.push(Index {
            name: map
                .as_deref()
                .map_or_else(|| names::index_name(table_name, &col_refs), names::explicit),
            columns: cols,
            index_type,
            predicate,
            span: a.span,
        });
    }

    /// `@@check("sql")`: a usable SQL expression; unnamed checks are
    /// numbered.
    fn block_check(
        &mut self,
        a: &Attribute,
        table_name: &str,
        unnamed_checks: &mut usize,
        keys: &mut ModelConstraints,
    ) {
        let args = self.args(a, &["expression"], &["name", "map"]);
        let Some(e) = args.expr("expression") else {
            self.err(
                Diagnostic::error(a.span, "`@@check` needs a non-empty SQL expression")
                    .with_help("write `@@check(\"a < b\")`"),
            );
            return;
        };
        let Some(sql) = self.string_arg(a, e, "the SQL expression") else {
            return;
        };
        let cname = args
            .expr("name")
            .and_then(|e| self.string_arg(a, e, "the check name"));
        let map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the constraint name"));
        let base = match cname {
            Some(n) => n,
            None => {
                *unnamed_checks += 1;
                unnamed_checks.to_string()
            }
        };
        if self.sql_ok(&sql, "@@check", e.span()) {
            keys.checks.push(Check {
                expression: sql,
                constraint_name: map
                    .as_deref()
                    .map_or_else(|| names::check_name(table_name, &base), names::explicit),
                field: None,
                span: a.span,
            });
        }
    }

    /// `@@schema` and `@@fulltext` are not supported.
    fn report_unsupported_model_attribute(&mut self, a: &Attribute) {
        let d = if a.name == "schema" {
            Diagnostic::error(a.name_span, "`@@schema` (multi-schema) is not supported")
                .with_label("not supported")
                .with_help("all tables live in the connection's default schema")
        } else {
            Diagnostic::error(a.name_span, "`@@fulltext` is not supported")
                .with_label("not supported")
                .with_help("full-text indexes are a MySQL/MongoDB feature in Prisma; use `@@index(…, type: Gin)` on PostgreSQL")
        };
        self.err(d);
    }

    /// Any other block attribute is unknown.
    fn report_unknown_model_attribute(&mut self, a: &Attribute, other: &str) {
        let help = hint(other, BLOCK_ATTRIBUTES, "@@");
        self.err(
            Diagnostic::error(
                a.name_span,
                format!(
                    "unknown block attribute `@@{other}`{}",
                    help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                ),
            )
            .with_label("unknown attribute")
            .with_help_opt(help),
        );
    }

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
