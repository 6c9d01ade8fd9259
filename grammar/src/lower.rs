//! Parsing: runs the pest grammar and lowers its pairs into the syntax tree.
//! This is the only module that sees pest `Pair`s.

use pest::Parser as _;
use pest::iterators::Pair;

use crate::diagnostics::{Diagnostic, Span};
use crate::syntax::{
    Argument, AstArity, Attribute, Block, BlockKind, BodyLine, Comment, EnumValueDecl, Expr,
    FieldDecl, Ident, Invalid, KeyValue, LineInfo, SchemaAst, StringLit, TopItem, TypeRef,
};

#[derive(pest_derive::Parser)]
#[grammar = "schema.pest"]
struct SchemaParser;

/// The deepest nesting of brackets accepted; deeper input is rejected before
/// parsing so that the recursive descent cannot overflow the stack.
pub const MAX_NESTING: usize = 64;

/// Parses `source` into a syntax tree. Syntax problems become diagnostics;
/// parsing never fails as a whole for a bad line.
pub fn parse(source: &str) -> (SchemaAst, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if let Some(d) = check_nesting(source) {
        diags.push(d);
        return (SchemaAst { items: Vec::new() }, diags);
    }
    // Most files are plain: the hand-written fast path builds the same tree
    // several times faster, and hands anything unusual to pest.
    if let Some(ast) = crate::fast::parse(source) {
        return (ast, diags);
    }
    parse_with_pest(source)
}

/// [`parse`] without the nesting pre-check and the fast path: the pest
/// grammar, lowered.
pub(crate) fn parse_with_pest(source: &str) -> (SchemaAst, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let pairs = match SchemaParser::parse(Rule::schema, source) {
        Ok(p) => p,
        Err(e) => {
            // The grammar accepts every input; this is a safety net.
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            diags.push(Diagnostic::error(
                Span::new(pos, (pos + 1).min(source.len())),
                "syntax error: the file could not be parsed",
            ));
            return (SchemaAst { items: Vec::new() }, diags);
        }
    };
    let mut lowerer = Lowerer {
        source,
        diags: &mut diags,
    };
    let mut items = Vec::new();
    let mut prev_end = 0usize;
    for pair in pairs.flatten().take(1) {
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::block => {
                    let b = lowerer.block(inner, prev_end);
                    prev_end = b.span.end;
                    if let Some(c) = &b.trailing_comment {
                        prev_end = c.span.end;
                    }
                    if let Some(i) = &b.trailing_invalid {
                        prev_end = i.span.end;
                    }
                    items.push(TopItem::Block(Box::new(b)));
                }
                Rule::doc_comment | Rule::comment => {
                    let same_line = source
                        .get(prev_end..inner.as_span().start())
                        .is_some_and(|s| !s.contains('\n'));
                    if same_line
                        && let Some(TopItem::Block(b)) = items.last_mut()
                        && b.trailing_comment.is_none()
                        && b.trailing_invalid.is_none()
                    {
                        let c = lowerer.comment(inner, prev_end);
                        prev_end = c.span.end;
                        b.trailing_comment = Some(c);
                        continue;
                    }
                    let c = lowerer.comment(inner, prev_end);
                    prev_end = c.span.end;
                    items.push(TopItem::Comment(c));
                }
                Rule::invalid_top => {
                    let same_line = prev_end > 0
                        && source
                            .get(prev_end..inner.as_span().start())
                            .is_some_and(|s| !s.contains('\n'));
                    let i = lowerer.invalid(inner, prev_end);
                    prev_end = i.span.end;
                    if same_line
                        && let Some(TopItem::Block(b)) = items.last_mut()
                        && b.trailing_invalid.is_none()
                    {
                        lowerer.diags.push(
                            Diagnostic::error(
                                i.span,
                                "syntax error: unexpected text after the closing `}`",
                            )
                            .with_label("put this on its own line or remove it"),
                        );
                        b.trailing_invalid = Some(i);
                        continue;
                    }
                    lowerer.diags.push(
                        Diagnostic::error(
                            i.span,
                            "syntax error: expected a model, enum, datasource or generator block",
                        )
                        .with_label("not a block")
                        .with_help(
                            "blocks look like `model Name {` … `}`; a `{` must end the first line",
                        ),
                    );
                    items.push(TopItem::Invalid(i));
                }
                _ => {}
            }
        }
    }
    (SchemaAst { items }, diags)
}

/// Rejects input nested deeper than [`MAX_NESTING`] brackets (outside
/// strings and comments).
pub(crate) fn check_nesting(source: &str) -> Option<Diagnostic> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    let mut in_string = false;
    // Jumps from one byte that matters to the next.
    while let Some(rest) = bytes.get(i..) {
        if in_string {
            let Some(k) = rest.iter().position(|&c| matches!(c, b'\\' | b'"' | b'\n')) else {
                break;
            };
            i += k;
            match bytes.get(i) {
                Some(b'\\') => i += 1,
                _ => in_string = false,
            }
        } else {
            let Some(k) = rest
                .iter()
                .position(|&c| matches!(c, b'"' | b'/' | b'(' | b'[' | b')' | b']'))
            else {
                break;
            };
            i += k;
            match bytes.get(i) {
                Some(b'"') => in_string = true,
                Some(b'/') if bytes.get(i + 1) == Some(&b'/') => {
                    // A comment: carry on at the end of the line.
                    let line = bytes.get(i..).unwrap_or(&[]);
                    i += line.iter().position(|&c| c == b'\n').unwrap_or(line.len());
                    continue;
                }
                Some(b'/') if bytes.get(i + 1) == Some(&b'*') => {
                    // A block comment: carry on after its `*/` (an unclosed
                    // one is an invalid line; count its brackets as text).
                    if let Some(k) = bytes
                        .get(i + 2..)
                        .and_then(|rest| rest.windows(2).position(|w| w == b"*/"))
                    {
                        i += 2 + k + 2;
                        continue;
                    }
                }
                Some(b'(' | b'[') => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(
                            Diagnostic::error(
                                Span::new(i, i + 1),
                                format!("brackets nested too deeply (more than {MAX_NESTING} levels)"),
                            )
                            .with_label("too deep")
                            .with_help("no schema construct needs this much nesting; check for unbalanced brackets"),
                        );
                    }
                }
                Some(b')' | b']') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

struct Lowerer<'s, 'd> {
    source: &'s str,
    diags: &'d mut Vec<Diagnostic>,
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn ident(pair: &Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_owned(),
        span: span_of(pair),
    }
}

impl Lowerer<'_, '_> {
    fn blank_between(&self, from: usize, to: usize) -> bool {
        self.source
            .get(from..to)
            .is_some_and(|s| s.matches('\n').count() >= 2)
    }

    fn comment(&mut self, pair: Pair<'_, Rule>, prev_end: usize) -> Comment {
        let span = span_of(&pair);
        Comment {
            text: pair.as_str().trim_end().to_owned(),
            doc: pair.as_rule() == Rule::doc_comment || pair.as_str().starts_with("/*"),
            span,
            blank_before: self.blank_between(prev_end, span.start),
        }
    }

    fn invalid(&mut self, pair: Pair<'_, Rule>, prev_end: usize) -> Invalid {
        let span = span_of(&pair);
        Invalid {
            text: pair.as_str().trim_end().to_owned(),
            span,
            blank_before: self.blank_between(prev_end, span.start),
        }
    }

    fn block(&mut self, pair: Pair<'_, Rule>, prev_end: usize) -> Block {
        let span = span_of(&pair);
        let blank_before = self.blank_between(prev_end, span.start);
        let mut keyword = Ident {
            name: String::new(),
            span,
        };
        let mut name = None;
        let mut header_comment = None;
        let mut lines: Vec<BodyLine> = Vec::new();
        let mut closed = false;
        let mut last_end = span.start;
        let mut header_done = false;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::block_keyword => {
                    keyword = ident(&inner);
                    last_end = keyword.span.end;
                }
                Rule::block_name => {
                    let n = ident(&inner);
                    last_end = n.span.end;
                    name = Some(n);
                }
                Rule::comment | Rule::doc_comment => {
                    let on_header_line = !header_done
                        && self
                            .source
                            .get(last_end..inner.as_span().start())
                            .is_some_and(|s| !s.contains('\n'));
                    let same_line = self
                        .source
                        .get(last_end..inner.as_span().start())
                        .is_some_and(|s| !s.contains('\n'));
                    let c = self.comment(inner, last_end);
                    if same_line
                        && header_done
                        && let Some(info) = lines.last_mut().and_then(line_info_mut)
                        && info.trailing_comment.is_none()
                    {
                        last_end = c.span.end;
                        info.trailing_comment = Some(c);
                        continue;
                    }
                    if on_header_line && lines.is_empty() {
                        last_end = c.span.end;
                        header_comment = Some(c);
                    } else {
                        last_end = c.span.end;
                        lines.push(BodyLine::Comment(c));
                    }
                    header_done = true;
                }
                Rule::block_close => {
                    closed = true;
                }
                Rule::missing_close => {}
                rule => {
                    if !header_done {
                        // The end of the `{` on the header line.
                        if let Some(brace) = self
                            .source
                            .get(last_end..inner.as_span().start())
                            .and_then(|s| s.find('{'))
                        {
                            last_end += brace + 1;
                        }
                    }
                    header_done = true;
                    let line = self.body_line(rule, inner, last_end);
                    last_end = line_end(&line);
                    lines.push(line);
                }
            }
        }
        if !closed {
            let at = Span::new(span.start, keyword.span.end.max(span.start));
            let what = match &name {
                Some(n) => format!("{} {}", keyword.name, n.name),
                None => keyword.name.clone(),
            };
            self.diags.push(
                Diagnostic::error(
                    at,
                    format!("syntax error: block `{what}` is never closed (missing `}}`)"),
                )
                .with_label("block starts here")
                .with_help("add a `}` on its own line at the end of the block"),
            );
        }
        let kw = keyword.name.as_str();
        if name.is_none() {
            self.diags.push(
                Diagnostic::error(keyword.span, format!("`{kw}` block without a name"))
                    .with_label("a name must follow")
                    .with_help(format!("write `{kw} Name {{`")),
            );
        }
        Block {
            kind: BlockKind::from_keyword(kw),
            keyword,
            name,
            header_comment,
            lines,
            closed,
            trailing_comment: None,
            trailing_invalid: None,
            span,
            blank_before,
        }
    }

    fn body_line(&mut self, rule: Rule, pair: Pair<'_, Rule>, prev_end: usize) -> BodyLine {
        let start = pair.as_span().start();
        let blank_before = self.blank_between(prev_end, start);
        let line = LineInfo {
            blank_before,
            trailing_comment: None,
        };
        match rule {
            Rule::field => BodyLine::Field(self.field(pair, line)),
            Rule::enum_value => {
                let span = span_of(&pair);
                let mut inner = pair.into_inner();
                let name = inner.next().map(|p| ident(&p)).unwrap_or(Ident {
                    name: String::new(),
                    span,
                });
                let attributes = inner.map(|p| self.attribute(p, false)).collect();
                BodyLine::EnumValue(EnumValueDecl {
                    name,
                    attributes,
                    span,
                    line,
                })
            }
            Rule::block_attribute => BodyLine::BlockAttribute(self.attribute(pair, true), line),
            Rule::key_value => {
                let span = span_of(&pair);
                let mut inner = pair.into_inner();
                let key = inner.next().map(|p| ident(&p)).unwrap_or(Ident {
                    name: String::new(),
                    span,
                });
                let value = match inner.next() {
                    Some(p) => self.expr(p),
                    None => Expr::Constant {
                        name: String::new(),
                        span,
                    },
                };
                BodyLine::KeyValue(KeyValue {
                    key,
                    value,
                    span,
                    line,
                })
            }
            Rule::invalid_line => {
                let i = self.invalid(pair, prev_end);
                self.diags.push(
                    Diagnostic::error(
                        i.span,
                        format!("syntax error: unexpected `{}`", shorten(&i.text)),
                    )
                    .with_label("this line is not a valid field, attribute or value")
                    .with_help(invalid_line_hint(&i.text)),
                );
                BodyLine::Invalid(i)
            }
            _ => BodyLine::Invalid(self.invalid(pair, prev_end)),
        }
    }

    fn field(&mut self, pair: Pair<'_, Rule>, line: LineInfo) -> FieldDecl {
        let span = span_of(&pair);
        let mut name = Ident {
            name: String::new(),
            span,
        };
        let mut ty = TypeRef {
            name: Ident {
                name: String::new(),
                span,
            },
            unsupported: None,
            arity: AstArity::Required,
            span,
        };
        let mut attributes = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::identifier => name = ident(&inner),
                Rule::field_type => ty = self.field_type(inner),
                Rule::field_attribute => attributes.push(self.attribute(inner, false)),
                _ => {}
            }
        }
        FieldDecl {
            name,
            ty,
            attributes,
            span,
            line,
        }
    }

    fn field_type(&mut self, pair: Pair<'_, Rule>) -> TypeRef {
        let span = span_of(&pair);
        let mut ty = TypeRef {
            name: Ident {
                name: String::new(),
                span,
            },
            unsupported: None,
            arity: AstArity::Required,
            span,
        };
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::type_name => ty.name = ident(&inner),
                Rule::unsupported_type => {
                    let s = span_of(&inner);
                    ty.name = Ident {
                        name: "Unsupported".to_owned(),
                        span: Span::new(s.start, s.start + "Unsupported".len()),
                    };
                    ty.unsupported = inner.into_inner().next().map(|p| self.string(p));
                }
                Rule::list_marker => ty.arity = AstArity::List,
                Rule::optional_marker => ty.arity = AstArity::Optional,
                _ => {}
            }
        }
        ty
    }

    fn attribute(&mut self, pair: Pair<'_, Rule>, block: bool) -> Attribute {
        let span = span_of(&pair);
        let mut name = String::new();
        let mut name_span = span;
        let mut args = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::field_attribute_name | Rule::block_attribute_name => {
                    name_span = span_of(&inner);
                    let text = inner.as_str();
                    let at = if inner.as_rule() == Rule::block_attribute_name {
                        2
                    } else {
                        1
                    };
                    name = text.get(at..).unwrap_or("").to_owned();
                }
                Rule::arguments => args = Some(self.arguments(inner)),
                _ => {}
            }
        }
        Attribute {
            name,
            name_span,
            block,
            args,
            span,
        }
    }

    fn arguments(&mut self, pair: Pair<'_, Rule>) -> Vec<Argument> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::argument)
            .map(|p| self.argument(p))
            .collect()
    }

    fn argument(&mut self, pair: Pair<'_, Rule>) -> Argument {
        let span = span_of(&pair);
        let mut name = None;
        let mut value = None;
        for inner in pair.into_inner() {
            if inner.as_rule() == Rule::argument_name {
                name = Some(ident(&inner));
            } else {
                value = Some(self.expr(inner));
            }
        }
        Argument {
            name,
            value: value.unwrap_or(Expr::Constant {
                name: String::new(),
                span,
            }),
            span,
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StringLit {
        let span = span_of(&pair);
        let raw = pair
            .into_inner()
            .next()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let value = match unescape(&raw) {
            Ok(v) => v,
            Err(offset) => {
                let at = span.start + 1 + offset;
                self.diags.push(
                    Diagnostic::error(
                        Span::new(at, (at + 2).min(span.end)),
                        invalid_escape_message(&raw, offset),
                    )
                    .with_label("unknown escape")
                    .with_help("valid escapes are \\\" \\\\ \\n \\r \\t \\/ \\b \\f and \\uXXXX"),
                );
                raw.clone()
            }
        };
        StringLit { value, raw, span }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::string => Expr::String(self.string(pair)),
            Rule::number => Expr::Number {
                text: pair.as_str().to_owned(),
                span,
            },
            Rule::constant => Expr::Constant {
                name: pair.as_str().to_owned(),
                span,
            },
            Rule::array => Expr::Array {
                items: pair.into_inner().map(|p| self.expr(p)).collect(),
                span,
            },
            Rule::function_call => {
                let mut inner = pair.into_inner();
                let name = inner.next().map(|p| ident(&p)).unwrap_or(Ident {
                    name: String::new(),
                    span,
                });
                match inner.next() {
                    Some(args) => Expr::Call {
                        name,
                        args: self.arguments(args),
                        span,
                    },
                    None => Expr::Constant {
                        name: name.name,
                        span: name.span,
                    },
                }
            }
            _ => Expr::Constant {
                name: pair.as_str().to_owned(),
                span,
            },
        }
    }
}

fn line_info_mut(line: &mut BodyLine) -> Option<&mut LineInfo> {
    match line {
        BodyLine::Field(f) => Some(&mut f.line),
        BodyLine::EnumValue(v) => Some(&mut v.line),
        BodyLine::BlockAttribute(_, l) => Some(l),
        BodyLine::KeyValue(kv) => Some(&mut kv.line),
        _ => None,
    }
}

/// Where a body line (with its trailing comment) ends.
fn line_end(line: &BodyLine) -> usize {
    let trailing = match line {
        BodyLine::Field(f) => f.line.trailing_comment.as_ref(),
        BodyLine::EnumValue(v) => v.line.trailing_comment.as_ref(),
        BodyLine::BlockAttribute(_, l) => l.trailing_comment.as_ref(),
        BodyLine::KeyValue(kv) => kv.line.trailing_comment.as_ref(),
        _ => None,
    };
    trailing.map_or(line.span().end, |c| c.span.end)
}

fn shorten(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() > 40 {
        let s: String = t.chars().take(40).collect();
        format!("{s}…")
    } else {
        t.to_owned()
    }
}

fn invalid_line_hint(text: &str) -> String {
    let t = text.trim();
    if t.matches('"').count() % 2 == 1 {
        "a string is not closed: add the missing `\"`".to_owned()
    } else if t.contains("[]?") {
        "a list cannot be optional: use `[]` or `?`, not both".to_owned()
    } else if t.starts_with('@') && !t.starts_with("@@") {
        "field attributes go after a field's type on the same line; block attributes start with `@@`"
            .to_owned()
    } else {
        "fields look like `name Type @attribute`, block attributes like `@@index([a, b])`"
            .to_owned()
    }
}

fn invalid_escape_message(raw: &str, offset: usize) -> String {
    let esc: String = raw.get(offset..).unwrap_or("").chars().take(6).collect();
    if esc.starts_with("\\u") {
        let digits: String = esc
            .chars()
            .skip(2)
            .take_while(char::is_ascii_hexdigit)
            .collect();
        format!("syntax error: invalid unicode escape `\\u{digits}` (expects four hex digits)")
    } else {
        let e: String = esc.chars().take(2).collect();
        format!("syntax error: unknown escape sequence `{e}` in string literal")
    }
}

/// Decodes backslash escapes; on a bad escape returns its byte offset.
pub(crate) fn unescape(raw: &str) -> Result<String, usize> {
    if !raw.contains('\\') {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, '/')) => out.push('/'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'b')) => out.push('\u{8}'),
            Some((_, 'f')) => out.push('\u{c}'),
            Some((_, 'u')) => {
                let code = hex4(&mut chars).ok_or(i)?;
                let c = if (0xD800..0xDC00).contains(&code) {
                    // A UTF-16 surrogate pair: `\ud83d\ude00`.
                    let low = match (chars.next(), chars.next()) {
                        (Some((_, '\\')), Some((_, 'u'))) => hex4(&mut chars).ok_or(i)?,
                        _ => return Err(i),
                    };
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(i);
                    }
                    char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)).ok_or(i)?
                } else {
                    char::from_u32(code).ok_or(i)?
                };
                out.push(c);
            }
            _ => return Err(i),
        }
    }
    Ok(out)
}

/// Reads exactly four hex digits.
fn hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut code = 0u32;
    for _ in 0..4 {
        let (_, c) = chars.next()?;
        code = code * 16 + c.to_digit(16)?;
    }
    Some(code)
}
