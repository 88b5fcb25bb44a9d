//! The few expressions a journey tick needs that each warehouse spells its
//! own way: timestamp arithmetic, the A/B bucket, weekdays and midnights
//! in a time zone, and the swap of a rebuilt table.

use cjo_project::Dialect;

use crate::literal;

/// `ts + seconds` (negative subtracts).
pub fn ts_add(ts: &str, seconds: i64, dialect: Dialect) -> String {
    let (amount, unit) = if seconds % 86_400 == 0 { (seconds / 86_400, "DAY") } else { (seconds, "SECOND") };
    match dialect {
        Dialect::BigQuery if amount < 0 => {
            format!("TIMESTAMP_SUB({ts}, {})", literal::interval(-amount, unit, dialect))
        }
        Dialect::BigQuery => format!("TIMESTAMP_ADD({ts}, {})", literal::interval(amount, unit, dialect)),
        _ if amount < 0 => format!("({ts} - {})", literal::interval(-amount, unit, dialect)),
        _ => format!("({ts} + {})", literal::interval(amount, unit, dialect)),
    }
}

/// The first 8 hex digits (lowercase) of the MD5 of `text`, a string
/// expression.
pub fn md5_hex8(text: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::BigQuery => format!("SUBSTR(TO_HEX(MD5({text})), 1, 8)"),
        Dialect::Redshift => format!("SUBSTRING(MD5({text}), 1, 8)"),
        Dialect::Trino => format!("LOWER(SUBSTR(TO_HEX(MD5(TO_UTF8({text}))), 1, 8))"),
    }
}

/// The bucket `0..10000` of `hex8` (a column holding [`md5_hex8`]): the
/// digits as an unsigned number, mod 10,000 — the same number on every
/// warehouse and in the simulator. Spelled out digit by digit, because
/// each warehouse converts hex its own way (`STRTOL`, `FROM_BASE`, a
/// `0x` cast) and no one way carries over to the others.
pub fn bucket(hex8: &str, dialect: Dialect) -> String {
    let digit = |i: usize| match dialect {
        Dialect::Redshift => format!("(STRPOS('0123456789abcdef', SUBSTRING({hex8}, {i}, 1)) - 1)"),
        _ => format!("(STRPOS('0123456789abcdef', SUBSTR({hex8}, {i}, 1)) - 1)"),
    };
    let terms: Vec<String> = (1..=8usize)
        .map(|i| {
            let weight = 1u64 << (4 * (8 - i));
            if weight == 1 { digit(i) } else { format!("{} * {weight}", digit(i)) }
        })
        .collect();
    format!("MOD({}, 10000)", terms.join(" + "))
}

/// `value` as text (an integer in decimal).
pub fn as_text(value: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::BigQuery => format!("CAST({value} AS STRING)"),
        Dialect::Redshift | Dialect::Trino => format!("CAST({value} AS VARCHAR)"),
    }
}

/// `a || b` for strings.
pub fn concat(a: &str, b: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::BigQuery => format!("CONCAT({a}, {b})"),
        Dialect::Redshift | Dialect::Trino => format!("{a} || {b}"),
    }
}

fn is_utc(tz: &str) -> bool {
    matches!(tz.to_ascii_uppercase().as_str(), "UTC" | "ETC/UTC" | "Z" | "GMT" | "ETC/GMT")
}

/// The timestamp (an instant) of midnight starting `date` in `tz`.
pub fn midnight(date: (i32, u8, u8), tz: &str, dialect: Dialect) -> String {
    let (y, m, d) = date;
    let local = format!("{y:04}-{m:02}-{d:02} 00:00:00");
    if is_utc(tz) {
        return match dialect {
            Dialect::BigQuery => format!("TIMESTAMP '{local}+00'"),
            Dialect::Redshift => format!("CAST('{local}+00' AS TIMESTAMPTZ)"),
            Dialect::Trino => format!("TIMESTAMP '{local} UTC'"),
        };
    }
    let zone = literal::string(tz, dialect);
    match dialect {
        Dialect::BigQuery => format!("TIMESTAMP('{local}', {zone})"),
        Dialect::Redshift => format!("CONVERT_TIMEZONE({zone}, 'UTC', CAST('{local}' AS TIMESTAMP))"),
        Dialect::Trino => format!("TIMESTAMP '{local} {}'", tz.replace('\'', "")),
    }
}

/// Whether the instant `ts`, read in `tz`, falls on one of `days` (ISO:
/// Monday 1 … Sunday 7).
pub fn weekday_in(ts: &str, tz: &str, days: &[u8], dialect: Dialect) -> String {
    let zone = literal::string(tz, dialect);
    let (expr, numbers): (String, Vec<u8>) = match dialect {
        // Days since Monday 2001-01-01, mod 7: ISO numbering. (BigQuery's
        // DAYOFWEEK counts from Sunday = 1, which transpilers carry over to
        // engines that count from Sunday = 0 without a word.)
        Dialect::BigQuery => {
            let date = if is_utc(tz) { format!("DATE({ts})") } else { format!("DATE({ts}, {zone})") };
            (format!("MOD(MOD(DATE_DIFF({date}, DATE '2001-01-01', DAY), 7) + 7, 7) + 1"), days.to_vec())
        }
        // DATE_PART(dow): Sunday 0 … Saturday 6.
        Dialect::Redshift => {
            let at = if is_utc(tz) {
                format!("DATE_PART(dow, {ts})")
            } else {
                format!("DATE_PART(dow, CONVERT_TIMEZONE('UTC', {zone}, {ts}))")
            };
            (at, days.iter().map(|d| d % 7).collect())
        }
        // day_of_week: ISO.
        Dialect::Trino => {
            let at = if is_utc(tz) {
                format!("DAY_OF_WEEK({ts})")
            } else {
                format!("DAY_OF_WEEK({ts} AT TIME ZONE {zone})")
            };
            (at, days.to_vec())
        }
    };
    let list: Vec<String> = numbers.iter().map(u8::to_string).collect();
    format!("{expr} IN ({})", list.join(", "))
}

/// The larger of two nullable timestamps, null only when both are.
pub fn latest(a: &str, b: &str) -> String {
    format!("CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL OR {a} >= {b} THEN {a} ELSE {b} END")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_numbering_per_dialect() {
        assert_eq!(
            weekday_in("t", "UTC", &[1, 7], Dialect::BigQuery),
            "MOD(MOD(DATE_DIFF(DATE(t), DATE '2001-01-01', DAY), 7) + 7, 7) + 1 IN (1, 7)"
        );
        assert_eq!(weekday_in("t", "UTC", &[1, 7], Dialect::Redshift), "DATE_PART(dow, t) IN (1, 0)");
        assert_eq!(weekday_in("t", "UTC", &[1, 7], Dialect::Trino), "DAY_OF_WEEK(t) IN (1, 7)");
    }

    #[test]
    fn timestamp_arithmetic() {
        assert_eq!(ts_add("t", -86_400, Dialect::BigQuery), "TIMESTAMP_SUB(t, INTERVAL 1 DAY)");
        assert_eq!(ts_add("t", 3_600, Dialect::Trino), "(t + INTERVAL '3600' SECOND)");
    }
}
