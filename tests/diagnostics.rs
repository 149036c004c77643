#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! One small `.gov` input per diagnostic code; the rendered text of each is
//! pinned with insta, and the underlined text is asserted directly.

use gov::catalog::Catalog;
use gov::diag::{self, Diagnostic};
use gov::load::load_texts;

/// (code, the text its primary label must underline, files: (name, text)).
type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const CASES: &[Case] = &[
    (
        "E0001",
        "=",
        &[(
            "case.gov",
            "scp P {\n    deny sagemaker:CreateApp when sagemaker:AppNetworkAccessType === \"VpcOnly\"\n}\n",
        )],
    ),
    (
        "E0002",
        "\"VpcOnly }",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType == \"VpcOnly }\n",
        )],
    ),
    (
        "E0003",
        "/*",
        &[("case.gov", "use sagemaker\n/* a comment that never ends\n")],
    ),
    ("E0004", "(", &[]), // built below: 10,000 nested parentheses
    (
        "E0005",
        "\\q",
        &[("case.gov", "const names = [\"a\\qb\"]\n")],
    ),
    ("E0006", "", &[]), // built below: a file over the size limit
    ("E0007", "", &[]), // built below: invalid UTF-8
    (
        "E0010",
        "approved",
        &[(
            "case.gov",
            "const approved = [\"a\"]\nconst approved = [\"b\"]\n",
        )],
    ),
    (
        "E0012",
        "\" \"",
        &[(
            "case.gov",
            "@control(\" \")\nscp P { deny sagemaker:CreateApp }\n",
        )],
    ),
    ("E0101", "sagemakr", &[("case.gov", "use sagemakr\n")]),
    (
        "E0102",
        "\"sagemaker:Create:p\"",
        &[("case.gov", "scp P {\n    deny \"sagemaker:Create:p\"\n}\n")],
    ),
    (
        "E0103",
        "sagemaker:VpcSubnet",
        &[(
            "case.gov",
            "scp P {\n    deny sagemaker:CreateDomain unless sagemaker:VpcSubnet present\n}\n",
        )],
    ),
    (
        "E0104",
        "aproved",
        &[(
            "case.gov",
            "const approved = [\"ml.t3.medium\"]\nscp P {\n    deny sagemaker:CreateApp unless sagemaker:InstanceTypes all in aproved\n}\n",
        )],
    ),
    (
        "E0105",
        "\"a.gov\"",
        &[
            ("a.gov", "import \"b.gov\"\n"),
            ("b.gov", "import \"a.gov\"\n"),
        ],
    ),
    (
        "E0106",
        "\"missing.gov\"",
        &[("case.gov", "import \"missing.gov\"\n")],
    ),
    (
        "E0108",
        "CreateApp",
        &[("case.gov", "scp P { deny CreateApp }\n")],
    ),
    (
        "E0109",
        "ListTags",
        &[(
            "case.gov",
            "use sagemaker\nuse cloudtrail\nscp P { deny ListTags }\n",
        )],
    ),
    (
        "E0110",
        "P",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp }\npolicy P { allow sagemaker:CreateApp }\n",
        )],
    ),
    (
        "E0111",
        "Nope",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp }\ntest \"t\" for Nope {\n    sagemaker:CreateApp { } => deny\n}\n",
        )],
    ),
    ("E0113", "*", &[("case.gov", "scp P { deny * except * }\n")]),
    (
        "E0114",
        "sagemaker:Create*",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp }\ntest \"t\" for P {\n    sagemaker:Create* { } => deny\n}\n",
        )],
    ),
    (
        "E0115",
        "sagemaker:InstanceTypes",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp }\ntest \"t\" for P {\n    sagemaker:CreateApp { sagemaker:InstanceTypes = [\"a\"], sagemaker:InstanceTypes = [\"b\"] } => deny\n}\n",
        )],
    ),
    (
        "E0116",
        "\"*\"",
        &[("case.gov", "use sqs\npolicy P { allow \"*\" }\n")],
    ),
    (
        "E0201",
        "<",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType < \"x\" }\n",
        )],
    ),
    (
        "E0202",
        "\"arn:aws:kms\"",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateEndpointConfig unless sagemaker:VolumeKmsKeyArn == \"arn:aws:kms\" }\n",
        )],
    ),
    (
        "E0203",
        "\"10.0.0.0/33\"",
        &[(
            "case.gov",
            "policy P { allow sagemaker:CreatePresignedDomainUrl when aws:SourceIp in [\"10.0.0.0/33\"] }\n",
        )],
    ),
    (
        "E0204",
        "\"tomorrow\"",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp when aws:CurrentTime > \"tomorrow\" }\n",
        )],
    ),
    ("E0205", "", &[]),                // built below: a number beyond f64
    ("E0206", "\"not base64!\"", &[]), // built below if the catalog has a Binary key
    (
        "E0207",
        "sagemaker:InstanceTypes",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp unless sagemaker:InstanceTypes like \"ml.t3.*\" }\n",
        )],
    ),
    (
        "E0208",
        "any",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateDomain unless sagemaker:AppNetworkAccessType any == \"VpcOnly\" }\n",
        )],
    ),
    (
        "E0209",
        "${aws:PrincipalTag/team}",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp when aws:MultiFactorAuthAge > ${aws:PrincipalTag/team} }\n",
        )],
    ),
    (
        "E0210",
        "[\"VpcOnly\", \"PublicInternetOnly\"]",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType == [\"VpcOnly\", \"PublicInternetOnly\"] }\n",
        )],
    ),
    (
        "E0211",
        "[]",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp unless sagemaker:InstanceTypes all in [] }\n",
        )],
    ),
    (
        "E0212",
        "\"${aws:usrname}\"",
        &[(
            "case.gov",
            "policy P { allow sagemaker:CreatePresignedDomainUrl when sagemaker:ResourceTag/studiouserid == \"${aws:usrname}\" }\n",
        )],
    ),
    (
        "E0213",
        "\"bob\"",
        &[(
            "case.gov",
            "resource_policy P { allow aws \"bob\" to s3:GetObject on \"arn:aws:s3:::bucket/*\" }\n",
        )],
    ),
    (
        "E0214",
        "\"arn:aws:s3:::b/${aws:username\"",
        &[(
            "case.gov",
            "policy P { allow s3:GetObject on \"arn:aws:s3:::b/${aws:username\" }\n",
        )],
    ),
    (
        "E0301",
        "cloudwatch:namespace",
        &[(
            "case.gov",
            "policy P {\n    allow [cloudwatch:PutMetricData, cloudwatch:GetMetricData]\n        when cloudwatch:namespace like \"/aws/sagemaker/*\"\n}\n",
        )],
    ),
    (
        "E0302",
        "allow",
        &[("case.gov", "key_policy K { allow [\"kms:Decrypt\"] }\n")],
    ),
    (
        "E0303",
        "service \"logs.amazonaws.com\"",
        &[(
            "case.gov",
            "scp P { deny service \"logs.amazonaws.com\" to kms:Decrypt }\n",
        )],
    ),
    ("E0304", "Empty", &[("case.gov", "scp Empty { }\n")]),
    (
        "E0305",
        "allow",
        &[("case.gov", "rcp R { allow s3:GetObject }\n")],
    ),
    (
        "E0306",
        "* except [s3:GetObject]",
        &[("case.gov", "rcp R { deny * except [s3:GetObject] }\n")],
    ),
    (
        "E0307",
        "contrl",
        &[(
            "case.gov",
            "@contrl(\"CIS 1.1\")\nscp P { deny sagemaker:CreateApp }\n",
        )],
    ),
    (
        "E0308",
        "\"deny-apps\"",
        &[(
            "case.gov",
            "scp P {\n    @sid(\"deny-apps\")\n    deny sagemaker:CreateApp\n}\n",
        )],
    ),
    (
        "E0309",
        "\"DenyApps\"",
        &[(
            "case.gov",
            "scp P {\n    @sid(\"DenyApps\")\n    deny sagemaker:CreateApp\n    @sid(\"DenyApps\")\n    deny sagemaker:DeleteApp\n}\n",
        )],
    ),
    (
        "E0310",
        "\"W9999\"",
        &[(
            "case.gov",
            "policy P {\n    @allow(\"W9999\", reason = \"reviewed\")\n    allow *\n}\n",
        )],
    ),
    (
        "E0311",
        "\"E0102\"",
        &[(
            "case.gov",
            "scp P {\n    @allow(\"E0102\", reason = \"reviewed\")\n    deny \"sagemaker:Create:App\"\n}\n",
        )],
    ),
    (
        "E0312",
        "@allow(\"W0203\")",
        &[(
            "case.gov",
            "policy P {\n    @allow(\"W0203\")\n    allow *\n}\n",
        )],
    ),
    (
        "E0313",
        "\"CIS 1.2\"",
        &[(
            "case.gov",
            "@control(\"CIS 1.1\", \"CIS 1.2\")\nscp P { deny sagemaker:CreateApp }\n",
        )],
    ),
    (
        "E0320",
        "on \"arn:aws:iam::111122223333:role/Execution\"",
        &[(
            "case.gov",
            "trust_policy T {\n    allow service \"sagemaker.amazonaws.com\" to sts:AssumeRole on \"arn:aws:iam::111122223333:role/Execution\"\n}\n",
        )],
    ),
    (
        "E0321",
        "\"sts:Assume*\"",
        &[(
            "case.gov",
            "trust_policy T {\n    allow service \"sagemaker.amazonaws.com\" to \"sts:Assume*\"\n}\n",
        )],
    ),
    (
        "E0322",
        "anyone",
        &[(
            "case.gov",
            "trust_policy T {\n    allow anyone to sts:AssumeRole\n}\n",
        )],
    ),
    (
        "E0323",
        "Guard",
        &[(
            "case.gov",
            "policy P { allow sagemaker:CreatePresignedDomainUrl }\nscp Guard { deny sagemaker:DeleteDomain }\ntest \"t\" for P with boundary Guard {\n    sagemaker:CreatePresignedDomainUrl { } => allow\n}\n",
        )],
    ),
    (
        "E0324",
        "Key",
        &[(
            "case.gov",
            "resource_policy Bucket { allow aws \"111122223333\" to s3:GetObject on \"arn:aws:s3:::data/*\" }\nkey_policy Key { allow aws \"111122223333\" to kms:Decrypt }\ntest \"t\" for Bucket, Key {\n    s3:GetObject on \"arn:aws:s3:::data/a\" { } => allow\n}\n",
        )],
    ),
    (
        "W0320",
        "sts:AssumeRole",
        &[(
            "case.gov",
            "trust_policy T {\n    allow federated \"arn:aws:iam::111122223333:saml-provider/Corp\" to sts:AssumeRole\n}\n",
        )],
    ),
    (
        "E0401",
        "deny s3:GetObject when aws:PrincipalArn like \"arn:aws:iam::*:role/a*\" and aws:PrincipalArn like \"arn:aws:iam::*:role/*b\"",
        &[(
            "case.gov",
            "scp P { deny s3:GetObject when aws:PrincipalArn like \"arn:aws:iam::*:role/a*\" and aws:PrincipalArn like \"arn:aws:iam::*:role/*b\" }\n",
        )],
    ),
    (
        "E0402",
        "deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType == \"VpcOnly\" and sagemaker:AppNetworkAccessType == \"PublicInternetOnly\"",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType == \"VpcOnly\" and sagemaker:AppNetworkAccessType == \"PublicInternetOnly\" }\n",
        )],
    ),
    ("E0403", "", &[]),        // built below: 2^7 alternatives
    ("E0404", "", &[]),        // IAM has an exact form for every literal the checker accepts
    ("E0501", "", &[]),        // built below: an SCP over 10,240 characters
    ("E0711", "Example", &[]), // built below: five RCPs of 4,000 characters at the root
    ("E0502", "", &[]),        // built below: one statement over the limit, with --split
    ("E0503", "", &[]),        // built below: a split part named like another policy
    ("E0504", "", &[]),        // built below: a name longer than AWS accepts
    ("W0001", "", &[("case.gov", "// nothing here yet\n")]),
    ("W0002", "", &[]), // built below: more diagnostics than the cap
    (
        "W0101",
        "sagemaker:VolumeKmsKey",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateTrainingJob when sagemaker:VolumeKmsKey absent }\n",
        )],
    ),
    (
        "W0102",
        "deeplens:CreateProject",
        &[("case.gov", "scp P { deny deeplens:CreateProject }\n")],
    ),
    (
        "W0103",
        "sagemaker:CreateAp",
        &[("case.gov", "scp P {\n    deny sagemaker:CreateAp\n}\n")],
    ),
    (
        "W0104",
        "sagemaker:Frobnicate*",
        &[("case.gov", "scp P { deny sagemaker:Frobnicate* }\n")],
    ),
    (
        "W0201",
        "sagemaker:InstanceTypes",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp unless sagemaker:InstanceTypes all in [\"ml.t3.medium\"] }\n",
        )],
    ),
    (
        "W0202",
        "allow",
        &[("case.gov", "scp P { allow sagemaker:CreateApp }\n")],
    ),
    ("W0203", "*", &[("case.gov", "policy P { allow * }\n")]),
    (
        "W0204",
        "aws:SecureTransport present and not aws:SecureTransport present",
        &[(
            "case.gov",
            "scp P { deny s3:GetObject when aws:SecureTransport present and not aws:SecureTransport present }\n",
        )],
    ),
    (
        "W0205",
        "aws:SecureTransport present or aws:SecureTransport absent",
        &[(
            "case.gov",
            "scp P { deny s3:GetObject when aws:SecureTransport present or aws:SecureTransport absent }\n",
        )],
    ),
    (
        "W0208",
        "deny sagemaker:CreatePresignedDomainUrl unless sagemaker:ResourceTag/studiouserid == \"${aws:username}\"",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreatePresignedDomainUrl unless sagemaker:ResourceTag/studiouserid == \"${aws:username}\" }\n",
        )],
    ),
    (
        "W0213",
        "\"arn:aws:sts::111122223333:assumed-role/Admin/*\"",
        &[(
            "case.gov",
            "scp P { deny iam:* unless aws:PrincipalArn like \"arn:aws:sts::111122223333:assumed-role/Admin/*\" }\n",
        )],
    ),
    (
        "W0211",
        "cloudwatch:namespace",
        &[(
            "case.gov",
            "policy P { allow cloudwatch:GetMetricData when cloudwatch:namespace != \"AWS/EC2\" }\n",
        )],
    ),
    (
        "W0210",
        "\"nothing yet\"",
        &[(
            "case.gov",
            "scp P { deny sagemaker:CreateApp }\ntest \"nothing yet\" for P { }\n",
        )],
    ),
    (
        "W0310",
        "\"W0203\"",
        &[(
            "case.gov",
            "scp P {\n    @allow(\"W0203\", reason = \"break-glass role\")\n    deny sagemaker:CreateApp\n}\n",
        )],
    ),
    (
        "W0209",
        "sagemaker:InstanceTypes",
        &[(
            "case.gov",
            "scp P { deny sagemaker:Create* unless sagemaker:InstanceTypes all in [\"ml.t3.medium\"] and sagemaker:InstanceTypes present }\n",
        )],
    ),
    (
        "E0701",
        "DenyLeav",
        &[(
            "case.gov",
            "scp DenyLeave { deny organizations:LeaveOrganization }\norg Example {\n    scp DenyLeav\n}\n",
        )],
    ),
    (
        "E0702",
        "ReadLogs",
        &[(
            "case.gov",
            "scp DenyLeave { deny organizations:LeaveOrganization }\npolicy ReadLogs { allow logs:GetLogEvents }\norg Example {\n    scp ReadLogs\n}\n",
        )],
    ),
    (
        "E0703",
        "\"111122223333\"",
        &[(
            "case.gov",
            "org Example {\n    ou Prod {\n        account App \"111122223333\"\n    }\n    ou Dev {\n        account AppDev \"111122223333\"\n    }\n}\n",
        )],
    ),
    (
        "E0704",
        "Prod",
        &[(
            "case.gov",
            "org Example {\n    ou Prod {}\n    ou Prod {}\n}\n",
        )],
    ),
    (
        "E0705",
        "F",
        &[(
            "case.gov",
            "org Example {\n    ou A { ou B { ou C { ou D { ou E { ou F {} } } } } }\n}\n",
        )],
    ),
    (
        "E0706",
        "\"11112222333\"",
        &[(
            "case.gov",
            "org Example {\n    account App \"11112222333\"\n}\n",
        )],
    ),
    (
        "E0707",
        "Other",
        &[(
            "case.gov",
            "org Example { ou Prod {} }\norg Other { ou Dev {} }\n",
        )],
    ),
    (
        "E0708",
        "Root/Sandbx",
        &[(
            "case.gov",
            "scp DenyLeave { deny organizations:LeaveOrganization }\norg Example {\n    scp DenyLeave\n    ou Sandbox {}\n}\ntest \"t\" for Root/Sandbx {\n    organizations:LeaveOrganization { } => deny\n}\n",
        )],
    ),
    (
        "E0709",
        "Sandbox",
        &[(
            "case.gov",
            "scp DenyLeave { deny organizations:LeaveOrganization }\norg Example {\n    ou Sandbox {\n        detach FullAWSAccess\n    }\n}\n",
        )],
    ),
    (
        "E0710",
        "RCPFullAWSAccess",
        &[(
            "case.gov",
            "org Example {\n    ou Sandbox {\n        detach RCPFullAWSAccess\n    }\n}\n",
        )],
    ),
    (
        "E0713",
        "AppData",
        &[(
            "case.gov",
            "org Example {\n    ou Prod {\n        account App \"111122223333\" {\n            account AppData \"444455556666\"\n        }\n    }\n}\n",
        )],
    ),
    (
        "W0701",
        "@control(\"exmaple:G*\")",
        &[(
            "case.gov",
            "@control(\"example:G01\")\nscp DenyLeave { deny organizations:LeaveOrganization }\norg Example {\n    scp @control(\"exmaple:G*\")\n}\n",
        )],
    ),
    (
        "W0702",
        "DenyLeave",
        &[(
            "case.gov",
            "scp DenyLeave { deny organizations:LeaveOrganization }\norg Example {\n    scp DenyLeave, DenyLeave\n}\n",
        )],
    ),
    (
        "W0703",
        "Sandbox",
        &[(
            "case.gov",
            "scp DenyLeave { deny organizations:LeaveOrganization }\norg Example {\n    ou Sandbox {\n        detach FullAWSAccess\n        scp DenyLeave\n    }\n}\n",
        )],
    ),
    (
        "E0714",
        "endpoint",
        &[(
            "case.gov",
            "param endpoint: string\nscp Vpce {\n    deny sagemaker:CreatePresignedDomainUrl unless aws:SourceVpce == endpoint\n}\n",
        )],
    ),
    (
        "E0715",
        "\"Admin\"",
        &[(
            "case.gov",
            "param admin: arn\nscp Admin {\n    deny iam:* unless aws:PrincipalArn == admin\n}\norg Example {\n    set admin = \"Admin\"\n    scp Admin\n}\n",
        )],
    ),
    (
        "E0716",
        "endpont",
        &[(
            "case.gov",
            "param endpoint: string = \"vpce-0123456789abcdef0\"\nscp Vpce {\n    deny sagemaker:CreatePresignedDomainUrl unless aws:SourceVpce == endpoint\n}\norg Example {\n    set endpont = \"vpce-0fedcba9876543210\"\n    scp Vpce\n}\n",
        )],
    ),
    (
        "E0717",
        "Reader",
        &[(
            "case.gov",
            "scp DenyLeave {\n    deny organizations:LeaveOrganization\n}\npolicy Reader {\n    allow s3:GetObject\n}\norg Example {\n    scp DenyLeave\n    ou Sandbox {}\n}\ntest \"sandbox cannot leave\" for Root/Sandbox, Reader {\n    organizations:LeaveOrganization { } => deny\n}\n",
        )],
    ),
    (
        "W0704",
        "unused",
        &[(
            "case.gov",
            "param endpoint: string = \"vpce-0123456789abcdef0\"\nparam unused: string = \"x\"\nscp Vpce {\n    deny sagemaker:CreatePresignedDomainUrl unless aws:SourceVpce == endpoint\n}\norg Example {\n    set unused = \"y\"\n    scp Vpce\n}\n",
        )],
    ),
];

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("the embedded catalog loads")
}

/// Files for cases that cannot be written as literals.
fn built(code: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let text = match code {
        "E0004" => format!(
            "scp P {{ deny s3:GetObject when {}aws:SecureTransport present{} }}\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
        "E0006" => {
            let mut s = String::from("const big = [\"");
            s.push_str(&"x".repeat(gov::syntax::MAX_SOURCE_BYTES));
            s.push_str("\"]\n");
            s
        }
        "E0007" => {
            return Some(vec![(
                "case.gov".into(),
                b"use sagemaker\nconst c = [\"\xff\xfe\"]\n".to_vec(),
            )]);
        }
        "E0205" => format!(
            "scp P {{ deny sagemaker:CreateTrainingJob when sagemaker:MaxRuntimeInSeconds > {} }}\n",
            "9".repeat(309)
        ),
        "E0206" => return None,
        "E0711" => {
            let mut s = String::new();
            for r in 0..5 {
                let arns: Vec<String> = (0..90)
                    .map(|i| format!("\"arn:aws:iam::111122223333:role/team-{r}-{i:04}\""))
                    .collect();
                s.push_str(&format!(
                    "rcp R{r} {{ deny s3:GetObject unless aws:PrincipalArn in [{}] }}\n",
                    arns.join(", ")
                ));
            }
            s.push_str("org Example {\n    rcp R0, R1, R2, R3, R4\n}\n");
            s
        }
        "E0501" | "E0502" => {
            let arns: Vec<String> = (0..400)
                .map(|i| format!("\"arn:aws:iam::111122223333:role/team-{i:04}\""))
                .collect();
            format!(
                "scp Big {{ deny s3:GetObject unless aws:PrincipalArn in [{}] }}\n",
                arns.join(", ")
            )
        }
        "E0503" => {
            let mut s = String::from("scp Big {\n");
            for r in 0..3 {
                let arns: Vec<String> = (0..100)
                    .map(|i| format!("\"arn:aws:iam::111122223333:role/r{r}-{i:04}\""))
                    .collect();
                s.push_str(&format!(
                    "    deny s3:GetObject unless aws:PrincipalArn in [{}]\n",
                    arns.join(", ")
                ));
            }
            s.push_str("}\nscp Big-1 { deny s3:PutObject }\n");
            s
        }
        "E0504" => format!("scp {} {{ deny s3:GetObject }}\n", "P".repeat(130)),
        "E0403" => {
            let parts: Vec<String> = (0..7)
                .map(|i| {
                    format!("(aws:PrincipalTag/a{i} == \"x\" or aws:PrincipalTag/b{i} == \"y\")")
                })
                .collect();
            format!(
                "scp P {{ deny s3:GetObject when {} }}\n",
                parts.join(" and ")
            )
        }
        "W0002" => {
            let mut s = String::new();
            for i in 0..120 {
                s.push_str(&format!("scp Empty{i} {{ }}\n"));
            }
            s
        }
        _ => return None,
    };
    Some(vec![("case.gov".into(), text.into_bytes())])
}

fn run(
    files: &[(String, Vec<u8>)],
    split: bool,
) -> (String, Vec<Diagnostic>, gov::source::SourceMap) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path);
    }
    // Only the first file is named; the rest arrive through imports.
    let compilation = gov::compile_paths(&paths[..1], catalog()).unwrap();
    // Emission is the next stage: its diagnostics join the compilation's.
    let mut diagnostics = compilation.diagnostics.clone();
    let out = tempfile::tempdir().unwrap();
    let options = gov::emit::Options {
        split,
        ..Default::default()
    };
    if !compilation.has_errors()
        && let Err(errors) = compilation.build(out.path(), &options)
    {
        for e in errors {
            if let gov::emit::BuildError::Diagnostic(d) = e {
                diagnostics.push(d);
            }
        }
    }
    let mut rendered = diag::render_human(&compilation.loaded.sources, &diagnostics, false);
    // The temporary folder differs on every run.
    rendered = rendered.replace(&format!("{}/", dir.path().display()), "");
    (rendered, diagnostics, compilation.loaded.sources)
}

#[test]
fn every_code_renders_as_pinned() {
    let mut failures = Vec::new();
    for (code, underlined, files) in CASES {
        let files: Vec<(String, Vec<u8>)> = match built(code) {
            Some(f) => f,
            None if files.is_empty() => continue,
            None => files
                .iter()
                .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
                .collect(),
        };
        let (rendered, diags, sources) = run(&files, matches!(*code, "E0502" | "E0503"));
        let found = diags.iter().find(|d| d.code == *code);
        let Some(found) = found else {
            failures.push(format!("{code}: not reported; got:\n{rendered}"));
            continue;
        };
        let snippet = sources.snippet(found.file, found.span);
        if !underlined.is_empty() && snippet != *underlined {
            failures.push(format!(
                "{code}: underlines `{snippet}`, expected `{underlined}`; rendered:\n{rendered}"
            ));
        }
        insta::assert_snapshot!(*code, rendered);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A `test` request holding a value its key's type cannot have (AWS never
/// sends it) reuses the codes of malformed rule literals: (snapshot name,
/// code, the text its primary label must underline, the request's context).
const TEST_REQUEST_CASES: &[(&str, &str, &str, &str)] = &[
    (
        "E0203_test_request",
        "E0203",
        "\"192.0.2.300\"",
        "aws:SourceIp = \"192.0.2.300\"",
    ),
    (
        "E0204_test_request",
        "E0204",
        "\"yesterday\"",
        "aws:CurrentTime = \"yesterday\"",
    ),
    (
        "E0204_test_request_no_such_day",
        "E0204",
        "\"2021-02-29\"",
        "aws:CurrentTime = \"2021-02-29\"",
    ),
    (
        "E0205_test_request",
        "E0205",
        "\"abc\"",
        "aws:MultiFactorAuthAge = \"abc\"",
    ),
    (
        "E0210_test_request",
        "E0210",
        "\"yes\"",
        "aws:SecureTransport = \"yes\"",
    ),
];

#[test]
fn test_requests_hold_values_of_their_keys_types() {
    for (name, code, underlined, context) in TEST_REQUEST_CASES {
        let text = format!(
            "scp P {{ deny s3:GetObject when aws:SecureTransport == false }}\ntest \"t\" for P {{\n    s3:GetObject {{ {context} }} => allow\n}}\n"
        );
        let (rendered, diags, sources) = run(&[("case.gov".into(), text.into_bytes())], false);
        let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
        assert_eq!(codes, [*code], "{rendered}");
        assert_eq!(sources.snippet(diags[0].file, diags[0].span), *underlined);
        insta::assert_snapshot!(*name, rendered);
    }
    // Well-typed values pass: epoch seconds for a Date key, a boolean in any
    // case, a range for an address key, a number written as a string.
    let text = "scp P { deny s3:GetObject when aws:SecureTransport == false }\ntest \"t\" for P {\n    s3:GetObject { aws:EpochTime = 1700000000, aws:CurrentTime = \"2026-01-01T00:00:00Z\", aws:SecureTransport = \"TRUE\", aws:SourceIp = \"10.0.0.0/8\", aws:MultiFactorAuthAge = \"5\" } => allow\n}\n";
    let (rendered, diags, _) = run(&[("case.gov".into(), text.as_bytes().to_vec())], false);
    assert!(diags.is_empty(), "{rendered}");
}

/// Every code that the library can emit has a case above.
#[test]
fn every_code_has_a_case() {
    let mut emitted = std::collections::BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // JSON lint and import have their own case table (tests/lint_codes.rs).
                if !(path.ends_with("jsonlint") || path.ends_with("import")) {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("main.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for code in registry_uses(&text) {
                    // Command-line codes: tests/cli_codes.rs; the formatter's
                    // own guard (E0008): its unit test in src/format.
                    // JSON codes (E06xx): tests/lint_codes.rs. The
                    // catalog watch (W09xx): tests/catalog_watch.rs.
                    // `gov eval`'s request (E0712): tests/eval_cli.rs.
                    if !code.starts_with("E09")
                        && !code.starts_with("W09")
                        && !code.starts_with("E06")
                        && code != "E0008"
                        && code != "E0712"
                    {
                        emitted.insert(code);
                    }
                }
            }
        }
    }
    let covered: std::collections::BTreeSet<String> =
        CASES.iter().map(|c| c.0.to_string()).collect();
    let missing: Vec<_> = emitted.iter().filter(|c| !covered.contains(*c)).collect();
    assert!(
        missing.is_empty(),
        "codes without a snapshot case: {missing:?}"
    );
}

#[test]
fn json_output_has_every_field() {
    let files = [(
        "case.gov".to_string(),
        b"scp P {\n    deny \"sagemaker:Create:p\"\n}\n".to_vec(),
    )];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.gov");
    std::fs::write(&path, &files[0].1).unwrap();
    let loaded = gov::load::load(&[path]).unwrap();
    let checked = gov::check::check(&loaded, catalog());
    let json = diag::render_json(&loaded.sources, &checked.diagnostics);
    let line: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(line["code"], "E0102");
    assert_eq!(line["severity"], "error");
    assert_eq!(line["message"], "malformed action `sagemaker:Create:p`");
    assert!(line["file"].as_str().unwrap().ends_with("case.gov"));
    assert_eq!(line["line"], 2);
    assert_eq!(line["column"], 10);
    assert_eq!(line["end"]["line"], 2);
    assert_eq!(line["end"]["column"], 30);
    assert_eq!(line["suggestion"], "sagemaker:CreateApp");
}

#[test]
fn several_errors_in_one_file_are_all_reported() {
    let text = "scp A { deny sagemaker:CreateAp }\nscp B { deny sagemaker:DeleteAp }\nscp C { deny sagemaker:CreateApp when sagemaker:Nope present }\n";
    let loaded = load_texts(&[("many.gov", text)]);
    let checked = gov::check::check(&loaded, catalog());
    let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, vec!["W0103", "W0103", "E0103"]);
}

#[test]
fn a_present_guard_counts_whatever_the_key_is_spelled() {
    let text = "use sagemaker\nscp P { deny CreateApp unless InstanceTypes all in [\"ml.t3.medium\"] and SAGEMAKER:instancetypes present }\n";
    let loaded = load_texts(&[("guard.gov", text)]);
    let checked = gov::check::check(&loaded, catalog());
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
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

/// A date of the right shape that is not on the calendar or the clock is
/// refused where it is written, rather than emitted for AWS to misread.
#[test]
fn impossible_dates_are_refused() {
    for date in [
        "2020-02-30",
        "2021-02-29",
        "2026-01-31T25:00:00Z",
        "2026-01-31T12:00:60Z",
        "2026-01-31T12:00:00+25:00",
    ] {
        let text =
            format!("scp P {{ deny sagemaker:CreateApp when aws:CurrentTime > \"{date}\" }}\n");
        let (rendered, diags, sources) = run(&[("case.gov".into(), text.into_bytes())], false);
        let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
        assert_eq!(codes, ["E0204"], "{rendered}");
        assert_eq!(
            sources.snippet(diags[0].file, diags[0].span),
            format!("\"{date}\"")
        );
        assert!(rendered.contains("no such date or time"), "{rendered}");
    }
    let text =
        "scp P { deny sagemaker:CreateApp when aws:CurrentTime > \"2020-02-29T23:59:59Z\" }\n";
    let (rendered, diags, _) = run(&[("case.gov".into(), text.as_bytes().to_vec())], false);
    assert!(diags.is_empty(), "{rendered}");
}

/// A value of the wrong kind names the key and its type, so the reader does
/// not have to look up why a Bool was expected.
#[test]
fn wrong_kind_of_value_names_the_key_and_its_type() {
    let text = "scp P { deny s3:DeleteBucket when aws:SecureTransport == \"yes\" }\n";
    let (rendered, diags, sources) = run(&[("case.gov".into(), text.as_bytes().to_vec())], false);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0210"], "{rendered}");
    assert_eq!(sources.snippet(diags[0].file, diags[0].span), "\"yes\"");
    insta::assert_snapshot!("E0210_wrong_kind_names_key", rendered);
}
