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

use crate::iam::{Actions, PolicyDocument, Principal, PrincipalSpec, Resources, Statement};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

/// The keys' hasher: seeded per process, so no input is slow by design;
/// several times cheaper than the standard library's on these short keys.
type KeyHasher = foldhash::fast::FoldHasher<'static>;

/// Merges what can be merged, keeping the first statement of each group in
/// place. `origins` (the rule of each statement) is kept in step with it.
///
/// A merged statement stays at most `cap` characters (counted generously:
/// pretty-printed, with room for indentation), so that a policy over its
/// size limit can still be spread over several documents statement by
/// statement where its unmerged statements could.
pub fn compact(statements: &mut Vec<Statement>, origins: &mut Vec<usize>, cap: usize) {
    merge_by(statements, origins, cap, Part::Actions, union_actions);
    merge_by(statements, origins, cap, Part::Resources, union_resources);
}

/// A group being merged into: its statement's index and its size so far,
/// measured only once a second statement comes (most keys are met once, and
/// rendering a statement to measure it is the dearest step here).
struct Group {
    index: usize,
    size: Option<usize>,
}

/// Which part of a statement a merge unites; the others make up its key and
/// must be equal.
#[derive(Clone, Copy)]
enum Part {
    Actions,
    Resources,
}

impl Part {
    /// Whether `stmt` takes part in this merge at all (`None` key before).
    fn mergeable(self, stmt: &Statement) -> bool {
        stmt.sid.is_none()
            && match self {
                Part::Actions => matches!(stmt.actions, Actions::Action(_)),
                Part::Resources => matches!(stmt.resources, Some(Resources::Resource(_))),
            }
    }

    /// A hash of everything but the merged part. Principals are hashed, and
    /// compared in [`Part::same_key`], in their written order: two principal
    /// maps listing the same entries in another order stay apart, as before.
    fn key_hash(self, stmt: &Statement, seed: &foldhash::fast::RandomState) -> u64 {
        let mut h = seed.build_hasher();
        stmt.effect.hash(&mut h);
        match &stmt.principal {
            None => 0u8.hash(&mut h),
            Some(Principal::Principal(spec)) => {
                1u8.hash(&mut h);
                hash_spec(spec, &mut h);
            }
            Some(Principal::NotPrincipal(spec)) => {
                2u8.hash(&mut h);
                hash_spec(spec, &mut h);
            }
        }
        match self {
            Part::Actions => hash_resources(stmt.resources.as_ref(), &mut h),
            Part::Resources => hash_actions(&stmt.actions, &mut h),
        }
        stmt.conditions.len().hash(&mut h);
        for c in &stmt.conditions {
            c.operator.hash(&mut h);
            c.key.hash(&mut h);
            c.values.hash(&mut h);
        }
        h.finish()
    }

    /// Whether `a` and `b` are equal in everything but the merged part.
    fn same_key(self, a: &Statement, b: &Statement) -> bool {
        a.effect == b.effect
            && same_principal(a.principal.as_ref(), b.principal.as_ref())
            && match self {
                Part::Actions => a.resources == b.resources,
                Part::Resources => a.actions == b.actions,
            }
            && a.conditions == b.conditions
    }
}

fn hash_spec(spec: &PrincipalSpec, h: &mut KeyHasher) {
    match spec {
        PrincipalSpec::Any => 0u8.hash(h),
        PrincipalSpec::Map(map) => {
            1u8.hash(h);
            map.len().hash(h);
            for (kind, values) in map {
                kind.hash(h);
                values.hash(h);
            }
        }
    }
}

fn hash_actions(actions: &Actions, h: &mut KeyHasher) {
    match actions {
        Actions::Action(list) => (0u8, list).hash(h),
        Actions::NotAction(list) => (1u8, list).hash(h),
    }
}

fn hash_resources(resources: Option<&Resources>, h: &mut KeyHasher) {
    match resources {
        None => 0u8.hash(h),
        Some(Resources::Resource(list)) => (1u8, list).hash(h),
        Some(Resources::NotResource(list)) => (2u8, list).hash(h),
    }
}

/// Principals equal entry by entry in written order (an `IndexMap`'s own
/// `==` ignores order).
fn same_principal(a: Option<&Principal>, b: Option<&Principal>) -> bool {
    let same_spec = |x: &PrincipalSpec, y: &PrincipalSpec| match (x, y) {
        (PrincipalSpec::Any, PrincipalSpec::Any) => true,
        (PrincipalSpec::Map(x), PrincipalSpec::Map(y)) => x.iter().eq(y.iter()),
        _ => false,
    };
    match (a, b) {
        (None, None) => true,
        (Some(Principal::Principal(x)), Some(Principal::Principal(y)))
        | (Some(Principal::NotPrincipal(x)), Some(Principal::NotPrincipal(y))) => same_spec(x, y),
        _ => false,
    }
}

/// Merges each statement into the first earlier one equal to it but for
/// `part` while the result stays within `cap`. Linear in the statements,
/// beside hashing keys; the keys are hashed from the statements in place
/// (rendering them as text was a fifth of a check).
fn merge_by(
    statements: &mut Vec<Statement>,
    origins: &mut Vec<usize>,
    cap: usize,
    part: Part,
    union: fn(&mut Statement, Statement) -> usize,
) {
    // Per hash, the open groups of distinct keys (more than one only when
    // two keys' hashes collide).
    let seed = foldhash::fast::RandomState::default();
    let mut groups: HashMap<u64, Vec<Group>, foldhash::fast::RandomState> =
        HashMap::with_hasher(foldhash::fast::RandomState::default());
    let mut kept: Vec<Statement> = Vec::with_capacity(statements.len());
    let mut kept_origins = Vec::with_capacity(origins.len());
    for (stmt, origin) in statements.drain(..).zip(origins.drain(..)) {
        if !part.mergeable(&stmt) {
            kept.push(stmt);
            kept_origins.push(origin);
            continue;
        }
        let hash = part.key_hash(&stmt, &seed);
        let bucket = groups.entry(hash).or_default();
        let found = bucket.iter().position(|group| {
            kept.get(group.index)
                .is_some_and(|into| part.same_key(into, &stmt))
        });
        let mut size = None;
        if let Some(group) = found.and_then(|i| bucket.get_mut(i)) {
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
        let group = Group {
            index: kept.len(),
            size,
        };
        // A group too full for `stmt` gives way to `stmt`'s new one.
        match found.and_then(|i| bucket.get_mut(i)) {
            Some(full) => *full = group,
            None => bucket.push(group),
        }
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
