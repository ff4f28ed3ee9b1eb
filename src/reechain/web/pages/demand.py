"""The demand page: world magnet demand by end use (history, then the baseline's drivers), the
year's magnets in use and their end of life."""

from __future__ import annotations

import html

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.reports import plot
from reechain.web.pages.parts import Card, Chart, cards_html, chart_section, pct, table_section
from reechain.web.pages.shell import layout
from reechain.web.pages.tables import human

TITLE = "Magnet demand by end use and magnets in use"


def end_use_name(end_use: str) -> str:
    """An end use id as words ('ev_traction_motor' -> 'ev traction motor')."""
    return str(end_use).replace("_", " ")


def demand_cards(
    paths: pd.DataFrame, year: int, base_year: int, in_use: float, recycled: float
) -> list[Card]:
    """World magnet demand in ``year`` and its change from the base year, the largest end use,
    the magnets in use and what end-of-life recycling returns."""
    by_year = paths.groupby("year")["value"].sum()
    now, then = float(by_year.get(year, float("nan"))), float(by_year.get(base_year, float("nan")))
    shares = paths[paths["year"] == year].set_index("end_use")["value"] / now
    top = shares.idxmax()
    return [
        Card(
            f"World magnet demand ({year})",
            now,
            f"{now:,.0f} t",
            "NdFeB magnets a year, all end uses",
            f"{now / then:.1f}× {base_year}" if then > 0 else "",
        ),
        Card(
            f"Largest end use ({year})",
            float(shares[top]),
            pct(shares[top], 0),
            f"{end_use_name(top)}: its share of world magnet demand",
        ),
        Card(
            f"Magnets in use ({year})",
            in_use,
            f"{in_use:,.0f} t",
            "in end uses with a known lifetime (the others are unknown, not zero)",
        ),
        Card(
            f"Recycled from end of life ({year})",
            recycled,
            f"{recycled:,.0f} t",
            "magnet material a year back into magnet making",
        ),
    ]


def demand_chart(paths: pd.DataFrame, base_year: int) -> Chart:
    """World magnet demand by end use, stacked."""
    fig = plot.stacked_area(
        paths,
        "year",
        "value",
        "end_use",
        "World magnet demand by end use [t magnet]: history, then electric cars and wind on "
        "their drivers (IEA STEPS), the rest at the IEA-derived rate",
        "t magnet",
        base_year,
    )
    data = pd.DataFrame(
        {
            "year": paths["year"],
            "end use": paths["end_use"].map(end_use_name),
            "demand [t magnet]": paths["value"],
            "projected": paths["projected"],
        }
    )
    last = int(paths["year"].max())
    top = paths[paths["year"] == last].sort_values("value", ascending=False).iloc[0]
    summary = (
        f"World demand grows to {paths.loc[paths['year'] == last, 'value'].sum():,.0f} t of "
        f"magnets in {last}, the most for {end_use_name(top['end_use'])}."
    )
    return Chart("demand", fig, data, summary)


def demand(ds: Dataset, year: int) -> str:
    """The demand page for ``year``'s magnets in use."""
    from reechain.analysis.demand import demand_paths, scenario_for, stock_summary

    sc = scenario_for(max(year, 2040))
    paths = demand_paths(ds, sc)
    summary = stock_summary(ds, scenario_for(year), year)
    stocks = summary.table.rename(columns=lambda c: human(c))
    stocks["end use"] = stocks["end use"].map(end_use_name)
    in_use = float(summary.table["in use [t]"].sum())
    missing = ", ".join(end_use_name(e) for e in summary.unstocked.index) or "none"
    sources = sorted({r["source_id"] for r in summary.provenance if r["source_id"]})
    body = (
        cards_html(demand_cards(paths, year, sc.base_year, in_use, summary.flows["recycled"]))
        + chart_section(demand_chart(paths, sc.base_year))
        + table_section(
            "stocks",
            f"Magnets in use, {year}",
            stocks,
            f"End uses without a lifetime in the data (their stock and end of life are unknown, "
            f"not zero): {missing}.",
        )
        + "<p class='note'>Sources: "
        + html.escape("; ".join(sources))
        + "; drivers table (IEA Global EV "
        "Outlook, GWEC), magnet_end_uses (IEA GCMO 2024).</p>"
    )
    return layout(TITLE, body, "/demand")
