//! Exact string regions: a set of patterns (equality constants, `*`/`?`
//! globs, ARN patterns) cuts the strings into regions, one per combination
//! of patterns that match. [`regions`] finds a witness for every region that
//! is not empty, by a breadth-first walk of the product of the patterns'
//! automata over the characters they name plus one fresh character (the
//! other characters all behave like it).
//!
//! `pattern.rs` reads a pattern and runs its automaton.

mod pattern;

use super::heads::HeadTrie;
pub(in crate::diff) use pattern::{Kind, MAX_PATTERN_LEN, Pattern, States, head};
use std::collections::{HashSet, VecDeque};

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
        alphabet.extend(p.chars());
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
        // the literal characters at the alive positions, wild patterns' too
        let mut named: Vec<char> = Vec::new();
        for (k, (i, s)) in states.iter().enumerate() {
            chars.clear();
            let Some(p) = patterns.get(*i as usize) else {
                continue;
            };
            match p.expects(*s, &mut chars) {
                Some(()) => {
                    expected.extend(chars.iter().map(|&c| (c, k as u32)));
                    named.extend_from_slice(&chars);
                }
                None => {
                    wild.push(k as u32);
                    p.literals(*s, &mut named);
                }
            }
        }
        expected.sort_unstable();
        expected.dedup();
        named.sort_unstable();
        named.dedup();
        // A character no alive position names, but `:`, dies in every
        // pattern but at its wildcards, which take it as they take any
        // such character: all of them reach the product state the first
        // reaches, which the walk has then visited. Skipping the others
        // saves most of the steps and changes no output.
        let mut plain_done = false;
        let mut from = 0;
        for &c in &alphabet {
            // `alphabet` is ascending but for the fresh character at its
            // end, which no pattern expects: `expected` is walked along
            from += expected
                .get(from..)
                .unwrap_or_default()
                .partition_point(|&(x, _)| x < c);
            let to = from
                + expected
                    .get(from..)
                    .unwrap_or_default()
                    .partition_point(|&(x, _)| x <= c);
            let mine = expected.get(from..to).unwrap_or_default();
            if c != ':' && named.binary_search(&c).is_err() {
                if plain_done {
                    continue;
                }
                plain_done = true;
            }
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

    proptest::proptest! {
        /// Every combination of matching patterns that some short text
        /// shows has a witness among the regions.
        #[test]
        fn every_region_of_short_texts_is_found(
            patterns in proptest::collection::vec("[ab:*?]{0,5}", 1..4),
            arn in proptest::bool::ANY,
        ) {
            let patterns: Vec<Pattern> = patterns.iter().map(|g| Pattern::glob(g, arn)).collect();
            let (reps, complete) = regions(&patterns, &[], true, 100_000);
            proptest::prop_assert!(complete);
            let found: HashSet<Vec<bool>> = reps.iter().map(|r| vector(&patterns, r)).collect();
            let mut texts = vec![String::new()];
            for _ in 0..=6 {
                for t in &texts {
                    let v = vector(&patterns, t);
                    proptest::prop_assert!(found.contains(&v), "{:?} from {:?}", v, t);
                }
                let longer: Vec<String> = texts
                    .iter()
                    .flat_map(|t| ['a', 'b', ':', 'x'].map(|c| format!("{t}{c}")))
                    .collect();
                texts = longer;
            }
        }
    }

    #[test]
    fn patterns_by_head_match_as_each_pattern_does() {
        // heads that start one another, an empty head, and a long text
        let patterns = globs(&["ab*", "abc*", "abd?", "*c", "b*", "abcabc*", "x"]);
        let by_head = ByHead::new(&patterns);
        let long = format!("abc{}", "abc".repeat(2_000));
        for text in ["abc", "abdx", "bc", "x", "", "abcabcz", long.as_str()] {
            let expected: Vec<u32> = (0..patterns.len() as u32)
                .filter(|&i| patterns[i as usize].matches(text))
                .collect();
            assert_eq!(by_head.matching(text), expected, "{text}");
            assert_eq!(by_head.any_matches(text), !expected.is_empty(), "{text}");
        }
    }

    #[test]
    fn a_small_cap_says_so() {
        let (_, complete) = regions(&globs(&["*a*b*c*", "*c*b*a*", "?????*"]), &[], true, 3);
        assert!(!complete);
    }
}
