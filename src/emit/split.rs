//! Spreading the statements of a policy that is over its limit over several
//! documents.

use super::limits::{render, size};
use crate::iam::{PolicyDocument, Statement};
use crate::ir::PolicyKind;

/// A statement that does not fit even alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TooBig {
    /// Its position in the document, from 0.
    pub index: usize,
    /// The size of a document holding only this statement.
    pub size: usize,
}

/// The document with only the statements at `indices`, in that order; the
/// envelope (`Version`, `Id`) is kept.
fn part(doc: &PolicyDocument, indices: &[usize]) -> PolicyDocument {
    PolicyDocument {
        version: doc.version.clone(),
        id: doc.id.clone(),
        statements: indices
            .iter()
            .filter_map(|&i| doc.statements.get(i))
            .cloned()
            .collect::<Vec<Statement>>(),
    }
}

fn measured(kind: PolicyKind, doc: &PolicyDocument, indices: &[usize]) -> usize {
    size(kind, &render(kind, &part(doc, indices)))
}

/// Bin-packs the statements of `doc` into documents of at most `max` each
/// (sizes by the rule of `kind`, measured on the exact rendered text).
///
/// First-fit decreasing: statements from largest to smallest (ties in
/// document order) go to the first part they fit in. Each part keeps its
/// statements in document order, and parts are ordered by their first
/// statement, so part 1 holds statement 1. The result depends only on the
/// input. Fails with every statement that does not fit alone.
///
/// A part's size is computed, not rendered, while packing: the canonical
/// text of a document is its envelope plus each statement's text plus one
/// separator between two statements, so with `m(i)` the size of a document
/// holding only statement `i` and `d = m(a) + m(b) - m(a, b)`, a part
/// holding `k` statements measures `Σ m(i) - (k - 1)·d`. Every part is then
/// rendered and measured once more; should one ever disagree with the sum,
/// packing falls back to measuring every candidate on its rendered text.
pub(crate) fn split(
    kind: PolicyKind,
    doc: &PolicyDocument,
    max: usize,
) -> Result<Vec<PolicyDocument>, Vec<TooBig>> {
    let sizes: Vec<usize> = (0..doc.statements.len())
        .map(|i| measured(kind, doc, &[i]))
        .collect();
    let too_big: Vec<TooBig> = sizes
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s > max)
        .map(|(index, &size)| TooBig { index, size })
        .collect();
    if !too_big.is_empty() {
        return Err(too_big);
    }
    let mut order: Vec<usize> = (0..doc.statements.len()).collect();
    // Stable: equal sizes stay in document order.
    order.sort_by(|&a, &b| sizes.get(b).cmp(&sizes.get(a)));
    // The shared part of two one-statement documents (envelope less one
    // separator); zero when there are fewer than two statements.
    let shared = match (sizes.first(), sizes.get(1)) {
        (Some(&a), Some(&b)) => (a + b).saturating_sub(measured(kind, doc, &[0, 1])),
        _ => 0,
    };
    // First fit on computed sizes, with each part's running size.
    let mut packed: Vec<(Vec<usize>, usize)> = Vec::new();
    for &i in &order {
        let fits = |(bin, size): &&mut (Vec<usize>, usize)| {
            !bin.is_empty() && (*size + sizes[i]).saturating_sub(shared) <= max
        };
        match packed.iter_mut().find(fits) {
            Some((bin, size)) => {
                let at = bin.partition_point(|&j| j < i);
                bin.insert(at, i);
                *size = (*size + sizes[i]).saturating_sub(shared);
            }
            None => packed.push((vec![i], sizes[i])),
        }
    }
    let bins: Vec<Vec<usize>> = packed.into_iter().map(|(bin, _)| bin).collect();
    let exact = bins.iter().all(|bin| {
        let computed =
            bin.iter().map(|&j| sizes[j]).sum::<usize>() - (bin.len().saturating_sub(1)) * shared;
        measured(kind, doc, bin) == computed
    });
    let mut bins = if exact {
        bins
    } else {
        pack(&order, |bin, i| {
            let mut candidate = bin.to_vec();
            let at = candidate.partition_point(|&j| j < i);
            candidate.insert(at, i);
            measured(kind, doc, &candidate) <= max
        })
    };
    bins.sort_by_key(|bin| bin.first().copied());
    Ok(bins.iter().map(|bin| part(doc, bin)).collect())
}

/// First fit measured on rendered text: each statement of `order` goes to
/// the first part where `fits(part, statement)`, else to a new part; parts
/// stay sorted.
fn pack(order: &[usize], fits: impl Fn(&[usize], usize) -> bool) -> Vec<Vec<usize>> {
    let mut bins: Vec<Vec<usize>> = Vec::new();
    for &i in order {
        match bins.iter_mut().find(|bin| fits(bin, i)) {
            Some(bin) => {
                let at = bin.partition_point(|&j| j < i);
                bin.insert(at, i);
            }
            None => bins.push(vec![i]),
        }
    }
    bins
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::Actions;
    use crate::policy::Effect;

    fn stmt(sid: &str, actions: usize) -> Statement {
        Statement {
            sid: Some(sid.to_string()),
            effect: Effect::Deny,
            principal: None,
            actions: Actions::Action((0..actions).map(|i| format!("s3:Action{i:04}")).collect()),
            resources: None,
            conditions: Vec::new(),
        }
    }

    fn doc(statements: Vec<Statement>) -> PolicyDocument {
        PolicyDocument {
            version: Some("2012-10-17".to_string()),
            id: None,
            statements,
        }
    }

    fn sids(d: &PolicyDocument) -> Vec<String> {
        d.statements.iter().filter_map(|s| s.sid.clone()).collect()
    }

    #[test]
    fn parts_fit_and_keep_every_statement_in_order() {
        let d = doc(vec![
            stmt("A", 10),
            stmt("B", 40),
            stmt("C", 5),
            stmt("D", 40),
            stmt("E", 20),
        ]);
        let max = 1_200;
        let parts = split(PolicyKind::Scp, &d, max).unwrap();
        assert!(parts.len() >= 2);
        let mut all = Vec::new();
        for p in &parts {
            assert!(size(PolicyKind::Scp, &render(PolicyKind::Scp, p)) <= max);
            let s = sids(p);
            let mut sorted = s.clone();
            sorted.sort();
            assert_eq!(s, sorted, "statements keep document order in a part");
            all.extend(s);
        }
        all.sort();
        assert_eq!(all, vec!["A", "B", "C", "D", "E"]);
        assert_eq!(sids(&parts[0])[0], "A");
        // Deterministic.
        assert_eq!(split(PolicyKind::Scp, &d, max).unwrap(), parts);
    }

    #[test]
    fn a_statement_too_big_alone_is_reported() {
        let d = doc(vec![stmt("A", 1), stmt("B", 100), stmt("C", 1)]);
        let err = split(PolicyKind::Scp, &d, 500).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].index, 1);
        assert!(err[0].size > 500);
    }

    /// The computed sizes pack exactly as measuring every candidate would,
    /// for every kind (minified and pretty, whitespace counted or not).
    #[test]
    fn computed_packing_equals_measured_packing() {
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((seed >> 33) as usize) % n
        };
        for kind in PolicyKind::ALL {
            for count in [2, 3, 17, 120] {
                let statements: Vec<Statement> = (0..count)
                    .map(|i| stmt(&format!("S{i}"), 1 + next(40)))
                    .collect();
                let d = doc(statements);
                let max = kind.limit().max.min(2_500);
                let fast = split(kind, &d, max).unwrap();
                let sizes: Vec<usize> = (0..count).map(|i| measured(kind, &d, &[i])).collect();
                let mut order: Vec<usize> = (0..count).collect();
                order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]));
                let mut exact = pack(&order, |bin, i| {
                    let mut candidate = bin.to_vec();
                    let at = candidate.partition_point(|&j| j < i);
                    candidate.insert(at, i);
                    measured(kind, &d, &candidate) <= max
                });
                exact.sort_by_key(|bin| bin.first().copied());
                let exact: Vec<PolicyDocument> = exact.iter().map(|b| part(&d, b)).collect();
                assert_eq!(fast, exact, "{kind:?}, {count} statements");
                for p in &fast {
                    assert!(size(kind, &render(kind, p)) <= max);
                }
            }
        }
    }
}
