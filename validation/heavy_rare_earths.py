"""The model's base year against observed and published figures, side by side.

Run: ``python3 validation/heavy_rare_earths.py [base_year]``. Prints (1) the calibration of
country shares per stage (``reechain.analysis.calibration``) and (2) world separated oxide
per heavy rare earth in the base year beside the published estimates of ``published.csv``
(each with its source, basis and reliability) and the ratio of model to published.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import reechain
from reechain.analysis.calibration import TOLERANCE_PP, calibrate

HERE = Path(__file__).parent


def world_separated(result: reechain.ScenarioResult, year: int) -> pd.Series:
    """World separated oxide per element in ``year`` [t REO] from a run's flows."""
    f = result.result.flows
    rows = f[
        (f["stage"] == "separation")
        & (f["origin"] == "WLD")
        & (f["year"] == year)
        & f["destination"].isna()
    ]
    return rows.set_index("material")["value"]


def side_by_side(modelled: pd.Series, published: pd.DataFrame) -> pd.DataFrame:
    """Each published figure with the model's value for its element and their ratio."""
    out = published[["element", "period", "value", "high", "unit", "basis", "reliability"]].copy()
    out = out.rename(columns={"value": "published", "high": "published_high"})
    out["model_t_REO"] = out["element"].map(modelled).round(0)
    out["model/published"] = (out["model_t_REO"] / out["published"]).round(2)
    out["source_id"] = published["source_id"]
    return out


def main(base_year: int = 2024) -> None:
    ds = reechain.load()
    residuals, result = calibrate(ds, base_year)
    worst = residuals.loc[residuals["residual_pp"].abs().idxmax()]
    print(
        f"Calibration {base_year}: {len(residuals)} country shares, all within "
        f"{TOLERANCE_PP} pp: {bool(residuals['within'].all())}; largest residual "
        f"{worst['residual_pp']:+.2f} pp ({worst['stage']}, {worst['material']}, "
        f"{worst['country']})"
    )
    modelled = world_separated(result, base_year)
    modelled["Pr+Nd"] = modelled.get("Pr", 0.0) + modelled.get("Nd", 0.0)
    modelled["Pr+Nd+Dy+Tb"] = modelled["Pr+Nd"] + modelled.get("Dy", 0.0) + modelled.get("Tb", 0.0)
    elements = ["Pr", "Nd", "Sm", "Gd", "Tb", "Dy", "Y"]
    print(f"\nWorld separated oxide, {base_year} (model) [t REO]:")
    print(modelled.reindex(elements).round(0).to_string())
    published = pd.read_csv(HERE / "published.csv")
    print("\nHeavy rare earths, model vs published:")
    print(side_by_side(modelled, published).to_string(index=False))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2024)
