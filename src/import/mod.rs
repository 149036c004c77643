//! Import: IAM policy JSON → readable `.gov` source with the same meaning.
//!
//! [`import`] reads an identity policy, SCP, RCP, resource or key policy
//! (also AWS's URL-encoded form, which starts with `%7B`) and writes one
//! policy block: each statement a rule, its `Sid` kept as `@sid("…")`, each
//! condition entry the `.gov` comparison that lowers to exactly that entry
//! (the inverse of the table in `crate::lower::literal`):
//!
//! | JSON entry | `.gov` |
//! |---|---|
//! | `StringEquals` / `StringNotEquals` | `K == v`, `K in [..]` / `K != v`, `K not in [..]` |
//! | `StringLike` / `StringNotLike` (`Arn…` alike) | `K like …` / `K not like …` |
//! | `IpAddress` / `NotIpAddress` | `K in [cidrs]` / `K not in [cidrs]` |
//! | `NumericLessThan` (…) | `K < v` (…) |
//! | `NumericGreaterThanEqualsIfExists` (…) | `not (K < v)` (…) |
//! | `Bool` / `BoolIfExists false` | `K == true` / `K != true` |
//! | `Null true` / `Null false` | `K absent` / `K present` |
//! | `ForAnyValue:StringEquals` / `ForAllValues:StringNotLike` (…) | `K any in [..]` / `K all not like [..]` (…) |
//! | `StringEqualsIfExists` (positive operators) | `K absent or K in [..]` |
//! | `StringEqualsIgnoreCase` / `StringNotEqualsIgnoreCase` | `K in [..] ignoring case` / `K not in [..] ignoring case` |
//! | a string operator on an ARN key, an ARN operator on a string key | the comparison with `as string` / `as arn`: the family never changes |
//! | `StringLike` / `ArnLike` with `*` (single-valued key) | `K present` (`…NotLike`: `K absent`) |
//!
//! A qualifier on a single-valued key, or none on a multivalued one, is
//! written as the comparison with the same meaning (`ForAnyValue:StringEquals`
//! on `aws:SourceVpce` → `aws:SourceVpce in [..]`). Deny statements that
//! differ only in their condition, each condition a conjunction of negated
//! tests, fold back into one `deny … unless L1 and L2 …`; a single deny's
//! negated tests read `unless L1 or L2`. Value lists longer than four, or
//! used twice, become `const`s.
//!
//! What gov cannot say exactly is an error (`E0608`), never an
//! approximation: `NotPrincipal`, an ordering operator with several values, `ForAllValues:Bool` with both
//! booleans, a statement that never applies, a key gov cannot spell, a
//! literal `${` in an ARN (a policy without `"Version": "2012-10-17"`), and
//! anything the checker or the lowering refuses in the result (the error
//! then points at the statement). Entries that always hold are left out,
//! with a comment. A single-valued key is taken to carry one value.
//!
//! The problems [`crate::jsonlint::lint`] reports as errors stop the import
//! too, except the set-qualifier mistakes (E0207, E0208), which the import
//! writes as what they mean, and bad or repeated Sids (E0308, E0309), which
//! it leaves out with a comment.
//!
//! The import proves itself before returning: the original document and
//! the one the `.gov` text compiles to are compared with the exact diff
//! engine ([`crate::diff::diff`]) in both directions; any request they decide
//! differently refuses the import (`E0609`), naming that request. When the
//! comparison had to sample (very large policies), the text says so in a
//! comment. The text is laid out by the formatter (`gov fmt`'s one layout;
//! `E0008` if it could not be).

mod convert;
mod render;

use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, codes};
use crate::jsonlint::source::Source;
use crate::policy::PolicyKind;
use crate::source::{FileId, Span};

use convert::{Converter, RuleOut};
use render::Renderer;
use std::collections::{HashMap, HashSet};

/// Lint errors the import writes correctly instead of stopping.
const REPAIRED: [Code; 4] = [codes::E0207, codes::E0208, codes::E0308, codes::E0309];

/// Imports one policy document as `.gov` source declaring one policy
/// `name` (made into an identifier if needed). `kind` `None`: guessed as
/// [`crate::jsonlint::guess_kind`] does. Diagnostics point into `text` as
/// file 0 (add `text` first to a fresh [`crate::source::SourceMap`]); use
/// [`import_with`] for another file id or catalog.
pub fn import(text: &str, name: &str, kind: Option<PolicyKind>) -> Result<String, Vec<Diagnostic>> {
    match Catalog::embedded() {
        Ok(catalog) => import_with(0, text, name, kind, catalog),
        Err(e) => Err(vec![
            Diagnostic::new(
                codes::E0904,
                0,
                Span::new(0, 0),
                format!("the embedded catalog cannot be loaded: {e}"),
            )
            .with_help("rebuild gov, or pass a catalog to `import_with`"),
        ]),
    }
}

/// [`import`] with the file id of `text` and the catalog to check against.
pub fn import_with(
    file: FileId,
    text: &str,
    name: &str,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Result<String, Vec<Diagnostic>> {
    if text.len() > crate::jsonlint::MAX_LINT_BYTES {
        return Err(crate::jsonlint::lint(file, text, kind, catalog));
    }
    let source = Source::new(file, text)?;
    let analysis = crate::jsonlint::analyze(file, &source.text, kind, catalog);
    // An Allow entry whose action lacks a key the condition needs is never
    // granted by its statement: import leaves it out (exact, and at worst
    // narrower should the catalog miss the key). A Deny that never applies
    // is refused: leaving it out would widen on such a miss.
    let never_granted = analysis.never_granted;
    let left_out: HashSet<(Span, &str)> = never_granted
        .iter()
        .map(|n| (n.key, n.message.as_str()))
        .collect();
    let mut errors: Vec<Diagnostic> = analysis
        .diags
        .into_iter()
        .filter(|d| d.is_error() && !REPAIRED.contains(&d.code))
        .filter(|d| !(d.code == codes::E0301 && left_out.contains(&(d.span, d.message.as_str()))))
        .collect();
    let Some(doc) = analysis.doc else {
        return Err(finish(&source, file, errors));
    };
    if !errors.is_empty() {
        return Err(finish(&source, file, errors));
    }
    let kind = analysis.kind;
    let variables = doc
        .version
        .as_ref()
        .is_some_and(|v| v.node == crate::iam::VERSION_2012);
    let mut converter = Converter {
        file,
        catalog,
        kind,
        variables,
        diags: Vec::new(),
        notes: Vec::new(),
        never_granted: HashMap::new(),
    };
    for n in &never_granted {
        // The first reason found for an entry is the one said.
        converter
            .never_granted
            .entry(n.action)
            .or_insert_with(|| n.message.clone());
    }
    let rules = converter.statements(&doc);
    errors.append(&mut converter.diags);
    if !errors.is_empty() {
        return Err(finish(&source, file, errors));
    }
    let rules = convert::fold(rules);
    let mut notes = converter.notes;
    notes.dedup();
    if !variables && source.text.contains("${") {
        notes.push(
            "the original has no `\"Version\": \"2012-10-17\"`, so its `${…}` are literal text: they are written `${$}{…}`"
                .to_string(),
        );
    }
    if let Some(id) = &doc.id {
        notes.push(format!(
            "the original `Id` {:?} has no gov form and is left out",
            id.node
        ));
    }
    let (text_out, ranges) =
        render_policy(&rules, name, kind, catalog, &notes, source.is_decoded());
    // What the JSON was read into is not needed past the text: dropped before
    // the proof compiles that text and reads the JSON again, so the two do
    // not add up (a policy of 10,000 statements peaked at 77 MB of heap).
    drop(rules);
    drop(doc);
    let rebuilt =
        verify(file, &text_out, &ranges, catalog).map_err(|e| finish(&source, file, e))?;
    let original = crate::iam::PolicyDocument::from_json(&source.text).map_err(|e| {
        vec![Diagnostic::new(
            codes::E0606,
            file,
            Span::new(0, 0),
            format!("the document cannot be read: {}", e.message),
        )]
    })?;
    let exhaustive = prove(file, &original, &rebuilt, catalog)?;
    let mut text_out = text_out;
    // Said in the file itself, so that a reviewer sees it.
    let mut said = Vec::new();
    if !exhaustive {
        said.push(
            "// Note: the comparison with the original was sampled, not exhaustive (see `gov diff`).\n"
                .to_string(),
        );
    }
    let limit = kind.limit();
    let size = crate::emit::size(kind, &crate::emit::render(kind, &rebuilt.1));
    if size > limit.max {
        // AWS's own managed policies may be larger than a customer's may be.
        let alone = |s: &crate::iam::Statement| {
            let one = crate::iam::PolicyDocument {
                version: rebuilt.1.version.clone(),
                id: rebuilt.1.id.clone(),
                statements: vec![s.clone()],
            };
            crate::emit::size(kind, &crate::emit::render(kind, &one))
        };
        let largest = rebuilt.1.statements.iter().map(alone).max().unwrap_or(0);
        let how = if largest <= limit.max {
            "`gov build --split` spreads it over several documents"
        } else {
            "one statement alone is over it, so it cannot be built as it is"
        };
        said.push(format!(
            "// Note: built, this policy is {size} of {} {}: {how}.\n",
            limit.max, limit.what
        ));
    }
    let at = text_out.find('\n').map_or(0, |i| i + 1);
    text_out.insert_str(at, &said.concat());
    // The one layout of `.gov` text is the formatter's, which also proves
    // that its output parses to the same tree as what was checked above.
    crate::format::format_source(file, &text_out).map_err(|e| {
        vec![
            Diagnostic::new(
                codes::E0008,
                file,
                Span::new(0, 0),
                "the imported text could not be laid out by the formatter",
            )
            .with_help(format!("{e:?}")),
        ]
    })
}

/// Proves the import: the original document and the one the `.gov` text
/// compiles to decide every request alike, compared with the exact diff
/// engine in both directions. Returns whether the comparison was
/// exhaustive; fails with the first request they decide differently.
fn prove(
    file: FileId,
    original: &crate::iam::PolicyDocument,
    rebuilt: &(
        std::sync::Arc<crate::ir::Policy>,
        crate::iam::PolicyDocument,
    ),
    catalog: &Catalog,
) -> Result<bool, Vec<Diagnostic>> {
    let before = [(rebuilt.0.clone(), original.clone())];
    let after = [rebuilt.clone()];
    let report = crate::diff::diff(
        &crate::diff::Side::new(&before),
        &crate::diff::Side::new(&after),
        catalog,
    );
    let first = report
        .changes
        .iter()
        .flat_map(|c| c.widens.iter().chain(&c.narrows))
        .next();
    match first {
        None => Ok(report.exhaustive()),
        Some(finding) => {
            let w = &finding.witness;
            Err(vec![
                Diagnostic::new(
                    codes::E0609,
                    file,
                    Span::new(0, 0),
                    "the imported policy would not decide every request as the original does",
                )
                .with_label("nothing was written")
                .with_help(format!(
                    "`{}` is {} by the original and {} by the import; please report this with the document",
                    crate::diff::witness_request(w),
                    crate::testing::decision_text(w.old_decision),
                    crate::testing::decision_text(w.new_decision),
                )),
            ])
        }
    }
}

fn anchor(r: &RuleOut) -> Span {
    r.statements
        .first()
        .map_or(Span::new(0, 0), |s| Span::new(s.start, s.start + 1))
}

fn finish(source: &Source, file: FileId, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    source.remap(file, &mut diags);
    crate::diag::sort(&mut diags);
    diags.dedup();
    diags
}

/// The service every action belongs to, when there is exactly one.
fn single_service(rules: &[RuleOut], catalog: &Catalog) -> Option<String> {
    let mut found: Option<String> = None;
    for r in rules {
        for a in &r.actions {
            if a.text == "*" {
                continue;
            }
            let prefix = a.text.split_once(':')?.0;
            let service = catalog.service(prefix)?.prefix().to_string();
            match &found {
                None => found = Some(service),
                Some(f) if f.eq_ignore_ascii_case(&service) => {}
                Some(_) => return None,
            }
        }
    }
    found
}

/// The `.gov` text, and for each rule its byte range in it with the JSON
/// statements it came from.
fn render_policy(
    rules: &[RuleOut],
    name: &str,
    kind: PolicyKind,
    catalog: &Catalog,
    notes: &[String],
    decoded: bool,
) -> (String, Vec<(std::ops::Range<usize>, Span)>) {
    let service = single_service(rules, catalog);
    let renderer = Renderer::new(rules, service.clone());
    let mut out = String::new();
    let what = kind.full_name();
    let form = if decoded { "URL-encoded JSON" } else { "JSON" };
    out.push_str(&format!("// Imported from the {form} of {what}.\n"));
    for n in notes {
        out.push_str(&format!("// Note: {n}.\n"));
    }
    if let Some(s) = &service {
        out.push_str(&format!("use {s}\n"));
    }
    out.push('\n');
    let consts = renderer.consts_text();
    if !consts.is_empty() {
        out.push_str(&consts);
        out.push('\n');
    }
    // The name becomes a file name and a policy name in AWS: both take at
    // most 128 characters (an identifier is ASCII).
    let mut policy_name = render::ident(name);
    policy_name.truncate(crate::emit::MAX_NAME_LEN);
    out.push_str(&format!(
        "{} {} {{\n",
        render::kind_keyword(kind),
        policy_name
    ));
    let mut ranges = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let start = out.len();
        out.push_str(&renderer.rule(r));
        ranges.push((start..out.len(), anchor(r)));
    }
    out.push_str("}\n");
    (out, ranges)
}

/// Checks and lowers the result with gov's own pipeline; what it refuses
/// is reported at the JSON statement the rule came from.
fn verify(
    file: FileId,
    text: &str,
    ranges: &[(std::ops::Range<usize>, Span)],
    catalog: &Catalog,
) -> Result<
    (
        std::sync::Arc<crate::ir::Policy>,
        crate::iam::PolicyDocument,
    ),
    Vec<Diagnostic>,
> {
    let mut compilation = crate::compile_texts(&[("import.gov", text)], catalog);
    let problems: Vec<Diagnostic> = compilation.errors().cloned().collect();
    if problems.is_empty()
        && let Some(compiled) = compilation.documents.pop()
    {
        return Ok(compiled);
    }
    let out = problems
        .into_iter()
        .map(|d| {
            let at = ranges
                .iter()
                .find(|(range, _)| range.contains(&d.span.start))
                .map_or(Span::new(0, 1), |(_, s)| *s);
            let snippet = text.get(d.span.start..d.span.end).unwrap_or_default();
            let mut help = format!("gov says {}: {}", d.code, d.message);
            if !snippet.is_empty() && snippet.len() <= 120 {
                help.push_str(&format!(" (at `{snippet}`)"));
            }
            if let Some(h) = &d.help {
                help.push_str(&format!("; {h}"));
            }
            Diagnostic::new(
                codes::E0608,
                file,
                at,
                "this statement has no exact gov form",
            )
            .with_label("gov cannot state this statement exactly")
            .with_help(help)
        })
        .collect();
    Err(out)
}

#[cfg(test)]
mod proof_tests {
    use super::*;

    /// The proof names the first request the two documents decide
    /// differently. No import reaches it (the importer is exact); built here
    /// from two documents that differ.
    #[test]
    fn a_difference_is_refused_with_its_request() {
        let catalog = Catalog::embedded().unwrap();
        let original = crate::iam::PolicyDocument::from_json(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#,
        )
        .unwrap();
        let widened = crate::compile_texts(&[("w.gov", "policy P { allow * }\n")], catalog);
        let rebuilt = widened.documents[0].clone();
        let errors = prove(0, &original, &rebuilt, catalog).unwrap_err();
        assert_eq!(errors[0].code, codes::E0609);
        let mut sources = crate::source::SourceMap::new();
        sources.add("policy.json", "{}");
        insta::assert_snapshot!("E0609", crate::diag::render_human(&sources, &errors, false));
        let same = crate::compile_texts(&[("s.gov", "policy P { allow \"sqs:*\" }\n")], catalog);
        assert_eq!(prove(0, &original, &same.documents[0], catalog), Ok(true));
    }
}
