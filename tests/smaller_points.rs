#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The smaller meaning points of a review, each pinned: `E0401`'s help names
//! the case that has no exact IAM form; `like "*"` on an ARN key is written
//! as `Null: false`, never `ArnLike: *`; `E0210` names the key and its type;
//! `and` binds tighter than `or`.

use gov::catalog::Catalog;

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("embedded catalog")
}

fn compile(src: &str) -> gov::Compilation {
    gov::compile_texts(&[("p.gov", src)], catalog())
}

/// The one diagnostic of `src`, which must be `code`.
fn only(src: &str, code: &str) -> gov::diag::Diagnostic {
    let c = compile(src);
    let found: Vec<&str> = c.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(found, [code], "{:?}", c.diagnostics);
    c.diagnostics[0].clone()
}

fn scp(condition: &str) -> String {
    scp_for("s3:GetObject", condition)
}

fn scp_for(action: &str, condition: &str) -> String {
    format!("scp P {{\n    deny {action} when {condition}\n}}\n")
}

#[test]
fn e0401_names_two_overlapping_patterns() {
    let d = only(
        &scp("aws:PrincipalArn like \"arn:aws:iam::*:role/a*\" \
             and aws:PrincipalArn like \"arn:aws:iam::*:role/*b\""),
        "E0401",
    );
    let help = d.help.unwrap();
    assert!(help.contains("two patterns overlap"), "{help}");
}

#[test]
fn e0401_names_a_policy_variable() {
    let d = only(
        &scp(
            "aws:PrincipalTag/team == \"${aws:PrincipalTag/owner}\" and aws:PrincipalTag/team == \"home\"",
        ),
        "E0401",
    );
    let help = d.help.unwrap();
    assert!(help.contains("policy variable"), "{help}");
}

#[test]
fn e0401_names_two_any_tests() {
    let d = only(
        &scp_for(
            "sagemaker:CreateTrainingJob",
            "aws:TagKeys any == \"a\" and aws:TagKeys any == \"b\"",
        ),
        "E0401",
    );
    let help = d.help.unwrap();
    assert!(help.contains("two different values"), "{help}");
}

#[test]
fn like_star_on_an_arn_key_is_present() {
    let c = compile(&scp("aws:PrincipalArn like \"*\""));
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let json = c.document("P").unwrap().to_canonical_json(false);
    assert!(
        json.contains(r#""Null":{"aws:PrincipalArn":"false"}"#),
        "{json}"
    );
    assert!(!json.contains("ArnLike"), "{json}");
}

#[test]
fn e0210_names_the_key_and_its_type() {
    let d = only(&scp("aws:SecureTransport == \"yes\""), "E0210");
    assert!(d.message.contains("`aws:SecureTransport`"), "{}", d.message);
    assert!(d.message.contains("Bool"), "{}", d.message);
}

#[test]
fn and_binds_tighter_than_or() {
    // `a or b and c` is `a or (b and c)`: a request with only `a` is denied
    let src = format!(
        "{}test \"binding\" for P {{\n\
         \x20   s3:GetObject {{ aws:SourceVpce = \"vpce-1\" }} => deny (explicit)\n\
         \x20   s3:GetObject {{ aws:SourceVpc = \"vpc-1\" }} => allow\n\
         }}\n",
        scp(
            "aws:SourceVpce == \"vpce-1\" or aws:SourceVpc == \"vpc-1\" and aws:SourceIp in \"10.0.0.0/8\""
        )
    );
    let c = compile(&src);
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let report = c.run_tests();
    assert!(
        report.failures.is_empty(),
        "{}",
        report.render(&c.loaded.sources)
    );
    assert_eq!(report.passed, 2);
}
