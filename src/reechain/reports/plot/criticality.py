"""Criticality: the EU's supply risk against economic importance, and score ranges against
published values and thresholds."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reechain.reports.plot.colours import PALETTE


def sr_ei(published: pd.DataFrame) -> go.Figure:
    """EU criticality: supply risk against economic importance, with the thresholds."""
    fig = go.Figure()
    for i, (assessment, part) in enumerate(published.groupby("assessment")):
        fig.add_scatter(
            x=part["EI"],
            y=part["SR"],
            mode="markers+text",
            text=part["material"],
            textposition="top center",
            name=assessment,
            marker={"size": 12, "color": PALETTE[i % len(PALETTE)]},
        )
    fig.add_hline(y=1.0, line_dash="dash", annotation_text="SR threshold 1.0")
    fig.add_vline(x=2.8, line_dash="dash", annotation_text="EI threshold 2.8")
    fig.update_layout(
        title="EU criticality: supply risk vs economic importance (published)",
        xaxis_title="economic importance (EI)",
        yaxis_title="supply risk (SR)",
        height=420,
    )
    return fig


def score_ranges(
    table: pd.DataFrame,
    low: str,
    high: str,
    label: str,
    title: str,
    published: str | None = None,
    threshold: float | None = None,
) -> go.Figure:
    """Ranges of a score per row (``label``) as horizontal bars from ``low`` to ``high``, with
    a published value as a marker and a threshold as a line. A missing low end draws from 0
    with an open style (only a ceiling is known)."""
    t = table.dropna(subset=[high]).iloc[::-1]
    base = t[low].fillna(0.0)
    open_low = t[low].isna()
    fig = go.Figure()
    fig.add_bar(
        y=t[label],
        x=t[high] - base,
        base=base,
        orientation="h",
        name="range computed from the data",
        marker={
            "color": [PALETTE[1] if o else PALETTE[0] for o in open_low],
            "opacity": 0.6,
        },
        hovertemplate="%{y}: %{base:.2f}–%{x:.2f} (width)<extra></extra>",
    )
    if published is not None and published in t:
        fig.add_scatter(
            y=t[label],
            x=t[published],
            mode="markers",
            name="published (the material's or its group's)",
            marker={"symbol": "diamond", "size": 10, "color": PALETTE[2]},
        )
    if threshold is not None:
        fig.add_vline(x=threshold, line_dash="dash", annotation_text=f"threshold {threshold}")
    if open_low.any():
        title += " (blue bars: only the ceiling is known)"
    fig.update_layout(title=title, height=max(300, 26 * len(t) + 120), barmode="overlay")
    return fig
