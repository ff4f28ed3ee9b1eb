"""Write the embedded ``drivers`` table from the research files and the driver rows that the
embedded ``demand`` table held (moved, not copied), and add the new sources.

Run from the repository root: ``python3 research/demand/merge_drivers.py``. Idempotent: it
rebuilds ``drivers.csv`` whole and appends only sources not yet embedded.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED = ROOT / "src" / "reechain" / "data" / "embedded"
HERE = Path(__file__).parent
COLUMNS = [
    "driver", "region", "year", "value", "low", "high", "unit", "scenario", "status",
    "preferred", "source_id", "note",
]  # fmt: skip
STATUS = {"projected": "forecast", "estimated": "estimate"}
# the demand table's driver rows: metric and material -> driver id
MOVED = {
    ("ev_sales", "electric cars (BEV+PHEV)"): "ev_sales_total",
    ("ev_sales", "EVs (BEV+PHEV), January-November"): "ev_sales_total_jan_nov",
    ("wind_additions", "wind capacity (onshore+offshore)"): "wind_additions_total",
    ("wind_additions", "wind capacity, onshore"): "wind_additions_onshore",
    ("wind_additions", "wind capacity, offshore"): "wind_additions_offshore",
}
FLOW_UNITS = {"vehicles": "vehicles/yr", "GW": "GW/yr", "units": "units/yr"}
# Rho Motion's 2024 count: the base year's electric car sales (IEA: 'exceeded 17 million')
RHO_2024 = {
    "driver": "ev_sales_total", "region": "WLD", "year": 2024, "value": 17_100_000,
    "unit": "vehicles/yr", "scenario": "historical", "status": "reported", "preferred": True,
    "source_id": "rhomotion-2025-01-14-ev-sales",
    "note": "Rho Motion: 17.1 million BEV+PHEV (incl. range extenders) passenger and light-duty "
    "vehicles sold in 2024, +25 % y/y (China 11.0 M, EU+EFTA+UK 3.0 M, USA+Canada 1.8 M); "
    "scope includes light commercial vehicles, IEA's cars-only figure 'exceeded 17 million' "
    "(GEVO 2025) agrees; preferred: the only full-year count found",
}  # fmt: skip
RHO_SOURCE = {
    "source_id": "rhomotion-2025-01-14-ev-sales",
    "title": "Rho Motion: global EV sales hit record 17.1M units in 2024, driven by China",
    "publisher": "Green Car Congress (reporting Rho Motion)",
    "year": 2025,
    "address": "https://www.greencarcongress.com/2025/01/20250114-rho.html",
    "via": "greencarcongress.com; also pm-review.com, 14 Jan 2025",
    "licence": "copyright; facts quoted",
    "note": "17.1 M EVs (BEV+PHEV) in 2024, +25 %; China 11 M, Europe 3.0 M, N. America 1.8 M",
}


def moved_rows(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """(driver rows of the demand table, the table's lines without them: the other lines are
    kept byte for byte)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    parsed = list(csv.reader(lines))
    header = parsed[0]
    moved, kept = [], [lines[0]]
    for line, row in zip(lines[1:], parsed[1:], strict=True):
        record = dict(zip(header, row, strict=True))
        driver = MOVED.get((record["metric"], record["material"]))
        if driver is None:
            kept.append(line)
        else:
            moved.append({**record, "driver": driver})
    part = pd.DataFrame(moved, columns=[*header, "driver"])
    part["status"] = part["status"].replace(STATUS)
    for column in ("value", "low", "high"):
        part[column] = pd.to_numeric(part[column])
    part["preferred"] = part["preferred"].map({"true": True, "false": False})
    # IEA's 2024 figure is a lower bound only; Rho Motion's count is preferred (RHO_2024)
    bound = (
        (part["driver"] == "ev_sales_total") & (part["year"] == "2024") & (part["region"] == "WLD")
    )
    part.loc[bound, "preferred"] = False
    return part.reindex(columns=COLUMNS), kept


def main() -> None:
    research = pd.read_csv(HERE / "drivers" / "drivers.csv")
    # 'EUR' (three definitions of Europe) and the IEA's 'rest of the world' (OTH, not the
    # USGS's OTH) have no code of their own in the dataset: those rows stay in research/
    research = research[~research["region"].isin(["EUR", "OTH"])]
    moved, kept = moved_rows(EMBEDDED / "demand.csv")
    saved = HERE / "drivers" / "moved_from_demand.csv"
    if len(moved):  # the first run moves them; later runs read the copy kept here
        moved.to_csv(saved, index=False, lineterminator="\n")
    else:
        moved = pd.read_csv(saved)
    rows = pd.concat([research, moved, pd.DataFrame([RHO_2024])], ignore_index=True)
    rows["unit"] = rows["unit"].replace(FLOW_UNITS)
    rows = rows.sort_values(["driver", "region", "scenario", "year"], kind="stable")
    rows["preferred"] = rows["preferred"].map({True: "true", False: "false"})
    rows["year"] = rows["year"].astype(int)
    rows[COLUMNS].to_csv(EMBEDDED / "drivers.csv", index=False, lineterminator="\n")
    if len(moved):
        (EMBEDDED / "demand.csv").write_text("".join(kept), encoding="utf-8")
    sources = pd.read_csv(EMBEDDED / "sources.csv")
    new = pd.concat([pd.read_csv(HERE / "drivers" / "sources.csv"), pd.DataFrame([RHO_SOURCE])])
    new = new[~new["source_id"].isin(sources["source_id"])]
    if len(new):
        new.to_csv(EMBEDDED / "sources.csv", mode="a", header=False, index=False,
                   lineterminator="\n")  # fmt: skip
    print(f"drivers.csv: {len(rows)} rows ({len(moved)} moved from demand.csv); "
          f"{len(new)} new sources")  # fmt: skip


if __name__ == "__main__":
    main()
