//! The embedded catalog answers the lookups the checker makes: a service and
//! its actions, service and global keys and which actions carry them, a
//! suggestion across all services, and the text it serialises to parses back.
//! How long these take is measured by `cargo bench --bench catalog`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gov::catalog::Catalog;

#[test]
fn actions_and_keys_are_found() {
    let catalog = Catalog::embedded().unwrap();
    let action = catalog
        .service("sagemaker")
        .unwrap()
        .action("CreateApp")
        .unwrap();
    let key = catalog.key("sagemaker:InstanceTypes").unwrap();
    let global = catalog.key("aws:SourceIp").unwrap();
    assert!(catalog.action_supports_key(action, &key));
    assert!(catalog.action_supports_key(action, &global));
    let pass_role = catalog.service("iam").unwrap().action("PassRole").unwrap();
    assert_eq!(pass_role.name(), "PassRole");
}

#[test]
fn a_wrong_prefix_is_corrected_from_every_service() {
    let catalog = Catalog::embedded().unwrap();
    assert_eq!(
        catalog
            .suggest_action("s3:CreatePresignedDomainUrl")
            .as_deref(),
        Some("sagemaker:CreatePresignedDomainUrl")
    );
}

#[test]
fn the_serialised_catalog_parses_back() {
    let catalog = Catalog::embedded().unwrap();
    let full = Catalog::parse(catalog.serialize()).unwrap();
    assert_eq!(
        full.service_prefixes().count(),
        catalog.service_prefixes().count()
    );
    assert!(
        full.service("sagemaker")
            .unwrap()
            .action("CreateApp")
            .is_some()
    );
}
