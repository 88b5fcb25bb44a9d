//! `since journey_start|stage_start|step_start` only where that start
//! exists and means one thing (JOURNEYS.md, "Evaluating criteria at T"):
//! none in a stage's entry, only `journey_start` in the goal and the
//! journey's exits, `journey_start` or `stage_start` in a stage's exits
//! and milestone, any in a step's condition.

use cjo_diagnostics::{self as diag, Diagnostic};
use cjo_syntax::ast::{Anchor, Criterion, Expr, ExprKind, Journey};

use super::Cx;

/// A kind of criterion and what it allows.
struct Place<'a> {
    /// "the goal `bought`", "the entry of stage `welcome`" …
    what: String,
    allowed: &'a [Anchor],
    /// When the criterion is checked, the reason the other anchors have
    /// no single meaning there.
    label: &'static str,
    /// What to write instead.
    help: &'static str,
}

const ENTRY_LABEL: &str = "checked before the journey starts";
const JOURNEY_LABEL: &str = "checked in every stage and step";
const STAGE_LABEL: &str = "checked at every step of the stage";
const ENTRY_HELP: &str = "entry criteria are checked before the customer is in the journey, so nothing has started \
                          yet: look back with `within` (e.g. `within 7 days`) instead";
const JOURNEY_HELP: &str = "the goal and the journey's exits are checked whatever stage and step the customer is \
                            in: use `since journey_start`, or look back with `within`";
const STAGE_HELP: &str = "a stage's exits and milestone are checked whatever step of the stage the customer is at: \
                          use `since stage_start` or `since journey_start`, or test the condition in a `decide` or \
                          `wait until` step";

/// Checks the anchors of every criterion of `journey`. Step conditions
/// (`decide`, `wait until`) may use all three, so only the others are
/// walked.
pub(super) fn check(cx: &mut Cx, journey: &Journey) {
    use Anchor::{JourneyStart, StageStart};
    for c in &journey.goals {
        let what = format!("the goal{}", named(c));
        walk(cx, &c.condition, &Place { what, allowed: &[JourneyStart], label: JOURNEY_LABEL, help: JOURNEY_HELP });
    }
    for c in &journey.exits {
        let what = format!("the journey's exit{}", named(c));
        walk(cx, &c.condition, &Place { what, allowed: &[JourneyStart], label: JOURNEY_LABEL, help: JOURNEY_HELP });
    }
    for stage in &journey.stages {
        let s = &stage.name.text;
        for c in &stage.entries {
            let what = format!("the entry criterion of stage `{s}`");
            walk(cx, &c.condition, &Place { what, allowed: &[], label: ENTRY_LABEL, help: ENTRY_HELP });
        }
        for c in &stage.exits {
            let what = format!("the exit{} of stage `{s}`", named(c));
            walk(
                cx,
                &c.condition,
                &Place { what, allowed: &[JourneyStart, StageStart], label: STAGE_LABEL, help: STAGE_HELP },
            );
        }
        for c in &stage.milestones {
            let what = format!("the milestone of stage `{s}`");
            walk(
                cx,
                &c.condition,
                &Place { what, allowed: &[JourneyStart, StageStart], label: STAGE_LABEL, help: STAGE_HELP },
            );
        }
    }
}

fn named(c: &Criterion) -> String {
    c.name.as_ref().map(|n| format!(" `{}`", n.text)).unwrap_or_default()
}

/// Reports every quantifier in `expr`, however deeply nested, whose anchor
/// `place` does not allow.
fn walk(cx: &mut Cx, expr: &Expr, place: &Place) {
    let mut todo = vec![expr];
    while let Some(e) = todo.pop() {
        if let ExprKind::Quantifier(q) = &e.kind {
            if let Some((anchor, range)) = q.since {
                if !place.allowed.contains(&anchor) {
                    cx.push(
                        Diagnostic::error(
                            diag::MISPLACED_ANCHOR,
                            cx.span(range),
                            format!("`since {}` cannot be used in {}", anchor.as_str(), place.what),
                        )
                        .with_label(place.label)
                        .with_help(place.help),
                    );
                }
            }
        }
        todo.extend(e.children().into_iter().rev());
    }
}
