#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `gov` binary end to end: exit codes, output formats, colour, default
//! paths, the catalog flags, and bad input (each must give a diagnostic,
//! never a panic, a hang or a stack overflow).
//!
//! Every run has a deadline. Small inputs live in `tests/fixtures/cli/`
//! (byte-exact: see its `.gitattributes`); large ones are generated into
//! temporary folders.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The deadline of one run of the (debug) binary on a small input.
const SMALL: Duration = Duration::from_secs(60);
/// The deadline for the multi-megabyte inputs (the debug binary is slow).
const LARGE: Duration = Duration::from_secs(300);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/cli")
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    /// `None` when killed by a signal (an abort on stack overflow, say).
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    /// Exited by itself with `code`, without a panic or a stack overflow.
    #[track_caller]
    fn expect_code(&self, code: i32) -> &Self {
        self.expect_sane();
        assert_eq!(
            self.code,
            Some(code),
            "exit code; stderr:\n{}\nstdout:\n{}",
            head(&self.stderr),
            head(&self.stdout)
        );
        self
    }

    #[track_caller]
    fn expect_sane(&self) {
        for bad in ["panicked", "overflowed its stack", "RUST_BACKTRACE"] {
            assert!(
                !self.stderr.contains(bad),
                "stderr mentions `{bad}`:\n{}",
                head(&self.stderr)
            );
        }
        assert!(
            self.code.is_some(),
            "killed by a signal; stderr:\n{}",
            head(&self.stderr)
        );
    }

    /// The `--format json` lines, parsed.
    fn json(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    /// The codes of the `--format json` lines, in order.
    fn codes(&self) -> Vec<String> {
        self.json()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    }
}

/// The start of a long text, for failure messages.
fn head(text: &str) -> &str {
    let mut end = text.len().min(4000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Reads a pipe to the end on its own thread (so a full pipe never blocks the child).
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut out);
        }
        out
    })
}

/// Runs `cmd` and kills it at the deadline (a hang fails the test).
fn run_cmd(cmd: Command, deadline: Duration) -> Run {
    run_to(cmd, deadline, Stdio::piped())
}

/// [`run_cmd`] with the child's stdout going to `stdout`.
fn run_to(mut cmd: Command, deadline: Duration, stdout: Stdio) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR")
        .env_remove("RUST_BACKTRACE");
    let start = Instant::now();
    let mut child = cmd.spawn().expect("the gov binary starts");
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gov did not finish within {deadline:?}: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
        elapsed,
    }
}

fn gov(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gov"));
    cmd.current_dir(dir).args(args);
    cmd
}

/// `gov ARGS` in `dir`, with the small deadline.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_cmd(gov(dir, args), SMALL)
}

/// `gov ARGS` in `tests/fixtures/cli`.
fn run_fixture(args: &[&str]) -> Run {
    run_in(&fixtures(), args)
}

/// The text between a diagnostic's start and end (1-based lines, columns in characters).
fn underlined(text: &str, d: &serde_json::Value) -> String {
    let offset = |line: u64, column: u64| -> usize {
        let mut start = 0;
        for _ in 1..line {
            start += text[start..].find('\n').map(|i| i + 1).unwrap_or(0);
        }
        text[start..]
            .char_indices()
            .nth(column as usize - 1)
            .map(|(i, _)| start + i)
            .unwrap_or(text.len())
    };
    let start = offset(d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
    let end = offset(
        d["end"]["line"].as_u64().unwrap(),
        d["end"]["column"].as_u64().unwrap(),
    );
    text[start..end.max(start)].to_string()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

fn example(name: &str) -> String {
    std::fs::read_to_string(repo().join("policies/examples").join(name)).unwrap()
}

// ---- exit codes and output ------------------------------------------------

#[test]
fn the_bundled_policies_check_clean() {
    let run = run_in(&repo(), &["check", "policies"]);
    run.expect_code(0);
    assert!(run.stderr.contains(": 0 errors,"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "human output goes to stderr");
    let examples = run_in(&repo(), &["check", "policies/examples"]);
    examples.expect_code(0);
    assert!(
        examples
            .stderr
            .contains("checked 2 files: 0 errors, 0 warnings"),
        "{}",
        examples.stderr
    );
}

#[test]
fn an_error_exits_1_and_names_the_file_line_and_code() {
    let run = run_fixture(&["check", "error.gov"]);
    run.expect_code(1);
    let e = &run.stderr;
    assert!(e.contains("error[E0102]"), "{e}");
    assert!(e.contains("error.gov:2:10"), "{e}");
    // The caret line underlines exactly the action (18 characters).
    let source_line = e
        .lines()
        .find(|l| l.ends_with("deny \"sagemaker:Create:p\""));
    let caret_line = e.lines().find(|l| l.contains('^'));
    let (Some(source_line), Some(caret_line)) = (source_line, caret_line) else {
        panic!("no source and caret lines:\n{e}");
    };
    let action_col = source_line.find("\"sagemaker:Create:p\"").unwrap();
    let caret_col = caret_line.find('^').unwrap();
    assert_eq!(
        source_line[..action_col].chars().count(),
        caret_line[..caret_col].chars().count(),
        "carets start under the action:\n{e}"
    );
    assert!(caret_line.contains(&format!("{} ", "^".repeat(18))), "{e}");
    assert!(e.contains("checked 1 file: 1 error, 0 warnings"), "{e}");
}

#[test]
fn a_warning_alone_exits_0_unless_warnings_are_denied() {
    let run = run_fixture(&["check", "warning-only.gov"]);
    run.expect_code(0);
    assert!(run.stderr.contains("warning[W0202]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("warning-only.gov:3:5"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("0 errors, 1 warning"), "{}", run.stderr);

    let denied = run_fixture(&["check", "--deny-warnings", "warning-only.gov"]);
    denied.expect_code(1);
    assert!(
        denied.stderr.contains("warning[W0202]"),
        "{}",
        denied.stderr
    );

    // A clean file stays clean with `--deny-warnings`.
    run_in(&repo(), &["check", "--deny-warnings", "policies/examples"]).expect_code(0);
}

#[test]
fn json_prints_one_object_per_line_with_every_field() {
    let run = run_fixture(&["check", "--format", "json", "error.gov", "warning-only.gov"]);
    run.expect_code(1);
    let lines = run.json();
    assert_eq!(lines.len(), run.stdout.lines().count());
    assert_eq!(run.codes(), ["E0102", "W0202"]);
    for d in &lines {
        let obj = d.as_object().expect("each line is an object");
        for field in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end",
            "suggestion",
        ] {
            assert!(obj.contains_key(field), "`{field}` missing in {d}");
        }
        assert!(d["line"].is_u64() && d["column"].is_u64(), "{d}");
        assert!(
            d["end"]["line"].is_u64() && d["end"]["column"].is_u64(),
            "{d}"
        );
        assert!(d["message"].is_string(), "{d}");
    }
    let error = &lines[0];
    assert_eq!(error["severity"], "error");
    assert_eq!(error["file"], "error.gov");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(2), Some(10))
    );
    assert_eq!(error["suggestion"], "sagemaker:CreateApp");
    let text = std::fs::read_to_string(fixtures().join("error.gov")).unwrap();
    assert_eq!(underlined(&text, error), "\"sagemaker:Create:p\"");

    let warning = &lines[1];
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["file"], "warning-only.gov");
    assert!(warning["suggestion"].is_null(), "{warning}");
    let text = std::fs::read_to_string(fixtures().join("warning-only.gov")).unwrap();
    assert_eq!(underlined(&text, warning), "allow");

    // No human text mixed into the JSON stream, and no output when clean.
    assert!(!run.stdout.contains("checked"), "{}", run.stdout);
    let clean = run_in(&repo(), &["check", "--format", "json", "policies/examples"]);
    clean.expect_code(0);
    assert!(clean.stdout.trim().is_empty(), "{}", clean.stdout);
}

#[test]
fn color_always_emits_ansi_escapes_and_never_does_not() {
    let always = run_fixture(&["check", "--color", "always", "error.gov"]);
    always.expect_code(1);
    assert!(always.stderr.contains("\x1b["), "{:?}", always.stderr);

    let never = run_fixture(&["check", "--color", "never", "error.gov"]);
    never.expect_code(1);
    assert!(!never.stderr.contains('\x1b'), "{:?}", never.stderr);
    assert!(never.stderr.contains("error[E0102]"));

    // `auto` on a pipe: no colour either.
    let auto = run_fixture(&["check", "error.gov"]);
    assert!(!auto.stderr.contains('\x1b'), "{:?}", auto.stderr);

    // The flag is global: it may come before the subcommand.
    let before = run_fixture(&["--color", "always", "check", "error.gov"]);
    assert!(before.stderr.contains("\x1b["), "{:?}", before.stderr);
}

#[test]
fn no_paths_default_to_the_policies_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policies/nested/studio.gov",
        example("studio-access.gov"),
    );
    write(dir.path(), "policies/notes.txt", "not a .gov file");
    let run = run_in(dir.path(), &["check"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("checked 1 file: 0 errors, 0 warnings"),
        "{}",
        run.stderr
    );

    write(
        dir.path(),
        "policies/bad.gov",
        "scp Bad {\n    deny \"sagemaker:Create:p\"\n}\n",
    );
    let run = run_in(dir.path(), &["check", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0102"]);
    assert_eq!(run.json()[0]["file"], "policies/bad.gov");
}

#[test]
fn no_paths_without_a_policies_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["check"]);
    run.expect_code(2);
    assert!(run.stderr.contains("E0901"), "{}", run.stderr);
    assert!(run.stderr.contains("`policies`"), "{}", run.stderr);
}

#[test]
fn a_missing_path_exits_2_with_e0901() {
    let run = run_fixture(&["check", "error.gov", "no-such-file.gov"]);
    run.expect_code(2);
    assert!(run.stderr.contains("error[E0901]"), "{}", run.stderr);
    assert!(run.stderr.contains("no-such-file.gov"), "{}", run.stderr);
    // Same with JSON output: the usage error is not a diagnostic of a file.
    let json = run_fixture(&["check", "--format", "json", "no-such-file.gov"]);
    json.expect_code(2);
    assert!(json.stderr.contains("E0901"), "{}", json.stderr);
}

#[test]
fn a_folder_without_gov_files_exits_2_with_e0903() {
    let run = run_fixture(&["check", "no-sources"]);
    run.expect_code(2);
    assert!(run.stderr.contains("error[E0903]"), "{}", run.stderr);
    assert!(run.stderr.contains("no-sources"), "{}", run.stderr);

    let empty = tempfile::tempdir().unwrap();
    let run = run_in(empty.path(), &["check", "."]);
    run.expect_code(2);
    assert!(run.stderr.contains("E0903"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["check", "--format", "xml", "error.gov"],
        &["check", "--color", "sometimes", "error.gov"],
        &["check", "--no-such-flag"],
    ] {
        let run = run_fixture(args);
        run.expect_code(2);
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
    // No subcommand: the help, as a usage error.
    let run = run_fixture(&[]);
    run.expect_code(2);
    assert!(run.stderr.contains("Usage"), "{}", run.stderr);
    run_fixture(&["--help"]).expect_code(0);
    run_fixture(&["check", "--help"]).expect_code(0);
}

// ---- the catalog ----------------------------------------------------------

#[test]
fn version_names_the_catalog_date() {
    let run = run_fixture(&["--version"]);
    run.expect_code(0);
    assert!(run.stdout.contains("2026-09-26"), "{}", run.stdout);
    assert!(
        run.stdout.contains(env!("CARGO_PKG_VERSION")),
        "{}",
        run.stdout
    );
}

#[test]
fn catalog_info_prints_source_version_date_and_size() {
    let run = run_fixture(&["catalog", "info"]);
    run.expect_code(0);
    let out = &run.stdout;
    for field in ["source:", "version:", "date:", "services:"] {
        assert!(out.contains(field), "`{field}` missing:\n{out}");
    }
    assert!(out.contains("2026-09-26"), "{out}");
    let services: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("services:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap();
    assert!(services > 300, "{out}");
}

#[test]
fn catalog_flag_with_the_checked_in_catalog_works() {
    let catalog = repo().join("catalog/catalog.txt");
    let catalog = catalog.to_str().unwrap();
    run_in(&repo(), &["--catalog", catalog, "check", "policies"]).expect_code(0);
    let info = run_in(&repo(), &["--catalog", catalog, "catalog", "info"]);
    info.expect_code(0);
    assert!(info.stdout.contains("2026-09-26"), "{}", info.stdout);
}

#[test]
fn catalog_flag_with_a_missing_file_exits_2() {
    for args in [
        &["--catalog", "no-such-catalog.txt", "check", "error.gov"][..],
        &["--catalog", "no-such-catalog.txt", "catalog", "info"],
        &["check", "--catalog", "no-such-catalog.txt", "error.gov"],
    ] {
        let run = run_fixture(args);
        run.expect_code(2);
        assert!(run.stderr.contains("error[E0904]"), "{}", run.stderr);
        assert!(run.stderr.contains("no-such-catalog.txt"), "{}", run.stderr);
    }
}

/// Bytes from a fixed-seed xorshift: the same garbage on every run.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn catalog_flag_with_garbage_exits_2_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let real = std::fs::read_to_string(repo().join("catalog/catalog.txt")).unwrap();
    let header_only: String = real.lines().take(8).collect::<Vec<_>>().join("\n");
    let mut cut = real.len() / 2;
    while !real.is_char_boundary(cut) {
        cut -= 1;
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("random.bin", garbage(64 * 1024, 0x9E37_79B9_7F4A_7C15)),
        ("empty.txt", Vec::new()),
        ("text.txt", b"hello, catalog\n".to_vec()),
        ("json.txt", b"{\"services\": []}\n".to_vec()),
        ("header-only.txt", header_only.into_bytes()),
        ("truncated.txt", real.as_bytes()[..cut].to_vec()),
        (
            "no-header.txt",
            real.lines()
                .skip(8)
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
        ),
    ];
    write(
        dir.path(),
        "case.gov",
        "scp P { deny sagemaker:CreateApp }\n",
    );
    for (name, bytes) in &cases {
        write(dir.path(), name, bytes);
        for args in [
            &["--catalog", name, "check", "case.gov"][..],
            &["--catalog", name, "catalog", "info"],
        ] {
            let run = run_in(dir.path(), args);
            run.expect_code(2);
            assert!(
                run.stderr.contains("error[E0904]"),
                "{name} {args:?}: {}",
                run.stderr
            );
            assert!(run.stderr.lines().count() <= 3, "{name}: {}", run.stderr);
        }
    }
    // A folder where the file should be.
    let run = run_in(dir.path(), &["--catalog", ".", "check", "case.gov"]);
    run.expect_code(2);
    assert!(run.stderr.contains("E0904"), "{}", run.stderr);
}

// ---- bad input --------------------------------------------------------------

#[test]
fn an_empty_file_warns_w0001_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.gov", "");
    write(
        dir.path(),
        "comments.gov",
        "// nothing yet\n/* still nothing */\n",
    );
    let run = run_in(
        dir.path(),
        &["check", "--format", "json", "empty.gov", "comments.gov"],
    );
    run.expect_code(0);
    assert_eq!(run.codes(), ["W0001", "W0001"]);
    let d = &run.json()[0];
    assert_eq!(d["file"], "empty.gov");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(1))
    );
    run_in(dir.path(), &["check", "--deny-warnings", "empty.gov"]).expect_code(1);
}

#[test]
fn invalid_utf8_is_e0007_at_the_bad_byte() {
    let run = run_fixture(&["check", "--format", "json", "invalid-utf8.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0007"]);
    let d = &run.json()[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(23))
    );
    let human = run_fixture(&["check", "invalid-utf8.gov"]);
    human.expect_code(1);
    assert!(
        human.stderr.contains("invalid-utf8.gov:2:23"),
        "{}",
        human.stderr
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let run = run_fixture(&["check", "--format", "json", "bom.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0102"]);
    let d = &run.json()[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(10))
    );
    let text = std::fs::read_to_string(fixtures().join("bom.gov")).unwrap();
    assert_eq!(underlined(&text, d), "\"sagemaker:Create:p\"");

    // A clean file with a BOM stays clean.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bom.gov",
        format!("\u{FEFF}{}", example("studio-access.gov")),
    );
    let run = run_in(dir.path(), &["check", "--deny-warnings", "bom.gov"]);
    run.expect_code(0);
}

#[test]
fn crlf_line_endings_keep_lines_and_columns() {
    let run = run_fixture(&["check", "--format", "json", "crlf.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0103"]);
    let d = &run.json()[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(14))
    );
    let text = std::fs::read_to_string(fixtures().join("crlf.gov")).unwrap();
    assert_eq!(underlined(&text, d), "sagemaker:Nope");
    let human = run_fixture(&["check", "crlf.gov"]);
    assert!(human.stderr.contains("crlf.gov:4:14"), "{}", human.stderr);
    assert!(!human.stderr.contains('\r'), "{:?}", human.stderr);

    let dir = tempfile::tempdir().unwrap();
    let crlf = example("studio-access.gov").replace('\n', "\r\n");
    write(dir.path(), "crlf.gov", crlf);
    run_in(dir.path(), &["check", "--deny-warnings", "crlf.gov"]).expect_code(0);
}

#[test]
fn tabs_count_as_one_column() {
    let run = run_fixture(&["check", "--format", "json", "tabs.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0102"]);
    let d = &run.json()[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(7))
    );
    let text = std::fs::read_to_string(fixtures().join("tabs.gov")).unwrap();
    assert_eq!(underlined(&text, d), "\"sagemaker:Create:p\"");

    let dir = tempfile::tempdir().unwrap();
    let tabs = example("studio-access.gov").replace("    ", "\t");
    write(dir.path(), "tabs.gov", tabs);
    run_in(dir.path(), &["check", "--deny-warnings", "tabs.gov"]).expect_code(0);
}

/// About 10 MB of valid, varied rules: consts, SCPs and identity policies.
fn ten_megabytes() -> (String, usize) {
    let mut text = String::from("// Generated: many valid declarations.\n");
    let mut rules = 0;
    let mut i = 0usize;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!(
            "const approved{i} = [\"ml.t3.medium\", \"ml.m5.large\", \"ml.c5.{}xlarge\"]\n\
             /// Studio apps on approved types only ({i}).\n\
             @control(\"gen:{i}\")\n\
             scp LimitTypes{i} {{\n    deny sagemaker:CreateApp\n        unless sagemaker:InstanceTypes all like approved{i}\n           and sagemaker:InstanceTypes present\n    deny sagemaker:CreateDomain\n        unless sagemaker:AppNetworkAccessType == \"VpcOnly\"\n}}\n\
             policy FromOffice{i} {{\n    allow [sagemaker:CreatePresignedDomainUrl, sagemaker:DescribeUserProfile]\n        when aws:SourceIp in [\"10.{}.0.0/16\", \"192.0.2.0/24\"]\n}}\n",
            i % 8 + 2,
            i % 256
        ));
        rules += 3;
        i += 1;
    }
    (text, rules)
}

#[test]
fn a_ten_megabyte_file_checks() {
    let dir = tempfile::tempdir().unwrap();
    let (text, rules) = ten_megabytes();
    write(dir.path(), "big.gov", &text);
    let run = run_cmd(gov(dir.path(), &["check", "big.gov"]), LARGE);
    run.expect_code(0);
    assert!(
        run.stderr.contains("checked 1 file: 0 errors, 0 warnings"),
        "{}",
        head(&run.stderr)
    );
    println!(
        "10 MB file ({} bytes, {rules} rules): checked in {:?} by the {} binary",
        text.len(),
        run.elapsed,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}

#[test]
fn ten_thousand_nested_parentheses_are_e0004() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "scp P {{\n    deny s3:GetObject when {}aws:SecureTransport present{}\n}}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    write(dir.path(), "deep.gov", &text);
    let run = run_in(dir.path(), &["check", "--format", "json", "deep.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0004"]);
    let d = &run.json()[0];
    assert_eq!(d["line"], 2);
    assert_eq!(underlined(&text, d), "(");
    // Unclosed ones too, and brackets and braces.
    for (name, text) in [
        (
            "open.gov",
            format!("scp P {{ deny s3:GetObject when {}\n", "(".repeat(10_000)),
        ),
        (
            "brackets.gov",
            format!("const c = {}\n", "[".repeat(10_000)),
        ),
        ("braces.gov", format!("scp P {}\n", "{".repeat(10_000))),
    ] {
        write(dir.path(), name, &text);
        let run = run_in(dir.path(), &["check", "--format", "json", name]);
        run.expect_code(1);
        assert_eq!(run.codes(), ["E0004"], "{name}");
        // The human rendering stays short.
        let human = run_in(dir.path(), &["check", name]);
        assert!(
            human.stderr.len() < 20_000,
            "{name}: {} bytes",
            human.stderr.len()
        );
    }
}

#[test]
fn a_one_megabyte_string_is_checked_and_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(1 << 20);
    // Valid: a huge const, and an error on the next line is still found.
    let text = format!("const big = [\"{big}\"]\nscp P {{ deny \"sagemaker:Create:p\" }}\n");
    write(dir.path(), "big-string.gov", &text);
    let run = run_in(dir.path(), &["check", "--format", "json", "big-string.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0102"]);
    let d = &run.json()[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(14))
    );

    // In a condition.
    let text = format!(
        "scp P {{ deny sagemaker:CreateDomain unless sagemaker:AppNetworkAccessType == \"{big}\" }}\n"
    );
    write(dir.path(), "big-operand.gov", &text);
    run_in(dir.path(), &["check", "big-operand.gov"]).expect_code(0);

    // Unterminated: E0002, and the megabyte line is not echoed.
    let text = format!("const big = [\"{big}]\n");
    write(dir.path(), "unterminated.gov", &text);
    let run = run_in(dir.path(), &["check", "unterminated.gov"]);
    run.expect_code(1);
    assert!(run.stderr.contains("error[E0002]"), "{}", head(&run.stderr));
    assert!(
        run.stderr.contains("unterminated.gov:1:14"),
        "{}",
        head(&run.stderr)
    );
    assert!(
        run.stderr.len() < 10_000,
        "{} bytes of output",
        run.stderr.len()
    );
    let json = run_in(
        dir.path(),
        &["check", "--format", "json", "unterminated.gov"],
    );
    assert_eq!(json.codes(), ["E0002"]);
    assert!(
        json.stdout.len() < 10_000,
        "{} bytes of output",
        json.stdout.len()
    );
}

#[test]
fn an_import_cycle_is_e0105() {
    let run = run_fixture(&["check", "--format", "json", "cycle/a.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0105"]);
    let d = &run.json()[0];
    assert_eq!(d["file"], "cycle/b.gov");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(8))
    );
    let text = std::fs::read_to_string(fixtures().join("cycle/b.gov")).unwrap();
    assert_eq!(underlined(&text, d), "\"a.gov\"");
    // Named as a folder: the same cycle, reported once.
    let run = run_fixture(&["check", "--format", "json", "cycle"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0105"]);

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "self.gov",
        "import \"self.gov\"\nscp S { deny s3:GetObject }\n",
    );
    let run = run_in(dir.path(), &["check", "--format", "json", "self.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0105"]);
}

#[test]
fn a_missing_import_is_e0106() {
    let run = run_fixture(&["check", "--format", "json", "missing-import.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0106"]);
    let d = &run.json()[0];
    assert_eq!(d["file"], "missing-import.gov");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(8))
    );
    let text = std::fs::read_to_string(fixtures().join("missing-import.gov")).unwrap();
    assert_eq!(underlined(&text, d), "\"missing.gov\"");
    // A folder is not an importable file either.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sub/keep.txt", "");
    write(dir.path(), "dir.gov", "import \"sub\"\n");
    let run = run_in(dir.path(), &["check", "--format", "json", "dir.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0106"]);
}

#[test]
fn several_errors_in_one_file_are_all_reported() {
    let run = run_fixture(&["check", "--format", "json", "several-errors.gov"]);
    run.expect_code(1);
    let text = std::fs::read_to_string(fixtures().join("several-errors.gov")).unwrap();
    let found: Vec<(String, u64, String)> = run
        .json()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                underlined(&text, d),
            )
        })
        .collect();
    let expected = [
        ("E0101", 2, "sagemakr"),
        ("E0102", 7, "\"sagemaker:Create:p\""),
        ("E0103", 11, "sagemaker:VpcSubnet"),
        ("E0001", 15, "="),
        ("E0104", 19, "aproved"),
        ("E0203", 23, "\"10.0.0.0/33\""),
    ];
    let expected: Vec<(String, u64, String)> = expected
        .iter()
        .map(|(c, l, u)| (c.to_string(), *l, u.to_string()))
        .collect();
    assert_eq!(found, expected);
    let human = run_fixture(&["check", "several-errors.gov"]);
    assert!(
        human.stderr.contains("checked 1 file: 6 errors"),
        "{}",
        human.stderr
    );
}

#[test]
fn errors_in_several_files_are_all_reported() {
    let run = run_fixture(&[
        "check",
        "--format",
        "json",
        "error.gov",
        "tabs.gov",
        "crlf.gov",
        "missing-import.gov",
    ]);
    run.expect_code(1);
    let files: Vec<(String, String)> = run
        .json()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (file, code) in [
        ("error.gov", "E0102"),
        ("tabs.gov", "E0102"),
        ("crlf.gov", "E0103"),
        ("missing-import.gov", "E0106"),
    ] {
        assert!(
            files.contains(&(file.to_string(), code.to_string())),
            "{file} {code} missing: {files:?}"
        );
    }
}

// ---- known bugs: the right behaviour, pinned ----------------------------------

#[test]
fn a_long_chain_of_not_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "scp P {{ deny s3:GetObject when {}aws:SecureTransport present }}\n",
        "not ".repeat(100_000)
    );
    write(dir.path(), "nots.gov", text);
    let run = run_in(dir.path(), &["check", "nots.gov"]);
    run.expect_sane();
    assert!(matches!(run.code, Some(0 | 1)), "{run:?}");
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bom.gov",
        "\u{FEFF}scp P { deny \"sagemaker:Create:p\" }\n",
    );
    let run = run_in(dir.path(), &["check", "--format", "json", "bom.gov"]);
    run.expect_code(1);
    let d = &run.json()[0];
    // As an editor shows it: the action starts at column 14.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(14))
    );
}

#[test]
fn an_unterminated_string_with_crlf_does_not_underline_the_cr() {
    let dir = tempfile::tempdir().unwrap();
    let text = "scp P {\r\n    deny sagemaker:CreateApp when sagemaker:AppNetworkAccessType == \"VpcOnly\r\n}\r\n";
    write(dir.path(), "crlf.gov", text);
    let run = run_in(dir.path(), &["check", "--format", "json", "crlf.gov"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0002"]);
    assert_eq!(underlined(text, &run.json()[0]), "\"VpcOnly");
}

#[test]
fn a_failed_write_is_not_a_panic() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return;
    }
    let cmd = gov(&fixtures(), &["check", "--format", "json", "error.gov"]);
    let run = run_to(cmd, SMALL, std::fs::File::create(full).unwrap().into());
    run.expect_sane();
    // A write error is an I/O error: exit 2, said in one line.
    run.expect_code(2);
}

#[test]
fn a_catalog_that_does_not_parse_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "case.gov",
        "scp P { deny sagemaker:CreateApp }\n",
    );
    write(dir.path(), "empty-catalog.txt", "");
    let run = run_in(
        dir.path(),
        &["--catalog", "empty-catalog.txt", "check", "case.gov"],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("E0904"), "{}", run.stderr);
    assert!(run.stderr.contains("empty-catalog.txt"), "{}", run.stderr);
}

/// A JSON file over the 10 MB limit is read only up to the limit, and
/// `lint` and `import` report its real size (they once said limit + 1).
#[test]
fn an_oversize_json_file_reports_its_real_size() {
    let dir = tempfile::tempdir().unwrap();
    let size = (10 << 20) + 5_000;
    let text = format!("{{\"Statement\": \"{}\"}}", "x".repeat(size - 17));
    assert_eq!(text.len(), size);
    write(dir.path(), "big.json", &text);
    let run = run_in(dir.path(), &["lint", "--format", "json", "big.json"]);
    run.expect_code(1);
    assert_eq!(run.codes(), ["E0604"]);
    let message = run.json()[0]["message"].as_str().unwrap().to_string();
    assert_eq!(
        message,
        format!("file is {size} bytes, over the limit of 10485760 bytes")
    );
    let run = run_in(dir.path(), &["import", "big.json"]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains(&message), "{}", head(&run.stderr));
}
