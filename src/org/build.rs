//! `gov build` with an organization: the guardrails attached at each node
//! packed into documents within AWS's per-node quota and size limit
//! ([`super::pack`]), and the manifest's `org` object.

use super::Org;
use super::pack::{self, Attached, Overflow};
use crate::diag::{Diagnostic, codes};
use crate::emit::{self, OrgDocument, OrgManifest, OrgNode, OrgOutput};
use crate::iam::PolicyDocument;
use crate::ir;
use crate::policy::PolicyKind;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The documents of one node, of one kind.
pub struct NodeDocs {
    pub node: usize,
    pub kind: PolicyKind,
    pub packed: Vec<pack::Packed>,
}

/// The file stem of a node's `i`-th (from 1) document of `kind`: its path
/// with `.` for `/` (names hold no `.`), the kind and the number:
/// `Root.Workloads.Prod.scp-1`.
pub fn stem(path: &str, kind: PolicyKind, i: usize) -> String {
    format!("{}.{}-{i}", path.replace('/', "."), kind.keyword())
}

/// How many documents of `kind` a node may hold besides the AWS-managed one.
pub fn slots(kind: PolicyKind, full_aws_access: bool) -> usize {
    let Some(q) = kind.attach_quota() else {
        return 0;
    };
    let managed_kept = !q.managed_detachable || full_aws_access;
    q.per_node - usize::from(managed_kept)
}

/// Packs every node's guardrails; every node that cannot hold its own is an
/// error (`E0711`) at the node.
pub fn pack_all<'a>(
    org: &Org,
    documents_at: &(dyn Fn(usize) -> &'a [(std::sync::Arc<ir::Policy>, PolicyDocument)] + Sync),
) -> Result<Vec<NodeDocs>, Vec<Diagnostic>> {
    let jobs: Vec<(usize, PolicyKind)> = (0..org.nodes.len())
        .flat_map(|i| [(i, PolicyKind::Scp), (i, PolicyKind::Rcp)])
        .collect();
    let results: Vec<Result<NodeDocs, Box<Diagnostic>>> = jobs
        .par_iter()
        .map(|&(i, kind)| {
            let node = &org.nodes[i];
            let docs: HashMap<String, &PolicyDocument> = documents_at(i)
                .iter()
                .map(|(p, d)| (p.name.to_ascii_lowercase(), d))
                .collect();
            let names = if kind == PolicyKind::Rcp {
                &node.rcps
            } else {
                &node.scps
            };
            let attached: Vec<Attached<'_>> = names
                .iter()
                .filter_map(|n| {
                    docs.get(&n.to_ascii_lowercase())
                        .map(|doc| Attached { name: n, doc })
                })
                .collect();
            let slots = slots(kind, node.full_aws_access);
            pack::pack(kind, &attached, kind.limit().max, slots)
                .map(|packed| NodeDocs {
                    node: i,
                    kind,
                    packed,
                })
                .map_err(|overflow| Box::new(overflow_diagnostic(org, i, kind, slots, &overflow)))
        })
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(d) => out.push(d),
            Err(d) => errors.push(*d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn overflow_diagnostic(
    org: &Org,
    node: usize,
    kind: PolicyKind,
    slots: usize,
    overflow: &Overflow,
) -> Diagnostic {
    let n = &org.nodes[node];
    let lim = kind.limit();
    let what = kind.keyword().to_uppercase();
    match overflow {
        Overflow::TooMany { needed, sizes, .. } => {
            let listed: Vec<String> = sizes
                .iter()
                .map(|(name, size)| format!("`{name}` {}", thousands(*size)))
                .collect();
            let total: usize = sizes.iter().map(|(_, s)| s).sum();
            let mut help = format!(
                "the {}s attached here are {} {} in all ({}); {}, or shorten them",
                what,
                thousands(total),
                lim.what,
                listed.join(", "),
                if n.parent.is_none() {
                    "attach some at the OUs or accounts below instead"
                } else {
                    "attach some at a parent OU or at the OUs and accounts below instead"
                }
            );
            if kind == PolicyKind::Scp && n.full_aws_access {
                help.push_str(
                    "; detaching `FullAWSAccess` frees one place, if an SCP attached here allows what the accounts need",
                );
            }
            Diagnostic::new(
                codes::E0711,
                org.file,
                n.span,
                format!(
                    "`{}` cannot hold its {what}s: they need {needed} documents of at most {} {}, and AWS allows {slots} here",
                    n.path,
                    thousands(lim.max),
                    lim.what
                ),
            )
            .with_label(format!("{needed} {what} documents needed, {slots} allowed"))
            .with_help(help)
        }
        Overflow::Statement { policy, sid, size } => {
            let which = match sid {
                Some(s) => format!("statement `{s}` of `{policy}`"),
                None => format!("a statement of `{policy}`"),
            };
            Diagnostic::new(
                codes::E0711,
                org.file,
                n.span,
                format!(
                    "`{}` cannot hold its {what}s: {which} is {} {} by itself, over the limit of {}",
                    n.path,
                    thousands(*size),
                    lim.what,
                    thousands(lim.max)
                ),
            )
            .with_label("attached here")
            .with_help("no packing can fit one statement over the limit: shorten its lists or conditions")
        }
    }
}

/// The packed documents and the manifest's `org` object.
pub fn output<'a>(
    org: &Org,
    program: &ir::Program,
    documents_at: &(dyn Fn(usize) -> &'a [(std::sync::Arc<ir::Policy>, PolicyDocument)] + Sync),
) -> Result<OrgOutput, Vec<Diagnostic>> {
    let packed = pack_all(org, documents_at)?;
    let uses_rcps = org.nodes.iter().any(|n| !n.rcps.is_empty());
    let controls_of: HashMap<String, &[String]> = program
        .policies
        .iter()
        .map(|p| (p.name.to_ascii_lowercase(), p.controls.as_slice()))
        .collect();
    let mut files = Vec::new();
    let mut documents = Vec::new();
    // (node, kind) → document paths
    let mut paths: BTreeMap<(usize, PolicyKind), Vec<String>> = BTreeMap::new();
    for nd in &packed {
        let node = &org.nodes[nd.node];
        for (i, p) in nd.packed.iter().enumerate() {
            let name = stem(&node.path, nd.kind, i + 1);
            let text = emit::render(nd.kind, &p.doc);
            let path = format!("org/{name}.json");
            documents.push(OrgDocument {
                name: name.clone(),
                kind: nd.kind.keyword(),
                path: path.clone(),
                node: node.path.clone(),
                policies: p.policies.clone(),
                size: p.size,
                limit: nd.kind.limit().max,
                sha256: emit::sha256_hex(text.as_bytes()),
            });
            paths.entry((nd.node, nd.kind)).or_default().push(path);
            files.push((name, text));
        }
    }
    let mut nodes = Vec::with_capacity(org.nodes.len());
    let mut in_force: Vec<BTreeSet<String>> = Vec::with_capacity(org.nodes.len());
    for (i, n) in org.nodes.iter().enumerate() {
        let mut controls: BTreeSet<String> = n
            .parent
            .and_then(|p| in_force.get(p).cloned())
            .unwrap_or_default();
        for name in n.scps.iter().chain(&n.rcps) {
            if let Some(cs) = controls_of.get(&name.to_ascii_lowercase()) {
                controls.extend(cs.iter().cloned());
            }
        }
        let mut scp = paths.remove(&(i, PolicyKind::Scp)).unwrap_or_default();
        if n.full_aws_access {
            scp.push(super::quota::FULL_AWS_ACCESS.to_string());
        }
        let mut rcp = paths.remove(&(i, PolicyKind::Rcp)).unwrap_or_default();
        if uses_rcps {
            rcp.push(super::quota::RCP_FULL_AWS_ACCESS.to_string());
        }
        nodes.push(OrgNode {
            path: n.path.clone(),
            node_type: n.node_type.as_str(),
            parent: n
                .parent
                .and_then(|p| org.nodes.get(p))
                .map(|p| p.path.clone()),
            id: n.id.clone(),
            name: n.name.clone(),
            scp,
            rcp,
            controls: controls.iter().cloned().collect(),
            params: n
                .params
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::json!(v)))
                .collect(),
        });
        in_force.push(controls);
    }
    Ok(OrgOutput {
        files,
        manifest: OrgManifest {
            name: org.name.clone(),
            nodes,
            documents,
        },
    })
}
