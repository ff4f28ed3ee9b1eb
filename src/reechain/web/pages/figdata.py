"""The numbers a Plotly figure draws, as a table (for figures made elsewhere, such as the
scenario's): one row per point, with the figure's axis titles as headers, and a one-sentence
summary read from them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reechain.web.pages.tables import number

DRAWN = ("scatter", "bar")


def _axis(fig: go.Figure, name: str, default: str) -> str:
    title = fig.layout[name].title.text if fig.layout[name] else None
    return str(title or default)


def figure_frame(fig: go.Figure) -> pd.DataFrame:
    """The points of ``fig``'s traces: a Sankey's links (from, to, value), a heat map's cells,
    otherwise each line's or bar's (series, x, y) under the axes' titles."""
    kinds = {t.type for t in fig.data}
    if kinds == {"sankey"}:
        return _sankey_frame(fig.data[0])
    if kinds == {"heatmap"}:
        return _heatmap_frame(fig)
    x, y = _axis(fig, "xaxis", "x"), _axis(fig, "yaxis", "value")
    if x == y:
        y = f"{y} (value)"
    parts = [
        pd.DataFrame({"series": t.name or "", x: list(t.x), y: list(t.y)})
        for t in fig.data
        if t.type in DRAWN and t.x is not None and t.y is not None
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["series", x, y])


def _sankey_frame(trace) -> pd.DataFrame:
    labels = list(trace.node.label)
    link = trace.link
    return pd.DataFrame(
        {
            "from": [labels[i] for i in link.source],
            "to": [labels[i] for i in link.target],
            "flow [t]": list(link.value),
        }
    )


def _heatmap_frame(fig: go.Figure) -> pd.DataFrame:
    t = fig.data[0]
    rows = [(y, x, z) for y, zs in zip(t.y, t.z, strict=True) for x, z in zip(t.x, zs, strict=True)]
    x, y = _axis(fig, "xaxis", "x"), _axis(fig, "yaxis", "y")
    return pd.DataFrame(rows, columns=[y, x, "value [%]"])


def figure_summary(fig: go.Figure, frame: pd.DataFrame) -> str:
    """One sentence from a figure's numbers: the largest flow of a Sankey, else the series
    highest at the last x."""
    if frame.empty:
        return "The chart has no data."
    if "flow [t]" in frame:
        top = frame.loc[frame["flow [t]"].idxmax()]
        return (
            f"{len(frame)} flows; the largest is {top['from']} to {top['to']}, "
            f"{top['flow [t]']:,.0f} t."
        )
    if "series" not in frame:
        value = frame.columns[-1]
        top = frame.loc[frame[value].idxmax()]
        return f"Highest: {top.iloc[0]} in {top.iloc[1]}, {top[value]:.0f} %."
    x, y = frame.columns[1], frame.columns[2]
    numbers = frame.dropna(subset=[y])
    if numbers.empty:
        return "The chart has no data."
    last = numbers[numbers[x] == numbers[x].max()]
    totals = last.groupby("series")[y].sum().sort_values(ascending=False)
    said = ", ".join(f"{name} {number(value)}" for name, value in totals.head(3).items())
    return f"At {x} {numbers[x].max()}, the highest of {len(totals)} series ({y}): {said}."
