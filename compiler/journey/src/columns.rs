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

/// Which names a column list is spelled with: the current ones, or those
/// of the previous build where a stage or step says `(was old)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Names {
    Current,
    Previous,
}

/// Column names, one function per kind of column.
impl Plan<'_> {
    pub fn stage_name(&self, s: StageId) -> String {
        self.stage_label(s, Names::Current)
    }

    fn stage_label(&self, s: StageId, names: Names) -> String {
        let Some(stage) = self.stages.get(s) else { return String::new() };
        match (names, &stage.was) {
            (Names::Previous, Some(old)) => low(old),
            _ => low(&stage.name),
        }
    }

    fn step_prefix(&self, s: StageId, p: StepId, names: Names) -> String {
        let step =
            self.stages.get(s).and_then(|st| st.steps.get(p)).map_or_else(String::new, |st| match (names, &st.was) {
                (Names::Previous, Some(old)) => low(old),
                _ => low(&st.name),
            });
        format!("stage_{}_step_{step}", self.stage_label(s, names))
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
        format!("intime_{}", self.step_prefix(s, p, Names::Current))
    }

    pub fn col_step_out(&self, s: StageId, p: StepId) -> String {
        format!("outtime_{}", self.step_prefix(s, p, Names::Current))
    }

    pub fn col_branch(&self, s: StageId, p: StepId) -> String {
        format!("branch_{}", self.step_prefix(s, p, Names::Current))
    }

    pub fn col_variant(&self, s: StageId, p: StepId) -> String {
        format!("variant_{}", self.step_prefix(s, p, Names::Current))
    }

    pub fn col_jump(&self, s: StageId, p: StepId) -> String {
        format!("jump_{}", self.step_prefix(s, p, Names::Current))
    }

    /// Every state column in table order: the journey's, then each stage's
    /// with its steps'.
    pub fn columns(&self) -> Vec<StateColumn> {
        self.columns_named(Names::Current)
    }

    /// The columns a `(was old)` renames: each as the previous build named
    /// it, with the name it has now. The state table moves each old
    /// column's values into the new one before a tick (see
    /// docs/journeys.md, "Changing a live journey").
    pub fn renamed_columns(&self) -> Vec<(StateColumn, String)> {
        self.columns_named(Names::Previous)
            .into_iter()
            .zip(self.columns_named(Names::Current))
            .filter(|(old, new)| old.name != new.name)
            .map(|(old, new)| (old, new.name))
            .collect()
    }

    fn columns_named(&self, names: Names) -> Vec<StateColumn> {
        let ts = |name: String| StateColumn { name, kind: ColumnKind::Timestamp };
        let int = |name: String| StateColumn { name, kind: ColumnKind::Int };
        let mut out = vec![ts("intime_journey".into()), ts("outtime_journey".into())];
        if !self.goals.is_empty() {
            out.push(ts(self.col_goal().into()));
        }
        out.extend(self.exits.iter().map(|e| ts(self.col_exit(e.name))));
        for (s, stage) in self.stages.iter().enumerate() {
            let label = self.stage_label(s, names);
            out.push(ts(format!("intime_stage_{label}")));
            out.push(ts(format!("outtime_stage_{label}")));
            if !stage.milestones.is_empty() {
                out.push(ts(format!("intime_stage_{label}_milestone")));
            }
            out.extend(stage.exits.iter().map(|e| ts(format!("intime_stage_{label}_exit_{}", low(e.name)))));
            for (p, step) in stage.steps.iter().enumerate() {
                let prefix = self.step_prefix(s, p, names);
                out.push(ts(format!("intime_{prefix}")));
                out.push(ts(format!("outtime_{prefix}")));
                match step.op {
                    StepOp::Decide { .. } | StepOp::WaitUntil { .. } => out.push(int(format!("branch_{prefix}"))),
                    StepOp::AbTest { .. } => out.push(int(format!("variant_{prefix}"))),
                    StepOp::JumpJourney { .. } => out.push(ts(format!("jump_{prefix}"))),
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
