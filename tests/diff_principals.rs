#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov::diff` over principals: an account principal names every principal
//! ARN of the account, a role its sessions (whose `aws:PrincipalArn` is the
//! role's ARN), `*` everyone, a service or
//! federated principal only itself; conditions on `aws:PrincipalArn` and
//! `aws:PrincipalAccount` then decide. Each case is checked against the
//! evaluator over a pool of requests: every request decided differently is
//! reported for its action in its direction, and every witness differs as
//! stated.

use gov::catalog::Catalog;
use gov::diff::{self, DiffReport, Side};
use gov::eval::{Decision, Request};
use gov::iam::PolicyDocument;
use gov::ir::{Policy, PolicyKind};

const A: &str = "111122223333";
const B: &str = "444455556666";

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("embedded catalog")
}

fn compile(src: &str) -> Vec<(std::sync::Arc<Policy>, PolicyDocument)> {
    let c = gov::compile_texts(&[("p.gov", src)], catalog());
    let errors: Vec<_> = c.errors().cloned().collect();
    assert!(
        errors.is_empty(),
        "{}",
        gov::diag::render_human(&c.loaded.sources, &errors, false)
    );
    assert_eq!(c.documents.len(), 1);
    c.documents
}

fn principals() -> Vec<Option<String>> {
    let mut out = vec![None];
    for acct in [A, B] {
        for p in [
            format!("arn:aws:iam::{acct}:root"),
            format!("arn:aws:iam::{acct}:user/alice"),
            format!("arn:aws:iam::{acct}:role/admin"),
            format!("arn:aws:iam::{acct}:role/app"),
            format!("arn:aws:sts::{acct}:assumed-role/admin/s1"),
            format!("arn:aws:sts::{acct}:assumed-role/app/s1"),
            format!("arn:aws:sts::{acct}:federated-user/bob"),
        ] {
            out.push(Some(p));
        }
    }
    for s in [
        "logs.amazonaws.com",
        "events.amazonaws.com",
        "cognito-identity.amazonaws.com",
    ] {
        out.push(Some(s.to_string()));
    }
    out.push(Some(format!("arn:aws:iam::{A}:saml-provider/corp")));
    out
}

/// The role ARN a session's `aws:PrincipalArn` holds (IAM User Guide,
/// reference_policies_condition-keys.html#condition-keys-principalarn: "For
/// IAM roles, the request context returns the ARN of the role"); the roles
/// of the pool have no path.
fn role_of_session(p: &str) -> Option<String> {
    let rest = p.strip_prefix("arn:aws:sts::")?;
    let (account, session) = rest.split_once(':')?;
    let name = session.strip_prefix("assumed-role/")?.split('/').next()?;
    Some(format!("arn:aws:iam::{account}:role/{name}"))
}

/// Every principal with its keys as AWS sets them (a role session's
/// `aws:PrincipalArn` is its role's ARN), with
/// `aws:PrincipalAccount` absent, its account, and another.
fn pool(actions: &[&str], resources: &[Option<&str>]) -> Vec<Request> {
    let mut out = Vec::new();
    for action in actions {
        for resource in resources {
            for p in principals() {
                for account in [None, Some(A), Some(B)] {
                    let mut r = Request::new(*action);
                    r.resource = resource.map(str::to_string);
                    if let Some(p) = &p {
                        if let Some(role) = role_of_session(p) {
                            r.set_key("aws:PrincipalArn", [role]);
                        } else if p.starts_with("arn:") {
                            r.set_key("aws:PrincipalArn", [p.as_str()]);
                        } else {
                            r.set_key("aws:PrincipalServiceName", [p.as_str()]);
                        }
                    }
                    if let Some(a) = account {
                        r.set_key("aws:PrincipalAccount", [a]);
                    }
                    r.principal = p.clone();
                    out.push(r);
                }
            }
        }
    }
    out
}

fn decide(kind: PolicyKind, doc: &PolicyDocument, r: &Request) -> Decision {
    gov::testing::decide(kind, doc, r).decision
}

/// The diff of `old` and `new`, checked against the evaluator on `pool`.
fn exact(old: &str, new: &str, pool: &[Request]) -> DiffReport {
    let (old_docs, new_docs) = (compile(old), compile(new));
    let report = diff::diff(&Side::new(&old_docs), &Side::new(&new_docs), catalog());
    let shown = diff::render_human(&report);
    let (ok, od) = (old_docs[0].0.kind, &old_docs[0].1);
    let (nk, nd) = (new_docs[0].0.kind, &new_docs[0].1);
    let change = report.changes.first();
    if let Some(c) = change {
        assert!(c.exhaustive, "{shown}");
        for (findings, widening) in [(&c.widens, true), (&c.narrows, false)] {
            for f in findings {
                let w = &f.witness;
                let mut r = Request::new(w.action.clone());
                r.resource = w.resource.clone();
                for (k, v) in &w.context {
                    r.set_key(k, v.iter().cloned());
                }
                r.principal = ["aws:PrincipalArn", "aws:PrincipalServiceName"]
                    .iter()
                    .find_map(|k| r.values(k).and_then(|v| v.first().cloned()));
                assert_eq!(decide(ok, od, &r), w.old_decision, "{r:?}\n{shown}");
                assert_eq!(decide(nk, nd, &r), w.new_decision, "{r:?}\n{shown}");
                assert_eq!(w.new_decision == Decision::Allow, widening, "{shown}");
            }
        }
    }
    for r in pool {
        let was = decide(ok, od, r) == Decision::Allow;
        let is = decide(nk, nd, r) == Decision::Allow;
        if was == is {
            continue;
        }
        let found = change.is_some_and(|c| {
            let list = if is { &c.widens } else { &c.narrows };
            list.iter().any(|f| f.action == r.action)
        });
        assert!(
            found,
            "missed: {r:?} {}\n{shown}",
            if is { "widens" } else { "narrows" }
        );
    }
    report
}

fn directions(report: &DiffReport) -> (Vec<String>, Vec<String>) {
    let mut widens = Vec::new();
    let mut narrows = Vec::new();
    for c in &report.changes {
        widens.extend(c.widens.iter().map(|f| f.action.clone()));
        narrows.extend(c.narrows.iter().map(|f| f.action.clone()));
    }
    (widens, narrows)
}

fn arn_of(report: &DiffReport, widening: bool) -> String {
    let c = &report.changes[0];
    let list = if widening { &c.widens } else { &c.narrows };
    let w = &list[0].witness;
    w.context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("aws:PrincipalArn"))
        .map(|(_, v)| v[0].clone())
        .unwrap_or_default()
}

const GET: &str = "s3:GetObject";
const OBJECT: Option<&str> = Some("arn:aws:s3:::b/k");

fn bucket(rules: &str) -> String {
    format!("resource_policy P {{\n{rules}}}\n")
}

fn key(rules: &str) -> String {
    format!("key_policy K {{\n{rules}}}\n")
}

#[test]
fn an_account_principal_with_a_principal_arn_condition_allow() {
    let pool = pool(&[GET], &[OBJECT]);
    for principal in [format!("\"{A}\""), format!("\"arn:aws:iam::{A}:root\"")] {
        let old = bucket(&format!(
            "    allow aws {principal} to {GET} on \"arn:aws:s3:::b/*\" \
             when aws:PrincipalArn like \"arn:aws:iam::*:role/a*\"\n"
        ));
        let new = bucket(&format!(
            "    allow aws {principal} to {GET} on \"arn:aws:s3:::b/*\"\n"
        ));
        // dropping the condition opens the bucket to the rest of the account
        let report = exact(&old, &new, &pool);
        assert_eq!(directions(&report), (vec![GET.to_string()], vec![]));
        let arn = arn_of(&report, true);
        assert!(arn.contains(&format!(":{A}:")), "{arn}");
        // adding it closes the bucket to them; roles `a*` keep it
        let report = exact(&new, &old, &pool);
        assert_eq!(directions(&report), (vec![], vec![GET.to_string()]));
        // a role `a*` of the account is allowed before and not after
        let gone = bucket(&format!(
            "    allow aws {principal} to {GET} on \"arn:aws:s3:::b/*\" \
             when aws:PrincipalArn like \"arn:aws:iam::*:role/zz*\"\n"
        ));
        let report = exact(&old, &gone, &pool);
        let (widens, narrows) = directions(&report);
        assert_eq!((widens.len(), narrows.len()), (1, 1));
        assert!(arn_of(&report, false).starts_with(&format!("arn:aws:iam::{A}:role/a")));
    }
}

#[test]
fn an_account_principal_with_a_principal_arn_condition_deny() {
    let pool = pool(&[GET], &[OBJECT]);
    let allow = format!("    allow anyone to {GET} on \"arn:aws:s3:::b/*\"\n");
    let old = bucket(&format!(
        "{allow}    deny aws \"{A}\" to {GET} on \"arn:aws:s3:::b/*\" \
         when aws:PrincipalArn like \"arn:aws:iam::*:role/a*\"\n"
    ));
    // removing the deny lets the account's `a*` roles in again
    let report = exact(&old, &bucket(&allow), &pool);
    assert_eq!(directions(&report), (vec![GET.to_string()], vec![]));
    assert!(arn_of(&report, true).starts_with(&format!("arn:aws:iam::{A}:role/a")));
    // widening the deny to the whole account shuts out its users
    let whole = bucket(&format!(
        "{allow}    deny aws \"{A}\" to {GET} on \"arn:aws:s3:::b/*\"\n"
    ));
    let report = exact(&old, &whole, &pool);
    assert_eq!(directions(&report), (vec![], vec![GET.to_string()]));
    assert!(arn_of(&report, false).contains(&format!(":{A}:")));
}

#[test]
fn key_policies_with_account_principals() {
    let decrypt = "kms:Decrypt";
    let pool = pool(
        &[decrypt],
        &[Some("arn:aws:kms:us-east-1:111122223333:key/k")],
    );
    let root = format!("\"arn:aws:iam::{A}:root\"");
    let plain = key(&format!("    allow aws {root} to {decrypt} on \"*\"\n"));
    let roles = key(&format!(
        "    allow aws {root} to {decrypt} on \"*\" \
         when aws:PrincipalArn like \"arn:aws:iam::{A}:role/*\"\n"
    ));
    let in_account = key(&format!(
        "    allow aws {root} to {decrypt} on \"*\" when aws:PrincipalAccount == \"{A}\"\n"
    ));
    let other_account = key(&format!(
        "    allow aws {root} to {decrypt} on \"*\" when aws:PrincipalAccount == \"{B}\"\n"
    ));
    let deny_users = key(&format!(
        "    allow aws {root} to {decrypt} on \"*\"\n    deny aws \"{A}\" to {decrypt} on \"*\" \
         when aws:PrincipalArn like \"arn:aws:iam::*:user/*\"\n"
    ));
    let sides = [&plain, &roles, &in_account, &other_account, &deny_users];
    for old in sides {
        for new in sides {
            let report = exact(old, new, &pool);
            if old == new {
                assert!(report.changes.is_empty());
            }
        }
    }
    let report = exact(&plain, &roles, &pool);
    assert_eq!(directions(&report), (vec![], vec![decrypt.to_string()]));
    let report = exact(&plain, &deny_users, &pool);
    assert!(arn_of(&report, false).starts_with(&format!("arn:aws:iam::{A}:user/")));
}

#[test]
fn roles_name_their_sessions() {
    let pool = pool(&[GET], &[OBJECT]);
    let role = format!("\"arn:aws:iam::{A}:role/admin\"");
    let old = bucket(&format!(
        "    allow aws {role} to {GET} on \"arn:aws:s3:::b/*\"\n"
    ));
    // a session of the role carries the role's ARN in `aws:PrincipalArn`,
    // never an `sts` ARN: excluding `sts` ARNs changes nothing
    let new = bucket(&format!(
        "    allow aws {role} to {GET} on \"arn:aws:s3:::b/*\" \
         when aws:PrincipalArn not like \"arn:aws:sts::*:*\"\n"
    ));
    let report = exact(&old, &new, &pool);
    assert_eq!(directions(&report), (vec![], vec![]));
    // excluding the role's own ARN narrows, the witness read as AWS sets it
    let new = bucket(&format!(
        "    allow aws {role} to {GET} on \"arn:aws:s3:::b/*\" \
         when aws:PrincipalArn not like \"arn:aws:iam::*:role/admin\"\n"
    ));
    let report = exact(&old, &new, &pool);
    assert_eq!(directions(&report), (vec![], vec![GET.to_string()]));
    assert_eq!(
        arn_of(&report, false),
        format!("arn:aws:iam::{A}:role/admin")
    );
    let other = bucket(&format!(
        "    allow aws \"arn:aws:iam::{A}:role/app\" to {GET} on \"arn:aws:s3:::b/*\"\n"
    ));
    exact(&old, &other, &pool);
}

#[test]
fn anyone_services_and_federated_principals() {
    let pool = pool(&[GET], &[OBJECT]);
    let on = "on \"arn:aws:s3:::b/*\"";
    let sides = [
        bucket(&format!("    allow anyone to {GET} {on}\n")),
        bucket(&format!(
            "    allow anyone to {GET} {on} when aws:PrincipalArn like \"arn:aws:iam::{A}:*\"\n"
        )),
        bucket(&format!(
            "    allow anyone to {GET} {on} when aws:PrincipalAccount == \"{A}\"\n"
        )),
        bucket(&format!("    allow aws \"{A}\" to {GET} {on}\n")),
        bucket(&format!("    allow aws [\"{A}\", \"{B}\"] to {GET} {on}\n")),
        bucket(&format!("    allow aws \"*\" to {GET} {on}\n")),
        bucket(&format!(
            "    allow service \"logs.amazonaws.com\" to {GET} {on}\n"
        )),
        bucket(&format!(
            "    allow service [\"logs.amazonaws.com\", \"events.amazonaws.com\"] to {GET} {on} \
             when aws:PrincipalServiceName like \"logs.*\"\n"
        )),
        bucket(&format!(
            "    allow federated \"cognito-identity.amazonaws.com\" to {GET} {on}\n"
        )),
        bucket(&format!(
            "    allow federated \"arn:aws:iam::{A}:saml-provider/corp\" to {GET} {on}\n"
        )),
        bucket(&format!(
            "    allow aws \"{A}\", service \"logs.amazonaws.com\" to {GET} {on}\n"
        )),
    ];
    for old in &sides {
        for new in &sides {
            let report = exact(old, new, &pool);
            if old == new {
                assert!(report.changes.is_empty());
            }
        }
    }
    // `*` against the account: principals of other accounts and services
    // lose access
    let report = exact(&sides[0], &sides[3], &pool);
    assert_eq!(directions(&report), (vec![], vec![GET.to_string()]));
}
