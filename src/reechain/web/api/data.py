"""/api/tables and /api/sources: the dataset as it is."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from reechain.errors import UnknownNameError
from reechain.web.common import MAX_ROWS, Context, answered_once, as_json


def router(ctx: Context) -> APIRouter:
    ds = ctx.ds
    api = APIRouter(prefix="/api", tags=["data"])

    @answered_once(1)
    def table_list() -> list[dict[str, Any]]:
        return [
            {"table": n, "rows": len(ds.table(n)), "description": t.description}
            for n, t in ds.schema.tables.items()
        ]

    @api.get("/tables")
    def tables() -> list[dict[str, Any]]:
        """The dataset's tables with their row counts and descriptions."""
        return table_list()

    @api.get("/tables/{name}")
    def table(
        name: str,
        limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        """Rows of one table (paged)."""
        if name not in ds.schema.tables:
            raise HTTPException(404, str(UnknownNameError("table", name, ds.schema.tables)))
        df = ds.table(name)
        return {"table": name, "total": len(df), "rows": as_json(df.iloc[offset : offset + limit])}

    source_rows = answered_once(1)(lambda: as_json(ds.table("sources")))

    @api.get("/sources")
    def sources() -> list[dict[str, Any]]:
        """Every source the data cites."""
        return source_rows()

    return api
