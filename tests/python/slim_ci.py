"""Slim CI end to end, for the steps of .ci/run that read real output.

Copies the example named in tests/data/slim_ci/changes.json, builds it for
production, applies the pull request's edits and adds CI's environment,
then builds `state:modified+` with `--env ci` and `--defer` from
production's manifest, and checks that every selected model is built in
CI's names and every deferred parent it reads in production's. Writes
OUT/prod, OUT/ci and OUT/project, so that the next steps parse every
emitted statement with sqlglot, validate the manifest against its schema
and load the CI DAGs in real Airflow. The selection itself is checked in
compiler/cli/tests/state.rs.

Usage: CJOC=path/to/cjoc python tests/python/slim_ci.py OUT
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> None:
    done = subprocess.run([os.environ.get("CJOC", "cjoc"), *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"cjoc {' '.join(args)} exited {done.returncode}:\n{done.stderr}")


def apply(project: Path, edits: list) -> None:
    for e in edits:
        path = project / e["file"]
        text = path.read_text()
        if e["old"] not in text:
            sys.exit(f"{path} has no {e['old']!r}")
        path.write_text(text.replace(e["old"], e["new"], 1))


def check_names(ci: Path, manifest: dict, prod: dict) -> None:
    """Every selected model is built in CI's names, never production's, and
    reads each deferred parent where production's manifest says it is."""
    deferred = set(manifest["selection"]["deferred"])
    read = 0
    for node_id in manifest["selection"]["nodes"]:
        node = manifest["nodes"][node_id]
        if node["kind"] != "model":
            continue
        for dialect, path in node["sql"].items():
            sql = (ci / path).read_text()
            built, production = node["relation"][dialect], prod["nodes"][node_id]["relation"][dialect]
            if built == production or production in sql or built not in sql:
                sys.exit(f"{node_id} on {dialect} is built in {built}, production's is {production}:\n{sql}")
            for parent in deferred.intersection(node["depends_on"]):
                if prod["nodes"][parent]["relation"][dialect] not in sql:
                    sys.exit(f"{node_id} on {dialect} does not read {parent} from production:\n{sql}")
                read += 1
    if read == 0:
        sys.exit("no selected model reads a deferred parent")


def main() -> None:
    out = Path(sys.argv[1])
    changes = json.loads((ROOT / "tests/data/slim_ci/changes.json").read_text())
    shutil.rmtree(out, ignore_errors=True)
    project = out / "project"
    shutil.copytree(ROOT / "examples" / changes["example"], project)
    run("build", str(project), "--out", str(out / "prod"), "--run-date", "2026-11-20")
    apply(project, changes["edits"])
    apply(project, changes["ci"])
    run("build", str(project), "--env", "ci", "--out", str(out / "ci"), "--run-date", "2026-11-20",
        "--select", "state:modified+", "--defer", "--state", str(out / "prod"))
    manifest = json.loads((out / "ci" / "manifest.json").read_text())
    prod = json.loads((out / "prod" / "manifest.json").read_text())
    picked = manifest["selection"]["nodes"]
    if not picked or not manifest["selection"]["deferred"]:
        sys.exit(f"the slim CI build picked {picked} and deferred {manifest['selection']['deferred']}")
    check_names(out / "ci", manifest, prod)
    print(f"slim CI: {len(picked)} nodes built, {len(manifest['selection']['deferred'])} models read from production")


if __name__ == "__main__":
    main()
