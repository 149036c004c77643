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
    let mut bins: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let mut placed = false;
        for bin in bins.iter_mut() {
            let mut candidate = bin.clone();
            let at = candidate.partition_point(|&j| j < i);
            candidate.insert(at, i);
            if measured(kind, doc, &candidate) <= max {
                *bin = candidate;
                placed = true;
                break;
            }
        }
        if !placed {
            bins.push(vec![i]);
        }
    }
    bins.sort_by_key(|bin| bin.first().copied());
    Ok(bins.iter().map(|bin| part(doc, bin)).collect())
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
}
