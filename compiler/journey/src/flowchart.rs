//! A journey drawn as a flowchart, for people: one cluster per stage with
//! its entry criterion and its steps, edges labelled with the branch they
//! take, the goal and the exits as terminal nodes. [`flowchart`] builds the
//! drawing as data from a [`Plan`]; [`mermaid`] and [`dot`] print it. Node
//! ids are positional (`s1_p3` is step 3 of stage 1), so that any name,
//! however it is spelled, makes a valid id in both formats.

use std::fmt::Write as _;

use cjo_project::Workspace;
use cjo_syntax::ast::{self, Expr, StepKind};

use crate::plan::{Next, Plan, StageId, StepId, StepOp};

/// Criterion texts longer than this many characters are cut, with `…`.
const MAX_TEXT: usize = 60;

/// One journey as nodes and edges. Everything is in declared order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flowchart {
    pub journey: String,
    /// One per stage, in declared order: the clusters nodes are drawn in.
    pub stages: Vec<Cluster>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A stage, drawn as a box around its nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// `stage_<i>`.
    pub id: String,
    /// The stage's name as declared.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    /// The label's lines, as plain text (each format escapes them).
    pub label: Vec<String>,
    /// The stage the node is drawn in; `None` for the journey's own nodes.
    pub stage: Option<StageId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A stage's entry criterion.
    Entry,
    Activate,
    /// Any of the four waits.
    Wait,
    Decide,
    AbTest,
    Merge,
    /// A `jump` step (to this journey's stage or another journey's).
    Jump,
    /// An `end` step.
    End,
    /// Past a stage's last declared step: the customer parks as if an `end`
    /// followed.
    Park,
    Goal,
    /// A journey-level or a stage-level exit.
    Exit,
    /// The end of the journey after the last stage's milestone.
    JourneyEnd,
    /// A stage of another journey, the target of a `jump other.stage`.
    OtherJourney,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Entry => "entry",
            NodeKind::Activate => "activate",
            NodeKind::Wait => "wait",
            NodeKind::Decide => "decide",
            NodeKind::AbTest => "ab_test",
            NodeKind::Merge => "merge",
            NodeKind::Jump => "jump",
            NodeKind::End => "end",
            NodeKind::Park => "park",
            NodeKind::Goal => "goal",
            NodeKind::Exit => "exit",
            NodeKind::JourneyEnd => "journey_end",
            NodeKind::OtherJourney => "other_journey",
        }
    }
}

/// Either end of an edge: a node, or a whole stage (a milestone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Node(String),
    Stage(StageId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: Endpoint,
    pub to: Endpoint,
    /// The branch, as plain text.
    pub label: Option<String>,
    /// Jumps are dashed.
    pub dashed: bool,
}

impl Flowchart {
    /// The id of an endpoint: the node's, or the stage's cluster id.
    pub fn endpoint_id<'s>(&'s self, e: &'s Endpoint) -> &'s str {
        match e {
            Endpoint::Node(id) => id,
            Endpoint::Stage(s) => self.stages.get(*s).map_or("", |c| c.id.as_str()),
        }
    }

    fn nodes_of(&self, stage: StageId) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(move |n| n.stage == Some(stage))
    }
}

/// The flowchart of `plan`; criteria are shown as their source text in `ws`.
pub fn flowchart(ws: &Workspace, plan: &Plan<'_>) -> Flowchart {
    let source = ws.file(plan.file).map_or("", |f| f.text.as_str());
    let text = |e: &Expr| criterion_text(source, e);
    let mut out = Flowchart {
        journey: plan.name.clone(),
        stages: plan
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| Cluster { id: format!("stage_{i}"), name: s.name.clone() })
            .collect(),
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    for (i, goal) in plan.goals.iter().enumerate() {
        out.nodes.push(node(
            format!("goal_{i}"),
            NodeKind::Goal,
            vec![format!("goal {}", goal.name), text(goal.expr)],
            None,
        ));
    }
    for (i, exit) in plan.exits.iter().enumerate() {
        out.nodes.push(node(
            format!("exit_{i}"),
            NodeKind::Exit,
            vec![format!("exit {}", exit.name), text(exit.expr)],
            None,
        ));
    }
    let mut journey_end = false;
    let mut others: Vec<(String, String)> = Vec::new();
    for (s, stage) in plan.stages.iter().enumerate() {
        let ast_steps = plan.journey.stages.get(s).map_or(&[][..], |st| st.steps.as_slice());
        if !stage.entries.is_empty() {
            let mut label = vec!["entry".to_string()];
            label.extend(stage.entries.iter().enumerate().map(|(k, e)| or_prefix(k, text(e))));
            out.nodes.push(node(format!("s{s}_entry"), NodeKind::Entry, label, Some(s)));
            out.edges.push(edge(format!("s{s}_entry"), first_or_park(plan, s), None));
        }
        for (k, exit) in stage.exits.iter().enumerate() {
            let label = vec![format!("exit {}", exit.name), text(exit.expr)];
            out.nodes.push(node(format!("s{s}_exit_{k}"), NodeKind::Exit, label, Some(s)));
        }
        let mut parks = false;
        // A removed step (`moved old -> …`) is no part of the journey drawn.
        for (p, step) in stage.steps.iter().enumerate().filter(|(_, st)| !st.removed) {
            let from = step_id(s, p);
            let ast = ast_steps.get(p).map(|a| &a.kind);
            let (kind, what) = describe(&step.op, ast, plan, &text);
            out.nodes.push(node(from.clone(), kind, vec![step.name.clone(), what], Some(s)));
            // Where the step continues: (target, branch label, dashed).
            let mut branches: Vec<(String, Option<String>, bool)> = Vec::new();
            let mut to = |next: Next, label: Option<String>| match next {
                Next::Step(t) => branches.push((step_id(s, t), label, false)),
                Next::Park => {
                    parks = true;
                    branches.push((format!("s{s}_park"), label, false));
                }
            };
            match &step.op {
                StepOp::Activate { next, .. }
                | StepOp::Wait { next, .. }
                | StepOp::WaitUntilDate { next, .. }
                | StepOp::WaitUntilWeekday { next, .. }
                | StepOp::Merge { next } => to(*next, None),
                StepOp::WaitUntil { next, on_timeout, .. } => {
                    to(*next, Some("condition".into()));
                    let timeout = match ast {
                        Some(StepKind::WaitUntil { timeout, .. }) => format!("timeout {}", duration(timeout)),
                        _ => "timeout".into(),
                    };
                    to(Next::Step(*on_timeout), Some(timeout));
                }
                StepOp::Decide { whens, otherwise } => {
                    for (k, (cond, target)) in whens.iter().enumerate() {
                        to(Next::Step(*target), Some(format!("when {}: {}", k + 1, text(cond))));
                    }
                    to(Next::Step(*otherwise), Some("else".into()));
                }
                StepOp::AbTest { arms } => {
                    for arm in arms {
                        to(Next::Step(arm.target), Some(arm_label(ast, arm.variant, arm.basis_points)));
                    }
                }
                StepOp::Jump { stage: target } => branches.push((first_or_park(plan, *target), None, true)),
                StepOp::JumpJourney { journey, stage } => {
                    let key = (journey.clone(), stage.clone());
                    let k = match others.iter().position(|o| *o == key) {
                        Some(k) => k,
                        None => {
                            others.push(key);
                            others.len() - 1
                        }
                    };
                    branches.push((format!("other_{k}"), None, true));
                }
                StepOp::End => {}
            }
            for (target, label, dashed) in branches {
                out.edges.push(Edge { from: Endpoint::Node(from.clone()), to: Endpoint::Node(target), label, dashed });
            }
        }
        if parks || stage.steps.is_empty() {
            let label = if plan.is_last_stage(s) {
                "end of journey (past the last step)"
            } else {
                "parked (past the last step)"
            };
            out.nodes.push(node(format!("s{s}_park"), NodeKind::Park, vec![label.into()], Some(s)));
        }
        if !stage.milestones.is_empty() {
            let mut label = vec![];
            for (k, m) in stage.milestones.iter().enumerate() {
                label.push(if k == 0 { format!("milestone: {}", text(m)) } else { or_prefix(k, text(m)) });
            }
            let to = if plan.is_last_stage(s) {
                journey_end = true;
                Endpoint::Node("journey_done".into())
            } else {
                Endpoint::Stage(s + 1)
            };
            out.edges.push(Edge { from: Endpoint::Stage(s), to, label: Some(label.join("\n")), dashed: false });
        }
    }
    if journey_end {
        out.nodes.push(node("journey_done".into(), NodeKind::JourneyEnd, vec!["end of journey".into()], None));
    }
    for (k, (journey, stage)) in others.into_iter().enumerate() {
        let label = vec![format!("journey {journey}"), format!("stage {stage}")];
        out.nodes.push(node(format!("other_{k}"), NodeKind::OtherJourney, label, None));
    }
    // Stage-level nodes drawn together, in stage order; journey nodes first.
    out.nodes.sort_by_key(|n| n.stage.map_or(0, |s| s + 1));
    out
}

fn node(id: String, kind: NodeKind, label: Vec<String>, stage: Option<StageId>) -> Node {
    Node { id, kind, label, stage }
}

fn edge(from: String, to: String, label: Option<String>) -> Edge {
    Edge { from: Endpoint::Node(from), to: Endpoint::Node(to), label, dashed: false }
}

fn step_id(s: StageId, p: StepId) -> String {
    format!("s{s}_p{p}")
}

/// The first step of stage `s`, or its park node when it has none.
fn first_or_park(plan: &Plan<'_>, s: StageId) -> String {
    match plan.stage(s) {
        Some(stage) if !stage.steps.is_empty() => step_id(s, 0),
        _ => format!("s{s}_park"),
    }
}

fn or_prefix(k: usize, text: String) -> String {
    if k == 0 { text } else { format!("or {text}") }
}

/// A step's node kind and the second line of its label: what it does.
fn describe(
    op: &StepOp<'_>,
    ast: Option<&StepKind>,
    plan: &Plan<'_>,
    text: &dyn Fn(&Expr) -> String,
) -> (NodeKind, String) {
    match op {
        StepOp::Activate { destination, .. } => {
            (NodeKind::Activate, format!("activate {}", string_literal(destination)))
        }
        StepOp::Wait { seconds, .. } => {
            let d = match ast {
                Some(StepKind::Wait { duration: d }) => duration(d),
                _ => format!("{seconds} seconds"),
            };
            (NodeKind::Wait, format!("wait {d}"))
        }
        StepOp::WaitUntilDate { year, month, day, .. } => {
            (NodeKind::Wait, format!("wait until date \"{year:04}-{month:02}-{day:02}\""))
        }
        StepOp::WaitUntilWeekday { days, .. } => {
            const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let names: Vec<&str> =
                days.iter().filter_map(|d| NAMES.get(usize::from(*d).wrapping_sub(1)).copied()).collect();
            (NodeKind::Wait, format!("wait until weekday {}", names.join(", ")))
        }
        StepOp::WaitUntil { condition, .. } => (NodeKind::Wait, format!("wait until {}", text(condition))),
        StepOp::Decide { .. } => (NodeKind::Decide, "decide".into()),
        StepOp::AbTest { .. } => (NodeKind::AbTest, "ab_test".into()),
        StepOp::Merge { .. } => (NodeKind::Merge, "merge".into()),
        StepOp::Jump { stage } => {
            (NodeKind::Jump, format!("jump {}", plan.stage(*stage).map_or("?", |s| s.name.as_str())))
        }
        StepOp::JumpJourney { journey, stage } => (NodeKind::Jump, format!("jump {journey}.{stage}")),
        StepOp::End => (NodeKind::End, "end".into()),
    }
}

/// `value` as a `.cjo` string literal, as it would be written.
fn string_literal(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `control 10%`, `variant a 45%`: the share as written.
fn arm_label(ast: Option<&StepKind>, variant: u32, basis_points: u32) -> String {
    let arms = match ast {
        Some(StepKind::AbTest { arms }) => arms.as_slice(),
        _ => &[],
    };
    let found = if variant == 0 {
        arms.iter().find(|a| a.variant.is_none())
    } else {
        let k = usize::try_from(variant - 1).unwrap_or(usize::MAX);
        arms.iter().filter(|a| a.variant.is_some()).nth(k)
    };
    match found {
        Some(arm) => match &arm.variant {
            None => format!("control {}%", arm.share),
            Some(name) => format!("variant {} {}%", name.text, arm.share),
        },
        // Not from the plan's own journey: print the share from the plan.
        None => {
            let share = format!("{}.{:02}", basis_points / 100, basis_points % 100);
            let share = share.trim_end_matches("00").trim_end_matches('.');
            if variant == 0 { format!("control {share}%") } else { format!("variant {variant} {share}%") }
        }
    }
}

/// `2 days`, `1 hour`.
fn duration(d: &ast::Duration) -> String {
    format!("{} {}{}", d.amount, d.unit.as_str(), if d.amount == 1 { "" } else { "s" })
}

/// The criterion's source text on one line, cut to [`MAX_TEXT`] characters.
fn criterion_text(source: &str, e: &Expr) -> String {
    let raw = source.get(e.range.start as usize..e.range.end as usize).unwrap_or("");
    shorten(&raw.split_whitespace().collect::<Vec<_>>().join(" "), MAX_TEXT)
}

/// `text` when it has at most `max` characters, else its first `max - 1`
/// and `…`.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// A line of a label with its control characters (a line break in a
/// destination string, a tab) made spaces: each format breaks lines itself.
fn plain(line: &str) -> String {
    line.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A Mermaid `flowchart TD`: one `subgraph` per stage; labels quoted, with
/// Mermaid's entity codes for what its parser would read, `<br/>` between
/// lines.
pub fn mermaid(chart: &Flowchart) -> String {
    let mut s = String::from("flowchart TD\n");
    for n in chart.nodes.iter().filter(|n| n.stage.is_none()) {
        let _ = writeln!(s, "  {}", mermaid_node(n));
    }
    for (i, stage) in chart.stages.iter().enumerate() {
        let _ = writeln!(s, "  subgraph {}[\"{}\"]", stage.id, mermaid_text(&format!("stage {}", stage.name)));
        for n in chart.nodes_of(i) {
            let _ = writeln!(s, "    {}", mermaid_node(n));
        }
        s.push_str("  end\n");
    }
    for e in &chart.edges {
        let arrow = if e.dashed { "-.->" } else { "-->" };
        let label = e.label.as_deref().map(|l| format!("|\"{}\"|", mermaid_text(l))).unwrap_or_default();
        let _ = writeln!(s, "  {} {arrow}{label} {}", chart.endpoint_id(&e.from), chart.endpoint_id(&e.to));
    }
    s.push_str(concat!(
        "  classDef entry fill:#dbeafe,stroke:#2563eb;\n",
        "  classDef goal fill:#dcfce7,stroke:#16a34a;\n",
        "  classDef exit fill:#fee2e2,stroke:#dc2626;\n",
        "  classDef finish fill:#f3f4f6,stroke:#6b7280;\n",
    ));
    for (class, kinds) in [
        ("entry", &[NodeKind::Entry][..]),
        ("goal", &[NodeKind::Goal]),
        ("exit", &[NodeKind::Exit]),
        ("finish", &[NodeKind::End, NodeKind::Park, NodeKind::JourneyEnd, NodeKind::OtherJourney]),
    ] {
        let ids: Vec<&str> = chart.nodes.iter().filter(|n| kinds.contains(&n.kind)).map(|n| n.id.as_str()).collect();
        if !ids.is_empty() {
            let _ = writeln!(s, "  class {} {class};", ids.join(","));
        }
    }
    s
}

fn mermaid_node(n: &Node) -> String {
    let text = mermaid_text(&n.label.join("\n"));
    let (open, close) = match n.kind {
        NodeKind::Entry => (">", "]"),
        NodeKind::Activate => ("[", "]"),
        NodeKind::Wait => ("(", ")"),
        NodeKind::Decide | NodeKind::AbTest => ("{", "}"),
        NodeKind::Merge => ("((", "))"),
        NodeKind::Jump | NodeKind::OtherJourney => ("[[", "]]"),
        NodeKind::End | NodeKind::Park | NodeKind::JourneyEnd => ("([", "])"),
        NodeKind::Goal | NodeKind::Exit => ("{{", "}}"),
    };
    format!("{}{open}\"{text}\"{close}", n.id)
}

/// Text for inside a Mermaid `"…"` label: `#`, quotes, `<`, `>`, `&`, `|`
/// and backticks as entity codes (so that neither the flowchart parser nor
/// the HTML label reads them), line breaks as `<br/>`.
fn mermaid_text(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let mut out = String::new();
            for c in plain(line).chars() {
                match c {
                    '#' => out.push_str("#35;"),
                    '"' => out.push_str("#quot;"),
                    '<' => out.push_str("#lt;"),
                    '>' => out.push_str("#gt;"),
                    '&' => out.push_str("#amp;"),
                    '|' => out.push_str("#124;"),
                    '`' => out.push_str("#96;"),
                    c => out.push(c),
                }
            }
            out
        })
        .collect();
    lines.join("<br/>")
}

/// A Graphviz `digraph`, top to bottom: one `cluster_<i>` per stage. A
/// milestone is an edge between clusters (`compound=true` with `ltail` and
/// `lhead`) drawn from the stage's last node to the next stage's first.
pub fn dot(chart: &Flowchart) -> String {
    let mut s = String::from("digraph journey {\n");
    let _ = writeln!(s, "  label={};", dot_text(&format!("journey {}", chart.journey)));
    s.push_str(concat!(
        "  labelloc=t;\n  compound=true;\n  rankdir=TB;\n",
        "  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    ));
    for n in chart.nodes.iter().filter(|n| n.stage.is_none()) {
        let _ = writeln!(s, "  {}", dot_node(n));
    }
    for (i, stage) in chart.stages.iter().enumerate() {
        let _ = writeln!(s, "  subgraph cluster_{i} {{");
        let _ = writeln!(s, "    label={};", dot_text(&format!("stage {}", stage.name)));
        s.push_str("    style=rounded;\n    color=\"#9ca3af\";\n");
        for n in chart.nodes_of(i) {
            let _ = writeln!(s, "    {}", dot_node(n));
        }
        s.push_str("  }\n");
    }
    for e in &chart.edges {
        let mut attrs = Vec::new();
        let from = match &e.from {
            Endpoint::Node(id) => Some(id.clone()),
            Endpoint::Stage(st) => {
                attrs.push(format!("ltail=cluster_{st}"));
                chart.nodes_of(*st).last().map(|n| n.id.clone())
            }
        };
        let to = match &e.to {
            Endpoint::Node(id) => Some(id.clone()),
            Endpoint::Stage(st) => {
                attrs.push(format!("lhead=cluster_{st}"));
                chart.nodes_of(*st).find(|n| n.kind != NodeKind::Exit).map(|n| n.id.clone())
            }
        };
        let (Some(from), Some(to)) = (from, to) else { continue };
        if let Some(label) = &e.label {
            attrs.insert(0, format!("label={}", dot_text(label)));
        }
        if e.dashed {
            attrs.push("style=dashed".into());
        }
        let attrs = if attrs.is_empty() { String::new() } else { format!(" [{}]", attrs.join(", ")) };
        let _ = writeln!(s, "  {} -> {}{attrs};", dot_text(&from), dot_text(&to));
    }
    s.push_str("}\n");
    s
}

fn dot_node(n: &Node) -> String {
    let style = match n.kind {
        NodeKind::Entry => "shape=cds, style=filled, fillcolor=\"#dbeafe\"",
        NodeKind::Activate => "shape=box",
        NodeKind::Wait => "shape=box, style=rounded",
        NodeKind::Decide | NodeKind::AbTest => "shape=diamond",
        NodeKind::Merge => "shape=ellipse",
        NodeKind::Jump => "shape=box, style=dashed",
        NodeKind::End | NodeKind::Park | NodeKind::JourneyEnd => "shape=oval, style=filled, fillcolor=\"#f3f4f6\"",
        NodeKind::OtherJourney => "shape=box3d, style=filled, fillcolor=\"#f3f4f6\"",
        NodeKind::Goal => "shape=doubleoctagon, style=filled, fillcolor=\"#dcfce7\"",
        NodeKind::Exit => "shape=octagon, style=filled, fillcolor=\"#fee2e2\"",
    };
    format!("{} [label={}, {style}];", dot_text(&n.id), dot_text(&n.label.join("\n")))
}

/// A DOT quoted string: `\` and `"` escaped (so that no `\l`, `\N`… escape
/// is read), line breaks as `\n`. `<` and `>` need nothing inside quotes
/// (they are special only in `<…>` HTML labels, never written here).
fn dot_text(text: &str) -> String {
    let lines: Vec<String> =
        text.split('\n').map(|line| plain(line).replace('\\', "\\\\").replace('"', "\\\"")).collect();
    format!("\"{}\"", lines.join("\\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_shortened_on_a_character_boundary() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "ab…");
        assert_eq!(shorten("ab  cd", 4), "ab…");
        assert_eq!(shorten("日本語です", 4), "日本語…");
    }

    #[test]
    fn mermaid_escapes_what_its_parser_reads() {
        assert_eq!(mermaid_text("a \"b\" <c> & #d | `e`"), "a #quot;b#quot; #lt;c#gt; #amp; #35;d #124; #96;e#96;");
        assert_eq!(mermaid_text("one\ntwo\tthree"), "one<br/>two three");
    }

    #[test]
    fn dot_escapes_quotes_and_backslashes() {
        assert_eq!(dot_text("say \"hi\"\\l <b>"), "\"say \\\"hi\\\"\\\\l <b>\"");
        assert_eq!(dot_text("one\ntwo"), "\"one\\ntwo\"");
    }
}
