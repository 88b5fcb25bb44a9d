"""A seeded random generator of journey projects for the differential test
(tests/python/test_journeys.py): valid `.cjo` journeys (LANGUAGE.md,
"Journeys"; docs/language.md) over one profile relation and two event
relations, with random profiles and event histories around daily ticks.

Everything is drawn from one `random.Random(seed)`, so a seed gives the
same project on every machine. The generator only writes text and CSV; it
does not run cjoc.

Shape of a project (`Project.write(dir)`):

    cjo.toml                 bigquery, redshift and trino targets
    sources.cjo              customers (profile), clicks and orders (events)
    journeys.cjo             the journeys j0, j1, … (`jump jK.s` only to a
                             later journey, so jumps never form a circle)
    data/<relation>.csv      `cjoc simulate --data` input (empty = NULL)
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

# The ticks: T0 + every … T0 + TICKS · every (T0 is a Sunday); every is
# 1 day for most projects, 12 or 6 hours for some.
T0 = dt.datetime(2026, 3, 1)
TICKS = 8

PLANS = ["free", "pro", "team", "Free", ""]
CLICK_KINDS = ["open", "view", "cart", "unsub", "bounce"]
ORDER_STATUS = ["paid", "refunded", "pending"]
# The profile's `status` has the name of an orders column: in an orders
# quantifier's `where`, `status` is the event's, `customers.status` the
# profile's.
PROFILE_STATUS = ["active", "paused"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def every_text(hours: int) -> str:
    return "1 day" if hours == 24 else f"{hours} hours"



def kleene_and(a: str, b: str) -> str:
    if "F" in (a, b):
        return "F"
    return "T" if a == b == "T" else "U"


def kleene_or(values: list[str]) -> str:
    if "T" in values:
        return "T"
    return "F" if all(v == "F" for v in values) else "U"


@dataclass
class Step:
    name: str
    kind: str  # activate wait wait_until_date wait_until_weekday wait_until decide ab_test merge jump jump_journey end
    text: str = ""  # filled by render
    targets: list[int] = field(default_factory=list)  # explicit successors (indices), in branch order
    falls_through: bool = False  # continues with the next declared step (no `-> s`)
    data: dict = field(default_factory=dict)


class Gen:
    def __init__(self, seed: int, key_int: bool, every_hours: int):
        self.r = random.Random(seed)
        self.key_int = key_int
        self.every_hours = every_hours

    def tick_time(self, n: int) -> dt.datetime:
        return T0 + dt.timedelta(hours=self.every_hours * n)

    # ---------------------------------------------------------------- criteria

    def duration(self, short: bool = False) -> str:
        r = self.r
        if r.random() < 0.4:
            h = r.choice([6, 12, 24, 36, 48] if not short else [6, 12, 24])
            return f"{h} hours" if h != 1 else "1 hour"
        d = r.choice([1, 2, 3] if not short else [1, 2])
        return "1 day" if d == 1 else f"{d} days"

    def profile_atom(self) -> str:
        r = self.r
        c = r.randrange(14)
        return [
            lambda: f"age >= {r.randint(18, 60)}",
            lambda: f"age < {r.randint(18, 60)}",
            lambda: f"plan = '{r.choice(PLANS[:3])}'",
            lambda: "plan is null",
            lambda: "plan in ('free', 'pro')",
            lambda: "vip",
            lambda: "vip = false",
            lambda: f"signup < date '2026-02-{r.randint(10, 28):02d}'",
            lambda: f"signup <= $run_date - {r.randint(1, 20)} days",
            lambda: f"score > {r.randint(0, 99)}.{r.randint(0, 99):02d}",
            lambda: f"score between {r.randint(0, 40)}.5 and {r.randint(40, 99)}.25",
            lambda: "age is not null and not vip",
            lambda: f"status = '{r.choice(PROFILE_STATUS)}'",
            lambda: "status is null or score is null",
        ][c]()

    def event_where(self, rel: str) -> str:
        r = self.r
        if rel == "clicks":
            atoms = [
                lambda: f"kind = '{r.choice(CLICK_KINDS)}'",
                lambda: f"kind in ('{r.choice(CLICK_KINDS)}', '{r.choice(CLICK_KINDS)}')",
                lambda: f"amount > {r.randint(0, 8)}",
                lambda: "amount is null",
                lambda: "amount > age",
            ]
        else:
            atoms = [
                lambda: f"status = '{r.choice(ORDER_STATUS)}'",
                lambda: f"total >= {r.randint(0, 80)}.{r.choice(['0', '5', '25'])}",
                lambda: "total > score",
                lambda: "status is null",
                lambda: f"customers.status = '{r.choice(PROFILE_STATUS)}'",
                lambda: "status = customers.status",
            ]
        parts = [r.choice(atoms)() for _ in range(r.choice([1, 1, 2]))]
        return " and ".join(parts)

    def quantifier(self, events: list[str], anchors: list[str]) -> str:
        r = self.r
        rel = r.choice(events)
        q = "any" if r.random() < 0.6 else "count"
        s = f"{q} {rel}"
        if r.random() < 0.8:
            s += " where " + self.event_where(rel)
        if r.random() < 0.35:
            s += f" within {self.duration()}"
        if anchors and r.random() < 0.5:
            s += f" since {r.choice(anchors)}"
        if q == "count":
            op = r.choice([">=", ">=", ">", "=", "<", "<=", "!="])
            s += f" {op} {r.randint(0, 3)}"
        return f"({s})"

    def criterion(self, events: list[str], anchors: list[str], p_event: float = 0.6) -> str:
        r = self.r

        # Alongside the text, what the criterion is before the customer
        # enters, in three-valued logic (E0511: a goal or exit that is true
        # then blocks every entry): an anchored quantifier is false there,
        # anything else unknown. `and` binds tighter than `or`: the value is
        # an `or` of `and` chains until parentheses close it.
        def atom() -> tuple[str, str]:
            if events and r.random() < p_event:
                q = self.quantifier(events, anchors)
                return q, "F" if " since " in q else "U"
            return self.profile_atom(), "U"

        n = r.choice([1, 1, 1, 2, 2, 3])
        parts = [atom() for _ in range(n)]
        out, chain = parts[0]
        chains: list[str] = []
        for p, truth in parts[1:]:
            op = r.choice(['and', 'or', 'or'])
            out = f"{out} {op} {p}"
            if op == "and":
                chain = kleene_and(chain, truth)
            else:
                chains.append(chain)
                chain = truth
            if r.random() < 0.3:
                out = f"({out})"
                chain, chains = kleene_or(chains + [chain]), []
        truth = kleene_or(chains + [chain])
        if r.random() < 0.1:
            out = f"not ({out})"
            truth = {"T": "F", "F": "T"}.get(truth, "U")
        self.before_entry = truth
        return out

    def goal_or_exit(self, events: list[str]) -> str:
        """A goal or journey-level exit criterion that is not true for
        everyone before entry (which cjoc reports as E0511)."""
        while True:
            c = self.criterion(events, ['journey_start'])
            if self.before_entry != "T":
                return c

    # ---------------------------------------------------------------- steps

    def stage_steps(self, si: int, n_stages: int, jname: str, later_journeys: list[tuple[str, list[str]]],
                    stage_names: list[str], events: list[str]) -> list[Step]:
        r = self.r
        n = r.randint(1, 6)
        kinds = []
        for i in range(n):
            last = i == n - 1
            choices = ["activate"] * 4 + ["wait"] * 3 + ["wait_until_date", "wait_until_weekday", "merge"]
            if not last:
                choices += ["wait_until"] * 2 + ["decide"] * 3 + ["ab_test"] * 2 + ["end"]
            if si + 1 < n_stages:
                choices += ["jump"]
            if later_journeys:
                choices += ["jump_journey"]
            if last:
                choices += ["end"]
            kinds.append(r.choice(choices))
        steps = [Step(name=f"p{i}", kind=k) for i, k in enumerate(kinds)]
        for i, st in enumerate(steps):
            later = list(range(i + 1, n))
            if st.kind in ("activate", "wait", "wait_until_date", "wait_until_weekday", "merge"):
                if later and r.random() < 0.3:
                    st.targets = [r.choice(later)]
                else:
                    st.falls_through = True
            elif st.kind == "wait_until":
                st.falls_through = True
                st.targets = [r.choice(later)]
            elif st.kind == "decide":
                st.targets = [r.choice(later) for _ in range(r.randint(1, 3) + 1)]  # whens + else
            elif st.kind == "ab_test":
                arms = r.randint(1, 3) + (1 if r.random() < 0.6 else 0)
                st.targets = [r.choice(later) for _ in range(arms)]
                st.data["control"] = arms > 1 and r.random() < 0.7  # an ab_test needs a variant (E0210)
            elif st.kind == "jump":
                st.data["stage"] = r.choice(stage_names[si + 1:])
            elif st.kind == "jump_journey":
                j, stages = r.choice(later_journeys)
                st.data["to"] = f"{j}.{r.choice(stages)}"
        # Keep the steps the first one reaches (a dropped step is never the
        # implicit next of a kept one, so fall-throughs are unchanged).
        reach = {0}
        for i, st in enumerate(steps):
            if i not in reach:
                continue
            reach.update(st.targets)
            if st.falls_through and i + 1 < n:
                reach.add(i + 1)
        kept = [st for i, st in enumerate(steps) if i in reach]
        names = {i: steps[i].name for i in range(n)}
        step_anchors = ["journey_start", "stage_start", "step_start"]
        for st in kept:
            t = [names[x] for x in st.targets]
            arrow = f" -> {t[0]}" if st.targets and st.kind not in ("wait_until", "decide", "ab_test") else ""
            if st.kind == "activate":
                st.text = f'activate "{jname}.{st.name}.{r.choice(["email", "push", "sms"])}"{arrow}'
            elif st.kind == "wait":
                st.text = f"wait {self.duration()}{arrow}"
            elif st.kind == "wait_until_date":
                d = self.tick_time(r.randint(-3, TICKS + 1)).date()
                st.text = f'wait until date "{d.isoformat()}"{arrow}'
            elif st.kind == "wait_until_weekday":
                days = r.sample(WEEKDAYS, r.randint(1, 3))
                st.text = f"wait until weekday {', '.join(days)}{arrow}"
            elif st.kind == "merge":
                st.text = f"merge{arrow}"
            elif st.kind == "wait_until":
                c = self.criterion(events, step_anchors, p_event=0.8)
                st.text = f"wait until {c} timeout {self.duration()} -> {t[0]}"
            elif st.kind == "decide":
                lines = [f"      when {self.criterion(events, step_anchors)} -> {x}" for x in t[:-1]]
                lines.append(f"      else -> {t[-1]}")
                st.text = "decide {\n" + "\n".join(lines) + "\n    }"
            elif st.kind == "ab_test":
                arms = len(t)
                bps = self.split(arms)
                lines = []
                for k, (x, bp) in enumerate(zip(t, bps)):
                    share = f"{bp // 100}%" if bp % 100 == 0 else f"{bp // 100}.{bp % 100:02d}%"
                    if k == 0 and st.data["control"]:
                        lines.append(f"      control {share} -> {x}")
                    else:
                        lines.append(f"      variant v{k} {share} -> {x}")
                st.text = "ab_test {\n" + "\n".join(lines) + "\n    }"
            elif st.kind == "jump":
                st.text = f"jump {st.data['stage']}"
            elif st.kind == "jump_journey":
                st.text = f"jump {st.data['to']}"
            elif st.kind == "end":
                st.text = "end"
        return kept

    def split(self, arms: int) -> list[int]:
        r = self.r
        if r.random() < 0.5:
            cuts = sorted(r.sample(range(1, 100), arms - 1))
            cuts = [c * 100 for c in cuts]
        else:
            cuts = sorted(r.sample(range(1, 10000), arms - 1))
        bounds = [0] + cuts + [10000]
        return [b - a for a, b in zip(bounds, bounds[1:])]

    # ---------------------------------------------------------------- journeys

    def stage_criterion(self, events: list[str], anchors: list[str]) -> str:
        # cjoc bug (reported): a criterion ending in a bare column name
        # (`… and vip`) followed by a line `entry:` or `milestone:` does not
        # parse (E0010 at the column). Parenthesised, it does.
        c = self.criterion(events, anchors)
        return f"({c})" if c.endswith("vip") else c

    def journey(self, name: str, later_journeys: list[tuple[str, list[str]]], stage_names: list[str]) -> str:
        r = self.r
        events = r.choice([["clicks"], ["orders"], ["clicks", "orders"], ["clicks", "orders"]])
        lines = [f"journey {name} {{", "  profiles = customers", "  key = customer_id",
                 f"  events = [{', '.join(events)}]"]
        rule = r.choice(["none", "unless_goal", "always", "always", "unless_goal"])
        reentry = rule
        if rule != "none" and r.random() < 0.5:
            reentry += f" cooldown {self.duration()}"
        if r.random() < 0.85:
            lines.append(f"  reentry = {reentry}")
        if r.random() < 0.3:
            lines.append(f'  timezone = "{r.choice(["Asia/Tokyo", "America/New_York", "UTC"])}"')
        lines.append("  consistency_sample = 100%")
        if r.random() < 0.6:
            lines.append(f"  goal reached: {self.goal_or_exit(events)}")
        for k in range(r.choice([0, 0, 1, 2])):
            lines.append(f"  exit x{k}: {self.goal_or_exit(events)}")
        n = len(stage_names)
        for si, sname in enumerate(stage_names):
            lines.append(f"  stage {sname} {{")
            if si == 0 and r.random() < 0.95 or si > 0 and r.random() < 0.5:
                lines.append(f"    entry: {self.stage_criterion(events, [])}")
            for k in range(r.choice([0, 0, 1])):
                lines.append(f"    exit y{k}: {self.stage_criterion(events, ['journey_start', 'stage_start'])}")
            if r.random() < 0.4:
                lines.append(f"    milestone: {self.stage_criterion(events, ['journey_start', 'stage_start'])}")
            for st in self.stage_steps(si, n, name, later_journeys, stage_names, events):
                lines.append(f"    step {st.name}: {st.text}")
            lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"

    # ---------------------------------------------------------------- data

    def key(self, i: int) -> str:
        return str(100 + i * 7) if self.key_int else f"c{i:02d}"

    def event_time(self) -> dt.datetime:
        r = self.r
        u = r.random()
        if u < 0.08:  # long before the first tick
            return T0 - dt.timedelta(days=r.randint(3, 30), seconds=r.randrange(86400))
        n = r.randint(-3, TICKS + 1)
        if u < 0.35:  # exactly on a tick boundary
            return self.tick_time(n)
        if u < 0.45:  # one second before or after a tick
            return self.tick_time(n) + dt.timedelta(seconds=r.choice([-1, 1]))
        return self.tick_time(n) + dt.timedelta(seconds=r.randrange(self.every_hours * 3600))

    def data(self) -> dict[str, list[list[str]]]:
        r = self.r
        n = r.randint(10, 40)
        keys = [self.key(i) for i in range(n)]

        def maybe(v: str, p: float = 0.12) -> str:
            return "" if r.random() < p else v

        customers = [["customer_id", "age", "plan", "vip", "signup", "score", "status"]]
        for k in keys:
            customers.append([
                k,
                maybe(str(r.randint(16, 70))),
                maybe(r.choice(["free", "pro", "team"])),
                maybe(r.choice(["true", "false"])),
                maybe((T0.date() - dt.timedelta(days=r.randint(0, 40))).isoformat()),
                maybe(f"{r.randint(0, 99)}.{r.randint(0, 99):02d}"),
                maybe(r.choice(PROFILE_STATUS + ORDER_STATUS[:1])),
            ])
        clicks = [["customer_id", "kind", "amount", "clicked_at"]]
        orders = [["customer_id", "total", "status", "ordered_at"]]
        for k in keys:
            for _ in range(r.choice([0, 1, 2, 3, 4, 6, 8])):
                clicks.append([k, maybe(r.choice(CLICK_KINDS), 0.05), maybe(str(r.randint(0, 9)), 0.2), ts(self.event_time())])
            for _ in range(r.choice([0, 0, 1, 2, 3])):
                orders.append([k, maybe(f"{r.randint(0, 90)}.{r.choice(['00', '50', '25'])}", 0.1),
                               maybe(r.choice(ORDER_STATUS), 0.1), ts(self.event_time())])
        # Events of a customer with no profile row are never seen.
        if r.random() < 0.5:
            clicks.append([self.key(n + 5), "open", "1", ts(self.tick_time(1))])
        return {"customers": customers, "clicks": clicks, "orders": orders}


SOURCES = """\
source customers = "crm.customers" {{
  customer_id: {key} not null
  age: int
  plan: string
  vip: bool
  signup: date
  score: decimal(10, 2)
  status: string
}}

source clicks = "ev.clicks" {{
  customer_id: {key} not null
  kind: string
  amount: int
  clicked_at: timestamp not null
}}

source orders = "ev.orders" {{
  customer_id: {key} not null
  total: decimal(10, 2)
  status: string
  ordered_at: timestamp not null
}}
"""

CJO_TOML = """\
[project]
name = "{name}"
default_target = "bigquery"
timezone = "{timezone}"

[targets.bigquery]
project = "proj"
dataset = "cjo"

[targets.redshift]
schema = "cjo"

[targets.trino]
catalog = "lake"
schema = "cjo"
"""


@dataclass
class Project:
    seed: int
    journeys: dict[str, str]  # name -> .cjo text
    data: dict[str, list[list[str]]]
    key_int: bool
    every_hours: int
    timezone: str

    @property
    def start(self) -> dt.datetime:
        return T0

    @property
    def end(self) -> dt.datetime:
        return T0 + dt.timedelta(hours=self.every_hours * TICKS)

    @property
    def every(self) -> str:
        return every_text(self.every_hours)

    def write(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        (root / "cjo.toml").write_text(CJO_TOML.format(name=f"gen{self.seed}", timezone=self.timezone))
        (root / "sources.cjo").write_text(SOURCES.format(key="int" if self.key_int else "string"))
        (root / "journeys.cjo").write_text("\n".join(self.journeys.values()))
        data = root / "data"
        data.mkdir(exist_ok=True)
        for rel, rows in self.data.items():
            with (data / f"{rel}.csv").open("w", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(rows)


def generate(seed: int, n_journeys: int) -> Project:
    """A project of `n_journeys` random journeys j0…j{n-1} and its data."""
    meta = random.Random(seed * 7919 + 1)
    key_int = meta.random() < 0.25
    every_hours = meta.choice([24] * 7 + [12] * 2 + [6])
    timezone = meta.choice(["UTC", "UTC", "Asia/Tokyo"])
    g = Gen(seed, key_int, every_hours)
    stage_names = {}
    for k in range(n_journeys):
        stage_names[f"j{k}"] = [f"s{i}" for i in range(g.r.randint(1, 4))]
    journeys = {}
    for k in range(n_journeys):
        name = f"j{k}"
        later = [(f"j{m}", stage_names[f"j{m}"]) for m in range(k + 1, n_journeys)]
        if g.r.random() < 0.6:
            later = []  # most journeys do not jump to another
        journeys[name] = g.journey(name, later, stage_names[name])
    return Project(seed=seed, journeys=journeys, data=g.data(), key_int=key_int, every_hours=every_hours,
                   timezone=timezone)


if __name__ == "__main__":
    import sys

    p = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path("/tmp/journeygen")
    p.write(out)
    print(out)
