//! The one compile entry of the library: load → check → lower, for every
//! caller (the command line, `test` blocks, the diff, the importer's own
//! proof, the tests, an editor). What `gov check` reports is what `gov build`
//! refuses: lowering errors are diagnostics of the compilation like any
//! other.

use crate::catalog::Catalog;
use crate::diag::{self, Diagnostic};
use crate::emit::{self, BuildError, Manifest};
use crate::iam::PolicyDocument;
use crate::ir;
use crate::load::{self, LoadError, Loaded};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Everything one compilation knows: the sources, the checked program, every
/// diagnostic, and the document of each policy that lowered.
pub struct Compilation {
    pub loaded: Loaded,
    pub program: ir::Program,
    /// The checker's diagnostics (errors and warnings) and the lowering
    /// errors, sorted by file and position; without the warnings an
    /// `@allow` silenced.
    pub diagnostics: Vec<Diagnostic>,
    /// The warnings an `@allow(…, reason = "…")` silenced, with the reason.
    pub suppressed: Vec<diag::Suppressed>,
    /// Each policy of `program` that lowered, with its document, in program
    /// order.
    pub documents: Vec<(ir::Policy, PolicyDocument)>,
    /// The organization declared by an `org`, checked; `None` without one.
    pub org: Option<crate::org::Org>,
    /// The files and folders named by the caller (empty for texts): a build
    /// never writes inside them.
    roots: Vec<PathBuf>,
}

/// Loads the named files and folders (and what they import), checks and
/// lowers them. `Err` only when the paths themselves cannot be read.
pub fn compile_paths(paths: &[PathBuf], catalog: &Catalog) -> Result<Compilation, LoadError> {
    let loaded = load::load(paths)?;
    Ok(compile_loaded(loaded, paths.to_vec(), catalog))
}

/// [`compile_paths`] with one more source given as text (named `name`),
/// such as the request of `gov eval` written as a `test` block.
pub fn compile_paths_with_text(
    paths: &[PathBuf],
    name: &str,
    text: &str,
    catalog: &Catalog,
) -> Result<Compilation, LoadError> {
    let mut loaded = load::load(paths)?;
    let id = loaded.sources.add(name, text);
    let (ast, mut diags) = crate::syntax::parse(id, text);
    loaded.diagnostics.append(&mut diags);
    loaded.files.push(load::LoadedFile {
        id,
        path: PathBuf::from(name),
        ast,
        imports: Vec::new(),
    });
    Ok(compile_loaded(loaded, paths.to_vec(), catalog))
}

/// Compiles in-memory sources: (name, text) pairs; `import`s resolve among
/// them.
pub fn compile_texts(texts: &[(&str, &str)], catalog: &Catalog) -> Compilation {
    compile_loaded(load::load_texts(texts), Vec::new(), catalog)
}

fn compile_loaded(loaded: Loaded, roots: Vec<PathBuf>, catalog: &Catalog) -> Compilation {
    let checked = crate::check::check(&loaded, catalog);
    let mut diagnostics = checked.diagnostics;
    let (org, mut org_diags) = crate::org::check::check(&loaded, &checked.program);
    diagnostics.append(&mut org_diags);
    // Policies lower independently: on every core, gathered in order.
    let lowered: Vec<_> = checked
        .program
        .policies
        .par_iter()
        .map(|policy| (policy, crate::lower::lower_policy(policy)))
        .collect();
    let mut documents = Vec::with_capacity(lowered.len());
    for (policy, result) in lowered {
        match result {
            Ok(doc) => documents.push((policy.clone(), doc)),
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }
    diag::sort(&mut diagnostics);
    let suppressed = crate::check::suppress::apply(&loaded, &mut diagnostics);
    Compilation {
        loaded,
        program: checked.program,
        diagnostics,
        suppressed,
        documents,
        org,
        roots,
    }
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The document of the policy `name` (exact name), if it lowered.
    pub fn document(&self, name: &str) -> Option<&PolicyDocument> {
        self.documents
            .iter()
            .find(|(p, _)| p.name == name)
            .map(|(_, d)| d)
    }

    /// Runs the `test` blocks against the documents.
    /// Runs the `test` blocks against the documents (those that name a node
    /// of the organization through its hierarchy).
    pub fn run_tests(&self) -> crate::testing::Report {
        let mut report = crate::testing::run(&self.program, &self.documents);
        let org = crate::org::tests::run(self.org.as_ref(), &self.program, &self.documents);
        report.passed += org.passed;
        report.failures.extend(org.failures);
        report
    }

    /// Writes every document under `out` (see [`emit::build`]). Refuses
    /// (writing nothing) when the compilation has errors, and when `out` lies
    /// inside a source folder the compilation was read from.
    pub fn build(&self, out: &Path, options: &emit::Options) -> Result<Manifest, Vec<BuildError>> {
        let (inputs, options) = self.emit_inputs(options)?;
        emit::build(&inputs, out, &options)
    }

    /// Compares what [`Compilation::build`] would write with `out`, writing
    /// nothing (see [`emit::check_current`]).
    pub fn check_build(
        &self,
        out: &Path,
        options: &emit::Options,
    ) -> Result<emit::Staleness, Vec<BuildError>> {
        let (inputs, options) = self.emit_inputs(options)?;
        emit::check_current(&inputs, out, &options)
    }

    fn emit_inputs(
        &self,
        options: &emit::Options,
    ) -> Result<(Vec<emit::Input<'_>>, emit::Options), Vec<BuildError>> {
        if self.has_errors() {
            return Err(self.errors().cloned().map(BuildError::Diagnostic).collect());
        }
        let inputs: Vec<emit::Input<'_>> = self
            .documents
            .iter()
            .map(|(policy, doc)| emit::Input {
                policy,
                doc,
                source_path: self.loaded.sources.name(policy.file).to_string(),
                line: self
                    .loaded
                    .sources
                    .line_col(policy.file, policy.span.start)
                    .0,
            })
            .collect();
        // The organization's packed documents and manifest object.
        let org = match &self.org {
            Some(org) => Some(
                crate::org::build::output(org, &self.program, &self.documents).map_err(|d| {
                    d.into_iter()
                        .map(BuildError::Diagnostic)
                        .collect::<Vec<_>>()
                })?,
            ),
            None => None,
        };
        let options = emit::Options {
            sources: self.roots.clone(),
            org,
            ..options.clone()
        };
        Ok((inputs, options))
    }
}
