//! The columns of a journey's sparse state table (JOURNEYS.md, "State
//! table"), named from the declared names, lowercased so that every
//! warehouse spells them the same.

use crate::plan::{Plan, StageId, StepId, StepOp};

/// What a state column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// When something happened (a tick's time).
    Timestamp,
    /// A branch or A/B variant number.
    Int,
}

/// One nullable state column, besides `key` and `instance_no`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateColumn {
    pub name: String,
    pub kind: ColumnKind,
}

fn low(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// Column names, one function per kind of column.
impl Plan<'_> {
    pub fn stage_name(&self, s: StageId) -> String {
        self.stages.get(s).map_or_else(String::new, |st| low(&st.name))
    }

    fn step_prefix(&self, s: StageId, p: StepId) -> String {
        let step = self.stages.get(s).and_then(|st| st.steps.get(p)).map_or_else(String::new, |st| low(&st.name));
        format!("stage_{}_step_{step}", self.stage_name(s))
    }

    pub fn col_goal(&self) -> &'static str {
        "intime_goal"
    }

    pub fn col_exit(&self, name: &str) -> String {
        format!("intime_exit_{}", low(name))
    }

    pub fn col_stage_in(&self, s: StageId) -> String {
        format!("intime_stage_{}", self.stage_name(s))
    }

    pub fn col_stage_out(&self, s: StageId) -> String {
        format!("outtime_stage_{}", self.stage_name(s))
    }

    pub fn col_milestone(&self, s: StageId) -> String {
        format!("intime_stage_{}_milestone", self.stage_name(s))
    }

    pub fn col_stage_exit(&self, s: StageId, name: &str) -> String {
        format!("intime_stage_{}_exit_{}", self.stage_name(s), low(name))
    }

    pub fn col_step_in(&self, s: StageId, p: StepId) -> String {
        format!("intime_{}", self.step_prefix(s, p))
    }

    pub fn col_step_out(&self, s: StageId, p: StepId) -> String {
        format!("outtime_{}", self.step_prefix(s, p))
    }

    pub fn col_branch(&self, s: StageId, p: StepId) -> String {
        format!("branch_{}", self.step_prefix(s, p))
    }

    pub fn col_variant(&self, s: StageId, p: StepId) -> String {
        format!("variant_{}", self.step_prefix(s, p))
    }

    pub fn col_jump(&self, s: StageId, p: StepId) -> String {
        format!("jump_{}", self.step_prefix(s, p))
    }

    /// Every state column in table order: the journey's, then each stage's
    /// with its steps'.
    pub fn columns(&self) -> Vec<StateColumn> {
        let ts = |name: String| StateColumn { name, kind: ColumnKind::Timestamp };
        let int = |name: String| StateColumn { name, kind: ColumnKind::Int };
        let mut out = vec![ts("intime_journey".into()), ts("outtime_journey".into())];
        if !self.goals.is_empty() {
            out.push(ts(self.col_goal().into()));
        }
        out.extend(self.exits.iter().map(|e| ts(self.col_exit(e.name))));
        for (s, stage) in self.stages.iter().enumerate() {
            out.push(ts(self.col_stage_in(s)));
            out.push(ts(self.col_stage_out(s)));
            if !stage.milestones.is_empty() {
                out.push(ts(self.col_milestone(s)));
            }
            out.extend(stage.exits.iter().map(|e| ts(self.col_stage_exit(s, e.name))));
            for (p, step) in stage.steps.iter().enumerate() {
                out.push(ts(self.col_step_in(s, p)));
                out.push(ts(self.col_step_out(s, p)));
                match step.op {
                    StepOp::Decide { .. } | StepOp::WaitUntil { .. } => out.push(int(self.col_branch(s, p))),
                    StepOp::AbTest { .. } => out.push(int(self.col_variant(s, p))),
                    StepOp::JumpJourney { .. } => out.push(ts(self.col_jump(s, p))),
                    _ => {}
                }
            }
        }
        out
    }

    /// The table that holds this journey's state: named after the journey.
    pub fn state_table(&self) -> String {
        low(&self.name)
    }

    /// The table of activations: one row per `activate` step run.
    pub fn activation_table(&self) -> String {
        format!("{}_activations", low(&self.name))
    }
}
