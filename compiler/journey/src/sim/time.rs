//! Instants and days as plain integers: microseconds and days since
//! 1970-01-01 UTC. Parsing and printing here; the time zone questions
//! (midnight of a date, the weekday of an instant) go through `jiff` and
//! its bundled tz database, so that results do not depend on the machine.

/// Microseconds since 1970-01-01 00:00:00 UTC.
pub type Micros = i64;

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// Days since 1970-01-01 of a calendar date, or `None` when it is not one.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> Option<i32> {
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || !(1..=9999).contains(&year) {
        return None;
    }
    // Howard Hinnant's `days_from_civil`.
    let y = i64::from(if month <= 2 { year - 1 } else { year });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// The calendar date of a day number.
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (i32::try_from(y).unwrap_or(0), u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The UTC day of an instant.
pub fn day_of(t: Micros) -> i32 {
    i32::try_from(t.div_euclid(MICROS_PER_DAY)).unwrap_or(i32::MAX)
}

/// Midnight UTC of a day.
pub fn midnight(day: i32) -> Micros {
    i64::from(day) * MICROS_PER_DAY
}

/// ISO weekday (Monday 1 … Sunday 7) of a UTC day.
pub fn weekday_of_day(day: i32) -> u8 {
    // 1970-01-01 was a Thursday (4).
    u8::try_from((i64::from(day) + 3).rem_euclid(7) + 1).unwrap_or(1)
}

/// `YYYY-MM-DD`.
pub fn format_date(day: i32) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM:SS`, with `.ffffff` only when there is a fraction.
pub fn format_timestamp(t: Micros) -> String {
    let micros = t.rem_euclid(MICROS_PER_SECOND);
    let base = format_seconds(t);
    if micros == 0 { base } else { format!("{base}.{micros:06}") }
}

/// `YYYY-MM-DD HH:MM:SS`, the fraction dropped (state tables hold tick
/// times, which are whole seconds).
pub fn format_seconds(t: Micros) -> String {
    let secs = t.div_euclid(MICROS_PER_SECOND);
    let day = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let day = i32::try_from(day).unwrap_or(0);
    format!("{} {:02}:{:02}:{:02}", format_date(day), sod / 3600, sod % 3600 / 60, sod % 60)
}

/// `YYYY-MM-DD HH:MM` (the seconds dropped), for people.
pub fn format_minutes(t: Micros) -> String {
    let mut s = format_seconds(t);
    s.truncate(16);
    s
}

/// `YYYY-MM-DD`, or `None`.
pub fn parse_date(text: &str) -> Option<i32> {
    let text = text.trim();
    let mut parts = text.splitn(3, '-');
    let y = parts.next()?;
    let m = parts.next()?;
    let d = parts.next()?;
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y) || !digits(m) || !digits(d) {
        return None;
    }
    days_from_civil(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|±hh:mm]`, read as UTC when no
/// offset is written; a bare date is its midnight.
pub fn parse_timestamp(text: &str) -> Option<Micros> {
    let text = text.trim();
    let date = text.get(..10)?;
    let day = parse_date(date)?;
    let rest = text.get(10..)?;
    if rest.is_empty() {
        return Some(midnight(day));
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // The offset: a trailing `Z`, or `+hh:mm` / `-hh:mm` / `+hhmm` / `+hh`.
    let (clock, offset_secs) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(pos) = rest.rfind(['+', '-']) {
        let (c, off) = rest.split_at(pos);
        (c.trim_end(), parse_offset(off)?)
    } else {
        (rest, 0)
    };
    let clock = clock.trim_end_matches(" UTC");
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (clock, None),
    };
    let mut parts = hms.split(':');
    let num = |s: Option<&str>, max: i64| -> Option<i64> {
        let s = s?;
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i64 = s.parse().ok()?;
        (n <= max).then_some(n)
    };
    let h = num(parts.next(), 23)?;
    let mi = num(parts.next(), 59)?;
    let s = match parts.next() {
        Some(p) => num(Some(p), 59)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let micros = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            let six: String = format!("{f:0<6}").chars().take(6).collect();
            six.parse::<i64>().ok()?
        }
        Some(_) => return None,
    };
    let secs = (h * 3600 + mi * 60 + s) - offset_secs;
    Some(midnight(day) + secs * MICROS_PER_SECOND + micros)
}

fn parse_offset(text: &str) -> Option<i64> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, text.get(1..)?),
        b'-' => (-1, text.get(1..)?),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i64>().ok()?, 0),
        4 => (digits.get(..2)?.parse::<i64>().ok()?, digits.get(2..)?.parse::<i64>().ok()?),
        _ => return None,
    };
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// A length of time as people say it: `2 days`, `1 hour`, `90 minutes`.
pub fn human_duration(seconds: u64) -> String {
    let (n, unit) = if seconds != 0 && seconds % 604_800 == 0 && seconds / 604_800 < 5 {
        (seconds / 604_800, "week")
    } else if seconds != 0 && seconds % 86_400 == 0 {
        (seconds / 86_400, "day")
    } else if seconds != 0 && seconds % 3600 == 0 {
        (seconds / 3600, "hour")
    } else if seconds != 0 && seconds % 60 == 0 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A journey's time zone, from the bundled tz database.
#[derive(Clone, Debug)]
pub struct Zone(jiff::tz::TimeZone);

impl Zone {
    pub fn get(name: &str) -> Option<Zone> {
        jiff::tz::TimeZone::get(name).ok().map(Zone)
    }

    /// The first instant of the day in this zone (after a gap when a
    /// daylight-saving change skips midnight).
    pub fn midnight(&self, year: i32, month: u8, day: u8) -> Option<Micros> {
        let y = i16::try_from(year).ok()?;
        let m = i8::try_from(month).ok()?;
        let d = i8::try_from(day).ok()?;
        let date = jiff::civil::Date::new(y, m, d).ok()?;
        let zoned = date.to_zoned(self.0.clone()).ok()?;
        Some(zoned.timestamp().as_microsecond())
    }

    /// The ISO weekday (Monday 1 … Sunday 7) of an instant in this zone.
    pub fn weekday(&self, t: Micros) -> Option<u8> {
        let ts = jiff::Timestamp::from_microsecond(t).ok()?;
        let w = ts.to_zoned(self.0.clone()).weekday().to_monday_one_offset();
        u8::try_from(w).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2026, 1, 1), Some(20_454));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(days_from_civil(2026, 2, 29), None);
        assert_eq!(days_from_civil(2024, 2, 29).map(civil_from_days), Some((2024, 2, 29)));
        assert_eq!(weekday_of_day(20_454), 4); // 2026-01-01 is a Thursday
    }

    #[test]
    fn timestamps() {
        let t = parse_timestamp("2026-01-02 03:04:05").unwrap();
        assert_eq!(format_seconds(t), "2026-01-02 03:04:05");
        assert_eq!(parse_timestamp("2026-01-02T03:04:05Z"), Some(t));
        assert_eq!(parse_timestamp("2026-01-02T12:04:05+09:00"), Some(t));
        assert_eq!(parse_timestamp("2026-01-01 22:04:05-05:00"), Some(t));
        assert_eq!(
            parse_timestamp("2026-01-02 03:04:05.5").map(format_timestamp).as_deref(),
            Some("2026-01-02 03:04:05.500000")
        );
        assert_eq!(parse_timestamp("2026-01-02").map(format_seconds).as_deref(), Some("2026-01-02 00:00:00"));
        assert_eq!(parse_timestamp("2026-01-02 25:00:00"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn zones() {
        let tokyo = Zone::get("Asia/Tokyo").unwrap();
        let m = tokyo.midnight(2026, 12, 24).unwrap();
        assert_eq!(format_seconds(m), "2026-12-23 15:00:00");
        // 2026-01-04 20:00 UTC is Monday 05:00 in Tokyo, still Sunday in UTC.
        let t = parse_timestamp("2026-01-04 20:00:00").unwrap();
        assert_eq!(tokyo.weekday(t), Some(1));
        assert_eq!(Zone::get("UTC").unwrap().weekday(t), Some(7));
        assert!(Zone::get("Mars/Olympus").is_none());
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(human_duration(172_800), "2 days");
        assert_eq!(human_duration(3600), "1 hour");
        assert_eq!(human_duration(1800), "30 minutes");
        assert_eq!(human_duration(604_800), "1 week");
    }
}
