//! The traps of JSON's condition syntax (W0601–W0605, and W0201 in its JSON
//! form): condition entries whose meaning under IAM's rules is not what they
//! seem to say, and policy variables that are literal text.

use super::checks::{Checker, qualified_null_truth};
use super::model::{Entry, Stmt};
use crate::diag::{Diagnostic, codes};
use crate::iam::{BaseOperator, OperatorSpec, SetQualifier};
use crate::policy::Effect;
use crate::rules::operators::{empty_truth, truth_text};
use crate::rules::values;
use crate::source::{Span, Spanned};

impl Checker<'_> {
    /// W0605, once per document: a policy variable in a policy without
    /// `"Version": "2012-10-17"`.
    pub(super) fn literal_variable(&mut self, span: Span, text: &str, reported: &mut bool) {
        if *reported {
            return;
        }
        *reported = true;
        let var = match values::variables(text) {
            Ok(v) => v.first().map(|v| format!("${{{v}}}")),
            Err(_) => None,
        }
        .unwrap_or_else(|| "${…}".to_string());
        self.push(
            Diagnostic::new(
                codes::W0605,
                self.file,
                span,
                format!("`{var}` is literal text: the policy does not say `\"Version\": \"2012-10-17\"`"),
            )
            .with_label("not resolved as a policy variable")
            .with_help("policy variables are resolved only under `\"Version\": \"2012-10-17\"`; without it (or under `2008-10-17`) they match their own text"),
        );
    }

    /// W0213: `aws:PrincipalArn` compared with a role session's ARN, which
    /// it never is.
    pub(super) fn session_arn_trap(&mut self, entry: &Entry, spec: OperatorSpec) {
        if !entry.key.node.eq_ignore_ascii_case(values::PRINCIPAL_ARN)
            || spec.base == BaseOperator::Null
        {
            return;
        }
        for v in entry
            .values
            .iter()
            .filter(|v| values::is_role_session_arn(&v.text))
        {
            self.push(values::session_arn(
                self.file,
                v.span,
                spec.base.is_negated(),
            ));
        }
    }

    /// W0603, W0604: `Null` with a set qualifier, an empty value list; both
    /// test only whether the key is present.
    pub(super) fn presence_traps(&mut self, entry: &Entry, spec: OperatorSpec) {
        let file = self.file;
        let op = entry.operator.node.as_str();
        if spec.base == BaseOperator::Null
            && let Some(q) = spec.qualifier
        {
            let truth = qualified_null_truth(q, &entry.values);
            let plain = match truth {
                (true, false) => Some("true"),
                (false, true) => Some("false"),
                _ => None,
            };
            let mut d = Diagnostic::new(
                codes::W0603,
                file,
                entry.operator.span,
                format!("`{op}` on `{}` {}", entry.key.node, truth_text(truth)),
            )
            .with_label("`Null` with a set qualifier");
            d = match plain {
                Some(v) => d.with_help(format!(
                    "`Null` tests whether the key is present and takes no qualifier: write `\"Null\": {{\"{}\": \"{v}\"}}`",
                    entry.key.node
                )),
                None => d.with_help(
                    "`Null` tests whether the key is present and takes no qualifier: `\"true\"` means absent, `\"false\"` present",
                ),
            };
            self.push(d);
        }
        if entry.array_len == Some(0) {
            let truth = empty_truth(&spec);
            self.push(
                Diagnostic::new(
                    codes::W0604,
                    file,
                    entry.values_span,
                    format!(
                        "empty value list: `{op}` on `{}` {}",
                        entry.key.node,
                        truth_text(truth)
                    ),
                )
                .with_label("no values")
                .with_help("list the values to compare with, or remove the condition"),
            );
        }
    }

    /// W0201, W0602, W0601: what the condition entries of a statement do
    /// together.
    pub(super) fn condition_traps(&mut self, stmt: &Stmt, effect: &Spanned<Effect>) {
        let file = self.file;
        let known: Vec<&Entry> = stmt.entries.iter().filter(|e| e.spec.is_some()).collect();
        if effect.node == Effect::Allow {
            for e in &known {
                let Some(spec) = e.spec else { continue };
                if spec.base == BaseOperator::Null {
                    continue;
                }
                let same_key = |o: &&&Entry| o.key.node.eq_ignore_ascii_case(&e.key.node);
                if spec.qualifier == Some(SetQualifier::ForAllValues) {
                    // Guarded when the key must also be present.
                    let guarded = known.iter().filter(same_key).any(|o| {
                        o.spec.is_some_and(|s| {
                            (s.base == BaseOperator::Null
                                && s.qualifier.is_none()
                                && o.values
                                    .iter()
                                    .all(|v| v.text.eq_ignore_ascii_case("false")))
                                || (s.qualifier == Some(SetQualifier::ForAnyValue) && !s.if_exists)
                        })
                    });
                    if !guarded {
                        self.push(
                            Diagnostic::new(
                                codes::W0201,
                                file,
                                e.operator.span,
                                format!(
                                    "`{}` holds when `{}` is absent, so this statement grants requests without it",
                                    e.operator.node, e.key.node
                                ),
                            )
                            .with_label("`ForAllValues` is true for an absent key")
                            .with_help(format!(
                                "add `\"Null\": {{\"{}\": \"false\"}}` if requests without the key must not be granted",
                                e.key.node
                            )),
                        );
                    }
                }
                if spec.qualifier.is_some() && spec.base.is_negated() {
                    let (what, how) = match spec.qualifier {
                        Some(SetQualifier::ForAllValues) => (
                            format!("grants every `{}` except the listed ones", e.key.node),
                            "holds when no value matches the list",
                        ),
                        _ => (
                            format!(
                                "grants any request with one `{}` outside the list",
                                e.key.node
                            ),
                            "holds when some value matches none of the list",
                        ),
                    };
                    let positive = spec.base.complement().map_or("…", BaseOperator::name);
                    self.push(
                        Diagnostic::new(
                            codes::W0602,
                            file,
                            e.operator.span,
                            format!("inverted guardrail: `Allow` with `{}` {what}", e.operator.node),
                        )
                        .with_label(how)
                        .with_help(format!(
                            "to admit only the listed values, deny the others: `\"Effect\": \"Deny\"` with `ForAnyValue:{}`; to grant them, `Allow` with `ForAllValues:{positive}`",
                            spec.base.name()
                        )),
                    );
                }
            }
        }
        // A deny lists its exceptions as ANDed tests of who and where (global
        // keys: `aws:PrincipalArn`, `aws:SourceVpce`, …), which is right. It is
        // likely a mistake when two or more tests of what the request asks
        // for (the service's own keys) are ANDed: each reads as a violation
        // of its own (the whitepaper's G03).
        if effect.node == Effect::Deny && known.len() >= 2 {
            let mut request_keys: Vec<String> = Vec::new();
            for e in &known {
                let lower = e.key.node.to_ascii_lowercase();
                let own = self.catalog.key(&e.key.node).is_some_and(|k| !k.global);
                if own && !request_keys.contains(&lower) {
                    request_keys.push(lower);
                }
            }
            if request_keys.len() >= 2 {
                let n = known.len();
                let span = stmt.condition.unwrap_or_else(|| stmt.anchor());
                let mut d = Diagnostic::new(
                    codes::W0601,
                    file,
                    span,
                    format!("this deny fires only when all {n} conditions hold"),
                )
                .with_label("IAM ANDs every entry of a `Condition`")
                .with_help("if you meant any of them, use one statement each");
                for (i, e) in known.iter().enumerate() {
                    d = d.with_secondary(
                        file,
                        e.key.span,
                        format!("condition {} of {n}: `{}`", i + 1, e.operator.node),
                    );
                }
                self.push(d);
            }
        }
    }
}
