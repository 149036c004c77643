//! The meaning rules, as a property: for random rules over random keys,
//! operators and values, and random request contexts (absent keys, empty
//! sets, several values), the condition evaluated directly (docs/meaning.md §1–§3)
//! must equal the IAM evaluator's verdict on the lowered JSON.
//!
//! CI runs a few thousand cases; for millions:
//! `PROPTEST_CASES=1000000 cargo test --release --test meaning`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod oracle;

use gov::catalog::KeyType;
use gov::eval::{Request, evaluate_document};
use gov::iam::PolicyDocument;
use gov::ir::{self, Atom, ElemOp, Expr, Key, Literal, Quant};
use gov::lower::lower_policy;
use gov::policy::PolicyKind;
use gov::source::Span;
use oracle::{Context, holds};
use proptest::prelude::*;

const STR1: &str = "test:Str";
const STR2: &str = "test:Other";
const MULTI: &str = "test:Multi";
const NUM: &str = "test:Num";
const FLAG: &str = "test:Flag";
const IP: &str = "test:Ip";
const ARN: &str = "test:Arn";
const DATE: &str = "test:Date";

fn ty(name: &str) -> KeyType {
    match name {
        MULTI => KeyType::ArrayOfString,
        NUM => KeyType::Numeric,
        FLAG => KeyType::Bool,
        IP => KeyType::IpAddress,
        ARN => KeyType::Arn,
        DATE => KeyType::Date,
        _ => KeyType::String,
    }
}

fn key(name: &str) -> Key {
    Key {
        name: name.to_string(),
        ty: ty(name),
    }
}

fn strs(v: &[&str]) -> Vec<Literal> {
    v.iter().map(|s| Literal::Str(s.to_string())).collect()
}

fn subset(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(pool, 1..=pool.len().min(3))
}

fn atom() -> impl Strategy<Value = Atom> {
    prop_oneof![
        prop::sample::select(vec![STR1, STR2, MULTI, NUM, FLAG, IP, ARN, DATE])
            .prop_map(|k| Atom::Present(key(k))),
        (
            any::<bool>(),
            subset(&[
                "arn:aws:iam::111122223333:role/admin",
                "arn:aws:iam::444455556666:role/dev"
            ]),
            subset(&[
                "arn:aws:iam::*:role/admin",
                "arn:aws:iam::111122223333:role/*",
                "arn:*:iam::*:*"
            ]),
        )
            .prop_map(|(like, eqv, likev)| Atom::Test {
                key: key(ARN),
                quant: Quant::Single,
                op: if like { ElemOp::Like } else { ElemOp::Equals },
                negated: false,
                values: strs(if like { &likev } else { &eqv }),
            }),
        (
            prop::sample::select(vec![
                ElemOp::Equals,
                ElemOp::Lt,
                ElemOp::Le,
                ElemOp::Gt,
                ElemOp::Ge
            ]),
            prop::sample::select(vec!["2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"]),
        )
            .prop_map(|(op, v)| Atom::Test {
                key: key(DATE),
                quant: Quant::Single,
                op,
                negated: false,
                values: strs(&[v]),
            }),
        (
            prop::sample::select(vec![STR1, STR2]),
            any::<bool>(),
            subset(&["a", "b", "c"]),
            subset(&["a*", "*b", "?", "x*"])
        )
            .prop_map(|(k, like, eqv, likev)| Atom::Test {
                key: key(k),
                quant: Quant::Single,
                op: if like { ElemOp::Like } else { ElemOp::Equals },
                negated: false,
                values: strs(if like { &likev } else { &eqv }),
            }),
        // `ignoring case`, on single and multivalued keys.
        (
            prop::sample::select(vec![STR1, STR2, MULTI]),
            any::<bool>(),
            any::<bool>(),
            subset(&["a", "B", "ab"]),
        )
            .prop_map(|(k, all, negated, v)| Atom::Test {
                key: key(k),
                quant: match (k == MULTI, all) {
                    (false, _) => Quant::Single,
                    (true, true) => Quant::All,
                    (true, false) => Quant::Any,
                },
                op: ElemOp::EqualsIgnoringCase,
                negated: negated && k == MULTI,
                values: strs(&v),
            }),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            subset(&["a", "b", "c"]),
            subset(&["a*", "*b", "?"])
        )
            .prop_map(|(all, like, negated, eqv, likev)| Atom::Test {
                key: key(MULTI),
                quant: if all { Quant::All } else { Quant::Any },
                op: if like { ElemOp::Like } else { ElemOp::Equals },
                negated,
                values: strs(if like { &likev } else { &eqv }),
            }),
        (
            prop::sample::select(vec![
                ElemOp::Equals,
                ElemOp::Lt,
                ElemOp::Le,
                ElemOp::Gt,
                ElemOp::Ge
            ]),
            prop::sample::select(vec!["1", "5", "10"])
        )
            .prop_map(|(op, v)| Atom::Test {
                key: key(NUM),
                quant: Quant::Single,
                op,
                negated: false,
                values: vec![Literal::Num(v.to_string())],
            }),
        any::<bool>().prop_map(|b| Atom::Test {
            key: key(FLAG),
            quant: Quant::Single,
            op: ElemOp::Equals,
            negated: false,
            values: vec![Literal::Bool(b)],
        }),
        subset(&["10.0.0.0/8", "192.0.2.0/24", "203.0.113.7"]).prop_map(|v| Atom::Test {
            key: key(IP),
            quant: Quant::Single,
            op: ElemOp::InCidr,
            negated: false,
            values: strs(&v),
        }),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![8 => atom().prop_map(Expr::Atom), 1 => Just(Expr::True), 1 => Just(Expr::False)];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..=3).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 1..=3).prop_map(Expr::Or),
            inner.prop_map(|e| Expr::Not(Box::new(e))),
        ]
    })
}

fn context() -> impl Strategy<Value = Context> {
    let one = |pool: &'static [&'static str]| {
        proptest::option::of(prop::sample::select(pool).prop_map(|v| vec![v.to_string()]))
    };
    (
        one(&["a", "b", "c", "ab", "xb", "A", "AB"]),
        one(&["a", "b", "zz", "B"]),
        proptest::option::of(prop::collection::vec(
            prop::sample::select(vec!["a", "b", "c", "ab", "x", "B"]),
            0..=3,
        )),
        one(&["0", "1", "5", "7", "10", "11"]),
        one(&["true", "false"]),
        one(&["10.1.2.3", "192.0.2.9", "203.0.113.7", "198.51.100.1"]),
        (
            one(&[
                "arn:aws:iam::111122223333:role/admin",
                "arn:aws:iam::444455556666:role/admin",
                "arn:aws:s3:::bucket",
                "arn:aws:iam::1:2:role/admin",
                "not-an-arn",
            ]),
            one(&[
                "2025-12-31T23:59:59Z",
                "2026-01-01T00:00:00Z",
                "2026-03-01T12:00:00Z",
                "2026-06-01T00:00:00Z",
                "2027-01-01T00:00:00Z",
            ]),
        ),
    )
        .prop_map(|(s1, s2, m, n, f, ip, (arn, date))| {
            let mut ctx = Context::new();
            for (k, v) in [
                (STR1, s1),
                (STR2, s2),
                (MULTI, m.map(|v| v.into_iter().map(String::from).collect())),
                (NUM, n),
                (FLAG, f),
                (IP, ip),
                (ARN, arn),
                (DATE, date),
            ] {
                if let Some(v) = v {
                    ctx.insert(k.to_ascii_lowercase(), v);
                }
            }
            ctx
        })
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
            actions: ir::Actions::Only(vec!["s3:GetObject".into()]),
            resources: ir::Resources::Only(vec!["*".into()]),
            condition,
            span: Span::default(),
        }],
        file: 0,
        span: Span::default(),
    }
}

fn request(ctx: &Context) -> Request {
    let mut req = Request::new("s3:GetObject");
    for (k, v) in ctx {
        req.set_key(k, v.clone());
    }
    req
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    #[test]
    fn lowered_json_means_the_condition(cond in expr(), ctxs in prop::collection::vec(context(), 8), deny in any::<bool>()) {
        let effect = if deny { ir::Effect::Deny } else { ir::Effect::Allow };
        let p = policy(effect, cond.clone());
        match lower_policy(&p) {
            Ok(doc) => {
                // Through the JSON text, as AWS would read it.
                let text = doc.to_canonical_json(false);
                let reread = PolicyDocument::from_json(&text).unwrap();
                for ctx in &ctxs {
                    let expected = holds(&cond, ctx);
                    let result = evaluate_document(&reread, &request(ctx));
                    prop_assert!(result.errors.is_empty(), "evaluation errors: {:?}", result.errors);
                    let matched = if deny { !result.denied_by.is_empty() } else { !result.allowed_by.is_empty() };
                    prop_assert_eq!(matched, expected, "condition {:?}\ncontext {:?}\njson {}", cond, ctx, text);
                }
            }
            Err(errors) => {
                for e in &errors {
                    prop_assert!(["E0401", "E0402", "E0403", "E0404"].contains(&e.code.id), "unexpected {:?}", e);
                    if e.code == "E0402" {
                        // "Never matches" must be true of every context.
                        for ctx in &ctxs {
                            prop_assert!(!holds(&cond, ctx), "E0402 but {:?} holds for {:?}", cond, ctx);
                        }
                    }
                }
            }
        }
    }
}
