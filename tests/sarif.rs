#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `--format sarif` of `gov check` and `gov lint`: every log is valid against
//! the SARIF 2.1.0 JSON schema (`tests/fixtures/sarif/`), lists every code of
//! the registry as a rule, and places each result where the JSON format does.

use gov::diag::codes::ALL;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs gov in `dir`; returns the exit code and standard output.
fn gov_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The pattern the schema gives `language` (of a run and of a tool
/// component): its stray `]` is not a regular expression a strict ECMA-262
/// parser accepts, so the validator would refuse the schema itself. gov
/// writes no `language`; the test puts the pattern's evident meaning in its
/// place.
const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const LANGUAGE_PATTERN_MEANT: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

/// The schema validator, formats included (URIs must be URIs).
fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
        .unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    for definition in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][definition]["properties"]["language"]["pattern"];
        assert_eq!(pattern, LANGUAGE_PATTERN, "{definition}");
        *pattern = Value::from(LANGUAGE_PATTERN_MEANT);
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Parses a log and asserts the schema accepts it.
#[track_caller]
fn valid_log(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).unwrap();
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "the log is not valid SARIF: {errors:#?}");
    log
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn the_schema_rejects_what_is_not_sarif() {
    // The validator is live: a log without `runs` and one with a bad level fail.
    let validator = validator();
    let no_runs = serde_json::json!({ "version": "2.1.0" });
    assert!(!validator.is_valid(&no_runs));
    let bad_level = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "gov" } },
                   "results": [{ "message": { "text": "x" }, "level": "fatal" }] }],
    });
    assert!(!validator.is_valid(&bad_level));
}

#[test]
fn check_writes_a_valid_log_with_every_code_as_a_rule() {
    let dir = repo().join("tests/fixtures/cli");
    let (code, stdout) = gov_in(&dir, &["check", "several-errors.gov", "--format", "sarif"]);
    assert_eq!(code, 1, "errors still fail the run");
    let log = valid_log(&stdout);
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "gov");
    let rules = driver["rules"].as_array().unwrap();
    // Every code gov can emit comes from the registry (tests/codes.rs), so
    // every one of them is a rule, in the registry's order.
    assert_eq!(rules.len(), ALL.len());
    for (rule, code) in rules.iter().zip(ALL) {
        assert_eq!(rule["id"], code.id);
        assert_eq!(rule["shortDescription"]["text"], code.title);
        assert_eq!(rule["fullDescription"]["text"], code.explanation);
        let anchor = format!("docs/codes.md#{}", code.id.to_ascii_lowercase());
        assert!(
            rule["help"]["markdown"].as_str().unwrap().contains(&anchor),
            "{}",
            code.id
        );
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            code.severity.as_str()
        );
    }
    for result in results(&log) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(
            result["level"],
            rules[index]["defaultConfiguration"]["level"]
        );
    }
}

#[test]
fn results_sit_where_the_json_format_puts_them() {
    let dir = repo().join("tests/fixtures/cli");
    let (_, sarif) = gov_in(&dir, &["check", "several-errors.gov", "--format", "sarif"]);
    let (_, json) = gov_in(&dir, &["check", "several-errors.gov", "--format", "json"]);
    let log = valid_log(&sarif);
    let results = results(&log);
    let lines: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), lines.len());
    assert!(!lines.is_empty());
    for (result, line) in results.iter().zip(&lines) {
        assert_eq!(result["ruleId"], line["code"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "several-errors.gov");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        assert_eq!(region["startLine"], line["line"]);
        assert_eq!(region["startColumn"], line["column"]);
        assert_eq!(region["endLine"], line["end"]["line"]);
        assert_eq!(region["endColumn"], line["end"]["column"]);
        assert!(
            result["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(line["message"].as_str().unwrap())
        );
        // A suggestion becomes a fix that replaces the primary region.
        match line["suggestion"].as_str() {
            Some(replacement) => {
                let change = &result["fixes"][0]["artifactChanges"][0];
                assert_eq!(change["artifactLocation"]["uri"], "several-errors.gov");
                let replacement_json = &change["replacements"][0];
                assert_eq!(replacement_json["deletedRegion"], *region);
                assert_eq!(replacement_json["insertedContent"]["text"], replacement);
            }
            None => assert!(result.get("fixes").is_none()),
        }
    }
    assert!(
        lines.iter().any(|l| l["suggestion"].is_string()),
        "the fixture has a suggestion to turn into a fix"
    );
}

#[test]
fn file_names_are_relative_uri_references() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("my policies");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(
        sub.join("a#1.gov"),
        "scp AllowInScp {\n    allow sagemaker:CreateApp\n}\n",
    )
    .unwrap();
    let (code, stdout) = gov_in(dir.path(), &["check", "./my policies", "--format", "sarif"]);
    assert_eq!(code, 0, "a warning alone passes");
    let log = valid_log(&stdout);
    let result = &results(&log)[0];
    assert_eq!(result["level"], "warning");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20policies/a%231.gov"
    );
}

#[test]
fn deny_warnings_applies_to_sarif_too() {
    let dir = repo().join("tests/fixtures/cli");
    let args = ["check", "warning-only.gov", "--format", "sarif"];
    let (code, stdout) = gov_in(&dir, &args);
    assert_eq!(code, 0);
    assert_eq!(results(&valid_log(&stdout)).len(), 1);
    let (code, _) = gov_in(&dir, &[&args[..], &["--deny-warnings"]].concat());
    assert_eq!(code, 1);
}

#[test]
fn lint_writes_a_valid_log_for_the_whitepaper_json() {
    let dir = repo().join("tests/fixtures/lint");
    let mut args = vec!["lint", "--format", "sarif"];
    let files: Vec<String> = (1..=16).map(|i| format!("G{i:02}.json")).collect();
    args.extend(files.iter().map(String::as_str));
    let (code, stdout) = gov_in(&dir, &args);
    assert_eq!(code, 1);
    let log = valid_log(&stdout);
    let results = results(&log);
    // The README's table: E0301 seven times in G16, W0101 in G10–G13, …
    let in_g16 = results
        .iter()
        .filter(|r| {
            r["ruleId"] == "E0301"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "G16.json"
        })
        .count();
    assert_eq!(in_g16, 7);
    assert!(results.iter().any(|r| r["ruleId"] == "W0101"));
}

#[test]
fn suppressed_findings_are_results_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("admin.gov"),
        "policy Admin {\n    @allow(\"W0203\", reason = \"break-glass role\")\n    allow *\n    allow s3:*\n}\n",
    )
    .unwrap();
    let (code, stdout) = gov_in(
        dir.path(),
        &["check", "admin.gov", "--format", "sarif", "--deny-warnings"],
    );
    assert_eq!(code, 1, "the unsuppressed warning still counts");
    let log = valid_log(&stdout);
    let results = results(&log);
    assert_eq!(results.len(), 2);
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    let suppression = &suppressed[0]["suppressions"][0];
    assert_eq!(suppression["kind"], "inSource");
    assert_eq!(suppression["justification"], "break-glass role");
    assert_eq!(
        suppression["location"]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert_eq!(
        suppressed[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn the_log_records_the_levels_of_the_run() {
    let dir = repo().join("tests/fixtures/cli");
    let (_, stdout) = gov_in(&dir, &["check", "warning-only.gov", "--format", "sarif"]);
    let log = valid_log(&stdout);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert!(invocation.get("ruleConfigurationOverrides").is_none());
    let (code, stdout) = gov_in(
        &dir,
        &[
            "check",
            "warning-only.gov",
            "--format",
            "sarif",
            "--level",
            "W0202=error",
            "--level",
            "W0203=allow",
            "--deny-warnings",
        ],
    );
    assert_eq!(code, 1);
    let log = valid_log(&stdout);
    let invocation = &log["runs"][0]["invocations"][0];
    let overrides = invocation["ruleConfigurationOverrides"].as_array().unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let shown: Vec<(String, Value)> = overrides
        .iter()
        .map(|o| {
            let index = o["descriptor"]["index"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], o["descriptor"]["id"]);
            (
                o["descriptor"]["id"].as_str().unwrap().to_string(),
                o["configuration"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("W0202".to_string(), serde_json::json!({ "level": "error" })),
            ("W0203".to_string(), serde_json::json!({ "enabled": false })),
        ]
    );
    assert_eq!(invocation["properties"]["denyWarnings"], true);
    assert_eq!(results(&log)[0]["level"], "error");
}

#[test]
fn absolute_file_names_are_relative_below_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    // The working folder is reported resolved (no symbolic links): so is this.
    let base = dir.path().canonicalize().unwrap();
    std::fs::create_dir(base.join("p")).unwrap();
    let file = base.join("p/a.gov");
    std::fs::write(
        &file,
        "scp AllowInScp {\n    allow sagemaker:CreateApp\n}\n",
    )
    .unwrap();
    let absolute = file.to_str().unwrap();
    let location = |cwd: &Path| {
        let (_, stdout) = gov_in(cwd, &["check", absolute, "--format", "sarif"]);
        let log = valid_log(&stdout);
        results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"].clone()
    };
    let inside = location(&base);
    assert_eq!(inside["uri"], "p/a.gov");
    assert_eq!(inside["uriBaseId"], "%SRCROOT%");
    let outside = location(&repo());
    assert_eq!(
        outside["uri"].as_str().unwrap(),
        format!("file://{}", gov::diag::sarif::file_uri(absolute))
    );
    assert!(outside.get("uriBaseId").is_none());
}

#[test]
fn help_links_from_gov_toml_are_valid_uris() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/wide.gov"),
        "policy Wide {\n    allow \"s3:*\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("gov.toml"),
        "[sarif]\ncodes-url = \"https://git.example.com/gov/blob/main/docs/codes.md\"\n",
    )
    .unwrap();
    let (code, stdout) = gov_in(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code, 0);
    let log = valid_log(&stdout);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().all(|r| {
        r["helpUri"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("#{}", r["id"].as_str().unwrap().to_lowercase())))
    }));
}

#[test]
fn the_catalog_watch_writes_a_valid_log() {
    let dir = repo().join("tests/fixtures/catalog-watch");
    let (code, stdout) = gov_in(
        &dir,
        &[
            "--catalog",
            "old.txt",
            "catalog",
            "impact",
            "new.txt",
            "policies/all.gov",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(code, 1);
    let log = valid_log(&stdout);
    let ids: Vec<&str> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "W0920", "W0922", "W0920", "W0921", "W0923", "W0924", "W0925"
        ]
    );
}
