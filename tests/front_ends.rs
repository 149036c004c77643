#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The checker of `.gov` sources and the JSON linter report one IAM fact in
//! the same words: each pair below states the same problem in both
//! languages and compares what the two front ends say (code, message,
//! label, help, suggestion). Where the two once said different things, the
//! case pins the wording both now share.

use gov::catalog::Catalog;
use gov::diag::Diagnostic;
use gov::jsonlint::{PolicyKind, lint};
use gov::load::load_texts;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn check(text: &str) -> Vec<Diagnostic> {
    let loaded = load_texts(&[("case.gov", text)]);
    gov::check::check(&loaded, catalog()).diagnostics
}

fn lint_json(text: &str, kind: PolicyKind) -> Vec<Diagnostic> {
    lint(0, text, Some(kind), catalog())
}

/// What a diagnostic says, without where.
fn said(d: &Diagnostic) -> (String, String, String, Option<String>, Option<String>) {
    (
        d.code.id.to_string(),
        d.message.clone(),
        d.label.clone(),
        d.help.clone(),
        d.suggestion.clone(),
    )
}

fn only(diags: &[Diagnostic], code: &str) -> Diagnostic {
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "one {code} expected in {diags:#?}");
    found[0].clone()
}

fn same(code: &str, gov: &str, json: &str, kind: PolicyKind) -> Diagnostic {
    let from_gov = only(&check(gov), code);
    let from_json = only(&lint_json(json, kind), code);
    assert_eq!(said(&from_gov), said(&from_json), "{code}");
    from_gov
}

fn statement(action: &str, condition: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": {action}, "Resource": "*"{condition}}}]}}"#
    )
}

#[test]
fn action_names() {
    let cases = [
        ("W0103", "sagemaker:CreateAp", "\"sagemaker:CreateAp\""),
        ("W0102", "sagemakr:CreateApp", "\"sagemakr:CreateApp\""),
        ("W0104", "\"sagemaker:Zzz*\"", "\"sagemaker:Zzz*\""),
        ("E0209", "\"s3:${aws:username}\"", "\"s3:${aws:username}\""),
    ];
    for (code, gov, json) in cases {
        same(
            code,
            &format!("scp P {{ deny {gov} }}\n"),
            &statement(json, ""),
            PolicyKind::Scp,
        );
    }
}

/// A well-formed name the catalog lacks is a warning in both front ends and
/// is carried through as written: the `.gov` rule lowers to the name, and
/// the JSON statement keeps it.
#[test]
fn unknown_names_are_carried_through() {
    let compiled = gov::compile_texts(
        &[(
            "case.gov",
            "scp P { deny [deeplens:CreateProject, sagemaker:CreateApp] }\n",
        )],
        catalog(),
    );
    assert!(
        !compiled.diagnostics.iter().any(|d| d.is_error()),
        "{:#?}",
        compiled.diagnostics
    );
    let actions = format!("{:?}", compiled.documents[0].1.statements[0].actions);
    assert!(actions.contains("deeplens:CreateProject"), "{actions}");
    let under_use = check("use sagemaker\nscp P { deny CreateAp }\n");
    assert_eq!(
        only(&under_use, "W0103").message,
        "unknown action `sagemaker:CreateAp`"
    );
}

/// A key the action lacks is absent: an error where the statement then
/// never applies or a deny always does, a warning where the test holds
/// without the key and the statement still does what it says.
#[test]
fn an_unsupported_key_is_an_error_only_where_it_breaks_the_statement() {
    let json = |effect: &str, condition: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Action": "cloudwatch:GetMetricData", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    };
    let cases = [
        // Never holds: the statement never applies to the action.
        (
            "E0301",
            "allow cloudwatch:GetMetricData when cloudwatch:namespace == \"a\"",
            "Allow",
            r#"{"StringEquals": {"cloudwatch:namespace": "a"}}"#,
        ),
        (
            "E0301",
            "deny cloudwatch:GetMetricData when cloudwatch:namespace == \"a\"",
            "Deny",
            r#"{"StringEquals": {"cloudwatch:namespace": "a"}}"#,
        ),
        // A deny that then applies whatever the request.
        (
            "E0301",
            "deny cloudwatch:GetMetricData unless cloudwatch:namespace == \"a\"",
            "Deny",
            r#"{"StringNotEquals": {"cloudwatch:namespace": "a"}}"#,
        ),
        // Holds without the key: the grant, or the other key, decides.
        (
            "W0211",
            "allow cloudwatch:GetMetricData unless cloudwatch:namespace == \"a\"",
            "Allow",
            r#"{"StringNotEquals": {"cloudwatch:namespace": "a"}}"#,
        ),
        (
            "W0211",
            "deny cloudwatch:GetMetricData unless cloudwatch:namespace == \"a\" or aws:PrincipalAccount == \"111122223333\"",
            "Deny",
            r#"{"StringNotEquals": {"cloudwatch:namespace": "a", "aws:PrincipalAccount": "111122223333"}}"#,
        ),
    ];
    for (code, rule, effect, condition) in cases {
        let kind = if effect == "Allow" { "policy" } else { "scp" };
        let d = same(
            code,
            &format!("{kind} P {{ {rule} }}\n"),
            &json(effect, condition),
            if effect == "Allow" {
                PolicyKind::Identity
            } else {
                PolicyKind::Scp
            },
        );
        assert_eq!(
            d.message,
            "`cloudwatch:GetMetricData` does not support condition key `cloudwatch:namespace`"
        );
    }
    // JSON alone says `…IfExists`: absent is allowed for on purpose.
    let explicit = lint_json(
        &json(
            "Deny",
            r#"{"StringNotEqualsIfExists": {"cloudwatch:namespace": "a"}}"#,
        ),
        PolicyKind::Scp,
    );
    only(&explicit, "W0211");
}

/// Drifted: the checker gave a malformed action (`svc::Name`) no suggestion
/// where the linter suggested the closest action.
#[test]
fn a_malformed_action_gets_the_closest_action() {
    let d = same(
        "E0102",
        "scp P { deny \"sagemaker::CreateApp\" }\n",
        &statement("\"sagemaker::CreateApp\"", ""),
        PolicyKind::Scp,
    );
    assert_eq!(d.message, "malformed action `sagemaker::CreateApp`");
    assert_eq!(d.suggestion.as_deref(), Some("sagemaker:CreateApp"));
}

#[test]
fn condition_key_names() {
    let d = same(
        "E0103",
        "scp P { deny sagemaker:CreateDomain unless sagemaker:VpcSubnet present }\n",
        &statement(
            "\"sagemaker:CreateDomain\"",
            r#", "Condition": {"Null": {"sagemaker:VpcSubnet": "false"}}"#,
        ),
        PolicyKind::Scp,
    );
    assert_eq!(d.suggestion.as_deref(), Some("sagemaker:VpcSubnets"));
}

#[test]
fn policy_variables() {
    let cases = [
        ("E0212", "${aws:usernme}"),
        ("E0214", "${aws:username"),
        ("E0214", "${aws:PrincipalTag/team, none}"),
    ];
    for (code, variable) in cases {
        let arn = format!("arn:aws:s3:::bucket/{variable}");
        same(
            code,
            &format!("policy P {{ allow s3:GetObject on \"{arn}\" }}\n"),
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "{arn}"}}]}}"#
            ),
            PolicyKind::Identity,
        );
    }
}

/// Drifted within the checker: a key in a `test` request resolved through
/// `use` by its own rules (the first service wins, an unknown key is
/// suggested without its service). It now resolves as in a condition.
#[test]
fn a_test_request_resolves_keys_as_a_condition_does() {
    let in_test = |uses: &str, key: &str| {
        check(&format!(
            "{uses}scp P {{ deny sagemaker:CreateApp }}\ntest \"t\" for P {{\n    sagemaker:CreateApp {{ {key} = \"x\" }} => deny\n}}\n"
        ))
    };
    let in_condition = |uses: &str, key: &str| {
        check(&format!(
            "{uses}scp P {{ deny sagemaker:CreateApp when {key} == \"x\" }}\n"
        ))
    };
    let cases = [
        ("", "InstanceType", "E0108"),
        ("use sagemaker\n", "InstanceTyp", "E0103"),
        ("use sagemaker\nuse ec2\n", "ResourceTag/team", "E0109"),
    ];
    for (uses, key, code) in cases {
        let from_test = only(&in_test(uses, key), code);
        let from_condition = only(&in_condition(uses, key), code);
        assert_eq!(said(&from_test), said(&from_condition), "{code}");
    }
}

#[test]
fn keys_an_action_does_not_carry() {
    let condition = r#", "Condition": {"ForAnyValue:StringEquals": {"sagemaker:InstanceTypes": ["ml.t3.medium"]}}"#;
    let gov_condition = "sagemaker:InstanceTypes any in [\"ml.t3.medium\"]";
    for (code, gov_action, json_action) in [
        ("E0301", "s3:GetObject", "\"s3:GetObject\""),
        ("W0209", "\"sagemaker:CreateA*\"", "\"sagemaker:CreateA*\""),
    ] {
        same(
            code,
            &format!("scp P {{ deny {gov_action} when {gov_condition} }}\n"),
            &statement(json_action, condition),
            PolicyKind::Scp,
        );
    }
    let d = same(
        "W0101",
        "policy P { allow sagemaker:CreateEndpointConfig when sagemaker:VolumeKmsKey present }\n",
        &statement(
            "\"sagemaker:CreateEndpointConfig\"",
            r#", "Condition": {"Null": {"sagemaker:VolumeKmsKey": "false"}}"#,
        ),
        PolicyKind::Identity,
    );
    assert_eq!(d.suggestion.as_deref(), Some("sagemaker:VolumeKmsKeyArn"));
}

/// Drifted: the checker gave no help when no action of a pattern carries the key.
#[test]
fn a_pattern_none_of_whose_actions_carry_the_key() {
    let d = same(
        "E0301",
        "scp P { deny \"s3:GetObject*\" when sagemaker:InstanceTypes any in [\"x\"] }\n",
        &statement(
            "\"s3:GetObject*\"",
            r#", "Condition": {"ForAnyValue:StringEquals": {"sagemaker:InstanceTypes": ["x"]}}"#,
        ),
        PolicyKind::Scp,
    );
    assert_eq!(
        d.help.as_deref(),
        Some(
            "IAM treats the key as absent for these actions, so the condition always or never holds"
        )
    );
}

/// `*` and `* except`/`NotAction`: the same warning, said of a rule or of a
/// statement. Drifted: the checker also reported E0301 for each excepted
/// action that does not carry the key, though the rule does not cover it.
#[test]
fn every_action_or_every_action_but_a_few() {
    let condition =
        r#", "Condition": {"ForAnyValue:StringEquals": {"sagemaker:InstanceTypes": ["x"]}}"#;
    let when = "when sagemaker:InstanceTypes any in [\"x\"]";
    let cases = [
        (
            format!("scp P {{ deny * {when} }}\n"),
            statement("\"*\"", condition),
        ),
        (
            format!("scp P {{ deny * except [s3:GetObject] {when} }}\n"),
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"{condition}}}]}}"#
            ),
        ),
    ];
    for (gov, json) in cases {
        let from_gov = check(&gov);
        assert!(!from_gov.iter().any(|d| d.code == "E0301"), "{from_gov:#?}");
        let from_gov = only(&from_gov, "W0209");
        let from_json = only(&lint_json(&json, PolicyKind::Scp), "W0209");
        assert_eq!(
            from_gov.message,
            from_json.message.replace("the statement", "the rule")
        );
        assert!(
            from_gov
                .message
                .contains("but the rule covers every action")
        );
        assert_eq!(
            (&from_gov.label, &from_gov.help),
            (&from_json.label, &from_json.help)
        );
    }
}

/// Drifted: the linter called a malformed AWS principal "invalid principal"
/// and an empty one "expected an ARN"; the checker left a principal that is
/// a policy variable out of its message. Both now say what the checker said
/// of the first two and name the value.
#[test]
fn principal_values() {
    let cases = [
        ("aws", "AWS", "bob", "invalid AWS principal `bob`"),
        ("aws", "AWS", "", "invalid principal ``"),
        (
            "federated",
            "Federated",
            "${aws:username}",
            "invalid principal `${aws:username}`",
        ),
        (
            "service",
            "Service",
            "logs.region.amazonaws.com",
            "invalid service principal `logs.region.amazonaws.com`",
        ),
    ];
    for (gov_type, json_type, value, message) in cases {
        let d = same(
            "E0213",
            &format!(
                "resource_policy P {{ allow {gov_type} \"{value}\" to s3:GetObject on \"arn:aws:s3:::b/*\" }}\n"
            ),
            &format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"{json_type}": "{value}"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
            ),
            PolicyKind::ResourcePolicy,
        );
        assert_eq!(d.message, message);
    }
}

/// The rules of each kind: both front ends report the same codes for the
/// same statement (the wording names each language's syntax).
#[test]
fn what_each_kind_allows() {
    let cases = [
        (
            "key_policy K { allow kms:Decrypt }\n",
            r#"{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}"#,
            PolicyKind::KeyPolicy,
            vec!["E0302"],
        ),
        (
            "scp P { deny service \"logs.amazonaws.com\" to kms:Decrypt }\n",
            r#"{"Effect": "Deny", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}"#,
            PolicyKind::Scp,
            vec!["E0303"],
        ),
        (
            "policy P { allow anyone to s3:GetObject }\n",
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
            PolicyKind::Identity,
            vec!["E0303"],
        ),
        (
            "rcp R { allow * except [s3:GetObject] }\n",
            r#"{"Effect": "Allow", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}"#,
            PolicyKind::Rcp,
            vec!["E0305", "E0306"],
        ),
        (
            "rcp R { deny s3:GetObject }\n",
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
            PolicyKind::Rcp,
            vec![],
        ),
    ];
    let kind_codes = |diags: &[Diagnostic]| -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = diags
            .iter()
            .map(|d| d.code.id)
            .filter(|c| ["E0302", "E0303", "E0305", "E0306"].contains(c))
            .collect();
        codes.sort_unstable();
        codes
    };
    for (gov, statement, kind, expected) in cases {
        let json = format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#);
        assert_eq!(kind_codes(&check(gov)), expected, "{gov}");
        assert_eq!(kind_codes(&lint_json(&json, kind)), expected, "{json}");
    }
    let from_gov = only(&check("rcp R { allow s3:GetObject }\n"), "E0305");
    let from_json = only(
        &lint_json(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            PolicyKind::Rcp,
        ),
        "E0305",
    );
    assert_eq!(from_gov.message, from_json.message);
}

/// Drifted: the checker gave a malformed ARN in a condition or a `test`
/// request no help, where the linter (and the checker, for a resource) said
/// what an ARN reads like.
#[test]
fn malformed_values() {
    let arn_help = "an ARN reads `arn:partition:service:region:account-id:resource`";
    let cases = [
        (
            "E0202",
            "sagemaker:CreateEndpointConfig",
            "sagemaker:VolumeKmsKeyArn == \"arn:aws:kms\"",
            r#""ArnEquals": {"sagemaker:VolumeKmsKeyArn": "arn:aws:kms"}"#,
        ),
        (
            "E0203",
            "s3:GetObject",
            "aws:SourceIp in [\"10.0.0.0/33\"]",
            r#""IpAddress": {"aws:SourceIp": "10.0.0.0/33"}"#,
        ),
        (
            "E0204",
            "s3:GetObject",
            "aws:CurrentTime < \"tomorrow\"",
            r#""DateLessThan": {"aws:CurrentTime": "tomorrow"}"#,
        ),
    ];
    for (code, action, gov_condition, json_condition) in cases {
        let d = same(
            code,
            &format!("scp P {{ deny {action} when {gov_condition} }}\n"),
            &statement(
                &format!("\"{action}\""),
                &format!(r#", "Condition": {{{json_condition}}}"#),
            ),
            PolicyKind::Scp,
        );
        assert_eq!(d.help.as_deref() == Some(arn_help), code == "E0202");
    }
    let in_test = only(
        &check(
            "scp P { deny s3:GetObject }\ntest \"t\" for P {\n    s3:GetObject on \"arn:aws:s3\" { } => deny\n}\n",
        ),
        "E0202",
    );
    assert_eq!(in_test.help.as_deref(), Some(arn_help));
}

/// What does not do what it seems to in a kind: both front ends find the
/// same traps. Drifted: the checker warned (W0202) of an SCP's unconditioned
/// `allow *` on every resource, which is `FullAWSAccess` itself; the linter
/// did not, and neither does now.
#[test]
fn traps_of_each_kind() {
    let cases = [
        (
            "scp FullAWSAccess { allow * }\n",
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
            PolicyKind::Scp,
            vec![],
        ),
        (
            "scp P { allow * on * }\n",
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
            PolicyKind::Scp,
            vec![],
        ),
        (
            "scp P { allow * when aws:SecureTransport == true }\n",
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
            PolicyKind::Scp,
            vec!["W0202"],
        ),
        (
            "scp P { allow * on \"arn:aws:s3:::b\" }\n",
            r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}"#,
            PolicyKind::Scp,
            vec!["W0202"],
        ),
        (
            "scp P { allow sagemaker:CreateApp }\n",
            r#"{"Effect": "Allow", "Action": "sagemaker:CreateApp", "Resource": "*"}"#,
            PolicyKind::Scp,
            vec!["W0202"],
        ),
        (
            "policy P { allow [s3:GetObject, \"s3:*\", \"s*:Get*\"] }\n",
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:*", "s*:Get*"], "Resource": "*"}"#,
            PolicyKind::Identity,
            // One warning per statement, however many wildcards it lists.
            vec!["W0203"],
        ),
        (
            "policy P { allow * except [s3:GetObject] }\n",
            r#"{"Effect": "Allow", "NotAction": "s3:GetObject", "Resource": "*"}"#,
            PolicyKind::Identity,
            vec!["W0203"],
        ),
        (
            "rcp R { deny s3:GetObject unless aws:PrincipalTag/owner == \"${aws:username}\" }\n",
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}}"#,
            PolicyKind::Rcp,
            vec!["W0208"],
        ),
    ];
    let trap_codes = |diags: &[Diagnostic]| -> Vec<&'static str> {
        diags
            .iter()
            .map(|d| d.code.id)
            .filter(|c| ["W0202", "W0203", "W0208"].contains(c))
            .collect()
    };
    for (gov, statement, kind, expected) in cases {
        let json = format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#);
        assert_eq!(trap_codes(&check(gov)), expected, "{gov}");
        assert_eq!(trap_codes(&lint_json(&json, kind)), expected, "{json}");
    }
}

/// A statement that lists several wildcards gets one W0203, at its first,
/// with the others as secondary labels (a managed policy listing twenty
/// `svc:*` got twenty warnings).
#[test]
fn wide_grants_are_grouped_per_statement() {
    let gov = "policy P { allow [s3:GetObject, \"s3:*\", \"ec2:*\", \"iam:*\"] }\n";
    let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:*", "ec2:*", "iam:*"], "Resource": "*"}]}"#;
    let from_gov = only(&check(gov), "W0203");
    let from_json = only(&lint_json(json, PolicyKind::Identity), "W0203");
    assert_eq!(
        from_gov.message,
        "`allow s3:*` and 2 more wildcards grant every action they match"
    );
    assert_eq!(
        from_json.message,
        "`Allow` of `s3:*` and 2 more wildcards grant every action they match"
    );
    for d in [&from_gov, &from_json] {
        assert_eq!(d.secondary.len(), 2, "{d:#?}");
    }
}

/// Drifted: for an id with characters IAM refuses, the checker said only
/// which characters IAM accepts, the linter suggested the id without them;
/// both now suggest it (and explain when nothing would be left).
#[test]
fn statement_ids() {
    let sids = |sid: &str, again: &str| {
        (
            format!(
                "scp P {{\n    @sid(\"{sid}\")\n    deny s3:GetObject\n    @sid(\"{again}\")\n    deny s3:PutObject\n}}\n"
            ),
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{sid}", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}}, {{"Sid": "{again}", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}}]}}"#
            ),
        )
    };
    let (gov, json) = sids("deny-apps", "Other");
    let d = same("E0308", &gov, &json, PolicyKind::Scp);
    assert_eq!(d.suggestion.as_deref(), Some("denyapps"));
    let (gov, json) = sids("--", "Other");
    let d = same("E0308", &gov, &json, PolicyKind::Scp);
    assert_eq!(
        d.help.as_deref(),
        Some("IAM accepts only ASCII letters and digits in a Sid")
    );
    let (gov, json) = sids("DenyApps", "DenyApps");
    same("E0309", &gov, &json, PolicyKind::Scp);
}
