//! Organizations: the `org` layout (root, OUs, accounts and what is attached
//! to each), checked against the program's policies ([`check`]), requests
//! decided through the hierarchy as AWS does ([`eval`]), and the `test`
//! blocks that name a node ([`tests`]).
//!
//! Paths name nodes: the root is `Root`, an OU its parent's path, `/` and
//! its name (`Root/Workloads/Prod`), an account its OU's path, `/` and its
//! 12-digit id (`Root/Workloads/Prod/111122223333`); in a `test` the
//! account's name may stand for its id.

pub mod build;
pub mod check;
pub mod eval;
pub mod pack;
pub mod params;
pub mod tests;

use crate::source::{FileId, Span};

/// AWS Organizations' limit on the layout itself (ORGLIM, docs/iam-sources.md);
/// the per-node attachment quotas are `PolicyKind::attach_quota`.
pub mod quota {
    /// OUs may nest five levels deep below the root.
    pub const MAX_OU_DEPTH: usize = 5;
    use crate::policy::PolicyKind;
    /// The AWS-managed SCP `Allow * on *`, attached to every node by default.
    pub const FULL_AWS_ACCESS: &str = match PolicyKind::Scp.attach_quota() {
        Some(q) => q.managed,
        None => "",
    };
    /// The AWS-managed RCP attached to every node; it cannot be detached.
    pub const RCP_FULL_AWS_ACCESS: &str = match PolicyKind::Rcp.attach_quota() {
        Some(q) => q.managed,
        None => "",
    };
}

/// What a node of the organization is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    Root,
    Ou,
    Account,
}

impl NodeType {
    /// As written in the manifest: `root`, `ou`, `account`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeType::Root => "root",
            NodeType::Ou => "ou",
            NodeType::Account => "account",
        }
    }
}

/// The checked organization: its nodes, parents before children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    pub name: String,
    /// `nodes[0]` is the root.
    pub nodes: Vec<Node>,
    /// The `set` entries, with the node each stands in.
    pub sets: Vec<(usize, crate::syntax::ast::SetValue)>,
    pub file: FileId,
    pub span: Span,
}

/// The root, an OU or an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub path: String,
    /// The name as written (`Root` for the root).
    pub name: String,
    pub node_type: NodeType,
    /// The 12-digit id of an account.
    pub id: Option<String>,
    /// Index of the parent in [`Org::nodes`]; `None` for the root.
    pub parent: Option<usize>,
    /// SCPs attached here, by policy name, in the order written, each once.
    pub scps: Vec<String>,
    /// RCPs attached here, likewise.
    pub rcps: Vec<String>,
    /// Whether `FullAWSAccess` stays attached here (AWS's default).
    pub full_aws_access: bool,
    /// The values of the params in force here, by name (`org::params`).
    pub params: std::collections::BTreeMap<String, Vec<String>>,
    /// The span of the node's name (the `org` name for the root).
    pub span: Span,
}

impl Org {
    /// The node a path names: its exact path, or for an account, its OU's
    /// path and its name instead of its id. Case matters, as in AWS names.
    pub fn find(&self, path: &str) -> Option<usize> {
        if let Some(i) = self.nodes.iter().position(|n| n.path == path) {
            return Some(i);
        }
        let (parent, last) = path.rsplit_once('/')?;
        self.nodes.iter().position(|n| {
            n.node_type == NodeType::Account
                && n.name == last
                && n.parent
                    .and_then(|p| self.nodes.get(p))
                    .is_some_and(|p| p.path == parent)
        })
    }

    /// The nodes from the root down to `node`, both included.
    pub fn chain(&self, node: usize) -> Vec<usize> {
        let mut out = vec![node];
        let mut at = node;
        while let Some(p) = self.nodes.get(at).and_then(|n| n.parent) {
            // Parents come before children, so this ends.
            if p >= at {
                break;
            }
            out.push(p);
            at = p;
        }
        out.reverse();
        out
    }

    /// Every path, for suggestions.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.path.as_str())
    }
}

/// Whether a `test` block names a node of the organization rather than a
/// policy: its target holds a `/`.
pub fn is_node_path(target: &str) -> bool {
    target.contains('/')
}

/// Whether a `@control` id matches a pattern of an attachment: `*` stands
/// for any run of characters other than `:`, `?` for one such character, so
/// `whitepaper:G*` takes `whitepaper:G02` but not `whitepaper:G02:as-published`.
pub fn control_matches(pattern: &str, control: &str) -> bool {
    fn go(p: &[char], c: &[char]) -> bool {
        // Iterative glob with one backtrack point per `*`, bounded by `:`.
        let (mut pi, mut ci) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while ci < c.len() {
            match p.get(pi) {
                Some('*') => {
                    star = Some((pi, ci));
                    pi += 1;
                }
                Some('?') if c[ci] != ':' => {
                    pi += 1;
                    ci += 1;
                }
                Some(&ch) if ch != '*' && ch != '?' && ch == c[ci] => {
                    pi += 1;
                    ci += 1;
                }
                _ => match star {
                    Some((sp, sc)) if c.get(sc) != Some(&':') => {
                        pi = sp + 1;
                        ci = sc + 1;
                        star = Some((sp, sc + 1));
                    }
                    _ => return false,
                },
            }
        }
        p[pi..].iter().all(|&ch| ch == '*')
    }
    let p: Vec<char> = pattern.chars().collect();
    let c: Vec<char> = control.chars().collect();
    go(&p, &c)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn control_patterns_stop_at_colons() {
        assert!(control_matches("whitepaper:G*", "whitepaper:G02"));
        assert!(!control_matches(
            "whitepaper:G*",
            "whitepaper:G02:as-published"
        ));
        assert!(control_matches(
            "whitepaper:G*:*",
            "whitepaper:G02:as-published"
        ));
        assert!(control_matches("whitepaper:N0?", "whitepaper:N03"));
        assert!(!control_matches("whitepaper:N0?", "whitepaper:N1"));
        assert!(control_matches("*", "x"));
        assert!(!control_matches("*", "x:y"));
        assert!(control_matches("a*b*c", "aXbYc"));
        assert!(!control_matches("a*c", "ab:c"));
        assert!(control_matches("exact", "exact"));
        assert!(!control_matches("exact", "exactly"));
    }
}
