//! Exact string regions: a set of patterns (equality constants, `*`/`?`
//! globs, ARN patterns) cuts the strings into regions, one per combination
//! of patterns that match. [`regions`] finds a witness for every region that
//! is not empty, by a breadth-first walk of the product of the patterns'
//! automata over the characters they name plus one fresh character (the
//! other characters all behave like it).

use super::heads::HeadTrie;
use crate::iam::variables::{Piece, pieces};
use std::collections::{HashSet, VecDeque};

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
pub(super) enum Kind {
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
pub(super) struct Pattern {
    toks: Vec<Tok>,
    /// The variables' names, lowercased.
    vars: Vec<String>,
    form: Form,
    /// Per position: the literal colons before it.
    colons_before: Vec<usize>,
}

/// Positions of a pattern, as a bit set.
pub(super) type States = u128;

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
        Pattern {
            toks,
            vars,
            form,
            colons_before,
        }
    }

    /// A `*`/`?` glob (`StringLike`), or an ARN pattern (`Arn*`, `Resource`).
    #[cfg(test)]
    pub(super) fn glob(text: &str, arn: bool) -> Pattern {
        Pattern::parse(text, if arn { Kind::Arn } else { Kind::Glob }, false)
    }

    /// An exact value (`StringEquals`).
    #[cfg(test)]
    pub(super) fn literal(text: &str) -> Pattern {
        Pattern::parse(text, Kind::Literal, false)
    }

    /// A policy value read as `kind`; with `variables`, `${name}` (and
    /// `${name, 'default'}`) is a variable and `${*}`, `${?}`, `${$}` are
    /// plain characters.
    pub(super) fn parse(text: &str, kind: Kind, variables: bool) -> Pattern {
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
    pub(super) fn variables(&self) -> &[String] {
        &self.vars
    }

    /// A text the pattern matches, each variable given by `value` (by
    /// lowercased name) and each wildcard standing for `x`.
    pub(super) fn witness(&self, value: impl Fn(&str) -> String) -> String {
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
    pub(super) fn has_variables(&self) -> bool {
        !self.vars.is_empty()
    }

    /// The values its variables take for the pattern to match `text`
    /// exactly (variables as `(lowercased name, value)`), if it can.
    pub(super) fn captures(&self, text: &str) -> Option<Vec<(String, String)>> {
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

    pub(super) fn len(&self) -> usize {
        self.toks.len()
    }

    /// Whether it has no wildcard and no variable: it matches one text.
    pub(super) fn is_literal(&self) -> bool {
        self.toks.iter().all(|t| matches!(t, Tok::Lit(_)))
    }

    /// The characters it names.
    pub(super) fn chars(&self) -> impl Iterator<Item = char> + '_ {
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
        let mut pos = 0;
        while pos < self.len() {
            if s & (1 << pos) != 0 && matches!(self.toks.get(pos), Some(Tok::Star | Tok::Var(_))) {
                s |= 1 << (pos + 1);
            }
            pos += 1;
        }
        s
    }

    pub(super) fn start(&self) -> States {
        self.close(1)
    }

    pub(super) fn step(&self, s: States, c: char) -> States {
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
    fn expects(&self, s: States, into: &mut Vec<char>) -> Option<()> {
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

    pub(super) fn accepts(&self, s: States, colons: usize) -> bool {
        s & (1 << self.len()) != 0 && (self.form != Form::FewColons || colons < 5)
    }

    /// Whether the pattern matches `text`.
    pub(super) fn matches(&self, text: &str) -> bool {
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

/// Which patterns match, as a bit vector.
#[cfg(test)]
fn vector(patterns: &[Pattern], text: &str) -> Vec<bool> {
    patterns.iter().map(|p| p.matches(text)).collect()
}

/// The patterns by their literal head, so that a text is matched only
/// against those whose head it starts with (found in one walk of the text).
pub(super) struct ByHead<'p> {
    patterns: &'p [Pattern],
    heads: HeadTrie<u32>,
}

impl<'p> ByHead<'p> {
    pub(super) fn new(patterns: &'p [Pattern]) -> ByHead<'p> {
        let mut heads = HeadTrie::default();
        for (i, p) in patterns.iter().enumerate() {
            heads.insert(&head(p), i as u32);
        }
        ByHead { patterns, heads }
    }

    /// The patterns that match `text`, as sorted indexes.
    pub(super) fn matching(&self, text: &str) -> Vec<u32> {
        let mut candidates: Vec<u32> = Vec::new();
        self.heads.prefixes_of(text, &mut candidates);
        let mut out: Vec<u32> = candidates
            .into_iter()
            .filter(|&i| {
                self.patterns
                    .get(i as usize)
                    .is_some_and(|p| p.matches(text))
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Whether some pattern matches `text`.
    pub(super) fn any_matches(&self, text: &str) -> bool {
        let mut candidates: Vec<u32> = Vec::new();
        self.heads.prefixes_of(text, &mut candidates);
        candidates.into_iter().any(|i| {
            self.patterns
                .get(i as usize)
                .is_some_and(|p| p.matches(text))
        })
    }
}

/// The representatives of a string key: the candidates (first of each
/// region only when `dedupe`), then a witness for every other region the
/// patterns cut. The flag is false when the walk stopped at `max_states`
/// product states before visiting them all (or a pattern is too long), so
/// that some region may lack a witness.
pub(super) fn regions(
    patterns: &[Pattern],
    candidates: &[String],
    dedupe: bool,
    max_states: usize,
) -> (Vec<String>, bool) {
    let groups = head_groups(patterns);
    if groups.len() < 2 {
        return regions_walked(patterns, candidates, dedupe, max_states);
    }
    // patterns of different groups match no text together: each group's
    // regions, with the other patterns failing, are regions of the whole
    let mut out: Vec<String> = Vec::new();
    let by_head = ByHead::new(patterns);
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut kept: HashSet<&str> = HashSet::new();
    for c in candidates {
        let fresh = seen.insert(by_head.matching(c));
        if (fresh || !dedupe) && kept.insert(c.as_str()) {
            out.push(c.clone());
        }
    }
    let mut complete = true;
    for group in &groups {
        let members: Vec<Pattern> = group
            .iter()
            .filter_map(|&i| patterns.get(i).cloned())
            .collect();
        let (texts, done) = regions_walked(&members, &[], true, max_states);
        complete &= done;
        for t in texts {
            if seen.insert(by_head.matching(&t)) {
                out.push(t);
            }
        }
    }
    (out, complete)
}

/// The literal text a pattern starts with.
pub(super) fn head(p: &Pattern) -> String {
    p.toks
        .iter()
        .map_while(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// The patterns (indexes) in groups such that two patterns of different
/// groups match no common text: their literal heads differ before either
/// ends. One group when a head is empty.
pub(super) fn head_groups(patterns: &[Pattern]) -> Vec<Vec<usize>> {
    let mut by_head: Vec<(String, usize)> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| (head(p), i))
        .collect();
    by_head.sort();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // the heads of the current chain, each a prefix of the next
    let mut chain: Vec<String> = Vec::new();
    for (h, i) in by_head {
        while chain.last().is_some_and(|top| !h.starts_with(top.as_str())) {
            chain.pop();
        }
        match (chain.is_empty(), groups.last_mut()) {
            (false, Some(g)) => g.push(i),
            _ => groups.push(vec![i]),
        }
        chain.push(h);
    }
    groups
}

/// The patterns that match at a product state, as sorted indexes.
type Matching = Vec<u32>;

/// A product state: the state of every pattern still alive (not in its
/// dead state), by index, and the colons read (up to five).
type Sparse = (Vec<(u32, States)>, usize);

fn regions_walked(
    patterns: &[Pattern],
    candidates: &[String],
    dedupe: bool,
    max_states: usize,
) -> (Vec<String>, bool) {
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<Matching> = HashSet::new();
    // the groups of `regions` come with no candidates: no index to build
    if !candidates.is_empty() {
        let by_head = ByHead::new(patterns);
        let mut kept: HashSet<&str> = HashSet::new();
        for c in candidates {
            let fresh = seen.insert(by_head.matching(c));
            if (fresh || !dedupe) && kept.insert(c.as_str()) {
                out.push(c.clone());
            }
        }
    }
    if patterns.is_empty() {
        return (out, true);
    }
    if patterns.iter().any(|p| p.len() > MAX_PATTERN_LEN) {
        return (out, false);
    }
    // the characters the patterns name, and one they do not
    let mut alphabet: Vec<char> = Vec::new();
    for p in patterns {
        for t in &p.toks {
            if let Tok::Lit(c) = t {
                alphabet.push(*c);
            }
        }
    }
    alphabet.sort_unstable();
    alphabet.dedup();
    if let Some(fresh) = ['x', 'y', 'z', 'q', '0', '~']
        .into_iter()
        .find(|c| alphabet.binary_search(c).is_err())
    {
        alphabet.push(fresh);
    }
    // breadth-first: the shortest text reaching each product state; only
    // the patterns still alive are stepped, so that patterns which part
    // after a common head cost what their own branch does
    let start: Sparse = (
        patterns
            .iter()
            .enumerate()
            .map(|(i, p)| (i as u32, p.start()))
            .collect(),
        0,
    );
    let mut visited: HashSet<Sparse> = HashSet::new();
    let mut queue: VecDeque<(Sparse, String)> = VecDeque::new();
    visited.insert(start.clone());
    queue.push_back((start, String::new()));
    let mut complete = true;
    while let Some(((states, colons), text)) = queue.pop_front() {
        let v: Matching = states
            .iter()
            .filter(|(i, s)| {
                patterns
                    .get(*i as usize)
                    .is_some_and(|p| p.accepts(*s, colons))
            })
            .map(|(i, _)| *i)
            .collect();
        if seen.insert(v) {
            out.push(text.clone());
        }
        // which alive patterns each character may keep alive (by place in
        // `states`): those expecting it, and those at a wildcard; the others
        // die on it, so stepping only these gives the same next state
        let mut expected: Vec<(char, u32)> = Vec::new();
        let mut wild: Vec<u32> = Vec::new();
        let mut chars: Vec<char> = Vec::new();
        for (k, (i, s)) in states.iter().enumerate() {
            chars.clear();
            match patterns.get(*i as usize).map(|p| p.expects(*s, &mut chars)) {
                Some(Some(())) => expected.extend(chars.iter().map(|&c| (c, k as u32))),
                _ => wild.push(k as u32),
            }
        }
        expected.sort_unstable();
        expected.dedup();
        for &c in &alphabet {
            let from = expected.partition_point(|&(x, _)| x < c);
            let to = expected.partition_point(|&(x, _)| x <= c);
            let mine = expected.get(from..to).unwrap_or_default();
            // both lists ascending: merged, in the order of `states`
            let (mut a, mut b) = (0, 0);
            let mut next: Vec<(u32, States)> = Vec::new();
            loop {
                let k = match (mine.get(a), wild.get(b)) {
                    (Some(&(_, x)), Some(&y)) if x <= y => {
                        a += 1;
                        if x == y {
                            b += 1;
                        }
                        x
                    }
                    (_, Some(&y)) => {
                        b += 1;
                        y
                    }
                    (Some(&(_, x)), None) => {
                        a += 1;
                        x
                    }
                    (None, None) => break,
                };
                if let Some((i, s)) = states.get(k as usize)
                    && let Some(p) = patterns.get(*i as usize)
                {
                    let n = p.step(*s, c);
                    if n != 0 {
                        next.push((*i, n));
                    }
                }
            }
            let next_colons = if c == ':' {
                (colons + 1).min(5)
            } else {
                colons
            };
            let key = (next, next_colons);
            if visited.contains(&key) {
                continue;
            }
            if visited.len() >= max_states {
                complete = false;
                break;
            }
            visited.insert(key.clone());
            let mut t = text.clone();
            t.push(c);
            queue.push_back((key, t));
        }
        if !complete {
            break;
        }
    }
    (out, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(v: &[&str]) -> Vec<Pattern> {
        v.iter().map(|g| Pattern::glob(g, false)).collect()
    }

    #[test]
    fn patterns_of_other_heads_are_walked_apart() {
        let patterns = globs(&["b/a*", "b/ab*", "c/*x", "c/?", "d*"]);
        let groups = head_groups(&patterns);
        assert_eq!(groups, vec![vec![0, 1], vec![2, 3], vec![4]]);
        let vectors = |texts: &[String]| -> HashSet<Vec<bool>> {
            texts.iter().map(|t| vector(&patterns, t)).collect()
        };
        let (apart, complete) = regions(&patterns, &[], true, 10_000);
        assert!(complete);
        let (whole, _) = regions_walked(&patterns, &[], true, 10_000);
        assert_eq!(vectors(&apart), vectors(&whole));
        // an empty head may meet every other
        assert_eq!(head_groups(&globs(&["*x", "b/*"])).len(), 1);
    }

    #[test]
    fn matching() {
        assert!(Pattern::glob("a?", false).matches("ab"));
        assert!(!Pattern::glob("a?", false).matches("a"));
        assert!(Pattern::glob("*b", false).matches("b"));
        assert!(Pattern::glob("a*b*c", false).matches("abxbc"));
        assert!(Pattern::literal("a*").matches("a*"));
        assert!(!Pattern::literal("a*").matches("ab"));
        let arn = Pattern::glob("arn:aws:s3:::b/*", true);
        assert!(arn.matches("arn:aws:s3:::b/x:y"));
        assert!(!Pattern::glob("arn:*:s3:::b", true).matches("arn:a:b:s3:::b"));
        assert!(Pattern::glob("arn:*:s3:::b", true).matches("arn:aws:s3:::b"));
        // one to four colons: a glob, only on texts with fewer than five colons
        assert!(Pattern::glob("a:*", true).matches("a:b:c"));
        assert!(!Pattern::glob("a:*", true).matches("a:b:c:d:e:f"));
    }

    #[test]
    fn every_region_gets_a_witness() {
        // the overlap of `a?` and `*b` is `ab`
        let (reps, complete) = regions(&globs(&["a?", "*b"]), &[], true, 10_000);
        assert!(complete);
        let vectors: HashSet<Vec<bool>> = reps
            .iter()
            .map(|r| vector(&globs(&["a?", "*b"]), r))
            .collect();
        assert_eq!(vectors.len(), 4, "{reps:?}");
        assert!(reps.contains(&"ab".to_string()));
        // candidates come first and stand for their region
        let (reps, _) = regions(
            &globs(&["ml.*"]),
            &["ml.x".to_string(), "ml.".to_string(), "other".to_string()],
            true,
            10_000,
        );
        assert_eq!(reps, vec!["ml.x".to_string(), "other".to_string()]);
        // `?` against `*`
        let (reps, _) = regions(&globs(&["ml.?", "ml.*"]), &[], true, 10_000);
        assert_eq!(reps.len(), 3, "{reps:?}");
    }

    #[test]
    fn variables_are_captured() {
        let p = Pattern::parse("arn:aws:s3:::b/${aws:username}/*", Kind::Arn, true);
        assert!(p.has_variables());
        assert!(p.matches("arn:aws:s3:::b/a/x"));
        assert_eq!(
            p.captures("arn:aws:s3:::b/a/x"),
            Some(vec![("aws:username".to_string(), "a".to_string())])
        );
        assert_eq!(p.captures("arn:aws:s3:::c/a/x"), None);
        let twice = Pattern::parse("${aws:username}-${aws:username}", Kind::Literal, true);
        assert_eq!(
            twice.captures("ab-ab"),
            Some(vec![("aws:username".to_string(), "ab".to_string())])
        );
        assert_eq!(twice.captures("ab-a"), None);
        assert_eq!(
            p.witness(|v| if v == "aws:username" {
                "a".into()
            } else {
                String::new()
            }),
            "arn:aws:s3:::b/a/x"
        );
        assert_eq!(p.variables(), ["aws:username".to_string()]);
        let escaped = Pattern::parse("a${*}", Kind::Glob, true);
        assert!(escaped.matches("a*") && !escaped.matches("ab"));
        assert!(!Pattern::parse("${x}", Kind::Literal, false).has_variables());
        // a malformed variable is text, as the evaluator reads it
        let malformed = Pattern::parse("${aws:username, none}", Kind::Literal, true);
        assert!(!malformed.has_variables());
        assert!(malformed.matches("${aws:username, none}"));
    }

    #[test]
    fn long_patterns_match_and_are_not_walked() {
        let long = format!("arn:aws:s3:::{}/*", "b".repeat(200));
        let p = Pattern::glob(&long, true);
        let inside = format!("arn:aws:s3:::{}/x", "b".repeat(200));
        assert!(p.matches(&inside));
        assert!(!p.matches("arn:aws:s3:::b/x"));
        let (reps, complete) = regions(&[p], std::slice::from_ref(&inside), true, 10_000);
        assert_eq!(reps, vec![inside]);
        assert!(!complete);
        // an ARN of 75 characters is walked
        let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let (reps, complete) = regions(&[Pattern::glob(key, true)], &[], true, 10_000);
        assert!(complete);
        assert!(reps.contains(&key.to_string()));
    }

    proptest::proptest! {
        /// The automata place witnesses; the evaluator's matcher judges
        /// them. They must read every pattern alike.
        #[test]
        fn automata_agree_with_the_evaluator(
            pattern in "[ab:*?]{0,14}",
            text in "[ab:]{0,14}",
        ) {
            use crate::iam::pattern::{Case, arn_glob_matches, glob_matches};
            proptest::prop_assert_eq!(
                Pattern::glob(&pattern, false).matches(&text),
                glob_matches(&pattern, &text, Case::Sensitive)
            );
            proptest::prop_assert_eq!(
                Pattern::glob(&pattern, true).matches(&text),
                arn_glob_matches(&pattern, &text)
            );
            proptest::prop_assert_eq!(Pattern::literal(&pattern).matches(&text), pattern == text);
        }
    }

    #[test]
    fn a_small_cap_says_so() {
        let (_, complete) = regions(&globs(&["*a*b*c*", "*c*b*a*", "?????*"]), &[], true, 3);
        assert!(!complete);
    }
}
