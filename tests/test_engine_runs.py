"""The global model on the embedded data: calibration, the three example scenarios, balances
and the effects each example is about."""

from __future__ import annotations

import pandas as pd
import pytest

from reechain import metrics
from reechain.analysis.calibration import TOLERANCE_PP, calibrate
from reechain.analysis.outcomes import bloc_shares, ownership_vs_location, project_outputs
from reechain.engine.inputs import build_inputs
from reechain.engine.model import solve
from reechain.engine.results import collect
from reechain.engine.run import baseline_of, run
from reechain.engine.scenario import Scenario

from conftest import EXAMPLES, select


@pytest.fixture(scope="module")
def calibration(ds):
    return calibrate(ds, 2024)


def test_calibration_reproduces_observed_shares(calibration):
    table, _ = calibration
    for stage in ("mining", "metal", "magnet"):
        part = table[table["stage"] == stage]
        assert len(part) > 0
        assert part["within"].all(), part
    china_mining = select(table, stage="mining", country="CHN").iloc[0]
    assert abs(china_mining["residual_pp"]) <= TOLERANCE_PP
    # separation is compared on the IEA's magnet rare earth basis (Pr+Nd+Tb+Dy, 91 % in 2024).
    # The model is 2.8 pp above it: its ore splits (labelled proxies for Bayan Obo and the
    # clays) give China about 25 kt more Pr+Nd than SMM's 2024 figures (validation/README.md,
    # "Separated oxides"). Guarded here so that it can't drift while the splits are improved.
    sep = select(table, stage="separation", country="CHN").iloc[0]
    assert sep["material"] == "Pr+Nd+Tb+Dy" and sep["observed"] == pytest.approx(0.91)
    assert 0 < sep["residual_pp"] <= 3.0


def test_balances_rederived(calibration):
    _, result = calibration
    assert set(result.result.residuals) >= {"oxide-origin", "oxide-dest", "magnet-dest"}
    assert max(result.result.residuals.values()) < 1e-3


def test_solution_is_non_negative_before_clipping_and_world_rows_add_up(ds):
    """collect() clips values at zero and writes the world rows as the sum of its own rows, so
    both are checked on the solver's solution, before collect() touches it."""
    sc = Scenario.model_validate({"name": "no events", "base_year": 2024, "horizon": 2024})
    solved = solve(build_inputs(ds, sc.check(ds)).network)
    for name in solved.model.variables:
        assert float(solved.value(name).min()) >= -1e-6, name  # [t]; HiGHS leaves ~1e-11
    net, v = solved.network, solved.value
    primary = [d for d in net.deposits if d not in net.secondary]  # recycled feed is not mined
    assert len(primary) < len(net.deposits)
    world = select(collect(solved, "no events").flows, origin="WLD", year=2024)
    world = world.set_index(["stage", "material"])["value"]
    assert world[("mining", "TREO")] == pytest.approx(float(v("mine").sel(deposit=primary).sum()))
    assert world[("separation", "TREO")] == pytest.approx(float(v("conc").sum()))
    assert world[("metal", "REM")] == pytest.approx(float(v("metal").sum()))
    assert world[("magnet", "NdFeB")] == pytest.approx(float(v("magnet").sum()))
    # element rows: the mined deposits' compositions; separated oxide after recovery
    comp = net.composition.loc[primary, "Nd"]
    mined_nd = float((v("mine").sel(deposit=primary).sel(year=2024).to_series() * comp).sum())
    assert world[("mining", "Nd")] == pytest.approx(mined_nd)


def test_beylikova_adds_turkish_separation_and_thorium(turkiye, ds):
    shares = metrics.shares(turkiye.flows, "separation", 2031)
    tur = shares.set_index("group")["share"].get("TUR", 0.0)
    assert 0.01 < tur < 0.05
    out = project_outputs(turkiye, ds).set_index("year")
    # full capacity from 2031 (start 2028, three ramp-up years): 10,000 t REO and 250 t Th
    assert out.loc[2031, "treo_t"] == pytest.approx(10_000, rel=1e-6)
    assert out.loc[2031, "thorium_t"] == pytest.approx(250, rel=1e-6)
    assert out.loc[2028, "treo_t"] == pytest.approx(2_500, rel=1e-6)
    # the borrowed bastnaesite split: 32.5 % La of TREO, normalised over 99.8 %, x 0.96 recovery
    assert out.loc[2031, "La_t"] == pytest.approx(10_000 * 0.325 / 0.998 * 0.96, rel=1e-6)


def test_offtake_and_ownership(turkiye):
    f = turkiye.flows
    y = 2031
    lanes = select(f, stage="separation", year=y, unit="t REO")
    to_china = select(lanes, origin="TUR", destination="CHN")["value"].sum()
    made = select(lanes, origin="TUR", destination=None, material="TREO")["value"].sum()
    assert made == pytest.approx(10_000, rel=1e-6)  # the plant at full capacity
    produced = made * 0.96  # oxide out of the concentrate separated
    # China has a use for every element the plant makes: it takes its 30 % of each first
    by_element = select(lanes, origin="TUR", destination=None).set_index("material")["value"]
    shipped = select(lanes, origin="TUR", destination="CHN").set_index("material")["value"]
    for element in ("La", "Ce", "Pr", "Nd", "Sm"):
        assert shipped.get(element, 0.0) >= 0.3 * by_element[element] - 1e-6
    assert to_china >= 0.3 * produced * (1 - 1e-6)
    ov = ownership_vs_location(turkiye).set_index(["year", "group"])
    # China owns 49 % of the Turkish plant: its share by ownership exceeds its share by location
    assert ov.loc[(y, "CHN"), "share_by_ownership"] > ov.loc[(y, "CHN"), "share_by_location"]
    assert ov.loc[(y, "TUR"), "share_by_ownership"] < ov.loc[(y, "TUR"), "share_by_location"]


def test_owner_attribution_conserves_every_tonne(turkiye):
    """Split by owner, production adds back to the production of every (year, stage,
    material, region); the Turkish plant's output changes hands (49 % Chinese-owned), and so
    does existing capacity whose plants have foreign owners in the ownership table (Lynas
    Malaysia: Australian; a Japanese-owned plant among Vietnam's three separators)."""
    key = ["year", "stage", "material", "origin"]
    flows = turkiye.flows
    produced = flows[flows["destination"].isna()].groupby(key)["value"].sum()
    owned = turkiye.owner_flows.groupby(key)["value"].sum()
    pd.testing.assert_series_equal(owned.sort_index(), produced.sort_index(), rtol=1e-9)
    o = turkiye.owner_flows
    foreign = o[(o["owner"] != o["origin"]) & (o["origin"] != "WLD")]
    assert set(zip(foreign["origin"], foreign["owner"], strict=True)) == {
        ("TUR", "CHN"),
        ("MYS", "AUS"),
        ("VNM", "JPN"),
    }
    tur = select(o, stage="separation", origin="TUR", year=2031, material="TREO")
    by_owner = tur.groupby("owner")["value"].sum()
    assert by_owner["CHN"] / by_owner.sum() == pytest.approx(0.49, rel=1e-9)


def test_brics_share_with_turkiye(turkiye, ds):
    b = bloc_shares(turkiye, ds, "separation", "BRICS").pivot_table(
        index="year", columns="group", values="share"
    )
    assert b.loc[2026, "BRICS with scenario joiners"] == pytest.approx(b.loc[2026, "BRICS (data)"])
    assert b.loc[2031, "BRICS with scenario joiners"] > b.loc[2031, "BRICS (data)"]


def test_export_ban_leaves_heavy_magnets_unmet(ds):
    sc = Scenario.from_yaml(EXAMPLES / "china-export-controls-2025.yaml")
    ban = sc.model_copy(
        update={
            "events": [
                sc.events[0].model_copy(update={"licence_approval_rate": None, "ban": True})
            ],
            "horizon": 2026,
        }
    )
    res = run(ban, ds)
    caps = res.inputs.network.lane_caps
    assert len(caps) and (caps["upper"] >= 0).all()
    unmet = res.unmet
    gbd = select(unmet, kind="magnet", item="GBD", year=2026)
    assert gbd["unmet"].sum() > 1000  # Dy-bearing magnets outside China go short
    # the caps hold in the solution: no Dy oxide leaves China in 2026
    dy_out = select(res.flows, stage="separation", origin="CHN", material="Dy", year=2026)
    dy_out = dy_out[dy_out["destination"].notna() & (dy_out["destination"] != "CHN")]
    assert dy_out["value"].sum() == pytest.approx(0.0, abs=1e-6)


def test_licensing_uses_a_reference_run(ds):
    sc = Scenario.from_yaml(EXAMPLES / "china-export-controls-2025.yaml").model_copy(
        update={"horizon": 2026}
    )
    res = run(sc, ds)
    assert res.reference is not None
    caps = res.inputs.network.lane_caps
    ref = res.reference.flows
    cap = select(caps, year=2026, kind="oxide", item="Dy")
    lanes = select(ref, stage="separation", material="Dy", year=2026, origin="CHN")
    lanes = lanes[lanes["destination"].isin(cap["dest"])]
    assert cap["upper"].iloc[0] == pytest.approx(0.5 * lanes["value"].sum(), rel=1e-9)


def test_myanmar_outage_cuts_heavy_rare_earths(ds):
    sc = Scenario.from_yaml(EXAMPLES / "myanmar-outage.yaml")
    res = run(sc, ds)
    mined = select(res.flows, stage="mining", origin="MMR", material="TREO", destination=None)
    by_year = mined.set_index("year")["value"]
    assert by_year[2025] == pytest.approx(0.0, abs=1e-6)
    assert by_year[2026] > 0
    # China's heavy rare earth separation falls with the Kachin clay feed it separates
    sep = select(res.flows, stage="separation", origin="CHN", material="Dy", destination=None)
    china_dy = sep.set_index("year")["value"]
    assert china_dy[2025] < 0.7 * china_dy[2024] and china_dy[2026] > china_dy[2024]
    dy = select(res.prices, kind="oxide", item="Dy", region="CHN").set_index("year")["price"]
    assert dy[2025] > dy[2026]


def test_baseline_keeps_the_regions(turkiye, turkiye_baseline):
    base = baseline_of(turkiye.scenario)
    assert base.events == [] and base.regions["TUR"] == ["TUR"]
    assert base.years == turkiye.scenario.years
    # the baseline run has Türkiye as a region, without the scenario's plant: only the data's
    # planned Beylikova plant, risk-weighted (a quarter of 10,000 t REO/yr), from 2031 (no
    # date: 4.5 years to build outside China and 2 years' usual slip)
    made = select(turkiye_baseline.flows, stage="separation", origin="TUR", destination=None)
    made = made[made["material"] == "TREO"].set_index("year")["value"]
    assert made.reindex(range(2024, 2031)).fillna(0.0).sum() == pytest.approx(0.0, abs=1e-6)
    assert 0 < made.loc[2035] <= 10_000 * 0.25 + 1e-6
    assert set(turkiye_baseline.capacity_use["region"]) == set(turkiye.capacity_use["region"])


def test_the_baseline_of_an_ensemble_scenario_drops_its_uncertainty(ds):
    """An ``uncertainty:`` input may name an event; the baseline has none, so it keeps no
    uncertainty section either and passes the dataset's checks (it failed with 'there is no
    event 0' before)."""
    sc = Scenario.from_yaml(EXAMPLES / "turkiye-beylikova-ensemble.yaml")
    assert sc.uncertainty is not None
    base = baseline_of(sc, ds)
    assert base.events == [] and base.uncertainty is None
    base.check(ds)


def test_facility_outage_takes_its_output_out_of_its_country(ds):
    sc = Scenario.model_validate(
        {
            "name": "Lynas Malaysia stops",
            "base_year": 2024,
            "horizon": 2025,
            "events": [
                {"type": "outage", "facility": "lynas-malaysia", "share": 1.0, "from": "2025-01-01"}
            ],
        }
    ).check(ds)
    res = run(sc, ds)
    cap = res.inputs.network.sep_cap["MYS"]
    lost = [p for p in res.inputs.provenance if p["parameter"].startswith("outage")][0]["value"]
    # outside China existing capacity does not grow (only projects add to it)
    assert cap[2025] == pytest.approx(cap[2024] - lost)


def test_a_us_tariff_on_chinese_magnets_reroutes_imports(ds):
    sc = Scenario.model_validate(
        {
            "name": "US duty",
            "base_year": 2024,
            "horizon": 2025,
            "events": [
                {
                    "type": "tariff",
                    "importer": "USA",
                    "exporters": ["CHN"],
                    "stages": ["magnet"],
                    "rate": {"value": 5000, "unit": "USD/t"},
                    "from": "2025-01-01",
                }
            ],
        }
    ).check(ds)
    f = run(sc, ds).flows
    into_us = (
        select(f, stage="magnet", material="NdFeB", destination="USA", year=2025)
        .groupby("origin")["value"]
        .sum()
    )
    assert into_us.get("CHN", 0.0) == pytest.approx(0.0, abs=1e-6)
    assert into_us.sum() > 0


def test_existing_capacity_is_owned_by_its_facilities_owners(turkiye):
    """Lynas Malaysia, the only separator operating in Malaysia, belongs to Australia's Lynas
    (ownership table): Malaysia's separation is Australian-owned; China's stays Chinese."""
    owned = turkiye.owner_flows
    sep = owned[(owned["stage"] == "separation") & (owned["year"] == 2024)]
    sep = sep[sep["material"] == "TREO"]
    mys = sep[sep["origin"] == "MYS"].groupby("owner")["value"].sum()
    assert set(mys.index) == {"AUS"} and mys["AUS"] > 20_000
    chn = sep[sep["origin"] == "CHN"].groupby("owner")["value"].sum()
    assert set(chn.index) == {"CHN"}


def test_lynas_separates_heavy_rare_earths_only_from_its_heavy_circuit(turkiye):
    """Lynas Malaysia separated light rare earths only until its heavy circuit started in 2025
    (facilities): Malaysia separates no Dy or Y in 2024, and does from 2025."""
    f = turkiye.flows
    sep = f[(f["stage"] == "separation") & (f["origin"] == "MYS") & f["destination"].isna()]
    by = sep.set_index(["year", "material"])["value"]
    assert by[(2024, "Dy")] == pytest.approx(0.0, abs=1e-9)
    assert by[(2024, "Y")] == pytest.approx(0.0, abs=1e-9)
    assert by[(2024, "Nd")] > 1_000
    assert by[(2025, "Dy")] > 0


def test_lynas_heavy_fraction_goes_to_china_before_its_circuit(turkiye):
    """Before 2025 Malaysia's heavy fraction leaves as a mixed concentrate and is separated in
    China (flows: concentrate shipments by element); from 2025 Malaysia's circuit separates
    part of it (1,500 t/yr of heavy feed, in the feed's mix) and the rest still goes to China."""
    f = turkiye.flows
    heavy = f[(f["stage"] == "mining") & (f["origin"] == "MYS") & (f["material"] == "Dy")]
    shipped = heavy.groupby(["year", "destination"])["value"].sum()
    assert shipped[(2024, "CHN")] > 50
    later = shipped.reindex([(2026, "CHN")]).fillna(0.0).iloc[0]
    own = f[(f["stage"] == "separation") & (f["origin"] == "MYS") & f["destination"].isna()
            & (f["material"] == "Dy") & (f["year"] == 2026)]["value"].sum()  # fmt: skip
    assert own > 0 and later < shipped[(2024, "CHN")]


def test_a_heavy_circuit_separates_its_feed_as_it_comes(ds):
    """Lynas Malaysia's heavy circuit (from 2025) takes the mixed heavy concentrate in its
    feed's proportions: it can't pick the dearest elements (Tb, Dy) out of it."""
    from reechain.engine import arrays
    from reechain.engine.inputs.build import build_inputs

    sc = Scenario.model_validate({"name": "b", "base_year": 2024, "horizon": 2025})
    res = run(sc, ds, owners=False)
    mix = arrays.heavy_circuit_mix(build_inputs(ds, sc).network).sel(region="MYS").to_series()
    assert mix.sum() == pytest.approx(1.0)
    circuit = res.result.flows
    heavy = ["Sm", "Gd", "Tb", "Dy"]
    made = circuit[
        (circuit["stage"] == "separation") & (circuit["origin"] == "MYS")
        & circuit["destination"].isna() & (circuit["year"] == 2025)
        & circuit["material"].isin(heavy)
    ].set_index("material")["value"]  # fmt: skip
    # each heavy element in the same ratio to Dy as in the feed's heavy fraction
    for element in ("Tb", "Sm", "Gd"):
        if mix[element] > 0 and made.get(element, 0) > 0:
            assert made[element] / made["Dy"] == pytest.approx(
                mix[element] / mix["Dy"], rel=0.02
            ), element
