"""GeoPolRisk on modelled flows: a scenario's (or its baseline's) supply of an importer.

The network model says, for every year, who ships what to whom at each stage (lanes) and what
each region makes (totals). That is every input GeoPolRisk needs, in tonnes:

- HHI_A: the stage's world output shares in the model;
- f_Aic: the lanes into the importer from each other region; F_Ac their sum;
- p_Ac: the importer's own output at the stage.

The model's rest-of-world region (``ROW``) is several countries: it counts once in the HHI
ceiling and as many small suppliers in the floor, and as a partner of unknown stability
(g = 0 at the floor, 1 at the ceiling). Political stability is the latest observed at or
before the year (years after the data take its last year, and say so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reechain.analysis import metrics
from reechain.analysis.criticality.common import governance_near
from reechain.analysis.criticality.gpr import (
    GPR_COLUMNS,
    PV,
    Imports,
    importer_members,
    instability,
    score_bracket,
)
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError

AGGREGATES = ("ROW",)  # model regions that stand for several countries
STAGE_UNITS = {"separation": "t REO", "metal": "t metal", "magnet": "t magnet"}


def geopolrisk_flows(
    ds: Dataset,
    flows: pd.DataFrame,
    importer: str,
    year: int,
    stage: str = "magnet",
    material: str = "NdFeB",
) -> pd.DataFrame:
    """GeoPolRisk of ``importer`` (a model region or a bloc of them) for ``material`` at
    ``stage`` in ``year`` of a model run's ``flows``: one row, columns ``GPR_COLUMNS``."""
    if stage not in STAGE_UNITS:
        raise ReechainError(f"stage must be one of {', '.join(STAGE_UNITS)}, not {stage!r}")
    sel = flows[(flows["year"] == year) & (flows["stage"] == stage)]
    if sel.empty:
        raise ReechainError(f"the run has no {stage} flows in {year}")
    sel = sel[sel["material"] == material]
    if sel.empty:
        have = sorted(set(flows.loc[flows["stage"] == stage, "material"]))
        raise ReechainError(f"no {stage} flows of {material}; the run has: {', '.join(have)}")
    importer, members = importer_members(ds, importer, year)
    regions = set(sel["origin"].dropna()) | set(sel["destination"].dropna())
    if not regions & set(members):
        raise ReechainError(
            f"{importer} is not a region of this run (regions: {', '.join(sorted(regions))}); "
            "countries a scenario's events name get a region of their own"
        )
    shares = metrics.shares(flows, stage, year, material=material)
    shares = shares[shares["share"].notna() & (shares["share"] > 0)]
    aggregate = shares[shares["group"].isin(AGGREGATES)]["share"]
    hhi_upper = float((shares["share"] ** 2).sum())
    hhi = hhi_upper - float((aggregate**2).sum())
    lanes = sel[sel["destination"].isin(members) & ~sel["origin"].isin(members)]
    by_partner = lanes.groupby("origin")["value"].sum()
    by_partner = by_partner[by_partner > 0]
    total = float(by_partner.sum())
    own = sel[sel["destination"].isna() & sel["origin"].isin(members)]["value"]
    domestic = float(own.sum()) if len(own) else 0.0
    pv, pv_year = governance_near(ds, PV, year)
    g = instability(pv).drop(list(AGGREGATES), errors="ignore")
    named = by_partner.drop(list(AGGREGATES), errors="ignore")
    imports = Imports(named, total, "t", "scenario flows (model lanes)")
    low, high = score_bracket(hhi, hhi_upper, imports, g, domestic)
    missing = []
    if total > float(named.sum()):
        missing.append(f"stability of ROW ({(total - named.sum()) / total:.1%} of imports)")
    if hhi_upper > hhi:
        missing.append("ROW's split between countries (HHI)")
    notes = [f"model run, {material} at {stage}"]
    if pv_year != year:
        notes.append(f"political stability of {pv_year}")
    if total == 0:
        notes.append("no imports in the run: nothing to be disrupted")
        low = high = 0.0
    closed = bool(np.isfinite(low) and np.isclose(low, high))
    return pd.DataFrame(
        [
            {
                "importer": importer,
                "product": f"{stage}:{material}",
                "year": year,
                "stage": stage,
                "hhi_year": year,
                "hhi": hhi,
                "hhi_upper": hhi_upper,
                "imports": total,
                "imports_unit": STAGE_UNITS[stage],
                "domestic": domestic,
                "import_basis": imports.basis,
                "unknown_g_share": (total - float(named.sum())) / total if total else 0.0,
                "score_low": low,
                "score_high": high,
                "score": low if closed else np.nan,
                "notes": "; ".join(notes),
                "missing": "; ".join(missing),
            }
        ],
        columns=GPR_COLUMNS,
    )


def geopolrisk_runs(
    ds: Dataset,
    runs: dict[str, pd.DataFrame],
    year: int,
    stage: str = "magnet",
    material: str = "NdFeB",
    importers: list[str] | None = None,
) -> pd.DataFrame:
    """GeoPolRisk of each importer in several runs (e.g. a scenario and its baseline), one row
    per run and importer, with a ``run`` column. Default importers: every region that
    imports at the stage in any of the runs."""
    if importers is None:
        found: set[str] = set()
        for flows in runs.values():
            lanes = flows[
                (flows["year"] == year)
                & (flows["stage"] == stage)
                & (flows["material"] == material)
                & flows["destination"].notna()
                & (flows["origin"] != flows["destination"])
                & (flows["value"] > 0)
            ]
            found |= set(lanes["destination"]) - set(AGGREGATES)
        importers = sorted(found)
    if not importers:
        raise ReechainError(f"no region imports {material} at {stage} in {year} in these runs")
    rows = [
        geopolrisk_flows(ds, flows, importer, year, stage, material).assign(run=name)
        for importer in importers
        for name, flows in runs.items()
    ]
    table = pd.concat(rows, ignore_index=True)
    return table[["run", *GPR_COLUMNS]]
