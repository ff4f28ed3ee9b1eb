"""Magnet demand by end use and the in-use stocks beside published figures.

Run: ``python3 validation/demand_end_uses.py``. Builds the no-event baseline to 2040 (demand
only: no LP is solved) and its in-use stocks, and prints, each beside its source:

1. the base year's end-use shares against every share the dataset holds for 2023-2024;
2. the intensities they imply (magnet per car sold, per MW built) against the intensities
   table;
3. the growth of magnet demand 2024-2030 and 2024-2040 against the IEA's (GCMO 2025, STEPS:
   forecasts, compared, never used as observations);
4. end-of-life magnets in 2023 against Adamas's estimate, and swarf against China's recycled
   output.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import reechain
from reechain.engine.inputs.build import build_inputs
from reechain.engine.mfa.run import in_use_stocks

HERE = Path(__file__).parent
OUTLOOKS = HERE.parent / "research" / "demand" / "drivers" / "outlooks.csv"
KG = 1000.0
# the base year's drivers (drivers table): Rho Motion 17.1 M cars; GWEC 117 GW
CARS_2024, MW_2024 = 17.1e6, 117_000.0
# Adamas via Raw Materials (2024): magnets in products discarded in 2023 [t]
EOL_2023 = 21_000.0
# China's recycled oxide output, 2024 [t REO] (Argus, recycling table)
CHINA_RECYCLED_2024 = 34_147.0


def baseline(horizon: int = 2040):
    ds = reechain.load()
    sc = reechain.Scenario.model_validate(
        {"name": "baseline", "base_year": 2024, "horizon": horizon}
    )
    inputs = build_inputs(ds, sc)
    return ds, inputs, in_use_stocks(inputs.magnets_into_use, ds, sc)


def shares_table(ds, into_use: pd.DataFrame) -> pd.DataFrame:
    """The base year's end-use shares beside each cited share of 2023-2024."""
    base = into_use[into_use["year"] == 2024].groupby("end_use")["value"].sum()
    model = base / base.sum()
    t = ds.table("magnet_end_uses")
    rows = t[
        (t["measure"] == "share_of_magnets")
        & (t["region"] == "WLD")
        & t["year"].isin([2023, 2024])
        & t["value"].notna()
        & t["end_use"].isin(["ev_traction_motor", "wind_turbine"])
    ]
    out = rows[["end_use", "year", "value", "preferred", "source_id"]].rename(
        columns={"value": "published"}
    )
    out["model"] = out["end_use"].map(model)
    return out.sort_values(["end_use", "published"]).reset_index(drop=True)


def intensity_table(ds, into_use: pd.DataFrame) -> pd.DataFrame:
    """Magnet per car and per MW implied by the base year, beside the intensities table."""
    base = into_use[into_use["year"] == 2024].groupby("end_use")["value"].sum()
    implied = {
        "ev_traction_motor": base["ev_traction_motor"] * KG / CARS_2024,
        "wind_turbine": base["wind_turbine"] * KG / MW_2024,
    }
    t = ds.table("intensities")
    rows = t[
        t["end_use"].isin(list(implied))
        & (t["material"] == "NdFeB")
        & t["unit"].isin(["kg/vehicle", "kg/MW", "kg/motor"])
    ]
    out = rows[["end_use", "technology", "value", "low", "high", "unit", "source_id"]].copy()
    out["model"] = out["end_use"].map(implied)
    return out.reset_index(drop=True)


def growth_table(into_use: pd.DataFrame) -> pd.DataFrame:
    """World magnet demand relative to 2024, beside the IEA's (GCMO 2025, STEPS)."""
    total = into_use.groupby("year")["value"].sum()
    o = pd.read_csv(OUTLOOKS)
    o = o[
        (o["metric"] == "ree_demand_index_vs_2024")
        & o["value"].notna()
        & o["year"].isin(list(total.index))
    ]
    return pd.DataFrame(
        {
            "year": o["year"].astype(int),
            "published": o["value"],
            "scenario": o["scenario"],
            "source_id": o["source_id"],
            "model": [total[y] / total[2024] for y in o["year"].astype(int)],
        }
    )


def end_of_life_table(result) -> pd.DataFrame:
    """End-of-life magnets in 2023 and swarf in 2024 beside published figures."""
    s = result.stocks
    eol = s[(s["quantity"] == "outflow") & (s["year"] == 2023)]["value"].sum()
    f = result.flows
    swarf = f[(f["flow"] == "swarf") & (f["year"] == 2024) & (f["element"] != "rest")]
    return pd.DataFrame(
        [
            {
                "metric": "magnets reaching end of life, world, 2023 [t magnet]",
                "published": EOL_2023,
                "model": eol,
                "source_id": "rawmaterials-2024-heraeus-adamas",
            },
            {
                "metric": "rare earths in swarf, world, 2024 [t metal] / China's recycled "
                "oxide output, 2024 [t REO]",
                "published": CHINA_RECYCLED_2024,
                "model": float(swarf["value"].sum()),
                "source_id": "argus-2025-china-recycled-output",
            },
        ]
    )


def main() -> None:
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 60)
    ds, inputs, result = baseline()
    into_use = inputs.magnets_into_use
    print("Base-year end-use shares of magnets [fraction]: model vs cited (2023-2024)")
    print(shares_table(ds, into_use).round(3).to_string(index=False))
    print("\nImplied base-year intensity vs the intensities table")
    print(intensity_table(ds, into_use).round(2).to_string(index=False))
    print("\nWorld magnet demand relative to 2024: model (STEPS drivers) vs IEA GCMO 2025")
    print(growth_table(into_use).round(2).to_string(index=False))
    print("\nEnd of life and swarf")
    print(end_of_life_table(result).round(0).to_string(index=False))


if __name__ == "__main__":
    main()
