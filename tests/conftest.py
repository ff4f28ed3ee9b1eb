"""Shared fixtures: the embedded dataset (loaded once) and small hand-made flow tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from reechain import Dataset
from reechain.data.flows import FLOW_COLUMNS
from reechain.data.schema import embedded_schema

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


def write_package(folder: Path, table: str, rows: list[dict]) -> Path:
    """Write one table of a user package (the embedded schema's columns; absent cells empty)
    to ``folder`` and return the folder, for ``Dataset.load(extra=folder)``."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = embedded_schema().tables[table].column_names
    with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, columns)
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in columns})
    return folder
