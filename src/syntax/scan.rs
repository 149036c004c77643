//! A lexical pass over a whole file before pest sees it.
//!
//! It finds what would make the parser report a confusing error far from the
//! cause (an unterminated string or comment), refuses nesting deep enough to
//! exhaust the stack, and cuts the file into top-level items so that one
//! broken item does not hide the errors of the next (error recovery).

use super::is_word_byte;
use crate::source::Span;

/// The deepest nesting of `(`, `[` and `{` accepted.
pub const MAX_NESTING: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexError {
    UnterminatedString { span: Span },
    UnterminatedComment { span: Span },
    TooDeep { span: Span, depth: usize },
}

/// What the pass found: the byte ranges of top-level items, in order.
#[derive(Debug, Default)]
pub struct Scan {
    pub items: Vec<Span>,
    pub errors: Vec<LexError>,
}

/// The reserved words of the language, the one list in Rust: the grammar's
/// `keyword` rule (which pest cannot take from here) lists the same words, a
/// test says so; the scanner cuts at some of them, the importer keeps names
/// clear of them. In three runs: the words that start a top-level item,
/// those that start a rule, the others.
pub const KEYWORDS: &[&str] = &[
    // items
    "use",
    "import",
    "const",
    "scp",
    "rcp",
    "policy",
    "resource_policy",
    "key_policy",
    "trust_policy",
    "test",
    "org",
    "param",
    // rules
    "allow",
    "deny",
    // the others
    "to",
    "on",
    "except",
    "when",
    "unless",
    "and",
    "or",
    "not",
    "in",
    "like",
    "any",
    "all",
    "present",
    "absent",
    "true",
    "false",
    "anyone",
    "for",
];

/// How many words of [`KEYWORDS`] start a top-level item, and how many
/// after them a rule.
const ITEM_WORDS: usize = 12;
const RULE_WORDS: usize = 2;

/// The keywords that start a top-level item.
const ITEM_KEYWORDS: &[&str] = KEYWORDS.split_at(ITEM_WORDS).0;

/// The keywords that start a rule.
const RULE_KEYWORDS: &[&str] = KEYWORDS.split_at(ITEM_WORDS).1.split_at(RULE_WORDS).0;

/// The bytes that change the scan inside brackets: quotes, the `/` of a
/// comment, brackets.
static NESTED: [bool; 256] = {
    let mut table = [false; 256];
    let mut n = 0;
    let bytes = b"\"/()[]{}";
    while n < bytes.len() {
        table[bytes[n] as usize] = true;
        n += 1;
    }
    table
};

/// Cuts `text` into pieces that start where a keyword of `keywords` stands at
/// nesting depth `level` (outside strings and comments); doc comments and
/// annotations just before such a keyword belong to its piece. Also reports
/// lexical errors.
pub fn split(text: &str, level: usize, keywords: &[&str]) -> Scan {
    let bytes = text.as_bytes();
    let mut scan = Scan::default();
    let mut starts: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut deepest_reported = false;
    // Start of the doc comments / annotations that lead the next piece.
    let mut lead: Option<usize> = None;
    let mut i = 0usize;
    while i < bytes.len() {
        if depth > level {
            // Inside brackets only strings, comments and brackets matter.
            while i < bytes.len() && !NESTED[usize::from(bytes[i])] {
                i += 1;
            }
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        match b {
            b'"' => {
                let start = i;
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    // The next byte that may end the string or escape.
                    let Some(n) = memchr::memchr3(b'\\', b'"', b'\n', &bytes[i..]) else {
                        i = bytes.len();
                        break;
                    };
                    i += n;
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            closed = true;
                            i += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                if !closed {
                    let end = text[start..]
                        .find('\n')
                        .map(|n| start + n)
                        .unwrap_or(text.len());
                    // A CRLF line ends before its `\r`.
                    let end = if end > start + 1 && bytes.get(end - 1) == Some(&b'\r') {
                        end - 1
                    } else {
                        end
                    };
                    scan.errors.push(LexError::UnterminatedString {
                        span: Span::new(start, end.max(start + 1)),
                    });
                    i = end;
                }
                if depth == level {
                    lead = None;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let is_doc = bytes.get(i + 2) == Some(&b'/');
                if is_doc && depth == level && lead.is_none() {
                    lead = Some(i);
                }
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = i;
                match text[i + 2..].find("*/") {
                    Some(n) => i = i + 2 + n + 2,
                    None => {
                        scan.errors.push(LexError::UnterminatedComment {
                            span: Span::new(start, start + 2),
                        });
                        i = bytes.len();
                    }
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING && !deepest_reported {
                    deepest_reported = true;
                    scan.errors.push(LexError::TooDeep {
                        span: Span::new(i, i + 1),
                        depth,
                    });
                }
                // Brackets leave the lead alone: an annotation's argument
                // list belongs to it.
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
            }
            b'@' if depth == level => {
                if lead.is_none() {
                    lead = Some(i);
                }
                // Skip the annotation's name so it does not end the lead.
                i += 1;
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                continue;
            }
            _ if is_word_byte(b) && (i == 0 || !is_word_byte(bytes[i - 1])) => {
                let start = i;
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                if depth == level {
                    let word = &text[start..i];
                    if keywords.contains(&word) {
                        starts.push(lead.take().unwrap_or(start));
                    } else {
                        lead = None;
                    }
                }
                continue;
            }
            _ if b.is_ascii_whitespace() => {}
            _ => {
                if depth == level {
                    lead = None;
                }
            }
        }
        i += 1;
    }
    // Anything before the first item that is not blank is a piece of its own,
    // so that the parser reports it.
    let first = starts.first().copied().unwrap_or(text.len());
    if !is_blank(&text[..first]) {
        starts.insert(0, 0);
    }
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        scan.items.push(Span::new(start, end));
    }
    scan
}

/// Splits a whole file into items.
pub fn split_items(text: &str) -> Scan {
    split(text, 0, ITEM_KEYWORDS)
}

/// Splits the body of a policy (the text after its `{`) into rules.
pub fn split_rules(body: &str) -> Vec<Span> {
    split(body, 0, RULE_KEYWORDS).items
}

/// Whether `text` holds only whitespace and plain (non-doc) comments.
pub fn is_blank(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        if rest.starts_with("///") {
            return false;
        } else if rest.starts_with("//") {
            rest = rest.find('\n').map(|n| &rest[n..]).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix("/*") {
            match after.find("*/") {
                Some(n) => rest = &after[n + 2..],
                None => return false,
            }
        } else {
            return rest.is_empty();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split_items(text)
            .items
            .iter()
            .map(|s| text[s.start..s.end].trim())
            .collect()
    }

    #[test]
    fn splits_items_with_their_docs_and_annotations() {
        let text = "use sagemaker\nconst a = [\"x\"]\n/// doc\n@control(\"c\")\nscp P { deny CreateApp }\n";
        assert_eq!(
            pieces(text),
            vec![
                "use sagemaker",
                "const a = [\"x\"]",
                "/// doc\n@control(\"c\")\nscp P { deny CreateApp }"
            ]
        );
    }

    #[test]
    fn keywords_inside_strings_comments_and_braces_do_not_split() {
        let text =
            "scp P { deny a:b when k == \"policy\" } // scp\n/* use */ policy Q { allow a:b }";
        assert_eq!(pieces(text).len(), 2);
    }

    #[test]
    fn junk_before_the_first_item_is_its_own_piece() {
        assert_eq!(pieces("garbage\nuse s3"), vec!["garbage", "use s3"]);
    }

    #[test]
    fn reports_lexical_errors() {
        let scan = split_items("scp P { deny a:b when k == \"open }\n");
        assert!(matches!(
            scan.errors[0],
            LexError::UnterminatedString { .. }
        ));
        let scan = split_items("/* never closed");
        assert!(matches!(
            scan.errors[0],
            LexError::UnterminatedComment { .. }
        ));
        let deep = format!(
            "scp P {{ deny a:b when {}k present{} }}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let scan = split_items(&deep);
        assert!(matches!(scan.errors[0], LexError::TooDeep { .. }));
    }

    #[test]
    fn keywords_are_the_grammars() {
        let grammar = include_str!("../../grammar/gov.pest");
        let rule = grammar
            .split_once("\nkeyword = _{")
            .and_then(|(_, rest)| rest.split_once('}'))
            .map(|(body, _)| body)
            .expect("the grammar has a `keyword` rule");
        let mut in_grammar: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        let mut here = KEYWORDS.to_vec();
        in_grammar.sort_unstable();
        here.sort_unstable();
        assert_eq!(in_grammar, here);
        // an item is a declaration, a policy of some kind, a test or the org
        let mut items = vec!["use", "import", "const", "test", "org", "param"];
        items.extend(crate::policy::PolicyKind::ALL.map(|k| k.keyword()));
        let mut item_keywords = ITEM_KEYWORDS.to_vec();
        items.sort_unstable();
        item_keywords.sort_unstable();
        assert_eq!(item_keywords, items);
        assert_eq!(RULE_KEYWORDS, ["allow", "deny"]);
    }

    #[test]
    fn splits_rules() {
        let body = " deny a:b when k == \"deny\"\n /// d\n allow c:d }";
        let rules = split_rules(body);
        assert_eq!(rules.len(), 2);
        assert_eq!(
            body[rules[1].start..rules[1].end].trim(),
            "/// d\n allow c:d }"
        );
    }
}
