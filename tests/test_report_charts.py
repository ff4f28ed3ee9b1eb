"""The report charts draw what their titles and legends say: dash styles named, never 'whichever
comes first'; one colour per country in every chart; a bloc's missing share a gap, not 0 %; and
the element balance's missing values 'unknown', '≥' or '–', never 0 t or NaN."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from reechain.analysis.balance import deposit_output
from reechain.reports import plot, tables
from reechain.reports.scenario import scenario_figures


def _hhi_frame() -> pd.DataFrame:
    """Two stages over two years, the scenario's rows first (as scenario_figures builds it)."""
    rows = [
        (stage, run, year, hhi)
        for run in ("scenario", "baseline")
        for stage, hhi in (("mining", 5000.0), ("separation", 8000.0))
        for year in (2025, 2030)
    ]
    return pd.DataFrame(rows, columns=["stage", "run", "year", "hhi"])


def _traces(fig) -> dict[str, object]:
    return {t.name: t for t in fig.data}


def test_hhi_lines_scenario_solid_baseline_dashed_one_colour_per_stage():
    fig = plot.lines(
        _hhi_frame(), "year", "hhi", "stage", "HHI", "HHI", dash="run", solid="scenario"
    )
    t = _traces(fig)
    for stage in ("Mining", "Separation"):
        scenario, baseline = t[f"{stage} (scenario)"], t[f"{stage} (baseline)"]
        assert scenario.line.dash == "solid"
        assert baseline.line.dash == "dash"
        assert scenario.line.color == baseline.line.color
    assert t["Mining (scenario)"].line.color != t["Separation (scenario)"].line.color


def test_the_solid_value_does_not_depend_on_row_order():
    frame = _hhi_frame().iloc[::-1]
    fig = plot.lines(frame, "year", "hhi", "stage", "HHI", "HHI", dash="run", solid="scenario")
    assert _traces(fig)["Mining (scenario)"].line.dash == "solid"
    assert _traces(fig)["Mining (baseline)"].line.dash == "dash"


def test_a_dash_column_needs_its_solid_value():
    with pytest.raises(ValueError, match="solid"):
        plot.lines(_hhi_frame(), "year", "hhi", "stage", "HHI", "HHI", dash="run")


def test_price_lines_china_solid_others_dashed_distinctly():
    prices = pd.DataFrame(
        [
            (item, region, year, 1.0)
            for region in ("JPN", "CHN", "USA", "DEU")
            for item in ("Nd", "Dy")
            for year in (2025, 2030)
        ],
        columns=["item", "region", "year", "price"],
    )
    fig = plot.lines(
        prices, "year", "price", "item", "prices", "USD/t", dash="region", solid="CHN",
        names={"CHN": "China"},
    )  # fmt: skip
    t = _traces(fig)
    assert t["Nd (China)"].line.dash == "solid"
    others = {t[f"Nd ({r})"].line.dash for r in ("JPN", "USA", "DEU")}
    assert "solid" not in others and len(others) == 3
    assert t["Nd (China)"].line.color == t["Nd (JPN)"].line.color


def test_price_lines_single_out_bound_points():
    """Points with a note (a price that is a bound) are drawn as an x with the note on hover;
    the others as circles with no text."""
    prices = pd.DataFrame(
        [("Tb", "CHN", 2025, 13.6, "surplus floor"), ("Tb", "CHN", 2030, 38.9, None)],
        columns=["item", "region", "year", "price", "bound"],
    )
    fig = plot.lines(prices, "year", "price", "item", "prices", "USD/t", note="bound")
    trace = fig.data[0]
    assert list(trace.marker.symbol) == ["x", "circle"]
    assert list(trace.text) == ["surplus floor", ""]
    assert "%{text}" in trace.hovertemplate
    assert plot.lines(prices, "year", "price", "item", "p", "USD/t").data[0].text is None


def test_scenario_figures_match_their_titles(turkiye, turkiye_baseline):
    figs = scenario_figures(turkiye, turkiye_baseline, {"CHN": "China", "TUR": "Türkiye"})
    by_title = {f.layout.title.text: f for f in figs}
    hhi = next(f for title, f in by_title.items() if title.startswith("HHI by stage"))
    assert "scenario (solid)" in hhi.layout.title.text
    colours: dict[str, set] = {}
    for trace in hhi.data:
        stage, run = trace.name.rsplit(" (", 1)
        assert trace.line.dash == ("solid" if run == "scenario)" else "dash")
        colours.setdefault(stage, set()).add(trace.line.color)
    assert len(colours) > 1 and all(len(c) == 1 for c in colours.values())
    prices = next(f for title, f in by_title.items() if title.startswith("Shadow price"))
    china = [t for t in prices.data if t.name.endswith("(China)")]
    assert china and all(t.line.dash == "solid" for t in china)
    assert all(t.line.dash != "solid" for t in prices.data if t not in china)
    shares = next(f for title, f in by_title.items() if title.startswith("Separation: shares"))
    assert _traces(shares)["China"].line.color == plot.country_colour("CHN")


def test_a_country_has_one_colour_in_every_chart():
    stage = pd.DataFrame(
        {
            "stage": ["mining"] * 3,
            "year": [2024] * 3,
            "group": ["CHN", "USA", "MMR"],
            "share": [0.6, 0.12, 0.1],
        }
    )
    bars = plot.stage_shares_bar(stage, names={"CHN": "China", "USA": "United States"})
    shares = pd.DataFrame(
        {"year": [2025, 2025, 2030], "country": ["USA", "CHN", "CHN"], "share": [0.1, 0.7, 0.6]}
    )
    lines = plot.lines(shares, "year", "share", "country", "shares", "%", percent=True)
    fan = pd.DataFrame({"year": [2025], "region": ["CHN"], "p5": [0.5], "p50": [0.6], "p95": [0.7]})
    fans = plot.fan_chart(fan, "region", "fans", "%")
    bar_colours = {t.name: t.marker.color for t in bars.data}
    line_colours = {t.name: t.line.color for t in lines.data}
    china = plot.country_colour("CHN")
    assert bar_colours["China"] == line_colours["CHN"] == china
    assert bar_colours["United States"] == line_colours["USA"] == plot.country_colour("USA")
    assert fans.data[1].line.color == china
    assert china != plot.country_colour("USA")


def test_fallback_colours_are_stable_and_names_come_from_the_dataset(ds):
    assert plot.country_colour("ZWE") == plot.country_colour("ZWE")
    assert plot.country_colour("ZWE") in plot.FALLBACK_COLOURS
    names = plot.country_names(ds.table("countries"))
    assert names["CHN"] == "China"
    assert names["USA"] == "United States"
    assert names["BOL"] == "Bolivia"  # the official name's parentheses dropped


def _bloc_frame() -> pd.DataFrame:
    """G7 known in 2024, no member data in 2025; MSP founded 2022, no member data in 2025."""
    rows = [
        ("G7", 2021, 0.10, 0.12, 2),
        ("G7", 2024, 0.115, 0.115, 2),
        ("G7", 2025, 0.0, 0.244, 0),
        ("MSP", 2021, 0.0, 0.204, 0),
        ("MSP", 2024, 0.156, 0.156, 4),
        ("MSP", 2025, 0.0, 0.244, 0),
    ]
    return pd.DataFrame(
        rows, columns=["group", "year", "share", "share_upper", "members_with_data"]
    )


def test_bloc_lines_break_where_no_member_has_data():
    fig = plot.group_share_lines(_bloc_frame(), "blocs", founded={"G7": 1975, "MSP": 2022})
    g7 = fig.data[0]
    assert g7.name == "G7"
    y = dict(zip(g7.x, g7.y, strict=True))
    assert y[2024] == pytest.approx(11.5)
    assert y[2025] is None or math.isnan(y[2025])  # unknown, not 0 %
    upper = next(t for t in fig.data if t.name == "G7 upper bound")
    for trace in (g7, upper):
        hover = dict(zip(trace.x, trace.text, strict=True))[2025]
        assert hover.startswith("G7 2025: no member data") and "0.0 %" not in hover


def test_bloc_band_runs_from_share_to_share_upper():
    fig = plot.group_share_lines(_bloc_frame(), "blocs", founded={"G7": 1975, "MSP": 2022})
    upper = next(t for t in fig.data if t.name == "G7 upper bound")
    lower = next(t for t in fig.data if t.name == "G7 range")
    assert list(upper.y) == pytest.approx([12.0, 11.5, 24.4])
    assert list(lower.y) == pytest.approx([10.0, 11.5, 0.0])
    assert lower.fill == "tonexty"
    assert [t.name for t in fig.data[:2]] == ["G7", "MSP"]  # lines first: the toggles' indices


def test_a_bloc_starts_at_its_founding():
    fig = plot.group_share_lines(_bloc_frame(), "blocs", founded={"G7": 1975, "MSP": 2022})
    assert all(min(t.x) >= 2022 for t in fig.data if t.legendgroup == "MSP")
    unfounded = plot.group_share_lines(_bloc_frame(), "blocs")
    assert min(unfounded.data[1].x) == 2021  # without founding years: every year, gaps only


def test_founding_years_from_the_membership_table(ds):
    founded = plot.founding_years(ds.table("bloc_membership"))
    assert founded["MSP"] == 2022
    assert founded["BRICS"] == 2009


def test_balance_headline_never_says_zero_for_what_is_not_itemised(ds):
    res = deposit_output(ds, "bayan-obo", 10_000, composition_id="bayan-obo-zhang-2016")
    assert res.ndpr_t == 0  # only Ce is itemised
    line = tables.balance_headline(res)
    assert "0 t" not in line.replace("5,000 t", "")
    assert "NdPr oxide: unknown (50.0 % of TREO not itemised" in line


def test_balance_headline_gives_a_lower_bound_for_a_lumped_group(ds):
    res = deposit_output(ds, "beylikova", 10_000, composition_id="mountain-pass-mp-10k-2021")
    line = tables.balance_headline(res)
    assert "NdPr oxide: 1,570 t;" in line  # Pr+Nd is itemised: exact
    assert "magnet rare earths (Nd, Pr, Tb, Dy): ≥ 1,570 t" in line
    assert "Tb, Dy inside the lumped group" in line


def test_a_small_unitemised_share_is_not_printed_as_zero_percent(ds):
    """Mount Weld's split leaves 0.37 % of TREO unassigned: said as 0.37 %, never '0 %'."""
    res = deposit_output(ds, "mount-weld", 10_000)
    share = 100 * res.unassigned_t / res.treo_t
    assert 0 < share < 1
    line = tables.balance_headline(res)
    assert f"{share:.2g} % of TREO not itemised" in line and "(0 %" not in line


def test_balance_table_shows_a_dash_never_nan(ds):
    res = deposit_output(ds, "beylikova", 10_000, composition_id="mountain-pass-mp-10k-2021")
    out = tables.balance_table_html(res)
    assert "NaN" not in out and "nan" not in out
    assert f"<td class='num' style='{tables.NUMBER_STYLE}'>–</td>" in out
    assert "metal [t metal]" in out and "oxide [t REO]" in out
    assert "3,230" in out  # La oxide with a thousands separator
    assert "never zero" in out


def test_balance_table_shows_the_unitemised_rest(ds):
    res = deposit_output(ds, "bayan-obo", 10_000, composition_id="bayan-obo-zhang-2016")
    out = tables.balance_table_html(res)
    assert "not itemised" in out and out.count("5,000") == 2


def test_cell_formats():
    assert tables.tonnes(float("nan")) == "–"
    assert tables.tonnes(None) == "–"
    assert tables.tonnes(4600.0) == "4,600"
    assert tables.tonnes(0.6) == "0.6"
    assert tables.percent(0.04) == "0.04"
    assert tables.percent(50.0) == "50.0"
    assert tables.text(pd.NA) == "–"
