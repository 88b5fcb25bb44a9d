#!/usr/bin/env python3
"""Writes the fixture tables that are too long to write by hand:

- custom_reports/sources/site_events.csv: the hand-written hits of ACME,
  trialco and oldco (sessions, landing pages, bots, ties, boundaries) and
  the shopco e-commerce hits, whose product report only lists a SKU seen
  by at least 50 visitors (`min_viewers = 50`): SH-001 by exactly 50,
  SH-002 by 49 (plus one bot and one visitor a second too early).
- custom_reports/state/sessions.csv: ACME sessions of earlier days, so that
  the A/B cells of the hero-image test reach `min_sessions = 100`: variant
  B on smartphones has 98 here plus 2 new ones in the run (exactly 100),
  variant A on smartphones 99 (left out).

Every other CSV under tests/data is written by hand. Deterministic: no
randomness, so a rerun rewrites the same bytes.

    python3 tests/data/make_fixtures.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent
UTC = dt.timezone.utc


def iso(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page(path, title=None, referrer=None, url=None):
    return {"url": url or (f"https://www.example.com{path}" if path else None), "path": path, "title": title,
            "referrer": referrer}


def device(category, os=None, browser=None):
    return {"category": category, "os": os, "browser": browser}


def experiment(exp_id, variant):
    return {"experiment_id": exp_id, "variant_id": variant}


def item(sku, name, category, price, quantity):
    return {"sku": sku, "name": name, "category": category, "price": price, "quantity": quantity}


def ecommerce(order_id=None, revenue=None, items=()):
    return {"order_id": order_id, "revenue": revenue, "items": list(items)}


HERO = "exp_2026q1_top_hero"
T = lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731

# (event_id, account, visitor, session, time, type, page, device, experiment, ecommerce, custom_params)
HAND = [
    # ACME, session a-s1: PC, variant A; two pageviews then the inquiry.
    ("acme-e01", "acme", "V1", "a-s1", "2026-11-19T09:00:00Z", "pageview",
     page("/lp/seminar", 'Seminar "DX 2026"', "https://www.google.com/"), device("pc", "Windows", "Chrome"),
     experiment(HERO, "A"), None, [{"key": "utm_source", "value": "google"}]),
    ("acme-e02", "acme", "V1", "a-s1", "2026-11-19T09:02:00Z", "pageview", page("/contact", "Contact"),
     device("pc", "Windows", "Chrome"), experiment(HERO, "A"), None, []),
    ("acme-e03", "acme", "V1", "a-s1", "2026-11-19T09:05:00Z", "conversion", page("/thanks", "Thank you"),
     device("pc", "Windows", "Chrome"), experiment(HERO, "A"), None, []),
    # Server-side conversion hit: no session.
    ("acme-e04", "acme", "V1", None, "2026-11-19T09:06:00Z", "conversion", None, None, None, None, []),
    # a-s2: smartphone, variant B, bounce.
    ("acme-e05", "acme", "V2", "a-s2", "2026-11-19T10:00:00Z", "pageview",
     page("/lp/seminar", 'Seminar "DX 2026"', "https://t.co/x"), device("sp", "iOS", "Safari"),
     experiment(HERO, "B"), None, [{"key": "utm_source", "value": 'news"letter'}]),
    # a-s3: two hits at the same instant: the lower event id is the landing hit.
    ("acme-e07", "acme", "V3", "a-s3", "2026-11-20T08:00:00Z", "pageview", page("/pricing", "Pricing"),
     device("sp", "Android", "Chrome"), experiment(HERO, "B"), None, []),
    ("acme-e06", "acme", "V3", "a-s3", "2026-11-20T08:00:00Z", "pageview", page("/lp/seminar", 'Seminar "DX 2026"'),
     device("sp", "Android", "Chrome"), experiment(HERO, "B"), None, []),
    ("acme-e08", "acme", "V3", "a-s3", "2026-11-20T08:03:00Z", "click", page("/pricing", "Pricing"),
     device("sp", "Android", "Chrome"), experiment(HERO, "B"), None, []),
    # a-s4: tablet, variant A, began 10 s before the lookback window.
    ("acme-e09", "acme", "V4", "a-s4", "2026-11-18T23:59:50Z", "pageview", page("/lp/seminar", 'Seminar "DX 2026"'),
     device("tablet", "iPadOS", "Safari"), experiment(HERO, "A"), None, []),
    ("acme-e10", "acme", "V4", "a-s4", "2026-11-19T00:00:10Z", "pageview", page("/pricing", "Pricing"),
     device("tablet", "iPadOS", "Safari"), experiment(HERO, "A"), None, []),
    # a-s5: a crawler.
    ("acme-e11", "acme", "BOT1", "a-s5", "2026-11-19T11:00:00Z", "pageview", page("/lp/seminar", 'Seminar "DX 2026"'),
     device("bot", None, "Googlebot"), None, None, []),
    # a-s6: no user agent at all (device NULL): kept.
    ("acme-e12", "acme", "V6", "a-s6", "2026-11-20T12:00:00Z", "pageview", page("/pricing", "Pricing"), None, None,
     None, []),
    ("acme-e13", "acme", "V6", "a-s6", "2026-11-20T12:01:00Z", "scroll", page("/pricing", "Pricing"), None, None, None,
     []),
    # a-s7: at $run_end exactly: not in this run.
    ("acme-e14", "acme", "V7", "a-s7", "2026-11-21T00:00:00Z", "pageview", page("/lp/seminar", 'Seminar "DX 2026"'),
     device("pc"), None, None, []),
    # a-s8: the last second of the run.
    ("acme-e15", "acme", "V7", "a-s8", "2026-11-20T23:59:59Z", "pageview", page("/lp/seminar", 'Seminar "DX 2026"'),
     device("pc", "macOS", "Safari"), None, None, []),
    # a-s10: an inquiry from the contact page, device category unknown (NULL).
    ("acme-e16", "acme", "V8", "a-s10", "2026-11-19T15:00:00Z", "pageview", page("/contact", "Contact"),
     device(None, "Linux", "Firefox"), None, None, []),
    ("acme-e17", "acme", "V8", "a-s10", "2026-11-19T15:04:00Z", "conversion", page("/thanks", "Thank you"),
     device(None, "Linux", "Firefox"), None, None, []),
    # trialco (status trial): kept.
    ("trial-e01", "trialco", "TV1", "t-s1", "2026-11-20T05:00:00Z", "pageview", page("/home", "Home"), device("pc"),
     None, None, []),
    ("trial-e02", "trialco", "TV1", "t-s1", "2026-11-20T05:01:00Z", "pageview", page("/lp/seminar", "Seminar"),
     device("pc"), None, None, []),
    ("trial-e03", "trialco", "TV2", "t-s2", "2026-11-20T06:00:00Z", "pageview", page("/home", "Home"), device("sp"),
     None, None, []),
    # oldco (churned): dropped by the staging view.
    ("old-e01", "oldco", "OV1", "o-s1", "2026-11-19T12:00:00Z", "pageview", page("/home", "Home"), device("pc"), None,
     None, []),
    # A hit of an account that is not in the accounts table: dropped by the join.
    ("ghost-e01", "ghostco", "GV1", "g-s1", "2026-11-19T12:00:00Z", "pageview", page("/home", "Home"), device("pc"),
     None, None, []),
]

SH1 = ("SH-001", 'Runner\'s "Air" Shoe', "shoes")
SH2 = ("SH-002", "Trail Sock (3-pack)", "socks")


def shopco_rows():
    rows = []
    n = 0

    def hit(visitor, session, time, kind, path, dev, ecom):
        nonlocal n
        n += 1
        rows.append((f"shop-e{n:03d}", "shopco", visitor, session, iso(time), kind, page(path, None), dev, None, ecom,
                     []))

    start = T("2026-10-24T00:00:00Z")
    # SH-001: 50 visitors, one hour apart from the window's first second; v001 views it twice.
    for i in range(1, 51):
        t = start + dt.timedelta(hours=10 * (i - 1))
        dev = device("sp" if i % 2 else "pc")
        hit(f"v{i:03d}", f"s-{i:03d}", t, "product_view", "/products/SH-001", dev,
            ecommerce(items=[item(*SH1, 12000, 1)]))
        if i == 1:
            hit("v001", "s-001", t + dt.timedelta(minutes=3), "product_view", "/products/SH-001", dev,
                ecommerce(items=[item(*SH1, 12000, 1)]))
    # SH-002: 49 visitors in the window, one a second too early, one bot.
    for i in range(101, 150):
        t = start + dt.timedelta(hours=10 * (i - 101), minutes=30)
        hit(f"v{i:03d}", f"s-{i:03d}", t, "product_view", "/products/SH-002", device("pc" if i % 3 else "tablet"),
            ecommerce(items=[item(*SH2, 1500, 1)]))
    hit("v150", "s-150", T("2026-10-23T23:59:59Z"), "product_view", "/products/SH-002", device("sp"),
        ecommerce(items=[item(*SH2, 1500, 1)]))
    hit("v151", "s-151", T("2026-11-10T03:00:00Z"), "product_view", "/products/SH-002", device("bot"),
        ecommerce(items=[item(*SH2, 1500, 1)]))
    # Cart adds: one item, then two items in one hit.
    hit("v001", "s-001", start + dt.timedelta(minutes=10), "add_to_cart", "/products/SH-001", device("sp"),
        ecommerce(items=[item(*SH1, 12000, 1)]))
    hit("v002", "s-002", start + dt.timedelta(hours=10, minutes=5), "add_to_cart", "/cart", device("pc"),
        ecommerce(items=[item(*SH1, 12000, 1), item(*SH2, 1500, 2)]))
    # Orders: SO-1 with two SKUs; SO-2 (sale price) sent twice by the tag.
    hit("v001", "s-001", start + dt.timedelta(minutes=20), "conversion", "/order/complete", device("sp"),
        ecommerce("SO-1", 15000, [item(*SH1, 12000, 1), item(*SH2, 1500, 2)]))
    for _ in range(2):
        hit("v003", "s-003", T("2026-11-19T20:00:00Z"), "conversion", "/order/complete", device("sp"),
            ecommerce("SO-2", 23600, [item(*SH1, 11800, 2)]))
    # An order before the 28-day window.
    hit("v002", "s-old", T("2026-10-20T10:00:00Z"), "conversion", "/order/complete", device("pc"),
        ecommerce("SO-0", 12000, [item(*SH1, 12000, 1)]))
    return rows


def money(v):
    return None if v is None else v


def write_site_events():
    header = ["event_id", "account_id", "visitor_id", "session_id", "event_timestamp", "event_type", "page", "device",
              "experiment", "ecommerce", "custom_params", "_ingested_at"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for eid, acct, visitor, session, time, kind, pg, dev, exp, ecom, params in HAND + shopco_rows():
        t = T(time) if isinstance(time, str) else time
        w.writerow([
            eid, acct, visitor, session or "", iso(t), kind,
            json.dumps(pg) if pg else "", json.dumps(dev) if dev else "", json.dumps(exp) if exp else "",
            json.dumps(ecom) if ecom else "", json.dumps(params), iso(t + dt.timedelta(minutes=2)),
        ])
    (DATA / "custom_reports" / "sources" / "site_events.csv").write_text(out.getvalue())


def write_sessions_state():
    header = ["account_id", "session_id", "visitor_id", "session_start", "session_end", "pageviews", "landing_page",
              "device_category", "experiment_id", "variant_id", "converted", "revenue"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    base = T("2026-10-01T00:00:00Z")
    for variant, count in (("B", 98), ("A", 99)):
        for i in range(count):
            start = base + dt.timedelta(hours=11 * i, minutes=7 if variant == "A" else 0)
            converted = i % 7 == 3 if variant == "B" else i % 9 == 4
            w.writerow(["acme", f"hist-{variant}-{i:03d}", f"HV{variant}{i:03d}", iso(start),
                        iso(start + dt.timedelta(minutes=1 + i % 5)), 1 + i % 3, "/lp/seminar", "sp", HERO, variant,
                        "true" if converted else "false", "0"])
    # Sessions the previous run saw: a-s4 from its first hit (the lookback now re-reads
    # it without that hit), and a-s9, whose hits the source no longer has.
    w.writerow(["acme", "a-s4", "V4", "2026-11-18T23:59:50Z", "2026-11-19T00:00:10Z", 2, "/lp/seminar", "tablet", HERO,
                "A", "false", "0"])
    w.writerow(["acme", "a-s9", "V9", "2026-11-19T07:00:00Z", "2026-11-19T07:00:00Z", 1, "/lp/seminar", "pc", "", "",
                "false", "0"])
    (DATA / "custom_reports" / "state" / "sessions.csv").write_text(out.getvalue())


if __name__ == "__main__":
    (DATA / "custom_reports" / "state").mkdir(parents=True, exist_ok=True)
    write_site_events()
    write_sessions_state()
    print("wrote custom_reports/sources/site_events.csv and custom_reports/state/sessions.csv")
