#!/usr/bin/env python3
"""No user-written string becomes structure in any file `cjoc build` writes.

Every user-written string field of a project (a doc comment, a check's
`expect` message, a parameter's default, a SQL string literal, an
activation's destination, a pipeline's doc comment) is given each hostile
string below: quotes, backslashes, every Unicode line break, scheduler
templating (`{{ }}`, `{% %}`, `${ }`), `%s`, SQL comment starts, NUL,
private-use and bidi characters. For each project `cjoc build` (all three
warehouses, Airflow and Digdag files) either refuses with diagnostics (exit
1, never a crash) or writes files that all still parse:

- every `.sql` statement with sqlglot in its dialect (the checks of
  test_emitted_sql.py);
- every Airflow DAG file with Python's own parser;
- every Digdag workflow as YAML;
- `manifest.json` as JSON;

and the string comes back literally where it is data: a SQL string
literal and a parameter's default are that exact string in each
warehouse's statement (as sqlglot reads it), and each model's, check's
and pipeline's text is that exact string in the manifest.

    CJOC=target/debug/cjoc ~/.cache/cjo/venv/bin/python tests/python/test_hostile_strings.py

Exits 1 listing every failure.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlglot
import yaml
from sqlglot import exp

sys.path.insert(0, str(Path(__file__).parent))
import test_emitted_sql  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DIALECTS = ("bigquery", "redshift", "trino")

HOSTILE = {
    "single quote": "it's",
    "double quote": 'say "hi"',
    "backslash": "a\\b\\",
    "backslash quote": "\\'; drop table x; --",
    "backtick": "`x`",
    "LF": "line1\nline2",
    "CR": "line1\rline2",
    "CRLF": "line1\r\nline2",
    "VT FF": "a\x0bb\x0cc",
    "NEL": "a\x85b",
    "LS PS": "a\u2028b\u2029c",
    "jinja": "{{ ds }} {% if x %}y{% endif %} {# c #}",
    "digdag": "${moment(session_time)} ${x}",
    "printf": "%s %d %(x)s",
    "sql comments": "-- x /* y */ #z",
    "NUL": "a\x00b",
    "private use": "\ue000end\ue001 \ue000start:60\ue001",
    "bidi": "\u202eevil\u202c",
    "yaml": ": - [a] {b} &c *d !e |f >g",
    "python": "\"\"\" ''' \\x00",
}

CONFIG = """[project]
name = "hostile"
default_target = "trino"

[targets.bigquery]
project = "p"
dataset = "d"

[targets.redshift]
schema = "d"

[targets.trino]
catalog = "c"
schema = "d"

[orchestrators.airflow]
connections = { trino = "trino_default" }

[orchestrators.digdag]
"""


def cjo_string(s: str) -> str:
    """`s` as a `.cjo` string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def sql_string(s: str) -> str:
    """`s` as a portable SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def project(field: str, s: str) -> str:
    doc = f"/// {s}\n" if field == "doc comment" else "/// Orders.\n"
    default = cjo_string(s) if field == "parameter default" else '"x"'
    literal = sql_string(s) if field == "SQL literal" else "'plain'"
    message = cjo_string(s) if field == "expect message" else '"amounts are positive"'
    destination = cjo_string(s) if field == "activation" else '"email.hello"'
    pipeline_doc = f"/// {s}\n" if field == "pipeline doc" else "/// Daily.\n"
    return f"""source orders = "raw.orders" {{
  customer_id: string not null
  amount: decimal(12, 2)
  ordered_at: timestamp not null
}}

{doc}model labelled {{
  materialized = view
  param label: string = {default}
  sql {{ select customer_id, {literal} as s, $label as label from orders }}
}}

check orders {{
  expect {message}: amount >= 0
}}

journey hello {{
  profiles = labelled
  key = customer_id
  events = [orders]

  stage welcome {{
    entry: any orders within 7 days
    step send: activate {destination}
    step done: end
  }}
}}

{pipeline_doc}pipeline daily {{
  schedule = daily
  orchestrators = [airflow, digdag]
  run = [labelled, hello]
}}
"""


FIELDS = ["doc comment", "parameter default", "SQL literal", "expect message", "activation", "pipeline doc"]


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def unicode_string(text: str) -> str:
    """The value of a Unicode string literal's text (`U&'…'`): `\\XXXX`
    and `\\+XXXXXX` escapes, `\\\\` for a backslash."""
    return re.sub(r"\\(\\|\+[0-9A-Fa-f]{6}|[0-9A-Fa-f]{4})",
                  lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1).lstrip("+"), 16)), text)


def literals(path: Path, dialect: str) -> list[str]:
    # Bytes, not read_text: Python's universal newlines would turn a CR
    # inside a literal into a LF.
    text = path.read_bytes().decode("utf-8")
    out = []
    for tree in sqlglot.parse(text, read=dialect):
        if tree is not None:
            out += [lit.this for lit in tree.find_all(exp.Literal) if lit.is_string]
            out += [unicode_string(u.this) for u in tree.find_all(exp.UnicodeString)]
    return out


def check_build(out: Path, field: str, s: str) -> list[str]:
    failures = []
    for dialect in DIALECTS:
        for path in sorted((out / dialect).glob("*.sql")):
            _, problems = test_emitted_sql.check_file(path, dialect)
            failures += problems
        if field in ("SQL literal", "parameter default"):
            model = out / dialect / "model.labelled.sql"
            if not model.is_file():
                failures.append(f"no {model}")
            elif s not in literals(model, dialect):
                failures.append(f"{dialect}: the string is not a literal of model.labelled: {literals(model, dialect)!r}")
    for path in sorted((out / "airflow").glob("*.py")):
        try:
            ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError as e:
            failures.append(f"{path.name} is not Python: {e}")
    for path in sorted((out / "digdag").glob("*.dig")):
        try:
            yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            failures.append(f"{path.name} is not YAML: {str(e).splitlines()[0]}")
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return failures + [f"manifest.json: {e}"]
    if field in ("doc comment", "expect message", "pipeline doc") and "\n" not in s and "\r" not in s:
        if not any(s in v for v in strings_in(manifest)):
            failures.append("the string is not in manifest.json")
    return failures


def cjoc_path() -> Path:
    env = os.environ.get("CJOC")
    if env:
        return Path(env)
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "cjoc"


def main() -> int:
    cjoc = cjoc_path()
    if not cjoc.is_file():
        print(f"cjoc not found at {cjoc} (build it with `cargo build -p cjoc`, or set CJOC)", file=sys.stderr)
        return 2
    failures: list[str] = []
    counts = {"built": 0, "refused": 0}
    refusals: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for field in FIELDS:
            # The same project with a harmless string must build: a suite
            # where everything is refused would prove nothing.
            for name, s in [("harmless", "harmless text"), *HOSTILE.items()]:
                where = Path(tmp) / f"{FIELDS.index(field)}-{name.replace(' ', '_')}"
                (where / "p").mkdir(parents=True)
                (where / "p" / "cjo.toml").write_text(CONFIG, encoding="utf-8")
                (where / "p" / "main.cjo").write_bytes(project(field, s).encode("utf-8"))
                proc = subprocess.run(
                    [str(cjoc), "build", str(where / "p"), "--out", str(where / "out"), "--run-date", "2026-11-20",
                     "--target", "bigquery,redshift,trino"],
                    capture_output=True, text=True, errors="replace", timeout=60,
                )
                label = f"[{field} × {name}]"
                if proc.returncode == 1 and "error" in proc.stderr and name != "harmless":
                    counts["refused"] += 1
                    code = proc.stderr.split("]", 1)[0].lstrip("[") if proc.stderr.startswith("[") else "?"
                    refusals[f"{field} × {name}: {code}"] = 1
                    continue
                if proc.returncode != 0:
                    failures.append(f"{label} cjoc build exited {proc.returncode}:\n{proc.stderr[-2000:]}")
                    continue
                counts["built"] += 1
                failures += [f"{label} {f}" for f in check_build(where / "out", field, s)]
    total = len(FIELDS) * len(HOSTILE)
    print(f"hostile strings: {total} projects ({len(FIELDS)} fields × {len(HOSTILE)} strings), "
          f"{counts['built'] - len(FIELDS)} built and checked, {counts['refused']} refused with diagnostics")
    for r in refusals:
        print(f"  refused: {r}")
    for f in failures:
        print(f"FAIL {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
