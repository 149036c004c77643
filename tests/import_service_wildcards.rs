#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `svc:*` survives import. An earlier version wrote `use sqs` + `allow "*"`
//! for `sqs:*`, and the string "*" compiled to every action of every
//! service: a grant of one service became a grant of all of AWS, a deny of
//! one service a deny of everything, and `NotAction logs:*` denied nothing.
//! The string "*" is now refused as an action (E0116) and import keeps the
//! prefix; these tests pin both, for every shape of `svc:*`.

use gov::catalog::Catalog;
use gov::diag::render_human;
use gov::diff::{self, Side};
use gov::eval::{Request, evaluate_document};
use gov::iam::{Actions, PolicyDocument};
use gov::import::import;
use gov::jsonlint::PolicyKind;
use gov::policy::Effect;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

/// Imports `json`, checks the `.gov` text and lowers it.
fn import_and_build(json: &str, kind: PolicyKind) -> (String, PolicyDocument) {
    let text = import(json, "Imported", Some(kind)).unwrap_or_else(|d| panic!("{d:?}"));
    let loaded = gov::load::load_texts(&[("imported.gov", text.as_str())]);
    let checked = gov::check::check(&loaded, catalog());
    assert!(
        !checked.has_errors(),
        "{text}\n{}",
        render_human(&loaded.sources, &checked.diagnostics, false)
    );
    let doc = gov::lower::lower_policy(&checked.program.policies[0]).unwrap();
    (text, doc)
}

fn matched(doc: &PolicyDocument, action: &str) -> bool {
    let r = evaluate_document(doc, &Request::new(action));
    assert!(r.errors.is_empty());
    !r.allowed_by.is_empty() || !r.denied_by.is_empty()
}

fn action_list(doc: &PolicyDocument) -> (bool, Vec<String>) {
    assert_eq!(doc.statements.len(), 1);
    match &doc.statements[0].actions {
        Actions::Action(l) => (false, l.clone()),
        Actions::NotAction(l) => (true, l.clone()),
    }
}

const SERVICES: &[(&str, &str, &str)] = &[
    // (prefix, an action of it, an action of another service)
    ("sqs", "sqs:SendMessage", "ec2:RunInstances"),
    ("logs", "logs:PutLogEvents", "s3:GetObject"),
    ("sagemaker", "sagemaker:CreateApp", "iam:PassRole"),
    ("kinesis", "kinesis:PutRecord", "sqs:SendMessage"),
];

#[test]
fn every_service_wildcard_form_imports_to_the_same_actions() {
    for &(prefix, inside, outside) in SERVICES {
        for effect in ["Allow", "Deny"] {
            for element in ["Action", "NotAction"] {
                for shape in [format!("\"{prefix}:*\""), format!("[\"{prefix}:*\"]")] {
                    let kinds: &[PolicyKind] = if effect == "Allow" {
                        &[PolicyKind::Identity]
                    } else {
                        &[PolicyKind::Identity, PolicyKind::Scp]
                    };
                    for &kind in kinds {
                        let json = format!(
                            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","{element}":{shape},"Resource":"*"}}]}}"#
                        );
                        let (text, doc) = import_and_build(&json, kind);
                        let what = format!("{json} as {kind:?} imported as\n{text}");
                        assert!(
                            text.contains(&format!("\"{prefix}:*\"")),
                            "the prefix is lost: {what}"
                        );
                        assert!(!text.contains("\"*\""), "{what}");
                        let (not, actions) = action_list(&doc);
                        assert_eq!(not, element == "NotAction", "{what}");
                        assert_eq!(actions, vec![format!("{prefix}:*")], "{what}");
                        assert_eq!(
                            doc.statements[0].effect,
                            if effect == "Allow" {
                                Effect::Allow
                            } else {
                                Effect::Deny
                            },
                            "{what}"
                        );
                        let in_service = element == "Action";
                        assert_eq!(matched(&doc, inside), in_service, "{inside}: {what}");
                        assert_eq!(matched(&doc, outside), !in_service, "{outside}: {what}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_deny_of_one_service_with_an_exception_stays_in_that_service() {
    // The shape of a team exception: deny SageMaker unless the caller is the ML team.
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:*","Resource":"*",
        "Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"ml"}}}]}"#;
    let (text, doc) = import_and_build(json, PolicyKind::Scp);
    assert_eq!(
        action_list(&doc),
        (false, vec!["sagemaker:*".to_string()]),
        "{text}"
    );
    let other_team = |action: &str| {
        let r = evaluate_document(
            &doc,
            &Request::new(action).with_key("aws:PrincipalTag/team", ["web"]),
        );
        !r.denied_by.is_empty()
    };
    assert!(other_team("sagemaker:CreateApp"));
    assert!(!other_team("s3:GetObject"), "{text}");
}

#[test]
fn the_string_star_is_not_an_action() {
    for src in [
        "use sqs\npolicy P { allow \"*\" }\n",
        "policy P { allow \"*\" }\n",
        "use logs\nscp P { deny * except \"*\" }\n",
        "use sqs\nconst all = [\"*\"]\npolicy P { allow all }\n",
    ] {
        let loaded = gov::load::load_texts(&[("t.gov", src)]);
        let checked = gov::check::check(&loaded, catalog());
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.id).collect();
        assert_eq!(codes, vec!["E0116"], "{src}");
    }
    // The bare `*` keeps its one meaning, with or without `use`.
    for src in ["use sqs\npolicy P { allow * }\n", "policy P { allow * }\n"] {
        let loaded = gov::load::load_texts(&[("t.gov", src)]);
        let checked = gov::check::check(&loaded, catalog());
        assert!(!checked.has_errors(), "{src}");
        let doc = gov::lower::lower_policy(&checked.program.policies[0]).unwrap();
        assert_eq!(action_list(&doc), (false, vec!["*".to_string()]));
    }
}

/// AmazonS3FullAccess, versions 1 and 2 (AWS managed policy; v2 added
/// `s3-object-lambda:*`).
const S3_FULL_ACCESS_V1: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
const S3_FULL_ACCESS_V2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}"#;

#[test]
fn s3_full_access_v1_to_v2_is_a_widening() {
    let compile = |json: &str| {
        let text = import(json, "AmazonS3FullAccess", Some(PolicyKind::Identity)).unwrap();
        let compilation = gov::compile_texts(&[("p.gov", text.as_str())], catalog());
        assert!(!compilation.has_errors(), "{text}");
        compilation.documents
    };
    let old = compile(S3_FULL_ACCESS_V1);
    let new = compile(S3_FULL_ACCESS_V2);
    let report = diff::diff(&Side::new(&old), &Side::new(&new), catalog());
    assert!(
        diff::has_widening(&report),
        "{}",
        diff::render_human(&report)
    );
    assert!(
        !diff::has_narrowing(&report),
        "{}",
        diff::render_human(&report)
    );
    let change = &report.changes[0];
    assert!(!change.widens.is_empty());
    assert!(
        change
            .widens
            .iter()
            .all(|f| f.action.starts_with("s3-object-lambda:")),
        "{}",
        diff::render_human(&report)
    );
}
