//! The build of `policies/` is pinned under `golden/`, byte for byte.
//!
//! To accept a change on purpose (never done by CI), regenerate it with:
//! `cargo run --release -- build policies --out golden`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn build_of_policies_matches_golden() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(["build", "policies", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let built = files(out.path());
    let golden = files(Path::new("golden"));
    let mut problems = Vec::new();
    for (name, bytes) in &built {
        match golden.get(name) {
            None => problems.push(format!("{name}: built but not in golden/")),
            Some(g) if g != bytes => problems.push(format!(
                "{name}: differs from golden/\n--- golden\n{}\n+++ built\n{}",
                String::from_utf8_lossy(g),
                String::from_utf8_lossy(bytes)
            )),
            Some(_) => {}
        }
    }
    for name in golden.keys() {
        if !built.contains_key(name) {
            problems.push(format!("{name}: in golden/ but no longer built"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nif the change is intended: cargo run --release -- build policies --out golden",
        problems.join("\n")
    );
}

#[test]
fn build_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for out in [a.path(), b.path()] {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_gov"))
            .args(["build", "policies", "--out"])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert_eq!(files(a.path()), files(b.path()));
}
