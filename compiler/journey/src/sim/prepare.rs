//! What the rules need of a plan and its input, computed once: the column
//! layout, the time zone, profile rows by key, each customer's events
//! sorted by time, and where cross-journey jumps lead.

use std::collections::BTreeMap;

use cjo_syntax::ast::StepKind;

use super::SimError;
use super::data::{Data, Table};
use super::eval::EventRows;
use super::layout::Layout;
use super::time::Zone;
use super::value::{Key, Value};
use crate::plan::{Plan, StageId, StepId, StepOp};

/// A `jump other.stage` step of this journey.
#[derive(Clone, Debug)]
pub(crate) struct JumpOut {
    /// This journey's `jump_…` column.
    pub column: usize,
    /// The target journey's position among the simulated plans.
    pub journey: usize,
    pub stage: StageId,
}

#[derive(Debug)]
pub(crate) struct Prepared<'d> {
    pub layout: Layout,
    pub zone: Zone,
    pub profile: &'d Table,
    /// Profile row of each key (rows with a null key left out).
    pub profiles: BTreeMap<Key, &'d [Value]>,
    /// Each customer's events, by lowercase relation name.
    pub events: BTreeMap<Key, BTreeMap<String, EventRows<'d>>>,
    /// Every event relation with no rows, for customers without events.
    pub no_events: BTreeMap<String, EventRows<'d>>,
    pub jumps: Vec<JumpOut>,
    /// The name of each A/B variant (`control` for 0), by stage and step.
    pub variants: BTreeMap<(StageId, StepId), Vec<String>>,
}

impl<'d> Prepared<'d> {
    pub fn new(plan: &Plan<'_>, all: &[&Plan<'_>], data: &'d Data) -> Result<Prepared<'d>, SimError> {
        let fail = |m: String| SimError::new(format!("journey `{}`: {m}", plan.name));
        let layout = Layout::of(plan).ok_or_else(|| fail("its state columns could not be laid out".into()))?;
        let zone = Zone::get(&plan.timezone).ok_or_else(|| fail(format!("unknown time zone `{}`", plan.timezone)))?;
        let profile =
            data.get(&plan.profiles).ok_or_else(|| fail(format!("no rows for the profiles `{}`", plan.profiles)))?;
        let key_at = profile
            .column(&plan.key)
            .ok_or_else(|| fail(format!("the profiles `{}` have no key column `{}`", plan.profiles, plan.key)))?;
        let mut profiles = BTreeMap::new();
        for row in &profile.rows {
            let Some(key) = row.get(key_at).and_then(Key::of) else { continue };
            if profiles.insert(key.clone(), row.as_slice()).is_some() {
                return Err(fail(format!(
                    "the profiles `{}` have more than one row with {} = {key}: a journey needs one row per customer",
                    plan.profiles, plan.key
                )));
            }
        }
        let mut events: BTreeMap<Key, BTreeMap<String, EventRows<'d>>> = BTreeMap::new();
        let mut no_events = BTreeMap::new();
        for rel in &plan.events {
            let table = data.get(&rel.name).ok_or_else(|| fail(format!("no rows for the events `{}`", rel.name)))?;
            let missing = |c: &str| fail(format!("the events `{}` have no column `{c}`", rel.name));
            let key_col = table.column(&plan.key).ok_or_else(|| missing(&plan.key))?;
            let time_col = table.column(&rel.time_column).ok_or_else(|| missing(&rel.time_column))?;
            let lower = rel.name.to_ascii_lowercase();
            no_events.insert(lower.clone(), EventRows { table, rows: Vec::new() });
            for row in &table.rows {
                // Events without a time or a key are never seen.
                let (Some(key), Some(Value::Timestamp(at))) = (row.get(key_col).and_then(Key::of), row.get(time_col))
                else {
                    continue;
                };
                events
                    .entry(key)
                    .or_default()
                    .entry(lower.clone())
                    .or_insert_with(|| EventRows { table, rows: Vec::new() })
                    .rows
                    .push((*at, row.as_slice()));
            }
        }
        for per_customer in events.values_mut() {
            for (name, empty) in &no_events {
                per_customer.entry(name.clone()).or_insert_with(|| empty.clone());
            }
            for rows in per_customer.values_mut() {
                rows.rows.sort_by_key(|(at, _)| *at);
            }
        }
        let mut jumps = Vec::new();
        let mut variants = BTreeMap::new();
        for (s, stage) in plan.stages.iter().enumerate() {
            for (p, step) in stage.steps.iter().enumerate() {
                if let StepOp::JumpJourney { journey, stage: target } = &step.op {
                    let column = layout.stages.get(s).and_then(|st| st.steps.get(p)).and_then(|c| c.extra);
                    let to = all.iter().position(|o| o.name.eq_ignore_ascii_case(journey));
                    let to_stage = to.and_then(|k| all.get(k)).and_then(|o| {
                        o.stage_named(target)
                            .or_else(|| o.stages.iter().position(|x| x.name.eq_ignore_ascii_case(target)))
                    });
                    // A jump into a journey that is not simulated leads nowhere here.
                    if let (Some(column), Some(journey), Some(stage)) = (column, to, to_stage) {
                        jumps.push(JumpOut { column, journey, stage });
                    }
                }
                if matches!(step.op, StepOp::AbTest { .. }) {
                    variants.insert((s, p), variant_names(plan, s, p));
                }
            }
        }
        Ok(Prepared { layout, zone, profile, profiles, events, no_events, jumps, variants })
    }
}

/// `control`, then each declared variant's name, as `AbArm::variant`
/// numbers them.
fn variant_names(plan: &Plan<'_>, s: StageId, p: StepId) -> Vec<String> {
    let mut names = vec!["control".to_string()];
    let step = plan.journey.stages.get(s).and_then(|st| st.steps.get(p));
    if let Some(StepKind::AbTest { arms }) = step.map(|st| &st.kind) {
        names.extend(arms.iter().filter_map(|a| a.variant.as_ref()).map(|v| v.text.clone()));
    }
    names
}
