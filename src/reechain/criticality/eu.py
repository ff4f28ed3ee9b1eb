"""Criticality by the EU method (2017 guidelines, used in the 2020 and 2023 assessments),
from the published supply shares, trade factors and governance scores in the dataset.

Per material and stage (extraction, processing) and scope (global supply, EU sourcing):

- ``hhi`` = sum of squared shares [0-1];
- ``hhi_wgi_t`` = sum over countries of share^2 x WGI_scaled x t, with WGI_scaled the WGI
  mean of six rescaled to 0-10 (10 worst; the rescaling is the labelled assumption
  ``eu_wgi_rescaling``) and t the trade factor printed beside the share;
- SR = [HHI_WGI,t(GS) x IR/2 + HHI_WGI,t(EUS) x (1 - IR/2)] x (1 - EoL_RIR) x SI_SR, computed
  only when IR, EoL_RIR and SI_SR are in the data; otherwise left empty and the missing inputs
  are named (never computed as if they were zero).

The published SR and EI of the assessment are shown beside, with the thresholds
(critical when SR >= 1 and EI >= 2.8).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ReechainError, UnknownNameError
from .common import assumption, governance, preferred

logger = logging.getLogger(__name__)

SR_THRESHOLD = 1.0
EI_THRESHOLD = 2.8
SCOPES = {"global_supply_share": "global", "EU_sourcing_share": "EU"}


def wgi_scaled(ds: Dataset, year: int) -> pd.Series:
    """Governance of each country on the EU's 0-10 scale (10 worst), from the latest preferred
    WGI mean of six at or before ``year``."""
    latest = governance(ds, "wgi_mean_of_6", year)
    return (assumption(ds, "eu_wgi_rescaling") * (2.5 - latest)).clip(0.0, 10.0)


SR_COLUMNS = ["material", "stage", "scope", "hhi", "hhi_wgi_t", "share_sum", "missing"]


def eu_supply_risk(
    ds: Dataset, assessment: str = "EU2023", material: str | None = None
) -> pd.DataFrame:
    """HHI and HHI_WGI,t per material, stage and scope, and SR where its inputs exist."""
    c = preferred(ds.table("criticality_inputs"))
    c = c[c["assessment"] == assessment]
    if c.empty:
        raise UnknownNameError(
            "assessment", assessment, ds.table("criticality_inputs")["assessment"].unique()
        )
    year = int(assessment[-4:])
    wgi = wgi_scaled(ds, year - 1)
    shares = c[c["parameter"].isin(SCOPES) & c["value"].notna()]
    if material is not None:
        valid = set(c["material"])
        if material not in valid:
            raise UnknownNameError("material", material, valid)
        shares = shares[shares["material"] == material]
    t = c[c["parameter"] == "trade_factor"].set_index(["material", "stage", "country"])["value"]
    rows = []
    for (mat, stage, parameter), part in shares.groupby(["material", "stage", "parameter"]):
        s = part.set_index("country")["value"]
        factors = pd.Series([t.get((mat, stage, k), np.nan) for k in s.index], index=s.index)
        no_wgi = sorted(set(s.index) - set(wgi.index))
        no_t = sorted(factors[factors.isna()].index)
        covered = s.drop(no_wgi + no_t, errors="ignore")
        hhi_wgi_t = float(
            (covered**2 * wgi.reindex(covered.index) * factors.reindex(covered.index)).sum()
        )
        rows.append(
            {
                "material": mat,
                "stage": stage,
                "scope": SCOPES[parameter],
                "hhi": float((s**2).sum()),
                "hhi_wgi_t": hhi_wgi_t,
                "share_sum": float(s.sum()),
                "missing": "; ".join(
                    ([f"WGI of {', '.join(no_wgi)}"] if no_wgi else [])
                    + ([f"t of {', '.join(no_t)}"] if no_t else [])
                ),
            }
        )
    if not rows:  # the assessment's sourcing shares are not in the data (published SR/EI only)
        return pd.DataFrame(columns=[*SR_COLUMNS, "sr", "inputs_of", "sr_missing"])
    return _with_sr(ds, pd.DataFrame(rows), c)


SR_INPUTS = ("IR", "EoL_RIR", "SI_SR")


def _inputs_for(c: pd.DataFrame, material: str, group: str | None) -> tuple[pd.Series, str]:
    """IR, EoL_RIR and SI_SR for a material, else for its group; with the material used."""
    inputs = c[c["parameter"].isin(SR_INPUTS) & c["value"].notna()]
    for key in (material, group):
        have = inputs[inputs["material"] == key].set_index("parameter")["value"]
        if len(have):
            return have, str(key)
    return pd.Series(dtype=float), material


def supply_risk(gs: float, eus: float, ir: float, eol_rir: float, si_sr: float) -> float:
    """EU supply risk of one stage [index]:
    ``[HHI_WGI,t(GS) x IR/2 + HHI_WGI,t(EUS) x (1 - IR/2)] x (1 - EoL_RIR) x SI_SR``.

    ``gs``, ``eus``: HHI_WGI,t of global supply and of EU sourcing [0-10]; ``ir``: import
    reliance [fraction]; ``eol_rir``: end-of-life recycling input rate [fraction]; ``si_sr``:
    substitution index for supply risk [0-1]."""
    return (gs * ir / 2 + eus * (1 - ir / 2)) * (1 - eol_rir) * si_sr


def _with_sr(ds: Dataset, table: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """Add SR where IR, EoL_RIR and SI_SR exist for the material (or its EU group); else name
    the missing inputs."""
    groups = ds.table("elements").set_index("symbol")["group_eu"]
    out = []
    for (mat, _stage), part in table.groupby(["material", "stage"]):
        have, used = _inputs_for(c, mat, groups.get(mat))
        gs = part.loc[part["scope"] == "global", "hhi_wgi_t"]
        eus = part.loc[part["scope"] == "EU", "hhi_wgi_t"]
        needed = [p for p in SR_INPUTS if p not in have.index]
        if not len(gs) or not len(eus):
            needed.append("EU sourcing shares" if not len(eus) else "global shares")
        sr = np.nan
        if not needed:
            sr = supply_risk(
                float(gs.iloc[0]),
                float(eus.iloc[0]),
                float(have["IR"]),
                float(have["EoL_RIR"]),
                float(have["SI_SR"]),
            )
        for _, row in part.iterrows():
            out.append(
                {
                    **row.to_dict(),
                    "sr": sr,
                    "inputs_of": used if not needed else "",
                    "sr_missing": ", ".join(needed),
                }
            )
    return pd.DataFrame(out)


def published(ds: Dataset, assessment: str = "EU2023") -> pd.DataFrame:
    """The assessment's published SR and EI per material, with the criticality verdict."""
    c = preferred(ds.table("criticality_inputs"))
    c = c[(c["assessment"] == assessment) & c["parameter"].isin(["SR", "EI"]) & c["value"].notna()]
    if c.empty:
        raise ReechainError(f"no published SR or EI for {assessment}")
    wide = c.pivot_table(index="material", columns="parameter", values="value").reset_index()
    wide["critical"] = (wide["SR"] >= SR_THRESHOLD) & (wide["EI"] >= EI_THRESHOLD)
    wide["assessment"] = assessment
    return wide[["assessment", "material", "SR", "EI", "critical"]]
