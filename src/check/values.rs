//! Policy variables and resource ARNs as the checker reports them; the
//! shapes themselves are [`crate::rules::values`].

use super::Scope;
use crate::diag::Diagnostic;
use crate::rules::names::{VariableProblem, variable_problem, variable_problems};
use crate::rules::values::{Shape, arn_problem};
use crate::source::Span;

/// Checks the policy variables of one string (E0212, E0214); whether all
/// were valid.
pub(crate) fn check_variables(
    scope: &Scope,
    s: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    report(scope, variable_problems(scope.catalog, s), span, diags)
}

/// Checks one policy variable, the text inside `${…}`; whether it is valid.
pub(crate) fn check_variable(
    scope: &Scope,
    var: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    report(scope, variable_problem(scope.catalog, var), span, diags)
}

fn report(
    scope: &Scope,
    problems: impl IntoIterator<Item = VariableProblem>,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let before = diags.len();
    diags.extend(problems.into_iter().map(|p| p.diagnostic(scope.file, span)));
    diags.len() == before
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
            diags.push(Shape::Arn.malformed(scope.file, span, arn, problem));
            false
        }
    }
}
