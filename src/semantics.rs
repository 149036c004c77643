//! The meaning of a condition, evaluated directly on a request context
//! (language.md §3), independently of IAM. The property tests compare it with
//! the IAM evaluator run on the lowered JSON: they must always agree.

use crate::ir::{Atom, ElemOp, Expr, Literal, Quant};
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
            let elem = |v: &String| {
                let hit = literals.iter().any(|l| element(*op, v, l));
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
        (ElemOp::Equals, Literal::Str(s)) => value == s,
        (ElemOp::Like, l) => glob(&l.text(), value),
        (ElemOp::InCidr, l) => in_cidr(value, &l.text()),
        (ElemOp::Lt, l) => cmp(value, l).is_some_and(|o| o.is_lt()),
        (ElemOp::Le, l) => cmp(value, l).is_some_and(|o| o.is_le()),
        (ElemOp::Gt, l) => cmp(value, l).is_some_and(|o| o.is_gt()),
        (ElemOp::Ge, l) => cmp(value, l).is_some_and(|o| o.is_ge()),
    }
}

fn num(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn cmp(value: &str, literal: &Literal) -> Option<std::cmp::Ordering> {
    num(value)?.partial_cmp(&num(&literal.text())?)
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
    fn globs() {
        assert!(glob("ml.t3.*", "ml.t3.medium"));
        assert!(glob("*", ""));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*b*", "aaabaaa"));
        assert!(!glob("*b", "aaabaaa"));
    }
}
