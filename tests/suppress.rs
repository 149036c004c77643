#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `@allow("W…", reason = "…")`: which warnings it silences (those of its
//! codes inside its policy or rule, and nothing else), what it refuses
//! (errors, unknown codes, a missing reason, stray arguments), the warning
//! for one that silences nothing, and that `gov fmt` keeps it.

use gov::catalog::Catalog;
use gov::diag::codes;
use std::process::Command;

fn compile(text: &str) -> gov::Compilation {
    gov::compile_texts(&[("case.gov", text)], Catalog::embedded().unwrap())
}

fn codes_of(c: &gov::Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.id).collect()
}

const WILDCARD: &str = "policy Admin {\n    allow *\n}\n";

#[test]
fn a_rule_allow_silences_its_warning_and_keeps_the_reason() {
    assert_eq!(codes_of(&compile(WILDCARD)), ["W0203"]);
    let c = compile(
        "policy Admin {\n    @allow(\"W0203\", reason = \"break-glass role, reviewed quarterly\")\n    allow *\n}\n",
    );
    assert!(c.diagnostics.is_empty(), "{:?}", codes_of(&c));
    assert_eq!(c.suppressed.len(), 1);
    let s = &c.suppressed[0];
    assert_eq!(s.diagnostic.code, codes::W0203);
    assert_eq!(s.reason, "break-glass role, reviewed quarterly");
    assert!(s.annotation.is_some());
}

#[test]
fn a_policy_allow_covers_its_rules_and_no_other_policy() {
    let c = compile(
        "@allow(\"W0203\", reason = \"admin policy\")\npolicy Admin {\n    allow *\n    allow s3:*\n}\npolicy Other {\n    allow *\n}\n",
    );
    assert_eq!(c.suppressed.len(), 2);
    assert_eq!(codes_of(&c), ["W0203"], "Other's warning stays");
    assert!(c.diagnostics[0].span.start > c.loaded.sources.text(0).find("Other").unwrap());
}

#[test]
fn a_rule_allow_does_not_reach_the_next_rule() {
    let c = compile(
        "policy Admin {\n    @allow(\"W0203\", reason = \"reviewed\")\n    allow *\n    allow s3:*\n}\n",
    );
    assert_eq!(c.suppressed.len(), 1);
    assert_eq!(codes_of(&c), ["W0203"]);
}

#[test]
fn several_codes_in_one_allow() {
    let c = compile(
        "@allow(\"W0201\", \"W0203\", reason = \"kept for the audit\")\npolicy Admin {\n    allow *\n    allow sagemaker:CreateApp when sagemaker:InstanceTypes all in [\"ml.t3.medium\"]\n}\n",
    );
    assert!(c.diagnostics.is_empty(), "{:?}", codes_of(&c));
    let mut silenced: Vec<&str> = c.suppressed.iter().map(|s| s.diagnostic.code.id).collect();
    silenced.sort();
    assert_eq!(silenced, ["W0201", "W0203"]);
}

#[test]
fn an_allow_that_silences_nothing_is_w0310() {
    let c = compile(
        "policy Admin {\n    @allow(\"W0203\", \"W0201\", reason = \"old\")\n    allow *\n}\n",
    );
    // W0203 is silenced; W0201 is not reported here, so its part is stale.
    assert_eq!(c.suppressed.len(), 1);
    let codes = codes_of(&c);
    assert!(codes.contains(&"W0310"), "{codes:?}");
    let w = c
        .diagnostics
        .iter()
        .find(|d| d.code == codes::W0310)
        .unwrap();
    assert_eq!(c.loaded.sources.snippet(0, w.span), "\"W0201\"");
}

#[test]
fn errors_cannot_be_allowed() {
    let c = compile(
        "scp Guard {\n    @allow(\"E0102\", reason = \"typo on purpose\")\n    deny \"sagemaker:Create:App\"\n}\n",
    );
    let codes = codes_of(&c);
    assert!(codes.contains(&"E0311"), "{codes:?}");
    assert!(codes.contains(&"E0102"), "the error stays: {codes:?}");
    assert!(c.suppressed.is_empty());
}

#[test]
fn unknown_codes_and_missing_reasons_are_errors() {
    let unknown =
        compile("policy Admin {\n    @allow(\"W9999\", reason = \"x\")\n    allow *\n}\n");
    assert!(codes_of(&unknown).contains(&"E0310"));
    assert!(codes_of(&unknown).contains(&"W0203"), "nothing silenced");
    for source in [
        "policy Admin {\n    @allow(\"W0203\")\n    allow *\n}\n",
        "policy Admin {\n    @allow(\"W0203\", reason = \"  \")\n    allow *\n}\n",
    ] {
        let c = compile(source);
        let codes = codes_of(&c);
        assert!(codes.contains(&"E0312"), "{codes:?}");
        assert!(codes.contains(&"W0203"), "nothing silenced: {codes:?}");
    }
}

#[test]
fn stray_arguments_are_refused() {
    let c = compile(
        "policy Admin {\n    @allow(\"W0203\", reason = \"x\", until = \"2027\")\n    allow *\n}\n",
    );
    assert!(codes_of(&c).contains(&"E0313"));
    let c = compile("@sid(\"Guard\", reason = \"x\")\nscp Guard { deny s3:GetObject }\n");
    assert_eq!(codes_of(&c), ["E0313"]);
    let c = compile("@control(\"a\", \"b\")\nscp Guard { deny s3:GetObject }\n");
    assert_eq!(codes_of(&c), ["E0313"]);
}

#[test]
fn fmt_keeps_allows() {
    let source = "@allow( \"W0202\" ,reason=\"kept\" )\nscp Guard {\n    @allow(\"W0203\",\"W0202\", reason = \"reviewed\")   // why\n    allow *\n}\n";
    let formatted = gov::format::format_source(0, source).unwrap();
    assert_eq!(
        formatted,
        "@allow(\"W0202\", reason = \"kept\")\nscp Guard {\n    @allow(\"W0203\", \"W0202\", reason = \"reviewed\") // why\n    allow *\n}\n"
    );
    assert_eq!(
        gov::format::format_source(0, &formatted).unwrap(),
        formatted
    );
}

#[test]
fn human_output_hides_suppressed_findings_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("admin.gov"),
        "policy Admin {\n    @allow(\"W0203\", reason = \"reviewed\")\n    allow *\n    allow s3:*\n}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(["check", "admin.gov", "--color", "never", "--deny-warnings"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "the other warning still fails");
    assert_eq!(stderr.matches("warning[W0203]").count(), 1, "{stderr}");
    assert!(
        stderr.ends_with("checked 1 file: 0 errors, 1 warning, 1 suppressed\n"),
        "{stderr}"
    );
}

#[test]
fn no_stale_warning_where_an_error_hides_the_checks() {
    // The condition has an error, so the lints that would find W0203 do not
    // run: the `@allow` cannot be judged stale.
    let c = compile(
        "policy P {\n    @allow(\"W0203\", reason = \"reviewed\")\n    allow * when aws:NoSuchKey present\n}\n",
    );
    assert_eq!(codes_of(&c), ["E0103"]);
    // Fixed, the warning is found and silenced.
    let c = compile(
        "policy P {\n    @allow(\"W0203\", reason = \"reviewed\")\n    allow * when aws:MultiFactorAuthPresent present\n}\n",
    );
    assert!(c.diagnostics.is_empty(), "{:?}", codes_of(&c));
    assert_eq!(c.suppressed.len(), 1);
}
