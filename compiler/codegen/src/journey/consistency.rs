//! The consistency check of a journey's state table: the invariants of
//! JOURNEYS.md, counted over a sample of the rows. A non-zero count fails
//! the run (as a check task: `ASSERT` on BigQuery, a count elsewhere).

use cjo_journey::{Plan, StepOp};
use cjo_project::Dialect;

use super::dialect::{as_text, bucket, md5_hex8};
use crate::checks::{self, CheckQuery};
use crate::ident::ident;

/// The invariants, each a condition that is never null.
pub fn invariants(plan: &Plan<'_>, dialect: Dialect) -> Vec<String> {
    let q = |c: &str| format!("s.{}", ident(c, dialect));
    let mut out = Vec::new();
    // An outtime implies its intime, and comes no earlier.
    let mut pairs = vec![("intime_journey".to_string(), "outtime_journey".to_string())];
    for (s, stage) in plan.stages.iter().enumerate() {
        pairs.push((plan.col_stage_in(s), plan.col_stage_out(s)));
        for p in 0..stage.steps.len() {
            pairs.push((plan.col_step_in(s, p), plan.col_step_out(s, p)));
        }
    }
    for (i, o) in &pairs {
        out.push(format!("({o} IS NULL OR ({i} IS NOT NULL AND {i} <= {o}))", i = q(i), o = q(o)));
    }
    // Journey in <= stage in <= step in.
    let journey_in = q("intime_journey");
    let mut open_stages = Vec::new();
    let mut open_steps = Vec::new();
    let mut causes = Vec::new();
    if !plan.goals.is_empty() {
        let goal = q(plan.col_goal());
        out.push(format!("({goal} IS NULL OR {goal} = {})", q("outtime_journey")));
        causes.push(goal);
    }
    causes.extend(plan.exits.iter().map(|e| q(&plan.col_exit(e.name))));
    for (s, stage) in plan.stages.iter().enumerate() {
        let stage_in = q(&plan.col_stage_in(s));
        out.push(format!("({stage_in} IS NULL OR ({journey_in} IS NOT NULL AND {journey_in} <= {stage_in}))"));
        open_stages.push(format!(
            "CASE WHEN {stage_in} IS NOT NULL AND {} IS NULL THEN 1 ELSE 0 END",
            q(&plan.col_stage_out(s))
        ));
        causes.extend(stage.exits.iter().map(|e| q(&plan.col_stage_exit(s, e.name))));
        for (p, step) in stage.steps.iter().enumerate() {
            let step_in = q(&plan.col_step_in(s, p));
            let step_out = q(&plan.col_step_out(s, p));
            out.push(format!("({step_in} IS NULL OR ({stage_in} IS NOT NULL AND {stage_in} <= {step_in}))"));
            open_steps.push(format!("CASE WHEN {step_in} IS NOT NULL AND {step_out} IS NULL THEN 1 ELSE 0 END"));
            let branch = match step.op {
                StepOp::Decide { .. } | StepOp::WaitUntil { .. } => Some(q(&plan.col_branch(s, p))),
                StepOp::AbTest { .. } => Some(q(&plan.col_variant(s, p))),
                _ => None,
            };
            if let Some(b) = branch {
                out.push(format!("({b} IS NULL OR {step_out} IS NOT NULL)"));
                if !matches!(step.op, StepOp::WaitUntil { .. }) {
                    out.push(format!("({step_out} IS NULL OR {b} IS NOT NULL)"));
                }
            }
            if matches!(step.op, StepOp::JumpJourney { .. }) {
                causes.push(q(&plan.col_jump(s, p)));
            }
        }
    }
    let sum = |list: &[String]| if list.is_empty() { "0".to_string() } else { list.join(" + ") };
    let outtime = q("outtime_journey");
    out.push(format!("({outtime} IS NOT NULL OR ({}) = 1)", sum(&open_stages)));
    out.push(format!("(({}) <= 1)", sum(&open_steps)));
    out.push(format!("({outtime} IS NULL OR (({}) = 0 AND ({}) = 0))", sum(&open_stages), sum(&open_steps)));
    let counted: Vec<String> = causes.iter().map(|c| format!("CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END")).collect();
    out.push(format!("(({}) <= 1)", sum(&counted)));
    out
}

/// The check's statement on `state` (the quoted state table).
pub fn statement(plan: &Plan<'_>, state: &str, dialect: Dialect) -> String {
    let k = ident(&plan.key, dialect).to_string();
    let basis = (plan.sample_percent * 100.0).round().clamp(0.0, 10_000.0);
    let whole = basis >= 10_000.0;
    let (from, sampled) = match dialect {
        Dialect::Trino if !whole => (format!("{state} AS s TABLESAMPLE BERNOULLI ({})", plan.sample_percent), None),
        _ if !whole => {
            let hex = md5_hex8(&as_text(&format!("h.{k}"), dialect), dialect);
            (
                format!("(SELECT h.*, {hex} AS cjo_hex FROM {state} AS h) AS s"),
                Some(format!("{} < {basis}", bucket("s.cjo_hex", dialect))),
            )
        }
        _ => (format!("{state} AS s"), None),
    };
    let invariants = invariants(plan, dialect).join("\n    AND ");
    let mut conditions: Vec<String> = sampled.into_iter().collect();
    conditions.push(format!("NOT (\n    {invariants}\n  )"));
    let failing_rows = format!("SELECT s.*\nFROM {from}\nWHERE {}", conditions.join("\n  AND "));
    let check = CheckQuery {
        slug: "consistency".into(),
        description: format!("the state of journey {} is consistent", plan.name),
        failing_rows,
        references: None,
    };
    checks::statement(&check, &plan.name, dialect)
}
