//! The error type of policy document parsing.

use std::fmt;

use crate::source::{SourceMap, Span};

/// A policy document that could not be read.
///
/// `message` is lowercase and has no final period. `path` points at the
/// offending element in JSON pointer form (`/Statement/0/Condition`; `""` is the
/// whole document, and `/` or `~` inside a key are written `~1` and `~0`).
/// `line` and `column` (both 1-based, the column counted in characters) locate
/// the offending text when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamError {
    pub message: String,
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The byte offset of the offending text, until
    /// [`IamError::located`] turns it into `line` and `column`.
    offset: Option<usize>,
}

impl IamError {
    pub(crate) fn new(message: impl Into<String>, path: impl Into<String>) -> Self {
        IamError {
            message: message.into(),
            path: path.into(),
            line: None,
            column: None,
            offset: None,
        }
    }

    /// The error at the text of `span` (a key or a value).
    pub(crate) fn at(mut self, span: Span) -> Self {
        self.offset = Some(span.start);
        self
    }

    /// Sets `line` and `column` from the offset, in `text`. A leading byte
    /// order mark is not a column of the first line.
    pub(crate) fn located(mut self, text: &str) -> Self {
        if let Some(offset) = self.offset {
            let mut sources = SourceMap::new();
            let file = sources.add("", text);
            let (line, mut column) = sources.line_col(file, offset);
            if line == 1 && text.starts_with('\u{feff}') && offset > 0 {
                column -= 1;
            }
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }
}

impl fmt::Display for IamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

impl std::error::Error for IamError {}

pub(crate) use crate::json::push_pointer;
