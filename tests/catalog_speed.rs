//! Load time of the embedded catalog. Prints timings, asserts nothing about
//! them (machines differ); run in release to see real numbers:
//! `cargo test --release --test catalog_speed -- --nocapture`
//!
//! This file holds a single test so that the process-wide catalog is opened
//! for the first time here.

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use gov::catalog::Catalog;

#[test]
fn embedded_load_and_first_lookups() {
    let t0 = Instant::now();
    let catalog = Catalog::embedded().unwrap();
    let t1 = Instant::now();
    let service = catalog.service("sagemaker").unwrap();
    let action = service.action("CreateApp").unwrap();
    let t2 = Instant::now();
    let key = catalog.key("sagemaker:InstanceTypes").unwrap();
    let global = catalog.key("aws:SourceIp").unwrap();
    assert!(catalog.action_supports_key(action, &key));
    assert!(catalog.action_supports_key(action, &global));
    let t3 = Instant::now();
    // A second, small service.
    let pass_role = catalog.service("iam").unwrap().action("PassRole").unwrap();
    let t4 = Instant::now();
    println!(
        "embedded(): {:?}; + sagemaker section and CreateApp: {:?} \
         (total {:?}); 2 key lookups + 2 support checks: {:?}; iam section + PassRole: {:?}",
        t1 - t0,
        t2 - t1,
        t2 - t0,
        t3 - t2,
        t4 - t3,
    );
    assert_eq!(pass_role.name(), "PassRole");
    // A suggestion for a wrong prefix looks through every service.
    let t = Instant::now();
    let suggestion = catalog.suggest_action("s3:CreatePresignedDomainUrl");
    println!(
        "suggest_action across all services (first use): {:?}",
        t.elapsed()
    );
    assert_eq!(
        suggestion.as_deref(),
        Some("sagemaker:CreatePresignedDomainUrl")
    );
    // For scale: what `--catalog FILE` costs (a full, validating parse).
    let text = catalog.serialize();
    let t5 = Instant::now();
    let full = Catalog::parse(text).unwrap();
    let t6 = Instant::now();
    let sagemaker = full.service("sagemaker").unwrap().action("CreateApp");
    let t7 = Instant::now();
    assert!(sagemaker.is_some());
    println!(
        "Catalog::parse of the whole text (validates {} services): {:?}; then sagemaker:CreateApp: {:?}",
        full.service_prefixes().count(),
        t6 - t5,
        t7 - t6
    );
}
