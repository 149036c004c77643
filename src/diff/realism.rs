//! Requests AWS could receive: the resource types an action takes (from
//! the catalog's ARN formats), and real-looking values to represent each
//! class of values (regions, account ids, ARNs with them).

use super::regions::{Kind, Pattern};
use crate::catalog::Catalog;
use crate::iam::pattern::{Case, glob_matches};

/// Regions tried for a wildcard region, and for a key naming a region.
pub(super) const REGIONS: [&str; 8] = [
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
];

/// Account ids tried for a wildcard account, and for a key naming one.
pub(super) const ACCOUNTS: [&str; 3] = ["123456789012", "111122223333", "444455556666"];

/// What the catalog says about the resource of an action.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Resource {
    /// The catalog does not know the action: any resource, or none.
    Unknown,
    /// It takes no resource: the request's resource is `*`.
    None,
    /// An ARN matching one of these formats (as written in the catalog).
    Formats(Vec<String>),
}

/// The resource an action takes, by the catalog.
pub(super) fn resource_of(action: &str, catalog: &Catalog) -> Resource {
    let Some((prefix, name)) = action.split_once(':') else {
        return Resource::Unknown;
    };
    let Some(service) = catalog.service(prefix) else {
        return Resource::Unknown;
    };
    let Some(a) = service.action(name) else {
        return Resource::Unknown;
    };
    let mut formats: Vec<String> = Vec::new();
    for r in a.resource_types() {
        if let Some(t) = service.resource_type(&r.name) {
            for f in t.arn_formats() {
                if !formats.contains(f) {
                    formats.push(f.clone());
                }
            }
        }
    }
    if a.resource_types().is_empty() {
        Resource::None
    } else if formats.is_empty() {
        // resource types without a known format: any ARN
        Resource::Unknown
    } else {
        Resource::Formats(formats)
    }
}

/// An ARN format as a pattern: each `${Placeholder}` stands for any text.
pub(super) fn format_pattern(format: &str) -> Pattern {
    Pattern::parse(&format_glob(format), Kind::Arn, false)
}

pub(super) fn format_glob(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(at) = rest.find("${") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                out.push('*');
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A readable value for a placeholder: `BucketName` → `bucket`,
/// `UserProfileName` → `user-profile`.
fn placeholder_value(name: &str) -> String {
    match name {
        "Partition" => return "aws".to_string(),
        "Region" => return REGIONS[0].to_string(),
        "Account" | "AccountId" => return ACCOUNTS[0].to_string(),
        _ => {}
    }
    let trimmed = ["Name", "Id", "Identifier", "Arn"]
        .iter()
        .find_map(|s| name.strip_suffix(s).filter(|t| !t.is_empty()))
        .unwrap_or(name);
    let mut out = String::new();
    for (i, c) in trimmed.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    if out.is_empty() {
        "example".to_string()
    } else {
        out
    }
}

/// A real-looking ARN of a catalog format.
pub(super) fn fill_format(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(at) = rest.find("${") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at + 2..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                out.push_str(&placeholder_value(after.get(..end).unwrap_or("")));
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push_str(rest.get(at..).unwrap_or(""));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `part` with its wildcards filled: the first of `choices` the glob
/// matches, else `*` as `filler` and `?` as `x`.
fn fill_part(part: &str, choices: &[&str], filler: &str) -> String {
    if !part.contains(['*', '?']) {
        return part.to_string();
    }
    if let Some(c) = choices
        .iter()
        .find(|c| glob_matches(part, c, Case::Sensitive))
    {
        return (*c).to_string();
    }
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in part.chars() {
        match c {
            '*' => {
                if prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
                    out.push('-');
                }
                out.push_str(filler);
            }
            '?' => out.push('x'),
            c => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// A real-looking text a pattern (`StringLike`, `Arn*`, `Resource`; no
/// policy variable) matches: in an ARN a wildcard partition is `aws`, a
/// wildcard region a real region, a wildcard account an account id, and in
/// the resource part `*` reads `example`.
pub(super) fn fill_pattern(text: &str) -> Option<String> {
    if text.contains("${") {
        return None;
    }
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let filled = if parts.len() == 6 && parts.first() == Some(&"arn") {
        let mut out: Vec<String> = Vec::with_capacity(6);
        for (i, p) in parts.iter().enumerate() {
            out.push(match i {
                1 => fill_part(p, &["aws"], "aws"),
                3 => fill_part(p, &REGIONS, "us-east-1"),
                4 => fill_part(p, &ACCOUNTS, "123456789012"),
                _ => fill_part(p, &[], "example"),
            });
        }
        out.join(":")
    } else {
        fill_part(text, &[], "example")
    };
    Some(filled)
}

/// Real-looking values for a key with this (lowercased) name.
pub(super) fn key_candidates(lower: &str) -> Vec<String> {
    let tail = lower.rsplit([':', '/']).next().unwrap_or(lower);
    if tail.ends_with("region") {
        REGIONS.iter().map(|r| r.to_string()).collect()
    } else if tail.ends_with("account") || tail.ends_with("accountid") {
        ACCOUNTS.iter().map(|r| r.to_string()).collect()
    } else if tail.ends_with("arn") {
        vec![
            "arn:aws:iam::123456789012:role/example".to_string(),
            "arn:aws:iam::444455556666:role/other".to_string(),
        ]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_fills() {
        let f = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert_eq!(format_glob(f), "arn:*:s3:::*/*");
        assert_eq!(fill_format(f), "arn:aws:s3:::bucket/object");
        assert_eq!(
            fill_format(
                "arn:${Partition}:sagemaker:${Region}:${Account}:user-profile/${DomainId}/${UserProfileName}"
            ),
            "arn:aws:sagemaker:us-east-1:123456789012:user-profile/domain/user-profile"
        );
        assert!(format_pattern(f).matches("arn:aws:s3:::bucket/object"));
        assert_eq!(
            fill_pattern("arn:*:iam::*:role/a*").as_deref(),
            Some("arn:aws:iam::123456789012:role/a-example")
        );
        assert_eq!(
            fill_pattern("arn:aws:ec2:eu-*:*:instance/*").as_deref(),
            Some("arn:aws:ec2:eu-west-1:123456789012:instance/example")
        );
        assert_eq!(fill_pattern("ml.t3.*").as_deref(), Some("ml.t3.example"));
    }

    #[test]
    fn resources_by_the_catalog() {
        let catalog = Catalog::embedded().unwrap();
        match resource_of("s3:GetObject", catalog) {
            Resource::Formats(f) => assert!(f.iter().any(|f| f.contains("${ObjectName}"))),
            other => panic!("{other:?}"),
        }
        assert_eq!(resource_of("s3:ListAllMyBuckets", catalog), Resource::None);
        assert_eq!(resource_of("x:Unknown", catalog), Resource::Unknown);
    }
}
