//! One region of requests: some statements apply, others do not. Finds a
//! request in it, or proves there is none.
//!
//! Only the atoms of those statements are looked at, so only the keys they
//! read get classes. A statement that must not apply but cannot apply
//! where the others do (one of its atoms fails wherever the applying
//! statements hold, judged on the few values they allow, or by patterns
//! that share no text) is left out first: it cannot change the answer.
//!
//! `restrict.rs` finds the statements that cannot apply where others do;
//! `points.rs` the values a component is tried with and where its atoms
//! hold.

mod points;
mod restrict;

use crate::catalog::Catalog;
use crate::diff::classes::Classes;
use crate::diff::joint::Joint;
use crate::diff::regions::Pattern;
use crate::diff::search::{self, Choice, ClassSet, Component, Mode, Outcome, Search};
use crate::diff::sieve::Sieve;
use crate::diff::stmts::{Atom, Part, RESOURCE, Statements, resources_list};
use points::{candidates, joint_holds};
pub(in crate::diff) use restrict::{
    Restriction, Restrictions, disjoint, equality_values, literal_ends, positive_patterns,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How each key (lowercased) is spelled and whether it takes several values.
#[derive(Default)]
pub(in crate::diff) struct Keys {
    pub display: HashMap<String, String>,
    pub multivalued: HashMap<String, bool>,
}

impl Keys {
    pub(in crate::diff) fn of(stmts: &Statements<'_>, catalog: &Catalog) -> Keys {
        let mut keys = Keys::default();
        let mut qualified: HashMap<String, bool> = HashMap::new();
        for atom in &stmts.atoms {
            if let Part::Condition { spec, key, .. } = &atom.part {
                let lower = key.to_ascii_lowercase();
                keys.display
                    .entry(lower.clone())
                    .or_insert_with(|| key.clone());
                *qualified.entry(lower).or_default() |= spec.qualifier.is_some();
            }
            for r in &atom.reads {
                if r == RESOURCE || keys.display.contains_key(r) {
                    continue;
                }
                let display = match r.as_str() {
                    "aws:principalarn" => "aws:PrincipalArn".to_string(),
                    "aws:principalservicename" => "aws:PrincipalServiceName".to_string(),
                    _ => variable_spelling(atom, r).unwrap_or_else(|| r.clone()),
                };
                keys.display.entry(r.clone()).or_insert(display);
            }
        }
        for (lower, display) in &keys.display {
            let multivalued = match catalog.key(display) {
                Some(k) => k.ty.is_multivalued(),
                None => qualified.get(lower).copied().unwrap_or(false),
            };
            keys.multivalued.insert(lower.clone(), multivalued);
        }
        keys
    }

    pub(in crate::diff) fn display(&self, lower: &str) -> String {
        self.display
            .get(lower)
            .cloned()
            .unwrap_or_else(|| lower.to_string())
    }

    fn multivalued(&self, lower: &str) -> bool {
        lower != RESOURCE && self.multivalued.get(lower).copied().unwrap_or(false)
    }
}

/// The spelling of variable `lower` in the atom's values.
fn variable_spelling(atom: &Atom, lower: &str) -> Option<String> {
    let texts: Vec<&String> = match &atom.part {
        Part::Condition { values, .. } => values.iter().collect(),
        Part::Resource(r) => resources_list(r).iter().collect(),
        Part::Principal(_) => Vec::new(),
    };
    for t in texts {
        for piece in crate::iam::variables::pieces(t) {
            if let crate::iam::variables::Piece::Variable { name, .. } = piece
                && name.eq_ignore_ascii_case(lower)
            {
                return Some(name);
            }
        }
    }
    None
}

/// What a witness's resource must be, for the actions at hand.
#[derive(Clone, Debug, Default)]
pub(in crate::diff) struct ResourceRule {
    /// No rule: any resource, or the unknown one.
    pub free: bool,
    /// The unknown resource (`*`) is allowed: the action takes none.
    pub none_only: bool,
    /// Formats that may meet a pattern of the policies.
    pub formats: Vec<String>,
    /// An ARN of another format of the action, which meets no pattern.
    pub foreign: Option<String>,
}

/// What must hold in the region.
pub(in crate::diff) struct Need<'x> {
    /// Statements that must apply.
    pub apply: Vec<usize>,
    /// Statements that must not.
    pub not_apply: &'x [usize],
    /// An index over `not_apply`, if it is long.
    pub sieve: Option<&'x Sieve<'x>>,
    /// Keys the action cannot carry (lowercased): absent.
    pub absent: &'x [String],
    pub resource: &'x ResourceRule,
}

/// A request found: the keys present and the resource.
#[derive(Clone, Debug, Default)]
pub(in crate::diff) struct Found {
    /// (lowercased key, values)
    pub context: Vec<(String, Vec<String>)>,
    pub resource: Option<String>,
    /// Whether the resource was part of the search.
    pub resource_searched: bool,
}

pub(in crate::diff) enum Solved {
    Found(Found),
    Empty,
    GaveUp,
}

/// The answer, and what limited it.
pub(in crate::diff) struct Answer {
    pub solved: Solved,
    pub complete: bool,
    pub notes: Vec<String>,
}

/// Finds a request of the region described by `need`.
pub(in crate::diff) fn solve(
    stmts: &Statements<'_>,
    keys: &Keys,
    catalog: &Catalog,
    need: &Need<'_>,
) -> Answer {
    let mut answer = Answer {
        solved: Solved::Empty,
        complete: true,
        notes: Vec::new(),
    };
    let mut must: BTreeSet<usize> = BTreeSet::new();
    for &s in &need.apply {
        if let Some(u) = stmts.list.get(s) {
            must.extend(u.atoms.iter().copied());
        }
    }
    let restrictions = Restrictions::of(stmts, keys, must.iter().copied());
    // the statements that must not apply, but for some that cannot
    let narrowed = need
        .sieve
        .and_then(|s| s.candidates(stmts, &restrictions, must.iter().copied()));
    let mut clauses: Vec<Vec<usize>> = Vec::new();
    for &t in narrowed.as_deref().unwrap_or(need.not_apply) {
        let Some(u) = stmts.list.get(t) else {
            continue;
        };
        if need.apply.contains(&t) {
            return answer;
        }
        let open: Vec<usize> = u
            .atoms
            .iter()
            .copied()
            .filter(|a| !must.contains(a))
            .collect();
        if open.is_empty() {
            // it applies wherever the others do
            return answer;
        }
        if open
            .iter()
            .any(|&a| stmts.atoms.get(a).is_some_and(|x| restrictions.excludes(x)))
        {
            continue;
        }
        clauses.push(open);
    }
    // the slots read, and the components they form
    let mut used: BTreeSet<usize> = must.clone();
    for c in &clauses {
        used.extend(c.iter().copied());
    }
    let mut slots: Vec<String> = Vec::new();
    let mut slot_index: HashMap<String, usize> = HashMap::new();
    for &a in &used {
        if let Some(atom) = stmts.atoms.get(a) {
            for r in &atom.reads {
                if !slot_index.contains_key(r) {
                    slot_index.insert(r.clone(), slots.len());
                    slots.push(r.clone());
                }
            }
        }
    }
    let mut parent: Vec<usize> = (0..slots.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let gp = parent.get(p).copied().unwrap_or(p);
            if let Some(x) = parent.get_mut(i) {
                *x = gp;
            }
            i = gp;
        }
        i
    }
    for &a in &used {
        if let Some(atom) = stmts.atoms.get(a) {
            let ids: Vec<usize> = atom
                .reads
                .iter()
                .filter_map(|r| slot_index.get(r).copied())
                .collect();
            if let Some((&first, rest)) = ids.split_first() {
                for &other in rest {
                    let (x, y) = (root(&mut parent, first), root(&mut parent, other));
                    if x != y {
                        parent[y.max(x)] = x.min(y);
                    }
                }
            }
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..slots.len() {
        let r = root(&mut parent, i);
        members.entry(r).or_default().push(i);
    }
    // the atoms of each component (by the root of the first slot each reads)
    let mut atoms_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for &a in &used {
        let first = stmts
            .atoms
            .get(a)
            .and_then(|x| x.reads.first())
            .and_then(|r| slot_index.get(r))
            .copied();
        if let Some(i) = first {
            atoms_of.entry(root(&mut parent, i)).or_default().push(a);
        }
    }
    // build each component and its atoms
    let mut components: Vec<Component> = Vec::new();
    let mut built: Vec<Built> = Vec::new();
    let mut local: HashMap<usize, usize> = HashMap::new();
    let mut atoms: Vec<search::Atom> = Vec::new();
    let mut extra_must: Vec<usize> = Vec::new();
    for (component_root, slot_ids) in &members {
        let names: Vec<String> = slot_ids
            .iter()
            .filter_map(|&i| slots.get(i).cloned())
            .collect();
        let in_component: Vec<usize> = atoms_of.remove(component_root).unwrap_or_default();
        let atom_refs: Vec<&Atom> = in_component
            .iter()
            .filter_map(|&a| stmts.atoms.get(a))
            .collect();
        let has_resource = names.iter().any(|n| n == RESOURCE);
        let formats: Vec<Pattern> = if has_resource && !need.resource.free {
            need.resource
                .formats
                .iter()
                .map(|f| crate::diff::realism::format_pattern(f))
                .collect()
        } else {
            Vec::new()
        };
        let c = components.len();
        let simple = names.len() == 1 && atom_refs.iter().all(|a| a.reads.len() == 1);
        if simple {
            let slot = names.first().cloned().unwrap_or_default();
            let candidates = candidates(&slot, &atom_refs, need.resource);
            let display = if slot == RESOURCE {
                RESOURCE.to_string()
            } else {
                keys.display(&slot)
            };
            let mut classes = Classes::of(&display, &atom_refs, &formats, &candidates);
            answer.complete &= classes.complete;
            push_notes(&mut answer.notes, &classes.notes);
            let n = classes.len();
            for (&a, atom) in in_component.iter().zip(&atom_refs) {
                let (absent, holds) = classes.atom(atom, &slot);
                local.insert(a, atoms.len());
                atoms.push(search::Atom {
                    component: c,
                    absent,
                    quantifier: if atom.for_all() {
                        search::Quantifier::All
                    } else {
                        search::Quantifier::Any
                    },
                    holds,
                });
            }
            if need.absent.contains(&slot) {
                extra_must.push(atoms.len());
                atoms.push(search::Atom {
                    component: c,
                    absent: true,
                    quantifier: search::Quantifier::Any,
                    holds: ClassSet::none(),
                });
            }
            if has_resource && !need.resource.free {
                let foreign = need
                    .resource
                    .foreign
                    .as_ref()
                    .and_then(|f| classes.reps.iter().position(|r| r == f));
                let holds = ClassSet::from_fn(n, |i| {
                    Some(i) == foreign
                        || classes
                            .reps
                            .get(i)
                            .is_some_and(|r| formats.iter().any(|p| p.matches(r)))
                });
                extra_must.push(atoms.len());
                atoms.push(search::Atom {
                    component: c,
                    absent: need.resource.none_only,
                    quantifier: search::Quantifier::Any,
                    holds,
                });
            }
            let mode = if keys.multivalued(&slot) {
                Mode::Multi
            } else {
                Mode::Single
            };
            components.push(Component { mode, n });
            built.push(Built::Simple { slot, classes });
        } else {
            let resource_candidates = if has_resource {
                candidates(RESOURCE, &atom_refs, need.resource)
            } else {
                Vec::new()
            };
            let joint = Joint::build(&names, &atom_refs, catalog, &formats, &resource_candidates);
            answer.complete &= joint.complete;
            push_notes(&mut answer.notes, &joint.notes);
            let n = joint.points;
            let requests: Vec<crate::eval::Request> = (0..n).map(|p| joint.request(p)).collect();
            for ((&a, _), holds) in in_component
                .iter()
                .zip(&atom_refs)
                .zip(joint_holds(&atom_refs, &requests))
            {
                local.insert(a, atoms.len());
                atoms.push(search::Atom {
                    component: c,
                    absent: false,
                    quantifier: search::Quantifier::Any,
                    holds,
                });
            }
            let absent_keys: Vec<&String> =
                names.iter().filter(|n| need.absent.contains(n)).collect();
            if !absent_keys.is_empty() {
                extra_must.push(atoms.len());
                atoms.push(search::Atom {
                    component: c,
                    absent: false,
                    quantifier: search::Quantifier::Any,
                    holds: ClassSet::from_fn(n, |p| {
                        requests
                            .get(p)
                            .is_some_and(|r| absent_keys.iter().all(|k| r.values(k).is_none()))
                    }),
                });
            }
            if has_resource && !need.resource.free {
                extra_must.push(atoms.len());
                atoms.push(search::Atom {
                    component: c,
                    absent: false,
                    quantifier: search::Quantifier::Any,
                    holds: ClassSet::from_fn(n, |p| {
                        requests.get(p).is_some_and(|r| match &r.resource {
                            None => need.resource.none_only,
                            Some(res) => {
                                need.resource.foreign.as_ref() == Some(res)
                                    || formats.iter().any(|f| f.matches(res))
                            }
                        })
                    }),
                });
            }
            components.push(Component {
                mode: Mode::Joint,
                n,
            });
            built.push(Built::Joint(joint));
        }
    }
    let mut must_local: Vec<usize> = must.iter().filter_map(|a| local.get(a).copied()).collect();
    must_local.extend(extra_must);
    let clauses_local: Vec<Vec<usize>> = clauses
        .iter()
        .map(|c| c.iter().filter_map(|a| local.get(a).copied()).collect())
        .collect();
    answer.solved = match Search::new(&components, &atoms).run(&must_local, &clauses_local) {
        Outcome::Empty => Solved::Empty,
        Outcome::GaveUp => {
            answer.complete = false;
            Solved::GaveUp
        }
        Outcome::Found(choices) => {
            let mut found = Found::default();
            for (b, choice) in built.iter().zip(&choices) {
                match (b, choice) {
                    (Built::Simple { slot, classes }, Choice::Classes(ids)) => {
                        let values: Vec<String> = ids
                            .iter()
                            .filter_map(|&i| classes.reps.get(i).cloned())
                            .collect();
                        if slot == RESOURCE {
                            found.resource_searched = true;
                            found.resource = values.into_iter().next();
                        } else {
                            found.context.push((slot.clone(), values));
                        }
                    }
                    (Built::Simple { slot, .. }, _) => {
                        found.resource_searched |= slot == RESOURCE;
                    }
                    (Built::Joint(joint), Choice::Point(p)) => {
                        let (present, resource) = joint.values(*p);
                        for (k, v) in present {
                            found.context.push((k.lower.clone(), v));
                        }
                        if joint.resources.is_some() {
                            found.resource_searched = true;
                            found.resource = resource;
                        }
                    }
                    (Built::Joint(_), _) => {}
                }
            }
            found.context.sort();
            Solved::Found(found)
        }
    };
    if matches!(answer.solved, Solved::GaveUp) {
        push_notes(
            &mut answer.notes,
            &[format!(
                "not exhaustive: a search stopped after {} steps",
                search::MAX_STEPS
            )],
        );
    }
    answer
}

enum Built {
    Simple { slot: String, classes: Classes },
    Joint(Joint),
}

fn push_notes(into: &mut Vec<String>, notes: &[String]) {
    for n in notes {
        if !into.contains(n) {
            into.push(n.clone());
        }
    }
}
