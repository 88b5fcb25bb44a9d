//! The reference simulator of JOURNEYS.md: every journey of a project run
//! over profile and event rows in memory, tick by tick, giving the state
//! table (exactly the columns of [`Plan::columns`]) and the activations
//! that the generated SQL must reproduce.
//!
//! [`data`] reads the input rows, [`eval`] evaluates criteria with SQL's
//! three-valued logic ([`funcs`] the standard library's functions), the
//! rules of one tick live in `rules`, and [`output`] prints the results.

pub mod data;
pub mod eval;
pub mod funcs;
pub mod layout;
pub mod output;
mod prepare;
mod rules;
pub mod time;
pub mod value;

use std::collections::BTreeMap;
use std::fmt;

pub use data::{Data, DataError, Table};
pub use time::Micros;
pub use value::{Key, Value};

use crate::plan::{Plan, StageId};
use prepare::Prepared;

/// One journey instance: `(key, instance_no)` and a value per column of
/// [`Plan::columns`] (timestamps in microseconds, branches and variants as
/// numbers), `None` for null.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub no: u32,
    pub values: Vec<Option<i64>>,
}

impl Instance {
    pub fn get(&self, column: usize) -> Option<i64> {
        self.values.get(column).copied().flatten()
    }

    /// Stamps a column as `min()` would: an earlier value is kept.
    fn set(&mut self, column: usize, v: i64) {
        if let Some(slot) = self.values.get_mut(column) {
            if slot.is_none_or(|old| v < old) {
                *slot = Some(v);
            }
        }
    }
}

/// One row of a journey's activation table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activation {
    pub key: Key,
    pub instance_no: u32,
    /// The stage and step as declared.
    pub stage: String,
    pub step: String,
    pub destination: String,
    pub at: Micros,
}

/// A journey's tables after some ticks.
#[derive(Clone, Debug, Default)]
pub struct JourneyState {
    /// Each customer's instances, by increasing `instance_no`.
    pub instances: BTreeMap<Key, Vec<Instance>>,
    /// Every activation so far, in the order they happened.
    pub activations: Vec<Activation>,
}

/// Something that happened to a customer in a tick, in plain words
/// (`entered stage welcome`, `sent email.welcome (step send_welcome)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Happening {
    pub key: Key,
    pub instance_no: u32,
    pub at: Micros,
    /// When the instance entered the journey.
    pub entered_at: Micros,
    pub text: String,
}

/// Why the simulation could not go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError {
    pub message: String,
}

impl SimError {
    fn new(message: impl Into<String>) -> SimError {
        SimError { message: message.into() }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SimError {}

/// Several journeys simulated together.
#[derive(Debug)]
pub struct Simulator<'p, 'a, 'd> {
    plans: Vec<&'p Plan<'a>>,
    prepared: Vec<Prepared<'d>>,
    /// Plan positions in the order they run in a tick: a journey after
    /// every journey that jumps into it.
    order: Vec<usize>,
    states: Vec<JourneyState>,
    every: Micros,
}

/// The state of every simulated journey after one tick.
#[derive(Clone, Debug)]
pub struct TickResult {
    pub time: Micros,
    /// In the order of the plans given.
    pub states: Vec<JourneyState>,
    pub happenings: Vec<Vec<Happening>>,
}

impl<'p, 'a, 'd> Simulator<'p, 'a, 'd> {
    /// Prepares `plans` over `data` for ticks `every` apart (the tick
    /// interval gives `$run_start`).
    pub fn new(plans: Vec<&'p Plan<'a>>, data: &'d Data, every: Micros) -> Result<Self, SimError> {
        let prepared = plans.iter().map(|p| Prepared::new(p, &plans, data)).collect::<Result<Vec<_>, _>>()?;
        let order = tick_order(&prepared);
        let states = vec![JourneyState::default(); plans.len()];
        Ok(Simulator { plans, prepared, order, states, every })
    }

    pub fn plans(&self) -> &[&'p Plan<'a>] {
        &self.plans
    }

    /// Plan positions in the order a tick runs them.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Every journey's tables, in the order of the plans given.
    pub fn states(&self) -> &[JourneyState] {
        &self.states
    }

    /// Continues from tables of an earlier run (over other rows, say: rows
    /// that arrived late), in the order of the plans given.
    pub fn with_states(mut self, states: Vec<JourneyState>) -> Self {
        if states.len() == self.states.len() {
            self.states = states;
        }
        self
    }

    pub fn state(&self, journey: usize) -> Option<&JourneyState> {
        self.states.get(journey)
    }

    /// Runs the tick at `t` for every journey; what happened, per plan.
    pub fn tick(&mut self, t: Micros) -> Result<Vec<Vec<Happening>>, SimError> {
        let run = eval::RunParams::at(t, self.every);
        let mut happenings = vec![Vec::new(); self.plans.len()];
        for &j in &self.order {
            let pending = self.pending(j, t);
            let (Some(plan), Some(prep)) = (self.plans.get(j), self.prepared.get(j)) else { continue };
            let Some(state) = self.states.get_mut(j) else { continue };
            let cx = rules::Cx { plan, prep, t, run };
            let got = cx.run(state, &pending)?;
            if let Some(slot) = happenings.get_mut(j) {
                *slot = got;
            }
        }
        Ok(happenings)
    }

    /// Customers waiting to enter journey `k` by a cross-journey jump:
    /// `(tj, stage)`, the latest jump then the highest stage.
    fn pending(&self, k: usize, t: Micros) -> BTreeMap<Key, (Micros, StageId)> {
        let mut out: BTreeMap<Key, (Micros, StageId)> = BTreeMap::new();
        let entered = self.states.get(k);
        for (j, prep) in self.prepared.iter().enumerate() {
            let Some(state) = self.states.get(j) else { continue };
            for jump in prep.jumps.iter().filter(|jump| jump.journey == k) {
                for (key, instances) in &state.instances {
                    for inst in instances {
                        let Some(tj) = inst.get(jump.column) else { continue };
                        if tj > t {
                            continue;
                        }
                        let arrived = entered.and_then(|s| s.instances.get(key)).is_some_and(|list| {
                            list.iter().any(|i| i.get(self.intime_journey(k)).is_some_and(|at| at >= tj))
                        });
                        if arrived {
                            continue;
                        }
                        let cand = (tj, jump.stage);
                        let slot = out.entry(key.clone()).or_insert(cand);
                        if cand > *slot {
                            *slot = cand;
                        }
                    }
                }
            }
        }
        out
    }

    fn intime_journey(&self, k: usize) -> usize {
        self.prepared.get(k).map_or(0, |p| p.layout.intime_journey)
    }
}

/// Journeys in dependency order: one that is jumped into runs after the
/// journeys jumping into it; otherwise in the order given. (A cycle, which
/// the checker rejects, falls back to the order given.)
fn tick_order(prepared: &[Prepared<'_>]) -> Vec<usize> {
    let n = prepared.len();
    let mut before: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, prep) in prepared.iter().enumerate() {
        for jump in &prep.jumps {
            if jump.journey != j {
                if let Some(list) = before.get_mut(jump.journey) {
                    list.push(j);
                }
            }
        }
    }
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let ready = (0..n).find(|&k| {
            !done.get(k).copied().unwrap_or(true)
                && before.get(k).is_none_or(|b| b.iter().all(|j| done.get(*j).copied().unwrap_or(true)))
        });
        let next = ready.or_else(|| (0..n).find(|&k| !done.get(k).copied().unwrap_or(true)));
        let Some(k) = next else { break };
        if let Some(d) = done.get_mut(k) {
            *d = true;
        }
        order.push(k);
    }
    order
}

/// Runs `plans` over `data` at each tick of `ticks` (increasing), `every`
/// apart; the state of every journey after each tick.
pub fn simulate(
    plans: &[&Plan<'_>],
    data: &Data,
    ticks: &[Micros],
    every: Micros,
) -> Result<Vec<TickResult>, SimError> {
    let mut sim = Simulator::new(plans.to_vec(), data, every)?;
    let mut out = Vec::with_capacity(ticks.len());
    for &t in ticks {
        let happenings = sim.tick(t)?;
        out.push(TickResult { time: t, states: sim.states.clone(), happenings });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
