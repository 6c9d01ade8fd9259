//! Diagnostics: errors and warnings with spans, rendered with miette.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode, SourceSpan,
};

/// A byte range in the schema source.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The 1-based line and column of the span's start in `source`.
    pub fn line_col(&self, source: &str) -> (usize, usize) {
        let start = self.start.min(source.len());
        let before = source.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before
            .get(line_start..)
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The schema is rejected.
    Error,
    /// The schema is accepted; something deserves attention.
    Warning,
}

/// One problem found in a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A one-line message.
    pub message: String,
    /// The primary span.
    pub span: Span,
    /// A label under the primary span.
    pub label: Option<String>,
    /// A hint: "did you mean `String`?".
    pub help: Option<String>,
    /// Secondary spans with labels (e.g. the first definition of a duplicate).
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// Adds a label under the primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a hint when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Adds a secondary labelled span.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.related.push((span, label.into()));
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The 1-based line of the primary span in `source`.
    pub fn line(&self, source: &str) -> usize {
        self.span.line_col(source).0
    }
}

/// The diagnostics of a schema that has errors; `Display` gives a one-line
/// summary, [`Diagnostics::render`] the full report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file_name}: {} error(s)", self.error_count())]
pub struct Diagnostics {
    /// The file name used in reports.
    pub file_name: String,
    /// The source text.
    pub source_text: String,
    /// Errors and warnings, in source order.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Renders every diagnostic (see [`render`]).
    pub fn render(&self, color: bool) -> String {
        render(&self.file_name, &self.source_text, &self.items, color)
    }
}

/// A diagnostic bound to its source, in the shape miette's handlers want.
struct Bound<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Bound<'_> {}

fn source_span(span: Span, len: usize) -> SourceSpan {
    let start = span.start.min(len);
    let end = span.end.clamp(start, len);
    SourceSpan::new(start.into(), end - start)
}

impl miette::Diagnostic for Bound<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.source.inner().len();
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.diag.label.clone().unwrap_or_else(|| "here".to_owned())),
            source_span(self.diag.span, len),
        );
        let related =
            self.diag.related.iter().map(move |(s, l)| {
                LabeledSpan::new_with_span(Some(l.clone()), source_span(*s, len))
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// Renders diagnostics as miette reports: file, line and column, the source
/// line with the span underlined, the message and the hint. With
/// `color == false` the output is plain text (used by tests and snapshots).
pub fn render(file_name: &str, source: &str, diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    let mut out = String::new();
    for d in diagnostics {
        let bound = Bound {
            diag: d,
            source: NamedSource::new(file_name, source.to_owned()),
        };
        if handler.render_report(&mut out, &bound).is_err() {
            let (line, col) = d.span.line_col(source);
            out.push_str(&format!("{file_name}:{line}:{col}: {}\n", d.message));
        }
        out.push('\n');
    }
    out
}
