//! What `gov::diff` finds between two versions of a generated 1,000-rule
//! corpus (`benches/support/diff_corpus.rs`): every kind of change, widenings
//! and narrowings both, exhaustively, and the same report every time. Its
//! speed is measured by `cargo bench --bench diff`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/diff_corpus.rs"]
mod diff_corpus;

use gov::catalog::Catalog;
use gov::diff::{self, Side};

const POLICIES: usize = 100;

#[test]
fn a_thousand_rules_diff_exhaustively_and_deterministically() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let old = diff_corpus::compile(&diff_corpus::corpus(POLICIES, 0));
    let new = diff_corpus::compile(&diff_corpus::corpus(POLICIES, 1));
    let rules: usize = old.iter().map(|(p, _)| p.rules.len()).sum();
    assert_eq!(rules, POLICIES * diff_corpus::RULES_PER_POLICY);
    let report = diff::diff(&Side::new(&old), &Side::new(&new), catalog);
    assert!(report.exhaustive());
    // Version 1 changes 20 policies, renames one, drops one and adds one.
    assert!(report.changes.len() >= 12, "{}", report.changes.len());
    assert!(diff::has_widening(&report) && diff::has_narrowing(&report));
    let again = diff::diff(&Side::new(&old), &Side::new(&new), catalog);
    assert_eq!(again, report);
}

/// Both versions of the corpus, read directly, give pest's trees, spans
/// included.
#[test]
fn the_corpus_reads_as_pest_reads_it() {
    for v in 0..2 {
        for file in diff_corpus::corpus(POLICIES, v) {
            gov::syntax::cross_check(&file).unwrap();
        }
    }
}
