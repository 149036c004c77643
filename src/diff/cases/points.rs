//! Where the atoms of a joint component hold, and the values a component is
//! tried with first.

use super::ResourceRule;
use crate::diff::heads::HeadTrie;
use crate::diff::realism::{fill_format, fill_pattern, key_candidates};
use crate::diff::search::ClassSet;
use crate::diff::stmts::{Atom, Part, RESOURCE, resources_list};
use crate::iam::{OperatorFamily, Resources};
use rayon::prelude::*;

/// Where each atom holds among the points of a joint component. A
/// `Resource` (or `NotResource`) atom is evaluated only on the points whose
/// resource starts with the literal head of one of its patterns (found for
/// all atoms at once, by a walk of each resource through a trie of the
/// heads), and on those without a resource; elsewhere no pattern covers
/// the resource, whatever the policy variables hold.
pub(super) fn joint_holds(atoms: &[&Atom], requests: &[crate::eval::Request]) -> Vec<ClassSet> {
    let n = requests.len();
    let heads: Vec<Heads> = atoms.iter().map(|a| resource_heads(a)).collect();
    let mut trie: HeadTrie<u32> = HeadTrie::default();
    for (j, h) in heads.iter().enumerate() {
        for head in h.iter().flat_map(|(list, _)| list) {
            trie.insert(head, j as u32);
        }
    }
    // per atom, the points to evaluate it on (sorted): those without a
    // resource, and those one of its heads starts
    let unknown: Vec<u32> = (0..n as u32)
        .filter(|&p| {
            requests
                .get(p as usize)
                .is_some_and(|r| r.resource.is_none())
        })
        .collect();
    let mut near: Vec<Vec<u32>> = vec![unknown; atoms.len()];
    let mut found: Vec<u32> = Vec::new();
    for (p, r) in requests.iter().enumerate() {
        let Some(res) = r.resource.as_deref() else {
            continue;
        };
        found.clear();
        trie.prefixes_of(res, &mut found);
        found.sort_unstable();
        found.dedup();
        for &j in &found {
            if let Some(list) = near.get_mut(j as usize) {
                list.push(p as u32);
            }
        }
    }
    let one = |((atom, heads), mut near): ((&&Atom, Heads), Vec<u32>)| {
        let holds = |p: u32| requests.get(p as usize).is_some_and(|r| atom.holds(r));
        match heads {
            None => ClassSet::from_fn(n, |p| holds(p as u32)),
            Some((_, false)) => {
                near.sort_unstable();
                ClassSet::from_sorted(n, near.into_iter().filter(|&p| holds(p)).collect())
            }
            Some((_, true)) => {
                // `NotResource`: it holds wherever no head starts the resource
                near.sort_unstable();
                let fails: Vec<u32> = near.into_iter().filter(|&p| !holds(p)).collect();
                let mut members: Vec<u32> = Vec::with_capacity(n);
                let mut k = 0;
                for p in 0..n as u32 {
                    if fails.get(k) == Some(&p) {
                        k += 1;
                    } else {
                        members.push(p);
                    }
                }
                ClassSet::from_sorted(n, members)
            }
        }
    };
    // Each atom on its own points, on every core when there is enough to
    // share (below that, handing work out costs more than it saves);
    // gathered in atom order either way.
    if atoms.len().saturating_mul(n) >= PARALLEL_WORK {
        atoms.par_iter().zip(heads).zip(near).map(one).collect()
    } else {
        atoms.iter().zip(heads).zip(near).map(one).collect()
    }
}

/// Atoms times points from which [`joint_holds`] shares its work out.
const PARALLEL_WORK: usize = 20_000;

/// The literal heads of a resource atom's patterns, and whether it is a
/// `NotResource`; `None` for other atoms.
type Heads = Option<(Vec<String>, bool)>;

/// For a `Resource` (or `NotResource`) atom, the literal text each of its
/// patterns starts with (up to the first `*`, `?` or `$`), and whether it is
/// negated: a resource that starts with none of them is covered by no
/// pattern, whatever the policy variables hold.
fn resource_heads(atom: &Atom) -> Heads {
    let Part::Resource(r) = &atom.part else {
        return None;
    };
    let heads = resources_list(r)
        .iter()
        .map(|p| {
            p.chars()
                .take_while(|c| !matches!(c, '*' | '?' | '$'))
                .collect()
        })
        .collect();
    Some((heads, matches!(r, Resources::NotResource(_))))
}

/// Real-looking values to represent classes of `slot`, tried first.
pub(super) fn candidates(slot: &str, atoms: &[&Atom], rule: &ResourceRule) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut push = |v: String| {
        if seen.insert(v.clone()) {
            out.push(v);
        }
    };
    if slot == RESOURCE {
        // the foreign ARN first: it must represent its own class
        if let Some(f) = &rule.foreign {
            push(f.clone());
        }
        for f in &rule.formats {
            push(fill_format(f));
        }
    } else {
        for v in key_candidates(slot) {
            push(v);
        }
    }
    for a in atoms {
        let texts: Vec<&String> = match &a.part {
            Part::Condition { spec, values, .. }
                if matches!(
                    spec.base.family(),
                    OperatorFamily::String | OperatorFamily::Arn
                ) =>
            {
                values.iter().collect()
            }
            Part::Resource(r) => resources_list(r).iter().filter(|p| *p != "*").collect(),
            _ => Vec::new(),
        };
        for t in texts {
            if let Some(f) = fill_pattern(t) {
                push(f);
            }
        }
    }
    out
}
