"""The arithmetic of validation/controls_2025_monthly.py on hand-made frames."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

VALIDATION = Path(__file__).resolve().parents[1] / "validation"


def load():
    spec = importlib.util.spec_from_file_location(
        "controls_2025_monthly", VALIDATION / "controls_2025_monthly.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_exports_are_per_grade_shipments_out_of_china_by_month():
    script = load()
    flows = pd.DataFrame(
        [
            (202504, "magnet", "NdFeB:N42", "CHN", "DEU", 10.0),
            (202504, "magnet", "NdFeB:GBD", "CHN", "USA", 5.0),
            (202504, "magnet", "NdFeB", "CHN", "DEU", 99.0),  # a total row: left out
            (202504, "magnet", "NdFeB:N42", "CHN", "CHN", 50.0),  # domestic
            (202504, "magnet", "NdFeB:N42", "JPN", "DEU", 7.0),  # not China's
            (202505, "magnet", "NdFeB:EH", "CHN", "JPN", 2.0),
            (202505, "magnet", "NdFeB:EH", "CHN", None, 80.0),  # production
        ],
        columns=["year", "stage", "material", "origin", "destination", "value"],
    )
    assert script.china_magnet_exports(flows).to_dict() == {"2025-04": 15.0, "2025-05": 2.0}


def test_observed_prefers_the_reported_figure_and_shapes_are_to_the_first_quarter():
    script = load()
    table = pd.DataFrame(
        {
            "period": ["2025-01", "2025-02", "2025-02", "2025-03", "2025-04"],
            "value": [6.0, 4.0, 3.0, 5.0, 2.0],
            "status": ["reported", "derived", "reported", "reported", "derived"],
        }
    )
    observed = script.observed_monthly(table)
    assert observed.to_dict() == {"2025-01": 6.0, "2025-02": 3.0, "2025-03": 5.0, "2025-04": 2.0}
    model = pd.Series({"2025-01": 5.0, "2025-02": 5.0, "2025-03": 5.0, "2025-04": 4.0})
    out = script.side_by_side(observed, model, model)
    assert len(out) == 12 and out.loc["2025-04", "observed / Q1"] == pytest.approx(2 / (14 / 3))
    assert out.loc["2025-04", "model / Q1"] == pytest.approx(0.8)
    assert pd.isna(out.loc["2025-12", "observed"])


def test_every_monthly_figure_cites_its_source():
    table = pd.read_csv(VALIDATION / "controls_2025_monthly.csv")
    assert table[["source_id", "citation", "address"]].notna().all().all()
    assert set(table["status"]) <= {"reported", "derived"}
    months_2025 = table[table["period"].str.startswith("2025")]["period"].unique()
    assert len(months_2025) == 12
