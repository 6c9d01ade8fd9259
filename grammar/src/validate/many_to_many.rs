//! Implicit many-to-many relations (a list on both sides): no foreign-key
//! fields, a single-field `@id` on both models, and the join table
//! `_Name(A, B)` named as Prisma names it.

use crate::diagnostics::Diagnostic;
use crate::ir::{
    Dialect, Field, JoinColumn, JoinTable, Model, PerDialect, Relation, RelationKind,
    RelationStorage, Schema,
};

use super::inline_relations::RelationPair;
use super::{RelationArgs, Validator, default_sql_type, native_sql};

impl Validator<'_> {
    /// The join table of an implicit many-to-many relation.
    pub(super) fn many_to_many_relation(
        &mut self,
        schema: &Schema,
        p: RelationPair<'_>,
    ) -> Option<Relation> {
        let (fa, fb, ma, mb) = (p.fa, p.fb, p.ma, p.mb);
        if !self.check_many_to_many_has_no_fields(fa, &p.ra, ma)
            || !self.check_many_to_many_has_no_fields(fb, &p.rb, mb)
        {
            return None;
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
        let table = format!("_{}", p.name);
        let a_col = self.join_column(schema, &p.name, &table, "A", a_field)?;
        let b_col = self.join_column(schema, &p.name, &table, "B", b_field)?;
        Some(Relation {
            id: p.id,
            name: p.name,
            explicit_name: p.explicit_name,
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
        })
    }

    /// Implicit many-to-many relations have no `@relation(fields:)`.
    fn check_many_to_many_has_no_fields(&mut self, f: &Field, r: &RelationArgs, m: &Model) -> bool {
        if let Some((_, span)) = &r.fields {
            self.err(
                Diagnostic::error(*span, format!("`@relation(fields:)` is not allowed on `{}.{}`: implicit many-to-many relations have no foreign-key fields", m.name, f.name))
                    .with_help("remove `fields`/`references`, or model the join table explicitly"),
            );
            return false;
        }
        true
    }

    /// Join table column `col` (`A` or `B`) for the side of field `f`; its
    /// model needs a single-field `@id`.
    fn join_column(
        &mut self,
        schema: &Schema,
        rel_name: &str,
        table: &str,
        col: &str,
        f: &Field,
    ) -> Option<JoinColumn> {
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
        Some(JoinColumn {
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
        })
    }
}
