//! Names and types: resolves every reference of a loaded project and
//! type-checks it against the warehouse schemas.
//!
//! [`analyze`] never fails: it returns what it could work out (each model's
//! output schema and column lineage, the dependency graph) with the
//! diagnostics found on the way. A name that does not resolve is reported
//! once and typed as unknown, so one mistake does not cascade.

mod journey_graph;

use cjo_diagnostics::Diagnostic;
use cjo_project::Workspace;

/// What the names-and-types stage knows about a project.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Problems found, sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
}

/// Resolves and type-checks every declaration of `ws`.
pub fn analyze(ws: &Workspace) -> Analysis {
    let mut diagnostics = Vec::new();
    journey_graph::check(ws, &mut diagnostics);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Analysis { diagnostics }
}

/// Loads nothing, checks everything: `ws`'s own diagnostics followed by the
/// analysis', merged in one sorted list.
pub fn all_diagnostics(ws: &Workspace, analysis: &Analysis) -> Vec<Diagnostic> {
    let mut all: Vec<Diagnostic> = ws.diagnostics.iter().chain(&analysis.diagnostics).cloned().collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all
}
