//! The standard library's scalar functions that make sense in criteria,
//! evaluated as `stdlib/lib/*.cjo` documents them. Any other function (a
//! project `fn`, whose meaning is only its SQL templates, or one too costly
//! to reproduce exactly, such as regular expressions) is an error that
//! names it.

use md5::{Digest, Md5};

use super::eval::{binary, cast, in_list};
use super::time::{self, MICROS_PER_DAY, MICROS_PER_SECOND};
use super::value::Value;
use cjo_semantic::Ty;
use cjo_syntax::ast::BinaryOp;

/// Calls `name` (case-insensitive) on evaluated arguments.
pub fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
    use Value as V;
    let lower = name.to_ascii_lowercase();
    let arity = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("`{name}` takes {n} argument{}, not {}", if n == 1 { "" } else { "s" }, args.len()))
        }
    };
    let arg = |i: usize| args.get(i).cloned().unwrap_or(V::Null);
    // Functions that look at nulls themselves.
    match lower.as_str() {
        "coalesce" => return Ok(args.into_iter().find(|v| !v.is_null()).unwrap_or(V::Null)),
        "ifnull" => {
            arity(2)?;
            return Ok(if arg(0).is_null() { arg(1) } else { arg(0) });
        }
        "nullif" => {
            arity(2)?;
            return Ok(if arg(0).sql_eq(&arg(1))? == Some(true) { V::Null } else { arg(0) });
        }
        "if" => {
            arity(3)?;
            return Ok(if arg(0).truth()? == Some(true) { arg(1) } else { arg(2) });
        }
        "array_contains" => {
            arity(2)?;
            return match arg(0) {
                V::Null => Ok(V::Null),
                V::Array(items) => Ok(V::from_truth(in_list(&arg(1), &items)?)),
                other => Err(format!("`array_contains` needs an array, not {}", other.kind())),
            };
        }
        _ => {}
    }
    // Every other function is null when an argument is null.
    if args.iter().any(Value::is_null) {
        return if known(&lower) { Ok(V::Null) } else { Err(unsupported(name)) };
    }
    let s = |i: usize| match args.get(i) {
        Some(V::Str(s)) => Ok(s.clone()),
        Some(other) => Err(format!("argument {} of `{name}` must be a string, not {}", i + 1, other.kind())),
        None => Err(format!("`{name}` is missing argument {}", i + 1)),
    };
    let int = |i: usize| match args.get(i) {
        Some(V::Int(n)) => Ok(*n),
        Some(other) => Err(format!("argument {} of `{name}` must be an int, not {}", i + 1, other.kind())),
        None => Err(format!("`{name}` is missing argument {}", i + 1)),
    };
    let num = |i: usize| {
        args.get(i).and_then(Value::as_f64).ok_or_else(|| format!("argument {} of `{name}` must be a number", i + 1))
    };
    let ts = |i: usize| match args.get(i) {
        Some(V::Timestamp(t)) => Ok(*t),
        Some(V::Date(d)) => Ok(time::midnight(*d)),
        Some(V::Str(s)) => time::parse_timestamp(s).ok_or_else(|| format!("`{s}` is not a timestamp")),
        _ => Err(format!("argument {} of `{name}` must be a timestamp", i + 1)),
    };
    let date = |i: usize| match args.get(i) {
        Some(V::Date(d)) => Ok(*d),
        Some(V::Timestamp(t)) => Ok(time::day_of(*t)),
        Some(V::Str(s)) => time::parse_date(s).ok_or_else(|| format!("`{s}` is not a date")),
        _ => Err(format!("argument {} of `{name}` must be a date", i + 1)),
    };
    let chars = |text: &str| text.chars().count();
    let to_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let days = |n: i64| -> Result<i32, String> { i32::try_from(n).map_err(|_| "a date out of range".to_string()) };
    Ok(match lower.as_str() {
        "lower" => V::Str(s(0)?.to_lowercase()),
        "upper" => V::Str(s(0)?.to_uppercase()),
        "length" => V::Int(to_i64(chars(&s(0)?))),
        "trim" => V::Str(s(0)?.trim_matches(' ').to_string()),
        "ltrim" => V::Str(s(0)?.trim_start_matches(' ').to_string()),
        "rtrim" => V::Str(s(0)?.trim_end_matches(' ').to_string()),
        "concat" => V::Str(args.iter().map(ToString::to_string).collect()),
        "substr" => {
            arity(3)?;
            let (text, start, len) = (s(0)?, int(1)?, int(2)?);
            let skip = usize::try_from(start.max(1) - 1).unwrap_or(usize::MAX);
            let take = usize::try_from(len.max(0)).unwrap_or(0);
            V::Str(text.chars().skip(skip).take(take).collect())
        }
        "replace" => {
            let from = s(1)?;
            if from.is_empty() { V::Str(s(0)?) } else { V::Str(s(0)?.replace(&from, &s(2)?)) }
        }
        "starts_with" => V::Bool(s(0)?.starts_with(&s(1)?)),
        "contains_substr" => V::Bool(s(0)?.contains(&s(1)?)),
        "strpos" => {
            let (text, sub) = (s(0)?, s(1)?);
            V::Int(text.find(&sub).map_or(0, |b| to_i64(chars(text.get(..b).unwrap_or("")) + 1)))
        }
        "split_part" => {
            let (text, delim, n) = (s(0)?, s(1)?, int(2)?);
            let part = usize::try_from(n - 1).ok().and_then(|i| text.split(delim.as_str()).nth(i));
            V::Str(part.unwrap_or("").to_string())
        }
        "abs" => match arg(0) {
            V::Int(i) => V::Int(i.checked_abs().ok_or("integer overflow")?),
            V::Float(f) => V::Float(f.abs()),
            other => return Err(format!("`abs` needs a number, not {}", other.kind())),
        },
        "round" => {
            let (x, d) = (num(0)?, int(1).unwrap_or(0));
            let scale = 10f64.powi(i32::try_from(d).unwrap_or(0));
            // Halves away from zero, as `f64::round` does.
            V::Float((x * scale).round() / scale)
        }
        "floor" => V::Float(num(0)?.floor()),
        "ceil" => V::Float(num(0)?.ceil()),
        "greatest" | "least" => {
            let mut best = arg(0);
            for v in args.iter().skip(1) {
                let ord = v.compare(&best)?;
                let better = match lower.as_str() {
                    "greatest" => ord == Some(std::cmp::Ordering::Greater),
                    _ => ord == Some(std::cmp::Ordering::Less),
                };
                if better {
                    best = v.clone();
                }
            }
            best
        }
        "safe_divide" => {
            let b = num(1)?;
            if b == 0.0 { V::Null } else { V::Float(num(0)? / b) }
        }
        "mod" => binary(BinaryOp::Mod, &arg(0), &arg(1))?,
        "power" => V::Float(num(0)?.powf(num(1)?)),
        "sqrt" => {
            let x = num(0)?;
            if x < 0.0 {
                return Err(format!("`sqrt` of a negative number ({x})"));
            }
            V::Float(x.sqrt())
        }
        "add_days" | "sub_days" | "add_hours" | "sub_hours" | "add_minutes" | "sub_minutes" => {
            let unit = match lower.get(4..) {
                Some("days") => MICROS_PER_DAY,
                Some("hours") => 3600 * MICROS_PER_SECOND,
                _ => 60 * MICROS_PER_SECOND,
            };
            let sign = if lower.starts_with("sub") { -1 } else { 1 };
            let by = int(1)?.checked_mul(unit * sign).ok_or("integer overflow")?;
            V::Timestamp(ts(0)?.checked_add(by).ok_or("a timestamp out of range")?)
        }
        "date_add_days" => V::Date(days(i64::from(date(0)?) + int(1)?)?),
        "date_sub_days" => V::Date(days(i64::from(date(0)?) - int(1)?)?),
        "date_diff_days" => V::Int(i64::from(date(0)?) - i64::from(date(1)?)),
        "hours_between" => V::Int((ts(1)? - ts(0)?) / (3600 * MICROS_PER_SECOND)),
        "minutes_between" => V::Int((ts(1)? - ts(0)?) / (60 * MICROS_PER_SECOND)),
        "seconds_between" => V::Int((ts(1)? - ts(0)?) / MICROS_PER_SECOND),
        "date_trunc" => {
            let unit = s(0)?;
            V::Timestamp(trunc(&unit, ts(1)?).ok_or_else(|| format!("`date_trunc` does not know the unit '{unit}'"))?)
        }
        "trunc_hour" => V::Timestamp(trunc("hour", ts(0)?).unwrap_or_default()),
        "trunc_day" => V::Timestamp(trunc("day", ts(0)?).unwrap_or_default()),
        "trunc_week" => V::Timestamp(trunc("week", ts(0)?).unwrap_or_default()),
        "trunc_month" => V::Timestamp(trunc("month", ts(0)?).unwrap_or_default()),
        "date_trunc_week" => V::Date(time::day_of(trunc("week", time::midnight(date(0)?)).unwrap_or_default())),
        "date_trunc_month" => V::Date(time::day_of(trunc("month", time::midnight(date(0)?)).unwrap_or_default())),
        "to_date" => V::Date(date(0)?),
        "format_date" | "iso_date" => V::Str(time::format_date(date(0)?)),
        "year" => V::Int(i64::from(time::civil_from_days(date(0)?).0)),
        "month" => V::Int(i64::from(time::civil_from_days(date(0)?).1)),
        "day" => V::Int(i64::from(time::civil_from_days(date(0)?).2)),
        "hour" => V::Int(ts(0)?.rem_euclid(MICROS_PER_DAY) / (3600 * MICROS_PER_SECOND)),
        "day_of_week" => V::Int(i64::from(time::weekday_of_day(date(0)?))),
        "md5_hex" => V::Str(md5_hex(&s(0)?)),
        "ab_bucket" => V::Int(i64::from(ab_bucket(&s(0)?, &s(1)?))),
        "safe_cast_int" => cast(V::Str(s(0)?), &Ty::Int).unwrap_or(V::Null),
        "safe_cast_float" => cast(V::Str(s(0)?), &Ty::Float).unwrap_or(V::Null),
        "safe_cast_date" => cast(V::Str(s(0)?), &Ty::Date).unwrap_or(V::Null),
        "array_length" => match arg(0) {
            V::Array(items) => V::Int(to_i64(items.len())),
            other => return Err(format!("`array_length` needs an array, not {}", other.kind())),
        },
        _ => return Err(unsupported(name)),
    })
}

const KNOWN: &[&str] = &[
    "lower",
    "upper",
    "length",
    "trim",
    "ltrim",
    "rtrim",
    "concat",
    "substr",
    "replace",
    "starts_with",
    "contains_substr",
    "strpos",
    "split_part",
    "abs",
    "round",
    "floor",
    "ceil",
    "greatest",
    "least",
    "safe_divide",
    "mod",
    "power",
    "sqrt",
    "add_days",
    "sub_days",
    "add_hours",
    "sub_hours",
    "add_minutes",
    "sub_minutes",
    "date_add_days",
    "date_sub_days",
    "date_diff_days",
    "hours_between",
    "minutes_between",
    "seconds_between",
    "date_trunc",
    "trunc_hour",
    "trunc_day",
    "trunc_week",
    "trunc_month",
    "date_trunc_week",
    "date_trunc_month",
    "to_date",
    "format_date",
    "iso_date",
    "year",
    "month",
    "day",
    "hour",
    "day_of_week",
    "md5_hex",
    "ab_bucket",
    "safe_cast_int",
    "safe_cast_float",
    "safe_cast_date",
    "array_length",
];

fn known(name: &str) -> bool {
    KNOWN.contains(&name)
}

fn unsupported(name: &str) -> String {
    format!(
        "`cjoc simulate` cannot evaluate the function `{name}` (it runs the standard library's common scalar functions only; a project `fn` is known by its SQL templates alone)"
    )
}

/// The start of `t`'s hour, day, ISO week, month or year (UTC).
fn trunc(unit: &str, t: i64) -> Option<i64> {
    let day = time::day_of(t);
    Some(match unit {
        "hour" => t - t.rem_euclid(3600 * MICROS_PER_SECOND),
        "day" => time::midnight(day),
        "week" => time::midnight(day - i32::from(time::weekday_of_day(day)) + 1),
        "month" | "year" => {
            let (y, m, _) = time::civil_from_days(day);
            time::midnight(time::days_from_civil(y, if unit == "year" { 1 } else { m }, 1)?)
        }
        _ => return None,
    })
}

/// The MD5 digest of `s` as 32 lower-case hex digits.
pub fn md5_hex(s: &str) -> String {
    let digest = Md5::digest(s.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `int(first 8 hex digits of md5("<salt>:<key>"), 16) mod 10000`: the A/B
/// bucket of JOURNEYS.md and of the stdlib's `ab_bucket`.
pub fn ab_bucket(salt: &str, key: &str) -> u32 {
    let digest = Md5::digest(format!("{salt}:{key}").as_bytes());
    let first = digest.iter().take(4).fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
    first % 10_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_digests() {
        // python3 -c "import hashlib; print(hashlib.md5(b'abc').hexdigest())"
        assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
        // int('90015098', 16) % 10000 for md5("x:y")? computed below instead.
        let h = md5_hex("x:y");
        let expect = u32::from_str_radix(&h[..8], 16).unwrap() % 10_000;
        assert_eq!(ab_bucket("x", "y"), expect);
    }

    #[test]
    fn nulls_and_unknown_functions() {
        assert_eq!(call("lower", vec![Value::Null]), Ok(Value::Null));
        assert_eq!(call("COALESCE", vec![Value::Null, Value::Int(2)]), Ok(Value::Int(2)));
        assert_eq!(call("upper", vec![Value::Str("ab".into())]), Ok(Value::Str("AB".into())));
        let e = call("regexp_contains", vec![Value::Str("a".into()), Value::Str("a".into())]).unwrap_err();
        assert!(e.contains("`regexp_contains`"), "{e}");
        let e = call("my_fn", vec![Value::Null]).unwrap_err();
        assert!(e.contains("`my_fn`"), "{e}");
    }

    #[test]
    fn dates() {
        let t = time::parse_timestamp("2026-01-08 13:45:00").unwrap(); // a Thursday
        let week = call("date_trunc", vec![Value::Str("week".into()), Value::Timestamp(t)]).unwrap();
        assert_eq!(week, Value::Timestamp(time::parse_timestamp("2026-01-05").unwrap()));
        assert_eq!(call("day_of_week", vec![Value::Timestamp(t)]), Ok(Value::Int(4)));
        assert_eq!(call("hour", vec![Value::Timestamp(t)]), Ok(Value::Int(13)));
    }
}
