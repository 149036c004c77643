//! The elements a policy kind refuses, in JSON: `Resource` / `NotResource`
//! in a trust policy (E0320), actions other than the STS actions on the role
//! (E0321) and the wildcard principal or `NotPrincipal` (E0322) there, and an
//! assume action that none of the statement's principals calls (W0320). The facts are
//! [`crate::policy::PolicyKind`]'s, applied by [`crate::rules::kinds`].

use crate::diag::{Diagnostic, codes};
use crate::rules::kinds::{
    KindProblem, element_problems, mismatched_assume_action, unpermitted_action_message,
    unpermitted_entries,
};
use crate::rules::names::{ActionGroup, GroupKind};
use crate::source::{Span, Spanned};

use super::checks::Checker;
use super::model::{PrincipalEl, PrincipalShape, Stmt};

impl<'a> Checker<'a> {
    /// E0320, E0321, E0322 for one statement whose action entries resolved
    /// to `groups`.
    pub(super) fn kind_elements(&mut self, stmt: &Stmt, groups: &[Spanned<ActionGroup<'a>>]) {
        let (file, kind) = (self.file, self.kind);
        // `NotPrincipal` names everyone but the principals it lists.
        let anyone = stmt.principal.as_ref().filter(|p| {
            p.not
                || match &p.shape {
                    PrincipalShape::Any => true,
                    PrincipalShape::Map(map) => map.iter().any(|(ty, values)| {
                        ty.node == "AWS" && values.iter().any(|v| v.node == "*")
                    }),
                }
        });
        for problem in element_problems(kind, stmt.resources.is_some(), anyone.is_some()) {
            let d = match problem {
                KindProblem::Resource => {
                    let Some(r) = &stmt.resources else { continue };
                    let element = if r.not { "NotResource" } else { "Resource" };
                    Diagnostic::new(
                        codes::E0320,
                        file,
                        r.key_span,
                        format!("{} takes no `{element}`", kind.described()),
                    )
                    .with_label("the resource is the role the policy is attached to")
                    .with_help(format!(
                        "remove `{element}`: AWS refuses it in a trust policy"
                    ))
                }
                KindProblem::Anyone => {
                    let Some(p) = anyone else { continue };
                    let message = if p.not {
                        format!("{} cannot use `NotPrincipal`", kind.described())
                    } else {
                        format!("{} cannot trust every principal", kind.described())
                    };
                    Diagnostic::new(codes::E0322, file, p.key_span, message)
                    .with_label("any principal of any AWS account")
                    .with_help("name who may assume the role: an account, a role, a service or an identity provider")
                }
                _ => continue,
            };
            self.push(d);
        }
        if kind.permitted_actions().is_none() {
            return;
        }
        let Some(actions) = &stmt.actions else { return };
        let found: Vec<(Span, String)> = if actions.not {
            vec![(actions.key_span, "`NotAction`".to_string())]
        } else {
            let nodes: Vec<&ActionGroup> = groups.iter().map(|g| &g.node).collect();
            unpermitted_entries(kind, &nodes)
                .into_iter()
                .filter_map(|i| groups.get(i))
                .map(|g| (g.span, format!("`{}`", g.node.text)))
                .collect()
        };
        for (span, entry) in found {
            let (message, help) = unpermitted_action_message(kind, &entry);
            self.push(
                Diagnostic::new(codes::E0321, file, span, message)
                    .with_label("not an action on the role")
                    .with_help(help),
            );
        }
        // W0320: an assume action none of the statement's principals performs.
        let Some(PrincipalEl {
            not: false,
            shape: PrincipalShape::Map(map),
            ..
        }) = &stmt.principal
        else {
            return;
        };
        let principals: Vec<(&str, &str)> = map
            .iter()
            .flat_map(|(ty, values)| values.iter().map(|v| (ty.node.as_str(), v.node.as_str())))
            .collect();
        if actions.not {
            return;
        }
        for g in groups {
            if g.node.kind != GroupKind::Exact
                || !mismatched_assume_action(kind, &principals, &g.node.text)
            {
                continue;
            }
            self.push(
                Diagnostic::new(
                    codes::W0320,
                    file,
                    g.span,
                    format!("no principal of this statement calls `{}`", g.node.text),
                )
                .with_label("grants nothing to these principals")
                .with_help("`sts:AssumeRole` is called by `AWS` and `Service` principals, `sts:AssumeRoleWithSAML` by a SAML provider, `sts:AssumeRoleWithWebIdentity` by an OIDC or web identity provider"),
            );
        }
    }
}
