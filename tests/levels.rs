#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `--level CODE=LEVEL` and `--deny-warnings` on `gov check` and `gov lint`:
//! what is reported, at which severity, and what fails the run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs gov in `dir`: exit code, stdout, stderr.
fn gov(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .args(["--color", "never"])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn check(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["check", "warning-only.gov"];
    all.extend_from_slice(args);
    gov(&fixtures().join("cli"), &all)
}

#[test]
fn a_warning_made_an_error_fails_the_run() {
    let (code, _, stderr) = check(&[]);
    assert_eq!(code, 0);
    assert!(stderr.contains("warning[W0202]"));
    let (code, _, stderr) = check(&["--level", "W0202=error"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error[W0202]"), "{stderr}");
    assert!(
        stderr.ends_with("checked 1 file: 1 error, 0 warnings\n"),
        "{stderr}"
    );
}

#[test]
fn an_allowed_code_is_not_reported_even_with_deny_warnings() {
    let (code, _, stderr) = check(&["--level", "w0202=allow", "--deny-warnings"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("W0202"), "{stderr}");
    assert!(stderr.ends_with("checked 1 file: 0 errors, 0 warnings\n"));
    let (code, _, _) = check(&["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn the_last_level_of_a_code_wins() {
    let (code, _, _) = check(&["--level", "W0202=error", "--level", "W0202=warn"]);
    assert_eq!(code, 0);
}

#[test]
fn errors_cannot_be_lowered_and_codes_must_exist() {
    let (code, _, stderr) = check(&["--level", "E0102=warn"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error[E0911]: in `--level E0102=warn`: `E0102` is an error"),
        "{stderr}"
    );
    let (code, _, stderr) = check(&["--level", "W9999=allow"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error[E0910]"), "{stderr}");
    let (code, _, stderr) = check(&["--level", "W0202"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error[E0911]"), "{stderr}");
    // An error code at `error` is allowed: it changes nothing.
    let (code, _, _) = check(&["--level", "E0102=error"]);
    assert_eq!(code, 0);
}

#[test]
fn levels_reach_json_and_sarif_output() {
    let (code, stdout, _) = check(&["--level", "W0202=error", "--format", "json"]);
    assert_eq!(code, 1);
    let line: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(line["code"], "W0202");
    assert_eq!(line["severity"], "error");
    let (_, stdout, _) = check(&["--level", "W0202=error", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["runs"][0]["results"][0]["level"], "error");
    let (code, stdout, _) = check(&["--level", "W0202=allow", "--format", "sarif"]);
    assert_eq!(code, 0);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn lint_takes_levels_too() {
    let dir = fixtures().join("lint");
    let (code, _, stderr) = gov(&dir, &["lint", "G10.json"]);
    assert_eq!(code, 0, "G10 has warnings only: {stderr}");
    assert!(stderr.contains("warning[W0101]"));
    let (code, _, stderr) = gov(&dir, &["lint", "G10.json", "--level", "W0101=error"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error[W0101]"), "{stderr}");
    let (code, _, stderr) = gov(&dir, &["lint", "G10.json", "--level", "E0601=allow"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error[E0911]"), "{stderr}");
}

#[test]
fn a_suppressed_warning_stays_suppressed_at_any_level() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("admin.gov"),
        "policy Admin {\n    @allow(\"W0203\", reason = \"reviewed\")\n    allow *\n}\n",
    )
    .unwrap();
    let (code, _, stderr) = gov(
        dir.path(),
        &["check", "admin.gov", "--level", "W0203=error"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.ends_with("0 errors, 0 warnings, 1 suppressed\n"),
        "{stderr}"
    );
}
