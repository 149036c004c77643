//! `gov eval`: one request decided from the command line, for a node of the
//! organization or for one policy, with the node, document and statement
//! that decided.
//!
//! The request is written as a one-case `test` block and compiled with the
//! sources, so its action, keys and values are checked like any test's
//! (with spans into the request as written).

use super::{EXIT_USAGE, compile_or_report_with, usage_error};
use gov::catalog::Catalog;
use gov::diag::{self, codes};
use gov::eval::{Decision, Layer};
use gov::iam::PolicyDocument;
use gov::ir::PolicyKind;
use gov::org;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes: allowed, denied explicitly, denied implicitly (usage and
/// compile errors exit 2).
pub(crate) const EXIT_ALLOW: u8 = 0;
pub(crate) const EXIT_EXPLICIT_DENY: u8 = 1;
pub(crate) const EXIT_IMPLICIT_DENY: u8 = 3;

pub(crate) struct EvalArgs {
    pub paths: Vec<PathBuf>,
    pub node: Option<String>,
    pub policy: Option<String>,
    pub identity: Vec<String>,
    pub resource_policies: Vec<String>,
    pub action: String,
    pub resource: Option<String>,
    pub context: Vec<String>,
    pub context_json: Option<String>,
    pub json: bool,
    pub sets: gov::compile::ParamValues,
}

/// What decided.
struct Answer {
    decision: Decision,
    node: Option<String>,
    policy: Option<String>,
    document: Option<String>,
    statements: Vec<String>,
}

/// The request's context: `key=value` arguments (a key given again adds a
/// value) and a JSON object of strings, numbers, booleans or lists of them.
fn context(args: &EvalArgs) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |key: &str, value: String| match out.iter_mut().find(|(k, _)| k == key) {
        Some((_, values)) => values.push(value),
        None => out.push((key.to_string(), vec![value])),
    };
    for c in &args.context {
        let Some((key, value)) = c.split_once('=') else {
            return Err(format!("`--context {c}` is not `key=value`"));
        };
        add(key.trim(), value.to_string());
    }
    if let Some(text) = &args.context_json {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("`--context-json` is not JSON: {e}"))?;
        let Some(object) = json.as_object() else {
            return Err("`--context-json` must be a JSON object of keys to values".to_string());
        };
        for (key, value) in object {
            let scalar = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            let values: Vec<String> = match value {
                serde_json::Value::Array(items) => items.iter().filter_map(scalar).collect(),
                other => scalar(other).into_iter().collect(),
            };
            let expected = match value {
                serde_json::Value::Array(items) => items.len(),
                _ => 1,
            };
            if values.len() != expected {
                return Err(format!(
                    "`--context-json`: the value of `{key}` must be a string, number, boolean or a list of them"
                ));
            }
            for v in values {
                add(key, v);
            }
        }
    }
    Ok(out)
}

/// The request as a one-case `test` block.
fn request_text(target: &str, args: &EvalArgs, context: &[(String, Vec<String>)]) -> String {
    let quote = gov::syntax::quote;
    let entries: Vec<String> = context
        .iter()
        .map(|(k, values)| match values.as_slice() {
            [one] => format!("{k} = {}", quote(one)),
            many => format!(
                "{k} = [{}]",
                many.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", ")
            ),
        })
        .collect();
    let on = args
        .resource
        .as_ref()
        .map(|r| format!(" on {}", quote(r)))
        .unwrap_or_default();
    format!(
        "test \"gov eval\" for {target} {{\n    {}{on} {{ {} }} => allow\n}}\n",
        args.action,
        entries.join(", ")
    )
}

pub(crate) fn run_eval(args: EvalArgs, color: bool, catalog: &Catalog) -> ExitCode {
    let target = match (&args.node, &args.policy) {
        (Some(n), None) => n.clone(),
        (None, Some(p)) => p.clone(),
        _ => {
            usage_error(
                codes::E0712,
                "name one of `--node PATH` (a node of the organization) and `--policy NAME`",
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if args.node.as_deref().is_some_and(|n| !org::is_node_path(n)) {
        usage_error(
            codes::E0712,
            format!(
                "`--node {target}` is not a path below the root, such as `Root/Workloads/Prod`"
            ),
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let context = match context(&args) {
        Ok(c) => c,
        Err(e) => {
            usage_error(codes::E0712, e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let text = request_text(&target, &args, &context);
    let paths = super::default_paths(args.paths.clone());
    let compilation = match compile_or_report_with(&paths, "<request>", &text, &args.sets, catalog)
    {
        Ok(c) => c,
        Err(code) => return code,
    };
    if compilation.has_errors() {
        let errors: Vec<_> = compilation.errors().cloned().collect();
        err!(
            "{}",
            diag::render_human(&compilation.loaded.sources, &errors, color)
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let Some(case) = compilation
        .program
        .tests
        .iter()
        .find(|t| compilation.loaded.sources.name(t.file) == "<request>")
        .and_then(|t| t.cases.first())
    else {
        usage_error(codes::E0712, "the request could not be read");
        return ExitCode::from(EXIT_USAGE);
    };
    let req = gov::testing::request(case);
    let answer = match (&args.node, &args.policy) {
        (Some(node), _) => by_node(
            &compilation,
            node,
            &args.identity,
            &args.resource_policies,
            &req,
        ),
        (_, Some(policy)) => by_policy(&compilation, policy, &req),
        _ => Err("nothing to decide".to_string()),
    };
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            usage_error(codes::E0712, e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    print(&answer, args.json);
    ExitCode::from(match answer.decision {
        Decision::Allow => EXIT_ALLOW,
        Decision::ExplicitDeny => EXIT_EXPLICIT_DENY,
        Decision::ImplicitDeny => EXIT_IMPLICIT_DENY,
    })
}

fn docs_by_name(c: &gov::Compilation) -> HashMap<String, (PolicyKind, &PolicyDocument)> {
    c.documents
        .iter()
        .map(|(p, d)| (p.name.to_ascii_lowercase(), (p.kind, d)))
        .collect()
}

fn by_node(
    c: &gov::Compilation,
    path: &str,
    identity: &[String],
    resource_policies: &[String],
    req: &gov::eval::Request,
) -> Result<Answer, String> {
    let Some(organization) = c.org.as_ref() else {
        return Err("no organization is declared in the sources".to_string());
    };
    let node = organization
        .find(path)
        .ok_or_else(|| format!("no node `{path}` in the organization"))?;
    // The guardrails with the values in force at the node; the caller's and
    // the resource's policies as compiled.
    let all = docs_by_name(c);
    let levels = org::eval::levels_of(organization, node, &|n| c.documents_at(n))
        .map_err(|name| format!("policy `{name}` did not compile"))?;
    let allow_all = gov::eval::full_aws_access();
    let mut grants: Vec<(&str, &PolicyDocument)> = Vec::new();
    for name in identity {
        match all.get(&name.to_ascii_lowercase()) {
            Some((PolicyKind::Identity, d)) => grants.push((name.as_str(), *d)),
            Some((kind, _)) => {
                return Err(format!(
                    "`--identity {name}` is {}, not an identity policy",
                    kind.described()
                ));
            }
            None => return Err(format!("unknown policy `{name}`")),
        }
    }
    if identity.is_empty() {
        grants.push(("an identity policy that allows everything", &allow_all));
    }
    let mut on_resource: Vec<(&str, &PolicyDocument)> = Vec::new();
    for name in resource_policies {
        match all.get(&name.to_ascii_lowercase()) {
            Some((PolicyKind::ResourcePolicy | PolicyKind::KeyPolicy, d)) => {
                on_resource.push((name.as_str(), *d));
            }
            Some((kind, _)) => {
                return Err(format!(
                    "`--resource-policy {name}` is {}, not a resource or key policy",
                    kind.described()
                ));
            }
            None => return Err(format!("unknown policy `{name}`")),
        }
    }
    let v = org::eval::decide(&levels, &grants, &on_resource, req);
    // The packed document that holds the deciding guardrail at its node.
    let mut document = None;
    if let (Some(at), Some(policy), Some(layer)) = (&v.node, &v.policy, v.layer)
        && matches!(layer, Layer::Scp | Layer::Rcp)
        && let Some(index) = organization.find(at)
        && let Ok(packed) = org::build::pack_all(organization, &|n| c.documents_at(n))
    {
        let kind = if layer == Layer::Rcp {
            PolicyKind::Rcp
        } else {
            PolicyKind::Scp
        };
        document = packed
            .iter()
            .filter(|n| n.node == index && n.kind == kind)
            .flat_map(|n| n.packed.iter().enumerate())
            .find(|(_, p)| p.policies.iter().any(|x| x == policy))
            .map(|(i, _)| format!("org/{}.json", org::build::stem(at, kind, i + 1)));
    }
    Ok(Answer {
        decision: v.decision,
        node: v.node,
        policy: v.policy,
        document,
        statements: v.statements,
    })
}

fn by_policy(c: &gov::Compilation, name: &str, req: &gov::eval::Request) -> Result<Answer, String> {
    let all = docs_by_name(c);
    let (kind, doc) = all
        .get(&name.to_ascii_lowercase())
        .ok_or_else(|| format!("unknown policy `{name}`"))?;
    let outcome = gov::testing::decide(*kind, doc, req);
    let statements: Vec<String> = outcome
        .deciding
        .iter()
        .filter(|s| s.layer == Layer::of(*kind))
        .map(|s| {
            s.sid
                .clone()
                .unwrap_or_else(|| format!("#{}", s.statement + 1))
        })
        .collect();
    let policy_name = c
        .documents
        .iter()
        .find(|(p, _)| p.name.eq_ignore_ascii_case(name))
        .map(|(p, _)| p.name.clone());
    Ok(Answer {
        decision: outcome.decision,
        node: None,
        document: policy_name
            .as_ref()
            .map(|n| format!("{}/{n}.json", gov::emit::folder(*kind))),
        policy: if statements.is_empty() {
            None
        } else {
            policy_name
        },
        statements,
    })
}

fn print(a: &Answer, json: bool) {
    let decision = gov::testing::decision_text(a.decision);
    if json {
        let value = serde_json::json!({
            "decision": match a.decision {
                Decision::Allow => "allow",
                Decision::ExplicitDeny => "explicit_deny",
                Decision::ImplicitDeny => "implicit_deny",
            },
            "node": a.node,
            "policy": a.policy,
            "document": a.document,
            "statements": a.statements,
        });
        outln!("{value}");
        return;
    }
    outln!("{decision}");
    let esc = |s: &str| diag::escape(s).into_owned();
    if let Some(n) = &a.node {
        outln!("  node:      {}", esc(n));
    }
    if let Some(p) = &a.policy {
        outln!("  policy:    {}", esc(p));
    }
    if let Some(d) = &a.document {
        outln!("  document:  {}", esc(d));
    }
    for s in &a.statements {
        outln!("  statement: {}", esc(s));
    }
}
