"""The scenario report's first page: its numbers are the run's (recomputed here from the result
tables, not through the summary's own functions), the borrowed-split caveat appears when and only
when a project's ore split is a proxy, the stamp is there and its hash follows the scenario; the
sections come in order, the summary before any chart, and no 'nan' is shown."""

from __future__ import annotations

import dataclasses
import html
import re
import types

import pandas as pd
import pytest

from reechain.engine.scenario import Scenario
from reechain.engine.tables import result_tables
from reechain.reports import summary
from reechain.reports.scenario import write_report
from reechain.reports.sections import SECTIONS, _bound_prices
from reechain.reports.summary.answers import _price_answer
from reechain.reports.summary.prices import china_setters

from conftest import TURKIYE

LAST = 2035


@pytest.fixture(scope="module")
def report(turkiye, turkiye_baseline, ds, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(turkiye, ds, path, turkiye_baseline)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def found(turkiye, turkiye_baseline, ds) -> summary.Findings:
    return summary.findings(turkiye, turkiye_baseline, ds)


@pytest.fixture(scope="module")
def first_page(report) -> str:
    """The summary's visible text."""
    start = report.index("<section id='summary'")
    return visible(report[start : report.index("</section>", start)])


def visible(page: str) -> str:
    """A page's text as a reader sees it: no scripts, no tags, entities decoded."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def shares(res, stage: str, year: int):
    """Each region's share of world output of ``stage`` [fraction], from the run's tables:
    separation counted as the feed separated (capacity use), the rest from production."""
    if stage == "separation":
        cu = res.capacity_use
        by = cu[(cu["stage"] == stage) & (cu["year"] == year)].groupby("region")["used"].sum()
    else:
        p = result_tables(res.result)["production"]
        p = p[(p["stage"] == stage) & (p["year"] == year)]
        by = p[p["material"] == "TREO"] if stage == "mining" else p
        by = by.groupby("region")["value"].sum()
    return by / by.sum()


def test_shares_of_the_project_country_are_the_runs(found, turkiye, turkiye_baseline, first_page):
    rows = found.shares.set_index("year")
    assert list(rows.index) == [2031, LAST]  # Beylikova's first full year and the horizon
    for year in (2031, LAST):
        now = shares(turkiye, "separation", year)["TUR"]
        then = shares(turkiye_baseline, "separation", year).get("TUR", 0.0)
        assert rows.loc[year, "scenario"] == pytest.approx(now, abs=1e-9)
        assert rows.loc[year, "baseline"] == pytest.approx(then, abs=1e-9)
        assert summary.pct(now) in first_page and summary.pct(then) in first_page
    assert now == pytest.approx(10_000 / shares_total(turkiye, LAST))


def shares_total(res, year: int) -> float:
    cu = res.capacity_use
    return cu[(cu["stage"] == "separation") & (cu["year"] == year)]["used"].sum()


def test_china_and_hhi_per_stage_are_the_runs(found, turkiye, turkiye_baseline, first_page):
    stages = found.stages.set_index("stage")
    for stage in ("mining", "separation", "metal", "magnet"):
        now, then = shares(turkiye, stage, LAST), shares(turkiye_baseline, stage, LAST)
        assert stages.loc[stage, "china"] == pytest.approx(now["CHN"], abs=1e-9)
        assert stages.loc[stage, "china_baseline"] == pytest.approx(then["CHN"], abs=1e-9)
        assert stages.loc[stage, "hhi"] == pytest.approx(((100 * now) ** 2).sum(), rel=1e-9)
        assert f"{summary.pct(now['CHN'])} (baseline {summary.pct(then['CHN'])}" in first_page
    sep = shares(turkiye, "separation", LAST)
    assert f"HHI of separation is {((100 * sep) ** 2).sum():,.0f}" in first_page


def test_coverage_of_turkish_magnets_by_element(found, turkiye, first_page):
    cov = found.coverage.set_index("element")
    p = result_tables(turkiye.result)["production"]
    made = p[(p["stage"] == "separation") & (p["region"] == "TUR") & (p["year"] == LAST)]
    made = made.groupby("material")["value"].sum()
    for element in ("Pr", "Nd"):  # Beylikova is Türkiye's only separator: its oxide is TUR's
        assert cov.loc[element, "output"] == pytest.approx(made[element], rel=1e-6)
        need = cov.loc[element, "need"]
        assert cov.loc[element, "coverage"] == pytest.approx(made[element] / need)
        assert f"{summary.times(cov.loc[element, 'coverage'])} in {element}" in first_page
    # the borrowed split itemises neither Dy nor Tb: unknown, never 0 %
    assert cov.loc[["Dy", "Tb"], "coverage"].isna().all()
    assert "Dy and Tb: unknown, not zero" in first_page
    unmet = turkiye.unmet
    short = unmet[(unmet["region"] == "TUR") & (unmet["year"] == LAST)]["unmet"].sum()
    assert f"{summary.tonnes(short)} t of Türkiye's" in first_page
    assert found.unmet.iloc[0]["demand"] == pytest.approx(300)  # 150,000 cars x 2 kg


def test_largest_surplus_shortfall_and_prices_are_the_runs(found, turkiye, first_page):
    tables = result_tables(turkiye.result)
    s = tables["surplus"]
    by = s[s["year"] == LAST].groupby("material")["value"].sum().sort_values(ascending=False)
    assert found.surplus.iloc[0]["element"] == by.index[0] == "Ce"
    assert f"The largest surplus is Ce: {summary.tonnes(by.iloc[0])} t REO" in first_page
    prices = tables["prices"]
    china = prices[(prices["region"] == "CHN") & (prices["year"] == LAST)]
    china = china[china["form"] == "oxide"].set_index("material")["value"]
    shadow = found.prices.set_index("element")["shadow"]
    for element in ("Pr", "Nd", "Dy", "Tb"):
        assert shadow[element] == pytest.approx(china[element], rel=1e-9)
        assert f"{element} {summary.usd_per_kg(china[element])}" in first_page
    tb = found.needs.set_index("element").loc["Tb"]
    observed = summary.observed_prices(turkiye).set_index("element")["price"]
    assert tb["multiple"] == pytest.approx(china["Tb"] / observed["Tb"], rel=1e-9)
    scarce = f"the scarcest is Tb, whose shadow price in China is {summary.times(tb['multiple'])}"
    assert scarce in first_page
    assert "not market prices" in first_page and "A Tb gap no plant closes" in first_page


def with_feed(res, deposit: str, composition: str | None):
    """The run with its project's feed changed (the caveats read only the scenario)."""
    data = res.scenario.model_dump(by_alias=True, exclude_none=True)
    data["events"][0]["feed"] = {"deposit": deposit, "composition": composition}
    return dataclasses.replace(res, scenario=Scenario.model_validate(data))


def test_borrowed_split_caveat_when_and_only_when_a_proxy(turkiye, ds, first_page):
    assert (
        "Beylikova's element split is borrowed from Mountain Pass "
        "(mountain-pass-mp-10k-2021-inferred); its Dy/Tb coverage is therefore unknown, not zero"
    ) in first_page
    own = with_feed(turkiye, "araxa", "araxa-cetem-monazite-2020")  # Araxá's own reported split
    assert not summary.borrowed_splits(own.scenario, ds)["proxy"].any()
    assert not any("element split" in c for c in summary.caveats(own, ds))
    proxy = with_feed(turkiye, "beylikova", None)  # its own split, a proxy of other deposits'
    said = [c for c in summary.caveats(proxy, ds) if "element split" in c]
    assert len(said) == 1 and "is a proxy" in said[0] and "Dy and Tb output rests" in said[0]


def test_stamp_and_hash(turkiye, ds, first_page):
    from reechain import __version__

    st = summary.stamp(turkiye.scenario, ds)
    assert f"reechain {__version__}" in first_page and st.day in first_page
    assert f"{ds.schema.name} v{ds.schema.version}" in first_page
    assert "Scenario sha256:" in first_page and st.scenario_hash in first_page
    text = TURKIYE.read_text(encoding="utf-8")
    same = Scenario.from_text("# a comment\n" + text)
    bigger = Scenario.from_text(text.replace("value: 10000", "value: 12000"))
    assert summary.scenario_hash(same) == summary.scenario_hash(turkiye.scenario)
    assert summary.scenario_hash(bigger) != summary.scenario_hash(turkiye.scenario)
    assert re.fullmatch(r"[0-9a-f]{64}", st.scenario_hash)


def test_sections_in_order_summary_first_and_no_nan(report):
    places = [report.index(f"<section id='{key}'") for key in SECTIONS]
    assert places == sorted(places)
    assert places[0] < report.index('class="plotly-graph-div"')  # summary before the first chart
    assert report.index("<nav class='toc'") < places[1]
    text = visible(report)
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    assert "unknown" in text and "Secondary: read via" in text
    # the scenario as written, its comments kept
    assert "No element split of Beylikova is public" in text


def test_the_heavy_coverage_says_unknown_for_output_the_split_does_not_itemise(ds, turkiye):
    """Beylikova's borrowed split does not itemise Dy or Tb: its output of them is unknown
    (NaN, shown '–'), not 0 t, while its Pr and Nd output is known."""
    from reechain.reports.summary.shortfalls import demand_coverage

    cov = demand_coverage(turkiye, ds, turkiye.scenario.horizon).set_index("element")
    for e in ("Dy", "Tb"):
        assert cov.loc[e, "output"] != cov.loc[e, "output"]  # NaN
        assert cov.loc[e, "coverage"] != cov.loc[e, "coverage"]
        assert "not itemised" in cov.loc[e, "why"]
    for e in ("Pr", "Nd"):
        assert cov.loc[e, "output"] > 0 and cov.loc[e, "why"] == ""


def test_bound_shadow_prices_are_marked_in_the_summary_and_the_prices_section():
    """A price set by the surplus floor or a choke is a bound: the summary marks it beside its
    number and says what the marks mean; the prices section names run, year and element; a
    year in months is a bound if any month is; a price set by demand is not marked."""
    rows = [
        (2025, "CHN", "oxide", "Tb", 13_600.0, "surplus"),
        (2025, "CHN", "oxide", "Dy", 129_700.0, "demand"),
        (2025, "JPN", "oxide", "Dy", 400_000.0, "choke"),  # not China's
        (2030, "CHN", "oxide", "Nd", 55_500.0, "demand"),
    ]
    columns = ["year", "region", "kind", "item", "price", "set_by"]
    run = types.SimpleNamespace(prices=pd.DataFrame(rows, columns=columns))
    assert china_setters(run, 2025).to_dict() == {"Dy": "demand", "Tb": "surplus"}
    months = [
        (202501, "CHN", "oxide", "Dy", 1.0, "demand"),
        (202502, "CHN", "oxide", "Dy", 1.0, "choke"),
    ]
    monthly = types.SimpleNamespace(prices=pd.DataFrame(months, columns=columns))
    assert china_setters(monthly, 2025).to_dict() == {"Dy": "choke"}  # 202501: January 2025
    assert china_setters(
        types.SimpleNamespace(prices=run.prices.drop(columns="set_by")), 2025
    ).empty

    caption = _bound_prices(run, None, [2025, 2030], ["Dy", "Tb", "Nd"])
    assert "Tb 2025: surplus floor" in html.unescape(caption)
    assert "Dy" not in caption and "Nd" not in caption
    assert _bound_prices(run, None, [2030], ["Nd"]) == ""

    prices = pd.DataFrame(
        [
            ("Tb", 808_000.0, 13_600.0, 1_618_000.0, "surplus", "chain"),
            ("Dy", 260_000.0, 129_700.0, 213_300.0, "demand", "demand"),
        ],  # fmt: skip
        columns=["element", "observed", "shadow", "shadow_baseline", "set_by", "set_by_baseline"],
    )
    said = _price_answer(types.SimpleNamespace(prices=prices, years=[2025]))
    assert "Tb 13.6 (at the surplus floor) (baseline 1,618)" in said
    assert "Dy 130 (baseline 213)" in said
    assert "bounds, not estimates (surplus floor: oxide nobody buys" in said
