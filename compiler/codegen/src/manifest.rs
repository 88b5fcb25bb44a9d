//! `manifest.json`: every node (sources, models, checks, journeys) with
//! its SQL per dialect, columns, lineage and edges, and every pipeline.
//! Keys are sorted and lists ordered, so a rebuild is byte-identical.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use std::collections::BTreeSet;

use serde::Serialize;

use cjo_project::{Dialect, Workspace};
use cjo_semantic::{Analysis, ColumnRef, Relation, RelationKind, Ty};
use cjo_syntax::ast;

use crate::dag::TaskKind;
use crate::fingerprint::Fingerprint;
use crate::ident;
use crate::items;
use crate::lower::Build;
use crate::params::RunInterval;
use crate::pipeline::{Orchestrator, Schedule};

/// The manifest's format version: raised when a field changes meaning or
/// disappears (adding fields keeps it).
pub const VERSION: u32 = 1;

/// A build's manifest, ready to be written ([`Manifest::to_json`]) or
/// compared ([`Manifest::to_value`]). Its fields, and those of every
/// struct below, are in alphabetical order: the manifest's keys are
/// sorted, so that it reads (and diffs) the same as a sorted JSON object.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    child_map: BTreeMap<String, Vec<String>>,
    dialects: Vec<&'static str>,
    environment: Option<&'a str>,
    // Written only when set, so that a normal build's manifest is as it
    // always was.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    full_refresh: bool,
    generator: String,
    manifest_version: u32,
    nodes: BTreeMap<String, Node<'a>>,
    order: &'a [String],
    parent_map: BTreeMap<String, Vec<String>>,
    pipelines: serde_json::Map<String, Value>,
    project: Project<'a>,
    run: Option<Run>,
    #[serde(skip_serializing_if = "Option::is_none")]
    selection: Option<Value>,
}

impl Manifest<'_> {
    /// The text of `manifest.json`: pretty-printed, with a final newline.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(1 << 20);
        // Serializing plain data into memory cannot fail.
        let _ = serde_json::to_writer_pretty(&mut out, self);
        out.push(b'\n');
        String::from_utf8(out).unwrap_or_default()
    }

    /// As a JSON value, as a manifest read back from disk is.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[derive(Debug, Serialize)]
struct Project<'a> {
    default_target: &'static str,
    name: &'a str,
    timezone: &'a str,
}

#[derive(Debug, Serialize)]
struct Run {
    run_date: String,
    run_end: String,
    run_start: String,
}

/// A node: a source, a model, or a task that is neither (a check or a
/// journey).
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Source {
        columns: Vec<Column<'a>>,
        doc: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fingerprint: Option<Fingerprint>,
        id: String,
        kind: &'static str,
        name: &'a str,
        relation: BTreeMap<&'static str, String>,
    },
    Model {
        columns: Vec<Column<'a>>,
        depends_on: Vec<String>,
        doc: Option<&'a str>,
        file: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fingerprint: Option<Fingerprint>,
        id: String,
        kind: &'static str,
        materialized: Option<Materialized<'a>>,
        name: &'a str,
        pipelines: &'a BTreeSet<String>,
        relation: BTreeMap<&'static str, String>,
        sql: BTreeMap<&'static str, &'a str>,
        tags: &'a [String],
        target: &'static str,
    },
    Task {
        #[serde(skip_serializing_if = "Option::is_none")]
        activations: Option<BTreeMap<&'static str, &'a str>>,
        depends_on: Vec<String>,
        description: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fingerprint: Option<Fingerprint>,
        id: &'a str,
        kind: &'static str,
        name: &'a str,
        pipelines: &'a BTreeSet<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        relation: Option<BTreeMap<&'static str, &'a str>>,
        sql: BTreeMap<&'static str, &'a str>,
        /// A journey's steps, `stage.step` (see `journey::removed`).
        #[serde(skip_serializing_if = "Option::is_none")]
        steps: Option<Vec<String>>,
        target: &'static str,
    },
}

impl Node<'_> {
    fn depends_on(&self) -> &[String] {
        match self {
            Node::Source { .. } => &[],
            Node::Model { depends_on, .. } | Node::Task { depends_on, .. } => depends_on,
        }
    }

    fn set_fingerprint(&mut self, print: Fingerprint) {
        match self {
            Node::Source { fingerprint, .. } | Node::Model { fingerprint, .. } | Node::Task { fingerprint, .. } => {
                *fingerprint = Some(print);
            }
        }
    }

    /// Forgets the node's SQL files (a selected build did not write them).
    fn clear_sql(&mut self) {
        match self {
            Node::Source { .. } => {}
            Node::Model { sql, .. } | Node::Task { sql, .. } => sql.clear(),
        }
    }
}

#[derive(Debug, Serialize)]
struct Column<'a> {
    doc: Option<&'a str>,
    lineage: Shown<'a, BTreeSet<ColumnRef>>,
    name: &'a str,
    nullable: bool,
    #[serde(rename = "type")]
    ty: Shown<'a, Ty>,
}

impl<'a> Column<'a> {
    fn of(relation: &'a Relation) -> Vec<Column<'a>> {
        relation
            .columns
            .iter()
            .map(|c| Column {
                doc: c.doc.as_deref(),
                lineage: Shown(&c.lineage),
                name: &c.name,
                nullable: c.nullable,
                ty: Shown(&c.ty),
            })
            .collect()
    }
}

#[derive(Debug, Serialize)]
struct Materialized<'a> {
    kind: &'static str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    incremental: Option<Incremental<'a>>,
}

#[derive(Debug, Serialize)]
struct Incremental<'a> {
    lookback_seconds: Option<u64>,
    strategy: Option<&'static str>,
    unique_key: &'a [String],
}

/// A value written as its `Display` text (a type, a list of columns):
/// serialized as it is written, with no string made first.
#[derive(Debug)]
struct Shown<'a, T>(&'a T);

impl serde::Serialize for Shown<'_, Ty> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

impl serde::Serialize for Shown<'_, BTreeSet<ColumnRef>> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Shown))
    }
}

impl serde::Serialize for Shown<'_, ColumnRef> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// A task's SQL files, by dialect.
fn sql_files(task: &crate::dag::Task) -> BTreeMap<&'static str, &str> {
    task.sql.iter().map(|(d, s)| (d.as_str(), s.path.as_str())).collect()
}

pub fn manifest<'a>(
    ws: &'a Workspace,
    analysis: &'a Analysis,
    build: &'a Build,
    run: Option<RunInterval>,
) -> Manifest<'a> {
    let mut nodes = BTreeMap::new();
    let specs = &analysis.models;
    let source_tables = items::source_tables(ws);
    let plans = cjo_journey::plans(ws, analysis);
    let targets = own_targets(ws, specs);
    let target_of = |name: &str| {
        targets.get(&name.to_ascii_lowercase()).copied().unwrap_or(ws.config.project.default_target).as_str()
    };
    for (key, relation) in &analysis.relations {
        match &relation.kind {
            RelationKind::Source { .. } => {
                let tables: BTreeMap<&'static str, String> = build
                    .dialects
                    .iter()
                    .filter_map(|d| {
                        let loc = build.locations.get(d)?;
                        let written = source_tables.get(key)?;
                        Some((d.as_str(), ident::path(&loc.source_table(written), *d)))
                    })
                    .collect();
                let id = format!("source.{}", relation.name);
                nodes.insert(
                    id.clone(),
                    Node::Source {
                        columns: Column::of(relation),
                        doc: relation.doc.as_deref(),
                        fingerprint: None,
                        id,
                        kind: "source",
                        name: &relation.name,
                        relation: tables,
                    },
                );
            }
            RelationKind::Model => {
                let id = format!("model.{}", relation.name);
                let Some(task) = build.dag.tasks.get(&id) else { continue };
                let spec = specs.get(key);
                let materialized = spec.map(|s| Materialized {
                    kind: s.materialized.as_str(),
                    incremental: match &s.materialized {
                        cjo_semantic::Materialized::Incremental { unique_key, lookback, strategy } => {
                            Some(Incremental {
                                lookback_seconds: *lookback,
                                strategy: strategy.map(|s| s.as_str()),
                                unique_key,
                            })
                        }
                        _ => None,
                    },
                });
                let relations: BTreeMap<&'static str, String> = build
                    .tables
                    .get(key)
                    .into_iter()
                    .flatten()
                    .map(|(d, parts)| (d.as_str(), ident::path(parts, *d)))
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
                    Node::Model {
                        columns: Column::of(relation),
                        depends_on,
                        doc: relation.doc.as_deref(),
                        // Relative to the project, so that the manifest does not
                        // depend on how the folder was named on the command line.
                        file: spec.and_then(|s| ws.file(s.file)).map(|f| {
                            f.path.strip_prefix(&ws.root).unwrap_or(&f.path).to_string_lossy().replace('\\', "/")
                        }),
                        fingerprint: None,
                        id,
                        kind: "model",
                        materialized,
                        name: &relation.name,
                        pipelines: &task.pipelines,
                        relation: relations,
                        sql: sql_files(task),
                        tags: spec.map_or(&[], |s| s.tags.as_slice()),
                        target: target_of(&relation.name),
                    },
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
        let tables = (task.kind == TaskKind::Journey).then(|| build.journeys.get(&task.name)).flatten();
        let per = |f: fn(&crate::JourneyTables) -> &String| {
            tables.map(|t| t.iter().map(|(d, t)| (d.as_str(), f(t).as_str())).collect::<BTreeMap<_, _>>())
        };
        nodes.insert(
            task.id.clone(),
            Node::Task {
                activations: per(|t| &t.activations),
                depends_on,
                description: task.description.as_deref(),
                fingerprint: None,
                id: &task.id,
                kind: task.kind.as_str(),
                name: &task.name,
                pipelines: &task.pipelines,
                relation: per(|t| &t.state),
                sql: sql_files(task),
                steps: tables
                    .and_then(|_| plans.iter().find(|p| p.name == task.name))
                    .map(crate::journey::removed::declared_steps),
                // The warehouse it runs on in production (its model's or
                // journey's; a source's checks run on the default target).
                target: target_of(&task.name),
            },
        );
    }
    for (id, print) in crate::fingerprint::fingerprints(ws, analysis, Some(build)) {
        if let Some(node) = nodes.get_mut(&id) {
            node.set_fingerprint(print);
        }
    }
    let mut child_map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut parent_map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, node) in &nodes {
        for d in node.depends_on() {
            child_map.entry(d.clone()).or_default().push(id.clone());
        }
        parent_map.insert(id.clone(), node.depends_on().to_vec());
        child_map.entry(id.clone()).or_default();
    }
    Manifest {
        child_map,
        dialects: build.dialects.iter().map(|d| d.as_str()).collect(),
        environment: ws.config.environment_name(),
        full_refresh: build.full_refresh,
        generator: format!("cjoc {}", env!("CARGO_PKG_VERSION")),
        manifest_version: VERSION,
        nodes,
        order: &build.dag.order,
        parent_map,
        pipelines: pipelines(ws, build),
        project: Project {
            default_target: ws.config.project.default_target.as_str(),
            name: &ws.config.project.name,
            timezone: &ws.config.project.timezone,
        },
        run: run.map(|r| Run {
            run_date: r.start.date().to_string(),
            run_end: r.end.rfc3339(),
            run_start: r.start.rfc3339(),
        }),
        selection: None,
    }
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
pub fn selected<'a>(
    ws: &'a Workspace,
    analysis: &'a Analysis,
    full: &'a Build,
    picked: &'a Build,
    run: Option<RunInterval>,
    selection: &Selection<'_>,
) -> Manifest<'a> {
    let mut manifest = manifest(ws, analysis, full, run);
    for (id, node) in &mut manifest.nodes {
        if !selection.nodes.contains(id) {
            node.clear_sql();
        }
    }
    manifest.order = &picked.dag.order;
    manifest.pipelines = pipelines(ws, picked);
    let mut asked = json!({
        "defer": selection.defer,
        "deferred": selection.deferred,
        "exclude": selection.exclude,
        "nodes": selection.nodes,
        "select": selection.select,
        "state": selection.state,
    });
    if let (false, Some(obj)) = (selection.selectors.is_empty(), asked.as_object_mut()) {
        obj.insert("selectors".into(), json!(selection.selectors));
    }
    manifest.selection = Some(asked);
    manifest
}
