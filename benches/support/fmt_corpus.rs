//! A generated `.gov` file of a given number of rules, laid out carelessly so
//! that formatting has work to do: doc comments, annotations, comments of
//! every kind, condition chains and lists.
//!
//! Shared by `benches/fmt.rs` (speed) and `tests/fmt_corpus.rs` (what the
//! formatter does with it).

// Helpers of tests and benches may fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;

const RULES_PER_POLICY: usize = 100;

/// A `.gov` file with `rules` rules.
pub fn corpus(rules: usize) -> String {
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
