//! Rendering a diff report: human text, Markdown for a pull-request
//! comment, JSON.

use super::{ActionFinding, ChangeKind, DiffReport, PolicyChange, Witness};
use crate::syntax::quote as gov_string;
use crate::testing::decision_text;
use serde_json::{Map, Value, json};

/// At most this many actions are listed per direction and policy in the
/// human and Markdown renderings (the JSON lists all).
pub const MAX_LISTED: usize = 50;

/// The witness as a `.gov` test case request (without the expectation).
pub fn witness_request(w: &Witness) -> String {
    let mut out = w.action.clone();
    if w.resource_decides
        && let Some(r) = &w.resource
    {
        out.push_str(" on ");
        out.push_str(&gov_string(r));
    }
    let entries: Vec<String> = w
        .context
        .iter()
        .map(|(k, vals)| {
            let v = match vals.as_slice() {
                [one] if !w.multivalued.contains(k) => gov_string(one),
                many => format!(
                    "[{}]",
                    many.iter()
                        .map(|v| gov_string(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!("{k} = {v}")
        })
        .collect();
    if entries.is_empty() {
        out.push_str(" { }");
    } else {
        out.push_str(&format!(" {{ {} }}", entries.join(", ")));
    }
    out
}

fn decided(decision: crate::eval::Decision, by: &Option<String>) -> String {
    match by {
        Some(s) => format!("{} by {s}", decision_text(decision)),
        None => decision_text(decision).to_string(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn more(n: usize) -> String {
    if n == 1 {
        "1 more action".to_string()
    } else {
        format!("{n} more actions")
    }
}

/// Said of a finding whose requests all name a resource of a type the
/// action does not take.
const UNREALISTIC: &str = "only with a resource of a type it does not take";

fn change_title(c: &PolicyChange) -> String {
    match &c.change {
        ChangeKind::Renamed { from } => format!("renamed from {from}"),
        other => other.as_str().to_string(),
    }
}

fn summary_line(report: &DiffReport) -> String {
    if report.changes.is_empty() {
        return "No policy changed.".to_string();
    }
    let count = |f: fn(&ChangeKind) -> bool| report.changes.iter().filter(|c| f(&c.change)).count();
    let mut parts = Vec::new();
    for (n, word) in [
        (count(|k| matches!(k, ChangeKind::Added)), "added"),
        (count(|k| matches!(k, ChangeKind::Removed)), "removed"),
        (count(|k| matches!(k, ChangeKind::Modified)), "modified"),
        (
            count(|k| matches!(k, ChangeKind::Renamed { .. })),
            "renamed",
        ),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let widened: usize = report.changes.iter().map(|c| c.widens.len()).sum();
    let narrowed: usize = report.changes.iter().map(|c| c.narrows.len()).sum();
    let mut line = format!(
        "{} changed ({}): access widened for {}, narrowed for {}.",
        plural(report.changes.len(), "policy", "policies"),
        parts.join(", "),
        plural(widened, "action", "actions"),
        plural(narrowed, "action", "actions"),
    );
    if !report.exhaustive() {
        line.push_str(" Not exhaustive: see the notes.");
    }
    line
}

fn human_findings(out: &mut String, verb: &str, findings: &[ActionFinding]) {
    if findings.is_empty() {
        return;
    }
    out.push_str(&format!(
        "  {verb} {}:\n",
        plural(findings.len(), "action", "actions")
    ));
    for f in findings.iter().take(MAX_LISTED) {
        let w = &f.witness;
        let caveat = if w.realistic {
            String::new()
        } else {
            format!(" ({UNREALISTIC})")
        };
        out.push_str(&format!(
            "    {}{caveat}, e.g.\n      {}\n      was {}, now {}\n",
            f.action,
            witness_request(w),
            decided(w.old_decision, &w.old_statement),
            decided(w.new_decision, &w.new_statement),
        ));
    }
    if findings.len() > MAX_LISTED {
        out.push_str(&format!(
            "    … and {}\n",
            more(findings.len() - MAX_LISTED)
        ));
    }
}

/// Plain text for a terminal.
pub fn render_human(report: &DiffReport) -> String {
    let mut out = String::new();
    out.push_str(&summary_line(report));
    out.push('\n');
    for c in &report.changes {
        let sign = match c.change {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Modified => '~',
            ChangeKind::Renamed { .. } => '>',
        };
        out.push_str(&format!(
            "\n{sign} {} {} ({})\n",
            c.kind_of_policy.keyword(),
            c.name,
            change_title(c)
        ));
        human_findings(&mut out, "widens", &c.widens);
        human_findings(&mut out, "narrows", &c.narrows);
        if c.widens.is_empty() && c.narrows.is_empty() {
            out.push_str("  no request changes its decision\n");
        }
        for n in &c.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        if !c.text_diff.is_empty() {
            for line in c.text_diff.lines() {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Inline Markdown code that survives backticks in its text.
fn md_code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Text safe inside a Markdown table cell.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn md_findings(out: &mut String, title: &str, findings: &[ActionFinding]) {
    if findings.is_empty() {
        return;
    }
    out.push_str(&format!(
        "**{title}** ({}):\n\n",
        plural(findings.len(), "action", "actions")
    ));
    for f in findings.iter().take(MAX_LISTED) {
        let w = &f.witness;
        let by = |s: &Option<String>| match s {
            Some(sid) => format!(" ({})", md_code(sid)),
            None => String::new(),
        };
        let caveat = if w.realistic {
            String::new()
        } else {
            format!(" ({UNREALISTIC})")
        };
        out.push_str(&format!(
            "- {}{caveat}: e.g. {} was **{}**{}, now **{}**{}\n",
            md_code(&f.action),
            md_code(&witness_request(w)),
            decision_text(w.old_decision),
            by(&w.old_statement),
            decision_text(w.new_decision),
            by(&w.new_statement),
        ));
    }
    if findings.len() > MAX_LISTED {
        out.push_str(&format!("- … and {}\n", more(findings.len() - MAX_LISTED)));
    }
    out.push('\n');
}

/// Markdown for a pull-request comment: a summary table, then per policy
/// the widened and narrowed actions with a witness each, then its JSON diff.
pub fn render_markdown(report: &DiffReport) -> String {
    let mut out = String::from("## Policy changes\n\n");
    out.push_str(&summary_line(report));
    out.push_str("\n\n");
    if report.changes.is_empty() {
        return out;
    }
    out.push_str("| Policy | Kind | Change | Widens | Narrows |\n");
    out.push_str("|---|---|---|---|---|\n");
    for c in &report.changes {
        let n = |v: &[ActionFinding]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                plural(v.len(), "action", "actions")
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            md_cell(&md_code(&c.name)),
            c.kind_of_policy.keyword(),
            md_cell(&change_title(c)),
            n(&c.widens),
            n(&c.narrows),
        ));
    }
    for c in &report.changes {
        out.push_str(&format!(
            "\n### {} ({}, {})\n\n",
            md_code(&c.name),
            c.kind_of_policy.keyword(),
            change_title(c)
        ));
        md_findings(&mut out, "Widens access", &c.widens);
        md_findings(&mut out, "Narrows access", &c.narrows);
        if c.widens.is_empty() && c.narrows.is_empty() {
            out.push_str("No request changes its decision.\n\n");
        }
        for n in &c.notes {
            out.push_str(&format!("> {n}\n"));
        }
        if !c.notes.is_empty() {
            out.push('\n');
        }
        if !c.text_diff.is_empty() {
            let longest = c
                .text_diff
                .split(|ch| ch != '`')
                .map(str::len)
                .max()
                .unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            out.push_str(&format!("{fence}diff\n{}", c.text_diff));
            if !c.text_diff.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{fence}\n"));
        }
    }
    out
}

fn witness_json(w: &Witness) -> Value {
    let mut context = Map::new();
    for (k, v) in &w.context {
        context.insert(k.clone(), json!(v));
    }
    json!({
        "action": w.action,
        "resource": w.resource,
        "resource_decides": w.resource_decides,
        "context": context,
        "realistic": w.realistic,
        "old_decision": decision_text(w.old_decision),
        "new_decision": decision_text(w.new_decision),
        "old_statement": w.old_statement,
        "new_statement": w.new_statement,
    })
}

fn findings_json(findings: &[ActionFinding]) -> Value {
    Value::Array(
        findings
            .iter()
            .map(|f| {
                json!({
                    "action": f.action,
                    "witness": witness_json(&f.witness),
                })
            })
            .collect(),
    )
}

/// The whole report as one JSON object (pretty, with a final newline).
pub fn render_json(report: &DiffReport) -> String {
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            let mut obj = json!({
                "name": c.name,
                "kind": c.kind_of_policy.keyword(),
                "change": c.change.as_str(),
                "widens": findings_json(&c.widens),
                "narrows": findings_json(&c.narrows),
                "exhaustive": c.exhaustive,
                "notes": c.notes,
                "text_diff": c.text_diff,
            });
            if let (ChangeKind::Renamed { from }, Some(map)) = (&c.change, obj.as_object_mut()) {
                map.insert("from".to_string(), json!(from));
            }
            obj
        })
        .collect();
    let value = json!({
        "changes": changes,
        "widens": super::has_widening(report),
        "narrows": super::has_narrowing(report),
        "exhaustive": report.exhaustive(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_strings() {
        assert_eq!(md_code("a"), "`a`");
        assert_eq!(md_code("a`b"), "`` a`b ``");
        assert_eq!(gov_string("a\"b\\"), "\"a\\\"b\\\\\"");
        assert_eq!(gov_string("\u{1}"), "\"\\u{1}\"");
    }
}
