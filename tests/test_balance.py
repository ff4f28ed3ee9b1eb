"""Element-by-element output of a deposit (the balance problem)."""

from __future__ import annotations

import pytest

from reechain.analysis.balance import deposit_output
from reechain.errors import ReechainError, UnknownNameError


def test_mountain_pass_split_by_hand(ds):
    # MP Materials 10-K FY2021: Ce 50.2 %, La 32.3 %, Pr+Nd 15.7 % of TREO
    res = deposit_output(ds, "mountain-pass", 10_000)
    t = res.table.set_index("element")
    assert t.loc["Ce", "oxide_t"] == pytest.approx(5020)
    assert t.loc["La", "oxide_t"] == pytest.approx(3230)
    assert res.ndpr_t == pytest.approx(1570)
    assert not res.choice.borrowed
    # CeO2 -> Ce: 140.116 / (140.116 + 2 x 15.999) = 0.8141
    assert t.loc["Ce", "metal_t"] == pytest.approx(5020 * 0.8141, rel=1e-3)
    assert res.unassigned_t == pytest.approx(0, abs=1e-6)
    assert "mp-materials-10k-2021" in set(res.sources["source_id"])


def test_full_split_monazite_sums_to_the_tonnage(ds):
    res = deposit_output(ds, "mount-weld", 1000)
    assert res.choice.borrowed
    assert res.table["oxide_t"].sum() + res.unassigned_t == pytest.approx(1000)
    t = res.table.set_index("element")
    assert res.magnet_ree_t == pytest.approx(t.loc[["Pr", "Nd", "Tb", "Dy"], "oxide_t"].sum())


def test_beylikova_borrows_and_says_so(ds):
    res = deposit_output(ds, "beylikova", 10_000)
    assert res.choice.borrowed
    assert "no published element split" in res.choice.reason
    assert "assumption" in res.choice.reason
    assert res.table["oxide_t"].sum() == pytest.approx(10_000, rel=1e-3)


def test_surplus_is_not_guessed_without_a_market_split(ds):
    res = deposit_output(ds, "mountain-pass", 100)
    assert res.surplus_elements == []
    assert any("surplus not assessed" in n for n in res.notes)


def test_bad_input(ds):
    with pytest.raises(UnknownNameError, match="unknown deposit 'beylikoa'.*beylikova"):
        deposit_output(ds, "beylikoa", 10)
    with pytest.raises(ReechainError, match="non-negative"):
        deposit_output(ds, "beylikova", -1)
    with pytest.raises(UnknownNameError, match="unknown composition"):
        deposit_output(ds, "beylikova", 10, composition_id="nope")


def test_upper_bound_counts_lumped_groups_and_unitemised_treo(ds):
    # Mountain Pass lumps Tb and Dy into 'Y+Sm+...+Lu' (1.8 %): the magnet REE are 1,570 t or more
    res = deposit_output(ds, "mountain-pass", 10_000)
    assert res.magnet_ree_t == pytest.approx(1570)
    assert res.upper(("Pr", "Nd", "Tb", "Dy")) == pytest.approx(1750)
    assert res.upper(("Pr", "Nd")) == pytest.approx(res.ndpr_t)  # Pr+Nd itemised: exact
    # only Ce itemised: NdPr is between 0 and the 5,000 t left unassigned, not 0
    zhang = deposit_output(ds, "bayan-obo", 10_000, composition_id="bayan-obo-zhang-2016")
    assert zhang.ndpr_t == 0
    assert zhang.upper(("Pr", "Nd")) == pytest.approx(5000)
