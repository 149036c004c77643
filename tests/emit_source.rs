#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `gov::emit` on policies checked from real `.gov` text: the diagnostics
//! point into the source and render like every other stage's.

use gov::catalog::Catalog;
use gov::diag;
use gov::emit::{self, BuildError, Input, Options};
use gov::iam::{Actions, PolicyDocument, Statement};
use gov::policy::Effect;

const SOURCE: &str = "\
/// Keeps accounts in the organization.
@control(\"ORG-1\")
scp KeepInOrg {
    deny organizations:LeaveOrganization
}

policy Wide {
    allow s3:GetObject
}
";

fn padded(actions: usize) -> PolicyDocument {
    PolicyDocument {
        version: Some("2012-10-17".to_string()),
        id: None,
        statements: vec![Statement {
            sid: Some("Wide".to_string()),
            effect: Effect::Allow,
            principal: None,
            actions: Actions::Action(
                (0..actions)
                    .map(|i| format!("s3:GetObject{i:05}"))
                    .collect(),
            ),
            resources: None,
            conditions: Vec::new(),
        }],
    }
}

#[test]
fn emit_diagnostics_point_at_the_policy_and_render() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.gov");
    std::fs::write(&path, SOURCE).unwrap();
    let loaded = gov::load::load(std::slice::from_ref(&path)).unwrap();
    let checked = gov::check::check(&loaded, Catalog::embedded().unwrap());
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let policies = &checked.program.policies;
    assert_eq!(policies.len(), 2);

    let docs: Vec<_> = policies
        .iter()
        .map(|p| {
            if p.name == "Wide" {
                padded(500)
            } else {
                padded(1)
            }
        })
        .collect();
    let inputs: Vec<Input<'_>> = policies
        .iter()
        .zip(&docs)
        .map(|(p, doc)| Input {
            policy: p,
            doc,
            source_path: "org.gov".to_string(),
            line: loaded.sources.line_col(p.file, p.span.start).0,
        })
        .collect();
    let out = dir.path().join("out");
    let errors = emit::build(&inputs, &out, &Options::default()).unwrap_err();
    assert!(!out.exists());
    let diags: Vec<diag::Diagnostic> = errors
        .into_iter()
        .map(|e| match e {
            BuildError::Diagnostic(d) => d,
            other => panic!("{other:?}"),
        })
        .collect();
    let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, vec!["E0501"]);
    let snippet = loaded.sources.snippet(diags[0].file, diags[0].span);
    assert!(
        snippet.starts_with("policy Wide {"),
        "underlines {snippet:?}"
    );
    let rendered = diag::render_human(&loaded.sources, &diags, false);
    assert!(
        rendered.contains("error[E0501]: policy `Wide` is "),
        "{rendered}"
    );
    assert!(rendered.contains("of 6144 characters"), "{rendered}");
    assert!(
        rendered.contains("pass `--split` to spread its statements over several documents"),
        "{rendered}"
    );
    // Without the wide policy it builds, and the manifest points at the source.
    let kept: Vec<Input<'_>> = inputs
        .into_iter()
        .filter(|i| i.policy.name != "Wide")
        .collect();
    let manifest = emit::build(&kept, &out, &Options::default()).unwrap();
    let entry = &manifest.policies[0];
    assert_eq!(entry.name, "KeepInOrg");
    // The policy's span starts at its kind keyword, after its doc comment and annotation.
    assert_eq!(entry.source.line, 3);
    assert_eq!(entry.controls, vec!["ORG-1"]);
    assert_eq!(entry.docs, vec!["Keeps accounts in the organization."]);
}
