#!/usr/bin/env python3
"""Every standard-library SQL template must parse in its warehouse's dialect.

An independent check of stdlib/lib/*.cjo with sqlglot (not our own parser):
each `fn` template has its placeholders replaced by dummy expressions of the
parameter's declared type (variadic parameters get two values), is wrapped
as `SELECT <expr> AS x FROM t`, and is parsed with
`sqlglot.parse_one(sql, read=<dialect>)`. A `default` template is parsed for
all three dialects. Exits 1 listing every template that does not parse.

Run it with a venv outside the repository:

    python3 -m venv ~/.cache/cjo/venv
    ~/.cache/cjo/venv/bin/pip install sqlglot
    ~/.cache/cjo/venv/bin/python tests/python/test_stdlib_templates.py

It also works under pytest (`test_stdlib_templates`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import sqlglot
from sqlglot.errors import ParseError, SqlglotError

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "stdlib" / "lib"
DIALECTS = ("bigquery", "redshift", "trino")

FN_RE = re.compile(r"^\s*fn\s+(\w+)\s*(?:<([^>]*)>)?\s*\((.*)\)\s*->\s*(.+?)\s*\{\s*$")
TEMPLATE_RE = re.compile(r'^\s*(bigquery|redshift|trino|default)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$')
PLACEHOLDER_RE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^{}]*))?\}")
ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}

# Dummy expressions per declared type: a column and a second, different one
# (variadic parameters get both).
DUMMIES = {
    "bool": ("b_col", "b_col2"),
    "int": ("3", "i_col"),
    "float": ("f_col", "2.5"),
    "decimal": ("n_col", "n_col2"),
    "string": ("'x'", "s_col"),
    "bytes": ("by_col", "by_col2"),
    "date": ("d_col", "d_col2"),
    "timestamp": ("t_col", "t_col2"),
    "json": ("j_col", "j_col2"),
    "array": ("a_col", "a_col2"),
    "struct": ("r_col", "r_col2"),
}
GENERIC = ("g_col", "g_col2")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


def split_params(text: str) -> list[str]:
    """Split `a: T, b: array<int>, c: struct<x: int, y: int>` at top-level commas."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "<(":
            depth += 1
        elif c in ">)":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def dummies_for(ty: str, generics: set[str]) -> tuple[str, str]:
    base = re.match(r"\w+", ty).group(0)
    if base in generics:
        return GENERIC
    return DUMMIES[base]


def parse_functions(path: Path):
    """Yield (name, line, params, templates) for each `fn` in a file."""
    current = None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = FN_RE.match(line)
        if m:
            name, generics, params, _ret = m.groups()
            generics = {g.strip() for g in (generics or "").split(",") if g.strip()}
            parsed = {}
            for p in split_params(params):
                pname, pty = (s.strip() for s in p.split(":", 1))
                variadic = pty.endswith("...")
                pty = pty.removesuffix("...").strip()
                parsed[pname] = (dummies_for(pty, generics), variadic)
            current = (name, lineno, parsed, [])
            continue
        if current is None:
            continue
        m = TEMPLATE_RE.match(line)
        if m:
            current[3].append((m.group(1), unescape(m.group(2)), lineno))
        elif line.strip() == "}":
            yield current
            current = None
    if current is not None:
        raise SystemExit(f"{path}: `fn {current[0]}` (line {current[1]}) has no closing brace")


def expand(template: str, params) -> str:
    def sub(m: re.Match) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        (first, second), variadic = params[m.group(1)]
        if variadic:
            sep = m.group(2) if m.group(2) is not None else ", "
            return f"{first}{sep}{second}"
        if m.group(2) is not None:
            raise ValueError(f"`{{{m.group(1)}|…}}` gives a separator to a parameter that is not variadic")
        return first

    return PLACEHOLDER_RE.sub(sub, template)


def check() -> tuple[int, list[str]]:
    failures, checked = [], 0
    files = sorted(LIB.glob("*.cjo"))
    if not files:
        return 0, [f"no .cjo files in {LIB}"]
    for path in files:
        rel = path.relative_to(ROOT)
        for name, fn_line, params, templates in parse_functions(path):
            if not templates:
                failures.append(f"{rel}:{fn_line}: `{name}` has no template")
            for key, template, line in templates:
                for dialect in DIALECTS if key == "default" else (key,):
                    checked += 1
                    try:
                        sql = f"SELECT {expand(template, params)} AS x FROM t"
                    except (KeyError, ValueError) as e:
                        failures.append(f"{rel}:{line}: `{name}` {key}: bad placeholder {e}")
                        continue
                    try:
                        tree = sqlglot.parse_one(sql, read=dialect)
                        if tree is None:
                            raise ParseError("empty statement")
                    except SqlglotError as e:
                        detail = str(e).splitlines()[0]
                        failures.append(f"{rel}:{line}: `{name}` does not parse as {dialect}: {sql}\n    {detail}")
    return checked, failures


def test_stdlib_templates() -> None:
    checked, failures = check()
    assert not failures, "\n".join(failures)
    assert checked > 0


def main() -> int:
    checked, failures = check()
    if failures:
        print(f"{len(failures)} stdlib template(s) do not parse (sqlglot {sqlglot.__version__}):", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    print(f"ok: {checked} stdlib templates parse (sqlglot {sqlglot.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
