//! Hover: what a name stands for, in Markdown — a column's type, origin
//! and doc; a source's table or a model's output schema; a function's
//! signature and doc; what a step does.

use std::fmt::Write as _;

use cjo_diagnostics::{FileId, TextRange};
use cjo_project::Workspace;
use cjo_syntax::ast::{self, Item, StepKind};

use super::{Index, Target};
use crate::Analysis;
use crate::schema::RelationKind;
use crate::symbols::Symbols;

/// What to show for the name under the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The name hovered.
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

/// The hover at `offset` in `file`, when a known name is there.
pub fn hover(ws: &Workspace, analysis: &Analysis, index: &Index, file: FileId, offset: u32) -> Option<Hover> {
    if let Some(o) = index.at(file, offset) {
        let markdown = describe(ws, analysis, &o.target)?;
        return Some(Hover { range: o.span.range, markdown });
    }
    builtin_param(ws, file, offset)
}

/// The Markdown for a target (also the documentation of completions).
pub fn describe(ws: &Workspace, analysis: &Analysis, target: &Target) -> Option<String> {
    let mut md = String::new();
    match target {
        Target::Relation(name) => relation(ws, analysis, name, &mut md)?,
        Target::Column { relation, column } => {
            let rel = analysis.relation(relation)?;
            let col = rel.column(column)?;
            let null = if col.nullable { "" } else { " not null" };
            let _ = writeln!(md, "```cjo\n{}.{}: {}{null}\n```", rel.name, col.name, col.ty);
            if let Some(doc) = &col.doc {
                let _ = writeln!(md, "{doc}\n");
            }
            match &rel.kind {
                RelationKind::Source { table, .. } => {
                    let _ = writeln!(md, "Column of the source `{}` (warehouse table `{table}`).", rel.name);
                }
                RelationKind::Model => {
                    let _ = write!(md, "Column of the model `{}`", rel.name);
                    let upstream: Vec<String> = col.lineage.iter().map(|c| format!("`{c}`")).collect();
                    if upstream.is_empty() {
                        let _ = writeln!(md, ", computed from no column.");
                    } else {
                        let _ = writeln!(md, ", computed from {}.", upstream.join(", "));
                    }
                    let sources: Vec<String> =
                        analysis.source_lineage(&rel.name, &col.name).iter().map(|c| format!("`{c}`")).collect();
                    if !sources.is_empty() && sources != upstream {
                        let _ = writeln!(md, "\nFrom the source columns {}.", sources.join(", "));
                    }
                }
            }
        }
        Target::Function(name) => {
            let symbols = Symbols::collect(ws, &mut Vec::new());
            let sig = symbols.functions.get(name)?;
            let _ = writeln!(md, "```cjo\nfn {}\n```", sig.display());
            if let Some(doc) = &sig.doc {
                let _ = writeln!(md, "{doc}");
            }
        }
        Target::Journey(name) | Target::Pipeline(name) => {
            let (_, item) = find_item(ws, name)?;
            let _ = writeln!(md, "```cjo\n{} {}\n```", item.keyword(), item.name().text);
            if let Some(doc) = item.doc() {
                let _ = writeln!(md, "{}\n", doc.text);
            }
            if let Item::Journey(j) = item {
                let stages: Vec<String> = j.stages.iter().map(|s| format!("`{}`", s.name.text)).collect();
                let _ = writeln!(md, "Stages: {}.", stages.join(", "));
            }
        }
        Target::Stage { journey, stage } => {
            let (j, s) = find_stage(ws, journey, stage)?;
            let _ = writeln!(md, "```cjo\nstage {}.{}\n```", j.name.text, s.name.text);
            if let Some(doc) = &s.doc {
                let _ = writeln!(md, "{}\n", doc.text);
            }
            let steps: Vec<String> = s.steps.iter().map(|st| format!("`{}`", st.name.text)).collect();
            let _ = writeln!(
                md,
                "A customer enters this stage when its entry criterion holds, runs its steps ({}) in order, and leaves it on an exit, a jump or the journey's goal.",
                steps.join(", ")
            );
        }
        Target::Step { journey, stage, step } => {
            let (j, s) = find_stage(ws, journey, stage)?;
            let st = s.steps.iter().find(|st| st.name.text.eq_ignore_ascii_case(step))?;
            let _ = writeln!(
                md,
                "```cjo\nstep {}.{}.{}: {}\n```",
                j.name.text,
                s.name.text,
                st.name.text,
                st.kind.keyword()
            );
            if let Some(doc) = &st.doc {
                let _ = writeln!(md, "{}\n", doc.text);
            }
            let _ = writeln!(md, "{}", step_meaning(&st.kind, st.next.as_ref()));
        }
        Target::Cte { name, def } => {
            let line = ws.file(def.file).and_then(|f| {
                let start = f.text.get(..def.range.start as usize)?.rfind('\n').map_or(0, |i| i + 1);
                f.text.get(start..)?.lines().next()
            });
            if let Some(line) = line {
                let _ = writeln!(md, "```sql\n{}\n```", line.trim());
            }
            let _ =
                writeln!(md, "A common table expression of this query: `{name}` names the result of its `as ( … )`.");
        }
        Target::Param { model, param } => {
            let Some((file, Item::Model(m))) = find_item(ws, model) else { return None };
            let p = m.params.iter().find(|p| p.name.text.eq_ignore_ascii_case(param))?;
            let text = ws.file(file).map_or("", |f| p.range.slice(&f.text));
            let _ = writeln!(md, "```cjo\n{}\n```", text.lines().next().unwrap_or("").trim());
            if let Some(doc) = &p.doc {
                let _ = writeln!(md, "{}\n", doc.text);
            }
            let _ = writeln!(
                md,
                "A parameter of the model `{}`: `cjoc build --param {}=…` sets it, else its default.",
                m.name.text, p.name.text
            );
        }
    }
    Some(md.trim_end().to_string())
}

fn relation(ws: &Workspace, analysis: &Analysis, name: &str, md: &mut String) -> Option<()> {
    let Some(rel) = analysis.relation(name) else {
        // Declared but not analysed (its body has errors, or a cycle).
        let (_, item) = find_item(ws, name)?;
        let _ = writeln!(md, "```cjo\n{} {}\n```", item.keyword(), item.name().text);
        if let Some(doc) = item.doc() {
            let _ = writeln!(md, "{}\n", doc.text);
        }
        let _ = writeln!(md, "Its columns are not known until its errors are fixed.");
        return Some(());
    };
    match &rel.kind {
        RelationKind::Source { table, .. } => {
            let _ = writeln!(md, "```cjo\nsource {} = \"{table}\"\n```", rel.name);
        }
        RelationKind::Model => {
            let _ = writeln!(md, "```cjo\nmodel {}\n```", rel.name);
        }
    }
    if let Some(doc) = &rel.doc {
        let _ = writeln!(md, "{doc}\n");
    }
    let what = if rel.is_model() { "Output columns" } else { "Columns" };
    let _ = writeln!(md, "{what}:\n\n| column | type | |\n|---|---|---|");
    for c in &rel.columns {
        let null = if c.nullable { "" } else { "not null" };
        let doc = c.doc.as_deref().and_then(|d| d.lines().next()).unwrap_or("");
        let _ = writeln!(md, "| `{}` | `{}` {null} | {} |", c.name, c.ty, doc.replace('|', "\\|"));
    }
    if let Some(deps) = analysis.dependencies.get(name).filter(|d| !d.is_empty()) {
        let list: Vec<String> = deps.iter().map(|d| format!("`{d}`")).collect();
        let _ = writeln!(md, "\nReads {}.", list.join(", "));
    }
    Some(())
}

/// What a step does, in the words of `JOURNEYS.md`.
fn step_meaning(kind: &StepKind, next: Option<&ast::Name>) -> String {
    let then = next.map_or_else(|| "the next step in declared order".to_string(), |n| format!("`{}`", n.text));
    match kind {
        StepKind::Activate { destination } => format!(
            "Activates the customer to `{}`: appends a row to the journey's activation table, then goes on to {then} at once.",
            destination.value
        ),
        StepKind::Wait { duration } => {
            format!("Waits {} {}(s), then goes on to {then}.", duration.amount, duration.unit.as_str())
        }
        StepKind::WaitUntilDate { date } => {
            format!("Waits until {} (in the journey's time zone), then goes on to {then}.", date.value)
        }
        StepKind::WaitUntilWeekday { days } => {
            let days: Vec<&str> = days.iter().map(|d| d.text.as_str()).collect();
            format!("Waits until a tick on {} (in the journey's time zone), then goes on to {then}.", days.join(", "))
        }
        StepKind::WaitUntil { timeout, on_timeout, .. } => format!(
            "Waits until the condition holds, then goes on to the next step in declared order; after {} {}(s) without it, goes to `{}`.",
            timeout.amount,
            timeout.unit.as_str(),
            on_timeout.text
        ),
        StepKind::Decide { .. } => {
            "Goes to the step of the first `when` whose condition holds, else to the `else` step.".to_string()
        }
        StepKind::AbTest { arms } => {
            let arms: Vec<String> = arms
                .iter()
                .map(|a| {
                    let who = a.variant.as_ref().map_or_else(|| "control".to_string(), |v| format!("variant {}", v.text));
                    format!("{who} {}% → `{}`", a.share, a.target.text)
                })
                .collect();
            format!(
                "Splits customers into stable buckets by a hash of their key: {}.",
                arms.join(", ")
            )
        }
        StepKind::Jump { journey: Some(j), stage } => format!(
            "Ends this journey for the customer, who enters the journey `{}` at stage `{}` on its next tick, without its entry criteria.",
            j.text, stage.text
        ),
        StepKind::Jump { journey: None, stage } => {
            format!("Closes this stage and enters the later stage `{}` at once, without its entry criteria.", stage.text)
        }
        StepKind::Merge => format!("Where paths meet: does nothing, and goes on to {then}."),
        StepKind::End => "The customer stays in the stage until an exit, the goal or a jump moves them; in the last stage it ends the journey.".to_string(),
        StepKind::Error => "A step that could not be read.".to_string(),
    }
}

/// `$run_start`, `$run_end`, `$run_date` in a SQL body or criterion.
fn builtin_param(ws: &Workspace, file: FileId, offset: u32) -> Option<Hover> {
    let text = &ws.file(file)?.text;
    let (range, word) = super::complete::word_at(text, offset)?;
    let dollar = range.start.checked_sub(1).and_then(|i| text.as_bytes().get(i as usize)) == Some(&b'$');
    if !dollar {
        return None;
    }
    let meaning = match word {
        "run_start" => "`$run_start: timestamp` — the start of the interval a run covers (included).",
        "run_end" => "`$run_end: timestamp` — the end of the interval a run covers (excluded).",
        "run_date" => "`$run_date: date` — the day a run covers.",
        _ => return None,
    };
    let markdown = format!(
        "{meaning}\n\nA built-in parameter: a typed literal in `cjoc build`, the orchestrator's own templating in scheduler output."
    );
    Some(Hover { range, markdown })
}

/// The declaration called `name` (lowercase): the project's first, else
/// the standard library's.
pub(super) fn find_item<'w>(ws: &'w Workspace, name: &str) -> Option<(FileId, &'w Item)> {
    ws.modules
        .iter()
        .flat_map(|m| m.ast.items.iter().map(move |i| (m.file, i)))
        .find(|(_, i)| !matches!(i, Item::Check(_)) && i.name().text.eq_ignore_ascii_case(name))
}

fn find_stage<'w>(ws: &'w Workspace, journey: &str, stage: &str) -> Option<(&'w ast::Journey, &'w ast::Stage)> {
    let Some((_, Item::Journey(j))) = find_item(ws, journey) else { return None };
    let s = j.stages.iter().find(|s| s.name.text.eq_ignore_ascii_case(stage))?;
    Some((j, s))
}
