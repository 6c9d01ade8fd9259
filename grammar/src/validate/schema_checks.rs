//! Schema-wide checks: a unique criterion on every model, and names that
//! must be unique across the schema or a model: tables, Rust types,
//! columns, Rust field names, constraint and index names (and their length
//! on PostgreSQL), join tables.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{Arity, Dialect, Field, ForeignKey, Model, ModelId, Schema};

use super::{HashMap, ModelFacts, Validator};

/// Name → (kind, model, span) of its first use; the description for a
/// diagnostic is only formatted when there is one.
type ConstraintNames<'s> = HashMap<&'s str, (&'static str, &'s str, Span)>;

impl Validator<'_> {
    /// The checks that need the whole schema, model by model.
    pub(super) fn whole_schema_checks(&mut self, schema: &Schema, extras: &[ModelFacts<'_>]) {
        let mut tables: HashMap<&str, &Model> =
            HashMap::with_capacity_and_hasher(schema.models.len(), Default::default());
        let mut structs: HashMap<&str, &Model> =
            HashMap::with_capacity_and_hasher(schema.models.len(), Default::default());
        let mut index_names: ConstraintNames<'_> =
            HashMap::with_capacity_and_hasher(schema.models.len() * 2, Default::default());
        let mut fks_by_model: HashMap<ModelId, Vec<&ForeignKey>> =
            HashMap::with_capacity_and_hasher(schema.models.len(), Default::default());
        for fk in schema.foreign_keys() {
            fks_by_model.entry(fk.model).or_default().push(fk);
        }
        for m in &schema.models {
            let facts = &extras[m.id.0];
            self.check_model_has_unique_criterion(schema, m, facts);
            self.check_table_name_unique(m, facts, &mut tables);
            self.check_rust_type_name_unique(m, &mut structs);
            self.check_columns_and_rust_field_names_unique(m);
            let named = self.constraint_names(m);
            if self.dialect == Dialect::Postgres {
                let fks = fks_by_model.get(&m.id).map_or(&[][..], Vec::as_slice);
                self.check_constraint_name_lengths(schema, m, &named, fks);
            }
            self.check_constraint_names_unique(m, named, &mut index_names);
        }
        self.check_join_tables_do_not_clash(schema, &tables);
    }

    /// Every model (not ignored, without unparsable lines or `@@id`) has a
    /// primary key or a unique constraint on required fields.
    fn check_model_has_unique_criterion(
        &mut self,
        schema: &Schema,
        m: &Model,
        facts: &ModelFacts<'_>,
    ) {
        let has_criterion = m.primary_key.is_some()
            || m.uniques.iter().any(|u| {
                u.columns
                    .iter()
                    .all(|c| schema.field(c.field).arity == Arity::Required)
            });
        if has_criterion || m.ignored || facts.has_invalid_lines || facts.has_block_id {
            return;
        }
        let only_optional = !m.uniques.is_empty();
        let msg = if only_optional {
            format!(
                "model `{}` has no primary key or unique criterion (`@unique` on an optional field does not count)",
                m.name
            )
        } else {
            format!(
                "model `{}` has no primary key (`@id` / `@@id`) and no required unique field or `@@unique` to use instead",
                m.name
            )
        };
        self.err(
            Diagnostic::error(m.span, msg)
                .with_label("no unique criterion")
                .with_help("add `id Int @id @default(autoincrement())`, an `@@id([…])`, or `@unique` on a required field"),
        );
    }

    /// Two models do not map to one table.
    fn check_table_name_unique<'s>(
        &mut self,
        m: &'s Model,
        facts: &ModelFacts<'_>,
        tables: &mut HashMap<&'s str, &'s Model>,
    ) {
        if let Some(first) = tables.get(m.table_name.as_str()) {
            self.err(
                Diagnostic::error(
                    facts.map_span.unwrap_or(m.span),
                    format!(
                        "model `{}` maps to table `{}`, which model `{}` already uses",
                        m.name, m.table_name, first.name
                    ),
                )
                .with_label("table name taken")
                .with_related(first.span, "first model with this table"),
            );
        } else {
            tables.insert(&m.table_name, m);
        }
    }

    /// Two models do not become one Rust type.
    fn check_rust_type_name_unique<'s>(
        &mut self,
        m: &'s Model,
        structs: &mut HashMap<&'s str, &'s Model>,
    ) {
        if let Some(first) = structs.get(m.rust_name.as_str()) {
            self.err(
                Diagnostic::error(
                    m.span,
                    format!(
                        "models `{}` and `{}` both become the Rust type `{}`",
                        first.name, m.name, m.rust_name
                    ),
                )
                .with_related(first.span, "first model"),
            );
        } else {
            structs.insert(&m.rust_name, m);
        }
    }

    /// Within a model, two fields map to neither one column nor one Rust
    /// field name.
    fn check_columns_and_rust_field_names_unique(&mut self, m: &Model) {
        let mut columns: HashMap<&str, &Field> =
            HashMap::with_capacity_and_hasher(m.fields.len(), Default::default());
        let mut rust_names: HashMap<&str, &Field> =
            HashMap::with_capacity_and_hasher(m.fields.len(), Default::default());
        for f in &m.fields {
            if let Some(s) = f.scalar() {
                if let Some(first) = columns.get(s.column_name.as_str()) {
                    self.err(
                        Diagnostic::error(
                            f.span,
                            format!(
                                "field `{}` maps to column `{}`, which field `{}` already uses",
                                f.name, s.column_name, first.name
                            ),
                        )
                        .with_label("column name taken")
                        .with_related(first.span, "first field with this column"),
                    );
                } else {
                    columns.insert(&s.column_name, f);
                }
            }
            if let Some(first) = rust_names.get(f.rust_name.as_str()) {
                self.err(
                    Diagnostic::error(
                        f.span,
                        format!(
                            "fields `{}` and `{}` both become the Rust field `{}` (ormgen rule)",
                            first.name, f.name, f.rust_name
                        ),
                    )
                    .with_label("Rust name clash")
                    .with_related(first.span, "first field")
                    .with_help("rename one of them (`@map` keeps the column name)"),
                );
            } else {
                rust_names.insert(&f.rust_name, f);
            }
        }
    }

    /// The primary key, unique constraint and index names of a model in
    /// the dialect judged, with their kind and span.
    fn constraint_names<'s>(&self, m: &'s Model) -> Vec<(&'s str, &'static str, Span)> {
        let mut named: Vec<(&str, &str, Span)> = Vec::new();
        if let Some(pk) = &m.primary_key {
            named.push((
                pk.constraint_name.get(self.dialect).as_str(),
                "primary key",
                pk.span,
            ));
        }
        for u in &m.uniques {
            named.push((
                u.constraint_name.get(self.dialect).as_str(),
                "unique constraint",
                u.span,
            ));
        }
        for i in &m.indexes {
            named.push((i.name.get(self.dialect).as_str(), "index", i.span));
        }
        named
    }

    /// PostgreSQL: constraint and index names are at most 63 bytes.
    fn check_constraint_name_lengths(
        &mut self,
        schema: &Schema,
        m: &Model,
        named: &[(&str, &str, Span)],
        fks: &[&ForeignKey],
    ) {
        let mut all: Vec<(&str, Span)> = named.iter().map(|(n, _, s)| (*n, *s)).collect();
        all.extend(
            m.checks
                .iter()
                .map(|c| (c.constraint_name.postgres.as_str(), c.span)),
        );
        for fk in fks {
            let span = schema.field(fk.relation_field).span;
            all.push((fk.constraint_name.postgres.as_str(), span));
        }
        for (n, span) in all {
            if n.len() > 63 {
                self.err(
                    Diagnostic::error(span, format!("constraint name given in `map:` is {} bytes long; PostgreSQL allows at most 63", n.len()))
                        .with_label("name too long")
                        .with_help("PostgreSQL would silently truncate it; choose a shorter name"),
                );
            }
        }
    }

    /// PostgreSQL: primary keys, unique constraints and indexes share one
    /// namespace (SQLite does not name primary keys).
    fn check_constraint_names_unique<'s>(
        &mut self,
        m: &'s Model,
        named: Vec<(&'s str, &'static str, Span)>,
        index_names: &mut ConstraintNames<'s>,
    ) {
        for (n, kind, span) in named {
            if self.dialect == Dialect::Sqlite && kind == "primary key" {
                continue;
            }
            if let Some((first_kind, first_model, first_span)) = index_names.get(n) {
                let first_kind = format!("{first_kind} on `{first_model}`");
                let which = match kind {
                    "index" => "index name",
                    "unique constraint" => "unique constraint name",
                    _ => "primary key name",
                };
                self.err(
                    Diagnostic::error(span, format!("{which} `{n}` is already used by the {first_kind} (PostgreSQL: primary keys, indexes and unique constraints share one namespace)"))
                        .with_label("name taken")
                        .with_related(*first_span, "first use")
                        .with_help("choose another name with `map:`"),
                );
            } else {
                index_names.insert(n, (kind, m.name.as_str(), span));
            }
        }
    }

    /// Join tables of implicit many-to-many relations do not collide with
    /// model tables.
    fn check_join_tables_do_not_clash(&mut self, schema: &Schema, tables: &HashMap<&str, &Model>) {
        for j in schema.join_tables() {
            if let Some(m) = tables.get(j.table_name.as_str()) {
                self.err(Diagnostic::error(m.span, format!("model `{}` uses table `{}`, the join table of an implicit many-to-many relation", m.name, j.table_name)));
            }
        }
    }
}
