"""The scenario page (an editor checked as you type; ``static/scenario.js`` runs the scenario in
a background job) and what a finished job shows: headline cards, key tables for people and
the report's charts, each with its data."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from reechain.analysis import outcomes
from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.reports import plot
from reechain.reports.scenario import key_figures, scenario_figures
from reechain.reports.summary import borrowed_splits
from reechain.web.pages.coverage import (
    Unknown,
    coverage_card,
    coverage_table,
    unknown_in,
    unknown_outputs,
)
from reechain.web.pages.figdata import figure_frame, figure_summary
from reechain.web.pages.parts import (
    Card,
    Chart,
    cards_html,
    chart_section,
    missing_card,
    pct,
    table_section,
    untitled,
)
from reechain.web.pages.shell import layout
from reechain.web.pages.tables import human

EXAMPLE = Path(__file__).parents[4] / "examples" / "turkiye-beylikova.yaml"


def scenario(needs_key: bool) -> str:
    """The editor page."""
    text = EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.exists() else ""
    key = (
        "<div class='field'><label for='key'>API key</label><input id='key' type='password'></div>"
        if needs_key
        else ""
    )
    body = (
        "<p class='lead'>Edit the scenario (YAML); it is checked as you type. A run solves the "
        "scenario and its baseline (the same years without its events) and shows them side by "
        "side.</p>"
        "<label for='yaml'>Scenario</label><textarea id='yaml' rows='24' "
        f"spellcheck='false'>{html.escape(text)}</textarea>"
        f"<pre id='problems' aria-live='polite'></pre>{key}"
        "<button id='run' type='button'>Run the scenario</button> "
        "<span id='status' aria-live='polite'></span><section id='results' aria-label='Results'>"
        "</section>"
    )
    # its results' charts are drawn by scenario.js with charts.js
    return layout("Scenario", body, "/scenario", scripts=("/static/scenario.js",), charts=True)


def focus_country(res: ScenarioResult) -> str | None:
    """The country the scenario is about: its first project's (else its first event's)."""
    events = res.scenario.events
    projects = [ev.country for ev in events if getattr(ev, "type", "") == "project"]
    named = [getattr(ev, "country", None) for ev in events]
    return next((c for c in [*projects, *named] if isinstance(c, str) and c != "CHN"), None)


def _separation_card(
    res: ScenarioResult, base: ScenarioResult | None, focus: str, name: str
) -> Card:
    year = res.scenario.horizon
    share = _share(outcomes.country_shares(res, "separation"), focus, year)
    label = f"{name}'s share of world separation ({year})"
    if share is None:
        return missing_card(label, f"the run has no separation output for {name} in {year}")
    china = _share(outcomes.country_shares(res, "separation"), "CHN", year)
    china_base = _share(outcomes.country_shares(base, "separation"), "CHN", year) if base else None
    change = f"China {pct(china)}" + (f" (baseline {pct(china_base)})" if base else "")
    return Card(label, share, pct(share), "of the world's separated oxide (TREO)", change)


def _share(shares: pd.DataFrame, country: str, year: int) -> float | None:
    row = shares[(shares["group"] == country) & (shares["year"] == year)]
    return float(row["share"].iloc[0]) if len(row) else None


def _coverage_card(
    res: ScenarioResult, figures: dict[str, pd.DataFrame], focus: str, name: str, unknown: Unknown
) -> Card:
    year = res.scenario.horizon
    label = f"{name}'s magnet demand covered by its projects ({year})"
    cov = figures.get("coverage")
    rows = cov[(cov["region"] == focus) & (cov["year"] == year)] if cov is not None else None
    row = None if rows is None or rows.empty else rows.iloc[0]
    return coverage_card(row, label, name, unknown)


def _shortfall_card(res: ScenarioResult, figures: dict[str, pd.DataFrame]) -> Card:
    year = res.scenario.horizon
    label = f"Largest element shortfall ({year})"
    needs = figures.get("needs")
    if needs is None or needs.empty:
        return Card(label, 0.0, "none", "every magnet demand is met in the run's last year")
    top = needs.loc[needs["needed"].idxmax()]
    return Card(
        f"{label}: {top['element']}",
        float(top["needed"]),
        f"{top['needed']:,.0f} t",
        f"{top['unit']} the world's unmet magnets would need",
    )


def scenario_cards(
    res: ScenarioResult,
    base: ScenarioResult | None,
    figures: dict[str, pd.DataFrame],
    names: dict,
    unknown: dict[str, Unknown],
) -> list[Card]:
    """The focus country's separation share, the coverage of its magnet demand by element
    (``unknown``: region -> the elements its projects' ore splits leave out, see
    :func:`unknown_of`) and the largest shortfall, in the run's last year."""
    focus = focus_country(res)
    if focus is None:
        why = "the scenario names no country besides China"
        return [
            missing_card("Focus country's separation share", why),
            _shortfall_card(res, figures),
        ]
    name = names.get(focus, focus)
    return [
        _separation_card(res, base, focus, name),
        _coverage_card(res, figures, focus, name, unknown.get(focus, Unknown())),
        _shortfall_card(res, figures),
    ]


def _share_table(table: pd.DataFrame, names: dict) -> pd.DataFrame:
    """A wide share table (year, one column per country or group) in %."""
    out = pd.DataFrame({"year": table["year"]})
    for column in table.columns.drop("year"):
        text = str(column)
        if text.startswith("HHI"):
            out[text] = table[column]
            continue
        code, _, rest = text.partition(" ")
        out[f"{names.get(code, code)} {rest}".strip() + " [%]"] = table[column] * 100
    return out


TABLES = {
    "separation": "Separation: share of world output of the project countries and China; HHI",
    "projects": "Projects: oxide output by element and by-products",
    "coverage": "Demand events: element needs against the projects' output in the same region",
    "blocs": "Blocs: share of world separation, members as in the data and with the joiners",
}


def scenario_tables(
    figures: dict[str, pd.DataFrame],
    names: dict,
    splits: pd.DataFrame,
    unknown: dict[str, Unknown],
) -> str:
    """The key tables a reader asks for first, with human headers; no number for an element
    a project's ore split does not itemise (``splits``: ``borrowed_splits``; ``unknown``:
    region -> :class:`Unknown`)."""
    shown = {
        "separation": lambda df: _share_table(df, names),
        "projects": lambda df: unknown_outputs(df, splits).rename(
            columns=lambda c: "TREO [t]" if c == "treo_t" else human(c)
        ),
        "coverage": lambda df: coverage_table(df, unknown),
        "blocs": lambda df: _share_table(df, names),
    }
    return "".join(
        table_section(key, title, shown[key](figures[key]))
        for key, title in TABLES.items()
        if key in figures
    )


def unknown_of(
    figures: dict[str, pd.DataFrame], splits: pd.DataFrame, ds: Dataset
) -> dict[str, Unknown]:
    """Each coverage region's elements its projects' ore splits (``splits``) leave out."""
    cov = figures.get("coverage")
    regions = set(cov["region"]) if cov is not None else set()
    return {region: unknown_in(splits, region, ds) for region in regions}


def run_payload(ds: Dataset, res: ScenarioResult, base: ScenarioResult | None) -> dict[str, Any]:
    """What the scenario page shows of a finished run: cards and tables (HTML), and each chart
    as its section (HTML) and its figure (Plotly JSON) that ``static/scenario.js`` draws."""
    names = plot.country_names(ds.table("countries"))
    figures = key_figures(res, base, ds)
    splits = borrowed_splits(res.scenario, ds)
    unknown = unknown_of(figures, splits, ds)
    charts = []
    for i, fig in enumerate(scenario_figures(res, base, names)):
        frame = figure_frame(fig)
        chart = Chart(f"fig{i}", fig, frame, figure_summary(fig, frame))
        figure = json.loads(untitled(fig).to_json())
        charts.append({"id": chart.id, "html": chart_section(chart, embed=False), "figure": figure})
    return {
        "scenario": res.scenario.name,
        "cards_html": cards_html(scenario_cards(res, base, figures, names, unknown)),
        "tables_html": scenario_tables(figures, names, splits, unknown),
        "charts": charts,
        "figures": [c["figure"] for c in charts],
    }
