//! `manifest.json`: every node (sources, models, checks, journeys) with
//! its SQL per dialect, columns, lineage and edges, and every pipeline.
//! Keys are sorted and lists ordered, so a rebuild is byte-identical.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use cjo_project::{Dialect, Workspace};
use cjo_semantic::{Analysis, RelationKind};
use cjo_syntax::ast;

use crate::dag::TaskKind;
use crate::ident;
use crate::items;
use crate::lower::Build;
use crate::params::RunInterval;
use crate::pipeline::{Orchestrator, Schedule};

/// The manifest's format version: raised when a field changes meaning or
/// disappears (adding fields keeps it).
pub const VERSION: u32 = 1;

pub fn manifest(ws: &Workspace, analysis: &Analysis, build: &Build, run: Option<RunInterval>) -> Value {
    let mut nodes = serde_json::Map::new();
    let specs = &analysis.models;
    let source_tables = items::source_tables(ws);
    let plans = cjo_journey::plans(ws, analysis);
    let targets = own_targets(ws, specs);
    let target_of = |name: &str| {
        targets.get(&name.to_ascii_lowercase()).copied().unwrap_or(ws.config.project.default_target).to_string()
    };
    for (key, relation) in &analysis.relations {
        let columns: Vec<Value> = relation
            .columns
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "type": c.ty.to_string(),
                    "nullable": c.nullable,
                    "doc": c.doc,
                    "lineage": c.lineage.iter().map(|l| format!("{}.{}", l.relation, l.column)).collect::<Vec<_>>(),
                })
            })
            .collect();
        match &relation.kind {
            RelationKind::Source { .. } => {
                let tables: BTreeMap<String, String> = build
                    .dialects
                    .iter()
                    .filter_map(|d| {
                        let loc = build.locations.get(d)?;
                        let written = source_tables.get(key)?;
                        Some((d.to_string(), ident::path(&loc.source_table(written), *d)))
                    })
                    .collect();
                nodes.insert(
                    format!("source.{}", relation.name),
                    json!({
                        "id": format!("source.{}", relation.name),
                        "kind": "source",
                        "name": relation.name,
                        "doc": relation.doc,
                        "relation": tables,
                        "columns": columns,
                    }),
                );
            }
            RelationKind::Model => {
                let id = format!("model.{}", relation.name);
                let Some(task) = build.dag.tasks.get(&id) else { continue };
                let spec = specs.get(key);
                let materialized = spec.map(|s| match &s.materialized {
                    cjo_semantic::Materialized::Incremental { unique_key, lookback, strategy } => json!({
                        "kind": "incremental",
                        "unique_key": unique_key,
                        "lookback_seconds": lookback,
                        "strategy": strategy.map(|s| s.as_str()),
                    }),
                    other => json!({ "kind": other.as_str() }),
                });
                let relations: BTreeMap<String, String> = build
                    .tables
                    .get(key)
                    .into_iter()
                    .flatten()
                    .map(|(d, parts)| (d.to_string(), ident::path(parts, *d)))
                    .collect();
                let mut depends_on: Vec<String> = task.depends_on.iter().cloned().collect();
                for dep in analysis.dependencies.get(key).into_iter().flatten() {
                    if let Some(r) = analysis.relation(dep).filter(|r| !r.is_model()) {
                        depends_on.push(format!("source.{}", r.name));
                    }
                }
                depends_on.sort();
                nodes.insert(
                    id.clone(),
                    json!({
                        "id": id,
                        "kind": "model",
                        "name": relation.name,
                        "doc": relation.doc,
                        // Relative to the project, so that the manifest does not
                        // depend on how the folder was named on the command line.
                        "file": spec.and_then(|s| ws.file(s.file)).map(|f| {
                            f.path.strip_prefix(&ws.root).unwrap_or(&f.path).to_string_lossy().replace('\\', "/")
                        }),
                        "target": target_of(&relation.name),
                        "materialized": materialized,
                        "tags": spec.map(|s| s.tags.clone()).unwrap_or_default(),
                        "relation": relations,
                        "sql": task.sql.iter().map(|(d, s)| (d.to_string(), s.path.clone())).collect::<BTreeMap<_, _>>(),
                        "depends_on": depends_on,
                        "pipelines": task.pipelines,
                        "columns": columns,
                    }),
                );
            }
        }
    }
    for task in build.dag.tasks.values().filter(|t| t.kind != TaskKind::Model) {
        // The sources it reads: a journey's events and profiles, a check's
        // source.
        let mut depends_on: Vec<String> = task.depends_on.iter().cloned().collect();
        let key = task.name.to_ascii_lowercase();
        let read = match task.kind {
            TaskKind::Journey => analysis.dependencies.get(&key).into_iter().flatten().cloned().collect(),
            _ => vec![key],
        };
        for dep in &read {
            if let Some(r) = analysis.relation(dep).filter(|r| !r.is_model()) {
                depends_on.push(format!("source.{}", r.name));
            }
        }
        depends_on.sort();
        depends_on.dedup();
        let mut node = json!({
            "id": task.id,
            "kind": task.kind.as_str(),
            "name": task.name,
            "description": task.description,
            // The warehouse it runs on in production (its model's or
            // journey's; a source's checks run on the default target).
            "target": target_of(&task.name),
            "sql": task.sql.iter().map(|(d, s)| (d.to_string(), s.path.clone())).collect::<BTreeMap<_, _>>(),
            "depends_on": depends_on,
            "pipelines": task.pipelines,
        });
        if let (TaskKind::Journey, Some(tables), Some(obj)) =
            (task.kind, build.journeys.get(&task.name), node.as_object_mut())
        {
            let per = |f: fn(&crate::JourneyTables) -> &String| {
                tables.iter().map(|(d, t)| (d.to_string(), f(t).clone())).collect::<BTreeMap<_, _>>()
            };
            obj.insert("relation".into(), json!(per(|t| &t.state)));
            obj.insert("activations".into(), json!(per(|t| &t.activations)));
            if let Some(plan) = plans.iter().find(|p| p.name == task.name) {
                obj.insert("steps".into(), json!(crate::journey::removed::declared_steps(plan)));
            }
        }
        nodes.insert(task.id.clone(), node);
    }
    let mut prints = crate::fingerprint::fingerprints(ws, analysis, Some(build));
    for (id, node) in nodes.iter_mut() {
        if let (Some(obj), Some(print)) = (node.as_object_mut(), prints.remove(id)) {
            obj.insert("fingerprint".into(), print);
        }
    }
    let mut child_map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut parent_map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, node) in &nodes {
        let deps: Vec<String> = node
            .get("depends_on")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        for d in &deps {
            child_map.entry(d.clone()).or_default().push(id.clone());
        }
        parent_map.insert(id.clone(), deps);
        child_map.entry(id.clone()).or_default();
    }
    let mut value = json!({
        "manifest_version": VERSION,
        "generator": format!("cjoc {}", env!("CARGO_PKG_VERSION")),
        "project": {
            "name": ws.config.project.name,
            "default_target": ws.config.project.default_target.to_string(),
            "timezone": ws.config.project.timezone,
        },
        "environment": ws.config.environment_name(),
        "run": run.map(|r| json!({
            "run_start": r.start.rfc3339(),
            "run_end": r.end.rfc3339(),
            "run_date": r.start.date().to_string(),
        })),
        "dialects": build.dialects.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "order": build.dag.order,
        "nodes": nodes,
        "pipelines": pipelines(ws, build),
        "parent_map": parent_map,
        "child_map": child_map,
    });
    // Written only when set, so that a normal build's manifest is as it
    // always was.
    if let (true, Some(obj)) = (build.full_refresh, value.as_object_mut()) {
        obj.insert("full_refresh".into(), json!(true));
    }
    value
}

/// Each model's and journey's own warehouse, by lowercase name: its
/// `target` (or the dialect of a `sql <dialect>` body), else the project's
/// default.
fn own_targets(ws: &Workspace, specs: &BTreeMap<String, cjo_semantic::Model>) -> BTreeMap<String, Dialect> {
    let default = ws.config.project.default_target;
    let mut out: BTreeMap<String, Dialect> =
        specs.iter().filter_map(|(k, s)| s.dialects(None, default).first().map(|d| (k.clone(), *d))).collect();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let ast::Item::Journey(j) = item {
                let own = cjo_semantic::program::journey_target(j);
                out.insert(j.name.text.to_ascii_lowercase(), own.unwrap_or(default));
            }
        }
    }
    out
}

fn pipelines(ws: &Workspace, build: &Build) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for p in &build.pipelines {
        let file = ws
            .file(p.file)
            .map(|f| f.path.strip_prefix(&ws.root).unwrap_or(&f.path).to_string_lossy().replace('\\', "/"));
        let edges: Vec<[&str; 2]> =
            p.edges(&build.dag.tasks).into_iter().map(|(task, upstream)| [upstream, task]).collect();
        let files: BTreeMap<&str, String> = p
            .orchestrators
            .iter()
            .map(|o| {
                let path = match o {
                    Orchestrator::Airflow => format!("airflow/{}.py", p.name),
                    Orchestrator::Digdag => format!("digdag/{}.dig", p.name),
                };
                (o.as_str(), path)
            })
            .collect();
        out.insert(
            p.name.clone(),
            json!({
                "name": p.name,
                "doc": p.doc,
                "file": file,
                "schedule": schedule(&p.schedule),
                "timezone": p.timezone,
                "retries": p.retries,
                "retry_delay_seconds": p.retry_delay_seconds,
                "pool": p.pool,
                "sla_seconds": p.sla_seconds,
                "on_sla_miss": p.on_sla_miss,
                "on_late_upstream": p.on_late_upstream.as_str(),
                "upstream_timeout_seconds": p.upstream_timeout_seconds,
                "orchestrators": p.orchestrators.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
                "catchup": p.catchup,
                "start_date": p.start_date.map(|d| d.to_string()),
                "run": p.run,
                "tasks": p.tasks,
                "edges": edges,
                "waits": p.waits.iter().map(|w| json!({
                    "pipeline": w.pipeline,
                    "tasks": w.tasks,
                    "needed_by": w.needed_by,
                })).collect::<Vec<_>>(),
                "feeds": p.feeds.iter().map(|f| json!({
                    "id": f.id,
                    "source": format!("source.{}", f.source),
                    "time_column": f.time_column,
                    "target": f.dialect.as_str(),
                    "needed_by": f.needed_by,
                })).collect::<Vec<_>>(),
                "files": files,
            }),
        );
    }
    out
}

/// A schedule as data: its kind, the cron of its run times when it has
/// one, and what each run covers.
fn schedule(s: &Schedule) -> Value {
    let (kind, extra) = match s {
        Schedule::Cron(c) => ("cron", json!({ "expression": c })),
        Schedule::Every { seconds } => ("every", json!({ "seconds": seconds })),
        Schedule::Hourly => ("hourly", json!({})),
        Schedule::Daily { at: (h, m) } => ("daily", json!({ "at": format!("{h:02}:{m:02}") })),
        Schedule::Weekly => ("weekly", json!({})),
    };
    let mut v = json!({
        "kind": kind,
        "text": s.text(),
        "cron": s.cron(),
        // What a run covers: the calendar day before it (`daily at 06:00`
        // runs at 06:00 for the day that ended at midnight), or the time
        // since the previous run.
        "interval": if s.covers_whole_days() { "previous_day" } else { "since_previous_run" },
    });
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    v
}

/// How a selected build was asked for, as its manifest records it.
#[derive(Debug)]
pub struct Selection<'a> {
    pub select: &'a [String],
    pub exclude: &'a [String],
    /// The `--selector` names, recorded only when some were given.
    pub selectors: &'a [String],
    /// `--state`, as given.
    pub state: Option<String>,
    /// `--defer`: models left out are read from the state's build.
    pub defer: bool,
    /// The models read from the state's build, by node id.
    pub deferred: Vec<String>,
    /// The nodes picked.
    pub nodes: &'a std::collections::BTreeSet<String>,
}

/// The manifest of a selected build: every node of the project, as a full
/// build's (so that a later `--state` compares against all of them), but
/// only the picked ones with SQL files; the task order and pipelines of
/// `picked`, the part of `full` that was written; and what was asked.
pub fn selected(
    ws: &Workspace,
    analysis: &Analysis,
    full: &Build,
    picked: &Build,
    run: Option<RunInterval>,
    selection: &Selection<'_>,
) -> Value {
    let mut value = manifest(ws, analysis, full, run);
    if let Some(nodes) = value.get_mut("nodes").and_then(Value::as_object_mut) {
        for (id, node) in nodes.iter_mut() {
            let sql = node.get_mut("sql").filter(|_| !selection.nodes.contains(id));
            if let Some(sql) = sql {
                *sql = json!({});
            }
        }
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("order".into(), json!(picked.dag.order));
        obj.insert("pipelines".into(), Value::Object(pipelines(ws, picked)));
        obj.insert(
            "selection".into(),
            json!({
                "select": selection.select,
                "exclude": selection.exclude,
                "state": selection.state,
                "defer": selection.defer,
                "deferred": selection.deferred,
                "nodes": selection.nodes,
            }),
        );
        if let (false, Some(asked)) =
            (selection.selectors.is_empty(), obj.get_mut("selection").and_then(Value::as_object_mut))
        {
            asked.insert("selectors".into(), json!(selection.selectors));
        }
    }
    value
}
