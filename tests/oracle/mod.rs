//! The meaning of a condition, evaluated directly on a request context
//! (docs/meaning.md §1–§3), independently of IAM: the oracle of the property
//! test `tests/meaning.rs`, which compares it with the IAM evaluator run on
//! the lowered JSON (they must always agree).
//!
//! Independent on purpose: it shares no code with the library's evaluator
//! (its own glob, ARN, policy variable, number and date readings, written
//! from the language's definition, not from IAM's), so that a mistake in the
//! evaluator or in lowering shows up as a disagreement instead of being
//! repeated here. It is test code only, and is not part of the library.
//!
//! It judges conditions only, and `tests/meaning.rs` compares it with the
//! statement-level evaluation (`evaluate_document`) of requests for
//! `s3:GetObject`. The one decision of the evaluator that no condition
//! explains, `sts:GetCallerIdentity` allowed whatever the policies say (even
//! under an explicit deny, as AWS documents), is made above that level, in
//! `evaluate`, so the two still agree on every request they compare; it is
//! tested in `tests/trust_and_boundaries.rs`.

mod pattern;

use gov::catalog::KeyType;
use gov::ir::{Atom, ElemOp, Expr, Literal, Quant};
use pattern::{arn_matches, glob, resolve};
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
            let ty = key.ty.element();
            let elem = |v: &String| {
                let hit = literals.iter().any(|l| element(ty, *op, v, l, ctx));
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

/// One value of a key of element type `ty` against one literal.
fn element(ty: KeyType, op: ElemOp, value: &str, literal: &Literal, ctx: &Context) -> bool {
    match ty {
        // Strings and ARNs: the literal is a pattern once its policy
        // variables are replaced; an unresolved one equals and matches nothing.
        KeyType::String | KeyType::Arn => {
            let Some(pieces) = resolve(&literal.text(), ctx) else {
                return false;
            };
            match (ty, op) {
                // ARN keys compare the six parts of an ARN, each a glob.
                (KeyType::Arn, _) => arn_matches(&pieces, value),
                (_, ElemOp::Like) => glob(&pieces, value),
                // Case aside: both sides lowered, Unicode's rules (docs/meaning.md).
                (_, ElemOp::EqualsIgnoringCase) => {
                    pattern::text(&pieces).to_lowercase() == value.to_lowercase()
                }
                _ => pattern::text(&pieces) == value,
            }
        }
        KeyType::Bool => value.eq_ignore_ascii_case(&literal.text()),
        KeyType::IpAddress => in_cidr(value, &literal.text()),
        KeyType::Numeric => order(op, num(value).zip(num(&literal.text()))),
        KeyType::Date => order(op, instant(value).zip(instant(&literal.text()))),
        // no other element type is drawn
        _ => false,
    }
}

/// Whether the pair (value, literal), when both could be read, stands in
/// the order `op` asks for.
fn order<T: PartialOrd>(op: ElemOp, pair: Option<(T, T)>) -> bool {
    let Some(ord) = pair.and_then(|(a, b)| a.partial_cmp(&b)) else {
        return false;
    };
    match op {
        ElemOp::Equals => ord.is_eq(),
        ElemOp::Lt => ord.is_lt(),
        ElemOp::Le => ord.is_le(),
        ElemOp::Gt => ord.is_gt(),
        ElemOp::Ge => ord.is_ge(),
        ElemOp::Like | ElemOp::InCidr | ElemOp::EqualsIgnoringCase => false,
    }
}

fn num(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
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
}
