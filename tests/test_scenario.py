"""Scenario files: one test per error a user can make, each naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest

from reechain.engine.scenario import Event, Scenario, ScenarioError, json_schema
from reechain.errors import ReechainError

EXAMPLES = Path(__file__).parents[1] / "examples"

GOOD = """\
name: test
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
    owners: {TUR: 0.51, CHN: 0.49}
"""


def problems(text: str, ds=None) -> str:
    with pytest.raises(ScenarioError) as info:
        sc = Scenario.from_text(text, source="s.yaml")
        if ds is not None:
            sc.check(ds)
    return str(info.value)


def test_a_good_file_passes(ds):
    sc = Scenario.from_text(GOOD, "s.yaml").check(ds)
    assert sc.years == list(range(2024, 2031))
    assert sc.events[0].owners == {"TUR": 0.51, "CHN": 0.49}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "value: 10000",
            "value: -10",
            "line 10, events[0].capacity.value: Input should be greater",
        ),
        ("CHN: 0.49", "CHN: 0.69", "line 12, events[0].owners: shares sum to 1.200"),
        ("stage: separation", "stage: refining", "line 8, events[0].stage: Input should be"),
        ("type: project", "type: projekt", "line 5, events[0]: unknown event type 'projekt'"),
        ("horizon: 2030", "horizon: 2020", "horizon 2020 is before base_year 2024"),
        ("    start: 2028", "    start: 2028\n    colour: red", "events[0].colour: unknown field"),
    ],
)
def test_structural_errors_name_line_and_field(old, new, expected):
    assert expected in problems(GOOD.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "country: TUR",
            "country: TRK",
            "line 7, events[0].country: unknown country or region 'TRK' (did you mean 'TUR'",
        ),
        (
            "deposit: beylikova",
            "deposit: beylikovaa",
            "events[0].feed.deposit: unknown deposit 'beylikovaa'",
        ),
        ("start: 2028", "start: 2031", "events[0].start: starts in 2031, after the horizon 2030"),
        ("CHN: 0.49", "CHX: 0.49", "events[0].owners.CHX: unknown country 'CHX'"),
    ],
)
def test_meaning_errors_against_the_dataset(ds, old, new, expected):
    assert expected in problems(GOOD.replace(old, new), ds)


def test_export_control_needs_one_mode_and_known_elements(ds):
    text = """\
name: t
base_year: 2024
horizon: 2026
events:
  - type: export_control
    actor: CHN
    elements: [Dy, Xx]
    stages: [magnet]
    from: 2025-04-04
    licence_approval_rate: 0.5
"""
    assert "events[0].elements[1]: unknown element 'Xx'" in problems(text, ds)
    both = text.replace("licence_approval_rate: 0.5", "licence_approval_rate: 1.5")
    assert "licence_approval_rate: Input should be less than or equal to 1" in problems(both)
    none = text.replace("    licence_approval_rate: 0.5\n", "")
    assert "give exactly one of ban" in problems(none)


def test_outage_needs_one_known_target(ds):
    text = """\
name: t
base_year: 2024
horizon: 2026
events:
  - type: outage
    facility: lynas-malaysya
    share: 0.5
    from: 2025-01-01
"""
    assert "events[0].facility: unknown facility 'lynas-malaysya'" in problems(text, ds)
    both = text.replace("    share: 0.5", "    country: MYS\n    share: 0.5")
    assert "give exactly one of country, deposit or facility" in problems(both)


def test_demand_values_need_the_unit_of_an_activity(ds):
    text = """\
name: t
base_year: 2024
horizon: 2026
events:
  - type: demand
    name: plant
    region: TUR
    end_use: ev_traction_motor
    values: {2025: 50000, 2026: 100000}
"""
    assert "line 5, events[0]: values are activity per year in the unit of" in (problems(text))
    with_unit = text.replace(
        "    values:", "    activity: {value: 0, unit: vehicles/yr}\n    values:"
    )
    assert Scenario.from_text(with_unit, "s.yaml").check(ds).events[0].values[2026] == 100_000


@pytest.mark.parametrize(
    ("unit", "tonnes"),
    [("t REO/yr", 10_000.0), ("kt REO/yr", 10_000_000.0), ("t/yr", 10_000.0), ("kg/d", 3652.5)],
)
def test_a_capacity_is_converted_from_its_unit(ds, unit, tonnes):
    sc = Scenario.from_text(GOOD.replace("t REO/yr", unit), "s.yaml").check(ds)
    assert sc.events[0].capacity_t_per_yr() == pytest.approx(tonnes)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("bananas", "unit 'bananas' is not one reechain reads"),
        ("vehicles/yr", "unit 'vehicles/yr' is not a mass per time"),
        ("t magnet/yr", "unit 't magnet/yr' counts magnet; this quantity is in REO"),
        ("kt", "unit 'kt' is not a mass per time"),
    ],
)
def test_a_capacity_unit_that_does_not_fit_is_refused_with_its_line(unit, expected):
    assert f"line 5, events[0]: {expected}" in problems(GOOD.replace("t REO/yr", unit))


def test_quota_and_activity_units_are_read(ds):
    text = """\
name: t
base_year: 2024
horizon: 2026
events:
  - type: export_control
    actor: CHN
    elements: [Dy]
    stages: [separation]
    from: 2025-04-04
    quota: {value: 1.5, unit: kt REO/yr}
  - type: demand
    name: wind
    region: TUR
    end_use: wind_turbine
    activity: {value: 2, unit: GW/yr}
"""
    sc = Scenario.from_text(text, "s.yaml").check(ds)
    assert sc.events[0].quota_t_per_yr() == pytest.approx(1500.0)
    assert sc.events[1].activity.per_year() == (2000.0, "power")  # MW/yr installed
    bad = text.replace("unit: GW/yr", "unit: thousand vehicles/yr")
    assert "line 11, events[1]: unit 'thousand vehicles/yr' is not one reechain reads" in (
        problems(bad)
    )


def test_yaml_syntax_error_has_a_line():
    msg = problems("name: t\nbase_year: 2024\nhorizon: [2030\n")
    assert "line 4, column 1: not valid YAML" in msg  # where the parser found the open bracket


def test_missing_file():
    with pytest.raises(ReechainError, match="cannot read scenario"):
        Scenario.from_yaml("no/such/file.yaml")


def _event_classes() -> tuple[type, ...]:
    return get_args(get_args(Event)[0])  # Event is Annotated[A | B | ..., Field(...)]


def test_json_schema_lists_every_event_type():
    """The schema's event definitions are exactly the classes of the ``Event`` union, each
    under its own ``type`` tag."""
    schema = json.loads(json_schema())
    names = [cls.__name__ for cls in _event_classes()]
    assert {key for key in schema["$defs"] if key.endswith("Event")} == set(names)
    events = schema["properties"]["events"]["items"]
    assert [one["$ref"] for one in events["oneOf"]] == [f"#/$defs/{n}" for n in names]
    tags = {get_args(cls.model_fields["type"].annotation)[0]: cls for cls in _event_classes()}
    assert len(tags) == len(names)
    assert events["discriminator"]["mapping"] == {
        tag: f"#/$defs/{cls.__name__}" for tag, cls in tags.items()
    }
    message = problems(GOOD.replace("type: project", "type: projekt"))
    assert f"use one of {', '.join(tags)}" in message  # every type, in the union's order


@pytest.mark.parametrize(
    "name",
    ["turkiye-beylikova", "china-export-controls-2025", "myanmar-outage", "ev-wind-high-2040"],
)
def test_examples_validate(ds, name):
    Scenario.from_yaml(EXAMPLES / f"{name}.yaml").check(ds)


def test_validate_finds_what_the_run_would_reject(ds):
    """Reliability review M5/M6: duplicate keys, duplicate event names, unknown assumptions,
    a base year without data, runaway growth, infinite quantities, invalid correlations and
    an uncertain input aimed at a text field are all found before a run."""
    dup = problems(GOOD.replace("horizon: 2030", "horizon: 2030\nhorizon: 2031"))
    assert "key 'horizon' is given twice" in dup
    text = """
name: x
base_year: 1990
horizon: 2030
assumptions: {no_such: 5}
events:
  - {type: demand, name: a, region: TUR, end_use: ev_traction_motor, growth_rate: 1.0}
  - {type: demand, name: a, region: TUR, end_use: wind_turbine, growth_rate: 0.1}
"""
    with pytest.raises(ScenarioError) as err:
        Scenario.from_text(text).check(ds)
    msg = str(err.value)
    assert "unknown assumption 'no_such'" in msg
    assert "no mine production in the data for 1990" in msg
    assert "multiplies demand" in msg and "event name 'a' is also event 0's" in msg
    inf = problems(GOOD.replace("{value: 10000, unit: t REO/yr}", "{value: .inf, unit: t REO/yr}"))
    assert "finite number" in inf


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD + "  - {type: outage, country: MMR, share: 1, from: 2027-13-45}\n", "month must be"),
        (GOOD + "  - {type: outage, country: MMR, share: 1, from: 2027-02-30}\n", "day is out"),
        ("name: \ud800\nbase_year: 2024\nhorizon: 2030\n", "lone surrogate"),
        ("name: x\nbase_year: 2024\nhorizon: 2030\nregions: " + "[" * 500 + "]" * 500, "nested"),
        ("name: x\nbase_year: 2024\nhorizon: 2030\nevents: [&e {type: outage, country: MMR, "
         "share: 1, from: 2025-01-01}, *e, *e]\n", "YAML aliases"),
    ],
)  # fmt: skip
def test_hostile_text_is_a_clear_problem_not_a_crash(text, message):
    """Reliability review M1: invalid dates, lone surrogates, deep nesting and alias bombs are
    problems with a place, found before parsing does any costly work."""
    assert message in problems(text)


def test_problem_lists_are_capped():
    many = "name: x\nbase_year: 2024\nhorizon: 2030\nevents:\n" + "".join(
        f"  - {{type: outage, country: MMR, share: 2, from: 2025-01-01, name: e{i}}}\n"
        for i in range(80)
    )
    with pytest.raises(ScenarioError) as err:
        Scenario.from_text(many)
    assert "80 problem(s)" in str(err.value) and "and 30 more problem(s)" in str(err.value)
    assert len(err.value.problems) == 51


def test_a_scenario_file_over_a_megabyte_is_refused_before_parsing(tmp_path):
    """Reliability review L12: 100,000 events took a minute and 1.5 GB to validate."""
    big = tmp_path / "big.yaml"
    big.write_text(GOOD + "# " + "x" * 1_000_000 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="a scenario is at most 1,000,000"):
        Scenario.from_yaml(big)


def test_structure_and_meaning_problems_come_in_one_pass(ds):
    """Issue 14: an unknown country was reported only after the type errors were fixed; with
    the dataset at hand, both come in one list."""
    text = """
name: x
base_year: 2024
horizon: twenty
assumptions: {nope: 1}
events:
  - {type: outage, country: XXX, share: 2, from: 2025-01-01}
  - {type: demand, name: d, region: TUR, end_use: ev_traction_motr, growth_rate: 0.1}
"""
    with pytest.raises(ScenarioError) as err:
        Scenario.from_text(text, "s.yaml", ds=ds)
    msg = str(err.value)
    assert "5 problem(s)" in msg
    for needle in (
        "horizon",
        "less than or equal to 1",
        "unknown assumption 'nope'",
        "unknown country or region 'XXX'",
        "unknown end use 'ev_traction_motr'",
    ):
        assert needle in msg, needle
