//! IAM facts that need no syntax: what the catalog and IAM say about
//! resolved actions and keys, operators, values and policy kinds.
//!
//! The two front ends, the checker of `.gov` sources (`check`) and the JSON
//! linter (`jsonlint`), resolve their own syntax to what
//! these functions take (catalog actions and keys, operator families, a
//! [`crate::policy::PolicyKind`], an effect) and get typed findings back.
//! Each front end places a finding at its own spans; where a finding reads
//! the same in both, its wording is built here, so the two cannot drift.

pub mod kinds;
pub mod names;
pub mod operators;
pub mod support;
pub mod values;

/// The language a finding is reported in, for the few words that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Front {
    /// `.gov` sources: policies hold rules.
    Gov,
    /// Policy JSON: policies hold statements.
    Json,
}

impl Front {
    /// What holds a condition: a `rule` or a `statement`.
    pub fn statement(self) -> &'static str {
        match self {
            Front::Gov => "rule",
            Front::Json => "statement",
        }
    }
}
