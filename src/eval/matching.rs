//! Whether a statement applies to a request: `Action`/`NotAction`,
//! `Resource`/`NotResource`, `Principal`/`NotPrincipal`, `Condition`.

use super::condition::entry_holds;
use super::vars::{self, Resolved};
use super::{EvalError, Request};
use crate::iam::pattern::{Case, arn_glob_matches, arn_matches, glob_matches, six_parts};
use crate::iam::{Actions, Principal, PrincipalSpec, Resources, Statement};

/// `Action` / `NotAction`: `*` and `?` wildcards, case-insensitive (IAM User
/// Guide, reference_policies_elements_action.html: "action names are not case
/// sensitive"). `NotAction` applies to every action it does not list.
pub(crate) fn action_applies(actions: &Actions, action: &str) -> bool {
    let any = |list: &[String]| {
        list.iter()
            .any(|p| glob_matches(p, action, Case::Insensitive))
    };
    match actions {
        Actions::Action(list) => any(list),
        Actions::NotAction(list) => !any(list),
    }
}

/// Whether one `Resource` pattern covers the request's resource.
///
/// An unknown resource (`None`, i.e. "any"/`*`) is covered only by a pattern
/// that is exactly `*`. A pattern with an unresolved policy variable covers
/// nothing (reference_policies_variables.html). Otherwise the pattern is
/// matched part by part like an ARN (see [`arn_matches`]), case-sensitively.
fn pattern_covers(pattern: &str, resource: Option<&str>, req: &Request, variables: bool) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some(resource) = resource else {
        return false;
    };
    // Without `${` there is nothing to resolve: the pattern is its own
    // tokens, matched without building them.
    if !variables || !pattern.contains("${") {
        return arn_glob_matches(pattern, resource);
    }
    match vars::resolve_glob(pattern, req) {
        Resolved::Glob(text) => arn_glob_matches(&text, resource),
        Resolved::Tokens(tokens) => arn_matches(&tokens, resource),
        Resolved::Unresolved => false,
    }
}

/// `Resource` / `NotResource`. A statement without either (a role trust
/// policy) applies to any resource. With an unknown resource, `Resource`
/// applies only when it lists `*`, and `NotResource` applies unless it lists
/// `*` (so the unknown resource is never excluded by a specific ARN).
pub(crate) fn resource_applies(
    resources: Option<&Resources>,
    req: &Request,
    variables: bool,
) -> bool {
    let resource = req.resource.as_deref();
    let covered = |list: &[String]| {
        list.iter()
            .any(|p| pattern_covers(p, resource, req, variables))
    };
    match resources {
        None => true,
        Some(Resources::Resource(list)) => covered(list),
        Some(Resources::NotResource(list)) => !covered(list),
    }
}

/// Which request principals one principal value of a policy names, besides
/// the principal written exactly as the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalReading<'a> {
    /// `*`: every principal, an unknown one too.
    Everyone,
    /// An account (`111122223333` or `arn:<partition>:iam::111122223333:root`):
    /// every principal ARN of that account (`arn:…:…:…:<account>:…`), users,
    /// roles, sessions and the root alike.
    Account(&'a str),
    /// A role (`arn:<partition>:iam::<account>:role/<path>/<name>`): its
    /// sessions, `arn:<partition>:sts::<account>:assumed-role/<name>` and
    /// `…/assumed-role/<name>/<session>`.
    Role {
        partition: &'a str,
        account: &'a str,
        name: &'a str,
    },
    /// Only the principal written exactly as the value.
    Exact,
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The six parts of an ARN (the last holds any further colons).
fn arn_parts(text: &str) -> Option<[&str; 6]> {
    six_parts(text).filter(|parts| parts[0] == "arn")
}

/// Whether `principal` is the ARN of an IAM role
/// (`arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`), not a user or a session.
pub(super) fn is_role_arn(principal: &str) -> bool {
    matches!(arn_parts(principal), Some([_, _, "iam", "", _, rest]) if rest.starts_with("role/"))
}

/// How one principal value of a policy reads (the diff splits the
/// principals by the same reading).
pub(crate) fn principal_reading(value: &str) -> PrincipalReading<'_> {
    if value == "*" {
        return PrincipalReading::Everyone;
    }
    if is_account_id(value) {
        return PrincipalReading::Account(value);
    }
    match arn_parts(value) {
        Some(["arn", _, "iam", "", account, "root"]) if is_account_id(account) => {
            PrincipalReading::Account(account)
        }
        Some(["arn", partition, "iam", "", account, resource]) => {
            match resource
                .strip_prefix("role/")
                .and_then(|p| p.rsplit('/').next())
            {
                Some(name) => PrincipalReading::Role {
                    partition,
                    account,
                    name,
                },
                None => PrincipalReading::Exact,
            }
        }
        _ => PrincipalReading::Exact,
    }
}

/// Whether one principal value of a policy names the request's principal:
/// `*`; the same text; an account names every principal ARN of that
/// account; a role names its sessions (see [`PrincipalReading`]).
fn principal_value_names(value: &str, principal: Option<&str>) -> bool {
    let reading = principal_reading(value);
    if reading == PrincipalReading::Everyone {
        return true;
    }
    let Some(principal) = principal else {
        return false;
    };
    if value == principal {
        return true;
    }
    match (reading, arn_parts(principal)) {
        (PrincipalReading::Account(wanted), Some([_, _, _, _, account, _])) => account == wanted,
        (
            PrincipalReading::Role {
                partition,
                account,
                name,
            },
            Some(["arn", s_partition, "sts", "", s_account, session]),
        ) => {
            partition == s_partition
                && account == s_account
                && session
                    .strip_prefix("assumed-role/")
                    .and_then(|rest| rest.split('/').next())
                    == Some(name)
        }
        _ => false,
    }
}

fn spec_names(spec: &PrincipalSpec, principal: Option<&str>) -> bool {
    match spec {
        PrincipalSpec::Any => true,
        PrincipalSpec::Map(map) => map
            .values()
            .flatten()
            .any(|v| principal_value_names(v, principal)),
    }
}

/// `Principal` / `NotPrincipal` (resource policies). A statement without
/// either applies to any principal. An unknown principal (`None`) is named
/// only by `*`: `Principal` then applies only when it is (or lists) `*`, and
/// `NotPrincipal` applies unless it is (or lists) `*`.
pub(crate) fn principal_applies(principal: Option<&Principal>, req: &Request) -> bool {
    let who = req.principal.as_deref();
    match principal {
        None => true,
        Some(Principal::Principal(spec)) => spec_names(spec, who),
        Some(Principal::NotPrincipal(spec)) => !spec_names(spec, who),
    }
}

/// The statement-level match. Every condition operator is checked first so
/// that an unknown operator is an error whatever the request.
pub(crate) fn statement_applies(
    stmt: &Statement,
    req: &Request,
    variables: bool,
) -> Result<bool, EvalError> {
    for cond in &stmt.conditions {
        cond.operator.spec().map_err(EvalError::new)?;
    }
    if !action_applies(&stmt.actions, &req.action)
        || !resource_applies(stmt.resources.as_ref(), req, variables)
        || !principal_applies(stmt.principal.as_ref(), req)
    {
        return Ok(false);
    }
    for block in stmt.condition_blocks() {
        let spec = block.operator.spec().map_err(EvalError::new)?;
        for entry in &block.entries {
            if !entry_holds(spec, entry.key, &entry.values, req, variables) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(list: &[&str]) -> Actions {
        Actions::Action(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn actions_match_case_insensitively_with_wildcards() {
        assert!(action_applies(&actions(&["*"]), "sagemaker:CreateApp"));
        assert!(action_applies(
            &actions(&["sagemaker:create*"]),
            "sagemaker:CreateApp"
        ));
        assert!(action_applies(
            &actions(&["SAGEMAKER:CREATEAPP"]),
            "sagemaker:CreateApp"
        ));
        assert!(action_applies(
            &actions(&["sagemaker:Create???"]),
            "sagemaker:CreateApp"
        ));
        assert!(!action_applies(
            &actions(&["sagemaker:Create??"]),
            "sagemaker:CreateApp"
        ));
        assert!(!action_applies(&actions(&["s3:*"]), "sagemaker:CreateApp"));
        assert!(!action_applies(&actions(&[]), "sagemaker:CreateApp"));
        let not = Actions::NotAction(vec!["s3:*".into()]);
        assert!(action_applies(&not, "sagemaker:CreateApp"));
        assert!(!action_applies(&not, "S3:GetObject"));
    }

    fn res(list: &[&str]) -> Resources {
        Resources::Resource(list.iter().map(|s| s.to_string()).collect())
    }

    fn not_res(list: &[&str]) -> Resources {
        Resources::NotResource(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn resources() {
        let req = Request::new("s3:GetObject").with_resource("arn:aws:s3:::bucket/home/alice/x");
        assert!(resource_applies(Some(&res(&["*"])), &req, true));
        assert!(resource_applies(
            Some(&res(&["arn:aws:s3:::bucket/*"])),
            &req,
            true
        ));
        assert!(!resource_applies(
            Some(&res(&["arn:aws:s3:::Bucket/*"])),
            &req,
            true
        ));
        assert!(!resource_applies(
            Some(&res(&["arn:aws:s3:::other/*"])),
            &req,
            true
        ));
        assert!(resource_applies(
            Some(&res(&["arn:*:s3:::bucket/*"])),
            &req,
            true
        ));
        assert!(resource_applies(None, &req, true));
        assert!(!resource_applies(
            Some(&not_res(&["arn:aws:s3:::bucket/*"])),
            &req,
            true
        ));
        assert!(resource_applies(
            Some(&not_res(&["arn:aws:s3:::other/*"])),
            &req,
            true
        ));
        // variables
        let req = req.with_key("aws:username", ["alice"]);
        assert!(resource_applies(
            Some(&res(&["arn:aws:s3:::bucket/home/${aws:username}/*"])),
            &req,
            true
        ));
        assert!(!resource_applies(
            Some(&res(&["arn:aws:s3:::bucket/home/${aws:username}/*"])),
            &req,
            false
        ));
        assert!(!resource_applies(
            Some(&res(&["arn:aws:s3:::bucket/home/${aws:userid}/*"])),
            &req,
            true
        ));
        // unresolved variable in NotResource excludes nothing
        assert!(resource_applies(
            Some(&not_res(&["arn:aws:s3:::bucket/home/${aws:userid}/*"])),
            &req,
            true
        ));
    }

    #[test]
    fn unknown_resource() {
        let req = Request::new("sagemaker:CreateDomain");
        assert!(resource_applies(Some(&res(&["*"])), &req, true));
        assert!(!resource_applies(
            Some(&res(&["arn:aws:sagemaker:*:*:domain/*"])),
            &req,
            true
        ));
        assert!(!resource_applies(Some(&res(&["arn:*"])), &req, true));
        assert!(resource_applies(
            Some(&not_res(&["arn:aws:sagemaker:*:*:domain/*"])),
            &req,
            true
        ));
        assert!(!resource_applies(Some(&not_res(&["*"])), &req, true));
    }

    fn map(kind: &str, values: &[&str]) -> PrincipalSpec {
        let mut m = indexmap::IndexMap::new();
        m.insert(
            kind.to_string(),
            values.iter().map(|s| s.to_string()).collect(),
        );
        PrincipalSpec::Map(m)
    }

    #[test]
    fn principals() {
        let user =
            Request::new("s3:GetObject").with_principal("arn:aws:iam::111122223333:user/alice");
        let session = Request::new("s3:GetObject")
            .with_principal("arn:aws:sts::111122223333:assumed-role/Admin/alice");
        let unknown = Request::new("s3:GetObject");
        let p = |spec: PrincipalSpec| Principal::Principal(spec);
        let np = |spec: PrincipalSpec| Principal::NotPrincipal(spec);

        assert!(principal_applies(Some(&p(PrincipalSpec::Any)), &user));
        assert!(principal_applies(Some(&p(PrincipalSpec::Any)), &unknown));
        assert!(principal_applies(Some(&p(map("AWS", &["*"]))), &unknown));
        assert!(principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::111122223333:user/alice"]))),
            &user
        ));
        assert!(!principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::111122223333:user/Alice"]))),
            &user
        ));
        assert!(principal_applies(
            Some(&p(map("AWS", &["111122223333"]))),
            &user
        ));
        assert!(principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::111122223333:root"]))),
            &session
        ));
        assert!(!principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::444455556666:root"]))),
            &user
        ));
        assert!(principal_applies(
            Some(&p(map(
                "AWS",
                &["arn:aws:iam::111122223333:role/path/Admin"]
            ))),
            &session
        ));
        assert!(!principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::111122223333:role/Other"]))),
            &session
        ));
        assert!(!principal_applies(
            Some(&p(map("AWS", &["111122223333"]))),
            &unknown
        ));
        let service = Request::new("kms:Encrypt").with_principal("logs.us-east-1.amazonaws.com");
        assert!(principal_applies(
            Some(&p(map("Service", &["logs.us-east-1.amazonaws.com"]))),
            &service
        ));
        assert!(!principal_applies(
            Some(&p(map("AWS", &["111122223333"]))),
            &service
        ));

        assert!(!principal_applies(
            Some(&np(map("AWS", &["111122223333"]))),
            &user
        ));
        assert!(principal_applies(
            Some(&np(map("AWS", &["444455556666"]))),
            &user
        ));
        assert!(principal_applies(
            Some(&np(map("AWS", &["111122223333"]))),
            &unknown
        ));
        assert!(!principal_applies(Some(&np(PrincipalSpec::Any)), &unknown));
        assert!(principal_applies(None, &unknown));

        // an account names principal ARNs of the account, not a bare id or
        // a text with too few parts; a root ARN needs a 12-digit account
        let bare = Request::new("s3:GetObject").with_principal("111122223333");
        assert!(principal_applies(
            Some(&p(map("AWS", &["111122223333"]))),
            &bare
        ));
        assert!(!principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::111122223333:root"]))),
            &bare
        ));
        let short = Request::new("s3:GetObject").with_principal("arn:aws:iam::111122223333");
        assert!(!principal_applies(
            Some(&p(map("AWS", &["111122223333"]))),
            &short
        ));
        let odd = Request::new("s3:GetObject").with_principal("arn:aws:iam::x:user/a");
        assert!(!principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::x:root"]))),
            &odd
        ));
        // a role names its sessions with or without a session name
        let bare_session = Request::new("s3:GetObject")
            .with_principal("arn:aws:sts::111122223333:assumed-role/Admin");
        assert!(principal_applies(
            Some(&p(map("AWS", &["arn:aws:iam::111122223333:role/Admin"]))),
            &bare_session
        ));
        assert_eq!(
            principal_reading("arn:aws:iam::111122223333:role/a/b/Admin"),
            PrincipalReading::Role {
                partition: "aws",
                account: "111122223333",
                name: "Admin"
            }
        );
        assert_eq!(
            principal_reading("arn:aws-cn:iam::111122223333:root"),
            PrincipalReading::Account("111122223333")
        );
        assert_eq!(
            principal_reading("cognito-identity.amazonaws.com"),
            PrincipalReading::Exact
        );
    }
}
