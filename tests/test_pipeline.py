"""The supply pipeline: announced facilities as projects, their probabilities and dates, plants
rising to nameplate, China's quota growth, and scenario projects that replace a facility."""

from __future__ import annotations

import pandas as pd
import pytest

from reechain.engine.inputs import build_inputs
from reechain.engine.scenario import Scenario, ScenarioError

BASE = {"name": "p", "base_year": 2024, "horizon": 2035}


def network(ds, **fields):
    sc = Scenario.model_validate({**BASE, **fields}).check(ds)
    return build_inputs(ds, sc)


def noted(inputs, parameter: str) -> pd.Series:
    prov = pd.DataFrame(inputs.provenance).set_index("parameter")
    return prov.loc[parameter]


@pytest.fixture(scope="module")
def runs(ds):
    return {mode: network(ds, pipeline=mode) for mode in ("none", "expected", "announced")}


def test_eneabba_enters_at_its_probability_from_its_announced_year(runs, ds):
    caps = {mode: inputs.network.sep_cap["AUS"] for mode, inputs in runs.items()}
    added = caps["expected"] - caps["none"]
    full = caps["announced"] - caps["none"]
    # Iluka Eneabba: 17,500 t REO/yr, under construction (0.8), from 2027, 5 ramp-up years;
    # with the other Australian separation projects (planned, 0.25) from their own years
    assert added.loc[2026] == 0 and added.loc[2027] == pytest.approx(17_500 * 0.8 / 6)
    assert full.loc[2027] == pytest.approx(17_500 / 6)
    assert added.loc[2032] >= 17_500 * 0.8
    note = noted(runs["expected"], "pipeline iluka-eneabba")
    assert note["value"] == pytest.approx(14_000) and "construction" in note["how"]


def test_undated_planned_projects_wait_for_lead_time_and_slip(runs):
    note = noted(runs["expected"], "pipeline lynas-seadrift")
    # planned, no date: 2024 + 4.5 years to build a separation plant outside China + 2 years'
    # usual slip = 2031, at a quarter of its 5,000 t
    assert "from 2031" in note["how"] and note["value"] == pytest.approx(1_250)


def test_a_plant_rises_from_its_output_to_its_nameplate(runs):
    usa = runs["none"].network.sep_cap["USA"]
    # Mountain Pass separation, operating since 2023, nameplate 20,000 t REO: in its second
    # year it realises 0.4 of it (between 0.3 in year 1 and 0.5 in year 3), so 12,000 t more
    # come over the ramp-up, full in 2028; pipeline 'none' keeps it (it operates)
    rise = usa - usa.loc[2024]
    assert rise.loc[2028] == pytest.approx(12_000, rel=1e-6)
    assert rise.loc[2025] == pytest.approx(3_000, rel=1e-6)


def test_china_grows_at_its_quota_growth_and_elsewhere_only_by_projects(runs, ds):
    net = runs["none"].network
    g = 0.05  # existing_capacity_growth (China's quota growth)
    assert net.sep_cap.loc[2030, "CHN"] == pytest.approx(net.sep_cap.loc[2024, "CHN"] * 1.05**6)
    assert net.magnet_cap.loc[2030, "JPN"] == pytest.approx(net.magnet_cap.loc[2024, "JPN"])
    assert g == pytest.approx(float(ds.table("assumptions").set_index("assumption_id").loc[
        "existing_capacity_growth", "value"]))  # fmt: skip


def test_a_scenario_project_replaces_its_facility(ds):
    project = {
        "type": "project",
        "name": "Beylikova",
        "facility": "beylikova-plant",
        "country": "TUR",
        "stage": "separation",
        "capacity": {"value": 10_000, "unit": "t REO/yr"},
        "start": 2028,
    }
    with_project = network(ds, events=[project])

    def parameters(inputs) -> set[str]:
        return set(pd.DataFrame(inputs.provenance)["parameter"])

    # counted once: as the scenario's project, not also as the pipeline's
    assert "pipeline beylikova-plant" not in parameters(with_project)
    assert "pipeline beylikova-plant" in parameters(network(ds))
    bad = {**project, "facility": "beylikova-plnat"}
    with pytest.raises(ScenarioError, match="beylikova-plant"):
        Scenario.model_validate({**BASE, "events": [bad]}).check(ds)


def test_a_start_sooner_than_the_build_time_is_warned(ds):
    fast = {
        "type": "project",
        "name": "Fast magnets",
        "country": "DEU",
        "stage": "magnet",
        "capacity": {"value": 1_000, "unit": "t magnet/yr"},
        "start": 2025,
    }
    warned = Scenario.model_validate({**BASE, "events": [fast]}).warnings(ds)
    assert any("takes about 3 years to build" in msg for _, msg in warned)
    later = Scenario.model_validate({**BASE, "events": [{**fast, "start": 2027}]})
    assert later.warnings(ds) == []


def test_facilities_left_out_say_why(runs):
    note = noted(runs["expected"], "pipeline facilities left out")["how"]
    assert "lynas-malaysia-heavy-circuit (a heavy-only circuit" in note
    assert "lynas-kalgoorlie (cracking only" in note
    assert "evac-sumter (no capacity in t magnet/yr in the data)" in note


def test_operating_plants_expand_and_use_their_idle_nameplate(runs):
    inputs = runs["expected"]
    # Mount Weld: 7,200 t/yr NdPr (2024) -> 12,000 (2026, reported), in t REO of its split
    note = noted(inputs, "expansion lynas-mount-weld")
    assert "7,200 (2024) -> 12,000 (2026, reported)" in note["how"]
    share = 4800 / note["value"]  # the Pr+Nd share of Mount Weld's split it was converted by
    assert 0.15 < share < 0.30
    # Lynas Malaysia: nameplate 22,000 t REO (2014) less its 10,908 t output in FY2024, open
    # from 2025
    idle = noted(inputs, "idle nameplate lynas-malaysia")
    assert idle["value"] == pytest.approx(22_000 - 10_908)
    mys = inputs.network.sep_cap["MYS"]
    assert mys.loc[2025] - mys.loc[2024] == pytest.approx(22_000 - 10_908)


def test_a_scenario_leaves_facilities_out_of_the_pipeline(ds):
    without = network(ds, pipeline_exclude=["iluka-eneabba"])
    params = set(pd.DataFrame(without.provenance)["parameter"])
    assert "pipeline iluka-eneabba" not in params and "pipeline lynas-seadrift" in params
    with pytest.raises(ScenarioError, match="iluka-eneabba"):
        Scenario.model_validate({**BASE, "pipeline_exclude": ["iluka-enneabba"]}).check(ds)


def test_an_ensemble_sample_builds_each_facility_or_not(ds):
    from types import SimpleNamespace

    from reechain.engine.inputs.pipeline import _drawn
    from reechain.ensemble.apply import apply
    from reechain.ensemble.sampling import inputs_of

    sc = Scenario.model_validate(BASE)
    draw = [i for i in inputs_of(sc) if i.target == "pipeline_seed"]
    assert len(draw) == 1  # one seed draws every facility of the pipeline
    sample = apply(sc, {draw[0].name: 12345.7}, {draw[0].name: "pipeline_seed"})
    assert (sample.pipeline, sample.pipeline_seed) == ("drawn", 12345)
    # each facility is drawn on its own, reproducibly, at its probability
    built = [
        _drawn(SimpleNamespace(sc=SimpleNamespace(pipeline_seed=seed)), "lynas-seadrift", 0.25)
        for seed in range(2000)
    ]
    assert abs(sum(built) / len(built) - 0.25) < 0.03
    drawn = network(ds, pipeline="drawn", pipeline_seed=12345)
    expected = network(ds, pipeline="expected")
    aus_drawn = drawn.network.sep_cap.loc[2035, "AUS"]
    # Eneabba (0.8) is either fully in or out, never at 0.8 of its capacity
    note = pd.DataFrame(drawn.provenance).set_index("parameter")
    if "pipeline iluka-eneabba" in note.index:
        assert note.loc["pipeline iluka-eneabba", "value"] == pytest.approx(17_500)
    assert aus_drawn != expected.network.sep_cap.loc[2035, "AUS"]


def test_a_heavy_circuit_takes_part_of_its_light_plants_heavy_fraction(ds):
    from reechain.engine.run import run

    sc = Scenario.model_validate({"name": "h", "base_year": 2024, "horizon": 2026}).check(ds)
    res = run(sc, ds, owners=False)
    net = res.inputs.network
    # Lynas Malaysia stays a light plant; its heavy circuit (1,500 t/yr of heavy feed, from
    # 2025) separates part of the heavy fraction there, the rest leaves for China
    assert net.light_only.loc[[2024, 2025, 2026], "MYS"].tolist() == [1.0, 1.0, 1.0]
    cap = net.heavy_circuit_cap["MYS"]
    assert pd.isna(cap.loc[2024]) and cap.loc[2025] == pytest.approx(1500.0)
    from reechain.engine.arrays import HEAVY_SEPARATION

    f = res.flows
    made = f[
        (f["stage"] == "separation")
        & f["destination"].isna()
        & (f["origin"] == "MYS")
        & f["material"].isin(HEAVY_SEPARATION)
    ]
    heavy = made.groupby("year")["value"].sum().reindex([2024, 2025, 2026]).fillna(0.0)
    assert heavy.loc[2024] == pytest.approx(0.0, abs=1e-6)  # before the circuit: all to China
    assert 0 < heavy.loc[2025] <= 1500.0 + 1e-6 and heavy.loc[2026] <= 1500.0 + 1e-6
