//! `gov fmt`, `gov lint`, `gov import`, `gov explain`.

use super::{EXIT_FINDINGS, EXIT_USAGE, Format, default_paths, plural, shown, usage_error};
use gov::catalog::Catalog;
use gov::diag::{self, codes};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(crate) fn run_fmt(paths: Vec<PathBuf>, check: bool, color: bool) -> ExitCode {
    let paths = default_paths(paths);
    let (outcomes, problems) = match gov::format::format_paths(&paths, check) {
        Ok(outcomes) => (outcomes, None),
        Err(gov::format::FormatRunError::Path(e)) => {
            usage_error(e.code(), e);
            return ExitCode::from(EXIT_USAGE);
        }
        Err(gov::format::FormatRunError::Files(errors)) => (errors.outcomes.clone(), Some(errors)),
    };
    let changed: Vec<&gov::format::FileOutcome> = outcomes.iter().filter(|o| o.changed).collect();
    for o in &changed {
        if check {
            outln!("{}", shown(&o.path));
        } else {
            errln!("formatted {}", shown(&o.path));
        }
    }
    let mut io_failed = false;
    if let Some(errors) = &problems {
        err!(
            "{}",
            diag::render_human(&errors.sources, &errors.diagnostics(), color)
        );
        for failure in &errors.failures {
            if let Some(code) = failure.code() {
                io_failed |= code == codes::E0902;
                usage_error(code, failure);
            }
        }
    }
    if io_failed {
        ExitCode::from(EXIT_USAGE)
    } else if problems.is_some() || (check && !changed.is_empty()) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a JSON file to lint or import, never past the lint size limit:
/// the bytes read and the file's real size.
pub(crate) fn read_json(path: &Path) -> Result<(Vec<u8>, usize), String> {
    gov::load::read_limited(path, gov::jsonlint::MAX_LINT_BYTES)
}

pub(crate) fn run_lint(
    files: &[PathBuf],
    kind: Option<gov::ir::PolicyKind>,
    format: Format,
    levels: &gov::diag::levels::Levels,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let mut sources = gov::source::SourceMap::new();
    let mut diags = Vec::new();
    for path in files {
        let (bytes, size) = match read_json(path) {
            Ok(b) => b,
            Err(reason) => {
                usage_error(
                    codes::E0902,
                    format!("cannot read `{}`: {reason}", path.display()),
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let id = sources.add(
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        );
        if size > gov::jsonlint::MAX_LINT_BYTES {
            diags.push(gov::jsonlint::too_large(id, size));
            continue;
        }
        diags.extend(gov::jsonlint::lint_bytes(id, &bytes, kind, catalog));
    }
    let diags = levels.apply(&diags);
    match format {
        Format::Human => {
            err!("{}", diag::render_human(&sources, &diags, color));
            let errors = diags.iter().filter(|d| d.is_error()).count();
            errln!(
                "linted {} file{}: {errors} error{}, {} warning{}",
                files.len(),
                plural(files.len()),
                plural(errors),
                diags.len() - errors,
                plural(diags.len() - errors)
            );
        }
        Format::Json => out!("{}", diag::render_json(&sources, &diags)),
        Format::Sarif => out!(
            "{}",
            diag::sarif::render_sarif(&sources, &diags, &[], levels, &super::sarif_tool())
        ),
    }
    if levels.fails(&diags) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// A policy name from a file stem: letters and digits, words capitalised.
pub(crate) fn policy_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name = String::new();
    let mut upper = true;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Imported");
    }
    name
}

pub(crate) fn run_import_json(
    files: &[PathBuf],
    kind: Option<gov::ir::PolicyKind>,
    out: Option<&Path>,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let mut sources = gov::source::SourceMap::new();
    let mut failed = false;
    for path in files {
        let (bytes, size) = match read_json(path) {
            Ok(b) => b,
            Err(reason) => {
                usage_error(
                    codes::E0902,
                    format!("cannot read `{}`: {reason}", path.display()),
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let id = sources.add(path.display().to_string(), text.clone());
        if size > gov::jsonlint::MAX_LINT_BYTES {
            let diags = [gov::jsonlint::too_large(id, size)];
            err!("{}", diag::render_human(&sources, &diags, color));
            failed = true;
            continue;
        }
        if std::str::from_utf8(&bytes).is_err() {
            let diags = gov::jsonlint::lint_bytes(id, &bytes, kind, catalog);
            err!("{}", diag::render_human(&sources, &diags, color));
            failed = true;
            continue;
        }
        let name = policy_name(path);
        match gov::import::import_with(id, &text, &name, kind, catalog) {
            Ok(source) => match out {
                Some(dir) => {
                    let target = dir.join(format!(
                        "{}.gov",
                        path.file_stem()
                            .map(|s| s.to_string_lossy())
                            .unwrap_or_default()
                    ));
                    if let Err(e) = std::fs::create_dir_all(dir)
                        .and_then(|()| gov::fsutil::write_atomic(&target, source.as_bytes()))
                    {
                        usage_error(
                            codes::E0902,
                            format!("cannot write `{}`: {e}", target.display()),
                        );
                        return ExitCode::from(EXIT_USAGE);
                    }
                    errln!("wrote {}", shown(&target));
                }
                None => out!("{source}"),
            },
            Err(diags) => {
                err!("{}", diag::render_human(&sources, &diags, color));
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn run_explain(id: &str) -> ExitCode {
    let entry = gov::diag::explain::parse_code(id).and_then(gov::diag::explain::entry);
    match entry {
        Some(entry) => {
            out!("{}", gov::diag::explain::render(&entry));
            ExitCode::SUCCESS
        }
        None => {
            usage_error(codes::E0910, format!("unknown code `{id}`"));
            errln!(
                "  = help: codes are a letter and four digits, such as `E0301`; docs/codes.md lists them all"
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}
