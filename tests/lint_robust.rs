#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The linter and the import never panic: damaged whitepaper fixtures and
//! arbitrary text give diagnostics whose spans lie inside the file, on
//! character boundaries, and render.

use gov::catalog::Catalog;
use gov::diag::{Diagnostic, render_human, render_json};
use gov::jsonlint::{PolicyKind, lint, lint_bytes};
use gov::source::SourceMap;
use proptest::prelude::*;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn fixtures() -> Vec<String> {
    (1..=16)
        .map(|i| std::fs::read_to_string(format!("tests/fixtures/lint/G{i:02}.json")).unwrap())
        .collect()
}

fn spans_are_sound(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        for span in std::iter::once(d.span).chain(d.secondary.iter().map(|l| l.span)) {
            assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{d:?}"
            );
        }
    }
    let mut sources = SourceMap::new();
    sources.add("policy.json", text.to_string());
    let _ = render_human(&sources, diags, false);
    let _ = render_json(&sources, diags);
}

const KINDS: [Option<PolicyKind>; 6] = [
    None,
    Some(PolicyKind::Identity),
    Some(PolicyKind::Scp),
    Some(PolicyKind::Rcp),
    Some(PolicyKind::ResourcePolicy),
    Some(PolicyKind::KeyPolicy),
];

/// Pieces that make JSON and policies go wrong in interesting ways.
const PIECES: [&str; 16] = [
    "",
    "]",
    "}",
    ",",
    "\"",
    "\n",
    "{",
    "[]",
    "null",
    "\"Null\"",
    "\u{e9}",
    "${",
    "*",
    ":",
    "\"ForAllValues:StringLike\"",
    "\"Condition\": {}",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 600,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn damaged_fixtures_lint_without_panic(
        which in 0usize..16,
        at in 0usize..4000,
        cut in 0usize..6,
        piece in 0usize..PIECES.len(),
        kind in 0usize..KINDS.len(),
    ) {
        let mut text = fixtures()[which].clone();
        let mut start = at.min(text.len());
        while !text.is_char_boundary(start) { start -= 1; }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        text.replace_range(start..end, PIECES[piece]);
        let diags = lint(0, &text, KINDS[kind], catalog());
        spans_are_sound(&text, &diags);
        let _ = gov::import::import(&text, "Damaged", KINDS[kind]);
    }

    #[test]
    fn arbitrary_text_lints_without_panic(text in "\\PC{0,200}", kind in 0usize..KINDS.len()) {
        let diags = lint(0, &text, KINDS[kind], catalog());
        spans_are_sound(&text, &diags);
        let _ = gov::import::import(&text, "Any", KINDS[kind]);
    }

    #[test]
    fn arbitrary_bytes_lint_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let diags = lint_bytes(0, &bytes, None, catalog());
        if let Ok(text) = std::str::from_utf8(&bytes) {
            spans_are_sound(text, &diags);
        } else {
            prop_assert_eq!(diags.len(), 1);
            prop_assert_eq!(diags[0].code, "E0603");
        }
    }

    #[test]
    fn url_encoded_spans_stay_in_the_file(which in 0usize..16, at in 0usize..4000) {
        let json = fixtures()[which].clone();
        let mut encoded: String = json
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        let mut cut = at.min(encoded.len());
        while !encoded.is_char_boundary(cut) { cut -= 1; }
        encoded.truncate(cut.max(3));
        let diags = lint(0, &encoded, None, catalog());
        spans_are_sound(&encoded, &diags);
    }
}
