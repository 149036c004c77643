#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov fmt` reads sources the way every other command does: only regular
//! files, never past the size limit. A FIFO named `x.gov` used to block it
//! forever and a link to `/dev/zero` was read whole.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs gov with a deadline; panics if it does not finish.
fn run_with_deadline(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code().unwrap(), stderr);
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("gov {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("x.gov");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    for args in [&["fmt", "x.gov"][..], &["fmt", "--check", "."][..]] {
        let (code, stderr) = run_with_deadline(dir.path(), args);
        assert_ne!(code, 0, "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.gov")).unwrap();
    let (code, stderr) = run_with_deadline(dir.path(), &["fmt", "zero.gov"]);
    assert_ne!(code, 0, "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn a_file_over_the_limit_is_e0006_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.gov");
    let mut text = String::from("const big = [\"");
    text.push_str(&"x".repeat(gov::syntax::MAX_SOURCE_BYTES));
    text.push_str("\"]\n");
    std::fs::write(&path, &text).unwrap();
    let (code, stderr) = run_with_deadline(dir.path(), &["fmt", "big.gov"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0006"), "{stderr}");
    assert_eq!(std::fs::metadata(&path).unwrap().len() as usize, text.len());
}
