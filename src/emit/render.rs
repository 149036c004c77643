//! Rendering a build: each policy's documents as canonical JSON text, with
//! their digests and manifest entries (per policy, on any core), then the
//! checks across policies and the manifest (once, in input order).

use super::{
    BuildError, Input, Manifest, ManifestEntry, Options, Planned, SourceRef, folder, is_safe_name,
    plan, sha256_hex, write::FileOut,
};
use crate::diag::{Diagnostic, codes};
use crate::ir;
use rayon::prelude::*;
use std::collections::HashMap;

/// One document of the build: its manifest entry and its file (a
/// [`FileOut`], or a [`super::write::Doc`] once staged).
struct Rendered<F> {
    entry: ManifestEntry,
    file: F,
}

impl Planned<'_> {
    /// Its manifest entry (with the text's digest) and its file, made into
    /// an `F` by `file` (staged at once by a streaming build).
    fn rendered<F>(self, file: impl Fn(FileOut) -> F) -> Rendered<F> {
        let kind = self.input.policy.kind;
        let sha256 = sha256_hex(self.text.as_bytes());
        Rendered {
            entry: ManifestEntry {
                path: self.path(),
                kind,
                source: SourceRef {
                    path: self.input.source_path.clone(),
                    line: self.input.line,
                },
                controls: self.input.policy.controls.clone(),
                docs: self.input.policy.docs.clone(),
                size: self.size,
                limit: kind.limit().max,
                sha256,
                part: self.part,
                name: self.name.clone(),
            },
            file: file(FileOut {
                folder: Some(folder(kind)),
                file: format!("{}.json", self.name),
                // Maybe kept until written: without the slack of its growth.
                bytes: {
                    let mut bytes = self.text.into_bytes();
                    bytes.shrink_to_fit();
                    bytes
                },
            }),
        }
    }
}

/// Every document of the build, rendered and checked, and the manifest that
/// lists them (sorted; its own file is not among the files).
pub(super) fn render_documents(
    inputs: &[Input<'_>],
    options: &Options,
) -> Result<(Manifest, Vec<FileOut>), Vec<BuildError>> {
    // Rendering, hashing and the manifest entry are per document: on every
    // core (the digest while the text is fresh in the cache), gathered in
    // input order.
    let rendered: Vec<RenderedPolicy<FileOut>> = inputs
        .par_iter()
        .map(|input| render_policy(input, options, &|file| file))
        .collect();
    assemble(rendered, options)
}

/// What the checks across a build's policies need of each: its name, its
/// kind and where it is declared (the rest may be gone by then).
struct PolicyName {
    name: String,
    kind: ir::PolicyKind,
    file: crate::source::FileId,
    span: ir::Span,
}

impl PolicyName {
    fn of(policy: &ir::Policy) -> PolicyName {
        PolicyName {
            name: policy.name.clone(),
            kind: policy.kind,
            file: policy.file,
            span: policy.span,
        }
    }
}

/// The documents of one policy of a build, rendered and checked on their
/// own ([`render_policy`]), with what the checks across policies need of
/// it; [`super::build_rendered`] writes them.
pub(crate) struct RenderedPolicy<F> {
    name: PolicyName,
    documents: Vec<Rendered<F>>,
    diagnostics: Vec<Diagnostic>,
}

/// Renders the documents of `input`, one policy of a build, hashes them and makes their manifest entries, checking their names and
/// sizes: all a build does per policy, so it can be done as soon as the
/// policy is lowered and its document dropped. Each file is made into an `F`
/// by `file` (written at once by a streaming build, so its bytes go too).
pub(crate) fn render_policy<F>(
    input: &Input<'_>,
    options: &Options,
    file: &impl Fn(FileOut) -> F,
) -> RenderedPolicy<F> {
    let mut diagnostics = Vec::new();
    let documents = plan(input, options, &mut diagnostics)
        .into_iter()
        .map(|planned| planned.rendered(file))
        .collect();
    RenderedPolicy {
        name: PolicyName::of(input.policy),
        documents,
        diagnostics,
    }
}

/// The files of a build and its manifest, from the rendered policies (in
/// build order): every diagnostic of any policy, and the collisions between
/// them, or the files in input order and the sorted manifest.
pub(super) fn assemble<F: From<FileOut>>(
    per_policy: Vec<RenderedPolicy<F>>,
    options: &Options,
) -> Result<(Manifest, Vec<F>), Vec<BuildError>> {
    // Each document's entry and file are moved once into their lists (no
    // list of whole documents beside them: at the build's peak memory).
    let count: usize = per_policy.iter().map(|r| r.documents.len()).sum();
    let org_files = options.org.as_ref().map_or(0, |o| o.files.len());
    let mut diags = Vec::new();
    let mut entries = Vec::with_capacity(count);
    let mut files = Vec::with_capacity(count + org_files);
    let mut owners = Vec::with_capacity(count);
    let mut policies = Vec::with_capacity(per_policy.len());
    for (index, one) in per_policy.into_iter().enumerate() {
        policies.push(one.name);
        diags.extend(one.diagnostics);
        for document in one.documents {
            owners.push(index);
            entries.push(document.entry);
            files.push(document.file);
        }
    }
    collisions(&policies, &entries, &owners, &mut diags);
    if !diags.is_empty() {
        crate::diag::sort(&mut diags);
        return Err(diags.into_iter().map(BuildError::Diagnostic).collect());
    }
    // The manifest's order, found on indices and applied by moving each
    // entry once (sorting the entries themselves moved each many times).
    // Ties keep input order, as a stable sort would.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_unstable_by(|&a, &b| (entries[a].sort_key(), a).cmp(&(entries[b].sort_key(), b)));
    permute(&mut entries, &order);
    if let Some(org) = &options.org {
        for (stem, text) in &org.files {
            files.push(F::from(FileOut {
                folder: Some("org"),
                file: format!("{stem}.json"),
                bytes: text.clone().into_bytes(),
            }));
        }
    }
    let manifest = Manifest {
        catalog: options.catalog.clone(),
        policies: entries,
        org: options.org.as_ref().map(|o| o.manifest.clone()),
    };
    Ok((manifest, files))
}

/// Reorders `items` in place so that `items[p]` is what was at `order[p]`
/// (`order` a permutation of the positions), following each cycle once.
fn permute<T>(items: &mut [T], order: &[usize]) {
    debug_assert_eq!(items.len(), order.len());
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        let mut position = start;
        while !done[position] {
            done[position] = true;
            let from = order[position];
            if from == start {
                break;
            }
            items.swap(position, from);
            position = from;
        }
    }
}

/// Checks two documents never share a file, comparing paths ignoring case
/// (macOS and Windows file systems do). Policies that failed still claim their
/// plain `<kind>/<Name>.json`. Reported once per pair of policies, at the later
/// one, in input order. `owners[i]` is the policy of `entries[i]`.
fn collisions(
    policies: &[PolicyName],
    entries: &[ManifestEntry],
    owners: &[usize],
    diags: &mut Vec<Diagnostic>,
) {
    // The documents are in input order: each policy's documents are the run
    // at the front of what is left (a scan of all of them per policy was
    // quadratic).
    debug_assert!(owners.windows(2).all(|w| w[0] <= w[1]));
    let mut claims: Vec<(std::borrow::Cow<'_, str>, usize)> = Vec::with_capacity(entries.len());
    let mut rest = entries;
    let mut rest_owners = owners;
    for (index, policy) in policies.iter().enumerate() {
        let count = rest_owners.iter().take_while(|&&o| o == index).count();
        let (mine, after) = rest.split_at(count);
        rest = after;
        rest_owners = &rest_owners[count..];
        if mine.is_empty() {
            if is_safe_name(&policy.name) {
                claims.push((
                    format!("{}/{}.json", folder(policy.kind), policy.name).into(),
                    index,
                ));
            }
        } else {
            claims.extend(mine.iter().map(|e| (e.path.as_str().into(), index)));
        }
    }
    // Lowercased path → (path, policy index) of its first claimant.
    let mut seen: HashMap<String, (std::borrow::Cow<'_, str>, usize), foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(claims.len(), Default::default());
    let mut reported: std::collections::HashSet<(usize, usize)> = Default::default();
    for (path, index) in claims {
        let key = path.to_lowercase();
        let Some((first_path, first_index)) = seen.get(&key) else {
            seen.insert(key, (path, index));
            continue;
        };
        let (Some(first), Some(this)) = (policies.get(*first_index), policies.get(index)) else {
            continue;
        };
        if !reported.insert((*first_index, index)) {
            continue;
        }
        let (message, help) = if *first_path == path {
            (
                format!(
                    "policies `{}` and `{}` would both be written to `{path}`",
                    first.name, this.name
                ),
                "two policies of one kind need different names",
            )
        } else {
            (
                format!(
                    "`{path}` of policy `{}` and `{first_path}` of policy `{}` differ only in case",
                    this.name, first.name
                ),
                "file names are compared ignoring case, as on macOS and Windows: rename one of the policies",
            )
        };
        diags.push(
            Diagnostic::new(codes::E0503, this.file, this.span, message)
                .with_label(format!("written to `{path}`"))
                .with_secondary(first.file, first.span, format!("written to `{first_path}`"))
                .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    /// Every permutation of up to six positions, against the plain copy.
    #[test]
    fn permute_puts_at_each_position_what_the_order_names() {
        fn all(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut out = Vec::new();
            for rest in all(n - 1) {
                for at in 0..=rest.len() {
                    let mut p = rest.clone();
                    p.insert(at, n - 1);
                    out.push(p);
                }
            }
            out
        }
        for n in 0..=6 {
            for order in all(n) {
                let items: Vec<String> = (0..n).map(|i| format!("item{i}")).collect();
                let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
                let mut moved = items.clone();
                permute(&mut moved, &order);
                assert_eq!(moved, expected, "order {order:?}");
            }
        }
    }
}
