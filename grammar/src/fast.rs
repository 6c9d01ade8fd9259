//! A hand-written fast path for the common shape of a schema file.
//!
//! The pest grammar (`schema.pest`, lowered in [`crate::lower`]) stays the
//! definition of the language. This module recognises a conservative subset
//! of it — blocks with a name, one item per line, no trailing or header
//! comments, no block comments (`/*` is never the start of an item nor a
//! `//` comment here, so it always defers), arguments and arrays on one
//! line, strings with valid escapes, no
//! `Unsupported(…)`, no `\r`, no byte order mark — and builds exactly the
//! syntax tree the pest path builds for such input, with no diagnostics.
//! Anything outside the subset (every syntax error among it) makes
//! [`parse`] return `None`, and the caller falls back to pest. The unit
//! tests check the two paths against each other on every fixture and on
//! many mutations of them.

use crate::diagnostics::Span;
use crate::syntax::{
    Argument, AstArity, Attribute, Block, BlockKind, BodyLine, Comment, EnumValueDecl, Expr,
    FieldDecl, Ident, KeyValue, LineInfo, SchemaAst, StringLit, TopItem, TypeRef,
};

/// Parses `source` if it lies in the fast path's subset; `None` otherwise.
pub(crate) fn parse(source: &str) -> Option<SchemaAst> {
    if source.contains('\r') || source.starts_with('\u{FEFF}') {
        return None;
    }
    let mut p = Parser {
        src: source,
        s: source.as_bytes(),
        pos: 0,
    };
    let mut items = Vec::new();
    let mut prev_end = 0usize;
    loop {
        p.sp();
        let Some(c) = p.peek() else { break };
        match c {
            b'\n' => p.pos += 1,
            b'/' if p.at("//") => {
                let same_line = !p.src.get(prev_end..p.pos)?.contains('\n');
                if same_line && matches!(items.last(), Some(TopItem::Block(_))) {
                    // Would become a block's trailing comment.
                    return None;
                }
                let c = p.comment(prev_end);
                prev_end = c.span.end;
                items.push(TopItem::Comment(c));
            }
            _ => {
                let b = p.block(prev_end)?;
                prev_end = b.span.end;
                items.push(TopItem::Block(Box::new(b)));
                p.sp();
                if p.peek().is_some_and(|c| c != b'\n') {
                    return None;
                }
            }
        }
    }
    Some(SchemaAst { items })
}

/// Whether one or more blank lines lie between `from` and `to` (as in lowering).
fn blank_between(source: &str, from: usize, to: usize) -> bool {
    source
        .get(from..to)
        .is_some_and(|s| s.matches('\n').count() >= 2)
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

struct Parser<'s> {
    src: &'s str,
    s: &'s [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn peek_is(&self, c: u8) -> bool {
        self.peek() == Some(c)
    }

    fn at(&self, lit: &str) -> bool {
        self.s
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(lit.as_bytes()))
    }

    /// Spaces and tabs (`sp`, and `spnl` restricted to one line).
    fn sp(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// `ident_chars`; `None` (position unchanged) when no name starts here.
    fn ident_end(&self, from: usize) -> Option<usize> {
        if !self.s.get(from).copied().is_some_and(is_ident_start) {
            return None;
        }
        let mut end = from + 1;
        while self.s.get(end).copied().is_some_and(is_ident_char) {
            end += 1;
        }
        Some(end)
    }

    fn ident(&mut self) -> Option<Ident> {
        let start = self.pos;
        let end = self.ident_end(start)?;
        self.pos = end;
        Some(Ident {
            name: self.src.get(start..end)?.to_owned(),
            span: Span::new(start, end),
        })
    }

    /// `path_chars`: a name, then `.name` parts.
    fn path_end(&self, from: usize) -> Option<usize> {
        let mut end = self.ident_end(from)?;
        while self.s.get(end) == Some(&b'.') {
            match self.ident_end(end + 1) {
                Some(e) => end = e,
                None => break,
            }
        }
        Some(end)
    }

    /// The number of lines from here to the first line that starts with `}`
    /// (the block's end, in the subset): a capacity hint for its lines.
    fn lines_before_close(&self) -> usize {
        self.s
            .get(self.pos..)
            .unwrap_or(&[])
            .split(|&c| c == b'\n')
            .take_while(|line| !line.trim_ascii_start().starts_with(b"}"))
            .count()
    }

    /// A `//` or `///` comment running to the end of the line.
    fn comment(&mut self, prev_end: usize) -> Comment {
        let start = self.pos;
        let doc = self.at("///");
        let len = self.s.get(start..).map_or(0, |rest| {
            rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        });
        self.pos = start + len;
        let text = self.src.get(start..self.pos).unwrap_or("");
        Comment {
            text: text.trim_end().to_owned(),
            doc,
            span: Span::new(start, self.pos),
            blank_before: blank_between(self.src, prev_end, start),
        }
    }

    fn block(&mut self, prev_end: usize) -> Option<Block> {
        let start = self.pos;
        let keyword = self.ident()?;
        self.sp();
        let name = self.ident()?;
        self.sp();
        if !self.peek_is(b'{') {
            return None;
        }
        self.pos += 1;
        let mut last_end = self.pos;
        self.sp();
        if !self.peek_is(b'\n') {
            return None;
        }
        self.pos += 1;
        let mut lines = Vec::with_capacity(self.lines_before_close());
        loop {
            self.sp();
            match self.peek()? {
                b'\n' => {
                    self.pos += 1;
                    continue;
                }
                b'}' => {
                    self.pos += 1;
                    break;
                }
                b'/' if self.at("//") => {
                    let c = self.comment(last_end);
                    last_end = c.span.end;
                    lines.push(BodyLine::Comment(c));
                }
                _ => {
                    let line = self.body_item(last_end)?;
                    last_end = line.span().end;
                    lines.push(line);
                    self.sp();
                }
            }
            // Every line ends with a newline before the closing brace.
            if !self.peek_is(b'\n') {
                return None;
            }
            self.pos += 1;
        }
        Some(Block {
            kind: BlockKind::from_keyword(&keyword.name),
            keyword,
            name: Some(name),
            header_comment: None,
            lines,
            closed: true,
            trailing_comment: None,
            trailing_invalid: None,
            span: Span::new(start, self.pos),
            blank_before: blank_between(self.src, prev_end, start),
        })
    }

    /// A field, block attribute, `key = value` or enum value line.
    fn body_item(&mut self, prev_end: usize) -> Option<BodyLine> {
        let start = self.pos;
        let line = LineInfo {
            blank_before: blank_between(self.src, prev_end, start),
            trailing_comment: None,
        };
        if self.at("@@") {
            let a = self.attribute(true)?;
            return Some(BodyLine::BlockAttribute(a, line));
        }
        let name = self.ident()?;
        let after_name = self.pos;
        self.sp();
        match self.peek() {
            Some(c) if is_ident_start(c) => {
                let ty = self.field_type()?;
                let mut end = ty.span.end;
                let attributes = self.field_attributes(&mut end)?;
                Some(BodyLine::Field(FieldDecl {
                    name,
                    ty,
                    attributes,
                    span: Span::new(start, end),
                    line,
                }))
            }
            Some(b'=') => {
                self.pos += 1;
                self.sp();
                let value = self.expression()?;
                let end = value.span().end;
                Some(BodyLine::KeyValue(KeyValue {
                    key: name,
                    value,
                    span: Span::new(start, end),
                    line,
                }))
            }
            _ => {
                self.pos = after_name;
                let mut end = after_name;
                let attributes = self.field_attributes(&mut end)?;
                Some(BodyLine::EnumValue(EnumValueDecl {
                    name,
                    attributes,
                    span: Span::new(start, end),
                    line,
                }))
            }
        }
    }

    /// `(sp ~ field_attribute)*`; `end` moves to the end of the last one.
    fn field_attributes(&mut self, end: &mut usize) -> Option<Vec<Attribute>> {
        let mut attributes = Vec::new();
        loop {
            let save = self.pos;
            self.sp();
            if !self.peek_is(b'@') {
                self.pos = save;
                return Some(attributes);
            }
            let a = self.attribute(false)?;
            *end = a.span.end;
            attributes.push(a);
        }
    }

    fn field_type(&mut self) -> Option<TypeRef> {
        let start = self.pos;
        let name = self.ident()?;
        if name.name.starts_with("Unsupported") {
            return None;
        }
        let arity = if self.at("[]") {
            self.pos += 2;
            AstArity::List
        } else if self.peek_is(b'?') {
            self.pos += 1;
            AstArity::Optional
        } else {
            AstArity::Required
        };
        Some(TypeRef {
            name,
            unsupported: None,
            arity,
            span: Span::new(start, self.pos),
        })
    }

    /// `@name(args)` (or `@@name(args)` when `block`).
    fn attribute(&mut self, block: bool) -> Option<Attribute> {
        let start = self.pos;
        // `@@` (a block attribute, or one written on a field line) or `@`.
        let skip = if block || self.at("@@") { 2 } else { 1 };
        let name_end = self.path_end(start + skip)?;
        // The name drops `@@` for block attributes and one `@` otherwise.
        let name = self
            .src
            .get(start + if block { 2 } else { 1 }..name_end)?
            .to_owned();
        self.pos = name_end;
        let save = self.pos;
        self.sp();
        let args = if self.peek_is(b'(') {
            Some(self.arguments()?)
        } else {
            self.pos = save;
            None
        };
        Some(Attribute {
            name,
            name_span: Span::new(start, name_end),
            block,
            args,
            span: Span::new(start, self.pos),
        })
    }

    /// `( … )` at `(`; arguments on one line.
    fn arguments(&mut self) -> Option<Vec<Argument>> {
        self.pos += 1;
        self.sp();
        let mut args = Vec::new();
        if self.peek_is(b')') {
            self.pos += 1;
            return Some(args);
        }
        loop {
            args.push(self.argument()?);
            self.sp();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    self.sp();
                    if self.peek_is(b')') {
                        self.pos += 1;
                        return Some(args);
                    }
                }
                b')' => {
                    self.pos += 1;
                    return Some(args);
                }
                _ => return None,
            }
        }
    }

    fn argument(&mut self) -> Option<Argument> {
        let start = self.pos;
        let mut name = None;
        if let Some(end) = self.ident_end(start) {
            let id = Ident {
                name: self.src.get(start..end)?.to_owned(),
                span: Span::new(start, end),
            };
            self.pos = end;
            self.sp();
            if self.peek_is(b':') {
                self.pos += 1;
                self.sp();
                name = Some(id);
            } else {
                self.pos = start;
            }
        }
        let value = self.expression()?;
        let end = value.span().end;
        Some(Argument {
            name,
            value,
            span: Span::new(start, end),
        })
    }

    fn expression(&mut self) -> Option<Expr> {
        match self.peek()? {
            b'"' => self.string().map(Expr::String),
            b'[' => self.array(),
            b'-' | b'0'..=b'9' => self.number(),
            c if is_ident_start(c) => self.function_call(),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<StringLit> {
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match *self.s.get(i)? {
                b'"' => break,
                b'\\' => match self.s.get(i + 1)? {
                    b'\n' | b'\r' => return None,
                    _ => i += 2,
                },
                b'\n' | b'\r' => return None,
                _ => i += 1,
            }
        }
        let raw = self.src.get(start + 1..i)?;
        let value = crate::lower::unescape(raw).ok()?;
        self.pos = i + 1;
        Some(StringLit {
            value,
            raw: raw.to_owned(),
            span: Span::new(start, self.pos),
        })
    }

    fn digits(&self, from: usize) -> usize {
        let mut end = from;
        while self.s.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        end
    }

    fn number(&mut self) -> Option<Expr> {
        let start = self.pos;
        let mut i = start;
        if self.s.get(i) == Some(&b'-') {
            i += 1;
        }
        let end = self.digits(i);
        if end == i {
            return None;
        }
        i = end;
        if self.s.get(i) == Some(&b'.') {
            let end = self.digits(i + 1);
            if end > i + 1 {
                i = end;
            }
        }
        if matches!(self.s.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(self.s.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let end = self.digits(j);
            if end > j {
                i = end;
            }
        }
        self.pos = i;
        Some(Expr::Number {
            text: self.src.get(start..i)?.to_owned(),
            span: Span::new(start, i),
        })
    }

    fn function_call(&mut self) -> Option<Expr> {
        let start = self.pos;
        let end = self.path_end(start)?;
        let name = Ident {
            name: self.src.get(start..end)?.to_owned(),
            span: Span::new(start, end),
        };
        self.pos = end;
        self.sp();
        if self.peek_is(b'(') {
            let args = self.arguments()?;
            Some(Expr::Call {
                name,
                args,
                span: Span::new(start, self.pos),
            })
        } else {
            self.pos = end;
            Some(Expr::Constant {
                name: name.name,
                span: name.span,
            })
        }
    }

    /// `[ … ]` at `[`; items on one line.
    fn array(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.pos += 1;
        self.sp();
        let mut items = Vec::new();
        if !self.peek_is(b']') {
            loop {
                items.push(self.expression()?);
                self.sp();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        self.sp();
                        if self.peek_is(b']') {
                            break;
                        }
                    }
                    b']' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        Some(Expr::Array {
            items,
            span: Span::new(start, self.pos),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut dirs = vec![root.join("tests/fixtures"), root.join("../schemas")];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "prisma")
                    && let Ok(s) = std::fs::read_to_string(&p)
                {
                    out.push(s);
                }
            }
        }
        out.push(
            "datasource db {\n  provider = \"postgresql\"\n}\n\nenum Status {\n  ACTIVE\n}\n\n/// Doc.\nmodel M0 {\n  id Int @id @default(autoincrement())\n  e String @unique @db.VarChar(255)\n  n Float? @default(-1.5e3)\n  t String[] @default([\"a\\n\", \"b\"])\n  p M0? @relation(\"R\", fields: [pId], references: [id], onDelete: SetNull,)\n  pId Int?\n  x Int @default(dbgenerated(\"1\"))\n\n  // c\n  @@index([n(sort: Desc), e], type: Hash)\n  @@map(\"m\")\n}\n".to_owned(),
        );
        out
    }

    /// Where the fast path accepts an input, it must agree with pest exactly.
    fn agree(src: &str) -> bool {
        if crate::lower::check_nesting(src).is_some() {
            return false;
        }
        match parse(src) {
            None => false,
            Some(fast) => {
                let (slow, diags) = crate::lower::parse_with_pest(src);
                assert!(diags.is_empty(), "pest reports problems in {src:?}");
                assert_eq!(fast, slow, "fast and pest trees differ for {src:?}");
                true
            }
        }
    }

    #[test]
    fn fast_path_matches_pest_on_fixtures_and_mutations() {
        const INSERTS: &[&str] = &[
            " ",
            "\t",
            "\n",
            "\n\n",
            "}",
            "{",
            "@",
            "@@",
            "\"",
            "\\",
            "(",
            ")",
            "[",
            "]",
            ",",
            ":",
            "=",
            "?",
            "[]",
            "-",
            ".",
            "1",
            "a",
            "A",
            "//",
            "///",
            "é",
            "\r\n",
            "model X {\n",
        ];
        let mut accepted = 0usize;
        let mut total = 0usize;
        for src in sources() {
            total += 1;
            accepted += usize::from(agree(&src));
            let bounds: Vec<usize> = (0..=src.len())
                .filter(|&i| src.is_char_boundary(i))
                .collect();
            // A spread of positions per file keeps the test quick in debug
            // builds; raise the divisor locally for a more thorough run (400
            // positions per file have been checked).
            let step = (bounds.len() / 40).max(1);
            for (k, &i) in bounds.iter().enumerate().step_by(step) {
                for ins in INSERTS {
                    let m = format!("{}{}{}", &src[..i], ins, &src[i..]);
                    total += 1;
                    accepted += usize::from(agree(&m));
                }
                if let Some(&j) = bounds.get(k + 1) {
                    let m = format!("{}{}", &src[..i], &src[j..]);
                    total += 1;
                    accepted += usize::from(agree(&m));
                }
            }
        }
        // The fast path must actually be exercised.
        assert!(
            accepted * 10 > total,
            "fast path took {accepted} of {total}"
        );
    }
}
