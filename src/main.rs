//! The `gov` command line: a thin layer over the library (arguments and
//! dispatch here, the commands in `cli/`).

#[macro_use]
mod cli;

use clap::{CommandFactory, FromArgMatches};
use cli::args::{CatalogCommand, Cli, Color, Command};
use cli::compile::{run_build, run_check, run_import, run_test};
use cli::diff::run_diff;
use cli::project;
use cli::review::{run_fmt, run_import_json, run_lint};
use cli::{EXIT_USAGE, Kind, load_catalog, version_text};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

fn main() -> ExitCode {
    let code = run();
    let flushed = {
        use std::io::Write;
        std::io::stdout().lock().flush().is_ok()
    };
    if !flushed || cli::STDOUT_FAILED.load(Ordering::Relaxed) {
        cli::write_stderr(&format!(
            "error[{}]: cannot write to standard output\n",
            gov::diag::codes::E0907
        ));
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
    // Commands that read no project file.
    let command = match cli.command {
        Command::Explain { code } => return cli::review::run_explain(&code),
        Command::Init { dir } => return project::run_init(dir.as_deref()),
        Command::Completions { shell } => {
            return project::run_completions(shell, Cli::command().version(version));
        }
        Command::Man => return project::run_man(Cli::command().version(version)),
        Command::Catalog {
            command: CatalogCommand::Import { dir, out },
        } => return run_import(&dir, &out),
        Command::Catalog {
            command: CatalogCommand::Diff { old, new, format },
        } => return cli::watch::run_catalog_diff(&old, &new, format),
        other => other,
    };
    let config = match project::load(cli.config.as_deref(), color) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let config = config.as_ref();
    if let Some(url) = config.and_then(|c| c.codes_url.clone()) {
        let _ = cli::CODES_URL.set(url);
    }
    // `gov fmt` reads no catalog: a broken `catalog` setting does not stop it.
    if let Command::Fmt { paths, check } = command {
        return run_fmt(project::sources(paths, config), check, color);
    }
    let catalog_path = project::catalog(cli.catalog, config);
    let Some(catalog) = load_catalog(catalog_path.as_deref()) else {
        return ExitCode::from(EXIT_USAGE);
    };
    match command {
        Command::Check {
            paths,
            report,
            sets,
        } => {
            let Some(levels) = project::levels(&report.levels, report.deny_warnings, config) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_check(
                project::sources(paths, config),
                &project::values(sets, config),
                report.format,
                &levels,
                color,
                catalog,
            )
        }
        Command::Build {
            paths,
            out,
            split,
            check,
            sets,
        } => {
            let out = out
                .or_else(|| config.and_then(|c| c.out.clone()))
                .unwrap_or_else(|| PathBuf::from("dist"));
            run_build(
                project::sources(paths, config),
                &project::values(sets, config),
                &out,
                split,
                check,
                color,
                catalog,
            )
        }
        Command::Diff {
            old,
            new,
            paths,
            format,
            fail_on,
            kind,
        } => {
            let paths = match config {
                Some(c) if paths.is_empty() && !c.sources_as_written.is_empty() => {
                    c.sources_as_written.clone()
                }
                _ if paths.is_empty() => vec![PathBuf::from("policies")],
                _ => paths,
            };
            run_diff(&old, &new, &paths, kind, format, fail_on, color, catalog)
        }
        Command::Lint {
            files,
            kind,
            report,
        } => {
            let Some(levels) = project::levels(&report.levels, report.deny_warnings, config) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_lint(
                &files,
                kind.map(Kind::policy_kind),
                report.format,
                &levels,
                color,
                catalog,
            )
        }
        Command::Import { files, kind, out } => run_import_json(
            &files,
            kind.map(Kind::policy_kind),
            out.as_deref(),
            color,
            catalog,
        ),
        Command::Test { paths, sets } => run_test(
            project::sources(paths, config),
            &project::values(sets, config),
            color,
            catalog,
        ),
        Command::Eval {
            paths,
            node,
            policy,
            identity,
            resource_policies,
            action,
            resource,
            context,
            context_json,
            format,
            sets,
        } => {
            let args = cli::eval::EvalArgs {
                paths: project::sources(paths, config),
                node,
                policy,
                identity,
                resource_policies,
                action,
                resource,
                context,
                context_json,
                json: format == cli::args::EvalFormat::Json,
                sets: project::values(sets, config),
            };
            cli::eval::run_eval(args, color, catalog)
        }
        Command::Catalog {
            command: CatalogCommand::Impact { new, paths, format },
        } => cli::watch::run_impact(
            &new,
            project::sources(paths, config),
            &project::values(Vec::new(), config),
            format,
            color,
            catalog,
        ),
        Command::Catalog {
            command: CatalogCommand::Info,
        } => {
            let info = catalog.info();
            outln!("source:   {}", info.source);
            outln!("version:  {}", info.version);
            outln!("date:     {}", info.date);
            outln!("services: {}", catalog.service_prefixes().count());
            ExitCode::SUCCESS
        }
        // Handled above.
        Command::Fmt { .. }
        | Command::Explain { .. }
        | Command::Init { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Catalog {
            command: CatalogCommand::Import { .. } | CatalogCommand::Diff { .. },
        } => ExitCode::from(EXIT_USAGE),
    }
}

// A compilation makes millions of small allocations (syntax trees, IR,
// statements, texts) across both cores: with the C library's allocator they
// were a quarter of `gov check`'s time. The library leaves the choice to the
// program that embeds it. mimalloc's 2.x line (the `v2` feature): the 3.x
// line keeps freed memory for a second before giving it back, which put a
// build's peak 2 MiB higher (the lowering frees the program's rules just
// before the manifest is made).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
