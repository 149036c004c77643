//! The text a policy is read from: as given, or percent-decoded when AWS
//! returned it URL-encoded (the IAM API's `GetRolePolicy`,
//! `GetPolicyVersion`, … encode documents per RFC 3986, so they start with
//! `%7B`). Spans found in the decoded text are mapped back to the bytes of
//! the file, so diagnostics point at what the user has.

use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span};

pub(crate) struct Source {
    /// The JSON text.
    pub text: String,
    /// For a decoded text: the file offset of every decoded byte, plus one
    /// entry for the end.
    offsets: Option<Vec<usize>>,
}

/// Whether the text is a URL-encoded document: `%7B` (`{`) first, after
/// any whitespace.
pub(crate) fn is_url_encoded(text: &str) -> bool {
    let t = text.trim_start();
    t.len() >= 3 && t.as_bytes()[..3].eq_ignore_ascii_case(b"%7B")
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

impl Source {
    /// The JSON text of `text`: percent-decoded when it is URL-encoded.
    /// `Err` (one E0603) when the decoded bytes are not UTF-8.
    pub fn new(file: FileId, text: &str) -> Result<Source, Vec<Diagnostic>> {
        if !is_url_encoded(text) {
            return Ok(Source {
                text: text.to_string(),
                offsets: None,
            });
        }
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut offsets = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let decoded = match (b, bytes.get(i + 1), bytes.get(i + 2)) {
                (b'%', Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                    (Some(h), Some(l)) => Some(h * 16 + l),
                    _ => None,
                },
                _ => None,
            };
            offsets.push(i);
            match decoded {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        offsets.push(bytes.len());
        match String::from_utf8(out) {
            Ok(text) => Ok(Source {
                text,
                offsets: Some(offsets),
            }),
            Err(e) => {
                let at = offsets
                    .get(e.utf8_error().valid_up_to())
                    .copied()
                    .unwrap_or(0);
                Err(vec![
                    Diagnostic::new(
                        codes::E0603,
                        file,
                        Span::new(at, (at + 3).min(bytes.len())),
                        "the URL-decoded document is not valid UTF-8",
                    )
                    .with_label("decodes to an invalid byte")
                    .with_help("percent-escapes must encode UTF-8 text"),
                ])
            }
        }
    }

    pub fn is_decoded(&self) -> bool {
        self.offsets.is_some()
    }

    fn map(&self, offset: usize) -> usize {
        match &self.offsets {
            None => offset,
            Some(offsets) => offsets
                .get(offset)
                .or_else(|| offsets.last())
                .copied()
                .unwrap_or(offset),
        }
    }

    /// A span of the decoded text as a span of the file.
    pub fn span(&self, span: Span) -> Span {
        Span::new(self.map(span.start), self.map(span.end))
    }

    /// Maps the spans of diagnostics about `file` back to the file's bytes.
    pub fn remap(&self, file: FileId, diags: &mut [Diagnostic]) {
        if self.offsets.is_none() {
            return;
        }
        for d in diags {
            if d.file == file {
                d.span = self.span(d.span);
            }
            for l in &mut d.secondary {
                if l.file == file {
                    l.span = self.span(l.span);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_maps_back() {
        let encoded = "%7B%22a%22%3A%20%22x%C3%A9%22%7D";
        let s = Source::new(0, encoded).unwrap();
        assert!(s.is_decoded());
        assert_eq!(s.text, "{\"a\": \"x\u{e9}\"}");
        // `"a"` is bytes 1..4 of the decoded text: `%22a%22` in the file.
        assert_eq!(s.span(Span::new(1, 4)), Span::new(3, 10));
        assert_eq!(
            s.span(Span::new(0, s.text.len())),
            Span::new(0, encoded.len())
        );
        let plain = Source::new(0, "{}").unwrap();
        assert!(!plain.is_decoded());
        assert!(Source::new(0, "%7B%FF%7D").is_err());
        assert!(is_url_encoded("  %7b%7D"));
    }
}
