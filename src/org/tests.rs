//! `test` blocks that name a node of the organization: each case is decided
//! through the path from the root down to that node, beside an identity
//! policy that allows everything, so `allow` means "the organization's
//! guardrails let it through" and a failure names the node and the
//! statement that decided.

use super::Org;
use super::eval::{self, Verdict};
use crate::iam::PolicyDocument;
use crate::ir;
use crate::testing::{self, Failure, Report};

/// Runs the suites of `program` that name a node.
pub fn run<'a>(
    org: Option<&'a Org>,
    program: &ir::Program,
    documents_at: &dyn Fn(usize) -> &'a [(std::sync::Arc<ir::Policy>, PolicyDocument)],
) -> Report {
    let mut report = Report::default();
    let allow_all = crate::eval::full_aws_access();
    let identity = [("an identity policy that allows everything", &allow_all)];
    for suite in &program.tests {
        let Some(target) = suite.node_path() else {
            continue;
        };
        let problem = |report: &mut Report, text: String| {
            report.failures.push(Failure {
                suite: suite.name.clone(),
                policy: target.to_string(),
                node: None,
                file: suite.file,
                span: suite.span,
                action: String::new(),
                expected: ir::Expectation::Allow,
                got: crate::eval::Decision::ImplicitDeny,
                deciding: Vec::new(),
                problem: Some(text),
            });
        };
        let Some(org) = org else {
            problem(&mut report, format!("no organization holds `{}`", target));
            continue;
        };
        let Some(node) = org.find(target) else {
            problem(
                &mut report,
                format!("no node `{}` in the organization", target),
            );
            continue;
        };
        let levels = match eval::levels_of(org, node, documents_at) {
            Ok(l) => l,
            Err(name) => {
                problem(
                    &mut report,
                    format!(
                        "policy `{name}` did not compile, so none of the {} cases ran",
                        suite.cases.len()
                    ),
                );
                continue;
            }
        };
        for case in &suite.cases {
            let v: Verdict = eval::decide(&levels, &identity, &[], &testing::request(case));
            if testing::satisfied(case.expect, v.decision) {
                report.passed += 1;
                continue;
            }
            report.failures.push(Failure {
                suite: suite.name.clone(),
                policy: v.policy.unwrap_or_default(),
                node: Some(v.node.unwrap_or_else(|| target.to_string())),
                file: suite.file,
                span: case.span,
                action: case.action.clone(),
                expected: case.expect,
                got: v.decision,
                deciding: v.statements,
                problem: None,
            });
        }
    }
    report
}
