"""/api/balance: a deposit's output by element for a tonnage of its rare earth oxide (the
balance problem, ``analysis.balance``). What the composition doesn't itemise is null with the
reason, never zero."""

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query

from reechain.analysis.balance import MAGNET_REE, NDPR, ElementBalance, deposit_output
from reechain.reports.tables import balance_amount
from reechain.web.common import Context, OneOf, answered_once, as_json, errors
from reechain.web.models import Amount, Balance, CompositionUsed

EXACT_T = 0.5  # an amount whose bounds are closer than this [t REO] is exact


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["analytics"])
    ds = ctx.ds
    deposits = OneOf("deposit", ds.table("deposits")["deposit_id"])
    compositions = OneOf("composition", ds.table("compositions")["composition_id"])
    answer = answered_once(64)(
        lambda deposit, tonnes, composition: balance_of(
            deposit_output(ds, deposit, tonnes, composition)
        )
    )

    @api.get("/balance", responses=errors(400, 422))
    def balance(
        deposit: Annotated[str, Query(description="The deposit's id.", **deposits.schema)],
        tonnes: Annotated[
            float, Query(ge=0, le=1e9, description="Rare earth oxide to split [t REO].")
        ],
        composition: Annotated[
            str | None,
            Query(
                description="A composition id; default the deposit's own, else its ore "
                "type's (a deposit with neither needs one: 400).",
                **compositions.schema,
            ),
        ] = None,
    ) -> Balance:
        """The element balance of ``tonnes`` of a deposit's TREO: oxide and metal by element,
        NdPr and magnet rare earths (exact, or bounds with the reason), and the elements in
        surplus if the deposit ran for the market's NdPr."""
        chosen = compositions(composition) if composition is not None else None
        return answer(deposits(deposit), tonnes, chosen)

    return api


def balance_of(res: ElementBalance) -> Balance:
    """The API's answer from the analysis' balance."""
    c = res.choice
    return Balance(
        deposit_id=res.deposit_id,
        deposit_name=res.deposit_name,
        treo_t=res.treo_t,
        composition=CompositionUsed(
            composition_id=c.composition_id,
            ore_type=None if pd.isna(c.ore_type) else str(c.ore_type),
            borrowed=c.borrowed,
            reason=c.reason,
        ),
        ndpr_oxide=amount(res, NDPR),
        magnet_ree_oxide=amount(res, MAGNET_REE),
        unassigned_t=res.unassigned_t,
        elements=[{**row, "missing": _missing(res, row)} for row in as_json(res.table)],
        surplus_elements=res.surplus_elements,
        notes=res.notes,
        sources=list(res.sources["source_id"]),
    )


def amount(res: ElementBalance, elements: tuple[str, ...]) -> Amount:
    """The oxide of ``elements`` [t REO]: exact, or null with its bounds and why."""
    low, high = res.total(elements), res.upper(elements)
    exact = high - low < EXACT_T
    return Amount(
        value=low if exact else None,
        low=low,
        high=high,
        reason=None if exact else balance_amount(res, elements),
    )


def _missing(res: ElementBalance, row: dict) -> str | None:
    """Why a row's market share, balance ratio or surplus is null; None when none is."""
    if res.market is None:
        return "surplus not assessed: the data has no world demand split by element"
    year = int(res.market["year"].iloc[0])
    if row["market_share"] is None:
        return f"the world demand split of {year} does not itemise {row['element']}"
    if row["balance_ratio"] is None:
        return f"{row['element']} has no share of world demand in {year} to compare with"
    return None
