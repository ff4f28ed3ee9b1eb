"""Who holds each stage: country shares by stage (bars, world map) and concentration over
time (HHI lines), from the tidy share and concentration tables."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from reechain.reports.plot.colours import country_colour, series_colours
from reechain.reports.plot.names import STAGE_TITLES, legend_name


def stage_shares_bar(
    shares: pd.DataFrame, top: int = 6, names: Mapping[str, str] | None = None
) -> go.Figure:
    """Stacked horizontal bars: each stage's country shares [%] (latest year with data per
    stage), each country in its :func:`country_colour`, named by ``names`` (ISO3 -> name).

    ``shares`` is a concatenation of :func:`reechain.analysis.metrics.shares` tables for several
    stages.
    Countries beyond the ``top`` largest of a stage are summed into 'Others'; the part of the
    world not covered by data is shown as 'Not covered' (never as a country).
    """
    fig = go.Figure()
    countries: list[str] = []
    rows = []
    for stage, part in shares.groupby("stage", sort=False):
        part = part[part["share"].notna()].sort_values("share", ascending=False)
        named = part[part["group"] != "OTH"]
        head = named.head(top)
        rest = named["share"].iloc[top:].sum() + part.loc[part["group"] == "OTH", "share"].sum()
        label = f"{STAGE_TITLES.get(stage, stage)} ({int(part['year'].iloc[0])})"
        for g, s in zip(head["group"], head["share"], strict=True):
            rows.append((label, g, s))
            if g not in countries:
                countries.append(g)
        if rest > 0:
            rows.append((label, "Others", rest))
        uncovered = max(0.0, 1 - part["share"].sum())
        if uncovered > 0.005:
            rows.append((label, "Not covered", uncovered))
    frame = pd.DataFrame(rows, columns=["stage", "group", "share"])
    colours = {c: country_colour(c) for c in countries}
    colours.update({"Others": "#bbbbbb", "Not covered": "#eeeeee"})
    for group in [*countries, "Others", "Not covered"]:
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        name = legend_name(group, names)
        fig.add_bar(
            y=part["stage"],
            x=part["share"] * 100,
            name=name,
            orientation="h",
            marker_color=colours[group],
            hovertemplate=f"{name}: %{{x:.1f}} %<extra>%{{y}}</extra>",
        )
    fig.update_layout(
        barmode="stack",
        title="Who holds each stage (share of world output)",
        xaxis_title="share of world output [%]",
        xaxis_range=[0, 100],
        yaxis_autorange="reversed",
        legend_title="country",
        height=380,
    )
    return fig


def hhi_lines(conc: pd.DataFrame) -> go.Figure:
    """HHI over time per stage, with the bracket (lower bound to upper bound) where coverage < 1."""
    fig = go.Figure()
    colours = series_colours("stage", conc["stage"])
    for stage, part in conc.groupby("stage", sort=False):
        part = part.sort_values("year")
        colour = colours[stage]
        fig.add_scatter(
            x=part["year"],
            y=part["hhi"],
            mode="lines+markers",
            name=STAGE_TITLES.get(stage, stage),
            line_color=colour,
            customdata=part[["hhi_upper", "coverage"]],
            hovertemplate="%{x}: HHI %{y:,.0f} (up to %{customdata[0]:,.0f}; "
            "coverage %{customdata[1]:.0%})<extra></extra>",
        )
        if (part["hhi_upper"] - part["hhi"]).max() > 1:
            fig.add_scatter(
                x=part["year"],
                y=part["hhi_upper"],
                mode="lines",
                line={"dash": "dot", "color": colour},
                showlegend=False,
                name=f"{stage} upper bound",
                hoverinfo="skip",
            )
    fig.add_hline(
        y=2500, line_dash="dash", line_color="#888", annotation_text="highly concentrated (2,500)"
    )
    fig.update_layout(
        title="Concentration over time (Herfindahl-Hirschman index, 0-10,000)",
        xaxis_title="year",
        yaxis_title="HHI",
        yaxis_range=[0, 10_000],
        height=380,
    )
    return fig


def world_map(
    shares: pd.DataFrame, title: str, names: Mapping[str, str] | None = None
) -> go.Figure:
    """Choropleth of country shares [%] (``group``: ISO3), hover by name (``names``)."""
    fig = go.Figure(
        go.Choropleth(
            locations=shares["group"],
            z=shares["share"] * 100,
            text=[legend_name(g, names) for g in shares["group"]],
            locationmode="ISO-3",
            colorscale="Reds",
            colorbar={"title": "%"},
            hovertemplate="%{text}: %{z:.1f} %<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        height=460,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        geo={
            "showframe": False,
            "showcountries": True,
            "projection_type": "natural earth",
            "lataxis_range": [-58, 85],  # the whole inhabited world, not the data's extent
            "lonaxis_range": [-180, 180],
        },
    )
    return fig
