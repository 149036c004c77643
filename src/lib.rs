//! gov: a typed language for cloud compliance rules, compiled to IAM policies and SCPs.
//!
//! The pipeline, one module per stage:
//! [`syntax`] (pest → AST with spans) → [`check`] (names, types, lints → typed
//! [`ir`]) → lowering and emission. The [`catalog`] of AWS actions and
//! condition keys is what the checker checks against; [`rules`] holds the IAM
//! facts that need no syntax, which the checker and the JSON linter
//! ([`jsonlint`]) both apply; [`load`] reads sources and their imports;
//! [`diag`] renders every stage's diagnostics.
//!
//! [`compile_paths`] / [`compile_texts`] run load → check → lower in one
//! call and return a [`Compilation`] (sources, program, every diagnostic,
//! documents) that builds ([`Compilation::build`]), runs its tests and feeds
//! the diff; [`jsonlint::lint`], [`import::import_with`],
//! [`format::format_paths`] and [`diff::diff`] are the other entries.

pub mod catalog;
pub mod check;
pub mod compile;
pub mod config;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod eval;
pub mod format;
pub mod fsutil;
pub mod iam;
pub mod import;
pub mod ir;
pub(crate) mod json;
pub mod jsonlint;
pub mod load;
pub mod lower;
pub mod org;
pub mod policy;
pub mod rules;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod watch;

pub use compile::{Compilation, compile_paths, compile_texts};
