//! `gov build` refuses bad output folders and writes nothing half.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn gov(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gov"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/a.gov"),
        "scp DenyApps { deny sagemaker:CreateApp }\npolicy Grant { allow sagemaker:CreatePresignedDomainUrl }\n",
    )
    .unwrap();
    dir
}

#[test]
fn writes_per_kind_files_and_a_manifest() {
    let dir = project();
    let out = gov(dir.path(), &["build", "policies", "--out", "dist"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scp = std::fs::read_to_string(dir.path().join("dist/scp/DenyApps.json")).unwrap();
    assert_eq!(
        scp,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:CreateApp","Resource":"*"}]}"#
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("dist/manifest.json")).unwrap(),
    )
    .unwrap();
    let entries = manifest["policies"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["path"], "scp/DenyApps.json");
    assert_eq!(entries[0]["size"], scp.len());
    assert_eq!(entries[0]["limit"], 10240);
    assert_eq!(entries[0]["source"]["line"], 1);
}

#[test]
fn out_inside_the_sources_is_refused() {
    let dir = project();
    let out = gov(dir.path(), &["build", "policies", "--out", "policies/dist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0906"));
    assert!(!dir.path().join("policies/dist").exists());
}

#[test]
fn out_that_is_a_file_is_refused() {
    let dir = project();
    std::fs::write(dir.path().join("dist"), "not a folder").unwrap();
    let out = gov(dir.path(), &["build", "policies", "--out", "dist"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dist")).unwrap(),
        "not a folder"
    );
}

#[test]
fn a_failing_policy_writes_nothing() {
    let dir = project();
    std::fs::write(
        dir.path().join("policies/b.gov"),
        "scp Broken { deny \"sagemaker:Create:p\" }\n",
    )
    .unwrap();
    let out = gov(dir.path(), &["build", "policies", "--out", "dist"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("dist").exists());
}

#[test]
fn unrelated_files_in_out_are_left_alone() {
    let dir = project();
    std::fs::create_dir_all(dir.path().join("dist/scp")).unwrap();
    std::fs::write(dir.path().join("dist/scp/Mine.json"), "{}").unwrap();
    std::fs::write(dir.path().join("dist/notes.txt"), "keep").unwrap();
    let out = gov(dir.path(), &["build", "policies", "--out", "dist"]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dist/scp/Mine.json")).unwrap(),
        "{}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("dist/notes.txt")).unwrap(),
        "keep"
    );
}

#[cfg(unix)]
#[test]
fn unwritable_out_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
    let out = gov(dir.path(), &["build", "policies", "--out", "ro/dist"]);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o700)).unwrap();
    // Root may write anyway; either way there is no panic and no half file.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    if !out.status.success() {
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("E0902"), "{stderr}");
    }
}

/// `gov check` reports what `gov build` refuses: lowering errors included.
#[test]
fn check_reports_lowering_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.gov"),
        "scp P {\n    deny sagemaker:CreateApp when aws:PrincipalTag/team like \"a*\" and aws:PrincipalTag/team like \"*a\"\n}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(["check", "p.gov", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\"code\":\"E0401\""), "{stdout}");
}

/// Built files read like files written in place: the umask decides their
/// mode (not the 0600 of a temporary file), so a deploy step running as
/// another user can read them.
#[cfg(unix)]
#[test]
fn built_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    for (umask, expected) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.gov"),
            "scp P { deny sagemaker:CreateApp }\n",
        )
        .unwrap();
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" build p.gov --out dist"
            ))
            .arg(env!("CARGO_BIN_EXE_gov"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        for file in ["dist/scp/P.json", "dist/manifest.json"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, expected, "umask {umask}: {file}");
        }
    }
}

/// `gov build --check` builds in memory and compares: exit 0 when the
/// folder is current, 1 listing stale, missing and no longer produced files;
/// it never writes.
#[test]
fn build_check_lists_what_is_out_of_date() {
    let dir = tempfile::tempdir().unwrap();
    let gov = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gov"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let write =
        |name: &str, text: &str| std::fs::write(dir.path().join("src").join(name), text).unwrap();
    write("a.gov", "scp A { deny sagemaker:CreateApp }\n");
    write("b.gov", "scp B { deny sagemaker:CreateDomain }\n");
    // Nothing built yet: everything is missing, nothing is written.
    let out = gov(&["build", "src", "--out", "dist", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(listed.contains("missing: dist/scp/A.json"), "{listed}");
    assert!(listed.contains("missing: dist/manifest.json"), "{listed}");
    assert!(!dir.path().join("dist").exists());
    // Built: current.
    assert!(gov(&["build", "src", "--out", "dist"]).status.success());
    let out = gov(&["build", "src", "--out", "dist", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
    // A changed rule, a removed policy, a hand edit.
    write(
        "a.gov",
        "scp A { deny [sagemaker:CreateApp, sagemaker:DeleteApp] }\n",
    );
    std::fs::remove_file(dir.path().join("src/b.gov")).unwrap();
    write("c.gov", "scp C { deny sagemaker:CreateSpace }\n");
    let before = std::fs::read(dir.path().join("dist/scp/A.json")).unwrap();
    let out = gov(&["build", "src", "--out", "dist", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(listed.contains("stale: dist/scp/A.json"), "{listed}");
    assert!(listed.contains("stale: dist/manifest.json"), "{listed}");
    assert!(listed.contains("missing: dist/scp/C.json"), "{listed}");
    assert!(
        listed.contains("no longer produced: dist/scp/B.json"),
        "{listed}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("dist/scp/A.json")).unwrap(),
        before
    );
}

/// Every file of a folder, path → bytes.
fn tree(root: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// The README says work spread over the cores gathers its results in input
/// order: the build and the diagnostics of the bundled policies (and of a
/// file with errors) are the same on one thread as on several.
#[test]
fn one_thread_and_several_give_the_same_output() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(
        broken.path().join("b.gov"),
        "scp A { deny sagemaker:Nope* }\nscp B { deny \"s3:Get:Object\" }\nscp C { deny s3:GetObject when aws:CurrentTime < \"2021-02-29\" }\n",
    )
    .unwrap();
    let run = |threads: &str, out: &std::path::Path| {
        let build = Command::new(env!("CARGO_BIN_EXE_gov"))
            .env("RAYON_NUM_THREADS", threads)
            .args(["build", "policies", "--out"])
            .arg(out)
            .current_dir(repo)
            .output()
            .unwrap();
        assert!(build.status.success(), "{build:?}");
        let check = Command::new(env!("CARGO_BIN_EXE_gov"))
            .env("RAYON_NUM_THREADS", threads)
            .args(["check", "--format", "json", "b.gov"])
            .current_dir(broken.path())
            .output()
            .unwrap();
        (tree(out), check.stdout)
    };
    let one = tempfile::tempdir().unwrap();
    let four = tempfile::tempdir().unwrap();
    let (built_one, diags_one) = run("1", &one.path().join("out"));
    let (built_four, diags_four) = run("4", &four.path().join("out"));
    assert!(built_one.len() > 10);
    assert_eq!(built_one, built_four);
    assert!(!diags_one.is_empty());
    assert_eq!(diags_one, diags_four);
}
