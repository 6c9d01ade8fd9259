//! Building one relation: inline (one-to-one, one-to-many) and implicit
//! many-to-many.

use super::*;

impl Validator<'_> {
    pub(super) fn build_relation(
        &mut self,
        schema: &Schema,
        extras: &[ModelExtra<'_>],
        f1: FieldId,
        f2: FieldId,
        name: &str,
        id: RelationId,
    ) -> Option<Relation> {
        let fa = schema.field(f1);
        let fb = schema.field(f2);
        let ra = extras[f1.model.0]
            .relation_args
            .get(&f1.index)
            .cloned()
            .unwrap_or_default();
        let rb = extras[f2.model.0]
            .relation_args
            .get(&f2.index)
            .cloned()
            .unwrap_or_default();
        let ma = schema.model(f1.model);
        let mb = schema.model(f2.model);
        let default_name = {
            let (p, q) = if ma.name <= mb.name {
                (&ma.name, &mb.name)
            } else {
                (&mb.name, &ma.name)
            };
            format!("{p}To{q}")
        };
        let rel_name = if name.is_empty() {
            default_name
        } else {
            name.to_owned()
        };

        // Implicit many-to-many.
        if fa.arity == Arity::List && fb.arity == Arity::List {
            for (f, r, m) in [(fa, &ra, ma), (fb, &rb, mb)] {
                if let Some((_, span)) = &r.fields {
                    self.err(
                        Diagnostic::error(*span, format!("`@relation(fields:)` is not allowed on `{}.{}`: implicit many-to-many relations have no foreign-key fields", m.name, f.name))
                            .with_help("remove `fields`/`references`, or model the join table explicitly"),
                    );
                    return None;
                }
            }
            // A references the model whose name sorts first. For a
            // self-relation Prisma stores the rows of the field whose name
            // sorts first in column B (its targets in A), so column A
            // belongs to the field whose name sorts last.
            let a_first = if ma.name == mb.name {
                fa.name > fb.name
            } else {
                ma.name < mb.name
            };
            let (a_field, b_field) = if a_first { (fa, fb) } else { (fb, fa) };
            let table = format!("_{rel_name}");
            let mut cols = Vec::new();
            for (col, f) in [("A", a_field), ("B", b_field)] {
                let m = schema.model(f.id.model);
                let pk = match &m.primary_key {
                    Some(pk) if pk.fields.len() == 1 => pk.fields[0],
                    _ => {
                        self.err(
                            Diagnostic::error(f.span, format!("the implicit many-to-many relation `{}` needs a single-field `@id` on model `{}`", rel_name, m.name))
                                .with_help("add an `@id` field, or model the join table explicitly"),
                        );
                        return None;
                    }
                };
                let idf = schema.field(pk);
                let sf = idf.scalar()?;
                cols.push(JoinColumn {
                    name: col.to_owned(),
                    model: m.id,
                    field: f.id,
                    references: pk,
                    referenced_table: m.table_name.clone(),
                    referenced_column: sf.column_name.clone(),
                    sql_type: PerDialect::from_fn(|d| match (&sf.native_type, d) {
                        (Some(n), Dialect::Postgres) => native_sql(n),
                        _ => default_sql_type(&sf.psl_type, d, &schema.enums),
                    }),
                    fk_name: format!("{table}_{col}_fkey"),
                });
            }
            let b_col = cols.pop()?;
            let a_col = cols.pop()?;
            return Some(Relation {
                id,
                name: rel_name,
                explicit_name: !name.is_empty(),
                kind: RelationKind::ManyToMany,
                field_a: a_col.field,
                field_b: b_col.field,
                storage: RelationStorage::JoinTable(Box::new(JoinTable {
                    primary_key_name: format!("{table}_AB_pkey"),
                    unique_index_name: format!("{table}_AB_unique"),
                    b_index_name: format!("{table}_B_index"),
                    table_name: table,
                    a: a_col,
                    b: b_col,
                })),
            });
        }

        // 1:1 or 1:n: find the side with `fields`.
        let a_has = ra.fields.is_some() || ra.references.is_some();
        let b_has = rb.fields.is_some() || rb.references.is_some();
        let (holder, back, hr, br) = match (a_has, b_has) {
            (true, true) => {
                if fa.arity == Arity::List || fb.arity == Arity::List {
                    let (lf, lr) = if fa.arity == Arity::List {
                        (fa, &ra)
                    } else {
                        (fb, &rb)
                    };
                    self.list_side_error(schema, lf, lr);
                    return None;
                }
                self.err(
                    Diagnostic::error(fb.span, format!("both sides of the relation between `{}.{}` and `{}.{}` define `fields`/`references`", ma.name, fa.name, mb.name, fb.name))
                        .with_related(fa.span, "first side")
                        .with_help("only the side that holds the foreign key has `fields` and `references`"),
                );
                return None;
            }
            (true, false) => (fa, fb, ra, rb),
            (false, true) => (fb, fa, rb, ra),
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
                return None;
            }
        };
        if holder.arity == Arity::List {
            self.list_side_error(schema, holder, &hr);
            return None;
        }
        if br.on_delete.is_some() || br.on_update.is_some() || br.map.is_some() {
            let span = br.span.unwrap_or(back.span);
            self.err(
                Diagnostic::error(span, "`onDelete`, `onUpdate` and `map` belong on the side of the relation that has `fields`")
                    .with_help(format!("move them to `{}`", holder.name)),
            );
        }
        let hm = schema.model(holder.id.model);
        let bm = schema.model(back.id.model);
        let rel_span = hr.span.unwrap_or(holder.span);
        let (fields_list, fields_span) = match hr.fields.clone() {
            Some(x) => x,
            None => {
                self.err(
                    Diagnostic::error(rel_span, "`@relation` has `references` but no `fields`")
                        .with_help("add `fields: [theForeignKeyField]`"),
                );
                return None;
            }
        };
        let (refs_list, refs_span) = match hr.references.clone() {
            Some(x) => x,
            None => {
                self.err(
                    Diagnostic::error(rel_span, "`@relation` has `fields` but no `references`")
                        .with_help("add `references: [id]`"),
                );
                return None;
            }
        };
        if fields_list.len() != refs_list.len() {
            self.err(
                Diagnostic::error(
                    rel_span,
                    format!(
                        "`@relation` has {} `fields` but {} `references`",
                        fields_list.len(),
                        refs_list.len()
                    ),
                )
                .with_label("counts differ")
                .with_help("each foreign-key field references one field"),
            );
            return None;
        }
        if fields_list.is_empty() {
            self.err(Diagnostic::error(
                fields_span,
                "`@relation(fields:)` needs at least one field",
            ));
            return None;
        }
        let hx = &extras[hm.id.0];
        let bx = &extras[bm.id.0];
        let mut local = Vec::new();
        let mut ok = true;
        for f in &fields_list {
            match hx.field_index.get(f.name.as_str()).map(|i| &hm.fields[*i]) {
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
        let mut remote = Vec::new();
        for r in &refs_list {
            match bx.field_index.get(r.name.as_str()).map(|i| &bm.fields[*i]) {
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
        if !ok {
            return None;
        }
        for (l, r) in local.iter().zip(&remote) {
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
        // References must be exactly a primary key or a unique constraint.
        let mut ref_ids: Vec<FieldId> = remote.iter().map(|f| f.id).collect();
        ref_ids.sort();
        let is_unique_set = |ids: &[FieldId], m: &Model| {
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
        };
        if ok && !is_unique_set(&ref_ids, bm) {
            let list = refs_list
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
                Diagnostic::error(refs_span, format!("`@relation(references: [{list}])`: {what} (references must be a primary key or unique)"))
                    .with_label("not unique")
                    .with_help(format!("reference the primary key, or add `@unique` / `@@unique([{list}])` to `{}`", bm.name)),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        // Arity rules.
        let any_optional = local.iter().any(|f| f.arity == Arity::Optional);
        if any_optional && holder.arity == Arity::Required {
            self.err(
                Diagnostic::error(holder.span, format!("relation field `{}` is required but its foreign-key field(s) are optional; make it `{}?`", holder.name, bm.name))
                    .with_help("relation and foreign-key fields must agree on optionality"),
            );
        }
        let kind = if back.arity == Arity::List {
            RelationKind::OneToMany
        } else {
            RelationKind::OneToOne
        };
        if kind == RelationKind::OneToOne {
            if back.arity == Arity::Required {
                self.err(
                    Diagnostic::error(back.span, format!("the back side `{}.{}` of a one-to-one relation must be optional (`{}?`)", bm.name, back.name, hm.name))
                        .with_label("must be optional")
                        .with_help(format!("write `{} {}?`", back.name, hm.name)),
                );
            }
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
            id,
            name: rel_name,
            explicit_name: !name.is_empty(),
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
}
