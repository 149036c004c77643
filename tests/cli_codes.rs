#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The command-line codes (E0901–E0909): each one's rendered text, from a run
//! of the binary in a scratch folder, pinned with insta.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn gov(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gov"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null());
    cmd
}

fn stderr_of(out: Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8(out.stderr).unwrap()
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(
        dir.path().join("src/a.gov"),
        "scp P { deny sagemaker:CreateApp }\n",
    )
    .unwrap();
    dir
}

#[test]
fn e0901_path_not_found() {
    let dir = scratch();
    let out = gov(dir.path(), &["check", "missing.gov"]).output().unwrap();
    insta::assert_snapshot!("E0901", stderr_of(out));
}

#[test]
fn e0902_unreadable() {
    let dir = scratch();
    // A source that is not a regular file (a device) is refused, not read.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.gov")).unwrap();
    let out = gov(dir.path(), &["check", "zero.gov"]).output().unwrap();
    insta::assert_snapshot!("E0902", stderr_of(out));
}

#[test]
fn e0903_no_sources() {
    let dir = scratch();
    let out = gov(dir.path(), &["check", "empty"]).output().unwrap();
    insta::assert_snapshot!("E0903", stderr_of(out));
}

#[test]
fn e0904_catalog_not_loadable() {
    let dir = scratch();
    std::fs::write(dir.path().join("cat.txt"), "garbage\n").unwrap();
    let out = gov(dir.path(), &["--catalog", "cat.txt", "check", "src"])
        .output()
        .unwrap();
    insta::assert_snapshot!("E0904", stderr_of(out));
}

#[test]
fn e0905_catalog_not_importable() {
    let dir = scratch();
    let out = gov(
        dir.path(),
        &["catalog", "import", "empty", "--out", "c.txt"],
    )
    .output()
    .unwrap();
    insta::assert_snapshot!("E0905", stderr_of(out));
    assert!(!dir.path().join("c.txt").exists());
}

#[test]
fn e0906_output_inside_the_sources() {
    let dir = scratch();
    let out = gov(dir.path(), &["build", "src", "--out", "src/out"])
        .output()
        .unwrap();
    insta::assert_snapshot!("E0906", stderr_of(out));
    assert!(!dir.path().join("src/out").exists());
}

#[test]
fn e0907_standard_output_not_writable() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return;
    }
    let dir = scratch();
    let out = gov(dir.path(), &["catalog", "info"])
        .stdout(std::fs::File::create(full).unwrap())
        .output()
        .unwrap();
    insta::assert_snapshot!("E0907", stderr_of(out));
}

#[test]
fn e0908_unknown_revision() {
    let dir = scratch();
    let git = Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir.path())
        .status();
    if !git.is_ok_and(|s| s.success()) {
        return;
    }
    let out = gov(dir.path(), &["diff", "git:nosuchrev", "src"])
        .output()
        .unwrap();
    insta::assert_snapshot!("E0908", stderr_of(out));
}

#[test]
fn e0909_a_side_does_not_build() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("bad.gov"),
        "scp P { deny \"sagemaker:No:pe\" }\n",
    )
    .unwrap();
    let out = gov(dir.path(), &["diff", "src/a.gov", "bad.gov"])
        .output()
        .unwrap();
    insta::assert_snapshot!("E0909", stderr_of(out));
}

#[test]
fn e0910_unknown_code() {
    let dir = scratch();
    let out = gov(dir.path(), &["explain", "E9301"]).output().unwrap();
    insta::assert_snapshot!("E0910", stderr_of(out));
}

#[test]
fn e0911_invalid_level() {
    let dir = scratch();
    let out = gov(dir.path(), &["check", "src", "--level", "E0102=warn"])
        .output()
        .unwrap();
    insta::assert_snapshot!("E0911", stderr_of(out));
}

#[test]
fn e0920_project_file_not_toml() {
    let dir = scratch();
    std::fs::write(dir.path().join("gov.toml"), "sources = [\"src\"\n").unwrap();
    let out = gov(dir.path(), &["check"]).output().unwrap();
    insta::assert_snapshot!("E0920", stderr_of(out));
}

#[test]
fn e0921_e0922_project_file_keys_and_values() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("gov.toml"),
        "sources = \"src\"\ndeny-warning = true\n\n[levels]\nW0203 = \"loud\"\nW9999 = \"error\"\n",
    )
    .unwrap();
    let out = gov(dir.path(), &["check"]).output().unwrap();
    insta::assert_snapshot!("E0921_E0922", stderr_of(out));
}

#[test]
fn e0923_init_never_replaces_a_file() {
    let dir = scratch();
    std::fs::write(dir.path().join("gov.toml"), "# mine\n").unwrap();
    let out = gov(dir.path(), &["init"]).output().unwrap();
    insta::assert_snapshot!("E0923", stderr_of(out));
    // Nothing written, the existing file untouched.
    assert!(!dir.path().join("policies").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("gov.toml")).unwrap(),
        "# mine\n"
    );
}
