"""Source-feed queries, as the schedulers render them, run on DuckDB.

    python tests/python/test_feeds.py FEEDS.jsonl

FEEDS.jsonl is what tests/airflow/test_airflow.py and
tests/digdag/test_digdag.py write to $CJO_FEED_DUMP: for each pipeline that
watches a source and each data interval they render, the feed's query in
its warehouse's dialect (on Digdag's BigQuery, an `ASSERT` around it), the
run's end, and — for Digdag's `wait` rule — how long after the run's end
the query gives up.

Each query is parsed by sqlglot in its dialect, transpiled to DuckDB, and
run against the source table (created under its warehouse name) holding:

- no rows: late (1), unless the deadline has passed;
- a row one second before the run's end: late, unless the deadline has
  passed;
- a row at the run's end: on time (0).

A query with a deadline reads the warehouse's clock; it is run with the
clock (sqlglot's CURRENT_TIMESTAMP node) set a second before the deadline
and at it. A query without one must not read the clock.

On Digdag's BigQuery the query must be `ASSERT (…) = 0 AS '…'`, so that
the job fails while the feed is late.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

DIALECT = {"bigquery": "bigquery", "redshift": "redshift", "trino": "trino"}
ASSERT = re.compile(r"^ASSERT \((?P<query>.*)\) = 0 AS '(?P<message>(?:[^'\\]|\\.)*)'$", re.S)


def query_of(record: dict) -> str:
    sql = record["sql"].strip()
    if record["scheduler"] == "digdag" and record["dialect"] == "bigquery":
        m = ASSERT.match(sql)
        if not m:
            raise AssertionError(f"not an ASSERT of the query counting 0: {sql}")
        return m.group("query")
    return sql


def create_table(con, table: exp.Table, column: str) -> str:
    """Creates the source table (its catalog and schema too); its DuckDB name."""
    parts = [p for p in (table.catalog, table.db) if p]
    if len(parts) == 2:
        catalog = exp.to_identifier(parts[0]).sql(dialect="duckdb")
        attached = {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
        if parts[0] not in attached:
            con.execute(f"ATTACH ':memory:' AS {catalog}")
    if parts:
        schema = ".".join(exp.to_identifier(p).sql(dialect="duckdb") for p in parts)
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    name = ".".join(exp.to_identifier(p).sql(dialect="duckdb") for p in [*parts, table.name])
    con.execute(f"CREATE OR REPLACE TABLE {name} ({exp.to_identifier(column).sql(dialect='duckdb')} TIMESTAMPTZ)")
    return name


def check(record: dict) -> list[str]:
    where = f"{record['scheduler']} {record['pipeline']}.{record['feed']} ({record['dialect']}, run end {record['run_end']})"
    try:
        query = query_of(record)
        (parsed,) = sqlglot.parse(query, read=DIALECT[record["dialect"]])
    except Exception as e:  # noqa: BLE001 - reported as a failure
        return [f"{where}: does not parse: {e}\n{record['sql']}"]
    tables = list(parsed.find_all(exp.Table))
    if len(tables) != 1:
        return [f"{where}: reads {len(tables)} tables, want the source alone"]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    name = create_table(con, tables[0], record["time_column"])
    end = dt.datetime.strptime(record["run_end"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
    clocks = list(parsed.find_all(exp.CurrentTimestamp))
    if record["deadline_seconds"] is None:
        if clocks:
            return [f"{where}: reads the clock, but has no deadline"]
        return run_states(con, name, parsed.sql(dialect="duckdb"), end, 1, where)
    if not clocks:
        return [f"{where}: has a deadline, but does not read the clock"]
    deadline = end + dt.timedelta(seconds=record["deadline_seconds"])
    problems = []
    for now, behind in [(deadline - dt.timedelta(seconds=1), 1), (deadline, 0)]:
        at = parsed.transform(
            lambda node: exp.cast(exp.Literal.string(now.strftime("%Y-%m-%d %H:%M:%S+00")), "TIMESTAMPTZ")
            if isinstance(node, exp.CurrentTimestamp) else node
        )
        problems += run_states(con, name, at.sql(dialect="duckdb"), end, behind, f"{where} at {now:%Y-%m-%d %H:%M:%S}")
    return problems


def run_states(con, name: str, duck: str, end: dt.datetime, behind: int, where: str) -> list[str]:
    """The query over the three table states; `behind`: what it must say
    while the feed is behind."""
    problems = []
    for rows, want, what in [
        ([], behind, "with no rows"),
        ([end - dt.timedelta(seconds=1)], behind, "with its newest row a second before the run's end"),
        ([end - dt.timedelta(days=1), end], 0, "with a row at the run's end"),
    ]:
        con.execute(f"DELETE FROM {name}")
        for t in rows:
            con.execute(f"INSERT INTO {name} VALUES (?)", [t])
        try:
            got = con.execute(duck).fetchall()
        except duckdb.Error as e:
            return [f"{where}: DuckDB cannot run it: {e}\n{duck}"]
        if got != [(want,)]:
            problems.append(f"{where} {what}: the query says {got}, want [({want},)]\n{duck}")
    return problems


def main(args: list[str]) -> int:
    if len(args) != 1:
        print(__doc__)
        return 2
    lines = [l for l in Path(args[0]).read_text().splitlines() if l.strip()]
    records = [json.loads(l) for l in lines]
    problems = [p for r in records for p in check(r)]
    for p in problems:
        print(f"FAIL {p}\n")
    kinds = sorted({(r["scheduler"], r["dialect"]) for r in records})
    print(f"feeds: {len(records)} rendered queries ({', '.join(f'{s}/{d}' for s, d in kinds)}), 3 table states each on DuckDB: "
          f"{'all agree' if not problems else f'{len(problems)} problem(s)'}")
    if not records:
        print("FAIL no feed queries were rendered: the examples watch sources on both schedulers")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
