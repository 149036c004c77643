//! A small strict JSON reader that keeps what `serde_json::Value` loses.
//!
//! Policy documents need three things a generic JSON value does not give:
//! duplicate object keys must be rejected (the policy grammar says no element
//! may appear twice in one object, and `serde_json::Value` silently keeps the
//! last one), the source position of every value (for error messages), and the
//! exact text of numbers (condition values are kept as written).

use super::error::{IamError, Pos, push_pointer};

/// Objects nested deeper than this are refused instead of exhausting the stack.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number exactly as written in the source.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in source order; keys are unique.
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub pos: Pos,
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
}

/// Parses one JSON text. Trailing non-whitespace is an error. A leading byte
/// order mark is skipped.
pub(crate) fn parse(text: &str) -> Result<Node, IamError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader {
        chars: text.chars().collect(),
        index: 0,
        line: 1,
        column: 1,
    };
    reader.skip_whitespace();
    let node = reader.value("", 0)?;
    reader.skip_whitespace();
    if reader.peek().is_some() {
        return Err(reader.error("trailing characters after the JSON value", ""));
    }
    Ok(node)
}

struct Reader {
    chars: Vec<char>,
    index: usize,
    line: usize,
    column: usize,
}

impl Reader {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn error(&self, message: &str, path: &str) -> IamError {
        IamError::new(message, path).at(self.pos())
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.index).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.index += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn expect_literal(&mut self, word: &str, path: &str) -> Result<(), IamError> {
        for expected in word.chars() {
            if self.peek() != Some(expected) {
                return Err(self.error("invalid JSON literal", path));
            }
            self.bump();
        }
        Ok(())
    }

    fn value(&mut self, path: &str, depth: usize) -> Result<Node, IamError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting is too deep (more than 64 levels)", path));
        }
        let pos = self.pos();
        let value = match self.peek() {
            None => return Err(self.error("unexpected end of input", path)),
            Some('{') => self.object(path, depth)?,
            Some('[') => self.array(path, depth)?,
            Some('"') => Value::String(self.string(path)?),
            Some('t') => {
                self.expect_literal("true", path)?;
                Value::Bool(true)
            }
            Some('f') => {
                self.expect_literal("false", path)?;
                Value::Bool(false)
            }
            Some('n') => {
                self.expect_literal("null", path)?;
                Value::Null
            }
            Some(c) if c == '-' || c.is_ascii_digit() => Value::Number(self.number(path)?),
            Some(_) => return Err(self.error("expected a JSON value", path)),
        };
        Ok(Node { value, pos })
    }

    fn object(&mut self, path: &str, depth: usize) -> Result<Value, IamError> {
        self.bump(); // '{'
        let mut members: Vec<Member> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some('"') {
                return Err(self.error("expected a string key", path));
            }
            let key_pos = self.pos();
            let key = self.string(path)?;
            let member_path = push_pointer(path, &key);
            if members.iter().any(|m| m.key == key) {
                return Err(
                    IamError::new(format!("duplicate key `{key}`"), member_path).at(key_pos)
                );
            }
            self.skip_whitespace();
            if self.peek() != Some(':') {
                return Err(self.error("expected `:` after an object key", &member_path));
            }
            self.bump();
            self.skip_whitespace();
            let value = self.value(&member_path, depth + 1)?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            self.skip_whitespace();
            match self.bump() {
                Some(',') => continue,
                Some('}') => return Ok(Value::Object(members)),
                _ => return Err(self.error("expected `,` or `}` in an object", path)),
            }
        }
    }

    fn array(&mut self, path: &str, depth: usize) -> Result<Value, IamError> {
        self.bump(); // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            let item_path = push_pointer(path, &items.len().to_string());
            items.push(self.value(&item_path, depth + 1)?);
            self.skip_whitespace();
            match self.bump() {
                Some(',') => continue,
                Some(']') => return Ok(Value::Array(items)),
                _ => return Err(self.error("expected `,` or `]` in an array", path)),
            }
        }
    }

    fn hex4(&mut self, path: &str) -> Result<u32, IamError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.error("invalid `\\u` escape", path))?;
            self.bump();
            n = n * 16 + digit;
        }
        Ok(n)
    }

    fn string(&mut self, path: &str) -> Result<String, IamError> {
        self.bump(); // opening quote
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("unterminated string", path));
            };
            match c {
                '"' => {
                    self.bump();
                    return Ok(out);
                }
                '\\' => {
                    self.bump();
                    let escaped = self
                        .bump()
                        .ok_or_else(|| self.error("unterminated string", path))?;
                    match escaped {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => out.push(self.unicode_escape(path)?),
                        _ => return Err(self.error("invalid escape in string", path)),
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error("unescaped control character in string", path));
                }
                c => {
                    self.bump();
                    out.push(c);
                }
            }
        }
    }

    /// Reads the four hex digits after `\u` (and a low surrogate if needed).
    fn unicode_escape(&mut self, path: &str) -> Result<char, IamError> {
        let first = self.hex4(path)?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.peek() != Some('\\') {
                return Err(self.error("lone surrogate in `\\u` escape", path));
            }
            self.bump();
            if self.peek() != Some('u') {
                return Err(self.error("lone surrogate in `\\u` escape", path));
            }
            self.bump();
            let second = self.hex4(path)?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("lone surrogate in `\\u` escape", path));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("lone surrogate in `\\u` escape", path))
    }

    fn digits(&mut self, out: &mut String) -> usize {
        let mut count = 0;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                out.push(c);
                self.bump();
                count += 1;
            } else {
                break;
            }
        }
        count
    }

    fn number(&mut self, path: &str) -> Result<String, IamError> {
        let mut out = String::new();
        if self.peek() == Some('-') {
            out.push('-');
            self.bump();
        }
        match self.peek() {
            Some('0') => {
                out.push('0');
                self.bump();
            }
            Some(c) if c.is_ascii_digit() => {
                self.digits(&mut out);
            }
            _ => return Err(self.error("invalid number", path)),
        }
        if self.peek() == Some('.') {
            out.push('.');
            self.bump();
            if self.digits(&mut out) == 0 {
                return Err(self.error("invalid number", path));
            }
        }
        if let Some(e @ ('e' | 'E')) = self.peek() {
            out.push(e);
            self.bump();
            if let Some(sign @ ('+' | '-')) = self.peek() {
                out.push(sign);
                self.bump();
            }
            if self.digits(&mut out) == 0 {
                return Err(self.error("invalid number", path));
            }
        }
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            return Err(self.error("invalid number", path));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(node: &Node) -> &[Member] {
        match &node.value {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn parses_nested_values_in_order() {
        let node = parse(r#"{"b": [1, -2.5e3, true, null], "a": "x\u00e9\ud83d\ude00"}"#).unwrap();
        let m = members(&node);
        assert_eq!(m[0].key, "b");
        assert_eq!(m[1].key, "a");
        assert_eq!(m[1].value.value, Value::String("x\u{e9}\u{1f600}".into()));
        match &m[0].value.value {
            Value::Array(items) => {
                assert_eq!(items[0].value, Value::Number("1".into()));
                assert_eq!(items[1].value, Value::Number("-2.5e3".into()));
                assert_eq!(items[2].value, Value::Bool(true));
                assert_eq!(items[3].value, Value::Null);
            }
            _ => panic!("not an array"),
        }
    }

    #[test]
    fn rejects_duplicate_keys_with_position() {
        let err = parse("{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
        assert_eq!(err.message, "duplicate key `a`");
        assert_eq!(err.path, "/a");
        assert_eq!((err.line, err.column), (Some(3), Some(3)));
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "\"\\x\"",
            "\"a\nb\"",
            "{} x",
            "\"\\ud800\"",
            "tru",
            "{\"a\" 1}",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn refuses_deep_nesting() {
        let text = "[".repeat(1000);
        assert_eq!(
            parse(&text).unwrap_err().message,
            "nesting is too deep (more than 64 levels)"
        );
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        let err =
            parse(r#"{"x": {"aws:PrincipalTag/a~b": 1, "aws:PrincipalTag/a~b": 2}}"#).unwrap_err();
        assert_eq!(err.path, "/x/aws:PrincipalTag~1a~0b");
    }
}
