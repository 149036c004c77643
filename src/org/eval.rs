//! A request decided through the organization, as AWS decides it
//! (EVAL, SCPEVAL, RCPEVAL in docs/iam-sources.md):
//!
//! 1. an explicit `Deny` in any SCP or RCP attached at any level from the
//!    root down to the account, or in an identity or resource policy, decides;
//! 2. at every level the SCPs attached there must allow (`FullAWSAccess`,
//!    kept by default, allows everything); a level where none allows denies
//!    implicitly, whatever the other levels say;
//! 3. RCPs never allow by themselves: `RCPFullAWSAccess` is attached
//!    everywhere, so they act only through step 1;
//! 4. then an identity- or resource-based `Allow` must grant the request.
//!
//! The documents of a level are given by name, so the same function decides
//! with the policies as written and with the documents packed from them.

use crate::eval::{self, Decision, Layer, PolicySet, Request};
use crate::iam::PolicyDocument;
use crate::policy::Effect;

/// The policies in force at one node of the path.
#[derive(Clone, Debug)]
pub struct Level<'a> {
    pub path: &'a str,
    /// SCPs attached here, by name.
    pub scps: Vec<(&'a str, &'a PolicyDocument)>,
    /// Whether `FullAWSAccess` is attached here too.
    pub full_aws_access: bool,
    /// RCPs attached here, by name (`RCPFullAWSAccess` is implied).
    pub rcps: Vec<(&'a str, &'a PolicyDocument)>,
}

/// The decision and what decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub decision: Decision,
    /// The layer that decided: `Scp` or `Rcp` for a level's policies,
    /// `Identity` or `Resource` otherwise; `None` when nothing allowed.
    pub layer: Option<Layer>,
    /// The node whose policy decided (or where no SCP allowed).
    pub node: Option<String>,
    /// The document that decided, by name.
    pub policy: Option<String>,
    /// Its deciding statements: their Sids, or `#n` for a statement without one.
    pub statements: Vec<String>,
}

impl Verdict {
    fn new(decision: Decision, layer: Option<Layer>) -> Verdict {
        Verdict {
            decision,
            layer,
            node: None,
            policy: None,
            statements: Vec::new(),
        }
    }
}

fn label(doc: &PolicyDocument, index: usize) -> String {
    doc.statements
        .get(index)
        .and_then(|s| s.sid.clone())
        .unwrap_or_else(|| format!("#{}", index + 1))
}

/// The statements of `doc` that deny the request; a statement that cannot
/// be evaluated counts as denying if it is a `Deny` (fail closed).
fn denying(doc: &PolicyDocument, req: &Request) -> Vec<usize> {
    let r = eval::evaluate_document(doc, req);
    let mut out = r.denied_by;
    for (i, _) in r.errors {
        if doc
            .statements
            .get(i)
            .is_some_and(|s| s.effect == Effect::Deny)
        {
            out.push(i);
        }
    }
    out.sort_unstable();
    out
}

/// Decides `req` for an account (or any node) whose path from the root is
/// `levels`, with the identity and resource policies given by name.
pub fn decide(
    levels: &[Level<'_>],
    identity: &[(&str, &PolicyDocument)],
    resource: &[(&str, &PolicyDocument)],
    req: &Request,
) -> Verdict {
    // 1. an explicit deny anywhere on the path
    for level in levels {
        for (layer, docs) in [(Layer::Scp, &level.scps), (Layer::Rcp, &level.rcps)] {
            for (name, doc) in docs {
                let denies = denying(doc, req);
                if !denies.is_empty() {
                    return Verdict {
                        node: Some(level.path.to_string()),
                        policy: Some((*name).to_string()),
                        statements: denies.iter().map(|&i| label(doc, i)).collect(),
                        ..Verdict::new(Decision::ExplicitDeny, Some(layer))
                    };
                }
            }
        }
    }
    let set = PolicySet {
        identity: identity.iter().map(|(_, d)| *d).collect(),
        resource: resource.iter().map(|(_, d)| *d).collect(),
        ..PolicySet::new()
    };
    let outcome = eval::evaluate(&set, req);
    let named = |v: &mut Verdict| {
        let Some(first) = outcome.deciding.first() else {
            return;
        };
        let list = match first.layer {
            Layer::Resource => resource,
            _ => identity,
        };
        if let Some((name, doc)) = list.get(first.policy) {
            v.policy = Some((*name).to_string());
            v.statements = outcome
                .deciding
                .iter()
                .filter(|s| s.layer == first.layer && s.policy == first.policy)
                .map(|s| label(doc, s.statement))
                .collect();
        }
    };
    if outcome.decision == Decision::ExplicitDeny {
        let mut v = Verdict::new(Decision::ExplicitDeny, outcome.layer);
        named(&mut v);
        return v;
    }
    // 2. every level's SCPs must allow
    for level in levels {
        let allows = level.full_aws_access
            || level
                .scps
                .iter()
                .any(|(_, doc)| !eval::evaluate_document(doc, req).allowed_by.is_empty());
        if !allows {
            return Verdict {
                node: Some(level.path.to_string()),
                ..Verdict::new(Decision::ImplicitDeny, Some(Layer::Scp))
            };
        }
    }
    // 4. an identity or resource policy must allow
    let mut v = Verdict::new(outcome.decision, outcome.layer);
    if outcome.decision == Decision::Allow {
        named(&mut v);
    }
    v
}

/// The levels from the root down to `node`, with the documents attached at
/// each: `documents_at(level)` lists the documents compiled with the values
/// in force at that level (`org::params`), looked up by policy name. `Err`
/// names a policy that has no document (it did not compile).
pub fn levels_of<'a>(
    org: &'a super::Org,
    node: usize,
    documents_at: &dyn Fn(usize) -> &'a [(std::sync::Arc<crate::ir::Policy>, PolicyDocument)],
) -> Result<Vec<Level<'a>>, String> {
    let mut out = Vec::new();
    for i in org.chain(node) {
        let Some(n) = org.nodes.get(i) else { continue };
        let here = documents_at(i);
        let find = |names: &'a [String]| -> Result<Vec<(&'a str, &'a PolicyDocument)>, String> {
            names
                .iter()
                .map(|name| {
                    here.iter()
                        .find(|(p, _)| p.name.eq_ignore_ascii_case(name))
                        .map(|(_, d)| (name.as_str(), d))
                        .ok_or_else(|| name.clone())
                })
                .collect()
        };
        out.push(Level {
            path: &n.path,
            scps: find(&n.scps)?,
            full_aws_access: n.full_aws_access,
            rcps: find(&n.rcps)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod unit {
    use super::*;

    fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::from_json(json).unwrap()
    }

    #[test]
    fn every_level_must_allow_and_a_deny_anywhere_wins() {
        let allow_all = eval::full_aws_access();
        let deny_s3 = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
        );
        let only_ec2 = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Ec2","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#,
        );
        let root = Level {
            path: "Root",
            scps: vec![],
            full_aws_access: true,
            rcps: vec![],
        };
        let ou = Level {
            path: "Root/Sandbox",
            scps: vec![("OnlyEc2", &only_ec2)],
            full_aws_access: false,
            rcps: vec![],
        };
        let acct = Level {
            path: "Root/Sandbox/111122223333",
            scps: vec![("DenyS3", &deny_s3)],
            full_aws_access: true,
            rcps: vec![],
        };
        let identity = [("AllowAll", &allow_all)];
        let levels = [root.clone(), ou, acct];
        let v = decide(&levels, &identity, &[], &Request::new("ec2:RunInstances"));
        assert_eq!(v.decision, Decision::Allow);
        assert_eq!(v.policy.as_deref(), Some("AllowAll"));
        let v = decide(&levels, &identity, &[], &Request::new("iam:CreateUser"));
        assert_eq!(v.decision, Decision::ImplicitDeny);
        assert_eq!(v.node.as_deref(), Some("Root/Sandbox"));
        let v = decide(&levels, &identity, &[], &Request::new("s3:GetObject"));
        assert_eq!(v.decision, Decision::ExplicitDeny);
        assert_eq!(v.node.as_deref(), Some("Root/Sandbox/111122223333"));
        assert_eq!(v.policy.as_deref(), Some("DenyS3"));
        assert_eq!(v.statements, ["NoS3"]);
        // the root alone lets everything through; no identity grant denies
        let v = decide(&[root], &[], &[], &Request::new("s3:GetObject"));
        assert_eq!(v.decision, Decision::ImplicitDeny);
        assert_eq!(v.node, None);
    }

    #[test]
    fn rcps_deny_through_the_path() {
        let allow_all = eval::full_aws_access();
        let rcp = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}"#,
        );
        let root = Level {
            path: "Root",
            scps: vec![],
            full_aws_access: true,
            rcps: vec![("Tls", &rcp)],
        };
        let identity = [("AllowAll", &allow_all)];
        let v = decide(
            std::slice::from_ref(&root),
            &identity,
            &[],
            &Request::new("s3:GetObject"),
        );
        assert_eq!(v.decision, Decision::ExplicitDeny);
        assert_eq!(v.layer, Some(Layer::Rcp));
        assert_eq!(v.statements, ["#1"]);
        let req = Request::new("s3:GetObject").with_key("aws:SecureTransport", ["true"]);
        assert_eq!(
            decide(&[root], &identity, &[], &req).decision,
            Decision::Allow
        );
    }
}
