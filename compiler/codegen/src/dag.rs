//! The task DAG: model builds, data checks and journey ticks, with the
//! pipelines that run each, in a stable topological order.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graphmap::DiGraphMap;

use cjo_project::Dialect;

use crate::params::{RunInterval, Statement};

/// What a task does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskKind {
    Model,
    Check,
    Journey,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Model => "model",
            TaskKind::Check => "check",
            TaskKind::Journey => "journey",
        }
    }
}

/// A task's SQL in one dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSql {
    /// Relative to the output folder: `trino/model.daily_watch.sql`.
    pub path: String,
    pub statements: Vec<Statement>,
}

impl TaskSql {
    /// The file's text for `run`: the statements, each ended by `;`.
    pub fn text(&self, run: &RunInterval) -> String {
        let mut s = String::new();
        for st in &self.statements {
            s.push_str(&st.bind(run));
            s.push_str(";\n");
        }
        s
    }
}

/// One unit of work for a scheduler.
#[derive(Clone, Debug)]
pub struct Task {
    /// `model.daily_watch`, `check.daily_watch.unique_customer_id_day`,
    /// `journey.onboarding`.
    pub id: String,
    pub kind: TaskKind,
    /// The model, check target or journey, as declared.
    pub name: String,
    /// What a person reads: `unique(customer_id, day)`.
    pub description: Option<String>,
    pub sql: BTreeMap<Dialect, TaskSql>,
    /// Task ids this one runs after.
    pub depends_on: BTreeSet<String>,
    /// The pipelines that run it.
    pub pipelines: BTreeSet<String>,
}

/// Tasks and their order.
#[derive(Debug, Default)]
pub struct Dag {
    pub tasks: BTreeMap<String, Task>,
    /// Every task after the tasks it depends on; among tasks that are
    /// ready together, by id. The same project always gives the same
    /// order.
    pub order: Vec<String>,
}

impl Dag {
    /// Orders `tasks` (dependencies on unknown ids are dropped).
    pub fn new(mut tasks: BTreeMap<String, Task>) -> Dag {
        let ids: BTreeSet<String> = tasks.keys().cloned().collect();
        for t in tasks.values_mut() {
            t.depends_on.retain(|d| ids.contains(d) && *d != t.id);
        }
        let index: BTreeMap<&str, usize> = tasks.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let mut graph: DiGraphMap<usize, ()> = DiGraphMap::new();
        for (i, t) in tasks.values().enumerate() {
            graph.add_node(i);
            for d in &t.depends_on {
                if let Some(&j) = index.get(d.as_str()) {
                    graph.add_edge(j, i, ());
                }
            }
        }
        // Kahn's algorithm, always taking the smallest ready id.
        let mut indegree: Vec<usize> =
            (0..tasks.len()).map(|i| graph.neighbors_directed(i, petgraph::Direction::Incoming).count()).collect();
        let mut ready: BTreeSet<usize> = (0..tasks.len()).filter(|&i| indegree.get(i) == Some(&0)).collect();
        let names: Vec<String> = tasks.keys().cloned().collect();
        let mut order = Vec::with_capacity(tasks.len());
        while let Some(i) = ready.pop_first() {
            if let Some(n) = names.get(i) {
                order.push(n.clone());
            }
            for j in graph.neighbors_directed(i, petgraph::Direction::Outgoing) {
                if let Some(d) = indegree.get_mut(j) {
                    *d = d.saturating_sub(1);
                    if *d == 0 {
                        ready.insert(j);
                    }
                }
            }
        }
        // A cycle (reported by the checker) leaves tasks out: append them
        // so that nothing is lost.
        if order.len() < names.len() {
            let placed: BTreeSet<&String> = order.iter().collect();
            let rest: Vec<String> = names.iter().filter(|n| !placed.contains(n)).cloned().collect();
            order.extend(rest);
        }
        Dag { tasks, order }
    }

    /// The tasks that depend on `id`, sorted.
    pub fn children(&self, id: &str) -> BTreeSet<&str> {
        self.tasks.values().filter(|t| t.depends_on.contains(id)).map(|t| t.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, deps: &[&str]) -> (String, Task) {
        (
            id.to_string(),
            Task {
                id: id.into(),
                kind: TaskKind::Model,
                name: id.into(),
                description: None,
                sql: BTreeMap::new(),
                depends_on: deps.iter().map(|d| d.to_string()).collect(),
                pipelines: BTreeSet::new(),
            },
        )
    }

    #[test]
    fn stable_topological_order() {
        let tasks = [
            task("model.c", &["model.a"]),
            task("model.b", &[]),
            task("model.a", &["model.b"]),
            task("check.a.x", &["model.a"]),
        ];
        let dag = Dag::new(tasks.into_iter().collect());
        assert_eq!(dag.order, ["model.b", "model.a", "check.a.x", "model.c"]);
        assert_eq!(dag.children("model.a"), BTreeSet::from(["check.a.x", "model.c"]));
    }
}
