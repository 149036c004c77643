//! The vocabulary of policies that every stage shares: the six kinds gov
//! writes, with every fact gov keeps about each (keyword and output folder,
//! names in messages, size limit, what a statement of the kind may hold), and
//! the two effects. One table per fact, here and nowhere else.

use std::fmt;

/// The effect of a rule or statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    /// As written in policy JSON: `Allow`, `Deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }

    /// As written in `.gov`: `allow`, `deny`.
    pub fn keyword(self) -> &'static str {
        match self {
            Effect::Allow => "allow",
            Effect::Deny => "deny",
        }
    }
}

/// A kind of policy document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Service control policy (AWS Organizations).
    Scp,
    /// Resource control policy (AWS Organizations).
    Rcp,
    /// Identity-based policy (a managed policy attached to a user, group or role).
    Identity,
    /// Resource-based policy (an S3 bucket policy, an SQS queue policy, …).
    ResourcePolicy,
    /// AWS KMS key policy.
    KeyPolicy,
    /// An IAM role's trust policy (its `AssumeRolePolicyDocument`): who may
    /// assume the role, through which STS actions.
    TrustPolicy,
}

/// The actions a role trust policy may name: the STS actions that a principal
/// performs on the role itself (docs/iam-sources.md, "Policy kinds and their
/// limits": STSACT, AACHK). In the catalog's spelling.
pub const TRUST_POLICY_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
];

/// Whom the statements of a policy kind apply to, as their `Principal` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalRule {
    /// No `Principal`: whoever the policy is attached to (identity
    /// policies, SCPs).
    Attached,
    /// Every principal, and only `"Principal": "*"` says so (RCPs: they
    /// restrict every principal that reaches the resource).
    Everyone,
    /// The principals each statement names (resource and key policies).
    Named,
}

/// The size limit of one policy kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The largest size AWS accepts, in `what`s, whitespace counted or not as
    /// `counts_whitespace` says.
    pub max: usize,
    /// Whether whitespace counts. When it does not, whitespace outside JSON
    /// strings is skipped and whitespace inside strings is still counted.
    pub counts_whitespace: bool,
    /// The unit of `max`, as said in messages: `characters` or `bytes`.
    pub what: &'static str,
    /// When `max` is a default quota an account may raise: the most AWS
    /// raises it to. gov holds documents to `max`, which every account has.
    pub raised_max: Option<usize>,
}

impl PolicyKind {
    /// Every kind, in the order of the output folders.
    pub const ALL: [PolicyKind; 6] = [
        PolicyKind::Scp,
        PolicyKind::Rcp,
        PolicyKind::Identity,
        PolicyKind::ResourcePolicy,
        PolicyKind::KeyPolicy,
        PolicyKind::TrustPolicy,
    ];

    /// The keyword that declares this kind in `.gov`; also the name of its
    /// folder in the output and its `kind` in the manifest.
    pub fn keyword(self) -> &'static str {
        match self {
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Identity => "policy",
            PolicyKind::ResourcePolicy => "resource_policy",
            PolicyKind::KeyPolicy => "key_policy",
            PolicyKind::TrustPolicy => "trust_policy",
        }
    }

    /// The kind declared by `keyword`.
    pub fn from_keyword(keyword: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.into_iter().find(|k| k.keyword() == keyword)
    }

    /// The kind as said in a message: `an SCP`, `a managed policy`.
    pub fn described(self) -> &'static str {
        match self {
            PolicyKind::Scp => "an SCP",
            PolicyKind::Rcp => "an RCP",
            PolicyKind::Identity => "a managed policy",
            PolicyKind::ResourcePolicy => "a resource policy",
            PolicyKind::KeyPolicy => "a key policy",
            PolicyKind::TrustPolicy => "a trust policy",
        }
    }

    /// The kind in full, as said in a file header: `a service control policy`.
    pub fn full_name(self) -> &'static str {
        match self {
            PolicyKind::Scp => "a service control policy",
            PolicyKind::Rcp => "a resource control policy",
            PolicyKind::Identity => "an identity policy",
            PolicyKind::ResourcePolicy => "a resource policy",
            PolicyKind::KeyPolicy => "a key policy",
            PolicyKind::TrustPolicy => "a role trust policy",
        }
    }

    /// Whom statements of this kind apply to.
    pub fn principal_rule(self) -> PrincipalRule {
        match self {
            PolicyKind::Scp | PolicyKind::Identity => PrincipalRule::Attached,
            PolicyKind::Rcp => PrincipalRule::Everyone,
            PolicyKind::ResourcePolicy | PolicyKind::KeyPolicy | PolicyKind::TrustPolicy => {
                PrincipalRule::Named
            }
        }
    }

    /// Whether a statement of this kind may name `anyone` (`"Principal":
    /// "*"`): not in a trust policy, where AWS refuses the wildcard
    /// principal (AACHK, "Role trust policy unsupported wildcard in
    /// principal") and where it would let every AWS account assume the role.
    pub fn may_name_anyone(self) -> bool {
        self != PolicyKind::TrustPolicy
    }

    /// Whether a statement of this kind may hold `Resource` or `NotResource`:
    /// not a trust policy, whose resource is the role it is attached to (AACHK,
    /// "Role trust policy syntax error resource"). gov writes no `Resource`
    /// for such a kind, and a rule of it names none.
    pub fn has_resources(self) -> bool {
        self != PolicyKind::TrustPolicy
    }

    /// The only actions a statement of this kind may name, when the kind
    /// restricts them: a trust policy names the STS actions performed on the
    /// role ([`TRUST_POLICY_ACTIONS`]).
    pub fn permitted_actions(self) -> Option<&'static [&'static str]> {
        match self {
            PolicyKind::TrustPolicy => Some(&TRUST_POLICY_ACTIONS),
            _ => None,
        }
    }

    /// Whether statements of this kind name a principal (and must).
    pub fn has_principals(self) -> bool {
        self.principal_rule() == PrincipalRule::Named
    }

    /// Whether this kind is an Organizations guardrail (SCP or RCP), which
    /// restricts and never grants.
    pub fn is_guardrail(self) -> bool {
        matches!(self, PolicyKind::Scp | PolicyKind::Rcp)
    }

    /// Whether a statement of this kind may allow: RCPs only deny (AWS
    /// attaches `RCPFullAWSAccess` itself).
    pub fn may_allow(self) -> bool {
        self != PolicyKind::Rcp
    }

    /// Whether a statement of this kind may use `NotAction`: not in an RCP
    /// (RCPSYN). (In a trust policy `NotAction` names actions outside
    /// [`PolicyKind::permitted_actions`], refused as such.)
    pub fn may_use_not_action(self) -> bool {
        self != PolicyKind::Rcp
    }

    /// Whether a document of this kind over its limit may be spread over
    /// several documents (`--split`): not a trust policy, since a role has
    /// exactly one.
    pub fn may_split(self) -> bool {
        self != PolicyKind::TrustPolicy
    }

    /// Whether documents of this kind are written pretty-printed (two-space
    /// indentation, final newline) rather than minified. SCPs and RCPs are
    /// minified: AWS counts every character of them, and the CLI and API
    /// upload a file as it is.
    pub fn pretty_printed(self) -> bool {
        !self.is_guardrail()
    }

    /// The size limit of this kind. This is the only table of limits: every
    /// check and every message reads it.
    pub fn limit(self) -> Limit {
        match self {
            // AWS Organizations quotas (ORGLIM) and the SCP syntax page (SCPSYN):
            // 10,240 characters since 15 May 2026 (was 5,120), and "all characters
            // in your SCP count against its maximum size", whitespace included.
            // docs/iam-sources.md, "Policy kinds and their limits".
            PolicyKind::Scp => Limit {
                max: 10_240,
                counts_whitespace: true,
                what: "characters",
                raised_max: None,
            },
            // RCP syntax page (RCPSYN) and ORGLIM: 5,120 characters, all characters
            // count, whitespace included. docs/iam-sources.md.
            PolicyKind::Rcp => Limit {
                max: 5_120,
                counts_whitespace: true,
                what: "characters",
                raised_max: None,
            },
            // IAM quotas (QUOT, KBSIZE): a customer managed policy holds 6,144
            // characters and "IAM does not count white space". We count whitespace
            // inside strings anyway: AWS does not say it is free there.
            // docs/iam-sources.md.
            PolicyKind::Identity => Limit {
                max: 6_144,
                counts_whitespace: false,
                what: "characters",
                raised_max: None,
            },
            // There is no one AWS limit: each service sets its own, and the
            // Access Analyzer check reference (AACHK) names only the warning "Policy
            // size exceeds resource policy quota", no number. We use
            // the S3 bucket policy quota, the common reference: "Bucket policies
            // are limited to 20 KB in size" (Amazon S3 User Guide,
            // using-iam-policies.html), read as 20,480 bytes (AWS writes 32 KB for
            // 32,768 bytes of a key policy), whitespace counted since the page
            // does not say it is free. Some resource policies allow less (a role
            // trust policy: 2,048 by default, QUOT).
            PolicyKind::ResourcePolicy => Limit {
                max: 20_480,
                counts_whitespace: true,
                what: "bytes",
                raised_max: None,
            },
            // KMS quotas: "Key policy document size: 32 KB (32,768 bytes)" (AWS KMS
            // Developer Guide, resource-limits.html; PutKeyPolicy API reference:
            // "The key policy size quota is 32 kilobytes (32768 bytes)").
            PolicyKind::KeyPolicy => Limit {
                max: 32_768,
                counts_whitespace: true,
                what: "bytes",
                raised_max: None,
            },
            // IAM quotas (QUOT), "Role trust policy length": 2,048 characters by
            // default, a quota an account may raise to 8,192; "IAM doesn't count
            // white space". gov holds documents to the default, which every
            // account has. docs/iam-sources.md.
            PolicyKind::TrustPolicy => Limit {
                max: 2_048,
                counts_whitespace: false,
                what: "characters",
                raised_max: Some(8_192),
            },
        }
    }
}

/// How many policies of a kind may be attached directly to one node (root,
/// OU or account) of an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttachQuota {
    /// At most this many attached directly to one node, the AWS-managed
    /// policy included when it is attached (inherited ones do not count).
    pub per_node: usize,
    /// The AWS-managed policy attached to every node by default.
    pub managed: &'static str,
    /// Whether that policy can be detached.
    pub managed_detachable: bool,
}

impl PolicyKind {
    /// The per-node attachment quota of an Organizations policy kind; `None`
    /// for kinds that are not attached to the organization. The only table
    /// of these quotas.
    pub const fn attach_quota(self) -> Option<AttachQuota> {
        match self {
            // ORGLIM, "Number of policies that you can attach to an entity":
            // SCPs 10 per root, per OU and per account (5 before 15 May 2026),
            // minimum 1; FullAWSAccess is attached by default and counts.
            PolicyKind::Scp => Some(AttachQuota {
                per_node: 10,
                managed: "FullAWSAccess",
                managed_detachable: true,
            }),
            // ORGLIM: RCPs 5 per root, OU and account; RCPFullAWSAccess "cannot
            // be detached and counts towards the 5 policies quota", leaving 4.
            PolicyKind::Rcp => Some(AttachQuota {
                per_node: 5,
                managed: "RCPFullAWSAccess",
                managed_detachable: false,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip() {
        for k in PolicyKind::ALL {
            assert_eq!(PolicyKind::from_keyword(k.keyword()), Some(k));
        }
        assert_eq!(PolicyKind::from_keyword("identity"), None);
    }

    #[test]
    fn principals() {
        let named: Vec<PolicyKind> = PolicyKind::ALL
            .into_iter()
            .filter(|k| k.has_principals())
            .collect();
        assert_eq!(
            named,
            [
                PolicyKind::ResourcePolicy,
                PolicyKind::KeyPolicy,
                PolicyKind::TrustPolicy
            ]
        );
        assert!(!PolicyKind::TrustPolicy.may_name_anyone());
        assert!(PolicyKind::ResourcePolicy.may_name_anyone());
        assert_eq!(PolicyKind::Rcp.principal_rule(), PrincipalRule::Everyone);
        assert_eq!(PolicyKind::Scp.principal_rule(), PrincipalRule::Attached);
    }

    #[test]
    fn the_table() {
        assert_eq!(PolicyKind::Scp.limit().max, 10_240);
        assert!(PolicyKind::Scp.limit().counts_whitespace);
        assert_eq!(PolicyKind::Rcp.limit().max, 5_120);
        assert!(PolicyKind::Rcp.limit().counts_whitespace);
        assert_eq!(PolicyKind::Identity.limit().max, 6_144);
        assert!(!PolicyKind::Identity.limit().counts_whitespace);
        assert_eq!(PolicyKind::ResourcePolicy.limit().max, 20_480);
        assert_eq!(PolicyKind::KeyPolicy.limit().max, 32_768);
        assert_eq!(PolicyKind::KeyPolicy.limit().what, "bytes");
        assert_eq!(PolicyKind::TrustPolicy.limit().max, 2_048);
        assert!(!PolicyKind::TrustPolicy.limit().counts_whitespace);
        assert_eq!(PolicyKind::TrustPolicy.limit().raised_max, Some(8_192));
    }

    #[test]
    fn trust_policies() {
        let k = PolicyKind::TrustPolicy;
        assert!(!k.has_resources());
        assert!(k.may_allow());
        assert!(!k.may_split());
        assert!(!k.is_guardrail());
        assert_eq!(k.permitted_actions().map(<[_]>::len), Some(6));
        let others: Vec<PolicyKind> = PolicyKind::ALL
            .into_iter()
            .filter(|k| k.permitted_actions().is_some() || !k.has_resources())
            .collect();
        assert_eq!(others, [PolicyKind::TrustPolicy]);
    }

    #[test]
    fn attach_quotas() {
        let scp = PolicyKind::Scp.attach_quota().unwrap();
        assert_eq!((scp.per_node, scp.managed_detachable), (10, true));
        let rcp = PolicyKind::Rcp.attach_quota().unwrap();
        assert_eq!((rcp.per_node, rcp.managed_detachable), (5, false));
        assert_eq!(PolicyKind::Identity.attach_quota(), None);
    }
}
