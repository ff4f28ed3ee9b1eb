"""Prices and costs: base-year oxide prices, the magnet price that demand is willing to pay,
and the unit costs of production and transport (labelled assumptions)."""

from __future__ import annotations

import logging

import pandas as pd

from reechain.engine.inputs.context import Book, Context
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

# Stock holding cost as a fraction of the surplus disposal cost [fraction], per t and year.
STOCK_HOLDING_PER_DISPOSAL = 0.1


# Markets in the order a base price is taken from them (the first words of ``market``): USGS's
# annual averages, then FOB China, Europe and, converted to USD without VAT, China domestic.
MARKET_ORDER = ("USGS", "FOB China", "Europe", "China domestic")
MAX_YEARS_FROM_BASE = 1
PRICE_TYPE_ORDER = (
    "annual_average",
    "quarterly_average",
    "monthly_average",
    "unit_value",
    "point",
)


def oxide_prices(ctx: Context, elements: list[str]) -> pd.Series:
    """Element -> observed oxide price [USD/t] of the base year (else the year before, else
    the year after; an older quote is not the base year's market): by market
    (:data:`MARKET_ORDER`), then by kind of price (annual average first), then the preferred
    row; Pr and Nd fall back to Pr+Nd oxide. China domestic quotes are turned
    into USD without VAT. An element without any observed price stays missing (NaN), said in
    provenance; it is never priced at another element's price."""
    rows = observed_oxide_prices(ctx)
    out = {}
    for e in elements:
        formula = ctx.element_table.loc[e, "oxide_formula"]
        names = [formula] + (["Pr+Nd oxide"] if e in ("Pr", "Nd") else [])
        chosen = _first(rows[rows["material"].isin(names)], names, ctx.base)
        if chosen is None:
            out[e] = float("nan")
            continue
        out[e] = float(chosen["usd_per_t"])
        ctx.book.note(
            f"base price {e}",
            round(out[e]),
            "USD/t oxide",
            f"{chosen['material']}, {chosen['market']}, {chosen['year']} {chosen['period']} "
            f"({chosen['price_type']}){chosen['conversion']}",
            chosen["source_id"],
        )
    missing = [e for e, v in out.items() if pd.isna(v)]
    if missing:
        logger.warning("no observed price for %s: their demand has no price", ", ".join(missing))
        ctx.book.note(
            "elements without an observed price",
            missing,
            "",
            "no price row in the data within a year of the base year: they have no demand in "
            "the model (their output is reported as surplus, unpriced), not a placeholder price",
            "",
        )
    return pd.Series(out, dtype=float)


def observed_oxide_prices(ctx: Context) -> pd.DataFrame:
    """Price rows within a year of the base year with a value, each with ``usd_per_t``
    [USD/t] and the ``conversion`` applied (China domestic CNY: / (1 + VAT) / CNY per USD)."""
    p = ctx.table("prices")
    near = (p["year"] - ctx.base).abs() <= MAX_YEARS_FROM_BASE
    p = p[p["value"].notna() & near].copy()
    fx = ctx.book.assumption("cny_per_usd")
    vat = ctx.book.assumption("china_vat_rate")
    per_kg = p["unit"].str.endswith("/kg")
    usd = p["value"] * per_kg.map({True: 1000.0, False: 1.0})
    cny = p["unit"].str.startswith("CNY")
    domestic = p["market"].str.startswith("China domestic") & ~p["market"].str.contains(
        "VAT excluded"
    )
    usd = usd.where(~cny, usd / fx)
    usd = usd.where(~(cny & domestic), usd / (1 + vat))
    p["usd_per_t"] = usd
    p["conversion"] = ""
    p.loc[cny, "conversion"] = f"; CNY / {fx} per USD"
    p.loc[cny & domestic, "conversion"] += f", less VAT {vat:.0%}"
    return p


def _first(rows: pd.DataFrame, names: list[str], base: int) -> pd.Series | None:
    """The row to price from: the base year (else the year before, else after), material as
    named first, market and price type in their order, preferred first."""
    if rows.empty:
        return None

    def rank(values: pd.Series, order: tuple[str, ...] | list[str]) -> pd.Series:
        return values.map(lambda v: next((i for i, o in enumerate(order) if v.startswith(o)), 99))

    ranked = rows.assign(
        _year=(rows["year"] - base).abs() * 2 + (rows["year"] > base),
        _name=rank(rows["material"], names),
        _market=rank(rows["market"], MARKET_ORDER),
        _type=rank(rows["price_type"], PRICE_TYPE_ORDER),
        _pref=~rows["preferred"].fillna(False).astype(bool),
    )
    ranked = ranked[ranked["_market"] < 99]
    if ranked.empty:
        return None
    keys = ["_year", "_name", "_market", "_type", "_pref"]
    return ranked.sort_values(keys, kind="stable").iloc[0]


def magnet_price(
    book: Book,
    prices: pd.Series,
    recipe: pd.DataFrame,
    metal_per_oxide: pd.Series,
) -> pd.Series:
    """Grade -> price of a tonne of magnet [USD/t magnet]: its element content [t metal/t]
    priced at the oxide ``prices`` [USD/t oxide] per t metal (``metal_per_oxide`` [t metal/t
    oxide]), plus the metal cost of that content and the magnet cost. At these prices a
    magnet maker breaks even on every grade, so the base year's shadow prices of the elements
    in magnets are their observed prices."""
    used = [e for e in recipe.columns if (recipe[e] > 0).any()]
    unpriced = [e for e in used if pd.isna(prices.get(e))]
    if unpriced:
        raise ReechainError(
            f"magnets contain {', '.join(unpriced)} but the data has no observed oxide price "
            "for them within a year of the base year: add a price row (prices table)"
        )
    per_metal = pd.Series({e: prices[e] / metal_per_oxide.loc[e] for e in used})
    recipe = recipe[used]
    content = recipe.sum(axis=1)
    value = (recipe * per_metal).sum(axis=1)
    return value + book.assumption("metal_cost") * content + book.assumption("magnet_cost")


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
