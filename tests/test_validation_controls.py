"""validation/controls_2025.py: its arithmetic on hand-made frames, and its observed figures."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).parents[1]
VALIDATION = ROOT / "validation"
OBSERVED = VALIDATION / "controls_2025.csv"
SOURCES = ROOT / "src" / "reechain" / "data" / "embedded" / "sources.csv"
RESEARCH = ROOT / "research" / "magnets-and-2025"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, VALIDATION / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load("controls_2025")

COLUMNS = ["year", "stage", "material", "origin", "destination", "value", "unit"]


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def prices(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "region", "kind", "item", "price"])


@pytest.fixture
def magnets() -> pd.DataFrame:
    t = "t magnet"
    return frame(
        [
            (2024, "magnet", "NdFeB", "CHN", "USA", 30.0, t),  # total row: never summed
            (2024, "magnet", "NdFeB:N42", "CHN", "USA", 20.0, t),
            (2024, "magnet", "NdFeB:EH", "CHN", "USA", 10.0, t),
            (2024, "magnet", "NdFeB:N42", "CHN", "DEU", 5.0, t),
            (2024, "magnet", "NdFeB:N42", "CHN", "CHN", 500.0, t),  # domestic
            (2024, "magnet", "NdFeB:N42", "CHN", None, 535.0, t),  # production
            (2024, "magnet", "NdFeB:N42", "JPN", "USA", 7.0, t),  # not China's
            (2025, "magnet", "NdFeB", "CHN", "USA", 12.0, t),
            (2025, "magnet", "NdFeB:N42", "CHN", "USA", 12.0, t),
            (2025, "magnet", "NdFeB:GBD", "CHN", "DEU", 4.0, t),
            (2025, "magnet", "NdFeB:N42", "CHN", "DEU", 2.0, t),
        ]
    )


def test_china_magnet_exports_sum_the_grades_to_every_destination_but_china(magnets):
    world = script.china_magnet_exports(magnets)
    assert world.to_dict() == {2024: 35.0, 2025: 18.0}  # 20 + 10 + 5; 12 + 4 + 2
    usa = script.china_magnet_exports(magnets, "USA")
    assert usa.to_dict() == {2024: 30.0, 2025: 12.0}


def test_magnet_exports_by_grade(magnets):
    grades = script.magnet_exports_by_grade(magnets, 2025)
    assert grades.to_dict() == {"GBD": 4.0, "N42": 14.0}


def test_element_exports_add_oxide_and_metal_shipped_out_of_china():
    flows = frame(
        [
            (2025, "separation", "Dy", "CHN", "ROW", 10.0, "t REO"),
            (2025, "separation", "Dy", "CHN", "JPN", 1.5, "t REO"),
            (2025, "metal", "Dy", "CHN", "JPN", 2.0, "t metal"),
            (2025, "metal", "Dy", "CHN", "CHN", 100.0, "t metal"),  # domestic
            (2025, "separation", "Dy", "CHN", None, 900.0, "t REO"),  # production
            (2025, "separation", "Dy", "MYS", "JPN", 3.0, "t REO"),  # not China's
            (2025, "separation", "Tb", "CHN", "JPN", 4.0, "t REO"),  # another element
            (2024, "metal", "Dy", "CHN", "KOR", 8.0, "t metal"),
        ]
    )
    dy = script.element_exports(flows, "Dy")
    assert dy.loc[2025].to_dict() == {"oxide": 11.5, "metal": 2.0, "oxide + metal": 13.5}
    assert dy.loc[2024].to_dict() == {"oxide": 0.0, "metal": 8.0, "oxide + metal": 8.0}


def test_world_separated_reads_the_world_row():
    flows = frame(
        [
            (2024, "separation", "Dy", "WLD", None, 50.0, "t REO"),
            (2024, "separation", "Dy", "CHN", None, 45.0, "t REO"),
            (2024, "separation", "Dy", "WLD", "USA", 1.0, "t REO"),
            (2025, "separation", "Dy", "WLD", None, 60.0, "t REO"),
        ]
    )
    assert script.world_separated(flows, 2024, "Dy") == 50.0


def test_yoy_is_the_percent_change_and_nan_without_a_base():
    assert script.yoy(pd.Series({2024: 100.0, 2025: 65.0}), 2025) == pytest.approx(-35.0)
    assert script.yoy(pd.Series({2024: 58152.0, 2025: 57392.0}), 2025) == pytest.approx(
        -1.3069, abs=1e-4
    )
    assert math.isnan(script.yoy(pd.Series({2024: 0.0, 2025: 5.0}), 2025))
    assert math.isnan(script.yoy(pd.Series({2025: 5.0}), 2025))


def test_a_ratio_resting_on_a_bound_says_which():
    """A ratio whose prices are set by the surplus floor or a choke says so, run by run; one of
    1 (the region priced as China) does not name the region's magnets."""
    rows = [
        (2025, "CHN", "oxide", "Tb", 13.6, "surplus"),
        (2025, "CHN", "metal", "Tb", 26.4, "chain"),
        (2025, "JPN", "metal", "Tb", 59_400.0, "chain"),
        (2025, "JPN", "magnet", "EH", 868.6, "choke"),
        (2025, "JPN", "magnet", "N42", 43.9, "demand"),
    ]
    with_ = pd.DataFrame(rows, columns=["year", "region", "kind", "item", "price", "set_by"])
    without = with_.assign(set_by="demand")
    ratio = script.price_ratio(with_, 2025, "metal", "Tb", "JPN")
    places = script.element_places("Tb", "JPN", ratio)
    note = script.with_bounds("n", with_, without, 2025, places, places)
    assert note == (
        "n; with control: CHN Tb oxide at the surplus floor, JPN EH magnet at the choke price"
    )
    same = script.element_places("Tb", "JPN", 1.0)
    assert script.bounds_note(with_, 2025, same) == "CHN Tb oxide at the surplus floor"
    assert script.bounds_note(with_.drop(columns="set_by"), 2025, places) == ""
    assert script.with_bounds("", without, without, 2025, places, places) == ""


def test_price_ratio_divides_shadow_prices_and_skips_non_positive_ones():
    p = prices(
        [
            (2025, "CHN", "metal", "Tb", 100.0),
            (2025, "JPN", "metal", "Tb", 134.0),
            (2025, "DEU", "metal", "Tb", 0.0),
            (2025, "CHN", "oxide", "Dy", -100.0),
            (2025, "JPN", "oxide", "Dy", 50.0),
            (2024, "JPN", "metal", "Tb", 999.0),
        ]
    )
    assert script.price_ratio(p, 2025, "metal", "Tb", "JPN") == pytest.approx(1.34)
    assert script.price_ratio(p, 2025, "metal", "Tb", "CHN", base_region="JPN") == pytest.approx(
        100 / 134
    )
    assert math.isnan(script.price_ratio(p, 2025, "metal", "Tb", "DEU"))  # zero dual
    assert math.isnan(script.price_ratio(p, 2025, "metal", "Tb", "USA"))  # no row
    assert math.isnan(script.price_ratio(p, 2025, "oxide", "Dy", "JPN"))  # negative base
    assert math.isnan(script.price_ratio(p, 2024, "metal", "Tb", "JPN"))  # no CHN in 2024


@pytest.fixture
def observed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric": ["exports", "exports", "ratio", "ratio", "ceiling"],
            "scope": ["CHN to world"] * 2 + ["Europe / China domestic"] * 2 + ["China"],
            "period": ["2024", "2025", "2025-05", "2025-07", "2025"],
            "value": [58152.0, 57392.0, math.nan, 3.6, math.nan],
            "low": [math.nan, math.nan, 3.2, math.nan, math.nan],
            "high": [math.nan, math.nan, 4.5, math.nan, 7000000.0],
            "note": ["reported", "reported", "DERIVED: 700 / 220 = 3.2", "", "reported"],
        }
    )


def test_observed_figure_gives_a_value_a_range_or_several_periods(observed):
    assert script.observed_figure(observed, "exports", "CHN to world", "2025") == "57,392"
    assert script.observed_figure(observed, "ratio", "Europe / China domestic", "2025-05") == (
        "3.2-4.5 (DERIVED)"
    )
    both = script.observed_figure(observed, "ratio", "Europe / China domestic", "2025-05;2025-07")
    assert both == "3.2-4.5 (2025-05, DERIVED); 3.6 (2025-07)"
    assert script.observed_figure(observed, "ceiling", "China", "2025") == "<=7,000,000"
    assert script.observed_figure(observed, "exports", "CHN to USA", "2025") == "not found"
    assert script.observed_figure(observed, "", "", "") == "not found"


def test_model_change_is_percent_for_tonnes_points_for_percents_difference_for_ratios():
    assert script.model_change(63.0, 100.0, "t") == "-37.0 %"
    assert script.model_change(-11.3, 4.9, "%") == "-16.2 pp"
    assert script.model_change(1.34, 1.0, "ratio") == "+0.34"
    assert script.model_change(0.0, 0.0, "t") == "n/a"
    assert script.model_change(math.nan, 1.0, "ratio") == "n/a"


def test_side_by_side_puts_the_observed_figure_beside_both_runs(observed):
    modelled = pd.DataFrame(
        [
            script.row("exports 2025", "t", ("exports", "CHN to world", "2025"), 51.0, 60.0, "x"),
            script.row("ratio", "ratio", ("ratio", "Europe / China domestic", "2025-07"), 1.5, 1.0),
            script.row("tonnage", "t", None, 3.0, 4.0),
        ]
    )
    table = script.side_by_side(observed, modelled)
    assert list(table.columns) == [
        "metric",
        "observed",
        "model (with control)",
        "model without control",
        "model change",
        "note",
    ]
    assert table["metric"].tolist() == ["exports 2025 [t]", "ratio [ratio]", "tonnage [t]"]
    assert table["observed"].tolist() == ["57,392", "3.6", "not found"]
    assert table["model change"].tolist() == ["-15.0 %", "+0.50", "-25.0 %"]
    assert table["note"].tolist() == ["x", "", ""]


def test_model_metrics_on_hand_made_runs(magnets):
    control = magnets[~((magnets["year"] == 2025) & (magnets["destination"] == "USA"))]
    control_prices = prices(
        [
            (2025, "CHN", "metal", "Dy", 100.0),
            (2025, "JPN", "metal", "Dy", 300.0),
            (2025, "DEU", "metal", "Dy", 0.0),
            (2025, "CHN", "magnet", "EH", 100.0),
            (2025, "DEU", "magnet", "EH", 120.0),
        ]
    )
    reference_prices = prices(
        [
            (2025, "CHN", "metal", "Dy", 100.0),
            (2025, "JPN", "metal", "Dy", 100.0),
            (2025, "CHN", "magnet", "EH", 100.0),
            (2025, "DEU", "magnet", "EH", 100.0),
        ]
    )
    m = script.model_metrics(control, control_prices, magnets, reference_prices).set_index("metric")
    assert m.loc["China magnet exports, USA, 2025", ["with", "without"]].tolist() == [0.0, 12.0]
    assert m.loc["China magnet exports, world, y/y 2025", "with"] == pytest.approx(
        (6 / 35 - 1) * 100
    )
    assert m.loc["Dy metal shadow price, JPN/CHN, 2025", ["with", "without"]].tolist() == [
        3.0,
        1.0,
    ]
    assert "Dy metal shadow price, DEU/CHN, 2025" not in m.index  # no price in either run
    assert m.loc["EH magnet shadow price, DEU/CHN, 2025", "with"] == pytest.approx(1.2)
    assert math.isnan(m.loc["Tb metal shadow price, JPN/CHN, 2025", "with"])
    assert m.loc["China Dy exports (oxide + metal), 2025", "with"] == 0.0


def test_render_gives_a_markdown_table_with_units_by_row():
    table = pd.DataFrame(
        {
            "metric": ["a [t]", "b [%]", "c [ratio]"],
            "observed": ["1", "2", "3"],
            "model (with control)": [51602.4, -11.34, math.nan],
            "model without control": [61027.0, 4.9, 1.004],
            "model change": ["", "", ""],
            "note": ["", "", ""],
        }
    )
    lines = script.render(table).splitlines()
    assert lines[0].startswith("| metric | observed | model (with control) |")
    assert lines[1] == "| --- | --- | --- | --- | --- | --- |"
    assert lines[2] == "| a [t] | 1 | 51,602 | 61,027 |  |  |"
    assert lines[3] == "| b [%] | 2 | -11.3 | +4.9 |  |  |"
    assert lines[4] == "| c [ratio] | 3 | n/a | 1.00 |  |  |"


# --- the observed figures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return pd.read_csv(OBSERVED, dtype={"period": str})


def test_every_observed_figure_cites_its_source(figures):
    cited = figures[["source_id", "citation", "address", "reliability"]]
    assert cited.notna().all().all()
    assert set(figures["reliability"]) <= {"high", "medium", "low"}
    assert (figures["value"].notna() | figures["low"].notna() | figures["high"].notna()).all()


def test_every_source_id_is_in_the_dataset_or_cited_with_an_address_here(figures):
    known = set(pd.read_csv(SOURCES)["source_id"])
    single = figures[~figures["source_id"].str.contains(";")]
    here = dict(zip(single["source_id"], single["address"], strict=True))
    for ids in figures["source_id"]:
        for source_id in ids.split(";"):
            assert source_id in known or here.get(source_id, "").startswith("http"), source_id


def test_derived_figures_state_their_formula_and_monthly_ones_say_so(figures):
    derived = figures[figures["note"].str.contains("DERIVED")]
    assert len(derived) >= 5
    assert derived["note"].str.contains("=").all()
    monthly = figures[figures["metric"].str.contains("monthly")]
    assert monthly["note"].str.startswith("MONTHLY").all()
    assert ((monthly["period"] == "2025-05") & (monthly["value"] == -74)).any()


def test_derived_figures_follow_from_the_reported_ones(figures):
    def value(metric, scope, period):
        rows = figures[
            (figures["metric"] == metric)
            & (figures["scope"] == scope)
            & (figures["period"] == period)
        ]
        assert len(rows) == 1, (metric, scope, period)
        return rows.iloc[0]

    world = [value("china_magnet_exports", "CHN to world", y)["value"] for y in ("2024", "2025")]
    yoy = value("china_magnet_exports_yoy", "CHN to world", "2025")["value"]
    assert (world[1] / world[0] - 1) * 100 == pytest.approx(yoy, abs=0.05)
    usa_2025 = value("china_magnet_exports", "CHN to USA", "2025")["value"]
    usa_yoy = value("china_magnet_exports_yoy", "CHN to USA", "2025")["value"]
    usa_2024 = value("china_magnet_exports", "CHN to USA", "2024")["value"]
    assert usa_2025 / (1 + usa_yoy / 100) == pytest.approx(usa_2024, abs=0.5)
    fx = value("fx_cny_per_usd", "CNY/USD", "2025-08-28")["value"]
    tb = value("tb_oxide_price_ratio", "Europe / China domestic", "2025-07")
    assert 3625 / (7000 / fx) == pytest.approx(tb["low"], abs=0.005)
    assert 3625 / (5800 / fx) == pytest.approx(tb["high"], abs=0.05)
    dy = value("dy_oxide_price_ratio", "Europe / China domestic", "2025-07")["value"]
    assert 800 / (1612.5 / fx) == pytest.approx(dy, abs=0.05)


def test_reported_export_figures_are_copied_from_the_research_files(figures):
    research = pd.read_csv(RESEARCH / "exports_2025.csv", dtype={"period": str})
    reported = figures[
        figures["metric"].str.contains("exports")
        & ~figures["note"].str.contains("DERIVED")
        & ~figures["source_id"].str.contains(";")
        & figures["unit"].isin(["t", "kg"])
        & (figures["source_id"] != "adamas-2025-01-china-magnet-exports-2024")
    ]
    assert len(reported) >= 8
    for _, r in reported.iterrows():
        match = research[
            (research["source_id"] == r["source_id"])
            & (research["period"] == r["period"])
            & (research["value"] == r["value"])
        ]
        assert len(match), (r["metric"], r["period"], r["value"])
