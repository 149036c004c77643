//! Action and condition-key names resolved against the catalog, and what is
//! wrong with a name that does not resolve, with the fix the catalog suggests.

use crate::catalog::{Action, Catalog, KeyRef, Service, has_wildcard};
use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span};
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

/// How much of the catalog a written action entry names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// One named action.
    Exact,
    /// A pattern within one service (`sagemaker:Create*`).
    Wildcard,
    /// `*`, or a pattern over service names: every action.
    All,
    /// A well-formed name the catalog lacks (a retired or a new service or
    /// action, or a pattern matching none of a service's actions), carried
    /// through as written: AWS accepts it, and it matches nothing the
    /// catalog knows.
    Unknown,
}

/// One written action entry and the catalog actions it stands for.
#[derive(Clone, Debug)]
pub struct ActionGroup<'c> {
    /// The catalog's spelling (`sagemaker:CreateApp`) or the pattern.
    pub text: String,
    pub kind: GroupKind,
    /// The actions of an exact name or a pattern within one service; empty
    /// for [`GroupKind::All`].
    pub matched: Vec<&'c Action>,
}

impl<'c> ActionGroup<'c> {
    /// Every action: `*`.
    pub fn all() -> ActionGroup<'c> {
        ActionGroup {
            text: "*".to_string(),
            kind: GroupKind::All,
            matched: Vec::new(),
        }
    }

    /// Whether an `Allow` of this group grants every action it can: `*`, a
    /// pattern over services, or every action of a service (`s3:*`).
    pub fn is_wide(&self) -> bool {
        self.kind == GroupKind::All
            || (self.kind == GroupKind::Wildcard && self.text.ends_with(":*"))
    }

    /// Whether the entry is a pattern rather than one action's name.
    pub fn is_pattern(&self) -> bool {
        match self.kind {
            GroupKind::Exact => false,
            GroupKind::Wildcard | GroupKind::All => true,
            GroupKind::Unknown => has_wildcard(&self.text),
        }
    }
}

/// The action of the first entry that names exactly one, the best place to
/// look for a key that does not resolve.
pub fn first_exact<'g, 'c: 'g>(
    groups: impl IntoIterator<Item = &'g ActionGroup<'c>>,
) -> Option<&'c Action> {
    groups
        .into_iter()
        .find(|g| g.kind == GroupKind::Exact)
        .and_then(|g| g.matched.first().copied())
}

/// Wildcard patterns already expanded against the catalog: a large corpus
/// repeats the same few patterns. `service:pattern` (lowercase) → actions.
/// Also the exact names already found, as written → the action and its
/// full name: a large corpus repeats the same few actions too.
#[derive(Default)]
pub struct PatternCache<'c> {
    expanded: Mutex<HashMap<String, Vec<&'c Action>>>,
    exact: RwLock<HashMap<Box<str>, ExactName<'c>>>,
}

/// An exact name found: the action and its full name.
type ExactName<'c> = (&'c Action, Box<str>);

/// At most this many exact names are remembered; past it, they are looked
/// up each time (the answers are the same, only slower).
const MAX_EXACT: usize = 4096;

impl<'c> PatternCache<'c> {
    /// The action named exactly `text` (`service:Name`, as written), if found
    /// before, as an exact group.
    fn exact(&self, text: &str) -> Option<ActionGroup<'c>> {
        let known = self.exact.read().ok()?;
        let (action, full_name) = known.get(text)?;
        Some(ActionGroup {
            text: full_name.to_string(),
            kind: GroupKind::Exact,
            matched: vec![*action],
        })
    }

    fn remember_exact(&self, text: &str, action: &'c Action, full_name: &str) {
        if let Ok(mut known) = self.exact.write()
            && known.len() < MAX_EXACT
        {
            known.insert(text.into(), (action, full_name.into()));
        }
    }

    /// The actions of `service` matching `pattern`.
    pub fn actions_matching(&self, service: &'c Service, pattern: &str) -> Vec<&'c Action> {
        let key = format!("{}:{}", service.prefix(), pattern.to_ascii_lowercase());
        // A poisoned lock only means another thread panicked mid-insert; the
        // map is still a valid cache, so keep using it.
        let cached = match self.expanded.lock() {
            Ok(map) => map.get(&key).cloned(),
            Err(poisoned) => poisoned.into_inner().get(&key).cloned(),
        };
        if let Some(found) = cached {
            return found;
        }
        let matched = service.actions_matching(pattern);
        match self.expanded.lock() {
            Ok(mut map) => map.insert(key, matched.clone()),
            Err(poisoned) => poisoned.into_inner().insert(key, matched.clone()),
        };
        matched
    }
}

/// Why an action name does not resolve. The unknown names (a service or an
/// action the catalog lacks, a pattern that matches nothing) are warnings
/// and are carried through as written ([`ActionProblem::carried`]): AWS
/// accepts them, and they match nothing today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionProblem {
    /// `${…}` in an action: IAM does not resolve it there.
    Variable,
    /// Not `service:Action`.
    Malformed { suggestion: Option<String> },
    UnknownService {
        prefix: String,
        suggestion: Option<String>,
    },
    /// A pattern that matches no action of its service.
    NoMatch { service: String },
    UnknownAction {
        service: String,
        suggestion: Option<String>,
    },
}

/// Resolves `svc:Name`, `svc:Pat*`, a pattern over services or `*`.
pub fn resolve_action<'c>(
    catalog: &'c Catalog,
    patterns: &PatternCache<'c>,
    text: &str,
) -> Result<ActionGroup<'c>, ActionProblem> {
    if text.contains("${") {
        return Err(ActionProblem::Variable);
    }
    if text == "*" {
        return Ok(ActionGroup::all());
    }
    let malformed = || ActionProblem::Malformed {
        suggestion: catalog.suggest_action(text),
    };
    let (prefix, name) = text.split_once(':').ok_or_else(malformed)?;
    if name.is_empty() || name.contains(':') || prefix.is_empty() {
        return Err(malformed());
    }
    if let Some(found) = patterns.exact(text) {
        return Ok(found);
    }
    if has_wildcard(prefix) {
        // A wildcard in the service prefix: legal IAM, checked loosely.
        return Ok(ActionGroup {
            text: text.to_string(),
            kind: GroupKind::All,
            matched: Vec::new(),
        });
    }
    let Some(service) = catalog.service(prefix) else {
        let suggestion = catalog.suggest_action(text).or_else(|| {
            catalog
                .suggest_service(prefix)
                .map(|s| format!("{s}:{name}"))
        });
        return Err(ActionProblem::UnknownService {
            prefix: prefix.to_string(),
            suggestion,
        });
    };
    if has_wildcard(name) {
        let matched = patterns.actions_matching(service, name);
        if matched.is_empty() {
            return Err(ActionProblem::NoMatch {
                service: service.prefix().to_string(),
            });
        }
        return Ok(ActionGroup {
            text: format!("{}:{}", service.prefix(), name),
            kind: GroupKind::Wildcard,
            matched,
        });
    }
    match service.action(name) {
        Some(a) => {
            let full_name = a.full_name();
            patterns.remember_exact(text, a, &full_name);
            Ok(ActionGroup {
                text: full_name,
                kind: GroupKind::Exact,
                matched: vec![a],
            })
        }
        None => Err(ActionProblem::UnknownAction {
            service: service.prefix().to_string(),
            suggestion: catalog.suggest_action(text),
        }),
    }
}

impl ActionProblem {
    /// The entry a well-formed name the catalog lacks stands for, as
    /// written; `None` for a name that is not an action at all.
    pub fn carried<'c>(&self, text: &str) -> Option<ActionGroup<'c>> {
        match self {
            ActionProblem::Variable | ActionProblem::Malformed { .. } => None,
            ActionProblem::UnknownService { .. }
            | ActionProblem::NoMatch { .. }
            | ActionProblem::UnknownAction { .. } => Some(ActionGroup {
                text: text.to_string(),
                kind: GroupKind::Unknown,
                matched: Vec::new(),
            }),
        }
    }

    /// The diagnostic for the action `text` written at `span`.
    pub fn diagnostic(&self, file: FileId, span: Span, text: &str) -> Diagnostic {
        let with = |d: Diagnostic, suggestion: &Option<String>| match suggestion {
            Some(s) => d.with_suggestion(s.clone()),
            None => d,
        };
        match self {
            ActionProblem::Variable => Diagnostic::new(
                codes::E0209,
                file,
                span,
                "policy variables are not allowed in actions",
            )
            .with_label("IAM does not resolve variables here")
            .with_help("IAM resolves policy variables only in resources and condition values"),
            ActionProblem::Malformed { suggestion } => with(
                Diagnostic::new(
                    codes::E0102,
                    file,
                    span,
                    format!("malformed action `{text}`"),
                )
                .with_label("expected `service:Action`"),
                suggestion,
            ),
            ActionProblem::UnknownService { prefix, suggestion } => with(
                Diagnostic::new(
                    codes::W0102,
                    file,
                    span,
                    format!("unknown service `{prefix}`"),
                )
                .with_label("no such service prefix in the catalog")
                .with_help(RETIRED),
                suggestion,
            ),
            ActionProblem::NoMatch { service } => Diagnostic::new(
                codes::W0104,
                file,
                span,
                format!("`{text}` matches no action"),
            )
            .with_label(format!("no action of `{service}` matches this pattern"))
            .with_help(RETIRED),
            ActionProblem::UnknownAction {
                service,
                suggestion,
            } => with(
                Diagnostic::new(codes::W0103, file, span, format!("unknown action `{text}`"))
                    .with_label(format!("`{service}` has no such action"))
                    .with_help(RETIRED),
                suggestion,
            ),
        }
    }
}

/// The help of an unknown name: why it is only a warning, and what it does.
const RETIRED: &str = "AWS accepts the name, but it matches no action the catalog knows: a retired name matches nothing, and a deny of it protects nothing; check the spelling, or update the catalog if the name is new";

/// A condition key the catalog does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKey {
    pub name: String,
    /// The closest key, among those of `near` first.
    pub suggestion: Option<String>,
}

/// Resolves a full key name (`svc:Key`, `aws:PrincipalTag/team`); when it
/// does not resolve, suggests the closest key `near` supports, or else any.
pub fn resolve_key(
    catalog: &Catalog,
    name: &str,
    near: Option<&Action>,
) -> Result<KeyRef, UnknownKey> {
    if let Some(key) = catalog.key(name) {
        return Ok(key);
    }
    let suggestion = near
        .and_then(|a| catalog.suggest_key_for_action(a, name))
        .or_else(|| catalog.suggest_key(name));
    Err(UnknownKey {
        name: name.to_string(),
        suggestion,
    })
}

impl UnknownKey {
    pub fn diagnostic(&self, file: FileId, span: Span) -> Diagnostic {
        let d = Diagnostic::new(
            codes::E0103,
            file,
            span,
            format!("unknown condition key `{}`", self.name),
        )
        .with_label("no such key in the catalog");
        match &self.suggestion {
            Some(s) if self.name.contains(char::is_whitespace) => d
                .with_label("a key name holds no spaces")
                .with_suggestion(s.clone()),
            Some(s) => d.with_suggestion(s.clone()),
            None => d,
        }
    }
}

/// What is wrong with a policy variable (`${aws:username}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariableProblem {
    /// `${` without `}`.
    Unclosed,
    /// `${key, default}` whose default is not in single quotes.
    UnquotedDefault { var: String },
    /// Spaces, or nothing, where the key goes.
    Spaces { var: String },
    UnknownKey {
        key: String,
        suggestion: Option<String>,
    },
}

/// The problems of the policy variables in `s`: an unclosed `${` alone, or
/// one per variable that is not valid.
pub fn variable_problems(catalog: &Catalog, s: &str) -> Vec<VariableProblem> {
    match super::values::variables(s) {
        Ok(vars) => vars
            .into_iter()
            .filter_map(|v| variable_problem(catalog, v))
            .collect(),
        Err(_) => vec![VariableProblem::Unclosed],
    }
}

/// What is wrong with one variable, the text inside `${…}`: it must name a
/// known key (or be one of the escapes `${*}`, `${?}`, `${$}`), optionally
/// with a `'default'`.
pub fn variable_problem(catalog: &Catalog, var: &str) -> Option<VariableProblem> {
    if matches!(var, "*" | "?" | "$") {
        return None;
    }
    let key = match var.split_once(',') {
        Some((key, default)) => {
            let d = default.trim();
            if !(d.len() >= 2 && d.starts_with('\'') && d.ends_with('\'')) {
                return Some(VariableProblem::UnquotedDefault {
                    var: var.to_string(),
                });
            }
            key
        }
        None => var,
    };
    if key.is_empty() || key.trim() != key || key.contains(' ') {
        return Some(VariableProblem::Spaces {
            var: var.to_string(),
        });
    }
    if catalog.key(key).is_some() {
        return None;
    }
    Some(VariableProblem::UnknownKey {
        key: key.to_string(),
        suggestion: catalog.suggest_key(key),
    })
}

impl VariableProblem {
    pub fn diagnostic(&self, file: FileId, span: Span) -> Diagnostic {
        match self {
            VariableProblem::Unclosed => {
                Diagnostic::new(codes::E0214, file, span, "unclosed policy variable")
                    .with_label("`${` without `}`")
                    .with_help("write `${aws:username}`; for a literal `$`, write `${$}`")
            }
            VariableProblem::UnquotedDefault { var } => Diagnostic::new(
                codes::E0214,
                file,
                span,
                format!("malformed policy variable `${{{var}}}`"),
            )
            .with_label("the default value must be in single quotes")
            .with_help("write `${aws:PrincipalTag/team, 'none'}`"),
            VariableProblem::Spaces { var } => Diagnostic::new(
                codes::E0214,
                file,
                span,
                format!("malformed policy variable `${{{var}}}`"),
            )
            .with_label("no spaces are allowed inside `${…}`"),
            VariableProblem::UnknownKey { key, suggestion } => {
                let d = Diagnostic::new(
                    codes::E0212,
                    file,
                    span,
                    format!("unknown condition key `{key}` in policy variable"),
                )
                .with_label("no such key in the catalog");
                match suggestion {
                    Some(s) => d.with_suggestion(format!("${{{s}}}")),
                    None => d,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> &'static Catalog {
        Catalog::embedded().unwrap()
    }

    /// An exact name found before resolves from the cache as it did the
    /// first time; what did not resolve is never remembered.
    #[test]
    fn remembered_exact_names_resolve_as_looked_up() {
        let c = catalog();
        let shared = PatternCache::default();
        let texts = [
            "SageMaker:createapp",
            "sagemaker:CreateApp",
            "s3:GetObject",
            "S3:getobject",
            "s3:GetObjekt",
            "nosuch:Thing",
            "s3:Get*",
            "*",
            "s3",
            "s3:${aws:username}",
        ];
        for round in 0..3 {
            for text in texts {
                let fresh = PatternCache::default();
                let first = resolve_action(c, &fresh, text);
                let again = resolve_action(c, &shared, text);
                let show = |r: &Result<ActionGroup, ActionProblem>| match r {
                    Ok(g) => format!("{} {:?} {:?}", g.text, g.kind, g.matched),
                    Err(e) => format!("{e:?}"),
                };
                assert_eq!(show(&first), show(&again), "{text} (round {round})");
            }
        }
        let remembered = shared.exact.read().unwrap().len();
        assert_eq!(remembered, 4, "only the names found exactly");
    }

    #[test]
    fn actions_resolve_or_say_why_not() {
        let c = catalog();
        let cache = PatternCache::default();
        let exact = resolve_action(c, &cache, "SageMaker:createapp").unwrap();
        assert_eq!(exact.text, "sagemaker:CreateApp");
        assert_eq!(exact.kind, GroupKind::Exact);
        let pattern = resolve_action(c, &cache, "sagemaker:Create*").unwrap();
        assert_eq!(pattern.kind, GroupKind::Wildcard);
        assert!(pattern.matched.len() > 10);
        assert!(!pattern.is_wide());
        assert!(resolve_action(c, &cache, "sagemaker:*").unwrap().is_wide());
        assert_eq!(resolve_action(c, &cache, "*").unwrap().kind, GroupKind::All);
        assert_eq!(
            resolve_action(c, &cache, "s*:Get*").unwrap().kind,
            GroupKind::All
        );
        assert_eq!(
            resolve_action(c, &cache, "s3:${aws:username}").unwrap_err(),
            ActionProblem::Variable
        );
        assert_eq!(
            resolve_action(c, &cache, "sagemaker:CreateAp").unwrap_err(),
            ActionProblem::UnknownAction {
                service: "sagemaker".to_string(),
                suggestion: Some("sagemaker:CreateApp".to_string())
            }
        );
        assert_eq!(
            resolve_action(c, &cache, "sagemaker:Zzz*").unwrap_err(),
            ActionProblem::NoMatch {
                service: "sagemaker".to_string()
            }
        );
        let carried = resolve_action(c, &cache, "deeplens:*")
            .unwrap_err()
            .carried("deeplens:*")
            .unwrap();
        assert_eq!(
            (carried.text.as_str(), carried.kind),
            ("deeplens:*", GroupKind::Unknown)
        );
        assert!(carried.is_pattern() && !carried.is_wide());
        assert!(
            resolve_action(c, &cache, "sagemaker::CreateApp")
                .unwrap_err()
                .carried("sagemaker::CreateApp")
                .is_none()
        );
        assert!(matches!(
            resolve_action(c, &cache, "sagemakr:CreateApp").unwrap_err(),
            ActionProblem::UnknownService { prefix, suggestion: Some(s) }
                if prefix == "sagemakr" && s == "sagemaker:CreateApp"
        ));
        assert_eq!(
            resolve_action(c, &cache, "sagemaker::CreateApp").unwrap_err(),
            ActionProblem::Malformed {
                suggestion: Some("sagemaker:CreateApp".to_string())
            }
        );
    }

    #[test]
    fn keys_resolve_or_suggest_near_the_action() {
        let c = catalog();
        assert_eq!(
            resolve_key(c, "sagemaker:instancetypes", None)
                .unwrap()
                .name,
            "sagemaker:InstanceTypes"
        );
        let unknown = resolve_key(c, "sagemaker: VpcSubnets", None).unwrap_err();
        assert_eq!(unknown.suggestion.as_deref(), Some("sagemaker:VpcSubnets"));
        let d = unknown.diagnostic(0, Span::new(0, 1));
        assert_eq!(d.label, "a key name holds no spaces");
    }

    #[test]
    fn variables_name_known_keys() {
        let c = catalog();
        assert!(variable_problems(c, "arn:aws:s3:::b/${aws:username}/${*}").is_empty());
        assert_eq!(
            variable_problems(c, "a${aws:username"),
            vec![VariableProblem::Unclosed]
        );
        assert!(matches!(
            variable_problems(c, "${aws:usernme}").as_slice(),
            [VariableProblem::UnknownKey { suggestion: Some(s), .. }] if s == "aws:username"
        ));
        assert!(matches!(
            variable_problem(c, "aws:PrincipalTag/team, none"),
            Some(VariableProblem::UnquotedDefault { .. })
        ));
        assert!(variable_problem(c, "aws:PrincipalTag/team, 'none'").is_none());
        assert!(matches!(
            variable_problem(c, " aws:username"),
            Some(VariableProblem::Spaces { .. })
        ));
    }
}
