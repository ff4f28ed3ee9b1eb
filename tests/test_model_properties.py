"""Properties of the network LP over many versions of the two-mine toy (``tests/toys.py``):
bounded unmet demand, monotone answers, and a cached model equal to a fresh build. Each
property holds for every input, not only for the hand-computed cases of ``test_model.py``.
Every solve builds a linopy model (about 0.3 s), so each property draws a few examples per
run; Hypothesis keeps any failing example in its database and replays it first."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reechain.engine.model import ModelCache, solve
from reechain.engine.results import RunResult, collect
from reechain.errors import ReechainError

from toys import two_mines

demand_t = st.floats(0.0, 150.0)  # Nd oxide demanded in R1 [t]
capacity_t = st.floats(0.0, 200.0)  # a mine's capacity [t ore]
price = st.floats(50.0, 5_000.0)  # willingness to pay [USD/t]
SETTINGS = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(net) -> RunResult:
    """Solve and collect (which re-derives every balance and capacity: InvariantError if off)."""
    return collect(solve(net), "p")


@SETTINGS
@given(demand=demand_t, cap_a=capacity_t, cap_b=capacity_t, wtp=price)
def test_unmet_demand_is_between_zero_and_the_demand(demand, cap_a, cap_b, wtp):
    r = run(two_mines(demand, cap_a=cap_a, cap_b=cap_b, price=wtp))
    unmet = r.unmet["unmet"].sum() if len(r.unmet) else 0.0
    assert -1e-6 <= unmet <= demand + 1e-6
    # the two mines can give at most 0.5 cap_a + 0.1 cap_b of Nd; beyond that, unmet
    assert unmet >= demand - (0.5 * cap_a + 0.1 * cap_b) - 1e-6


@SETTINGS
@given(demand=demand_t, cap_a=capacity_t, cap_b=capacity_t, more=st.floats(0.0, 100.0))
def test_more_capacity_never_costs_more(demand, cap_a, cap_b, more):
    base = run(two_mines(demand, cap_a=cap_a, cap_b=cap_b))
    bigger = run(two_mines(demand, cap_a=cap_a + more, cap_b=cap_b))
    assert bigger.objective <= base.objective + 1e-6 * max(1.0, base.objective)


@SETTINGS
@given(demand=demand_t, more=st.floats(0.0, 100.0), cap_a=capacity_t)
def test_more_demand_never_lowers_unmet_demand(demand, more, cap_a):
    def unmet(net) -> float:
        r = run(net)
        return float(r.unmet["unmet"].sum()) if len(r.unmet) else 0.0

    low = unmet(two_mines(demand, cap_a=cap_a))
    high = unmet(two_mines(demand + more, cap_a=cap_a))
    assert high >= low - 1e-6


@SETTINGS
@given(
    first=st.tuples(demand_t, capacity_t, capacity_t),
    second=st.tuples(demand_t, capacity_t, capacity_t),
    floor=st.one_of(st.none(), st.floats(0.0, 100.0)),
)
def test_a_cached_model_answers_as_a_fresh_build(first, second, floor):
    """Solve one network through a cache, then another of the same structure (and maybe a
    separation floor the first lacks): the second answer equals a fresh build's."""
    cache = ModelCache()
    solve(two_mines(first[0], cap_a=first[1], cap_b=first[2]), cache=cache)
    net = two_mines(second[0], cap_a=second[1], cap_b=second[2])
    if floor is not None:
        net = replace(net, sep_min=pd.DataFrame({"R1": [0.0], "R2": [floor]}, index=net.years))
    try:
        fresh = collect(solve(net), "fresh")
    except ReechainError as exc:  # an infeasible floor fails the same way through the cache
        with pytest.raises(type(exc)):
            solve(net, cache=cache)
        return
    cached = collect(solve(net, cache=cache), "cached")
    assert cached.objective == pytest.approx(fresh.objective, rel=1e-9, abs=1e-9)
    key = ["year", "region", "kind", "item"]
    pd.testing.assert_series_equal(
        cached.prices.set_index(key)["price"].sort_index(),
        fresh.prices.set_index(key)["price"].sort_index(),
        rtol=1e-6,
        atol=1e-6,
    )
