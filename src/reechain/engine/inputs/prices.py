"""Prices and costs: base-year oxide prices, the magnet price that demand is willing to pay,
and the unit costs of production and transport (labelled assumptions)."""

from __future__ import annotations

import pandas as pd

from reechain.engine.inputs.context import Book, Context, preferred

# Stock holding cost as a fraction of the surplus disposal cost [fraction], per t and year.
STOCK_HOLDING_PER_DISPOSAL = 0.1


def oxide_prices(ctx: Context, elements: list[str]) -> pd.Series:
    """Element -> base-year oxide price [USD/t]: the latest USGS annual average up to the base
    year; Pr priced as Nd; elements without a price at the lowest known price (a floor; said
    in provenance)."""
    p = preferred(ctx.table("prices"))
    p = p[
        (p["unit"] == "USD/kg")
        & (p["period"] == "annual")
        & (p["price_type"] == "annual_average")
        & p["value"].notna()
        & (p["year"] <= ctx.base)
    ]
    out = {}
    for e in elements:
        formula = ctx.element_table.loc[e, "oxide_formula"]
        rows = p[p["material"] == formula].sort_values("year")
        if len(rows):
            out[e] = float(rows["value"].iloc[-1]) * 1000
    if "Pr" not in out and "Nd" in out:
        out["Pr"] = out["Nd"]
    floor = min(out.values()) if out else 1000.0
    for e in elements:
        out.setdefault(e, floor)
    ctx.book.note(
        "base oxide prices",
        {k: round(v) for k, v in out.items()},
        "USD/t",
        "USGS annual averages (latest year <= base); Pr priced as Nd; elements without a "
        "price in the data at the lowest known price",
        "",
    )
    return pd.Series(out)


def magnet_price(
    book: Book,
    prices: pd.Series,
    recipe: pd.DataFrame,
    metal_per_oxide: pd.Series,
    re_per_magnet: float,
) -> float:
    """Price of a tonne of magnet [USD/t magnet]: the dearest grade's element content priced
    at the oxide prices [USD/t] per t metal (``metal_per_oxide`` [t metal/t oxide]), plus the
    magnet cost and the metal cost of its rare earth content ``re_per_magnet`` [t/t]."""
    per_metal = pd.Series({e: prices[e] / metal_per_oxide.loc[e] for e in recipe.columns})
    price = float((recipe * per_metal).sum(axis=1).max())
    return price + (book.assumption("magnet_cost") + book.assumption("metal_cost") * re_per_magnet)


def unit_costs(book: Book) -> dict[str, float]:
    """Costs [USD/t] of each stage, of transport and of surplus, from the assumptions."""
    return {
        "mine": book.assumption("mining_cost"),
        "separation": book.assumption("separation_cost"),
        "metal": book.assumption("metal_cost"),
        "magnet": book.assumption("magnet_cost"),
        "transport_concentrate": book.assumption("concentrate_transport_cost"),
        "transport_oxide": book.assumption("oxide_transport_cost_interregional"),
        "transport_metal": book.assumption("metal_transport_cost"),
        "transport_magnet": book.assumption("magnet_transport_cost"),
        "surplus": book.assumption("surplus_oxide_disposal_cost"),
        "stock_holding": book.assumption("surplus_oxide_disposal_cost")
        * STOCK_HOLDING_PER_DISPOSAL,
    }
