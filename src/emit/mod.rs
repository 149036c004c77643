//! Emit: lowered IAM documents → canonical JSON files under an output folder,
//! checked against each kind's size limit, with a manifest.
//!
//! `out/<kind>/<Name>.json` per document (kind folders `scp`, `rcp`,
//! `policy`, `resource_policy`, `key_policy`) and `out/manifest.json`.
//! Everything is checked before anything is written, so a failing build
//! writes nothing; files in `out` that gov did not produce are left alone and
//! nothing is ever deleted. The same inputs give byte-identical files.
//!
//! Codes: E0501 policy over its limit, E0502 one statement over the limit
//! alone (with `--split`), E0503 two documents whose files collide ignoring
//! case, E0504 a policy name that cannot be a file name, E0902 I/O.

mod limits;
mod manifest;
mod org_manifest;
mod render;
mod split;
mod write;

use crate::diag::{Code, Diagnostic, codes};
pub use limits::{render, size};
pub use manifest::{Manifest, ManifestEntry, Part, SourceRef, manifest_json, write_manifest_json};
pub use org_manifest::{OrgDocument, OrgManifest, OrgNode, OrgOutput};
use render::render_documents;
pub(crate) use render::{RenderedPolicy, render_policy};
pub(crate) use write::{Doc, Staging, stage};

use crate::catalog::CatalogInfo;
use crate::iam::PolicyDocument;
use crate::ir::{self, PolicyKind};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use write::FileOut;

/// Longest policy name accepted: IAM `CreatePolicy` and Organizations
/// `CreatePolicy` both take names of 1 to 128 characters.
pub const MAX_NAME_LEN: usize = 128;

/// One policy to write.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    pub policy: &'a ir::Policy,
    /// Its lowered document.
    pub doc: &'a PolicyDocument,
    /// The `.gov` file as shown to users (relative path).
    pub source_path: String,
    /// 1-based line of the policy's declaration.
    pub line: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Spread the statements of a policy over its limit over several
    /// documents `<Name>-1`, `<Name>-2`, … instead of failing.
    pub split: bool,
    /// Recorded in the manifest when set.
    pub catalog: Option<CatalogInfo>,
    /// The files and folders the policies were read from: nothing is
    /// written when the output folder lies inside one of them (E0906), so a
    /// build can never feed its output back as sources.
    pub sources: Vec<PathBuf>,
    /// The packed documents and the manifest's `org` object of a build with
    /// an organization (computed by the `org` module).
    pub org: Option<OrgOutput>,
}

/// Why a build wrote nothing (or, for an I/O error while renaming, not
/// everything).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// A problem with one policy, at its declaration: E0501, E0502, E0503,
    /// E0504.
    Diagnostic(Diagnostic),
    /// A file-system problem (E0902): the path and what went wrong.
    Io { path: PathBuf, reason: String },
    /// The output folder lies inside a source folder (E0906).
    OutputInsideSources { out: PathBuf, source: PathBuf },
}

impl BuildError {
    pub fn code(&self) -> Code {
        match self {
            BuildError::Diagnostic(d) => d.code,
            BuildError::Io { .. } => codes::E0902,
            BuildError::OutputInsideSources { .. } => codes::E0906,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Diagnostic(d) => f.write_str(&d.message),
            BuildError::Io { path, reason } => {
                write!(f, "cannot write `{}`: {reason}", path.display())
            }
            BuildError::OutputInsideSources { out, source } => write!(
                f,
                "the output folder `{}` is inside the source folder `{}`",
                out.display(),
                source.display()
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// The folder of a kind inside the output folder: its keyword.
pub fn folder(kind: PolicyKind) -> &'static str {
    kind.keyword()
}

/// Whether `name` can be a file name anywhere: `[A-Za-z0-9_-]+`, at most
/// [`MAX_NAME_LEN`] characters. This excludes `.`, `..`, separators, drive
/// letters and absolute paths, so no name can lead outside the output folder.
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// One document to write, before the file system is touched.
struct Planned<'a> {
    input: &'a Input<'a>,
    name: String,
    text: String,
    size: usize,
    part: Option<Part>,
}

impl Planned<'_> {
    fn path(&self) -> String {
        format!("{}/{}.json", folder(self.input.policy.kind), self.name)
    }
}

/// SHA-256 of `bytes`, lowercase hex, as the manifest records it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    // Two digits a byte from a table: a `format!` per byte was 64 small
    // allocations for every document of a build.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// `1 character`, `2 characters`, `1 byte`.
fn amount(n: usize, unit: &str) -> String {
    match (n, unit.strip_suffix('s')) {
        (1, Some(one)) => format!("1 {one}"),
        _ => format!("{n} {unit}"),
    }
}

fn statement_name(doc: &PolicyDocument, index: usize) -> String {
    match doc.statements.get(index).and_then(|s| s.sid.as_deref()) {
        Some(sid) => format!("statement `{sid}`"),
        None => format!("statement {}", index + 1),
    }
}

/// Where a statement comes from: the rule it was lowered from (lowered once
/// more to trace it: this is the path of an error only), else the policy.
fn statement_span(input: &Input<'_>, index: usize) -> ir::Span {
    crate::lower::lower_policy_traced(input.policy)
        .ok()
        .and_then(|(_, origins)| origins.get(index).copied())
        .and_then(|rule| input.policy.rules.get(rule))
        .map(|rule| rule.span)
        .unwrap_or(input.policy.span)
}

/// Renders one policy, checks its size and splits it when allowed.
fn plan<'a>(
    input: &'a Input<'a>,
    options: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Planned<'a>> {
    let policy = input.policy;
    let name = &policy.name;
    if !is_safe_name(name) {
        diags.push(
            Diagnostic::new(
                codes::E0504,
                policy.file,
                policy.span,
                format!("policy name `{name}` cannot be a file name"),
            )
            .with_help(format!(
                "a policy name is written as its file name: use only letters, digits, `_` and `-`, at most {MAX_NAME_LEN} characters"
            )),
        );
        return Vec::new();
    }
    let kind = policy.kind;
    let lim = kind.limit();
    let text = render(kind, input.doc);
    let whole = size(kind, &text);
    if whole <= lim.max {
        return vec![Planned {
            input,
            name: name.clone(),
            text,
            size: whole,
            part: None,
        }];
    }
    let over = whole - lim.max;
    if !options.split || !kind.may_split() || input.doc.statements.is_empty() {
        let mut help = if kind.may_split() {
            "pass `--split` to spread its statements over several documents".to_string()
        } else {
            format!(
                "{} is one document and cannot be split: shorten it",
                kind.described()
            )
        };
        if let Some(raised) = lim.raised_max {
            help.push_str(&format!(
                "; AWS lets an account raise this quota to {raised} {}, which gov does not assume",
                lim.what
            ));
        }
        diags.push(
            Diagnostic::new(
                codes::E0501,
                policy.file,
                policy.span,
                format!("policy `{name}` is {whole} of {} {}", lim.max, lim.what),
            )
            .with_label(format!("over the limit of {}", kind.described()))
            .with_help(format!("by {}; {help}", amount(over, lim.what))),
        );
        return Vec::new();
    }
    match split::split(kind, input.doc, lim.max) {
        Ok(parts) => {
            let count = parts.len();
            parts
                .iter()
                .enumerate()
                .map(|(i, doc)| {
                    let text = render(kind, doc);
                    Planned {
                        input,
                        name: format!("{name}-{}", i + 1),
                        size: size(kind, &text),
                        text,
                        part: Some(Part {
                            of: name.clone(),
                            index: i + 1,
                            count,
                        }),
                    }
                })
                .collect()
        }
        Err(too_big) => {
            for big in too_big {
                let what = statement_name(input.doc, big.index);
                let span = statement_span(input, big.index);
                diags.push(
                    Diagnostic::new(
                        codes::E0502,
                        policy.file,
                        span,
                        format!(
                            "{what} of policy `{name}` is {} of {} {} by itself",
                            big.size, lim.max, lim.what
                        ),
                    )
                    .with_label(format!(
                        "a document with only this statement is over the limit of {}",
                        kind.described()
                    ))
                    .with_help(format!(
                        "by {}; splitting cannot help a single statement: shorten its lists or conditions",
                        amount(big.size - lim.max, lim.what)
                    )),
                );
            }
            Vec::new()
        }
    }
}

/// Writes every input under `out` and `out/manifest.json`, or nothing.
///
/// Every policy is rendered and checked first (names, sizes, collisions);
/// any problem returns all the diagnostics (sorted) and writes nothing. Then
/// the output folder is checked (`out` must be a folder or absent) and the
/// files are staged and renamed into place, the manifest last; an I/O failure
/// before the renames leaves `out` as it was.
pub fn build(
    inputs: &[Input<'_>],
    out: &Path,
    options: &Options,
) -> Result<Manifest, Vec<BuildError>> {
    refuse_inside_sources(out, options)?;
    let (manifest, files) = render_documents(inputs, options)?;
    write_built(None, out, manifest, files)
}

/// The output folder of a build whose documents are written as they are
/// rendered ([`stage`] given to [`render_policy`]): `out` checked for
/// `folders` (the kind folders of the build's policies) and opened. `None`
/// when it cannot be, or the build is refused for where `out` is: the
/// documents are then held and [`build_rendered`] reports why, in the order
/// [`build`] does (the policies' own problems first).
pub(crate) fn open_output(
    out: &Path,
    options: &Options,
    folders: &[&'static str],
) -> Option<Staging> {
    if refuse_inside_sources(out, options).is_err() {
        return None;
    }
    Staging::open(out, folders, Some(MANIFEST)).ok()
}

/// [`build`] of documents rendered already: `rendered` holds, in order, what
/// [`render_policy`] gave for each policy, written already into `staging`
/// when there is one. The same
/// checks, files and manifest as [`build`], and the same refusals; this lets
/// a compilation render each policy as soon as it is lowered (and write it),
/// so no lowered document outlives its policy's turn, nor its text.
pub(crate) fn build_rendered(
    rendered: Vec<RenderedPolicy<Doc>>,
    staging: Option<Staging>,
    out: &Path,
    options: &Options,
) -> Result<Manifest, Vec<BuildError>> {
    refuse_inside_sources(out, options)?;
    let (manifest, files) = render::assemble(rendered, options)?;
    write_built(staging, out, manifest, files)
}

/// Writes the files, then the manifest (written straight into its file
/// while the files are written).
fn write_built<D: Into<Doc> + Send>(
    staging: Option<Staging>,
    out: &Path,
    manifest: Manifest,
    files: Vec<D>,
) -> Result<Manifest, Vec<BuildError>> {
    let last = write::Last {
        file: MANIFEST,
        write: |to: &mut dyn std::io::Write| write_manifest_json(&manifest, to),
    };
    write::finish(staging, out, files, Some(last))?;
    Ok(manifest)
}

fn refuse_inside_sources(out: &Path, options: &Options) -> Result<(), Vec<BuildError>> {
    match options
        .sources
        .iter()
        .find(|s| s.is_dir() && crate::fsutil::is_inside(out, s))
    {
        Some(source) => Err(vec![BuildError::OutputInsideSources {
            out: out.to_path_buf(),
            source: source.clone(),
        }]),
        None => Ok(()),
    }
}

/// What `out` lacks to be the build of the inputs (see [`check_current`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Files the build writes whose bytes differ from those in `out`.
    pub stale: Vec<PathBuf>,
    /// Files the build writes that `out` does not hold.
    pub missing: Vec<PathBuf>,
    /// Files the manifest in `out` lists that the build no longer writes.
    pub no_longer_produced: Vec<PathBuf>,
}

impl Staleness {
    pub fn is_current(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.no_longer_produced.is_empty()
    }
}

/// The largest file `check_current` reads back: far above every kind's limit.
const MAX_READ_BACK: usize = 16 << 20;

/// Builds in memory and compares with `out`, writing nothing: which files
/// (paths relative to `out`) are stale, missing or no longer produced.
pub fn check_current(
    inputs: &[Input<'_>],
    out: &Path,
    options: &Options,
) -> Result<Staleness, Vec<BuildError>> {
    refuse_inside_sources(out, options)?;
    let (manifest, files) = render_all(inputs, options)?;
    let mut report = Staleness::default();
    for file in &files {
        let relative = file.relative();
        match crate::load::read_limited(&out.join(&relative), MAX_READ_BACK) {
            Ok((bytes, _)) if bytes == file.bytes => {}
            Ok(_) => report.stale.push(relative),
            Err(_) if !out.join(&relative).exists() => report.missing.push(relative),
            Err(reason) => {
                return Err(vec![BuildError::Io {
                    path: out.join(&relative),
                    reason,
                }]);
            }
        }
    }
    // What the build in `out` says it wrote, and this build no longer does.
    if let Ok((bytes, _)) = crate::load::read_limited(&out.join(MANIFEST), MAX_READ_BACK)
        && let Ok(old) = serde_json::from_slice::<serde_json::Value>(&bytes)
    {
        let mut now: std::collections::HashSet<String> =
            manifest.policies.iter().map(|e| e.path.clone()).collect();
        now.extend(
            manifest
                .org
                .iter()
                .flat_map(|o| o.documents.iter().map(|d| d.path.clone())),
        );
        let old_org = old["org"]["documents"].as_array().into_iter().flatten();
        for entry in old["policies"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(old_org)
        {
            if let Some(path) = entry["path"].as_str()
                && !now.contains(path)
                && is_relative_and_inside(path)
            {
                report.no_longer_produced.push(PathBuf::from(path));
            }
        }
    }
    Ok(report)
}

/// Whether a path read from a manifest stays below the output folder.
fn is_relative_and_inside(path: &str) -> bool {
    let p = Path::new(path);
    !p.is_absolute()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Every file of the build, rendered and checked, with its manifest (which
/// is the last file).
fn render_all(
    inputs: &[Input<'_>],
    options: &Options,
) -> Result<(Manifest, Vec<FileOut>), Vec<BuildError>> {
    let (manifest, mut files) = render_documents(inputs, options)?;
    files.push(FileOut {
        folder: None,
        file: MANIFEST.to_string(),
        bytes: manifest_json(&manifest).into_bytes(),
    });
    Ok((manifest, files))
}

/// The manifest's file name, at the top of the output folder.
const MANIFEST: &str = "manifest.json";
