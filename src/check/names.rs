//! Names: actions, resources and principals, resolved against the catalog.

use super::{Scope, closest};
use crate::catalog::{Action, has_wildcard};
use crate::diag::{Diagnostic, codes};
use crate::ir;
use crate::policy::PolicyKind;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, ActionRef, PrincipalKind, ResourceRef, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GroupKind {
    /// One named action.
    Exact,
    /// A pattern within one service (`sagemaker:Create*`).
    Wildcard,
    /// `*`, or a pattern over service names: every action.
    All,
}

/// One written action entry and the catalog actions it stands for.
pub(crate) struct ActionGroup<'c> {
    /// The catalog's spelling (`sagemaker:CreateApp`) or the pattern.
    pub text: String,
    pub span: Span,
    pub kind: GroupKind,
    pub matched: Vec<&'c Action>,
}

pub(crate) struct ResolvedActions<'c> {
    /// `* except [...]`: the groups are the exceptions (`NotAction`).
    pub except: bool,
    pub groups: Vec<ActionGroup<'c>>,
}

impl ResolvedActions<'_> {
    pub fn into_ir(self) -> ir::Actions {
        let names: Vec<String> = self.groups.into_iter().map(|g| g.text).collect();
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
                groups.push(ActionGroup {
                    text: "*".to_string(),
                    span: r.span,
                    kind: GroupKind::All,
                    matched: Vec::new(),
                });
            }
            ActionRef::Quoted(text) => {
                if let Some(g) = action(scope, text, r.span, diags) {
                    groups.push(g);
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
                                    groups.push(g);
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
                    groups.push(g);
                }
            }
        }
    }
    // The same action twice is harmless; keep the first.
    let mut seen: Vec<String> = Vec::new();
    groups.retain(|g| {
        let folded = g.text.to_ascii_lowercase();
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
    let catalog = scope.catalog;
    if text.contains("${") {
        diags.push(
            Diagnostic::new(
                codes::E0209,
                scope.file,
                span,
                "policy variables are not allowed in actions",
            )
            .with_label("IAM does not resolve variables here")
            .with_help("IAM resolves policy variables only in resources and condition values"),
        );
        return None;
    }
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
    let Some((prefix, name)) = text.split_once(':') else {
        return unqualified(scope, text, span, diags);
    };
    if name.is_empty() || name.contains(':') || prefix.is_empty() {
        diags.push(
            Diagnostic::new(
                codes::E0102,
                scope.file,
                span,
                format!("malformed action `{text}`"),
            )
            .with_label("expected `service:Action`"),
        );
        return None;
    }
    if has_wildcard(prefix) {
        // A wildcard in the service prefix: legal IAM, checked loosely.
        return Some(ActionGroup {
            text: text.to_string(),
            span,
            kind: GroupKind::All,
            matched: Vec::new(),
        });
    }
    let Some(service) = catalog.service(prefix) else {
        let mut d = Diagnostic::new(
            codes::E0101,
            scope.file,
            span,
            format!("unknown service `{prefix}`"),
        )
        .with_label("no such service prefix in the catalog");
        if let Some(s) = catalog.suggest_action(text) {
            d = d.with_suggestion(s);
        } else if let Some(s) = catalog.suggest_service(prefix) {
            d = d.with_suggestion(format!("{s}:{name}"));
        }
        diags.push(d);
        return None;
    };
    if has_wildcard(name) {
        let matched = scope.actions_matching(service, name);
        if matched.is_empty() {
            diags.push(
                Diagnostic::new(
                    codes::E0107,
                    scope.file,
                    span,
                    format!("`{text}` matches no action"),
                )
                .with_label(format!(
                    "no action of `{}` matches this pattern",
                    service.prefix()
                ))
                .with_help("check the pattern against the service's actions"),
            );
            return None;
        }
        return Some(ActionGroup {
            text: format!("{}:{}", service.prefix(), name),
            span,
            kind: GroupKind::Wildcard,
            matched,
        });
    }
    match service.action(name) {
        Some(a) => Some(ActionGroup {
            text: a.full_name(),
            span,
            kind: GroupKind::Exact,
            matched: vec![a],
        }),
        None => {
            let mut d = Diagnostic::new(
                codes::E0102,
                scope.file,
                span,
                format!("unknown action `{text}`"),
            )
            .with_label(format!("`{}` has no such action", service.prefix()));
            if let Some(s) = catalog.suggest_action(text) {
                d = d.with_suggestion(s);
            }
            diags.push(d);
            None
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
    let mut found = Vec::new();
    for prefix in &scope.uses {
        let full = format!("{prefix}:{name}");
        let mut quiet = Vec::new();
        if let Some(g) = action(scope, &full, span, &mut quiet)
            && quiet.is_empty()
        {
            found.push(g);
        }
    }
    match found.len() {
        1 => found.pop(),
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
    if !kind.has_principals() {
        if let (Some(first), Some(last)) = (r.principals.first(), r.principals.last()) {
            diags.push(
                Diagnostic::new(
                    codes::E0303,
                    scope.file,
                    first.span.to(*last.span),
                    format!("a `{}` names no principal", kind.keyword()),
                )
                .with_label("principal not allowed here")
                .with_help("the principal of an identity policy, SCP or RCP is whoever it is attached to; principals belong in `resource_policy` and `key_policy`"),
            );
        }
        return Vec::new();
    }
    if r.principals.is_empty() {
        diags.push(
            Diagnostic::new(
                codes::E0302,
                scope.file,
                r.effect.span,
                format!("a rule of a `{}` must name its principal", kind.keyword()),
            )
            .with_label("no principal")
            .with_help(format!(
                "write `{} service \"logs.amazonaws.com\" to …`, `aws \"arn:…\"` or `anyone`",
                r.effect.node.keyword()
            )),
        );
    }
    let mut out = Vec::new();
    for p in &r.principals {
        for v in &p.values {
            if v.node.is_empty() || v.node.contains("${") {
                diags.push(
                    Diagnostic::new(codes::E0213, scope.file, v.span, "invalid principal")
                        .with_label("a principal is a non-empty literal: no policy variables"),
                );
            } else if p.kind.node == PrincipalKind::Service
                && let Some(problem) = crate::rules::values::service_principal_problem(&v.node)
            {
                diags.push(
                    Diagnostic::new(
                        codes::E0213,
                        scope.file,
                        v.span,
                        format!("invalid service principal `{}`", v.node),
                    )
                    .with_label(problem),
                );
            } else if p.kind.node == PrincipalKind::Aws
                && !(v.node == "*"
                    || v.node.starts_with("arn:")
                    || (v.node.len() == 12 && v.node.bytes().all(|b| b.is_ascii_digit())))
            {
                diags.push(
                    Diagnostic::new(
                        codes::E0213,
                        scope.file,
                        v.span,
                        format!("invalid AWS principal `{}`", v.node),
                    )
                    .with_label("expected an ARN, a 12-digit account id, or `*`"),
                );
            }
        }
        out.push(ir::Principal {
            kind: p.kind.node,
            values: p.values.iter().map(|v| v.node.clone()).collect(),
        });
    }
    out
}

/// The catalog actions a rule names, for support checks; `None` for `*` and
/// `* except`, where only global keys are known to be present.
pub(crate) fn closest_action_name<'c>(groups: &[ActionGroup<'c>]) -> Option<&'c Action> {
    groups
        .iter()
        .find(|g| g.kind == GroupKind::Exact)
        .and_then(|g| g.matched.first().copied())
}
