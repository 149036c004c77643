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

/// One piece of a policy value as [`visit_pieces`] gives it: borrowed from
/// the value, and a run of plain characters in one piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PieceRef<'a> {
    /// Characters as written: wildcards where the operator reads wildcards.
    Text(&'a str),
    /// `${*}`, `${?}` or `${$}`: the character itself, never a wildcard.
    Escaped(char),
    /// `${name}` or `${name, 'default'}`.
    Variable {
        name: &'a str,
        default: Option<&'a str>,
    },
}

/// The pieces of `text`, variables read.
pub(crate) fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::with_capacity(text.len());
    visit_pieces(text, |piece| {
        match piece {
            PieceRef::Text(run) => out.extend(run.chars().map(Piece::Char)),
            PieceRef::Escaped(c) => out.push(Piece::Escaped(c)),
            PieceRef::Variable { name, default } => out.push(Piece::Variable {
                name: name.to_string(),
                default: default.map(str::to_string),
            }),
        }
        true
    });
    out
}

/// Gives each piece of `text` to `visit`, in order, until it returns false:
/// [`pieces`] without buffers, for the evaluator, which reads the same values
/// for every request it decides. A `$` not followed by a well-formed `{…}` is
/// a character like any other.
pub(crate) fn visit_pieces<'a>(text: &'a str, mut visit: impl FnMut(PieceRef<'a>) -> bool) {
    let mut rest = text;
    let mut run_start = 0;
    // `rest` starts at `text[consumed..]`; plain text since `run_start` is
    // given as one run when a variable or the end comes.
    let mut consumed = 0;
    while let Some(at) = rest.find("${") {
        match variable(&rest[at + 2..]) {
            Some((piece, used)) => {
                let run = &text[run_start..consumed + at];
                if !run.is_empty() && !visit(PieceRef::Text(run)) {
                    return;
                }
                if !visit(piece) {
                    return;
                }
                consumed += at + 2 + used;
                run_start = consumed;
            }
            // the `$` is plain text; look again after it
            None => consumed += at + 1,
        }
        rest = &text[consumed..];
    }
    let run = &text[run_start..];
    if !run.is_empty() {
        visit(PieceRef::Text(run));
    }
}

/// Reads `name}` or `name, 'default'}` at the start of `rest` (the text just
/// after `${`). Returns the piece and the bytes it took, closing brace included.
fn variable(rest: &str) -> Option<(PieceRef<'_>, usize)> {
    let name_end = rest.find(['}', ','])?;
    let name = &rest[..name_end];
    if name.is_empty() {
        return None;
    }
    let spaces = |at: usize| rest[at..].len() - rest[at..].trim_start_matches(' ').len();
    let mut i = name_end;
    let default = if rest[i..].starts_with('}') {
        i += 1;
        None
    } else {
        // a default: `, 'value'}` with optional spaces around the quoted value
        i += 1;
        i += spaces(i);
        if !rest[i..].starts_with('\'') {
            return None;
        }
        i += 1;
        let close = rest[i..].find('\'')?;
        let default = &rest[i..i + close];
        i += close + 1;
        i += spaces(i);
        if !rest[i..].starts_with('}') {
            return None;
        }
        i += 1;
        Some(default)
    };
    let piece = match name {
        "*" => PieceRef::Escaped('*'),
        "?" => PieceRef::Escaped('?'),
        "$" => PieceRef::Escaped('$'),
        _ => PieceRef::Variable { name, default },
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

    /// The reading of pieces as first written, character by character: the
    /// reference [`visit_pieces`] is held to.
    fn reference(text: &str) -> Vec<Piece> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if c == '$'
                && chars.get(i + 1) == Some(&'{')
                && let Some((piece, next)) = reference_variable(&chars, i + 2)
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

    fn reference_variable(chars: &[char], start: usize) -> Option<(Piece, usize)> {
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

    proptest::proptest! {
        #[test]
        fn pieces_agree_with_the_reference(text in "[${},' a*?é]{0,24}") {
            proptest::prop_assert_eq!(pieces(&text), reference(&text));
        }
    }
}
