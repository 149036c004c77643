//! The shapes IAM demands of values: ARNs, IP ranges, dates, numbers,
//! base64, service principals, Sids, and the policy variables inside strings.
//! Each check says why a text is not of its shape, in words a message can use.

use crate::diag::{Code, Diagnostic, codes};
use crate::source::{FileId, Span};

/// A shape a value must have, as its diagnostic names it (E0202–E0206).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Arn,
    IpRange,
    Date,
    Number,
    Base64,
}

impl Shape {
    pub fn code(self) -> Code {
        match self {
            Shape::Arn => codes::E0202,
            Shape::IpRange => codes::E0203,
            Shape::Date => codes::E0204,
            Shape::Number => codes::E0205,
            Shape::Base64 => codes::E0206,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Shape::Arn => "ARN",
            Shape::IpRange => "IP address or CIDR range",
            Shape::Date => "date",
            Shape::Number => "number",
            Shape::Base64 => "base64 value",
        }
    }

    /// The diagnostic for `text` written at `span`, which is not of this
    /// shape for the reason `problem` (from the checks below).
    pub fn malformed(self, file: FileId, span: Span, text: &str, problem: String) -> Diagnostic {
        let d = Diagnostic::new(
            self.code(),
            file,
            span,
            format!("malformed {} `{text}`", self.what()),
        )
        .with_label(problem);
        match self {
            Shape::Arn => {
                d.with_help("an ARN reads `arn:partition:service:region:account-id:resource`")
            }
            _ => d,
        }
    }
}

/// A statement id IAM refuses: it takes only ASCII letters and digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidSid {
    pub sid: String,
    /// The id without the characters IAM refuses, unless none is left.
    pub cleaned: Option<String>,
}

/// Why `sid` is not a statement id, if it is not.
pub fn invalid_sid(sid: &str) -> Option<InvalidSid> {
    if !sid.is_empty() && sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let cleaned: String = sid.chars().filter(char::is_ascii_alphanumeric).collect();
    Some(InvalidSid {
        sid: sid.to_string(),
        cleaned: (!cleaned.is_empty()).then_some(cleaned),
    })
}

impl InvalidSid {
    pub fn diagnostic(&self, file: FileId, span: Span) -> Diagnostic {
        let d = Diagnostic::new(
            codes::E0308,
            file,
            span,
            format!("invalid statement id `{}`", self.sid),
        )
        .with_label("not a valid Sid");
        match &self.cleaned {
            Some(s) => d.with_suggestion(s.clone()),
            None => d.with_help("IAM accepts only ASCII letters and digits in a Sid"),
        }
    }
}

/// A statement id given again (at `span`) in one policy, first at `first`.
pub fn sid_used_twice(file: FileId, span: Span, first: Span, sid: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0309,
        file,
        span,
        format!("statement id `{sid}` is used twice"),
    )
    .with_label("used again here")
    .with_secondary(file, first, "first used here")
    .with_help("statement ids must be unique within a policy")
}

/// The policy variables in a string: the text inside each `${…}`.
/// `Err` holds the byte offset of an unclosed `${`.
pub(crate) fn variables(s: &str) -> Result<Vec<&str>, usize> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut base = 0;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                base += start + 2 + end + 1;
                rest = &after[end + 1..];
            }
            None => return Err(base + start),
        }
    }
    Ok(out)
}

/// Whether `s` names a role session (`arn:…:sts::ACCOUNT:assumed-role/…`): a
/// value `aws:PrincipalArn` never has, since for a role session AWS sets it
/// to the role's own ARN (W0213; AWS's "global condition context keys" page,
/// `aws:PrincipalArn`).
pub(crate) fn is_role_session_arn(s: &str) -> bool {
    session_parts(s).is_some()
}

/// The partition, account and `assumed-role/…` remainder of a role
/// session's ARN; `None` for any other text.
fn session_parts(s: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    match parts.as_slice() {
        [arn, partition, service, _, account, resource]
            if arn.eq_ignore_ascii_case("arn")
                && service.eq_ignore_ascii_case("sts")
                && resource
                    .get(..13)
                    .is_some_and(|head| head.eq_ignore_ascii_case("assumed-role/")) =>
        {
            Some((partition, account, resource.get(13..)?))
        }
        _ => None,
    }
}

/// The ARN of the role whose session `s` names (`arn:P:sts::A:assumed-role/R/S`
/// gives `arn:P:iam::A:role/R`): the `aws:PrincipalArn` AWS sets for that
/// session. The session's ARN does not carry the role's path, so the role is
/// read without one. `None` when `s` is not a role session's ARN.
pub(crate) fn session_role_arn(s: &str) -> Option<String> {
    let (partition, account, rest) = session_parts(s)?;
    let role = rest.split('/').next().filter(|r| !r.is_empty())?;
    Some(format!("arn:{partition}:iam::{account}:role/{role}"))
}

/// W0213 at `span`, a value naming a role session compared with
/// `aws:PrincipalArn`; `negated`: the test holds where the value does not.
pub(crate) fn session_arn(file: crate::source::FileId, span: Span, negated: bool) -> Diagnostic {
    let outcome = if negated {
        "this test always holds"
    } else {
        "this test never holds"
    };
    Diagnostic::new(
        codes::W0213,
        file,
        span,
        format!("`aws:PrincipalArn` is never a role session's ARN: {outcome}"),
    )
    .with_label("a role session's `aws:PrincipalArn` is the role's ARN")
    .with_help("compare with the role's ARN (`arn:aws:iam::ACCOUNT:role/NAME`); to tell one role's sessions apart, use `aws:userid` or `aws:SourceIdentity`")
}

/// The key whose values [`is_role_session_arn`] never matches.
pub(crate) const PRINCIPAL_ARN: &str = "aws:PrincipalArn";

/// Why `s` is not an ARN (pattern), if it is not.
pub(crate) fn arn_problem(s: &str, wildcards: bool) -> Option<String> {
    if wildcards && s == "*" {
        return None;
    }
    // A policy variable alone (`${aws:SourceArn}`, `${aws:PrincipalTag/vpc}`)
    // stands for a whole ARN, resolved per request.
    if s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1 {
        return None;
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    if parts.first() != Some(&"arn") && !(wildcards && parts.first() == Some(&"*")) {
        return Some("an ARN starts with `arn:`".to_string());
    }
    if parts.len() < 6 {
        return Some(format!(
            "an ARN has 6 parts separated by `:`; this has {}",
            parts.len()
        ));
    }
    let partition = parts.get(1).copied().unwrap_or("");
    if partition.is_empty() {
        return Some("the partition is empty (e.g. `aws`)".to_string());
    }
    let service = parts.get(2).copied().unwrap_or("");
    if service.is_empty() {
        return Some("the service is empty".to_string());
    }
    if service.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("the service part of an ARN is lowercase".to_string());
    }
    // `{ImageName}`, `<account-id>`: a documentation placeholder, not a value.
    let mut without_variables = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        without_variables.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    without_variables.push_str(rest);
    if without_variables.contains(['{', '}', '<', '>']) {
        return Some("`{…}` and `<…>` look like a placeholder; write the real value".to_string());
    }
    let account = parts.get(4).copied().unwrap_or("");
    let is_pattern = |p: &str| p.contains('*') || p.contains('?') || p.contains("${");
    let twelve_digits = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    // `aws` and `partner` own the managed policies of AWS and of its
    // partners (`arn:aws:iam::aws:policy/…`, `arn:aws:iam::partner:policy/…`).
    let account_ok = account.is_empty()
        || is_pattern(account)
        || twelve_digits
        || matches!(account, "aws" | "partner");
    if !account_ok {
        return Some(format!("the account `{account}` is not 12 digits"));
    }
    if !wildcards && s.contains(['*', '?']) {
        return Some("wildcards need `like`".to_string());
    }
    None
}

/// Why a service principal is malformed: `name.amazonaws.com`, or
/// `name.REGION.amazonaws.com` with a real Region (not a placeholder).
pub(crate) fn service_principal_problem(s: &str) -> Option<String> {
    let Some(head) = s
        .strip_suffix(".amazonaws.com")
        .or_else(|| s.strip_suffix(".amazonaws.com.cn"))
    else {
        return Some("a service principal ends with `.amazonaws.com`".to_string());
    };
    let parts: Vec<&str> = head.split('.').collect();
    if parts.iter().any(|p| {
        p.is_empty()
            || !p
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }) {
        return Some("service names are lowercase letters, digits and `-`".to_string());
    }
    if let [_, region] = parts.as_slice() {
        let pieces: Vec<&str> = region.split('-').collect();
        let looks_like_region = pieces.len() >= 3
            && pieces.first().is_some_and(|p| p.len() == 2)
            && pieces
                .last()
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !looks_like_region {
            return Some(format!(
                "`{region}` is not an AWS Region (such as `us-east-1`)"
            ));
        }
    }
    None
}

/// Whether `s` is an IP address or CIDR range (IPv4 or IPv6).
pub(crate) fn cidr_problem(s: &str) -> Option<String> {
    if s.parse::<ipnet::IpNet>().is_ok() || s.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    Some("expected an IP address or a CIDR range such as `192.0.2.0/24`".to_string())
}

/// Whether `s` is an IPv6 address written without a prefix, whose meaning
/// in an IAM condition AWS does not pin down (its default prefix is `/32`).
pub(crate) fn is_bare_ipv6(s: &str) -> bool {
    s.trim().parse::<std::net::Ipv6Addr>().is_ok()
}

/// Whether `s` is an ISO 8601 date or date-time, as IAM's `Date` operators take.
pub(crate) fn date_problem(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let date_ok = b.len() >= 10
        && digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10);
    if !date_ok {
        return Some(
            "expected an ISO 8601 date such as `2026-01-31` or `2026-01-31T12:00:00Z`".to_string(),
        );
    }
    let month: u32 = s.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    let day: u32 = s.get(8..10).and_then(|m| m.parse().ok()).unwrap_or(0);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Some("the month or day is out of range".to_string());
    }
    let time = &s[10..];
    let t = time.as_bytes();
    let tdigits =
        |r: std::ops::Range<usize>| t.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let time_ok =
        t.first() == Some(&b'T') && tdigits(1..3) && t.get(3) == Some(&b':') && tdigits(4..6);
    if !time.is_empty() && !time_ok {
        return Some("the time part must read `THH:MM[:SS][Z|±HH:MM]`".to_string());
    }
    // The shape is right; the calendar decides the rest (February 30th,
    // hour 25, second 60, offset +25:00 do not exist).
    if crate::iam::date::parse_date(s).is_none() {
        return Some(
            "no such date or time (days per month and leap years, hours 00-23, minutes and seconds 00-59, offsets up to ±23:59)"
                .to_string(),
        );
    }
    None
}

pub(crate) fn number_problem(s: &str) -> Option<String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => None,
        _ => Some("expected a number".to_string()),
    }
}

/// Whether a string is base64, for `Binary` keys.
pub(crate) fn base64_problem(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.len().is_multiple_of(4)
        && s.trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if ok {
        None
    } else {
        Some("expected a base64 string".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_read_as_its_role_without_path() {
        assert_eq!(
            session_role_arn("arn:aws:sts::111122223333:assumed-role/Admin/alice").as_deref(),
            Some("arn:aws:iam::111122223333:role/Admin")
        );
        assert_eq!(
            session_role_arn("arn:aws-cn:sts::111122223333:assumed-role/R/s/x").as_deref(),
            Some("arn:aws-cn:iam::111122223333:role/R")
        );
        for no in [
            "arn:aws:iam::111122223333:role/Admin",
            "arn:aws:sts::111122223333:assumed-role//s",
            "arn:aws:sts::111122223333:federated-user/bob",
            "111122223333",
        ] {
            assert_eq!(session_role_arn(no), None, "{no}");
        }
    }

    #[test]
    fn role_session_arns_are_told_from_others() {
        for yes in [
            "arn:aws:sts::111122223333:assumed-role/Admin/alice",
            "arn:aws-cn:STS::*:Assumed-Role/*",
        ] {
            assert!(is_role_session_arn(yes), "{yes}");
        }
        for no in [
            "arn:aws:iam::111122223333:role/Admin",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:aws:*::*:assumed-role/*",
            "arn:aws:sts::1:assumed-rol",
            "*",
        ] {
            assert!(!is_role_session_arn(no), "{no}");
        }
    }

    #[test]
    fn arns() {
        assert_eq!(arn_problem("arn:aws:s3:::bucket/*", true), None);
        assert_eq!(
            arn_problem("arn:aws:sagemaker:us-east-1:111122223333:domain/d-1", false),
            None
        );
        assert!(arn_problem("arn:aws:s3", true).is_some());
        assert!(arn_problem("aws:s3:::b", true).is_some());
        assert!(arn_problem("arn:aws:S3:::b", true).is_some());
        assert!(arn_problem("arn:aws:iam::12345:role/x", true).is_some());
        assert!(arn_problem("arn:aws:iam::*:role/x", false).is_some());
        assert!(arn_problem("arn:aws:sagemaker:*:*:image/{ImageName}", true).is_some());
        assert_eq!(arn_problem("arn:aws:s3:::b/${aws:username}/*", true), None);
        assert_eq!(arn_problem("${ec2:SourceInstanceARN}", true), None);
        assert_eq!(arn_problem("${aws:PrincipalTag/vpcArn}", false), None);
        assert!(arn_problem("${a}${b}", true).is_some());
        assert_eq!(
            arn_problem("arn:aws:iam::partner:policy/boundary/x", true),
            None
        );
        assert!(arn_problem("arn:aws:iam::customer:policy/x", true).is_some());
        // Fewer than six parts: per-part matching makes it match nothing.
        assert!(arn_problem("arn:aws:codepipeline:*", true).is_some());
        assert_eq!(
            service_principal_problem("logs.us-east-1.amazonaws.com"),
            None
        );
        assert_eq!(service_principal_problem("sagemaker.amazonaws.com"), None);
        assert!(service_principal_problem("logs.region.amazonaws.com").is_some());
        assert!(service_principal_problem("logs.amazonaws").is_some());
    }

    #[test]
    fn cidrs_dates_numbers() {
        assert_eq!(cidr_problem("192.0.2.0/24"), None);
        assert_eq!(cidr_problem("2001:db8::/32"), None);
        assert_eq!(cidr_problem("203.0.113.7"), None);
        assert!(cidr_problem("192.0.2.0/33").is_some());
        assert!(cidr_problem("300.0.0.1").is_some());
        assert_eq!(date_problem("2026-01-31"), None);
        assert_eq!(date_problem("2026-01-31T12:00:00Z"), None);
        assert!(date_problem("2026-13-01").is_some());
        // Well-shaped, but not on the calendar or the clock.
        for impossible in [
            "2020-02-30",
            "2021-02-29",
            "2026-04-31",
            "2026-01-31T25:00:00Z",
            "2026-01-31T12:60:00Z",
            "2026-01-31T12:00:60Z",
            "2026-01-31T12:00:00+25:00",
            "2026-01-31T12:00:00Zjunk",
        ] {
            assert!(date_problem(impossible).is_some(), "{impossible}");
        }
        for real in [
            "2020-02-29",
            "2000-02-29",
            "2026-12-31T23:59:59.999Z",
            "2026-01-31T12:00:00+05:30",
            "2026-01-31T12:00:00-0800",
        ] {
            assert_eq!(date_problem(real), None, "{real}");
        }
        assert!(date_problem("yesterday").is_some());
        assert_eq!(number_problem("-3.5"), None);
        assert!(number_problem("NaN").is_some());
        assert_eq!(base64_problem("QUJD"), None);
        assert!(base64_problem("not base64!").is_some());
    }

    #[test]
    fn sids() {
        assert_eq!(invalid_sid("DenyApps1"), None);
        assert_eq!(
            invalid_sid("deny-apps").and_then(|s| s.cleaned),
            Some("denyapps".to_string())
        );
        assert_eq!(invalid_sid("--").map(|s| s.cleaned), Some(None));
        assert!(invalid_sid("").is_some());
    }

    #[test]
    fn finds_variables() {
        assert_eq!(
            variables("arn:aws:s3:::b/${aws:username}/*"),
            Ok(vec!["aws:username"])
        );
        assert_eq!(variables("a${x}b${y}"), Ok(vec!["x", "y"]));
        assert_eq!(variables("a${x"), Err(1));
    }
}
