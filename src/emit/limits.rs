//! The size limits of each policy kind, how AWS counts them, and the one
//! rendering of a document that both the written file and the count use.

use crate::iam::PolicyDocument;
use crate::ir::PolicyKind;

/// The size limit of one policy kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The largest size AWS accepts, counted as [`size`] counts.
    pub max: usize,
    /// Whether whitespace counts. When it does not, whitespace outside JSON
    /// strings is skipped and whitespace inside strings is still counted.
    pub counts_whitespace: bool,
    /// The unit of `max`, as said in messages: `characters` or `bytes`.
    pub what: &'static str,
}

/// The size limit of a policy kind. This is the only table of limits: every
/// check and every message reads it.
///
/// Sources are cited by the keys of `design/iam-rules.md`.
pub fn limit(kind: PolicyKind) -> Limit {
    match kind {
        // AWS Organizations quotas (ORGLIM) and the SCP syntax page (SCPSYN):
        // 10,240 characters since 15 May 2026 (was 5,120), and "all characters
        // in your SCP count against its maximum size", whitespace included.
        // design/iam-rules.md, update note at the top and section 2.2.
        PolicyKind::Scp => Limit {
            max: 10_240,
            counts_whitespace: true,
            what: "characters",
        },
        // RCP syntax page (RCPSYN) and ORGLIM: 5,120 characters, all characters
        // count, whitespace included. design/iam-rules.md section 2.4.
        PolicyKind::Rcp => Limit {
            max: 5_120,
            counts_whitespace: true,
            what: "characters",
        },
        // IAM quotas (QUOT, KBSIZE): a customer managed policy holds 6,144
        // characters and "IAM does not count white space". We count whitespace
        // inside strings anyway, as section 3 advises not to rely on it being
        // free. design/iam-rules.md section 3.
        PolicyKind::Identity => Limit {
            max: 6_144,
            counts_whitespace: false,
            what: "characters",
        },
        // There is no one AWS limit: each service sets its own, and
        // design/iam-rules.md names only the Access Analyzer warning "Policy
        // size exceeds resource policy quota" (section 5), no number. We use
        // the S3 bucket policy quota, the common reference: "Bucket policies
        // are limited to 20 KB in size" (Amazon S3 User Guide,
        // using-iam-policies.html), read as 20,480 bytes (AWS writes 32 KB for
        // 32,768 bytes of a key policy), whitespace counted since the page
        // does not say it is free. Some resource policies allow less (a role
        // trust policy: 2,048 by default, design/iam-rules.md section 3).
        PolicyKind::ResourcePolicy => Limit {
            max: 20_480,
            counts_whitespace: true,
            what: "bytes",
        },
        // KMS quotas: "Key policy document size: 32 KB (32,768 bytes)" (AWS KMS
        // Developer Guide, resource-limits.html; PutKeyPolicy API reference:
        // "The key policy size quota is 32 kilobytes (32768 bytes)").
        PolicyKind::KeyPolicy => Limit {
            max: 32_768,
            counts_whitespace: true,
            what: "bytes",
        },
    }
}

/// Whether documents of this kind are written pretty-printed (two-space
/// indentation, final newline) rather than minified. SCPs and RCPs are
/// minified: AWS counts every character of them, and the CLI and API upload a
/// file as it is.
pub fn pretty(kind: PolicyKind) -> bool {
    !matches!(kind, PolicyKind::Scp | PolicyKind::Rcp)
}

/// The exact text written for a document of this kind.
///
/// SCPs and RCPs: the canonical minified JSON with **no** final newline, so
/// the file holds exactly the characters AWS counts. Other kinds: the
/// canonical pretty JSON (two-space indentation) ending in one `\n`; for an
/// identity policy the newline is whitespace and is not counted, for resource
/// and key policies it is counted like every other byte.
pub fn render(kind: PolicyKind, doc: &PolicyDocument) -> String {
    if pretty(kind) {
        let mut text = doc.to_canonical_json(true);
        text.push('\n');
        text
    } else {
        doc.to_canonical_json(false)
    }
}

/// The size of `text` by the rule of `kind`, to compare with `limit(kind).max`.
///
/// Counts bytes. [`render`] writes ASCII only (the canonical printer escapes
/// everything else), so bytes and characters are the same there; for other
/// text, bytes are the stricter reading (the 2023 Organizations page said
/// "bytes, not characters"). When the kind does not count whitespace, the
/// JSON whitespace (space, tab, line feed, carriage return) outside strings
/// is skipped; whitespace inside strings is counted.
pub fn size(kind: PolicyKind, text: &str) -> usize {
    if limit(kind).counts_whitespace {
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
    fn the_table() {
        assert_eq!(limit(PolicyKind::Scp).max, 10_240);
        assert!(limit(PolicyKind::Scp).counts_whitespace);
        assert_eq!(limit(PolicyKind::Rcp).max, 5_120);
        assert!(limit(PolicyKind::Rcp).counts_whitespace);
        assert_eq!(limit(PolicyKind::Identity).max, 6_144);
        assert!(!limit(PolicyKind::Identity).counts_whitespace);
        assert_eq!(limit(PolicyKind::ResourcePolicy).max, 20_480);
        assert_eq!(limit(PolicyKind::KeyPolicy).max, 32_768);
        assert_eq!(limit(PolicyKind::KeyPolicy).what, "bytes");
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
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A b","Effect":"Deny","Action":["s3:*"],"Resource":["*"],"Condition":{"StringEquals":{"aws:PrincipalTag/t":["a b","c"]}}}]}"#,
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
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"]}]}"#
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
