"""The FastAPI application: JSON API under /api (OpenAPI at /openapi.json) and the pages.

Read-only by default. Routes that run or store anything (scenario jobs) need the API key when
the environment variable ``REECHAIN_API_KEY`` is set (header ``X-API-Key``). Limits answer with
clear 4xx errors: request body size, horizon length, rows per page, concurrent jobs
(``reechain.web.common``). The routes live in one router per area (``web/api/``, ``web/site``).
"""

import asyncio
import functools
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Match

from reechain import __version__
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError
from reechain.web import site
from reechain.web.api import analytics, balance, data, demand, ensembles, scenarios
from reechain.web.common import (  # noqa: F401  (the limits are part of this module's API)
    MAX_BODY_BYTES,
    MAX_HORIZON_YEARS,
    MAX_ROWS,
    MAX_SAMPLES,
    Context,
    problem,
)
from reechain.web.jobs import Jobs

logger = logging.getLogger(__name__)


def create_app(
    ds: Dataset | None = None,
    store: str | Path | None = None,
    api_key: str | None = None,
    max_jobs: int = 4,
    compress: bool | None = None,
) -> FastAPI:
    """The app over a dataset (default: the embedded one) and an ensemble store.

    ``compress`` (default: on unless ``REECHAIN_GZIP=0``) gzips answers for clients that accept
    it: pages, JSON and plotly.js (``web/assets.py``); off serves them as they are, the
    "before" of ``benchmarks/bench_web_paint.py``.
    """
    ds = ds or Dataset.load()
    api_key = api_key if api_key is not None else os.environ.get("REECHAIN_API_KEY")
    ctx = Context(
        ds=ds,
        jobs=Jobs(ds, max_jobs=max_jobs, answer=functools.partial(scenarios.run_answer, ds)),
        store_path=Path(store) if store else Path("reechain-runs.duckdb"),
        api_key=api_key,
    )
    app = FastAPI(
        title="reechain",
        version=__version__,
        description="Rare earth supply chain data, concentration, scenarios. Every 4xx answers "
        "one shape (Problem); lists page with limit and offset (X-Total-Count, Link).",
        docs_url=None,  # served by _add_docs from this server's own files
        redoc_url=None,
    )
    _add_compression(app, compress)  # first: innermost, it sees each answer whole
    _add_error_handling(app)
    _add_docs(app)
    for area in (data, analytics, balance, demand, scenarios, ensembles, site):
        app.include_router(area.router(ctx))
    app.add_middleware(HeadAsGet)  # last: outermost, it sees the answer as a GET gets it
    app.state.jobs = ctx.jobs  # the background jobs, for operators and tests
    return app


GZIP_MIN_BYTES = 1024  # smaller answers gain less than the gzip header and the time cost
GZIP_LEVEL = 6  # per answer: zlib's default, nearly level 9's size in less time


def _add_compression(app: FastAPI, compress: bool | None) -> None:
    """Gzip for pages and JSON over :data:`GZIP_MIN_BYTES` (plotly.js comes compressed from
    ``web/assets.py`` and passes through); ``app.state.compress`` tells the static routes."""
    if compress is None:
        compress = os.environ.get("REECHAIN_GZIP", "1") != "0"
    app.state.compress = compress
    if compress:
        app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)


# Swagger UI's files as the fastapi-offline package ships them: /docs works without a CDN
# (FastAPI's "self-hosting JavaScript and CSS for docs"). ReDoc is not offered: its bundle loads
# its logo from Redocly's CDN, so /redoc sends readers to /docs.
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS_URL = "/static/docs"


# Swagger UI's colours that fail WCAG's 4.5:1 contrast (axe-core: white on its light method,
# version and OAS badges; light blue and grey text), darkened; the hues are kept.
DOCS_CONTRAST_CSS = """
.swagger-ui .info .title small { background: #555b66 !important }
.swagger-ui .info .title small.version-stamp { background: #4b6b00 !important }
.swagger-ui .info .url, .swagger-ui .info a { color: #1d63b8 !important }
.swagger-ui .opblock-get .opblock-summary-method { background: #1565c0 !important }
.swagger-ui .opblock-post .opblock-summary-method { background: #137a4a !important }
.swagger-ui .opblock-put .opblock-summary-method { background: #9a5300 !important }
.swagger-ui .opblock-delete .opblock-summary-method { background: #c62828 !important }
.swagger-ui .opblock-patch .opblock-summary-method { background: #0f7463 !important }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #4d4d4d !important }
"""


def _add_docs(app: FastAPI) -> None:
    """/docs (Swagger UI), its script, style and icon from this server; /redoc points there."""
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} API",
            swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
            # no online validator badge; no deep links: each operation's path would be a link
            # inside its expand button (axe-core: nested-interactive)
            swagger_ui_parameters={"validatorUrl": None, "deepLinking": False},
        )
        return HTMLResponse(_accessible_docs(page.body.decode("utf-8")))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> RedirectResponse:
        return RedirectResponse("/docs")

    logger.debug("API docs served from %s", DOCS_ASSETS)


def _accessible_docs(page: str) -> str:
    """Swagger UI's page with its language declared and :data:`DOCS_CONTRAST_CSS` added."""
    page = page.replace("<html>", "<html lang='en'>", 1)
    return page.replace("</head>", f"<style>{DOCS_CONTRAST_CSS}</style></head>", 1)


BODY_READ_TIMEOUT = 30.0  # seconds a request body may take between two of its parts


class StreamedBodyLimit:
    """An ASGI layer that counts a request body's bytes as they arrive and stops at
    :data:`MAX_BODY_BYTES` with a 413, so that a chunked body (no ``Content-Length``) is never
    read whole into memory; and that gives up on a body whose next part takes longer than
    ``read_timeout`` seconds with a 408 (a slow or half-sent body can't hold a worker)."""

    def __init__(self, app, read_timeout: float = BODY_READ_TIMEOUT) -> None:
        self.app, self.read_timeout = app, read_timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen, complete = 0, False

        async def counted():
            nonlocal seen, complete
            if complete:  # after the body: waiting for a disconnect is not a body read
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.read_timeout)
            except TimeoutError:
                raise StarletteHTTPException(
                    408, f"the request body did not arrive within {self.read_timeout:g} s"
                ) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if seen > MAX_BODY_BYTES:
                    raise StarletteHTTPException(413, f"request body over {MAX_BODY_BYTES} bytes")
            return message

        await self.app(scope, counted, send)


class HeadAsGet:
    """An ASGI layer that answers HEAD wherever GET is answered: the request runs as a GET and
    its answer goes out with the same status and headers (``Content-Length`` included) and no
    body. Where no GET is, the GET's 405 names the methods the path allows."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the body's parts are not sent; the last one ends the answer
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


# What every answer says to the browser, /docs included: only this server's scripts,
# styles, images and connections (the pages' inline scripts draw their figures), no framing, no
# referrer, no type sniffing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
        "'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src "
        "'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def _add_error_handling(app: FastAPI) -> None:
    """Body size limit, security headers, ``Allow`` on 405s, and reechain's errors as 400s
    with their message."""
    app.add_middleware(StreamedBodyLimit)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and int(length) > MAX_BODY_BYTES:
            return problem(413, f"request body over {MAX_BODY_BYTES} bytes")
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:  # name every method the path allows, across its routes
            allowed = set()
            for route in _routes(app.router.routes):
                if route.matches(request.scope)[0] is not Match.NONE:
                    allowed |= getattr(route, "methods", None) or set()
            if "GET" in allowed:  # HeadAsGet answers HEAD wherever GET is
                allowed.add("HEAD")
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
        if exc.status_code < 400:
            return await http_exception_handler(request, exc)
        page = site.error_response(request, exc.status_code, exc.detail, exc.headers)
        return page or problem(exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return site.error_response(request, 422, exc.errors()) or problem(422, exc.errors())

    @app.exception_handler(ReechainError)
    async def reechain_error(request: Request, exc: ReechainError):
        return problem(400, str(exc))


def _routes(routes) -> Iterator[BaseRoute]:
    """Every route, also those of included routers (FastAPI keeps them as one entry each)."""
    for route in routes:
        router = getattr(route, "original_router", None)
        yield from _routes(router.routes) if router is not None else (route,)
