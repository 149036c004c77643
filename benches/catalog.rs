//! Speed of the embedded catalog: opening it (the header only), opening
//! service sections on first use (1, 10 and 100 services, so that the time
//! per section shows growth), warm lookups (1,000, 10,000 and 100,000), a
//! suggestion across every service (one, and a hundred names of no service),
//! and the full validating parse that `--catalog FILE` costs.
//!
//! `cargo bench --bench catalog`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/timing.rs"]
mod timing;

use gov::catalog::Catalog;
use std::time::Instant;

fn main() {
    // The embedded catalog is opened once per process: this is the cold cost.
    let start = Instant::now();
    let catalog = Catalog::embedded().unwrap();
    let opened = start.elapsed();
    let start = Instant::now();
    let create_app = catalog
        .service("sagemaker")
        .unwrap()
        .action("CreateApp")
        .unwrap();
    let first_lookup = start.elapsed();
    println!(
        "embedded(): {opened:?}; then the sagemaker section and CreateApp: {first_lookup:?} (total {:?})",
        opened + first_lookup
    );

    // First use of 1, 10 and 100 further services: each opens a section.
    let prefixes: Vec<String> = catalog
        .service_prefixes()
        .filter(|p| *p != "sagemaker")
        .map(str::to_string)
        .collect();
    let mut next = 0;
    for count in [1, 10, 100] {
        let batch = &prefixes[next..next + count];
        next += count;
        let start = Instant::now();
        let mut actions = 0;
        for prefix in batch {
            let service = catalog.service(prefix).unwrap();
            actions += service.actions().count();
        }
        let elapsed = start.elapsed();
        // Services differ in size: the time per action is the comparable unit.
        println!(
            "{count:>3} services opened ({actions:>4} actions listed): {elapsed:?}, {:.1} µs/service, {:.2} µs/action",
            elapsed.as_secs_f64() * 1e6 / count as f64,
            elapsed.as_secs_f64() * 1e6 / actions.max(1) as f64
        );
    }

    // Warm lookups: an action, a service key, a global key, two support checks.
    let instance_types = catalog.key("sagemaker:InstanceTypes").unwrap();
    for count in [1_000, 10_000, 100_000] {
        let start = Instant::now();
        let mut supported = 0;
        for _ in 0..count {
            let action = catalog
                .service("sagemaker")
                .unwrap()
                .action("CreateApp")
                .unwrap();
            let global = catalog.key("aws:SourceIp").unwrap();
            supported += usize::from(catalog.action_supports_key(action, &instance_types));
            supported += usize::from(catalog.action_supports_key(action, &global));
        }
        let elapsed = start.elapsed();
        assert_eq!(supported, 2 * count);
        println!(
            "{count:>7} warm lookups: {elapsed:?}, {:.2} µs/lookup",
            elapsed.as_secs_f64() * 1e6 / count as f64
        );
    }
    assert!(catalog.action_supports_key(create_app, &instance_types));

    let start = Instant::now();
    let suggestion = catalog.suggest_action("s3:CreatePresignedDomainUrl");
    println!(
        "suggest_action across all services: {:?} ({suggestion:?})",
        start.elapsed()
    );

    // A name of no service is compared with every action of the catalog,
    // once per unknown name of a file (found slow by fuzzing).
    let names: Vec<String> = (0..100)
        .map(|i| format!("cemaker:InstanceTypesateApp{i}"))
        .collect();
    let start = Instant::now();
    let found = names
        .iter()
        .filter(|n| catalog.suggest_action(n).is_some())
        .count();
    let elapsed = start.elapsed();
    println!(
        "suggest_action for 100 names of no service: {elapsed:?}, {:.2} ms/name ({found} suggested)",
        elapsed.as_secs_f64() * 1e3 / 100.0
    );

    // What `--catalog FILE` costs: a full parse that validates every line.
    let text = catalog.serialize();
    let (parse, full) = timing::best_of(3, || Catalog::parse(text.clone()).unwrap());
    println!(
        "Catalog::parse of the whole text ({} KiB, {} services): {parse:?} (best of 3)",
        text.len() / 1024,
        full.service_prefixes().count()
    );
}
