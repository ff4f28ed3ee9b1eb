"""/api/scenarios/validate and /api/runs: check a scenario, run it as a background job."""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from reechain.web.common import (
    BUSY_PROBLEM,
    KEY_PROBLEM,
    Context,
    Problem,
    ScenarioText,
)
from reechain.web.jobs import JobLimitError

NOT_FINISHED = {409: {"model": Problem, "description": "Job not finished"}}


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["scenarios"])
    jobs = ctx.jobs

    key = [Depends(ctx.require_key())]

    @api.post("/scenarios/validate", dependencies=key, responses=KEY_PROBLEM)
    def validate(body: ScenarioText) -> dict[str, Any]:
        """Check a scenario; 422 lists every problem with its line and field."""
        sc = ctx.parse(body)
        return {
            "ok": True,
            "name": sc.name,
            "years": [sc.base_year, sc.horizon],
            "events": len(sc.events),
        }

    @api.post(
        "/runs",
        status_code=202,
        dependencies=[Depends(ctx.require_key())],
        responses={**KEY_PROBLEM, **NOT_FINISHED, **BUSY_PROBLEM},
    )
    def submit(body: ScenarioText) -> dict[str, Any]:
        """Run a scenario (and its no-event baseline) as a job."""
        sc = ctx.parse(body)
        try:
            job = jobs.submit(sc)
        except JobLimitError as exc:
            raise HTTPException(429, str(exc)) from None
        return {"id": job.id, "status": job.status}

    def job_of(job_id: str):
        try:
            return jobs.get(job_id)
        except KeyError:
            raise HTTPException(404, f"no job {job_id!r}") from None

    @api.get("/runs/{job_id}", dependencies=key, responses=KEY_PROBLEM)
    def status(job_id: str) -> dict[str, Any]:
        """A job's status (queued, running, done, failed)."""
        job = job_of(job_id)
        return {
            "id": job.id,
            "status": job.status,
            "error": job.error,
            "scenario": job.scenario.name,
        }

    @api.get("/runs/{job_id}/result", dependencies=key, responses={**KEY_PROBLEM, **NOT_FINISHED})
    def result(job_id: str) -> dict[str, Any]:
        """Key figures and the report's figures (Plotly JSON) of a finished job."""
        job = job_of(job_id)
        if job.status != "done":
            raise HTTPException(409, f"job {job_id} is {job.status}; poll /api/runs/{job_id}")
        return job.payload

    return api
