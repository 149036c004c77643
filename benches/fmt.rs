//! Speed of `gov::format::format_source` (parse, lay out, re-parse and
//! compare) against file size: a generated file (`support/fmt_corpus.rs`) of
//! 1,000, 3,000 and 10,000 rules (10,000 rules are 1.6 MiB; 100,000 would
//! come close to the 16 MiB limit of one source file). Prints rules per
//! second and the time per rule at each size, so that growth is visible; the
//! budget is linear time (the time per rule at 10,000 rules within 1.5× of
//! that at 1,000).
//!
//! `cargo bench --bench fmt`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fmt_corpus.rs"]
mod fmt_corpus;
#[path = "support/timing.rs"]
mod timing;

const RUNS: usize = 3;

fn main() {
    let mut budgets = timing::Budgets::default();
    let mut per_rule = Vec::new();
    for rules in [1_000, 3_000, 10_000] {
        let text = fmt_corpus::corpus(rules);
        let (parse, _) = timing::best_of(RUNS, || gov::syntax::parse(0, &text));
        let (format, formatted) =
            timing::best_of(RUNS, || gov::format::format_source(0, &text).unwrap());
        assert!(!formatted.is_empty());
        let secs = format.as_secs_f64();
        println!(
            "{rules:>6} rules, {:>5} KiB: format {:>8.1} ms ({:>7.0} rules/s, {:.2} µs/rule; one parse alone {:.1} ms)",
            text.len() / 1024,
            secs * 1e3,
            rules as f64 / secs,
            secs * 1e6 / rules as f64,
            parse.as_secs_f64() * 1e3,
        );
        per_rule.push(secs / rules as f64);
    }
    let ratio = per_rule[2] / per_rule[0];
    println!("time per rule, 10,000 vs 1,000 rules: {ratio:.2}x (1.00 is linear)");
    budgets.check(
        "formatting time linear in the rules (<= 1.5x)",
        ratio <= 1.5,
    );
    budgets.finish();
}
