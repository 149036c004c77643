//! The command line's own modules (part of the `gov` binary, not of the
//! library): output that never panics, shared helpers, and one module per
//! group of commands.

use clap::ValueEnum;
use gov::catalog::Catalog;
use gov::diag::codes;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when writing to standard output failed (a closed pipe, a full disk):
/// the run then exits 2 instead of panicking.
pub(crate) static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

pub(crate) fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).is_err() {
        STDOUT_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Diagnostics go to standard error; if that fails there is nobody left to tell.
pub(crate) fn write_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

#[macro_export]
macro_rules! out { ($($t:tt)*) => { $crate::cli::write_stdout(&format!($($t)*)) } }
#[macro_export]
macro_rules! outln { ($($t:tt)*) => { $crate::cli::write_stdout(&format!("{}\n", format!($($t)*))) } }
#[macro_export]
macro_rules! err { ($($t:tt)*) => { $crate::cli::write_stderr(&format!($($t)*)) } }
#[macro_export]
macro_rules! errln { ($($t:tt)*) => { $crate::cli::write_stderr(&format!("{}\n", format!($($t)*))) } }

pub(crate) mod args;
pub(crate) mod compile;
pub(crate) mod diff;
pub(crate) mod eval;
pub(crate) mod project;
pub(crate) mod review;
pub(crate) mod watch;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    Human,
    Json,
    /// One SARIF 2.1.0 log on standard output, for code-scanning services.
    Sarif,
}

/// `[sarif] codes-url` of the project file, set once when it is read.
pub(crate) static CODES_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// What SARIF logs say of gov itself.
pub(crate) fn sarif_tool() -> gov::diag::sarif::ToolInfo {
    let repository = env!("CARGO_PKG_REPOSITORY");
    gov::diag::sarif::ToolInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        repository: (!repository.is_empty()).then(|| repository.to_string()),
        codes_url: CODES_URL.get().cloned(),
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum DiffFormat {
    Human,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum FailOn {
    Widen,
    Narrow,
    Any,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Kind {
    Scp,
    Rcp,
    Policy,
    ResourcePolicy,
    KeyPolicy,
    TrustPolicy,
}

impl Kind {
    pub(crate) fn policy_kind(self) -> gov::ir::PolicyKind {
        match self {
            Kind::Scp => gov::ir::PolicyKind::Scp,
            Kind::Rcp => gov::ir::PolicyKind::Rcp,
            Kind::Policy => gov::ir::PolicyKind::Identity,
            Kind::ResourcePolicy => gov::ir::PolicyKind::ResourcePolicy,
            Kind::KeyPolicy => gov::ir::PolicyKind::KeyPolicy,
            Kind::TrustPolicy => gov::ir::PolicyKind::TrustPolicy,
        }
    }
}

/// Exit codes: 0 clean, 1 errors (or warnings with `--deny-warnings`), 2 usage or I/O errors.
pub(crate) const EXIT_FINDINGS: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;

pub(crate) fn version_text() -> String {
    match Catalog::embedded() {
        Ok(c) => format!(
            "{} (catalog {} {} of {})",
            env!("CARGO_PKG_VERSION"),
            c.info().source,
            c.info().version,
            c.info().date
        ),
        Err(_) => env!("CARGO_PKG_VERSION").to_string(),
    }
}

pub(crate) fn usage_error(code: codes::Code, message: impl std::fmt::Display) {
    errln!("error[{code}]: {}", gov::diag::escape(&message.to_string()));
}

pub(crate) fn load_catalog(path: Option<&Path>) -> Option<&'static Catalog> {
    let loaded = match path {
        None => Catalog::embedded().map_err(|e| e.to_string()),
        // Leaked on purpose: one catalog lives as long as the process.
        Some(p) => Catalog::load(p)
            .map(|c| &*Box::leak(Box::new(c)))
            .map_err(|e| {
                // Name the file once, whether or not the error already does.
                let shown = p.display().to_string();
                let text = e.to_string();
                if text.contains(&shown) {
                    text
                } else {
                    format!("in the catalog `{shown}`: {text}")
                }
            }),
    };
    match loaded {
        Ok(c) => Some(c),
        Err(e) => {
            usage_error(codes::E0904, e);
            None
        }
    }
}

/// `levels` with `--level CODE=LEVEL` and `--deny-warnings` applied on top;
/// a bad one is reported here (`None`).
pub(crate) fn levels_onto(
    mut levels: gov::diag::levels::Levels,
    texts: &[String],
    deny_warnings: bool,
) -> Option<gov::diag::levels::Levels> {
    use gov::diag::levels::LevelError;
    levels.deny_warnings |= deny_warnings;
    for text in texts {
        if let Err(e) = levels.set_from_text(text) {
            let code = match e {
                LevelError::UnknownCode(_) => codes::E0910,
                LevelError::Malformed(_) | LevelError::ErrorLowered(..) => codes::E0911,
            };
            usage_error(code, format!("in `--level {text}`: {e}"));
            return None;
        }
    }
    Some(levels)
}

/// The paths named, or `policies/`.
pub(crate) fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        paths
    }
}

/// Loads, checks and lowers; a problem with the paths themselves is
/// reported here.
/// [`compile_or_report`] with one more source given as text.
pub(crate) fn compile_or_report_with(
    paths: &[PathBuf],
    name: &str,
    text: &str,
    values: &gov::compile::ParamValues,
    catalog: &Catalog,
) -> Result<gov::Compilation, ExitCode> {
    reported(gov::compile::compile_paths_with_text(
        paths, name, text, values, catalog,
    ))
}

/// A compilation, or its paths' problem reported as a usage error.
fn reported(
    compiled: Result<gov::Compilation, gov::load::LoadError>,
) -> Result<gov::Compilation, ExitCode> {
    compiled.map_err(|e| {
        usage_error(e.code(), e);
        ExitCode::from(EXIT_USAGE)
    })
}

pub(crate) fn compile_or_report(
    paths: &[PathBuf],
    values: &gov::compile::ParamValues,
    catalog: &Catalog,
) -> Result<gov::Compilation, ExitCode> {
    reported(gov::compile::compile_paths_with_params(
        paths, values, catalog,
    ))
}

/// [`compile_or_report`] for `gov check`: the documents are not kept.
pub(crate) fn check_or_report(
    paths: &[PathBuf],
    values: &gov::compile::ParamValues,
    catalog: &Catalog,
) -> Result<gov::Compilation, ExitCode> {
    reported(gov::compile::check_paths_with_params(
        paths, values, catalog,
    ))
}

/// A path as printed on the terminal: control characters escaped.
pub(crate) fn shown(path: &Path) -> String {
    gov::diag::escape(&path.display().to_string()).into_owned()
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
