//! `enum` blocks: values (unique, also as Rust variants), `@map` on
//! values, `@@map`, and the unsupported `@@schema`.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{Enum, EnumId, EnumValue};
use crate::names::{self, hint};
use crate::syntax::{Attribute, Block, BodyLine, EnumValueDecl};

use super::{HashMap, Validator};

impl Validator<'_> {
    /// One enum block, its values checked line by line.
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
                    if !self.check_enum_value_unique(v, &name, &mut seen) {
                        continue;
                    }
                    let db_value = self.enum_value_attributes(v);
                    let rust_name = names::rust_camel(&v.name.name);
                    self.check_enum_variant_name_unique(v, &rust_name, &mut seen_rust);
                    values.push(EnumValue {
                        name: v.name.name.clone(),
                        db_value,
                        rust_name,
                        docs: Self::docs_before(&b.lines, i),
                        span: v.name.span,
                    });
                }
                BodyLine::BlockAttribute(a, _) => {
                    if let Some(s) = self.enum_block_attribute(a) {
                        db_name = s;
                    }
                }
                _ => self.check_enum_line_is_value(line, &name),
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

    /// Enum values are unique; false (reported) for a repeat.
    fn check_enum_value_unique(
        &mut self,
        v: &EnumValueDecl,
        name: &str,
        seen: &mut HashMap<String, Span>,
    ) -> bool {
        if let Some(first) = seen.get(&v.name.name) {
            let line_no = self.line_of(*first);
            self.err(
                Diagnostic::error(
                    v.name.span,
                    format!(
                        "duplicate value `{}` in enum `{name}` (first defined at line {line_no})",
                        v.name.name
                    ),
                )
                .with_label("duplicate value")
                .with_related(*first, "first definition"),
            );
            return false;
        }
        seen.insert(v.name.name.clone(), v.name.span);
        true
    }

    /// The attributes of an enum value: `@map("db value")` once, nothing
    /// else; returns the database value.
    fn enum_value_attributes(&mut self, v: &EnumValueDecl) -> String {
        let mut db_value = v.name.name.clone();
        let mut attr_seen: Vec<&str> = Vec::new();
        for a in &v.attributes {
            if attr_seen.contains(&a.name.as_str()) {
                self.err(Diagnostic::error(
                    a.name_span,
                    format!(
                        "attribute `@{}` given twice on enum value `{}`",
                        a.name, v.name.name
                    ),
                ));
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
                        self.err(Diagnostic::error(
                            a.span,
                            "`@map` needs the database value: `@map(\"value\")`",
                        ));
                    }
                }
                other => self.err(
                    Diagnostic::error(
                        a.name_span,
                        format!(
                            "unknown attribute `@{other}` on an enum value (only `@map` is allowed)"
                        ),
                    )
                    .with_help_opt(hint(other, ["map"], "@")),
                ),
            }
        }
        db_value
    }

    /// Two values do not become one Rust variant.
    fn check_enum_variant_name_unique(
        &mut self,
        v: &EnumValueDecl,
        rust_name: &str,
        seen_rust: &mut HashMap<String, String>,
    ) {
        if let Some(other) = seen_rust.get(rust_name) {
            self.err(
                Diagnostic::error(
                    v.name.span,
                    format!(
                        "enum values `{other}` and `{}` both become the Rust variant `{rust_name}`",
                        v.name.name
                    ),
                )
                .with_label("Rust name clash")
                .with_help("rename one of the values (`@map` keeps the database value)"),
            );
        } else {
            seen_rust.insert(rust_name.to_owned(), v.name.name.clone());
        }
    }

    /// An enum's block attributes: `@@map("type")` (returned), `@@schema`
    /// is not supported, anything else is unknown.
    fn enum_block_attribute(&mut self, a: &Attribute) -> Option<String> {
        match a.name.as_str() {
            "map" => {
                let args = self.args(a, &["name"], &[]);
                if let Some(e) = args.expr("name") {
                    return self.string_arg(a, e, "the type name");
                }
            }
            "schema" => self.err(
                Diagnostic::error(a.name_span, "`@@schema` (multi-schema) is not supported")
                    .with_label("not supported"),
            ),
            other => self.err(
                Diagnostic::error(
                    a.name_span,
                    format!(
                        "unknown block attribute `@@{other}` on an enum (only `@@map` is allowed)"
                    ),
                )
                .with_help_opt(hint(other, ["map"], "@@")),
            ),
        }
        None
    }

    /// An enum holds values and block attributes only.
    fn check_enum_line_is_value(&mut self, line: &BodyLine, name: &str) {
        match line {
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
            _ => {}
        }
    }
}
