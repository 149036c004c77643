#![no_main]
//! The diff is exact on small cases: two versions of one small policy drawn
//! from the input (`gov_fuzz::pairs`); every request of a pool wider than the
//! values the versions mention whose decision differs is reported for its
//! action in its direction, every reported witness differs as stated, and
//! each version compared with itself shows no change.

use gov::diff::{self, Side};
use gov::eval::{Decision, Request};
use gov::iam::PolicyDocument;
use gov::ir::{Policy, PolicyKind};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn compile(src: &str) -> Option<Vec<(std::sync::Arc<Policy>, PolicyDocument)>> {
    let c = gov::compile_texts(&[("p.gov", src)], gov_fuzz::catalog());
    (!c.has_errors() && c.documents.len() == 1).then_some(c.documents)
}

fn decide(kind: PolicyKind, doc: &PolicyDocument, r: &Request) -> Decision {
    gov::testing::decide(kind, doc, r).decision
}

fn requests() -> &'static [Request] {
    static POOL: OnceLock<Vec<Request>> = OnceLock::new();
    POOL.get_or_init(gov_fuzz::pairs::requests)
}

fuzz_target!(|data: &[u8]| {
    let (_, old_src, new_src) = gov_fuzz::pairs::pair(data);
    let (Some(old), Some(new)) = (compile(&old_src), compile(&new_src)) else {
        return;
    };
    let catalog = gov_fuzz::catalog();
    for side in [&old, &new] {
        let side = Side::new(side);
        let report = diff::diff(&side, &side, catalog);
        assert!(report.changes.is_empty(), "{}", diff::render_human(&report));
    }
    let report = diff::diff(&Side::new(&old), &Side::new(&new), catalog);
    let shown = || {
        format!(
            "old:\n{old_src}new:\n{new_src}{}",
            diff::render_human(&report)
        )
    };
    let (old_kind, old_doc) = (old[0].0.kind, &old[0].1);
    let (new_kind, new_doc) = (new[0].0.kind, &new[0].1);
    let change = report.changes.first();
    if let Some(c) = change {
        for (findings, widening) in [(&c.widens, true), (&c.narrows, false)] {
            for f in findings {
                let w = &f.witness;
                let mut r = Request::new(w.action.clone());
                r.resource = w.resource.clone();
                for (k, v) in &w.context {
                    r.set_key(k, v.iter().cloned());
                }
                // The principal is read from the context, as `gov test` does.
                r.principal = ["aws:PrincipalArn", "aws:PrincipalServiceName"]
                    .iter()
                    .find_map(|k| r.values(k).and_then(|v| v.first().cloned()));
                let before = decide(old_kind, old_doc, &r);
                let after = decide(new_kind, new_doc, &r);
                assert_eq!(before, w.old_decision, "witness {r:?}\n{}", shown());
                assert_eq!(after, w.new_decision, "witness {r:?}\n{}", shown());
                assert_eq!(after == Decision::Allow, widening, "{}", shown());
            }
        }
    }
    if change.is_some_and(|c| !c.exhaustive) {
        // Sampled: what it did not examine it may have missed.
        return;
    }
    for r in requests() {
        let was = decide(old_kind, old_doc, r) == Decision::Allow;
        let is = decide(new_kind, new_doc, r) == Decision::Allow;
        if was == is {
            continue;
        }
        let found = change.is_some_and(|c| {
            let list = if is { &c.widens } else { &c.narrows };
            list.iter().any(|f| f.action == r.action)
        });
        assert!(
            found,
            "missed: {r:?} {}\n{}",
            if is { "widens" } else { "narrows" },
            shown()
        );
    }
});
