//! Two versions of a generated corpus for `gov::diff`: `policies` policies of
//! ten rules each (SCPs and identity policies, typed and plain actions,
//! quantified keys, CIDRs, numbers, presence, resources with variables).
//! Version 1 changes a fifth of the policies, renames one, drops one and adds
//! an SCP `deny * except [..]` that spans every action of the catalog.
//!
//! Shared by `benches/diff.rs` (speed) and `tests/diff_corpus.rs` (what the
//! diff finds).

// Helpers of tests and benches may fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gov::iam::PolicyDocument;
use gov::ir::Policy;
use std::fmt::Write as _;
use std::sync::Arc;

pub const RULES_PER_POLICY: usize = 10;

pub const TYPED_ACTIONS: [&str; 7] = [
    "CreateApp",
    "CreateSpace",
    "UpdateSpace",
    "CreateUserProfile",
    "UpdateUserProfile",
    "CreateDomain",
    "UpdateDomain",
];

pub const PLAIN_ACTIONS: [&str; 6] = [
    "sagemaker:DescribeDomain",
    "sagemaker:ListApps",
    "sagemaker:DescribeUserProfile",
    "sagemaker:CreatePresignedDomainUrl",
    "s3:GetObject",
    "s3:PutObject",
];

/// One rule, varied by policy `p`, rule `r` and version `v` (0 or 1).
fn rule(kind_is_scp: bool, p: usize, r: usize, v: usize) -> String {
    let changed = v == 1 && (p % 10 == 3 || p % 10 == 4) && r.is_multiple_of(3);
    let effect = if kind_is_scp { "deny" } else { "allow" };
    match r % 5 {
        0 => {
            let action = TYPED_ACTIONS[(p + r) % TYPED_ACTIONS.len()];
            let extra = if changed { ", \"ml.g5.xlarge\"" } else { "" };
            format!(
                "    {effect} sagemaker:{action} {} sagemaker:InstanceTypes all in [\"ml.t3.medium\", \"ml.m5.large\", \"ml.c5.{}xlarge\"{extra}]\n",
                if kind_is_scp { "unless" } else { "when" },
                (p + r) % 9 + 1
            )
        }
        1 => {
            let action = PLAIN_ACTIONS[(p * 3 + r) % PLAIN_ACTIONS.len()];
            let prefix = if changed { 25 } else { 24 };
            format!(
                "    {effect} {action} when aws:SourceIp in [\"10.{}.0.0/16\", \"192.0.{}.0/{prefix}\"]\n",
                p % 250,
                r % 250
            )
        }
        2 => {
            let action = PLAIN_ACTIONS[(p + r * 5) % PLAIN_ACTIONS.len()];
            let limit = if changed { 7200 } else { 3600 + p };
            let op = if kind_is_scp { ">" } else { "<=" };
            format!(
                "    {effect} {action} when aws:MultiFactorAuthAge {op} {limit} and aws:PrincipalTag/team == \"team-{}\"\n",
                (p + r) % 7
            )
        }
        3 => {
            let presence = if changed {
                String::new()
            } else {
                " and sagemaker:VpcSubnets present".to_string()
            };
            if kind_is_scp {
                format!(
                    "    deny sagemaker:CreateDomain unless sagemaker:AppNetworkAccessType == \"VpcOnly\"{presence} and sagemaker:VpcSecurityGroupIds present\n"
                )
            } else {
                format!(
                    "    allow sagemaker:CreateDomain when sagemaker:AppNetworkAccessType == \"VpcOnly\"{presence}\n"
                )
            }
        }
        _ => {
            let folder = if changed { "shared" } else { "home" };
            format!(
                "    {effect} s3:GetObject on \"arn:aws:s3:::bucket-{p}/{folder}/${{aws:username}}/*\" when aws:RequestedRegion in [\"eu-west-1\", \"us-east-{}\"]\n",
                r % 2 + 1
            )
        }
    }
}

/// Policies per file, so that large corpora stay well under the size limit
/// of one source file.
const POLICIES_PER_FILE: usize = 100;

/// Version `v` (0 or 1) of the corpus of `policies` policies, as files of
/// at most 100 policies.
pub fn corpus(policies: usize, v: usize) -> Vec<String> {
    let mut files = Vec::new();
    let mut out = String::new();
    for p in 0..policies {
        if p > 0 && p.is_multiple_of(POLICIES_PER_FILE) {
            files.push(std::mem::take(&mut out));
        }
        let scp = p.is_multiple_of(2);
        // version 1 renames one policy, drops one and adds one
        let name = match (v, p) {
            (1, 5) => "Renamed5".to_string(),
            _ => format!("P{p}"),
        };
        if v == 1 && p == 7 {
            continue;
        }
        writeln!(out, "{} {name} {{", if scp { "scp" } else { "policy" }).unwrap();
        for r in 0..RULES_PER_POLICY {
            out.push_str(&rule(scp, p, r, v));
        }
        out.push_str("}\n\n");
    }
    if v == 1 {
        out.push_str("scp Added {\n    deny * except [\"s3:*\", \"sagemaker:Describe*\"] when aws:RequestedRegion != \"eu-west-1\"\n}\n");
    }
    files.push(out);
    files
}

/// Checks and lowers the files of a corpus; panics on any error.
pub fn compile(files: &[String]) -> Vec<(Arc<Policy>, PolicyDocument)> {
    let catalog = gov::catalog::Catalog::embedded().expect("embedded catalog");
    let names: Vec<String> = (0..files.len()).map(|i| format!("corpus{i}.gov")).collect();
    let texts: Vec<(&str, &str)> = names
        .iter()
        .zip(files)
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let loaded = gov::load::load_texts(&texts);
    let checked = gov::check::check(&loaded, catalog);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    assert!(
        errors.is_empty(),
        "{}",
        gov::diag::render_human(&loaded.sources, &errors, false)
    );
    checked
        .program
        .policies
        .iter()
        .map(|p| (p.clone(), gov::lower::lower_policy(p).expect("lowers")))
        .collect()
}
