//! The IAM policy document model: identity policies, resource policies, SCPs
//! and RCPs share one grammar.
//!
//! [`PolicyDocument::from_json`] reads any document AWS accepts and refuses
//! what the grammar forbids (IAM User Guide, "Grammar of the IAM JSON policy
//! language", reference_policies_grammar.html). [`PolicyDocument::to_canonical_json`]
//! prints the one canonical form the compiler emits.

mod canonical;
pub(crate) mod date;
mod error;
mod operator;
mod parse;
pub(crate) mod pattern;
pub(crate) mod variables;

pub use error::IamError;
pub use operator::{
    BaseOperator, Operator, OperatorFamily, OperatorReading, OperatorSpec, SetQualifier,
};

use crate::policy::Effect;
use indexmap::IndexMap;

/// Up to this many condition entries, each of up to this many values, a
/// statement's condition blocks are found by scanning rather than hashing.
const SCANNED_CONDITIONS: usize = 8;

/// The policy version that enables policy variables.
pub const VERSION_2012: &str = "2012-10-17";
/// The legacy policy version: `${...}` is literal text under it.
pub const VERSION_2008: &str = "2008-10-17";

/// The content of a `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `"*"`.
    Any,
    /// `"AWS"`, `"Service"`, `"Federated"` or `"CanonicalUser"` to the listed values,
    /// in document order.
    Map(IndexMap<String, Vec<String>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Principal(PrincipalSpec),
    NotPrincipal(PrincipalSpec),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actions {
    Action(Vec<String>),
    NotAction(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resources {
    Resource(Vec<String>),
    NotResource(Vec<String>),
}

/// One (operator, key, values) entry of a `Condition` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The full operator, e.g. `ForAnyValue:StringNotLike`, `StringEqualsIfExists`, `Null`.
    pub operator: Operator,
    pub key: String,
    /// JSON numbers and booleans are kept as their text.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub actions: Actions,
    pub resources: Option<Resources>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// One `"operator": { "key": [values], ... }` block of a `Condition` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionBlock<'a> {
    pub operator: &'a Operator,
    pub entries: Vec<ConditionEntry<'a>>,
}

/// One `"key": [values]` entry inside a [`ConditionBlock`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry<'a> {
    pub key: &'a str,
    pub values: Vec<&'a str>,
}

impl Statement {
    /// The `Condition` element as JSON can hold it: entries with the same
    /// operator text and the same key string are merged into one entry
    /// (their values concatenated, exact duplicates dropped), operators and
    /// keys in order of first appearance in `conditions`.
    ///
    /// A JSON object cannot repeat a key, so merging is the only way to print
    /// two entries with the same (operator, key); it turns their AND into an
    /// OR of values. The evaluator reads conditions through this same view, so
    /// evaluating a `Statement` and evaluating its printed JSON always agree.
    pub fn condition_blocks(&self) -> Vec<ConditionBlock<'_>> {
        // Most conditions are a few entries of a few values: scanning them
        // costs less than hashing; both readings agree (a property test).
        let small = self.conditions.len() <= SCANNED_CONDITIONS
            && self
                .conditions
                .iter()
                .all(|c| c.values.len() <= SCANNED_CONDITIONS);
        self.condition_blocks_with(!small)
    }

    /// [`Statement::condition_blocks`], finding blocks, entries and values
    /// already seen by scanning (quadratic, for small conditions) or, when
    /// `indexed`, in hash indexes beside them (linear: a statement may hold
    /// thousands of keys or values). Blocks, entries and values stay in
    /// first-seen order either way.
    fn condition_blocks_with(&self, indexed: bool) -> Vec<ConditionBlock<'_>> {
        let mut blocks: Vec<ConditionBlock<'_>> = Vec::new();
        let mut index = indexed.then(BlockIndex::default);
        for cond in &self.conditions {
            let operator = cond.operator.as_str();
            let found = match &index {
                Some(ix) => ix.block_of.get(operator).copied(),
                None => blocks.iter().position(|b| b.operator.as_str() == operator),
            };
            let block_index = found.unwrap_or_else(|| {
                blocks.push(ConditionBlock {
                    operator: &cond.operator,
                    entries: Vec::new(),
                });
                if let Some(ix) = &mut index {
                    ix.block_of.insert(operator, blocks.len() - 1);
                }
                blocks.len() - 1
            });
            let Some(block) = blocks.get_mut(block_index) else {
                continue;
            };
            let key = cond.key.as_str();
            let found = match &index {
                Some(ix) => ix.entry_of.get(&(block_index, key)).copied(),
                None => block.entries.iter().position(|e| e.key == key),
            };
            let entry_index = found.unwrap_or_else(|| {
                block.entries.push(ConditionEntry {
                    key,
                    values: Vec::new(),
                });
                if let Some(ix) = &mut index {
                    ix.entry_of
                        .insert((block_index, key), block.entries.len() - 1);
                }
                block.entries.len() - 1
            });
            let Some(entry) = block.entries.get_mut(entry_index) else {
                continue;
            };
            for value in &cond.values {
                let fresh = match &mut index {
                    Some(ix) => ix.seen_values.insert((block_index, entry_index, value)),
                    None => !entry.values.contains(&value.as_str()),
                };
                if fresh {
                    entry.values.push(value);
                }
            }
        }
        blocks
    }
}

/// The hash indexes of [`Statement::condition_blocks_with`]: block by
/// operator, entry by block and key, values seen per entry.
#[derive(Default)]
struct BlockIndex<'a> {
    block_of: std::collections::HashMap<&'a str, usize>,
    entry_of: std::collections::HashMap<(usize, &'a str), usize>,
    seen_values: std::collections::HashSet<(usize, usize, &'a str)>,
}

impl PolicyDocument {
    /// Reads a policy document. Accepts every shape the grammar allows: a
    /// single statement object or an array of them, a bare string for a
    /// one-element array, numbers and booleans as condition values, elements
    /// in any order. Refuses duplicate keys in any object, unknown elements,
    /// a missing or invalid `Effect`, a missing `Action`/`NotAction`, both of
    /// a pair (`Action` and `NotAction`, ...), unknown condition operators,
    /// `NullIfExists`, unknown principal types, and wrong JSON types.
    pub fn from_json(text: &str) -> Result<PolicyDocument, IamError> {
        let node = crate::json::parse(text)
            .map_err(|e| IamError::new(e.message, "").at(e.span).located(text))?;
        if let Some(d) = crate::json::duplicate_keys(&node).into_iter().next() {
            let message = format!("duplicate key `{}`", d.key);
            return Err(IamError::new(message, d.pointer).at(d.again).located(text));
        }
        parse::document(&node).map_err(|e| e.located(text))
    }

    /// The canonical JSON text: element order `Version, Id, Statement`; in a
    /// statement `Sid, Effect, Principal/NotPrincipal, Action/NotAction,
    /// Resource/NotResource, Condition`; `Statement`, `Action`, `Resource`,
    /// principal values and condition values always arrays (`"Principal": "*"`
    /// stays a string); `Condition` as given by [`Statement::condition_blocks`].
    /// Absent optional elements and an empty `Condition` are left out.
    /// Only ASCII is written: `"`, `\`, control characters, DEL and everything
    /// above U+007F are escaped (`\uXXXX`, lowercase hex, surrogate pairs
    /// above U+FFFF). Minified without any whitespace when `pretty` is false;
    /// two-space indentation and `": "` when true. No trailing newline.
    pub fn to_canonical_json(&self, pretty: bool) -> String {
        canonical::document(self, pretty)
    }

    /// The same document with each statement's conditions as
    /// [`Statement::condition_blocks`] reads them: one condition per operator
    /// and key, in first-seen order, each value once. IAM reads the values of
    /// a condition as a set, so this is the same policy; it is the document
    /// the canonical JSON reads back as.
    pub fn with_merged_conditions(&self) -> PolicyDocument {
        let mut out = self.clone();
        for (stmt, original) in out.statements.iter_mut().zip(&self.statements) {
            stmt.conditions = original
                .condition_blocks()
                .iter()
                .flat_map(|block| {
                    block.entries.iter().map(|entry| Condition {
                        operator: block.operator.clone(),
                        key: entry.key.to_string(),
                        values: entry.values.iter().map(|v| v.to_string()).collect(),
                    })
                })
                .collect();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_blocks_merge_same_operator_and_key() {
        let cond = |op: &str, key: &str, values: &[&str]| Condition {
            operator: op.into(),
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        let stmt = Statement {
            sid: None,
            effect: Effect::Deny,
            principal: None,
            actions: Actions::Action(vec!["*".into()]),
            resources: None,
            conditions: vec![
                cond("StringEquals", "k1", &["a"]),
                cond("Null", "k2", &["true"]),
                cond("StringEquals", "k3", &["c"]),
                cond("StringEquals", "k1", &["b", "a"]),
            ],
        };
        let blocks = stmt.condition_blocks();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].operator, "StringEquals");
        assert_eq!(blocks[0].entries[0].key, "k1");
        assert_eq!(blocks[0].entries[0].values, vec!["a", "b"]);
        assert_eq!(blocks[0].entries[1].key, "k3");
        assert_eq!(blocks[1].operator, "Null");
    }

    proptest::proptest! {
        /// The scanned reading of small conditions is the indexed one.
        #[test]
        fn scanned_and_indexed_condition_blocks_agree(
            conditions in proptest::collection::vec(
                (0..3usize, 0..3usize, proptest::collection::vec(0..4usize, 0..5)),
                0..10,
            )
        ) {
            let operators = ["StringEquals", "Null", "stringequals"];
            let stmt = Statement {
                sid: None,
                effect: Effect::Deny,
                principal: None,
                actions: Actions::Action(vec!["*".into()]),
                resources: None,
                conditions: conditions
                    .iter()
                    .map(|(op, key, values)| Condition {
                        operator: operators[*op].into(),
                        key: format!("k{key}"),
                        values: values.iter().map(|v| format!("v{v}")).collect(),
                    })
                    .collect(),
            };
            proptest::prop_assert_eq!(
                stmt.condition_blocks_with(false),
                stmt.condition_blocks_with(true)
            );
        }
    }
}
