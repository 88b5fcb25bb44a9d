//! Checking one setting value against its [`Shape`].

use cjo_diagnostics::{self as diag, Diagnostic};

use super::schema::{self, Shape};
use super::{Cx, DIALECTS, cron};
use crate::ast::{Value, ValueKind};

/// Checks `value` (of setting `key`); reports and returns false when it
/// does not have the expected shape.
pub fn check(cx: &mut Cx, key: &str, shape: Shape, description: &str, value: &Value) -> bool {
    if matches!(value.kind, ValueKind::Error) {
        return false; // Already reported by the parser.
    }
    match shape_error(cx, shape, value) {
        None => true,
        Some(Problem::Reported) => false,
        Some(Problem::Shape(detail)) => {
            let message = match detail {
                Some(d) => format!("invalid value for `{key}`: {d}"),
                None => format!("invalid value for `{key}`"),
            };
            cx.push(
                Diagnostic::error(diag::INVALID_SETTING_VALUE, cx.span(value.range), message)
                    .with_help(format!("`{key}` takes {description}")),
            );
            false
        }
    }
}

enum Problem {
    /// The value has the wrong shape (with an optional detail).
    Shape(Option<String>),
    /// A more specific diagnostic was pushed already.
    Reported,
}

fn word(value: &Value) -> Option<&str> {
    match &value.kind {
        ValueKind::Word(w) => Some(w),
        _ => None,
    }
}

fn shape_error(cx: &mut Cx, shape: Shape, value: &Value) -> Option<Problem> {
    let bad = |detail: Option<String>| Some(Problem::Shape(detail));
    match shape {
        Shape::Name => word(value).is_none().then(|| Problem::Shape(Some("expected a name".into()))),
        Shape::OneOf(words) => match word(value) {
            Some(w) if words.contains(&w) => None,
            Some(w) => bad(Some(format!("`{w}` is not one of {}", list(words)))),
            None => bad(None),
        },
        Shape::Str => (!matches!(value.kind, ValueKind::Str(_)))
            .then(|| Problem::Shape(Some("expected a string in double quotes".into()))),
        Shape::Int(min, max) => match &value.kind {
            ValueKind::Number(n) => match n.parse::<u64>() {
                Ok(v) if (min..=max).contains(&v) => None,
                _ => bad(Some(format!("expected a whole number from {min} to {max}"))),
            },
            _ => bad(Some("expected a whole number".into())),
        },
        Shape::Percent => match &value.kind {
            ValueKind::Percent(p) => match p.parse::<f64>() {
                Ok(v) if v > 0.0 && v <= 100.0 => None,
                _ => bad(Some("a percentage must be above 0% and at most 100%".into())),
            },
            _ => bad(Some("expected a percentage such as `50%`".into())),
        },
        Shape::Duration => match &value.kind {
            ValueKind::Duration(d) if d.amount > 0 => None,
            ValueKind::Duration(_) => bad(Some("a duration must be longer than zero".into())),
            ValueKind::Number(n) => bad(Some(format!("`{n}` needs a unit, e.g. `{n} minutes`"))),
            _ => bad(Some("expected a duration such as `5 minutes`".into())),
        },
        Shape::Bool => match word(value) {
            Some("true" | "false") => None,
            _ => bad(Some("expected `true` or `false`".into())),
        },
        Shape::Names { at_least_one } => match &value.kind {
            ValueKind::List(items) if items.is_empty() && at_least_one => bad(Some("the list is empty".into())),
            ValueKind::List(items) => {
                items.iter().any(|i| word(i).is_none()).then(|| Problem::Shape(Some("expected a list of names".into())))
            }
            ValueKind::Word(_) => None,
            _ => bad(Some("expected a list of names such as `[a, b]`".into())),
        },
        Shape::WordsOf(words) => match &value.kind {
            ValueKind::List(items) => {
                for i in items {
                    match word(i) {
                        Some(w) if words.contains(&w) => {}
                        Some(w) => {
                            let help = diag::did_you_mean(w, words.iter().copied())
                                .unwrap_or_else(|| format!("choose from {}", list(words)));
                            cx.push(
                                Diagnostic::error(
                                    diag::INVALID_SETTING_VALUE,
                                    cx.span(i.range),
                                    format!("`{w}` is not one of {}", list(words)),
                                )
                                .with_help(help),
                            );
                            return Some(Problem::Reported);
                        }
                        None => return bad(Some("expected a list of names".into())),
                    }
                }
                None
            }
            _ => bad(Some(format!("expected a list such as `[{}]`", words.first().copied().unwrap_or("")))),
        },
        Shape::Date => match &value.kind {
            ValueKind::Str(s) if valid_date(s) => None,
            ValueKind::Str(s) => bad(Some(format!("\"{s}\" is not a date of the form \"YYYY-MM-DD\""))),
            _ => bad(Some("expected a date in a string, e.g. \"2026-01-01\"".into())),
        },
        Shape::Timezone => match &value.kind {
            ValueKind::Str(s) if valid_timezone(s) => None,
            ValueKind::Str(s) => bad(Some(format!("\"{s}\" is not a timezone name such as \"Asia/Tokyo\" or \"UTC\""))),
            _ => bad(Some("expected a timezone in a string, e.g. \"Asia/Tokyo\"".into())),
        },
        Shape::ImportPath => match &value.kind {
            ValueKind::Str(s) if valid_import_path(s) => None,
            ValueKind::Str(s) => bad(Some(format!(
                "\"{s}\" is not a Python import path such as \"package.module.function\" (a module and a name, separated by dots)"
            ))),
            _ => bad(Some("expected a Python import path in a string, e.g. \"alerts.sla_missed\"".into())),
        },
        Shape::Dialect => match word(value) {
            Some(w) if DIALECTS.contains(&w) => None,
            Some(w) => {
                cx.unknown_dialect(w, value.range, &[], "cjo generates SQL for `bigquery`, `redshift` and `trino`");
                Some(Problem::Reported)
            }
            None => bad(Some("expected `bigquery`, `redshift` or `trino`".into())),
        },
        Shape::Materialized => materialized(cx, value),
        Shape::Schedule => schedule(cx, value),
        Shape::Reentry => reentry(value),
    }
}

fn materialized(cx: &mut Cx, value: &Value) -> Option<Problem> {
    match &value.kind {
        ValueKind::Word(w) if w == "view" || w == "table" => None,
        ValueKind::Word(w) if w == "incremental" => {
            cx.push(
                Diagnostic::error(
                    diag::INVALID_SETTING_VALUE,
                    cx.span(value.range),
                    "an incremental model needs a `unique_key`",
                )
                .with_help("write `incremental(unique_key = [id])`, optionally with `lookback = 3 days`"),
            );
            Some(Problem::Reported)
        }
        ValueKind::Call { name, args } if name.as_str() == "incremental" => {
            let present = schema::check(cx, "incremental", schema::INCREMENTAL, args);
            let reported_missing = args.iter().any(|a| a.key.as_str() == "unique_key");
            if !present.contains_key("unique_key") && !reported_missing {
                cx.missing(
                    Diagnostic::error(
                        diag::MISSING_SETTING,
                        cx.span(value.range),
                        "an incremental model needs a `unique_key`",
                    )
                    .with_help("add `unique_key = [id]` inside `incremental(…)`"),
                );
            }
            None
        }
        ValueKind::Word(w) | ValueKind::Call { name: crate::ast::Name { text: w, .. }, .. } => {
            let help = diag::did_you_mean(w, ["view", "table", "incremental"]);
            Some(Problem::Shape(Some(format!(
                "`{w}` is not a materialization{}",
                help.map(|h| format!(" ({h})")).unwrap_or_default()
            ))))
        }
        _ => Some(Problem::Shape(None)),
    }
}

fn schedule(cx: &mut Cx, value: &Value) -> Option<Problem> {
    match &value.kind {
        ValueKind::Str(s) if cron::check(s).is_ok() => {
            Some(Problem::Shape(Some(format!("a cron expression is written `cron \"{s}\"`"))))
        }
        ValueKind::Word(w) if w == "hourly" || w == "daily" || w == "weekly" => None,
        ValueKind::Modified { base, modifier, arg } if modifier.as_str() == "at" && word(base) == Some("daily") => {
            matches!(arg.kind, ValueKind::Time(_))
                .not_then(|| Problem::Shape(Some("`daily at` takes a time such as `03:00`".into())))
        }
        ValueKind::Tagged { tag, value: inner } if tag.as_str() == "cron" => match &inner.kind {
            ValueKind::Str(expr) => match cron::check(expr) {
                Ok(()) => None,
                Err(why) => {
                    cx.push(
                        Diagnostic::error(diag::INVALID_CRON, cx.span(inner.range), format!("invalid cron expression: {why}"))
                            .with_help("a cron expression has five fields: minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\""),
                    );
                    Some(Problem::Reported)
                }
            },
            _ => Some(Problem::Shape(Some("`cron` takes a string such as \"0 3 * * *\"".into()))),
        },
        ValueKind::Tagged { tag, value: inner } if tag.as_str() == "every" => match &inner.kind {
            ValueKind::Duration(d) if d.seconds() >= 60 => None,
            ValueKind::Duration(_) => Some(Problem::Shape(Some("schedules run at most once a minute".into()))),
            _ => Some(Problem::Shape(Some("`every` takes a duration such as `5 minutes`".into()))),
        },
        _ => Some(Problem::Shape(None)),
    }
}

fn reentry(value: &Value) -> Option<Problem> {
    const RULES: &[&str] = &["none", "unless_goal", "always"];
    let (base, cooldown) = match &value.kind {
        ValueKind::Modified { base, modifier, arg } if modifier.as_str() == "cooldown" => (&**base, Some(&**arg)),
        _ => (value, None),
    };
    match word(base) {
        Some(w) if RULES.contains(&w) => {}
        Some(w) => return Some(Problem::Shape(Some(format!("`{w}` is not one of {}", list(RULES))))),
        None => return Some(Problem::Shape(None)),
    }
    match (word(base), cooldown.map(|c| &c.kind)) {
        (_, None) => None,
        (Some("none"), Some(_)) => {
            Some(Problem::Shape(Some("`none` allows no re-entry, so a cooldown means nothing".into())))
        }
        (_, Some(ValueKind::Duration(d))) if d.amount > 0 => None,
        _ => Some(Problem::Shape(Some("`cooldown` takes a duration such as `30 days`".into()))),
    }
}

trait NotThen {
    fn not_then<T>(self, f: impl FnOnce() -> T) -> Option<T>;
}

impl NotThen for bool {
    fn not_then<T>(self, f: impl FnOnce() -> T) -> Option<T> {
        (!self).then(f)
    }
}

fn list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} or {last}", init.join(", ")),
        _ => quoted.join(""),
    }
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `UTC` or an `Area/Location[/Sub]` name as in the IANA database.
pub fn valid_timezone(s: &str) -> bool {
    if s == "UTC" || s == "GMT" {
        return true;
    }
    let parts: Vec<&str> = s.split('/').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        })
}

/// A Python import path to a top-level function: at least a module and a
/// name, each an ASCII identifier (`alerts.sla_missed`,
/// `company.airflow.notify.on_sla`). Only ASCII is accepted because the
/// path is written into Python source and Airflow's own dot-path check.
pub fn valid_import_path(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}
