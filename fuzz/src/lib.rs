//! What the fuzz targets of gov share: how an input is read (its text, the
//! policy kind a leading byte may name, several files in one input) and the
//! checks every target applies to the diagnostics it gets.
//!
//! A property that does not hold panics, with the input's part in the
//! message: libFuzzer then saves the input as a crash (fuzz/README.md).

pub mod pairs;

use gov::catalog::Catalog;
use gov::diag::{Diagnostic, render_human, render_json};
use gov::policy::PolicyKind;
use gov::source::SourceMap;

/// The embedded catalog; every target checks against it.
pub fn catalog() -> &'static Catalog {
    match Catalog::embedded() {
        Ok(c) => c,
        Err(e) => panic!("the embedded catalog does not load: {e}"),
    }
}

/// The kind a JSON input is read as. A first byte below 5 (never the start
/// of a JSON text) names one of [`PolicyKind::ALL`] and is taken off;
/// otherwise the kind is left to the reader's guess.
pub fn kind_prefix(data: &[u8]) -> (Option<PolicyKind>, &[u8]) {
    match data.split_first() {
        Some((&b, rest)) if usize::from(b) < PolicyKind::ALL.len() => {
            (PolicyKind::ALL.get(usize::from(b)).copied(), rest)
        }
        _ => (None, data),
    }
}

/// The names of the files of a multi-file input, in order.
pub const FILE_NAMES: [&str; 3] = ["a.gov", "b.gov", "c.gov"];

/// Up to three `.gov` files in one input, separated by NUL bytes (which no
/// source may hold): `a.gov`, `b.gov`, `c.gov`, so that `import "b.gov"`
/// in the first resolves to the second. Anything past the third NUL stays in
/// the third file.
pub fn split_files(text: &str) -> Vec<(&'static str, &str)> {
    text.splitn(FILE_NAMES.len(), '\0')
        .zip(FILE_NAMES)
        .map(|(t, n)| (n, t))
        .collect()
}

/// Every diagnostic points inside a file of `sources`, its spans ordered,
/// inside the text and on character boundaries; and the list renders, for
/// a terminal and as JSON.
pub fn sound_diagnostics(sources: &SourceMap, diags: &[Diagnostic]) {
    for d in diags {
        let primary = (d.file, d.span);
        let labels = d.secondary.iter().map(|l| (l.file, l.span));
        for (file, span) in std::iter::once(primary).chain(labels) {
            assert!(file < sources.len(), "file id out of range: {d:?}");
            let text = sources.text(file);
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "span outside the file: {d:?}"
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "span not on character boundaries: {d:?}"
            );
        }
        assert!(!d.message.is_empty(), "empty message: {d:?}");
    }
    let _ = render_human(sources, diags, false);
    let _ = render_json(sources, diags);
}

/// [`sound_diagnostics`] for diagnostics of one text, file id 0.
pub fn sound_diagnostics_of(name: &str, text: &str, diags: &[Diagnostic]) {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    sound_diagnostics(&sources, diags);
}
