//! Condition evaluation.
//!
//! Sources (IAM User Guide): "Condition operators"
//! (reference_policies_elements_condition_operators.html), "Conditions with
//! multiple context keys or values"
//! (reference_policies_condition-logic-multiple-context-keys-or-values.html),
//! "Set operators for multivalued context keys"
//! (reference_policies_condition-single-vs-multi-valued-context-keys.html).
//!
//! The rules, per `"operator": {"key": [values]}` entry:
//! - Entries are ANDed: every operator block, every key inside it.
//! - Policy values are ORed for positive operators: a request value satisfies
//!   the entry when it matches at least one policy value. For the negated
//!   operators (`StringNotEquals`, `StringNotEqualsIgnoreCase`, `StringNotLike`,
//!   `NumericNotEquals`, `DateNotEquals`, `NotIpAddress`, `ArnNotEquals`,
//!   `ArnNotLike`) a request value satisfies the entry when it matches none
//!   of them (the docs call it a NOR).
//! - Absent key (an empty value list counts as absent): positive operators are
//!   false, negated operators true (the "Important" note of the operators
//!   page); `...IfExists` is true; `Null: true` is true, `Null: false` false.
//! - Without a set qualifier, a key with several request values satisfies the
//!   entry when any one of its values does.
//! - `ForAnyValue:`: true when at least one request value satisfies the entry;
//!   false when the key is absent or empty.
//! - `ForAllValues:`: true when every request value satisfies the entry; true
//!   when the key is absent or empty.
//! - `IfExists` with a qualifier: the absent key makes the entry true (IfExists
//!   is checked first).
//! - A policy value that cannot be read as the operator's type (a bad number,
//!   date, boolean, address) or that holds an unresolved policy variable matches
//!   no request value; a request value that cannot be read matches nothing.

use super::Request;
use super::values::{Decimal, decode_base64, ip_in, parse_bool};
use super::vars::{self, Resolved};
use crate::iam::date::parse_date;
use crate::iam::pattern::{self, Case, Tok};
use crate::iam::{BaseOperator, OperatorSpec, SetQualifier};
use std::borrow::Cow;

/// A policy value after variable resolution.
enum PolicyValue<'a> {
    /// Taken as written (operators without variables, or variables disabled
    /// and not a pattern operator).
    Raw(&'a str),
    /// Resolved text, read as written (its `*` and `?` are wildcards where
    /// the operator reads wildcards).
    Text(String),
    /// A pattern: wildcards and literal characters kept apart.
    Pattern(Vec<Tok>),
    /// Holds an unresolved variable: matches nothing.
    Unresolved,
}

/// Evaluates one `"operator": {"key": [values]}` entry.
pub(crate) fn entry_holds(
    spec: OperatorSpec,
    key: &str,
    values: &[&str],
    req: &Request,
    variables: bool,
) -> bool {
    let present = req.values(key);
    if spec.if_exists && present.is_none() {
        return true;
    }
    if spec.base == BaseOperator::Null {
        return null_holds(spec.qualifier, present, values);
    }
    let policy: Vec<PolicyValue<'_>> = values
        .iter()
        .map(|v| prepare(spec.base, v, req, variables))
        .collect();
    let negated = spec.base.is_negated();
    let satisfies = |request_value: &str| {
        let any = policy
            .iter()
            .any(|p| positive_match(spec.base, request_value, p));
        any != negated
    };
    match (spec.qualifier, present) {
        (None, None) => negated,
        (None, Some(vals)) => vals.iter().any(|v| satisfies(v)),
        (Some(SetQualifier::ForAnyValue), None) => false,
        (Some(SetQualifier::ForAnyValue), Some(vals)) => vals.iter().any(|v| satisfies(v)),
        (Some(SetQualifier::ForAllValues), None) => true,
        (Some(SetQualifier::ForAllValues), Some(vals)) => vals.iter().all(|v| satisfies(v)),
    }
}

/// `Null`: `"true"` holds when the key is absent, `"false"` when present
/// (values ORed, read without regard to ASCII case). With a set qualifier the
/// usual empty-set rules apply first (ForAnyValue: false, ForAllValues: true);
/// for a present key each request value then satisfies the entry exactly when
/// some policy value is `"false"`.
fn null_holds(
    qualifier: Option<SetQualifier>,
    present: Option<&[String]>,
    values: &[&str],
) -> bool {
    let wants = |b: bool| values.iter().any(|v| parse_bool(v) == Some(b));
    match (qualifier, present) {
        (None, None) => wants(true),
        (None, Some(_)) => wants(false),
        (Some(SetQualifier::ForAnyValue), None) => false,
        (Some(SetQualifier::ForAllValues), None) => true,
        (Some(_), Some(_)) => wants(false),
    }
}

fn prepare<'a>(
    base: BaseOperator,
    value: &'a str,
    req: &Request,
    variables: bool,
) -> PolicyValue<'a> {
    // A value without `${` reads as its own text under every operator: a
    // pattern of it would be `pattern::tokens(value)`, which every operator
    // below reads as it reads the raw text.
    if variables && base.accepts_variables() && value.contains("${") {
        match vars::resolve_glob(value, req) {
            Resolved::Glob(text) => PolicyValue::Text(text),
            Resolved::Tokens(tokens) => PolicyValue::Pattern(tokens),
            Resolved::Unresolved => PolicyValue::Unresolved,
        }
    } else {
        PolicyValue::Raw(value)
    }
}

/// The positive test behind an operator: for a negated operator, the test of
/// its positive twin (the caller negates).
fn positive_match(base: BaseOperator, request: &str, policy: &PolicyValue<'_>) -> bool {
    use BaseOperator::*;
    let (raw, tokens): (Cow<'_, str>, Option<&[Tok]>) = match policy {
        PolicyValue::Unresolved => return false,
        PolicyValue::Raw(text) => (Cow::Borrowed(*text), None),
        PolicyValue::Text(text) => (Cow::Borrowed(text.as_str()), None),
        PolicyValue::Pattern(tokens) => (Cow::Owned(pattern::text_of(tokens)), Some(tokens)),
    };
    let chars = || request.chars().collect::<Vec<char>>();
    match base {
        StringEquals | StringNotEquals => request == raw,
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
            pattern::equals(request, &raw, Case::Insensitive)
        }
        StringLike | StringNotLike => match tokens {
            Some(tokens) => pattern::matches(tokens, &chars()),
            None => pattern::glob_matches(&raw, request, Case::Sensitive),
        },
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => match tokens {
            Some(tokens) => pattern::arn_matches(tokens, request),
            None => pattern::arn_glob_matches(&raw, request),
        },
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => match (Decimal::parse(request), Decimal::parse(&raw)) {
            (Some(r), Some(p)) => compare(base, r.cmp(&p)),
            _ => false,
        },
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => match (parse_date(request), parse_date(&raw)) {
            (Some(r), Some(p)) => compare(base, r.cmp(&p)),
            _ => false,
        },
        Bool => match (parse_bool(request), parse_bool(&raw)) {
            (Some(r), Some(p)) => r == p,
            _ => false,
        },
        BinaryEquals => match (decode_base64(request), decode_base64(&raw)) {
            (Some(r), Some(p)) => r == p,
            _ => request == raw,
        },
        IpAddress | NotIpAddress => ip_in(request, &raw),
        Null => false,
    }
}

fn compare(base: BaseOperator, ord: std::cmp::Ordering) -> bool {
    use BaseOperator::*;
    use std::cmp::Ordering::*;
    match base {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => ord == Equal,
        NumericLessThan | DateLessThan => ord == Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Greater,
        NumericGreaterThan | DateGreaterThan => ord == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Absent key when `request` is None, else the key with those values.
    fn h(operator: &str, values: &[&str], request: Option<&[&str]>) -> bool {
        let req = match request {
            None => Request::new("svc:Act"),
            Some(vals) => Request::new("svc:Act").with_key("SVC:key", vals.iter().copied()),
        };
        holds(operator, "svc:Key", values, &req, true)
    }

    /// One entry under the operator written `operator`.
    fn holds(operator: &str, key: &str, values: &[&str], req: &Request, variables: bool) -> bool {
        let spec = OperatorSpec::parse(operator).unwrap();
        entry_holds(spec, key, values, req, variables)
    }

    #[test]
    fn string_equals() {
        assert!(h("StringEquals", &["a", "b"], Some(&["b"])));
        assert!(!h("StringEquals", &["a", "b"], Some(&["c"])));
        assert!(!h("StringEquals", &["a"], Some(&["A"])));
        assert!(!h("StringEquals", &["a"], None));
        assert!(!h("StringEquals", &["a"], Some(&[])));
        assert!(h("StringEquals", &["a"], Some(&["x", "a"])));
        assert!(!h("StringEquals", &["a*"], Some(&["ab"])));
        assert!(h("StringEquals", &["a*"], Some(&["a*"])));
        assert!(h("StringEqualsIfExists", &["a"], None));
        assert!(!h("StringEqualsIfExists", &["a"], Some(&["b"])));
        assert!(!h("StringEquals", &[], Some(&["a"])));
    }

    #[test]
    fn string_not_equals() {
        assert!(h("StringNotEquals", &["a", "b"], Some(&["c"])));
        assert!(!h("StringNotEquals", &["a", "b"], Some(&["b"])));
        assert!(h("StringNotEquals", &["a"], None));
        assert!(h("StringNotEquals", &["a"], Some(&[])));
        // several request values without qualifier: any value may satisfy
        assert!(h("StringNotEquals", &["a"], Some(&["a", "c"])));
        assert!(!h("StringNotEquals", &["a"], Some(&["a", "a"])));
        assert!(h("StringNotEqualsIfExists", &["a"], None));
        assert!(!h("StringNotEqualsIfExists", &["a"], Some(&["a"])));
        assert!(h("StringNotEquals", &[], Some(&["a"])));
    }

    #[test]
    fn string_ignore_case() {
        assert!(h(
            "StringEqualsIgnoreCase",
            &["VpcOnly"],
            Some(&["vpconly"])
        ));
        assert!(!h("StringEqualsIgnoreCase", &["VpcOnly"], Some(&["vpc"])));
        assert!(!h("StringEqualsIgnoreCase", &["x"], None));
        assert!(!h(
            "StringNotEqualsIgnoreCase",
            &["VpcOnly"],
            Some(&["VPCONLY"])
        ));
        assert!(h(
            "StringNotEqualsIgnoreCase",
            &["VpcOnly"],
            Some(&["Public"])
        ));
        assert!(h("StringNotEqualsIgnoreCase", &["VpcOnly"], None));
        assert!(h("StringEqualsIgnoreCaseIfExists", &["x"], None));
    }

    #[test]
    fn string_like() {
        assert!(h("StringLike", &["ml.t3.*"], Some(&["ml.t3.medium"])));
        assert!(!h("StringLike", &["ml.t3.*"], Some(&["ml.T3.medium"])));
        assert!(h("StringLike", &["ml.?5.large"], Some(&["ml.c5.large"])));
        assert!(!h("StringLike", &["ml.t3.*"], None));
        assert!(h("StringLikeIfExists", &["ml.t3.*"], None));
        assert!(!h(
            "StringNotLike",
            &["ml.t3.*", "system"],
            Some(&["system"])
        ));
        assert!(h(
            "StringNotLike",
            &["ml.t3.*", "system"],
            Some(&["ml.p4d.24xlarge"])
        ));
        assert!(h("StringNotLike", &["ml.t3.*"], None));
        assert!(h("StringLike", &["a${*}"], Some(&["a*"])));
        assert!(!h("StringLike", &["a${*}"], Some(&["ab"])));
    }

    #[test]
    fn for_any_value() {
        let op = "ForAnyValue:StringEquals";
        assert!(h(op, &["a", "b"], Some(&["x", "b"])));
        assert!(!h(op, &["a", "b"], Some(&["x", "y"])));
        assert!(!h(op, &["a"], None));
        assert!(!h(op, &["a"], Some(&[])));
        // negated: some request value matches none of the policy values
        let op = "ForAnyValue:StringNotLike";
        assert!(h(
            op,
            &["ml.t3.*", "system"],
            Some(&["system", "ml.p4d.24xlarge"])
        ));
        assert!(!h(
            op,
            &["ml.t3.*", "system"],
            Some(&["system", "ml.t3.large"])
        ));
        assert!(!h(op, &["ml.t3.*"], None));
        assert!(!h(op, &["ml.t3.*"], Some(&[])));
        assert!(h("ForAnyValue:StringEqualsIfExists", &["a"], None));
    }

    #[test]
    fn for_all_values() {
        let op = "ForAllValues:StringEquals";
        assert!(h(op, &["a", "b"], Some(&["a", "b", "a"])));
        assert!(!h(op, &["a", "b"], Some(&["a", "c"])));
        assert!(h(op, &["a"], None));
        assert!(h(op, &["a"], Some(&[])));
        // negated: every request value matches none of the policy values
        let op = "ForAllValues:StringNotLike";
        assert!(h(
            op,
            &["arn:aws:sagemaker:*:*:image/ok"],
            Some(&["arn:aws:sagemaker:us-east-1:1:image/bad"])
        ));
        assert!(!h(
            op,
            &["arn:aws:sagemaker:*:*:image/ok"],
            Some(&[
                "arn:aws:sagemaker:us-east-1:1:image/bad",
                "arn:aws:sagemaker:us-east-1:1:image/ok"
            ])
        ));
        assert!(h(op, &["x"], None));
        assert!(h(op, &["x"], Some(&[])));
        let op = "ForAllValues:ArnNotLike";
        assert!(h(
            op,
            &["arn:aws:sagemaker:*:*:image/ok"],
            Some(&["arn:aws:sagemaker:us-east-1:1:image/bad"])
        ));
    }

    #[test]
    fn null() {
        assert!(h("Null", &["true"], None));
        assert!(!h("Null", &["true"], Some(&["x"])));
        assert!(h("Null", &["false"], Some(&["x"])));
        assert!(!h("Null", &["false"], None));
        assert!(h("Null", &["TRUE"], None));
        assert!(h("Null", &["true"], Some(&[])));
        assert!(h("Null", &["true", "false"], None));
        assert!(h("Null", &["true", "false"], Some(&["x"])));
        assert!(!h("Null", &["maybe"], None));
        assert!(!h("Null", &[], None));
        assert!(h("ForAllValues:Null", &["true"], None));
        assert!(!h("ForAnyValue:Null", &["true"], None));
        assert!(h("ForAnyValue:Null", &["false"], Some(&["x"])));
        assert!(!h("ForAllValues:Null", &["true"], Some(&["x"])));
    }

    #[test]
    fn numeric() {
        assert!(h("NumericEquals", &["10"], Some(&["10.0"])));
        assert!(!h("NumericEquals", &["10"], Some(&["11"])));
        assert!(!h("NumericEquals", &["10"], None));
        assert!(h("NumericNotEquals", &["10"], Some(&["11"])));
        assert!(!h("NumericNotEquals", &["10", "11"], Some(&["11"])));
        assert!(h("NumericNotEquals", &["10"], None));
        assert!(h("NumericLessThan", &["10"], Some(&["9"])));
        assert!(!h("NumericLessThan", &["10"], Some(&["10"])));
        assert!(!h("NumericLessThan", &["10"], None));
        assert!(h("NumericLessThanEquals", &["10"], Some(&["10"])));
        assert!(h("NumericGreaterThan", &["10"], Some(&["10.5"])));
        assert!(!h("NumericGreaterThan", &["10"], Some(&["-11"])));
        assert!(h("NumericGreaterThanEquals", &["10"], Some(&["10"])));
        assert!(!h("NumericGreaterThanEquals", &["10"], Some(&["9.99"])));
        assert!(h("NumericLessThanIfExists", &["10"], None));
        assert!(!h("NumericEquals", &["ten"], Some(&["10"])));
        assert!(!h("NumericEquals", &["10"], Some(&["ten"])));
        // an unreadable value matches nothing, so the negated operator holds
        assert!(h("NumericNotEquals", &["ten"], Some(&["10"])));
        assert!(h("ForAllValues:NumericLessThan", &["5"], Some(&["1", "4"])));
        assert!(!h(
            "ForAllValues:NumericLessThan",
            &["5"],
            Some(&["1", "6"])
        ));
        assert!(h("ForAnyValue:NumericLessThan", &["5"], Some(&["1", "6"])));
        // variables are not resolved for numeric operators
        assert!(!h("NumericEquals", &["${svc:Key}"], Some(&["1"])));
    }

    #[test]
    fn dates() {
        assert!(h(
            "DateEquals",
            &["2020-01-01T00:00:00Z"],
            Some(&["1577836800"])
        ));
        assert!(!h("DateEquals", &["2020-01-01T00:00:00Z"], None));
        assert!(h("DateNotEquals", &["2020-01-01"], Some(&["2020-01-02"])));
        assert!(h("DateNotEquals", &["2020-01-01"], None));
        assert!(!h(
            "DateNotEquals",
            &["2020-01-01"],
            Some(&["2020-01-01T00:00:00Z"])
        ));
        assert!(h(
            "DateLessThan",
            &["2020-06-01T00:00:00Z"],
            Some(&["2020-05-31T23:59:59Z"])
        ));
        assert!(!h(
            "DateLessThan",
            &["2020-06-01T00:00:00Z"],
            Some(&["2020-06-01T00:00:00Z"])
        ));
        assert!(h(
            "DateLessThanEquals",
            &["2020-06-01T00:00:00Z"],
            Some(&["2020-06-01T00:00:00Z"])
        ));
        assert!(h(
            "DateGreaterThan",
            &["2020-06-01"],
            Some(&["2020-06-01T00:00:01Z"])
        ));
        assert!(h(
            "DateGreaterThanEquals",
            &["2020-06-01"],
            Some(&["1590969600"])
        ));
        assert!(!h(
            "DateGreaterThanEquals",
            &["2020-06-01"],
            Some(&["1590969599"])
        ));
        assert!(h("DateGreaterThanIfExists", &["2020-06-01"], None));
        assert!(!h(
            "DateGreaterThan",
            &["not a date"],
            Some(&["2020-06-01"])
        ));
    }

    #[test]
    fn bool_operator() {
        assert!(h("Bool", &["true"], Some(&["true"])));
        assert!(h("Bool", &["true"], Some(&["TRUE"])));
        assert!(!h("Bool", &["true"], Some(&["false"])));
        assert!(!h("Bool", &["false"], None));
        assert!(h("BoolIfExists", &["false"], None));
        assert!(!h("Bool", &["yes"], Some(&["true"])));
        assert!(h("ForAnyValue:Bool", &["true"], Some(&["false", "true"])));
    }

    #[test]
    fn binary() {
        assert!(h(
            "BinaryEquals",
            &["QmluYXJ5VmFsdWVJbkJhc2U2NA=="],
            Some(&["QmluYXJ5VmFsdWVJbkJhc2U2NA=="])
        ));
        assert!(h("BinaryEquals", &["QQ=="], Some(&["QQ"])));
        assert!(!h("BinaryEquals", &["QQ=="], Some(&["Qg=="])));
        assert!(!h("BinaryEquals", &["QQ=="], None));
        assert!(h("BinaryEqualsIfExists", &["QQ=="], None));
    }

    #[test]
    fn ip_addresses() {
        let nets = ["192.0.2.0/24", "203.0.113.0/24", "2001:db8::/32"];
        assert!(h("IpAddress", &nets, Some(&["203.0.113.9"])));
        assert!(h("IpAddress", &nets, Some(&["2001:db8:1::5"])));
        assert!(!h("IpAddress", &nets, Some(&["198.51.100.1"])));
        assert!(!h("IpAddress", &nets, None));
        assert!(h("IpAddress", &["198.51.100.1"], Some(&["198.51.100.1"])));
        assert!(h("NotIpAddress", &nets, Some(&["198.51.100.1"])));
        assert!(!h("NotIpAddress", &nets, Some(&["192.0.2.1"])));
        assert!(h("NotIpAddress", &nets, None));
        assert!(h("IpAddressIfExists", &nets, None));
        assert!(!h("NotIpAddressIfExists", &nets, Some(&["192.0.2.1"])));
        assert!(h(
            "ForAllValues:NotIpAddress",
            &nets,
            Some(&["10.0.0.1", "10.0.0.2"])
        ));
        assert!(!h(
            "ForAllValues:NotIpAddress",
            &nets,
            Some(&["10.0.0.1", "192.0.2.2"])
        ));
    }

    #[test]
    fn arn_operators() {
        let role = "arn:aws:iam::111122223333:role/team/Admin";
        assert!(h("ArnEquals", &[role], Some(&[role])));
        assert!(h("ArnLike", &["arn:aws:iam::*:role/*"], Some(&[role])));
        assert!(h("ArnEquals", &["arn:aws:iam::*:role/*"], Some(&[role])));
        assert!(!h("ArnLike", &["arn:aws:iam::*:user/*"], Some(&[role])));
        assert!(!h("ArnLike", &["arn:aws:iam::*:role/*"], None));
        assert!(h("ArnNotLike", &["arn:aws:iam::*:user/*"], Some(&[role])));
        assert!(!h("ArnNotEquals", &[role], Some(&[role])));
        assert!(h("ArnNotEquals", &[role], None));
        // a `*` does not span the colons between parts
        assert!(!h(
            "ArnLike",
            &["arn:*:role/*"],
            Some(&["arn:aws:iam::1:role/x"])
        ));
        assert!(h(
            "ArnLike",
            &["arn:*:*:*:*:role/*"],
            Some(&["arn:aws:iam::1:role/x"])
        ));
        // the resource part keeps its own colons
        assert!(h(
            "ArnLike",
            &["arn:aws:logs:*:*:log-group:/aws/sagemaker/*"],
            Some(&["arn:aws:logs:us-east-1:1:log-group:/aws/sagemaker/x:log-stream:y"])
        ));
        assert!(!h(
            "ArnLike",
            &["arn:aws:iam::*:role/*"],
            Some(&["not-an-arn"])
        ));
        assert!(h("ArnLike", &["*"], Some(&[role])));
        assert!(h("ArnLike", &["*"], Some(&["not-an-arn"])));
        assert!(h("ArnLike", &["arn:aws:iam::1"], Some(&["arn:aws:iam::1"])));
        assert!(!h(
            "ArnLike",
            &["arn:aws:iam::*"],
            Some(&["arn:aws:iam::1:root"])
        ));
        assert!(h("ArnLikeIfExists", &["arn:aws:iam::*:role/*"], None));
    }

    #[test]
    fn variables_in_values() {
        let req = Request::new("sagemaker:CreatePresignedDomainUrl")
            .with_key("aws:PrincipalTag/studiouserid", ["alice"])
            .with_key("sagemaker:ResourceTag/studiouserid", ["alice"]);
        let value = ["${aws:PrincipalTag/studiouserid}"];
        assert!(holds(
            "StringEquals",
            "sagemaker:ResourceTag/studiouserid",
            &value,
            &req,
            true
        ));
        // variables off (no 2012-10-17 version): the text is literal
        assert!(!holds(
            "StringEquals",
            "sagemaker:ResourceTag/studiouserid",
            &value,
            &req,
            false
        ));
        // unresolved variable: matches nothing; the negated operator holds
        let req = Request::new("x:Y").with_key("sagemaker:ResourceTag/studiouserid", ["alice"]);
        assert!(!holds(
            "StringEquals",
            "sagemaker:ResourceTag/studiouserid",
            &value,
            &req,
            true
        ));
        assert!(!holds(
            "StringLike",
            "sagemaker:ResourceTag/studiouserid",
            &value,
            &req,
            true
        ));
        assert!(holds(
            "StringNotEquals",
            "sagemaker:ResourceTag/studiouserid",
            &value,
            &req,
            true
        ));
        // a default fills in
        let value = ["${aws:PrincipalTag/studiouserid, 'alice'}"];
        assert!(holds(
            "StringEquals",
            "sagemaker:ResourceTag/studiouserid",
            &value,
            &req,
            true
        ));
        // ARN operators resolve too
        let req = Request::new("x:Y")
            .with_key("aws:username", ["bob"])
            .with_key("aws:SourceArn", ["arn:aws:iam::1:user/bob"]);
        assert!(holds(
            "ArnLike",
            "aws:sourcearn",
            &["arn:aws:iam::*:user/${aws:username}"],
            &req,
            true
        ));
    }
}
