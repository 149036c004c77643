//! The one JSON reader of gov: strict (RFC 8259), with the byte span of
//! every key and value, the text of numbers as written, and a nesting limit
//! so that no input exhausts the stack.
//!
//! A duplicate object key is not a reading error: every member is kept, in
//! source order, and [`duplicate_keys`] lists each repeat with both places.
//! The linter reports them all and reads on; the policy model
//! (`iam::PolicyDocument::from_json`) refuses the first. Anything
//! else that is not JSON stops the reader with the byte span of the problem;
//! lines and columns come from the spans ([`crate::source::SourceMap`]).

use crate::source::Span;

/// Objects and arrays nested deeper than this are refused.
pub(crate) const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number exactly as written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in source order; keys may repeat.
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub key: String,
    /// The key's string, quotes included.
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    /// The value's text: a string with its quotes, an object from `{` to `}`.
    pub span: Span,
}

impl Node {
    /// A short name of the value's JSON type, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    pub(crate) fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// Why the text is not JSON, and where (a byte range of the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// A key given again in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub key: String,
    /// The JSON pointer of the repeated member (`/Statement/0/Effect`).
    pub pointer: String,
    /// The key where it is first given, quotes included.
    pub first: Span,
    /// The key given again.
    pub again: Span,
}

/// Every key given again in an object of `node`, in source order of the
/// repeat (exact match: JSON keys are case-sensitive).
pub(crate) fn duplicate_keys(node: &Node) -> Vec<Duplicate> {
    let mut out = Vec::new();
    collect_duplicates(node, "", &mut out);
    out.sort_by_key(|d| d.again.start);
    out
}

// Depth is bounded by the reader's nesting limit.
fn collect_duplicates(node: &Node, pointer: &str, out: &mut Vec<Duplicate>) {
    match &node.value {
        Value::Object(members) => {
            for (i, m) in members.iter().enumerate() {
                let here = push_pointer(pointer, &m.key);
                if let Some(first) = members.iter().take(i).find(|o| o.key == m.key) {
                    out.push(Duplicate {
                        key: m.key.clone(),
                        pointer: here.clone(),
                        first: first.key_span,
                        again: m.key_span,
                    });
                }
                collect_duplicates(&m.value, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_duplicates(item, &push_pointer(pointer, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Appends one reference token to a JSON pointer (RFC 6901), escaping `~`
/// and `/`.
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

/// Parses one JSON text. A leading byte order mark is skipped (spans still
/// count it); trailing non-whitespace is an error.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: start,
    };
    reader.skip_whitespace();
    let node = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error_here("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The span of the character at the current position (empty at the end).
    fn here(&self) -> Span {
        let len = self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    fn error_here(&self, message: &str) -> SyntaxError {
        let found = self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next());
        let message = match found {
            None => format!("{message}, found the end of the file"),
            Some(c) if c.is_control() => format!("{message}, found {}", c.escape_default()),
            Some(c) => format!("{message}, found `{c}`"),
        };
        SyntaxError {
            message,
            span: self.here(),
        }
    }

    fn error_at(&self, span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span,
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error_at(
                self.here(),
                format!("nesting is deeper than {MAX_DEPTH} levels"),
            ));
        }
        let start = self.pos;
        let value = match self.peek() {
            None => return Err(self.error_here("expected a JSON value")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => {
                self.literal("true")?;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(_) => return Err(self.error_here("expected a JSON value")),
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str) -> Result<(), SyntaxError> {
        let start = self.pos;
        for expected in word.bytes() {
            if self.peek() != Some(expected) {
                let mut end = self.pos;
                while self.bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                    end += 1;
                }
                let found = self.text.get(start..end.max(start)).unwrap_or_default();
                let end = end.max(self.here().end);
                return Err(self.error_at(
                    Span::new(start, end),
                    format!("invalid literal `{found}`: expected `{word}`"),
                ));
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(if self.peek() == Some(b'}') {
                    self.error_here(
                        "expected a string key after `,` (JSON allows no trailing comma)",
                    )
                } else {
                    self.error_here("expected a string key")
                });
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error_here("expected `:` after an object key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error_here("expected `,` or `}` in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            if self.peek() == Some(b']') {
                return Err(
                    self.error_here("expected a value after `,` (JSON allows no trailing comma)")
                );
            }
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error_here("expected `,` or `]` in an array")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error_here("expected four hex digits after `\\u`"))?;
            self.pos += 1;
            n = n * 16 + digit;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos;
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error_at(
                    Span::new(open, open + 1),
                    "unterminated string: no closing `\"`",
                ));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let escape_start = self.pos;
                    self.pos += 1;
                    let Some(e) = self.text.get(self.pos..).and_then(|r| r.chars().next()) else {
                        return Err(self.error_at(
                            Span::new(open, open + 1),
                            "unterminated string: no closing `\"`",
                        ));
                    };
                    self.pos += e.len_utf8();
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => out.push(self.unicode_escape(escape_start)?),
                        _ => {
                            return Err(self.error_at(
                                Span::new(escape_start, self.pos),
                                "invalid escape in string",
                            ));
                        }
                    }
                }
                b if b < 0x20 => {
                    let what = if b == b'\n' {
                        "line break inside a string: a string must end on its line (write `\\n`)"
                    } else {
                        "unescaped control character in a string"
                    };
                    return Err(self.error_at(Span::new(self.pos, self.pos + 1), what));
                }
                _ => {
                    let Some(c) = self.text.get(self.pos..).and_then(|r| r.chars().next()) else {
                        return Err(self.error_here("invalid text in a string"));
                    };
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// The character of a `\uXXXX` escape (and of the low surrogate after a
    /// high one); `start` is the offset of the backslash.
    fn unicode_escape(&mut self, start: usize) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.peek() != Some(b'\\') || self.bytes.get(self.pos + 1) != Some(&b'u') {
                return Err(self.error_at(
                    Span::new(start, self.pos),
                    "lone surrogate in a `\\u` escape",
                ));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error_at(
                    Span::new(start, self.pos),
                    "lone surrogate in a `\\u` escape",
                ));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| {
            self.error_at(
                Span::new(start, self.pos),
                "lone surrogate in a `\\u` escape",
            )
        })
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let invalid = |r: &Self| {
            let mut end = r.pos;
            while r
                .bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
            {
                end += 1;
            }
            let text = r.text.get(start..end).unwrap_or_default();
            r.error_at(
                Span::new(start, end.max(start + 1).min(r.bytes.len())),
                format!("invalid number `{text}`"),
            )
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(invalid(self)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(invalid(self));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(invalid(self));
            }
        }
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.')
        {
            return Err(invalid(self));
        }
        Ok(self
            .text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(node: &Node) -> &[Member] {
        node.members().unwrap()
    }

    #[test]
    fn keeps_spans_and_duplicates() {
        let text = "{\"a\": [1, \"x\u{e9}\"], \"a\": true}";
        let node = parse(text).unwrap();
        let m = members(&node);
        assert_eq!(m.len(), 2);
        assert_eq!(&text[m[0].key_span.start..m[0].key_span.end], "\"a\"");
        let Value::Array(items) = &m[0].value.value else {
            panic!("not an array")
        };
        assert_eq!(&text[items[1].span.start..items[1].span.end], "\"x\u{e9}\"");
        assert_eq!(m[1].value.value, Value::Bool(true));
        assert_eq!(node.span, Span::new(0, text.len()));
    }

    #[test]
    fn reports_the_place_of_errors() {
        let e = parse("{\"a\": [1,]}").unwrap_err();
        assert!(e.message.contains("trailing comma"), "{}", e.message);
        assert_eq!(e.span, Span::new(9, 10));
        let e = parse("{\"a\": \"x\ny\"}").unwrap_err();
        assert!(e.message.contains("line break"));
        assert_eq!(e.span.start, 8);
        let e = parse("{\"a\": 1} x").unwrap_err();
        assert_eq!(e.span, Span::new(9, 10));
        for bad in [
            "",
            "{",
            "01",
            "1.",
            "\"\\x\"",
            "tru",
            "{\"a\" 1}",
            "\"\\ud800\"",
            "[1 2]",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
        assert!(parse(&"[".repeat(10_000)).is_err());
    }

    #[test]
    fn lists_duplicate_keys_with_pointers() {
        let text = "{\"x\": [{\"a/b\": 1, \"a/b\": 2}], \"x\": 0, \"X\": 1}";
        let dups = duplicate_keys(&parse(text).unwrap());
        let found: Vec<(&str, &str)> = dups
            .iter()
            .map(|d| (d.pointer.as_str(), &text[d.again.start..d.again.end]))
            .collect();
        assert_eq!(found, [("/x/0/a~1b", "\"a/b\""), ("/x", "\"x\"")]);
        assert_eq!(dups[1].first, Span::new(1, 4));
    }

    #[test]
    fn reads_escapes_and_numbers() {
        let node = parse(r#"["\u00e9\ud83d\ude00\n", -1.5e3, 0, null]"#).unwrap();
        let Value::Array(items) = &node.value else {
            panic!("not an array")
        };
        assert_eq!(items[0].value, Value::String("\u{e9}\u{1f600}\n".into()));
        assert_eq!(items[1].value, Value::Number("-1.5e3".into()));
        assert_eq!(items[2].value, Value::Number("0".into()));
        assert_eq!(items[3].value, Value::Null);
    }
}
