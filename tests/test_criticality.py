"""EU criticality: the published shares reproduce by hand; SR is never computed from missing
inputs."""

from __future__ import annotations

import pytest

from reechain.criticality import EI_THRESHOLD, SR_THRESHOLD, eu_supply_risk, published, wgi_scaled


def test_processing_hhi_of_neodymium_from_the_published_shares(ds):
    # EU 2023, Nd processing (LREE): China 84.9 %, Malaysia 10.5 %, Russia 1.9 %, India 1.6 %,
    # Viet Nam 1.0 %, Australia 0.1 %, Norway 0.1 %
    hand = 0.849**2 + 0.105**2 + 0.019**2 + 0.016**2 + 0.010**2 + 0.001**2 + 0.001**2
    t = eu_supply_risk(ds, "EU2023", "Nd").set_index(["stage", "scope"])
    assert t.loc[("processing", "global"), "hhi"] == pytest.approx(hand)
    assert t.loc[("processing", "global"), "share_sum"] == pytest.approx(1.001)


def test_hhi_wgi_t_by_hand_and_missing_governance_named(ds):
    t = eu_supply_risk(ds, "EU2023", "Nd").set_index(["stage", "scope"])
    row = t.loc[("processing", "global")]
    w = wgi_scaled(ds, 2022)
    # every listed supplier has t = 1.0; Norway has no WGI row in the data: named, left out
    hand = sum(
        s**2 * w[c]
        for c, s in (
            ("CHN", 0.849),
            ("MYS", 0.105),
            ("RUS", 0.019),
            ("IND", 0.016),
            ("VNM", 0.010),
            ("AUS", 0.001),
        )
    )
    assert row["hhi_wgi_t"] == pytest.approx(hand)
    assert "WGI of NOR" in row["missing"]
    # China's governance on the 0-10 scale: 2 x (2.5 - WGI)
    assert 0 < w["CHN"] < 10 and w["CHN"] > w["AUS"]


def test_sr_is_not_computed_without_its_inputs(ds):
    t = eu_supply_risk(ds, "EU2023")
    assert t["sr"].isna().all()
    assert (t["sr_missing"].str.contains("IR")).all()


def test_published_verdicts(ds):
    p = published(ds, "EU2023").set_index("material")
    assert p.loc["LREE", "SR"] == pytest.approx(3.7) and p.loc["LREE", "EI"] == pytest.approx(5.9)
    assert p.loc["HREE", "critical"]
    assert SR_THRESHOLD == 1.0 and EI_THRESHOLD == 2.8
    with pytest.raises(Exception, match="unknown assessment"):
        eu_supply_risk(ds, "EU1999")
