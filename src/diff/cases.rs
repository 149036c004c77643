//! One region of requests: some statements apply, others do not. Finds a
//! request in it, or proves there is none.
//!
//! Only the atoms of those statements are looked at, so only the keys they
//! read get classes. A statement that must not apply but cannot apply
//! where the others do (one of its atoms fails wherever the applying
//! statements hold, judged on the few values they allow, or by patterns
//! that share no text) is left out first: it cannot change the answer.

use super::classes::{Classes, request};
use super::heads::HeadTrie;
use super::joint::Joint;
use super::realism::{fill_format, fill_pattern, key_candidates};
use super::regions::{Kind, Pattern};
use super::search::{self, Choice, ClassSet, Component, Mode, Outcome, Search};
use super::sieve::Sieve;
use super::stmts::{Atom, Part, RESOURCE, Statements, resources_list};
use crate::catalog::Catalog;
use crate::iam::{BaseOperator, OperatorFamily, Resources};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How each key (lowercased) is spelled and whether it takes several values.
#[derive(Default)]
pub(super) struct Keys {
    pub display: HashMap<String, String>,
    pub multivalued: HashMap<String, bool>,
}

impl Keys {
    pub(super) fn of(stmts: &Statements<'_>, catalog: &Catalog) -> Keys {
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

    pub(super) fn display(&self, lower: &str) -> String {
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
pub(super) struct ResourceRule {
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
pub(super) struct Need<'x> {
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
pub(super) struct Found {
    /// (lowercased key, values)
    pub context: Vec<(String, Vec<String>)>,
    pub resource: Option<String>,
    /// Whether the resource was part of the search.
    pub resource_searched: bool,
}

pub(super) enum Solved {
    Found(Found),
    Empty,
    GaveUp,
}

/// The answer, and what limited it.
pub(super) struct Answer {
    pub solved: Solved,
    pub complete: bool,
    pub notes: Vec<String>,
}

/// The few values a slot may take where atoms hold, or its patterns.
#[derive(Default)]
pub(super) struct Restriction {
    /// The values it is one of (`None`: not known to be finite).
    pub values: Option<Vec<String>>,
    pub absent: bool,
    /// Sets of patterns: it matches one of each set (and whether they are
    /// ARN patterns).
    pub patterns: Vec<(Vec<String>, bool)>,
}

/// The patterns of an atom that holds only on texts matching one of them
/// (and never on the absent key), and whether they are ARN patterns.
pub(super) fn positive_patterns(atom: &Atom) -> Option<(Vec<String>, bool)> {
    match &atom.part {
        Part::Condition { spec, values, .. }
            if !spec.if_exists
                && matches!(
                    spec.base,
                    BaseOperator::StringLike | BaseOperator::ArnLike | BaseOperator::ArnEquals
                ) =>
        {
            Some((values.clone(), spec.base != BaseOperator::StringLike))
        }
        Part::Resource(Resources::Resource(list)) if !list.iter().any(|p| p == "*") => {
            Some((list.clone(), true))
        }
        _ => None,
    }
}

/// The values of an equality atom, if it is one: it holds exactly on them.
pub(super) fn equality_values(atom: &Atom) -> Option<Vec<String>> {
    match &atom.part {
        Part::Condition { spec, values, .. }
            if spec.base == BaseOperator::StringEquals && atom.reads.len() == 1 =>
        {
            Some(
                values
                    .iter()
                    .map(|v| {
                        Pattern::parse(v, Kind::Literal, atom.variables)
                            .chars()
                            .collect()
                    })
                    .collect(),
            )
        }
        _ => {
            let (patterns, _) = positive_patterns(atom)?;
            let kind = match &atom.part {
                Part::Condition { spec, .. } if spec.base.family() == OperatorFamily::String => {
                    Kind::Glob
                }
                _ => Kind::Arn,
            };
            let parsed: Vec<Pattern> = patterns
                .iter()
                .map(|p| Pattern::parse(p, kind, atom.variables))
                .collect();
            parsed
                .iter()
                .all(Pattern::is_literal)
                .then(|| parsed.iter().map(|p| p.chars().collect()).collect())
        }
    }
}

/// The text before the first wildcard (or variable), and the text after
/// the last one; the whole text for both when it has none.
pub(super) fn literal_ends(text: &str) -> (&str, &str) {
    let Some(first) = text.find(['*', '?', '$']) else {
        return (text, text);
    };
    let after = text
        .rfind(['*', '?', '}'])
        .map_or(first + 1, |i| i + 1)
        .max(first + 1);
    (
        text.get(..first).unwrap_or(""),
        text.get(after..).unwrap_or(""),
    )
}

fn ends_clash(a: &str, b: &str) -> bool {
    let (pa, sa) = literal_ends(a);
    let (pb, sb) = literal_ends(b);
    !(pa.starts_with(pb) || pb.starts_with(pa)) || !(sa.ends_with(sb) || sb.ends_with(sa))
}

/// Whether no text matches both patterns (conservative: `false` when not
/// sure). Literal heads and tails must agree in the whole text and, for two
/// ARN patterns (`arn`), in each of their six parts: there a wildcard before
/// the sixth part never takes a colon.
pub(super) fn disjoint(a: &str, b: &str, arn: bool) -> bool {
    if ends_clash(a, b) {
        return true;
    }
    if !arn || a.contains("${") || b.contains("${") {
        return false;
    }
    let pa: Vec<&str> = a.splitn(6, ':').collect();
    let pb: Vec<&str> = b.splitn(6, ':').collect();
    pa.len() == 6 && pb.len() == 6 && pa.iter().zip(&pb).any(|(x, y)| ends_clash(x, y))
}

/// What some atoms allow, key by key: the few values of an equality, or
/// the patterns a value must match. Used to drop statements that cannot
/// apply where those atoms hold.
pub(super) struct Restrictions<'s> {
    by_slot: HashMap<&'s str, Restriction>,
}

impl<'s> Restrictions<'s> {
    pub(super) fn of(
        stmts: &'s Statements<'_>,
        keys: &Keys,
        atoms: impl Iterator<Item = usize>,
    ) -> Restrictions<'s> {
        let mut by_slot: HashMap<&'s str, Restriction> = HashMap::new();
        for a in atoms {
            let Some(atom) = stmts.atoms.get(a) else {
                continue;
            };
            let Some(slot) = atom.reads.first() else {
                continue;
            };
            if keys.multivalued(slot) {
                continue;
            }
            if atom.reads.len() > 1 {
                // a pattern holding a policy variable: whatever the
                // variable's value, what it matches has its literal head and
                // tail, and it never holds on the absent key
                if let Some(p) = positive_patterns(atom) {
                    let r = by_slot.entry(slot.as_str()).or_insert_with(|| Restriction {
                        absent: true,
                        ..Restriction::default()
                    });
                    r.absent = false;
                    r.patterns.push(p);
                }
                continue;
            }
            let r = by_slot.entry(slot.as_str()).or_insert_with(|| Restriction {
                absent: true,
                ..Restriction::default()
            });
            let absent = atom.holds(&request(slot, None));
            r.absent &= absent;
            if let Some(values) = equality_values(atom) {
                r.values = Some(match r.values.take() {
                    None => values,
                    Some(old) => old.into_iter().filter(|v| values.contains(v)).collect(),
                });
            } else if !absent && let Some(p) = positive_patterns(atom) {
                r.patterns.push(p);
            }
        }
        Restrictions { by_slot }
    }

    /// The restricted slots.
    pub(super) fn slots(&self) -> impl Iterator<Item = (&str, &Restriction)> {
        self.by_slot.iter().map(|(k, v)| (*k, v))
    }

    /// Whether `atom` fails wherever the atoms hold (`false`: not known).
    pub(super) fn excludes(&self, atom: &Atom) -> bool {
        let Some(slot) = atom.reads.first() else {
            return false;
        };
        let Some(r) = self.by_slot.get(slot.as_str()) else {
            return false;
        };
        // evaluated alone, an atom reading a variable does not resolve it
        if let Some(values) = r.values.as_ref().filter(|_| atom.reads.len() == 1) {
            return values.iter().all(|v| !atom.holds(&request(slot, Some(v))))
                && !(r.absent && atom.holds(&request(slot, None)));
        }
        if r.absent || r.patterns.is_empty() {
            return false;
        }
        let Some((theirs, their_arn)) = positive_patterns(atom) else {
            return false;
        };
        r.patterns.iter().any(|(ours, our_arn)| {
            ours.iter()
                .all(|p| theirs.iter().all(|q| disjoint(p, q, *our_arn && their_arn)))
        })
    }
}

/// Finds a request of the region described by `need`.
pub(super) fn solve(
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
                .map(|f| super::realism::format_pattern(f))
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

/// Where each atom holds among the points of a joint component. A
/// `Resource` (or `NotResource`) atom is evaluated only on the points whose
/// resource starts with the literal head of one of its patterns (found for
/// all atoms at once, by a walk of each resource through a trie of the
/// heads), and on those without a resource; elsewhere no pattern covers
/// the resource, whatever the policy variables hold.
fn joint_holds(atoms: &[&Atom], requests: &[crate::eval::Request]) -> Vec<ClassSet> {
    let n = requests.len();
    let heads: Vec<Option<(Vec<String>, bool)>> = atoms.iter().map(|a| resource_heads(a)).collect();
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
    atoms
        .iter()
        .zip(heads)
        .zip(near)
        .map(|((atom, heads), mut near)| {
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
        })
        .collect()
}

/// For a `Resource` (or `NotResource`) atom, the literal text each of its
/// patterns starts with (up to the first `*`, `?` or `$`), and whether it is
/// negated: a resource that starts with none of them is covered by no
/// pattern, whatever the policy variables hold.
fn resource_heads(atom: &Atom) -> Option<(Vec<String>, bool)> {
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
fn candidates(slot: &str, atoms: &[&Atom], rule: &ResourceRule) -> Vec<String> {
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
