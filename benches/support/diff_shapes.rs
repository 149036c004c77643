//! Shapes of policies that once made `gov::diff` slow, each at a scale
//! factor: two versions of `.gov` source with a small change between them.
//!
//! - `rules`: one SCP of `100 × scale` rules, each `deny CreateApp when
//!   aws:username == "uN" and InstanceTypes all in ["ml.t3.medium", "xN"]`;
//!   one constant changed and one value added;
//! - `lists`: one rule `deny CreateApp unless aws:username in [..] and
//!   InstanceTypes all in [..]`, both lists of `100 × scale` values; one
//!   value changed;
//! - `keys`: `32 × scale` distinct keys, 32 to an `or` (a rule may lower to
//!   at most 64 statements); one value changed;
//! - `and`: one rule testing `32 × scale` distinct keys joined by `and`;
//!   one value changed;
//! - `policy`: one identity policy of `1,000 × scale` rules of every kind
//!   (typed and plain actions, CIDRs, numbers, presence, resources with
//!   variables) with the same five realistic changes at every scale;
//! - `self`: that policy against itself.
//!
//! Shared by `benches/diff.rs` (speed) and `tests/diff_scale.rs` (what the
//! diff finds on them).

// Helpers of tests and benches may fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each user takes what it needs.
#![allow(dead_code)]

use std::fmt::Write as _;

/// The shapes, by name.
pub const SHAPES: [&str; 6] = ["rules", "lists", "keys", "and", "policy", "self"];

/// The old and new source of `shape` at `scale` (1, 10, 100, …).
pub fn shape(name: &str, scale: usize) -> (String, String) {
    match name {
        "rules" => (rules(100 * scale, 0), rules(100 * scale, 1)),
        "lists" => (lists(100 * scale, 0), lists(100 * scale, 1)),
        "keys" => (keys(scale, 0), keys(scale, 1)),
        "and" => (conjunction(32 * scale, 0), conjunction(32 * scale, 1)),
        "policy" => (policy(1_000 * scale, 0), policy(1_000 * scale, 1)),
        "self" => {
            let p = policy(1_000 * scale, 0);
            (p.clone(), p)
        }
        other => panic!("no shape `{other}`"),
    }
}

/// How many rules (or values, or keys) `shape` has at `scale`.
pub fn size(name: &str, scale: usize) -> usize {
    match name {
        "rules" | "lists" => 100 * scale,
        "keys" | "and" => 32 * scale,
        _ => 1_000 * scale,
    }
}

fn rules(n: usize, v: usize) -> String {
    let mut out = String::from("scp ManyRules {\n");
    for i in 0..n {
        // version 1 changes the user of one rule and approves one more type
        // in another
        let user = if v == 1 && i == n / 2 {
            format!("u{i}-renamed")
        } else {
            format!("u{i}")
        };
        let extra = if v == 1 && i == n / 3 {
            format!(", \"y{i}\"")
        } else {
            String::new()
        };
        writeln!(
            out,
            "    deny sagemaker:CreateApp when aws:username == \"{user}\" and sagemaker:InstanceTypes all in [\"ml.t3.medium\", \"x{i}\"{extra}]"
        )
        .unwrap();
    }
    out.push_str("}\n");
    out
}

fn list(prefix: &str, n: usize, changed: Option<usize>) -> String {
    (0..n)
        .map(|i| {
            if Some(i) == changed {
                format!("\"{prefix}{i}-changed\"")
            } else {
                format!("\"{prefix}{i}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn lists(n: usize, v: usize) -> String {
    let changed = (v == 1).then_some(n / 2);
    format!(
        "scp LongLists {{\n    deny sagemaker:CreateApp\n        unless aws:username in [{}]\n           and sagemaker:InstanceTypes all in [{}]\n}}\n",
        list("user-", n, None),
        list("ml.type", n, changed)
    )
}

fn key_tests(from: usize, n: usize, changed: usize) -> Vec<String> {
    (from..from + n)
        .map(|i| {
            let value = if i == changed {
                format!("v{i}-changed")
            } else {
                format!("v{i}")
            };
            format!("aws:PrincipalTag/k{i} == \"{value}\"")
        })
        .collect()
}

fn keys(rules: usize, v: usize) -> String {
    let changed = if v == 1 { rules * 32 / 2 } else { usize::MAX };
    let mut out = String::from("scp ManyKeys {\n");
    for r in 0..rules {
        writeln!(
            out,
            "    deny sagemaker:CreateApp when {}",
            key_tests(r * 32, 32, changed).join("\n        or ")
        )
        .unwrap();
    }
    out.push_str("}\n");
    out
}

fn conjunction(n: usize, v: usize) -> String {
    let changed = if v == 1 { n / 2 } else { usize::MAX };
    format!(
        "scp ManyKeysTogether {{\n    deny sagemaker:CreateApp when {}\n}}\n",
        key_tests(0, n, changed).join("\n        and ")
    )
}

// The same actions as the corpus, so that both exercise one catalog slice.
use super::diff_corpus::{PLAIN_ACTIONS, TYPED_ACTIONS};

/// Rule `r` of the big policy; version 1 changes five rules (3, 101, 502,
/// 703 and 904), whatever the size.
fn policy_rule(r: usize, v: usize) -> String {
    let changed = v == 1 && [3, 101, 502, 703, 904].contains(&r);
    let deny = r % 7 == 6;
    let effect = if deny { "deny" } else { "allow" };
    match r % 5 {
        0 => {
            let action = TYPED_ACTIONS[r % TYPED_ACTIONS.len()];
            let extra = if changed { ", \"ml.g5.xlarge\"" } else { "" };
            format!(
                "    {effect} sagemaker:{action} when sagemaker:InstanceTypes all in [\"ml.t3.medium\", \"ml.m5.large\", \"ml.c5.{}xlarge\"{extra}] and aws:PrincipalTag/project == \"p{}\"\n",
                r % 9 + 1,
                r / 5
            )
        }
        1 => {
            let action = PLAIN_ACTIONS[r % PLAIN_ACTIONS.len()];
            let prefix = if changed { 25 } else { 24 };
            format!(
                "    {effect} {action} when aws:SourceIp in [\"10.{}.0.0/16\", \"192.0.{}.0/{prefix}\"] and aws:PrincipalTag/project == \"p{}\"\n",
                r % 250,
                (r / 5) % 250,
                r / 5
            )
        }
        2 => {
            let action = PLAIN_ACTIONS[(r / 5) % PLAIN_ACTIONS.len()];
            let limit = if changed { 7200 } else { 3600 + r % 100 };
            format!(
                "    {effect} {action} when aws:MultiFactorAuthAge <= {limit} and aws:PrincipalTag/team == \"team-{}\"\n",
                r / 5
            )
        }
        3 => {
            let presence = if changed {
                String::new()
            } else {
                " and sagemaker:VpcSubnets present".to_string()
            };
            format!(
                "    {effect} sagemaker:CreateDomain when sagemaker:AppNetworkAccessType == \"VpcOnly\"{presence} and aws:PrincipalTag/project == \"p{}\"\n",
                r / 5
            )
        }
        _ => {
            let folder = if changed { "shared" } else { "home" };
            format!(
                "    {effect} s3:GetObject on \"arn:aws:s3:::bucket-{}/{folder}/${{aws:username}}/*\" when aws:RequestedRegion in [\"eu-west-1\", \"us-east-{}\"]\n",
                r / 5,
                r % 2 + 1
            )
        }
    }
}

fn policy(n: usize, v: usize) -> String {
    let mut out = String::from("policy BigPolicy {\n");
    for r in 0..n {
        out.push_str(&policy_rule(r, v));
    }
    out.push_str("}\n");
    out
}
