"""Demand: magnets by region and grade, and non-magnet oxides by element, each split into price
blocks (the rows of ``Network.demand``).

- base-year magnet demand by region: China's output minus its exports; exports split by
  destination with the latest full-year destination split in the trade table; Japan and the
  rest of the world use their own output;
- it is split into end uses by their base-year shares, and each end use's part grows with its
  driver (:mod:`~reechain.engine.inputs.end_uses`: electric car sales, wind additions; the
  IEA-derived rate for the others) or a demand event's ``growth_rate`` for its region and end
  use, less that end use's recycling, in the end use's grade mix, with substitution moving
  its heavy-rare-earth grades to another grade;
- demand events with an activity (vehicles, MW, GW or t magnet per year) add magnet demand;
- non-magnet oxide demand: what the base year separated beyond the magnets' needs, by
  element, where it was separated (so the base year has no surplus by construction, and
  surplus in later years is the balance problem of the scenario's changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import pandas as pd

from reechain.data.units import activity_per_year
from reechain.engine import periods
from reechain.engine.inputs.context import (
    ROW,
    Book,
    Context,
    preferred,
    preferred_value,
    ramp,
)
from reechain.engine.inputs.end_uses import EndUseDemand, end_use_demand
from reechain.engine.inputs.grades import GradeMix
from reechain.engine.inputs.processing import MagnetBase
from reechain.engine.inputs.supply import Pools
from reechain.engine.scenario import DemandEvent
from reechain.errors import ReechainError


@dataclass(frozen=True)
class DemandDrivers:
    """Base-year magnet demand by region [t magnet/yr], the grade mix (world, and by end
    use), world magnet demand by end use (base year to horizon, following its drivers), the
    growth of non-magnet demand [fraction/yr] and the price blocks."""

    by_region: pd.Series
    grades: GradeMix
    end_uses: EndUseDemand
    nonmagnet_growth: float
    blocks: Blocks


def demand_drivers(
    ctx: Context, magnets: MagnetBase, destinations: pd.Series, grades: GradeMix
) -> DemandDrivers:
    """What base and later demand are made of (each noted in provenance)."""
    by_region = magnet_demand_by_region(ctx, magnets, destinations)
    return DemandDrivers(
        by_region=by_region,
        grades=grades,
        end_uses=end_use_demand(ctx, magnets.world, grades.shares),
        nonmagnet_growth=ctx.book.assumption("nonmagnet_demand_growth"),
        blocks=demand_blocks(ctx.book),
    )


def magnet_demand_by_region(
    ctx: Context, magnets: MagnetBase, destinations: pd.Series
) -> pd.Series:
    """Region -> base-year magnet demand [t magnet/yr]: China's output minus its exports;
    exports by ``destinations`` (shares [fraction]; the unassigned rest to ROW); the non-China
    output where it is made."""
    exports, src = preferred_value(
        ctx.table("trade"),
        "China's magnet exports",
        flow="export",
        reporter="CHN",
        partner="WLD",
        product="ndfeb_magnets",
        year=ctx.base,
        period="annual",
    )
    region_of = ctx.region_of
    rest = magnets.world - magnets.china
    out = pd.Series(0.0, index=ctx.regions)
    out[region_of("CHN")] += magnets.china - exports
    for country, share in destinations.items():
        out[region_of(country)] += exports * share
    out[region_of("JPN")] += rest * magnets.japan_part
    out[ROW] += rest * (1 - magnets.japan_part) + exports * max(0.0, 1 - destinations.sum())
    ctx.book.note(
        "magnet demand by region",
        out.round(0).to_dict(),
        "t magnet",
        f"China output - exports ({exports:,.0f} t); exports by the destination split of "
        f"{int(destinations.attrs.get('year', 0))}",
        src,
    )
    return out


# The demand curve's steps, as fractions of the demand at the observed price (a discretisation
# choice, not data): four firm steps below it, a band around it priced at the observed price,
# and two steps of demand that appears only at lower prices.
# The band is narrow, so that a region that pays transport on top of the observed price
# consumes at least 99.5 % of its demand; the steps next to it are short, so that a small
# shortage or glut moves the price by a step of the curve, not by half of it.
FIRM_EDGES = (0.0, 0.5, 0.75, 0.9, 0.95, 0.995)
BAND = (0.995, 1.005)
EXTRA_EDGES = (1.005, 1.05, 1.15, 1.4, 1.75)


@dataclass(frozen=True)
class Block:
    """One step of a demand curve: quantity ``lower``..``upper`` [fraction of the demand at the
    observed price] at ``multiple`` of the observed price; ``part`` is 'firm' (left unserved,
    it is unmet demand), 'band' (the observed price's step) or 'extra' (bought only below it)."""

    block: int
    lower: float
    upper: float
    multiple: float
    part: str

    @property
    def width(self) -> float:
        return self.upper - self.lower

    @property
    def reference(self) -> float:
        """Part of the step inside the demand at the observed price [fraction of that demand]."""
        return max(0.0, min(self.upper, 1.0) - self.lower)


Blocks = tuple[Block, ...]


def demand_blocks(book: Book) -> Blocks:
    """The demand curve of every demand: constant price elasticity ``e`` around the observed
    price and quantity (price multiple of a step = its mid quantity ^ (1/e), at most the choke
    multiple), with the band at exactly the observed price, so that the base year's shadow
    prices are the observed ones."""
    elasticity = book.assumption("demand_price_elasticity")
    choke = book.assumption("demand_choke_price_multiple")
    if elasticity >= 0:
        raise ReechainError(f"demand_price_elasticity must be negative, got {elasticity}")

    def multiple(lo: float, hi: float) -> float:
        return min(choke, ((lo + hi) / 2) ** (1 / elasticity))

    def steps_of(edges: tuple[float, ...], part: str) -> list[tuple]:
        return [(lo, hi, multiple(lo, hi), part) for lo, hi in pairwise(edges)]

    steps = steps_of(FIRM_EDGES, "firm") + [(*BAND, 1.0, "band")] + steps_of(EXTRA_EDGES, "extra")
    return tuple(Block(i, *step) for i, step in enumerate(steps))


def stocking_multiple(book: Book) -> float:
    """Price of oxide that no buyer takes, as a multiple of its observed price: the curve's
    price at its last step's end (producers and traders stock it rather than dump it)."""
    return EXTRA_EDGES[-1] ** (1 / book.assumption("demand_price_elasticity"))


def block_rows(
    year: int, region: str, kind: str, item: str, quantity: float, price: float, blocks: Blocks
) -> list[dict]:
    """Demand rows of one demand at the observed price: ``quantity`` [t/yr] at ``price``
    [USD/t], one row per step of the curve. ``quantity`` is the step's width [t/yr],
    ``reference`` its part of the demand at the observed price [t/yr] and ``firm`` its part
    that is unmet demand when not served [t/yr]."""
    return [
        {
            "year": year,
            "region": region,
            "kind": kind,
            "item": item,
            "block": b.block,
            "quantity": quantity * b.width,
            "price": price * b.multiple,
            "reference": quantity * b.reference,
            "firm": quantity * b.width if b.part == "firm" else 0.0,
        }
        for b in blocks
    ]


def base_magnet_rows(
    ctx: Context,
    drivers: DemandDrivers,
    price: pd.Series,
    recycled: pd.DataFrame | None = None,
) -> list[dict]:
    """Magnet demand rows of every year and region: each end use's part of the region's
    base-year demand times its index (its driver's path, or a demand event's growth rate for
    the region and end use), in its grade mix after substitution, less the magnet material
    ``recycled`` beyond the data's rate (year, region, element, value [t/yr]: the in-use
    stocks' added recycling, made into magnets of the region's mix); ``price`` by grade
    [USD/t magnet]."""
    index = drivers.end_uses.index()
    shares = drivers.end_uses.shares
    again = _recycled(recycled)
    rows = []
    for y, part_of_year in zip(ctx.years, ctx.fractions, strict=True):
        year = periods.year_of(y)
        for r in ctx.regions:
            by_grade = dict.fromkeys(price.index, 0.0)
            for use, share in shares.items():
                level = _growth_index(ctx, r, use, year, index)
                total = drivers.by_region[r] * share * level * part_of_year
                mix = substituted(ctx, r, y, drivers.grades.reconciled(use), use)
                for grade, part in mix.items():
                    by_grade[grade] = by_grade.get(grade, 0.0) + part * total
            primary = _less_recycled(by_grade, again.get((year, r), 0.0) * part_of_year)
            for grade, quantity in primary.items():
                part = block_rows(y, r, "magnet", grade, quantity, price[grade], drivers.blocks)
                rows += [row for row in part if row["quantity"] > 0]
    return rows


def magnets_into_use(ctx: Context, drivers: DemandDrivers) -> pd.DataFrame:
    """Magnets entering use [t magnet/yr] by calendar year (the end uses' history to the
    horizon), region, end use and grade: the inflow of the in-use stocks. Before the base
    year: the world's end-use demand split by the base year's regions and grade mixes; from
    it: as :func:`base_magnet_rows` before recycling (recycled material still enters use),
    plus the demand events with an activity."""
    world = drivers.end_uses.world
    index = drivers.end_uses.index()
    regions = drivers.by_region / drivers.by_region.sum()
    rows = []
    for year in world.index:
        for use in world.columns:
            for r in ctx.regions:
                if year < ctx.base:
                    total = world.at[year, use] * regions[r]
                else:
                    level = _growth_index(ctx, r, use, year, index)
                    total = drivers.by_region[r] * drivers.end_uses.shares[use] * level
                mix = substituted(ctx, r, year, drivers.grades.reconciled(use), use)
                rows += [(year, r, use, g, total * share) for g, share in mix.items()]
    rows += _activity_rows(ctx, drivers.grades)
    out = pd.DataFrame(rows, columns=["year", "region", "end_use", "grade", "value"])
    out = out.groupby(["year", "region", "end_use", "grade"], as_index=False)["value"].sum()
    return out[out["value"] > 0].reset_index(drop=True)


def _activity_rows(ctx: Context, grades: GradeMix) -> list[tuple]:
    """(year, region, end use, grade, t magnet/yr) of the demand events with an activity."""
    rows = []
    for ev in ctx.events.demand:
        if ev.activity is None and not ev.values:
            continue
        per_unit = magnet_per_activity(ctx, ev)
        for year in range(ctx.base, ctx.sc.horizon + 1):
            act = ev.values.get(year, 0.0) if ev.values else ev.activity.value
            qty = act * ramp([year], ev.start or ctx.base, ev.ramp_up_years, None)[0] * per_unit
            for grade, share in grades.of(ev.end_use).items():
                rows.append((year, ctx.region_of(ev.region), ev.end_use, grade, qty * share))
    return rows


def _growth_index(ctx: Context, region: str, end_use: str, year: int, index: pd.DataFrame) -> float:
    """Demand of ``end_use`` in ``region`` in ``year`` relative to the base year: the last
    demand event's growth rate for the region and end use (or ``all``), else the end use's
    world index."""
    rate = None
    for ev in ctx.events.demand:
        if ev.growth_rate is None or ev.activity is not None or ev.values:
            continue
        if ctx.region_of(ev.region) == region and _applies(ev.end_use, end_use):
            rate = ev.growth_rate
    if rate is not None:
        return (1 + rate) ** (year - ctx.base)
    return float(index.at[year, end_use])


def _applies(named: str, end_use: str) -> bool:
    """Whether an event naming ``named`` acts on ``end_use`` (``all`` acts on every one)."""
    return named in ("all", end_use)


def substituted(
    ctx: Context, region: str, year: int, shares: dict[str, float], end_use: str = "all"
) -> dict[str, float]:
    """Grade shares [fraction] of ``region``'s magnets of ``end_use`` in ``year`` after the
    substitution events for it: each moves its ramped share of the heavy-rare-earth grades
    (all but N42) to its grade (N42 if the model has no such grade)."""
    for ev in ctx.events.substitution:
        if ctx.region_of(ev.region) == region and _applies(ev.end_use, end_use):
            level = ramp([year], ev.start, ev.ramp_up_years, None)[0] * ev.share
            target = ev.to_grade if ev.to_grade in shares else "N42"
            shares = dict(shares)
            for grade in [g for g in shares if g not in ("N42", target)]:
                moved = shares[grade] * level
                shares[grade] -= moved
                shares[target] = shares.get(target, 0.0) + moved
    return shares


def _recycled(recycled: pd.DataFrame | None) -> dict[tuple[int, str], float]:
    """(year, region) -> recycled magnet material [t/yr], all its elements."""
    if recycled is None or recycled.empty:
        return {}
    total = recycled.groupby(["year", "region"])["value"].sum()
    return {(int(y), r): float(v) for (y, r), v in total.items()}


def _less_recycled(by_grade: dict[str, float], recycled: float) -> dict[str, float]:
    """Primary magnets [t] by grade: ``by_grade`` less ``recycled`` [t], taken from every
    grade in proportion (recycled alloy keeps its mix), never below zero."""
    total = sum(by_grade.values())
    if recycled <= 0 or total <= 0:
        return by_grade
    keep = max(0.0, 1 - recycled / total)
    return {grade: quantity * keep for grade, quantity in by_grade.items()}


def eol_recycling_rates(ctx: Context, years: list[int], end_uses: list[str]) -> pd.DataFrame:
    """End-of-life recycling rates the scenario's recycling events set (year, region, end
    use, rate [fraction]): the sum of the events of a region and end use (``all``: every end
    use), each ramped from its start, at most 1; no row where no event is in force."""
    rows = []
    for year in years:
        for use in end_uses:
            found: dict[str, float] = {}
            for ev in ctx.events.recycling:
                if _applies(ev.end_use, use):
                    level = ramp([year], ev.start, ev.ramp_up_years, None)[0] * ev.share
                    region = ctx.region_of(ev.region)
                    found[region] = found.get(region, 0.0) + level
            rows += [(year, r, use, min(v, 1.0)) for r, v in found.items() if v > 0]
    return pd.DataFrame(rows, columns=["year", "region", "end_use", "rate"])


def event_magnet_rows(
    ctx: Context, blocks: Blocks, price: pd.Series, grades: GradeMix
) -> list[dict]:
    """Magnet demand rows of the demand events with an activity [unit/yr] or yearly values:
    activity x ramp x magnet per unit of activity [t magnet/unit], in the grade mix of the
    event's end use."""
    rows = []
    for ev in ctx.events.demand:
        if ev.activity is None and not ev.values:
            continue
        per_unit = magnet_per_activity(ctx, ev)
        for y, part_of_year in zip(ctx.years, ctx.fractions, strict=True):
            year = periods.year_of(y)
            act = ev.values.get(year, 0.0) if ev.values else ev.activity.value
            level = ramp([y], ev.start or ctx.base, ev.ramp_up_years, None)[0]
            qty = act * level * per_unit * part_of_year
            if qty <= 0:
                continue
            for grade, share in grades.of(ev.end_use).items():
                if share > 0:
                    region = ctx.region_of(ev.region)
                    rows += block_rows(
                        y, region, "magnet", grade, qty * share, price[grade], blocks
                    )
    return rows


def magnet_per_activity(ctx: Context, ev: DemandEvent) -> float:
    """t magnet per unit of the event's activity, in the unit the scenario gives it: the
    dataset's intensity per vehicle, MW or t of magnets, times the unit's conversion (GW/yr ->
    1,000 MW/yr) and the scenario's intensity factor for the end use (noted when not 1)."""
    # e.g. 1 GW/yr is 1,000 MW/yr: the canonical units in one of the scenario's units
    per_canonical_unit, kind = activity_per_year(1.0, ev.activity.unit) if ev.activity else (1, "")
    per_unit = per_canonical_unit * intensity(ctx, ev.end_use, kind)
    intensity_factor = ctx.sc.intensity_factors.get(ev.end_use, 1.0)
    if intensity_factor != 1.0:
        ctx.book.note(
            f"intensity factor {ev.end_use}",
            intensity_factor,
            "x",
            "scenario factor on the dataset's intensity",
            "",
        )
        per_unit *= intensity_factor
    return per_unit


# The intensity rows that serve each kind of activity, and their unit in t magnet per unit.
INTENSITY_UNIT = {"vehicle": ("kg/vehicle", 1e-3), "power": ("kg/MW", 1e-3)}


def intensity(ctx: Context, end_use: str, kind: str) -> float:
    """t magnet per vehicle (``kind`` 'vehicle'), per MW installed ('power': the fleet
    average) or per t of magnets ('mass': 1)."""
    if kind == "mass":
        return 1.0
    if kind not in INTENSITY_UNIT:
        raise ReechainError(f"demand activity of kind {kind!r}: no intensity applies")
    unit, t_per_unit = INTENSITY_UNIT[kind]
    ints = preferred(ctx.table("intensities"))
    part = ints[
        (ints["end_use"] == end_use)
        & (ints["material"] == "NdFeB")
        & ints["value"].notna()
        & (ints["unit"] == unit)
    ]
    if kind == "power":
        part = part[part["technology"].str.startswith("fleet average (all")]
    if part.empty:
        raise ReechainError(f"no NdFeB intensity for end use {end_use!r} in {unit}")
    value = float(part["value"].iloc[0])
    ctx.book.note(
        f"intensity {end_use}",
        value,
        part["unit"].iloc[0],
        "preferred intensity row",
        part["source_id"].iloc[0],
    )
    return value * t_per_unit


def base_separated(composition: pd.DataFrame, pools: Pools, recovery: float) -> pd.Series:
    """Element -> oxide separated in the base year [t REO]: pool output x composition x
    ``recovery`` [fraction] (a light-only separator's heavy fraction included: it is separated
    where its mixed concentrate goes)."""
    comp_base = composition.mul(pools.base.reindex(composition.index).fillna(0.0), axis=0)
    return comp_base.sum() * recovery


def nonmagnet_oxide_demand(
    ctx: Context, separated: pd.Series, drivers: DemandDrivers, recipe: pd.DataFrame
) -> pd.Series:
    """Element -> base-year non-magnet oxide demand [t REO/yr]: ``separated`` oxide [t REO]
    minus the oxide in the base year's magnets (their grade mix x ``recipe``); 0 where the
    magnets need more than was separated."""
    elements = list(separated.index)
    mix = drivers.grades.world
    magnet_metal = drivers.by_region.sum() * recipe.mul(mix, axis=0).sum()
    metal_per_oxide = ctx.element_table.loc[elements, "metal_per_oxide"]
    magnet_oxide = magnet_metal.reindex(elements).fillna(0.0) / metal_per_oxide
    residual = (separated - magnet_oxide).clip(lower=0.0)
    ctx.book.note(
        "non-magnet oxide demand",
        residual.round(0).to_dict(),
        "t REO",
        "DERIVED: base-year separated oxide minus the magnets' needs (0 where magnets "
        "need more than was separated)",
        "",
    )
    return residual


def oxide_rows(
    ctx: Context,
    residual: pd.Series,
    separation: pd.Series,
    drivers: DemandDrivers,
    prices: pd.Series,
) -> list[dict]:
    """Oxide demand rows: ``residual`` [t REO/yr] by element, placed where the base year
    separated (``separation`` [t REO/yr] by region), grown at the non-magnet rate, at the
    oxide ``prices`` [USD/t]."""
    where = separation / separation.sum()
    priced = [e for e in residual.index if pd.notna(prices.get(e))]
    rows = []
    for y, part_of_year in zip(ctx.years, ctx.fractions, strict=True):
        scale = (1 + drivers.nonmagnet_growth) ** (periods.year_of(y) - ctx.base) * part_of_year
        for r in ctx.regions:
            for e in priced:
                qty = residual[e] * where[r] * scale
                if qty > 1e-9:
                    rows += block_rows(y, r, "oxide", e, qty, prices[e], drivers.blocks)
    return rows
