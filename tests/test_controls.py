"""Export controls as written: every magnet that holds a controlled element, concentrate at the
mining stage, licence rates by element and destination, and no leak around a control through a
third country (toy networks with hand-derived answers, and real runs)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from reechain.engine.model import solve
from reechain.engine.network import TRACKING_COLUMNS
from reechain.engine.results import collect
from reechain.engine.run import run
from reechain.engine.scenario import Scenario

from toys import magnet_chain

EXAMPLES = Path(__file__).parents[1] / "examples"


def _tracking(**row: object) -> pd.DataFrame:
    base = {
        "control": 0,
        "year": 2030,
        "item": "Nd",
        "actor": "R1",
        "in_force": 1.0,
        "kinds": "oxide;metal",
        "sources": "R2",
        "blocked": "R3",
        "rate": 0.0,
    }
    return pd.DataFrame([{**base, **row}], columns=TRACKING_COLUMNS)


def _oxide_ban_to_r3(net):
    """R1 bans Nd oxide and metal to R3 (direct lanes capped at 0)."""
    caps = pd.DataFrame(
        [
            {"cap_id": f"{kind}", "year": 2030, "kind": kind, "item": "Nd", "origin": "R1",
             "dest": "R3", "upper": 0.0}
            for kind in ("oxide", "metal")
        ]
    )  # fmt: skip
    return replace(net, lane_caps=caps)


def _unmet_magnets(net) -> float:
    return float(collect(solve(net), "t").unmet.query("kind == 'magnet'")["unmet"].sum())


def test_without_tracking_the_ban_leaks_through_the_third_country():
    """R1's oxide goes to R2 (not controlled), R2 makes the magnets R3 wanted: the direct
    caps alone change nothing (the leak the tracking layer closes)."""
    assert _unmet_magnets(_oxide_ban_to_r3(magnet_chain())) == pytest.approx(0.0, abs=1e-6)


def test_tracked_content_cannot_reach_the_controlled_destination():
    """R2 has no supply of its own and no use for Nd: R1's tagged Nd can neither stay in R2 nor
    go on to R3, so all 10 t of R3's magnets go unmet."""
    net = replace(_oxide_ban_to_r3(magnet_chain()), tracking=_tracking())
    assert _unmet_magnets(net) == pytest.approx(10.0, rel=1e-6)


def test_a_third_country_may_ship_its_own_supply():
    """Give R2 a mine of its own (pure Nd, 100 t): R3 is served from it, and R1 ships R2
    nothing (its Nd could not stay in R2). Magnets 10 t need 3 t Nd metal = 3.499 t oxide."""
    base = magnet_chain()
    net = replace(
        _oxide_ban_to_r3(base),
        tracking=_tracking(),
        deposit_region=pd.Series({"M": "R1", "N": "R2"}),
        composition=pd.DataFrame({"La": [0.4, 0.0], "Nd": [0.6, 1.0]}, index=["M", "N"]),
        mine_cap=pd.DataFrame({"M": [1000.0], "N": [100.0]}, index=[2030]),
        sep_cap=pd.DataFrame({"R1": [1000.0], "R2": [100.0], "R3": [0.0]}, index=[2030]),
    )
    solved = solve(net)
    res = collect(solved, "t")
    assert res.unmet.query("kind == 'magnet'")["unmet"].sum() == pytest.approx(0.0, abs=1e-6)
    ox = solved.value("ox").sel(year=2030, element="Nd")
    assert float(ox.sel(origin="R1", dest="R2")) == pytest.approx(0.0, abs=1e-6)
    assert float(solved.value("mine").sel(year=2030, deposit="N")) == pytest.approx(
        3 / 0.8574, rel=1e-4
    )


def test_re_export_under_licence_lets_a_share_through():
    """Re-export rule at a licence rate r: tagged Nd that R2 receives (X) may leave it only up
    to r X, and R2 keeps none (it has no use of its own), so X = leaving <= r X: with r = 0.4
    R2 can import nothing and R3's 10 t go unmet; with r = 1 the chain runs as before."""
    net = replace(
        _oxide_ban_to_r3(magnet_chain()),
        tracking=_tracking(sources="R2;R3", blocked="R2;R3", rate=0.4),
    )
    assert _unmet_magnets(net) == pytest.approx(10.0, rel=1e-6)
    open_net = replace(net, tracking=_tracking(sources="R2;R3", blocked="R2;R3", rate=1.0))
    assert _unmet_magnets(open_net) == pytest.approx(0.0, abs=1e-6)


def _scenario(**control: object) -> Scenario:
    event = {
        "type": "export_control",
        "actor": "CHN",
        "from": "2026-01-01",
        "ban": True,
        **control,
    }
    return Scenario.model_validate(
        {"name": "control", "base_year": 2024, "horizon": 2027, "events": [event]}
    )


@pytest.mark.slow
def test_a_chinese_magnet_ban_on_the_us_stops_every_chinese_magnet(ds):
    """``elements: all`` covers every grade; magnets are final products in the model (no lane
    re-ships them), so no Chinese-made magnet reaches the US by any route in the ban years,
    while they did before."""
    res = run(_scenario(elements="all", stages=["magnet"], destinations=["USA"]), ds)
    flows = res.flows
    to_us = (
        flows[
            (flows["stage"] == "magnet")
            & (flows["origin"] == "CHN")
            & (flows["destination"] == "USA")
            & flows["material"].str.startswith("NdFeB:")
        ]
        .groupby("year")["value"]
        .sum()
    )
    assert to_us.get(2026, 0.0) == 0.0 and to_us.get(2027, 0.0) == 0.0
    assert to_us[2024] > 5_000 and to_us[2025] > 5_000
    lanes = res.inputs.lane_events
    assert set(lanes["item"]) == set(res.inputs.network.grades)


def test_a_control_on_nd_covers_the_standard_grade(ds):
    """Nd and Pr are in every magnet: a control on Nd at the magnet stage covers the standard
    grade too (the recipe's didymium share counts)."""
    from reechain.engine.inputs import build_inputs

    inputs = build_inputs(ds, _scenario(elements=["Nd"], stages=["magnet"], destinations="all"))
    assert set(inputs.lane_events["item"]) == set(inputs.network.grades)


def test_a_control_that_matches_nothing_is_said(ds):
    from reechain.engine.inputs import build_inputs

    inputs = build_inputs(ds, _scenario(elements=["La"], stages=["magnet"], destinations="all"))
    assert inputs.lane_events.empty
    assert any(r["parameter"].startswith("warning: export control") for r in inputs.provenance)


@pytest.mark.slow
def test_no_chinese_dy_reaches_japan_around_a_ban(ds):
    """China bans Dy oxide and metal to Japan only. Whatever Dy reaches Japan from third
    countries (in oxide, metal or magnets) cannot exceed the Dy separated outside China."""
    res = run(_scenario(elements=["Dy"], stages=["separation", "metal"], destinations=["JPN"]), ds)
    net = res.inputs.network
    assert len(net.tracking)
    flows = res.flows
    # third countries' shipments to Japan (China's own magnets are not controlled here)
    shipped = flows[flows["destination"].eq("JPN") & ~flows["origin"].isin(["JPN", "CHN"])]
    years = [2026, 2027]
    grade_dy = net.recipe["Dy"]
    for y in years:
        part = shipped[shipped["year"] == y]
        oxide = part[(part["stage"] == "separation") & (part["material"] == "Dy")]["value"].sum()
        metal = part[(part["stage"] == "metal") & (part["material"] == "Dy")]["value"].sum()
        magnets = part[part["stage"] == "magnet"]
        in_magnets = sum(
            v * grade_dy.get(m.removeprefix("NdFeB:"), 0.0)
            for m, v in zip(magnets["material"], magnets["value"], strict=True)
            if m.startswith("NdFeB:")
        )
        reaching = oxide * float(net.metal_per_oxide["Dy"]) + metal + in_magnets
        sep = flows[
            (flows["stage"] == "separation")
            & flows["destination"].isna()
            & (flows["material"] == "Dy")
            & (flows["year"] == y)
            & ~flows["origin"].isin(["CHN", "WLD"])
        ]["value"].sum()
        assert reaching <= sep * float(net.metal_per_oxide["Dy"]) + 1e-6


def test_validation_warns_of_controls_that_do_less_than_they_seem(ds, tmp_path):
    """A control on La at the magnet stage (no grade holds La), a destination inside a named
    region and a refinery stopped by a technology ban: valid, each warned with its line."""
    text = """name: warnings
base_year: 2024
horizon: 2030
regions: {EU: [DEU, FRA]}
events:
  - type: export_control
    actor: CHN
    elements: [La]
    stages: [magnet]
    destinations: [DEU]
    from: 2026-01-01
    ban: true
  - type: project
    name: Refinery
    country: TUR
    stage: separation
    capacity: {value: 1000, unit: t REO/yr}
    start: 2027
    technology_from: CHN
"""
    sc = Scenario.from_text(text).check(ds)
    warned = sc.warnings(ds)
    # the control twice; the refinery: too soon to be built (4.5 years) and a technology ban
    assert [w for w, _ in warned] == ["line 6, events[0]"] * 2 + ["line 13, events[1]"] * 2
    messages = " | ".join(m for _, m in warned)
    assert "no magnet grade contains ['La']" in messages
    assert "the whole region" in messages and "technology_licence: granted" in messages
    clean = Scenario.from_text(text.replace("[La]", "[Dy]").replace("[DEU]", "[USA]"))
    assert len(clean.warnings(ds)) == 2  # only the refinery's (too soon; technology ban)
    assert "takes about 4.5 years to build" in messages


def test_chinas_recycled_scrap_is_separated_in_china(ds):
    """China's magnet scrap is reported as oxide recovered in China, so its pool is separated
    there only (as China's mined pools are): no concentrate lane carries its Dy and Tb out of
    China around a control on oxides, metals and magnets."""
    from reechain.engine.inputs import build_inputs
    from reechain.engine.inputs.context import SCRAP_POOL

    net = build_inputs(
        ds, _scenario(elements=["Dy"], stages=["separation"], destinations="all")
    ).network
    assert SCRAP_POOL in net.deposits
    places = net.dedicated[net.dedicated["deposit"] == SCRAP_POOL]["region"]
    assert list(places) == ["CHN"]


@pytest.mark.slow
def test_no_chinese_feed_leaves_china_around_the_2025_licensing(ds):
    """The April 2025 licensing covers oxides, metals and magnets: China's mined and recycled
    feed stays in China with or without it (before, 9,285 t of scrap went to the USA and was
    separated there, Dy and Tb included, once the control was in force)."""
    sc = Scenario.from_yaml(EXAMPLES / "china-export-controls-2025.yaml")
    res = run(sc, ds, owners=False)
    for result in (res.result, res.reference):
        conc = result.concentrate
        chinese = conc[(conc["origin"] == "CHN") & (conc["value"] > 1e-6)]
        assert set(chinese["destination"]) == {"CHN"}, chinese
