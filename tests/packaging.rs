#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What gov ships for CI: shell completions and the man page generated from
//! the command definitions, the pre-commit hooks, and the example GitHub
//! Actions workflow, whose every `gov` command must be one gov accepts.

use std::path::Path;
use std::process::{Command, Output};

fn gov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout.clone()).unwrap()
}

const SUBCOMMANDS: &[&str] = &[
    "check",
    "build",
    "test",
    "diff",
    "fmt",
    "lint",
    "import",
    "explain",
    "catalog",
    "init",
    "completions",
    "man",
];

#[test]
fn completions_cover_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout(&gov(&["completions", shell]));
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no `{sub}`");
        }
        assert!(script.contains("deny-warnings"), "{shell}: no flags");
    }
    assert_eq!(gov(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let page = stdout(&gov(&["man"]));
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH gov 1"));
    assert!(page.contains(".TH gov 1"), "{page}");
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "no `{sub}`");
    }
}

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// `entry: gov …` lines of a pre-commit file, with their hook ids.
fn hooks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut id = String::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches("- ");
        if let Some(rest) = line.strip_prefix("id: ") {
            id = rest.to_string();
        } else if let Some(rest) = line.strip_prefix("entry: ") {
            out.push((id.clone(), rest.to_string()));
        }
    }
    out
}

#[test]
fn the_pre_commit_hooks_are_fmt_check_and_test() {
    for (file, language) in [
        (".pre-commit-hooks.yaml", "language: rust"),
        (
            "src/cli/scaffold/pre-commit-config.yaml",
            "language: system",
        ),
    ] {
        let text = repo_file(file);
        assert!(text.contains(language), "{file}");
        let found = hooks(&text);
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["gov-fmt", "gov-check", "gov-test"], "{file}");
        for (_, entry) in &found {
            accepted(entry);
        }
    }
}

/// The command parses: the same words with `--help` exit 0 (clap checks the
/// words before it, values included).
fn accepted(command: &str) {
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"gov"), "{command}");
    let mut args: Vec<&str> = words[1..]
        .iter()
        .map(|w| w.trim_matches('"'))
        .filter(|w| !w.starts_with("git:"))
        .collect();
    args.push("--help");
    let out = gov(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "`{command}` is refused: {out:?}"
    );
}

#[test]
fn every_gov_command_of_the_workflow_is_accepted() {
    let workflow = repo_file("examples/ci/github-actions.yml");
    let mut commands = Vec::new();
    for line in workflow.lines() {
        let line = line.trim().trim_start_matches("run: ");
        if line.starts_with("gov ") {
            // Without the shell's redirections and fallbacks.
            let command = line.split(['>', '|']).next().unwrap().trim().to_string();
            commands.push(command);
        }
    }
    for wanted in [
        "gov check --format sarif",
        "gov test",
        "gov build --check",
        "gov fmt --check",
        "gov catalog impact newer-catalog.txt",
    ] {
        assert!(commands.iter().any(|c| c == wanted), "no `{wanted}`");
    }
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("gov diff") && c.ends_with("--format markdown"))
    );
    assert!(workflow.contains("github/codeql-action/upload-sarif"));
    assert!(workflow.contains("gh pr comment"));
    for command in &commands {
        accepted(command);
    }
}
