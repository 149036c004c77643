#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! One small policy per code the JSON linter reports: the code must be
//! reported, its primary label must underline the given text, and the
//! rendered diagnostics are pinned with insta.

use gov::catalog::Catalog;
use gov::diag::{Diagnostic, render_human, render_json};
use gov::jsonlint::{MAX_LINT_BYTES, PolicyKind, guess_kind, lint, lint_bytes};
use gov::source::SourceMap;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

/// (code, policy kind, the text the primary label underlines, policy JSON).
const CASES: &[(&str, PolicyKind, &str, &str)] = &[
    // JSON-only codes.
    (
        "E0601",
        PolicyKind::Identity,
        "]",
        // The whitepaper seed's G09: a trailing comma.
        r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "EnforceTagsForJobs",
            "Effect": "Allow",
            "Action": [
                "sagemaker:CreateTrainingJob",
                "sagemaker:CreateProcessingJob",
            ],
            "Resource": "*"
        }
    ]
}
"#,
    ),
    (
        "E0602",
        PolicyKind::Identity,
        "\"Effect\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Effect": "Allow", "Resource": "*"}]}"#,
    ),
    (
        "E0605",
        PolicyKind::Identity,
        "{",
        // The whitepaper's AppImageConfig (C01): JSON, but not a policy.
        r#"{
    "KernelGatewayImageConfig": {
        "FileSystemConfig": {
            "DefaultUid": 1000,
            "DefaultGid": 100
        }
    }
}
"#,
    ),
    (
        "E0606",
        PolicyKind::Identity,
        "\"allow\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    ),
    (
        "E0607",
        PolicyKind::Identity,
        "\"StringEqual\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"StringEqual": {"aws:PrincipalTag/team": "data"}}}]}"#,
    ),
    (
        "W0601",
        PolicyKind::Scp,
        "\"Condition\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "LockDownStudioDomain", "Effect": "Deny", "Action": "sagemaker:CreateDomain", "Resource": "*",
  "Condition": {
    "StringNotEquals": {"sagemaker:AppNetworkAccessType": "VpcOnly"},
    "Null": {"sagemaker:VpcSubnets": "true", "sagemaker:VpcSecurityGroupIds": "true"}}}]}"#,
    ),
    (
        "W0602",
        PolicyKind::Identity,
        "\"ForAllValues:ArnNotLike\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateApp", "Resource": "*",
  "Condition": {"ForAllValues:ArnNotLike": {"sagemaker:ImageArns": ["arn:aws:sagemaker:*:*:image/approved"]}, "Null": {"sagemaker:ImageArns": "false"}}}]}"#,
    ),
    (
        "W0603",
        PolicyKind::Scp,
        "\"ForAnyValue:Null\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
  "Condition": {"ForAnyValue:Null": {"aws:TagKeys": "true"}}}]}"#,
    ),
    (
        "W0604",
        PolicyKind::Scp,
        "[]",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateApp", "Resource": "*",
  "Condition": {"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": []}}}]}"#,
    ),
    (
        "W0605",
        PolicyKind::Identity,
        "\"arn:aws:s3:::home/${aws:username}/*\"",
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}"#,
    ),
    // Codes shared with the checker.
    (
        "W0102",
        PolicyKind::Identity,
        "\"sagemakr:CreateApp\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemakr:CreateApp", "Resource": "*"}]}"#,
    ),
    (
        "E0102",
        PolicyKind::Scp,
        "\"sagemaker::CreateApp\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["sagemaker::CreateApp"], "Resource": "*"}]}"#,
    ),
    (
        "W0103",
        PolicyKind::Scp,
        "\"sagemaker:CreateAp\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["sagemaker:CreateAp"], "Resource": "*"}]}"#,
    ),
    (
        "E0103",
        PolicyKind::Scp,
        "\"sagemaker: VpcSubnets\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateDomain", "Resource": "*",
  "Condition": {"Null": {"sagemaker: VpcSubnets": "true"}}}]}"#,
    ),
    (
        "W0104",
        PolicyKind::Scp,
        "\"sagemaker:Zap*\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sagemaker:Zap*", "Resource": "*"}]}"#,
    ),
    (
        "E0201",
        PolicyKind::Scp,
        "\"NumericLessThan\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateDomain", "Resource": "*",
  "Condition": {"NumericLessThan": {"sagemaker:AppNetworkAccessType": "3"}}}]}"#,
    ),
    (
        "E0202",
        PolicyKind::Identity,
        "\"arn:aws:s3\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3"}]}"#,
    ),
    (
        "E0203",
        PolicyKind::Identity,
        "\"300.0.0.0/8\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "300.0.0.0/8"]}}}]}"#,
    ),
    (
        "E0204",
        PolicyKind::Identity,
        "\"next week\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"DateLessThan": {"aws:CurrentTime": "next week"}}}]}"#,
    ),
    (
        "E0205",
        PolicyKind::Identity,
        "\"an hour\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:DeleteRole", "Resource": "*",
  "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"}}}]}"#,
    ),
    (
        "E0206",
        PolicyKind::Identity,
        "\"not base64!\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"BinaryEquals": {"example:Blob": "not base64!"}}}]}"#,
    ),
    (
        "E0207",
        PolicyKind::Identity,
        "\"aws:TagKeys\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateUserProfile", "Resource": "*",
  "Condition": {"StringEquals": {"aws:TagKeys": "studiouserid"}}}]}"#,
    ),
    (
        "E0208",
        PolicyKind::Identity,
        "\"ForAnyValue:StringEquals\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl", "Resource": "*",
  "Condition": {"ForAnyValue:StringEquals": {"aws:sourceVpce": ["vpce-111bbccc", "vpce-111bbddd"]}}}]}"#,
    ),
    (
        "E0209",
        PolicyKind::Identity,
        "\"${aws:username}\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:DeleteRole", "Resource": "*",
  "Condition": {"NumericEquals": {"aws:MultiFactorAuthAge": "${aws:username}"}}}]}"#,
    ),
    (
        "E0210",
        PolicyKind::Identity,
        "\"yes\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}]}"#,
    ),
    (
        "E0212",
        PolicyKind::Identity,
        "\"${aws:usernme}\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl", "Resource": "*",
  "Condition": {"StringEquals": {"sagemaker:ResourceTag/studiouserid": "${aws:usernme}"}}}]}"#,
    ),
    (
        "E0214",
        PolicyKind::Identity,
        "\"${aws:PrincipalTag/team\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"StringEquals": {"aws:PrincipalTag/owner": "${aws:PrincipalTag/team"}}}]}"#,
    ),
    (
        "E0213",
        PolicyKind::KeyPolicy,
        "\"logs.region.amazonaws.com\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "logs.region.amazonaws.com"}, "Action": "kms:Encrypt", "Resource": "*"}]}"#,
    ),
    (
        "E0301",
        PolicyKind::Identity,
        "\"cloudwatch:namespace\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["cloudwatch:PutMetricData", "cloudwatch:GetMetricData"], "Resource": "*",
  "Condition": {"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}}}]}"#,
    ),
    (
        "E0302",
        PolicyKind::ResourcePolicy,
        "\"Allow\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    ),
    (
        "E0303",
        PolicyKind::Scp,
        "\"Principal\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#,
    ),
    (
        "E0304",
        PolicyKind::Identity,
        "[]",
        r#"{"Version": "2012-10-17", "Statement": []}"#,
    ),
    (
        "E0305",
        PolicyKind::Rcp,
        "\"Allow\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    ),
    (
        "E0306",
        PolicyKind::Rcp,
        "\"NotAction\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}]}"#,
    ),
    (
        "E0320",
        PolicyKind::TrustPolicy,
        "\"Resource\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}]}"#,
    ),
    (
        "E0321",
        PolicyKind::TrustPolicy,
        "\"s3:GetObject\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": ["sts:AssumeRole", "s3:GetObject"]}]}"#,
    ),
    (
        "E0322",
        PolicyKind::TrustPolicy,
        "\"Principal\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}"#,
    ),
    (
        "W0320",
        PolicyKind::TrustPolicy,
        "\"sts:AssumeRole\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Corp"}, "Action": "sts:AssumeRole"}]}"#,
    ),
    (
        "E0308",
        PolicyKind::Identity,
        "\"Read only\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read only", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    ),
    (
        "E0309",
        PolicyKind::Identity,
        "\"Encryption\"",
        r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Encryption", "Effect": "Allow", "Action": "sagemaker:CreateEndpointConfig", "Resource": "*"},
  {"Sid": "Encryption", "Effect": "Allow", "Action": "sagemaker:CreateDomain", "Resource": "*"}]}"#,
    ),
    (
        "W0101",
        PolicyKind::Identity,
        "\"sagemaker:VolumeKmsKey\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateEndpointConfig", "Resource": "*",
  "Condition": {"Null": {"sagemaker:VolumeKmsKey": "false"}}}]}"#,
    ),
    (
        "W0201",
        PolicyKind::Identity,
        "\"ForAllValues:StringLike\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateApp", "Resource": "*",
  "Condition": {"ForAllValues:StringLike": {"sagemaker:InstanceTypes": ["ml.t3.*", "system"]}}}]}"#,
    ),
    (
        "W0202",
        PolicyKind::Scp,
        "\"Allow\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateApp", "Resource": "*",
  "Condition": {"ForAllValues:StringLike": {"sagemaker:InstanceTypes": ["ml.t3.*"]}, "Null": {"sagemaker:InstanceTypes": "false"}}}]}"#,
    ),
    (
        "W0203",
        PolicyKind::Identity,
        "\"s3:*\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    ),
    (
        "W0208",
        PolicyKind::Scp,
        "\"${aws:username}\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreatePresignedDomainUrl", "Resource": "*",
  "Condition": {"StringNotEquals": {"sagemaker:ResourceTag/studiouserid": "${aws:username}"}}}]}"#,
    ),
    (
        "W0209",
        PolicyKind::Scp,
        "\"sagemaker:InstanceTypes\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateA*", "Resource": "*",
  "Condition": {"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": ["ml.t3.*"]}}}]}"#,
    ),
    (
        "W0211",
        PolicyKind::Scp,
        "\"cloudwatch:namespace\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["cloudwatch:GetMetricData", "cloudwatch:PutMetricData"], "Resource": "*",
  "Condition": {"StringNotEqualsIfExists": {"cloudwatch:namespace": "AWS/EC2"}}}]}"#,
    ),
    (
        "W0212",
        PolicyKind::Scp,
        "\"2001:db8::1\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
  "Condition": {"NotIpAddress": {"aws:SourceIp": ["2001:db8::1", "192.0.2.0/24"]}}}]}"#,
    ),
    (
        "W0213",
        PolicyKind::Scp,
        "\"arn:aws:sts::111122223333:assumed-role/Admin/*\"",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*",
  "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:sts::111122223333:assumed-role/Admin/*"}}}]}"#,
    ),
];

fn run(name: &str, text: &str, kind: PolicyKind) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text.to_string());
    let diags = lint(file, text, Some(kind), catalog());
    (sources, diags)
}

#[test]
fn every_code_renders_as_pinned() {
    for (code, kind, underlined, text) in CASES {
        let (sources, diags) = run("policy.json", text, *kind);
        let Some(found) = diags.iter().find(|d| d.code == *code) else {
            panic!(
                "{code} not reported; got {:?}",
                diags.iter().map(|d| d.code.id).collect::<Vec<_>>()
            );
        };
        assert_eq!(
            sources.snippet(found.file, found.span),
            *underlined,
            "{code}: wrong span"
        );
        insta::assert_snapshot!(
            format!("lint_{code}"),
            render_human(&sources, &diags, false)
        );
    }
}

#[test]
fn suggestions_are_the_fix() {
    let expect = [
        ("E0103", "sagemaker:VpcSubnets"),
        ("E0102", "sagemaker:CreateApp"),
        ("W0103", "sagemaker:CreateApp"),
        ("E0606", "Allow"),
        ("E0607", "StringEquals"),
        ("E0208", "StringEquals"),
        ("E0308", "Readonly"),
        ("W0101", "sagemaker:VolumeKmsKeyArn"),
    ];
    for (code, suggestion) in expect {
        let (_, kind, _, text) = CASES.iter().find(|c| c.0 == code).unwrap();
        let (_, diags) = run("policy.json", text, *kind);
        let d = diags.iter().find(|d| d.code == code).unwrap();
        assert_eq!(d.suggestion.as_deref(), Some(suggestion), "{code}");
    }
}

#[test]
fn not_utf8_too_large_and_url_encoded() {
    let mut bytes = br#"{"Version": "2012-10-17", "Statement": []}"#.to_vec();
    bytes.insert(14, 0xff);
    let diags = lint_bytes(0, &bytes, None, catalog());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "E0603");
    assert_eq!(diags[0].span.start, 14);
    let mut sources = SourceMap::new();
    sources.add("bad.json", String::from_utf8_lossy(&bytes).into_owned());
    insta::assert_snapshot!("lint_E0603", render_human(&sources, &diags, false));

    let big = format!("{{\"Statement\": \"{}\"}}", "x".repeat(MAX_LINT_BYTES));
    let (sources, diags) = run("big.json", &big, PolicyKind::Identity);
    assert_eq!(
        diags.iter().map(|d| d.code.id).collect::<Vec<_>>(),
        ["E0604"]
    );
    insta::assert_snapshot!("lint_E0604", render_human(&sources, &diags, false));

    // AWS's URL-encoded form: findings point at the encoded bytes.
    let g03 = std::fs::read_to_string("tests/fixtures/lint/G03.json").unwrap();
    let encoded: String = g03
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let (sources, diags) = run("encoded.txt", &encoded, PolicyKind::Scp);
    let d = diags.iter().find(|d| d.code == "E0103").unwrap();
    assert_eq!(
        sources.snippet(d.file, d.span),
        "%22sagemaker%3A%20VpcSubnets%22"
    );
    assert_eq!(d.suggestion.as_deref(), Some("sagemaker:VpcSubnets"));
    let mut bad = encoded.clone();
    bad.replace_range(3..6, "%FF");
    let (_, diags) = run("encoded.txt", &bad, PolicyKind::Scp);
    assert_eq!(diags[0].code, "E0603");
}

#[test]
fn json_output_has_lines_and_columns() {
    let (_, kind, _, text) = CASES.iter().find(|c| c.0 == "E0103").unwrap();
    let (sources, diags) = run("policy.json", text, *kind);
    let json = render_json(&sources, &diags);
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "E0103");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 26);
    assert_eq!(first["suggestion"], "sagemaker:VpcSubnets");
}

#[test]
fn kinds_are_guessed_from_the_content() {
    let principal = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"}, "Action": "kms:Encrypt*", "Resource": "*"}]}"#;
    assert_eq!(guess_kind(principal), Some(PolicyKind::KeyPolicy));
    let bucket = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    assert_eq!(guess_kind(bucket), Some(PolicyKind::ResourcePolicy));
    let identity = std::fs::read_to_string("tests/fixtures/lint/G01.json").unwrap();
    assert_eq!(guess_kind(&identity), Some(PolicyKind::Identity));
    assert_eq!(guess_kind("[1, 2]"), None);
    assert_eq!(guess_kind("{"), None);
    // Guessed, a resource policy needs no E0302 and an identity policy no E0303.
    for text in [principal, bucket, identity.as_str()] {
        let diags = lint(0, text, None, catalog());
        assert!(
            !diags.iter().any(|d| matches!(d.code.id, "E0302" | "E0303")),
            "{diags:?}"
        );
    }
}

#[test]
fn clean_policies_have_no_findings() {
    for text in [
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": ["sagemaker:CreateDomain"], "Resource": "*",
            "Condition": {"StringNotEquals": {"sagemaker:AppNetworkAccessType": "VpcOnly"}}}}"#,
    ] {
        let diags = lint(0, text, Some(PolicyKind::Scp), catalog());
        assert!(diags.is_empty(), "{diags:?}");
    }
}

#[test]
fn too_many_findings_are_capped() {
    let actions: Vec<String> = (0..150).map(|i| format!("\"sagemaker:Nope{i}\"")).collect();
    let text = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Deny\", \"Action\": [{}], \"Resource\": \"*\"}}]}}",
        actions.join(", ")
    );
    let (_, diags) = run("policy.json", &text, PolicyKind::Scp);
    assert_eq!(diags.len(), gov::jsonlint::MAX_DIAGNOSTICS + 1);
    let last = diags.last().unwrap();
    assert_eq!(last.code, "W0002");
    assert_eq!(
        last.message,
        "50 more diagnostics in this file were not shown"
    );
}

/// E0501: a document over its kind's size limit, counted by the kind's rule:
/// an RCP counts its whitespace, an identity policy does not.
#[test]
fn over_the_kind_limit() {
    let statement = r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}"#;
    let statements = vec![statement; 60].join(",\n    ");
    let text = format!("{{\"Version\": \"2012-10-17\", \"Statement\": [\n    {statements}\n]}}\n");
    let (sources, diags) = run("big.json", &text, PolicyKind::Rcp);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
    assert!(codes.contains(&"E0501"), "{codes:?}");
    let d = diags.iter().find(|d| d.code == "E0501").unwrap();
    assert_eq!(
        d.message,
        format!("the policy is {} of 5120 characters", text.len())
    );
    insta::assert_snapshot!(
        "lint_E0501",
        render_human(&sources, std::slice::from_ref(d), false)
    );

    // The same statements without `Principal` fit an identity policy once
    // its whitespace is left out, and only then.
    let identity = text
        .replace(r#""Principal": "*", "#, "")
        .replace("\n    ", &format!("\n{}", " ".repeat(40)));
    let (_, diags) = run("fits.json", &identity, PolicyKind::Identity);
    let non_ws = identity.chars().filter(|c| !c.is_whitespace()).count();
    assert!(
        identity.len() > 6144 && non_ws <= 6144,
        "{} {non_ws}",
        identity.len()
    );
    assert!(!diags.iter().any(|d| d.code == "E0501"), "{diags:#?}");
}

/// Every code the linter and the import can report has a case here (or in
/// tests/import_errors.rs) and a row in the module documentation; the
/// findings of `src/rules` are the linter's too.
#[test]
fn every_code_has_a_case_and_a_row() {
    let mut emitted = std::collections::BTreeSet::new();
    for dir in ["src/jsonlint", "src/import", "src/rules"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(path).unwrap();
                emitted.extend(registry_uses(&text));
            }
        }
    }
    // Tested elsewhere in this file or in tests/import_errors.rs.
    // E0609: pinned by the importer's own unit test (no import reaches it);
    // E0008: the formatter's guard, pinned by its unit test.
    // E0501: a document over its kind's limit is too long for a case here.
    let apart = [
        "E0008", "E0501", "E0603", "E0604", "E0608", "E0609", "E0904", "W0002",
    ];
    let docs = std::fs::read_to_string("src/jsonlint/mod.rs").unwrap()
        + &std::fs::read_to_string("src/import/mod.rs").unwrap();
    for code in &emitted {
        assert!(
            CASES.iter().any(|c| c.0 == code) || apart.contains(&code.as_str()),
            "{code} has no case"
        );
        if !matches!(code.as_str(), "W0002" | "E0904") {
            assert!(documented(&docs, code), "{code} is not documented");
        }
    }
}

/// Whether `code` is named in `docs`, alone or inside a range `E0202–E0206`.
fn documented(docs: &str, code: &str) -> bool {
    if docs.contains(code) {
        return true;
    }
    let number = |c: &str| c.get(1..).and_then(|n| n.parse::<u32>().ok());
    let Some(n) = number(code) else { return false };
    docs.split('`').chain(docs.split(' ')).any(|w| {
        let Some((a, b)) = w.split_once('–') else {
            return false;
        };
        let (a, b) = (
            a.trim_matches(['|', ' ', ',']),
            b.trim_matches(['|', ' ', ',']),
        );
        a.get(..1) == code.get(..1)
            && number(a).is_some_and(|a| a <= n)
            && number(b).is_some_and(|b| n <= b)
    })
}

/// The codes a source file takes from the registry (`codes::E0102`).
fn registry_uses(text: &str) -> Vec<String> {
    text.match_indices("codes::")
        .filter_map(|(i, _)| text.get(i + 7..i + 12))
        .filter(|c| {
            let b = c.as_bytes();
            (b[0] == b'E' || b[0] == b'W') && b[1..].iter().all(u8::is_ascii_digit)
        })
        .map(str::to_string)
        .collect()
}
