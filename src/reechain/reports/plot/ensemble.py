"""An ensemble's charts: P5-P95 fans with the median, and the probability of a deficit by
element and year."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from reechain.reports.plot.colours import series_colours
from reechain.reports.plot.names import legend_name


def fan_chart(
    p: pd.DataFrame,
    group: str,
    title: str,
    y_title: str,
    percent: bool = False,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """P5-P95 bands with the median line, one per ``group`` value (coloured by
    :func:`series_colours`: countries in their own colour), over years; ``names``: ISO3 ->
    name."""
    fig = go.Figure()
    scale = 100 if percent else 1
    colours = series_colours(group, p[group])
    for key, part in p.groupby(group, sort=False):
        part = part.sort_values("year")
        colour = colours[key]
        label = legend_name(key, names)
        fig.add_scatter(
            x=list(part["year"]) + list(part["year"])[::-1],
            y=list(part["p95"] * scale) + list(part["p5"] * scale)[::-1],
            fill="toself",
            line={"width": 0},
            fillcolor=colour,
            opacity=0.2,
            name=f"{label} P5-P95",
            legendgroup=str(key),
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=part["year"],
            y=part["p50"] * scale,
            mode="lines+markers",
            line={"color": colour},
            name=f"{label} median",
            legendgroup=str(key),
        )
    fig.update_layout(title=title, xaxis_title="year", yaxis_title=y_title, height=400)
    return fig


def heat_map(df: pd.DataFrame, title: str) -> go.Figure:
    """Probability of a deficit, element x year."""
    table = df.pivot_table(index="item", columns="year", values="probability")
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy() * 100,
            x=list(table.columns),
            y=list(table.index),
            colorscale="Reds",
            zmin=0,
            zmax=100,
            colorbar={"title": "%"},
            hovertemplate="%{y} %{x}: %{z:.0f} %<extra></extra>",
        )
    )
    fig.update_layout(title=title, xaxis_title="year", yaxis_title="element", height=420)
    return fig
