//! Reading the `.gov` files of a revision of the current repository, without
//! a checkout.

use std::fmt;
use std::path::PathBuf;
use std::process::Command;

/// A problem reading one side of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffError {
    /// `git` could not be run, or is not in a repository.
    Git { message: String },
    /// The revision names no commit of the repository.
    UnknownRevision { rev: String, message: String },
    /// No `.gov` (or `.json`) file under the paths at that revision.
    NoSources { rev: String, paths: Vec<PathBuf> },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Git { message } => write!(f, "git: {message}"),
            DiffError::UnknownRevision { rev, message } => {
                write!(f, "unknown revision `{rev}`")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            DiffError::NoSources { rev, paths } => {
                let shown: Vec<String> =
                    paths.iter().map(|p| format!("`{}`", p.display())).collect();
                if shown.is_empty() {
                    write!(f, "no `.gov` or `.json` files at revision `{rev}`")
                } else {
                    write!(
                        f,
                        "no `.gov` or `.json` files under {} at revision `{rev}`",
                        shown.join(", ")
                    )
                }
            }
        }
    }
}

impl std::error::Error for DiffError {}

fn git(args: &[&str]) -> Result<std::process::Output, DiffError> {
    Command::new("git")
        .args(args)
        .output()
        .map_err(|e| DiffError::Git {
            message: format!("cannot run `git`: {e}"),
        })
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The `.gov` files (where there are none, the `.json` files) under `paths`
/// (relative to the current directory; all of
/// the repository when empty) at revision `rev` of the repository the current
/// directory is in: `(path from the repository root, text)`, sorted by path.
pub fn read_git_side(rev: &str, paths: &[PathBuf]) -> Result<Vec<(String, String)>, DiffError> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(DiffError::UnknownRevision {
            rev: rev.to_string(),
            message: "a revision is a commit, branch or tag name".to_string(),
        });
    }
    let inside = git(&["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() {
        return Err(DiffError::Git {
            message: format!("not in a git repository ({})", first_line(&inside.stderr)),
        });
    }
    let commit = format!("{rev}^{{commit}}");
    let verify = git(&["rev-parse", "--verify", "--quiet", &commit])?;
    if !verify.status.success() {
        return Err(DiffError::UnknownRevision {
            rev: rev.to_string(),
            message: "no such commit, branch or tag in this repository".to_string(),
        });
    }
    let mut args: Vec<String> = vec![
        "ls-tree".into(),
        "-r".into(),
        "--name-only".into(),
        "--full-name".into(),
        "-z".into(),
        rev.to_string(),
        "--".into(),
    ];
    args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let listing = git(&arg_refs)?;
    if !listing.status.success() {
        return Err(DiffError::Git {
            message: first_line(&listing.stderr),
        });
    }
    let listed = String::from_utf8_lossy(&listing.stdout);
    let with = |ext: &str| -> Vec<String> {
        listed
            .split('\0')
            .filter(|p| p.ends_with(ext))
            .map(str::to_string)
            .collect()
    };
    // `.gov` sources; where there are none, policy JSON.
    let mut files = with(".gov");
    if files.is_empty() {
        files = with(".json");
    }
    files.sort();
    if files.is_empty() {
        return Err(DiffError::NoSources {
            rev: rev.to_string(),
            paths: paths.to_vec(),
        });
    }
    let mut out = Vec::with_capacity(files.len());
    for path in files {
        let spec = format!("{rev}:{path}");
        let shown = git(&["show", &spec])?;
        if !shown.status.success() {
            return Err(DiffError::Git {
                message: format!("cannot read `{spec}`: {}", first_line(&shown.stderr)),
            });
        }
        let text = String::from_utf8(shown.stdout).map_err(|_| DiffError::Git {
            message: format!("`{spec}` is not UTF-8"),
        })?;
        out.push((path, text));
    }
    Ok(out)
}
