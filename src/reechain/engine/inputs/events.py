"""Events that change supply: projects (new pools, capacity, owners, dedicated separation,
offtake) and outages. Demand events are in :mod:`~reechain.engine.inputs.demand`, tariffs and
export controls in :mod:`~reechain.engine.inputs.trade`.

Projects are applied first, then outages (in scenario order), so that an outage also cuts a
project's capacity in its country.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from reechain.engine.inputs.context import Context, preferred, ramp, share_in_force
from reechain.engine.inputs.processing import Capacities
from reechain.engine.inputs.supply import Pools, composition_shares, deposit_composition, pool_row
from reechain.engine.scenario import OutageEvent, ProjectEvent
from reechain.errors import ReechainError

OWNER_COLUMNS = ["project", "region", "stage", "owner", "share"]
OFFTAKE_COLUMNS = ["year", "origin", "dest", "share", "event"]


@dataclass(frozen=True)
class AddedCapacity:
    """Capacity a project adds to a stage: ``key`` is a pool (mining) or a region; ``tonnes``
    per scenario year [t/yr of the stage's material]."""

    stage: str
    key: str
    tonnes: np.ndarray


@dataclass(frozen=True)
class ProjectEffects:
    """What the scenario's projects add: feed pools (rows and element splits), capacity,
    owners [project, region, stage, owner, share], dedicated separation [deposit, region] and
    offtake floors [year, origin, dest, share, event]."""

    pools: tuple[dict, ...]
    compositions: Mapping[str, pd.Series]
    capacity: tuple[AddedCapacity, ...]
    owners: pd.DataFrame
    dedicated: pd.DataFrame
    offtake: pd.DataFrame


def project_effects(ctx: Context) -> ProjectEffects:
    """The effects of every project event, in scenario order."""
    pools: list[dict] = []
    compositions: dict[str, pd.Series] = {}
    capacity: list[AddedCapacity] = []
    owners: list[dict] = []
    dedicated: list[dict] = []
    offtake: list[dict] = []
    for ev in ctx.events.projects:
        share_of_full = ramp(ctx.years, ev.start, ev.ramp_up_years, ev.end)
        tonnes = share_of_full * ev.capacity_t_per_yr()
        region = ctx.region_of(ev.country)
        if ev.stage in ("mining", "separation") and ev.feed is not None:
            row, shares = feed_pool(ctx, ev, region)
            pools.append(row)
            compositions[row["pool"]] = shares
            capacity.append(AddedCapacity("mining", row["pool"], tonnes))
            if ev.stage == "separation":
                dedicated.append({"deposit": row["pool"], "region": region})
        if ev.stage != "mining":
            capacity.append(AddedCapacity(ev.stage, region, tonnes))
        owners += [
            {"project": ev.name, "region": region, "stage": ev.stage, "owner": o, "share": s}
            for o, s in ev.owners.items()
        ]
        offtake += offtake_rows(ctx, ev, region, share_of_full)
    return ProjectEffects(
        pools=tuple(pools),
        compositions=compositions,
        capacity=tuple(capacity),
        owners=pd.DataFrame(owners, columns=OWNER_COLUMNS),
        dedicated=pd.DataFrame(dedicated, columns=["deposit", "region"]),
        offtake=pd.DataFrame(offtake, columns=OFFTAKE_COLUMNS),
    )


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
    ctx: Context, ev: ProjectEvent, region: str, share_of_full: np.ndarray
) -> list[dict]:
    """Offtake floors of a project: in each year it produces, ``share`` [fraction] of the
    oxide separated in its region goes to each partner's region."""
    return [
        {
            "year": y,
            "origin": region,
            "dest": ctx.region_of(partner),
            "share": share,
            "event": ev.name,
        }
        for partner, share in ev.offtake.items()
        for y, level in zip(ctx.years, share_of_full, strict=True)
        if level > 0
    ]


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
    for y in ctx.years:
        lost = float(row["value"]) * ev.share * share_in_force(ev.from_, ev.until, y)
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
