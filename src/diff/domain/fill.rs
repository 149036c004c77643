//! Policy values as texts: variables replaced by tokens (or their
//! defaults), wildcards filled for witnesses or kept for patterns.

use crate::iam::variables::{Piece, pieces};
use std::collections::BTreeMap;

/// Policy variables met in values: each gets a token, the value it takes
/// when "equal" in a witness.
#[derive(Default)]
pub(super) struct Vars {
    /// lowercased name → (spelling, token)
    pub(super) table: BTreeMap<String, (String, String)>,
    /// defaults written in `${key, 'default'}`, per lowercased name
    pub(super) defaults: BTreeMap<String, Vec<String>>,
}

impl Vars {
    pub(super) fn token(&mut self, name: &str) -> String {
        let lower = name.to_ascii_lowercase();
        if let Some((_, t)) = self.table.get(&lower) {
            return t.clone();
        }
        let tail: String = name
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(name)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>()
            .to_ascii_lowercase();
        let mut token = format!("v-{tail}");
        let mut n = 2;
        while self.table.values().any(|(_, t)| *t == token) {
            token = format!("v-{tail}-{n}");
            n += 1;
        }
        self.table.insert(lower, (name.to_string(), token.clone()));
        token
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Wildcards are plain characters (`StringEquals`).
    Literal,
    /// A value the pattern matches: `*` and `?` become `x`.
    Witness,
    /// Another: `*` matches nothing, `?` becomes `x`.
    ShortWitness,
    /// The pattern itself, wildcards kept.
    Pattern,
}

/// The text of a policy value in `mode`, variables replaced by their token
/// (or, with `use_defaults`, by their default where one is written). Also
/// says whether a default was met.
pub(super) fn fill(
    value: &str,
    mode: Mode,
    variables: bool,
    vars: &mut Vars,
    use_defaults: bool,
) -> (String, bool) {
    let read = if variables {
        pieces(value)
    } else {
        value.chars().map(Piece::Char).collect()
    };
    let mut out = String::new();
    let mut has_default = false;
    for piece in read {
        match piece {
            Piece::Char(c) => match (mode, c) {
                (Mode::Witness, '*' | '?') | (Mode::ShortWitness, '?') => out.push('x'),
                (Mode::ShortWitness, '*') => {}
                _ => out.push(c),
            },
            Piece::Escaped(c) => out.push(c),
            Piece::Variable { name, default } => {
                let token = vars.token(&name);
                match default {
                    Some(d) => {
                        has_default = true;
                        out.push_str(if use_defaults { &d } else { &token });
                        vars.defaults
                            .entry(name.to_ascii_lowercase())
                            .or_default()
                            .push(d);
                    }
                    None => out.push_str(&token),
                }
            }
        }
    }
    (out, has_default)
}

/// Every filled form of a value: with tokens, and with defaults if any; for
/// a witness, `*` standing for `x` and for nothing.
pub(super) fn fills(value: &str, mode: Mode, variables: bool, vars: &mut Vars) -> Vec<String> {
    let modes: &[Mode] = if mode == Mode::Witness {
        &[Mode::Witness, Mode::ShortWitness]
    } else {
        &[mode]
    };
    let mut out: Vec<String> = Vec::new();
    for &m in modes {
        let (main, has_default) = fill(value, m, variables, vars, false);
        let mut forms = vec![main];
        if has_default {
            forms.push(fill(value, m, variables, vars, true).0);
        }
        for f in forms {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_variables_and_wildcards() {
        let mut vars = Vars::default();
        assert_eq!(
            fill(
                "arn:aws:s3:::b/${aws:username}/*",
                Mode::Witness,
                true,
                &mut vars,
                false
            )
            .0,
            "arn:aws:s3:::b/v-username/x"
        );
        assert_eq!(
            fill("a${*}?", Mode::Witness, true, &mut vars, false).0,
            "a*x"
        );
        assert_eq!(fill("a*", Mode::Literal, true, &mut vars, false).0, "a*");
        let (with_default, has) = fill(
            "${aws:PrincipalTag/team, 'none'}",
            Mode::Literal,
            true,
            &mut vars,
            true,
        );
        assert_eq!((with_default.as_str(), has), ("none", true));
        assert_eq!(
            fill("${aws:username}", Mode::Literal, false, &mut vars, false).0,
            "${aws:username}"
        );
        // a default not in quotes makes the text literal, as the evaluator
        // reads it (the diff's own reader once took `aws:username` from it)
        assert_eq!(
            fill(
                "${aws:username, none}",
                Mode::Literal,
                true,
                &mut vars,
                false
            ),
            ("${aws:username, none}".to_string(), false)
        );
    }

    #[test]
    fn glob_witnesses() {
        let mut vars = Vars::default();
        assert_eq!(
            fills("ml.*", Mode::Witness, true, &mut vars),
            vec!["ml.x".to_string(), "ml.".to_string()]
        );
        assert_eq!(
            fills("ml.?", Mode::Witness, true, &mut vars),
            vec!["ml.x".to_string()]
        );
    }
}
