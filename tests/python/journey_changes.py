"""Journeys changed while customers are in them (docs/journeys.md,
"Changing a live journey"), run by test_journeys.py on DuckDB for the SQL
of all three dialects.

Each case in tests/journeys/changes/<case>/ has two versions of one
project, v1/ and v2/ (cjo.toml, .cjo files), the data both read (data/),
case.json (`from`, `to`, `every` as the golden cases, and `switch`: the
first tick built from v2) and expected/: each journey's final state
(<journey>.csv) and, where it has any, its activations
(<journey>_activations.csv), worked out by hand from the docs.

Per dialect, in one DuckDB: every tick before `switch` is built from v1 and
run (tick, then consistency check); after the last of them each journey's
state must equal the simulator's for v1. Then every tick from `switch` on is
built from v2 and run, migration included. The first v2 tick is run twice:
the second run (migration and tick again) must change nothing, and so must
a second run of the last tick. The consistency check runs after every tick
and must count 0. The final tables must equal expected/.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb

import test_execute as tx
import test_journeys as tj

CHANGES = tj.ROOT / "tests" / "journeys" / "changes"


def run(cjoc: Path, k: str | None, out: "tj.Outcome", tmp: Path) -> None:
    for case in sorted(d for d in CHANGES.iterdir() if (d / "case.json").exists()):
        if k and k not in case.name:
            continue
        before = len(out.failures)
        out.cases += 1
        run_case(cjoc, case, out, tmp / "changes" / case.name)
        status = "ok" if len(out.failures) == before else "FAILED"
        print(f"changes {case.name}: {status}", flush=True)


def run_case(cjoc: Path, case: Path, out: "tj.Outcome", work: Path) -> None:
    cfg = json.loads((case / "case.json").read_text())
    start, end = dt.datetime.fromisoformat(cfg["from"]), dt.datetime.fromisoformat(cfg["to"])
    every = tj.parse_every(cfg.get("every", "1 day"))
    switch = int(cfg["switch"])
    name = f"changes/{case.name}"
    times, t = [], start + every
    while t <= end:
        times.append(t)
        t += every
    versions = {}
    for v in ("v1", "v2"):
        proj = work / v
        shutil.copytree(case / v, proj, dirs_exist_ok=True)
        shutil.copytree(case / "data", proj / "data", dirs_exist_ok=True)
        proc = tj.run_cjoc(cjoc, ["check", str(proj)])
        if proc.returncode != 0:
            out.fail(name, "check", f"[{name}] cjoc check rejects {v}:\n{proc.stdout}{proc.stderr}")
            return
        versions[v] = proj
    # The simulator of v1, up to the last tick before the switch.
    sim = work / "sim"
    proc = tj.run_cjoc(cjoc, ["simulate", str(versions["v1"]), "--data", str(versions["v1"] / "data"), "--from",
                              tj.iso(start), "--to", tj.iso(times[switch - 2]), "--every", cfg.get("every", "1 day"),
                              "--out", str(sim)])
    if proc.returncode != 0:
        out.fail(name, "simulate", f"[{name}] cjoc simulate v1 failed:\n{proc.stdout}{proc.stderr}")
        return
    builds = []
    for i, t in enumerate(times, start=1):
        v = "v1" if i < switch else "v2"
        b = work / "build" / f"{i:04d}"
        proc = tj.run_cjoc(cjoc, ["build", str(versions[v]), "--target", ",".join(tj.DIALECTS), "--run-start",
                                  tj.iso(t - every), "--run-end", tj.iso(t), "--out", str(b)])
        if proc.returncode != 0:
            out.fail(name, "build", f"[{name}] cjoc build of {v} for tick {i} failed:\n{proc.stdout}{proc.stderr}")
            return
        builds.append(b)
    expected = {f.stem: tj.Table.from_csv(f) for f in sorted((case / "expected").glob("*.csv"))}
    for dialect in tj.DIALECTS:
        try:
            run_dialect(case, name, dialect, builds, switch, sim, expected, out)
        except (tx.TaskError, tj.Failure, duckdb.Error) as e:
            out.fail(name, "run", f"[{name} / {dialect}] {e}\n  {getattr(e, 'sql', '')}"[:4000])


def run_dialect(case: Path, name: str, dialect: str, builds: list[Path], switch: int, sim: Path,
                expected: dict[str, "tj.Table"], out: "tj.Outcome") -> None:
    failures_before = len(out.failures)
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    first = json.loads((builds[0] / "manifest.json").read_text())
    tj.load_sources(con, first, dialect, case / "data")
    targets = tj.read_targets(case / "v1")

    def run_build(build: Path) -> list[str]:
        manifest = json.loads((build / "manifest.json").read_text())
        nodes = manifest["nodes"]
        for task in manifest["order"]:
            node = nodes[task]
            if node["kind"] not in ("journey", "check") or (node["kind"] == "check" and not task.endswith(".consistency")):
                continue
            text = tj.task_sql(build, manifest, task, dialect).read_text()
            log: list[str] = []
            if node["kind"] == "journey":
                tj.run_journey_task(con, text, dialect, log)
            else:
                tj.run_check_task(con, text, dialect, log)
            out.statements += len(log)
        out.ticks += 1
        return [nodes[t]["name"] for t in manifest["order"] if nodes[t]["kind"] == "journey"]

    def tables(build: Path, journey: str) -> tuple["tj.Table", "tj.Table"]:
        manifest = json.loads((build / "manifest.json").read_text())
        state, acts = tj.journey_relations(manifest, journey, dialect, targets)
        return (tj.Table.from_duckdb(con, tx.duck_name(state, dialect)),
                tj.Table.from_duckdb(con, tx.duck_name(acts, dialect)))

    def unchanged(build: Path, journeys: list[str], what: str) -> None:
        before = {j: tables(build, j) for j in journeys}
        run_build(build)
        for j in journeys:
            after = tables(build, j)
            d = tj.diff_state(before[j][0], after[0], left="first run", right="second run") or tj.diff_multiset(
                before[j][1], after[1], left="first run", right="second run")
            if d:
                out.fail(name, "idempotent", f"[{name} / {dialect} / journey {j}] {what} changed the tables:\n{d}")

    journeys: list[str] = []
    for i, build in enumerate(builds, start=1):
        journeys = run_build(build)
        if i == switch - 1:
            for j in journeys:
                got = tables(build, j)[0]
                want = tj.Table.from_csv(tj.sim_dir(sim, j, i) / "state.csv")
                out.comparisons += 1
                d = tj.diff_state(want, got)
                if d:
                    out.fail(name, "state", f"[{name} / {dialect} / journey {j}] before the switch, the SQL's state "
                             f"differs from the simulator's (v1):\n{d}")
        if i == switch:
            unchanged(build, journeys, "running the first tick of v2 (migration included) again")
    last = builds[-1]
    unchanged(last, journeys, "running the last tick again")
    for j in journeys:
        state, acts = tables(last, j)
        want = expected.get(j)
        if want is None:
            out.fail(name, "expected", f"[{name}] expected/{j}.csv missing")
            continue
        d = tj.diff_state(want, state, left="expected", right="SQL")
        want_acts = expected.get(f"{j}_activations", tj.Table(acts.header, []))
        d = d or tj.diff_multiset(want_acts, acts, left="expected", right="SQL")
        if d:
            out.fail(name, "expected", f"[{name} / {dialect} / journey {j}] the final tables differ from expected/:\n{d}")
    if len(out.failures) == failures_before:
        out.journeys_by_dialect[dialect] += len(journeys)
    con.close()
