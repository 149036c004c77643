//! The `org` object of `manifest.json` and the packed documents of the
//! organization, as plain data: the `org` module computes them, emit writes them
//! beside the policies (`out/org/<node>.<kind>-<i>.json`).

use serde::Serialize;
use std::collections::BTreeMap;

/// What a build with an organization writes besides the policies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgOutput {
    /// The packed documents: file stem (written to `org/<stem>.json`) and text.
    pub files: Vec<(String, String)>,
    pub manifest: OrgManifest,
}

/// The `org` object of the manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OrgManifest {
    pub name: String,
    /// Every node, parents before children.
    pub nodes: Vec<OrgNode>,
    /// Every packed document.
    pub documents: Vec<OrgDocument>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrgNode {
    /// `Root`, `Root/Workloads/Prod`, `Root/Workloads/Prod/111122223333`.
    pub path: String,
    /// `root`, `ou` or `account`.
    #[serde(rename = "type")]
    pub node_type: &'static str,
    /// The parent's path; `null` for the root.
    pub parent: Option<String>,
    /// The 12-digit id of an account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// The SCP documents attached directly here (paths relative to the
    /// output folder), then `FullAWSAccess` when it stays attached.
    pub scp: Vec<String>,
    /// The RCP documents attached directly here, then `RCPFullAWSAccess`
    /// when the organization uses RCPs.
    pub rcp: Vec<String>,
    /// The controls in force here, attached here or inherited, sorted.
    pub controls: Vec<String>,
    /// The parameter values in force here, by name.
    pub params: BTreeMap<String, serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrgDocument {
    /// The file stem.
    pub name: String,
    /// `scp` or `rcp`.
    pub kind: &'static str,
    /// `org/<name>.json`.
    pub path: String,
    /// The node it is attached to.
    pub node: String,
    /// The guardrails whose statements it holds.
    pub policies: Vec<String>,
    pub size: usize,
    pub limit: usize,
    pub sha256: String,
}
