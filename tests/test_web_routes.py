"""The app's routers: every area mounted, and a wrong method names the ones the path allows;
the pages' and reports' chart config, the API docs' own files, the ensemble and balance pages
in states that used to fail."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest
from fastapi.testclient import TestClient

from reechain.ensemble.store import Store
from reechain.reports.ensemble import ensemble_figures, tables
from reechain.reports.overview import write_overview
from reechain.reports.page import PLOTLY_CONFIG, figure_sections
from reechain.web.app import create_app


@pytest.fixture(scope="module")
def client(ds) -> TestClient:
    return TestClient(create_app(ds))


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("delete", "/api/tables", "GET, HEAD"),
        ("put", "/api/ensembles", "GET, HEAD, POST"),
        ("get", "/api/runs", "POST"),
        ("post", "/criticality", "GET, HEAD"),
    ],
)
def test_a_wrong_method_answers_405_with_the_allowed_ones(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    r = getattr(client, method)(path)
    assert r.status_code == 405
    assert r.headers["allow"] == allow


def test_every_area_is_mounted(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    tags = {op["tags"][0] for path in paths.values() for op in path.values()}
    assert tags == {"data", "analytics", "demand", "scenarios", "ensembles"}
    assert "/" not in paths  # the pages are not part of the API description
    assert client.get("/static/scenario.js").status_code == 200


def _send_to_cloud_flags(text: str) -> list[str]:
    """The ``showSendToCloud`` of every chart's config that Python wrote as JSON (plotly.js,
    inlined in a report, names it too, unquoted: that is the library, not a config)."""
    return re.findall(r'"showSendToCloud": ?(\w+)', text)


def test_the_reports_charts_have_no_share_button(ds, tmp_path) -> None:
    removed_buttons = PLOTLY_CONFIG["modeBarButtonsToRemove"]
    figs = [go.Figure(go.Bar(x=["a"], y=[1])), go.Figure(go.Scatter(x=[1], y=[2]))]
    sections = "".join(figure_sections(figs))
    overview = write_overview(ds, tmp_path / "overview.html").read_text(encoding="utf-8")
    for text, charts in ((sections, 2), (overview, 3)):
        assert _send_to_cloud_flags(text) == ["false"] * charts
        removed = re.findall(r'"modeBarButtonsToRemove": (\[.*?\])', text)
        assert [json.loads(r) for r in removed] == [removed_buttons] * charts
        assert {"sendChartToCloud", "lasso2d", "select2d"} <= set(json.loads(removed[0]))
    assert PLOTLY_CONFIG["showSendToCloud"] is False  # to_html was given a copy


def test_the_pages_draw_with_the_reports_config(client: TestClient) -> None:
    text = client.get("/").text
    config = json.loads(re.search(r"window\.PLOTLY_CONFIG=(\{.*?\});</script>", text).group(1))
    assert config == {**PLOTLY_CONFIG, "responsive": True, "topojsonURL": "/static/topojson/"}
    assert "window.PLOTLY_CONFIG" in client.get("/static/charts.js").text
    assert "reechainDraw" in client.get("/static/scenario.js").text  # charts.js draws its charts


def test_the_api_docs_load_only_this_servers_files(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert "default-src 'self'" in r.headers["content-security-policy"]
    linked = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assets = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")
    assert sorted(linked) == sorted(f"/static/docs/{a}" for a in assets)
    for url in linked:
        assert client.get(url).status_code == 200
    assert client.get("/redoc").url.path == "/docs"  # ReDoc's bundle calls a CDN: not offered


def test_an_ensemble_without_a_finished_sample_says_so(ds, tmp_path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    run_id = store.create_run("Empty", "name: Empty", 1, "random", 4, False, "1", "0", [])
    assert ensemble_figures(tables(store, run_id)) == []
    r = TestClient(create_app(ds, store=store.path)).get("/ensembles", params={"run": run_id})
    assert r.status_code == 200
    assert f"No sample of run {run_id} has finished with a result yet" in r.text


def test_the_balance_lists_every_deposit_and_asks_for_a_composition_where_needed(
    ds, client: TestClient
) -> None:
    text = client.get("/balance").text
    deposits = re.search(r"<select id='deposit'.*?</select>", text, re.S).group(0)
    listed = re.findall(r"<option value='([^']+)'", deposits)
    assert set(listed) == set(ds.table("deposits")["deposit_id"])
    without = {"kvanefjeld", "tanbreez", "norra-karr"}
    for name in ("Kvanefjeld", "Tanbreez", "Norra Kärr"):
        assert re.search(rf"{name}[^<]*\(pick a composition\)</option>", deposits), name
    compositions = re.search(r"<select id='composition'.*?</select>", text, re.S).group(0)
    assert set(re.findall(r"<option value='([^']+)'", compositions)) == set(
        ds.table("compositions")["composition_id"]
    )
    for deposit in listed:  # every deposit gives a balance, or asks for a composition
        page = client.get("/balance", params={"deposit": deposit}).text
        assert "class='problems'" not in page, deposit
        assert ("NdPr oxide" in page) != (deposit in without), deposit
        if deposit in without:
            assert "pick a composition" in page
            chosen = client.get(
                "/balance", params={"deposit": deposit, "composition": "monazite-giti-xbt104-2000"}
            ).text
            assert "NdPr oxide" in chosen and "monazite-giti-xbt104-2000" in chosen
