//! Sides of a diff made of policy JSON: a review of a change to existing
//! JSON needs no import step. Each document is read with the strict IAM
//! reader and compared as written (the evaluator fails closed on what it
//! cannot read, such as an unknown operator); a document the reader refuses
//! is reported with the linter's diagnostics.

use crate::catalog::Catalog;
use crate::diag::{Diagnostic, codes};
use crate::iam::PolicyDocument;
use crate::ir;
use crate::policy::PolicyKind;
use crate::source::{SourceMap, Span};

/// Reads `files` — (policy name, file name, text) — as one side. `kind`:
/// the kind of every document, else guessed from each. Returns the
/// documents, or the errors of those that cannot be read (file ids from
/// `sources`).
pub fn json_side(
    files: &[(String, String, String)],
    kind: Option<PolicyKind>,
    sources: &mut SourceMap,
    catalog: &Catalog,
) -> Result<Vec<(std::sync::Arc<ir::Policy>, PolicyDocument)>, Vec<Diagnostic>> {
    let mut side = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for (name, file_name, text) in files {
        let id = sources.add(file_name.clone(), text.clone());
        let decoded = match crate::jsonlint::decoded(id, text) {
            Ok(d) => d,
            Err(mut diags) => {
                errors.append(&mut diags);
                continue;
            }
        };
        match PolicyDocument::from_json(&decoded) {
            Ok(doc) => {
                let kind = kind
                    .or_else(|| crate::jsonlint::guess_kind(&decoded))
                    .unwrap_or(PolicyKind::Identity);
                let policy = ir::Policy {
                    name: name.clone(),
                    kind,
                    docs: Vec::new(),
                    controls: Vec::new(),
                    sid_prefix: None,
                    rules: Vec::new(),
                    file: id,
                    span: Span::new(0, 0),
                };
                side.push((std::sync::Arc::new(policy), doc));
            }
            Err(e) => {
                // The linter says where and why, with its spans; only what
                // stops reading the document is shown.
                let mut found: Vec<Diagnostic> = crate::jsonlint::lint(id, text, kind, catalog)
                    .into_iter()
                    .filter(|d| d.is_error() && d.code.id.starts_with("E06"))
                    .collect();
                if found.is_empty() {
                    found.push(Diagnostic::new(
                        codes::E0606,
                        id,
                        Span::new(0, 0),
                        format!("the document cannot be read: {}", e.message),
                    ));
                }
                errors.append(&mut found);
            }
        }
    }
    if errors.is_empty() {
        Ok(side)
    } else {
        Err(errors)
    }
}
