//! Steps and stages an earlier build declared that this one drops without
//! saying where their customers go (E0512): compared with the manifest of
//! `--state`, whose journey nodes list their steps as `stage.step`.
//!
//! A step is accounted for when the journey still declares it, renames it
//! (`(was old)`, on the step or its stage) or sends its customers on
//! (`moved old -> …`). A removed step is not listed in the manifest, so
//! the `moved` line may go once a build with it has run.

use std::collections::BTreeSet;

use cjo_diagnostics::{self as codes, Diagnostic, Span};
use cjo_journey::Plan;
use serde_json::Value;

/// The steps `plan` declares, as `stage.step` in lower case (the names of
/// its state columns), in table order: what the manifest records.
pub fn declared_steps(plan: &Plan<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for stage in &plan.stages {
        for step in stage.steps.iter().filter(|st| !st.removed) {
            out.push(format!("{}.{}", stage.name.to_ascii_lowercase(), step.name.to_ascii_lowercase()));
        }
    }
    out
}

/// Every `stage.step` of `plan`'s state that an earlier build may have
/// declared: the current names, the old names of renames, removed steps.
fn accounted_for(plan: &Plan<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for stage in &plan.stages {
        let mut stage_names = vec![stage.name.to_ascii_lowercase()];
        stage_names.extend(stage.was.iter().map(|w| w.to_ascii_lowercase()));
        for step in &stage.steps {
            let mut step_names = vec![step.name.to_ascii_lowercase()];
            step_names.extend(step.was.iter().map(|w| w.to_ascii_lowercase()));
            for st in &stage_names {
                for sp in &step_names {
                    out.insert(format!("{st}.{sp}"));
                }
            }
        }
    }
    out
}

/// E0512 for each journey of `plans` that drops a step the journey node of
/// `previous` (a manifest) lists, at the journey's name.
pub fn check(previous: &Value, plans: &[Plan<'_>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for plan in plans {
        let node = previous.get("nodes").and_then(|n| n.get(format!("journey.{}", plan.name)));
        let Some(steps) = node.and_then(|n| n.get("steps")).and_then(Value::as_array) else { continue };
        let known = accounted_for(plan);
        let stages: BTreeSet<String> = plan.stages.iter().map(|s| s.name.to_ascii_lowercase()).collect();
        let renamed: BTreeSet<String> =
            plan.stages.iter().filter_map(|s| s.was.as_ref()).map(|w| w.to_ascii_lowercase()).collect();
        let gone: Vec<&str> = steps.iter().filter_map(Value::as_str).filter(|s| !known.contains(*s)).collect();
        let span = Span::new(plan.file, plan.journey.name.range);
        let mut stages_reported = BTreeSet::new();
        for qualified in gone {
            let (stage, step) = qualified.split_once('.').unwrap_or((qualified, ""));
            let stage_kept = stages.contains(stage) || renamed.contains(stage);
            // A stage removed is reported once, not once per step.
            if !stage_kept && !stages_reported.insert(stage) {
                continue;
            }
            let (message, help) = if stage_kept {
                (
                    format!(
                        "journey `{}` no longer has step `{step}` of stage `{stage}`, and customers may be in it",
                        plan.name
                    ),
                    format!(
                        "say where they go, in that stage: `moved {step} -> <step>` or `moved {step} -> end`; \
                         if it was renamed, write `step <new name> (was {step})`"
                    ),
                )
            } else {
                (
                    format!(
                        "journey `{}` no longer has stage `{stage}` (with its step `{step}`), and customers may be in it",
                        plan.name
                    ),
                    format!(
                        "if it was renamed, write `stage <new name> (was {stage})`; a removed stage has no `moved` \
                         yet: keep it, with no entry and no jump to it, until nobody is in it"
                    ),
                )
            };
            out.push(
                Diagnostic::error(codes::REMOVED_WITHOUT_DESTINATION, span, message)
                    .with_label("compared with the --state build")
                    .with_help(help),
            );
        }
    }
    out
}
