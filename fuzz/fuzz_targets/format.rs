#![no_main]
//! The formatter: never a panic; a source that parses is formatted (never
//! refused as `NotPreserved`); formatting the output again gives the same
//! text (idempotence); the output parses to an equal tree, and compiles to
//! the same documents and the same diagnostics (meaning).

use gov::format::{FormatError, format_source};
use libfuzzer_sys::fuzz_target;

/// What a compilation of one file says, positions aside.
fn meaning(text: &str) -> (Vec<(String, String)>, Vec<gov::iam::PolicyDocument>) {
    let c = gov::compile_texts(&[("a.gov", text)], gov_fuzz::catalog());
    let said = c
        .diagnostics
        .iter()
        .map(|d| (d.code.id.to_string(), d.message.clone()))
        .collect();
    (said, c.documents.into_iter().map(|(_, d)| d).collect())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tree, diags) = gov::syntax::parse(0, text);
    let parses = !tree.broken && !diags.iter().any(|d| d.is_error());
    match format_source(0, text) {
        Ok(out) => {
            assert!(parses, "formatted a source that does not parse");
            match format_source(0, &out) {
                Ok(again) => assert_eq!(again, out, "not idempotent"),
                Err(e) => panic!("the formatted text is refused: {e}\n{out}"),
            }
            let (again, diags) = gov::syntax::parse(0, &out);
            assert!(diags.is_empty(), "{diags:?}\n{out}");
            assert_eq!(again, tree, "another tree after formatting:\n{out}");
            assert_eq!(meaning(text), meaning(&out), "another meaning:\n{out}");
        }
        Err(FormatError::Syntax(_)) => assert!(!parses, "a source that parses is a syntax error"),
        Err(FormatError::NotPreserved { reason }) => {
            panic!("a source that parses is refused: {reason}")
        }
    }
});
