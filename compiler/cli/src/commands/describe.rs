//! `cjoc describe`: the inferred schema and column lineage of models and
//! sources.

use std::io::Write;
use std::path::{Path, PathBuf};

use cjo_semantic::{Analysis, Relation, RelationKind};
use serde_json::json;

use super::select::SelectArgs;
use super::{OK, PROBLEMS};
use crate::Format;

/// `names` are models and sources, or a lone project folder when `dir`
/// is not given (see [`lone_folder`]).
pub fn run(mut names: Vec<String>, dir: Option<PathBuf>, format: Format, selection: &SelectArgs) -> u8 {
    let dir = match dir {
        Some(dir) => dir,
        None => match lone_folder(&names) {
            Some(dir) => {
                names.clear();
                dir
            }
            None => PathBuf::from("."),
        },
    };
    let ws = match super::load_project(&dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let analysis = {
        let _phase = crate::progress::phase("checking");
        cjo_semantic::analyze(&ws)
    };
    let mut selected: Vec<&Relation> = Vec::new();
    let picked = match picked_relations(&ws, &analysis, selection) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(keys) = &picked {
        selected.extend(keys.iter().filter_map(|k| analysis.relation(k)));
    }
    for name in &names {
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
            serde_json::to_writer_pretty(&mut out, &value).map_err(crate::out::json_io).and_then(|()| writeln!(out))
        }
        Format::Human => selected.iter().enumerate().try_for_each(|(i, r)| {
            if i > 0 {
                writeln!(out)?;
            }
            write!(out, "{}", cjo_semantic::describe(&analysis, r))
        }),
    };
    drop(out);
    if let Err(code) = crate::out::written(written) {
        return code;
    }
    if errors > 0 && !crate::progress::quiet() {
        eprintln!(
            "note: the project has {errors} error{}; `cjoc check` shows them",
            if errors == 1 { "" } else { "s" }
        );
    }
    OK
}

/// The project folder a lone argument names: an existing folder written
/// as a path (a model's name never holds a `/` and is never `.` or `..`)
/// or one holding a `cjo.toml`. Anything else is a model's or source's
/// name, so `cjoc describe orders` still means the model when the current
/// folder happens to hold an `orders/` folder of `.cjo` files.
fn lone_folder(names: &[String]) -> Option<PathBuf> {
    let [only] = names else { return None };
    let path = Path::new(only);
    let as_path = only.contains(std::path::MAIN_SEPARATOR) || only.contains('/') || only == "." || only == "..";
    (path.is_dir() && (as_path || path.join(cjo_project::CONFIG_FILE).is_file())).then(|| path.to_path_buf())
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
