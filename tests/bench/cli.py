#!/usr/bin/env python3
"""Times `cjoc check` and `cjoc build` on generated projects, as a user runs them.

Generates projects of 1,000, 10,000 and 50,000 models (`gen-project`, kept
under /dev/shm between runs and made again when the generator changes), runs
each command several times after a warm-up (each build into a fresh
output folder), and prints the median wall time,
user+sys time and peak memory (RSS) of each, measured by the kernel for the
process (wait4). With `--baseline CJOC` the same runs alternate with that
binary and the ratios are printed (new / baseline: below 1 is faster); with
`--dbt PATH/bin/dbt` an equivalent dbt project is generated and `dbt parse`
is timed beside `cjoc check`.

    python3 tests/bench/cli.py [--cjoc PATH] [--baseline PATH] [--dbt PATH]
                               [--sizes 1000,10000,50000] [--runs 5]

Python 3.9+, standard library only, Linux (wait4 and /dev/shm).
"""

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = "bigquery,redshift,trino"
RUN_DATE = "2026-11-20"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    p.add_argument("--cjoc", type=Path, default=target / "release" / "cjoc",
                   help="the cjoc to time (default: the release build, built if missing)")
    p.add_argument("--baseline", type=Path, help="a second cjoc to compare with")
    p.add_argument("--dbt", type=Path, help="a dbt executable (dbt-core with dbt-duckdb) to time `dbt parse`")
    p.add_argument("--sizes", default="1000,10000,50000", help="model counts, comma-separated")
    p.add_argument("--runs", type=int, default=5, help="counted runs of each command (after one warm-up)")
    p.add_argument("--commands", default="check,build", help="which of check,build to time")
    p.add_argument("--cache", type=Path, default=Path("/dev/shm/cjo-bench"),
                   help="where generated projects and build outputs live")
    return p.parse_args()


def run(cmd, **kw):
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def generator_stamp():
    """What the generated projects depend on: a change regenerates them."""
    h = hashlib.sha256()
    for rel in ["tests/src/generate.rs", "tests/src/bin/gen-project.rs", "tests/fixtures/catalog"]:
        path = ROOT / rel
        for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if f.is_file():
                h.update(f.read_bytes())
    return h.hexdigest()


def project(cache, models, dbt=False):
    """The generated project of `models` models (made once, kept)."""
    dir = cache / f"{'dbt' if dbt else 'cjo'}-{models}"
    stamp = generator_stamp()
    stamp_file = cache / f"{dir.name}.stamp"
    if stamp_file.exists() and stamp_file.read_text() == stamp and dir.exists():
        return dir
    shutil.rmtree(dir, ignore_errors=True)
    cmd = ["cargo", "run", "-q", "-p", "cjo-tests", "--bin", "gen-project", "--",
           "--models", str(models)] + (["--dbt"] if dbt else []) + [str(dir)]
    run(cmd)
    stamp_file.write_text(stamp)
    return dir


def measure(cmd, cwd=None):
    """One run: (wall s, user+sys s, peak RSS MB), from the kernel's accounting."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    # wait4 gives this child's own usage (getrusage(RUSAGE_CHILDREN) would
    # sum every child so far); stderr is drained first so it cannot block.
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"`{' '.join(map(str, cmd))}` exited {proc.returncode}:\n{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def medians(samples):
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


def series(commands, runs, fresh=None):
    """Runs each command once to warm up, then `runs` times in turn (A B A B …).

    `fresh`: for each command, a folder removed before each of its runs (a
    build's output: each run writes it anew).
    """
    samples = [[] for _ in commands]

    def one(i):
        if fresh:
            shutil.rmtree(fresh[i], ignore_errors=True)
        return measure(*commands[i])

    for i in range(len(commands)):
        one(i)
    for _ in range(runs):
        for i in range(len(commands)):
            samples[i].append(one(i))
    return [medians(s) for s in samples]


def cjoc_command(cjoc, what, dir, out):
    if what == "check":
        return [str(cjoc), "--color", "never", "check", str(dir)]
    return [str(cjoc), "--color", "never", "build", str(dir), "--target", TARGETS,
            "--run-date", RUN_DATE, "--out", str(out)]


def fmt(m):
    return f"{m[0]:7.3f} {m[1]:8.3f} {m[2]:8.0f}"


def main():
    args = parse_args()
    if not args.cjoc.exists():
        run(["cargo", "build", "--release", "-p", "cjoc"])
    args.cache.mkdir(parents=True, exist_ok=True)
    binaries = [args.cjoc] + ([args.baseline] if args.baseline else [])
    head = f"{'models':>7} {'command':<10} {'wall s':>7} {'cpu s':>8} {'peak MB':>8}"
    if args.baseline:
        head += f" | {'base wall':>9} {'cpu s':>8} {'peak MB':>8} | {'ratio wall':>10} {'cpu':>5} {'peak':>5}"
    print(f"cjoc: {args.cjoc}" + (f"\nbaseline: {args.baseline}" if args.baseline else ""))
    print(f"{os.cpu_count()} cores; median of {args.runs} runs after a warm-up; cpu = user + sys")
    print(head)
    for models in (int(s) for s in args.sizes.split(",")):
        dir = project(args.cache, models)
        results = {}
        for what in args.commands.split(","):
            outs = [args.cache / f"out-{models}-{i}" for i in range(len(binaries))]
            commands = [(cjoc_command(b, what, dir, out),) for b, out in zip(binaries, outs)]
            got = series(commands, args.runs, outs if what == "build" else None)
            results[what] = got[0]
            line = f"{models:>7} {what:<10} {fmt(got[0])}"
            if args.baseline:
                ratio = [a / b if b else float("nan") for a, b in zip(got[0], got[1])]
                line += f" | {fmt(got[1]):>28} | {ratio[0]:10.2f} {ratio[1]:5.2f} {ratio[2]:5.2f}"
            print(line, flush=True)
        for i in range(len(binaries)):
            shutil.rmtree(args.cache / f"out-{models}-{i}", ignore_errors=True)
        if args.dbt:
            dbt_dir = project(args.cache, models, dbt=True)
            cmd = [str(args.dbt.resolve()), "parse", "--no-partial-parse", "--project-dir", str(dbt_dir),
                   "--profiles-dir", str(dbt_dir)]
            (got,) = series([(cmd, dbt_dir)], max(1, min(args.runs, 3)))
            line = f"{models:>7} {'dbt parse':<10} {fmt(got)}"
            if "check" in results:
                line += f" | dbt parse / cjoc check: wall {got[0] / results['check'][0]:.0f}×"
            print(line, flush=True)


if __name__ == "__main__":
    main()
