#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Forms AWS's own policies use that gov now states exactly: `…IgnoreCase`
//! (`ignoring case`), a string operator on an ARN key (`as string`, the
//! break-glass exemption on `aws:PrincipalArn`), an ARN operator on a string
//! key (`as arn`), and `like "*"` (`present`). Each imports, checks, builds
//! to the same operator family, and decides every request as the original
//! (the import proves that itself with the diff engine).

use gov::catalog::Catalog;
use gov::import::import;
use gov::jsonlint::PolicyKind;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

/// Imports one statement's policy; returns the `.gov` text and the rebuilt
/// JSON (minified, canonical).
fn round_trip(statement: &str, kind: PolicyKind) -> (String, String) {
    let json = format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#);
    let text = import(&json, "Imported", Some(kind)).unwrap_or_else(|d| panic!("{json}\n{d:?}"));
    // What import writes is already in `gov fmt`'s layout.
    assert_eq!(gov::format::format_source(0, &text).unwrap(), text);
    let c = gov::compile_texts(&[("i.gov", text.as_str())], catalog());
    assert!(!c.has_errors(), "{text}\n{:?}", c.diagnostics);
    let rebuilt = c.documents[0].1.to_canonical_json(false);
    (text, rebuilt)
}

#[test]
fn ignore_case_operators() {
    let (text, json) = round_trip(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":["Data","ML"]}}}"#,
        PolicyKind::Identity,
    );
    assert!(
        text.contains(r#"aws:PrincipalTag/team in ["Data", "ML"] ignoring case"#),
        "{text}"
    );
    assert!(
        json.contains(r#""StringEqualsIgnoreCase":{"aws:PrincipalTag/team":["Data","ML"]}"#),
        "{json}"
    );
    let (text, json) = round_trip(
        r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"ops"}}}"#,
        PolicyKind::Scp,
    );
    assert!(text.contains("ignoring case"), "{text}");
    assert!(json.contains(r#""StringNotEqualsIgnoreCase""#), "{json}");
}

#[test]
fn the_break_glass_exemption_keeps_its_string_operator() {
    let (text, json) = round_trip(
        r#"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass*"}}}"#,
        PolicyKind::Scp,
    );
    assert!(text.contains("as string"), "{text}");
    assert!(
        json.contains(r#""StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass*"}"#),
        "{json}"
    );
}

#[test]
fn an_arn_operator_on_a_string_key_stays_an_arn_operator() {
    let (text, json) = round_trip(
        r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::bucket-*/*"}}}"#,
        PolicyKind::Identity,
    );
    assert!(text.contains("as arn"), "{text}");
    assert!(
        json.contains(
            r#""ArnLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::bucket-*/*"}"#
        ),
        "{json}"
    );
}

#[test]
fn like_star_is_presence_in_either_family() {
    // An RCP guardrail of AWS's examples: `StringLike "*"` on an ARN key.
    let (text, json) = round_trip(
        r#"{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"*"}}}"#,
        PolicyKind::Rcp,
    );
    assert!(text.contains("aws:SourceArn present"), "{text}");
    assert!(
        json.contains(r#""Null":{"aws:SourceArn":"false"}"#),
        "{json}"
    );
    // Written in gov, `like "*"` lowers to `Null` too, never to `ArnLike "*"`.
    let c = gov::compile_texts(
        &[(
            "p.gov",
            "scp P { deny s3:GetObject when aws:SourceArn like \"*\" }\n",
        )],
        catalog(),
    );
    let json = c.documents[0].1.to_canonical_json(false);
    assert!(
        json.contains(r#""Null":{"aws:SourceArn":"false"}"#),
        "{json}"
    );
}

#[test]
fn modifiers_are_checked() {
    for (src, underlined) in [
        (
            "scp P { deny s3:GetObject when aws:PrincipalArn like \"x\" as arn }\n",
            "as arn",
        ),
        (
            "scp P { deny s3:GetObject when aws:PrincipalTag/t like \"x\" as string }\n",
            "as string",
        ),
        (
            "scp P { deny s3:GetObject when aws:PrincipalTag/t like \"x*\" ignoring case }\n",
            "ignoring case",
        ),
        (
            "scp P { deny s3:GetObject when aws:MultiFactorAuthAge == 5 ignoring case }\n",
            "ignoring case",
        ),
        (
            "scp P { deny s3:GetObject when aws:SecureTransport like \"t*\" as string }\n",
            "as string",
        ),
    ] {
        let c = gov::compile_texts(&[("p.gov", src)], catalog());
        let d = c.errors().next().unwrap_or_else(|| panic!("{src}"));
        assert_eq!(d.code, "E0201", "{src}");
        assert_eq!(
            c.loaded.sources.snippet(d.file, d.span),
            underlined,
            "{src}"
        );
    }
}

/// `StringEquals` on a Bool key compares the text IAM puts in the request:
/// `as string` keeps the operator.
#[test]
fn string_equals_on_a_bool_key_stays_a_string_comparison() {
    let (text, json) = round_trip(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SecureTransport":"true"}}}"#,
        PolicyKind::Identity,
    );
    assert!(
        text.contains(r#"aws:SecureTransport == "true" as string"#),
        "{text}"
    );
    assert!(
        json.contains(r#""StringEquals":{"aws:SecureTransport":"true"}"#),
        "{json}"
    );
}

/// In an Allow, an action that lacks a key the condition needs is never
/// granted by the statement (IAM treats the key as absent): import leaves
/// the action out and says why; a statement left with nothing is left out.
#[test]
fn an_allow_never_grants_an_action_without_the_key() {
    let (text, json) = round_trip(
        r#"{"Effect":"Allow","Action":["sagemaker:CreateTrainingJob","s3:GetObject"],"Resource":"*","Condition":{"StringEquals":{"sagemaker:VolumeKmsKey":"arn:aws:kms:us-east-1:111122223333:key/k"}}}"#,
        PolicyKind::Identity,
    );
    assert!(
        text.contains("// `s3:GetObject` does not support condition key `sagemaker:VolumeKmsKey`: this statement never grants it, so it is left out"),
        "{text}"
    );
    assert!(!json.contains("s3:GetObject"), "{json}");
    assert!(json.contains("sagemaker:CreateTrainingJob"), "{json}");
    let (text, json) = round_trip(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"Dead","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"sagemaker:VolumeKmsKey":"arn:aws:kms:us-east-1:111122223333:key/k"}}}"#,
        PolicyKind::Identity,
    );
    assert!(
        text.contains(r#"// Note: statement "Dead" never grants anything and is left out"#),
        "{text}"
    );
    assert!(!json.contains("s3:GetObject"), "{json}");
}

/// A Deny that never applies to an action is refused, not left out: were
/// the catalog to miss the key, leaving it out would widen.
#[test]
fn a_deny_that_never_applies_is_refused() {
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["sagemaker:CreateTrainingJob","s3:GetObject"],"Resource":"*","Condition":{"StringEquals":{"sagemaker:VolumeKmsKey":"arn:aws:kms:us-east-1:111122223333:key/k"}}}]}"#;
    let errors = import(json, "Imported", Some(PolicyKind::Scp)).unwrap_err();
    let codes: Vec<&str> = errors.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0301"], "{errors:?}");
}

/// The whitepaper's G16 grants seven actions under a key none of them
/// carries: AWS never grants them, and the import says so for each.
#[test]
fn the_whitepaper_g16_imports_as_what_aws_grants() {
    let json = std::fs::read_to_string("tests/fixtures/lint/G16.json").unwrap();
    let text = import(&json, "G16", Some(PolicyKind::Identity)).unwrap();
    assert_eq!(
        text.matches("does not support condition key `cloudwatch:namespace`: this statement never grants it, so it is left out").count(),
        7,
        "{text}"
    );
    assert!(text.contains("allow cloudwatch:PutMetricData\n"), "{text}");
}

/// A pattern none of whose actions carries the key is left out alike, and
/// an entry lacking two keys is said once, with the first reason.
#[test]
fn an_allow_never_grants_a_pattern_without_the_key() {
    let (text, json) = round_trip(
        r#"{"Effect":"Allow","Action":["sagemaker:CreateTrainingJob","s3:GetObjectT*"],"Resource":"*","Condition":{"StringEquals":{"sagemaker:VolumeKmsKey":"arn:aws:kms:us-east-1:111122223333:key/k","sagemaker:OutputKmsKey":"arn:aws:kms:us-east-1:111122223333:key/o"}}}"#,
        PolicyKind::Identity,
    );
    assert_eq!(
        text.matches("this statement never grants it").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("// no action matched by `s3:GetObjectT*` supports condition key `sagemaker:VolumeKmsKey`"),
        "{text}"
    );
    assert!(!json.contains("s3:"), "{json}");
}
