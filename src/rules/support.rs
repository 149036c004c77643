//! Whether the actions a rule or statement names carry a condition key:
//! IAM treats a key an action does not support as absent, so each test of it
//! takes the value it has for an absent key. Whether that is a mistake
//! depends on what the whole condition then does for the action (the front
//! end works it out as an [`AbsentTruth`]) and on the effect:
//!
//! | the condition, the key absent | effect | finding |
//! |---|---|---|
//! | never holds (`StringEquals`, `ForAnyValue:…`, `Null: false`, …) | any | E0301: the statement never applies to the action |
//! | always holds (only tests of the key, each true when it is absent: a negated operator, `ForAllValues:…`) | `Deny` | E0301: the deny applies to the action whatever the request |
//! | always holds, every test `…IfExists` or `Null: true` | `Deny` | W0211: absent is allowed for on purpose |
//! | always holds | `Allow` | W0211: the grant holds without the key, as a negated or `ForAllValues` test allows |
//! | depends on other tests (one key of several) | any | W0211: the key's test is vacuous, the others decide |
//!
//! A pattern's actions that only partly carry the key, and `*` or
//! `NotAction`, are W0209. Also the keys the catalog deprecates (W0101).

use super::Front;
use super::names::{ActionGroup, GroupKind};
use crate::catalog::{Action, Catalog, KeyRef};
use crate::diag::{Diagnostic, codes};
use crate::policy::Effect;
use crate::source::{FileId, Span};
use std::collections::HashSet;

/// What a statement's condition does when every test of one key takes its
/// absent value (other keys unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbsentTruth {
    Never,
    Always,
    Depends,
}

/// What an unsupported key does to a statement: see the module's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyImpact {
    pub effect: Effect,
    pub truth: AbsentTruth,
    /// Every test of the key says what happens when it is absent
    /// (`…IfExists`, `Null: true`).
    pub explicit: bool,
}

impl KeyImpact {
    /// Whether the statement then cannot do what it says (E0301); otherwise
    /// the key is vacuous for the action (W0211).
    pub fn is_mistake(self) -> bool {
        match self.truth {
            AbsentTruth::Never => true,
            AbsentTruth::Always => self.effect == Effect::Deny && !self.explicit,
            AbsentTruth::Depends => false,
        }
    }
}

/// Actions named by a rule or statement that do not carry a key. `group` is
/// the index of the written entry among those given to [`SupportCheck::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsupported {
    /// One named action does not support the key.
    Action {
        group: usize,
        action: String,
        key: String,
        /// The closest key the action supports.
        suggestion: Option<String>,
        /// The statement still does what it says (W0211, not E0301).
        vacuous: bool,
    },
    /// No action a pattern matches supports the key.
    NoneMatched {
        group: usize,
        pattern: String,
        key: String,
        total: usize,
        vacuous: bool,
    },
    /// Only some of the actions a pattern matches support the key.
    SomeMatched {
        group: usize,
        pattern: String,
        key: String,
        supporting: usize,
        total: usize,
    },
    /// `*`: a key that is not global is absent for most actions.
    EveryAction { group: usize, key: String },
    /// `NotAction` / `* except`: the same for every action but a few.
    AllButSome { key: String },
}

/// The support check of one rule or statement: each (key, entry) pair is
/// reported once, however often the key is tested.
#[derive(Default)]
pub struct SupportCheck {
    reported: HashSet<(String, String)>,
}

impl SupportCheck {
    /// The entries of `groups` that do not carry `key`. With `except`, the
    /// groups are the actions excepted (`NotAction`): the statement covers
    /// every other action, and whether the excepted ones carry the key does
    /// not matter.
    pub fn check<'g, 'c: 'g>(
        &mut self,
        catalog: &Catalog,
        key: &KeyRef,
        groups: impl IntoIterator<Item = &'g ActionGroup<'c>>,
        except: bool,
        impact: KeyImpact,
    ) -> Vec<Unsupported> {
        let vacuous = !impact.is_mistake();
        let mut out = Vec::new();
        if key.global {
            return out;
        }
        let folded = key.name.to_ascii_lowercase();
        if except {
            if self.reported.insert((folded, "*except".to_string())) {
                out.push(Unsupported::AllButSome {
                    key: key.name.clone(),
                });
            }
            return out;
        }
        // A deprecated key counts as supported where its replacement is: the
        // catalog lists only the replacement on current actions, and the
        // deprecation warning (W0101) already says what to write instead.
        let replacement = key.deprecated_by.as_deref().and_then(|r| catalog.key(r));
        let supports = |action: &Action| {
            catalog.action_supports_key(action, key)
                || replacement
                    .as_ref()
                    .is_some_and(|r| catalog.action_supports_key(action, r))
        };
        for (i, group) in groups.into_iter().enumerate() {
            if !self
                .reported
                .insert((folded.clone(), group.text.to_ascii_lowercase()))
            {
                continue;
            }
            match group.kind {
                GroupKind::Exact => {
                    let Some(action) = group.matched.first() else {
                        continue;
                    };
                    if supports(action) {
                        continue;
                    }
                    let suggestion = catalog
                        .suggest_key_for_action(action, &key.name)
                        .filter(|s| !s.eq_ignore_ascii_case(&key.name));
                    out.push(Unsupported::Action {
                        group: i,
                        action: group.text.clone(),
                        key: key.name.clone(),
                        suggestion,
                        vacuous,
                    });
                }
                GroupKind::Wildcard => {
                    let supporting = group.matched.iter().filter(|a| supports(a)).count();
                    let total = group.matched.len();
                    if supporting == 0 {
                        out.push(Unsupported::NoneMatched {
                            group: i,
                            pattern: group.text.clone(),
                            key: key.name.clone(),
                            total,
                            vacuous,
                        });
                    } else if supporting < total {
                        out.push(Unsupported::SomeMatched {
                            group: i,
                            pattern: group.text.clone(),
                            key: key.name.clone(),
                            supporting,
                            total,
                        });
                    }
                }
                // Matches nothing the catalog knows: nothing to say of its keys.
                GroupKind::Unknown => {}
                GroupKind::All => out.push(Unsupported::EveryAction {
                    group: i,
                    key: key.name.clone(),
                }),
            }
        }
        out
    }
}

impl Unsupported {
    /// The written entry the finding is about; `None` for `NotAction`.
    pub fn group(&self) -> Option<usize> {
        match self {
            Unsupported::Action { group, .. }
            | Unsupported::NoneMatched { group, .. }
            | Unsupported::SomeMatched { group, .. }
            | Unsupported::EveryAction { group, .. } => Some(*group),
            Unsupported::AllButSome { .. } => None,
        }
    }

    /// The diagnostic at the key (`key_span`), with the entry at `group_span`.
    pub fn diagnostic(
        &self,
        file: FileId,
        key_span: Span,
        group_span: Option<Span>,
        front: Front,
    ) -> Diagnostic {
        let holder = front.statement();
        let (d, group_label) = match self {
            Unsupported::Action {
                action,
                key,
                vacuous: true,
                ..
            } => (
                vacuous_key(file, key_span, format!("`{action}` does not support condition key `{key}`")),
                "this action".to_string(),
            ),
            Unsupported::NoneMatched {
                pattern,
                key,
                total,
                vacuous: true,
                ..
            } => (
                vacuous_key(file, key_span, format!("no action matched by `{pattern}` supports condition key `{key}`")),
                format!("{total} actions"),
            ),
            Unsupported::Action {
                action,
                key,
                suggestion,
                ..
            } => {
                let d = Diagnostic::new(
                    codes::E0301,
                    file,
                    key_span,
                    format!("`{action}` does not support condition key `{key}`"),
                )
                .with_label("not supported by the action")
                .with_help("IAM treats the key as absent for this action, so the condition always or never holds");
                let d = match suggestion {
                    Some(s) => d.with_suggestion(s.clone()),
                    None => d,
                };
                (d, "this action".to_string())
            }
            Unsupported::NoneMatched {
                pattern,
                key,
                total,
                ..
            } => (
                Diagnostic::new(
                    codes::E0301,
                    file,
                    key_span,
                    format!("no action matched by `{pattern}` supports condition key `{key}`"),
                )
                .with_label("not supported by these actions")
                .with_help("IAM treats the key as absent for these actions, so the condition always or never holds"),
                format!("{total} actions"),
            ),
            Unsupported::SomeMatched {
                pattern,
                key,
                supporting,
                total,
                ..
            } => (
                Diagnostic::new(
                    codes::W0209,
                    file,
                    key_span,
                    format!("condition key `{key}` is supported by only {supporting} of the {total} actions matched by `{pattern}`"),
                )
                .with_label("absent for the other actions")
                .with_help("for the other actions the key is absent; list the actions that carry it"),
                "these actions".to_string(),
            ),
            Unsupported::EveryAction { key, .. } => (
                Diagnostic::new(
                    codes::W0209,
                    file,
                    key_span,
                    format!("condition key `{key}` is not a global key, but the {holder} covers every action"),
                )
                .with_label("absent for actions that do not support it")
                .with_help("name the actions that carry this key"),
                "every action".to_string(),
            ),
            Unsupported::AllButSome { key } => (
                Diagnostic::new(
                    codes::W0209,
                    file,
                    key_span,
                    format!("condition key `{key}` is not a global key, but the {holder} covers every action but a few"),
                )
                .with_label("absent for actions that do not support it")
                .with_help("name the actions that carry this key"),
                String::new(),
            ),
        };
        match group_span {
            Some(span) if !group_label.is_empty() => d.with_secondary(file, span, group_label),
            _ => d,
        }
    }
}

/// W0211: a key the action lacks, whose test the condition does not need.
fn vacuous_key(file: FileId, span: Span, message: String) -> Diagnostic {
    Diagnostic::new(codes::W0211, file, span, message)
        .with_label("absent for the action: this test holds")
        .with_help(
            "IAM treats the key as absent for the action, and this test holds for an absent key (a negated operator, `ForAllValues`, `…IfExists`, `Null`): the other conditions decide, and the key restricts nothing for this action",
        )
}

/// The warning for a key the catalog deprecates, with its replacement.
pub fn deprecated(key: &KeyRef, file: FileId, span: Span) -> Option<Diagnostic> {
    let replacement = key.deprecated_by.as_ref()?;
    Some(
        Diagnostic::new(
            codes::W0101,
            file,
            span,
            format!("condition key `{}` is deprecated", key.name),
        )
        .with_label("deprecated in the catalog")
        .with_suggestion(replacement.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::names::{PatternCache, resolve_action};

    const DEAD: KeyImpact = KeyImpact {
        effect: Effect::Deny,
        truth: AbsentTruth::Never,
        explicit: false,
    };

    /// The module's table, row by row.
    #[test]
    fn an_unsupported_key_is_a_mistake_only_where_the_statement_breaks() {
        use AbsentTruth::*;
        let rows = [
            (Effect::Allow, Never, false, true),
            (Effect::Deny, Never, false, true),
            (Effect::Deny, Never, true, true),
            (Effect::Deny, Always, false, true),
            (Effect::Deny, Always, true, false),
            (Effect::Allow, Always, false, false),
            (Effect::Allow, Always, true, false),
            (Effect::Allow, Depends, false, false),
            (Effect::Deny, Depends, false, false),
        ];
        for (effect, truth, explicit, mistake) in rows {
            let impact = KeyImpact {
                effect,
                truth,
                explicit,
            };
            assert_eq!(impact.is_mistake(), mistake, "{impact:?}");
        }
        let catalog = Catalog::embedded().unwrap();
        let cache = PatternCache::default();
        let groups = [resolve_action(catalog, &cache, "cloudwatch:GetMetricData").unwrap()];
        let key = catalog.key("sagemaker:InstanceTypes").unwrap();
        let vacuous = KeyImpact {
            truth: Depends,
            ..DEAD
        };
        let found = SupportCheck::default().check(catalog, &key, &groups, false, vacuous);
        let d = found[0].diagnostic(0, Span::new(0, 1), None, Front::Json);
        assert_eq!(d.code, codes::W0211);
    }

    #[test]
    fn each_key_and_entry_is_reported_once() {
        let catalog = Catalog::embedded().unwrap();
        let cache = PatternCache::default();
        let groups = [
            resolve_action(catalog, &cache, "cloudwatch:GetMetricData").unwrap(),
            resolve_action(catalog, &cache, "sagemaker:Create*").unwrap(),
            resolve_action(catalog, &cache, "*").unwrap(),
        ];
        let key = catalog.key("sagemaker:InstanceTypes").unwrap();
        let mut check = SupportCheck::default();
        let found = check.check(catalog, &key, &groups, false, DEAD);
        assert!(matches!(
            found.as_slice(),
            [
                Unsupported::Action { group: 0, .. },
                Unsupported::SomeMatched { group: 1, .. },
                Unsupported::EveryAction { group: 2, .. },
            ]
        ));
        assert!(check.check(catalog, &key, &groups, false, DEAD).is_empty());
        let global = catalog.key("aws:SourceIp").unwrap();
        assert!(
            check
                .check(catalog, &global, &groups, false, DEAD)
                .is_empty()
        );
    }

    #[test]
    fn under_not_action_only_the_rest_counts() {
        let catalog = Catalog::embedded().unwrap();
        let cache = PatternCache::default();
        let excepted = [resolve_action(catalog, &cache, "s3:GetObject").unwrap()];
        let key = catalog.key("sagemaker:InstanceTypes").unwrap();
        let found = SupportCheck::default().check(catalog, &key, &excepted, true, DEAD);
        assert_eq!(
            found,
            vec![Unsupported::AllButSome {
                key: "sagemaker:InstanceTypes".to_string()
            }]
        );
    }
}
