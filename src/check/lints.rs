//! Meaning traps (docs/meaning.md §7) and per-kind rules.

use super::Scope;
use super::cond::Clause;
use super::names::{ResolvedActions, keys_named};
use crate::diag::{Diagnostic, codes};
use crate::ir::{Atom, Expr};
use crate::policy::{Effect, PolicyKind, PrincipalRule};
use crate::rules::kinds::{
    KindProblem, KindTrap, StatedPrincipal, StatementShape, element_problems, kind_problems,
    kind_traps, mentions_username, mismatched_assume_action, unpermitted_action_message,
    unpermitted_entries, wide_allow_message, wide_entries,
};
use crate::source::Span;
use crate::syntax::ast::{self, CmpOp, CondKind, Quantifier};

/// What each policy kind allows of a rule: a principal or none, `allow`,
/// `* except` (E0302, E0303, E0305, E0306).
pub(crate) fn kind_rules(
    scope: &Scope,
    kind: PolicyKind,
    r: &ast::Rule,
    diags: &mut Vec<Diagnostic>,
) {
    let principal = match (r.principals.first(), r.principals.last()) {
        (Some(first), Some(last)) => Some(first.span.to(*last.span)),
        _ => None,
    };
    // gov writes the principal of an RCP itself (`"*"`): a rule names none.
    let stated = match principal {
        Some(_) => StatedPrincipal::Named,
        None if kind.principal_rule() == PrincipalRule::Everyone => StatedPrincipal::Everyone,
        None => StatedPrincipal::Absent,
    };
    let not_action = matches!(r.actions.node, ast::ActionSpec::AllExcept(_));
    let anyone = r.principals.iter().find(|p| {
        p.kind.node == ast::PrincipalKind::Anyone
            || (p.kind.node == ast::PrincipalKind::Aws && p.values.iter().any(|v| v.node == "*"))
    });
    let problems = kind_problems(kind, r.effect.node, stated, not_action)
        .into_iter()
        .chain(element_problems(
            kind,
            r.resources.is_some(),
            anyone.is_some(),
        ));
    for problem in problems {
        let code = problem.code();
        let d = match problem {
            KindProblem::PrincipalMissing => Diagnostic::new(
                code,
                scope.file,
                r.effect.span,
                format!("a rule of a `{}` must name its principal", kind.keyword()),
            )
            .with_label("no principal")
            .with_help(if kind.may_name_anyone() {
                format!(
                    "write `{} service \"logs.amazonaws.com\" to …`, `aws \"arn:…\"` or `anyone`",
                    r.effect.node.keyword()
                )
            } else {
                format!(
                    "write `{} service \"sagemaker.amazonaws.com\" to …`, `aws \"arn:…\"` or `federated \"…\"`",
                    r.effect.node.keyword()
                )
            }),
            KindProblem::PrincipalNotAllowed | KindProblem::PrincipalNotEveryone => {
                let Some(span) = principal else { continue };
                Diagnostic::new(
                    code,
                    scope.file,
                    span,
                    format!("a `{}` names no principal", kind.keyword()),
                )
                .with_label("principal not allowed here")
                .with_help("the principal of an identity policy, SCP or RCP is whoever it is attached to; principals belong in `resource_policy` and `key_policy`")
            }
            KindProblem::Allow => Diagnostic::new(
                code,
                scope.file,
                r.effect.span,
                format!("{} can only deny", kind.described()),
            )
            .with_label("`allow` in an `rcp`")
            .with_help(
                "AWS accepts `Allow` only in its own `RCPFullAWSAccess`; write `deny … unless …`",
            ),
            KindProblem::NotAction => Diagnostic::new(
                code,
                scope.file,
                r.actions.span,
                format!("{} cannot use `* except` (NotAction)", kind.described()),
            )
            .with_label("not supported in resource control policies")
            .with_help("list the actions to deny"),
            KindProblem::Resource => {
                let Some(res) = &r.resources else { continue };
                Diagnostic::new(
                    code,
                    scope.file,
                    res.span,
                    format!("{} names no resource", kind.described()),
                )
                .with_label("the resource is the role the policy is attached to")
                .with_help("remove `on …`: AWS refuses `Resource` in a trust policy")
            }
            KindProblem::Anyone => {
                let Some(p) = anyone else { continue };
                Diagnostic::new(
                    code,
                    scope.file,
                    *p.span,
                    format!("{} cannot trust every principal", kind.described()),
                )
                .with_label("any principal of any AWS account")
                .with_help("name who may assume the role: `aws \"arn:aws:iam::111122223333:role/…\"`, `service \"…\"` or `federated \"…\"`")
            }
        };
        diags.push(d);
    }
}

/// The actions a kind permits (E0321): in a trust policy, the STS actions
/// done to the role.
pub(crate) fn kind_actions(
    scope: &Scope,
    kind: PolicyKind,
    r: &ast::Rule,
    actions: &ResolvedActions,
    diags: &mut Vec<Diagnostic>,
) {
    if kind.permitted_actions().is_none() {
        return;
    }
    let unpermitted: Vec<(Span, String)> = if actions.except {
        vec![(r.actions.span, "`* except …`".to_string())]
    } else {
        let groups: Vec<_> = actions.groups.iter().map(|g| &g.node).collect();
        unpermitted_entries(kind, &groups)
            .into_iter()
            .filter_map(|i| actions.groups.get(i))
            .map(|g| (g.span, format!("`{}`", g.node.text)))
            .collect()
    };
    for (span, entry) in unpermitted {
        let (message, help) = unpermitted_action_message(kind, &entry);
        diags.push(
            Diagnostic::new(codes::E0321, scope.file, span, message)
                .with_label("not an action on the role")
                .with_help(help),
        );
    }
    // W0320: an assume action none of the rule's principals performs.
    let principals: Vec<(&str, &str)> = r
        .principals
        .iter()
        .flat_map(|p| {
            let ty = match p.kind.node {
                ast::PrincipalKind::Aws => "AWS",
                ast::PrincipalKind::Service => "Service",
                ast::PrincipalKind::Federated => "Federated",
                ast::PrincipalKind::CanonicalUser => "CanonicalUser",
                ast::PrincipalKind::Anyone => "*",
            };
            p.values.iter().map(move |v| (ty, v.node.as_str()))
        })
        .collect();
    if actions.except {
        return;
    }
    for g in &actions.groups {
        if g.node.kind != crate::rules::names::GroupKind::Exact
            || !mismatched_assume_action(kind, &principals, &g.node.text)
        {
            continue;
        }
        diags.push(
            Diagnostic::new(
                codes::W0320,
                scope.file,
                g.span,
                format!("no principal of this rule calls `{}`", g.node.text),
            )
            .with_label("grants nothing to these principals")
            .with_help(assume_help()),
        );
    }
}

/// The help of W0320: which principal calls which action.
pub(crate) fn assume_help() -> &'static str {
    "`sts:AssumeRole` is called by `aws` and `service` principals, `sts:AssumeRoleWithSAML` by a SAML provider, `sts:AssumeRoleWithWebIdentity` by an OIDC or web identity provider"
}

pub(crate) fn rule_lints(
    scope: &Scope,
    kind: PolicyKind,
    r: &ast::Rule,
    actions: &ResolvedActions,
    condition: &Expr,
    diags: &mut Vec<Diagnostic>,
) {
    let file = scope.file;
    let every_resource = match &r.resources {
        None => true,
        Some(spec) => match &spec.node {
            ast::ResourceSpec::List(refs) => refs.iter().any(|x| x.node == ast::ResourceRef::Star),
            ast::ResourceSpec::AllExcept(_) => false,
        },
    };
    let mentions = condition.atoms().iter().any(|a| match a {
        Atom::Test { values, .. } => values.iter().any(|v| mentions_username(v.as_str())),
        Atom::Present(_) => false,
    });
    let shape = StatementShape {
        effect: r.effect.node,
        groups: actions.groups.iter().map(|g| &g.node).collect(),
        not_action: actions.except,
        every_resource,
        conditioned: r.when.is_some() || r.unless.is_some(),
        mentions_username: mentions,
    };
    for trap in kind_traps(kind, &shape) {
        let code = trap.code();
        let d = match trap {
            KindTrap::AllowInScp => Diagnostic::new(
                code,
                file,
                r.effect.span,
                "an `allow` in an SCP denies nothing while `FullAWSAccess` is attached",
            )
            .with_label("restricts nothing by itself")
            .with_help("SCPs restrict through `deny`: write `deny … unless …` for a guardrail"),
            KindTrap::AllowAllBut => Diagnostic::new(
                code,
                file,
                r.actions.span,
                "`allow * except …` grants every other action",
            )
            .with_label("wildcard grant")
            .with_help("grant the actions the principal needs, by name"),
            KindTrap::WideAllow(i) => {
                let Some(g) = actions.groups.get(i) else { continue };
                let wide: Vec<_> = wide_entries(&shape.groups)
                    .into_iter()
                    .filter_map(|j| actions.groups.get(j))
                    .collect();
                let message = wide_allow_message(
                    &format!("`allow {}`", g.node.text),
                    wide.len().saturating_sub(1),
                );
                let mut d = Diagnostic::new(code, file, g.span, message)
                    .with_label("wildcard grant")
                    .with_help("grant the actions the principal needs, by name");
                for w in wide.iter().skip(1) {
                    d = d.with_secondary(file, w.span, "also every action");
                }
                d
            }
            KindTrap::UsernameInGuardrail => Diagnostic::new(
                code,
                file,
                *r.span,
                format!("`${{aws:username}}` in an `{}` is unresolved for roles", kind.keyword()),
            )
            .with_label("roles and federated sessions have no user name")
            .with_help("an unresolved variable matches nothing: attach this as an identity policy on IAM users, or use `${aws:PrincipalTag/…}`"),
        };
        diags.push(d);
    }
    let clause_span = match (&r.when, &r.unless) {
        (Some(w), Some(u)) => Some(w.span.to(u.span)),
        (Some(w), None) => Some(w.span),
        (None, Some(u)) => Some(u.span),
        (None, None) => None,
    };
    if let Some(span) = clause_span {
        match constant_truth(condition) {
            Some(false) => diags.push(
                Diagnostic::new(codes::W0204, file, span, "this rule can never match")
                    .with_label("the condition is always false")
                    .with_help("the rule has no effect; check the `when` / `unless` logic"),
            ),
            Some(true) => diags.push(
                Diagnostic::new(codes::W0205, file, span, "this condition always holds")
                    .with_label("the condition is always true")
                    .with_help(
                        "the rule applies to every request; drop the condition or fix its logic",
                    ),
            ),
            None => {}
        }
    }
}

/// `Some(b)` when the condition is `b` whatever the atoms are (checked as
/// propositional logic, which is sound: related atoms only add constraints).
fn constant_truth(expr: &Expr) -> Option<bool> {
    let mut atoms: Vec<&Atom> = Vec::new();
    for a in expr.atoms() {
        if !atoms.contains(&a) {
            atoms.push(a);
            // Past 12 distinct atoms the truth table is not tried: stop
            // collecting, so a long condition costs linear time here.
            if atoms.len() > 12 {
                return None;
            }
        }
    }
    let mut seen_true = false;
    let mut seen_false = false;
    for bits in 0u32..(1u32 << atoms.len()) {
        let v = eval(expr, &atoms, bits);
        seen_true |= v;
        seen_false |= !v;
        if seen_true && seen_false {
            return None;
        }
    }
    Some(seen_true)
}

fn eval(expr: &Expr, atoms: &[&Atom], bits: u32) -> bool {
    match expr {
        Expr::True => true,
        Expr::False => false,
        Expr::And(v) => v.iter().all(|e| eval(e, atoms, bits)),
        Expr::Or(v) => v.iter().any(|e| eval(e, atoms, bits)),
        Expr::Not(e) => !eval(e, atoms, bits),
        Expr::Atom(a) => atoms
            .iter()
            .position(|x| *x == a)
            .is_some_and(|i| bits & (1 << i) != 0),
    }
}

/// `all` is true when the key is absent. In an `allow … when`, that grants
/// requests without the key; in a `deny … unless`, it lets them through.
pub(crate) fn absent_key_traps(
    scope: &Scope,
    effect: Effect,
    clause: Clause,
    cond: &ast::Cond,
    diags: &mut Vec<Diagnostic>,
) {
    // Keys tested with `present` anywhere in the clause guard themselves.
    let mut present: Vec<String> = Vec::new();
    let mut alls: Vec<(&ast::Comparison, bool)> = Vec::new();
    collect(cond, true, &mut present, &mut alls);
    // Compare keys as resolved (`InstanceTypes` under `use sagemaker` is
    // `sagemaker:InstanceTypes`), not as written.
    let present: Vec<String> = present.iter().map(|k| resolved(scope, k)).collect();
    for (cmp, positive) in alls {
        if present.contains(&resolved(scope, &cmp.key.node)) {
            continue;
        }
        // The clause "fires" the rule when true for `when`, when false for `unless`.
        let fires_when_true = clause == Clause::When;
        let all_true_fires = positive == fires_when_true;
        let (danger, what) = match effect {
            Effect::Allow if all_true_fires => (true, "grants requests without it"),
            Effect::Deny if !all_true_fires => (true, "lets requests without it through"),
            _ => (false, ""),
        };
        if !danger {
            continue;
        }
        let clause_word = match clause {
            Clause::When => "when",
            Clause::Unless => "unless",
        };
        diags.push(
            Diagnostic::new(
                codes::W0201,
                scope.file,
                cmp.key.span,
                format!(
                    "`{clause_word} {} all …` holds when `{}` is absent, so this rule {what}",
                    cmp.key.node, cmp.key.node
                ),
            )
            .with_label("`all` is true for an absent key")
            .with_help(format!(
                "add `and {} present` if requests without the key must not pass",
                cmp.key.node
            )),
        );
    }
}

/// A key as the catalog names it, lowercase; as written if it does not resolve.
fn resolved(scope: &Scope, key: &str) -> String {
    match keys_named(scope, key).first() {
        Some(k) => k.name.to_ascii_lowercase(),
        None => key.to_ascii_lowercase(),
    }
}

fn collect<'a>(
    cond: &'a ast::Cond,
    positive: bool,
    present: &mut Vec<String>,
    alls: &mut Vec<(&'a ast::Comparison, bool)>,
) {
    match &cond.node {
        CondKind::And(v) | CondKind::Or(v) => {
            for c in v {
                collect(c, positive, present, alls);
            }
        }
        CondKind::Not(inner) => collect(inner, !positive, present, alls),
        CondKind::Cmp(cmp) => {
            if cmp.op.node == CmpOp::Present || cmp.op.node == CmpOp::Absent {
                present.push(cmp.key.node.clone());
            } else if cmp
                .quantifier
                .as_ref()
                .is_some_and(|q| q.node == Quantifier::All)
            {
                alls.push((cmp, positive));
            }
        }
    }
}
