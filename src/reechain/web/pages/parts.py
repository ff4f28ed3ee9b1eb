"""The pieces pages are made of: headline cards, chart sections (a heading, a one-sentence
summary, the chart, its data as a table and as CSV), source lists and form options."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from reechain.data.dataset import Dataset
from reechain.reports.tables import MISSING
from reechain.web.pages.tables import csv_link, table_html


@dataclass(frozen=True)
class Card:
    """A headline number: what it is (with its year), its value ('–' when missing), a change,
    and one line saying what it means (or why it is missing)."""

    label: str
    value: float | None
    text: str
    note: str
    change: str = ""


def missing_card(label: str, why: str) -> Card:
    """A card whose number is not known, saying why."""
    return Card(label, None, MISSING, why)


def cards_html(cards: list[Card], title: str = "Headline numbers") -> str:
    """The page's headline cards under a second-level heading."""
    items = "".join(
        f"<div class='card' data-value='{'' if c.value is None else repr(float(c.value))}'>"
        f"<p class='card-label'>{html.escape(c.label)}</p>"
        f"<p class='card-value'>{html.escape(c.text)}</p>"
        + (f"<p class='card-change'>{html.escape(c.change)}</p>" if c.change else "")
        + f"<p class='card-note'>{html.escape(c.note)}</p></div>"
        for c in cards
    )
    return (
        "<section aria-labelledby='h-cards'><h2 id='h-cards' class='visually-hidden'>"
        f"{html.escape(title)}</h2><div class='cards'>{items}</div></section>"
    )


@dataclass(frozen=True)
class Chart:
    """A chart and the numbers behind it: ``data`` with human headers and units (its table
    and its CSV), ``summary`` one sentence read from the data."""

    id: str
    fig: go.Figure
    data: pd.DataFrame
    summary: str


def title_of(fig: go.Figure) -> str:
    """A figure's title as plain text."""
    return re.sub(r"<[^>]+>", " ", fig.layout.title.text or "").strip()


def untitled(fig: go.Figure) -> go.Figure:
    """A copy of the figure whose title is left to the section's heading (so it wraps on a
    phone and is in the page's outline)."""
    fig = go.Figure(fig)
    fig.update_layout(title=None, margin={"t": 30})
    return fig


# JSON's own escapes for the characters that mean something to the HTML parser
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element: every ``<``, ``>`` and ``&`` as its
    ``\\uXXXX`` escape (as Jinja's ``tojson`` does), so that no ``</script`` ends the element
    early and no ``<!--<script`` puts the parser in its double-escaped state; the JSON parses
    to the same value."""
    return text.translate(SCRIPT_SAFE)


def figure_json(fig: go.Figure) -> str:
    """The untitled figure as JSON, safe inside a ``<script>`` element (:func:`script_json`)."""
    return script_json(untitled(fig).to_json())


def chart_section(chart: Chart, after: str = "", embed: bool = True) -> str:
    """A chart with its heading, summary, CSV link and data table (``after``: e.g. sources);
    with ``embed`` its figure as JSON that ``static/charts.js`` draws (else the caller draws
    it into the ``<div>`` of the chart's id)."""
    title = title_of(chart.fig) or chart.id
    i = html.escape(chart.id)
    return (
        f"<section class='chart-section' aria-labelledby='h-{i}'>"
        f"<h2 id='h-{i}'>{html.escape(title)}</h2>"
        f"<p class='chart-summary' id='s-{i}'>{html.escape(chart.summary)}</p>"
        f"<div id='{i}' class='chart' role='figure' aria-label='{html.escape(title)}' "
        f"aria-describedby='s-{i}'></div>"
        + (
            f"<script type='application/json' data-chart='{i}'>{figure_json(chart.fig)}</script>"
            if embed
            else ""
        )
        + f"<div class='chart-tools'>{csv_link(chart.data, chart.id)}</div>"
        f"<details class='chart-data'><summary>Data table</summary>"
        f"{table_html(chart.data, title)}</details>{after}</section>"
    )


def table_section(key: str, title: str, frame: pd.DataFrame, note: str = "") -> str:
    """A table under its own heading, with its CSV link (``note``: a line below it)."""
    k = html.escape(key)
    return (
        f"<section aria-labelledby='h-{k}'><h2 id='h-{k}'>{html.escape(title)}</h2>"
        f"{table_html(frame, title)}<div class='chart-tools'>{csv_link(frame, key)}</div>"
        + (f"<p class='note'>{html.escape(note)}</p>" if note else "")
        + "</section>"
    )


def sources_list(ds: Dataset, cells) -> str:
    """The cited sources of some cells, in a disclosure."""
    cited = ds.cite(cells)
    items = "".join(
        f"<li><code>{html.escape(s.source_id)}</code>: "
        f"{html.escape(str(s.publisher))}, <i>{html.escape(str(s.title))}</i></li>"
        for s in cited.itertuples()
    )
    return f"<details><summary>Sources ({len(cited)})</summary><ul>{items}</ul></details>"


def options(values_and_labels, selected: str | None) -> str:
    """``<option>`` elements of a select, the ``selected`` value marked."""
    return "".join(
        f"<option value='{html.escape(str(v))}'{' selected' if v == selected else ''}>"
        f"{html.escape(str(label))}</option>"
        for v, label in values_and_labels
    )


def problem(message: str) -> str:
    """An error message on the page."""
    return f"<p class='problems' role='alert'>{html.escape(message)}</p>"


def field(label_for: str, label: str, control: str) -> str:
    """A form control with its label above it."""
    return (
        f"<div class='field'><label for='{label_for}'>{html.escape(label)}</label>{control}</div>"
    )


def pct(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage ('69.2 %'); '–' when missing."""
    return MISSING if fraction is None or pd.isna(fraction) else f"{100 * fraction:.{digits}f} %"
