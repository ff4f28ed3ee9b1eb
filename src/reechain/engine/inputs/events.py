"""Events that change supply: projects (new pools, capacity, owners, dedicated separation,
offtake) and outages. Demand events are in :mod:`~reechain.engine.inputs.demand`, tariffs and
export controls in :mod:`~reechain.engine.inputs.trade`.

Projects are applied first, then outages (in scenario order), so that an outage also cuts a
project's capacity in its country.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from reechain.engine.inputs.context import Context, preferred, ramp, share_in_force
from reechain.engine.inputs.processing import Capacities
from reechain.engine.inputs.supply import Pools, composition_shares, deposit_composition, pool_row
from reechain.engine.network import Network
from reechain.engine.scenario import OutageEvent, ProjectEvent, technology_rules
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

OWNER_COLUMNS = ["project", "region", "stage", "owner", "share"]
OFFTAKE_SPEC_COLUMNS = ["year", "origin", "dest", "share", "event", "stage", "pool", "capacity"]
OFFTAKE_COLUMNS = [
    "year", "origin", "dest", "kind", "item", "share", "pool", "capacity", "reward", "event"
]  # fmt: skip
# The product of a project's stage that its partners take.
OFFTAKE_KIND = {
    "mining": "concentrate",
    "separation": "oxide",
    "metal": "metal",
    "magnet": "magnet",
}


@dataclass(frozen=True)
class AddedCapacity:
    """Capacity a project adds to a stage: ``key`` is a pool (mining) or a region; ``tonnes``
    per period [t/period of the stage's material]; ``project`` the project's name."""

    stage: str
    key: str
    tonnes: np.ndarray
    project: str = ""


@dataclass(frozen=True)
class ProjectEffects:
    """What the scenario's projects add: feed pools (rows and element splits), capacity,
    owners [project, region, stage, owner, share], dedicated separation [deposit, region],
    feeds from mines that exist [pool, region] (the plant's region may take the pool) and
    offtake terms [year, origin, dest, share, event, stage, pool, capacity] (expanded to the
    network's items by :func:`offtake_table`)."""

    pools: tuple[dict, ...]
    compositions: Mapping[str, pd.Series]
    capacity: tuple[AddedCapacity, ...]
    owners: pd.DataFrame
    dedicated: pd.DataFrame
    feeds: pd.DataFrame
    offtake: pd.DataFrame


def project_effects(ctx: Context, existing: Pools) -> ProjectEffects:
    """The effects of every project event, in scenario order. ``existing`` are the pools of
    the base year's mine output (a separation project may be fed by one of them)."""
    pools: list[dict] = []
    compositions: dict[str, pd.Series] = {}
    capacity: list[AddedCapacity] = []
    owners: list[dict] = []
    dedicated: list[dict] = []
    feeds: list[dict] = []
    offtake: list[dict] = []
    mined = {
        ev.feed.deposit: f"{ev.feed.deposit}:{ev.name}"
        for ev in ctx.events.projects
        if ev.stage == "mining" and ev.feed is not None
    }
    for ev in ctx.events.projects:
        if technology_blocked(ctx, ev):
            continue
        share_of_full = ramp(ctx.years, ev.start, ev.ramp_up_years, ev.end)
        tonnes = share_of_full * ev.capacity_t_per_yr() * ctx.fractions  # [t/period]
        region = ctx.region_of(ev.country)
        own_pool = None
        fed_by = existing_feed(ctx, ev, existing, mined) if ev.stage == "separation" else []
        if fed_by:
            feeds += [{"pool": p, "region": region} for p in fed_by]
        elif ev.stage in ("mining", "separation") and ev.feed is not None:
            row, shares = feed_pool(ctx, ev, region)
            pools.append(row)
            compositions[row["pool"]] = shares
            capacity.append(AddedCapacity("mining", row["pool"], tonnes, ev.name))
            own_pool = row["pool"]
            if ev.stage == "separation":
                dedicated.append({"deposit": row["pool"], "region": region})
        if ev.stage != "mining":
            capacity.append(AddedCapacity(ev.stage, region, tonnes, ev.name))
        owners += [
            {"project": ev.name, "region": region, "stage": ev.stage, "owner": o, "share": s}
            for o, s in ev.owners.items()
        ]
        offtake += offtake_rows(ctx, ev, region, tonnes, own_pool)
    return ProjectEffects(
        pools=tuple(pools),
        compositions=compositions,
        capacity=tuple(capacity),
        owners=pd.DataFrame(owners, columns=OWNER_COLUMNS),
        dedicated=pd.DataFrame(dedicated, columns=["deposit", "region"]),
        feeds=pd.DataFrame(feeds, columns=["pool", "region"]),
        offtake=pd.DataFrame(offtake, columns=OFFTAKE_SPEC_COLUMNS),
    )


def technology_blocked(ctx: Context, ev: ProjectEvent) -> bool:
    """Whether a project can't start: its technology partner's state bans (or licenses) the
    export of the stage's technology on the project's first day (policies table, stages
    'technology') and the scenario doesn't say the licence is granted. Said in provenance
    either way."""
    rules = technology_rules(ctx.table("policies"), ev)
    if rules.empty:
        return False
    ids = ", ".join(rules["policy_id"])
    blocked = ev.technology_licence != "granted"
    ctx.book.note(
        f"project {ev.name} technology",
        "blocked" if blocked else "licensed",
        "",
        f"{ev.technology_from} controls the export of {ev.stage} technology ({ids}) on "
        f"{ev.start}-01-01: "
        + (
            "the project does not start (say technology_licence: granted to assume a licence)"
            if blocked
            else "the scenario assumes the licence is granted"
        ),
        ";".join(rules["source_id"]),
    )
    if blocked:
        logger.warning("project %s blocked by %s", ev.name, ids)
    return blocked


def existing_feed(
    ctx: Context, ev: ProjectEvent, existing: Pools, mined: dict[str, str]
) -> list[str]:
    """The pools that feed a separation project without a new mine: the pool of the
    scenario's mining project on its feed deposit, or, for a deposit in operation, the
    mining pools of its country. Empty when the deposit is mined by nothing else: the project
    then mines its own feed (an integrated mine and plant, said in provenance)."""
    if ev.feed is None:
        return []
    deposit = ev.feed.deposit
    if deposit in mined:
        chosen = [mined[deposit]]
        how = f"the scenario's mining project on {deposit}"
    else:
        info = ctx.table("deposits").set_index("deposit_id").loc[deposit]
        table = existing.table
        chosen = (
            list(table.loc[table["country"] == info["country"], "pool"])
            if info["status"] == "operating"
            else []
        )
        how = f"{deposit} is in operation: the mining pools of {info['country']}"
    if chosen:
        ctx.book.note(f"project {ev.name} feed", chosen, "pools", f"fed by {how}; no new mine", "")
    else:
        ctx.book.note(
            f"project {ev.name} feed source",
            deposit,
            "deposit",
            "no mine works this deposit in the data or the scenario: the project mines its "
            "own feed at its capacity (an integrated mine and plant)",
            "",
        )
    return chosen


def feed_pool(ctx: Context, ev: ProjectEvent, region: str) -> tuple[dict, pd.Series]:
    """The pool of a project's feed deposit (``<deposit>:<project>``, no base-year output) and
    its element shares [fraction]; the composition chosen is noted."""
    cid, how = deposit_composition(ctx.ds, ev.feed.deposit, ev.feed.composition)
    pool = f"{ev.feed.deposit}:{ev.name}"
    shares = composition_shares(ctx.ds, cid)
    row = pool_row(pool, ev.country, region, cid, 0.0, "project", ev.name)
    ctx.book.note(f"project {ev.name} feed", cid, "composition", how, "")
    return row, shares


def offtake_rows(
    ctx: Context, ev: ProjectEvent, region: str, tonnes: np.ndarray, pool: str | None
) -> list[dict]:
    """Offtake terms of a project: in each year it produces, ``share`` [fraction] of its output
    is reserved for each partner's region if the partner takes it; ``capacity`` [t/yr] is the
    project's capacity that year, ``pool`` its own feed (its output is then known item by
    item)."""
    return [
        {
            "year": y,
            "origin": region,
            "dest": ctx.region_of(partner),
            "share": share,
            "event": ev.name,
            "stage": ev.stage,
            "pool": pool,
            "capacity": float(t),
        }
        for partner, share in ev.offtake.items()
        for y, t in zip(ctx.years, tonnes, strict=True)
        if t > 0
    ]


def offtake_table(ctx: Context, net: Network, terms: pd.DataFrame) -> pd.DataFrame:
    """Offtake rows of the network (:attr:`Network.offtake`): each term per item of the
    project's product (its ``offtake_elements``, else every element its feed holds or every
    element; magnets: every grade; a mine: its pool), with the reward that gives the partner
    priority (:func:`_reward`)."""
    elements_of = {ev.name: ev.offtake_elements for ev in ctx.events.projects}
    reward = _reward(net)
    rows = []
    for term in terms.to_dict("records"):
        kind = OFFTAKE_KIND[term["stage"]]
        for item in _offtake_items(net, kind, term["pool"], elements_of.get(term["event"])):
            rows.append({**term, "kind": kind, "item": item, "reward": reward})
    table = pd.DataFrame(rows, columns=[*OFFTAKE_COLUMNS, "stage"])
    return table[OFFTAKE_COLUMNS]


def _offtake_items(net: Network, kind: str, pool: str | None, elements: list[str] | None):
    """The items an offtake covers."""
    if kind == "concentrate":
        return [pool]
    if kind == "magnet":
        return list(net.grades)
    chosen = [e for e in net.elements if elements is None or e in elements]
    if pool is not None and kind == "oxide":
        chosen = [e for e in chosen if net.composition.loc[pool, e] > 0]
    return chosen


def _reward(net: Network) -> float:
    """1 USD/t above the highest willingness to pay [USD/t] of any demand of the network: more
    than any buyer would pay for anything, so the partner is served first (a product without a
    demand of its own, such as Pr oxide drawn only into metal, gets the same priority)."""
    prices = net.demand["price"] if len(net.demand) else pd.Series(dtype=float)
    return 1.0 + (float(prices.max()) if len(prices) else 0.0)


def apply_capacity_events(
    ctx: Context,
    caps: Capacities,
    pools: Pools,
    projects: ProjectEffects,
    mine_order: pd.Index,
) -> Capacities:
    """Capacities after the projects (added capacity) and then the outages (cuts); mine
    columns in ``mine_order`` (the pools of the composition table)."""
    out = caps.copy()
    for added in projects.capacity:
        target = out.of(added.stage)
        if added.key not in target.columns:
            target[added.key] = 0.0
        target[added.key] += added.tonnes
    out = replace(out, mine=out.mine[mine_order])
    for ev in ctx.events.outages:
        if ev.facility is not None:
            facility_outage(ctx, ev, out, pools)
        else:
            area_outage(ctx, ev, out, pools)
    return out


def facility_outage(ctx: Context, ev: OutageEvent, caps: Capacities, pools: Pools) -> None:
    """Take a facility's latest reported capacity (or output) [t/yr] x the share out of its
    country's capacity at its stage, pro rata for the part of each year (in place, never
    below 0). A mine's loss comes out of its country's mining pools in proportion to their
    capacity."""
    fac = ctx.table("facilities").set_index("facility_id").loc[ev.facility]
    table = preferred(ctx.table("facility_capacity"))
    rows = table[
        (table["facility_id"] == ev.facility)
        & table["value"].notna()
        & table["measure"].isin(["capacity", "output"])
        & (table["material"].isin(["TREO", "NdFeB", "REM"]))
    ]
    if rows.empty:
        raise ReechainError(
            f"outage of facility {ev.facility!r}: the data has no capacity "
            "or output for it; use its country and stage instead"
        )
    row = rows.sort_values(["year", "measure"]).iloc[-1]
    target = caps.of(fac["stage"])
    cols = _capacity_columns(ctx, fac["stage"], fac["country"], pools)
    for y, part_of_year in zip(ctx.years, ctx.fractions, strict=True):
        lost = float(row["value"]) * part_of_year * ev.share * share_in_force(ev.from_, ev.until, y)
        total = float(target.loc[y, cols].sum())
        if lost > 0 and total > 0:
            target.loc[y, cols] *= max(0.0, 1 - lost / total)
    ctx.book.note(
        f"outage {ev.name or ev.facility}",
        float(row["value"]) * ev.share,
        row["unit"],
        f"{ev.facility} ({fac['stage']}, {fac['country']}) loses "
        f"{ev.share:.0%} of its {row['measure']} ({int(row['year'])}) from "
        f"{ev.from_} to {ev.until}",
        row["source_id"],
    )


def area_outage(ctx: Context, ev: OutageEvent, caps: Capacities, pools: Pools) -> None:
    """Cut the stage capacity of a country (a deposit: its country's pools) by the share, pro
    rata for the part of each year (in place)."""
    if ev.deposit is not None:
        country = ctx.table("deposits").set_index("deposit_id").loc[ev.deposit, "country"]
    else:
        country = ev.country
    cols = _capacity_columns(ctx, ev.stage, country, pools)
    target = caps.of(ev.stage)
    for y in ctx.years:
        in_force = share_in_force(ev.from_, ev.until, y)
        if in_force > 0:
            target.loc[y, cols] *= 1 - ev.share * in_force
    ctx.book.note(
        f"outage {ev.name or country}",
        ev.share,
        "fraction",
        f"{ev.stage} capacity of {country} cut from {ev.from_} to {ev.until}",
        "",
    )


def _capacity_columns(ctx: Context, stage: str, country: str, pools: Pools) -> list[str]:
    """The capacity columns of a country at a stage: its mining pools, or its region."""
    if stage == "mining":
        table = pools.table
        return list(table.loc[table["country"] == country, "pool"])
    return [ctx.region_of(country)]
