//! UTC instants and civil dates, enough for run intervals: no time zones
//! (a run interval is an interval of instants) and no leap seconds.

use std::fmt;

/// Seconds since 1970-01-01 00:00:00 UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

impl Instant {
    /// Midnight UTC of a civil date.
    pub fn from_date(year: i64, month: u32, day: u32) -> Instant {
        Instant(days_from_civil(year, month, day).saturating_mul(86_400))
    }

    /// Parses `2026-11-21`, `2026-11-21 09:30[:15]`, `2026-11-21T09:30:15Z`
    /// or with a `+09:00` offset. `None` for anything else.
    pub fn parse(text: &str) -> Option<Instant> {
        let text = text.trim();
        let (date, rest) = match text.find([' ', 'T']) {
            Some(i) => (text.get(..i)?, text.get(i + 1..)?),
            None => (text, ""),
        };
        let mut parts = date.splitn(3, '-');
        let year: i64 = digits(parts.next()?, 4)?;
        let month: u32 = u32::try_from(digits(parts.next()?, 2)?).ok()?;
        let day: u32 = u32::try_from(digits(parts.next()?, 2)?).ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let mut seconds = Instant::from_date(year, month, day).0;
        if !rest.is_empty() {
            let (time, offset) = split_offset(rest)?;
            let mut fields = time.splitn(3, ':');
            let h = digits(fields.next()?, 2)?;
            let m = digits(fields.next()?, 2)?;
            let s = match fields.next() {
                Some(s) => digits(s.split('.').next()?, 2)?,
                None => 0,
            };
            if h > 23 || m > 59 || s > 59 {
                return None;
            }
            seconds += h * 3600 + m * 60 + s - offset;
        }
        Some(Instant(seconds))
    }

    pub fn plus_seconds(self, s: i64) -> Instant {
        Instant(self.0.saturating_add(s))
    }

    /// The civil date (UTC) of this instant.
    pub fn date(self) -> Date {
        let (y, m, d) = civil_from_days(self.0.div_euclid(86_400));
        Date { year: y, month: m, day: d }
    }

    /// `2026-11-21 00:00:00`, in UTC.
    pub fn utc_text(self) -> String {
        let secs = self.0.rem_euclid(86_400);
        format!("{} {:02}:{:02}:{:02}", self.date(), secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// `2026-11-21T00:00:00Z`.
    pub fn rfc3339(self) -> String {
        self.utc_text().replacen(' ', "T", 1) + "Z"
    }
}

/// A civil date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn digits(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `09:30:00+09:00` → (`09:30:00`, offset in seconds east of UTC).
fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(t) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix(" UTC")) {
        return Some((t, 0));
    }
    match rest.rfind(['+', '-']) {
        Some(i) => {
            let (time, offset) = (rest.get(..i)?, rest.get(i..)?);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (h, m) = offset.get(1..)?.split_once(':').unwrap_or((offset.get(1..)?, "00"));
            Some((time, sign * (digits(h, 2)? * 3600 + digits(m, 2)? * 60)))
        }
        None => Some((rest, 0)),
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms (public domain): days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in ["1970-01-01", "2000-02-29", "2026-11-21", "2100-12-31", "1969-12-31"] {
            let i = Instant::parse(text).unwrap();
            assert_eq!(i.date().to_string(), text);
        }
        assert_eq!(Instant::parse("1970-01-02").unwrap().0, 86_400);
    }

    #[test]
    fn times_and_offsets() {
        assert_eq!(Instant::parse("2026-11-21 09:30").unwrap().utc_text(), "2026-11-21 09:30:00");
        assert_eq!(Instant::parse("2026-11-21T09:30:15+09:00").unwrap().utc_text(), "2026-11-21 00:30:15");
        assert_eq!(Instant::parse("2026-11-21T23:00:00-02:00").unwrap().rfc3339(), "2026-11-22T01:00:00Z");
        assert_eq!(Instant::parse("2026-11-21 00:00:00Z").unwrap().utc_text(), "2026-11-21 00:00:00");
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for text in ["", "2026-13-01", "2026-02-30", "26-01-01", "2026-01-01 25:00", "tomorrow", "2026-01-01; drop"] {
            assert_eq!(Instant::parse(text), None, "{text}");
        }
    }
}
