//! `test` blocks: each case's action, resource and context checked against
//! the catalog like a rule's, so a test cannot silently test nothing.

use super::Scope;
use super::names;
use crate::diag::{Diagnostic, codes};
use crate::ir;
use crate::policy::PolicyKind;
use crate::rules::values::Shape;
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::{self, Operand, Value};
use std::collections::HashMap;

/// Every policy of the program by its name folded to lowercase: where it is
/// declared, its name as written, its kind.
/// (foldhash: every policy's name goes through it; seeded per process.)
pub(crate) type PolicyNames =
    HashMap<String, (FileId, Span, String, PolicyKind), foldhash::fast::RandomState>;

/// The policies a test names: each must exist (E0111), the boundary must be
/// an identity policy (E0323), and a request reaches one resource, so at
/// most one resource-side policy (resource, key or trust policy) is
/// evaluated with the others (E0324).
pub(crate) fn check_policies_named(
    file: FileId,
    t: &ast::TestDecl,
    names: &PolicyNames,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(node) = t.node_path() {
        // A node of the organization (`org` checks the path): its requests
        // are decided through the policies attached above and at it.
        if let Some(extra) = t.policies.get(1).or(t.boundary.as_ref()) {
            diags.push(
                Diagnostic::new(
                    codes::E0717,
                    file,
                    extra.span,
                    format!(
                        "a test of node `{}` names another policy `{}`",
                        node.node, extra.node
                    ),
                )
                .with_label("not evaluated with the node's policies")
                .with_help("a node is tested with the SCPs and RCPs attached from the root down to it; test other policies in a `test` of their own"),
            );
        }
        return;
    }
    let mut resource_side: Option<&Spanned<String>> = None;
    for named in t.policies.iter().chain(&t.boundary) {
        let Some(&(_, _, _, kind)) = names.get(&named.node.to_ascii_lowercase()) else {
            let mut d = Diagnostic::new(
                codes::E0111,
                file,
                named.span,
                format!("unknown policy `{}`", named.node),
            )
            .with_label("no policy of this name");
            if let Some(s) = super::closest(&named.node, names.values().map(|v| v.2.as_str())) {
                d = d.with_suggestion(s);
            }
            diags.push(d);
            continue;
        };
        let is_boundary = t.boundary.as_ref().is_some_and(|b| std::ptr::eq(b, named));
        if is_boundary {
            if kind != PolicyKind::Identity {
                diags.push(
                    Diagnostic::new(
                        codes::E0323,
                        file,
                        named.span,
                        format!(
                            "a permissions boundary is an identity policy, and `{}` is {}",
                            named.node,
                            kind.described()
                        ),
                    )
                    .with_label("not a `policy`")
                    .with_help("a boundary is a managed policy set on a user or role: declare it with `policy`"),
                );
            }
            continue;
        }
        if kind.has_principals() {
            if let Some(first) = resource_side {
                diags.push(
                    Diagnostic::new(
                        codes::E0324,
                        file,
                        named.span,
                        format!(
                            "`{}` and `{}` are both resource-side policies",
                            first.node, named.node
                        ),
                    )
                    .with_label("a second resource policy")
                    .with_secondary(file, first.span, "the first")
                    .with_help("a request reaches one resource, which has one resource-based policy: test them apart"),
                );
            } else {
                resource_side = Some(named);
            }
        }
    }
}

pub(crate) fn check_test(
    scope: &Scope,
    t: &ast::TestDecl,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::TestSuite> {
    let mut local = Vec::new();
    let suite = check_test_into(scope, t, &mut local);
    diags.append(&mut local);
    suite
}

fn check_test_into(
    scope: &Scope,
    t: &ast::TestDecl,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::TestSuite> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let mut cases = Vec::new();
    for case in &t.cases {
        if let Some(c) = check_case(scope, case, diags) {
            cases.push(c);
        }
    }
    if t.cases.is_empty() {
        diags.push(
            Diagnostic::new(
                codes::W0210,
                scope.file,
                t.name.span,
                format!("test `{}` has no cases", t.name.node),
            )
            .with_label("tests nothing")
            .with_help("add cases such as `sagemaker:CreateApp { } => deny`"),
        );
    }
    let errors_after = diags.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before {
        return None;
    }
    Some(ir::TestSuite {
        name: t.name.node.clone(),
        policies: t.policies.iter().map(|p| p.node.clone()).collect(),
        boundary: t.boundary.as_ref().map(|b| b.node.clone()),
        cases,
        file: scope.file,
        span: *t.span,
    })
}

fn check_case(
    scope: &Scope,
    case: &ast::TestCase,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::TestCase> {
    let is_star = case.action.node == "*";
    let group = if is_star {
        None
    } else {
        names::action(scope, &case.action.node, case.action.span, diags)
    };
    if is_star || group.as_ref().is_some_and(|g| g.is_pattern()) {
        diags.push(
            Diagnostic::new(
                codes::E0114,
                scope.file,
                case.action.span,
                "a test case names one action, not a pattern",
            )
            .with_label("a request is for one action")
            .with_help("write the action the request is for, such as `sagemaker:CreateApp`"),
        );
        return None;
    }
    let group = group?;
    if let Some(resource) = &case.resource
        && resource.node != "*"
        && let Some(problem) = crate::rules::values::arn_problem(&resource.node, false)
    {
        diags.push(Shape::Arn.malformed(scope.file, resource.span, &resource.node, problem));
        return None;
    }
    let mut context: Vec<(String, Vec<String>)> = Vec::new();
    let mut ok = true;
    for (key, operand) in &case.context {
        let resolved = names::key(scope, key, None, diags);
        let Some(k) = resolved else {
            ok = false;
            continue;
        };
        let mut values = Vec::new();
        let items: Vec<(&Value, Span)> = match &operand.node {
            Operand::One(v) => vec![(v, operand.span)],
            Operand::List(l) => l.iter().map(|v| (&v.node, v.span)).collect(),
        };
        for (v, span) in items {
            let first = values.len();
            match v {
                Value::Str(s) | Value::Num(s) => values.push(s.clone()),
                Value::Bool(b) => values.push(b.to_string()),
                Value::Const(name) => match scope.constant(name) {
                    Some(c) => {
                        for cv in &c.values.node {
                            match &cv.node {
                                Value::Str(s) | Value::Num(s) => values.push(s.clone()),
                                Value::Bool(b) => values.push(b.to_string()),
                                _ => {}
                            }
                        }
                    }
                    None => {
                        diags.push(names::unknown_const(scope, name, span));
                        ok = false;
                    }
                },
                Value::Var(_) => {
                    diags.push(
                        Diagnostic::new(
                            codes::E0209,
                            scope.file,
                            span,
                            "a test request holds values, not policy variables",
                        )
                        .with_label("write the value the request carries"),
                    );
                    ok = false;
                }
            }
            for text in &values[first..] {
                if let Some(d) = ill_typed(scope, &k, text, span) {
                    diags.push(d);
                    ok = false;
                }
            }
        }
        if !k.ty.is_multivalued() && values.len() > 1 {
            diags.push(
                Diagnostic::new(
                    codes::E0210,
                    scope.file,
                    operand.span,
                    format!(
                        "condition key `{}` is single-valued: give one value, not {}",
                        k.name,
                        values.len()
                    ),
                )
                .with_label("several values for a single-valued key"),
            );
            ok = false;
            continue;
        }
        if context.iter().any(|(n, _)| n.eq_ignore_ascii_case(&k.name)) {
            diags.push(
                Diagnostic::new(
                    codes::E0115,
                    scope.file,
                    key.span,
                    format!("condition key `{}` is given twice", k.name),
                )
                .with_label("given again here"),
            );
            ok = false;
            continue;
        }
        context.push((k.name.clone(), values));
    }
    if !ok {
        return None;
    }
    Some(ir::TestCase {
        action: group.text,
        resource: case.resource.as_ref().map(|r| r.node.clone()),
        context,
        expect: case.expect.node,
        span: *case.span,
    })
}

/// A request value that cannot be read as its key's type, which AWS never
/// sends: a case holding it would test a request that cannot happen. The
/// shapes are the ones rule literals are held to (a `Date` value may be
/// seconds since 1970, as `aws:EpochTime` carries); String, ARN and Binary
/// values are taken as given.
fn ill_typed(
    scope: &Scope,
    key: &crate::catalog::KeyRef,
    text: &str,
    span: Span,
) -> Option<Diagnostic> {
    use crate::iam::OperatorFamily as Family;
    use crate::rules::values::{cidr_problem, date_problem, number_problem};
    let fam = crate::rules::operators::key_family(key.ty);
    let (code, what, problem) = match fam {
        Family::Numeric => (codes::E0205, "number", number_problem(text)?),
        Family::Date if number_problem(text).is_none() => return None,
        Family::Date => (codes::E0204, "date", date_problem(text)?),
        Family::Ip => (codes::E0203, "IP address", cidr_problem(text)?),
        Family::Bool if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") => {
            return None;
        }
        Family::Bool => (
            codes::E0210,
            "boolean",
            "expected `true` or `false`".to_string(),
        ),
        _ => return None,
    };
    Some(
        Diagnostic::new(
            code,
            scope.file,
            span,
            format!("malformed {what} `{text}` for condition key `{}`", key.name),
        )
        .with_label(problem)
        .with_help(format!(
            "`{}` is of type {}; AWS sends only values of that type",
            key.name,
            crate::rules::operators::family_name(fam)
        )),
    )
}
