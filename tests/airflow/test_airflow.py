"""cjo's Airflow DAG files in real Airflow.

Run with the Python of a virtualenv that has Airflow and the providers
(tests/airflow/env.sh makes one):

    python tests/airflow/test_airflow.py BUILD_DIR...

Each BUILD_DIR is the output of `cjoc build` for one project (own targets),
with `manifest.json` and `airflow/`. For each:

1. The DAG folder imports with zero import errors (Airflow's DagBag).
2. Each pipeline that lists Airflow is a DAG whose tasks and edges equal
   the manifest's (plus one `wait.<pipeline>` sensor per pipeline waited
   for, upstream of the tasks that read it).
3. The SQL rendered by Airflow's own Jinja environment for a data interval
   is, statement for statement, what `cjoc build --run-start S --run-end E`
   writes for the interval cjo documents for that schedule (the calendar
   day before for `daily at HH:MM`, else the data interval).
4. Each source feed the manifest lists is a `SqlSensor` (reschedule mode,
   `timeout = upstream_timeout`, soft-failing unless the rule is `fail`)
   upstream of the tasks that read it (which, with `wait`, run when it was
   skipped); its query, rendered by Airflow for each data interval, is
   written to $CJO_FEED_DUMP for tests/python/test_feeds.py to run on
   DuckDB.
5. Each sensor's upstream function picks the upstream run whose interval
   ends last at or before this run's end.

The project folder of a build is read from the manifest's `project.root`
argument: BUILD_DIR=PROJECT_DIR pairs, as `out=project`.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")

import airflow  # noqa: E402
import pendulum  # noqa: E402

try:  # Airflow 3
    from airflow.dag_processing.dagbag import DagBag  # noqa: E402
except ImportError:  # Airflow 2
    from airflow.models.dagbag import DagBag  # noqa: E402

CJOC = os.environ.get("CJOC", "target/debug/cjoc")
# What was compared, for the summary line.
COUNTS = {"rendered tasks": 0, "sensors": 0, "feeds": 0}
# A few moments to render each schedule at: around midnight and a DST
# change in Europe, and a month end.
PROBES = [
    pendulum.datetime(2026, 3, 29, 6, 30, tz="UTC"),
    pendulum.datetime(2026, 11, 20, 23, 59, tz="UTC"),
    pendulum.datetime(2026, 12, 31, 15, 0, tz="UTC"),
]


def check_sla(dag, p: dict) -> list[str]:
    """An `sla` warns and never stops a run: no `dagrun_timeout`; on Airflow
    3.1+ a deadline alert `sla` after the run is queued, calling
    `on_sla_miss` (else the DAG file's own callback); on Airflow 2 each
    task's `sla` and the DAG's `sla_miss_callback`."""
    name = dag.dag_id
    if dag.dagrun_timeout is not None:
        return [f"{name}: dagrun_timeout {dag.dagrun_timeout}: an sla must never stop a run"]
    sla = p["sla_seconds"]
    deadlines = getattr(dag, "deadline", None) or []
    if airflow.__version__.startswith("2."):
        want = datetime.timedelta(seconds=sla) if sla else None
        problems = [f"{name}.{t.task_id}: sla {t.sla}, want {want}" for t in dag.tasks if t.sla != want]
        if bool(sla) != (dag.sla_miss_callback is not None):
            problems.append(f"{name}: sla_miss_callback {dag.sla_miss_callback}, want one only with an sla")
        return problems
    if not sla:
        return [f"{name}: deadline alerts {deadlines} without an sla"] if deadlines else []
    from airflow.sdk import DeadlineReference

    if len(deadlines) != 1:
        return [f"{name}: {len(deadlines)} deadline alerts, want one for the sla"]
    alert = deadlines[0]
    problems = []
    if alert.interval != datetime.timedelta(seconds=sla):
        problems.append(f"{name}: deadline interval {alert.interval}, want the sla {sla} s")
    if alert.reference != DeadlineReference.DAGRUN_QUEUED_AT:
        problems.append(f"{name}: deadline measured from {alert.reference}, want when the run is queued")
    want_path = p.get("on_sla_miss") or "._sla_missed"
    if not (alert.callback.path == want_path or (want_path.startswith(".") and alert.callback.path.endswith(want_path))):
        problems.append(f"{name}: deadline callback {alert.callback.path}, want {want_path}")
    return problems


def dag_bag(folder: Path) -> DagBag:
    try:
        return DagBag(dag_folder=str(folder), include_examples=False)
    except TypeError:  # Airflow 3 has no include_examples
        return DagBag(dag_folder=str(folder))


def cjo_interval(pipeline: dict, start, end):
    """The interval cjo documents for a run with this data interval."""
    if pipeline["schedule"]["interval"] == "previous_day":
        tz = pipeline["timezone"]
        return start.in_timezone(tz).start_of("day"), end.in_timezone(tz).start_of("day")
    return start, end


# The options a build was made with beyond its run interval, by project
# folder (filled from each build's manifest): a literal build to compare
# with must be made the same way.
SAME_BUILD: dict[str, list[str]] = {}

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from build_args import same_build_args  # noqa: E402


def literal_sql(project: Path, start, end, cache: dict) -> Path:
    """A literal `cjoc build` for the interval (own targets); cached."""
    key = (str(project), start.isoformat(), end.isoformat())
    if key not in cache:
        out = Path(tempfile.mkdtemp(prefix="cjo-airflow-literal-"))
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        subprocess.run(
            [CJOC, "build", str(project), "--out", str(out / "b"),
             "--run-start", start.in_timezone("UTC").strftime(fmt),
             "--run-end", end.in_timezone("UTC").strftime(fmt),
             *SAME_BUILD.get(str(project), [])],
            check=True, capture_output=True,
        )
        cache[key] = out / "b"
    return cache[key]


def expected_text(literal: Path, manifest: dict, task_id: str) -> str:
    node = manifest["nodes"][task_id]
    (path,) = node["sql"].values()
    text = (literal / path).read_text()
    header, _, body = text.partition("\n")
    assert header.startswith("-- "), header
    return body


def rendered_text(dag, task, start, end) -> str:
    """The task's SQL as Airflow renders it for the data interval, in the
    form of cjoc's .sql files (each statement ended by `;`)."""
    env = dag.get_template_env()
    context = {"data_interval_start": start, "data_interval_end": end, **dag.user_defined_macros}

    def render(template: str) -> str:
        # Jinja drops the template's final newline (cjoc ends each with one).
        return env.from_string(template).render(**context).removesuffix("\n")

    if hasattr(task, "configuration"):  # BigQueryInsertJobOperator: one script
        return render(task.configuration["query"]["query"]) + ";\n"
    if hasattr(task, "python_callable"):  # a BigQuery feed's PythonSensor
        return render(task.op_kwargs["sql"]) + ";\n"
    sql = task.sql
    if isinstance(sql, str):  # SQLValueCheckOperator: one query
        return render(sql) + ";\n"
    return "".join(render(s) + ";\n" for s in sql)


def check_project(build: Path, project: Path, cache: dict) -> list[str]:
    problems: list[str] = []
    manifest = json.loads((build / "manifest.json").read_text())
    pipelines = {n: p for n, p in manifest["pipelines"].items() if "airflow" in p["orchestrators"]}
    if not pipelines:
        return problems
    bag = dag_bag(build / "airflow")
    for path, error in bag.import_errors.items():
        problems.append(f"{path}: import error: {error}")
    for name, p in pipelines.items():
        dag = bag.dags.get(name)
        if dag is None:
            problems.append(f"{name}: no DAG `{name}` in {build / 'airflow'}")
            continue
        waits = {f"wait.{w['pipeline']}": w for w in p["waits"]}
        feeds = {f["id"]: f for f in p["feeds"]}
        want_tasks = set(p["tasks"]) | set(waits) | set(feeds)
        got_tasks = set(dag.task_ids)
        if got_tasks != want_tasks:
            problems.append(f"{name}: tasks differ: extra {sorted(got_tasks - want_tasks)}, missing {sorted(want_tasks - got_tasks)}")
        want_edges = {tuple(e) for e in p["edges"]}
        want_edges |= {(w, t) for w, spec in waits.items() for t in spec["needed_by"]}
        want_edges |= {(f, t) for f, spec in feeds.items() for t in spec["needed_by"]}
        got_edges = {(t.task_id, d) for t in dag.tasks for d in t.downstream_task_ids}
        if got_edges != want_edges:
            problems.append(f"{name}: edges differ: extra {sorted(got_edges - want_edges)}, missing {sorted(want_edges - got_edges)}")
        if dag.catchup != p["catchup"]:
            problems.append(f"{name}: catchup is {dag.catchup}, the manifest says {p['catchup']}")
        if dag.max_active_runs != 1:
            problems.append(f"{name}: max_active_runs is {dag.max_active_runs}")
        for f, spec in feeds.items():
            problems += check_feed_sensor(dag, p, spec)
        for t in dag.tasks:
            if t.task_id in waits or t.task_id in feeds:
                continue
            if t.retries != p["retries"] or t.retry_delay.total_seconds() != p["retry_delay_seconds"]:
                problems.append(f"{name}.{t.task_id}: retries {t.retries}/{t.retry_delay}, want {p['retries']}/{p['retry_delay_seconds']}s")
            if p["pool"] and t.pool != p["pool"]:
                problems.append(f"{name}.{t.task_id}: pool {t.pool}, want {p['pool']}")
        problems += check_sla(dag, p)

        for probe in PROBES:
            interval = dag.timetable.infer_manual_data_interval(run_after=probe)
            start, end = cjo_interval(p, interval.start, interval.end)
            literal = literal_sql(project, start, end, cache)
            for task_id in p["tasks"]:
                task = dag.get_task(task_id)
                got = rendered_text(dag, task, interval.start, interval.end)
                want = expected_text(literal, manifest, task_id)
                COUNTS["rendered tasks"] += 1
                if got != want:
                    problems.append(f"{name}.{task_id} at {probe}: Airflow renders\n{got}\nbut cjoc build --run-start {start} --run-end {end} writes\n{want}")
            for w in p["waits"]:
                problems += check_wait(bag, manifest, name, w, interval, end)
            for f, spec in feeds.items():
                COUNTS["feeds"] += 1
                sql = rendered_text(dag, dag.get_task(f), interval.start, interval.end).strip().removesuffix(";")
                dump_feed(name, spec, sql, end)
    return problems


def check_feed_sensor(dag, p: dict, feed: dict) -> list[str]:
    """A feed's sensor, as the manifest and the late-input rule say."""
    sensor = dag.get_task(feed["id"])
    where = f"{dag.dag_id}.{feed['id']}"
    problems = []
    want_class = "PythonSensor" if feed["target"] == "bigquery" else "SqlSensor"
    if type(sensor).__name__ != want_class:
        problems.append(f"{where} is a {type(sensor).__name__}, not a {want_class}")
        return problems
    if sensor.mode != "reschedule" or sensor.timeout != p["upstream_timeout_seconds"]:
        problems.append(f"{where}: mode {sensor.mode}, timeout {sensor.timeout}; want reschedule, {p['upstream_timeout_seconds']}")
    if sensor.soft_fail != (p["on_late_upstream"] != "fail"):
        problems.append(f"{where}: soft_fail {sensor.soft_fail} with on_late_upstream = {p['on_late_upstream']}")
    if p["on_late_upstream"] == "wait":
        for t in feed["needed_by"]:
            rule = dag.get_task(t).trigger_rule
            rule = str(getattr(rule, "value", rule))
            if rule != "none_failed":
                problems.append(f"{dag.dag_id}.{t} reads a feed that may be skipped, but its trigger rule is {rule}")
    if feed["target"] == "bigquery":
        return problems + check_bigquery_callable(sensor, where)
    # The sensor's connection, of the usual type for the warehouse, gives
    # the provider's SQL hook.
    os.environ[f"AIRFLOW_CONN_{sensor.conn_id.upper()}"] = CONNECTION_URI[feed["target"]]
    try:
        hook = sensor._get_hook()
    except Exception as e:  # noqa: BLE001 - reported
        problems.append(f"{where}: no SQL hook from a {feed['target']} connection: {e}")
    else:
        if type(hook).__name__ != HOOK[feed["target"]]:
            problems.append(f"{where}: the hook is a {type(hook).__name__}, want {HOOK[feed['target']]}")
    if sensor.success(0) is not True or sensor.success(1) is not False:
        problems.append(f"{where}: success() does not read the query's 0 as on time and 1 as late")
    return problems


def check_bigquery_callable(sensor, where: str) -> list[str]:
    """The BigQuery feed's callable runs its query with a standard-SQL hook
    on the sensor's connection (the hook's `get_records` stands in for
    BigQuery) and reads 0 as on time, 1 and no rows as late."""
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    conn_id = sensor.op_kwargs["gcp_conn_id"]
    os.environ[f"AIRFLOW_CONN_{conn_id.upper()}"] = CONNECTION_URI["bigquery"]
    seen = []
    original = BigQueryHook.get_records
    problems = []
    try:
        for rows, want in [([[0]], True), ([[1]], False), ([], False)]:
            def get_records(self, sql, *args, _rows=rows, **kwargs):
                seen.append((self.use_legacy_sql, self.gcp_conn_id, sql))
                return _rows
            BigQueryHook.get_records = get_records
            got = sensor.python_callable(**{**sensor.op_kwargs, "sql": "SELECT 1"})
            if got is not want:
                problems.append(f"{where}: the callable says {got} for rows {rows}, want {want}")
    except Exception as e:  # noqa: BLE001 - reported
        problems.append(f"{where}: the callable fails: {e}")
    finally:
        BigQueryHook.get_records = original
    if any(legacy is not False or conn != conn_id for legacy, conn, _ in seen):
        problems.append(f"{where}: the hook runs legacy SQL or another connection: {seen}")
    return problems


CONNECTION_URI = {
    "bigquery": "google-cloud-platform://",
    "redshift": "redshift://user:secret@redshift.example.com:5439/dev",
    "trino": "trino://user@trino.example.com:8080/hive",
}
HOOK = {"bigquery": "BigQueryHook", "redshift": "RedshiftSQLHook", "trino": "TrinoHook"}


def dump_feed(pipeline: str, feed: dict, sql: str, run_end) -> None:
    """A rendered feed query, for tests/python/test_feeds.py to run."""
    path = os.environ.get("CJO_FEED_DUMP")
    if not path:
        return
    record = {
        "scheduler": "airflow", "pipeline": pipeline, "feed": feed["id"], "dialect": feed["target"],
        "time_column": feed["time_column"], "sql": sql, "deadline_seconds": None,
        "run_end": pendulum.instance(run_end).in_timezone("UTC").strftime("%Y-%m-%d %H:%M:%S"),
    }
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


def check_wait(bag, manifest, name, wait, interval, our_end) -> list[str]:
    """The sensor asks for the upstream run whose cjo interval ends last at
    or before ours."""
    q = wait["pipeline"]
    COUNTS["sensors"] += 1
    sensor = bag.dags[name].get_task(f"wait.{q}")
    logical = sensor.execution_date_fn(interval.start, data_interval_end=interval.end)
    q_dag = bag.dags.get(q)
    q_spec = manifest["pipelines"][q]
    if q_dag is None:
        return [f"{name}: waits for `{q}`, which is not an Airflow DAG"]
    if sorted(sensor.external_task_ids) != sorted(wait["tasks"]):
        return [f"{name}: wait.{q} watches {sorted(sensor.external_task_ids)}, the manifest says {wait['tasks']}"]
    # Q's run at `logical`, and the one after it.
    tt = q_dag.timetable
    first = tt.infer_manual_data_interval(run_after=tt._get_next(logical)) if hasattr(tt, "_get_next") else None
    if first is None or first.start != logical:
        return [f"{name}: wait.{q} asks for {logical}, which is not a run of `{q}`"]
    second = tt.infer_manual_data_interval(run_after=tt._get_next(first.end))
    _, end_first = cjo_interval(q_spec, first.start, first.end)
    _, end_second = cjo_interval(q_spec, second.start, second.end)
    if not (end_first <= our_end < end_second):
        return [f"{name}: wait.{q} asks for the run of {logical} (data to {end_first}); this run's data ends {our_end}, the next run of `{q}` ends {end_second}"]
    return []


def main(args: list[str]) -> int:
    if not args:
        print(__doc__)
        return 2
    cache: dict = {}
    problems: list[str] = []
    dags = 0
    for arg in args:
        build, _, project = arg.partition("=")
        build, project = Path(build), Path(project)
        manifest = json.loads((build / "manifest.json").read_text())
        SAME_BUILD[str(project)] = same_build_args(manifest)
        dags += sum("airflow" in p["orchestrators"] for p in manifest["pipelines"].values())
        found = check_project(build, project, cache)
        problems += [f"{project.name}: {p}" for p in found]
    for p in problems:
        print(f"FAIL {p}\n")
    print(f"Airflow {airflow.__version__}: {dags} DAG file(s) from {len(args)} project(s), "
          f"{len(PROBES)} data intervals each ({COUNTS['rendered tasks']} task renderings equal to cjoc build's SQL, "
          f"{COUNTS['sensors']} sensor checks, {COUNTS['feeds']} feed queries rendered): "
          f"{'all agree' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
