//! A conjunct whose entries on one key, each possible alone, no request
//! satisfies together (docs/meaning.md §5, "Impossible alternatives"):
//! `K < 1 and K > 5`, `K == "a" and K != "a"`, `K == 5 and not K >= 1`,
//! `K absent and K == "a"`. Such a conjunct is dropped like any other that
//! can never hold.
//!
//! Only a certain answer drops anything: a statement that never matches
//! still means its conjunct exactly, so "maybe" keeps it. Keys with policy
//! variables in their entries are left alone (their values are known only
//! per request).

use crate::eval::date::parse_date;
use crate::eval::values::{Decimal, parse_network};
use crate::eval::{Request, statement_matches};
use crate::iam::{self, BaseOperator, OperatorFamily, SetQualifier};

use super::literal::Entry;

/// Whether no request satisfies every entry of `entries`.
pub(super) fn never_holds(entries: &[Entry]) -> bool {
    // Grouped by key in one pass, so a statement of many keys costs linear time.
    let mut by_key: std::collections::BTreeMap<String, Vec<&Entry>> =
        std::collections::BTreeMap::new();
    for e in entries {
        by_key
            .entry(e.key.to_ascii_lowercase())
            .or_default()
            .push(e);
    }
    by_key.values().any(|on_key| key_never_holds(on_key))
}

/// No qualifier, no `IfExists`.
fn is_plain(e: &Entry) -> bool {
    e.operator.qualifier.is_none() && !e.operator.if_exists
}

fn is_null(e: &Entry, value: &str) -> bool {
    is_plain(e) && e.operator.base == BaseOperator::Null && e.values == [value]
}

fn key_never_holds(entries: &[&Entry]) -> bool {
    if entries.len() < 2
        || entries
            .iter()
            .any(|e| e.values.iter().any(|v| v.contains("${")))
        || entries.iter().any(|e| {
            e.operator.qualifier == Some(SetQualifier::ForAnyValue)
                || e.operator.qualifier == Some(SetQualifier::ForAllValues)
        })
    {
        return false;
    }
    // A plain positive entry holds only when the key is present.
    let needs_present = entries.iter().any(|e| {
        is_null(e, "false")
            || (is_plain(e)
                && e.operator.base != BaseOperator::Null
                && !e.operator.base.is_negated())
    });
    if !needs_present {
        return false;
    }
    if entries.iter().any(|e| is_null(e, "true")) {
        return true;
    }
    // The key has a value, so every other entry tests it.
    let tests: Vec<&Entry> = entries
        .iter()
        .copied()
        .filter(|e| e.operator.base != BaseOperator::Null)
        .collect();
    if let Some(candidates) = equal_values(&tests) {
        return !candidates.iter().any(|v| all_hold(&tests, v));
    }
    match tests.first().map(|e| e.operator.base.family()) {
        Some(OperatorFamily::Numeric) => bounds_clash(&tests, false),
        Some(OperatorFamily::Date) => bounds_clash(&tests, true),
        Some(OperatorFamily::Ip) => ranges_excluded(&tests),
        _ => false,
    }
}

/// The values the key may have, when an equality entry lists them: each
/// stands for every value it equals, for the entries of its family.
fn equal_values(tests: &[&Entry]) -> Option<Vec<String>> {
    tests.iter().find_map(|e| {
        let listing = matches!(
            e.operator.base,
            BaseOperator::StringEquals
                | BaseOperator::NumericEquals
                | BaseOperator::DateEquals
                | BaseOperator::Bool
        );
        (listing && is_plain(e)).then(|| e.values.clone())
    })
}

/// Whether the key holding `value` alone satisfies every entry.
fn all_hold(tests: &[&Entry], value: &str) -> bool {
    let Some(first) = tests.first() else {
        return true;
    };
    let statement = iam::Statement {
        sid: None,
        effect: crate::policy::Effect::Deny,
        principal: None,
        actions: iam::Actions::Action(vec!["gov:Probe".to_string()]),
        resources: Some(iam::Resources::Resource(vec!["*".to_string()])),
        conditions: tests
            .iter()
            .map(|e| iam::Condition {
                operator: e.operator.into(),
                key: e.key.clone(),
                values: e.values.clone(),
            })
            .collect(),
    };
    let request = Request::new("gov:Probe").with_key(&first.key, [value]);
    // An evaluation error: not sure, so the value may pass.
    statement_matches(&statement, &request).unwrap_or(true)
}

/// Numbers or dates: the bounds of the orderings leave no value. The key
/// has one value, which passes every plain and `IfExists` ordering; an entry
/// means its loosest value (they are ORed). Only a certain clash counts:
/// `lo > hi`, or `lo == hi` with a strict side.
fn bounds_clash(tests: &[&Entry], date: bool) -> bool {
    use BaseOperator::*;
    let read = |t: &str| -> Option<Reading> {
        if date {
            parse_date(t).map(Reading::Date)
        } else {
            Decimal::parse(t).map(Reading::Number)
        }
    };
    // (bound, strict)
    let mut lower: Option<(Reading, bool)> = None;
    let mut upper: Option<(Reading, bool)> = None;
    for e in tests {
        let (is_lower, strict) = match e.operator.base {
            NumericGreaterThan | DateGreaterThan => (true, true),
            NumericGreaterThanEquals | DateGreaterThanEquals => (true, false),
            NumericLessThan | DateLessThan => (false, true),
            NumericLessThanEquals | DateLessThanEquals => (false, false),
            _ => continue,
        };
        let mut values = Vec::new();
        for v in &e.values {
            match read(v) {
                Some(r) => values.push(r),
                None => return false,
            }
        }
        // the loosest value of the entry
        let loosest = if is_lower {
            values.into_iter().min()
        } else {
            values.into_iter().max()
        };
        let Some(bound) = loosest else {
            return false;
        };
        let slot = if is_lower { &mut lower } else { &mut upper };
        let tighter = match slot {
            None => true,
            Some((held, held_strict)) => {
                if is_lower {
                    bound > *held || (bound == *held && strict && !*held_strict)
                } else {
                    bound < *held || (bound == *held && strict && !*held_strict)
                }
            }
        };
        if tighter {
            *slot = Some((bound, strict));
        }
    }
    match (lower, upper) {
        (Some((lo, lo_strict)), Some((hi, hi_strict))) => {
            lo > hi || (lo == hi && (lo_strict || hi_strict))
        }
        _ => false,
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Reading {
    Number(Decimal),
    Date(i128),
}

/// Addresses: every range the value may be in (`IpAddress`) lies inside a
/// range it must not be in (`NotIpAddress`).
fn ranges_excluded(tests: &[&Entry]) -> bool {
    let inside = tests
        .iter()
        .find(|e| e.operator.base == BaseOperator::IpAddress && is_plain(e));
    let Some(inside) = inside else {
        return false;
    };
    let outside: Vec<_> = tests
        .iter()
        .filter(|e| e.operator.base == BaseOperator::NotIpAddress)
        .flat_map(|e| e.values.iter().map(|v| parse_network(v)))
        .collect();
    inside.values.iter().all(|v| {
        parse_network(v).is_some_and(|net| {
            outside.iter().any(|o| {
                o.is_some_and(|o| o.addr().is_ipv4() == net.addr().is_ipv4() && o.contains(&net))
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::OperatorSpec;

    fn entry(operator: &str, values: &[&str]) -> Entry {
        Entry {
            operator: OperatorSpec::parse(operator).unwrap(),
            key: "k:k".to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn never(entries: &[(&str, &[&str])]) -> bool {
        let entries: Vec<Entry> = entries.iter().map(|(o, v)| entry(o, v)).collect();
        never_holds(&entries)
    }

    #[test]
    fn bounds() {
        assert!(never(&[
            ("NumericLessThan", &["1"]),
            ("NumericGreaterThan", &["5"])
        ]));
        assert!(never(&[
            ("NumericLessThan", &["5"]),
            ("NumericGreaterThanEquals", &["5.0"])
        ]));
        assert!(!never(&[
            ("NumericLessThanEquals", &["5"]),
            ("NumericGreaterThanEquals", &["5"])
        ]));
        // absent passes both: possible
        assert!(!never(&[
            ("NumericLessThanIfExists", &["1"]),
            ("NumericGreaterThanIfExists", &["5"])
        ]));
        assert!(never(&[
            ("NumericLessThan", &["1"]),
            ("NumericGreaterThanIfExists", &["5"])
        ]));
        assert!(never(&[
            ("DateLessThan", &["2026-01-01"]),
            ("DateGreaterThan", &["2026-06-01"])
        ]));
    }

    #[test]
    fn listed_values() {
        assert!(never(&[
            ("StringEquals", &["a"]),
            ("StringNotEquals", &["a"])
        ]));
        assert!(!never(&[
            ("StringEquals", &["a", "b"]),
            ("StringNotEquals", &["a"])
        ]));
        assert!(never(&[("StringEquals", &["a"]), ("StringLike", &["x*"])]));
        assert!(never(&[
            ("NumericEquals", &["5"]),
            ("NumericNotEquals", &["5.0"])
        ]));
        assert!(never(&[
            ("NumericEquals", &["5"]),
            ("NumericLessThanIfExists", &["1"])
        ]));
        assert!(never(&[("Bool", &["true"]), ("BoolIfExists", &["false"])]));
        // a variable: not known
        assert!(!never(&[
            ("StringEquals", &["${aws:username}"]),
            ("StringNotEquals", &["a"])
        ]));
    }

    #[test]
    fn presence_and_ranges() {
        assert!(never(&[("Null", &["true"]), ("StringLike", &["a*"])]));
        assert!(!never(&[("Null", &["true"]), ("StringNotLike", &["a*"])]));
        assert!(never(&[
            ("IpAddress", &["10.1.0.0/16"]),
            ("NotIpAddress", &["10.0.0.0/8"])
        ]));
        assert!(!never(&[
            ("IpAddress", &["10.0.0.0/8"]),
            ("NotIpAddress", &["10.1.0.0/16"])
        ]));
    }
}
