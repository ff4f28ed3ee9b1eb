"""The frame of every page: skip link, header with the product name and the navigation (the
current page marked), one ``<h1>``, the main content, and a footer with the data package's
version and licence, the reechain version and the date. The look is ``static/reechain.css``;
charts are drawn by ``static/charts.js`` with :data:`PLOTLY_CONFIG` (nothing from a CDN)."""

from __future__ import annotations

import functools
import html
import json
from datetime import date

from reechain import __version__
from reechain.data.schema import embedded_data_dir
from reechain.reports.page import PLOTLY_CONFIG as REPORT_PLOTLY_CONFIG
from reechain.web import assets

NAV = [
    ("/", "Overview"),
    ("/balance", "Element balance"),
    ("/scenario", "Scenario"),
    ("/ensembles", "Ensembles"),
    ("/criticality", "Criticality"),
    ("/demand", "Demand and stocks"),
]
CURRENT = " aria-current='page'"
PRODUCT = "reechain"
TAGLINE = "rare earth supply chain"
# The app's own files (web/static/, served by web/site.py)
STYLESHEET = "/static/reechain.css"
CHARTS_JS = "/static/charts.js"
PLOTLY_JS = assets.PLOTLY_JS_URL  # versioned: kept a year by the browser

# The reports' Plotly config, the world map's outlines from this server too (no request leaves
# it). Every page with charts declares it once as ``window.PLOTLY_CONFIG``, for its own figures
# and for those static/scenario.js draws.
PLOTLY_CONFIG = {**REPORT_PLOTLY_CONFIG, "responsive": True, "topojsonURL": "/static/topojson/"}


@functools.cache
def data_package() -> dict[str, str]:
    """The embedded data package's name, version and licence (``datapackage.json``)."""
    descriptor = json.loads((embedded_data_dir() / "datapackage.json").read_text("utf-8"))
    licences = ", ".join(lic.get("name", "") for lic in descriptor.get("licenses", []))
    return {
        "name": str(descriptor.get("name", "")),
        "version": str(descriptor.get("version", "")),
        "licence": licences or "not stated",
    }


def _nav(current: str) -> str:
    items = "".join(
        f"<li><a href='{href}'{CURRENT if href == current else ''}>{html.escape(text)}</a></li>"
        for href, text in NAV
    )
    return f"<nav class='site-nav' aria-label='Pages'><ul>{items}</ul></nav>"


def _header(current: str) -> str:
    return (
        "<header class='site-header'><div class='bar'>"
        f"<a class='brand' href='/'>{PRODUCT}<span>{TAGLINE}</span></a>{_nav(current)}"
        "</div></header>"
    )


def _footer() -> str:
    pkg = data_package()
    return (
        "<footer class='site-footer'><div class='bar'>"
        f"<p>Data: {html.escape(pkg['name'])} v{html.escape(pkg['version'])}, licence "
        f"{html.escape(pkg['licence'])} (facts belong to their cited sources). "
        f"Software: reechain {html.escape(__version__)}. Page made {date.today().isoformat()}.</p>"
        "<p>Missing values are shown as '–' and never read as zero. "
        "<a href='/docs'>JSON API</a></p></div></footer>"
    )


# a figure's JSON in a page (parts.chart_section); page text can't forge it ('<' is escaped)
CHART_MARK = "<script type='application/json' data-chart="


def chart_scripts() -> str:
    """What a page with charts loads: the Plotly config, plotly.js and ``static/charts.js``."""
    return (
        f"<script>window.PLOTLY_CONFIG={json.dumps(PLOTLY_CONFIG)};</script>"
        f"<script defer src='{PLOTLY_JS}'></script><script defer src='{CHARTS_JS}'></script>"
    )


def layout(
    title: str,
    body: str,
    current: str = "",
    scripts: tuple[str, ...] = (),
    charts: bool | None = None,
) -> str:
    """A whole page: ``title`` as its only ``<h1>``, ``body`` in ``<main>``; ``current`` is the
    navigation entry marked as this page; ``scripts``: more of the app's scripts to load;
    ``charts``: whether it loads plotly.js and charts.js (default: when ``body`` holds a
    chart's figure), so a page without charts does without their 4.8 MB."""
    if charts is None:
        charts = CHART_MARK in body
    extra = "".join(f"<script defer src='{src}'></script>" for src in scripts)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · {PRODUCT}</title>"
        f"<link rel='stylesheet' href='{STYLESHEET}'>{chart_scripts() if charts else ''}"
        f"{extra}</head><body><a class='skip' href='#main'>Skip to the content</a>"
        f"{_header(current)}<main id='main' tabindex='-1'><h1>{html.escape(title)}</h1>{body}"
        f"</main>{_footer()}</body></html>"
    )
