"""The dashboard's pages and the static files they load (served by the app: nothing from a CDN)."""

from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse

from reechain.web import pages
from reechain.web.common import Context, answered_once

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STATIC = Path(__file__).parent / "static"


def router(ctx: Context) -> APIRouter:
    site = APIRouter(include_in_schema=False)
    _static_routes(site)
    ds = ctx.ds
    # The dataset does not change while the server runs: pages of observed data are built once.
    overview_page = answered_once(1)(lambda: pages.overview(ds))
    demand_html = answered_once(16)(lambda year: pages.demand(ds, year))
    criticality_html = answered_once(64)(
        lambda year, importer: pages.criticality(ds, year, importer)
    )

    @site.get("/", response_class=HTMLResponse)
    def overview() -> str:
        return overview_page()

    @site.get("/balance", response_class=HTMLResponse)
    def balance(deposit: str = "mount-weld", tonnes: float = 10_000) -> str:
        return pages.balance(ds, deposit, tonnes)

    @site.get("/scenario", response_class=HTMLResponse)
    def scenario_page() -> str:
        return pages.scenario(needs_key=bool(ctx.api_key))

    @site.get("/ensembles", response_class=HTMLResponse)
    def ensembles_page(run: str | None = None) -> str:
        if ctx.api_key:  # stored results need the key, which a page link can't send
            return pages.layout(
                "Ensembles",
                "<p>This server keeps stored results behind its API key: read them with "
                "<code>GET /api/ensembles</code> and the <code>X-API-Key</code> header, or with "
                "<code>reechain ensemble show</code> on the machine that holds the store.</p>",
            )
        return pages.ensembles(ctx.store_path, run)

    @site.get("/criticality", response_class=HTMLResponse)
    def criticality_page(
        year: Annotated[int, Query(ge=1900, le=2100)] = 2023, importer: str = "USA"
    ) -> str:
        return criticality_html(year, importer.upper()[:8])

    @site.get("/demand", response_class=HTMLResponse)
    def demand_page(year: Annotated[int, Query(ge=2024, le=2060)] = 2030) -> str:
        return demand_html(year)

    return site


def _static_routes(site: APIRouter) -> None:
    @site.get("/static/plotly.min.js")
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="application/javascript")

    @site.get("/static/topojson/world_110m.json")
    def world_outlines() -> FileResponse:
        return FileResponse(STATIC / "topojson" / "world_110m.json", media_type="application/json")

    @site.get("/static/scenario.js")
    def scenario_js() -> FileResponse:
        return FileResponse(STATIC / "scenario.js", media_type="application/javascript")
