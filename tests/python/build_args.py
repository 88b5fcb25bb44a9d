"""How a cjoc build was made, read back from its manifest.

The Airflow and Digdag tests compare the scheduler files of a build with a
literal `cjoc build` of the same project for one interval: that build must
be made with the same environment and selection.
"""

from __future__ import annotations


def same_build_args(manifest: dict) -> list[str]:
    """`--env`, and a selected build's `--select`/`--exclude`/`--selector`/`--state`/`--defer`."""
    args: list[str] = []
    if manifest.get("environment"):
        args += ["--env", manifest["environment"]]
    selection = manifest.get("selection")
    if selection:
        for s in selection["select"]:
            args += ["--select", s]
        for x in selection["exclude"]:
            args += ["--exclude", x]
        for n in selection.get("selectors", []):
            args += ["--selector", n]
        if selection["state"]:
            args += ["--state", selection["state"]]
        if selection["defer"]:
            args.append("--defer")
    return args
