#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every bundled `.gov` file checks without errors.

use gov::catalog::Catalog;
use std::path::PathBuf;

#[test]
fn bundled_policies_check_clean() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let c = gov::compile_paths(&[PathBuf::from("policies")], catalog).expect("policies/ loads");
    let errors: Vec<_> = c.errors().cloned().collect();
    assert!(
        errors.is_empty(),
        "{}",
        gov::diag::render_human(&c.loaded.sources, &errors, false)
    );
    assert!(c.loaded.files.len() >= 2);
    assert!(c.program.policies.len() >= 5);
    assert_eq!(c.documents.len(), c.program.policies.len());
}

#[test]
fn bundled_policies_pass_their_tests() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let c = gov::compile_paths(&[PathBuf::from("policies")], catalog).expect("policies/ loads");
    assert!(
        !c.has_errors(),
        "{}",
        gov::diag::render_human(&c.loaded.sources, &c.diagnostics, false)
    );
    let report = c.run_tests();
    assert!(
        report.failures.is_empty(),
        "{}",
        report.render(&c.loaded.sources)
    );
    assert!(report.passed >= 20, "{}", report.summary());
}
