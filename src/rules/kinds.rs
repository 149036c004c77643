//! What a statement of each policy kind may hold: a principal or none,
//! `Allow`, `NotAction` (E0302, E0303, E0305, E0306); what does not do what
//! it seems to in a kind (W0202, W0203, W0208); and what a principal value
//! must look like (E0213). The facts per kind are
//! [`crate::policy::PolicyKind`]'s; here they meet a statement.

use super::names::{ActionGroup, GroupKind};
use super::values::service_principal_problem;
use crate::diag::{Code, Diagnostic, codes};
use crate::policy::{Effect, PolicyKind, PrincipalRule};
use crate::source::{FileId, Span};

/// The principal a statement states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatedPrincipal {
    /// None.
    Absent,
    /// Every principal: `"Principal": "*"`.
    Everyone,
    /// Principals by name (or `NotPrincipal`).
    Named,
}

/// A statement that breaks a rule of its policy kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindProblem {
    /// The kind names its principals and the statement names none (E0302).
    PrincipalMissing,
    /// The kind applies to whoever it is attached to (E0303).
    PrincipalNotAllowed,
    /// The kind applies to every principal, and says only that (E0303).
    PrincipalNotEveryone,
    /// The kind only denies (E0305).
    Allow,
    /// The kind cannot use `NotAction` (E0306).
    NotAction,
    /// The kind names no resource: a trust policy (E0320).
    Resource,
    /// The kind refuses the wildcard principal: a trust policy (E0322).
    Anyone,
}

/// The rules of `kind` that a statement with this effect, principal and
/// action element breaks.
pub fn kind_problems(
    kind: PolicyKind,
    effect: Effect,
    principal: StatedPrincipal,
    not_action: bool,
) -> Vec<KindProblem> {
    let mut out = Vec::new();
    let principal_problem = match (kind.principal_rule(), principal) {
        (PrincipalRule::Attached, StatedPrincipal::Everyone | StatedPrincipal::Named) => {
            Some(KindProblem::PrincipalNotAllowed)
        }
        (PrincipalRule::Everyone, StatedPrincipal::Named) => {
            Some(KindProblem::PrincipalNotEveryone)
        }
        (PrincipalRule::Everyone | PrincipalRule::Named, StatedPrincipal::Absent) => {
            Some(KindProblem::PrincipalMissing)
        }
        _ => None,
    };
    out.extend(principal_problem);
    if effect == Effect::Allow && !kind.may_allow() {
        out.push(KindProblem::Allow);
    }
    if not_action && !kind.may_use_not_action() {
        out.push(KindProblem::NotAction);
    }
    out
}

impl KindProblem {
    pub fn code(self) -> Code {
        match self {
            KindProblem::PrincipalMissing => codes::E0302,
            KindProblem::PrincipalNotAllowed | KindProblem::PrincipalNotEveryone => codes::E0303,
            KindProblem::Allow => codes::E0305,
            KindProblem::NotAction => codes::E0306,
            KindProblem::Resource => codes::E0320,
            KindProblem::Anyone => codes::E0322,
        }
    }
}

/// What a statement of `kind` states that the kind refuses, beyond
/// [`kind_problems`]: a resource (`Resource` or `NotResource`) where the kind
/// has none (E0320), the wildcard principal where the kind refuses it
/// (E0322).
pub fn element_problems(
    kind: PolicyKind,
    states_resource: bool,
    states_anyone: bool,
) -> Vec<KindProblem> {
    let mut out = Vec::new();
    if states_resource && !kind.has_resources() {
        out.push(KindProblem::Resource);
    }
    if states_anyone && !kind.may_name_anyone() {
        out.push(KindProblem::Anyone);
    }
    out
}

/// The indexes of the entries of `groups` that reach an action `kind` does
/// not permit (E0321), when the kind restricts its actions: `*`, a name the
/// catalog lacks, or a name or pattern matching any action outside
/// [`PolicyKind::permitted_actions`] (`sts:Assume*` reaches `sts:AssumeRoot`).
pub fn unpermitted_entries(kind: PolicyKind, groups: &[&ActionGroup]) -> Vec<usize> {
    let Some(permitted) = kind.permitted_actions() else {
        return Vec::new();
    };
    let allowed = |g: &ActionGroup| {
        matches!(g.kind, GroupKind::Exact | GroupKind::Wildcard)
            && !g.matched.is_empty()
            && g.matched.iter().all(|a| {
                let name = a.full_name();
                permitted.iter().any(|p| p.eq_ignore_ascii_case(&name))
            })
    };
    groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !allowed(g))
        .map(|(i, _)| i)
        .collect()
}

/// Whether the trust-policy action `action` (catalog spelling) cannot be
/// performed by any of `principals`, each given by its JSON type (`AWS`,
/// `Service`, `Federated`, `CanonicalUser`) and value (W0320): `sts:AssumeRole`
/// is called by AWS and service principals, `sts:AssumeRoleWithSAML` by a SAML
/// provider (`…:saml-provider/…`), `sts:AssumeRoleWithWebIdentity` by an OIDC
/// provider or web identity provider (any other `Federated` principal). AWS's
/// policy checks report the mismatch (AACHK, "Mismatched action for
/// principal"). Other actions, and kinds that do not restrict their actions,
/// never mismatch.
pub fn mismatched_assume_action(
    kind: PolicyKind,
    principals: &[(&str, &str)],
    action: &str,
) -> bool {
    if kind.permitted_actions().is_none() {
        return false;
    }
    let saml =
        |ty: &str, v: &str| ty.eq_ignore_ascii_case("Federated") && v.contains(":saml-provider/");
    let fits: &dyn Fn(&str, &str) -> bool = if action.eq_ignore_ascii_case("sts:AssumeRole") {
        &|ty: &str, _: &str| ty.eq_ignore_ascii_case("AWS") || ty.eq_ignore_ascii_case("Service")
    } else if action.eq_ignore_ascii_case("sts:AssumeRoleWithSAML") {
        &saml
    } else if action.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity") {
        &|ty: &str, v: &str| ty.eq_ignore_ascii_case("Federated") && !saml(ty, v)
    } else {
        return false;
    };
    !principals.is_empty() && !principals.iter().any(|(ty, v)| fits(ty, v))
}

/// The message and help of E0321 for the entry `entry` of a statement of
/// `kind` (as its front end spells it).
pub fn unpermitted_action_message(kind: PolicyKind, entry: &str) -> (String, String) {
    let list = kind
        .permitted_actions()
        .unwrap_or_default()
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    (
        format!(
            "{} names only the actions done to the role, not {entry}",
            kind.described()
        ),
        format!("a trust policy names {list}"),
    )
}

/// What the traps of a kind look at in a statement.
pub struct StatementShape<'g, 'c> {
    pub effect: Effect,
    /// The written action entries (with `not_action`, those excepted).
    pub groups: Vec<&'g ActionGroup<'c>>,
    pub not_action: bool,
    /// The resources are, or include, `*`, and are not `NotResource`.
    pub every_resource: bool,
    pub conditioned: bool,
    /// A condition value mentions `${aws:username}`.
    pub mentions_username: bool,
}

impl StatementShape<'_, '_> {
    /// `FullAWSAccess` itself: an unconditioned `Allow` of `*` on `*`.
    fn is_full_access(&self) -> bool {
        self.effect == Effect::Allow
            && !self.conditioned
            && !self.not_action
            && self.every_resource
            && matches!(self.groups.as_slice(), [g] if g.kind == GroupKind::All && g.text == "*")
    }
}

/// A statement that does not do what it seems to in its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindTrap {
    /// An `Allow` in an SCP restricts nothing while `FullAWSAccess` is
    /// attached (W0202); `FullAWSAccess` itself is not one.
    AllowInScp,
    /// An identity policy's `Allow` with `NotAction` grants every other
    /// action (W0203).
    AllowAllBut,
    /// An identity policy's `Allow` of `*` or `svc:*` grants every action it
    /// matches (W0203), once per statement: the index of the first such
    /// entry ([`wide_entries`] gives them all).
    WideAllow(usize),
    /// `${aws:username}` in an SCP or RCP is unresolved for roles (W0208).
    UsernameInGuardrail,
}

/// The traps of `kind` a statement of this shape falls into.
pub fn kind_traps(kind: PolicyKind, statement: &StatementShape) -> Vec<KindTrap> {
    let mut out = Vec::new();
    let allow = statement.effect == Effect::Allow;
    if kind == PolicyKind::Scp && allow && !statement.is_full_access() {
        out.push(KindTrap::AllowInScp);
    }
    if kind == PolicyKind::Identity && allow {
        if statement.not_action {
            out.push(KindTrap::AllowAllBut);
        } else {
            out.extend(
                wide_entries(&statement.groups)
                    .first()
                    .map(|&i| KindTrap::WideAllow(i)),
            );
        }
    }
    if kind.is_guardrail() && statement.mentions_username {
        out.push(KindTrap::UsernameInGuardrail);
    }
    out
}

/// The indexes of the entries that grant every action they match (`*`,
/// `svc:*`).
pub fn wide_entries(groups: &[&ActionGroup]) -> Vec<usize> {
    groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.is_wide())
        .map(|(i, _)| i)
        .collect()
}

/// The message of W0203 for one statement: `first` names its first wide
/// entry as its front end spells it (`` `allow *` ``, `` `Allow` of `s3:*` ``),
/// `more` counts the other wide entries of the statement.
pub fn wide_allow_message(first: &str, more: usize) -> String {
    match more {
        0 => format!("{first} grants every action it matches"),
        1 => format!("{first} and 1 more wildcard grant every action they match"),
        n => format!("{first} and {n} more wildcards grant every action they match"),
    }
}

impl KindTrap {
    pub fn code(self) -> Code {
        match self {
            KindTrap::AllowInScp => codes::W0202,
            KindTrap::AllowAllBut | KindTrap::WideAllow(_) => codes::W0203,
            KindTrap::UsernameInGuardrail => codes::W0208,
        }
    }
}

/// Whether a value mentions `${aws:username}` (with a default or not).
pub fn mentions_username(value: &str) -> bool {
    // `${aws:username`, ASCII case ignored, without a lowercased copy: looked
    // for at each `$` (a check asks this of every value of every rule).
    const VARIABLE: &[u8] = b"${aws:username";
    let bytes = value.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|at| {
        bytes
            .get(at..at + VARIABLE.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(VARIABLE))
    })
}

/// The principal types whose values have a shape of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalType {
    /// `AWS`: an ARN, a 12-digit account id, or `*`.
    Aws,
    /// `Service`: `name.amazonaws.com`.
    Service,
    /// `Federated`, `CanonicalUser`: any literal.
    Other,
}

/// What is wrong with a principal value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalProblem {
    /// Empty, or a policy variable: IAM resolves none in a principal.
    NotLiteral,
    /// Not an ARN, account id or `*`.
    Aws,
    /// Not a service principal, and why.
    Service(String),
}

/// What is wrong with `value` as a principal of type `ty`.
pub fn principal_problem(ty: PrincipalType, value: &str) -> Option<PrincipalProblem> {
    if value.is_empty() || value.contains("${") {
        return Some(PrincipalProblem::NotLiteral);
    }
    match ty {
        PrincipalType::Service => service_principal_problem(value).map(PrincipalProblem::Service),
        PrincipalType::Aws => {
            let account = value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit());
            (!(value == "*" || value.starts_with("arn:") || account))
                .then_some(PrincipalProblem::Aws)
        }
        PrincipalType::Other => None,
    }
}

impl PrincipalProblem {
    /// The diagnostic for the principal `value` written at `span`.
    pub fn diagnostic(&self, file: FileId, span: Span, value: &str) -> Diagnostic {
        match self {
            PrincipalProblem::NotLiteral => Diagnostic::new(
                codes::E0213,
                file,
                span,
                format!("invalid principal `{value}`"),
            )
            .with_label("a principal is a non-empty literal: no policy variables"),
            PrincipalProblem::Aws => Diagnostic::new(
                codes::E0213,
                file,
                span,
                format!("invalid AWS principal `{value}`"),
            )
            .with_label("expected an ARN, a 12-digit account id, or `*`"),
            PrincipalProblem::Service(problem) => Diagnostic::new(
                codes::E0213,
                file,
                span,
                format!("invalid service principal `{value}`"),
            )
            .with_label(problem.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The definition it replaces: a lowercased copy searched.
    fn by_copy(value: &str) -> bool {
        value.to_ascii_lowercase().contains("${aws:username")
    }

    #[test]
    fn username_mentions_are_found_in_any_case() {
        for value in [
            "${aws:username}",
            "arn:aws:iam::*:user/${AWS:UserName}",
            "$${aws:username}",
            "${aws:usernam",
            "${aws:userid}",
            "é${aws:USERNAME}ü",
            "$",
            "",
            "home/${aws:username",
        ] {
            assert_eq!(mentions_username(value), by_copy(value), "{value}");
        }
    }

    proptest! {
        #[test]
        fn username_mentions_agree_with_a_lowercased_search(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("${aws:username}".to_string()),
                    Just("${AWS:UserName".to_string()),
                    Just("$".to_string()),
                    "[a-zA-Z:/${}é]{0,6}",
                ],
                0..6,
            )
        ) {
            let value = parts.concat();
            prop_assert_eq!(mentions_username(&value), by_copy(&value));
        }
    }

    use super::*;

    #[test]
    fn assume_actions_fit_their_principals() {
        let t = PolicyKind::TrustPolicy;
        let saml = [("Federated", "arn:aws:iam::111122223333:saml-provider/Corp")];
        let oidc = [(
            "Federated",
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        )];
        let service = [("Service", "sagemaker.amazonaws.com")];
        assert!(mismatched_assume_action(t, &saml, "sts:AssumeRole"));
        assert!(!mismatched_assume_action(
            t,
            &saml,
            "sts:AssumeRoleWithSAML"
        ));
        assert!(mismatched_assume_action(
            t,
            &saml,
            "sts:AssumeRoleWithWebIdentity"
        ));
        assert!(!mismatched_assume_action(
            t,
            &oidc,
            "sts:AssumeRoleWithWebIdentity"
        ));
        assert!(mismatched_assume_action(t, &oidc, "sts:AssumeRoleWithSAML"));
        assert!(!mismatched_assume_action(t, &service, "sts:AssumeRole"));
        assert!(mismatched_assume_action(
            t,
            &service,
            "sts:AssumeRoleWithSAML"
        ));
        assert!(!mismatched_assume_action(t, &saml, "sts:TagSession"));
        let both = [saml[0], service[0]];
        assert!(!mismatched_assume_action(t, &both, "sts:AssumeRole"));
        assert!(!mismatched_assume_action(
            PolicyKind::ResourcePolicy,
            &saml,
            "sts:AssumeRole"
        ));
    }

    #[test]
    fn principals_by_kind() {
        use StatedPrincipal::*;
        let principal = |kind, stated| kind_problems(kind, Effect::Deny, stated, false);
        assert_eq!(principal(PolicyKind::Scp, Absent), []);
        assert_eq!(
            principal(PolicyKind::Identity, Everyone),
            [KindProblem::PrincipalNotAllowed]
        );
        assert_eq!(principal(PolicyKind::Rcp, Everyone), []);
        assert_eq!(
            principal(PolicyKind::Rcp, Named),
            [KindProblem::PrincipalNotEveryone]
        );
        assert_eq!(
            principal(PolicyKind::Rcp, Absent),
            [KindProblem::PrincipalMissing]
        );
        assert_eq!(principal(PolicyKind::KeyPolicy, Everyone), []);
        assert_eq!(
            principal(PolicyKind::ResourcePolicy, Absent),
            [KindProblem::PrincipalMissing]
        );
    }

    #[test]
    fn an_rcp_only_denies_and_names_its_actions() {
        assert_eq!(
            kind_problems(
                PolicyKind::Rcp,
                Effect::Allow,
                StatedPrincipal::Everyone,
                true
            ),
            [KindProblem::Allow, KindProblem::NotAction]
        );
        assert_eq!(
            kind_problems(
                PolicyKind::Scp,
                Effect::Allow,
                StatedPrincipal::Absent,
                true
            ),
            []
        );
    }

    #[test]
    fn traps_by_kind() {
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        let cache = crate::rules::names::PatternCache::default();
        let resolve = |t: &str| crate::rules::names::resolve_action(catalog, &cache, t).unwrap();
        let (star, s3, get) = (resolve("*"), resolve("s3:*"), resolve("s3:GetObject"));
        fn shape<'g, 'c>(
            effect: Effect,
            groups: Vec<&'g ActionGroup<'c>>,
        ) -> StatementShape<'g, 'c> {
            StatementShape {
                effect,
                groups,
                not_action: false,
                every_resource: true,
                conditioned: false,
                mentions_username: false,
            }
        }
        let full_access = shape(Effect::Allow, vec![&star]);
        assert_eq!(kind_traps(PolicyKind::Scp, &full_access), []);
        assert_eq!(
            kind_traps(PolicyKind::Scp, &shape(Effect::Allow, vec![&get])),
            [KindTrap::AllowInScp]
        );
        assert_eq!(
            kind_traps(PolicyKind::Identity, &shape(Effect::Allow, vec![&get, &s3])),
            [KindTrap::WideAllow(1)]
        );
        let all_but = StatementShape {
            not_action: true,
            ..shape(Effect::Allow, vec![&get])
        };
        assert_eq!(
            kind_traps(PolicyKind::Identity, &all_but),
            [KindTrap::AllowAllBut]
        );
        let username = StatementShape {
            mentions_username: true,
            ..shape(Effect::Deny, vec![&get])
        };
        assert_eq!(
            kind_traps(PolicyKind::Rcp, &username),
            [KindTrap::UsernameInGuardrail]
        );
        assert_eq!(kind_traps(PolicyKind::Identity, &username), []);
        assert!(mentions_username("${AWS:username, 'x'}"));
    }

    #[test]
    fn principal_values() {
        use PrincipalType::*;
        assert_eq!(principal_problem(Aws, "111122223333"), None);
        assert_eq!(
            principal_problem(Aws, "arn:aws:iam::111122223333:root"),
            None
        );
        assert_eq!(principal_problem(Aws, "bob"), Some(PrincipalProblem::Aws));
        assert_eq!(
            principal_problem(Aws, ""),
            Some(PrincipalProblem::NotLiteral)
        );
        assert_eq!(principal_problem(Service, "logs.amazonaws.com"), None);
        assert!(matches!(
            principal_problem(Service, "logs.region.amazonaws.com"),
            Some(PrincipalProblem::Service(_))
        ));
        assert_eq!(
            principal_problem(Other, "${aws:username}"),
            Some(PrincipalProblem::NotLiteral)
        );
        assert_eq!(
            principal_problem(Other, "cognito-identity.amazonaws.com"),
            None
        );
    }
}
