//! Lowering: a checked project into the task DAG and each task's SQL for
//! BigQuery, Redshift and Trino.
//!
//! [`build`] never fails: it returns the DAG it could make and the
//! diagnostics found on the way (constructs a target cannot express,
//! missing `[targets.*]`, parameters without a value). Nothing here
//! touches the disk; [`output::files`] gives the files a build writes.
//!
//! A model's SQL body is the tree sqlparser made when the checker parsed
//! it ([`cjo_semantic::Analysis::queries`]), rewritten for each dialect
//! ([`rewrite`]) with the types the checker recorded, then wrapped in its
//! materialization ([`materialize`]).

pub mod checks;
pub mod cjo_expr;
pub mod dag;
mod errors;
pub mod feed;
pub mod fingerprint;
pub mod graph;
pub mod ident;
pub mod items;
pub mod journey;
pub mod literal;
pub mod manifest;
pub mod materialize;
pub mod output;
pub mod params;
pub mod pipeline;
pub mod rewrite;
pub mod select;
pub mod state;
pub mod templates;
pub mod time;
pub mod types;
pub mod warehouse;

mod lower;

pub use dag::{Dag, Task, TaskKind, TaskSql};
pub use lower::{Build, JourneyTables, Options, build};

/// Everything `cjoc check` reports for a project, sorted: what loading and
/// names and types found, and, when that holds no error, what a build for
/// each item's own target would refuse (but for missing parameter values,
/// given at build time), so that a project that checks clean builds. The
/// command line and the language server both ask this. The build made on
/// the way comes back too, for a caller that would rather not free it.
pub fn check(
    ws: &cjo_project::Workspace,
    analysis: &cjo_semantic::Analysis,
) -> (Vec<cjo_diagnostics::Diagnostic>, Option<Build>) {
    let mut diagnostics = cjo_semantic::all_diagnostics(ws, analysis);
    if diagnostics.iter().any(cjo_diagnostics::Diagnostic::is_error) {
        return (diagnostics, None);
    }
    let (problems, built) = lowering_problems(ws, analysis);
    diagnostics.extend(problems);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    (diagnostics, Some(built))
}

/// What [`check`] adds to a project without errors: what a build for each
/// item's own target would refuse (but for missing parameter values), and
/// the build.
pub fn lowering_problems(
    ws: &cjo_project::Workspace,
    analysis: &cjo_semantic::Analysis,
) -> (Vec<cjo_diagnostics::Diagnostic>, Build) {
    let mut built = build(ws, analysis, &Options::default());
    let problems = built.diagnostics.drain(..).filter(|d| d.code != cjo_diagnostics::PARAMETER_VALUE).collect();
    (problems, built)
}
pub use params::{Binding, Param, Part, RunInterval, RunValue, Statement};
