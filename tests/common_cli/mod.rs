//! Running the `gov` binary from integration tests: one place for how a test
//! starts it (no colour, no input).

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `gov ARGS` run in `dir`.
pub fn gov(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}
