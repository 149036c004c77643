use super::*;
use crate::catalog::KeyType;
use crate::ir::{ElemOp, Key, Literal, Quant};
use crate::policy::PolicyKind;
use crate::source::Span;

fn key(name: &str, ty: KeyType) -> Key {
    Key {
        name: name.to_string(),
        ty,
    }
}

fn eq(k: &str, v: &str) -> Expr {
    Expr::Atom(Atom::Test {
        key: key(k, KeyType::String),
        quant: Quant::Single,
        op: ElemOp::Equals,
        negated: false,
        values: vec![Literal::Str(v.to_string())],
    })
}

fn present(k: &str) -> Expr {
    Expr::Atom(Atom::Present(key(k, KeyType::ArrayOfString)))
}

fn policy(effect: ir::Effect, condition: Expr) -> ir::Policy {
    ir::Policy {
        name: "P".into(),
        kind: PolicyKind::Scp,
        docs: vec![],
        controls: vec![],
        sid_prefix: None,
        rules: vec![ir::Rule {
            effect,
            sid: None,
            docs: vec![],
            principals: vec![],
            actions: ir::Actions::Only(vec!["sagemaker:CreateDomain".into()]),
            resources: ir::Resources::Only(vec!["*".into()]),
            condition,
            span: Span::default(),
        }],
        file: 0,
        span: Span::default(),
    }
}

fn json(p: &ir::Policy) -> String {
    lower_policy(p).unwrap().to_canonical_json(false)
}

#[test]
fn deny_unless_and_becomes_one_statement_per_missing_part() {
    // deny CreateDomain unless A == VpcOnly and Subnets present and Groups present
    let unless = Expr::and(vec![
        eq("sagemaker:AppNetworkAccessType", "VpcOnly"),
        present("sagemaker:VpcSubnets"),
        present("sagemaker:VpcSecurityGroupIds"),
    ]);
    let p = policy(ir::Effect::Deny, Expr::negate(unless));
    insta::assert_snapshot!(json(&p), @r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyCreateDomain1","Effect":"Deny","Action":["sagemaker:CreateDomain"],"Resource":["*"],"Condition":{"StringNotEquals":{"sagemaker:AppNetworkAccessType":["VpcOnly"]}}},{"Sid":"DenyCreateDomain2","Effect":"Deny","Action":["sagemaker:CreateDomain"],"Resource":["*"],"Condition":{"Null":{"sagemaker:VpcSubnets":["true"]}}},{"Sid":"DenyCreateDomain3","Effect":"Deny","Action":["sagemaker:CreateDomain"],"Resource":["*"],"Condition":{"Null":{"sagemaker:VpcSecurityGroupIds":["true"]}}}]}"#);
}

#[test]
fn contradictions_are_dropped_and_never_matching_rules_rejected() {
    let p = policy(
        ir::Effect::Deny,
        Expr::and(vec![present("k:a"), Expr::negate(present("k:a"))]),
    );
    let errs = lower_policy(&p).unwrap_err();
    assert_eq!(errs[0].code, "E0402");
    let p = policy(
        ir::Effect::Deny,
        Expr::and(vec![eq("k:s", "a"), eq("k:s", "b")]),
    );
    assert_eq!(lower_policy(&p).unwrap_err()[0].code, "E0402");
}

#[test]
fn same_key_entries_merge_only_when_exact() {
    // not a and not b: StringNotEquals [a, b] (matches none of both).
    let p = policy(
        ir::Effect::Deny,
        Expr::and(vec![
            Expr::negate(eq("k:s", "a")),
            Expr::negate(eq("k:s", "b")),
        ]),
    );
    assert!(json(&p).contains(r#""StringNotEquals":{"k:s":["a","b"]}"#));
    // a and a: one value.
    let p = policy(
        ir::Effect::Deny,
        Expr::and(vec![eq("k:s", "a"), eq("k:s", "a")]),
    );
    assert!(json(&p).contains(r#""StringEquals":{"k:s":["a"]}"#));
    // like x and like y: no exact single entry.
    let like = |v: &str| {
        Expr::Atom(Atom::Test {
            key: key("k:s", KeyType::String),
            quant: Quant::Single,
            op: ElemOp::Like,
            negated: false,
            values: vec![Literal::Str(v.into())],
        })
    };
    let p = policy(ir::Effect::Deny, Expr::and(vec![like("a*"), like("*b")]));
    assert_eq!(lower_policy(&p).unwrap_err()[0].code, "E0401");
}

#[test]
fn disjunction_limit() {
    let mut parts = Vec::new();
    for i in 0..7 {
        parts.push(Expr::or(vec![
            eq(&format!("k:a{i}"), "x"),
            eq(&format!("k:b{i}"), "y"),
        ]));
    }
    // 2^7 = 128 alternatives.
    let p = policy(ir::Effect::Deny, Expr::and(parts));
    assert_eq!(lower_policy(&p).unwrap_err()[0].code, "E0403");
}

#[test]
fn a_test_with_no_values_left_has_no_exact_form() {
    // Unreachable from checked source (the checker refuses a Bool test on
    // two values), so built here: `K != true and K != false` as one test.
    let p = policy(
        ir::Effect::Deny,
        Expr::Atom(Atom::Test {
            key: key("aws:SecureTransport", KeyType::Bool),
            quant: Quant::Single,
            op: ElemOp::Equals,
            negated: true,
            values: vec![Literal::Bool(true), Literal::Bool(false)],
        }),
    );
    let errors = lower_policy(&p).unwrap_err();
    assert_eq!(errors[0].code, "E0404");
    let mut sources = crate::source::SourceMap::new();
    sources.add("case.gov", "scp P { deny sagemaker:CreateDomain }\n");
    let rendered = crate::diag::render_human(&sources, &errors, false);
    insta::assert_snapshot!("E0404", rendered);
}
