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

/// Compiles `src` and asserts that its `test` blocks pass `passed` cases and
/// fail none; `context` is shown on failure.
fn assert_tests_pass(src: &str, passed: usize, context: &str) {
    let c = compile(src);
    let report = c.run_tests();
    assert_eq!(
        (report.passed, report.failures.len()),
        (passed, 0),
        "{context}\n{}",
        report.render(&c.loaded.sources)
    );
}

/// The diff from `old` to `new`, and its human rendering (for messages).
fn diff_of(old: &gov::Compilation, new: &gov::Compilation) -> (diff::DiffReport, String) {
    let report = diff::diff(
        &Side::new(&old.documents),
        &Side::new(&new.documents),
        catalog(),
    );
    let shown = diff::render_human(&report);
    (report, shown)
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
    assert_tests_pass(&src, 2, "");
}

#[test]
fn the_diff_finds_no_change_for_the_admin_sessions() {
    let old = compile(&bucket(&grant()));
    let new = compile(&bucket(&format!("{}{}", grant(), guard())));
    let (report, shown) = diff_of(&old, &new);
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
    let (report, shown) = diff_of(&old, &new);
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

/// A bucket policy granting one session of `Admin` by its own ARN, with
/// `extra` rules after the grant.
fn session_grant(extra: &str) -> String {
    bucket(&format!(
        "    allow aws \"arn:aws:sts::{A}:assumed-role/Admin/alice\" to s3:GetObject on \"{BUCKET}\"\n{extra}"
    ))
}

fn role_deny() -> String {
    format!(
        "    deny anyone to s3:GetObject on \"{BUCKET}\" \
         when aws:PrincipalArn == \"arn:aws:iam::{A}:role/Admin\"\n"
    )
}

#[test]
fn a_session_named_as_principal_sees_its_role_arn_in_the_diff() {
    // The session's `aws:PrincipalArn` is the role's ARN, so a deny on the
    // role's ARN takes the session's access away: a narrowing, and its
    // removal a widening. The diff once built the session's request with the
    // session's ARN in `aws:PrincipalArn` and saw no change either way.
    let granted = compile(&session_grant(""));
    let guarded = compile(&session_grant(&role_deny()));
    for (old, new, narrows) in [(&granted, &guarded, true), (&guarded, &granted, false)] {
        let (report, shown) = diff_of(old, new);
        assert_eq!(report.changes.len(), 1, "{shown}");
        let change = &report.changes[0];
        assert!(change.exhaustive, "{shown}");
        let (found, none) = if narrows {
            (&change.narrows, &change.widens)
        } else {
            (&change.widens, &change.narrows)
        };
        assert!(none.is_empty(), "{shown}");
        assert_eq!(found.len(), 1, "{shown}");
        // The witness, as a test case, decides as the diff says.
        let w = &found[0].witness;
        let case_src = |policy: &str, expect: &str| {
            format!(
                "{policy}test \"w\" for P {{\n    {} => {expect}\n}}\n",
                gov::diff::witness_request(w)
            )
        };
        for (side, expect) in [
            (session_grant(""), "allow"),
            (session_grant(&role_deny()), "deny (explicit)"),
        ] {
            assert_tests_pass(&case_src(&side, expect), 1, &shown);
        }
    }
}

#[test]
fn a_test_block_reads_a_session_arn_as_that_session_under_its_role_arn() {
    let src = format!(
        "{}test \"alice\" for P {{\n\
         \x20   s3:GetObject on \"{OBJECT}\" {{ aws:PrincipalArn = \"arn:aws:sts::{A}:assumed-role/Admin/alice\" }} => deny (explicit)\n\
         \x20   s3:GetObject on \"{OBJECT}\" {{ aws:PrincipalArn = \"arn:aws:sts::{A}:assumed-role/Admin/bob\" }} => deny (explicit)\n\
         \x20   s3:GetObject on \"{OBJECT}\" {{ aws:PrincipalArn = \"arn:aws:sts::{A}:assumed-role/Other/alice\" }} => deny (implicit)\n\
         }}\n",
        session_grant(&role_deny())
    );
    assert_tests_pass(&src, 3, "");
}
