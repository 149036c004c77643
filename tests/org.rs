#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Organizations: the `org` layout, its checks, `test` blocks that name a
//! node, and requests decided through the hierarchy.

use gov::catalog::Catalog;
use gov::org::NodeType;

mod common_org;
use common_org::EXAMPLE;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

#[test]
fn the_readme_example_is_this_one_and_it_passes() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&format!("```gov\n{EXAMPLE}```")),
        "the README's organization example differs from tests/common_org/mod.rs"
    );
    let c = gov::compile_texts(&[("example.gov", EXAMPLE)], catalog());
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let report = c.run_tests();
    assert_eq!((report.passed, report.failures.len()), (4, 0));
    // `gov fmt` leaves it as it is
    let formatted = gov::format::format_source(0, EXAMPLE).unwrap();
    assert_eq!(formatted, EXAMPLE);
}

#[test]
fn the_layout_has_paths_parents_and_attachments() {
    let c = gov::compile_texts(&[("example.gov", EXAMPLE)], catalog());
    let org = c.org.as_ref().unwrap();
    assert_eq!(org.name, "Example");
    let paths: Vec<&str> = org.paths().collect();
    assert_eq!(
        paths,
        [
            "Root",
            "Root/Workloads",
            "Root/Workloads/Prod",
            "Root/Workloads/Prod/111122223333",
            "Root/Sandbox",
            "Root/Sandbox/444455556666",
        ]
    );
    let sandbox = org.find("Root/Sandbox").unwrap();
    assert_eq!(org.nodes[sandbox].scps, ["SandboxNoGpu"]);
    assert_eq!(org.nodes[0].scps, ["DenyLeaveOrganization"]);
    assert!(org.nodes.iter().all(|n| n.full_aws_access));
    // an account by its name or its id
    let by_name = org.find("Root/Sandbox/Playground").unwrap();
    assert_eq!(Some(by_name), org.find("Root/Sandbox/444455556666"));
    let account = &org.nodes[by_name];
    assert_eq!(account.node_type, NodeType::Account);
    assert_eq!(account.id.as_deref(), Some("444455556666"));
    assert_eq!(account.name, "Playground");
    assert_eq!(org.chain(by_name), [0, sandbox, by_name]);
    assert_eq!(org.find("Root/Nowhere"), None);
}

#[test]
fn a_failing_case_names_the_node_and_the_statement() {
    let text = EXAMPLE.replace(
        "ec2:RunInstances { ec2:InstanceType = \"p4d.24xlarge\" } => deny (explicit)",
        "ec2:RunInstances { ec2:InstanceType = \"p4d.24xlarge\" } => allow",
    );
    let c = gov::compile_texts(&[("example.gov", &text)], catalog());
    let report = c.run_tests();
    assert_eq!(report.failures.len(), 1);
    let rendered = report.render(&c.loaded.sources);
    assert!(
        rendered.contains("expected allow, got deny (explicit) (denied by `#1` of `SandboxNoGpu` attached at `Root/Sandbox`)"),
        "{rendered}"
    );
}

#[test]
fn every_level_must_allow() {
    let text = r#"scp OnlyEc2 {
    allow ec2:*
}

org Example {
    ou Sandbox {
        detach FullAWSAccess
        scp OnlyEc2
        account Play "111122223333"
    }
    account Other "444455556666"
}

test "the sandbox is limited to EC2" for Root/Sandbox/Play {
    ec2:RunInstances { } => allow
    s3:GetObject { } => deny (implicit)
}

test "other accounts are not" for Root/444455556666 {
    s3:GetObject { } => allow
}

test "wrong on purpose" for Root/Sandbox/Play {
    s3:GetObject { } => allow
}
"#;
    let c = gov::compile_texts(&[("t.gov", text)], catalog());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let report = c.run_tests();
    assert_eq!(report.passed, 3);
    let rendered = report.render(&c.loaded.sources);
    assert!(
        rendered.contains("got deny (implicit) (no SCP attached at `Root/Sandbox` allows it)"),
        "{rendered}"
    );
}

#[test]
fn rcps_are_attached_and_deny_through_the_path() {
    let text = r#"rcp RequireTls {
    deny s3:* when aws:SecureTransport == false
}

org Example {
    rcp RequireTls
    account App "111122223333"
}

test "plain HTTP is refused everywhere" for Root/App {
    s3:GetObject { aws:SecureTransport = false } => deny (explicit)
    s3:GetObject { aws:SecureTransport = true } => allow
}
"#;
    let c = gov::compile_texts(&[("t.gov", text)], catalog());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    assert_eq!(c.org.as_ref().unwrap().nodes[0].rcps, ["RequireTls"]);
    let report = c.run_tests();
    assert_eq!((report.passed, report.failures.len()), (2, 0));
}

#[test]
fn control_patterns_take_the_policies_of_their_kind() {
    let text = r#"@control("wp:G01")
scp A {
    deny s3:DeleteBucket
}

@control("wp:G01:as-published")
scp APublished {
    deny s3:DeleteBucket
}

@control("wp:G02")
policy B {
    allow s3:GetObject
}

org Example {
    scp @control("wp:G*")
}
"#;
    let c = gov::compile_texts(&[("t.gov", text)], catalog());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    assert_eq!(c.org.as_ref().unwrap().nodes[0].scps, ["A"]);
}

#[test]
fn a_policy_with_errors_is_not_reported_again_when_attached() {
    let text = "scp Broken {\n    deny sagemaker:NoSuchThing when sagemaker:Nope present\n}\n\norg Example {\n    scp Broken\n}\n";
    let c = gov::compile_texts(&[("t.gov", text)], catalog());
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.id).collect();
    assert!(!codes.contains(&"E0701"), "{codes:?}");
    assert!(c.has_errors());
}

#[test]
fn tests_of_nodes_without_an_org_are_refused() {
    let text = "scp P {\n    deny s3:DeleteBucket\n}\n\ntest \"t\" for Root/Prod {\n    s3:DeleteBucket { } => deny\n}\n";
    let c = gov::compile_texts(&[("t.gov", text)], catalog());
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0708"]);
}

#[test]
fn a_build_writes_packed_documents_per_node_and_the_org_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let c = gov::compile_texts(&[("example.gov", EXAMPLE)], catalog());
    let options = gov::emit::Options::default();
    let manifest = c.build(&out, &options).unwrap();
    let org = manifest.org.as_ref().unwrap();
    assert_eq!(org.documents.len(), 2);
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let nodes = json["org"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 6);
    let root = &nodes[0];
    assert_eq!(root["path"], "Root");
    assert_eq!(root["type"], "root");
    assert!(root["parent"].is_null());
    assert_eq!(
        root["scp"],
        serde_json::json!(["org/Root.scp-1.json", "FullAWSAccess"])
    );
    assert_eq!(root["controls"], serde_json::json!(["example:no-leaving"]));
    assert_eq!(root["params"], serde_json::json!({}));
    let playground = &nodes[5];
    assert_eq!(playground["path"], "Root/Sandbox/444455556666");
    assert_eq!(playground["type"], "account");
    assert_eq!(playground["id"], "444455556666");
    assert_eq!(playground["parent"], "Root/Sandbox");
    assert_eq!(playground["scp"], serde_json::json!(["FullAWSAccess"]));
    assert_eq!(
        playground["controls"],
        serde_json::json!(["example:no-leaving", "example:sandbox-no-gpu"])
    );
    // each document is written where the manifest says, with its hash
    for doc in json["org"]["documents"].as_array().unwrap() {
        let bytes = std::fs::read(out.join(doc["path"].as_str().unwrap())).unwrap();
        assert_eq!(doc["sha256"], gov::emit::sha256_hex(&bytes));
        assert_eq!(doc["size"], bytes.len());
    }
    // a second build is byte-identical, and `--check` finds it current
    let before = std::fs::read(out.join("org/Root.Sandbox.scp-1.json")).unwrap();
    c.build(&out, &options).unwrap();
    assert_eq!(
        before,
        std::fs::read(out.join("org/Root.Sandbox.scp-1.json")).unwrap()
    );
    assert!(c.check_build(&out, &options).unwrap().is_current());
    // a guardrail moved elsewhere: its old document is no longer produced
    let moved = EXAMPLE.replace("        scp @control(\"example:sandbox-*\")\n", "");
    let moved = moved.replace(
        "scp DenyLeaveOrganization // at the root: every account",
        "scp DenyLeaveOrganization, SandboxNoGpu",
    );
    let c2 = gov::compile_texts(&[("example.gov", &moved)], catalog());
    assert!(!c2.has_errors(), "{:?}", c2.diagnostics);
    let stale = c2.check_build(&out, &options).unwrap();
    assert_eq!(
        stale.no_longer_produced,
        [std::path::PathBuf::from("org/Root.Sandbox.scp-1.json")]
    );
    assert_eq!(
        stale.stale,
        [
            std::path::PathBuf::from("org/Root.scp-1.json"),
            std::path::PathBuf::from("manifest.json")
        ]
    );
}

#[test]
fn fmt_lays_out_an_org_keeping_every_comment() {
    let written = r#"scp A { deny s3:DeleteBucket }
scp B { deny s3:PutObject }
// before the org
/// The org.
org X {
    // a comment before an attach
    scp A,   /* between */ B // after
    /* block */ detach   FullAWSAccess

    /// An OU.
    ou   Prod { // trailing the brace
        account   App "111122223333" // the app
        account Other "111122223334" {
            // inside an account
            scp B
        }
    }
    // at the end
}
"#;
    let formatted = gov::format::format_source(0, written).unwrap();
    assert_eq!(
        formatted,
        r#"scp A {
    deny s3:DeleteBucket
}

scp B {
    deny s3:PutObject
}

// before the org
/// The org.
org X {
    // a comment before an attach
    scp A, /* between */ B // after
    /* block */ detach FullAWSAccess

    /// An OU.
    ou Prod { // trailing the brace
        account App "111122223333" // the app
        account Other "111122223334" {
            // inside an account
            scp B
        }
    }
    // at the end
}
"#
    );
    assert_eq!(
        gov::format::format_source(0, &formatted).unwrap(),
        formatted
    );
}

/// Params: values per node, inherited downwards, the nearest winning; a
/// guardrail attached at a node is compiled with the values in force there.
const PARAMS: &str = r#"/// The VPC endpoint Studio is reached through.
param endpoint: string = "vpce-0000"
/// Instance types of notebooks.
param notebook_types: [string] = ["ml.t3.medium"]

scp Vpce {
    deny sagemaker:CreatePresignedDomainUrl
        unless aws:SourceVpce == endpoint
}

scp Types {
    deny sagemaker:CreateApp
        unless sagemaker:InstanceTypes all in notebook_types
           and sagemaker:InstanceTypes present
}

org Example {
    set endpoint = "vpce-1111"

    ou Prod {
        set notebook_types = ["ml.m5.large", "ml.t3.medium"]
        scp Vpce, Types
        account App "111122223333"
    }
    ou Dev {
        scp Vpce, Types
        account DevApp "444455556666" {
            set endpoint = "vpce-2222"
        }
    }
}

test "prod: its endpoint and its types" for Root/Prod/App {
    sagemaker:CreatePresignedDomainUrl { aws:SourceVpce = "vpce-1111" } => allow
    sagemaker:CreateApp { sagemaker:InstanceTypes = ["ml.m5.large"] } => allow
}

test "dev: the root's endpoint and the default types" for Root/Dev/DevApp {
    sagemaker:CreatePresignedDomainUrl { aws:SourceVpce = "vpce-1111" } => allow
    sagemaker:CreateApp { sagemaker:InstanceTypes = ["ml.m5.large"] } => deny (explicit)
}
"#;

#[test]
fn params_take_the_values_in_force_at_each_node() {
    let c = gov::compile_texts(&[("p.gov", PARAMS)], catalog());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let report = c.run_tests();
    assert_eq!((report.passed, report.failures.len()), (4, 0), "{report:?}");
    let org = c.org.as_ref().unwrap();
    let prod = org.find("Root/Prod").unwrap();
    let dev_app = org.find("Root/Dev/DevApp").unwrap();
    assert_eq!(org.nodes[prod].params["endpoint"], ["vpce-1111"]);
    assert_eq!(
        org.nodes[prod].params["notebook_types"],
        ["ml.m5.large", "ml.t3.medium"]
    );
    assert_eq!(org.nodes[dev_app].params["endpoint"], ["vpce-2222"]);
    // the packed documents hold each node's values; the manifest records them
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let manifest = c.build(&out, &gov::emit::Options::default()).unwrap();
    let prod_doc = std::fs::read_to_string(out.join("org/Root.Prod.scp-1.json")).unwrap();
    let dev_doc = std::fs::read_to_string(out.join("org/Root.Dev.scp-1.json")).unwrap();
    assert!(prod_doc.contains("vpce-1111") && prod_doc.contains("ml.m5.large"));
    assert!(dev_doc.contains("vpce-1111") && !dev_doc.contains("ml.m5.large"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let nodes = json["org"]["nodes"].as_array().unwrap();
    let prod_json = nodes.iter().find(|n| n["path"] == "Root/Prod").unwrap();
    assert_eq!(
        prod_json["params"],
        serde_json::json!({"endpoint": ["vpce-1111"], "notebook_types": ["ml.m5.large", "ml.t3.medium"]})
    );
    assert!(manifest.org.is_some());
    // the standalone documents hold the values of the root
    let standalone = std::fs::read_to_string(out.join("scp/Vpce.json")).unwrap();
    assert!(standalone.contains("vpce-1111"), "{standalone}");
    // and `gov fmt` keeps it as written
    assert_eq!(gov::format::format_source(0, PARAMS).unwrap(), PARAMS);
}

#[test]
fn values_on_the_command_line_are_checked_and_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gov");
    std::fs::write(
        &path,
        "param endpoint: string\n\nscp Vpce {\n    deny sagemaker:CreatePresignedDomainUrl\n        unless aws:SourceVpce == endpoint\n}\n",
    )
    .unwrap();
    let paths = [path];
    let c = gov::compile_paths(&paths, catalog()).unwrap();
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0714"]);
    let c = gov::compile::compile_paths_with_values(&paths, &["endpoint=vpce-9".into()], catalog())
        .unwrap();
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let doc = c.document("Vpce").unwrap().to_canonical_json(false);
    assert!(doc.contains("vpce-9"), "{doc}");
    let c = gov::compile::compile_paths_with_values(&paths, &["endpont=vpce-9".into()], catalog())
        .unwrap();
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0714", "E0716"]);
    let c = gov::compile::compile_paths_with_values(&paths, &["endpoint=a,b".into()], catalog())
        .unwrap();
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0715"]);
}
