//! IAM's wildcard patterns, matched in one place for the evaluator, the
//! diff and the catalog: `*` matches any run of characters (also an empty
//! one), `?` exactly one character, anything else itself, as in `Action`,
//! `Resource` and the `*Like` condition operators (IAM User Guide,
//! reference_policies_elements_action.html, reference_policies_elements_resource.html,
//! reference_policies_elements_condition_operators.html).
//!
//! Case is the caller's choice ([`Case`]): action names compare without
//! regard to case, condition values and resources exactly (except under the
//! `…IgnoreCase` operators). ARN patterns are matched part by part
//! ([`arn_matches`]).

/// How letters compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// Every character as it is (condition values, resources).
    Sensitive,
    /// Both texts lowercased first, by Unicode's rules (action names,
    /// `StringEqualsIgnoreCase`). On ASCII this is `eq_ignore_ascii_case`.
    Insensitive,
}

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
    pattern.chars().map(token).collect()
}

/// The token of one character of a plain pattern.
pub(crate) fn token(c: char) -> Tok {
    match c {
        '*' => Tok::Star,
        '?' => Tok::One,
        c => Tok::Lit(c),
    }
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

/// Whether `pattern` matches the whole of `text`, case-sensitively.
pub(crate) fn matches(pattern: &[Tok], text: &[char]) -> bool {
    run(
        pattern,
        text,
        |t| match t {
            Tok::Star => Wild::Star,
            Tok::One => Wild::One,
            Tok::Lit(_) => Wild::Not,
        },
        |p, c| p == Tok::Lit(c),
    )
}

/// Whether the plain pattern `pattern` matches the whole of `text`.
pub(crate) fn glob_matches(pattern: &str, text: &str, case: Case) -> bool {
    let wild_char = |c: char| match c {
        '*' => Wild::Star,
        '?' => Wild::One,
        _ => Wild::Not,
    };
    if pattern.is_ascii() && text.is_ascii() {
        let wild = |b: u8| wild_char(char::from(b));
        return match case {
            Case::Sensitive => run(pattern.as_bytes(), text.as_bytes(), wild, |a, b| a == b),
            Case::Insensitive => run(pattern.as_bytes(), text.as_bytes(), wild, |a, b| {
                a.eq_ignore_ascii_case(&b)
            }),
        };
    }
    let (pattern, text): (Vec<char>, Vec<char>) = match case {
        Case::Sensitive => (pattern.chars().collect(), text.chars().collect()),
        Case::Insensitive => (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        ),
    };
    run(&pattern, &text, wild_char, |a, b| a == b)
}

/// Whether two texts are equal, in the given case mode.
pub(crate) fn equals(a: &str, b: &str, case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::Insensitive if a.is_ascii() && b.is_ascii() => a.eq_ignore_ascii_case(b),
        Case::Insensitive => a.to_lowercase() == b.to_lowercase(),
    }
}

/// What a pattern element is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wild {
    Star,
    One,
    Not,
}

/// The matcher: backtracking on the last `*` only, so the cost is at most
/// `O(pattern * text)`.
fn run<P: Copy, T: Copy>(
    pattern: &[P],
    text: &[T],
    wild: impl Fn(P) -> Wild,
    same: impl Fn(P, T) -> bool,
) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = text.get(t) {
        let step = match pattern.get(p) {
            Some(&e) => match wild(e) {
                Wild::Star => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                Wild::One => true,
                Wild::Not => same(e, c),
            },
            None => false,
        };
        if step {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&e| wild(e) == Wild::Star))
}

/// ARN matching as the `Arn*` operators and `Resource` do it: both sides
/// are split into their six colon-separated parts
/// (`arn:partition:service:region:account:resource`; the resource part keeps
/// any further colons) and each part is glob-matched separately, case
/// sensitively, so a `*` never spans a colon outside the resource part
/// (reference_policies_elements_condition_operators.html, ARN operators: "Each
/// of the six colon-delimited components of the ARN is checked separately").
/// A pattern without any colon (such as `*`) is glob-matched against the
/// whole text, and so is a pattern when neither side has six parts. When only
/// one side has six parts there is no match (so `arn:*:role/*` matches no
/// ARN: its `*` cannot stand for several parts).
pub(crate) fn arn_matches(pattern: &[Tok], text: &str) -> bool {
    let tok_wild = |t: Tok| match t {
        Tok::Star => Wild::Star,
        Tok::One => Wild::One,
        Tok::Lit(_) => Wild::Not,
    };
    let is_colon = |t: Tok| t == Tok::Lit(':');
    if text.is_ascii() {
        return arn_run(
            pattern,
            text.as_bytes(),
            is_colon,
            |b| b == b':',
            tok_wild,
            |p, b| p == Tok::Lit(char::from(b)),
        );
    }
    let text: Vec<char> = text.chars().collect();
    arn_run(
        pattern,
        &text,
        is_colon,
        |c| c == ':',
        tok_wild,
        |p, c| p == Tok::Lit(c),
    )
}

/// [`arn_matches`] of a plain pattern (`*` and `?` wildcards).
pub(crate) fn arn_glob_matches(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        let wild = |b: u8| match b {
            b'*' => Wild::Star,
            b'?' => Wild::One,
            _ => Wild::Not,
        };
        let is_colon = |b: u8| b == b':';
        return arn_run(
            pattern.as_bytes(),
            text.as_bytes(),
            is_colon,
            is_colon,
            wild,
            |a, b| a == b,
        );
    }
    arn_matches(&tokens(pattern), text)
}

/// The ARN matcher over any pattern and text elements (tokens or bytes,
/// characters or bytes), without copying either.
fn arn_run<P: Copy, T: Copy>(
    pattern: &[P],
    text: &[T],
    pattern_colon: impl Fn(P) -> bool,
    text_colon: impl Fn(T) -> bool,
    wild: impl Fn(P) -> Wild + Copy,
    same: impl Fn(P, T) -> bool + Copy,
) -> bool {
    if !pattern.iter().any(|&p| pattern_colon(p)) {
        return run(pattern, text, wild, same);
    }
    let pattern_parts = split6(pattern, |&p| pattern_colon(p));
    let text_parts = split6(text, |&t| text_colon(t));
    match (pattern_parts, text_parts) {
        (Some(p), Some(r)) => p.iter().zip(r.iter()).all(|(p, r)| run(p, r, wild, same)),
        (None, None) => run(pattern, text, wild, same),
        _ => false,
    }
}

/// The six colon-separated parts of an ARN (the last keeps any further
/// colons), found on bytes; `None` with fewer than five colons.
pub(crate) fn six_parts(text: &str) -> Option<[&str; 6]> {
    let mut parts = [""; 6];
    let mut start = 0;
    let mut colons = text
        .as_bytes()
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b':')
        .map(|(i, _)| i);
    for part in parts.iter_mut().take(5) {
        let at = colons.next()?;
        *part = text.get(start..at)?;
        start = at + 1;
    }
    if let Some(last) = parts.get_mut(5) {
        *last = text.get(start..)?;
    }
    Some(parts)
}

/// Splits at the first five separators; `None` when there are fewer.
fn split6<T>(items: &[T], is_sep: impl Fn(&T) -> bool) -> Option<[&[T]; 6]> {
    let mut parts: [&[T]; 6] = [&[]; 6];
    let mut rest = items;
    for part in parts.iter_mut().take(5) {
        let at = rest.iter().position(&is_sep)?;
        let (head, tail) = rest.split_at(at);
        *part = head;
        rest = tail.get(1..)?;
    }
    if let Some(last) = parts.get_mut(5) {
        *last = rest;
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sensitive(pattern: &str, text: &str) -> bool {
        glob_matches(pattern, text, Case::Sensitive)
    }

    fn insensitive(pattern: &str, text: &str) -> bool {
        glob_matches(pattern, text, Case::Insensitive)
    }

    #[test]
    fn wildcards() {
        assert!(sensitive("*", ""));
        assert!(sensitive("*", "anything"));
        assert!(sensitive("a*c", "abbbc"));
        assert!(sensitive("a*c", "ac"));
        assert!(!sensitive("a*c", "acb"));
        assert!(sensitive("a?c", "abc"));
        assert!(!sensitive("a?c", "ac"));
        assert!(sensitive("iam:*AccessKey*", "iam:CreateAccessKeys"));
        assert!(sensitive("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!sensitive("*a*b*c*", "xxaxxcxxbxx"));
        assert!(!sensitive("", "a"));
        assert!(sensitive("", ""));
        assert!(sensitive("**", ""));
        assert!(sensitive("é?", "éa"));
        assert!(!sensitive("a?", "a"));
    }

    #[test]
    fn case_modes() {
        assert!(!sensitive("abc", "ABC"));
        assert!(insensitive("abc", "ABC"));
        assert!(insensitive("S3:get*", "s3:GetObject"));
        assert!(insensitive("sagemaker:Create???", "SAGEMAKER:createapp"));
        // letters beyond ASCII fold too: the diff once folded ASCII only,
        // while the evaluator that judges its witnesses folded all letters
        assert!(insensitive("s3:É*", "s3:éa"));
        assert!(insensitive("é*", "Éa"));
        assert!(!sensitive("é*", "Éa"));
        assert!(equals("VpcOnly", "vpconly", Case::Insensitive));
        assert!(equals("ÉTÉ", "été", Case::Insensitive));
        assert!(!equals("VpcOnly", "vpconly", Case::Sensitive));
        assert!(!equals("VpcOnly", "vpc", Case::Insensitive));
    }

    #[test]
    fn literal_star_is_not_a_wildcard() {
        let pattern = [Tok::Lit('a'), Tok::Lit('*')];
        assert!(matches(&pattern, &['a', '*']));
        assert!(!matches(&pattern, &['a', 'b']));
        assert_eq!(text_of(&pattern), "a*");
        assert_eq!(tokens("a*?"), vec![Tok::Lit('a'), Tok::Star, Tok::One]);
    }

    #[test]
    fn long_inputs_stay_fast() {
        let text: Vec<char> = "a".repeat(5000).chars().collect();
        let pattern = tokens(&format!("{}b", "*a".repeat(50)));
        assert!(!matches(&pattern, &text));
        assert!(!sensitive(
            &format!("{}b", "*a".repeat(50)),
            &"a".repeat(5000)
        ));
    }

    #[test]
    fn arns_match_part_by_part() {
        assert!(arn_glob_matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y"));
        assert!(!arn_glob_matches("arn:*:s3:::b", "arn:aws:s3:::c"));
        assert!(arn_glob_matches("arn:*:s3:::b", "arn:aws:s3:::b"));
        assert!(!arn_glob_matches("arn:*:role/*", "arn:aws:iam::1:role/x"));
        assert!(arn_glob_matches("*", "not-an-arn"));
        assert!(arn_glob_matches("arn:aws:iam::1", "arn:aws:iam::1"));
        assert!(!arn_glob_matches("arn:aws:iam::*", "arn:aws:iam::1:root"));
        assert!(!arn_glob_matches("arn:aws:s3:::B/*", "arn:aws:s3:::b/x"));
    }

    /// The ARN matcher on characters and tokens, the reading the byte paths
    /// must agree with.
    fn arn_by_chars(pattern: &str, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        arn_run(
            &tokens(pattern),
            &text,
            |t| t == Tok::Lit(':'),
            |c| c == ':',
            |t| match t {
                Tok::Star => Wild::Star,
                Tok::One => Wild::One,
                Tok::Lit(_) => Wild::Not,
            },
            |p, c| p == Tok::Lit(c),
        )
    }

    proptest::proptest! {
        #[test]
        fn arn_byte_paths_agree_with_characters(
            pattern in "[ab:*?é]{0,12}",
            text in "[ab:é]{0,12}",
        ) {
            proptest::prop_assert_eq!(arn_glob_matches(&pattern, &text), arn_by_chars(&pattern, &text));
            proptest::prop_assert_eq!(
                arn_matches(&tokens(&pattern), &text),
                arn_by_chars(&pattern, &text)
            );
        }
    }
}
