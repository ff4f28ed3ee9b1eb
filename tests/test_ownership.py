"""Ownership attribution: location vs control, hand-computed on a toy dataset."""

from __future__ import annotations

import pandas as pd
import pytest

from reechain import metrics
from reechain.analysis.ownership import owner_flows
from reechain.data.dataset import Dataset
from reechain.data.schema import embedded_schema
from reechain.errors import ReechainError


def toy(world: float | None = 1000.0) -> Dataset:
    facilities = pd.DataFrame(
        {
            "facility_id": ["mine-a", "mine-b"],
            "name": ["A", "B"],
            "country": ["AUS", "AUS"],
            "stage": ["mining", "mining"],
            "operator": ["X", "Y"],
            "deposit_id": [None, None],
            "status": ["operating", "operating"],
            "start_year": [2000, 2000],
            "source_id": ["s", "s"],
            "note": [None, None],
        }
    )
    capacity = pd.DataFrame(
        {
            "facility_id": ["mine-a", "mine-b"],
            "year": [2024, 2024],
            "measure": ["output", "output"],
            "material": ["TREO", "TREO"],
            "value": [300.0, 200.0],
            "unit": ["t REO/yr"] * 2,
            "status": ["reported"] * 2,
            "preferred": [True, True],
            "source_id": ["s", "s"],
            "note": [None, None],
        }
    )
    ownership = pd.DataFrame(
        {
            "asset_id": ["mine-a", "mine-a", "mine-b", "mine-b"],
            "asset_type": ["facility"] * 4,
            "owner": ["Old Co", "New Co", "Home Co", "Far Co"],
            "owner_country": ["USA", "CHN", "AUS", "JPN"],
            "share": [1.0, 0.6, 0.5, 0.5],
            "as_of": pd.to_datetime(["2010-01-01", "2024-06-30", "2030-01-01", "2030-01-01"]),
            "source_id": ["s"] * 4,
            "note": [None] * 4,
        }
    )
    production = pd.DataFrame(
        {
            "stage": ["mining"],
            "country": ["WLD"],
            "year": [2024],
            "material": ["TREO"],
            "measure": ["output"],
            "value": [world],
            "unit": ["t REO"],
            "basis": ["REO"],
            "status": ["reported"],
            "edition": [None],
            "preferred": [True],
            "source_id": ["s"],
            "note": [None],
        }
    )
    tables = {
        "facilities": facilities,
        "facility_capacity": capacity,
        "ownership": ownership,
        "production": production,
    }
    return Dataset(schema=embedded_schema(), _tables=tables)


def test_owner_shares_by_hand():
    flows = owner_flows(toy(), "mining", 2024)
    s = metrics.shares(flows, "mining", 2024, by="owner").set_index("group")
    # mine-a: the 2024-06-30 record (CHN 60 %) replaces the 2010 one; 40 % has no known owner.
    assert s.loc["CHN", "value"] == pytest.approx(180)
    assert s.loc["CHN", "share"] == pytest.approx(0.18)
    assert s.loc["unattributed", "value"] == pytest.approx(120 + 200)  # mine-b owners from 2030
    assert "USA" not in s.index
    assert s["coverage"].iloc[0] == pytest.approx(0.18)  # unattributed output is not coverage
    assert flows["value"].sum() == pytest.approx(300 + 200 + 1000)  # plant output + world row


def test_owner_shares_need_a_world_total():
    with pytest.raises(ReechainError, match="no published world total"):
        owner_flows(toy(world=None), "mining", 2024)
