//! Journeys: stages, steps and criteria.

use cjo_diagnostics::TextRange;

use super::{Doc, Duration, Expr, Name, Setting, StrLit};

/// `journey name { settings, goal, exits, stages }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    pub doc: Option<Doc>,
    pub name: Name,
    pub settings: Vec<Setting>,
    pub goals: Vec<Criterion>,
    pub exits: Vec<Criterion>,
    pub stages: Vec<Stage>,
    pub range: TextRange,
}

/// `goal name: expr`, `exit name: expr`, `entry: expr`, `milestone: expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    pub doc: Option<Doc>,
    /// The range of the introducing keyword.
    pub keyword: TextRange,
    pub name: Option<Name>,
    pub condition: Expr,
    pub range: TextRange,
}

/// `stage name [(was old)] { entry, exits, milestone, steps }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    pub doc: Option<Doc>,
    pub name: Name,
    pub was: Option<Was>,
    pub entries: Vec<Criterion>,
    pub exits: Vec<Criterion>,
    pub milestones: Vec<Criterion>,
    pub steps: Vec<Step>,
    /// `moved old -> step`: steps removed while customers may be in them.
    pub moved: Vec<Moved>,
    pub range: TextRange,
}

/// `moved old -> step` (or `-> end`) in a stage: the step `old` was removed
/// from a journey that runs; the customers still in it continue with
/// `step` (with the stage's end: `end`, unless a step is named so) at the
/// next tick.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub old: Name,
    pub to: Name,
    pub range: TextRange,
}

/// `step name [(was old)]: kind [-> next]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub doc: Option<Doc>,
    pub name: Name,
    pub was: Option<Was>,
    pub kind: StepKind,
    /// An explicit successor (`-> step`) on a step that has one successor.
    pub next: Option<Name>,
    pub range: TextRange,
}

/// `(was old)` after a stage's or step's name: the name it had before, so
/// that the customers in it keep their place when the journey is rebuilt.
#[derive(Clone, Debug, PartialEq)]
pub struct Was {
    pub old: Name,
    /// From `(` to `)`.
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    /// `activate "destination"`.
    Activate {
        destination: StrLit,
    },
    /// `wait 2 days`.
    Wait {
        duration: Duration,
    },
    /// `wait until date "2026-12-24"`.
    WaitUntilDate {
        date: StrLit,
    },
    /// `wait until weekday mon, thu`.
    WaitUntilWeekday {
        days: Vec<Name>,
    },
    /// `wait until condition timeout 5 days -> step`.
    WaitUntil {
        condition: Expr,
        timeout: Duration,
        on_timeout: Name,
    },
    /// `decide { when c -> a … else -> b }`.
    Decide {
        branches: Vec<Branch>,
        otherwise: Option<Name>,
        range: TextRange,
    },
    /// `ab_test { control 10% -> a  variant x 45% -> b … }`.
    AbTest {
        arms: Vec<Arm>,
    },
    /// `jump stage` or `jump journey.stage`.
    Jump {
        journey: Option<Name>,
        stage: Name,
    },
    Merge,
    End,
    /// A step whose kind could not be parsed (already reported).
    Error,
}

impl StepKind {
    /// The word that introduces the kind (`wait until` kinds say `wait`).
    pub fn keyword(&self) -> &'static str {
        match self {
            StepKind::Activate { .. } => "activate",
            StepKind::Wait { .. }
            | StepKind::WaitUntilDate { .. }
            | StepKind::WaitUntilWeekday { .. }
            | StepKind::WaitUntil { .. } => "wait",
            StepKind::Decide { .. } => "decide",
            StepKind::AbTest { .. } => "ab_test",
            StepKind::Jump { .. } => "jump",
            StepKind::Merge => "merge",
            StepKind::End => "end",
            StepKind::Error => "step",
        }
    }
}

/// `when condition -> step`.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub condition: Expr,
    pub target: Name,
    pub range: TextRange,
}

/// One arm of an A/B test.
#[derive(Clone, Debug, PartialEq)]
pub struct Arm {
    /// `None` for `control`, the variant's name otherwise.
    pub variant: Option<Name>,
    /// The share as written, e.g. `45` or `33.33`.
    pub share: String,
    pub share_range: TextRange,
    pub target: Name,
    pub range: TextRange,
}
