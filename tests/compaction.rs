//! The compaction of lowered statements (docs/meaning.md, "Compaction"):
//! `K absent or P(K)` as one `P…IfExists` statement, and statements merged
//! across rules, decide every request as the rules mean.

// Tests may fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gov::catalog::Catalog;
use gov::compile_texts;
use gov::eval::{Request, evaluate_document};

fn document(text: &str, name: &str) -> gov::iam::PolicyDocument {
    let c = compile_texts(&[("a.gov", text)], Catalog::embedded().unwrap());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c.document(name).unwrap().clone()
}

fn denied(doc: &gov::iam::PolicyDocument, req: &Request) -> bool {
    !evaluate_document(doc, req).denied_by.is_empty()
}

#[test]
fn absent_or_like_is_one_statement_deciding_as_the_rule() {
    let doc = document(
        "scp P { deny sagemaker:CreateDomain when sagemaker:AppNetworkAccessType absent or sagemaker:AppNetworkAccessType like \"Pub*\" }\n",
        "P",
    );
    assert_eq!(doc.statements.len(), 1, "{}", doc.to_canonical_json(false));
    assert!(doc.to_canonical_json(false).contains("StringLikeIfExists"));
    let key = "sagemaker:AppNetworkAccessType";
    let req = |value: Option<&str>| {
        let r = Request::new("sagemaker:CreateDomain");
        match value {
            Some(v) => r.with_key(key, [v]),
            None => r,
        }
    };
    // absent: denied; passes: denied; present and fails: not denied.
    assert!(denied(&doc, &req(None)));
    assert!(denied(&doc, &req(Some("PublicInternetOnly"))));
    assert!(!denied(&doc, &req(Some("VpcOnly"))));
}

#[test]
fn rules_merged_into_one_statement_decide_as_each_rule() {
    let doc = document(
        "policy P {\n    allow s3:GetObject on \"arn:aws:s3:::a/*\"\n    allow s3:PutObject on \"arn:aws:s3:::a/*\"\n    allow s3:GetObject on \"arn:aws:s3:::b/*\"\n}\n",
        "P",
    );
    let json = doc.to_canonical_json(false);
    assert!(doc.statements.len() < 3, "{json}");
    let allowed = |action: &str, arn: &str| {
        !evaluate_document(&doc, &Request::new(action).with_resource(arn))
            .allowed_by
            .is_empty()
    };
    assert!(allowed("s3:GetObject", "arn:aws:s3:::a/x"));
    assert!(allowed("s3:PutObject", "arn:aws:s3:::a/x"));
    assert!(allowed("s3:GetObject", "arn:aws:s3:::b/x"));
    // The one combination no rule grants stays ungranted.
    assert!(!allowed("s3:PutObject", "arn:aws:s3:::b/x"), "{json}");
}
