"""Series over time or another axis: lines (one per colour value, dashed by a second column),
stacked bars and stacked areas."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from reechain.reports.plot.colours import PALETTE, series_colours
from reechain.reports.plot.names import legend_name

# Dash styles of the non-solid values of a dash column, in order of appearance
DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")


def lines(
    df: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    title: str,
    y_title: str,
    percent: bool = False,
    dash: str | None = None,
    solid: object = None,
    names: Mapping[str, str] | None = None,
    note: str | None = None,
) -> go.Figure:
    """One line per ``colour`` value (coloured by :func:`series_colours`), or with ``dash`` one
    per (``colour``, ``dash``) pair: the pair shares its colour, the ``dash`` column's ``solid``
    value is drawn solid and every other value dashed (one dash style each, :data:`DASHES`).
    ``y`` in its unit, or a fraction shown in % with ``percent``; ``names``: ISO3 -> name;
    ``note``: a column of text for points to single out (drawn as an x, the text on hover),
    empty for the others."""
    if dash is not None and solid is None:
        raise ValueError("lines: a dash column needs the value drawn solid (solid=...)")
    colours = series_colours(colour, df[colour])
    dashes = _dash_styles(df[dash], solid) if dash else {}
    scale = 100 if percent else 1
    for_legend = [colour] + ([dash] if dash else [])
    fig = go.Figure()
    for key, part in df.groupby(for_legend, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        part = part.sort_values(x)
        name = legend_name(key[0], names) + (f" ({legend_name(key[1], names)})" if dash else "")
        fig.add_scatter(
            x=part[x],
            y=part[y] * scale,
            mode="lines+markers",
            name=name,
            legendgroup=str(key[0]),
            line={"color": colours[key[0]], "dash": dashes.get(key[-1], "solid")},
            **_noted(part, note),
        )
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y_title, height=380)
    return fig


def _noted(part: pd.DataFrame, note: str | None) -> dict:
    """Scatter arguments that draw the points with a ``note`` as an x and show it on hover."""
    if note is None:
        return {}
    text = part[note].fillna("").astype(str)
    return {
        "text": text,
        "marker": {"symbol": ["x" if t else "circle" for t in text], "size": 9},
        "hovertemplate": "%{x}: %{y:,.4~g}<br>%{text}<extra>%{fullData.name}</extra>",
    }


def _dash_styles(values: pd.Series, solid: object) -> dict:
    """Dash style of each value of a dash column: ``solid`` solid, the others in :data:`DASHES`
    in order of appearance."""
    others = [v for v in dict.fromkeys(values) if v != solid]
    return {solid: "solid"} | {v: DASHES[i % len(DASHES)] for i, v in enumerate(others)}


def stacked_bars(
    df: pd.DataFrame, x: str, y: str, colour: str, title: str, y_title: str
) -> go.Figure:
    fig = go.Figure()
    for i, (key, part) in enumerate(df.groupby(colour, sort=False)):
        fig.add_bar(x=part[x], y=part[y], name=str(key), marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(barmode="stack", title=title, xaxis_title=x, yaxis_title=y_title, height=380)
    return fig


def stacked_area(
    df: pd.DataFrame, x: str, y: str, colour: str, title: str, y_title: str, split: int
) -> go.Figure:
    """One filled line per ``colour`` stacked over ``x``; a dotted vertical line at ``split``
    (history before it, projection from it)."""
    fig = go.Figure()
    for i, (key, part) in enumerate(df.groupby(colour, sort=False)):
        part = part.sort_values(x)
        fig.add_scatter(
            x=part[x], y=part[y], name=str(key), mode="lines", stackgroup="one",
            line_color=PALETTE[i % len(PALETTE)],
            hovertemplate=f"{key} %{{x}}: %{{y:,.0f}}<extra></extra>",
        )  # fmt: skip
    fig.add_vline(x=split, line_dash="dot", line_color="#888", annotation_text="projection")
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y_title, height=420)
    return fig
