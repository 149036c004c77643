#![no_main]
//! The JSON readers: the linter (`gov lint`, with its own position-keeping
//! parser) and the strict IAM reader (`PolicyDocument::from_json`). A first
//! byte below 5 names the policy kind (`gov_fuzz::kind_prefix`). Never a
//! panic; the linter's diagnostics are sound; a document the strict reader
//! accepts is, for the linter, JSON and a policy document; the canonical
//! printing of a document reads back as the same document (its conditions
//! merged per operator and key, each value once: IAM reads them as a set),
//! and prints again as the same text.

use gov::iam::PolicyDocument;
use libfuzzer_sys::fuzz_target;

/// Linter codes that say the text is not a readable policy document.
const UNREADABLE: [&str; 4] = ["E0601", "E0602", "E0603", "E0605"];

fuzz_target!(|data: &[u8]| {
    let (kind, bytes) = gov_fuzz::kind_prefix(data);
    let catalog = gov_fuzz::catalog();
    let from_bytes = gov::jsonlint::lint_bytes(0, bytes, kind, catalog);
    let Ok(text) = std::str::from_utf8(bytes) else {
        assert!(
            from_bytes.iter().any(|d| d.code == "E0603"),
            "{from_bytes:?}"
        );
        return;
    };
    gov_fuzz::sound_diagnostics_of("p.json", text, &from_bytes);
    let _ = gov::jsonlint::guess_kind(text);
    let Ok(decoded) = gov::jsonlint::decoded(0, text) else {
        return;
    };
    let Ok(doc) = PolicyDocument::from_json(&decoded) else {
        return;
    };
    let unreadable: Vec<_> = from_bytes
        .iter()
        .filter(|d| UNREADABLE.iter().any(|c| d.code == *c))
        .collect();
    assert!(
        unreadable.is_empty(),
        "the strict reader accepts what the linter cannot read: {unreadable:#?}"
    );
    for pretty in [false, true] {
        let json = doc.to_canonical_json(pretty);
        match PolicyDocument::from_json(&json) {
            Ok(back) => {
                assert_eq!(back, doc.with_merged_conditions(), "{json}");
                assert_eq!(back.to_canonical_json(pretty), json);
            }
            Err(e) => panic!("the canonical JSON does not read back: {e:?}\n{json}"),
        }
    }
});
