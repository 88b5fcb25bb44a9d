//! Late input feeds: the sources a pipeline reads, watched before its
//! readers run when the pipeline has a late-input rule.
//!
//! A source is loaded by another system (an ingestion job, a CDC stream);
//! cjo cannot see the load, but it can see the data: a run covering
//! `[run_start, run_end)` has its input once the source holds a row at or
//! after `run_end` in its time column. A pipeline that sets
//! `on_late_upstream` (or `upstream_timeout`) watches every source its
//! tasks read that declares `time_column = …`, and applies the rule when
//! the feed is still behind after `upstream_timeout`. The column must be
//! declared: a dimension table's only timestamp (`updated_at`) says nothing
//! of whether today's rows have arrived, and waiting on it would stall
//! runs. Pipelines without the settings watch nothing: their runs start on
//! schedule.

use std::collections::BTreeMap;

use cjo_project::Dialect;
use cjo_semantic::{Analysis, RelationKind, Ty};

use crate::dag::{Task, TaskKind};
use crate::ident;
use crate::literal;
use crate::params::{Binding, Param, Statement};
use crate::pipeline::{Pipeline, Schedule};

/// A source a pipeline waits on before its readers run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    /// The scheduler task that waits: `feed.watch_events` (with
    /// `.<dialect>` when the pipeline reads the source in two warehouses).
    pub id: String,
    /// The source, as declared.
    pub source: String,
    /// The column whose latest value tells how far the feed has come.
    pub time_column: String,
    /// The warehouse that is asked (the readers').
    pub dialect: Dialect,
    /// `SELECT … AS late FROM …`: 1 while the source has no row at or after
    /// the run's end, else 0.
    pub late: Statement,
    /// The same query, also 0 once the run's deadline (its scheduled time
    /// plus `upstream_timeout`) has passed: for schedulers that poll by
    /// retrying and must then go on (`on_late_upstream = wait` on Digdag).
    pub late_until_deadline: Statement,
    /// The pipeline's tasks that read the source.
    pub needed_by: Vec<String>,
}

/// What a pipeline with a late-input rule watches, and the sources it
/// reads but cannot watch.
#[derive(Debug, Default)]
pub struct Watch {
    pub feeds: Vec<Feed>,
    /// Sources read without a `time_column`, with their timestamp columns
    /// (candidates for one).
    pub unwatched: Vec<(String, Vec<String>)>,
}

/// The feeds `p` watches: none unless it sets a late-input rule.
pub fn watched(
    analysis: &Analysis,
    p: &Pipeline,
    tasks: &BTreeMap<String, Task>,
    tables: &BTreeMap<Dialect, BTreeMap<String, Vec<String>>>,
    binding: &Binding,
) -> Watch {
    let mut out = Watch::default();
    if p.places.late_rule.is_none() {
        return out;
    }
    // (source key, dialect) → the tasks reading it.
    let mut readers: BTreeMap<(String, Dialect), Vec<String>> = BTreeMap::new();
    for id in &p.tasks {
        let Some(t) = tasks.get(id).filter(|t| matches!(t.kind, TaskKind::Model | TaskKind::Journey)) else {
            continue;
        };
        let key = t.name.to_ascii_lowercase();
        for dep in analysis.dependencies.get(&key).into_iter().flatten() {
            if analysis.relation(dep).is_some_and(|r| !r.is_model()) {
                for &dialect in t.sql.keys() {
                    readers.entry((dep.clone(), dialect)).or_default().push(id.clone());
                }
            }
        }
    }
    let dialects_of = |source: &str| readers.keys().filter(|(s, _)| s == source).count();
    let deadline = deadline_seconds(p);
    for ((key, dialect), needed_by) in &readers {
        let Some(relation) = analysis.relation(key) else { continue };
        let RelationKind::Source { time_column: Some(column), .. } = &relation.kind else {
            let timestamps = relation.columns.iter().filter(|c| c.ty == Ty::Timestamp).map(|c| c.name.clone());
            if !out.unwatched.iter().any(|(s, _)| *s == relation.name) {
                out.unwatched.push((relation.name.clone(), timestamps.collect()));
            }
            continue;
        };
        let Some(table) = tables.get(dialect).and_then(|names| names.get(key)) else { continue };
        let Ok(run_end) = binding.bind(&Param::RunEnd, *dialect) else { continue };
        let table = ident::path(table, *dialect);
        let col = ident::ident(column, *dialect);
        let query = |on_time: String| format!("SELECT CASE WHEN {on_time} THEN 0 ELSE 1 END AS late FROM {table}");
        let arrived = format!("MAX({col}) >= {run_end}");
        let past = format!("{} >= {}", now(*dialect), add_seconds(&run_end, deadline, *dialect));
        let id = if dialects_of(key) > 1 {
            format!("feed.{}.{dialect}", relation.name)
        } else {
            format!("feed.{}", relation.name)
        };
        out.feeds.push(Feed {
            id,
            source: relation.name.clone(),
            time_column: column.clone(),
            dialect: *dialect,
            late: binding.statement(&query(arrived.clone())),
            late_until_deadline: binding.statement(&query(format!("{arrived} OR {past}"))),
            needed_by: needed_by.clone(),
        });
    }
    out
}

/// Seconds from a run's end to when it gives up on late input: the run
/// starts that long after its interval (`daily at 06:00`: six hours), and
/// then waits `upstream_timeout`.
pub fn deadline_seconds(p: &Pipeline) -> u64 {
    let shift = match p.schedule {
        Schedule::Daily { at: (h, m) } => u64::from(h) * 3600 + u64::from(m) * 60,
        _ => 0,
    };
    shift + p.upstream_timeout_seconds
}

/// The warehouse's current time, comparable with cjo's timestamp literals.
fn now(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::BigQuery => "CURRENT_TIMESTAMP()",
        Dialect::Redshift => "GETDATE()",
        Dialect::Trino => "current_timestamp",
    }
}

fn add_seconds(t: &str, seconds: u64, dialect: Dialect) -> String {
    let amount = i64::try_from(seconds).unwrap_or(i64::MAX);
    match dialect {
        Dialect::BigQuery => format!("TIMESTAMP_ADD({t}, {})", literal::interval(amount, "SECOND", dialect)),
        _ => format!("{t} + {}", literal::interval(amount, "SECOND", dialect)),
    }
}
