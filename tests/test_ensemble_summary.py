"""Ensemble summaries on a hand-filled run store (no model runs): sensitivity below and above
RBD-FAST's minimum sample, and the report that shows it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reechain.ensemble.store import Store
from reechain.ensemble.summary import RBD_FAST_MIN_SAMPLES, sensitivity
from reechain.reports.ensemble import write_report

OUTPUT = ("unmet", "magnet", "TUR", "NdFeB", 2030)


def filled_store(tmp_path: Path, n: int) -> tuple[Store, str]:
    """A random-design run whose output is 3 x capacity - 2 (and ignores the other input)."""
    store = Store(tmp_path / "runs.duckdb")
    inputs = [{"name": "capacity", "target": "t"}, {"name": "noise", "target": "u"}]
    run_id = store.create_run("toy", "name: toy", 7, "random", n, False, "0", "0", inputs)
    rng = np.random.default_rng(7)
    for s in range(n):
        capacity, noise = float(rng.uniform(1, 10)), float(rng.uniform(0, 1))
        rows = pd.DataFrame(
            [[*OUTPUT[:4], OUTPUT[4], 3 * capacity - 2]],
            columns=["metric", "stage", "region", "item", "year", "value"],
        )
        store.save_sample(run_id, s, {"capacity": capacity, "noise": noise}, 0.1, rows)
    return store, run_id


def test_sensitivity_below_the_rbd_fast_minimum_leaves_s1_empty(tmp_path: Path) -> None:
    store, run_id = filled_store(tmp_path, 12)
    sens = sensitivity(store, run_id, OUTPUT).set_index("input")
    assert sens["S1"].isna().all()  # too few samples: no index, and no crash
    assert sens.loc["capacity", "spearman"] == pytest.approx(1.0)  # monotone in capacity


def test_sensitivity_from_the_minimum_gives_first_order_indices(tmp_path: Path) -> None:
    store, run_id = filled_store(tmp_path, RBD_FAST_MIN_SAMPLES)
    sens = sensitivity(store, run_id, OUTPUT).set_index("input")
    assert sens.loc["capacity", "S1"] > 0.8  # the output is a function of capacity alone
    assert sens.loc["capacity", "S1"] > sens.loc["noise", "S1"] + 0.5


def test_the_ensemble_report_shows_the_sensitivity_of_a_small_run(tmp_path: Path) -> None:
    store, run_id = filled_store(tmp_path, 12)
    page = write_report(store, run_id, tmp_path / "report.html", OUTPUT).read_text()
    assert "Sensitivity of" in page
    assert "No sensitivity" not in page
