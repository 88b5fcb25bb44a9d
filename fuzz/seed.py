#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into fuzz/corpus/<target>/ (never
committed; `--out DIR` writes DIR/<target>/ instead) from the repository's own inputs: every `.cjo` file of
tests/fixtures and examples/, and, for `codegen`, every example and project
fixture as one multi-file input (see docs/fuzzing.md).

    python3 fuzz/seed.py [--out DIR]
"""

import argparse
import hashlib
import pathlib

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
SINGLE_FILE_TARGETS = ["parse", "check", "fmt", "lsp"]
# What cjo_fuzz::Project::parse reads: files separated by NUL, and a file
# that is not a `.cjo` file starting with this line.
SEPARATOR = b"\0"
HEADER = b"@file "


def write(out: pathlib.Path, target: str, data: bytes) -> None:
    """Writes `data` into the target's corpus under its hash, as libFuzzer names inputs."""
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def project_input(folder: pathlib.Path) -> bytes:
    """A project folder as one input: its `.cjo` files, its other files
    under a header (cjo.toml, catalog exports); not its READMEs."""
    chunks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if path.suffix == ".cjo":
            chunks.append(path.read_bytes())
        elif path.suffix != ".md" and "/target/" not in f"/{rel}":
            chunks.append(HEADER + rel.encode() + b"\n" + path.read_bytes())
    return SEPARATOR.join(chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=FUZZ / "corpus", help="where the corpora go")
    out = parser.parse_args().out
    singles = sorted((ROOT / "tests/fixtures").rglob("*.cjo")) + sorted((ROOT / "examples").rglob("*.cjo"))
    for path in singles:
        data = path.read_bytes()
        for target in SINGLE_FILE_TARGETS:
            write(out, target, data)
        write(out, "codegen", data)
    projects = [p.parent for p in sorted((ROOT / "examples").glob("*/cjo.toml"))]
    projects += [p.parent for p in sorted((ROOT / "tests/fixtures/projects").glob("*/cjo.toml"))]
    for folder in projects:
        write(out, "codegen", project_input(folder))
    counts = {t: len(list((out / t).iterdir())) for t in SINGLE_FILE_TARGETS + ["codegen"]}
    print(", ".join(f"{t}: {n} seeds" for t, n in counts.items()))


if __name__ == "__main__":
    main()
