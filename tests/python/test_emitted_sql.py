#!/usr/bin/env python3
"""Every statement `cjoc build` writes must parse with sqlglot in its dialect.

An independent check of the compiler's output (sqlglot is not the parser
cjoc uses). Give it a folder of builds, each made by

    cjoc build examples/<name> --out $tmp/build/<name> \
        --run-date 2026-11-20 --target bigquery,redshift,trino

and it reads every `<build>/<dialect>/*.sql` file with

    sqlglot.parse(text, read=<dialect>, error_level=ErrorLevel.RAISE)

and checks, per file:

- sqlglot reads as many statements as the file has `;`-terminated
  statements (counted here with a small tokenizer that knows each
  dialect's strings, quoted names and comments), and nothing follows the
  last `;` but comments;
- no statement falls back to `exp.Command`, sqlglot's "I could not parse
  this" node, unless COMMAND_ALLOWED lists it with a reason;
- every statement is read as a statement (a query, DDL, DML or
  transaction control), not as a bare expression.

BigQuery's `ASSERT <condition> AS '<message>'`, which checks compile to,
is read by sqlglot as a function call named ASSERT; its condition is
parsed on its own instead (as `SELECT <condition>`).

Exits 1 listing every failure. Run it with the venv of
tests/python/requirements.txt:

    ~/.cache/cjo/venv/bin/python tests/python/test_emitted_sql.py $tmp/build

A single build folder (one holding `manifest.json`) works too.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

DIALECTS = ("bigquery", "redshift", "trino")

# sqlglot warns on stderr when it falls back to exp.Command: reported here.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

# (dialect, regex on the statement's first line) -> why a Command fallback
# is acceptable there.
COMMAND_ALLOWED: dict[tuple[str, str], str] = {
    ("redshift", r"^CREATE OR REPLACE PROCEDURE \S*cjo_add_column\("): "a journey's migration: Redshift adds a "
    "missing column through a PL/pgSQL procedure (no ADD COLUMN IF NOT EXISTS), which sqlglot does not parse",
    ("redshift", r"^CALL \S*cjo_add_column\("): "the call of that procedure: sqlglot has no CALL statement",
}

# Root nodes that are statements.
STATEMENTS = (
    exp.Query,  # SELECT, set operations
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Command,
)

ASSERT_RE = re.compile(r"^\s*ASSERT\b(?P<condition>.*)\sAS\s+'(?:[^'\\]|\\.)*'\s*$", re.S | re.I)


def split_statements(text: str, dialect: str) -> tuple[list[str], str]:
    """The `;`-terminated statements of `text`, and what follows the last
    `;`. Semicolons inside strings, quoted names and comments do not count.
    """
    statements, start, i, n = [], 0, 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif dialect == "redshift" and text.startswith("$$", i):
            # A dollar-quoted procedure body: its `;` end its statements, not ours.
            j = text.find("$$", i + 2)
            i = n if j < 0 else j + 2
        elif dialect == "bigquery" and text.startswith(("'''", '"""'), i):
            quote = text[i : i + 3]
            j = i + 3
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + 3
        elif c in "'\"`":
            # BigQuery's "…" is a string, Redshift's and Trino's a name; all
            # end at the same quote, doubled quotes staying inside.
            # A backslash escapes in all of BigQuery's, in Redshift's '…'.
            escapes = dialect == "bigquery" or (dialect == "redshift" and c == "'")
            j = i + 1
            while j < n:
                if escapes and text[j] == "\\":
                    j += 2
                    continue
                if text[j] == c:
                    # A doubled quote stays inside (in BigQuery it ends one
                    # literal and starts the next: the same for counting).
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        elif c == ";":
            statements.append(text[start:i])
            start = i = i + 1
        else:
            i += 1
    return statements, text[start:]


def only_comments(text: str) -> bool:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def without_leading_comments(statement: str) -> str:
    return re.sub(r"^(\s*--[^\n]*\n)+", "", statement)


def first_line(statement: str) -> str:
    for line in statement.splitlines():
        if line.strip() and not line.strip().startswith("--"):
            return line.strip()
    return ""


def command_allowed(dialect: str, statement: str) -> str | None:
    line = first_line(statement)
    for (d, pattern), why in COMMAND_ALLOWED.items():
        if d == dialect and re.search(pattern, line):
            return why
    return None


def check_file(path: Path, dialect: str) -> tuple[int, list[str]]:
    """The number of statements parsed, and the failures."""
    text = path.read_text(encoding="utf-8")
    statements, rest = split_statements(text, dialect)
    failures = []
    if not only_comments(rest):
        failures.append(f"{path}: text after the last `;`: {rest.strip()[:80]!r}")
    if not statements:
        failures.append(f"{path}: no statement")
    try:
        trees = [t for t in sqlglot.parse(text, read=dialect, error_level=ErrorLevel.RAISE) if t is not None]
    except SqlglotError as e:
        failures.append(f"{path}: does not parse as {dialect}: {str(e).splitlines()[0]}")
        trees = None
    if trees is not None and len(trees) != len(statements):
        failures.append(f"{path}: sqlglot reads {len(trees)} statements, the file has {len(statements)}")
        trees = None
    if trees is None:
        # Find the statements at fault: each on its own.
        trees = []
        for statement in statements:
            try:
                trees.append(sqlglot.parse_one(statement, read=dialect, error_level=ErrorLevel.RAISE))
            except SqlglotError as e:
                where = f"{path}: `{first_line(statement)[:60]}`"
                failures.append(f"{where}: does not parse as {dialect}: {str(e).splitlines()[0]}")
                trees.append(None)
    parsed = 0
    for statement, tree in zip(statements, trees):
        if tree is None:
            continue
        where = f"{path}: `{first_line(statement)[:60]}`"
        if dialect == "bigquery" and first_line(statement).upper().startswith("ASSERT"):
            m = ASSERT_RE.match(without_leading_comments(statement))
            if not m:
                failures.append(f"{where}: an ASSERT without `AS '<message>'`")
                continue
            try:
                tree = sqlglot.parse_one(f"SELECT {m.group('condition')}", read=dialect, error_level=ErrorLevel.RAISE)
            except SqlglotError as e:
                failures.append(f"{where}: its condition does not parse: {str(e).splitlines()[0]}")
                continue
        commands = [tree] if isinstance(tree, exp.Command) else list(tree.find_all(exp.Command))
        if commands and not command_allowed(dialect, statement):
            failures.append(f"{where}: sqlglot falls back to exp.Command (it could not parse it)")
        elif not isinstance(tree, STATEMENTS):
            kind = type(tree).__name__
            failures.append(f"{where}: sqlglot reads it as a {kind}, not as one of the statements cjoc writes")
        else:
            parsed += 1
    return parsed, failures


def builds(root: Path) -> list[Path]:
    if (root / "manifest.json").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if (p / "manifest.json").is_file())


def check(root: Path) -> tuple[dict[str, int], int, list[str]]:
    counts, files, failures = {d: 0 for d in DIALECTS}, 0, []
    found = builds(root)
    if not found:
        return counts, 0, [f"{root}: no build folder (none holds a manifest.json)"]
    for build in found:
        for dialect in DIALECTS:
            for path in sorted((build / dialect).glob("*.sql")):
                files += 1
                n, f = check_file(path, dialect)
                counts[dialect] += n
                failures.extend(f)
    if files == 0:
        failures.append(f"{root}: no <dialect>/*.sql file in {', '.join(str(b) for b in found)}")
    return counts, files, failures


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(f"usage: {argv[0]} <folder of cjoc builds>...", file=sys.stderr)
        return 2
    counts: dict = {d: 0 for d in DIALECTS}
    files, failures = 0, []
    for folder in argv[1:]:
        c, f, problems = check(Path(folder))
        for d in DIALECTS:
            counts[d] += c.get(d, 0)
        files += f
        failures += problems
    if failures:
        print(f"{len(failures)} problem(s) in the emitted SQL (sqlglot {sqlglot.__version__}):", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    per = ", ".join(f"{counts[d]} {d}" for d in DIALECTS)
    total = sum(counts.values())
    print(f"parsed {total} statements in {files} files with sqlglot {sqlglot.__version__} in their dialects ({per})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
