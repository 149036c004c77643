#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov::diff`: what a change of the policies does to access.

use gov::catalog::Catalog;
use gov::diff::{self, ChangeKind, DiffReport, PolicyChange, Side};
use gov::eval::Decision;
use gov::iam::PolicyDocument;
use gov::ir::{Policy, PolicyKind};
use std::path::PathBuf;

fn compile(src: &str) -> Vec<(std::sync::Arc<Policy>, PolicyDocument)> {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let compilation = gov::compile_texts(&[("t.gov", src)], catalog);
    let errors: Vec<_> = compilation.errors().cloned().collect();
    assert!(
        errors.is_empty(),
        "{}",
        gov::diag::render_human(&compilation.loaded.sources, &errors, false)
    );
    assert_eq!(
        compilation.documents.len(),
        compilation.program.policies.len()
    );
    compilation.documents
}

fn run(old: &str, new: &str) -> DiffReport {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let old = compile(old);
    let new = compile(new);
    diff::diff(&Side::new(&old), &Side::new(&new), catalog)
}

fn only(report: &DiffReport) -> &PolicyChange {
    assert_eq!(report.changes.len(), 1, "{}", diff::render_human(report));
    &report.changes[0]
}

fn value_of<'a>(w: &'a diff::Witness, key: &str) -> Option<&'a [String]> {
    w.context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_slice())
}

const INSTANCE_TYPES_OLD: &str = r#"
use sagemaker
scp LimitInstanceTypes {
    @sid("OnlyApprovedInstanceTypes")
    deny CreateApp unless InstanceTypes all in ["ml.c5.large", "ml.m5.large", "ml.t3.medium", "system"]
}
"#;

const INSTANCE_TYPES_NEW: &str = r#"
use sagemaker
scp LimitInstanceTypes {
    @sid("OnlyApprovedInstanceTypes")
    deny CreateApp unless InstanceTypes all in ["ml.c5.large", "ml.m5.large", "ml.t3.medium", "system", "ml.g5.xlarge"]
}
"#;

#[test]
fn identical_sides_change_nothing() {
    let report = run(INSTANCE_TYPES_OLD, INSTANCE_TYPES_OLD);
    assert!(report.changes.is_empty());
    assert!(!diff::has_widening(&report));
    assert!(!diff::has_narrowing(&report));
    assert_eq!(diff::render_human(&report), "No policy changed.\n");
}

#[test]
fn approving_an_instance_type_widens_create_app() {
    let report = run(INSTANCE_TYPES_OLD, INSTANCE_TYPES_NEW);
    let change = only(&report);
    assert_eq!(change.change, ChangeKind::Modified);
    assert_eq!(change.kind_of_policy, PolicyKind::Scp);
    assert!(change.exhaustive);
    assert!(change.narrows.is_empty(), "{}", diff::render_human(&report));
    assert_eq!(change.widens.len(), 1);
    let f = &change.widens[0];
    assert_eq!(f.action, "sagemaker:CreateApp");
    let w = &f.witness;
    assert_eq!(w.action, "sagemaker:CreateApp");
    assert_eq!(
        value_of(w, "sagemaker:InstanceTypes"),
        Some(&["ml.g5.xlarge".to_string()][..])
    );
    assert_eq!(w.context.len(), 1);
    assert_eq!(w.old_decision, Decision::ExplicitDeny);
    assert_eq!(w.new_decision, Decision::Allow);
    assert_eq!(
        w.old_statement.as_deref(),
        Some("OnlyApprovedInstanceTypes")
    );
    assert_eq!(w.new_statement, None);
    assert!(diff::has_widening(&report));
    assert!(!diff::has_narrowing(&report));
    assert!(
        change
            .text_diff
            .lines()
            .any(|l| l.starts_with('+') && l.contains("\"ml.g5.xlarge\"")),
        "{}",
        change.text_diff
    );
}

const LOCK_DOWN_OLD: &str = r#"
scp LockDownStudioDomain {
    deny sagemaker:CreateDomain
        unless sagemaker:AppNetworkAccessType == "VpcOnly"
           and sagemaker:VpcSubnets present
           and sagemaker:VpcSecurityGroupIds present
}
"#;

const LOCK_DOWN_NEW: &str = r#"
scp LockDownStudioDomain {
    deny sagemaker:CreateDomain
        unless sagemaker:AppNetworkAccessType == "VpcOnly"
           and sagemaker:VpcSecurityGroupIds present
}
"#;

#[test]
fn dropping_a_presence_test_widens_with_the_key_absent() {
    let report = run(LOCK_DOWN_OLD, LOCK_DOWN_NEW);
    let change = only(&report);
    assert!(change.narrows.is_empty());
    assert_eq!(change.widens.len(), 1);
    let f = &change.widens[0];
    assert_eq!(f.action, "sagemaker:CreateDomain");
    let w = &f.witness;
    assert_eq!(value_of(w, "sagemaker:VpcSubnets"), None);
    assert_eq!(
        value_of(w, "sagemaker:AppNetworkAccessType"),
        Some(&["VpcOnly".to_string()][..])
    );
    assert!(value_of(w, "sagemaker:VpcSecurityGroupIds").is_some());
    assert_eq!(w.old_decision, Decision::ExplicitDeny);
    assert_eq!(w.new_decision, Decision::Allow);
}

#[test]
fn narrower_allow_conditions_narrow() {
    let old = r#"
policy StudioUsers {
    allow [sagemaker:CreatePresignedDomainUrl, sagemaker:DescribeUserProfile]
}
"#;
    let new = r#"
policy StudioUsers {
    allow [sagemaker:CreatePresignedDomainUrl, sagemaker:DescribeUserProfile]
        when aws:SourceIp in ["192.0.2.0/24"] and aws:MultiFactorAuthPresent == true
}
"#;
    let report = run(old, new);
    let change = only(&report);
    assert!(change.widens.is_empty(), "{}", diff::render_human(&report));
    let actions: Vec<&str> = change.narrows.iter().map(|f| f.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "sagemaker:CreatePresignedDomainUrl",
            "sagemaker:DescribeUserProfile"
        ]
    );
    let w = &change.narrows[0].witness;
    // the smallest witness: no key at all
    assert!(w.context.is_empty(), "{w:?}");
    assert_eq!(w.old_decision, Decision::Allow);
    assert_eq!(w.new_decision, Decision::ImplicitDeny);
    assert_eq!(w.old_statement.as_deref(), Some("#1"));
    assert!(!diff::has_widening(&report));
    assert!(diff::has_narrowing(&report));
}

#[test]
fn a_rename_is_reported_as_such() {
    let new = INSTANCE_TYPES_OLD.replace("LimitInstanceTypes", "ApprovedInstanceTypesOnly");
    let report = run(INSTANCE_TYPES_OLD, &new);
    let change = only(&report);
    assert_eq!(change.name, "ApprovedInstanceTypesOnly");
    assert_eq!(
        change.change,
        ChangeKind::Renamed {
            from: "LimitInstanceTypes".to_string()
        }
    );
    assert!(change.widens.is_empty() && change.narrows.is_empty());
    assert!(change.text_diff.is_empty());
    assert!(diff::render_human(&report).contains("renamed from LimitInstanceTypes"));
}

#[test]
fn a_smaller_address_range_narrows_with_an_address_of_the_upper_half() {
    let old = r#"
policy CorporateNetwork {
    allow sagemaker:CreatePresignedDomainUrl when aws:SourceIp in ["192.0.2.0/24"]
}
"#;
    let new = old.replace("192.0.2.0/24", "192.0.2.0/25");
    let report = run(old, &new);
    let change = only(&report);
    assert!(change.widens.is_empty());
    assert_eq!(change.narrows.len(), 1);
    let w = &change.narrows[0].witness;
    let ip = value_of(w, "aws:SourceIp").expect("an address")[0].clone();
    let addr: std::net::Ipv4Addr = ip.parse().unwrap();
    let last = addr.octets()[3];
    assert!(ip.starts_with("192.0.2.") && last >= 128, "{ip}");
    assert_eq!(w.old_decision, Decision::Allow);
    assert_eq!(w.new_decision, Decision::ImplicitDeny);
}

#[test]
fn added_and_removed_policies_compare_with_no_policy() {
    let scp = r#"
scp NoPublicDomains {
    deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType != "VpcOnly"
}
"#;
    let identity = r#"
policy Readers {
    allow sagemaker:DescribeDomain
}
"#;
    // an added SCP only denies; a removed identity policy only takes away
    let report = run(identity, scp);
    assert_eq!(report.changes.len(), 2);
    let added = &report.changes[0];
    assert_eq!(added.name, "NoPublicDomains");
    assert_eq!(added.change, ChangeKind::Added);
    assert!(added.widens.is_empty());
    assert_eq!(added.narrows.len(), 1);
    let w = &added.narrows[0].witness;
    assert_eq!(w.old_decision, Decision::Allow);
    assert_eq!(w.new_decision, Decision::ExplicitDeny);
    assert!(
        added
            .text_diff
            .starts_with("--- /dev/null\n+++ b/NoPublicDomains.json\n")
    );
    let removed = &report.changes[1];
    assert_eq!(removed.name, "Readers");
    assert_eq!(removed.change, ChangeKind::Removed);
    assert_eq!(removed.kind_of_policy, PolicyKind::Identity);
    assert!(removed.widens.is_empty());
    assert_eq!(removed.narrows[0].action, "sagemaker:DescribeDomain");
    // and the other way round
    let report = run(scp, identity);
    assert_eq!(report.changes[0].widens.len(), 1);
    assert_eq!(report.changes[1].widens.len(), 1);
    assert!(!diff::has_narrowing(&report));
}

#[test]
fn policy_variables_are_tried_equal_and_different() {
    let old = r#"
policy OwnResources {
    allow sagemaker:DescribeUserProfile
        when sagemaker:ResourceTag/owner == ${aws:username}
}
"#;
    let new = old.replace("${aws:username}", "${aws:userid}");
    let report = run(old, &new);
    let change = only(&report);
    let w = &change.widens[0].witness;
    let owner = value_of(w, "sagemaker:ResourceTag/owner").unwrap();
    assert_eq!(value_of(w, "aws:userid"), Some(owner));
    assert_ne!(value_of(w, "aws:username"), Some(owner));
    let w = &change.narrows[0].witness;
    let owner = value_of(w, "sagemaker:ResourceTag/owner").unwrap();
    assert_eq!(value_of(w, "aws:username"), Some(owner));
    assert_ne!(value_of(w, "aws:userid"), Some(owner));
}

#[test]
fn numbers_are_tried_between_the_constants() {
    let old = r#"
scp FreshMfa {
    deny sagemaker:CreateDomain when aws:MultiFactorAuthAge > 3600
}
"#;
    let new = old.replace("3600", "7200");
    let report = run(old, &new);
    let change = only(&report);
    assert!(change.narrows.is_empty());
    let w = &change.widens[0].witness;
    let age: f64 = value_of(w, "aws:MultiFactorAuthAge").unwrap()[0]
        .parse()
        .unwrap();
    assert!(age > 3600.0 && age <= 7200.0, "{age}");
}

#[test]
fn dates_are_tried_around_the_constants() {
    let old = r#"
policy Temporary {
    allow sagemaker:DescribeDomain when aws:CurrentTime < "2026-06-01T00:00:00Z"
}
"#;
    let new = old.replace("2026-06-01", "2026-03-01");
    let report = run(old, &new);
    let change = only(&report);
    assert!(change.widens.is_empty());
    let w = &change.narrows[0].witness;
    let t = &value_of(w, "aws:CurrentTime").unwrap()[0];
    assert!(
        t.as_str() >= "2026-03-01T00:00:00Z" && t.as_str() < "2026-06-01T00:00:00Z",
        "{t}"
    );
}

#[test]
fn resources_are_tried_inside_each_pattern() {
    let old = r#"
policy Buckets {
    allow s3:GetObject on "arn:aws:s3:::data/*"
}
"#;
    let new = old.replace("data/*", "data/public/*");
    let report = run(old, &new);
    let change = only(&report);
    assert!(change.widens.is_empty());
    let w = &change.narrows[0].witness;
    // an object of the bucket, as AWS would name it; the resource decides,
    // so it is shown
    assert_eq!(w.resource.as_deref(), Some("arn:aws:s3:::data/example"));
    assert!(w.resource_decides && w.realistic);
    assert!(
        diff::render_human(&report).contains("s3:GetObject on \"arn:aws:s3:::data/example\" { }")
    );
}

#[test]
fn key_policy_principals_are_compared() {
    let old = r#"
key_policy LogsKey {
    allow service "logs.us-east-1.amazonaws.com" to kms:DescribeKey on "*"
}
"#;
    let new = old.replace("logs.us-east-1", "events.us-east-1");
    let report = run(old, &new);
    let change = only(&report);
    assert_eq!(change.kind_of_policy, PolicyKind::KeyPolicy);
    let narrowed = &change.narrows[0].witness;
    assert_eq!(
        value_of(narrowed, "aws:PrincipalServiceName"),
        Some(&["logs.us-east-1.amazonaws.com".to_string()][..])
    );
    let widened = &change.widens[0].witness;
    assert_eq!(
        value_of(widened, "aws:PrincipalServiceName"),
        Some(&["events.us-east-1.amazonaws.com".to_string()][..])
    );
}

#[test]
fn wildcards_and_except_expand_against_the_catalog() {
    let old = r#"
scp OnlyStorage {
    deny * except ["s3:*"]
}
"#;
    let new = r#"
scp OnlyStorage {
    deny * except ["s3:*", "sagemaker:Describe*"]
}
"#;
    let report = run(old, new);
    let change = only(&report);
    assert!(change.narrows.is_empty());
    assert!(change.widens.len() > 10, "{}", change.widens.len());
    assert!(
        change
            .widens
            .iter()
            .all(|f| f.action.starts_with("sagemaker:Describe"))
    );
    assert!(
        change
            .widens
            .iter()
            .any(|f| f.action == "sagemaker:DescribeDomain")
    );
    assert!(change.widens.iter().all(|f| f.witness.action == f.action));
    let human = diff::render_human(&report);
    if change.widens.len() > diff::MAX_LISTED {
        let more = change.widens.len() - diff::MAX_LISTED;
        assert!(
            human.contains(&format!("… and {more} more action")),
            "{human}"
        );
    }
}

#[test]
fn a_change_of_kind_is_noted() {
    let old = r#"
scp Domains {
    deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType != "VpcOnly"
}
"#;
    let new = old.replace("scp Domains", "rcp Domains");
    let report = run(old, &new);
    let change = only(&report);
    assert_eq!(change.kind_of_policy, PolicyKind::Rcp);
    assert_eq!(change.notes, ["the kind changed from `scp` to `rcp`"]);
    // an RCP beside RCPFullAWSAccess denies what the SCP denied
    assert!(change.widens.is_empty() && change.narrows.is_empty());
}

#[test]
fn keys_an_action_cannot_carry_stay_absent() {
    // among the `Create*` actions only some carry `sagemaker:InstanceTypes`:
    // for the others the changed list cannot matter
    let old = r#"
use sagemaker
scp Types {
    deny "sagemaker:Create*" when InstanceTypes any not in ["ml.t3.medium"]
}
"#;
    let new = old.replace("[\"ml.t3.medium\"]", "[\"ml.t3.medium\", \"ml.m5.large\"]");
    let catalog = Catalog::embedded().unwrap();
    let report = run(old, &new);
    let change = only(&report);
    let widened: Vec<String> = change.widens.iter().map(|f| f.action.clone()).collect();
    let service = catalog.service("sagemaker").unwrap();
    let key = catalog.key("sagemaker:InstanceTypes").unwrap();
    let expected: Vec<String> = service
        .actions_matching("Create*")
        .into_iter()
        .filter(|a| catalog.action_supports_key(a, &key))
        .map(|a| a.full_name())
        .collect();
    assert!(expected.contains(&"sagemaker:CreateApp".to_string()));
    assert!(expected.len() < service.actions_matching("Create*").len());
    assert_eq!(widened, expected);
}

#[test]
fn six_keys_of_eight_values_each_are_compared_exhaustively() {
    let old = r#"
scp Many {
    deny sagemaker:CreateDomain
        when aws:PrincipalTag/a in ["1", "2", "3", "4", "5", "6", "7", "8"]
         and aws:PrincipalTag/b in ["1", "2", "3", "4", "5", "6", "7", "8"]
         and aws:PrincipalTag/c in ["1", "2", "3", "4", "5", "6", "7", "8"]
         and aws:PrincipalTag/d in ["1", "2", "3", "4", "5", "6", "7", "8"]
         and aws:PrincipalTag/e in ["1", "2", "3", "4", "5", "6", "7", "8"]
         and aws:PrincipalTag/f in ["1", "2", "3", "4", "5", "6", "7", "8"]
}
"#;
    let new = old.replace(
        "and aws:PrincipalTag/f in [\"1\",",
        "and aws:PrincipalTag/f in [",
    );
    // 9^6 combinations of values once made the diff sample and say so; the
    // statements that changed decide alone now
    let report = run(old, &new);
    let change = only(&report);
    assert!(change.exhaustive, "{:?}", change.notes);
    assert!(change.notes.is_empty(), "{:?}", change.notes);
    assert!(change.narrows.is_empty());
    assert_eq!(change.widens.len(), 1);
    let w = &change.widens[0].witness;
    assert_eq!(
        value_of(w, "aws:PrincipalTag/f"),
        Some(&["1".to_string()][..])
    );
    for key in ["a", "b", "c", "d", "e"] {
        assert!(value_of(w, &format!("aws:PrincipalTag/{key}")).is_some());
    }
}

#[test]
fn json_rendering_carries_everything() {
    let report = run(INSTANCE_TYPES_OLD, INSTANCE_TYPES_NEW);
    let json: serde_json::Value = serde_json::from_str(&diff::render_json(&report)).unwrap();
    assert_eq!(json["widens"], true);
    assert_eq!(json["narrows"], false);
    assert_eq!(json["exhaustive"], true);
    let change = &json["changes"][0];
    assert_eq!(change["name"], "LimitInstanceTypes");
    assert_eq!(change["kind"], "scp");
    assert_eq!(change["change"], "modified");
    let w = &change["widens"][0]["witness"];
    assert_eq!(w["action"], "sagemaker:CreateApp");
    assert_eq!(w["context"]["sagemaker:InstanceTypes"][0], "ml.g5.xlarge");
    assert_eq!(w["old_decision"], "deny (explicit)");
    assert_eq!(w["new_decision"], "allow");
    assert_eq!(w["old_statement"], "OnlyApprovedInstanceTypes");
    assert!(w["new_statement"].is_null());
}

#[test]
fn markdown_for_a_pull_request() {
    let old = format!("{INSTANCE_TYPES_OLD}{LOCK_DOWN_OLD}");
    let new = format!(
        "{INSTANCE_TYPES_NEW}{}",
        LOCK_DOWN_NEW.replace("LockDownStudioDomain", "StudioDomainsVpcOnly")
    ) + r#"
policy CorporateNetwork {
    allow sagemaker:CreatePresignedDomainUrl when aws:SourceIp in ["192.0.2.0/25"]
}
"#;
    let report = run(&old, &new);
    insta::assert_snapshot!("markdown", diff::render_markdown(&report));
    insta::assert_snapshot!("human", diff::render_human(&report));
}

#[test]
fn reading_a_revision_of_this_repository() {
    let err =
        diff::read_git_side("no-such-revision-anywhere", &[PathBuf::from("policies")]).unwrap_err();
    assert!(matches!(err, diff::DiffError::UnknownRevision { .. }));
    assert_eq!(
        err.to_string(),
        "unknown revision `no-such-revision-anywhere`: no such commit, branch or tag in this repository"
    );
    let files = diff::read_git_side("HEAD", &[PathBuf::from("policies")]).unwrap();
    assert!(!files.is_empty());
    for (path, text) in &files {
        assert!(
            path.starts_with("policies/") && path.ends_with(".gov"),
            "{path}"
        );
        assert!(!text.trim().is_empty(), "{path}");
    }
    let err = diff::read_git_side("HEAD", &[PathBuf::from("no-such-folder")]).unwrap_err();
    assert!(matches!(err, diff::DiffError::NoSources { .. }), "{err}");
}

/// One identity policy of `n` rules, each on its own bucket (`on` gives
/// the pattern of rule `i`), and one more rule `extra`.
fn many_buckets(n: usize, on: impl Fn(usize) -> String, extra: &str) -> String {
    let mut out = String::from("policy Buckets {\n");
    for i in 0..n {
        out.push_str(&format!("    allow s3:GetObject on \"{}\"\n", on(i)));
    }
    out.push_str(extra);
    out.push_str("}\n");
    out
}

#[test]
fn one_resource_among_many_is_compared_exactly() {
    // Enough rules that the statements which cannot apply together are
    // set aside through an index; a rule whose pattern overlaps the
    // changed one (`bucket-1*`) must still be weighed.
    let bucket = |i: usize| format!("arn:aws:s3:::bucket-{i}/*");
    let overlap = "    allow s3:GetObject on \"arn:aws:s3:::bucket-1*\"\n";
    let old = many_buckets(60, bucket, overlap);
    // bucket-15 is still covered by `bucket-1*`: nothing changes
    let covered = many_buckets(
        60,
        |i| {
            if i == 15 {
                "arn:aws:s3:::bucket-15/a*".to_string()
            } else {
                bucket(i)
            }
        },
        overlap,
    );
    let report = run(&old, &covered);
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.widens.is_empty() && c.narrows.is_empty()),
        "{}",
        diff::render_human(&report)
    );
    assert!(report.exhaustive());
    // bucket-7 is not: its other objects are no longer allowed
    let narrowed = many_buckets(
        60,
        |i| {
            if i == 7 {
                "arn:aws:s3:::bucket-7/a*".to_string()
            } else {
                bucket(i)
            }
        },
        overlap,
    );
    let report = run(&old, &narrowed);
    let change = only(&report);
    assert!(change.widens.is_empty(), "{}", diff::render_human(&report));
    assert_eq!(change.narrows.len(), 1, "{}", diff::render_human(&report));
    let w = &change.narrows[0].witness;
    let resource = w.resource.as_deref().unwrap_or("");
    assert!(resource.starts_with("arn:aws:s3:::bucket-7/"), "{w:?}");
    assert!(!resource.starts_with("arn:aws:s3:::bucket-7/a"), "{w:?}");
}

#[test]
fn one_value_among_many_is_compared_exactly() {
    let rules = |changed: Option<usize>| {
        let mut out = String::from("policy Teams {\n");
        for i in 0..60 {
            let team = if Some(i) == changed {
                format!("t{i}x")
            } else {
                format!("t{i}")
            };
            out.push_str(&format!(
                "    allow s3:GetObject when aws:PrincipalTag/team == \"{team}\"\n"
            ));
        }
        out.push_str("    allow s3:GetObject when aws:PrincipalTag/team like \"t1*\"\n}\n");
        out
    };
    // t15 and t15x are both allowed by `t1*`: nothing changes
    let report = run(&rules(None), &rules(Some(15)));
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.widens.is_empty() && c.narrows.is_empty()),
        "{}",
        diff::render_human(&report)
    );
    // t7 is no longer allowed, t7x now is
    let report = run(&rules(None), &rules(Some(7)));
    let change = only(&report);
    assert_eq!(change.widens.len(), 1, "{}", diff::render_human(&report));
    assert_eq!(change.narrows.len(), 1, "{}", diff::render_human(&report));
    let team = |w: &diff::Witness| value_of(w, "aws:PrincipalTag/team").map(|v| v.to_vec());
    assert_eq!(
        team(&change.widens[0].witness),
        Some(vec!["t7x".to_string()])
    );
    assert_eq!(
        team(&change.narrows[0].witness),
        Some(vec!["t7".to_string()])
    );
}

/// In an identity policy only an `Allow` lets a request through, so the
/// diff looks only at actions some `Allow` covers; a `Deny` of every action
/// but one (`NotAction`) must not hide a change on the actions the
/// `Allow`s do cover, nor report any on the others.
#[test]
fn a_deny_of_all_but_one_action_and_the_allows_beside_it() {
    let old = r#"
policy P {
    allow [s3:GetObject, s3:PutObject] on ["arn:aws:s3:::b/*"]
    deny * except [s3:GetObject] on ["arn:aws:s3:::b/secret/*"]
}
"#;
    // the Deny gone: PutObject on b/secret/ widens, nothing else changes
    let gone = r#"
policy P {
    allow [s3:GetObject, s3:PutObject] on ["arn:aws:s3:::b/*"]
}
"#;
    let report = run(old, gone);
    let change = only(&report);
    assert!(change.exhaustive);
    assert!(change.narrows.is_empty(), "{}", diff::render_human(&report));
    let actions: Vec<&str> = change.widens.iter().map(|f| f.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["s3:PutObject"],
        "{}",
        diff::render_human(&report)
    );
    let w = &change.widens[0].witness;
    assert!(
        w.resource
            .as_deref()
            .is_some_and(|r| r.starts_with("arn:aws:s3:::b/secret/")),
        "{w:?}"
    );
    // the Deny kept and widened to more actions no Allow covers: no change
    let more = r#"
policy P {
    allow [s3:GetObject, s3:PutObject] on ["arn:aws:s3:::b/*"]
    deny * except [s3:GetObject] on ["arn:aws:s3:::b/secret/*", "arn:aws:s3:::c/*"]
}
"#;
    assert!(
        run(old, more)
            .changes
            .iter()
            .all(|c| c.widens.is_empty() && c.narrows.is_empty())
    );
    // and the other way: the Deny added narrows PutObject only
    let report = run(gone, old);
    let change = only(&report);
    assert!(change.widens.is_empty(), "{}", diff::render_human(&report));
    let actions: Vec<&str> = change.narrows.iter().map(|f| f.action.as_str()).collect();
    assert_eq!(actions, vec!["s3:PutObject"]);
}
