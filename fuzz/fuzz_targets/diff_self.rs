#![no_main]
//! The diff, a side against itself: the input read as `.gov` sources (up to
//! three files, `gov_fuzz::split_files`) and as policy JSON (a first byte
//! below 5 names the kind, `gov_fuzz::kind_prefix`); whatever compiles or
//! reads is compared with itself and must show no change. Never a panic.

use gov::diff::{self, Side};
use gov::source::SourceMap;
use libfuzzer_sys::fuzz_target;

fn assert_no_change(side: &Side<'_>) {
    let report = diff::diff(side, side, gov_fuzz::catalog());
    assert!(
        report.changes.is_empty(),
        "a side differs from itself:\n{}",
        diff::render_human(&report)
    );
}

fuzz_target!(|data: &[u8]| {
    let (kind, bytes) = gov_fuzz::kind_prefix(data);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let catalog = gov_fuzz::catalog();
    let compilation = gov::compile_texts(&gov_fuzz::split_files(text), catalog);
    if !compilation.documents.is_empty() {
        assert_no_change(&Side::new(&compilation.documents));
    }
    let mut sources = SourceMap::new();
    let files = [("P".to_string(), "p.json".to_string(), text.to_string())];
    match diff::json_side(&files, kind, &mut sources, catalog) {
        Ok(docs) => assert_no_change(&Side::new(&docs)),
        Err(diags) => gov_fuzz::sound_diagnostics(&sources, &diags),
    }
});
