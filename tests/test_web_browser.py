"""End to end in a real browser: Playwright drives Debian's Chromium (headless, no download)
against the app served by uvicorn on a free local port. Screenshots go to ``test-artifacts/``.

Skipped with a reason when no Chromium is installed (``apt-get install chromium``); CI installs it.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest
import uvicorn

from reechain.web.app import create_app

playwright = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).parents[1] / "test-artifacts"
CHROMIUM = os.environ.get("REECHAIN_CHROMIUM") or shutil.which("chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium: apt-get install chromium (or set REECHAIN_CHROMIUM)"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(ds, tmp_path_factory):
    port = _free_port()
    app = create_app(ds, store=tmp_path_factory.mktemp("browser") / "runs.duckdb")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > end:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@contextlib.contextmanager
def offline_page(browser, server: str, **options):
    """A page of a new browser context (``options``: viewport, touch...) that may only talk to
    our server (the dashboard must work offline); on leaving, no JavaScript error and no
    outside request, or the test fails."""
    context = browser.new_context(**options)
    outside: list[str] = []

    def offline(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # a page that breaks the server's Content-Security-Policy fails too
    pg.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert not outside, f"requests left the server: {outside}"


@pytest.fixture
def page(browser, server):
    """A laptop-sized page (1366x900) that may only talk to our server."""
    with offline_page(browser, server, viewport={"width": 1366, "height": 900}) as pg:
        yield pg


MIN_SCREENSHOT_BYTES = 15_000  # the smallest page (404, phone) is about 40 kB


def screenshot(pg, name: str) -> Path:
    """The whole page as ``test-artifacts/<name>.png``, checked to exist and to hold more than
    a blank page."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    path.unlink(missing_ok=True)
    pg.screenshot(path=path, full_page=True)
    size = path.stat().st_size if path.is_file() else 0
    assert size > MIN_SCREENSHOT_BYTES, f"{path}: {size} bytes"
    return path


def _visible_traces(page, div_id: str) -> list:
    return page.evaluate(
        f"Array.from(document.getElementById('{div_id}').data).map(t => t.visible)"
    )


def test_overview_shows_charts_and_bloc_toggle_changes_the_chart(server, page):
    page.goto(server + "/")
    assert page.title().startswith("Who controls")
    for div in ("stages", "map", "hhi", "blocs"):
        page.wait_for_selector(f"#{div} .main-svg")
    before = _visible_traces(page, "blocs")
    assert all(v in (None, True) for v in before)
    toggle = page.get_by_label("G7")
    toggle.focus()  # keyboard-reachable
    page.keyboard.press("Space")
    after = _visible_traces(page, "blocs")
    names = page.evaluate("document.getElementById('blocs').data.map(t => t.name)")
    groups = page.evaluate("document.getElementById('blocs').data.map(t => t.legendgroup)")
    assert after[names.index("G7")] is False
    assert sum(v is False for v in after) == 3  # the line and its band's two edges
    assert {g for g, v in zip(groups, after, strict=True) if v is False} == {"G7"}
    assert "hide=G7" in page.url  # the state is in the address: a reload keeps it
    page.reload()
    page.wait_for_selector("#blocs .main-svg")
    page.wait_for_function("document.getElementById('blocs').data.some(t => t.visible === false)")
    assert _visible_traces(page, "blocs")[names.index("G7")] is False
    assert not page.get_by_label("G7").is_checked()
    screenshot(page, "overview")


def test_scenario_page_validates_live_and_runs_the_turkiye_scenario(server, page):
    page.goto(server + "/scenario")
    box = page.get_by_label("Scenario")
    text = box.input_value()
    assert "Beylikova" in text
    box.fill(text.replace("horizon: 2035", "horizon: 1990"))
    page.wait_for_selector("#problems.problems")
    assert "horizon" in page.inner_text("#problems")
    box.fill(text)
    page.wait_for_selector("#problems.ok")
    page.get_by_role("button", name="Run the scenario").click()
    page.wait_for_selector("#fig0 .main-svg", timeout=120_000)
    trace = page.evaluate("document.getElementById('fig0').data[0]")
    assert trace["type"] == "sankey"
    buttons = page.locator("#results .modebar-btn")
    titles = buttons.evaluate_all("bs => bs.map(b => b.dataset.title)")
    assert titles and not any("Share" in t for t in titles)  # scenario.js: the pages' config
    assert any("Türkiye" in label for label in trace["node"]["label"])  # names, not codes
    assert "baseline" in page.inner_text("#results")
    screenshot(page, "scenario")


def test_balance_page_form_is_labelled_and_shows_ndpr(server, page):
    page.goto(server + "/balance")
    page.get_by_label("TREO [t]").fill("20000")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#elements .main-svg")
    assert "NdPr oxide" in page.inner_text("main")


def test_criticality_page_draws_ranges_and_takes_an_importer(server, page):
    page.goto(server + "/criticality")
    for div in ("srei", "srranges", "gpr"):
        page.wait_for_selector(f"#{div} .main-svg")
    ranges = page.evaluate("document.getElementById('srranges').data.map(t => t.type)")
    assert ranges == ["bar", "scatter"]  # computed ranges and the published scores
    page.get_by_label("Importer (USGS-style trade exposure)").select_option("JPN")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#srranges .main-svg")
    assert "importer=JPN" in page.url
    assert "trade exposure of JPN" in page.inner_text("main")
    screenshot(page, "criticality")


def test_demand_page_draws_demand_by_end_use(server, page):
    page.goto(server + "/demand?year=2030")
    page.wait_for_selector("#demand .main-svg")
    names = page.evaluate("document.getElementById('demand').data.map(t => t.name)")
    assert {"ev_traction_motor", "wind_turbine", "industrial_motor"} <= set(names)


def test_json_in_a_script_ends_where_it_should_in_the_browser(browser, monkeypatch):
    """Text holding ``<!--<script>`` (a scenario's or a region's name, an example's YAML) stays
    inside its own ``<script>`` in a real HTML parser, and parses to the same value: a chart's
    figure and the ensemble form's examples."""
    import json

    from reechain.web.pages import ensemble_form
    from reechain.web.pages.parts import chart_section, untitled
    from test_web_pages import TRICKY, _tricky_chart

    chart = _tricky_chart()
    texts = {"a.yaml": f"name: {TRICKY}\n"}
    monkeypatch.setattr(ensemble_form, "examples", lambda: texts)
    body = chart_section(chart) + "<p id='between'>between</p>" + ensemble_form.start_form(False)
    pg = browser.new_page()
    try:
        pg.set_content(f"<!doctype html><html><body><main>{body}<p id='after'>after</p></main>")
        assert pg.locator("script[type='application/json']").count() == 2
        figure = pg.evaluate("JSON.parse(document.querySelector('script[data-chart]').text)")
        assert figure == json.loads(untitled(chart.fig).to_json())
        following = "document.querySelector('script[data-chart]').nextElementSibling.className"
        assert pg.evaluate(following) == "chart-tools"
        assert pg.evaluate("JSON.parse(document.getElementById('ens-examples').text)") == texts
        assert pg.locator("main > #between").inner_text() == "between"
        assert pg.locator("main > #after").inner_text() == "after"
    finally:
        pg.close()


MODEBAR_MAX_BUTTONS = 3  # a keyboard user tabs through these on every chart


def _click_every_modebar_button(page, div_id: str) -> list[str]:
    """Click each modebar button of a chart (hovering it first, as a mouse user would), and
    confirm what a button asks to confirm (plotly.js's "Share chart" dialog); return the
    buttons' titles."""
    chart = page.locator(f"#{div_id}")
    buttons = chart.locator(".modebar-btn")
    titles = []
    for i in range(buttons.count()):
        chart.hover()
        button = buttons.nth(i)
        titles.append(button.get_attribute("data-title"))
        button.click()
        confirm = chart.locator(".plotly-cloud-dialog-btn--confirm")
        if confirm.count():
            confirm.click()
    return titles


def test_every_modebar_button_stays_on_this_server(server, page):
    """No "Share chart" (it uploads the figure to Plotly's cloud), a short modebar, and no
    button sends a request elsewhere (the ``page`` fixture fails on any)."""
    page.goto(server + "/")
    for div in ("stages", "map", "hhi", "blocs"):
        page.wait_for_selector(f"#{div} .main-svg")
        titles = _click_every_modebar_button(page, div)
        assert "Download plot as a PNG" in titles[0], titles
        assert len(titles) <= MODEBAR_MAX_BUTTONS, titles
        assert not any("Share" in t or "Cloud" in t for t in titles), titles
    page.wait_for_timeout(500)  # a popup's request would be routed (and logged) by now


def test_api_docs_render_offline(server, page):
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 10
    assert "/api/tables" in page.inner_text("#swagger-ui")


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
PAGES = ("/", "/balance", "/scenario", "/ensembles", "/criticality", "/demand", "/no-such-page")


@pytest.fixture
def phone(browser, server):
    """A phone-sized page (390x844, touch) that may only talk to our server."""
    with offline_page(browser, server, viewport=PHONE, has_touch=True, is_mobile=True) as pg:
        yield pg


@pytest.fixture
def desktop(browser, server):
    """A desktop-sized page (1440x900) that may only talk to our server."""
    with offline_page(browser, server, viewport=DESKTOP) as pg:
        yield pg


def _scroll_width(page) -> tuple[int, int]:
    return page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")


def _page_name(url: str) -> str:
    return url.strip("/") or "overview"


def _drawn(pg, server: str, url: str) -> None:
    """Open ``url`` and wait for every chart it embeds to be drawn."""
    pg.goto(server + url)
    pg.wait_for_load_state("load")
    for chart in pg.locator("[data-chart]").evaluate_all("s => s.map(x => x.dataset.chart)"):
        pg.wait_for_selector(f"#{chart} .main-svg")


@pytest.mark.parametrize("url", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(server, phone, url):
    _drawn(phone, server, url)
    width, screen = _scroll_width(phone)
    assert width <= screen, f"{url}: {width} px wide on a {screen} px screen"
    screenshot(phone, f"phone-{_page_name(url)}")


@pytest.mark.parametrize("url", PAGES)
def test_every_page_draws_offline_at_desktop_size(server, desktop, url):
    _drawn(desktop, server, url)
    assert desktop.locator("h1").count() == 1
    width, screen = _scroll_width(desktop)
    assert width <= screen, f"{url}: {width} px wide on a {screen} px screen"
    screenshot(desktop, f"desktop-{_page_name(url)}")


def test_legends_go_below_the_charts_on_a_phone_and_beside_them_on_a_desktop(server, phone, page):
    phone.goto(server + "/")
    phone.wait_for_selector("#blocs .main-svg")
    orientation = "(document.getElementById('{}').layout.legend || {{}}).orientation"
    for chart in ("stages", "hhi", "blocs"):
        assert phone.evaluate(orientation.format(chart)) == "h", chart
    page.goto(server + "/")
    page.wait_for_selector("#blocs .main-svg")
    assert page.evaluate(orientation.format("blocs")) != "h"


def test_the_skip_link_is_the_first_tab_stop_and_leads_to_main(server, page):
    page.goto(server + "/balance")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.locator("h1").count() == 1
    assert page.locator("nav [aria-current=page]").inner_text() == "Element balance"


def test_a_chart_has_few_tab_stops_and_its_csv_holds_what_it_draws(server, page):
    page.goto(server + "/")
    page.wait_for_selector("#hhi .main-svg")
    stops = page.locator("#hhi .modebar-btn").count()
    assert stops <= MODEBAR_MAX_BUTTONS
    href = page.locator("#h-hhi ~ .chart-tools a.csv").get_attribute("href")
    drawn = page.evaluate(
        "document.getElementById('hhi')._fullData.filter(t => t.showlegend !== false)"
        ".map(t => [t.name, Array.from(t.y)])"
    )
    csv = pd.read_csv(io.StringIO(unquote(href.split(",", 1)[1])))
    for name, ys in drawn:
        rows = csv[csv["stage"] == name].sort_values("year")
        assert rows["HHI (countries with data)"].tolist() == pytest.approx(ys, rel=1e-5), name


def test_the_scenario_result_fits_a_phone_with_the_sankey_as_a_table(server, phone):
    phone.goto(server + "/scenario")
    phone.wait_for_selector("#problems.ok")
    phone.get_by_role("button", name="Run the scenario").click()
    phone.wait_for_selector("#fig1 .main-svg", timeout=120_000)
    assert phone.locator("#h-cards + .cards .card").count() == 3
    sankey = phone.locator(".chart-section:has(#fig0)")
    assert "as-table" in sankey.get_attribute("class")
    assert sankey.locator("details.chart-data").get_attribute("open") is not None
    assert sankey.locator("td").count() > 10
    width, screen = _scroll_width(phone)
    assert width <= screen, f"scenario results: {width} px wide on a {screen} px screen"
    assert phone.evaluate("document.getElementById('fig1').layout.legend.orientation") == "h"
    screenshot(phone, "phone-scenario-result")


def test_an_ensemble_started_from_the_page_shows_progress_and_links_its_result(server, page):
    """A tiny ensemble of the example with uncertain inputs, started from /ensembles: the
    progress reaches every sample, then the link opens the run's fans."""
    page.goto(server + "/ensembles")
    assert page.get_by_label("Example").input_value() == "turkiye-beylikova-ensemble.yaml"
    assert "uncertainty:" in page.get_by_label("Scenario (YAML)").input_value()
    page.get_by_label("Samples (1 to 500)").fill("2")
    page.get_by_role("button", name="Start the ensemble").click()
    page.wait_for_selector("#ens-result a", timeout=240_000)
    assert page.inner_text("#ens-status").startswith("2 of 2 samples done, 0 failed")
    bar = page.locator("#ens-bar")
    assert bar.evaluate("b => [b.value, b.max]") == [2, 2]
    page.locator("#ens-result a").click()
    page.wait_for_selector("#fan .main-svg")
    assert "run=" in page.url


def test_a_pasted_scenario_that_is_not_valid_is_refused_with_its_problems(server, page):
    page.goto(server + "/ensembles")
    page.get_by_label("Example").select_option("")  # paste my own
    page.get_by_label("Scenario (YAML)").fill("name: broken\nhorizon: 1990\n")
    page.get_by_label("Samples (1 to 500)").fill("2")
    page.get_by_role("button", name="Start the ensemble").click()
    status = page.locator("#ens-status")
    playwright.expect(status).to_contain_text("Not started")
    assert "base_year" in status.inner_text() and "{" not in status.inner_text()  # not JSON
    assert page.locator("#ens-bar").is_hidden()


POLL_WAIT_MS = 3_500  # a page still polling would ask three more times (every second)


def _count_requests(page, path: str) -> list[str]:
    """The GET requests the page makes to addresses starting with ``path`` (a list that grows)."""
    seen: list[str] = []
    page.on(
        "request",
        lambda r: seen.append(r.url) if r.method == "GET" and path in r.url else None,
    )
    return seen


def _fulfil_json(route, status: int, body: dict) -> None:
    import json

    route.fulfill(status=status, content_type="application/json", body=json.dumps(body))


def test_a_scenario_run_that_does_not_exist_says_so_and_stops_polling(server, page):
    """The job the page follows is unknown to the server (404, as after a restart): the page
    shows the API's problem and asks no more."""
    page.goto(server + "/scenario")
    page.wait_for_selector("#problems.ok")
    page.route(
        "**/api/runs",
        lambda route: _fulfil_json(route, 202, {"id": "no-such-run", "state": "queued"}),
    )
    polled = _count_requests(page, "/api/runs/no-such-run")
    page.get_by_role("button", name="Run the scenario").click()
    status = page.locator("#status")
    playwright.expect(status).to_have_text("Failed: no job 'no-such-run'", timeout=10_000)
    page.wait_for_timeout(POLL_WAIT_MS)
    assert len(polled) == 1, polled
    assert page.get_by_role("button", name="Run the scenario").is_enabled()


def test_a_scenario_run_answered_401_says_so_and_stops_polling(server, page):
    """A key asked for while polling (the server's key changed): the problem's detail, once."""
    page.goto(server + "/scenario")
    page.wait_for_selector("#problems.ok")
    page.route(
        "**/api/runs", lambda route: _fulfil_json(route, 202, {"id": "abc", "state": "queued"})
    )
    page.route(
        "**/api/runs/abc",
        lambda route: _fulfil_json(route, 401, {"status": 401, "detail": "a valid X-API-Key"}),
    )
    polled = _count_requests(page, "/api/runs/abc")
    page.get_by_role("button", name="Run the scenario").click()
    playwright.expect(page.locator("#status")).to_have_text("Failed: a valid X-API-Key")
    page.wait_for_timeout(POLL_WAIT_MS)
    assert len(polled) == 1, polled


def test_an_ensemble_run_that_does_not_exist_says_so_and_stops_polling(server, page):
    page.goto(server + "/ensembles")
    page.route(
        "**/api/ensembles",
        lambda route: (
            _fulfil_json(route, 202, {"id": "no-such-run", "run_id": "no-such-run"})
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    polled = _count_requests(page, "/api/ensembles?")
    page.get_by_role("button", name="Start the ensemble").click()
    status = page.locator("#ens-status")
    playwright.expect(status).to_have_text(
        "Failed: no run no-such-run in this server's store", timeout=10_000
    )
    page.wait_for_timeout(POLL_WAIT_MS)
    assert len(polled) == 1, polled
    assert page.locator("#ens-result").inner_text() == ""


def test_an_ensemble_list_answered_401_says_so_and_stops_polling(server, page):
    page.goto(server + "/ensembles")
    page.route(
        "**/api/ensembles",
        lambda route: _fulfil_json(route, 202, {"id": "r1", "run_id": "r1"}),
    )
    page.route(
        "**/api/ensembles?*",
        lambda route: _fulfil_json(route, 401, {"status": 401, "detail": "a valid X-API-Key"}),
    )
    polled = _count_requests(page, "/api/ensembles?")
    page.get_by_role("button", name="Start the ensemble").click()
    playwright.expect(page.locator("#ens-status")).to_have_text("Failed: a valid X-API-Key")
    page.wait_for_timeout(POLL_WAIT_MS)
    assert len(polled) == 1, polled


def test_a_morris_ensemble_without_uncertain_inputs_is_refused_on_the_form(server, page):
    page.goto(server + "/ensembles")
    page.get_by_label("Example").select_option("turkiye-beylikova.yaml")
    assert "uncertainty:" not in page.get_by_label("Scenario (YAML)").input_value()
    page.get_by_label("Sampling").select_option("morris")
    page.get_by_role("button", name="Start the ensemble").click()
    status = page.locator("#ens-status")
    playwright.expect(status).to_contain_text("Not started")
    assert "a Morris design needs uncertain inputs" in status.inner_text()
    assert "{" not in status.inner_text() and page.locator("#ens-bar").is_hidden()
    assert page.get_by_role("button", name="Start the ensemble").is_enabled()
