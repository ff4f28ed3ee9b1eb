"""The in-use stocks of magnets as a dynamic material-flow system on flodym.

Processes and flows (dimensions: time ``t``, region ``r``, element ``e``; the element ``rest``
is the magnet's iron, boron and other metals, so the elements sum to the magnet's mass):

- ``sysenv => magnet making``: alloy into magnet making [t/yr];
- ``magnet making => use <end use>``: magnets entering use in products [t/yr]; ``into use,
  fate unknown``: magnets entering end uses without a lifetime in the data (they leave the
  system: their stock and end of life are unknown, never taken as zero);
- ``swarf``: magnet making's grinding and cutting scrap, leaving the system to the chain's
  secondary supply (the network's scrap pool holds the reported recycled output);
- ``use <end use> => end of life``: the cohorts' outflow by their lifetime model (one
  inflow-driven stock per end use);
- ``end of life => recycling``: each end use's end-of-life recycling rate (by year and
  region: the data's rate, or a scenario's recycling event) times its end of life;
  ``discarded``: the rest;
- ``recycled``: what recycling recovers (its yield) back to the chain; ``recycling losses``.

flodym checks the mass balance of every process (``check_mass_balance``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import flodym as fd
import numpy as np
import pandas as pd

from reechain.engine.mfa.lifetimes import Lifetime

logger = logging.getLogger(__name__)

REST = "rest"
UNKNOWN = "into use, fate unknown"
MAKING, EOL, RECYCLING = "magnet making", "end of life", "recycling"


@dataclass(frozen=True)
class Parameters:
    """Shares of the system [fraction]: swarf per t of magnets made, the end-of-life
    recycling rate (share of end-of-life magnets sent to recycling; a recycling event
    overrides it for its region and end use) and the recycling yield."""

    swarf_share: float
    eol_recycling_rate: float
    recycling_yield: float


class MagnetStocks(fd.MFASystem):
    """Magnets in use by end use, their end of life and recycling (see the module)."""

    def compute(self) -> None:
        p = self.parameters
        into_use = p["into_use"]  # t, r, u, e
        made = into_use.sum_over("u")
        unknown = made * 0.0
        eol = made * 0.0
        sent = made * 0.0
        for use in self.dims["u"].items:
            if f"in use {use}" not in self.stocks:
                unknown = unknown + into_use[{"u": use}]
                continue
            stock = self.stocks[f"in use {use}"]
            stock.inflow[...] = into_use[{"u": use}]
            stock.compute()
            self.flows[f"{MAKING} => use {use}"][...] = stock.inflow
            self.flows[f"use {use} => {EOL}"][...] = stock.outflow
            eol = eol + stock.outflow
            sent = sent + stock.outflow * p["eol_rate"][{"u": use}]
        self.flows[UNKNOWN][...] = unknown
        self.flows["swarf"][...] = made * p["swarf_share"]
        self.flows[f"sysenv => {MAKING}"][...] = made * (1 + p["swarf_share"])
        self.flows[f"{EOL} => {RECYCLING}"][...] = sent
        self.flows["discarded"][...] = eol - sent
        self.flows["recycled"][...] = sent * p["recycling_yield"]
        self.flows["recycling losses"][...] = sent * (1 - p["recycling_yield"])


def build(
    into_use: pd.DataFrame,
    recipe: pd.DataFrame,
    lifetimes: dict[str, Lifetime],
    params: Parameters,
    rates: pd.DataFrame | None = None,
) -> MagnetStocks:
    """The computed system for ``into_use`` [t magnet/yr; columns year, region, end_use,
    grade, value], with stocks for the end uses in ``lifetimes``, ``recipe`` [t element /
    t magnet; grade x element, without the rest] and ``rates`` (year, region, end_use, rate
    [fraction]: end-of-life recycling rates replacing the data's); mass balance checked."""
    uses = sorted(set(into_use["end_use"]))
    stocked = [u for u in uses if u in lifetimes]
    years = list(range(int(into_use["year"].min()), int(into_use["year"].max()) + 1))
    regions = sorted(set(into_use["region"]))
    elements = [*recipe.columns, REST]
    dims = fd.DimensionSet(
        dim_list=[
            fd.Dimension(name="time", letter="t", items=years),
            fd.Dimension(name="region", letter="r", items=regions),
            fd.Dimension(name="end use", letter="u", items=uses),
            fd.Dimension(name="element", letter="e", items=elements),
        ]
    )
    processes = fd.make_processes(
        ["sysenv", MAKING, EOL, RECYCLING] + [f"use {u}" for u in stocked]
    )
    flows = fd.make_empty_flows(processes=processes, dims=dims, flow_definitions=_flows(stocked))
    stock_dims = dims["t", "r", "e"]
    stocks = {
        f"in use {u}": fd.InflowDrivenDSM(
            dims=stock_dims,
            name=f"in use {u}",
            process=processes[f"use {u}"],
            lifetime_model=lifetimes[u].model(stock_dims),
        )
        for u in stocked
    }
    parameters = {
        "into_use": _element_inflow(into_use, recipe, dims, uses),
        "swarf_share": fd.Parameter(dims=fd.DimensionSet(dim_list=[]), values=params.swarf_share),
        "eol_rate": _rates(dims, uses, params.eol_recycling_rate, rates),
        "recycling_yield": fd.Parameter(
            dims=fd.DimensionSet(dim_list=[]), values=params.recycling_yield
        ),
    }
    mfa = MagnetStocks(
        dims=dims, parameters=parameters, processes=processes, flows=flows, stocks=stocks
    )
    mfa.compute()
    mfa.check_mass_balance()
    return mfa


def _rates(
    dims: fd.DimensionSet, uses: list[str], base: float, rates: pd.DataFrame | None
) -> fd.Parameter:
    """End-of-life recycling rate [fraction] (t, r, u): ``base`` where ``rates`` gives none."""
    years, regions = dims["t"].items, dims["r"].items
    full = pd.MultiIndex.from_product([years, regions, uses], names=["year", "region", "end_use"])
    values = pd.Series(base, index=full)
    if rates is not None and len(rates):
        given = rates.set_index(["year", "region", "end_use"])["rate"]
        given = given[given.index.isin(full)]
        values.loc[given.index] = np.maximum(given, base)  # an event never recycles less
    shape = (len(years), len(regions), len(uses))
    return fd.Parameter(dims=dims["t", "r", "u"], values=values.to_numpy().reshape(shape))


def _flows(uses: list[str]) -> list[fd.FlowDefinition]:
    tre = ("t", "r", "e")

    def flow(a: str, b: str, name: str | None = None) -> fd.FlowDefinition:
        return fd.FlowDefinition(from_process=a, to_process=b, dim_letters=tre, name_override=name)

    out = [
        flow("sysenv", MAKING),
        flow(MAKING, "sysenv", "swarf"),
        flow(MAKING, "sysenv", UNKNOWN),
        flow(EOL, RECYCLING),
        flow(EOL, "sysenv", "discarded"),
        flow(RECYCLING, "sysenv", "recycled"),
        flow(RECYCLING, "sysenv", "recycling losses"),
    ]
    for u in uses:
        out += [flow(MAKING, f"use {u}"), flow(f"use {u}", EOL)]
    return out


def _element_inflow(
    into_use: pd.DataFrame, recipe: pd.DataFrame, dims: fd.DimensionSet, uses: list[str]
) -> fd.Parameter:
    """Magnets entering use by element [t/yr] (t, r, u, e): each grade's magnets x its
    recipe; the rest of the magnet's mass as ``rest``."""
    part = into_use[into_use["end_use"].isin(uses)]
    content = recipe.reindex(part["grade"]).to_numpy()
    content = np.concatenate([content, 1 - content.sum(axis=1, keepdims=True)], axis=1)
    by_element = pd.DataFrame(content * part["value"].to_numpy()[:, None], columns=dims["e"].items)
    keys = part[["year", "region", "end_use"]].reset_index(drop=True)
    table = pd.concat([keys, by_element], axis=1).groupby(["year", "region", "end_use"]).sum()
    full = pd.MultiIndex.from_product(
        [dims["t"].items, dims["r"].items, uses], names=["year", "region", "end_use"]
    )
    values = table.reindex(full, fill_value=0.0).to_numpy()
    shape = (len(dims["t"].items), len(dims["r"].items), len(uses), len(dims["e"].items))
    return fd.Parameter(dims=dims["t", "r", "u", "e"], values=values.reshape(shape))
