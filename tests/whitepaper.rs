//! The as-published forms of the whitepaper guardrails (G01–G16) compile to
//! JSON that means what the whitepaper's own JSON means: both are evaluated
//! on the same generated requests and must decide alike.
//!
//! Requests vary every action either document names (wildcards expanded with
//! the catalog), every condition key the action carries (absent, each value
//! either side mentions, another value; one and two values for multivalued
//! keys), and the principal of key policies. A key an action does not carry is
//! never set: IAM never sends it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gov::catalog::Catalog;
use gov::eval::Request;
use gov::iam::{Actions, PolicyDocument, Principal, PrincipalSpec, Resources};
use gov::ir::PolicyKind;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Where the published JSON cannot be taken literally, and why. Each is also
/// explained in the guardrail's `.gov` file.
const DEVIATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "G04",
        "image/{ImageName}",
        "image/approved-image",
        "the whitepaper's placeholder image name, filled in (gov rejects placeholders)",
    ),
    (
        "G15",
        "logs.region.amazonaws.com",
        "logs.us-east-1.amazonaws.com",
        "the whitepaper's placeholder Region in the service principal, filled in",
    ),
];

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn published(id: &str) -> PolicyDocument {
    let mut text = std::fs::read_to_string(format!("tests/fixtures/whitepaper/{id}.json")).unwrap();
    for (gid, from, to, _) in DEVIATIONS {
        if *gid == id {
            assert!(
                text.contains(from),
                "{id}: deviation `{from}` no longer applies"
            );
            text = text.replace(from, to);
        }
    }
    PolicyDocument::from_json(&text).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// Every action a document names, wildcards expanded.
fn actions(doc: &PolicyDocument, out: &mut BTreeSet<String>) {
    for stmt in &doc.statements {
        let Actions::Action(list) = &stmt.actions else {
            continue;
        };
        for a in list {
            let Some((prefix, name)) = a.split_once(':') else {
                continue;
            };
            let Some(service) = catalog().service(prefix) else {
                continue;
            };
            if name.contains(['*', '?']) {
                for m in service.actions_matching(name) {
                    out.insert(m.full_name());
                }
            } else if let Some(action) = service.action(name) {
                out.insert(action.full_name());
            }
        }
    }
}

/// A value that matches a pattern value (`*` and `?` filled in).
fn instance(v: &str) -> String {
    v.replace(['*', '?'], "x")
}

/// Candidate values of each key either document tests, and the variables' keys.
fn key_values(docs: &[&PolicyDocument]) -> Vec<(String, Vec<String>)> {
    let mut keys: Vec<(String, BTreeSet<String>)> = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        let lower = k.to_ascii_lowercase();
        let entry = match keys
            .iter_mut()
            .position(|(n, _)| n.to_ascii_lowercase() == lower)
        {
            Some(i) => &mut keys[i].1,
            None => {
                keys.push((k.to_string(), BTreeSet::new()));
                &mut keys.last_mut().unwrap().1
            }
        };
        if let Some(v) = v {
            entry.insert(v);
        }
    };
    for doc in docs {
        for stmt in &doc.statements {
            for c in &stmt.conditions {
                if c.operator == "Null" {
                    add(&c.key, Some("some-value".into()));
                    continue;
                }
                if c.operator.as_str().starts_with("Bool") {
                    add(&c.key, Some("true".into()));
                    add(&c.key, Some("false".into()));
                    continue;
                }
                for v in &c.values {
                    if let Some(var) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                        // A variable: the variable's key and the tested key share a value.
                        add(var, Some("alice".into()));
                        add(&c.key, Some("alice".into()));
                        add(&c.key, Some("bob".into()));
                    } else if c.operator.as_str().contains("IpAddress") {
                        let net: ipnet::IpNet = v
                            .parse()
                            .unwrap_or_else(|_| format!("{v}/32").parse().unwrap());
                        add(
                            &c.key,
                            Some(net.hosts().next().unwrap_or(net.addr()).to_string()),
                        );
                        add(&c.key, Some("198.51.100.77".into()));
                    } else {
                        add(&c.key, Some(instance(v)));
                        add(&c.key, Some("other-value".into()));
                    }
                }
            }
        }
    }
    keys.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

fn supports(action: &str, key: &str) -> bool {
    let Some(k) = catalog().key(key) else {
        return false;
    };
    if k.global {
        return true;
    }
    let Some((prefix, name)) = action.split_once(':') else {
        return false;
    };
    let Some(a) = catalog().service(prefix).and_then(|s| s.action(name)) else {
        return false;
    };
    let replacement = k.deprecated_by.as_deref().and_then(|r| catalog().key(r));
    catalog().action_supports_key(a, &k)
        || replacement.is_some_and(|r| catalog().action_supports_key(a, &r))
}

fn principals(doc: &PolicyDocument) -> Vec<String> {
    let mut out = BTreeSet::new();
    for stmt in &doc.statements {
        if let Some(Principal::Principal(PrincipalSpec::Map(map))) = &stmt.principal {
            for values in map.values() {
                out.extend(values.iter().cloned());
            }
        }
    }
    out.insert("other.amazonaws.com".to_string());
    out.into_iter().collect()
}

fn resources(doc: &PolicyDocument, out: &mut BTreeSet<Option<String>>) {
    for stmt in &doc.statements {
        if let Some(Resources::Resource(list)) = &stmt.resources {
            for r in list.iter().filter(|r| *r != "*") {
                out.insert(Some(instance(r)));
            }
        }
    }
}

/// All requests for one action: the product of the keys' candidates.
fn requests(
    action: &str,
    keys: &[(String, Vec<String>)],
    multivalued: impl Fn(&str) -> bool,
) -> Vec<Vec<(String, Vec<String>)>> {
    let mut combos: Vec<Vec<(String, Vec<String>)>> = vec![Vec::new()];
    for (key, values) in keys.iter().filter(|(k, _)| supports(action, k)) {
        let mut options: Vec<Option<Vec<String>>> = vec![None];
        options.extend(values.iter().map(|v| Some(vec![v.clone()])));
        if multivalued(key) && values.len() >= 2 {
            options.push(Some(values[..2].to_vec()));
        }
        let mut next = Vec::new();
        for combo in &combos {
            for opt in &options {
                let mut c = combo.clone();
                if let Some(v) = opt {
                    c.push((key.clone(), v.clone()));
                }
                next.push(c);
            }
        }
        combos = next;
        assert!(combos.len() <= 200_000, "{action}: too many combinations");
    }
    combos
}

#[test]
fn as_published_forms_mean_the_published_json() {
    let checked = gov::compile_paths(&[PathBuf::from("policies/whitepaper")], catalog()).unwrap();
    assert!(
        !checked.has_errors(),
        "{}",
        gov::diag::render_human(&checked.loaded.sources, &checked.diagnostics, false)
    );
    let mut report = Vec::new();
    for n in 1..=16 {
        let id = format!("G{n:02}");
        let policy = checked
            .program
            .policies
            .iter()
            .find(|p| p.name.starts_with(&id) && p.name.ends_with("AsPublished"))
            .unwrap_or_else(|| panic!("no as-published policy for {id}"));
        let ours = checked.document(&policy.name).unwrap();
        let theirs = published(&id);
        let mut all_actions = BTreeSet::new();
        actions(ours, &mut all_actions);
        actions(&theirs, &mut all_actions);
        let keys = key_values(&[ours, &theirs]);
        let mut all_resources: BTreeSet<Option<String>> = BTreeSet::from([None]);
        resources(ours, &mut all_resources);
        resources(&theirs, &mut all_resources);
        let principals = if matches!(
            policy.kind,
            PolicyKind::KeyPolicy | PolicyKind::ResourcePolicy
        ) {
            principals(&theirs).into_iter().map(Some).collect()
        } else {
            vec![None]
        };
        let multivalued = |k: &str| catalog().key(k).is_some_and(|k| k.ty.is_multivalued());
        let mut compared = 0usize;
        let mut differences = Vec::new();
        for action in &all_actions {
            for context in requests(action, &keys, multivalued) {
                for resource in &all_resources {
                    for principal in &principals {
                        let mut req = Request::new(action.clone());
                        if let Some(r) = resource {
                            req = req.with_resource(r.clone());
                        }
                        if let Some(p) = principal {
                            req = req.with_principal(p.clone());
                        }
                        for (k, v) in &context {
                            req.set_key(k, v.clone());
                        }
                        let a = gov::testing::decide(policy.kind, ours, &req).decision;
                        let b = gov::testing::decide(policy.kind, &theirs, &req).decision;
                        compared += 1;
                        if a != b && differences.len() < 5 {
                            differences.push(format!("{action} {resource:?} {principal:?} {context:?}: gov {a:?}, published {b:?}"));
                        }
                    }
                }
            }
        }
        assert!(compared > 0, "{id}: no request compared");
        assert!(
            differences.is_empty(),
            "{id} ({}) differs from the published JSON:\n{}",
            policy.name,
            differences.join("\n")
        );
        report.push(format!("{id}: {compared} requests agree"));
    }
    println!("{}", report.join("\n"));
}
