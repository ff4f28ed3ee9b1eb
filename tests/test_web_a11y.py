"""Accessibility in a real browser: axe-core run on every page at desktop (1440x900) and phone
(390x844) sizes, and on a scenario's results; a serious or critical violation fails.

axe-core comes from npm (``.ci/run`` installs it into ``.ci/node``; ``REECHAIN_AXE`` names
another ``axe.min.js``) and is injected from that local file: nothing is fetched. Without it the
tests are skipped with the command that installs it. The server and browser are the browser
tests' (``tests/test_web_browser.py``), and here too no request may leave the server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_web_browser import CHROMIUM, browser, server  # noqa: F401  (fixtures)

AXE = Path(
    os.environ.get("REECHAIN_AXE")
    or Path(__file__).parents[1] / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
)
PAGES = ("/", "/balance", "/scenario", "/ensembles", "/criticality", "/demand", "/docs", "/404")
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
FAILING_IMPACTS = ("serious", "critical")
SCENARIO_RESULT = "/scenario (results)"

# Violations tolerated on a page (page -> rule ids): none. A rule added here must say why and
# where its fix lies.
KNOWN_VIOLATIONS: dict[str, set[str]] = {}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium: apt-get install chromium (or set REECHAIN_CHROMIUM)"
    ),
    pytest.mark.skipif(
        not AXE.is_file(),
        reason=f"no axe-core at {AXE}: npm install --no-save --prefix .ci/node axe-core@4 "
        "(.ci/run does it)",
    ),
]


def offline_context(browser, server: str, viewport: dict):  # noqa: F811
    """A browser context of ``viewport`` that may only talk to our server, and the list of the
    outside addresses it was refused."""
    context = browser.new_context(viewport=viewport)
    outside: list[str] = []

    def offline(route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    return context, outside


@pytest.fixture(params=list(VIEWPORTS))
def offline_page(request, browser, server):  # noqa: F811  (the imported fixtures)
    """A page of each viewport that may only talk to our server."""
    context, outside = offline_context(browser, server, VIEWPORTS[request.param])
    yield context.new_page()
    context.close()
    assert not outside, f"requests left the server: {outside}"


def _drawn(page, path: str) -> None:
    """Wait until the page has drawn what axe should see: every chart, or /docs' operations."""
    if path == "/docs":
        page.wait_for_selector(".opblock")
        return
    page.wait_for_load_state("load")
    page.wait_for_function(
        "[...document.querySelectorAll('.js-plotly-plot, .chart')]"
        ".every(d => d.querySelector('.main-svg'))"
    )


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as drawn, injected from the local file (once)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")


def serious(violations: list[dict], page_name: str) -> list[str]:
    """One line per serious or critical violation not in :data:`KNOWN_VIOLATIONS`: rule id,
    impact, the elements (axe's selectors) and what the rule asks."""
    known = KNOWN_VIOLATIONS.get(page_name, set())
    return [
        f"{v['id']} ({v['impact']}) at {_targets(v['nodes'])}: {v['help']}"
        for v in violations
        if v["impact"] in FAILING_IMPACTS and v["id"] not in known
    ]


def _targets(nodes: list[dict], shown: int = 4) -> str:
    """The first ``shown`` elements' selectors and how many more there are."""
    targets = [" ".join(n["target"]) for n in nodes]
    more = f" and {len(targets) - shown} more" if len(targets) > shown else ""
    return ", ".join(targets[:shown]) + more


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(server, offline_page, path: str) -> None:  # noqa: F811
    offline_page.goto(server + path)
    _drawn(offline_page, path)
    found = serious(axe_violations(offline_page), path)
    assert not found, f"{path}: " + "\n".join(found)


def test_no_serious_accessibility_violation_in_scenario_results(server, browser) -> None:  # noqa: F811
    """The Türkiye example run once on the scenario page, then checked at both sizes."""
    context, outside = offline_context(browser, server, VIEWPORTS["desktop"])
    page = context.new_page()
    try:
        page.goto(server + "/scenario")
        page.get_by_role("button", name="Run the scenario").click()
        page.wait_for_selector("#fig0 .main-svg", timeout=120_000)
        found = []
        for name, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            found += [f"{name}: {line}" for line in serious(axe_violations(page), SCENARIO_RESULT)]
    finally:
        context.close()
    assert not outside, f"requests left the server: {outside}"
    assert not found, f"{SCENARIO_RESULT}: " + "\n".join(found)
