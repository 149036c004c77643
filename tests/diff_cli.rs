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
    let dir = sides(OLD, "scp Lock { deny sagemaker:CreateDomian }\n");
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
