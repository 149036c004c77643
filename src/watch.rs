//! Watching AWS's catalog: what changed between two catalogs ([`diff`]), and
//! which rules of a program change meaning under the newer one ([`impact`]).
//!
//! A rule's meaning depends on the catalog through its action patterns (a
//! wildcard or `* except [...]` covers whatever actions the catalog lists)
//! and through its condition keys (a key can be deprecated, removed or
//! retyped, and an action can stop supporting it). [`impact`] reports each as
//! a warning on the rule: `W0920` (actions newly covered), `W0921` (actions
//! no longer covered), `W0922`, `W0923`, `W0924` (a key deprecated, removed,
//! retyped), `W0925` (a key no longer supported by actions the rule names). A
//! bare `*` means every action, now and later, and is not reported.

use crate::catalog::{Catalog, KeyRef, KeyType};
use crate::diag::{Diagnostic, codes};
use crate::iam::pattern::{Case, glob_matches};
use crate::ir::{self, Actions, Expr};
use crate::source::{SourceMap, Span};
use std::collections::BTreeMap;

/// What changed from one catalog to another. Names are the newer catalog's
/// spelling (the older one's for what was removed), sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CatalogDiff {
    pub services_added: Vec<String>,
    pub services_removed: Vec<String>,
    pub actions_added: Vec<String>,
    pub actions_removed: Vec<String>,
    pub keys_added: Vec<String>,
    pub keys_removed: Vec<String>,
    /// A key deprecated in the newer catalog, and what replaces it.
    pub keys_deprecated: Vec<Deprecation>,
    pub key_types_changed: Vec<TypeChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Deprecation {
    pub key: String,
    pub replaced_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TypeChange {
    pub key: String,
    pub old: String,
    pub new: String,
}

impl CatalogDiff {
    /// Whether the catalogs list the same things.
    pub fn is_empty(&self) -> bool {
        self.services_added.is_empty()
            && self.services_removed.is_empty()
            && self.actions_added.is_empty()
            && self.actions_removed.is_empty()
            && self.keys_added.is_empty()
            && self.keys_removed.is_empty()
            && self.keys_deprecated.is_empty()
            && self.key_types_changed.is_empty()
    }
}

/// Every action of a catalog, by lowercase name.
fn actions(catalog: &Catalog) -> BTreeMap<String, String> {
    catalog
        .services()
        .flat_map(|s| s.actions().map(|a| a.full_name()))
        .map(|name| (name.to_ascii_lowercase(), name))
        .collect()
}

/// Every condition key definition of a catalog (global and per service), by
/// lowercase name; the first definition of a name wins.
fn keys(catalog: &Catalog) -> BTreeMap<String, KeyRef> {
    let mut out = BTreeMap::new();
    let all = catalog
        .global_keys()
        .chain(catalog.services().flat_map(|s| s.condition_keys()));
    for key in all {
        out.entry(key.pattern.to_ascii_lowercase()).or_insert(key);
    }
    out
}

/// The values of `new` whose keys `old` lacks.
fn added<V: Clone>(old: &BTreeMap<String, V>, new: &BTreeMap<String, V>) -> Vec<V> {
    new.iter()
        .filter(|(k, _)| !old.contains_key(*k))
        .map(|(_, v)| v.clone())
        .collect()
}

/// What changed from `old` to `new`.
pub fn diff(old: &Catalog, new: &Catalog) -> CatalogDiff {
    let services = |c: &Catalog| -> BTreeMap<String, String> {
        c.service_prefixes()
            .map(|p| (p.to_ascii_lowercase(), p.to_string()))
            .collect()
    };
    let (old_services, new_services) = (services(old), services(new));
    let (old_actions, new_actions) = (actions(old), actions(new));
    let (old_keys, new_keys) = (keys(old), keys(new));
    let mut keys_deprecated = Vec::new();
    let mut key_types_changed = Vec::new();
    for (lower, key) in &new_keys {
        let Some(before) = old_keys.get(lower) else {
            continue;
        };
        if key.deprecated_by.is_some() && before.deprecated_by.is_none() {
            keys_deprecated.push(Deprecation {
                key: key.pattern.clone(),
                replaced_by: key.deprecated_by.clone(),
            });
        }
        if key.ty != before.ty {
            key_types_changed.push(TypeChange {
                key: key.pattern.clone(),
                old: before.ty.as_str().to_string(),
                new: key.ty.as_str().to_string(),
            });
        }
    }
    let names = |v: Vec<KeyRef>| v.into_iter().map(|k| k.pattern).collect();
    CatalogDiff {
        services_added: added(&old_services, &new_services),
        services_removed: added(&new_services, &old_services),
        actions_added: added(&old_actions, &new_actions),
        actions_removed: added(&new_actions, &old_actions),
        keys_added: names(added(&old_keys, &new_keys)),
        keys_removed: names(added(&new_keys, &old_keys)),
        keys_deprecated,
        key_types_changed,
    }
}

/// At most this many action names are listed in one finding.
const SHOWN: usize = 8;

fn listed(names: &[&String]) -> String {
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The span of `needle` inside the rule's text, as a whole word and without
/// regard to ASCII case (the part after the service prefix when the whole is
/// not written there), else the rule's first line.
fn span_in_rule(sources: &SourceMap, policy: &ir::Policy, rule: &ir::Rule, needle: &str) -> Span {
    let text = sources.snippet(policy.file, rule.span);
    let lower = text.to_ascii_lowercase();
    let short = needle.split_once(':').map_or(needle, |(_, rest)| rest);
    let part_of_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    for candidate in [needle, short] {
        if candidate.is_empty() {
            continue;
        }
        let wanted = candidate.to_ascii_lowercase();
        let whole = lower.match_indices(&wanted).find(|(at, _)| {
            let before = lower[..*at].chars().next_back();
            let after = lower[at + wanted.len()..].chars().next();
            !before.is_some_and(part_of_name) && !after.is_some_and(part_of_name)
        });
        if let Some((at, _)) = whole {
            let start = rule.span.start + at;
            return Span::new(start, start + candidate.len());
        }
    }
    let first_line = text.find('\n').unwrap_or(text.len());
    Span::new(rule.span.start, rule.span.start + first_line)
}

fn collect_keys<'a>(expr: &'a Expr, out: &mut Vec<&'a ir::Key>) {
    match expr {
        Expr::True | Expr::False => {}
        Expr::And(items) | Expr::Or(items) => items.iter().for_each(|e| collect_keys(e, out)),
        Expr::Not(inner) => collect_keys(inner, out),
        Expr::Atom(ir::Atom::Present(key)) | Expr::Atom(ir::Atom::Test { key, .. }) => {
            if !out.iter().any(|k| k.name.eq_ignore_ascii_case(&key.name)) {
                out.push(key);
            }
        }
    }
}

/// The rules of `program` whose meaning differs under `new` from under
/// `old` (the catalog it was checked with), as warnings on the rule.
pub fn impact(
    program: &ir::Program,
    sources: &SourceMap,
    old: &Catalog,
    new: &Catalog,
) -> Vec<Diagnostic> {
    let changes = diff(old, new);
    let mut out = Vec::new();
    for policy in &program.policies {
        for rule in &policy.rules {
            actions_impact(policy, rule, sources, &changes, &mut out);
            keys_impact(policy, rule, sources, old, new, &mut out);
        }
    }
    crate::diag::sort(&mut out);
    out
}

/// W0920: `subject` (a pattern, or `* except [...]`) of a rule in `policy`
/// covers the actions `gained` that only the newer catalog has.
fn gained_diagnostic(
    policy: &ir::Policy,
    span: Span,
    subject: &str,
    gained: &[&String],
    help: String,
) -> Diagnostic {
    Diagnostic::new(
        codes::W0920,
        policy.file,
        span,
        format!(
            "in `{}`, `{subject}` covers {} new action{} under the newer catalog",
            policy.name,
            gained.len(),
            plural(gained.len())
        ),
    )
    .with_label(format!("now also {}", listed(gained)))
    .with_help(help)
}

fn effect_word(rule: &ir::Rule) -> &'static str {
    match rule.effect {
        ir::Effect::Allow => "allows",
        ir::Effect::Deny => "denies",
    }
}

fn actions_impact(
    policy: &ir::Policy,
    rule: &ir::Rule,
    sources: &SourceMap,
    changes: &CatalogDiff,
    out: &mut Vec<Diagnostic>,
) {
    let matching = |pattern: &str, within: &'_ [String]| -> Vec<String> {
        within
            .iter()
            .filter(|a| glob_matches(pattern, a, Case::Insensitive))
            .cloned()
            .collect()
    };
    match &rule.actions {
        Actions::Only(patterns) => {
            for pattern in patterns.iter().filter(|p| p.as_str() != "*") {
                let gained = matching(pattern, &changes.actions_added);
                let lost = matching(pattern, &changes.actions_removed);
                let span = span_in_rule(sources, policy, rule, pattern);
                if !gained.is_empty() {
                    let names: Vec<&String> = gained.iter().collect();
                    out.push(gained_diagnostic(
                        policy,
                        span,
                        pattern,
                        &names,
                        format!(
                            "this rule {} them once the newer catalog is in use; name the actions to keep its meaning",
                            effect_word(rule)
                        ),
                    ));
                }
                if !lost.is_empty() {
                    let names: Vec<&String> = lost.iter().collect();
                    let message = if crate::catalog::has_wildcard(pattern) {
                        format!(
                            "in `{}`, `{pattern}` no longer covers {} action{} under the newer catalog",
                            policy.name,
                            lost.len(),
                            plural(lost.len())
                        )
                    } else {
                        format!(
                            "in `{}`, the action `{pattern}` is not in the newer catalog",
                            policy.name
                        )
                    };
                    out.push(
                        Diagnostic::new(codes::W0921, policy.file, span, message)
                            .with_label(format!("gone: {}", listed(&names))),
                    );
                }
            }
        }
        Actions::AllExcept(excepted) => {
            let gained: Vec<&String> = changes
                .actions_added
                .iter()
                .filter(|a| {
                    !excepted
                        .iter()
                        .any(|p| glob_matches(p, a, Case::Insensitive))
                })
                .collect();
            if !gained.is_empty() {
                let span = span_in_rule(sources, policy, rule, "* except");
                out.push(gained_diagnostic(
                    policy,
                    span,
                    "* except [...]",
                    &gained,
                    format!(
                        "this rule {} every action it does not except, new ones included; add to the exceptions the ones it should not cover",
                        effect_word(rule)
                    ),
                ));
            }
        }
    }
}

fn keys_impact(
    policy: &ir::Policy,
    rule: &ir::Rule,
    sources: &SourceMap,
    old: &Catalog,
    new: &Catalog,
    out: &mut Vec<Diagnostic>,
) {
    let mut used = Vec::new();
    collect_keys(&rule.condition, &mut used);
    for key in used {
        let before: Option<KeyRef> = old.key(&key.name);
        let span = span_in_rule(sources, policy, rule, &key.name);
        let diag = match new.key(&key.name) {
            None => Some(
                Diagnostic::new(
                    codes::W0923,
                    policy.file,
                    span,
                    format!(
                        "in `{}`, the key `{}` is not in the newer catalog",
                        policy.name, key.name
                    ),
                )
                .with_label("removed by AWS"),
            ),
            Some(after) => {
                let was_deprecated = before.as_ref().is_some_and(|b| b.deprecated_by.is_some());
                let old_ty: KeyType = before.as_ref().map_or(key.ty, |b| b.ty);
                if after.deprecated_by.is_some() && !was_deprecated {
                    let mut d = Diagnostic::new(
                        codes::W0922,
                        policy.file,
                        span,
                        format!(
                            "in `{}`, the key `{}` is deprecated in the newer catalog",
                            policy.name, key.name
                        ),
                    )
                    .with_label("deprecated by AWS");
                    if let Some(by) = &after.deprecated_by {
                        d = d.with_help(format!("AWS replaces it with `{by}`"));
                    }
                    Some(d)
                } else if after.ty != old_ty {
                    Some(
                        Diagnostic::new(
                            codes::W0924,
                            policy.file,
                            span,
                            format!(
                                "in `{}`, the key `{}` is {} in the newer catalog, {} before",
                                policy.name,
                                key.name,
                                after.ty.as_str(),
                                old_ty.as_str()
                            ),
                        )
                        .with_label("type changed"),
                    )
                } else {
                    unsupported(policy, rule, key, &after, old, new, span)
                }
            }
        };
        out.extend(diag);
    }
}

/// The catalog's actions a pattern of the rule names (a service prefix with
/// a wildcard included); none for `*` and `* except`, whose keys the checker
/// does not tie to actions.
fn named_actions<'c>(rule: &ir::Rule, catalog: &'c Catalog) -> Vec<&'c crate::catalog::Action> {
    let Actions::Only(patterns) = &rule.actions else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pattern in patterns {
        let Some((service, name)) = pattern.split_once(':') else {
            continue;
        };
        let prefixes: Vec<String> = catalog
            .service_prefixes()
            .filter(|p| glob_matches(service, p, Case::Insensitive))
            .map(str::to_string)
            .collect();
        for prefix in prefixes {
            if let Some(s) = catalog.service(&prefix) {
                out.extend(s.actions_matching(name));
            }
        }
    }
    out
}

/// `W0925`: actions of the rule that supported `key` under `old` and do not
/// under `new` (the key itself kept).
fn unsupported(
    policy: &ir::Policy,
    rule: &ir::Rule,
    key: &ir::Key,
    after: &KeyRef,
    old: &Catalog,
    new: &Catalog,
    span: Span,
) -> Option<Diagnostic> {
    let before = old.key(&key.name)?;
    let lost: Vec<String> = named_actions(rule, new)
        .into_iter()
        .filter(|action| !new.action_supports_key(action, after))
        .filter(|action| {
            old.service(action.service())
                .and_then(|s| s.action(action.name()))
                .is_some_and(|was| old.action_supports_key(was, &before))
        })
        .map(|action| action.full_name())
        .collect();
    if lost.is_empty() {
        return None;
    }
    let names: Vec<&String> = lost.iter().collect();
    Some(
        Diagnostic::new(
            codes::W0925,
            policy.file,
            span,
            format!(
                "in `{}`, the key `{}` is no longer supported by {} action{} of the rule under the newer catalog",
                policy.name,
                key.name,
                lost.len(),
                plural(lost.len())
            ),
        )
        .with_label(format!("not set on {}", listed(&names)))
        .with_help("on those actions the key is absent: the condition is decided as for an absent key"),
    )
}
