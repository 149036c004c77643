#![no_main]
//! The import (`gov import`): policy JSON → `.gov`. A first byte below 5
//! names the policy kind (`gov_fuzz::kind_prefix`). Never a panic, never
//! `E0609` (the import's own proof found a request the rebuilt policy
//! decides differently) nor `E0008` (its text could not be laid out); a
//! refusal carries sound diagnostics. The text it writes is in `gov fmt`'s
//! layout, compiles without an error to one document, and that document
//! decides as the original on requests made of the original's own actions,
//! resources, principals and condition values (the evaluator, apart from the
//! diff engine the import proves itself with).

use gov::eval::{Decision, Request};
use gov::iam::{Actions, PolicyDocument, Principal, PrincipalSpec, Resources};
use gov::policy::PolicyKind;
use libfuzzer_sys::fuzz_target;

fn literal(s: &str) -> bool {
    !s.contains(['*', '?'])
}

/// Requests built from what the document names: each literal action, with
/// no resource or one of its literal resources, no principal or one it
/// names, and no context or one condition key set to one of its values.
fn requests(doc: &PolicyDocument) -> Vec<Request> {
    let mut actions = Vec::new();
    let mut resources = vec![None];
    let mut principals = vec![None];
    let mut contexts: Vec<Option<(String, String)>> = vec![None];
    for s in &doc.statements {
        if let Actions::Action(list) = &s.actions {
            actions.extend(list.iter().filter(|a| literal(a)).cloned());
        }
        if let Some(Resources::Resource(list) | Resources::NotResource(list)) = &s.resources {
            resources.extend(list.iter().filter(|r| literal(r)).cloned().map(Some));
        }
        if let Some(Principal::Principal(PrincipalSpec::Map(map))) = &s.principal {
            for values in map.values() {
                principals.extend(values.iter().filter(|p| literal(p)).cloned().map(Some));
            }
        }
        for c in &s.conditions {
            for v in &c.values {
                contexts.push(Some((c.key.clone(), v.clone())));
            }
        }
    }
    actions.sort();
    actions.dedup();
    actions.truncate(6);
    resources.dedup();
    resources.truncate(4);
    principals.dedup();
    principals.truncate(3);
    contexts.truncate(16);
    let mut out = Vec::new();
    for action in &actions {
        for resource in &resources {
            for principal in &principals {
                for context in &contexts {
                    let mut r = Request::new(action.clone());
                    r.resource = resource.clone();
                    r.principal = principal.clone();
                    if let Some((k, v)) = context {
                        r.set_key(k, [v.clone()]);
                    }
                    out.push(r);
                }
            }
        }
    }
    out
}

fn decision(kind: PolicyKind, doc: &PolicyDocument, r: &Request) -> Decision {
    gov::testing::decide(kind, doc, r).decision
}

fuzz_target!(|data: &[u8]| {
    let (kind, bytes) = gov_fuzz::kind_prefix(data);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let catalog = gov_fuzz::catalog();
    let imported = match gov::import::import_with(0, text, "Imported", kind, catalog) {
        Ok(t) => t,
        Err(diags) => {
            assert!(!diags.is_empty(), "refused without a diagnostic");
            gov_fuzz::sound_diagnostics_of("p.json", text, &diags);
            for code in ["E0609", "E0008"] {
                let found: Vec<_> = diags.iter().filter(|d| d.code == code).collect();
                assert!(found.is_empty(), "{code}: {found:#?}");
            }
            return;
        }
    };
    assert_eq!(
        gov::format::format_source(0, &imported).as_ref(),
        Ok(&imported),
        "the imported text is not in gov fmt's layout"
    );
    let compiled = gov::compile_texts(&[("imported.gov", &imported)], catalog);
    let errors: Vec<_> = compiled.errors().collect();
    assert!(errors.is_empty(), "{errors:#?}\n{imported}");
    let [(policy, rebuilt)] = compiled.documents.as_slice() else {
        panic!("one document expected:\n{imported}");
    };
    let decoded = match gov::jsonlint::decoded(0, text) {
        Ok(d) => d,
        Err(e) => panic!("imported a text that does not decode: {e:?}"),
    };
    let original = match PolicyDocument::from_json(&decoded) {
        Ok(d) => d,
        Err(e) => panic!("imported a document the strict reader refuses: {e:?}\n{imported}"),
    };
    for r in requests(&original) {
        let before = decision(policy.kind, &original, &r);
        let after = decision(policy.kind, rebuilt, &r);
        assert_eq!(before, after, "{r:?}\n{imported}");
    }
});
