"""Stockpiles: released only when the price reaches the trigger, never more than the stock;
with a one-year outage, unmet demand falls by what is released and prices move less."""

from __future__ import annotations

import pytest

from reechain.analysis.gaps import element_needs
from reechain.engine.run import run
from reechain.engine.scenario import Scenario, ScenarioError

OUTAGE = {
    "type": "outage",
    "country": "MMR",
    "stage": "mining",
    "share": 0.3,
    "from": "2026-01-01",
    "until": "2026-12-31",
}
PILE = {
    "type": "stockpile",
    "name": "JOGMEC",
    "region": "JPN",
    "stocks": {"Dy": 100, "Tb": 20},
    "release_price": 1.2,
    "from": 2026,
    "until": 2026,
}


def solve(ds, *events):
    sc = Scenario.model_validate(
        {"name": "s", "base_year": 2024, "horizon": 2026, "events": list(events)}
    ).check(ds)
    return run(sc, ds, owners=False)


@pytest.fixture(scope="module")
def without(ds):
    return solve(ds, OUTAGE)


@pytest.fixture(scope="module")
def with_pile(ds):
    return solve(ds, OUTAGE, PILE)


def test_a_release_cuts_unmet_demand_by_what_it_releases(without, with_pile):
    released = with_pile.released.groupby("element")["released"].sum()
    assert released.to_dict() == pytest.approx({"Dy": 100.0, "Tb": 20.0})  # all of it
    before = element_needs(without, 2026).set_index("element")
    after = element_needs(with_pile, 2026).set_index("element")
    for element in ("Dy", "Tb"):
        # the oxide the unmet demand lacks falls by exactly what the stockpile released
        drop = before.loc[element, "needed"] - after.loc[element, "needed"]
        assert drop == pytest.approx(released[element], rel=1e-6)
        # and its price moves less (or no more) than without the stockpile
        assert after.loc[element, "price_multiple"] <= before.loc[element, "price_multiple"]
    assert after.loc["Tb", "price_multiple"] < before.loc["Tb", "price_multiple"]


def test_nothing_is_released_below_the_trigger_or_outside_its_years(ds):
    # a trigger above anything the demand curves pay (12x a magnet's price at most)
    calm = solve(ds, OUTAGE, {**PILE, "release_price": 100.0})
    assert calm.released.empty
    # each sells only in its years (2025 is short of Tb already: firm magnet demand unmet)
    assert set(solve(ds, OUTAGE, {**PILE, "from": 2025, "until": 2025}).released["year"]) == {2025}
    assert set(solve(ds, OUTAGE, PILE).released["year"]) == {2026}
    # open both years, the one stock goes where the market pays most: the outage year
    both = solve(ds, OUTAGE, {**PILE, "from": 2025, "until": 2026}).released
    assert both.groupby("year")["released"].sum().idxmax() == 2026


def test_a_stockpile_names_known_elements(ds):
    bad = {**PILE, "stocks": {"Dy": 100, "Xx": 5}}
    with pytest.raises(ScenarioError, match="stocks.Xx"):
        Scenario.model_validate(
            {"name": "s", "base_year": 2024, "horizon": 2026, "events": [bad]}
        ).check(ds)
