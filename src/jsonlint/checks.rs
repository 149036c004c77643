//! The checks on a read document that the checker makes too: the IAM rules
//! of `rules` (names, support, kinds, values, Sids) placed at the
//! document's spans and, where the syntax differs, worded in JSON's terms.
//! The traps of JSON's condition syntax are in [`super::traps`].

use crate::diag::{Diagnostic, codes};

use crate::catalog::{Catalog, KeyRef};
use crate::iam::{BaseOperator, OperatorFamily, OperatorSpec, SetQualifier};
use crate::policy::{Effect, PolicyKind};
use crate::rules::Front;
use crate::rules::kinds::{
    KindProblem, KindTrap, PrincipalType, StatedPrincipal, StatementShape, kind_problems,
    kind_traps, mentions_username, principal_problem, wide_allow_message, wide_entries,
};
use crate::rules::names::{
    ActionGroup, PatternCache, first_exact, resolve_action, resolve_key, variable_problems,
};
use crate::rules::operators::{self, compares_as_text, families_fit, key_family};
use crate::rules::support::{AbsentTruth, KeyImpact, SupportCheck, deprecated};
use crate::rules::values::{self, Shape, invalid_sid, sid_used_twice};
use crate::source::{FileId, Span, Spanned};
use std::collections::HashMap;

use super::model::{CondValue, Doc, Entry, PrincipalShape, Stmt, ValueKind};

/// The checks of one document, and what they found.
pub(crate) struct Checker<'a> {
    pub file: FileId,
    pub catalog: &'a Catalog,
    pub kind: PolicyKind,
    /// Policy variables are resolved (`"Version": "2012-10-17"`).
    pub variables: bool,
    pub patterns: PatternCache<'a>,
    pub diags: Vec<Diagnostic>,
    /// The E0301 findings of Allow statements: an action (or pattern) the
    /// statement never grants, because it does not carry a key the
    /// condition needs. Import leaves such entries out.
    pub never_granted: Vec<NeverGranted>,
}

/// An action entry of an Allow statement that the statement never grants:
/// its condition needs a key the action does not carry (E0301).
#[derive(Clone, Debug)]
pub(crate) struct NeverGranted {
    /// The entry in `Action`.
    pub action: Span,
    /// Where the E0301 reported for it points (the key), and its message.
    pub key: Span,
    pub message: String,
}

fn operators_for(fam: OperatorFamily) -> &'static str {
    match fam {
        OperatorFamily::String | OperatorFamily::Arn => {
            "String and ARN keys take `StringEquals`, `StringNotEquals`, `StringLike`, `StringNotLike`, `ArnEquals`, `ArnLike`, `ArnNotEquals`, `ArnNotLike`"
        }
        OperatorFamily::Numeric => {
            "Numeric keys take `NumericEquals`, `NumericNotEquals`, `NumericLessThan`, `NumericLessThanEquals`, `NumericGreaterThan`, `NumericGreaterThanEquals`"
        }
        OperatorFamily::Date => {
            "Date keys take `DateEquals`, `DateNotEquals`, `DateLessThan`, `DateLessThanEquals`, `DateGreaterThan`, `DateGreaterThanEquals`"
        }
        OperatorFamily::Bool => "Bool keys take `Bool`",
        OperatorFamily::Ip => "IPAddress keys take `IpAddress` and `NotIpAddress`",
        OperatorFamily::Binary => "Binary keys take `BinaryEquals`",
        OperatorFamily::Null => "every key takes `Null`",
    }
}

/// The truth of `Null` with a set qualifier: (absent, present).
pub(crate) fn qualified_null_truth(qualifier: SetQualifier, values: &[CondValue]) -> (bool, bool) {
    let wants_false = values.iter().any(|v| v.text.eq_ignore_ascii_case("false"));
    operators::qualified_null_truth(qualifier, wants_false)
}

/// What the statement's condition does for an action without the key
/// `key` (as written): each entry on it takes its absent value.
fn key_impact(stmt: &Stmt, key: &str) -> KeyImpact {
    let effect = stmt.effect.as_ref().map_or(Effect::Deny, |e| e.node);
    let mut truth = AbsentTruth::Always;
    let mut explicit = true;
    let mut others = false;
    for e in &stmt.entries {
        if !e.key.node.eq_ignore_ascii_case(key) {
            others = true;
            continue;
        }
        let Some(spec) = e.spec else {
            others = true;
            continue;
        };
        let wants_true = e.values.iter().any(|v| v.text.eq_ignore_ascii_case("true"));
        let holds = if spec.base == BaseOperator::Null {
            match spec.qualifier {
                Some(q) => qualified_null_truth(q, &e.values).0,
                None => wants_true,
            }
        } else {
            spec.if_exists
                || match spec.qualifier {
                    Some(SetQualifier::ForAnyValue) => false,
                    Some(SetQualifier::ForAllValues) => true,
                    None => spec.base.is_negated(),
                }
        };
        if !holds {
            truth = AbsentTruth::Never;
        }
        explicit &= spec.if_exists
            || (spec.base == BaseOperator::Null && spec.qualifier.is_none() && wants_true);
    }
    if truth == AbsentTruth::Always && others {
        truth = AbsentTruth::Depends;
    }
    KeyImpact {
        effect,
        truth,
        explicit,
    }
}

impl<'a> Checker<'a> {
    pub(super) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn document(&mut self, doc: &Doc) {
        self.sids(doc);
        let mut literal_variable_reported = false;
        for stmt in &doc.statements {
            self.statement(stmt, &mut literal_variable_reported);
        }
    }

    fn sids(&mut self, doc: &Doc) {
        // the first statement with each Sid, by Sid
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for stmt in &doc.statements {
            let Some(sid) = &stmt.sid else { continue };
            if let Some(invalid) = invalid_sid(&sid.node) {
                self.push(invalid.diagnostic(self.file, sid.span));
            }
            if let Some(&first) = seen.get(sid.node.as_str()) {
                self.push(sid_used_twice(self.file, sid.span, first, &sid.node));
            } else {
                seen.insert(&sid.node, sid.span);
            }
        }
    }

    fn statement(&mut self, stmt: &Stmt, literal_variable_reported: &mut bool) {
        self.kind_rules(stmt);
        let groups = match &stmt.actions {
            Some(list) => list.items.iter().filter_map(|a| self.action(a)).collect(),
            None => Vec::new(),
        };
        let except = stmt.actions.as_ref().is_some_and(|a| a.not);
        if let Some(resources) = &stmt.resources {
            for r in &resources.items {
                self.resource(r, literal_variable_reported);
            }
        }
        let mut support = SupportCheck::default();
        for entry in &stmt.entries {
            self.entry(
                stmt,
                entry,
                &groups,
                except,
                &mut support,
                literal_variable_reported,
            );
        }
        self.traps(stmt, &groups);
        self.kind_elements(stmt, &groups);
    }

    /// What the policy kind allows of a statement (E0302, E0303, E0305,
    /// E0306), and the shape of each principal (E0213).
    fn kind_rules(&mut self, stmt: &Stmt) {
        let file = self.file;
        let kind = self.kind;
        let stated = match &stmt.principal {
            None => StatedPrincipal::Absent,
            Some(p) if !p.not && matches!(p.shape, PrincipalShape::Any) => {
                StatedPrincipal::Everyone
            }
            Some(_) => StatedPrincipal::Named,
        };
        // A statement without `Effect` is reported when read; it allows nothing.
        let effect = stmt.effect.as_ref().map_or(Effect::Deny, |e| e.node);
        let not_action = stmt.actions.as_ref().is_some_and(|a| a.not);
        for problem in kind_problems(kind, effect, stated, not_action) {
            let code = problem.code();
            let d = match problem {
                KindProblem::PrincipalMissing if kind == PolicyKind::Rcp => Diagnostic::new(
                    code,
                    file,
                    stmt.anchor(),
                    "a statement of an RCP must say `\"Principal\": \"*\"`",
                )
                .with_label("no `Principal`")
                .with_help("RCPs apply to every principal: add `\"Principal\": \"*\"`"),
                KindProblem::PrincipalMissing => Diagnostic::new(
                    code,
                    file,
                    stmt.anchor(),
                    "a statement of a resource or key policy must name its principal",
                )
                .with_label("no `Principal`")
                .with_help("add `\"Principal\": {\"Service\": \"logs.amazonaws.com\"}`, `{\"AWS\": \"arn:…\"}` or `\"*\"`"),
                KindProblem::PrincipalNotAllowed => {
                    let Some(p) = &stmt.principal else { continue };
                    let what = if kind == PolicyKind::Scp {
                        "an SCP"
                    } else {
                        "an identity policy"
                    };
                    Diagnostic::new(code, file, p.key_span, format!("{what} names no principal"))
                        .with_label("principal not allowed here")
                        .with_help("the principal of an identity policy or SCP is whoever it is attached to; `Principal` belongs in resource and key policies")
                }
                KindProblem::PrincipalNotEveryone => {
                    let Some(p) = &stmt.principal else { continue };
                    Diagnostic::new(
                        code,
                        file,
                        p.key_span,
                        "the principal of an RCP statement is always `\"*\"`",
                    )
                    .with_label("principal not allowed here")
                    .with_help("RCPs apply to every principal; narrow them with conditions such as `aws:PrincipalAccount`")
                }
                KindProblem::Allow => {
                    let Some(e) = &stmt.effect else { continue };
                    Diagnostic::new(code, file, e.span, format!("{} can only deny", kind.described()))
                        .with_label("`Allow` in an RCP")
                        .with_help("AWS accepts `Allow` only in its own `RCPFullAWSAccess`; write a `Deny` with the exception as its condition")
                }
                // Reported by `kind_elements`, with the element's span.
                KindProblem::Resource | KindProblem::Anyone => continue,
                KindProblem::NotAction => {
                    let Some(a) = &stmt.actions else { continue };
                    Diagnostic::new(
                        code,
                        file,
                        a.key_span,
                        format!("{} cannot use `NotAction`", kind.described()),
                    )
                    .with_label("not supported in resource control policies")
                    .with_help("list the actions to deny")
                }
            };
            self.push(d);
        }
        if let Some(p) = &stmt.principal
            && let PrincipalShape::Map(map) = &p.shape
        {
            for (ty, listed) in map {
                let ty = match ty.node.as_str() {
                    "AWS" => PrincipalType::Aws,
                    "Service" => PrincipalType::Service,
                    _ => PrincipalType::Other,
                };
                for v in listed {
                    if let Some(problem) = principal_problem(ty, &v.node) {
                        self.push(problem.diagnostic(file, v.span, &v.node));
                    }
                }
            }
        }
    }

    /// Resolves one action string, reporting what is wrong with it.
    fn action(&mut self, a: &Spanned<String>) -> Option<Spanned<ActionGroup<'a>>> {
        match resolve_action(self.catalog, &self.patterns, &a.node) {
            Ok(group) => Some(Spanned::new(group, a.span)),
            Err(problem) => {
                self.push(problem.diagnostic(self.file, a.span, &a.node));
                problem
                    .carried(&a.node)
                    .map(|group| Spanned::new(group, a.span))
            }
        }
    }

    fn resource(&mut self, r: &Spanned<String>, literal_variable_reported: &mut bool) {
        if r.node == "*" {
            return;
        }
        if r.node.contains("${") && !self.variables {
            self.literal_variable(r.span, &r.node, literal_variable_reported);
        } else if !self.check_variables(&r.node, r.span) {
            return;
        }
        if let Some(problem) = values::arn_problem(&r.node, true) {
            self.push(Shape::Arn.malformed(self.file, r.span, &r.node, problem));
        }
    }

    /// Checks the policy variables of a string (E0212, E0214); whether all
    /// were valid.
    fn check_variables(&mut self, s: &str, span: Span) -> bool {
        let problems = variable_problems(self.catalog, s);
        let valid = problems.is_empty();
        for p in problems {
            self.push(p.diagnostic(self.file, span));
        }
        valid
    }

    fn resolve_key(
        &mut self,
        entry: &Entry,
        groups: &[Spanned<ActionGroup<'a>>],
    ) -> Option<KeyRef> {
        let near = first_exact(groups.iter().map(|g| &g.node));
        match resolve_key(self.catalog, &entry.key.node, near) {
            Ok(key) => Some(key),
            Err(unknown) => {
                self.push(unknown.diagnostic(self.file, entry.key.span));
                None
            }
        }
    }

    /// E0301 / W0209: the statement's actions that do not carry the key.
    fn support(
        &mut self,
        key: &KeyRef,
        span: Span,
        groups: &[Spanned<ActionGroup<'a>>],
        except: bool,
        support: &mut SupportCheck,
        impact: KeyImpact,
    ) {
        let found = support.check(
            self.catalog,
            key,
            groups.iter().map(|g| &g.node),
            except,
            impact,
        );
        for finding in found {
            let group_span = finding.group().and_then(|i| groups.get(i)).map(|g| g.span);
            let d = finding.diagnostic(self.file, span, group_span, Front::Json);
            // In an Allow, E0301 means the key's test never holds for the
            // action (an always-true test is W0211 there).
            if d.code == codes::E0301
                && impact.effect == Effect::Allow
                && let Some(action) = group_span
            {
                self.never_granted.push(NeverGranted {
                    action,
                    key: d.span,
                    message: d.message.clone(),
                });
            }
            self.push(d);
        }
    }

    fn entry(
        &mut self,
        stmt: &Stmt,
        entry: &Entry,
        groups: &[Spanned<ActionGroup<'a>>],
        except: bool,
        support: &mut SupportCheck,
        literal_variable_reported: &mut bool,
    ) {
        let file = self.file;
        let key = self.resolve_key(entry, groups);
        if let Some(key) = &key {
            self.diags.extend(deprecated(key, file, entry.key.span));
            let impact = key_impact(stmt, &entry.key.node);
            self.support(key, entry.key.span, groups, except, support, impact);
        }
        let Some(spec) = entry.spec else { return };
        let op = entry.operator.node.as_str();
        self.presence_traps(entry, spec);
        self.session_arn_trap(entry, spec);
        let Some(key) = key else {
            // Values still get their shape checks by the operator's family.
            self.values(entry, spec, spec.base.family(), literal_variable_reported);
            return;
        };
        let kfam = key_family(key.ty);
        let ofam = spec.base.family();
        if !families_fit(ofam, kfam) && !compares_as_text(ofam, kfam) {
            self.push(
                Diagnostic::new(
                    codes::E0201,
                    file,
                    entry.operator.span,
                    format!(
                        "`{op}` does not apply to condition key `{}` of type {}",
                        key.name,
                        key.ty.as_str()
                    ),
                )
                .with_label("wrong operator for this key")
                .with_secondary(file, entry.key.span, format!("a {} key", key.ty.as_str()))
                .with_help(operators_for(kfam)),
            );
            return;
        }
        if spec.base != BaseOperator::Null {
            let multivalued = key.ty.is_multivalued();
            match (spec.qualifier, multivalued) {
                (None, true) => {
                    self.push(
                        Diagnostic::new(
                            codes::E0207,
                            file,
                            entry.key.span,
                            format!(
                                "condition key `{}` is multivalued ({}): use `ForAnyValue:` or `ForAllValues:`",
                                key.name,
                                key.ty.as_str()
                            ),
                        )
                        .with_label("needs a set qualifier")
                        .with_secondary(file, entry.operator.span, "no set qualifier")
                        .with_help(format!(
                            "`ForAnyValue:{op}` holds when some value does; `ForAllValues:{op}` when every value does (and when the key is absent)"
                        )),
                    );
                }
                (Some(q), false) => {
                    let plain = OperatorSpec {
                        qualifier: None,
                        ..spec
                    };
                    self.push(
                        Diagnostic::new(
                            codes::E0208,
                            file,
                            entry.operator.span,
                            format!(
                                "condition key `{}` is single-valued ({}): remove `{}:`",
                                key.name,
                                key.ty.as_str(),
                                q.name()
                            ),
                        )
                        .with_label("set qualifier on a single-valued key")
                        .with_secondary(file, entry.key.span, "a single-valued key")
                        .with_suggestion(plain.to_string())
                        .with_help(format!(
                            "a qualifier on a single-valued key is a known IAM trap: `ForAllValues` holds when the key is absent; write `{plain}`"
                        )),
                    );
                }
                _ => {}
            }
        }
        let like = matches!(
            spec.base,
            BaseOperator::StringLike | BaseOperator::StringNotLike
        );
        let fam = if ofam == OperatorFamily::Null {
            ofam
        } else if compares_as_text(ofam, kfam) && !like {
            // The text of a Bool: anything but `true` / `false` never matches.
            OperatorFamily::Bool
        } else if kfam == OperatorFamily::Arn || ofam == OperatorFamily::Arn {
            OperatorFamily::Arn
        } else {
            ofam
        };
        self.values(entry, spec, fam, literal_variable_reported);
    }

    /// Checks each value against the shape the comparison needs.
    fn values(
        &mut self,
        entry: &Entry,
        spec: OperatorSpec,
        fam: OperatorFamily,
        literal_variable_reported: &mut bool,
    ) {
        let file = self.file;
        let like = matches!(
            spec.base,
            BaseOperator::StringLike | BaseOperator::StringNotLike
        ) || spec.base.family() == OperatorFamily::Arn;
        for v in &entry.values {
            let text = v.text.as_str();
            if text.contains("${") {
                if !spec.base.accepts_variables() {
                    if spec.base.family() != OperatorFamily::Null {
                        self.push(
                            Diagnostic::new(
                                codes::E0209,
                                file,
                                v.span,
                                format!(
                                    "a policy variable cannot be compared with `{}`",
                                    entry.operator.node
                                ),
                            )
                            .with_label("variable not resolved here")
                            .with_help(
                                "IAM resolves policy variables only with string and ARN operators",
                            ),
                        );
                        continue;
                    }
                } else if !self.variables {
                    self.literal_variable(v.span, text, literal_variable_reported);
                } else if !self.check_variables(text, v.span) {
                    continue;
                }
            }
            let mismatch = |what: &str| {
                Diagnostic::new(
                    codes::E0210,
                    file,
                    v.span,
                    format!(
                        "`{}` on `{}` expects a {what} value, found `{text}`",
                        entry.operator.node, entry.key.node
                    ),
                )
                .with_label("wrong kind of value")
            };
            let shape =
                |shape: Shape, problem: String| shape.malformed(file, v.span, text, problem);
            let d = match fam {
                OperatorFamily::Null => (!(text.eq_ignore_ascii_case("true")
                    || text.eq_ignore_ascii_case("false")))
                .then(|| {
                    mismatch("Null").with_help(
                        "`\"true\"` means the key is absent, `\"false\"` that it is present",
                    )
                }),
                OperatorFamily::Bool => (!(text.eq_ignore_ascii_case("true")
                    || text.eq_ignore_ascii_case("false")))
                .then(|| mismatch("Bool").with_help("write `\"true\"` or `\"false\"`")),
                OperatorFamily::Arn => {
                    values::arn_problem(text, like).map(|p| shape(Shape::Arn, p))
                }
                OperatorFamily::Ip => values::cidr_problem(text)
                    .map(|p| shape(Shape::IpRange, p))
                    .or_else(|| {
                        values::is_bare_ipv6(text).then(|| {
                            Diagnostic::new(
                                codes::W0212,
                                file,
                                v.span,
                                format!("IPv6 address `{text}` without a prefix"),
                            )
                            .with_label("AWS's default prefix is /32: a network, for IPv6")
                            .with_help(format!(
                                "write `{text}/128` for this one address, or the network meant"
                            ))
                        })
                    }),
                OperatorFamily::Date => {
                    if v.kind == ValueKind::Num
                        || (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                    {
                        values::number_problem(text).map(|p| shape(Shape::Date, p))
                    } else {
                        values::date_problem(text).map(|p| shape(Shape::Date, p))
                    }
                }
                OperatorFamily::Numeric => {
                    if v.kind == ValueKind::Bool {
                        Some(mismatch("Numeric"))
                    } else {
                        values::number_problem(text).map(|p| shape(Shape::Number, p))
                    }
                }
                OperatorFamily::Binary => {
                    values::base64_problem(text).map(|p| shape(Shape::Base64, p))
                }
                OperatorFamily::String => None,
            };
            if let Some(d) = d {
                self.push(d);
            }
        }
    }

    /// The traps of the policy kind (W0202, W0203, W0208), then those of
    /// JSON conditions.
    fn traps(&mut self, stmt: &Stmt, groups: &[Spanned<ActionGroup<'a>>]) {
        let file = self.file;
        let Some(effect) = &stmt.effect else { return };
        let not_action = stmt.actions.as_ref().is_some_and(|a| a.not);
        let username = stmt
            .entries
            .iter()
            .flat_map(|e| e.values.iter())
            .find(|v| mentions_username(&v.text));
        let shape = StatementShape {
            effect: effect.node,
            groups: groups.iter().map(|g| &g.node).collect(),
            not_action,
            every_resource: stmt
                .resources
                .as_ref()
                .is_none_or(|r| !r.not && r.items.iter().any(|i| i.node == "*")),
            conditioned: !stmt.entries.is_empty(),
            mentions_username: username.is_some(),
        };
        for trap in kind_traps(self.kind, &shape) {
            let code = trap.code();
            let d = match trap {
                KindTrap::AllowInScp => Diagnostic::new(
                    code,
                    file,
                    effect.span,
                    "an `Allow` in an SCP denies nothing while `FullAWSAccess` is attached",
                )
                .with_label("restricts nothing by itself")
                .with_help(
                    "SCPs restrict through `Deny`: write a `Deny` whose condition is the exception",
                ),
                KindTrap::AllowAllBut => {
                    let Some(a) = &stmt.actions else { continue };
                    Diagnostic::new(
                        code,
                        file,
                        a.key_span,
                        "`Allow` with `NotAction` grants every other action",
                    )
                    .with_label("wildcard grant")
                    .with_help("grant the actions the principal needs, by name")
                }
                KindTrap::WideAllow(i) => {
                    let Some(g) = groups.get(i) else { continue };
                    let wide: Vec<&Spanned<ActionGroup>> = wide_entries(&shape.groups)
                        .into_iter()
                        .filter_map(|j| groups.get(j))
                        .collect();
                    let mut d = Diagnostic::new(
                        code,
                        file,
                        g.span,
                        wide_allow_message(
                            &format!("`Allow` of `{}`", g.node.text),
                            wide.len().saturating_sub(1),
                        ),
                    )
                    .with_label("wildcard grant")
                    .with_help("grant the actions the principal needs, by name");
                    for w in wide.iter().skip(1) {
                        d = d.with_secondary(file, w.span, "also every action");
                    }
                    d
                }
                KindTrap::UsernameInGuardrail => {
                    let Some(v) = username else { continue };
                    Diagnostic::new(
                        code,
                        file,
                        v.span,
                        format!(
                            "`${{aws:username}}` in {} is unresolved for roles",
                            self.kind.described()
                        ),
                    )
                    .with_label("roles and federated sessions have no user name")
                    .with_help("an unresolved variable matches nothing: attach this as an identity policy on IAM users, or use `${aws:PrincipalTag/…}`")
                }
            };
            self.push(d);
        }
        self.condition_traps(stmt, effect);
    }
}
