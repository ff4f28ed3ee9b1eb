"""Base-year prices: the model's shadow prices of 2024 beside observed market prices.

Run: ``python3 validation/prices_base_year.py``. Solves the no-event baseline for 2024-2025 and
prints, per element, China's shadow price of oxide in 2024 (an LP dual of the receiving
balance), the observed price the model was calibrated on (the row ``oxide_prices`` chose, with
its market and source), a second observed price from another market where the data has one
(Fastmarkets FOB China 2024 means, China domestic quotes less VAT) and the gaps. The demand
curves put the observed price on the step that holds the base year's quantity, so the duals
should sit on it; a gap shows where joint production or transport moves a dual off its band.
"""

from __future__ import annotations

import math

import pandas as pd

import reechain

BASE = 2024
#: elements a user quotes; the test guards them within TOLERANCE of the calibrated price
GUARDED = ("Pr", "Nd", "Dy", "Tb", "La", "Ce")
TOLERANCE = 0.15
#: a second observed price per element (USD/kg, 2024), from the prices table's other markets
SECOND = {
    "Pr": ("Pr+Nd oxide", "FOB China (Fastmarkets)", "annual_average"),
    "Nd": ("Pr+Nd oxide", "FOB China (Fastmarkets)", "annual_average"),
    "Dy": ("Dy2O3", "FOB China (Fastmarkets)", "annual_average"),
    "Tb": ("Tb4O7", "FOB China (Fastmarkets)", "annual_average"),
}


def base_year_run() -> reechain.ScenarioResult:
    """The baseline (no events) for the base year and the next."""
    sc = reechain.Scenario.model_validate({"name": "prices", "base_year": BASE, "horizon": 2025})
    return reechain.run(sc, reechain.load())


def calibrated(result: reechain.ScenarioResult) -> pd.DataFrame:
    """Element -> the observed price the run was calibrated on [USD/t] and how it was chosen
    (provenance rows 'base price X')."""
    prov = result.provenance
    rows = prov[prov["parameter"].str.startswith("base price ")]
    return pd.DataFrame(
        {
            "element": rows["parameter"].str.removeprefix("base price ").to_numpy(),
            "observed": rows["value"].astype(float).to_numpy(),
            "observed_row": rows["how"].to_numpy(),
            "source_id": rows["source_id"].to_numpy(),
        }
    ).set_index("element")


def second_price(prices: pd.DataFrame, element: str) -> float:
    """The second observed 2024 price of ``element`` [USD/t], NaN where there is none."""
    if element not in SECOND:
        return math.nan
    material, market, kind = SECOND[element]
    rows = prices[
        (prices["material"] == material)
        & (prices["market"] == market)
        & (prices["price_type"] == kind)
        & (prices["year"] == BASE)
    ]
    return float(rows["value"].iloc[0]) * 1000 if len(rows) else math.nan


def comparison(result: reechain.ScenarioResult, prices: pd.DataFrame) -> pd.DataFrame:
    """Per element: model shadow price in China in the base year, the calibrated observed
    price, a second observed price, and the gaps [fraction]."""
    p = result.prices
    model = p[(p["year"] == BASE) & (p["region"] == "CHN") & (p["kind"] == "oxide")]
    model = model.set_index("item")["price"]
    table = calibrated(result)
    table["model"] = model.reindex(table.index)
    table["gap"] = table["model"] / table["observed"] - 1
    table["second"] = [second_price(prices, e) for e in table.index]
    table["second_gap"] = table["model"] / table["second"] - 1
    return table[["model", "observed", "gap", "second", "second_gap", "observed_row", "source_id"]]


def main() -> None:
    res = base_year_run()
    table = comparison(res, reechain.load().table("prices"))
    pd.set_option("display.width", 200)
    shown = table.drop(columns=["observed_row"]).copy()
    for col in ("model", "observed", "second"):
        shown[col] = (shown[col] / 1000).round(1)  # USD/kg
    for col in ("gap", "second_gap"):
        shown[col] = (shown[col] * 100).round(1)  # %
    print(f"Base-year {BASE} oxide prices, China [USD/kg]; gaps in %")
    print(shown.to_string())
    negative = res.prices[res.prices["price"] < 0]
    print(f"negative shadow prices in {BASE}-2025: {len(negative)}")


if __name__ == "__main__":
    main()
