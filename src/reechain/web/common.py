"""What the web routes share: limits, request models, the one error shape (problems) and the
errors each route declares, paging, query value checks, and the context (dataset, jobs, store,
API key) that every router is built over."""

import functools
import hmac
import http
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import Depends, HTTPException, Query, Request, Response, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from reechain.data.dataset import Dataset
from reechain.engine.scenario import Scenario, ScenarioError
from reechain.errors import UnknownNameError
from reechain.web.jobs import JobLimitError, Jobs
from reechain.web.models import Problem

# No ``from __future__ import annotations`` in the web modules: FastAPI reads the routes'
# annotations, and the query types are built per app from its dataset.

MAX_BODY_BYTES = 1_000_000  # JSON escapes take up to 12 bytes per character
MAX_SCENARIO_CHARS = 50_000
MAX_HORIZON_YEARS = 30
MAX_ROWS = 5_000
MAX_SAMPLES = 500


class ScenarioText(BaseModel):
    """A scenario file's text (YAML)."""

    yaml: str = Field(
        min_length=1, max_length=MAX_SCENARIO_CHARS, description="The scenario, as YAML text."
    )


class EnsembleRequest(ScenarioText):
    """A scenario with uncertain inputs and how to sample it."""

    samples: int = Field(ge=1, le=MAX_SAMPLES, description="Number of samples.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Random seed.")
    method: Literal["random", "lhs", "morris"] = "random"


ERRORS = {
    400: "Bad input: the analysis refuses it (an unknown name, no data for the question)",
    401: "API key missing or wrong",
    404: "No such table, job or run",
    408: "The request body did not arrive in time",
    409: "Job not finished (its results), or already finished (a cancel)",
    413: "Request body too large",
    422: "Invalid parameters or scenario (each problem with its place)",
    429: "Too many jobs at once",
}
BODY_ERRORS = (408, 413, 422)  # what any route that reads a body can answer
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before asking again [s]: when a running job is "
        "likely to have finished, from the lengths of the jobs finished so far.",
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
    }
}
ERROR_HEADERS = {429: RETRY_AFTER}  # the statuses that say when to retry (no route has a 503)


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that can answer ``codes``: each a :class:`Problem` (with
    its ``Retry-After`` header where the status has one)."""
    return {
        code: {"model": Problem, "description": ERRORS[code]}
        | ({"headers": ERROR_HEADERS[code]} if code in ERROR_HEADERS else {})
        for code in sorted(codes)
    }


def too_many_jobs(exc: JobLimitError) -> HTTPException:
    """The 429 of a job refused at the limit, with the seconds to wait in ``Retry-After``."""
    return HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)})


def problem(status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    """The answer of every 4xx: a :class:`Problem` from an ``HTTPException``'s detail (a text,
    ``{"problems": [{where, message}]}``) or FastAPI's validation errors (``[{loc, msg}]``)."""
    if isinstance(detail, dict) and "problems" in detail:
        items = [
            {"where": p.get("where"), "message": str(p["message"])} for p in detail["problems"]
        ]
    elif isinstance(detail, list):
        items = [{"where": _place(e.get("loc", ())), "message": str(e["msg"])} for e in detail]
    else:
        text = detail if detail is not None else http.HTTPStatus(status).phrase
        items = [{"where": None, "message": str(text)}]
    lines = [f"{i['where']}: {i['message']}" if i["where"] else i["message"] for i in items]
    body = Problem(
        status=status,
        title=http.HTTPStatus(status).phrase,
        detail="\n".join(lines),
        problems=items,
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _place(loc) -> str | None:
    """A validation error's place as text: 'query.limit', 'body.yaml'."""
    return ".".join(str(part) for part in loc) or None


PAGE_HEADERS = {
    "X-Total-Count": {
        "description": "Rows in the whole list [rows].",
        "schema": {"type": "integer"},
        "required": True,
    },
    "Link": {
        "description": 'The next page: `<path?query>; rel="next"` (absent on the last page).',
        "schema": {"type": "string"},
    },
    "X-Empty-Reason": {
        "description": "Why the page is empty (only then): the filter that matched nothing, "
        "or an offset past the list's end. An empty list is no data for the question, not "
        "zero.",
        "schema": {"type": "string"},
    },
}
PAGED = {200: {"description": "One page of the list", "headers": PAGE_HEADERS}}


@dataclass
class Paging:
    """A list route's ``limit`` and ``offset``; a page of rows carries the list's length in
    ``X-Total-Count`` and the next page in ``Link``."""

    request: Request
    response: Response
    limit: int
    offset: int

    def next_path(self, total: int) -> str | None:
        """The next page's path and query; None on the last page."""
        if self.offset + self.limit >= total:
            return None
        url = self.request.url.include_query_params(
            limit=self.limit, offset=self.offset + self.limit
        )
        return f"{url.path}?{url.query}"

    def page(
        self, rows: list, total: int | None = None, empty: Callable[[], str] | None = None
    ) -> list:
        """This page of ``rows`` (all of the list, or ``total`` rows when ``rows`` is already
        the page), with the paging headers set; an empty page says why in
        ``X-Empty-Reason`` (``empty()``: the route's reason for an empty list; default: the
        query's filters matched nothing)."""
        whole = total is None
        total = len(rows) if whole else total
        self.response.headers["X-Total-Count"] = str(total)
        following = self.next_path(total)
        if following:
            self.response.headers["Link"] = f'<{following}>; rel="next"'
        if total == 0 or self.offset >= total:
            self.response.headers["X-Empty-Reason"] = header_text(
                self.past_end(total) if total else (empty or self.no_match)()
            )
        return rows[self.offset : self.offset + self.limit] if whole else rows

    def past_end(self, total: int) -> str:
        return f"offset {self.offset} is past the end of the list ({total} rows)"

    def no_match(self) -> str:
        """The filters of the query (paging aside) as the reason of an empty list."""
        filters = [
            f"{k}={v}" for k, v in self.request.query_params.items() if k not in PAGING_PARAMS
        ]
        if not filters:
            return "the list is empty"
        return f"nothing in the data matches {', '.join(filters)}"


PAGING_PARAMS = ("limit", "offset")


def header_text(text: str) -> str:
    """``text`` as a header value: ASCII on one line (HTTP headers are Latin-1 at best)."""
    return " ".join(text.replace("\u2013", "-").encode("ascii", "replace").decode().split())


def paged(default_limit: int = MAX_ROWS):
    """The dependency of a list route: its :class:`Paging` from ``limit`` (1 to
    :data:`MAX_ROWS`, default ``default_limit``) and ``offset``."""

    def paging(
        request: Request,
        response: Response,
        limit: Annotated[
            int, Query(ge=1, le=MAX_ROWS, description="At most this many rows [rows].")
        ] = default_limit,
        offset: Annotated[int, Query(ge=0, description="Rows to skip [rows].")] = 0,
    ) -> Paging:
        return Paging(request, response, limit, offset)

    return Depends(paging)


class OneOf:
    """A query parameter's valid values: listed in the OpenAPI description, checked on use (an
    unknown value is a 422 that lists the valid ones)."""

    def __init__(self, name: str, values) -> None:
        self.name, self.valid = name, sorted(set(values))
        self.schema = {"json_schema_extra": {"enum": self.valid}}

    def __call__(self, value: str) -> str:
        if value not in self.valid:
            message = str(UnknownNameError(self.name, value, self.valid))
            raise HTTPException(
                422, {"problems": [{"where": f"query.{self.name}", "message": message}]}
            )
        return value


def answered_once(maxsize: int = 256):
    """Decorator for a read route's computation: each set of arguments is computed once while
    the server runs (the dataset can't change under it) and kept (at most ``maxsize``), and
    one computation runs at a time, so that fifty clients asking the same new question
    compute it once, not fifty times."""

    def wrap(fn):
        memo = functools.lru_cache(maxsize=maxsize)(fn)
        lock = threading.Lock()

        @functools.wraps(fn)
        def call(*args):
            with lock:
                return memo(*args)

        call.cache_info = memo.cache_info
        return call

    return wrap


def as_json(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON objects; missing values as null (never NaN, never zero)."""
    return df.astype(object).where(df.notna(), None).to_dict(orient="records")


API_KEY_HEADER = "X-API-Key"
API_KEY_SCHEME = APIKeyHeader(
    name=API_KEY_HEADER,
    scheme_name="APIKey",
    description="The key the server was started with (REECHAIN_API_KEY); needed by the routes "
    "that parse a scenario, run the model or read stored results.",
    auto_error=False,  # a missing key is the 401 in the one error shape, not FastAPI's 403
)


def _open() -> None:
    """The key dependency of a server without a key: every route is open."""


@dataclass(frozen=True)
class Context:
    """What the routers of one app work over."""

    ds: Dataset
    jobs: Jobs
    store_path: Path
    api_key: str | None

    @property
    def key_errors(self) -> tuple[int, ...]:
        """The statuses the key adds to a route that needs it: 401 when the server has a
        key, none when it is open."""
        return (401,) if self.api_key else ()

    def require_key(self) -> Callable[..., None]:
        """A dependency that refuses a request without the server's API key (when it has one;
        compared in constant time). Every route that runs the model, parses a scenario or
        reads stored results takes it; the observed data's routes are public. With a key, the
        OpenAPI description declares it as the security scheme :data:`API_KEY_SCHEME` of
        exactly those routes (/docs: "Authorize"); an open server declares none."""
        api_key = self.api_key
        if not api_key:
            return _open

        def check(given: Annotated[str | None, Security(API_KEY_SCHEME)] = None) -> None:
            if not hmac.compare_digest((given or "").encode(), api_key.encode()):
                raise HTTPException(
                    401,
                    f"this route runs the model or reads its results: send the {API_KEY_HEADER} "
                    "header with the key the server was started with",
                )

        return check

    def parse(self, body: ScenarioText) -> Scenario:
        """The request's scenario, checked against the dataset and the server's limits."""
        try:
            sc = Scenario.from_text(body.yaml, source="request", ds=self.ds).check(self.ds)
        except ScenarioError as exc:
            raise HTTPException(
                422, {"problems": [{"where": w, "message": m} for w, m in exc.problems]}
            ) from None
        if sc.horizon - sc.base_year + 1 > MAX_HORIZON_YEARS:
            raise HTTPException(422, f"at most {MAX_HORIZON_YEARS} years per run on this server")
        return sc
