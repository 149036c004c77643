#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Packing never changes meaning: for random guardrails attached at one node
//! (with or without `FullAWSAccess`, below a root with guardrails of its
//! own) and random requests, deciding through the packed documents gives the
//! decision of the guardrails as written, at every size limit and number of
//! places that the packing accepts; every packed document is within the
//! limit and holds each Sid once.

use gov::eval::{Request, full_aws_access};
use gov::iam::{Actions, Condition, PolicyDocument, Resources, Statement};
use gov::org::eval::{Level, decide};
use gov::org::pack::{Attached, pack};
use gov::policy::{Effect, PolicyKind};
use proptest::prelude::*;
use std::collections::HashSet;

const ACTIONS: [&str; 6] = [
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "s3:*",
    "ec2:*",
    "*",
];
const REQUEST_ACTIONS: [&str; 4] = [
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:CreateUser",
];
const KEYS: [&str; 2] = ["aws:PrincipalTag/team", "aws:RequestedRegion"];
const WORDS: [&str; 4] = ["a", "b", "eu-*", "us-east-1"];
const OPERATORS: [&str; 4] = ["StringEquals", "StringNotEquals", "StringLike", "Null"];
const SIDS: [&str; 4] = ["Guard", "Deny", "Stop", "Guard"];

fn condition() -> impl Strategy<Value = Condition> {
    (
        prop::sample::select(OPERATORS.to_vec()),
        prop::sample::select(KEYS.to_vec()),
        prop::collection::vec(prop::sample::select(WORDS.to_vec()), 1..6),
    )
        .prop_map(|(op, key, values)| Condition {
            operator: op.into(),
            key: key.to_string(),
            values: if op == "Null" {
                vec!["true".to_string()]
            } else {
                values.into_iter().map(str::to_string).collect()
            },
        })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        0u8..5,
        prop::sample::select(ACTIONS.to_vec()),
        prop::collection::vec(condition(), 0..3),
        prop::option::of((prop::sample::select(SIDS.to_vec()), 0usize..40)),
    )
        .prop_map(|(effect, action, conditions, sid)| Statement {
            sid: sid.map(|(s, pad)| format!("{s}{}", "P".repeat(pad))),
            // mostly Deny, as guardrails are
            effect: if effect == 0 {
                Effect::Allow
            } else {
                Effect::Deny
            },
            principal: None,
            actions: Actions::Action(vec![action.to_string()]),
            resources: Some(Resources::Resource(vec!["*".to_string()])),
            conditions,
        })
}

fn guardrail() -> impl Strategy<Value = PolicyDocument> {
    prop::collection::vec(statement(), 1..7).prop_map(|statements| PolicyDocument {
        version: Some("2012-10-17".to_string()),
        id: None,
        statements,
    })
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop::sample::select(REQUEST_ACTIONS.to_vec()),
        prop::collection::vec(
            (
                prop::sample::select(KEYS.to_vec()),
                prop::sample::select(WORDS.to_vec()),
            ),
            0..3,
        ),
    )
        .prop_map(|(action, entries)| {
            entries
                .into_iter()
                .fold(Request::new(action), |req, (k, v)| req.with_key(k, [v]))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn packing_never_changes_meaning(
        guardrails in prop::collection::vec(guardrail(), 1..8),
        root_guardrail in guardrail(),
        full in any::<bool>(),
        limit in 400usize..4_000,
        slots in 1usize..10,
        requests in prop::collection::vec(request(), 1..12),
    ) {
        let names: Vec<String> = (0..guardrails.len()).map(|i| format!("G{i}")).collect();
        let attached: Vec<Attached<'_>> = names
            .iter()
            .zip(&guardrails)
            .map(|(name, doc)| Attached { name, doc })
            .collect();
        let Ok(packed) = pack(PolicyKind::Scp, &attached, limit, slots) else {
            return Ok(());
        };
        prop_assert!(packed.len() <= slots);
        for p in &packed {
            prop_assert!(p.size <= limit);
            let mut sids = HashSet::new();
            for s in &p.doc.statements {
                if let Some(sid) = &s.sid {
                    prop_assert!(sids.insert(sid.to_ascii_lowercase()), "{} twice", sid);
                }
            }
        }
        let statements: usize = guardrails.iter().map(|g| g.statements.len()).sum();
        let packed_statements: usize = packed.iter().map(|p| p.doc.statements.len()).sum();
        prop_assert_eq!(statements, packed_statements);

        let allow_all = full_aws_access();
        let identity = [("AllowAll", &allow_all)];
        let root = Level {
            path: "Root",
            scps: vec![("R", &root_guardrail)],
            full_aws_access: true,
            rcps: vec![],
        };
        let original = Level {
            path: "Root/Node",
            scps: attached.iter().map(|a| (a.name, a.doc)).collect(),
            full_aws_access: full,
            rcps: vec![],
        };
        let packed_names: Vec<String> = (0..packed.len()).map(|i| format!("P{i}")).collect();
        let rebuilt = Level {
            path: "Root/Node",
            scps: packed_names.iter().map(String::as_str).zip(packed.iter().map(|p| &p.doc)).collect(),
            full_aws_access: full,
            rcps: vec![],
        };
        for req in &requests {
            let a = decide(&[root.clone(), original.clone()], &identity, &[], req);
            let b = decide(&[root.clone(), rebuilt.clone()], &identity, &[], req);
            prop_assert_eq!(a.decision, b.decision, "{:?}", req);
            prop_assert_eq!(a.node, b.node);
        }
    }
}
