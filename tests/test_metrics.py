"""Concentration metrics: hand-computed cases and invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reechain import metrics

from conftest import make_flows


def test_shares_over_published_world_total():
    flows = make_flows(
        [(2024, "AAA", 60.0), (2024, "BBB", 30.0), (2024, "OTH", 10.0), (2024, "WLD", 100.0)]
    )
    s = metrics.shares(flows, "mining", 2024).set_index("group")
    assert s.loc["AAA", "share"] == pytest.approx(0.6)
    assert s.loc["BBB", "share"] == pytest.approx(0.3)
    # "other countries" is output, but not attributed to any named country
    assert s["coverage"].iloc[0] == pytest.approx(0.9)
    assert s["world_basis"].iloc[0] == "published world total"


def test_hand_computed_hhi_cr_and_n1():
    # shares 0.5, 0.3, 0.2: HHI = 2500 + 900 + 400 = 3800
    flows = make_flows(
        [(2020, "AAA", 50.0), (2020, "BBB", 30.0), (2020, "CCC", 20.0), (2020, "WLD", 100.0)]
    )
    c = metrics.concentration(metrics.shares(flows, "mining", 2020)).iloc[0]
    assert c["hhi"] == pytest.approx(3800)
    assert c["hhi_upper"] == pytest.approx(3800)
    assert c["hhi_unit"] == pytest.approx(0.38)
    assert c["cr1"] == pytest.approx(0.5)
    assert c["cr3"] == pytest.approx(1.0)
    assert c["n1_coverage"] == pytest.approx(0.5)
    assert c["top_supplier"] == "AAA"


def test_missing_share_is_a_bracket_not_a_zero():
    # 0.7 known, 0.3 withheld: lower bound 4900, upper bound 4900 + 900 = 5800
    flows = make_flows([(2021, "AAA", 70.0), (2021, "BBB", np.nan), (2021, "WLD", 100.0)])
    c = metrics.concentration(metrics.shares(flows, "mining", 2021)).iloc[0]
    assert c["hhi"] == pytest.approx(4900)
    assert c["hhi_upper"] == pytest.approx(5800)
    assert c["coverage"] == pytest.approx(0.7)
    with pytest.raises(ValueError, match="missing"):
        metrics.hhi([0.7, float("nan")])


def test_published_shares_without_tonnes():
    flows = make_flows(
        [(2023, "CHN", 0.9), (2023, "MYS", 0.05)], stage="separation", unit="fraction"
    )
    s = metrics.shares(flows, "separation", 2023)
    assert s["world_basis"].iloc[0] == "shares as published"
    assert s["value"].isna().all()
    c = metrics.concentration(s).iloc[0]
    assert c["hhi"] == pytest.approx(8100 + 25)
    assert c["hhi_upper"] == pytest.approx(8125 + 0.05**2 * 10_000)


def test_group_shares_sum_members_and_bound_the_rest():
    flows = make_flows(
        [(2024, "AAA", 50.0), (2024, "BBB", 20.0), (2024, "CCC", 10.0), (2024, "WLD", 100.0)]
    )
    g = metrics.shares(
        flows, "mining", 2024, by="group", groups={"X": ["AAA", "BBB"], "Y": ["DDD"]}
    ).set_index("group")
    assert g.loc["X", "share"] == pytest.approx(0.7)
    assert g.loc["X", "share_upper"] == pytest.approx(0.9)  # + uncovered 0.2
    assert g.loc["Y", "share"] == 0.0
    assert g.loc["Y", "members_with_data"] == 0


def test_without_world_total_no_shares_unless_asked():
    flows = make_flows([(2019, "AAA", 3.0), (2019, "BBB", 1.0)])
    # one or two reported countries are not the world
    assert metrics.shares(flows, "mining", 2019).empty
    s = metrics.shares(flows, "mining", 2019, denominator="sum").set_index("group")
    assert s.loc["AAA", "share"] == pytest.approx(0.75)
    assert "no published world total" in s["world_basis"].iloc[0]


def test_bad_grouping_is_refused():
    with pytest.raises(ValueError, match="by must be"):
        metrics.shares(make_flows([(2024, "AAA", 1.0)]), "mining", 2024, by="planet")


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(min_value=0.001, max_value=1e6, allow_nan=False), min_size=1, max_size=12)
)
def test_shares_sum_to_one_and_hhi_within_bounds(values):
    rows = [(2030, f"C{i:02d}", v) for i, v in enumerate(values)]
    s = metrics.shares(make_flows(rows), "mining", 2030, denominator="sum")
    assert s["share"].sum() == pytest.approx(1.0)
    assert (s["share"] >= 0).all()
    c = metrics.concentration(s).iloc[0]
    n = len(values)
    assert 10_000 / n - 1e-6 <= c["hhi"] <= 10_000 + 1e-6
    assert c["hhi"] == pytest.approx(metrics.hhi(s["share"]))
    assert c["cr1"] <= c["cr3"] + 1e-12 <= 1 + 1e-9


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0.0, max_value=1e5)), min_size=1, max_size=10
    ),
    st.floats(min_value=1.0, max_value=1e6),
)
def test_bracket_contains_every_completion(values, extra):
    """Whatever the missing suppliers hold, the true HHI lies in [hhi, hhi_upper]."""
    known = [v for v in values if v is not None]
    world = sum(known) + extra
    rows = [(2025, f"C{i:02d}", np.nan if v is None else v) for i, v in enumerate(values)]
    s = metrics.shares(make_flows([*rows, (2025, "WLD", world)]), "mining", 2025)
    conc = metrics.concentration(s)
    if not known:  # nothing measured: no HHI rather than a zero
        assert conc.empty
        return
    c = conc.iloc[0]
    assert c["hhi"] <= c["hhi_upper"] + 1e-9
    # two completions: the rest spread over many, or held by one
    spread = sum((v / world) ** 2 for v in known) * 10_000
    one = spread + (extra / world) ** 2 * 10_000
    assert c["hhi"] == pytest.approx(spread, abs=1e-6)
    assert c["hhi_upper"] == pytest.approx(one, abs=1e-6)
    assert not math.isnan(c["coverage"])


def test_shares_accepts_the_production_table(ds):
    # USGS MCS 2025, mine production 2024 [t REO]: China 270,000, USA 45,000, Myanmar 31,000,
    # Australia, Nigeria and Thailand 13,000 each, ...; world 390,000 (rounded)
    s = metrics.shares(ds.production, "mining", 2024).set_index("group")
    assert s.index[:3].tolist() == ["CHN", "USA", "MMR"]
    assert s.loc[["CHN", "USA", "MMR", "THA"], "value"].tolist() == [
        270_000,
        45_000,
        31_000,
        13_000,
    ]
    assert s.loc["MMR", "share"] == pytest.approx(31_000 / 390_000)
    assert (s["world"] == 390_000).all() and s.loc["OTH", "value"] == 1_100
    # the named countries add up to 392,850 t, above the rounded world total: coverage is
    # capped at 1 rather than reported as 1.007
    assert s.drop("OTH")["value"].sum() == 392_850
    assert (s["coverage"] == 1.0).all()


ROW = st.tuples(
    st.sampled_from([2020, 2021, 2022]),
    st.sampled_from(["WLD", "AAA", "BBB", "CCC", "OTH"]),
    st.one_of(st.none(), st.floats(0, 1e5)),
)


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(ROW, max_size=14), fraction_year=st.sampled_from([None, 2021]))
def test_all_years_at_once_equal_each_year_alone(rows, fraction_year):
    """Shares are computed for every year in one pass; each year must come out exactly as
    when it is asked for alone (and with published fractions in one year)."""
    flows = make_flows(rows)
    if fraction_year is not None:
        fr = make_flows([(fraction_year, "AAA", 0.6), (fraction_year, "BBB", 0.3)])
        flows = pd.concat([flows, fr.assign(unit="fraction")], ignore_index=True)
    groups = {"AB": ["AAA", "BBB"], "C": ["CCC"]}
    for den in ("world", "sum"):
        for by, kw in (("country", {}), ("group", {"groups": groups})):
            together = metrics.shares(flows, "mining", None, by=by, denominator=den, **kw)
            for year in (2020, 2021, 2022):
                alone = metrics.shares(flows, "mining", year, by=by, denominator=den, **kw)
                part = together[together["year"] == year]
                if alone.empty:
                    assert part.empty
                    continue
                pd.testing.assert_frame_equal(
                    part.reset_index(drop=True), alone.reset_index(drop=True), check_dtype=False
                )
                assert (part["share"].dropna() >= 0).all()
