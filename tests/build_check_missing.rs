#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov build --check` against an output folder that does not exist: the
//! files a build would write are listed as missing, and the run ends with a
//! coded error naming the folder (`E0925`), exit 1.

mod common_cli;
use common_cli::gov;

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/a.gov"),
        "scp P { deny sagemaker:CreateApp }\n",
    )
    .unwrap();
    dir
}

#[test]
fn e0925_a_missing_output_folder() {
    let dir = scratch();
    let out = gov(dir.path(), &["build", "src", "--check", "--out", "dist"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // what a build would write is still listed, for a script to read
    let listed = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(listed.contains("missing: dist/scp/P.json"), "{listed}");
    insta::assert_snapshot!("E0925", String::from_utf8(out.stderr).unwrap());
    assert!(!dir.path().join("dist").exists());
}

#[test]
fn an_existing_folder_is_still_compared_file_by_file() {
    let dir = scratch();
    std::fs::create_dir(dir.path().join("dist")).unwrap();
    let out = gov(dir.path(), &["build", "src", "--check", "--out", "dist"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stderr).unwrap();
    assert!(!text.contains("E0925"), "{text}");
    assert!(String::from_utf8(out.stdout).unwrap().contains("missing: "));
    // built, it is up to date
    assert_eq!(
        gov(dir.path(), &["build", "src", "--out", "dist"])
            .status
            .code(),
        Some(0)
    );
    let out = gov(dir.path(), &["build", "src", "--check", "--out", "dist"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
