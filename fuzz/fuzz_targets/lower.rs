#![no_main]
//! The lowering: every document a compilation lowers to reads back, through
//! the strict IAM reader, as the same document (canonical JSON, pretty and
//! minified, and the text a build writes); when the compilation has no
//! error, the JSON linter finds no error in what gov emits, and the build
//! renders (split over parts where a policy is over its limit).

use gov::iam::PolicyDocument;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = gov_fuzz::split_files(text);
    let catalog = gov_fuzz::catalog();
    let compilation = gov::compile_texts(&files, catalog);
    let clean = !compilation.has_errors();
    for (policy, doc) in &compilation.documents {
        let written = gov::emit::render(policy.kind, doc);
        let texts = [
            doc.to_canonical_json(false),
            doc.to_canonical_json(true),
            written.clone(),
        ];
        for json in &texts {
            match PolicyDocument::from_json(json) {
                Ok(back) => assert_eq!(&back, doc, "{json}"),
                Err(e) => panic!("the emitted JSON does not read back: {e:?}\n{json}"),
            }
        }
        if clean {
            let diags = gov::jsonlint::lint(0, &written, Some(policy.kind), catalog);
            let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
            assert!(
                errors.is_empty(),
                "the linter finds errors in what gov emits for `{}`: {errors:#?}\n{written}",
                policy.name
            );
        }
    }
    if clean {
        let options = gov::emit::Options {
            split: true,
            ..Default::default()
        };
        // Renders every file in memory; nothing exists there to compare.
        let out = std::path::Path::new("/nonexistent/gov-fuzz-out");
        let _ = compilation.check_build(out, &options);
    }
});
