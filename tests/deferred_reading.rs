#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A compilation reads each policy inside the check and drops its tree once
//! checked (the memory of a large check). That changes when a policy is
//! read, never what comes out: these compile sources both ways — policies
//! read by the check, and every policy read first — and require the same
//! diagnostics, program, documents, suppressions and organization. (Every
//! `compile_texts` of the test suite compares both in debug builds too.)

use gov::catalog::Catalog;
use std::path::Path;

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn same(texts: &[(&str, &str)]) {
    if let Err(e) = gov::compile::cross_check_reading(texts, catalog()) {
        panic!("{e}");
    }
}

/// How many policies of `texts` the loader leaves for the check to read.
fn deferred(texts: &[(&str, &str)]) -> usize {
    let loaded = gov::load::load_texts_deferring(texts);
    loaded.files.iter().map(|f| f.deferred.len()).sum()
}

#[test]
fn every_source_of_the_repository_compiles_the_same_both_ways() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total_deferred = 0;
    for dir in [
        "policies",
        "tests/fixtures",
        "fuzz/seeds",
        "src/cli/scaffold",
    ] {
        let files = gov::load::files_below(&root.join(dir), "gov").unwrap();
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|p| {
                let name = p.strip_prefix(root).unwrap().display().to_string();
                (name, std::fs::read_to_string(p).unwrap_or_default())
            })
            .collect();
        // Each file alone, then each folder as one compilation.
        for (name, text) in &texts {
            same(&[(name, text)]);
        }
        let all: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        same(&all);
        total_deferred += deferred(&all);
    }
    // Not vacuous: the whitepaper's guardrails are read by the check.
    assert!(total_deferred > 30, "{total_deferred}");
}

#[test]
fn a_policy_read_by_the_check_reports_its_syntax_errors_as_before() {
    let texts = [(
        "a.gov",
        "use sagemaker\nscp Good { deny sagemaker:CreateApp }\nscp Bad { deny sagemaker:CreateApp when }\n\
         scp Worse { deny }\n/// doc\n@control(\"C-1\")\nscp Doc { deny sagemaker:CreateDomain }\n",
    )];
    assert_eq!(deferred(&texts), 4);
    same(&texts);
    let c = gov::compile_texts(&texts, catalog());
    assert!(c.has_errors());
    assert_eq!(c.documents.len(), 2, "Good and Doc lower");
}

#[test]
fn the_limit_of_syntax_errors_drops_what_follows_as_before() {
    // More broken policies than the limit, then a constant that a policy
    // before them uses: past the limit, the constant is not read.
    let mut text = String::from("scp First { deny s3:GetObject when aws:username in Names }\n");
    for i in 0..gov::syntax::MAX_SYNTAX_ERRORS + 5 {
        text.push_str(&format!("scp Broken{i} {{ deny s3:GetObject when }}\n"));
    }
    text.push_str("const Names = [\"a\"]\n");
    let texts = [("many.gov", text.as_str())];
    assert!(deferred(&texts) > gov::syntax::MAX_SYNTAX_ERRORS);
    same(&texts);
    // Exactly at the limit, and one under it.
    for n in [
        gov::syntax::MAX_SYNTAX_ERRORS,
        gov::syntax::MAX_SYNTAX_ERRORS - 1,
    ] {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!("scp Broken{i} {{ deny s3:GetObject when }}\n"));
        }
        text.push_str(
            "const Names = [\"a\"]\nscp Last { deny s3:GetObject when aws:username in Names }\n",
        );
        same(&[("edge.gov", text.as_str())]);
    }
}

#[test]
fn a_file_with_a_broken_item_elsewhere_is_read_whole() {
    let texts = [(
        "b.gov",
        "use sagemaker\nconst X = [\nscp P { deny sagemaker:CreateApp }\n",
    )];
    same(&texts);
    let texts = [(
        "c.gov",
        "use\nscp P { deny sagemaker:CreateApp }\nscp Q { deny sagemaker:CreateApp }\n",
    )];
    assert_eq!(deferred(&texts), 0);
    same(&texts);
}

#[test]
fn names_allows_tests_and_the_organization_agree_across_files() {
    let a = "use sagemaker\n@allow(\"W0203\", reason = \"reviewed\")\npolicy Admin {\n    allow *\n}\n\
             scp Guard { deny sagemaker:CreateApp }\npolicy Other {\n    @allow(\"W0203\", reason = \"r\")\n    allow *\n    @allow(\"W0999\", reason = \"stale\")\n    deny sagemaker:CreateApp\n}\n";
    let b = "scp guard { deny s3:GetObject }\npolicy Admin { allow s3:GetObject }\n\
             test \"guard\" for Guard {\n    sagemaker:CreateApp { sagemaker:InstanceTypes = [\"ml.t3.medium\"] } => deny (explicit)\n}\n\
             test \"missing\" for Gaurd2 {\n    sagemaker:CreateApp { sagemaker:InstanceTypes = [\"ml.t3.medium\"] } => deny (explicit)\n}\n";
    let org = "org Example {\n    scp Guard\n    ou Teams {\n        scp Nope, Admin\n        account Dev \"123456789012\"\n    }\n}\n\
               test \"teams\" for Root/Teams/Dev {\n    sagemaker:CreateApp { sagemaker:InstanceTypes = [\"ml.t3.medium\"] } => deny (explicit)\n}\n";
    let texts = [("a.gov", a), ("b.gov", b), ("org.gov", org)];
    assert!(deferred(&texts) >= 5, "{}", deferred(&texts));
    same(&texts);
    // Written wrongly: the files with a broken test or org are read whole.
    let broken_b = "scp Guard2 { deny s3:GetObject }\ntest \"guard\" {\n}\n";
    let broken_org = "org Example {\n    attach Guard\n}\n";
    same(&[("a.gov", a), ("b.gov", broken_b), ("org.gov", broken_org)]);
    let empty = [
        ("empty.gov", "// nothing here\n"),
        ("other.gov", "scp S { deny s3:* }\n"),
    ];
    same(&empty);
}

#[test]
fn a_generated_corpus_compiles_the_same_both_ways() {
    // Policies of every shape the scale benchmarks use, with conditions,
    // constants, docs and annotations, in two files that import each other.
    let mut a = String::from(
        "use sagemaker\nimport \"b.gov\"\nconst Types = [\"ml.t3.medium\", \"ml.m5.large\"]\n",
    );
    let mut b = String::from("use sagemaker\nconst Users = [\"u1\", \"u2\"]\n");
    for i in 0..200 {
        let target = if i % 2 == 0 { &mut a } else { &mut b };
        target.push_str(&format!(
            "/// Policy {i}.\n@control(\"C-{i}\")\nscp P{i} {{\n    deny sagemaker:CreateApp when aws:username == \"u{i}\" and sagemaker:InstanceTypes all in [\"ml.t3.medium\", \"x{i}\"]\n    deny sagemaker:CreateDomain unless aws:username in Users\n}}\n"
        ));
    }
    let texts = [("a.gov", a.as_str()), ("b.gov", b.as_str())];
    assert_eq!(deferred(&texts), 200);
    same(&texts);
}
