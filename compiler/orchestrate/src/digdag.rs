//! One Digdag workflow per pipeline, with its SQL files beside it.
//!
//! A session covers `[last_session_time, session_time)`: for `daily>` the
//! day before the session (whatever time it runs at), for `hourly>`,
//! `cron>` and `minutes_interval>` the time since the previous tick — the
//! same intervals as the Airflow DAGs. BigQuery and Redshift tasks are
//! `bq>` and `redshift>` on SQL files that Digdag renders (`${…}`); Trino
//! has no Digdag operator, so its tasks run the `trino` CLI through `sh>`
//! and `cjo_trino.sh`, which fills in the run values the task passes as
//! environment variables.

use std::collections::BTreeMap;
use std::fmt::Write;

use cjo_codegen::feed::Feed;
use cjo_codegen::pipeline::{LateRule, Pipeline, Schedule, digdag_session};
use cjo_codegen::{RunValue, Statement};
use cjo_project::Dialect;

use crate::quote::{comment_lines, yaml};
use crate::task::{Context, Run, Step};

/// The workflow's text, and its SQL files by path.
pub fn workflow(cx: &Context<'_>, p: &Pipeline) -> (String, BTreeMap<String, String>) {
    let steps: Vec<Step<'_>> = p.tasks.iter().filter_map(|id| cx.step(id)).collect();
    let mut f = String::new();
    let mut sql = BTreeMap::new();
    header(&mut f, cx, p);
    let _ = writeln!(f, "timezone: {}\n", yaml(&p.timezone));
    if cx.schedules() {
        schedule(&mut f, p);
    } else {
        f.push_str(
            "# This environment schedules nothing (`schedules = false` in cjo.toml):\n# start a session by hand, e.g. `digdag start <project> <workflow> --session <time>`.\n\n",
        );
    }
    if let Some(sla) = p.sla_seconds {
        // An SLA is a promise to be warned about: Digdag's `fail: true`
        // would fail the session's work instead.
        let _ = writeln!(
            f,
            "# `sla`: a session taking longer is reported, never stopped.\nsla:\n  duration: {}\n  alert: true\n  +notice:\n    echo>: {}\n",
            yaml(&hms(sla)),
            yaml(&format!("cjo pipeline {} missed its sla of {} for the session ${{session_time}}", p.name, hms(sla)))
        );
    }
    let on_bigquery =
        steps.iter().any(|s| s.dialect == Dialect::BigQuery) || p.feeds.iter().any(|f| f.dialect == Dialect::BigQuery);
    if let Some(location) = cx.bigquery_location().filter(|_| on_bigquery) {
        let _ = writeln!(f, "_export:\n  bq:\n    location: {}\n", yaml(location));
    }
    let _ = writeln!(
        f,
        "_error:\n  echo>: {}\n",
        yaml(&format!("cjo pipeline {} failed for the session ${{session_time}}", p.name))
    );
    f.push_str("+run:\n  _parallel: true\n");
    for w in &p.waits {
        let Some(q) = cx.build.pipelines.iter().find(|q| q.name == w.pipeline) else { continue };
        let _ = write!(f, "\n  # Waits for the session of `{}` holding the data this session reads.\n", q.name);
        let _ = writeln!(f, "  +wait.{}:\n    require>: {}", q.name, yaml(&q.name));
        // E0701 reported the schedules that cannot be matched.
        if let Ok(Some(session)) = digdag_session(p, q) {
            let _ = writeln!(f, "    session_time: {}", yaml(&session));
        }
        if p.on_late_upstream == LateRule::Wait {
            let _ = writeln!(
                f,
                "    # on_late_upstream = wait: goes on even when that session failed.\n    ignore_failure: true"
            );
        }
    }
    for feed in &p.feeds {
        let path = format!("sql/{}/{}.{}.sql", feed.dialect, p.name, feed.id);
        feed_task(&mut f, p, feed, &path);
        sql.insert(format!("digdag/{path}"), feed_file(p, feed));
    }
    for s in &steps {
        let after: Vec<String> = cx
            .build
            .dag
            .tasks
            .get(&s.task.id)
            .into_iter()
            .flat_map(|t| &t.depends_on)
            .filter(|d| p.tasks.contains(d))
            .map(|d| yaml(&format!("+{d}")))
            .chain(
                p.waits
                    .iter()
                    .filter(|w| w.needed_by.contains(&s.task.id))
                    .map(|w| yaml(&format!("+wait.{}", w.pipeline))),
            )
            .chain(
                p.feeds
                    .iter()
                    .filter(|feed| feed.needed_by.contains(&s.task.id))
                    .map(|feed| yaml(&format!("+{}", feed.id))),
            )
            .collect();
        let _ = writeln!(f, "\n  +{}:", s.task.id);
        if let Some(d) = &s.task.description {
            for line in comment_lines(d) {
                let _ = writeln!(f, "    # {line}");
            }
        }
        if !after.is_empty() {
            let _ = writeln!(f, "    _after: [{}]", after.join(", "));
        }
        if p.retries > 0 {
            let _ = writeln!(f, "    _retry:\n      limit: {}\n      interval: {}", p.retries, p.retry_delay_seconds);
        }
        let path = format!("sql/{}/{}.sql", s.dialect, s.task.id);
        task(&mut f, s, &path);
        sql.insert(format!("digdag/{path}"), sql_file(s));
    }
    (f, sql)
}

fn header(f: &mut String, cx: &Context<'_>, p: &Pipeline) {
    let _ = writeln!(f, "# Pipeline `{}` of the cjo project `{}`.", p.name, cx.project());
    if let Some(d) = &p.doc {
        f.push_str("#\n");
        for line in comment_lines(d.trim()) {
            let _ = writeln!(f, "# {line}");
        }
    }
    let _ = writeln!(
        f,
        "#\n# Generated by {} from the project's .cjo files; do not edit (change them\n# and run `cjoc build`). Push this folder as a Digdag project. Each session\n# covers [last_session_time, session_time).\n",
        cx.generator
    );
}

fn schedule(f: &mut String, p: &Pipeline) {
    let line = match &p.schedule {
        Schedule::Hourly => "hourly>: \"00:00\"".to_string(),
        Schedule::Daily { at: (h, m) } => format!("daily>: \"{h:02}:{m:02}:00\""),
        Schedule::Weekly => "weekly>: \"Sun,00:00:00\"".to_string(),
        s => match (s.cron(), s) {
            (Some(cron), _) => format!("cron>: {}", yaml(&cron)),
            (None, Schedule::Every { seconds }) => format!("minutes_interval>: {}", seconds / 60),
            (None, _) => "daily>: \"00:00:00\"".to_string(),
        },
    };
    let _ = writeln!(f, "schedule:\n  {line}");
    if let Some(start) = p.start_date {
        let _ = writeln!(f, "  start: {}", yaml(&start.to_string()));
    }
    f.push('\n');
}

fn task(f: &mut String, s: &Step<'_>, path: &str) {
    let _ = match (s.dialect, s.run) {
        (Dialect::BigQuery, _) => writeln!(f, "    bq>: {}", yaml(path)),
        (Dialect::Redshift, Run::Execute) => {
            // The statements hold their own `BEGIN … COMMIT`.
            writeln!(f, "    redshift>: {}\n    strict_transaction: false", yaml(path))
        }
        (Dialect::Redshift, Run::ExpectZero) => redshift_expect_zero(
            f,
            path,
            "failures",
            &format!("{}: ${{redshift.last_results.failures}} failing row(s)", s.task.id),
        ),
        (Dialect::Trino, run) => {
            let mode = if run == Run::ExpectZero { " --expect-zero" } else { "" };
            let mut out = writeln!(f, "    sh>: {}", yaml(&format!("sh cjo_trino.sh {path}{mode}")));
            for v in run_values(s) {
                out = out.and_then(|()| writeln!(f, "    {}: {}", env_name(v), yaml(&template(v))));
            }
            out
        }
    };
}

/// A Redshift query whose `column` must be 0, else the task fails with
/// `message`.
fn redshift_expect_zero(f: &mut String, path: &str, column: &str, message: &str) -> std::fmt::Result {
    writeln!(
        f,
        "    +query:\n      redshift>: {}\n      strict_transaction: false\n      store_last_results: first\n    +assert:\n      if>: ${{redshift.last_results.{column} != 0}}\n      _do:\n        fail>: {}",
        yaml(path),
        yaml(message)
    )
}

/// Polls a source until it holds rows at or after the session's end: the
/// task fails while the feed is behind, and `_retry` runs it again until
/// `upstream_timeout` has passed. Digdag has no skipped state: with `fail`
/// the session then fails without running the readers (`skip` is refused,
/// E0701); with `wait` the query itself gives up at the deadline, and the
/// readers run with what is there.
fn feed_task(f: &mut String, p: &Pipeline, feed: &Feed, path: &str) {
    let (interval, limit) = poll(p.upstream_timeout_seconds);
    let _ = writeln!(
        f,
        "\n  # Waits until `{}` holds rows at or after this session's end (its\n  # `{}`), polling every {interval} s; on_late_upstream = {}.\n  +{}:\n    _retry:\n      limit: {limit}\n      interval: {interval}\n      interval_type: constant",
        feed.source,
        feed.time_column,
        p.on_late_upstream.as_str(),
        feed.id
    );
    let message = format!("cjo: source {} has no rows at or after the session's end yet", feed.source);
    let _ = match feed.dialect {
        Dialect::BigQuery => writeln!(f, "    bq>: {}", yaml(path)),
        Dialect::Redshift => redshift_expect_zero(f, path, "late", &message),
        Dialect::Trino => {
            let mut out = writeln!(f, "    sh>: {}", yaml(&format!("sh cjo_trino.sh {path} --expect-zero")));
            out = out.and_then(|()| writeln!(f, "    {}: {}", env_name(RunValue::End), yaml(&template(RunValue::End))));
            out
        }
    };
}

/// How often, and how many times, a feed is polled within `timeout`.
fn poll(timeout: u64) -> (u64, u64) {
    let interval = timeout.clamp(60, 300);
    (interval, timeout.div_ceil(interval).max(1))
}

/// A feed's SQL file: the query counting 1 while the source is behind (on
/// BigQuery, an `ASSERT` that fails the job).
fn feed_file(p: &Pipeline, feed: &Feed) -> String {
    let query = if p.on_late_upstream == LateRule::Wait { &feed.late_until_deadline } else { &feed.late };
    let statement = match feed.dialect {
        Dialect::BigQuery => query.around(
            "ASSERT (",
            &format!(
                ") = 0 AS {}",
                cjo_codegen::literal::string(
                    &format!("cjo: source {} has no rows at or after the session's end yet", feed.source),
                    Dialect::BigQuery
                )
            ),
        ),
        _ => query.clone(),
    };
    let mut out = format!(
        "-- {} of pipeline {}: generated by cjoc from the project's .cjo files; do not edit.\n",
        feed.id, p.name
    );
    let text = match feed.dialect {
        Dialect::Trino => statement.render(str::to_string, |v| format!("__{}__", env_name(v))),
        _ => statement.render(escape_digdag, template),
    };
    out.push_str(&text);
    out.push_str(";\n");
    out
}

/// The SQL file of a step: Digdag renders `${…}` in `bq>` and `redshift>`
/// files; `cjo_trino.sh` fills `__cjo_…__` in Trino's.
fn sql_file(s: &Step<'_>) -> String {
    let mut out = format!("-- {}: generated by cjoc from the project's .cjo files; do not edit.\n", s.task.id);
    for st in s.statements {
        let text = match s.dialect {
            Dialect::Trino => st.render(str::to_string, |v| format!("__{}__", env_name(v))),
            _ => st.render(escape_digdag, template),
        };
        out.push_str(&text);
        out.push_str(";\n");
    }
    out
}

/// The run values a step's SQL uses, in order, once each.
fn run_values(s: &Step<'_>) -> Vec<RunValue> {
    let mut out: Vec<RunValue> = s.statements.iter().flat_map(Statement::run_values).collect();
    out.sort();
    out.dedup();
    out
}

/// A run value as a Digdag template (moment.js on the session times).
fn template(v: RunValue) -> String {
    match v {
        RunValue::Start { lookback: 0 } => "${moment(last_session_time).utc().format('YYYY-MM-DD HH:mm:ss')}".into(),
        RunValue::Start { lookback } => format!(
            "${{moment(last_session_time).subtract({lookback}, 'seconds').utc().format('YYYY-MM-DD HH:mm:ss')}}"
        ),
        RunValue::End => "${moment(session_time).utc().format('YYYY-MM-DD HH:mm:ss')}".into(),
        RunValue::Date => "${moment(last_session_time).utc().format('YYYY-MM-DD')}".into(),
    }
}

/// The environment variable (a task parameter) holding a run value for
/// `cjo_trino.sh`.
fn env_name(v: RunValue) -> String {
    match v {
        RunValue::Start { lookback: 0 } => "cjo_run_start".into(),
        RunValue::Start { lookback } => format!("cjo_run_start_{lookback}"),
        RunValue::End => "cjo_run_end".into(),
        RunValue::Date => "cjo_run_date".into(),
    }
}

/// `${` in the SQL itself, kept from Digdag: `${'$'}{`.
fn escape_digdag(text: &str) -> String {
    text.replace("${", "${'$'}{")
}

/// `HH:MM:SS` (hours may pass 24).
fn hms(seconds: u64) -> String {
    format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

/// Runs a Trino task's SQL file with the `trino` CLI (Digdag has no Trino
/// operator).
pub const TRINO_SCRIPT: &str = r#"#!/bin/sh
# Runs one SQL file of a cjo pipeline on Trino with the trino CLI, for the
# Digdag workflows beside it. Generated by cjoc; do not edit.
#
#   sh cjo_trino.sh sql/trino/TASK.sql [--expect-zero]
#
# The run interval comes from the task's parameters, which Digdag passes as
# environment variables: every __cjo_NAME__ in the file becomes the value of
# cjo_NAME. The connection comes from the project's parameters:
#   cjo_trino_server   the coordinator URL (required), e.g. https://trino:8443
#   cjo_trino_user     the user (optional)
#   cjo_trino_args     more trino CLI options (optional), e.g. --password
#   cjo_trino_cli      the CLI command (default: trino)
# --expect-zero: the file is a query counting failing rows; fail unless 0.
set -eu
file=$1
mode=${2:-}
: "${cjo_trino_server:?set the Digdag parameter cjo_trino_server to the Trino coordinator URL}"
sql=$(awk '
  {
    out = ""
    while (match($0, /__cjo_[a-z0-9_]+__/)) {
      name = substr($0, RSTART + 2, RLENGTH - 4)
      if (!(name in ENVIRON)) {
        print "cjo_trino.sh: the parameter " name " is not set" > "/dev/stderr"
        exit 2
      }
      out = out substr($0, 1, RSTART - 1) ENVIRON[name]
      $0 = substr($0, RSTART + RLENGTH)
    }
    print out $0
  }' "$file")
set -- --server "$cjo_trino_server"
if [ -n "${cjo_trino_user:-}" ]; then set -- "$@" --user "$cjo_trino_user"; fi
# shellcheck disable=SC2086 # extra options are words
set -- "$@" ${cjo_trino_args:-}
if [ "$mode" = "--expect-zero" ]; then
  failures=$(${cjo_trino_cli:-trino} "$@" --output-format TSV --execute "$sql" | tail -n 1)
  if [ "$failures" != "0" ]; then
    echo "$file: $failures failing row(s)" >&2
    exit 1
  fi
else
  ${cjo_trino_cli:-trino} "$@" --execute "$sql"
fi
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_escapes() {
        assert_eq!(hms(3 * 3600 + 61), "03:01:01");
        assert_eq!(escape_digdag("select '${x}'"), "select '${'$'}{x}'");
        assert_eq!(poll(3600), (300, 12));
        assert_eq!(poll(30), (60, 1));
        assert_eq!(poll(1000), (300, 4));
    }
}
