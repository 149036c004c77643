//! Packing the guardrails attached at one node into as few documents as
//! AWS lets the node hold, each within the kind's size limit.
//!
//! At one node, AWS combines the attached SCPs (or RCPs) as one set of
//! statements: a `Deny` in any of them denies, an `Allow` in any of them
//! allows (SCPEVAL). So any partition of the statements into documents means
//! the same as the policies as written; only the Sids, unique per document,
//! may need a suffix.
//!
//! How, and why it is stable: the guardrails are taken in order of name, and
//! each document holds a run of consecutive guardrails (next fit), a
//! guardrail too big for one document being cut into consecutive parts. A
//! change inside one guardrail changes its own document and, only when that
//! document no longer fits, the documents after it: the documents before it
//! never change. When next fit needs more documents than the node may hold,
//! the guardrails are packed largest first (first fit decreasing), and when
//! that does not fit either, statement by statement regardless of guardrail.
//! When even that needs too many documents, the node cannot hold its
//! guardrails ([`Overflow`]).

use crate::emit;
use crate::iam::{PolicyDocument, Statement, VERSION_2012};
use crate::policy::PolicyKind;
use std::collections::HashSet;

/// One guardrail attached at the node: its name and its document.
#[derive(Clone, Copy, Debug)]
pub struct Attached<'a> {
    pub name: &'a str,
    pub doc: &'a PolicyDocument,
}

/// One document of the node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    /// The guardrails whose statements it holds, in order, each once.
    pub policies: Vec<String>,
    pub doc: PolicyDocument,
    /// Its size by the kind's rule, as rendered.
    pub size: usize,
}

/// Why the guardrails of a node do not fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// They need `needed` documents where the node holds `slots`.
    TooMany {
        needed: usize,
        slots: usize,
        /// The size of each guardrail as one document, by name.
        sizes: Vec<(String, usize)>,
    },
    /// One statement is over the size limit by itself.
    Statement {
        policy: String,
        sid: Option<String>,
        size: usize,
    },
}

/// A statement with its rendered size.
#[derive(Clone)]
struct Item<'a> {
    policy: &'a str,
    stmt: &'a Statement,
    size: usize,
}

/// Consecutive statements of one guardrail that travel together.
struct Unit<'a> {
    items: Vec<Item<'a>>,
}

impl Unit<'_> {
    fn size(&self, overhead: usize) -> usize {
        doc_size(overhead, self.items.iter().map(|i| i.size))
    }
}

fn empty_doc() -> PolicyDocument {
    PolicyDocument {
        version: Some(VERSION_2012.to_string()),
        id: None,
        statements: Vec::new(),
    }
}

/// The size of a document holding statements of these sizes: the overhead
/// of the empty document, the statements and the commas between them.
fn doc_size(overhead: usize, sizes: impl Iterator<Item = usize>) -> usize {
    let (sum, n): (usize, usize) = sizes.fold((0, 0), |(s, n), x| (s + x, n + 1));
    overhead + sum + n.saturating_sub(1)
}

/// Packs the guardrails of one node into at most `slots` documents of at
/// most `limit` (by the kind's rule), as the module documentation says.
pub fn pack(
    kind: PolicyKind,
    attached: &[Attached<'_>],
    limit: usize,
    slots: usize,
) -> Result<Vec<Packed>, Overflow> {
    let mut attached: Vec<Attached<'_>> = attached.to_vec();
    attached.sort_by(|a, b| {
        (a.name.to_ascii_lowercase(), a.name).cmp(&(b.name.to_ascii_lowercase(), b.name))
    });
    let overhead = emit::size(kind, &emit::render(kind, &empty_doc()));
    // Sids unique across the node (so within every document), before any
    // size is measured: a repeat gets the first free numeric suffix.
    let mut seen: HashSet<String> = HashSet::new();
    let owned: Vec<(&str, Vec<Statement>)> = attached
        .iter()
        .map(|a| {
            let stmts = a
                .doc
                .statements
                .iter()
                .map(|stmt| {
                    let mut stmt = stmt.clone();
                    if let Some(sid) = &stmt.sid {
                        let mut unique = sid.clone();
                        let mut n = 2;
                        while seen.contains(&unique.to_ascii_lowercase()) {
                            unique = format!("{sid}{n}");
                            n += 1;
                        }
                        seen.insert(unique.to_ascii_lowercase());
                        stmt.sid = Some(unique);
                    }
                    stmt
                })
                .collect();
            (a.name, stmts)
        })
        .collect();
    let mut units: Vec<Unit<'_>> = Vec::new();
    let mut sizes = Vec::new();
    for (name, stmts) in &owned {
        let items: Vec<Item<'_>> = stmts
            .iter()
            .map(|stmt| Item {
                policy: name,
                stmt,
                size: statement_size(kind, stmt, overhead),
            })
            .collect();
        if let Some(big) = items.iter().find(|i| i.size + overhead > limit) {
            return Err(Overflow::Statement {
                policy: name.to_string(),
                sid: big.stmt.sid.clone(),
                size: big.size + overhead,
            });
        }
        sizes.push((
            name.to_string(),
            doc_size(overhead, items.iter().map(|i| i.size)),
        ));
        // A guardrail too big for one document: consecutive parts.
        let mut part: Vec<Item<'_>> = Vec::new();
        for item in items {
            let grown = doc_size(overhead, part.iter().map(|i| i.size).chain([item.size]));
            if !part.is_empty() && grown > limit {
                units.push(Unit {
                    items: std::mem::take(&mut part),
                });
            }
            part.push(item);
        }
        if !part.is_empty() {
            units.push(Unit { items: part });
        }
    }
    if units.is_empty() {
        return Ok(Vec::new());
    }
    // 1. next fit over the guardrails in order: stable
    let bins = next_fit(units.iter().map(|u| u.items.clone()), overhead, limit);
    if bins.len() <= slots {
        return Ok(assemble(kind, bins));
    }
    // 2. first fit decreasing over the guardrails
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(units[i].size(overhead)));
    let mut ffd: Vec<Vec<Item<'_>>> = Vec::new();
    for i in order {
        let unit = &units[i];
        let fits = ffd.iter().position(|bin| {
            doc_size(
                overhead,
                bin.iter().chain(&unit.items).map(|item| item.size),
            ) <= limit
        });
        match fits {
            Some(b) => ffd[b].extend(unit.items.iter().cloned()),
            None => ffd.push(unit.items.clone()),
        }
    }
    if ffd.len() <= slots {
        return Ok(assemble(kind, ffd));
    }
    // 3. statement by statement, guardrails cut where a document is full
    let singles = units
        .iter()
        .flat_map(|u| u.items.iter().cloned().map(|i| vec![i]));
    let dense = next_fit(singles, overhead, limit);
    if dense.len() <= slots {
        return Ok(assemble(kind, dense));
    }
    Err(Overflow::TooMany {
        needed: dense.len().min(ffd.len()),
        slots,
        sizes,
    })
}

/// Groups (each kept together) into documents in order, a new document when
/// the next group does not fit.
fn next_fit<'a>(
    groups: impl Iterator<Item = Vec<Item<'a>>>,
    overhead: usize,
    limit: usize,
) -> Vec<Vec<Item<'a>>> {
    let mut bins: Vec<Vec<Item<'a>>> = Vec::new();
    for group in groups {
        let fits = bins.last().is_some_and(|bin| {
            doc_size(overhead, bin.iter().chain(&group).map(|i| i.size)) <= limit
        });
        match bins.last_mut() {
            Some(bin) if fits => bin.extend(group),
            _ => bins.push(group),
        }
    }
    bins
}

/// The rendered size of one statement inside a document.
fn statement_size(kind: PolicyKind, stmt: &Statement, overhead: usize) -> usize {
    let mut doc = empty_doc();
    doc.statements.push(stmt.clone());
    emit::size(kind, &emit::render(kind, &doc)).saturating_sub(overhead)
}

/// The documents of the bins.
fn assemble(kind: PolicyKind, bins: Vec<Vec<Item<'_>>>) -> Vec<Packed> {
    bins.into_iter()
        .map(|bin| {
            let mut doc = empty_doc();
            let mut policies: Vec<String> = Vec::new();
            for item in &bin {
                if !policies.iter().any(|p| p == item.policy) {
                    policies.push(item.policy.to_string());
                }
                doc.statements.push(item.stmt.clone());
            }
            let size = emit::size(kind, &emit::render(kind, &doc));
            Packed {
                policies,
                doc,
                size,
            }
        })
        .collect()
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::iam::{Actions, Resources};
    use crate::policy::Effect;

    /// A guardrail of `n` statements, each denying one action with a padded
    /// Sid, about `pad` characters each.
    fn guardrail(prefix: &str, n: usize, pad: usize) -> PolicyDocument {
        let mut doc = empty_doc();
        for i in 0..n {
            doc.statements.push(Statement {
                sid: Some(format!("{prefix}{i}{}", "X".repeat(pad))),
                effect: Effect::Deny,
                principal: None,
                actions: Actions::Action(vec![format!("s3:Action{i}")]),
                resources: Some(Resources::Resource(vec!["*".into()])),
                conditions: Vec::new(),
            });
        }
        doc
    }

    fn names(p: &[Packed]) -> Vec<Vec<String>> {
        p.iter().map(|d| d.policies.clone()).collect()
    }

    #[test]
    fn guardrails_stay_together_in_name_order_within_the_limit() {
        let docs: Vec<PolicyDocument> = (0..6)
            .map(|i| guardrail(&format!("G{i}"), 4, 100))
            .collect();
        let names_: Vec<String> = (0..6).map(|i| format!("G{i}")).collect();
        let attached: Vec<Attached<'_>> = names_
            .iter()
            .zip(&docs)
            .rev()
            .map(|(name, doc)| Attached { name, doc })
            .collect();
        let packed = pack(PolicyKind::Scp, &attached, 1_500, 9).unwrap();
        for p in &packed {
            assert!(p.size <= 1_500, "{}", p.size);
            assert_eq!(p.size, emit::render(PolicyKind::Scp, &p.doc).len());
        }
        let flat: Vec<String> = names(&packed).concat();
        assert_eq!(flat, names_, "every guardrail once, in name order");
        // too few places: an error naming what is needed
        match pack(PolicyKind::Scp, &attached, 1_500, 1) {
            Err(Overflow::TooMany {
                needed,
                slots,
                sizes,
            }) => {
                assert!(needed > 1);
                assert_eq!(slots, 1);
                assert_eq!(sizes.len(), 6);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn adding_one_rule_changes_one_document() {
        let mut docs: Vec<PolicyDocument> = (0..8)
            .map(|i| guardrail(&format!("G{i}"), 3, 200))
            .collect();
        let names_: Vec<String> = (0..8).map(|i| format!("G{i}")).collect();
        let run = |docs: &[PolicyDocument]| {
            let attached: Vec<Attached<'_>> = names_
                .iter()
                .zip(docs)
                .map(|(name, doc)| Attached { name, doc })
                .collect();
            pack(PolicyKind::Scp, &attached, 3_000, 9).unwrap()
        };
        let before = run(&docs);
        assert!(before.len() >= 3, "{}", before.len());
        // one more small statement in a guardrail of the second document
        let target = before[1].policies[0].clone();
        let index = names_.iter().position(|n| *n == target).unwrap();
        let mut extra = guardrail("New", 1, 0);
        docs[index].statements.append(&mut extra.statements);
        let after = run(&docs);
        assert_eq!(before.len(), after.len());
        let changed = before.iter().zip(&after).filter(|(a, b)| a != b).count();
        assert_eq!(changed, 1);
        assert_ne!(before[1], after[1]);
    }

    #[test]
    fn a_big_guardrail_is_cut_and_sids_stay_unique() {
        let big = guardrail("Same", 12, 300);
        let twin = guardrail("Same", 2, 300);
        let attached = [
            Attached {
                name: "Big",
                doc: &big,
            },
            Attached {
                name: "Twin",
                doc: &twin,
            },
        ];
        let packed = pack(PolicyKind::Scp, &attached, 2_000, 9).unwrap();
        assert!(packed.len() > 1);
        assert!(packed.iter().all(|p| p.size <= 2_000));
        let mut all = HashSet::new();
        for p in &packed {
            let mut here = HashSet::new();
            for s in &p.doc.statements {
                let sid = s.sid.clone().unwrap().to_ascii_lowercase();
                assert!(here.insert(sid.clone()), "{sid} twice in one document");
                all.insert(sid);
            }
        }
        assert_eq!(all.len(), 14);
        // one statement alone over the limit
        match pack(PolicyKind::Scp, &attached, 300, 9) {
            Err(Overflow::Statement { policy, .. }) => assert_eq!(policy, "Big"),
            other => panic!("{other:?}"),
        }
    }
}
