//! Rules built around one key for `tests/meaning.rs`: two or three tests on
//! it (orderings, equal values, address ranges, patterns, quantified tests),
//! each possibly negated, with `present` or `absent` now and then, ANDed,
//! ORed or both, so that lowering's merges of entries on one key
//! (docs/meaning.md §5) and the alternatives it drops are drawn often.

use super::{
    ARN, ARN_EQ, ARN_EQ_VARS, ARN_LIKE, DATE, FLAG, IP, MULTI, NUM, STR_EQ_MIXED, STR_LIKE_MIXED,
    STR1, key, strs, subset,
};
use gov::ir::{Atom, ElemOp, Expr, Key, Literal, Quant};
use proptest::prelude::*;

/// Tests on one key, with values chosen so that they nest, overlap, meet
/// or part.
fn same_key_atoms() -> impl Strategy<Value = Vec<Atom>> {
    let test = |k: &'static str, quant: Quant, op: ElemOp, negated: bool, values: Vec<Literal>| {
        Atom::Test {
            key: key(k),
            quant,
            op,
            negated,
            values,
        }
    };
    let orders = || {
        prop::sample::select(vec![
            ElemOp::Equals,
            ElemOp::Lt,
            ElemOp::Le,
            ElemOp::Gt,
            ElemOp::Ge,
        ])
    };
    let many = |strategy: BoxedStrategy<Atom>| prop::collection::vec(strategy, 2..=3);
    prop_oneof![
        many(
            (orders(), subset(&["0", "1", "5", "5.0", "10"]))
                .prop_map(move |(op, v)| {
                    let v = if op == ElemOp::Equals {
                        v
                    } else {
                        v[..1].to_vec()
                    };
                    test(
                        NUM,
                        Quant::Single,
                        op,
                        false,
                        v.iter().map(|n| Literal::Num(n.to_string())).collect(),
                    )
                })
                .boxed()
        ),
        many(
            (
                orders(),
                subset(&[
                    "2026-01-01T00:00:00Z",
                    "1767225600",
                    "2026-06-01",
                    "2026-03-01T12:00:00Z"
                ])
            )
                .prop_map(move |(op, v)| {
                    let v = if op == ElemOp::Equals {
                        v
                    } else {
                        v[..1].to_vec()
                    };
                    test(DATE, Quant::Single, op, false, strs(&v))
                })
                .boxed()
        ),
        many(
            any::<bool>()
                .prop_map(move |b| test(
                    FLAG,
                    Quant::Single,
                    ElemOp::Equals,
                    false,
                    vec![Literal::Bool(b)]
                ))
                .boxed()
        ),
        many(
            subset(&[
                "10.0.0.0/8",
                "10.1.0.0/16",
                "10.1.2.3",
                "192.0.2.0/24",
                "2001:db8::/32",
                "2001:db8:1::/48"
            ])
            .prop_map(move |v| test(IP, Quant::Single, ElemOp::InCidr, false, strs(&v)))
            .boxed()
        ),
        many(
            (
                any::<bool>(),
                prop_oneof![subset(&["a", "b", "ab", "xb"]), subset(STR_EQ_MIXED)],
                prop_oneof![
                    subset(&["a*", "ab*", "ab", "x*", "*b", "?", "a?"]),
                    subset(STR_LIKE_MIXED)
                ],
            )
                .prop_map(move |(like, eqv, likev)| if like {
                    test(STR1, Quant::Single, ElemOp::Like, false, strs(&likev))
                } else {
                    test(STR1, Quant::Single, ElemOp::Equals, false, strs(&eqv))
                })
                .boxed()
        ),
        many(
            subset(&["a", "A", "B", "ab"])
                .prop_map(move |v| test(
                    STR1,
                    Quant::Single,
                    ElemOp::EqualsIgnoringCase,
                    false,
                    strs(&v)
                ))
                .boxed()
        ),
        many(
            (
                any::<bool>(),
                prop_oneof![subset(ARN_EQ), subset(ARN_EQ_VARS)],
                prop_oneof![
                    subset(ARN_LIKE),
                    subset(&[
                        "arn:aws:iam::111122223333:role/admin",
                        "arn:aws:iam::*:role/*"
                    ])
                ],
            )
                .prop_map(move |(like, eqv, likev)| if like {
                    test(ARN, Quant::Single, ElemOp::Like, false, strs(&likev))
                } else {
                    test(ARN, Quant::Single, ElemOp::Equals, false, strs(&eqv))
                })
                .boxed()
        ),
        many(
            (
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
                subset(&["a", "b", "c"]),
                subset(&["a*", "ab*", "x*", "a"]),
            )
                .prop_map(move |(all, like, negated, eqv, likev)| test(
                    MULTI,
                    if all { Quant::All } else { Quant::Any },
                    if like { ElemOp::Like } else { ElemOp::Equals },
                    negated,
                    strs(if like { &likev } else { &eqv }),
                ))
                .boxed()
        ),
    ]
}

/// Tests on one key (now and then `present` too), each possibly negated,
/// ANDed or ORed, or both.
pub fn same_key_rule() -> impl Strategy<Value = Expr> {
    (
        same_key_atoms(),
        prop::collection::vec(any::<bool>(), 3),
        prop::sample::select(vec![0u8, 1, 2, 3]),
        prop::option::weighted(0.2, any::<bool>()),
    )
        .prop_map(|(atoms, negate, shape, presence)| {
            let mut parts: Vec<Expr> = atoms
                .into_iter()
                .zip(negate)
                .map(|(a, n)| {
                    let e = Expr::Atom(a);
                    if n { Expr::Not(Box::new(e)) } else { e }
                })
                .collect();
            if let Some(present) = presence {
                let p = Expr::Atom(Atom::Present(key_of(&parts[0])));
                parts.push(if present { p } else { Expr::Not(Box::new(p)) });
            }
            match shape {
                0 | 1 => Expr::And(parts),
                2 => Expr::Or(parts),
                _ => {
                    let last = parts.pop().unwrap();
                    Expr::Or(vec![Expr::And(parts), last])
                }
            }
        })
}

fn key_of(e: &Expr) -> Key {
    match e {
        Expr::Not(inner) => key_of(inner),
        Expr::Atom(Atom::Test { key, .. } | Atom::Present(key)) => key.clone(),
        _ => unreachable!("same-key parts are tests"),
    }
}
