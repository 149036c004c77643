//! `gov check`, `gov build`, `gov test`, `gov catalog import`.

use super::{
    EXIT_FINDINGS, EXIT_USAGE, Format, check_or_report, default_paths, plural, usage_error,
};
use gov::catalog::Catalog;
use gov::diag::{self, Diagnostic, codes};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(crate) fn run_check(
    paths: Vec<PathBuf>,
    format: Format,
    deny_warnings: bool,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let paths = default_paths(paths);
    let (loaded, checked) = match check_or_report(&paths, catalog) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let diags: &[Diagnostic] = &checked.diagnostics;
    match format {
        Format::Human => {
            err!("{}", diag::render_human(&loaded.sources, diags, color));
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            errln!(
                "checked {} file{}: {errors} error{}, {warnings} warning{}",
                loaded.files.len(),
                plural(loaded.files.len()),
                plural(errors),
                plural(warnings)
            );
        }
        Format::Json => out!("{}", diag::render_json(&loaded.sources, diags)),
    }
    let failed = checked.has_errors() || (deny_warnings && !diags.is_empty());
    if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Whether `out` lies inside `dir` (either may not exist yet).
pub(crate) fn inside(out: &Path, dir: &Path) -> bool {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve what exists; keep the rest as written.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|n| n.to_os_string()),
                existing.parent(),
            ) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
        for part in rest.into_iter().rev() {
            resolved.push(part);
        }
        resolved
    };
    absolute(out).starts_with(absolute(dir))
}

pub(crate) fn run_build(
    paths: Vec<PathBuf>,
    out: &Path,
    split: bool,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let paths = default_paths(paths);
    for p in &paths {
        if p.is_dir() && inside(out, p) {
            usage_error(
                codes::E0906,
                format!(
                    "the output folder `{}` is inside the source folder `{}`",
                    out.display(),
                    p.display()
                ),
            );
            errln!("  = help: write the build elsewhere, such as `--out dist`");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let (loaded, checked) = match check_or_report(&paths, catalog) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let mut inputs = Vec::new();
    for policy in &checked.program.policies {
        match gov::lower::lower_policy(policy) {
            Ok(doc) => inputs.push(gov::emit::Input {
                policy,
                doc,
                source_path: loaded.sources.name(policy.file).to_string(),
                line: loaded.sources.line_col(policy.file, policy.span.start).0,
            }),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        diag::sort(&mut errors);
        err!("{}", diag::render_human(&loaded.sources, &errors, color));
        errln!(
            "build failed: {} error{}, nothing written",
            errors.len(),
            plural(errors.len())
        );
        return ExitCode::from(EXIT_FINDINGS);
    }
    let options = gov::emit::Options {
        split,
        catalog: Some(catalog.info().clone()),
    };
    match gov::emit::build(&inputs, out, &options) {
        Ok(manifest) => {
            for entry in &manifest.policies {
                outln!(
                    "{:<60} {:>6} of {:>6} characters",
                    entry.path,
                    entry.size,
                    entry.limit
                );
            }
            errln!(
                "wrote {} document{} and manifest.json to {}",
                manifest.policies.len(),
                plural(manifest.policies.len()),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(build_errors) => {
            let mut diags = Vec::new();
            let mut io = false;
            for e in build_errors {
                match e {
                    gov::emit::BuildError::Diagnostic(d) => diags.push(d),
                    other => {
                        io = true;
                        usage_error(other.code(), &other);
                    }
                }
            }
            err!("{}", diag::render_human(&loaded.sources, &diags, color));
            errln!("build failed, nothing written");
            ExitCode::from(if io { EXIT_USAGE } else { EXIT_FINDINGS })
        }
    }
}

pub(crate) fn run_test(paths: Vec<PathBuf>, color: bool, catalog: &Catalog) -> ExitCode {
    let paths = default_paths(paths);
    let (loaded, checked) = match check_or_report(&paths, catalog) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (compiled, lower_errors) = gov::testing::compile(&checked.program);
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .chain(lower_errors)
        .collect();
    if !errors.is_empty() {
        err!("{}", diag::render_human(&loaded.sources, &errors, color));
    }
    let report = gov::testing::run(&checked.program, &compiled);
    out!("{}", report.render(&loaded.sources));
    outln!("{}", report.summary());
    if report.failures.is_empty() && errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    }
}

pub(crate) fn run_import(dir: &Path, out: &Path) -> ExitCode {
    let text = match gov::catalog::import_dir(dir) {
        Ok(t) => t,
        Err(e) => {
            usage_error(
                codes::E0905,
                format!("cannot import the catalog from `{}`: {e}", dir.display()),
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    // Prove the result loads before replacing anything.
    if let Err(e) = Catalog::parse(text.clone()) {
        usage_error(
            codes::E0905,
            format!("the imported catalog does not load: {e}"),
        );
        return ExitCode::from(EXIT_USAGE);
    }
    if let Err(e) = gov::fsutil::write_atomic(out, text.as_bytes()) {
        usage_error(
            codes::E0902,
            format!("cannot write `{}`: {e}", out.display()),
        );
        return ExitCode::from(EXIT_USAGE);
    }
    errln!("wrote {} ({} bytes)", out.display(), text.len());
    ExitCode::SUCCESS
}
