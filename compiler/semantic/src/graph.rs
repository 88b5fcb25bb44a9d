//! The dependency graph of models and journeys: which relations each one
//! reads. A cycle is reported with every step of it; the others are
//! ordered so that a model is analysed after what it reads.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as codes, Diagnostic, Span};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// The graph: each node's name (lowercase) and what it reads.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    nodes: BTreeMap<String, Node>,
}

#[derive(Debug)]
struct Node {
    /// As declared.
    name: String,
    span: Span,
    /// Lowercase names of the nodes read, with the place of each reference.
    reads: Vec<(String, Span)>,
}

/// The outcome: an order to analyse in, and the nodes that are in a cycle.
#[derive(Debug, Default)]
pub(crate) struct Order {
    pub order: Vec<String>,
    pub cyclic: std::collections::BTreeSet<String>,
}

impl Graph {
    pub fn add(&mut self, name: &str, span: Span, reads: Vec<(String, Span)>) {
        self.nodes.insert(name.to_ascii_lowercase(), Node { name: name.to_string(), span, reads });
    }

    /// What each node reads among `known` relations and the nodes.
    pub fn dependencies(
        &self,
        known: &std::collections::BTreeSet<String>,
    ) -> BTreeMap<String, std::collections::BTreeSet<String>> {
        self.nodes
            .iter()
            .map(|(name, node)| {
                let reads = node
                    .reads
                    .iter()
                    .map(|(r, _)| r.clone())
                    .filter(|r| known.contains(r) || self.nodes.contains_key(r))
                    .collect();
                (name.clone(), reads)
            })
            .collect()
    }

    /// Orders the nodes (dependencies first) and reports every cycle.
    pub fn order(&self, out: &mut Vec<Diagnostic>) -> Order {
        let mut g: DiGraph<&str, Span> = DiGraph::new();
        let index: BTreeMap<&str, NodeIndex> =
            self.nodes.keys().map(|k| (k.as_str(), g.add_node(k.as_str()))).collect();
        for (name, node) in &self.nodes {
            let Some(&from) = index.get(name.as_str()) else { continue };
            for (read, span) in &node.reads {
                if let Some(&to) = index.get(read.as_str()) {
                    g.add_edge(from, to, *span);
                }
            }
        }
        let mut result = Order::default();
        // Tarjan yields components in reverse topological order of the
        // edges (reader → read), i.e. what is read comes first.
        for component in tarjan_scc(&g) {
            let names: Vec<&str> = component.iter().filter_map(|i| g.node_weight(*i).copied()).collect();
            let self_loop = component.first().is_some_and(|&i| g.find_edge(i, i).is_some());
            if names.len() > 1 || self_loop {
                self.report_cycle(&names, out);
                result.cyclic.extend(names.iter().map(|n| n.to_string()));
            }
            let mut sorted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            sorted.sort();
            result.order.extend(sorted);
        }
        result
    }

    /// One diagnostic per cycle, at its alphabetically first member, with
    /// the whole path and a label on each reference along it.
    fn report_cycle(&self, members: &[&str], out: &mut Vec<Diagnostic>) {
        let Some(start) = members.iter().min().copied() else { return };
        // Walk from `start` along references that stay in the cycle.
        let mut path = vec![start];
        let mut edges: Vec<Span> = Vec::new();
        let mut current = start;
        for _ in 0..members.len() {
            let Some(node) = self.nodes.get(current) else { break };
            let next = node
                .reads
                .iter()
                .filter(|(r, _)| members.contains(&r.as_str()))
                .find(|(r, _)| r == start || !path.contains(&r.as_str()));
            let Some((next, span)) = next else { break };
            edges.push(*span);
            if next == start {
                break;
            }
            path.push(next.as_str());
            current = next.as_str();
        }
        let display = |n: &str| self.nodes.get(n).map_or(n, |node| node.name.as_str()).to_string();
        let mut names: Vec<String> = path.iter().map(|n| display(n)).collect();
        names.push(display(start));
        let Some(first) = self.nodes.get(start) else { return };
        let mut d =
            Diagnostic::error(codes::DEPENDENCY_CYCLE, first.span, format!("dependency cycle: {}", names.join(" → ")))
                .with_label("this reads itself through the cycle");
        for (i, span) in edges.iter().enumerate() {
            let reader = names.get(i).cloned().unwrap_or_default();
            let read = names.get(i + 1).cloned().unwrap_or_default();
            d = d.with_secondary(*span, format!("`{reader}` reads `{read}` here"));
        }
        out.push(d.with_help("a model cannot depend on its own output: break the cycle by reading a source instead, or by splitting a model in two"));
    }
}
