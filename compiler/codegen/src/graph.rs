//! The task DAG drawn: Graphviz DOT, Mermaid, or JSON for tools.

use std::fmt::Write as _;

use crate::dag::{Dag, TaskKind};

/// `digraph` for Graphviz: models as boxes, checks as notes, journeys as
/// hexagons; edges point from a task to what runs after it.
pub fn dot(dag: &Dag) -> String {
    let mut s = String::from("digraph cjo {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n");
    for id in &dag.order {
        let Some(t) = dag.tasks.get(id) else { continue };
        let (shape, color) = match t.kind {
            TaskKind::Model => ("box", "#dbeafe"),
            TaskKind::Check => ("note", "#fef3c7"),
            TaskKind::Journey => ("hexagon", "#dcfce7"),
        };
        let mut label = match (t.kind, &t.description) {
            (TaskKind::Check, Some(d)) => format!("{}\\n{}", t.name, d),
            _ => t.name.clone(),
        };
        if !t.pipelines.is_empty() {
            let _ = write!(label, "\\n[{}]", t.pipelines.iter().cloned().collect::<Vec<_>>().join(", "));
        }
        let _ = writeln!(
            s,
            "  {} [label={}, shape={shape}, style=filled, fillcolor=\"{color}\"];",
            quote(id),
            quote_label(&label)
        );
    }
    for id in &dag.order {
        let Some(t) = dag.tasks.get(id) else { continue };
        for d in &t.depends_on {
            let _ = writeln!(s, "  {} -> {};", quote(d), quote(id));
        }
    }
    s.push_str("}\n");
    s
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A DOT label: `\n` kept as a line break, quotes escaped.
fn quote_label(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\\\""))
}

/// A Mermaid flowchart, left to right.
pub fn mermaid(dag: &Dag) -> String {
    let mut s = String::from("flowchart LR\n");
    let node = |id: &str| id.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    for id in &dag.order {
        let Some(t) = dag.tasks.get(id) else { continue };
        let text = match (t.kind, &t.description) {
            (TaskKind::Check, Some(d)) => format!("{}: {d}", t.name),
            _ => t.name.clone(),
        };
        let text = text.replace('"', "#quot;");
        let shape = match t.kind {
            TaskKind::Model => format!("[\"{text}\"]"),
            TaskKind::Check => format!("[/\"{text}\"/]"),
            TaskKind::Journey => format!("{{{{\"{text}\"}}}}"),
        };
        let _ = writeln!(s, "  {}{shape}", node(id));
    }
    for id in &dag.order {
        let Some(t) = dag.tasks.get(id) else { continue };
        for d in &t.depends_on {
            let _ = writeln!(s, "  {} --> {}", node(d), node(id));
        }
    }
    s.push_str("  classDef model fill:#dbeafe;\n  classDef check fill:#fef3c7;\n  classDef journey fill:#dcfce7;\n");
    for kind in [TaskKind::Model, TaskKind::Check, TaskKind::Journey] {
        let ids: Vec<String> = dag
            .order
            .iter()
            .filter(|id| dag.tasks.get(*id).is_some_and(|t| t.kind == kind))
            .map(|id| node(id))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(s, "  class {} {};", ids.join(","), kind.as_str());
        }
    }
    s
}

/// `{"nodes": [...], "edges": [[from, to], ...]}` in task order.
pub fn json(dag: &Dag) -> serde_json::Value {
    let nodes: Vec<serde_json::Value> = dag
        .order
        .iter()
        .filter_map(|id| dag.tasks.get(id))
        .map(|t| {
            serde_json::json!({
                "id": t.id,
                "kind": t.kind.as_str(),
                "name": t.name,
                "description": t.description,
                "pipelines": t.pipelines,
                "depends_on": t.depends_on,
            })
        })
        .collect();
    let edges: Vec<[&str; 2]> = dag
        .order
        .iter()
        .filter_map(|id| dag.tasks.get(id))
        .flat_map(|t| t.depends_on.iter().map(move |d| [d.as_str(), t.id.as_str()]))
        .collect();
    serde_json::json!({ "nodes": nodes, "edges": edges })
}
