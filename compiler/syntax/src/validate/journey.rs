//! Journeys: settings, goal and exits, stages and steps. The step graph
//! (reachability, cycles) and names are checked by the semantic stage;
//! here: what must be present, duplicates, A/B shares, weekdays, dates.

use cjo_diagnostics::{self as diag, Diagnostic};

use super::Cx;
use super::items::duplicates;
use super::schema::{self, check as check_settings, require};
use super::values::valid_date;
use crate::ast::*;

const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAY_NAMES: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

pub fn journey(cx: &mut Cx, j: &Journey) {
    let present = check_settings(cx, "journey", schema::JOURNEY, &j.settings);
    let what = format!("journey `{}`", j.name.text);
    require(cx, &present, &j.settings, "profiles", &what, j.name.range, "profiles = customers");
    require(cx, &present, &j.settings, "key", &what, j.name.range, "key = customer_id");
    at_most_one(cx, &j.goals, "a journey has one goal", "the goal", "combine the conditions with `or` in one goal");
    duplicates(cx, "exit", j.exits.iter().filter_map(|e| e.name.as_ref()));
    duplicates(cx, "stage", j.stages.iter().map(|s| &s.name));
    renames(cx, "stage", j.stages.iter().map(|s| (&s.name, s.was.as_ref())).collect());
    if j.stages.is_empty() {
        cx.missing(
            Diagnostic::error(
                diag::MISSING_SETTING,
                cx.span(j.name.range),
                format!("journey `{}` has no stages", j.name.text),
            )
            .with_help(
                "add a stage: `stage welcome { entry: … step hello: activate \"email.welcome\" step done: end }`",
            ),
        );
    }
    for s in &j.stages {
        stage(cx, s);
    }
}

fn stage(cx: &mut Cx, s: &Stage) {
    for (list, what) in [(&s.entries, "entry criterion"), (&s.milestones, "milestone")] {
        let message = format!("a stage has one {what}");
        at_most_one(cx, list, &message, "the first one", "combine the conditions with `or`");
    }
    duplicates(cx, "exit", s.exits.iter().filter_map(|e| e.name.as_ref()));
    duplicates(cx, "step", s.steps.iter().map(|st| &st.name));
    renames(cx, "step", s.steps.iter().map(|st| (&st.name, st.was.as_ref())).collect());
    moved(cx, s);
    if s.steps.is_empty() {
        cx.missing(
            Diagnostic::error(
                diag::MISSING_SETTING,
                cx.span(s.name.range),
                format!("stage `{}` has no steps", s.name.text),
            )
            .with_help("add at least `step done: end`"),
        );
    }
    for st in &s.steps {
        step(cx, st);
    }
}

/// Reports each `(was old)` among `members` (the stages of a journey or
/// the steps of a stage) whose old name is a current name there, or the
/// old name of an earlier member too: the state under the old name would
/// have two owners. Names compare as the state table's columns do,
/// ignoring ASCII case.
fn renames(cx: &mut Cx, what: &str, members: Vec<(&Name, Option<&Was>)>) {
    let mut claimed: Vec<&Name> = Vec::new();
    for (name, was) in &members {
        let Some(was) = was else { continue };
        let old = &was.old;
        if let Some((current, _)) = members.iter().find(|(n, _)| n.text.eq_ignore_ascii_case(&old.text)) {
            cx.push(
                Diagnostic::error(
                    diag::INVALID_RENAME,
                    cx.span(old.range),
                    format!("{what} `{}` cannot have been `{}`: that name is still in use", name.text, old.text),
                )
                .with_secondary(cx.span(current.range), format!("the current {what} `{}`", current.text))
                .with_help(format!(
                    "write the name the {what} had in the previous build, or remove `(was {})`",
                    old.text
                )),
            );
        } else if let Some(first) = claimed.iter().find(|n| n.text.eq_ignore_ascii_case(&old.text)) {
            cx.push(
                Diagnostic::error(
                    diag::INVALID_RENAME,
                    cx.span(old.range),
                    format!("two {what}s say they were `{}`", old.text),
                )
                .with_secondary(cx.span(first.range), "claimed here first")
                .with_help(format!("the customers of `{}` can move to one {what} only: keep one `(was …)`", old.text)),
            );
        } else {
            claimed.push(old);
        }
    }
}

/// Reports each `moved old -> …` of stage `s` whose step `old` is still
/// declared, or whose old name a `(was old)` or an earlier `moved` claims:
/// its customers would have two places to go.
fn moved(cx: &mut Cx, s: &Stage) {
    let mut claimed: Vec<&Name> = s.steps.iter().filter_map(|st| st.was.as_ref()).map(|w| &w.old).collect();
    for m in &s.moved {
        let old = &m.old;
        if let Some(current) = s.steps.iter().find(|st| st.name.text.eq_ignore_ascii_case(&old.text)) {
            cx.push(
                Diagnostic::error(
                    diag::INVALID_RENAME,
                    cx.span(old.range),
                    format!("step `{}` is still declared, so it was not removed", old.text),
                )
                .with_secondary(cx.span(current.name.range), "declared here")
                .with_help(format!("remove `moved {} -> …`, or the step", old.text)),
            );
        } else if let Some(first) = claimed.iter().find(|n| n.text.eq_ignore_ascii_case(&old.text)) {
            cx.push(
                Diagnostic::error(
                    diag::INVALID_RENAME,
                    cx.span(old.range),
                    format!("the customers of step `{}` are sent to two places", old.text),
                )
                .with_secondary(cx.span(first.range), "claimed here first")
                .with_help("keep one: either the step was renamed (`(was …)`) or removed (`moved … -> …`)"),
            );
        } else {
            claimed.push(old);
        }
    }
}

/// Reports every criterion after the first where only one is allowed.
fn at_most_one(cx: &mut Cx, list: &[Criterion], message: &str, first_label: &str, help: &str) {
    if let [first, rest @ ..] = list {
        for c in rest {
            cx.push(
                Diagnostic::error(diag::DUPLICATE_MEMBER, cx.span(c.keyword), message)
                    .with_secondary(cx.span(first.keyword), first_label)
                    .with_help(help),
            );
        }
    }
}

fn step(cx: &mut Cx, st: &Step) {
    match &st.kind {
        StepKind::Decide { branches, otherwise, range } => {
            if otherwise.is_none() {
                cx.missing(
                    Diagnostic::error(
                        diag::MISSING_ELSE,
                        cx.span(*range),
                        format!("decision `{}` has no `else`", st.name.text),
                    )
                    .with_help("add `else -> step` for customers no `when` matches"),
                );
            }
            if branches.is_empty() {
                cx.missing(
                    Diagnostic::error(
                        diag::MISSING_SETTING,
                        cx.span(*range),
                        format!("decision `{}` has no `when`", st.name.text),
                    )
                    .with_help(
                        "add `when condition -> step`, or replace the decision with the step it always leads to",
                    ),
                );
            }
        }
        StepKind::AbTest { arms } => ab_test(cx, st, arms),
        StepKind::WaitUntilWeekday { days } => {
            for d in days {
                let lower = d.as_str().to_ascii_lowercase();
                if !WEEKDAYS.contains(&lower.as_str()) && !WEEKDAY_NAMES.contains(&lower.as_str()) {
                    let help =
                        diag::did_you_mean(d.as_str(), WEEKDAYS.iter().copied().chain(WEEKDAY_NAMES.iter().copied()))
                            .unwrap_or_else(|| "the days are mon, tue, wed, thu, fri, sat, sun".into());
                    cx.push(
                        Diagnostic::error(
                            diag::UNKNOWN_WEEKDAY,
                            cx.span(d.range),
                            format!("`{}` is not a day of the week", d.text),
                        )
                        .with_help(help),
                    );
                }
            }
            let normalised: Vec<Name> = days
                .iter()
                .map(|d| {
                    let lower = d.as_str().to_ascii_lowercase();
                    Name { text: lower.get(..3).unwrap_or(&lower).to_string(), range: d.range }
                })
                .collect();
            duplicates(cx, "weekday", &normalised);
        }
        StepKind::WaitUntilDate { date } if !valid_date(&date.value) => cx.push(
            Diagnostic::error(diag::INVALID_DATE, cx.span(date.range), format!("\"{}\" is not a date", date.value))
                .with_help("write the date as \"YYYY-MM-DD\", e.g. \"2026-12-24\""),
        ),
        StepKind::Wait { duration } | StepKind::WaitUntil { timeout: duration, .. } if duration.amount == 0 => cx.push(
            Diagnostic::error(diag::INVALID_SETTING_VALUE, cx.span(duration.range), "a wait must be longer than zero")
                .with_help("remove the wait, or give it a length such as `1 day`"),
        ),
        StepKind::Activate { destination } if destination.value.trim().is_empty() => cx.push(
            Diagnostic::error(
                diag::INVALID_SETTING_VALUE,
                cx.span(destination.range),
                "the activation has no destination",
            )
            .with_help("name where to send the customer, e.g. `activate \"email.welcome_v1\"`"),
        ),
        _ => {}
    }
}

/// Shares have at most two decimals and sum to exactly 100.
fn ab_test(cx: &mut Cx, st: &Step, arms: &[Arm]) {
    let controls: Vec<&Arm> = arms.iter().filter(|a| a.variant.is_none()).collect();
    if let [first, rest @ ..] = controls.as_slice() {
        for c in rest {
            cx.push(
                Diagnostic::error(diag::DUPLICATE_MEMBER, cx.span(c.range), "an A/B test has at most one control")
                    .with_secondary(cx.span(first.range), "the control"),
            );
        }
    }
    if let (Some(first_variant), Some(control)) =
        (arms.iter().position(|a| a.variant.is_some()), arms.iter().position(|a| a.variant.is_none()))
    {
        if control > first_variant {
            if let Some(arm) = arms.get(control) {
                cx.push(
                    Diagnostic::error(
                        diag::MISPLACED_MEMBER,
                        cx.span(arm.range),
                        "the control comes before the variants",
                    )
                    .with_help("move the `control` line first: buckets are assigned in declared order"),
                );
            }
        }
    }
    duplicates(cx, "variant", arms.iter().filter_map(|a| a.variant.as_ref()));
    if !arms.iter().any(|a| a.variant.is_some()) {
        cx.missing(
            Diagnostic::error(
                diag::INVALID_SHARES,
                cx.span(st.name.range),
                format!("A/B test `{}` has no variants", st.name.text),
            )
            .with_help("add `variant a 50% -> step`"),
        );
        return;
    }
    let mut total: u64 = 0;
    for a in arms {
        match hundredths(&a.share) {
            Some(h) => total += h,
            None => {
                cx.push(
                    Diagnostic::error(
                        diag::INVALID_SHARES,
                        cx.span(a.share_range),
                        format!("`{}%` has more than two decimals", a.share),
                    )
                    .with_help("shares are percentages with at most two decimals, e.g. `33.33%`"),
                );
                return;
            }
        }
    }
    if total != 10_000 {
        let shown = format!("{}.{:02}", total / 100, total % 100);
        let shown = shown.trim_end_matches('0').trim_end_matches('.');
        let mut d = Diagnostic::error(
            diag::INVALID_SHARES,
            cx.span(st.name.range),
            format!("the shares of `{}` sum to {shown}%, not 100%", st.name.text),
        )
        .with_help("adjust the percentages so that they add up to exactly 100%");
        for a in arms {
            d = d.with_secondary(cx.span(a.share_range), "a share");
        }
        cx.push(d);
    }
}

/// `12.5` → 1250. `None` for more than two decimals.
fn hundredths(share: &str) -> Option<u64> {
    let (whole, frac) = share.split_once('.').unwrap_or((share, ""));
    if frac.len() > 2 {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let frac: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hundredths_are_exact() {
        assert_eq!(super::hundredths("45"), Some(4500));
        assert_eq!(super::hundredths("33.33"), Some(3333));
        assert_eq!(super::hundredths("12.5"), Some(1250));
        assert_eq!(super::hundredths("1.234"), None);
    }
}
