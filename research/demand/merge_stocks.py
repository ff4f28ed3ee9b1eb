"""Write the embedded ``lifetimes`` and ``recycling`` tables from research/demand/stocks/ and
add their new sources. Rows without a source (a gap named in the research notes) stay in
research/. Run from the repository root: ``python3 research/demand/merge_stocks.py``
(idempotent: the two tables are rebuilt whole, sources appended only when new).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED = ROOT / "src" / "reechain" / "data" / "embedded"
STOCKS = Path(__file__).parent / "stocks"
TABLES = {"lifetimes": ("lifetimes.csv", "lifetimes_more.csv"), "recycling": ("recycling.csv",)}
SOURCES = ("sources.csv", "sources_more.csv")


def table(files: tuple[str, ...]) -> pd.DataFrame:
    parts = [pd.read_csv(STOCKS / f) for f in files if (STOCKS / f).exists()]
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[rows["source_id"].notna()].copy()
    rows["preferred"] = rows["preferred"].map({True: "true", False: "false"})
    if "year" in rows:
        rows["year"] = rows["year"].astype("Int64")
    return rows


# Rows of one key that the dataset's checks need told apart: (table, column, match) -> the
# end use or the preferred mark they get, with the reason in the note.
FIXES = [
    # tools are not what the model's 'other' end use holds (EPS, elevators, ...): their
    # lifetimes are kept under their own name, so 'other' has no lifetime (fate unknown)
    ("lifetimes", "product", "Tools (e.g.", {"end_use": "power_tools"}),
    # the same survey's two products share a key: the washing machines go to 'other'
    ("recycling", "note", "laundry machines held NdFeB", {"end_use": "other"}),
    # two world swarf estimates of 2025, neither preferred in research (the preferred swarf
    # share is China's 2024 row): the one on a magnet basis is preferred within the key
    ("recycling", "source_id", "himagnet-machining-yield", {"preferred": "true"}),
]


def fixed(name: str, rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.copy()
    for table_name, column, match, changes in FIXES:
        if table_name != name:
            continue
        hit = rows[column].astype(str).str.contains(match, regex=False)
        for key, value in changes.items():
            rows.loc[hit, key] = value
        rows.loc[hit, "note"] = rows.loc[hit, "note"] + " [merge: " + str(changes) + "]"
    return rows


def main() -> None:
    for name, files in TABLES.items():
        rows = fixed(name, table(files))
        rows.to_csv(EMBEDDED / f"{name}.csv", index=False, lineterminator="\n")
        print(f"{name}.csv: {len(rows)} rows")
    embedded = pd.read_csv(EMBEDDED / "sources.csv")
    parts = [pd.read_csv(STOCKS / f) for f in SOURCES if (STOCKS / f).exists()]
    new = pd.concat(parts).drop_duplicates("source_id")
    new = new[~new["source_id"].isin(embedded["source_id"])]
    if len(new):
        new.to_csv(EMBEDDED / "sources.csv", mode="a", header=False, index=False,
                   lineterminator="\n")  # fmt: skip
    print(f"{len(new)} new sources")


if __name__ == "__main__":
    main()
