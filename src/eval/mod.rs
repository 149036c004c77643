//! AWS's request evaluation logic, for the documents of [`crate::iam`].
//!
//! The order follows the IAM User Guide, "Policy evaluation logic"
//! (reference_policies_evaluation-logic.html), for a principal and a resource
//! in the same account:
//! 1. An explicit `Deny` in any applicable policy (SCP, RCP, identity,
//!    resource, permissions boundary) decides: explicit deny.
//! 2. The SCP layer must allow: an `Allow` in some SCP. `FullAWSAccess`
//!    (`Allow * on *`) is attached by default to every root, OU and account
//!    (AWS Organizations User Guide, orgs_manage_policies_inheritance_auth.html),
//!    so it is assumed when no SCP is given or when
//!    [`PolicySet::full_aws_access`] is set. Otherwise: implicit deny, layer SCP.
//! 3. The RCP layer must allow. `RCPFullAWSAccess` is attached to every root,
//!    OU and account and cannot be detached
//!    (orgs_manage_policies_rcps_evaluation.html), and customer RCPs can only
//!    `Deny`, so this layer never denies implicitly; RCPs act through step 1.
//! 4. Identity-based or resource-based policy: an `Allow` in either allows
//!    (same account: the union). When permissions boundaries are given, an
//!    identity-policy `Allow` counts only if some boundary also allows. A
//!    resource-policy `Allow` is not limited by the boundary when it grants to
//!    an IAM user or a role session, and is when it grants to the ARN of an
//!    IAM role (IAM User Guide, access_policies_boundaries.html, "Resource-based
//!    policies"): a request whose principal is a role ARN
//!    (`arn:aws:iam::111122223333:role/…`, as `aws:PrincipalArn` gives it)
//!    was granted to the role, so the boundary limits it.
//! 5. Nothing allows: implicit deny.
//!
//! One action escapes all of this: `sts:GetCallerIdentity` needs no
//! permission, and is allowed even under an explicit deny (STS API
//! Reference, API_GetCallerIdentity.html: "No permissions are required to
//! perform this operation. If an administrator attaches a policy to your
//! identity that explicitly denies access to the `sts:GetCallerIdentity`
//! action, you can still perform this operation"). See
//! [`needs_no_permission`].
//!
//! The SCPs given form one level of the organization tree. Each level (root,
//! every OU, the account) must allow on its own; to check a whole path,
//! evaluate once per level.

mod condition;
pub(crate) use crate::iam::date;
mod matching;
mod request;
pub(crate) mod values;
mod vars;

use matching::is_role_arn;
pub(crate) use matching::{PrincipalReading, action_applies, principal_reading};

pub use request::Request;

use std::fmt;

use crate::iam::{Actions, PolicyDocument, Resources, Statement, VERSION_2012};
use crate::policy::{Effect, PolicyKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Scp,
    Rcp,
    Identity,
    Resource,
    PermissionsBoundary,
}

impl Layer {
    /// The layer a policy of this kind is evaluated in.
    pub fn of(kind: PolicyKind) -> Layer {
        match kind {
            PolicyKind::Scp => Layer::Scp,
            PolicyKind::Rcp => Layer::Rcp,
            PolicyKind::Identity => Layer::Identity,
            // A trust policy is the role's resource-based policy
            // (reference_policies_evaluation-logic.html).
            PolicyKind::ResourcePolicy | PolicyKind::KeyPolicy | PolicyKind::TrustPolicy => {
                Layer::Resource
            }
        }
    }
}

/// A statement of a policy of a [`PolicySet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// Index of the policy within its layer's list.
    pub policy: usize,
    /// Index of the statement within the policy.
    pub statement: usize,
    pub sid: Option<String>,
    pub layer: Layer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    /// The statements that decided: every denying statement for an explicit
    /// deny; every allowing identity/resource statement for an allow; empty
    /// for an implicit deny.
    pub deciding: Vec<StatementRef>,
    /// Explicit deny: the layer of the first denying statement (in the order
    /// SCP, RCP, identity, resource, boundary). Allow: the layer of the first
    /// allowing statement (`None` for an action that needs no permission,
    /// [`needs_no_permission`]). Implicit deny: `Scp` when no SCP allows,
    /// `PermissionsBoundary` when only the boundary is missing an allow,
    /// `None` when nothing allows at all.
    pub layer: Option<Layer>,
    /// Statements that could not be evaluated (an unknown operator in a
    /// hand-built statement). They fail closed: an erroring `Deny` counts as
    /// denying, an erroring `Allow` never allows.
    pub errors: Vec<(StatementRef, EvalError)>,
}

impl Outcome {
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allow
    }
}

/// The policies that apply to one request.
#[derive(Debug, Clone)]
pub struct PolicySet<'a> {
    /// SCPs of one organization level. Empty: the default `FullAWSAccess`.
    pub scps: Vec<&'a PolicyDocument>,
    /// RCPs. `RCPFullAWSAccess` is always implied.
    pub rcps: Vec<&'a PolicyDocument>,
    pub identity: Vec<&'a PolicyDocument>,
    pub resource: Vec<&'a PolicyDocument>,
    /// Permissions boundaries. Empty: no boundary.
    pub permissions_boundaries: Vec<&'a PolicyDocument>,
    /// Add `FullAWSAccess` to the SCPs (the default, `true`).
    pub full_aws_access: bool,
}

impl Default for PolicySet<'_> {
    fn default() -> Self {
        PolicySet {
            scps: Vec::new(),
            rcps: Vec::new(),
            identity: Vec::new(),
            resource: Vec::new(),
            permissions_boundaries: Vec::new(),
            full_aws_access: true,
        }
    }
}

impl<'a> PolicySet<'a> {
    /// No policies, `full_aws_access` true.
    pub fn new() -> PolicySet<'a> {
        PolicySet::default()
    }
}

/// A statement that cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// The statements of one document that apply to a request, by effect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocResult {
    /// Indexes of matching `Deny` statements.
    pub denied_by: Vec<usize>,
    /// Indexes of matching `Allow` statements.
    pub allowed_by: Vec<usize>,
    /// Statements that could not be evaluated; in neither list above.
    pub errors: Vec<(usize, EvalError)>,
}

/// The AWS-managed `FullAWSAccess` SCP: `Allow * on *`.
pub fn full_aws_access() -> PolicyDocument {
    PolicyDocument {
        version: Some(VERSION_2012.to_string()),
        id: None,
        statements: vec![Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            actions: Actions::Action(vec!["*".to_string()]),
            resources: Some(Resources::Resource(vec!["*".to_string()])),
            conditions: Vec::new(),
        }],
    }
}

/// Whether the statement applies to the request (action, resource, principal
/// and every condition), with policy variables resolved as under
/// `"Version": "2012-10-17"`. Errors only for an unknown condition operator
/// (or `NullIfExists`).
pub fn statement_matches(stmt: &Statement, req: &Request) -> Result<bool, EvalError> {
    matching::statement_applies(stmt, req, true)
}

/// [`statement_matches`] for a statement of a document with the given
/// `Version`: policy variables are resolved only under `2012-10-17`; under
/// `2008-10-17` or with no version, `${...}` is literal text
/// (reference_policies_elements_version.html).
pub fn statement_matches_in_version(
    stmt: &Statement,
    req: &Request,
    version: Option<&str>,
) -> Result<bool, EvalError> {
    matching::statement_applies(stmt, req, version == Some(VERSION_2012))
}

/// Which statements of a document apply to the request.
pub fn evaluate_document(doc: &PolicyDocument, req: &Request) -> DocResult {
    let mut result = DocResult::default();
    for (index, stmt) in doc.statements.iter().enumerate() {
        match statement_matches_in_version(stmt, req, doc.version.as_deref()) {
            Ok(true) => match stmt.effect {
                Effect::Allow => result.allowed_by.push(index),
                Effect::Deny => result.denied_by.push(index),
            },
            Ok(false) => {}
            Err(e) => result.errors.push((index, e)),
        }
    }
    result
}

/// The statements of one layer that deny, that allow, and that failed.
#[derive(Default)]
struct LayerResult {
    denies: Vec<StatementRef>,
    allows: Vec<StatementRef>,
    errors: Vec<(StatementRef, EvalError)>,
}

fn evaluate_layer(layer: Layer, docs: &[&PolicyDocument], req: &Request) -> LayerResult {
    let mut out = LayerResult::default();
    for (policy, doc) in docs.iter().enumerate() {
        let make = |statement: usize| StatementRef {
            policy,
            statement,
            sid: doc.statements.get(statement).and_then(|s| s.sid.clone()),
            layer,
        };
        let result = evaluate_document(doc, req);
        out.denies.extend(result.denied_by.iter().map(|&i| make(i)));
        out.allows
            .extend(result.allowed_by.iter().map(|&i| make(i)));
        for (i, e) in result.errors {
            let r = make(i);
            let is_deny = doc
                .statements
                .get(i)
                .is_some_and(|s| s.effect == Effect::Deny);
            if is_deny {
                out.denies.push(r.clone());
            }
            out.errors.push((r, e));
        }
    }
    out
}

/// Whether AWS performs `action` whatever the policies say: only
/// `sts:GetCallerIdentity` (see the module documentation). Action names
/// compare without regard to case, as IAM compares them.
pub fn needs_no_permission(action: &str) -> bool {
    action.eq_ignore_ascii_case("sts:GetCallerIdentity")
}

/// Evaluates a request against a set of policies; see the module documentation.
pub fn evaluate(set: &PolicySet<'_>, req: &Request) -> Outcome {
    let scp = evaluate_layer(Layer::Scp, &set.scps, req);
    let rcp = evaluate_layer(Layer::Rcp, &set.rcps, req);
    let identity = evaluate_layer(Layer::Identity, &set.identity, req);
    let resource = evaluate_layer(Layer::Resource, &set.resource, req);
    let boundary = evaluate_layer(Layer::PermissionsBoundary, &set.permissions_boundaries, req);
    let layers = [&scp, &rcp, &identity, &resource, &boundary];
    let errors: Vec<(StatementRef, EvalError)> = layers
        .iter()
        .flat_map(|l| l.errors.iter().cloned())
        .collect();

    // 0. an action that needs no permission: allowed, decided by no statement
    if needs_no_permission(&req.action) {
        return Outcome {
            decision: Decision::Allow,
            deciding: Vec::new(),
            layer: None,
            errors,
        };
    }

    // 1. explicit deny anywhere
    let denies: Vec<StatementRef> = layers
        .iter()
        .flat_map(|l| l.denies.iter().cloned())
        .collect();
    if let Some(first) = denies.first() {
        return Outcome {
            decision: Decision::ExplicitDeny,
            layer: Some(first.layer),
            deciding: denies,
            errors,
        };
    }

    // 2. the SCP layer must allow
    let scp_allows = set.scps.is_empty() || set.full_aws_access || !scp.allows.is_empty();
    if !scp_allows {
        return Outcome {
            decision: Decision::ImplicitDeny,
            deciding: Vec::new(),
            layer: Some(Layer::Scp),
            errors,
        };
    }

    // 3. RCPs: RCPFullAWSAccess always allows; only explicit denies count.

    // 4. identity (within the boundary, if any) or resource policy
    let boundary_allows = set.permissions_boundaries.is_empty() || !boundary.allows.is_empty();
    let resource_bounded = req.principal.as_deref().is_some_and(is_role_arn);
    let mut deciding = Vec::new();
    if boundary_allows {
        deciding.extend(identity.allows.iter().cloned());
    }
    if boundary_allows || !resource_bounded {
        deciding.extend(resource.allows.iter().cloned());
    }
    if let Some(first) = deciding.first() {
        return Outcome {
            decision: Decision::Allow,
            layer: Some(first.layer),
            deciding,
            errors,
        };
    }

    // 5. nothing allows
    let layer = if (!identity.allows.is_empty() || !resource.allows.is_empty()) && !boundary_allows
    {
        Some(Layer::PermissionsBoundary)
    } else {
        None
    };
    Outcome {
        decision: Decision::ImplicitDeny,
        deciding: Vec::new(),
        layer,
        errors,
    }
}

#[cfg(test)]
mod tests;
