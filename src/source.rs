//! Where things come from: source files by id, byte spans in them, and nodes
//! with spans. Shared by the `.gov` front end, the JSON reader and the
//! diagnostics, so none of them depends on another for it.
//!
//! Spans are kept out of equality ([`Spanned`] and [`Loc`] compare only their
//! node), so two trees compare by meaning: the formatter and the importer rely
//! on that to prove they changed nothing but layout.

use codespan_reporting::files::{Error as FilesError, Files};
use std::fmt;
use std::ops::Range;

/// The id of a source file in a [`SourceMap`].
pub type FileId = usize;

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn shifted(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// The span of a whole node, kept out of equality and hashing like [`Spanned`]'s.
#[derive(Clone, Copy, Debug, Default)]
pub struct Loc(pub Span);

impl PartialEq for Loc {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Loc {}

impl std::hash::Hash for Loc {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl std::ops::Deref for Loc {
    type Target = Span;
    fn deref(&self) -> &Span {
        &self.0
    }
}

/// A node with the span it was parsed from. Equality and hashing ignore the span.
#[derive(Clone)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.node.hash(state)
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{}..{}", self.node, self.span.start, self.span.end)
    }
}

/// The source files of one run, by id; names are shown as given (relative paths).
#[derive(Default)]
pub struct SourceMap {
    files: SourceFiles,
}

/// Source files with the byte offset where each line starts: a position is
/// found by binary search, so naming many places in one big file stays
/// linear. Also what codespan renders from (one pass over each text).
#[derive(Clone, Default)]
pub(crate) struct SourceFiles {
    files: Vec<SourceFile>,
}

#[derive(Clone)]
struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFiles {
    pub(crate) fn add(&mut self, name: String, text: String) -> FileId {
        let line_starts = line_starts(&text);
        self.add_with_line_starts(name, text, line_starts)
    }

    /// [`SourceFiles::add`] with the line starts found already (by
    /// [`line_starts`], on another core).
    fn add_with_line_starts(
        &mut self,
        name: String,
        text: String,
        line_starts: Vec<usize>,
    ) -> FileId {
        debug_assert_eq!(line_starts, self::line_starts(&text));
        self.files.push(SourceFile {
            name,
            text,
            line_starts,
        });
        self.files.len() - 1
    }

    fn get(&self, id: FileId) -> Result<&SourceFile, FilesError> {
        self.files.get(id).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for SourceFiles {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let starts = &self.get(id)?.line_starts;
        // The last line start at or before `byte_index`.
        Ok(starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.get(id)?;
        // A line runs to the next line's start; the last one to the end.
        let start_of = |line: usize| match line.cmp(&file.line_starts.len()) {
            std::cmp::Ordering::Less => Ok(file.line_starts[line]),
            std::cmp::Ordering::Equal => Ok(file.text.len()),
            std::cmp::Ordering::Greater => Err(FilesError::LineTooLarge {
                given: line,
                max: file.line_starts.len().saturating_sub(1),
            }),
        };
        Ok(start_of(line_index)?..start_of(line_index + 1)?)
    }
}

/// The byte offset where each line of `text` starts.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.add(name.into(), text.into())
    }

    /// [`SourceMap::add`] with the line starts found already by
    /// [`line_starts`] (on the core that read the file).
    pub(crate) fn add_with_line_starts(
        &mut self,
        name: String,
        text: String,
        line_starts: Vec<usize>,
    ) -> FileId {
        self.files.add_with_line_starts(name, text, line_starts)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .files
            .get(id)
            .map_or("<unknown>", |f| f.name.as_str())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files.files.get(id).map_or("", |f| f.text.as_str())
    }

    /// The files, for rendering with codespan.
    pub(crate) fn files(&self) -> &SourceFiles {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.files.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.files.is_empty()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.files.line_index(id, offset).unwrap_or(0);
        let line_start = self
            .files
            .files
            .get(id)
            .and_then(|f| f.line_starts.get(line))
            .map_or(0, |&s| s.min(offset));
        let column = text[line_start..offset].chars().count() + 1;
        (line + 1, column)
    }

    /// The source text under a span (empty if the span is out of range).
    pub fn snippet(&self, id: FileId, span: Span) -> &str {
        let text = self.text(id);
        let start = clamp_to_char_boundary(text, span.start);
        let end = clamp_to_char_boundary(text, span.end.max(start));
        &text[start..end]
    }
}

pub(crate) fn clamp_to_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let mut map = SourceMap::new();
        let id = map.add("a.gov", "ab\ncdé\n\nx");
        let expected = [
            (0, (1, 1)),
            (2, (1, 3)),
            (3, (2, 1)),
            (5, (2, 3)),
            (7, (2, 4)), // after the two-byte `é`
            (8, (3, 1)),
            (9, (4, 1)),
            (10, (4, 2)),
            (99, (4, 2)), // past the end: clamped
        ];
        for (offset, at) in expected {
            assert_eq!(map.line_col(id, offset), at, "offset {offset}");
        }
        let empty = map.add("e.gov", "");
        assert_eq!(map.line_col(empty, 0), (1, 1));
        assert_eq!(map.line_col(42, 3), (1, 1));
    }
}
