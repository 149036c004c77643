#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Small shapes from AWS's managed policies that the linter must read as
//! IAM does: each was once reported as an error or a warning it is not.

use gov::catalog::Catalog;
use gov::diag::Diagnostic;
use gov::jsonlint::{PolicyKind, lint};

fn codes(statement: &str, kind: PolicyKind) -> Vec<&'static str> {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#);
    let diags: Vec<Diagnostic> = lint(0, &text, Some(kind), Catalog::embedded().unwrap());
    diags.iter().map(|d| d.code.id).collect()
}

/// `StringEquals` on a Bool key compares its text, as AWS writes it for
/// `aws:ViaAWSService`; only text other than `true`/`false` is wrong.
#[test]
fn a_string_operator_on_a_bool_key_compares_its_text() {
    let allow = |op: &str, value: &str| {
        format!(
            r#"{{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {{"{op}": {{"aws:ViaAWSService": "{value}"}}}}}}"#
        )
    };
    assert_eq!(
        codes(&allow("StringEquals", "true"), PolicyKind::Identity),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&allow("StringNotEquals", "false"), PolicyKind::Identity),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&allow("StringEquals", "yes"), PolicyKind::Identity),
        ["E0210"]
    );
    // A number operator on a Bool key is still a type error.
    assert_eq!(
        codes(&allow("NumericEquals", "1"), PolicyKind::Identity),
        ["E0201"]
    );
}

/// A deny that lists its exceptions (global keys: who and from where) ANDs
/// them on purpose; two of the service's own keys ANDed still warn.
#[test]
fn a_deny_with_global_exceptions_is_not_w0601() {
    let exceptions = r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333", "aws:SourceVpce": "vpce-1a2b3c4d"}, "Bool": {"aws:ViaAWSService": "false"}}}"#;
    assert!(!codes(exceptions, PolicyKind::Scp).contains(&"W0601"));
    let own = r#"{"Effect": "Deny", "Action": "sagemaker:CreateDomain", "Resource": "*", "Condition": {"StringNotEquals": {"sagemaker:AppNetworkAccessType": "VpcOnly", "aws:PrincipalAccount": "111122223333"}, "Null": {"sagemaker:VpcSubnets": "true"}}}"#;
    assert!(codes(own, PolicyKind::Scp).contains(&"W0601"));
}

/// A policy variable alone stands for a whole ARN; `partner` owns managed
/// policies as `aws` does.
#[test]
fn arn_values_of_managed_policies() {
    let variable = r#"{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": "${ec2:SourceInstanceARN}"}}}"#;
    assert_eq!(codes(variable, PolicyKind::Identity), Vec::<&str>::new());
    let partner = r#"{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*", "Condition": {"ArnEquals": {"iam:PolicyARN": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::partner:policy/x"]}}}"#;
    assert_eq!(codes(partner, PolicyKind::Identity), Vec::<&str>::new());
    let customer = partner.replace("partner", "customer");
    assert_eq!(codes(&customer, PolicyKind::Identity), ["E0202"]);
}
