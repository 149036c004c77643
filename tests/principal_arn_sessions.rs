#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `aws:PrincipalArn` of a role session is the ARN of the role
//! (`arn:aws:iam::ACCOUNT:role/PATH/NAME`), not the session's
//! `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` (IAM User Guide,
//! reference_policies_condition-keys.html#condition-keys-principalarn: "For
//! IAM roles, the request context returns the ARN of the role, not the ARN of
//! the user that assumed the role"). The evaluator, the `test` blocks and the
//! diff all read it so: a rule `deny … unless aws:PrincipalArn like
//! "arn:aws:iam::*:role/Admin"` never denies the Admin role's sessions.

use gov::catalog::Catalog;
use gov::diff::{self, Side};
use gov::eval::{Decision, Request};
use gov::ir::PolicyKind;

const A: &str = "111122223333";
const BUCKET: &str = "arn:aws:s3:::b/*";
const OBJECT: &str = "arn:aws:s3:::b/k";

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("embedded catalog")
}

fn compile(src: &str) -> gov::Compilation {
    let c = gov::compile_texts(&[("p.gov", src)], catalog());
    assert!(
        !c.has_errors(),
        "{}",
        gov::diag::render_human(&c.loaded.sources, &c.diagnostics, false)
    );
    c
}

fn bucket(rules: &str) -> String {
    format!("resource_policy P {{\n{rules}}}\n")
}

fn grant() -> String {
    format!("    allow aws \"arn:aws:iam::{A}:role/Admin\" to s3:GetObject on \"{BUCKET}\"\n")
}

fn guard() -> String {
    format!(
        "    deny anyone to s3:GetObject on \"{BUCKET}\" \
         unless aws:PrincipalArn like \"arn:aws:iam::*:role/Admin\"\n"
    )
}

/// A request of session `session` of role `Admin`, with the keys AWS sets.
fn session(session: &str) -> Request {
    let mut r = Request::new("s3:GetObject").with_resource(OBJECT);
    r.set_key("aws:PrincipalArn", [format!("arn:aws:iam::{A}:role/Admin")]);
    r.set_key("aws:PrincipalAccount", [A]);
    r.principal = Some(format!("arn:aws:sts::{A}:assumed-role/Admin/{session}"));
    r
}

#[test]
fn the_evaluator_lets_the_admin_session_through_the_guard() {
    let c = compile(&bucket(&format!("{}{}", grant(), guard())));
    let doc = c.document("P").unwrap();
    let out = gov::testing::decide(PolicyKind::ResourcePolicy, doc, &session("alice"));
    assert_eq!(out.decision, Decision::Allow);
    // another role's session is denied by the guard
    let mut other = session("alice");
    other.set_key("aws:PrincipalArn", [format!("arn:aws:iam::{A}:role/Other")]);
    other.principal = Some(format!("arn:aws:sts::{A}:assumed-role/Other/alice"));
    let out = gov::testing::decide(PolicyKind::ResourcePolicy, doc, &other);
    assert_eq!(out.decision, Decision::ExplicitDeny);
}

#[test]
fn a_test_block_names_the_session_by_its_role_arn() {
    let src = format!(
        "{}test \"guard\" for P {{\n\
         \x20   s3:GetObject on \"{OBJECT}\" {{ aws:PrincipalArn = \"arn:aws:iam::{A}:role/Admin\" }} => allow\n\
         \x20   s3:GetObject on \"{OBJECT}\" {{ aws:PrincipalArn = \"arn:aws:iam::{A}:role/Other\" }} => deny (explicit)\n\
         }}\n",
        bucket(&format!("{}{}", grant(), guard()))
    );
    let c = compile(&src);
    let report = c.run_tests();
    assert_eq!(
        (report.passed, report.failures.len()),
        (2, 0),
        "{}",
        report.render(&c.loaded.sources)
    );
}

#[test]
fn the_diff_finds_no_change_for_the_admin_sessions() {
    let old = compile(&bucket(&grant()));
    let new = compile(&bucket(&format!("{}{}", grant(), guard())));
    let report = diff::diff(
        &Side::new(&old.documents),
        &Side::new(&new.documents),
        catalog(),
    );
    let shown = diff::render_human(&report);
    // the document changed; no request changes its decision
    for c in &report.changes {
        assert!(c.widens.is_empty() && c.narrows.is_empty(), "{shown}");
        assert!(c.exhaustive, "{shown}");
    }
}

#[test]
fn the_diff_reads_the_role_arn_in_its_witnesses() {
    // only the Admin role is let through: the grant to the whole account
    // narrows, and no witness carries a session ARN in `aws:PrincipalArn`
    let old = compile(&bucket(&format!(
        "    allow aws \"{A}\" to s3:GetObject on \"{BUCKET}\"\n"
    )));
    let new = compile(&bucket(&format!(
        "    allow aws \"{A}\" to s3:GetObject on \"{BUCKET}\"\n{}",
        guard()
    )));
    let report = diff::diff(
        &Side::new(&old.documents),
        &Side::new(&new.documents),
        catalog(),
    );
    let shown = diff::render_human(&report);
    assert_eq!(report.changes.len(), 1, "{shown}");
    let change = &report.changes[0];
    assert!(change.widens.is_empty(), "{shown}");
    assert!(!change.narrows.is_empty(), "{shown}");
    for f in &change.narrows {
        for (k, v) in &f.witness.context {
            if k.eq_ignore_ascii_case("aws:PrincipalArn") {
                assert!(v.iter().all(|a| !a.contains(":assumed-role/")), "{shown}");
            }
        }
    }
}
