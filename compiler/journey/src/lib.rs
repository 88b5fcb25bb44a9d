//! Journeys after names and types: [`plan`] resolves a checked journey
//! into stages and steps that refer to each other by position, with every
//! setting read; [`columns`] names the columns of its sparse state table
//! (JOURNEYS.md, "State table"). The SQL lowering (`cjo-codegen`) and the
//! reference simulator both start from a [`Plan`], so they cannot disagree
//! about what a journey is.

pub mod columns;
pub mod flowchart;
pub mod plan;
pub mod sim;

pub use columns::{ColumnKind, StateColumn};
pub use plan::{
    AbArm, Criterion, EventRelation, Next, Plan, Reentry, ReentryRule, StageId, StagePlan, StepId, StepOp, StepPlan,
    Weekday, plans,
};
