//! Speed of `gov::diff` against size, at 1×, 10× and 100×:
//!
//! - the corpus (`support/diff_corpus.rs`): two versions of 1,000, 10,000
//!   and 100,000 rules in policies of ten;
//! - the shapes of `support/diff_shapes.rs`: many rules on one action, long
//!   value lists, many keys in one `or` and in one `and`, one big policy
//!   with a few changes, and that policy against itself.
//!
//! Prints the time of each diff and its growth per 10× (the budget: at most
//! 12× per 10×, and 1 s for the 1,000-rule policy and the 10,000-rule
//! corpus). Budgets are reported, not asserted (see `support/timing.rs`).
//!
//! `cargo bench --bench diff`; `GOV_DIFF_SHAPES=rules,lists` and
//! `GOV_DIFF_SCALES=1,10` pick shapes (`corpus` is one) and scales;
//! `GOV_DIFF_SHOW=1` prints the reports at 1×; `GOV_DIFF_WRITE=DIR` only
//! writes each shape's two versions to `DIR/<shape>-<scale>x/{old,new}/`
//! for timing the binary (`gov diff DIR/rules-10x/old DIR/rules-10x/new`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/diff_corpus.rs"]
mod diff_corpus;
#[path = "support/diff_shapes.rs"]
mod diff_shapes;
#[path = "support/timing.rs"]
mod timing;

use gov::catalog::Catalog;
use gov::diff::{self, DiffReport, Side};
use gov::iam::PolicyDocument;
use gov::ir::Policy;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Policies of the 1× corpus (ten rules each).
const BASE_POLICIES: usize = 100;
const BUDGET: Duration = Duration::from_secs(1);
/// The most a diff may grow per 10× of its input.
const MAX_GROWTH: f64 = 12.0;

type Compiled = Vec<(Arc<Policy>, PolicyDocument)>;

fn listed(var: &str, default: &[&str]) -> Vec<String> {
    match std::env::var(var) {
        Ok(v) => v.split(',').map(|s| s.trim().to_string()).collect(),
        Err(_) => default.iter().map(|s| s.to_string()).collect(),
    }
}

fn sources(shape: &str, scale: usize) -> (Vec<String>, Vec<String>) {
    if shape == "corpus" {
        let policies = BASE_POLICIES * scale;
        (
            diff_corpus::corpus(policies, 0),
            diff_corpus::corpus(policies, 1),
        )
    } else {
        let (old, new) = diff_shapes::shape(shape, scale);
        (vec![old], vec![new])
    }
}

fn compile(files: &[String]) -> Compiled {
    diff_corpus::compile(files)
}

fn summary(report: &DiffReport) -> String {
    let widened: usize = report.changes.iter().map(|c| c.widens.len()).sum();
    let narrowed: usize = report.changes.iter().map(|c| c.narrows.len()).sum();
    format!(
        "{} changes, {widened} widened and {narrowed} narrowed actions, exhaustive: {}",
        report.changes.len(),
        report.exhaustive()
    )
}

fn write(dir: &str, shape: &str, scale: usize) {
    let (old, new) = sources(shape, scale);
    for (side, files) in [("old", old), ("new", new)] {
        let folder = std::path::Path::new(dir).join(format!("{shape}-{scale}x/{side}"));
        std::fs::create_dir_all(&folder).unwrap();
        for (i, text) in files.iter().enumerate() {
            std::fs::write(folder.join(format!("part{i}.gov")), text).unwrap();
        }
    }
}

fn main() {
    let shapes = listed(
        "GOV_DIFF_SHAPES",
        &["corpus", "rules", "lists", "keys", "and", "policy", "self"],
    );
    let scales: Vec<usize> = listed("GOV_DIFF_SCALES", &["1", "10", "100"])
        .iter()
        .map(|s| s.parse().expect("a scale"))
        .collect();
    if let Ok(dir) = std::env::var("GOV_DIFF_WRITE") {
        for shape in &shapes {
            for &scale in &scales {
                write(&dir, shape, scale);
            }
        }
        println!("written to {dir}");
        return;
    }
    let catalog = Catalog::embedded().expect("embedded catalog");
    let mut budgets = timing::Budgets::default();
    for shape in &shapes {
        let mut times: Vec<(usize, Duration)> = Vec::new();
        for &scale in &scales {
            let (old_src, new_src) = sources(shape, scale);
            let start = Instant::now();
            let old = compile(&old_src);
            let new = compile(&new_src);
            let compiled = start.elapsed();
            let rules: usize = old.iter().map(|(p, _)| p.rules.len()).sum();
            let runs = if scale >= 100 { 1 } else { 3 };
            let (elapsed, report) = timing::best_of(runs, || {
                diff::diff(&Side::new(&old), &Side::new(&new), catalog)
            });
            println!(
                "{shape:>7} {scale:>3}x: {rules:>6} rules: diff {} (best of {runs}), {}; both sides compiled in {}",
                timing::secs(elapsed),
                summary(&report),
                timing::secs(compiled),
            );
            if scale == 1 && std::env::var_os("GOV_DIFF_SHOW").is_some() {
                println!("{}", diff::render_human(&report));
            }
            if let Some(&(before, t)) = times.last() {
                // growth per 10×, from this step's factor
                let factor = scale as f64 / before as f64;
                let ratio = elapsed.as_secs_f64() / t.as_secs_f64().max(1e-6);
                let per_ten = ratio.powf(1.0 / factor.log10());
                println!(
                    "{shape:>7}: {before}x -> {scale}x grew {ratio:.1}x ({per_ten:.1}x per 10x)"
                );
                budgets.check(
                    &format!("{shape} grows at most {MAX_GROWTH}x per 10x ({before}x -> {scale}x)"),
                    per_ten <= MAX_GROWTH,
                );
            }
            let one_second = match (shape.as_str(), scale) {
                ("policy", 1) => Some("the 1,000-rule policy"),
                ("corpus", 10) => Some("the 10,000-rule corpus"),
                _ => None,
            };
            if let Some(what) = one_second {
                budgets.check(
                    &format!("diff of {what} <= {}", timing::secs(BUDGET)),
                    elapsed <= BUDGET,
                );
            }
            times.push((scale, elapsed));
        }
    }
    budgets.finish();
}
