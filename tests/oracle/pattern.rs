//! String and ARN literals as patterns, after their policy variables are
//! resolved on the request (docs/meaning.md §2, "Policy variables"), written
//! from the language's definition and sharing nothing with the library.
//!
//! A literal is read left to right: `${*}`, `${?}`, `${$}` are the characters
//! `*`, `?`, `$` taken literally; `${key}` is the single value of `key` in the
//! request, taken literally, and `${key, 'default'}` the default when the key
//! has no value. A key with no value and no default, or with several values
//! (a multivalued key: no single value, so no default applies either), leaves
//! the literal unresolved: it then equals and matches nothing. Every other
//! character is itself, or a wildcard (`*`, `?`) where the operator reads
//! wildcards.

use super::Context;

/// One element of a resolved literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A character that must appear as it is.
    Char(char),
    /// `*` as written: any run of characters, also an empty one.
    AnyRun,
    /// `?` as written: exactly one character.
    AnyOne,
}

/// The literal `text` with its variables replaced by their values in `ctx`;
/// `None` when a variable is unresolved.
pub fn resolve(text: &str, ctx: &Context) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${")
            && let Some(end) = after.find('}')
        {
            let inside = &after[..end];
            rest = &after[end + 1..];
            match inside {
                "*" | "?" | "$" => out.extend(inside.chars().map(Piece::Char)),
                _ => out.extend(variable_value(inside, ctx)?.chars().map(Piece::Char)),
            }
            continue;
        }
        out.push(match c {
            '*' => Piece::AnyRun,
            '?' => Piece::AnyOne,
            c => Piece::Char(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// The value of `key` or `key, 'default'` in `ctx`.
fn variable_value(inside: &str, ctx: &Context) -> Option<String> {
    let (name, default) = match inside.split_once(',') {
        Some((name, default)) => {
            let quoted = default.trim();
            let unquoted = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
            (name.trim(), Some(unquoted.to_string()))
        }
        None => (inside, None),
    };
    match ctx.get(&name.to_ascii_lowercase()).map(Vec::as_slice) {
        Some([one]) => Some(one.clone()),
        Some([]) | None => default,
        Some(_) => None,
    }
}

/// The text of resolved pieces, wildcards written back as `*` and `?`
/// (for equality, where they are ordinary characters).
pub fn text(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Char(c) => *c,
            Piece::AnyRun => '*',
            Piece::AnyOne => '?',
        })
        .collect()
}

/// The pieces of a literal without variables.
pub fn plain(pattern: &str) -> Vec<Piece> {
    resolve(pattern, &Context::new()).unwrap_or_default()
}

/// Whether `pattern` matches the whole of `value`, case-sensitively.
pub fn glob(pattern: &[Piece], value: &str) -> bool {
    let t: Vec<char> = value.chars().collect();
    // Iterative matcher with backtracking to the last `*`: linear space.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match pattern.get(pi) {
            Some(Piece::AnyRun) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Piece::AnyOne) => {
                pi += 1;
                ti += 1;
            }
            Some(Piece::Char(c)) if Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[pi.min(pattern.len())..]
        .iter()
        .all(|p| *p == Piece::AnyRun)
}

/// An ARN pattern against a value: `arn:partition:service:region:account:resource`,
/// each part matched by itself, so a `*` never spans the colons between parts
/// (the resource part keeps its own colons). A pattern without colons (`*`)
/// is matched against the whole value. A colon that a variable brings is a
/// colon like any other: the variable is replaced first.
pub fn arn_matches(pattern: &[Piece], value: &str) -> bool {
    let colon = Piece::Char(':');
    if !pattern.contains(&colon) {
        return glob(pattern, value);
    }
    let p: Vec<&[Piece]> = pattern.splitn(6, |x| *x == colon).collect();
    let v: Vec<&str> = value.splitn(6, ':').collect();
    p.len() == 6 && v.len() == 6 && p.iter().zip(&v).all(|(p, v)| glob(p, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &[&str])]) -> Context {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    k.to_ascii_lowercase(),
                    v.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn variables_resolve_to_literal_text() {
        let c = ctx(&[("aws:username", &["a*"]), ("aws:TagKeys", &["x", "y"])]);
        let r = |t: &str| resolve(t, &c).map(|p| text(&p));
        assert_eq!(r("home/${aws:username}/*").as_deref(), Some("home/a*/*"));
        assert_eq!(r("${AWS:UserName}").as_deref(), Some("a*"));
        assert_eq!(r("${aws:missing, 'none'}").as_deref(), Some("none"));
        assert_eq!(r("${aws:username, 'none'}").as_deref(), Some("a*"));
        assert_eq!(r("a${*}b${?}c${$}").as_deref(), Some("a*b?c$"));
        assert_eq!(r("${aws:missing}"), None);
        assert_eq!(r("${aws:TagKeys}"), None);
        assert_eq!(r("${aws:TagKeys, 'd'}"), None);
        // the substituted star is a character, the written one a wildcard
        let pattern = resolve("${aws:username}*", &c).unwrap();
        assert!(glob(&pattern, "a*b"));
        assert!(!glob(&pattern, "ab"));
        assert!(!glob(&resolve("a${*}", &c).unwrap(), "ab"));
    }

    #[test]
    fn arns_match_part_by_part() {
        let m = |p: &str, v: &str| arn_matches(&plain(p), v);
        assert!(m(
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:role/a"
        ));
        assert!(!m("arn:*:role/*", "arn:aws:iam::1:role/x"));
        assert!(m(
            "arn:aws:logs:*:*:log-group:/x/*",
            "arn:aws:logs:r:1:log-group:/x/y:log-stream:z"
        ));
        assert!(!m("arn:aws:iam::*:role/*", "not-an-arn"));
        assert!(m("*", "anything"));
    }

    #[test]
    fn globs() {
        let g = |p: &str, v: &str| glob(&plain(p), v);
        assert!(g("ml.t3.*", "ml.t3.medium"));
        assert!(g("*", ""));
        assert!(g("a?c", "abc"));
        assert!(!g("a?c", "ac"));
        assert!(g("*b*", "aaabaaa"));
        assert!(!g("*b", "aaabaaa"));
    }
}
