"""/api/ensembles: the server's ensemble store, and Monte Carlo runs as background jobs."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

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
)
from reechain.web.jobs import JobLimitError
from reechain.web.models import EnsembleRun, EnsembleSubmitted, EnsembleSummary


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["ensembles"])
    store_path = ctx.store_path
    key = [Depends(ctx.require_key())]

    def runs() -> list[dict]:
        runs = pages.ensemble_runs(store_path)
        if "created" in runs:  # a timestamp, as ISO 8601 text
            runs["created"] = runs["created"].map(lambda t: t.isoformat(), na_action="ignore")
        return as_json(runs)

    @api.get("/ensembles", dependencies=key, responses={**PAGED, **errors(401, 422)})
    def ensembles(paging: Annotated[Paging, paged()]) -> list[EnsembleRun]:
        """Runs in the server's ensemble store, oldest first (empty if there is none)."""
        return paging.page(runs())

    @api.post(
        "/ensembles",
        status_code=202,
        dependencies=key,
        responses=errors(400, 401, 429, *BODY_ERRORS),
    )
    def submit_ensemble(body: EnsembleRequest) -> EnsembleSubmitted:
        """Start a Monte Carlo run in the server's store; poll /api/ensembles for progress."""
        sc = ctx.parse(body)
        try:
            run_id = ctx.jobs.submit_ensemble(
                sc, body.yaml, body.samples, body.seed, body.method, store_path
            )
        except JobLimitError as exc:
            raise HTTPException(429, str(exc)) from None
        return EnsembleSubmitted(run_id=run_id, samples=body.samples)

    @api.get("/ensembles/{run_id}", dependencies=key, responses=errors(401, 404, 422))
    def ensemble(run_id: str, paging: Annotated[Paging, paged()]) -> EnsembleSummary:
        """Percentiles (shares, HHI) and deficit probabilities of one run; ``limit`` and
        ``offset`` page both lists, ``next`` is the following page of either."""
        from reechain.ensemble.store import Store
        from reechain.reports.ensemble import tables

        if not store_path.exists() or run_id not in {r["run_id"] for r in runs()}:
            raise HTTPException(404, f"no run {run_id!r} in this server's store")
        t = tables(Store(store_path), run_id)
        p = t["percentiles"]
        percentiles = as_json(p[p["metric"].isin(["share", "hhi"])])
        deficit = as_json(t["deficit"])
        window = slice(paging.offset, paging.offset + paging.limit)
        return EnsembleSummary(
            run_id=run_id,
            samples=len(t["ok"]),
            percentiles_total=len(percentiles),
            deficit_total=len(deficit),
            next=paging.next_path(max(len(percentiles), len(deficit))),
            percentiles=percentiles[window],
            deficit_probability=deficit[window],
        )

    return api
