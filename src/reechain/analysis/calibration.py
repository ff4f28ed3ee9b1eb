"""Calibration: does the no-event scenario reproduce the observed base-year country shares?

For each stage with published country shares in the base year (mining: USGS tonnages;
separation: the IEA's magnet rare earth shares; metal and magnets: published shares), the
model's share of each country is computed from its flows on the same material basis and
compared. Residuals are in percentage points; the target is within 2 pp.
"""

from __future__ import annotations

import logging

import pandas as pd

from reechain.analysis import metrics
from reechain.data.dataset import Dataset
from reechain.data.flows import material_flows, observed_flows
from reechain.engine.run import ScenarioResult, run
from reechain.engine.scenario import Scenario

logger = logging.getLogger(__name__)

TOLERANCE_PP = 2.0
CHECKS = (
    ("mining", "TREO"),
    ("separation", "Pr+Nd+Tb+Dy"),
    ("separation", "TREO"),
    ("metal", "REM"),
    ("magnet", "NdFeB"),
)


def residuals(result: ScenarioResult, ds: Dataset) -> pd.DataFrame:
    """Observed vs model country shares per stage in the base year, in percentage points."""
    year = result.scenario.base_year
    observed = observed_flows(ds.table("production"))
    rows = []
    for stage, material in CHECKS:
        obs = metrics.shares(observed, stage, year, material=material)
        if obs.empty:
            continue
        model = metrics.shares(
            material_flows(result.flows, material), stage, year, material=material
        ).set_index("group")
        region_of = _region_map(result)
        for r in obs[obs["share"].notna()].itertuples():
            if r.group in ("OTH", "WLD"):
                continue
            region = region_of.get(r.group, r.group)
            model_share = float(model["share"].get(region, 0.0))
            rows.append(
                {
                    "stage": stage,
                    "material": material,
                    "country": r.group,
                    "observed": r.share,
                    "model": model_share,
                    "residual_pp": 100 * (model_share - r.share),
                    "within": abs(100 * (model_share - r.share)) <= TOLERANCE_PP,
                    "observed_basis": r.world_basis,
                    "source": r.source,
                }
            )
    return pd.DataFrame(rows)


def _region_map(result: ScenarioResult) -> dict[str, str]:
    return {c: name for name, members in result.scenario.regions.items() for c in members}


def calibrate(ds: Dataset, base_year: int = 2024) -> tuple[pd.DataFrame, ScenarioResult]:
    """Run the no-event scenario for the base year and return the residual table."""
    sc = Scenario.model_validate(
        {"name": f"calibration {base_year}", "base_year": base_year, "horizon": base_year}
    )
    result = run(sc, ds)
    return residuals(result, ds), result
