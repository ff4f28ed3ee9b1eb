"""Offtake and feeds: an offtake is a priority that never lowers a project's output, and a
feed never adds mine output (properties over many inputs, and the real examples)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reechain.engine.inputs import build_inputs
from reechain.engine.model import solve
from reechain.engine.results import collect
from reechain.engine.scenario import Scenario

from toys import two_mines

SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _project_network(nd_r1: float, nd_r2: float, cap_b: float):
    """Two mines: A (R1, 50 % Nd) is the project's own feed, separated only in R1; B (R2,
    10 % Nd). Nd demand in both regions."""
    net = two_mines(nd_r1, cap_b=cap_b)
    extra = net.demand.assign(region="R2", quantity=nd_r2)
    return replace(
        net,
        demand=pd.concat([net.demand, extra], ignore_index=True),
        dedicated=pd.DataFrame([{"deposit": "A", "region": "R1"}]),
    )


def _with_offtake(net, partner: str, share: float):
    rows = [
        {"year": 2030, "origin": "R1", "dest": partner, "kind": "oxide", "item": e,
         "share": share, "pool": "A", "capacity": 100.0, "reward": 1001.0, "event": "P"}
        for e in ("La", "Nd")
    ]  # fmt: skip
    return replace(net, offtake=pd.DataFrame(rows))


def _mined(net, deposit: str = "A") -> float:
    solved = solve(net)
    collect(solved, "p")  # re-derives every balance (InvariantError if off)
    return float(solved.value("mine").sel(year=2030, deposit=deposit))


@SETTINGS
@given(
    nd_r1=st.floats(0.0, 80.0),
    nd_r2=st.floats(0.0, 80.0),
    cap_b=st.floats(0.0, 200.0),
    share=st.floats(0.0, 1.0),
    partner=st.sampled_from(["R1", "R2"]),
)
def test_adding_offtake_never_lowers_the_project_output(nd_r1, nd_r2, cap_b, share, partner):
    net = _project_network(nd_r1, nd_r2, cap_b)
    without = _mined(net)
    with_offtake = _mined(_with_offtake(net, partner, share))
    assert with_offtake >= without - 1e-6 * max(1.0, without)


def test_the_partner_is_served_first_from_the_project():
    """Scarce Nd: R1 and R2 each want 40 t; A gives at most 50 t of Nd and B nothing. Without
    offtake R1 is served first (no transport cost): 40 t to R1, 10 t to R2, which lacks 30 t.
    With 60 % offtake to R2, R2 gets its reserved 30 t (0.6 x 50) first and R1 the other
    20 t."""

    def unmet(net) -> tuple[float, float]:
        res = collect(solve(net), "p")
        by_region = res.unmet.groupby("region")["unmet"].sum()
        return by_region.get("R1", 0.0), by_region.get("R2", 0.0)

    net = _project_network(40.0, 40.0, cap_b=0.0)
    assert unmet(net) == pytest.approx((0.0, 30.0), abs=1e-6)
    assert unmet(_with_offtake(net, "R2", 0.6)) == pytest.approx((20.0, 10.0), abs=1e-6)


def _scenario(*events: dict) -> Scenario:
    return Scenario.model_validate(
        {"name": "feed", "base_year": 2024, "horizon": 2027, "events": list(events)}
    )


PLANT = {
    "type": "project",
    "name": "Texas heavy plant",
    "country": "USA",
    "stage": "separation",
    "feed": {"deposit": "mount-weld"},
    "capacity": {"value": 5000, "unit": "t REO/yr"},
    "start": 2026,
}


def test_a_feed_from_a_working_mine_adds_no_mine(ds):
    """Mount Weld is in operation: a plant in Texas fed by it takes Australian concentrate
    (a route, no transport cost) and adds no mining capacity."""
    base = build_inputs(ds, _scenario()).network
    fed = build_inputs(ds, _scenario(PLANT)).network
    assert fed.mine_cap.sum(axis=1).tolist() == pytest.approx(base.mine_cap.sum(axis=1).tolist())
    assert ((fed.routes["origin"] == "AUS") & (fed.routes["dest"] == "USA")).any()
    assert fed.sep_cap.loc[2027, "USA"] == pytest.approx(base.sep_cap.loc[2027, "USA"] + 5000)


def test_a_feed_from_a_mining_project_adds_no_second_mine(ds):
    """A Turkish mine on Beylikova and a plant fed by it: one mine (the mining project's)."""
    mine = {
        "type": "project",
        "name": "Beylikova mine",
        "country": "TUR",
        "stage": "mining",
        "feed": {"deposit": "beylikova", "composition": "mountain-pass-mp-10k-2021-inferred"},
        "capacity": {"value": 10000, "unit": "t REO/yr"},
        "start": 2026,
    }
    plant = {**PLANT, "name": "Turkish plant", "country": "TUR", "feed": {"deposit": "beylikova"}}
    inputs = build_inputs(ds, _scenario(mine, plant))
    project_pools = [p for p in inputs.network.deposits if p.startswith("beylikova:")]
    assert project_pools == ["beylikova:Beylikova mine"]


TURKISH_PLANT = {
    "type": "project",
    "name": "Beylikova refinery",
    "country": "TUR",
    "stage": "separation",
    "feed": {"deposit": "beylikova", "composition": "mountain-pass-mp-10k-2021-inferred"},
    "capacity": {"value": 10000, "unit": "t REO/yr"},
    "start": 2027,
    "technology_from": "CHN",
}


def test_a_chinese_technology_ban_stops_a_refinery_unless_licensed(ds):
    """China's Dec 2023 ban on exporting separation technology (policies table) is in force
    in 2027: a refinery built with Chinese technology doesn't start unless the scenario says
    the licence is granted."""
    base = build_inputs(ds, _scenario()).network
    blocked = build_inputs(ds, _scenario(TURKISH_PLANT))
    assert blocked.network.sep_cap["TUR"].sum() == pytest.approx(0.0)
    note = next(r for r in blocked.provenance if r["parameter"].endswith("technology"))
    assert note["value"] == "blocked" and "cn-technology-export-ban-2023" in note["how"]
    granted = build_inputs(ds, _scenario({**TURKISH_PLANT, "technology_licence": "granted"}))
    assert granted.network.sep_cap.loc[2027, "TUR"] == pytest.approx(10000.0)
    assert "TUR" not in base.regions or base.sep_cap["TUR"].sum() == 0.0


def test_a_plant_fed_by_a_working_mine_has_its_owners(ds):
    """The Texas plant fed by Mount Weld has no pool of its own: its owners (Australian) get
    its capacity's share of US separation (5,000 of the US capacity), the rest stays with the
    host (no crash, no orphan rows)."""
    from reechain.engine.run import run

    sc = _scenario({**PLANT, "owners": {"AUS": 1.0}, "offtake": {"JPN": 0.3}})
    res = run(sc, ds)
    o = res.owner_flows
    us = o[(o["stage"] == "separation") & (o["origin"] == "USA") & (o["material"] == "TREO")]
    by = us.groupby(["year", "owner"])["value"].sum()
    total = res.flows
    made = total[(total["stage"] == "separation") & (total["origin"] == "USA")
                 & (total["material"] == "TREO") & total["destination"].isna()]  # fmt: skip
    made = made.set_index("year")["value"]
    assert by[(2027, "AUS")] + by[(2027, "USA")] == pytest.approx(made[2027])
    share = 5000 / float(res.inputs.network.sep_cap.loc[2027, "USA"])
    assert by[(2027, "AUS")] == pytest.approx(made[2027] * share, rel=1e-6)
    assert (2025, "AUS") not in by.index
