"""The no-event baseline's China share of separation beside the IEA's outlook.

Run: ``python3 validation/pipeline_outlook.py``. Solves the baseline to 2035 four ways (the
pipeline risk-weighted, at full announced capacity, without it, and risk-weighted with China's
capacity held at its base-year level) and prints China's and Malaysia's shares of separated
magnet rare earths (Pr, Nd, Dy, Tb oxide) in 2024, 2030 and 2035 beside the IEA's figures
(observed 2023, base-case forecasts for 2030 and 2035: ``research/market/pipeline/
outlook.csv``). Forecasts are compared, never used as observations.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import reechain

HERE = Path(__file__).parent
OUTLOOK = HERE.parent / "research" / "market" / "pipeline" / "outlook.csv"
MAGNET_REE = ["Pr", "Nd", "Dy", "Tb"]
YEARS = [2024, 2030, 2035]
CASES = {
    "pipeline expected": {"pipeline": "expected"},
    "pipeline announced": {"pipeline": "announced"},
    "no pipeline": {"pipeline": "none"},
    "expected, China flat": {
        "pipeline": "expected",
        "assumptions": {"existing_capacity_growth": 0.0},
    },
}


def separation_shares(result: reechain.ScenarioResult) -> pd.DataFrame:
    """Share of each region in separated Pr, Nd, Dy and Tb oxide per year [fraction]."""
    f = result.flows
    made = f[
        (f["stage"] == "separation")
        & f["destination"].isna()
        & f["material"].isin(MAGNET_REE)
        & (f["origin"] != "WLD")
    ]
    table = made.pivot_table(index="origin", columns="year", values="value", aggfunc="sum")
    return table.fillna(0.0) / table.fillna(0.0).sum()


def iea_refining_shares() -> pd.DataFrame:
    """The IEA's shares of magnet rare earth refining (China, Malaysia) by year, with status
    and source (observed or forecast)."""
    o = pd.read_csv(OUTLOOK)
    o = o[
        (o["indicator"] == "country_share")
        & (o["stage"] == "refining")
        & o["region"].isin(["CHN", "MYS"])
        & o["material"].str.startswith("magnet REE")
        & o["value"].notna()
    ]
    return o[["region", "year", "value", "status", "scenario", "source_id"]]


def comparison() -> pd.DataFrame:
    """Rows (case, region, year, share) of the model, then the IEA's rows."""
    rows = []
    ds = reechain.load()
    for case, fields in CASES.items():
        sc = reechain.Scenario.model_validate(
            {"name": case, "base_year": 2024, "horizon": max(YEARS), **fields}
        )
        shares = separation_shares(reechain.run(sc, ds))
        for region in ("CHN", "MYS"):
            for year in YEARS:
                value = float(shares.loc[region, year]) if region in shares.index else 0.0
                rows.append({"case": case, "region": region, "year": year, "share": value})
    for r in iea_refining_shares().itertuples():
        case = f"IEA ({r.status}: {r.scenario})"
        rows.append({"case": case, "region": r.region, "year": r.year, "share": r.value})
    return pd.DataFrame(rows)


def main() -> None:
    table = comparison()
    wide = table.pivot_table(index=["region", "case"], columns="year", values="share")
    print("Share of separated magnet rare earths (Pr, Nd, Dy, Tb), % ")
    print((wide * 100).round(1).to_string())


if __name__ == "__main__":
    main()
