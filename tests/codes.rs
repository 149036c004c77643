#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The registry of codes (`gov::diag::codes`), the README's code table and
//! the rendered examples agree: every code has a row and a pinned rendering,
//! every code is used, and no code is minted outside the registry.

use gov::diag::codes::{ALL, Code};
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn read_all(dir: &str, ext: &str) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    files_under(Path::new(dir), ext, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// The README row of a code: `| `E0102` | error | title |`.
fn readme_row(c: &Code) -> String {
    format!(
        "| `{}` | {} | {} |",
        c.id,
        c.severity.as_str(),
        c.title.replace('|', "\\|")
    )
}

#[test]
fn the_readme_table_is_the_registry() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .filter(|l| {
            let b = l.as_bytes();
            l.starts_with("| `")
                && b.len() > 9
                && (b[3] == b'E' || b[3] == b'W')
                && b[4..8].iter().all(u8::is_ascii_digit)
                && b[8] == b'`'
        })
        .collect();
    let expected: Vec<String> = ALL.iter().map(readme_row).collect();
    assert_eq!(
        rows,
        expected,
        "the README's code table differs from the registry; the table should read:\n{}",
        expected.join("\n")
    );
}

#[test]
fn every_code_has_a_pinned_rendering() {
    let mut snapshots = read_all("tests/snapshots", "snap");
    snapshots.extend(read_all("src", "snap"));
    let mut missing = Vec::new();
    for c in ALL {
        let as_error = format!("error[{}]", c.id);
        let as_warning = format!("warning[{}]", c.id);
        let as_json = format!("\"code\": \"{}\"", c.id);
        if !snapshots
            .iter()
            .any(|(_, t)| t.contains(&as_error) || t.contains(&as_warning) || t.contains(&as_json))
        {
            missing.push(c.id);
        }
    }
    assert!(
        missing.is_empty(),
        "codes without a rendered example: {missing:?}"
    );
}

#[test]
fn every_code_is_used_and_none_is_minted_elsewhere() {
    let sources = read_all("src", "rs");
    let mut minted = Vec::new();
    for (path, text) in &sources {
        if path.ends_with("diag/codes.rs") || path.ends_with("tests.rs") {
            continue;
        }
        // Unit tests at the end of a file may name codes as expectations.
        let code_part = text.split("#[cfg(test)]").next().unwrap_or("");
        let b = code_part.as_bytes();
        for i in 1..b.len().saturating_sub(5) {
            let is_code = (b[i] == b'E' || b[i] == b'W')
                && b[i + 1..i + 5].iter().all(u8::is_ascii_digit)
                && !b.get(i + 5).is_some_and(u8::is_ascii_alphanumeric);
            // A code inside a string: `"E0102"` or `error[E0102]`.
            if is_code && (b[i - 1] == b'"' || b[i - 1] == b'[') {
                let line = code_part[..i].lines().count();
                minted.push(format!("{}:{line}", path.display()));
            }
        }
    }
    assert!(
        minted.is_empty(),
        "codes written as text instead of taken from the registry: {minted:?}"
    );
    let all_text: String = sources.iter().map(|(_, t)| t.as_str()).collect();
    let unused: Vec<&str> = ALL
        .iter()
        .filter(|c| !all_text.contains(&format!("codes::{}", c.id)))
        .map(|c| c.id)
        .collect();
    assert!(unused.is_empty(), "registered codes never used: {unused:?}");
}

/// The entries of docs/codes.md: (id, the title line, the meaning paragraph).
fn doc_entries(doc: &str) -> Vec<(String, String, String)> {
    doc.split("\n## ")
        .skip(1)
        .map(|entry| {
            let mut paragraphs = entry.split("\n\n");
            let id = paragraphs.next().unwrap_or("").trim().to_string();
            let title = paragraphs.next().unwrap_or("").trim().to_string();
            let meaning = paragraphs.next().unwrap_or("").trim().to_string();
            (id, title, meaning)
        })
        .collect()
}

#[test]
fn the_codes_doc_is_the_registry() {
    // SARIF rules link to `docs/codes.md#<id in lowercase>`: the heading of
    // each entry is the bare id, so that is its anchor.
    let doc = std::fs::read_to_string("docs/codes.md").unwrap();
    let entries = doc_entries(&doc);
    let expected: Vec<(String, String, String)> = ALL
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                format!("**{}** ({})", c.title, c.severity.as_str()),
                c.explanation.to_string(),
            )
        })
        .collect();
    assert_eq!(entries.len(), expected.len(), "one entry per code");
    for (entry, want) in entries.iter().zip(&expected) {
        assert_eq!(entry, want, "docs/codes.md differs from the registry");
    }
}
