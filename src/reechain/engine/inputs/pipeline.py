"""The supply pipeline: the dataset's announced facilities as projects of every run.

A facility outside China that is not yet operating (``facilities`` status commissioning,
construction, committed or planned), or operating from after the base year, and has a
capacity in ``facility_capacity`` becomes a project at its stage: from its announced start
year (else the base year plus its stage's lead time, plus the usual slip without an
investment decision), ramped up over its stage's ramp-up years, fed by its deposit where it
names one. A single run takes each at its capacity times the build probability of its status
(``pipeline: expected``; the risk-weighted pipeline), at its full capacity (``announced``) or
not at all (``none``). A plant that started within its ramp-up years before the base year
rises from its base-year output towards its nameplate (nameplate and utilisation apart).
China's capacity grows with its quotas instead (``existing_capacity_growth``), so its
facilities are left out. A scenario project that names a facility (``facility:``) replaces
it; ``pipeline_exclude`` leaves facilities out.
"""

from __future__ import annotations

import logging
import math
import zlib

import numpy as np
import pandas as pd

from reechain.engine.inputs.context import Context
from reechain.engine.inputs.supply import composition_shares, deposit_composition
from reechain.engine.scenario import ProjectEvent

logger = logging.getLogger(__name__)

#: status -> the assumption giving its build probability [fraction]
PROBABILITY = {
    "commissioning": "build_probability_commissioning",
    "construction": "build_probability_construction",
    "committed": "build_probability_committed",
    "planned": "build_probability_planned",
}
#: stage -> the assumption giving its lead time [years] when no start year is announced
LEAD_TIME = {
    "mining": "lead_time_mine_fid_to_production",
    "separation": "lead_time_separation_outside_china",
    "metal": "lead_time_metal_plant",
    "magnet": "lead_time_magnet_plant",
}
#: stage -> the assumption giving its ramp-up [years]
RAMP = {
    "mining": "ramp_years_separation",
    "separation": "ramp_years_separation",
    "metal": "ramp_years_magnet_plant",
    "magnet": "ramp_years_magnet_plant",
}
#: stage -> (capacity unit, materials its capacity may be given in)
CAPACITY = {
    "mining": ("t REO/yr", ("TREO",)),
    "separation": ("t REO/yr", ("TREO",)),
    "metal": ("t metal/yr", ("REM", "Pr+Nd", "Nd", "NdFeB")),
    "magnet": ("t magnet/yr", ("NdFeB",)),
}


def pipeline_projects(ctx: Context) -> list[ProjectEvent]:
    """The pipeline's projects of the scenario (with ``pipeline: none`` only the plants that
    rise to their nameplate, which operate), each noted in
    provenance with its capacity, start, ramp and probability; a facility left out (no
    capacity, no deposit for a mine, heavy-only circuit) is noted with the reason."""
    mode = ctx.sc.pipeline
    replaced = {ev.facility for ev in ctx.sc.events if getattr(ev, "facility", None)}
    replaced |= set(ctx.sc.pipeline_exclude)
    fac = ctx.table("facilities")
    fac = fac[(fac["country"] != "CHN") & ~fac["facility_id"].isin(replaced)]
    operating = fac["status"] == "operating"
    starts = fac["start_year"]
    ramp_years = {stage: ctx.book.assumption(a) for stage, a in RAMP.items()}
    recent = operating & (starts <= ctx.base) & (starts > ctx.base - fac["stage"].map(ramp_years))
    recent = recent.fillna(False).astype(bool)  # no start year: not recent
    later = (operating & (starts > ctx.base)).fillna(False).astype(bool)  # a project now
    candidates = fac[fac["status"].isin(list(PROBABILITY)) | later]
    if mode == "none":
        candidates = candidates.iloc[:0]
    projects, left_out = [], []
    for row in fac[operating & ~recent & ~later].itertuples():
        for make in (_idle_nameplate, _expansion):
            project = make(ctx, row, mode)
            if project is not None:
                projects.append(project)
    for row in fac[recent].itertuples():
        project, why = _rise_to_nameplate(ctx, row)
        if project is None:
            left_out.append(f"{row.facility_id} ({why})")
        else:
            projects.append(project)
    for row in candidates.itertuples():
        project, why = _project(ctx, row, mode)
        if project is None:
            left_out.append(f"{row.facility_id} ({why})")
        else:
            projects.append(project)
    if left_out:
        ctx.book.note(
            "pipeline facilities left out",
            len(left_out),
            "facilities",
            "; ".join(left_out),
            "",
        )
    return projects


def _modelled_capacity(ctx: Context, row) -> tuple[float | None, str]:
    """A facility's capacity [t/yr] and how it was read, or None and why it isn't modelled."""
    why = _not_modelled(row)
    if why:
        return None, why
    return _capacity(ctx, row)


def _project(ctx: Context, row, mode: str) -> tuple[ProjectEvent | None, str]:
    """The project of one facility, or None and why not."""
    capacity, how = _modelled_capacity(ctx, row)
    if capacity is None:
        return None, how
    probability = ctx.book.assumption(PROBABILITY.get(row.status, "build_probability_operating"))
    if mode == "drawn" and not _drawn(ctx, row.facility_id, probability):
        return None, f"not built in this draw (probability {probability})"
    scale = probability if mode == "expected" else 1.0
    start, start_how = _start(ctx, row)
    ramp_years = math.ceil(ctx.book.assumption(RAMP[row.stage]))
    unit = CAPACITY[row.stage][0]
    project = _event(row, "pipeline", capacity * scale, start, ramp_years, probability)
    ctx.book.note(
        f"pipeline {row.facility_id}",
        round(capacity * scale, 1),
        unit,
        f"{row.status}: {capacity:,.0f} x build probability {probability} ({mode}) from "
        f"{start} ({start_how}), {ramp_years} ramp-up years; capacity {how}",
        row.source_id,
    )
    return project, ""


def _preferred_rows(ctx: Context, row, measure: str) -> pd.DataFrame:
    """A facility's preferred rows of ``measure`` in its stage's unit, with a value."""
    cap = ctx.table("facility_capacity")
    return cap[
        (cap["facility_id"] == row.facility_id)
        & (cap["measure"] == measure)
        & (cap["unit"] == CAPACITY[row.stage][0])
        & cap["value"].notna()
        & cap["preferred"].fillna(False).astype(bool)
    ]


def _idle_nameplate(ctx: Context, row, mode: str) -> ProjectEvent | None:
    """An operating separation plant outside China whose nameplate (its latest capacity up
    to the base year) exceeds its base-year output in the same material: the difference is
    capacity the base year left idle (for want of feed), open from the next year. Nameplate
    and utilisation apart (Lynas Malaysia: 10,500 t/yr NdPr, 5,655 t made in FY2024)."""
    if row.stage != "separation" or _not_modelled(row):
        return None
    caps, outs = _preferred_rows(ctx, row, "capacity"), _preferred_rows(ctx, row, "output")
    for material in (*CAPACITY[row.stage][1], "Pr+Nd"):
        cap = caps[(caps["material"] == material) & (caps["year"] <= ctx.base)]
        out = outs[(outs["material"] == material) & (outs["year"] == ctx.base)]
        per_unit = _per_stage_unit(ctx, row, material)
        if cap.empty or out.empty or per_unit is None:
            continue
        nameplate, made = cap.sort_values("year").iloc[-1], out.iloc[0]
        idle = float(nameplate["value"]) - float(made["value"])
        if idle <= 0:
            return None
        added = idle * per_unit
        ctx.book.note(
            f"idle nameplate {row.facility_id}",
            round(added, 1),
            CAPACITY[row.stage][0],
            f"{material} nameplate {float(nameplate['value']):,.0f} ({int(nameplate['year'])}) "
            f"- output {float(made['value']):,.0f} ({ctx.base}) x {per_unit:.3f}; open from "
            f"{ctx.base + 1}",
            f"{nameplate['source_id']};{made['source_id']}",
        )
        return _event(row, "nameplate", added, ctx.base + 1, 0, fed=False)
    return None


def _expansion(ctx: Context, row, mode: str) -> ProjectEvent | None:
    """A dated expansion of an operating plant outside China: its capacity in a year after
    the base year above its capacity in the base year or before (same material), the
    difference converted to the stage's unit, from that year; a reported capacity counts
    fully, a projected one at the build probability of a committed project (``expected``)."""
    if _not_modelled(row):
        return None
    unit, materials = CAPACITY[row.stage]
    rows = _preferred_rows(ctx, row, "capacity")
    for material in (*materials, "Pr+Nd"):
        part = rows[rows["material"] == material].sort_values("year")
        before, after = part[part["year"] <= ctx.base], part[part["year"] > ctx.base]
        if before.empty or after.empty:
            continue
        old, new = before.iloc[-1], after.iloc[-1]
        growth = float(new["value"]) - float(old["value"])
        per_unit = _per_stage_unit(ctx, row, material)
        if growth <= 0 or per_unit is None:
            continue
        committed = ctx.book.assumption("build_probability_committed")
        probability = 1.0 if new["status"] == "reported" else committed
        if mode == "drawn" and not _drawn(ctx, f"expansion:{row.facility_id}", probability):
            return None
        scale = probability if mode == "expected" else 1.0
        added = growth * per_unit * scale
        start = max(int(new["year"]), ctx.base + 1)
        ramp_years = math.ceil(ctx.book.assumption(RAMP[row.stage]))
        project = _event(row, "expansion", added, start, ramp_years, probability)
        ctx.book.note(
            f"expansion {row.facility_id}",
            round(added, 1),
            unit,
            f"{material} capacity {float(old['value']):,.0f} ({int(old['year'])}) -> "
            f"{float(new['value']):,.0f} ({int(new['year'])}, {new['status']}) x "
            f"{per_unit:.3f} {unit} per t {material} x probability {probability} ({mode})",
            f"{old['source_id']};{new['source_id']}",
        )
        return project
    return None


def _per_stage_unit(ctx: Context, row, material: str) -> float | None:
    """t of the stage's unit per t of ``material`` capacity: 1 for the stage's own
    materials; for Pr+Nd at a mine or separator, 1 / the Pr+Nd share of its deposit's split
    (DERIVED); None where it can't be converted."""
    if material in CAPACITY[row.stage][1]:
        return 1.0
    if material != "Pr+Nd" or row.stage not in ("mining", "separation"):
        return None
    if pd.isna(row.deposit_id):
        return None
    comp_id, _ = deposit_composition(ctx.ds, row.deposit_id, None)
    shares = composition_shares(ctx.ds, comp_id)
    share = float(shares.get("Pr", 0.0) + shares.get("Nd", 0.0))
    return 1.0 / share if share > 0 else None


def _event(
    row,
    kind: str,
    capacity: float,
    start: int,
    ramp_years: int,
    probability: float = 1.0,
    fed: bool = True,
) -> ProjectEvent:
    """The project that adds ``capacity`` [t/yr, the stage's unit] to a facility's stage from
    ``start``, ramped up over ``ramp_years``, fed by its deposit where it names one (and
    ``fed``: idle nameplate takes whatever feed comes)."""
    return ProjectEvent.model_validate(
        {
            "type": "project",
            "name": f"{kind}:{row.facility_id}",
            "country": row.country,
            "stage": row.stage,
            "capacity": {"value": capacity, "unit": CAPACITY[row.stage][0]},
            "start": start,
            "ramp_up_years": ramp_years,
            "feed": {"deposit": row.deposit_id} if fed and pd.notna(row.deposit_id) else None,
            "probability": probability,
        }
    )


def _drawn(ctx: Context, key: str, probability: float) -> bool:
    """Whether ``key`` is built in this draw: a uniform from (``pipeline_seed``, the key's
    CRC32) below its ``probability``, so each facility's draw is its own and reproducible."""
    seed = ctx.sc.pipeline_seed or 0
    u = np.random.default_rng([seed, zlib.crc32(key.encode())]).random()
    return bool(u < probability)


def _not_modelled(row) -> str:
    """Why a facility can't be a project of the model ('' when it can)."""
    if row.separates == "heavy":
        return "a heavy-only circuit: not modelled yet"
    if row.separates == "none":
        return "cracking only: its product is separated elsewhere"
    if row.stage == "mining" and pd.isna(row.deposit_id):
        return "a mine without a deposit in the data: no element split"
    return ""


def _rise_to_nameplate(ctx: Context, row) -> tuple[ProjectEvent | None, str]:
    """A plant outside China that started within its stage's ramp-up years before the base
    year: its base-year output is in the data, the rest of its nameplate comes as it ramps
    up. Added: nameplate x (1 - the share realised in its year of the base year, between the
    assumptions' first- and third-year shares and 1 at the end of the ramp), rising to the
    full addition at the end of its ramp-up."""
    nameplate, how = _modelled_capacity(ctx, row)
    if nameplate is None:
        return None, how
    ramp_years = ctx.book.assumption(RAMP[row.stage])
    year_of_ramp = ctx.base - int(row.start_year) + 1
    realised = _realised(ctx, year_of_ramp, ramp_years)
    added = nameplate * (1 - realised)
    end = int(row.start_year) + math.ceil(ramp_years)
    project = _event(row, "ramp-up", added, ctx.base + 1, max(0, end - ctx.base - 1))
    ctx.book.note(
        f"ramp-up {row.facility_id}",
        round(added, 1),
        CAPACITY[row.stage][0],
        f"operating since {int(row.start_year)}: nameplate {nameplate:,.0f} ({how}) x (1 - "
        f"{realised:.2f} realised in its year {year_of_ramp}), full by {end}",
        row.source_id,
    )
    return project, ""


def _realised(ctx: Context, year_of_ramp: int, ramp_years: float) -> float:
    """Share of nameplate a new plant reaches in its ``year_of_ramp`` [fraction]: the
    assumptions' first- and third-year shares, linear between them and on to 1 at the end
    of the ramp-up."""
    first = ctx.book.assumption("capacity_realisation_year1")
    third = ctx.book.assumption("capacity_realisation_year3")
    points = ([1.0, 3.0, max(ramp_years, 3.0)], [first, third, 1.0])
    return float(np.interp(year_of_ramp, *points))


def _capacity(ctx: Context, row) -> tuple[float | None, str]:
    """A facility's capacity [t/yr in its stage's unit] and how it was read: the preferred
    capacity row of the latest year in the stage's unit; a separation plant given only in
    Pr+Nd takes its deposit's Pr+Nd share (:func:`_per_stage_unit`, derived)."""
    unit, materials = CAPACITY[row.stage]
    cap = ctx.table("facility_capacity")
    rows = cap[
        (cap["facility_id"] == row.facility_id)
        & (cap["measure"] == "capacity")
        & (cap["unit"] == unit)
        & cap["value"].notna()
    ].sort_values(["preferred", "year"], ascending=[False, False])
    direct = rows[rows["material"].isin(materials)]
    if len(direct):
        r = direct.iloc[0]
        return float(r["value"]), f"{r['material']} {int(r['year'])} ({r['status']})"
    prnd = rows[rows["material"] == "Pr+Nd"]
    per_unit = _per_stage_unit(ctx, row, "Pr+Nd") if row.stage == "separation" else None
    if len(prnd) and per_unit is not None:
        r = prnd.iloc[0]
        return float(r["value"]) * per_unit, (
            f"DERIVED: Pr+Nd {r['value']:,.0f} t / Pr+Nd share {1 / per_unit:.3f} of the "
            "deposit's split"
        )
    return None, f"no capacity in {unit} in the data"


def _start(ctx: Context, row) -> tuple[int, str]:
    """First year of output: the announced start year (at least the year after the base
    year), else the base year plus the stage's lead time outside China (plus the usual
    schedule slip for a project without an investment decision)."""
    if pd.notna(row.start_year):
        return max(int(row.start_year), ctx.base + 1), "announced"
    lead = ctx.book.assumption(LEAD_TIME[row.stage])
    if row.status == "planned":  # no investment decision yet: announced dates slip too
        slip = ctx.book.assumption("schedule_slip_years")
        how = f"no date: base year + lead time {lead} + slip {slip} years"
        return ctx.base + math.ceil(lead + slip), how
    return ctx.base + math.ceil(lead), f"no date: base year + lead time {lead} years"
