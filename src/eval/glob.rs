//! `*` / `?` wildcard matching, as IAM uses it in `Action`, `Resource` and the
//! `*Like` condition operators: `*` matches any run of characters (also an
//! empty one), `?` exactly one character, anything else itself.

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A character that must appear as is (also a `*` or `?` written `${*}`/`${?}`).
    Lit(char),
    /// `*`
    Star,
    /// `?`
    One,
}

/// The tokens of a plain pattern: every `*` and `?` is a wildcard.
pub(crate) fn tokens(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect()
}

/// The text of a pattern with its wildcards written as plain `*` and `?`
/// (for operators where they carry no meaning).
pub(crate) fn text_of(pattern: &[Tok]) -> String {
    pattern
        .iter()
        .map(|t| match t {
            Tok::Lit(c) => *c,
            Tok::Star => '*',
            Tok::One => '?',
        })
        .collect()
}

/// Whether `pattern` matches the whole of `text`. Linear backtracking on the
/// last `*` only, so the cost is at most `O(pattern * text)`.
pub(crate) fn matches(pattern: &[Tok], text: &[char]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match (pattern.get(p), text.get(t)) {
            (Some(Tok::Star), _) => {
                star = Some((p, t));
                p += 1;
            }
            (Some(Tok::One), Some(_)) => {
                p += 1;
                t += 1;
            }
            (Some(Tok::Lit(a)), Some(b)) if a == b => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|t| *t == Tok::Star))
}

/// Glob match of a plain pattern against a text.
pub(crate) fn matches_str(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if ignore_case {
        let text: Vec<char> = text.to_lowercase().chars().collect();
        matches(&tokens(&pattern.to_lowercase()), &text)
    } else {
        let text: Vec<char> = text.chars().collect();
        matches(&tokens(pattern), &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(matches_str("*", "", false));
        assert!(matches_str("*", "anything", false));
        assert!(matches_str("a*c", "abbbc", false));
        assert!(matches_str("a*c", "ac", false));
        assert!(!matches_str("a*c", "acb", false));
        assert!(matches_str("a?c", "abc", false));
        assert!(!matches_str("a?c", "ac", false));
        assert!(matches_str(
            "iam:*AccessKey*",
            "iam:CreateAccessKeys",
            false
        ));
        assert!(matches_str("*a*b*c*", "xxaxxbxxcxx", false));
        assert!(!matches_str("*a*b*c*", "xxaxxcxxbxx", false));
        assert!(!matches_str("abc", "ABC", false));
        assert!(matches_str("abc", "ABC", true));
        assert!(matches_str("S3:get*", "s3:GetObject", true));
        assert!(!matches_str("", "a", false));
        assert!(matches_str("", "", false));
        assert!(matches_str("**", "", false));
    }

    #[test]
    fn literal_star_is_not_a_wildcard() {
        let pattern = [Tok::Lit('a'), Tok::Lit('*')];
        assert!(matches(&pattern, &['a', '*']));
        assert!(!matches(&pattern, &['a', 'b']));
    }

    #[test]
    fn long_inputs_stay_fast() {
        let text: Vec<char> = "a".repeat(5000).chars().collect();
        let pattern = tokens(&format!("{}b", "*a".repeat(50)));
        assert!(!matches(&pattern, &text));
    }
}
