#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov eval`: one request decided from the command line, for a node of the
//! organization or one policy; its output, JSON form and exit codes.

mod common_org;
use common_org::EXAMPLE;

/// What the org example gets here besides: identity and resource policies.
const EXTRA: &str = r#"
policy ReadOnly {
    allow s3:GetObject
}

policy DescribeOnly {
    allow ec2:DescribeInstances
}

resource_policy SharedBucket {
    allow aws "arn:aws:iam::111122223333:role/Reader" to s3:GetObject on "arn:aws:s3:::shared/*"
}
"#;

mod common_cli;
use common_cli::gov;

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("org.gov"), format!("{EXAMPLE}{EXTRA}")).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn a_denied_request_names_node_policy_document_and_statement() {
    let dir = scratch();
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--node",
            "Root/Sandbox/Playground",
            "--action",
            "ec2:RunInstances",
            "--context",
            "ec2:InstanceType=p4d.24xlarge",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        text(&out.stdout),
        "deny (explicit)\n  node:      Root/Sandbox\n  policy:    SandboxNoGpu\n  document:  org/Root.Sandbox.scp-1.json\n  statement: #1\n"
    );
}

#[test]
fn json_output_and_exit_codes() {
    let dir = scratch();
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--node",
            "Root/Workloads/Prod/111122223333",
            "--action",
            "ec2:RunInstances",
            "--context-json",
            r#"{"ec2:InstanceType": "p4d.24xlarge"}"#,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "allow");
    // the caller's own identity policies instead of one that allows everything
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--node",
            "Root/Workloads/Prod/Payments",
            "--identity",
            "ReadOnly",
            "--action",
            "ec2:RunInstances",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "implicit_deny");
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--node",
            "Root/Workloads/Prod/Payments",
            "--identity",
            "ReadOnly",
            "--action",
            "s3:GetObject",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["policy"], "ReadOnly");
    // the resource's own policy grants where no identity policy does
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--node",
            "Root/Workloads/Prod/Payments",
            "--identity",
            "DescribeOnly",
            "--resource-policy",
            "SharedBucket",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::shared/report.csv",
            "--context",
            "aws:PrincipalArn=arn:aws:iam::111122223333:role/Reader",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["policy"], "SharedBucket");
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--node",
            "Root/Workloads/Prod/Payments",
            "--identity",
            "DescribeOnly",
            "--resource-policy",
            "SharedBucket",
            "--action",
            "s3:PutObject",
            "--resource",
            "arn:aws:s3:::shared/report.csv",
            "--context",
            "aws:PrincipalArn=arn:aws:iam::111122223333:role/Reader",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    // one policy, combined as its tests are
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--policy",
            "DenyLeaveOrganization",
            "--action",
            "organizations:LeaveOrganization",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "explicit_deny");
    assert_eq!(v["document"], "scp/DenyLeaveOrganization.json");
}

#[test]
fn a_malformed_request_is_e0712_or_a_spanned_error() {
    let dir = scratch();
    for args in [
        vec!["eval", "org.gov", "--action", "ec2:RunInstances"],
        vec![
            "eval",
            "org.gov",
            "--node",
            "Root/Sandbox",
            "--action",
            "ec2:RunInstances",
            "--context",
            "novalue",
        ],
        vec![
            "eval",
            "org.gov",
            "--node",
            "Root/Sandbox",
            "--action",
            "ec2:RunInstances",
            "--context-json",
            "[1]",
        ],
        vec![
            "eval",
            "org.gov",
            "--node",
            "Sandbox",
            "--action",
            "ec2:RunInstances",
        ],
        vec![
            "eval",
            "org.gov",
            "--node",
            "Root/Sandbox",
            "--identity",
            "SandboxNoGpu",
            "--action",
            "ec2:RunInstances",
        ],
    ] {
        let out = gov(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).starts_with("error[E0712]"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = gov(
        dir.path(),
        &[
            "eval",
            "org.gov",
            "--node",
            "Root/Sandbx",
            "--action",
            "ec2:RunInstances",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("eval_unknown_node", text(&out.stderr));
    let out = gov(
        dir.path(),
        &["eval", "org.gov", "--action", "ec2:RunInstances"],
    );
    insta::assert_snapshot!("E0712", text(&out.stderr));
}
