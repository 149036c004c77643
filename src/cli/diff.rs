//! `gov diff`: each side `.gov` sources or policy JSON, from files, folders
//! or a git revision.

use super::{DiffFormat, EXIT_FINDINGS, EXIT_USAGE, FailOn, Kind, usage_error};
use gov::catalog::Catalog;
use gov::diag::{self, Diagnostic, codes};
use gov::iam::PolicyDocument;
use gov::ir::Policy;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

type Compiled = Vec<(std::sync::Arc<Policy>, PolicyDocument)>;

/// What a side names: `.gov` sources or policy JSON.
enum Sources {
    Gov,
    /// (policy name, file name, text) of each document; `single` when the
    /// side is one file.
    Json {
        files: Vec<(String, String, String)>,
        single: bool,
    },
}

/// `path` as a policy name: relative to `root`, without `.json`, with `/`.
fn json_name(path: &str, root: &str) -> String {
    let relative = path
        .strip_prefix(root)
        .map(|r| r.trim_start_matches('/'))
        .filter(|r| !r.is_empty())
        .unwrap_or(path);
    relative
        .strip_suffix(".json")
        .unwrap_or(relative)
        .to_string()
}

/// Why a side cannot be compared, reported once both sides are read (they
/// are read and compiled in parallel; the old side's failure is told first
/// and alone, as when they were read in turn).
enum SideError {
    /// A usage error: its code and message.
    Usage(codes::Code, String),
    /// The side's sources do not compile: their diagnostics.
    DoesNotBuild {
        sources: gov::source::SourceMap,
        errors: Vec<Diagnostic>,
    },
}

impl SideError {
    fn report(self, spec: &str, color: bool) -> ExitCode {
        match self {
            SideError::Usage(code, message) => {
                usage_error(code, message);
                ExitCode::from(EXIT_USAGE)
            }
            SideError::DoesNotBuild { sources, errors } => {
                does_not_build(spec, &sources, &errors, color)
            }
        }
    }
}

fn read_json_file(path: &Path, name: String) -> Result<(String, String, String), SideError> {
    let (bytes, _) = super::review::read_json(path).map_err(|reason| {
        SideError::Usage(
            codes::E0902,
            format!("cannot read `{}`: {reason}", path.display()),
        )
    })?;
    Ok((
        name,
        path.display().to_string(),
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

/// What a local path names: a `.json` file, a folder without `.gov` files
/// but with `.json` ones, or `.gov` sources.
fn local_sources(path: &Path) -> Result<Sources, SideError> {
    if path.is_file() && path.extension().is_some_and(|e| e == "json") {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(Sources::Json {
            files: vec![read_json_file(path, name)?],
            single: true,
        });
    }
    if path.is_dir() {
        let no_gov = gov::load::files_below(path, "gov").is_ok_and(|f| f.is_empty());
        let json = gov::load::files_below(path, "json").unwrap_or_default();
        if no_gov && !json.is_empty() {
            let root = path.to_string_lossy().into_owned();
            let mut files = Vec::with_capacity(json.len());
            for p in json {
                let name = json_name(&p.to_string_lossy(), &root);
                files.push(read_json_file(&p, name)?);
            }
            return Ok(Sources::Json {
                files,
                single: false,
            });
        }
    }
    Ok(Sources::Gov)
}

/// Reports why a side cannot be compared.
fn does_not_build(
    spec: &str,
    sources: &gov::source::SourceMap,
    errors: &[Diagnostic],
    color: bool,
) -> ExitCode {
    err!("{}", diag::render_human(sources, errors, color));
    usage_error(
        codes::E0909,
        format!("`{spec}` does not build, so it cannot be compared"),
    );
    ExitCode::from(EXIT_USAGE)
}

/// One side of a diff, compiled (and whether it is one JSON file), or why
/// it cannot be compared. Prints nothing.
fn diff_side(
    spec: &str,
    paths: &[PathBuf],
    kind: Option<Kind>,
    catalog: &Catalog,
) -> Result<(Compiled, bool), SideError> {
    let (sources, gov_texts) = match spec.strip_prefix("git:") {
        Some(rev) => {
            let texts = gov::diff::read_git_side(rev, paths)
                .map_err(|e| SideError::Usage(codes::E0908, e.to_string()))?;
            if texts.iter().all(|(n, _)| n.ends_with(".json")) {
                let roots: Vec<String> = paths
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                let files = texts
                    .into_iter()
                    .map(|(path, text)| {
                        let root = roots
                            .iter()
                            .find(|r| path.starts_with(r.as_str()))
                            .map_or("", String::as_str);
                        (json_name(&path, root), path, text)
                    })
                    .collect();
                (
                    Sources::Json {
                        files,
                        single: false,
                    },
                    None,
                )
            } else {
                (Sources::Gov, Some(texts))
            }
        }
        None => (local_sources(Path::new(spec))?, None),
    };
    if let Sources::Json { files, single } = sources {
        let mut map = gov::source::SourceMap::new();
        let kind = kind.map(Kind::policy_kind);
        return match gov::diff::json_side(&files, kind, &mut map, catalog) {
            Ok(side) => Ok((side, single)),
            Err(errors) => Err(SideError::DoesNotBuild {
                sources: map,
                errors,
            }),
        };
    }
    let compilation = match gov_texts {
        Some(texts) => {
            let refs: Vec<(&str, &str)> = texts
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            gov::compile_texts(&refs, catalog)
        }
        None => gov::compile::compile_paths_with_params(
            &[PathBuf::from(spec)],
            &Default::default(),
            catalog,
        )
        .map_err(|e| SideError::Usage(e.code(), e.to_string()))?,
    };
    if compilation.has_errors() {
        let errors: Vec<Diagnostic> = compilation.errors().cloned().collect();
        return Err(SideError::DoesNotBuild {
            sources: compilation.loaded.sources,
            errors,
        });
    }
    Ok((compilation.documents, false))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn run_diff(
    old: &str,
    new: &str,
    paths: &[PathBuf],
    kind: Option<Kind>,
    format: DiffFormat,
    fail_on: Option<FailOn>,
    color: bool,
    catalog: &Catalog,
) -> ExitCode {
    // The two sides compile on both cores; the old side's failure is told
    // first, and alone.
    let (old_result, new_result) = rayon::join(
        || diff_side(old, paths, kind, catalog),
        || diff_side(new, paths, kind, catalog),
    );
    let (mut old_side, old_single) = match old_result {
        Ok(s) => s,
        Err(e) => return e.report(old, color),
    };
    let (new_side, new_single) = match new_result {
        Ok(s) => s,
        Err(e) => return e.report(new, color),
    };
    // Two JSON files are two versions of one policy, whatever their names.
    if old_single
        && new_single
        && let (Some((old_policy, _)), Some((new_policy, _))) =
            (old_side.first_mut(), new_side.first())
    {
        std::sync::Arc::make_mut(old_policy).name = new_policy.name.clone();
    }
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
