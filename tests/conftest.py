"""Shared fixtures: the embedded dataset (loaded once) and small hand-made flow tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reechain import Dataset
from reechain.flows import FLOW_COLUMNS

DATA = Path(__file__).parent / "data"
# Tolerance for shares re-derived from published tonnages [fraction].
SHARE_TOL = 5e-4


@pytest.fixture(scope="session")
def ds() -> Dataset:
    return Dataset.load()


def make_flows(
    rows: list[tuple], stage: str = "mining", material: str = "TREO", unit: str = "t REO"
) -> pd.DataFrame:
    """Flows from (year, origin, value) tuples; origin 'WLD' is the published world total."""
    return pd.DataFrame(
        [(y, stage, material, o, None, None, v, unit, "test") for y, o, v in rows],
        columns=FLOW_COLUMNS,
    )
