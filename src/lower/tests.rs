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
    insta::assert_snapshot!(json(&p), @r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:CreateDomain","Resource":"*","Condition":{"StringNotEquals":{"sagemaker:AppNetworkAccessType":"VpcOnly"}}},{"Effect":"Deny","Action":"sagemaker:CreateDomain","Resource":"*","Condition":{"Null":{"sagemaker:VpcSubnets":"true"}}},{"Effect":"Deny","Action":"sagemaker:CreateDomain","Resource":"*","Condition":{"Null":{"sagemaker:VpcSecurityGroupIds":"true"}}}]}"#);
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
    assert!(json(&p).contains(r#""StringEquals":{"k:s":"a"}"#));
    let like = |v: &str| {
        Expr::Atom(Atom::Test {
            key: key("k:s", KeyType::String),
            quant: Quant::Single,
            op: ElemOp::Like,
            negated: false,
            values: vec![Literal::Str(v.into())],
        })
    };
    // like a* and like *b: a text that begins with a and ends in b, and
    // none shorter than two characters has both.
    let p = policy(ir::Effect::Deny, Expr::and(vec![like("a*"), like("*b")]));
    assert!(json(&p).contains(r#""StringLike":{"k:s":"a*b"}"#));
    // like a* and like *a: `a` has both and `a*a` misses it; no exact single entry.
    let p = policy(ir::Effect::Deny, Expr::and(vec![like("a*"), like("*a")]));
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
fn a_test_with_no_values_has_no_exact_form() {
    // Unreachable from checked source (an empty list is E0211), so built
    // here: a Bool test on no values at all.
    let p = policy(
        ir::Effect::Deny,
        Expr::Atom(Atom::Test {
            key: key("aws:SecureTransport", KeyType::Bool),
            quant: Quant::Single,
            op: ElemOp::Equals,
            negated: false,
            values: vec![],
        }),
    );
    let errors = lower_policy(&p).unwrap_err();
    assert_eq!(errors[0].code, "E0404");
    let mut sources = crate::source::SourceMap::new();
    sources.add("case.gov", "scp P { deny sagemaker:CreateDomain }\n");
    let rendered = crate::diag::render_human(&sources, &errors, false);
    insta::assert_snapshot!("E0404", rendered);
}

/// Whether the lowered rule `deny … when condition` denies a request with
/// `k:s` set to `value` (absent when `None`).
fn denies(condition: &Expr, k: &str, value: Option<&str>) -> bool {
    let doc = lower_policy(&policy(ir::Effect::Deny, condition.clone())).unwrap();
    let mut request = crate::eval::Request::new("sagemaker:CreateDomain");
    if let Some(v) = value {
        request.set_key(k, [v]);
    }
    !crate::eval::evaluate_document(&doc, &request)
        .denied_by
        .is_empty()
}

#[test]
fn a_single_valued_test_negated_element_wise_is_false_when_absent() {
    // `negated` on a single-valued test: present, and the value fails the
    // test (the checker writes `K != v` as `not (K == v)` instead). IAM's
    // `StringNotEquals` alone would also hold when the key is absent.
    let single = |ty: KeyType, op: ElemOp, value: Literal| {
        Expr::Atom(Atom::Test {
            key: key("k:s", ty),
            quant: Quant::Single,
            op,
            negated: true,
            values: vec![value],
        })
    };
    let not_a = single(KeyType::String, ElemOp::Equals, Literal::Str("a".into()));
    insta::assert_snapshot!(json(&policy(ir::Effect::Deny, not_a.clone())), @r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:CreateDomain","Resource":"*","Condition":{"Null":{"k:s":"false"},"StringNotEquals":{"k:s":"a"}}}]}"#);
    let cases = [(None, false), (Some("a"), false), (Some("b"), true)];
    for (value, holds) in cases {
        assert_eq!(denies(&not_a, "k:s", value), holds, "{value:?}");
        // and its negation: absent, or the value passes
        assert_eq!(
            denies(&Expr::negate(not_a.clone()), "k:s", value),
            !holds,
            "not {value:?}"
        );
    }
    // An ordering: `present and not (K < 5)`.
    let not_below_5 = single(KeyType::Numeric, ElemOp::Lt, Literal::Num("5".into()));
    for (value, holds) in [(None, false), (Some("4"), false), (Some("5"), true)] {
        assert_eq!(denies(&not_below_5, "k:s", value), holds, "{value:?}");
        assert_eq!(
            denies(&Expr::negate(not_below_5.clone()), "k:s", value),
            !holds,
            "not {value:?}"
        );
    }
    // A Bool: `present and not (K == true)`.
    let not_true = single(KeyType::Bool, ElemOp::Equals, Literal::Bool(true));
    for (value, holds) in [(None, false), (Some("true"), false), (Some("false"), true)] {
        assert_eq!(denies(&not_true, "k:s", value), holds, "{value:?}");
        assert_eq!(
            denies(&Expr::negate(not_true.clone()), "k:s", value),
            !holds,
            "not {value:?}"
        );
    }
}

/// `E0401`'s help says which case has no exact form.
#[test]
fn refusals_say_their_case() {
    let any_in = |v: &str| {
        Expr::Atom(Atom::Test {
            key: key("k:m", KeyType::ArrayOfString),
            quant: Quant::Any,
            op: ElemOp::Equals,
            negated: false,
            values: vec![Literal::Str(v.into())],
        })
    };
    let help = |condition: Expr| {
        let errors = lower_policy(&policy(ir::Effect::Deny, condition)).unwrap_err();
        assert_eq!(errors[0].code, "E0401");
        errors[0].help.clone().unwrap()
    };
    assert_eq!(
        help(Expr::and(vec![any_in("a"), any_in("b")])),
        Refusal::SomeValueEach.help()
    );
    assert_eq!(
        help(Expr::and(vec![
            eq("k:s", "${aws:username}"),
            eq("k:s", "b")
        ])),
        Refusal::Variable.help()
    );
}
