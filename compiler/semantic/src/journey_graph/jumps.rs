//! Stages and jumps: the number of stages of a journey (E0504), the
//! target of each `jump` (E0505), and journeys whose jumps lead round in a
//! circle (E0506).

use std::collections::BTreeMap;

use cjo_diagnostics::{self as diag, Diagnostic, Span};
use cjo_project::{JourneyDefaults, Workspace};
use cjo_syntax::ast::{Journey, Name, Stage, StepKind};

use super::graph::back_edge_cycles;
use super::{Cx, JourneyIndex, MAX_CYCLES, cycle_path, find_stage, name_list, shown};

/// Stages only move forward: what to do instead of jumping back.
const FORWARD_ONLY: &str = "stages only move forward and each is entered at most once per instance: jump to a later \
                            stage, or finish with `end` and let the journey's `reentry` start a new instance";

/// Reports a journey with more stages than `[journeys] max_stages` allows.
pub(super) fn stage_limit(cx: &mut Cx, ws: &Workspace, journey: &Journey) {
    let limits = &ws.config.journeys;
    let max = usize::try_from(limits.max_stages).unwrap_or(usize::MAX);
    let Some(first_extra) = journey.stages.get(max) else { return };
    let mut d = Diagnostic::error(
        diag::TOO_MANY_STAGES,
        cx.span(first_extra.name.range),
        format!("journey `{}` has {} stages, more than the {max} allowed", journey.name.text, journey.stages.len()),
    )
    .with_label(match journey.stages.len().saturating_sub(max) {
        1 => "one stage too many".to_string(),
        n => format!("the first of {n} stages too many"),
    })
    .with_help(format!(
        "merge stages, or move the later stages into a journey of their own and `jump` there \
         (`jump other_journey.stage`); the limit is `max_stages` in the `[journeys]` table of cjo.toml \
         ({} by default, at most {})",
        JourneyDefaults::DEFAULT_MAX_STAGES,
        JourneyDefaults::MAX_STAGES_LIMIT
    ));
    if let Some(range) = limits.max_stages_span {
        d = d.with_secondary(ws.config.span(range), "the limit is set here");
    }
    cx.push(d);
}

/// Checks the `jump` steps of `stage`, the stage at `position` in `journey`.
pub(super) fn check_stage(cx: &mut Cx, index: &JourneyIndex, journey: &Journey, position: usize, stage: &Stage) {
    for step in &stage.steps {
        let StepKind::Jump { journey: other, stage: target } = &step.kind else { continue };
        match other {
            None => local_jump(cx, index, journey, position, stage, target),
            Some(name) if name.as_str() == journey.name.as_str() => cx.push(
                Diagnostic::error(
                    diag::INVALID_JUMP,
                    cx.span(name.range),
                    format!("`jump {}.{}` names the journey it is in", name.text, target.text),
                )
                .with_label(format!("`{}` is this journey", name.text))
                .with_help(format!(
                    "write `jump {}`: `jump journey.stage` moves customers to another journey",
                    target.text
                )),
            ),
            Some(name) => other_jump(cx, index, journey, name, target),
        }
    }
}

/// `jump stage` within the journey: to a stage that comes later.
fn local_jump(cx: &mut Cx, index: &JourneyIndex, journey: &Journey, position: usize, stage: &Stage, target: &Name) {
    let wanted = target.as_str();
    match find_stage(journey, wanted) {
        Some((p, _)) if p == position => cx.push(
            Diagnostic::error(diag::INVALID_JUMP, cx.span(target.range), format!("stage `{wanted}` jumps to itself"))
                .with_label("the stage this step is in")
                .with_help(FORWARD_ONLY),
        ),
        Some((p, earlier)) if p < position => cx.push(
            Diagnostic::error(
                diag::INVALID_JUMP,
                cx.span(target.range),
                format!("stage `{}` jumps back to the earlier stage `{wanted}`", stage.name.text),
            )
            .with_label(format!("`{wanted}` comes before `{}`", stage.name.text))
            .with_secondary(cx.span(earlier.name.range), format!("`{wanted}` is declared here"))
            .with_help(FORWARD_ONLY),
        ),
        Some(_) => {}
        None => {
            let stages = journey.stages.iter().map(|s| s.name.as_str());
            let help = if let Some(suggestion) = diag::did_you_mean(wanted, stages.clone()) {
                suggestion
            } else if let Some((_, other)) = index.get(wanted) {
                let first = other.stages.first().map_or("stage", |s| s.name.as_str());
                format!("`{wanted}` is a journey: name the stage customers enter, e.g. `jump {wanted}.{first}`")
            } else if stage.steps.iter().any(|s| s.name.as_str() == wanted) {
                format!("`{wanted}` is a step of this stage: to continue with it, write `merge -> {wanted}` instead")
            } else {
                format!("the stages of journey `{}` are {}", journey.name.text, name_list(stages, 12))
            };
            cx.push(
                Diagnostic::error(
                    diag::INVALID_JUMP,
                    cx.span(target.range),
                    format!("journey `{}` has no stage `{wanted}`", journey.name.text),
                )
                .with_label("unknown stage")
                .with_help(help),
            );
        }
    }
}

/// `jump journey.stage` to another journey of the project.
fn other_jump(cx: &mut Cx, index: &JourneyIndex, journey: &Journey, name: &Name, target: &Name) {
    let Some((file, other)) = index.get(name.as_str()) else {
        let others = index.by_name.keys().copied().filter(|n| *n != journey.name.as_str());
        let help = if let Some(suggestion) = diag::did_you_mean(name.as_str(), others.clone()) {
            suggestion
        } else if find_stage(journey, name.as_str()).is_some() {
            format!("`{}` is a stage of this journey: write `jump {}`", name.text, name.text)
        } else if others.clone().next().is_none() {
            "the project has no other journey".to_string()
        } else if let (Some(only), 1) = (others.clone().next(), others.clone().count()) {
            format!("the only other journey of the project is `{only}`")
        } else {
            format!("the other journeys of the project are {}", name_list(others, 12))
        };
        cx.push(
            Diagnostic::error(diag::INVALID_JUMP, cx.span(name.range), format!("there is no journey `{}`", name.text))
                .with_label("unknown journey")
                .with_help(help),
        );
        return;
    };
    if find_stage(other, target.as_str()).is_some() {
        return;
    }
    let stages = other.stages.iter().map(|s| s.name.as_str());
    let help = diag::did_you_mean(target.as_str(), stages.clone())
        .unwrap_or_else(|| format!("the stages of journey `{}` are {}", other.name.text, name_list(stages, 12)));
    cx.push(
        Diagnostic::error(
            diag::INVALID_JUMP,
            cx.span(target.range),
            format!("journey `{}` has no stage `{}`", other.name.text, target.text),
        )
        .with_label("unknown stage")
        .with_secondary(Span::new(file, other.name.range), format!("journey `{}` is declared here", other.name.text))
        .with_help(help),
    );
}

/// Reports each circle of journeys jumping to one another, once, at the
/// jump that closes it.
pub(super) fn check_cycles(index: &JourneyIndex, out: &mut Vec<Diagnostic>) {
    // The journeys jumps go to (the first of each name), in declared order.
    let nodes: Vec<(usize, &Journey)> = index
        .all
        .iter()
        .filter(|(file, j)| index.get(j.name.as_str()).is_some_and(|(f, first)| f == *file && std::ptr::eq(first, *j)))
        .map(|&(_, j)| j)
        .enumerate()
        .collect();
    let ids: BTreeMap<&str, usize> = nodes.iter().map(|&(i, j)| (j.name.as_str(), i)).collect();
    // Each journey's jumps to other journeys: (target, where it is written).
    let mut edges: Vec<Vec<(usize, Span)>> = Vec::with_capacity(nodes.len());
    for &(_, j) in &nodes {
        let file = index.get(j.name.as_str()).map(|(f, _)| f).unwrap_or_default();
        let mut out_edges: Vec<(usize, Span)> = Vec::new();
        let jumps = j.stages.iter().flat_map(|s| &s.steps).filter_map(|step| match &step.kind {
            StepKind::Jump { journey: Some(name), .. } if name.as_str() != j.name.as_str() => Some(name),
            _ => None,
        });
        for name in jumps {
            if let Some(&to) = ids.get(name.as_str()) {
                if !out_edges.iter().any(|(t, _)| *t == to) {
                    out_edges.push((to, Span::new(file, name.range)));
                }
            }
        }
        edges.push(out_edges);
    }
    let successors: Vec<Vec<usize>> = edges.iter().map(|e| e.iter().map(|(to, _)| *to).collect()).collect();
    let name = |i: usize| nodes.get(i).map_or("?", |(_, j)| j.name.as_str());
    let (cycles, more) = back_edge_cycles(&successors, MAX_CYCLES);
    let count = cycles.len();
    for (k, cycle) in cycles.iter().enumerate() {
        let (Some(&first), Some(&last)) = (cycle.nodes.first(), cycle.nodes.last()) else { continue };
        let Some(&(_, closing)) = edges.get(last).and_then(|e| e.get(cycle.closing)) else { continue };
        let names: Vec<&str> = cycle.nodes.iter().map(|&i| name(i)).collect();
        let mut d = Diagnostic::error(
            diag::JUMP_CYCLE,
            closing,
            format!("journeys jump to each other in a circle: {}", cycle_path(&names)),
        )
        .with_label(format!("`{}` jumps back to `{}`", name(last), name(first)))
        .with_help(
            "remove one of these jumps, e.g. finish with `end` and let the next journey's entry criteria bring \
             customers in: a jump skips entry criteria, so customers could go round the circle forever",
        );
        for k in shown(cycle.nodes.len().saturating_sub(1)) {
            let (Some(&from), Some(&to)) = (cycle.nodes.get(k), cycle.nodes.get(k + 1)) else { continue };
            if let Some(&(_, span)) = edges.get(from).and_then(|e| e.iter().find(|(t, _)| *t == to)) {
                d = d.with_secondary(span, format!("`{}` jumps to `{}`", name(from), name(to)));
            }
        }
        if more > 0 && k + 1 == count {
            d = d.with_note(format!("there are {more} more circles of jumps, not shown"));
        }
        out.push(d);
    }
}
