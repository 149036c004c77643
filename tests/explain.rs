#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov explain` and its data, docs/codes.md: every code of the registry has
//! an entry, and every example in it is compiled here — the failing one must
//! report its code, the fixed one must not (nor any error) — so the page
//! stays true as gov changes.

use gov::catalog::Catalog;
use gov::diag::codes::{ALL, Code};
use gov::diag::explain::{self, Example};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Codes whose entry shows no example, each for the reason the page gives
/// (an input too large for a page, bytes that are not text, a defect no
/// input is known to reach, a machine's state). Adding a code here is a
/// decision: every other code must have both examples.
const WITHOUT_EXAMPLES: &[&str] = &[
    "E0004", "E0006", "E0007", "E0008", "E0205", "E0206", "E0404", "E0501", "E0502", "E0503",
    "E0603", "E0604", "E0608", "E0609", "E0711", "E0902", "E0905", "E0907", "E0908", "W0002",
];

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

/// The codes an example reports, and whether it reported an error.
fn codes_of(example: &Example<'_>) -> (Vec<String>, bool) {
    let mut words = example.lang.split_whitespace();
    match words.next() {
        Some("gov") => codes_of_gov(example.text),
        Some("json") => codes_of_json(example.text, words.next()),
        Some("sh") => codes_of_command(example.text),
        Some("toml") => codes_of_project_file(example.text),
        other => panic!("an example of an unknown kind: {other:?}"),
    }
}

/// `// file: NAME` lines split a `.gov` example into files; the first is
/// `example.gov`. Checked, lowered and rendered as `gov build` would.
fn codes_of_gov(text: &str) -> (Vec<String>, bool) {
    let mut files: Vec<(String, String)> = vec![("example.gov".to_string(), String::new())];
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("// file: ") {
            files.push((name.trim().to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let compilation = gov::compile_texts(&texts, catalog());
    let mut codes: Vec<String> = compilation
        .diagnostics
        .iter()
        .map(|d| d.code.id.to_string())
        .collect();
    let mut failed = compilation.has_errors();
    if !failed {
        let out = tempfile::tempdir().unwrap();
        let options = gov::emit::Options::default();
        if let Err(errors) = compilation.check_build(&out.path().join("dist"), &options) {
            failed = true;
            codes.extend(errors.iter().map(|e| e.code().id.to_string()));
        }
    }
    (codes, failed)
}

fn codes_of_json(text: &str, kind: Option<&str>) -> (Vec<String>, bool) {
    let kind = kind.map(|k| match k {
        "scp" => gov::ir::PolicyKind::Scp,
        "rcp" => gov::ir::PolicyKind::Rcp,
        "policy" => gov::ir::PolicyKind::Identity,
        "resource-policy" => gov::ir::PolicyKind::ResourcePolicy,
        "key-policy" => gov::ir::PolicyKind::KeyPolicy,
        other => panic!("unknown kind {other}"),
    });
    let mut sources = gov::source::SourceMap::new();
    let id = sources.add("example.json", text);
    let diags = gov::jsonlint::lint_bytes(id, text.as_bytes(), kind, catalog());
    let failed = diags.iter().any(|d| d.is_error());
    (
        diags.iter().map(|d| d.code.id.to_string()).collect(),
        failed,
    )
}

/// The folder a command example runs in.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(
        dir.path().join("policies/example.gov"),
        "scp DenyApps {\n    deny sagemaker:CreateApp\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.gov"),
        "scp DenyApps {\n    deny \"sagemaker:Create:App\"\n}\n",
    )
    .unwrap();
    // Two small catalogs and policies for the catalog watch (W0920–W0924).
    let watch = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog-watch");
    std::fs::create_dir_all(dir.path().join("watch/policies")).unwrap();
    for name in ["old.txt", "new.txt"] {
        std::fs::copy(watch.join(name), dir.path().join("watch").join(name)).unwrap();
    }
    for entry in std::fs::read_dir(watch.join("policies")).unwrap() {
        let path = entry.unwrap().path();
        let target = dir
            .path()
            .join("watch/policies")
            .join(path.file_name().unwrap());
        std::fs::copy(&path, target).unwrap();
    }
    dir
}

/// A `gov.toml` example: written into the sandbox, then `gov check` runs
/// there and reads it.
fn codes_of_project_file(text: &str) -> (Vec<String>, bool) {
    let dir = sandbox();
    std::fs::write(dir.path().join("gov.toml"), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gov"))
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let codes = ALL
        .iter()
        .filter(|c| printed.contains(&format!("[{}]", c.id)))
        .map(|c| c.id.to_string())
        .collect();
    (codes, !out.status.success())
}

/// Runs each `gov …` line; the codes are those printed as `[CODE]`.
fn codes_of_command(text: &str) -> (Vec<String>, bool) {
    let dir = sandbox();
    let mut codes = Vec::new();
    let mut failed = false;
    for line in text.lines() {
        let Some(args) = line.strip_prefix("gov ") else {
            continue;
        };
        let out = Command::new(env!("CARGO_BIN_EXE_gov"))
            .args(args.split_whitespace())
            .current_dir(dir.path())
            .output()
            .unwrap();
        failed |= !out.status.success();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for code in ALL {
            if printed.contains(&format!("[{}]", code.id)) {
                codes.push(code.id.to_string());
            }
        }
    }
    (codes, failed)
}

#[test]
fn every_example_of_the_page_is_true() {
    let mut problems = Vec::new();
    for code in ALL {
        let entry = explain::entry(*code).unwrap_or_else(|| panic!("no entry for {}", code.id));
        let listed = WITHOUT_EXAMPLES.contains(&code.id);
        match (entry.failing, entry.fixed) {
            (Some(failing), Some(fixed)) => {
                if listed {
                    problems.push(format!("{}: has examples but is listed without", code.id));
                }
                let (codes, _) = codes_of(&failing);
                if !codes.iter().any(|c| c == code.id) {
                    problems.push(format!(
                        "{}: the failing example reports {codes:?}",
                        code.id
                    ));
                }
                let (codes, failed) = codes_of(&fixed);
                if codes.iter().any(|c| c == code.id) || failed {
                    problems.push(format!(
                        "{}: the fixed example reports {codes:?}{}",
                        code.id,
                        if failed { " and fails" } else { "" }
                    ));
                }
            }
            (None, None) => {
                if !listed || entry.no_example.is_none() {
                    problems.push(format!("{}: no example and no reason listed", code.id));
                }
            }
            _ => problems.push(format!("{}: one example without the other", code.id)),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn gov(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn explain_prints_the_entry() {
    let (code, stdout, _) = gov(&["explain", "e0301"]);
    assert_eq!(code, 0);
    let e0301: Code = gov::diag::codes::E0301;
    assert!(stdout.starts_with("E0301: key not supported by the action (error)\n"));
    assert!(stdout.contains(e0301.explanation));
    assert!(stdout.contains("Why it matters for IAM: "));
    assert!(stdout.contains("    allow [cloudwatch:PutMetricData, cloudwatch:GetMetricData]"));
    assert!(stdout.contains("docs/codes.md#e0301"));
}

#[test]
fn an_unknown_code_is_a_coded_usage_error() {
    let (code, stdout, stderr) = gov(&["explain", "E9999"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("error[E0910]: unknown code `E9999`"),
        "{stderr}"
    );
}

#[test]
fn the_page_is_where_the_sarif_help_points() {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join(gov::diag::sarif::CODES_DOC);
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        explain::CODES_DOC,
        "the embedded page is the file"
    );
}
