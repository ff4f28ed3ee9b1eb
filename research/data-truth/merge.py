"""Merge the magnet-output and separation-share rows of ``production_rows.csv`` into the
embedded production table. China's 2024 Pr+Nd oxide and metal (rows 14-15) are merged by
``merge_prnd_2024.py``; the world separation and metal rows (16-30) are all 'missing' rows
the embedded table already holds.

Run once from the repository root: ``python3 research/data-truth/merge.py``. It marks the rows
the new ones replace as not preferred (lines kept byte for byte otherwise), appends the new
rows and the sources they cite.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED = ROOT / "src" / "reechain" / "data" / "embedded"
HERE = Path(__file__).parent
# (stage, country, year, material, measure, source_id) of embedded rows no longer preferred
DEMOTE = {
    ("separation", "CHN", "2020", "TREO", "share", "miningcom-reuters-2020-roskill-refined-share"),
    ("magnet", "CHN", "2023", "NdFeB", "output", "smm-2024-06-05-ndfeb-production"),
    ("magnet", "CHN", "2024", "NdFeB", "output", "smm-2024-06-05-ndfeb-production"),
}
# rows of production_rows.csv merged; not row 11 (the world's 2024 output DERIVED as China's
# output / China's share: the model derives it the same way, and as a row it would make the
# 2024 shares mix output rows with share rows)
TAKE = [0, 2, 3, 4, 5, 6, 7, 12]


def demoted_lines(path: Path) -> str:
    """The table's text with the DEMOTE rows' preferred cell set to false."""
    out = []
    with path.open(encoding="utf-8", newline="") as handle:  # keep each line's own ending
        lines = handle.read().splitlines(keepends=True)
    for line in lines:
        row = next(csv.reader([line]), [])
        key = tuple(row[:5]) + (row[11],) if len(row) > 11 else ()
        if key in DEMOTE and row[10] == "true":
            row[10] = "false"
            row[12] = row[12] + " Not preferred since 2026-11-30 (research/data-truth)."
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(row)
            line = buf.getvalue() + ("\r\n" if line.endswith("\r\n") else "\n")
        out.append(line)
    return "".join(out)


def main() -> None:
    path = EMBEDDED / "production.csv"
    text = demoted_lines(path)
    new = pd.read_csv(HERE / "production_rows.csv").iloc[TAKE].copy()
    new["preferred"] = new["preferred"].map({True: "true", False: "false"})
    buf = io.StringIO()
    new.to_csv(buf, index=False, header=False, lineterminator="\n")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text + buf.getvalue())
    sources = pd.read_csv(EMBEDDED / "sources.csv")
    ids = {i for cell in new["source_id"] for i in cell.split(";")}
    extra = pd.read_csv(HERE / "sources.csv")
    extra = extra[extra["source_id"].isin(ids) & ~extra["source_id"].isin(sources["source_id"])]
    extra.to_csv(EMBEDDED / "sources.csv", mode="a", header=False, index=False,
                 lineterminator="\n")  # fmt: skip
    print(f"merged {len(new)} rows, {len(extra)} sources")


if __name__ == "__main__":
    main()
