#!/usr/bin/env python3
"""Expected results of the examples' models over the fixture data, worked
out in plain Python from each model's meaning (its .cjo body) — not from
cjoc's SQL and not with a database — so that tests/python/test_execute.py
compares the SQL's results with an independent computation.

    python3 tests/data/reference.py           # rewrites tests/data/*/expected/*.csv
    python3 tests/data/reference.py --check   # exits 1 when a file would change

Inputs: tests/data/<example>/sources/<source>.csv (the warehouse tables) and
tests/data/<example>/state/<model>.csv (an incremental model's table as the
previous run left it). The run is the one test_execute.py builds:
`--run-date 2026-11-20`, so $run_start = 2026-11-20T00:00Z, $run_end =
2026-11-21T00:00Z, $run_date = 2026-11-20, and an incremental model with
`lookback = L` reads from $run_start - L.

SQL semantics kept in mind throughout: NULL never equals anything (joins,
MERGE keys), GROUP BY puts NULLs in one group, count(x) skips NULLs,
aggregates over no rows are NULL (count is 0), `where` drops rows whose
condition is NULL.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent
UTC = dt.timezone.utc
RUN_DATE = dt.date(2026, 11, 20)
RUN_START = dt.datetime(2026, 11, 20, tzinfo=UTC)
RUN_END = dt.datetime(2026, 11, 21, tzinfo=UTC)
DAY = dt.timedelta(days=1)

# --------------------------------------------------------------------------
# Reading and writing


def read(example: str, kind: str, name: str) -> list[dict[str, str | None]]:
    path = DATA / example / kind / f"{name}.csv"
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]


def ts(s):
    return None if s is None else dt.datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


def day(s):
    return None if s is None else dt.date.fromisoformat(s)


def num(s):
    return None if s is None else Decimal(s)


def boolean(s):
    return None if s is None else {"true": True, "false": False}[s]


def integer(s):
    return None if s is None else int(s)


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        v = v.astimezone(UTC)
        s = v.strftime("%Y-%m-%dT%H:%M:%S")
        if v.microsecond:
            s += f".{v.microsecond:06d}".rstrip("0")
        return s + "Z"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return format(v, ".10g")
    if isinstance(v, Decimal):
        if v == v.to_integral_value():
            return format(v.normalize(), "f")
        return format(v, "f") if -v.as_tuple().exponent <= 10 else format(v, ".10g")
    return str(v)


OUTPUTS: dict[Path, str] = {}


def expect(example: str, model: str, columns: list[str], rows: list[dict]) -> None:
    lines = [columns] + sorted(([fmt(r[c]) for c in columns] for r in rows))
    out = []
    for line in lines:
        buf = []
        for v in line:
            buf.append('"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n') else v)
        out.append(",".join(buf))
    OUTPUTS[DATA / example / "expected" / f"{model}.csv"] = "\n".join(out) + "\n"


def merge(state: list[dict], new: list[dict], key: list[str]) -> list[dict]:
    """An incremental model's table after a run: the rows of `new` replace
    the rows of `state` with the same key, the others are kept. A key with a
    NULL matches nothing (SQL `=`), so such rows are always inserted."""
    def k(r):
        return tuple(r[c] for c in key)

    new_keys = {k(r) for r in new if all(r[c] is not None for c in key)}
    kept = [r for r in state if any(r[c] is None for c in key) or k(r) not in new_keys]
    return kept + new


def round_half_up(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ratio(a, b, places: int):
    """round(1.0 * a / b, places); NULL when b is 0 or NULL (nullif)."""
    if a is None or not b:
        return None
    return round_half_up(Decimal(a) / Decimal(b), places)


def typed_state(example: str, model: str, types: dict[str, callable]) -> list[dict]:
    return [{c: types.get(c, lambda v: v)(v) for c, v in r.items()} for r in read(example, "state", model)]


# --------------------------------------------------------------------------
# onboarding


def onboarding() -> None:
    ex = "onboarding"
    customers = read(ex, "sources", "customers")
    orders = read(ex, "sources", "purchases")
    events = read(ex, "sources", "app_events")

    # customer_profiles: every customer but internal test accounts, with
    # their completed orders.
    profiles = []
    for c in customers:
        if c["account_status"] == "internal_test":
            continue
        done = [ts(o["ordered_at"]) for o in orders if o["customer_id"] == c["customer_id"] and o["order_status"] == "completed"]
        profiles.append({
            "customer_id": c["customer_id"],
            "signup_date": ts(c["signup_at"]).date(),
            "acquisition_channel": c["signup_channel"],
            "country_code": c["country_code"],
            "account_status": c["account_status"],
            "email_opt_in": boolean(c["email_opt_in"]) or False,
            "push_opt_in": boolean(c["push_opt_in"]) or False,
            "lifetime_orders": len(done),
            "first_order_at": min(done) if done else None,
        })
    expect(ex, "customer_profiles", list(profiles[0]), profiles)

    # onboarding_funnel_daily: incremental, lookback 14 days.
    start = (RUN_START - 14 * DAY).date()
    completed_profile = {e["customer_id"] for e in events if e["event_name"] == "profile_completed"}
    groups = defaultdict(list)
    for p in profiles:
        if start <= p["signup_date"] < RUN_END.date():
            groups[(p["signup_date"], p["acquisition_channel"])].append(p)
    new = []
    for (signup_date, channel), ps in groups.items():
        ids = {p["customer_id"] for p in ps}
        week = dt.datetime.combine(signup_date, dt.time(0), UTC) + 7 * DAY
        new.append({
            "signup_date": signup_date,
            "acquisition_channel": channel,
            "signups": len(ids),
            "profiles_completed": len(ids & completed_profile),
            "first_orders": len({p["customer_id"] for p in ps if p["first_order_at"] is not None}),
            "first_orders_7d": len({p["customer_id"] for p in ps if p["first_order_at"] is not None and p["first_order_at"] < week}),
        })
    state = typed_state(ex, "onboarding_funnel_daily", {
        "signup_date": day, "signups": integer, "profiles_completed": integer, "first_orders": integer,
        "first_orders_7d": integer,
    })
    rows = merge(state, new, ["signup_date", "acquisition_channel"])
    expect(ex, "onboarding_funnel_daily", list(new[0]), rows)


# --------------------------------------------------------------------------
# custom_reports


def custom_reports() -> None:
    import json

    ex = "custom_reports"
    accounts = {a["account_id"]: a for a in read(ex, "sources", "accounts")}
    events = read(ex, "sources", "site_events")
    for e in events:
        for c in ("page", "device", "experiment", "ecommerce"):
            e[c] = json.loads(e[c]) if e[c] else None
        e["ts"] = ts(e["event_timestamp"])

    def field(record, name):
        return None if record is None else record[name]

    def not_bot(e):
        return (field(e["device"], "category") or "unknown") != "bot"

    # stg_site_events (view): hits of live accounts, bots left out.
    stg = []
    for e in events:
        a = accounts.get(e["account_id"])
        if a is None or a["status"] not in ("active", "trial") or not not_bot(e):
            continue
        stg.append({
            "event_id": e["event_id"], "account_id": e["account_id"], "visitor_id": e["visitor_id"],
            "session_id": e["session_id"], "event_timestamp": e["ts"], "event_type": e["event_type"],
            "page_path": field(e["page"], "path"), "page_title": field(e["page"], "title"),
            "referrer": field(e["page"], "referrer"), "device_category": field(e["device"], "category"),
            "experiment_id": field(e["experiment"], "experiment_id"),
            "variant_id": field(e["experiment"], "variant_id"),
            "revenue": num(None if field(e["ecommerce"], "revenue") is None else str(e["ecommerce"]["revenue"])),
        })
    expect(ex, "stg_site_events", list(stg[0]), stg)

    # sessions: incremental, lookback 1 day.
    lo, hi = RUN_START - DAY, RUN_END
    hits = defaultdict(list)
    for h in stg:
        if h["session_id"] is not None and lo <= h["event_timestamp"] < hi:
            hits[(h["account_id"], h["session_id"])].append(h)
    new = []
    for (account, session), hs in hits.items():
        hs.sort(key=lambda h: (h["event_timestamp"], h["event_id"]))
        first = hs[0]
        for visitor in sorted({h["visitor_id"] for h in hs}):
            vs = [h for h in hs if h["visitor_id"] == visitor]
            revenues = [h["revenue"] for h in vs if h["revenue"] is not None]
            new.append({
                "account_id": account, "session_id": session, "visitor_id": visitor,
                "session_start": min(h["event_timestamp"] for h in vs),
                "session_end": max(h["event_timestamp"] for h in vs),
                "pageviews": sum(h["event_type"] == "pageview" for h in vs),
                "landing_page": first["page_path"] if first["visitor_id"] == visitor else None,
                "device_category": first["device_category"] if first["visitor_id"] == visitor else None,
                "experiment_id": max((h["experiment_id"] for h in vs if h["experiment_id"] is not None), default=None),
                "variant_id": max((h["variant_id"] for h in vs if h["variant_id"] is not None), default=None),
                "converted": any(h["event_type"] == "conversion" for h in vs),
                "revenue": sum(revenues) if revenues else Decimal(0),
            })
    state = typed_state(ex, "sessions", {
        "session_start": ts, "session_end": ts, "pageviews": integer, "converted": boolean, "revenue": num,
    })
    sessions = merge(state, new, ["account_id", "session_id"])
    expect(ex, "sessions", list(new[0]), sessions)

    # page_metrics: incremental, lookback 1 day.
    views = defaultdict(list)
    for h in stg:
        if h["event_type"] == "pageview" and lo <= h["event_timestamp"] < hi:
            views[(h["account_id"], h["event_timestamp"].date(), h["page_path"])].append(h)
    landings = defaultdict(list)
    for s in sessions:
        if lo <= s["session_start"] < hi:
            landings[(s["account_id"], s["session_start"].date(), s["landing_page"])].append(s)
    new = []
    for key, vs in views.items():
        ls = landings.get(key, []) if None not in key else []
        new.append({
            "account_id": key[0], "report_date": key[1], "page_path": key[2],
            "pageviews": len(vs), "unique_visitors": len({h["visitor_id"] for h in vs}),
            "entrances": len(ls), "bounces": sum(s["pageviews"] == 1 for s in ls),
            "converted_sessions": sum(bool(s["converted"]) for s in ls),
            "revenue": sum((s["revenue"] for s in ls), Decimal(0)),
        })
    state = typed_state(ex, "page_metrics", {
        "report_date": day, "pageviews": integer, "unique_visitors": integer, "entrances": integer,
        "bounces": integer, "converted_sessions": integer, "revenue": num,
    })
    metrics = merge(state, new, ["account_id", "report_date", "page_path"])
    expect(ex, "page_metrics", list(new[0]), metrics)

    # acme_landing_pages: the 28 days before the run date, pages with >= 10 entrances.
    pages = defaultdict(list)
    for m in metrics:
        if m["account_id"] == "acme" and RUN_DATE - 28 * DAY <= m["report_date"] < RUN_DATE:
            pages[m["page_path"]].append(m)
    rows = []
    for path, ms in pages.items():
        entrances = sum(m["entrances"] for m in ms)
        if entrances < 10:
            continue
        bounces = sum(m["bounces"] for m in ms)
        inquiries = sum(m["converted_sessions"] for m in ms)
        rows.append({
            "landing_page": path, "pageviews": sum(m["pageviews"] for m in ms), "sessions": entrances,
            "bounces": bounces, "inquiries": inquiries,
            "bounce_rate": ratio(bounces, entrances, 4), "inquiry_rate": ratio(inquiries, entrances, 4),
        })
    expect(ex, "acme_landing_pages", ["landing_page", "pageviews", "sessions", "bounces", "inquiries", "bounce_rate",
                                      "inquiry_rate"], rows)

    # acme_hero_lift: A/B cells with >= 100 sessions.
    cells = defaultdict(list)
    for s in sessions:
        if s["account_id"] == "acme" and s["experiment_id"] == "exp_2026q1_top_hero" and s["session_start"] < RUN_END:
            cells[(s["variant_id"], s["device_category"])].append(s)
    rows = []
    for (variant, device), ss in cells.items():
        if len(ss) < 100:
            continue
        conversions = sum(bool(s["converted"]) for s in ss)
        rows.append({
            "variant_id": variant, "device_category": device, "sessions": len(ss), "conversions": conversions,
            "conversion_rate": ratio(conversions, len(ss), 4),
            "first_session_at": min(s["session_start"] for s in ss),
            "last_session_at": max(s["session_start"] for s in ss),
        })
    expect(ex, "acme_hero_lift", ["variant_id", "device_category", "sessions", "conversions", "conversion_rate",
                                  "first_session_at", "last_session_at"], rows)

    # shopco_products (BigQuery only): one row per SKU over the 28 days before $run_end.
    skus = defaultdict(list)
    for e in events:
        if e["account_id"] != "shopco" or not (RUN_END - 28 * DAY <= e["ts"] < RUN_END) or not not_bot(e):
            continue
        for it in field(e["ecommerce"], "items") or []:
            skus[it["sku"]].append((e, it))
    rows = []
    for sku, pairs in skus.items():
        viewers = {e["visitor_id"] for e, _ in pairs if e["event_type"] == "product_view"}
        if len(viewers) < 50:
            continue
        revenue = [Decimal(str(it["price"])) * it["quantity"] if e["event_type"] == "conversion" else Decimal(0)
                   for e, it in pairs
                   if e["event_type"] != "conversion" or (it["price"] is not None and it["quantity"] is not None)]
        rows.append({
            "sku": sku, "product_name": pairs[0][1]["name"], "product_category": pairs[0][1]["category"],
            "viewers": len(viewers),
            "cart_adds": sum(e["event_type"] == "add_to_cart" for e, _ in pairs),
            "orders": len({e["ecommerce"]["order_id"] for e, _ in pairs
                           if e["event_type"] == "conversion" and e["ecommerce"]["order_id"] is not None}),
            "item_revenue": sum(revenue) if revenue else None,
        })
    expect(ex, "shopco_products", ["sku", "product_name", "product_category", "viewers", "cart_adds", "orders",
                                   "item_revenue"], rows)


# --------------------------------------------------------------------------
# video_watch


def video_watch() -> None:
    import json

    ex = "video_watch"
    logs = read(ex, "sources", "video_watch_logs")
    lectures = {integer(l["lecture_id"]): l for l in read(ex, "sources", "lectures")}
    users = read(ex, "sources", "users")
    quipper = read(ex, "sources", "quipper_watch_events")
    lo, hi = RUN_START - 2 * DAY, RUN_END  # lookback = 2 days

    # watch_daily_user_lecture
    groups = defaultdict(list)
    for w in logs:
        t, d = ts(w["server_time"]), day(w["dt"])
        if t is None or d is None or w["user_id"] is None or w["lecture_id"] is None:
            continue
        if lo <= t < hi and lo.date() <= d <= hi.date():
            groups[(d, integer(w["user_id"]), integer(w["lecture_id"]))].append(w)
    new = []
    for (d, user, lecture), ws in groups.items():
        positions = [integer(w["position_seconds"]) for w in ws if w["position_seconds"] is not None]
        new.append({
            "watch_date": d, "user_id": user, "lecture_id": lecture,
            "watch_seconds": sum(integer(w["watch_seconds"]) or 0 for w in ws),
            "max_position_seconds": max(positions) if positions else None,
            "plays": sum(w["event_type"] == "play" for w in ws),
            "completed": any(w["event_type"] == "complete" for w in ws),
            "first_watched_at": min(ts(w["server_time"]) for w in ws),
            "last_watched_at": max(ts(w["server_time"]) for w in ws),
        })
    state = typed_state(ex, "watch_daily_user_lecture", {
        "watch_date": day, "user_id": integer, "lecture_id": integer, "watch_seconds": integer,
        "max_position_seconds": integer, "plays": integer, "completed": boolean, "first_watched_at": ts,
        "last_watched_at": ts,
    })
    wdul = merge(state, new, ["watch_date", "user_id", "lecture_id"])
    expect(ex, "watch_daily_user_lecture", list(new[0]), wdul)
    in_run = [r for r in wdul if lo <= r["first_watched_at"] < hi]

    # watch_daily_user
    groups = defaultdict(list)
    for r in in_run:
        groups[(r["watch_date"], r["user_id"])].append(r)
    new = [{
        "watch_date": d, "user_id": user, "lectures_watched": len(rs),
        "lectures_completed": sum(bool(r["completed"]) for r in rs),
        "watch_seconds": sum(r["watch_seconds"] for r in rs), "plays": sum(r["plays"] for r in rs),
        "first_watched_at": min(r["first_watched_at"] for r in rs),
        "last_watched_at": max(r["last_watched_at"] for r in rs),
    } for (d, user), rs in groups.items()]
    state = typed_state(ex, "watch_daily_user", {
        "watch_date": day, "user_id": integer, "lectures_watched": integer, "lectures_completed": integer,
        "watch_seconds": integer, "plays": integer, "first_watched_at": ts, "last_watched_at": ts,
    })
    wdu = merge(state, new, ["watch_date", "user_id"])
    expect(ex, "watch_daily_user", list(new[0]), wdu)

    # lecture_daily_stats: the average of each viewer's progress, capped at 1
    # (a lecture without a duration has none).
    groups = defaultdict(list)
    for r in in_run:
        if r["lecture_id"] in lectures:
            groups[(r["watch_date"], r["lecture_id"])].append(r)
    new = []
    for (d, lecture), rs in groups.items():
        l = lectures[lecture]
        duration = integer(l["duration_seconds"])
        progress = [min(Decimal(r["max_position_seconds"]) / duration, Decimal(1)) for r in rs
                    if duration and r["max_position_seconds"] is not None]
        new.append({
            "watch_date": d, "lecture_id": lecture, "course_id": integer(l["course_id"]), "subject": l["subject"],
            "grade": l["grade"], "viewers": len(rs), "completions": sum(bool(r["completed"]) for r in rs),
            "watch_seconds": sum(r["watch_seconds"] for r in rs),
            "avg_progress": sum(progress) / len(progress) if progress else None,
        })
    state = typed_state(ex, "lecture_daily_stats", {
        "watch_date": day, "lecture_id": integer, "course_id": integer, "viewers": integer, "completions": integer,
        "watch_seconds": integer, "avg_progress": num,
    })
    stats = merge(state, new, ["watch_date", "lecture_id"])
    expect(ex, "lecture_daily_stats", list(new[0]), stats)

    # subject_weekly_watch: ISO weeks (Monday) of the 91 days before the run date.
    groups = defaultdict(list)
    for r in wdul:
        if RUN_DATE - 91 * DAY <= r["watch_date"] < RUN_DATE and r["lecture_id"] in lectures:
            l = lectures[r["lecture_id"]]
            monday = r["watch_date"] - dt.timedelta(days=r["watch_date"].weekday())
            groups[(monday, l["subject"], l["grade"])].append(r)
    rows = [{
        "week_start": week, "subject": subject, "grade": grade,
        "active_learners": len({r["user_id"] for r in rs}), "lectures_watched": len({r["lecture_id"] for r in rs}),
        "watch_hours": round_half_up(Decimal(sum(r["watch_seconds"] for r in rs)) / 3600, 1),
        "completions": sum(bool(r["completed"]) for r in rs),
    } for (week, subject, grade), rs in groups.items()]
    expect(ex, "subject_weekly_watch", ["week_start", "subject", "grade", "active_learners", "lectures_watched",
                                        "watch_hours", "completions"], rows)

    # learner_engagement_segments: active learners (teachers left out), last 7 and 28 days.
    activity = defaultdict(list)
    for r in wdu:
        if RUN_DATE - 28 * DAY <= r["watch_date"] < RUN_DATE:
            activity[r["user_id"]].append(r)
    rows = []
    for u in users:
        if u["status"] != "active" or (boolean(u["is_teacher_account"]) or False):
            continue
        rs = activity.get(integer(u["user_id"]), [])
        days_7 = sum(r["watch_date"] >= RUN_DATE - 7 * DAY for r in rs)
        school = json.loads(u["school"]) if u["school"] else None
        segment = ("heavy" if rs and days_7 >= 4 else "regular" if rs and days_7 >= 1
                   else "lapsing" if len(rs) >= 1 else "dormant")
        rows.append({
            "user_id": integer(u["user_id"]), "grade": u["grade"], "plan": u["plan"],
            "prefecture": school["prefecture"] if school else None,
            "active_days_7d": days_7, "active_days_28d": len(rs),
            "watch_minutes_28d": sum(r["watch_seconds"] for r in rs) / 60,
            "last_watch_date": max((r["watch_date"] for r in rs), default=None),
            "engagement_segment": segment,
        })
    expect(ex, "learner_engagement_segments", list(rows[0]), rows)

    # lecture_dropoff_report: public lectures, last 28 days, >= 200 viewers, progress <= 0.5.
    groups = defaultdict(list)
    for s in stats:
        l = lectures.get(s["lecture_id"])
        if l and boolean(l["is_public"]) and RUN_DATE - 28 * DAY <= s["watch_date"] < RUN_DATE:
            groups[(s["lecture_id"], l["lecture_title"], l["teacher_name"], s["subject"], s["grade"])].append(s)
    rows = []
    for (lecture, title, teacher, subject, grade), ss in groups.items():
        viewers = sum(s["viewers"] for s in ss)
        weighted = [s["avg_progress"] * s["viewers"] for s in ss if s["avg_progress"] is not None]
        progress = sum(weighted) / viewers if weighted else None
        if viewers < 200 or progress is None or progress > Decimal("0.5"):
            continue
        rows.append({
            "lecture_id": lecture, "lecture_title": title, "teacher_name": teacher, "subject": subject,
            "grade": grade, "viewers": viewers,
            "completion_rate": ratio(sum(s["completions"] for s in ss), viewers, 3),
            "avg_progress": round_half_up(progress, 3),
        })
    expect(ex, "lecture_dropoff_report", ["lecture_id", "lecture_title", "teacher_name", "subject", "grade",
                                          "viewers", "completion_rate", "avg_progress"], rows)

    # global_daily_watch: UTC days, per country.
    groups = defaultdict(list)
    for q in quipper:
        t = ts(q["watched_at"])
        if lo <= t < hi:
            groups[(t.date(), q["country_code"])].append(q)
    new = [{
        "watch_date": d, "country_code": country, "learners": len({q["user_id"] for q in qs}),
        "videos_watched": len({q["video_id"] for q in qs}),
        "watch_seconds": sum(integer(q["watch_seconds"]) or 0 for q in qs),
    } for (d, country), qs in groups.items()]
    state = typed_state(ex, "global_daily_watch", {
        "watch_date": day, "learners": integer, "videos_watched": integer, "watch_seconds": integer,
    })
    expect(ex, "global_daily_watch", list(new[0]), merge(state, new, ["watch_date", "country_code"]))


# --------------------------------------------------------------------------
# crm_push


def crm_push() -> None:
    ex = "crm_push"
    members = {integer(m["member_id"]): m for m in read(ex, "sources", "members")}
    tokens = read(ex, "sources", "push_tokens")
    hours = {integer(h["member_id"]): h for h in read(ex, "sources", "member_active_hours")}
    favorites = read(ex, "sources", "favorite_artists")
    plays = read(ex, "sources", "play_logs")
    artists = {integer(a["artist_id"]): a for a in read(ex, "sources", "artists")}
    releases = read(ex, "sources", "releases")

    # push_reachable_members: each member's latest valid token (ties: device id).
    reachable = []
    for member_id, m in members.items():
        if m["member_status"] != "active" or not boolean(m["push_opt_in"]):
            continue
        valid = [t for t in tokens if integer(t["member_id"]) == member_id and boolean(t["is_valid"])
                 and t["invalidated_at"] is None]
        if not valid:
            continue
        latest = max(ts(t["last_registered_at"]) for t in valid)
        token = min((t for t in valid if ts(t["last_registered_at"]) == latest), key=lambda t: t["device_id"])
        h = hours.get(member_id)
        send_hour = integer(h["preferred_hour"]) if h and Decimal(h["confidence"]) >= Decimal("0.6") else 20
        reachable.append({"member_id": member_id, "plan_type": m["plan_type"], "push_token": token["push_token"],
                          "platform": token["platform"], "send_hour": send_hour})
    expect(ex, "push_reachable_members", list(reachable[0]), reachable)

    # artist_affinity: plays of >= 30 s in the 90 days before $run_end, full outer
    # join with the followed artists.
    agg = defaultdict(list)
    for p in plays:
        t, seconds = ts(p["played_at"]), integer(p["play_seconds"])
        if RUN_END - 90 * DAY <= t < RUN_END and seconds is not None and seconds >= 30 and p["artist_id"] is not None:
            agg[(integer(p["member_id"]), integer(p["artist_id"]))].append(t)
    fav = {(integer(f["member_id"]), integer(f["artist_id"])) for f in favorites}
    affinity = []
    for key in sorted(set(agg) | fav):
        ps = agg.get(key, [])
        affinity.append({
            "member_id": key[0], "artist_id": key[1], "plays_90d": len(ps),
            "play_days_90d": len({t.date() for t in ps}), "last_played_at": max(ps) if ps else None,
            "is_favorite": key in fav,
        })
    expect(ex, "artist_affinity", list(affinity[0]), affinity)

    # new_release_push_targets: one release of today per member, followed first.
    today = [r for r in releases if day(r["release_date"]) == RUN_DATE]
    by_member = defaultdict(list)
    for a in affinity:
        if not (a["is_favorite"] or a["play_days_90d"] >= 3):
            continue
        for r in today:
            if integer(r["artist_id"]) == a["artist_id"]:
                by_member[a["member_id"]].append((a, r))
    reach = {r["member_id"]: r for r in reachable}
    new_release = []
    for member_id, cands in by_member.items():
        a, r = min(cands, key=lambda c: (-int(c[0]["is_favorite"]), -c[0]["plays_90d"], integer(c[1]["release_id"])))
        if member_id not in reach or a["artist_id"] not in artists:
            continue
        rm = reach[member_id]
        new_release.append({
            "member_id": member_id, "push_token": rm["push_token"], "platform": rm["platform"],
            "send_hour": rm["send_hour"], "release_id": integer(r["release_id"]), "artist_id": a["artist_id"],
            "artist_name": artists[a["artist_id"]]["artist_name"], "release_title": r["release_title"],
        })
    expect(ex, "new_release_push_targets", ["member_id", "push_token", "platform", "send_hour", "release_id",
                                            "artist_id", "artist_name", "release_title"], new_release)

    # churn_prevention_push_targets: subscribers renewing within 7 days, no play for 14.
    last_play = defaultdict(lambda: None)
    for a in affinity:
        if a["last_played_at"] is not None and (last_play[a["member_id"]] is None
                                                or a["last_played_at"] > last_play[a["member_id"]]):
            last_play[a["member_id"]] = a["last_played_at"]
    cutoff = dt.datetime.combine(RUN_DATE - 14 * DAY, dt.time(0), UTC)
    churn = []
    for r in reachable:
        m = members[r["member_id"]]
        renews = day(m["subscription_renews_on"])
        lp = last_play[r["member_id"]]
        if r["plan_type"] == "subscription" and renews is not None and RUN_DATE <= renews < RUN_DATE + 7 * DAY \
                and (lp is None or lp < cutoff):
            churn.append({"member_id": r["member_id"], "push_token": r["push_token"], "platform": r["platform"],
                          "send_hour": r["send_hour"], "subscription_renews_on": renews, "last_played_at": lp})
    expect(ex, "churn_prevention_push_targets", ["member_id", "push_token", "platform", "send_hour",
                                                 "subscription_renews_on", "last_played_at"], churn)

    # crm_push_targets: one push per member, a new release first.
    targets = {}
    for campaign, rows in (("churn_prevention", churn), ("new_release", new_release)):
        for r in rows:
            targets[r["member_id"]] = {
                "member_id": r["member_id"], "push_token": r["push_token"], "platform": r["platform"],
                "send_hour": r["send_hour"], "campaign_type": campaign, "release_id": r.get("release_id"),
                "target_date": RUN_DATE,
            }
    expect(ex, "crm_push_targets", ["member_id", "push_token", "platform", "send_hour", "campaign_type",
                                    "release_id", "target_date"], list(targets.values()))


# --------------------------------------------------------------------------
# promotions


def promotions() -> None:
    ex = "promotions"
    events = read(ex, "sources", "purchase_events")
    changes = read(ex, "sources", "inventory_changes")
    customers = {c["customer_id"]: c for c in read(ex, "sources", "customers")}
    products = {p["sku"]: p for p in read(ex, "sources", "products")}
    redemptions = read(ex, "sources", "promo_redemptions")
    lo15, lo10 = RUN_START - dt.timedelta(minutes=15), RUN_START - dt.timedelta(minutes=10)

    # purchases_clean: sales that arrived in the window, first copy of each event.
    copies = defaultdict(list)
    for e in events:
        if lo15 <= ts(e["arrived_at"]) < RUN_END and integer(e["quantity"]) > 0:
            copies[e["event_id"]].append(e)
    new = []
    for event_id, es in copies.items():
        e = min(es, key=lambda e: ts(e["arrived_at"]))
        quantity, price = integer(e["quantity"]), num(e["unit_price"])
        new.append({
            "event_id": event_id, "customer_id": e["customer_id"], "store_id": e["store_id"], "sku": e["sku"],
            "quantity": quantity, "unit_price": price, "amount": quantity * price, "event_time": ts(e["event_time"]),
        })
    state = typed_state(ex, "purchases_clean", {
        "quantity": integer, "unit_price": num, "amount": num, "event_time": ts,
    })
    purchases = merge(state, new, ["event_id"])
    expect(ex, "purchases_clean", list(new[0]), purchases)

    # inventory_current: the latest change per store and SKU (then the highest sequence).
    latest = {}
    for c in changes:
        if lo10 <= ts(c["changed_at"]) < RUN_END:
            key = (c["store_id"], c["sku"])
            rank = (ts(c["changed_at"]), integer(c["change_seq"]))
            if key not in latest or rank > latest[key][0]:
                latest[key] = (rank, c)
    new = [{
        "store_id": store, "sku": sku,
        "on_hand_qty": 0 if c["op"] == "D" else (integer(c["on_hand_qty"]) or 0),
        "is_delisted": c["op"] == "D", "updated_at": ts(c["changed_at"]),
    } for (store, sku), (_, c) in latest.items()]
    state = typed_state(ex, "inventory_current", {"on_hand_qty": integer, "is_delisted": boolean, "updated_at": ts})
    inventory = merge(state, new, ["store_id", "sku"])
    expect(ex, "inventory_current", list(new[0]), inventory)

    # customer_category_spend: 90-day spend of the customers who bought in the window.
    buyers = {p["customer_id"] for p in purchases if lo15 <= p["event_time"] < RUN_END}
    spend = defaultdict(list)
    for p in purchases:
        if p["customer_id"] in buyers and p["sku"] in products and RUN_END - 90 * DAY <= p["event_time"] < RUN_END:
            spend[(p["customer_id"], products[p["sku"]]["category"])].append(p)
    new = [{
        "customer_id": customer, "category": category, "purchases_90d": len(ps),
        "spend_90d": sum(p["amount"] for p in ps), "last_purchase_at": max(p["event_time"] for p in ps),
    } for (customer, category), ps in spend.items()]
    state = typed_state(ex, "customer_category_spend", {
        "purchases_90d": integer, "spend_90d": num, "last_purchase_at": ts,
    })
    spends = merge(state, new, ["customer_id", "category"])
    expect(ex, "customer_category_spend", list(new[0]), spends)

    # overstocked_items (view): listed stock at least 3x the safety stock.
    overstock = []
    for i in inventory:
        p = products.get(i["sku"])
        if p and not i["is_delisted"] and integer(p["safety_stock"]) > 0 \
                and i["on_hand_qty"] >= 3 * integer(p["safety_stock"]):
            overstock.append({
                "store_id": i["store_id"], "sku": i["sku"], "category": p["category"], "on_hand_qty": i["on_hand_qty"],
                "safety_stock": integer(p["safety_stock"]),
                "overstock_ratio": Decimal(i["on_hand_qty"]) / integer(p["safety_stock"]),
            })
    expect(ex, "overstocked_items", list(overstock[0]), overstock)

    # promotion_offers: one offer per premium buyer (opted in) of the window.
    premium = {(c, customers[c]["home_store_id"]) for c in buyers
               if c in customers and customers[c]["tier"] == "premium" and boolean(customers[c]["promo_opt_in"])}
    new = []
    for customer, home in premium:
        cands = [(s, o) for s in spends if s["customer_id"] == customer
                 for o in overstock if o["store_id"] == home and o["category"] == s["category"]]
        if not cands:
            continue
        s, o = min(cands, key=lambda c: (-c[0]["spend_90d"], -c[1]["overstock_ratio"], c[1]["sku"]))
        ratio_ = o["overstock_ratio"]
        new.append({
            "customer_id": customer, "offer_date": RUN_DATE, "store_id": o["store_id"], "sku": o["sku"],
            "category": o["category"], "discount_pct": 20 if ratio_ >= 6 else 15 if ratio_ >= 4 else 10,
            "valid_until": RUN_DATE + DAY, "generated_at": RUN_END,
        })
    state = typed_state(ex, "promotion_offers", {
        "offer_date": day, "discount_pct": integer, "valid_until": day, "generated_at": ts,
    })
    offers = merge(state, new, ["customer_id", "offer_date"])
    expect(ex, "promotion_offers", list(new[0]), offers)

    # promotion_performance_daily: delete+insert of the offer days of the last week.
    groups = defaultdict(list)
    for o in offers:
        if RUN_DATE - 7 * DAY <= o["offer_date"] < RUN_DATE:
            groups[(o["offer_date"], o["category"])].append(o)
    new = []
    for (offer_date, category), os_ in groups.items():
        joined = [(o, r) for o in os_ for r in redemptions
                  if r["customer_id"] == o["customer_id"] and day(r["offer_date"]) == o["offer_date"]
                  and r["sku"] == o["sku"]]
        unmatched = [o for o in os_ if not any(o is j[0] for j in joined)]
        offers_n = len(joined) + len(unmatched)
        amounts = [num(r["discount_amount"]) for _, r in joined]
        new.append({
            "offer_date": offer_date, "category": category, "offers": offers_n, "redemptions": len(joined),
            "redemption_rate": ratio(len(joined), offers_n, 4), "discount_amount": sum(amounts, Decimal(0)),
        })
    state = typed_state(ex, "promotion_performance_daily", {
        "offer_date": day, "offers": integer, "redemptions": integer, "redemption_rate": num,
        "discount_amount": num,
    })
    expect(ex, "promotion_performance_daily", list(new[0]), merge(state, new, ["offer_date", "category"]))


# --------------------------------------------------------------------------


def main() -> int:
    onboarding()
    custom_reports()
    video_watch()
    crm_push()
    promotions()
    check = "--check" in sys.argv[1:]
    stale = []
    for path, text in sorted(OUTPUTS.items()):
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if check and stale:
        print("out of date: " + ", ".join(str(p.relative_to(DATA)) for p in stale))
        return 1
    print(f"{len(OUTPUTS)} expected tables, {len(stale)} {'stale' if check else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
