"""Writes data/ and expected/ of this case from the bucket formula of
docs/journeys.md (md5 of "<journey>.<stage>.<step>:<key>", first 8 hex
digits, mod 10,000; the control then the variants take consecutive ranges),
computed here with hashlib, independently of cjoc. Run from this folder."""

import collections
import csv
import hashlib

T1 = "2026-03-02 00:00:00"


def bucket(j, s, p, k):
    return int(hashlib.md5(f"{j}.{s}.{p}:{k}".encode()).hexdigest()[:8], 16) % 10000


def variant(b, arms):
    acc = 0
    for i, a in enumerate(arms):
        acc += a
        if b < acc:
            return i


keys = [f"cust-{i:03d}" for i in range(1, 81)] + ["ü-ß", "A b", "x'y", "x\"y"]
ikeys = [0, 1, 7, 42, 99, 100, 1000, 65535, 123456789, 9007199254740993, -5] + list(range(200, 260))


def write(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


write("data/customers.csv", [["customer_id", "plan"]] + [[k, "x"] for k in keys] + [["cust-999", "y"]])
write("data/accounts.csv", [["account_id", "plan"]] + [[k, "x"] for k in ikeys])

# The control is variant 0; variants are numbered from 1 in declared order
# (ab_int has no control: its arms are variants 1, 2, 3).
for name, key, stage, step, arms, ks, control in [
    ("Split", "customer_id", "Main", "Pick", [1000, 3333, 5667], keys, True),
    ("ab_int", "account_id", "s", "p", [1, 4999, 5000], ikeys, False),
]:
    steps = ["c", "va", "vb"] if name == "Split" else ["v1", "v2", "v3"]
    st, sp = stage.lower(), step.lower()
    header = [key, "instance_no", "intime_journey", "outtime_journey", f"intime_stage_{st}", f"outtime_stage_{st}",
              f"intime_stage_{st}_step_{sp}", f"outtime_stage_{st}_step_{sp}", f"variant_stage_{st}_step_{sp}"]
    for s in steps:
        header += [f"intime_stage_{st}_step_{s}", f"outtime_stage_{st}_step_{s}"]
    rows, count = [header], collections.Counter()
    for k in ks:
        i = variant(bucket(name, stage, step, k), arms)
        v = i if control else i + 1
        count[v] += 1
        arm = [["", ""] for _ in steps]
        arm[i] = [T1, T1]
        rows.append([k, 1, T1, T1, T1, T1, T1, T1, v] + sum(arm, []))
    write(f"expected/{name}.csv", rows)
    print(name, dict(count))
