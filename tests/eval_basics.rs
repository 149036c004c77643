//! The evaluator on the whitepaper's literal JSON: it must reproduce AWS's
//! behaviour, traps included (see README.md, "The whitepaper guardrails", G03 and G04).

use gov::eval::{
    Decision, Layer, PolicySet, Request, evaluate, evaluate_document, statement_matches,
};
use gov::iam::PolicyDocument;

/// G03 `LockDownStudioDomain` as published: one Deny statement whose three
/// conditions are ANDed.
const G03_SCP: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "LockDownStudioDomain",
            "Effect": "Deny",
            "Action": "sagemaker:CreateDomain",
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"sagemaker:AppNetworkAccessType": "VpcOnly"},
                "Null": {
                    "sagemaker:VpcSubnets": "true",
                    "sagemaker:VpcSecurityGroupIds": "true"
                }
            }
        }
    ]
}"#;

/// G04 as printed in the seed: an identity Allow with
/// `ForAllValues:StringNotLike` (a bare string value).
const G04_IDENTITY: &str = r#"{
     "Version": "2012-10-17",
     "Statement": [
         {
             "Action": [
                  "sagemaker:CreateApp"
              ],
             "Effect": "Allow",
             "Resource": "*",
              "Condition": {
                  "ForAllValues:StringNotLike": {
                      "sagemaker:ImageArns":
                          "arn:aws:sagemaker:*:*:image/{ImageName}"
                  }
             }
         }
     ]
 }"#;

const ALLOW_SAGEMAKER: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sagemaker:*","Resource":"*"}}"#;

#[cfg(test)]
fn doc(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).unwrap()
}

#[test]
fn g03_and_trap_public_domain_with_subnets_is_not_denied() {
    let scp = doc(G03_SCP);
    let identity = doc(ALLOW_SAGEMAKER);
    let set = PolicySet {
        scps: vec![&scp],
        identity: vec![&identity],
        ..PolicySet::new()
    };
    // A public-internet domain: the first condition holds, but subnets are
    // present, so `Null: true` on VpcSubnets is false and the AND fails.
    let public_with_subnets = Request::new("sagemaker:CreateDomain")
        .with_key("sagemaker:AppNetworkAccessType", ["PublicInternetOnly"])
        .with_key("sagemaker:VpcSubnets", ["subnet-0a1b2c3d"]);
    assert!(
        evaluate_document(&scp, &public_with_subnets)
            .denied_by
            .is_empty()
    );
    let out = evaluate(&set, &public_with_subnets);
    assert_eq!(
        out.decision,
        Decision::Allow,
        "the SCP was meant to deny this"
    );
    assert_eq!(out.layer, Some(Layer::Identity));

    // Even with security groups too, nothing is denied.
    let public_full = public_with_subnets
        .clone()
        .with_key("sagemaker:VpcSecurityGroupIds", ["sg-1", "sg-2"]);
    assert_eq!(evaluate(&set, &public_full).decision, Decision::Allow);

    // Only a public domain without subnets and without security groups is denied.
    let bare_public = Request::new("sagemaker:CreateDomain")
        .with_key("sagemaker:AppNetworkAccessType", ["PublicInternetOnly"]);
    let out = evaluate(&set, &bare_public);
    assert_eq!(out.decision, Decision::ExplicitDeny);
    assert_eq!(out.layer, Some(Layer::Scp));
    assert_eq!(out.deciding.len(), 1);
    assert_eq!(out.deciding[0].sid.as_deref(), Some("LockDownStudioDomain"));

    // The key absent entirely: StringNotEquals holds (negated operator on an
    // absent key), both Null hold, so this request is denied as well.
    assert_eq!(
        evaluate(&set, &Request::new("sagemaker:CreateDomain")).decision,
        Decision::ExplicitDeny
    );

    // A VpcOnly domain is never denied.
    let vpc_only = Request::new("sagemaker:CreateDomain")
        .with_key("sagemaker:AppNetworkAccessType", ["VpcOnly"]);
    assert_eq!(evaluate(&set, &vpc_only).decision, Decision::Allow);
}

#[test]
fn g03_split_into_one_condition_per_statement_does_deny() {
    let fixed = doc(r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"DenyCreateDomainNotVpcOnly","Effect":"Deny","Action":"sagemaker:CreateDomain","Resource":"*",
             "Condition":{"StringNotEquals":{"sagemaker:AppNetworkAccessType":"VpcOnly"}}},
            {"Sid":"DenyCreateDomainWithoutSecurityGroups","Effect":"Deny","Action":"sagemaker:CreateDomain","Resource":"*",
             "Condition":{"Null":{"sagemaker:VpcSecurityGroupIds":"true"}}}]}"#);
    let identity = doc(ALLOW_SAGEMAKER);
    let set = PolicySet {
        scps: vec![&fixed],
        identity: vec![&identity],
        ..PolicySet::new()
    };
    let public_with_subnets = Request::new("sagemaker:CreateDomain")
        .with_key("sagemaker:AppNetworkAccessType", ["PublicInternetOnly"])
        .with_key("sagemaker:VpcSubnets", ["subnet-0a1b2c3d"]);
    let out = evaluate(&set, &public_with_subnets);
    assert_eq!(out.decision, Decision::ExplicitDeny);
    let sids: Vec<_> = out.deciding.iter().map(|r| r.sid.as_deref()).collect();
    assert_eq!(
        sids,
        vec![
            Some("DenyCreateDomainNotVpcOnly"),
            Some("DenyCreateDomainWithoutSecurityGroups")
        ]
    );
    let good = Request::new("sagemaker:CreateDomain")
        .with_key("sagemaker:AppNetworkAccessType", ["VpcOnly"])
        .with_key("sagemaker:VpcSubnets", ["subnet-0a1b2c3d"])
        .with_key("sagemaker:VpcSecurityGroupIds", ["sg-1"]);
    assert_eq!(evaluate(&set, &good).decision, Decision::Allow);
}

#[test]
fn g04_for_all_values_not_like_allows_an_unapproved_image() {
    let policy = doc(G04_IDENTITY);
    let set = PolicySet {
        identity: vec![&policy],
        ..PolicySet::new()
    };
    let unapproved = Request::new("sagemaker:CreateApp").with_key(
        "sagemaker:ImageArns",
        ["arn:aws:sagemaker:us-east-1:111122223333:image/crypto-miner"],
    );
    let out = evaluate(&set, &unapproved);
    assert_eq!(
        out.decision,
        Decision::Allow,
        "the inverted policy grants it"
    );
    assert_eq!(out.deciding.len(), 1);
    assert_eq!(out.deciding[0].layer, Layer::Identity);

    // The "authorized" image (the placeholder taken literally) is the one
    // request this Allow does not cover.
    let authorized = Request::new("sagemaker:CreateApp").with_key(
        "sagemaker:ImageArns",
        ["arn:aws:sagemaker:us-east-1:111122223333:image/{ImageName}"],
    );
    assert_eq!(evaluate(&set, &authorized).decision, Decision::ImplicitDeny);

    // One authorized image among several is enough to lose the allow.
    let mixed = Request::new("sagemaker:CreateApp").with_key(
        "sagemaker:ImageArns",
        [
            "arn:aws:sagemaker:us-east-1:111122223333:image/crypto-miner",
            "arn:aws:sagemaker:us-east-1:111122223333:image/{ImageName}",
        ],
    );
    assert_eq!(evaluate(&set, &mixed).decision, Decision::ImplicitDeny);

    // No image at all: ForAllValues over an empty set is true, so allowed.
    assert_eq!(
        evaluate(&set, &Request::new("sagemaker:CreateApp")).decision,
        Decision::Allow
    );

    // statement_matches agrees.
    assert!(statement_matches(&policy.statements[0], &unapproved).unwrap());
}

#[test]
fn g04_live_text_with_arn_not_like_has_the_same_trap() {
    let live = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Action":"sagemaker:CreateApp","Effect":"Allow","Resource":"*",
            "Condition":{"ForAllValues:ArnNotLike":{"sagemaker:ImageArns":"arn:aws:sagemaker:*:*:image/approved"}}}]}"#,
    );
    let set = PolicySet {
        identity: vec![&live],
        ..PolicySet::new()
    };
    let unapproved = Request::new("sagemaker:CreateApp").with_key(
        "sagemaker:ImageArns",
        ["arn:aws:sagemaker:eu-west-1:111122223333:image/other"],
    );
    assert_eq!(evaluate(&set, &unapproved).decision, Decision::Allow);
}

#[test]
fn canonical_form_of_the_seed_scp() {
    let scp = doc(G03_SCP);
    assert_eq!(
        scp.to_canonical_json(false),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"LockDownStudioDomain","Effect":"Deny","Action":"sagemaker:CreateDomain","Resource":"*","Condition":{"StringNotEquals":{"sagemaker:AppNetworkAccessType":"VpcOnly"},"Null":{"sagemaker:VpcSubnets":"true","sagemaker:VpcSecurityGroupIds":"true"}}}]}"#
    );
    let again = PolicyDocument::from_json(&scp.to_canonical_json(true)).unwrap();
    assert_eq!(again, scp);
}

#[test]
fn seed_typo_key_with_a_space_is_a_different_key() {
    // The seed prints "sagemaker: VpcSubnets" (with a space): a key no request
    // carries, so its Null "true" always holds and the Deny fires on any
    // public domain without security groups, even one with subnets.
    let typo = doc(&G03_SCP.replace("\"sagemaker:VpcSubnets\"", "\"sagemaker: VpcSubnets\""));
    let req = Request::new("sagemaker:CreateDomain")
        .with_key("sagemaker:AppNetworkAccessType", ["PublicInternetOnly"])
        .with_key("sagemaker:VpcSubnets", ["subnet-0a1b2c3d"]);
    assert_eq!(evaluate_document(&typo, &req).denied_by, vec![0]);
}
