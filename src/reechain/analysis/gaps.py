"""What a run's shortfalls need: the elements behind unmet magnets, and the capacity the
model built.

Unmet magnet demand is not a number to read alone: it is short of some element (a mine or
separation gap: no plant can be built without feed) or of plants (the model builds those, at
their cost, once their lead time has passed). These tables say which.
"""

from __future__ import annotations

import pandas as pd

from reechain.engine import periods
from reechain.engine.run import ScenarioResult

#: what the content of unmet magnets is reported as: Pr and Nd together (the model chooses
#: their split), Dy, Tb
MAGNET_ITEMS = {"Pr+Nd": ("Pr", "Nd"), "Dy": ("Dy",), "Tb": ("Tb",)}
NEEDS_COLUMNS = ["year", "element", "needed", "surplus", "price_multiple", "unit"]
BUILT_COLUMNS = ["year", "stage", "built", "build_cost", "unit"]


def element_needs(result: ScenarioResult, year: int) -> pd.DataFrame:
    """Per magnet element: the oxide the unmet magnets of ``year`` would need [t REO] (their
    grade's content, metal turned back into oxide), unmet oxide of the element added; the
    element's world surplus [t REO]; and its shadow price in China as a multiple of the
    observed base-year price (NaN where either is missing). An element needed and not in
    surplus, at a high multiple, is the shortfall's cause."""
    net = result.inputs.network
    unmet = _in_year(result.unmet, year)
    magnets = unmet[unmet["kind"] == "magnet"].groupby("item")["unmet"].sum()
    oxide = unmet[unmet["kind"] == "oxide"].groupby("item")["unmet"].sum()
    surplus = _in_year(result.surplus, year).groupby("element")["surplus"].sum()
    prices = _in_year(result.prices, year)
    china = (
        prices[(prices["region"] == "CHN") & (prices["kind"] == "oxide")]
        .groupby("item")["price"]
        .mean()  # a year in months: the months' mean
    )
    base = _base_prices(result)
    rows = []
    for item, elements in MAGNET_ITEMS.items():
        if not set(elements) <= set(net.elements):
            continue
        metal = sum(_content(net, g, elements) * t for g, t in magnets.items())
        per_oxide = float(net.metal_per_oxide.get(elements[-1], 1.0))
        needed = metal / per_oxide + sum(float(oxide.get(e, 0.0)) for e in elements)
        priced = elements[-1]  # Pr+Nd: Nd's price
        multiple = china.get(priced, float("nan")) / base.get(priced, float("nan"))
        spare = sum(float(surplus.get(e, 0.0)) for e in elements)
        rows.append((year, item, needed, spare, multiple, "t REO"))
    return pd.DataFrame(rows, columns=NEEDS_COLUMNS)


def _content(net, grade: str, elements: tuple[str, ...]) -> float:
    """t metal of ``elements`` per t of ``grade`` magnet (with the flexible Pr+Nd part)."""
    fixed = sum(float(net.recipe.loc[grade].get(e, 0.0)) for e in elements)
    if set(elements) == {"Pr", "Nd"} and net.prnd is not None:
        fixed += float(net.prnd.get(grade, 0.0))
    return fixed


def capacity_built(result: ScenarioResult, year: int) -> pd.DataFrame:
    """Capacity the model built beyond the data's, the pipeline's and the projects' in
    ``year``, per stage [t/yr, in the stage's unit], with its yearly cost [USD]."""
    cu = result.capacity_use
    if "built" not in cu.columns:
        return pd.DataFrame(columns=BUILT_COLUMNS)
    part = _in_year(cu, year)
    part = part[part["built"] > 1e-6]
    # built is per period: a month's capacity is the year's times the month's share, so the
    # months of a year add up to the year's t/yr (where built all year), as their costs do
    out = part.groupby(["stage", "unit"], as_index=False)[["built", "build_cost"]].sum()
    out.insert(0, "year", year)
    return out[BUILT_COLUMNS]


def _in_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of ``year``: the year's own rows, or its months' (periods YYYYMM)."""
    if not len(df):
        return df
    return df[df["year"].map(periods.year_of) == year]


def _base_prices(result: ScenarioResult) -> pd.Series:
    """Element -> the observed base-year price the run is calibrated on [USD/t]."""
    prov = pd.DataFrame(result.inputs.provenance)
    rows = prov[prov["parameter"].str.startswith("base price ")]
    return pd.Series(
        rows["value"].astype(float).to_numpy(),
        index=rows["parameter"].str.removeprefix("base price ").to_numpy(),
    )
