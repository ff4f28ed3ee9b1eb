#!/usr/bin/env python3
"""Validate drivers.csv, outlooks.csv, sources.csv against the embedded dataset."""
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
EMB = os.path.join(HERE, "..", "..", "..", "src", "reechain", "data", "embedded")
ok = True


def fail(msg):
    global ok
    ok = False
    print("FAIL:", msg)


emb_src = pd.read_csv(os.path.join(EMB, "sources.csv"), dtype=str, keep_default_na=False)
countries = pd.read_csv(os.path.join(EMB, "countries.csv"), dtype=str, keep_default_na=False)
new_src = pd.read_csv(os.path.join(HERE, "sources.csv"), dtype=str, keep_default_na=False)
if list(new_src.columns) != list(emb_src.columns):
    fail("sources.csv columns differ from embedded")
clash = set(new_src.source_id) & set(emb_src.source_id)
if clash:
    fail("source ids clash with embedded: %s" % sorted(clash))
if new_src.source_id.duplicated().any():
    fail("duplicate new source ids")
all_ids = set(emb_src.source_id) | set(new_src.source_id)
regions = set(countries.iso3) | {"WLD", "EU27", "EUR"}
used = set()
for fn in ["drivers.csv", "outlooks.csv"]:
    raw = open(os.path.join(HERE, fn), "rb").read()
    raw.decode("utf-8")
    if b"\r" in raw:
        fail(fn + " has CR characters")
    d = pd.read_csv(os.path.join(HERE, fn), dtype=str, keep_default_na=False)
    for i, r in d.iterrows():
        tag = "%s row %d" % (fn, i + 2)
        for sid in r.source_id.split(";"):
            used.add(sid)
            if sid not in all_ids:
                fail("%s: unknown source_id %s" % (tag, sid))
        if r.region not in regions:
            fail("%s: region %s not in countries.csv/WLD/EU27/EUR" % (tag, r.region))
        if (r.value == "") != (r.status == "missing"):
            fail("%s: value empty iff status missing violated" % tag)
        if r.status not in {"reported", "derived", "estimate", "forecast", "missing"}:
            fail("%s: bad status %s" % (tag, r.status))
        if r.preferred not in {"true", "false"}:
            fail("%s: bad preferred" % tag)
        if r.status == "forecast" and r.scenario == "historical":
            fail("%s: forecast labelled historical" % tag)
        if r.status == "derived" and "DERIVED" not in r.note:
            fail("%s: derived without DERIVED note" % tag)
        v = float(r.value) if r.value else None
        lo = float(r.low) if r.low else None
        hi = float(r.high) if r.high else None
        if v is not None and lo is not None and lo > v:
            fail("%s: low > value" % tag)
        if v is not None and hi is not None and hi < v:
            fail("%s: high < value" % tag)
        if lo is not None and hi is not None and lo > hi:
            fail("%s: low > high" % tag)
    print(fn, len(d), "rows")
unused = set(new_src.source_id) - used
if unused:
    fail("new sources never used: %s" % sorted(unused))
print("sources.csv", len(new_src), "rows")
print("OK" if ok else "ERRORS")
sys.exit(0 if ok else 1)
