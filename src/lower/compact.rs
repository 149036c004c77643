//! Compacting a lowered policy: statements that differ only in their
//! actions, or only in their resources, become one statement.
//!
//! Both merges are exact. A request matches a statement when its action,
//! its resource and the condition all match, so for statements equal in
//! everything but the action list, `(A₁ ∧ R ∧ C) ∨ (A₂ ∧ R ∧ C)` is
//! `(A₁ ∪ A₂) ∧ R ∧ C`; the same holds for `NotResource` beside the action
//! and, with the roles swapped, for resource lists beside one action element
//! (`Action` or `NotAction`, which must then be equal). `NotAction` lists
//! are never merged with each other: their union would be an intersection
//! of what they match. Statements with an id are left alone: the user named
//! them, and tests and reviews refer to them by that name.

use crate::iam::{Actions, PolicyDocument, Resources, Statement};
use std::collections::HashMap;

/// Merges what can be merged, keeping the first statement of each group in
/// place. `origins` (the rule of each statement) is kept in step with it.
///
/// A merged statement stays at most `cap` characters (counted generously:
/// pretty-printed, with room for indentation), so that a policy over its
/// size limit can still be spread over several documents statement by
/// statement where its unmerged statements could.
pub fn compact(statements: &mut Vec<Statement>, origins: &mut Vec<usize>, cap: usize) {
    merge_by(statements, origins, cap, action_list_key, union_actions);
    merge_by(statements, origins, cap, resource_list_key, union_resources);
}

/// A group being merged into: its statement's index and its size so far,
/// measured only once a second statement comes (most keys are met once, and
/// rendering a statement to measure it is the dearest step here).
struct Group {
    index: usize,
    size: Option<usize>,
}

/// Merges each statement into the first earlier one with the same key
/// (`None`: never merged) while the result stays within `cap`. Linear in the
/// statements, beside hashing keys.
fn merge_by(
    statements: &mut Vec<Statement>,
    origins: &mut Vec<usize>,
    cap: usize,
    key: fn(&Statement) -> Option<String>,
    union: fn(&mut Statement, Statement) -> usize,
) {
    let mut groups: HashMap<String, Group> = HashMap::new();
    let mut kept: Vec<Statement> = Vec::with_capacity(statements.len());
    let mut kept_origins = Vec::with_capacity(origins.len());
    for (stmt, origin) in statements.drain(..).zip(origins.drain(..)) {
        let Some(k) = key(&stmt) else {
            kept.push(stmt);
            kept_origins.push(origin);
            continue;
        };
        let mut size = None;
        if let Some(group) = groups.get_mut(&k) {
            let own = rendered_size(&stmt);
            size = Some(own);
            let so_far = *group
                .size
                .get_or_insert_with(|| kept.get(group.index).map_or(0, rendered_size));
            // What `stmt` adds is at most its own text.
            if so_far + own <= cap
                && let Some(into) = kept.get_mut(group.index)
            {
                group.size = Some(so_far + union(into, stmt));
                continue;
            }
        }
        groups.insert(
            k,
            Group {
                index: kept.len(),
                size,
            },
        );
        kept.push(stmt);
        kept_origins.push(origin);
    }
    *statements = kept;
    *origins = kept_origins;
}

/// The size of a document holding only `stmt`, pretty-printed: an upper
/// bound of what the statement costs in any rendering.
fn rendered_size(stmt: &Statement) -> usize {
    PolicyDocument {
        version: None,
        id: None,
        statements: vec![stmt.clone()],
    }
    .to_canonical_json(true)
    .len()
}

/// An upper bound of the characters `items` add to a pretty-printed list:
/// each JSON-escaped, on its own indented line, with a comma.
fn list_cost(items: &[String]) -> usize {
    items
        .iter()
        .map(|item| serde_json::to_string(item).map_or(item.len() * 12, |s| s.len()) + 16)
        .sum()
}

/// Everything but the `Action` list, for statements whose actions can merge.
fn action_list_key(stmt: &Statement) -> Option<String> {
    match (&stmt.sid, &stmt.actions) {
        (None, Actions::Action(_)) => Some(format!(
            "{:?}|{:?}|{:?}|{:?}",
            stmt.effect, stmt.principal, stmt.resources, stmt.conditions
        )),
        _ => None,
    }
}

/// Everything but the `Resource` list, for statements whose resources can merge.
fn resource_list_key(stmt: &Statement) -> Option<String> {
    match (&stmt.sid, &stmt.resources) {
        (None, Some(Resources::Resource(_))) => Some(format!(
            "{:?}|{:?}|{:?}|{:?}",
            stmt.effect, stmt.principal, stmt.actions, stmt.conditions
        )),
        _ => None,
    }
}

/// Adds the actions of `from` to `into`; returns an upper bound of the
/// characters added.
fn union_actions(into: &mut Statement, from: Statement) -> usize {
    if let (Actions::Action(to), Actions::Action(more)) = (&mut into.actions, from.actions) {
        let added = list_cost(&more);
        to.extend(more);
        *to = super::sorted_actions(to);
        return added;
    }
    0
}

/// Adds the resources of `from` to `into`; returns an upper bound of the
/// characters added.
fn union_resources(into: &mut Statement, from: Statement) -> usize {
    if let (Some(Resources::Resource(to)), Some(Resources::Resource(more))) =
        (&mut into.resources, from.resources)
    {
        let added = list_cost(&more);
        to.extend(more);
        *to = super::sorted(to);
        return added;
    }
    0
}

/// The statements of a document after compaction, for tests.
#[cfg(test)]
fn compacted(statements: Vec<Statement>) -> Vec<Statement> {
    let mut statements = statements;
    let mut origins = (0..statements.len()).collect();
    compact(&mut statements, &mut origins, 10_000);
    statements
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{Condition, Operator};
    use crate::policy::Effect;

    fn stmt(actions: Actions, resources: &[&str], key: Option<&str>) -> Statement {
        Statement {
            sid: None,
            effect: Effect::Deny,
            principal: None,
            actions,
            resources: Some(Resources::Resource(
                resources.iter().map(|r| r.to_string()).collect(),
            )),
            conditions: key
                .map(|k| Condition {
                    operator: Operator::parse("StringEquals"),
                    key: k.to_string(),
                    values: vec!["x".to_string()],
                })
                .into_iter()
                .collect(),
        }
    }

    fn action(names: &[&str]) -> Actions {
        Actions::Action(names.iter().map(|a| a.to_string()).collect())
    }

    #[test]
    fn statements_differing_only_in_actions_merge() {
        let out = compacted(vec![
            stmt(action(&["s3:PutObject"]), &["*"], Some("aws:username")),
            stmt(action(&["s3:GetObject"]), &["*"], Some("aws:username")),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].actions, action(&["s3:GetObject", "s3:PutObject"]));
    }

    #[test]
    fn statements_differing_only_in_resources_merge() {
        let out = compacted(vec![
            stmt(action(&["s3:GetObject"]), &["arn:aws:s3:::b/*"], None),
            stmt(action(&["s3:GetObject"]), &["arn:aws:s3:::a/*"], None),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].resources,
            Some(Resources::Resource(vec![
                "arn:aws:s3:::a/*".to_string(),
                "arn:aws:s3:::b/*".to_string()
            ]))
        );
    }

    #[test]
    fn different_conditions_ids_or_not_action_stay_apart() {
        let mut named = stmt(action(&["s3:GetObject"]), &["*"], None);
        named.sid = Some("Named".to_string());
        let not_action = |a: &str| Actions::NotAction(vec![a.to_string()]);
        let out = compacted(vec![
            stmt(action(&["s3:PutObject"]), &["*"], Some("aws:username")),
            stmt(action(&["s3:GetObject"]), &["*"], Some("aws:userid")),
            named,
            stmt(not_action("s3:GetObject"), &["*"], None),
            stmt(not_action("s3:PutObject"), &["*"], None),
        ]);
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn both_merges_apply_in_turn() {
        // Two resources for each of two actions: actions merge per resource,
        // then the two statements, now equal in actions, merge resources.
        let out = compacted(vec![
            stmt(action(&["s3:GetObject"]), &["arn:aws:s3:::a/*"], None),
            stmt(action(&["s3:PutObject"]), &["arn:aws:s3:::a/*"], None),
            stmt(action(&["s3:GetObject"]), &["arn:aws:s3:::b/*"], None),
            stmt(action(&["s3:PutObject"]), &["arn:aws:s3:::b/*"], None),
        ]);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn a_merged_statement_stays_within_the_cap() {
        let many: Vec<Statement> = (0..400)
            .map(|i| stmt(action(&[&format!("s3:Action{i:04}")]), &["*"], None))
            .collect();
        let out = compacted(many);
        assert!(out.len() > 1, "400 actions of ~30 characters exceed 10,000");
        for s in &out {
            assert!(rendered_size(s) <= 10_000);
        }
        let total: usize = out
            .iter()
            .map(|s| match &s.actions {
                Actions::Action(a) => a.len(),
                Actions::NotAction(_) => 0,
            })
            .sum();
        assert_eq!(total, 400);
    }
}
