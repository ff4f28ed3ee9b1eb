"""Shares of world output held by groups of countries (blocs, with and without a candidate):
a line where members have data, a band up to what no source attributes."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from reechain.reports.plot.colours import series_colours


def founding_years(membership: pd.DataFrame) -> dict[str, int]:
    """Bloc -> the year its first member joined, from the dataset's ``bloc_membership`` table
    (``bloc_id``, ``role``, ``start_date``)."""
    members = membership[membership["role"] == "member"]
    first = pd.to_datetime(members["start_date"]).groupby(members["bloc_id"]).min()
    return {str(bloc): int(day.year) for bloc, day in first.items()}


def group_share_lines(
    groups: pd.DataFrame, title: str, founded: Mapping[str, int] | None = None
) -> go.Figure:
    """Share of world output [%] held by groups of countries (e.g. BRICS with and without
    Türkiye), from :func:`reechain.analysis.metrics.bloc_shares` (``group``, ``year``,
    ``share``, ``share_upper``, ``members_with_data``).

    A line through ``share`` (the members with data), broken where no member has data (unknown,
    not 0 %); a band up to ``share_upper`` (the output no source attributes could be theirs).
    Each group starts in its founding year from ``founded`` (bloc -> year; 'BRICS + TUR' takes
    BRICS's). A hypothetical group (' + ') is dashed in its bloc's colour. Traces: first one
    line per group in order (the page's check-boxes address them by index), then the bands
    (upper edge, lower edge filled up to it), each in its group's legend group.
    """
    fig = go.Figure()
    parts = _group_parts(groups, founded or {})
    colours = series_colours("group", [_bloc_of(label) for label in parts])
    for label, part in parts.items():
        fig.add_scatter(**_group_line(label, part, colours[_bloc_of(label)]))
    for label, part in parts.items():
        for trace in _group_band(label, part, colours[_bloc_of(label)]):
            fig.add_scatter(**trace)
    fig.update_layout(
        title=title,
        xaxis_title="year",
        yaxis_title="share of world output [%]",
        yaxis_rangemode="tozero",
        height=380,
    )
    return fig


def _bloc_of(label: str) -> str:
    """The bloc of a group label ('BRICS + TUR' -> 'BRICS')."""
    return label.split(" + ")[0]


def _group_parts(groups: pd.DataFrame, founded: Mapping[str, int]) -> dict[str, pd.DataFrame]:
    """Each group's rows by year, from its bloc's founding year on (all years if unknown)."""
    parts = {}
    for label, part in groups.groupby("group", sort=False):
        start = founded.get(_bloc_of(str(label)))
        part = part.sort_values("year")
        part = part[part["year"] >= start] if start is not None else part
        if len(part):
            parts[str(label)] = part
    return parts


def _group_line(label: str, part: pd.DataFrame, colour: str) -> dict:
    """The line of a group's share [%]: None (a gap) where no member has data."""
    known = part["members_with_data"] > 0
    share, upper = part["share"] * 100, part["share_upper"] * 100
    text = [
        f"{label} {y}: "
        + (f"{s:.1f} %" if k else "no member data")
        + (f" (up to {u:.1f} %)" if u - s >= 0.05 else "")
        for y, s, u, k in zip(part["year"], share, upper, known, strict=True)
    ]
    return {
        "x": list(part["year"]),
        "y": [s if k else None for s, k in zip(share, known, strict=True)],
        "mode": "lines+markers",
        "name": label,
        "legendgroup": label,
        "line": {"color": colour, "dash": "dash" if " + " in label else "solid"},
        "text": text,
        "hovertemplate": "%{text}<extra></extra>",
    }


def _group_band(label: str, part: pd.DataFrame, colour: str) -> list[dict]:
    """A group's band [%] from share to share_upper: the upper edge (its hover says 'no member
    data' where no member has data) and the lower edge, filled up to it."""
    rows = zip(part["year"], part["members_with_data"], part["share_upper"], strict=True)
    text = [
        f"{label} {y}: " + ("no member data; " if m == 0 else "") + f"at most {u * 100:.1f} %"
        for y, m, u in rows
    ]
    common = {"x": list(part["year"]), "mode": "lines", "legendgroup": label, "showlegend": False}
    upper = {
        **common,
        "y": list(part["share_upper"] * 100),
        "name": f"{label} upper bound",
        "line": {"width": 0, "color": colour},
        "text": text,
        "hovertemplate": "%{text}<extra></extra>",
    }
    lower = {
        **common,
        "y": list(part["share"] * 100),
        "name": f"{label} range",
        "line": {"width": 0, "color": colour},
        "fill": "tonexty",
        "fillcolor": _rgba(colour, 0.15),
        "hoverinfo": "skip",
    }
    return [upper, lower]


def _rgba(colour: str, alpha: float) -> str:
    """A '#rrggbb' colour as 'rgba(r,g,b,alpha)'."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
