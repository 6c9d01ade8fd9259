//! Top-level blocks: one datasource, unique and unreserved model and enum
//! names, unsupported and unknown block kinds, lines that parse as
//! nothing, and doc comments.

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::PslType;
use crate::names::hint;
use crate::syntax::{Block, BlockKind, BodyLine, Ident, SchemaAst, TopItem};

use super::{HashMap, Validator, a_or_an};

/// The schema's blocks by kind, with the doc comments before them (keyed
/// by the block's start offset).
pub(super) struct TopBlocks<'a> {
    pub(super) datasource: Option<&'a Block>,
    pub(super) generators: Vec<&'a Block>,
    pub(super) models: Vec<&'a Block>,
    pub(super) enums: Vec<&'a Block>,
    pub(super) docs: HashMap<usize, String>,
}

impl Validator<'_> {
    /// Sorts the top-level blocks by kind, checking the rules that concern
    /// blocks as a whole.
    pub(super) fn top_level_blocks<'a>(&mut self, ast: &'a SchemaAst) -> TopBlocks<'a> {
        let mut blocks = TopBlocks {
            datasource: None,
            generators: Vec::new(),
            models: Vec::new(),
            enums: Vec::new(),
            docs: HashMap::with_capacity_and_hasher(ast.items.len(), Default::default()),
        };
        let mut top_names: HashMap<&str, (Span, &'static str)> =
            HashMap::with_capacity_and_hasher(ast.items.len(), Default::default());
        let mut pending_docs: Vec<&str> = Vec::new();
        for item in &ast.items {
            let b = match item {
                TopItem::Block(b) => b,
                TopItem::Comment(c) if c.doc => {
                    pending_docs.push(c.doc_text());
                    continue;
                }
                TopItem::Comment(_) => continue,
                TopItem::Invalid(_) => {
                    pending_docs.clear();
                    continue;
                }
            };
            if !pending_docs.is_empty() {
                blocks.docs.insert(b.span.start, pending_docs.join("\n"));
                pending_docs.clear();
            }
            match b.kind {
                BlockKind::Datasource => {
                    if self.check_single_datasource(b, blocks.datasource) {
                        blocks.datasource = Some(b);
                    }
                }
                BlockKind::Generator => blocks.generators.push(b),
                BlockKind::Model | BlockKind::Enum => {
                    let Some(name) = &b.name else { continue };
                    if !self.check_top_level_name_unique(b, name, &mut top_names)
                        || !self.check_block_name_not_reserved(b, name)
                    {
                        continue;
                    }
                    let kind = if b.kind == BlockKind::Model {
                        "model"
                    } else {
                        "enum"
                    };
                    top_names.insert(&name.name, (name.span, kind));
                    if b.kind == BlockKind::Model {
                        blocks.models.push(b);
                    } else {
                        blocks.enums.push(b);
                    }
                }
                BlockKind::Type | BlockKind::View | BlockKind::Unknown => {
                    self.report_unsupported_block(b);
                }
            }
            self.report_invalid_lines(b);
        }
        blocks
    }

    /// A schema has at most one datasource; false (reported) for a second.
    fn check_single_datasource(&mut self, b: &Block, first: Option<&Block>) -> bool {
        let Some(first) = first else {
            return true;
        };
        let first_name = first.name.as_ref().map_or("", |n| n.name.as_str());
        let line = self.line_of(first.span);
        self.err(
            Diagnostic::error(b.keyword.span, format!("a schema may have only one datasource block (`{first_name}` is already defined at line {line})"))
                .with_label("second datasource")
                .with_related(first.keyword.span, "first datasource"),
        );
        false
    }

    /// Models and enums share one namespace; false (reported) for a repeat.
    fn check_top_level_name_unique(
        &mut self,
        b: &Block,
        name: &Ident,
        top_names: &mut HashMap<&str, (Span, &'static str)>,
    ) -> bool {
        let kind = if b.kind == BlockKind::Model {
            "model"
        } else {
            "enum"
        };
        let Some((first, first_kind)) = top_names.get(name.name.as_str()).copied() else {
            return true;
        };
        let line = self.line_of(first);
        let msg = if first_kind == kind {
            format!(
                "duplicate {kind} name `{}` (first defined at line {line})",
                name.name
            )
        } else {
            format!(
                "name `{}` is defined both as {} {first_kind} (line {line}) and as {} {kind}",
                name.name,
                a_or_an(first_kind),
                a_or_an(kind)
            )
        };
        self.err(
            Diagnostic::error(name.span, msg)
                .with_label("already defined")
                .with_related(first, "first definition"),
        );
        false
    }

    /// Model and enum names may not be built-in scalar type names; false
    /// (reported) for one that is.
    fn check_block_name_not_reserved(&mut self, b: &Block, name: &Ident) -> bool {
        if b.kind == BlockKind::Model
            && (PslType::from_name(&name.name).is_some() || name.name == "Unsupported")
        {
            self.err(
                Diagnostic::error(
                    name.span,
                    format!(
                        "model name `{}` is reserved (a built-in scalar type)",
                        name.name
                    ),
                )
                .with_label("reserved name")
                .with_help("choose another name; `@@map` can keep the table name"),
            );
            return false;
        }
        if b.kind == BlockKind::Enum && PslType::from_name(&name.name).is_some() {
            self.err(
                Diagnostic::error(
                    name.span,
                    format!(
                        "enum name `{}` is reserved (a built-in scalar type)",
                        name.name
                    ),
                )
                .with_label("reserved name"),
            );
            return false;
        }
        true
    }

    /// `type` and `view` blocks are not supported; other keywords are
    /// unknown.
    fn report_unsupported_block(&mut self, b: &Block) {
        let d = match b.kind {
            BlockKind::Type => Diagnostic::error(b.keyword.span, "composite `type` blocks are not supported")
                .with_label("not supported")
                .with_help("composite types exist only for MongoDB in Prisma; use a model with a relation or a `Json` field"),
            BlockKind::View => Diagnostic::error(b.keyword.span, "`view` blocks are not supported")
                .with_label("not supported")
                .with_help("declare the view in a migration and map it with a model if needed"),
            _ => Diagnostic::error(
                b.keyword.span,
                format!("syntax error: `{}` is not a known top-level keyword (model, enum, datasource, generator)", b.keyword.name),
            )
            .with_label("unknown block kind")
            .with_help_opt(hint(&b.keyword.name, ["model", "enum", "datasource", "generator"], "")),
        };
        self.err(d);
    }

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
