//! The error type of policy document parsing.

use std::fmt;

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
}

impl IamError {
    pub(crate) fn new(message: impl Into<String>, path: impl Into<String>) -> Self {
        IamError {
            message: message.into(),
            path: path.into(),
            line: None,
            column: None,
        }
    }

    pub(crate) fn at(mut self, pos: Pos) -> Self {
        self.line = Some(pos.line);
        self.column = Some(pos.column);
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

/// A position in the source text, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub(crate) fn push_pointer(path: &str, token: &str) -> String {
    let mut out = String::with_capacity(path.len() + token.len() + 1);
    out.push_str(path);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}
