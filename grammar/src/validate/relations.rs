//! `@relation(…)` arguments and pairing the relation fields of the schema into
//! relations (self-relations, ambiguous and missing back sides).
use crate::diagnostics::Diagnostic;
use crate::ir::{
    Field, FieldId, FieldKind, Model, ModelId, ReferentialAction, Relation, RelationId,
    RelationStorage, Schema,
};
use crate::names::hint;
use crate::syntax::{Attribute, Expr};

use super::{HashMap, ModelFacts, REFERENTIAL_ACTIONS, RelationArgs, Validator, ident_list};

impl Validator<'_> {
    pub(super) fn relation_attr(&mut self, a: &Attribute) -> RelationArgs {
        let args = self.args(
            a,
            &["name"],
            &["fields", "references", "onDelete", "onUpdate", "map"],
        );
        let mut r = RelationArgs {
            span: Some(a.span),
            ..RelationArgs::default()
        };
        r.name = args
            .expr("name")
            .and_then(|e| self.string_arg(a, e, "the relation name"));
        for key in ["fields", "references"] {
            if let Some(e) = args.expr(key) {
                match ident_list(e) {
                    Some(list) if matches!(e, Expr::Array { .. }) => {
                        if key == "fields" {
                            r.fields = Some((list, e.span()));
                        } else {
                            r.references = Some((list, e.span()));
                        }
                    }
                    _ => self.err(
                        Diagnostic::error(
                            e.span(),
                            format!("`{key}:` expects a list of field names such as `[authorId]`"),
                        )
                        .with_label("not a field list"),
                    ),
                }
            }
        }
        for key in ["onDelete", "onUpdate"] {
            let Some(e) = args.expr(key) else { continue };
            let action = match e {
                Expr::Constant { name, span } => match name.as_str() {
                    "Cascade" => Some(ReferentialAction::Cascade),
                    "Restrict" => Some(ReferentialAction::Restrict),
                    "NoAction" => Some(ReferentialAction::NoAction),
                    "SetNull" => Some(ReferentialAction::SetNull),
                    "SetDefault" => Some(ReferentialAction::SetDefault),
                    other => {
                        let help = hint(other, REFERENTIAL_ACTIONS, "");
                        let msg = match &help {
                            Some(h) => {
                                format!("unknown referential action `{other}` for `{key}` ({h})")
                            }
                            None => format!(
                                "unknown referential action `{other}` for `{key}` (expected {})",
                                REFERENTIAL_ACTIONS.join(", ")
                            ),
                        };
                        self.err(
                            Diagnostic::error(*span, msg)
                                .with_label("unknown action")
                                .with_help_opt(help),
                        );
                        None
                    }
                },
                Expr::String(s) => {
                    self.err(
                        Diagnostic::error(
                            s.span,
                            "referential action must be a constant such as `Cascade`, not a string",
                        )
                        .with_label("remove the quotes")
                        .with_help(format!("write `{key}: {}`", s.value)),
                    );
                    None
                }
                other => {
                    self.err(Diagnostic::error(
                        other.span(),
                        format!("`{key}:` expects one of {}", REFERENTIAL_ACTIONS.join(", ")),
                    ));
                    None
                }
            };
            if let Some(action) = action {
                if key == "onDelete" {
                    r.on_delete = Some((action, e.span()));
                } else {
                    r.on_update = Some((action, e.span()));
                }
            }
        }
        r.map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the foreign key name"));
        r
    }

    /// Pairs the relation fields of the schema into relations (by relation
    /// name and model pair), builds each and links its two fields.
    pub(super) fn relations(&mut self, schema: &mut Schema, extras: &[ModelFacts<'_>]) {
        let (groups, order) = relation_field_groups(schema, extras);
        let mut relations = Vec::new();
        for key in order {
            let Some(group) = groups.get(&key) else {
                continue;
            };
            let (name, x, y) = &key;
            let pair = if x == y {
                self.pair_self_relation(schema, name, *x, group)
            } else {
                self.pair_relation(schema, name, *x, *y, group)
            };
            let Some((f1, f2)) = pair else {
                continue;
            };
            if let Some(rel) =
                self.build_relation(schema, extras, f1, f2, name, RelationId(relations.len()))
            {
                link_relation_fields(schema, &rel);
                relations.push(rel);
            }
        }
        schema.relations = relations;
    }

    /// The two fields of a self-relation: it is named when the model has
    /// more than one, and it has exactly two fields.
    fn pair_self_relation(
        &mut self,
        schema: &Schema,
        name: &str,
        x: ModelId,
        group: &[FieldId],
    ) -> Option<(FieldId, FieldId)> {
        let model = &schema.models[x.0];
        if name.is_empty() && group.len() >= 2 {
            self.report_ambiguous_self_relation(model, group);
            return None;
        }
        match group.len() {
            2 => Some((group[0], group[1])),
            1 => {
                self.report_self_relation_missing_back_side(model, name, group);
                None
            }
            _ => {
                self.report_relation_name_used_by_more_than_two_fields(model, name, group);
                None
            }
        }
    }

    /// An unnamed self-relation with more than one field is ambiguous.
    fn report_ambiguous_self_relation(&mut self, model: &Model, group: &[FieldId]) {
        let f0 = &model.fields[group[0].index];
        let f1 = &model.fields[group[1].index];
        self.err(
            Diagnostic::error(f0.span, format!("ambiguous self-relation: `{}.{}` and `{}.{}` both refer to `{}`; give the relation a name", model.name, f0.name, model.name, f1.name, model.name))
                .with_label("unnamed self-relation")
                .with_related(f1.span, "also refers to the same model")
                .with_help(format!("add `@relation(\"Name\")` to both `{}` and `{}`", f0.name, f1.name)),
        );
    }

    /// A self-relation field needs its opposite field.
    fn report_self_relation_missing_back_side(
        &mut self,
        model: &Model,
        name: &str,
        group: &[FieldId],
    ) {
        let f = &model.fields[group[0].index];
        let msg = if name.is_empty() {
            format!(
                "relation field `{}` on `{}` has no opposite relation field on model `{}`",
                f.name, model.name, model.name
            )
        } else {
            format!(
                "relation field `{}` (relation \"{name}\") has no opposite field with the same relation name on model `{}`",
                f.name, model.name
            )
        };
        self.err(
            Diagnostic::error(f.span, msg)
                .with_label("missing back side")
                .with_help(format!(
                    "add the opposite field to `{}` with `@relation(\"{}\")`",
                    model.name,
                    if name.is_empty() { "Name" } else { name }
                )),
        );
    }

    /// A relation name connects exactly two fields.
    fn report_relation_name_used_by_more_than_two_fields(
        &mut self,
        model: &Model,
        name: &str,
        group: &[FieldId],
    ) {
        let f = &model.fields[group[2].index];
        self.err(
            Diagnostic::error(
                f.span,
                format!(
                    "relation name \"{name}\" is used by more than two fields of `{}`",
                    model.name
                ),
            )
            .with_help("each relation name connects exactly two fields"),
        );
    }

    /// The two fields of a relation between two models: one on each side,
    /// no more.
    fn pair_relation(
        &mut self,
        schema: &Schema,
        name: &str,
        x: ModelId,
        y: ModelId,
        group: &[FieldId],
    ) -> Option<(FieldId, FieldId)> {
        let on_x: Vec<FieldId> = group.iter().copied().filter(|f| f.model == x).collect();
        let on_y: Vec<FieldId> = group.iter().copied().filter(|f| f.model == y).collect();
        if on_x.len() > 1 || on_y.len() > 1 {
            self.report_ambiguous_relation(schema, name, &on_x, &on_y);
            return None;
        }
        match (on_x.first(), on_y.first()) {
            (Some(a), Some(b)) => Some((*a, *b)),
            (Some(only), None) | (None, Some(only)) => {
                self.report_relation_missing_back_side(schema, name, *only);
                None
            }
            (None, None) => None,
        }
    }

    /// More than one field of a model towards the same model under one
    /// relation name is ambiguous.
    fn report_ambiguous_relation(
        &mut self,
        schema: &Schema,
        name: &str,
        on_x: &[FieldId],
        on_y: &[FieldId],
    ) {
        // Report at the earliest field of a crowded side.
        let side = if on_x.len() > 1 && on_y.len() > 1 {
            let sx = schema.field(on_x[0]).span.start;
            let sy = schema.field(on_y[0]).span.start;
            if sx <= sy { on_x } else { on_y }
        } else if on_x.len() > 1 {
            on_x
        } else {
            on_y
        };
        let other_side = if std::ptr::eq(side, on_x) { on_y } else { on_x };
        let f0 = schema.field(side[0]);
        let f1 = schema.field(side[1]);
        let m = &schema.models[side[0].model.0];
        let target = &schema.models[f0.relation().map_or(side[0].model, |r| r.target).0];
        let also = if other_side.len() > 1 {
            let o0 = schema.field(other_side[0]);
            let o1 = schema.field(other_side[1]);
            format!(
                " (and `{}.{}`/`{}.{}` to `{}`)",
                target.name, o0.name, target.name, o1.name, m.name
            )
        } else {
            String::new()
        };
        let msg = if name.is_empty() {
            format!(
                "ambiguous relation: `{}.{}` and `{}.{}` both refer to `{}`{also}; give each relation a name with `@relation(\"…\")`",
                m.name, f0.name, m.name, f1.name, target.name
            )
        } else {
            format!(
                "relation name \"{name}\" is used by more than one field of `{}` towards `{}`",
                m.name, target.name
            )
        };
        self.err(
            Diagnostic::error(f0.span, msg)
                .with_label("ambiguous")
                .with_related(f1.span, "same target")
                .with_help("name both sides of each relation alike, e.g. `@relation(\"Written\")`"),
        );
    }

    /// A relation field needs its opposite field on the target model.
    fn report_relation_missing_back_side(&mut self, schema: &Schema, name: &str, only: FieldId) {
        let f = schema.field(only);
        let m = &schema.models[only.model.0];
        let target = &schema.models[f.relation().map_or(only.model, |r| r.target).0];
        let msg = if name.is_empty() {
            format!(
                "relation field `{}` on `{}` has no opposite relation field on model `{}`",
                f.name, m.name, target.name
            )
        } else {
            format!(
                "relation field `{}` (relation \"{name}\") has no opposite field with the same relation name on model `{}`",
                f.name, target.name
            )
        };
        let help = if name.is_empty() {
            format!(
                "add a field of type `{}` or `{}[]` to model `{}`",
                m.name, m.name, target.name
            )
        } else {
            format!(
                "add `@relation(\"{name}\")` to the opposite field on `{}`",
                target.name
            )
        };
        self.err(
            Diagnostic::error(f.span, msg)
                .with_label("missing back side")
                .with_help(help),
        );
    }

    pub(super) fn list_side_error(
        &mut self,
        schema: &Schema,
        list_field: &Field,
        r: &RelationArgs,
    ) {
        let m = schema.model(list_field.id.model);
        let span = r
            .fields
            .as_ref()
            .map(|x| x.1)
            .or(r.span)
            .unwrap_or(list_field.span);
        self.err(
            Diagnostic::error(span, format!("`@relation(fields:)` is not allowed on the list side `{}.{}` of a one-to-many relation", m.name, list_field.name))
                .with_label("list side")
                .with_help("put `fields`/`references` on the single side, which holds the foreign key"),
        );
    }
}

/// Relation name and the two models, in id order.
type RelationKey = (String, ModelId, ModelId);

/// The relation fields grouped by (relation name, unordered model pair),
/// and the groups in order of their first field.
fn relation_field_groups(
    schema: &Schema,
    extras: &[ModelFacts<'_>],
) -> (HashMap<RelationKey, Vec<FieldId>>, Vec<RelationKey>) {
    let mut groups: HashMap<RelationKey, Vec<FieldId>> =
        HashMap::with_capacity_and_hasher(schema.models.len() * 2, Default::default());
    let mut order: Vec<RelationKey> = Vec::new();
    for m in &schema.models {
        for f in &m.fields {
            let Some(rf) = f.relation() else { continue };
            let name = extras[m.id.0]
                .relation_args
                .get(&f.id.index)
                .and_then(|r| r.name.clone())
                .unwrap_or_default();
            let (x, y) = if m.id <= rf.target {
                (m.id, rf.target)
            } else {
                (rf.target, m.id)
            };
            let key = (name, x, y);
            let entry = groups.entry(key.clone()).or_default();
            if entry.is_empty() {
                order.push(key);
            }
            entry.push(f.id);
        }
    }
    (groups, order)
}

/// Points the two fields of `rel` at the relation and at each other.
fn link_relation_fields(schema: &mut Schema, rel: &Relation) {
    for (fid, back, holds) in [
        (rel.field_a, rel.field_b, true),
        (rel.field_b, rel.field_a, false),
    ] {
        if let FieldKind::Relation(rf) = &mut schema.models[fid.model.0].fields[fid.index].kind {
            rf.relation = rel.id;
            rf.back_field = back;
            rf.holds_foreign_key = holds && matches!(rel.storage, RelationStorage::ForeignKey(_));
        }
    }
}
