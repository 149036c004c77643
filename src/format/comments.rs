//! Comments are not in the syntax tree: one linear pass over the source text
//! recovers them, with what the layout needs to know about each (does it
//! start its own line, does it end one, was there a blank line before it).

use crate::source::Span;
use crate::syntax::ast;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CommentKind {
    /// `// …`
    Line,
    /// `/* … */`
    Block,
    /// `/// …`: a doc comment. Those of constants, policies and rules are in
    /// the tree; those before `use`, `import` and `test` are not.
    Doc,
}

#[derive(Clone, Debug)]
pub(crate) struct Comment {
    pub start: usize,
    pub end: usize,
    pub kind: CommentKind,
    /// The text as it is printed: line and doc comments without trailing
    /// whitespace (a doc comment as `/// text`), block comments with `\n`
    /// line ends.
    pub text: String,
    /// Only whitespace before it on its line.
    pub own_line: bool,
    /// Only whitespace after it on its line.
    pub ends_line: bool,
    /// An empty line between it and what came before.
    pub blank_before: bool,
}

impl Comment {
    /// Whether it must be followed by a line break.
    pub fn is_line(&self) -> bool {
        self.kind != CommentKind::Block
    }

    /// Whether a line break must follow it.
    pub fn ends_output_line(&self) -> bool {
        self.is_line() || self.ends_line
    }

    /// Whether it cannot sit inside a one-line layout.
    pub fn forces_break(&self) -> bool {
        self.ends_output_line() || self.own_line || self.text.contains('\n')
    }
}

const BOM: &[u8] = "\u{FEFF}".as_bytes();

/// The comments of `src`, in order. `opaque` are the spans of tokens that may
/// contain `//` without starting a comment (condition keys such as
/// `aws:PrincipalTag//x`), sorted; strings and `${…}` variables are skipped
/// lexically.
pub(crate) fn scan(src: &str, opaque: &[Span]) -> Vec<Comment> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut k = 0usize;
    // Only whitespace since the last line break.
    let mut clean_line = true;
    // Line breaks since the last token or comment.
    let mut newlines = 0usize;
    let mut seen = false;
    while i < b.len() {
        while k < opaque.len() && opaque[k].end <= i {
            k += 1;
        }
        if let Some(span) = opaque.get(k)
            && span.start == i
        {
            i = span.end;
            clean_line = false;
            newlines = 0;
            seen = true;
            continue;
        }
        match b[i] {
            b'\n' => {
                newlines += 1;
                clean_line = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            0xEF if b[i..].starts_with(BOM) => i += BOM.len(),
            b'/' if matches!(b.get(i + 1), Some(b'/') | Some(b'*')) => {
                let start = i;
                let (kind, end) = if b.get(i + 1) == Some(&b'*') {
                    let end = find(b, i + 2, b"*/").map(|n| n + 2).unwrap_or(b.len());
                    (CommentKind::Block, end)
                } else {
                    let end = find(b, i, b"\n").unwrap_or(b.len());
                    let kind = if b.get(i + 2) == Some(&b'/') {
                        CommentKind::Doc
                    } else {
                        CommentKind::Line
                    };
                    (kind, end)
                };
                let raw = src.get(start..end).unwrap_or("");
                out.push(Comment {
                    start,
                    end,
                    kind,
                    text: normalize(kind, raw),
                    own_line: clean_line,
                    ends_line: ends_line(b, end),
                    blank_before: seen && newlines >= 2,
                });
                i = end;
                clean_line = false;
                newlines = 0;
                seen = true;
            }
            b'"' => {
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                i = i.min(b.len());
                clean_line = false;
                newlines = 0;
                seen = true;
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                while i < b.len() && b[i] != b'}' && b[i] != b'\n' {
                    i += 1;
                }
                if i < b.len() && b[i] == b'}' {
                    i += 1;
                }
                clean_line = false;
                newlines = 0;
                seen = true;
            }
            _ => {
                i += 1;
                clean_line = false;
                newlines = 0;
                seen = true;
            }
        }
    }
    out
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|n| from + n)
}

fn ends_line(b: &[u8], mut i: usize) -> bool {
    while i < b.len() {
        match b[i] {
            b'\n' => return true,
            b' ' | b'\t' | b'\r' => i += 1,
            0xEF if b[i..].starts_with(BOM) => i += BOM.len(),
            _ => return false,
        }
    }
    true
}

fn normalize(kind: CommentKind, raw: &str) -> String {
    match kind {
        CommentKind::Line => raw.trim_end().to_string(),
        CommentKind::Block => raw.replace("\r\n", "\n"),
        CommentKind::Doc => doc_line(doc_text(raw)),
    }
}

/// The text of a doc comment, as the parser keeps it.
fn doc_text(raw: &str) -> &str {
    let text = raw.strip_prefix("///").unwrap_or(raw);
    text.strip_prefix(' ').unwrap_or(text).trim_end()
}

/// A doc comment line for a doc text.
pub(crate) fn doc_line(text: &str) -> String {
    if text.is_empty() {
        "///".to_string()
    } else {
        format!("/// {text}")
    }
}

/// The spans of the condition keys of a file, in source order: the only
/// tokens that may contain `//`.
pub(crate) fn opaque_spans(file: &ast::File) -> Vec<Span> {
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            ast::Item::Policy(p) => {
                for rule in &p.rules {
                    for cond in [&rule.when, &rule.unless].into_iter().flatten() {
                        cond_keys(cond, &mut out);
                    }
                }
            }
            ast::Item::Test(t) => {
                for case in &t.cases {
                    out.extend(case.context.iter().map(|(k, _)| k.span));
                }
            }
            _ => {}
        }
    }
    if !out.is_sorted_by_key(|s| s.start) {
        out.sort_by_key(|s| s.start);
    }
    out
}

// Nesting depth is bounded by the parser (scan::MAX_NESTING).
fn cond_keys(cond: &ast::Cond, out: &mut Vec<Span>) {
    match &cond.node {
        ast::CondKind::And(parts) | ast::CondKind::Or(parts) => {
            for p in parts {
                cond_keys(p, out);
            }
        }
        ast::CondKind::Not(inner) => cond_keys(inner, out),
        ast::CondKind::Cmp(cmp) => out.push(cmp.key.span),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<(String, bool, bool, bool)> {
        scan(src, &[])
            .into_iter()
            .map(|c| (c.text, c.own_line, c.ends_line, c.blank_before))
            .collect()
    }

    #[test]
    fn finds_comments_outside_strings_and_variables() {
        let src = "use s3 // a\r\n\n/* b\r\n c */ x == \"// no\" ${a//b} /// d  \n";
        assert_eq!(
            texts(src),
            vec![
                ("// a".to_string(), false, true, false),
                ("/* b\n c */".to_string(), true, false, true),
                ("/// d".to_string(), false, true, false),
            ]
        );
    }

    #[test]
    fn opaque_tokens_hide_slashes() {
        let src = "k//x == 1 // c";
        let found = scan(src, &[Span::new(0, 4)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "// c");
    }

    #[test]
    fn doc_lines_are_canonical() {
        assert_eq!(texts("///x")[0].0, "/// x");
        assert_eq!(texts("///")[0].0, "///");
        assert_eq!(texts("////x")[0].0, "/// /x");
        assert_eq!(texts("///   x")[0].0, "///   x");
    }
}
