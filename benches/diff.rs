//! Speed of `gov::diff` against corpus size: two versions of a generated
//! corpus (`support/diff_corpus.rs`) of 1,000, 10,000 and 100,000 rules, each
//! diffed exhaustively. Prints the time and the time per rule at each size, so
//! that growth is visible; the budget is 1 s for 1,000 rules.
//!
//! `cargo bench --bench diff` (`GOV_DIFF_SHOW=1` also prints the 1,000-rule
//! report).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/diff_corpus.rs"]
mod diff_corpus;
#[path = "support/timing.rs"]
mod timing;

use gov::catalog::Catalog;
use gov::diff::{self, Side};
use std::time::{Duration, Instant};

/// Policies of the 1× corpus (ten rules each).
const BASE_POLICIES: usize = 100;
const BUDGET_1X: Duration = Duration::from_secs(1);

fn main() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let mut budgets = timing::Budgets::default();
    let mut per_rule = Vec::new();
    for scale in [1, 10, 100] {
        let policies = BASE_POLICIES * scale;
        let start = Instant::now();
        let old = diff_corpus::compile(&diff_corpus::corpus(policies, 0));
        let new = diff_corpus::compile(&diff_corpus::corpus(policies, 1));
        let compiled = start.elapsed();
        let rules: usize = old.iter().map(|(p, _)| p.rules.len()).sum();
        let runs = if scale >= 100 { 1 } else { 3 };
        let (elapsed, report) = timing::best_of(runs, || {
            diff::diff(&Side::new(&old), &Side::new(&new), catalog)
        });
        let widened: usize = report.changes.iter().map(|c| c.widens.len()).sum();
        let narrowed: usize = report.changes.iter().map(|c| c.narrows.len()).sum();
        let unit = elapsed.as_secs_f64() / rules as f64;
        println!(
            "{scale:>3}x: {rules:>6} rules in {:>5} policies: diff {} (best of {runs}; {:.1} µs/rule), \
             {} changes, {widened} widened and {narrowed} narrowed actions, exhaustive: {}; \
             both sides compiled in {}",
            old.len(),
            timing::secs(elapsed),
            unit * 1e6,
            report.changes.len(),
            report.exhaustive(),
            timing::secs(compiled),
        );
        if scale == 1 {
            budgets.check(
                &format!("diff of 1,000 rules <= {}", timing::secs(BUDGET_1X)),
                elapsed <= BUDGET_1X,
            );
            if std::env::var_os("GOV_DIFF_SHOW").is_some() {
                println!("{}", diff::render_human(&report));
            }
        }
        per_rule.push(unit);
    }
    println!(
        "time per rule, 10x / 1x: {:.2}; 100x / 1x: {:.2} (1.00 is linear)",
        per_rule[1] / per_rule[0],
        per_rule[2] / per_rule[0]
    );
    budgets.finish();
}
