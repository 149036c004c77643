//! Policy variables: `${key}`, `${key, 'default'}` and the escapes `${*}`,
//! `${?}`, `${$}` (IAM User Guide, "IAM policy elements: Variables and tags",
//! reference_policies_variables.html).
//!
//! What is implemented, and why:
//! - A variable is replaced by the single value of that context key (the key
//!   name is case-insensitive). The substituted text is literal: a `*` or `?`
//!   inside a tag value is not a wildcard.
//! - A key that is absent (or present with no value) takes the default when one
//!   is written; otherwise the variable is *unresolved*, and the whole policy
//!   value that contains it matches nothing. AWS: "If there is no value for the
//!   variable, the condition evaluates to null … StringEquals … does not match,
//!   inverted operators match", and a `Resource` entry with an unresolved
//!   variable matches no resource. Because the evaluator treats the value as
//!   matching nothing, a negated operator (`StringNotEquals`, ...) then holds for
//!   that value, as AWS says.
//! - A multivalued key has no single value; AWS says multivalued keys cannot be
//!   used as policy variables, so a key with two or more values is unresolved.
//! - `${*}`, `${?}`, `${$}` give a literal `*`, `?`, `$` (never a wildcard).
//! - A malformed `${` is literal text (the syntax is read by
//!   [`crate::iam::variables`], which the diff shares).
//! - Variables are only resolved where AWS resolves them: under
//!   `"Version": "2012-10-17"`, in `Resource`/`NotResource` and in condition
//!   values of String and ARN operators. The callers decide that.

use super::Request;
use crate::iam::pattern::{Tok, token};
use crate::iam::variables::{PieceRef, visit_pieces};

/// The text a variable stands for: the key's single value, else the
/// default; `None` (unresolved) when the key has several values, or none
/// and no default is written.
fn value_of<'a>(req: &'a Request, name: &str, default: Option<&'a str>) -> Option<&'a str> {
    match (req.values(name), default) {
        (Some([single]), _) => Some(single.as_str()),
        (None, Some(default)) => Some(default),
        _ => None,
    }
}

/// Resolves the variables of one policy string into pattern tokens. Outside
/// `${...}`, `*` and `?` are wildcards. `None` when a variable is unresolved.
pub(crate) fn resolve(text: &str, req: &Request) -> Option<Vec<Tok>> {
    let mut out = Vec::with_capacity(text.len());
    let mut resolved = true;
    visit_pieces(text, |piece| {
        let literal = match piece {
            PieceRef::Text(run) => {
                out.extend(run.chars().map(token));
                return true;
            }
            PieceRef::Escaped(c) => {
                out.push(Tok::Lit(c));
                return true;
            }
            PieceRef::Variable { name, default } => match value_of(req, name, default) {
                Some(value) => value,
                None => {
                    resolved = false;
                    return false;
                }
            },
        };
        out.extend(literal.chars().map(Tok::Lit));
        true
    });
    resolved.then_some(out)
}

/// A policy string with its variables resolved, in the cheapest form that
/// keeps its meaning.
pub(crate) enum Resolved {
    /// A variable has no single value: the string matches nothing.
    Unresolved,
    /// Text whose every `*` and `?` is a wildcard: no substituted value and
    /// no escape brought a literal one, so the text, read as a plain
    /// pattern, is the resolved pattern.
    Glob(String),
    /// The tokens, when a literal `*` or `?` must stay apart from the
    /// wildcards.
    Tokens(Vec<Tok>),
}

/// [`resolve`] as text when the text says the same (most values: variables
/// stand for names, not wildcards), else as tokens. Building text costs far
/// less than a token per character, for every request the diff decides.
pub(crate) fn resolve_glob(text: &str, req: &Request) -> Resolved {
    let mut out = String::with_capacity(text.len() + 16);
    let mut plain = true;
    let mut resolved = true;
    visit_pieces(text, |piece| {
        let literal = match piece {
            PieceRef::Text(run) => {
                out.push_str(run);
                return true;
            }
            PieceRef::Escaped(c) => {
                if c == '*' || c == '?' {
                    plain = false;
                    return false;
                }
                out.push(c);
                return true;
            }
            PieceRef::Variable { name, default } => match value_of(req, name, default) {
                Some(value) => value,
                None => {
                    resolved = false;
                    return false;
                }
            },
        };
        if literal.contains(['*', '?']) {
            plain = false;
            return false;
        }
        out.push_str(literal);
        true
    });
    if !resolved {
        return Resolved::Unresolved;
    }
    if plain {
        return Resolved::Glob(out);
    }
    match resolve(text, req) {
        Some(tokens) => Resolved::Tokens(tokens),
        None => Resolved::Unresolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::pattern::{matches, text_of};

    fn req() -> Request {
        Request::new("s3:GetObject")
            .with_key("aws:username", ["alice"])
            .with_key("aws:PrincipalTag/Team", ["data*"])
            .with_key("aws:TagKeys", ["a", "b"])
    }

    fn text(pattern: &str) -> Option<String> {
        resolve(pattern, &req()).map(|t| text_of(&t))
    }

    #[test]
    fn substitutes_and_escapes() {
        assert_eq!(
            text("home/${aws:username}/*").as_deref(),
            Some("home/alice/*")
        );
        assert_eq!(text("${AWS:UserName}").as_deref(), Some("alice"));
        assert_eq!(text("${aws:principaltag/team}").as_deref(), Some("data*"));
        assert_eq!(text("a${*}b${?}c${$}").as_deref(), Some("a*b?c$"));
        assert_eq!(text("${aws:missing, 'none'}").as_deref(), Some("none"));
        assert_eq!(text("${aws:missing,'x y'}").as_deref(), Some("x y"));
        assert_eq!(text("${aws:username, 'none'}").as_deref(), Some("alice"));
        assert_eq!(text("no variables"), Some("no variables".into()));
    }

    #[test]
    fn unresolved_and_multivalued() {
        assert_eq!(text("${aws:missing}"), None);
        assert_eq!(text("x/${aws:TagKeys}"), None);
    }

    #[test]
    fn malformed_is_literal() {
        assert_eq!(text("${aws:username").as_deref(), Some("${aws:username"));
        assert_eq!(text("${}").as_deref(), Some("${}"));
        assert_eq!(text("${a, none}").as_deref(), Some("${a, none}"));
        assert_eq!(text("$x").as_deref(), Some("$x"));
    }

    #[test]
    fn substituted_text_and_escapes_are_not_wildcards() {
        let pattern = resolve("${aws:PrincipalTag/Team}", &req()).unwrap();
        assert!(matches(&pattern, &"data*".chars().collect::<Vec<_>>()));
        assert!(!matches(&pattern, &"database".chars().collect::<Vec<_>>()));
        let pattern = resolve("a${*}", &req()).unwrap();
        assert!(!matches(&pattern, &['a', 'b']));
        let pattern = resolve("a*", &req()).unwrap();
        assert!(matches(&pattern, &['a', 'b']));
    }

    proptest::proptest! {
        /// The text form of a resolved pattern matches what its tokens do.
        #[test]
        fn resolved_text_matches_as_the_tokens(
            pieces in proptest::collection::vec(0..11usize, 0..8),
            value in "[ab*?:]{0,3}",
            text in "[ab*?:]{0,8}",
        ) {
            use crate::iam::pattern::{Case, arn_glob_matches, arn_matches, glob_matches};
            let words = ["a", "b", "*", "?", ":", "${x}", "${*}", "${?}", "${y, 'b*'}", "${z}", "${x"];
            let pattern: String = pieces.iter().map(|&i| words[i]).collect();
            let req = Request::new("s3:GetObject").with_key("x", [value.as_str()]);
            let chars: Vec<char> = text.chars().collect();
            match (resolve_glob(&pattern, &req), resolve(&pattern, &req)) {
                (Resolved::Unresolved, None) => {}
                (Resolved::Glob(glob), Some(tokens)) => {
                    proptest::prop_assert_eq!(
                        glob_matches(&glob, &text, Case::Sensitive),
                        matches(&tokens, &chars)
                    );
                    proptest::prop_assert_eq!(
                        arn_glob_matches(&glob, &text),
                        arn_matches(&tokens, &text)
                    );
                    proptest::prop_assert_eq!(glob, text_of(&tokens));
                }
                (Resolved::Tokens(mine), Some(tokens)) => proptest::prop_assert_eq!(mine, tokens),
                _ => proptest::prop_assert!(false, "the two readings differ on {}", pattern),
            }
        }
    }
}
