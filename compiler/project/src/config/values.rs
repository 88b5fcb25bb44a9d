//! Checks of single values: their allowed sets and shapes. Each reports what
//! is wrong at the value and returns `None` (or `false`) so the caller keeps
//! the default.

use cjo_diagnostics::{CONFIG_CATALOG_PATH, Diagnostic};
use toml::de::DeValue;

use super::JourneyDefaults;
use super::reader::{Reader, Value, one_of, range};
use crate::Dialect;

/// A string naming a dialect, or E0112.
pub(super) fn dialect(r: &mut Reader<'_>, key_path: &str, value: &Value<'_>) -> Option<Dialect> {
    let s = r.string(key_path, value)?;
    let d = Dialect::parse(&s);
    if d.is_none() {
        let names: Vec<&str> = Dialect::names().collect();
        r.invalid(
            value,
            format!("`{key_path}` must be one of {}, found `{s}`", one_of(&names)),
            "not a target cjoc compiles to",
            cjo_diagnostics::did_you_mean(&s, names.iter().copied()),
        );
    }
    d
}

pub(super) fn timezone(r: &mut Reader<'_>, value: &Value<'_>) -> Option<String> {
    let tz = r.string("project.timezone", value)?;
    if is_iana_like(&tz) {
        return Some(tz);
    }
    let fixed = capitalise_zone(&tz);
    let help = if is_iana_like(&fixed) {
        format!("did you mean `{fixed}`?")
    } else {
        "use a name from the IANA time zone database such as `Asia/Tokyo`, `Europe/London` or `UTC`; \
         abbreviations like `JST` and offsets like `+09:00` do not follow daylight saving time"
            .to_owned()
    };
    r.invalid(
        value,
        format!("`project.timezone` must be an IANA time zone name like `Area/City` or `UTC`, found `{tz}`"),
        "not an IANA time zone name",
        Some(help),
    );
    None
}

/// `UTC`, or capitalised `/`-separated segments such as `Asia/Tokyo`,
/// `America/Argentina/Buenos_Aires` or `Etc/GMT+9`. Whether the zone exists
/// is left to the warehouse: the database changes more often than we ship.
fn is_iana_like(tz: &str) -> bool {
    let segment_ok = |seg: &str| {
        seg.starts_with(|c: char| c.is_ascii_uppercase())
            && seg.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    tz == "UTC" || (tz.split('/').count() >= 2 && tz.split('/').all(segment_ok))
}

/// `asia/tokyo` → `Asia/Tokyo`, `utc` → `UTC`.
fn capitalise_zone(tz: &str) -> String {
    if tz.eq_ignore_ascii_case("utc") {
        return "UTC".to_owned();
    }
    let mut out = String::with_capacity(tz.len());
    let mut start = true;
    for c in tz.trim().chars() {
        out.push(if start { c.to_ascii_uppercase() } else { c });
        start = matches!(c, '/' | '_');
    }
    out
}

/// Checks that `s` is non-empty and made of `allowed` characters, else E0112
/// with a corrected name as help.
pub(super) fn check_identifier(
    r: &mut Reader<'_>,
    key_path: &str,
    value: &Value<'_>,
    s: &str,
    described: &str,
    allowed: fn(char) -> bool,
) -> bool {
    if !s.is_empty() && s.chars().all(allowed) {
        return true;
    }
    let fixed: String = s.trim().chars().map(|c| if allowed(c) { c } else { '_' }).collect();
    let help = (!fixed.is_empty()).then(|| format!("try `{fixed}`"));
    let message = if s.is_empty() {
        format!("`{key_path}` must not be empty")
    } else {
        format!("`{key_path}` may contain only {described}, found `{s}`")
    };
    r.invalid(value, message, "invalid name", help);
    false
}

/// Checks one pattern of `catalog.paths`, reporting E0114 when it is not a
/// glob pattern inside the project folder.
pub(super) fn catalog_path(r: &mut Reader<'_>, value: &Value<'_>, pattern: &str) -> bool {
    let problem = if pattern.trim().is_empty() {
        Some(("an empty path".to_owned(), "empty path".to_owned(), value.span()))
    } else if is_absolute(pattern) {
        Some((format!("`{pattern}` is an absolute path"), "absolute path".to_owned(), value.span()))
    } else if escapes_project(pattern) {
        Some((
            format!("`{pattern}` leads outside the project folder"),
            "`..` leaves the project".to_owned(),
            value.span(),
        ))
    } else {
        glob::Pattern::new(pattern).err().map(|e| {
            let at = char_span(r.raw(value), pattern, e.pos)
                .map_or(value.span(), |c| value.span().start + c.start..value.span().start + c.end);
            (format!("`{pattern}` is not a valid glob pattern: {}", e.msg), e.msg.to_owned(), at)
        })
    };
    let Some((message, label, at)) = problem else {
        return true;
    };
    r.push(
        Diagnostic::error(
            CONFIG_CATALOG_PATH,
            r.span(range(at)),
            format!("invalid entry in `catalog.paths`: {message}"),
        )
        .with_label(label)
        .with_help(
            "write patterns relative to the folder holding cjo.toml, using `*`, `**`, `?` and `[...]`, \
                 e.g. \"schemas/*.json\"; copy schemas from elsewhere into the project so builds are reproducible",
        ),
    );
    false
}

fn is_absolute(path: &str) -> bool {
    let mut chars = path.chars();
    let first = chars.next();
    let drive = first.is_some_and(|c| c.is_ascii_alphabetic()) && chars.next() == Some(':');
    matches!(first, Some('/' | '\\' | '~')) || drive
}

fn escapes_project(path: &str) -> bool {
    let mut depth: i64 = 0;
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => depth -= 1,
            _ => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// The byte range, within the raw string literal `raw` (quotes included), of
/// the `pos`-th character of its decoded `value`. `None` when the literal has
/// escapes, so that raw and decoded offsets differ.
fn char_span(raw: &str, value: &str, pos: usize) -> Option<std::ops::Range<usize>> {
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    if inner != value {
        return None;
    }
    let (offset, c) = value.char_indices().nth(pos)?;
    Some(1 + offset..1 + offset + c.len_utf8())
}

pub(super) fn max_stages(r: &mut Reader<'_>, value: &Value<'_>) -> Option<u32> {
    let limit = JourneyDefaults::MAX_STAGES_LIMIT;
    let Some(int) = value.get_ref().as_integer() else {
        r.wrong_type("journeys.max_stages", value, "an integer");
        return None;
    };
    // Too large for i64 is as out of range as 65.
    let n = i64::from_str_radix(int.as_str(), int.radix()).unwrap_or(i64::MAX);
    match u32::try_from(n) {
        Ok(n) if (1..=limit).contains(&n) => Some(n),
        _ => {
            r.invalid(
                value,
                format!("`journeys.max_stages` must be between 1 and {limit}, found {}", r.raw(value)),
                "out of range",
                Some("a journey with more stages is hard to follow; split it into several journeys".to_owned()),
            );
            None
        }
    }
}

/// `consistency_sample`: a string like `"50%"`. A bare number is an error
/// (E0112) rather than a unit guessed for it: `0.2` read as percent is a
/// fiftieth of the sample that whoever wrote it, thinking of a fraction,
/// meant, and nothing would ever say so. The help shows both readings.
pub(super) fn percentage(r: &mut Reader<'_>, value: &Value<'_>) -> Option<f64> {
    const KEY: &str = "journeys.consistency_sample";
    let text = match value.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => {
            let raw = r.raw(value).trim().to_owned();
            r.invalid(
                value,
                format!("`{KEY}` must be a percentage written with `%`, such as \"10%\", found the bare number {raw}"),
                "a number without a unit",
                Some(both_readings(&raw)),
            );
            return None;
        }
        DeValue::String(s) => s.trim().to_owned(),
        _ => {
            r.wrong_type(KEY, value, "a string like \"10%\"");
            return None;
        }
    };
    let Some(number) = text.strip_suffix('%') else {
        r.invalid(
            value,
            format!("`{KEY}` must be a percentage written with `%`, such as \"10%\", found `{text}`"),
            "missing `%`",
            Some(both_readings(&text)),
        );
        return None;
    };
    match number.trim().parse::<f64>().ok().filter(|p| p.is_finite()) {
        Some(p) if p > 0.0 && p <= 100.0 => Some(p),
        _ => {
            r.invalid(
                value,
                format!("`{KEY}` must be a percentage greater than 0% and at most 100%, found {}", r.raw(value)),
                "not a percentage between 0% and 100%",
                None,
            );
            None
        }
    }
}

/// The help for a percentage written without `%`: `number` as percent and,
/// when it is a fraction of one, as that fraction; a number that is
/// neither gets the allowed range instead.
fn both_readings(number: &str) -> String {
    let percent = format!("write `consistency_sample = \"{number}%\"` for {number} percent");
    match number.parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 1.0 => {
            // Rounded to what a person writes: 0.2 is 20%, not 20.000000000000004%.
            let scaled = format!("{:.6}", f * 100.0);
            let scaled = scaled.trim_end_matches('0').trim_end_matches('.');
            format!("{percent}, or `\"{scaled}%\"` if {number} is a fraction of the rows")
        }
        Ok(f) if f > 1.0 && f <= 100.0 => percent,
        _ => "write a percentage above 0% and at most 100% as a string, e.g. `consistency_sample = \"10%\"`".to_owned(),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn time_zone_shapes() {
        for ok in ["UTC", "Asia/Tokyo", "America/Argentina/Buenos_Aires", "Etc/GMT+9", "America/Port-au-Prince"] {
            assert!(is_iana_like(ok), "{ok}");
        }
        for bad in ["utc", "JST", "+09:00", "Asia/", "/Tokyo", "asia/tokyo", "Asia Tokyo", ""] {
            assert!(!is_iana_like(bad), "{bad}");
        }
        assert_eq!(capitalise_zone("america/new_york"), "America/New_York");
        assert_eq!(capitalise_zone("utc"), "UTC");
    }

    #[test]
    fn paths_outside_the_project() {
        for abs in ["/etc/schemas", "\\\\server\\share", "C:\\schemas", "c:/schemas", "~/schemas"] {
            assert!(is_absolute(abs), "{abs}");
        }
        assert!(!is_absolute("schemas/*.json"));
        assert!(escapes_project("../shared/*.json"));
        assert!(escapes_project("schemas/../../x"));
        assert!(!escapes_project("schemas/../other/*.json"));
        assert!(!escapes_project("./schemas/**/*.json"));
    }

    #[test]
    fn char_span_maps_only_plain_literals() {
        assert_eq!(char_span("\"ab[c\"", "ab[c", 2), Some(3..4));
        assert_eq!(char_span("'ab[c'", "ab[c", 2), Some(3..4));
        assert_eq!(char_span("\"a\\u0062[\"", "ab[", 2), None);
        assert_eq!(char_span("", "", 0), None);
    }
}
