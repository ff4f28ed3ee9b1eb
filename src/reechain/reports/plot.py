"""Plotly figures over the tidy share and concentration tables (no data access here).

Colours: one colour per country in every chart (:func:`country_colour`, colour-blind-safe
Okabe-Ito and Tol palettes), one per stage (:data:`STAGE_COLOURS`). Legends show country
names where the caller passes them (``names``: ISO3 -> name, see :func:`country_names`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

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
# Paul Tol's "muted" scheme (colour-blind safe): series that are neither countries nor stages
SAFE_PALETTE = (
    "#332288",
    "#CC6677",
    "#117733",
    "#DDCC77",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
)
# Paul Tol's "bright" scheme (colour-blind safe), one colour per stage of the chain
STAGE_COLOURS = {
    "mining": "#4477AA",
    "separation": "#EE6677",
    "metal": "#228833",
    "magnet": "#CCBB44",
}
# The main players in Okabe-Ito colours, the next ones in Tol's "muted" scheme (both
# colour-blind safe); aggregates in greys. The EU and Germany (the model's EU region) share one.
COUNTRY_COLOURS = {
    "CHN": "#D55E00",
    "USA": "#0072B2",
    "AUS": "#E69F00",
    "MMR": "#CC79A7",
    "MYS": "#009E73",
    "JPN": "#56B4E9",
    "DEU": "#332288",
    "EU27": "#332288",
    "TUR": "#882255",
    "RUS": "#000000",
    "IND": "#DDCC77",
    "BRA": "#117733",
    "VNM": "#44AA99",
    "THA": "#999933",
    "LAO": "#AA4499",
    "NGA": "#88CCEE",
    "KOR": "#CC6677",
    "ROW": "#888888",
    "OTH": "#BBBBBB",
    "WLD": "#444444",
}
# Countries without a fixed colour: one of these, chosen by a checksum of the code (the same
# in every run and process, unlike hash())
FALLBACK_COLOURS = ("#661100", "#6699CC", "#AA4466", "#4B0092", "#1A85FF", "#994F00", "#006CD1")
# Columns whose values are countries or model regions (coloured with country_colour)
COUNTRY_COLUMNS = frozenset({"country", "region", "importer", "exporter"})
# Short forms of the dataset's official (UN) names, for legends
SHORT_NAMES = {
    "USA": "United States",
    "GBR": "United Kingdom",
    "KOR": "South Korea",
    "RUS": "Russia",
    "LAO": "Laos",
    "VNM": "Vietnam",
    "TZA": "Tanzania",
    "EU27": "EU27",
    "OTH": "Other countries",
    "ROW": "Rest of world",
}
# Dash styles of the non-solid values of a dash column, in order of appearance
DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")


def country_colour(code: str) -> str:
    """The colour of a country or region (ISO3 code or model region), the same in every chart."""
    if code in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[code]
    return FALLBACK_COLOURS[zlib.crc32(str(code).encode()) % len(FALLBACK_COLOURS)]


def country_names(countries: pd.DataFrame) -> dict[str, str]:
    """ISO3 -> legend name from the dataset's countries table (``iso3``, ``name``), the long
    official names shortened (parentheses dropped, :data:`SHORT_NAMES`)."""
    names = {
        str(code): str(name).split(" (")[0]
        for code, name in zip(countries["iso3"], countries["name"], strict=True)
    }
    return names | SHORT_NAMES


def series_colours(column: str, values: Iterable) -> dict:
    """Colour of each value of a colour column: by country for :data:`COUNTRY_COLUMNS`, by
    stage for ``stage``, else :data:`SAFE_PALETTE` in order of appearance."""
    values = list(dict.fromkeys(values))
    if column in COUNTRY_COLUMNS:
        return {v: country_colour(v) for v in values}
    if column == "stage":
        return {v: STAGE_COLOURS.get(v, PALETTE[-1]) for v in values}
    return {v: SAFE_PALETTE[i % len(SAFE_PALETTE)] for i, v in enumerate(values)}


def _label(value, names: Mapping[str, str] | None = None) -> str:
    """Legend text of a value: a country's name, a stage's title, else the value itself."""
    text = str(value)
    return (names or {}).get(text, STAGE_TITLES.get(text, text))


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
        name = _label(group, names)
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
        key = f"{stage}: {_label(region, names)}"
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
) -> go.Figure:
    """One line per ``colour`` value (coloured by :func:`series_colours`), or with ``dash`` one
    per (``colour``, ``dash``) pair: the pair shares its colour, the ``dash`` column's ``solid``
    value is drawn solid and every other value dashed (one dash style each, :data:`DASHES`).
    ``y`` in its unit, or a fraction shown in % with ``percent``; ``names``: ISO3 -> name."""
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
        name = _label(key[0], names) + (f" ({_label(key[1], names)})" if dash else "")
        fig.add_scatter(
            x=part[x],
            y=part[y] * scale,
            mode="lines+markers",
            name=name,
            legendgroup=str(key[0]),
            line={"color": colours[key[0]], "dash": dashes.get(key[-1], "solid")},
        )
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y_title, height=380)
    return fig


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
        label = _label(key, names)
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


def world_map(
    shares: pd.DataFrame, title: str, names: Mapping[str, str] | None = None
) -> go.Figure:
    """Choropleth of country shares [%] (``group``: ISO3), hover by name (``names``)."""
    fig = go.Figure(
        go.Choropleth(
            locations=shares["group"],
            z=shares["share"] * 100,
            text=[_label(g, names) for g in shares["group"]],
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
