"""Prices of a run: the observed base-year market prices it is calibrated on and the model's
shadow prices in China beside them."""

from __future__ import annotations

import pandas as pd

from reechain.engine import periods
from reechain.engine.run import ScenarioResult
from reechain.reports.summary.scope import MAGNET_ELEMENTS


def observed_prices(res: ScenarioResult) -> pd.DataFrame:
    """The observed base-year oxide prices the run is calibrated on (provenance rows 'base price
    X'): element, price [USD/t oxide], market (how it was read), source_id."""
    prov = res.provenance
    rows = prov[prov["parameter"].str.startswith("base price ")]
    return pd.DataFrame(
        {
            "element": rows["parameter"].str.removeprefix("base price "),
            "price": rows["value"].astype(float),
            "market": rows["how"].astype(str),
            "source_id": rows["source_id"].astype(str),
        }
    ).reset_index(drop=True)


def china_shadow(res: ScenarioResult | None, year: int) -> pd.Series:
    """China's oxide shadow prices in ``year`` [USD/t oxide] by element (a year in months: the
    months' mean); empty without a run."""
    if res is None:
        return pd.Series(dtype=float)
    return _china_oxide(res, year).groupby("item")["price"].mean()


def _china_oxide(res: ScenarioResult, year: int) -> pd.DataFrame:
    """China's oxide price rows in ``year`` (a year in months: each month's)."""
    p = res.prices
    p = p[(p["region"] == "CHN") & (p["kind"] == "oxide")]
    return p[p["year"].map(periods.year_of) == year]


#: what a bound shadow price is called where a reader sees it (engine.results.PRICE_SETTERS)
BOUND_PRICES = {
    "surplus": "surplus floor: oxide nobody buys, priced at what stocks pay (an assumption)",
    "choke": "choke: unmet demand at the choke price (an assumption)",
}


def china_setters(res: ScenarioResult | None, year: int) -> pd.Series:
    """What sets China's oxide shadow prices in ``year`` by element (engine.results'
    ``set_by``); a year in months: a bound if any month's price is one. Empty without a run."""
    if res is None or "set_by" not in res.prices:
        return pd.Series(dtype=object)
    p = _china_oxide(res, year)
    bound = p["set_by"].where(p["set_by"].isin(BOUND_PRICES.keys()))
    return bound.groupby(p["item"]).first().combine_first(p.groupby("item")["set_by"].first())


def shadow_prices(res: ScenarioResult, base: ScenarioResult | None, year: int) -> pd.DataFrame:
    """The magnet elements' shadow prices in China in ``year`` beside the observed price, and
    what sets each (``set_by``, ``set_by_baseline``)."""
    observed = observed_prices(res).set_index("element")["price"]
    now, then = china_shadow(res, year), china_shadow(base, year)
    set_now, set_then = china_setters(res, year), china_setters(base, year)
    rows = [
        (
            e,
            observed.get(e, float("nan")),
            now.get(e, float("nan")),
            then.get(e, float("nan")),
            set_now.get(e),
            set_then.get(e),
        )
        for e in MAGNET_ELEMENTS
    ]
    columns = ["element", "observed", "shadow", "shadow_baseline", "set_by", "set_by_baseline"]
    return pd.DataFrame(rows, columns=columns)
