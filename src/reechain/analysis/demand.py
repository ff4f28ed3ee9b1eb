"""Magnet demand and the magnets in use of a scenario, as tables for a year (the CLI's
``reechain demand`` and ``reechain stocks`` and the API's ``/api/demand`` and ``/api/stocks``
read them)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.inputs.build import Inputs, build_inputs
from reechain.engine.inputs.context import Book
from reechain.engine.inputs.processing import recipes
from reechain.engine.mfa.run import InUseStocks, in_use_stocks
from reechain.engine.scenario import Scenario
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

BY = ("end-use", "region", "element")
BASE_YEAR = 2024  # the dataset's calibration year: the baseline's base year


def scenario_for(year: int, sc: Scenario | None = None) -> Scenario:
    """``sc`` when ``year`` is within its horizon, else an error; without one, the baseline
    (no events) from the dataset's base year to ``year``."""
    if sc is None:
        horizon = max(year, BASE_YEAR)
        return Scenario.model_validate(
            {"name": "baseline", "base_year": BASE_YEAR, "horizon": horizon}
        )
    if year > sc.horizon:
        raise ReechainError(
            f"year {year} is after the scenario's horizon {sc.horizon}; give an earlier year "
            "or extend the horizon"
        )
    return sc


def magnets_in_year(inputs: Inputs, year: int) -> pd.DataFrame:
    """Magnets entering use in ``year`` [t magnet] by region, end use and grade; an error
    naming the years there are when there is none."""
    rows = inputs.magnets_into_use
    part = rows[rows["year"] == year]
    if part.empty:
        first, last = int(rows["year"].min()), int(rows["year"].max())
        raise ReechainError(f"no magnet demand in {year}: the end uses' years are {first}-{last}")
    return part


def demand_table(ds: Dataset, sc: Scenario, year: int, by: str) -> pd.DataFrame:
    """Magnet demand in ``year``: by end use or region [t magnet, share], or by element
    [t metal: each grade's recipe, Pr and Nd at the central Pr share]."""
    if by not in BY:
        raise ReechainError(f"by must be one of {', '.join(BY)}, not {by!r}")
    part = magnets_in_year(build_inputs(ds, sc), year)
    if by == "element":
        recipe = recipes(ds, Book(ds, sc.assumptions))
        metal = recipe.reindex(part["grade"]).to_numpy() * part["value"].to_numpy()[:, None]
        table = pd.DataFrame(metal, columns=recipe.columns).sum().rename("t metal")
        return table.rename_axis("element").reset_index()
    key = "end_use" if by == "end-use" else "region"
    table = part.groupby(key, as_index=False)["value"].sum()
    table = table.rename(columns={"value": "t magnet"})
    table["share"] = table["t magnet"] / table["t magnet"].sum()
    return table.sort_values("t magnet", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class StockSummary:
    """The magnets in use in a year by end use (``table``: in use [t], into use and end of
    life [t/yr]), the year's flows [t/yr], the end-of-life recycling input rate by element,
    the end uses without a lifetime with what entered them [t magnet], and the inputs'
    provenance."""

    table: pd.DataFrame
    flows: pd.Series
    eol_rir: pd.Series
    unstocked: pd.Series
    provenance: list[dict]


def stock_summary(ds: Dataset, sc: Scenario, year: int) -> StockSummary:
    """The in-use stocks of ``sc`` in ``year``."""
    inputs = build_inputs(ds, sc)
    magnets_in_year(inputs, year)
    result: InUseStocks = inputs.in_use or in_use_stocks(inputs.magnets_into_use, ds, sc)
    s = result.stocks[result.stocks["year"] == year]
    table = s.groupby(["end_use", "quantity"])["value"].sum().unstack("quantity")
    table = table[["stock", "inflow", "outflow"]].reset_index()
    table.columns = ["end use", "in use [t]", "into use [t/yr]", "end of life [t/yr]"]
    flows = result.flows[result.flows["year"] == year].groupby("flow")["value"].sum()
    rir = result.eol_rir()
    rir = rir[(rir["year"] == year) & (rir["element"] != "rest")].set_index("element")["value"]
    missing = result.unstocked[result.unstocked["year"] == year]
    return StockSummary(
        table=table,
        flows=flows,
        eol_rir=rir,
        unstocked=missing.groupby("end_use")["value"].sum(),
        provenance=result.provenance,
    )


def demand_paths(ds: Dataset, sc: Scenario) -> pd.DataFrame:
    """World magnet demand by year and end use [t magnet] (history from the first year of
    world magnet output in the data to the horizon), with ``projected`` True from the base
    year on."""
    rows = build_inputs(ds, sc).magnets_into_use
    out = rows.groupby(["year", "end_use"], as_index=False)["value"].sum()
    out["projected"] = out["year"] >= sc.base_year
    return out
