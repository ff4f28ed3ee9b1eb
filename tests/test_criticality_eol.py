"""EU 2023 supply risk with the EU 2017 end-of-life recycling input rates (issue 14, section 4).

The EU2023 EoL_RIR and SI_SR rows stay missing; the 2017 study's values (Table 3 and Table 18,
doi:10.2873/876644) bound their least critical ends, so the SR range of every LREE and HREE
element no longer starts at zero. The floors are re-derived here from the CSV rows."""

from __future__ import annotations

import pytest

from reechain.analysis.criticality import eu_supply_risk, supply_risk
from reechain.analysis.criticality.common import group_elements

SOURCE_2017 = "eu-crm-2017-criticality-assessments"


def _value(ds, assessment: str, material: str, parameter: str) -> float:
    c = ds.table("criticality_inputs")
    row = c[
        (c["assessment"] == assessment)
        & (c["material"] == material)
        & (c["parameter"] == parameter)
        & c["preferred"].fillna(False).astype(bool)
    ]
    assert len(row) == 1, (assessment, material, parameter)
    return float(row["value"].iloc[0])


def _floor_by_hand(ds, material: str, gs: float, eus: float) -> float:
    """SR at the least critical corner: IR at whichever end gives less, EoL_RIR at the 2017
    rate, SI_SR at the 2017 index (both read from the CSV rows)."""
    eol = _value(ds, "EU2017", material, "EoL_RIR")
    si = _value(ds, "EU2017", material, "SI_SR")
    return min((gs * ir / 2 + eus * (1 - ir / 2)) * (1 - eol) * si for ir in (0.0, 1.0))


def test_eu2023_eol_rir_stays_missing_and_2017_rows_cite_the_2017_study(ds):
    c = ds.table("criticality_inputs")
    eol23 = c[(c["assessment"] == "EU2023") & (c["parameter"] == "EoL_RIR")]
    assert set(eol23["material"]) == {"LREE", "HREE", "Sc"}
    assert eol23["value"].isna().all() and (eol23["status"] == "missing").all()
    assert eol23["note"].str.contains("EU2017").all()

    eol17 = c[(c["assessment"] == "EU2017") & (c["parameter"] == "EoL_RIR")].set_index("material")
    assert (eol17["source_id"] == SOURCE_2017).all()
    assert eol17["note"].str.contains("Table 3").all()
    # Table 3 / Table 21 of the 2017 study: LREE 3 %, HREE 8 %, Sc 0 %; Nd 1 %, Dy 0 %
    assert eol17["value"][["LREE", "HREE", "Sc", "Nd", "Dy"]].tolist() == pytest.approx(
        [0.03, 0.08, 0.0, 0.01, 0.0]
    )
    sources = ds.table("sources").set_index("source_id")
    assert "10.2873/876644" in sources.loc[SOURCE_2017, "address"]


@pytest.mark.parametrize("group", ["LREE", "HREE"])
def test_eu2023_sr_of_the_groups_elements_starts_above_zero(ds, group):
    t = eu_supply_risk(ds, "EU2023")
    members = set(group_elements(ds, group)) - {"Pm"}  # promethium: no shares, not assessed
    rows = t[t["material"].isin(members)]
    assert set(rows["material"]) == members
    assert (rows["sr_low"] > 0).all()
    for (material, stage), part in rows.groupby(["material", "stage"]):
        part = part.set_index("scope")
        gs = part["hhi_wgi_t"].get("global", part["hhi_wgi_t"].get("EU"))
        eus = part["hhi_wgi_t"].get("EU", gs)
        hand = _floor_by_hand(ds, material, float(gs), float(eus))
        assert part["sr_low"].iloc[0] == pytest.approx(hand), (material, stage)
        assert hand > 0
        # the ceiling is unchanged: EoL_RIR at 0 and SI_SR at 1 (the most critical ends)
        ceiling = max(supply_risk(float(gs), float(eus), ir, 0.0, 1.0) for ir in (0.0, 1.0))
        assert part["sr_high"].iloc[0] == pytest.approx(ceiling), (material, stage)


def test_neodymium_processing_floor_by_hand(ds):
    # Nd (2017): EoL-RIR 1 % (Table 3), SI(SR) 0.9 (Table 18); processing HHI_WGI,t of global
    # supply and EU sourcing from the EU2023 shares; IR unknown in [0, 1]
    t = eu_supply_risk(ds, "EU2023", "Nd").set_index(["stage", "scope"])
    gs = t.loc[("processing", "global"), "hhi_wgi_t"]
    eus = t.loc[("processing", "EU"), "hhi_wgi_t"]
    hand = min(supply_risk(gs, eus, ir, 0.01, 0.9) for ir in (0.0, 1.0))
    assert t.loc[("processing", "global"), "sr_low"] == pytest.approx(hand)
    assert t.loc[("processing", "global"), "sr_high"] == pytest.approx(max(eus, (gs + eus) / 2))


def test_the_fallback_is_named_in_the_result(ds):
    t = eu_supply_risk(ds, "EU2023")
    nd = t[(t["material"] == "Nd") & (t["stage"] == "processing")].iloc[0]
    assert "EoL_RIR <= 0.01 (EU2017 Nd" in nd["sr_fallback"]
    assert "SI_SR >= 0.9 (EU2017 Nd" in nd["sr_fallback"]
    assert SOURCE_2017 in nd["sr_fallback"]
    # still missing for 2023: named as such, not read as the 2017 value
    assert "EoL_RIR" in nd["sr_missing"] and "SI_SR" in nd["sr_missing"]
    # the HREE group row has a 2017 EoL-RIR (8 %) but no group SI(SR): its floor stays 0
    hree = t[t["material"] == "HREE"].iloc[0]
    assert "EoL_RIR <= 0.08 (EU2017 HREE" in hree["sr_fallback"]
    assert "SI_SR" not in hree["sr_fallback"] and hree["sr_low"] == 0
