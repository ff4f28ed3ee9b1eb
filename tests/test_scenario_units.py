"""Scenario units: every quantity's unit is read with pint and converted to the model's unit
(t/yr in the field's basis), or refused with the file, line, field, the unit given and the units
accepted, all problems in one pass (review B7: ``unit: bananas`` used to run as t REO/yr)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from reechain.data import units
from reechain.engine.scenario import Scenario, ScenarioError
from reechain.web.app import create_app

from conftest import EXAMPLES

PROJECT = """\
name: units
base_year: 2024
horizon: 2030
events:
  - type: project
    name: plant
    country: TUR
    stage: separation
    feed: {deposit: beylikova, composition: mountain-pass-mp-10k-2021-inferred}
    capacity: {value: 10000, unit: t REO/yr}
    start: 2028
"""
SECOND = """\
  - type: project
    name: magnets
    country: TUR
    stage: magnet
    capacity: {value: 500, unit: t magnet/yr}
    start: 2029
"""
# a year of 365.25 days (the Julian year: the mean calendar year with its leap days)
DAYS_PER_YEAR = 365.25


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_text(text, source="units.yaml")
    assert info.value.source == "units.yaml"
    return info.value.problems


def capacity(unit: str, value: str = "10000") -> float:
    """The project's capacity [t/yr] when written as ``value`` [unit]."""
    text = PROJECT.replace("value: 10000, unit: t REO/yr", f"value: {value}, unit: {unit}")
    return Scenario.from_text(text, "units.yaml").events[0].capacity_t_per_yr()


def test_kg_per_day_is_converted_to_tonnes_per_year():
    by_hand = 10_000 / 1000 * DAYS_PER_YEAR  # kg/d -> t/d -> t/yr
    assert by_hand == 3652.5
    assert capacity("kg/day") == pytest.approx(by_hand)
    assert capacity("kg REO/d") == pytest.approx(by_hand)


def test_kilotonnes_are_a_thousand_tonnes():
    assert capacity("kt/yr", "10") == pytest.approx(1000 * capacity("t/yr", "10"))
    assert capacity("kt REO/yr", "10") == pytest.approx(10_000.0)
    assert capacity("t/month", "100") == pytest.approx(1200.0)


@pytest.mark.parametrize(
    ("unit", "reason"),
    [
        ("bananas", "unit 'bananas' is not one reechain reads"),
        ("USD", "unit 'USD' is not a mass per time"),
        ("kg", "unit 'kg' is not a mass per time"),
        ("10**10**10 t", "unit '10**10**10 t' is not one reechain reads"),
    ],
)
def test_a_unit_that_is_not_a_mass_per_time_names_field_line_and_accepted_units(
    unit, reason, monkeypatch
):
    real = units.registry()
    parsed: list[str] = []

    class Recording:  # pint's registry, noting every unit text it is asked to read
        def Quantity(self, value, text):
            parsed.append(text)
            return real.Quantity(value, text)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(units, "registry", Recording)
    found = problems(PROJECT.replace("t REO/yr", unit))
    assert "**" not in "".join(parsed)  # a unit's arithmetic never reaches pint's parser
    assert len(found) == 1
    where, message = found[0]
    assert where == "line 5, events[0]"
    assert message.startswith(f"{reason}; capacity.unit (line 10) takes a mass per time")
    assert "'t REO/yr'" in message and "kg/d" in message


def test_two_bad_units_and_another_problem_come_in_one_pass():
    text = PROJECT.replace("t REO/yr", "bananas") + SECOND.replace("t magnet/yr", "USD/yr")
    text = text.replace("start: 2028", "start: 2028\n    end: 2027")  # and end before start
    found = problems(text)
    assert [where for where, _ in found] == ["line 5, events[0]"] * 2 + ["line 13, events[1]"]
    messages = " | ".join(message for _, message in found)
    assert "end 2027 is before start 2028" in messages
    assert "unit 'bananas' is not one reechain reads; capacity.unit (line 10)" in messages
    assert "unit 'USD/yr' is not a mass per time; capacity.unit (line 17)" in messages


def test_a_unit_error_is_reported_beside_a_field_error_of_its_event():
    text = PROJECT.replace("t REO/yr", "kg").replace("start: 2028", "start: 2028\n    owners: []")
    messages = [message for _, message in problems(text)]
    assert any("owners" in m or "dictionary" in m for m in messages)
    assert any(m.startswith("unit 'kg' is not a mass per time") for m in messages)


def test_a_basis_the_field_does_not_count_is_an_error_not_a_conversion():
    message = problems(PROJECT.replace("t REO/yr", "t metal/yr"))[0][1]
    assert message.startswith("unit 't metal/yr' counts metal; this quantity is in REO")
    assert "element by element" in message  # why no oxide/metal factor converts it
    assert capacity("t oxide/yr") == 10_000.0  # oxide is the REO basis


QUOTA = """\
name: units
base_year: 2024
horizon: 2026
events:
  - type: export_control
    actor: CHN
    elements: [Dy]
    stages: STAGES
    from: 2025-04-04
    quota: {value: 1.5, unit: UNIT}
"""


def quota(stages: str, unit: str) -> str:
    return QUOTA.replace("STAGES", stages).replace("UNIT", unit)


def test_a_quota_names_only_the_basis_of_the_stages_it_controls():
    sc = Scenario.from_text(quota("[separation, mining]", "kt REO/yr"), "units.yaml")
    assert sc.events[0].quota_t_per_yr() == pytest.approx(1500.0)
    mixed = Scenario.from_text(quota("[separation, magnet]", "kt/yr"), "units.yaml")
    assert mixed.events[0].quota_t_per_yr() == pytest.approx(1500.0)  # each stage its own
    [(where, message)] = problems(quota("[separation, magnet]", "kt REO/yr"))
    assert where == "line 5, events[0]"
    assert message.startswith(
        "unit 'kt REO/yr' counts REO; this quantity counts each stage in its own basis"
    )
    assert "quota.unit (line 10)" in message


def test_an_activity_unit_is_read_or_refused_with_what_it_takes():
    text = """\
name: units
base_year: 2024
horizon: 2026
events:
  - type: demand
    name: wind
    region: TUR
    end_use: wind_turbine
    activity: {value: 2, unit: GW/yr}
"""
    assert Scenario.from_text(text, "u.yaml").events[0].activity.per_year() == (2000.0, "power")
    [(_, message)] = problems(text.replace("GW/yr", "t REO/yr"))
    assert "activity.unit (line 9) takes vehicles/yr, MW/yr, GW/yr or t magnet/yr" in message


DRIVER = """\
name: units
base_year: 2024
horizon: 2030
events:
  - type: driver
    name: wind
    end_use: wind_turbine
    unit: UNIT
    values: {2030: 150}
"""
TARIFF = """\
name: units
base_year: 2024
horizon: 2030
events:
  - type: tariff
    importer: USA
    stages: [magnet]
    rate: {value: 2000, unit: UNIT}
    from: 2026-01-01
"""


DRIVER_REFUSED = "wind_turbine's driver is in GW/yr; multiply the values by 0.001; unit (line 8)"
TARIFF_REFUSED = "give the duty in USD/t (multiply the value by 1000); rate.unit (line 8)"


@pytest.mark.parametrize(
    ("text", "spelled", "other", "reason"),
    [
        (DRIVER, "GW / year", "MW/yr", f"{DRIVER_REFUSED} takes GW/yr"),
        (TARIFF, "USD / tonne", "USD/kg", f"{TARIFF_REFUSED} takes USD/t"),
    ],
)
def test_drivers_and_duties_take_their_unit_however_spelled_and_refuse_another(
    text, spelled, other, reason
):
    """Their values are used as written, so a unit of the same kind with another size is an
    error with the factor, never a silent misreading."""
    Scenario.from_text(text.replace("UNIT", spelled), "units.yaml")
    [(where, message)] = problems(text.replace("UNIT", other))
    assert where == "line 5, events[0]"
    assert message == f"unit {other!r}: {reason}"
    [(_, message)] = problems(text.replace("UNIT", "EUR/kg"))
    assert message.startswith("unit 'EUR/kg' is not one reechain reads")


MASSES = ["t", "kt", "Mt", "kg", "g", "tonnes"]
TIMES = ["yr", "year", "a", "month", "week", "d", "day"]
BASES = ["", " REO", " oxide"]


@given(
    value=st.floats(0.0, 1e12, allow_nan=False),
    mass=st.sampled_from(MASSES),
    basis=st.sampled_from(BASES),
    per=st.sampled_from(TIMES),
)
def test_converting_to_tonnes_per_year_and_back_is_the_identity(value, mass, basis, per):
    unit = f"{mass}{basis}/{per}"
    there = units.mass_per_year(value, unit, {"REO"})
    assert units.convert(there, "t/yr", unit) == pytest.approx(value, rel=1e-12, abs=1e-300)


ACTIVITIES = ["vehicles/yr", "cars/month", "GW/yr", "kW/d", "t magnet/yr", "kg NdFeB/week"]


@given(value=st.floats(0.0, 1e12, allow_nan=False), unit=st.sampled_from(ACTIVITIES))
def test_an_activity_converted_and_back_is_the_identity(value, unit):
    there, kind = units.activity_per_year(value, unit)
    canonical = units.ACTIVITY_UNITS[kind]
    assert units.convert(there, canonical, unit) == pytest.approx(value, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_keeps_its_units_and_magnitudes(path, ds):
    sc = Scenario.from_yaml(path).check(ds)
    for ev in sc.events:
        if ev.type == "project":
            assert ev.capacity_t_per_yr() == ev.capacity.value  # written in t .../yr


def test_the_web_validator_refuses_a_bad_unit_with_its_message(ds, tmp_path):
    client = TestClient(create_app(ds, store=tmp_path / "runs.duckdb", max_jobs=1))
    text = (EXAMPLES / "turkiye-beylikova.yaml").read_text(encoding="utf-8")
    assert "unit: t REO/yr" in text
    r = client.post("/api/scenarios/validate", json={"yaml": text.replace("t REO/yr", "kg/day")})
    assert r.status_code == 200
    r = client.post("/api/scenarios/validate", json={"yaml": text.replace("t REO/yr", "bananas")})
    assert r.status_code == 422
    found = r.json()["problems"]  # the one error shape: {status, title, detail, problems}
    assert found and all(p["where"].startswith("line ") for p in found)
    assert all(
        p["message"].startswith("unit 'bananas' is not one reechain reads; capacity.unit (line ")
        for p in found
    )
