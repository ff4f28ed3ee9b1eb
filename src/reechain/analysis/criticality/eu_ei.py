"""Economic importance by the EU method, from end-use shares and sector value added.

EI = sum_s(A_s x Q_s) x 10 / max_s(Q_s) x SI_EI [0-10], with A_s the share of the material's
EU end uses in NACE Rev.2 two-digit sector s [fraction], Q_s the sector's EU value added
[million EUR], and SI_EI the substitution index for economic importance [0-1] (JRC RMIS,
'JRC revised methodology: Economic Importance'; the scaling by the largest sector's value
added as in third-party implementations of the 2017 guidelines, SECONDARY).

Missing inputs widen the result into a range instead of being read as zero:

- end uses with no sector assigned count as nothing (``ei_low``) or as the largest sector
  (``ei_high``);
- a missing SI_EI spans [0, 1].

``max_s(Q_s)`` is the largest value added among the sectors the assessment lists, which is
the largest manufacturing sector (C28 in 2023) when the list includes it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reechain.analysis.criticality.common import assessment_inputs
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError

EI_COLUMNS = [
    "material",
    "ei_unscaled_by_si",
    "unassigned_share",
    "share_sum",
    "si_ei",
    "ei",
    "ei_low",
    "ei_high",
    "missing",
]


def economic_importance(
    ds: Dataset, assessment: str = "EU2023", material: str | None = None
) -> pd.DataFrame:
    """EI per material with end-use shares in the data (columns ``EI_COLUMNS``)."""
    c = assessment_inputs(ds, assessment)
    uses = c[(c["parameter"] == "end_use_share") & c["value"].notna()]
    va = c[(c["parameter"] == "value_added") & c["value"].notna()].set_index("sector")["value"]
    if uses.empty or va.empty:
        return pd.DataFrame(columns=EI_COLUMNS)
    if material is not None:
        uses = uses[uses["material"] == material]
    groups = ds.table("elements").set_index("symbol")["group_eu"]
    si = c[(c["parameter"] == "SI_EI") & c["value"].notna()].set_index("material")["value"]
    q_max = float(va.max())
    rows = []
    for mat, part in uses.groupby("material"):
        assigned = part[part["sector"].notna() & part["sector"].isin(va.index)]
        no_va = sorted(set(part["sector"].dropna()) - set(va.index))
        unassigned = float(part["value"].sum() - assigned["value"].sum())
        core = float((assigned["value"] * va.reindex(assigned["sector"]).to_numpy()).sum())
        core = core * 10 / q_max
        si_value = si.get(mat, si.get(groups.get(mat), np.nan))
        si_low, si_high = (0.0, 1.0) if np.isnan(si_value) else (si_value, si_value)
        missing = [] if not np.isnan(si_value) else ["SI_EI"]
        if unassigned > 1e-12:
            missing.append(f"sector of {unassigned:.0%} of end uses")
        if no_va:
            missing.append(f"value added of {', '.join(no_va)}")
        low, high = core * si_low, (core + 10 * unassigned) * si_high
        rows.append(
            {
                "material": mat,
                "ei_unscaled_by_si": core,
                "unassigned_share": unassigned,
                "share_sum": float(part["value"].sum()),
                "si_ei": si_value,
                "ei": low if np.isclose(low, high) else np.nan,
                "ei_low": low,
                "ei_high": high,
                "missing": "; ".join(missing),
            }
        )
    if not rows:
        raise ReechainError(f"no end-use shares for {material} in {assessment}")
    return pd.DataFrame(rows, columns=EI_COLUMNS)
