"""Plotly figures over the tidy share and concentration tables (no data access here)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

STAGE_TITLES = {
    "mining": "Mining",
    "separation": "Separation",
    "metal": "Metal",
    "magnet": "Magnets",
}
PALETTE = [
    "#b2182b",
    "#2166ac",
    "#4d9221",
    "#e08214",
    "#762a83",
    "#1b7837",
    "#8c510a",
    "#01665e",
    "#c51b7d",
    "#5e3c99",
    "#999999",
]


def stage_shares_bar(shares: pd.DataFrame, top: int = 6) -> go.Figure:
    """Stacked horizontal bars: each stage's country shares (latest year with data per stage).

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
    colours = {c: PALETTE[i % (len(PALETTE) - 1)] for i, c in enumerate(countries)}
    colours.update({"Others": "#bbbbbb", "Not covered": "#eeeeee"})
    for group in [*countries, "Others", "Not covered"]:
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        fig.add_bar(
            y=part["stage"],
            x=part["share"] * 100,
            name=group,
            orientation="h",
            marker_color=colours[group],
            hovertemplate=f"{group}: %{{x:.1f}} %<extra>%{{y}}</extra>",
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
    for i, (stage, part) in enumerate(conc.groupby("stage", sort=False)):
        part = part.sort_values("year")
        colour = PALETTE[i % len(PALETTE)]
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


def group_share_lines(groups: pd.DataFrame, title: str) -> go.Figure:
    """Share of world output held by groups of countries (e.g. BRICS with and without Türkiye)."""
    fig = go.Figure()
    for i, (label, part) in enumerate(groups.groupby("group", sort=False)):
        part = part.sort_values("year")
        fig.add_scatter(
            x=part["year"],
            y=part["share"] * 100,
            mode="lines+markers",
            name=label,
            line={"color": PALETTE[i % len(PALETTE)], "dash": "dash" if i else "solid"},
            hovertemplate=f"{label} %{{x}}: %{{y:.2f}} %<extra></extra>",
        )
    fig.update_layout(
        title=title,
        xaxis_title="year",
        yaxis_title="share of world output [%]",
        yaxis_rangemode="tozero",
        height=380,
    )
    return fig


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


def sankey(flows: pd.DataFrame, year: int, min_share: float = 0.002) -> go.Figure:
    """Mass flows of one year: mine -> separation -> metal -> magnet plants -> magnet users,
    by region (t REO for the first two links, t metal and t magnet after; lanes under
    ``min_share`` of their stage's total are dropped for legibility)."""
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
    index: dict[str, int] = {}

    def node(stage: str, region: str) -> int:
        key = f"{stage}: {region}"
        if key not in index:
            index[key] = len(labels)
            labels.append(key)
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
            node={"label": labels, "pad": 12, "thickness": 14},
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


def lines(
    df: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    title: str,
    y_title: str,
    percent: bool = False,
    dash: str | None = None,
) -> go.Figure:
    """One line per ``colour`` group (optionally dashed by a second column)."""
    fig = go.Figure()
    keys = [colour] + ([dash] if dash else [])
    for i, (key, part) in enumerate(df.groupby(keys, sort=False)):
        key = key if isinstance(key, tuple) else (key,)
        part = part.sort_values(x)
        scale = 100 if percent else 1
        fig.add_scatter(
            x=part[x],
            y=part[y] * scale,
            mode="lines+markers",
            name=" / ".join(str(k) for k in key),
            line={
                "color": PALETTE[i % len(PALETTE)],
                "dash": "dash" if dash and key[-1] == df[dash].iloc[0] else "solid",
            },
        )
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y_title, height=380)
    return fig


def stacked_bars(
    df: pd.DataFrame, x: str, y: str, colour: str, title: str, y_title: str
) -> go.Figure:
    fig = go.Figure()
    for i, (key, part) in enumerate(df.groupby(colour, sort=False)):
        fig.add_bar(x=part[x], y=part[y], name=str(key), marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(barmode="stack", title=title, xaxis_title=x, yaxis_title=y_title, height=380)
    return fig


def fan_chart(
    p: pd.DataFrame, group: str, title: str, y_title: str, percent: bool = False
) -> go.Figure:
    """P5-P95 bands with the median line, one per ``group`` value, over years."""
    fig = go.Figure()
    scale = 100 if percent else 1
    for i, (key, part) in enumerate(p.groupby(group, sort=False)):
        part = part.sort_values("year")
        colour = PALETTE[i % len(PALETTE)]
        fig.add_scatter(
            x=list(part["year"]) + list(part["year"])[::-1],
            y=list(part["p95"] * scale) + list(part["p5"] * scale)[::-1],
            fill="toself",
            line={"width": 0},
            fillcolor=colour,
            opacity=0.2,
            name=f"{key} P5-P95",
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=part["year"],
            y=part["p50"] * scale,
            mode="lines+markers",
            line={"color": colour},
            name=f"{key} median",
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


def world_map(shares: pd.DataFrame, title: str) -> go.Figure:
    """Choropleth of country shares (ISO3)."""
    fig = go.Figure(
        go.Choropleth(
            locations=shares["group"],
            z=shares["share"] * 100,
            locationmode="ISO-3",
            colorscale="Reds",
            colorbar={"title": "%"},
            hovertemplate="%{location}: %{z:.1f} %<extra></extra>",
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
