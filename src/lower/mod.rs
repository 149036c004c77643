//! Lower: typed IR → IAM policy documents, exactly.
//!
//! A rule's condition is brought to disjunctive normal form; each conjunct
//! becomes one statement (IAM ANDs the entries of a statement, so a
//! disjunction needs several statements: for a `deny` any of them denies, for
//! an `allow` any of them allows). Each literal maps to one IAM entry
//! ([`literal`]); two literals on the same operator and key are merged only
//! where the merged entry means their conjunction, else lowering fails with
//! an error that says why — never an approximation.

mod compact;
mod conjoin;
mod if_exists;
mod impossible;
pub mod literal;
mod sid;

use crate::diag::{Diagnostic, codes};
use crate::iam::{self, BaseOperator, OperatorSpec};
use crate::ir::{self, Atom, Expr};
use conjoin::{Conjoined, Refusal, conjoin};
use literal::{Entry, lower_literal};
use std::collections::{HashMap, HashSet};

/// At most this many statements per rule.
pub const MAX_STATEMENTS_PER_RULE: usize = 64;

type Conjunct = Vec<(Atom, bool)>;

/// Lowers one policy. Errors point at the rule that cannot be lowered.
pub fn lower_policy(policy: &ir::Policy) -> Result<iam::PolicyDocument, Vec<Diagnostic>> {
    lower_policy_traced(policy).map(|(doc, _)| doc)
}

/// Lowers one policy, and says for each statement the index of the rule (in
/// `policy.rules`) it comes from; a statement merged from several rules
/// names the first.
pub fn lower_policy_traced(
    policy: &ir::Policy,
) -> Result<(iam::PolicyDocument, Vec<usize>), Vec<Diagnostic>> {
    let mut statements = Vec::new();
    let mut origins = Vec::new();
    let mut errors = Vec::new();
    let mut sids = sid::Allocator::default();
    for rule in &policy.rules {
        if let Some(fixed) = &rule.sid {
            sids.reserve(fixed);
        }
    }
    for (index, rule) in policy.rules.iter().enumerate() {
        match lower_rule(policy, rule) {
            Ok(mut stmts) => {
                // A statement carries an id only when the source asks for one
                // (README, "Output and limits"): ids cost characters that
                // count against the size limits, and IAM gives them no meaning.
                let explicit = rule.sid.is_some();
                if explicit || policy.sid_prefix.is_some() {
                    let base = sid::base(policy, rule);
                    let count = stmts.len();
                    for (i, stmt) in stmts.iter_mut().enumerate() {
                        let wanted = if count == 1 {
                            base.clone()
                        } else {
                            format!("{base}{}", i + 1)
                        };
                        stmt.sid = Some(sids.take(&wanted, explicit && count == 1));
                    }
                }
                origins.extend(std::iter::repeat_n(index, stmts.len()));
                statements.append(&mut stmts);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Half the kind's limit: a merged statement always fits a document of
    // its own, with room to spare for the envelope and for a neighbour.
    compact::compact(&mut statements, &mut origins, policy.kind.limit().max / 2);
    let doc = iam::PolicyDocument {
        version: Some(iam::VERSION_2012.to_string()),
        id: None,
        statements,
    };
    Ok((doc, origins))
}

fn lower_rule(
    policy: &ir::Policy,
    rule: &ir::Rule,
) -> Result<Vec<iam::Statement>, Vec<Diagnostic>> {
    let file = policy.file;
    let conjuncts = match dnf(&rule.condition, true) {
        Some(c) => c,
        None => {
            return Err(vec![
                Diagnostic::new(
                    codes::E0403,
                    file,
                    rule.span,
                    format!("the condition expands to more than {MAX_STATEMENTS_PER_RULE} IAM statements"),
                )
                .with_label("too many alternatives")
                .with_help("IAM needs one statement per alternative of an `or`; split the rule or use lists (`in [...]`) instead of `or`"),
            ]);
        }
    };
    let mut blocks: Vec<Vec<Entry>> = Vec::new();
    let mut errors = Vec::new();
    for conjunct in &conjuncts {
        let mut entries = Vec::new();
        for (atom, positive) in conjunct {
            match lower_literal(atom, *positive) {
                Ok(e) => entries.push(e),
                Err(why) => errors.push(
                    Diagnostic::new(
                        codes::E0404,
                        file,
                        rule.span,
                        format!("the condition on `{}` has no exact IAM form", why.key),
                    )
                    .with_label(why.reason)
                    .with_help("rewrite the condition; gov never approximates"),
                ),
            }
        }
        match merge(entries) {
            Merged::Entries(e) => {
                if !blocks.contains(&e) {
                    blocks.push(e);
                }
            }
            Merged::Contradiction => {}
            Merged::Conflict {
                key,
                first,
                second,
                why,
            } => errors.push(
                Diagnostic::new(
                    codes::E0401,
                    file,
                    rule.span,
                    format!("conditions `{first}` and `{second}` on `{key}` cannot share one IAM statement"),
                )
                .with_label("these conditions must all hold at once")
                .with_help(why.help()),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let blocks = if_exists::fold_absent(blocks);
    if blocks.is_empty() {
        return Err(vec![
            Diagnostic::new(codes::E0402, file, rule.span, "this rule can never match")
                .with_label("its condition is always false")
                .with_help("a rule that never applies has no effect; fix or remove it"),
        ]);
    }
    let principal = principal(policy.kind, &rule.principals);
    let actions = match &rule.actions {
        ir::Actions::Only(a) => iam::Actions::Action(sorted_actions(a)),
        ir::Actions::AllExcept(a) => iam::Actions::NotAction(sorted_actions(a)),
    };
    // A kind without resources (a trust policy: its resource is the role it
    // is attached to) writes none; the checker refused any a rule named.
    let resources = match &rule.resources {
        _ if !policy.kind.has_resources() => None,
        ir::Resources::Only(r) => Some(iam::Resources::Resource(sorted(r))),
        ir::Resources::AllExcept(r) => Some(iam::Resources::NotResource(sorted(r))),
    };
    let effect = rule.effect;
    Ok(blocks
        .into_iter()
        .map(|entries| iam::Statement {
            sid: None,
            effect,
            principal: principal.clone(),
            actions: actions.clone(),
            resources: resources.clone(),
            conditions: entries
                .into_iter()
                .map(|e| iam::Condition {
                    operator: e.operator.into(),
                    key: e.key,
                    values: e.values,
                })
                .collect(),
        })
        .collect())
}

fn principal(kind: ir::PolicyKind, principals: &[ir::Principal]) -> Option<iam::Principal> {
    match kind {
        ir::PolicyKind::Rcp => Some(iam::Principal::Principal(iam::PrincipalSpec::Any)),
        ir::PolicyKind::ResourcePolicy
        | ir::PolicyKind::KeyPolicy
        | ir::PolicyKind::TrustPolicy => {
            if principals
                .iter()
                .any(|p| p.kind == ir::PrincipalKind::Anyone)
            {
                return Some(iam::Principal::Principal(iam::PrincipalSpec::Any));
            }
            let mut map: indexmap::IndexMap<String, Vec<String>> = indexmap::IndexMap::new();
            for p in principals {
                let name = match p.kind {
                    ir::PrincipalKind::Aws => "AWS",
                    ir::PrincipalKind::Service => "Service",
                    ir::PrincipalKind::Federated => "Federated",
                    ir::PrincipalKind::CanonicalUser => "CanonicalUser",
                    ir::PrincipalKind::Anyone => continue,
                };
                map.entry(name.to_string())
                    .or_default()
                    .extend(p.values.iter().cloned());
            }
            map.sort_keys();
            for values in map.values_mut() {
                *values = sorted(values);
            }
            Some(iam::Principal::Principal(iam::PrincipalSpec::Map(map)))
        }
        _ => None,
    }
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    v.sort();
    v.dedup();
    v
}

/// Actions sorted and de-duplicated ignoring case, as IAM compares them.
fn sorted_actions(items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    // Compared byte by byte lowercased, without a lowercased copy per
    // comparison (the same order as comparing `to_ascii_lowercase` texts).
    v.sort_by(|a, b| {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
            .then(a.cmp(b))
    });
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    v
}

/// Disjunctive normal form of `e` (negated when `positive` is false), with
/// contradictory conjuncts dropped; `None` past the statement limit.
fn dnf(e: &Expr, positive: bool) -> Option<Vec<Conjunct>> {
    let out = match (e, positive) {
        (Expr::True, true) | (Expr::False, false) => vec![Vec::new()],
        (Expr::True, false) | (Expr::False, true) => Vec::new(),
        (Expr::Atom(a), p) => match present_and_not(a) {
            Some(split) => dnf(&split, p)?,
            None => vec![vec![(a.clone(), p)]],
        },
        (Expr::Not(inner), p) => dnf(inner, !p)?,
        (Expr::And(parts), true) | (Expr::Or(parts), false) => {
            // Each conjunct carries an index of its literals, so that a long
            // chain of `and`s is built in linear time: no rescan of the
            // conjunct for duplicates or contradictions at every step, and
            // no copy of it when only one alternative extends it.
            let mut acc: Vec<IndexedConjunct> = vec![IndexedConjunct::default()];
            for part in parts {
                let d = dnf(part, positive)?;
                let mut next = Vec::new();
                for left in acc {
                    let Some((last, rest)) = d.split_last() else {
                        continue;
                    };
                    for right in rest {
                        if let Some(c) = left.clone().extended(right) {
                            next.push(c);
                        }
                        if next.len() > MAX_STATEMENTS_PER_RULE {
                            return None;
                        }
                    }
                    if let Some(c) = left.extended(last) {
                        next.push(c);
                    }
                    if next.len() > MAX_STATEMENTS_PER_RULE {
                        return None;
                    }
                }
                acc = next;
            }
            acc.into_iter().map(|c| c.literals).collect()
        }
        (Expr::Or(parts), true) | (Expr::And(parts), false) => {
            let mut acc = Vec::new();
            for part in parts {
                for c in dnf(part, positive)? {
                    if !acc.contains(&c) {
                        acc.push(c);
                    }
                }
                if acc.len() > MAX_STATEMENTS_PER_RULE {
                    return None;
                }
            }
            acc
        }
    };
    Some(out)
}

/// A single-valued test with its element test negated means "present, and
/// the value fails the test" (false when absent, docs/meaning.md §2), which
/// no one IAM operator says: the negated operators (`StringNotEquals`) are
/// true when the key is absent. It is lowered as `K present and not (test)`,
/// whose parts each have an exact entry. The checker writes `K != v` as
/// `not (K == v)` and never builds this shape; lowering stays exact for it
/// all the same.
fn present_and_not(atom: &Atom) -> Option<Expr> {
    let Atom::Test {
        key,
        quant: ir::Quant::Single,
        op,
        negated: true,
        values,
    } = atom
    else {
        return None;
    };
    let test = Atom::Test {
        key: key.clone(),
        quant: ir::Quant::Single,
        op: *op,
        negated: false,
        values: values.clone(),
    };
    Some(Expr::And(vec![
        Expr::Atom(Atom::Present(key.clone())),
        Expr::Not(Box::new(Expr::Atom(test))),
    ]))
}

/// A conjunct being built, with the atoms it holds positively and negated.
#[derive(Clone, Default)]
struct IndexedConjunct {
    literals: Conjunct,
    positive: HashSet<Atom>,
    negative: HashSet<Atom>,
}

impl IndexedConjunct {
    /// `self and right`, without repeated literals; `None` when it holds an
    /// atom both ways and so can never hold. `self` and `right` are each
    /// free of contradictions (every conjunct `dnf` makes is), so only the
    /// new literals need checking.
    fn extended(mut self, right: &Conjunct) -> Option<IndexedConjunct> {
        for (atom, positive) in right {
            let (same, opposite) = if *positive {
                (&mut self.positive, &self.negative)
            } else {
                (&mut self.negative, &self.positive)
            };
            if opposite.contains(atom) {
                return None;
            }
            if same.insert(atom.clone()) {
                self.literals.push((atom.clone(), *positive));
            }
        }
        Some(self)
    }
}

enum Merged {
    Entries(Vec<Entry>),
    /// The conjunct can never hold: drop it.
    Contradiction,
    Conflict {
        key: String,
        first: String,
        second: String,
        why: Refusal,
    },
}

/// `Null`, which says whether a key is present.
fn is_null(operator: OperatorSpec) -> bool {
    operator.qualifier.is_none() && operator.base == BaseOperator::Null && !operator.if_exists
}

/// Puts a conjunct's entries into one statement's condition: sorted, with
/// entries on the same operator and key merged where that is exact
/// ([`conjoin`]).
fn merge(entries: Vec<Entry>) -> Merged {
    let mut out: Vec<Entry> = Vec::new();
    // (operator, key lowercased) → its entry in `out`: one lookup per entry,
    // so a conjunct of many keys merges in linear time.
    let mut index: HashMap<(OperatorSpec, String), usize> = HashMap::new();
    let mut emptied = false;
    for mut e in entries {
        e.values.sort();
        e.values.dedup();
        let slot = (e.operator, e.key.to_ascii_lowercase());
        let same = index.get(&slot).and_then(|&i| out.get_mut(i));
        let Some(existing) = same else {
            index.insert(slot, out.len());
            out.push(e);
            continue;
        };
        if existing.values == e.values {
            continue;
        }
        if is_null(e.operator) {
            // `Null true` and `Null false` on one key: absent and present.
            return Merged::Contradiction;
        }
        match conjoin(e.operator, &existing.values, &e.values) {
            Conjoined::Values(values) => existing.values = values,
            Conjoined::NoValue => {
                let plain = existing.operator.qualifier.is_none() && !existing.operator.if_exists;
                if plain {
                    // The key is present and its value passes neither.
                    return Merged::Contradiction;
                }
                existing.values.clear();
                emptied = true;
            }
            Conjoined::Refused(why) => {
                return Merged::Conflict {
                    key: e.key.clone(),
                    first: format!("{} {:?}", existing.operator, existing.values),
                    second: format!("{} {:?}", e.operator, e.values),
                    why,
                };
            }
        }
    }
    if emptied {
        // `…IfExists` or `ForAllValues:` of a test no value passes holds
        // exactly when the key has no value: say so with `Null`, and merge
        // again.
        let rewritten = out
            .into_iter()
            .map(|e| {
                if e.values.is_empty() {
                    Entry {
                        operator: OperatorSpec {
                            qualifier: None,
                            base: BaseOperator::Null,
                            if_exists: false,
                        },
                        key: e.key,
                        values: vec!["true".to_string()],
                    }
                } else {
                    e
                }
            })
            .collect();
        return merge(rewritten);
    }
    if impossible::never_holds(&out) {
        // Entries on different operators of one key that no value passes
        // together (`K < 1 and K > 5`).
        return Merged::Contradiction;
    }
    // by operator name as printed, so that the output reads in a fixed order
    out.sort_by_cached_key(|e| (e.operator.to_string(), e.key.to_ascii_lowercase()));
    Merged::Entries(out)
}

#[cfg(test)]
mod tests;
