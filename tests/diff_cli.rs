//! `gov diff` end to end: exit codes and the sides it accepts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

const OLD: &str = "scp Lock {\n    deny sagemaker:CreateDomain\n        unless sagemaker:AppNetworkAccessType == \"VpcOnly\"\n           and sagemaker:VpcSubnets present\n}\n";
const WIDER: &str = "scp Lock {\n    deny sagemaker:CreateDomain\n        unless sagemaker:AppNetworkAccessType == \"VpcOnly\"\n}\n";

fn gov(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gov"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn sides(old: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("old")).unwrap();
    std::fs::create_dir(dir.path().join("new")).unwrap();
    std::fs::write(dir.path().join("old/p.gov"), old).unwrap();
    std::fs::write(dir.path().join("new/p.gov"), new).unwrap();
    dir
}

#[test]
fn a_widening_change_is_reported_and_gated() {
    let dir = sides(OLD, WIDER);
    let out = gov(dir.path(), &["diff", "old", "new"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("widens"), "{text}");
    assert!(text.contains("sagemaker:CreateDomain"), "{text}");
    assert_eq!(
        gov(dir.path(), &["diff", "old", "new", "--fail-on", "widen"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        gov(dir.path(), &["diff", "old", "new", "--fail-on", "narrow"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        gov(dir.path(), &["diff", "new", "old", "--fail-on", "narrow"])
            .status
            .code(),
        Some(1)
    );
    let json = gov(dir.path(), &["diff", "old", "new", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(value.is_object(), "{value}");
    let md = gov(dir.path(), &["diff", "old", "new", "--format", "markdown"]);
    assert!(String::from_utf8_lossy(&md.stdout).contains("| Policy |"));
}

#[test]
fn identical_sides_change_nothing() {
    let dir = sides(OLD, OLD);
    let out = gov(dir.path(), &["diff", "old", "new", "--fail-on", "any"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No policy changed"));
}

#[test]
fn a_side_that_does_not_build_exits_2_with_its_errors() {
    let dir = sides(OLD, "scp Lock { deny \"sagemaker::CreateDomain\" }\n");
    let out = gov(dir.path(), &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E0102"), "{stderr}");
    assert!(stderr.contains("E0909"), "{stderr}");
}

#[test]
fn an_unknown_revision_is_a_clear_error() {
    let dir = sides(OLD, OLD);
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    git(&["init", "-q"]);
    let out = gov(
        dir.path(),
        &["diff", "git:no-such-branch", "new", "--path", "new"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown revision `no-such-branch`"));
}

#[test]
fn a_git_revision_is_read_without_a_checkout() {
    let dir = sides(OLD, WIDER);
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "old"]);
    git(&["commit", "-qm", "old"]);
    let out = gov(
        dir.path(),
        &[
            "diff",
            "git:HEAD",
            "new",
            "--path",
            "old",
            "--fail-on",
            "widen",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const S3_V1: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
const S3_V2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}"#;

/// Reviewing a change to existing JSON needs no import: two JSON files are
/// two versions of one policy (AmazonS3FullAccess v1 → v2 widens).
#[test]
fn json_files_are_sides() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("v1.json"), S3_V1).unwrap();
    std::fs::write(dir.path().join("v2.json"), S3_V2).unwrap();
    let out = gov(
        dir.path(),
        &[
            "diff",
            "v1.json",
            "v2.json",
            "--fail-on",
            "widen",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = value.to_string();
    assert!(text.contains("s3-object-lambda:GetObject"), "{text}");
    assert!(!text.contains("\"s3:GetObject\""), "{text}");
    // The reverse narrows, and nothing widens.
    let out = gov(
        dir.path(),
        &["diff", "v2.json", "v1.json", "--fail-on", "widen"],
    );
    assert_eq!(out.status.code(), Some(0));
    // AWS's URL-encoded form reads as the same document.
    let encoded: String = S3_V2
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    std::fs::write(dir.path().join("v2-encoded.json"), encoded).unwrap();
    let out = gov(
        dir.path(),
        &["diff", "v2.json", "v2-encoded.json", "--fail-on", "any"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Folders of JSON (and a git revision of them) match documents by their
/// path below the folder.
#[test]
fn json_folders_and_revisions_are_sides() {
    let dir = tempfile::tempdir().unwrap();
    for (side, text) in [("old", S3_V1), ("new", S3_V2)] {
        std::fs::create_dir_all(dir.path().join(side).join("managed")).unwrap();
        std::fs::write(dir.path().join(side).join("managed/S3.json"), text).unwrap();
    }
    let out = gov(dir.path(), &["diff", "old", "new", "--fail-on", "widen"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("managed/S3 (modified)"), "{text}");

    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap()
    };
    if !git(&["init", "-q"]).status.success() {
        return;
    }
    assert!(git(&["add", "old"]).status.success());
    assert!(git(&["commit", "-qm", "old"]).status.success());
    let out = gov(
        dir.path(),
        &[
            "diff",
            "git:HEAD",
            "new",
            "--path",
            "old",
            "--fail-on",
            "widen",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("managed/S3 (modified)"), "{text}");
}

/// A side that is not a policy document cannot be compared: E0909, with
/// the reader's reason.
#[test]
fn unreadable_json_is_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("v1.json"), S3_V1).unwrap();
    std::fs::write(dir.path().join("bad.json"), "{\"Version\": ").unwrap();
    let out = gov(dir.path(), &["diff", "v1.json", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("E0601") && stderr.contains("E0909"),
        "{stderr}"
    );
}
