use std::path::Path;

use proptest::prelude::*;

use super::*;

fn embedded() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn fixture_text() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/service-reference");
    import_dir(&dir).unwrap()
}

#[test]
fn embedded_catalog_parses_in_full_and_round_trips() {
    // Eager parse validates every section of the vendored text.
    let parsed = Catalog::parse(EMBEDDED_TEXT.to_string()).unwrap();
    assert_eq!(parsed.serialize(), EMBEDDED_TEXT);
    // The lazily opened one serializes the same.
    assert_eq!(embedded().serialize(), EMBEDDED_TEXT);
    assert_eq!(parsed.services().count(), parsed.slots.len());
}

#[test]
fn embedded_catalog_is_consistent() {
    let c = embedded();
    let mut dangling_resources = Vec::new();
    for s in c.services() {
        for a in s.actions() {
            assert_eq!(a.service(), s.prefix());
            for r in a.resource_types() {
                if s.resource_type(&r.name).is_none() {
                    dangling_resources.push(format!("{}:{} → {}", s.prefix(), a.name(), r.name));
                }
            }
        }
    }
    // The source data has a few references to undefined resource types; keep
    // an eye on their number rather than failing on them.
    assert!(dangling_resources.len() < 50, "{dangling_resources:#?}");
}

#[test]
fn sagemaker_facts_in_module() {
    let c = embedded();
    let sm = c.service("sagemaker").unwrap();
    let create_app = sm.action("CreateApp").unwrap();
    let instance_types = c.key("sagemaker:InstanceTypes").unwrap();
    assert_eq!(instance_types.ty, KeyType::ArrayOfString);
    assert!(c.action_supports_key(create_app, &instance_types));
    let vol = c.key("sagemaker:volumekmskey").unwrap();
    assert_eq!(vol.name, "sagemaker:VolumeKmsKey");
    assert_eq!(
        vol.deprecated_by.as_deref(),
        Some("sagemaker:VolumeKmsKeyArn")
    );
}

#[test]
fn action_globs_ignore_case() {
    let sm = embedded().service("sagemaker").unwrap();
    let names =
        |glob: &str| -> Vec<&str> { sm.actions_matching(glob).iter().map(|a| a.name()).collect() };
    assert_eq!(names("createapp"), vec!["CreateApp"]);
    assert_eq!(names("Create?pp"), vec!["CreateApp"]);
    assert!(names("create*").contains(&"CreateApp"));
    assert!(names("C*e*A*p").contains(&"CreateApp"));
    assert!(!names("*Ap").contains(&"CreateApp"));
    assert!(names("Delete*").iter().all(|n| n.starts_with("Delete")));
    assert_eq!(names("*").len(), sm.actions().count());
}

#[test]
fn errors_are_lowercase_without_period() {
    let cases = [
        String::new(),
        "hello".to_string(),
        "@catalog\t2\n@end\n".to_string(),
        "@catalog\t1\n@source\ts\n@version\tv\n@date\td\ng\taws:X\tFoo\tglobal\n@end\n".to_string(),
        "@catalog\t1\n@source\ts\n@version\tv\n@date\td\ns\tx\t999\n@end\n".to_string(),
        "@catalog\t1\n@source\ts\n@version\tv\n@end\n".to_string(),
    ];
    for text in cases {
        let err = Catalog::parse(text.clone()).unwrap_err().to_string();
        assert!(!err.ends_with('.'), "{err}");
        assert!(err.starts_with(|c: char| !c.is_uppercase()), "{err}");
        let _: &dyn std::error::Error = &Catalog::parse(text).unwrap_err();
    }
    let err = Catalog::parse(
        "@catalog\t1\n@source\ts\n@version\tv\n@date\td\ng\taws:X\tFoo\tglobal\n@end\n".to_string(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 5 of the catalog: unknown key type `Foo`"
    );
}

#[test]
fn bad_section_is_reported_with_its_line() {
    let text = fixture_text();
    // Same length, so the index still matches: the error is in the section.
    let bad = text.replacen("\tNumeric\n", "\tNumerik\n", 1);
    assert_eq!(bad.len(), text.len());
    let line = bad.lines().position(|l| l.ends_with("\tNumerik")).unwrap() + 1;
    let err = Catalog::parse(bad).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("line {line} of the catalog: unknown key type `Numerik`")
    );
}

#[test]
fn lazily_parsed_bad_section_does_not_panic() {
    let text = fixture_text();
    // Keep the byte length, break the content of the demo section.
    let bad = text.replacen("a\tCreateWidget\t", "q\tCreateWidget\t", 1);
    assert_eq!(bad.len(), text.len());
    assert!(Catalog::parse(bad.clone()).is_err());
    let lazy = Catalog::open(service::Text::Shared(bad.into()), false).unwrap();
    assert!(lazy.service("demo").is_none());
    assert!(lazy.service("gadget").is_some());
    assert!(lazy.key("demo:Color").is_none());
    assert_eq!(lazy.services().count(), 1);
    assert!(lazy.suggest_action("demo:CreateWidget").is_none());

    // A well-formed section with one bad line: only that line is lost.
    let bad = text.replacen("\tWrite\twidget\t", "\tWrite\t,idget\t", 1);
    assert_ne!(bad, text);
    assert_eq!(bad.len(), text.len());
    let err = Catalog::parse(bad.clone()).unwrap_err();
    assert!(err.to_string().contains("empty item"), "{err}");
    let lazy = Catalog::open(service::Text::Shared(bad.into()), false).unwrap();
    let demo = lazy.service("demo").unwrap();
    assert!(demo.action("CreateWidget").is_none());
    assert!(demo.action("DescribeWidget").is_some());
    assert_eq!(demo.actions().count(), 4);
}

#[test]
fn truncated_catalogs_never_panic() {
    let text = fixture_text();
    let mut ok = 0;
    for end in 0..=text.len() {
        if !text.is_char_boundary(end) {
            continue;
        }
        if Catalog::parse(text[..end].to_string()).is_ok() {
            ok += 1;
        }
    }
    // Only the whole text parses: the index counts every byte.
    assert_eq!(ok, 1);
    // And a few cuts of the real one.
    for end in (0..EMBEDDED_TEXT.len()).step_by(EMBEDDED_TEXT.len() / 97) {
        if EMBEDDED_TEXT.is_char_boundary(end) {
            assert!(Catalog::parse(EMBEDDED_TEXT[..end].to_string()).is_err());
        }
    }
}

#[test]
fn garbage_never_panics() {
    let text = fixture_text();
    // Every single-byte substitution with a few troublesome characters.
    for (i, _) in text.char_indices().step_by(3) {
        for c in ["\t", "\n", "%", ",", "*", "x", "é"] {
            let mut s = text.clone();
            let len = s[i..].chars().next().map_or(0, char::len_utf8);
            s.replace_range(i..i + len, c);
            let _ = Catalog::parse(s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn line_check_agrees_with_line_parsers(
        line in "(k|r|a|q)(\t[a-zA-Z:%0-9,*]{0,6}){0,5}",
    ) {
        let parsed = match line.split('\t').next() {
            Some("k") => format::parse_key_line(&line).map(|_| ()),
            Some("r") => format::parse_resource_line(&line).map(|_| ()),
            Some("a") => format::parse_action_line(&line, "p").map(|_| ()),
            _ => Err(String::new()),
        };
        prop_assert_eq!(format::check_line(&line).is_ok(), parsed.is_ok(), "{}", line);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC*") {
        let _ = Catalog::parse(s);
    }

    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(
        "(@catalog\t1|@source\tx|@version\tx|@date\tx|@end|@service\tdemo|g\t[a-z:%]{0,6}\t(String|Foo)\t(global|scoped|x)|s\tdemo\t[0-9]{1,3}|k\t[a-z:]{0,5}\tString|r\tx\t[a-z,%]{0,4}\t|a\tX\tWrite\t[a-z*,]{0,4}\t[a-z,]{0,4})",
        0..12,
    )) {
        let text = lines.join("\n") + "\n";
        if let Ok(c) = Catalog::parse(text) {
            let _ = c.serialize();
            let _ = c.key("demo:x");
            let _ = c.suggest_action("demo:X");
        }
    }
}

#[test]
fn load_reports_missing_files() {
    let err = Catalog::load(Path::new("/nonexistent/catalog.txt")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot read the catalog `/nonexistent/catalog.txt`")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.txt");
    std::fs::write(&path, fixture_text()).unwrap();
    let c = Catalog::load(&path).unwrap();
    assert!(c.service("demo").is_some());
}

#[test]
fn escaped_names_round_trip() {
    let info = CatalogInfo {
        source: "test, with comma".to_string(),
        version: "1%".to_string(),
        date: "today".to_string(),
    };
    let service = service::ServiceData {
        prefix: "odd".to_string(),
        keys: vec![KeyDef {
            name: "odd:Key,With,Commas".to_string(),
            ty: KeyType::ArrayOfBinary,
            deprecated_by: Some("odd:Other".to_string()),
            global: false,
        }],
        resources: vec![ResourceType::new(
            "thing with spaces*".to_string(),
            vec!["arn:a,b".to_string(), "arn:c".to_string()],
            vec!["odd:Key,With,Commas".to_string()],
        )],
        actions: vec![Action::new(
            "odd".to_string(),
            "Do".to_string(),
            "Tagging, Write".to_string(),
            vec![ActionResource {
                name: "thing with spaces*".to_string(),
                required: true,
            }],
            vec![],
        )],
    };
    let text = format::write(&info, &[], &[], &[service]);
    let c = Catalog::parse(text.clone()).unwrap();
    assert_eq!(c.serialize(), text);
    assert_eq!(c.info(), &info);
    let odd = c.service("odd").unwrap();
    let a = odd.action("do").unwrap();
    assert_eq!(a.access_level(), "Tagging, Write");
    assert_eq!(a.resource_types()[0].name, "thing with spaces*");
    assert!(a.resource_types()[0].required);
    let rt = odd.resource_type("thing with spaces*").unwrap();
    assert_eq!(rt.arn_formats(), ["arn:a,b", "arn:c"]);
    let k = c.key("odd:key,with,commas").unwrap();
    assert_eq!(k.ty, KeyType::ArrayOfBinary);
    assert_eq!(k.deprecated_by.as_deref(), Some("odd:Other"));
    assert!(c.action_supports_key(a, &k));
}

/// The global keys of the embedded catalog agree with the overlay
/// `catalog/global-keys.tsv`: each overlay key is an `o` line as the file
/// gives it, and one the source part also lists says why it replaces it.
#[test]
fn embedded_global_keys_agree_with_the_overlay() {
    let (source, overlay_part) = embedded().global_parts();
    let overlay = import::overlay().unwrap();
    assert_eq!(
        import::check_overlay(&overlay, source).unwrap(),
        overlay_part,
        "catalog/catalog.txt is stale against catalog/global-keys.tsv: import again"
    );
    // The keys in force: the source's unless overlaid.
    let in_force: Vec<KeyRef> = embedded().global_keys().collect();
    for o in &overlay {
        let k = in_force.iter().find(|k| k.name == o.def.name).unwrap();
        assert_eq!((k.ty, k.global), (o.def.ty, o.def.global), "{}", o.def.name);
    }
    assert!(in_force.len() >= source.len());
    assert!(in_force.iter().any(|k| k.name == "aws:IsMcpServiceAction"));
}

#[test]
fn tag_keys_may_hold_colons_and_the_source_spelling_is_a_template() {
    let c = embedded();
    let owning = c
        .key("secretsmanager:ResourceTag/aws:secretsmanager:owningService")
        .unwrap();
    assert_eq!(owning.pattern, "secretsmanager:ResourceTag/${TagKey}");
    let get = c
        .service("secretsmanager")
        .unwrap()
        .action("GetSecretValue")
        .unwrap();
    assert!(c.action_supports_key(get, &owning));
    assert!(c.key("aws:PrincipalTag/a:b").is_some());
}

#[test]
fn web_identity_provider_keys_are_their_own_kind() {
    let c = embedded();
    let sub = c.key("token.actions.githubusercontent.com:sub").unwrap();
    assert_eq!(sub.pattern, WEB_IDENTITY_KEY);
    assert_eq!(sub.ty, KeyType::String);
    assert!(!sub.global);
    let eks = c
        .key("oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud")
        .unwrap();
    assert_eq!(eks.name, "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud");
    let sts = c.service("sts").unwrap();
    let web = sts.action("AssumeRoleWithWebIdentity").unwrap();
    let plain = sts.action("GetCallerIdentity").unwrap();
    assert!(c.action_supports_key(web, &sub));
    assert!(!c.action_supports_key(plain, &sub));
    // Listed provider keys keep their own entry; unknown claims and
    // prefixes that are not host names stay unknown.
    assert_ne!(
        c.key("accounts.google.com:sub").unwrap().pattern,
        WEB_IDENTITY_KEY
    );
    assert!(c.key("token.actions.githubusercontent.com:sbu").is_none());
    assert!(c.key("s3:sub").is_none());
}
