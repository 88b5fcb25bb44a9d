//! Scheduler output: one Airflow DAG file and one Digdag workflow per
//! pipeline, from a build whose statements leave `$run_start`, `$run_end`
//! and `$run_date` as holes ([`cjo_codegen::Statement`]): here they become
//! the scheduler's own templating (Airflow's data interval, Digdag's
//! session times), and only the text around them is escaped for it.
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

/// Every scheduler file of `build` (lowered for each item's own target),
/// by path relative to the output folder.
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
