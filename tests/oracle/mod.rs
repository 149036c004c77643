//! The meaning of a condition, evaluated directly on a request context
//! (docs/meaning.md §1–§3), independently of IAM: the oracle of the property
//! test `tests/meaning.rs`, which compares it with the IAM evaluator run on
//! the lowered JSON (they must always agree).
//!
//! Independent on purpose: it shares no code with the library's evaluator
//! (its own glob, ARN, number and date readings, written from the language's
//! definition, not from IAM's), so that a mistake in the evaluator or in
//! lowering shows up as a disagreement instead of being repeated here. It is
//! test code only, and is not part of the library.

use gov::catalog::KeyType;
use gov::ir::{Atom, ElemOp, Expr, Literal, Quant};
use std::collections::BTreeMap;

/// A request context: lowercase key → its values (absent = not in the map or empty).
pub type Context = BTreeMap<String, Vec<String>>;

/// Whether `expr` holds for `ctx`.
pub fn holds(expr: &Expr, ctx: &Context) -> bool {
    match expr {
        Expr::True => true,
        Expr::False => false,
        Expr::And(v) => v.iter().all(|e| holds(e, ctx)),
        Expr::Or(v) => v.iter().any(|e| holds(e, ctx)),
        Expr::Not(e) => !holds(e, ctx),
        Expr::Atom(a) => atom_holds(a, ctx),
    }
}

fn values<'c>(ctx: &'c Context, key: &str) -> &'c [String] {
    ctx.get(&key.to_ascii_lowercase())
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn atom_holds(atom: &Atom, ctx: &Context) -> bool {
    match atom {
        Atom::Present(k) => !values(ctx, &k.name).is_empty(),
        Atom::Test {
            key,
            quant,
            op,
            negated,
            values: literals,
        } => {
            let vals = values(ctx, &key.name);
            let arn = key.ty.element() == KeyType::Arn;
            let elem = |v: &String| {
                let hit = literals.iter().any(|l| match (arn, op) {
                    // ARN keys compare the six parts of an ARN, each a glob.
                    (true, ElemOp::Equals | ElemOp::Like) => arn_matches(&l.text(), v),
                    _ => element(*op, v, l),
                });
                hit != *negated
            };
            match quant {
                // A single-valued key: present and its value passes.
                Quant::Single => vals.first().is_some_and(elem),
                Quant::Any => vals.iter().any(elem),
                Quant::All => vals.iter().all(elem),
            }
        }
    }
}

/// One value against one literal.
fn element(op: ElemOp, value: &str, literal: &Literal) -> bool {
    match (op, literal) {
        (ElemOp::Equals, Literal::Bool(b)) => value.eq_ignore_ascii_case(&b.to_string()),
        (ElemOp::Equals, Literal::Num(n)) => num(value).zip(num(n)).is_some_and(|(a, b)| a == b),
        (ElemOp::Equals, Literal::Str(s)) if instant(s).is_some() && instant(value).is_some() => {
            instant(value) == instant(s)
        }
        (ElemOp::Equals, Literal::Str(s)) => value == s,
        // Case aside: both sides lowered, Unicode's rules (docs/meaning.md).
        (ElemOp::EqualsIgnoringCase, l) => value.to_lowercase() == l.text().to_lowercase(),
        (ElemOp::Like, l) => glob(&l.text(), value),
        (ElemOp::InCidr, l) => in_cidr(value, &l.text()),
        (ElemOp::Lt, l) => cmp(value, l).is_some_and(|o| o.is_lt()),
        (ElemOp::Le, l) => cmp(value, l).is_some_and(|o| o.is_le()),
        (ElemOp::Gt, l) => cmp(value, l).is_some_and(|o| o.is_gt()),
        (ElemOp::Ge, l) => cmp(value, l).is_some_and(|o| o.is_ge()),
    }
}

/// An ARN pattern against a value: `arn:partition:service:region:account:resource`,
/// each part matched by itself, so a `*` never spans the colons between parts
/// (the resource part keeps its own colons). A pattern without colons (`*`)
/// is matched against the whole value.
fn arn_matches(pattern: &str, value: &str) -> bool {
    if !pattern.contains(':') {
        return glob(pattern, value);
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let v: Vec<&str> = value.splitn(6, ':').collect();
    p.len() == 6 && v.len() == 6 && p.iter().zip(&v).all(|(p, v)| glob(p, v))
}

fn num(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Numbers compare as numbers; dates (ISO 8601 or epoch seconds) as instants.
fn cmp(value: &str, literal: &Literal) -> Option<std::cmp::Ordering> {
    let text = literal.text();
    match (num(value), num(&text)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => instant(value)?.partial_cmp(&instant(&text)?),
    }
}

/// Seconds since 1970 of `YYYY-MM-DD[THH:MM[:SS]][Z]`, or of epoch seconds.
fn instant(s: &str) -> Option<i64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let part = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<i64>().ok());
    let (y, m, d) = (part(0..4)?, part(5..7)?, part(8..10)?);
    let (hh, mm, ss) = match s.get(10..11) {
        Some("T") => (part(11..13)?, part(14..16)?, part(17..19).unwrap_or(0)),
        _ => (0, 0, 0),
    };
    // Days from the civil date (proleptic Gregorian), after H. Hinnant.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3_600 + mm * 60 + ss)
}

fn in_cidr(value: &str, range: &str) -> bool {
    let Ok(addr) = value.parse::<std::net::IpAddr>() else {
        return false;
    };
    if let Ok(net) = range.parse::<ipnet::IpNet>() {
        return net.contains(&addr);
    }
    range.parse::<std::net::IpAddr>().is_ok_and(|r| r == addr)
}

/// `*` matches any run of characters, `?` exactly one; case-sensitive.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with backtracking to the last `*`: linear space.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(instant("2020-06-01"), Some(1_590_969_600));
        assert_eq!(instant("1590969600"), Some(1_590_969_600));
        assert_eq!(instant("yesterday"), None);
    }

    #[test]
    fn arns_match_part_by_part() {
        assert!(arn_matches(
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:role/a"
        ));
        assert!(!arn_matches("arn:*:role/*", "arn:aws:iam::1:role/x"));
        assert!(arn_matches(
            "arn:aws:logs:*:*:log-group:/x/*",
            "arn:aws:logs:r:1:log-group:/x/y:log-stream:z"
        ));
        assert!(!arn_matches("arn:aws:iam::*:role/*", "not-an-arn"));
        assert!(arn_matches("*", "anything"));
    }

    #[test]
    fn globs() {
        assert!(glob("ml.t3.*", "ml.t3.medium"));
        assert!(glob("*", ""));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*b*", "aaabaaa"));
        assert!(!glob("*b", "aaabaaa"));
    }
}
