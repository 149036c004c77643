//! Dates as the `Date*` operators read them, and back: instants in
//! nanoseconds, so that the checker (which refuses dates that do not
//! exist), the evaluator and the diff (which places values between the dates
//! a policy names) share one calendar.

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

/// Nanoseconds in a second.
pub(crate) const NANOS: i128 = 1_000_000_000;

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

/// The instant as `YYYY-MM-DDThh:mm:ss[.fraction]Z`, which [`parse_date`]
/// reads back to the same instant.
pub(crate) fn format_date(instant: Instant) -> String {
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

/// The proleptic Gregorian date of a count of days since 1970-01-01, the
/// inverse of [`days_from_civil`] (Howard Hinnant's `civil_from_days`).
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn formatted_dates_read_back() {
        assert_eq!(format_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_date(86_400 * NANOS + 1),
            "1970-01-02T00:00:00.000000001Z"
        );
        for text in [
            "2024-02-29T23:59:59Z",
            "1969-12-31T23:59:59.5Z",
            "2000-03-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
        ] {
            let instant = parse_date(text).unwrap();
            assert_eq!(format_date(instant), text);
        }
    }
}
