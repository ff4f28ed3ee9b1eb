"""In-use stocks (engine/mfa): hand-computed cohorts, stock-flow balances re-derived from the
system's arrays for every cohort, end use, element and process, and the stocks of the
dataset's baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

import reechain
from reechain.engine.inputs.build import build_inputs
from reechain.engine.mfa.lifetimes import Lifetime, lifetimes
from reechain.engine.mfa.run import in_use_stocks
from reechain.engine.mfa.system import UNKNOWN, Parameters, build

RECIPE = pd.DataFrame({"Nd": [0.3, 0.2], "Dy": [0.0, 0.05]}, index=["N42", "GBD"])
PARAMS = Parameters(swarf_share=0.25, eol_recycling_rate=0.1, recycling_yield=0.9)


def fixed(use: str, years: float) -> Lifetime:
    return Lifetime(use, "fixed", years, None, None, None, "WLD", "s")


def weibull(use: str, shape: float, scale: float) -> Lifetime:
    return Lifetime(use, "weibull", float("nan"), None, shape, scale, "WLD", "s")


def inflow(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "region", "end_use", "grade", "value"])


def test_a_fixed_lifetime_cohort_by_hand():
    """100 t of N42 into use in 2000, a 2-year life: in use in 2000 and 2001 (inflow counted
    in the middle of its year), out in 2002; 30 t of it Nd; 10 % of the end of life is sent
    to recycling, which recovers 90 %; swarf is 25 % of the magnets made."""
    mfa = build(
        inflow([(2000, "A", "car", "N42", 100.0), (2004, "A", "car", "N42", 0.0)]),
        RECIPE,
        {"car": fixed("car", 2.0)},
        PARAMS,
    )
    stock = mfa.stocks["in use car"]
    nd = {"r": "A", "e": "Nd"}
    assert stock.stock[nd].values.tolist() == pytest.approx([30, 30, 0, 0, 0])
    assert stock.outflow[nd].values.tolist() == pytest.approx([0, 0, 30, 0, 0])
    assert mfa.flows["recycled"][nd].values[2] == pytest.approx(30 * 0.1 * 0.9)
    assert mfa.flows["swarf"][nd].values[0] == pytest.approx(30 * 0.25)
    rest = {"r": "A", "e": "rest"}
    assert stock.stock[rest].values[0] == pytest.approx(70)  # the magnet's iron, boron, ...


def test_a_weibull_cohort_follows_the_survival_function():
    mfa = build(
        inflow([(2000, "A", "wind", "GBD", 1000.0), (2009, "A", "wind", "GBD", 0.0)]),
        RECIPE,
        {"wind": weibull("wind", 2.0, 3.0)},
        PARAMS,
    )
    stock = mfa.stocks["in use wind"].stock[{"r": "A", "e": "Dy"}].values
    ages = np.arange(10) + 0.5
    expected = 1000 * 0.05 * scipy.stats.weibull_min.sf(ages, 2.0, scale=3.0)
    assert stock == pytest.approx(expected)


def _balances(mfa) -> None:
    """Re-derive every balance from the arrays: each stock's change is its inflow less its
    outflow (every cohort too); every process's inflows equal its outflows."""
    for stock in mfa.stocks.values():
        s = stock.stock.values
        change = np.diff(s, axis=0, prepend=0.0)
        np.testing.assert_allclose(change, stock.inflow.values - stock.outflow.values, atol=1e-9)
        by_cohort = stock.get_stock_by_cohort()
        cohort_out = stock.get_outflow_by_cohort().cumsum(axis=0)
        inflows = stock.inflow.values
        for c in range(by_cohort.shape[1]):  # what entered, less what left, is still there
            np.testing.assert_allclose(by_cohort[c:, c], inflows[c] - cohort_out[c:, c], atol=1e-9)
    f = {name: flow.values for name, flow in mfa.flows.items()}
    uses = [name.removeprefix("in use ") for name in mfa.stocks]
    into_use = sum(f[f"magnet making => use {u}"] for u in uses) + f[UNKNOWN]
    np.testing.assert_allclose(f["sysenv => magnet making"], into_use + f["swarf"], atol=1e-9)
    eol = sum(f[f"use {u} => end of life"] for u in uses)
    np.testing.assert_allclose(eol, f["end of life => recycling"] + f["discarded"], atol=1e-9)
    np.testing.assert_allclose(
        f["end of life => recycling"], f["recycled"] + f["recycling losses"], atol=1e-9
    )
    mfa.check_mass_balance()


@settings(max_examples=25, deadline=None)
@given(
    flows=st.lists(st.floats(0, 1e5), min_size=3, max_size=12),
    years=st.floats(0.5, 30),
    shape=st.floats(0.8, 5),
)
def test_stock_flow_balance_of_every_cohort_and_process(flows, years, shape):
    rows = [(2000 + i, "A", "car", "GBD", v) for i, v in enumerate(flows)]
    rows += [(2000 + i, "B", "wind", "N42", v / 2) for i, v in enumerate(flows)]
    rows += [(2000 + i, "B", "other", "N42", v / 3) for i, v in enumerate(flows)]
    mfa = build(
        inflow(rows),
        RECIPE,
        {"car": fixed("car", years), "wind": weibull("wind", shape, years)},
        PARAMS,
    )
    _balances(mfa)
    # the end use without a lifetime leaves as 'fate unknown', never stocked
    assert "in use other" not in mfa.stocks
    total = sum(v / 3 for v in flows)
    assert mfa.flows[UNKNOWN].values.sum() == pytest.approx(total, rel=1e-9, abs=1e-6)


def test_lifetimes_prefer_the_world_then_the_eu_and_skip_rows_without_parameters():
    table = pd.DataFrame(
        [
            ("car", "p", "USA", "normal", 17.0, 4.0, None, None, "reported", True, "a"),
            ("car", "p", "WLD", "weibull", 14.2, 7.4, 2.01, 16.07, "reported", True, "b"),
            ("tv", "p", "ITA", "fixed", 7.0, None, None, None, "reported", True, "c"),
            ("tv", "p", "EU27", "fixed", 9.0, None, None, None, "reported", True, "d"),
            ("fan", "p", "WLD", "normal", 9.0, None, None, None, "reported", True, "e"),
            ("hob", "p", "WLD", None, None, None, None, None, "missing", True, "f"),
        ],
        columns=[
            "end_use", "product", "region", "distribution", "mean_years", "sd_years", "shape",
            "scale", "status", "preferred", "source_id",
        ],
    )  # fmt: skip
    found = lifetimes(table, ["car", "tv", "fan", "hob"])
    assert found["car"].source_id == "b" and found["car"].shape == 2.01
    assert found["tv"].mean == 9.0  # the EU's row before Italy's
    assert set(found) == {"car", "tv"}  # a normal without sd, a missing row: no lifetime


@pytest.fixture(scope="module")
def baseline():
    ds = reechain.load()
    sc = reechain.Scenario.model_validate({"name": "b", "base_year": 2024, "horizon": 2035})
    inputs = build_inputs(ds, sc)
    return inputs, in_use_stocks(inputs.magnets_into_use, ds, sc)


def test_the_baseline_stocks_balance_and_name_what_they_lack(baseline):
    inputs, result = baseline
    _balances(result.mfa)
    into_use = inputs.magnets_into_use.groupby("year")["value"].sum()
    s = result.stocks[result.stocks["quantity"] == "inflow"].groupby("year")["value"].sum()
    unstocked = result.unstocked.groupby("year")["value"].sum()
    # every tonne entering use is either stocked or reported as without a lifetime
    assert (s + unstocked.reindex(s.index, fill_value=0)).loc[into_use.index].tolist() == (
        pytest.approx(into_use.tolist())
    )
    assert set(result.unstocked["end_use"]) == {"other"}  # no lifetime in the data
    rir = result.eol_rir()
    nd = rir[(rir["element"] == "Nd") & (rir["year"] == 2035)]["value"].iloc[0]
    # end-of-life recycling is 1 % of what reaches end of life (DERA/Fraunhofer, Adamas)
    assert 0 < nd < 0.01


def test_a_recycling_event_rate_recycles_its_end_of_life_and_adds_supply():
    """100 t of N42 in cars (2-year life) reach end of life in 2002; the data's rate is 10 %,
    an event sets 50 % in region A: 50 t go to recycling, 45 t come back (yield 90 %), of
    which 100 x (0.5 - 0.1) x 0.9 = 36 t is new supply (Nd: 30 % of it)."""
    from reechain.engine.mfa.run import _added, _stock_table

    rates = pd.DataFrame([(2002, "A", "car", 0.5)], columns=["year", "region", "end_use", "rate"])
    mfa = build(
        inflow([(2000, "A", "car", "N42", 100.0), (2003, "A", "car", "N42", 0.0)]),
        RECIPE,
        {"car": fixed("car", 2.0)},
        PARAMS,
        rates,
    )
    sent = mfa.flows["end of life => recycling"][{"r": "A"}].values.sum(axis=1)
    assert sent.tolist() == pytest.approx([0, 0, 50, 0])
    assert mfa.flows["recycled"].values.sum() == pytest.approx(45)
    added = _added(_stock_table(mfa), rates, PARAMS).set_index("element")["value"]
    assert added.sum() == pytest.approx(36) and added["Nd"] == pytest.approx(36 * 0.3)
    _balances(mfa)


def test_recycling_replaces_primary_magnets_in_the_network(baseline):
    """A scenario recycling half the EU's end-of-life magnets: the EU's primary magnet demand
    falls by exactly the magnet material recycled beyond the data's rate."""
    inputs, _ = baseline
    ds = reechain.load()
    sc = reechain.Scenario.model_validate(
        {
            "name": "r", "base_year": 2024, "horizon": 2035,
            "regions": {"EU": ["DEU", "ITA", "FRA"]},
            "events": [{"type": "recycling", "region": "EU", "end_use": "all", "share": 0.5,
                        "start": 2030}],
        }
    )  # fmt: skip
    with_event = build_inputs(ds, sc)
    no_event = build_inputs(ds, sc.model_copy(update={"events": []}))
    added = with_event.in_use.added_recycling
    added_2035 = added[(added["year"] == 2035) & (added["region"] == "EU")]["value"].sum()
    assert added_2035 > 0

    def eu_magnets(inp) -> float:
        d = inp.network.demand
        part = d[(d["kind"] == "magnet") & (d["region"] == "EU") & (d["year"] == 2035)]
        return float(part["reference"].sum())

    assert eu_magnets(no_event) - eu_magnets(with_event) == pytest.approx(added_2035)
