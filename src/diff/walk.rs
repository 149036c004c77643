//! Texts for every region a set of patterns cuts: a breadth-first walk of
//! the product of the patterns' automata that keeps up to `k` texts per
//! product state.
//!
//! Keeping `k` texts per state (rather than one) is what lets a caller find
//! a text of a region that avoids some given texts: every product state ends
//! up with `min(k, number of texts reaching it)` of them (each of the `k`
//! texts kept at a state extends along every path out of it, and the
//! automata are deterministic, so distinct prefixes stay distinct). So if a
//! region holds more than `k - 1` texts to avoid, either one of its states
//! keeps `k` texts, one of which is not to be avoided, or every text of the
//! region was kept.

use super::regions::{MAX_PATTERN_LEN, Pattern, States};
use std::collections::{HashMap, VecDeque};

/// The characters a walk may use.
pub(super) enum Letters<'a> {
    /// Any text over these characters.
    Free(&'a [char]),
    /// Texts of exactly this many characters, each position one of its own.
    Fixed(&'a [Vec<char>]),
}

/// What a walk found: per combination of patterns (which match, in order)
/// the texts that reach it, shortest first.
pub(super) struct Walked {
    pub regions: Vec<(Vec<bool>, Vec<String>)>,
    /// False when the walk stopped at its state limit, or a pattern was too
    /// long to walk, so that a region may lack a text.
    pub complete: bool,
}

type Key = (Vec<States>, usize, usize);

/// Walks the patterns' product over `letters`, keeping `k` texts per state
/// and visiting at most `max_states` states.
pub(super) fn walk(
    patterns: &[Pattern],
    letters: &Letters<'_>,
    k: usize,
    max_states: usize,
) -> Walked {
    let mut out = Walked {
        regions: Vec::new(),
        complete: true,
    };
    if patterns.iter().any(|p| p.len() > MAX_PATTERN_LEN) {
        out.complete = false;
        return out;
    }
    let k = k.max(1);
    let mut index: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut kept: HashMap<Key, usize> = HashMap::new();
    let mut queue: VecDeque<(Key, String)> = VecDeque::new();
    let start: Key = (patterns.iter().map(Pattern::start).collect(), 0, 0);
    kept.insert(start.clone(), 1);
    queue.push_back((start, String::new()));
    while let Some(((states, colons, depth), text)) = queue.pop_front() {
        let at_end = match letters {
            Letters::Free(_) => true,
            Letters::Fixed(positions) => depth == positions.len(),
        };
        if at_end {
            let v: Vec<bool> = patterns
                .iter()
                .zip(&states)
                .map(|(p, s)| p.accepts(*s, colons))
                .collect();
            let at = match index.get(&v) {
                Some(&at) => at,
                None => {
                    index.insert(v.clone(), out.regions.len());
                    out.regions.push((v, Vec::new()));
                    out.regions.len() - 1
                }
            };
            if let Some((_, texts)) = out.regions.get_mut(at) {
                texts.push(text.clone());
            }
        }
        let chars: &[char] = match letters {
            Letters::Free(chars) => chars,
            Letters::Fixed(positions) => match positions.get(depth) {
                Some(c) => c,
                None => continue,
            },
        };
        for &c in chars {
            let next: Vec<States> = patterns
                .iter()
                .zip(&states)
                .map(|(p, s)| p.step(*s, c))
                .collect();
            let next_colons = if c == ':' {
                (colons + 1).min(5)
            } else {
                colons
            };
            let next_depth = match letters {
                Letters::Free(_) => 0,
                Letters::Fixed(_) => depth + 1,
            };
            let key: Key = (next, next_colons, next_depth);
            let count = kept.get(&key).copied().unwrap_or(0);
            if count >= k {
                continue;
            }
            if count == 0 && kept.len() >= max_states {
                out.complete = false;
                continue;
            }
            kept.insert(key.clone(), count + 1);
            let mut t = text.clone();
            t.push(c);
            queue.push_back((key, t));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(v: &[&str]) -> Vec<Pattern> {
        v.iter().map(|g| Pattern::glob(g, false)).collect()
    }

    #[test]
    fn every_region_and_k_texts() {
        let letters = ['a', 'b', 'x'];
        let w = walk(&globs(&["a?", "*b"]), &Letters::Free(&letters), 1, 10_000);
        assert!(w.complete);
        assert_eq!(w.regions.len(), 4);
        let both = w
            .regions
            .iter()
            .find(|(v, _)| v == &vec![true, true])
            .unwrap();
        assert_eq!(both.1, vec!["ab".to_string()]);
        // with k = 3 a region offers several texts, shortest first
        let w = walk(&globs(&["a*"]), &Letters::Free(&letters), 3, 10_000);
        let inside = w.regions.iter().find(|(v, _)| v == &vec![true]).unwrap();
        assert!(inside.1.len() >= 3);
        assert_eq!(inside.1[0], "a");
    }

    #[test]
    fn fixed_positions() {
        let positions = vec![vec!['k', 'K', '\u{212A}'], vec!['o', 'O']];
        let w = walk(&globs(&["K*"]), &Letters::Fixed(&positions), 10, 10_000);
        let texts: usize = w.regions.iter().map(|(_, t)| t.len()).sum();
        assert_eq!(texts, 6);
        let matched = w.regions.iter().find(|(v, _)| v == &vec![true]).unwrap();
        assert_eq!(matched.1.len(), 2);
    }
}
