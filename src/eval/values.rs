//! Typed readings of condition values: numbers, dates, booleans, base64, IP
//! addresses. A text that does not read as the type yields `None`; the
//! condition code treats such a value as matching nothing.

use std::cmp::Ordering;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// An exact decimal number: `0.DIGITS x 10^exponent`, digits without leading
/// or trailing zeros (empty for zero). Comparing these never loses precision,
/// unlike `f64` for large integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    /// Reads `[+-]digits[.digits][(e|E)[+-]digits]` (at least one digit in
    /// the mantissa; surrounding whitespace is not allowed).
    pub(crate) fn parse(text: &str) -> Option<Decimal> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let negative = match bytes.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let mut int_digits = Vec::new();
        while let Some(&b) = bytes.get(i) {
            if b.is_ascii_digit() {
                int_digits.push(b - b'0');
                i += 1;
            } else {
                break;
            }
        }
        let mut frac_digits = Vec::new();
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            while let Some(&b) = bytes.get(i) {
                if b.is_ascii_digit() {
                    frac_digits.push(b - b'0');
                    i += 1;
                } else {
                    break;
                }
            }
        }
        if int_digits.is_empty() && frac_digits.is_empty() {
            return None;
        }
        let mut exp: i64 = 0;
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            let exp_negative = match bytes.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let start = i;
            while let Some(&b) = bytes.get(i) {
                if b.is_ascii_digit() {
                    exp = exp.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                    if exp > 1_000_000_000 {
                        return None;
                    }
                    i += 1;
                } else {
                    break;
                }
            }
            if i == start {
                return None;
            }
            if exp_negative {
                exp = -exp;
            }
        }
        if i != bytes.len() {
            return None;
        }
        let int_len = i64::try_from(int_digits.len()).ok()?;
        let mut digits = int_digits;
        digits.extend(frac_digits);
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        let leading_i64 = i64::try_from(leading).ok()?;
        digits.drain(..leading);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits,
                exponent: 0,
            });
        }
        Some(Decimal {
            negative,
            digits,
            exponent: int_len - leading_i64 + exp,
        })
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => self
                .exponent
                .cmp(&other.exponent)
                .then_with(|| self.digits.cmp(&other.digits)),
        }
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        match (self.negative, other.negative) {
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A point in time: nanoseconds since 1970-01-01T00:00:00Z.
pub(crate) type Instant = i128;

/// Reads a date as the `Date*` operators take it: epoch seconds (an optional
/// `-`, digits, an optional fraction) or the W3C profile of ISO 8601:
/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, optionally followed by
/// `Thh:mm[:ss[.fraction]]` and a zone `Z`, `+hh:mm`, `+hhmm` or `+hh`. A
/// time without zone is read as UTC. A string of digits alone is read as epoch
/// seconds (so `2020` is 2020 seconds after the epoch, not the year).
pub(crate) fn parse_date(text: &str) -> Option<Instant> {
    let t = text.trim();
    if is_epoch(t) {
        return parse_epoch(t);
    }
    parse_iso(t)
}

fn is_epoch(t: &str) -> bool {
    let body = t.strip_prefix('-').unwrap_or(t);
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && body.chars().next().is_some_and(|c| c.is_ascii_digit())
}

const NANOS: i128 = 1_000_000_000;

fn parse_epoch(t: &str) -> Option<Instant> {
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.len() > 20 {
        return None;
    }
    let seconds: i128 = int.parse().ok()?;
    let nanos = fraction_nanos(frac)?;
    let value = seconds.checked_mul(NANOS)?.checked_add(nanos)?;
    Some(if negative { -value } else { value })
}

/// `"5"` -> 500_000_000 ns; digits beyond nanoseconds are dropped.
fn fraction_nanos(frac: &str) -> Option<i128> {
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    let mut scale = NANOS / 10;
    for c in frac.chars().take(9) {
        nanos += i128::from(c.to_digit(10)?) * scale;
        scale /= 10;
    }
    Some(nanos)
}

fn number(t: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let s = t.get(range)?;
    if s.chars().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_iso(t: &str) -> Option<Instant> {
    if !t.is_ascii() {
        return None;
    }
    let year = number(t, 0..4)?;
    let mut rest = t.get(4..)?;
    let (mut month, mut day) = (1, 1);
    if let Some(r) = rest.strip_prefix('-') {
        month = number(r, 0..2)?;
        rest = r.get(2..)?;
        if let Some(r) = rest.strip_prefix('-') {
            day = number(r, 0..2)?;
            rest = r.get(2..)?;
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0i128);
    let mut offset_minutes = 0;
    if let Some(r) = rest.strip_prefix(['T', 't']) {
        hour = number(r, 0..2)?;
        let r = r.get(2..)?.strip_prefix(':')?;
        minute = number(r, 0..2)?;
        rest = r.get(2..)?;
        if let Some(r) = rest.strip_prefix(':') {
            second = number(r, 0..2)?;
            rest = r.get(2..)?;
            if let Some(r) = rest.strip_prefix(['.', ',']) {
                let len = r.chars().take_while(char::is_ascii_digit).count();
                if len == 0 {
                    return None;
                }
                nanos = fraction_nanos(r.get(..len)?)?;
                rest = r.get(len..)?;
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if let Some(r) = rest.strip_prefix(['Z', 'z']) {
            rest = r;
        } else if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
            let r = rest.get(1..)?;
            let oh = number(r, 0..2)?;
            let r = r.get(2..)?;
            let (om, r) = if let Some(r2) = r.strip_prefix(':') {
                (number(r2, 0..2)?, r2.get(2..)?)
            } else if r.len() >= 2 {
                (number(r, 0..2)?, r.get(2..)?)
            } else {
                (0, r)
            };
            if oh > 23 || om > 59 {
                return None;
            }
            offset_minutes = (oh * 60 + om) * if sign == '-' { -1 } else { 1 };
            rest = r;
        }
    }
    if !rest.is_empty() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(i128::from(seconds) * NANOS + nanos)
}

/// `true` / `false`, ignoring ASCII case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Standard base64 (`A-Z a-z 0-9 + /`, `=` padding optional).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = ((acc << 6) | u32::from(v)) & 0x00ff_ffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if bits >= 6 {
        // a single leftover symbol cannot encode a byte
        return None;
    }
    Some(out)
}

/// A CIDR block or a single address (`/32` or `/128`).
pub(crate) fn parse_network(text: &str) -> Option<IpNet> {
    let t = text.trim();
    if let Ok(net) = IpNet::from_str(t) {
        return Some(net);
    }
    IpAddr::from_str(t).ok().map(IpNet::from)
}

/// Whether the request address (or block) lies inside the policy block.
pub(crate) fn ip_in(request: &str, policy: &str) -> bool {
    let Some(block) = parse_network(policy) else {
        return false;
    };
    let t = request.trim();
    if let Ok(addr) = IpAddr::from_str(t) {
        return block.contains(&addr);
    }
    match IpNet::from_str(t) {
        Ok(net) => block.contains(&net),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("10"), d("1e1"));
        assert_eq!(d("0"), d("-0.000"));
        assert_eq!(d("0.5"), d(".5"));
        assert!(d("9007199254740993") > d("9007199254740992"));
        assert!(d("-1") < d("0"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("0.12") < d("0.123"));
        assert!(d("100") > d("99.999"));
        assert!(d("1.5E-3") < d("0.01"));
        for bad in ["", "-", "abc", "1.2.3", "1e", " 1", "0x10", "1e99999999999"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        let day = 86_400 * NANOS;
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1970-01-02T00:00:00Z"), Some(day));
        assert_eq!(parse_date("86400"), Some(day));
        assert_eq!(parse_date("2020-01-01T00:00:00Z"), parse_date("1577836800"));
        assert_eq!(
            parse_date("2020-01-01T01:00:00+01:00"),
            parse_date("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_date("2019-12-31T23:00:00-0100"),
            parse_date("2020-01-01")
        );
        assert_eq!(parse_date("2020-01-01T00:00Z"), parse_date("2020-01-01"));
        assert_eq!(parse_date("2020-01"), parse_date("2020-01-01"));
        assert_eq!(
            parse_date("2020-01-01T00:00:00.5Z"),
            parse_date("1577836800.5")
        );
        assert_eq!(parse_date("2024-02-29"), Some(19_782 * day));
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2020-13-01").is_none());
        assert!(parse_date("2020-01-01T24:00:00Z").is_none());
        assert!(parse_date("yesterday").is_none());
        assert!(parse_date("2020-01-01X").is_none());
        assert!(parse_date("").is_none());
        assert!(parse_date("1969-12-31T23:59:59Z") < Some(0));
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("QmluYXJ5").unwrap(), b"Binary");
        assert_eq!(decode_base64("QQ==").unwrap(), b"A");
        assert_eq!(decode_base64("QQ").unwrap(), b"A");
        assert!(decode_base64("Q").is_none());
        assert!(decode_base64("Q!==").is_none());
    }

    #[test]
    fn ip() {
        assert!(ip_in("203.0.113.7", "203.0.113.0/24"));
        assert!(!ip_in("203.0.114.7", "203.0.113.0/24"));
        assert!(ip_in("203.0.113.7", "203.0.113.7"));
        assert!(ip_in("203.0.113.7", "203.0.113.9/24"));
        assert!(ip_in("2001:db8::1", "2001:db8::/32"));
        assert!(!ip_in("2001:db9::1", "2001:db8::/32"));
        assert!(!ip_in("203.0.113.7", "2001:db8::/32"));
        assert!(ip_in("10.1.0.0/16", "10.0.0.0/8"));
        assert!(!ip_in("not-an-ip", "10.0.0.0/8"));
        assert!(!ip_in("10.0.0.1", "10.0.0.0/33"));
    }
}
