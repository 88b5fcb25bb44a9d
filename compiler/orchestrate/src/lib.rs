//! Scheduler output: one Airflow DAG file and one Digdag workflow per
//! pipeline, from a build lowered with [`cjo_codegen::Deferred`] (so that
//! `$run_start`, `$run_end` and `$run_date` are the scheduler's own
//! templating: Airflow's data interval, Digdag's session times).
//!
//! Nothing here touches the disk: [`files`] returns the text of every file
//! by its path relative to the build's output folder (`airflow/…`,
//! `digdag/…`). Both are static: no work happens when the scheduler reads
//! them.

mod airflow;
mod digdag;
mod quote;
mod task;

use std::collections::BTreeMap;

use cjo_codegen::Build;
use cjo_codegen::pipeline::Orchestrator;
use cjo_project::Workspace;

/// Every scheduler file of `build` (lowered with [`cjo_codegen::Deferred`],
/// each item on its own target), by path relative to the output folder.
pub fn files(ws: &Workspace, build: &Build) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let generator = format!("cjoc {}", env!("CARGO_PKG_VERSION"));
    let cx = task::Context { ws, build, generator: &generator };
    for p in &build.pipelines {
        if p.orchestrators.contains(&Orchestrator::Airflow) {
            out.insert(format!("airflow/{}.py", p.name), airflow::dag_file(&cx, p));
        }
        if p.orchestrators.contains(&Orchestrator::Digdag) {
            let (workflow, sql) = digdag::workflow(&cx, p);
            out.insert(format!("digdag/{}.dig", p.name), workflow);
            out.extend(sql);
        }
    }
    if out.keys().any(|k| k.starts_with("digdag/sql/trino/")) {
        out.insert("digdag/cjo_trino.sh".into(), digdag::TRINO_SCRIPT.into());
    }
    out
}
