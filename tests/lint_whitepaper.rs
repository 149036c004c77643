#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Lints the whitepaper's policy JSON (tests/fixtures/lint/G01…G16: the
//! literal text, repaired only where it did not parse) and pins the findings,
//! rendered as a user sees them, one snapshot per fixture.

use gov::catalog::Catalog;
use gov::diag::render_human;
use gov::jsonlint::{PolicyKind, lint};
use gov::source::SourceMap;

/// Fixture, the kind the whitepaper attaches it as, the codes it must raise.
const FIXTURES: &[(&str, PolicyKind, &[&str])] = &[
    ("G01", PolicyKind::Identity, &[]),
    ("G02", PolicyKind::Scp, &[]),
    ("G03", PolicyKind::Scp, &["E0103", "W0601"]),
    ("G04", PolicyKind::Identity, &["E0202", "W0201", "W0602"]),
    ("G05", PolicyKind::Identity, &["E0208"]),
    ("G06", PolicyKind::Identity, &[]),
    ("G07", PolicyKind::Identity, &[]),
    ("G08", PolicyKind::Identity, &[]),
    ("G09", PolicyKind::Identity, &[]),
    ("G10", PolicyKind::Identity, &["W0101"]),
    ("G11", PolicyKind::Identity, &["W0101"]),
    ("G12", PolicyKind::Identity, &["W0101"]),
    ("G13", PolicyKind::Identity, &["W0101"]),
    ("G14", PolicyKind::Identity, &[]),
    ("G15", PolicyKind::KeyPolicy, &["E0202", "E0213", "E0301"]),
    ("G16", PolicyKind::Identity, &["E0301"]),
];

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn lint_fixture(name: &str, kind: Option<PolicyKind>) -> (String, Vec<&'static str>) {
    let path = format!("tests/fixtures/lint/{name}.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut sources = SourceMap::new();
    let file = sources.add(path, text.clone());
    let diags = lint(file, &text, kind, catalog());
    let codes = diags.iter().map(|d| d.code.id).collect();
    (render_human(&sources, &diags, false), codes)
}

#[test]
fn whitepaper_fixtures_render_as_pinned() {
    for (name, kind, _) in FIXTURES {
        let (rendered, _) = lint_fixture(name, Some(*kind));
        insta::assert_snapshot!(format!("lint_{name}"), rendered);
    }
}

#[test]
fn whitepaper_fixtures_raise_the_expected_codes() {
    for (name, kind, expected) in FIXTURES {
        let (_, mut codes) = lint_fixture(name, Some(*kind));
        codes.sort();
        codes.dedup();
        assert_eq!(codes, *expected, "{name}");
    }
}

#[test]
fn guessed_kinds_agree_except_for_scps() {
    // Without a kind, G02 and G03 read as identity policies: the same
    // findings, no SCP-only ones involved.
    for (name, _, expected) in FIXTURES {
        let (_, mut codes) = lint_fixture(name, None);
        codes.sort();
        codes.dedup();
        assert_eq!(codes, *expected, "{name}");
    }
}
