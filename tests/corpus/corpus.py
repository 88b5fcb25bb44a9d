"""The differential corpus's inputs: query texts nobody on this team wrote,
their tables with generated data, and a cjo project that holds them.

Texts (each query's id says where it came from):

- `tpch_qNN_duckdb`, `tpcds_qNN_duckdb`: DuckDB's TPC-H and TPC-DS
  extensions (`tpch_queries()`, `tpcds_queries()`), the queries with the
  substitution parameters DuckDB publishes them with.
- `tpch_qNN_sqlglot`, `tpcds_qNN_sqlglot`: sqlglot's optimizer test fixtures
  (`tests/fixtures/optimizer/tpc-h/tpc-h.sql`, `tpc-ds/tpc-ds.sql` in its
  source distribution), the first text of each pair.
- `tpch_qNN_sqlglot_opt`, `tpcds_qNN_sqlglot_opt`: the second text of each
  pair, the same query as sqlglot's optimizer rewrites it (every column
  qualified and quoted, subqueries as CTEs and joins, constants folded):
  the shape of machine-written SQL.

A text that is, whitespace and case aside, another's is kept once, under
the first id.

Data: the extensions' own generators (`dbgen`, `dsdgen`; scales in SCALE), into
the schemas `tpc.tpch` and `tpc.tpcds` of an in-memory DuckDB. The project's
sources declare each table with the columns DuckDB describes (type and NOT
NULL), so the checker sees exactly the tables the queries run on.

Nothing here is committed from another repository: the texts and the data
come from the pinned PyPI packages in requirements.txt, at run time.
"""

from __future__ import annotations

import re
import site
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlglot

SUITES = ("tpch", "tpcds")
# Each suite's file among sqlglot's optimizer fixtures.
FIXTURE = {"tpch": "tpc-h/tpc-h.sql", "tpcds": "tpc-ds/tpc-ds.sql"}
# TPC-H has rows for every query at 0.01; TPC-DS's filters need more data
# (at 0.01, 77 of its texts give no row; at 0.1, 57).
SCALE = {"tpch": 0.01, "tpcds": 0.1}
CATALOG = "tpc"


@dataclass
class Query:
    id: str
    suite: str
    number: int
    origin: str  # duckdb | sqlglot | sqlglot_opt
    text: str

    def where_from(self) -> str:
        return {
            "duckdb": f"DuckDB {duckdb.__version__}'s {self.suite} extension, {self.suite}_queries() #{self.number}",
            "sqlglot": f"sqlglot {sqlglot.__version__}, tests/fixtures/optimizer/{self.suite_dir()}, query {self.number}",
            "sqlglot_opt": f"sqlglot {sqlglot.__version__}, tests/fixtures/optimizer/{self.suite_dir()},"
            f" query {self.number} as its optimizer writes it",
        }[self.origin]

    def suite_dir(self) -> str:
        return FIXTURE[self.suite]


def extension_dir() -> str:
    """Where the duckdb-ext-* wheels put their extensions."""
    for base in site.getsitepackages():
        path = Path(base) / "duckdb_ext" / "extensions"
        if path.is_dir():
            return str(path)
    raise SystemExit("duckdb-ext-tpch/tpcds are not installed (tests/corpus/env.sh installs them)")


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with both suites' tables, generated, in
    `tpc.tpch` and `tpc.tpcds`."""
    con = duckdb.connect(":memory:", config={"extension_directory": extension_dir()})
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH ':memory:' AS {CATALOG}")
    con.execute(f"USE {CATALOG}")
    for suite in SUITES:
        con.execute(f"CREATE SCHEMA {suite}")
    con.execute("LOAD tpch")
    con.execute(f"CALL dbgen(sf = {SCALE['tpch']}, schema = 'tpch')")
    con.execute("LOAD tpcds")
    con.execute(f"CALL dsdgen(sf = {SCALE['tpcds']}, schema = 'tpcds')")
    return con


def sqlglot_fixtures() -> Path:
    """tests/fixtures/optimizer of sqlglot's source distribution, unpacked
    by env.sh beside the venv."""
    venv = Path(sys.prefix)
    path = venv / "sdist" / f"sqlglot-{sqlglot.__version__}" / "tests" / "fixtures" / "optimizer"
    if not path.is_dir():
        raise SystemExit(f"{path}: missing (tests/corpus/env.sh unpacks sqlglot's source distribution there)")
    return path


def sqlglot_pairs(path: Path) -> list[tuple[int, str, str]]:
    """(query number, original, optimized) from one of sqlglot's TPC
    fixture files, read as its test helper reads them: `--` lines are
    comments, statements are split on `;`, `# key: value` lines open a
    statement, and statements come in pairs."""
    text = path.read_text()
    numbers = [int(n) for n in re.findall(r"^-- TPC-(?:H|DS) (\d+)$", text, re.M)]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    statements = [s.strip() for s in body.split(";")]
    statements = [re.sub(r"^(#[^\n]*\n)+", "", s).strip() for s in statements if s]
    pairs = list(zip(statements[0::2], statements[1::2]))
    if len(pairs) != len(numbers):
        raise SystemExit(f"{path}: {len(numbers)} queries but {len(pairs)} statement pairs")
    return [(n, a, b) for n, (a, b) in zip(numbers, pairs)]


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().rstrip(";")).lower()


def load_queries(con: duckdb.DuckDBPyConnection) -> tuple[list[Query], dict[str, str]]:
    """Every text of the corpus, and the ids of the texts dropped as
    duplicates of another (dropped id -> kept id)."""
    queries: list[Query] = []
    for suite in SUITES:
        for number, text in con.execute(f"SELECT query_nr, query FROM {suite}_queries() ORDER BY query_nr").fetchall():
            queries.append(Query(f"{suite}_q{number:02d}_duckdb", suite, number, "duckdb", text.strip().rstrip(";")))
        fixture = sqlglot_fixtures() / FIXTURE[suite]
        for number, original, optimized in sqlglot_pairs(fixture):
            queries.append(Query(f"{suite}_q{number:02d}_sqlglot", suite, number, "sqlglot", original))
            queries.append(Query(f"{suite}_q{number:02d}_sqlglot_opt", suite, number, "sqlglot_opt", optimized))
    seen: dict[str, str] = {}
    kept, dropped = [], {}
    for q in queries:
        key = normalized(q.text)
        if key in seen:
            dropped[q.id] = seen[key]
        else:
            seen[key] = q.id
            kept.append(q)
    return kept, dropped


def schema(con: duckdb.DuckDBPyConnection, suite: str) -> dict:
    """The suite's tables for sqlglot: {catalog: {schema: {table: {column:
    type}}}}, so that its optimizer can type the queries."""
    tables: dict = {}
    for table, column, ty in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_catalog = ? AND table_schema = ? ORDER BY table_name, ordinal_position",
        [CATALOG, suite],
    ).fetchall():
        tables.setdefault(table, {})[column] = ty
    return {CATALOG: {suite: tables}}


# --------------------------------------------------------------------------
# The cjo project


def cjo_type(duck: str) -> str:
    d = duck.upper()
    if d in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT"):
        return "int"
    if d in ("DOUBLE", "FLOAT", "REAL"):
        return "float"
    if d == "VARCHAR":
        return "string"
    if d in ("DATE", "BOOLEAN"):
        return {"DATE": "date", "BOOLEAN": "bool"}[d]
    m = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", d)
    if m:
        return f"decimal({m.group(1)}, {m.group(2)})"
    raise SystemExit(f"no cjo type for the DuckDB type {duck}")


def write_project(dir: Path, suite: str, con: duckdb.DuckDBPyConnection, queries: list[Query]) -> dict[str, Path]:
    """A cjo project over one suite's tables with a model per query, each
    in its own file (so that a diagnostic's file names its query). Returns
    query id -> model file."""
    dir.mkdir(parents=True)
    (dir / "cjo.toml").write_text(
        f'[project]\nname = "{suite}"\ndefault_target = "trino"\n\n'
        f'[targets.trino]\ncatalog = "{CATALOG}"\nschema = "out"\n\n'
        f'[targets.bigquery]\nproject = "{CATALOG}"\ndataset = "out"\n\n'
        f'[targets.redshift]\ndatabase = "{CATALOG}"\nschema = "out"\n'
    )
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ? ORDER BY 1",
            [CATALOG, suite],
        ).fetchall()
    ]
    lines = []
    for table in tables:
        lines.append(f'source {table} = "{suite}.{table}" {{')
        for name, ty, null, *_ in con.execute(f"DESCRIBE {CATALOG}.{suite}.{table}").fetchall():
            lines.append(f"  {name}: {cjo_type(ty)}" + (" not null" if null == "NO" else ""))
        lines.append("}\n")
    (dir / "sources.cjo").write_text("\n".join(lines))
    (dir / "models").mkdir()
    files = {}
    for q in queries:
        body = "\n".join("    " + line if line.strip() else "" for line in q.text.splitlines())
        path = dir / "models" / f"{q.id}.cjo"
        path.write_text(f"/// {q.where_from()}.\nmodel {q.id} {{\n  sql {{\n{body}\n  }}\n}}\n")
        files[q.id] = path
    return files
