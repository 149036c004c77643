#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Values given for params from outside the `.gov` files: a value of the
//! wrong type is reported once, where it is given (`E0715`: in `gov.toml`
//! at the value, or in the pseudo-file `--set`), and its uses say nothing
//! more (the checker drops their `E0714` by code and span, from the names of
//! the refused values); a param given nothing keeps `E0714` at each use.

use gov::catalog::Catalog;

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("embedded catalog")
}

/// A param used in a resource, in a condition and in a test.
const USES: &str = r#"param account: account_id
param bucket: arn

policy Reader {
    allow s3:GetObject on bucket when aws:ResourceAccount == account
}

test "reader" for Reader {
    s3:GetObject on "arn:aws:s3:::b/k" { aws:ResourceAccount = account } => allow
}
"#;

fn codes(c: &gov::Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.id).collect()
}

fn with_values(values: &[&str]) -> gov::Compilation {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gov");
    std::fs::write(&path, USES).unwrap();
    let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    gov::compile::compile_paths_with_values(&[path], &values, catalog()).unwrap()
}

#[test]
fn a_param_given_nothing_is_reported_at_each_use() {
    let c = with_values(&[]);
    assert_eq!(
        codes(&c),
        ["E0714", "E0714", "E0714"],
        "{:?}",
        c.diagnostics
    );
}

#[test]
fn a_refused_value_is_reported_once_where_it_is_given() {
    let c = with_values(&["account=12", "bucket=arn:aws:s3:::b/*"]);
    assert_eq!(codes(&c), ["E0715"], "{:?}", c.diagnostics);
    // the uses still fail: the policy is not built, its test not run
    assert!(c.document("Reader").is_none());
    assert!(c.program.tests.is_empty());
    let c = with_values(&["account=12", "bucket=not an arn"]);
    assert_eq!(codes(&c), ["E0715", "E0715"], "{:?}", c.diagnostics);
    // the other param, given nothing, is still reported at its use
    let c = with_values(&["account=12"]);
    assert_eq!(codes(&c), ["E0714", "E0715"], "{:?}", c.diagnostics);
    assert!(c.diagnostics[0].message.contains("`bucket`"));
}

#[test]
fn a_refused_set_at_the_root_is_reported_once() {
    let text = format!(
        "{USES}\norg Example {{\n    set account = \"12\"\n    set bucket = \"arn:aws:s3:::b/*\"\n}}\n"
    );
    let c = gov::compile_texts(&[("p.gov", &text)], catalog());
    assert_eq!(codes(&c), ["E0715"], "{:?}", c.diagnostics);
}

mod common_cli;
use common_cli::gov;

/// A project whose `gov.toml` gives `[params]`.
fn project(params: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/p.gov"), USES).unwrap();
    std::fs::write(
        dir.path().join("gov.toml"),
        format!("sources = [\"policies\"]\n\n[params]\n{params}"),
    )
    .unwrap();
    dir
}

#[test]
fn a_wrong_value_of_the_project_file_is_reported_at_its_place_there() {
    let dir = project("bucket = \"arn:aws:s3:::b/*\"\naccount = \"12\"\n");
    let out = gov(dir.path(), &["check"]);
    let text = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[E0715]"), "{text}");
    // line 5, column 11: the value `"12"` in gov.toml
    assert!(text.contains("gov.toml:5:11"), "{text}");
    assert!(!text.contains("--set"), "{text}");
    assert!(!text.contains("E0714"), "{text}");
}

#[test]
fn a_wrong_item_of_a_list_is_reported_at_the_item() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/p.gov"),
        "param accounts: [account_id]\n\nscp Only {\n    deny * unless aws:ResourceAccount in accounts\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("gov.toml"),
        "[params]\naccounts = [\"111122223333\", \"nope\"]\n",
    )
    .unwrap();
    let out = gov(dir.path(), &["check"]);
    let text = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[E0715]"), "{text}");
    assert!(text.contains("gov.toml:2:29"), "{text}");
}

#[test]
fn a_value_of_the_command_line_keeps_its_own_source() {
    let dir = project("bucket = \"arn:aws:s3:::b/*\"\n");
    let out = gov(dir.path(), &["check", "--set", "account=12"]);
    let text = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[E0715]"), "{text}");
    assert!(text.contains("--set:1:9"), "{text}");
}
