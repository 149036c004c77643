//! The actions a diff looks at: every action either side names, wildcards
//! and `NotAction` expanded against the catalog.

use crate::catalog::Catalog;
use crate::eval::action_applies;
use crate::iam::pattern::{Case, glob_matches};
use crate::iam::{Actions, PolicyDocument, Statement};
use std::collections::HashSet;

/// At most this many actions are examined per policy; the catalog has about
/// 22,000, so only a catalog far larger than AWS's reaches it.
pub const MAX_ACTIONS: usize = 50_000;

/// Whether a statement's `Action` / `NotAction` covers `action`, as the
/// evaluator reads it.
pub(super) fn statement_covers(stmt: &Statement, action: &str) -> bool {
    action_applies(&stmt.actions, action)
}

/// Collects actions without case duplicates, keeping the first spelling.
#[derive(Default)]
struct Collector {
    seen: HashSet<String>,
    out: Vec<String>,
}

impl Collector {
    fn push(&mut self, action: String) {
        if self.seen.insert(action.to_ascii_lowercase()) {
            self.out.push(action);
        }
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Adds the catalog actions `pattern` names (itself when the catalog does
/// not know it and it has no wildcard). Returns whether it means every action.
fn expand(pattern: &str, catalog: &Catalog, into: &mut Collector) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((service, name)) = pattern.split_once(':') else {
        into.push(pattern.to_string());
        return false;
    };
    let services: Vec<&crate::catalog::Service> = if has_wildcard(service) {
        let prefixes: Vec<String> = catalog
            .service_prefixes()
            .filter(|p| glob_matches(service, p, Case::Insensitive))
            .map(str::to_string)
            .collect();
        prefixes.iter().filter_map(|p| catalog.service(p)).collect()
    } else {
        catalog.service(service).into_iter().collect()
    };
    let mut found = false;
    for s in services {
        if has_wildcard(name) {
            for a in s.actions_matching(name) {
                into.push(a.full_name());
                found = true;
            }
        } else if let Some(a) = s.action(name) {
            into.push(a.full_name());
            found = true;
        }
    }
    if !found && !has_wildcard(pattern) {
        into.push(pattern.to_string());
    }
    false
}

/// The actions named by the documents: wildcards expanded; `*` and
/// `NotAction` stand for every action of the catalog. Capped at
/// [`MAX_ACTIONS`]; the second value says whether the cap cut the list.
pub(super) fn universe(docs: &[&PolicyDocument], catalog: &Catalog) -> (Vec<String>, bool) {
    let mut named = Collector::default();
    let mut everything = false;
    for doc in docs {
        for stmt in &doc.statements {
            match &stmt.actions {
                Actions::Action(list) => {
                    for p in list {
                        everything |= expand(p, catalog, &mut named);
                    }
                }
                Actions::NotAction(list) => {
                    everything = true;
                    for p in list {
                        expand(p, catalog, &mut named);
                    }
                }
            }
        }
    }
    if everything {
        for service in catalog.services() {
            for a in service.actions() {
                named.push(a.full_name());
            }
        }
    }
    let mut out = named.out;
    let capped = out.len() > MAX_ACTIONS;
    out.truncate(MAX_ACTIONS);
    (out, capped)
}
