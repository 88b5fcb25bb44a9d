//! What settings each kind of declaration accepts, and the shape of their
//! values.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as diag, Diagnostic, TextRange};

use super::{Cx, values};
use crate::ast::Setting;

/// The shape a setting's value must have.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// A bare name (a column, a source …), resolved later.
    Name,
    /// One of the listed words.
    OneOf(&'static [&'static str]),
    Str,
    /// A whole number within the bounds.
    Int(u64, u64),
    /// A percentage above 0 and at most 100.
    Percent,
    Duration,
    Bool,
    /// `[a, b]` of names (a single name is accepted too where noted).
    Names {
        at_least_one: bool,
    },
    /// `[a, b]` of words from a fixed list.
    WordsOf(&'static [&'static str]),
    /// A `YYYY-MM-DD` date in a string.
    Date,
    /// A timezone name in a string.
    Timezone,
    /// A Python import path in a string: `"package.module.function"`.
    ImportPath,
    Materialized,
    Schedule,
    Reentry,
    Dialect,
}

/// A setting's key, its shape, and a one-line description for messages.
pub type Spec = (&'static str, Shape, &'static str);

pub const SOURCE: &[Spec] = &[(
    "time_column",
    Shape::Name,
    "the event time column: a journey's event time, and what a pipeline with a late-input rule watches",
)];

pub const MODEL: &[Spec] = &[
    ("materialized", Shape::Materialized, "`view`, `table` or `incremental(unique_key = [..], lookback = 3 days)`"),
    ("target", Shape::Dialect, "the warehouse: `bigquery`, `redshift` or `trino`"),
    ("schema", Shape::Str, "the destination schema or dataset, as a string"),
    ("alias", Shape::Str, "the table name in the warehouse, as a string"),
    ("tags", Shape::Names { at_least_one: false }, "a list of tags, e.g. `[nightly, finance]`"),
];

pub const JOURNEY: &[Spec] = &[
    ("profiles", Shape::Name, "the source or model with one row per customer"),
    ("key", Shape::Name, "the profile column that identifies a customer"),
    (
        "events",
        Shape::Names { at_least_one: false },
        "the event relations criteria may use, e.g. `[app_events, purchases]`",
    ),
    ("reentry", Shape::Reentry, "`none`, `unless_goal` or `always`, optionally with `cooldown 30 days`"),
    ("target", Shape::Dialect, "the warehouse: `bigquery`, `redshift` or `trino`"),
    ("timezone", Shape::Timezone, "an IANA timezone such as \"Asia/Tokyo\""),
    ("consistency_sample", Shape::Percent, "the share of state rows checked after each tick, e.g. `50%`"),
];

pub const PIPELINE: &[Spec] = &[
    ("schedule", Shape::Schedule, "`cron \"0 3 * * *\"`, `every 5 minutes`, `hourly`, `daily` or `daily at 03:00`"),
    ("run", Shape::Names { at_least_one: true }, "the models and journeys to run, e.g. `[daily_watch]`"),
    ("retries", Shape::Int(0, 100), "how many times a failed task is retried"),
    ("retry_delay", Shape::Duration, "the wait between retries, e.g. `5 minutes`"),
    ("pool", Shape::Str, "the scheduler pool, as a string"),
    ("sla", Shape::Duration, "how long a run may take before the scheduler warns, e.g. `2 hours`"),
    (
        "on_sla_miss",
        Shape::ImportPath,
        "the Python function Airflow calls when a run misses its `sla`, e.g. \"alerts.sla_missed\"",
    ),
    ("on_late_upstream", Shape::OneOf(&["skip", "wait", "fail"]), "`skip`, `wait` or `fail`"),
    ("upstream_timeout", Shape::Duration, "how long to wait for a late upstream pipeline"),
    ("orchestrators", Shape::WordsOf(&["airflow", "digdag"]), "`[airflow]`, `[digdag]` or both"),
    ("timezone", Shape::Timezone, "an IANA timezone such as \"Asia/Tokyo\""),
    ("catchup", Shape::Bool, "`true` to run missed intervals"),
    ("start_date", Shape::Date, "the first scheduled date, e.g. \"2026-01-01\""),
];

pub const INCREMENTAL: &[Spec] = &[
    ("unique_key", Shape::Names { at_least_one: true }, "the columns that identify a row, e.g. `[customer_id, day]`"),
    ("lookback", Shape::Duration, "how far back late rows are re-read, e.g. `3 days`"),
    ("strategy", Shape::OneOf(&["merge", "delete_insert"]), "`merge` or `delete_insert`"),
];

/// Checks `settings` against `specs`: unknown keys, duplicates and value
/// shapes. Returns the valid settings by key.
pub fn check<'a>(
    cx: &mut Cx,
    what: &str,
    specs: &[Spec],
    settings: &'a [Setting],
) -> BTreeMap<&'static str, &'a Setting> {
    let mut seen: BTreeMap<&'static str, &'a Setting> = BTreeMap::new();
    for s in settings {
        let key = s.key.as_str();
        let Some(&(name, shape, description)) = specs.iter().find(|(k, ..)| *k == key) else {
            let help = hint(key, specs)
                .or_else(|| diag::did_you_mean(key, specs.iter().map(|(k, ..)| *k)))
                .unwrap_or_else(|| {
                    let keys: Vec<String> = specs.iter().map(|(k, ..)| format!("`{k}`")).collect();
                    format!("{what} settings are {}", keys.join(", "))
                });
            cx.push(
                Diagnostic::error(
                    diag::UNKNOWN_SETTING,
                    cx.span(s.key.range),
                    format!("unknown {what} setting `{key}`"),
                )
                .with_help(help),
            );
            continue;
        };
        if let Some(first) = seen.get(name) {
            cx.push(
                Diagnostic::error(diag::DUPLICATE_SETTING, cx.span(s.key.range), format!("`{key}` is set twice"))
                    .with_secondary(cx.span(first.key.range), "first set here")
                    .with_help("remove one of them"),
            );
            continue;
        }
        if values::check(cx, key, shape, description, &s.value) {
            seen.insert(name, s);
        }
    }
    seen
}

/// Reports a required setting that is missing.
pub fn require(
    cx: &mut Cx,
    present: &BTreeMap<&'static str, &Setting>,
    settings: &[Setting],
    key: &str,
    what: &str,
    at: TextRange,
    example: &str,
) {
    // A setting that is present but invalid was reported already, and so
    // was a misspelling of it (with this key suggested).
    let misspelt = settings.iter().any(|s| diag::nearest(s.key.as_str(), [key]).is_some());
    if present.contains_key(key) || misspelt || settings.iter().any(|s| s.key.as_str() == key) {
        return;
    }
    cx.missing(
        Diagnostic::error(diag::MISSING_SETTING, cx.span(at), format!("{what} has no `{key}`"))
            .with_help(format!("add `{example}`")),
    );
}

/// Keys users bring from other tools, and where cjo says the same thing.
fn hint(key: &str, specs: &[Spec]) -> Option<String> {
    let has = |k: &str| specs.iter().any(|(s, ..)| *s == k);
    Some(match key {
        "description" | "doc" | "comment" => "document it with a `///` comment above the declaration".into(),
        "dataset" | "database" if has("schema") => "the destination dataset or schema is `schema`".into(),
        "materialization" if has("materialized") => "did you mean `materialized`?".into(),
        "cron" | "interval" if has("schedule") => {
            "write `schedule = cron \"0 3 * * *\"` or `schedule = every 5 minutes`".into()
        }
        "depends_on" | "deps" if has("run") => {
            "dependencies come from the SQL: a model runs after the tables it reads; list what to run in `run`".into()
        }
        _ => return None,
    })
}
