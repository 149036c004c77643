//! Names: actions, resources and principals, resolved against the catalog.

use super::{Scope, closest};
use crate::catalog::{Action, KeyRef};
use crate::diag::{Diagnostic, codes};
use crate::ir;
use crate::policy::PolicyKind;
use crate::rules::kinds::{PrincipalType, principal_problem};
use crate::rules::names::{ActionGroup, resolve_action, resolve_key};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, ActionRef, PrincipalKind, ResourceRef, Value};
use std::sync::Arc;

pub(crate) struct ResolvedActions<'c> {
    /// `* except [...]`: the groups are the exceptions (`NotAction`).
    pub except: bool,
    /// Each written entry and the catalog actions it stands for.
    pub groups: Vec<Spanned<ActionGroup<'c>>>,
}

impl ResolvedActions<'_> {
    pub fn into_ir(self) -> ir::Actions {
        // Not `collect`: it would reuse the groups' buffer, several times
        // the size of the names, for as long as the IR lives.
        let mut names: Vec<String> = Vec::with_capacity(self.groups.len());
        names.extend(self.groups.into_iter().map(|g| g.node.text));
        if self.except {
            ir::Actions::AllExcept(names)
        } else {
            ir::Actions::Only(names)
        }
    }
}

pub(crate) fn actions<'c>(
    scope: &Scope<'c>,
    spec: &Spanned<ast::ActionSpec>,
    diags: &mut Vec<Diagnostic>,
) -> ResolvedActions<'c> {
    let (except, refs) = match &spec.node {
        ast::ActionSpec::List(l) => (false, l),
        ast::ActionSpec::AllExcept(l) => (true, l),
    };
    let mut groups = Vec::new();
    for r in refs {
        match &r.node {
            ActionRef::Star => {
                if except {
                    diags.push(
                        Diagnostic::new(
                            codes::E0113,
                            scope.file,
                            r.span,
                            "`* except *` names no action",
                        )
                        .with_label("every action is excepted"),
                    );
                    continue;
                }
                groups.push(Spanned::new(ActionGroup::all(), r.span));
            }
            ActionRef::Quoted(text) => {
                if let Some(g) = action(scope, text, r.span, diags) {
                    groups.push(Spanned::new(g, r.span));
                }
            }
            ActionRef::Name(name) => {
                if !name.contains(':')
                    && let Some(c) = scope.constant(name)
                {
                    for v in &c.values.node {
                        match &v.node {
                            Value::Str(s) => {
                                if let Some(g) = action(scope, s, r.span, diags) {
                                    groups.push(Spanned::new(g, r.span));
                                }
                            }
                            _ => diags.push(
                                Diagnostic::new(
                                    codes::E0210,
                                    scope.file,
                                    r.span,
                                    format!(
                                        "constant `{name}` holds a value that is not an action name"
                                    ),
                                )
                                .with_label("used as a list of actions here"),
                            ),
                        }
                    }
                    continue;
                }
                if let Some(g) = action(scope, name, r.span, diags) {
                    groups.push(Spanned::new(g, r.span));
                }
            }
        }
    }
    // The same action twice is harmless; keep the first.
    let mut seen: Vec<String> = Vec::new();
    groups.retain(|g| {
        let folded = g.node.text.to_ascii_lowercase();
        if seen.contains(&folded) {
            false
        } else {
            seen.push(folded);
            true
        }
    });
    ResolvedActions { except, groups }
}

/// Resolves one action string: `svc:Name`, `svc:Pat*`, or `Name` through `use`.
pub(crate) fn action<'c>(
    scope: &Scope<'c>,
    text: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<ActionGroup<'c>> {
    if text == "*" {
        // Only the bare `*` means every action (ActionRef::Star). The string
        // "*" is refused: under `use svc` an unqualified string resolves
        // within `svc` ("Send*" is `svc:Send*`), so "*" would read as `svc:*`
        // to some readers and as every action to others (README, "Actions").
        diags.push(
            Diagnostic::new(
                codes::E0116,
                scope.file,
                span,
                "the quoted action `\"*\"` is ambiguous",
            )
            .with_label("every action of every service, or of one service?")
            .with_help(
                "write `*` (unquoted) for every action of every service, or `svc:*` for every action of one service",
            ),
        );
        return None;
    }
    if !text.contains(':') && !text.contains("${") {
        return unqualified(scope, text, span, diags);
    }
    match resolve_action(scope.catalog, scope.patterns, text) {
        Ok(group) => Some(group),
        Err(problem) => {
            diags.push(problem.diagnostic(scope.file, span, text));
            problem.carried(text)
        }
    }
}

fn unqualified<'c>(
    scope: &Scope<'c>,
    name: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<ActionGroup<'c>> {
    if scope.uses.is_empty() {
        let mut d = Diagnostic::new(
            codes::E0108,
            scope.file,
            span,
            format!("action `{name}` has no service prefix"),
        )
        .with_label("which service?")
        .with_help("write `service:Action`, or add `use service` at the top of the file");
        if let Some(s) = scope.catalog.suggest_action(name) {
            d = d.with_suggestion(s);
        }
        diags.push(d);
        return None;
    }
    let found: Vec<ActionGroup<'c>> = scope
        .uses
        .iter()
        .filter_map(|prefix| {
            resolve_action(scope.catalog, scope.patterns, &format!("{prefix}:{name}")).ok()
        })
        .collect();
    match found.len() {
        1 => found.into_iter().next(),
        // One used service: the name is that service's, known or not.
        0 if scope.uses.len() == 1 => {
            let prefix = scope.uses.first().map(String::as_str).unwrap_or_default();
            action(scope, &format!("{prefix}:{name}"), span, diags)
        }
        0 => {
            let mut d = Diagnostic::new(
                codes::E0102,
                scope.file,
                span,
                format!("unknown action `{name}`"),
            )
            .with_label(format!("not an action of {}", used_list(scope)));
            let suggestion = scope
                .uses
                .iter()
                .find_map(|p| scope.catalog.suggest_action(&format!("{p}:{name}")));
            if let Some(s) = suggestion {
                d = d.with_suggestion(s);
            }
            diags.push(d);
            None
        }
        _ => {
            let names: Vec<String> = found.iter().map(|g| format!("`{}`", g.text)).collect();
            diags.push(
                Diagnostic::new(
                    codes::E0109,
                    scope.file,
                    span,
                    format!("action `{name}` is ambiguous"),
                )
                .with_label(format!("could be {}", names.join(" or ")))
                .with_help("write the service prefix"),
            );
            None
        }
    }
}

/// The catalog keys a written key name may be: `svc:Key` itself, or `Key` in
/// each `use`d service that defines it.
pub(crate) fn keys_named(scope: &Scope, name: &str) -> Vec<Arc<KeyRef>> {
    let catalog = scope.catalog;
    if name.contains(':') {
        return catalog.key_shared(name).into_iter().collect();
    }
    scope
        .uses
        .iter()
        .filter_map(|p| catalog.key_shared(&format!("{p}:{name}")))
        .collect()
}

/// Resolves a key: `svc:Key`, or `Key` through `use`. A key that does not
/// resolve is reported with the closest key `near` supports, if any.
pub(crate) fn key(
    scope: &Scope,
    key: &Spanned<String>,
    near: Option<&Action>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<KeyRef>> {
    let catalog = scope.catalog;
    let name = key.node.as_str();
    if name.contains(':') {
        if let Some(k) = catalog.key_shared(name) {
            return Some(k);
        }
        return match resolve_key(catalog, name, near) {
            Ok(k) => Some(Arc::new(k)),
            Err(unknown) => {
                diags.push(unknown.diagnostic(scope.file, key.span));
                None
            }
        };
    }
    let found = keys_named(scope, name);
    match found.len() {
        1 => found.into_iter().next(),
        0 if scope.uses.is_empty() => {
            diags.push(
                Diagnostic::new(
                    codes::E0108,
                    scope.file,
                    key.span,
                    format!("condition key `{name}` has no service prefix"),
                )
                .with_label("which service?")
                .with_help("write `service:Key`, or add `use service` at the top of the file"),
            );
            None
        }
        0 => {
            let mut d = Diagnostic::new(
                codes::E0103,
                scope.file,
                key.span,
                format!("unknown condition key `{name}`"),
            )
            .with_label(format!("not a key of {}", used_list(scope)));
            let suggestion = scope
                .uses
                .iter()
                .find_map(|p| catalog.suggest_key(&format!("{p}:{name}")));
            if let Some(s) = suggestion {
                d = d.with_suggestion(s);
            }
            diags.push(d);
            None
        }
        _ => {
            let names: Vec<String> = found.iter().map(|k| format!("`{}`", k.name)).collect();
            diags.push(
                Diagnostic::new(
                    codes::E0109,
                    scope.file,
                    key.span,
                    format!("condition key `{name}` is ambiguous"),
                )
                .with_label(format!("could be {}", names.join(" or ")))
                .with_help("write the service prefix"),
            );
            None
        }
    }
}

pub(crate) fn used_list(scope: &Scope) -> String {
    let names: Vec<String> = scope.uses.iter().map(|u| format!("`{u}`")).collect();
    names.join(", ")
}

/// Resources: ARNs (with IAM wildcards and policy variables), `*`, constants.
pub(crate) fn resources(
    scope: &Scope,
    spec: Option<&Spanned<ast::ResourceSpec>>,
    diags: &mut Vec<Diagnostic>,
) -> ir::Resources {
    let Some(spec) = spec else {
        return ir::Resources::Only(vec!["*".to_string()]);
    };
    let (except, refs) = match &spec.node {
        ast::ResourceSpec::List(l) => (false, l),
        ast::ResourceSpec::AllExcept(l) => (true, l),
    };
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for r in refs {
        match &r.node {
            ResourceRef::Star => push("*".to_string()),
            ResourceRef::Arn(arn) => {
                if super::values::check_resource_arn(scope, arn, r.span, diags) {
                    push(arn.clone());
                }
            }
            ResourceRef::Const(name) => match scope.constant(name) {
                Some(c) => {
                    for v in &c.values.node {
                        match &v.node {
                            Value::Str(arn) => {
                                if super::values::check_resource_arn(scope, arn, r.span, diags) {
                                    push(arn.clone());
                                }
                            }
                            _ => diags.push(
                                Diagnostic::new(
                                    codes::E0202,
                                    scope.file,
                                    r.span,
                                    format!("constant `{name}` holds a value that is not an ARN"),
                                )
                                .with_label("used as a list of resources here"),
                            ),
                        }
                    }
                }
                None => diags.push(unknown_const(scope, name, r.span)),
            },
        }
    }
    if except {
        ir::Resources::AllExcept(out)
    } else {
        ir::Resources::Only(out)
    }
}

pub(crate) fn unknown_const(scope: &Scope, name: &str, span: Span) -> Diagnostic {
    // A param without a value is no constant.
    if scope.is_param(name) {
        return Diagnostic::new(
            codes::E0714,
            scope.file,
            span,
            format!("param `{name}` has no value"),
        )
        .with_label("no default, and no value given")
        .with_help(format!(
            "give it a default (`param {name}: … = …`), `set {name} = …` at the root of the org, or pass `--set {name}=…`"
        ));
    }
    let mut d = Diagnostic::new(
        codes::E0104,
        scope.file,
        span,
        format!("unknown constant `{name}`"),
    )
    .with_label("no `const` of this name is defined or imported");
    if let Some(s) = closest(name, scope.const_names()) {
        d = d.with_suggestion(s);
    }
    d
}

pub(crate) fn principals(
    scope: &Scope,
    kind: PolicyKind,
    r: &ast::Rule,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ir::Principal> {
    // A kind without principals is reported by `lints::kind_rules`.
    if !kind.has_principals() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for p in &r.principals {
        let ty = match p.kind.node {
            PrincipalKind::Aws => PrincipalType::Aws,
            PrincipalKind::Service => PrincipalType::Service,
            PrincipalKind::Anyone | PrincipalKind::Federated | PrincipalKind::CanonicalUser => {
                PrincipalType::Other
            }
        };
        for v in &p.values {
            if let Some(problem) = principal_problem(ty, &v.node) {
                diags.push(problem.diagnostic(scope.file, v.span, &v.node));
            }
        }
        out.push(ir::Principal {
            kind: p.kind.node,
            values: p.values.iter().map(|v| v.node.clone()).collect(),
        });
    }
    out
}
