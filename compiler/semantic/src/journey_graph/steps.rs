//! The step graph of one stage: where each step leads (E0500), cycles
//! (E0501), steps no path reaches (E0502) and stages no path can finish
//! (E0503).
//!
//! A step leads to the steps it names (`-> s`, a decision's branches, an
//! A/B test's arms, a `wait until`'s timeout) and, when it names no
//! successor and is not an `end`, `jump`, `decide` or `ab_test`, to the
//! next declared step; `wait until C timeout D -> s` leads to both. A path
//! finishes at an `end`, at a `jump`, or by running past the last declared
//! step, which then behaves as if an `end` followed it.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use cjo_diagnostics::{self as diag, Diagnostic, TextRange};
use cjo_syntax::ast::{Journey, Name, Stage, Step, StepKind};

use super::graph::{Cycle, back_edge_cycles, claim, reachable};
use super::{Cx, MAX_CYCLES, MAX_SHOWN, cycle_path, name_list, shown};

/// How one step leads to another.
#[derive(Clone, Copy)]
enum Via {
    /// `-> name`: the range of the name.
    Named(TextRange),
    /// Declared order: the step names no successor.
    Next,
}

#[derive(Clone, Copy)]
struct Edge {
    to: usize,
    via: Via,
}

/// The resolved graph of one stage, nodes in declared order.
struct Graph<'a> {
    steps: &'a [Step],
    /// Each step's successors, one edge per target (the first written).
    edges: Vec<Vec<Edge>>,
    /// Whether a path may finish at the step.
    finishes: Vec<bool>,
    /// False when a part of the graph is unknown (an unknown target, a
    /// step or branch that could not be read, two steps of one name): then
    /// reachability would only report the consequences of that mistake.
    complete: bool,
}

impl Graph<'_> {
    fn successors(&self) -> Vec<Vec<usize>> {
        self.edges.iter().map(|e| e.iter().map(|e| e.to).collect()).collect()
    }

    fn name(&self, i: usize) -> &str {
        self.steps.get(i).map_or("?", |s| s.name.as_str())
    }

    fn edge(&self, from: usize, to: usize) -> Option<Edge> {
        self.edges.get(from)?.iter().find(|e| e.to == to).copied()
    }

    /// Where to point at an edge: the name written after `->`, or the
    /// step that continues in declared order.
    fn edge_range(&self, from: usize, edge: Edge) -> TextRange {
        match edge.via {
            Via::Named(range) => range,
            Via::Next => self.steps.get(from).map_or_else(TextRange::default, |s| s.name.range),
        }
    }
}

/// Checks the steps of `stage`, a stage of `journey`.
pub(super) fn check(cx: &mut Cx, journey: &Journey, stage: &Stage) {
    if stage.steps.is_empty() {
        return; // Reported by the syntax stage.
    }
    for m in &stage.moved {
        // `-> end` is the stage's end unless a step is named so.
        let known = m.to.as_str() == "end" || stage.steps.iter().any(|s| s.name.as_str() == m.to.as_str());
        if !known {
            unknown_step(cx, journey, stage, &m.to);
        }
    }
    let graph = build(cx, journey, stage);
    let (cycles, more) = back_edge_cycles(&graph.successors(), MAX_CYCLES);
    let count = cycles.len();
    for (k, cycle) in cycles.iter().enumerate() {
        let more = if k + 1 == count { more } else { 0 };
        report_cycle(cx, stage, &graph, cycle, more);
    }
    if graph.complete {
        reachability(cx, stage, &graph);
    }
}

/// What one step names and whether it continues in declared order.
struct Successors<'a> {
    named: Vec<&'a Name>,
    continues: bool,
    terminal: bool,
    complete: bool,
}

fn successors(step: &Step) -> Successors<'_> {
    let mut s = Successors { named: step.next.iter().collect(), continues: false, terminal: false, complete: true };
    match &step.kind {
        StepKind::Activate { .. }
        | StepKind::Wait { .. }
        | StepKind::WaitUntilDate { .. }
        | StepKind::WaitUntilWeekday { .. }
        | StepKind::Merge => s.continues = step.next.is_none(),
        StepKind::WaitUntil { on_timeout, .. } => {
            s.named.insert(0, on_timeout);
            s.continues = true;
        }
        StepKind::Decide { branches, otherwise, .. } => {
            s.named.extend(branches.iter().map(|b| &b.target).chain(otherwise));
            s.complete = otherwise.is_some() && !branches.is_empty();
        }
        StepKind::AbTest { arms } => {
            s.named.extend(arms.iter().map(|a| &a.target));
            s.complete = !arms.is_empty();
        }
        StepKind::Jump { .. } | StepKind::End => s.terminal = true,
        StepKind::Error => s.complete = false,
    }
    s
}

fn build<'a>(cx: &mut Cx, journey: &Journey, stage: &'a Stage) -> Graph<'a> {
    let steps = stage.steps.as_slice();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut complete = true;
    for (i, step) in steps.iter().enumerate() {
        // A second step of the same name was reported (E0204); `->` goes
        // to the first.
        match index.entry(step.name.as_str()) {
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
            Entry::Occupied(_) => complete = false,
        }
    }
    let mut edges: Vec<Vec<Edge>> = Vec::with_capacity(steps.len());
    let mut finishes = vec![false; steps.len()];
    for (i, step) in steps.iter().enumerate() {
        let s = successors(step);
        complete &= s.complete;
        let mut out: Vec<Edge> = Vec::new();
        let mut add = |edge: Edge| {
            if !out.iter().any(|e| e.to == edge.to) {
                out.push(edge);
            }
        };
        for name in s.named {
            match index.get(name.as_str()) {
                Some(&to) => add(Edge { to, via: Via::Named(name.range) }),
                None => {
                    unknown_step(cx, journey, stage, name);
                    complete = false;
                }
            }
        }
        if s.continues {
            if i + 1 < steps.len() {
                add(Edge { to: i + 1, via: Via::Next });
            } else if let Some(f) = finishes.get_mut(i) {
                *f = true;
            }
        }
        if s.terminal {
            if let Some(f) = finishes.get_mut(i) {
                *f = true;
            }
        }
        edges.push(out);
    }
    Graph { steps, edges, finishes, complete }
}

fn unknown_step(cx: &mut Cx, journey: &Journey, stage: &Stage, name: &Name) {
    let wanted = name.as_str();
    let own = stage.steps.iter().map(|s| s.name.as_str());
    let elsewhere = journey
        .stages
        .iter()
        .find(|other| other.name != stage.name && other.steps.iter().any(|s| s.name.as_str() == wanted));
    let help = if let Some(suggestion) = diag::did_you_mean(wanted, own.clone()) {
        suggestion
    } else if let Some(other) = elsewhere {
        format!(
            "`{wanted}` is a step of stage `{}`, and `->` only leads to steps of the same stage: to move \
             customers to that stage, use a step `jump {}`",
            other.name.text, other.name.text
        )
    } else if journey.stages.iter().any(|s| s.name.as_str() == wanted) {
        format!("`{wanted}` is a stage, not a step: to move customers there, use a step `jump {wanted}`")
    } else {
        format!("the steps of stage `{}` are {}", stage.name.text, name_list(own, 12))
    };
    cx.push(
        Diagnostic::error(
            diag::UNKNOWN_STEP,
            cx.span(name.range),
            format!("stage `{}` has no step `{wanted}`", stage.name.text),
        )
        .with_label("unknown step")
        .with_help(help),
    );
}

/// Reports `cycle`, and that `more` were not reported.
fn report_cycle(cx: &mut Cx, stage: &Stage, graph: &Graph, cycle: &Cycle, more: usize) {
    let (Some(&first), Some(&last)) = (cycle.nodes.first(), cycle.nodes.last()) else { return };
    let Some(closing) = graph.edges.get(last).and_then(|e| e.get(cycle.closing)).copied() else { return };
    let message = if cycle.nodes.len() == 1 {
        format!("step `{}` of stage `{}` leads back to itself", graph.name(first), stage.name.text)
    } else {
        let names: Vec<&str> = cycle.nodes.iter().map(|&i| graph.name(i)).collect();
        format!("the steps of stage `{}` form a cycle: {}", stage.name.text, cycle_path(&names))
    };
    let label = match closing.via {
        Via::Named(_) if first == last => format!("`{}` leads back to itself", graph.name(last)),
        Via::Named(_) => format!("`{}` leads back to `{}`", graph.name(last), graph.name(first)),
        Via::Next => format!("`{}` continues with the next step, `{}`", graph.name(last), graph.name(first)),
    };
    let mut d = Diagnostic::error(diag::STEP_CYCLE, cx.span(graph.edge_range(last, closing)), message)
        .with_label(label)
        .with_help(
            "a customer passes each step of a stage at most once: lead the cycle on to a later step or to an `end` \
             instead (to do something again, declare it again as a later step)",
        );
    let links = cycle.nodes.len().saturating_sub(1);
    for k in shown(links) {
        let (Some(&from), Some(&to)) = (cycle.nodes.get(k), cycle.nodes.get(k + 1)) else { continue };
        if let Some(edge) = graph.edge(from, to) {
            let text = match edge.via {
                Via::Named(_) => format!("`{}` leads to `{}`", graph.name(from), graph.name(to)),
                Via::Next => format!("`{}` continues with the next step, `{}`", graph.name(from), graph.name(to)),
            };
            d = d.with_secondary(cx.span(graph.edge_range(from, edge)), text);
        }
    }
    if more > 0 {
        d = d.with_note(format!("stage `{}` has {more} more cycles, not shown", stage.name.text));
    }
    cx.push(d);
}

/// Reports the steps no path from the first step reaches, and a stage no
/// path can finish.
fn reachability(cx: &mut Cx, stage: &Stage, graph: &Graph) {
    let successors = graph.successors();
    let reached = reachable(&successors, 0);
    let first = graph.name(0);
    // Steps reached only through an unreachable step are mentioned with
    // it, not reported again: fixing the first fixes them.
    let mut mentioned = reached.clone();
    for (i, step) in graph.steps.iter().enumerate() {
        if mentioned.get(i) != Some(&false) {
            continue;
        }
        let mut behind = claim(&successors, i, &mut mentioned);
        behind.sort_unstable();
        let mut d = Diagnostic::error(
            diag::UNREACHABLE_STEP,
            cx.span(step.name.range),
            format!("step `{}` of stage `{}` is never reached", step.name.text, stage.name.text),
        )
        .with_label(format!("no path from the first step, `{first}`, leads here"))
        .with_help(format!(
            "{}, and no step that runs leads to `{}`: add `-> {}` where customers should continue with it, or \
             remove it",
            why_not_next(graph, i),
            step.name.text,
            step.name.text
        ));
        let others: Vec<&Step> = behind.iter().filter(|&&j| j != i).filter_map(|&j| graph.steps.get(j)).collect();
        for other in others.iter().take(MAX_SHOWN) {
            d = d.with_secondary(cx.span(other.name.range), "never reached either");
        }
        if others.len() > MAX_SHOWN {
            d = d.with_note(format!("and {} more steps only reached through it", others.len() - MAX_SHOWN));
        }
        cx.push(d);
    }
    let can_finish = reached.iter().zip(&graph.finishes).any(|(r, f)| *r && *f);
    if !can_finish {
        cx.push(
            Diagnostic::error(
                diag::NO_REACHABLE_END,
                cx.span(stage.name.range),
                format!("no path through stage `{}` reaches an end", stage.name.text),
            )
            .with_label("customers who enter this stage can never finish its steps")
            .with_help(
                "make a step of the loop lead on to an `end` or a `jump` instead, e.g. `-> done` with `step done: end`",
            )
            .with_note(
                "a path finishes at an `end`, at a `jump`, or after the last declared step when that step names no \
                 successor",
            ),
        );
    }
}

/// Why the step before step `i` does not continue with it.
fn why_not_next(graph: &Graph, i: usize) -> String {
    let Some(prev) = i.checked_sub(1).and_then(|p| graph.steps.get(p)) else {
        return "it is the first step".to_string();
    };
    let p = &prev.name.text;
    match (&prev.kind, &prev.next) {
        (StepKind::End, _) => format!("the step before it, `{p}`, is an `end`"),
        (StepKind::Jump { .. }, _) => format!("the step before it, `{p}`, is a `jump`"),
        (StepKind::Decide { .. }, _) => format!("the step before it, `{p}`, continues only with its branches"),
        (StepKind::AbTest { .. }, _) => format!("the step before it, `{p}`, continues only with its arms"),
        (_, Some(next)) => format!("the step before it, `{p}`, continues with `{}`", next.text),
        _ => format!("the step before it, `{p}`, is never reached either"),
    }
}
