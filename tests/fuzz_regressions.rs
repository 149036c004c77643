#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Inputs the fuzz targets (`fuzz/`, fuzz/README.md) found, kept as tests:
//! each asserts what the compilation says of the input, and the property
//! of the target that found it.
//!
//! The first long run of the `check`, `lower`, `format` and `json` targets
//! reported slow units, all of one kind: an action name of no service (or
//! of no prefix) made the "did you mean" search compute a Levenshtein distance to
//! every action of the catalog, about 20 ms per unknown name in a release
//! build, so a file of such names took minutes. A cheap lower bound now
//! rules out almost every candidate first (`catalog/suggest.rs`); the
//! suggestions are the same, which these tests pin. The speed is measured
//! by `cargo bench --bench catalog`.

use gov::catalog::Catalog;
use gov::compile_texts;
use gov::format::format_source;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

/// What a compilation of one file says: code, message and suggestion of
/// each diagnostic, in order.
fn said(text: &str) -> Vec<(String, String, Option<String>)> {
    compile_texts(&[("a.gov", text)], catalog())
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.id.to_string(),
                d.message.clone(),
                d.suggestion.clone(),
            )
        })
        .collect()
}

/// A diagnostic as the tests expect it: code, message, suggestion.
type Said<'a> = (&'a str, &'a str, Option<&'a str>);

fn expected(list: &[Said<'_>]) -> Vec<(String, String, Option<String>)> {
    list.iter()
        .map(|(c, m, s)| (c.to_string(), m.to_string(), s.map(str::to_string)))
        .collect()
}

/// The `format` target's property: the formatted text is a fixed point and
/// compiles to what the source compiles to.
fn formats_keeping_meaning(text: &str) {
    let out = format_source(0, text).unwrap();
    assert_eq!(format_source(0, &out).unwrap(), out);
    assert_eq!(said(&out), said(text), "{out}");
}

#[test]
fn check_slow_unit_a_broken_rule_naming_no_service() {
    let text = "net present\n}\n\nscp BrokenSyntax {\n    deny y sagemaker: deny \
                cemaker:InstanceTypessagemaker: deny cemaker:InstanceTypesateApp }\n";
    assert_eq!(
        said(text),
        expected(&[
            (
                "E0001",
                "expected a declaration (`use`, `import`, `const`, `param`, a policy, `test` or `org`), found `net`",
                None
            ),
            (
                "E0001",
                "expected the end of the item, `on`, `when` or `unless`, found `sagemaker:`",
                None
            ),
            (
                "E0001",
                "expected the end of the item, `on`, `when` or `unless`, found `:`",
                None
            ),
            ("W0102", "unknown service `cemaker`", None),
        ])
    );
}

/// The slow units of `check` and `lower` in the third long run (0.4–0.7 s
/// in the instrumented build): a condition key, a service or an action name
/// with a run of a hundred repeated characters. Every candidate of the
/// catalog went through the quadratic Levenshtein; the length bound now
/// rules them out first (a 100,000-character key took 17 s, now 0.15 s). The
/// names are still diagnosed, with the suggestions of the short names.
#[test]
fn check_slow_unit_long_misspelt_names() {
    let long = "c".repeat(100);
    let text = format!(
        "scp K {{\n    deny sagemaker:CreateDomain unless sa{long}gemaker:VpcSubnet present\n    deny sagemaker:CreateAp\n}}\n"
    );
    let got = said(&text);
    assert!(
        got.iter().any(|(code, message, suggestion)| code == "E0103"
            && message.contains(&long)
            && suggestion.is_none()),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|(_, _, suggestion)| suggestion.as_deref() == Some("sagemaker:CreateApp")),
        "{got:?}"
    );
}

#[test]
fn format_slow_units_actions_without_a_prefix() {
    for name in [
        "sagpresentCrlikeAp",
        "sagemaker8CruateAp",
        "sageunlessruateAp",
    ] {
        let text = format!("scp DenyUnknownAction {{\n    deny {name}\n}}\u{b}");
        let message = format!("action `{name}` has no service prefix");
        assert_eq!(said(&text), expected(&[("E0108", &message, None)]));
        formats_keeping_meaning(&text);
    }
}

#[test]
fn format_slow_unit_an_import_of_itself_and_an_action_without_a_prefix() {
    let text = "import \"a.gov\"\nscp CycleB { deny sagemakergemakteApp }\n";
    let diags = said(text);
    assert_eq!(
        diags.last(),
        expected(&[(
            "E0108",
            "action `sagemakergemakteApp` has no service prefix",
            None
        )])
        .last()
    );
    formats_keeping_meaning(text);
}

#[test]
fn lower_slow_unit_a_misspelt_service_is_suggested_with_the_same_action() {
    let text = "import \"a.gov\"\nscp CycleB { deny sagmaker:De444444444444444leteApp }\n";
    let diags = said(text);
    assert_eq!(
        diags.last(),
        expected(&[(
            "W0102",
            "unknown service `sagmaker`",
            Some("sagemaker:De444444444444444leteApp")
        )])
        .last()
    );
}

#[test]
fn lower_slow_unit_a_mangled_whitepaper_policy() {
    let text = include_str!("fixtures/fuzz/lower-mangled-n09.gov");
    let said = said(text);
    assert_eq!(
        said[..3],
        expected(&[
            (
                "W0102",
                "unknown service `Cre`",
                Some("sagemaker:StopHyperParameterTuningJob")
            ),
            (
                "W0103",
                "unknown action `sagemaker:CreateAutoMLJobV0`",
                Some("sagemaker:CreateAutoMLJobV2")
            ),
            ("W0103", "unknown action `sagemaker:ingJob`", None),
        ])[..]
    );
    assert!(
        said[3..].iter().all(|(code, _, _)| code == "E0001"),
        "{said:?}"
    );
}

/// The suggestions the search makes for names close to real ones, across
/// every kind of mistake the bound must not rule out: a wrong prefix, a
/// letter dropped, added, swapped or in another case.
#[test]
fn suggestions_for_misspelt_actions() {
    let cases = [
        ("sagemakr:CreateApp", Some("sagemaker:CreateApp")),
        ("sagemaker:CreatApp", Some("sagemaker:CreateApp")),
        ("sagemaker:CreateAppp", Some("sagemaker:CreateApp")),
        ("sagemaker:CraeteApp", Some("sagemaker:CreateApp")),
        ("sagemaker:createapp", Some("sagemaker:CreateApp")),
        ("s4:GetObject", Some("s3:GetObject")),
        // The same name under the prefix closest to the unknown one.
        ("nosuchservice:GetObject", Some("mediastore:GetObject")),
        // The closest name of every service: the search the bound speeds up.
        (
            "nosuchservice:CreatePresignedDomainUrll",
            Some("sagemaker:CreatePresignedDomainUrl"),
        ),
        ("nosuchservice:Zzzzzzzzzzzzzzzzzzzzzz", None),
    ];
    for (name, suggestion) in cases {
        assert_eq!(
            catalog().suggest_action(name).as_deref(),
            suggestion,
            "{name}"
        );
    }
}

/// What `gov lint` says of a document: code, message and suggestion of each
/// diagnostic, in order.
fn linted(text: &str) -> Vec<(String, String, Option<String>)> {
    gov::jsonlint::lint(0, text, None, catalog())
        .iter()
        .map(|d| {
            (
                d.code.id.to_string(),
                d.message.clone(),
                d.suggestion.clone(),
            )
        })
        .collect()
}

/// The `json` target's slow units: bundled documents with an action or a
/// service prefix mangled, which the linter looks up the same way.
#[test]
fn json_slow_units_mangled_actions() {
    let cases: [(&str, &[Said<'_>]); 12] = [
        (
            include_str!("fixtures/fuzz/json-malformed-action.json"),
            &[(
                "E0102",
                "malformed action `saIfExistsCreateHyperParameterTuningJob`",
                Some("sagemaker:CreateHyperParameterTuningJob"),
            )],
        ),
        (
            include_str!("fixtures/fuzz/json-unknown-service.json"),
            &[(
                "W0102",
                "unknown service `sag%maker`",
                Some("sagemaker:CreateAppBinaryEquals"),
            )],
        ),
        (
            include_str!("fixtures/fuzz/json-bad-version-and-effect.json"),
            &[
                (
                    "E0606",
                    "unsupported version `2sagemaker:InstanceTypes0121--107`",
                    Some("2012-10-17"),
                ),
                ("E0606", "invalid effect `Dnye`", None),
                (
                    "E0102",
                    "malformed action `sagemaker:CreateImageaws:username`",
                    None,
                ),
                (
                    "W0102",
                    "unknown service `sag1e400r`",
                    Some("sagemaker:UpdateImage"),
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-unknown-action.json"),
            &[(
                "W0103",
                "unknown action `sagemaker:UpdateMonitoDateLessThan`",
                None,
            )],
        ),
        (
            include_str!("fixtures/fuzz/json-unknown-action-single-valued-key.json"),
            &[
                (
                    "W0103",
                    "unknown action `sagemaker:CreateArnNotEqualsainUrl`",
                    None,
                ),
                (
                    "E0208",
                    "condition key `aws:SourceVpce` is single-valued (String): remove `ForAnyValue:`",
                    Some("StringEquals"),
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-unknown-action-and-key.json"),
            &[
                (
                    "E0102",
                    "malformed action `sagemaker:CreateMoagemaker:CreateDataQualityJobDefinition`",
                    None,
                ),
                (
                    "W0103",
                    "unknown action `sagemaker:CreateModelBeateProcessingJob`",
                    None,
                ),
                (
                    "E0103",
                    "unknown condition key `sagemakerrrrrrrrrrrrrrrrrrrrr:NetworkIsolation`",
                    None,
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-long-unknown-service.json"),
            &[
                (
                    "E0308",
                    "invalid statement id `D2008-10-17enyUnapprovedInstanceTypes`",
                    Some("D20081017enyUnapprovedInstanceTypes"),
                ),
                (
                    "E0102",
                    "malformed action `sagemaker:CreateHyperParameterTuninsagemaker:CreateNotebookInsbookInstance`",
                    None,
                ),
                (
                    "W0102",
                    "unknown service `sagemaaws`",
                    Some("sagemaker:usernameocessingJob"),
                ),
                (
                    "W0102",
                    "unknown service `sagemrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrbrrrrrrrrrrrrrrrrrrrrrrrrrrrraker`",
                    Some("sagemaker:CreateTrainingJob"),
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-unknown-version-and-key.json"),
            &[
                (
                    "W0103",
                    "unknown action `sagemaker:CreateAutoMLJobV1`",
                    Some("sagemaker:CreateAutoMLJobV2"),
                ),
                (
                    "E0102",
                    "malformed action `saIfExistsCreateHyperParameterTuningJob`",
                    Some("sagemaker:CreateHyperParameterTuningJob"),
                ),
                (
                    "E0102",
                    "malformed action `sagemakConditionProcessingJob`",
                    None,
                ),
                (
                    "E0103",
                    "unknown condition key `sagemaker;InterContainerTrafficEncryption`",
                    Some("sagemaker:InterContainerTrafficEncryption"),
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-malformed-actions-and-operator.json"),
            &[
                (
                    "E0606",
                    "unsupported version `2011-10-17`",
                    Some("2012-10-17"),
                ),
                ("E0102", "malformed action `sageJob`", None),
                (
                    "E0102",
                    "malformed action `sagemaker:Crmaker:CreateDomain`",
                    None,
                ),
                ("E0607", "unknown condition operator `Nu`l`", Some("Null")),
                (
                    "E0103",
                    "unknown condition key `sa1e400er:VolumeKmsKeyArn`",
                    Some("sagemaker:VolumeKmsKeyArn"),
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-malformed-arn.json"),
            &[
                (
                    "E0102",
                    "malformed action `sagemaker:Crmakee:eCrtarSpace`",
                    None,
                ),
                (
                    "E0102",
                    "malformed action `sagemaker:CreateUsemakee:eCrtarSpace`",
                    None,
                ),
                (
                    "E0202",
                    "malformed ARN `arn:aws:sagemaker:*:10.522223333:studio-lifecycle-config/auto-shutdown*`",
                    None,
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-no-effect.json"),
            &[
                (
                    "E0606",
                    "unsupported version `2011-10-17`",
                    Some("2012-10-17"),
                ),
                ("E0606", "statement has no `Effect`", None),
                (
                    "E0606",
                    "unknown element `AcAWSnEffect` in a statement",
                    None,
                ),
                ("E0102", "malformed action `sageJob`", None),
                (
                    "E0102",
                    "malformed action `sagemaker:CrRmaker:CreateDomain`",
                    None,
                ),
                ("E0607", "unknown condition operator `Nu`l`", Some("Null")),
                (
                    "E0103",
                    "unknown condition key `sa1e400er:VolumeeyKsKAmrn`",
                    None,
                ),
            ],
        ),
        (
            include_str!("fixtures/fuzz/json-unknown-element.json"),
            &[
                (
                    "E0606",
                    "unknown element `VersStringNotEqualsion` in a policy document",
                    None,
                ),
                (
                    "E0102",
                    "malformed action `sNotResourcepdateAppImageConfig`",
                    None,
                ),
            ],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(linted(text), expected(want));
    }
}

/// Found by the `diff_exact` target (four inputs, one cause): a resource
/// policy allowing an account principal when `aws:PrincipalArn` is a role
/// of that account. The evaluator allows a role of the account, as IAM
/// does; the diff engine took an account principal to be only the
/// account's root, for which the condition never holds, so it found
/// nothing allowed before and missed the narrowing. It now splits the
/// principals by the evaluator's reading (every principal ARN of the
/// account).
#[test]
fn diff_exact_an_account_principal_with_a_principal_arn_condition() {
    use gov::diff::{self, Side};
    use gov::eval::{Decision, Request};
    let old = compile_texts(
        &[(
            "p.gov",
            "resource_policy P {\n    allow aws \"111122223333\" to sagemaker:CreateApp on \"*\" \
             when aws:PrincipalArn like [\"arn:aws:iam::*:role/a*\"]\n}\n",
        )],
        catalog(),
    );
    let new = compile_texts(
        &[(
            "p.gov",
            "resource_policy P {\n    allow aws \"111122223333\" to s3:GetObject on [\"arn:aws:s3:::b/*\"]\n}\n",
        )],
        catalog(),
    );
    assert!(!old.has_errors() && !new.has_errors());
    let role = "arn:aws:iam::111122223333:role/ab";
    let mut request = Request::new("sagemaker:CreateApp");
    request.principal = Some(role.to_string());
    request.set_key("aws:PrincipalArn", [role]);
    let (policy, doc) = &old.documents[0];
    assert_eq!(
        gov::testing::decide(policy.kind, doc, &request).decision,
        Decision::Allow
    );
    let report = diff::diff(
        &Side::new(&old.documents),
        &Side::new(&new.documents),
        catalog(),
    );
    let narrows: Vec<_> = report
        .changes
        .iter()
        .flat_map(|c| c.narrows.iter().map(|f| f.action.clone()))
        .collect();
    assert!(
        narrows.iter().any(|a| a == "sagemaker:CreateApp"),
        "{}",
        diff::render_human(&report)
    );
}

/// A crash of `import` in the third long run: an action with a space before
/// its service (`" logs:CreateLogGroup"`, which matches no request) was
/// written bare and read back as `logs:CreateLogGroup`; import's own proof
/// refused the result (E0609). Such an action is now written as a string.
#[test]
fn import_crash_an_action_with_a_space_keeps_it() {
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[" logs:CreateLogGroup","s3:GetObject"],"Resource":"*"}]}"#;
    let text = gov::import::import(json, "Spaced", Some(gov::policy::PolicyKind::Identity))
        .unwrap_or_else(|d| panic!("{d:?}"));
    assert!(text.contains(r#"" logs:CreateLogGroup""#), "{text}");
    let c = compile_texts(&[("a.gov", text.as_str())], catalog());
    let doc = c.document("Spaced").unwrap();
    let json_out = doc.to_canonical_json(false);
    assert!(json_out.contains(r#"" logs:CreateLogGroup""#), "{json_out}");
}

/// Crashes of `json` in this release's long run (two inputs, one cause): a
/// condition listing one value twice (`["ml.m5.*", …, "ml.m5.*"]`). The
/// canonical JSON writes each value once, as IAM reads them (a set), and the
/// target compared the document read back with the original as written.
/// The property is now that it reads back as the original with its
/// conditions merged (`PolicyDocument::with_merged_conditions`), and prints
/// again as the same text.
#[test]
fn json_crash_a_condition_value_listed_twice() {
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:CreateApp","Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"sagemaker:InstanceTypes":["ml.c5.*","ml.m5.*","l.c5.*","ml.m5.*","ml.t3.*"]},"StringEquals":{"aws:username":"a"}}}]}"#;
    let doc = gov::iam::PolicyDocument::from_json(json).unwrap();
    assert_eq!(doc.statements[0].conditions[0].values.len(), 5);
    for pretty in [false, true] {
        let out = doc.to_canonical_json(pretty);
        let back = gov::iam::PolicyDocument::from_json(&out).unwrap();
        assert_eq!(back, doc.with_merged_conditions(), "{out}");
        assert_eq!(back.to_canonical_json(pretty), out);
        assert_eq!(back.statements[0].conditions[0].values.len(), 4, "{out}");
    }
}

/// A crash of `parse` in this release's long run: a syntax error at a name
/// whose 40th byte falls inside a character (`presen----…ﻷ---…t`, the
/// ligature `ﻷ` taking bytes 38 to 40). "found `…`" cut the name at 40
/// bytes, in the middle of the character, and panicked. It now cuts on a
/// character boundary.
#[test]
fn parse_crash_a_long_name_cut_inside_a_character() {
    let name = format!("presen{}\u{fef7}{}t", "-".repeat(32), "-".repeat(35));
    let text = format!(
        "scp LockDown {{\n    deny sagemaker:CreateDomain\n        unless(sagemaker:VpcSubne<s {name}\n           an   agemaker:VpaSecuris\n"
    );
    let (tree, diags) = gov::syntax::parse(0, &text);
    assert!(tree.broken);
    assert!(diags.iter().any(|d| d.is_error()), "{diags:?}");
    // the whole ligature or none of it is quoted
    for d in &diags {
        assert!(!d.message.contains('\u{fffd}'), "{}", d.message);
    }
}
