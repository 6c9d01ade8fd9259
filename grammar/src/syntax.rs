//! The syntax tree: what the file says, with spans and comments, before any
//! name is resolved. Built by [`crate::lower`]; read by the validator and the
//! formatter.

use crate::diagnostics::Span;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A whole schema file.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaAst {
    /// Top-level items in source order.
    pub items: Vec<TopItem>,
}

/// An item outside blocks.
#[derive(Debug, Clone, PartialEq)]
pub enum TopItem {
    /// A block (`model`, `enum`, `datasource`, `generator`, or an unsupported kind).
    Block(Box<Block>),
    /// A comment line outside any block.
    Comment(Comment),
    /// A line that is neither a block nor a comment.
    Invalid(Invalid),
}

/// A line that matched no rule of the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The text of the line.
    pub text: String,
    /// Where it is.
    pub span: Span,
    /// Whether one or more blank lines precede it.
    pub blank_before: bool,
}

/// A `//`, `///` or block (`/* … */`, `/** … */`) comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The comment text including its slashes (and for a block comment its
    /// `/*` and `*/`, inner lines as written), trailing spaces removed.
    pub text: String,
    /// `true` for documentation: `///` comments and block comments (Prisma
    /// makes `/* … */` and `/** … */` documentation of the item they precede
    /// or end).
    pub doc: bool,
    /// Where it is.
    pub span: Span,
    /// Whether one or more blank lines precede it.
    pub blank_before: bool,
}

impl Comment {
    /// The documentation text of a `///` comment without the slashes and one
    /// leading space; of a block comment, the text between `/*` (or `/**`)
    /// and `*/`, trimmed (inner lines as written, as Prisma keeps them).
    pub fn doc_text(&self) -> &str {
        if self.is_block() {
            let t = self.text.strip_prefix("/*").unwrap_or(&self.text);
            let t = t.strip_suffix("*/").unwrap_or(t);
            // `/**` is a documentation marker, not text (Prisma keeps the
            // `*`; a Rust doc comment starting with `*` would be a list).
            let t = t.strip_prefix('*').unwrap_or(t);
            return t.trim();
        }
        let t = self.text.trim_start_matches('/');
        t.strip_prefix(' ').unwrap_or(t)
    }

    /// Whether this is a block comment (`/* … */`).
    pub fn is_block(&self) -> bool {
        self.text.starts_with("/*")
    }
}

/// The kind of a block, from its keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `model`
    Model,
    /// `enum`
    Enum,
    /// `datasource`
    Datasource,
    /// `generator`
    Generator,
    /// `type` (composite type; not supported)
    Type,
    /// `view` (not supported)
    View,
    /// Any other keyword.
    Unknown,
}

impl BlockKind {
    /// The kind for a keyword.
    pub fn from_keyword(k: &str) -> BlockKind {
        match k {
            "model" => BlockKind::Model,
            "enum" => BlockKind::Enum,
            "datasource" => BlockKind::Datasource,
            "generator" => BlockKind::Generator,
            "type" => BlockKind::Type,
            "view" => BlockKind::View,
            _ => BlockKind::Unknown,
        }
    }
}

/// A block such as `model User { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The kind, from the keyword.
    pub kind: BlockKind,
    /// The keyword as written.
    pub keyword: Ident,
    /// The block's name (missing names are reported).
    pub name: Option<Ident>,
    /// A comment on the header line, after `{`.
    pub header_comment: Option<Comment>,
    /// The lines inside the block.
    pub lines: Vec<BodyLine>,
    /// Whether the closing brace is present.
    pub closed: bool,
    /// A comment after the closing brace.
    pub trailing_comment: Option<Comment>,
    /// Text after the closing brace that is not a comment.
    pub trailing_invalid: Option<Invalid>,
    /// The whole block.
    pub span: Span,
    /// Whether one or more blank lines precede it.
    pub blank_before: bool,
}

/// A line inside a block.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyLine {
    /// `name Type @attr…`
    Field(FieldDecl),
    /// `NAME @attr…` (enum values; in a model, a field without a type).
    EnumValue(EnumValueDecl),
    /// `@@attr(…)`
    BlockAttribute(Attribute, LineInfo),
    /// `key = value`
    KeyValue(KeyValue),
    /// A comment on its own line.
    Comment(Comment),
    /// A line that matched nothing.
    Invalid(Invalid),
}

impl BodyLine {
    /// The line's span.
    pub fn span(&self) -> Span {
        match self {
            BodyLine::Field(f) => f.span,
            BodyLine::EnumValue(v) => v.span,
            BodyLine::BlockAttribute(a, _) => a.span,
            BodyLine::KeyValue(kv) => kv.span,
            BodyLine::Comment(c) => c.span,
            BodyLine::Invalid(i) => i.span,
        }
    }

    /// Whether one or more blank lines precede the line.
    pub fn blank_before(&self) -> bool {
        match self {
            BodyLine::Field(f) => f.line.blank_before,
            BodyLine::EnumValue(v) => v.line.blank_before,
            BodyLine::BlockAttribute(_, l) => l.blank_before,
            BodyLine::KeyValue(kv) => kv.line.blank_before,
            BodyLine::Comment(c) => c.blank_before,
            BodyLine::Invalid(i) => i.blank_before,
        }
    }
}

/// Layout facts about an item line that the formatter keeps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInfo {
    /// Whether one or more blank lines precede the line.
    pub blank_before: bool,
    /// A `//` or block comment at the end of the line.
    pub trailing_comment: Option<Comment>,
}

/// A field declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// The field name.
    pub name: Ident,
    /// The declared type.
    pub ty: TypeRef,
    /// Field attributes in source order.
    pub attributes: Vec<Attribute>,
    /// The whole line (without a trailing comment).
    pub span: Span,
    /// Layout.
    pub line: LineInfo,
}

/// A field type as written.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeRef {
    /// The type name (`Unsupported` for `Unsupported("…")`).
    pub name: Ident,
    /// For `Unsupported("…")`, the database type string.
    pub unsupported: Option<StringLit>,
    /// `?`, `[]` or nothing.
    pub arity: AstArity,
    /// The whole type expression.
    pub span: Span,
}

/// Arity as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AstArity {
    /// No marker.
    Required,
    /// `?`
    Optional,
    /// `[]`
    List,
}

/// An enum value declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValueDecl {
    /// The value name.
    pub name: Ident,
    /// Attributes in source order.
    pub attributes: Vec<Attribute>,
    /// The whole line (without a trailing comment).
    pub span: Span,
    /// Layout.
    pub line: LineInfo,
}

/// `key = value` in a datasource or generator.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyValue {
    /// The key.
    pub key: Ident,
    /// The value.
    pub value: Expr,
    /// The whole line (without a trailing comment).
    pub span: Span,
    /// Layout.
    pub line: LineInfo,
}

/// An attribute: `@name(args)` or `@@name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// The name without `@`/`@@` (may be dotted: `db.VarChar`).
    pub name: String,
    /// The span of the name including the `@`s.
    pub name_span: Span,
    /// `true` for `@@` block attributes.
    pub block: bool,
    /// The arguments; `None` when there are no parentheses.
    pub args: Option<Vec<Argument>>,
    /// The whole attribute.
    pub span: Span,
}

impl Attribute {
    /// The arguments, empty when there are no parentheses.
    pub fn arguments(&self) -> &[Argument] {
        self.args.as_deref().unwrap_or(&[])
    }
}

/// An argument, positional or named.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    /// The name of a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
    /// The whole argument.
    pub span: Span,
}

/// A string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringLit {
    /// The decoded value.
    pub value: String,
    /// The text between the quotes, as written (kept by the formatter).
    pub raw: String,
    /// Where it is, quotes included.
    pub span: Span,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `"text"`
    String(StringLit),
    /// `42`, `-1.5`
    Number {
        /// The number as written.
        text: String,
        /// Where it is.
        span: Span,
    },
    /// `true`, `Desc`, `Cascade`, `MEMBER`
    Constant {
        /// The name (may be dotted).
        name: String,
        /// Where it is.
        span: Span,
    },
    /// `[a, b]`
    Array {
        /// The items.
        items: Vec<Expr>,
        /// Where it is.
        span: Span,
    },
    /// `now()`, `env("X")`, `title(sort: Desc)`
    Call {
        /// The function name.
        name: Ident,
        /// The arguments.
        args: Vec<Argument>,
        /// Where it is.
        span: Span,
    },
}

impl Expr {
    /// The expression's span.
    pub fn span(&self) -> Span {
        match self {
            Expr::String(s) => s.span,
            Expr::Number { span, .. }
            | Expr::Constant { span, .. }
            | Expr::Array { span, .. }
            | Expr::Call { span, .. } => *span,
        }
    }

    /// A short description of the kind of value, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Expr::String(_) => "a string",
            Expr::Number { .. } => "a number",
            Expr::Constant { .. } => "a constant",
            Expr::Array { .. } => "a list",
            Expr::Call { .. } => "a function call",
        }
    }
}
