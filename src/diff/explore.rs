//! Comparing two versions of one policy: which requests change their
//! decision, per action, in each direction.
//!
//! A side's decision (its policy combined per its kind, as `gov test`
//! combines it) depends only on which of its statements apply: with `D`
//! "a `Deny` applies" and `A` "an `Allow` applies", a request is allowed
//! when `¬D ∧ (A ∨ g)`, where `g` holds for SCPs and RCPs (beside
//! `FullAWSAccess` anything not denied is allowed, and their `Allow`
//! statements never matter) and fails for the other kinds. So a request is
//! allowed by `Y` and not by `X` exactly when one of these holds:
//!
//! - (α) some `Deny` of `X` applies, no `Deny` of `Y` does, and (unless
//!   `g_Y`) some `Allow` of `Y` does;
//! - (β) (when `¬g_X`) no `Allow` of `X` and no `Deny` of `Y` applies, and
//!   (unless `g_Y`) some `Allow` of `Y` does.
//!
//! A statement of both versions cannot be the `Deny` of (α) (it would be a
//! `Deny` of `Y` too) nor the `Allow` of (β) (it would be one of `X`): the
//! requests that can change are those where a statement of one version
//! only applies. So (α) and (β) start from those statements — a handful for
//! a small change, whatever the policy's size — and only the actions they
//! cover are looked at; with `g_X ≠ g_Y` (a change of kind) (β) needs no
//! such statement and every action either version names is looked at.
//! Each region is searched exactly (`cases/`); a request found is checked
//! with the evaluator before it is reported.

use super::actions::{Universe, universe};
use super::cases::{self, Answer, Found, Keys, Need, ResourceRule, Restrictions, Solved};
use super::realism::{self, Resource, fill_format};
use super::sieve::Sieve;
use super::stmts::{RESOURCE, Statements, Unified, resources_list};
use super::{ActionFinding, Witness};
use crate::catalog::{Catalog, KeyRef};
use crate::eval::{self, Decision, Layer, Request};
use crate::iam::{PolicyDocument, Statement};
use crate::ir::PolicyKind;
use crate::policy::Effect;
use crate::testing;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What comparing one policy found.
#[derive(Default)]
pub(super) struct Findings {
    pub widens: Vec<ActionFinding>,
    pub narrows: Vec<ActionFinding>,
    pub exhaustive: bool,
    pub notes: Vec<String>,
}

impl Findings {
    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

/// One side of the comparison: the policy's kind and document, or none.
#[derive(Clone, Copy)]
pub(super) struct Version<'a> {
    pub kind: PolicyKind,
    pub doc: Option<&'a PolicyDocument>,
}

/// Beside `FullAWSAccess`, an SCP or RCP allows whatever it does not deny.
fn grants_all(kind: PolicyKind) -> bool {
    matches!(kind, PolicyKind::Scp | PolicyKind::Rcp)
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

/// The statements of both versions, and which of them count on each side.
struct Pair<'a> {
    stmts: Statements<'a>,
    keys: Keys,
    kinds: [PolicyKind; 2],
}

impl Pair<'_> {
    /// Whether statement `u` counts for the decision of side `new`.
    fn counts(&self, u: &Unified<'_>, new: bool) -> bool {
        let present = if new {
            u.new.is_some()
        } else {
            u.old.is_some()
        };
        present
            && match u.effect {
                Effect::Deny => true,
                Effect::Allow => !grants_all(self.kinds[usize::from(new)]) && !u.erroneous,
            }
    }
}

/// Compares `old` and `new` for every action either names.
pub(super) fn compare(old: Version<'_>, new: Version<'_>, catalog: &Catalog) -> Findings {
    let mut findings = Findings {
        exhaustive: true,
        ..Findings::default()
    };
    let stmts = Statements::of(old.doc, new.doc);
    let keys = Keys::of(&stmts, catalog);
    let pair = Pair {
        stmts,
        keys,
        kinds: [old.kind, new.kind],
    };
    let seeds: Vec<usize> = (0..pair.stmts.list.len())
        .filter(|&i| {
            pair.stmts
                .list
                .get(i)
                .is_some_and(|u| pair.counts(u, false) != pair.counts(u, true))
        })
        .collect();
    let kind_change = grants_all(old.kind) != grants_all(new.kind);
    if seeds.is_empty() && !kind_change {
        return findings;
    }
    let docs: Vec<&PolicyDocument> = [old.doc, new.doc].into_iter().flatten().collect();
    let (universe, capped) = universe(&docs, catalog);
    if capped {
        findings.exhaustive = false;
        findings.note(format!(
            "not exhaustive: only the first {} actions were examined",
            super::actions::MAX_ACTIONS
        ));
    }
    let all: Vec<usize> = (0..universe.len()).collect();
    let covers = |u: &Unified<'_>, within: &[usize]| -> Vec<usize> {
        if u.erroneous && u.effect == Effect::Deny {
            // it fails to evaluate, which denies whatever the action
            within.to_vec()
        } else {
            universe.covered(&u.statement.actions, within)
        }
    };
    // What statements with the same actions cover (within one list) is
    // found once: a policy of many statements names few action lists, and
    // matching one against the whole catalog is the costly part.
    let spec = |u: &Unified<'_>| format!("{:?}{}{:?}", u.effect, u.erroneous, u.statement.actions);
    let covered_by = |by_spec: &mut HashMap<String, Vec<usize>>,
                      u: &Unified<'_>,
                      within: &[usize]|
     -> Vec<usize> {
        by_spec
            .entry(spec(u))
            .or_insert_with(|| covers(u, within))
            .clone()
    };
    // the actions where a request can change
    let reach: Vec<usize> = if kind_change {
        all
    } else {
        let mut seen: HashSet<String> = HashSet::new();
        let mut r: Vec<usize> = Vec::new();
        for u in seeds.iter().filter_map(|&s| pair.stmts.list.get(s)) {
            if seen.insert(spec(u)) {
                r.extend(covers(u, &all));
            }
        }
        r.sort_unstable();
        r.dedup();
        r
    };
    // Where neither kind grants all, a request allowed by one version only
    // is allowed by an `Allow` of it ((α) and (β) above): the actions that
    // no `Allow` covers cannot change. Leaving them out keeps a `Deny` with
    // `NotAction` (which covers nearly the whole catalog) from making every
    // action a group to look at, with every such `Deny` in its list.
    let reach: Vec<usize> = if grants_all(old.kind) || grants_all(new.kind) {
        reach
    } else {
        let mut by_spec = HashMap::new();
        let mut allowed: Vec<usize> = pair
            .stmts
            .list
            .iter()
            .filter(|u| {
                u.effect == Effect::Allow && (pair.counts(u, false) || pair.counts(u, true))
            })
            .flat_map(|u| covered_by(&mut by_spec, u, &reach))
            .collect();
        allowed.sort_unstable();
        allowed.dedup();
        allowed
    };
    // per action, the statements that cover it (actions alike in this are
    // treated once)
    let mut covering: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_spec = HashMap::new();
    for (i, u) in pair.stmts.list.iter().enumerate() {
        if !pair.counts(u, false) && !pair.counts(u, true) {
            continue;
        }
        let covered = covered_by(&mut by_spec, u, &reach);
        for a in covered {
            covering.entry(a).or_default().push(i);
        }
    }
    let mut groups: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for a in reach {
        if let Some(list) = covering.remove(&a) {
            groups.entry(list).or_default().push(a);
        }
    }
    // The groups are explored on both cores, each into findings of its
    // own, gathered in the groups' order: the same findings, in the same
    // order, as one after the other.
    let groups: Vec<(Vec<usize>, Vec<usize>)> = groups.into_iter().collect();
    let found: Vec<Findings> = groups
        .par_iter()
        .map(|(statements, actions)| {
            let mut support = Support {
                catalog,
                keys: HashMap::new(),
            };
            let mut own = Findings {
                exhaustive: true,
                ..Findings::default()
            };
            explore_group(
                &pair,
                catalog,
                &universe,
                statements,
                actions,
                &mut support,
                [old, new],
                &mut own,
            );
            own
        })
        .collect();
    for own in found {
        findings.widens.extend(own.widens);
        findings.narrows.extend(own.narrows);
        findings.exhaustive &= own.exhaustive;
        for note in own.notes {
            findings.note(note);
        }
    }
    for list in [&mut findings.widens, &mut findings.narrows] {
        list.sort_by(|a, b| {
            a.action
                .to_ascii_lowercase()
                .cmp(&b.action.to_ascii_lowercase())
        });
    }
    findings
}

/// The statements of one version among `group`, as a document (and the
/// index in the full document of each).
fn reduced(
    pair: &Pair<'_>,
    group: &[usize],
    new: bool,
    version: Option<&PolicyDocument>,
) -> (PolicyDocument, Vec<usize>) {
    let mut picked: Vec<(usize, &Statement)> = group
        .iter()
        .filter_map(|&i| pair.stmts.list.get(i))
        .filter_map(|u| {
            let at = if new { u.new } else { u.old };
            at.map(|at| (at, u.statement))
        })
        .collect();
    picked.sort_by_key(|(at, _)| *at);
    let doc = PolicyDocument {
        version: version.and_then(|d| d.version.clone()),
        id: None,
        statements: picked.iter().map(|(_, s)| (*s).clone()).collect(),
    };
    (doc, picked.into_iter().map(|(at, _)| at).collect())
}

/// The resource rule for `action`: the formats of its resource types that
/// may meet one of `patterns` (ARN patterns of the policies), and one ARN of
/// another format, which meets none.
fn rule_for(action: &str, patterns: &[String], catalog: &Catalog) -> ResourceRule {
    match realism::resource_of(action, catalog) {
        Resource::Unknown => ResourceRule {
            free: true,
            ..ResourceRule::default()
        },
        Resource::None => ResourceRule {
            none_only: true,
            ..ResourceRule::default()
        },
        Resource::Formats(formats) => {
            let (near, far): (Vec<String>, Vec<String>) = formats.into_iter().partition(|f| {
                let glob = realism::format_glob(f);
                patterns.iter().any(|p| !cases::disjoint(&glob, p, true))
            });
            ResourceRule {
                free: false,
                none_only: false,
                formats: near,
                foreign: far.first().map(|f| fill_format(f)),
            }
        }
    }
}

/// A realistic resource for `action` when the resource does not decide.
fn any_resource(action: &str, catalog: &Catalog) -> Option<String> {
    match realism::resource_of(action, catalog) {
        Resource::Formats(f) => f.first().map(|f| fill_format(f)),
        Resource::None | Resource::Unknown => None,
    }
}

/// The rank of a witness: realistic first, then fewest keys, then fewest
/// values.
fn rank(found: &Found, realistic: bool) -> (bool, usize, usize) {
    (
        !realistic,
        found.context.len(),
        found.context.iter().map(|(_, v)| v.len()).sum(),
    )
}

/// What makes actions of a group alike: the keys they cannot carry, and
/// their resource rule (free, none only, formats, a foreign format).
type Alike = (Vec<String>, bool, bool, Vec<String>, bool);

#[allow(clippy::too_many_arguments)]
fn explore_group(
    pair: &Pair<'_>,
    catalog: &Catalog,
    universe: &Universe,
    group: &[usize],
    actions: &[usize],
    support: &mut Support<'_>,
    versions: [Version<'_>; 2],
    findings: &mut Findings,
) {
    // the keys the statements read, and the resource patterns they name
    let mut read: BTreeSet<String> = BTreeSet::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut pattern_set: HashSet<&str> = HashSet::new();
    for u in group.iter().filter_map(|&i| pair.stmts.list.get(i)) {
        for atom in u.atoms.iter().filter_map(|&a| pair.stmts.atoms.get(a)) {
            for r in &atom.reads {
                if r == RESOURCE {
                    if let super::stmts::Part::Resource(res) = &atom.part {
                        for p in resources_list(res) {
                            if p != "*" && pattern_set.insert(p.as_str()) {
                                patterns.push(p.clone());
                            }
                        }
                    }
                } else {
                    read.insert(r.clone());
                }
            }
        }
    }
    let resource_read = group
        .iter()
        .filter_map(|&i| pair.stmts.list.get(i))
        .flat_map(|u| u.atoms.iter())
        .filter_map(|&a| pair.stmts.atoms.get(a))
        .any(|a| a.reads.iter().any(|r| r == RESOURCE));
    // actions alike: the same keys carried, the same resource rule
    let mut alike: BTreeMap<Alike, Vec<(usize, ResourceRule)>> = BTreeMap::new();
    for &a in actions {
        let name = universe.name(a);
        // Allowed whatever either version says: no request for it changes.
        if eval::needs_no_permission(name) {
            continue;
        }
        let absent: Vec<String> = read
            .iter()
            .filter(|k| !support.allows(name, &pair.keys.display(k)))
            .cloned()
            .collect();
        let rule = if resource_read {
            rule_for(name, &patterns, catalog)
        } else {
            ResourceRule {
                free: true,
                ..ResourceRule::default()
            }
        };
        let key = (
            absent,
            rule.free,
            rule.none_only,
            rule.formats.clone(),
            rule.foreign.is_some(),
        );
        alike.entry(key).or_default().push((a, rule));
    }
    let old_doc = reduced(pair, group, false, versions[0].doc);
    let new_doc = reduced(pair, group, true, versions[1].doc);
    for ((absent, ..), members) in alike {
        let Some((_, rule)) = members.first() else {
            continue;
        };
        for widen in [true, false] {
            let Some((found, realistic)) =
                search_direction(pair, catalog, group, &absent, rule, widen, findings)
            else {
                continue;
            };
            report(
                pair,
                catalog,
                universe,
                &members,
                rule,
                &found,
                realistic,
                widen,
                versions,
                [&old_doc, &new_doc],
                findings,
            );
        }
    }
}

/// The best request (if any) allowed by one version and not by the other:
/// a realistic one if there is one, else any.
fn search_direction(
    pair: &Pair<'_>,
    catalog: &Catalog,
    group: &[usize],
    absent: &[String],
    rule: &ResourceRule,
    widen: bool,
    findings: &mut Findings,
) -> Option<(Found, bool)> {
    let (x, y) = if widen { (false, true) } else { (true, false) };
    let g_x = grants_all(pair.kinds[usize::from(x)]);
    let g_y = grants_all(pair.kinds[usize::from(y)]);
    let pick = |new: bool, effect: Effect| -> Vec<usize> {
        group
            .iter()
            .copied()
            .filter(|&i| {
                pair.stmts
                    .list
                    .get(i)
                    .is_some_and(|u| u.effect == effect && pair.counts(u, new))
            })
            .collect()
    };
    let (d_x, a_x, d_y, a_y) = (
        pick(x, Effect::Deny),
        pick(x, Effect::Allow),
        pick(y, Effect::Deny),
        pick(y, Effect::Allow),
    );
    let free = ResourceRule {
        free: true,
        ..ResourceRule::default()
    };
    // what (β) needs not to apply; indexes over the long lists
    let not_apply: Vec<usize> = d_y.iter().chain(a_x.iter()).copied().collect();
    let d_y_sieve = Sieve::new(&pair.stmts, &d_y);
    let a_y_sieve = Sieve::new(&pair.stmts, &a_y);
    let not_apply_sieve = Sieve::new(&pair.stmts, &not_apply);
    let passes: Vec<(&ResourceRule, bool)> = if rule.free {
        vec![(rule, true)]
    } else {
        vec![(rule, true), (&free, false)]
    };
    for (rule, realistic) in passes {
        let mut best: Option<(Found, bool)> = None;
        let consider =
            |answer: Answer, best: &mut Option<(Found, bool)>, findings: &mut Findings| -> bool {
                if !answer.complete {
                    findings.exhaustive = false;
                }
                for n in answer.notes {
                    findings.note(n);
                }
                if let Solved::Found(f) = answer.solved {
                    let better = best
                        .as_ref()
                        .is_none_or(|(b, r)| rank(&f, realistic) < rank(b, *r));
                    if better {
                        *best = Some((f, realistic));
                    }
                }
                // nothing beats a witness without keys
                best.as_ref().is_some_and(|(b, _)| b.context.is_empty())
            };
        let solve = |apply: Vec<usize>, not_apply: &[usize], sieve: Option<&Sieve<'_>>| {
            cases::solve(
                &pair.stmts,
                &pair.keys,
                catalog,
                &Need {
                    apply,
                    not_apply,
                    sieve,
                    absent,
                    resource: rule,
                },
            )
        };
        // (α): a Deny of X only
        let in_d_y: HashSet<usize> = d_y.iter().copied().collect();
        let seeds: Vec<usize> = d_x
            .iter()
            .copied()
            .filter(|s| !in_d_y.contains(s))
            .collect();
        'alpha: for &s in &seeds {
            if g_y {
                if consider(
                    solve(vec![s], &d_y, d_y_sieve.as_ref()),
                    &mut best,
                    findings,
                ) {
                    break 'alpha;
                }
                continue;
            }
            let s_atoms = pair
                .stmts
                .list
                .get(s)
                .map(|u| u.atoms.clone())
                .unwrap_or_default();
            let restrictions = Restrictions::of(&pair.stmts, &pair.keys, s_atoms.iter().copied());
            // the Allows of Y that may apply with `s`, in order
            let narrowed = a_y_sieve.as_ref().and_then(|sieve| {
                sieve.candidates(&pair.stmts, &restrictions, s_atoms.iter().copied())
            });
            for &t in narrowed.as_deref().unwrap_or(&a_y) {
                let excluded = pair.stmts.list.get(t).is_some_and(|u| {
                    u.atoms
                        .iter()
                        .filter_map(|&a| pair.stmts.atoms.get(a))
                        .any(|a| restrictions.excludes(a))
                });
                if excluded {
                    continue;
                }
                if consider(
                    solve(vec![s, t], &d_y, d_y_sieve.as_ref()),
                    &mut best,
                    findings,
                ) {
                    break 'alpha;
                }
            }
        }
        // (β): no Allow of X applies
        let done = best.as_ref().is_some_and(|(b, _)| b.context.is_empty());
        if !g_x && !done {
            if g_y {
                consider(
                    solve(Vec::new(), &not_apply, not_apply_sieve.as_ref()),
                    &mut best,
                    findings,
                );
            } else {
                let in_a_x: HashSet<usize> = a_x.iter().copied().collect();
                for &t in a_y.iter().filter(|t| !in_a_x.contains(t)) {
                    if consider(
                        solve(vec![t], &not_apply, not_apply_sieve.as_ref()),
                        &mut best,
                        findings,
                    ) {
                        break;
                    }
                }
            }
        }
        if best.is_some() {
            return best;
        }
    }
    None
}

/// The Sids of the statements of the policy under test that decided.
fn deciding(kind: PolicyKind, index: &[usize], outcome: &eval::Outcome) -> Option<String> {
    let sids: Vec<String> = outcome
        .deciding
        .iter()
        .filter(|s| s.layer == Layer::of(kind))
        .map(|s| {
            s.sid.clone().unwrap_or_else(|| {
                let original = index.get(s.statement).copied().unwrap_or(s.statement);
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

fn request_of(action: &str, found: &Found, resource: Option<String>) -> Request {
    let mut req = Request::new(action);
    for (k, v) in &found.context {
        req.context.insert(k.clone(), v.clone());
    }
    req.resource = resource;
    super::joint::set_principal(&mut req);
    req
}

/// Reports `found` for every action of `members`, each with a realistic
/// resource of its own, after checking the request with the evaluator.
#[allow(clippy::too_many_arguments)]
fn report(
    pair: &Pair<'_>,
    catalog: &Catalog,
    universe: &Universe,
    members: &[(usize, ResourceRule)],
    rule: &ResourceRule,
    found: &Found,
    realistic: bool,
    widen: bool,
    versions: [Version<'_>; 2],
    docs: [&(PolicyDocument, Vec<usize>); 2],
    findings: &mut Findings,
) {
    let decide = |req: &Request| -> [eval::Outcome; 2] {
        [0, 1].map(|i| testing::decide(versions[i].kind, &docs[i].0, req))
    };
    // the decisions depend on the request's context and resource, never on
    // which action of the group it names; checked once per resource
    let mut checked: HashMap<Option<String>, Option<(Witness, bool)>> = HashMap::new();
    for (a, own) in members {
        let action = universe.name(*a);
        let resource = if found.resource_searched {
            match (&found.resource, &rule.foreign, &own.foreign) {
                (Some(r), Some(f), Some(mine)) if r == f => Some(mine.clone()),
                (r, _, _) => r.clone(),
            }
        } else {
            any_resource(action, catalog)
        };
        let entry = checked.entry(resource.clone()).or_insert_with(|| {
            let req = request_of(action, found, resource.clone());
            let [before, after] = decide(&req);
            let ok = (after.decision == Decision::Allow) == widen
                && (before.decision == Decision::Allow) != widen;
            if !ok {
                return None;
            }
            let mut unknown = req.clone();
            unknown.resource = None;
            let [b2, a2] = decide(&unknown);
            let resource_decides = b2.decision != before.decision || a2.decision != after.decision;
            let context = found
                .context
                .iter()
                .map(|(k, v)| (pair.keys.display(k), v.clone()))
                .collect::<Vec<_>>();
            let multivalued = found
                .context
                .iter()
                .filter(|(k, _)| pair.keys.multivalued.get(k).copied().unwrap_or(false))
                .map(|(k, _)| pair.keys.display(k))
                .collect();
            Some((
                Witness {
                    action: action.to_string(),
                    resource: resource.clone(),
                    resource_decides,
                    context,
                    multivalued,
                    realistic,
                    old_decision: before.decision,
                    new_decision: after.decision,
                    old_statement: deciding(versions[0].kind, &docs[0].1, &before),
                    new_statement: deciding(versions[1].kind, &docs[1].1, &after),
                },
                resource_decides,
            ))
        });
        match entry {
            Some((w, _)) => {
                let mut w = w.clone();
                w.action = action.to_string();
                let into = if widen {
                    &mut findings.widens
                } else {
                    &mut findings.narrows
                };
                into.push(ActionFinding {
                    action: action.to_string(),
                    witness: w,
                });
            }
            None => {
                findings.exhaustive = false;
                findings.note(format!(
                    "not exhaustive: a request found for `{action}` did not change as expected when evaluated; please report this"
                ));
            }
        }
    }
}
