#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What the import refuses: JSON gov cannot state exactly is an error that
//! points at the statement, never an approximation.

use gov::diag::render_human;
use gov::import::import;
use gov::jsonlint::PolicyKind;
use gov::source::SourceMap;

fn doc(statement: &str) -> String {
    format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{statement}]}}")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/lint/{name}.json")).unwrap()
}

/// (case, kind, JSON, the codes of the errors, in order).
fn cases() -> Vec<(&'static str, PolicyKind, String, Vec<&'static str>)> {
    vec![
        ("G03", PolicyKind::Scp, fixture("G03"), vec!["E0103"]),
        ("G04", PolicyKind::Identity, fixture("G04"), vec!["E0202"]),
        ("G15", PolicyKind::KeyPolicy, fixture("G15"), vec!["E0213", "E0202"]),
        (
            "bare_ipv6",
            PolicyKind::Scp,
            doc(r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": ["2001:db8::1", "192.0.2.0/24"]}}}"#),
            vec!["E0608"],
        ),
        (
            "not_principal",
            PolicyKind::ResourcePolicy,
            doc(r#"{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}"#),
            vec!["E0608"],
        ),
        (
            "ordering_with_two_values",
            PolicyKind::Identity,
            doc(r#"{"Effect": "Allow", "Action": "iam:DeleteRole", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": ["300", "3600"]}}}"#),
            vec!["E0608"],
        ),
        (
            "never_applies",
            PolicyKind::Scp,
            doc(r#"{"Effect": "Deny", "Action": "sagemaker:CreateTrainingJob", "Resource": "*", "Condition": {"ForAnyValue:Null": {"aws:TagKeys": "true"}}}"#),
            vec!["E0608"],
        ),
        (
            "empty_positive_list",
            PolicyKind::Scp,
            doc(r#"{"Effect": "Deny", "Action": "sagemaker:CreateDomain", "Resource": "*", "Condition": {"StringEquals": {"sagemaker:AppNetworkAccessType": []}}}"#),
            vec!["E0608"],
        ),
        (
            "lowering_conflict",
            PolicyKind::Identity,
            doc(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalTag/team": "a*"}, "StringLikeIfExists": {"aws:PrincipalTag/team": "*a"}}}"#),
            vec!["E0608"],
        ),
        (
            "key_with_a_space",
            PolicyKind::Identity,
            doc(r#"{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestTag/cost center": "ml"}}}"#),
            vec!["E0608"],
        ),
        (
            "literal_variable_in_an_arn",
            PolicyKind::Identity,
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#.to_string(),
            vec!["E0608"],
        ),
        ("not_json", PolicyKind::Identity, "{\"Statement\": [".to_string(), vec!["E0601"]),
        ("not_a_policy", PolicyKind::Identity, "[1, 2]".to_string(), vec!["E0605"]),
    ]
}

#[test]
fn what_gov_cannot_state_is_an_error() {
    for (name, kind, json, codes) in cases() {
        let Err(diags) = import(&json, "Imported", Some(kind)) else {
            panic!("{name}: imported");
        };
        let found: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
        assert_eq!(found, codes, "{name}");
        assert!(diags.iter().all(|d| d.is_error()), "{name}");
        let mut sources = SourceMap::new();
        sources.add(format!("{name}.json"), json.clone());
        insta::assert_snapshot!(
            format!("import_error_{name}"),
            render_human(&sources, &diags, false)
        );
    }
}

#[test]
fn names_become_identifiers() {
    let json = doc(r#"{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}"#);
    let text = import(&json, "g03 lock-down", Some(PolicyKind::Scp)).unwrap();
    assert!(text.contains("scp g03_lock-down {"), "{text}");
    let text = import(&json, "2026", Some(PolicyKind::Scp)).unwrap();
    assert!(text.contains("scp P2026 {"), "{text}");
    let text = import(&json, "deny", None).unwrap();
    assert!(text.contains("policy deny_ {"), "{text}");
}
