"""Runs with months: periods, stocks carried between linked months, and a shock inside a year
(toy networks with hand-derived answers, and the embedded data)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from pydantic import ValidationError

from reechain.engine import periods
from reechain.engine.model import solve
from reechain.engine.results import collect
from reechain.engine.run import run
from reechain.engine.scenario import Scenario

from toys import magnet_chain

MONTHS = [203001, 203002, 203003]


def _three_months(magnets: float = 10.0, stock: float = 5.0):
    """The magnet chain (R1 oxide -> R2 metal and magnets -> R3 demand, 10 t of magnets a
    month) over three linked months; R3's consumers hold 5 t of magnets, and it costs them 1
    USD/t a year to be away from that level."""
    net = magnet_chain(magnets)
    frame = lambda df: pd.DataFrame([df.iloc[0].to_dict()] * 3, index=MONTHS)  # noqa: E731
    demand = pd.concat([net.demand.assign(year=p) for p in MONTHS], ignore_index=True)
    return replace(
        net,
        years=MONTHS,
        mine_cap=frame(net.mine_cap),
        sep_cap=frame(net.sep_cap),
        metal_cap=frame(net.metal_cap),
        magnet_cap=frame(net.magnet_cap),
        demand=demand,
        linked=MONTHS,
        initial_magnet_stock=pd.DataFrame({"N42": [stock]}, index=["R3"]),
        costs={**net.costs, "magnet_stock_holding": 1.0, "magnet_stock_value": 1e4},
    )


def test_periods_split_the_years_asked_for():
    assert periods.periods([2024, 2025, 2026], months=[2025]) == [
        2024, *[202500 + m for m in range(1, 13)], 2026
    ]  # fmt: skip
    assert sum(periods.fraction(p) for p in periods.periods([2025], [2025])) == pytest.approx(1)
    # a control from 4 April: none of March, 27 of April's 30 days, all of May
    day = pd.Timestamp("2025-04-04").date()
    assert [periods.share_in_force(day, None, p) for p in (202503, 202504, 202505)] == (
        pytest.approx([0.0, 27 / 30, 1.0])
    )


def test_a_months_year_must_follow_the_base_year():
    with pytest.raises(ValidationError, match="after base_year"):
        Scenario.model_validate({"name": "m", "base_year": 2024, "horizon": 2026, "months": [2024]})


def test_without_a_shock_the_stock_stays_at_its_usual_level():
    res = collect(solve(_three_months()), "m")
    assert res.unmet["unmet"].sum() == pytest.approx(0.0, abs=1e-6)
    stock = solve(_three_months()).value("magnet_stock").sel(region="R3", grade="N42")
    assert stock.values.tolist() == pytest.approx([5.0, 5.0, 5.0])


def test_consumers_see_a_shortage_coming_and_draw_their_stock():
    """No magnets can be made in the second month and R2 makes at most 12 t a month. Seeing it
    coming, R3 stocks 2 t more in the first month (stock 7 t), draws it all in the second (3 t
    unmet) and rebuilds what it can in the third (12 t made, stock 2 t: ending short of its
    usual 5 t costs less than leaving more demand unmet)."""
    net = _three_months()
    caps = net.magnet_cap.copy()
    caps["R2"] = [12.0, 0.0, 12.0]
    solved = solve(replace(net, magnet_cap=caps))
    res = collect(solved, "m")
    unmet = res.unmet.groupby("year")["unmet"].sum()
    assert unmet.get(203002, 0.0) == pytest.approx(3.0)
    assert unmet.get(203001, 0.0) + unmet.get(203003, 0.0) == pytest.approx(0.0, abs=1e-6)
    made = solved.value("magnet").sel(region="R2", grade="N42").values.tolist()
    assert made == pytest.approx([12.0, 0.0, 12.0])
    stock = solved.value("magnet_stock").sel(region="R3", grade="N42").values.tolist()
    assert stock == pytest.approx([7.0, 0.0, 2.0])


@pytest.mark.slow
def test_a_year_in_months_adds_up_to_the_same_year(ds):
    """Without events, the months of 2025 make what the year makes (capacities and demand per
    month are the year's times its days; consumers' stocks stay at their usual level), once
    separators start without the oxide stock the annual run doesn't have; with it, more."""

    def magnets(months: list[int], producer_months: float = 0.0) -> float:
        sc = Scenario.model_validate(
            {
                "name": "m",
                "base_year": 2024,
                "horizon": 2025,
                "months": months,
                "assumptions": {"producer_oxide_stock_months": producer_months},
            }
        )
        res = run(sc, ds, owners=False)
        f = res.flows  # by calendar year: the months summed into 2025
        assert set(f["year"]) == {2024, 2025}
        assert len(set(res.result.flows["year"])) == (13 if months else 2)  # by period
        made = f[(f["stage"] == "magnet") & (f["origin"] == "WLD") & (f["material"] == "NdFeB")]
        return float(made[made["year"] == 2025]["value"].sum())

    # the same up to how the LP splits Pr, Nd, Dy and Tb between grades where their demand
    # curves tie (found: 289,412 t vs 289,273 t with the pipeline's plants rising to nameplate)
    year = magnets([])
    assert magnets([2025]) == pytest.approx(year, rel=1e-3)
    assert magnets([2025], producer_months=1.0) > year  # a month of oxide in stock at the start
