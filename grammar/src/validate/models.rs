//! `model` blocks: the model-level attributes read before the fields
//! (`@@map`, `@@ignore`, `@@renamedFrom`), the fields, and the keys and
//! constraints declared by field attributes.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{
    Check, Enum, EnumId, FieldId, IndexColumn, Model, ModelId, PrimaryKey, UniqueConstraint,
};
use crate::names;
use crate::syntax::{Attribute, Block, BodyLine};

use super::fields::{FieldLines, ModelScope};
use super::model_attributes::ModelConstraints;
use super::{HashMap, ModelFacts, Validator};

/// The block attributes read before the fields: the table name is needed
/// for constraint names.
struct ModelHead {
    table_name: String,
    map_span: Option<Span>,
    ignored: bool,
    renamed_from: Option<String>,
}

impl Validator<'_> {
    /// Checks one model block and builds its IR; the facts are what the
    /// later passes need.
    pub(super) fn model<'b>(
        &mut self,
        b: &'b Block,
        id: ModelId,
        models: &HashMap<&str, ModelId>,
        enums_by_name: &HashMap<&str, EnumId>,
        enums: &[Enum],
    ) -> (Model, ModelFacts<'b>) {
        let name = b.name.as_ref().map_or("", |n| n.name.as_str()).to_owned();
        let model_span = b.name.as_ref().map_or(b.span, |n| n.span);
        let head = self.model_head_attributes(b, &name);

        let scope = ModelScope {
            id,
            name: &name,
            models,
            enums_by_name,
            enums,
        };
        let mut acc = FieldLines::with_capacity(b.lines.len());
        for i in 0..b.lines.len() {
            self.model_field(&scope, &b.lines, i, &mut acc);
        }

        let mut keys = ModelConstraints {
            primary_key: self.check_single_id_field(&acc, id, &name, &head.table_name),
            uniques: field_unique_constraints(&mut acc, id, &head.table_name),
            indexes: Vec::new(),
            checks: field_check_constraints(&mut acc, id, &head.table_name),
        };
        self.model_block_attributes(b, &name, &head.table_name, &acc, &mut keys);

        let FieldLines {
            fields,
            field_index,
            relation_args,
            ..
        } = acc;
        let model = Model {
            id,
            rust_name: names::rust_camel(&name),
            module_name: names::rust_snake(&name),
            docs: None,
            name,
            table_name: head.table_name,
            ignored: head.ignored,
            renamed_from: head.renamed_from,
            fields,
            primary_key: keys.primary_key,
            uniques: keys.uniques,
            indexes: keys.indexes,
            checks: keys.checks,
            span: model_span,
        };
        let has_invalid_lines = b.lines.iter().any(|l| matches!(l, BodyLine::Invalid(_)));
        let has_block_id = b
            .lines
            .iter()
            .any(|l| matches!(l, BodyLine::BlockAttribute(a, _) if a.name == "id"));
        (
            model,
            ModelFacts {
                field_index,
                map_span: head.map_span,
                has_invalid_lines,
                has_block_id,
                relation_args,
            },
        )
    }

    /// `@@map`, `@@ignore` and `@@renamedFrom`, each given at most once
    /// (with `@@id`).
    fn model_head_attributes(&mut self, b: &Block, name: &str) -> ModelHead {
        let mut head = ModelHead {
            table_name: name.to_owned(),
            map_span: None,
            ignored: false,
            renamed_from: None,
        };
        let mut block_attr_seen: HashMap<&str, Span> = HashMap::default();
        for line in &b.lines {
            let BodyLine::BlockAttribute(a, _) = line else {
                continue;
            };
            if !self.check_model_attribute_not_repeated(a, name, &mut block_attr_seen) {
                continue;
            }
            match a.name.as_str() {
                "map" => {
                    if let Some(table) = self.check_model_map(a) {
                        head.table_name = table;
                        head.map_span = Some(a.span);
                    }
                }
                "ignore" => {
                    self.args(a, &[], &[]);
                    head.ignored = true;
                }
                "renamedFrom" => {
                    if let Some(s) = self.check_model_renamed_from(a) {
                        head.renamed_from = Some(s);
                    }
                }
                _ => {}
            }
        }
        head
    }

    /// `@@map`, `@@id`, `@@ignore` and `@@renamedFrom` may be given once.
    fn check_model_attribute_not_repeated<'a>(
        &mut self,
        a: &'a Attribute,
        name: &str,
        seen: &mut HashMap<&'a str, Span>,
    ) -> bool {
        if matches!(a.name.as_str(), "map" | "id" | "ignore" | "renamedFrom")
            && let Some(first) = seen.insert(&a.name, a.name_span)
        {
            self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "block attribute `@@{}` given twice on model `{name}`",
                        a.name
                    ),
                )
                .with_related(first, "first given here"),
            );
            return false;
        }
        true
    }

    /// `@@map("table")` names the table.
    fn check_model_map(&mut self, a: &Attribute) -> Option<String> {
        let args = self.args(a, &["name"], &[]);
        match args.expr("name") {
            Some(e) => self.string_arg(a, e, "the table name"),
            None => {
                self.err(Diagnostic::error(
                    a.span,
                    "`@@map` needs the table name: `@@map(\"table\")`",
                ));
                None
            }
        }
    }

    /// `@@renamedFrom("Old")` names the previous model.
    fn check_model_renamed_from(&mut self, a: &Attribute) -> Option<String> {
        let args = self.args(a, &["name"], &[]);
        match args.expr("name") {
            Some(e) => {
                let s = self.string_arg(a, e, "the previous model name")?;
                if s.trim().is_empty() {
                    self.err(Diagnostic::error(
                        e.span(),
                        "`@@renamedFrom` needs the previous model name",
                    ));
                    None
                } else {
                    Some(s)
                }
            }
            None => {
                self.err(Diagnostic::error(
                    a.span,
                    "`@@renamedFrom` needs the previous model name: `@@renamedFrom(\"Old\")`",
                ));
                None
            }
        }
    }

    /// At most one field carries `@id`; the first one is the primary key.
    fn check_single_id_field(
        &mut self,
        acc: &FieldLines<'_>,
        id: ModelId,
        name: &str,
        table_name: &str,
    ) -> Option<PrimaryKey> {
        let id_fields = &acc.id_fields;
        if id_fields.len() > 1 {
            for (_, span, _) in &id_fields[1..] {
                self.err(
                    Diagnostic::error(*span, format!("model `{name}` has more than one `@id` field (use `@@id([...])` for a composite key)"))
                        .with_label("second `@id`")
                        .with_related(id_fields[0].1, "first `@id`"),
                );
            }
        }
        let (index, span, map) = id_fields.first().cloned()?;
        self.check_pk_map(&map, span);
        let col = acc.fields[index]
            .scalar()
            .map_or(String::new(), |s| s.column_name.clone());
        Some(PrimaryKey {
            fields: vec![FieldId { model: id, index }],
            columns: vec![col],
            constraint_name: map
                .as_deref()
                .map_or_else(|| names::primary_key_name(table_name), names::explicit),
            client_name: None,
            compound: false,
            span,
        })
    }
}

/// The unique constraints of `@unique` fields.
fn field_unique_constraints(
    acc: &mut FieldLines<'_>,
    id: ModelId,
    table_name: &str,
) -> Vec<UniqueConstraint> {
    let mut uniques = Vec::new();
    for (index, span, map, sort) in std::mem::take(&mut acc.single_uniques) {
        let col = acc.fields[index]
            .scalar()
            .map_or(String::new(), |s| s.column_name.clone());
        uniques.push(UniqueConstraint {
            constraint_name: map.as_deref().map_or_else(
                || names::unique_name(table_name, &[col.as_str()]),
                names::explicit,
            ),
            columns: vec![IndexColumn {
                field: FieldId { model: id, index },
                column: col,
                sort,
                length: None,
                ops: None,
            }],
            client_name: None,
            compound: false,
            span,
        });
    }
    uniques
}

/// The check constraints of `@check` fields.
fn field_check_constraints(acc: &mut FieldLines<'_>, id: ModelId, table_name: &str) -> Vec<Check> {
    let mut checks = Vec::new();
    for check in std::mem::take(&mut acc.field_checks) {
        let col = acc.fields[check.field]
            .scalar()
            .map_or(String::new(), |s| s.column_name.clone());
        let base = check.name.unwrap_or(col);
        checks.push(Check {
            expression: check.sql,
            constraint_name: check
                .map
                .as_deref()
                .map_or_else(|| names::check_name(table_name, &base), names::explicit),
            field: Some(FieldId {
                model: id,
                index: check.field,
            }),
            span: check.span,
        });
    }
    checks
}
