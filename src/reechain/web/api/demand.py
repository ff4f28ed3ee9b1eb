"""/api/demand, /api/stocks and /api/crma: magnet demand by end use, region or element, the
magnets in use, and the EU's Critical Raw Materials Act benchmarks, for the baseline (no
events). A scenario's own come with its run (``reechain demand --scenario``)."""

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Query

from reechain.analysis.crma import crma_of_scenario
from reechain.analysis.demand import BY, demand_table, scenario_for, stock_summary
from reechain.web.common import (
    PAGED,
    Context,
    OneOf,
    Paging,
    answered_once,
    as_json,
    errors,
    paged,
)
from reechain.web.models import CrmaBenchmark, ElementDemand, EndUseDemand, RegionDemand, Stocks

YearQ = Annotated[int, Query(ge=1900, le=2060, description="Year (history or projection).")]


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["demand"])
    ds = ctx.ds
    by_values = OneOf("by", BY)
    # The dataset does not change while the server runs: each year's answer is built once.
    demand_rows = answered_once(64)(
        lambda year, by: as_json(demand_table(ds, scenario_for(year), year, by))
    )
    stock_rows = answered_once(64)(lambda year: _stocks(ds, year))
    crma_rows = answered_once(32)(
        lambda importer, year: as_json(crma_of_scenario(ds, scenario_for(year), importer, year))
    )

    @api.get("/demand", responses={**PAGED, **errors(400, 422)})
    def demand(
        year: YearQ,
        paging: Annotated[Paging, paged()],
        by: Annotated[
            str, Query(description="end-use, region or element", **by_values.schema)
        ] = "end-use",
    ) -> list[EndUseDemand | RegionDemand | ElementDemand]:
        """Magnet demand of the baseline in a year [t magnet; by element t metal]."""
        return paging.page(demand_rows(year, by_values(by)))

    @api.get("/stocks", responses=errors(400, 422))
    def stocks(year: YearQ) -> Stocks:
        """Magnets in use, into use and at end of life by end use, the year's recycling flows
        and the end uses without a lifetime (stock unknown, not zero)."""
        return stock_rows(year)

    @api.get(
        "/crma",
        dependencies=[Depends(ctx.require_key())],
        responses={**PAGED, **errors(400, *ctx.key_errors, 422)},
    )
    def crma(
        year: YearQ,
        paging: Annotated[Paging, paged()],
        importer: Annotated[str, Query(description="ISO3 code or bloc (EU27).")] = "EU27",
    ) -> list[CrmaBenchmark]:
        """CRMA benchmarks of an importer from the baseline's modelled flows (solves the
        model: needs the API key when the server has one)."""
        return paging.page(crma_rows(importer.upper()[:8], year))

    return api


def _stocks(ds, year: int) -> dict[str, list]:
    summary = stock_summary(ds, scenario_for(year), year)
    return {
        "stocks": as_json(summary.table),
        "flows": as_json(summary.flows.rename("t/yr").rename_axis("flow").reset_index()),
        "eol_recycling_input_rate": as_json(
            summary.eol_rir.rename("rate").rename_axis("element").reset_index()
        ),
        "without_lifetime": as_json(
            pd.DataFrame({"end_use": summary.unstocked.index, "into_use_t": summary.unstocked})
        ),
    }
