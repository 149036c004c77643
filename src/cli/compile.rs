//! `gov check`, `gov build`, `gov test`, `gov catalog import`.

use super::{
    EXIT_FINDINGS, EXIT_USAGE, Format, compile_or_report, default_paths, plural, shown, usage_error,
};
use gov::catalog::Catalog;
use gov::diag::levels::Levels;
use gov::diag::{self, Diagnostic, codes};
use gov::emit::BuildError;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(crate) fn run_check(
    paths: Vec<PathBuf>,
    sets: &gov::compile::ParamValues,
    format: Format,
    levels: &Levels,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let paths = default_paths(paths);
    let compilation = match super::check_or_report(&paths, sets, catalog) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let reported = levels.apply(&compilation.diagnostics);
    let diags: &[Diagnostic] = &reported;
    let sources = &compilation.loaded.sources;
    match format {
        Format::Human => {
            err!("{}", diag::render_human(sources, diags, color));
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            let files = compilation.loaded.files.len();
            let suppressed = match compilation.suppressed.len() {
                0 => String::new(),
                n => format!(", {n} suppressed"),
            };
            errln!(
                "checked {files} file{}: {errors} error{}, {warnings} warning{}{suppressed}",
                plural(files),
                plural(errors),
                plural(warnings)
            );
        }
        Format::Json => out!("{}", diag::render_json(sources, diags)),
        Format::Sarif => out!(
            "{}",
            diag::sarif::render_sarif(
                sources,
                diags,
                &compilation.suppressed,
                levels,
                &super::sarif_tool()
            )
        ),
    }
    let code = if levels.fails(diags) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    };
    drop(reported);
    exiting(compilation);
    code
}

/// The process ends once the command returns: freeing every tree, table and
/// document of a large compilation one by one would cost a measurable part
/// of the run (about 4 % of `gov check`) for memory the exit hands back at
/// once. Nothing in it holds a file or any other resource to close.
fn exiting(compilation: gov::Compilation) {
    std::mem::forget(compilation);
}

/// A build refused for the compilation's errors: they are printed, nothing
/// was written.
fn build_refused(
    sources: &gov::source::SourceMap,
    diagnostics: &[Diagnostic],
    color: bool,
) -> ExitCode {
    let errors: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    err!("{}", diag::render_human(sources, &errors, color));
    errln!(
        "build failed: {} error{}, nothing written",
        errors.len(),
        plural(errors.len())
    );
    ExitCode::from(EXIT_FINDINGS)
}

pub(crate) fn run_build(
    paths: Vec<PathBuf>,
    sets: &gov::compile::ParamValues,
    out: &Path,
    split: bool,
    check: bool,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let paths = default_paths(paths);
    let options = gov::emit::Options {
        split,
        catalog: Some(catalog.info().clone()),
        ..Default::default()
    };
    if check {
        let compilation = match compile_or_report(&paths, sets, catalog) {
            Ok(c) => c,
            Err(code) => return code,
        };
        if compilation.has_errors() {
            return build_refused(&compilation.loaded.sources, &compilation.diagnostics, color);
        }
        return check_build(&compilation, out, &options, color);
    }
    // Compiled and written in one go: each policy is rendered as soon as it
    // is lowered (nothing is written when the compilation has errors).
    let built = match gov::compile::build_paths_with_params(&paths, sets, catalog, out, &options) {
        Ok(done) => done,
        Err(e) => {
            usage_error(e.code(), e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if built.has_errors() {
        return build_refused(&built.loaded.sources, &built.diagnostics, color);
    }
    let gov::compile::Built { loaded, result, .. } = built;
    match result {
        Ok(manifest) => {
            use std::fmt::Write as _;
            // Written in blocks of 64 KiB: a line-buffered write per document
            // was a system call per document, and the whole listing of 4,000
            // documents (360 KB) in one string added to the build's peak.
            const BLOCK: usize = 1 << 16;
            let org_docs = manifest.org.as_ref().map_or(&[][..], |o| &o.documents[..]);
            let mut listing = String::with_capacity(BLOCK + 256);
            let rows = manifest
                .policies
                .iter()
                .map(|e| (&e.path, e.size, e.limit))
                .chain(org_docs.iter().map(|d| (&d.path, d.size, d.limit)));
            for (path, size, limit) in rows {
                let _ = writeln!(listing, "{path:<60} {size:>6} of {limit:>6} characters");
                if listing.len() >= BLOCK {
                    crate::cli::write_stdout(&listing);
                    listing.clear();
                }
            }
            crate::cli::write_stdout(&listing);
            let written = manifest.policies.len() + org_docs.len();
            errln!(
                "wrote {} document{} and manifest.json to {}",
                written,
                plural(written),
                shown(out)
            );
            // Not freed at exit (see `exiting`): thousands of entries, every source.
            std::mem::forget(manifest);
            std::mem::forget(loaded);
            ExitCode::SUCCESS
        }
        Err(build_errors) => {
            let mut diags = Vec::new();
            let mut usage = false;
            for e in build_errors {
                match e {
                    BuildError::Diagnostic(d) => diags.push(d),
                    BuildError::OutputInsideSources { .. } => {
                        usage_error(e.code(), &e);
                        errln!("  = help: write the build elsewhere, such as `--out dist`");
                        return ExitCode::from(EXIT_USAGE);
                    }
                    BuildError::Io { .. } => {
                        usage = true;
                        usage_error(e.code(), &e);
                    }
                }
            }
            err!("{}", diag::render_human(&loaded.sources, &diags, color));
            errln!("build failed, nothing written");
            ExitCode::from(if usage { EXIT_USAGE } else { EXIT_FINDINGS })
        }
    }
}

/// `gov build --check`: exit 0 when `out` holds exactly this build.
fn check_build(
    compilation: &gov::Compilation,
    out: &Path,
    options: &gov::emit::Options,
    color: bool,
) -> ExitCode {
    let missing_folder = out.symlink_metadata().is_err();
    match compilation.check_build(out, options) {
        Ok(report) => {
            let lists = [
                ("stale", &report.stale),
                ("missing", &report.missing),
                ("no longer produced", &report.no_longer_produced),
            ];
            for (what, paths) in lists {
                for p in paths {
                    outln!("{what}: {}", shown(&out.join(p)));
                }
            }
            if missing_folder {
                // Every file is missing: say why, with a code.
                usage_error(
                    codes::E0925,
                    format!("output folder `{}` does not exist", out.display()),
                );
                errln!(
                    "  = help: `--check` compares a built folder with this build; run `gov build --out {}` and commit the result",
                    shown(out)
                );
                ExitCode::from(EXIT_FINDINGS)
            } else if report.is_current() {
                errln!("{} is up to date", shown(out));
                ExitCode::SUCCESS
            } else {
                let count =
                    report.stale.len() + report.missing.len() + report.no_longer_produced.len();
                errln!(
                    "{} is not up to date: {count} file{} to update; run `gov build` and commit the result",
                    shown(out),
                    plural(count)
                );
                ExitCode::from(EXIT_FINDINGS)
            }
        }
        Err(errors) => {
            let mut diags = Vec::new();
            for e in errors {
                match e {
                    BuildError::Diagnostic(d) => diags.push(d),
                    other => {
                        usage_error(other.code(), &other);
                        return ExitCode::from(EXIT_USAGE);
                    }
                }
            }
            err!(
                "{}",
                diag::render_human(&compilation.loaded.sources, &diags, color)
            );
            ExitCode::from(EXIT_FINDINGS)
        }
    }
}

pub(crate) fn run_test(
    paths: Vec<PathBuf>,
    sets: &gov::compile::ParamValues,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let paths = default_paths(paths);
    let compilation = match compile_or_report(&paths, sets, catalog) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let errors: Vec<Diagnostic> = compilation.errors().cloned().collect();
    let sources = &compilation.loaded.sources;
    if !errors.is_empty() {
        err!("{}", diag::render_human(sources, &errors, color));
    }
    let report = compilation.run_tests();
    out!("{}", report.render(sources));
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
    errln!("wrote {} ({} bytes)", shown(out), text.len());
    ExitCode::SUCCESS
}
