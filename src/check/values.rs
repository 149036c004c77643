//! Policy variables and resource ARNs as the checker reports them; the
//! shapes themselves are [`crate::rules::values`].

use super::Scope;
use crate::diag::{Diagnostic, codes};
use crate::rules::values::{arn_problem, variables};
use crate::source::Span;

/// Checks the variables of one string: each names a known key (or is one of
/// the escapes `${*}`, `${?}`, `${$}`), optionally with a `'default'`.
/// Returns whether all were valid.
pub(crate) fn check_variables(
    scope: &Scope,
    s: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let vars = match variables(s) {
        Ok(v) => v,
        Err(_) => {
            diags.push(
                Diagnostic::new(codes::E0214, scope.file, span, "unclosed policy variable")
                    .with_label("`${` without `}`")
                    .with_help("write `${aws:username}`; for a literal `$`, write `${$}`"),
            );
            return false;
        }
    };
    let mut ok = true;
    for var in vars {
        if !check_variable(scope, var, span, diags) {
            ok = false;
        }
    }
    ok
}

pub(crate) fn check_variable(
    scope: &Scope,
    var: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if matches!(var, "*" | "?" | "$") {
        return true;
    }
    // `${key, 'default'}`
    let key = match var.split_once(',') {
        Some((key, default)) => {
            let d = default.trim();
            if !(d.len() >= 2 && d.starts_with('\'') && d.ends_with('\'')) {
                diags.push(
                    Diagnostic::new(
                        codes::E0214,
                        scope.file,
                        span,
                        format!("malformed policy variable `${{{var}}}`"),
                    )
                    .with_label("the default value must be in single quotes")
                    .with_help("write `${aws:PrincipalTag/team, 'none'}`"),
                );
                return false;
            }
            key
        }
        None => var,
    };
    if key.is_empty() || key.trim() != key || key.contains(' ') {
        diags.push(
            Diagnostic::new(
                codes::E0214,
                scope.file,
                span,
                format!("malformed policy variable `${{{var}}}`"),
            )
            .with_label("no spaces are allowed inside `${…}`"),
        );
        return false;
    }
    if scope.catalog.key(key).is_some() {
        return true;
    }
    let mut d = Diagnostic::new(
        codes::E0212,
        scope.file,
        span,
        format!("unknown condition key `{key}` in policy variable"),
    )
    .with_label("no such key in the catalog");
    if let Some(s) = scope.catalog.suggest_key(key) {
        d = d.with_suggestion(format!("${{{s}}}"));
    }
    diags.push(d);
    false
}

/// An ARN in `on`: `*`, or `arn:partition:service:region:account:resource`,
/// IAM wildcards and policy variables allowed.
pub(crate) fn check_resource_arn(
    scope: &Scope,
    arn: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if arn == "*" {
        return true;
    }
    if !check_variables(scope, arn, span, diags) {
        return false;
    }
    match arn_problem(arn, true) {
        None => true,
        Some(problem) => {
            diags.push(
                Diagnostic::new(
                    codes::E0202,
                    scope.file,
                    span,
                    format!("malformed ARN `{arn}`"),
                )
                .with_label(problem)
                .with_help("an ARN reads `arn:partition:service:region:account-id:resource`"),
            );
            false
        }
    }
}
