"""Stockpiles: oxide held in a region and sold into its market when the price reaches a
trigger (scenario ``stockpile`` events).

Each row of the table is one element of one stockpile: its region, the stock at the start
[t REO], the years it may release, the most it may release a year [t REO/yr] and its trigger
price [USD/t] (the event's multiple of the element's observed base-year price). The model
releases it as a supply step at the trigger price: only when the region's shadow price
reaches the trigger, and never more than the stock over the run's years. The stock links the
years, so even a myopic run chooses when to release with foresight of the run's years (the
holder sells where the market pays most, within its years and yearly rate).
"""

from __future__ import annotations

import pandas as pd

from reechain.engine import periods
from reechain.engine.inputs.context import Context
from reechain.errors import ReechainError

COLUMNS = ["item", "stockpile", "region", "element", "stock", "first", "last", "rate", "price"]


def stockpile_table(ctx: Context, prices: pd.Series, elements: list[str]) -> pd.DataFrame:
    """The stockpiles of the scenario, one row per stockpile and element (empty without
    any); ``prices`` are the observed base-year oxide prices [USD/t]."""
    rows = []
    for ev in ctx.events.stockpiles:
        for element, stock in ev.stocks.items():
            if element not in elements:
                raise ReechainError(
                    f"stockpile {ev.name!r} holds {element}, which the model does not carry"
                )
            price = prices.get(element)
            if price is None or pd.isna(price):
                raise ReechainError(
                    f"stockpile {ev.name!r}: {element} has no observed price to set its "
                    "release trigger; add a price row (prices table)"
                )
            rows.append(
                {
                    "item": f"{ev.name}:{element}",
                    "stockpile": ev.name,
                    "region": ctx.region_of(ev.region),
                    "element": element,
                    "stock": float(stock),
                    "first": ev.from_ if ev.from_ is not None else ctx.base + 1,
                    "last": ev.until if ev.until is not None else periods.year_of(ctx.years[-1]),
                    "rate": float(stock) * ev.max_release_share,
                    "price": float(price) * ev.release_price,
                }
            )
            ctx.book.note(
                f"stockpile {ev.name} {element}",
                float(stock),
                "t REO",
                f"in {ctx.region_of(ev.region)}; released at {ev.release_price}x the observed "
                f"price ({float(price) * ev.release_price:,.0f} USD/t), at most "
                f"{ev.max_release_share:.0%} of it a year",
                "",
            )
    return pd.DataFrame(rows, columns=COLUMNS)
