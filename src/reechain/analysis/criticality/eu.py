"""Criticality by the EU method (2017 guidelines, used in the 2020 and 2023 assessments),
from the published supply shares, trade factors and governance scores in the dataset.

Per material and stage (extraction, processing) and scope (global supply, EU sourcing):

- ``hhi`` = sum of squared shares [0-1];
- ``hhi_wgi_t`` = sum over countries of share^2 x WGI_scaled x t, with WGI_scaled the WGI
  mean of six rescaled to 0-10 (10 worst; the rescaling is the labelled assumption
  ``eu_wgi_rescaling``) and t the trade factor printed beside the share;
- SR = [HHI_WGI,t(GS) x IR/2 + HHI_WGI,t(EUS) x (1 - IR/2)] x (1 - EoL_RIR) x SI_SR, computed
  only when IR, EoL_RIR and SI_SR are in the data; otherwise left empty and the missing inputs
  are named (never computed as if they were zero), and SR is the range they allow. Where the
  assessment lacks EoL_RIR or SI_SR, the latest earlier EU edition with a sourced value bounds
  the input's least critical end (EoL_RIR at most, SI_SR at least, that value; the other end
  stays at 0 or 1): a labelled assumption, named with its edition in ``sr_fallback``.

The published SR and EI of the assessment are shown beside, with the thresholds
(critical when SR >= 1 and EI >= 2.8).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from reechain.analysis.criticality.common import (
    assessment_inputs,
    assumption,
    governance,
    preferred,
)
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError, UnknownNameError

logger = logging.getLogger(__name__)

SR_THRESHOLD = 1.0
EI_THRESHOLD = 2.8
SCOPES = {"global_supply_share": "global", "EU_sourcing_share": "EU"}


def wgi_scaled(ds: Dataset, year: int) -> pd.Series:
    """Governance of each country on the EU's 0-10 scale (10 worst), from the latest preferred
    WGI mean of six at or before ``year``."""
    latest = governance(ds, "wgi_mean_of_6", year)
    return (assumption(ds, "eu_wgi_rescaling") * (2.5 - latest)).clip(0.0, 10.0)


SR_COLUMNS = [
    "material",
    "stage",
    "scope",
    "hhi",
    "hhi_wgi_t",
    "hhi_wgi_t_upper",
    "share_sum",
    "missing",
]
SR_RESULT_COLUMNS = [
    *SR_COLUMNS,
    "sr",
    "sr_low",
    "sr_high",
    "sr_basis",
    "inputs_of",
    "sr_missing",
    "sr_fallback",
]


def eu_supply_risk(
    ds: Dataset, assessment: str = "EU2023", material: str | None = None
) -> pd.DataFrame:
    """HHI and HHI_WGI,t per material, stage and scope, and SR where its inputs exist."""
    c = assessment_inputs(ds, assessment)
    shares = c[c["parameter"].isin(SCOPES) & c["value"].notna()]
    if shares.empty:  # the assessment's sourcing shares are not in the data (published only)
        return pd.DataFrame(columns=SR_RESULT_COLUMNS)
    wgi = wgi_scaled(ds, int(assessment[-4:]) - 1)
    if material is not None:
        valid = set(shares["material"])
        if material not in valid:
            raise UnknownNameError("material", material, valid)
        group = ds.table("elements").set_index("symbol")["group_eu"].get(material)
        shares = shares[shares["material"].isin([material, group])]  # a group lends its shares
    t = c[c["parameter"] == "trade_factor"].set_index(["material", "stage", "country"])["value"]
    t_max = float(t.max()) if len(t) else 1.0
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
        # unknowns at their worst: WGI 10, t the highest t of the assessment
        uncovered = s.drop(covered.index)
        worst_t = factors.fillna(t_max)
        hhi_wgi_t_upper = hhi_wgi_t + float(
            (uncovered**2 * 10.0 * worst_t.reindex(uncovered.index)).sum()
        )
        rows.append(
            {
                "material": mat,
                "stage": stage,
                "scope": SCOPES[parameter],
                "hhi": float((s**2).sum()),
                "hhi_wgi_t": hhi_wgi_t,
                "hhi_wgi_t_upper": hhi_wgi_t_upper,
                "share_sum": float(s.sum()),
                "missing": "; ".join(
                    ([f"WGI of {', '.join(no_wgi)}"] if no_wgi else [])
                    + ([f"t of {', '.join(no_t)}"] if no_t else [])
                ),
            }
        )
    if not rows:
        return pd.DataFrame(columns=SR_RESULT_COLUMNS)
    result = _with_sr(ds, pd.DataFrame(rows), c)
    return result if material is None else result[result["material"] == material]


SR_INPUTS = ("IR", "EoL_RIR", "SI_SR")

#: Inputs an earlier EU edition may bound when the assessment lacks them, and which end of
#: their range it bounds: the least critical one (0 = low, 1 = high). EoL_RIR: SR falls as it
#: rises, so the earlier value caps it; SI_SR: SR rises with it, so the earlier value floors it.
EARLIER_EDITION_BOUNDS: dict[str, int] = {"EoL_RIR": 1, "SI_SR": 0}


def earlier_edition_inputs(ds: Dataset, assessment: str) -> pd.DataFrame:
    """Preferred EoL_RIR and SI_SR rows with a value from the EU assessments before
    ``assessment`` (e.g. EU2017 for EU2023), newest edition first.

    Where ``assessment`` lacks one of these inputs, the latest sourced edition's value bounds
    its least critical end (:data:`EARLIER_EDITION_BOUNDS`): the labelled assumption that EU
    end-of-life recycling has not risen, nor substitutability improved, since that edition.
    The other end stays at its limit (0 or 1), so the SR ceiling does not move."""
    c = preferred(ds.table("criticality_inputs"))
    year = int(assessment[-4:])
    rows = c[
        c["assessment"].str.fullmatch(r"EU\d{4}")
        & c["parameter"].isin(EARLIER_EDITION_BOUNDS)
        & c["value"].notna()
    ]
    rows = rows[rows["assessment"].str[2:].astype(int) < year]
    return rows.sort_values("assessment", ascending=False, kind="stable")


def _earlier_bound(
    earlier: pd.DataFrame, parameter: str, keys: tuple[str | None, ...]
) -> tuple[tuple[float, float], str] | None:
    """The range of a missing ``parameter`` bounded by the newest earlier edition that has a
    value for the first of ``keys`` (material, then its group), and a label naming it."""
    for edition, rows in earlier[earlier["parameter"] == parameter].groupby(
        "assessment", sort=False
    ):
        for key in keys:
            hit = rows[rows["material"] == key]
            if len(hit):
                row = hit.iloc[0]
                value = float(row["value"])
                end = EARLIER_EDITION_BOUNDS[parameter]
                bounded = (0.0, value) if end == 1 else (value, 1.0)
                sign = "<=" if end == 1 else ">="
                label = f"{parameter} {sign} {value:g} ({edition} {key}, {row['source_id']})"
                return bounded, label
    return None


def _input_ranges(
    c: pd.DataFrame,
    material: str,
    group: str | None,
    earlier: pd.DataFrame | None = None,
) -> tuple[dict[str, tuple[float, float]], list[str], str, list[str]]:
    """(low, high) of IR, EoL_RIR and SI_SR for a material, else its EU group. A published
    value is a point; a published range is kept; a missing input spans its whole range
    [0, 1] and is named, unless an ``earlier`` edition (:func:`earlier_edition_inputs`)
    bounds its least critical end; the fourth item names those fallbacks."""
    rows = c[c["parameter"].isin(SR_INPUTS) & c["material"].isin([material, group])]
    rows = rows[rows["value"].notna() | rows["low"].notna() | rows["high"].notna()]
    ranges: dict[str, tuple[float, float]] = {}
    missing, used, fallbacks = [], material, []
    for parameter in SR_INPUTS:
        found = None
        for key in (material, group):
            hit = rows[(rows["material"] == key) & (rows["parameter"] == parameter)]
            if len(hit):
                found, used = hit.iloc[0], str(key)
                break
        if found is None:
            ranges[parameter] = (0.0, 1.0)
            missing.append(parameter)
            if earlier is not None and parameter in EARLIER_EDITION_BOUNDS:
                bound = _earlier_bound(earlier, parameter, (material, group))
                if bound is not None:
                    ranges[parameter] = bound[0]
                    fallbacks.append(bound[1])
        elif pd.notna(found["value"]):
            ranges[parameter] = (float(found["value"]), float(found["value"]))
        else:
            low = 0.0 if pd.isna(found["low"]) else float(found["low"])
            ranges[parameter] = (low, 1.0 if pd.isna(found["high"]) else float(found["high"]))
    return ranges, missing, used, fallbacks


def supply_risk(gs: float, eus: float, ir: float, eol_rir: float, si_sr: float) -> float:
    """EU supply risk of one stage [index]:
    ``[HHI_WGI,t(GS) x IR/2 + HHI_WGI,t(EUS) x (1 - IR/2)] x (1 - EoL_RIR) x SI_SR``.

    ``gs``, ``eus``: HHI_WGI,t of global supply and of EU sourcing [0-10]; ``ir``: import
    reliance [fraction]; ``eol_rir``: end-of-life recycling input rate [fraction]; ``si_sr``:
    substitution index for supply risk [0-1]."""
    return (gs * ir / 2 + eus * (1 - ir / 2)) * (1 - eol_rir) * si_sr


def supply_risk_range(
    gs: tuple[float, float], eus: tuple[float, float], ranges: dict[str, tuple[float, float]]
) -> tuple[float, float]:
    """(low, high) SR over the ranges of its inputs. SR rises with both HHI_WGI,t terms and
    SI_SR, falls with EoL_RIR, and is linear in IR, so the ends are at the corners."""
    irs, eol, si = ranges["IR"], ranges["EoL_RIR"], ranges["SI_SR"]
    low = min(supply_risk(gs[0], eus[0], ir, eol[1], si[0]) for ir in irs)
    high = max(supply_risk(gs[1], eus[1], ir, eol[0], si[1]) for ir in irs)
    return low, high


def _with_sr(ds: Dataset, table: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """Add SR per material and stage: a value where every input is known, else the range
    its inputs allow (``sr_low``, ``sr_high``) and the missing inputs named in ``sr_missing``.
    An element without inputs of its own takes its EU group's (``inputs_of``). A missing
    EoL_RIR or SI_SR bounded by an earlier edition is named with it in ``sr_fallback``."""
    groups = ds.table("elements").set_index("symbol")["group_eu"]
    earlier = earlier_edition_inputs(ds, str(c["assessment"].iloc[0]))
    out = []
    for (mat, _stage), part in table.groupby(["material", "stage"]):
        ranges, needed, used, fallbacks = _input_ranges(c, mat, groups.get(mat), earlier)
        gs = part[part["scope"] == "global"]
        eus = part[part["scope"] == "EU"]
        group = groups.get(mat)
        if not len(eus) and group in set(table["material"]):  # the group's EU sourcing
            eus = table[
                (table["material"] == group) & (table["stage"] == _stage) & (table["scope"] == "EU")
            ]
            if len(eus):
                part = pd.concat(
                    [part, eus.assign(material=mat, missing=f"EU sourcing of {group}")]
                )
        sr = low = high = np.nan
        basis = "global supply and EU sourcing"
        if len(gs) or len(eus):
            # One scope alone stands for both (the convention when the other is not known)
            gs, eus = (gs, eus) if len(gs) and len(eus) else ((gs, gs) if len(gs) else (eus, eus))
            if gs is eus:
                basis = f"{gs['scope'].iloc[0]} scope only"
            bounds = {
                name: (float(x["hhi_wgi_t"].iloc[0]), float(x["hhi_wgi_t_upper"].iloc[0]))
                for name, x in (("gs", gs), ("eus", eus))
            }
            low, high = supply_risk_range(bounds["gs"], bounds["eus"], ranges)
            if np.isclose(low, high):
                sr = low
        for _, row in part.iterrows():
            out.append(
                {
                    **row.to_dict(),
                    "sr": sr,
                    "sr_low": low,
                    "sr_high": high,
                    "sr_basis": basis,
                    "inputs_of": used if len(needed) < len(SR_INPUTS) else "",
                    "sr_missing": ", ".join(needed),
                    "sr_fallback": "; ".join(fallbacks),
                }
            )
    return pd.DataFrame(out, columns=SR_RESULT_COLUMNS)


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
