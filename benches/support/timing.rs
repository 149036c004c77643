//! What the benches share: the best of several runs, and budgets that are
//! reported, never asserted (machines differ); `BENCH_STRICT=1` makes a
//! missed budget end the bench with exit code 1, as in `benches/check.sh`.

// Each bench uses what it needs of this module.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// The shortest of `runs` runs of `f`, and the result of the last run.
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    match last {
        Some(out) => (best, out),
        None => unreachable!("at least one run"),
    }
}

/// Budgets met and missed, reported at the end.
#[derive(Default)]
pub struct Budgets {
    missed: Vec<String>,
}

impl Budgets {
    /// Prints `what` against its budget and remembers a miss.
    pub fn check(&mut self, what: &str, met: bool) {
        println!("budget {what}: {}", if met { "met" } else { "MISSED" });
        if !met {
            self.missed.push(what.to_string());
        }
    }

    /// Ends the bench: exit code 1 when a budget was missed and
    /// `BENCH_STRICT=1`, else 0.
    pub fn finish(self) {
        if !self.missed.is_empty() && std::env::var("BENCH_STRICT").as_deref() == Ok("1") {
            eprintln!("missed: {}", self.missed.join("; "));
            std::process::exit(1);
        }
    }
}

/// Seconds with three decimals.
pub fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}
