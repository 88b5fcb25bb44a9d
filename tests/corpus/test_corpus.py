#!/usr/bin/env python3
"""The differential corpus: queries nobody on this team wrote, checked by
cjoc, compiled for BigQuery, Redshift and Trino, and each warehouse's SQL
run on DuckDB against the original query's rows.

For every query of the corpus (corpus.py says where each text comes from):

1. `cjoc check` over a project holding the suite's tables as sources and
   one model per query. The query is accepted (no error), or its rejection
   is listed in known.py with its reason and codes: `DELIBERATE` (SQL that
   is genuinely not portable, or ambiguous) or `NOT_YET` (valid SQL still
   rejected: the work of the issue "Accept the SQL analysts write"). An
   unlisted rejection, or a listed one that no longer happens, fails.
2. `cjoc build --target bigquery,redshift,trino` of the accepted models.
3. For each accepted query and each warehouse: its SQL file parsed by
   sqlglot in that warehouse's dialect, the query taken out of the model's
   DDL, qualified and typed by sqlglot's optimizer against the suite's
   tables and transpiled to DuckDB (so sqlglot carries each warehouse's
   semantics over: NULL ordering, integer division, …) with sqlglot saying
   nothing is unsupported, and run on DuckDB over the generated data. Its rows must
   equal the original query's rows run on DuckDB (numbers to 6 significant
   digits): as multisets, and when the query orders its output, in the
   order of its keys (rows that tie on every key may come in any order,
   and a `limit` may keep any of the rows tying at its cut).
4. Types: every output column of the model, as the manifest gives it, must
   be typed (never `unknown`), of the kind DuckDB's DESCRIBE of the
   original query gives (number, string, date, timestamp, bool), named as
   the original names it, and a column typed `not null` must hold no NULL.

Exceptions are listed in known.py, each with its reason and the exact
failure text: a listed failure that fails differently, or passes, is
reported. The coverage table is printed; `--docs` checks that docs/sql.md
holds it (the README's test command runs with `--docs`), and
`--update-docs` writes it there.

    tests/corpus/env.sh                     # prints the venv's python
    CJOC=target/debug/cjoc $(tests/corpus/env.sh) tests/corpus/test_corpus.py [--docs] [--only ID_PREFIX]
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import logging
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
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import known  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DIALECTS = ("bigquery", "redshift", "trino")
DOCS = ROOT / "docs" / "sql.md"
TABLE_START = "<!-- corpus table: written by tests/corpus/test_corpus.py --update-docs -->"
TABLE_END = "<!-- end of corpus table -->"


# --------------------------------------------------------------------------
# sqlglot's warnings, per statement


class Notes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


NOTES = Notes()
logging.getLogger("sqlglot").addHandler(NOTES)
logging.getLogger("sqlglot").propagate = False


# --------------------------------------------------------------------------
# Values


def norm(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, decimal.Decimal)):
        f = float(v)
        if f != f or f in (float("inf"), float("-inf")):
            return str(f)
        if f == int(f) and abs(f) < 1e15:
            return str(int(f))
        s = format(f, ".6g")
        return "0" if s == "-0" else s
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def rows_of(cur) -> list[tuple[str, ...]]:
    return [tuple(norm(v) for v in r) for r in cur.fetchall()]


def kind(duck: str) -> str:
    """A DuckDB type's kind: integer and fractional numbers apart (whether
    a number is exact, decimal or float, differs by engine)."""
    d = duck.upper()
    if d in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"):
        return "integer"
    if d.startswith(("DECIMAL", "NUMERIC")) or d in ("FLOAT", "DOUBLE", "REAL"):
        return "fractional"
    if d.startswith("TIMESTAMP"):
        return "timestamp"
    return {"DATE": "date", "BOOLEAN": "bool", "VARCHAR": "string"}.get(d, d.lower())


def cjo_kind(cjo: str) -> str:
    if cjo == "int":
        return "integer"
    if cjo == "float" or cjo.startswith("decimal"):
        return "fractional"
    return cjo


class Order:
    """How the original query orders its rows: the output columns its
    `order by` keys are (the leading keys that name an output column, by
    name, alias or position, or repeat a select expression), and whether a
    `limit` cuts the ordered rows. Rows that tie on every key may come in
    any order, and a limit may keep any of those that tie at the cut."""

    def __init__(self, keys: list[int] | None, limited: bool) -> None:
        self.keys = keys
        self.limited = limited

    @staticmethod
    def of(tree: exp.Expression, names: list[str]) -> "Order":
        q = tree
        while isinstance(q, exp.Subquery):
            q = q.this
        if not isinstance(q, exp.Query) or q.args.get("order") is None:
            return Order(None, False)
        lowered = [n.lower() for n in names]
        selects = [e.unalias().sql() for e in q.selects] if isinstance(q, exp.Select) else []
        keys = []
        for o in q.args["order"].expressions:
            e = o.this
            if isinstance(e, exp.Literal) and e.is_int:
                keys.append(int(e.this) - 1)
            elif isinstance(e, exp.Column) and e.name.lower() in lowered:
                keys.append(lowered.index(e.name.lower()))
            elif e.sql() in selects:
                keys.append(selects.index(e.sql()))
            else:
                break
        return Order(keys, q.args.get("limit") is not None)


# --------------------------------------------------------------------------
# One query on DuckDB


class Failure(Exception):
    pass


def original(con, q: corpus.Query) -> tuple[list[str], list[str], list[tuple[str, ...]], Order]:
    """The original text run on DuckDB: column names, DuckDB types, rows,
    and how it orders them. A sqlglot text DuckDB does not read is
    transpiled from sqlglot's own dialect first."""
    con.execute(f"USE {corpus.CATALOG}.{q.suite}")
    text = q.text
    try:
        described = con.execute(f"DESCRIBE {text}").fetchall()
    except duckdb.Error:
        text = sqlglot.transpile(text, write="duckdb")[0]
        described = con.execute(f"DESCRIBE {text}").fetchall()
    cur = con.execute(text)
    rows = rows_of(cur)
    names = [d[0] for d in described]
    order = Order.of(sqlglot.parse_one(text, read="duckdb"), names)
    return names, [str(d[1]) for d in described], rows, order


def query_of(sql: str, dialect: str) -> exp.Expression:
    """The query of a model's SQL file: the statement that makes the
    model's table or view from it."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.SqlglotError as e:
        raise Failure(f"sqlglot cannot parse the {dialect} SQL: {str(e).splitlines()[0]}")
    for s in statements:
        if isinstance(s, exp.Command):
            raise Failure(f"sqlglot reads a {dialect} statement only as an opaque command: {s.sql(dialect=dialect)[:120]}")
    made = [s.expression for s in statements if isinstance(s, exp.Create) and isinstance(s.expression, exp.Query)]
    if len(made) != 1:
        raise Failure(f"expected one CREATE … AS <query> in the {dialect} SQL, found {len(made)}")
    return made[0]


def compare(want: list[tuple[str, ...]], got: list[tuple[str, ...]], order: Order) -> str | None:
    """None when `got` is `want` up to what the query leaves open: the
    order of rows that tie on its order keys (any order, without an order
    by), and which of the rows tying at a limit's cut it keeps."""
    if order.keys is not None:
        key = lambda r: tuple(r[i] for i in order.keys)  # noqa: E731
        if [key(r) for r in got] != [key(r) for r in want]:
            return "the rows come in another order" if sorted(got) == sorted(want) else differ(want, got)
        if order.limited and want:
            cut = key(want[-1])
            want = [r for r in want if key(r) != cut]
            got = [r for r in got if key(r) != cut]
    return None if sorted(want) == sorted(got) else differ(want, got)


def differ(want: list[tuple[str, ...]], got: list[tuple[str, ...]]) -> str:
    missing = list((Counter(want) - Counter(got)).elements())
    extra = list((Counter(got) - Counter(want)).elements())
    lines = [f"{len(got)} rows, the original gives {len(want)}"]
    lines += ["  only in the original: " + ", ".join(r) for r in missing[:3]]
    lines += ["  only here: " + ", ".join(r) for r in extra[:3]]
    return "\n".join(lines)


def typed(query: exp.Expression, dialect: str, schema: dict) -> exp.Expression:
    """`query` with every column qualified and every expression typed, as
    sqlglot's optimizer does it, so that transpiling carries over the
    semantics that depend on types (Redshift's and Trino's `int / int` is
    an integer; BigQuery's a float). sqlglot reads nothing of the semantics
    of an untyped `a / b`."""
    qualified = qualify(query.copy(), schema=schema, dialect=dialect, validate_qualify_columns=False, quote_identifiers=False)
    return annotate_types(qualified, schema=schema, dialect=dialect)


def bigquery_numeric(query: exp.Expression) -> exp.Expression:
    """BigQuery's NUMERIC is DECIMAL(38, 9) and BIGNUMERIC DECIMAL(76, 38);
    sqlglot 30 reads both as a DECIMAL without precision, which DuckDB
    takes as DECIMAL(18, 3): every NUMERIC literal and cast would be cut to
    three decimals. The precision is put back here (BIGNUMERIC as DuckDB's
    widest, DECIMAL(38, 18)), so that the SQL means on DuckDB what it means
    on BigQuery."""
    for t in query.find_all(exp.DataType):
        if t.this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL) and not t.expressions:
            wide = t.this == exp.DataType.Type.BIGDECIMAL
            t.set("this", exp.DataType.Type.DECIMAL)
            t.set("expressions", [exp.DataTypeParam(this=exp.Literal.number(38)),
                                  exp.DataTypeParam(this=exp.Literal.number(18 if wide else 9))])
    return query


def run_dialect(con, q: corpus.Query, sql: str, dialect: str, want, order: Order, schema: dict) -> None:
    NOTES.messages.clear()
    query = query_of(sql, dialect)
    if dialect == "bigquery":
        query = bigquery_numeric(query)
    try:
        query = typed(query, dialect, schema)
    except sqlglot.errors.SqlglotError as e:
        raise Failure(f"sqlglot cannot type the {dialect} SQL: {str(e).splitlines()[0]}")
    duck = query.sql(dialect="duckdb")
    if NOTES.messages:
        raise Failure(f"sqlglot: {'; '.join(sorted(set(NOTES.messages)))}")
    con.execute(f"USE {corpus.CATALOG}.{q.suite}")
    try:
        got = rows_of(con.execute(duck))
    except duckdb.Error as e:
        raise Failure(f"DuckDB: {str(e).splitlines()[0]}")
    diff = compare(want, got, order)
    if diff:
        raise Failure(diff)


def check_types(node: dict, names: list[str], types: list[str], rows) -> list[str]:
    problems = []
    columns = node.get("columns", [])
    if len(columns) != len(names):
        return [f"the manifest gives {len(columns)} columns, the original query {len(names)}"]
    for i, (c, name, ty) in enumerate(zip(columns, names, types)):
        if c["name"].lower() != name.lower():
            problems.append(f"column {i + 1} is `{c['name']}`, the original names it `{name}`")
        if c["type"] == "unknown":
            problems.append(f"column `{c['name']}` is typed unknown")
        elif cjo_kind(c["type"]) != kind(ty):
            problems.append(f"column `{c['name']}` is typed {c['type']}, DuckDB gives {ty}")
        if not c["nullable"] and any(r[i] == "NULL" for r in rows):
            problems.append(f"column `{c['name']}` is typed not null but holds NULL")
    return problems


# --------------------------------------------------------------------------
# The run


class Outcome:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.known_seen: set[tuple[str, str]] = set()
        # suite -> counters
        self.table: dict[str, Counter] = {}

    def count(self, q: corpus.Query, what: str) -> None:
        self.table.setdefault(q.suite, Counter())[what] += 1

    def fail(self, qid: str, phase: str, message: str) -> None:
        """Records a failure, unless it is a known one (see known.py) that
        fails exactly as listed."""
        key = (qid, phase)
        entry = known.FAILS.get(key)
        if entry is not None:
            self.known_seen.add(key)
            if message == entry[1]:
                return
            message = f"listed in known.FAILS ({entry[0]}) but fails differently:\n{message}\n  instead of:\n{entry[1]}"
        self.failures.append(f"[{qid} / {phase}] {message}")


def cjoc_path() -> Path:
    env = os.environ.get("CJOC")
    if env:
        p = Path(env)
        return p if p.is_absolute() else Path.cwd() / p
    base = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return (base if base.is_absolute() else ROOT / base) / "debug" / "cjoc"


def diagnostics(cjoc: Path, project: Path) -> dict[str, list[dict]]:
    proc = subprocess.run(
        [str(cjoc), "check", str(project), "--format", "json"], capture_output=True, text=True
    )
    try:
        found = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"cjoc check {project}: no JSON ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    by_model: dict[str, list[dict]] = {}
    for d in found:
        stem = Path(d.get("file", "")).stem
        by_model.setdefault(stem, []).append(d)
    return by_model


def run_suite(cjoc: Path, con, suite: str, queries: list[corpus.Query], tmp: Path, out: Outcome) -> None:
    project = tmp / suite
    files = corpus.write_project(project, suite, con, queries)
    found = diagnostics(cjoc, project)
    if found.get("sources"):
        raise SystemExit(f"the {suite} sources do not check: {found['sources']}")
    accepted = []
    for q in queries:
        errors = [d for d in found.get(q.id, []) if d["severity"] == "error"]
        warnings = [d for d in found.get(q.id, []) if d["severity"] != "error"]
        listed = known.REJECTED.get(q.id)
        codes = sorted({d["code"] for d in errors})
        if errors:
            files[q.id].unlink()
            kind_ = listed[0] if listed else None
            out.count(q, "rejected: deliberate" if kind_ == "deliberate" else "rejected: not yet")
            first = errors[0]
            said = f"{first['code']} at {first['line']}:{first['column']}: {first['message']}"
            if listed is None:
                out.failures.append(f"[{q.id} / check] rejected, and not listed in known.REJECTED: {said}")
            elif listed[2] != codes:
                out.failures.append(f"[{q.id} / check] listed in known.REJECTED with {listed[2]}, rejected with {codes}: {said}")
            continue
        if listed is not None:
            out.failures.append(f"[{q.id} / check] listed in known.REJECTED ({listed[1]}) but accepted now: remove it")
        if warnings:
            out.count(q, "accepted with warnings")
        accepted.append(q)
        out.count(q, "accepted")
    if not accepted:
        return
    build = tmp / f"{suite}-build"
    proc = subprocess.run(
        [str(cjoc), "build", str(project), "--out", str(build), "--target", ",".join(DIALECTS), "--color", "never"],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        out.failures.append(f"[{suite}] cjoc build of the accepted queries failed:\n{proc.stdout}{proc.stderr}")
        return
    manifest = json.loads((build / "manifest.json").read_text())
    schema = corpus.schema(con, suite)
    for q in accepted:
        node = manifest["nodes"].get(f"model.{q.id}")
        if node is None:
            out.failures.append(f"[{q.id} / build] no model.{q.id} in the manifest")
            continue
        try:
            names, types, want, order = original(con, q)
        except (duckdb.Error, sqlglot.errors.SqlglotError) as e:
            out.fail(q.id, "original", f"DuckDB cannot run the original text: {str(e).splitlines()[0]}")
            continue
        problems = check_types(node, names, types, want)
        if problems:
            out.fail(q.id, "types", "\n".join(problems))
        else:
            out.count(q, "types match")
        same = 0
        for dialect in DIALECTS:
            path = node.get("sql", {}).get(dialect)
            if path is None:
                out.fail(q.id, dialect, f"no {dialect} SQL in the manifest")
                continue
            try:
                run_dialect(con, q, (build / path).read_text(), dialect, want, order, schema)
                same += 1
                out.count(q, f"same rows: {dialect}")
            except Failure as e:
                out.fail(q.id, dialect, str(e))
        if same == len(DIALECTS):
            out.count(q, "same rows: all three")
            if want:
                out.count(q, "same rows, not empty")


def table(out: Outcome, total: dict[str, int], dropped: int) -> str:
    cols = [
        ("queries", None),
        ("accepted", "accepted"),
        ("rejected, deliberately", "rejected: deliberate"),
        ("rejected, not yet accepted", "rejected: not yet"),
        ("same rows: BigQuery", "same rows: bigquery"),
        ("Redshift", "same rows: redshift"),
        ("Trino", "same rows: trino"),
        ("all three", "same rows: all three"),
        ("of which non-empty", "same rows, not empty"),
        ("column types match", "types match"),
    ]
    lines = ["| suite | " + " | ".join(c for c, _ in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for suite in corpus.SUITES:
        c = out.table.get(suite, Counter())
        cells = [str(total.get(suite, 0)) if key is None else str(c[key]) for _, key in cols]
        lines.append(f"| {'TPC-H' if suite == 'tpch' else 'TPC-DS'} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Texts: DuckDB {duckdb.__version__}'s `tpch` and `tpcds` extensions and sqlglot {sqlglot.__version__}'s "
        f"TPC fixtures (original and optimized), {dropped} duplicate texts dropped; data generated at scale "
        f"{corpus.SCALE['tpch']} (TPC-H) and {corpus.SCALE['tpcds']} (TPC-DS); each warehouse's SQL read by "
        "sqlglot in its dialect and run on DuckDB."
    )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", action="store_true", help="fail unless docs/sql.md holds the coverage table")
    ap.add_argument("--update-docs", action="store_true", help="write the coverage table into docs/sql.md")
    ap.add_argument("--only", help="run only the queries whose id starts with this")
    args = ap.parse_args()
    started = time.monotonic()
    cjoc = cjoc_path()
    if not cjoc.exists():
        print(f"cjoc not found at {cjoc} (cargo build -p cjoc, or set CJOC)", file=sys.stderr)
        return 1
    con = corpus.connect()
    queries, dropped = corpus.load_queries(con)
    if args.only:
        queries = [q for q in queries if q.id.startswith(args.only)]
    out = Outcome()
    total = Counter(q.suite for q in queries)
    with tempfile.TemporaryDirectory(prefix="cjo-corpus-") as tmp:
        for suite in corpus.SUITES:
            run_suite(cjoc, con, suite, [q for q in queries if q.suite == suite], Path(tmp), out)
    if not args.only:
        for key in sorted(set(known.FAILS) - out.known_seen):
            out.failures.append(f"[{' / '.join(key)}] listed in known.FAILS ({known.FAILS[key][0]}) but passes: remove it")
    text = table(out, total, len(dropped))
    print(text)
    if args.update_docs or args.docs:
        doc = DOCS.read_text()
        start, end = doc.find(TABLE_START), doc.find(TABLE_END)
        if start < 0 or end < start:
            out.failures.append(f"{DOCS.relative_to(ROOT)} has no corpus table markers")
        else:
            current = doc[start + len(TABLE_START):end].strip()
            if args.update_docs:
                DOCS.write_text(doc[: start + len(TABLE_START)] + "\n\n" + text + "\n\n" + doc[end:])
            elif current != text:
                out.failures.append(
                    f"{DOCS.relative_to(ROOT)}'s corpus table is not the current one: run "
                    "tests/corpus/test_corpus.py --update-docs"
                )
    if out.known_seen:
        print(f"known failures ({len(out.known_seen)}), each listed with its reason in tests/corpus/known.py")
    elapsed = time.monotonic() - started
    n = len(queries)
    if out.failures:
        for f in out.failures:
            print(f, file=sys.stderr)
        print(f"corpus: {len(out.failures)} failure(s) over {n} queries ({elapsed:.0f} s)", file=sys.stderr)
        return 1
    print(f"corpus: {n} queries, every accepted one the same on the three warehouses' SQL, known exceptions aside ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
