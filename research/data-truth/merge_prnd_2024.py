"""Merge China's 2024 Pr+Nd oxide and metal outputs (Argus, citing market participants) of
``production_rows.csv`` into the embedded production table; the embedded 'missing' row of
China's 2024 Pr+Nd oxide stops being preferred (kept, with its parts and why it was missing).

The engine does not read China's separated output (China separates all feed not separated
elsewhere), so the model's base year does not move; observed shares and the validation use the
rows. Run once from the repository root: ``python3 research/data-truth/merge_prnd_2024.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from merge import EMBEDDED, HERE, demoted_lines

import merge

KEYS = {("separation", "CHN", 2024, "Pr+Nd"), ("metal", "CHN", 2024, "Pr+Nd")}
merge.DEMOTE = {
    (
        "separation",
        "CHN",
        "2024",
        "Pr+Nd",
        "output",
        "metalnomist-2024-08-increased-supplies;argus-2025-china-recycled-output",
    )
}


def main() -> None:
    path = EMBEDDED / "production.csv"
    text = demoted_lines(path)
    rows = pd.read_csv(HERE / "production_rows.csv")
    picked = [
        (r.stage, r.country, r.year, r.material) in KEYS and r.measure == "output"
        for r in rows.itertuples()
    ]
    new = rows[picked].copy()
    assert len(new) == 2, new
    new["preferred"] = new["preferred"].map({True: "true", False: "false"})
    new["value"] = new["value"].astype(int)
    buf = io.StringIO()
    new.to_csv(buf, index=False, header=False, lineterminator="\n")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text + buf.getvalue())
    print(f"merged {len(new)} rows")


if __name__ == "__main__":
    main()
