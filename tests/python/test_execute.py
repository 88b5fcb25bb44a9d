#!/usr/bin/env python3
"""The examples' SQL, executed: every model and check of every example, from
each dialect's emitted SQL, run on DuckDB over fixture data, and every
model's table compared with an expected result worked out independently
(tests/data/reference.py).

For each example in examples/ and each dialect (bigquery, redshift, trino):

1. `cjoc build <example> --run-date 2026-11-20 --target bigquery,redshift,trino`
   into a temporary folder (cjoc from env `CJOC`, default
   `target/debug/cjoc`, or `$CARGO_TARGET_DIR/debug/cjoc`).
2. An in-memory DuckDB (`SET TimeZone='UTC'`): the catalogs and schemas of
   every warehouse name (`ATTACH ':memory:'` for three-part names), each
   source table with the DuckDB types of its manifest columns (`not null`
   kept), loaded from tests/data/<example>/sources/<source>.csv (an empty
   field is NULL, `""` the empty string; structs and arrays as JSON).
3. Incremental models with a tests/data/<example>/state/<model>.csv start
   from those rows (what earlier runs left): the model's own CREATE SCHEMA
   and CREATE TABLE IF NOT EXISTS statements make the table, then the rows
   are loaded. So MERGE updates, rows outside the run's window and the
   reports over weeks of history are exercised, not just a first run.
4. Every task of the manifest's `order`: each statement of its file split
   with `sqlglot.parse(text, read=<dialect>)` and executed as
   `.sql(dialect="duckdb")` — nothing else is done to the SQL text.
   A check must count 0 failing rows: `SELECT COUNT(*) AS failures` on
   Redshift and Trino; on BigQuery `ASSERT (<query>) = 0 AS '…'`, which
   sqlglot reads as a call `ASSERT(<query>) = 0` aliased by the message: the
   harness puts the asserted expression back together from that tree,
   evaluates it, and the check fails unless it is TRUE (ASSERT's meaning).
   A statement sqlglot only keeps as an opaque command fails the task.
   Journeys have no SQL yet and are listed as such.
5. Every model's table (views too) compared with
   tests/data/<example>/expected/<model>.csv (columns by name and order,
   rows as a multiset; numbers to 6 significant digits, timestamps as ISO
   UTC, booleans as true/false, NULL as the empty field), and each column's
   DuckDB type compared by kind (number, string, bool, date, timestamp)
   with the manifest's type.
6. Every incremental model's task run a second time: its table must not
   change (idempotence).

KNOWN lists the failures that are compiler or sqlglot bugs not fixed yet,
each with the reason and the exact failure text; a known failure that fails
differently or no longer fails is reported.

Run it with the cached venv (see tests/python/requirements.txt):

    ~/.cache/cjo/venv/bin/pip install -r tests/python/requirements.txt
    CJOC=target/debug/cjoc ~/.cache/cjo/venv/bin/python tests/python/test_execute.py

Exit code 0 when every table equals its expected result (known failures
aside), 1 otherwise.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "examples"
DATA = ROOT / "tests" / "data"
EXAMPLES = ("onboarding", "custom_reports", "video_watch", "crm_push", "promotions")
DIALECTS = ("bigquery", "redshift", "trino")
RUN_DATE = "2026-11-20"

# Failures that are bugs not fixed yet: (example, dialect, task, phase) ->
# (why, the failure's exact text). phase is "run" (the task's SQL fails on
# DuckDB or a check counts failing rows), "type" (a column's DuckDB type is
# of another kind than the manifest's), "expected" (the table differs from
# the expected result) or "idempotent" (a second run changes the table). A
# known failure must fail with exactly that text, so that it hides nothing
# else; one that fails differently, or no longer fails, is reported. A task
# that fails to run marks its model broken; tasks that read it are then
# reported as blocked.
KNOWN: dict[tuple[str, str, str, str], tuple[str, str]] = {}

# Fixed, and now proven here: a nullable unique_key column
# (onboarding_funnel_daily.acquisition_channel) is matched null-safely, so
# a re-run replaces the NULL-key row instead of inserting it again; and
# `1.0 * a / b` is a float on every warehouse (it was typed decimal(2, 1),
# and Redshift's LEAST skipped NULLs), so lecture_daily_stats.avg_progress
# keeps its digits and is NULL for a lecture of duration 0.

# Bug (sqlglot, not cjoc): BigQuery's DATE_TRUNC(d, ISOWEEK) and Trino's
# date_trunc('week', d) on a DATE give a DATE; sqlglot writes DuckDB's
# DATE_TRUNC('WEEK', d), which gives a TIMESTAMP. The values are still
# compared (as dates) and are right. cjoc's Redshift SQL casts to DATE itself.
for _d in ("bigquery", "trino"):
    KNOWN[("video_watch", _d, "model.subject_weekly_watch", "type")] = (
        "sqlglot: DuckDB DATE_TRUNC('WEEK', <date>) returns a TIMESTAMP, the warehouse a DATE",
        "column week_start is TIMESTAMP (timestamp) on DuckDB but the manifest types it date",
    )


# --------------------------------------------------------------------------
# cjo types -> DuckDB types


def split_top(text: str, sep: str = ",") -> list[str]:
    """Splits on `sep` outside <> and ()."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def duck_type(cjo: str) -> str:
    t = cjo.strip()
    simple = {
        "int": "BIGINT",
        "float": "DOUBLE",
        "string": "VARCHAR",
        "bool": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMPTZ",
        "json": "JSON",
        "bytes": "BLOB",
    }
    if t in simple:
        return simple[t]
    m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", t)
    if m:
        return f"DECIMAL({m.group(1)}, {m.group(2)})"
    if t.startswith("array<") and t.endswith(">"):
        return duck_type(t[6:-1]) + "[]"
    if t.startswith("struct<") and t.endswith(">"):
        fields = []
        for f in split_top(t[7:-1]):
            name, _, ty = f.partition(":")
            fields.append(f'"{name.strip()}" {duck_type(ty)}')
        return "STRUCT(" + ", ".join(fields) + ")"
    raise ValueError(f"unknown cjo type {cjo!r}")


def type_kind(duck: str) -> str:
    """The kind of a DuckDB type, to compare with the manifest's type."""
    d = duck.upper()
    if d.startswith(("STRUCT", "MAP")) or d.endswith("]"):
        return "nested"
    if d.startswith(("TIMESTAMP", "DATETIME")):
        return "timestamp"
    if d == "DATE":
        return "date"
    if d == "BOOLEAN":
        return "bool"
    if d in ("VARCHAR", "JSON") or d.startswith("VARCHAR"):
        return "string"
    if d.startswith(("DECIMAL", "NUMERIC")) or d in (
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
        "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL",
    ):
        return "number"
    return d.lower()


def cjo_kind(cjo: str) -> str:
    if cjo in ("int", "float") or cjo.startswith("decimal"):
        return "number"
    if cjo in ("string", "json"):
        return "string"
    if cjo.startswith(("array", "struct")):
        return "nested"
    return cjo


# --------------------------------------------------------------------------
# Normalised values


def fmt_number(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    f = float(v)
    if f == int(f) and abs(f) < 1e15:
        return str(int(f))
    s = format(f, ".6g")
    return "0" if s == "-0" else s


def fmt_timestamp(v: dt.datetime) -> str:
    if v.tzinfo is not None:
        v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    s = v.strftime("%Y-%m-%dT%H:%M:%S")
    if v.microsecond:
        s += f".{v.microsecond:06d}".rstrip("0")
    return s + "Z"


def norm_actual(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, decimal.Decimal)):
        return fmt_number(v)
    if isinstance(v, dt.datetime):
        return fmt_timestamp(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, dict)):
        return json.dumps(v, sort_keys=True, default=str)
    return str(v)


def norm_expected(s: str, kind: str) -> str:
    """An expected CSV field, normalised like a DuckDB value of `kind`."""
    if s == "":
        return ""
    try:
        if kind == "number":
            return fmt_number(decimal.Decimal(s))
        if kind == "bool":
            return {"true": "true", "false": "false", "t": "true", "f": "false"}[s.lower()]
        if kind == "timestamp":
            return fmt_timestamp(dt.datetime.fromisoformat(s.replace("Z", "+00:00")))
        if kind == "date":
            return dt.date.fromisoformat(s).isoformat()
    except (ValueError, KeyError, decimal.InvalidOperation):
        return s
    return s


# --------------------------------------------------------------------------
# Names


def parse_table(name: str, dialect: str) -> exp.Table:
    return exp.to_table(name, dialect=dialect)


def duck_name(name: str, dialect: str) -> str:
    return parse_table(name, dialect).sql(dialect="duckdb")


def written_source_names(example: Path) -> dict[str, str]:
    """Each source's table as written in the .cjo files (`source x = "a.b"`)."""
    names = {}
    for f in sorted(example.rglob("*.cjo")):
        for m in re.finditer(r'^\s*source\s+(\w+)\s*=\s*"([^"]+)"', f.read_text(), re.M):
            names[m.group(1)] = m.group(2)
    return names


MANIFEST_GAPS: set[tuple[str, str]] = set()
UNTYPED: set[str] = set()


def source_relation(node: dict, dialect: str, written: dict[str, str]) -> str:
    rel = node["relation"].get(dialect)
    if rel is not None:
        return rel
    # KNOWN GAP (manifest): a source's `relation` lists only the dialects
    # with a [targets.X] section in cjo.toml, though `--target X` still
    # compiles models for X that read the source under the name written in
    # the .cjo file (compiler/codegen/src/lower.rs `unconfigured`: no
    # container, completed with the default target's schema). Until the
    # manifest carries it, take that name from the .cjo file (every source
    # of the examples is written as schema.table, so nothing is completed).
    w = written[node["name"]]
    MANIFEST_GAPS.add((node["name"], dialect))
    if len(w.split(".")) < 2:
        raise SystemExit(f"source {node['name']} = {w!r}: cannot tell its {dialect} name")
    return w


# --------------------------------------------------------------------------
# Running SQL


class SqlglotNotes(logging.Handler):
    """What sqlglot says while transpiling (e.g. a property DuckDB has no
    equivalent for, which it leaves out), with the task it said it for."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.task = ""
        self.notes: dict[str, list[str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        tasks = self.notes.setdefault(record.getMessage(), [])
        if self.task not in tasks:
            tasks.append(self.task)


SQLGLOT_NOTES = SqlglotNotes()
logging.getLogger("sqlglot").addHandler(SQLGLOT_NOTES)
logging.getLogger("sqlglot").propagate = False


class TaskError(Exception):
    def __init__(self, message: str, sql: str = ""):
        super().__init__(message)
        self.sql = sql


def transpile(stmt: exp.Expression) -> str:
    return stmt.sql(dialect="duckdb")


def assert_expression(stmt: exp.Expression) -> tuple[exp.Expression, str]:
    """BigQuery's `ASSERT <expr> AS '<message>'`, as sqlglot reads it:
    Alias(<expr with ASSERT(<first operand>) as its leftmost operand>,
    alias=<message>). Returns the asserted expression and the message."""
    if not isinstance(stmt, exp.Alias):
        raise TaskError(f"not an ASSERT statement as sqlglot reads it: {stmt.sql(dialect='bigquery')}")
    message = stmt.alias
    body = stmt.this.copy()
    calls = [a for a in body.find_all(exp.Anonymous) if a.name.upper() == "ASSERT"]
    if len(calls) != 1 or len(calls[0].expressions) != 1:
        raise TaskError(f"unexpected ASSERT shape: {stmt.sql(dialect='bigquery')}")
    call = calls[0]
    # ASSERT must be the leftmost operand: walking down `this` from the top.
    node = body
    while node is not call:
        if not isinstance(node, (exp.Binary, exp.Paren, exp.Not)) or node.this is None:
            raise TaskError(f"unexpected ASSERT shape: {stmt.sql(dialect='bigquery')}")
        node = node.this
    operand = call.expressions[0]
    if isinstance(operand, exp.Query):
        operand = exp.Subquery(this=operand)
    if call is body:
        return operand, message
    call.replace(operand)
    return body, message


def duckdb_statements(stmt: exp.Expression) -> list[str]:
    """One statement written for DuckDB; an ALTER TABLE with several
    actions (BigQuery's migration adds every column in one statement) as
    one statement per action, the only form DuckDB runs."""
    actions = stmt.args.get("actions") or [] if isinstance(stmt, exp.Alter) else []
    if len(actions) > 1:
        out = []
        for action in actions:
            one = stmt.copy()
            one.set("actions", [action.copy()])
            out.append(one.sql(dialect="duckdb"))
        return out
    # copy=False: the tree is not used again, so sqlglot need not copy it first.
    return [stmt.sql(dialect="duckdb", copy=False)]


ADD_COLUMN_USED = re.compile(r"\bcjo_add_column\(")
ADD_COLUMN_PROC = re.compile(r"^\s*CREATE OR REPLACE PROCEDURE \S*\bcjo_add_column\(", re.I)
ADD_COLUMN_CALL = re.compile(
    r"^\s*CALL \S*\bcjo_add_column\('((?:[^']|'')*)', '((?:[^']|'')*)', '((?:[^']|'')*)', '((?:[^']|'')*)'\)\s*$", re.I)


def redshift_migration(piece: str):
    """The Redshift statements of a journey's migration that DuckDB cannot
    run, as a function that does on DuckDB what they do on Redshift; None
    for any other statement. DuckDB has no stored procedures: creating
    `cjo_add_column` does nothing here, and each CALL does what its body
    does (look the column up in information_schema.columns, add it when
    absent, with the Redshift type written for DuckDB). The body's own text
    is not executed here."""
    # The statement itself, after the comment lines before it.
    piece = "\n".join(line for line in piece.splitlines() if not line.strip().startswith("--"))
    if ADD_COLUMN_PROC.match(piece):
        return lambda con, log: log.append("-- CREATE PROCEDURE cjo_add_column (emulated)")
    m = ADD_COLUMN_CALL.match(piece)
    if m is None:
        return None
    schema, table, column, ty = (g.replace("''", "'") for g in m.groups())

    def call(con, log: list[str]) -> None:
        found = con.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
                            " AND column_name = ?", [schema, table, column]).fetchall()
        if found:
            return
        duck_type = exp.DataType.build(ty, dialect="redshift").sql(dialect="duckdb")
        sql = (f"ALTER TABLE {exp.to_identifier(schema).sql('duckdb')}.{exp.to_identifier(table).sql('duckdb')}"
               f" ADD COLUMN {exp.to_identifier(column).sql('duckdb')} {duck_type}")
        log.append(sql)
        try:
            con.execute(sql)
        except duckdb.Error as e:
            raise TaskError(f"DuckDB: {e}", sql)
    return call


STATEMENT_END = re.compile(r";[ \t]*\n")


def run_task(con, text: str, dialect: str, kind: str, log: list[str]) -> None:
    """Executes one task file; for a check, requires 0 failing rows."""
    if dialect == "redshift" and ADD_COLUMN_USED.search(text):
        # A journey's migration: the procedure sqlglot cannot read is
        # emulated (see redshift_migration), the rest runs in order.
        for piece in STATEMENT_END.split(text + "\n"):
            call = redshift_migration(piece)
            if call is not None:
                call(con, log)
            elif piece.strip():
                run_statements(con, piece, dialect, kind, log)
        return
    run_statements(con, text, dialect, kind, log)


def run_statements(con, text: str, dialect: str, kind: str, log: list[str]) -> None:
    """run_task for statements sqlglot reads."""
    try:
        statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    except sqlglot.errors.SqlglotError as e:
        raise TaskError(f"sqlglot cannot parse the {dialect} SQL: {e}", text)
    if kind == "check" and dialect == "bigquery":
        if len(statements) != 1:
            raise TaskError("a BigQuery check is one ASSERT statement", text)
        cond, message = assert_expression(statements[0])
        sql = transpile(exp.select(exp.alias_(cond, "ok")))
        log.append(sql)
        try:
            ok = con.execute(sql).fetchone()[0]
        except duckdb.Error as e:
            raise TaskError(f"DuckDB: {e}", sql)
        if ok is not True:
            detail = ""
            sub = cond.find(exp.Subquery)
            if sub is not None:
                detail = f" (the query counts {con.execute(transpile(sub.this)).fetchone()[0]})"
            raise TaskError(f"ASSERT failed: {message}{detail}", sql)
        return
    result = None
    for stmt in statements:
        if isinstance(stmt, exp.Command):
            raw = stmt.sql(dialect=dialect)
            raise TaskError(f"sqlglot reads this {dialect} statement only as an opaque command: {raw}", raw)
        for sql in duckdb_statements(stmt):
            log.append(sql)
            try:
                cur = con.execute(sql)
            except duckdb.Error as e:
                raise TaskError(f"DuckDB: {e}", sql)
            if isinstance(stmt, exp.Query):
                result = cur.fetchall()
    if kind == "check":
        if result is None or len(result) != 1 or len(result[0]) != 1:
            raise TaskError(f"a check must return one count, got {result!r}", "\n".join(log))
        if result[0][0] != 0:
            raise TaskError(f"check counts {result[0][0]} failing rows", log[-1])


def reset_transaction(con) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


# --------------------------------------------------------------------------
# One example, one dialect


def insert_csv(con, table: str, exprs: list[str], path: Path, header: list[str]) -> None:
    """Inserts a CSV file (header row; an empty field is NULL, `""` the
    empty string) into `table`, each column through its cast expression."""
    columns = ", ".join(f"{h!r}: 'VARCHAR'" for h in header)
    con.execute(
        f"INSERT INTO {table} SELECT {', '.join(exprs)} FROM read_csv(?, header = true, all_varchar = true,"
        f" quote = '\"', escape = '\"', allow_quoted_nulls = false, auto_detect = false, columns = {{{columns}}})",
        [str(path)],
    )


def load_sources(con, example: str, manifest: dict, dialect: str, written: dict[str, str], needed: set[str]) -> None:
    # Catalogs (BigQuery projects, Trino catalogs) exist in a warehouse before
    # anything runs: attach one per name. Schemas are made here for the
    # sources only; a model's schema must be made by its own SQL.
    schemas: set[tuple[str | None, str]] = set()
    catalogs: set[str] = set()
    for node in manifest["nodes"].values():
        if node["kind"] == "source" and node["id"] in needed:
            t = parse_table(source_relation(node, dialect, written), dialect)
            if t.db:
                schemas.add((t.catalog or None, t.db))
        elif node["kind"] == "model" and dialect in node.get("relation", {}):
            t = parse_table(node["relation"][dialect], dialect)
        else:
            continue
        if t.catalog:
            catalogs.add(t.catalog)
    for c in sorted(catalogs):
        con.execute(f"ATTACH ':memory:' AS {exp.to_identifier(c).sql(dialect='duckdb')}")
    for c, s in sorted(schemas, key=str):
        name = ".".join(exp.to_identifier(p).sql(dialect="duckdb") for p in (c, s) if p)
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {name}")
    for node in sorted(manifest["nodes"].values(), key=lambda n: n["id"]):
        if node["kind"] != "source" or node["id"] not in needed:
            continue
        table = duck_name(source_relation(node, dialect, written), dialect)
        cols = node["columns"]
        ddl = ", ".join(
            f'"{c["name"]}" {duck_type(c["type"])}' + ("" if c["nullable"] else " NOT NULL") for c in cols
        )
        con.execute(f"CREATE TABLE {table} ({ddl})")
        path = DATA / example / "sources" / f"{node['name']}.csv"
        if not path.exists():
            raise SystemExit(f"{path.relative_to(ROOT)}: missing (source {node['name']} is read by a model)")
        with path.open(newline="") as f:
            header = next(csv.reader(f))
        if header != [c["name"] for c in cols]:
            raise SystemExit(
                f"{path.relative_to(ROOT)}: header {header} is not the source's columns {[c['name'] for c in cols]}"
            )
        exprs = []
        for c in cols:
            ty = duck_type(c["type"])
            col = f'"{c["name"]}"'
            if ty.startswith("STRUCT") or ty.endswith("]"):
                exprs.append(f"CAST(CAST({col} AS JSON) AS {ty})")
            else:
                exprs.append(f"CAST({col} AS {ty})")
        insert_csv(con, table, exprs, path, header)


def load_state(con, example: str, build: Path, manifest: dict, dialect: str) -> int:
    """Incremental models' tables as a previous run left them:
    tests/data/<example>/state/<model>.csv. The table is made by its own
    task's CREATE SCHEMA and CREATE TABLE IF NOT EXISTS statements (run
    here first, transpiled like every other statement), then the rows are
    cast to its column types; the whole task runs later in its turn."""
    loaded = 0
    for node in manifest["nodes"].values():
        path = DATA / example / "state" / f"{node['name']}.csv"
        if node["kind"] != "model" or not path.exists() or dialect not in node.get("sql", {}):
            continue
        if (node.get("materialized") or {}).get("kind") != "incremental":
            raise SystemExit(f"{path.relative_to(ROOT)}: state is for incremental models only")
        text = (build / node["sql"][dialect]).read_text()
        SQLGLOT_NOTES.task = f"{example}/{dialect}/{node['id']}"
        for stmt in sqlglot.parse(text, read=dialect):
            if isinstance(stmt, exp.Create) and (
                stmt.kind == "SCHEMA" or (stmt.kind == "TABLE" and stmt.expression is None)
            ):
                con.execute(transpile(stmt))
        table = duck_name(node["relation"][dialect], dialect)
        with path.open(newline="") as f:
            header = next(csv.reader(f))
        described = con.execute(f"DESCRIBE {table}").fetchall()
        if header != [d[0] for d in described]:
            raise SystemExit(f"{path.relative_to(ROOT)}: header {header} is not the table's columns {[d[0] for d in described]}")
        exprs = [f'CAST("{name}" AS {ty})' for name, ty, *_ in described]
        insert_csv(con, table, exprs, path, header)
        loaded += 1
    return loaded


def table_rows(con, table: str) -> tuple[list[str], list[str], list[tuple]]:
    """A table's column names, DuckDB types and rows. TIMESTAMPTZ values are
    read as their UTC wall time (the session is in UTC), which needs no
    time-zone module in Python."""
    described = con.execute(f"DESCRIBE {table}").fetchall()
    names = [d[0] for d in described]
    types = [str(d[1]) for d in described]
    select = ", ".join(
        f'CAST("{n}" AS TIMESTAMP)' if t.upper() in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ") else f'"{n}"'
        for n, t in zip(names, types)
    )
    return names, types, con.execute(f"SELECT {select} FROM {table}").fetchall()


def snapshot(con, table: str) -> list[tuple[str, ...]]:
    _, _, rows = table_rows(con, table)
    return sorted(tuple(norm_actual(v) for v in r) for r in rows)


def compare_expected(con, example: str, node: dict, dialect: str) -> tuple[str | None, str | None]:
    """Compares a model's table with its expected CSV. Returns (type
    problems, value differences), each None when there is none.

    Column kinds are compared with the manifest's types. When a column the
    manifest types `date` comes out as a timestamp (a transpiling bug,
    reported as a type problem), its midnight values are compared as dates
    so that the values are still checked."""
    table = duck_name(node["relation"][dialect], dialect)
    names, types, rows = table_rows(con, table)
    path = DATA / example / "expected" / f"{node['name']}.csv"
    if not path.exists():
        return None, f"{path.relative_to(ROOT)} is missing"
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        expected_raw = list(reader)
    if names != header:
        return None, f"columns {names}, expected {header}"
    kinds = [type_kind(t) for t in types]
    by_name = {c["name"]: c["type"] for c in node["columns"]}
    type_problems = []
    as_date = set()
    for i, (n, k, t) in enumerate(zip(names, kinds, types)):
        declared = by_name.get(n)
        if declared is None or declared == "unknown":
            UNTYPED.add(f"{node['id']}.{n}: {declared}")  # nothing to compare with; listed in the summary
            continue
        want = cjo_kind(declared)
        if want != k:
            type_problems.append(f"column {n} is {t} ({k}) on DuckDB but the manifest types it {declared}")
            if want == "date" and k == "timestamp":
                as_date.add(i)
                kinds[i] = "date"

    def actual_value(i, v):
        if i in as_date and isinstance(v, dt.datetime):
            u = v.astimezone(dt.timezone.utc) if v.tzinfo else v
            if u.time() == dt.time(0):
                return u.date().isoformat()
        return norm_actual(v)

    actual = sorted(tuple(actual_value(i, v) for i, v in enumerate(r)) for r in rows)
    expected = sorted(tuple(norm_expected(v, k) for v, k in zip(r, kinds)) for r in expected_raw)
    diff = None
    if actual != expected:
        missing = list((Counter(expected) - Counter(actual)).elements())
        extra = list((Counter(actual) - Counter(expected)).elements())
        lines = [f"{len(actual)} rows, expected {len(expected)}; columns: {', '.join(names)}"]
        lines += ["  expected, not in the table: " + ", ".join(r) for r in missing[:20]]
        lines += ["  in the table, not expected: " + ", ".join(r) for r in extra[:20]]
        diff = "\n".join(lines)
    return ("\n".join(type_problems) or None), diff


class Outcome:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.known_hit: set[tuple[str, str, str, str]] = set()
        self.models = 0
        self.checks = 0
        self.compared = 0
        self.tables = 0
        self.idempotent = 0
        self.reruns = 0
        self.blocked: list[str] = []
        self.journeys: set[str] = set()
        self.per_dialect: dict[str, dict[str, int]] = {}


def fail(out: Outcome, key: tuple[str, str, str, str], message: str, sql: str = "") -> bool:
    """Records a failure; True when it is a known one."""
    example, dialect, task, phase = key
    if key in KNOWN:
        out.known_hit.add(key)
        if message == KNOWN[key][1]:
            return True
        message = f"known failure ({KNOWN[key][0]}) now fails differently:\n{message}\n  instead of:\n{KNOWN[key][1]}"
    text = f"[{example} / {dialect} / {task} / {phase}] {message}"
    if sql:
        text += "\n  SQL (DuckDB, as transpiled by sqlglot):\n" + "\n".join("    " + l for l in sql.splitlines())
    out.failures.append(text)
    return False


def run_dialect(example: str, build: Path, manifest: dict, dialect: str, out: Outcome) -> None:
    written = written_source_names(EXAMPLES_DIR / example)
    nodes = manifest["nodes"]
    tasks = [t for t in manifest["order"] if dialect in nodes[t].get("sql", {})]
    needed = {d for t in tasks for d in nodes[t].get("depends_on", []) if d.startswith("source.")}
    counts = out.per_dialect.setdefault(dialect, {"models": 0, "checks": 0})
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    load_sources(con, example, manifest, dialect, written, needed)
    load_state(con, example, build, manifest, dialect)
    broken: set[str] = set()
    for t in manifest["order"]:
        node = nodes[t]
        if node["kind"] == "journey" and not node.get("sql"):
            out.journeys.add(f"{example}.{node['name']}")
            continue
        if dialect not in node.get("sql", {}):
            continue
        upstream = [d for d in node.get("depends_on", []) if d in broken]
        if upstream:
            out.blocked.append(f"{example} / {dialect} / {t} (depends on {', '.join(upstream)}, which failed)")
            broken.add(t)
            continue
        text = (build / node["sql"][dialect]).read_text()
        log: list[str] = []
        SQLGLOT_NOTES.task = f"{example}/{dialect}/{t}"
        try:
            run_task(con, text, dialect, node["kind"], log)
        except TaskError as e:
            reset_transaction(con)
            fail(out, (example, dialect, t, "run"), str(e), e.sql or "\n".join(log))
            broken.add(t)
            continue
        if node["kind"] == "model":
            out.models += 1
            counts["models"] += 1
        else:
            out.checks += 1
            counts["checks"] += 1
    # The tables against the expected results.
    for t in manifest["order"]:
        node = nodes[t]
        if node["kind"] != "model" or dialect not in node.get("sql", {}) or t in broken:
            continue
        out.tables += 1
        type_problems, diff = compare_expected(con, example, node, dialect)
        if type_problems:
            fail(out, (example, dialect, t, "type"), type_problems)
        if diff is None:
            out.compared += 1
        else:
            fail(out, (example, dialect, t, "expected"), diff)
    # A second run of each incremental model leaves its table as it was.
    for t in manifest["order"]:
        node = nodes[t]
        mat = node.get("materialized") or {}
        if node["kind"] != "model" or mat.get("kind") != "incremental" or dialect not in node["sql"] or t in broken:
            continue
        out.reruns += 1
        table = duck_name(node["relation"][dialect], dialect)
        before = snapshot(con, table)
        log = []
        SQLGLOT_NOTES.task = f"{example}/{dialect}/{t}"
        try:
            run_task(con, (build / node["sql"][dialect]).read_text(), dialect, "model", log)
        except TaskError as e:
            reset_transaction(con)
            fail(out, (example, dialect, t, "idempotent"), f"second run: {e}", e.sql or "\n".join(log))
            continue
        after = snapshot(con, table)
        if before == after:
            out.idempotent += 1
        else:
            gone = list((Counter(before) - Counter(after)).elements())
            new = list((Counter(after) - Counter(before)).elements())
            fail(
                out,
                (example, dialect, t, "idempotent"),
                f"a second run changed the table: {len(before)} rows before, {len(after)} after"
                + "".join(f"\n  before only: {', '.join(r)}" for r in gone[:10])
                + "".join(f"\n  after only: {', '.join(r)}" for r in new[:10]),
            )
    con.close()


def find_cjoc() -> Path:
    env = os.environ.get("CJOC")
    if env:
        p = Path(env)
        return p if p.is_absolute() else (Path.cwd() / p if (Path.cwd() / p).exists() else ROOT / p)
    target = os.environ.get("CARGO_TARGET_DIR")
    base = Path(target) if target else ROOT / "target"
    if not base.is_absolute():
        base = ROOT / base
    return base / "debug" / "cjoc"


def main() -> int:
    started = time.monotonic()
    cjoc = find_cjoc()
    if not cjoc.exists():
        print(f"cjoc not found at {cjoc} (build it with `cargo build -p cjoc`, or set CJOC)", file=sys.stderr)
        return 1
    out = Outcome()
    with tempfile.TemporaryDirectory(prefix="cjo-execute-") as tmp:
        for example in EXAMPLES:
            build = Path(tmp) / example
            proc = subprocess.run(
                [str(cjoc), "build", str(EXAMPLES_DIR / example), "--out", str(build), "--run-date", RUN_DATE,
                 "--target", ",".join(DIALECTS), "--color", "never"],
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                out.failures.append(f"[{example}] cjoc build failed:\n{proc.stdout}{proc.stderr}")
                continue
            manifest = json.loads((build / "manifest.json").read_text())
            for dialect in DIALECTS:
                run_dialect(example, build, manifest, dialect, out)
    stale = sorted(set(KNOWN) - out.known_hit)
    for key in stale:
        out.failures.append(f"[{' / '.join(key)}] listed in KNOWN ({KNOWN[key][0]}) but no longer fails: remove it")
    elapsed = time.monotonic() - started
    if MANIFEST_GAPS:
        by_dialect: dict[str, list[str]] = {}
        for name, dialect in sorted(MANIFEST_GAPS):
            by_dialect.setdefault(dialect, []).append(name)
        print(
            "manifest.json gives no `relation` for a source in a dialect without a [targets.*] section; "
            "these names were taken from the .cjo files instead: "
            + "; ".join(f"{d}: {', '.join(ns)}" for d, ns in sorted(by_dialect.items()))
        )
    if UNTYPED:
        print(f"manifest.json gives no type for (column types not compared): {', '.join(sorted(UNTYPED))}")
    for note, tasks in sorted(SQLGLOT_NOTES.notes.items()):
        print(f"sqlglot, writing DuckDB SQL, said {note!r} for {len(tasks)} task(s): {', '.join(tasks)}")
    if out.journeys:
        print(f"journeys without SQL yet (not executed): {', '.join(sorted(out.journeys))}")
    if out.blocked:
        print(f"not run, because a task they depend on failed ({len(out.blocked)}):")
        for b in out.blocked:
            print(f"  {b}")
    if out.known_hit:
        print(f"known failures ({len(out.known_hit)}), each a bug still to fix (see KNOWN in {Path(__file__).name}):")
        for key in sorted(out.known_hit):
            print(f"  {' / '.join(key)}: {KNOWN[key][0]}")
    per = ", ".join(f"{d} {c['models']} + {c['checks']}" for d, c in out.per_dialect.items())
    ran = (
        f"executed {out.models} models and {out.checks} checks over {len(DIALECTS)} dialects "
        f"(models + checks: {per}) on DuckDB {duckdb.__version__} (sqlglot {sqlglot.__version__})"
    )
    if out.failures:
        print(f"{len(out.failures)} failure(s):", file=sys.stderr)
        for f in out.failures:
            print(f, file=sys.stderr)
            print(file=sys.stderr)
        print(f"{ran}: FAILED ({elapsed:.1f}s)", file=sys.stderr)
        return 1
    known_tables = sum(1 for k in out.known_hit if k[3] == "expected")
    known_reruns = sum(1 for k in out.known_hit if k[3] == "idempotent")
    known_types = sum(1 for k in out.known_hit if k[3] == "type")
    tables = (
        f"all {out.tables} tables equal the expected results" if out.compared == out.tables
        else f"{out.compared} of {out.tables} tables equal the expected results ({known_tables} differ by known bugs)"
    )
    reruns = (
        f"all {out.reruns} incremental re-runs left their table unchanged" if out.idempotent == out.reruns
        else f"{out.idempotent} of {out.reruns} incremental re-runs left their table unchanged ({known_reruns} known bugs)"
    )
    types = f", {known_types} columns of a known wrong type" if known_types else ""
    print(f"{ran}: {tables}, {reruns}{types} ({elapsed:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
