//! The syntax of policy variables in policy values: `${key}`,
//! `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}` (IAM User
//! Guide, "IAM policy elements: Variables and tags",
//! reference_policies_variables.html). Read here once: the evaluator
//! resolves the pieces against a request, the diff builds its witnesses and
//! automata from the same pieces.
//!
//! A malformed `${` (no closing brace, empty name, default not in single
//! quotes) is literal text, which is what a literal-minded reader of the
//! policy would see; Access Analyzer reports these as errors anyway. The
//! name is taken as written, spaces included.

/// One piece of a policy value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A character as written: a wildcard where the operator reads wildcards.
    Char(char),
    /// `${*}`, `${?}` or `${$}`: the character itself, never a wildcard.
    Escaped(char),
    /// `${name}` or `${name, 'default'}`.
    Variable {
        name: String,
        default: Option<String>,
    },
}

/// The pieces of `text`, variables read.
pub(crate) fn pieces(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '$'
            && chars.get(i + 1) == Some(&'{')
            && let Some((piece, next)) = variable(&chars, i + 2)
        {
            out.push(piece);
            i = next;
            continue;
        }
        out.push(Piece::Char(c));
        i += 1;
    }
    out
}

/// Reads `name}` or `name, 'default'}` starting at `start` (just after `${`).
/// Returns the piece and the index after the closing brace.
fn variable(chars: &[char], start: usize) -> Option<(Piece, usize)> {
    let mut i = start;
    let mut name = String::new();
    loop {
        match *chars.get(i)? {
            '}' | ',' => break,
            c => name.push(c),
        }
        i += 1;
    }
    if name.is_empty() {
        return None;
    }
    let default = if chars.get(i) == Some(&'}') {
        i += 1;
        None
    } else {
        // a default: `, 'value'}` with optional spaces around the quoted value
        i += 1;
        while chars.get(i) == Some(&' ') {
            i += 1;
        }
        if chars.get(i) != Some(&'\'') {
            return None;
        }
        i += 1;
        let mut default = String::new();
        loop {
            match *chars.get(i)? {
                '\'' => break,
                c => default.push(c),
            }
            i += 1;
        }
        i += 1;
        while chars.get(i) == Some(&' ') {
            i += 1;
        }
        if chars.get(i) != Some(&'}') {
            return None;
        }
        i += 1;
        Some(default)
    };
    let piece = match name.as_str() {
        "*" => Piece::Escaped('*'),
        "?" => Piece::Escaped('?'),
        "$" => Piece::Escaped('$'),
        _ => Piece::Variable { name, default },
    };
    Some((piece, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, default: Option<&str>) -> Piece {
        Piece::Variable {
            name: name.to_string(),
            default: default.map(str::to_string),
        }
    }

    fn chars(text: &str) -> Vec<Piece> {
        text.chars().map(Piece::Char).collect()
    }

    #[test]
    fn variables_defaults_and_escapes() {
        let mut expected = chars("home/");
        expected.push(var("aws:username", None));
        expected.extend(chars("/*"));
        assert_eq!(pieces("home/${aws:username}/*"), expected);
        assert_eq!(
            pieces("${aws:missing, 'none'}"),
            vec![var("aws:missing", Some("none"))]
        );
        assert_eq!(
            pieces("${aws:missing,'x y' }"),
            vec![var("aws:missing", Some("x y"))]
        );
        assert_eq!(
            pieces("${*}${?}${$}"),
            vec![
                Piece::Escaped('*'),
                Piece::Escaped('?'),
                Piece::Escaped('$')
            ]
        );
        // the name as written, spaces included
        assert_eq!(pieces("${ a }"), vec![var(" a ", None)]);
    }

    #[test]
    fn malformed_is_literal() {
        for text in [
            "${aws:username",
            "${}",
            "${a, none}",
            "$x",
            "${a, 'x'",
            "${a, 'x' y}",
        ] {
            assert_eq!(pieces(text), chars(text), "{text}");
        }
    }
}
