//! Typed readings of condition values: numbers, booleans, base64, IP
//! addresses (dates: [`super::date`]). A text that does not read as the type
//! yields `None`; the condition code treats such a value as matching nothing.

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

    /// The number as `mantissa / 10^scale`, with the smallest scale that
    /// holds it exactly; `None` when that does not fit an `i128` and a `u32`.
    pub(crate) fn fixed_point(&self) -> Option<(i128, u32)> {
        let mut mantissa: i128 = 0;
        for &d in &self.digits {
            mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(d))?;
        }
        let len = i64::try_from(self.digits.len()).ok()?;
        // value = 0.DIGITS x 10^exponent = DIGITS x 10^(exponent - len)
        let shift = self.exponent.checked_sub(len)?;
        let scale = if shift >= 0 {
            let factor = 10i128.checked_pow(u32::try_from(shift).ok()?)?;
            mantissa = mantissa.checked_mul(factor)?;
            0
        } else {
            u32::try_from(shift.checked_neg()?).ok()?
        };
        Some((if self.negative { -mantissa } else { mantissa }, scale))
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
    fn decimals_as_fixed_point() {
        let fixed = |s: &str| d(s).fixed_point();
        assert_eq!(fixed("10"), Some((10, 0)));
        assert_eq!(fixed("1.50"), Some((15, 1)));
        assert_eq!(fixed("-0.05"), Some((-5, 2)));
        assert_eq!(fixed("1e2"), Some((100, 0)));
        assert_eq!(fixed("1.5E-3"), Some((15, 4)));
        assert_eq!(fixed("0"), Some((0, 0)));
        assert_eq!(fixed("1e38"), Some((10i128.pow(38), 0)));
        assert_eq!(fixed("1e39"), None);
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
