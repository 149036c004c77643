//! The actions a diff looks at: every action either side names, wildcards
//! and `NotAction` expanded against the catalog, and which statements cover
//! which of them, as the evaluator reads `Action` and `NotAction`.

use crate::catalog::Catalog;
use crate::eval::action_applies;
use crate::iam::pattern::{Case, glob_matches};
use crate::iam::{Actions, PolicyDocument};
use std::collections::HashMap;

/// At most this many actions are examined per policy; the catalog has about
/// 22,000, so only a catalog far larger than AWS's reaches it.
pub const MAX_ACTIONS: usize = 50_000;

/// The actions a comparison may look at, each once (without regard to case,
/// as actions are matched), in a stable order.
#[derive(Default)]
pub(super) struct Universe {
    pub names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Universe {
    fn push(&mut self, action: String) {
        let lower = action.to_ascii_lowercase();
        if !self.index.contains_key(&lower) {
            self.index.insert(lower, self.names.len());
            self.names.push(action);
        }
    }

    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    pub(super) fn name(&self, id: usize) -> &str {
        self.names.get(id).map_or("", String::as_str)
    }

    /// The actions of `within` (sorted ids) that `actions` covers.
    pub(super) fn covered(&self, actions: &Actions, within: &[usize]) -> Vec<usize> {
        if let Actions::Action(list) = actions
            && !list.iter().any(|p| crate::catalog::has_wildcard(p))
        {
            // exact names: a lookup each (the evaluator compares them without
            // regard to case, as the index does)
            let mut out: Vec<usize> = list
                .iter()
                .filter_map(|p| self.index.get(&p.to_ascii_lowercase()).copied())
                .filter(|id| within.binary_search(id).is_ok())
                .collect();
            out.sort_unstable();
            out.dedup();
            return out;
        }
        within
            .iter()
            .copied()
            .filter(|&id| action_applies(actions, self.name(id)))
            .collect()
    }
}

/// Adds the actions `pattern` names: catalog actions it matches, or itself
/// when it has no wildcard and the catalog does not know it. Returns whether
/// it is `*`.
fn expand(pattern: &str, catalog: &Catalog, into: &mut Universe) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((service, name)) = pattern.split_once(':') else {
        if crate::catalog::has_wildcard(pattern) {
            // a wildcard may span the colon (`*Object`)
            for s in catalog.services() {
                for a in s.actions() {
                    let full = a.full_name();
                    if glob_matches(pattern, &full, Case::Insensitive) {
                        into.push(full);
                    }
                }
            }
        } else {
            into.push(pattern.to_string());
        }
        return false;
    };
    // an action has one colon, so a wildcard before it stays in the service
    let services: Vec<&crate::catalog::Service> = if crate::catalog::has_wildcard(service) {
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
        if crate::catalog::has_wildcard(name) {
            for a in s.actions_matching(name) {
                into.push(a.full_name());
                found = true;
            }
        } else if let Some(a) = s.action(name) {
            into.push(a.full_name());
            found = true;
        }
    }
    if !found && !crate::catalog::has_wildcard(pattern) {
        into.push(pattern.to_string());
    }
    false
}

/// The actions named by the documents: wildcards expanded; `*` and
/// `NotAction` stand for every action of the catalog. Capped at
/// [`MAX_ACTIONS`]; the flag says whether the cap cut the list.
pub(super) fn universe(docs: &[&PolicyDocument], catalog: &Catalog) -> (Universe, bool) {
    let mut named = Universe::default();
    let mut everything = false;
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for doc in docs {
        for stmt in &doc.statements {
            let (list, not) = match &stmt.actions {
                Actions::Action(list) => (list, false),
                Actions::NotAction(list) => (list, true),
            };
            everything |= not;
            for p in list {
                if seen.insert(p.as_str()) {
                    everything |= expand(p, catalog, &mut named);
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
    let capped = named.names.len() > MAX_ACTIONS;
    if capped {
        named.names.truncate(MAX_ACTIONS);
        named.index.retain(|_, id| *id < MAX_ACTIONS);
    }
    (named, capped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_expand_as_the_evaluator_matches() {
        let catalog = Catalog::embedded().unwrap();
        let doc = PolicyDocument::from_json(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObj*","*ObjectTagging","x:Unknown"],"Resource":"*"}]}"#,
        )
        .unwrap();
        let (u, capped) = universe(&[&doc], catalog);
        assert!(!capped);
        assert!(u.names.contains(&"s3:GetObject".to_string()));
        assert!(u.names.contains(&"s3:PutObjectTagging".to_string()));
        assert!(u.names.contains(&"x:Unknown".to_string()));
        let all: Vec<usize> = (0..u.len()).collect();
        let covered = u.covered(&doc.statements[0].actions, &all);
        assert_eq!(covered.len(), u.len());
        let one = u.covered(&Actions::Action(vec!["S3:GETOBJECT".to_string()]), &all);
        assert_eq!(one.len(), 1);
        assert_eq!(u.name(one[0]), "s3:GetObject");
    }
}
