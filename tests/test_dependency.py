"""Dependency along the chain on a hand-made flow table, stress and CRMA benchmarks."""

from __future__ import annotations

import pandas as pd
import pytest

from reechain.analysis.dependency import crma_benchmarks, dependency, stress
from reechain.data.flows import FLOW_COLUMNS
from reechain.errors import ReechainError

from conftest import make_flows


def lanes(rows: list[tuple]) -> pd.DataFrame:
    """(stage, material, origin, destination, value) lanes of 2030."""
    return pd.DataFrame(
        [(2030, s, m, o, d, None, v, "t", "toy") for s, m, o, d, v in rows], columns=FLOW_COLUMNS
    )


TOY = lanes(
    [
        ("magnet", "NdFeB", "JPN", "DEU", 60.0),
        ("magnet", "NdFeB", "CHN", "DEU", 40.0),
        ("metal", "Nd", "CHN", "JPN", 10.0),
        ("metal", "Nd", "CHN", "CHN", 8.0),
        ("separation", "Nd", "CHN", "CHN", 8.0),
        ("separation", "Nd", "MYS", "CHN", 2.0),
        ("mining", "TREO", "CHN", "CHN", 70.0),
        ("mining", "TREO", "MMR", "CHN", 30.0),
        ("mining", "TREO", "AUS", "MYS", 5.0),
    ]
)


def test_paths_and_effective_dependency_by_hand():
    by_stage, effective = dependency(TOY, "DEU", "Nd", 2030, form="magnet")
    s = by_stage.set_index(["stage", "supplier"])["share"]
    assert s[("magnet", "JPN")] == pytest.approx(0.6)
    assert s[("metal", "CHN")] == pytest.approx(1.0)  # Japan's metal is Chinese
    assert s[("separation", "MYS")] == pytest.approx(0.2)
    e = effective.set_index("country")["effective_dependency"]
    assert e["CHN"] == pytest.approx(1.0)
    assert e["JPN"] == pytest.approx(0.6)
    assert e["MMR"] == pytest.approx(0.8 * 0.3)
    assert e["AUS"] == pytest.approx(0.2)
    # every stage's shares sum to one
    assert by_stage.groupby("stage")["share"].sum().tolist() == pytest.approx([1.0] * 4)


def test_a_bloc_consumer_and_a_missing_good():
    # FRA receives nothing: the bloc's supply is Germany's, stage by stage and supplier by
    # supplier, and so is its effective dependency
    bloc, bloc_effective = dependency(TOY, ["DEU", "FRA"], "Nd", 2030, form="magnet")
    deu, deu_effective = dependency(TOY, "DEU", "Nd", 2030, form="magnet")
    key = ["stage", "supplier"]
    pd.testing.assert_series_equal(
        bloc.set_index(key)["share"].sort_index(), deu.set_index(key)["share"].sort_index()
    )
    assert bloc.set_index(key)["share"][("magnet", "JPN")] == pytest.approx(0.6)
    pd.testing.assert_frame_equal(
        bloc_effective.sort_values("country").reset_index(drop=True),
        deu_effective.sort_values("country").reset_index(drop=True),
    )
    with pytest.raises(ReechainError, match="FRA receives no Nd oxide in 2030"):
        dependency(TOY, "FRA", "Nd", 2030, form="oxide")


def test_stress_by_hand():
    flows = make_flows(
        [(2030, "AAA", 60.0), (2030, "BBB", 30.0), (2030, "CCC", 10.0), (2030, "WLD", 100.0)]
    )
    one = stress(flows, "mining", 2030, "TREO", k=1).iloc[0]
    assert one["withdrawn"] == "AAA" and one["remaining"] == pytest.approx(0.4)
    two = stress(flows, "mining", 2030, "TREO", k=2).iloc[0]
    assert two["remaining"] == pytest.approx(0.1)
    bloc = stress(flows, "mining", 2030, "TREO", withdraw=["BBB", "CCC"]).iloc[0]
    assert bloc["remaining"] == pytest.approx(0.6)


def test_crma_benchmarks_on_the_data(ds):
    b = crma_benchmarks(ds, 2024).set_index("benchmark")
    mining = b.loc["no third country above 65 % (mining, world share proxy)"]
    assert mining["largest"] == "CHN"
    assert not bool(mining["met"])
    assert mining["value"] == pytest.approx(270000 / 390000)
    assert b["met"].isna().sum() == 3  # the consumption-based targets are not assessable


def test_stress_never_loses_more_than_the_world(ds):
    """Reliability review L5: withdrawing every supplier loses at most 100 % and says when the
    named countries add up to more than the published world total."""
    from reechain.analysis.dependency import stress

    row = stress(ds.table("production"), "mining", 2024, "TREO", k=1000).iloc[0]
    assert row["lost_share"] <= 1.0 and row["remaining_upper"] >= 0.0
    if row["note"]:
        assert "of the published world total" in row["note"]
