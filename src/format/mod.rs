//! One canonical layout of `.gov` source (`gov fmt`).
//!
//! The layout depends only on the syntax tree and the comments, never on how
//! the input was laid out, except for the empty lines noted below:
//!
//! - 4 spaces of indentation, `\n` line ends, no byte order mark, no trailing
//!   whitespace, one line break at the end; lines aim at 100 columns.
//! - Items stay in source order (order carries meaning for readers). One
//!   empty line before and after each policy and test; between consecutive
//!   `use`, `import` and `const` declarations the user's choice of none or one
//!   empty line is kept.
//! - Doc comments (`/// text`) and annotations, one per line, before what they
//!   document.
//! - A policy: `KIND Name {`, its rules indented, `}` (`{}` when empty). An
//!   empty line the user left between two rules is kept (at most one).
//! - A rule: `EFFECT [PRINCIPALS to] ACTIONS [on RESOURCES]` on the first line
//!   when it fits, else `to …` and `on …` on continuation lines indented 4 more;
//!   `when …` and `unless …` always on continuation lines of their own. One
//!   action, resource or principal value is written without brackets.
//! - A condition: the `and` / `or` chain of a `when` or `unless` has one
//!   operand per line, its operators right-aligned so that the operands line
//!   up (the layout of the language page). A chain inside it is written on one
//!   line when it fits, else one operand per line, the operators under its
//!   first operand. Parentheses only where the tree needs them (an `or` in an
//!   `and`, a chain in a chain of the same operator, a chain after `not`); an
//!   `and` chain inside an `or` chain is parenthesised only when broken.
//! - Operators spaced (`a == b`); lists `[a, b, c]` on one line when they fit,
//!   else one element per line with a trailing comma.
//! - Strings re-escaped: `\"`, `\\`, `\n`, `\t`, other control characters as
//!   `\u{…}`, everything else as itself.
//! - A test: `test "name" for Policy {`, one case per line when it fits
//!   (`ACTION [on "ARN"] { KEY = value, … } => EXPECTATION`, `{ }` when the
//!   context is empty), else one context entry per line with a trailing comma
//!   and `} => EXPECTATION`. An empty line between two cases is kept.
//! - Comments stay where they were. One that followed code stays at the end of
//!   that line, one space after it; one on a line of its own stays on a line of
//!   its own, indented like the code that follows it, after an empty line if
//!   the user left one. A line comment ends its line, so a list or chain that
//!   holds one is broken; a block comment inside a line stays inside it.
//!
//! For example
//!
//! ```text
//! use sagemaker   // short names
//! const approved = ["ml.t3.medium","system"]
//! scp Limit { deny CreateApp unless InstanceTypes all like approved and InstanceTypes present
//!   /* later */ }
//! ```
//!
//! becomes
//!
//! ```text
//! use sagemaker // short names
//! const approved = ["ml.t3.medium", "system"]
//!
//! scp Limit {
//!     deny CreateApp
//!         unless InstanceTypes all like approved
//!            and InstanceTypes present
//!     /* later */
//! }
//! ```
//!
//! Formatting is safe: the output is parsed again and must give a tree equal
//! to the input's (spans aside) and the same comments in the same order;
//! otherwise [`format_source`] refuses with [`FormatError::NotPreserved`] and
//! [`format_paths`] leaves the file alone. It is idempotent, and linear in the
//! size of the source: comments are recovered by one scan and attached by one
//! forward walk over the tree.

mod build;
mod comments;
mod doc;
mod org;

use crate::diag::{Code, Diagnostic, codes};
use crate::load::LoadError;
use crate::source::{FileId, SourceMap};
use crate::syntax::{self, MAX_SOURCE_BYTES, SyntaxError, ast};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a source was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The source does not parse: its syntax diagnostics.
    Syntax(Vec<Diagnostic>),
    /// The output would not re-parse to an equal tree, or would lose or
    /// reorder a comment: nothing is produced.
    NotPreserved { reason: String },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(diags) => match diags.first() {
                Some(d) => write!(f, "syntax error: {}", d.message),
                None => write!(f, "syntax error"),
            },
            FormatError::NotPreserved { reason } => {
                write!(f, "formatting would not preserve the source: {reason}")
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats one source text. Diagnostics of a syntax error name `file`.
pub fn format_source(file: FileId, text: &str) -> Result<String, FormatError> {
    let (tree, diags) = syntax::parse(file, text);
    if tree.broken || diags.iter().any(Diagnostic::is_error) {
        return Err(FormatError::Syntax(diags));
    }
    let found = comments::scan(text, &comments::opaque_spans(&tree));
    let docs = build::Builder::new(text, &found).file(&tree);
    let out = doc::render(&docs);
    verify(file, &tree, &found, &out)?;
    Ok(out)
}

/// The output must parse to the same tree and hold the same comments.
fn verify(
    file: FileId,
    tree: &ast::File,
    found: &[comments::Comment],
    out: &str,
) -> Result<(), FormatError> {
    let refuse = |reason: String| Err(FormatError::NotPreserved { reason });
    let (again, diags) = syntax::parse(file, out);
    if let Some(d) = diags.iter().find(|d| d.is_error()) {
        return refuse(format!("the formatted text does not parse ({})", d.message));
    }
    if again != *tree {
        return refuse("the formatted text parses to a different tree".to_string());
    }
    let kept = comments::scan(out, &comments::opaque_spans(&again));
    for (n, c) in found.iter().enumerate() {
        if kept.get(n).map(|k| k.text.as_str()) != Some(c.text.as_str()) {
            return refuse(format!(
                "comment `{}` would be lost or moved",
                c.text.lines().next().unwrap_or("")
            ));
        }
    }
    if kept.len() != found.len() {
        return refuse("the formatted text has comments the source has not".to_string());
    }
    Ok(())
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileOutcome {
    pub path: PathBuf,
    /// Its layout was not canonical: it was rewritten (or, when checking,
    /// would be).
    pub changed: bool,
}

/// Why one file was left alone.
#[derive(Debug)]
pub enum FileProblem {
    /// It could not be read.
    Unreadable { reason: String },
    /// It does not parse (or is not UTF-8, or too large): its diagnostics,
    /// whose file ids are those of [`FileErrors::sources`].
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not have meant the same.
    NotPreserved { reason: String },
    /// The formatted text could not be written.
    Unwritable { reason: String },
}

#[derive(Debug)]
pub struct FileFailure {
    pub path: PathBuf,
    pub problem: FileProblem,
}

impl FileFailure {
    /// The code to report this failure under, when it is not a list of
    /// diagnostics already (a syntax problem carries its own).
    pub fn code(&self) -> Option<Code> {
        match &self.problem {
            FileProblem::Syntax(_) => None,
            FileProblem::Unreadable { .. } | FileProblem::Unwritable { .. } => Some(codes::E0902),
            FileProblem::NotPreserved { .. } => Some(codes::E0008),
        }
    }
}

impl fmt::Display for FileFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.problem {
            FileProblem::Unreadable { reason } => write!(f, "cannot read `{path}`: {reason}"),
            FileProblem::Syntax(diags) => write!(
                f,
                "`{path}` has {} and was left unchanged",
                match diags.len() {
                    1 => "a syntax error".to_string(),
                    n => format!("{n} syntax errors"),
                }
            ),
            FileProblem::NotPreserved { reason } => {
                write!(f, "`{path}` was left unchanged: {reason}")
            }
            FileProblem::Unwritable { reason } => write!(f, "cannot write `{path}`: {reason}"),
        }
    }
}

/// The files that could not be formatted, beside those that were.
pub struct FileErrors {
    /// The files formatted (or checked) as usual.
    pub outcomes: Vec<FileOutcome>,
    pub failures: Vec<FileFailure>,
    /// The texts of the files read, by the ids their diagnostics use: render
    /// them with [`crate::diag::render_human`] and [`FileErrors::diagnostics`].
    pub sources: SourceMap,
}

impl FileErrors {
    /// The syntax diagnostics of every failing file, in order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.failures
            .iter()
            .filter_map(|f| match &f.problem {
                FileProblem::Syntax(d) => Some(d.iter().cloned()),
                _ => None,
            })
            .flatten()
            .collect()
    }
}

impl fmt::Debug for FileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileErrors")
            .field("outcomes", &self.outcomes)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

/// Why [`format_paths`] did not format everything.
#[derive(Debug)]
pub enum FormatRunError {
    /// A named path is missing, unreadable or holds no `.gov` file (codes
    /// E0901–E0903): nothing was formatted.
    Path(LoadError),
    /// Some files were left alone; the others were handled.
    Files(FileErrors),
}

impl FormatRunError {
    /// The diagnostic code of a path problem.
    pub fn code(&self) -> Option<Code> {
        match self {
            FormatRunError::Path(e) => Some(e.code()),
            FormatRunError::Files(_) => None,
        }
    }
}

impl fmt::Display for FormatRunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatRunError::Path(e) => e.fmt(f),
            FormatRunError::Files(errors) => {
                let n = errors.failures.len();
                write!(
                    f,
                    "{n} file{} could not be formatted",
                    if n == 1 { "" } else { "s" }
                )?;
                for failure in &errors.failures {
                    write!(f, "\n{failure}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for FormatRunError {}

/// Formats files and folders (every `.gov` file below a folder, sorted).
/// With `check`, writes nothing and only reports which files would change;
/// otherwise rewrites each changed file atomically. A file that does not
/// parse, or whose formatted text would not mean the same, is never written;
/// the other files are still handled, and the failures are returned with
/// their outcomes.
pub fn format_paths(paths: &[PathBuf], check: bool) -> Result<Vec<FileOutcome>, FormatRunError> {
    let files = crate::load::source_files(paths).map_err(FormatRunError::Path)?;
    let mut sources = SourceMap::new();
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for path in files {
        let fail = |problem| FileFailure {
            path: path.clone(),
            problem,
        };
        // Bounded like every read of a source: a FIFO or a device is refused
        // at once, a huge file is read only up to the limit.
        let (bytes, size) = match crate::load::read_source(&path) {
            Ok(read) => read,
            Err(reason) => {
                failures.push(fail(FileProblem::Unreadable { reason }));
                continue;
            }
        };
        let name = path.display().to_string();
        if size > MAX_SOURCE_BYTES {
            let id = sources.add(name, String::new());
            let diag = SyntaxError::TooLarge { bytes: size }.into_diagnostic(id);
            failures.push(fail(FileProblem::Syntax(vec![diag])));
            continue;
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(name, lossy);
                let diag = SyntaxError::NotUtf8 { offset }.into_diagnostic(id);
                failures.push(fail(FileProblem::Syntax(vec![diag])));
                continue;
            }
        };
        let id = sources.add(name, text);
        let text = sources.text(id);
        match format_source(id, text) {
            Ok(out) => {
                let changed = out != text;
                if changed
                    && !check
                    && let Err(e) = rewrite(&path, &out)
                {
                    failures.push(fail(FileProblem::Unwritable {
                        reason: e.to_string().to_lowercase(),
                    }));
                    continue;
                }
                outcomes.push(FileOutcome { path, changed });
            }
            Err(FormatError::Syntax(diags)) => failures.push(fail(FileProblem::Syntax(diags))),
            Err(FormatError::NotPreserved { reason }) => {
                failures.push(fail(FileProblem::NotPreserved { reason }))
            }
        }
    }
    if failures.is_empty() {
        Ok(outcomes)
    } else {
        Err(FormatRunError::Files(FileErrors {
            outcomes,
            failures,
            sources,
        }))
    }
}

/// Replaces a file's text atomically, keeping its permissions; a symbolic
/// link is followed, not replaced.
fn rewrite(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    crate::fsutil::write_atomic(&target, text.as_bytes())?;
    std::fs::set_permissions(&target, permissions)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command line prints a failure as `error[CODE]: message`; pinned
    /// here for the guard no real input reaches (the formatter's own check
    /// that its output means what its input meant).
    #[test]
    fn a_failure_that_is_not_a_syntax_error_has_a_code() {
        let failure = FileFailure {
            path: PathBuf::from("policies/a.gov"),
            problem: FileProblem::NotPreserved {
                reason: "the formatted text parses to a different tree".to_string(),
            },
        };
        let code = failure.code().unwrap();
        insta::assert_snapshot!("E0008", format!("error[{code}]: {failure}"));
        let unreadable = FileFailure {
            path: PathBuf::from("x.gov"),
            problem: FileProblem::Unreadable {
                reason: "not a regular file".to_string(),
            },
        };
        assert_eq!(unreadable.code(), Some(codes::E0902));
    }
}
