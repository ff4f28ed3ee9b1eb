"""Capacity the model builds (after its lead time, at its annualised cost) and what unmet
demand needs: a high-demand case reads as a capacity gap or an element gap, not as unmet
demand beside idle plants."""

from __future__ import annotations

import pytest

from reechain.analysis.gaps import capacity_built, element_needs
from reechain.engine.inputs.expansion import annuity_factor
from reechain.engine.run import run
from reechain.engine.scenario import Scenario

SURGE = {
    "type": "demand",
    "name": "surge",
    "region": "USA",
    "end_use": "other",  # mostly N42: no Dy or Tb, so plants, not heavy feed, bind
    "activity": {"value": 100_000, "unit": "t magnet/yr"},
    "start": 2026,
}


def surge(ds, expansion: bool):
    sc = Scenario.model_validate(
        {"name": "surge", "base_year": 2024, "horizon": 2029, "expansion": expansion,
         "events": [SURGE]}
    ).check(ds)  # fmt: skip
    return run(sc, ds, owners=False)


@pytest.fixture(scope="module")
def built(ds):
    return surge(ds, True)


@pytest.fixture(scope="module")
def fixed(ds):
    return surge(ds, False)


def test_annuity_factor_by_hand():
    # 8 %, 19 years: 0.08 / (1 - 1.08^-19) = 0.10413
    assert annuity_factor(0.08, 19) == pytest.approx(0.104128, rel=1e-4)
    assert annuity_factor(0.0, 20) == pytest.approx(0.05)


def test_plants_are_built_after_their_lead_time_and_cut_unmet_demand(built, fixed):
    cu = built.capacity_use
    magnets = cu[(cu["stage"] == "magnet")].groupby("year")["built"].sum()
    # a magnet plant takes 3 years to build (lead_time_magnet_plant): none before 2027
    assert magnets.loc[[2024, 2025, 2026]].sum() == pytest.approx(0.0)
    assert magnets.loc[2027] > 1_000
    unmet = {
        name: r.unmet[(r.unmet["kind"] == "magnet") & (r.unmet["year"] == 2028)]["unmet"].sum()
        for name, r in (("built", built), ("fixed", fixed))
    }
    # each tonne of magnet plant built is a tonne of magnets less unmet (the rest of the gap
    # is Tb for the heavy grades, which no plant closes: test_what_the_unmet_magnets_need)
    assert unmet["fixed"] - unmet["built"] == pytest.approx(magnets.loc[2028], rel=0.05)
    # what is built is used (no plant built to stand idle) and paid at capex x annuity
    part = cu[(cu["stage"] == "magnet") & (cu["year"] == 2028) & (cu["built"] > 1)]
    assert (part["used"] >= part["capacity"] - part["built"] - 1e-6).all()
    yearly = 100_000 * annuity_factor(0.08, 19)  # expansion_capex_magnet x annuity
    assert (part["build_cost"] / part["built"]).to_numpy() == pytest.approx(yearly, rel=1e-6)


def test_metal_is_built_only_with_magnets(built):
    cu = built.capacity_use
    by = cu.pivot_table(index=["year", "region"], columns="stage", values="built", aggfunc="sum")
    # at most the richest grade's RE metal content per t of magnet built: its recipe's
    # elements plus its Pr+Nd, which the network keeps apart (the model chooses the split)
    net = built.inputs.network
    content = max(
        float(net.recipe.loc[g].sum()) + float(net.prnd.get(g, 0.0)) for g in net.recipe.index
    )
    assert 0.25 < content < 0.40  # sintered NdFeB is about 30 % rare earth
    assert (by["metal"] <= content * by["magnet"] + 1e-6).all()
    # and the metal built is not the bottleneck: a region that builds magnets builds the metal
    # its magnets need, up to that content
    busy = by[by["magnet"] > 1]
    assert (busy["metal"] > 0.2 * busy["magnet"]).any()


def test_what_the_unmet_magnets_need(built):
    table = capacity_built(built, 2028).set_index("stage")
    assert table.loc["magnet", "build_cost"] > 0
    assert table.loc["metal", "build_cost"] == 0  # paid with the magnets (integrated plant)
    needs = element_needs(built, 2028).set_index("element")
    assert list(needs.index) == ["Pr+Nd", "Dy", "Tb"]
    # the unmet magnets' Pr+Nd by hand: each grade's unmet tonnes x its Pr+Nd content,
    # metal back to oxide
    net = built.inputs.network
    u = built.unmet[(built.unmet["kind"] == "magnet") & (built.unmet["year"] == 2028)]
    by_grade = u.groupby("item")["unmet"].sum()
    prnd = net.prnd if net.prnd is not None else 0.0
    metal = sum(
        (net.recipe.loc[g, ["Pr", "Nd"]].sum() + (prnd.get(g, 0.0) if len(prnd) else 0.0)) * t
        for g, t in by_grade.items()
    )
    oxide = built.unmet[(built.unmet["kind"] == "oxide") & (built.unmet["year"] == 2028)]
    expected = (
        metal / float(net.metal_per_oxide["Nd"])
        + oxide[oxide["item"].isin(["Pr", "Nd"])]["unmet"].sum()
    )
    assert needs.loc["Pr+Nd", "needed"] == pytest.approx(expected, rel=1e-6)
