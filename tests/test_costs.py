"""Costs by place: sourced where the data has them, the labelled default elsewhere (a
missing cost is never another place's); and mining shares that do not swing with inputs
unrelated to mining."""

from __future__ import annotations

import pandas as pd
import pytest

from reechain.engine import arrays
from reechain.engine.inputs import build_inputs
from reechain.engine.run import run
from reechain.engine.scenario import Scenario


@pytest.fixture(scope="module")
def net(ds):
    sc = Scenario.model_validate({"name": "c", "base_year": 2024, "horizon": 2026})
    return build_inputs(ds, sc.check(ds)).network


def test_sourced_costs_and_defaults_by_place(net, ds):
    mine = arrays.place_cost(net, "mining").to_series()
    assumptions = ds.table("assumptions").set_index("assumption_id")["value"].astype(float)
    # Mountain Pass: MP's reported cost per t REO in concentrate (2023)
    assert mine["USA:mountain-pass-mp-10k-2021-inferred"] == pytest.approx(1938.0)
    # Brazil's ionic clay: the Caldeira scoping study's life-of-mine cost
    assert mine["BRA:serra-verde-proxy-2026"] == pytest.approx(6740.0)
    # China's clays: missing in the data, so the labelled default, not another place's cost
    clays = [d for d in mine.index if d.startswith("CHN:") and ("clay" in d or "longnan" in d)]
    assert clays and (mine[clays] == assumptions["mining_cost"]).all()
    # the stages after mining keep one labelled cost everywhere until the data has
    # like-for-like operating costs (see the note in inputs.costs)
    for stage in ("separation", "metal", "magnet"):
        cost = arrays.place_cost(net, stage).to_series()
        assert (cost == assumptions[f"{stage}_cost"]).all()


def test_mining_shares_hold_when_unrelated_inputs_vary(ds):
    """A wind-demand intensity in Germany, varied by a factor of three, moves no country's
    share of mining by more than a percentage point (the mines' costs differ, so the LP does
    not pick among ties)."""
    shares = []
    for factor in (0.5, 1.0, 1.5):
        sc = Scenario.model_validate(
            {
                "name": "s",
                "base_year": 2024,
                "horizon": 2028,
                "intensity_factors": {"wind_turbine": factor},
                "events": [
                    {
                        "type": "demand",
                        "name": "wind",
                        "region": "DEU",
                        "end_use": "wind_turbine",
                        "activity": {"value": 5, "unit": "GW/yr"},
                    }
                ],
            }
        ).check(ds)
        f = run(sc, ds, owners=False).flows
        m = f[(f["stage"] == "mining") & f["destination"].isna() & (f["material"] == "TREO")]
        m = m[(m["origin"] != "WLD") & (m["year"] == 2028)].groupby("origin")["value"].sum()
        shares.append(m / m.sum())
    table = pd.concat(shares, axis=1).fillna(0.0)
    assert (table.max(axis=1) - table.min(axis=1)).max() < 0.01


def test_beylikova_by_products_pay_for_its_mining(ds):
    project = {
        "type": "project",
        "name": "Bey",
        "facility": "beylikova-plant",
        "country": "TUR",
        "stage": "separation",
        "feed": {"deposit": "beylikova", "composition": "mountain-pass-mp-10k-2021-inferred"},
        "capacity": {"value": 10_000, "unit": "t REO/yr"},
        "start": 2026,
    }
    sc = Scenario.model_validate(
        {"name": "b", "base_year": 2024, "horizon": 2026, "events": [project]}
    ).check(ds)
    net = build_inputs(ds, sc).network
    mine = arrays.place_cost(net, "mining").to_series()
    # 72,000 t barite and 70,000 t fluorite per 10,000 t REO: 7.2 x 210 + 7.0 x 565 USD/t
    credit = 7.2 * 210 + 7.0 * 565
    assert credit == pytest.approx(5467.0)
    assert mine["beylikova:Bey"] == pytest.approx(2000.0 - credit)
