//! Conditions: keys resolved and typed, operators checked against key types,
//! values checked against their shapes, support checked against the rule's
//! actions. The result is an [`ir::Expr`] with the meaning of docs/meaning.md §2.

use super::names::{self, ResolvedActions};
use super::values;
use super::{Scope, lints};
use crate::catalog::{KeyRef, KeyType};
use crate::diag::{Diagnostic, codes};
use crate::iam::OperatorFamily;
use crate::ir::{self, ElemOp, Literal, Quant};
use crate::policy::Effect;
use crate::rules::Front;
use crate::rules::names::first_exact;
use crate::rules::operators::{family_name, key_family};
use crate::rules::support::{AbsentTruth, KeyImpact, SupportCheck, deprecated};
use crate::rules::values::{
    Shape, arn_problem, base64_problem, cidr_problem, date_problem, number_problem,
};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, CmpOp, CondKind, Modifier, Operand, Quantifier, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Clause {
    When,
    Unless,
}

/// The value of `expr` when every test of `key` sees it absent, the other
/// tests unknown (`None` when they decide).
fn absent_value(expr: &ir::Expr, key: &str) -> Option<bool> {
    match expr {
        ir::Expr::True => Some(true),
        ir::Expr::False => Some(false),
        // One value decides a conjunction (false) or a disjunction (true);
        // otherwise it is known only when every part agrees.
        ir::Expr::And(parts) => decided_by(parts, key, false),
        ir::Expr::Or(parts) => decided_by(parts, key, true),
        ir::Expr::Not(inner) => absent_value(inner, key).map(|v| !v),
        ir::Expr::Atom(ir::Atom::Present(k)) => k.name.eq_ignore_ascii_case(key).then_some(false),
        ir::Expr::Atom(ir::Atom::Test { key: k, quant, .. }) => k
            .name
            .eq_ignore_ascii_case(key)
            .then_some(*quant == Quant::All),
    }
}

/// [`absent_value`] of an `and` (`deciding` false) or an `or` (`deciding`
/// true) of `parts`.
fn decided_by(parts: &[ir::Expr], key: &str, deciding: bool) -> Option<bool> {
    let mut all_other = true;
    for part in parts {
        match absent_value(part, key) {
            Some(v) if v == deciding => return Some(deciding),
            Some(_) => {}
            None => all_other = false,
        }
    }
    all_other.then_some(!deciding)
}

pub(crate) struct RuleContext<'s, 'c> {
    scope: &'s Scope<'c>,
    actions: &'s ResolvedActions<'c>,
    pub effect: Effect,
    /// Each key is said to be unsupported once per rule.
    support: SupportCheck,
    /// The keys tested, with the span of each test, for the support check
    /// once the whole condition is known ([`RuleContext::finish`]).
    tested: Vec<(std::sync::Arc<KeyRef>, Span)>,
}

impl<'s, 'c> RuleContext<'s, 'c> {
    pub fn new(scope: &'s Scope<'c>, actions: &'s ResolvedActions<'c>, effect: Effect) -> Self {
        RuleContext {
            scope,
            actions,
            effect,
            support: SupportCheck::default(),
            tested: Vec::new(),
        }
    }

    /// Reports the rule's actions that do not support a key it tests, now
    /// that the rule's whole condition is known.
    pub fn finish(&mut self, condition: &ir::Expr, diags: &mut Vec<Diagnostic>) {
        // One walk of the condition per distinct key, and none for global
        // keys (every action carries them): a long condition over many keys
        // stays linear.
        let mut truths: std::collections::HashMap<String, AbsentTruth> =
            std::collections::HashMap::new();
        for (key, span) in std::mem::take(&mut self.tested) {
            let truth = if key.global {
                AbsentTruth::Depends
            } else {
                *truths
                    .entry(key.name.to_ascii_lowercase())
                    .or_insert_with(|| match absent_value(condition, &key.name) {
                        Some(false) => AbsentTruth::Never,
                        Some(true) => AbsentTruth::Always,
                        None => AbsentTruth::Depends,
                    })
            };
            let impact = KeyImpact {
                effect: self.effect,
                truth,
                explicit: false,
            };
            self.support(&key, span, impact, diags);
        }
    }

    pub fn condition(
        &mut self,
        cond: &ast::Cond,
        clause: Clause,
        diags: &mut Vec<Diagnostic>,
    ) -> ir::Expr {
        let expr = self.expr(cond, diags);
        lints::absent_key_traps(self.scope, self.effect, clause, cond, diags);
        expr
    }

    // Depth is bounded by the parser's nesting limit.
    fn expr(&mut self, cond: &ast::Cond, diags: &mut Vec<Diagnostic>) -> ir::Expr {
        match &cond.node {
            CondKind::And(parts) => {
                ir::Expr::and(parts.iter().map(|p| self.expr(p, diags)).collect())
            }
            CondKind::Or(parts) => {
                ir::Expr::or(parts.iter().map(|p| self.expr(p, diags)).collect())
            }
            CondKind::Not(inner) => ir::Expr::negate(self.expr(inner, diags)),
            CondKind::Cmp(cmp) => self
                .comparison(cmp, cond.span, diags)
                .unwrap_or(ir::Expr::False),
        }
    }

    /// Reports actions of the rule that do not support `key`.
    fn support(
        &mut self,
        key: &KeyRef,
        span: Span,
        impact: KeyImpact,
        diags: &mut Vec<Diagnostic>,
    ) {
        let groups = &self.actions.groups;
        let found = self.support.check(
            self.scope.catalog,
            key,
            groups.iter().map(|g| &g.node),
            self.actions.except,
            impact,
        );
        for finding in found {
            let group_span = finding.group().and_then(|i| groups.get(i)).map(|g| g.span);
            diags.push(finding.diagnostic(self.scope.file, span, group_span, Front::Gov));
        }
    }

    fn comparison(
        &mut self,
        cmp: &ast::Comparison,
        span: Span,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<ir::Expr> {
        let file = self.scope.file;
        let near = first_exact(self.actions.groups.iter().map(|g| &g.node));
        let key = names::key(self.scope, &cmp.key, near, diags)?;
        diags.extend(deprecated(&key, file, cmp.key.span));
        self.tested.push((key.clone(), cmp.key.span));
        let mut ir_key = ir::Key {
            name: key.name.clone(),
            ty: key.ty,
        };
        let multivalued = key.ty.is_multivalued();
        let op = cmp.op.node;
        if matches!(op, CmpOp::Present | CmpOp::Absent) {
            if let Some(q) = &cmp.quantifier {
                diags.push(
                    Diagnostic::new(
                        codes::E0208,
                        file,
                        q.span,
                        format!("`{}` takes no quantifier", op.as_str()),
                    )
                    .with_label("remove this")
                    .with_help("`present` means the key has at least one value, whatever its type"),
                );
                return None;
            }
            let atom = ir::Expr::Atom(ir::Atom::Present(ir_key));
            return Some(if op == CmpOp::Present {
                atom
            } else {
                ir::Expr::negate(atom)
            });
        }
        let quant = match (&cmp.quantifier, multivalued) {
            (None, true) => {
                diags.push(
                    Diagnostic::new(
                        codes::E0207,
                        file,
                        cmp.key.span,
                        format!("condition key `{}` is multivalued ({}): say `any` or `all`", key.name, key.ty.as_str()),
                    )
                    .with_label("needs a quantifier")
                    .with_help(format!(
                        "`{k} any {o} …` holds when some value does; `{k} all {o} …` when every value does (and when the key is absent)",
                        k = cmp.key.node,
                        o = op.as_str()
                    )),
                );
                return None;
            }
            (Some(q), false) => {
                diags.push(
                    Diagnostic::new(
                        codes::E0208,
                        file,
                        q.span,
                        format!("condition key `{}` is single-valued ({}): remove `{}`", key.name, key.ty.as_str(), match q.node {
                            Quantifier::Any => "any",
                            Quantifier::All => "all",
                        }),
                    )
                    .with_label("quantifier on a single-valued key")
                    .with_help("a quantifier on a single-valued key is a known IAM trap: `all` holds when the key is absent"),
                );
                return None;
            }
            (None, false) => Quant::Single,
            (Some(q), true) => match q.node {
                Quantifier::Any => Quant::Any,
                Quantifier::All => Quant::All,
            },
        };
        // A modifier compares the values as another family would: the key is
        // then typed as that family for everything below (docs/meaning.md).
        let mut ignoring_case = false;
        if let Some(m) = &cmp.modifier {
            let element = key.ty.element();
            let multivalued = key.ty.is_multivalued();
            let allowed = match m.node {
                Modifier::IgnoringCase => {
                    matches!(element, KeyType::String | KeyType::Arn)
                        && matches!(op, CmpOp::Eq | CmpOp::Ne | CmpOp::In | CmpOp::NotIn)
                }
                // A Bool key as text: IAM's `StringEquals` on the `true` or
                // `false` the request carries.
                Modifier::AsString if element == KeyType::Bool => {
                    matches!(op, CmpOp::Eq | CmpOp::Ne | CmpOp::In | CmpOp::NotIn)
                }
                Modifier::AsString => {
                    element == KeyType::Arn
                        && matches!(
                            op,
                            CmpOp::Eq
                                | CmpOp::Ne
                                | CmpOp::In
                                | CmpOp::NotIn
                                | CmpOp::Like
                                | CmpOp::NotLike
                        )
                }
                Modifier::AsArn => {
                    element == KeyType::String
                        && matches!(
                            op,
                            CmpOp::Eq
                                | CmpOp::Ne
                                | CmpOp::In
                                | CmpOp::NotIn
                                | CmpOp::Like
                                | CmpOp::NotLike
                        )
                }
            };
            if !allowed {
                diags.push(
                    Diagnostic::new(
                        codes::E0201,
                        file,
                        m.span,
                        format!(
                            "`{} … {}` does not apply to condition key `{}` of type {}",
                            op.as_str(),
                            m.node.as_str(),
                            key.name,
                            key.ty.as_str()
                        ),
                    )
                    .with_label("not for this key or operator")
                    .with_help(
                        "`ignoring case` follows `==`, `!=`, `in` or `not in` on a string or ARN key; `as string` compares an ARN key as text and `as arn` a string key as an ARN, with `==`, `!=`, `in`, `not in`, `like` or `not like`",
                    ),
                );
                return None;
            }
            let as_element = match m.node {
                Modifier::IgnoringCase => {
                    ignoring_case = true;
                    KeyType::String
                }
                Modifier::AsString => KeyType::String,
                Modifier::AsArn => KeyType::Arn,
            };
            ir_key.ty = match (as_element, multivalued) {
                (KeyType::Arn, true) => KeyType::ArrayOfArn,
                (KeyType::Arn, false) => KeyType::Arn,
                (_, true) => KeyType::ArrayOfString,
                (_, false) => KeyType::String,
            };
        }
        let fam = key_family(ir_key.ty);
        // Bool keys take `==` and `!=` only, Binary keys `==` and `in` only.
        let restricted = (fam == OperatorFamily::Bool && !matches!(op, CmpOp::Eq | CmpOp::Ne))
            || (fam == OperatorFamily::Binary && !matches!(op, CmpOp::Eq | CmpOp::In));
        let typed = match (op, fam) {
            _ if restricted => None,
            (CmpOp::Eq | CmpOp::In, OperatorFamily::Ip) => Some((ElemOp::InCidr, false)),
            (CmpOp::Ne | CmpOp::NotIn, OperatorFamily::Ip) => Some((ElemOp::InCidr, true)),
            (CmpOp::Eq | CmpOp::In, _) => Some((ElemOp::Equals, false)),
            (CmpOp::Ne | CmpOp::NotIn, _) => Some((ElemOp::Equals, true)),
            (CmpOp::Like, OperatorFamily::String | OperatorFamily::Arn) => {
                Some((ElemOp::Like, false))
            }
            (CmpOp::NotLike, OperatorFamily::String | OperatorFamily::Arn) => {
                Some((ElemOp::Like, true))
            }
            (CmpOp::Lt, OperatorFamily::Numeric | OperatorFamily::Date) => {
                Some((ElemOp::Lt, false))
            }
            (CmpOp::Le, OperatorFamily::Numeric | OperatorFamily::Date) => {
                Some((ElemOp::Le, false))
            }
            (CmpOp::Gt, OperatorFamily::Numeric | OperatorFamily::Date) => {
                Some((ElemOp::Gt, false))
            }
            (CmpOp::Ge, OperatorFamily::Numeric | OperatorFamily::Date) => {
                Some((ElemOp::Ge, false))
            }
            _ => None,
        };
        let typed = match typed {
            Some((ElemOp::Equals, negated)) if ignoring_case => {
                Some((ElemOp::EqualsIgnoringCase, negated))
            }
            other => other,
        };
        let Some((elem, negated)) = typed else {
            diags.push(
                Diagnostic::new(
                    codes::E0201,
                    file,
                    cmp.op.span,
                    format!(
                        "`{}` does not apply to condition key `{}` of type {}",
                        op.as_str(),
                        key.name,
                        key.ty.as_str()
                    ),
                )
                .with_label("wrong operator for this key")
                .with_help(operators_for(fam)),
            );
            return None;
        };
        let operand = cmp.operand.as_ref()?;
        let single_only = matches!(
            op,
            CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge
        );
        let values = self.operand_values(operand, single_only, op, diags)?;
        let mut literals = Vec::with_capacity(values.len());
        let mut ok = true;
        for (value, vspan) in values {
            if let Value::Str(text) = value
                && key
                    .name
                    .eq_ignore_ascii_case(crate::rules::values::PRINCIPAL_ARN)
                && crate::rules::values::is_role_session_arn(text)
            {
                diags.push(crate::rules::values::session_arn(file, vspan, negated));
            }
            match self.literal(value, vspan, (&key.name, key.ty.as_str()), fam, elem, diags) {
                Some(l) => literals.push(l),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let _ = span;
        let literals = first_of_each(literals);
        let atom = ir::Expr::Atom(ir::Atom::Test {
            key: ir_key,
            quant,
            op: elem,
            // Under a quantifier the negation applies to each element; a
            // single-valued key is negated as a whole (`!=` holds when absent).
            negated: negated && quant != Quant::Single,
            values: literals,
        });
        Some(if negated && quant == Quant::Single {
            ir::Expr::negate(atom)
        } else {
            atom
        })
    }

    /// The values of an operand, constants inlined, with their spans.
    /// Borrowed from the rule or the constant: a value is copied once, into
    /// its literal.
    fn operand_values<'v>(
        &self,
        operand: &'v Spanned<Operand>,
        single_only: bool,
        op: CmpOp,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<(&'v Value, Span)>>
    where
        'c: 'v,
    {
        let file = self.scope.file;
        let mut out = Vec::new();
        let push_value = |v: &'v Value,
                          span: Span,
                          out: &mut Vec<(&'v Value, Span)>,
                          diags: &mut Vec<Diagnostic>|
         -> bool {
            if let Value::Const(name) = v {
                match self.scope.constant(name) {
                    Some(c) => {
                        for cv in &c.values.node {
                            out.push((&cv.node, span));
                        }
                        true
                    }
                    None => {
                        diags.push(super::names::unknown_const(self.scope, name, span));
                        false
                    }
                }
            } else {
                out.push((v, span));
                true
            }
        };
        let ok = match &operand.node {
            Operand::One(v) => push_value(v, operand.span, &mut out, diags),
            Operand::List(items) => {
                if items.is_empty() {
                    diags.push(
                        Diagnostic::new(codes::E0211, file, operand.span, "empty list")
                            .with_label("this list has no values")
                            .with_help(
                                "a condition on an empty list never or always holds; remove it",
                            ),
                    );
                    return None;
                }
                let mut all = true;
                for item in items {
                    all &= push_value(&item.node, item.span, &mut out, diags);
                }
                all
            }
        };
        if !ok {
            return None;
        }
        if single_only && out.len() != 1 {
            let hint = match op {
                CmpOp::Eq => "use `in` to test against a list",
                CmpOp::Ne => "use `not in` to test against a list",
                _ => "compare with one value",
            };
            diags.push(
                Diagnostic::new(
                    codes::E0210,
                    file,
                    operand.span,
                    format!("`{}` takes one value, not {}", op.as_str(), out.len()),
                )
                .with_label("a list here")
                .with_help(hint),
            );
            return None;
        }
        Some(out)
    }

    /// Checks one value against the key's family; `None` after reporting.
    fn literal(
        &self,
        value: &Value,
        span: Span,
        (key, key_type): (&str, &str),
        fam: OperatorFamily,
        elem: ElemOp,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Literal> {
        let file = self.scope.file;
        let mismatch = |what: &str, diags: &mut Vec<Diagnostic>| {
            diags.push(
                Diagnostic::new(
                    codes::E0210,
                    file,
                    span,
                    format!(
                        "condition key `{key}` is of type {key_type}: expected a {} value, found {what}",
                        family_name(fam)
                    ),
                )
                .with_label("wrong kind of value")
                .with_help(match fam {
                    OperatorFamily::Bool => "write `true` or `false`",
                    OperatorFamily::Numeric => "write a number without quotes",
                    _ => "write a string in double quotes",
                }),
            );
        };
        let shape_error =
            |shape: Shape, text: &str, problem: String, diags: &mut Vec<Diagnostic>| {
                diags.push(shape.malformed(file, span, text, problem));
            };
        match (value, fam) {
            (Value::Var(var), OperatorFamily::String | OperatorFamily::Arn) => {
                if elem == ElemOp::Like || elem == ElemOp::Equals {
                    if values::check_variable(self.scope, var, span, diags) {
                        return Some(Literal::Str(format!("${{{var}}}")));
                    }
                    return None;
                }
                None
            }
            (Value::Var(_), _) => {
                diags.push(
                    Diagnostic::new(
                        codes::E0209,
                        file,
                        span,
                        format!(
                            "a policy variable cannot be compared with a {} key",
                            family_name(fam)
                        ),
                    )
                    .with_label("variable not allowed here")
                    .with_help("IAM resolves policy variables only with string and ARN operators"),
                );
                None
            }
            (Value::Str(s), OperatorFamily::String) => {
                if s.contains("${") && !values::check_variables(self.scope, s, span, diags) {
                    return None;
                }
                Some(Literal::Str(s.clone()))
            }
            (Value::Str(s), OperatorFamily::Arn) => {
                if s.contains("${") && !values::check_variables(self.scope, s, span, diags) {
                    return None;
                }
                match arn_problem(s, elem == ElemOp::Like) {
                    None => Some(Literal::Str(s.clone())),
                    Some(p) => {
                        shape_error(Shape::Arn, s, p, diags);
                        None
                    }
                }
            }
            (Value::Str(s), OperatorFamily::Ip) => match cidr_problem(s) {
                None => Some(Literal::Str(with_prefix(s))),
                Some(p) => {
                    shape_error(Shape::IpRange, s, p, diags);
                    None
                }
            },
            (Value::Str(s), OperatorFamily::Date) => match date_problem(s) {
                None => Some(Literal::Str(s.clone())),
                Some(p) => {
                    shape_error(Shape::Date, s, p, diags);
                    None
                }
            },
            (Value::Num(n), OperatorFamily::Date) | (Value::Num(n), OperatorFamily::Numeric) => {
                match number_problem(n) {
                    None => Some(Literal::Num(n.clone())),
                    Some(p) => {
                        shape_error(Shape::Number, n, p, diags);
                        None
                    }
                }
            }
            (Value::Str(s), OperatorFamily::Binary) => match base64_problem(s) {
                None => Some(Literal::Str(s.clone())),
                Some(p) => {
                    shape_error(Shape::Base64, s, p, diags);
                    None
                }
            },
            (Value::Bool(b), OperatorFamily::Bool) => Some(Literal::Bool(*b)),
            (Value::Str(s), _) => {
                mismatch(&format!("the string `\"{s}\"`"), diags);
                None
            }
            (Value::Num(n), _) => {
                mismatch(&format!("the number `{n}`"), diags);
                None
            }
            (Value::Bool(b), _) => {
                mismatch(&format!("`{b}`"), diags);
                None
            }
            (Value::Const(_), _) => None,
        }
    }
}

fn operators_for(fam: OperatorFamily) -> &'static str {
    match fam {
        OperatorFamily::String => "String keys take `==`, `!=`, `in`, `not in`, `like`, `not like`",
        OperatorFamily::Arn => "ARN keys take `==`, `!=`, `in`, `not in`, `like`, `not like`",
        OperatorFamily::Bool => "Bool keys take `== true`, `== false` and `!=`",
        OperatorFamily::Numeric => {
            "Numeric keys take `==`, `!=`, `in`, `not in`, `<`, `<=`, `>`, `>=`"
        }
        OperatorFamily::Date => "Date keys take `==`, `!=`, `<`, `<=`, `>`, `>=`",
        OperatorFamily::Ip => {
            "IPAddress keys take `in` and `not in` with CIDR ranges (and `==` with one address)"
        }
        OperatorFamily::Binary => "Binary keys take `==` and `in`",
        OperatorFamily::Null => "every key takes `present` and `absent`",
    }
}

/// A bare address means that one address: written with its full prefix
/// (`/32`, or `/128` for IPv6), because AWS documents `/32` as the prefix it
/// assumes, which for an IPv6 address would be a whole network.
fn with_prefix(text: &str) -> String {
    match text.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => format!("{text}/32"),
        Ok(std::net::IpAddr::V6(_)) => format!("{text}/128"),
        Err(_) => text.to_string(),
    }
}

/// `literals` without repeats, each where it first appears. Most lists are
/// short: those are compared pairwise, longer ones through a set of
/// references (no copy of a value).
fn first_of_each(literals: Vec<Literal>) -> Vec<Literal> {
    const SHORT: usize = 8;
    let keep: Vec<bool> = if literals.len() <= SHORT {
        (0..literals.len())
            .map(|i| !literals[..i].contains(&literals[i]))
            .collect()
    } else {
        let mut seen = std::collections::HashSet::with_capacity(literals.len());
        literals.iter().map(|l| seen.insert(l)).collect()
    };
    if keep.iter().all(|k| *k) {
        return literals;
    }
    literals
        .into_iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old definition: a set of copies, each literal kept where it first
    /// appears.
    fn by_copies(literals: &[Literal]) -> Vec<Literal> {
        let mut seen = std::collections::HashSet::new();
        literals
            .iter()
            .filter(|l| seen.insert((*l).clone()))
            .cloned()
            .collect()
    }

    #[test]
    fn repeats_go_and_the_first_of_each_stays_in_place() {
        // Short and long lists, with repeats at the start, middle and end.
        for len in [0, 1, 2, 7, 8, 9, 20, 300] {
            for modulus in [1, 2, 3, 5, 1000] {
                let literals: Vec<Literal> = (0..len)
                    .map(|i| match i % 3 {
                        0 => Literal::Str(format!("v{}", (i * 7) % modulus)),
                        1 => Literal::Num(format!("{}", i % modulus)),
                        _ => Literal::Bool(i % 2 == 0),
                    })
                    .collect();
                assert_eq!(
                    first_of_each(literals.clone()),
                    by_copies(&literals),
                    "{len} {modulus}"
                );
            }
        }
    }
}
