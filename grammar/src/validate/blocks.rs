//! Top-level blocks: lines that parse as nothing, and doc comments.

use super::*;

impl Validator<'_> {
    pub(super) fn report_invalid_lines(&mut self, b: &Block) {
        let what = match b.kind {
            BlockKind::Model => "model",
            BlockKind::Enum => "enum",
            BlockKind::Datasource => "datasource",
            BlockKind::Generator => "generator",
            _ => return,
        };
        let name = b.name.as_ref().map_or("", |n| n.name.as_str());
        for line in &b.lines {
            if let BodyLine::Invalid(inv) = line {
                // The lowering reported a generic syntax error; refine it.
                let t = inv.text.trim();
                let opens = t.matches('(').count() + t.matches('[').count();
                let closes = t.matches(')').count() + t.matches(']').count();
                let (message, label, help) = if t.contains("/*")
                    && !t.contains("*/")
                    && !t.contains('"')
                {
                    (
                        "syntax error: unclosed block comment".to_owned(),
                        "`/*` without `*/`",
                        "close the comment with `*/`".to_owned(),
                    )
                } else if t.starts_with("/*") {
                    (
                        "syntax error: only a field, enum value or attribute may follow a block comment on its line".to_owned(),
                        "not a comment line",
                        "put the item on its own line, or the comment at the end of the item's line".to_owned(),
                    )
                } else if t.matches('"').count() % 2 == 1 {
                    (
                        "syntax error: unterminated string literal".to_owned(),
                        "string not closed",
                        "add the missing `\"`; strings cannot span lines".to_owned(),
                    )
                } else if opens > closes {
                    (
                        "syntax error: unclosed `(` in attribute arguments".to_owned(),
                        "missing `)` or `]`",
                        "close every `(` and `[` on the same attribute".to_owned(),
                    )
                } else {
                    match b.kind {
                        BlockKind::Model if t.contains("[]?") => (
                            format!("syntax error: invalid line in model `{name}`: optional list type (`[]?`) is not allowed"),
                            "not a valid field",
                            "a list cannot also be optional: use `[]` or `?`, not both".to_owned(),
                        ),
                        BlockKind::Model => (
                            format!("syntax error: invalid line in model `{name}` (not a field or block attribute)"),
                            "not a valid field or block attribute",
                            "fields look like `name Type @attribute`, block attributes like `@@index([a, b])`".to_owned(),
                        ),
                        BlockKind::Enum => (
                            format!("syntax error: invalid line in enum `{name}` (not an enum value or block attribute)"),
                            "not an enum value",
                            "enum values are single names, one per line, optionally with `@map(\"db value\")`".to_owned(),
                        ),
                        _ => (
                            format!("syntax error: invalid line in {what} `{name}` (expected `=` in {what} property: `key = value`)"),
                            "expected `key = value`",
                            format!("{what} properties look like `provider = \"postgresql\"`"),
                        ),
                    }
                };
                if let Some(d) = self
                    .diags
                    .iter_mut()
                    .find(|d| d.span == inv.span && d.is_error())
                {
                    d.message = message;
                    d.label = Some(label.to_owned());
                    d.help = Some(help);
                }
            }
        }
    }

    pub(super) fn docs_before(lines: &[BodyLine], index: usize) -> Option<String> {
        let mut docs = Vec::new();
        let mut i = index;
        while i > 0 {
            i -= 1;
            match &lines[i] {
                BodyLine::Comment(c) if c.doc => docs.push(c.doc_text().to_owned()),
                BodyLine::Comment(_) => {}
                _ => break,
            }
        }
        docs.reverse();
        // A block comment at the end of the item's own line documents it too
        // (Prisma's rule; a trailing `//` comment does not).
        let trailing = match lines.get(index) {
            Some(BodyLine::Field(f)) => f.line.trailing_comment.as_ref(),
            Some(BodyLine::EnumValue(v)) => v.line.trailing_comment.as_ref(),
            _ => None,
        };
        if let Some(c) = trailing.filter(|c| c.is_block()) {
            docs.push(c.doc_text().to_owned());
        }
        if docs.is_empty() {
            return None;
        }
        Some(docs.join("\n"))
    }
}
