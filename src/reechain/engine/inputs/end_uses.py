"""Magnet demand by end use, each end use following its physical driver.

- Base year: the world's magnets [t magnet] split by the end-use shares of magnets (the shares
  the grade mix is built from), so the end uses sum to the dataset's world total by
  construction; each region's base demand is split the same way.
- An end use with a driver in the ``drivers`` table (electric car sales for traction motors,
  wind capacity additions for wind turbines) follows it: index = driver(year) / driver(base
  year). The driver's path is its history (``scenario`` historical) then the scenario's
  outlook (``demand_outlook``, e.g. IEA STEPS), interpolated year by year between the given
  years; after the outlook's last year it stays at its last value (noted). A ``driver`` event
  of the scenario replaces the path from its first year.
- An end use without a driver grows at the IEA-derived magnet demand rate (noted).
- Before the base year (the cohorts of the in-use stocks) the world's magnet output of the
  production table is split: end uses with a driver by driver x base-year intensity, the rest
  in the base year's proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reechain.engine.inputs.context import Context, preferred
from reechain.engine.scenario import DriverEvent
from reechain.errors import ReechainError

HISTORICAL = "historical"
#: end use -> (the driver's total id, the ids of its parts (their sum is the total where the
#: total isn't given), the driver's unit)
DRIVERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "ev_traction_motor": ("ev_sales_total", ("ev_sales_bev", "ev_sales_phev"), "vehicles/yr"),
    "wind_turbine": (
        "wind_additions_total",
        ("wind_additions_onshore", "wind_additions_offshore"),
        "GW/yr",
    ),
}


@dataclass(frozen=True)
class EndUseDemand:
    """World magnet demand by end use [t magnet/yr] (calendar year x end use, history to the
    horizon), each end use's base-year share [fraction] and the drivers behind it (calendar
    year x end use, in the driver's unit; NaN where an end use has none)."""

    world: pd.DataFrame
    shares: pd.Series
    drivers: pd.DataFrame
    base: int

    def index(self) -> pd.DataFrame:
        """Demand of each end use relative to the base year [fraction] (year x end use)."""
        return self.world / self.world.loc[self.base]

    def intensity(self) -> pd.Series:
        """Base-year magnet per unit of driver [t magnet per driver unit] (end uses with a
        driver)."""
        with_driver = [u for u in self.drivers.columns if self.drivers[u].notna().any()]
        return self.world.loc[self.base, with_driver] / self.drivers.loc[self.base, with_driver]


def end_use_demand(ctx: Context, world_magnets: float, shares: pd.Series) -> EndUseDemand:
    """World magnet demand by end use from ``world_magnets`` [t magnet] in the base year, split
    by ``shares`` [fraction], to the horizon (and back to the first year of the world's magnet
    output in the data)."""
    base = ctx.base
    horizon = max(ctx.sc.horizon, base)
    first = _first_history_year(ctx)
    years = list(range(first, horizon + 1))
    drivers = pd.DataFrame(np.nan, index=years, columns=shares.index)
    for use in shares.index:
        if use in DRIVERS:
            drivers[use] = driver_path(ctx, use, years)
    base_demand = shares * world_magnets
    world = pd.DataFrame(np.nan, index=years, columns=shares.index)
    rate = magnet_growth(ctx)
    for use in shares.index:
        if drivers[use].notna().any():
            world[use] = base_demand[use] * drivers[use] / drivers.loc[base, use]
        else:
            world[use] = base_demand[use] * (1 + rate) ** (world.index - base)
    world = _history(ctx, world, drivers, base_demand)
    ctx.book.note(
        "magnet demand by end use",
        {u: round(float(v), 0) for u, v in world.loc[base].items()},
        "t magnet",
        f"base year: world magnets {world_magnets:,.0f} t x end-use shares; later years: "
        f"{', '.join(u for u in DRIVERS if u in shares.index)} follow their drivers "
        f"({ctx.sc.demand_outlook} outlook), the rest grows at {rate:.2%}/yr",
        "",
    )
    return EndUseDemand(world=world, shares=shares, drivers=drivers, base=base)


def driver_path(ctx: Context, end_use: str, years: list[int]) -> pd.Series:
    """The driver of ``end_use`` in ``years`` [its unit/yr]: history, then the scenario's
    outlook (a driver event from its first year), linear between given years, level after
    the last; NaN before the first. Raises when the base year can't be read."""
    total, parts, unit = DRIVERS[end_use]
    ids = (total, *parts)
    points = _data_points(ctx, total, parts)
    event = _driver_event(ctx, end_use)
    if event is not None:
        first = min(event.values)
        points = points[points.index < first]
        points = pd.concat([points, pd.Series(event.values, dtype=float)]).sort_index()
    if points.empty or points.index.min() > ctx.base:
        raise ReechainError(
            f"drivers: no {total} (world, historical) up to the base year "
            f"{ctx.base} for {end_use}; add the rows or move the base year"
        )
    path = pd.Series(
        np.interp(years, points.index, points.values, left=np.nan), index=years, dtype=float
    )
    last = int(points.index.max())
    how = "driver event" if event is not None else f"history + {ctx.sc.demand_outlook}"
    ctx.book.note(
        f"driver {end_use}",
        {int(y): float(v) for y, v in points.items()},
        unit,
        f"{total} (else {' + '.join(parts)}), world ({how}); linear between the given years"
        + (f", level after {last}" if last < years[-1] else ""),
        _sources(ctx, ids),
    )
    return path


def _data_points(ctx: Context, total: str, parts: tuple[str, ...]) -> pd.Series:
    """Year -> the driver's world value: history up to its last year, then the scenario's
    outlook after it; in each, the ``total`` where given, else the sum of the ``parts`` in
    the years all of them have."""
    rows = _driver_rows(ctx, (total, *parts))
    hist = _totals(rows[rows["scenario"] == HISTORICAL], total, parts)
    last = hist.index.max() if len(hist) else ctx.base
    ahead = rows[(rows["scenario"] == ctx.sc.demand_outlook) & (rows["year"] > last)]
    return pd.concat([hist, _totals(ahead, total, parts)]).astype(float).sort_index()


def _totals(rows: pd.DataFrame, total: str, parts: tuple[str, ...]) -> pd.Series:
    """Year -> ``total``, or the sum of ``parts`` where all are given and the total isn't."""
    table = rows.pivot_table(index="year", columns="driver", values="value", aggfunc="first")
    table = table.reindex(columns=[total, *parts])
    summed = table[list(parts)].sum(axis=1, min_count=len(parts))
    summed[table[list(parts)].isna().any(axis=1)] = np.nan
    return table[total].fillna(summed).dropna()


def _driver_rows(ctx: Context, ids: tuple[str, ...]) -> pd.DataFrame:
    table = preferred(ctx.table("drivers"))
    return table[table["driver"].isin(ids) & (table["region"] == "WLD") & table["value"].notna()]


def _sources(ctx: Context, ids: tuple[str, ...]) -> str:
    return ";".join(sorted(set(_driver_rows(ctx, ids)["source_id"].str.split(";").sum())))


def _driver_event(ctx: Context, end_use: str) -> DriverEvent | None:
    """The scenario's (last) driver event of ``end_use``."""
    found = [ev for ev in ctx.events.drivers if ev.end_use == end_use]
    return found[-1] if found else None


def magnet_growth(ctx: Context) -> float:
    """Yearly growth of the magnet demand of end uses without a driver [fraction/yr]: IEA
    magnet rare earth demand, latest historical year -> first projected year (derived)."""
    d = preferred(ctx.table("demand"))
    d = d[
        (d["metric"] == "magnet_ree_demand")
        & (d["region"] == "WLD")
        & d["value"].notna()
        & (d["material"] == "Pr+Nd+Tb+Dy")
    ]
    hist = d[d["scenario"] == "historical"].sort_values("year").iloc[-1]
    proj = (
        d[(d["scenario"] != "historical") & (d["year"] > hist["year"])].sort_values("year").iloc[0]
    )
    g = (proj["value"] / hist["value"]) ** (1 / (proj["year"] - hist["year"])) - 1
    ctx.book.note(
        "magnet demand growth",
        round(g, 4),
        "fraction/yr",
        f"DERIVED: ({proj['value']:,.0f} / {hist['value']:,.0f})^(1/"
        f"{int(proj['year'] - hist['year'])}) - 1 ({proj['scenario']})",
        f"{hist['source_id']};{proj['source_id']}",
    )
    return float(g)


def _first_history_year(ctx: Context) -> int:
    """First year of the world's magnet output in the production table (the oldest cohort
    of the in-use stocks), at most the base year."""
    return int(min(_world_output(ctx).index.min(), ctx.base))


def _world_output(ctx: Context) -> pd.Series:
    """Year -> world NdFeB magnet output [t magnet]: the production table's world rows, and
    in other years China's output / China's share (the share linear between its years; as
    the base year's world output is derived)."""
    prod = preferred(ctx.table("production"))
    magnets = prod[
        (prod["stage"] == "magnet") & (prod["material"] == "NdFeB") & prod["value"].notna()
    ]

    def series(country: str, measure: str) -> pd.Series:
        part = magnets[(magnets["country"] == country) & (magnets["measure"] == measure)]
        return part.groupby("year")["value"].first().astype(float)

    world, china, share = series("WLD", "output"), series("CHN", "output"), series("CHN", "share")
    if share.empty:
        return world
    years = [y for y in china.index if y not in world.index]
    derived = china[years] / np.interp(years, share.index, share.values)
    return pd.concat([world, derived]).sort_index()


def _history(
    ctx: Context, world: pd.DataFrame, drivers: pd.DataFrame, base_demand: pd.Series
) -> pd.DataFrame:
    """Years before the base year: the world's magnet output (interpolated between the
    production table's years) split into end uses: those with a driver by driver x base-year
    intensity (at most the output), the rest in their base-year proportions."""
    output = _world_output(ctx)
    past = [y for y in world.index if y < ctx.base]
    if not past or output.empty:
        return world
    total = pd.Series(np.interp(past, output.index, output.values), index=past)
    driven = [u for u in world.columns if drivers[u].notna().any()]
    rest = [u for u in world.columns if u not in driven]
    world = world.copy()
    for use in driven:
        world.loc[past, use] = world.loc[past, use].fillna(0.0)
    by_driver = world.loc[past, driven].sum(axis=1).clip(upper=total)
    scale = (by_driver / world.loc[past, driven].sum(axis=1)).fillna(0.0)
    world.loc[past, driven] = world.loc[past, driven].mul(scale, axis=0)
    weights = base_demand[rest] / base_demand[rest].sum()
    world.loc[past, rest] = np.outer(total - by_driver, weights)
    ctx.book.note(
        "magnet demand by end use before the base year",
        {int(y): round(float(v), 0) for y, v in total.items()},
        "t magnet",
        "world magnet output (production table: world rows, else China's output / China's "
        "share; linear between years) split: "
        f"{', '.join(driven)} by driver x base-year intensity, the rest in base-year "
        "proportions (cohorts of the in-use stocks)",
        "",
    )
    return world
