//! Which statements of a long list may apply where some atoms hold, found
//! without looking at each.
//!
//! A region's search drops the statements that cannot apply where the
//! statements it starts from do ([`Restrictions::excludes`]: one of their
//! atoms fails on the few values an equality allows, or has patterns whose
//! literal heads or tails clash with those allowed). Testing every
//! statement of the list for every region costs the product of the two;
//! a [`Sieve`] over the list files each statement under what its atoms
//! allow (the values of an equality, the literal heads of patterns), so
//! that a region looks up a short list holding every statement that the
//! test would keep, in order. The exact test then runs on that list alone:
//! what is kept is what a scan of the whole list keeps.

use super::cases::{Restriction, Restrictions, equality_values, literal_ends, positive_patterns};
use super::classes::request;
use super::heads::HeadTrie;
use super::stmts::{Atom, Part, Statements};
use crate::iam::BaseOperator;
use std::collections::HashMap;

/// Shorter lists are scanned.
const MIN_LIST: usize = 32;

/// How one atom is filed.
#[derive(Clone)]
enum Filed {
    /// Holds exactly on these values, never on the absent key.
    Values(Vec<String>),
    /// Holds only on texts matching one of these patterns, never on the
    /// absent key.
    Patterns(Vec<String>),
    /// Anything else: always a candidate.
    Other,
}

/// The statements of the list with an atom on one slot, by what it allows.
#[derive(Default)]
struct SlotIndex {
    /// Positions of the statements without an atom on the slot.
    lacking: Vec<u32>,
    /// Atoms reading only the slot: by value, by pattern head, the others.
    values: HashMap<String, Vec<u32>>,
    heads: HeadTrie<u32>,
    other: Vec<u32>,
    /// Atoms also reading a policy variable: by pattern head, the others.
    var_heads: HeadTrie<u32>,
    var_other: Vec<u32>,
    has_var: bool,
    /// Positions with an atom on the slot, in order.
    having: Vec<u32>,
}

/// An index over a list of statements (indexes into
/// [`Statements::list`]).
pub(super) struct Sieve<'l> {
    list: &'l [usize],
    /// Slots read by at least half the statements; the others narrow the
    /// list by half at most.
    slots: HashMap<String, SlotIndex>,
}

fn filed(atom: &Atom) -> Filed {
    let Some(slot) = atom.reads.first() else {
        return Filed::Other;
    };
    let absent = || atom.holds(&request(slot, None));
    if atom.reads.len() == 1
        && let Part::Condition { spec, .. } = &atom.part
        && spec.base == BaseOperator::StringEquals
        && !spec.if_exists
        && let Some(values) = equality_values(atom)
        && !absent()
        && values.iter().all(|v| atom.holds(&request(slot, Some(v))))
    {
        return Filed::Values(values);
    }
    match positive_patterns(atom) {
        Some((patterns, _)) if atom.reads.len() > 1 || !absent() => Filed::Patterns(patterns),
        _ => Filed::Other,
    }
}

impl<'l> Sieve<'l> {
    /// The index over `list`; none when it is short.
    pub(super) fn new(stmts: &Statements<'_>, list: &'l [usize]) -> Option<Sieve<'l>> {
        if list.len() < MIN_LIST {
            return None;
        }
        let mut slots: HashMap<String, SlotIndex> = HashMap::new();
        let mut by_atom: HashMap<usize, Filed> = HashMap::new();
        for (pos, &s) in list.iter().enumerate() {
            let pos = pos as u32;
            let Some(u) = stmts.list.get(s) else {
                continue;
            };
            for &a in &u.atoms {
                let Some(atom) = stmts.atoms.get(a) else {
                    continue;
                };
                let Some(slot) = atom.reads.first() else {
                    continue;
                };
                let ix = slots.entry(slot.clone()).or_default();
                if ix.having.last() != Some(&pos) {
                    ix.having.push(pos);
                }
                let how = by_atom.entry(a).or_insert_with(|| filed(atom)).clone();
                let single = atom.reads.len() == 1;
                ix.has_var |= !single;
                match (how, single) {
                    (Filed::Values(values), _) => {
                        for v in values {
                            ix.values.entry(v).or_default().push(pos);
                        }
                    }
                    (Filed::Patterns(patterns), true) => {
                        for p in &patterns {
                            ix.heads.insert(literal_ends(p).0, pos);
                        }
                    }
                    (Filed::Patterns(patterns), false) => {
                        for p in &patterns {
                            ix.var_heads.insert(literal_ends(p).0, pos);
                        }
                    }
                    (Filed::Other, true) => ix.other.push(pos),
                    (Filed::Other, false) => ix.var_other.push(pos),
                }
            }
        }
        let n = list.len() as u32;
        slots.retain(|_, ix| ix.having.len() * 2 >= list.len());
        for ix in slots.values_mut() {
            let mut k = 0;
            for pos in 0..n {
                if ix.having.get(k) == Some(&pos) {
                    k += 1;
                } else {
                    ix.lacking.push(pos);
                }
            }
        }
        Some(Sieve { list, slots })
    }

    /// The statements of the list (in its order) that `restrictions` may
    /// not exclude: every one they do not exclude, and maybe others. `None`
    /// when no slot narrows the list (then every statement is a
    /// candidate). `must` are the atoms the restrictions come from.
    pub(super) fn candidates(
        &self,
        stmts: &Statements<'_>,
        restrictions: &Restrictions<'_>,
        must: impl Iterator<Item = usize>,
    ) -> Option<Vec<usize>> {
        // an atom of the region's own statements that they exclude: the
        // region is empty; the caller scans, as it always did
        for a in must {
            if stmts
                .atoms
                .get(a)
                .is_some_and(|atom| restrictions.excludes(atom))
            {
                return None;
            }
        }
        // the slot that narrows the list most; a slot whose list would be
        // longer than the best so far is given up as soon as it is
        let mut best: Option<Vec<u32>> = None;
        for (slot, r) in restrictions.slots() {
            let Some(ix) = self.slots.get(slot) else {
                continue;
            };
            let limit = best.as_ref().map_or(self.list.len(), Vec::len);
            let Some(limit) = limit.checked_sub(ix.lacking.len()) else {
                continue;
            };
            let Some(mut found) = ix.query(r, limit) else {
                continue;
            };
            found.extend(ix.lacking.iter().copied());
            best = Some(found);
        }
        let mut best = best?;
        best.sort_unstable();
        best.dedup();
        Some(
            best.into_iter()
                .filter_map(|pos| self.list.get(pos as usize).copied())
                .collect(),
        )
    }
}

impl SlotIndex {
    /// Positions of the statements with an atom on the slot that `r` may
    /// not exclude (with repeats); `None`: all of them, or `limit` or more.
    fn query(&self, r: &Restriction, limit: usize) -> Option<Vec<u32>> {
        let within = |out: &Vec<u32>| (out.len() < limit).then_some(());
        let mut out: Vec<u32> = Vec::new();
        // the patterns of one set the slot must match: an atom whose
        // patterns all clash with them is excluded
        let ours: Option<&Vec<String>> = (!r.absent)
            .then(|| r.patterns.iter().map(|(p, _)| p).min_by_key(|p| p.len()))
            .flatten();
        let by_heads = |trie: &HeadTrie<u32>, ours: &[String], out: &mut Vec<u32>| {
            for p in ours {
                let head = literal_ends(p).0;
                trie.prefixes_of(head, out);
                trie.extending(head, out);
                within(out)?;
            }
            Some(())
        };
        match &r.values {
            Some(values) => {
                // the length before building the list
                let known: usize = values
                    .iter()
                    .map(|v| self.values.get(v).map_or(0, Vec::len))
                    .sum();
                if known + self.other.len() >= limit {
                    return None;
                }
                for v in values {
                    out.extend(self.values.get(v).into_iter().flatten().copied());
                    self.heads.prefixes_of(v, &mut out);
                    within(&out)?;
                }
                out.extend(self.other.iter().copied());
            }
            None => {
                // patterns never exclude an equality
                if !self.values.is_empty() {
                    return None;
                }
                let ours = ours?;
                by_heads(&self.heads, ours, &mut out)?;
                out.extend(self.other.iter().copied());
            }
        }
        if self.has_var {
            let ours = ours?;
            by_heads(&self.var_heads, ours, &mut out)?;
            out.extend(self.var_other.iter().copied());
        }
        within(&out)?;
        Some(out)
    }
}
