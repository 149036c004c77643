#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The catalog watch: `gov catalog diff OLD NEW` and `gov catalog impact
//! NEW`, on the two small catalogs of tests/fixtures/catalog-watch (old.txt,
//! new.txt: an action added, one removed, a service added, a key added,
//! removed, deprecated and retyped).

use gov::catalog::Catalog;
use gov::watch;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog-watch")
}

fn gov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `gov --catalog OLD catalog impact NEW REST...`.
fn impact(old: &str, new: &str, rest: &[&str]) -> Output {
    let mut args = vec!["--catalog", old, "catalog", "impact", new];
    args.extend_from_slice(rest);
    gov(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn the_diff_lists_every_kind_of_change() {
    let old = Catalog::load(&fixtures().join("old.txt")).unwrap();
    let new = Catalog::load(&fixtures().join("new.txt")).unwrap();
    let changes = watch::diff(&old, &new);
    assert_eq!(changes.services_added, ["extra"]);
    assert!(changes.services_removed.is_empty());
    assert_eq!(
        changes.actions_added,
        ["demo:CreateGadget", "demo:ExportWidgets", "extra:DoThing"]
    );
    assert_eq!(changes.actions_removed, ["demo:RetireWidget"]);
    assert_eq!(changes.keys_added, ["demo:Shape"]);
    assert_eq!(changes.keys_removed, ["demo:Gone"]);
    assert_eq!(changes.keys_deprecated.len(), 1);
    assert_eq!(changes.keys_deprecated[0].key, "demo:Legacy");
    assert_eq!(
        changes.keys_deprecated[0].replaced_by.as_deref(),
        Some("demo:Color")
    );
    assert_eq!(changes.key_types_changed.len(), 1);
    assert_eq!(changes.key_types_changed[0].old, "String");
    assert_eq!(changes.key_types_changed[0].new, "Numeric");
    // The other way round, what was added is removed.
    let back = watch::diff(&new, &old);
    assert_eq!(back.actions_removed, changes.actions_added);
    assert!(watch::diff(&old, &old).is_empty());
}

#[test]
fn catalog_diff_exits_1_on_a_change_and_0_on_none() {
    let out = gov(&["catalog", "diff", "old.txt", "new.txt"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("catalog_diff", text(&out.stdout));
    let same = gov(&["catalog", "diff", "old.txt", "old.txt"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(text(&same.stdout).ends_with("no change\n"));
    let json = gov(&["catalog", "diff", "old.txt", "new.txt", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["new"]["version"], "2");
    assert_eq!(value["changes"]["keys_removed"][0], "demo:Gone");
}

#[test]
fn the_embedded_catalog_is_named_embedded() {
    let out = gov(&["catalog", "diff", "embedded", "embedded"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn impact_reports_each_rule_that_changes_meaning() {
    let out = impact("old.txt", "new.txt", &["policies/all.gov"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("catalog_impact", text(&out.stderr));
    let json = impact(
        "old.txt",
        "new.txt",
        &["policies/all.gov", "--format", "json"],
    );
    let codes: Vec<String> = text(&json.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!("{}:{}", v["code"].as_str().unwrap(), v["line"])
        })
        .collect();
    assert_eq!(
        codes,
        [
            "W0920:5", "W0922:5", "W0920:6", "W0921:7", "W0923:8", "W0924:9", "W0925:10"
        ]
    );
}

#[test]
fn impact_exits_0_when_nothing_changes_meaning() {
    let out = impact("old.txt", "new.txt", &["policies/fixed.gov"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The same catalog on both sides changes nothing.
    let same = impact("new.txt", "new.txt", &["policies/fixed.gov"]);
    assert_eq!(same.status.code(), Some(0));
}

#[test]
fn impact_is_a_usage_error_when_a_side_cannot_be_used() {
    let missing = impact("old.txt", "missing.txt", &["policies/fixed.gov"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).starts_with("error[E0904]"));
    // Policies that do not build with the catalog in use: exit 2, not 1.
    let broken = gov(&["catalog", "impact", "new.txt", "policies/fixed.gov"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(text(&broken.stderr).contains("error[E0103]"));
}

#[test]
fn impact_writes_sarif_too() {
    let out = impact(
        "old.txt",
        "new.txt",
        &["policies/w0920.gov", "--format", "sarif"],
    );
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "W0920");
}

#[test]
fn a_finding_points_at_the_name_as_written() {
    // `size` written in lowercase, and `Size` inside a value before it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sized.gov");
    std::fs::write(
        &file,
        "use demo\n\nscp Sized {\n    deny DescribeWidget when aws:PrincipalArn like \"arn:aws:iam::*:role/BigSize*\" and size > 3\n}\n",
    )
    .unwrap();
    let out = impact(
        "old.txt",
        "new.txt",
        &[file.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let finding: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(finding["code"], "W0925");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(4), Some(87))
    );
}
