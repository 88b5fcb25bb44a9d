//! Pipelines, resolved: their settings typed (with the defaults filled
//! in), the tasks each runs, and the other pipelines each waits for.
//!
//! A pipeline runs the models and journeys its `run` names, everything
//! upstream of them, and the checks of every task it runs — except what
//! *another* pipeline names in its `run`: that pipeline owns it, and this
//! one waits for it instead of building it a second time. So a report
//! pipeline that reads the core tables waits for the core pipeline, as in
//! seed 001, and a pipeline that names a model itself always builds it.

use std::collections::{BTreeMap, BTreeSet};

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span, TextRange};
use cjo_project::Workspace;
use cjo_syntax::ast::{self, Setting, Value, ValueKind};

use crate::dag::{Task, TaskKind};
use crate::time::Date;

mod digdag;

/// When a pipeline runs, and so which interval each run covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// `cron "0 3 * * *"`: each run covers the time since the previous tick.
    Cron(String),
    /// `every 5 minutes`: each run covers the last period.
    Every { seconds: u64 },
    /// `hourly`: the hour that just ended, run on the hour.
    Hourly,
    /// `daily` / `daily at 06:00`: the calendar day that just ended (in
    /// the pipeline's time zone), run at midnight or at the given time.
    Daily { at: (u32, u32) },
    /// `weekly`: the week (Sunday to Sunday) that just ended.
    Weekly,
}

impl Schedule {
    /// The five-field cron expression of the run times, when there is one:
    /// `every` periods that divide an hour or a day are ticks of a cron.
    pub fn cron(&self) -> Option<String> {
        match self {
            Schedule::Cron(c) => Some(c.clone()),
            Schedule::Hourly => Some("0 * * * *".into()),
            Schedule::Daily { at: (h, m) } => Some(format!("{m} {h} * * *")),
            Schedule::Weekly => Some("0 0 * * 0".into()),
            Schedule::Every { seconds } => {
                let s = *seconds;
                if s % 60 != 0 {
                    None
                } else if s < 3600 && 3600 % s == 0 {
                    Some(if s == 60 { "* * * * *".into() } else { format!("*/{} * * * *", s / 60) })
                } else if s % 3600 == 0 && s < 86_400 && 86_400 % s == 0 {
                    Some(if s == 3600 { "0 * * * *".into() } else { format!("0 */{} * * *", s / 3600) })
                } else if s == 86_400 {
                    Some("0 0 * * *".into())
                } else if s == 7 * 86_400 {
                    Some("0 0 * * 0".into())
                } else {
                    None
                }
            }
        }
    }

    /// The run times are shifted from the interval a run covers: `daily at
    /// 06:00` runs at 06:00 for the day that ended at midnight.
    pub fn covers_whole_days(&self) -> bool {
        matches!(self, Schedule::Daily { .. })
    }

    /// As written in `.cjo` (for messages and the manifest).
    pub fn text(&self) -> String {
        match self {
            Schedule::Cron(c) => format!("cron \"{c}\""),
            Schedule::Every { seconds } => format!("every {seconds} seconds"),
            Schedule::Hourly => "hourly".into(),
            Schedule::Daily { at: (0, 0) } => "daily".into(),
            Schedule::Daily { at: (h, m) } => format!("daily at {h:02}:{m:02}"),
            Schedule::Weekly => "weekly".into(),
        }
    }
}

/// What a run does when a pipeline it waits for has not finished the
/// matching run within `upstream_timeout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LateRule {
    /// Skip this run (its tasks are marked skipped, not failed); the next
    /// run picks the late rows up (incremental models re-read their
    /// lookback).
    Skip,
    /// Run anyway with what is there.
    Wait,
    /// Fail the run, so nothing stale is published.
    Fail,
}

impl LateRule {
    pub fn as_str(self) -> &'static str {
        match self {
            LateRule::Skip => "skip",
            LateRule::Wait => "wait",
            LateRule::Fail => "fail",
        }
    }
}

/// A scheduler cjo writes files for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Orchestrator {
    Airflow,
    Digdag,
}

impl Orchestrator {
    pub fn as_str(self) -> &'static str {
        match self {
            Orchestrator::Airflow => "airflow",
            Orchestrator::Digdag => "digdag",
        }
    }
}

/// Another pipeline's tasks that a pipeline waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    /// The pipeline waited for.
    pub pipeline: String,
    /// Its tasks whose output is read: the models (and journeys) and their
    /// checks, so that data that failed a check is never read.
    pub tasks: Vec<String>,
    /// This pipeline's tasks that read them.
    pub needed_by: Vec<String>,
}

/// A pipeline with its settings resolved.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub name: String,
    pub doc: Option<String>,
    pub file: FileId,
    pub name_range: TextRange,
    pub schedule: Schedule,
    /// The pipeline's `timezone`, else the project's.
    pub timezone: String,
    pub retries: u32,
    pub retry_delay_seconds: u64,
    pub pool: Option<String>,
    pub sla_seconds: Option<u64>,
    /// `on_sla_miss`: the Python function (an import path) Airflow calls
    /// when a run misses its `sla`.
    pub on_sla_miss: Option<String>,
    pub on_late_upstream: LateRule,
    pub upstream_timeout_seconds: u64,
    pub orchestrators: BTreeSet<Orchestrator>,
    pub catchup: bool,
    pub start_date: Option<Date>,
    /// The models and journeys named in `run`, as written.
    pub run: Vec<String>,
    /// Its task ids, in the DAG's order.
    pub tasks: Vec<String>,
    /// The pipelines it waits for, by name.
    pub waits: Vec<Wait>,
    /// The sources it waits on (only with a late-input rule).
    pub feeds: Vec<crate::feed::Feed>,
    /// Where some settings are written, for messages.
    pub places: Places,
}

/// Where a pipeline's settings are written (the key), when they are.
#[derive(Clone, Debug, Default)]
pub struct Places {
    pub schedule: Option<TextRange>,
    pub late_rule: Option<TextRange>,
    pub catchup: Option<TextRange>,
    pub pool: Option<TextRange>,
    /// The value of `on_late_upstream`.
    pub late_rule_value: Option<TextRange>,
}

impl Pipeline {
    /// This pipeline's dependencies among its own tasks: `(task, upstream)`,
    /// in task order.
    pub fn edges<'a>(&'a self, tasks: &'a BTreeMap<String, Task>) -> Vec<(&'a str, &'a str)> {
        let members: BTreeSet<&str> = self.tasks.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        for id in &self.tasks {
            for d in tasks.get(id).into_iter().flat_map(|t| &t.depends_on) {
                if members.contains(d.as_str()) {
                    out.push((id.as_str(), d.as_str()));
                }
            }
        }
        out
    }
}

/// Defaults of settings a pipeline leaves out.
pub const DEFAULT_RETRY_DELAY: u64 = 300;
pub const DEFAULT_UPSTREAM_TIMEOUT: u64 = 3600;

/// The pipelines of the project, by name, with the tasks each runs; and
/// the problems found on the way (pipelines that wait for each other).
pub fn resolve(ws: &Workspace, tasks: &BTreeMap<String, Task>, order: &[String]) -> (Vec<Pipeline>, Vec<Diagnostic>) {
    let mut pipelines = Vec::new();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let ast::Item::Pipeline(p) = item {
                pipelines.push(settings(ws, module.file, p));
            }
        }
    }
    pipelines.sort_by(|a, b| a.name.cmp(&b.name));
    // Built once: with a pipeline per hundred models, looking these up by
    // scanning every task per pipeline was most of `check`'s time.
    let by_name: BTreeMap<String, &str> = tasks
        .values()
        .filter(|t| t.kind != TaskKind::Check)
        .map(|t| (t.name.to_ascii_lowercase(), t.id.as_str()))
        .collect();
    let checks = checks_by_subject(tasks);
    let named: BTreeMap<String, Vec<String>> =
        pipelines.iter().map(|p| (p.name.clone(), named_tasks(&p.run, &by_name))).collect();
    let members = membership(&named, tasks, &checks);
    let owners = owners(&named);
    let position: BTreeMap<&str, usize> = order.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    for p in &mut pipelines {
        let mine = members.get(&p.name).cloned().unwrap_or_default();
        // In `order`, without walking all of it per pipeline.
        let mut ranked: Vec<(usize, &String)> =
            mine.iter().filter_map(|id| position.get(id.as_str()).map(|&i| (i, id))).collect();
        ranked.sort_unstable();
        p.tasks = ranked.into_iter().map(|(_, id)| id.clone()).collect();
        p.waits = waits(&p.name, &mine, tasks, &owners, &members, &checks);
    }
    let mut problems = wait_cycles(&pipelines);
    problems.extend(pipelines.iter().flat_map(|p| settings_problems(p, &pipelines)));
    (pipelines, problems)
}

/// The task ids of the models and journeys `run` names (`by_name`: each
/// model's and journey's task by lowercase name).
fn named_tasks(run: &[String], by_name: &BTreeMap<String, &str>) -> Vec<String> {
    run.iter().filter_map(|n| by_name.get(&n.to_ascii_lowercase()).map(|id| id.to_string())).collect()
}

/// Task id → the pipelines that name it in `run`.
fn owners(named: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (p, ids) in named {
        for id in ids {
            out.entry(id.clone()).or_default().insert(p.clone());
        }
    }
    out
}

/// The task a check checks: its model or journey (a check's `name`).
fn subject<'a>(check: &'a Task, tasks: &'a BTreeMap<String, Task>) -> Option<&'a str> {
    check
        .depends_on
        .iter()
        .find(|d| tasks.get(*d).is_some_and(|t| t.kind != TaskKind::Check && t.name.eq_ignore_ascii_case(&check.name)))
        .map(String::as_str)
}

/// Each model's and journey's task id → the ids of the checks of it
/// ([`subject`]), in task order.
fn checks_by_subject(tasks: &BTreeMap<String, Task>) -> BTreeMap<&str, Vec<&str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in tasks.values().filter(|t| t.kind == TaskKind::Check) {
        if let Some(s) = subject(c, tasks) {
            out.entry(s).or_default().push(c.id.as_str());
        }
    }
    out
}

/// Each pipeline's tasks: what it names, what they need unless another
/// pipeline owns it, and the checks of what it runs (`checks`, from
/// [`checks_by_subject`]).
fn membership(
    named: &BTreeMap<String, Vec<String>>,
    tasks: &BTreeMap<String, Task>,
    checks: &BTreeMap<&str, Vec<&str>>,
) -> BTreeMap<String, BTreeSet<String>> {
    let owners = owners(named);
    let owned_elsewhere = |id: &str, p: &str| owners.get(id).is_some_and(|o| !o.is_empty() && !o.contains(p));
    let mut out = BTreeMap::new();
    for (p, ids) in named {
        let mut included: BTreeSet<String> = BTreeSet::new();
        let mut todo: Vec<String> = ids.clone();
        while let Some(id) = todo.pop() {
            if included.contains(&id) {
                continue;
            }
            if let Some(t) = tasks.get(&id) {
                for d in &t.depends_on {
                    if !owned_elsewhere(d, p) && !included.contains(d) {
                        todo.push(d.clone());
                    }
                }
            }
            // The checks of what it runs; a check's other inputs (the
            // model a `references` check reads) come in as above.
            for c in checks.get(id.as_str()).into_iter().flatten() {
                if !included.contains(*c) {
                    todo.push((*c).to_string());
                }
            }
            included.insert(id);
        }
        out.insert(p.clone(), included);
    }
    out
}

/// What `pipeline` waits for: for each task it reads but does not run,
/// the pipelines that own that task.
fn waits(
    pipeline: &str,
    mine: &BTreeSet<String>,
    tasks: &BTreeMap<String, Task>,
    owners: &BTreeMap<String, BTreeSet<String>>,
    members: &BTreeMap<String, BTreeSet<String>>,
    checks: &BTreeMap<&str, Vec<&str>>,
) -> Vec<Wait> {
    let mut by_pipeline: BTreeMap<&str, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for id in mine {
        let Some(t) = tasks.get(id) else { continue };
        for d in t.depends_on.iter().filter(|d| !mine.contains(*d)) {
            for q in owners.get(d).into_iter().flatten().filter(|q| q.as_str() != pipeline) {
                let entry = by_pipeline.entry(q.as_str()).or_default();
                entry.0.insert(d.clone());
                // The checks of that task which the other pipeline runs.
                let theirs = members.get(q.as_str());
                for c in checks.get(d.as_str()).into_iter().flatten() {
                    if theirs.is_some_and(|m| m.contains(*c)) {
                        entry.0.insert((*c).to_string());
                    }
                }
                entry.1.insert(id.clone());
            }
        }
    }
    by_pipeline
        .into_iter()
        .map(|(q, (tasks, needed_by))| Wait {
            pipeline: q.to_string(),
            tasks: tasks.into_iter().collect(),
            needed_by: needed_by.into_iter().collect(),
        })
        .collect()
}

/// Pipelines that wait for each other never run: E0700 on each of them.
fn wait_cycles(pipelines: &[Pipeline]) -> Vec<Diagnostic> {
    let index: BTreeMap<&str, usize> = pipelines.iter().enumerate().map(|(i, p)| (p.name.as_str(), i)).collect();
    let mut graph = petgraph::graphmap::DiGraphMap::<usize, ()>::new();
    for (i, p) in pipelines.iter().enumerate() {
        graph.add_node(i);
        for w in &p.waits {
            if let Some(&j) = index.get(w.pipeline.as_str()) {
                graph.add_edge(i, j, ());
            }
        }
    }
    let mut out = Vec::new();
    for scc in petgraph::algo::tarjan_scc(&graph) {
        let cyclic = scc.len() > 1 || scc.first().is_some_and(|&i| graph.contains_edge(i, i));
        if !cyclic {
            continue;
        }
        let mut names: Vec<&str> = scc.iter().filter_map(|&i| pipelines.get(i)).map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        for &i in &scc {
            let Some(p) = pipelines.get(i) else { continue };
            let reads: Vec<String> = p
                .waits
                .iter()
                .filter(|w| names.contains(&w.pipeline.as_str()))
                .map(|w| format!("`{}` (for {})", w.pipeline, w.tasks.first().map(String::as_str).unwrap_or("?")))
                .collect();
            out.push(
                Diagnostic::error(
                    codes::PIPELINE_WAIT_CYCLE,
                    Span::new(p.file, p.name_range),
                    format!("pipeline `{}` waits for {}, which wait for it in turn", p.name, reads.join(", ")),
                )
                .with_label("never starts")
                .with_help(format!(
                    "pipelines {} each read what another of them builds: name each shared model in one pipeline's `run` only, or merge them",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
    }
    out
}

/// Settings that cannot work together, or for a chosen scheduler.
fn settings_problems(p: &Pipeline, all: &[Pipeline]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |range: Option<TextRange>| Span::new(p.file, range.unwrap_or(p.name_range));
    if p.catchup && p.start_date.is_none() {
        out.push(
            Diagnostic::error(
                codes::CATCHUP_WITHOUT_START,
                at(p.places.catchup),
                format!("pipeline `{}` catches up, but from when?", p.name),
            )
            .with_label("needs a `start_date`")
            .with_help("add `start_date = \"2026-01-01\"` (the first interval to run), or remove `catchup = true`"),
        );
    }
    for w in &p.waits {
        let Some(q) = all.iter().find(|q| q.name == w.pipeline) else { continue };
        for o in p.orchestrators.iter().filter(|o| !q.orchestrators.contains(o)) {
            let o = o.as_str();
            out.push(
                Diagnostic::error(
                    codes::UNSCHEDULABLE,
                    Span::new(p.file, p.name_range),
                    format!("pipeline `{}` runs on {o} and waits for `{}`, which does not", p.name, q.name),
                )
                .with_label(format!("reads {}", w.tasks.first().map(String::as_str).unwrap_or("its output")))
                .with_secondary(Span::new(q.file, q.name_range), format!("not scheduled on {o}"))
                .with_help(format!(
                    "add `{o}` to the `orchestrators` of `{}`, or remove it from this pipeline's",
                    q.name
                )),
            );
        }
    }
    if p.orchestrators.contains(&Orchestrator::Digdag) {
        out.extend(digdag::problems(p));
        if let Schedule::Every { seconds } = p.schedule
            && p.schedule.cron().is_none()
            && seconds % 60 != 0
        {
            out.push(
                Diagnostic::error(
                    codes::UNSCHEDULABLE,
                    at(p.places.schedule),
                    format!("Digdag cannot run pipeline `{}` every {seconds} seconds", p.name),
                )
                .with_label("not whole minutes")
                .with_help("Digdag schedules whole minutes at best (`minutes_interval>`): use a whole number of minutes, or `orchestrators = [airflow]`"),
            );
        }
        for w in &p.waits {
            let Some(q) = all.iter().find(|q| q.name == w.pipeline) else { continue };
            if let Err(why) = digdag_session(p, q) {
                out.push(
                    Diagnostic::error(
                        codes::UNSCHEDULABLE,
                        Span::new(p.file, p.name_range),
                        format!("Digdag cannot tell which run of `{}` pipeline `{}` needs: {why}", q.name, p.name),
                    )
                    .with_label(format!("waits for `{}`", q.name))
                    .with_secondary(Span::new(q.file, q.places.schedule.unwrap_or(q.name_range)), "its schedule")
                    .with_help(format!(
                        "give `{}` an `hourly`, `daily` or `every N minutes` schedule (in the same time zone), or run both on Airflow only",
                        q.name
                    )),
                );
            }
        }
    }
    out
}

/// W0004: a late-input rule on a pipeline with nothing that can be late
/// (once its feeds are known).
/// `unwatched`: the sources it reads without a `time_column`, with their
/// timestamp columns.
pub fn late_rule_problems(p: &Pipeline, unwatched: &[(String, Vec<String>)]) -> Option<Diagnostic> {
    let range = p.places.late_rule?;
    if !p.waits.is_empty() || !p.feeds.is_empty() {
        return None;
    }
    let listed = |names: Vec<&str>| names.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    let help = match unwatched.iter().find(|(_, ts)| !ts.is_empty()) {
        Some((source, timestamps)) => format!(
            "to wait until a source's rows for the run have arrived, name the column that tells: `time_column = {}` inside `source {source} = \"…\" {{ … }}`",
            timestamps.first().map(String::as_str).unwrap_or_default(),
        ),
        None if !unwatched.is_empty() => format!(
            "it reads {}, with no timestamp column to tell when a run's rows have arrived; remove the setting",
            listed(unwatched.iter().map(|(s, _)| s.as_str()).collect())
        ),
        None => "it reads no source and no other pipeline's models; remove the setting".to_string(),
    };
    Some(
        Diagnostic::warning(
            codes::LATE_RULE_WITHOUT_UPSTREAM,
            Span::new(p.file, range),
            format!("pipeline `{}` reads nothing it can watch for lateness: this setting has no effect", p.name),
        )
        .with_label("nothing to be late")
        .with_help(help),
    )
}

/// The `session_time` of `upstream`'s Digdag session that `p`'s session
/// waits for (`require>`): its latest session ending at or before `p`'s
/// (a Digdag session covers `[last_session_time, session_time)`).
/// `Ok(None)`: the same session time (the same schedule).
pub fn digdag_session(p: &Pipeline, upstream: &Pipeline) -> Result<Option<String>, String> {
    let same_zone = p.timezone == upstream.timezone;
    if p.schedule == upstream.schedule && same_zone {
        return Ok(None);
    }
    let floor = |unit: &str| Ok(Some(format!("${{moment(session_time).startOf('{unit}').format()}}")));
    let zone = || Err(format!("it runs in {}, this pipeline in {}", upstream.timezone, p.timezone));
    match &upstream.schedule {
        Schedule::Hourly => floor("hour"),
        Schedule::Daily { .. } if same_zone => floor("day"),
        Schedule::Weekly if same_zone => floor("week"),
        Schedule::Daily { .. } | Schedule::Weekly => zone(),
        Schedule::Every { seconds } if *seconds == 3600 => floor("hour"),
        Schedule::Every { seconds } if *seconds < 3600 && 3600 % seconds == 0 && seconds % 60 == 0 => {
            Ok(Some(format!(
                "${{moment(session_time).startOf('minute').subtract(moment(session_time).minute() % {}, 'minutes').format()}}",
                seconds / 60
            )))
        }
        Schedule::Every { seconds } if seconds % 3600 == 0 && 86_400 % seconds == 0 => {
            if !same_zone {
                return zone();
            }
            Ok(Some(format!(
                "${{moment(session_time).startOf('hour').subtract(moment(session_time).hour() % {}, 'hours').format()}}",
                seconds / 3600
            )))
        }
        other => Err(format!("its schedule `{}` does not line up with `{}`", other.text(), p.schedule.text())),
    }
}

/// Reads the settings the structural checks validated (anything else
/// falls back to the default).
fn settings(ws: &Workspace, file: FileId, p: &ast::Pipeline) -> Pipeline {
    let s = &p.settings;
    let duration = |key: &str| get(s, key).and_then(|v| duration(&v.value));
    let text = |key: &str| get(s, key).and_then(|v| string(&v.value));
    Pipeline {
        name: p.name.text.clone(),
        doc: p.doc.as_ref().map(|d| d.text.clone()),
        file,
        name_range: p.name.range,
        schedule: get(s, "schedule").and_then(|v| schedule(&v.value)).unwrap_or(Schedule::Daily { at: (0, 0) }),
        timezone: text("timezone").unwrap_or_else(|| ws.config.project.timezone.clone()),
        retries: get(s, "retries").and_then(|v| number(&v.value)).unwrap_or(0),
        retry_delay_seconds: duration("retry_delay").unwrap_or(DEFAULT_RETRY_DELAY),
        pool: text("pool"),
        sla_seconds: duration("sla"),
        on_sla_miss: text("on_sla_miss"),
        on_late_upstream: match get(s, "on_late_upstream").and_then(|v| word(&v.value)) {
            Some("skip") => LateRule::Skip,
            Some("fail") => LateRule::Fail,
            _ => LateRule::Wait,
        },
        upstream_timeout_seconds: duration("upstream_timeout").unwrap_or(DEFAULT_UPSTREAM_TIMEOUT),
        orchestrators: match get(s, "orchestrators") {
            Some(v) => words(&v.value)
                .iter()
                .filter_map(|w| match w.as_str() {
                    "airflow" => Some(Orchestrator::Airflow),
                    "digdag" => Some(Orchestrator::Digdag),
                    _ => None,
                })
                .collect(),
            None => default_orchestrators(ws),
        },
        catchup: get(s, "catchup").and_then(|v| word(&v.value)) == Some("true"),
        start_date: text("start_date").and_then(|d| date(&d)),
        run: get(s, "run").map(|v| words(&v.value)).unwrap_or_default(),
        tasks: Vec::new(),
        waits: Vec::new(),
        feeds: Vec::new(),
        places: Places {
            schedule: get(s, "schedule").map(|v| v.value.range),
            late_rule: get(s, "on_late_upstream").or_else(|| get(s, "upstream_timeout")).map(|v| v.key.range),
            catchup: get(s, "catchup").map(|v| v.key.range),
            pool: get(s, "pool").map(|v| v.key.range),
            late_rule_value: get(s, "on_late_upstream").map(|v| v.value.range),
        },
    }
}

/// Without `orchestrators = [..]`: the schedulers `cjo.toml` configures,
/// else Airflow.
fn default_orchestrators(ws: &Workspace) -> BTreeSet<Orchestrator> {
    let o = &ws.config.orchestrators;
    let mut out = BTreeSet::new();
    if o.airflow.is_some() {
        out.insert(Orchestrator::Airflow);
    }
    if o.digdag.is_some() {
        out.insert(Orchestrator::Digdag);
    }
    if out.is_empty() {
        out.insert(Orchestrator::Airflow);
    }
    out
}

fn get<'a>(settings: &'a [Setting], key: &str) -> Option<&'a Setting> {
    settings.iter().find(|s| s.key.as_str() == key)
}

fn word(v: &Value) -> Option<&str> {
    match &v.kind {
        ValueKind::Word(w) => Some(w.as_str()),
        _ => None,
    }
}

fn words(v: &Value) -> Vec<String> {
    match &v.kind {
        ValueKind::List(items) => items.iter().filter_map(word).map(str::to_string).collect(),
        _ => word(v).map(str::to_string).into_iter().collect(),
    }
}

fn string(v: &Value) -> Option<String> {
    match &v.kind {
        ValueKind::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<u32> {
    match &v.kind {
        ValueKind::Number(n) => n.parse().ok(),
        _ => None,
    }
}

fn duration(v: &Value) -> Option<u64> {
    match &v.kind {
        ValueKind::Duration(d) => Some(d.seconds()),
        _ => None,
    }
}

fn date(text: &str) -> Option<Date> {
    crate::time::Instant::parse(text).map(crate::time::Instant::date)
}

fn schedule(v: &Value) -> Option<Schedule> {
    match &v.kind {
        ValueKind::Word(w) => match w.as_str() {
            "hourly" => Some(Schedule::Hourly),
            "daily" => Some(Schedule::Daily { at: (0, 0) }),
            "weekly" => Some(Schedule::Weekly),
            _ => None,
        },
        ValueKind::Tagged { tag, value } => match (tag.as_str(), &value.kind) {
            ("cron", ValueKind::Str(c)) => Some(Schedule::Cron(c.split_whitespace().collect::<Vec<_>>().join(" "))),
            ("every", ValueKind::Duration(d)) => Some(Schedule::Every { seconds: d.seconds() }),
            _ => None,
        },
        ValueKind::Modified { base, modifier, arg } if modifier.as_str() == "at" && word(base) == Some("daily") => {
            match &arg.kind {
                ValueKind::Time(t) => {
                    let (h, m) = t.split_once(':')?;
                    Some(Schedule::Daily { at: (h.trim().parse().ok()?, m.trim().parse().ok()?) })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_becomes_cron_when_it_divides_an_hour_or_a_day() {
        let every = |seconds| Schedule::Every { seconds }.cron();
        assert_eq!(every(300).as_deref(), Some("*/5 * * * *"));
        assert_eq!(every(60).as_deref(), Some("* * * * *"));
        assert_eq!(every(3600).as_deref(), Some("0 * * * *"));
        assert_eq!(every(6 * 3600).as_deref(), Some("0 */6 * * *"));
        assert_eq!(every(86_400).as_deref(), Some("0 0 * * *"));
        assert_eq!(every(7 * 60), None);
        assert_eq!(every(5 * 3600), None);
        assert_eq!(every(2 * 86_400), None);
        assert_eq!(Schedule::Daily { at: (6, 30) }.cron().as_deref(), Some("30 6 * * *"));
    }
}
