"""USGS-style supply risk factors on modelled flows: a scenario's (or its baseline's) DP and TE.

For an importer (a model region or a bloc of them) at each stage of a run:

- DP = sum_i s_i**2 x w_i over the stage's world output shares in the model, with the same
  governance weights as :mod:`.usgs`; the model's rest-of-world region (``ROW``, several
  countries) has no weight: it counts as nothing in the floor and as one supplier of weight 1
  in the ceiling;
- TE = net import reliance = (imports - exports) / (output + imports - exports), from the
  lanes into and out of the importer and its output; a net exporter (also one that ships all
  it makes) has TE = 0, and a region that neither makes nor takes anything at the stage has
  no TE.

EV stays unknown, so SR is not computed (see :mod:`.usgs`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reechain.analysis import metrics
from reechain.analysis.criticality.common import assumption, governance_near
from reechain.analysis.criticality.gpr import importer_members
from reechain.analysis.criticality.gpr_flows import AGGREGATES, STAGE_UNITS
from reechain.analysis.criticality.usgs import disruption_potential, governance_weight
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError

USGS_FLOWS_COLUMNS = [
    "run",
    "importer",
    "year",
    "stage",
    "material",
    "dp_low",
    "dp_high",
    "te",
    "imports",
    "exports",
    "output",
    "unit",
    "notes",
]


def usgs_factors_flows(
    ds: Dataset,
    runs: dict[str, pd.DataFrame],
    importer: str,
    year: int,
    element: str = "Nd",
) -> pd.DataFrame:
    """DP and TE of ``importer`` at each stage in each run (e.g. a scenario and its
    baseline), one row per run and stage (columns ``USGS_FLOWS_COLUMNS``): ``element``'s
    oxide and metal, and NdFeB magnets."""
    importer, members = importer_members(ds, importer, year)
    wgi, wgi_year = governance_near(ds, "wgi_mean_of_6", year)
    weights = governance_weight(wgi, assumption(ds, "usgs_dp_governance_proxy"))
    weights = weights.drop(list(AGGREGATES), errors="ignore")
    rows = []
    for name, flows in runs.items():
        sel = flows[flows["year"] == year]
        if sel.empty:
            raise ReechainError(f"the {name} run has no flows in {year}")
        regions = set(sel["origin"].dropna()) | set(sel["destination"].dropna())
        if not regions & set(members):
            raise ReechainError(
                f"{importer} is not a region of the {name} run (regions: "
                f"{', '.join(sorted(regions - {'WLD'}))}); countries a scenario's events name "
                "get a region of their own"
            )
        for stage in STAGE_UNITS:
            mat = "NdFeB" if stage == "magnet" else element
            part = sel[(sel["stage"] == stage) & (sel["material"] == mat)]
            shares = metrics.shares(flows, stage, year, material=mat)
            shares = shares[shares["share"].notna() & (shares["share"] > 0)]
            dp_low, dp_high = disruption_potential(shares.set_index("group")["share"], weights)
            lanes = part[part["destination"].notna()]
            inside_to = lanes["destination"].isin(members)
            inside_from = lanes["origin"].isin(members)
            imports = float(lanes.loc[inside_to & ~inside_from, "value"].sum())
            exports = float(lanes.loc[inside_from & ~inside_to, "value"].sum())
            made = part["destination"].isna() & part["origin"].isin(members)
            output = float(part.loc[made, "value"].sum())
            consumption = output + imports - exports
            notes = [f"governance of {wgi_year}"] if wgi_year != year else []
            if consumption > 1e-9:
                te = max(imports - exports, 0.0) / consumption
            elif output + imports > 1e-9:  # all of it goes abroad: a net exporter
                te = 0.0
                notes.append(f"{importer} uses none of the {mat} it makes or takes at {stage}")
            else:
                te = np.nan
                notes.append(f"{importer} neither makes nor takes {mat} at {stage}")
            rows.append(
                {
                    "run": name,
                    "importer": importer,
                    "year": year,
                    "stage": stage,
                    "material": mat,
                    "dp_low": dp_low,
                    "dp_high": dp_high,
                    "te": te,
                    "imports": imports,
                    "exports": exports,
                    "output": output,
                    "unit": STAGE_UNITS[stage],
                    "notes": "; ".join(notes),
                }
            )
    return pd.DataFrame(rows, columns=USGS_FLOWS_COLUMNS)
