//! Building one relation: pairing up its two sides, then the inline
//! (one-to-one, one-to-many) rules: which side holds the foreign key,
//! `fields` matching `references`, types, uniqueness, optionality and
//! referential actions. Implicit many-to-many is in `many_to_many.rs`.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{
    Arity, Field, FieldId, ForeignKey, Model, ReferentialAction, Relation, RelationId,
    RelationKind, RelationMode, RelationStorage, Schema,
};
use crate::names::{self, hint};
use crate::syntax::Ident;

use super::{ModelFacts, RelationArgs, Validator, type_display};

/// The two fields of a relation, their models and `@relation` arguments,
/// and the relation's id and name.
pub(super) struct RelationPair<'s> {
    pub(super) fa: &'s Field,
    pub(super) fb: &'s Field,
    pub(super) ma: &'s Model,
    pub(super) mb: &'s Model,
    pub(super) ra: RelationArgs,
    pub(super) rb: RelationArgs,
    pub(super) id: RelationId,
    pub(super) name: String,
    pub(super) explicit_name: bool,
}

/// The side of an inline relation that holds the foreign key, and the
/// other.
struct Sides<'a> {
    holder: &'a Field,
    back: &'a Field,
    hr: &'a RelationArgs,
    br: &'a RelationArgs,
}

/// `fields: [...]` and `references: [...]` of the holding side, with spans.
struct FkLists {
    fields: Vec<Ident>,
    fields_span: Span,
    refs: Vec<Ident>,
    refs_span: Span,
}

impl Validator<'_> {
    /// The relation between fields `f1` and `f2` (named `name`, or after the
    /// two models when empty), or `None` when a rule fails.
    pub(super) fn build_relation(
        &mut self,
        schema: &Schema,
        extras: &[ModelFacts<'_>],
        f1: FieldId,
        f2: FieldId,
        name: &str,
        id: RelationId,
    ) -> Option<Relation> {
        let fa = schema.field(f1);
        let fb = schema.field(f2);
        let args = |f: FieldId| {
            extras[f.model.0]
                .relation_args
                .get(&f.index)
                .cloned()
                .unwrap_or_default()
        };
        let ma = schema.model(f1.model);
        let mb = schema.model(f2.model);
        let rel_name = if name.is_empty() {
            let (p, q) = if ma.name <= mb.name {
                (&ma.name, &mb.name)
            } else {
                (&mb.name, &ma.name)
            };
            format!("{p}To{q}")
        } else {
            name.to_owned()
        };
        let pair = RelationPair {
            fa,
            fb,
            ma,
            mb,
            ra: args(f1),
            rb: args(f2),
            id,
            name: rel_name,
            explicit_name: !name.is_empty(),
        };
        if fa.arity == Arity::List && fb.arity == Arity::List {
            self.many_to_many_relation(schema, pair)
        } else {
            self.inline_relation(schema, extras, pair)
        }
    }

    /// A one-to-one or one-to-many relation stored as a foreign key.
    fn inline_relation(
        &mut self,
        schema: &Schema,
        extras: &[ModelFacts<'_>],
        p: RelationPair<'_>,
    ) -> Option<Relation> {
        let Sides {
            holder,
            back,
            hr,
            br,
        } = self.check_foreign_key_on_one_side(schema, &p)?;
        if holder.arity == Arity::List {
            self.list_side_error(schema, holder, hr);
            return None;
        }
        self.check_referential_arguments_on_holding_side(holder, back, br);
        let hm = schema.model(holder.id.model);
        let bm = schema.model(back.id.model);
        let rel_span = hr.span.unwrap_or(holder.span);
        let lists = self.check_relation_fields_match_references(hr, rel_span)?;
        let (local, local_ok) =
            self.resolve_foreign_key_fields(&lists.fields, hm, &extras[hm.id.0]);
        let (remote, remote_ok) = self.resolve_referenced_fields(&lists.refs, bm, &extras[bm.id.0]);
        if !(local_ok && remote_ok) {
            return None;
        }
        let types_ok = self.check_foreign_key_types_match(schema, &local, &remote, bm, rel_span);
        // References must be exactly a primary key or a unique constraint.
        if !types_ok || !self.check_references_unique(&remote, &lists, bm) {
            return None;
        }
        self.check_foreign_key_optionality(holder, &local, bm);
        let kind = if back.arity == Arity::List {
            RelationKind::OneToMany
        } else {
            RelationKind::OneToOne
        };
        if kind == RelationKind::OneToOne {
            self.check_one_to_one_back_side_optional(back, bm, hm);
            self.check_one_to_one_foreign_key_unique(holder, &local, hm, lists.fields_span);
        }
        // Prisma's default follows the scalar foreign-key fields, not the
        // relation field: `SetNull` only when every one of them is optional.
        let any_required_fk = local.iter().any(|f| f.arity == Arity::Required);
        let on_delete = hr.on_delete.map_or(
            if any_required_fk {
                ReferentialAction::Restrict
            } else {
                ReferentialAction::SetNull
            },
            |x| x.0,
        );
        let on_update = hr.on_update.map_or(ReferentialAction::Cascade, |x| x.0);
        self.check_set_null_on_optional_foreign_key(hr, &local);
        let columns: Vec<String> = local
            .iter()
            .filter_map(|f| f.scalar().map(|s| s.column_name.clone()))
            .collect();
        let col_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        let constraint_name = hr.map.as_deref().map_or_else(
            || names::foreign_key_name(&hm.table_name, &col_refs),
            names::explicit,
        );
        Some(Relation {
            id: p.id,
            name: p.name.clone(),
            explicit_name: p.explicit_name,
            kind,
            field_a: holder.id,
            field_b: back.id,
            storage: RelationStorage::ForeignKey(ForeignKey {
                model: hm.id,
                relation_field: holder.id,
                fields: local.iter().map(|f| f.id).collect(),
                columns,
                referenced_model: bm.id,
                referenced_table: bm.table_name.clone(),
                referenced_fields: remote.iter().map(|f| f.id).collect(),
                referenced_columns: remote
                    .iter()
                    .filter_map(|f| f.scalar().map(|s| s.column_name.clone()))
                    .collect(),
                on_delete,
                on_update,
                constraint_name,
                in_database: schema.relation_mode == RelationMode::ForeignKeys,
            }),
        })
    }

    /// Exactly one side has `fields`/`references`: that side holds the
    /// foreign key.
    fn check_foreign_key_on_one_side<'a>(
        &mut self,
        schema: &Schema,
        p: &'a RelationPair<'_>,
    ) -> Option<Sides<'a>> {
        let (fa, fb, ma, mb, ra, rb) = (p.fa, p.fb, p.ma, p.mb, &p.ra, &p.rb);
        let a_has = ra.fields.is_some() || ra.references.is_some();
        let b_has = rb.fields.is_some() || rb.references.is_some();
        match (a_has, b_has) {
            (true, true) => {
                if fa.arity == Arity::List || fb.arity == Arity::List {
                    let (lf, lr) = if fa.arity == Arity::List {
                        (fa, ra)
                    } else {
                        (fb, rb)
                    };
                    self.list_side_error(schema, lf, lr);
                    return None;
                }
                self.err(
                    Diagnostic::error(fb.span, format!("both sides of the relation between `{}.{}` and `{}.{}` define `fields`/`references`", ma.name, fa.name, mb.name, fb.name))
                        .with_related(fa.span, "first side")
                        .with_help("only the side that holds the foreign key has `fields` and `references`"),
                );
                None
            }
            (true, false) => Some(Sides {
                holder: fa,
                back: fb,
                hr: ra,
                br: rb,
            }),
            (false, true) => Some(Sides {
                holder: fb,
                back: fa,
                hr: rb,
                br: ra,
            }),
            (false, false) => {
                let (one, many) = if fa.arity == Arity::List {
                    (fb, fa)
                } else {
                    (fa, fb)
                };
                let m1 = schema.model(one.id.model);
                let msg = if many.arity == Arity::List {
                    let m2 = schema.model(many.id.model);
                    format!(
                        "one-to-many relation between `{}.{}` and `{}.{}` has no `fields`/`references` on the `{}` side",
                        m1.name, one.name, m2.name, many.name, m1.name
                    )
                } else {
                    format!(
                        "one-to-one relation between `{}.{}` and `{}.{}` has no `fields`/`references` on either side",
                        ma.name, fa.name, mb.name, fb.name
                    )
                };
                self.err(
                    Diagnostic::error(one.span, msg)
                        .with_label("foreign key missing")
                        .with_help(format!("add `@relation(fields: [{}Id], references: [id])` and the `{}Id` field", one.name, one.name)),
                );
                None
            }
        }
    }

    /// `onDelete`, `onUpdate` and `map` go on the side with `fields`.
    fn check_referential_arguments_on_holding_side(
        &mut self,
        holder: &Field,
        back: &Field,
        br: &RelationArgs,
    ) {
        if br.on_delete.is_some() || br.on_update.is_some() || br.map.is_some() {
            let span = br.span.unwrap_or(back.span);
            self.err(
                Diagnostic::error(span, "`onDelete`, `onUpdate` and `map` belong on the side of the relation that has `fields`")
                    .with_help(format!("move them to `{}`", holder.name)),
            );
        }
    }

    /// `fields` and `references` are both given, equally long and not empty.
    fn check_relation_fields_match_references(
        &mut self,
        hr: &RelationArgs,
        rel_span: Span,
    ) -> Option<FkLists> {
        let Some((fields, fields_span)) = hr.fields.clone() else {
            self.err(
                Diagnostic::error(rel_span, "`@relation` has `references` but no `fields`")
                    .with_help("add `fields: [theForeignKeyField]`"),
            );
            return None;
        };
        let Some((refs, refs_span)) = hr.references.clone() else {
            self.err(
                Diagnostic::error(rel_span, "`@relation` has `fields` but no `references`")
                    .with_help("add `references: [id]`"),
            );
            return None;
        };
        if fields.len() != refs.len() {
            self.err(
                Diagnostic::error(
                    rel_span,
                    format!(
                        "`@relation` has {} `fields` but {} `references`",
                        fields.len(),
                        refs.len()
                    ),
                )
                .with_label("counts differ")
                .with_help("each foreign-key field references one field"),
            );
            return None;
        }
        if fields.is_empty() {
            self.err(Diagnostic::error(
                fields_span,
                "`@relation(fields:)` needs at least one field",
            ));
            return None;
        }
        Some(FkLists {
            fields,
            fields_span,
            refs,
            refs_span,
        })
    }

    /// `fields: [...]` names scalar fields of the holding model; false
    /// (reported) when one does not.
    fn resolve_foreign_key_fields<'s>(
        &mut self,
        names_list: &[Ident],
        hm: &'s Model,
        holder_facts: &ModelFacts<'_>,
    ) -> (Vec<&'s Field>, bool) {
        let mut local = Vec::new();
        let mut ok = true;
        for f in names_list {
            match holder_facts
                .field_index
                .get(f.name.as_str())
                .map(|i| &hm.fields[*i])
            {
                Some(field) if field.scalar().is_some() => local.push(field),
                Some(_) => {
                    self.err(Diagnostic::error(f.span, format!("`@relation(fields:)` refers to relation field `{}`; use its scalar foreign-key field", f.name)));
                    ok = false;
                }
                None => {
                    let help = hint(
                        &f.name,
                        hm.scalar_fields().map(|(x, _)| x.name.as_str()),
                        "",
                    );
                    self.err(
                        Diagnostic::error(
                            f.span,
                            format!(
                                "`@relation(fields:)` refers to unknown field `{}` in model `{}`{}",
                                f.name,
                                hm.name,
                                help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
                            ),
                        )
                        .with_label("no such field")
                        .with_help_opt(help.or_else(|| {
                            Some(format!(
                                "declare the foreign-key field, e.g. `{} Int`",
                                f.name
                            ))
                        })),
                    );
                    ok = false;
                }
            }
        }
        (local, ok)
    }

    /// `references: [...]` names scalar fields of the referenced model;
    /// false (reported) when one does not.
    fn resolve_referenced_fields<'s>(
        &mut self,
        refs: &[Ident],
        bm: &'s Model,
        back_facts: &ModelFacts<'_>,
    ) -> (Vec<&'s Field>, bool) {
        let mut remote = Vec::new();
        let mut ok = true;
        for r in refs {
            match back_facts
                .field_index
                .get(r.name.as_str())
                .map(|i| &bm.fields[*i])
            {
                Some(field) if field.scalar().is_some() => remote.push(field),
                Some(_) => {
                    self.err(Diagnostic::error(
                        r.span,
                        format!(
                            "`@relation(references:)` refers to relation field `{}`",
                            r.name
                        ),
                    ));
                    ok = false;
                }
                None => {
                    let help = hint(
                        &r.name,
                        bm.scalar_fields().map(|(x, _)| x.name.as_str()),
                        "",
                    );
                    self.err(
                        Diagnostic::error(r.span, format!("`@relation(references:)` refers to unknown field `{}` in model `{}`{}", r.name, bm.name, help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))
                            .with_label("no such field")
                            .with_help_opt(help),
                    );
                    ok = false;
                }
            }
        }
        (remote, ok)
    }

    /// Each foreign-key field has the type of the field it references.
    fn check_foreign_key_types_match(
        &mut self,
        schema: &Schema,
        local: &[&Field],
        remote: &[&Field],
        bm: &Model,
        rel_span: Span,
    ) -> bool {
        let mut ok = true;
        for (l, r) in local.iter().zip(remote) {
            let (Some(ls), Some(rs)) = (l.scalar(), r.scalar()) else {
                continue;
            };
            if ls.psl_type != rs.psl_type {
                let lt = type_display(&ls.psl_type, &schema.enums);
                let rt = type_display(&rs.psl_type, &schema.enums);
                self.err(
                    Diagnostic::error(rel_span, format!("`@relation`: field `{}` is `{lt}` but referenced field `{}.{}` is `{rt}`", l.name, bm.name, r.name))
                        .with_label("types differ")
                        .with_help(format!("declare `{}` as `{rt}`", l.name)),
                );
                ok = false;
            }
        }
        ok
    }

    /// The referenced fields are exactly a primary key or a unique
    /// constraint of their model.
    fn check_references_unique(&mut self, remote: &[&Field], lists: &FkLists, bm: &Model) -> bool {
        let mut ref_ids: Vec<FieldId> = remote.iter().map(|f| f.id).collect();
        ref_ids.sort();
        if is_unique_set(&ref_ids, bm) {
            return true;
        }
        let list = lists
            .refs
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let what = if remote.len() == 1 {
            format!("`{}.{}` is not unique", bm.name, remote[0].name)
        } else {
            format!(
                "fields ({list}) of `{}` are not a unique criterion",
                bm.name
            )
        };
        self.err(
            Diagnostic::error(lists.refs_span, format!("`@relation(references: [{list}])`: {what} (references must be a primary key or unique)"))
                .with_label("not unique")
                .with_help(format!("reference the primary key, or add `@unique` / `@@unique([{list}])` to `{}`", bm.name)),
        );
        false
    }

    /// A required relation field needs required foreign-key fields.
    fn check_foreign_key_optionality(&mut self, holder: &Field, local: &[&Field], bm: &Model) {
        let any_optional = local.iter().any(|f| f.arity == Arity::Optional);
        if any_optional && holder.arity == Arity::Required {
            self.err(
                Diagnostic::error(holder.span, format!("relation field `{}` is required but its foreign-key field(s) are optional; make it `{}?`", holder.name, bm.name))
                    .with_help("relation and foreign-key fields must agree on optionality"),
            );
        }
    }

    /// The back side of a one-to-one relation is optional.
    fn check_one_to_one_back_side_optional(&mut self, back: &Field, bm: &Model, hm: &Model) {
        if back.arity == Arity::Required {
            self.err(
                Diagnostic::error(
                    back.span,
                    format!(
                        "the back side `{}.{}` of a one-to-one relation must be optional (`{}?`)",
                        bm.name, back.name, hm.name
                    ),
                )
                .with_label("must be optional")
                .with_help(format!("write `{} {}?`", back.name, hm.name)),
            );
        }
    }

    /// The foreign key of a one-to-one relation is unique.
    fn check_one_to_one_foreign_key_unique(
        &mut self,
        holder: &Field,
        local: &[&Field],
        hm: &Model,
        fields_span: Span,
    ) {
        let mut local_ids: Vec<FieldId> = local.iter().map(|f| f.id).collect();
        local_ids.sort();
        if !is_unique_set(&local_ids, hm) {
            let names_list = local
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ");
            self.err(
                Diagnostic::error(fields_span, format!("one-to-one relation `{}.{}`: foreign-key field {names_list} must be unique (add `@unique`)", hm.name, holder.name))
                    .with_label("not unique")
                    .with_help("a one-to-one relation needs a unique foreign key; use a list on the other side for one-to-many"),
            );
        }
    }

    /// `SetNull` on a required foreign key is a warning: the database
    /// refuses it.
    fn check_set_null_on_optional_foreign_key(&mut self, hr: &RelationArgs, local: &[&Field]) {
        for (label, act) in [("onDelete", hr.on_delete), ("onUpdate", hr.on_update)] {
            if let Some((ReferentialAction::SetNull, span)) = act
                && local.iter().any(|f| f.arity == Arity::Required)
            {
                self.err(
                        Diagnostic::warning(span, format!("`{label}: SetNull` on a required foreign key: the database will refuse to set `{}` to NULL", local.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")))
                            .with_label("field is required")
                            .with_help("make the foreign-key field optional, or choose another action"),
                    );
            }
        }
    }
}

/// The (sorted) fields `ids` are exactly the primary key or a unique
/// constraint of `m`.
fn is_unique_set(ids: &[FieldId], m: &Model) -> bool {
    m.primary_key
        .iter()
        .map(|pk| pk.fields.clone())
        .chain(
            m.uniques
                .iter()
                .map(|u| u.columns.iter().map(|c| c.field).collect()),
        )
        .any(|mut v: Vec<FieldId>| {
            v.sort();
            v == ids
        })
}
