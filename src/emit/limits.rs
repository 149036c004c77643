//! The size limits of each policy kind, how AWS counts them, and the one
//! rendering of a document that both the written file and the count use.

use crate::iam::PolicyDocument;
use crate::policy::PolicyKind;

/// The exact text written for a document of this kind.
///
/// SCPs and RCPs: the canonical minified JSON with **no** final newline, so
/// the file holds exactly the characters AWS counts. Other kinds: the
/// canonical pretty JSON (two-space indentation) ending in one `\n`; for an
/// identity policy the newline is whitespace and is not counted, for resource
/// and key policies it is counted like every other byte.
pub fn render(kind: PolicyKind, doc: &PolicyDocument) -> String {
    if kind.pretty_printed() {
        let mut text = doc.to_canonical_json(true);
        text.push('\n');
        text
    } else {
        doc.to_canonical_json(false)
    }
}

/// The size of `text` by the rule of `kind`, to compare with `kind.limit().max`.
///
/// Counts bytes. [`render`] writes ASCII only (the canonical printer escapes
/// everything else), so bytes and characters are the same there; for other
/// text, bytes are the stricter reading (the 2023 Organizations page said
/// "bytes, not characters"). When the kind does not count whitespace, the
/// JSON whitespace (space, tab, line feed, carriage return) outside strings
/// is skipped; whitespace inside strings is counted.
pub fn size(kind: PolicyKind, text: &str) -> usize {
    if kind.limit().counts_whitespace {
        text.len()
    } else {
        non_whitespace_len(text)
    }
}

/// Bytes of `text` that are not JSON whitespace outside a JSON string.
fn non_whitespace_len(text: &str) -> usize {
    let mut count = 0;
    let mut in_string = false;
    let mut escaped = false;
    for byte in text.bytes() {
        if in_string {
            count += 1;
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            count += 1;
            if byte == b'"' {
                in_string = true;
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [PolicyKind; 5] = [
        PolicyKind::Scp,
        PolicyKind::Rcp,
        PolicyKind::Identity,
        PolicyKind::ResourcePolicy,
        PolicyKind::KeyPolicy,
    ];

    fn doc(text: &str) -> PolicyDocument {
        PolicyDocument::from_json(text).unwrap()
    }

    #[test]
    fn whitespace_outside_strings_is_free_for_identity_policies() {
        let text = "{\n  \"A\": [ \"x y\",\t\"z\\\" \" ]\r\n}\n";
        // Counted: {"A":["x y","z\" "]}
        assert_eq!(size(PolicyKind::Identity, text), 20);
        assert_eq!(size(PolicyKind::Scp, text), text.len());
    }

    #[test]
    fn identity_size_is_the_minified_length() {
        let d = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A b","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/t":["a b","c"]}}}]}"#,
        );
        let pretty = render(PolicyKind::Identity, &d);
        assert!(pretty.ends_with("}\n") && !pretty.ends_with("\n\n"));
        assert_eq!(
            size(PolicyKind::Identity, &pretty),
            d.to_canonical_json(false).len()
        );
    }

    #[test]
    fn counted_size_is_the_size_of_the_written_text() {
        let d = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*"}]}"#);
        for kind in [
            PolicyKind::Scp,
            PolicyKind::Rcp,
            PolicyKind::ResourcePolicy,
            PolicyKind::KeyPolicy,
        ] {
            let text = render(kind, &d);
            assert_eq!(size(kind, &text), text.len(), "{kind:?}");
        }
        let scp = render(PolicyKind::Scp, &d);
        assert!(!scp.contains('\n') && !scp.contains(' '));
        assert_eq!(
            scp,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*"}]}"#
        );
    }

    #[test]
    fn rendering_is_deterministic() {
        let text = r#"{"Statement":{"Effect":"Deny","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":false}}},"Version":"2012-10-17"}"#;
        for kind in KINDS {
            let a = render(kind, &doc(text));
            let b = render(kind, &doc(text));
            assert_eq!(a, b);
            // Reading the output back gives the same output again.
            assert_eq!(render(kind, &doc(&a)), a);
        }
    }
}
