"""The pages as HTML: one h1 and a heading outline, a skip link, the current page marked, a
footer with the data's version and licence; headline cards whose numbers are the analysis'
own; CSV downloads whose numbers are the charts'; tables for people (no snake_case headers,
numbers right-aligned)."""

from __future__ import annotations

import base64
import io
import json
import re
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from reechain import __version__
from reechain.analysis import outcomes
from reechain.analysis.balance import MAGNET_REE, NDPR, deposit_output
from reechain.reports.overview import overview_tables
from reechain.reports.scenario import key_figures
from reechain.web.app import create_app
from reechain.web.pages import run_payload

PAGES = {
    "/": "Overview",
    "/balance": "Element balance",
    "/scenario": "Scenario",
    "/ensembles": "Ensembles",
    "/criticality": "Criticality",
    "/demand": "Demand and stocks",
}


@pytest.fixture(scope="module")
def client(ds) -> TestClient:
    return TestClient(create_app(ds))


def cards(text: str) -> dict[str, float | None]:
    """Each headline card's label and its number (None when missing)."""
    found = re.findall(
        r"<div class='card' data-value='([^']*)'><p class='card-label'>(.*?)</p>", text
    )
    return {label: float(v) if v else None for v, label in found}


def csv_of(text: str, name: str) -> pd.DataFrame:
    """The CSV a page offers as ``name.csv``."""
    href = re.search(rf"download='{name}\.csv' href='data:text/csv;charset=utf-8,([^']*)'", text)
    assert href, f"no CSV {name}"
    return pd.read_csv(io.StringIO(unquote(href.group(1))))


def values(array) -> list:
    """A figure's array as a list (plotly writes numbers as base64 'bdata' with a dtype)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def figure_of(text: str, chart: str) -> dict:
    """The figure a page draws into ``chart``."""
    data = re.search(rf"<script type='application/json' data-chart='{chart}'>(.*?)</script>", text)
    return json.loads(data.group(1).replace("<\\/", "</"))


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_one_h1_an_outline_a_skip_link_and_a_footer(client, url) -> None:
    text = client.get(url).text
    assert len(re.findall(r"<h1[ >]", text)) == 1
    assert text.index("<a class='skip' href='#main'>") < text.index("<main id='main'")
    current = re.findall(r"<a href='([^']*)' aria-current='page'>", text)
    assert current == [url]
    assert "/static/reechain.css" in text and "<style>" not in text
    footer = re.search(r"<footer.*</footer>", text, re.S).group(0)
    assert "reechain-core v0.1.0" in footer and "CC-BY-4.0" in footer
    assert f"reechain {__version__}" in footer
    if url in ("/", "/balance", "/criticality", "/demand"):  # pages with charts: an outline
        assert len(re.findall(r"<h2[ >]", text)) >= 2


@pytest.mark.parametrize("url", ["/", "/balance", "/criticality", "/demand"])
def test_every_chart_has_a_summary_a_data_table_and_a_csv(client, url) -> None:
    text = client.get(url).text
    charts = re.findall(r"data-chart='([^']+)'", text)
    assert charts
    for chart in charts:
        section = re.search(
            rf"<section class='chart-section' aria-labelledby='h-{chart}'>.*?</section>", text, re.S
        ).group(0)
        assert re.search(rf"<p class='chart-summary' id='s-{chart}'>[^<]*\d", section), chart
        assert f"aria-describedby='s-{chart}'" in section
        assert "<details class='chart-data'><summary>Data table</summary>" in section
        assert not csv_of(section, chart).empty


@pytest.mark.parametrize("url", ["/", "/balance", "/criticality", "/demand"])
def test_tables_have_human_headers_and_right_aligned_numbers(client, url) -> None:
    text = client.get(url).text
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", text)
    assert headers and not [h for h in headers if re.search(r"[a-z]_[a-z]", h)], headers
    assert "NaN" not in text
    assert re.search(r"<td class='num'>\d{1,3}(,\d{3})+</td>", text) or url == "/balance"


def test_overview_cards_are_chinas_share_per_stage_in_its_latest_year(ds, client) -> None:
    t = overview_tables(ds)
    found = cards(client.get("/").text)
    latest = t["stage_shares"]
    for stage in ("mining", "separation", "metal", "magnet"):
        rows = latest[(latest["stage"] == stage) & (latest["group"] == "CHN")]
        year = int(rows["year"].iloc[0])
        label = next(k for k in found if k.startswith(f"China, {stage}") and f"({year})" in k)
        assert found[label] == pytest.approx(float(rows["share"].iloc[0]))


def test_the_overview_csvs_hold_the_charts_numbers(client) -> None:
    text = client.get("/").text
    stages, fig = csv_of(text, "stages"), figure_of(text, "stages")
    china = next(t for t in fig["data"] if t["name"] == "China")
    rows = stages[stages["ISO3"] == "CHN"]
    assert sorted(rows["share [%]"]) == pytest.approx(sorted(values(china["x"])), rel=1e-5)
    blocs, fig = csv_of(text, "blocs"), figure_of(text, "blocs")
    g7 = next(t for t in fig["data"] if t["name"] == "G7")
    mine = blocs[(blocs["bloc"] == "G7") & blocs["year"].isin(values(g7["x"]))].sort_values("year")
    shown = [None if pd.isna(v) else pytest.approx(v, rel=1e-5) for v in mine["share [%]"]]
    assert shown == values(g7["y"])  # a gap (None) where no member has data, in both
    world = csv_of(text, "map")
    assert world["share [%]"].sum() == pytest.approx(
        sum(values(figure_of(text, "map")["data"][0]["z"]))
    )


def test_balance_cards_are_the_balances_totals(ds, client) -> None:
    text = client.get("/balance", params={"deposit": "mountain-pass", "tonnes": 20000}).text
    res = deposit_output(ds, "mountain-pass", 20000)
    found = cards(text)
    ndpr = found["NdPr oxide"]
    assert ndpr == pytest.approx(res.total(NDPR)) or ndpr is None
    assert found["Magnet rare earths (Nd, Pr, Tb, Dy)"] in (
        pytest.approx(res.total(MAGNET_REE)),
        None,
    )
    elements = csv_of(text, "elements")
    assert elements["oxide [t REO]"].tolist() == pytest.approx(
        res.table["oxide_t"].tolist(), rel=1e-5
    )


def test_an_amount_not_itemised_is_a_dash_or_a_lower_bound_never_zero(ds, client) -> None:
    for deposit in ("bayan-obo", "fen", "beylikova", "mount-weld"):
        res = deposit_output(ds, deposit, 10_000)
        card = cards(client.get("/balance", params={"deposit": deposit}).text)["NdPr oxide"]
        if res.upper(NDPR) - res.total(NDPR) < 0.5:
            assert card == pytest.approx(res.total(NDPR))
        elif res.total(NDPR) < 0.5:  # nothing itemised: unknown, not 0 t
            assert card is None
        else:  # a lower bound
            assert card == pytest.approx(res.total(NDPR))


def card_texts(text: str) -> dict[str, tuple[str, str]]:
    """Each headline card's label, its shown value and its note."""
    found = re.findall(
        r"<p class='card-label'>(.*?)</p><p class='card-value'>(.*?)</p>"
        r"(?:<p class='card-change'>.*?</p>)?<p class='card-note'>(.*?)</p>",
        text,
    )
    return {label: (value, note) for label, value, note in found}


def test_a_split_summing_above_100_percent_leaves_nothing_not_itemised(ds, client) -> None:
    assert deposit_output(ds, "beylikova", 10_000).unassigned_t < 0  # 100.001 % itemised
    text = client.get("/balance", params={"deposit": "beylikova"}).text
    assert cards(text)["TREO not itemised"] == 0.0
    assert card_texts(text)["TREO not itemised"][0] == "0.0 %"
    for deposit in ("beylikova", "bayan-obo", "mount-weld"):  # never below 0, no float noise
        shown = card_texts(client.get("/balance", params={"deposit": deposit}).text)
        assert not shown["TREO not itemised"][0].startswith("-"), deposit
        assert "e-" not in shown["TREO not itemised"][0], deposit


def test_no_treo_has_no_largest_element_nor_share(client) -> None:
    text = client.get("/balance", params={"deposit": "mountain-pass", "tonnes": 0}).text
    found, shown = cards(text), card_texts(text)
    assert found["Largest element"] is None and found["TREO not itemised"] is None
    assert shown["Largest element"] == ("–", "TREO is 0 t: no element is largest")
    assert shown["TREO not itemised"][0] == "–" and "TREO is 0 t" in shown["TREO not itemised"][1]
    assert not any(label.startswith("Largest element:") for label in found)


@pytest.mark.parametrize("tonnes", ["1e308", "1.0000001e12", "inf", "nan", "-1"])
def test_tonnes_beyond_the_bound_is_a_422_page_naming_it(client, tonnes) -> None:
    from reechain.engine.scenario import MAX_QUANTITY
    from reechain.web.pages.balance import MAX_TONNES

    assert MAX_TONNES == MAX_QUANTITY
    r = client.get("/balance", params={"deposit": "mount-weld", "tonnes": tonnes})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "tonnes: must be a number from 0 to 1,000,000,000,000 t REO" in r.text
    assert not re.search(r"\b(inf|nan)\b", r.text, re.I)


def test_tonnes_at_the_bound_prints_no_inf_or_nan(client) -> None:
    r = client.get("/balance", params={"deposit": "mount-weld", "tonnes": "1e12"})
    assert r.status_code == 200
    assert "max='1000000000000'" in r.text  # the form says the bound too
    assert not re.search(r"\b(inf|nan)\b", r.text, re.I)
    assert "492,000,000,000 t" in card_texts(r.text)["Largest element: Ce"][0]


def test_scenario_cards_are_the_runs_numbers(ds, turkiye, turkiye_baseline) -> None:
    payload = run_payload(ds, turkiye, turkiye_baseline)
    found = cards(payload["cards_html"])
    year = turkiye.scenario.horizon
    shares = outcomes.country_shares(turkiye, "separation")
    tur = shares[(shares["group"] == "TUR") & (shares["year"] == year)]["share"].iloc[0]
    assert found[f"Türkiye&#x27;s share of world separation ({year})"] == pytest.approx(tur)
    figures = key_figures(turkiye, turkiye_baseline, ds)
    cov = figures["coverage"]
    row = cov[(cov["region"] == "TUR") & (cov["year"] == year)].iloc[0]
    lowest = min(row[f"{e}_coverage"] for e in ("Pr", "Nd"))  # Dy and Tb: unknown
    label = f"Türkiye&#x27;s magnet demand covered by its projects ({year})"
    assert found[label] == pytest.approx(lowest)
    needs = figures["needs"]
    top = needs.loc[needs["needed"].idxmax()]
    assert found[f"Largest element shortfall ({year}): {top['element']}"] == pytest.approx(
        top["needed"]
    )
    sankey = payload["charts"][0]
    frame = pd.read_csv(
        io.StringIO(unquote(re.search(r"charset=utf-8,([^']*)'", sankey["html"]).group(1)))
    )
    assert frame["flow [t]"].tolist() == pytest.approx(
        values(sankey["figure"]["data"][0]["link"]["value"]), rel=1e-5
    )
    assert "_" not in "".join(re.findall(r"<th[^>]*>([^<]*)</th>", payload["tables_html"]))


def test_dy_and_tb_of_a_borrowed_split_are_unknown_not_zero(ds, turkiye, turkiye_baseline) -> None:
    """Beylikova's ore split, borrowed from Mountain Pass, itemises neither Dy nor Tb: the card
    and the tables say unknown and why, never 0 %, and name the limit among known elements."""
    payload = run_payload(ds, turkiye, turkiye_baseline)
    card = re.search(r"covered by its projects.*?</div>", payload["cards_html"]).group(0)
    assert (
        "Dy, Tb: unknown (Beylikova&#x27;s split, borrowed from Mountain Pass, does not "
        "itemise them)" in card
    )
    assert "the lowest of the known elements limits" in card
    assert not re.search(r"(Dy|Tb) 0 %", card)
    assert not re.search(r"<p class='card-value'>(Dy|Tb)", card)
    tables = payload["tables_html"]
    coverage = csv_of(tables, "coverage")
    heavy = coverage[coverage["element"].isin(["Dy", "Tb"])]
    assert heavy["coverage [× need]"].isna().all()
    assert heavy["projects' output [t oxide]"].isna().all()
    assert heavy["note"].str.contains("borrowed from Mountain Pass, does not itemise").all()
    light = coverage[coverage["element"].isin(["Pr", "Nd"])]
    assert light["coverage [× need]"].notna().all() and light["note"].isna().all()
    projects = csv_of(tables, "projects")
    assert projects["Dy [t]"].isna().all() and projects["Tb [t]"].isna().all()
    assert (projects["Nd [t]"] > 0).any()


def test_demand_and_criticality_cards_come_from_their_analysis(ds, client) -> None:
    from reechain.analysis.demand import demand_paths, scenario_for

    paths = demand_paths(ds, scenario_for(2040))
    found = cards(client.get("/demand", params={"year": 2030}).text)
    total = paths.loc[paths["year"] == 2030, "value"].sum()
    assert found["World magnet demand (2030)"] == pytest.approx(total)
    crit = cards(client.get("/criticality").text)
    assert crit["Rated critical by the EU (published, by 2023)"] >= 1
    assert 0 < crit["Highest GeoPolRisk of rare earth imports (2023)"] <= 1


def _loads_plotly(text: str) -> bool:
    """Whether a page loads plotly.js (or charts.js, which needs it)."""
    return bool(re.search(r"<script[^>]*src='/static/(plotly[^']*|charts\.js)'", text))


@pytest.mark.parametrize("url", ["/", "/balance", "/criticality", "/demand", "/scenario"])
def test_pages_with_charts_load_plotly(client, url) -> None:
    assert _loads_plotly(client.get(url).text), url  # /scenario: for its results


@pytest.mark.parametrize("url", ["/ensembles", "/balance?deposit=no-such-deposit", "/no-such-page"])
def test_pages_without_charts_load_no_plotly(client, url) -> None:
    text = client.get(url).text
    assert "<main" in text, url
    assert not _loads_plotly(text), url
    assert "window.PLOTLY_CONFIG" not in text


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/no-such-page", 404, "There is no page at /no-such-page."),
        ("/criticality?year=abc", 422, "year: Input should be a valid integer"),
        ("/demand?year=1990", 422, "year: Input should be greater than or equal to 2024"),
    ],
)
def test_a_page_error_is_a_page_in_the_sites_frame(client, url, status, says) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    text = r.text
    assert "<header class='site-header'>" in text and "<footer class='site-footer'>" in text
    assert len(re.findall(r"<h1[ >]", text)) == 1
    assert says in text
    assert "<a href='/'>Go to the overview</a>" in text


@pytest.mark.parametrize("url", ["/api/no-such-route", "/api/tables/no-such-table"])
def test_an_api_error_stays_json(client, url) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert "<html" not in r.text


def test_the_ensembles_form_starts_within_the_limits_and_asks_for_the_key(ds, client) -> None:
    from reechain.web.common import MAX_SAMPLES

    text = client.get("/ensembles").text
    assert "<form id='ens-form'>" in text and "/static/ensembles.js" in text
    assert f"max='{MAX_SAMPLES}'" in text and "id='ens-key'" not in text
    examples = json.loads(
        re.search(r"id='ens-examples'>(.*?)</script>", text).group(1).replace("<\\/", "</")
    )
    assert next(iter(examples)) == "turkiye-beylikova-ensemble.yaml"  # uncertain inputs first
    keyed = TestClient(create_app(ds, api_key="k")).get("/ensembles").text
    assert "<label for='ens-key'>API key</label>" in keyed and "behind its API key" in keyed


EVIL = "<script>alert(1)</script>"


def _without_figures(text: str) -> str:
    """A page without its figures' JSON (tested on their own: test_figure_json_...)."""
    return re.sub(r"<script type='application/json'[^>]*>.*?</script>", "", text, flags=re.S)


def test_the_datas_notes_are_escaped_on_the_criticality_page(ds, monkeypatch) -> None:
    from reechain.analysis import criticality as crit
    from reechain.web import pages

    real = crit.geopolrisk_table
    monkeypatch.setattr(
        crit, "geopolrisk_table", lambda *a, **k: real(*a, **k).assign(notes=f"note {EVIL}")
    )
    text = _without_figures(pages.criticality(ds, 2023, "USA"))
    assert "<p class='note'>note &lt;script&gt;alert(1)&lt;/script&gt;</p>" in text
    assert "<script>alert" not in text


def test_names_and_titles_from_a_users_package_are_escaped_on_every_page(ds) -> None:
    from reechain.data.dataset import Dataset
    from reechain.web import pages

    tables = dict(ds._tables)
    for name, columns in {
        "countries": ["name"],
        "deposits": ["name"],
        "sources": ["title", "publisher"],
    }.items():
        tables[name] = tables[name].assign(
            **{c: tables[name][c].astype(str) + EVIL for c in columns}
        )
    evil = Dataset(schema=ds.schema, _tables=tables, packages=ds.packages)
    for text, names_data in (
        (pages.overview(evil), True),
        (pages.balance(evil, "mount-weld", 10_000), True),
        (pages.balance(evil, "no-such-deposit", 10_000), True),
        (pages.criticality(evil, 2023, "USA"), True),
        (pages.demand(evil, 2030), False),
    ):
        shown = _without_figures(text)
        assert ("&lt;script&gt;alert(1)" in shown) is names_data
        assert "<script>alert" not in shown


TRICKY = "<!--<script>a & b</script> <\\/script>"


def _tricky_chart():
    import plotly.graph_objects as go

    from reechain.web.pages.parts import Chart

    fig = go.Figure(
        go.Bar(x=[TRICKY, "b"], y=[1, 2], name=TRICKY),
        layout={"title": {"text": TRICKY}, "xaxis": {"title": {"text": TRICKY}}},
    )
    return Chart("t", fig, pd.DataFrame({"region": [TRICKY, "b"], "value [t]": [1, 2]}), TRICKY)


def test_a_figures_json_in_its_script_round_trips_and_ends_where_it_should() -> None:
    from reechain.web.pages.parts import chart_section, untitled

    chart = _tricky_chart()
    text = chart_section(chart)
    opening = "<script type='application/json' data-chart='t'>"
    start = text.index(opening) + len(opening)
    end = text.index("</script", start)
    content = text[start:end]
    assert not {"<", ">", "&"} & set(content)  # nothing the HTML parser reads as markup
    assert json.loads(content) == json.loads(untitled(chart.fig).to_json())
    assert text[end:].startswith("</script><div class='chart-tools'>")
    assert figure_of(text, "t")["data"][0]["name"] == TRICKY


def test_the_ensemble_forms_examples_round_trip(monkeypatch) -> None:
    from reechain.web.pages import ensemble_form

    texts = {"a.yaml": f"name: {TRICKY}\n", "b.yaml": "name: b\n"}
    monkeypatch.setattr(ensemble_form, "examples", lambda: texts)
    text = ensemble_form.start_form(needs_key=False)
    opening = "<script type='application/json' id='ens-examples'>"
    start = text.index(opening) + len(opening)
    end = text.index("</script", start)
    assert not {"<", ">", "&"} & set(text[start:end])
    assert json.loads(text[start:end]) == texts
    assert text[end:] == "</script></section>"
