//! The one compile entry of the library: load → check → lower, for every
//! caller (the command line, `test` blocks, the diff, the importer's own
//! proof, the tests, an editor). What `gov check` reports is what `gov build`
//! refuses: lowering errors are diagnostics of the compilation like any
//! other.

use crate::catalog::Catalog;
use crate::diag::{self, Diagnostic, codes};
use crate::emit::{self, BuildError, Manifest};
use crate::iam::PolicyDocument;
use crate::ir;
use crate::load::{self, LoadError, Loaded};
use crate::org::params::Given;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{ParamBase, ParamType, Value};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

mod build;
use build::Rendering;
pub use build::{Built, build_paths_with_params};

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
    pub documents: Vec<(std::sync::Arc<ir::Policy>, PolicyDocument)>,
    /// The organization declared by an `org`, checked; `None` without one.
    pub org: Option<crate::org::Org>,
    /// The documents of the policies attached at nodes whose param values
    /// differ from the compilation's (`org::params`).
    pub variants: Vec<crate::org::params::Variant>,
    /// The files and folders named by the caller (empty for texts): a build
    /// never writes inside them.
    roots: Vec<PathBuf>,
    /// What [`build_paths_with_params`] rendered, one per policy in program
    /// order, with the policy's name; the policies themselves were dropped
    /// (`program.policies` and `documents` are then empty). `None`
    /// otherwise.
    rendered: Option<Rendering>,
}

/// Loads the named files and folders (and what they import), checks and
/// lowers them. `Err` only when the paths themselves cannot be read.
pub fn compile_paths(paths: &[PathBuf], catalog: &Catalog) -> Result<Compilation, LoadError> {
    let loaded = load::load_deferring(paths)?;
    Ok(compile_loaded(loaded, paths.to_vec(), catalog))
}

/// Values of params given from outside the sources: those of a project
/// file, then those of the command line (a later value of a name replaces an
/// earlier one). A problem with one is reported where it is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParamValues {
    /// The project file's values, with the file.
    pub file: Option<ValuesFile>,
    /// `name=value` (a list's values separated by `,`), as `--set` gives them.
    pub set: Vec<String>,
}

/// A file holding values of params: its name as shown, its text, and each
/// value with its place in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValuesFile {
    pub name: String,
    pub text: String,
    pub values: Vec<FileValue>,
}

/// One value of a [`ValuesFile`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileValue {
    pub name: Spanned<String>,
    /// The whole value (a list's brackets included).
    pub span: Span,
    /// Its items, each as `--set` would write it, with its span.
    pub items: Vec<Spanned<String>>,
}

impl ParamValues {
    /// Values given as `--set` gives them, and no file.
    pub fn set(values: &[String]) -> ParamValues {
        ParamValues {
            file: None,
            set: values.to_vec(),
        }
    }
}

/// [`compile_paths`] with values for params (`name=value`, a list's values
/// separated by `,`), as `--set` gives them.
pub fn compile_paths_with_values(
    paths: &[PathBuf],
    values: &[String],
    catalog: &Catalog,
) -> Result<Compilation, LoadError> {
    compile_paths_with_params(paths, &ParamValues::set(values), catalog)
}

/// [`compile_paths`] with values for params from a project file and the
/// command line.
pub fn compile_paths_with_params(
    paths: &[PathBuf],
    values: &ParamValues,
    catalog: &Catalog,
) -> Result<Compilation, LoadError> {
    compile_paths_keeping(paths, values, catalog, Documents::Kept)
}

/// [`compile_paths_with_params`] for a check: every policy is lowered (its
/// lowering errors are diagnostics like any other) but its document is
/// dropped at once, so `documents` is empty and the documents of a large
/// compilation never live together (memory). What `gov check` runs.
pub fn check_paths_with_params(
    paths: &[PathBuf],
    values: &ParamValues,
    catalog: &Catalog,
) -> Result<Compilation, LoadError> {
    compile_paths_keeping(paths, values, catalog, Documents::Dropped)
}

fn compile_paths_keeping(
    paths: &[PathBuf],
    values: &ParamValues,
    catalog: &Catalog,
    keep: Documents<'_>,
) -> Result<Compilation, LoadError> {
    let loaded = load::load_deferring(paths)?;
    Ok(compile_loaded_keeping(
        loaded,
        paths.to_vec(),
        catalog,
        values,
        keep,
    ))
}

/// What a compilation does with the document of each policy it lowers.
#[derive(Clone, Copy)]
enum Documents<'o> {
    Kept,
    Dropped,
    /// Rendered for a build with these options into this output folder as
    /// soon as it is lowered, then dropped ([`Compilation::rendered`]); kept
    /// as with `Kept` when there is an organization, whose packed documents
    /// need them.
    Rendered(&'o emit::Options, &'o Path),
}

/// One policy's lowering, as [`Documents`] asks.
enum Lowered {
    Dropped,
    Kept(std::sync::Arc<ir::Policy>, PolicyDocument),
    Rendered(emit::RenderedPolicy<emit::Doc>),
}

/// [`compile_paths_with_params`] with one more source given as text (named
/// `name`), such as the request of `gov eval` written as a `test` block.
pub fn compile_paths_with_text(
    paths: &[PathBuf],
    name: &str,
    text: &str,
    values: &ParamValues,
    catalog: &Catalog,
) -> Result<Compilation, LoadError> {
    let mut loaded = load::load_deferring(paths)?;
    let id = loaded.sources.add(name, text);
    let (ast, mut diags) = crate::syntax::parse(id, text);
    loaded.diagnostics.append(&mut diags);
    loaded.files.push(load::LoadedFile {
        id,
        path: PathBuf::from(name),
        ast,
        deferred: Vec::new(),
        imports: Vec::new(),
    });
    Ok(compile_loaded_with(loaded, paths.to_vec(), catalog, values))
}

/// Compiles in-memory sources: (name, text) pairs; `import`s resolve among
/// them.
pub fn compile_texts(texts: &[(&str, &str)], catalog: &Catalog) -> Compilation {
    let compilation = compile_loaded(load::load_texts_deferring(texts), Vec::new(), catalog);
    // In debug builds (the tests, the fuzz targets) every compilation of
    // texts is also made with every policy read before the check, and both
    // must be the same.
    #[cfg(debug_assertions)]
    {
        let whole = compile_loaded(load::load_texts(texts), Vec::new(), catalog);
        let agreement = same_compilation(&compilation, &whole);
        debug_assert!(agreement.is_ok(), "{}", agreement.err().unwrap_or_default());
    }
    compilation
}

/// Whether compiling `texts` with policies read one at a time by the check
/// ([`load::load_texts_deferring`], what every compilation does) and with
/// every policy read first ([`load::load_texts`]) give the same compilation:
/// diagnostics, program, documents, suppressions, organization. For the
/// tests.
#[doc(hidden)]
pub fn cross_check_reading(texts: &[(&str, &str)], catalog: &Catalog) -> Result<(), String> {
    let deferring = compile_loaded(load::load_texts_deferring(texts), Vec::new(), catalog);
    let whole = compile_loaded(load::load_texts(texts), Vec::new(), catalog);
    same_compilation(&deferring, &whole)
}

fn same_compilation(a: &Compilation, b: &Compilation) -> Result<(), String> {
    let differ = |what: &str, x: &dyn std::fmt::Debug, y: &dyn std::fmt::Debug| {
        Err(format!(
            "the {what} differ:\n policies read by the check: {x:?}\n read first: {y:?}"
        ))
    };
    if a.diagnostics != b.diagnostics {
        return differ("diagnostics", &a.diagnostics, &b.diagnostics);
    }
    if a.program != b.program {
        return differ("programs", &a.program, &b.program);
    }
    if a.documents != b.documents {
        return differ("documents", &a.documents, &b.documents);
    }
    if a.suppressed != b.suppressed {
        return differ("suppressions", &a.suppressed, &b.suppressed);
    }
    if a.org != b.org {
        return differ("organizations", &a.org, &b.org);
    }
    let (va, vb) = (format!("{:?}", a.variants), format!("{:?}", b.variants));
    if va != vb {
        return differ("variants", &va, &vb);
    }
    Ok(())
}

fn compile_loaded(loaded: Loaded, roots: Vec<PathBuf>, catalog: &Catalog) -> Compilation {
    compile_loaded_with(loaded, roots, catalog, &ParamValues::default())
}

/// Param values given from outside the sources, each read where it is
/// written so that problems point at it: the project file's in the file
/// itself, then the command line's (`name=value`, a list's values separated
/// by `,`) in a source of their own, `--set`, one line each.
fn given_values(loaded: &mut Loaded, values: &ParamValues) -> Vec<(Spanned<String>, Given)> {
    let declared: std::collections::HashMap<String, ParamType> =
        crate::org::params::declared(loaded)
            .into_iter()
            .map(|(n, (_, p))| (n, p.ty.node))
            .collect();
    // A piece of text as a value of the param `name`'s type.
    let typed = |name: &str, piece: &str| match declared.get(name).map(|t| t.base) {
        Some(ParamBase::Number) => Value::Num(piece.trim().to_string()),
        Some(ParamBase::Bool) if piece.trim() == "true" || piece.trim() == "false" => {
            Value::Bool(piece.trim() == "true")
        }
        _ => Value::Str(piece.trim().to_string()),
    };
    let mut out = Vec::new();
    if let Some(f) = &values.file {
        let file = loaded.sources.add(f.name.clone(), f.text.clone());
        for v in &f.values {
            let items = v
                .items
                .iter()
                .map(|i| Spanned::new(typed(&v.name.node, &i.node), i.span))
                .collect();
            out.push((
                v.name.clone(),
                Given {
                    values: Spanned::new(items, v.span),
                    file,
                },
            ));
        }
    }
    if values.set.is_empty() {
        return out;
    }
    let text = values.set.join("\n");
    let file = loaded.sources.add("--set", text.clone());
    let mut offset = 0;
    for line in text.split('\n') {
        let (name, rest) = line.split_once('=').unwrap_or((line, ""));
        let name_span = Span::new(offset, offset + name.len());
        let mut at = offset + name.len() + 1;
        let mut items = Vec::new();
        for piece in rest.split(',') {
            let span = Span::new(at, at + piece.len());
            at += piece.len() + 1;
            items.push(Spanned::new(typed(name.trim(), piece), span));
        }
        let whole = Span::new(offset + name.len() + 1, offset + line.len());
        out.push((
            Spanned::new(name.trim().to_string(), name_span),
            Given {
                values: Spanned::new(items, whole),
                file,
            },
        ));
        offset += line.len() + 1;
    }
    out
}

fn compile_loaded_with(
    loaded: Loaded,
    roots: Vec<PathBuf>,
    catalog: &Catalog,
    values: &ParamValues,
) -> Compilation {
    compile_loaded_keeping(loaded, roots, catalog, values, Documents::Kept)
}

fn compile_loaded_keeping(
    mut loaded: Loaded,
    roots: Vec<PathBuf>,
    catalog: &Catalog,
    values: &ParamValues,
    keep: Documents<'_>,
) -> Compilation {
    let given = given_values(&mut loaded, values);
    // Params and values from outside are applied to the syntax trees and
    // looked for in them: then every policy is read before the check.
    if !given.is_empty() || !crate::org::params::declared(&loaded).is_empty() {
        loaded.read_deferred();
    }
    // The values of the whole compilation: defaults, then `--set`, then the
    // `set`s at the root of the organization (the nearest node wins).
    // A value of the wrong type is reported where it is given (E0715) and
    // left out here, so its uses are not reported again.
    let types: std::collections::HashMap<String, ParamType> = crate::org::params::declared(&loaded)
        .into_iter()
        .map(|(n, (_, p))| (n, p.ty.node))
        .collect();
    let fits = |name: &str, values: &Spanned<Vec<Spanned<Value>>>, list: bool| {
        types
            .get(name)
            .is_some_and(|ty| crate::org::params::type_problem(*ty, values, list).is_none())
    };
    let mut base: std::collections::HashMap<String, Spanned<Vec<Spanned<Value>>>> = given
        .iter()
        .filter(|(n, g)| {
            let list = g.values.node.len() != 1 || types.get(&n.node).is_some_and(|t| t.list);
            fits(&n.node, &g.values, list)
        })
        .map(|(n, g)| (n.node.clone(), g.values.clone()))
        .collect();
    let mut ill_typed_names: Vec<String> = given
        .iter()
        .filter(|(n, _)| types.contains_key(&n.node) && !base.contains_key(&n.node))
        .map(|(n, _)| n.node.clone())
        .collect();
    if let Some(root) = loaded
        .files
        .iter()
        .flat_map(|f| &f.ast.items)
        .find_map(|i| match i {
            crate::syntax::ast::Item::Org(o) => Some(o),
            _ => None,
        })
    {
        for entry in &root.body {
            if let crate::syntax::ast::OrgEntry::Set(v) = entry {
                if fits(&v.name.node, &v.values, v.list) {
                    base.insert(v.name.node.clone(), v.values.clone());
                } else if types.contains_key(&v.name.node) {
                    ill_typed_names.push(v.name.node.clone());
                }
            }
        }
    }
    let has_params = !crate::org::params::declared(&loaded).is_empty();
    if has_params {
        crate::org::params::apply(&mut loaded, &base);
    }
    // A param whose value is of the wrong type is reported there (E0715),
    // not again at each use as having no value.
    let refused: std::collections::BTreeSet<String> = ill_typed_names.into_iter().collect();
    let mut checked = crate::check::check_refusing(&loaded, catalog, &refused);
    if checked.read_again {
        loaded.read_deferred();
        checked = crate::check::check_refusing(&loaded, catalog, &refused);
    }
    let mut diagnostics = checked.diagnostics;
    let (mut org, mut org_diags) =
        crate::org::check::check(&loaded, &checked.program, &checked.declared);
    diagnostics.append(&mut org_diags);
    if let Some(org) = &mut org {
        diagnostics.append(&mut crate::org::params::check_org(&loaded, org, &given));
        // values of the command line not used anywhere are reported once
        diagnostics.extend(
            crate::org::params::check_given(&loaded, &given)
                .into_iter()
                .filter(|d| d.code != codes::W0704),
        );
    } else {
        diagnostics.append(&mut crate::org::params::check_given(&loaded, &given));
    }
    // Lowering needs only the typed program: the trees go (the `@allow`s
    // were read by the check).
    let allows = checked.allows;
    let variants_wanted = has_params && org.is_some();
    if !variants_wanted {
        loaded.forget_trees();
    }
    // An organization's packed documents are made from the lowered ones.
    // A build refused for the check's errors needs no rendering.
    let keep = match keep {
        Documents::Rendered(..) if org.is_some() => Documents::Kept,
        Documents::Rendered(..) if diagnostics.iter().any(Diagnostic::is_error) => {
            Documents::Dropped
        }
        keep => keep,
    };
    // A build writes each document into its output folder as soon as it is
    // rendered (staged, invisible until the commit), when the folder can be
    // opened for the kinds of the policies; else each text is held, and the
    // build reports why the folder cannot be written after the policies'
    // own problems, as always.
    let staging = match keep {
        Documents::Rendered(options, out) => {
            let folders: Vec<&'static str> = checked
                .program
                .policies
                .iter()
                .map(|p| emit::folder(p.kind))
                .collect();
            emit::open_output(out, options, &folders)
        }
        _ => None,
    };
    // Policies lower independently: on every core, gathered in order. For a
    // build (`Rendered`) each policy is taken from the program and dropped
    // once rendered, so neither its rules nor its document outlive its turn
    // (its name stays, for the checks across policies); otherwise each
    // document sits beside its policy, shared with the program.
    let lower_one = |policy: &std::sync::Arc<ir::Policy>| {
        crate::lower::lower_policy(policy).map(|mut doc| match keep {
            Documents::Dropped => Lowered::Dropped,
            Documents::Kept => {
                // Kept for the whole run: only what it holds.
                doc.statements.shrink_to_fit();
                Lowered::Kept(std::sync::Arc::clone(policy), doc)
            }
            Documents::Rendered(options, _) => {
                let input = emit_input(&loaded.sources, policy, &doc);
                Lowered::Rendered(emit::render_policy(&input, options, &|file| {
                    emit::stage(staging.as_ref(), file)
                }))
            }
        })
    };
    let for_build = matches!(keep, Documents::Rendered(..));
    let lowered: Vec<_> = if for_build {
        std::mem::take(&mut checked.program.policies)
            .into_par_iter()
            .map(|policy| lower_one(&policy))
            .collect()
    } else {
        checked.program.policies.par_iter().map(lower_one).collect()
    };
    let mut documents = Vec::new();
    let mut rendered = Vec::new();
    match keep {
        Documents::Kept => documents.reserve_exact(lowered.len()),
        Documents::Rendered(..) => rendered.reserve_exact(lowered.len()),
        Documents::Dropped => {}
    }
    let policies = lowered.len();
    for result in lowered {
        match result {
            Ok(Lowered::Dropped) => {}
            Ok(Lowered::Kept(policy, doc)) => documents.push((policy, doc)),
            Ok(Lowered::Rendered(one)) => rendered.push(one),
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }
    // One per policy, in program order, or none (then the staging is
    // dropped here: the output folder as it was).
    let rendered =
        (for_build && rendered.len() == policies).then_some(Rendering { rendered, staging });
    // The guardrails of nodes with values of their own, compiled with them.
    let mut variants = Vec::new();
    if variants_wanted
        && let Some(org) = &org
        && !diagnostics.iter().any(Diagnostic::is_error)
    {
        let (v, mut d) = crate::org::params::variants(&mut loaded, org, &base, catalog);
        variants = v;
        diagnostics.append(&mut d);
    }
    loaded.forget_trees();
    diag::sort(&mut diagnostics);
    let suppressed = allows.apply(&mut diagnostics);
    Compilation {
        loaded,
        program: checked.program,
        diagnostics,
        suppressed,
        documents,
        org,
        variants,
        roots,
        rendered,
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
    /// The documents in force at a node of the organization: compiled with
    /// the param values in force there.
    pub fn documents_at(&self, node: usize) -> &[(std::sync::Arc<ir::Policy>, PolicyDocument)] {
        self.variants
            .iter()
            .find(|v| v.nodes.contains(&node))
            .map_or(&self.documents[..], |v| &v.documents[..])
    }

    /// Runs the `test` blocks against the documents (those that name a node
    /// of the organization through its hierarchy).
    pub fn run_tests(&self) -> crate::testing::Report {
        let mut report = crate::testing::run(&self.program, &self.documents);
        let org = crate::org::tests::run(self.org.as_ref(), &self.program, &|node| {
            self.documents_at(node)
        });
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
            .map(|(policy, doc)| emit_input(&self.loaded.sources, policy, doc))
            .collect();
        // The organization's packed documents and manifest object.
        let org = match &self.org {
            Some(org) => Some(
                crate::org::build::output(org, &self.program, &|node| self.documents_at(node))
                    .map_err(|d| {
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

/// What `emit` needs of a lowered policy: it, its document, and where it is
/// declared (the file as shown to users, the 1-based line).
fn emit_input<'a>(
    sources: &crate::source::SourceMap,
    policy: &'a ir::Policy,
    doc: &'a PolicyDocument,
) -> emit::Input<'a> {
    emit::Input {
        policy,
        doc,
        source_path: sources.name(policy.file).to_string(),
        line: sources.line_col(policy.file, policy.span.start).0,
    }
}
