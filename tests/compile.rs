#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The library's one compile entry (`gov::compile_paths`, `gov::compile_texts`)
//! and the guarantees its build keeps by itself, whoever calls it.

use gov::catalog::Catalog;
use gov::emit::{BuildError, Options};
use std::path::Path;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

const GOOD: &str = r#"use sagemaker
scp OnlyVpcDomains {
    deny CreateDomain unless AppNetworkAccessType == "VpcOnly"
}
test "vpc only" for OnlyVpcDomains {
    sagemaker:CreateDomain { sagemaker:AppNetworkAccessType = "VpcOnly" } => allow
    sagemaker:CreateDomain { sagemaker:AppNetworkAccessType = "PublicInternetOnly" } => deny (explicit)
}
"#;

/// Checks cleanly, but has no IAM form: `like a* and like *a` on one key.
const LOWERING_ERROR: &str = r#"scp P {
    deny sagemaker:CreateApp when aws:PrincipalTag/team like "a*" and aws:PrincipalTag/team like "*a"
}
"#;

#[test]
fn a_compilation_holds_documents_diagnostics_and_tests() {
    let c = gov::compile_texts(&[("good.gov", GOOD)], catalog());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    assert_eq!(c.documents.len(), 1);
    let doc = c.document("OnlyVpcDomains").unwrap();
    assert_eq!(doc.statements.len(), 1);
    let report = c.run_tests();
    assert_eq!((report.passed, report.failures.len()), (2, 0));
}

#[test]
fn lowering_errors_are_diagnostics_of_the_compilation() {
    let c = gov::compile_texts(&[("p.gov", LOWERING_ERROR)], catalog());
    let codes: Vec<&str> = c.errors().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0401"]);
    assert!(c.documents.is_empty());
}

#[test]
fn a_build_with_errors_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = gov::compile_texts(&[("p.gov", LOWERING_ERROR)], catalog());
    let out = dir.path().join("out");
    let errors = c.build(&out, &Options::default()).unwrap_err();
    assert!(matches!(&errors[0], BuildError::Diagnostic(d) if d.code == "E0401"));
    assert!(!out.exists());
}

fn sources_with_output_inside(out: impl Fn(&Path) -> std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("good.gov"), GOOD).unwrap();
    let c = gov::compile_paths(std::slice::from_ref(&src), catalog()).unwrap();
    assert!(!c.has_errors());
    let target = out(dir.path());
    let errors = c.build(&target, &Options::default()).unwrap_err();
    assert!(
        matches!(&errors[..], [e @ BuildError::OutputInsideSources { .. }] if e.code() == "E0906"),
        "{errors:?}"
    );
    // Nothing was written anywhere under the sources.
    let entries: Vec<_> = std::fs::read_dir(&src).unwrap().collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn the_build_never_writes_into_its_sources() {
    sources_with_output_inside(|d| d.join("src/out"));
    sources_with_output_inside(|d| d.join("src"));
    sources_with_output_inside(|d| d.join("other/../src/dist"));
    // A symbolic link that leads back into the sources.
    sources_with_output_inside(|d| {
        std::os::unix::fs::symlink(d.join("src"), d.join("link")).unwrap();
        d.join("link/dist")
    });
}

#[test]
fn a_build_beside_its_sources_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("good.gov"), GOOD).unwrap();
    let c = gov::compile_paths(std::slice::from_ref(&src), catalog()).unwrap();
    let out = dir.path().join("dist");
    let manifest = c.build(&out, &Options::default()).unwrap();
    assert_eq!(manifest.policies.len(), 1);
    assert!(out.join("scp/OnlyVpcDomains.json").is_file());
}

/// Two equality tests on one key meet by text only when neither holds a
/// policy variable: `team == ${aws:username} and team == "bob"` holds for
/// bob. Lowering used to intersect the texts, found nothing in common, and
/// silently dropped that alternative of the rule (an SCP that denied less
/// than it said).
#[test]
fn equal_tests_with_a_variable_are_not_intersected_by_text() {
    let alone = r#"scp P {
    deny s3:GetObject when aws:PrincipalTag/team == ${aws:username} and aws:PrincipalTag/team == "bob"
}
"#;
    let c = gov::compile_texts(&[("p.gov", alone)], catalog());
    let codes: Vec<&str> = c.errors().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0401"], "{:?}", c.diagnostics);

    let with_or = r#"scp P {
    deny s3:GetObject
        when (aws:PrincipalTag/team == ${aws:username} and aws:PrincipalTag/team == "bob")
          or aws:SecureTransport == false
}
"#;
    let c = gov::compile_texts(&[("p.gov", with_or)], catalog());
    assert!(
        c.errors().any(|d| d.code == "E0401"),
        "the alternative must not be dropped: {:?}",
        c.documents
    );
    // Without a variable the intersection is exact and stays.
    let plain = r#"scp P {
    deny s3:GetObject when aws:PrincipalTag/team in ["a", "b"] and aws:PrincipalTag/team in ["b", "c"]
}
"#;
    let c = gov::compile_texts(&[("p.gov", plain)], catalog());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let json = c.documents[0].1.to_canonical_json(false);
    assert!(
        json.contains(r#""StringEquals":{"aws:PrincipalTag/team":"b"}"#),
        "{json}"
    );
}

/// A bare address is that one address: the document spells its prefix out
/// (`/32`, `/128` for IPv6) instead of leaving AWS to assume `/32`, which for
/// IPv6 would be a network of 2^96 addresses.
#[test]
fn bare_addresses_are_written_with_their_full_prefix() {
    let text = r#"policy P {
    allow s3:GetObject on "*" when aws:SourceIp in ["192.0.2.1", "2001:db8::1", "10.0.0.0/8"]
}
test "one address each" for P {
    s3:GetObject { aws:SourceIp = "192.0.2.1" } => allow
    s3:GetObject { aws:SourceIp = "192.0.2.2" } => deny (implicit)
    s3:GetObject { aws:SourceIp = "2001:db8::1" } => allow
    s3:GetObject { aws:SourceIp = "2001:db8::2" } => deny (implicit)
}
"#;
    let c = gov::compile_texts(&[("p.gov", text)], catalog());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let json = c.documents[0].1.to_canonical_json(false);
    assert!(
        json.contains(r#""aws:SourceIp":["10.0.0.0/8","192.0.2.1/32","2001:db8::1/128"]"#),
        "{json}"
    );
    let report = c.run_tests();
    assert_eq!(
        (report.passed, report.failures.len()),
        (4, 0),
        "{}",
        report.summary()
    );
}

/// The condition of the one statement of a rule written in an SCP.
fn lowered_condition(rule: &str) -> String {
    let source = format!("scp P {{\n    {rule}\n}}\n");
    let c = gov::compile_texts(&[("p.gov", &source)], catalog());
    assert!(!c.has_errors(), "{source}{:?}", c.diagnostics);
    let doc = &c.documents[0].1;
    assert_eq!(doc.statements.len(), 1, "{source}");
    let json = doc.to_canonical_json(false);
    let at = json.find("\"Condition\":").unwrap();
    json[at..].to_string()
}

/// Tests on one key that used to be `E0401` and have an exact entry.
#[test]
fn tests_on_one_key_merge_into_one_exact_entry() {
    let cases = [
        (
            "deny s3:GetObject when aws:MultiFactorAuthAge <= 300 and aws:MultiFactorAuthAge <= 0",
            r#""NumericLessThanEquals":{"aws:MultiFactorAuthAge":"0"}"#,
        ),
        (
            r#"deny s3:GetObject when aws:SourceIp in ["10.0.0.0/8", "192.0.2.0/24"] and aws:SourceIp in ["10.1.0.0/16", "198.51.100.0/24"]"#,
            r#""IpAddress":{"aws:SourceIp":"10.1.0.0/16"}"#,
        ),
        (
            "deny s3:GetObject when aws:SecureTransport != true and aws:SecureTransport != false",
            r#""Null":{"aws:SecureTransport":"true"}"#,
        ),
        (
            r#"deny s3:GetObject when aws:CurrentTime >= "2026-01-01T00:00:00Z" and aws:CurrentTime >= "2026-06-01T00:00:00Z""#,
            r#""DateGreaterThanEquals":{"aws:CurrentTime":"2026-06-01T00:00:00Z"}"#,
        ),
        (
            r#"deny s3:GetObject when aws:PrincipalArn like "arn:aws:iam::*:role/admin" and aws:PrincipalArn like "arn:aws:iam::111122223333:role/*""#,
            r#""ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin"}"#,
        ),
        (
            r#"deny sagemaker:AddTags when aws:TagKeys any in ["a", "b"] and aws:TagKeys any in ["a", "b", "c"]"#,
            r#""ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}"#,
        ),
    ];
    for (rule, entry) in cases {
        let condition = lowered_condition(rule);
        assert!(condition.contains(entry), "{rule}\n{condition}");
    }
}

/// A conjunction no request satisfies: the rule never matches (`E0402`),
/// and an `or` keeps only its possible alternatives.
#[test]
fn impossible_tests_on_one_key_drop_their_alternative() {
    let never = r#"scp P {
    deny s3:GetObject when aws:SourceIp in ["10.0.0.0/8"] and aws:SourceIp in ["192.0.2.0/24"]
}
"#;
    let c = gov::compile_texts(&[("p.gov", never)], catalog());
    let codes: Vec<&str> = c.errors().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0402"], "{:?}", c.diagnostics);
    let condition = lowered_condition(
        r#"deny s3:GetObject when (aws:SourceIp in ["10.0.0.0/8"] and aws:SourceIp in ["192.0.2.0/24"]) or aws:SecureTransport == false"#,
    );
    assert_eq!(
        condition,
        r#""Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#
    );
    // Different operators on one key whose bounds leave no value.
    let condition = lowered_condition(
        "deny s3:GetObject when (aws:MultiFactorAuthAge < 1 and aws:MultiFactorAuthAge > 5) or aws:SecureTransport == false",
    );
    assert_eq!(
        condition,
        r#""Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#
    );
}

/// `gov check` compiles without keeping the documents (memory): it reports
/// what the full compilation reports, lowering errors included.
#[test]
fn a_check_reports_what_the_compilation_reports_and_keeps_no_document() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.gov"), GOOD).unwrap();
    std::fs::write(dir.path().join("bad.gov"), LOWERING_ERROR).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let values = gov::compile::ParamValues::default();
    for paths in [vec![dir.path().to_path_buf()], vec![root.join("policies")]] {
        let full = gov::compile::compile_paths_with_params(&paths, &values, catalog()).unwrap();
        let check = gov::compile::check_paths_with_params(&paths, &values, catalog()).unwrap();
        assert_eq!(check.diagnostics, full.diagnostics);
        assert_eq!(check.suppressed, full.suppressed);
        assert_eq!(check.program, full.program);
        assert!(!full.documents.is_empty());
        assert!(check.documents.is_empty());
    }
    let check =
        gov::compile::check_paths_with_params(&[dir.path().to_path_buf()], &values, catalog())
            .unwrap();
    let codes: Vec<&str> = check.errors().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0401"]);
}
