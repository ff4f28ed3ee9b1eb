"""/api/scenarios/validate and /api/runs: check a scenario, run it as a background job, read
its results as data (the run's tables, paged); the scenario page's view of a finished run
(HTML sections and Plotly figures) is at /scenario/runs/{job_id}, outside the API."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.engine.tables import TABLES, result_tables
from reechain.web import pages
from reechain.web.common import (
    BODY_ERRORS,
    PAGED,
    Context,
    Paging,
    ScenarioText,
    as_json,
    errors,
    paged,
)
from reechain.web.jobs import Job, JobLimitError
from reechain.web.models import Job as JobModel
from reechain.web.models import JobSubmitted, RunResult, RunRow, RunTable, Validated

RUNS = ("scenario", "baseline")


def run_answer(ds: Dataset, res: ScenarioResult, base: ScenarioResult) -> dict[str, Any]:
    """What a finished job keeps: its run's and baseline's tables (typed, as in the run folder)
    and the scenario page's view."""
    return {
        "years": [res.scenario.base_year, res.scenario.horizon],
        "tables": {"scenario": result_tables(res.result), "baseline": result_tables(base.result)},
        "view": pages.run_payload(ds, res, base),
    }


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["scenarios"])
    view = APIRouter(include_in_schema=False)
    jobs = ctx.jobs
    key = [Depends(ctx.require_key())]

    @api.post("/scenarios/validate", dependencies=key, responses=errors(400, 401, *BODY_ERRORS))
    def validate(body: ScenarioText) -> Validated:
        """Check a scenario; 422 lists every problem with its line and field."""
        sc = ctx.parse(body)
        return Validated(
            ok=True, name=sc.name, years=[sc.base_year, sc.horizon], events=len(sc.events)
        )

    @api.post(
        "/runs",
        status_code=202,
        dependencies=key,
        responses=errors(400, 401, 429, *BODY_ERRORS),
    )
    def submit(body: ScenarioText) -> JobSubmitted:
        """Run a scenario (and its no-event baseline) as a job; poll /api/runs/{id}."""
        sc = ctx.parse(body)
        try:
            job = jobs.submit(sc)
        except JobLimitError as exc:
            raise HTTPException(429, str(exc)) from None
        return JobSubmitted(id=job.id, status=job.status)

    def job_of(job_id: str) -> Job:
        try:
            return jobs.get(job_id)
        except KeyError:
            raise HTTPException(404, f"no job {job_id!r}") from None

    def finished(job_id: str) -> Job:
        job = job_of(job_id)
        if job.status != "done":
            raise HTTPException(409, f"job {job_id} is {job.status}; poll /api/runs/{job_id}")
        return job

    @api.get("/runs/{job_id}", dependencies=key, responses=errors(401, 404, 422))
    def status(job_id: str) -> JobModel:
        """A job's status (queued, running, done, failed); when done, where its results are."""
        job = job_of(job_id)
        done = job.status == "done"
        return JobModel(
            id=job.id,
            status=job.status,
            error=job.error,
            scenario=job.scenario.name,
            result=f"/api/runs/{job.id}/result" if done else None,
            view=f"/scenario/runs/{job.id}" if done else None,
        )

    @api.get("/runs/{job_id}/result", dependencies=key, responses=errors(401, 404, 409, 422))
    def result(job_id: str) -> RunResult:
        """A finished job's results as data: its tables with their row counts and paths."""
        job = finished(job_id)
        tables = job.payload["tables"]
        return RunResult(
            id=job.id,
            scenario=job.scenario.name,
            years=job.payload["years"],
            tables=[
                RunTable(
                    name=name,
                    description=t.description,
                    rows={run: len(tables[run][name]) for run in RUNS},
                    path=f"/api/runs/{job.id}/tables/{name}",
                )
                for name, t in TABLES.items()
            ],
        )

    @api.get(
        "/runs/{job_id}/tables/{name}",
        dependencies=key,
        responses={**PAGED, **errors(401, 404, 409, 422)},
        response_model_exclude_unset=True,
    )
    def table(
        job_id: str,
        name: Literal[tuple(TABLES)],
        paging: Annotated[Paging, paged()],
        run: Annotated[
            Literal[RUNS], Query(description="The scenario's run or its no-event baseline.")
        ] = "scenario",
    ) -> list[RunRow]:
        """Rows of one table of a finished job's run (or its baseline's), a page at a time;
        the table's columns and units are in its description (/api/runs/{id}/result)."""
        df = finished(job_id).payload["tables"][run][name]
        rows = as_json(df.iloc[paging.offset : paging.offset + paging.limit])
        return paging.page(rows, total=len(df))

    @view.get("/scenario/runs/{job_id}", dependencies=key)
    def run_view(job_id: str) -> dict[str, Any]:
        """The scenario page's view of a finished job: cards and tables (HTML), each chart as
        its section (HTML) and figure (Plotly JSON)."""
        return finished(job_id).payload["view"]

    outer = APIRouter()
    outer.include_router(api)
    outer.include_router(view)
    return outer
