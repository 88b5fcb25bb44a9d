//! Where each state column of a plan sits in a row: positions into
//! [`Plan::columns`], looked up by the names `columns.rs` gives, so the
//! simulator never spells a column name itself.

use crate::columns::StateColumn;
use crate::plan::{Plan, StepOp};

/// Column positions of one stage.
#[derive(Clone, Debug)]
pub struct StageCols {
    pub intime: usize,
    pub outtime: usize,
    pub milestone: Option<usize>,
    /// Stage exits, in declared order.
    pub exits: Vec<usize>,
    pub steps: Vec<StepCols>,
}

/// Column positions of one step.
#[derive(Clone, Copy, Debug)]
pub struct StepCols {
    pub intime: usize,
    pub outtime: usize,
    /// `branch_…`, `variant_…` or `jump_…`, by the step's kind.
    pub extra: Option<usize>,
}

/// Column positions of one journey's state row.
#[derive(Clone, Debug)]
pub struct Layout {
    pub columns: Vec<StateColumn>,
    pub intime_journey: usize,
    pub outtime_journey: usize,
    pub goal: Option<usize>,
    /// Journey-level exits, in declared order.
    pub exits: Vec<usize>,
    pub stages: Vec<StageCols>,
}

impl Layout {
    /// The layout of `plan`; `None` only if `columns()` and the `col_*`
    /// names disagree (a bug in `columns.rs`).
    pub fn of(plan: &Plan<'_>) -> Option<Layout> {
        let columns = plan.columns();
        let at = |name: &str| columns.iter().position(|c| c.name == name);
        let mut stages = Vec::new();
        for (s, stage) in plan.stages.iter().enumerate() {
            let mut steps = Vec::new();
            for (p, step) in stage.steps.iter().enumerate() {
                let extra = match step.op {
                    StepOp::Decide { .. } | StepOp::WaitUntil { .. } => Some(at(&plan.col_branch(s, p))?),
                    StepOp::AbTest { .. } => Some(at(&plan.col_variant(s, p))?),
                    StepOp::JumpJourney { .. } => Some(at(&plan.col_jump(s, p))?),
                    _ => None,
                };
                steps.push(StepCols {
                    intime: at(&plan.col_step_in(s, p))?,
                    outtime: at(&plan.col_step_out(s, p))?,
                    extra,
                });
            }
            stages.push(StageCols {
                intime: at(&plan.col_stage_in(s))?,
                outtime: at(&plan.col_stage_out(s))?,
                milestone: if stage.milestones.is_empty() { None } else { Some(at(&plan.col_milestone(s))?) },
                exits: stage.exits.iter().map(|e| at(&plan.col_stage_exit(s, e.name))).collect::<Option<_>>()?,
                steps,
            });
        }
        Some(Layout {
            intime_journey: at("intime_journey")?,
            outtime_journey: at("outtime_journey")?,
            goal: if plan.goals.is_empty() { None } else { Some(at(plan.col_goal())?) },
            exits: plan.exits.iter().map(|e| at(&plan.col_exit(e.name))).collect::<Option<_>>()?,
            stages,
            columns,
        })
    }
}
