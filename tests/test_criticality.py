"""EU criticality: the published shares reproduce by hand; SR is never computed from missing
inputs, only the range they allow; the published SR and EI fall inside those ranges."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reechain.analysis.criticality import (
    economic_importance,
    eu_supply_risk,
    published,
    side_by_side,
    supply_risk,
    wgi_scaled,
)
from reechain.analysis.criticality.eu import supply_risk_range
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError, UnknownNameError

from conftest import select


def test_processing_hhi_of_neodymium_from_the_published_shares(ds):
    # EU 2023, Nd processing (LREE): China 84.9 %, Malaysia 10.5 %, Russia 1.9 %, India 1.6 %,
    # Viet Nam 1.0 %, Australia 0.1 %, Norway 0.1 %
    hand = 0.849**2 + 0.105**2 + 0.019**2 + 0.016**2 + 0.010**2 + 0.001**2 + 0.001**2
    t = eu_supply_risk(ds, "EU2023", "Nd").set_index(["stage", "scope"])
    assert t.loc[("processing", "global"), "hhi"] == pytest.approx(hand)
    assert t.loc[("processing", "global"), "share_sum"] == pytest.approx(1.001)


def test_hhi_wgi_t_by_hand(ds):
    t = eu_supply_risk(ds, "EU2023", "Nd").set_index(["stage", "scope"])
    row = t.loc[("processing", "global")]
    w = wgi_scaled(ds, 2022)
    # every listed supplier has t = 1.0
    hand = sum(
        s**2 * w[c]
        for c, s in (
            ("CHN", 0.849),
            ("MYS", 0.105),
            ("RUS", 0.019),
            ("IND", 0.016),
            ("VNM", 0.010),
            ("AUS", 0.001),
            ("NOR", 0.001),
        )
    )
    assert row["hhi_wgi_t"] == pytest.approx(hand)
    assert row["hhi_wgi_t_upper"] == pytest.approx(hand) and row["missing"] == ""
    # China's governance on the 0-10 scale: 2 x (2.5 - WGI)
    assert 0 < w["CHN"] < 10 and w["CHN"] > w["AUS"]


def test_a_supplier_without_governance_is_named_and_bounded(ds):
    # drop Norway's governance: it is named, left out of HHI_WGI,t and put at the worst (10)
    # in the ceiling: + 0.001^2 x 10 x 1.0
    g = ds.table("governance")
    g = g[~((g["country"] == "NOR") & (g["indicator"] == "wgi_mean_of_6"))]
    tables = {name: ds.table(name) for name in ds.schema.tables}
    less = Dataset(schema=ds.schema, _tables={**tables, "governance": g})
    row = eu_supply_risk(less, "EU2023", "Nd").set_index(["stage", "scope"])
    row = row.loc[("processing", "global")]
    assert "WGI of NOR" in row["missing"]
    assert row["hhi_wgi_t_upper"] - row["hhi_wgi_t"] == pytest.approx(0.001**2 * 10)


def test_sr_is_not_computed_without_its_inputs(ds):
    t = eu_supply_risk(ds, "EU2023")
    assert t["sr"].isna().all()
    assert (t["sr_missing"].str.contains("IR")).all()


def test_published_verdicts(ds):
    p = published(ds, "EU2023").set_index("material")
    assert p.loc["LREE", "SR"] == pytest.approx(3.7) and p.loc["LREE", "EI"] == pytest.approx(5.9)
    assert p.loc["HREE", "critical"]
    with pytest.raises(UnknownNameError, match="unknown assessment 'EU1999'"):
        eu_supply_risk(ds, "EU1999")


def test_critical_needs_both_thresholds(ds):
    """The EU's thresholds: critical when SR >= 1.0 and EI >= 2.8, both at once."""
    c = ds.table("criticality_inputs").copy()
    chosen = {("HREE", "SR"): 1.0, ("HREE", "EI"): 2.8, ("LREE", "SR"): 0.99, ("Sc", "EI"): 2.79}
    for (material, parameter), value in chosen.items():
        at = (c["assessment"] == "EU2023") & (c["material"] == material)
        c.loc[at & (c["parameter"] == parameter), "value"] = value
    tables = {name: ds.table(name) for name in ds.schema.tables}
    p = published(Dataset(schema=ds.schema, _tables={**tables, "criticality_inputs": c}))
    p = p.set_index("material")
    assert p[["SR", "EI"]].loc["LREE"].tolist() == [0.99, 5.9]
    assert p["critical"].to_dict() == {"HREE": True, "LREE": False, "Sc": False}


# --- supply risk and its range ------------------------------------------------------------


def test_supply_risk_formula_by_hand():
    # [4 x 0.5/2 + 2 x (1 - 0.5/2)] x (1 - 0.1) x 0.9 = 2.5 x 0.81
    assert supply_risk(4.0, 2.0, 0.5, 0.1, 0.9) == pytest.approx(2.025)


def test_missing_inputs_give_the_range_they_allow():
    # IR unknown in [0, 1]: the ceiling is the larger of EUS alone (IR = 0) and (GS + EUS)/2
    # (IR = 1); EoL-RIR and SI_SR unknown: the floor is 0.
    full = {"IR": (0.0, 1.0), "EoL_RIR": (0.0, 1.0), "SI_SR": (0.0, 1.0)}
    assert supply_risk_range((4.0, 4.0), (2.0, 2.0), full) == pytest.approx((0.0, 3.0))
    assert supply_risk_range((1.0, 1.0), (2.0, 2.0), full) == pytest.approx((0.0, 2.0))
    known = {"IR": (0.5, 0.5), "EoL_RIR": (0.1, 0.1), "SI_SR": (0.9, 0.9)}
    assert supply_risk_range((4.0, 4.0), (2.0, 2.0), known) == pytest.approx((2.025, 2.025))


@given(
    gs=st.floats(0, 10),
    eus=st.floats(0, 10),
    ir=st.floats(0, 1),
    eol=st.floats(0, 1),
    si=st.floats(0, 1),
)
def test_any_point_of_the_inputs_lies_in_the_range(gs, eus, ir, eol, si):
    full = {"IR": (0.0, 1.0), "EoL_RIR": (0.0, 1.0), "SI_SR": (0.0, 1.0)}
    low, high = supply_risk_range((gs, gs), (eus, eus), full)
    assert low - 1e-9 <= supply_risk(gs, eus, ir, eol, si) <= high + 1e-9


def test_published_sr_reproduces_with_one_reduction_factor_for_both_groups(ds):
    """EU 2023 SR of LREE and HREE from the published shares, t and WGI: the bottleneck is
    processing, and the published SR is our ceiling (IR, EoL-RIR and SI_SR at their most
    critical) times the same factor for both groups, 0.89-0.90 within 0.01. The factor is
    the unpublished (1 - EoL_RIR) x SI_SR (and the IR weighting); that it agrees across the
    two groups supports the WGI rescaling assumption."""
    t = eu_supply_risk(ds, "EU2023")
    ceiling = t.groupby("material")["sr_high"].max()
    p = published(ds, "EU2023").set_index("material")["SR"]
    # LREE processing shares are printed per element and are the same for all five
    factor_lree = p["LREE"] / ceiling["Nd"]
    factor_hree = p["HREE"] / ceiling["Dy"]  # processing: China 100 %, global scope only
    assert ceiling["Nd"] == pytest.approx(4.150, abs=1e-3)
    assert ceiling["Dy"] == pytest.approx(5.6676, abs=1e-4)  # 1.0^2 x WGI_scaled(CHN) x 1.0
    assert factor_lree == pytest.approx(0.8916, abs=1e-3)
    assert abs(factor_lree - factor_hree) < 0.01
    assert 0 < factor_lree <= 1 and 0 < factor_hree <= 1
    dy = select(t, material="Dy", stage="processing").iloc[0]
    assert dy["sr_basis"] == "global scope only"


def test_an_element_borrows_its_groups_eu_sourcing(ds):
    t = eu_supply_risk(ds, "EU2023", "Dy")
    eu = select(t, stage="extraction", scope="EU")
    assert len(eu) == 1 and eu["missing"].iloc[0] == "EU sourcing of HREE"


# --- economic importance ----------------------------------------------------------------


def test_economic_importance_of_terbium_by_hand(ds):
    # Tb: 90 % magnets (C25, 163,568 MEUR), 10 % lighting (C27, 89,422 MEUR);
    # scaled by the largest sector listed (C28, 204,200 MEUR); SI_EI unknown: [0, EI]
    hand = (0.9 * 163568 + 0.1 * 89422) * 10 / 204200
    ei = economic_importance(ds, "EU2023", "Tb").iloc[0]
    assert ei["ei_high"] == pytest.approx(hand) and ei["ei_low"] == 0
    assert "SI_EI" in ei["missing"] and pd.isna(ei["ei"])


def test_end_uses_without_a_sector_widen_the_range(ds):
    # Eu: 10 % lighting (C27), 90 % "other" with no sector: that 90 % counts as nothing (low)
    # or as the largest sector (high: + 10 x 0.9)
    ei = economic_importance(ds, "EU2023", "Eu").iloc[0]
    assert ei["unassigned_share"] == pytest.approx(0.9)
    assert ei["ei_high"] == pytest.approx(0.1 * 89422 * 10 / 204200 + 9.0)
    assert "sector of 90% of end uses" in ei["missing"]


def test_published_ei_lies_under_the_ceilings_of_the_groups_elements(ds):
    ei = economic_importance(ds, "EU2023").set_index("material")["ei_high"]
    p = published(ds, "EU2023").set_index("material")["EI"]
    assert p["LREE"] <= ei[["La", "Ce", "Pr", "Nd", "Sm"]].max()
    assert p["HREE"] <= ei[["Y", "Gd", "Tb", "Er"]].max()


# --- side by side -------------------------------------------------------------------------


def test_side_by_side_for_a_group(ds):
    t = side_by_side(ds, group="LREE").set_index("material")
    assert list(t.index) == ["LREE", "La", "Ce", "Pr", "Nd", "Sm"]  # Pm: no data of its own
    assert t.loc["LREE", "eu_published_sr"] == pytest.approx(3.7)
    assert t.loc["Nd", "eu_published_of"] == "LREE"
    assert t.loc["Nd", "eu_bottleneck"] == "processing"
    assert t.loc["Nd", "usgs_te_low"] == pytest.approx(0.95)  # MCS 2025: ">95 %" in 2023
    assert t.loc["Nd", "usgs_te_high"] == pytest.approx(1.0)
    with pytest.raises(ReechainError, match="not both"):
        side_by_side(ds, element="Nd", group="LREE")


def test_a_group_without_processing_shares_has_no_supply_risk_ceiling(ds):
    # the data has HREE's EU sourcing at extraction only; processing, the bottleneck of its
    # elements, could set any SR, so only the floor is given
    hree = side_by_side(ds, group="HREE").set_index("material").loc["HREE"]
    assert pd.isna(hree["eu_sr_high"]) and hree["eu_sr_low"] == 0
    assert "processing shares" in hree["eu_sr_missing"]
