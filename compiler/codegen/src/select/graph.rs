//! The nodes selection works on: sources, models, checks and journeys,
//! with what each reads and what a selector can ask of it.

use std::collections::{BTreeMap, BTreeSet};

use cjo_diagnostics::FileId;
use cjo_project::{Dialect, Workspace};
use cjo_semantic::Analysis;
use cjo_syntax::ast;

use crate::dag::TaskKind;
use crate::lower::Build;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Source,
    Model,
    Check,
    Journey,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Source => "source",
            NodeKind::Model => "model",
            NodeKind::Check => "check",
            NodeKind::Journey => "journey",
        }
    }
}

/// One node of the project.
#[derive(Clone, Debug)]
pub struct Node {
    /// `source.raw_events`, `model.orders`, `check.orders.not_null_id`,
    /// `journey.onboarding`: the ids of the manifest.
    pub id: String,
    pub kind: NodeKind,
    /// As declared; for a check, what it checks and its own name
    /// (`orders.unique_order_id`).
    pub name: String,
    /// The files it is declared in, relative to the project with `/`
    /// (a model's checks may sit in several).
    pub files: Vec<String>,
    pub tags: Vec<String>,
    /// `view`, `table` or `incremental` (models only).
    pub materialized: Option<&'static str>,
    /// The warehouse it is built for by default (models and journeys).
    pub target: Option<Dialect>,
    /// The pipelines that run it.
    pub pipelines: BTreeSet<String>,
    /// The nodes it reads (for a check: what it checks).
    pub parents: BTreeSet<String>,
}

/// Every node, and the edges both ways.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: BTreeMap<String, Node>,
    pub children: BTreeMap<String, BTreeSet<String>>,
    /// The pipelines' names.
    pub pipelines: BTreeSet<String>,
}

impl Graph {
    /// The graph of a project: from its build when there is one (checks,
    /// pipelines), else from what the checker found (sources, models,
    /// journeys), as `cjoc check` has when a project has errors.
    pub fn new(ws: &Workspace, analysis: &Analysis, build: Option<&Build>) -> Graph {
        let relative = |file: FileId| {
            ws.file(file).map(|f| f.path.strip_prefix(&ws.root).unwrap_or(&f.path).to_string_lossy().replace('\\', "/"))
        };
        let mut nodes = BTreeMap::new();
        let relation_id = |key: &str| {
            analysis.relation(key).map(|r| format!("{}.{}", if r.is_model() { "model" } else { "source" }, r.name))
        };
        for relation in analysis.relations.values() {
            let spec = analysis.models.get(&relation.name.to_ascii_lowercase());
            if relation.is_model() && spec.is_none() {
                continue; // a model of a library, not the project's
            }
            let (kind, id) = if relation.is_model() {
                (NodeKind::Model, format!("model.{}", relation.name))
            } else {
                (NodeKind::Source, format!("source.{}", relation.name))
            };
            let parents = analysis
                .dependencies
                .get(&relation.name.to_ascii_lowercase())
                .into_iter()
                .flatten()
                .filter_map(|d| relation_id(d))
                .collect();
            nodes.insert(
                id.clone(),
                Node {
                    id,
                    kind,
                    name: relation.name.clone(),
                    files: relative(relation.span.file).into_iter().collect(),
                    tags: spec.map(|s| s.tags.clone()).unwrap_or_default(),
                    materialized: spec.map(|s| s.materialized.as_str()),
                    target: spec.map(|s| s.target.map_or(ws.config.project.default_target, |(d, _)| d)),
                    pipelines: BTreeSet::new(),
                    parents,
                },
            );
        }
        let mut check_files: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for module in ws.user_modules() {
            for item in &module.ast.items {
                match item {
                    ast::Item::Journey(j) => {
                        let id = format!("journey.{}", j.name.text);
                        let parents = analysis
                            .dependencies
                            .get(&j.name.text.to_ascii_lowercase())
                            .into_iter()
                            .flatten()
                            .filter_map(|d| relation_id(d))
                            .collect();
                        let target =
                            cjo_semantic::program::journey_target(j).unwrap_or(ws.config.project.default_target);
                        nodes.insert(
                            id.clone(),
                            Node {
                                id,
                                kind: NodeKind::Journey,
                                name: j.name.text.clone(),
                                files: relative(module.file).into_iter().collect(),
                                tags: Vec::new(),
                                materialized: None,
                                target: Some(target),
                                pipelines: BTreeSet::new(),
                                parents,
                            },
                        );
                    }
                    ast::Item::Check(c) => {
                        let files = check_files.entry(c.target.text.to_ascii_lowercase()).or_default();
                        files.extend(relative(module.file).filter(|f| !files.contains(f)));
                    }
                    _ => {}
                }
            }
        }
        let mut pipelines = BTreeSet::new();
        if let Some(build) = build {
            add_tasks(&mut nodes, build, analysis, &check_files);
            pipelines = build.pipelines.iter().map(|p| p.name.clone()).collect();
        }
        let mut children: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for node in nodes.values() {
            for p in &node.parents {
                children.entry(p.clone()).or_default().insert(node.id.clone());
            }
        }
        Graph { nodes, children, pipelines }
    }

    /// Everything `ids` reads, `depth` generations up (`None`: all).
    pub fn ancestors(&self, ids: &BTreeSet<String>, depth: Option<u32>) -> BTreeSet<String> {
        self.walk(ids, depth, |id| self.nodes.get(id).map(|n| &n.parents))
    }

    /// Everything that reads `ids`, `depth` generations down.
    pub fn descendants(&self, ids: &BTreeSet<String>, depth: Option<u32>) -> BTreeSet<String> {
        self.walk(ids, depth, |id| self.children.get(id))
    }

    /// A breadth-first walk from `start` (excluded unless reached again).
    fn walk<'a>(
        &'a self,
        start: &BTreeSet<String>,
        depth: Option<u32>,
        next: impl Fn(&str) -> Option<&'a BTreeSet<String>>,
    ) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut frontier: Vec<&str> = start.iter().map(String::as_str).collect();
        let mut generation = 0;
        while !frontier.is_empty() && depth.is_none_or(|d| generation < d) {
            generation += 1;
            let mut following = Vec::new();
            for id in frontier {
                for n in next(id).into_iter().flatten() {
                    if seen.insert(n.clone()) {
                        following.push(n.as_str());
                    }
                }
            }
            frontier = following;
        }
        seen
    }
}

/// Checks and journeys' pipelines, from the build's tasks.
fn add_tasks(
    nodes: &mut BTreeMap<String, Node>,
    build: &Build,
    analysis: &Analysis,
    check_files: &BTreeMap<String, Vec<String>>,
) {
    for task in build.dag.tasks.values() {
        if task.kind != TaskKind::Check {
            if let Some(node) = nodes.get_mut(&task.id) {
                node.pipelines = task.pipelines.clone();
            }
            continue;
        }
        let key = task.name.to_ascii_lowercase();
        let checked = match analysis.relation(&key) {
            Some(r) if r.is_model() => format!("model.{}", r.name),
            Some(r) => format!("source.{}", r.name),
            None => format!("journey.{}", task.name),
        };
        let mut parents: BTreeSet<String> =
            task.depends_on.iter().filter(|d| !d.starts_with("check.")).cloned().collect();
        parents.insert(checked.clone());
        let files = match check_files.get(&key) {
            Some(files) => files.clone(),
            None => nodes.get(&checked).map(|n| n.files.clone()).unwrap_or_default(),
        };
        let name = task.id.strip_prefix("check.").unwrap_or(&task.id).to_string();
        nodes.insert(
            task.id.clone(),
            Node {
                id: task.id.clone(),
                kind: NodeKind::Check,
                name,
                files,
                tags: Vec::new(),
                materialized: None,
                target: None,
                pipelines: task.pipelines.clone(),
                parents,
            },
        );
    }
}
