//! The outline of a file: its declarations and what they hold (a source's
//! columns, a model's parameters and output columns, a journey's stages
//! and steps), for document and workspace symbols.

use cjo_diagnostics::{FileId, TextRange};
use cjo_project::Workspace;
use cjo_syntax::ast::{CheckEntry, Item};

use crate::Analysis;

/// One declaration and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outline {
    pub name: String,
    pub kind: OutlineKind,
    /// A type, a table name, a step's kind.
    pub detail: Option<String>,
    /// The whole declaration.
    pub range: TextRange,
    /// Its name.
    pub selection: TextRange,
    pub children: Vec<Outline>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineKind {
    Source,
    Model,
    Check,
    Journey,
    Pipeline,
    Function,
    Column,
    Param,
    Stage,
    Step,
    Criterion,
}

/// The declarations of `file`, in order.
pub fn outline(ws: &Workspace, analysis: &Analysis, file: FileId) -> Vec<Outline> {
    let Some(module) = ws.modules.iter().find(|m| m.file == file) else { return Vec::new() };
    module.ast.items.iter().filter(|i| !i.name().text.is_empty()).map(|i| item(analysis, file, i)).collect()
}

fn leaf(name: &str, kind: OutlineKind, detail: Option<String>, range: TextRange, selection: TextRange) -> Outline {
    Outline { name: name.to_string(), kind, detail, range, selection, children: Vec::new() }
}

fn item(analysis: &Analysis, file: FileId, item: &Item) -> Outline {
    let name = item.name();
    let mut out = leaf(&name.text, OutlineKind::Source, None, item.range(), name.range);
    match item {
        Item::Source(s) => {
            out.detail = Some(format!("\"{}\"", s.table.value));
            for c in &s.columns {
                let null = if c.not_null { " not null" } else { "" };
                let ty = analysis
                    .relation(&s.name.text)
                    .and_then(|r| r.column(&c.name.text))
                    .map_or_else(String::new, |col| col.ty.to_string());
                out.children.push(leaf(
                    &c.name.text,
                    OutlineKind::Column,
                    Some(format!("{ty}{null}")),
                    c.range,
                    c.name.range,
                ));
            }
        }
        Item::Model(m) => {
            out.kind = OutlineKind::Model;
            for p in &m.params {
                out.children.push(leaf(&p.name.text, OutlineKind::Param, None, p.range, p.name.range));
            }
            if let Some(rel) = analysis.relation(&m.name.text) {
                out.detail = Some(format!("{} columns", rel.columns.len()));
                for c in &rel.columns {
                    let Some(span) = c.span.filter(|s| s.file == file && m.range.touches(s.range.start)) else {
                        continue;
                    };
                    let null = if c.nullable { "" } else { " not null" };
                    out.children.push(leaf(
                        &c.name,
                        OutlineKind::Column,
                        Some(format!("{}{null}", c.ty)),
                        span.range,
                        span.range,
                    ));
                }
            }
        }
        Item::Check(c) => {
            out.kind = OutlineKind::Check;
            out.name = format!("check {}", c.target.text);
            for e in &c.entries {
                let (label, sel) = match e {
                    CheckEntry::Call { name, range, .. } => {
                        (name.text.clone(), TextRange::new(name.range.start, range.end))
                    }
                    CheckEntry::Expect { description, .. } => {
                        (format!("expect \"{}\"", description.value), description.range)
                    }
                };
                out.children.push(leaf(&label, OutlineKind::Criterion, None, e.range(), sel));
            }
        }
        Item::Journey(j) => {
            out.kind = OutlineKind::Journey;
            for c in j.goals.iter().chain(&j.exits) {
                if let Some(n) = &c.name {
                    out.children.push(leaf(&n.text, OutlineKind::Criterion, None, c.range, n.range));
                }
            }
            for s in &j.stages {
                let mut stage = leaf(&s.name.text, OutlineKind::Stage, None, s.range, s.name.range);
                for st in &s.steps {
                    let detail = Some(st.kind.keyword().to_string());
                    stage.children.push(leaf(&st.name.text, OutlineKind::Step, detail, st.range, st.name.range));
                }
                out.children.push(stage);
            }
        }
        Item::Pipeline(_) => out.kind = OutlineKind::Pipeline,
        Item::Function(f) => {
            out.kind = OutlineKind::Function;
            let params: Vec<String> = f.params.iter().map(|p| p.name.text.clone()).collect();
            out.detail = Some(format!("({})", params.join(", ")));
        }
    }
    out
}
