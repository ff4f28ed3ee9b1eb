"""/api/ensembles: the server's ensemble store, and Monte Carlo runs as background jobs."""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from reechain.web import pages
from reechain.web.common import (
    BUSY_PROBLEM,
    KEY_PROBLEM,
    MAX_ROWS,
    Context,
    EnsembleRequest,
    as_json,
)
from reechain.web.jobs import JobLimitError


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["ensembles"])
    store_path = ctx.store_path

    @api.get("/ensembles", dependencies=[Depends(ctx.require_key())], responses=KEY_PROBLEM)
    def ensembles() -> list[dict[str, Any]]:
        """Runs in the server's ensemble store (empty if there is none)."""
        return as_json(pages.ensemble_runs(store_path))

    @api.post(
        "/ensembles",
        status_code=202,
        dependencies=[Depends(ctx.require_key())],
        responses={**KEY_PROBLEM, **BUSY_PROBLEM},
    )
    def submit_ensemble(body: EnsembleRequest) -> dict[str, Any]:
        """Start a Monte Carlo run in the server's store; poll /api/ensembles for progress."""
        sc = ctx.parse(body)
        try:
            run_id = ctx.jobs.submit_ensemble(
                sc, body.yaml, body.samples, body.seed, body.method, store_path
            )
        except JobLimitError as exc:
            raise HTTPException(429, str(exc)) from None
        return {"run_id": run_id, "samples": body.samples}

    @api.get(
        "/ensembles/{run_id}", dependencies=[Depends(ctx.require_key())], responses=KEY_PROBLEM
    )
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
            "percentiles": as_json(p[p["metric"].isin(["share", "hhi"])].head(MAX_ROWS)),
            "deficit_probability": as_json(t["deficit"].head(MAX_ROWS)),
        }

    return api
