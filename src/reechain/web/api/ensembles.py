"""/api/ensembles: the server's ensemble store, and Monte Carlo runs as background jobs that can
be followed (state and times beside the store's status) and cancelled."""

from datetime import UTC, datetime
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Path

from reechain.engine.scenario import Scenario
from reechain.web import pages
from reechain.web.common import (
    BODY_ERRORS,
    PAGED,
    Context,
    EnsembleRequest,
    Paging,
    as_json,
    errors,
    paged,
    too_many_jobs,
)
from reechain.web.jobs import Job, JobFinishedError, JobLimitError
from reechain.web.models import EnsembleRun, EnsembleSubmitted, EnsembleSummary

RunId = Annotated[str, Path(alias="id", description="The run's id (POST /api/ensembles).")]
# The store's status in the scenario jobs' words (Job.status): 'with failures' has every
# sample stored (some failed in their model: the row's failed count), 'incomplete' stopped
# short on an error, 'interrupted' was stopped by its user.
STATE_OF_STATUS = {
    "created": "queued",
    "running": "running",
    "complete": "done",
    "with failures": "done",
    "incomplete": "failed",
    "interrupted": "cancelled",
    "cancelled": "cancelled",
}


def as_utc(created: Any) -> datetime | None:
    """The store's ``created`` (DuckDB hands back a naive timestamp in the local time of the
    process that wrote it: this server's, for the runs it records) as an aware UTC time."""
    if created is None or pd.isna(created):
        return None
    return pd.Timestamp(created).to_pydatetime().astimezone(UTC)


def with_job(row: dict[str, Any], job: Job | None) -> dict[str, Any]:
    """A store row with its id, its state and its times; this server's job (if it runs or
    ran it) has the say while it is queued or stopping and gives the started and finished
    times."""
    state = STATE_OF_STATUS.get(row.get("status"))
    if job is not None and (job.finished is None or job.status == "cancelled"):
        state = job.status
    return {
        **row,
        "id": row["run_id"],
        "created": as_utc(row.get("created")),
        "started": job.started if job else None,
        "finished": job.finished if job else None,
        "state": state,
    }


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["ensembles"])
    store_path = ctx.store_path
    key = [Depends(ctx.require_key())]
    keyed = ctx.key_errors

    def runs() -> list[dict]:
        rows = pages.ensemble_runs(store_path).astype(object)
        rows = rows.where(rows.notna(), None).to_dict(orient="records")
        return [with_job(r, ctx.jobs.ensemble(r["run_id"])) for r in rows]

    def run_of(run_id: str) -> dict:
        row = next((r for r in runs() if r["run_id"] == run_id), None)
        if row is None:
            raise HTTPException(404, f"no run {run_id!r} in this server's store")
        return row

    @api.get("/ensembles", dependencies=key, responses={**PAGED, **errors(*keyed, 422)})
    def ensembles(paging: Annotated[Paging, paged()]) -> list[EnsembleRun]:
        """Runs in the server's ensemble store, oldest first, with their state and times."""
        return paging.page(runs(), empty=lambda: "no ensemble run in this server's store yet")

    @api.post(
        "/ensembles",
        status_code=202,
        dependencies=key,
        responses=errors(400, *keyed, 429, *BODY_ERRORS),
    )
    def submit_ensemble(body: EnsembleRequest) -> EnsembleSubmitted:
        """Start a Monte Carlo run in the server's store; follow it at /api/ensembles/{id}.
        A Morris design of a scenario that varies no input (no ``uncertainty:`` section, no
        project of probability below 1) is a 422. At the job limit, a 429 whose Retry-After
        says when to try again [s]."""
        sc = ctx.parse(body)
        if body.method == "morris" and (why := morris_problem(sc)):  # before anything starts
            raise HTTPException(422, {"problems": [{"where": "body.method", "message": why}]})
        try:
            run_id = ctx.jobs.submit_ensemble(
                sc, body.yaml, body.samples, body.seed, body.method, store_path
            )
        except JobLimitError as exc:
            raise too_many_jobs(exc) from None
        return EnsembleSubmitted(id=run_id, run_id=run_id, samples=body.samples)

    @api.get("/ensembles/{id}", dependencies=key, responses=errors(*keyed, 404, 422))
    def ensemble(run_id: RunId, paging: Annotated[Paging, paged()]) -> EnsembleSummary:
        """A run's state and times, its percentiles (shares, HHI) and deficit
        probabilities; ``limit`` and ``offset`` page both lists, ``next`` is the following
        page of either."""
        from reechain.ensemble.store import Store
        from reechain.reports.ensemble import tables

        row = run_of(run_id)
        t = tables(Store(store_path), run_id)
        p = t["percentiles"]
        percentiles = as_json(p[p["metric"].isin(["share", "hhi"])])
        deficit = as_json(t["deficit"])
        longest = max(len(percentiles), len(deficit))
        window = slice(paging.offset, paging.offset + paging.limit)
        return EnsembleSummary(
            **{k: row[k] for k in ("id", "run_id", "state", "status")},
            **{k: row[k] for k in ("created", "started", "finished")},
            samples=len(t["ok"]),
            percentiles_total=len(percentiles),
            deficit_total=len(deficit),
            next=paging.next_path(longest),
            percentiles=percentiles[window],
            deficit_probability=deficit[window],
            note=summary_note(longest, paging.offset),
        )

    @api.post("/ensembles/{id}/cancel", dependencies=key, responses=errors(*keyed, 404, 409, 422))
    def cancel(run_id: RunId) -> EnsembleRun:
        """Cancel a run this server is running: a queued one never starts; a running one
        starts no further sample, the samples in flight end unstored and every stored sample
        stays (a resume runs the rest). Its state is cancelling until the samples in flight
        have ended, then cancelled. A run that has finished, or that this server is not
        running (the CLI's), is a 409."""
        run_of(run_id)
        job = ctx.jobs.ensemble(run_id)
        if job is None:
            raise HTTPException(409, f"run {run_id} is not running on this server")
        try:
            ctx.jobs.cancel(job, store_path)
        except JobFinishedError as exc:
            raise HTTPException(409, str(exc)) from None
        return run_of(run_id)

    return api


def morris_problem(sc: Scenario) -> str | None:
    """Why a Morris design of ``sc`` can't run, else None. Morris measures each uncertain
    input's elementary effects, so it needs one (the runner's words): the pipeline's draw
    (``pipeline: expected``) is a random seed with no effect to measure, so a scenario whose
    only varying input it is has none."""
    from reechain.ensemble.sampling import inputs_of

    if any(i.target != "pipeline_seed" for i in inputs_of(sc)):
        return None
    return (
        "a Morris design needs uncertain inputs (scenario: uncertainty): this scenario varies "
        "none (the pipeline's draw is a random seed, not an input whose effect can be "
        "measured); add an uncertainty: section, or sample it with random or lhs"
    )


def summary_note(longest: int, offset: int) -> str | None:
    """Why a run's summary lists are empty; None when they are not."""
    if longest == 0:
        return "no sample has finished with a result yet: the lists are empty, not zero"
    if offset >= longest:
        return f"offset {offset} is past the end of the lists ({longest} rows)"
    return None
