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
pub(crate) mod values;
mod vars;

use matching::is_role_arn;
pub(crate) use matching::{PrincipalReading, action_applies, principal_reading};

use std::collections::BTreeMap;
use std::fmt;

use crate::iam::{Actions, PolicyDocument, Resources, Statement, VERSION_2012};
use crate::policy::{Effect, PolicyKind};

/// One request: the action, the resource, the calling principal, the context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    /// `service:Action`, e.g. `sagemaker:CreateApp`.
    pub action: String,
    /// The resource ARN. `None` means the resource is unknown ("any", `*`): it
    /// is matched only by `Resource` patterns that are exactly `*`, and only
    /// a `NotResource` listing `*` excludes it.
    pub resource: Option<String>,
    /// The calling principal (ARN, 12-digit account, or service principal
    /// name), used by `Principal`/`NotPrincipal` in resource policies. `None`
    /// means unknown: only `*` names it.
    pub principal: Option<String>,
    /// Context keys, lowercased, to their values. A key that is not in the map
    /// is absent; a key mapped to an empty list is treated as absent too (an
    /// empty set, see `docs/meaning.md` §1). A multivalued key has several
    /// values.
    pub context: BTreeMap<String, Vec<String>>,
}

impl Request {
    pub fn new(action: impl Into<String>) -> Request {
        Request {
            action: action.into(),
            ..Request::default()
        }
    }

    pub fn with_resource(mut self, arn: impl Into<String>) -> Request {
        self.resource = Some(arn.into());
        self
    }

    pub fn with_principal(mut self, principal: impl Into<String>) -> Request {
        self.principal = Some(principal.into());
        self
    }

    /// Sets a context key (its name is lowercased) to the given values,
    /// replacing earlier values. An empty list makes the key absent.
    pub fn with_key<I, V>(mut self, key: impl AsRef<str>, values: I) -> Request
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        self.set_key(key, values);
        self
    }

    /// [`Request::with_key`] on a borrowed request.
    pub fn set_key<I, V>(&mut self, key: impl AsRef<str>, values: I)
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        let key = key.as_ref().to_lowercase();
        if values.is_empty() {
            self.context.remove(&key);
        } else {
            self.context.insert(key, values);
        }
    }

    /// The values of a context key, looked up without regard to case; `None`
    /// when the key is absent or has no value.
    pub fn values(&self, key: &str) -> Option<&[String]> {
        let lower = key.to_lowercase();
        let found = match self.context.get(&lower) {
            Some(v) => Some(v),
            // the map is public: tolerate keys inserted without lowercasing
            None => self
                .context
                .iter()
                .find(|(k, _)| k.to_lowercase() == lower)
                .map(|(_, v)| v),
        };
        found.map(Vec::as_slice).filter(|v| !v.is_empty())
    }
}

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
mod tests {
    use super::*;
    use crate::iam::Condition;

    fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::from_json(json).unwrap()
    }

    #[test]
    fn request_keys_are_case_insensitive() {
        let mut req = Request::new("s3:GetObject").with_key("AWS:SourceIp", ["10.0.0.1"]);
        assert_eq!(req.context.keys().collect::<Vec<_>>(), vec!["aws:sourceip"]);
        assert_eq!(
            req.values("aws:sourceIP"),
            Some(&["10.0.0.1".to_string()][..])
        );
        req.context.insert("Odd:Key".into(), vec!["v".into()]);
        assert!(req.values("odd:key").is_some());
        req.set_key("aws:SourceIp", Vec::<String>::new());
        assert!(req.values("aws:sourceip").is_none());
        req.context.insert("empty".into(), vec![]);
        assert!(req.values("empty").is_none());
    }

    #[test]
    fn identity_allow_and_implicit_deny() {
        let allow = doc(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"A","Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#,
        );
        let set = PolicySet {
            identity: vec![&allow],
            ..PolicySet::new()
        };
        let out = evaluate(&set, &Request::new("s3:GetObject"));
        assert_eq!(out.decision, Decision::Allow);
        assert_eq!(out.layer, Some(Layer::Identity));
        assert_eq!(
            out.deciding,
            vec![StatementRef {
                policy: 0,
                statement: 0,
                sid: Some("A".into()),
                layer: Layer::Identity
            }]
        );
        let out = evaluate(&set, &Request::new("s3:PutObject"));
        assert_eq!(out.decision, Decision::ImplicitDeny);
        assert_eq!(out.layer, None);
        assert!(out.deciding.is_empty());
    }

    #[test]
    fn explicit_deny_wins_everywhere() {
        let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        let deny = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
        );
        for layer in [
            Layer::Scp,
            Layer::Rcp,
            Layer::Identity,
            Layer::Resource,
            Layer::PermissionsBoundary,
        ] {
            let mut set = PolicySet {
                identity: vec![&allow],
                ..PolicySet::new()
            };
            match layer {
                Layer::Scp => set.scps.push(&deny),
                Layer::Rcp => set.rcps.push(&deny),
                Layer::Identity => set.identity.push(&deny),
                Layer::Resource => set.resource.push(&deny),
                Layer::PermissionsBoundary => set.permissions_boundaries.push(&deny),
            }
            let out = evaluate(&set, &Request::new("s3:GetObject"));
            assert_eq!(out.decision, Decision::ExplicitDeny, "{layer:?}");
            assert_eq!(out.layer, Some(layer));
            assert_eq!(out.deciding.len(), 1);
            assert_eq!(out.deciding[0].statement, 1);
            assert_eq!(out.deciding[0].sid.as_deref(), Some("D"));
            assert!(evaluate(&set, &Request::new("ec2:RunInstances")).is_allowed());
        }
    }

    #[test]
    fn scp_layer_must_allow() {
        let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        let scp = doc(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sagemaker:*","Resource":"*"}}"#,
        );
        let set = PolicySet {
            scps: vec![&scp],
            identity: vec![&allow],
            full_aws_access: false,
            ..PolicySet::new()
        };
        assert!(evaluate(&set, &Request::new("sagemaker:CreateApp")).is_allowed());
        let out = evaluate(&set, &Request::new("s3:GetObject"));
        assert_eq!(out.decision, Decision::ImplicitDeny);
        assert_eq!(out.layer, Some(Layer::Scp));
        // with FullAWSAccess added, the narrow SCP no longer restricts
        let set = PolicySet {
            full_aws_access: true,
            ..set
        };
        assert!(evaluate(&set, &Request::new("s3:GetObject")).is_allowed());
        // an SCP never grants by itself
        let set = PolicySet {
            scps: vec![&scp],
            ..PolicySet::new()
        };
        assert!(!evaluate(&set, &Request::new("sagemaker:CreateApp")).is_allowed());
        // an explicit FullAWSAccess document works like the flag
        let full = full_aws_access();
        let set = PolicySet {
            scps: vec![&full],
            identity: vec![&allow],
            full_aws_access: false,
            ..PolicySet::new()
        };
        assert!(evaluate(&set, &Request::new("s3:GetObject")).is_allowed());
    }

    #[test]
    fn rcp_allow_is_implicit() {
        let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        let rcp = doc(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}}"#,
        );
        let set = PolicySet {
            rcps: vec![&rcp],
            identity: vec![&allow],
            ..PolicySet::new()
        };
        assert!(
            evaluate(
                &set,
                &Request::new("s3:GetObject").with_key("aws:SecureTransport", ["true"])
            )
            .is_allowed()
        );
        let out = evaluate(&set, &Request::new("s3:GetObject"));
        assert_eq!(out.decision, Decision::ExplicitDeny);
        assert_eq!(out.layer, Some(Layer::Rcp));
    }

    #[test]
    fn resource_policy_allows_named_principal() {
        let bucket = doc(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/Reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
        );
        let set = PolicySet {
            resource: vec![&bucket],
            ..PolicySet::new()
        };
        let req = Request::new("s3:GetObject")
            .with_resource("arn:aws:s3:::b/key")
            .with_principal("arn:aws:sts::111122223333:assumed-role/Reader/s1");
        let out = evaluate(&set, &req);
        assert_eq!(out.decision, Decision::Allow);
        assert_eq!(out.layer, Some(Layer::Resource));
        let other = req
            .clone()
            .with_principal("arn:aws:iam::111122223333:user/eve");
        assert!(!evaluate(&set, &other).is_allowed());
    }

    #[test]
    fn permissions_boundary_limits_identity_allows() {
        let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        let boundary = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
        let set = PolicySet {
            identity: vec![&allow],
            permissions_boundaries: vec![&boundary],
            ..PolicySet::new()
        };
        assert!(evaluate(&set, &Request::new("s3:GetObject")).is_allowed());
        let out = evaluate(&set, &Request::new("ec2:RunInstances"));
        assert_eq!(out.decision, Decision::ImplicitDeny);
        assert_eq!(out.layer, Some(Layer::PermissionsBoundary));
        // a boundary alone grants nothing
        let set = PolicySet {
            permissions_boundaries: vec![&boundary],
            ..PolicySet::new()
        };
        assert_eq!(evaluate(&set, &Request::new("s3:GetObject")).layer, None);
    }

    #[test]
    fn version_controls_variables() {
        let text = |version: &str| {
            format!(
                r#"{{{version}"Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${{aws:username}}/*"}}}}"#
            )
        };
        let req = Request::new("s3:GetObject")
            .with_resource("arn:aws:s3:::b/alice/k")
            .with_key("aws:username", ["alice"]);
        let with = doc(&text(r#""Version":"2012-10-17","#));
        let old = doc(&text(r#""Version":"2008-10-17","#));
        let none = doc(&text(""));
        assert_eq!(evaluate_document(&with, &req).allowed_by, vec![0]);
        assert!(evaluate_document(&old, &req).allowed_by.is_empty());
        assert!(evaluate_document(&none, &req).allowed_by.is_empty());
        let literal = req
            .clone()
            .with_resource("arn:aws:s3:::b/${aws:username}/k");
        assert_eq!(evaluate_document(&old, &literal).allowed_by, vec![0]);
    }

    #[test]
    fn document_result_lists_both_effects() {
        let d = doc(r#"{"Statement":[
            {"Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:Delete*","Resource":"*"},
            {"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*"},
            {"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#);
        let r = evaluate_document(&d, &Request::new("s3:DeleteObject"));
        assert_eq!(r.allowed_by, vec![0, 2]);
        assert_eq!(r.denied_by, vec![1]);
        assert!(r.errors.is_empty());
    }

    #[test]
    fn bad_operator_fails_closed() {
        let bad = |effect: Effect| PolicyDocument {
            version: Some(VERSION_2012.into()),
            id: None,
            statements: vec![Statement {
                sid: None,
                effect,
                principal: None,
                actions: Actions::Action(vec!["*".into()]),
                resources: Some(Resources::Resource(vec!["*".into()])),
                conditions: vec![Condition {
                    operator: "StringEqualz".into(),
                    key: "k".into(),
                    values: vec!["v".into()],
                }],
            }],
        };
        let allow_bad = bad(Effect::Allow);
        let deny_bad = bad(Effect::Deny);
        let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        let req = Request::new("s3:GetObject");
        assert_eq!(
            statement_matches(&allow_bad.statements[0], &req)
                .unwrap_err()
                .message,
            "unknown condition operator `StringEqualz`"
        );
        let mut null_if_exists = allow_bad.statements[0].clone();
        null_if_exists.conditions[0].operator = "NullIfExists".into();
        assert!(statement_matches(&null_if_exists, &req).is_err());
        let r = evaluate_document(&allow_bad, &req);
        assert_eq!(r.errors.len(), 1);
        let out = evaluate(
            &PolicySet {
                identity: vec![&allow_bad],
                ..PolicySet::new()
            },
            &req,
        );
        assert_eq!(out.decision, Decision::ImplicitDeny);
        assert_eq!(out.errors.len(), 1);
        let out = evaluate(
            &PolicySet {
                identity: vec![&allow, &deny_bad],
                ..PolicySet::new()
            },
            &req,
        );
        assert_eq!(out.decision, Decision::ExplicitDeny);
        assert_eq!(out.errors[0].0.policy, 1);
    }

    #[test]
    fn statement_conditions_are_read_like_their_json() {
        // two entries with the same operator and key print as one JSON entry
        // (values ORed); the evaluator reads them the same way
        let stmt = Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            actions: Actions::Action(vec!["*".into()]),
            resources: None,
            conditions: vec![
                Condition {
                    operator: "StringEquals".into(),
                    key: "k".into(),
                    values: vec!["a".into()],
                },
                Condition {
                    operator: "StringEquals".into(),
                    key: "k".into(),
                    values: vec!["b".into()],
                },
            ],
        };
        let req = Request::new("x:Y").with_key("k", ["b"]);
        assert!(statement_matches(&stmt, &req).unwrap());
        let printed = PolicyDocument {
            version: Some(VERSION_2012.into()),
            id: None,
            statements: vec![stmt],
        };
        let reread = PolicyDocument::from_json(&printed.to_canonical_json(false)).unwrap();
        assert!(statement_matches(&reread.statements[0], &req).unwrap());
    }

    #[test]
    fn two_spellings_of_an_operator_are_two_blocks() {
        // the same operator spelled twice is two JSON keys: their entries
        // are ANDed, not merged into one entry
        let text = r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":"a"},"stringequals":{"k":"b"}}}}"#;
        let doc = doc(text);
        assert_eq!(doc.statements[0].condition_blocks().len(), 2);
        let stmt = &doc.statements[0];
        assert!(!statement_matches(stmt, &Request::new("x:Y").with_key("k", ["a"])).unwrap());
        assert!(statement_matches(stmt, &Request::new("x:Y").with_key("k", ["a", "b"])).unwrap());
        assert!(
            doc.to_canonical_json(false)
                .contains(r#""Condition":{"StringEquals":{"k":"a"},"stringequals":{"k":"b"}}"#)
        );
    }
}
