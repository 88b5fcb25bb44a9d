//! SQL literals in each dialect, escaped so that no value can leave its
//! literal: whatever a string holds, the printed literal is one token.

use cjo_project::Dialect;

use crate::time::{Date, Instant};

/// A string literal.
///
/// - BigQuery reads `\` escapes and no doubled quotes: `'it\'s'`;
///   control characters are written as escapes.
/// - Redshift reads both `''` and `\` escapes: quotes are doubled and
///   backslashes escaped.
/// - Trino reads only `''`; other characters stand for themselves, and a
///   control character is written through a `U&'…'` Unicode escape.
pub fn string(s: &str, dialect: Dialect) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    match dialect {
        Dialect::BigQuery => return bigquery_quoted(s, '\''),
        Dialect::Redshift => {
            out.push('\'');
            for c in s.chars() {
                match c {
                    '\'' => out.push_str("''"),
                    '\\' => out.push_str("\\\\"),
                    c => out.push(c),
                }
            }
            out.push('\'');
        }
        Dialect::Trino if s.chars().any(|c| c.is_control() && c != '\n') => {
            out.push_str("U&'");
            for c in s.chars() {
                match c {
                    '\'' => out.push_str("''"),
                    '\\' => out.push_str("\\\\"),
                    c if c.is_control() => out.push_str(&format!("\\+{:06x}", u32::from(c))),
                    c => out.push(c),
                }
            }
            out.push('\'');
        }
        Dialect::Trino => {
            out.push('\'');
            for c in s.chars() {
                if c == '\'' {
                    out.push('\'');
                }
                out.push(c);
            }
            out.push('\'');
        }
    }
    out
}

/// `s` between `quote`s, with BigQuery's escapes: those of its string
/// literals, which its quoted names (between backticks) read too.
pub(crate) fn bigquery_quoted(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `DATE '2026-11-21'` (the same in every dialect).
pub fn date(d: Date, dialect: Dialect) -> String {
    date_text(&d.to_string(), dialect)
}

/// A date literal around `text`, written `2026-11-21` (or a template that
/// renders as one).
pub fn date_text(text: &str, _dialect: Dialect) -> String {
    format!("DATE '{text}'")
}

/// A timestamp literal of cjo's `timestamp` type (an instant) in UTC.
pub fn timestamp(t: Instant, dialect: Dialect) -> String {
    timestamp_text(&t.utc_text(), dialect)
}

/// A timestamp literal around `text`, a UTC time written
/// `2026-11-21 00:00:00` (or a template that renders as one).
pub fn timestamp_text(text: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::BigQuery => format!("TIMESTAMP '{text}+00'"),
        Dialect::Redshift => format!("CAST('{text}+00' AS TIMESTAMPTZ)"),
        Dialect::Trino => format!("TIMESTAMP '{text} UTC'"),
    }
}

/// An interval of `amount` of one unit (`DAY`, `SECOND` …, upper case).
pub fn interval(amount: i64, unit: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::BigQuery => format!("INTERVAL {amount} {unit}"),
        Dialect::Redshift => format!("INTERVAL '{amount} {}'", unit.to_ascii_lowercase()),
        Dialect::Trino => format!("INTERVAL '{amount}' {unit}"),
    }
}

/// `TRUE` / `FALSE`.
pub fn boolean(b: bool) -> &'static str {
    if b { "TRUE" } else { "FALSE" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_break_out() {
        let nasty = "it's \\ a\nb'; drop table x; --";
        assert_eq!(string(nasty, Dialect::BigQuery), r"'it\'s \\ a\nb\'; drop table x; --'");
        assert_eq!(string(nasty, Dialect::Redshift), "'it''s \\\\ a\nb''; drop table x; --'");
        assert_eq!(string(nasty, Dialect::Trino), "'it''s \\ a\nb''; drop table x; --'");
        assert_eq!(string("a\u{7}", Dialect::Trino), r"U&'a\+000007'");
        assert_eq!(string("tab\there", Dialect::BigQuery), r"'tab\there'");
    }

    #[test]
    fn temporal() {
        let t = Instant::parse("2026-11-21").unwrap();
        assert_eq!(timestamp(t, Dialect::Trino), "TIMESTAMP '2026-11-21 00:00:00 UTC'");
        assert_eq!(date(t.date(), Dialect::BigQuery), "DATE '2026-11-21'");
    }
}
