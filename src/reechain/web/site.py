"""The dashboard's pages and the static files they load (served by the app: nothing from a CDN)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from reechain.reports import plot
from reechain.web import assets, pages
from reechain.web.common import Context, answered_once
from reechain.web.pages.errors import error_page

# Addresses whose errors stay JSON problems, page route or not
NOT_PAGES = ("/api/", "/static/", "/openapi.json", "/docs")


def router(ctx: Context) -> APIRouter:
    site = APIRouter(include_in_schema=False)
    _static_routes(site)
    ds = ctx.ds
    names = plot.country_names(ds.table("countries"))
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
    def balance(
        deposit: str = "mount-weld", tonnes: float = 10_000, composition: str | None = None
    ) -> str:
        return pages.balance(ds, deposit, tonnes, composition)

    @site.get("/scenario", response_class=HTMLResponse)
    def scenario_page() -> str:
        return pages.scenario(needs_key=bool(ctx.api_key))

    @site.get("/ensembles", response_class=HTMLResponse)
    def ensembles_page(run: str | None = None) -> str:
        return pages.ensembles(ctx.store_path, run, names, needs_key=bool(ctx.api_key))

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
    """plotly.js and the app's own files (any of ``web/static/``), gzipped once, with ETags
    (``web/assets.py``)."""

    @site.get(assets.PLOTLY_JS_URL)
    def plotly_js(request: Request) -> Response:
        return assets.plotly_js().response(request, assets.IMMUTABLE)

    @site.get(assets.PLOTLY_JS_LEGACY_URL)
    def plotly_js_unversioned(request: Request) -> Response:
        return assets.plotly_js().response(request, assets.REVALIDATE)

    @site.get("/static/{name:path}")
    def app_file(name: str, request: Request) -> Response:
        asset = assets.app_file(name)
        if asset is None:
            raise HTTPException(404, f"no static file {name!r}")
        return asset.response(request, assets.REVALIDATE)


def is_page_request(request: Request) -> bool:
    """Whether an error on ``request`` is answered as a page: one of the pages' routes (an
    HTML route), or an address no route answers, outside :data:`NOT_PAGES`."""
    if request.url.path.startswith(NOT_PAGES):
        return False
    route = request.scope.get("route")
    return route is None or getattr(route, "response_class", None) is HTMLResponse


def error_response(
    request: Request, status: int, detail: object, headers: dict[str, str] | None = None
) -> HTMLResponse | None:
    """The error as a page in the site's frame (:func:`pages.errors.error_page`) when the
    request is a page's (:func:`is_page_request`), with its status and headers; else None."""
    if not is_page_request(request):
        return None
    page = error_page(status, detail, request.url.path)
    return HTMLResponse(page, status_code=status, headers=headers)
