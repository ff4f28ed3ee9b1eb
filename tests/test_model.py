"""The network LP on toy systems: hand-computed optima, prices, an independent formulation
(scipy's linprog), balances re-derived from the solution, export caps and foresight stocks.

The toy tests run twice (fixture ``solve_lp``): on a fresh build, and through a
:class:`ModelCache` that already holds a model of the same structure built for other numbers, so
that the model is updated in place (the path every ensemble sample after the first takes)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from reechain.engine.model import InfeasibleModelError, ModelCache, Solved, solve, structure_key
from reechain.engine.network import Network
from reechain.engine.results import InvariantError, check_invariants, collect
from reechain.errors import ReechainError

from toys import magnet_chain, two_mines

TOL = 1e-6  # LP solution tolerance [t or USD]


def _other_numbers(net: Network) -> Network:
    """``net`` with every number :func:`update` writes changed (capacities and floors halved,
    demand doubled plus 1 t, lane caps 1 t higher): the same structure, another solution."""

    def half(df: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if df is None else df * 0.5

    frames = ("mine_cap", "sep_cap", "metal_cap", "magnet_cap")
    floors = ("mine_min", "sep_min", "metal_min", "magnet_min")
    caps = net.lane_caps
    return replace(
        net,
        **{name: half(getattr(net, name)) for name in frames + floors},
        demand=net.demand.assign(quantity=net.demand["quantity"] * 2 + 1.0),
        lane_caps=caps.assign(upper=caps["upper"] + 1.0) if len(caps) else caps,
    )


@pytest.fixture(params=["fresh", "cached"])
def solve_lp(request) -> Callable[..., Solved]:
    """:func:`solve` on a fresh build, or through a cache warmed with the same network with
    other numbers (asserting that the cached model was used)."""

    def cached(net: Network, foresight: bool = False) -> Solved:
        cache = ModelCache()
        with contextlib.suppress(InfeasibleModelError):
            solve(_other_numbers(net), foresight=foresight, cache=cache)
        solved = solve(net, foresight=foresight, cache=cache)
        assert cache.hits == 1
        return solved

    return solve if request.param == "fresh" else cached


def nd_price(result, region="R1"):
    p = result.prices
    return float(
        p[(p["kind"] == "oxide") & (p["item"] == "Nd") & (p["region"] == region)]["price"].iloc[0]
    )


@pytest.mark.parametrize(
    ("demand", "objective", "price", "unmet"),
    [
        (40.0, 164.0, 4.1, 0.0),
        (55.0, 312.0, 21.4, 0.0),
        (70.0, 10_419.0, 1000.0, 10.0),
    ],
)
def test_two_mines_by_hand(solve_lp, demand, objective, price, unmet):
    r = collect(solve_lp(two_mines(demand)), "toy")
    assert r.objective == pytest.approx(objective, abs=TOL)
    assert nd_price(r) == pytest.approx(price, abs=TOL)
    assert r.unmet["unmet"].sum() == pytest.approx(unmet, abs=TOL)


def _set_by(result, item: str, region: str = "R1") -> tuple[float, str]:
    p = result.prices.set_index(["kind", "item", "region"])
    return float(p.loc[("oxide", item, region), "price"]), p.loc[("oxide", item, region), "set_by"]


@pytest.mark.parametrize(
    ("demand", "price", "set_by"),
    [(40.0, 4.1, "supply"), (55.0, 21.4, "supply"), (70.0, 1000.0, "choke")],
)
def test_what_sets_a_price(solve_lp, demand, price, set_by):
    """``two_mines``' one step (1,000 USD/t): served at 40 and 55 t, so the price is the
    marginal cost of supply (4.1, 21.4 USD/t), below every step; at 70 t 10 t are unmet and
    the step's 1,000 USD/t, the curve's top, is the price (the choke)."""
    r = collect(solve_lp(two_mines(demand)), "toy")
    assert _set_by(r, "Nd") == (pytest.approx(price, abs=TOL), set_by)


def test_a_price_inside_the_curve_is_set_by_demand_and_surplus_oxide_by_the_surplus(solve_lp):
    """Nd: a second step at 10 USD/t beside 40 t at 1,000. Of 5 t, A serves all 45 t at its
    marginal cost 4.1 USD/t, below both steps ('supply'). Of 30 t, A runs full (50 t of Nd),
    20 t of the second step stay unserved and that step's 10 USD/t is the price, inside the
    curve ('demand'). La: 10 t wanted in R1 at 500 USD/t while A separates 45-50 t: the rest
    goes to surplus and La's price is minus the surplus cost, -0.1 USD/t ('surplus')."""
    net = two_mines(40.0)
    la = net.demand.assign(item="La", quantity=10.0, price=500.0)
    for second, price, set_by in ((5.0, 4.1, "supply"), (30.0, 10.0, "demand")):
        extra = net.demand.assign(block=1, quantity=second, price=10.0)
        r = collect(solve_lp(replace(net, demand=pd.concat([net.demand, extra, la]))), "toy")
        assert _set_by(r, "Nd") == (pytest.approx(price, abs=TOL), set_by)
        assert _set_by(r, "La") == (pytest.approx(-0.1, abs=TOL), "surplus")


def test_joint_production_sends_la_to_surplus(solve_lp):
    r = collect(solve_lp(two_mines(55.0)), "toy")
    s = r.surplus.set_index(["region", "element"])["surplus"]
    assert s[("R1", "La")] == pytest.approx(50.0)  # 100 t of A at 50 % La
    assert s[("R2", "La")] == pytest.approx(45.0)  # 50 t of B at 90 % La
    f = r.flows
    shipped = f[
        (f["stage"] == "separation")
        & (f["material"] == "Nd")
        & (f["origin"] == "R2")
        & (f["destination"] == "R1")
    ]["value"].sum()
    assert shipped == pytest.approx(5.0)


def _linprog_two_mines(demand: float) -> float:
    """The same toy written independently: x = [mA, mB, surLa1, surLa2, surNd1, surNd2,
    ship_Nd_R2_R1, unmet]; separation at home (shipping concentrate costs more per t Nd)."""
    c = np.array([2.0, 2.0, 0.1, 0.1, 0.1, 0.1, 0.5, 1000.0])
    a_eq = np.array(
        [
            [0.5, 0, -1, 0, 0, 0, 0, 0],  # La in R1 all to surplus
            [0, 0.9, 0, -1, 0, 0, 0, 0],  # La in R2 all to surplus
            [0, 0.1, 0, 0, 0, -1, -1, 0],  # Nd in R2: surplus or shipped
            [0.5, 0, 0, 0, -1, 0, 1, 1],  # Nd in R1 meets demand
        ]
    )
    b_eq = np.array([0, 0, 0, demand])
    bounds = [(0, 100), (0, 100)] + [(0, None)] * 5 + [(0, demand)]
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert res.status == 0
    return float(res.fun)


@pytest.mark.parametrize("demand", [0.0, 12.5, 40.0, 55.0, 59.0, 75.0])
def test_agrees_with_an_independent_formulation(solve_lp, demand):
    solved = solve_lp(two_mines(demand))
    assert float(solved.model.objective.value) == pytest.approx(
        _linprog_two_mines(demand), abs=1e-6
    )


def test_magnet_chain_recipe_and_oxide_to_metal(solve_lp):
    solved = solve_lp(magnet_chain(10.0))
    mined_in_solution = float(solved.value("mine").sum())  # before collect() makes any table
    r = collect(solved, "toy")
    f = r.flows
    mined = f[
        (f["stage"] == "mining")
        & (f["material"] == "TREO")
        & (f["origin"] == "R1")
        & f["destination"].isna()
    ]
    nd_oxide = 10.0 * 0.3 / 0.8574  # t Nd oxide for 3 t Nd metal
    assert mined["value"].sum() == pytest.approx(nd_oxide / 0.6, rel=1e-6)
    magnets = f[(f["stage"] == "magnet") & (f["destination"] == "R3") & (f["material"] == "NdFeB")][
        "value"
    ].sum()
    assert magnets == pytest.approx(10.0)
    la = r.surplus.set_index("element")["surplus"]["La"]
    assert la == pytest.approx(nd_oxide / 0.6 * 0.4, rel=1e-6)
    # the world row is the mining of the solution itself
    world = f[(f["origin"] == "WLD") & (f["stage"] == "mining") & (f["material"] == "TREO")]
    assert world["value"].sum() == pytest.approx(mined_in_solution, rel=1e-9)


def test_export_ban_reroutes_or_leaves_unmet(solve_lp):
    net = two_mines(55.0)
    net = replace(
        net,
        lane_caps=pd.DataFrame(
            [
                {
                    "cap_id": "ban-R2",
                    "year": 2030,
                    "kind": "oxide",
                    "item": "Nd",
                    "origin": "R2",
                    "dest": "R1",
                    "upper": 0.0,
                }
            ]
        ),
    )
    r = collect(solve_lp(net), "ban")
    # B's Nd cannot reach R1 as oxide: it goes as concentrate to R1's separator instead
    f = r.flows
    nd_lane = f[
        (f["stage"] == "separation")
        & (f["material"] == "Nd")
        & (f["origin"] == "R2")
        & (f["destination"] == "R1")
    ]["value"].sum()
    assert nd_lane == pytest.approx(0.0, abs=TOL)
    assert r.unmet["unmet"].sum() == pytest.approx(0.0, abs=TOL)
    # shipping 50 t of concentrate (25) instead of 5 t of oxide (2.5)
    assert r.objective == pytest.approx(312.0 - 2.5 + 25.0)


def test_licensing_cap_below_need_leaves_unmet(solve_lp):
    net = two_mines(55.0)
    net.costs["transport_concentrate"] = 1e6  # concentrate cannot move
    net = replace(
        net,
        lane_caps=pd.DataFrame(
            [
                {
                    "cap_id": "lic",
                    "year": 2030,
                    "kind": "oxide",
                    "item": "Nd",
                    "origin": "R2",
                    "dest": "R1",
                    "upper": 2.0,
                }
            ]
        ),
    )
    r = collect(solve_lp(net), "lic")
    assert r.unmet["unmet"].sum() == pytest.approx(3.0)
    assert nd_price(r) == pytest.approx(1000.0)


def test_one_lp_over_all_years_equals_each_year_alone():
    """Myopic runs solve every year in one block-diagonal LP: the objective and the scarcity
    prices must be those of each year solved alone (40, 55 and 70 t: the three regimes of
    ``two_mines``, with prices 4.1, 21.4 and 1,000 USD/t in R1)."""
    net = two_mines(0.0, years=(2030, 2031, 2032))
    quantities = {2030: 40.0, 2031: 55.0, 2032: 70.0}
    net.demand["quantity"] = net.demand["year"].map(quantities)
    together = collect(solve(net), "all")
    alone = [collect(solve(net.for_years([y])), str(y)) for y in net.years]
    assert together.objective == pytest.approx(sum(r.objective for r in alone), rel=1e-9)
    # 70 t: both mines full (2 x 200), 140 t La to surplus, 10 t Nd shipped, 10 t unmet
    assert together.objective == pytest.approx(164 + 312 + (400 + 140 * 0.1 + 10 * 0.5 + 10_000))
    key = ["year", "region", "kind", "item"]
    prices = together.prices.set_index(key)["price"].sort_index()
    each = pd.concat([r.prices for r in alone]).set_index(key)["price"].sort_index()
    pd.testing.assert_series_equal(prices, each, rtol=1e-9, atol=1e-9)
    nd = prices.xs(("R1", "oxide", "Nd"), level=["region", "kind", "item"])
    assert nd.tolist() == pytest.approx([4.1, 21.4, 1000.0])


def test_foresight_stocks_carry_oxide_to_a_later_shortage(solve_lp):
    net = two_mines(0.0, years=(2030, 2031))
    net.demand.loc[net.demand["year"] == 2031, "quantity"] = 100.0
    myopic_unmet = sum(
        collect(solve_lp(net.for_years([y])), "m").unmet["unmet"].sum() for y in net.years
    )
    r = collect(solve_lp(net, foresight=True), "pf")
    assert myopic_unmet == pytest.approx(40.0)  # 60 t possible in 2031 alone
    assert r.unmet["unmet"].sum() == pytest.approx(0.0, abs=TOL)
    # 2 x 200 (A) + 100 t La surplus + 50 t Nd into stock (0.1) + a year's holding (0.05)
    assert r.objective == pytest.approx(400 + 10 + 5 + 2.5)


def test_offtake_on_a_banned_lane_forces_nothing(solve_lp):
    """R1 must separate what it did in the base year (a calibration floor) and has offered
    half its Nd to R2 while every R1 -> R2 oxide lane is banned: the offtake is a priority,
    not an obligation, so the model solves, R1 still separates its 80 t and R2 gets nothing."""
    net = two_mines(40.0)
    net = replace(net, sep_min=pd.DataFrame({"R1": [80.0], "R2": [0.0]}, index=[2030]))
    offtake = {"year": 2030, "origin": "R1", "dest": "R2", "kind": "oxide", "share": 0.5,
               "pool": None, "capacity": 100.0, "reward": 1001.0, "event": "X"}  # fmt: skip
    net = replace(
        net,
        offtake=pd.DataFrame([{**offtake, "item": e} for e in ("La", "Nd")]),
        lane_caps=pd.DataFrame(
            [
                {
                    "cap_id": "ban",
                    "year": 2030,
                    "kind": "oxide",
                    "item": i,
                    "origin": "R1",
                    "dest": "R2",
                    "upper": 0.0,
                }
                for i in ("La", "Nd")
            ]
        ),  # fmt: skip
    )
    solved = solve_lp(net)
    assert float(solved.value("conc").sel(region="R1").sum()) == pytest.approx(80.0)
    assert float(solved.value("ox").sel(origin="R1", dest="R2").sum()) == pytest.approx(0.0)


def test_invariant_check_catches_a_broken_solution(solve_lp):
    solved = solve_lp(two_mines(40.0))
    sol = solved.model.variables["surplus"].solution
    solved.model.variables["surplus"].solution = sol + 1.0  # tamper: surplus out of thin air
    with pytest.raises(InvariantError, match="oxide balance at the separating region"):
        check_invariants(solved)


@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "cached"])
@pytest.mark.parametrize(
    ("table", "row", "column", "value", "message"),
    [
        ("composition", "A", "La", 0.7, "composition rows must sum to 1"),
        ("sep_cap", 2030, "R1", np.nan, "network input sep_cap has missing values"),
        ("metal_cap", 2030, "R2", -1.0, "network input metal_cap has negative values"),
        ("mine_cap", 2030, "B", np.nan, "network input mine_cap has missing values"),
    ],
)
def test_bad_inputs_are_refused(cached, table, row, column, value, message):
    """Both paths check the network: a fresh build, and a model of the same structure taken
    from a cache (whose key leaves capacities out)."""
    cache = ModelCache() if cached else None
    if cached:
        solve(two_mines(), cache=cache)
    net = two_mines()
    getattr(net, table).loc[row, column] = value
    with pytest.raises(ReechainError, match=message):
        solve(net, cache=cache)


def test_tariff_adds_to_the_lane_cost(solve_lp):
    net = two_mines(55.0)
    base = collect(solve_lp(net), "toy").objective
    net = replace(
        net,
        tariffs=pd.DataFrame(
            [
                {
                    "year": 2030,
                    "kind": "oxide",
                    "item": "Nd",
                    "origin": "R2",
                    "dest": "R1",
                    "usd_per_t": 2.0,
                }
            ]
        ),
    )
    r = collect(solve_lp(net), "tariff")
    # 5 t of Nd still shipped from R2 (cheaper than 50 t of concentrate): + 5 x 2
    assert r.objective == pytest.approx(base + 10.0)
    net.tariffs.loc[0, "usd_per_t"] = 100.0
    r = collect(solve_lp(net), "tariff")
    # now the concentrate moves instead: 50 t x 0.5 = 25 instead of 5 t x 0.5 = 2.5
    assert r.objective == pytest.approx(base - 2.5 + 25.0)


def test_a_cached_model_updated_to_new_bounds_equals_a_fresh_build():
    cache = ModelCache()
    first = two_mines(40.0)
    collect(solve(first, cache=cache), "first")
    second = two_mines(55.0, cap_a=90.0)  # same structure, other demand and capacity
    assert structure_key(first, False) == structure_key(second, False)
    reused = collect(solve(second, cache=cache), "reused")
    fresh = collect(solve(two_mines(55.0, cap_a=90.0)), "fresh")
    assert cache.hits == 1
    assert reused.objective == pytest.approx(fresh.objective)
    pd.testing.assert_frame_equal(
        reused.flows.drop(columns="source"), fresh.flows.drop(columns="source")
    )
    # a different structure (another price) is built anew
    third = two_mines(55.0, price=500.0)
    assert structure_key(third, False) != structure_key(second, False)


def _with_separation_floor(net: Network) -> Network:
    """R2 must separate at least 80 t a year (a calibration floor)."""
    net = replace(net, sep_min=pd.DataFrame({"R1": 0.0, "R2": 80.0}, index=net.years))
    return net


@pytest.mark.parametrize("floor_first", [True, False], ids=["floor-first", "floor-second"])
def test_a_cached_model_has_the_floors_of_its_network_only(floor_first):
    """40 t of Nd: 164 (A alone, see toys.two_mines). With R2 separating at least 80 t, A's
    80 t of ore are separated in R2 (+40 transport) and the Nd shipped back (+20): 224. The two
    networks differ only by the floor's presence, which must give them different models."""
    runs = [(_with_separation_floor(two_mines(40.0)), 224.0), (two_mines(40.0), 164.0)]
    if not floor_first:
        runs.reverse()
    assert structure_key(runs[0][0], False) != structure_key(runs[1][0], False)
    cache = ModelCache()
    for net, objective in runs:
        assert solve(net, cache=cache).model.objective.value == pytest.approx(objective)
    assert cache.hits == 0


def test_a_cached_model_takes_a_capacity_below_the_last_floor():
    """Mine A's calibration floor is 80 t; its capacity falls from 100 t to 50 t, below the
    floor the cached model last had (the floor is capped at the capacity)."""
    floor = pd.DataFrame({"A": [80.0], "B": [0.0]}, index=[2030])
    cache = ModelCache()
    solve(replace(two_mines(40.0), mine_min=floor), cache=cache)
    smaller = replace(two_mines(40.0, cap_a=50.0), mine_min=floor)
    reused = solve(smaller, cache=cache)
    assert cache.hits == 1
    assert reused.model.objective.value == pytest.approx(solve(smaller).model.objective.value)


def test_for_years_keeps_the_tariffs_of_its_years_only():
    """55 t of Nd: 312 (toys.two_mines), 5 t of it shipped from R2. A duty of 2 USD/t in 2030
    adds 10; one of 100 USD/t in 2031 makes R2's concentrate move instead (+25 - 2.5)."""
    net = two_mines(55.0, years=(2030, 2031))
    net = replace(
        net,
        tariffs=pd.DataFrame(
            [
                {
                    "year": y,
                    "kind": "oxide",
                    "item": "Nd",
                    "origin": "R2",
                    "dest": "R1",
                    "usd_per_t": d,
                }
                for y, d in ((2030, 2.0), (2031, 100.0))
            ]
        ),
    )
    first, second = net.for_years([2030]), net.for_years([2031])
    assert list(first.tariffs["year"]) == [2030]
    assert solve(first).model.objective.value == pytest.approx(312.0 + 10.0)
    assert solve(second).model.objective.value == pytest.approx(312.0 - 2.5 + 25.0)
