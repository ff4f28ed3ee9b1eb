"""A scenario's in-use stocks: the magnets its demand puts into use, by cohort, to their end
of life and recycling (:mod:`reechain.engine.mfa.system`).

The inflow is the scenario's magnets entering use by year, region, end use and grade (the end
uses' history and drivers); the element content is the grades' recipes; lifetimes, the
end-of-life recycling rate, the recycling yield and the swarf share come from the
``lifetimes`` and ``recycling`` tables (preferred rows, noted with their sources in
``provenance``); a scenario's recycling events set the end-of-life recycling rate of their
region and end use. What is recycled beyond the data's rate (``added_recycling``) is new
supply: it replaces primary magnets in the network (what the data's rate recycles is already
in the observed supply, China's scrap pool).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import flodym as fd
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.inputs.context import Book
from reechain.engine.inputs.processing import recipes
from reechain.engine.mfa.lifetimes import lifetimes as read_lifetimes
from reechain.engine.mfa.system import EOL, MAKING, RECYCLING, UNKNOWN, Parameters, build
from reechain.engine.scenario import Scenario
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

#: (parameter, element) of the recycling table -> the system's parameter
PARAMETERS = {
    "swarf_share": ("swarf_share", "NdFeB"),
    "eol_recycling_rate": ("eol_rr", "NdFeB"),
    "recycling_yield": ("recycling_yield_hydromet", "REE"),
}
#: the system's flows as the results name them
FLOWS = {
    f"sysenv => {MAKING}": "alloy into magnet making",
    "swarf": "swarf",
    UNKNOWN: "into use, fate unknown",
    f"{EOL} => {RECYCLING}": "sent to recycling",
    "discarded": "discarded",
    "recycled": "recycled",
    "recycling losses": "recycling losses",
}


@dataclass(frozen=True)
class InUseStocks:
    """The computed stocks: ``stocks`` (year, region, end_use, element, quantity: stock,
    inflow or outflow; value [t]), ``flows`` (year, region, element, flow, value [t/yr]),
    ``unstocked`` (year, region, end_use, value [t magnet/yr]: magnets into end uses with no
    lifetime in the data, fate unknown), ``added_recycling`` (year, region, element, value
    [t/yr]: recycled beyond the data's end-of-life rate, new supply), ``provenance`` rows and
    the flodym system."""

    stocks: pd.DataFrame
    flows: pd.DataFrame
    unstocked: pd.DataFrame
    added_recycling: pd.DataFrame = field(default_factory=pd.DataFrame)  # year, region, element
    provenance: list[dict] = field(default_factory=list)
    mfa: fd.MFASystem | None = None

    def eol_rir(self) -> pd.DataFrame:
        """End-of-life recycling input rate per year and element [fraction]: recycled
        end-of-life material / alloy into magnet making (EU CRM definition, magnets only)."""
        f = self.flows.groupby(["year", "element", "flow"])["value"].sum().unstack("flow")
        rate = (f["recycled"] / f["alloy into magnet making"]).rename("value")
        return rate.reset_index()


def in_use_stocks(
    into_use: pd.DataFrame, ds: Dataset, sc: Scenario, rates: pd.DataFrame | None = None
) -> InUseStocks:
    """The in-use stocks of the magnets ``into_use`` [t magnet/yr; year, region, end_use,
    grade, value] of scenario ``sc``, with its end-of-life recycling ``rates`` (year,
    region, end_use, rate [fraction]) where its events set them."""
    base_year = sc.base_year
    if into_use.empty:
        raise ReechainError("no magnets enter use in this scenario: nothing to stock")
    provenance: list[dict] = []
    uses = sorted(set(into_use["end_use"]))
    found = read_lifetimes(ds.table("lifetimes"), uses)
    for use, lt in found.items():
        provenance.append(_note(f"lifetime {use}", lt.describe(), "years", lt.region, lt.source_id))
    params = Parameters(
        **{k: _parameter(ds, *v, base_year, provenance) for k, v in PARAMETERS.items()}
    )
    unstocked = into_use[~into_use["end_use"].isin(found)]
    if len(unstocked):
        provenance.append(
            _note(
                "end uses without a lifetime",
                sorted(set(unstocked["end_use"])),
                "",
                "no lifetime in the lifetimes table: their magnets enter use with their fate "
                "unknown (no stock, no end of life)",
                "",
            )
        )
    recipe = recipes(ds, Book(ds, sc.assumptions))  # Pr and Nd at the central Pr share
    mfa = build(into_use, recipe, found, params, rates)
    stocks = _stock_table(mfa)
    return InUseStocks(
        stocks=stocks,
        flows=_flow_table(mfa),
        unstocked=unstocked.groupby(["year", "region", "end_use"], as_index=False)["value"].sum(),
        added_recycling=_added(stocks, rates, params),
        provenance=provenance,
        mfa=mfa,
    )


def _added(stocks: pd.DataFrame, rates: pd.DataFrame | None, params: Parameters) -> pd.DataFrame:
    """Magnet material recycled beyond the data's end-of-life rate [t/yr] by year, region and
    element (``rest``: iron, boron, ...): end of life x (the event's rate - the data's) x the
    recycling yield."""
    columns = ["year", "region", "element", "value"]
    if rates is None or rates.empty:
        return pd.DataFrame(columns=columns)
    eol = stocks[stocks["quantity"] == "outflow"]
    merged = eol.merge(rates, on=["year", "region", "end_use"])
    extra = (merged["rate"] - params.eol_recycling_rate).clip(lower=0.0)
    merged["value"] = merged["value"] * extra * params.recycling_yield
    return merged.groupby(["year", "region", "element"], as_index=False)["value"].sum()[columns]


def _parameter(
    ds: Dataset, parameter: str, element: str, base_year: int, provenance: list[dict]
) -> float:
    """The preferred value of ``parameter`` for all end uses: the latest year up to the base
    year (else the earliest after), the world's rows before any region's."""
    t = ds.table("recycling")
    rows = t[
        (t["parameter"] == parameter)
        & (t["element"] == element)
        & (t["end_use"] == "all")
        & t["preferred"].fillna(False).astype(bool)
        & t["value"].notna()
    ]
    if rows.empty:
        raise ReechainError(
            f"recycling: no preferred {parameter} row for {element} with a value; the in-use "
            "stocks need it"
        )
    rows = rows.assign(
        after=rows["year"] > base_year,
        distance=(rows["year"] - base_year).abs(),
        other=rows["region"] != "WLD",
    ).sort_values(["after", "other", "distance"])
    row = rows.iloc[0]
    provenance.append(
        _note(parameter, float(row["value"]), str(row["unit"]),
              f"{row['region']} {int(row['year'])}: {row['note']}", str(row["source_id"]))
    )  # fmt: skip
    return float(row["value"])


def _note(parameter: str, value: object, unit: str, how: str, source: str) -> dict:
    return {"parameter": parameter, "value": value, "unit": unit, "how": how, "source_id": source}


def _long(array: fd.FlodymArray, **labels: str) -> pd.DataFrame:
    """A (t, r, e) array as rows year, region, element, value, plus ``labels``."""
    df = array.to_df(index=True).reset_index()
    df.columns = ["year", "region", "element", "value"]
    return df.assign(**labels)


def _stock_table(mfa: fd.MFASystem) -> pd.DataFrame:
    parts = []
    for name, stock in mfa.stocks.items():
        use = name.removeprefix("in use ")
        for quantity in ("stock", "inflow", "outflow"):
            parts.append(_long(getattr(stock, quantity), end_use=use, quantity=quantity))
    out = pd.concat(parts, ignore_index=True)
    return out[["year", "region", "end_use", "element", "quantity", "value"]]


def _flow_table(mfa: fd.MFASystem) -> pd.DataFrame:
    parts = [_long(mfa.flows[name], flow=label) for name, label in FLOWS.items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["year", "region", "element", "flow", "value"]]
