//! Journeys lowered to SQL (JOURNEYS.md, "Lowering"): per journey and
//! dialect, one tick task (DDL when absent, the rules as candidate
//! inserts, the compaction swapped in, activations) and one consistency
//! check task after it.
//!
//! - [`criteria`]: criteria and event quantifiers as SQL conditions;
//! - [`tick`]: the statements of one tick;
//! - [`migrate`]: the state table brought up to the journey's columns;
//! - [`removed`]: steps and stages an earlier build had and this one
//!   drops without saying where their customers go;
//! - [`consistency`]: the sampled invariant check;
//! - [`dialect`]: what each warehouse spells its own way.

pub mod consistency;
pub mod criteria;
pub mod dialect;
pub mod migrate;
pub mod removed;
pub mod tick;

use std::collections::BTreeMap;

use cjo_journey::{Plan, StepOp};

pub use criteria::{EventTable, Tables};
pub use tick::{JumpIn, Names, Tick};

/// The SQL of one journey in one dialect.
#[derive(Debug)]
pub struct Lowered {
    pub tick: Vec<String>,
    pub check: String,
    /// The state and activation tables, quoted.
    pub state: String,
    pub activations: String,
}

/// Lowers `plan` for the dialect of `tables`.
pub fn lower(plan: &Plan<'_>, tables: &Tables<'_>, names: &Names) -> Result<Lowered, crate::cjo_expr::Failure> {
    let tick = Tick::new(plan, tables, names);
    let statements = tick.statements()?;
    let state = tick.state();
    Ok(Lowered {
        check: consistency::statement(plan, &state, tables.dialect),
        tick: statements,
        state,
        activations: tick.activations(),
    })
}

/// The `jump other.stage` steps of `plans` into `into`, with the other
/// journey's state table as `table_of` names it.
pub fn jumps_into(
    plans: &[Plan<'_>],
    into: &Plan<'_>,
    table_of: &dyn Fn(&Plan<'_>) -> String,
) -> Vec<(String, JumpIn)> {
    let mut out = Vec::new();
    for other in plans {
        for (s, stage) in other.stages.iter().enumerate() {
            for (p, step) in stage.steps.iter().enumerate() {
                let StepOp::JumpJourney { journey, stage: target } = &step.op else { continue };
                if !journey.eq_ignore_ascii_case(&into.name) {
                    continue;
                }
                let Some(stage) = into.stage_named(target) else { continue };
                out.push((
                    other.name.clone(),
                    JumpIn { table: table_of(other), key: other.key.clone(), column: other.col_jump(s, p), stage },
                ));
            }
        }
    }
    out
}

/// Event relations by lowercase name.
pub fn event_tables<'a>(
    plan: &Plan<'_>,
    analysis: &'a cjo_semantic::Analysis,
    table_of: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<String, EventTable<'a>> {
    let mut out = BTreeMap::new();
    for ev in &plan.events {
        let (Some(relation), Some(table)) = (analysis.relation(&ev.name), table_of(&ev.name)) else { continue };
        out.insert(ev.name.to_ascii_lowercase(), EventTable { relation, table, time_column: ev.time_column.clone() });
    }
    out
}
