"""Material through the chain: a year's flows from mines to magnet users (Sankey) and a
deposit's oxide output by element."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from reechain.reports.plot.colours import country_colour
from reechain.reports.plot.names import legend_name


def element_bars(table: pd.DataFrame, title: str) -> go.Figure:
    """Oxide output per element of a deposit, surplus elements marked."""
    colours = [
        "#b2182b" if s is True else "#2166ac" if m else "#999999"
        for s, m in zip(
            table.get("surplus", [None] * len(table)), table["magnet_ree"], strict=False
        )
    ]
    fig = go.Figure(
        go.Bar(
            x=table["element"],
            y=table["oxide_t"],
            marker_color=colours,
            hovertemplate="%{x}: %{y:,.0f} t<extra></extra>",
        )
    )
    fig.update_layout(title=title, xaxis_title="element", yaxis_title="oxide [t REO]", height=360)
    return fig


STAGE_ORDER = ("mining", "separation", "metal", "magnet", "use")


def sankey(
    flows: pd.DataFrame,
    year: int,
    min_share: float = 0.002,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Mass flows of one year: mine -> separation -> metal -> magnet plants -> magnet users,
    by region (t REO for the first two links, t metal and t magnet after; lanes under
    ``min_share`` of their stage's total are dropped for legibility). Nodes in their region's
    :func:`country_colour`, labelled with ``names`` (ISO3 -> name)."""
    f = flows[(flows["year"] == year) & flows["destination"].notna()]
    links = [
        ("mining", "separation", f[(f["stage"] == "mining") & (f["material"] == "TREO")]),
        ("separation", "metal", _oxide_lanes(f)),
        (
            "metal",
            "magnet",
            _sum_lanes(f[(f["stage"] == "metal") & ~f["material"].str.contains(":", regex=False)]),
        ),
        ("magnet", "use", f[(f["stage"] == "magnet") & (f["material"] == "NdFeB")]),
    ]
    labels: list[str] = []
    node_colours: list[str] = []
    index: dict[str, int] = {}

    def node(stage: str, region: str) -> int:
        key = f"{stage}: {legend_name(region, names)}"
        if key not in index:
            index[key] = len(labels)
            labels.append(key)
            node_colours.append(country_colour(region))
        return index[key]

    source, target, value, colour = [], [], [], []
    for i, (a, b, lanes) in enumerate(links):
        lanes = lanes.groupby(["origin", "destination"], as_index=False)["value"].sum()
        total = lanes["value"].sum()
        for r in lanes[lanes["value"] > min_share * total].itertuples():
            source.append(node(a, r.origin))
            target.append(node(b, r.destination))
            value.append(float(r.value))
            colour.append(
                [
                    "rgba(178,24,43,.35)",
                    "rgba(33,102,172,.35)",
                    "rgba(77,146,33,.35)",
                    "rgba(224,130,20,.35)",
                ][i]
            )
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "color": node_colours, "pad": 12, "thickness": 14},
            link={"source": source, "target": target, "value": value, "color": colour},
        )
    )
    fig.update_layout(
        title=f"Flows in {year}: mines -> separation -> metal -> magnets -> users "
        "(t REO, t metal, t magnet)",
        height=560,
    )
    return fig


def _oxide_lanes(f: pd.DataFrame) -> pd.DataFrame:
    ox = f[(f["stage"] == "separation") & (f["unit"] == "t REO")]
    return _sum_lanes(ox)


def _sum_lanes(f: pd.DataFrame) -> pd.DataFrame:
    return f.groupby(["origin", "destination"], as_index=False)["value"].sum()
