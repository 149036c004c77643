//! The manifest: one entry per written document.

use crate::catalog::CatalogInfo;
use crate::ir::PolicyKind;
use serde::Serialize;

/// What a build wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The catalog the policies were checked against, when the caller said.
    pub catalog: Option<CatalogInfo>,
    /// One entry per written document, sorted by kind, policy, part.
    pub policies: Vec<ManifestEntry>,
    /// The organization, when the sources declare one.
    pub org: Option<super::OrgManifest>,
}

/// One written document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The document's name, its file name without `.json`: the policy's name,
    /// or `<Name>-<i>` for part `i` of a split policy.
    pub name: String,
    pub kind: PolicyKind,
    /// The file, relative to the output folder, with forward slashes:
    /// `scp/DenyRoot.json`.
    pub path: String,
    /// Where the policy is declared.
    pub source: SourceRef,
    pub controls: Vec<String>,
    pub docs: Vec<String>,
    /// The size by the kind's rule ([`super::size`]) of the written bytes.
    pub size: usize,
    /// The kind's limit ([`PolicyKind::limit`]).
    pub limit: usize,
    /// SHA-256 of the written bytes, lowercase hex.
    pub sha256: String,
    /// Set when the policy was split over several documents.
    pub part: Option<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRef {
    /// The `.gov` file as shown to users (relative path).
    pub path: String,
    /// 1-based line of the policy's declaration.
    pub line: usize,
}

/// Which part of a split policy a document is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The policy's name.
    pub of: String,
    /// From 1.
    pub index: usize,
    pub count: usize,
}

impl ManifestEntry {
    /// The order of the manifest: kind (declaration order of [`PolicyKind`]:
    /// scp, rcp, policy, resource_policy, key_policy), then policy name, then
    /// part, then document name.
    pub(crate) fn sort_key(&self) -> (PolicyKind, &str, usize, &str) {
        match &self.part {
            Some(part) => (self.kind, part.of.as_str(), part.index, self.name.as_str()),
            None => (self.kind, self.name.as_str(), 0, self.name.as_str()),
        }
    }
}

// The serialized shape. Field order is fixed by these structs, not by a map,
// so the text does not depend on serde_json features.

#[derive(Serialize)]
struct ManifestOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog: Option<CatalogOut<'a>>,
    policies: Entries<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    org: Option<&'a super::OrgManifest>,
}

/// The entries, each shaped as [`EntryOut`] while it is written (a list of
/// thousands of them made first would sit beside the text).
struct Entries<'a>(Vec<&'a ManifestEntry>);

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|e| EntryOut::of(e)))
    }
}

#[derive(Serialize)]
struct CatalogOut<'a> {
    source: &'a str,
    version: &'a str,
    date: &'a str,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    name: &'a str,
    kind: &'static str,
    path: &'a str,
    source: SourceOut<'a>,
    controls: &'a [String],
    docs: &'a [String],
    size: usize,
    limit: usize,
    sha256: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<PartOut<'a>>,
}

impl<'a> EntryOut<'a> {
    fn of(e: &'a ManifestEntry) -> EntryOut<'a> {
        EntryOut {
            name: &e.name,
            kind: e.kind.keyword(),
            path: &e.path,
            source: SourceOut {
                path: &e.source.path,
                line: e.source.line,
            },
            controls: &e.controls,
            docs: &e.docs,
            size: e.size,
            limit: e.limit,
            sha256: &e.sha256,
            part: e.part.as_ref().map(|p| PartOut {
                of: &p.of,
                index: p.index,
                count: p.count,
            }),
        }
    }
}

#[derive(Serialize)]
struct SourceOut<'a> {
    path: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct PartOut<'a> {
    of: &'a str,
    index: usize,
    count: usize,
}

/// The canonical text of `manifest.json`: entries sorted by kind, policy name
/// and part whatever their order in `manifest`, two-space indentation, one
/// final newline. `catalog` and `part` are left out when absent.
///
/// ```json
/// {
///   "catalog": { "source": "…", "version": "…", "date": "…" },
///   "policies": [
///     {
///       "name": "DenyRoot", "kind": "scp", "path": "scp/DenyRoot.json",
///       "source": { "path": "policies/org.gov", "line": 3 },
///       "controls": ["CIS 1.7"], "docs": ["…"],
///       "size": 412, "limit": 10240, "sha256": "…",
///       "part": { "of": "Big", "index": 1, "count": 2 }
///     }
///   ]
/// }
/// ```
pub fn manifest_json(manifest: &Manifest) -> String {
    let shaped = shaped(manifest);
    // Measured first, then written once into a buffer of that size: grown
    // by doubling, the text of thousands of entries left several megabytes
    // of larger and larger copies behind.
    let mut counted = Counted(0);
    let len = write_shaped(&shaped, &mut counted).map_or(0, |()| counted.0);
    let mut bytes = Vec::with_capacity(len);
    // Serializing these plain structs into memory cannot fail; fall back to
    // an empty manifest rather than panic.
    const EMPTY: &str = "{\n  \"policies\": []\n}\n";
    if write_shaped(&shaped, &mut bytes).is_err() {
        return EMPTY.to_string();
    }
    // The serializer writes UTF-8 only.
    String::from_utf8(bytes).unwrap_or_else(|_| EMPTY.to_string())
}

/// [`manifest_json`] written to `to` as it is made (a build writes it
/// straight into its file: 1.7 MB for 4,000 documents, never whole in
/// memory).
pub fn write_manifest_json(
    manifest: &Manifest,
    to: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_shaped(&shaped(manifest), to)
}

/// The manifest in its serialized shape, its entries in manifest order.
fn shaped(manifest: &Manifest) -> ManifestOut<'_> {
    let mut entries: Vec<&ManifestEntry> = manifest.policies.iter().collect();
    entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    ManifestOut {
        catalog: manifest.catalog.as_ref().map(|c| CatalogOut {
            source: &c.source,
            version: &c.version,
            date: &c.date,
        }),
        policies: Entries(entries),
        org: manifest.org.as_ref(),
    }
}

/// The text of the manifest, then a newline.
fn write_shaped(shaped: &ManifestOut<'_>, to: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *to, shaped).map_err(std::io::Error::other)?;
    to.write_all(b"\n")
}

/// A writer that only counts what it is given.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, kind: PolicyKind, part: Option<(&str, usize, usize)>) -> ManifestEntry {
        ManifestEntry {
            name: name.to_string(),
            kind,
            path: format!("{}/{name}.json", kind.keyword()),
            source: SourceRef {
                path: "policies/a.gov".to_string(),
                line: 1,
            },
            controls: vec![],
            docs: vec![],
            size: 1,
            limit: 2,
            sha256: "00".to_string(),
            part: part.map(|(of, index, count)| Part {
                of: of.to_string(),
                index,
                count,
            }),
        }
    }

    #[test]
    fn sorted_by_kind_then_name_then_part() {
        let manifest = Manifest {
            org: None,
            catalog: None,
            policies: vec![
                entry("Z", PolicyKind::Identity, None),
                entry("Big-10", PolicyKind::Scp, Some(("Big", 10, 10))),
                entry("Big-2", PolicyKind::Scp, Some(("Big", 2, 10))),
                entry("A", PolicyKind::Identity, None),
                entry("C", PolicyKind::Scp, None),
            ],
        };
        let text = manifest_json(&manifest);
        let names: Vec<String> =
            serde_json::from_str::<serde_json::Value>(&text).unwrap()["policies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
        assert_eq!(names, vec!["Big-2", "Big-10", "C", "A", "Z"]);
        assert!(text.ends_with("]\n}\n"));
        assert!(!text.contains("catalog"));
        assert!(text.starts_with("{\n  \"policies\": [\n    {\n      \"name\""));
    }
}
