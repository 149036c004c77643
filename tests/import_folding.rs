#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Deny statements that differ only in one negated test fold back into one
//! `deny … unless …` rule, but never into a rule that needs more statements
//! than one rule may have (it used to fold 65 and then fail to build).

use gov::catalog::Catalog;
use gov::eval::{Request, evaluate_document};
use gov::import::import;
use gov::jsonlint::PolicyKind;

/// `n` Deny statements: deny `s3:GetObject` unless the team is `tI`.
fn denies(n: usize) -> String {
    let statements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Sid":"D{}","Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{{"StringNotEquals":{{"aws:PrincipalTag/team":"t{i}"}}}}}}"#,
                i + 1
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

#[test]
fn long_groups_fold_in_chunks_that_build() {
    let catalog = Catalog::embedded().unwrap();
    for n in [2, 64, 65, 130, 200] {
        let json = denies(n);
        let text = import(&json, "Teams", Some(PolicyKind::Scp)).unwrap();
        let rules = text.matches("\n    deny ").count();
        assert_eq!(rules, n.div_ceil(64), "{n} statements:\n{text}");
        let c = gov::compile_texts(&[("t.gov", text.as_str())], catalog);
        assert!(!c.has_errors(), "{n}: {:?}", c.diagnostics);
        let doc = &c.documents[0].1;
        assert_eq!(doc.statements.len(), n);
        let original = gov::iam::PolicyDocument::from_json(&json).unwrap();
        for team in ["t0", &format!("t{}", n - 1), "other"] {
            let req = Request::new("s3:GetObject").with_key("aws:PrincipalTag/team", [team]);
            let a = evaluate_document(&original, &req);
            let b = evaluate_document(doc, &req);
            assert_eq!(
                a.denied_by.is_empty(),
                b.denied_by.is_empty(),
                "{n} statements, team {team}"
            );
        }
    }
}

/// Whatever import writes builds: a name longer than AWS's 128 characters
/// (from a long file name) is shortened, not refused later by `gov build`.
#[test]
fn long_names_are_shortened_to_what_aws_accepts() {
    let catalog = Catalog::embedded().unwrap();
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"#;
    let name = "VeryLongPolicyName".repeat(12);
    let text = import(json, &name, Some(PolicyKind::Scp)).unwrap();
    let c = gov::compile_texts(&[("t.gov", text.as_str())], catalog);
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    assert_eq!(c.program.policies[0].name.len(), 128);
    let dir = tempfile::tempdir().unwrap();
    let manifest = c
        .build(&dir.path().join("out"), &gov::emit::Options::default())
        .unwrap();
    assert_eq!(manifest.policies.len(), 1);
}

/// A document larger than its kind allows (AWS's managed policies may be)
/// imports with a note saying how to build it.
#[test]
fn an_oversized_policy_says_how_to_build_it() {
    let catalog = Catalog::embedded().unwrap();
    // 40 statements of 10 actions each: over 6,144 characters together,
    // each statement well under alone.
    let names: Vec<String> = catalog
        .service("ec2")
        .unwrap()
        .actions()
        .take(400)
        .map(|a| format!("\"{}\"", a.full_name()))
        .collect();
    let statements: Vec<String> = names
        .chunks(10)
        .enumerate()
        .map(|(i, c)| {
            format!(
                r#"{{"Effect":"Allow","Action":[{}],"Resource":"arn:aws:ec2:*:*:instance/i{i}"}}"#,
                c.join(",")
            )
        })
        .collect();
    let json = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    );
    let text = import(&json, "Big", Some(PolicyKind::Identity)).unwrap();
    assert!(text.contains("`gov build --split`"), "{}", &text[..300]);
    let c = gov::compile_texts(&[("t.gov", text.as_str())], catalog);
    assert!(!c.has_errors());
    let dir = tempfile::tempdir().unwrap();
    let split = gov::emit::Options {
        split: true,
        ..Default::default()
    };
    let manifest = c.build(&dir.path().join("out"), &split).unwrap();
    assert!(manifest.policies.len() >= 2);
}
