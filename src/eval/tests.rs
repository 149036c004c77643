//! Tests of the evaluator.

use super::*;
use crate::iam::Condition;

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

#[test]
fn request_keys_are_case_insensitive() {
    let mut req = Request::new("s3:GetObject").with_key("AWS:SourceIp", ["10.0.0.1"]);
    assert_eq!(req.context.keys().collect::<Vec<_>>(), vec!["aws:sourceip"]);
    assert_eq!(
        req.values("aws:sourceIP"),
        Some(&["10.0.0.1".to_string()][..])
    );
    req.context.insert("Odd:Key".into(), vec!["v".into()]);
    assert!(req.values("odd:key").is_some());
    req.set_key("aws:SourceIp", Vec::<String>::new());
    assert!(req.values("aws:sourceip").is_none());
    req.context.insert("empty".into(), vec![]);
    assert!(req.values("empty").is_none());
}

#[test]
fn identity_allow_and_implicit_deny() {
    let allow = doc(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"A","Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#,
    );
    let set = PolicySet {
        identity: vec![&allow],
        ..PolicySet::new()
    };
    let out = evaluate(&set, &Request::new("s3:GetObject"));
    assert_eq!(out.decision, Decision::Allow);
    assert_eq!(out.layer, Some(Layer::Identity));
    assert_eq!(
        out.deciding,
        vec![StatementRef {
            policy: 0,
            statement: 0,
            sid: Some("A".into()),
            layer: Layer::Identity
        }]
    );
    let out = evaluate(&set, &Request::new("s3:PutObject"));
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert_eq!(out.layer, None);
    assert!(out.deciding.is_empty());
}

#[test]
fn explicit_deny_wins_everywhere() {
    let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let deny = doc(
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
    );
    for layer in [
        Layer::Scp,
        Layer::Rcp,
        Layer::Identity,
        Layer::Resource,
        Layer::PermissionsBoundary,
    ] {
        let mut set = PolicySet {
            identity: vec![&allow],
            ..PolicySet::new()
        };
        match layer {
            Layer::Scp => set.scps.push(&deny),
            Layer::Rcp => set.rcps.push(&deny),
            Layer::Identity => set.identity.push(&deny),
            Layer::Resource => set.resource.push(&deny),
            Layer::PermissionsBoundary => set.permissions_boundaries.push(&deny),
        }
        let out = evaluate(&set, &Request::new("s3:GetObject"));
        assert_eq!(out.decision, Decision::ExplicitDeny, "{layer:?}");
        assert_eq!(out.layer, Some(layer));
        assert_eq!(out.deciding.len(), 1);
        assert_eq!(out.deciding[0].statement, 1);
        assert_eq!(out.deciding[0].sid.as_deref(), Some("D"));
        assert!(evaluate(&set, &Request::new("ec2:RunInstances")).is_allowed());
    }
}

#[test]
fn scp_layer_must_allow() {
    let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let scp = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sagemaker:*","Resource":"*"}}"#,
    );
    let set = PolicySet {
        scps: vec![&scp],
        identity: vec![&allow],
        full_aws_access: false,
        ..PolicySet::new()
    };
    assert!(evaluate(&set, &Request::new("sagemaker:CreateApp")).is_allowed());
    let out = evaluate(&set, &Request::new("s3:GetObject"));
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert_eq!(out.layer, Some(Layer::Scp));
    // with FullAWSAccess added, the narrow SCP no longer restricts
    let set = PolicySet {
        full_aws_access: true,
        ..set
    };
    assert!(evaluate(&set, &Request::new("s3:GetObject")).is_allowed());
    // an SCP never grants by itself
    let set = PolicySet {
        scps: vec![&scp],
        ..PolicySet::new()
    };
    assert!(!evaluate(&set, &Request::new("sagemaker:CreateApp")).is_allowed());
    // an explicit FullAWSAccess document works like the flag
    let full = full_aws_access();
    let set = PolicySet {
        scps: vec![&full],
        identity: vec![&allow],
        full_aws_access: false,
        ..PolicySet::new()
    };
    assert!(evaluate(&set, &Request::new("s3:GetObject")).is_allowed());
}

#[test]
fn rcp_allow_is_implicit() {
    let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let rcp = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}}"#,
    );
    let set = PolicySet {
        rcps: vec![&rcp],
        identity: vec![&allow],
        ..PolicySet::new()
    };
    assert!(
        evaluate(
            &set,
            &Request::new("s3:GetObject").with_key("aws:SecureTransport", ["true"])
        )
        .is_allowed()
    );
    let out = evaluate(&set, &Request::new("s3:GetObject"));
    assert_eq!(out.decision, Decision::ExplicitDeny);
    assert_eq!(out.layer, Some(Layer::Rcp));
}

#[test]
fn resource_policy_allows_named_principal() {
    let bucket = doc(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/Reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let set = PolicySet {
        resource: vec![&bucket],
        ..PolicySet::new()
    };
    let req = Request::new("s3:GetObject")
        .with_resource("arn:aws:s3:::b/key")
        .with_principal("arn:aws:sts::111122223333:assumed-role/Reader/s1");
    let out = evaluate(&set, &req);
    assert_eq!(out.decision, Decision::Allow);
    assert_eq!(out.layer, Some(Layer::Resource));
    let other = req
        .clone()
        .with_principal("arn:aws:iam::111122223333:user/eve");
    assert!(!evaluate(&set, &other).is_allowed());
}

#[test]
fn permissions_boundary_limits_identity_allows() {
    let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let boundary = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    let set = PolicySet {
        identity: vec![&allow],
        permissions_boundaries: vec![&boundary],
        ..PolicySet::new()
    };
    assert!(evaluate(&set, &Request::new("s3:GetObject")).is_allowed());
    let out = evaluate(&set, &Request::new("ec2:RunInstances"));
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert_eq!(out.layer, Some(Layer::PermissionsBoundary));
    // a boundary alone grants nothing
    let set = PolicySet {
        permissions_boundaries: vec![&boundary],
        ..PolicySet::new()
    };
    assert_eq!(evaluate(&set, &Request::new("s3:GetObject")).layer, None);
}

#[test]
fn version_controls_variables() {
    let text = |version: &str| {
        format!(
            r#"{{{version}"Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${{aws:username}}/*"}}}}"#
        )
    };
    let req = Request::new("s3:GetObject")
        .with_resource("arn:aws:s3:::b/alice/k")
        .with_key("aws:username", ["alice"]);
    let with = doc(&text(r#""Version":"2012-10-17","#));
    let old = doc(&text(r#""Version":"2008-10-17","#));
    let none = doc(&text(""));
    assert_eq!(evaluate_document(&with, &req).allowed_by, vec![0]);
    assert!(evaluate_document(&old, &req).allowed_by.is_empty());
    assert!(evaluate_document(&none, &req).allowed_by.is_empty());
    let literal = req
        .clone()
        .with_resource("arn:aws:s3:::b/${aws:username}/k");
    assert_eq!(evaluate_document(&old, &literal).allowed_by, vec![0]);
}

#[test]
fn document_result_lists_both_effects() {
    let d = doc(r#"{"Statement":[
            {"Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:Delete*","Resource":"*"},
            {"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*"},
            {"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#);
    let r = evaluate_document(&d, &Request::new("s3:DeleteObject"));
    assert_eq!(r.allowed_by, vec![0, 2]);
    assert_eq!(r.denied_by, vec![1]);
    assert!(r.errors.is_empty());
}

#[test]
fn bad_operator_fails_closed() {
    let bad = |effect: Effect| PolicyDocument {
        version: Some(VERSION_2012.into()),
        id: None,
        statements: vec![Statement {
            sid: None,
            effect,
            principal: None,
            actions: Actions::Action(vec!["*".into()]),
            resources: Some(Resources::Resource(vec!["*".into()])),
            conditions: vec![Condition {
                operator: "StringEqualz".into(),
                key: "k".into(),
                values: vec!["v".into()],
            }],
        }],
    };
    let allow_bad = bad(Effect::Allow);
    let deny_bad = bad(Effect::Deny);
    let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let req = Request::new("s3:GetObject");
    assert_eq!(
        statement_matches(&allow_bad.statements[0], &req)
            .unwrap_err()
            .message,
        "unknown condition operator `StringEqualz`"
    );
    let mut null_if_exists = allow_bad.statements[0].clone();
    null_if_exists.conditions[0].operator = "NullIfExists".into();
    assert!(statement_matches(&null_if_exists, &req).is_err());
    let r = evaluate_document(&allow_bad, &req);
    assert_eq!(r.errors.len(), 1);
    let out = evaluate(
        &PolicySet {
            identity: vec![&allow_bad],
            ..PolicySet::new()
        },
        &req,
    );
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert_eq!(out.errors.len(), 1);
    let out = evaluate(
        &PolicySet {
            identity: vec![&allow, &deny_bad],
            ..PolicySet::new()
        },
        &req,
    );
    assert_eq!(out.decision, Decision::ExplicitDeny);
    assert_eq!(out.errors[0].0.policy, 1);
}

#[test]
fn statement_conditions_are_read_like_their_json() {
    // two entries with the same operator and key print as one JSON entry
    // (values ORed); the evaluator reads them the same way
    let stmt = Statement {
        sid: None,
        effect: Effect::Allow,
        principal: None,
        actions: Actions::Action(vec!["*".into()]),
        resources: None,
        conditions: vec![
            Condition {
                operator: "StringEquals".into(),
                key: "k".into(),
                values: vec!["a".into()],
            },
            Condition {
                operator: "StringEquals".into(),
                key: "k".into(),
                values: vec!["b".into()],
            },
        ],
    };
    let req = Request::new("x:Y").with_key("k", ["b"]);
    assert!(statement_matches(&stmt, &req).unwrap());
    let printed = PolicyDocument {
        version: Some(VERSION_2012.into()),
        id: None,
        statements: vec![stmt],
    };
    let reread = PolicyDocument::from_json(&printed.to_canonical_json(false)).unwrap();
    assert!(statement_matches(&reread.statements[0], &req).unwrap());
}

#[test]
fn two_spellings_of_an_operator_are_two_blocks() {
    // the same operator spelled twice is two JSON keys: their entries
    // are ANDed, not merged into one entry
    let text = r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":"a"},"stringequals":{"k":"b"}}}}"#;
    let doc = doc(text);
    assert_eq!(doc.statements[0].condition_blocks().len(), 2);
    let stmt = &doc.statements[0];
    assert!(!statement_matches(stmt, &Request::new("x:Y").with_key("k", ["a"])).unwrap());
    assert!(statement_matches(stmt, &Request::new("x:Y").with_key("k", ["a", "b"])).unwrap());
    assert!(
        doc.to_canonical_json(false)
            .contains(r#""Condition":{"StringEquals":{"k":"a"},"stringequals":{"k":"b"}}"#)
    );
}
