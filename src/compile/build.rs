//! What `gov build` runs: a compilation whose policies are rendered and
//! written into the output folder as each is lowered.

use super::{Documents, ParamValues, compile_paths_keeping};
use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use crate::emit::{self, BuildError, Manifest};
use crate::load::{LoadError, Loaded};
use std::path::{Path, PathBuf};

/// The policies of a build, rendered (and written, when the output folder
/// could be opened) as each was lowered.
pub(super) struct Rendering {
    pub(super) rendered: Vec<emit::RenderedPolicy<emit::Doc>>,
    /// The output folder, holding the staged documents until the commit.
    pub(super) staging: Option<emit::Staging>,
}

/// What [`build_paths_with_params`] did.
pub struct Built {
    /// The sources, to render the diagnostics with.
    pub loaded: Loaded,
    /// The compilation's diagnostics, as in [`Compilation::diagnostics`](super::Compilation::diagnostics).
    pub diagnostics: Vec<Diagnostic>,
    /// The manifest of what was written, or why nothing was: the
    /// compilation's errors, else those of [`Compilation::build`](super::Compilation::build).
    pub result: Result<Manifest, Vec<BuildError>>,
}

impl Built {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What `gov build` runs: [`compile_paths_with_params`](super::compile_paths_with_params), then, without
/// errors, [`Compilation::build`](super::Compilation::build) into `out`, in one pass over the policies:
/// each is rendered, hashed, checked and staged in the output folder as soon
/// as it is lowered (`emit::render_policy`), then it, its document and its
/// text are dropped, so a large compilation's documents never live
/// together, nor its rules beside its texts; nothing is visible in `out`
/// before every policy is known to be good (the commit renames). With an
/// organization the documents are kept, as its packed documents need them.
/// Writes the same files, and refuses the same inputs, as
/// [`Compilation::build`](super::Compilation::build) (`tests/build_paths.rs`).
pub fn build_paths_with_params(
    paths: &[PathBuf],
    values: &ParamValues,
    catalog: &Catalog,
    out: &Path,
    options: &emit::Options,
) -> Result<Built, LoadError> {
    // As `Compilation::build` sets them: the build never writes inside the
    // paths it read.
    let build_options = emit::Options {
        sources: paths.to_vec(),
        org: None,
        ..options.clone()
    };
    let mut compilation = compile_paths_keeping(
        paths,
        values,
        catalog,
        Documents::Rendered(&build_options, out),
    )?;
    let result = match compilation.rendered.take() {
        Some(Rendering { rendered, staging }) if !compilation.has_errors() => {
            emit::build_rendered(rendered, staging, out, &build_options)
        }
        // Refused for the errors; or an organization's build, which kept
        // the program and its documents.
        _ if compilation.has_errors() || compilation.org.is_some() => {
            compilation.build(out, options)
        }
        // The policies were taken and one of them neither rendered nor gave
        // an error (every lowering failure is an error today): refused,
        // never a build without it.
        _ => Err(vec![BuildError::Io {
            path: out.to_path_buf(),
            reason: "a policy was neither built nor refused (a bug in gov): nothing written"
                .to_string(),
        }]),
    };
    Ok(Built {
        loaded: compilation.loaded,
        diagnostics: compilation.diagnostics,
        result,
    })
}
