"""Every manifest.json a build wrote is valid against the checked-in JSON
Schema (schemas/manifest.v1.schema.json), and says true things about the
files beside it (in a selected build, about the selected tasks).

    python tests/python/test_manifest_schema.py BUILD_DIR...

Besides the schema: every SQL and scheduler file named exists, every id a
node depends on is a node, `order` puts each task after what it depends
on, the parent and child maps mirror each other, each pipeline's tasks
and edges are tasks and edges of the DAG, and a journey lists each of its
steps once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "manifest.v1.schema.json"


def facts(build: Path, m: dict) -> list[str]:
    problems = []
    nodes = m["nodes"]
    for nid, node in nodes.items():
        if node["id"] != nid:
            problems.append(f"{nid}: id {node['id']}")
        for path in node.get("sql", {}).values():
            if not (build / path).is_file():
                problems.append(f"{nid}: {path} does not exist")
        for dep in node.get("depends_on", []):
            if dep not in nodes:
                problems.append(f"{nid}: depends on {dep}, which is not a node")
        steps = node.get("steps", [])
        if len(set(steps)) != len(steps):
            problems.append(f"{nid}: steps listed twice in {steps}")
    position = {t: i for i, t in enumerate(m["order"])}
    tasks = {nid for nid, n in nodes.items() if n["kind"] != "source"}
    if m.get("selection") is not None:
        # A selected build lists every node, but orders and writes only
        # the picked tasks.
        tasks &= set(m["selection"]["nodes"])
        for nid, node in nodes.items():
            if nid not in m["selection"]["nodes"] and node.get("sql"):
                problems.append(f"{nid}: not selected, yet has SQL files")
    if set(position) != tasks:
        problems.append(f"order lists {len(position)} tasks, the nodes have {len(tasks)}")
    for nid in tasks:
        for dep in nodes[nid]["depends_on"]:
            if dep in position and position[dep] > position.get(nid, -1):
                problems.append(f"order puts {nid} before {dep}, which it depends on")
    for nid, parents in m["parent_map"].items():
        for parent in parents:
            if nid not in m["child_map"].get(parent, []):
                problems.append(f"parent_map says {parent} -> {nid}; child_map does not")
    for name, p in m["pipelines"].items():
        for t in p["tasks"]:
            if name not in nodes.get(t, {}).get("pipelines", []):
                problems.append(f"pipeline {name} runs {t}, whose node does not list it")
        for up, down in p["edges"]:
            if up not in nodes[down]["depends_on"]:
                problems.append(f"pipeline {name}: edge {up} -> {down} is not in the DAG")
        for path in p["files"].values():
            if not (build / path).is_file():
                problems.append(f"pipeline {name}: {path} does not exist")
        for w in p["waits"]:
            if w["pipeline"] not in m["pipelines"]:
                problems.append(f"pipeline {name} waits for {w['pipeline']}, which is not a pipeline")
        ids = [f["id"] for f in p["feeds"]]
        if len(set(ids)) != len(ids) or set(ids) & set(p["tasks"]):
            problems.append(f"pipeline {name}: feed ids {ids} repeat or clash with its tasks")
        for f in p["feeds"]:
            source = nodes.get(f["source"], {})
            if source.get("kind") != "source":
                problems.append(f"pipeline {name}: feed {f['id']} watches {f['source']}, which is not a source")
            elif f["time_column"] not in {c["name"] for c in source.get("columns", [])}:
                problems.append(f"pipeline {name}: feed {f['id']} watches {f['time_column']}, not a column of {f['source']}")
            for t in f["needed_by"]:
                if t not in p["tasks"] or f["source"] not in nodes[t]["depends_on"]:
                    problems.append(f"pipeline {name}: feed {f['id']} gates {t}, which it does not run or which does not read {f['source']}")
    return problems


def main(dirs: list[str]) -> int:
    schema = json.loads(SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    problems, count = [], 0
    for d in dirs:
        for path in sorted(Path(d).glob("**/manifest.json")):
            count += 1
            m = json.loads(path.read_text())
            for e in sorted(validator.iter_errors(m), key=lambda e: list(e.absolute_path)):
                where = "/".join(str(p) for p in e.absolute_path)
                problems.append(f"{path}: {where}: {e.message}")
            problems += [f"{path}: {p}" for p in facts(path.parent, m)]
    for p in problems[:50]:
        print(f"FAIL {p}")
    print(f"manifest schema: {count} manifest(s) checked against {SCHEMA.name}: "
          f"{'all valid' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
