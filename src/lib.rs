//! gov: a typed language for cloud compliance rules, compiled to IAM policies and SCPs.
//!
//! The pipeline, one module per stage:
//! [`syntax`] (pest → AST with spans) → [`check`] (names, types, lints → typed
//! [`ir`]) → lowering and emission. The [`catalog`] of AWS actions and
//! condition keys is what the checker checks against; [`rules`] holds the IAM
//! facts that need no syntax, which the checker and the JSON linter
//! ([`jsonlint`]) both apply; [`load`] reads sources and their imports;
//! [`diag`] renders every stage's diagnostics.

pub mod catalog;
pub mod check;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod eval;
pub mod format;
pub mod fsutil;
pub mod iam;
pub mod import;
pub mod ir;
pub mod jsonlint;
pub mod load;
pub mod lower;
pub mod policy;
pub mod rules;
pub mod semantics;
pub mod source;
pub mod syntax;
pub mod testing;

use std::path::PathBuf;

/// Loads and checks the named files and folders.
pub fn check_paths(
    paths: &[PathBuf],
    catalog: &catalog::Catalog,
) -> Result<(load::Loaded, check::Checked), load::LoadError> {
    let loaded = load::load(paths)?;
    let checked = check::check(&loaded, catalog);
    Ok((loaded, checked))
}
