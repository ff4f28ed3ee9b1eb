"""Trade: China's magnet export destinations, observed concentrate routes, tariffs and the
lanes of export controls."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd

from reechain.engine import periods
from reechain.engine.inputs.context import (
    ROW,
    TRADED_KIND,
    Book,
    Context,
    RegionMap,
    preferred,
    share_in_force,
)
from reechain.engine.network import TRACKING_COLUMNS, Network
from reechain.engine.scenario import ExportControlEvent, TariffEvent

logger = logging.getLogger(__name__)

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
    :mod:`reechain.engine.run`. A control that matches no lane is said in provenance and
    logged as a warning."""
    rows = []
    for i, ev in ctx.events.controls:
        part = control_rows(i, ev, ctx, net)
        if not part:
            warn_unmatched(ctx, i, ev)
        rows += part
    return pd.DataFrame(rows, columns=LANE_COLUMNS)


LANE_COLUMNS = [
    "event", "year", "kind", "item", "origin", "dest", "in_force", "mode", "rate", "quota"
]  # fmt: skip


def warn_unmatched(ctx: Context, i: int, ev: ExportControlEvent) -> None:
    """Record that export control ``i`` controls nothing in this network."""
    message = (
        f"export control #{i} ({ev.actor}, {ev.elements}, {ev.stages}) matches no flow of the "
        "model: no controlled element at its stages, no destination or no year in force"
    )
    logger.warning(message)
    ctx.book.note(f"warning: export control #{i}", 0, "lanes", message, "")


def grade_content(net: Network) -> pd.DataFrame:
    """Grade x element content of magnets [t element / t magnet], Pr and Nd included (their
    split at the middle of the allowed Pr share when the model chooses it)."""
    content = net.recipe.copy()
    if net.prnd is not None:
        pr = sum(net.pr_share) / 2
        for symbol, part in (("Pr", pr), ("Nd", 1 - pr)):
            if symbol in content.columns:
                content[symbol] = content[symbol] + net.prnd.reindex(content.index) * part
    return content


def controlled_items(kind: str, ev: ExportControlEvent, net: Network, actor: str) -> list[str]:
    """The items of a stage's product that a control covers: its elements (oxide, metal);
    every magnet grade that contains any of them, or every grade for ``elements: all``
    (magnets); the actor's mining pools that contain any of them (concentrate)."""
    elements = set(net.elements) if ev.elements == "all" else set(ev.elements) & set(net.elements)
    if kind in ("oxide", "metal"):
        return sorted(elements)
    if kind == "magnet":
        if ev.elements == "all":
            return list(net.grades)
        content = grade_content(net)
        return [g for g in net.grades if (content.loc[g, sorted(elements)] > 0).any()]
    pools = [d for d in net.deposits if net.deposit_region[d] == actor]
    comp = net.composition.loc[pools, sorted(elements)]
    return [p for p in pools if (comp.loc[p] > 0).any()]


def control_rows(i: int, ev: ExportControlEvent, ctx: Context, net: Network) -> list[dict]:
    """The lanes of export control number ``i``: for each stage, the items it covers
    (:func:`controlled_items`) from the actor's region to each destination region, per year
    in force, with the approval rate of each (item, destination, year)."""
    actor = ctx.region_of(ev.actor)
    dests = control_destinations(ev, ctx, net)
    mode = "ban" if ev.ban else "quota" if ev.quota else "licence"
    rows = []
    for y in net.years:
        in_force = ev.share_in_force(y)
        if in_force <= 0:
            continue
        for stage in ev.stages:
            kind = CONTROLLED_KIND[stage]
            for item in controlled_items(kind, ev, net, actor):
                for d in sorted(dests):
                    rate = (
                        approval_rate(ev, ctx, kind, item, dests[d], y, net)
                        if mode == "licence"
                        else None
                    )
                    rows.append(
                        {
                            "event": i,
                            "year": y,
                            "kind": kind,
                            "item": item,
                            "origin": actor,
                            "dest": d,
                            "in_force": in_force,
                            "mode": mode,
                            "rate": rate,
                            # the quota [t/yr] per period: its share of the year
                            "quota": (
                                ev.quota_t_per_yr() * periods.fraction(y)
                                if ev.quota is not None
                                else None
                            ),
                        }
                    )
    return rows


# The product a control at a stage acts on: mining controls act on concentrate.
CONTROLLED_KIND = {"mining": "concentrate", **TRADED_KIND}


def approval_rate(
    ev: ExportControlEvent,
    ctx: Context,
    kind: str,
    item: str,
    countries: set[str],
    year: int,
    net: Network,
) -> float:
    """Approval rate [fraction] of one controlled product to one destination region (holding
    ``countries``) in period ``year`` (a year or a month): each day in force takes the first
    licence term that covers the product's element (magnets: any element the grade contains),
    the destination and the day, else ``licence_approval_rate``; the period's rate is the mean
    over its days in force."""
    first, last = periods.span(year)
    start = max(first, ev.from_)
    end = min(last, ev.until or last)
    if not ev.licence_terms or end < start:
        return float(ev.licence_approval_rate)
    elements = _elements_of(kind, item, net)
    cuts = {start, end + timedelta(days=1)}
    for term in ev.licence_terms:
        for day in (term.from_, term.until and term.until + timedelta(days=1)):
            if day is not None and start < day <= end:
                cuts.add(day)
    bounds = sorted(cuts)
    total = 0.0
    for first, after in zip(bounds, bounds[1:], strict=False):
        total += (after - first).days * _rate_on(ev, ctx, elements, countries, first)
    return total / ((end - start).days + 1)


def _elements_of(kind: str, item: str, net: Network) -> set[str]:
    """The elements in one product: an element itself, or those in a magnet grade or a pool."""
    if kind in ("oxide", "metal"):
        return {item}
    table = grade_content(net) if kind == "magnet" else net.composition
    row = table.loc[item]
    return set(row[row > 0].index)


def _rate_on(
    ev: ExportControlEvent, ctx: Context, elements: set[str], countries: set[str], day: date
) -> float:
    """The approval rate on one day: the first term that matches, else the control's rate."""
    for term in ev.licence_terms:
        if term.elements is not None and not elements & set(term.elements):
            continue
        if term.destinations is not None and not countries & _expand(ctx, term.destinations, day):
            continue
        if (term.from_ and day < term.from_) or (term.until and day > term.until):
            continue
        return float(term.rate)
    return float(ev.licence_approval_rate)


def _expand(ctx: Context, codes: list[str], on: date) -> set[str]:
    """Country codes of a list of countries and blocs (a bloc's members on a date)."""
    blocs = set(ctx.table("blocs")["bloc_id"])
    out: set[str] = set()
    for code in codes:
        out |= set(ctx.ds.bloc_members(code, on=on)) if code in blocs else {code}
    return out


def control_destinations(ev: ExportControlEvent, ctx: Context, net: Network) -> dict[str, set[str]]:
    """Region -> the controlled countries it holds: all regions but the actor's, or the
    regions of the listed countries and of the members of the listed blocs on the control's
    start date. A bloc member with no data of its own sits in ``ROW`` (which also holds
    countries the control does not name): it is left out, and provenance says so, so that
    naming a country never controls another."""
    actor = ctx.region_of(ev.actor)
    if ev.destinations == "all":
        return {r: {r} for r in net.regions if r != actor}
    chosen: dict[str, set[str]] = {}
    unmodelled: set[str] = set()
    for country in _expand(ctx, list(ev.destinations), ev.from_):
        region = ctx.region_of(country)
        if region == ROW:
            unmodelled.add(country)
        elif region != actor:
            chosen.setdefault(region, set()).add(country)
    if unmodelled:
        ctx.book.note(
            f"export control by {ev.actor}: destinations without data",
            sorted(unmodelled),
            "countries",
            "named destinations (or bloc members) with no data of their own: their demand "
            "is part of ROW, which the control does not cover",
            "",
        )
    return chosen


def tracking_table(ctx: Context, net: Network) -> pd.DataFrame:
    """Rows of :attr:`Network.tracking` for every export control whose content must be
    followed through third countries: a control on oxides or metals with a list of
    destinations (exports to the others may not reach them in other products), and any
    control with ``re_export`` (content of the actor's origin may not leave the country that
    imported it, or only at the licence rate). Magnets are final products in the model (no
    lane re-ships them), so a control on magnets alone needs no tracking."""
    rows = []
    for i, ev in ctx.events.controls:
        kinds = [TRADED_KIND[s] for s in ev.stages if s in ("separation", "metal")]
        if not kinds or (ev.destinations == "all" and not ev.re_export):
            continue
        actor = ctx.region_of(ev.actor)
        others = [r for r in net.regions if r != actor]
        dests = set(control_destinations(ev, ctx, net))
        sources = others if ev.re_export else [r for r in others if r not in dests]
        blocked = others if ev.re_export else sorted(dests)
        rate = float(ev.licence_approval_rate or 0.0) if ev.re_export else 0.0
        for y in net.years:
            in_force = ev.share_in_force(y)
            if in_force <= 0:
                continue
            rows += [
                {
                    "control": i,
                    "year": y,
                    "item": item,
                    "actor": actor,
                    "in_force": in_force,
                    "kinds": ";".join(kinds),
                    "sources": ";".join(sources),
                    "blocked": ";".join(blocked),
                    "rate": rate,
                }
                for item in tracked_items(ev, net)
            ]
    return pd.DataFrame(rows, columns=TRACKING_COLUMNS)


def tracked_items(ev: ExportControlEvent, net: Network) -> list[str]:
    """Content items a control follows: its elements, Pr and Nd as one item (magnets hold
    them in a split the model chooses)."""
    elements = (
        net.elements if ev.elements == "all" else [e for e in ev.elements if e in net.elements]
    )
    items = {"Pr+Nd" if e in ("Pr", "Nd") else e for e in elements}
    return sorted(items)
