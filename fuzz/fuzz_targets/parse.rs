#![no_main]
//! The parser: any text gives a tree and diagnostics, never a panic; the
//! diagnostics are sound (inside the text, on character boundaries, they
//! render); the tree is broken exactly when there is a syntax error; the
//! direct reader of policies agrees with pest, spans included
//! (`syntax::cross_check`); and `syntax::quote` is the inverse of the
//! parser's string escapes.

use gov::syntax::ast::{Item, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tree, diags) = gov::syntax::parse(0, text);
    gov_fuzz::sound_diagnostics_of("a.gov", text, &diags);
    if let Err(disagreement) = gov::syntax::cross_check(text) {
        panic!("{disagreement}");
    }
    let has_error = diags.iter().any(|d| d.is_error());
    assert_eq!(
        tree.broken, has_error,
        "a tree is broken exactly when there is a syntax error: {diags:?}"
    );

    // Any text, quoted, is a string literal that reads back as that text.
    let source = format!("const x = [{}]\n", gov::syntax::quote(text));
    let (quoted, diags) = gov::syntax::parse(0, &source);
    if text.len() + 64 < gov::syntax::MAX_SOURCE_BYTES {
        assert!(
            diags.is_empty(),
            "a quoted string does not parse: {source:?}: {diags:?}"
        );
        match quoted.items.as_slice() {
            [Item::Const(c)] => match c.values.node.as_slice() {
                [v] => assert_eq!(v.node, Value::Str(text.to_string()), "{source:?}"),
                other => panic!("one value expected in {source:?}, got {other:?}"),
            },
            other => panic!("one const expected in {source:?}, got {other:?}"),
        }
    }
});
