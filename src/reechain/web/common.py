"""What the web routes share: limits, request and problem models, query value checks, and the
context (dataset, jobs, store, API key) that every router is built over."""

import functools
import hmac
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import Header, HTTPException
from pydantic import BaseModel, Field

from reechain.data.dataset import Dataset
from reechain.engine.scenario import Scenario, ScenarioError
from reechain.errors import UnknownNameError
from reechain.web.jobs import Jobs

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


class Problem(BaseModel):
    """An error: what is wrong and how to fix it (text, or a list of problems with places)."""

    detail: Any


PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in {
        400: "Bad input (an unknown material, country or element)",
        404: "No such table, job or run",
        413: "Request body too large",
        422: "Invalid parameters or scenario (each problem with its place)",
    }.items()
}
KEY_PROBLEM = {401: {"model": Problem, "description": "API key missing or wrong"}}
BUSY_PROBLEM = {429: {"model": Problem, "description": "Too many jobs at once"}}


class OneOf:
    """A query parameter's valid values: listed in the OpenAPI description, checked on use (an
    unknown value is a 422 that lists the valid ones)."""

    def __init__(self, name: str, values) -> None:
        self.name, self.valid = name, sorted(set(values))
        self.schema = {"json_schema_extra": {"enum": self.valid}}

    def __call__(self, value: str) -> str:
        if value not in self.valid:
            raise HTTPException(422, str(UnknownNameError(self.name, value, self.valid)))
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


@dataclass(frozen=True)
class Context:
    """What the routers of one app work over."""

    ds: Dataset
    jobs: Jobs
    store_path: Path
    api_key: str | None

    def require_key(self):
        """A dependency that refuses a request without the server's API key (when it has one;
        compared in constant time). Every route that runs the model, parses a scenario or
        reads stored results takes it; the observed data's routes are public."""
        api_key = self.api_key

        def check(x_api_key: Annotated[str | None, Header()] = None) -> None:
            given = (x_api_key or "").encode()
            if api_key and not hmac.compare_digest(given, api_key.encode()):
                raise HTTPException(
                    401,
                    "this route runs the model or reads its results: send the X-API-Key "
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
