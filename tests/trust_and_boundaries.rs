#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Role trust policies (`trust_policy`), tests of several policies with a
//! permissions boundary, and the one action AWS allows whatever the policies
//! say (`sts:GetCallerIdentity`).

use gov::catalog::Catalog;
use gov::eval::{Decision, Layer, PolicySet, Request, evaluate};
use gov::iam::PolicyDocument;
use gov::ir::PolicyKind;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

fn compile(text: &str) -> gov::Compilation {
    let c = gov::compile_texts(&[("case.gov", text)], catalog());
    assert!(
        !c.has_errors(),
        "{}",
        gov::diag::render_human(&c.loaded.sources, &c.diagnostics, false)
    );
    c
}

fn codes(text: &str) -> Vec<String> {
    let c = gov::compile_texts(&[("case.gov", text)], catalog());
    c.diagnostics
        .iter()
        .map(|d| d.code.id.to_string())
        .collect()
}

const TRUST: &str = r#"
trust_policy ExecutionRoleTrust {
    allow service "sagemaker.amazonaws.com" to [sts:AssumeRole, sts:SetSourceIdentity]
    allow aws "arn:aws:iam::111122223333:role/Admin" to sts:AssumeRole
        when aws:MultiFactorAuthPresent == true
}
"#;

#[test]
fn a_trust_policy_is_written_without_resource_under_its_own_kind() {
    let c = compile(TRUST);
    let policy = &c.program.policies[0];
    assert_eq!(policy.kind, PolicyKind::TrustPolicy);
    let d = c.document("ExecutionRoleTrust").unwrap();
    assert!(d.statements.iter().all(|s| s.resources.is_none()));
    assert!(d.statements.iter().all(|s| s.principal.is_some()));
    let json = d.to_canonical_json(true);
    assert!(!json.contains("Resource"), "{json}");
    assert_eq!(
        gov::jsonlint::guess_kind(&json),
        Some(PolicyKind::TrustPolicy)
    );
    assert_eq!(PolicyKind::TrustPolicy.keyword(), "trust_policy");
    assert_eq!(PolicyKind::TrustPolicy.limit().max, 2_048);
}

#[test]
fn the_kind_guesser_tells_trust_from_resource_policies() {
    let with_resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#;
    assert_eq!(
        gov::jsonlint::guess_kind(with_resource),
        Some(PolicyKind::ResourcePolicy)
    );
    let other_action = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"111122223333"},"Action":"s3:GetObject"}]}"#;
    assert_eq!(
        gov::jsonlint::guess_kind(other_action),
        Some(PolicyKind::ResourcePolicy)
    );
}

#[test]
fn a_trust_policy_refuses_resources_other_actions_and_anyone() {
    let on = "trust_policy T { allow service \"sagemaker.amazonaws.com\" to sts:AssumeRole on \"arn:aws:iam::111122223333:role/R\" }\n";
    assert_eq!(codes(on), ["E0320"]);
    let s3 = "trust_policy T { allow service \"sagemaker.amazonaws.com\" to [sts:AssumeRole, s3:GetObject] }\n";
    assert_eq!(codes(s3), ["E0321"]);
    // `sts:Assume*` also reaches `sts:AssumeRoot`, which is not done to a role.
    let pattern =
        "trust_policy T { allow service \"sagemaker.amazonaws.com\" to \"sts:Assume*\" }\n";
    assert_eq!(codes(pattern), ["E0321"]);
    let except = "trust_policy T { allow service \"sagemaker.amazonaws.com\" to * except [sts:AssumeRole] }\n";
    assert_eq!(codes(except), ["E0321"]);
    let star = "trust_policy T { allow service \"sagemaker.amazonaws.com\" to * }\n";
    assert_eq!(codes(star), ["E0321"]);
    let anyone = "trust_policy T { allow anyone to sts:AssumeRole }\n";
    assert_eq!(codes(anyone), ["E0322"]);
    let aws_star = "trust_policy T { allow aws \"*\" to sts:AssumeRole }\n";
    assert_eq!(codes(aws_star), ["E0322"]);
    let nobody = "trust_policy T { allow sts:AssumeRole }\n";
    assert_eq!(codes(nobody), ["E0302"]);
    let fine = "trust_policy T { allow federated \"arn:aws:iam::111122223333:saml-provider/Corp\" to [sts:AssumeRoleWithSAML, sts:TagSession] }\n";
    assert!(codes(fine).is_empty(), "{:?}", codes(fine));
}

#[test]
fn an_assume_action_must_fit_a_principal_of_the_statement() {
    let saml = "trust_policy T { allow federated \"arn:aws:iam::111122223333:saml-provider/Corp\" to sts:AssumeRole }\n";
    assert_eq!(codes(saml), ["W0320"]);
    let oidc = "trust_policy T { allow federated \"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\" to [sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity] }\n";
    assert_eq!(codes(oidc), ["W0320"]);
    let mixed = "trust_policy T { allow service \"sagemaker.amazonaws.com\", federated \"arn:aws:iam::111122223333:saml-provider/Corp\" to [sts:AssumeRole, sts:AssumeRoleWithSAML, sts:TagSession] }\n";
    assert!(codes(mixed).is_empty(), "{:?}", codes(mixed));
}

#[test]
fn lint_reports_the_same_trust_policy_problems_in_json() {
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
        "Action":["sts:AssumeRole","s3:GetObject"],"Resource":"*"}]}"#;
    let report = gov::jsonlint::lint(0, json, Some(PolicyKind::TrustPolicy), catalog());
    let mut found: Vec<&str> = report.iter().map(|d| d.code.id).collect();
    found.sort();
    assert_eq!(found, ["E0320", "E0321", "E0322"]);
}

#[test]
fn lint_refuses_not_principal_in_a_trust_policy() {
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"sts:AssumeRole"}]}"#;
    let report = gov::jsonlint::lint(0, json, Some(PolicyKind::TrustPolicy), catalog());
    let found: Vec<&str> = report.iter().map(|d| d.code.id).collect();
    assert_eq!(found, ["E0322"]);
    assert!(
        report[0].message.contains("NotPrincipal"),
        "{}",
        report[0].message
    );
}

#[test]
fn trust_policy_tests_take_the_principal_from_the_context() {
    let text = format!(
        "{TRUST}\ntest \"who assumes\" for ExecutionRoleTrust {{\n\
         sts:AssumeRole {{ aws:PrincipalServiceName = \"sagemaker.amazonaws.com\" }} => allow\n\
         sts:SetSourceIdentity {{ aws:PrincipalServiceName = \"sagemaker.amazonaws.com\", sts:SourceIdentity = \"alice\" }} => allow\n\
         sts:TagSession {{ aws:PrincipalServiceName = \"sagemaker.amazonaws.com\" }} => deny (implicit)\n\
         sts:AssumeRole {{ aws:PrincipalArn = \"arn:aws:iam::111122223333:role/Admin\", aws:MultiFactorAuthPresent = true }} => allow\n\
         sts:AssumeRole {{ aws:PrincipalArn = \"arn:aws:iam::111122223333:role/Admin\" }} => deny (implicit)\n\
         sts:AssumeRole {{ aws:PrincipalArn = \"arn:aws:iam::111122223333:role/Other\", aws:MultiFactorAuthPresent = true }} => deny (implicit)\n\
         }}\n"
    );
    let report = compile(&text).run_tests();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.passed, 6);
}

const BOUNDED: &str = r#"
policy Role {
    allow [sagemaker:CreatePresignedDomainUrl, sagemaker:CreateDomain, sagemaker:DescribeDomain]
}
policy Boundary {
    allow [sagemaker:CreatePresignedDomainUrl, "sagemaker:Describe*"]
    deny sagemaker:DescribeDomain when aws:SourceIp absent
}
scp Guard {
    deny sagemaker:CreatePresignedDomainUrl unless aws:SourceVpce present
}
"#;

#[test]
fn a_test_evaluates_identity_within_boundary_and_scps() {
    let text = format!(
        "{BOUNDED}\ntest \"bounded\" for Role, Guard with boundary Boundary {{\n\
         sagemaker:CreatePresignedDomainUrl {{ aws:SourceVpce = \"vpce-0123456789abcdef0\" }} => allow\n\
         sagemaker:CreatePresignedDomainUrl {{ }} => deny (explicit)\n\
         sagemaker:CreateDomain {{ aws:SourceVpce = \"vpce-0123456789abcdef0\" }} => deny (implicit)\n\
         sagemaker:DescribeDomain {{ aws:SourceIp = \"192.0.2.1\" }} => allow\n\
         sagemaker:DescribeDomain {{ }} => deny (explicit)\n\
         sagemaker:DescribeUserProfile {{ }} => deny (implicit)\n\
         }}\n\
         test \"unbounded\" for Role, Guard {{\n\
         sagemaker:CreateDomain {{ }} => allow\n\
         sagemaker:CreatePresignedDomainUrl {{ }} => deny (explicit)\n\
         }}\n\
         test \"the guardrail alone\" for Guard {{\n\
         sagemaker:CreateDomain {{ }} => allow\n\
         }}\n\
         test \"the guardrail within the boundary\" for Guard with boundary Boundary {{\n\
         sagemaker:CreateDomain {{ }} => deny (implicit)\n\
         sagemaker:DescribeUserProfile {{ }} => allow\n\
         }}\n"
    );
    let report = compile(&text).run_tests();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.passed, 11);
}

#[test]
fn a_failing_case_of_several_policies_names_them_all() {
    let text = format!(
        "{BOUNDED}\ntest \"wrong\" for Role, Guard with boundary Boundary {{\n\
         sagemaker:CreateDomain {{ }} => allow\n\
         }}\n"
    );
    let c = compile(&text);
    let report = c.run_tests();
    assert_eq!(report.failures.len(), 1);
    let rendered = report.render(&c.loaded.sources);
    assert!(rendered.contains("`Role`, `Guard`"), "{rendered}");
    assert!(rendered.contains("deny (implicit)"), "{rendered}");
}

#[test]
fn what_a_test_may_combine() {
    let boundary_scp = format!(
        "{BOUNDED}\ntest \"t\" for Role with boundary Guard {{ sagemaker:CreateDomain {{ }} => allow }}\n"
    );
    assert_eq!(codes(&boundary_scp), ["E0323"]);
    let two_resources = "resource_policy A { allow aws \"111122223333\" to s3:GetObject on \"arn:aws:s3:::a/*\" }\n\
        trust_policy B { allow aws \"111122223333\" to sts:AssumeRole }\n\
        test \"t\" for A, B { s3:GetObject on \"arn:aws:s3:::a/x\" { } => deny }\n";
    assert_eq!(codes(two_resources), ["E0324"]);
    let unknown = format!(
        "{BOUNDED}\ntest \"t\" for Role, Gard with boundary Bondary {{ sagemaker:CreateDomain {{ }} => allow }}\n"
    );
    assert_eq!(codes(&unknown), ["E0111", "E0111"]);
}

#[test]
fn the_boundary_syntax_formats_and_round_trips() {
    let text = "test   \"t\"  for A ,B   with   boundary  C {\n}\n";
    let formatted = gov::format::format_source(0, text).unwrap();
    assert_eq!(formatted, "test \"t\" for A, B with boundary C {}\n");
    assert_eq!(
        gov::format::format_source(0, &formatted).unwrap(),
        formatted
    );
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

#[test]
fn a_resource_grant_to_a_role_is_limited_by_the_boundary_and_to_a_session_is_not() {
    let bucket = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":["arn:aws:iam::111122223333:role/R","arn:aws:iam::111122223333:user/U",
        "arn:aws:sts::111122223333:assumed-role/R/s"]},
        "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#);
    let boundary = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#,
    );
    let mut set = PolicySet::new();
    set.resource = vec![&bucket];
    set.permissions_boundaries = vec![&boundary];
    let req = |p: &str| {
        Request::new("s3:GetObject")
            .with_resource("arn:aws:s3:::b/k")
            .with_principal(p)
    };
    let role = evaluate(&set, &req("arn:aws:iam::111122223333:role/R"));
    assert_eq!(role.decision, Decision::ImplicitDeny);
    assert_eq!(role.layer, Some(Layer::PermissionsBoundary));
    let user = evaluate(&set, &req("arn:aws:iam::111122223333:user/U"));
    assert_eq!(user.decision, Decision::Allow);
    let session = evaluate(&set, &req("arn:aws:sts::111122223333:assumed-role/R/s"));
    assert_eq!(session.decision, Decision::Allow);
    // Without a boundary the role is granted.
    set.permissions_boundaries.clear();
    let role = evaluate(&set, &req("arn:aws:iam::111122223333:role/R"));
    assert_eq!(role.decision, Decision::Allow);
}

#[test]
fn get_caller_identity_is_allowed_even_under_an_explicit_deny() {
    let deny_all = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
    );
    let allow_all = doc(ALLOW_ALL);
    let mut set = PolicySet::new();
    set.scps = vec![&deny_all];
    set.identity = vec![&deny_all, &allow_all];
    set.permissions_boundaries = vec![&deny_all];
    for action in ["sts:GetCallerIdentity", "STS:getcalleridentity"] {
        let out = evaluate(&set, &Request::new(action));
        assert_eq!(out.decision, Decision::Allow, "{action}");
        assert!(out.deciding.is_empty());
        assert_eq!(out.layer, None);
    }
    // No policy at all: still allowed (it needs no permission).
    let out = evaluate(&PolicySet::new(), &Request::new("sts:GetCallerIdentity"));
    assert_eq!(out.decision, Decision::Allow);
    // Any other STS action is denied as usual.
    let out = evaluate(&set, &Request::new("sts:GetSessionToken"));
    assert_eq!(out.decision, Decision::ExplicitDeny);
}

#[test]
fn a_gov_test_sees_get_caller_identity_allowed() {
    let text = "scp DenyAll { deny * }\n\
        test \"t\" for DenyAll {\n\
        sts:GetCallerIdentity { } => allow\n\
        sts:GetSessionToken { } => deny (explicit)\n\
        }\n";
    let report = compile(text).run_tests();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
}

#[test]
fn the_diff_sees_no_change_in_denying_get_caller_identity() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old.gov");
    let new = tmp.path().join("new.gov");
    std::fs::write(&old, "scp S {\n    deny sts:GetSessionToken\n}\n").unwrap();
    std::fs::write(
        &new,
        "scp S {\n    deny [sts:GetSessionToken, sts:GetCallerIdentity]\n}\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gov"))
        .args(["diff", "--fail-on", "any"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("no request changes its decision"), "{text}");
    assert!(!text.contains("not exhaustive"), "{text}");
}
