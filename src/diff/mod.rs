//! What a change does to access: two compiled versions of a set of policies
//! compared request by request.
//!
//! Policies are matched by name; a removed and an added policy with the same
//! canonical JSON (and kind) are a rename. For each changed policy, every
//! action either version names (wildcards, `*` and `* except` expanded against
//! the catalog) is evaluated with [`crate::testing::decide`] — the policy
//! combined per its kind, as its `test` blocks are run — against "no policy"
//! for an added or removed one, over a request space built from the
//! constants both versions mention for that action:
//!
//! - per condition key: absent; for strings and ARNs each constant, a value
//!   inside each glob (`*`, `?` as `x`), a value matched by none, then a
//!   witness of every other region the constants and globs cut (found by
//!   walking the product of their automata: exact, up to
//!   [`MAX_REGION_STATES`] states); an address inside each CIDR range and
//!   outside the smaller ranges it holds, and one outside all; each number
//!   or date, one below all, one above all, one between each two; `true`
//!   and `false`; case-flipped values where an `IgnoreCase` operator is
//!   used; for multivalued keys sets of several values (every subset of up
//!   to [`MAX_REPS_FOR_ALL_SUBSETS`] representatives, else every pair and
//!   the whole set). An empty set is absent in IAM, so it is not tried apart;
//! - a key named as a policy variable (`${aws:PrincipalTag/team}`) takes a
//!   token equal to the one the compared key is tried with, another value,
//!   and every value that makes a witness of the compared key (or of a
//!   resource) match a pattern holding the variable; the compared key in
//!   turn takes the pattern filled with each of those values;
//! - resources: unknown (`*`, outside every pattern), and a witness of every
//!   region the patterns named cut;
//! - principals (resource and key policies): each principal named (an
//!   account as its root), and another, read from `aws:PrincipalArn` /
//!   `aws:PrincipalServiceName` as `gov test` does.
//!
//! Keys the catalog says an action does not carry stay absent for it.
//! Actions that the same statements cover and that carry the same keys are
//! explored once; each statement is split into its condition entries, whose
//! verdicts are cached per value of the keys they read, and the decision is
//! cached per pattern of statement verdicts (exact: a decision depends on
//! nothing else). Requests denied before and allowed after *widen*; the
//! reverse *narrows* (a change between implicit and explicit deny is
//! neither). Each action is reported once per direction: the number of
//! differing combinations and the witness with the fewest present keys.
//! Above [`MAX_COMBINATIONS`] combinations per group of actions, every
//! combination with at most one key present and a deterministic strided
//! sample of the rest are evaluated, and the change says it is not
//! exhaustive.
//!
//! Limits: a difference needing three or more specific values together in
//! a multivalued key with more than [`MAX_REPS_FOR_ALL_SUBSETS`]
//! representatives, a case variant other than all-upper or all-lower under
//! an `IgnoreCase` operator, or a variable value that no witness suggests can
//! be missed; an action the catalog does not list is tried only when a
//! policy names it without wildcards.

mod actions;
mod domain;
mod explore;
mod git;
mod json;
mod regions;
mod render;
mod values;

pub use actions::MAX_ACTIONS;
pub use domain::{MAX_REGION_STATES, MAX_REPS_FOR_ALL_SUBSETS};
pub use explore::MAX_COMBINATIONS;
pub use git::{DiffError, read_git_side};
pub use json::json_side;
pub use render::{MAX_LISTED, render_human, render_json, render_markdown, witness_request};

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
    pub fn new(compiled: &'a [(ir::Policy, iam::PolicyDocument)]) -> Side<'a> {
        Side {
            policies: compiled.iter().map(|(p, d)| (p, d)).collect(),
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
    /// `None`: the resource is unknown (`*`).
    pub resource: Option<String>,
    /// The keys present, with their values; absent keys are left out.
    pub context: Vec<(String, Vec<String>)>,
    /// The keys of `context` that are multivalued (written as lists).
    pub multivalued: Vec<String>,
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
    /// How many of the combinations examined changed this way.
    pub count: usize,
    /// The changed combination with the fewest present keys.
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
    /// False when some action group had too many combinations and was
    /// sampled (see `notes`).
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
