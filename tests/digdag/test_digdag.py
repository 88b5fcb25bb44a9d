"""cjo's Digdag workflows, checked against the manifest and cjoc build.

    python tests/digdag/test_digdag.py BUILD_DIR=PROJECT_DIR...

Each BUILD_DIR is the output of `cjoc build` for PROJECT_DIR (own targets).
For each pipeline that lists Digdag:

1. `digdag/<pipeline>.dig` loads as YAML, with `timezone`, a `schedule`
   matching the pipeline's, `_error`, and its tasks under `+run` with
   `_parallel: true`.
2. The tasks are the manifest's (plus one `+wait.<pipeline>` `require>`
   per pipeline waited for, naming a workflow of the same folder), in an
   order where every `_after` names a task declared before it (Digdag
   requires it), and the `_after` edges are the manifest's.
3. `_retry` is the pipeline's retries and delay; `sla` its SLA.
4. Every file a task names exists (SQL files, `cjo_trino.sh`).
5. Each source feed the manifest lists is a task polling under `_retry`
   (a constant interval, covering `upstream_timeout`) before the tasks
   that read it; its query, rendered for each session, is written to
   $CJO_FEED_DUMP for tests/python/test_feeds.py to run on DuckDB.
6. Rendered for a session — Digdag's `${…}` evaluated for the session
   times, the Trino files run through `cjo_trino.sh` with a stand-in
   `trino` CLI that prints what it is given — each task's SQL is what
   `cjoc build --run-start last_session_time --run-end session_time`
   writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

CJOC = os.environ.get("CJOC", "target/debug/cjoc")
COUNTS = {"workflows": 0, "rendered tasks": 0, "feeds": 0}


def dump_feed(scheduler: str, pipeline: str, p: dict, feed: dict, sql: str, run_end: dt.datetime) -> None:
    """A rendered feed query, for tests/python/test_feeds.py to run."""
    path = os.environ.get("CJO_FEED_DUMP")
    if not path:
        return
    # Digdag gives up at the deadline only with `wait` (in the query).
    deadline = None
    if p["on_late_upstream"] == "wait":
        shift = 0
        if p["schedule"]["kind"] == "daily":
            h, m = map(int, p["schedule"]["at"].split(":"))
            shift = h * 3600 + m * 60
        deadline = shift + p["upstream_timeout_seconds"]
    record = {
        "scheduler": scheduler, "pipeline": pipeline, "feed": feed["id"], "dialect": feed["target"],
        "time_column": feed["time_column"], "sql": sql.strip().removesuffix(";").split("\n", 1)[-1] if sql.startswith("--") else sql.strip().removesuffix(";"),
        "run_end": run_end.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"), "deadline_seconds": deadline,
    }
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")
# Sessions are rendered around these moments (UTC).
PROBES = [dt.datetime(2026, 3, 29, 6, 30, tzinfo=dt.timezone.utc), dt.datetime(2026, 12, 31, 15, 7, tzinfo=dt.timezone.utc)]


# --- Digdag's session times -------------------------------------------------

def cron_matches(expr: str, t: dt.datetime) -> bool:
    fields = expr.split()
    values = [t.minute, t.hour, t.day, t.month, (t.weekday() + 1) % 7]
    ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)]
    for field, value, (lo, hi) in zip(fields, values, ranges):
        ok = False
        for part in field.split(","):
            base, _, step = part.partition("/")
            step = int(step) if step else 1
            if base == "*":
                a, b = lo, hi
            elif "-" in base:
                a, b = map(int, base.split("-"))
            else:
                a = b = int(base)
            if a <= value <= b and (value - a) % step == 0:
                ok = True
        if not ok:
            return False
    return True


def sessions(schedule: dict, tz: str, probe: dt.datetime):
    """(last_session_time, session_time) of the latest session whose time
    is at or before `probe`, in Digdag's terms for this schedule."""
    local = probe.astimezone(ZoneInfo(tz))
    (kind, value), = [(k, v) for k, v in schedule.items() if k.endswith(">")]
    if kind == "daily>":
        s = local.replace(hour=0, minute=0, second=0, microsecond=0)
        last = (s.replace(tzinfo=None) - dt.timedelta(days=1)).replace(tzinfo=ZoneInfo(tz))
        return last, s
    if kind == "hourly>":
        s = local.replace(minute=0, second=0, microsecond=0)
        return s - dt.timedelta(hours=1), s
    if kind == "weekly>":
        s = local.replace(hour=0, minute=0, second=0, microsecond=0)
        while s.weekday() != 6:
            s -= dt.timedelta(days=1)
        return s - dt.timedelta(days=7), s
    if kind == "minutes_interval>":
        n = int(value)
        s = local.replace(second=0, microsecond=0)
        s -= dt.timedelta(minutes=s.minute % n)
        return s - dt.timedelta(minutes=n), s
    if kind == "cron>":
        t = local.replace(second=0, microsecond=0)
        ticks = []
        for _ in range(60 * 24 * 8):
            if cron_matches(value, t):
                ticks.append(t)
                if len(ticks) == 2:
                    return ticks[1], ticks[0]
            t -= dt.timedelta(minutes=1)
    raise AssertionError(f"cannot compute sessions for {schedule}")


# --- Digdag's ${…} templates, as cjo writes them ----------------------------

MOMENT = re.compile(
    r"\$\{moment\((session_time|last_session_time)\)"
    r"(?:\.subtract\((\d+), 'seconds'\))?\.utc\(\)\.format\('(YYYY-MM-DD HH:mm:ss|YYYY-MM-DD)'\)\}"
)


def render(text: str, last: dt.datetime, session: dt.datetime) -> str:
    def value(m: re.Match) -> str:
        t = session if m.group(1) == "session_time" else last
        t = t.astimezone(dt.timezone.utc) - dt.timedelta(seconds=int(m.group(2) or 0))
        return t.strftime("%Y-%m-%d %H:%M:%S" if "HH" in m.group(3) else "%Y-%m-%d")

    out = MOMENT.sub(value, text).replace("${'$'}", "$")
    leftover = re.findall(r"\$\{[^}]*\}", MOMENT.sub("", text).replace("${'$'}", ""))
    assert not leftover, f"templates this test cannot evaluate: {leftover}"
    return out


# --- the checks --------------------------------------------------------------

# The options a build was made with beyond its run interval, by project
# folder (filled from each build's manifest): a literal build to compare
# with must be made the same way.
SAME_BUILD: dict[str, list[str]] = {}

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from build_args import same_build_args  # noqa: E402


def literal_build(project: Path, start: dt.datetime, end: dt.datetime, cache: dict) -> Path:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    s, e = start.astimezone(dt.timezone.utc).strftime(fmt), end.astimezone(dt.timezone.utc).strftime(fmt)
    key = (str(project), s, e)
    if key not in cache:
        out = Path(tempfile.mkdtemp(prefix="cjo-digdag-literal-")) / "b"
        subprocess.run([CJOC, "build", str(project), "--out", str(out), "--run-start", s, "--run-end", e,
                        *SAME_BUILD.get(str(project), [])],
                       check=True, capture_output=True)
        cache[key] = out
    return cache[key]


def fake_trino(folder: Path) -> Path:
    """A stand-in for the trino CLI: prints the SQL of `--execute`, and 0
    when asked for TSV (a check query that found nothing)."""
    path = folder / "fake-trino"
    path.write_text(
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  case $1 in\n    --execute) shift; sql=$1;;\n    --output-format) shift; tsv=1;;\n  esac\n  shift\ndone\n"
        "if [ -n \"${tsv:-}\" ]; then echo 0; else printf '%s\\n' \"$sql\"; fi\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def task_sql(folder: Path, task: dict, last, session, trino: Path) -> tuple[str, str]:
    """(the SQL file a task names, the SQL it runs for the session)."""
    if "bq>" in task:
        path = task["bq>"]
        return path, render((folder / path).read_text(), last, session)
    if "redshift>" in task or "+query" in task:
        path = task.get("redshift>") or task["+query"]["redshift>"]
        return path, render((folder / path).read_text(), last, session)
    command = task["sh>"].split()
    assert command[:2] == ["sh", "cjo_trino.sh"], command
    path = command[2]
    env = {k: render(str(v), last, session) for k, v in task.items() if k.startswith("cjo_run_")}
    env.update(PATH=os.environ["PATH"], cjo_trino_server="http://localhost:8080", cjo_trino_cli=str(trino))
    args = ["sh", "cjo_trino.sh", path]
    if "--expect-zero" in command:
        done = subprocess.run(args + ["--expect-zero"], cwd=folder, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    done = subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True, check=True)
    return path, done.stdout


def check_workflow(build: Path, project: Path, manifest: dict, name: str, p: dict, cache: dict, trino: Path) -> list[str]:
    problems = []
    folder = build / "digdag"
    wf = yaml.safe_load((folder / f"{name}.dig").read_text())
    COUNTS["workflows"] += 1
    if wf.get("timezone") != p["timezone"]:
        problems.append(f"timezone {wf.get('timezone')}, want {p['timezone']}")
    sched = wf.get("schedule", {})
    want_kind = {"hourly": "hourly>", "daily": "daily>", "weekly": "weekly>"}.get(p["schedule"]["kind"])
    if want_kind and want_kind not in sched:
        problems.append(f"schedule {sched}, want {want_kind}")
    if p["schedule"]["kind"] == "daily" and sched.get("daily>") != p["schedule"]["at"] + ":00":
        problems.append(f"daily> {sched.get('daily>')}, want {p['schedule']['at']}:00")
    if p["schedule"]["kind"] in ("cron", "every") and p["schedule"]["cron"] and sched.get("cron>") != p["schedule"]["cron"]:
        problems.append(f"cron> {sched.get('cron>')}, want {p['schedule']['cron']}")
    if p["start_date"] and sched.get("start") != p["start_date"]:
        problems.append(f"start {sched.get('start')}, want {p['start_date']}")
    if p["sla_seconds"]:
        h, m, s = map(int, wf["sla"]["duration"].split(":"))
        # An SLA warns and never stops the session.
        if h * 3600 + m * 60 + s != p["sla_seconds"] or wf["sla"].get("fail") or wf["sla"].get("alert") is not True:
            problems.append(f"sla {wf['sla']}, want {p['sla_seconds']} s, alerting and never failing")
    elif "sla" in wf:
        problems.append(f"sla {wf['sla']} without the pipeline's sla")
    if "skip_delayed_by" in sched:
        problems.append("skip_delayed_by: a session's late start says nothing of late data")
    runs_bq = "bq>" in json.dumps(wf.get("+run", {}))
    if "bq" in wf.get("_export", {}) and not runs_bq:
        problems.append("_export: bq in a workflow without BigQuery tasks")
    if "_error" not in wf:
        problems.append("no _error task")
    run = wf.get("+run", {})
    if run.get("_parallel") is not True:
        problems.append("+run is not _parallel: true")
    tasks = [(k[1:], v) for k, v in run.items() if k.startswith("+")]
    waits = {f"wait.{w['pipeline']}": w for w in p["waits"]}
    feeds = {f["id"]: f for f in p["feeds"]}
    got = [t for t, _ in tasks]
    want = set(p["tasks"]) | set(waits) | set(feeds)
    if set(got) != want or len(got) != len(want):
        problems.append(f"tasks differ: extra {sorted(set(got) - want)}, missing {sorted(want - set(got))}")
    seen, edges = set(), set()
    for t, body in tasks:
        for up in body.get("_after", []):
            if not up.startswith("+") or up[1:] not in seen:
                problems.append(f"+{t}: _after {up} is not a task declared before it")
            edges.add((up[1:], t))
        seen.add(t)
    want_edges = {tuple(e) for e in p["edges"]} | {(w, t) for w, spec in waits.items() for t in spec["needed_by"]}
    want_edges |= {(f, t) for f, spec in feeds.items() for t in spec["needed_by"]}
    if edges != want_edges:
        problems.append(f"edges differ: extra {sorted(edges - want_edges)}, missing {sorted(want_edges - edges)}")
    for w, spec in waits.items():
        body = run.get(f"+{w}", {})
        if body.get("require>") != spec["pipeline"] or not (folder / f"{spec['pipeline']}.dig").exists():
            problems.append(f"+{w}: require> {body.get('require>')} is not the workflow {spec['pipeline']}.dig beside it")
    for f in feeds:
        retry = run.get(f"+{f}", {}).get("_retry") or {}
        covers = retry.get("limit", 0) * retry.get("interval", 0)
        if retry.get("interval_type") != "constant" or covers < p["upstream_timeout_seconds"]:
            problems.append(f"+{f}: _retry {retry} does not poll for upstream_timeout ({p['upstream_timeout_seconds']} s)")
    for t, body in tasks:
        if t in waits or t in feeds:
            continue
        retry = body.get("_retry")
        if p["retries"] and retry != {"limit": p["retries"], "interval": p["retry_delay_seconds"]}:
            problems.append(f"+{t}: _retry {retry}, want {p['retries']} every {p['retry_delay_seconds']} s")
    if problems:
        return problems

    for probe in PROBES:
        last, session = sessions(sched, p["timezone"], probe)
        literal = literal_build(project, last, session, cache)
        for f, spec in feeds.items():
            path, sql = task_sql(folder, run[f"+{f}"], last, session, trino)
            COUNTS["feeds"] += 1
            dump_feed("digdag", name, p, spec, sql, session)
        for t, body in tasks:
            if t in waits or t in feeds:
                continue
            path, sql = task_sql(folder, body, last, session, trino)
            if not (folder / path).exists():
                problems.append(f"+{t}: {path} does not exist")
                continue
            (want_path,) = manifest["nodes"][t]["sql"].values()
            want_sql = (literal / want_path).read_text()
            COUNTS["rendered tasks"] += 1
            if sql != want_sql:
                problems.append(f"+{t} for the session {session} (last {last}):\n{sql}\nbut cjoc build writes\n{want_sql}")
    return problems


def main(args: list[str]) -> int:
    if not args:
        print(__doc__)
        return 2
    cache: dict = {}
    problems = []
    scratch = Path(tempfile.mkdtemp(prefix="cjo-digdag-"))
    trino = fake_trino(scratch)
    for arg in args:
        build, _, project = arg.partition("=")
        build, project = Path(build), Path(project)
        manifest = json.loads((build / "manifest.json").read_text())
        SAME_BUILD[str(project)] = same_build_args(manifest)
        for name, p in manifest["pipelines"].items():
            path = build / "digdag" / f"{name}.dig"
            if "digdag" not in p["orchestrators"]:
                if path.exists():
                    problems.append(f"{project.name}/{name}: {path} written, but the pipeline is not on Digdag")
                continue
            if not path.exists():
                problems.append(f"{project.name}/{name}: no {path}")
                continue
            problems += [f"{project.name}/{name}: {x}" for x in check_workflow(build, project, manifest, name, p, cache, trino)]
    for x in problems:
        print(f"FAIL {x}\n")
    print(f"Digdag: {COUNTS['workflows']} workflow(s), {len(PROBES)} sessions each, "
          f"{COUNTS['rendered tasks']} task renderings equal to cjoc build's SQL, "
          f"{COUNTS['feeds']} feed queries rendered: "
          f"{'all agree' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
