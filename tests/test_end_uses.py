"""Magnet demand by end use (engine/inputs/end_uses.py and demand.py): the base year sums to
the dataset's world total, end uses follow their drivers (history, outlooks, driver events)
and demand events act on their end use only."""

from __future__ import annotations

import pandas as pd
import pytest

import reechain
from reechain.engine.inputs.build import build_inputs
from reechain.engine.inputs.end_uses import end_use_demand
from test_inputs import context, scenario, toy

from conftest import EXAMPLES

SHARES = pd.Series({"ev_traction_motor": 0.5, "other": 0.5})


@pytest.fixture(scope="module")
def toy_ds():
    return toy()


def test_end_uses_follow_their_driver_and_the_others_the_iea_rate(toy_ds):
    """Toy: 1,000 t of magnets, half in EVs; car sales 40,000 (2023), 50,000 (2024), STEPS
    100,000 (2026): 2025 is interpolated; the rest grows at (200/100)^(1/7) - 1 a year."""
    ctx = context(toy_ds, scenario(horizon=2028))
    d = end_use_demand(ctx, 1000.0, SHARES)
    ev, other = d.world["ev_traction_motor"], d.world["other"]
    assert d.world.loc[2024].sum() == pytest.approx(1000.0)  # the world total, split
    assert ev[[2024, 2025, 2026, 2028]].tolist() == pytest.approx([500, 750, 1000, 1000])
    growth = 2 ** (1 / 7) - 1
    assert other[2026] == pytest.approx(500 * (1 + growth) ** 2)
    assert d.intensity()["ev_traction_motor"] == pytest.approx(500 / 50_000)  # t per car
    # before the base year: the world's output split, EVs by driver x base-year intensity
    assert ev[2023] == pytest.approx(40_000 * 0.01)
    assert d.world.loc[2023].sum() == pytest.approx(720 / 0.9)  # China's output / share
    aps = end_use_demand(ctx.__class__(**{**ctx.__dict__, "sc": scenario(
        horizon=2028, demand_outlook="APS")}), 1000.0, SHARES)  # fmt: skip
    assert aps.world.loc[2026, "ev_traction_motor"] == pytest.approx(500 * 80_000 / 50_000)


def test_a_driver_event_replaces_the_path_from_its_first_year(toy_ds):
    sc = scenario(
        horizon=2028,
        events=[
            {
                "type": "driver",
                "name": "EV high case",
                "end_use": "ev_traction_motor",
                "unit": "vehicles/yr",
                "values": {2026: 60_000, 2028: 150_000},
            }
        ],
    )
    d = end_use_demand(context(toy_ds, sc), 1000.0, SHARES)
    ev = d.world["ev_traction_motor"]
    # history to 2024, then linear to the event's 2026 value (the STEPS point is replaced)
    assert ev[[2024, 2025, 2026, 2027, 2028]].tolist() == pytest.approx([500, 550, 600, 1050, 1500])


def test_a_growth_event_acts_on_its_end_use_only(toy_ds):
    from reechain.engine.inputs.demand import _growth_index

    sc = scenario(
        events=[
            {"type": "demand", "name": "g", "region": "USA", "end_use": "other", "growth_rate": 0.1}
        ]
    )
    ctx = context(toy_ds, sc)
    index = end_use_demand(ctx, 1000.0, SHARES).index()
    assert _growth_index(ctx, "USA", "other", 2026, index) == pytest.approx(1.21)
    assert _growth_index(ctx, "USA", "ev_traction_motor", 2026, index) == pytest.approx(2.0)
    assert _growth_index(ctx, "CHN", "other", 2026, index) == pytest.approx(index.at[2026, "other"])


def test_the_driver_event_checks_its_unit():
    with pytest.raises(ValueError, match="GW/yr"):
        reechain.Scenario.model_validate(
            {
                "name": "x", "base_year": 2024, "horizon": 2030,
                "events": [{"type": "driver", "name": "w", "end_use": "wind_turbine",
                            "unit": "vehicles/yr", "values": {2030: 200}}],
            }
        )  # fmt: skip


@pytest.fixture(scope="module")
def baseline_inputs():
    ds = reechain.load()
    sc = reechain.Scenario.model_validate({"name": "b", "base_year": 2024, "horizon": 2030})
    return ds, build_inputs(ds, sc)


def test_base_year_demand_by_end_use_sums_to_the_world_total(baseline_inputs):
    ds, inputs = baseline_inputs
    world = next(r for r in inputs.provenance if r["parameter"] == "world magnet output")
    into_use = inputs.magnets_into_use
    base = into_use[into_use["year"] == 2024].groupby("end_use")["value"].sum()
    assert base.sum() == pytest.approx(world["value"])  # 319,149 t (China 300 kt / 0.94)
    shares = base / base.sum()
    # EV and wind shares inside the range of the sources in magnet_end_uses (2023-2024)
    t = ds.table("magnet_end_uses")
    rows = t[(t["measure"] == "share_of_magnets") & (t["region"] == "WLD") & t["value"].notna()]
    for use in ("ev_traction_motor", "wind_turbine"):
        cited = rows[(rows["end_use"] == use) & rows["year"].isin([2023, 2024])]["value"]
        assert cited.min() - 1e-9 <= shares[use] <= cited.max() + 1e-9, use
    assert shares["ev_traction_motor"] == pytest.approx(0.07)  # IEA GCMO 2024


def test_base_year_intensities_are_inside_the_sourced_ranges(baseline_inputs):
    """The base year's magnets per car and per MW (end-use share x world magnets / driver)
    against the intensities table: 1.1-2.0 kg per car, 96-650 kg/MW."""
    ds, inputs = baseline_inputs
    into_use = inputs.magnets_into_use
    base = into_use[into_use["year"] == 2024].groupby("end_use")["value"].sum()
    per_car = base["ev_traction_motor"] * 1000 / 17.1e6  # kg, Rho Motion's 17.1 M cars
    per_mw = base["wind_turbine"] * 1000 / 117_000  # kg, GWEC's 117 GW
    assert 1.1 <= round(per_car, 2) <= 2.0
    assert 96 <= per_mw <= 650


def test_the_high_case_to_2040_is_written_in_drivers(baseline_inputs):
    """examples/ev-wind-high-2040.yaml: electric cars on the IEA's APS path (67.5 M in 2035),
    wind rising to 320 GW a year by 2030 (GWEC); both level after their last year."""
    ds, base = baseline_inputs
    sc = reechain.Scenario.from_yaml(EXAMPLES / "ev-wind-high-2040.yaml").check(ds)
    rows = build_inputs(ds, sc).magnets_into_use
    by = rows.groupby(["year", "end_use"])["value"].sum()
    start = base.magnets_into_use.groupby(["year", "end_use"])["value"].sum()
    ev0, wind0 = start[(2024, "ev_traction_motor")], start[(2024, "wind_turbine")]
    assert by[(2035, "ev_traction_motor")] == pytest.approx(ev0 * 67.5e6 / 17.1e6)
    assert by[(2040, "ev_traction_motor")] == pytest.approx(by[(2035, "ev_traction_motor")])
    assert by[(2030, "wind_turbine")] == pytest.approx(wind0 * 320 / 117)
    assert by[(2027, "wind_turbine")] == pytest.approx(wind0 * (117 + 3 * (320 - 117) / 6) / 117)
