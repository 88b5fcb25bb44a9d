//! A checked journey, resolved: stages and steps by position, successors
//! as indices, settings read and defaulted. Built only from a project that
//! names and types accepted, so nothing here reports; a journey that still
//! cannot be resolved (the caller ran despite errors) is left out.

use std::collections::BTreeMap;

use cjo_diagnostics::FileId;
use cjo_project::Workspace;
use cjo_semantic::{Analysis, Ty};
use cjo_syntax::ast::{self, Expr, Item, StepKind, ValueKind};

/// A stage's position in its journey (0-based, declared order).
pub type StageId = usize;
/// A step's position in its stage (0-based, declared order).
pub type StepId = usize;

/// One journey, ready to simulate or lower.
#[derive(Debug)]
pub struct Plan<'a> {
    /// The journey's name as declared.
    pub name: String,
    pub journey: &'a ast::Journey,
    pub file: FileId,
    /// The profile relation (a source or model name, as declared).
    pub profiles: String,
    /// The key column, in the profiles and in every event relation.
    pub key: String,
    pub key_type: Ty,
    pub events: Vec<EventRelation>,
    pub reentry: Reentry,
    /// The IANA time zone of `wait until date` and `wait until weekday`.
    pub timezone: String,
    /// The share of state rows the consistency check reads, in percent.
    pub sample_percent: f64,
    /// The goal holds when any of these holds (a journey declares one).
    pub goals: Vec<Criterion<'a>>,
    /// Journey-level exits, in declared order.
    pub exits: Vec<Criterion<'a>>,
    pub stages: Vec<StagePlan<'a>>,
}

/// An event relation criteria may quantify over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRelation {
    /// The source or model name, as declared.
    pub name: String,
    /// The timestamp column that says when each event happened.
    pub time_column: String,
}

/// A named condition: a goal or an exit (`name` is declared), or an entry
/// or milestone (`name` is empty).
#[derive(Clone, Copy, Debug)]
pub struct Criterion<'a> {
    pub name: &'a str,
    pub expr: &'a Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReentryRule {
    /// Never a second instance.
    None,
    /// A new instance unless an earlier one reached the goal.
    UnlessGoal,
    Always,
}

/// `reentry = rule [cooldown D]`; `none` without a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reentry {
    pub rule: ReentryRule,
    /// Not before the latest instance's end plus this many seconds.
    pub cooldown_seconds: Option<u64>,
}

#[derive(Debug)]
pub struct StagePlan<'a> {
    pub name: String,
    /// The name the stage had in the previous build (`(was old)`).
    pub was: Option<String>,
    /// The stage is entered when any of these holds (none: only by
    /// advancing or jumping into it).
    pub entries: Vec<&'a Expr>,
    /// Stage exits, in declared order.
    pub exits: Vec<Criterion<'a>>,
    /// The milestone holds when any of these holds.
    pub milestones: Vec<&'a Expr>,
    pub steps: Vec<StepPlan<'a>>,
}

#[derive(Debug)]
pub struct StepPlan<'a> {
    pub name: String,
    /// The name the step had in the previous build (`(was old)`).
    pub was: Option<String>,
    /// A step removed from the journey, kept (`moved old -> step`) so that
    /// the customers still in it leave it: it is `wait 0 seconds -> step`,
    /// which no step leads to, so it releases them at the next tick.
    pub removed: bool,
    pub op: StepOp<'a>,
    /// The steps of the stage that lead here, in declared order.
    pub predecessors: Vec<StepId>,
}

/// Where a step continues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Step(StepId),
    /// Past the last declared step: as if an `end` followed (the customer
    /// parks in the stage with no open step).
    Park,
}

/// A weekday, ISO numbering: Monday is 1, Sunday 7.
pub type Weekday = u8;

#[derive(Debug)]
pub enum StepOp<'a> {
    Activate {
        destination: String,
        next: Next,
    },
    Wait {
        seconds: u64,
        next: Next,
    },
    /// Released at midnight of this date in the journey's time zone.
    WaitUntilDate {
        year: i32,
        month: u8,
        day: u8,
        next: Next,
    },
    WaitUntilWeekday {
        days: Vec<Weekday>,
        next: Next,
    },
    /// Branch 1 continues with `next`, branch 0 (timeout) with `on_timeout`.
    WaitUntil {
        condition: &'a Expr,
        timeout_seconds: u64,
        next: Next,
        on_timeout: StepId,
    },
    /// The first `when` that holds (branch `i + 1`), else `otherwise` (0).
    Decide {
        whens: Vec<(&'a Expr, StepId)>,
        otherwise: StepId,
    },
    /// The control first (variant 0), then the variants (1, 2, …), each
    /// taking the next `basis_points` of the 10,000 buckets.
    AbTest {
        arms: Vec<AbArm>,
    },
    Merge {
        next: Next,
    },
    /// A later stage of the same journey.
    Jump {
        stage: StageId,
    },
    /// A stage of another journey: ends this instance.
    JumpJourney {
        journey: String,
        stage: String,
    },
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbArm {
    /// 0 for the control, `i` for the i-th declared variant.
    pub variant: u32,
    /// The share in hundredths of a percent (45% is 4500).
    pub basis_points: u32,
    pub target: StepId,
}

impl StepOp<'_> {
    /// Steps that finish in the tick they start (all but waits and `end`).
    pub fn is_instant(&self) -> bool {
        !matches!(
            self,
            StepOp::Wait { .. }
                | StepOp::WaitUntilDate { .. }
                | StepOp::WaitUntilWeekday { .. }
                | StepOp::WaitUntil { .. }
                | StepOp::End
        )
    }

    pub fn is_wait(&self) -> bool {
        matches!(
            self,
            StepOp::Wait { .. }
                | StepOp::WaitUntilDate { .. }
                | StepOp::WaitUntilWeekday { .. }
                | StepOp::WaitUntil { .. }
        )
    }

    /// Every step this one may continue with, in branch order.
    pub fn successors(&self) -> Vec<StepId> {
        let next = |n: &Next| match n {
            Next::Step(s) => Some(*s),
            Next::Park => None,
        };
        match self {
            StepOp::Activate { next: n, .. }
            | StepOp::Wait { next: n, .. }
            | StepOp::WaitUntilDate { next: n, .. }
            | StepOp::WaitUntilWeekday { next: n, .. }
            | StepOp::Merge { next: n } => next(n).into_iter().collect(),
            StepOp::WaitUntil { next: n, on_timeout, .. } => next(n).into_iter().chain([*on_timeout]).collect(),
            StepOp::Decide { whens, otherwise } => whens.iter().map(|(_, t)| *t).chain([*otherwise]).collect(),
            StepOp::AbTest { arms } => arms.iter().map(|a| a.target).collect(),
            StepOp::Jump { .. } | StepOp::JumpJourney { .. } | StepOp::End => Vec::new(),
        }
    }
}

impl Plan<'_> {
    pub fn stage(&self, s: StageId) -> Option<&StagePlan<'_>> {
        self.stages.get(s)
    }

    pub fn is_last_stage(&self, s: StageId) -> bool {
        s + 1 == self.stages.len()
    }

    /// The stage of this journey called `name`.
    pub fn stage_named(&self, name: &str) -> Option<StageId> {
        self.stages.iter().position(|s| s.name == name)
    }
}

/// The plans of every journey of `ws` that resolves completely, in
/// declaration order (files in load order).
pub fn plans<'a>(ws: &'a Workspace, analysis: &Analysis) -> Vec<Plan<'a>> {
    let time_columns = declared_time_columns(ws);
    let mut out = Vec::new();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let Item::Journey(j) = item {
                if let Some(plan) = plan(ws, analysis, &time_columns, module.file, j) {
                    out.push(plan);
                }
            }
        }
    }
    out
}

/// `time_column = c` of each source, by lowercase source name.
fn declared_time_columns(ws: &Workspace) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let Item::Source(s) = item {
                if let Some(ValueKind::Word(w)) = setting(&s.settings, "time_column").map(|v| &v.kind) {
                    out.insert(s.name.text.to_ascii_lowercase(), w.clone());
                }
            }
        }
    }
    out
}

fn setting<'a>(settings: &'a [ast::Setting], key: &str) -> Option<&'a ast::Value> {
    settings.iter().find(|s| s.key.text == key).map(|s| &s.value)
}

fn word(value: Option<&ast::Value>) -> Option<String> {
    match value.map(|v| &v.kind) {
        Some(ValueKind::Word(w)) => Some(w.clone()),
        _ => None,
    }
}

fn plan<'a>(
    ws: &Workspace,
    analysis: &Analysis,
    time_columns: &BTreeMap<String, String>,
    file: FileId,
    j: &'a ast::Journey,
) -> Option<Plan<'a>> {
    let profiles_name = word(setting(&j.settings, "profiles"))?;
    let profiles = analysis.relation(&profiles_name)?;
    let key = word(setting(&j.settings, "key"))?;
    let key_col = profiles.column(&key)?;
    let mut events = Vec::new();
    if let Some(v) = setting(&j.settings, "events") {
        let names: Vec<String> = match &v.kind {
            ValueKind::List(items) => items.iter().filter_map(|i| word(Some(i))).collect(),
            ValueKind::Word(w) => vec![w.clone()],
            _ => Vec::new(),
        };
        for name in names {
            let rel = analysis.relation(&name)?;
            let time_column = match time_columns.get(&name.to_ascii_lowercase()) {
                Some(c) => rel.column(c)?.name.clone(),
                None => rel.columns.iter().find(|c| c.ty == Ty::Timestamp)?.name.clone(),
            };
            events.push(EventRelation { name: rel.name.clone(), time_column });
        }
    }
    let timezone = match setting(&j.settings, "timezone").map(|v| &v.kind) {
        Some(ValueKind::Str(tz)) => tz.clone(),
        _ => ws.config.project.timezone.clone(),
    };
    let sample_percent = match setting(&j.settings, "consistency_sample").map(|v| &v.kind) {
        Some(ValueKind::Percent(p)) => p.parse().ok()?,
        _ => ws.config.journeys.consistency_sample,
    };
    let criteria = |list: &'a [ast::Criterion]| -> Vec<Criterion<'a>> {
        list.iter()
            .map(|c| Criterion { name: c.name.as_ref().map_or("", |n| n.text.as_str()), expr: &c.condition })
            .collect()
    };
    let mut stages = Vec::new();
    for stage in &j.stages {
        stages.push(StagePlan {
            name: stage.name.text.clone(),
            was: stage.was.as_ref().map(|w| w.old.text.clone()),
            entries: stage.entries.iter().map(|c| &c.condition).collect(),
            exits: criteria(&stage.exits),
            milestones: stage.milestones.iter().map(|c| &c.condition).collect(),
            steps: Vec::new(),
        });
    }
    let stage_names: Vec<String> = stages.iter().map(|s| s.name.clone()).collect();
    for (plan_stage, stage) in stages.iter_mut().zip(&j.stages) {
        plan_stage.steps = steps(stage, &stage_names)?;
    }
    Some(Plan {
        name: j.name.text.clone(),
        journey: j,
        file,
        profiles: profiles.name.clone(),
        key: key_col.name.clone(),
        key_type: key_col.ty.clone(),
        events,
        reentry: reentry(setting(&j.settings, "reentry"))?,
        timezone,
        sample_percent,
        goals: criteria(&j.goals),
        exits: criteria(&j.exits),
        stages,
    })
}

fn reentry(value: Option<&ast::Value>) -> Option<Reentry> {
    let Some(value) = value else { return Some(Reentry { rule: ReentryRule::None, cooldown_seconds: None }) };
    let (base, cooldown) = match &value.kind {
        ValueKind::Modified { base, modifier, arg } if modifier.text == "cooldown" => match &arg.kind {
            ValueKind::Duration(d) => (&**base, Some(d.seconds())),
            _ => return None,
        },
        _ => (value, None),
    };
    let rule = match word(Some(base))?.as_str() {
        "none" => ReentryRule::None,
        "unless_goal" => ReentryRule::UnlessGoal,
        "always" => ReentryRule::Always,
        _ => return None,
    };
    Some(Reentry { rule, cooldown_seconds: cooldown })
}

fn steps<'a>(stage: &'a ast::Stage, stage_names: &[String]) -> Option<Vec<StepPlan<'a>>> {
    let index: BTreeMap<&str, StepId> = stage.steps.iter().enumerate().map(|(i, s)| (s.name.as_str(), i)).collect();
    let find = |n: &ast::Name| index.get(n.as_str()).copied();
    let mut out = Vec::new();
    for (i, step) in stage.steps.iter().enumerate() {
        // Named successor, else the next declared step, else park.
        let next = match &step.next {
            Some(n) => Next::Step(find(n)?),
            None if i + 1 < stage.steps.len() => Next::Step(i + 1),
            None => Next::Park,
        };
        let op = match &step.kind {
            StepKind::Activate { destination } => StepOp::Activate { destination: destination.value.clone(), next },
            StepKind::Wait { duration } => StepOp::Wait { seconds: duration.seconds(), next },
            StepKind::WaitUntilDate { date } => {
                let (year, month, day) = parse_date(&date.value)?;
                StepOp::WaitUntilDate { year, month, day, next }
            }
            StepKind::WaitUntilWeekday { days } => {
                StepOp::WaitUntilWeekday { days: days.iter().map(|d| weekday(&d.text)).collect::<Option<_>>()?, next }
            }
            StepKind::WaitUntil { condition, timeout, on_timeout } => {
                // The condition continues in declared order, never `-> s`.
                let next = if i + 1 < stage.steps.len() { Next::Step(i + 1) } else { Next::Park };
                StepOp::WaitUntil { condition, timeout_seconds: timeout.seconds(), next, on_timeout: find(on_timeout)? }
            }
            StepKind::Decide { branches, otherwise, .. } => StepOp::Decide {
                whens: branches.iter().map(|b| Some((&b.condition, find(&b.target)?))).collect::<Option<_>>()?,
                otherwise: find(otherwise.as_ref()?)?,
            },
            StepKind::AbTest { arms } => StepOp::AbTest { arms: ab_arms(arms, &find)? },
            StepKind::Jump { journey: None, stage } => {
                StepOp::Jump { stage: stage_names.iter().position(|s| s == stage.as_str())? }
            }
            StepKind::Jump { journey: Some(journey), stage } => {
                StepOp::JumpJourney { journey: journey.text.clone(), stage: stage.text.clone() }
            }
            StepKind::Merge => StepOp::Merge { next },
            StepKind::End => StepOp::End,
            StepKind::Error => return None,
        };
        let was = step.was.as_ref().map(|w| w.old.text.clone());
        out.push(StepPlan { name: step.name.text.clone(), was, removed: false, op, predecessors: Vec::new() });
    }
    for i in 0..out.len() {
        let successors = out.get(i).map(|s| s.op.successors()).unwrap_or_default();
        for to in successors {
            if let Some(target) = out.get_mut(to) {
                if !target.predecessors.contains(&i) {
                    target.predecessors.push(i);
                }
            }
        }
    }
    for s in &mut out {
        s.predecessors.sort_unstable();
    }
    // After the predecessors: a removed step leads its customers on but is
    // no step's predecessor (a `decide`'s `step_start` ignores it).
    for m in &stage.moved {
        let next = match find(&m.to) {
            Some(i) => Next::Step(i),
            None if m.to.as_str() == "end" => Next::Park,
            None => return None,
        };
        out.push(StepPlan {
            name: m.old.text.clone(),
            was: None,
            removed: true,
            op: StepOp::Wait { seconds: 0, next },
            predecessors: Vec::new(),
        });
    }
    Some(out)
}

fn ab_arms(arms: &[ast::Arm], find: &dyn Fn(&ast::Name) -> Option<StepId>) -> Option<Vec<AbArm>> {
    let mut out = Vec::new();
    // The control takes the first buckets wherever it is written.
    for arm in arms.iter().filter(|a| a.variant.is_none()) {
        out.push(AbArm { variant: 0, basis_points: basis_points(&arm.share)?, target: find(&arm.target)? });
    }
    for (k, arm) in arms.iter().filter(|a| a.variant.is_some()).enumerate() {
        let variant = u32::try_from(k + 1).ok()?;
        out.push(AbArm { variant, basis_points: basis_points(&arm.share)?, target: find(&arm.target)? });
    }
    Some(out)
}

/// `45` → 4500, `33.33` → 3333 (at most two decimals, checked before).
pub fn basis_points(share: &str) -> Option<u32> {
    let (whole, frac) = share.split_once('.').unwrap_or((share, ""));
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let frac: u32 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(frac)
}

fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let mut parts = text.split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some((y, m, d))
}

/// `mon` … `sun` (also full names) as ISO weekday numbers.
pub fn weekday(word: &str) -> Option<Weekday> {
    let w = word.to_ascii_lowercase();
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let n = DAYS.iter().position(|d| w.starts_with(d))?;
    u8::try_from(n + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_in_basis_points() {
        assert_eq!(basis_points("45"), Some(4500));
        assert_eq!(basis_points("33.33"), Some(3333));
        assert_eq!(basis_points("0.5"), Some(50));
        assert_eq!(basis_points("1.234"), None);
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday("mon"), Some(1));
        assert_eq!(weekday("Sunday"), Some(7));
        assert_eq!(weekday("xyz"), None);
    }
}
