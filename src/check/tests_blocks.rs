//! `test` blocks: each case's action, resource and context checked against
//! the catalog like a rule's, so a test cannot silently test nothing.

use super::Scope;
use super::names;
use crate::diag::{Diagnostic, codes};
use crate::ir;
use crate::rules::values::Shape;
use crate::source::Span;
use crate::syntax::ast::{self, Operand, Value};

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
        policy: t.policy.node.clone(),
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
        context.push((k.name, values));
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
