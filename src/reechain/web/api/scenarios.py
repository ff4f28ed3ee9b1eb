"""/api/scenarios/validate and /api/runs: check a scenario, run it as a background job, follow
or cancel it, read its results as data (the run's tables, paged); the scenario page's view of a
finished run (HTML sections and Plotly figures) is at /scenario/runs/{id}, outside the API."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query

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
    too_many_jobs,
)
from reechain.web.jobs import Job, JobFinishedError, JobLimitError
from reechain.web.models import Job as JobModel
from reechain.web.models import JobSubmitted, RunResult, RunRow, RunTable, Validated

RUNS = ("scenario", "baseline")
JobId = Annotated[str, Path(alias="id", description="The job's id (POST /api/runs).")]


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
    keyed = ctx.key_errors

    @api.post("/scenarios/validate", dependencies=key, responses=errors(400, *keyed, *BODY_ERRORS))
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
        responses=errors(400, *keyed, 429, *BODY_ERRORS),
    )
    def submit(body: ScenarioText) -> JobSubmitted:
        """Run a scenario (and its no-event baseline) as a job; poll /api/runs/{id}. At the
        job limit, a 429 whose Retry-After says when to try again [s]."""
        sc = ctx.parse(body)
        try:
            job = jobs.submit(sc)
        except JobLimitError as exc:
            raise too_many_jobs(exc) from None
        return JobSubmitted(id=job.id, state=job.status, status=job.status)

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

    @api.get("/runs/{id}", dependencies=key, responses=errors(*keyed, 404, 422))
    def status(job_id: JobId) -> JobModel:
        """A job's state and times; when done, where its results are."""
        return job_status(job_of(job_id))

    @api.post("/runs/{id}/cancel", dependencies=key, responses=errors(*keyed, 404, 409, 422))
    def cancel(job_id: JobId) -> JobModel:
        """Cancel a job: a queued one never starts; a running one stops after the step it is
        in (its scenario's run or its baseline's) and keeps no result. Its state is then
        cancelling until that step ends, then cancelled; cancelling again changes nothing; a
        job already done or failed is a 409."""
        try:
            return job_status(jobs.cancel(job_of(job_id)))
        except JobFinishedError as exc:
            raise HTTPException(409, str(exc)) from None

    @api.get("/runs/{id}/result", dependencies=key, responses=errors(*keyed, 404, 409, 422))
    def result(job_id: JobId) -> RunResult:
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
        "/runs/{id}/tables/{name}",
        dependencies=key,
        responses={**PAGED, **errors(*keyed, 404, 409, 422)},
        response_model_exclude_unset=True,
    )
    def table(
        job_id: JobId,
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
        return paging.page(
            rows, total=len(df), empty=lambda: f"the {run} run has no rows in its {name} table"
        )

    @view.get("/scenario/runs/{id}", dependencies=key)
    def run_view(job_id: JobId) -> dict[str, Any]:
        """The scenario page's view of a finished job: cards and tables (HTML), each chart as
        its section (HTML) and figure (Plotly JSON)."""
        return finished(job_id).payload["view"]

    def job_status(job: Job) -> JobModel:
        done = job.status == "done"
        return JobModel(
            id=job.id,
            state=job.status,
            status=job.status,
            created=job.created,
            started=job.started,
            finished=job.finished,
            error=job.error,
            scenario=job.scenario.name,
            result=f"/api/runs/{job.id}/result" if done else None,
            view=f"/scenario/runs/{job.id}" if done else None,
        )

    outer = APIRouter()
    outer.include_router(api)
    outer.include_router(view)
    return outer
