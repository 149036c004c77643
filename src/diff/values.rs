//! Representative values: for each kind of constant a policy compares a key
//! with, values that land in every region the constants cut the value space
//! into (each constant, between two constants, below and above all of them,
//! inside each CIDR range and outside all of them, …).

use crate::eval::date::{Instant, NANOS, format_date, parse_date};
use crate::eval::values::{Decimal, parse_network};
use ipnet::IpNet;
use std::net::IpAddr;

/// An exact decimal: `mantissa / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dec {
    mantissa: i128,
    scale: u32,
}

/// Past this many decimal places, a constant gets no neighbours.
const MAX_SCALE: u32 = 18;

/// A constant as the `Numeric*` operators read it.
fn parse_dec(text: &str) -> Option<Dec> {
    let (mantissa, scale) = Decimal::parse(text)?.fixed_point()?;
    (scale <= MAX_SCALE).then_some(Dec { mantissa, scale })
}

fn rescale(d: Dec, scale: u32) -> Option<i128> {
    d.mantissa
        .checked_mul(10i128.checked_pow(scale.checked_sub(d.scale)?)?)
}

fn format_dec(mantissa: i128, scale: u32) -> String {
    let negative = mantissa < 0;
    let digits = mantissa.unsigned_abs().to_string();
    let scale = scale as usize;
    let text = if scale == 0 {
        digits
    } else {
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            int.to_string()
        } else {
            format!("{int}.{frac}")
        }
    };
    if negative && text != "0" {
        format!("-{text}")
    } else {
        text
    }
}

/// Numbers: each constant as written, one below all, one above all, one
/// between each two neighbours (exact decimal arithmetic). Constants that do
/// not read as a number are kept as written.
pub(super) fn numeric_reps(constants: &[String]) -> Vec<String> {
    let mut out: Vec<String> = constants.to_vec();
    let parsed: Vec<Dec> = constants.iter().filter_map(|c| parse_dec(c)).collect();
    let Some(max_scale) = parsed.iter().map(|d| d.scale).max() else {
        return out;
    };
    // one more digit than any constant, so that a point strictly between two
    // constants always exists
    let scale = max_scale + 1;
    let mut points: Vec<i128> = parsed.iter().filter_map(|d| rescale(*d, scale)).collect();
    points.sort_unstable();
    points.dedup();
    let step = 10i128.pow(scale - max_scale);
    let one = 10i128.pow(scale);
    let mut extra: Vec<i128> = Vec::new();
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        // one below all and one above all
        if let Some(v) = first.checked_sub(one) {
            extra.push(v);
        }
        if let Some(v) = last.checked_add(one) {
            extra.push(v);
        }
    }
    for pair in points.windows(2) {
        if let [a, b] = pair
            && let Some(gap) = b.checked_sub(*a)
        {
            // an integer between two integers when there is one, else the midpoint
            let mid = if max_scale == 0 && gap > step {
                a.checked_add(step)
            } else {
                a.checked_add(gap / 2)
            };
            if let Some(mid) = mid
                && mid > *a
                && mid < *b
            {
                extra.push(mid);
            }
        }
    }
    for v in extra {
        let text = format_dec(v, scale);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// Dates: each constant as written, one second below all and above all, a
/// point between each two neighbours.
pub(super) fn date_reps(constants: &[String]) -> Vec<String> {
    let mut out: Vec<String> = constants.to_vec();
    let mut points: Vec<Instant> = constants.iter().filter_map(|c| parse_date(c)).collect();
    points.sort_unstable();
    points.dedup();
    let mut extra = Vec::new();
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        extra.push(first - NANOS);
        extra.push(last + NANOS);
    }
    for pair in points.windows(2) {
        if let [a, b] = pair {
            let mid = if b - a > 2 * NANOS {
                a + NANOS
            } else {
                a + (b - a) / 2
            };
            if mid > *a && mid < *b {
                extra.push(mid);
            }
        }
    }
    for v in extra {
        let text = format_date(v);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// A constant as the `IpAddress` operators read it, host bits cleared.
fn net_of(text: &str) -> Option<IpNet> {
    parse_network(text).map(|n| n.trunc())
}

/// An address of `region` outside every net of `nets` that lies strictly
/// inside it; `None` when those nets cover the region.
fn free_address(region: IpNet, nets: &[IpNet]) -> Option<IpAddr> {
    let inner: Vec<IpNet> = nets
        .iter()
        .copied()
        .filter(|n| region.contains(n) && n.prefix_len() > region.prefix_len())
        .collect();
    if inner.is_empty() {
        return Some(pick_in(region));
    }
    if region.prefix_len() >= region.max_prefix_len() {
        return None;
    }
    let halves = region.subnets(region.prefix_len() + 1).ok()?;
    for half in halves {
        if inner.iter().any(|n| n.contains(&half)) {
            continue;
        }
        if let Some(a) = free_address(half, &inner) {
            return Some(a);
        }
    }
    None
}

/// A readable address of a net: the first host when the net has hosts.
fn pick_in(net: IpNet) -> IpAddr {
    let first = net.network();
    if net.max_prefix_len() - net.prefix_len() >= 2 {
        match first {
            IpAddr::V4(v4) => IpAddr::V4(std::net::Ipv4Addr::from(u32::from(v4).wrapping_add(1))),
            IpAddr::V6(v6) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6).wrapping_add(1))),
        }
    } else {
        first
    }
}

/// Addresses: one inside each range and outside every smaller range it
/// contains, and one outside all ranges (IPv4, and IPv6 when a range is v6).
pub(super) fn ip_reps(constants: &[String]) -> Vec<String> {
    if constants.is_empty() {
        return Vec::new();
    }
    let mut nets: Vec<IpNet> = constants.iter().filter_map(|c| net_of(c)).collect();
    nets.sort();
    nets.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut push = |a: IpAddr| {
        let s = a.to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for n in &nets {
        if let Some(a) = free_address(*n, &nets) {
            push(a);
        }
    }
    let v4_all = IpNet::V4(ipnet::Ipv4Net::default());
    let v6_all = IpNet::V6(ipnet::Ipv6Net::default());
    let outside = |all: IpNet| {
        if nets.contains(&all) {
            None
        } else {
            let mut with_all = nets.clone();
            with_all.push(all);
            free_address(all, &with_all)
        }
    };
    let mut extra = Vec::new();
    if let Some(a) = outside(v4_all) {
        extra.push(a);
    }
    if nets.iter().any(|n| matches!(n, IpNet::V6(_)))
        && let Some(a) = outside(v6_all)
    {
        extra.push(a);
    }
    for a in extra {
        push(a);
    }
    // constants that are not addresses are kept as written
    for c in constants {
        if net_of(c).is_none() && !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(numeric_reps(&s(&["5"])), s(&["5", "4", "6"]));
        assert_eq!(
            numeric_reps(&s(&["1", "2"])),
            s(&["1", "2", "0", "3", "1.5"])
        );
        assert_eq!(
            numeric_reps(&s(&["1.5", "10"])),
            s(&["1.5", "10", "0.5", "11", "5.75"])
        );
        assert_eq!(numeric_reps(&s(&["1e2"])), s(&["1e2", "99", "101"]));
        // as the evaluator reads numbers: ` 5` is none, so it gets no neighbours
        assert_eq!(numeric_reps(&s(&[" 5"])), s(&[" 5"]));
        // far apart or too large for exact arithmetic: no overflow, fewer points
        assert_eq!(numeric_reps(&s(&["-1e37", "1e37"])).len(), 4);
        assert_eq!(
            numeric_reps(&s(&["170141183460469231731687303715884105727"])).len(),
            1
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            date_reps(&s(&["2026-01-31T12:00:00Z"])),
            s(&[
                "2026-01-31T12:00:00Z",
                "2026-01-31T11:59:59Z",
                "2026-01-31T12:00:01Z"
            ])
        );
        // the diff reads dates as the evaluator does: its own copy once left
        // out `YYYY-MM` (so no neighbour was tried) and read `2026-02-30`,
        // which the evaluator reads as no date, as a day in March
        assert_eq!(
            date_reps(&s(&["2026-01"])),
            s(&["2026-01", "2025-12-31T23:59:59Z", "2026-01-01T00:00:01Z"])
        );
        assert_eq!(date_reps(&s(&["2026-02-30"])), s(&["2026-02-30"]));
        for rep in date_reps(&s(&["2026-01-01T00:00:00+01:00", "1577836800.5"])) {
            assert!(parse_date(&rep).is_some(), "{rep}");
        }
    }

    #[test]
    fn addresses() {
        assert_eq!(
            ip_reps(&s(&["192.0.2.0/24", "192.0.2.0/25"])),
            s(&["192.0.2.129", "192.0.2.1", "0.0.0.1"])
        );
        assert_eq!(ip_reps(&s(&["0.0.0.0/0"])), s(&["0.0.0.1"]));
        assert!(ip_reps(&[]).is_empty());
        assert_eq!(ip_reps(&s(&["10.0.0.1"])), s(&["10.0.0.1", "0.0.0.1"]));
        assert_eq!(
            ip_reps(&s(&["2001:db8::/32"])),
            s(&["2001:db8::1", "0.0.0.1", "::1"])
        );
    }
}
