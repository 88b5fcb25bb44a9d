#!/usr/bin/env python3
"""The differential test of journeys (JOURNEYS.md, "How the semantics are
proven"): the SQL `cjoc build` emits for each journey tick, executed on
DuckDB tick after tick, must give exactly the state table (and activations)
of the reference simulator, `cjoc simulate`, after every tick.

Two parts:

1. Golden cases, tests/journeys/golden/<case>/: small hand-written projects
   (cjo.toml, .cjo files, data/<relation>.csv, case.json with the ticks)
   with expected/<journey>.csv, the final state worked out by hand from the
   spec (README.md there says how each was reasoned). Each is checked
   against the simulator AND the SQL of all three dialects, and the
   simulator and the SQL are compared after every tick as below.
2. Random cases from tests/python/journeygen.py: projects of several
   journeys each (one build per tick serves every journey of the project),
   each project in one dialect (project i: bigquery, redshift, trino in
   turn; `--all-dialects` for all three).

For each project and dialect:

- `cjoc simulate DIR --data DIR/data --from T0 --to T1 --every E --out SIM`.
- An in-memory DuckDB (UTC session) with the sources loaded once from the
  same CSV files (catalogs ATTACHed, schemas made, columns typed from the
  manifest), as in test_execute.py.
- For every tick T: `cjoc build DIR --target D --run-start T-E --run-end T`,
  then every task of the manifest's `order` (journey ticks, their
  consistency checks) executed statement by statement as sqlglot reads
  them in the dialect and writes them for DuckDB (as test_execute.run_task:
  nothing else is done to the SQL text; a check must count 0; BigQuery's
  ASSERT evaluated). State carries over from tick to tick in the same
  database. Each distinct statement text is parsed once (the file split
  after each `;` ending a line; most statements repeat from tick to tick),
  which is what keeps the run within a few minutes.
- After each tick, each journey's state table and `<journey>_activations`
  compared with SIM/<journey>/<nnnn>/state.csv and activations.csv: columns
  by name and order; rows as sets keyed by (key, instance_no), every
  column, NULL equal only to NULL, timestamps in UTC.
- After the last tick, that tick's SQL run a second time: no state or
  activation row may change (idempotence).

- Each journey's state and activation columns have the kinds
  docs/journeys.md gives them (timestamps; integers for instance_no,
  branch_*, variant_*; the key as in the profiles).

Options: --seed N (first seed of the random projects; env
CJO_JOURNEY_SEED), --cases N (random journeys; default 210), --per-project
N (journeys per project, default 10), --all-dialects, --jobs N (random
projects in parallel, default one per CPU), --keep (keep every work
folder), --golden-only, --random-only, -k NAME (golden cases whose name
contains NAME). On a
failure the project is kept under a temporary folder, and the failing
journey's .cjo text, the seed and that folder are printed.

3. Changed journeys, tests/journeys/changes/<case>/: a project in two
   versions, the second taking over at a given tick with customers in
   flight (see journey_changes.py); run with the golden cases.

Exit code 0 when everything agrees (known failures aside), 1 otherwise.

    CJOC=target/debug/cjoc ~/.cache/cjo/venv/bin/python tests/python/test_journeys.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import journeygen  # noqa: E402
import test_execute as tx  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "journeys" / "golden"
DIALECTS = ("bigquery", "redshift", "trino")

# Known failures: compiler bugs not fixed yet, each reported. Key: (what,
# phase) where `what` is a golden case name or "random", phase one of
# "check", "simulate", "build", "run", "state", "activations",
# "idempotent", "expected". A known failure is still printed (with its
# reason) but does not fail the run; one that no longer fails is reported
# so that it is removed.
KNOWN: dict[tuple[str, str], str] = {}

# Known failures of random journeys: (dialect, phases, a regex the failing
# journey's .cjo text matches, why). A journey that fails so is listed, not
# fatal; the same journeys are still checked in the other dialects.
KNOWN_RANDOM: list[tuple[str, tuple[str, ...], str, str]] = []

# Fixed, and proven here since: BigQuery's `wait until weekday` was
# EXTRACT(DAYOFWEEK …) (Sunday 1 … Saturday 7), which sqlglot writes as
# DuckDB's EXTRACT(DAYOFWEEK …) (Sunday 0 …): on DuckDB the wait released
# a day late (490a240 counts days from a Monday instead).


# --------------------------------------------------------------------------
# Values


def norm_ts_text(s: str) -> str:
    """A timestamp as text (`YYYY-MM-DD HH:MM:SS`, ISO with `T`/`Z`/offset)
    in UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]`."""
    t = dt.datetime.fromisoformat(s.strip().replace("Z", "+00:00"))
    return norm_dt(t)


def norm_dt(t: dt.datetime) -> str:
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    out = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.microsecond:
        out += f".{t.microsecond:06d}".rstrip("0")
    return out


TS_RE = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)?$")


def norm_text(s: str) -> str:
    """A CSV field (simulator or expected file): empty is NULL (None)."""
    if s == "":
        return None
    if TS_RE.match(s):
        return norm_ts_text(s)
    if re.fullmatch(r"-?\d+(\.0+)?", s):
        return str(int(decimal.Decimal(s)))
    return s


def norm_value(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return norm_dt(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (int, decimal.Decimal, float)):
        d = decimal.Decimal(str(v))
        if d == d.to_integral_value():
            return str(int(d))
        return format(d.normalize(), "f")
    return str(v)


def shown(v) -> str:
    return "NULL" if v is None else v


class Table:
    """A state or activation table: header and normalised rows."""

    def __init__(self, header: list[str], rows: list[tuple]):
        self.header = [h.lower() for h in header]
        self.rows = rows

    @staticmethod
    def from_csv(path: Path) -> "Table":
        with path.open(newline="") as f:
            r = csv.reader(f)
            header = next(r)
            rows = [tuple(norm_text(v) for v in row) for row in r]
        return Table(header, rows)

    @staticmethod
    def from_duckdb(con, table: str) -> "Table":
        names, _types, rows = tx.table_rows(con, table)
        return Table(names, [tuple(norm_value(v) for v in r) for r in rows])


def diff_state(sim: Table, sql: Table, key_cols: int = 2, left: str = "simulator", right: str = "SQL") -> str | None:
    """None when equal: same columns in the same order, same rows keyed by
    the first `key_cols` columns. Otherwise a readable diff."""
    out = []
    if sim.header != sql.header:
        only_l = [c for c in sim.header if c not in sql.header]
        only_r = [c for c in sql.header if c not in sim.header]
        out.append(f"columns differ:\n    {left}: {', '.join(sim.header)}\n    {right}: {', '.join(sql.header)}")
        if only_l:
            out.append(f"    only in {left}: {', '.join(only_l)}")
        if only_r:
            out.append(f"    only in {right}: {', '.join(only_r)}")
        if only_l or only_r:
            # Still compare the shared columns, to show what else differs.
            shared = [c for c in sim.header if c in sql.header]
            sim = Table(shared, [tuple(r[sim.header.index(c)] for c in shared) for r in sim.rows])
            sql = Table(shared, [tuple(r[sql.header.index(c)] for c in shared) for r in sql.rows])
        else:
            sql = Table(sim.header, [tuple(r[sql.header.index(c)] for c in sim.header) for r in sql.rows])

    def keyed(t: Table, side: str) -> dict:
        d = {}
        for r in t.rows:
            k = r[:key_cols]
            if k in d:
                out.append(f"  {side} has two rows for ({', '.join(map(shown, k))})")
            d[k] = r
        return d

    a, b = keyed(sim, left), keyed(sql, right)
    hdr = sim.header
    for k in sorted(set(a) | set(b), key=lambda k: tuple(map(str, k))):
        name = f"({', '.join(map(shown, k))})"
        if k not in b:
            set_cols = ", ".join(f"{c}={v}" for c, v in zip(hdr[key_cols:], a[k][key_cols:]) if v is not None)
            out.append(f"  row {name} only in {left}: {set_cols}")
        elif k not in a:
            set_cols = ", ".join(f"{c}={v}" for c, v in zip(hdr[key_cols:], b[k][key_cols:]) if v is not None)
            out.append(f"  row {name} only in {right}: {set_cols}")
        elif a[k] != b[k]:
            cols = [
                f"{c}: {left} {shown(x)}, {right} {shown(y)}"
                for c, x, y in zip(hdr, a[k], b[k])
                if x != y
            ]
            out.append(f"  row {name}: " + "; ".join(cols))
    if not out:
        return None
    if len(out) > 40:
        out = out[:40] + [f"  … and {len(out) - 40} more"]
    return "\n".join(out)


def diff_multiset(sim: Table, sql: Table, left: str = "simulator", right: str = "SQL") -> str | None:
    out = []
    if sim.header != sql.header:
        out.append(f"columns differ:\n    {left}: {', '.join(sim.header)}\n    {right}: {', '.join(sql.header)}")
        if set(sim.header) == set(sql.header):
            sql = Table(sim.header, [tuple(r[sql.header.index(c)] for c in sim.header) for r in sql.rows])
        else:
            return "\n".join(out)
    a, b = Counter(sim.rows), Counter(sql.rows)
    for r in sorted((a - b).elements(), key=lambda r: tuple(map(str, r))):
        out.append(f"  only in {left}: {', '.join(map(shown, r))}")
    for r in sorted((b - a).elements(), key=lambda r: tuple(map(str, r))):
        out.append(f"  only in {right}: {', '.join(map(shown, r))}")
    if not out:
        return None
    if len(out) > 40:
        out = out[:40] + [f"  … and {len(out) - 40} more"]
    return "\n".join(out)


# --------------------------------------------------------------------------
# Running cjoc


class Failure(Exception):
    pass


def run_cjoc(cjoc: Path, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(cjoc), *args, "--color", "never"], capture_output=True, text=True)


def parse_every(every: str) -> dt.timedelta:
    m = re.fullmatch(r"\s*(\d+)\s*(second|minute|hour|day|week)s?\s*", every)
    if not m:
        raise SystemExit(f"cannot read the tick interval {every!r}")
    n = int(m.group(1))
    return dt.timedelta(**{m.group(2) + "s": n})


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------
# One project, ticked in one DuckDB per dialect


class Outcome:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.known: list[str] = []
        self.known_hit: set[tuple[str, str]] = set()
        self.comparisons = 0
        self.rows = 0  # state rows compared (summed over ticks)
        self.activations = 0  # activation rows compared (summed over ticks)
        self.ticks = 0
        self.statements = 0
        self.cases = 0
        self.journeys_by_dialect: Counter = Counter()
        self.kept: list[str] = []
        self.known_random: Counter = Counter()
        self.notes: dict[str, int] = {}
        self.lines: list[str] = []

    def fail(self, what: str, phase: str, message: str, dialect: str | None = None, text: str | None = None) -> bool:
        """Records a failure; True when it is a known one."""
        key = (what, phase)
        if key in KNOWN:
            self.known_hit.add(key)
            self.known.append(f"[{what} / {phase}] known ({KNOWN[key]}): {message.splitlines()[0]}")
            return True
        if text is not None:
            for d, phases, pattern, why in KNOWN_RANDOM:
                if d == dialect and phase in phases and re.search(pattern, text):
                    self.known_random[why] += 1
                    return True
        self.failures.append(message)
        return False

    def merge(self, o: "Outcome") -> None:
        self.failures += o.failures
        self.known += o.known
        self.known_hit |= o.known_hit
        self.comparisons += o.comparisons
        self.rows += o.rows
        self.activations += o.activations
        self.ticks += o.ticks
        self.statements += o.statements
        self.cases += o.cases
        self.journeys_by_dialect += o.journeys_by_dialect
        self.kept += o.kept
        self.known_random += o.known_random
        for k, v in o.notes.items():
            self.notes[k] = self.notes.get(k, 0) + v


def journey_relations(manifest: dict, name: str, dialect: str, toml: dict) -> tuple[str, str]:
    """The state table's and the activation table's warehouse names."""
    node = manifest["nodes"].get(f"journey.{name}", {})
    rel = node.get("relation", {}).get(dialect) if isinstance(node.get("relation"), dict) else None
    acts = node.get("activations", {}).get(dialect) if isinstance(node.get("activations"), dict) else None
    if rel is None:
        # Derived like a model's relation from [targets.*] (until the manifest carries it).
        t = toml[dialect]
        container = {
            "bigquery": [t.get("project"), t.get("dataset")],
            "redshift": [t.get("database"), t.get("schema")],
            "trino": [t.get("catalog"), t.get("schema")],
        }[dialect]
        prefix = ".".join(p for p in container if p)
        rel = f"{prefix}.{name.lower()}"
    if acts is None:
        acts = rel + "_activations"
    return rel, acts


def read_targets(project: Path) -> dict:
    """[targets.*] of cjo.toml (a tiny reader: `key = "value"` lines)."""
    out: dict[str, dict] = {}
    section = None
    for line in (project / "cjo.toml").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"\[targets\.(\w+)\]", line)
        if m:
            section = out.setdefault(m.group(1), {})
            continue
        if line.startswith("["):
            section = None
            continue
        m = re.fullmatch(r'(\w+)\s*=\s*"([^"]*)"', line)
        if m and section is not None:
            section[m.group(1)] = m.group(2)
    return out


def load_sources(con, manifest: dict, dialect: str, data: Path) -> dict[str, str]:
    """Creates and fills every source read by a journey; returns source name
    -> DuckDB table name."""
    catalogs, schemas, tables = set(), set(), {}
    for node in manifest["nodes"].values():
        rel = node.get("relation", {}).get(dialect) if isinstance(node.get("relation"), dict) else None
        if rel is None:
            continue
        t = tx.parse_table(rel, dialect)
        if t.catalog:
            catalogs.add(t.catalog)
        if node["kind"] == "source" and t.db:
            schemas.add((t.catalog or None, t.db))
    for c in sorted(catalogs):
        con.execute(f"ATTACH ':memory:' AS {exp.to_identifier(c).sql(dialect='duckdb')}")
    for c, s in sorted(schemas, key=str):
        name = ".".join(exp.to_identifier(p).sql(dialect="duckdb") for p in (c, s) if p)
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {name}")
    for node in sorted(manifest["nodes"].values(), key=lambda n: n["id"]):
        if node["kind"] != "source":
            continue
        table = tx.duck_name(node["relation"][dialect], dialect)
        cols = node["columns"]
        ddl = ", ".join(f'"{c["name"]}" {tx.duck_type(c["type"])}' + ("" if c["nullable"] else " NOT NULL") for c in cols)
        con.execute(f"CREATE TABLE {table} ({ddl})")
        tables[node["name"]] = table
        path = data / f"{node['name']}.csv"
        if path.exists():
            insert_rows(con, table, cols, path)
    return tables


def insert_rows(con, table: str, cols: list[dict], path: Path, skip: int = 0) -> None:
    with path.open(newline="") as f:
        header = next(csv.reader(f))
    if header[skip:] != [c["name"] for c in cols]:
        raise Failure(f"{path}: header {header[skip:]} is not the columns {[c['name'] for c in cols]}")
    exprs = [f'CAST("{c["name"]}" AS {tx.duck_type(c["type"])})' for c in cols]
    tx.insert_csv(con, table, exprs, path, header)


# DuckDB SQL of each statement text already transpiled: from one tick to
# the next most statements differ only in T, but the DDL, compaction and
# clean-up are the same text, and the re-run of the last tick is all
# repeats. The cache holds what sqlglot made of exactly that text.
TRANSPILED: dict[tuple[str, str], list[str]] = {}
STATEMENT_END = re.compile(r";[ \t]*\n")


def run_journey_task(con, text: str, dialect: str, log: list[str]) -> None:
    """tx.run_task for a journey tick, statement by statement with a cache.
    The file is split after each `;` that ends a line; each piece is parsed
    by sqlglot in `dialect` and written for DuckDB, as tx.run_task does
    (which is what runs when a piece does not parse as one statement)."""
    pieces = [p for p in STATEMENT_END.split(text + "\n") if p.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in p.splitlines())]
    sqls = []
    for piece in pieces:
        if dialect == "redshift" and (call := tx.redshift_migration(piece)) is not None:
            sqls.append(call)
            continue
        key = (dialect, piece)
        sql = TRANSPILED.get(key)
        if sql is None:
            try:
                stmts = [x for x in sqlglot.parse(piece, read=dialect) if x is not None]
            except sqlglot.errors.SqlglotError:
                stmts = []
            if len(stmts) != 1 or isinstance(stmts[0], exp.Command):
                return tx.run_task(con, text, dialect, "model", log)  # reports it as test_execute does
            sql = TRANSPILED[key] = tx.duckdb_statements(stmts[0])
        sqls.extend(sql)
    for sql in sqls:
        if callable(sql):
            sql(con, log)
            continue
        log.append(sql)
        try:
            con.execute(sql)
        except duckdb.Error as e:
            raise tx.TaskError(f"DuckDB: {e}", sql)


CHECKS: dict[tuple[str, str], tuple[str, str]] = {}


def run_check_task(con, text: str, dialect: str, log: list[str]) -> None:
    """tx.run_task for a consistency check, with the DuckDB query of each
    check text cached (the text rarely changes from tick to tick)."""
    key = (dialect, text)
    if key not in CHECKS:
        try:
            statements = [x for x in sqlglot.parse(text, read=dialect) if x is not None]
        except sqlglot.errors.SqlglotError:
            statements = []
        if len(statements) != 1 or isinstance(statements[0], exp.Command):
            return tx.run_task(con, text, dialect, "check", log)
        if dialect == "bigquery":
            cond, message = tx.assert_expression(statements[0])
            CHECKS[key] = (tx.transpile(exp.select(exp.alias_(cond, "ok"))), message)
        else:
            CHECKS[key] = (statements[0].sql(dialect="duckdb", copy=False), "")
    sql, message = CHECKS[key]
    log.append(sql)
    try:
        rows = con.execute(sql).fetchall()
    except duckdb.Error as e:
        raise tx.TaskError(f"DuckDB: {e}", sql)
    if dialect == "bigquery":
        if rows != [(True,)]:
            # Once more the uncached way, for test_execute's detailed message.
            tx.run_task(con, text, dialect, "check", [])
            raise tx.TaskError(f"ASSERT failed: {message}", sql)
    elif len(rows) != 1 or len(rows[0]) != 1 or rows[0][0] != 0:
        raise tx.TaskError(f"check counts {rows} failing rows", sql)


ACTIVATION_KINDS = {"instance_no": "integer", "journey": "string", "stage": "string", "step": "string",
                    "destination": "string", "activated_at": "timestamp"}


def task_sql(build: Path, manifest: dict, task: str, dialect: str) -> Path:
    node = manifest["nodes"][task]
    p = (node.get("sql") or {}).get(dialect)
    if p:
        return build / p
    return build / dialect / f"{task}.sql"


class Project:
    """A project on disk and how to tick it."""

    def __init__(self, name: str, path: Path, start: dt.datetime, end: dt.datetime, every: str,
                 journeys: dict[str, str], seed: int | None = None, late: Path | None = None,
                 compare_until: int = 10**9):
        self.name = name
        self.path = path
        self.start, self.end, self.every = start, end, every
        self.journeys = journeys  # name -> .cjo text (for repro messages)
        self.seed = seed
        self.late = late  # data/late: rows that arrive only before a given tick (SQL only)
        self.compare_until = compare_until  # compare SQL and simulator after ticks <= this


def simulate(cjoc: Path, p: Project, work: Path, out: Outcome) -> Path | None:
    sim = work / "sim"
    if sim.exists():
        shutil.rmtree(sim)
    proc = run_cjoc(cjoc, ["simulate", str(p.path), "--data", str(p.path / "data"), "--from", iso(p.start),
                           "--to", iso(p.end), "--every", p.every, "--out", str(sim)])
    if proc.returncode != 0:
        out.fail(p.name, "simulate", f"[{p.name}] cjoc simulate failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        return None
    return sim


def sim_ticks(sim: Path) -> list[tuple[int, str]]:
    with (sim / "ticks.csv").open(newline="") as f:
        r = csv.reader(f)
        next(r)
        return [(int(n), norm_ts_text(t)) for n, t in r]


def sim_dir(sim: Path, journey: str, n: int) -> Path:
    for cand in (f"{n:04d}", f"{n:03d}", str(n)):
        d = sim / journey / cand
        if d.exists():
            return d
    return sim / journey / f"{n:04d}"


def tick(p: Project, ticks_done: int, every: dt.timedelta) -> list[dt.datetime]:
    out, t = [], p.start + every
    while t <= p.end:
        out.append(t)
        t += every
    return out


def build_ticks(cjoc: Path, p: Project, times: list[dt.datetime], every: dt.timedelta, dialects: list[str],
                work: Path, out: Outcome) -> list[Path] | None:
    builds = []
    for i, t in enumerate(times, start=1):
        b = work / "build" / f"{i:04d}"
        proc = run_cjoc(cjoc, ["build", str(p.path), "--target", ",".join(dialects), "--run-start", iso(t - every),
                               "--run-end", iso(t), "--out", str(b)])
        if proc.returncode != 0:
            out.fail(p.name, "build", f"[{p.name}] cjoc build for the tick at {iso(t)} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
            return None
        builds.append(b)
    return builds


def repro(p: Project, journeys: list[str]) -> str:
    lines = []
    if p.seed is not None:
        lines.append(f"  seed {p.seed} (rerun: test_journeys.py --random-only --seed {p.seed} --cases "
                     f"{len(p.journeys)} --per-project {len(p.journeys)} --keep)")
    if p.seed is not None:
        lines.append(f"  project kept at {p.path} (data in {p.path / 'data'})")
    else:
        case = p.name.split("/", 1)[1]
        lines.append(f"  case folder tests/journeys/golden/{case} (-k {case} --keep keeps the work folder: build, simulator output)")
    for j in journeys:
        if j in p.journeys:
            lines.append("  " + p.journeys[j].rstrip().replace("\n", "\n  "))
    return "\n".join(lines)


def related(p: Project, j: str) -> list[str]:
    """j and the journeys it jumps to or that jump to it."""
    out = [j]
    for k, text in p.journeys.items():
        if k != j and (re.search(rf"\bjump\s+{k}\.", p.journeys[j]) or re.search(rf"\bjump\s+{j}\.", text)):
            out.append(k)
    return out


def run_dialect(cjoc: Path, p: Project, sim: Path | None, builds: list[Path], times: list[dt.datetime],
                dialect: str, out: Outcome, expected: dict[str, Table] | None) -> bool:
    """Ticks the project's SQL on DuckDB; compares with the simulator after
    each tick, and with `expected` (journey -> final state) at the end.
    Returns True when nothing failed."""
    ok = True
    manifest = json.loads((builds[0] / "manifest.json").read_text())
    targets = read_targets(p.path)
    nodes = manifest["nodes"]
    journeys = [nodes[t]["name"] for t in manifest["order"] if nodes[t]["kind"] == "journey"]
    tasks = [t for t in manifest["order"] if nodes[t]["kind"] in ("journey", "check")]
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    try:
        tables = load_sources(con, manifest, dialect, p.path / "data")
    except (Failure, duckdb.Error) as e:
        out.fail(p.name, "run", f"[{p.name} / {dialect}] loading the sources: {e}")
        return False
    rels = {j: journey_relations(manifest, j, dialect, targets) for j in journeys}
    # The key column's kind, from the sources that have a column of its name.
    key_kinds = {c["name"].lower(): tx.cjo_kind(c["type"]) for n in nodes.values() if n["kind"] == "source"
                 for c in n["columns"]}
    broken: dict[str, str] = {}
    failed_journeys: set[str] = set()

    def report(j: str, phase: str, msg: str) -> None:
        nonlocal ok
        failed_journeys.add(j)
        text = p.journeys.get(j) if p.seed is not None else None
        if not out.fail(p.name, phase, f"[{p.name} / {dialect} / journey {j} / {phase}] {msg}\n{repro(p, related(p, j))}",
                        dialect, text):
            ok = False

    def run_tasks(build: Path, label: str) -> None:
        for t in tasks:
            node = nodes[t]
            j = node["name"] if node["kind"] == "journey" else next(
                (d.split(".", 1)[1] for d in node.get("depends_on", []) if d.startswith("journey.")), None)
            if j is None:
                continue
            if j in broken:
                continue
            path = task_sql(build, manifest, t, dialect)
            if not path.exists():
                broken[j] = f"{path.relative_to(build)} missing"
                report(j, "build", f"{label}: {t}: no SQL for {dialect} ({path.relative_to(build)} missing)")
                continue
            log: list[str] = []
            tx.SQLGLOT_NOTES.task = f"{p.name}/{dialect}/{t}"
            try:
                if node["kind"] == "check":
                    run_check_task(con, path.read_text(), dialect, log)
                else:
                    run_journey_task(con, path.read_text(), dialect, log)
                out.statements += len(log)
            except tx.TaskError as e:
                tx.reset_transaction(con)
                broken[j] = str(e)
                sql = e.sql or "\n".join(log)
                report(j, "run", f"{label}: {t} fails on DuckDB: {e}\n  SQL (DuckDB, as transpiled by sqlglot):\n"
                       + "\n".join("    " + line for line in sql.splitlines()[-60:]))

    typed: set[str] = set()

    def check_types(j: str) -> None:
        """Each state and activation column's DuckDB type has the kind
        docs/journeys.md gives it (checked once per journey and dialect)."""
        typed.add(j)
        problems = []
        for rel, kinds in ((rels[j][0], None), (rels[j][1], ACTIVATION_KINDS)):
            described = con.execute(f"DESCRIBE {tx.duck_name(rel, dialect)}").fetchall()
            for i, (name, ty, *_rest) in enumerate(described):
                got = tx.type_kind(str(ty))
                if i == 0:
                    want = key_kinds.get(name.lower(), "?")
                elif kinds is not None:
                    want = kinds.get(name, "?")
                elif name == "instance_no" or name.startswith(("branch_", "variant_")):
                    want = "integer"
                else:
                    want = "timestamp"
                if want == "integer":
                    ok_kind = str(ty).upper() in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
                else:
                    ok_kind = got == want
                if not ok_kind:
                    problems.append(f"{rel}.{name} is {ty} on DuckDB, expected a {want}")
        if problems:
            report(j, "types", "column types:\n  " + "\n  ".join(problems))

    def snapshot(j: str) -> tuple[Table, Table] | None:
        st, ac = rels[j]
        try:
            return (Table.from_duckdb(con, tx.duck_name(st, dialect)), Table.from_duckdb(con, tx.duck_name(ac, dialect)))
        except duckdb.Error as e:
            broken[j] = str(e)
            report(j, "state", f"cannot read its tables {st}, {ac}: {e}")
            return None

    late_rows = load_late(p)
    try:
        for (rel, _n), path in late_rows.items():
            withhold(con, tables[rel], nodes[f"source.{rel}"]["columns"], path)
    except (Failure, duckdb.Error, KeyError) as e:
        out.fail(p.name, "run", f"[{p.name} / {dialect}] withholding the late rows: {e!r}")
        return False
    for i, (t, build) in enumerate(zip(times, builds), start=1):
        for (rel, n), path in late_rows.items():
            if n == i:
                insert_rows(con, tables[rel], nodes[f"source.{rel}"]["columns"], path)
        run_tasks(build, f"tick {i} ({norm_dt(t)})")
        out.ticks += 1
        if sim is None or i > p.compare_until:
            continue
        for j in journeys:
            if j in broken:
                continue
            snap = snapshot(j)
            if snap is None:
                continue
            if j not in typed:
                check_types(j)
            d = sim_dir(sim, j, i)
            try:
                sim_state, sim_acts = Table.from_csv(d / "state.csv"), Table.from_csv(d / "activations.csv")
            except (OSError, StopIteration) as e:
                report(j, "simulate", f"the simulator's output for tick {i}: {e}")
                broken[j] = "no simulator output"
                continue
            out.comparisons += 1
            out.rows += len(sim_state.rows)
            out.activations += len(sim_acts.rows)
            diff = diff_state(sim_state, snap[0])
            if diff:
                report(j, "state", f"after tick {i} ({norm_dt(t)}) the SQL's state differs from the simulator's:\n{diff}")
                broken[j] = "differs"
                continue
            diff = diff_multiset(sim_acts, snap[1])
            if diff:
                report(j, "activations", f"after tick {i} ({norm_dt(t)}) the activations differ:\n{diff}")
                broken[j] = "differs"
    # Idempotence: the last tick once more.
    before = {j: snapshot(j) for j in journeys if j not in broken}
    run_tasks(builds[-1], f"tick {len(builds)} again")
    for j, snap in before.items():
        if snap is None or j in broken:
            continue
        again = snapshot(j)
        if again is None:
            continue
        d = diff_state(snap[0], again[0], left="first run", right="second run") or diff_multiset(
            snap[1], again[1], left="first run", right="second run")
        if d:
            report(j, "idempotent", f"running the last tick again changed the tables:\n{d}")
    # The hand-written final state.
    if expected is not None:
        for j, want in expected.items():
            if j not in rels:
                report(j, "expected", "no such journey in the build")
                continue
            snap = snapshot(j) if j not in broken or broken[j] == "differs" else None
            if snap is None:
                continue
            d = diff_state(want, snap[0], left="expected", right="SQL")
            if d:
                report(j, "expected", f"the final state differs from expected/{j}.csv:\n{d}")
    for j in journeys:
        if j not in failed_journeys:
            out.journeys_by_dialect[dialect] += 1
    con.close()
    return ok


def withhold(con, table: str, cols: list[dict], path: Path) -> None:
    """Deletes from `table` the rows of the late file `path` (they are in
    data/<relation>.csv too, for the simulator)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE late_rows AS SELECT * FROM {table} LIMIT 0")
    insert_rows(con, "late_rows", cols, path)
    n = con.execute("SELECT COUNT(*) FROM late_rows").fetchone()[0]
    cond = " AND ".join(f'l."{c["name"]}" IS NOT DISTINCT FROM t."{c["name"]}"' for c in cols)
    con.execute(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM late_rows l WHERE {cond})")
    if con.execute(f"SELECT COUNT(*) FROM {table} t WHERE EXISTS (SELECT 1 FROM late_rows l WHERE {cond})").fetchone()[0]:
        raise Failure(f"{path}: rows still there after withholding")
    if n == 0:
        raise Failure(f"{path}: no rows")


def load_late(p: Project) -> dict[tuple[str, int], Path]:
    """data/late/<relation>.<n>.csv: rows of data/<relation>.csv that reach
    the warehouse only just before tick n. The simulator has no arrival
    time: it sees them from the start (so a golden case with late rows has
    expected_simulator/ and compares the two only up to "compare_until")."""
    out = {}
    if p.late and p.late.exists():
        for f in sorted(p.late.glob("*.csv")):
            m = re.fullmatch(r"(\w+)\.(\d+)\.csv", f.name)
            if not m:
                raise SystemExit(f"{f}: name it <relation>.<tick>.csv")
            out[(m.group(1), int(m.group(2)))] = f
    return out


def run_project(cjoc: Path, p: Project, dialects: list[str], work: Path, out: Outcome,
                expected: dict[str, Table] | None = None, sim_expected: dict[str, Table] | None = None) -> bool:
    proc = run_cjoc(cjoc, ["check", str(p.path)])
    if proc.returncode != 0:
        out.fail(p.name, "check", f"[{p.name}] cjoc check rejects the project:\n{proc.stdout}{proc.stderr}\n{repro(p, list(p.journeys))}")
        return False
    every = parse_every(p.every)
    times = tick(p, 0, every)
    ok = True
    sim = simulate(cjoc, p, work, out)
    if sim is not None:
        got = sim_ticks(sim)
        want = [(i, norm_dt(t)) for i, t in enumerate(times, start=1)]
        if got != want:
            out.fail(p.name, "simulate", f"[{p.name}] the simulator's ticks.csv {got} is not {want}")
            ok = False
        # The simulator's final state against the hand-written one.
        for j, want_t in (sim_expected or expected or {}).items():
            d = sim_dir(sim, j, len(times)) / "state.csv"
            if not d.exists():
                out.fail(p.name, "expected", f"[{p.name} / simulator / journey {j}] {d} missing")
                ok = False
                continue
            diff = diff_state(want_t, Table.from_csv(d), left="expected", right="simulator")
            if diff:
                out.fail(p.name, "expected", f"[{p.name} / simulator / journey {j}] the simulator's final state differs from the expected one:\n{diff}")
                ok = False
    else:
        ok = False
    builds = build_ticks(cjoc, p, times, every, dialects, work, out)
    if builds is None:
        return False
    for d in dialects:
        ok &= run_dialect(cjoc, p, sim, builds, times, d, out, expected)
    return ok


# --------------------------------------------------------------------------
# Golden cases


def ab_bucket(journey: str, stage: str, step: str, key: str) -> int:
    """docs/journeys.md's A/B bucket, independently of cjoc."""
    h = hashlib.md5(f"{journey}.{stage}.{step}:{key}".encode()).hexdigest()
    return int(h[:8], 16) % 10000


def check_ab_expected(case: Path, cfg: dict, expected: dict[str, Table], out: Outcome) -> None:
    """For a golden case with "ab": [{journey, stage, step, arms: [bp…],
    control: bool}] (the control is variant 0, variants count from 1),
    every expected row's variant is the one the md5 formula gives."""
    for ab in cfg.get("ab", []):
        t = expected[ab["journey"]]
        col = f"variant_stage_{ab['stage']}_step_{ab['step']}".lower()
        i = t.header.index(col)
        bounds, acc = [], 0
        for bp in ab["arms"]:
            acc += bp
            bounds.append(acc)
        bad = []
        for r in t.rows:
            b = ab_bucket(ab["journey"], ab["stage"], ab["step"], r[0])
            want = next(k for k, hi in enumerate(bounds) if b < hi) + (0 if ab.get("control", True) else 1)
            if r[i] != str(want):
                bad.append(f"{r[0]}: bucket {b} is variant {want}, expected says {r[i]}")
        if bad:
            out.fail(case.name, "expected", f"[{case.name}] expected/{ab['journey']}.csv disagrees with the md5 bucket formula:\n  "
                     + "\n  ".join(bad[:20]))


def run_golden(cjoc: Path, args, out: Outcome, tmp: Path) -> None:
    for case in sorted(d for d in GOLDEN.iterdir() if (d / "case.json").exists()):
        if args.k and args.k not in case.name:
            continue
        cfg = json.loads((case / "case.json").read_text())
        work = tmp / "golden" / case.name
        proj = work / "project"
        shutil.copytree(case, proj, ignore=shutil.ignore_patterns("expected*", "README.md", "*.py", "case.json"))
        journeys = {}
        for f in proj.glob("*.cjo"):
            for m in re.finditer(r"^journey\s+(\w+)\s*\{.*?^\}", f.read_text(), re.M | re.S):
                journeys[m.group(1)] = m.group(0)
        expected = {f.stem: Table.from_csv(f) for f in sorted((case / "expected").glob("*.csv"))}
        sim_expected = None
        if (case / "expected_simulator").exists():
            sim_expected = {f.stem: Table.from_csv(f) for f in sorted((case / "expected_simulator").glob("*.csv"))}
        check_ab_expected(case, cfg, expected, out)
        p = Project(f"golden/{case.name}", proj, dt.datetime.fromisoformat(cfg["from"]),
                    dt.datetime.fromisoformat(cfg["to"]), cfg.get("every", "1 day"), journeys,
                    late=proj / "data" / "late", compare_until=cfg.get("compare_until", 10**9))
        out.cases += 1
        before = len(out.failures)
        run_project(cjoc, p, list(DIALECTS), work, out, expected=expected, sim_expected=sim_expected)
        status = "ok" if len(out.failures) == before else "FAILED"
        print(f"golden {case.name}: {status}", flush=True)


# --------------------------------------------------------------------------
# Random cases


def random_project(job: tuple) -> Outcome:
    """One random project (run in a worker process)."""
    cjoc, seed, n, dialects, tmp, keep_all = job
    out = Outcome()
    proj = journeygen.generate(seed, n)
    work = Path(tmp) / "random" / f"seed{seed}"
    path = work / "project"
    proj.write(path)
    p = Project(f"random seed {seed}", path, proj.start, proj.end, proj.every, proj.journeys, seed=seed)
    out.cases += n
    t0 = time.monotonic()
    ok = run_project(cjoc, p, dialects, work, out)
    out.lines.append(f"random seed {seed}: {n} journeys, ticks every {proj.every}, {'/'.join(dialects)}, {'ok' if ok else 'FAILED'} "
                     f"({time.monotonic() - t0:.1f}s)")
    if not ok and not keep_all:
        keep = Path(tempfile.mkdtemp(prefix=f"cjo-journeys-seed{seed}-"))
        shutil.copytree(work, keep, dirs_exist_ok=True)
        out.kept.append(str(keep))
        # Point the repro lines at the kept copy.
        out.failures = [f.replace(str(path), str(keep / "project")) for f in out.failures]
    out.notes = {note: len(tasks) for note, tasks in tx.SQLGLOT_NOTES.notes.items()}
    tx.SQLGLOT_NOTES.notes.clear()
    if not keep_all:
        shutil.rmtree(work, ignore_errors=True)
    return out


def run_random(cjoc: Path, args, out: Outcome, tmp: Path) -> None:
    jobs, left, seed = [], args.cases, args.seed
    while left > 0:
        n = min(args.per_project, left)
        left -= n
        dialects = list(DIALECTS) if args.all_dialects else [DIALECTS[seed % 3]]
        jobs.append((cjoc, seed, n, dialects, str(tmp), args.keep))
        seed += 1
    if args.jobs <= 1:
        results = map(random_project, jobs)
    else:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=args.jobs)
        results = pool.map(random_project, jobs)
    for o in results:
        for line in o.lines:
            print(line, flush=True)
        out.merge(o)
    if args.jobs > 1:
        pool.shutdown()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=int(os.environ.get("CJO_JOURNEY_SEED", "20261121")))
    ap.add_argument("--cases", type=int, default=210, help="random journeys (default 210)")
    ap.add_argument("--per-project", type=int, default=10, help="journeys per random project (default 10)")
    ap.add_argument("--all-dialects", action="store_true", help="every random project in all three dialects")
    ap.add_argument("--keep", action="store_true", help="keep every work folder")
    ap.add_argument("--golden-only", action="store_true")
    ap.add_argument("--random-only", action="store_true")
    ap.add_argument("-k", help="only golden cases whose name contains this")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="random projects run in parallel (default: one per CPU)")
    args = ap.parse_args()
    started = time.monotonic()
    cjoc = tx.find_cjoc()
    if not cjoc.exists():
        print(f"cjoc not found at {cjoc} (build it with `cargo build -p cjoc`, or set CJOC)", file=sys.stderr)
        return 1
    out = Outcome()
    tmp = Path(tempfile.mkdtemp(prefix="cjo-journeys-"))
    try:
        if not args.random_only:
            run_golden(cjoc, args, out, tmp)
            import journey_changes  # noqa: PLC0415 (it imports this module)

            journey_changes.run(cjoc, args.k, out, tmp)
        if not args.golden_only:
            run_random(cjoc, args, out, tmp)
    finally:
        if args.keep:
            print(f"work folders kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    stale = sorted(set(KNOWN) - out.known_hit)
    for key in stale:
        out.failures.append(f"[{' / '.join(key)}] listed in KNOWN ({KNOWN[key]}) but no longer fails: remove it")
    for note, tasks in tx.SQLGLOT_NOTES.notes.items():
        out.notes[note] = out.notes.get(note, 0) + len(tasks)
    for note, count in sorted(out.notes.items()):
        print(f"sqlglot, writing DuckDB SQL, said {note!r} for {count} task(s)")
    for k in out.known:
        print(k)
    for why, count in sorted(out.known_random.items()):
        print(f"known failure of {count} random journey(s), not counted (see KNOWN_RANDOM): {why}")
    elapsed = time.monotonic() - started
    per = ", ".join(f"{d} {out.journeys_by_dialect[d]}" for d in DIALECTS)
    summary = (f"{out.cases} cases (golden and random journeys); {out.ticks} dialect-ticks, {out.statements} "
               f"statements on DuckDB {duckdb.__version__} (sqlglot {sqlglot.__version__}); "
               f"{out.comparisons} comparisons with the simulator ({out.rows} state rows, {out.activations} activations); journeys agreeing per dialect: {per}")
    if out.failures:
        print(f"\n{len(out.failures)} failure(s):", file=sys.stderr)
        for f in out.failures:
            print(f, file=sys.stderr)
            print(file=sys.stderr)
        if out.kept:
            print("failing projects kept in: " + ", ".join(out.kept), file=sys.stderr)
        print(f"{summary}: FAILED ({elapsed:.1f}s)", file=sys.stderr)
        return 1
    print(f"{summary}: all agree ({elapsed:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
