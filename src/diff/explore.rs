//! Comparing two versions of one policy: every action, every combination of
//! representative key values, resources and principals, evaluated on both
//! sides.

use super::actions::{statement_covers, universe};
use super::domain::{self, Domain, Statements};
use super::{ActionFinding, Witness};
use crate::catalog::{Catalog, KeyRef};
use crate::eval::{self, Decision, Layer, Request};
use crate::iam::variables::{Piece, pieces};
use crate::iam::{
    Actions, Condition, Operator, PolicyDocument, Resources, Statement, VERSION_2012,
};
use crate::ir::PolicyKind;
use crate::testing;
use std::collections::{BTreeMap, HashMap};

/// At most this many combinations are evaluated per group of actions that
/// the policies treat alike; above, a deterministic sample of this size.
pub const MAX_COMBINATIONS: u64 = 100_000;

/// What comparing one policy found.
#[derive(Default)]
pub(super) struct Findings {
    pub widens: Vec<ActionFinding>,
    pub narrows: Vec<ActionFinding>,
    pub exhaustive: bool,
    pub notes: Vec<String>,
}

/// One side of the comparison: the policy's kind and document, or none.
#[derive(Clone, Copy)]
pub(super) struct Version<'a> {
    pub kind: PolicyKind,
    pub doc: Option<&'a PolicyDocument>,
}

fn empty_document() -> PolicyDocument {
    PolicyDocument {
        version: Some(VERSION_2012.to_string()),
        id: None,
        statements: Vec::new(),
    }
}

/// A document holding only the statements at `indexes`.
fn reduced(doc: &PolicyDocument, indexes: &[usize]) -> PolicyDocument {
    PolicyDocument {
        version: doc.version.clone(),
        id: doc.id.clone(),
        statements: indexes
            .iter()
            .filter_map(|&i| doc.statements.get(i).cloned())
            .collect(),
    }
}

fn covering(doc: &PolicyDocument, action: &str) -> Vec<usize> {
    doc.statements
        .iter()
        .enumerate()
        .filter(|(_, s)| statement_covers(s, action))
        .map(|(i, _)| i)
        .collect()
}

/// Whether the catalog lets a request for `action` carry `key`; unknown
/// actions and keys may carry anything.
struct Support<'c> {
    catalog: &'c Catalog,
    keys: HashMap<String, Option<KeyRef>>,
}

impl Support<'_> {
    fn allows(&mut self, action: &str, key: &str) -> bool {
        let Some((service, name)) = action.split_once(':') else {
            return true;
        };
        let Some(a) = self.catalog.service(service).and_then(|s| s.action(name)) else {
            return true;
        };
        let catalog = self.catalog;
        let key_ref = self
            .keys
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| catalog.key(key));
        match key_ref {
            Some(k) => catalog.action_supports_key(a, k),
            None => true,
        }
    }
}

/// Compares `old` and `new` for every action either names.
pub(super) fn compare(old: Version<'_>, new: Version<'_>, catalog: &Catalog) -> Findings {
    let empty = empty_document();
    let old_doc = old.doc.unwrap_or(&empty);
    let new_doc = new.doc.unwrap_or(&empty);
    let mut findings = Findings {
        exhaustive: true,
        ..Findings::default()
    };
    let (actions, capped) = universe(&[old_doc, new_doc], catalog);
    if capped {
        findings.exhaustive = false;
        findings.notes.push(format!(
            "not exhaustive: only the first {} actions were examined",
            super::actions::MAX_ACTIONS
        ));
    }
    // actions that the same statements cover behave alike
    let mut groups: BTreeMap<(Vec<usize>, Vec<usize>), Vec<String>> = BTreeMap::new();
    for action in actions {
        let o = covering(old_doc, &action);
        let n = covering(new_doc, &action);
        if o.is_empty() && n.is_empty() {
            continue;
        }
        groups.entry((o, n)).or_default().push(action);
    }
    let mut support = Support {
        catalog,
        keys: HashMap::new(),
    };
    for ((o, n), group_actions) in groups {
        let old_reduced = reduced(old_doc, &o);
        let new_reduced = reduced(new_doc, &n);
        let domain = domain::build(
            &[
                Statements {
                    statements: old_reduced.statements.iter().collect(),
                    variables: old_reduced.version.as_deref() == Some(VERSION_2012),
                },
                Statements {
                    statements: new_reduced.statements.iter().collect(),
                    variables: new_reduced.version.as_deref() == Some(VERSION_2012),
                },
            ],
            catalog,
        );
        findings.exhaustive &= domain.complete;
        for note in &domain.notes {
            if !findings.notes.contains(note) {
                findings.notes.push(note.clone());
            }
        }
        // actions that carry the same keys behave alike too
        let mut by_mask: BTreeMap<Vec<bool>, Vec<String>> = BTreeMap::new();
        for action in group_actions {
            let mask: Vec<bool> = domain
                .keys
                .iter()
                .map(|k| support.allows(&action, &k.display))
                .collect();
            by_mask.entry(mask).or_default().push(action);
        }
        for (mask, alike) in by_mask {
            let Some(first) = alike.first() else {
                continue;
            };
            let sides = Sides {
                old: Evaluated {
                    kind: old.kind,
                    doc: &old_reduced,
                    index: &o,
                },
                new: Evaluated {
                    kind: new.kind,
                    doc: &new_reduced,
                    index: &n,
                },
            };
            let result = explore(first, &sides, &domain, &mask);
            if !result.exhaustive {
                findings.exhaustive = false;
                let others = if alike.len() > 1 {
                    format!(" (and {} actions alike)", alike.len() - 1)
                } else {
                    String::new()
                };
                findings.notes.push(format!(
                    "not exhaustive: `{first}`{others} has {} combinations of key values; {} were examined, chosen deterministically",
                    result.total, result.examined
                ));
            }
            for (found, into) in [
                (result.widen, &mut findings.widens),
                (result.narrow, &mut findings.narrows),
            ] {
                if let Some((count, witness)) = found {
                    for action in &alike {
                        let mut w = witness.clone();
                        w.action = action.clone();
                        into.push(ActionFinding {
                            action: action.clone(),
                            count,
                            witness: w,
                        });
                    }
                }
            }
        }
    }
    findings.widens.sort_by(|a, b| {
        a.action
            .to_ascii_lowercase()
            .cmp(&b.action.to_ascii_lowercase())
    });
    findings.narrows.sort_by(|a, b| {
        a.action
            .to_ascii_lowercase()
            .cmp(&b.action.to_ascii_lowercase())
    });
    findings
}

struct Evaluated<'a> {
    kind: PolicyKind,
    doc: &'a PolicyDocument,
    /// Index in the full document of each statement of `doc`.
    index: &'a [usize],
}

struct Sides<'a> {
    old: Evaluated<'a>,
    new: Evaluated<'a>,
}

struct Explored {
    /// Differing combinations and the smallest witness.
    widen: Option<(usize, Witness)>,
    narrow: Option<(usize, Witness)>,
    exhaustive: bool,
    total: u128,
    examined: u64,
}

/// The rank of a witness: fewest present keys, then no resource, then fewest
/// values, then the earliest combination.
type Rank = (usize, usize, usize, u128);

fn deciding(side: &Evaluated<'_>, outcome: &eval::Outcome) -> Option<String> {
    let sids: Vec<String> = outcome
        .deciding
        .iter()
        .filter(|s| s.layer == Layer::of(side.kind))
        .map(|s| {
            s.sid.clone().unwrap_or_else(|| {
                let original = side.index.get(s.statement).copied().unwrap_or(s.statement);
                format!("#{}", original + 1)
            })
        })
        .collect();
    if sids.is_empty() {
        None
    } else {
        Some(sids.join(", "))
    }
}

/// The combinations to evaluate: all when there are at most
/// [`MAX_COMBINATIONS`]; else every combination with at most one present
/// key, then a strided sample of the rest.
fn combination_indexes(radices: &[usize], total: u128) -> (Vec<u128>, bool) {
    let cap = u128::from(MAX_COMBINATIONS);
    if total <= cap {
        return ((0..total).collect(), true);
    }
    let mut out: Vec<u128> = vec![0];
    // one present key: digit d of position p, others 0
    let mut weight: u128 = 1;
    for &r in radices {
        for d in 1..r {
            if (out.len() as u128) < cap / 2 {
                out.push(weight.saturating_mul(d as u128));
            }
        }
        weight = weight.saturating_mul(r as u128);
    }
    let stride = [1_000_003u128, 999_983, 1_299_709, 15_485_863, 32_452_843]
        .into_iter()
        .find(|p| gcd(*p % total, total) == 1)
        .unwrap_or(1);
    let mut i: u128 = 1;
    while (out.len() as u128) < cap && i < total {
        let idx = (i % total) * stride % total;
        if present_count(idx, radices) > 1 {
            out.push(idx);
        }
        i += 1;
    }
    (out, false)
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn digits(mut idx: u128, radices: &[usize]) -> Vec<usize> {
    radices
        .iter()
        .map(|&r| {
            let r = r.max(1) as u128;
            let d = idx % r;
            idx /= r;
            d as usize
        })
        .collect()
}

fn present_count(idx: u128, radices: &[usize]) -> usize {
    digits(idx, radices).iter().filter(|&&d| d > 0).count()
}

/// One independently cached piece of a statement's verdict: the statement
/// without its conditions, or the conditions on one (operator, key) entry.
struct Part {
    stmt: Statement,
    /// The positions of the request space it depends on.
    deps: Vec<usize>,
    verdicts: HashMap<u128, bool>,
    /// For projections too large for a `u128` index.
    wide_verdicts: HashMap<Vec<usize>, bool>,
}

/// A statement split into parts: it applies exactly when every part does
/// (IAM ANDs the entries of a statement), unless one of its operators is
/// unknown, in which case the evaluator reports an error whatever the
/// request.
struct Split {
    parts: Vec<Part>,
    erroneous: bool,
}

/// A side being explored: its statements split into cached parts, and per
/// pattern of statement verdicts, the outcome.
struct Cached<'a> {
    side: &'a Evaluated<'a>,
    statements: Vec<Split>,
    outcomes: HashMap<Vec<u8>, (Decision, Option<String>)>,
}

/// The names of the policy variables in `text` (lowercased, as the domain
/// keys them); read whatever the operator, so a superset of those resolved.
fn variable_names(text: &str, into: &mut Vec<String>) {
    for piece in pieces(text) {
        if let Piece::Variable { name, .. } = piece {
            into.push(name.to_ascii_lowercase());
        }
    }
}

fn positions(names: &[String], domain: &Domain) -> Vec<usize> {
    domain
        .keys
        .iter()
        .enumerate()
        .filter(|(_, k)| names.contains(&k.lower))
        .map(|(i, _)| i)
        .collect()
}

fn split(stmt: &Statement, domain: &Domain) -> Split {
    let erroneous = stmt.conditions.iter().any(|c| c.operator.spec().is_err());
    // the statement without conditions: action, resource, principal
    let mut names: Vec<String> = Vec::new();
    let mut on_resource = false;
    if let Some(Resources::Resource(list) | Resources::NotResource(list)) = &stmt.resources {
        for p in list {
            on_resource |= p != "*";
            variable_names(p, &mut names);
        }
    }
    if stmt.principal.is_some() {
        names.push("aws:principalarn".to_string());
        names.push("aws:principalservicename".to_string());
    }
    let mut deps = positions(&names, domain);
    if on_resource {
        deps.push(domain.keys.len());
    }
    let mut parts = vec![Part {
        stmt: Statement {
            conditions: Vec::new(),
            ..stmt.clone()
        },
        deps,
        verdicts: HashMap::new(),
        wide_verdicts: HashMap::new(),
    }];
    // the conditions, one part per (operator, key) entry as JSON groups them
    let mut entries: Vec<(Operator, String, Vec<Condition>)> = Vec::new();
    for c in &stmt.conditions {
        // the same operator and key text, as `Statement::condition_blocks`
        // merges them
        match entries
            .iter_mut()
            .find(|(op, k, _)| *op == c.operator && *k == c.key)
        {
            Some((_, _, list)) => list.push(c.clone()),
            None => entries.push((c.operator.clone(), c.key.clone(), vec![c.clone()])),
        }
    }
    for (_, key, conditions) in entries {
        let mut names = vec![key.to_ascii_lowercase()];
        for c in &conditions {
            for v in &c.values {
                variable_names(v, &mut names);
            }
        }
        parts.push(Part {
            stmt: Statement {
                sid: None,
                effect: stmt.effect,
                principal: None,
                actions: Actions::Action(vec!["*".to_string()]),
                resources: None,
                conditions,
            },
            deps: positions(&names, domain),
            verdicts: HashMap::new(),
            wide_verdicts: HashMap::new(),
        });
    }
    Split { parts, erroneous }
}

impl<'a> Cached<'a> {
    fn new(side: &'a Evaluated<'a>, domain: &Domain) -> Cached<'a> {
        Cached {
            side,
            statements: side
                .doc
                .statements
                .iter()
                .map(|s| split(s, domain))
                .collect(),
            outcomes: HashMap::new(),
        }
    }

    /// The decision for the combination `ds`, and the Sids that made it.
    fn decide(
        &mut self,
        ds: &[usize],
        radices: &[usize],
        req: &mut Option<Request>,
        build: &dyn Fn() -> Request,
    ) -> (Decision, Option<String>) {
        let version = self.side.doc.version.as_deref();
        let mut pattern = Vec::with_capacity(self.statements.len());
        for statement in &mut self.statements {
            if statement.erroneous {
                pattern.push(2u8);
                continue;
            }
            let mut applies = true;
            for part in &mut statement.parts {
                let projection = part.deps.iter().try_fold(0u128, |acc, &p| {
                    let r = radices.get(p).copied().unwrap_or(1) as u128;
                    acc.checked_mul(r)?
                        .checked_add(ds.get(p).copied().unwrap_or(0) as u128)
                });
                let known = match projection {
                    Some(i) => part.verdicts.get(&i).copied(),
                    None => {
                        let wide: Vec<usize> = part
                            .deps
                            .iter()
                            .map(|&p| ds.get(p).copied().unwrap_or(0))
                            .collect();
                        part.wide_verdicts.get(&wide).copied()
                    }
                };
                let holds = match known {
                    Some(v) => v,
                    None => {
                        let r = req.get_or_insert_with(build);
                        let v = eval::statement_matches_in_version(&part.stmt, r, version)
                            .unwrap_or(false);
                        match projection {
                            Some(i) => {
                                part.verdicts.insert(i, v);
                            }
                            None => {
                                let wide: Vec<usize> = part
                                    .deps
                                    .iter()
                                    .map(|&p| ds.get(p).copied().unwrap_or(0))
                                    .collect();
                                part.wide_verdicts.insert(wide, v);
                            }
                        }
                        v
                    }
                };
                if !holds {
                    applies = false;
                    break;
                }
            }
            pattern.push(u8::from(applies));
        }
        if let Some(known) = self.outcomes.get(&pattern) {
            return known.clone();
        }
        let r = req.get_or_insert_with(build);
        let outcome = testing::decide(self.side.kind, self.side.doc, r);
        let result = (outcome.decision, deciding(self.side, &outcome));
        self.outcomes.insert(pattern, result.clone());
        result
    }
}

fn build_request(action: &str, domain: &Domain, ds: &[usize]) -> Request {
    let mut req = Request::new(action);
    for (k, d) in domain.keys.iter().zip(ds) {
        if let Some(Some(v)) = k.options.get(*d) {
            req.context.insert(k.lower.clone(), v.clone());
        }
    }
    let resource_digit = ds.get(domain.keys.len()).copied().unwrap_or(0);
    req.resource = domain.resources.get(resource_digit).cloned().flatten();
    // the principal, read from the context as `gov test` reads it
    req.principal = req
        .context
        .get("aws:principalarn")
        .or_else(|| req.context.get("aws:principalservicename"))
        .and_then(|v| v.first().cloned());
    req
}

fn explore(action: &str, sides: &Sides<'_>, domain: &Domain, mask: &[bool]) -> Explored {
    // radices: one per key (1 when the action cannot carry it), then resources
    let mut radices: Vec<usize> = domain
        .keys
        .iter()
        .zip(mask)
        .map(|(k, &on)| if on { k.options.len() } else { 1 })
        .collect();
    radices.push(domain.resources.len().max(1));
    let total = radices
        .iter()
        .fold(1u128, |acc, &r| acc.saturating_mul(r as u128));
    let (indexes, exhaustive) = combination_indexes(&radices, total);
    let examined = indexes.len() as u64;
    let mut old = Cached::new(&sides.old, domain);
    let mut new = Cached::new(&sides.new, domain);
    let mut widen: Option<(usize, Rank, Witness)> = None;
    let mut narrow: Option<(usize, Rank, Witness)> = None;
    for idx in indexes {
        let ds = digits(idx, &radices);
        let build = || build_request(action, domain, &ds);
        let mut req: Option<Request> = None;
        let (before, old_sids) = old.decide(&ds, &radices, &mut req, &build);
        let (after, new_sids) = new.decide(&ds, &radices, &mut req, &build);
        let was = before == Decision::Allow;
        let is = after == Decision::Allow;
        if was == is {
            continue;
        }
        let mut present = 0usize;
        let mut values = 0usize;
        for (k, d) in domain.keys.iter().zip(&ds) {
            if let Some(Some(v)) = k.options.get(*d) {
                present += 1;
                values += v.len();
            }
        }
        let resource_digit = ds.get(domain.keys.len()).copied().unwrap_or(0);
        let slot = if is { &mut widen } else { &mut narrow };
        let rank: Rank = (present, usize::from(resource_digit > 0), values, idx);
        let better = slot.as_ref().is_none_or(|(_, r, _)| rank < *r);
        let count = slot.as_ref().map_or(0, |(c, _, _)| *c) + 1;
        if better {
            let context = domain
                .keys
                .iter()
                .zip(&ds)
                .filter_map(|(k, d)| match k.options.get(*d) {
                    Some(Some(v)) => Some((k.display.clone(), v.clone())),
                    _ => None,
                })
                .collect();
            let multivalued = domain
                .keys
                .iter()
                .zip(&ds)
                .filter(|(k, d)| k.multivalued && matches!(k.options.get(**d), Some(Some(_))))
                .map(|(k, _)| k.display.clone())
                .collect();
            let witness = Witness {
                action: action.to_string(),
                resource: domain.resources.get(resource_digit).cloned().flatten(),
                context,
                multivalued,
                old_decision: before,
                new_decision: after,
                old_statement: old_sids,
                new_statement: new_sids,
            };
            *slot = Some((count, rank, witness));
        } else if let Some(s) = slot.as_mut() {
            s.0 = count;
        }
    }
    Explored {
        widen: widen.map(|(c, _, w)| (c, w)),
        narrow: narrow.map(|(c, _, w)| (c, w)),
        exhaustive,
        total,
        examined,
    }
}
