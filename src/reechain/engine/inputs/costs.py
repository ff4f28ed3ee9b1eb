"""Operating costs by place: the mining cost of each pool (its country and ore type) from the
``costs`` table, ``mining_cost`` (a labelled assumption) where the data has no figure, less a
project deposit's by-product credit. Every cost taken from the data is noted in provenance.
"""

from __future__ import annotations

import pandas as pd

from reechain.engine.inputs.byproducts import byproduct_credit
from reechain.engine.inputs.context import Context, preferred

COLUMNS = ["stage", "key", "usd_per_t"]
# The stages after mining keep one labelled cost everywhere (``separation_cost``,
# ``metal_cost``, ``magnet_cost``): separation outside China has only a tolling charge
# (Songwe Hill's US$10/kg REO, a price that recovers capital) and China only an all-in oxide
# cost (Baotou, US$7-10/kg with the concentrate); set side by side as operating costs they
# would idle plants for want of a like-for-like figure. Metal and magnets: China's figures are
# price spreads and a vendor's cost split (low reliability), the rest of the world's a
# post-control price premium. The rows stay in the costs table for the record.


def place_costs(ctx: Context, pools: pd.DataFrame, defaults: dict[str, float]) -> pd.DataFrame:
    """[stage, key, usd_per_t]: the mining cost of each pool (key: the pool) [USD/t REO]; the
    stages after mining keep their scalar cost (see the module's note); ``defaults`` are the
    stages' labelled unit costs [USD/t]."""
    table = _known(ctx)
    rows = []
    for pool in pools.itertuples():
        kind = getattr(pool, "pool_type", None)
        cost = _lookup(table, "mining", pool.country, kind)
        if pool.basis == "project":  # a project's own deposit: its by-products' credit
            cost = _credited(ctx, pool.pool, cost, defaults["mine"])
        rows.append(("mining", pool.pool, cost))
    out = pd.DataFrame(rows, columns=COLUMNS)
    sourced = out[out["usd_per_t"].notna()]
    if len(sourced):
        mining = table[(table["stage"] == "mining") & table["value"].notna()]
        ctx.book.note(
            "mining costs from the data",
            sourced.set_index("key")["usd_per_t"].round(0).to_dict(),
            "USD/t",
            "costs table (preferred rows; WLD for places without a row of their own); every "
            "other pool at the labelled default mining_cost",
            ";".join(sorted(set(mining["source_id"]))),
        )
    out["usd_per_t"] = out["usd_per_t"].fillna(defaults["mine"])
    return out


def _credited(ctx: Context, pool: str, cost: float, default: float) -> float:
    """A project pool's mining cost less its deposit's by-product credit [USD/t REO] (the
    cost: the table's, else ``default``); noted in provenance."""
    deposit = pool.split(":", 1)[0]
    credit, how, sources = byproduct_credit(ctx.ds, deposit, ctx.base)
    if not credit:
        return cost
    before = default if pd.isna(cost) else cost
    ctx.book.note(
        f"by-product credit {pool}",
        round(credit),
        "USD/t REO",
        f"{how}; mining cost {before:,.0f} - credit = {before - credit:,.0f} USD/t REO (a "
        "negative cost: the by-products pay for the mining)",
        sources,
    )
    return before - credit


def _known(ctx: Context) -> pd.DataFrame:
    """The costs table's preferred rows (missing ones too: a place whose cost is missing
    takes the default, not another place's cost)."""
    return preferred(ctx.table("costs"))


def _lookup(table: pd.DataFrame, stage: str, country: str, ore_type: str | None) -> float:
    """The cost of ``stage`` in ``country`` (mining: for ``ore_type``) [USD/t]; the WLD row
    where the country has no row; NaN where the row found is missing or there is none."""
    part = table[table["stage"] == stage]
    if stage == "mining":
        part = part[part["ore_type"] == ore_type]
    for place in (country, "WLD"):
        hit = part[part["region"] == place]
        if len(hit):
            return float(hit.sort_values("year").iloc[-1]["value"])
    return float("nan")
