#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Speed of `gov::diff` on a generated corpus of 1,000 rules.
//!
//! `cargo test --release --test diff_speed -- --ignored --nocapture`

use gov::catalog::Catalog;
use gov::diff::{self, Side};
use gov::iam::PolicyDocument;
use gov::ir::Policy;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const POLICIES: usize = 100;
const RULES_PER_POLICY: usize = 10;
const BUDGET: Duration = Duration::from_secs(1);

const TYPED_ACTIONS: [&str; 7] = [
    "CreateApp",
    "CreateSpace",
    "UpdateSpace",
    "CreateUserProfile",
    "UpdateUserProfile",
    "CreateDomain",
    "UpdateDomain",
];

const PLAIN_ACTIONS: [&str; 6] = [
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

fn corpus(v: usize) -> String {
    let mut out = String::new();
    for p in 0..POLICIES {
        let scp = p.is_multiple_of(2);
        // version 1 renames one policy, drops one and adds one
        let name = match (v, p) {
            (1, 5) => "Renamed5".to_string(),
            _ => format!("P{p}"),
        };
        if v == 1 && p == 7 {
            continue;
        }
        let _ = writeln!(out, "{} {name} {{", if scp { "scp" } else { "policy" });
        for r in 0..RULES_PER_POLICY {
            out.push_str(&rule(scp, p, r, v));
        }
        out.push_str("}\n\n");
    }
    if v == 1 {
        out.push_str("scp Added {\n    deny * except [\"s3:*\", \"sagemaker:Describe*\"] when aws:RequestedRegion != \"eu-west-1\"\n}\n");
    }
    out
}

fn compile(src: &str) -> Vec<(Policy, PolicyDocument)> {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let loaded = gov::load::load_texts(&[("corpus.gov", src)]);
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

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn diff_of_a_thousand_rules() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let old = compile(&corpus(0));
    let new = compile(&corpus(1));
    let rules: usize = old.iter().map(|(p, _)| p.rules.len()).sum();
    assert_eq!(rules, POLICIES * RULES_PER_POLICY);
    let start = Instant::now();
    let report = diff::diff(&Side::new(&old), &Side::new(&new), catalog);
    let elapsed = start.elapsed();
    let widened: usize = report.changes.iter().map(|c| c.widens.len()).sum();
    let narrowed: usize = report.changes.iter().map(|c| c.narrows.len()).sum();
    println!(
        "diff of {rules} rules in {} policies: {} changes, {widened} widened and {narrowed} narrowed actions, in {:.3} s (exhaustive: {})",
        old.len(),
        report.changes.len(),
        elapsed.as_secs_f64(),
        report.exhaustive()
    );
    if std::env::var_os("GOV_DIFF_SHOW").is_some() {
        println!("{}", diff::render_human(&report));
    }
    assert!(report.changes.len() >= 12, "{}", report.changes.len());
    assert!(diff::has_widening(&report) && diff::has_narrowing(&report));
    let start = Instant::now();
    let again = diff::diff(&Side::new(&old), &Side::new(&new), catalog);
    println!(
        "again (catalog warm): {:.3} s",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(again, report);
    if !cfg!(debug_assertions) {
        assert!(
            elapsed <= BUDGET,
            "{elapsed:?} over the budget of {BUDGET:?}"
        );
    }
}
