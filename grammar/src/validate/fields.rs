//! Model fields: each field line, its type and its field attributes
//! (`@id`, `@unique`, `@default`, `@map`, `@updatedAt`, `@ignore`,
//! `@renamedFrom`, `@check`, `@relation`, `@db.*`).

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{
    Arity, DefaultValue, Dialect, Enum, EnumId, Field, FieldId, FieldKind, ModelId, NativeType,
    PerDialect, PslType, RelationField, RelationId, ScalarField, SortOrder,
};
use crate::names::{self, hint};
use crate::native;
use crate::syntax::{AstArity, Attribute, BodyLine, FieldDecl};

use super::{
    FIELD_ATTRIBUTES, FieldCheck, HashMap, RelationArgs, TypeTarget, Validator, default_sql_type,
    native_sql,
};

/// What a model's field lines produced: the fields and what the model's
/// keys, constraints and relations are later built from.
pub(super) struct FieldLines<'b> {
    pub(super) fields: Vec<Field>,
    pub(super) field_index: HashMap<&'b str, usize>,
    pub(super) field_spans: Vec<Span>,
    pub(super) relation_args: HashMap<usize, RelationArgs>,
    /// `@id` fields: field index, attribute span, `map:`.
    pub(super) id_fields: Vec<(usize, Span, Option<String>)>,
    /// `@unique` fields: field index, attribute span, `map:`, `sort:`.
    pub(super) single_uniques: Vec<(usize, Span, Option<String>, Option<SortOrder>)>,
    pub(super) field_checks: Vec<FieldCheck>,
}

impl FieldLines<'_> {
    pub(super) fn with_capacity(lines: usize) -> Self {
        FieldLines {
            fields: Vec::with_capacity(lines),
            field_index: HashMap::with_capacity_and_hasher(lines, Default::default()),
            field_spans: Vec::with_capacity(lines),
            relation_args: HashMap::default(),
            id_fields: Vec::new(),
            single_uniques: Vec::new(),
            field_checks: Vec::new(),
        }
    }
}

/// What a model's fields are checked against.
pub(super) struct ModelScope<'m> {
    pub(super) id: ModelId,
    pub(super) name: &'m str,
    pub(super) models: &'m HashMap<&'m str, ModelId>,
    pub(super) enums_by_name: &'m HashMap<&'m str, EnumId>,
    pub(super) enums: &'m [Enum],
}

/// The attributes found on one field.
struct FieldAttrs<'b> {
    column_name: String,
    default_attr: Option<&'b Attribute>,
    native: Option<&'b Attribute>,
    updated_at: Option<Span>,
    unique: bool,
    is_id: bool,
    ignored: bool,
    renamed_from: Option<String>,
}

impl Validator<'_> {
    /// Line `i` of a model body: a field is checked and added to `acc`; any
    /// other line that is not a block attribute is reported.
    pub(super) fn model_field<'b>(
        &mut self,
        scope: &ModelScope<'_>,
        lines: &'b [BodyLine],
        i: usize,
        acc: &mut FieldLines<'b>,
    ) {
        let Some(f) = self.check_line_is_field(&lines[i], scope.name) else {
            return;
        };
        if !self.check_field_name_unique(f, acc, scope.name) {
            return;
        }
        let index = acc.fields.len();
        let fid = FieldId {
            model: scope.id,
            index,
        };
        let arity = match f.ty.arity {
            AstArity::Required => Arity::Required,
            AstArity::Optional => Arity::Optional,
            AstArity::List => Arity::List,
        };
        let target = self.resolve_field_type(f, scope);
        let mut attrs = self.field_attributes(f, target, arity, index, acc);
        let ignored = attrs.ignored;
        let renamed_from = attrs.renamed_from.take();
        let kind = match target {
            TypeTarget::Model(target_model) => {
                self.check_relation_field_has_no_column_attributes(f, &attrs);
                acc.relation_args.entry(index).or_default();
                FieldKind::Relation(RelationField {
                    relation: RelationId(usize::MAX),
                    target: target_model,
                    back_field: fid,
                    holds_foreign_key: false,
                })
            }
            _ => FieldKind::Scalar(self.scalar_field(f, target, arity, attrs, scope.enums)),
        };
        acc.field_index.insert(f.name.name.as_str(), index);
        acc.field_spans.push(f.name.span);
        acc.fields.push(Field {
            id: fid,
            name: f.name.name.clone(),
            rust_name: names::rust_snake(&f.name.name),
            docs: Self::docs_before(lines, i),
            arity,
            kind,
            ignored,
            renamed_from,
            span: f.name.span,
        });
    }

    /// A model line is a field (`name Type …`) or a block attribute; block
    /// attributes are skipped here, anything else is reported.
    fn check_line_is_field<'b>(
        &mut self,
        line: &'b BodyLine,
        model: &str,
    ) -> Option<&'b FieldDecl> {
        match line {
            BodyLine::Field(f) => Some(f),
            BodyLine::EnumValue(v) => {
                self.err(
                    Diagnostic::error(
                        v.name.span,
                        format!("syntax error: field `{}` has no type", v.name.name),
                    )
                    .with_label("type missing")
                    .with_help("fields look like `name Type`, e.g. `name String`"),
                );
                None
            }
            BodyLine::KeyValue(kv) => {
                self.err(Diagnostic::error(kv.span, format!("syntax error: invalid line in model `{model}` (not a field or block attribute)")).with_help("`key = value` lines belong in datasource and generator blocks"));
                None
            }
            _ => None,
        }
    }

    /// Field names are unique within a model; false (reported) for a repeat.
    fn check_field_name_unique(
        &mut self,
        f: &FieldDecl,
        acc: &FieldLines<'_>,
        model: &str,
    ) -> bool {
        let Some(&first) = acc.field_index.get(f.name.name.as_str()) else {
            return true;
        };
        let line_no = self.line_of(acc.field_spans[first]);
        self.err(
            Diagnostic::error(
                f.name.span,
                format!(
                    "duplicate field `{}` in model `{model}` (first defined at line {line_no})",
                    f.name.name
                ),
            )
            .with_label("duplicate field")
            .with_related(acc.field_spans[first], "first definition"),
        );
        false
    }

    /// A field's type is a scalar, an enum or a model of the schema.
    fn resolve_field_type(&mut self, f: &FieldDecl, scope: &ModelScope<'_>) -> TypeTarget {
        let tname = f.ty.name.name.as_str();
        if f.ty.unsupported.is_some() || PslType::from_name(tname).is_some() {
            TypeTarget::Scalar
        } else if let Some(e) = scope.enums_by_name.get(tname) {
            TypeTarget::Enum(*e)
        } else if let Some(m) = scope.models.get(tname) {
            TypeTarget::Model(*m)
        } else {
            let candidates = PslType::SCALAR_NAMES
                .iter()
                .copied()
                .chain(scope.models.keys().copied())
                .chain(scope.enums_by_name.keys().copied());
            let help =
                names::did_you_mean(tname, candidates).map(|s| format!("did you mean `{s}`?"));
            self.err(
                Diagnostic::error(f.ty.name.span, format!("unknown type `{tname}`{}", help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))
                    .with_label("not a scalar type, model or enum")
                    .with_help_opt(help.or_else(|| Some("scalar types are String, Boolean, Int, BigInt, Float, Decimal, DateTime, Json, Bytes".to_owned()))),
            );
            TypeTarget::Unknown
        }
    }

    /// The field attributes of `f`, each checked by the rule for its name.
    fn field_attributes<'b>(
        &mut self,
        f: &'b FieldDecl,
        target: TypeTarget,
        arity: Arity,
        index: usize,
        acc: &mut FieldLines<'b>,
    ) -> FieldAttrs<'b> {
        let mut attrs = FieldAttrs {
            column_name: f.name.name.clone(),
            default_attr: None,
            native: None,
            updated_at: None,
            unique: false,
            is_id: false,
            ignored: false,
            renamed_from: None,
        };
        let mut seen_attrs: Vec<&str> = Vec::new();
        for a in &f.attributes {
            if !self.check_not_block_attribute_on_field(a, f) {
                continue;
            }
            let key = if a.name.contains('.') {
                "db.*"
            } else {
                a.name.as_str()
            };
            if !self.check_field_attribute_not_repeated(a, f, &seen_attrs, key) {
                continue;
            }
            seen_attrs.push(key);
            let on_relation = matches!(target, TypeTarget::Model(_));
            match a.name.as_str() {
                "id" => {
                    let map = self.check_id_attribute(a, f, on_relation, arity);
                    attrs.is_id = true;
                    acc.id_fields.push((index, a.span, map));
                }
                "unique" => {
                    if let Some((map, sort)) = self.check_unique_attribute(a, on_relation) {
                        attrs.unique = true;
                        acc.single_uniques.push((index, a.span, map, sort));
                    }
                }
                "default" => {
                    if self.check_default_not_on_relation(a, on_relation) {
                        attrs.default_attr = Some(a);
                    }
                }
                "map" => {
                    if let Some(s) = self.check_field_map_attribute(a, on_relation) {
                        attrs.column_name = s;
                    }
                }
                "updatedAt" => {
                    self.args(a, &[], &[]);
                    attrs.updated_at = Some(a.name_span);
                }
                "ignore" => {
                    self.args(a, &[], &[]);
                    attrs.ignored = true;
                }
                "renamedFrom" => attrs.renamed_from = self.check_field_renamed_from(a),
                "check" => {
                    if let Some((sql, cname, map)) = self.check_field_check_attribute(a) {
                        acc.field_checks.push(FieldCheck {
                            field: index,
                            sql,
                            name: cname,
                            map,
                            span: a.span,
                        });
                    }
                }
                "relation" => {
                    if on_relation {
                        let ra = self.relation_attr(a);
                        acc.relation_args.insert(index, ra);
                    } else if !matches!(target, TypeTarget::Unknown) {
                        let tname = f.ty.name.name.as_str();
                        self.err(Diagnostic::error(a.name_span, format!("`@relation` can only be used on relation fields; `{tname}` is not a model")));
                    }
                }
                n if n.contains('.') => {
                    if self.check_native_type_prefix(a, n) {
                        attrs.native = Some(a);
                    }
                }
                other => self.report_unknown_field_attribute(a, other),
            }
        }
        attrs
    }

    /// `@@name` on a field line is a block attribute in the wrong place.
    fn check_not_block_attribute_on_field(&mut self, a: &Attribute, f: &FieldDecl) -> bool {
        if !a.name.starts_with('@') {
            return true;
        }
        let inner = a.name.trim_start_matches('@');
        self.err(
            Diagnostic::error(a.name_span, format!("block attribute `@@{inner}` used on a field line (did you mean the field attribute `@{inner}`?)"))
                .with_label("block attribute on a field")
                .with_help(format!("write `@{inner}` on the field, or `@@{inner}([{}])` on its own line", f.name.name)),
        );
        false
    }

    /// A field attribute is given at most once (all `@db.*` count as one).
    fn check_field_attribute_not_repeated(
        &mut self,
        a: &Attribute,
        f: &FieldDecl,
        seen: &[&str],
        key: &str,
    ) -> bool {
        if !seen.contains(&key) {
            return true;
        }
        self.err(
            Diagnostic::error(
                a.name_span,
                format!(
                    "attribute `@{}` given twice on field `{}`",
                    a.name, f.name.name
                ),
            )
            .with_label("repeated attribute"),
        );
        false
    }

    /// `@id` is on a required scalar field; returns its `map:`.
    fn check_id_attribute(
        &mut self,
        a: &Attribute,
        f: &FieldDecl,
        on_relation: bool,
        arity: Arity,
    ) -> Option<String> {
        let args = self.args(a, &[], &["map", "length", "sort", "clustered"]);
        let map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the constraint name"));
        if on_relation {
            self.err(
                Diagnostic::error(a.name_span, "`@id` cannot be used on a relation field")
                    .with_help("put `@id` on the scalar field"),
            );
        } else if arity != Arity::Required {
            self.err(Diagnostic::error(
                a.name_span,
                format!(
                    "`@id` field `{}` must be required (not optional or a list)",
                    f.name.name
                ),
            ));
        }
        map
    }

    /// `@unique` is on a scalar field; returns its `map:` and `sort:`.
    fn check_unique_attribute(
        &mut self,
        a: &Attribute,
        on_relation: bool,
    ) -> Option<(Option<String>, Option<SortOrder>)> {
        let args = self.args(a, &[], &["map", "length", "sort", "clustered"]);
        let map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the constraint name"));
        let sort = args.expr("sort").and_then(|e| self.sort_order(e));
        if on_relation {
            self.err(
                Diagnostic::error(a.name_span, "`@unique` cannot be used on a relation field")
                    .with_help("put `@unique` on the foreign-key field"),
            );
            return None;
        }
        Some((map, sort))
    }

    /// `@default` is on a scalar field (its value is checked with the type).
    fn check_default_not_on_relation(&mut self, a: &Attribute, on_relation: bool) -> bool {
        self.args(a, &["value"], &["map"]);
        if on_relation {
            self.err(Diagnostic::error(
                a.name_span,
                "`@default` cannot be used on a relation field",
            ));
            return false;
        }
        true
    }

    /// `@map("column")` is on a scalar field and names the column.
    fn check_field_map_attribute(&mut self, a: &Attribute, on_relation: bool) -> Option<String> {
        let args = self.args(a, &["name"], &[]);
        if on_relation {
            self.err(
                Diagnostic::error(
                    a.name_span,
                    "`@map` cannot be used on a relation field (it has no column)",
                )
                .with_help("use `map:` inside `@relation(…)` to name the foreign key"),
            );
            None
        } else if let Some(e) = args.expr("name") {
            self.string_arg(a, e, "the column name")
        } else {
            self.err(Diagnostic::error(
                a.span,
                "`@map` needs the column name: `@map(\"column\")`",
            ));
            None
        }
    }

    /// `@renamedFrom("old")` names the previous field.
    fn check_field_renamed_from(&mut self, a: &Attribute) -> Option<String> {
        let args = self.args(a, &["name"], &[]);
        match args
            .expr("name")
            .and_then(|e| self.string_arg(a, e, "the previous field name"))
        {
            Some(s) if !s.trim().is_empty() => Some(s),
            _ => {
                self.err(Diagnostic::error(
                    a.span,
                    "`@renamedFrom` needs the previous field name: `@renamedFrom(\"old\")`",
                ));
                None
            }
        }
    }

    /// `@check("sql")` has a usable SQL expression; returns it with `name:`
    /// and `map:`.
    fn check_field_check_attribute(
        &mut self,
        a: &Attribute,
    ) -> Option<(String, Option<String>, Option<String>)> {
        let args = self.args(a, &["expression"], &["name", "map"]);
        let Some(e) = args.expr("expression") else {
            self.err(
                Diagnostic::error(a.span, "`@check` needs a non-empty SQL expression")
                    .with_help("write `@check(\"column >= 0\")`"),
            );
            return None;
        };
        let sql = self.string_arg(a, e, "the SQL expression")?;
        let ok = self.sql_ok(&sql, "@check", e.span());
        let cname = args
            .expr("name")
            .and_then(|e| self.string_arg(a, e, "the check name"));
        let map = args
            .expr("map")
            .and_then(|e| self.string_arg(a, e, "the constraint name"));
        ok.then_some((sql, cname, map))
    }

    /// Native type attributes use the datasource's name (`@db.VarChar`).
    fn check_native_type_prefix(&mut self, a: &Attribute, n: &str) -> bool {
        let (prefix, _) = n.split_once('.').unwrap_or((n, ""));
        if prefix == self.datasource_name {
            return true;
        }
        let ds = self.datasource_name.clone();
        let rest = n.split_once('.').map_or("", |(_, r)| r);
        self.err(
            Diagnostic::error(a.name_span, format!("unknown attribute `@{n}`: native types use the datasource name `{ds}` (`@{ds}.{rest}`)"))
                .with_label("unknown prefix")
                .with_help(format!("did you mean `@{ds}.{rest}`?")),
        );
        false
    }

    /// Any other field attribute is unknown (with a hint for `@index`).
    fn report_unknown_field_attribute(&mut self, a: &Attribute, other: &str) {
        let help = if other == "index" {
            Some(
                "indexes are block attributes: write `@@index([field])` on its own line".to_owned(),
            )
        } else {
            hint(other, FIELD_ATTRIBUTES, "@")
        };
        let msg = if other == "index" {
            "unknown field attribute `@index` (indexes are block attributes: `@@index`)".to_owned()
        } else {
            format!(
                "unknown field attribute `@{other}`{}",
                help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
            )
        };
        self.err(
            Diagnostic::error(a.name_span, msg)
                .with_label("unknown attribute")
                .with_help_opt(help),
        );
    }

    /// Relation fields have no column: no `@updatedAt`, no `@db.*`.
    fn check_relation_field_has_no_column_attributes(
        &mut self,
        f: &FieldDecl,
        attrs: &FieldAttrs<'_>,
    ) {
        for (label, present) in [
            ("@updatedAt", attrs.updated_at.is_some()),
            ("@db.*", attrs.native.is_some()),
        ] {
            if present {
                self.err(Diagnostic::error(
                    f.name.span,
                    format!(
                        "`{label}` cannot be used on relation field `{}`",
                        f.name.name
                    ),
                ));
            }
        }
    }

    /// The scalar (or enum) side of a field: its type, native type, default
    /// and SQL types, with the rules that tie them together.
    fn scalar_field(
        &mut self,
        f: &FieldDecl,
        target: TypeTarget,
        arity: Arity,
        attrs: FieldAttrs<'_>,
        enums: &[Enum],
    ) -> ScalarField {
        let tname = f.ty.name.name.as_str();
        let psl_type = match (target, &f.ty.unsupported) {
            (_, Some(s)) => PslType::Unsupported(s.value.clone()),
            (TypeTarget::Enum(e), _) => PslType::Enum(e),
            _ => PslType::from_name(tname).unwrap_or(PslType::String),
        };
        let known = !matches!(target, TypeTarget::Unknown);
        if known {
            self.check_scalar_list_supported(f, arity);
            self.check_updated_at_type(attrs.updated_at, &psl_type, tname);
        }
        let native_type = match attrs.native {
            Some(a) if known => self.native_type(a, &psl_type, tname),
            _ => None,
        };
        let default = match attrs.default_attr {
            Some(a) if known => self.default_value(a, &psl_type, tname, arity, enums),
            _ => None,
        };
        let rust_type = native::rust_scalar(&psl_type, native_type.as_ref());
        if let Some(n) = &native_type
            && let Some(d) = native::unusable_native_type(n, &self.datasource_name)
        {
            self.err(d);
        }
        if let Some(span) = attrs.updated_at
            && let Some(d) = native::updated_at_misfit(span, rust_type, native_type.as_ref())
        {
            self.err(d);
        }
        if let Some(a) = attrs.default_attr
            && let Some(d) = native::default_out_of_range(a.span, rust_type, default.as_ref())
        {
            self.err(d);
        }
        let autoinc = matches!(default, Some(DefaultValue::Autoincrement));
        let sql_type = field_sql_types(&psl_type, native_type.as_ref(), autoinc, arity, enums);
        ScalarField {
            column_name: attrs.column_name,
            psl_type,
            rust_type,
            native_type,
            sql_type,
            default,
            updated_at: attrs.updated_at.is_some(),
            unique: attrs.unique,
            id: attrs.is_id,
        }
    }

    /// Scalar lists (`String[]`) need PostgreSQL.
    fn check_scalar_list_supported(&mut self, f: &FieldDecl, arity: Arity) {
        if arity == Arity::List && self.dialect == Dialect::Sqlite {
            let tname = f.ty.name.name.as_str();
            self.err(
                Diagnostic::error(
                    f.ty.span,
                    format!("scalar lists (`{tname}[]`) are not supported on `sqlite`"),
                )
                .with_label("list type")
                .with_help("use PostgreSQL, a `Json` field, or a separate model"),
            );
        }
    }

    /// `@updatedAt` is only allowed on `DateTime` fields.
    fn check_updated_at_type(&mut self, updated_at: Option<Span>, psl_type: &PslType, tname: &str) {
        if let Some(span) = updated_at
            && *psl_type != PslType::DateTime
        {
            self.err(
                Diagnostic::error(
                    span,
                    format!("`@updatedAt` is only allowed on `DateTime` fields, not on `{tname}`"),
                )
                .with_label("not a DateTime field"),
            );
        }
    }
}

/// A scalar field's SQL type in each dialect (serial types for
/// autoincrement keys on PostgreSQL, `[]` for lists).
fn field_sql_types(
    psl_type: &PslType,
    native_type: Option<&NativeType>,
    autoinc: bool,
    arity: Arity,
    enums: &[Enum],
) -> PerDialect<String> {
    PerDialect::from_fn(|d| {
        let mut t = match (native_type, d) {
            (Some(n), Dialect::Postgres) => native_sql(n),
            _ => default_sql_type(psl_type, d, enums),
        };
        if autoinc && d == Dialect::Postgres {
            t = match t.as_str() {
                "BIGINT" => "BIGSERIAL".into(),
                "SMALLINT" => "SMALLSERIAL".into(),
                "INTEGER" => "SERIAL".into(),
                _ => t,
            };
        }
        if arity == Arity::List {
            t.push_str("[]");
        }
        t
    })
}
