#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property: for random pairs of policies, every request (drawn from value
//! pools wider than the diff's representatives) whose decision changes is
//! reported for its action in its direction, and every reported witness
//! really changes as stated.
//!
//! `PROPTEST_CASES=2000 cargo test --release --test diff_props` for more.

use gov::catalog::Catalog;
use gov::diff::{self, Side};
use gov::eval::{Decision, Request};
use gov::iam::PolicyDocument;
use gov::ir::{Policy, PolicyKind};
use proptest::prelude::*;

const CREATE_APP: &str = "sagemaker:CreateApp";
const DESCRIBE: &str = "sagemaker:DescribeDomain";
const GET: &str = "s3:GetObject";

fn atom(typed: bool) -> BoxedStrategy<String> {
    let strings = prop::sample::select(vec!["\"a\"", "\"b\"", "\"ab\"", "\"\""]);
    let globs = prop::sample::select(vec![
        "\"a*\"", "\"*b\"", "\"?b\"", "\"a?\"", "\"*\"", "\"a*b\"",
    ]);
    let cidrs = prop::sample::select(vec![
        "\"10.0.0.0/8\"",
        "\"10.1.0.0/16\"",
        "\"10.1.2.0/24\"",
        "\"192.0.2.0/24\"",
        "\"10.1.2.3\"",
    ]);
    let numbers = prop::sample::select(vec!["50", "100", "50.5"]);
    let types = prop::sample::select(vec![
        "\"ml.t3.medium\"",
        "\"ml.m5.large\"",
        "\"system\"",
        "\"ml.t3.*\"",
        "\"ml.*\"",
    ]);
    let mut options: Vec<BoxedStrategy<String>> = vec![
        (prop::sample::select(vec!["==", "!="]), strings.clone())
            .prop_map(|(op, v)| format!("aws:PrincipalTag/team {op} {v}"))
            .boxed(),
        (
            prop::sample::select(vec!["in", "not in"]),
            prop::collection::vec(strings.clone(), 1..3),
        )
            .prop_map(|(op, v)| format!("aws:PrincipalTag/team {op} [{}]", v.join(", ")))
            .boxed(),
        (
            prop::sample::select(vec!["like", "not like"]),
            prop::collection::vec(globs, 1..3),
        )
            .prop_map(|(op, v)| format!("aws:PrincipalTag/team {op} [{}]", v.join(", ")))
            .boxed(),
        prop::sample::select(vec!["present", "absent"])
            .prop_map(|p| format!("aws:PrincipalTag/team {p}"))
            .boxed(),
        Just("aws:PrincipalTag/team == ${aws:username}".to_string()).boxed(),
        (
            prop::sample::select(vec!["in", "not in"]),
            prop::collection::vec(cidrs, 1..3),
        )
            .prop_map(|(op, v)| format!("aws:SourceIp {op} [{}]", v.join(", ")))
            .boxed(),
        (prop::sample::select(vec!["<", "<=", ">", ">="]), numbers)
            .prop_map(|(op, v)| format!("aws:MultiFactorAuthAge {op} {v}"))
            .boxed(),
        prop::sample::select(vec!["true", "false"])
            .prop_map(|b| format!("aws:SecureTransport == {b}"))
            .boxed(),
        (
            prop::sample::select(vec!["like", "not like"]),
            prop::collection::vec(
                prop::sample::select(vec![
                    "\"arn:aws:iam::*:role/a*\"",
                    "\"arn:aws:iam::111122223333:*\"",
                    "\"arn:aws:iam::111122223333:role/ab\"",
                    "\"arn:*:iam::*:user/*\"",
                ]),
                1..3,
            ),
        )
            .prop_map(|(op, v)| format!("aws:PrincipalArn {op} [{}]", v.join(", ")))
            .boxed(),
    ];
    if typed {
        options.push(
            (
                prop::sample::select(vec![
                    "any in",
                    "all in",
                    "any not in",
                    "all not in",
                    "any like",
                    "all like",
                    "any not like",
                    "all not like",
                ]),
                prop::collection::vec(types, 1..3),
            )
                .prop_map(|(op, v)| format!("sagemaker:InstanceTypes {op} [{}]", v.join(", ")))
                .boxed(),
        );
        options.push(
            prop::sample::select(vec!["present", "absent"])
                .prop_map(|p| format!("sagemaker:InstanceTypes {p}"))
                .boxed(),
        );
    }
    prop::strategy::Union::new(options).boxed()
}

fn condition(typed: bool) -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        atom(typed).prop_map(|a| format!(" when {a}")),
        atom(typed).prop_map(|a| format!(" unless {a}")),
        (atom(typed), atom(typed)).prop_map(|(a, b)| format!(" when {a} and {b}")),
        (atom(typed), atom(typed)).prop_map(|(a, b)| format!(" when {a} or {b}")),
        (atom(typed), atom(typed)).prop_map(|(a, b)| format!(" when {a} unless {b}")),
    ]
    .boxed()
}

fn rule(scp: bool) -> BoxedStrategy<String> {
    let effect = if scp {
        Just("deny").boxed()
    } else {
        prop::sample::select(vec!["allow", "allow", "deny"]).boxed()
    };
    let resources = prop::collection::vec(
        prop::sample::select(vec![
            "\"arn:aws:s3:::b/*\"",
            "\"arn:aws:s3:::b/a*\"",
            "\"arn:aws:s3:::b/?b\"",
            "\"arn:aws:s3:::*/x\"",
            "\"arn:aws:s3:::b/a:*\"",
            "\"arn:aws:s3:::b/${aws:username}/*\"",
        ]),
        1..3,
    );
    prop_oneof![
        (
            effect.clone(),
            prop::sample::select(vec!["", "* except "]),
            resources,
            condition(false)
        )
            .prop_map(|(e, except, r, c)| format!(
                "    {e} {GET} on {except}[{}]{c}\n",
                r.join(", ")
            )),
        (effect.clone(), condition(true)).prop_map(|(e, c)| format!("    {e} {CREATE_APP}{c}\n")),
        (effect.clone(), condition(false)).prop_map(|(e, c)| format!("    {e} {DESCRIBE}{c}\n")),
        (effect, condition(false))
            .prop_map(|(e, c)| format!("    {e} [{CREATE_APP}, {DESCRIBE}]{c}\n")),
    ]
    .boxed()
}

fn policy(scp: bool) -> BoxedStrategy<String> {
    prop::collection::vec(rule(scp), 1..4)
        .prop_map(move |rules| {
            format!(
                "{} P {{\n{}}}\n",
                if scp { "scp" } else { "policy" },
                rules.concat()
            )
        })
        .boxed()
}

fn pair() -> BoxedStrategy<(bool, String, String)> {
    any::<bool>()
        .prop_flat_map(|scp| (Just(scp), policy(scp), policy(scp)))
        .boxed()
}

/// `None` when the text does not check or lower (conflicting conditions, a
/// rule that never matches, …).
fn compile(src: &str) -> Option<Vec<(std::sync::Arc<Policy>, PolicyDocument)>> {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let compilation = gov::compile_texts(&[("p.gov", src)], catalog);
    if compilation.has_errors() || compilation.documents.len() != 1 {
        return None;
    }
    Some(compilation.documents)
}

/// Requests over value pools wider than the representatives.
fn requests() -> Vec<Request> {
    let teams: [Option<&str>; 10] = [
        None,
        Some("a"),
        Some("b"),
        Some("ab"),
        Some("ba"),
        Some("abb"),
        Some(""),
        Some("A"),
        Some("xb"),
        Some("c"),
    ];
    let users: [Option<&str>; 4] = [None, Some("a"), Some("ab"), Some("z")];
    let ips: [Option<&str>; 6] = [
        None,
        Some("10.0.0.1"),
        Some("10.1.2.3"),
        Some("10.1.2.200"),
        Some("10.1.9.9"),
        Some("172.16.0.1"),
    ];
    let ages: [Option<&str>; 8] = [
        None,
        Some("0"),
        Some("50"),
        Some("50.25"),
        Some("50.5"),
        Some("75"),
        Some("100"),
        Some("5000"),
    ];
    let secure: [Option<&str>; 3] = [None, Some("true"), Some("false")];
    let principals: [Option<&str>; 5] = [
        None,
        Some("arn:aws:iam::111122223333:role/ab"),
        Some("arn:aws:iam::111122223333:role/b"),
        Some("arn:aws:iam::444455556666:role/ax"),
        Some("arn:aws:iam::444455556666:user/u"),
    ];
    let resources: [Option<&str>; 9] = [
        None,
        Some("arn:aws:s3:::b/x"),
        Some("arn:aws:s3:::b/ab"),
        Some("arn:aws:s3:::b/a/x"),
        Some("arn:aws:s3:::b/ab/x"),
        Some("arn:aws:s3:::c/x"),
        Some("arn:aws:s3:::b/bb"),
        Some("arn:aws:s3:::b/a:b"),
        Some("arn:aws:s3:::b/z/y"),
    ];
    let types: [&[&str]; 7] = [
        &[],
        &["ml.t3.medium"],
        &["ml.g5.xlarge"],
        &["system", "ml.t3.large"],
        &["ml.t3.medium", "ml.m5.large"],
        &["ml.p4d.24xlarge", "system", "ml.t3.medium"],
        &["ml.t3.medium", "ml.t3.large", "ml.m5.large"],
    ];
    let mut out = Vec::new();
    // a deterministic walk through the product, not all of it
    let mut n: usize = 0;
    for team in teams {
        for user in users {
            for ip in ips {
                for age in ages {
                    n += 1;
                    let s = secure[n % secure.len()];
                    let t = types[(n / 3) % types.len()];
                    for action in [CREATE_APP, DESCRIBE, GET] {
                        if !n.is_multiple_of(7) && action == DESCRIBE {
                            continue;
                        }
                        let mut r = Request::new(action);
                        if action == GET {
                            r.resource = resources[(n / 2) % resources.len()].map(str::to_string);
                        }
                        let principal = principals[(n / 5) % principals.len()];
                        let mut set = |k: &str, v: Option<&str>| {
                            if let Some(v) = v {
                                r.set_key(k, [v]);
                            }
                        };
                        set("aws:PrincipalTag/team", team);
                        set("aws:username", user);
                        set("aws:SourceIp", ip);
                        set("aws:MultiFactorAuthAge", age);
                        set("aws:SecureTransport", s);
                        set("aws:PrincipalArn", principal);
                        if action == CREATE_APP {
                            r.set_key("sagemaker:InstanceTypes", t.iter().copied());
                        }
                        out.push(r);
                    }
                }
            }
        }
    }
    out
}

fn allowed(kind: PolicyKind, doc: &PolicyDocument, req: &Request) -> bool {
    gov::testing::decide(kind, doc, req).decision == Decision::Allow
}

/// The same rules added to both versions: many statements on the actions
/// the changes touch, that decide nothing the changes do not.
fn filler(scp: bool, n: usize) -> String {
    let effect = if scp { "deny" } else { "allow" };
    (0..n)
        .map(|i| match i % 3 {
            0 => format!("    {effect} {CREATE_APP} when aws:PrincipalTag/team == \"t{i}\" and aws:username == \"u{i}\"\n"),
            1 => format!("    {effect} {GET} on \"arn:aws:s3:::bucket-{i}/${{aws:username}}/*\"\n"),
            _ => format!("    {effect} {DESCRIBE} when aws:SourceIp in [\"10.{}.0.0/16\"] and aws:username == \"u{i}\"\n", i % 250),
        })
        .collect()
}

/// Every witness changes as stated, and every request of the pools whose
/// decision changes is reported. Unless `bounded` may be met, the diff must
/// be exhaustive; where it is not, it must say so in its notes, and only its
/// witnesses are checked.
fn check_pair(old_src: &str, new_src: &str, bounded: bool) -> Result<(), TestCaseError> {
    let old = compile(old_src);
    let new = compile(new_src);
    prop_assume!(old.is_some() && new.is_some());
    let (old, new) = (old.unwrap(), new.unwrap());
    let catalog = Catalog::embedded().unwrap();
    let report = diff::diff(&Side::new(&old), &Side::new(&new), catalog);
    let (old_kind, old_doc) = (old[0].0.kind, &old[0].1);
    let (new_kind, new_doc) = (new[0].0.kind, &new[0].1);
    let change = report.changes.first();
    // every witness changes as stated
    if let Some(c) = change {
        prop_assert!(c.exhaustive || bounded);
        prop_assert_eq!(
            c.exhaustive,
            !c.notes.iter().any(|n| n.starts_with("not exhaustive"))
        );
        for (findings, widening) in [(&c.widens, true), (&c.narrows, false)] {
            for f in findings {
                let w = &f.witness;
                let mut r = Request::new(w.action.clone());
                r.resource = w.resource.clone();
                for (k, v) in &w.context {
                    r.set_key(k, v.iter().cloned());
                }
                let before = gov::testing::decide(old_kind, old_doc, &r).decision;
                let after = gov::testing::decide(new_kind, new_doc, &r).decision;
                prop_assert_eq!(before, w.old_decision);
                prop_assert_eq!(after, w.new_decision);
                prop_assert_eq!(after == Decision::Allow, widening);
            }
        }
    }
    if change.is_some_and(|c| !c.exhaustive) {
        return Ok(());
    }
    // every request whose decision changes is reported
    for req in requests() {
        let was = allowed(old_kind, old_doc, &req);
        let is = allowed(new_kind, new_doc, &req);
        if was == is {
            continue;
        }
        let found = change.is_some_and(|c| {
            let list = if is { &c.widens } else { &c.narrows };
            list.iter().any(|f| f.action == req.action)
        });
        prop_assert!(
            found,
            "missed: {:?} {}\nold:\n{}\nnew:\n{}\n{}",
            req,
            if is { "widens" } else { "narrows" },
            old_src,
            new_src,
            diff::render_human(&report)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn every_changed_request_is_reported((_scp, old_src, new_src) in pair()) {
        check_pair(&old_src, &new_src, false)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// The same, in policies of some 150 rules: the changes among many
    /// statements on the same actions. A policy variable compared with a
    /// key that takes a hundred values can meet the bound on combinations
    /// (reported, never silent).
    #[test]
    fn every_changed_request_is_reported_among_many_rules((scp, old_src, new_src) in pair()) {
        let pad = |src: &str| src.replacen("{\n", &format!("{{\n{}", filler(scp, 150)), 1);
        check_pair(&pad(&old_src), &pad(&new_src), true)?;
    }
}

/// A rule whose list holds `n` values of `aws:PrincipalTag/team`, among
/// which the values the random rules compare it with.
fn long_list(scp: bool, n: usize) -> String {
    let effect = if scp { "deny" } else { "allow" };
    let values: Vec<String> = (0..n)
        .map(|i| format!("\"t{i}\""))
        .chain(["\"a\"".to_string(), "\"ab\"".to_string()])
        .collect();
    format!(
        "    {effect} {CREATE_APP} when aws:PrincipalTag/team in [{}] and aws:username == \"u-long\"\n",
        values.join(", ")
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1))]

    /// The same at a larger size: beside 150 rules on the same actions and
    /// a list of 1,000 values on the key the random rules test.
    #[test]
    fn every_changed_request_is_reported_at_a_large_size((scp, old_src, new_src) in pair()) {
        let pad = |src: &str| {
            src.replacen(
                "{\n",
                &format!("{{\n{}{}", long_list(scp, 1_000), filler(scp, 150)),
                1,
            )
        };
        check_pair(&pad(&old_src), &pad(&new_src), true)?;
    }
}
