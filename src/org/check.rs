//! `org` declarations → the checked [`Org`], with a coded, spanned diagnostic
//! for every problem of the layout: policies that do not exist or are of the
//! wrong kind, an account in two places, two nodes with one path, OUs nested
//! deeper than AWS allows, malformed account ids, a second root, a node left
//! without an SCP. Nesting is written with braces, so a node has exactly one
//! parent and the layout cannot hold a cycle.

use super::{Node, NodeType, Org, quota};
use crate::diag::{Diagnostic, codes};
use crate::ir;
use crate::load::Loaded;
use crate::policy::PolicyKind;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, AttachTarget, OrgEntry};
use std::collections::HashMap;

/// Checks the `org` of the sources (if any) against the checked program and
/// the `test` blocks that name nodes.
/// `declared`: every policy declared, checked or not, by its name folded to
/// lowercase (a policy with errors is not in the program, and its errors are
/// reported already).
pub fn check(
    loaded: &Loaded,
    program: &ir::Program,
    declared: &crate::check::DeclaredPolicies,
) -> (Option<Org>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut first: Option<(FileId, &ast::OrgDecl)> = None;
    for file in &loaded.files {
        for item in &file.ast.items {
            let ast::Item::Org(o) = item else { continue };
            match first {
                None => first = Some((file.id, o)),
                Some((first_file, first_org)) => diags.push(
                    Diagnostic::new(
                        codes::E0707,
                        file.id,
                        o.name.span,
                        format!("organization `{}` is declared twice", o.name.node),
                    )
                    .with_label("a second root")
                    .with_secondary(first_file, first_org.name.span, "the organization")
                    .with_help("an organization has one root: put these OUs and accounts under the first `org`"),
                ),
            }
        }
    }
    let org = first.map(|(file, decl)| {
        let mut walker = Walker {
            file,
            program,
            declared,
            org: Org {
                name: decl.name.node.clone(),
                nodes: Vec::new(),
                sets: Vec::new(),
                file,
                span: *decl.span,
            },
            accounts: HashMap::new(),
            diags: &mut diags,
        };
        walker.node(
            NodeType::Root,
            "Root".to_string(),
            None,
            None,
            decl.name.span,
            &decl.body,
            0,
        );
        walker.org
    });
    if let Some(org) = &org {
        // The policies by name, the first written winning.
        let mut by_name = std::collections::HashMap::new();
        for p in &program.policies {
            by_name.entry(p.name.as_str()).or_insert(p);
        }
        for node in &org.nodes {
            let allows_something = node.scps.iter().any(|name| {
                by_name.get(name.as_str()).is_some_and(|p| {
                    p.rules
                        .iter()
                        .any(|r| r.effect == crate::policy::Effect::Allow)
                })
            });
            if !node.full_aws_access && !node.scps.is_empty() && !allows_something {
                diags.push(
                    Diagnostic::new(
                        codes::W0703,
                        org.file,
                        node.span,
                        format!("`{}` allows nothing: every request below it is denied", node.path),
                    )
                    .with_label("`FullAWSAccess` is detached here and the SCPs attached only deny")
                    .with_help("attach an SCP that allows what the accounts need (`allow ec2:*`), or keep `FullAWSAccess`"),
                );
            }
            if !node.full_aws_access && node.scps.is_empty() {
                diags.push(
                    Diagnostic::new(
                        codes::E0709,
                        org.file,
                        node.span,
                        format!("`{}` has no SCP attached", node.path),
                    )
                    .with_label("`FullAWSAccess` is detached here and no other SCP is attached")
                    .with_help("AWS keeps at least one SCP on every node: attach an SCP that allows what the accounts below need, or keep `FullAWSAccess`"),
                );
            }
        }
    }
    check_test_targets(loaded, org.as_ref(), &mut diags);
    crate::diag::sort(&mut diags);
    (org, diags)
}

struct Walker<'a> {
    file: FileId,
    program: &'a ir::Program,
    declared: &'a crate::check::DeclaredPolicies,
    org: Org,
    /// Account id → where it was first declared.
    accounts: HashMap<String, Span>,
    diags: &'a mut Vec<Diagnostic>,
}

impl Walker<'_> {
    /// Adds a node and its subtree; `ou_depth` is the number of OUs on its
    /// path, itself included.
    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        node_type: NodeType,
        path: String,
        id: Option<String>,
        parent: Option<usize>,
        span: Span,
        body: &[OrgEntry],
        ou_depth: usize,
    ) {
        let index = self.org.nodes.len();
        let name = match (&node_type, path.rsplit_once('/')) {
            (NodeType::Account, _) => String::new(),
            (_, Some((_, last))) => last.to_string(),
            (_, None) => path.clone(),
        };
        self.org.nodes.push(Node {
            path: path.clone(),
            name,
            node_type,
            id,
            parent,
            scps: Vec::new(),
            rcps: Vec::new(),
            full_aws_access: true,
            params: Default::default(),
            span,
        });
        // Names of the children, for duplicate paths.
        let mut children: HashMap<String, Span> = HashMap::new();
        let mut attached: HashMap<String, Span> = HashMap::new();
        for entry in body {
            if node_type == NodeType::Account {
                let inner = match entry {
                    OrgEntry::Ou(ou) => Some(("an OU", ou.name.span)),
                    OrgEntry::Account(a) => Some(("an account", a.name.span)),
                    _ => None,
                };
                if let Some((what, at)) = inner {
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0713,
                            self.file,
                            at,
                            format!("{what} inside account `{path}`"),
                        )
                        .with_label("an account holds no OUs or accounts")
                        .with_secondary(self.file, span, "this account")
                        .with_help("move it out of the account's braces, into an OU or the root"),
                    );
                    continue;
                }
            }
            match entry {
                OrgEntry::Attach(a) => self.attach(index, a, &mut attached),
                OrgEntry::Detach(d) => self.detach(index, d),
                OrgEntry::Set(v) => self.org.sets.push((index, v.clone())),
                OrgEntry::Ou(ou) => {
                    if !self.unique_child(&mut children, &ou.name.node, ou.name.span, &path) {
                        continue;
                    }
                    let depth = ou_depth + 1;
                    if depth == quota::MAX_OU_DEPTH + 1 {
                        self.diags.push(
                            Diagnostic::new(
                                codes::E0705,
                                self.file,
                                ou.name.span,
                                format!(
                                    "OU `{}` is nested {depth} levels deep, over AWS's limit of {}",
                                    ou.name.node,
                                    quota::MAX_OU_DEPTH
                                ),
                            )
                            .with_label("too deep")
                            .with_help("AWS Organizations nests OUs at most five levels below the root: move this OU up a level"),
                        );
                    }
                    let child = format!("{path}/{}", ou.name.node);
                    self.node(
                        NodeType::Ou,
                        child,
                        None,
                        Some(index),
                        ou.name.span,
                        &ou.body,
                        depth,
                    );
                }
                OrgEntry::Account(a) => self.account(index, &path, a, &mut children),
            }
        }
    }

    fn account(
        &mut self,
        parent: usize,
        parent_path: &str,
        a: &ast::AccountDecl,
        children: &mut HashMap<String, Span>,
    ) {
        let id = &a.id.node;
        let well_formed = id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            self.diags.push(
                Diagnostic::new(
                    codes::E0706,
                    self.file,
                    a.id.span,
                    format!("malformed account id `{id}`"),
                )
                .with_label("not 12 digits")
                .with_help("an AWS account id is exactly 12 digits, such as \"111122223333\""),
            );
            return;
        }
        if let Some(first) = self.accounts.get(id) {
            self.diags.push(
                Diagnostic::new(
                    codes::E0703,
                    self.file,
                    a.id.span,
                    format!("account `{id}` is in the organization twice"),
                )
                .with_label("placed again here")
                .with_secondary(self.file, *first, "first placed here")
                .with_help("an account belongs to one OU (or the root): remove one of the places"),
            );
            return;
        }
        self.accounts.insert(id.clone(), a.id.span);
        if !self.unique_child(children, &a.name.node, a.name.span, parent_path) {
            return;
        }
        let index = self.org.nodes.len();
        let path = format!("{parent_path}/{id}");
        self.node(
            NodeType::Account,
            path,
            Some(id.clone()),
            Some(parent),
            a.name.span,
            a.body.as_deref().unwrap_or(&[]),
            0,
        );
        if let Some(node) = self.org.nodes.get_mut(index) {
            node.name = a.name.node.clone();
        }
    }

    /// Whether `name` is new among the children of one node; reports it
    /// otherwise.
    fn unique_child(
        &mut self,
        children: &mut HashMap<String, Span>,
        name: &str,
        span: Span,
        parent_path: &str,
    ) -> bool {
        if let Some(first) = children.get(name) {
            self.diags.push(
                Diagnostic::new(
                    codes::E0704,
                    self.file,
                    span,
                    format!("`{parent_path}/{name}` is declared twice"),
                )
                .with_label("a second node of this name")
                .with_secondary(self.file, *first, "first declared here")
                .with_help("names under one parent must differ: rename one, or merge the two"),
            );
            return false;
        }
        children.insert(name.to_string(), span);
        true
    }

    fn attach(&mut self, node: usize, a: &ast::Attach, attached: &mut HashMap<String, Span>) {
        let kind = a.kind.node;
        if !kind.is_guardrail() {
            self.diags.push(
                Diagnostic::new(
                    codes::E0702,
                    self.file,
                    a.kind.span,
                    format!("`{}` cannot be attached in an organization", kind.keyword()),
                )
                .with_label("not an SCP or RCP")
                .with_help("only `scp` and `rcp` policies are attached to the root, OUs and accounts; identity policies go on users, groups and roles"),
            );
            return;
        }
        for target in &a.targets {
            let names: Vec<String> = match &target.node {
                AttachTarget::Name(name) => match self.by_name(kind, name, target.span) {
                    Some(n) => vec![n],
                    None => continue,
                },
                AttachTarget::Control(pattern) => {
                    let found: Vec<String> = self
                        .program
                        .policies
                        .iter()
                        .filter(|p| p.kind == kind)
                        .filter(|p| {
                            p.controls
                                .iter()
                                .any(|c| super::control_matches(pattern, c))
                        })
                        .map(|p| p.name.clone())
                        .collect();
                    if found.is_empty() {
                        self.diags.push(
                            Diagnostic::new(
                                codes::W0701,
                                self.file,
                                target.span,
                                format!(
                                    "`@control(\"{pattern}\")` matches no {}",
                                    kind.described().trim_start_matches("an ").trim_start_matches("a ")
                                ),
                            )
                            .with_label("attaches nothing")
                            .with_help("`*` stands for any characters but `:`; check the pattern against the policies' `@control` ids"),
                        );
                    }
                    found
                }
            };
            for name in names {
                let key = name.to_ascii_lowercase();
                if let Some(first) = attached.get(&key) {
                    if matches!(target.node, AttachTarget::Name(_)) {
                        self.diags.push(
                            Diagnostic::new(
                                codes::W0702,
                                self.file,
                                target.span,
                                format!("`{name}` is attached here twice"),
                            )
                            .with_label("attached again")
                            .with_secondary(self.file, *first, "first attached here")
                            .with_help("remove one of the two"),
                        );
                    }
                    continue;
                }
                attached.insert(key, target.span);
                if let Some(n) = self.org.nodes.get_mut(node) {
                    match kind {
                        PolicyKind::Rcp => n.rcps.push(name),
                        _ => n.scps.push(name),
                    }
                }
            }
        }
    }

    /// The policy `name` of `kind`, as the program spells it; `None` (and a
    /// diagnostic, unless the policy has errors of its own) otherwise.
    fn by_name(&mut self, kind: PolicyKind, name: &str, span: Span) -> Option<String> {
        let key = name.to_ascii_lowercase();
        if let Some(p) = self
            .program
            .policies
            .iter()
            .find(|p| p.name.to_ascii_lowercase() == key)
        {
            if p.kind == kind {
                return Some(p.name.clone());
            }
            self.diags.push(
                Diagnostic::new(
                    codes::E0702,
                    self.file,
                    span,
                    format!(
                        "`{}` is {}, not {}",
                        p.name,
                        p.kind.described(),
                        kind.described()
                    ),
                )
                .with_label(format!("attached as {}", kind.described()))
                .with_help(match p.kind {
                    PolicyKind::Scp | PolicyKind::Rcp => format!(
                        "attach it with `{} {}`",
                        p.kind.keyword(),
                        p.name
                    ),
                    _ => "only SCPs and RCPs are attached to the root, OUs and accounts; identity policies go on users, groups and roles".to_string(),
                }),
            );
            return None;
        }
        if self.declared.contains_key(&key) {
            // Declared but with errors: those are reported where it stands.
            return None;
        }
        let mut d = Diagnostic::new(
            codes::E0701,
            self.file,
            span,
            format!("unknown policy `{name}`"),
        )
        .with_label(format!("no {} of this name", kind.keyword()));
        let candidates = self
            .program
            .policies
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.name.as_str());
        if let Some(s) = crate::check::closest(name, candidates) {
            d = d.with_suggestion(s);
        }
        self.diags.push(d);
        None
    }

    fn detach(&mut self, node: usize, d: &ast::Detach) {
        if d.name.node == quota::FULL_AWS_ACCESS {
            if let Some(n) = self.org.nodes.get_mut(node) {
                n.full_aws_access = false;
            }
            return;
        }
        let (label, help) = if d.name.node.eq_ignore_ascii_case(quota::RCP_FULL_AWS_ACCESS) {
            (
                "AWS keeps it attached",
                "AWS attaches `RCPFullAWSAccess` to every node and does not let it go; deny in an RCP instead",
            )
        } else {
            (
                "only `FullAWSAccess` can be detached",
                "a policy of the sources is attached only where a line attaches it: remove that line instead",
            )
        };
        let mut diag = Diagnostic::new(
            codes::E0710,
            self.file,
            d.name.span,
            format!("cannot detach `{}`", d.name.node),
        )
        .with_label(label)
        .with_help(help);
        if d.name.node.eq_ignore_ascii_case(quota::FULL_AWS_ACCESS) {
            diag = diag.with_suggestion(quota::FULL_AWS_ACCESS);
        }
        self.diags.push(diag);
    }
}

/// Each `test` that names a path must name a node of the organization.
fn check_test_targets(loaded: &Loaded, org: Option<&Org>, diags: &mut Vec<Diagnostic>) {
    for file in &loaded.files {
        for item in &file.ast.items {
            let ast::Item::Test(t) = item else { continue };
            let Some(target) = t.node_path() else {
                continue;
            };
            let path = &target.node;
            let mut d = match org {
                None => Diagnostic::new(
                    codes::E0708,
                    file.id,
                    target.span,
                    format!("test names `{path}`, but no organization is declared"),
                )
                .with_label("no `org` to find this in")
                .with_help(
                    "declare the organization with `org Name { … }`, or test a policy by its name",
                ),
                Some(org) if org.find(path).is_some() => continue,
                Some(org) => {
                    let mut d = Diagnostic::new(
                        codes::E0708,
                        file.id,
                        target.span,
                        format!("unknown node `{path}`"),
                    )
                    .with_label(format!(
                        "no node of organization `{}` has this path",
                        org.name
                    ));
                    if let Some(s) = crate::check::closest(path, org.paths()) {
                        d = d.with_suggestion(s);
                    }
                    d
                }
            };
            if d.help.is_none() {
                d = d.with_help("paths start at `Root` (`Root/Workloads/Prod`); an account is its OU's path, `/` and its id or name");
            }
            diags.push(d);
        }
    }
}
