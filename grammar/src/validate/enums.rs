//! `enum` blocks: values, `@map`, `@@map` and `@@schema`.

use super::*;

impl Validator<'_> {
    pub(super) fn enum_block(&mut self, b: &Block, id: EnumId) -> Enum {
        let name = b.name.as_ref().map_or("", |n| n.name.as_str()).to_owned();
        let span = b.name.as_ref().map_or(b.span, |n| n.span);
        let mut values: Vec<EnumValue> = Vec::new();
        let mut db_name = name.clone();
        let mut seen: HashMap<String, Span> = HashMap::default();
        let mut seen_rust: HashMap<String, String> = HashMap::default();
        for (i, line) in b.lines.iter().enumerate() {
            match line {
                BodyLine::EnumValue(v) => {
                    if let Some(first) = seen.get(&v.name.name) {
                        let line_no = self.line_of(*first);
                        self.err(
                            Diagnostic::error(v.name.span, format!("duplicate value `{}` in enum `{name}` (first defined at line {line_no})", v.name.name))
                                .with_label("duplicate value")
                                .with_related(*first, "first definition"),
                        );
                        continue;
                    }
                    seen.insert(v.name.name.clone(), v.name.span);
                    let mut db_value = v.name.name.clone();
                    let mut attr_seen: Vec<&str> = Vec::new();
                    for a in &v.attributes {
                        if attr_seen.contains(&a.name.as_str()) {
                            self.err(Diagnostic::error(a.name_span, format!("attribute `@{}` given twice on enum value `{}`", a.name, v.name.name)));
                            continue;
                        }
                        attr_seen.push(&a.name);
                        match a.name.as_str() {
                            "map" => {
                                let args = self.args(a, &["name"], &[]);
                                if let Some(e) = args.expr("name") {
                                    if let Some(s) = self.string_arg(a, e, "the database value") {
                                        db_value = s;
                                    }
                                } else {
                                    self.err(Diagnostic::error(a.span, "`@map` needs the database value: `@map(\"value\")`"));
                                }
                            }
                            other => self.err(
                                Diagnostic::error(a.name_span, format!("unknown attribute `@{other}` on an enum value (only `@map` is allowed)"))
                                    .with_help_opt(hint(other, ["map"], "@")),
                            ),
                        }
                    }
                    let rust_name = names::rust_camel(&v.name.name);
                    if let Some(other) = seen_rust.get(&rust_name) {
                        self.err(
                            Diagnostic::error(v.name.span, format!("enum values `{other}` and `{}` both become the Rust variant `{rust_name}`", v.name.name))
                                .with_label("Rust name clash")
                                .with_help("rename one of the values (`@map` keeps the database value)"),
                        );
                    } else {
                        seen_rust.insert(rust_name.clone(), v.name.name.clone());
                    }
                    values.push(EnumValue {
                        name: v.name.name.clone(),
                        db_value,
                        rust_name,
                        docs: Self::docs_before(&b.lines, i),
                        span: v.name.span,
                    });
                }
                BodyLine::Field(f) => self.err(
                    Diagnostic::error(f.span, format!("syntax error: invalid line in enum `{name}` (not an enum value or block attribute)"))
                        .with_label("enum values have no type")
                        .with_help("enum values are single names, one per line"),
                ),
                BodyLine::KeyValue(kv) => self.err(
                    Diagnostic::error(kv.span, format!("syntax error: invalid line in enum `{name}` (not an enum value or block attribute)"))
                        .with_label("not an enum value")
                        .with_help("enum values are single names, one per line; `@map(\"db value\")` sets the database value"),
                ),
                BodyLine::BlockAttribute(a, _) => match a.name.as_str() {
                    "map" => {
                        let args = self.args(a, &["name"], &[]);
                        if let Some(e) = args.expr("name")
                            && let Some(s) = self.string_arg(a, e, "the type name") {
                                db_name = s;
                            }
                    }
                    "schema" => self.err(Diagnostic::error(a.name_span, "`@@schema` (multi-schema) is not supported").with_label("not supported")),
                    other => self.err(
                        Diagnostic::error(a.name_span, format!("unknown block attribute `@@{other}` on an enum (only `@@map` is allowed)"))
                            .with_help_opt(hint(other, ["map"], "@@")),
                    ),
                },
                _ => {}
            }
        }
        if values.is_empty() && seen.is_empty() {
            self.err(
                Diagnostic::error(span, format!("enum `{name}` has no values"))
                    .with_help("an enum needs at least one value"),
            );
        }
        Enum {
            id,
            rust_name: names::rust_camel(&name),
            name,
            db_name,
            docs: None,
            values,
            span,
        }
    }
}
