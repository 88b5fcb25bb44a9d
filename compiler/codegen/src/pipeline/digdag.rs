//! Settings of a pipeline that Digdag has no faithful equivalent for.
//!
//! Each is reported at the setting rather than dropped or approximated:
//! a pool that quietly does not apply, or a "skip" that is really a
//! failure or a check of the session's start time, would keep a promise
//! the workflow does not keep.

use cjo_diagnostics::{self as codes, Diagnostic, Span};

use super::{LateRule, Pipeline};

/// The problems of `p`'s settings on Digdag (`p` runs on Digdag).
pub(super) fn problems(p: &Pipeline) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let (Some(pool), Some(range)) = (&p.pool, p.places.pool) {
        out.push(
            Diagnostic::warning(
                codes::SETTING_NOT_ON_SCHEDULER,
                Span::new(p.file, range),
                format!("Digdag has no pools: pipeline `{}` runs outside the pool \"{pool}\" there", p.name),
            )
            .with_label("applies on Airflow only")
            .with_help(
                "Digdag limits parallel tasks only within a workflow (`_parallel`), not across workflows; \
                 limit the warehouse's concurrency there instead (a Redshift WLM queue, a BigQuery reservation, a Trino resource group), \
                 or set `orchestrators = [airflow]`",
            ),
        );
    }
    if p.on_late_upstream == LateRule::Skip {
        let range = p.places.late_rule_value.or(p.places.late_rule).unwrap_or(p.name_range);
        out.push(
            Diagnostic::error(
                codes::UNSCHEDULABLE,
                Span::new(p.file, range),
                format!("Digdag cannot skip a session of pipeline `{}` when its upstream is late", p.name),
            )
            .with_label("no skipped state in Digdag")
            .with_help(
                "Digdag can `fail` the session without running the readers, or `wait` and run them with what is there; \
                 use one of those, or set `orchestrators = [airflow]` to keep `skip`",
            ),
        );
    }
    out
}
