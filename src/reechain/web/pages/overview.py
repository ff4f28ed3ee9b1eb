"""The overview: who holds each stage of the chain (China's share per stage up front), the world
map of mining, concentration over time and the blocs' shares, each chart with its data."""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from reechain.analysis import metrics
from reechain.data.dataset import Dataset
from reechain.data.flows import observed_flows
from reechain.data.schema import STAGES
from reechain.reports import plot
from reechain.reports.overview import overview_tables
from reechain.web.pages.parts import Card, Chart, cards_html, chart_section, pct, sources_list
from reechain.web.pages.shell import layout

TITLE = "Who controls the rare earth supply chain"
MAP_MIN_COVERAGE = 0.9
CHANGE_YEARS = 5
BLOCS = ("BRICS", "G7", "EU27", "MSP")
FOCUS = "CHN"


def china_cards(stage_shares: pd.DataFrame, series: pd.DataFrame) -> list[Card]:
    """China's share of each stage in its latest observed year, and its change over
    :data:`CHANGE_YEARS` years (unknown when either year has no figure)."""
    cards = []
    for stage in STAGES:
        latest = stage_shares[stage_shares["stage"] == stage]
        if latest.empty:
            continue
        year = int(latest["year"].iloc[0])
        now = _share(latest, year)
        then = _share(series[series["stage"] == stage], year - CHANGE_YEARS)
        title = plot.STAGE_TITLES[stage]
        change = (
            f"{100 * (now - then):+.1f} pp since {year - CHANGE_YEARS}"
            if now is not None and then is not None
            else f"change since {year - CHANGE_YEARS}: – (no figure for that year)"
        )
        covered = float(latest["coverage"].iloc[0])
        note = f"China's share of world {title.lower()} output ({latest['material'].iloc[0]})" + (
            f"; sources name countries for {covered:.0%} of it" if covered < 0.995 else ""
        )
        cards.append(Card(f"China, {title.lower()} ({year})", now, pct(now), note, change))
    return cards


def _share(frame: pd.DataFrame, year: int) -> float | None:
    """China's share in ``year`` (None when not in the data)."""
    row = frame[(frame["year"] == year) & (frame["group"] == FOCUS) & frame["share"].notna()]
    return float(row["share"].iloc[0]) if len(row) else None


def _country_frame(shares: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Country shares with names and codes, in % (the data behind a share chart)."""
    rows = shares[shares["group"].notna()].sort_values(["stage", "share"], ascending=[True, False])
    return pd.DataFrame(
        {
            "stage": rows["stage"].map(plot.STAGE_TITLES),
            "year": rows["year"],
            "country": rows["group"].map(lambda g: names.get(g, g)),
            "ISO3": rows["group"],
            "material": rows["material"],
            "share [%]": rows["share"] * 100,
            "output": rows["value"],
            "unit": rows["unit"],
            "sources": rows["source"],
        }
    )


def stages_chart(stage_shares: pd.DataFrame, names: Mapping[str, str], cards: list[Card]) -> Chart:
    """Who holds each stage, latest year per stage."""
    held = "; ".join(f"{c.label.split(', ')[1]}: {c.text}" for c in cards)
    return Chart(
        "stages",
        plot.stage_shares_bar(stage_shares, names=names),
        _country_frame(stage_shares, names),
        f"China's share of world output by stage: {held}.",
    )


def map_chart(ds: Dataset, names: Mapping[str, str]) -> Chart:
    """Mine production by country in the latest year whose named countries cover most of the
    world (a newer year with only a few countries would look like the rest mined nothing)."""
    mining = metrics.shares(observed_flows(ds.table("production")), "mining", None)
    covered = mining.loc[mining["coverage"] >= MAP_MIN_COVERAGE, "year"]
    latest = int(covered.max() if len(covered) else mining["year"].max())
    mining = mining[(mining["year"] == latest) & mining["group"].notna()]
    mining = mining[mining["group"] != "OTH"].sort_values("share", ascending=False)
    fig = plot.world_map(
        mining,
        f"Mine production {latest}: share of world output by country",
        names=names,
    )
    top = [
        f"{names.get(g, g)} ({s:.1%})"
        for g, s in zip(mining["group"], mining["share"], strict=True)
    ]
    summary = (
        f"In {latest} {top[0]} mined the most rare earths, then {', '.join(top[1:3])}; "
        f"countries with a figure cover {mining['coverage'].iloc[0]:.0%} of world output."
        if top
        else f"No country has a mining figure for {latest}."
    )
    return Chart("map", fig, _country_frame(mining, names), summary)


def hhi_chart(conc: pd.DataFrame) -> Chart:
    """Concentration over time per stage."""
    conc = conc.sort_values(["stage", "year"])
    latest = conc.groupby("stage").tail(1)
    said = "; ".join(
        f"{plot.STAGE_TITLES.get(r.stage, r.stage).lower()} {r.hhi:,.0f} ({r.year})"
        for r in latest.itertuples()
    )
    data = pd.DataFrame(
        {
            "stage": conc["stage"].map(plot.STAGE_TITLES),
            "year": conc["year"],
            "material": conc["material"],
            "HHI (countries with data)": conc["hhi"],
            "HHI (at most)": conc["hhi_upper"],
            "coverage [%]": conc["coverage"] * 100,
            "largest": conc["top_supplier"],
        }
    )
    summary = f"Latest HHI per stage (above 2,500 is highly concentrated): {said}."
    return Chart("hhi", plot.hhi_lines(conc), data, summary)


def bloc_chart(ds: Dataset) -> tuple[Chart, pd.DataFrame]:
    """The blocs' share of world mine production (members as of 31 December)."""
    flows = observed_flows(ds.table("production"))
    blocs = metrics.bloc_shares(ds, flows, "mining", None, blocs=BLOCS, add={"BRICS": ["TUR"]})
    blocs = blocs[blocs["world_basis"] == "published world total"]
    fig = plot.group_share_lines(
        blocs,
        "Blocs' share of world mine production (members as of 31 December)",
        founded=plot.founding_years(ds.table("bloc_membership")),
    )
    data = pd.DataFrame(
        {
            "bloc": blocs["group"],
            "year": blocs["year"],
            "share [%]": (blocs["share"] * 100).where(blocs["members_with_data"] > 0),
            "share at most [%]": blocs["share_upper"] * 100,
            "members with data": blocs["members_with_data"],
            "sources": blocs["source"],
        }
    )
    return Chart("blocs", fig, data, _bloc_summary(blocs)), blocs


def _bloc_summary(blocs: pd.DataFrame) -> str:
    """The blocs' shares in the last year any member of any bloc has data."""
    known = blocs[blocs["members_with_data"] > 0]
    if known.empty:
        return "No bloc member has mining data."
    year = int(known["year"].max())
    said = "; ".join(
        f"{r.group} {r.share:.1%}"
        if r.members_with_data > 0
        else f"{r.group} unknown (no member data)"
        for r in blocs[blocs["year"] == year].itertuples()
    )
    return f"Share of world mine production in {year}: {said}."


def _toggles(blocs: pd.DataFrame) -> str:
    boxes = "".join(
        f"<label><input type='checkbox' name='bloc' value='{html.escape(name)}' checked>"
        f"{html.escape(name)}</label>"
        for name in blocs["group"].drop_duplicates()
    )
    return f"<fieldset><legend>Show blocs</legend>{boxes}</fieldset>"


def overview(ds: Dataset) -> str:
    """The overview page."""
    t = overview_tables(ds)
    names = plot.country_names(ds.table("countries"))
    cards = china_cards(t["stage_shares"], t["series"])
    blocs, bloc_rows = bloc_chart(ds)
    world_map = map_chart(ds, names)
    body = (
        "<p class='lead'>Observed shares of world output at each stage of the rare earth chain, "
        "from cited public sources; where sources name only part of the world the rest is shown "
        "as not covered, never as zero.</p>"
        + cards_html(cards, "China's share per stage")
        + chart_section(
            stages_chart(t["stage_shares"], names, cards),
            sources_list(ds, t["stage_shares"]["source"]),
        )
        + chart_section(world_map, sources_list(ds, world_map.data["sources"]))
        + chart_section(hhi_chart(t["concentration"]), sources_list(ds, t["series"]["source"]))
        + chart_section(blocs, _toggles(bloc_rows) + sources_list(ds, bloc_rows["source"]))
    )
    return layout(TITLE, body, "/", scripts=("/static/overview.js",))
