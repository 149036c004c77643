//! Lint existing IAM policy JSON with the checker's diagnostics.
//!
//! [`lint`] reads an identity policy, SCP, RCP, resource or key policy as
//! written (or as AWS returns it, URL-encoded) and reports, with spans into
//! the JSON file, what the checker reports for `.gov` sources — under the
//! same codes where the problem is the same — plus the traps only JSON can
//! set. It never panics: every problem is a diagnostic.
//!
//! Codes shared with the checker:
//!
//! | code | problem in the JSON |
//! |---|---|
//! | E0102 | malformed action (with a suggestion) |
//! | W0102, W0103, W0104 | unknown service, unknown action, a pattern matching no action (with a suggestion): AWS accepts them and they match nothing today; carried through as written |
//! | E0103 | unknown condition key (with a suggestion: `"sagemaker: VpcSubnets"` → `sagemaker:VpcSubnets`) |
//! | E0201 | operator family does not fit the key's type (String and ARN operators are interchangeable) |
//! | E0202–E0206 | malformed ARN, IP/CIDR, date, number, base64 value (resources: ARN) |
//! | E0207 | multivalued key without `ForAnyValue:`/`ForAllValues:` |
//! | E0208 | set qualifier on a single-valued key |
//! | E0209 | policy variable in an action, or with an operator that does not resolve it |
//! | E0210 | a `Bool` or `Null` value that is not `"true"`/`"false"`, a boolean for a number |
//! | E0212, E0214 | unknown key in a policy variable, malformed variable |
//! | E0213 | invalid principal |
//! | E0301 | condition key not supported by the statement's action, where the statement then never applies to it or a deny always does (W0211 where the test holds without the key and the other conditions decide; W0209: by only some of a pattern's actions, or `*`/`NotAction`) |
//! | E0302, E0303 | principal missing (resource and key policies; an RCP's is `"*"`) or not allowed (identity policy, SCP; in an RCP anything but `"*"`) |
//! | E0304 | `"Statement": []` |
//! | E0305, E0306 | `Allow` or `NotAction` in an RCP |
//! | E0320, E0321, E0322 | in a role trust policy: `Resource` or `NotResource`, an action other than the STS actions done to the role (or `NotAction`), the wildcard principal or `NotPrincipal` |
//! | E0308, E0309 | invalid Sid (not ASCII letters and digits), Sid used twice |
//! | W0101 | deprecated condition key, with its replacement |
//! | W0320 | in a role trust policy, an `sts:AssumeRole*` action that none of the statement's principals calls (a SAML provider with `sts:AssumeRole`, …) |
//! | W0201 | `ForAllValues:` in an `Allow` on a key the statement does not also require: grants requests without the key |
//! | W0202 | an `Allow` in an SCP (other than `Allow * on *`): restricts nothing while `FullAWSAccess` is attached |
//! | W0203 | identity-policy `Allow` of `*`, `svc:*` or `NotAction` |
//! | W0208 | `${aws:username}` in an SCP or RCP |
//! | W0213 | `aws:PrincipalArn` compared with an `sts` `assumed-role/` ARN, which it never is |
//! | W0212 | an IPv6 address without a prefix in `IpAddress`/`NotIpAddress`: AWS's default prefix, /32, is a network for IPv6 (import refuses it) |
//!
//! Codes of JSON only:
//!
//! | code | problem |
//! |---|---|
//! | E0601 | not JSON: a syntax error (trailing comma, missing bracket, line break in a string, …) |
//! | E0602 | duplicate key in an object (AWS rejects it; JSON readers keep only one), or a condition key given twice in one operator block with different case |
//! | E0603 | not UTF-8 ([`lint_bytes`]; also a URL-encoded document that decodes to invalid UTF-8) |
//! | E0604 | larger than 10 MB |
//! | E0501 | larger than AWS accepts for its kind ([`crate::policy::PolicyKind::limit`], counted as `gov build` counts) |
//! | E0605 | not a policy document: not an object, or no `Statement` |
//! | E0606 | invalid policy element: unknown element (with a suggestion), wrong JSON type, missing `Effect` or `Action`, invalid `Effect` or `Version`, both of `Action`/`NotAction` (…), empty `Action`/`Resource` |
//! | E0607 | unknown condition operator (with a suggestion), `NullIfExists` |
//! | W0601 | a `Deny` whose condition entries on two or more of the service's own keys (not global keys, which state exceptions) must all hold together: "this deny fires only when all N conditions hold; if you meant any of them, use one statement each" (the whitepaper's G03 `LockDownStudioDomain`) |
//! | W0602 | inverted guardrail: `Allow` with `ForAnyValue:`/`ForAllValues:` and a negated operator grants the values it seems to exclude (the whitepaper's G04) |
//! | W0603 | `Null` with a set qualifier: says what it really tests (never, always, absent, present) |
//! | W0604 | empty value list (`"key": []`): says what the condition then does |
//! | W0605 | a policy variable that is literal text because the policy lacks `"Version": "2012-10-17"` |
//!
//! The policy kind decides which element and trap rules apply; when it is
//! not given, [`guess_kind`] reads it from the content.

mod checks;
mod kind_elements;
pub(crate) mod model;
pub(crate) mod source;
mod traps;

use crate::diag::{Diagnostic, codes};
pub use crate::policy::PolicyKind;

use crate::catalog::Catalog;
use crate::json;
use crate::source::{FileId, Span};

pub(crate) use checks::qualified_null_truth;

/// The largest policy file linted, in bytes.
pub const MAX_LINT_BYTES: usize = 10 * 1024 * 1024;

/// At most this many diagnostics are reported per file (then a `W0002`).
pub const MAX_DIAGNOSTICS: usize = crate::check::MAX_DIAGNOSTICS_PER_FILE;

/// Lints one policy document. `file` is the id of `text` in the caller's
/// [`crate::source::SourceMap`]; every span points into `text` (for a
/// URL-encoded document, at its encoded bytes). `kind` `None`: guessed from
/// the content ([`guess_kind`]). Diagnostics come sorted by position.
pub fn lint(
    file: FileId,
    text: &str,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Vec<Diagnostic> {
    if text.len() > MAX_LINT_BYTES {
        return vec![too_large(file, text.len())];
    }
    let source = match source::Source::new(file, text) {
        Ok(s) => s,
        Err(d) => return d,
    };
    let analysis = analyze(file, &source.text, kind, catalog);
    let mut diags = analysis.diags;
    if analysis.doc.is_some() {
        diags.extend(over_limit(file, &source.text, analysis.kind));
    }
    source.remap(file, &mut diags);
    finish(file, text, diags)
}

/// E0501: a document larger than AWS accepts for its kind, counted by the
/// kind's rule (whitespace or not) as `gov build` counts what it writes.
fn over_limit(file: FileId, text: &str, kind: PolicyKind) -> Option<Diagnostic> {
    let limit = kind.limit();
    let size = crate::emit::size(kind, text);
    if size <= limit.max {
        return None;
    }
    let whitespace = if limit.counts_whitespace {
        "whitespace counted"
    } else {
        "whitespace outside strings not counted"
    };
    Some(
        Diagnostic::new(
            codes::E0501,
            file,
            Span::new(0, text.len().min(1)),
            format!("the policy is {size} of {} {}", limit.max, limit.what),
        )
        .with_label(format!("over the limit of {}", kind.described()))
        .with_help(format!(
            "AWS refuses it: {} {} over ({whitespace}); shorten it or spread its statements over several policies",
            size - limit.max,
            limit.what
        )),
    )
}

/// [`lint`] for raw bytes: text that is not UTF-8 is `E0603`, pointing at
/// the first invalid byte (the caller shows the text decoded lossily, which
/// keeps every offset up to that byte).
pub fn lint_bytes(
    file: FileId,
    bytes: &[u8],
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Vec<Diagnostic> {
    if bytes.len() > MAX_LINT_BYTES {
        return vec![too_large(file, bytes.len())];
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => lint(file, text, kind, catalog),
        Err(e) => {
            let at = e.valid_up_to();
            vec![
                Diagnostic::new(
                    codes::E0603,
                    file,
                    Span::new(at, at + 1),
                    "file is not valid UTF-8",
                )
                .with_label("invalid byte here")
                .with_help("policy documents are UTF-8 JSON; save the file as UTF-8"),
            ]
        }
    }
}

/// The JSON text of a policy document: `text` itself, or its decoding when
/// it is in AWS's URL-encoded form (as the IAM API returns documents).
pub fn decoded(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    source::Source::new(file, text).map(|s| s.text)
}

/// The kind a policy document reads as: a `Principal` or `NotPrincipal`
/// makes it a resource policy (a key policy when every action is `kms:`; a
/// role trust policy when every statement names a principal, none names a
/// resource, and every action is `sts:`); otherwise an identity policy. (SCPs and RCPs look like identity and
/// resource policies: name them.) `None` when the text is not a policy.
pub fn guess_kind(text: &str) -> Option<PolicyKind> {
    let source = source::Source::new(0, text).ok()?;
    let root = json::parse(&source.text).ok()?;
    let mut ignored = Vec::new();
    let doc = model::read(0, &root, &mut ignored)?;
    Some(guess_from(&doc))
}

fn guess_from(doc: &model::Doc) -> PolicyKind {
    let principal = doc.statements.iter().any(|s| s.principal.is_some());
    if !principal {
        return PolicyKind::Identity;
    }
    let all_of = |prefix: &str| {
        doc.statements.iter().all(|s| {
            s.actions.as_ref().is_some_and(|a| {
                !a.not
                    && a.items
                        .iter()
                        .all(|i| i.node.to_ascii_lowercase().starts_with(prefix))
            })
        })
    };
    let trust = doc
        .statements
        .iter()
        .all(|s| s.principal.is_some() && s.resources.is_none());
    if trust && all_of("sts:") {
        PolicyKind::TrustPolicy
    } else if all_of("kms:") {
        PolicyKind::KeyPolicy
    } else {
        PolicyKind::ResourcePolicy
    }
}

/// E0604 for a file of `bytes` bytes, over [`MAX_LINT_BYTES`]; a caller
/// that reads only a bounded prefix passes the file's real size.
pub fn too_large(file: FileId, bytes: usize) -> Diagnostic {
    Diagnostic::new(
        codes::E0604,
        file,
        Span::new(0, 0),
        format!("file is {bytes} bytes, over the limit of {MAX_LINT_BYTES} bytes"),
    )
    .with_help("IAM policies are at most a few kilobytes; is this a policy document?")
}

/// What reading and checking a document gave.
pub(crate) struct Analysis {
    pub doc: Option<model::Doc>,
    pub kind: PolicyKind,
    /// Spans into the (decoded) text analysed.
    pub diags: Vec<Diagnostic>,
    /// Entries of Allow statements that never grant their action (E0301).
    pub never_granted: Vec<checks::NeverGranted>,
}

/// Reads and checks the JSON `text` (already decoded).
pub(crate) fn analyze(
    file: FileId,
    text: &str,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Analysis {
    let mut diags = Vec::new();
    let root = match json::parse(text) {
        Ok(root) => root,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    codes::E0601,
                    file,
                    e.span,
                    format!("invalid JSON: {}", e.message),
                )
                .with_label("here"),
            );
            return Analysis {
                doc: None,
                kind: kind.unwrap_or(PolicyKind::Identity),
                diags,
                never_granted: Vec::new(),
            };
        }
    };
    duplicates(file, &root, &mut diags);
    let mut never_granted = Vec::new();
    let doc = model::read(file, &root, &mut diags);
    let kind = match (&doc, kind) {
        (_, Some(k)) => k,
        (Some(d), None) => guess_from(d),
        (None, None) => PolicyKind::Identity,
    };
    if let Some(d) = &doc {
        let variables = d
            .version
            .as_ref()
            .is_some_and(|v| v.node == crate::iam::VERSION_2012);
        let mut checker = checks::Checker {
            file,
            catalog,
            kind,
            variables,
            patterns: crate::rules::names::PatternCache::default(),
            diags: Vec::new(),
            never_granted: Vec::new(),
        };
        checker.document(d);
        diags.append(&mut checker.diags);
        never_granted = checker.never_granted;
    }
    Analysis {
        doc,
        kind,
        diags,
        never_granted,
    }
}

/// E0602: a key twice in one object; in a condition operator's block, also
/// the same key with different case.
fn duplicates(file: FileId, root: &json::Node, diags: &mut Vec<Diagnostic>) {
    for d in json::duplicate_keys(root) {
        diags.push(
            Diagnostic::new(
                codes::E0602,
                file,
                d.again,
                format!("duplicate key `{}`", d.key),
            )
            .with_label("given again here")
            .with_secondary(file, d.first, "first given here")
            .with_help("AWS rejects a policy that repeats a key in one object, and JSON readers keep only one of them: merge the two"),
        );
    }
    condition_keys_twice(file, root, diags);
}

/// E0602 for a condition key given twice in one operator block with
/// different case (IAM key names ignore case).
fn condition_keys_twice(file: FileId, node: &json::Node, diags: &mut Vec<Diagnostic>) {
    match &node.value {
        json::Value::Object(members) => {
            for m in members {
                if m.key == "Condition"
                    && let Some(ops) = m.value.members()
                {
                    for op in ops {
                        let Some(keys) = op.value.members() else {
                            continue;
                        };
                        for (i, k) in keys.iter().enumerate() {
                            let first = keys
                                .iter()
                                .take(i)
                                .find(|o| o.key != k.key && o.key.eq_ignore_ascii_case(&k.key));
                            if let Some(first) = first {
                                diags.push(
                                    Diagnostic::new(
                                        codes::E0602,
                                        file,
                                        k.key_span,
                                        format!(
                                            "condition key `{}` is given twice under `{}` (key names ignore case)",
                                            k.key, op.key
                                        ),
                                    )
                                    .with_label("the same key again")
                                    .with_secondary(file, first.key_span, "first given here")
                                    .with_help("merge the values into one entry"),
                                );
                            }
                        }
                    }
                }
                condition_keys_twice(file, &m.value, diags);
            }
        }
        json::Value::Array(items) => {
            for item in items {
                condition_keys_twice(file, item, diags);
            }
        }
        _ => {}
    }
}

/// Sorts, and caps the count per file keeping errors first.
fn finish(file: FileId, text: &str, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diag::sort(&mut diags);
    diags.dedup();
    if diags.len() > MAX_DIAGNOSTICS {
        diags.sort_by_key(|d| std::cmp::Reverse(d.severity));
        let dropped = diags.len() - MAX_DIAGNOSTICS;
        diags.truncate(MAX_DIAGNOSTICS);
        crate::diag::sort(&mut diags);
        let end = text.len();
        diags.push(
            Diagnostic::new(
                codes::W0002,
                file,
                Span::new(end, end),
                format!("{dropped} more diagnostics in this file were not shown"),
            )
            .with_help("fix the ones above and lint again"),
        );
    }
    diags
}
