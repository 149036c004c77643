//! The formatter on a generated 1,000-rule file (`benches/support/fmt_corpus.rs`,
//! careless layout, comments of every kind): the file parses cleanly, and
//! formatting it is idempotent. Its speed is measured by `cargo bench --bench fmt`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/fmt_corpus.rs"]
mod fmt_corpus;

#[test]
fn a_thousand_rules_format_to_a_fixed_point() {
    let text = fmt_corpus::corpus(1_000);
    let (_, diags) = gov::syntax::parse(0, &text);
    assert!(diags.is_empty(), "{diags:?}");
    let formatted = gov::format::format_source(0, &text).unwrap();
    assert_ne!(formatted, text);
    // Both layouts, read directly, give pest's trees, spans included.
    gov::syntax::cross_check(&text).unwrap();
    gov::syntax::cross_check(&formatted).unwrap();
    assert_eq!(
        gov::format::format_source(0, &formatted).unwrap(),
        formatted
    );
}
