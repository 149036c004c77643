//! One request to evaluate.

use crate::iam::pattern::{Case, equals};
use std::borrow::Cow;
use std::collections::BTreeMap;

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

    /// A principal that is a role session's own ARN, read from
    /// `aws:PrincipalArn`, is that one session; its `aws:PrincipalArn`, as
    /// AWS sets it, is the role's ARN (docs/meaning.md, §1). Rewrites the
    /// context so: `test` blocks, `gov eval` and `gov diff` all read a
    /// session's ARN through this.
    pub fn read_session_principal(&mut self) {
        let Some(role) = self
            .principal
            .as_deref()
            .and_then(crate::rules::values::session_role_arn)
        else {
            return;
        };
        if let Some(values) = self.context.get_mut("aws:principalarn")
            && values.len() == 1
            && self.principal.as_ref() == values.first()
        {
            *values = vec![role];
        }
    }

    /// The values of a context key, looked up without regard to case; `None`
    /// when the key is absent or has no value.
    pub fn values(&self, key: &str) -> Option<&[String]> {
        // The evaluator asks for the same keys at every request: a key
        // already lowercase (the usual case) is looked up as it is, and the
        // fallback scan compares without lowercased copies.
        let lower: Cow<'_, str> = if !key.is_ascii() {
            Cow::Owned(key.to_lowercase())
        } else if key.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(key.to_ascii_lowercase())
        } else {
            Cow::Borrowed(key)
        };
        let found = match self.context.get(lower.as_ref()) {
            Some(v) => Some(v),
            // the map is public: tolerate keys inserted without lowercasing
            None => self
                .context
                .iter()
                .find(|(k, _)| equals(k, &lower, Case::Insensitive))
                .map(|(_, v)| v),
        };
        found.map(Vec::as_slice).filter(|v| !v.is_empty())
    }
}
