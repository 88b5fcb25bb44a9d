//! A pipeline's `sla` on Airflow: a warning when a run is late, never a
//! deadline that stops it.
//!
//! Airflow 3.1+ has deadline alerts: a `DeadlineAlert` on the DAG, `sla`
//! after the run was queued, calls a `SyncCallback`. Airflow 2 has SLAs:
//! each task's `sla` (from the end of the run's data interval) and the
//! DAG's `sla_miss_callback`. Airflow 3.0 has neither, and gets no alert.
//! The callback is the pipeline's `on_sla_miss` (an import path resolved
//! when it is called, so the DAG file loads where the module is absent),
//! else a function in the DAG file that logs a warning.

use std::fmt::Write;

use cjo_codegen::pipeline::Pipeline;

use crate::quote::python;

/// The imports the SLA needs, beside `datetime` and `pendulum`.
pub fn imports(p: &Pipeline) -> (&'static str, &'static str) {
    match p.sla_seconds {
        Some(_) => ("import logging\n", "import airflow\n"),
        None => ("", ""),
    }
}

/// The SLA's imports from Airflow, its callback and the arguments it adds
/// to the DAG and its tasks; nothing without an `sla`.
pub fn preamble(f: &mut String, p: &Pipeline) {
    let Some(sla) = p.sla_seconds else { return };
    let (doc, call) = match &p.on_sla_miss {
        Some(path) => {
            let (module, name) = path.rsplit_once('.').unwrap_or(("", path));
            (
                format!("`sla` missed on Airflow 2: calls `{path}` with the SLA-miss arguments."),
                format!(
                    "    # Imported when called, so that the DAG loads where `{module}` is not\n    # installed.\n    import importlib\n\n    return getattr(importlib.import_module({}), {})(*args, **kwargs)\n",
                    python(module),
                    python(name)
                ),
            )
        }
        None => (
            "`sla` missed: logs a warning (`on_sla_miss` names a function to call instead).".to_owned(),
            format!(
                "    logging.getLogger(\"airflow.task\").warning({})\n",
                python(&format!("cjo pipeline {}: a run has taken longer than its sla of {}", p.name, hms(sla)))
            ),
        ),
    };
    let _ = write!(
        f,
        r#"
# `sla`: a run taking longer than {hms} is reported, never stopped.
try:  # Airflow 3.1+: deadline alerts
    from airflow.sdk import DeadlineAlert, DeadlineReference, SyncCallback
except ImportError:  # Airflow 2: SLAs; Airflow 3.0 has neither
    DeadlineAlert = None

SLA = datetime.timedelta(seconds={sla})


def _sla_missed(*args, **kwargs):
    {doc}
{call}

if DeadlineAlert is not None:
    _SLA_DAG_ARGS = {{
        "deadline": DeadlineAlert(
            reference=DeadlineReference.DAGRUN_QUEUED_AT,
            interval=SLA,
            callback=SyncCallback({callback}),
        ),
    }}
    _SLA_TASK_ARGS = {{}}
elif airflow.__version__.startswith("2."):
    _SLA_DAG_ARGS = {{"sla_miss_callback": _sla_missed}}
    _SLA_TASK_ARGS = {{"sla": SLA}}
else:
    _SLA_DAG_ARGS = {{}}
    _SLA_TASK_ARGS = {{}}

"#,
        hms = hms(sla),
        doc = python(&doc),
        callback = p.on_sla_miss.as_deref().map_or_else(|| "_sla_missed".to_owned(), python),
    );
}

/// The entry of `default_args` that gives each task its SLA (Airflow 2).
pub fn task_args(p: &Pipeline) -> Option<String> {
    p.sla_seconds.map(|_| "        **_SLA_TASK_ARGS,".to_owned())
}

/// The `DAG(…)` argument that sets the deadline alert or SLA callback.
pub fn dag_args(p: &Pipeline) -> &'static str {
    if p.sla_seconds.is_some() { "    **_SLA_DAG_ARGS,\n" } else { "" }
}

/// `H:MM:SS`, as Python prints a `timedelta`.
fn hms(seconds: u64) -> String {
    format!("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_python_prints_them() {
        assert_eq!(hms(7200), "2:00:00");
        assert_eq!(hms(90 * 3600 + 61), "90:01:01");
    }
}
