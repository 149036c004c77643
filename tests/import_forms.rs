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
        r#"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/BreakGlass*"]}}}"#,
        PolicyKind::Scp,
    );
    assert!(text.contains("as string"), "{text}");
    assert!(
        json.contains(
            r#""StringNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/BreakGlass*"]}"#
        ),
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
            r#""ArnLike":{"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::bucket-*/*"]}"#
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
        json.contains(r#""Null":{"aws:SourceArn":["false"]}"#),
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
        json.contains(r#""Null":{"aws:SourceArn":["false"]}"#),
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
