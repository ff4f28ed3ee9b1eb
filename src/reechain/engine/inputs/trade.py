"""Trade: China's magnet export destinations, observed concentrate routes, tariffs and the
lanes of export controls."""

from __future__ import annotations

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.inputs.context import (
    TRADED_KIND,
    Book,
    Context,
    RegionMap,
    preferred,
    share_in_force,
)
from reechain.engine.network import Network
from reechain.engine.scenario import ExportControlEvent, TariffEvent

TARIFF_COLUMNS = ["year", "kind", "item", "origin", "dest", "usd_per_t"]


def export_destinations(trade: pd.DataFrame, book: Book) -> pd.Series:
    """Country -> share of China's magnet exports [fraction], from the latest full year that
    splits them (annual rows, destination tonnes / world total); ``attrs["year"]`` is that
    year. Empty if no year has both."""
    t = preferred(
        trade[
            (trade["flow"] == "export")
            & (trade["reporter"] == "CHN")
            & (trade["product"] == "ndfeb_magnets")
            & (trade["period"] == "annual")
            & trade["value"].notna()
            & (trade["unit"] == "t")
        ]
    )
    years = sorted(
        set(t.loc[t["partner"] != "WLD", "year"]) & set(t.loc[t["partner"] == "WLD", "year"])
    )
    if not years:
        return pd.Series(dtype=float)
    y = years[-1]
    part = t[t["year"] == y]
    world = float(part.loc[part["partner"] == "WLD", "value"].iloc[0])
    shares = part[part["partner"] != "WLD"].set_index("partner")["value"] / world
    shares.attrs["year"] = y
    book.note(
        "export destinations",
        shares.round(4).to_dict(),
        "fraction",
        f"China's magnet exports by destination in {y} / world total",
        ";".join(part["source_id"].unique()),
    )
    return shares


def concentrate_routes(ctx: Context) -> pd.DataFrame:
    """[origin, dest] concentrate lanes with an observed supply relation: operating separation
    plants whose feed deposit lies in another region (facilities table)."""
    fac = ctx.table("facilities")
    dep = ctx.table("deposits").set_index("deposit_id")["country"]
    rows = []
    for r in fac[
        (fac["stage"] == "separation") & fac["deposit_id"].notna() & (fac["status"] == "operating")
    ].itertuples():
        origin = ctx.region_of(dep.get(r.deposit_id, r.country))
        dest = ctx.region_of(r.country)
        if origin != dest:
            rows.append({"origin": origin, "dest": dest})
            ctx.book.note(
                f"route {origin}->{dest}",
                r.facility_id,
                "concentrate lane",
                f"{r.name} is fed by {r.deposit_id}",
                r.source_id,
            )
    return pd.DataFrame(rows, columns=["origin", "dest"]).drop_duplicates()


def tariff_table(ctx: Context, net: Network) -> pd.DataFrame:
    """[year, kind, item, origin, dest, usd_per_t]: duties per lane and year [USD/t], pro
    rata for the part of a year in force."""
    rows = [row for ev in ctx.events.tariffs for row in tariff_rows(ev, net, ctx.region_of)]
    return pd.DataFrame(rows, columns=TARIFF_COLUMNS)


def tariff_rows(ev: TariffEvent, net: Network, region_of: RegionMap) -> list[dict]:
    """The lanes of one tariff: every item of its stages (magnets: all grades) from each
    exporter's region into the importer's, in each year it is in force."""
    dest = region_of(ev.importer)
    origins = (
        set(net.regions) - {dest}
        if ev.exporters == "all"
        else {region_of(c) for c in ev.exporters} - {dest}
    )
    rows = []
    for y in net.years:
        in_force = share_in_force(ev.from_, ev.until, y)
        if in_force <= 0:
            continue
        for stage in ev.stages:
            kind = TRADED_KIND[stage]
            items = (
                net.grades
                if kind == "magnet"
                else net.elements
                if ev.elements == "all"
                else [e for e in ev.elements if e in net.elements]
            )
            rows += [
                {
                    "year": y,
                    "kind": kind,
                    "item": item,
                    "origin": o,
                    "dest": dest,
                    "usd_per_t": ev.rate.value * in_force,
                }
                for item in items
                for o in sorted(origins)
            ]
    return rows


def control_lanes(ctx: Context, net: Network) -> pd.DataFrame:
    """Lanes [event, year, kind, item, origin, dest] of each export control (``event``: its
    position in the scenario's events), with its mode (ban, quota, licence), approval rate,
    quota and the fraction of each year it is in force. Caps are set by
    :mod:`reechain.engine.run`."""
    rows = [
        row
        for i, ev in ctx.events.controls
        for row in control_rows(i, ev, ctx.ds, net, ctx.region_of)
    ]
    return pd.DataFrame(rows)


def control_rows(
    i: int, ev: ExportControlEvent, ds: Dataset, net: Network, region_of: RegionMap
) -> list[dict]:
    """The lanes of export control number ``i``: its elements (and the magnet grades that
    contain any of them) from the actor's region to each destination region, per year in
    force; mining is not a traded stage and is skipped."""
    actor = region_of(ev.actor)
    elements = set(net.elements)
    controlled = elements if ev.elements == "all" else set(ev.elements) & elements
    dests = sorted(control_destinations(ev, ds, net, region_of))
    mode = "ban" if ev.ban else "quota" if ev.quota else "licence"
    rows = []
    for y in net.years:
        in_force = ev.share_in_force(y)
        if in_force <= 0:
            continue
        for stage in ev.stages:
            if stage == "mining":
                continue
            kind = TRADED_KIND[stage]
            items = (
                sorted(controlled)
                if kind != "magnet"
                else [
                    g
                    for g in net.grades
                    if any(net.recipe.loc[g, e] > 0 for e in controlled if e in net.recipe)
                ]
            )
            rows += [
                {
                    "event": i,
                    "year": y,
                    "kind": kind,
                    "item": item,
                    "origin": actor,
                    "dest": d,
                    "in_force": in_force,
                    "mode": mode,
                    "rate": ev.licence_approval_rate,
                    "quota": ev.quota_t_per_yr(),
                }
                for item in items
                for d in dests
            ]
    return rows


def control_destinations(
    ev: ExportControlEvent, ds: Dataset, net: Network, region_of: RegionMap
) -> set[str]:
    """Regions an export control applies to: all but the actor's, or those of the listed
    countries and of the members of the listed blocs on the control's start date."""
    dests = set(net.regions) - {region_of(ev.actor)}
    if ev.destinations == "all":
        return dests
    blocs = set(ds.table("blocs")["bloc_id"])
    chosen: set[str] = set()
    for d in ev.destinations:
        if d in blocs:
            chosen |= {region_of(c) for c in ds.bloc_members(d, on=ev.from_)}
        else:
            chosen.add(region_of(d))
    return dests & chosen
