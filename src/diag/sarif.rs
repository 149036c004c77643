//! Diagnostics as one SARIF 2.1.0 log, the format code-scanning services read:
//! one run whose tool lists every code of the registry as a rule, and one
//! result per diagnostic (suppressed ones included, marked with their reason).
//!
//! Positions are 1-based lines and columns counted in characters
//! (`columnKind: unicodeCodePoints`), the same numbers the JSON format gives.
//! File names are written as relative URI references against `%SRCROOT%`, so
//! a consumer resolves them against the checkout it analysed.

use super::levels::{Level, Levels};
use super::{Diagnostic, Label, Severity, Suppressed, codes};
use crate::source::{FileId, SourceMap, Span};
use serde_json::{Value, json};

/// The schema a SARIF 2.1.0 log names in its `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where the explanation of each code lives in gov's repository.
pub const CODES_DOC: &str = "docs/codes.md";

/// The base id that relative file URIs are resolved against.
const SOURCE_ROOT: &str = "%SRCROOT%";

/// What the log says about the tool beyond its rules.
#[derive(Clone, Debug, Default)]
pub struct ToolInfo {
    /// gov's version (`CARGO_PKG_VERSION`).
    pub version: String,
    /// The repository's web address, when known: rules then carry a
    /// `helpUri` to their entry in [`CODES_DOC`] on its `main` branch.
    /// SARIF requires an absolute address there, so none is written when
    /// neither this nor [`ToolInfo::codes_url`] is known.
    pub repository: Option<String>,
    /// The web address of [`CODES_DOC`] itself (`gov.toml`'s
    /// `[sarif] codes-url`): rules then link to `<codes_url>#<code>`. It
    /// wins over `repository`.
    pub codes_url: Option<String>,
}

impl ToolInfo {
    /// The `helpUri` of `code`, when an address is known.
    pub fn help_uri(&self, code: codes::Code) -> Option<String> {
        let anchor = doc_anchor(code);
        if let Some(url) = &self.codes_url {
            return Some(format!("{url}#{anchor}"));
        }
        self.repository.as_ref().map(|repo| {
            format!(
                "{}/blob/main/{CODES_DOC}#{anchor}",
                repo.trim_end_matches('/')
            )
        })
    }
}

/// The anchor of a code's entry in [`CODES_DOC`]: its id in lowercase.
pub fn doc_anchor(code: codes::Code) -> String {
    code.id.to_ascii_lowercase()
}

/// The SARIF log of one run over `sources`: `diags` as reported under
/// `levels` (which the log records as rule configuration overrides).
pub fn render_sarif(
    sources: &SourceMap,
    diags: &[Diagnostic],
    suppressed: &[Suppressed],
    levels: &Levels,
    tool: &ToolInfo,
) -> String {
    let mut results: Vec<Value> = diags.iter().map(|d| result(sources, d, None)).collect();
    results.extend(
        suppressed
            .iter()
            .map(|s| result(sources, &s.diagnostic, Some(s))),
    );
    let mut driver = json!({
        "name": "gov",
        "version": tool.version,
        "semanticVersion": tool.version,
        "rules": codes::ALL.iter().map(|c| rule(*c, tool)).collect::<Vec<_>>(),
    });
    if let Some(repo) = &tool.repository {
        driver["informationUri"] = json!(repo);
    }
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [invocation(levels)],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    // A `Value` always serialises; an empty log is the safe fallback.
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// The run's invocation: it completed, with these levels (`--level`,
/// `--deny-warnings`), so a reader of the log knows what was turned off.
fn invocation(levels: &Levels) -> Value {
    let overrides: Vec<Value> = levels
        .iter()
        .map(|(code, level)| {
            let configuration = match level {
                Level::Allow => json!({ "enabled": false }),
                Level::Warn => json!({ "level": "warning" }),
                Level::Error => json!({ "level": "error" }),
            };
            json!({
                "descriptor": { "id": code.id, "index": rule_index(code) },
                "configuration": configuration,
            })
        })
        .collect();
    let mut invocation = json!({ "executionSuccessful": true });
    if !overrides.is_empty() {
        invocation["ruleConfigurationOverrides"] = json!(overrides);
    }
    if levels.deny_warnings {
        invocation["properties"] = json!({ "denyWarnings": true });
    }
    invocation
}

fn rule(code: codes::Code, tool: &ToolInfo) -> Value {
    let doc = format!("{CODES_DOC}#{}", doc_anchor(code));
    let why = super::explain::entry(code)
        .map(|e| format!(" Why it matters for IAM: {}", e.why))
        .unwrap_or_default();
    let mut rule = json!({
        "id": code.id,
        "name": rule_name(code),
        "shortDescription": { "text": code.title },
        "fullDescription": { "text": code.explanation },
        "help": {
            "text": format!("{}{why} See {doc}, or run `gov explain {}`.", code.explanation, code.id),
            "markdown": format!("{}{why}\n\nSee [{doc}]({doc}), or run `gov explain {}`.", code.explanation, code.id),
        },
        "defaultConfiguration": { "level": level(code.severity) },
    });
    if let Some(uri) = tool.help_uri(code) {
        rule["helpUri"] = json!(uri);
    }
    rule
}

/// A rule's name: its title in UpperCamelCase, letters and digits only
/// (SARIF wants an identifier there, the title is the description).
fn rule_name(code: codes::Code) -> String {
    let mut name = String::new();
    for word in code
        .title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    name
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(sources: &SourceMap, diag: &Diagnostic, suppressed: Option<&Suppressed>) -> Value {
    let mut text = diag.message.clone();
    if let Some(help) = &diag.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut result = json!({
        "ruleId": diag.code.id,
        "ruleIndex": rule_index(diag.code),
        "level": level(diag.severity),
        "message": { "text": text },
        "locations": [location(sources, diag.file, diag.span, &diag.label)],
    });
    if !diag.secondary.is_empty() {
        result["relatedLocations"] = diag
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| related(sources, i, l))
            .collect();
    }
    if let Some(replacement) = &diag.suggestion {
        result["fixes"] = json!([{
            "description": { "text": format!("replace with `{replacement}`") },
            "artifactChanges": [{
                "artifactLocation": artifact(sources, diag.file),
                "replacements": [{
                    "deletedRegion": region(sources, diag.file, diag.span),
                    "insertedContent": { "text": replacement },
                }],
            }],
        }]);
    }
    if let Some(s) = suppressed {
        let mut suppression = json!({
            "kind": "inSource",
            "status": "accepted",
            "justification": s.reason,
        });
        if let Some((file, span)) = s.annotation {
            suppression["location"] = location(sources, file, span, "");
        }
        result["suppressions"] = json!([suppression]);
    }
    result
}

fn rule_index(code: codes::Code) -> i64 {
    codes::ALL
        .iter()
        .position(|c| *c == code)
        .and_then(|i| i64::try_from(i).ok())
        .unwrap_or(-1)
}

fn related(sources: &SourceMap, index: usize, label: &Label) -> Value {
    let mut loc = location(sources, label.file, label.span, &label.message);
    loc["id"] = json!(index);
    loc
}

fn location(sources: &SourceMap, file: FileId, span: Span, message: &str) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": artifact(sources, file),
            "region": region(sources, file, span),
        },
    });
    if !message.is_empty() {
        loc["message"] = json!({ "text": message });
    }
    loc
}

/// A file named relatively is relative to `%SRCROOT%`; one named by an
/// absolute path too when it lies below the working folder, else it is a
/// `file://` URI of its own.
fn artifact(sources: &SourceMap, file: FileId) -> Value {
    let name = sources.name(file);
    let path = std::path::Path::new(name);
    if !path.is_absolute() {
        return json!({ "uri": file_uri(name), "uriBaseId": SOURCE_ROOT });
    }
    let below_cwd = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()));
    match below_cwd {
        Some(relative) => json!({
            "uri": file_uri(&relative.to_string_lossy()),
            "uriBaseId": SOURCE_ROOT,
        }),
        None => json!({ "uri": format!("file://{}", file_uri(name)) }),
    }
}

fn region(sources: &SourceMap, file: FileId, span: Span) -> Value {
    let (start_line, start_column) = sources.line_col(file, span.start);
    let (end_line, end_column) = sources.line_col(file, span.end.max(span.start));
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// A file name as a URI reference: `/` separators, a leading `./` dropped,
/// and every byte outside the unreserved set and `/` percent-encoded.
pub fn file_uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let name = name.strip_prefix("./").unwrap_or(&name);
    let mut uri = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(file_uri("./policies/a b.gov"), "policies/a%20b.gov");
        assert_eq!(file_uri("dir\\x#1.gov"), "dir/x%231.gov");
        assert_eq!(file_uri("é.gov"), "%C3%A9.gov");
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(
            rule_name(codes::E0301),
            "KeyNotSupportedByTheAction".to_string()
        );
        assert_eq!(rule_name(codes::E0113), "Except".to_string());
    }
}
