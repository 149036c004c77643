//! One pattern of a region split: an equality constant, a `*`/`?` glob
//! or an ARN pattern, read into tokens and run as an automaton over its
//! positions.

use crate::iam::variables::{Piece, pieces};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Star,
    One,
    /// A policy variable (index into [`Pattern::vars`]): it can stand for
    /// any text, so it is walked like `*`.
    Var(usize),
}

/// How a policy value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::diff) enum Kind {
    /// `StringEquals`: `*` and `?` are plain characters.
    Literal,
    /// `StringLike`.
    Glob,
    /// `Arn*` operators and `Resource`.
    Arn,
}

/// How a pattern reads a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// A plain glob on the whole text.
    Glob,
    /// An ARN pattern without colons: a glob on the whole text.
    /// An ARN pattern with one to four colons: a glob on the whole text,
    /// matching only texts with fewer than five colons.
    FewColons,
    /// An ARN pattern with five colons or more: six parts matched one by
    /// one, so a wildcard before the fifth colon never takes a colon.
    Parts,
}

/// One pattern of a region split.
#[derive(Clone, Debug)]
pub(in crate::diff) struct Pattern {
    toks: Vec<Tok>,
    /// The variables' names, lowercased.
    vars: Vec<String>,
    form: Form,
    /// Per position: the literal colons before it.
    colons_before: Vec<usize>,
    /// The positions holding `*` or a variable (those below 128), which a
    /// state passes without reading.
    skippable: States,
    /// The text itself, when the pattern has no wildcard and no variable.
    literal: Option<String>,
}

/// Positions of a pattern, as a bit set.
pub(in crate::diff) type States = u128;

/// Longer patterns are matched by backtracking and not walked.
pub const MAX_PATTERN_LEN: usize = 127;

impl Pattern {
    fn new(toks: Vec<Tok>, arn: bool, vars: Vec<String>) -> Pattern {
        let mut colons_before = Vec::with_capacity(toks.len() + 1);
        let mut n = 0;
        for t in &toks {
            colons_before.push(n);
            if *t == Tok::Lit(':') {
                n += 1;
            }
        }
        colons_before.push(n);
        let form = match (arn, n) {
            (false, _) | (true, 0) => Form::Glob,
            (true, 1..=4) => Form::FewColons,
            (true, _) => Form::Parts,
        };
        let mut skippable: States = 0;
        for (pos, t) in toks.iter().enumerate() {
            if matches!(t, Tok::Star | Tok::Var(_)) {
                skippable |= (1 as States).checked_shl(pos as u32).unwrap_or(0);
            }
        }
        let literal = toks
            .iter()
            .map(|t| match t {
                Tok::Lit(c) => Some(*c),
                _ => None,
            })
            .collect();
        Pattern {
            toks,
            vars,
            form,
            colons_before,
            skippable,
            literal,
        }
    }

    /// A `*`/`?` glob (`StringLike`), or an ARN pattern (`Arn*`, `Resource`).
    #[cfg(test)]
    pub(in crate::diff) fn glob(text: &str, arn: bool) -> Pattern {
        Pattern::parse(text, if arn { Kind::Arn } else { Kind::Glob }, false)
    }

    /// An exact value (`StringEquals`).
    #[cfg(test)]
    pub(in crate::diff) fn literal(text: &str) -> Pattern {
        Pattern::parse(text, Kind::Literal, false)
    }

    /// A policy value read as `kind`; with `variables`, `${name}` (and
    /// `${name, 'default'}`) is a variable and `${*}`, `${?}`, `${$}` are
    /// plain characters.
    pub(in crate::diff) fn parse(text: &str, kind: Kind, variables: bool) -> Pattern {
        let read = if variables {
            pieces(text)
        } else {
            text.chars().map(Piece::Char).collect()
        };
        let mut toks = Vec::with_capacity(read.len());
        let mut vars: Vec<String> = Vec::new();
        for piece in read {
            toks.push(match piece {
                Piece::Char(c) => match (kind, c) {
                    (Kind::Glob | Kind::Arn, '*') => Tok::Star,
                    (Kind::Glob | Kind::Arn, '?') => Tok::One,
                    _ => Tok::Lit(c),
                },
                Piece::Escaped(c) => Tok::Lit(c),
                Piece::Variable { name, .. } => {
                    let lower = name.to_ascii_lowercase();
                    let index = match vars.iter().position(|v| *v == lower) {
                        Some(at) => at,
                        None => {
                            vars.push(lower);
                            vars.len() - 1
                        }
                    };
                    Tok::Var(index)
                }
            });
        }
        Pattern::new(toks, kind == Kind::Arn, vars)
    }

    /// The names of its variables, lowercased.
    pub(in crate::diff) fn variables(&self) -> &[String] {
        &self.vars
    }

    /// A text the pattern matches, each variable given by `value` (by
    /// lowercased name) and each wildcard standing for `x`.
    pub(in crate::diff) fn witness(&self, value: impl Fn(&str) -> String) -> String {
        let mut out = String::new();
        for t in &self.toks {
            match t {
                Tok::Lit(c) => out.push(*c),
                Tok::Star | Tok::One => out.push('x'),
                Tok::Var(i) => {
                    out.push_str(&value(self.vars.get(*i).map(String::as_str).unwrap_or("")))
                }
            }
        }
        out
    }

    /// Whether the pattern holds a policy variable.
    pub(in crate::diff) fn has_variables(&self) -> bool {
        !self.vars.is_empty()
    }

    /// The values its variables take for the pattern to match `text`
    /// exactly (variables as `(lowercased name, value)`), if it can.
    pub(in crate::diff) fn captures(&self, text: &str) -> Option<Vec<(String, String)>> {
        let chars: Vec<char> = text.chars().collect();
        let mut bound: Vec<Option<(usize, usize)>> = vec![None; self.vars.len()];
        let mut budget: usize = 100_000;
        if self.capture_from(0, 0, &chars, &mut bound, &mut budget) {
            Some(
                bound
                    .iter()
                    .enumerate()
                    .filter_map(|(v, b)| {
                        let (from, to) = (*b)?;
                        let value: String = chars.get(from..to)?.iter().collect();
                        Some((self.vars.get(v)?.clone(), value))
                    })
                    .collect(),
            )
        } else {
            None
        }
    }

    fn capture_from(
        &self,
        p: usize,
        t: usize,
        text: &[char],
        bound: &mut Vec<Option<(usize, usize)>>,
        budget: &mut usize,
    ) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let Some(&tok) = self.toks.get(p) else {
            return t == text.len();
        };
        match tok {
            Tok::Lit(l) => {
                text.get(t) == Some(&l) && self.capture_from(p + 1, t + 1, text, bound, budget)
            }
            Tok::One => {
                text.get(t).is_some_and(|&c| self.wild_takes(p, c))
                    && self.capture_from(p + 1, t + 1, text, bound, budget)
            }
            Tok::Star => {
                let mut end = t;
                loop {
                    if self.capture_from(p + 1, end, text, bound, budget) {
                        return true;
                    }
                    match text.get(end) {
                        Some(&c) if self.wild_takes(p, c) => end += 1,
                        _ => return false,
                    }
                }
            }
            Tok::Var(v) => {
                if let Some(Some((from, to))) = bound.get(v).copied() {
                    // the same variable again: the same text
                    let len = to - from;
                    let same = text.get(from..to) == text.get(t..t + len);
                    return same && self.capture_from(p + 1, t + len, text, bound, budget);
                }
                let mut end = t;
                loop {
                    if let Some(slot) = bound.get_mut(v) {
                        *slot = Some((t, end));
                    }
                    if self.capture_from(p + 1, end, text, bound, budget) {
                        return true;
                    }
                    match text.get(end) {
                        Some(&c) if self.wild_takes(p, c) => end += 1,
                        _ => {
                            if let Some(slot) = bound.get_mut(v) {
                                *slot = None;
                            }
                            return false;
                        }
                    }
                }
            }
        }
    }

    pub(in crate::diff) fn len(&self) -> usize {
        self.toks.len()
    }

    /// Whether it has no wildcard and no variable: it matches one text.
    pub(in crate::diff) fn is_literal(&self) -> bool {
        self.literal.is_some()
    }

    /// The characters it names.
    pub(in crate::diff) fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.toks.iter().filter_map(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
    }

    /// Whether a wildcard at `pos` may take `c`.
    fn wild_takes(&self, pos: usize, c: char) -> bool {
        c != ':'
            || self.form != Form::Parts
            || self.colons_before.get(pos).copied().unwrap_or(0) >= 5
    }

    /// Adds the positions reachable without reading (past `*`).
    fn close(&self, mut s: States) -> States {
        // each round passes one more `*` of a run of them
        loop {
            let next = s | ((s & self.skippable) << 1);
            if next == s {
                return s;
            }
            s = next;
        }
    }

    pub(in crate::diff) fn start(&self) -> States {
        self.close(1)
    }

    pub(in crate::diff) fn step(&self, s: States, c: char) -> States {
        let mut next: States = 0;
        let mut rest = s;
        while rest != 0 {
            let pos = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            match self.toks.get(pos) {
                Some(Tok::Lit(l)) if *l == c => next |= 1 << (pos + 1),
                Some(Tok::One) if self.wild_takes(pos, c) => next |= 1 << (pos + 1),
                Some(Tok::Star | Tok::Var(_)) if self.wild_takes(pos, c) => next |= 1 << pos,
                _ => {}
            }
        }
        self.close(next)
    }

    /// The characters that may keep state `s` alive (its positions' literal
    /// characters); `None` when a wildcard may take any.
    pub(super) fn expects(&self, s: States, into: &mut Vec<char>) -> Option<()> {
        let mut rest = s;
        while rest != 0 {
            let pos = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            match self.toks.get(pos) {
                Some(Tok::Lit(c)) => into.push(*c),
                Some(_) => return None,
                None => {}
            }
        }
        Some(())
    }

    /// Adds the literal characters at the positions of state `s`.
    pub(super) fn literals(&self, s: States, into: &mut Vec<char>) {
        let mut rest = s;
        while rest != 0 {
            let pos = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if let Some(Tok::Lit(c)) = self.toks.get(pos) {
                into.push(*c);
            }
        }
    }

    pub(in crate::diff) fn accepts(&self, s: States, colons: usize) -> bool {
        s & (1 << self.len()) != 0 && (self.form != Form::FewColons || colons < 5)
    }

    /// Whether the pattern matches `text`.
    pub(in crate::diff) fn matches(&self, text: &str) -> bool {
        if let Some(literal) = &self.literal {
            return literal == text;
        }
        if self.len() > MAX_PATTERN_LEN {
            let colons = text.chars().filter(|&c| c == ':').count();
            return self.captures(text).is_some() && (self.form != Form::FewColons || colons < 5);
        }
        let mut s = self.start();
        let mut colons = 0;
        for c in text.chars() {
            s = self.step(s, c);
            if c == ':' {
                colons += 1;
            }
        }
        self.accepts(s, colons)
    }
}

/// The literal text a pattern starts with.
pub(in crate::diff) fn head(p: &Pattern) -> String {
    p.toks
        .iter()
        .map_while(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
        .collect()
}
