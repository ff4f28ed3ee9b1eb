"""USGS-style supply risk (the method behind the 2022 U.S. list of critical minerals).

Published form (Nassar, Alonso & Brainard 2020, Science Advances 6(8) eaay8647; applied in
Nassar & Fortier 2021, USGS OFR 2021-1045), as restated in a third-party implementation
"based on Nassar et al. 2020" (the methods section itself was not available to us)::

    SR = (DP x TE x EV) ** (1/3)                       geometric mean of three factors
    DP = sum_i s_i**2 x ASI_i x WSI_i                  disruption potential
    TE = (I - E + dS) / (P + I - E + dS)               trade exposure = net import reliance
    EV = sum_k (VA_k / GDP) x (EXP_k / OP_k)           economic vulnerability

with s_i country i's share of world production, ASI_i its ability to supply (from the
Fraser Institute policy perception index) and WSI_i its willingness to supply the United
States (trade ties and shared values); VA_k, EXP_k and OP_k the value added, spending on the
commodity and operating profit of using industry k. USGS scales each factor across the 54
commodities assessed and recommends a commodity when its recency-weighted mean SR over
2015-2018 is at least 0.40.

What reechain computes, and what it cannot:

- ``dp``: sum_i s_i**2 x w_i with w_i = 0.2 x (2.5 - WGI_i) [0-1, 1 = worst governance], the
  World Bank mean of six governance estimates standing in for ASI x WSI (the labelled
  assumption ``usgs_dp_governance_proxy``; ASI and WSI are not in the data). Shares are the
  observed world shares of the stage; an uncovered remainder makes it a bracket.
- ``te``: the net import reliance that USGS publishes for the importer (compounds and metals;
  concentrates at the extraction stage). Printed bounds such as ">95 %" stay a range, and a
  net exporter has TE = 0.
- ``ev`` and ``sr``: not computed. EV needs U.S. industries' spending on rare earths and
  their operating profit, which are not public in the material we hold; the cross-commodity
  scaling needs the other 53 commodities. Both are named in ``missing``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from reechain.analysis import metrics
from reechain.analysis.criticality.common import assumption, governance_near, preferred
from reechain.data.dataset import Dataset
from reechain.data.flows import observed_flows
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

STAGES = {"mining": "extraction", "separation": "processing"}  # production stage -> USGS
USGS_COLUMNS = [
    "importer",
    "material",
    "year",
    "stage",
    "shares_year",
    "dp_low",
    "dp_high",
    "te_low",
    "te_high",
    "te_source",
    "ev",
    "sr",
    "notes",
    "missing",
]


def governance_weight(wgi: pd.Series, slope: float = 0.2) -> pd.Series:
    """Weight [0-1, 1 = worst] from WGI mean-of-six estimates [about -2.5..2.5]:
    ``slope x (2.5 - WGI)`` clipped to 0-1 (slope [per WGI point])."""
    return (slope * (2.5 - wgi)).clip(0.0, 1.0)


def disruption_potential(shares: pd.Series, weights: pd.Series) -> tuple[float, float]:
    """DP bracket [0-1] from world shares [fraction] by country and weights [0-1].

    Countries without a weight and the share no country is named for count with weight 0
    (low end) and with weight 1 as one further supplier (high end)."""
    known = shares[shares.index.isin(weights.index)]
    unweighted = shares[~shares.index.isin(weights.index)]
    remainder = max(1.0 - float(shares.sum()), 0.0)
    core = float((known**2 * weights.reindex(known.index)).sum())
    return core, core + float((unweighted**2).sum()) + remainder**2


def trade_exposure(ds: Dataset, importer: str, year: int, stage: str) -> tuple[float, float, str]:
    """Net import reliance [fraction] as a (low, high) range from the newest USGS edition
    with the year; net exporters have TE = 0."""
    c = preferred(ds.table("criticality_inputs"))
    rows = c[
        (c["parameter"] == "NIR")
        & (c["country"] == importer)
        & (c["year"] == year)
        & (c["stage"] == STAGES[stage])
    ]
    if rows.empty:
        return np.nan, np.nan, ""
    row = rows.sort_values("assessment").iloc[-1]
    low = row["value"] if pd.notna(row["value"]) else row["low"]
    high = row["value"] if pd.notna(row["value"]) else row["high"]
    low = 0.0 if pd.isna(low) else max(float(low), 0.0)  # "E": reliance at or below zero
    high = max(float(high), 0.0) if pd.notna(high) else 1.0
    return low, high, str(row["assessment"])


def _assessed_shares(
    assessed: pd.DataFrame, material: str, stage: str
) -> tuple[pd.Series, int | None, str]:
    """World shares of a material at a stage as the newest EU assessment prints them."""
    c = assessed[(assessed["material"] == material) & (assessed["stage"] == STAGES[stage])]
    if c.empty:
        return pd.Series(dtype=float), None, ""
    latest = c["assessment"].max()
    c = c[c["assessment"] == latest]
    return c.set_index("country")["value"], None, f"{latest} global supply shares"


def _observed_shares(flows: pd.DataFrame, stage: str, year: int) -> tuple[pd.Series, int, str]:
    table = metrics.shares(flows, stage, None, material="TREO")
    table = table[(table["year"] <= year) & table["share"].notna()]
    if table.empty:
        raise ReechainError(f"no {stage} shares by country in or before {year}")
    shares_year = int(table["year"].max())
    part = table[(table["year"] == shares_year) & ~table["group"].isin(["OTH", "UNA"])]
    return part.set_index("group")["share"], shares_year, "observed shares of TREO output"


def usgs_supply_risk(
    ds: Dataset,
    importer: str = "USA",
    year: int = 2023,
    stage: str | None = None,
    material: str | None = None,
) -> pd.DataFrame:
    """DP and TE per stage (mining, separation) for ``importer``, with what SR lacks.

    ``material``: None for rare earths as one commodity (observed shares of TREO output, as
    USGS assesses them); an element or EU group uses the world shares the newest EU
    assessment prints for it. Net import reliance exists only for rare earths as a whole.

    Returns one row per stage with ``USGS_COLUMNS``: ``dp_low, dp_high`` [0-1] and
    ``te_low, te_high`` [fraction]; ``ev`` and ``sr`` stay empty and ``missing`` says why."""
    table = usgs_table(ds, importer, year, [material], stage)
    if table.empty:
        raise ReechainError(f"no world shares for {material} in any assessment in the data")
    return table


def usgs_table(
    ds: Dataset,
    importer: str,
    year: int,
    materials: list[str | None],
    stage: str | None = None,
) -> pd.DataFrame:
    """:func:`usgs_supply_risk` for several materials at once (inputs read once); materials
    without world shares are left out."""
    importer = ds.check_country(importer)
    stages = [stage] if stage else list(STAGES)
    for s in stages:
        if s not in STAGES:
            raise ReechainError(f"stage must be one of {', '.join(STAGES)}, not {s!r}")
    slope = assumption(ds, "usgs_dp_governance_proxy")
    wgi, wgi_year = governance_near(ds, "wgi_mean_of_6", year)
    weights = governance_weight(wgi, slope)
    exposure = {s: trade_exposure(ds, importer, year, s) for s in stages}
    c = preferred(ds.table("criticality_inputs"))
    assessed = c[(c["parameter"] == "global_supply_share") & c["value"].notna()]
    observed = {}
    if None in materials:
        flows = observed_flows(ds.table("production"))
        observed = {s: _observed_shares(flows, s, year) for s in stages}
    rows = []
    for material in materials:
        for s in stages:
            shares, shares_year, shares_source = (
                observed[s] if material is None else _assessed_shares(assessed, material, s)
            )
            if shares.empty:
                continue
            rows.append(
                _row(importer, year, s, material, shares, shares_year, shares_source, weights)
                | _exposure(importer, year, material, exposure[s], wgi_year)
            )
    for row in rows:
        row["missing"] = "; ".join(filter(None, [row.pop("te_missing"), row["missing"]]))
        row["notes"] = "; ".join(filter(None, [row["notes"], row.pop("te_notes")]))
    return pd.DataFrame(rows, columns=USGS_COLUMNS)


def _row(importer, year, stage, material, shares, shares_year, shares_source, weights) -> dict:
    dp_low, dp_high = disruption_potential(shares, weights)
    missing = [
        "EV (using industries' spending on rare earths and operating profit)",
        "scaling of each factor across the 54 commodities USGS assesses",
    ]
    no_w = sorted(set(shares.index) - set(weights.index))
    if no_w:
        missing.append(f"governance of {', '.join(no_w)}")
    notes = ["DP weights countries by WGI (assumption usgs_dp_governance_proxy)", shares_source]
    if shares_year is not None and shares_year != year:
        notes.append(f"shares of {shares_year}")
    return {
        "importer": importer,
        "material": material or "REE",
        "year": year,
        "stage": stage,
        "shares_year": shares_year,
        "dp_low": dp_low,
        "dp_high": dp_high,
        "ev": np.nan,
        "sr": np.nan,
        "notes": "; ".join(notes),
        "missing": "; ".join(missing),
    }


def _exposure(
    importer: str,
    year: int,
    material: str | None,
    exposure: tuple[float, float, str],
    wgi_year: int,
) -> dict:
    """TE columns: rare earths' net import reliance (none published for scandium)."""
    te_low, te_high, te_source = exposure if material != "Sc" else (np.nan, np.nan, "")
    te_missing = ""
    if np.isnan(te_low):
        what = "scandium" if material == "Sc" else "rare earths"
        te_missing = f"net import reliance of {importer} on {what} in {year}"
    notes = [f"governance of {wgi_year}"] if wgi_year != year else []
    if material is not None and not np.isnan(te_low):
        notes.append("TE of rare earths as a whole")
    return {
        "te_low": te_low,
        "te_high": te_high,
        "te_source": te_source,
        "te_missing": te_missing,
        "te_notes": "; ".join(notes),
    }
