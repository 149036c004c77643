//! The meaning rules, as a property: for random rules over random keys,
//! operators and values (policy variables among them), and random request
//! contexts (absent keys, empty sets, several values, variables' keys absent
//! or equal to a tested value), the condition evaluated directly
//! (docs/meaning.md §1–§3) must equal the IAM evaluator's verdict on the
//! lowered JSON.
//!
//! CI runs a few thousand cases; for millions:
//! `PROPTEST_CASES=1000000 cargo test --release --test meaning`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod oracle;
mod same_key;

use gov::catalog::KeyType;
use gov::eval::{Request, evaluate_document};
use gov::iam::PolicyDocument;
use gov::ir::{self, Atom, ElemOp, Expr, Key, Literal, Quant};
use gov::lower::lower_policy;
use gov::policy::PolicyKind;
use gov::source::Span;
use oracle::{Context, holds};
use proptest::prelude::*;
use same_key::same_key_rule;

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

// Keys that policy variables name: known to the catalog, as the checker
// demands (E0212), and set or left out by `context()`.
const USERNAME: &str = "aws:username";
const TEAM: &str = "aws:PrincipalTag/team";
const PRINCIPAL_ARN: &str = "aws:PrincipalArn";
/// Multivalued: as a variable it has a value only when it has exactly one.
const TAG_KEYS: &str = "aws:TagKeys";

const STR_EQ: &[&str] = &["a", "b", "c"];
const STR_EQ_VARS: &[&str] = &[
    "${aws:username}",
    "${aws:PrincipalTag/team}",
    "${aws:username, 'b'}",
    "x${aws:username}",
    "${aws:TagKeys}",
    "${aws:PrincipalTag/team, 'a'}",
];
const STR_EQ_MIXED: &[&str] = &["a", "b", "${aws:username}", "${aws:PrincipalTag/team, 'a'}"];
const STR_LIKE: &[&str] = &["a*", "*b", "?", "x*"];
const STR_LIKE_VARS: &[&str] = &[
    "${aws:username}",
    "${aws:username}*",
    "*${aws:PrincipalTag/team}",
    "${aws:PrincipalTag/team, 'a'}?",
    "a${*}",
    "x${aws:username}",
];
const STR_LIKE_MIXED: &[&str] = &["a*", "?", "${aws:username}", "*${aws:PrincipalTag/team}"];
const ARN_EQ: &[&str] = &[
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::444455556666:role/dev",
];
const ARN_EQ_VARS: &[&str] = &[
    "${aws:PrincipalArn}",
    "arn:aws:iam::111122223333:role/${aws:username}",
    "arn:aws:iam::444455556666:role/${aws:username, 'dev'}",
];
const ARN_LIKE: &[&str] = &[
    "arn:aws:iam::*:role/admin",
    "arn:aws:iam::111122223333:role/*",
    "arn:*:iam::*:*",
];
const ARN_LIKE_VARS: &[&str] = &[
    "arn:aws:iam::*:role/${aws:username}",
    "${aws:PrincipalArn}",
    "arn:aws:iam::*:role/${aws:PrincipalTag/team}*",
    "arn:aws:s3:::${aws:username}",
];

/// Literal values from `plain`, from `vars` (policy variables, bare or
/// inside a string) or from `mixed` (both in one list).
fn texts(
    plain: &'static [&'static str],
    vars: &'static [&'static str],
    mixed: &'static [&'static str],
) -> impl Strategy<Value = Vec<&'static str>> {
    prop_oneof![subset(plain), subset(vars), subset(mixed)]
}

/// Now and then a single-valued test is negated element-wise (`negated` on
/// `Quant::Single`: present, and the value fails): a shape the checker never
/// builds, which lowering keeps exact all the same.
fn atom() -> impl Strategy<Value = Atom> {
    (checked_atom(), prop::bool::weighted(0.1)).prop_map(|(atom, flip)| match atom {
        Atom::Test {
            key,
            quant: Quant::Single,
            op,
            negated: false,
            values,
        } if flip => Atom::Test {
            key,
            quant: Quant::Single,
            op,
            negated: true,
            values,
        },
        other => other,
    })
}

/// The atoms the checker builds.
fn checked_atom() -> impl Strategy<Value = Atom> {
    // String and ARN tests weigh more: they are where policy variables go.
    prop_oneof![
        1 => prop::sample::select(vec![STR1, STR2, MULTI, NUM, FLAG, IP, ARN, DATE])
            .prop_map(|k| Atom::Present(key(k))),
        2 => (
            any::<bool>(),
            texts(ARN_EQ, ARN_EQ_VARS, ARN_EQ_VARS),
            texts(ARN_LIKE, ARN_LIKE_VARS, ARN_LIKE_VARS),
        )
            .prop_map(|(like, eqv, likev)| Atom::Test {
                key: key(ARN),
                quant: Quant::Single,
                op: if like { ElemOp::Like } else { ElemOp::Equals },
                negated: false,
                values: strs(if like { &likev } else { &eqv }),
            }),
        1 => (
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
        4 => (
            prop::sample::select(vec![STR1, STR2]),
            any::<bool>(),
            texts(STR_EQ, STR_EQ_VARS, STR_EQ_MIXED),
            texts(STR_LIKE, STR_LIKE_VARS, STR_LIKE_MIXED),
        )
            .prop_map(|(k, like, eqv, likev)| Atom::Test {
                key: key(k),
                quant: Quant::Single,
                op: if like { ElemOp::Like } else { ElemOp::Equals },
                negated: false,
                values: strs(if like { &likev } else { &eqv }),
            }),
        // `ignoring case`, on single and multivalued keys.
        1 => (
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
        2 => (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            texts(STR_EQ, STR_EQ_VARS, STR_EQ_MIXED),
            texts(&["a*", "*b", "?"], STR_LIKE_VARS, STR_LIKE_MIXED),
        )
            .prop_map(|(all, like, negated, eqv, likev)| Atom::Test {
                key: key(MULTI),
                quant: if all { Quant::All } else { Quant::Any },
                op: if like { ElemOp::Like } else { ElemOp::Equals },
                negated,
                values: strs(if like { &likev } else { &eqv }),
            }),
        1 => (
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
        1 => any::<bool>().prop_map(|b| Atom::Test {
            key: key(FLAG),
            quant: Quant::Single,
            op: ElemOp::Equals,
            negated: false,
            values: vec![Literal::Bool(b)],
        }),
        1 => subset(&["10.0.0.0/8", "192.0.2.0/24", "203.0.113.7"]).prop_map(|v| Atom::Test {
            key: key(IP),
            quant: Quant::Single,
            op: ElemOp::InCidr,
            negated: false,
            values: strs(&v),
        }),
    ]
}

/// Random rules: the set on which the refusal rate is measured
/// (`refusal_rate` below).
fn random_rule() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![8 => atom().prop_map(Expr::Atom), 1 => Just(Expr::True), 1 => Just(Expr::False)];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..=3).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 1..=3).prop_map(Expr::Or),
            inner.prop_map(|e| Expr::Not(Box::new(e))),
        ]
    })
}

/// What the property draws: random rules, and as often rules built around
/// two or three tests on one key (the conjunctions and disjunctions that
/// lowering merges into one entry), alone or beside a random rule.
fn expr() -> impl Strategy<Value = Expr> {
    prop_oneof![
        2 => random_rule(),
        2 => same_key_rule(),
        1 => (same_key_rule(), random_rule()).prop_map(|(a, b)| Expr::And(vec![a, b])),
    ]
}

const ARN_VALUES: &[&str] = &[
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::444455556666:role/admin",
    "arn:aws:s3:::bucket",
    "arn:aws:iam::1:2:role/admin",
    "not-an-arn",
];

/// Where a variable's key takes its value from in a context: absent, its
/// own pool, or copied from a tested key, so that coincidences such as
/// `K == ${aws:username} and K == "b"` with both equal to `b` are drawn often.
#[derive(Clone, Copy, Debug)]
enum Source {
    Absent,
    Own,
    Copy(&'static str),
}

fn source(tested: &'static [&'static str]) -> impl Strategy<Value = Source> {
    prop_oneof![
        1 => Just(Source::Absent),
        1 => Just(Source::Own),
        3 => prop::sample::select(tested).prop_map(Source::Copy),
    ]
}

fn context() -> impl Strategy<Value = Context> {
    let one = |pool: &'static [&'static str]| {
        proptest::option::of(prop::sample::select(pool).prop_map(|v| vec![v.to_string()]))
    };
    let tested = (
        one(&["a", "b", "c", "ab", "xb", "a*", "A", "AB"]),
        one(&["a", "b", "zz", "B"]),
        proptest::option::of(prop::collection::vec(
            prop::sample::select(vec!["a", "b", "c", "ab", "x"]),
            0..=3,
        )),
        one(&["0", "1", "5", "7", "10", "11"]),
        one(&["true", "false"]),
        one(&[
            "10.1.2.3",
            "10.200.0.1",
            "192.0.2.9",
            "203.0.113.7",
            "198.51.100.1",
            "2001:db8:1::5",
            "2001:db8:2::1",
        ]),
        one(ARN_VALUES),
        one(&[
            "2025-12-31T23:59:59Z",
            "2026-01-01T00:00:00Z",
            "2026-03-01T12:00:00Z",
            "2026-06-01T00:00:00Z",
            "2027-01-01T00:00:00Z",
        ]),
    );
    let variables = (
        (
            source(&[STR1, STR2, MULTI]),
            prop::sample::select(vec!["a", "b", "admin", "dev", "a*", "x"]),
        ),
        (
            source(&[STR1, STR2, MULTI]),
            prop::sample::select(vec!["a", "b", "zz", "dev"]),
        ),
        (source(&[ARN]), prop::sample::select(ARN_VALUES)),
        prop::collection::vec(prop::sample::select(vec!["a", "b"]), 0..=2),
    );
    (tested, variables).prop_map(
        |((s1, s2, m, n, f, ip, arn, date), (user, team, principal, tag_keys))| {
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
            for (k, (from, own)) in [(USERNAME, user), (TEAM, team), (PRINCIPAL_ARN, principal)] {
                let value = match from {
                    Source::Absent => None,
                    Source::Own => Some(own.to_string()),
                    Source::Copy(tested) => ctx
                        .get(&tested.to_ascii_lowercase())
                        .and_then(|v| v.first().cloned()),
                };
                if let Some(v) = value {
                    ctx.insert(k.to_ascii_lowercase(), vec![v]);
                }
            }
            if !tag_keys.is_empty() {
                ctx.insert(
                    TAG_KEYS.to_ascii_lowercase(),
                    tag_keys.into_iter().map(String::from).collect(),
                );
            }
            ctx
        },
    )
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
    fn lowered_json_means_the_condition(cond in expr(), ctxs in prop::collection::vec(context(), 16), deny in any::<bool>()) {
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

/// The generator draws only literals the checker accepts: each literal with
/// a policy variable, written in a rule on a real key of the same type and
/// with the same operator (a whole-value variable bare, as the language
/// wants it for ARN keys), checks cleanly and reaches the IR as drawn.
#[test]
fn drawn_variables_are_accepted_by_the_checker() {
    let catalog = gov::catalog::Catalog::embedded().unwrap();
    let mixed: Vec<&str> = STR_EQ_MIXED
        .iter()
        .chain(STR_LIKE_MIXED)
        .copied()
        .filter(|t| t.contains("${"))
        .collect();
    let cases: [(&str, &[&str]); 8] = [
        ("s3:GetObject when aws:PrincipalTag/project ==", STR_EQ_VARS),
        (
            "s3:GetObject when aws:PrincipalTag/project like",
            STR_LIKE_VARS,
        ),
        ("s3:GetObject when aws:PrincipalTag/project in", &mixed),
        ("sagemaker:AddTags when aws:TagKeys any in", STR_EQ_VARS),
        ("sagemaker:AddTags when aws:TagKeys all like", STR_LIKE_VARS),
        ("sagemaker:AddTags when aws:TagKeys all not like", &mixed),
        ("s3:GetObject when aws:SourceArn ==", ARN_EQ_VARS),
        ("s3:GetObject when aws:SourceArn like", ARN_LIKE_VARS),
    ];
    for (rule, pool) in cases {
        for text in pool {
            let whole =
                text.starts_with("${") && text.ends_with('}') && text.matches("${").count() == 1;
            let written = if whole {
                text.to_string()
            } else {
                format!("\"{text}\"")
            };
            let source = format!("scp P {{\n    deny {rule} {written}\n}}\n");
            let c = gov::compile_texts(&[("p.gov", &source)], catalog);
            let errors: Vec<_> = c.errors().collect();
            assert!(errors.is_empty(), "{source}{errors:?}");
            let literals: Vec<Literal> = c.program.policies[0].rules[0]
                .condition
                .atoms()
                .into_iter()
                .flat_map(|a| match a {
                    Atom::Test { values, .. } => values.clone(),
                    Atom::Present(_) => vec![],
                })
                .collect();
            assert_eq!(literals, strs(&[text]), "{source}");
        }
    }
}

/// How often lowering refuses a rule, by code, and for `E0401` by the pair
/// of operators, on 20,000 random rules and 20,000 rules around one key:
/// a measurement, not a check of meaning (the property above is). Run it
/// with `cargo test --release --test meaning refusal_rate -- --ignored --nocapture`.
#[test]
#[ignore]
fn refusal_rate() {
    report_refusals("random rules", random_rule().boxed());
    report_refusals("same-key rules", same_key_rule().boxed());
}

fn report_refusals(name: &str, strategy: BoxedStrategy<Expr>) {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;
    const RULES: usize = 20_000;
    let mut runner = TestRunner::deterministic();
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut conflicts: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..RULES {
        let cond = strategy.new_tree(&mut runner).unwrap().current();
        match lower_policy(&policy(ir::Effect::Deny, cond)) {
            Ok(_) => *by_code.entry("lowered").or_default() += 1,
            Err(errors) => {
                let first = &errors[0];
                assert!(
                    ["E0401", "E0402", "E0403", "E0404"].contains(&first.code.id),
                    "{first:?}"
                );
                *by_code.entry(first.code.id).or_default() += 1;
                for e in errors.iter().filter(|e| e.code == "E0401") {
                    assert!(e.help.is_some(), "E0401 without help: {e:?}");
                    let operators: Vec<&str> = e
                        .message
                        .split('`')
                        .skip(1)
                        .step_by(2)
                        .take(2)
                        .map(|c| c.split(' ').next().unwrap_or(c))
                        .collect();
                    let help = e.help.as_deref().unwrap_or("");
                    let case: String = help.chars().take(40).collect();
                    *conflicts
                        .entry(format!("{}  ({case}…)", operators.join(" + ")))
                        .or_default() += 1;
                }
            }
        }
    }
    println!("{RULES} {name} (deny), first diagnostic of each:");
    for (code, n) in &by_code {
        println!(
            "  {code:8} {n:6}  {:5.2} %",
            100.0 * *n as f64 / RULES as f64
        );
    }
    println!("E0401 diagnostics by operator pair and help:");
    let mut pairs: Vec<_> = conflicts.into_iter().collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.1));
    for (pair, n) in pairs {
        println!("  {n:6}  {pair}");
    }
}
