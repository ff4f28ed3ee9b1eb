"""By-products of a deposit's planned plant (barite, fluorite, thorium: ``deposit_facts``)
per t REO, and the credit they earn at their observed prices (``prices``: barite, fluorspar),
which lowers the mining cost of the deposit's pool. Thorium earns nothing: it is stored."""

from __future__ import annotations

import pandas as pd

from reechain.data.dataset import Dataset

#: deposit_facts metric -> the prices table's material that prices it (thorium: none)
PRICED = {"barite_output": "barite", "fluorite_output": "fluorspar"}
METRICS = ("thorium_output", "barite_output", "fluorite_output")


def byproducts_per_reo(facts: pd.DataFrame, deposit: str) -> dict[str, tuple[float, str]]:
    """By-product name -> (t per t REO, source ids) from the planned plant's stated outputs
    (preferred rows); empty without a stated REO output or capacity."""
    d = facts[
        (facts["deposit_id"] == deposit) & facts["preferred"].fillna(False) & facts["value"].notna()
    ]
    reo = d[d["metric"] == "reo_output"]
    if reo.empty:
        reo = d[d["metric"] == "reo_capacity"]
    if reo.empty:
        return {}
    base = float(reo["value"].iloc[0])
    out = {}
    for metric in METRICS:
        row = d[d["metric"] == metric]
        if len(row):
            out[metric.removesuffix("_output")] = (
                float(row["value"].iloc[0]) / base,
                str(row["source_id"].iloc[0]),
            )
    return out


def byproduct_credit(ds: Dataset, deposit: str, base_year: int) -> tuple[float, str, str]:
    """(credit [USD per t REO mined], how it was computed, source ids) of a deposit's priced
    by-products:
    t per t REO x the preferred USD/t price of the latest year within a year of the base year;
    0 and empty texts when it has none."""
    per_reo = byproducts_per_reo(ds.table("deposit_facts"), deposit)
    prices = ds.table("prices")
    prices = prices[
        prices["preferred"].fillna(False).astype(bool)
        & (prices["unit"] == "USD/t")
        & ((prices["year"] - base_year).abs() <= 1)  # as the oxides' base prices
        & prices["value"].notna()
    ]
    credit, parts, sources = 0.0, [], []
    for metric, material in PRICED.items():
        name = metric.removesuffix("_output")
        if name not in per_reo:
            continue
        rows = prices[prices["material"] == material].sort_values("year")
        if rows.empty:
            parts.append(f"{name}: no price (not credited)")
            continue
        ratio, price = per_reo[name][0], float(rows["value"].iloc[-1])
        credit += ratio * price
        sources += [per_reo[name][1], str(rows["source_id"].iloc[-1])]
        parts.append(
            f"{name} {ratio:.2f} t/t REO x {price:,.0f} USD/t ({int(rows['year'].iloc[-1])})"
        )
    ids = [i for group in sources for i in group.split(";") if i]
    return credit, "; ".join(parts), ";".join(dict.fromkeys(ids))
