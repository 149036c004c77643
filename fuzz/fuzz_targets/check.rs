#![no_main]
//! The checker (load → check → lower, the one compile entry): up to three
//! files in one input (`gov_fuzz::split_files`, so imports resolve among
//! them), never a panic; the diagnostics are sound; the same sources give
//! the same diagnostics and documents twice; a program without errors runs
//! its `test` blocks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = gov_fuzz::split_files(text);
    let catalog = gov_fuzz::catalog();
    let compilation = gov::compile_texts(&files, catalog);
    gov_fuzz::sound_diagnostics(&compilation.loaded.sources, &compilation.diagnostics);
    let again = gov::compile_texts(&files, catalog);
    assert_eq!(
        compilation.diagnostics, again.diagnostics,
        "two compilations of the same sources disagree"
    );
    assert_eq!(compilation.documents, again.documents);
    if !compilation.has_errors() {
        let report = compilation.run_tests();
        let _ = report.summary();
    }
});
