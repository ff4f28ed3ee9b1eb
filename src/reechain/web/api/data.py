"""/api/tables and /api/sources: the dataset as it is."""

from typing import Annotated

from fastapi import APIRouter, HTTPException

from reechain.errors import UnknownNameError
from reechain.web.common import (
    PAGED,
    Context,
    Paging,
    answered_once,
    as_json,
    errors,
    paged,
)
from reechain.web.models import Source, TableInfo, TablePage

TABLE_PAGE = 100  # rows of a table page unless the client asks for more


def router(ctx: Context) -> APIRouter:
    ds = ctx.ds
    api = APIRouter(prefix="/api", tags=["data"])

    @answered_once(1)
    def table_list() -> list[dict]:
        return [
            {"table": n, "rows": len(ds.table(n)), "description": t.description}
            for n, t in ds.schema.tables.items()
        ]

    @api.get("/tables", responses={**PAGED, **errors(422)})
    def tables(paging: Annotated[Paging, paged()]) -> list[TableInfo]:
        """The dataset's tables with their row counts and descriptions."""
        return paging.page(table_list())

    @api.get("/tables/{name}", responses={**PAGED, **errors(404, 422)})
    def table(name: str, paging: Annotated[Paging, paged(TABLE_PAGE)]) -> TablePage:
        """Rows of one table, a page at a time (100 rows unless ``limit`` says otherwise)."""
        if name not in ds.schema.tables:
            raise HTTPException(404, str(UnknownNameError("table", name, ds.schema.tables)))
        df = ds.table(name)
        rows = as_json(df.iloc[paging.offset : paging.offset + paging.limit])
        paging.page(rows, total=len(df))  # the headers, as on every list
        return TablePage(
            table=name,
            total=len(df),
            limit=paging.limit,
            offset=paging.offset,
            next=paging.next_path(len(df)),
            rows=rows,
        )

    source_rows = answered_once(1)(lambda: as_json(ds.table("sources")))

    @api.get("/sources", responses={**PAGED, **errors(422)})
    def sources(paging: Annotated[Paging, paged()]) -> list[Source]:
        """Every source the data cites."""
        return paging.page(source_rows())

    return api
