//! gov: a typed language for cloud compliance rules, compiled to IAM policies and SCPs.
//!
//! The pipeline, one module per stage:
//! [`syntax`] (pest → AST with spans) → `check` (names, types, lints → typed IR)
//! → lowering and emission (later stages). The `catalog` of AWS actions and
//! condition keys is what the checker checks against; [`diag`] renders every
//! stage's diagnostics.

// pub mod catalog;
pub mod diag;
// pub mod eval;
// pub mod iam;
pub mod syntax;
