//! Properties the compiler relies on: printing a document and reading it back
//! changes no decision, and negating an operator (with the set qualifier
//! flipped) negates the condition, absent keys included.

use gov::eval::{Request, evaluate_document, statement_matches};
use gov::iam::{Actions, BaseOperator, Condition, PolicyDocument, Resources, Statement};
use gov::policy::Effect;
use proptest::prelude::*;

const KEYS: [&str; 3] = ["svc:A", "svc:B", "aws:PrincipalTag/t"];
const WORDS: [&str; 5] = ["x", "y", "x*", "${aws:PrincipalTag/t}", "10"];
const OPERATORS: [&str; 10] = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "ForAnyValue:StringNotLike",
    "ForAllValues:StringEquals",
    "StringEqualsIfExists",
    "Null",
    "NumericLessThan",
    "ArnLike",
    "Bool",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS.to_vec()).prop_map(str::to_string)
}

fn condition() -> impl Strategy<Value = Condition> {
    (
        prop::sample::select(OPERATORS.to_vec()),
        prop::sample::select(KEYS.to_vec()),
        prop::collection::vec(word(), 1..3),
    )
        .prop_map(|(op, key, values)| Condition {
            operator: op.into(),
            key: key.to_string(),
            values: if op == "Null" {
                vec!["true".to_string()]
            } else {
                values
            },
        })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(condition(), 0..4),
    )
        .prop_map(|(deny, not_action, conditions)| Statement {
            sid: None,
            effect: if deny { Effect::Deny } else { Effect::Allow },
            principal: None,
            actions: if not_action {
                Actions::NotAction(vec!["s3:*".to_string()])
            } else {
                Actions::Action(vec!["svc:*".to_string()])
            },
            resources: Some(Resources::Resource(vec!["*".to_string()])),
            conditions,
        })
}

fn request() -> impl Strategy<Value = Request> {
    prop::collection::vec(
        (
            prop::sample::select(KEYS.to_vec()),
            prop::collection::vec(word(), 0..3),
        ),
        0..4,
    )
    .prop_map(|entries| {
        entries
            .into_iter()
            .fold(Request::new("svc:Do"), |req, (k, v)| req.with_key(k, v))
    })
}

proptest! {
    #[test]
    fn printing_and_reading_back_changes_no_decision(
        statements in prop::collection::vec(statement(), 1..4),
        requests in prop::collection::vec(request(), 1..6),
    ) {
        let doc = PolicyDocument {
            version: Some("2012-10-17".to_string()),
            id: None,
            statements,
        };
        for pretty in [false, true] {
            let text = doc.to_canonical_json(pretty);
            prop_assert!(text.is_ascii());
            let back = PolicyDocument::from_json(&text).unwrap();
            prop_assert_eq!(back.to_canonical_json(pretty), text.clone());
            for req in &requests {
                prop_assert_eq!(evaluate_document(&doc, req), evaluate_document(&back, req));
            }
        }
    }

    #[test]
    fn negation_with_flipped_qualifier_is_the_complement(
        values in prop::collection::vec(word(), 1..3),
        request_values in prop::collection::vec(word(), 0..3),
        base_index in 0usize..8,
    ) {
        let positives = [
            BaseOperator::StringEquals,
            BaseOperator::StringEqualsIgnoreCase,
            BaseOperator::StringLike,
            BaseOperator::NumericEquals,
            BaseOperator::DateEquals,
            BaseOperator::IpAddress,
            BaseOperator::ArnEquals,
            BaseOperator::ArnLike,
        ];
        let base = positives[base_index];
        let negated = base.complement().unwrap();
        let holds = |operator: String, req: &Request| {
            let stmt = Statement {
                sid: None,
                effect: Effect::Allow,
                principal: None,
                actions: Actions::Action(vec!["*".to_string()]),
                resources: None,
                conditions: vec![Condition {
                    operator: operator.into(),
                    key: "svc:K".to_string(),
                    values: values.clone(),
                }],
            };
            statement_matches(&stmt, req).unwrap()
        };
        let req = Request::new("svc:Do").with_key("svc:K", request_values.clone());
        // ForAnyValue:op == not ForAllValues:negated(op), for every set (empty too)
        prop_assert_eq!(
            holds(format!("ForAnyValue:{}", base.name()), &req),
            !holds(format!("ForAllValues:{}", negated.name()), &req)
        );
        prop_assert_eq!(
            holds(format!("ForAllValues:{}", base.name()), &req),
            !holds(format!("ForAnyValue:{}", negated.name()), &req)
        );
        // without qualifier, on a key with at most one value (absent included)
        let single = Request::new("svc:Do")
            .with_key("svc:K", request_values.iter().take(1).cloned());
        prop_assert_eq!(
            holds(base.name().to_string(), &single),
            !holds(negated.name().to_string(), &single)
        );
    }
}
