//! User text on a terminal: control characters (escape sequences, carriage
//! returns, line breaks inside a message) and the invisible characters that
//! reorder text (bidirectional overrides) are shown as escapes, never sent
//! raw, so a policy under review cannot forge or hide lines of a CI log. The
//! JSON output escapes the same characters by JSON's rules.

use std::borrow::Cow;

/// Whether `c` would act on a terminal or reorder the text around it
/// instead of being shown.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200e}' | '\u{200f}' | '\u{061c}'         // direction marks
            | '\u{202a}'..='\u{202e}'                     // embeddings, overrides
            | '\u{2066}'..='\u{2069}'                     // isolates
            | '\u{2028}' | '\u{2029}'                     // line, paragraph separators
        )
}

/// `text` with every unsafe character written as an escape (`\n`, `\r`,
/// `\t`, `\u{1b}`), for a message, label, help or file name.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Source text to be echoed under a diagnostic: line breaks and tabs stay,
/// and every other unsafe character becomes `?` repeated to its byte length,
/// so byte offsets (the spans) still point where they did.
pub(crate) fn neutralize_source(text: &str) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_here) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            // A Windows line end is a line end.
            out.push(c);
        } else if unsafe_here(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(escape("plain `text`"), "plain `text`");
        assert_eq!(escape("a\nb\rc\td"), "a\\nb\\rc\\td");
        assert_eq!(escape("\u{1b}[2Jchecked"), "\\u{1b}[2Jchecked");
        assert_eq!(escape("x\u{202e}y\u{9b}z"), "x\\u{202e}y\\u{9b}z");
        assert_eq!(escape("ünïcödé ok"), "ünïcödé ok");
    }

    #[test]
    fn source_keeps_its_offsets_and_line_ends() {
        let text = "a \u{1b}[31m b\r\nc\u{202e}d\n";
        let safe = neutralize_source(text);
        assert_eq!(safe.len(), text.len());
        assert_eq!(safe, "a ?[31m b\r\nc???d\n");
        assert!(matches!(neutralize_source("fine\n\tok"), Cow::Borrowed(_)));
    }
}
