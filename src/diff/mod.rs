//! What a change does to access: two compiled versions of a set of policies
//! compared, per action, over every request.
//!
//! Policies are matched by name; a removed and an added policy with the same
//! canonical JSON (and kind) are a rename, and an unchanged policy is not
//! looked at (a side against itself costs one rendering of each policy).
//! For a changed policy (an added or removed one against "no policy"), its
//! decision — the policy combined per its kind, as `gov test` combines it —
//! depends only on which statements apply, so a request can change only
//! where a statement of one version alone applies (`explore.rs`). Only the
//! actions those statements cover are looked at (wildcards, `*` and
//! `NotAction` expanded against the catalog), grouped by the statements
//! that cover them, and only the statements of the group are read:
//!
//! - each statement is split into atoms (`Resource`, `Principal`, each
//!   condition entry; `stmts.rs`);
//! - each region "these statements apply, those do not" is searched for a
//!   request (`cases/`, `search.rs`; the statements that cannot apply there
//!   are looked up, not tested one by one, `sieve.rs`): per key, the values
//!   the atoms read alike form classes (`classes.rs`: each constant, and a value of every
//!   region the patterns cut, found by walking their automata, `walk.rs`;
//!   numbers, dates and addresses around the constants, `values.rs`), and
//!   a request is a choice of absent or a class per key (a set of classes
//!   for a multivalued key); keys linked by a policy variable or a
//!   principal are enumerated together (`joint.rs`, `domain/`);
//! - a request found is checked with the evaluator on both versions before
//!   it is reported, with the resource an ARN of a type the action takes,
//!   by the catalog (`realism.rs`), and real-looking values.
//!
//! Each action is reported once per direction with one witness (few keys
//! present). Requests denied before and allowed after *widen*; the reverse
//! *narrows* (a change between implicit and explicit deny is neither).
//! Keys the catalog says an action does not carry stay absent for it.
//!
//! Exact, except where a bound is met, which the change says in its notes
//! (and then it is not exhaustive): more than [`MAX_REGION_STATES`] states
//! when walking patterns; more than [`MAX_POINTS`] combinations of keys tied
//! by a policy variable (and there, of a multivalued key with more than
//! [`MAX_REPS_FOR_ALL_SUBSETS`] values, only sets of up to two and the whole
//! set); a search of more than [`MAX_STEPS`] steps; more than
//! [`MAX_ACTIONS`] actions; a key compared by operators of several types;
//! case variants of non-ASCII text under an `IgnoreCase` operator. Values of
//! a policy variable are tokens equal to the values they are compared with,
//! another value, and values a witness suggests: a bound, not a proof. An
//! action the catalog does not list is tried only when a policy names it
//! without wildcards.

mod actions;
mod cases;
mod classes;
mod domain;
mod explore;
mod git;
mod heads;
mod joint;
mod json;
mod realism;
mod regions;
mod render;
mod search;
mod sieve;
mod stmts;
mod values;
mod walk;

pub use actions::MAX_ACTIONS;
pub use domain::{MAX_REGION_STATES, MAX_REPS_FOR_ALL_SUBSETS};
pub use git::{DiffError, read_git_side};
pub use joint::MAX_POINTS;
pub use json::json_side;
pub use render::{MAX_LISTED, render_human, render_json, render_markdown, witness_request};
pub use search::MAX_STEPS;

use crate::catalog::Catalog;
use crate::eval::Decision;
use crate::iam;
use crate::ir::{self, PolicyKind};
use explore::Version;
use std::collections::{BTreeMap, BTreeSet};

/// One version of the policies: each policy with its compiled document.
#[derive(Clone, Debug, Default)]
pub struct Side<'a> {
    pub policies: Vec<(&'a ir::Policy, &'a iam::PolicyDocument)>,
}

impl<'a> Side<'a> {
    /// A side over compiled policies held elsewhere.
    pub fn new(compiled: &'a [(std::sync::Arc<ir::Policy>, iam::PolicyDocument)]) -> Side<'a> {
        Side {
            policies: compiled.iter().map(|(p, d)| (&**p, d)).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Renamed { from: String },
    Modified,
}

impl ChangeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Renamed { .. } => "renamed",
            ChangeKind::Modified => "modified",
        }
    }
}

/// A request whose decision changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    pub action: String,
    /// An ARN of a resource type the action takes (by the catalog); `None`
    /// for an action that takes none (`*`), or one the catalog does not
    /// know when the resource does not decide.
    pub resource: Option<String>,
    /// Whether the decision on either side depends on the resource (it
    /// changes when the resource is unknown); renderings show the resource
    /// only then.
    pub resource_decides: bool,
    /// The keys present, with their values; absent keys are left out.
    pub context: Vec<(String, Vec<String>)>,
    /// The keys of `context` that are multivalued (written as lists).
    pub multivalued: Vec<String>,
    /// A request AWS could receive, by the catalog: a resource of a type
    /// the action takes. False when the decision changes only for other
    /// resources (an ARN the action does not take, or none).
    pub realistic: bool,
    pub old_decision: Decision,
    pub new_decision: Decision,
    /// The Sid(s) of the policy under test that decided on the old side
    /// (`#N` for a statement without Sid); `None` when none of its
    /// statements decided (an implicit deny, or an allow by the companions).
    pub old_statement: Option<String>,
    pub new_statement: Option<String>,
}

/// One action whose access changed in one direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionFinding {
    pub action: String,
    /// A request whose decision changed this way (few keys present).
    pub witness: Witness,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyChange {
    pub name: String,
    /// The kind of the new version (of the old one for a removed policy).
    pub kind_of_policy: PolicyKind,
    pub change: ChangeKind,
    /// Unified diff (3 lines of context) of the canonical pretty JSON.
    pub text_diff: String,
    /// Requests denied before, allowed after.
    pub widens: Vec<ActionFinding>,
    /// Requests allowed before, denied after.
    pub narrows: Vec<ActionFinding>,
    /// False when a bound was met (see `notes`): then a change may have
    /// been missed.
    pub exhaustive: bool,
    /// Limits met while comparing, and kind changes.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffReport {
    /// Sorted by name.
    pub changes: Vec<PolicyChange>,
}

impl DiffReport {
    /// Whether every change was examined exhaustively.
    pub fn exhaustive(&self) -> bool {
        self.changes.iter().all(|c| c.exhaustive)
    }
}

pub fn has_widening(report: &DiffReport) -> bool {
    report.changes.iter().any(|c| !c.widens.is_empty())
}

pub fn has_narrowing(report: &DiffReport) -> bool {
    report.changes.iter().any(|c| !c.narrows.is_empty())
}

struct Entry<'a> {
    policy: &'a ir::Policy,
    doc: &'a iam::PolicyDocument,
    json: String,
}

fn index<'a>(side: &Side<'a>) -> BTreeMap<String, Entry<'a>> {
    side.policies
        .iter()
        .map(|(p, d)| {
            (
                p.name.clone(),
                Entry {
                    policy: p,
                    doc: d,
                    json: d.to_canonical_json(true),
                },
            )
        })
        .collect()
}

fn text_diff(old: Option<(&str, &str)>, new: Option<(&str, &str)>) -> String {
    let with_newline = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("{s}\n")
        }
    };
    let old_text = old.map(|(_, j)| with_newline(j)).unwrap_or_default();
    let new_text = new.map(|(_, j)| with_newline(j)).unwrap_or_default();
    let old_name = old.map_or_else(|| "/dev/null".to_string(), |(n, _)| format!("a/{n}.json"));
    let new_name = new.map_or_else(|| "/dev/null".to_string(), |(n, _)| format!("b/{n}.json"));
    similar::TextDiff::from_lines(&old_text, &new_text)
        .unified_diff()
        .context_radius(3)
        .header(&old_name, &new_name)
        .to_string()
}

/// Compares two versions of a set of policies.
pub fn diff(old: &Side<'_>, new: &Side<'_>, catalog: &Catalog) -> DiffReport {
    let old_index = index(old);
    let new_index = index(new);
    let mut changes = Vec::new();

    let removed: Vec<&String> = old_index
        .keys()
        .filter(|n| !new_index.contains_key(*n))
        .collect();
    let added: Vec<&String> = new_index
        .keys()
        .filter(|n| !old_index.contains_key(*n))
        .collect();
    // renames: an added policy equal to a removed one
    let mut renamed_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut taken: BTreeSet<&String> = BTreeSet::new();
    for a in &added {
        let Some(entry) = new_index.get(*a) else {
            continue;
        };
        let twin = removed.iter().find(|r| {
            !taken.contains(**r)
                && old_index
                    .get(**r)
                    .is_some_and(|o| o.json == entry.json && o.policy.kind == entry.policy.kind)
        });
        if let Some(r) = twin {
            taken.insert(r);
            renamed_from.insert(a, r);
        }
    }

    for (name, entry) in &new_index {
        let version = Version {
            kind: entry.policy.kind,
            doc: Some(entry.doc),
        };
        if let Some(from) = renamed_from.get(name) {
            changes.push(PolicyChange {
                name: name.clone(),
                kind_of_policy: entry.policy.kind,
                change: ChangeKind::Renamed {
                    from: (*from).clone(),
                },
                text_diff: String::new(),
                widens: Vec::new(),
                narrows: Vec::new(),
                exhaustive: true,
                notes: Vec::new(),
            });
            continue;
        }
        match old_index.get(name) {
            Some(before) => {
                if before.json == entry.json && before.policy.kind == entry.policy.kind {
                    continue;
                }
                let findings = explore::compare(
                    Version {
                        kind: before.policy.kind,
                        doc: Some(before.doc),
                    },
                    version,
                    catalog,
                );
                let mut notes = Vec::new();
                if before.policy.kind != entry.policy.kind {
                    notes.push(format!(
                        "the kind changed from `{}` to `{}`",
                        before.policy.kind.keyword(),
                        entry.policy.kind.keyword()
                    ));
                }
                notes.extend(findings.notes);
                changes.push(PolicyChange {
                    name: name.clone(),
                    kind_of_policy: entry.policy.kind,
                    change: ChangeKind::Modified,
                    text_diff: text_diff(Some((name, &before.json)), Some((name, &entry.json))),
                    widens: findings.widens,
                    narrows: findings.narrows,
                    exhaustive: findings.exhaustive,
                    notes,
                });
            }
            None => {
                let findings = explore::compare(
                    Version {
                        kind: entry.policy.kind,
                        doc: None,
                    },
                    version,
                    catalog,
                );
                changes.push(PolicyChange {
                    name: name.clone(),
                    kind_of_policy: entry.policy.kind,
                    change: ChangeKind::Added,
                    text_diff: text_diff(None, Some((name, &entry.json))),
                    widens: findings.widens,
                    narrows: findings.narrows,
                    exhaustive: findings.exhaustive,
                    notes: findings.notes,
                });
            }
        }
    }
    for name in removed {
        if taken.contains(name) {
            continue;
        }
        let Some(entry) = old_index.get(name) else {
            continue;
        };
        let findings = explore::compare(
            Version {
                kind: entry.policy.kind,
                doc: Some(entry.doc),
            },
            Version {
                kind: entry.policy.kind,
                doc: None,
            },
            catalog,
        );
        changes.push(PolicyChange {
            name: name.clone(),
            kind_of_policy: entry.policy.kind,
            change: ChangeKind::Removed,
            text_diff: text_diff(Some((name, &entry.json)), None),
            widens: findings.widens,
            narrows: findings.narrows,
            exhaustive: findings.exhaustive,
            notes: findings.notes,
        });
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    DiffReport { changes }
}
