//! The long form of each code, for `gov explain`: what it means, why it
//! matters for IAM, and a failing and a fixed example. The text is data, kept
//! in `docs/codes.md` (embedded here) so that the page people read, the
//! command's output and the SARIF help are one text; `tests/explain.rs`
//! compiles every example in it.

use super::codes::{self, Code};

/// The page, as committed.
pub const CODES_DOC: &str = include_str!("../../docs/codes.md");

/// One example of an entry: the fence's info string (`gov`, `json scp`,
/// `sh`) and the text inside the fence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example<'a> {
    pub lang: &'a str,
    pub text: &'a str,
}

/// The entry of one code in [`CODES_DOC`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub code: Code,
    /// Why the code matters for IAM.
    pub why: &'a str,
    pub failing: Option<Example<'a>>,
    pub fixed: Option<Example<'a>>,
    /// Why the entry shows no example, when it shows none.
    pub no_example: Option<&'a str>,
}

const WHY: &str = "**Why it matters for IAM.** ";
const NO_EXAMPLE: &str = "*No example:* ";

/// The entry of `code`, if the page has one.
pub fn entry(code: Code) -> Option<Entry<'static>> {
    entry_in(CODES_DOC, code)
}

/// The entry of `code` in a page of the same form as [`CODES_DOC`].
pub fn entry_in(doc: &str, code: Code) -> Option<Entry<'_>> {
    let heading = format!("\n## {}\n", code.id);
    let start = doc.find(&heading)? + heading.len();
    let rest = &doc[start..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let why = paragraph_after(section, WHY)?;
    Some(Entry {
        code,
        why,
        failing: example_after(section, "\nFailing:\n"),
        fixed: example_after(section, "\nFixed:\n"),
        no_example: paragraph_after(section, NO_EXAMPLE),
    })
}

/// The paragraph that starts with `marker`, without it.
fn paragraph_after<'a>(section: &'a str, marker: &str) -> Option<&'a str> {
    let start = section.find(marker)? + marker.len();
    let rest = &section[start..];
    Some(rest[..rest.find("\n\n").unwrap_or(rest.len())].trim())
}

/// The first fenced block after `marker`.
fn example_after<'a>(section: &'a str, marker: &str) -> Option<Example<'a>> {
    let after = &section[section.find(marker)? + marker.len()..];
    let open = after.find("```")? + 3;
    let info_end = open + after[open..].find('\n')?;
    let body_start = info_end + 1;
    let body_end = body_start + after[body_start..].find("\n```")?;
    Some(Example {
        lang: after[open..info_end].trim(),
        text: &after[body_start..body_end],
    })
}

/// The entry as `gov explain` prints it.
pub fn render(entry: &Entry<'_>) -> String {
    let code = entry.code;
    let mut out = format!(
        "{}: {} ({})\n\n{}\n\nWhy it matters for IAM: {}\n",
        code.id,
        code.title,
        code.severity.as_str(),
        code.explanation,
        entry.why
    );
    for (what, example) in [("Failing", entry.failing), ("Fixed", entry.fixed)] {
        if let Some(example) = example {
            out.push_str(&format!("\n{what} ({}):\n\n", describe(example.lang)));
            for line in example.text.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    if let Some(reason) = entry.no_example {
        out.push_str(&format!("\nNo example: {reason}\n"));
    }
    out.push_str(&format!(
        "\nSee also: {}#{}\n",
        super::sarif::CODES_DOC,
        super::sarif::doc_anchor(code)
    ));
    out
}

/// What an example is, in words.
fn describe(lang: &str) -> String {
    let mut words = lang.split_whitespace();
    match (words.next(), words.next()) {
        (Some("gov"), _) => "a .gov file".to_string(),
        (Some("json"), Some(kind)) => format!("policy JSON, `gov lint --kind {kind}`"),
        (Some("json"), None) => "policy JSON".to_string(),
        (Some("sh"), _) => "a command".to_string(),
        (Some("toml"), _) => "gov.toml".to_string(),
        _ => lang.to_string(),
    }
}

/// The code named `id` (any case), for the command line.
pub fn parse_code(id: &str) -> Option<Code> {
    codes::lookup(id.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_entry_of_the_page() {
        let doc = "# Codes\n\n## E0102\n\n**t** (error)\n\nMeaning.\n\n**Why it matters for IAM.** Because.\n\nFailing:\n\n```gov\nscp P {\n    deny s3:Get\n}\n```\n\nFixed:\n\n```json scp\n{}\n```\n\n## E0103\n";
        let entry = entry_in(doc, codes::E0102).unwrap();
        assert_eq!(entry.why, "Because.");
        assert_eq!(
            entry.failing,
            Some(Example {
                lang: "gov",
                text: "scp P {\n    deny s3:Get\n}"
            })
        );
        assert_eq!(
            entry.fixed,
            Some(Example {
                lang: "json scp",
                text: "{}"
            })
        );
        assert_eq!(entry.no_example, None);
        assert!(entry_in(doc, codes::E0103).is_none(), "no why, no entry");
    }

    #[test]
    fn every_code_has_an_entry_in_the_page() {
        for code in codes::ALL {
            let entry = entry(*code);
            assert!(entry.is_some(), "{}", code.id);
            let text = render(&entry.unwrap());
            assert!(text.starts_with(code.id), "{}", code.id);
        }
    }
}
