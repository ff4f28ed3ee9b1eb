"""The FastAPI application: JSON API under /api (OpenAPI at /openapi.json) and the pages.

Read-only by default. Routes that run or store anything (scenario jobs) need the API key when
the environment variable ``REECHAIN_API_KEY`` is set (header ``X-API-Key``). Limits answer with
clear 4xx errors: request body size, horizon length, rows per page, concurrent jobs.
"""

import functools
import logging
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import plotly
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from reechain import __version__
from reechain.analysis import metrics
from reechain.analysis.criticality.gpr import PRODUCT_STAGE
from reechain.data.dataset import Dataset
from reechain.data.flows import observed_flows
from reechain.data.schema import STAGES
from reechain.engine.scenario import Scenario, ScenarioError
from reechain.errors import ReechainError, UnknownNameError
from reechain.web import pages
from reechain.web.jobs import JobLimitError, Jobs

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # JSON escapes take up to 12 bytes per character
MAX_SCENARIO_CHARS = 50_000
MAX_HORIZON_YEARS = 30
MAX_ROWS = 5_000
MAX_SAMPLES = 500
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STATIC = Path(__file__).parent / "static"


class ScenarioText(BaseModel):
    """A scenario file's text (YAML)."""

    yaml: str = Field(max_length=MAX_SCENARIO_CHARS, description="The scenario, as YAML text.")


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


# No ``from __future__ import annotations`` here: FastAPI reads the routes' annotations, and
# the query types are built per app from its dataset.


class _one_of:
    """A query parameter's valid values: listed in the OpenAPI description, checked on use (an
    unknown value is a 422 that lists the valid ones)."""

    def __init__(self, name: str, values) -> None:
        self.name, self.valid = name, sorted(set(values))
        self.schema = {"json_schema_extra": {"enum": self.valid}}

    def __call__(self, value: str) -> str:
        if value not in self.valid:
            raise HTTPException(422, str(UnknownNameError(self.name, value, self.valid)))
        return value


def _json(df: pd.DataFrame) -> list[dict[str, Any]]:
    return df.astype(object).where(df.notna(), None).to_dict(orient="records")


def create_app(
    ds: Dataset | None = None,
    store: str | Path | None = None,
    api_key: str | None = None,
    max_jobs: int = 4,
) -> FastAPI:
    """The app over a dataset (default: the embedded one) and an ensemble store."""
    ds = ds or Dataset.load()
    api_key = api_key if api_key is not None else os.environ.get("REECHAIN_API_KEY")
    store_path = Path(store) if store else Path("reechain-runs.duckdb")
    jobs = Jobs(ds, max_jobs=max_jobs)
    app = FastAPI(
        title="reechain",
        version=__version__,
        description="Rare earth supply chain data, concentration, scenarios.",
        responses=PROBLEMS,
    )
    app.state.ds, app.state.jobs, app.state.store = ds, jobs, store_path

    def require_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
        if api_key and x_api_key != api_key:
            raise HTTPException(
                401,
                "this route runs the model: send the X-API-Key header "
                "with the key the server was started with",
            )

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and int(length) > MAX_BODY_BYTES:
            return JSONResponse(
                {"detail": f"request body over {MAX_BODY_BYTES} bytes"}, status_code=413
            )
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:  # name every method the path allows, across its routes
            allowed = set()
            for route in app.router.routes:
                if route.matches(request.scope)[0] is not Match.NONE:
                    allowed |= getattr(route, "methods", None) or set()
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
        return await http_exception_handler(request, exc)

    @app.exception_handler(ReechainError)
    async def reechain_error(request: Request, exc: ReechainError):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    # -- data -----------------------------------------------------------------------------------
    @app.get("/api/tables", tags=["data"])
    def tables() -> list[dict[str, Any]]:
        """The dataset's tables with their row counts and descriptions."""
        return [
            {"table": n, "rows": len(ds.table(n)), "description": t.description}
            for n, t in ds.schema.tables.items()
        ]

    @app.get("/api/tables/{name}", tags=["data"])
    def table(
        name: str,
        limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        """Rows of one table (paged)."""
        if name not in ds.schema.tables:
            raise HTTPException(404, str(UnknownNameError("table", name, ds.schema.tables)))
        df = ds.table(name)
        return {"table": name, "total": len(df), "rows": _json(df.iloc[offset : offset + limit])}

    @app.get("/api/sources", tags=["data"])
    def sources() -> list[dict[str, Any]]:
        """Every source the data cites."""
        return _json(ds.table("sources"))

    # -- analytics --------------------------------------------------------------------------------
    production = ds.table("production")
    crit = ds.table("criticality_inputs")
    stages = _one_of("stage", STAGES)
    materials = _one_of("material", production["material"])
    assessments = _one_of("assessment", crit["assessment"])
    elements = _one_of("material", [*ds.table("elements")["symbol"], "LREE", "HREE", "REE"])
    importers = _one_of("importer", [*ds.table("countries")["iso3"], *ds.table("blocs")["bloc_id"]])
    products = _one_of("product", PRODUCT_STAGE)
    YearQ = Annotated[int, Query(ge=1900, le=2100, description="Data year.")]
    ImporterQ = Annotated[
        str, Query(description="Importing country (ISO3) or bloc.", **importers.schema)
    ]
    CritMaterialQ = Annotated[
        str | None,
        Query(description="An element or group (LREE, HREE, Sc); default all.", **elements.schema),
    ]
    StageQ = Annotated[str, Query(description="Supply chain stage.", **stages.schema)]
    MaterialQ = Annotated[
        str | None,
        Query(description="Default: the stage's usual basis.", **materials.schema),
    ]

    def basis(flows: pd.DataFrame, stage: str, material: str | None) -> str:
        """The material asked for, or the stage's usual one (TREO for mining...)."""
        if material is not None:
            return materials(material)
        return pages.stage_material(flows, stages(stage))

    @app.get("/api/shares", tags=["analytics"])
    def shares(
        stage: StageQ, year: Annotated[int, Query(ge=1900, le=2100)], material: MaterialQ = None
    ) -> list[dict[str, Any]]:
        """Shares of world output by country (observed data)."""
        flows = observed_flows(production)
        mat = basis(flows, stage, material)
        return _json(metrics.shares(flows, stages(stage), year, material=mat))

    @app.get("/api/concentration", tags=["analytics"])
    def concentration(stage: StageQ, material: MaterialQ = None) -> list[dict[str, Any]]:
        """HHI (bracket), CR1, CR3 and N-1 coverage per year (observed data)."""
        flows = observed_flows(production)
        mat = basis(flows, stage, material)
        return _json(
            metrics.concentration(metrics.shares(flows, stages(stage), None, material=mat))
        )

    @app.get("/api/criticality", tags=["analytics"])
    def criticality(
        assessment: Annotated[str, Query(**assessments.schema)] = "EU2023",
        material: Annotated[str | None, Query(**elements.schema)] = None,
    ) -> list[dict[str, Any]]:
        """EU method: HHI and HHI_WGI,t by stage and scope; SR where its inputs exist."""
        from reechain.analysis.criticality import eu_supply_risk

        element = elements(material) if material is not None else None
        return _json(eu_supply_risk(ds, assessments(assessment), element))

    def _element_or_group(material: str | None) -> tuple[str | None, str | None]:
        if material is None or material == "REE":
            return None, None
        material = elements(material)
        return (None, material) if material in ("LREE", "HREE") else (material, None)

    @app.get("/api/criticality/summary", tags=["analytics"])
    def criticality_summary(
        year: YearQ = 2023, importer: ImporterQ = "USA", material: CritMaterialQ = None
    ) -> list[dict[str, Any]]:
        """The methods side by side per element or group: EU SR and EI ranges, published EU
        scores and verdicts, USGS-style disruption potential and trade exposure. A missing
        input makes a range (_low, _high); it is never read as zero."""
        from reechain.analysis.criticality import side_by_side
        from reechain.analysis.criticality.common import eu_assessment

        element, group = _element_or_group(material)
        table = side_by_side(ds, eu_assessment(ds, year), year, importers(importer), element, group)
        return _json(table)

    @app.get("/api/criticality/usgs", tags=["analytics"])
    def criticality_usgs(
        year: YearQ = 2023, importer: ImporterQ = "USA", material: CritMaterialQ = None
    ) -> list[dict[str, Any]]:
        """USGS-style factors per stage: DP and TE ranges; SR stays empty with the reason."""
        from reechain.analysis.criticality import usgs_supply_risk

        element, group = _element_or_group(material)
        return _json(usgs_supply_risk(ds, importers(importer), year, material=element or group))

    @app.get("/api/criticality/geopolrisk", tags=["analytics"])
    def criticality_geopolrisk(
        year: YearQ = 2023,
        importer: Annotated[
            str | None,
            Query(description="Importer; default every one with data.", **importers.schema),
        ] = None,
        product: Annotated[
            str | None, Query(description="Traded product; default all.", **products.schema)
        ] = None,
    ) -> list[dict[str, Any]]:
        """GeoPolRisk (0-1) of importers for traded rare earth products, as a range where
        inputs are missing, with what is missing."""
        from reechain.analysis.criticality import geopolrisk_table

        return _json(
            geopolrisk_table(
                ds,
                year,
                importers(importer) if importer is not None else None,
                products(product) if product is not None else None,
            )
        )

    # -- scenarios ---------------------------------------------------------------------------
    def _parse(body: ScenarioText) -> Scenario:
        try:
            sc = Scenario.from_text(body.yaml, source="request").check(ds)
        except ScenarioError as exc:
            raise HTTPException(
                422, {"problems": [{"where": w, "message": m} for w, m in exc.problems]}
            ) from None
        if sc.horizon - sc.base_year + 1 > MAX_HORIZON_YEARS:
            raise HTTPException(422, f"at most {MAX_HORIZON_YEARS} years per run on this server")
        return sc

    @app.post("/api/scenarios/validate", tags=["scenarios"])
    def validate(body: ScenarioText) -> dict[str, Any]:
        """Check a scenario; 422 lists every problem with its line and field."""
        sc = _parse(body)
        return {
            "ok": True,
            "name": sc.name,
            "years": [sc.base_year, sc.horizon],
            "events": len(sc.events),
        }

    @app.post(
        "/api/runs",
        status_code=202,
        tags=["scenarios"],
        dependencies=[Depends(require_key)],
        responses={
            401: {"model": Problem, "description": "API key missing or wrong"},
            409: {"model": Problem, "description": "Job not finished"},
            429: {"model": Problem, "description": "Too many jobs at once"},
        },
    )
    def submit(body: ScenarioText) -> dict[str, Any]:
        """Run a scenario (and its no-event baseline) as a job."""
        sc = _parse(body)
        try:
            job = jobs.submit(sc)
        except JobLimitError as exc:
            raise HTTPException(429, str(exc)) from None
        return {"id": job.id, "status": job.status}

    @app.get("/api/runs/{job_id}", tags=["scenarios"])
    def status(job_id: str) -> dict[str, Any]:
        """A job's status (queued, running, done, failed)."""
        job = _job(job_id)
        return {
            "id": job.id,
            "status": job.status,
            "error": job.error,
            "scenario": job.scenario.name,
        }

    @app.get(
        "/api/runs/{job_id}/result",
        tags=["scenarios"],
        responses={409: {"model": Problem, "description": "Job not finished"}},
    )
    def result(job_id: str) -> dict[str, Any]:
        """Key figures and the report's figures (Plotly JSON) of a finished job."""
        job = _job(job_id)
        if job.status != "done":
            raise HTTPException(409, f"job {job_id} is {job.status}; poll /api/runs/{job_id}")
        return pages.run_payload(ds, job.result, job.baseline)

    def _job(job_id: str):
        try:
            return jobs.get(job_id)
        except KeyError:
            raise HTTPException(404, f"no job {job_id!r}") from None

    # -- ensembles (read the store) ----------------------------------------------------------------
    @app.get("/api/ensembles", tags=["ensembles"])
    def ensembles() -> list[dict[str, Any]]:
        """Runs in the server's ensemble store (empty if there is none)."""
        return _json(pages.ensemble_runs(store_path))

    @app.post(
        "/api/ensembles",
        status_code=202,
        tags=["ensembles"],
        dependencies=[Depends(require_key)],
        responses={
            401: {"model": Problem, "description": "API key missing or wrong"},
            429: {"model": Problem, "description": "Too many jobs at once"},
        },
    )
    def submit_ensemble(body: EnsembleRequest) -> dict[str, Any]:
        """Start a Monte Carlo run in the server's store; poll /api/ensembles for progress."""
        sc = _parse(body)
        try:
            run_id = jobs.submit_ensemble(
                sc, body.yaml, body.samples, body.seed, body.method, store_path
            )
        except JobLimitError as exc:
            raise HTTPException(429, str(exc)) from None
        return {"run_id": run_id, "samples": body.samples}

    @app.get("/api/ensembles/{run_id}", tags=["ensembles"])
    def ensemble(run_id: str) -> dict[str, Any]:
        """Percentiles (shares, HHI) and deficit probabilities of one run."""
        from reechain.ensemble.store import Store
        from reechain.reports.ensemble import tables

        store = Store(store_path) if store_path.exists() else None
        if store is None or run_id not in set(pages.ensemble_runs(store_path)["run_id"]):
            raise HTTPException(404, f"no run {run_id!r} in this server's store")
        t = tables(store, run_id)
        p = t["percentiles"]
        return {
            "run_id": run_id,
            "samples": len(t["ok"]),
            "percentiles": _json(p[p["metric"].isin(["share", "hhi"])].head(MAX_ROWS)),
            "deficit_probability": _json(t["deficit"].head(MAX_ROWS)),
        }

    # -- pages ------------------------------------------------------------------------------------
    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="application/javascript")

    @app.get("/static/topojson/world_110m.json", include_in_schema=False)
    def world_outlines() -> FileResponse:
        return FileResponse(STATIC / "topojson" / "world_110m.json", media_type="application/json")

    @app.get("/static/scenario.js", include_in_schema=False)
    def scenario_js() -> FileResponse:
        return FileResponse(STATIC / "scenario.js", media_type="application/javascript")

    # The dataset does not change while the server runs: pages of observed data are built once.
    overview_page = functools.cache(lambda: pages.overview(ds))
    criticality_html = functools.lru_cache(maxsize=64)(
        lambda year, importer: pages.criticality(ds, year, importer)
    )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview() -> str:
        return overview_page()

    @app.get("/balance", response_class=HTMLResponse, include_in_schema=False)
    def balance(deposit: str = "mount-weld", tonnes: float = 10_000) -> str:
        return pages.balance(ds, deposit, tonnes)

    @app.get("/scenario", response_class=HTMLResponse, include_in_schema=False)
    def scenario_page() -> str:
        return pages.scenario(needs_key=bool(api_key))

    @app.get("/ensembles", response_class=HTMLResponse, include_in_schema=False)
    def ensembles_page(run: str | None = None) -> str:
        return pages.ensembles(store_path, run)

    @app.get("/criticality", response_class=HTMLResponse, include_in_schema=False)
    def criticality_page(
        year: Annotated[int, Query(ge=1900, le=2100)] = 2023, importer: str = "USA"
    ) -> str:
        return criticality_html(year, importer.upper()[:8])

    return app
