//! The rules of one tick (JOURNEYS.md, "One tick at time T", with the
//! precisions of docs/journeys.md) for one journey: goal, exits, entry,
//! stage advance, wait release, then the steps that run at once.

use std::collections::{BTreeMap, BTreeSet};

use cjo_syntax::ast::Expr;

use super::eval::{Anchors, Env, EventRows, RunParams};
use super::funcs::ab_bucket;
use super::prepare::Prepared;
use super::time::{self, MICROS_PER_SECOND, Micros};
use super::value::{Key, Value};
use super::{Activation, Happening, Instance, JourneyState, SimError};
use crate::plan::{Next, Plan, ReentryRule, StageId, StepId, StepOp};

/// One journey at one tick.
pub(crate) struct Cx<'x, 'a, 'd> {
    pub plan: &'x Plan<'a>,
    pub prep: &'x Prepared<'d>,
    pub t: Micros,
    pub run: RunParams,
}

/// The customer a rule looks at.
struct Who<'x, 'd> {
    key: &'x Key,
    profile_row: Option<&'d [Value]>,
    events: &'x BTreeMap<String, EventRows<'d>>,
}

/// The instance being changed, and where its activations and happenings go.
struct Live<'r> {
    inst: &'r mut Instance,
    activations: &'r mut Vec<Activation>,
    out: &'r mut Vec<Happening>,
}

fn seconds(s: u64) -> i64 {
    i64::try_from(s).unwrap_or(i64::MAX / MICROS_PER_SECOND).saturating_mul(MICROS_PER_SECOND)
}

impl Cx<'_, '_, '_> {
    /// Runs the tick for every customer: the profiles' keys and every key
    /// that has instances.
    pub fn run(
        &self,
        state: &mut JourneyState,
        pending: &BTreeMap<Key, (Micros, StageId)>,
    ) -> Result<Vec<Happening>, SimError> {
        let keys: BTreeSet<Key> = self.prep.profiles.keys().chain(state.instances.keys()).cloned().collect();
        let mut out = Vec::new();
        for key in &keys {
            let who = Who {
                key,
                profile_row: self.prep.profiles.get(key).copied(),
                events: self.prep.events.get(key).unwrap_or(&self.prep.no_events),
            };
            let l = &self.prep.layout;
            let active = state
                .instances
                .get(key)
                .and_then(|list| list.last())
                .is_some_and(|i| i.get(l.outtime_journey).is_none() && i.get(l.intime_journey).is_some());
            if active {
                let JourneyState { instances, activations } = &mut *state;
                if let Some(inst) = instances.get_mut(key).and_then(|list| list.last_mut()) {
                    self.active(&who, &mut Live { inst, activations, out: &mut out })?;
                }
            } else if let Some(stage) = self.entry(&who, state, pending.get(key))? {
                let no = state.instances.get(key).and_then(|l| l.last()).map_or(1, |i| i.no + 1);
                let mut inst = Instance { no, values: vec![None; l.columns.len()] };
                inst.set(l.intime_journey, self.t);
                let JourneyState { instances, activations } = &mut *state;
                let list = instances.entry(key.clone()).or_default();
                list.push(inst);
                if let Some(inst) = list.last_mut() {
                    let mut live = Live { inst, activations, out: &mut out };
                    let how = match pending.get(key) {
                        Some(_) => " (by a jump from another journey)",
                        None => "",
                    };
                    self.enter_stage(
                        &who,
                        &mut live,
                        stage.0,
                        &format!("entered stage {}{how}", self.stage_name(stage.0)),
                    )?;
                }
            }
        }
        Ok(out)
    }

    // ----- criteria -----

    fn holds(
        &self,
        who: &Who<'_, '_>,
        e: &Expr,
        anchors: Anchors,
        cutoff: Micros,
        what: &str,
    ) -> Result<bool, SimError> {
        let env = Env {
            run: self.run,
            t: self.t,
            cutoff,
            anchors,
            profile: self.prep.profile,
            profile_row: who.profile_row,
            events: who.events,
        };
        env.holds(e).map_err(|m| {
            SimError::new(format!(
                "journey `{}`, customer {}, tick {}: {what}: {m}",
                self.plan.name,
                who.key,
                time::format_seconds(self.t)
            ))
        })
    }

    fn any_holds(&self, who: &Who<'_, '_>, exprs: &[&Expr], anchors: Anchors, what: &str) -> Result<bool, SimError> {
        for e in exprs {
            if self.holds(who, e, anchors, self.t, what)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    // ----- rules 1, 2, 4, 5: an instance active before the tick -----

    fn active(&self, who: &Who<'_, '_>, live: &mut Live<'_>) -> Result<(), SimError> {
        let l = &self.prep.layout;
        let journey = live.inst.get(l.intime_journey);
        let stage = self.open_stage(live.inst);
        let base = Anchors { journey, stage: None, step: None };
        // 1. Goal.
        for g in &self.plan.goals {
            if self.holds(who, g.expr, base, self.t, &format!("the goal `{}`", g.name))? {
                if let Some(c) = l.goal {
                    live.inst.set(c, self.t);
                }
                self.close(live.inst);
                self.say(who, live, format!("reached the goal {}", g.name));
                return Ok(());
            }
        }
        // 2. Exits: the journey's, then the current stage's.
        for (e, &col) in self.plan.exits.iter().zip(&l.exits) {
            if self.holds(who, e.expr, base, self.t, &format!("the exit `{}`", e.name))? {
                live.inst.set(col, self.t);
                self.close(live.inst);
                self.say(who, live, format!("exited: {}", e.name));
                return Ok(());
            }
        }
        let Some(s) = stage else { return Ok(()) };
        let (Some(stage_plan), Some(cols)) = (self.plan.stages.get(s), l.stages.get(s)) else { return Ok(()) };
        let in_stage = Anchors { journey, stage: live.inst.get(cols.intime), step: None };
        for (e, &col) in stage_plan.exits.iter().zip(&cols.exits) {
            let what = format!("the exit `{}` of stage `{}`", e.name, stage_plan.name);
            if self.holds(who, e.expr, in_stage, self.t, &what)? {
                live.inst.set(col, self.t);
                self.close(live.inst);
                self.say(who, live, format!("exited: {} (stage {})", e.name, stage_plan.name));
                return Ok(());
            }
        }
        // 4. Stage advance.
        if self.advance(who, live, s, in_stage)? {
            return Ok(());
        }
        // 5. Wait release.
        self.release(who, live, s, in_stage)
    }

    /// Rule 4; whether the instance moved (or ended).
    fn advance(&self, who: &Who<'_, '_>, live: &mut Live<'_>, s: StageId, in_stage: Anchors) -> Result<bool, SimError> {
        let l = &self.prep.layout;
        let Some(stage) = self.plan.stages.get(s) else { return Ok(false) };
        let what = format!("the milestone of stage `{}`", stage.name);
        let milestone = !stage.milestones.is_empty() && self.any_holds(who, &stage.milestones, in_stage, &what)?;
        let mut target = milestone.then_some(s + 1);
        for j in (s + 1..self.plan.stages.len()).rev() {
            if target.is_some_and(|t| t >= j) {
                break;
            }
            let Some(later) = self.plan.stages.get(j) else { continue };
            let what = format!("the entry of stage `{}`", later.name);
            if !later.entries.is_empty() && self.any_holds(who, &later.entries, Anchors::default(), &what)? {
                target = Some(j);
                break;
            }
        }
        if milestone {
            if let Some(c) = l.stages.get(s).and_then(|c| c.milestone) {
                live.inst.set(c, self.t);
            }
            self.say(who, live, format!("reached the milestone of stage {}", stage.name));
        }
        match target {
            Some(j) if j < self.plan.stages.len() => {
                self.close_stage(live.inst, s);
                self.enter_stage(who, live, j, &format!("moved on to stage {}", self.stage_name(j)))?;
                Ok(true)
            }
            Some(_) => {
                // A milestone in the last stage ends the instance.
                self.close(live.inst);
                self.say(who, live, "left the journey (milestone of the last stage)".into());
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Rule 5: the open wait step, entered in an earlier tick.
    fn release(&self, who: &Who<'_, '_>, live: &mut Live<'_>, s: StageId, in_stage: Anchors) -> Result<(), SimError> {
        let Some(p) = self.open_step(live.inst, s) else { return Ok(()) };
        let Some(cols) = self.step_cols(s, p) else { return Ok(()) };
        let Some(t0) = live.inst.get(cols.intime) else { return Ok(()) };
        let Some(step) = self.plan.stages.get(s).and_then(|st| st.steps.get(p)) else { return Ok(()) };
        if t0 >= self.t {
            return Ok(());
        }
        let (next, branch, text) = match &step.op {
            StepOp::Wait { seconds: d, next } if self.t >= t0.saturating_add(seconds(*d)) => {
                (*next, None, "done waiting")
            }
            StepOp::WaitUntilDate { year, month, day, next } => {
                let at = self.prep.zone.midnight(*year, *month, *day).unwrap_or(i64::MAX);
                if self.t < at {
                    return Ok(());
                }
                (*next, None, "the date has come")
            }
            StepOp::WaitUntilWeekday { days, next } => {
                let today = self.prep.zone.weekday(self.t).unwrap_or(0);
                if !days.contains(&today) {
                    return Ok(());
                }
                (*next, None, "the day has come")
            }
            StepOp::WaitUntil { condition, timeout_seconds, next, on_timeout } => {
                let deadline = t0.saturating_add(seconds(*timeout_seconds));
                let anchors = Anchors { step: Some(t0), ..in_stage };
                let what = format!("step `{}` of stage `{}`", step.name, self.stage_name(s));
                if self.holds(who, condition, anchors, deadline.min(self.t), &what)? {
                    (*next, Some(1), "the condition was met")
                } else if self.t >= deadline {
                    (Next::Step(*on_timeout), Some(0), "timed out")
                } else {
                    return Ok(());
                }
            }
            _ => return Ok(()),
        };
        live.inst.set(cols.outtime, self.t);
        if let (Some(b), Some(c)) = (branch, cols.extra) {
            live.inst.set(c, b);
        }
        self.say(who, live, format!("{text} (step {})", step.name));
        self.follow(who, live, s, next)
    }

    // ----- rule 3: entry -----

    /// The stage a customer without an active instance enters, if any.
    fn entry(
        &self,
        who: &Who<'_, '_>,
        state: &JourneyState,
        pending: Option<&(Micros, StageId)>,
    ) -> Result<Option<(StageId, bool)>, SimError> {
        let l = &self.prep.layout;
        if who.profile_row.is_none() {
            return Ok(None); // customers are the profile rows
        }
        let instances = state.instances.get(who.key).map_or(&[][..], Vec::as_slice);
        if let Some(latest) = instances.last() {
            match self.plan.reentry.rule {
                ReentryRule::None => return Ok(None),
                ReentryRule::UnlessGoal => {
                    if l.goal.is_some_and(|g| instances.iter().any(|i| i.get(g).is_some())) {
                        return Ok(None);
                    }
                }
                ReentryRule::Always => {}
            }
            if let Some(cd) = self.plan.reentry.cooldown_seconds {
                let ended = latest.get(l.outtime_journey);
                if ended.is_none_or(|o| self.t < o.saturating_add(seconds(cd))) {
                    return Ok(None);
                }
            }
        }
        let none = Anchors::default();
        for g in &self.plan.goals {
            if self.holds(who, g.expr, none, self.t, &format!("the goal `{}`", g.name))? {
                return Ok(None);
            }
        }
        for e in &self.plan.exits {
            if self.holds(who, e.expr, none, self.t, &format!("the exit `{}`", e.name))? {
                return Ok(None);
            }
        }
        if let Some(&(_, stage)) = pending {
            return Ok(Some((stage, true)));
        }
        for (s, stage) in self.plan.stages.iter().enumerate().rev() {
            let what = format!("the entry of stage `{}`", stage.name);
            if !stage.entries.is_empty() && self.any_holds(who, &stage.entries, none, &what)? {
                return Ok(Some((s, false)));
            }
        }
        Ok(None)
    }

    // ----- rule 6: steps -----

    /// Enters stage `s` at `T` and runs its steps from the first.
    fn enter_stage(&self, who: &Who<'_, '_>, live: &mut Live<'_>, s: StageId, text: &str) -> Result<(), SimError> {
        if let Some(c) = self.prep.layout.stages.get(s) {
            live.inst.set(c.intime, self.t);
        }
        self.say(who, live, text.to_string());
        let has_steps = self.plan.stages.get(s).is_some_and(|st| !st.steps.is_empty());
        self.follow(who, live, s, if has_steps { Next::Step(0) } else { Next::Park })
    }

    fn follow(&self, who: &Who<'_, '_>, live: &mut Live<'_>, s: StageId, next: Next) -> Result<(), SimError> {
        match next {
            Next::Step(p) => self.run_steps(who, live, s, p),
            Next::Park => {
                self.park(who, live, s, None);
                Ok(())
            }
        }
    }

    /// Starts step `p` and every instant step after it.
    fn run_steps(&self, who: &Who<'_, '_>, live: &mut Live<'_>, s: StageId, first: StepId) -> Result<(), SimError> {
        let Some(stage) = self.plan.stages.get(s) else { return Ok(()) };
        let mut p = first;
        // Step graphs are acyclic: each step runs at most once.
        for _ in 0..=stage.steps.len() {
            let (Some(step), Some(cols)) = (stage.steps.get(p), self.step_cols(s, p)) else { return Ok(()) };
            live.inst.set(cols.intime, self.t);
            let next = match &step.op {
                StepOp::Activate { destination, next } => {
                    live.activations.push(Activation {
                        key: who.key.clone(),
                        instance_no: live.inst.no,
                        stage: stage.name.clone(),
                        step: step.name.clone(),
                        destination: destination.clone(),
                        at: self.t,
                    });
                    self.say(who, live, format!("sent {destination} (step {})", step.name));
                    *next
                }
                StepOp::Decide { whens, otherwise } => {
                    let anchors = Anchors {
                        journey: live.inst.get(self.prep.layout.intime_journey),
                        stage: self.prep.layout.stages.get(s).and_then(|c| live.inst.get(c.intime)),
                        step: Some(self.decide_anchor(live.inst, s, p)),
                    };
                    let what = format!("step `{}` of stage `{}`", step.name, stage.name);
                    let mut chosen = (0, *otherwise);
                    for (i, (cond, target)) in whens.iter().enumerate() {
                        if self.holds(who, cond, anchors, self.t, &what)? {
                            chosen = (i64::try_from(i + 1).unwrap_or(i64::MAX), *target);
                            break;
                        }
                    }
                    if let Some(c) = cols.extra {
                        live.inst.set(c, chosen.0);
                    }
                    let target = self.step_name(s, chosen.1);
                    let text = match chosen.0 {
                        0 => format!("decided {}: else → {target}", step.name),
                        b => format!("decided {}: branch {b} → {target}", step.name),
                    };
                    self.say(who, live, text);
                    Next::Step(chosen.1)
                }
                StepOp::AbTest { arms } => {
                    let salt = format!("{}.{}.{}", self.plan.name, stage.name, step.name);
                    let bucket = ab_bucket(&salt, &who.key.to_string());
                    let mut upto = 0u32;
                    let mut chosen = arms.last().copied();
                    for arm in arms {
                        upto = upto.saturating_add(arm.basis_points);
                        if bucket < upto {
                            chosen = Some(*arm);
                            break;
                        }
                    }
                    let Some(arm) = chosen else { return Ok(()) };
                    if let Some(c) = cols.extra {
                        live.inst.set(c, i64::from(arm.variant));
                    }
                    let names = self.prep.variants.get(&(s, p));
                    let name = names.and_then(|n| n.get(usize::try_from(arm.variant).unwrap_or(0))).cloned();
                    let text = match (arm.variant, name) {
                        (0, _) => format!("A/B split {}: control", step.name),
                        (_, Some(n)) => format!("A/B split {}: variant {n}", step.name),
                        (v, None) => format!("A/B split {}: variant {v}", step.name),
                    };
                    self.say(who, live, text);
                    Next::Step(arm.target)
                }
                StepOp::Merge { next } => *next,
                StepOp::Jump { stage: to } => {
                    live.inst.set(cols.outtime, self.t);
                    self.close_stage(live.inst, s);
                    let text = format!("jumped to stage {} (step {})", self.stage_name(*to), step.name);
                    return self.enter_stage(who, live, *to, &text);
                }
                StepOp::JumpJourney { journey, stage: to } => {
                    live.inst.set(cols.outtime, self.t);
                    if let Some(c) = cols.extra {
                        live.inst.set(c, self.t);
                    }
                    self.close(live.inst);
                    self.say(who, live, format!("moved to journey {journey}, stage {to} (step {})", step.name));
                    return Ok(());
                }
                StepOp::End => {
                    self.park(who, live, s, Some(p));
                    return Ok(());
                }
                StepOp::Wait { seconds: d, .. } => {
                    self.say(who, live, format!("waiting {} (step {})", time::human_duration(*d), step.name));
                    return Ok(());
                }
                StepOp::WaitUntilDate { year, month, day, .. } => {
                    let text = format!("waiting until {year:04}-{month:02}-{day:02} (step {})", step.name);
                    self.say(who, live, text);
                    return Ok(());
                }
                StepOp::WaitUntilWeekday { days, .. } => {
                    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                    let list: Vec<&str> =
                        days.iter().filter_map(|d| NAMES.get(usize::from(*d).saturating_sub(1)).copied()).collect();
                    self.say(who, live, format!("waiting until {} (step {})", list.join(", "), step.name));
                    return Ok(());
                }
                StepOp::WaitUntil { timeout_seconds, .. } => {
                    let d = time::human_duration(*timeout_seconds);
                    self.say(who, live, format!("waiting up to {d} for its condition (step {})", step.name));
                    return Ok(());
                }
            };
            live.inst.set(cols.outtime, self.t);
            match next {
                Next::Step(n) => p = n,
                Next::Park => {
                    self.park(who, live, s, None);
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// An `end` (step `p`) or running past the last step: the customer
    /// parks in the stage; in the last stage the instance ends.
    fn park(&self, who: &Who<'_, '_>, live: &mut Live<'_>, s: StageId, p: Option<StepId>) {
        if self.plan.is_last_stage(s) {
            self.close(live.inst);
            self.say(who, live, "left the journey (end of last stage)".into());
        } else {
            let step = p.map(|p| format!(" (step {})", self.step_name(s, p))).unwrap_or_default();
            self.say(who, live, format!("parked at the end of stage {}{step}", self.stage_name(s)));
        }
    }

    /// `step_start` of a decision: the latest intime among its
    /// predecessors, else the stage's intime.
    fn decide_anchor(&self, inst: &Instance, s: StageId, p: StepId) -> Micros {
        let preds = self.plan.stages.get(s).and_then(|st| st.steps.get(p)).map(|st| st.predecessors.as_slice());
        let latest =
            preds.unwrap_or(&[]).iter().filter_map(|&q| self.step_cols(s, q).and_then(|c| inst.get(c.intime))).max();
        latest.or_else(|| self.prep.layout.stages.get(s).and_then(|c| inst.get(c.intime))).unwrap_or(self.t)
    }

    // ----- the instance's open stage and step -----

    fn open_stage(&self, inst: &Instance) -> Option<StageId> {
        self.prep.layout.stages.iter().position(|c| inst.get(c.intime).is_some() && inst.get(c.outtime).is_none())
    }

    fn open_step(&self, inst: &Instance, s: StageId) -> Option<StepId> {
        let stage = self.prep.layout.stages.get(s)?;
        stage.steps.iter().position(|c| inst.get(c.intime).is_some() && inst.get(c.outtime).is_none())
    }

    /// Closes the open step and stage `s`.
    fn close_stage(&self, inst: &mut Instance, s: StageId) {
        if let Some(p) = self.open_step(inst, s) {
            if let Some(c) = self.step_cols(s, p) {
                inst.set(c.outtime, self.t);
            }
        }
        if let Some(c) = self.prep.layout.stages.get(s) {
            inst.set(c.outtime, self.t);
        }
    }

    /// Ends the instance: its open step and stage, and the journey.
    fn close(&self, inst: &mut Instance) {
        if let Some(s) = self.open_stage(inst) {
            self.close_stage(inst, s);
        }
        inst.set(self.prep.layout.outtime_journey, self.t);
    }

    fn step_cols(&self, s: StageId, p: StepId) -> Option<super::layout::StepCols> {
        self.prep.layout.stages.get(s).and_then(|c| c.steps.get(p)).copied()
    }

    fn stage_name(&self, s: StageId) -> &str {
        self.plan.stages.get(s).map_or("?", |st| st.name.as_str())
    }

    fn step_name(&self, s: StageId, p: StepId) -> &str {
        self.plan.stages.get(s).and_then(|st| st.steps.get(p)).map_or("?", |st| st.name.as_str())
    }

    fn say(&self, who: &Who<'_, '_>, live: &mut Live<'_>, text: String) {
        let entered_at = live.inst.get(self.prep.layout.intime_journey).unwrap_or(self.t);
        live.out.push(Happening { key: who.key.clone(), instance_no: live.inst.no, at: self.t, entered_at, text });
    }
}
