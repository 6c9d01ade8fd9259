//! The canonical formatter (`ormgen fmt`), in the style of Prisma's:
//! two-space indentation; field names, types, attributes and trailing
//! comments aligned in columns within each group of lines (a blank line
//! starts a new group; key/value pairs in datasource and generator blocks
//! are aligned on `=`); one blank line between blocks; runs of
//! blank lines collapsed to one; comments kept where they are; canonical
//! spacing in attributes and arguments (`@relation(fields: [a], references: [id])`).
//!
//! Formatting works on the syntax tree, so it never changes meaning: string
//! literals and numbers are printed exactly as written. A file with syntax
//! errors is not formatted.

use crate::diagnostics::Diagnostic;
use crate::syntax::{
    Argument, AstArity, Attribute, Block, BodyLine, Expr, LineInfo, SchemaAst, TopItem, TypeRef,
};

/// Formats a schema. Returns the syntax errors instead when the file does
/// not parse cleanly.
pub fn format_schema(source: &str) -> Result<String, Vec<Diagnostic>> {
    let (ast, diags) = crate::lower::parse(source);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(format_ast(&ast))
}

/// Formats a syntax tree (invalid lines are printed as written).
pub fn format_ast(ast: &SchemaAst) -> String {
    let mut out = String::new();
    let mut prev_was_block = false;
    for (i, item) in ast.items.iter().enumerate() {
        let (blank_before, is_block) = match item {
            TopItem::Block(b) => (b.blank_before, true),
            TopItem::Comment(c) => (c.blank_before, false),
            TopItem::Invalid(inv) => (inv.blank_before, false),
        };
        // Blocks are separated by exactly one blank line; a comment right
        // after a block stays attached to it; other blank lines are kept (one).
        if i > 0 && (blank_before || (prev_was_block && is_block)) {
            out.push('\n');
        }
        match item {
            TopItem::Block(b) => format_block(b, &mut out),
            TopItem::Comment(c) => {
                out.push_str(&c.text);
                out.push('\n');
            }
            TopItem::Invalid(inv) => {
                out.push_str(&inv.text);
                out.push('\n');
            }
        }
        prev_was_block = is_block;
    }
    out
}

/// One row of a block's alignment table.
enum Row {
    /// Aligned columns and an optional trailing comment.
    Cells(Vec<String>, Option<String>),
    /// A line printed as is (comments, block attributes, invalid lines).
    Plain(String),
}

fn format_block(b: &Block, out: &mut String) {
    out.push_str(&b.keyword.name);
    if let Some(n) = &b.name {
        out.push(' ');
        out.push_str(&n.name);
    }
    out.push_str(" {");
    if let Some(c) = &b.header_comment {
        out.push(' ');
        out.push_str(&c.text);
    }
    out.push('\n');

    let mut rows: Vec<(bool, Row)> = Vec::new();
    for (i, line) in b.lines.iter().enumerate() {
        let blank = i > 0 && line.blank_before();
        let trailing = |l: &LineInfo| l.trailing_comment.as_ref().map(|c| c.text.clone());
        let row = match line {
            BodyLine::Field(f) => {
                let mut cells = vec![f.name.name.clone(), type_text(&f.ty)];
                let attrs = attributes_text(&f.attributes);
                if !attrs.is_empty() {
                    cells.push(attrs);
                }
                Row::Cells(cells, trailing(&f.line))
            }
            BodyLine::EnumValue(v) => {
                let mut cells = vec![v.name.name.clone()];
                let attrs = attributes_text(&v.attributes);
                if !attrs.is_empty() {
                    cells.push(attrs);
                }
                Row::Cells(cells, trailing(&v.line))
            }
            BodyLine::KeyValue(kv) => Row::Cells(
                vec![kv.key.name.clone(), format!("= {}", expr_text(&kv.value))],
                trailing(&kv.line),
            ),
            BodyLine::BlockAttribute(a, l) => {
                let mut t = attribute_text(a);
                if let Some(c) = trailing(l) {
                    t.push(' ');
                    t.push_str(&c);
                }
                Row::Plain(t)
            }
            BodyLine::Comment(c) => Row::Plain(c.text.clone()),
            BodyLine::Invalid(inv) => Row::Plain(inv.text.trim().to_owned()),
        };
        rows.push((blank, row));
    }

    // Column widths per group: rows separated by a blank line are aligned
    // independently, as Prisma does.
    let mut group_of = Vec::with_capacity(rows.len());
    let mut group_widths: Vec<Vec<usize>> = vec![Vec::new()];
    for (i, (blank, row)) in rows.iter().enumerate() {
        if *blank && i > 0 {
            group_widths.push(Vec::new());
        }
        let g = group_widths.len() - 1;
        group_of.push(g);
        if let Row::Cells(cells, _) = row {
            let widths = &mut group_widths[g];
            for (i, c) in cells.iter().enumerate() {
                if widths.len() <= i {
                    widths.resize(i + 1, 0);
                }
                widths[i] = widths[i].max(c.chars().count());
            }
        }
    }

    let mut first = true;
    for (index, (blank, row)) in rows.iter().enumerate() {
        let widths = &group_widths[group_of[index]];
        if *blank && !first {
            out.push('\n');
        }
        first = false;
        out.push_str("  ");
        match row {
            Row::Plain(t) => out.push_str(t),
            Row::Cells(cells, comment) => {
                let mut line = String::new();
                for (i, c) in cells.iter().enumerate() {
                    line.push_str(c);
                    let is_last = i + 1 == cells.len();
                    if !is_last || comment.is_some() {
                        let w = widths.get(i).copied().unwrap_or(0);
                        let pad = w.saturating_sub(c.chars().count()) + 1;
                        line.extend(std::iter::repeat_n(' ', pad));
                    }
                }
                if let Some(c) = comment {
                    line.push_str(c);
                }
                out.push_str(line.trim_end());
            }
        }
        out.push('\n');
    }
    if b.closed {
        out.push('}');
        if let Some(c) = &b.trailing_comment {
            out.push(' ');
            out.push_str(&c.text);
        }
        out.push('\n');
    }
}

fn type_text(t: &TypeRef) -> String {
    let base = match &t.unsupported {
        Some(s) => format!("Unsupported(\"{}\")", s.raw),
        None => t.name.name.clone(),
    };
    match t.arity {
        AstArity::Required => base,
        AstArity::Optional => format!("{base}?"),
        AstArity::List => format!("{base}[]"),
    }
}

fn attributes_text(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .map(attribute_text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `@name(args)` / `@@name(args)` with canonical spacing.
pub fn attribute_text(a: &Attribute) -> String {
    let mut s = String::from(if a.block { "@@" } else { "@" });
    s.push_str(&a.name);
    if let Some(args) = &a.args {
        s.push('(');
        s.push_str(&arguments_text(args));
        s.push(')');
    }
    s
}

fn arguments_text(args: &[Argument]) -> String {
    args.iter()
        .map(|a| match &a.name {
            Some(n) => format!("{}: {}", n.name, expr_text(&a.value)),
            None => expr_text(&a.value),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An expression with canonical spacing; literals as written.
pub fn expr_text(e: &Expr) -> String {
    match e {
        Expr::String(s) => format!("\"{}\"", s.raw),
        Expr::Number { text, .. } => text.clone(),
        Expr::Constant { name, .. } => name.clone(),
        Expr::Array { items, .. } => format!(
            "[{}]",
            items.iter().map(expr_text).collect::<Vec<_>>().join(", ")
        ),
        Expr::Call { name, args, .. } => format!("{}({})", name.name, arguments_text(args)),
    }
}
