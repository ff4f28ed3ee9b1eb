"""China's April 2025 licensing, month by month: China's magnet exports in each month of 2025
from the monthly run (examples/china-export-controls-2025-monthly.yaml, with and without the
control) beside China's customs figures (controls_2025_monthly.csv, each with its source).

Run: ``python3 validation/controls_2025_monthly.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import reechain
from reechain.engine import periods

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "china-export-controls-2025-monthly.yaml"


def china_magnet_exports(flows: pd.DataFrame) -> pd.Series:
    """Period label -> China's magnet exports [t magnet]: the per-grade magnet shipments from
    CHN to every other region (the 'NdFeB' total rows left out)."""
    shipped = flows[
        (flows["stage"] == "magnet")
        & (flows["origin"] == "CHN")
        & flows["destination"].notna()
        & (flows["destination"] != "CHN")
        & flows["material"].str.startswith("NdFeB:")
    ]
    by_period = shipped.groupby("year")["value"].sum()
    by_period.index = [periods.label(int(p)) for p in by_period.index]
    return by_period


def observed_monthly(table: pd.DataFrame) -> pd.Series:
    """Period label -> observed exports [t]: the reported figure where a month has one, else
    the derived one (first listed)."""
    rows = table.sort_values("status", key=lambda s: s.ne("reported"))
    return rows.drop_duplicates("period").set_index("period")["value"].sort_index()


def side_by_side(observed: pd.Series, control: pd.Series, without: pd.Series) -> pd.DataFrame:
    """Months of 2025: observed, modelled with and without the control [t], and the ratio of
    each to its own January-March mean (the shape, free of the model's level)."""
    months = [periods.label(p) for p in periods.periods([2025], [2025])]
    out = pd.DataFrame(
        {
            "observed": observed.reindex(months),
            "model": control.reindex(months),
            "model without control": without.reindex(months),
        }
    )
    before = out.iloc[:3].mean()
    for column in list(out.columns):
        out[f"{column} / Q1"] = out[column] / before[column]
    return out


def main() -> None:
    ds = reechain.load()
    res = reechain.run(reechain.Scenario.from_yaml(EXAMPLE), ds, owners=False)
    table = pd.read_csv(HERE / "controls_2025_monthly.csv")
    out = side_by_side(
        observed_monthly(table),
        china_magnet_exports(res.result.flows),  # by period: months
        china_magnet_exports(res.reference.flows),
    )
    print("China's magnet exports, 2025 [t magnet]: customs vs the monthly run")
    print(out.round(2).to_string())
    total = out[["observed", "model", "model without control"]].sum()
    print("\nyear [t]:", ", ".join(f"{k} {v:,.0f}" for k, v in total.items()))


if __name__ == "__main__":
    main()
