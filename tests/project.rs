#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The project file (`gov.toml`) on the command line, and `gov init`: the
//! file is found from the working folder up, its paths are relative to it,
//! flags override it, and a new project's scaffold checks, tests and builds.

use std::path::Path;
use std::process::{Command, Output};

mod common_cli;
use common_cli::gov;

fn ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn the_scaffold_checks_tests_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let init = gov(dir.path(), &["init", "project"]);
    ok(&init);
    let root = dir.path().join("project");
    for file in [
        "gov.toml",
        "policies/example.gov",
        ".github/workflows/gov.yml",
        ".pre-commit-config.yaml",
    ] {
        assert!(root.join(file).is_file(), "{file} not written");
    }
    // The workflow is the documented example, word for word.
    assert_eq!(
        std::fs::read_to_string(root.join(".github/workflows/gov.yml")).unwrap(),
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/github-actions.yml")
        )
        .unwrap()
    );
    let check = gov(&root, &["check", "--deny-warnings"]);
    ok(&check);
    assert!(stderr(&check).contains("checked 1 file: 0 errors, 0 warnings"));
    let test = gov(&root, &["test"]);
    ok(&test);
    assert!(String::from_utf8_lossy(&test.stdout).contains("3 passed, 0 failed"));
    ok(&gov(&root, &["fmt", "--check"]));
    ok(&gov(&root, &["build"]));
    assert!(root.join("dist/scp/LimitInstanceTypes.json").is_file());
    ok(&gov(&root, &["build", "--check"]));
    // No temporary file is left behind by the atomic writes.
    let leftovers = std::fs::read_dir(&root)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".gov-tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn init_writes_nothing_when_one_file_exists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/example.gov"), "// mine\n").unwrap();
    let out = gov(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error[E0923]: `policies/example.gov` already exists"));
    assert!(!dir.path().join("gov.toml").exists());
    assert!(!dir.path().join(".github").exists());
}

/// A project: gov.toml at the root, sources in `rules/`, one warning (W0203).
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules/team")).unwrap();
    std::fs::write(
        dir.path().join("rules/wide.gov"),
        "policy Wide {\n    allow \"s3:*\"\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("gov.toml"), config).unwrap();
    dir
}

#[test]
fn the_file_is_found_from_a_folder_below_and_its_paths_are_its_own() {
    let dir = project("sources = [\"rules\"]\n");
    let below = dir.path().join("rules/team");
    let out = gov(&below, &["check", "--format", "json"]);
    ok(&out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\"code\":\"W0203\""), "{stdout}");
    assert!(
        stdout.contains("\"file\":\"../../rules/wide.gov\""),
        "{stdout}"
    );
}

#[test]
fn levels_and_deny_warnings_come_from_the_file_and_flags_override_them() {
    let dir = project("sources = [\"rules\"]\n[levels]\nW0203 = \"error\"\n");
    assert_eq!(gov(dir.path(), &["check"]).status.code(), Some(1));
    // A flag replaces the file's level for the same code.
    ok(&gov(dir.path(), &["check", "--level", "W0203=warn"]));
    // A path on the command line replaces `sources`.
    std::fs::create_dir(dir.path().join("other")).unwrap();
    std::fs::write(
        dir.path().join("other/a.gov"),
        "scp A {\n    deny sagemaker:CreateApp\n}\n",
    )
    .unwrap();
    ok(&gov(dir.path(), &["check", "other"]));

    let strict = project("sources = [\"rules\"]\ndeny-warnings = true\n");
    assert_eq!(gov(strict.path(), &["check"]).status.code(), Some(1));
    let lenient = project("sources = [\"rules\"]\n");
    ok(&gov(lenient.path(), &["check"]));
    assert_eq!(
        gov(lenient.path(), &["check", "--deny-warnings"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn out_and_catalog_come_from_the_file_and_flags_override_them() {
    let dir = project("sources = [\"rules\"]\nout = \"build/json\"\n");
    ok(&gov(dir.path(), &["build"]));
    assert!(dir.path().join("build/json/manifest.json").is_file());
    ok(&gov(dir.path(), &["build", "--out", "elsewhere"]));
    assert!(dir.path().join("elsewhere/manifest.json").is_file());

    let missing = project("sources = [\"rules\"]\ncatalog = \"no/such/catalog.txt\"\n");
    let out = gov(missing.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error[E0904]"), "{}", stderr(&out));
    let embedded = gov(
        missing.path(),
        &["--catalog", "no/such/either.txt", "check"],
    );
    assert!(stderr(&embedded).contains("either.txt"), "the flag wins");
    // `gov fmt` reads no catalog, so a bad `catalog` does not stop it.
    ok(&gov(missing.path(), &["fmt", "--check"]));
}

#[test]
fn an_explicit_project_file_is_used_and_must_exist() {
    let dir = project("sources = [\"rules\"]\n");
    std::fs::write(
        dir.path().join("strict.toml"),
        "sources = [\"rules\"]\ndeny-warnings = true\n",
    )
    .unwrap();
    assert_eq!(
        gov(dir.path(), &["--config", "strict.toml", "check"])
            .status
            .code(),
        Some(1)
    );
    let out = gov(dir.path(), &["--config", "nope.toml", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error[E0901]"));
}

#[test]
fn sarif_help_links_need_an_address() {
    let sarif = |dir: &Path| -> serde_json::Value {
        let out = gov(dir, &["check", "--format", "sarif"]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let rule = |log: &serde_json::Value, id: &str| -> serde_json::Value {
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let without = project("sources = [\"rules\"]\n");
    let log = sarif(without.path());
    if env!("CARGO_PKG_REPOSITORY").is_empty() {
        assert!(rule(&log, "W0203").get("helpUri").is_none());
    }
    let with = project(
        "sources = [\"rules\"]\n[sarif]\ncodes-url = \"https://example.com/gov/docs/codes.md\"\n",
    );
    let log = sarif(with.path());
    for code in gov::diag::codes::ALL {
        assert_eq!(
            rule(&log, code.id)["helpUri"],
            format!(
                "https://example.com/gov/docs/codes.md#{}",
                code.id.to_ascii_lowercase()
            )
        );
    }
}

#[test]
fn commands_that_need_no_project_ignore_a_broken_file() {
    let dir = project("this is not toml\n");
    ok(&gov(dir.path(), &["explain", "W0203"]));
    ok(&gov(dir.path(), &["man"]));
    assert_eq!(gov(dir.path(), &["check"]).status.code(), Some(2));
}

#[test]
fn diff_reads_the_sources_of_the_file_at_a_revision() {
    let dir = project("sources = [\"rules\"]\n");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !(git(&["init", "-q", "."]) && git(&["add", "."]) && git(&["commit", "-qm", "one"])) {
        return;
    }
    std::fs::write(
        dir.path().join("rules/wide.gov"),
        "policy Wide {\n    allow \"s3:GetObject\"\n}\n",
    )
    .unwrap();
    // `rules/` at HEAD, not the default `policies/`: the change is found.
    let out = gov(
        dir.path(),
        &["diff", "git:HEAD", "rules", "--fail-on", "narrow"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

/// `[params]` gives params their values; `--set` of the same name wins; an
/// unknown name is reported where the values are shown.
#[test]
fn params_come_from_the_file_and_set_overrides_them() {
    let dir = project("sources = [\"vpce\"]\n\n[params]\nendpoints = [\"vpce-1\", \"vpce-2\"]\n");
    std::fs::create_dir_all(dir.path().join("vpce")).unwrap();
    std::fs::write(
        dir.path().join("vpce/a.gov"),
        "param endpoints: [string]\nscp Vpce {\n    deny sagemaker:CreatePresignedDomainUrl unless aws:SourceVpce in endpoints\n}\n",
    )
    .unwrap();
    ok(&gov(dir.path(), &["build", "--out", "out"]));
    let built = std::fs::read_to_string(dir.path().join("out/scp/Vpce.json")).unwrap();
    assert!(
        built.contains(r#""aws:SourceVpce":["vpce-1","vpce-2"]"#),
        "{built}"
    );
    ok(&gov(
        dir.path(),
        &["build", "--out", "out2", "--set", "endpoints=vpce-9"],
    ));
    let built = std::fs::read_to_string(dir.path().join("out2/scp/Vpce.json")).unwrap();
    assert!(built.contains(r#""aws:SourceVpce":"vpce-9""#), "{built}");
    std::fs::write(
        dir.path().join("gov.toml"),
        "sources = [\"vpce\"]\n\n[params]\nendpoints = [\"vpce-1\"]\nendpont = \"vpce-3\"\n",
    )
    .unwrap();
    let out = gov(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("error[E0716]: unknown param `endpont`"),
        "{text}"
    );
    // at the name in the file itself
    assert!(text.contains("gov.toml:5:1"), "{text}");
}
