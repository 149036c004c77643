#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every bundled `.gov` file checks without errors.

use gov::catalog::Catalog;
use std::path::PathBuf;

#[test]
fn bundled_policies_check_clean() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let (loaded, checked) =
        gov::check_paths(&[PathBuf::from("policies")], catalog).expect("policies/ loads");
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    assert!(
        errors.is_empty(),
        "{}",
        gov::diag::render_human(&loaded.sources, &errors, false)
    );
    assert!(loaded.files.len() >= 2);
    assert!(checked.program.policies.len() >= 5);
}

#[test]
fn bundled_policies_pass_their_tests() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let (loaded, checked) =
        gov::check_paths(&[PathBuf::from("policies")], catalog).expect("policies/ loads");
    let (compiled, errors) = gov::testing::compile(&checked.program);
    assert!(
        errors.is_empty(),
        "{}",
        gov::diag::render_human(&loaded.sources, &errors, false)
    );
    let report = gov::testing::run(&checked.program, &compiled);
    assert!(
        report.failures.is_empty(),
        "{}",
        report.render(&loaded.sources)
    );
    assert!(report.passed >= 20, "{}", report.summary());
}
