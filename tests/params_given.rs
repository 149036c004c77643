#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Values given for params from outside the `.gov` files: a value of the
//! wrong type is reported once, where it is given (`E0715`), and its uses
//! say nothing more (`E0714` is decided where it is produced, from the
//! names of the refused values); a param given nothing keeps `E0714` at each
//! use.

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
