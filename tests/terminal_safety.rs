#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What a pull request can put in front of a CI log: user text reaches the
//! terminal escaped. Decoded strings (`\n`, `\u{1b}`), raw control bytes in
//! the source, bidirectional overrides and file names never arrive raw, so a
//! policy cannot forge a line such as "checked 1 file: 0 errors".

use std::process::Command;

fn gov_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn assert_terminal_safe(text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n' || !c.is_control(),
            "raw {:?} reached the terminal:\n{text}",
            c
        );
        assert!(
            !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'),
            "a bidirectional override reached the terminal:\n{text}"
        );
    }
}

#[test]
fn decoded_escapes_in_strings_stay_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // A malformed ARN whose decoded text holds a line break and a
    // screen-clearing escape sequence.
    std::fs::write(
        dir.path().join("p.gov"),
        "scp P {\n    deny s3:GetObject on \"arn:aws:s3\\n\\u{1b}[2Jchecked 1 file: 0 errors\"\n}\n",
    )
    .unwrap();
    let (code, _, stderr) = gov_in(dir.path(), &["check", "p.gov", "--color", "never"]);
    assert_eq!(code, Some(1));
    assert_terminal_safe(&stderr);
    let header = stderr.lines().next().unwrap();
    assert!(header.starts_with("error[E0202]"), "{stderr}");
    assert!(header.contains("\\n\\u{1b}[2Jchecked 1 file"), "{stderr}");
    insta::assert_snapshot!("decoded_escapes", stderr);
}

#[test]
fn raw_control_bytes_in_the_source_are_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.gov"),
        "scp P { deny s3:GetObject on \"arn:\u{1b}[31m\u{202e}x\" }\n",
    )
    .unwrap();
    let (code, _, stderr) = gov_in(dir.path(), &["check", "p.gov", "--color", "always"]);
    assert_eq!(code, Some(1));
    // Colour codes are gov's own; remove them, then nothing raw remains.
    let mut plain = String::new();
    let mut rest = stderr.as_str();
    while let Some(i) = rest.find("\u{1b}[") {
        plain.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find('m').unwrap();
        rest = &after[end + 1..];
    }
    plain.push_str(rest);
    assert_terminal_safe(&plain);
    assert!(plain.contains("\\u{1b}[31m\\u{202e}x"), "{plain}");
}

#[test]
fn file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\n\u{1b}[2Jname.gov";
    std::fs::write(dir.path().join(name), "scp P { deny \"s3:No:pe\" }\n").unwrap();
    let (code, _, stderr) = gov_in(dir.path(), &["check", ".", "--color", "never"]);
    assert_eq!(code, Some(1));
    assert_terminal_safe(&stderr);
    assert!(stderr.contains("evil\\n\\u{1b}[2Jname.gov"), "{stderr}");
    // The same name in a command-line error.
    let (code, _, stderr) = gov_in(dir.path(), &["check", "missing\u{1b}[2J.gov"]);
    assert_eq!(code, Some(2));
    assert_terminal_safe(&stderr);
}

#[test]
fn json_output_keeps_the_text_exact() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.gov"),
        "scp P { deny s3:GetObject on \"arn:aws:s3\\n\\u{1b}x\" }\n",
    )
    .unwrap();
    let (_, stdout, _) = gov_in(dir.path(), &["check", "p.gov", "--format", "json"]);
    let line: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    // JSON carries the decoded text; its own escaping keeps the stream safe.
    assert!(line["message"].as_str().unwrap().contains("\n\u{1b}x"));
    assert_terminal_safe(&stdout);
}
