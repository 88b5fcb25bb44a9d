//! `cjoc describe`: the inferred schema and column lineage of models and
//! sources.

use std::io::Write;
use std::path::Path;

use cjo_semantic::{Analysis, Relation, RelationKind};
use serde_json::json;

use super::select::SelectArgs;
use super::{OK, PROBLEMS, USAGE};
use crate::Format;

pub fn run(names: &[String], dir: &Path, format: Format, selection: &SelectArgs) -> u8 {
    let ws = match super::load_project(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let analysis = cjo_semantic::analyze(&ws);
    let mut selected: Vec<&Relation> = Vec::new();
    let picked = match picked_relations(&ws, &analysis, selection) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(keys) = &picked {
        selected.extend(keys.iter().filter_map(|k| analysis.relation(k)));
    }
    for name in names {
        match analysis.relation(name) {
            Some(r) => selected.push(r),
            None => {
                let help = cjo_diagnostics::did_you_mean(name, analysis.relations.values().map(|r| r.name.as_str()));
                eprintln!(
                    "error: no model or source `{name}` with a known schema{}",
                    help.map(|h| format!(" ({h})")).unwrap_or_default()
                );
                return PROBLEMS;
            }
        }
    }
    if names.is_empty() && picked.is_none() {
        selected.extend(analysis.relations.values().filter(|r| r.is_model()));
    }
    let errors = cjo_semantic::all_diagnostics(&ws, &analysis).iter().filter(|d| d.is_error()).count();
    let mut out = std::io::stdout().lock();
    let written = match format {
        Format::Json => {
            let value: Vec<serde_json::Value> = selected.iter().map(|r| to_json(&analysis, r)).collect();
            serde_json::to_writer_pretty(&mut out, &value).map_err(std::io::Error::other).and_then(|()| writeln!(out))
        }
        Format::Human => selected.iter().enumerate().try_for_each(|(i, r)| {
            if i > 0 {
                writeln!(out)?;
            }
            write!(out, "{}", cjo_semantic::describe(&analysis, r))
        }),
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write: {e}");
            return USAGE;
        }
    }
    if errors > 0 {
        eprintln!(
            "note: the project has {errors} error{}; `cjoc check` shows them",
            if errors == 1 { "" } else { "s" }
        );
    }
    OK
}

fn to_json(analysis: &Analysis, r: &Relation) -> serde_json::Value {
    let (kind, table) = match &r.kind {
        RelationKind::Source { table, .. } => ("source", Some(table.clone())),
        RelationKind::Model => ("model", None),
    };
    json!({
        "name": r.name,
        "kind": kind,
        "table": table,
        "doc": r.doc,
        "columns": r.columns.iter().map(|c| json!({
            "name": c.name,
            "type": c.ty.to_string(),
            "nullable": c.nullable,
            "doc": c.doc,
            "lineage": c.lineage.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "source_lineage": analysis.source_lineage(&r.name, &c.name).iter().map(ToString::to_string).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// With `--select`: the models and sources it picks (lowercase names).
fn picked_relations(
    ws: &cjo_project::Workspace,
    analysis: &Analysis,
    selection: &SelectArgs,
) -> Result<Option<Vec<String>>, u8> {
    if !selection.is_given() {
        return Ok(None);
    }
    let (_, build) = cjo_codegen::check(ws, analysis);
    let state = super::select::State::load(selection.state.as_deref())?;
    let sets = match (&state, &build) {
        (Some(s), Some(b)) => Some(s.sets(ws, analysis, b)),
        _ => None,
    };
    let picked = super::select::pick(selection, ws, analysis, build.as_ref(), sets.as_ref())?;
    let nodes = picked.graph.nodes.values().filter(|n| picked.contains(&n.id));
    let keys = nodes
        .filter(|n| matches!(n.kind, cjo_codegen::select::NodeKind::Model | cjo_codegen::select::NodeKind::Source))
        .map(|n| n.name.to_ascii_lowercase())
        .collect();
    super::keep_until_exit((build, picked));
    Ok(Some(keys))
}
