//! `cjoc ls`: the project's nodes, or a selection of them, as `dbt ls`
//! lists them.

use std::io::Write;
use std::path::Path;

use cjo_codegen::select::Node;
use serde_json::json;

use super::select::{SelectArgs, State};
use super::{OK, USAGE};
use crate::Format;

/// What `cjoc ls` prints of each node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// `model.orders`, `check.orders.unique_order_id`.
    Id,
    /// The name as declared.
    Name,
    /// The file it is declared in, relative to the project.
    Path,
}

pub fn run(dir: &Path, args: &SelectArgs, output: Output, format: Format) -> u8 {
    let project = match super::select::Analyzed::load(dir) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(errors) = project.errors() {
        eprintln!(
            "note: the project has {errors} error{} (`cjoc check` shows them): its checks and pipelines are not listed",
            if errors == 1 { "" } else { "s" }
        );
    }
    let state = match State::load(args.state.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let sets = match (&state, &project.build) {
        (Some(s), Some(build)) => Some(s.sets(&project.ws, &project.analysis, build)),
        _ => None,
    };
    let picked = match super::select::pick(args, &project.ws, &project.analysis, project.build.as_ref(), sets.as_ref())
    {
        Ok(p) => p,
        Err(code) => return code,
    };
    let nodes: Vec<&Node> = picked.graph.nodes.values().filter(|n| picked.contains(&n.id)).collect();
    let mut out = std::io::stdout().lock();
    let written = match format {
        Format::Json => {
            let list: Vec<serde_json::Value> = nodes
                .iter()
                .map(|n| {
                    json!({
                        "id": n.id,
                        "kind": n.kind.as_str(),
                        "name": n.name,
                        "files": n.files,
                        "tags": n.tags,
                        "materialized": n.materialized,
                        "target": n.target.map(|d| d.as_str()),
                        "pipelines": n.pipelines,
                        "depends_on": n.parents,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)
                .map_err(|e| e.io_error_kind().map_or_else(|| std::io::Error::other(e), std::io::Error::from))
                .and_then(|()| writeln!(out))
        }
        Format::Human => nodes.iter().try_for_each(|n| match output {
            Output::Id => writeln!(out, "{}", n.id),
            Output::Name => writeln!(out, "{}", n.name),
            Output::Path => n.files.iter().try_for_each(|f| writeln!(out, "{f}")),
        }),
    };
    super::keep_until_exit((project, picked));
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write: {e}");
            USAGE
        }
        _ => OK,
    }
}
