//! Representative values: for each kind of constant a policy compares a key
//! with, values that land in every region the constants cut the value space
//! into (each constant, between two constants, below and above all of them,
//! inside each CIDR range and outside all of them, …).

use ipnet::IpNet;
use std::net::IpAddr;

/// An exact decimal: `mantissa / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dec {
    mantissa: i128,
    scale: u32,
}

const MAX_SCALE: u32 = 18;

fn parse_dec(text: &str) -> Option<Dec> {
    let t = text.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mant_text, exp) = match body.find(['e', 'E']) {
        Some(i) => {
            let exp: i32 = body.get(i + 1..)?.parse().ok()?;
            (body.get(..i)?, exp)
        }
        None => (body, 0),
    };
    let (int, frac) = mant_text.split_once('.').unwrap_or((mant_text, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut mantissa: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(i128::from(b - b'0'))?;
    }
    let mut scale = i64::try_from(frac.len()).ok()? - i64::from(exp);
    while scale < 0 {
        mantissa = mantissa.checked_mul(10)?;
        scale += 1;
    }
    let scale = u32::try_from(scale).ok()?;
    if scale > MAX_SCALE {
        return None;
    }
    Some(Dec {
        mantissa: if negative { -mantissa } else { mantissa },
        scale,
    })
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

/// Nanoseconds since the epoch.
type Instant = i128;
const NANOS: i128 = 1_000_000_000;

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn num(t: &str, r: std::ops::Range<usize>) -> Option<i64> {
    let s = t.get(r)?;
    if s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn frac_nanos(frac: &str) -> Option<i128> {
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos = 0i128;
    let mut scale = NANOS / 10;
    for b in frac.bytes().take(9) {
        nanos += i128::from(b - b'0') * scale;
        scale /= 10;
    }
    Some(nanos)
}

/// Epoch seconds, or `YYYY-MM-DD[Thh:mm[:ss[.f]][Z|±hh[:mm]]]`.
fn parse_date(text: &str) -> Option<Instant> {
    let t = text.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.len() > 20 {
            return None;
        }
        let seconds: i128 = int.parse().ok()?;
        let v = seconds.checked_mul(NANOS)?.checked_add(frac_nanos(frac)?)?;
        return Some(if t.starts_with('-') { -v } else { v });
    }
    if !t.is_ascii() || t.len() < 10 || t.get(4..5) != Some("-") || t.get(7..8) != Some("-") {
        return None;
    }
    let (year, month, day) = (num(t, 0..4)?, num(t, 5..7)?, num(t, 8..10)?);
    let mut seconds = i128::from(days_from_civil(year, month, day)) * 86_400;
    let mut nanos = 0i128;
    let mut rest = t.get(10..)?;
    if let Some(r) = rest.strip_prefix('T') {
        let (h, m) = (num(r, 0..2)?, num(r, 3..5)?);
        if r.get(2..3) != Some(":") {
            return None;
        }
        seconds += i128::from(h * 3600 + m * 60);
        rest = r.get(5..)?;
        if let Some(r) = rest.strip_prefix(':') {
            seconds += i128::from(num(r, 0..2)?);
            rest = r.get(2..)?;
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
                nanos = frac_nanos(r.get(..end)?)?;
                rest = r.get(end..)?;
            }
        }
        if rest == "Z" || rest.is_empty() {
            rest = "";
        } else {
            let sign: i128 = match rest.get(..1) {
                Some("+") => 1,
                Some("-") => -1,
                _ => return None,
            };
            let zone = rest.get(1..)?.replace(':', "");
            let zh = num(&zone, 0..2)?;
            let zm = if zone.len() > 2 { num(&zone, 2..4)? } else { 0 };
            seconds -= sign * i128::from(zh * 3600 + zm * 60);
            rest = "";
        }
    }
    if !rest.is_empty() {
        return None;
    }
    seconds.checked_mul(NANOS)?.checked_add(nanos)
}

fn format_date(instant: Instant) -> String {
    let seconds = instant.div_euclid(NANOS);
    let nanos = instant.rem_euclid(NANOS);
    let days = i64::try_from(seconds.div_euclid(86_400)).unwrap_or(0);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{frac}Z")
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

fn net_of(text: &str) -> Option<IpNet> {
    if let Ok(n) = text.trim().parse::<IpNet>() {
        return Some(n.trunc());
    }
    text.trim().parse::<IpAddr>().ok().map(IpNet::from)
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
        // far apart or too large for exact arithmetic: no overflow, fewer points
        assert_eq!(numeric_reps(&s(&["-1e37", "1e37"])).len(), 4);
        assert_eq!(
            numeric_reps(&s(&["170141183460469231731687303715884105727"])).len(),
            1
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400 * NANOS));
        assert_eq!(parse_date("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(
            format_date(86_400 * NANOS + 1),
            "1970-01-02T00:00:00.000000001Z"
        );
        assert_eq!(
            date_reps(&s(&["2026-01-31T12:00:00Z"])),
            s(&[
                "2026-01-31T12:00:00Z",
                "2026-01-31T11:59:59Z",
                "2026-01-31T12:00:01Z"
            ])
        );
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
