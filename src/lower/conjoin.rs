//! Two IAM entries on the same operator and key, ANDed in one conjunct: the
//! one entry that means both, when there is one (docs/meaning.md §5, "Entries
//! on the same key"). A JSON `Condition` holds one entry per operator and
//! key, and the values of one entry are ORed, so two such tests must become
//! one entry that means exactly their conjunction, or the rule is refused.
//!
//! Every entry reads "the key's value(s) pass the element test `t`", with
//! `t` "matches one of the values" (positive operators) or "matches none"
//! (negated ones), under one of four forms: plain (the key is present and its
//! value passes), `…IfExists` (absent, or passes), `ForAllValues:` (every
//! value passes) and `ForAnyValue:` (some value passes). Two facts decide:
//!
//! - when `t_a` implies `t_b` for every value and request, `a` alone means
//!   both, under every form (subsumption: `A ⊆ B` as texts for a positive
//!   operator, `A ⊇ B` for a negated one, the tighter bound of two orders);
//! - otherwise, when one element test `t_c` means `t_a and t_b`, the entry
//!   with `t_c` means both under every form but `ForAnyValue:` (two values
//!   may pass the two tests); `t_c` passing no value at all makes a plain
//!   entry impossible and the others "the key is absent".

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::eval::date::parse_date;
use crate::eval::values::{Decimal, parse_bool, parse_network};
use crate::iam::pattern::{self, Case};
use crate::iam::{BaseOperator, OperatorSpec, SetQualifier};

/// What the conjunction of two entries on one operator and key is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Conjoined {
    /// The entry with these values means both.
    Values(Vec<String>),
    /// No value passes both element tests.
    NoValue,
    /// No one entry means both.
    Refused(Refusal),
}

/// Why two entries have no merged form: each case has its own help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Two `ForAnyValue:` tests, neither implying the other: two different
    /// values may pass them.
    SomeValueEach,
    /// A policy variable, whose value is known only per request.
    Variable,
    /// Two patterns that overlap without one containing the other.
    OverlappingPatterns,
    /// IPv4 and IPv6 ranges together.
    AddressFamilies,
    /// A value that does not read as the operator's type, or an operator
    /// without a merge rule.
    NoRule,
}

impl Refusal {
    /// The help of `E0401` for this case.
    pub(super) fn help(self) -> &'static str {
        match self {
            Refusal::SomeValueEach => {
                "`any` tests on one key may be passed by two different values, and IAM has no one entry for \"some value passes the first test and some value the second\"; no exact IAM form exists: write one test, or split the rule"
            }
            Refusal::Variable => {
                "a policy variable's value is known only when the request is made, so gov cannot intersect it with other values; no exact IAM form is known: write one test, or split the rule"
            }
            Refusal::OverlappingPatterns => {
                "the two patterns overlap without one containing the other, and no list of patterns is known to mean both; state the combined pattern directly"
            }
            Refusal::AddressFamilies => {
                "an IPv4 and an IPv6 range are intersected only within one address family; list the ranges of each family in one test"
            }
            Refusal::NoRule => {
                "IAM ORs the values of one operator and key, so both tests would merge into one that means something else; state the combined test directly"
            }
        }
    }
}

/// The conjunction of the entries `operator: key: a` and `operator: key: b`
/// (values sorted and de-duplicated). Not for `Null`.
pub(super) fn conjoin(operator: OperatorSpec, a: &[String], b: &[String]) -> Conjoined {
    let base = operator.base;
    if let Some(tighter) = tighter_bound(base, a, b) {
        return tighter;
    }
    // Subsumption, by text: the same text is the same value in one request,
    // policy variables included.
    // Through a hash set, so that long value lists cost linear time.
    let within = |small: &[String], large: &[String]| {
        let large: HashSet<&str> = large.iter().map(String::as_str).collect();
        small.iter().all(|v| large.contains(v.as_str()))
    };
    let (first, second) = if base.is_negated() { (b, a) } else { (a, b) };
    if within(first, second) {
        return Conjoined::Values(a.to_vec());
    }
    if within(second, first) {
        return Conjoined::Values(b.to_vec());
    }
    if operator.qualifier == Some(SetQualifier::ForAnyValue) {
        return Conjoined::Refused(Refusal::SomeValueEach);
    }
    if base.is_negated() {
        // None of A and none of B is none of A ∪ B, variables included.
        let mut union = a.to_vec();
        union.extend(b.iter().cloned());
        union.sort();
        union.dedup();
        return Conjoined::Values(union);
    }
    intersect(base, a, b)
}

/// Two orderings (`<`, `<=`, `>`, `>=`): the entry holding the tighter
/// bound implies the other. An entry's values are ORed, so it means its
/// loosest value: the largest for `<`, the smallest for `>`.
fn tighter_bound(base: BaseOperator, a: &[String], b: &[String]) -> Option<Conjoined> {
    use BaseOperator::*;
    let (date, below) = match base {
        NumericLessThan | NumericLessThanEquals => (false, true),
        NumericGreaterThan | NumericGreaterThanEquals => (false, false),
        DateLessThan | DateLessThanEquals => (true, true),
        DateGreaterThan | DateGreaterThanEquals => (true, false),
        _ => return None,
    };
    let compare = |x: &str, y: &str| -> Option<Ordering> {
        if date {
            Some(parse_date(x)?.cmp(&parse_date(y)?))
        } else {
            Some(Decimal::parse(x)?.cmp(&Decimal::parse(y)?))
        }
    };
    // The loosest value of each entry; any unreadable value: no rule.
    let loosest = |values: &[String]| -> Option<String> {
        let mut best = values.first()?.clone();
        for v in values {
            let ord = compare(v, &best)?;
            if (below && ord.is_gt()) || (!below && ord.is_lt()) {
                best = v.clone();
            }
        }
        Some(best)
    };
    let (Some(x), Some(y)) = (loosest(a), loosest(b)) else {
        return Some(Conjoined::Refused(Refusal::NoRule));
    };
    let Some(ord) = compare(&x, &y) else {
        return Some(Conjoined::Refused(Refusal::NoRule));
    };
    let x_tighter = if below { ord.is_le() } else { ord.is_ge() };
    Some(Conjoined::Values(vec![if x_tighter { x } else { y }]))
}

/// One element test meaning "matches one of `a`" and "matches one of `b`",
/// for the positive operators that have one.
fn intersect(base: BaseOperator, a: &[String], b: &[String]) -> Conjoined {
    use BaseOperator::*;
    let variable = a.iter().chain(b).any(|v| v.contains("${"));
    let common = |same: &dyn Fn(&str, &str) -> bool| -> Vec<String> {
        a.iter()
            .filter(|x| b.iter().any(|y| same(x, y)))
            .cloned()
            .collect()
    };
    let values = match base {
        StringEquals | StringEqualsIgnoreCase | StringLike | ArnEquals | ArnLike if variable => {
            return Conjoined::Refused(Refusal::Variable);
        }
        StringEquals => {
            let in_b: HashSet<&str> = b.iter().map(String::as_str).collect();
            a.iter()
                .filter(|x| in_b.contains(x.as_str()))
                .cloned()
                .collect()
        }
        StringEqualsIgnoreCase => common(&|x, y| pattern::equals(x, y, Case::Insensitive)),
        // Values that do not read as their type match nothing: dropping
        // them keeps the meaning.
        Bool => common(&|x, y| parse_bool(x).is_some() && parse_bool(x) == parse_bool(y)),
        NumericEquals => common(
            &|x, y| matches!((Decimal::parse(x), Decimal::parse(y)), (Some(p), Some(q)) if p == q),
        ),
        DateEquals => {
            common(&|x, y| matches!((parse_date(x), parse_date(y)), (Some(p), Some(q)) if p == q))
        }
        IpAddress => match intersect_ranges(a, b) {
            Ok(v) => v,
            Err(why) => return Conjoined::Refused(why),
        },
        StringLike => match intersect_patterns(a, b, Syntax::Glob) {
            Ok(v) => v,
            Err(why) => return Conjoined::Refused(why),
        },
        ArnEquals | ArnLike => match intersect_patterns(a, b, Syntax::Arn) {
            Ok(v) => v,
            Err(why) => return Conjoined::Refused(why),
        },
        _ => return Conjoined::Refused(Refusal::NoRule),
    };
    let mut values = values;
    values.sort();
    values.dedup();
    if values.is_empty() {
        Conjoined::NoValue
    } else {
        Conjoined::Values(values)
    }
}

/// Two CIDR ranges are nested or disjoint: the intersection of two lists is
/// the inner range of each nested pair.
fn intersect_ranges(a: &[String], b: &[String]) -> Result<Vec<String>, Refusal> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let (Some(p), Some(q)) = (parse_network(x), parse_network(y)) else {
                return Err(Refusal::NoRule);
            };
            if p.addr().is_ipv4() != q.addr().is_ipv4() {
                if holds_no_ipv4(&p) && holds_no_ipv4(&q) {
                    continue;
                }
                return Err(Refusal::AddressFamilies);
            }
            if p.contains(&q) {
                out.push(y.clone());
            } else if q.contains(&p) {
                out.push(x.clone());
            }
        }
    }
    Ok(out)
}

/// An IPv4 range and an IPv6 range share no address, unless the IPv6 range
/// reaches the forms that carry IPv4 addresses (`::/8`, holding the mapped,
/// compatible and NAT64 forms, and 6to4's `2002::/16`), where gov does not
/// rely on how AWS compares.
fn holds_no_ipv4(net: &ipnet::IpNet) -> bool {
    let ipnet::IpNet::V6(v6) = net else {
        return true;
    };
    ["::/8", "2002::/16"].iter().all(|carrier| {
        carrier
            .parse::<ipnet::Ipv6Net>()
            .is_ok_and(|c| !c.contains(v6) && !v6.contains(&c))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `StringLike`: one glob over the whole value.
    Glob,
    /// `ArnEquals`, `ArnLike`: a glob per part of the ARN.
    Arn,
}

fn is_plain(text: &str) -> bool {
    !text.contains(['*', '?'])
}

/// "Matches one of `a`" and "matches one of `b`" is "matches one of the
/// pairwise intersections" ([`meet_globs`], [`meet_arns`]); one pair
/// without a known intersection refuses the whole.
fn intersect_patterns(a: &[String], b: &[String], syntax: Syntax) -> Result<Vec<String>, Refusal> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let met = match syntax {
                Syntax::Glob => meet_globs(x, y)?,
                Syntax::Arn => meet_arns(x, y)?,
            };
            out.extend(met);
        }
    }
    Ok(out)
}

/// The ARN pattern matching exactly what both `x` and `y` match (`None`:
/// nothing). A pattern without wildcards matches itself only; two patterns
/// of six parts each meet part by part, as they are matched.
fn meet_arns(x: &str, y: &str) -> Result<Option<String>, Refusal> {
    if x == y {
        return Ok(Some(x.to_string()));
    }
    if is_plain(x) {
        return Ok(pattern::arn_glob_matches(y, x).then(|| x.to_string()));
    }
    if is_plain(y) {
        return Ok(pattern::arn_glob_matches(x, y).then(|| y.to_string()));
    }
    let (Some(xs), Some(ys)) = (arn_parts(x), arn_parts(y)) else {
        return Err(Refusal::OverlappingPatterns);
    };
    let mut parts = Vec::with_capacity(6);
    for (p, q) in xs.iter().zip(&ys) {
        match meet_globs(p, q)? {
            Some(part) => parts.push(part),
            None => return Ok(None),
        }
    }
    Ok(Some(parts.join(":")))
}

/// The six parts of an ARN pattern (the resource part keeps its colons).
fn arn_parts(text: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    (parts.len() == 6).then_some(parts)
}

/// The glob matching exactly what both `x` and `y` match (`None`: nothing),
/// when one is known: equal globs are themselves; a glob without wildcards
/// matches one text, so it meets another in it or nowhere; globs whose fixed
/// beginnings or ends clash share no value; a glob inside another (`ab*` in
/// `a*`) is itself; a glob without `*` (a fixed length) meets one with a
/// single `*` position by position; `P*` and `*S` meet in `P*S` when no
/// text shorter than `PS` has both. Any other pair is refused.
fn meet_globs(x: &str, y: &str) -> Result<Option<String>, Refusal> {
    let matches = |p: &str, t: &str| pattern::glob_matches(p, t, Case::Sensitive);
    if x == y {
        return Ok(Some(x.to_string()));
    }
    if is_plain(x) {
        return Ok(matches(y, x).then(|| x.to_string()));
    }
    if is_plain(y) {
        return Ok(matches(x, y).then(|| y.to_string()));
    }
    if globs_disjoint(x, y) {
        return Ok(None);
    }
    if glob_within(x, y) {
        return Ok(Some(x.to_string()));
    }
    if glob_within(y, x) {
        return Ok(Some(y.to_string()));
    }
    if let Some(met) = meet_fixed_length(x, y).or_else(|| meet_fixed_length(y, x)) {
        return Ok(met);
    }
    if let Some(met) = meet_head_and_tail(x, y).or_else(|| meet_head_and_tail(y, x)) {
        return Ok(Some(met));
    }
    Err(Refusal::OverlappingPatterns)
}

/// The characters before the first wildcard, and after the last.
fn fixed_ends(glob: &str) -> (&str, &str) {
    let head = glob.find(['*', '?']).map_or(glob, |i| &glob[..i]);
    let tail = glob.rfind(['*', '?']).map_or(glob, |i| &glob[i + 1..]);
    (head, tail)
}

/// Every value of `x` begins with its fixed beginning and ends with its
/// fixed end: if those of `x` and `y` cannot both hold, no value matches both.
fn globs_disjoint(x: &str, y: &str) -> bool {
    let ((xh, xt), (yh, yt)) = (fixed_ends(x), fixed_ends(y));
    let heads_clash = !(xh.starts_with(yh) || yh.starts_with(xh));
    let tails_clash = !(xt.ends_with(yt) || yt.ends_with(xt));
    heads_clash || tails_clash
}

/// Whether every value `x` matches is matched by `y`, for a `y` of the forms
/// `P*` or `*S` (`P`, `S` without wildcards).
fn glob_within(x: &str, y: &str) -> bool {
    let (xh, xt) = fixed_ends(x);
    if let Some(p) = y.strip_suffix('*').filter(|p| is_plain(p)) {
        return xh.starts_with(p);
    }
    if let Some(s) = y.strip_prefix('*').filter(|s| is_plain(s)) {
        return xt.ends_with(s);
    }
    false
}

/// `x` without `*` matches texts of its length only; `y` with one `*`,
/// `H*T`, those that begin with `H` and end with `T` around any middle. The
/// texts of both: `x` with its first and last characters met with `H` and
/// `T` (`?` meets any character). `None` when the forms do not fit;
/// `Some(None)` when no text matches both.
fn meet_fixed_length(x: &str, y: &str) -> Option<Option<String>> {
    if x.contains('*') || y.matches('*').count() != 1 {
        return None;
    }
    let (head, tail) = y.split_once('*')?;
    let mut text: Vec<char> = x.chars().collect();
    let (head, tail): (Vec<char>, Vec<char>) = (head.chars().collect(), tail.chars().collect());
    let n = text.len();
    if n < head.len() + tail.len() {
        return Some(None);
    }
    let meet = |a: char, b: char| match (a, b) {
        ('?', other) | (other, '?') => Some(other),
        _ if a == b => Some(a),
        _ => None,
    };
    for (i, &h) in head.iter().enumerate() {
        match meet(text[i], h) {
            Some(c) => text[i] = c,
            None => return Some(None),
        }
    }
    for (j, &t) in tail.iter().enumerate() {
        let i = n - tail.len() + j;
        match meet(text[i], t) {
            Some(c) => text[i] = c,
            None => return Some(None),
        }
    }
    Some(Some(text.into_iter().collect()))
}

/// `P*` and `*S` (`P`, `S` without wildcards) both hold of a text exactly
/// when it begins with `P` and ends with `S`: that is `P*S` unless a text
/// shorter than `PS`, where `P` and `S` overlap, does too.
fn meet_head_and_tail(x: &str, y: &str) -> Option<String> {
    let p = x.strip_suffix('*').filter(|p| is_plain(p))?;
    let s = y.strip_prefix('*').filter(|s| is_plain(s))?;
    let (pc, sc): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
    let overlap = (1..=pc.len().min(sc.len())).any(|k| pc[pc.len() - k..] == sc[..k]);
    (!overlap).then(|| format!("{p}*{s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(text: &str) -> OperatorSpec {
        OperatorSpec::parse(text).unwrap()
    }

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn c(operator: &str, a: &[&str], b: &[&str]) -> Conjoined {
        conjoin(op(operator), &v(a), &v(b))
    }

    #[test]
    fn bounds_keep_the_tighter() {
        assert_eq!(
            c("NumericLessThanEquals", &["300"], &["0"]),
            Conjoined::Values(v(&["0"]))
        );
        assert_eq!(
            c("NumericGreaterThanIfExists", &["5"], &["10"]),
            Conjoined::Values(v(&["10"]))
        );
        assert_eq!(
            c("ForAnyValue:NumericLessThan", &["5"], &["1.0"]),
            Conjoined::Values(v(&["1.0"]))
        );
        assert_eq!(
            c("DateGreaterThanEquals", &["2026-06-01"], &["1767225600"]),
            Conjoined::Values(v(&["2026-06-01"]))
        );
    }

    #[test]
    fn equal_values_intersect() {
        assert_eq!(
            c("NumericEquals", &["1", "5"], &["5.0", "10"]),
            Conjoined::Values(v(&["5"]))
        );
        assert_eq!(c("BoolIfExists", &["false"], &["true"]), Conjoined::NoValue);
        assert_eq!(
            c("StringEquals", &["${aws:username}"], &["b"]),
            Conjoined::Refused(Refusal::Variable)
        );
        // subsumption holds with variables: the same text, the same value
        assert_eq!(
            c(
                "StringEquals",
                &["${aws:username}"],
                &["${aws:username}", "b"]
            ),
            Conjoined::Values(v(&["${aws:username}"]))
        );
        assert_eq!(
            c("ForAnyValue:StringEquals", &["a", "b"], &["b", "c"]),
            Conjoined::Refused(Refusal::SomeValueEach)
        );
        assert_eq!(
            c("ForAnyValue:StringNotEquals", &["a", "b"], &["b"]),
            Conjoined::Values(v(&["a", "b"]))
        );
    }

    #[test]
    fn ranges_nest_or_part() {
        assert_eq!(
            c(
                "IpAddress",
                &["10.0.0.0/8"],
                &["10.1.0.0/16", "192.0.2.0/24"]
            ),
            Conjoined::Values(v(&["10.1.0.0/16"]))
        );
        assert_eq!(
            c("IpAddress", &["10.0.0.0/8"], &["192.0.2.0/24"]),
            Conjoined::NoValue
        );
        assert_eq!(
            c("IpAddress", &["10.0.0.0/8"], &["2001:db8::/32"]),
            Conjoined::NoValue
        );
        assert_eq!(
            c("IpAddress", &["10.0.0.0/8"], &["::ffff:0:0/96"]),
            Conjoined::Refused(Refusal::AddressFamilies)
        );
    }

    #[test]
    fn patterns() {
        assert_eq!(
            c("StringLike", &["a*", "x*"], &["ab", "xy*"]),
            Conjoined::Values(v(&["ab", "xy*"]))
        );
        assert_eq!(c("StringLike", &["a*"], &["x*"]), Conjoined::NoValue);
        assert_eq!(
            c("StringLike", &["?"], &["a*"]),
            Conjoined::Values(v(&["a"]))
        );
        assert_eq!(
            c("StringLike", &["a??"], &["*b"]),
            Conjoined::Values(v(&["a?b"]))
        );
        assert_eq!(c("StringLike", &["?"], &["a*b"]), Conjoined::NoValue);
        assert_eq!(
            c("StringLike", &["a*"], &["*b"]),
            Conjoined::Values(v(&["a*b"]))
        );
        // `a` has both: no `a*a` means it
        assert_eq!(
            c("StringLike", &["a*"], &["*a"]),
            Conjoined::Refused(Refusal::OverlappingPatterns)
        );
        assert_eq!(
            c(
                "ArnLike",
                &["arn:aws:iam::*:role/admin"],
                &["arn:aws:iam::111122223333:role/*"]
            ),
            Conjoined::Values(v(&["arn:aws:iam::111122223333:role/admin"]))
        );
        assert_eq!(
            c("ArnLike", &["arn:aws:iam::*:role/*"], &["arn:aws:s3:::*"]),
            Conjoined::NoValue
        );
        assert_eq!(
            c(
                "ArnLike",
                &["arn:aws:iam::*:role/*"],
                &["arn:aws:iam::1:role/a", "arn:aws:s3:::b"]
            ),
            Conjoined::Values(v(&["arn:aws:iam::1:role/a"]))
        );
    }
}
