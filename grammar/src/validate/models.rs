//! `model` blocks: fields, field attributes and block attributes.

use super::*;

impl Validator<'_> {
    #[allow(clippy::too_many_lines)]
    pub(super) fn model<'b>(
        &mut self,
        b: &'b Block,
        id: ModelId,
        models: &HashMap<&str, ModelId>,
        enums_by_name: &HashMap<&str, EnumId>,
        enums: &[Enum],
    ) -> (Model, ModelExtra<'b>) {
        let name = b.name.as_ref().map_or("", |n| n.name.as_str()).to_owned();
        let model_span = b.name.as_ref().map_or(b.span, |n| n.span);

        // Block attributes first: the table name is needed for constraint names.
        let mut table_name = name.clone();
        let mut map_span = None;
        let mut ignored = false;
        let mut renamed_from = None;
        let mut block_attr_seen: HashMap<&str, Span> = HashMap::default();
        for line in &b.lines {
            let BodyLine::BlockAttribute(a, _) = line else {
                continue;
            };
            if matches!(a.name.as_str(), "map" | "id" | "ignore" | "renamedFrom")
                && let Some(first) = block_attr_seen.insert(&a.name, a.name_span)
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
                continue;
            }
            match a.name.as_str() {
                "map" => {
                    let args = self.args(a, &["name"], &[]);
                    match args.expr("name") {
                        Some(e) => {
                            if let Some(s) = self.string_arg(a, e, "the table name") {
                                table_name = s;
                                map_span = Some(a.span);
                            }
                        }
                        None => self.err(Diagnostic::error(
                            a.span,
                            "`@@map` needs the table name: `@@map(\"table\")`",
                        )),
                    }
                }
                "ignore" => {
                    self.args(a, &[], &[]);
                    ignored = true;
                }
                "renamedFrom" => {
                    let args = self.args(a, &["name"], &[]);
                    match args.expr("name") {
                        Some(e) => {
                            if let Some(s) = self.string_arg(a, e, "the previous model name") {
                                if s.trim().is_empty() {
                                    self.err(Diagnostic::error(e.span(), "`@@renamedFrom` needs the previous model name"));
                                } else {
                                    renamed_from = Some(s);
                                }
                            }
                        }
                        None => self.err(Diagnostic::error(a.span, "`@@renamedFrom` needs the previous model name: `@@renamedFrom(\"Old\")`")),
                    }
                }
                _ => {}
            }
        }

        // Fields.
        let mut fields: Vec<Field> = Vec::with_capacity(b.lines.len());
        let mut field_index: HashMap<&'b str, usize> =
            HashMap::with_capacity_and_hasher(b.lines.len(), Default::default());
        let mut field_spans: Vec<Span> = Vec::with_capacity(b.lines.len());
        let mut relation_args: HashMap<usize, RelationArgs> = HashMap::default();
        let mut id_fields: Vec<(usize, Span, Option<String>)> = Vec::new();
        let mut single_uniques: Vec<(usize, Span, Option<String>, Option<SortOrder>)> = Vec::new();
        let mut field_checks: Vec<FieldCheck> = Vec::new();
        for (i, line) in b.lines.iter().enumerate() {
            let f = match line {
                BodyLine::Field(f) => f,
                BodyLine::EnumValue(v) => {
                    self.err(
                        Diagnostic::error(
                            v.name.span,
                            format!("syntax error: field `{}` has no type", v.name.name),
                        )
                        .with_label("type missing")
                        .with_help("fields look like `name Type`, e.g. `name String`"),
                    );
                    continue;
                }
                BodyLine::KeyValue(kv) => {
                    self.err(Diagnostic::error(kv.span, format!("syntax error: invalid line in model `{name}` (not a field or block attribute)")).with_help("`key = value` lines belong in datasource and generator blocks"));
                    continue;
                }
                _ => continue,
            };
            if let Some(&first) = field_index.get(f.name.name.as_str()) {
                let line_no = self.line_of(field_spans[first]);
                self.err(
                    Diagnostic::error(f.name.span, format!("duplicate field `{}` in model `{name}` (first defined at line {line_no})", f.name.name))
                        .with_label("duplicate field")
                        .with_related(field_spans[first], "first definition"),
                );
                continue;
            }
            let index = fields.len();
            let fid = FieldId { model: id, index };
            let arity = match f.ty.arity {
                AstArity::Required => Arity::Required,
                AstArity::Optional => Arity::Optional,
                AstArity::List => Arity::List,
            };
            let tname = f.ty.name.name.as_str();
            let target = if f.ty.unsupported.is_some() || PslType::from_name(tname).is_some() {
                TypeTarget::Scalar
            } else if let Some(e) = enums_by_name.get(tname) {
                TypeTarget::Enum(*e)
            } else if let Some(m) = models.get(tname) {
                TypeTarget::Model(*m)
            } else {
                let candidates = PslType::SCALAR_NAMES
                    .iter()
                    .copied()
                    .chain(models.keys().copied())
                    .chain(enums_by_name.keys().copied());
                let help =
                    names::did_you_mean(tname, candidates).map(|s| format!("did you mean `{s}`?"));
                self.err(
                    Diagnostic::error(f.ty.name.span, format!("unknown type `{tname}`{}", help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))
                        .with_label("not a scalar type, model or enum")
                        .with_help_opt(help.or_else(|| Some("scalar types are String, Boolean, Int, BigInt, Float, Decimal, DateTime, Json, Bytes".to_owned()))),
                );
                TypeTarget::Unknown
            };

            // Attributes.
            let mut seen_attrs: Vec<&str> = Vec::new();
            let mut column_name = f.name.name.clone();
            let mut default_attr: Option<&Attribute> = None;
            let mut native: Option<&Attribute> = None;
            let mut updated_at: Option<Span> = None;
            let mut unique = false;
            let mut is_id = false;
            let mut f_ignored = false;
            let mut f_renamed = None;
            for a in &f.attributes {
                if a.name.starts_with('@') {
                    let inner = a.name.trim_start_matches('@');
                    self.err(
                        Diagnostic::error(a.name_span, format!("block attribute `@@{inner}` used on a field line (did you mean the field attribute `@{inner}`?)"))
                            .with_label("block attribute on a field")
                            .with_help(format!("write `@{inner}` on the field, or `@@{inner}([{}])` on its own line", f.name.name)),
                    );
                    continue;
                }
                let key = if a.name.contains('.') {
                    "db.*"
                } else {
                    a.name.as_str()
                };
                if seen_attrs.contains(&key) {
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
                    continue;
                }
                seen_attrs.push(key);
                let on_relation = matches!(target, TypeTarget::Model(_));
                match a.name.as_str() {
                    "id" => {
                        let args = self.args(a, &[], &["map", "length", "sort", "clustered"]);
                        let map = args
                            .expr("map")
                            .and_then(|e| self.string_arg(a, e, "the constraint name"));
                        if on_relation {
                            self.err(
                                Diagnostic::error(
                                    a.name_span,
                                    "`@id` cannot be used on a relation field",
                                )
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
                        is_id = true;
                        id_fields.push((index, a.span, map));
                    }
                    "unique" => {
                        let args = self.args(a, &[], &["map", "length", "sort", "clustered"]);
                        let map = args
                            .expr("map")
                            .and_then(|e| self.string_arg(a, e, "the constraint name"));
                        let sort = args.expr("sort").and_then(|e| self.sort_order(e));
                        if on_relation {
                            self.err(
                                Diagnostic::error(
                                    a.name_span,
                                    "`@unique` cannot be used on a relation field",
                                )
                                .with_help("put `@unique` on the foreign-key field"),
                            );
                        } else {
                            unique = true;
                            single_uniques.push((index, a.span, map, sort));
                        }
                    }
                    "default" => {
                        self.args(a, &["value"], &["map"]);
                        if on_relation {
                            self.err(Diagnostic::error(
                                a.name_span,
                                "`@default` cannot be used on a relation field",
                            ));
                        } else {
                            default_attr = Some(a);
                        }
                    }
                    "map" => {
                        let args = self.args(a, &["name"], &[]);
                        if on_relation {
                            self.err(
                                Diagnostic::error(
                                    a.name_span,
                                    "`@map` cannot be used on a relation field (it has no column)",
                                )
                                .with_help(
                                    "use `map:` inside `@relation(…)` to name the foreign key",
                                ),
                            );
                        } else if let Some(e) = args.expr("name") {
                            if let Some(s) = self.string_arg(a, e, "the column name") {
                                column_name = s;
                            }
                        } else {
                            self.err(Diagnostic::error(
                                a.span,
                                "`@map` needs the column name: `@map(\"column\")`",
                            ));
                        }
                    }
                    "updatedAt" => {
                        self.args(a, &[], &[]);
                        updated_at = Some(a.name_span);
                    }
                    "ignore" => {
                        self.args(a, &[], &[]);
                        f_ignored = true;
                    }
                    "renamedFrom" => {
                        let args = self.args(a, &["name"], &[]);
                        match args.expr("name").and_then(|e| self.string_arg(a, e, "the previous field name")) {
                            Some(s) if !s.trim().is_empty() => f_renamed = Some(s),
                            _ => self.err(Diagnostic::error(a.span, "`@renamedFrom` needs the previous field name: `@renamedFrom(\"old\")`")),
                        }
                    }
                    "check" => {
                        let args = self.args(a, &["expression"], &["name", "map"]);
                        match args.expr("expression") {
                            Some(e) => {
                                if let Some(sql) = self.string_arg(a, e, "the SQL expression") {
                                    let ok = self.sql_ok(&sql, "@check", e.span());
                                    let cname = args
                                        .expr("name")
                                        .and_then(|e| self.string_arg(a, e, "the check name"));
                                    let map = args
                                        .expr("map")
                                        .and_then(|e| self.string_arg(a, e, "the constraint name"));
                                    if ok {
                                        field_checks.push((index, sql, cname, map, a.span));
                                    }
                                }
                            }
                            None => self.err(
                                Diagnostic::error(
                                    a.span,
                                    "`@check` needs a non-empty SQL expression",
                                )
                                .with_help("write `@check(\"column >= 0\")`"),
                            ),
                        }
                    }
                    "relation" => {
                        if on_relation {
                            let ra = self.relation_attr(a);
                            relation_args.insert(index, ra);
                        } else if !matches!(target, TypeTarget::Unknown) {
                            self.err(Diagnostic::error(a.name_span, format!("`@relation` can only be used on relation fields; `{tname}` is not a model")));
                        }
                    }
                    n if n.contains('.') => {
                        let (prefix, _) = n.split_once('.').unwrap_or((n, ""));
                        if prefix == self.datasource_name {
                            native = Some(a);
                        } else {
                            let ds = self.datasource_name.clone();
                            let rest = n.split_once('.').map_or("", |(_, r)| r);
                            self.err(
                                Diagnostic::error(a.name_span, format!("unknown attribute `@{n}`: native types use the datasource name `{ds}` (`@{ds}.{rest}`)"))
                                    .with_label("unknown prefix")
                                    .with_help(format!("did you mean `@{ds}.{rest}`?")),
                            );
                        }
                    }
                    other => {
                        let help = if other == "index" {
                            Some("indexes are block attributes: write `@@index([field])` on its own line".to_owned())
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
                }
            }

            let kind = match target {
                TypeTarget::Model(target_model) => {
                    for (label, present) in [
                        ("@updatedAt", updated_at.is_some()),
                        ("@db.*", native.is_some()),
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
                    relation_args.entry(index).or_default();
                    FieldKind::Relation(RelationField {
                        relation: RelationId(usize::MAX),
                        target: target_model,
                        back_field: fid,
                        holds_foreign_key: false,
                    })
                }
                _ => {
                    let psl_type = match (target, &f.ty.unsupported) {
                        (_, Some(s)) => PslType::Unsupported(s.value.clone()),
                        (TypeTarget::Enum(e), _) => PslType::Enum(e),
                        _ => PslType::from_name(tname).unwrap_or(PslType::String),
                    };
                    let known = !matches!(target, TypeTarget::Unknown);
                    if arity == Arity::List && self.dialect == Dialect::Sqlite && known {
                        self.err(
                            Diagnostic::error(
                                f.ty.span,
                                format!("scalar lists (`{tname}[]`) are not supported on `sqlite`"),
                            )
                            .with_label("list type")
                            .with_help("use PostgreSQL, a `Json` field, or a separate model"),
                        );
                    }
                    if let Some(span) = updated_at
                        && known
                        && psl_type != PslType::DateTime
                    {
                        self.err(
                                Diagnostic::error(span, format!("`@updatedAt` is only allowed on `DateTime` fields, not on `{tname}`"))
                                    .with_label("not a DateTime field"),
                            );
                    }
                    let native_type = match native {
                        Some(a) if known => self.native_type(a, &psl_type, tname),
                        _ => None,
                    };
                    let default = match default_attr {
                        Some(a) if known => self.default_value(a, &psl_type, tname, arity, enums),
                        _ => None,
                    };
                    let rust_type = native::rust_scalar(&psl_type, native_type.as_ref());
                    if let Some(n) = &native_type
                        && let Some(d) = native::unusable_native_type(n, &self.datasource_name)
                    {
                        self.err(d);
                    }
                    if let Some(span) = updated_at
                        && let Some(d) =
                            native::updated_at_misfit(span, rust_type, native_type.as_ref())
                    {
                        self.err(d);
                    }
                    if let Some(a) = default_attr
                        && let Some(d) =
                            native::default_out_of_range(a.span, rust_type, default.as_ref())
                    {
                        self.err(d);
                    }
                    let autoinc = matches!(default, Some(DefaultValue::Autoincrement));
                    let sql_type = PerDialect::from_fn(|d| {
                        let mut t = match (&native_type, d) {
                            (Some(n), Dialect::Postgres) => native_sql(n),
                            _ => default_sql_type(&psl_type, d, enums),
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
                    });
                    FieldKind::Scalar(ScalarField {
                        column_name,
                        psl_type,
                        rust_type,
                        native_type,
                        sql_type,
                        default,
                        updated_at: updated_at.is_some(),
                        unique,
                        id: is_id,
                    })
                }
            };
            field_index.insert(f.name.name.as_str(), index);
            field_spans.push(f.name.span);
            fields.push(Field {
                id: fid,
                name: f.name.name.clone(),
                rust_name: names::rust_snake(&f.name.name),
                docs: Self::docs_before(&b.lines, i),
                arity,
                kind,
                ignored: f_ignored,
                renamed_from: f_renamed,
                span: f.name.span,
            });
        }

        // Keys and indexes from field attributes.
        let mut primary_key = None;
        if id_fields.len() > 1 {
            for (_, span, _) in &id_fields[1..] {
                self.err(
                    Diagnostic::error(*span, format!("model `{name}` has more than one `@id` field (use `@@id([...])` for a composite key)"))
                        .with_label("second `@id`")
                        .with_related(id_fields[0].1, "first `@id`"),
                );
            }
        }
        if let Some((index, span, map)) = id_fields.first().cloned() {
            self.check_pk_map(&map, span);
            let col = fields[index]
                .scalar()
                .map_or(String::new(), |s| s.column_name.clone());
            primary_key = Some(PrimaryKey {
                fields: vec![FieldId { model: id, index }],
                columns: vec![col],
                constraint_name: map
                    .as_deref()
                    .map_or_else(|| names::primary_key_name(&table_name), names::explicit),
                client_name: None,
                compound: false,
                span,
            });
        }
        let mut uniques = Vec::new();
        for (index, span, map, sort) in single_uniques {
            let col = fields[index]
                .scalar()
                .map_or(String::new(), |s| s.column_name.clone());
            uniques.push(UniqueConstraint {
                constraint_name: map.as_deref().map_or_else(
                    || names::unique_name(&table_name, &[col.as_str()]),
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
        let mut checks = Vec::new();
        for (index, sql, cname, map, span) in field_checks {
            let col = fields[index]
                .scalar()
                .map_or(String::new(), |s| s.column_name.clone());
            let base = cname.unwrap_or(col);
            checks.push(Check {
                expression: sql,
                constraint_name: map
                    .as_deref()
                    .map_or_else(|| names::check_name(&table_name, &base), names::explicit),
                field: Some(FieldId { model: id, index }),
                span,
            });
        }

        // Block attributes that refer to fields.
        let mut indexes = Vec::new();
        let mut unnamed_checks = 0usize;
        for line in &b.lines {
            let BodyLine::BlockAttribute(a, _) = line else {
                continue;
            };
            match a.name.as_str() {
                "id" => {
                    let args = self.args(a, &["fields"], &["name", "map", "clustered"]);
                    let Some(cols) = self.field_list(a, args.expr("fields"), &field_index, &fields, &name) else { continue };
                    let map = args.expr("map").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let client = args.expr("name").and_then(|e| self.string_arg(a, e, "the key name"));
                    if let Some(first) = &primary_key {
                        if !first.compound {
                            self.err(
                                Diagnostic::error(a.name_span, format!("model `{name}` has both `@id` and `@@id`"))
                                    .with_label("second primary key")
                                    .with_related(first.span, "`@id` here"),
                            );
                        }
                        continue;
                    }
                    self.check_pk_map(&map, a.span);
                    for c in &cols {
                        let f = &fields[c.field.index];
                        if f.arity != Arity::Required && f.scalar().is_some() {
                            self.err(Diagnostic::error(a.span, format!("`@@id` field `{}` must be required (not optional or a list)", f.name)));
                        }
                    }
                    let col_names: Vec<String> = cols.iter().map(|c| c.column.clone()).collect();
                    primary_key = Some(PrimaryKey {
                        fields: cols.iter().map(|c| c.field).collect(),
                        client_name: client.or_else(|| Some(cols.iter().map(|c| fields[c.field.index].name.as_str()).collect::<Vec<_>>().join("_"))),
                        columns: col_names,
                        constraint_name: map.as_deref().map_or_else(|| names::primary_key_name(&table_name), names::explicit),
                        compound: true,
                        span: a.span,
                    });
                }
                "unique" => {
                    let args = self.args(a, &["fields"], &["name", "map", "clustered"]);
                    let Some(cols) = self.field_list(a, args.expr("fields"), &field_index, &fields, &name) else { continue };
                    let map = args.expr("map").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let client = args.expr("name").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let col_refs: Vec<&str> = cols.iter().map(|c| c.column.as_str()).collect();
                    uniques.push(UniqueConstraint {
                        constraint_name: map.as_deref().map_or_else(|| names::unique_name(&table_name, &col_refs), names::explicit),
                        client_name: client,
                        columns: cols,
                        compound: true,
                        span: a.span,
                    });
                }
                "index" => {
                    let args = self.args(a, &["fields"], &["name", "map", "type", "where", "clustered"]);
                    let Some(cols) = self.field_list(a, args.expr("fields"), &field_index, &fields, &name) else { continue };
                    let map = args.expr("map").or(args.expr("name")).and_then(|e| self.string_arg(a, e, "the index name"));
                    let index_type = args.expr("type").and_then(|e| self.index_type(e));
                    let predicate = match args.expr("where") {
                        Some(e) => match self.string_arg(a, e, "the partial index predicate") {
                            Some(sql) if self.sql_ok(&sql, "@@index(where:)", e.span()) => Some(sql),
                            _ => None,
                        },
                        None => None,
                    };
                    let col_refs: Vec<&str> = cols.iter().map(|c| c.column.as_str()).collect();
                    indexes.push(Index {
                        name: map.as_deref().map_or_else(|| names::index_name(&table_name, &col_refs), names::explicit),
                        columns: cols,
                        index_type,
                        predicate,
                        span: a.span,
                    });
                }
                "check" => {
                    let args = self.args(a, &["expression"], &["name", "map"]);
                    let Some(e) = args.expr("expression") else {
                        self.err(Diagnostic::error(a.span, "`@@check` needs a non-empty SQL expression").with_help("write `@@check(\"a < b\")`"));
                        continue;
                    };
                    let Some(sql) = self.string_arg(a, e, "the SQL expression") else { continue };
                    let cname = args.expr("name").and_then(|e| self.string_arg(a, e, "the check name"));
                    let map = args.expr("map").and_then(|e| self.string_arg(a, e, "the constraint name"));
                    let base = match cname {
                        Some(n) => n,
                        None => {
                            unnamed_checks += 1;
                            unnamed_checks.to_string()
                        }
                    };
                    if self.sql_ok(&sql, "@@check", e.span()) {
                        checks.push(Check {
                            expression: sql,
                            constraint_name: map.as_deref().map_or_else(|| names::check_name(&table_name, &base), names::explicit),
                            field: None,
                            span: a.span,
                        });
                    }
                }
                "schema" => self.err(
                    Diagnostic::error(a.name_span, "`@@schema` (multi-schema) is not supported")
                        .with_label("not supported")
                        .with_help("all tables live in the connection's default schema"),
                ),
                "fulltext" => self.err(
                    Diagnostic::error(a.name_span, "`@@fulltext` is not supported")
                        .with_label("not supported")
                        .with_help("full-text indexes are a MySQL/MongoDB feature in Prisma; use `@@index(…, type: Gin)` on PostgreSQL"),
                ),
                "map" | "ignore" | "renamedFrom" => {}
                other => {
                    let help = hint(other, BLOCK_ATTRIBUTES, "@@");
                    self.err(
                        Diagnostic::error(a.name_span, format!("unknown block attribute `@@{other}`{}", help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))
                            .with_label("unknown attribute")
                            .with_help_opt(help),
                    );
                }
            }
        }

        let model = Model {
            id,
            rust_name: names::rust_camel(&name),
            module_name: names::rust_snake(&name),
            docs: None,
            name,
            table_name,
            ignored,
            renamed_from,
            fields,
            primary_key,
            uniques,
            indexes,
            checks,
            span: model_span,
        };
        let has_invalid_lines = b.lines.iter().any(|l| matches!(l, BodyLine::Invalid(_)));
        let has_block_id = b
            .lines
            .iter()
            .any(|l| matches!(l, BodyLine::BlockAttribute(a, _) if a.name == "id"));
        (
            model,
            ModelExtra {
                field_index,
                map_span,
                has_invalid_lines,
                has_block_id,
                relation_args,
            },
        )
    }
}
