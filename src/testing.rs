//! Runs `test` blocks against the compiled output, with the evaluator.
//!
//! How the policy under test is combined, per kind:
//! - `scp`: attached beside `FullAWSAccess`, with an identity policy that
//!   allows everything — `allow` means "the SCP lets it through";
//! - `rcp`: likewise, with `RCPFullAWSAccess` implied;
//! - `policy` (identity): alone — an action it does not allow is an implicit deny;
//! - `resource_policy` / `key_policy` / `trust_policy`: alone, as the
//!   resource's policy (a trust policy is the role's); the request's principal
//!   is the context's `aws:PrincipalArn`, else `aws:PrincipalServiceName`.
//!   A role's session is written with the role's ARN: AWS sets
//!   `aws:PrincipalArn` of a role session to the ARN of the role, not to the
//!   session's `assumed-role` ARN (IAM User Guide,
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn>),
//!   and the role's ARN in `Principal` names it. A session's own ARN there
//!   names that one session as the principal (which a `Principal` naming the
//!   session names), and the conditions see the role's ARN.
//!
//! A test naming several policies (`for A, B`) evaluates them together, each
//! in the layer of its kind (SCPs beside `FullAWSAccess`, at one level of the
//! organization); the allow-all identity policy stands in only when none of
//! them grants (no identity and no resource-side policy). `with boundary C`
//! sets the identity policy `C` as the permissions boundary: an identity
//! grant then counts only where `C` allows too (see [`crate::eval`]).

use crate::diag::escape;
use crate::eval::{self, Decision, PolicySet, Request};
use crate::iam::PolicyDocument;
use crate::ir::{self, Expectation, PolicyKind, Span};
use crate::source::{FileId, SourceMap};
use std::collections::HashMap;

/// One failed case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub suite: String,
    pub policy: String,
    /// For a test of a node of the organization: the node whose policy
    /// decided (or where no SCP allowed), else the node tested.
    pub node: Option<String>,
    pub file: FileId,
    pub span: Span,
    pub action: String,
    pub expected: Expectation,
    pub got: Decision,
    /// Sids of the statements that decided (for an explicit deny or an allow).
    pub deciding: Vec<String>,
    /// Set when the case could not run (its policy did not compile).
    pub problem: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub passed: usize,
    pub failures: Vec<Failure>,
}

impl Report {
    /// The closing line: `N passed, M failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failures.len())
    }

    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for f in &self.failures {
            let (line, col) = sources.line_col(f.file, f.span.start);
            let place = format!("{}:{line}:{col}", escape(sources.name(f.file)));
            match &f.problem {
                Some(p) => out.push_str(&format!(
                    "FAIL {place}: test `{}`: {}\n",
                    escape(&f.suite),
                    escape(p)
                )),
                None => {
                    let decided = if let Some(node) = &f.node {
                        node_decided(f, node)
                    } else if f.deciding.is_empty() {
                        format!("no statement of `{}` matched", f.policy)
                    } else {
                        let sids: Vec<String> =
                            f.deciding.iter().map(|s| format!("`{s}`")).collect();
                        format!("decided by {} of `{}`", sids.join(", "), f.policy)
                    };
                    out.push_str(&format!(
                        "FAIL {place}: test `{}`: `{}` expected {}, got {} ({})\n",
                        escape(&f.suite),
                        escape(&f.action),
                        expectation_text(f.expected),
                        decision_text(f.got),
                        escape(&decided),
                    ));
                }
            }
        }
        out
    }
}

/// What decided a failed case of a test of a node.
fn node_decided(f: &Failure, node: &str) -> String {
    let sids: Vec<String> = f.deciding.iter().map(|s| format!("`{s}`")).collect();
    match (f.got, f.policy.is_empty()) {
        (Decision::ExplicitDeny, false) => format!(
            "denied by {} of `{}` attached at `{node}`",
            sids.join(", "),
            f.policy
        ),
        (Decision::Allow, false) => format!(
            "every level's SCPs let it through; allowed by {} of {}",
            sids.join(", "),
            f.policy
        ),
        (Decision::ImplicitDeny, _) => format!("no SCP attached at `{node}` allows it"),
        _ => format!("no statement on the path to `{node}` decided"),
    }
}

pub fn expectation_text(e: Expectation) -> &'static str {
    match e {
        Expectation::Allow => "allow",
        Expectation::Deny => "deny",
        Expectation::ExplicitDeny => "deny (explicit)",
        Expectation::ImplicitDeny => "deny (implicit)",
    }
}

pub fn decision_text(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::ExplicitDeny => "deny (explicit)",
        Decision::ImplicitDeny => "deny (implicit)",
    }
}

/// Whether a decision meets an expectation (`deny` takes either kind).
pub fn satisfied(expect: Expectation, got: Decision) -> bool {
    matches!(
        (expect, got),
        (Expectation::Allow, Decision::Allow)
            | (
                Expectation::Deny,
                Decision::ExplicitDeny | Decision::ImplicitDeny
            )
            | (Expectation::ExplicitDeny, Decision::ExplicitDeny)
            | (Expectation::ImplicitDeny, Decision::ImplicitDeny)
    )
}

/// The request a case describes.
pub fn request(case: &ir::TestCase) -> Request {
    let mut req = Request::new(case.action.clone());
    if let Some(r) = &case.resource {
        req = req.with_resource(r.clone());
    }
    let principal = case
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("aws:PrincipalArn"))
        .or_else(|| {
            case.context
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("aws:PrincipalServiceName"))
        })
        .and_then(|(_, v)| v.first().cloned());
    if let Some(p) = principal {
        req = req.with_principal(p);
    }
    for (k, v) in &case.context {
        req.set_key(k, v.clone());
    }
    // A role session's ARN names that session, under its role's ARN; the
    // diff writes its witnesses so too.
    req.read_session_principal();
    req
}

/// Evaluates one request against one compiled policy, combined per its kind.
pub fn decide(kind: PolicyKind, doc: &PolicyDocument, req: &Request) -> eval::Outcome {
    decide_together(&[(kind, doc)], None, req)
}

/// Evaluates one request against several compiled policies, each in the layer
/// of its kind, with `boundary` (an identity policy) as the permissions
/// boundary; see the module documentation.
pub fn decide_together(
    policies: &[(PolicyKind, &PolicyDocument)],
    boundary: Option<&PolicyDocument>,
    req: &Request,
) -> eval::Outcome {
    let allow_all = eval::full_aws_access();
    let mut set = PolicySet::new();
    for &(kind, doc) in policies {
        match eval::Layer::of(kind) {
            eval::Layer::Scp => set.scps.push(doc),
            eval::Layer::Rcp => set.rcps.push(doc),
            eval::Layer::Identity => set.identity.push(doc),
            eval::Layer::Resource => set.resource.push(doc),
            eval::Layer::PermissionsBoundary => set.permissions_boundaries.push(doc),
        }
    }
    if set.identity.is_empty() && set.resource.is_empty() {
        set.identity.push(&allow_all);
    }
    set.permissions_boundaries.extend(boundary);
    eval::evaluate(&set, req)
}

/// Runs every test of `program` against the documents its policies lowered
/// to (see [`crate::Compilation::run_tests`]).
pub fn run(
    program: &ir::Program,
    compiled: &[(std::sync::Arc<ir::Policy>, PolicyDocument)],
) -> Report {
    let mut report = Report::default();
    let kinds: HashMap<String, PolicyKind> = program
        .policies
        .iter()
        .map(|p| (p.name.to_ascii_lowercase(), p.kind))
        .collect();
    // Tests name policies ignoring case, as the checker resolves them.
    let docs: HashMap<String, &PolicyDocument> = compiled
        .iter()
        .map(|(policy, doc)| (policy.name.to_ascii_lowercase(), doc))
        .collect();
    for suite in &program.tests {
        // Tests of a node of the organization run in `org::tests`.
        if suite.node_path().is_some() {
            continue;
        }
        let shown = suite.policies.join("`, `");
        let lookup = |name: &String| {
            let key = name.to_ascii_lowercase();
            docs.get(&key).copied().zip(kinds.get(&key).copied())
        };
        let found: Option<Vec<(PolicyKind, &PolicyDocument)>> = suite
            .policies
            .iter()
            .map(|n| lookup(n).map(|(d, k)| (k, d)))
            .collect();
        let boundary = suite.boundary.as_ref().map(|b| lookup(b).map(|(d, _)| d));
        let missing = suite
            .policies
            .iter()
            .chain(&suite.boundary)
            .find(|n| lookup(n).is_none());
        let (Some(found), None) = (found, missing) else {
            let name = missing.cloned().unwrap_or_default();
            report.failures.push(Failure {
                suite: suite.name.clone(),
                policy: shown.clone(),
                node: None,
                file: suite.file,
                span: suite.span,
                action: String::new(),
                expected: Expectation::Allow,
                got: Decision::ImplicitDeny,
                deciding: Vec::new(),
                problem: Some(format!(
                    "policy `{name}` did not compile, so none of its {} cases ran",
                    suite.cases.len()
                )),
            });
            continue;
        };
        let boundary = boundary.flatten();
        let layers: Vec<eval::Layer> = found
            .iter()
            .map(|(k, _)| eval::Layer::of(*k))
            .chain(boundary.map(|_| eval::Layer::PermissionsBoundary))
            .collect();
        for case in &suite.cases {
            let outcome = decide_together(&found, boundary, &request(case));
            if satisfied(case.expect, outcome.decision) {
                report.passed += 1;
                continue;
            }
            let deciding = outcome
                .deciding
                .iter()
                .filter(|s| layers.contains(&s.layer))
                .map(|s| {
                    s.sid
                        .clone()
                        .unwrap_or_else(|| format!("#{}", s.statement + 1))
                })
                .collect();
            report.failures.push(Failure {
                suite: suite.name.clone(),
                policy: shown.clone(),
                node: None,
                file: suite.file,
                span: case.span,
                action: case.action.clone(),
                expected: case.expect,
                got: outcome.decision,
                deciding,
                problem: None,
            });
        }
    }
    report
}
