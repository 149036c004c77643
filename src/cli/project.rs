//! The project file on the command line (`gov.toml`: found, read, reported
//! when wrong, overridden by flags), `gov init`, and what is generated from
//! the command definitions: shell completions and the man page.

use super::{EXIT_USAGE, shown, usage_error};
use gov::compile::{FileValue, ParamValues, ValuesFile};
use gov::config::{Config, ConfigError, FILE_NAME};
use gov::diag::codes;
use gov::source::{Span, Spanned};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The project file named by `--config`, or the nearest `gov.toml` from the
/// working folder up; `Ok(None)` when there is none. A file that cannot be
/// used is reported here.
pub(crate) fn load(explicit: Option<&Path>, color: bool) -> Result<Option<Config>, ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = match explicit {
        Some(path) => {
            if !path.is_file() {
                usage_error(
                    codes::E0901,
                    format!("the project file `{}` does not exist", path.display()),
                );
                return Err(ExitCode::from(EXIT_USAGE));
            }
            path.to_path_buf()
        }
        None => match gov::config::find(&cwd) {
            Some(found) => found,
            None => return Ok(None),
        },
    };
    match gov::config::load(&path, &cwd) {
        Ok(config) => Ok(Some(config)),
        Err(ConfigError::Read(path, e)) => {
            usage_error(
                codes::E0902,
                format!("cannot read `{}`: {e}", path.display()),
            );
            Err(ExitCode::from(EXIT_USAGE))
        }
        Err(ConfigError::Invalid {
            sources,
            diagnostics,
        }) => {
            err!("{}", gov::diag::render_human(&sources, &diagnostics, color));
            let name = diagnostics
                .first()
                .map_or(String::new(), |d| sources.name(d.file).to_string());
            errln!(
                "{} is not usable: {} error{}",
                gov::diag::escape(&name),
                diagnostics.len(),
                super::plural(diagnostics.len())
            );
            Err(ExitCode::from(EXIT_USAGE))
        }
    }
}

/// The source paths: those given, else `sources` of the project file, else
/// `policies/`.
pub(crate) fn sources(given: Vec<PathBuf>, config: Option<&Config>) -> Vec<PathBuf> {
    match config {
        Some(c) if given.is_empty() && !c.sources.is_empty() => c.sources.clone(),
        _ => super::default_paths(given),
    }
}

/// The values of the params: `[params]` of the project file (each read at
/// its place in the file), then `--set` on top (a later value of a name
/// replaces an earlier one), each as `NAME=VALUE` with a list's values
/// separated by `,`.
pub(crate) fn values(given: Vec<String>, config: Option<&Config>) -> ParamValues {
    let file = config.filter(|c| !c.params.is_empty()).map(|c| ValuesFile {
        name: c.shown.clone(),
        text: c.text.clone(),
        values: c
            .params
            .iter()
            .map(|(name, p)| FileValue {
                name: Spanned::new(name.clone(), p.name_span),
                span: p.span,
                items: items(&p.value, &p.items),
            })
            .collect(),
    });
    ParamValues { file, set: given }
}

/// The items of a `[params]` value, each as `--set` writes it, at its span:
/// a list's items at theirs, any other value at the value's.
fn items(value: &toml::Value, spans: &[Span]) -> Vec<Spanned<String>> {
    match value {
        toml::Value::Array(items) => items
            .iter()
            .zip(spans)
            .map(|(item, span)| Spanned::new(param_text(item), *span))
            .collect(),
        other => spans
            .iter()
            .take(1)
            .map(|span| Spanned::new(param_text(other), *span))
            .collect(),
    }
}

/// A `[params]` value as `--set` writes it: a string as it is, a list as
/// its items separated by `,`.
fn param_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => items.iter().map(param_text).collect::<Vec<_>>().join(","),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        // Dates and tables are no param's type: given as written, the
        // param's type check reports them.
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Table(_) => "{…}".to_string(),
    }
}

/// The catalog file: `--catalog`, else `catalog` of the project file.
pub(crate) fn catalog(given: Option<PathBuf>, config: Option<&Config>) -> Option<PathBuf> {
    given.or_else(|| config.and_then(|c| c.catalog.clone()))
}

/// The levels of a run: the project file's, then the flags on top.
pub(crate) fn levels(
    texts: &[String],
    deny_warnings: bool,
    config: Option<&Config>,
) -> Option<gov::diag::levels::Levels> {
    let base = config.map(Config::levels).unwrap_or_default();
    super::levels_onto(base, texts, deny_warnings)
}

/// What `gov init` writes, relative to the project folder.
const SCAFFOLD: &[(&str, &str)] = &[
    (FILE_NAME, include_str!("scaffold/gov.toml")),
    ("policies/example.gov", include_str!("scaffold/example.gov")),
    (
        ".github/workflows/gov.yml",
        include_str!("../../examples/ci/github-actions.yml"),
    ),
    (
        ".pre-commit-config.yaml",
        include_str!("scaffold/pre-commit-config.yaml"),
    ),
];

/// `gov init [DIR]`: refuses if any file it would write exists (`E0923`,
/// nothing written); otherwise writes each one atomically, never over a file
/// (one that appears meanwhile is still `E0923`).
pub(crate) fn run_init(dir: Option<&Path>) -> ExitCode {
    let dir = dir.unwrap_or(Path::new(""));
    let existing: Vec<PathBuf> = SCAFFOLD
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| path.symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        for path in &existing {
            usage_error(codes::E0923, format!("`{}` already exists", path.display()));
        }
        errln!(
            "  = help: gov init never replaces a file and wrote nothing; move {} away or start in another folder",
            if existing.len() == 1 { "it" } else { "them" }
        );
        return ExitCode::from(EXIT_USAGE);
    }
    for (name, text) in SCAFFOLD {
        let path = dir.join(name);
        let written = match path.parent() {
            Some(parent) => std::fs::create_dir_all(parent),
            None => Ok(()),
        }
        .and_then(|()| gov::fsutil::write_atomic_new(&path, text.as_bytes()));
        match written {
            Ok(()) => {}
            // Created since the look above: still never replaced.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                usage_error(codes::E0923, format!("`{}` already exists", path.display()));
                return ExitCode::from(EXIT_USAGE);
            }
            Err(e) => {
                usage_error(
                    codes::E0902,
                    format!("cannot write `{}`: {e}", path.display()),
                );
                return ExitCode::from(EXIT_USAGE);
            }
        }
        outln!("created {}", shown(&path));
    }
    if dir.as_os_str().is_empty() {
        errln!("next: `gov check`, `gov test` and `gov build`");
    } else {
        errln!(
            "next: `gov check`, `gov test` and `gov build` in {}",
            shown(dir)
        );
    }
    ExitCode::SUCCESS
}

/// `gov completions SHELL`.
pub(crate) fn run_completions(shell: clap_complete::Shell, mut command: clap::Command) -> ExitCode {
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "gov", &mut bytes);
    out!("{}", String::from_utf8_lossy(&bytes));
    ExitCode::SUCCESS
}

/// `gov man`: the page of gov(1), its subcommands listed.
pub(crate) fn run_man(command: clap::Command) -> ExitCode {
    let mut bytes = Vec::new();
    match clap_mangen::Man::new(command).render(&mut bytes) {
        Ok(()) => {
            out!("{}", String::from_utf8_lossy(&bytes));
            ExitCode::SUCCESS
        }
        Err(e) => {
            usage_error(codes::E0907, format!("cannot render the man page: {e}"));
            ExitCode::from(EXIT_USAGE)
        }
    }
}
