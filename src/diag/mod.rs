//! Diagnostics shared by every stage: a code, a severity, a message, a primary
//! span in a named file, secondary labels, help and a suggestion.
//!
//! Style (kept by every stage): messages are lowercase without a final period,
//! user input is in backticks, extra sentences go to `help`.

pub mod codes;
mod escape;
pub mod explain;
pub mod levels;
pub mod sarif;

pub use codes::Code;
pub use escape::escape;

use crate::source::{FileId, SourceMap, Span, clamp_to_char_boundary};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code: `E0102`, `W0101`, …, from the registry ([`codes`]).
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub file: FileId,
    pub span: Span,
    /// Text under the primary span (may be empty).
    pub label: String,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// A replacement for the text under the primary span, when one is known.
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of a registered code; its severity is the code's.
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            file,
            span,
            label: String::new(),
            secondary: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A "did you mean" replacement; also sets the help text.
    pub fn with_suggestion(mut self, replacement: impl Into<String>) -> Self {
        let replacement = replacement.into();
        self.help = Some(format!("did you mean `{replacement}`?"));
        self.suggestion = Some(replacement);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A finding silenced in the source by an `@allow(…)` annotation: not shown
/// to people, not counted against the run, but kept for SARIF with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    /// The reason the annotation gives.
    pub reason: String,
    /// Where the annotation is, when the finding has one.
    pub annotation: Option<(FileId, Span)>,
}

/// Lines longer than this are not echoed in rendered diagnostics.
const MAX_RENDERED_LINE: usize = 4096;

fn line_length_at(text: &str, offset: usize) -> usize {
    let offset = clamp_to_char_boundary(text, offset);
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    end - start
}

fn to_codespan(diag: &Diagnostic, sources: &SourceMap) -> cs::Diagnostic<FileId> {
    let severity = match diag.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let clamp = |file: FileId, span: Span| {
        let text = sources.text(file);
        let start = clamp_to_char_boundary(text, span.start);
        let end = clamp_to_char_boundary(text, span.end.max(start));
        start..end
    };
    let mut notes = Vec::new();
    let mut labels = Vec::new();
    if line_length_at(sources.text(diag.file), diag.span.start) > MAX_RENDERED_LINE {
        // Echoing a huge line helps nobody: say where instead.
        let (line, column) = sources.line_col(diag.file, diag.span.start);
        notes.push(format!(
            "at {}:{line}:{column} (the line is too long to show)",
            escape(sources.name(diag.file))
        ));
    } else {
        labels.push(
            cs::Label::primary(diag.file, clamp(diag.file, diag.span))
                .with_message(escape(&diag.label)),
        );
        for label in &diag.secondary {
            if line_length_at(sources.text(label.file), label.span.start) <= MAX_RENDERED_LINE {
                labels.push(
                    cs::Label::secondary(label.file, clamp(label.file, label.span))
                        .with_message(escape(&label.message)),
                );
            }
        }
    }
    if let Some(help) = &diag.help {
        notes.push(format!("help: {}", escape(help)));
    }
    cs::Diagnostic::new(severity)
        .with_code(diag.code.id)
        .with_message(escape(&diag.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// The files as a terminal may show them: names escaped, source text with
/// its unsafe characters neutralized (offsets kept); borrowed when nothing
/// needed it.
fn terminal_files(sources: &SourceMap) -> Cow<'_, crate::source::SourceFiles> {
    let needs = (0..sources.len()).any(|id| {
        matches!(escape(sources.name(id)), Cow::Owned(_))
            || matches!(escape::neutralize_source(sources.text(id)), Cow::Owned(_))
    });
    if !needs {
        return Cow::Borrowed(sources.files());
    }
    let mut files = crate::source::SourceFiles::default();
    for id in 0..sources.len() {
        files.add(
            escape(sources.name(id)).into_owned(),
            escape::neutralize_source(sources.text(id)).into_owned(),
        );
    }
    Cow::Owned(files)
}

/// Renders diagnostics as text, with ANSI colours when `color` is set. User
/// text (messages, labels, file names, the echoed source) never reaches the
/// terminal raw: see [`escape`].
pub fn render_human(sources: &SourceMap, diags: &[Diagnostic], color: bool) -> String {
    if diags.is_empty() {
        // Escaping every source for the terminal costs a pass over all of
        // them: not for nothing.
        return String::new();
    }
    let config = term::Config::default();
    let files = terminal_files(sources);
    let files = files.as_ref();
    let mut out = String::new();
    for diag in diags {
        let cs_diag = to_codespan(diag, sources);
        if color {
            let mut buffer = term::termcolor::Buffer::ansi();
            if term::emit_to_write_style(&mut buffer, &config, files, &cs_diag).is_ok() {
                out.push_str(&String::from_utf8_lossy(buffer.as_slice()));
                continue;
            }
        }
        let mut text = String::new();
        if term::emit_to_string(&mut text, &config, files, &cs_diag).is_ok() {
            out.push_str(&text);
        } else {
            // The span did not fit its file: still say what is wrong.
            out.push_str(&format!(
                "{}[{}]: {}\n  --> {}\n\n",
                diag.severity.as_str(),
                diag.code,
                escape(&diag.message),
                escape(sources.name(diag.file))
            ));
        }
    }
    out
}

/// One JSON object per diagnostic, one per line, for CI and editors.
pub fn render_json(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diag in diags {
        let (line, column) = sources.line_col(diag.file, diag.span.start);
        let (end_line, end_column) = sources.line_col(diag.file, diag.span.end);
        let labels: Vec<serde_json::Value> = diag
            .secondary
            .iter()
            .map(|l| {
                let (line, column) = sources.line_col(l.file, l.span.start);
                serde_json::json!({
                    "file": sources.name(l.file),
                    "line": line,
                    "column": column,
                    "message": l.message,
                })
            })
            .collect();
        let value = serde_json::json!({
            "code": diag.code.id,
            "severity": diag.severity.as_str(),
            "message": diag.message,
            "file": sources.name(diag.file),
            "line": line,
            "column": column,
            "end": { "line": end_line, "column": end_column },
            "label": diag.label,
            "help": diag.help,
            "suggestion": diag.suggestion,
            "labels": labels,
        });
        out.push_str(&value.to_string());
        out.push('\n');
    }
    out
}

/// Orders diagnostics by file, then position, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.file, a.span.start, a.span.end, a.code).cmp(&(b.file, b.span.start, b.span.end, b.code))
    });
}
