//! Statements → rules: each condition entry becomes the `.gov` condition
//! whose lowering means exactly the same (the inverse of
//! `crate::lower::literal`), and statements that differ only in their
//! condition are folded back into one `deny … unless …` rule.

use crate::catalog::Catalog;
use crate::catalog::has_wildcard;
use crate::diag::{Diagnostic, codes};
use crate::jsonlint::model::{Doc, PrincipalShape, Stmt};
use crate::policy::{Effect, PolicyKind};
use crate::source::{FileId, Span};
use crate::syntax::ast::Modifier;
use std::collections::HashSet;

mod entry;

pub(crate) use entry::EntryForm;

/// A value as `.gov` writes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum GVal {
    Str(String),
    Num(String),
    Bool(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Quant {
    Single,
    Any,
    All,
}

/// The element test of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GOp {
    /// `==` / `in`.
    Eq,
    Like,
    /// `in` with CIDR ranges.
    Cidr,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GAtom {
    /// `K present`.
    Present(String),
    /// `K [any|all] [not] op values`.
    Test {
        key: String,
        quant: Quant,
        op: GOp,
        /// Under a quantifier: each element test negated (`any not in`).
        elem_negated: bool,
        values: Vec<GVal>,
        /// `ignoring case`, `as string`, `as arn`: the operator family the
        /// original used where the key's type would pick another.
        modifier: Option<Modifier>,
    },
}

/// An atom, or its negation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Lit {
    pub atom: GAtom,
    pub positive: bool,
}

/// One conjunct of a rule's condition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Part {
    Lit(Lit),
    /// A disjunction of literals (from `…IfExists` on positive operators).
    Or(Vec<Lit>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Principals {
    None,
    Anyone,
    /// (`aws` / `service` / `federated` / `canonical_user`, values).
    Listed(Vec<(&'static str, Vec<String>)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ActionItem {
    /// The catalog's spelling (`sagemaker:CreateApp`), a pattern, or `*`.
    pub text: String,
    pub pattern: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct RuleOut {
    pub effect: Effect,
    pub sid: Option<String>,
    pub comments: Vec<String>,
    pub principals: Principals,
    pub actions_except: bool,
    pub actions: Vec<ActionItem>,
    /// `None`: every resource (`*`).
    pub resources: Option<(bool, Vec<String>)>,
    /// ANDed.
    pub when: Vec<Part>,
    /// `unless D1 and D2 …`, each `Di` a disjunction of positive literals.
    pub unless: Vec<Vec<Lit>>,
    /// The JSON statements this rule stands for.
    pub statements: Vec<Span>,
}

pub(crate) struct Converter<'a> {
    pub file: FileId,
    pub catalog: &'a Catalog,
    pub kind: PolicyKind,
    /// Policy variables are resolved by the original (`2012-10-17`).
    pub variables: bool,
    pub diags: Vec<Diagnostic>,
    pub notes: Vec<String>,
    /// Action entries an Allow never grants (a key the action lacks), with
    /// the reason: left out of the rule.
    pub never_granted: std::collections::HashMap<Span, String>,
}

fn no_form(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(codes::E0608, file, span, message)
}

impl Converter<'_> {
    pub fn statements(&mut self, doc: &Doc) -> Vec<RuleOut> {
        let mut rules = Vec::new();
        let mut sids_seen: HashSet<String> = HashSet::new();
        for stmt in &doc.statements {
            if let Some(rule) = self.statement(stmt, &mut sids_seen) {
                rules.push(rule);
            }
        }
        rules
    }

    fn statement(&mut self, stmt: &Stmt, sids_seen: &mut HashSet<String>) -> Option<RuleOut> {
        let effect = stmt.effect.as_ref()?.node;
        let mut comments = Vec::new();
        let sid = match &stmt.sid {
            Some(s) if s.node.is_empty() || !s.node.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                comments.push(format!(
                    "the original Sid {:?} is not a valid statement id and is left out",
                    s.node
                ));
                None
            }
            Some(s) if sids_seen.contains(&s.node) => {
                comments.push(format!(
                    "the original Sid {:?} repeats an earlier one and is left out",
                    s.node
                ));
                None
            }
            Some(s) => {
                sids_seen.insert(s.node.clone());
                Some(s.node.clone())
            }
            None => None,
        };
        let principals = self.principals(stmt)?;
        let actions_el = stmt.actions.as_ref()?;
        let mut actions = Vec::new();
        let mut never = Vec::new();
        for a in &actions_el.items {
            match self.never_granted.get(&a.span) {
                Some(why) => never.push(why.clone()),
                None => actions.push(self.action(&a.node)),
            }
        }
        if actions.is_empty() && !actions_el.items.is_empty() {
            let what = match &stmt.sid {
                Some(s) => format!("statement {:?}", s.node),
                None => "a statement".to_string(),
            };
            self.notes.push(format!(
                "{what} never grants anything and is left out ({})",
                never.join("; ")
            ));
            return None;
        }
        for why in never {
            comments.push(format!(
                "{why}: this statement never grants it, so it is left out"
            ));
        }
        let resources = match &stmt.resources {
            None => None,
            Some(r) if !r.not && r.items.iter().any(|i| i.node == "*") => None,
            Some(r) => {
                for i in &r.items {
                    if !self.variables && i.node.contains("${") {
                        self.literal_variable_in_arn(i.span);
                        return None;
                    }
                }
                Some((r.not, r.items.iter().map(|i| i.node.clone()).collect()))
            }
        };
        let mut when = Vec::new();
        let mut ok = true;
        for entry in &stmt.entries {
            match self.entry(entry) {
                Some(EntryForm::Parts(parts)) => {
                    for p in parts {
                        if !when.contains(&p) {
                            when.push(p);
                        }
                    }
                }
                Some(EntryForm::Always) => comments.push(format!(
                    "`{}` on `{}` always holds and is left out",
                    entry.operator.node, entry.key.node
                )),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Some(RuleOut {
            effect,
            sid,
            comments,
            principals,
            actions_except: actions_el.not,
            actions,
            resources,
            when,
            unless: Vec::new(),
            statements: vec![stmt.span],
        })
    }

    fn principals(&mut self, stmt: &Stmt) -> Option<Principals> {
        let Some(p) = &stmt.principal else {
            return Some(Principals::None);
        };
        if p.not {
            self.diags.push(
                no_form(self.file, p.key_span, "`NotPrincipal` has no gov form")
                    .with_label("gov names principals, it does not exclude them")
                    .with_help("rewrite the statement with `Principal` and a condition on `aws:PrincipalArn`"),
            );
            return None;
        }
        if self.kind == PolicyKind::Rcp {
            // gov writes `"Principal": "*"` on every RCP statement itself.
            return Some(Principals::None);
        }
        if !self.kind.has_principals() {
            return Some(Principals::None);
        }
        match &p.shape {
            PrincipalShape::Any => Some(Principals::Anyone),
            PrincipalShape::Map(map) => {
                let mut out = Vec::new();
                for (ty, values) in map {
                    let kind = match ty.node.as_str() {
                        "AWS" => "aws",
                        "Service" => "service",
                        "Federated" => "federated",
                        _ => "canonical_user",
                    };
                    out.push((kind, values.iter().map(|v| v.node.clone()).collect()));
                }
                Some(Principals::Listed(out))
            }
        }
    }

    fn action(&self, text: &str) -> ActionItem {
        if text == "*" {
            return ActionItem {
                text: "*".to_string(),
                pattern: true,
            };
        }
        if let Some((prefix, name)) = text.split_once(':')
            && let Some(service) = self.catalog.service(prefix)
        {
            if has_wildcard(name) {
                return ActionItem {
                    text: format!("{}:{name}", service.prefix()),
                    pattern: true,
                };
            }
            if let Some(a) = service.action(name) {
                return ActionItem {
                    text: a.full_name(),
                    pattern: false,
                };
            }
        }
        ActionItem {
            text: text.to_string(),
            pattern: has_wildcard(text),
        }
    }

    fn literal_variable_in_arn(&mut self, span: Span) {
        self.diags.push(
            no_form(self.file, span, "a literal `${` in an ARN has no gov form")
                .with_label("literal text here: the policy is not `\"Version\": \"2012-10-17\"`")
                .with_help("gov writes `\"Version\": \"2012-10-17\"`, where `${…}` is a policy variable; if a variable was meant, add that version to the JSON first"),
        );
    }

    /// A string the original reads literally (no `Version` 2012): its
    /// `${` must stay literal under gov's `2012-10-17`.
    fn literal_text(&self, s: &str) -> String {
        if self.variables {
            s.to_string()
        } else {
            s.replace("${", "${$}{")
        }
    }
}

/// Folds deny statements that differ only in their condition, each a
/// conjunction of negated literals, into one `deny … when C unless D1 and D2`.
pub(crate) fn fold(rules: Vec<RuleOut>) -> Vec<RuleOut> {
    // Deny statements that differ only in their negated tests group by one
    // key (one pass, so import stays linear in the statements); a group
    // folds in chunks whose rule lowers to at most the statements one rule
    // may have, each folded rule standing for one statement per member.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_key: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, rule) in rules.iter().enumerate() {
        if rule.effect != Effect::Deny {
            groups.push(vec![i]);
            continue;
        }
        match by_key.entry(fold_key(rule)) {
            std::collections::hash_map::Entry::Occupied(e) => groups[*e.get()].push(i),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(groups.len());
                groups.push(vec![i]);
            }
        }
    }
    let mut out: Vec<RuleOut> = Vec::new();
    for group in groups {
        let mut rest: &[usize] = &group;
        while let Some((&first, after)) = rest.split_first() {
            let take = rest.len().min(crate::lower::MAX_STATEMENTS_PER_RULE);
            let members: Vec<&RuleOut> =
                rest[..take].iter().filter_map(|&j| rules.get(j)).collect();
            let folded = if members.len() >= 2 {
                fold_group(&members)
            } else {
                None
            };
            match folded {
                Some(rule) => {
                    out.push(rule);
                    rest = &rest[take..];
                }
                None => {
                    // The first does not fold: alone, and the others try again.
                    if let Some(rule) = rules.get(first) {
                        out.push(if rule.effect == Effect::Deny {
                            split_unless(rule.clone())
                        } else {
                            rule.clone()
                        });
                    }
                    rest = after;
                }
            }
        }
    }
    out
}

/// What two deny rules must share to fold: everything but their negated
/// tests: effect, principals, actions and resources as sets, and the
/// conjuncts that are not negated tests.
fn fold_key(rule: &RuleOut) -> String {
    let mut actions: Vec<String> = rule
        .actions
        .iter()
        .map(|i| i.text.to_ascii_lowercase())
        .collect();
    actions.sort();
    actions.dedup();
    let resources = rule.resources.as_ref().map(|(not, items)| {
        let mut v = items.clone();
        v.sort();
        v.dedup();
        (*not, v)
    });
    let mut fixed: Vec<String> = rule
        .when
        .iter()
        .filter(|p| !negated_part(p))
        .map(|p| format!("{p:?}"))
        .collect();
    fixed.sort();
    format!(
        "{:?}|{:?}|{}|{:?}|{:?}|{:?}",
        rule.effect, rule.principals, rule.actions_except, actions, resources, fixed
    )
}

/// A deny whose condition is `C and not L1 and not L2 …`: `when C unless L1 or L2`.
fn split_unless(mut rule: RuleOut) -> RuleOut {
    if rule.effect != Effect::Deny || !rule.unless.is_empty() {
        return rule;
    }
    let mut when = Vec::new();
    let mut negatives = Vec::new();
    for p in rule.when {
        match p {
            Part::Lit(l) if !l.positive && unless_friendly(&l) => negatives.push(Lit {
                atom: l.atom,
                positive: true,
            }),
            other => when.push(other),
        }
    }
    rule.when = when;
    if !negatives.is_empty() {
        rule.unless = vec![negatives];
    }
    rule
}

fn negated_part(p: &Part) -> bool {
    matches!(p, Part::Lit(l) if !l.positive && unless_friendly(l))
}

/// Negated literals that read well after `unless`: single-valued tests and
/// presence (quantified ones keep their `any not …` form).
fn unless_friendly(l: &Lit) -> bool {
    match &l.atom {
        GAtom::Present(_) => true,
        GAtom::Test { quant, .. } => *quant == Quant::Single,
    }
}

fn fold_group(members: &[&RuleOut]) -> Option<RuleOut> {
    let first = members.first()?;
    // Conjuncts common to every member stay in `when`.
    let common: Vec<Part> = first
        .when
        .iter()
        .filter(|p| members.iter().all(|m| m.when.contains(p)))
        .cloned()
        .collect();
    let mut disjunctions: Vec<Vec<Lit>> = Vec::new();
    for m in members {
        let rest: Vec<&Part> = m.when.iter().filter(|p| !common.contains(p)).collect();
        if rest.is_empty() {
            return None;
        }
        let mut d = Vec::new();
        for p in rest {
            match p {
                Part::Lit(l) if !l.positive && unless_friendly(l) => d.push(Lit {
                    atom: l.atom.clone(),
                    positive: true,
                }),
                _ => return None,
            }
        }
        if !disjunctions.contains(&d) {
            disjunctions.push(d);
        }
    }
    let sids: Vec<Option<&String>> = members.iter().map(|m| m.sid.as_ref()).collect();
    let mut comments: Vec<String> = Vec::new();
    let sid = if sids.iter().all(Option::is_none) {
        None
    } else {
        numbered_prefix(&sids).or_else(|| {
            let listed: Vec<String> = sids
                .iter()
                .map(|s| s.map_or("(none)".to_string(), |s| format!("{s:?}")))
                .collect();
            comments.push(format!(
                "folded from {} statements with Sids {}",
                members.len(),
                listed.join(", ")
            ));
            None
        })
    };
    for m in members {
        comments.extend(m.comments.iter().cloned());
    }
    Some(RuleOut {
        effect: Effect::Deny,
        sid,
        comments,
        principals: first.principals.clone(),
        actions_except: first.actions_except,
        actions: first.actions.clone(),
        resources: first.resources.clone(),
        when: common,
        unless: disjunctions,
        statements: members.iter().flat_map(|m| m.statements.clone()).collect(),
    })
}

/// `P1`, `P2`, … in order: the prefix `P` (gov numbers a rule's statements so).
fn numbered_prefix(sids: &[Option<&String>]) -> Option<String> {
    let first = (*sids.first()?)?;
    let prefix = first.strip_suffix('1')?;
    if prefix.is_empty() {
        return None;
    }
    for (i, s) in sids.iter().enumerate() {
        if (*s)?.as_str() != format!("{prefix}{}", i + 1) {
            return None;
        }
    }
    Some(prefix.to_string())
}
