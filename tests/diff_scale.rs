#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What `gov::diff` finds on the shapes that once made it slow
//! (`benches/support/diff_shapes.rs`): many rules on one action, long value
//! lists, many keys in one `or` and in one `and`. Each small change is
//! found in both directions, exhaustively, and every witness changes as
//! stated when evaluated. Their speed is measured by `cargo bench --bench
//! diff`.

// only its `compile` is used here
#[allow(dead_code)]
#[path = "../benches/support/diff_corpus.rs"]
mod diff_corpus;
#[path = "../benches/support/diff_shapes.rs"]
mod diff_shapes;

use gov::catalog::Catalog;
use gov::diff::{self, Side};
use gov::eval::{Decision, Request};

fn check(shape: &str, scale: usize) {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let (old_src, new_src) = diff_shapes::shape(shape, scale);
    let old = diff_corpus::compile(&[old_src]);
    let new = diff_corpus::compile(&[new_src]);
    let report = diff::diff(&Side::new(&old), &Side::new(&new), catalog);
    assert_eq!(report.changes.len(), 1, "{shape}");
    let change = &report.changes[0];
    assert!(change.exhaustive, "{shape}: {:?}", change.notes);
    // one value changed: some request loses and some gains CreateApp
    for list in [&change.widens, &change.narrows] {
        assert_eq!(list.len(), 1, "{shape}\n{}", diff::render_human(&report));
        assert_eq!(list[0].action, "sagemaker:CreateApp");
    }
    let (kind, old_doc, new_doc) = (old[0].0.kind, &old[0].1, &new[0].1);
    for (list, widening) in [(&change.widens, true), (&change.narrows, false)] {
        let w = &list[0].witness;
        let mut r = Request::new(w.action.clone());
        r.resource = w.resource.clone();
        for (k, v) in &w.context {
            r.set_key(k, v.iter().cloned());
        }
        let before = gov::testing::decide(kind, old_doc, &r).decision;
        let after = gov::testing::decide(kind, new_doc, &r).decision;
        assert_eq!((before, after), (w.old_decision, w.new_decision));
        assert_eq!(after == Decision::Allow, widening, "{shape}");
        assert!(w.realistic, "{shape}");
    }
}

#[test]
fn a_thousand_rules_on_one_action() {
    check("rules", 10);
}

#[test]
fn lists_of_a_thousand_values() {
    check("lists", 10);
}

#[test]
fn three_hundred_twenty_keys_in_ors() {
    check("keys", 10);
}

#[test]
fn three_hundred_twenty_keys_in_one_and() {
    check("and", 10);
}
