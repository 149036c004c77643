//! Where things come from: source files by id, byte spans in them, and nodes
//! with spans. Shared by the `.gov` front end, the JSON reader and the
//! diagnostics, so none of them depends on another for it.
//!
//! Spans are kept out of equality ([`Spanned`] and [`Loc`] compare only their
//! node), so two trees compare by meaning: the formatter and the importer rely
//! on that to prove they changed nothing but layout.

use codespan_reporting::files::SimpleFiles;
use std::fmt;

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
    files: SimpleFiles<String, String>,
    /// Per file, the byte offset where each line starts: a position is found
    /// by binary search, so naming many places in one big file stays linear.
    line_starts: Vec<Vec<usize>>,
    count: usize,
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.count += 1;
        let text = text.into();
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.line_starts.push(starts);
        self.files.add(name.into(), text)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    /// The files, for rendering with codespan.
    pub(crate) fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let offset = clamp_to_char_boundary(text, offset);
        let starts = self.line_starts.get(id).map_or(&[0][..], Vec::as_slice);
        // The last line start at or before `offset`.
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0).min(offset);
        let column = text[line_start..offset].chars().count() + 1;
        (line, column)
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
