//! Formatting time against file size: a generated file of 1,000, 3,000 and
//! 10,000 rules (with doc comments, annotations, comments of every kind,
//! condition chains and lists), formatted with `gov::format::format_source`
//! (which parses, lays out, re-parses and compares). Prints rules per second
//! per size; run in release:
//! `cargo test --release --test fmt_speed -- --ignored --nocapture`

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

const RULES_PER_POLICY: usize = 100;

/// A `.gov` file with `rules` rules, laid out carelessly so that formatting
/// has work to do.
fn corpus(rules: usize) -> String {
    let mut out = String::from(
        "// generated\nuse sagemaker\nconst approved = [\"ml.t3.medium\", \"ml.m5.large\", \"system\"]\n",
    );
    for p in 0..rules.div_ceil(RULES_PER_POLICY) {
        writeln!(out, "/// Policy {p}.\n@control(\"gen:{p}\")\nscp P{p} {{").unwrap();
        let count = RULES_PER_POLICY.min(rules - p * RULES_PER_POLICY);
        for r in 0..count {
            match r % 4 {
                0 => writeln!(
                    out,
                    "  /// Rule {r}.\n  @sid(\"S{p}x{r}\")\n  deny [CreateApp, CreateSpace] on \"arn:aws:sagemaker:*:111122223333:app/*\" // trailing {r}\n    unless InstanceTypes all like approved and InstanceTypes present"
                ),
                1 => writeln!(
                    out,
                    "  // between rules {r}\n  deny CreateDomain when AppNetworkAccessType != \"VpcOnly\" or (VpcSubnets absent and /* inline */ VpcSecurityGroupIds absent)"
                ),
                2 => writeln!(
                    out,
                    "  deny * except [s3:GetObject, s3:ListBucket, s3:PutObject, s3:DeleteObject, s3:GetBucketPolicy, s3:PutBucketPolicy] unless aws:SourceIp in [\"10.0.0.0/8\", \"192.168.0.0/16\"]"
                ),
                _ => writeln!(
                    out,
                    "  /* block\n     comment {r} */\n  allow CreatePresignedDomainUrl when ResourceTag/studiouserid == ${{aws:username}} and not aws:PrincipalTag/team in [\"a\", \"b\"]\n"
                ),
            }
            .unwrap();
        }
        out.push_str("}\n");
    }
    out
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn formatting_scales_linearly() {
    let mut per_rule = Vec::new();
    for rules in [1_000, 3_000, 10_000] {
        let text = corpus(rules);
        let formatted = gov::format::format_source(0, &text).unwrap();
        assert_eq!(
            gov::format::format_source(0, &formatted).unwrap(),
            formatted
        );
        let parse = best_of(3, || {
            let (_, diags) = gov::syntax::parse(0, &text);
            assert!(diags.is_empty());
        });
        let format = best_of(3, || {
            gov::format::format_source(0, &text).unwrap();
        });
        let secs = format.as_secs_f64();
        println!(
            "{rules:>6} rules, {:>5} KiB: format {:>8.1} ms ({:>7.0} rules/s, {:.2} µs/rule; one parse alone {:.1} ms)",
            text.len() / 1024,
            secs * 1e3,
            rules as f64 / secs,
            secs * 1e6 / rules as f64,
            parse.as_secs_f64() * 1e3,
        );
        per_rule.push(secs / rules as f64);
    }
    // Linear: the cost of a rule does not grow with the file (generous bound
    // for noisy machines).
    let ratio = per_rule[2] / per_rule[0];
    println!("time per rule, 10,000 vs 1,000 rules: {ratio:.2}x");
    assert!(ratio < 3.0, "time per rule grew {ratio:.2}x");
}
